"""The subsidy of a closed case (Art 52): a standard row times the adjustments that apply.

``subsidy_amount`` is the rule itself, a pure function over Decimals tested at its boundaries. The
rest glues the rule rows to it: ``standard_for`` finds the standard in force on a day (a row for the
stage reached wins over the row for any stage), ``adjustments_for`` the multipliers that apply (a
region's own row wins over the row for every region; a kind without a row in force does not apply),
and ``subsidy_quote`` puts them together. The ledger row is written by
``assignments.services.payments.subsidy_record``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.db.models import Q

from aid_cases.models import Application
from directory.models import Region

from .choices import SubsidyAdjustmentKind
from .models import SubsidyAdjustment, SubsidyGradeFactor, SubsidyStandard

CENT = Decimal("0.01")

# The order the adjustments are applied and listed in (the product does not depend on it).
ADJUSTMENT_ORDER = [kind.value for kind in SubsidyAdjustmentKind]


def _decimal(value: Decimal | int, what: str) -> Decimal:
    # A float has already lost the cents it was meant to carry: refuse it rather than round it.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number, not {number}")
    if number < 0:
        raise ValueError(f"{what} must not be negative, not {number}")
    return number


def subsidy_amount(base: Decimal, factors: Sequence[Decimal]) -> Decimal:
    """``base`` times every factor, rounded half up to the cent once, at the end.

    The product is exact (the precision is raised to hold every digit), so the order of the factors
    never changes the result and no intermediate rounding creeps in. Never a float: a float argument
    raises ``TypeError``, a negative or non-finite one ``ValueError``.
    """
    numbers = [_decimal(base, "base"), *(_decimal(f, "factor") for f in factors)]
    digits = sum(len(n.as_tuple().digits) for n in numbers)
    with localcontext() as context:
        # Enough digits for the exact product, then for its whole part and the cents.
        context.prec = max(digits + 2, 28)
        product = Decimal(1)
        for number in numbers:
            product *= number
        context.prec = max(context.prec, product.adjusted() + 4)
        return product.quantize(CENT, rounding=ROUND_HALF_UP)


def _in_force(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def standard_for(
    *, region: Region | int, matter_category: str, aid_form: str, stage: str, day: datetime.date
) -> SubsidyStandard | None:
    """The standard in force on ``day`` for the case's region, category, form of aid and stage reached.

    A row for the stage wins over the row for any stage (blank); ``None`` when neither is in force.
    One query.
    """
    stages = [stage, ""] if stage else [""]
    return (
        SubsidyStandard.objects.filter(
            _in_force(day),
            region=region,
            matter_category=matter_category,
            aid_form=aid_form,
            stage__in=stages,
        )
        # "" sorts first, so descending puts the stage's own row first; then the latest row.
        .order_by("-stage", "-valid_from")
        .first()
    )


def adjustment_kinds(*, application: Application, cross_region: bool, terminated: bool) -> list[str]:
    """The kinds of adjustment a case qualifies for, in ``ADJUSTMENT_ORDER``; no query."""
    grounds = set(application.defence_grounds or [])
    wanted = {
        SubsidyAdjustmentKind.LIFE_OR_DEATH: SubsidyAdjustmentKind.LIFE_OR_DEATH.value in grounds,
        SubsidyAdjustmentKind.DEATH_REVIEW: SubsidyAdjustmentKind.DEATH_REVIEW.value in grounds,
        SubsidyAdjustmentKind.CROSS_REGION: cross_region,
        SubsidyAdjustmentKind.TERMINATED: terminated,
    }
    return [kind for kind in ADJUSTMENT_ORDER if wanted[SubsidyAdjustmentKind(kind)]]


def adjustments_for(
    *, application: Application, cross_region: bool, terminated: bool, day: datetime.date
) -> list[tuple[str, Decimal]]:
    """The adjustments that apply to the case on ``day``, as ``(kind, factor)`` pairs.

    Life-or-death and death-penalty review follow the notified defence's grounds, cross-region the
    assignment, terminated the end of the aid. A region's own row wins over the row for every
    region; a kind with no row in force does not apply. One query (none when no kind qualifies).
    """
    kinds = adjustment_kinds(application=application, cross_region=cross_region, terminated=terminated)
    if not kinds:
        return []
    rows = SubsidyAdjustment.objects.filter(
        _in_force(day),
        Q(region_id=application.region_id) | Q(region__isnull=True),
        kind__in=kinds,
    ).values_list("kind", "region_id", "factor")
    chosen: dict[str, tuple[bool, Decimal]] = {}
    for kind, region_id, factor in rows:
        own = region_id is not None
        if kind not in chosen or (own and not chosen[kind][0]):
            chosen[kind] = (own, factor)
    return [(kind, chosen[kind][1]) for kind in kinds if kind in chosen]


@dataclass(frozen=True)
class SubsidyQuote:
    """What a case earns: the standard applied, its amount, the adjustments and the result."""

    standard: SubsidyStandard
    base_amount: Decimal
    factors: list[tuple[str, Decimal]] = field(default_factory=list)
    amount: Decimal = Decimal("0.00")


def subsidy_quote(
    *,
    application: Application,
    aid_form: str,
    stage: str,
    cross_region: bool,
    terminated: bool,
    day: datetime.date,
) -> SubsidyQuote | None:
    """The subsidy of the case on ``day`` (the closure approval date); ``None`` without a standard.

    Two queries: the standard, and the adjustments (none when no adjustment could apply).
    """
    standard = standard_for(
        region=application.region_id,
        matter_category=application.matter_category,
        aid_form=aid_form,
        stage=stage,
        day=day,
    )
    if standard is None:
        return None
    factors = adjustments_for(
        application=application, cross_region=cross_region, terminated=terminated, day=day
    )
    return SubsidyQuote(
        standard=standard,
        base_amount=standard.amount,
        factors=factors,
        amount=subsidy_amount(standard.amount, [factor for _kind, factor in factors]),
    )


# --- the subsidy tier of a peer-review grade (Arts 52, 57) ---------------------------------------------

GRADE_FACTOR_PREFIX = "grade_"


def grade_factor_kind(grade: str) -> str:
    """How a payment's factors name a grade's: "grade_excellent"."""
    return f"{GRADE_FACTOR_PREFIX}{grade}"


def grade_factor_for(*, region: Region | int, grade: str, day: datetime.date) -> Decimal | None:
    """The factor of ``grade`` in force on ``day`` (a region's own row wins); ``None`` without a row.
    One query."""
    region_id = region.pk if isinstance(region, Region) else region
    rows = SubsidyGradeFactor.objects.filter(
        _in_force(day), Q(region_id=region_id) | Q(region__isnull=True), grade=grade
    ).values_list("region_id", "factor")
    chosen: tuple[bool, Decimal] | None = None
    for row_region, factor in rows:
        own = row_region is not None
        if chosen is None or (own and not chosen[0]):
            chosen = (own, factor)
    return None if chosen is None else chosen[1]


def graded_amount(
    base: Decimal, factors: Sequence[Sequence[str]], *, grade: str, grade_factor: Decimal
) -> tuple[Decimal, list[list[str]]]:
    """A payment's amount and factors with the grade's factor: the payment's other factors kept, an
    earlier grade's replaced (a file is graded once, but the rule must not compound). Pure."""
    kept = [
        [str(kind), str(value)] for kind, value in factors if not str(kind).startswith(GRADE_FACTOR_PREFIX)
    ]
    kept.append([grade_factor_kind(grade), str(grade_factor)])
    return subsidy_amount(base, [Decimal(value) for _kind, value in kept]), kept
