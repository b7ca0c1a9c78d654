"""The subsidy ledger pages (Art 52; docs/domain.md, subsidies): what is owed, approved and paid.

``/my/subsidies/``: a provider's own subsidies, and a firm administrator's firm's, of one year (by the
day each became owed). A firm sees the lawyer and the amounts, never the case's contents: neither
the applicant's name nor a link to the case page (docs/domain.md, visibility); the provider gets
both for their own cases. ``/subsidies/``: the subsidies of the cases of the user's centers, for its
reviewers and directors, who approve them for payment and record their payment.

Thin views: the reads are ``assignments.selectors``' ledger, the writes
``assignments.services.payments``', which decide the state again when a form comes back: their 409
is a message, their ``ValidationError`` lands on the form. Anyone else gets 404, and a payment of
another center's case is 404 too. Both pages cost a constant number of queries whatever their rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from assignments.choices import PaymentStatus, PeerReviewGrade, SubsidyAdjustmentKind
from assignments.models import SubsidyPayment
from assignments.selectors import (
    closures_without_subsidy,
    ledger_totals,
    payments_for_centers,
    payments_for_organisation,
    payments_for_provider,
)
from assignments.services.payments import payment_approve, payment_mark_paid, subsidy_record_for_closure
from core.errors import Conflict
from directory.choices import DECIDING_ROLES, Role
from directory.models import Provider
from directory.selectors import user_center_ids, user_memberships

from .forms import add_errors
from .roles import request_roles
from .statistics_views import money

YEAR_MIN, YEAR_MAX = 2000, 2100
PAGE_SIZE = 50
DATE_FORMAT = "%Y-%m-%d"
REFERENCE_MAX_LENGTH = 64  # SubsidyPayment.payment_reference


def _year(value: Any) -> int | None:
    """A year asked for in the query string, or None when there is none or it is not a year."""
    try:
        year = int(str(value or "").strip())
    except ValueError:
        return None
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def _year_choices(scope: QuerySet[SubsidyPayment], *also: int) -> list[int]:
    """The years that have a payment in ``scope`` (one query), with ``also``, newest first."""
    years = {day.year for day in scope.order_by().dates("owed_on", "year")}
    return sorted(years | {year for year in also if year is not None}, reverse=True)


def _adjustments(factors: Any) -> list[str]:
    """The payment's multipliers as the page shows them: "跨区域办理 ×1.50"."""
    labels = dict(SubsidyAdjustmentKind.choices)
    # the peer-review grade's factor (quality), stored as "grade_<code>"
    labels |= {
        f"grade_{grade}": _("Peer review: %(grade)s") % {"grade": label}
        for grade, label in PeerReviewGrade.choices
    }
    shown = []
    for item in factors or ():
        if isinstance(item, (list, tuple)) and len(item) == 2:
            kind, factor = item
            shown.append(f"{labels.get(kind, kind)} ×{factor}")
    return shown


@dataclass
class LedgerRow:
    """One payment as a table row: the payment, the case link if the viewer may open the case, and
    the amounts as text."""

    payment: SubsidyPayment
    case_url: str
    adjustments: list[str]
    base_text: str
    amount_text: str
    pay_form: forms.Form | None = None


def _row(payment: SubsidyPayment, case_url: str = "") -> LedgerRow:
    return LedgerRow(
        payment=payment,
        case_url=case_url,
        adjustments=_adjustments(payment.factors),
        base_text=money(payment.base_amount),
        amount_text=money(payment.amount),
    )


def _totals(queryset: QuerySet[SubsidyPayment]) -> dict[str, Any]:
    totals = ledger_totals(queryset)
    return {
        **totals,
        "lines": [
            {
                "status": status.value,
                "label": status.label,
                "text": money(totals[status.value]),
                "count": totals[f"{status.value}_count"],
            }
            for status in PaymentStatus
        ],
        "total_text": money(totals["total"]),
    }


# --- a provider's and a firm's ledger ----------------------------------------------------------


@require_GET
def my_subsidies(request):
    """The subsidies of one year: a provider's own, a firm administrator's firm's (with the lawyer,
    without the applicant or the case); 404 for anyone else."""
    roles = request_roles(request)
    is_provider, is_firm_admin = Role.PROVIDER in roles, Role.FIRM_ADMIN in roles
    if not (is_provider or is_firm_admin):
        raise Http404
    user = request.user
    provider = Provider.objects.filter(user=user).first() if is_provider else None
    firms = (
        [m.organisation for m in user_memberships(user) if m.role == Role.FIRM_ADMIN] if is_firm_admin else []
    )

    def ledger(year: int | None) -> QuerySet[SubsidyPayment]:
        parts = [payments_for_organisation(firm, year=year) for firm in firms]
        if provider is not None:
            parts.append(payments_for_provider(provider, year=year))
        return reduce(or_, parts) if parts else SubsidyPayment.objects.none()

    this_year = timezone.localdate().year
    year = _year(request.GET.get("year")) or this_year
    payments = ledger(year)
    if not firms:
        # the provider's own cases only: their applicant's name, as on My cases
        payments = payments.select_related("application__applicant")
    rows = []
    for payment in payments:
        # the case page is the handling provider's (aid_cases.selectors.applications_visible_to)
        own = payment.provider.user_id == user.pk and payment.application.provider_id == payment.provider_id
        rows.append(
            _row(payment, reverse("application_detail", args=[payment.application_id]) if own else "")
        )
    return render(
        request,
        "aid_cases/subsidies.html",
        {
            "rows": rows,
            "year": year,
            "years": _year_choices(ledger(None), this_year, year),
            "totals": _totals(payments),
            "firms": firms,
            "firm_view": bool(firms),
        },
    )


