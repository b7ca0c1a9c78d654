"""The center's and the bureau's indicators (docs/domain.md, indicators; the seed's attachment 2).

Three parts:

- the rules as data and pure functions: each indicator's code, label, one-line definition and
  target (``INDICATORS``), and ``rate`` / ``target_met`` on whole numbers, exact and tested at the
  boundaries. A rate is a ``Decimal`` with 4 places (0.8750 is 87.5%), ``None`` when nothing was
  counted: "no notified defence this year" is not 0%, and not 100% either;
- who sees which figures (``statistics_scope``): a center its own cases, a city center set to
  oversee the county-level centers (``sees_subregion_cases``) theirs too, a bureau officer the
  centers of the bureau's region and of the regions under it;
- the selectors: each indicator for a set of centers and a period, grouped by the region of the
  center, in one aggregate query each: a constant number of queries whatever the number of cases
  (docs/domain.md, annual duty: one grouped query per report, never a query per row).

Every figure belongs to the region of the aid center that handles the case (``center.region``).
A period is a range of calendar days, both ends included, in the site's time zone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aid_cases.choices import REVIEWABLE_STATUSES, DecisionKind, Status
from aid_cases.models import Application, Decision, DefenceNotification
from directory.choices import CENTER_STAFF_ROLES, OrganisationKind, ProviderKind, Role
from directory.models import Membership, Organisation, Region

from .choices import AssignmentStatus, CaseOutcome, PaymentStatus
from .models import Assignment, ClosingReport, DutyLawyerRecord, Rating, SubsidyPayment

RATE_PLACES = Decimal("0.0001")
CENT = Decimal("0.01")
SATISFIED_SCORE = 4  # docs/domain.md, indicators: scores 4 and 5 count as satisfied

# --- rates: pure functions ---------------------------------------------------------------------


def rate(numerator: int, denominator: int) -> Decimal | None:
    """``numerator ÷ denominator`` to 4 places (half up), or ``None`` when the denominator is 0.

    A part is never more than its whole and neither is negative: anything else is a bug upstream
    (``ValueError``), not a rate of 120%.
    """
    if numerator < 0 or denominator < 0:
        raise ValueError("a count cannot be negative")
    if numerator > denominator:
        raise ValueError("the part cannot exceed the whole")
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def target_met(numerator: int, denominator: int, target: Decimal | None) -> bool | None:
    """Whether ``numerator ÷ denominator`` reaches ``target`` (a minimum rate), compared exactly.

    Exact, not on the rounded rate: 5,999 of 10,000 lawyers' cases (59.99%) do not meet 60% even
    though a page may round them to 60%. ``None`` when there is nothing to judge: no target, or
    nothing counted.
    """
    if target is None or denominator == 0:
        return None
    rate(numerator, denominator)  # the same checks
    return Decimal(numerator) >= target * Decimal(denominator)


@dataclass(frozen=True)
class Ratio:
    """A counted part of a counted whole: what a rate is computed from, and what totals add up."""

    numerator: int = 0
    denominator: int = 0

    @property
    def rate(self) -> Decimal | None:
        return rate(self.numerator, self.denominator)

    def meets(self, target: Decimal | None) -> bool | None:
        return target_met(self.numerator, self.denominator, target)

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)


# --- the indicators as data ----------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    definition: str | Promise
    target: Decimal | None = None  # the minimum rate; None: a figure without a target


NOTIFIED_ASSIGNED = "notified_assigned"
ASSIGNED_ON_TIME = "assigned_on_time"
DECIDED_ON_TIME = "decided_on_time"
LAWYER_SHARE = "lawyer_share"
SATISFACTION = "satisfaction"
DUTY_COVERAGE = "duty_coverage"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        NOTIFIED_ASSIGNED,
        _("Notified defences assigned"),
        _(
            "Notified defences received in the period for which a lawyer has accepted the assignment, "
            "out of all notified defences received in the period."
        ),
        Decimal("1"),
    ),
    Indicator(
        DUTY_COVERAGE,
        _("Duty-lawyer coverage"),
        _(
            "Suspects and defendants without a defender whom the duty lawyer helped, out of all those "
            "without a defender at the duty posts, on the duty days of the period."
        ),
        Decimal("1"),
    ),
    Indicator(
        LAWYER_SHARE,
        _("Cases handled by lawyers"),
        _(
            "Assignments accepted in the period, and not replaced since, that went to lawyers, out of "
            "all of them (the rest: grassroots legal service workers, center staff and volunteers)."
        ),
        Decimal("0.6"),
    ),
    Indicator(
        SATISFACTION,
        _("Applicant satisfaction"),
        _("Ratings given in the period with a score of 4 or 5, out of all ratings given in the period."),
        Decimal("0.95"),
    ),
    Indicator(
        DECIDED_ON_TIME,
        _("Decided on time"),
        _(
            "Decisions to grant or refuse aid made in the period on or before the application's decision "
            "due date, out of all of them; cases with provisional aid are left out (their due date is the "
            "confirming review's)."
        ),
        Decimal("1"),
    ),
    Indicator(
        ASSIGNED_ON_TIME,
        _("Assigned on time"),
        _(
            "Cases whose assignment fell due in the period that were offered to a provider (an offer not "
            "declined or replaced) on or before the due date, out of those cases; a case not yet due "
            "and not yet offered is left out."
        ),
        Decimal("1"),
    ),
)
INDICATOR_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}

# Counts of the period (and, for overdue tasks, of today).
RECEIVED = "received"
GRANTED = "granted"
REFUSED = "refused"
CLOSED = "closed"
OVERDUE = "overdue"

COUNTS: tuple[Indicator, ...] = (
    Indicator(
        RECEIVED,
        _("Applications received"),
        _("Applications and notified defences received in the period."),
    ),
    Indicator(
        GRANTED, _("Aid granted"), _("Decisions to grant aid made in the period, provisional aid included.")
    ),
    Indicator(REFUSED, _("Aid refused"), _("Decisions to refuse aid made in the period.")),
    Indicator(CLOSED, _("Cases closed"), _("Closing reports the center accepted in the period.")),
    Indicator(
        OVERDUE,
        _("Overdue open tasks (today)"),
        _(
            "Open reviews, confirming reviews after provisional aid, assignments and reviews of closing "
            "reports whose due date has passed, today, whatever the period."
        ),
    ),
)

# The subsidy ledger of the period: payments owed in it (the closure date), by their status now.
OWED_TOTAL = "owed_total"
SUBSIDIES: tuple[Indicator, ...] = (
    Indicator(
        OWED_TOTAL,
        _("Subsidies owed"),
        _("Subsidies for the cases closed in the period, whatever their status."),
    ),
    Indicator(PaymentStatus.OWED.value, _("Awaiting approval"), _("Of those: not yet approved for payment.")),
    Indicator(
        PaymentStatus.APPROVED.value,
        _("Approved, not yet paid"),
        _("Of those: approved for payment, not yet paid."),
    ),
    Indicator(PaymentStatus.PAID.value, _("Paid"), _("Of those: paid.")),
)


# --- the period and the figures ------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Calendar days ``start`` to ``end``, both included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The first moment of the period and the first moment after it, in the site's time zone:
        a moment ``t`` is in the period when ``lo <= t < hi`` (an index range, no date conversion)."""
        tz = timezone.get_current_timezone()
        lo = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        hi = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return lo, hi

    @classmethod
    def year_to_date(cls, today: datetime.date) -> Period:
        return cls(today.replace(month=1, day=1), today)


