"""Session authentication whose CSRF failure is a 403, not the "may not see" 404 (API.md, Conventions)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions


class CsrfFailed(exceptions.APIException):
    """A browser session's unsafe request without its CSRF token: 403 with a JSON ``detail``."""

    status_code = 403
    default_code = "csrf_failed"


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise CsrfFailed(_("CSRF check failed: send the CSRF token with a session request.")) from exc


class SessionScheme(OpenApiAuthenticationExtension):
    """The schema's description of the session login (DRF's session scheme, for this subclass)."""

    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
