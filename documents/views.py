"""The public verify page (docs/architecture.md): anyone holding a letter can check it is genuine."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors
from .forms import VerifyForm

# Codes are 60 bits, so guessing is already hopeless; the throttle also stops scraping and keeps
# the page cheap. Hits never count: a citizen checking many real letters is never blocked.
MISS_LIMIT = 20
MISS_WINDOW_SECONDS = 60 * 60
TEMPLATE = "documents/verify.html"


def _miss_key(request) -> str:
    # REMOTE_ADDR, as the login throttle uses: behind a reverse proxy the proxy must pass the client's
    # address there, or every citizen shares one budget.
    return f"documents:verify-misses:{request.META.get('REMOTE_ADDR', '')}"


def _throttled(request) -> bool:
    return (cache.get(_miss_key(request)) or 0) >= MISS_LIMIT


def _record_miss(request) -> None:
    key = _miss_key(request)
    # add() opens the window at the first miss; incr() keeps its expiry, so the window is fixed.
    if not cache.add(key, 1, MISS_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, MISS_WINDOW_SECONDS)


def _result(request, raw_code: str):
    form = VerifyForm(initial={"code": raw_code})
    if _throttled(request):
        # Checked before the lookup, hits included, so a blocked guesser learns nothing more.
        response = render(request, TEMPLATE, {"form": form, "throttled": True}, status=429)
        response["Retry-After"] = str(MISS_WINDOW_SECONDS)
        return response
    document = selectors.document_by_code(raw_code)
    if document is None:
        _record_miss(request)
        return render(request, TEMPLATE, {"form": form, "not_found": True}, status=404)
    form = VerifyForm(initial={"code": document.display_code})
    return render(request, TEMPLATE, {"form": form, "document": document})


@login_not_required
@require_GET
@never_cache  # a revocation must show at once, never behind a cached "valid"
def verify(request, code: str):
    """``/verify/<code>``, the address in the QR code."""
    return _result(request, code)


@login_not_required
@require_GET
@never_cache
def verify_form(request):
    """``/verify/`` with a box to type the code in; ``?code=`` answers like ``/verify/<code>``."""
    if "code" not in request.GET:
        return render(request, TEMPLATE, {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    return _result(request, form.cleaned_data["code"])
