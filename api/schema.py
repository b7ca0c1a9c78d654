"""The OpenAPI schema's shared parts (drf-spectacular): the error bodies and which operation may answer which.

API.md's error rules hold for every endpoint, so ``AutoSchema`` adds them to each operation from what
the view is (public or not, reads or writes, a path with an id, throttled) instead of each view
repeating them: 400 ``{"errors": ...}``; 401, 403, 404, 409, 413 and 429 ``{"detail": ...}``, the
429 with ``Retry-After``.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers


@extend_schema_field(
    {
        "type": "object",
        "description": "Messages by field: a list of messages, or for a nested block an object of the same shape.",
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {}},
                {"type": "object", "additionalProperties": {}},
            ]
        },
    }
)
class _FieldErrorsField(serializers.DictField):
    pass


class ValidationErrorOut(serializers.Serializer):
    """400: bad input, nothing saved; ``non_field_errors`` for what concerns no single field."""

    errors = _FieldErrorsField()


class ErrorOut(serializers.Serializer):
    """Every other error (401, 403, 404, 409, 413, 429)."""

    detail = serializers.CharField()


DESCRIPTIONS = {
    "400": "Bad input; nothing saved.",
    "401": "No credentials, or wrong ones.",
    "403": "The caller's role may never do this, or a session request came without its CSRF token.",
    "404": "Not found, or not visible to the caller.",
    "409": "The workflow state forbids the action now.",
    "413": "The request body is larger than the limit.",
    "429": "Too many requests; Retry-After says how many seconds to wait.",
}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Views that throttle without DRF's throttle classes (django-axes, the progress query's own throttle).
THROTTLED_VIEWS = {"TokenView", "Track"}
# Views with no id in their path that answer 404 (the progress query: no such application).
NOT_FOUND_VIEWS = {"Track"}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self.error_codes():
            if code not in responses:
                serializer = ValidationErrorOut if code == "400" else ErrorOut
                responses[code] = self._get_response_for_code(serializer, code, direction=direction)
                responses[code]["description"] = DESCRIPTIONS[code]
        if "429" in responses:
            responses["429"].setdefault("headers", {})["Retry-After"] = {
                "schema": {"type": "integer", "minimum": 0},
                "description": "Seconds to wait before trying again.",
            }
        return responses

    def _public(self) -> bool:
        return all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())

    def error_codes(self) -> list[str]:
        unsafe = self.method in UNSAFE
        public = self._public()
        codes = []
        paginated = self._is_list_view() and self._get_paginator() is not None
        if unsafe or self.get_override_parameters() or paginated:
            codes.append("400")
        if not public:
            codes.append("401")
            if unsafe:
                codes += ["403", "409"]  # a role that may never act, or a session without CSRF; the state
        if "{" in self.path or paginated or type(self.view).__name__ in NOT_FOUND_VIEWS:
            codes.append("404")  # not visible, or a page past the end of a list
        if unsafe:
            codes.append("413")
        if self.view.get_throttles() or type(self.view).__name__ in THROTTLED_VIEWS:
            codes.append("429")
        return codes
