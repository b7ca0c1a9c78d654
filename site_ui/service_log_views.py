"""A lawyer's public-interest service (docs/domain.md, annual duty): the log form and the year's logs,
and the evidence, opened only by the lawyer and the verifying center's staff.

Thin, like the other site views: every rule of a log is ``assignments.services.service_logs``', which
also says who may see one; ``workflows.service_logs`` starts the center's verification with the log.
The form only parses (hours and the date stay as typed); the service's ``ValidationError`` comes back
onto its fields, so the page and the API say the same thing. The verification itself is a task
(``verify_service_log``) on the task pages.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from assignments.choices import ServiceActivity, ServiceLogStatus
from assignments.models import ServiceLog
from assignments.services import service_logs
from core.errors import Conflict, Forbidden
from workflows.service_logs import service_log_file

from .forms import add_errors

FIRST_YEAR = service_logs.EARLIEST.year


class ServiceLogForm(forms.Form):
    """The log of one activity on one day (``service_log_submit``). Every field is judged by the
    service, which names what is missing; the form only reads what was typed."""

    prefix = "log"

    activity = forms.ChoiceField(
        label=_("Activity"),
        choices=[("", _("Choose the activity")), *ServiceActivity.choices],
        required=False,
    )
    date = forms.CharField(label=_("Date of the service"), required=False)
    hours = forms.CharField(
        label=_("Hours"),
        required=False,
        max_length=16,
        help_text=_("More than 0 and at most 24 in one day, to one decimal place, e.g. 2.5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    organiser = forms.CharField(
        label=_("Organising unit"),
        required=False,
        max_length=service_logs.ORGANISER_MAX,
        help_text=_("E.g. the legal aid workstation, the village committee or the 12348 hotline."),
    )
    description = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=service_logs.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("A PDF, JPEG or PNG: a sign-in sheet, a photo, a certificate from the organiser."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = forms.DateInput(
            attrs={"type": "date", "min": service_logs.EARLIEST.isoformat(), "max": today.isoformat()}
        )


def _year(value: str, today: datetime.date) -> int:
    if value.isdigit() and FIRST_YEAR <= int(value) <= today.year:
        return int(value)
    return today.year


@require_http_methods(["GET", "POST"])
def my_service_logs(request):
    """The lawyer's log form and their logs of one year, with the year's verified hours; 404 for anyone
    who is not an active lawyer at a law firm."""
    provider = service_logs.lawyer_of(request.user)
    if provider is None:
        raise Http404
    today = timezone.localdate()
    year = _year(request.GET.get("year", ""), today)
    form = ServiceLogForm(today=today)
    status = 200
    if request.method == "POST":
        form = ServiceLogForm(request.POST, request.FILES, today=today)
        status = 400
        if form.is_valid():
            try:
                log = service_log_file(acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            except (Conflict, Forbidden) as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, gettext("Logged: the aid center verifies it, and then the hours count.")
                )
                return redirect(f"{reverse('my_service_logs')}?year={log.date.year}#logs")
    logs = list(
        ServiceLog.objects.filter(provider=provider, date__year=year)
        .select_related("verified_by")
        .order_by("-date", "-pk")
    )
    totals = {
        row["status"]: row["hours"]
        for row in ServiceLog.objects.filter(provider=provider, date__year=year)
        .values("status")
        .annotate(hours=Sum("hours"))
        .order_by()
    }
    return render(
        request,
        "assignments/service_logs.html",
        {
            "provider": provider,
            "center": service_logs.verifying_center_of(provider),
            "form": form,
            "logs": logs,
            "year": year,
            "years": list(range(today.year, FIRST_YEAR - 1, -1)),
            "verified_hours": totals.get(ServiceLogStatus.VERIFIED, Decimal(0)),
            "pending_hours": totals.get(ServiceLogStatus.PENDING, Decimal(0)),
        },
        status=status,
    )


@require_GET
def service_log_evidence(request, pk: int):
    """A log's evidence, opened in the browser by the lawyer and the verifying center's staff; 404 for
    anyone else (the firm too), and when there is none."""
    try:
        log = service_logs.service_log_get(user=request.user, pk=pk)
    except ServiceLog.DoesNotExist as exc:
        raise Http404 from exc
    evidence = service_logs.service_log_evidence_file(log)
    if evidence is None:
        raise Http404
    handle, content_type, filename = evidence
    response = FileResponse(handle, content_type=content_type, filename=filename)
    # Only the three checked types are ever stored (aid_cases.uploads), sent with nosniff by the
    # security middleware; evidence may show people: kept out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
