"""The lawyers' annual public-interest duty (docs/domain.md §6, annual duty; the seed's §二(一)3).

A lawyer must handle at least 2 legal-aid cases OR give at least 50 hours of public-interest legal
service in a calendar year, unless the year's rule row says otherwise. Three parts:

1. **The rule, pure** (:func:`duty_status`): plain values in (:class:`DutyFigures`,
   :class:`DutyRuleValues`), a :class:`DutyResult` out, no database. Strict OR: cases alone or hours
   alone must reach their minimum; 1 case and 30 hours is not met. An exemption wins. Before the
   year is over a lawyer not yet there is ``in_progress``, after it ``not_met``.

   * Conversion (only when the rule sets ``duty_lawyer_days_per_case`` = N): ``days // N`` cases are
     added and the hours of those converted days are no longer counted as hours. Which days are
     "the converted ones" is arbitrary, so their hours are taken at the average of all the days:
     the remaining ``days % N`` days keep ``duty hours × (days % N) / days``, to 0.1 (half up).
     Without a conversion duty-lawyer days count only as hours.
   * Pro-rating (only when ``prorate_new_lawyers`` is on and the lawyer was licensed during the
     year): both minimums × the months left from the licence month to December inclusive ÷ 12, cases
     rounded up to a whole case, hours up to 0.1.

2. **The figures, grouped** (:func:`lawyer_duty_rows`, :func:`firm_duty_rows`): two queries whatever
   the number of lawyers — the year's rule rows, and one statement over the lawyers whose figures are
   independent correlated ``Subquery`` annotations (cases, logged hours, duty-lawyer hours and days,
   the exemption). DESIGN §8.4: a filtered ``Count`` over joins next to a ``Subquery`` in one
   ``annotate`` makes Django put the subquery into GROUP BY (50–60× slower), and an annotation
   referenced by another is computed twice; so nothing is derived in SQL, the status is computed in
   Python by the pure rule.

3. **Who sees what** (:func:`duty_scope_for`): a lawyer their own row, a firm administrator their
   firm's lawyers, a bureau officer the firms of its region and the regions under it, an
   administrator all; every other role ``None`` (403).

What counts (DESIGN §6):

* a case, for the provider of an ``Assignment`` they accepted (``accepted_on`` set) and were not
  replaced on: status ``accepted``, or ``cancelled`` after acceptance (aid terminated: the work was
  done). ``declined`` and ``replaced`` count for nobody, so a case reassigned away counts only for the
  new provider. The year is placed by the year's rule: ``accepted`` → ``accepted_on``; ``closed`` →
  the day the center accepted the closing report (``ClosingReport.approved`` with its
  ``reviewed_at``, as ``services.handling.closure_review`` sets them, in the site's time zone);
* hours: verified ``ServiceLog.hours`` dated in the year (pending and rejected never count), plus the
  hours of the year's ``DutyLawyerRecord`` rows (the center records those days itself) unless
  converted; duty-lawyer days are the distinct days of those rows;
* exempt: a ``DutyExemption`` row for the lawyer and the year;
* the rule: the year's row for the region of the lawyer's firm, else the citywide row, else the
  defaults of the model (2 / 50.0 / accepted / no conversion / no pro-rating).
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.choices import OrganisationKind, ProviderKind, Role
from directory.models import Membership, Organisation, Provider

from .choices import AssignmentStatus, DutyStatus, ServiceLogStatus
from .models import Assignment, DutyExemption, DutyLawyerRecord, DutyRule, ServiceLog
from .selectors import duty_rules_of_year

__all__ = [
    "COUNTING_STATUSES",
    "DutyFigures",
    "DutyResult",
    "DutyRuleValues",
    "DutyScope",
    "FirmDuty",
    "LawyerDuty",
    "duty_firm_visible",
    "duty_firms_visible",
    "duty_lawyers",
    "duty_lawyers_visible",
    "duty_scope_for",
    "duty_status",
    "firm_duties",
    "firm_duty_rows",
    "lawyer_duty_rows",
    "prorated_minimums",
    "rule_for_region",
]

TENTH = Decimal("0.1")
RATE_PLACES = Decimal("0.0001")
ZERO_HOURS = Decimal("0.0")

ACCEPTED = DutyRule.CountingDate.ACCEPTED.value
CLOSED = DutyRule.CountingDate.CLOSED.value

# The statuses as plain strings: a report compares them 20,000 times, and reading an enum member
# costs a descriptor call each time.
MET, IN_PROGRESS, NOT_MET, EXEMPT = (
    s.value for s in (DutyStatus.MET, DutyStatus.IN_PROGRESS, DutyStatus.NOT_MET, DutyStatus.EXEMPT)
)

# The statuses of an accepted assignment that still counts: kept, or withdrawn when aid ended.
COUNTING_STATUSES = (AssignmentStatus.ACCEPTED, AssignmentStatus.CANCELLED)


# --- 1. the rule, pure -----------------------------------------------------------------------------


# The per-lawyer records (figures, result, report row) are named tuples, not frozen dataclasses: a
# city report builds 60,000 of them, and a frozen dataclass's __init__ (one object.__setattr__ per
# field) costs three times as much. They are just as immutable. On the report's hot path they are
# built with ``_tuple_new(Class, (fields in order))``: exactly what the named tuple's own __new__
# does, minus one Python call per record.
_tuple_new = tuple.__new__


class DutyFigures(NamedTuple):
    """One lawyer's figures for one year, as counted from the records.

    ``hours``: verified logged public-interest hours only; the duty-lawyer days' hours are
    ``duty_lawyer_hours``, kept apart because a conversion takes them out again.
    """

    cases: int = 0
    hours: Decimal = ZERO_HOURS
    duty_lawyer_days: int = 0
    exempt: bool = False
    licensed_on: datetime.date | None = None
    duty_lawyer_hours: Decimal = ZERO_HOURS


@dataclass(frozen=True)
class DutyRuleValues:
    """The year's rule as plain values (a :class:`~assignments.models.DutyRule` row or the defaults)."""

    min_cases: int = 2
    min_hours: Decimal = Decimal("50.0")
    counting_date: str = ACCEPTED
    duty_lawyer_days_per_case: int | None = None
    prorate_new_lawyers: bool = False

    @classmethod
    def from_rule(cls, rule: DutyRule | None) -> DutyRuleValues:
        if rule is None:
            return cls()
        return cls(
            min_cases=rule.lawyer_min_cases,
            min_hours=Decimal(rule.lawyer_min_hours),
            # a value outside the choices (a hand-edited row) places cases as the default does
            counting_date=rule.counting_date if rule.counting_date in (ACCEPTED, CLOSED) else ACCEPTED,
            # 0 would divide by zero and means nothing sensible: no conversion
            duty_lawyer_days_per_case=rule.duty_lawyer_days_per_case or None,
            prorate_new_lawyers=rule.prorate_new_lawyers,
        )


