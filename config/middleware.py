from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's login-required default, with the API left to DRF.

    DRF authenticates the API itself and answers 401 without credentials: an API client must never
    be redirected to the login page.
    """

    api_prefix = "/api/"

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.api_prefix):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class BodySizeLimitMiddleware:
    """413 for a body over the limit, before anything reads it (docs/api.md, Conventions).

    Django itself only notices when the body is read: the CSRF check of a site form turns it into a
    400 page, and DRF's parsers read their stream past the limit. Here the declared length decides:
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for JSON and form bodies, ``MULTIPART_MAX_REQUEST_SIZE`` for a
    multipart body, whose files have their own per-file limit (``aid_cases.uploads``). The reverse
    proxy's limit (docs) should not be below the multipart one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = self.limit_for(request)
        if limit is not None and self.declared_length(request) > limit:
            return self.too_large(request)
        return self.get_response(request)

    @staticmethod
    def declared_length(request) -> int:
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except (TypeError, ValueError):
            return 0

    @staticmethod
    def limit_for(request) -> int | None:
        if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
            return getattr(settings, "MULTIPART_MAX_REQUEST_SIZE", None)
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    @staticmethod
    def too_large(request):
        message = _("The request body is larger than the limit.")
        if request.path_info.startswith(LoginRequiredMiddleware.api_prefix):
            return JsonResponse({"detail": message}, status=413)
        return render(request, "413.html", {"message": message}, status=413)


class RetryAfterMiddleware:
    """Every 429 says when to try again: ``Retry-After`` in seconds (docs/api.md, Conventions).

    Responses that know their wait (DRF's throttles, the verify page) set it; the others (the login
    lockout, the progress query) wait out a window of ``RETRY_AFTER_SECONDS``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(getattr(settings, "RETRY_AFTER_SECONDS", 3600))
        return response