def _zero_money() -> Decimal:
    return Decimal("0.00")


@dataclass
class Figures:
    """The figures of one region (or of several added up)."""

    ratios: dict[str, Ratio] = field(default_factory=lambda: {i.code: Ratio() for i in INDICATORS})
    counts: dict[str, int] = field(default_factory=lambda: {i.code: 0 for i in COUNTS})
    money: dict[str, Decimal] = field(default_factory=lambda: {i.code: _zero_money() for i in SUBSIDIES})
    # the detail of some figures, for the page to say what they are made of
    overdue_detail: dict[str, int] = field(
        default_factory=lambda: {"review": 0, "confirm": 0, "assign": 0, "closure": 0}
    )
    duty_days: int = 0
    duty_hours: Decimal = field(default_factory=lambda: Decimal("0.0"))

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            ratios={k: v + other.ratios[k] for k, v in self.ratios.items()},
            counts={k: v + other.counts[k] for k, v in self.counts.items()},
            money={k: v + other.money[k] for k, v in self.money.items()},
            overdue_detail={k: v + other.overdue_detail[k] for k, v in self.overdue_detail.items()},
            duty_days=self.duty_days + other.duty_days,
            duty_hours=self.duty_hours + other.duty_hours,
        )


def figures_total(figures: Iterable[Figures]) -> Figures:
    total = Figures()
    for one in figures:
        total = total + one
    return total


