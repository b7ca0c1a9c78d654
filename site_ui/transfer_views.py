"""Transferring an application to the competent center (Art 38; 市域通办) on the site.

The case page and the review task page include ``aid_cases/_transfer.html``: to a reviewer or director
of the center holding an application in review, a notice when the center is not competent (naming the
region and the competent center) and the transfer form, the competent center chosen by default. The
form posts here; a refused transfer comes back on this page with its errors. Thin, like the other site
views: the rules are ``aid_cases.services.transfers``', the step is ``workflows.transfers``'.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from aid_cases import selectors
from aid_cases.models import Application
from aid_cases.models.transfers import TRANSFER_REASON_MAX
from aid_cases.services.transfers import transfer_possible
from core.errors import Conflict, Forbidden
from core.site import site_base_url
from workflows.transfers import application_transfer_step

from .forms import add_errors


class TransferForm(forms.Form):
    """Parses the transfer; whether it is possible is the service's to say (its errors come back onto
    these fields, which bear its names). Prefixed: the review task's form on the same page has a
    ``reason`` too."""

    prefix = "transfer"
    to_center = forms.ChoiceField(label=_("Transfer to"), required=False)
    reason = forms.CharField(
        label=_("Reason for the transfer"),
        required=False,
        max_length=TRANSFER_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the transfer letter, which the applicant and the receiving center read."),
    )

    def __init__(self, *args: Any, application: Application, competent: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centers = selectors.transfer_centers(application)
        self.fields["to_center"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose the center")),
            *((str(c.pk), c.name) for c in centers),
        ]
        if competent is not None and competent.pk != application.center_id:
            self.fields["to_center"].initial = str(competent.pk)


def transfer_offer(user: Any, application: Application | None, data: Any = None) -> dict[str, Any] | None:
    """What ``aid_cases/_transfer.html`` shows ``user`` about ``application``: None unless they may
    transfer it now; else whether the center is competent, the competent center and the form."""
    if application is None or not transfer_possible(user=user, application=application):
        return None
    competent_here = selectors.application_is_competent_here(application)
    competent = None if competent_here else selectors.application_competent_center(application)
    return {
        "competent_here": competent_here,
        "competent_center": competent,
        "form": TransferForm(data, application=application, competent=competent),
    }


@require_http_methods(["GET", "POST"])
def application_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user  # logged in: the site's login middleware
    try:
        application = selectors.application_get(user=user, pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc
    if not selectors.user_decides_for(user, application):
        raise PermissionDenied  # the applicant, a clerk: their role never transfers
    offer = transfer_offer(user, application, request.POST if request.method == "POST" else None)
    if offer is None:  # no longer in review
        messages.error(request, gettext("The application is no longer in review: it cannot be transferred."))
        return redirect("application_detail", pk=pk)
    form = offer["form"]
    if request.method == "POST" and form.is_valid():
        try:
            transfer, _letter = application_transfer_step(
                acting_user=user,
                application=application,
                to_center=form.cleaned_data["to_center"] or None,
                reason=form.cleaned_data["reason"],
                base_url=site_base_url(request),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except (Conflict, Forbidden) as exc:
            messages.error(request, exc.message)
            return redirect("application_detail", pk=pk)
        else:
            messages.success(
                request,
                gettext("The application was transferred to %(center)s; the transfer letter was issued.")
                % {"center": transfer.to_center.name},
            )
            # the transferring center no longer sees the case (unless this reviewer filed it)
            if selectors.applications_visible_to(user).filter(pk=pk).exists():
                return redirect("application_detail", pk=pk)
            return redirect("task_list")
    return render(
        request,
        "aid_cases/transfer.html",
        {"application": application, "transfer_offer": offer},
        status=400 if request.method == "POST" else 200,
    )
