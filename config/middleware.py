import ipaddress

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.core.exceptions import ImproperlyConfigured
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


class TrustedProxyMiddleware:
    """The client's address in ``REMOTE_ADDR`` when the request comes through a trusted proxy.

    The login lockout (django-axes), the registration throttle and the progress query's throttle
    count per ``REMOTE_ADDR``. Behind nginx that is nginx's address, so without this every citizen
    would share one count. ``X-Forwarded-For`` is believed only from the proxies listed in
    ``TRUSTED_PROXIES`` (addresses or networks): read from the right, the first address that is not
    one of them is the client as the outermost trusted proxy saw it. A client that writes its own
    header cannot choose its address: anything left of that point is ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        try:
            self.trusted = [ipaddress.ip_network(n.strip(), strict=False) for n in settings.TRUSTED_PROXIES]
        except ValueError as exc:
            raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES: {exc}") from exc

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def __call__(self, request):
        remote = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if self.trusted and forwarded and self._is_trusted(remote):
            for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
                if not self._is_trusted(hop):
                    try:
                        request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(hop))
                    except ValueError:  # not an address: keep the proxy's, never a client's text
                        pass
                    break
        return self.get_response(request)