# --- who sees which figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class StatisticsScope:
    """The aid centers whose figures a user may see, and their regions (in the regions' order)."""

    center_ids: frozenset[int]
    regions: tuple[Region, ...]

    def narrowed(self, region: Region) -> StatisticsScope:
        """Only ``region``'s centers (the caller checked that it is one of ``regions``)."""
        centers = frozenset(
            Organisation.objects.filter(pk__in=self.center_ids, region=region).values_list("pk", flat=True)
        )
        return StatisticsScope(center_ids=centers, regions=(region,))


def statistics_scope(user) -> StatisticsScope | None:
    """What ``user`` may see statistics of, or ``None`` (the page then answers 404).

    Center staff (clerk, reviewer, director): their center; a city center configured to oversee
    the county-level centers (``sees_subregion_cases``), those centers too. A bureau officer: the
    aid centers of the bureau's region and of the regions under it. Nobody else, whatever their
    global permissions. Three queries, whatever the user holds.
    """
    if not user.is_authenticated:
        return None
    memberships = list(
        Membership.objects.filter(
            user=user,
            active=True,
            organisation__active=True,
            role__in=(*CENTER_STAFF_ROLES, Role.BUREAU_OFFICER),
        ).values_list(
            "role",
            "organisation_id",
            "organisation__kind",
            "organisation__region_id",
            "organisation__sees_subregion_cases",
        )
    )
    if not memberships:
        return None
    own_centers: set[int] = set()
    regions_with_children: set[int] = set()  # every center in them and in the regions under them
    for role, org_id, kind, region_id, oversees in memberships:
        if role == Role.BUREAU_OFFICER and kind == OrganisationKind.BUREAU:
            regions_with_children.add(region_id)
        elif role in CENTER_STAFF_ROLES and kind == OrganisationKind.AID_CENTER:
            own_centers.add(org_id)
            if oversees:
                regions_with_children.add(region_id)
    if not own_centers and not regions_with_children:
        return None
    overseen = Q(kind=OrganisationKind.AID_CENTER) & (
        Q(region_id__in=regions_with_children) | Q(region__parent_id__in=regions_with_children)
    )
    centers = list(
        Organisation.objects.filter(Q(pk__in=own_centers) | overseen)
        .order_by()
        .values_list("pk", "region_id")
    )
    region_ids = {region_id for _pk, region_id in centers}
    regions = tuple(Region.objects.filter(pk__in=region_ids).order_by("sort_order", "code"))
    return StatisticsScope(center_ids=frozenset(pk for pk, _region in centers), regions=regions)


# --- the selectors: one grouped query per indicator ----------------------------------------------

_MONEY = DecimalField(max_digits=14, decimal_places=2)
_HOURS = DecimalField(max_digits=10, decimal_places=1)
# An offer that stands: accepted, still awaiting an answer, or withdrawn only because aid ended.
STANDING_OFFER = (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED, AssignmentStatus.CANCELLED)
# Statuses in which a case waits for the center to assign it.
AWAITING_ASSIGNMENT = (Status.APPROVED, Status.ASSIGNING)
# Provisional aid: the confirming review stays open while the case is assigned and handled.
CONFIRMABLE = (Status.APPROVED, Status.ASSIGNING, Status.ASSIGNED, Status.IN_PROGRESS)


def _grouped(queryset, region_path: str):
    """``queryset`` grouped by the region of the case's center, with no ordering in the GROUP BY."""
    return queryset.order_by().values(stat_region=F(region_path))


def notified_defence_counts(center_ids: Iterable[int], period: Period) -> dict[int, Ratio]:
    """Per region: notified defences received in the period with a lawyer who accepted ÷ all of them."""
    lo, hi = period.moments
    accepted = Assignment.objects.filter(application=OuterRef("application_id"), accepted_on__isnull=False)
    rows = _grouped(
        DefenceNotification.objects.filter(
            application__center_id__in=list(center_ids), received_at__gte=lo, received_at__lt=hi
        ),
        "application__center__region_id",
    ).annotate(total=Count("pk"), hit=Count("pk", filter=Q(Exists(accepted))))
    return {row["stat_region"]: Ratio(row["hit"], row["total"]) for row in rows}


