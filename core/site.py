"""The site's public origin, for the addresses printed on letters (the verification URL)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

# Outside a request (a management command, a worker) and without SITE_BASE_URL, letters point at the
# development server: a deployment sets SITE_BASE_URL, which ``check --deploy`` users are told in the README.
DEVELOPMENT_ORIGIN = "http://127.0.0.1:8000"


def site_base_url(request: HttpRequest | None = None) -> str:
    """``SITE_BASE_URL`` when set, else the origin the request came to, without a trailing slash."""
    if settings.SITE_BASE_URL:
        return settings.SITE_BASE_URL.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return DEVELOPMENT_ORIGIN