class DutyResult(NamedTuple):
    """The status and the figures behind it: what counted, the minimums applied, what is missing."""

    status: str
    cases: int  # counted, converted duty-lawyer days included
    hours: Decimal  # counted: verified logged hours and the duty-lawyer hours not converted
    converted_cases: int  # of ``cases``, from duty-lawyer days
    min_cases: int  # after pro-rating
    min_hours: Decimal  # after pro-rating
    prorated: bool
    missing_cases: int  # 0 when met or exempt
    missing_hours: Decimal  # 0.0 when met or exempt

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def missing(self) -> str:
        """What is still missing, translated (e.g. "1 more case or 20.0 more hours"); "" when none."""
        if not (self.missing_cases or self.missing_hours):
            return ""
        figures = {"cases": self.missing_cases, "hours": f"{self.missing_hours:.1f}"}
        if self.missing_cases == 1:
            return _("1 more case or %(hours)s more hours") % figures
        return _("%(cases)s more cases or %(hours)s more hours") % figures


def months_left(licensed_on: datetime.date) -> int:
    """Months from the licence month to December, both included (January: 12, December: 1)."""
    return 13 - licensed_on.month


def prorated_minimums(
    rule: DutyRuleValues, *, licensed_on: datetime.date | None, year: int
) -> tuple[int, Decimal]:
    """The minimums for a lawyer licensed on ``licensed_on``: unchanged unless the rule pro-rates and
    the licence falls in ``year``; then × months left ÷ 12, cases up to a whole one, hours up to 0.1."""
    if not (rule.prorate_new_lawyers and licensed_on is not None and licensed_on.year == year):
        return rule.min_cases, rule.min_hours
    months = months_left(licensed_on)
    cases = ceil(Fraction(rule.min_cases * months, 12))
    # exact fractions: 50 × 11 / 12 = 45.833… → 45.9, never a float's 45.83333333333334
    tenths = ceil(Fraction(rule.min_hours) * months * 10 / 12)
    return cases, (Decimal(tenths) * TENTH).quantize(TENTH)