def application_counts(center_ids: Iterable[int], period: Period, today: datetime.date) -> dict[int, dict]:
    """Per region, from the applications in one query: received in the period; assigned on time
    (``ASSIGNED_ON_TIME``); the open tasks overdue today."""
    received = Q(received_on__gte=period.start, received_on__lte=period.end)
    due_in_period = Q(assign_due__gte=period.start, assign_due__lte=period.end)
    standing = Assignment.objects.filter(application=OuterRef("pk"), status__in=STANDING_OFFER)
    in_time = standing.filter(assigned_at__date__lte=OuterRef("assign_due"))
    overdue = {
        "review": Q(status__in=REVIEWABLE_STATUSES, decision_due__lt=today),
        "confirm": Q(provisional=True, status__in=CONFIRMABLE, decision_due__lt=today),
        "assign": Q(status__in=AWAITING_ASSIGNMENT, assign_due__lt=today),
        "closure": Q(status=Status.CLOSING, closure_due__lt=today),
    }
    any_overdue = Q()
    for condition in overdue.values():
        any_overdue |= condition
    rows = _grouped(
        Application.objects.filter(center_id__in=list(center_ids)).filter(
            received | due_in_period | any_overdue
        ),
        "center__region_id",
    ).annotate(
        received=Count("pk", filter=received),
        # due in the period and either past its due date or offered already (a case whose due date
        # is still ahead and that nobody has been offered yet is not late, nor on time yet)
        assign_total=Count("pk", filter=due_in_period & (Q(assign_due__lt=today) | Q(Exists(standing)))),
        assign_on_time=Count("pk", filter=due_in_period & Q(Exists(in_time))),
        **{f"overdue_{name}": Count("pk", filter=condition) for name, condition in overdue.items()},
    )
    return {row.pop("stat_region"): row for row in rows}


def decision_counts(center_ids: Iterable[int], period: Period) -> dict[int, dict]:
    """Per region, the decisions made in the period: granted, refused, and decided on time."""
    lo, hi = period.moments
    provisional_cases = Decision.objects.filter(kind=DecisionKind.PROVISIONAL).values("application_id")
    timed = Q(
        kind__in=(DecisionKind.APPROVE, DecisionKind.REFUSE), application__decision_due__isnull=False
    ) & ~Q(application_id__in=provisional_cases)
    rows = _grouped(
        Decision.objects.filter(
            application__center_id__in=list(center_ids), decided_at__gte=lo, decided_at__lt=hi
        ),
        "application__center__region_id",
    ).annotate(
        granted=Count("pk", filter=Q(kind__in=(DecisionKind.APPROVE, DecisionKind.PROVISIONAL))),
        refused=Count("pk", filter=Q(kind=DecisionKind.REFUSE)),
        timed=Count("pk", filter=timed),
        on_time=Count("pk", filter=timed & Q(decided_at__date__lte=F("application__decision_due"))),
    )
    return {row.pop("stat_region"): row for row in rows}


def lawyer_share_counts(center_ids: Iterable[int], period: Period) -> dict[int, Ratio]:
    """Per region: assignments accepted in the period and not replaced, to lawyers ÷ all of them."""
    rows = _grouped(
        Assignment.objects.filter(
            application__center_id__in=list(center_ids),
            status=AssignmentStatus.ACCEPTED,
            accepted_on__gte=period.start,
            accepted_on__lte=period.end,
        ),
        "application__center__region_id",
    ).annotate(total=Count("pk"), lawyers=Count("pk", filter=Q(provider__kind=ProviderKind.LAWYER)))
    return {row["stat_region"]: Ratio(row["lawyers"], row["total"]) for row in rows}


def satisfaction_counts(center_ids: Iterable[int], period: Period) -> dict[int, Ratio]:
    """Per region: ratings given in the period with a score of 4 or 5 ÷ all of them."""
    lo, hi = period.moments
    rows = _grouped(
        Rating.objects.filter(application__center_id__in=list(center_ids), rated_at__gte=lo, rated_at__lt=hi),
        "application__center__region_id",
    ).annotate(total=Count("pk"), satisfied=Count("pk", filter=Q(score__gte=SATISFIED_SCORE)))
    return {row["stat_region"]: Ratio(row["satisfied"], row["total"]) for row in rows}


