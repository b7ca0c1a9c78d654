"""GET /api/v1/materials-checklist/ (docs/api.md, Intake across the city): public, a plain list, 400 for
codes no filing could carry, the same statements whatever the case."""

import pytest
import yaml
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.aid_cases.test_checklist import seed_demo_checklist

pytestmark = pytest.mark.django_db

URL = "/api/v1/materials-checklist/"


@pytest.fixture
def api(db):
    seed_demo_checklist()
    return APIClient()  # nobody logged in: the checklist is public


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()]


def test_a_migrant_workers_wage_claim_omits_income_proof_and_lists_proof_of_employment(api):
    response = api.get(
        URL, {"categories": "migrant_worker", "matter_type": "wage_arrears", "region": "zhushan"}
    )
    body = response.json()
    assert isinstance(body, list)  # a plain list, not a page
    assert [item["code"] for item in body] == ["identity", "employment_proof", "matter_proof"]
    employment = body[1]
    assert set(employment) == {"code", "label", "required", "why"}
    assert (
        employment["required"] is True
        and "劳动合同" in employment["label"]
        and "第四十二条" in employment["why"]
    )


def test_categories_comma_separated_or_repeated_alike(api):
    comma = api.get(URL, {"categories": "disabled,low_income", "matter_type": "maintenance"})
    repeated = api.get(URL, {"categories": ["disabled", "low_income"], "matter_type": "maintenance"})
    assert comma.json() == repeated.json()
    assert [i["label"] for i in comma.json() if i["code"] == "group_proof"] == [
        "低收入家庭认定证明",
        "残疾人证；无固定生活来源的，附相关证明",
    ]


def test_a_low_income_civil_matter_asks_for_the_pledge_or_proof_of_income(api):
    body = api.get(URL, {"categories": "low_income", "matter_type": "maintenance"}).json()
    by_code = {item["code"]: item for item in body}
    assert by_code["pledge"]["required"] is True and "第四十一条" in by_code["pledge"]["why"]
    assert by_code["means_proof"]["required"] is False


def test_the_optional_answers_refine_the_list(api):
    base = {"categories": "disabled", "matter_type": "maintenance"}
    assert "pledge" in codes(api.get(URL, base))
    assert "pledge" not in codes(api.get(URL, {**base, "fixed_income": "false"}))
    assert "representation_proof" in codes(api.get(URL, {**base, "representative": "true"}))
    defence = {"matter_type": "criminal_defence", "defence_reason": "other"}
    assert "pledge" not in codes(api.get(URL, defence))


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"categories": "migrant_worker,pirate", "matter_type": "wage_arrears"},
            "categories",
            "未知的特殊群体",
        ),
        ({"matter_type": "piracy"}, "matter_type", "未知的事项类型"),
        ({"matter_type": "maintenance", "region": "atlantis"}, "region", "atlantis"),
        ({"categories": "disabled"}, "matter_type", "此项为必填项"),
        ({"matter_type": ""}, "matter_type", None),
        ({"matter_type": "maintenance", "representative": "perhaps"}, "representative", None),
        ({"matter_type": "maintenance", "defence_reason": "boredom"}, "defence_reason", None),
        ({"matter_type": "x" * 500}, "matter_type", None),
    ],
)
def test_bad_input_is_400_in_the_api_error_format(api, query, field, message):
    response = api.get(URL, query)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors
    if message:
        assert message in errors[field][0]


def test_the_api_reads_the_same_statements_for_one_group_and_many(api):
    def statements(query) -> int:
        cache.clear()  # cold: the rule rows read from the database, not the cache
        with CaptureQueriesContext(connection) as captured:
            assert api.get(URL, query).status_code == 200
        return len(captured.captured_queries)

    one = statements({"categories": "disabled", "matter_type": "maintenance", "region": "zhushan"})
    many = statements(
        {
            "categories": "disabled,elderly,minor,low_income,migrant_worker,veteran,single_mother",
            "matter_type": "work_injury",
            "region": "zhushan",
            "representative": "true",
        }
    )
    assert one == many
    # warm: the rows in force come from the reference-data cache; only the region is looked up
    with CaptureQueriesContext(connection) as warm:
        api.get(URL, {"categories": "disabled", "matter_type": "maintenance", "region": "zhushan"})
    assert len(warm.captured_queries) < one


def test_the_schema_documents_it_as_a_public_list(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    op = schema["paths"][URL]["get"]
    names = {p["name"]: p for p in op["parameters"]}
    assert names["matter_type"]["required"] is True and "categories" in names and "region" in names
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["type"] == "array"
    assert "401" not in op["responses"] and "400" in op["responses"]