def _converted(figures: DutyFigures, per_case: int | None) -> tuple[int, Decimal]:
    """(cases from duty-lawyer days, duty-lawyer hours still counted as hours)."""
    days, hours = figures.duty_lawyer_days, Decimal(figures.duty_lawyer_hours)
    if not per_case or days <= 0:
        return 0, hours
    cases, left = divmod(days, per_case)
    if not cases:
        return 0, hours
    kept = (hours * left / days).quantize(TENTH, rounding=ROUND_HALF_UP)
    return cases, kept


def duty_status(figures: DutyFigures, rule: DutyRuleValues, *, year: int, today: datetime.date) -> DutyResult:
    """The lawyer's duty status for ``year`` as of ``today`` (docs/domain.md §6).

    ``exempt`` wins; ``met`` when the counted cases reach the minimum OR the counted hours reach
    theirs (never the two combined); otherwise ``in_progress`` up to 31 December of ``year``
    included, ``not_met`` after it.
    """
    # Runs once per lawyer in a city report (20,000 times): the common case (no conversion, no
    # pro-rating) skips the helpers, and the figures are used as given (they are Decimals already;
    # re-wrapping each in Decimal() cost about a seventh of the call).
    if rule.duty_lawyer_days_per_case and figures.duty_lawyer_days:
        converted, duty_hours = _converted(figures, rule.duty_lawyer_days_per_case)
    else:
        converted, duty_hours = 0, figures.duty_lawyer_hours
    cases = figures.cases + converted
    hours = (figures.hours + duty_hours).quantize(TENTH)
    if rule.prorate_new_lawyers:
        min_cases, min_hours = prorated_minimums(rule, licensed_on=figures.licensed_on, year=year)
        prorated = (min_cases, min_hours) != (rule.min_cases, rule.min_hours)
    else:
        min_cases, min_hours, prorated = rule.min_cases, rule.min_hours, False
    min_hours = min_hours.quantize(TENTH)
    if figures.exempt:
        status, missing_cases, missing_hours = EXEMPT, 0, ZERO_HOURS
    elif cases >= min_cases or hours >= min_hours:
        status, missing_cases, missing_hours = MET, 0, ZERO_HOURS
    else:  # short of both minimums, so both gaps are positive (no max(0, …) needed)
        status = IN_PROGRESS if today.year <= year else NOT_MET  # up to 31 December of the year included
        missing_cases, missing_hours = min_cases - cases, min_hours - hours
    # DutyResult's fields in order, built as _tuple_new does (see above)
    return _tuple_new(
        DutyResult,
        (status, cases, hours, converted, min_cases, min_hours, prorated, missing_cases, missing_hours),
    )


def rule_for_region(rules: Mapping[int | None, DutyRule], region_id: int | None) -> DutyRuleValues:
    """The year's rule for a firm of ``region_id``: its region's row, else the citywide row (region
    empty), else the defaults. ``rules`` is :func:`assignments.selectors.duty_rules_of_year`'s map."""
    for key in (region_id, None):
        if key in rules:
            return DutyRuleValues.from_rule(rules[key])
    return DutyRuleValues()


