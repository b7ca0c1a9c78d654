"""The OpenAPI schema describes the API (issue 7): enums, required parameters, patterns, errors, typed bodies."""

import re

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db

ERROR_CODES = {"400", "401", "403", "404", "409", "413", "429"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node or "allOf" in node:
        if "allOf" in node:
            node = node["allOf"][0]
        else:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def operations(schema):
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield path, method.upper(), op


def parameter(schema, path: str, method: str, name: str) -> dict:
    op = schema["paths"][path][method]
    return next(p for p in op["parameters"] if p["name"] == name)


def test_status_and_kind_are_enums(schema):
    components = schema["components"]["schemas"]
    statuses = set(components["ApplicationStatusEnum"]["enum"])
    assert {"submitted", "refused", "closed", "terminated", "supplement_requested"} <= statuses
    for name in ("ApplicationDetailOut", "ApplicationCreatedOut", "TrackOut", "ApplicationSummaryOut"):
        status = resolve(schema, components[name]["properties"]["status"])
        assert set(status["enum"]) == statuses, name
    document_kind = resolve(schema, components["DocumentRefOut"]["properties"]["kind"])
    assert {"receipt", "refusal", "approval"} <= set(document_kind["enum"])
    assert "enum" in resolve(schema, components["Institution"]["properties"]["kind"])
    assert "enum" in resolve(schema, components["Provider"]["properties"]["kind"])
    assert parameter(schema, "/api/v1/applications/", "get", "status")["schema"]["enum"]


def test_required_parameters_are_marked(schema):
    assert parameter(schema, "/api/v1/track/", "get", "tracking_no")["required"] is True
    assert parameter(schema, "/api/v1/track/", "get", "id_tail")["required"] is True
    scope = parameter(schema, "/api/v1/tasks/", "get", "scope")
    assert scope["required"] is True and scope["schema"]["enum"] == ["inbox", "queue"]


def test_id_number_and_phone_patterns_are_published(schema):
    components = schema["components"]["schemas"]
    applicant = components["ApplicantInRequest"]["properties"]
    assert applicant["id_number"]["pattern"] == r"^\d{17}[\dXx]$"
    assert applicant["phone"]["pattern"]
    assert re.match(applicant["phone"]["pattern"], "13907980001")
    assert components["RepresentativeInRequest"]["properties"]["id_number"]["pattern"] == r"^\d{17}[\dXx]$"


def test_the_patterns_are_what_the_api_checks():
    from api.applications import ApplicantIn

    base = {"name": "吕春花", "phone": "13907980001", "address": "珠山区"}
    for bad in (" 36020319850615123X", "3602031985061512", "36020319850615123Y"):
        form = ApplicantIn(data={**base, "id_number": bad})
        assert not form.is_valid() and "id_number" in form.errors, bad
    form = ApplicantIn(data={**base, "id_number": "36020319850615123x"})
    assert form.is_valid(), form.errors  # the pattern only: the service judges the check digit


def test_error_responses_are_documented_with_typed_bodies(schema):
    components = schema["components"]["schemas"]
    assert components["ValidationErrorOut"]["required"] == ["errors"]
    assert components["ErrorOut"]["required"] == ["detail"]
    seen = set()
    for path, method, op in operations(schema):
        responses = op["responses"]
        seen |= set(responses) & ERROR_CODES
        for code in set(responses) & ERROR_CODES:
            body = responses[code]["content"]["application/json"]["schema"]
            assert "$ref" in body, (path, method, code)
        if method == "POST":
            assert {"400", "413"} <= set(responses), (path, method)
        if "{" in path:
            assert "404" in responses, (path, method)
        if "429" in responses:
            assert "Retry-After" in responses["429"]["headers"], (path, method)
    assert seen == ERROR_CODES
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "429" in token and "401" not in token
    complete = schema["paths"]["/api/v1/tasks/{id}/complete/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "413"} <= set(complete)


def _free_form(schema, node, seen) -> list[str]:
    """Every object in ``node`` (followed through refs) that has no properties: a free-form body."""
    found = []
    stack = [node]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                stack.append(schema["components"]["schemas"][name])
            continue
        if node.get("type") == "object" and "properties" not in node and "additionalProperties" not in node:
            found.append(repr(node)[:80])
        for key in ("properties",):
            stack.extend(node.get(key, {}).values())
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                stack.append(node[key])
        for key in ("allOf", "oneOf", "anyOf"):
            stack.extend(node.get(key, []))
    return found


def test_no_response_is_a_free_form_object(schema):
    for path, method, op in operations(schema):
        for code, response in op["responses"].items():
            for media, content in response.get("content", {}).items():
                assert not _free_form(schema, content["schema"], set()), (path, method, code, media)


def test_every_2xx_response_has_a_schema(schema):
    for path, method, op in operations(schema):
        for code, response in op["responses"].items():
            if code.startswith("2"):
                assert response.get("content"), (path, method, code)
