"""django-axes' answer to a locked-out login: JSON for the API, a page for the site, both 429."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Too many failed logins: this account is locked for a while.")}, status=status
        )
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=status)