# --- 2. the figures, grouped -----------------------------------------------------------------------


class LawyerDuty(NamedTuple):
    """One lawyer's row of a report: who, the raw figures, the rule applied and the result."""

    lawyer_id: int
    name: str
    firm_id: int
    firm_name: str
    region_id: int
    year: int
    figures: DutyFigures
    rule: DutyRuleValues
    result: DutyResult

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def cases(self) -> int:
        return self.result.cases

    @property
    def hours(self) -> Decimal:
        return self.result.hours

    @property
    def met(self) -> bool:
        return self.result.met


@dataclass(frozen=True)
class FirmDuty:
    """One firm's compliance: its lawyers, how many met the duty, met ÷ lawyers, those who have not
    (``in_progress`` or ``not_met``; the exempt are neither met nor missing anything)."""

    firm_id: int
    name: str
    region_id: int
    year: int
    lawyers: int
    met: int
    exempt: int
    compliance_rate: Decimal  # met ÷ lawyers, 4 places
    not_met: tuple[LawyerDuty, ...] = field(default=())
    rows: tuple[LawyerDuty, ...] = field(default=(), repr=False)


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


# The figures are aggregates of the rows of one lawyer, written as plain SQL functions (``Func``), not
# Django aggregates: an aggregate makes Django add ``GROUP BY provider_id`` inside each subquery, which
# PostgreSQL then runs as a GroupAggregate per lawyer (about 20% slower on the 20,000-lawyer report).
# Without it the subquery always answers one row: COUNT 0, or SUM NULL (hence the Coalesce).
# COUNT(*), not COUNT(id): PostgreSQL can answer from an index on the filtered columns alone.
_COUNT_ROWS = Func(template="COUNT(*)", output_field=IntegerField())
_HOURS: DecimalField = DecimalField(max_digits=9, decimal_places=1)


def _count_distinct(column: str) -> Func:
    return Func(F(column), template="COUNT(DISTINCT %(expressions)s)", output_field=IntegerField())


def _count(queryset: QuerySet, counted: Func = _COUNT_ROWS) -> Coalesce:
    """A correlated count over one lawyer's rows (``OuterRef("pk")`` in ``queryset``)."""
    sub = queryset.order_by().annotate(n=counted).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def _hours(queryset: QuerySet) -> Coalesce:
    """A correlated sum of the hours of one lawyer's rows; 0.0 when there is none."""
    sub = queryset.order_by().annotate(h=Func(F("hours"), function="SUM", output_field=_HOURS)).values("h")
    return Coalesce(Subquery(sub, output_field=_HOURS), Value(ZERO_HOURS), output_field=_HOURS)


def _counted_assignments() -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        provider=OuterRef("pk"), accepted_on__isnull=False, status__in=COUNTING_STATUSES
    )


def _case_annotations(year: int, placements: set[str]) -> dict[str, Coalesce]:
    """One independent subquery per way of placing a case in the year that some rule uses."""
    start, end = _year_bounds(year)
    annotations = {}
    if ACCEPTED in placements:
        annotations["cases_accepted"] = _count(
            _counted_assignments().filter(accepted_on__gte=start, accepted_on__lt=end)
        )
    if CLOSED in placements:
        # aware bounds at local midnight: a range on the column, no per-row time-zone conversion
        zone = timezone.get_current_timezone()
        since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
        until = datetime.datetime.combine(end, datetime.time.min, tzinfo=zone)
        annotations["cases_closed"] = _count(
            _counted_assignments().filter(
                closing_report__approved=True,
                closing_report__reviewed_at__gte=since,
                closing_report__reviewed_at__lt=until,
            )
        )
    return annotations


def _placements(rules: Mapping[int | None, DutyRule]) -> set[str]:
    """The ways of placing a case that the year's lawyers may be ruled by."""
    used = {DutyRuleValues.from_rule(rule).counting_date for rule in rules.values()}
    if None not in rules:  # a region without its own row falls back to the defaults
        used.add(ACCEPTED)
    return used


