"""Registration page (/accounts/register/): the same service and throttle as the API's."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from directory import registration

from .account_forms import RegisterForm

TEMPLATE = "registration/register.html"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_not_required
@never_cache
@sensitive_post_parameters("password", "password_again")
def register(request):
    """A citizen registers, is logged in and goes on to apply (or to where they were going)."""
    if request.user.is_authenticated:
        return redirect(_next_url(request) or settings.LOGIN_REDIRECT_URL)
    form = RegisterForm(request.POST or None)
    context = {"form": form, "next": _next_url(request)}
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    try:
        registration.registration_attempt(address=request.META.get("REMOTE_ADDR", ""))
    except registration.RegistrationThrottled as exc:
        response = render(request, TEMPLATE, context | {"throttled": True}, status=429)
        response["Retry-After"] = str(exc.wait)
        return response
    if form.is_valid():
        try:
            user = registration.citizen_register(**form.service_fields())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Your account is registered and you are logged in. Next time, log in with %(phone)s.")
                % {"phone": user.get_username()},
            )
            return redirect(context["next"] or "apply")
    return render(request, TEMPLATE, context, status=400)
