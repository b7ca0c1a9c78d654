"""A citizen's written objection (书面异议, Art 49), recorded by bureau staff or a center's clerk.

The bureau sees a case only once an objection is filed: the page finds the refused or terminated
application by its tracking number and the last four characters of the applicant's ID number (both on
the decision letter the citizen brings), so nothing else of the case is shown before.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aid_cases import services
from aid_cases.models import Application
from core.errors import Conflict, Forbidden
from directory.choices import Role
from directory.selectors import user_center_ids
from workflows.services import objection_file

RECORDING_ROLES = (Role.BUREAU_OFFICER, Role.CLERK)


class WrittenObjectionForm(forms.Form):
    tracking_no = forms.CharField(label=gettext_lazy("Tracking number"), max_length=40)
    id_tail = forms.CharField(
        label=gettext_lazy("Last 4 characters of the applicant's ID number"), min_length=4, max_length=4
    )
    reason = forms.CharField(
        label=gettext_lazy("The applicant's objection, as written"), widget=forms.Textarea(attrs={"rows": 6})
    )


def _application(user, tracking_no: str, id_tail: str) -> Application | None:
    """The refused or terminated application the user may record an objection for, or None: one answer
    for an unknown number, a wrong ID tail and a case of another region, so nothing can be guessed."""
    application = (
        Application.objects.select_related("applicant", "region", "center")
        .filter(tracking_no=tracking_no.strip().upper())
        .first()
    )
    if application is None or application.applicant.id_number[-4:].upper() != id_tail.strip().upper():
        return None
    try:
        return services.application_for_objection(user=user, pk=application.pk)
    except Application.DoesNotExist:
        return None


def written_objection(request):
    """Bureau officers and center clerks: find the case by its letter, record the written objection."""
    if not user_center_ids(request.user, roles=RECORDING_ROLES):
        raise Http404
    form = WrittenObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application = _application(request.user, data["tracking_no"], data["id_tail"])
        if application is None or not services.may_record_on_behalf(request.user, application):
            form.add_error(
                None,
                _(
                    "No refused or terminated application with this tracking number and ID number that you "
                    "may record an objection for."
                ),
            )
        else:
            try:
                objection_file(
                    acting_user=request.user, application=application, reason=data["reason"], on_behalf=True
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            except (Conflict, Forbidden) as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("The written objection was recorded and sent to the judicial bureau.")
                )
                return redirect("application_detail", pk=application.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "aid_cases/written_objection.html", {"form": form}, status=status)