def duty_lawyers(
    *,
    year: int,
    firm_ids: Iterable[int] | None = None,
    region_ids: Iterable[int] | None = None,
    provider_ids: Iterable[int] | None = None,
) -> QuerySet[Provider]:
    """The lawyers with a duty in ``year``, in report order (firm, then name): active lawyers of active
    law firms, licensed by the end of the year (one licensed later had no duty that year). Each filter
    given narrows the list (an empty one to nothing); ``None`` leaves it open."""
    qs = Provider.objects.filter(
        kind=ProviderKind.LAWYER,
        active=True,
        organisation__kind=OrganisationKind.LAW_FIRM,
        organisation__active=True,
    ).filter(Q(practice_start__isnull=True) | Q(practice_start__lte=datetime.date(year, 12, 31)))
    if firm_ids is not None:
        qs = qs.filter(organisation_id__in=list(firm_ids))
    if region_ids is not None:
        qs = qs.filter(organisation__region_id__in=list(region_ids))
    if provider_ids is not None:
        qs = qs.filter(pk__in=list(provider_ids))
    return qs.order_by(
        "organisation__region__sort_order", "organisation__name", "organisation_id", "name", "pk"
    )


def _rows(lawyers: QuerySet[Provider], *, year: int, today: datetime.date | None) -> list[LawyerDuty]:
    """The duty of each of ``lawyers``: the year's rules (one query) and the figures (one query)."""
    today = today or timezone.localdate()
    rules = duty_rules_of_year(year)
    rows, cases = _figures_queryset(lawyers, year=year, rules=rules)
    with _collector_paused():
        return _duties(_fetch(rows), rules=rules, cases=cases, year=year, today=today)


def _figures_queryset(
    lawyers: QuerySet[Provider], *, year: int, rules: Mapping[int | None, DutyRule]
) -> tuple[QuerySet, list[str]]:
    """The one statement of a report: each lawyer's identity and figures (see :func:`_duties` for the
    columns), and the names of the case counts it carries (one per placement the rules use)."""
    start, end = _year_bounds(year)
    cases = _case_annotations(year, _placements(rules))
    duty_days = DutyLawyerRecord.objects.filter(provider=OuterRef("pk"), day__gte=start, day__lt=end)
    rows = lawyers.annotate(
        **cases,
        logged_hours=_hours(
            ServiceLog.objects.filter(
                provider=OuterRef("pk"), status=ServiceLogStatus.VERIFIED, date__gte=start, date__lt=end
            )
        ),
        duty_hours=_hours(duty_days),
        duty_days=_count(duty_days, _count_distinct("day")),
        exempt=Exists(DutyExemption.objects.filter(provider=OuterRef("pk"), year=year)),
    ).values_list(
        "pk",
        "name",
        "practice_start",
        "organisation_id",
        "organisation__name",
        "organisation__region_id",
        "logged_hours",
        "duty_hours",
        "duty_days",
        "exempt",
        *cases,
    )
    return rows, list(cases)


