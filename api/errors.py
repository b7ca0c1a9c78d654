"""The API's error format (API.md, Conventions).

400 ``{"errors": {"field": ["message", ...]}}``; every other error ``{"detail": "..."}``.
Something the caller may not see is 404, never 403 with details.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict

NON_FIELD = "non_field_errors"


def _as_field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {key: value if isinstance(value, list | dict) else [value] for key, value in detail.items()}
    if isinstance(detail, list):
        return {NON_FIELD: detail}
    return {NON_FIELD: [detail]}


def django_validation_error_dict(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            (NON_FIELD if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {NON_FIELD: exc.messages}


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response({"errors": django_validation_error_dict(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ValidationError):
        return Response({"errors": _as_field_errors(exc.detail)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ParseError):
        return Response(
            {"errors": {NON_FIELD: [_("The request body is not valid JSON.")]}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied) and not isinstance(
        exc, exceptions.NotAuthenticated
    ):
        # An authenticated caller who may not act here learns nothing more than "not found".
        exc = Http404()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": response.data}
    return response
