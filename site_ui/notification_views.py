"""Site pages of the notified defence (通知辩护): an agency officer's notice form and their unit's notices.

Thin views: the form parses, ``workflows.notifications.notification_file`` decides, and its errors
come back onto the form's fields (they bear the service's names).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aid_cases import rules
from aid_cases.choices import NotifiedGround, ProceedingStage, Status
from aid_cases.services.notification import (
    COURT_ONLY_GROUNDS,
    STAGES_BY_KIND,
    notifications_for,
    notifying_agency,
)
from core.errors import Conflict, Forbidden
from core.site import site_base_url
from directory.choices import OrganisationKind
from directory.models import Organisation
from directory.selectors import regions_list
from workflows.notifications import notification_file

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
NOTIFICATIONS_PER_PAGE = 25
# The statuses in which the case has no lawyer yet (assigned: offered, not yet accepted).
WAITING_FOR_LAWYER = (Status.APPROVED, Status.ASSIGNING, Status.ASSIGNED)


class NotificationForm(forms.Form):
    """Parses a notice; whether it can be recorded is ``aid_cases.services.notification``'s to say."""

    agency_case_no = forms.CharField(label=gettext_lazy("Agency's case number"), max_length=64)
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received by the center at"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=gettext_lazy("The period for assigning a lawyer is counted from the day after this."),
    )
    region = forms.ChoiceField(
        label=gettext_lazy("Aid center (region)"),
        help_text=gettext_lazy("The legal aid center of the region where your unit handles the case."),
    )
    stage = forms.ChoiceField(label=gettext_lazy("Stage of the proceedings"))
    charge = forms.CharField(
        label=gettext_lazy("Charge"),
        max_length=200,
        help_text=gettext_lazy("The offence the person is suspected of or accused of."),
    )
    person_name = forms.CharField(label=gettext_lazy("Name of the suspect or defendant"), max_length=64)
    person_id_number = forms.CharField(
        label=gettext_lazy("Resident ID number (if known)"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    person_birth_date = forms.DateField(
        label=gettext_lazy("Date of birth (without an ID number)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "A person under 18 on the day of receipt is notified as a minor automatically."
        ),
    )
    grounds = forms.MultipleChoiceField(
        label=gettext_lazy("Grounds for notifying (tick all that apply)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, agency: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions_list()]
        # a unit's own stage(s) and grounds only: what the service would refuse is not offered
        stages = STAGES_BY_KIND.get(agency.kind, ())
        self.fields["stage"].choices = [
            (code, label) for code, label in ProceedingStage.choices if code in stages
        ]
        court = agency.kind == OrganisationKind.COURT
        self.fields["grounds"].choices = [
            (code, label) for code, label in NotifiedGround.choices if court or code not in COURT_ONLY_GROUNDS
        ]
        if not self.is_bound:
            self.initial.setdefault("region", agency.region.code)
            self.initial.setdefault("received_at", timezone.localtime().strftime(DATETIME_LOCAL))
        self.fields["received_at"].widget.attrs["max"] = timezone.localtime().strftime(DATETIME_LOCAL)

    def service_fields(self) -> dict:
        """The keyword arguments of ``aid_cases.services.notification.notification_submit``."""
        d = self.cleaned_data
        return {
            "agency_case_no": d["agency_case_no"],
            "received_at": d["received_at"],
            "region": d["region"],
            "person": {
                "name": d["person_name"],
                "id_number": d["person_id_number"] or None,
                "birth_date": d["person_birth_date"],
            },
            "grounds": list(d["grounds"]),
            "charge": d["charge"],
            "stage": d["stage"],
        }


def _assign_period(agency: Organisation) -> str:
    """The notified defence's assignment period in the notifying unit's region, from the rule row."""
    return rules.period_text_in_force(agency.region, "notified_assign_days")


def _agency_or_403(request) -> Organisation:
    agency = notifying_agency(request.user)
    if agency is None:
        # citizens, center staff, lawyers, the bureau: their role never notifies (403, not the form)
        raise PermissionDenied
    return agency


def notification_new(request):
    """The notice form: the case goes straight to the center's assignment, due 3 days after receipt."""
    agency = _agency_or_403(request)
    form = NotificationForm(request.POST or None, agency=agency)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                application = notification_file(
                    acting_user=request.user, base_url=site_base_url(request), **form.service_fields()
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except Forbidden as exc:
                form.add_error(None, exc.message)
                status = 403
            else:
                messages.success(
                    request,
                    _("Notice recorded under tracking number %(no)s: the center assigns a lawyer by %(due)s.")
                    % {
                        "no": application.tracking_no,
                        "due": date_filter(application.assign_due, "Y年n月j日")
                        if application.assign_due
                        else "—",
                    },
                )
                return redirect("notification_list")
    return render(
        request,
        "aid_cases/notification_form.html",
        {"form": form, "agency": agency, "assign_period": _assign_period(agency)},
        status=status,
    )


def notification_list(request):
    """The notices of the officer's unit, newest first, with their case's progress."""
    agency = _agency_or_403(request)
    page = Paginator(notifications_for(request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = dict(NotifiedGround.choices)
    today = timezone.localdate()
    for notification in page:
        application = notification.application
        notification.ground_labels = [str(labels.get(code, code)) for code in notification.grounds]
        # still waiting for a lawyer after the 3 days: the officer may chase the center
        notification.overdue = (
            application.status in WAITING_FOR_LAWYER
            and application.assign_due is not None
            and application.assign_due < today
        )
    return render(request, "aid_cases/notification_list.html", {"page": page, "agency": agency})