def _fetch(rows: QuerySet) -> Iterable[tuple]:
    """The rows of a ``values_list`` queryset. On PostgreSQL straight from the cursor: psycopg already
    returns the Python values (int, Decimal, date, bool), and Django's per-row converters (``int()``
    and ``Decimal()`` of each annotation, a list and a tuple per row) cost a tenth of a city report.
    SQLite returns text dates and float sums, so there the queryset converts as usual."""
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return rows
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # filtered on an empty list: Django knows the answer without asking
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a report is built.

    A city report allocates about 100,000 small objects that all survive (rows, figures, results),
    none in a reference cycle. Every 700 allocations the collector scans them again, and once in a
    while the whole heap of the process: a third of the report's Python time, for no garbage.
    Reference counting still frees everything as usual; the collector resumes (if it was on) and
    catches up on its next run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _duties(
    rows: Iterable[tuple],
    *,
    rules: Mapping[int | None, DutyRule],
    cases: list[str],
    year: int,
    today: datetime.date,
) -> list[LawyerDuty]:
    """The pure rule applied to each row of figures (no query; 20,000 rows in a city report, so the
    loop stays lean: one rule per region, positions computed once)."""
    # each way of placing a case that some rule uses has its own count, after the ten other columns
    count_at = {placement.removeprefix("cases_"): 10 + i for i, placement in enumerate(cases)}
    # per region (a few regions, thousands of lawyers): its rule and the column of its case count
    rule_of_region: dict[int, tuple[DutyRuleValues, int]] = {}
    result: list[LawyerDuty] = []
    append = result.append
    for row in rows:
        pk, name, licensed_on, firm_id, firm_name, region_id, logged, duty_hours, duty_days, exempt = row[:10]
        ruled = rule_of_region.get(region_id)
        if ruled is None:
            rule = rule_for_region(rules, region_id)
            ruled = rule_of_region[region_id] = (rule, count_at[rule.counting_date])
        rule, at = ruled
        # by position, in the order of the fields (see DutyFigures and LawyerDuty; _tuple_new above)
        duty = _tuple_new(DutyFigures, (row[at], logged, duty_days, bool(exempt), licensed_on, duty_hours))
        status = duty_status(duty, rule, year=year, today=today)
        append(_tuple_new(LawyerDuty, (pk, name, firm_id, firm_name, region_id, year, duty, rule, status)))
    return result


def lawyer_duty_rows(
    *,
    year: int,
    firm_ids: Iterable[int] | None = None,
    region_ids: Iterable[int] | None = None,
    provider_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
) -> list[LawyerDuty]:
    """Every lawyer's duty for ``year`` (as :func:`duty_lawyers` selects and orders them), as of
    ``today`` (default: today). Two queries, whatever the number of lawyers. Who may see which rows
    is the caller's check (:func:`duty_scope_for`)."""
    lawyers = duty_lawyers(year=year, firm_ids=firm_ids, region_ids=region_ids, provider_ids=provider_ids)
    return _rows(lawyers, year=year, today=today)


def firm_duties(rows: Iterable[LawyerDuty], *, year: int) -> list[FirmDuty]:
    """Roll lawyers' rows up per firm, in the rows' order (no query; one pass over each firm)."""
    by_firm: dict[int, list[LawyerDuty]] = {}
    for row in rows:
        lawyers = by_firm.get(row.firm_id)
        if lawyers is None:
            by_firm[row.firm_id] = [row]
        else:
            lawyers.append(row)
    # A firm's rate depends only on (met, lawyers): a city's 1,000 firms share a few dozen pairs, so
    # each Decimal division is done once.
    rates: dict[tuple[int, int], Decimal] = {}
    firms = []
    for firm_id, lawyers in by_firm.items():
        met = exempt = 0
        short = []  # in_progress or not_met
        for row in lawyers:
            status = row.result.status
            if status == MET:
                met += 1
            elif status == EXEMPT:
                exempt += 1
            else:
                short.append(row)
        count = len(lawyers)
        rate = rates.get((met, count))
        if rate is None:
            rate = rates[met, count] = (Decimal(met) / Decimal(count)).quantize(
                RATE_PLACES, rounding=ROUND_HALF_UP
            )
        firms.append(
            FirmDuty(
                firm_id=firm_id,
                name=lawyers[0].firm_name,
                region_id=lawyers[0].region_id,
                year=year,
                lawyers=count,
                met=met,
                exempt=exempt,
                compliance_rate=rate,
                not_met=tuple(short),
                rows=tuple(lawyers),
            )
        )
    return firms


def firm_duty_rows(
    *,
    year: int,
    firm_ids: Iterable[int] | None = None,
    region_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
) -> list[FirmDuty]:
    """Each firm's compliance for ``year``: firms with at least one lawyer with a duty that year (a
    firm with none has no rate to show). Two queries, whatever the number of firms and lawyers."""
    return firm_duties(
        lawyer_duty_rows(year=year, firm_ids=firm_ids, region_ids=region_ids, today=today), year=year
    )


