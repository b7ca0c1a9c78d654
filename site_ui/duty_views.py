"""Site pages of the lawyers' annual public-interest duty (docs/domain.md §6, annual duty): the lawyer's
own year, the firm administrator's dashboard and the judicial bureau's view across firms and notary
offices, with the bureau's exemptions.

Thin, like the other site views. Every figure and status comes from ``assignments.quota``
(``lawyer_duty_rows`` / ``firm_duty_rows``): one computation behind the pages, the API and the
reports, so they agree. Who sees what is ``quota.duty_scope_for``'s; the exemption is
``assignments.services.duty``'s. The lists of what counted on the lawyer's page are plain queries that
mirror quota's counting rules (said where they do). A firm administrator sees figures only, never a
case: no case link, no applicant's name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from aid_cases.selectors import applications_visible_to
from assignments import quota
from assignments.choices import DutyStatus, ServiceLogStatus
from assignments.models import (
    Assignment,
    DutyExemption,
    DutyLawyerRecord,
    DutyReminder,
    DutyRule,
    ServiceLog,
)
from assignments.services.duty import REASON_MAX, duty_exemption_record, exempting_region_ids, exemption_years
from assignments.services.service_logs import lawyer_of
from core.errors import Conflict, Forbidden
from directory.choices import OrganisationKind
from directory.models import Organisation, Provider, Region
from workflows.services import notary_duty_rows

from .forms import add_errors

FIRST_YEAR = 2022  # the Legal Aid Law's first year: the duty is counted from it
PER_PAGE = 25
TENTH = Decimal("0.1")
STATUS_LABELS = dict(DutyStatus.choices)
DOWNLOADS = (
    ("pdf", _("Annual-inspection report (PDF)")),
    ("xlsx", _("Table (XLSX)")),
    ("csv", _("Table (CSV)")),
)


def _year(request, today: datetime.date) -> int:
    """``?year=``, a year the duty is counted for; this year otherwise."""
    value = request.GET.get("year", "")
    if value.isdigit() and FIRST_YEAR <= int(value) <= today.year:
        return int(value)
    return today.year


def _years(today: datetime.date) -> list[int]:
    return list(range(today.year, FIRST_YEAR - 1, -1))


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else None


def _percent(rate: Decimal) -> Decimal:
    """A compliance rate (0.7500) as a percentage to one place (75.0)."""
    return (rate * 100).quantize(TENTH, rounding=ROUND_HALF_UP)


def _status(result: quota.DutyResult) -> dict[str, Any]:
    """What a row shows of one lawyer's result: the status and its label, the figures against the
    minimums, what is missing."""
    return {
        "code": result.status,
        "label": STATUS_LABELS.get(result.status, result.status),
        "cases": result.cases,
        "hours": result.hours,
        "min_cases": result.min_cases,
        "min_hours": result.min_hours,
        "missing": result.missing,
    }


def _downloads(firm_id: int, year: int) -> list[dict[str, str]]:
    return [
        {
            "label": label,
            "url": f"{reverse('duty_firm_report', kwargs={'pk': firm_id, 'fmt': fmt})}?year={year}",
        }
        for fmt, label in DOWNLOADS
    ]


# --- the lawyer's own year -------------------------------------------------------------------------


@dataclass
class Progress:
    """One bar toward one minimum: ``value`` of ``maximum`` (both capped, so a bar is never beyond
    full), and the figures as counted."""

    counted: Any
    minimum: Any

    @property
    def maximum(self) -> Any:
        return self.minimum if self.minimum > 0 else 1

    @property
    def value(self) -> Any:
        return min(self.counted, self.maximum) if self.minimum > 0 else 1

    @property
    def reached(self) -> bool:
        return self.counted >= self.minimum


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def _counted_cases(provider: Provider, year: int, counting_date: str) -> QuerySet[Assignment]:
    """The lawyer's cases that counted in ``year``. Mirrors ``quota._counted_assignments`` and
    ``quota._case_annotations``: accepted (``accepted_on`` set) and not replaced (``COUNTING_STATUSES``),
    placed in the year by the rule's date: acceptance, or the accepted closing report's review (local
    midnight bounds)."""
    start, end = _year_bounds(year)
    qs = Assignment.objects.filter(
        provider=provider, accepted_on__isnull=False, status__in=quota.COUNTING_STATUSES
    ).select_related("application")
    if counting_date == DutyRule.CountingDate.CLOSED:
        zone = timezone.get_current_timezone()
        qs = qs.filter(
            closing_report__approved=True,
            closing_report__reviewed_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
            closing_report__reviewed_at__lt=datetime.datetime.combine(end, datetime.time.min, tzinfo=zone),
        ).select_related("closing_report")
    else:
        qs = qs.filter(accepted_on__gte=start, accepted_on__lt=end)
    return qs.order_by("accepted_on", "pk")


@require_GET
def my_duty(request):
    """The lawyer's annual duty of one year: the status, a bar toward each minimum, what counted and
    what did not, the reminders and the certificate. 404 for anyone who is not an active lawyer at a
    law firm."""
    provider = lawyer_of(request.user)
    if provider is None:
        raise Http404
    today = timezone.localdate()
    year = _year(request, today)
    # the figures: quota's one computation (a lawyer licensed after the year has no row: no duty)
    rows = quota.lawyer_duty_rows(year=year, provider_ids=[provider.pk])
    row = rows[0] if rows else None
    start, end = _year_bounds(year)
    context: dict[str, Any] = {
        "provider": provider,
        "year": year,
        "years": _years(today),
        "row": row,
        "certificate_url": f"{reverse('duty_lawyer_certificate', kwargs={'pk': provider.pk})}?year={year}",
        "logs_url": f"{reverse('my_service_logs')}?year={year}",
    }
    if row is not None:
        result = row.result
        cases = list(_counted_cases(provider, year, row.rule.counting_date))
        # the case link only while the lawyer may still open the case (lost when replaced on it)
        visible = set(
            applications_visible_to(request.user)
            .filter(pk__in=[a.application_id for a in cases])
            .values_list("pk", flat=True)
        )
        for assignment in cases:
            assignment.linked = assignment.application_id in visible
        # mirrors quota._rows: verified logs dated in the year count; pending and rejected never do
        logs = list(
            ServiceLog.objects.filter(provider=provider, date__gte=start, date__lt=end).order_by(
                "-date", "-pk"
            )
        )
        exemption = (
            DutyExemption.objects.filter(provider=provider, year=year).first()
            if result.status == "exempt"
            else None
        )
        context.update(
            {
                "result": result,
                "status": _status(result),
                "rule": row.rule,
                "cases_bar": Progress(result.cases, result.min_cases),
                "hours_bar": Progress(result.hours, result.min_hours),
                "cases": cases,
                "verified_logs": [log for log in logs if log.status == ServiceLogStatus.VERIFIED],
                "uncounted_logs": [log for log in logs if log.status != ServiceLogStatus.VERIFIED],
                # mirrors quota._rows: every duty-lawyer day the centers recorded in the year
                "duty_days": list(
                    DutyLawyerRecord.objects.filter(provider=provider, day__gte=start, day__lt=end)
                    .select_related("post")
                    .order_by("-day", "pk")
                ),
                "exemption": exemption,
                "closure_placed": row.rule.counting_date == DutyRule.CountingDate.CLOSED,
            }
        )
    context["reminders"] = list(
        DutyReminder.objects.filter(provider=provider, year=year).order_by("-sent_at")
    )
    return render(request, "duty/my_duty.html", context)


# --- the firm's dashboard --------------------------------------------------------------------------


@require_GET
def duty_firm(request):
    """One firm's lawyers and their duty of one year: the firm administrator's own firm, or
    ``?firm=`` a firm the bureau oversees. 404 for anyone else and for a firm outside the user's
    scope."""
    scope = quota.duty_scope_for(request.user)
    if scope is None or not scope.sees_firms:
        raise Http404
    today = timezone.localdate()
    year = _year(request, today)
    firms = quota.duty_firms_visible(scope).select_related("region")
    wanted = request.GET.get("firm")
    if wanted:
        firm = firms.filter(pk=_int(wanted) or 0).first()
    elif scope.firm_ids:
        firm = firms.filter(pk__in=sorted(scope.firm_ids)).first()
    else:  # the bureau without a firm: its overview lists them
        return redirect(f"{reverse('duty_overview')}?year={year}")
    if firm is None:
        raise Http404
    duties = quota.firm_duty_rows(year=year, firm_ids=[firm.pk])
    duty = duties[0] if duties else None
    own_firms = []
    if len(scope.firm_ids) > 1:  # an administrator of several firms switches between them
        own_firms = list(firms.filter(pk__in=sorted(scope.firm_ids)))
    # the bureau (not the firm) oversees: a way back to its overview, and to exempt a lawyer
    overseeing = scope.everything or firm.region_id in scope.region_ids
    may_exempt = overseeing and bool(exempting_region_ids(request.user))
    rows = []
    if duty is not None:
        for r in duty.rows:
            rows.append({"id": r.lawyer_id, "name": r.name, **_status(r.result)})
    return render(
        request,
        "duty/firm.html",
        {
            "firm": firm,
            "year": year,
            "years": _years(today),
            "duty": duty,
            "rate": _percent(duty.compliance_rate) if duty else None,
            "rows": rows,
            "missing_rows": [row for row in rows if row["code"] in ("in_progress", "not_met")],
            "own_firms": own_firms,
            "overseeing": overseeing,
            "may_exempt": may_exempt,
            "downloads": _downloads(firm.pk, year),
        },
    )


# --- the bureau's view -----------------------------------------------------------------------------


class ExemptionForm(forms.Form):
    """A bureau exempts one lawyer of its regions from one year's duty. The form only reads what was
    typed; the service judges it (``duty_exemption_record``) and its errors land on the fields."""

    prefix = "exempt"

    lawyer = forms.CharField(
        label=_("Lawyer's licence number"),
        required=False,
        max_length=30,
        help_text=_("The 17-digit number on the lawyer's practising licence."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    year = forms.CharField(label=_("Year"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        help_text=_(
            "E.g. a long illness, with the dates. The lawyer sees it on their page; the firm sees only that they are exempt."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.Select(choices=[(str(y), str(y)) for y in years])


def _exemption_post(request, form: ExemptionForm) -> tuple[DutyExemption | None, int]:
    """Record the posted exemption: it and 200, or None and the status of the page with the form's
    errors (400, or 403 / 409 for what the service refuses)."""
    if not form.is_valid():
        return None, 400
    licence = form.cleaned_data["lawyer"].strip()
    if not licence:
        form.add_error("lawyer", gettext("Enter the lawyer's licence number."))
        return None, 400
    provider = Provider.objects.filter(licence_no=licence).select_related("organisation__region").first()
    if provider is None:
        form.add_error("lawyer", gettext("No lawyer has this licence number."))
        return None, 400
    try:
        exemption = duty_exemption_record(
            acting_user=request.user,
            provider=provider,
            year=form.cleaned_data["year"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        add_errors(form, exc, renamed={"provider": "lawyer"})
        return None, 400
    except Forbidden as exc:
        form.add_error("lawyer", exc.message)
        return None, 403
    except Conflict as exc:
        form.add_error(None, exc.message)
        return None, 409
    return exemption, 200


@require_http_methods(["GET", "POST"])
def duty_overview(request):
    """The bureau's view of one year: every firm of its regions with its compliance (25 a page), the
    notary offices of its regions, and the year's exemptions with the form to record one. 404 for
    anyone who is not a bureau officer (an administrator sees everything, without the form)."""
    scope = quota.duty_scope_for(request.user)
    if scope is None or not (scope.everything or scope.region_ids):
        raise Http404
    regions = None if scope.everything else sorted(scope.region_ids)
    today = timezone.localdate()
    year = _year(request, today)
    exempting = bool(exempting_region_ids(request.user))
    form = None
    status = 200
    if exempting:
        form_years = exemption_years(today)
        if request.method == "POST":
            form = ExemptionForm(request.POST, years=form_years)
            exemption, status = _exemption_post(request, form)
            if exemption is not None:
                messages.success(
                    request,
                    gettext("%(name)s is exempted from the duty of %(year)s.")
                    % {"name": exemption.provider.name, "year": exemption.year},
                )
                return redirect(f"{reverse('duty_overview')}?year={exemption.year}#exemptions")
        else:
            initial = {"year": str(year)}
            # "Exempt" from a firm's page: the lawyer filled in (of the bureau's regions only)
            chosen = _int(request.GET.get("exempt"))
            if chosen is not None:
                lawyer = quota.duty_lawyers_visible(scope, year=year).filter(pk=chosen).first()
                if lawyer is not None:
                    initial["lawyer"] = lawyer.licence_no
            form = ExemptionForm(initial=initial, years=form_years)
    elif request.method == "POST":
        raise Http404  # an administrator sees the view; only a bureau exempts

    # the figures: quota's one computation over the firms of the bureau's regions (two queries)
    firms = quota.firm_duty_rows(year=year, region_ids=regions)
    lawyers = sum(f.lawyers for f in firms)
    met = sum(f.met for f in firms)
    totals = {
        "firms": len(firms),
        "lawyers": lawyers,
        "met": met,
        "exempt": sum(f.exempt for f in firms),
        "missing": sum(len(f.not_met) for f in firms),
        "rate": _percent(Decimal(met) / Decimal(lawyers)) if lawyers else None,
    }
    page = Paginator(firms, PER_PAGE).get_page(request.GET.get("page"))
    region_names = dict(Region.objects.filter(pk__in={f.region_id for f in page}).values_list("pk", "name"))
    firm_rows = [
        {
            "id": f.firm_id,
            "name": f.name,
            "region": region_names.get(f.region_id, ""),
            "lawyers": f.lawyers,
            "met": f.met,
            "exempt": f.exempt,
            "missing": len(f.not_met),
            "rate": _percent(f.compliance_rate),
        }
        for f in page
    ]
    offices = Organisation.objects.filter(kind=OrganisationKind.NOTARY, active=True).select_related("region")
    if regions is not None:
        offices = offices.filter(region_id__in=regions)
    notaries = notary_duty_rows(offices.order_by("region__sort_order", "name", "pk"), year=year)
    for office in notaries:
        office["label"] = STATUS_LABELS.get(office["status"], office["status"])
    exemptions = DutyExemption.objects.filter(year=year)
    if regions is not None:
        exemptions = exemptions.filter(provider__organisation__region_id__in=regions)
    return render(
        request,
        "duty/overview.html",
        {
            "year": year,
            "years": _years(today),
            "totals": totals,
            "page": page,
            "firm_rows": firm_rows,
            "notaries": notaries,
            "exemptions": list(
                exemptions.select_related("provider__organisation", "recorded_by").order_by(
                    "-recorded_at", "-pk"
                )
            ),
            "form": form,
        },
        status=status,
    )
