"""Site pages of a detainee's forwarded application (Art 39): the unit officer's forward form, and the
list of forwards with the late ones flagged and counted per unit.

Thin views: the form parses, ``workflows.forwarding.forwarded_request_file`` decides, and its errors
come back onto the form's fields (they bear the service's names). Who sees which forwards and counts
is ``aid_cases.services.forwarding``'s to say.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aid_cases.forwarding_rules import forward_due, forwarding_rule_in_force
from aid_cases.means import DefenceReason
from aid_cases.services import MatterData
from aid_cases.services.forwarding import (
    EARLIEST_RECEIPT,
    forwarded_requests_for,
    forwarding_counts,
    forwarding_units,
    user_sees_forwarding_counts,
)
from core.errors import Forbidden
from core.site import site_base_url
from directory.choices import MatterCategory, MatterType, OrganisationKind
from directory.models import Organisation
from directory.selectors import regions_list, user_center_ids
from workflows.forwarding import forwarded_request_file

from .application_forms import matter_type_choices

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
FORWARDS_PER_PAGE = 25


class ForwardForm(forms.Form):
    """Parses a forward; whether it can be recorded is ``aid_cases.services.forwarding``'s to say."""

    unit_id = forms.TypedChoiceField(label=gettext_lazy("Forwarding unit"), coerce=int)
    received_at = forms.DateTimeField(
        label=gettext_lazy("Your unit received the request at"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=gettext_lazy("The hours for forwarding are counted from this moment (Art 39)."),
    )
    person_name = forms.CharField(label=gettext_lazy("Name of the person in custody"), max_length=64)
    person_id_number = forms.CharField(
        label=gettext_lazy("Resident ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    place = forms.CharField(
        label=gettext_lazy("Place of custody"),
        max_length=200,
        help_text=gettext_lazy("Where the person is held, so that the center and the lawyer can meet them."),
    )
    region = forms.ChoiceField(
        label=gettext_lazy("Aid center (region)"),
        help_text=gettext_lazy(
            "The legal aid center of the region where the case is handled: it reviews the application."
        ),
    )
    matter_category = forms.ChoiceField(label=gettext_lazy("Kind of matter"), choices=MatterCategory.choices)
    matter_type = forms.ChoiceField(label=gettext_lazy("Matter"), choices=matter_type_choices)
    defence_reason = forms.ChoiceField(
        label=gettext_lazy("Why the person has no defender (criminal defence only)"),
        required=False,
        choices=DefenceReason.choices,
        widget=forms.RadioSelect,
    )
    matter_summary = forms.CharField(
        label=gettext_lazy("What the person asks for, in their words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    opposing_party = forms.CharField(label=gettext_lazy("Opposing party"), max_length=200, required=False)

    def __init__(self, *args, units: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        if len(units) > 1:
            self.fields["unit_id"].choices = [(u.pk, u.name) for u in units]
        else:
            del self.fields["unit_id"]  # the officer's one unit: nothing to choose
        self.fields["region"].choices = [(r.code, r.name) for r in regions_list()]
        now = timezone.localtime()
        self.fields["received_at"].widget.attrs["max"] = now.strftime(DATETIME_LOCAL)
        if not self.is_bound:
            unit = units[0]
            self.initial.setdefault("region", unit.region.code)
            self.initial.setdefault("received_at", now.strftime(DATETIME_LOCAL))
            self.initial.setdefault("matter_category", MatterCategory.CRIMINAL)
            self.initial.setdefault("matter_type", MatterType.CRIMINAL_DEFENCE)
            if unit.kind == OrganisationKind.DETENTION:
                self.initial.setdefault("place", unit.name)

    def service_fields(self) -> dict:
        """The keyword arguments of ``aid_cases.services.forwarding.forwarded_request_submit``."""
        d = self.cleaned_data
        return {
            "unit_id": d.get("unit_id"),
            "received_at": d["received_at"],
            "region": d["region"],
            "person_name": d["person_name"],
            "person_id_number": d["person_id_number"],
            "matter": MatterData(
                category=d["matter_category"],
                type=d["matter_type"],
                summary=d["matter_summary"],
                opposing_party=d["opposing_party"],
            ),
            "defence_reason": d["defence_reason"],
            "place": d["place"],
        }


def _units_or_403(request) -> list[Organisation]:
    units = forwarding_units(request.user)
    if not units:
        # citizens, center staff, lawyers, the bureau: their role never forwards (403, not the form)
        raise PermissionDenied
    return units


def forwarded_new(request):
    """The forward form: the center reviews the application; the unit has 24 hours from its receipt."""
    units = _units_or_403(request)
    form = ForwardForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                application = forwarded_request_file(
                    acting_user=request.user, base_url=site_base_url(request), **form.service_fields()
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except Forbidden as exc:
                form.add_error(None, exc.message)
                status = 403
            else:
                forward = application.forwarded_request
                if forward.forwarded_late:
                    text = _(
                        "Forwarded under tracking number %(no)s, more than %(hours)s hours after your unit "
                        "received it: the forward is recorded as late."
                    )
                    messages.warning(
                        request, text % {"no": application.tracking_no, "hours": forward.hours_allowed}
                    )
                else:
                    text = _("Forwarded under tracking number %(no)s: the legal aid center reviews it.")
                    messages.success(request, text % {"no": application.tracking_no})
                return redirect("forwarded_list")
    hours = forwarding_rule_in_force(units[0].region, timezone.localdate()).hours
    return render(
        request,
        "aid_cases/forwarded_form.html",
        {"form": form, "unit": units[0] if len(units) == 1 else None, "hours": hours},
        status=status,
    )


def _year(request) -> int:
    """The year asked for (``?year=``), from the law's first year to this one; else this year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        return this_year
    return year if EARLIEST_RECEIPT.year <= year <= this_year else this_year


def forwarded_list(request):
    """The forwards the user's units made, or their center received (with the late ones flagged), and
    the forwards and late forwards per unit in a year; a judicial bureau sees the counts only."""
    if not user_sees_forwarding_counts(request.user):
        raise PermissionDenied
    year = _year(request)
    units = forwarding_units(request.user)
    sees_rows = bool(units) or bool(user_center_ids(request.user)) or request.user.is_superuser
    page = None
    if sees_rows:
        page = Paginator(forwarded_requests_for(request.user), FORWARDS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        for forward in page:
            forward.due = forward_due(forward.received_at, forward.hours_allowed)
    counts = forwarding_counts(request.user, year=year)
    this_year = timezone.localdate().year
    return render(
        request,
        "aid_cases/forwarded_list.html",
        {
            "page": page,
            "counts": counts,
            "total": sum(c.forwarded for c in counts),
            "total_late": sum(c.late for c in counts),
            "year": year,
            "years": list(range(this_year, EARLIEST_RECEIPT.year - 1, -1)),
            "units": units,
        },
    )
