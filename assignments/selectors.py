"""Reads of assignment and handling (docs/architecture.md, services and selectors)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Aggregate, Count, DecimalField, Func, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from directory.models import Organisation, Provider, Region

from .choices import PaymentStatus
from .models import ClosingReport, DutyRule, SubsidyPayment

# --- the subsidy ledger --------------------------------------------------------------------------
# A payment belongs to the year it became owed (``owed_on``: the closure approval date). Who may
# read whose ledger is the caller's check: these take the provider or firm already allowed.

_MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)


def _ledger(queryset: QuerySet[SubsidyPayment], year: int | None) -> QuerySet[SubsidyPayment]:
    if year is not None:
        queryset = queryset.filter(owed_on__year=year)
    return queryset.select_related("application", "provider", "organisation")


def payments_for_provider(provider: Provider, *, year: int | None = None) -> QuerySet[SubsidyPayment]:
    """The subsidies of one provider, newest first; of one year when given."""
    return _ledger(SubsidyPayment.objects.filter(provider=provider), year)


def payments_for_organisation(
    organisation: Organisation, *, year: int | None = None
) -> QuerySet[SubsidyPayment]:
    """The subsidies paid through one firm or office (the provider's organisation when assigned)."""
    return _ledger(SubsidyPayment.objects.filter(organisation=organisation), year)


def payments_for_centers(center_ids: list[int]) -> QuerySet[SubsidyPayment]:
    """The payments of the centers' cases, newest first, with the rows a ledger page reads."""
    return SubsidyPayment.objects.filter(application__center_id__in=center_ids).select_related(
        "application", "provider", "organisation"
    )


def closures_without_subsidy(center_ids: list[int]) -> QuerySet[ClosingReport]:
    """Accepted closing reports of the centers' cases with no ledger line: closed while no subsidy
    standard was in force for them (``services.payments.subsidy_record_for_closure`` records them)."""
    return (
        ClosingReport.objects.filter(
            approved=True, application__center_id__in=center_ids, assignment__payment__isnull=True
        )
        .select_related("application", "assignment__provider")
        .order_by("reviewed_at", "pk")
    )


def ledger_totals(queryset: QuerySet[SubsidyPayment]) -> dict:
    """Sums and counts of a ledger by status, in one aggregate query.

    ``{"owed": Decimal, "approved": Decimal, "paid": Decimal, "total": Decimal, "owed_count": int,
    "approved_count": int, "paid_count": int, "count": int}``; empty sums are ``Decimal("0.00")``.
    """
    zero = Value(Decimal("0.00"), output_field=_MONEY)
    aggregates: dict[str, Aggregate | Func] = {}
    for status in PaymentStatus:
        only = Q(status=status)
        aggregates[status.value] = Coalesce(Sum("amount", filter=only), zero, output_field=_MONEY)
        aggregates[f"{status.value}_count"] = Count("pk", filter=only)
    aggregates["total"] = Coalesce(Sum("amount"), zero, output_field=_MONEY)
    aggregates["count"] = Count("pk")
    totals = queryset.order_by().aggregate(**aggregates)
    cent = Decimal("0.01")
    for key in (*(status.value for status in PaymentStatus), "total"):
        totals[key] = Decimal(totals[key]).quantize(cent)
    return totals


def duty_rules_of_year(year: int) -> dict[int | None, DutyRule]:
    """The annual duty rows of ``year``, by region id (``None``: the citywide row); one query."""
    return {rule.region_id: rule for rule in DutyRule.objects.filter(year=year)}


def notary_minimum(rules: dict[int | None, DutyRule], region: Region) -> int:
    """A notary office's minimum public-interest notarisations: the nearest row of its region or a
    region above it, else the citywide row, else the statutory default of the model (4)."""
    for region_id in (region.pk, region.parent_id, None):  # two levels: county, city
        if region_id in rules:
            return rules[region_id].notary_min_count
    return DutyRule._meta.get_field("notary_min_count").default