# --- the center's ledger -------------------------------------------------------------------------


class PayForm(forms.Form):
    """The payment of one approved subsidy: the day and the transfer's reference."""

    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={
            "required": gettext_lazy("Give the day the subsidy was paid."),
            "invalid": gettext_lazy("Enter the date as YYYY-MM-DD."),
        },
    )
    reference = forms.CharField(
        label=gettext_lazy("Payment reference"),
        required=False,
        max_length=REFERENCE_MAX_LENGTH,
        error_messages={
            "max_length": gettext_lazy("Keep the reference to %(limit_value)d characters."),
        },
    )

    def __init__(self, *args: Any, payment: SubsidyPayment, today: datetime.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"paid_on": today})
        super().__init__(*args, prefix=f"pay-{payment.pk}", **kwargs)
        self.fields["paid_on"].widget.attrs["max"] = today.strftime(DATE_FORMAT)
        if payment.approved_on:
            self.fields["paid_on"].widget.attrs["min"] = payment.approved_on.strftime(DATE_FORMAT)


@dataclass
class CenterFilter:
    """The center page's filter: ``?status=`` (a payment status, or all), ``?year=`` and ``?page=``.
    Anything else is ignored: the page shows everything rather than an error."""

    status: str = ""
    year: int | None = None
    page: str = "1"

    @classmethod
    def read(cls, data) -> CenterFilter:
        status = data.get("status", "")
        page = str(data.get("page", "1"))
        return cls(
            status=status if status in PaymentStatus.values else "",
            year=_year(data.get("year")),
            page=page if page.isdigit() else "1",
        )

    def query(self, *, page: bool = True) -> str:
        params = {"status": self.status, "year": self.year or ""}
        if page and self.page != "1":
            params["page"] = self.page
        return urlencode({key: value for key, value in params.items() if value})

    def url(self, anchor: str = "") -> str:
        query = self.query()
        return reverse("center_subsidies") + (f"?{query}" if query else "") + anchor


def _record_subsidy(request, center_ids: list[int], back: str) -> HttpResponse:
    pk = str(request.POST.get("report", ""))
    report = closures_without_subsidy(center_ids).filter(pk=int(pk)).first() if pk.isdigit() else None
    if report is None:
        raise Http404
    try:
        subsidy_record_for_closure(acting_user=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The subsidy of %(case)s was recorded at the standard in force on the closure day.")
            % {"case": report.application.tracking_no},
        )
    return redirect(back)


def _center_action(request, center_ids: list[int], filters: CenterFilter) -> HttpResponse | PayForm:
    """Do the posted action on one payment of the centers: a redirect back to the page, or the
    payment form with its errors (the page shows it again, 400)."""
    if request.POST.get("action") == "record":
        return _record_subsidy(request, center_ids, filters.url("#unrecorded"))
    pk = str(request.POST.get("payment", ""))
    payment = payments_for_centers(center_ids).filter(pk=int(pk)).first() if pk.isdigit() else None
    if payment is None:
        raise Http404
    tracking_no = payment.application.tracking_no
    back = filters.url(f"#payment-{payment.pk}")
    action = request.POST.get("action")
    try:
        if action == "approve":
            payment_approve(acting_user=request.user, payment=payment)
            messages.success(
                request, _("The subsidy of %(case)s was approved for payment.") % {"case": tracking_no}
            )
            return redirect(back)
        if action == "pay":
            form = PayForm(request.POST, payment=payment, today=timezone.localdate())
            if not form.is_valid():
                return form
            try:
                payment_mark_paid(
                    acting_user=request.user,
                    payment=payment,
                    paid_on=form.cleaned_data["paid_on"],
                    reference=form.cleaned_data["reference"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
                return form
            messages.success(request, _("The subsidy of %(case)s was marked paid.") % {"case": tracking_no})
            return redirect(back)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.error(request, _("This action is no longer possible."))
    return redirect(back)


@require_http_methods(["GET", "POST"])
def center_subsidies(request):
    """The subsidies of the user's centers' cases, for their reviewers and directors (else 404):
    filtered by status and year, with the actions of each row (approve for payment, mark paid)."""
    center_ids = user_center_ids(request.user, DECIDING_ROLES)
    if not center_ids:
        raise Http404
    error_form: PayForm | None = None
    if request.method == "POST":
        filters = CenterFilter.read(request.POST)
        outcome = _center_action(request, center_ids, filters)
        if isinstance(outcome, HttpResponse):
            return outcome
        error_form = outcome
    else:
        filters = CenterFilter.read(request.GET)
    scope = payments_for_centers(center_ids)
    payments = scope
    if filters.status:
        payments = payments.filter(status=filters.status)
    if filters.year is not None:
        payments = payments.filter(owed_on__year=filters.year)
    page = Paginator(payments, PAGE_SIZE).get_page(filters.page)
    today = timezone.localdate()
    rows = []
    for payment in page:
        row = _row(payment, reverse("application_detail", args=[payment.application_id]))
        if payment.status == PaymentStatus.APPROVED:
            errored = error_form is not None and error_form.prefix == f"pay-{payment.pk}"
            row.pay_form = error_form if errored else PayForm(payment=payment, today=today)
        rows.append(row)
    response = render(
        request,
        "aid_cases/center_subsidies.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "filter_query": filters.query(page=False),
            "statuses": PaymentStatus.choices,
            "years": _year_choices(scope, timezone.localdate().year, filters.year),
            "totals": _totals(payments),
            "error_form": error_form,
            "unrecorded": list(closures_without_subsidy(center_ids)),
        },
    )
    if error_form is not None:
        response.status_code = 400
    return response
