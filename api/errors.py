"""The API's error format (docs/api.md, Conventions).

400 ``{"errors": {"field": ["message", ...]}}``; every other error ``{"detail": "..."}``.
Something the caller may not see is 404, never 403 with details; 403 only for a role that may never
act (``core.errors.Forbidden``) and a session request without its CSRF token
(``api.authentication.CsrfFailed``). 413 for a body over the limit, 429 with ``Retry-After``.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict, Forbidden

from .parsers import BadBody

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


def nested_errors(exc: DjangoValidationError, paths: dict[str, tuple[str, str]]) -> dict:
    """A service's field errors in the shape of the request body: a service names its errors after
    the site form's flat fields (``matter_type``); ``paths`` maps those onto the API's nested body
    (``("matter", "type")`` gives ``{"matter": {"type": [...]}}``)."""
    nested: dict = {}
    for field, messages in django_validation_error_dict(exc).items():
        path = paths.get(field)
        if path is None:
            nested[field] = messages
        else:
            nested.setdefault(path[0], {})[path[1]] = messages
    return nested


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Forbidden):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        return Response({"errors": django_validation_error_dict(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ValidationError):
        return Response({"errors": _as_field_errors(exc.detail)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("The request body is larger than the limit.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent):
        return Response(
            {"errors": {NON_FIELD: [_("The request has too many fields.")]}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, SuspiciousOperation):  # Django's other refusals of a malformed request
        return Response(
            {"errors": {NON_FIELD: [_("The request is malformed.")]}}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, BadBody):  # our parsers say what is wrong
        return Response({"errors": {NON_FIELD: [str(exc.detail)]}}, status=status.HTTP_400_BAD_REQUEST)
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


# --- Django's error views, JSON under /api/ (every API error body is JSON, docs/api.md) ---------------
# Errors raised before a DRF view runs: a path no URL matches (``/api/v1/applications/abc/``), a
# malformed request caught by a middleware, a failure outside DRF. The site keeps its pages.


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"errors": {NON_FIELD: [_("The request is malformed.")]}}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("You may not do this.")}, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("Something went wrong on our side. Please try again later.")}, status=500
        )
    return defaults.server_error(request)