def duty_lawyer_counts(center_ids: Iterable[int], period: Period) -> dict[int, dict]:
    """Per region: the duty-lawyer days recorded in the period, helped ÷ without a defender, and hours."""
    rows = _grouped(
        DutyLawyerRecord.objects.filter(
            center_id__in=list(center_ids), day__gte=period.start, day__lte=period.end
        ),
        "center__region_id",
    ).annotate(
        days=Count("pk"),
        helped=Coalesce(Sum("helped"), 0),
        needed=Coalesce(Sum("without_defender"), 0),
        hours=Coalesce(Sum("hours"), Value(Decimal("0.0"), output_field=_HOURS), output_field=_HOURS),
    )
    return {row.pop("stat_region"): row for row in rows}


def subsidy_sums(center_ids: Iterable[int], period: Period) -> dict[int, dict[str, Decimal]]:
    """Per region: the subsidies owed in the period (closure date), in all and by their status now."""
    zero = Value(Decimal("0.00"), output_field=_MONEY)
    sums = {
        status.value: Coalesce(Sum("amount", filter=Q(status=status)), zero, output_field=_MONEY)
        for status in PaymentStatus
    }
    rows = _grouped(
        SubsidyPayment.objects.filter(
            application__center_id__in=list(center_ids), owed_on__gte=period.start, owed_on__lte=period.end
        ),
        "application__center__region_id",
    ).annotate(**{OWED_TOTAL: Coalesce(Sum("amount"), zero, output_field=_MONEY)}, **sums)
    return {
        row.pop("stat_region"): {key: Decimal(value).quantize(CENT) for key, value in row.items()}
        for row in rows
    }


def closure_counts(center_ids: Iterable[int], period: Period) -> dict[int, int]:
    """Per region: closing reports the center accepted in the period (the cases closed)."""
    lo, hi = period.moments
    rows = _grouped(
        ClosingReport.objects.filter(
            application__center_id__in=list(center_ids),
            approved=True,
            reviewed_at__gte=lo,
            reviewed_at__lt=hi,
        ).exclude(outcome=CaseOutcome.TERMINATED),  # a terminated case's report of its work closes nothing
        "application__center__region_id",
    ).annotate(closed=Count("pk"))
    return {row["stat_region"]: row["closed"] for row in rows}


def statistics_by_region(
    *,
    center_ids: Iterable[int],
    region_ids: Iterable[int],
    period: Period,
    today: datetime.date | None = None,
) -> dict[int, Figures]:
    """Every figure of the centers ``center_ids`` in ``period``, per region of ``region_ids`` (a
    region with nothing counted has zeros): eight aggregate queries, however many cases there are."""
    today = today or timezone.localdate()
    centers = list(center_ids)
    figures = {region_id: Figures() for region_id in region_ids}

    def of(region_id: int) -> Figures:
        return figures.setdefault(region_id, Figures())

    for region_id, ratio in notified_defence_counts(centers, period).items():
        of(region_id).ratios[NOTIFIED_ASSIGNED] = ratio
    for region_id, row in application_counts(centers, period, today).items():
        one = of(region_id)
        one.counts[RECEIVED] = row["received"]
        one.ratios[ASSIGNED_ON_TIME] = Ratio(row["assign_on_time"], row["assign_total"])
        for name in one.overdue_detail:
            one.overdue_detail[name] = row[f"overdue_{name}"]
        one.counts[OVERDUE] = sum(one.overdue_detail.values())
    for region_id, row in decision_counts(centers, period).items():
        one = of(region_id)
        one.counts[GRANTED] = row["granted"]
        one.counts[REFUSED] = row["refused"]
        one.ratios[DECIDED_ON_TIME] = Ratio(row["on_time"], row["timed"])
    for region_id, ratio in lawyer_share_counts(centers, period).items():
        of(region_id).ratios[LAWYER_SHARE] = ratio
    for region_id, ratio in satisfaction_counts(centers, period).items():
        of(region_id).ratios[SATISFACTION] = ratio
    for region_id, row in duty_lawyer_counts(centers, period).items():
        one = of(region_id)
        one.ratios[DUTY_COVERAGE] = Ratio(row["helped"], row["needed"])
        one.duty_days = row["days"]
        one.duty_hours = Decimal(row["hours"])
    for region_id, sums in subsidy_sums(centers, period).items():
        of(region_id).money.update(sums)
    for region_id, closed in closure_counts(centers, period).items():
        of(region_id).counts[CLOSED] = closed
    return figures