# --- 3. who sees what ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyScope:
    """What a user may see of the lawyers' duty: everything, or the union of the firms of some
    regions (a bureau), some firms (a firm administrator) and some lawyers (the lawyer themself)."""

    everything: bool = False
    region_ids: frozenset[int] = frozenset()
    firm_ids: frozenset[int] = frozenset()
    provider_ids: frozenset[int] = frozenset()

    @property
    def sees_firms(self) -> bool:
        """Whether the firms' list is for this user at all (a lawyer alone sees only their own row)."""
        return self.everything or bool(self.region_ids or self.firm_ids)

    def firm_filter(self) -> Q:
        """On ``Organisation``: the firms whose lawyers (all of them) the user sees."""
        if self.everything:
            return Q()
        return Q(region_id__in=sorted(self.region_ids)) | Q(pk__in=sorted(self.firm_ids))

    def lawyer_filter(self) -> Q:
        """On ``Provider``: the lawyers the user sees."""
        if self.everything:
            return Q()
        return (
            Q(organisation__region_id__in=sorted(self.region_ids))
            | Q(organisation_id__in=sorted(self.firm_ids))
            | Q(pk__in=sorted(self.provider_ids))
        )


def duty_scope_for(user: Any) -> DutyScope | None:  # a request.user: a User or AnonymousUser
    """What of the lawyers' duty ``user`` sees, or ``None`` when their roles see none of it (403).

    A lawyer: their own row. A firm administrator: their firm's lawyers. A bureau officer: the
    lawyers of the firms of the bureau's region and the regions under it. An administrator: all.
    """
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return DutyScope(everything=True)
    regions: set[int] = set()
    firms: set[int] = set()
    for membership in Membership.objects.filter(
        user=user,
        active=True,
        organisation__active=True,
        role__in=(Role.BUREAU_OFFICER, Role.FIRM_ADMIN),
    ).select_related("organisation__region"):
        if membership.role == Role.BUREAU_OFFICER and membership.organisation.kind == OrganisationKind.BUREAU:
            regions.update(membership.organisation.region.self_and_descendant_ids())
        elif membership.role == Role.FIRM_ADMIN and membership.organisation.kind == OrganisationKind.LAW_FIRM:
            firms.add(membership.organisation_id)
    own = set(
        Provider.objects.filter(
            user=user, kind=ProviderKind.LAWYER, active=True, organisation__kind=OrganisationKind.LAW_FIRM
        ).values_list("pk", flat=True)
    )
    if not (regions or firms or own):
        return None
    return DutyScope(region_ids=frozenset(regions), firm_ids=frozenset(firms), provider_ids=frozenset(own))


def duty_lawyers_visible(scope: DutyScope, *, year: int, firm_id: int | None = None) -> QuerySet[Provider]:
    """The lawyers of ``year``'s report the scope sees (of one firm when given), in report order."""
    qs = duty_lawyers(year=year, firm_ids=None if firm_id is None else [firm_id])
    return qs.filter(scope.lawyer_filter())


def duty_firms_visible(scope: DutyScope, *, year: int | None = None) -> QuerySet[Organisation]:
    """The active law firms the scope sees whole, ordered by region and name; with ``year``, only those
    with at least one lawyer with a duty that year (the firms of the firms' report)."""
    qs = Organisation.objects.filter(kind=OrganisationKind.LAW_FIRM, active=True).filter(scope.firm_filter())
    if year is not None:
        qs = qs.filter(Exists(duty_lawyers(year=year).filter(organisation_id=OuterRef("pk")).order_by()))
    return qs.order_by("region__sort_order", "name", "pk")


def duty_firm_visible(scope: DutyScope, firm_id: int) -> bool:
    """Whether the user may ask for the lawyers of this firm: a firm they see whole, or a lawyer's own."""
    firms = Organisation.objects.filter(kind=OrganisationKind.LAW_FIRM, active=True, pk=firm_id)
    if scope.everything:  # (Q() | x is x: the open filter must not be combined)
        return firms.exists()
    own = Provider.objects.filter(pk__in=sorted(scope.provider_ids)).values("organisation_id")
    return firms.filter(scope.firm_filter() | Q(pk__in=own)).exists()
