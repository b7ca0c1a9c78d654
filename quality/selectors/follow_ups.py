"""Reads of follow-up calls and the reach and satisfaction rates (Art 57, 59; DESIGN §7), with who may
see them.

**What is counted**, for a year (the local calendar year of the moment each answer was recorded):

- ``follow_ups``: the calls *recorded* that year (an open call is no figure yet); every recorded call
  counts once, whatever its point (after assignment, during the case, after closure);
- ``reached``: of those, the calls that reached the recipient; ``reach_rate`` = reached ÷ follow_ups;
- ``opinions``: the satisfaction scores given that year — each reached call's score, and each
  applicant's own rating (``assignments.models.Rating``) — except that a case's *final* opinion counts
  once: when a case has both a reached call after closure and the applicant's rating, only the first
  of the two given counts (a tie goes to the call). Calls after assignment and during the case are
  opinions of their own moment and always count;
- ``satisfied``: of the opinions, those scoring 4 or 5 (DESIGN §7); ``satisfaction_rate`` =
  satisfied ÷ opinions.

Why the first final opinion and not both: the call after closure and the rating ask the same person
the same question about the same finished aid, so counting both would weigh a case twice (and a
center could raise its rate by calling the applicants who already rated 5). Why the first and not,
say, the rating always: a figure once published must not change — the second opinion arrives later
and is then simply not counted, so nothing counted before moves. A rate is ``None`` when nothing was
counted (no division by zero, and "0.0000" would be a false figure); otherwise a ``Decimal`` with 4
places, half up (``assignments.statistics.rate``).

**Who sees what** (``rates_scope_for``): a center's staff their center; a judicial bureau's officers
the centers of its region and the regions under it; an administrator every center; anyone else
nothing (403 in the API). The breakdowns per center and per provider are grouped queries: two per
breakdown, whatever the number of centers, providers or calls.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from assignments.models import Rating
from assignments.statistics import SATISFIED_SCORE, rate
from directory.choices import CENTER_STAFF_ROLES
from directory.models import Membership, Provider
from directory.selectors import WatchedCenters, watched_centers_for

from ..choices import FollowUpPoint, FollowUpStatus
from ..models import FollowUp


@dataclass(frozen=True)
class FollowUpRates:
    """The counts of one center, provider or scope for a year; the rates are computed from them."""

    follow_ups: int = 0
    reached: int = 0
    opinions: int = 0
    satisfied: int = 0
    ratings: int = 0  # of the opinions, the applicants' own ratings

    @property
    def reach_rate(self) -> Decimal | None:
        return rate(self.reached, self.follow_ups)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return rate(self.satisfied, self.opinions)

    def __add__(self, other: FollowUpRates) -> FollowUpRates:
        return FollowUpRates(
            follow_ups=self.follow_ups + other.follow_ups,
            reached=self.reached + other.reached,
            opinions=self.opinions + other.opinions,
            satisfied=self.satisfied + other.satisfied,
            ratings=self.ratings + other.ratings,
        )


# --- who sees what ---------------------------------------------------------------------------------


# The centers a user watches: one rule for every figure of the centers (directory.selectors).
RatesScope = WatchedCenters
rates_scope_for = watched_centers_for


# --- the counts --------------------------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The local calendar year as aware datetimes: [1 January, next 1 January)."""
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=zone),
        datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def _ids(values: Iterable[int] | None) -> list[int] | None:
    return None if values is None else sorted(set(values))


def _calls(
    year: int, center_ids: list[int] | None, region_ids: list[int] | None, provider_ids: list[int] | None
) -> QuerySet[FollowUp]:
    lo, hi = _year_bounds(year)
    qs = FollowUp.objects.filter(status=FollowUpStatus.DONE, recorded_at__gte=lo, recorded_at__lt=hi)
    if center_ids is not None:
        qs = qs.filter(center_id__in=center_ids)
    if region_ids is not None:
        qs = qs.filter(center__region_id__in=region_ids)
    if provider_ids is not None:
        qs = qs.filter(provider_id__in=provider_ids)
    return qs.order_by()


def _ratings(
    year: int, center_ids: list[int] | None, region_ids: list[int] | None, provider_ids: list[int] | None
) -> QuerySet[Rating]:
    lo, hi = _year_bounds(year)
    # the case's final opinion counts once: not the rating when a reached call after closure came first
    call_first = FollowUp.objects.filter(
        application_id=OuterRef("application_id"),
        point=FollowUpPoint.CLOSURE,
        status=FollowUpStatus.DONE,
        reached=True,
        recorded_at__lte=OuterRef("rated_at"),
    )
    qs = Rating.objects.filter(rated_at__gte=lo, rated_at__lt=hi).filter(~Exists(call_first))
    if center_ids is not None:
        qs = qs.filter(application__center_id__in=center_ids)
    if region_ids is not None:
        qs = qs.filter(application__center__region_id__in=region_ids)
    if provider_ids is not None:
        qs = qs.filter(provider_id__in=provider_ids)
    return qs.order_by()


# A reached call's score is an opinion, except a call after closure on a case the applicant had rated
# before it (the rating was the case's first final opinion).
_CALL_OPINION = Q(reached=True) & (
    ~Q(point=FollowUpPoint.CLOSURE)
    | Q(application__rating__isnull=True)
    | Q(application__rating__rated_at__gte=F("recorded_at"))
)
# (named apart from the model's fields: an annotation called "reached" would shadow the field in the
# filters of the ones after it)
_CALL_COUNTS = {
    "n_calls": Count("pk"),
    "n_reached": Count("pk", filter=Q(reached=True)),
    "n_opinions": Count("pk", filter=_CALL_OPINION),
    "n_satisfied": Count("pk", filter=_CALL_OPINION & Q(satisfaction__gte=SATISFIED_SCORE)),
}
_RATING_COUNTS = {
    "n_opinions": Count("pk"),
    "n_satisfied": Count("pk", filter=Q(score__gte=SATISFIED_SCORE)),
}


def _call_rates(row: dict[str, int]) -> FollowUpRates:
    return FollowUpRates(
        follow_ups=row["n_calls"],
        reached=row["n_reached"],
        opinions=row["n_opinions"],
        satisfied=row["n_satisfied"],
    )


def _rating_rates(row: dict[str, int]) -> FollowUpRates:
    return FollowUpRates(opinions=row["n_opinions"], satisfied=row["n_satisfied"], ratings=row["n_opinions"])


def _grouped(
    *,
    year: int,
    call_key: str,
    rating_key: str,
    center_ids: Iterable[int] | None,
    region_ids: Iterable[int] | None,
    provider_ids: Iterable[int] | None,
) -> dict[Any, FollowUpRates]:
    """The counts per value of ``call_key`` (on ``FollowUp``) = ``rating_key`` (on ``Rating``): two
    grouped queries."""
    scope = (_ids(center_ids), _ids(region_ids), _ids(provider_ids))
    found: dict[Any, FollowUpRates] = {}
    for row in _calls(year, *scope).values(call_key).annotate(**_CALL_COUNTS):
        found[row[call_key]] = _call_rates(row)
    for row in _ratings(year, *scope).values(rating_key).annotate(**_RATING_COUNTS):
        found[row[rating_key]] = found.get(row[rating_key], FollowUpRates()) + _rating_rates(row)
    return found


def follow_up_rates(
    *,
    year: int,
    center_ids: Iterable[int] | None = None,
    region_ids: Iterable[int] | None = None,
    provider_ids: Iterable[int] | None = None,
) -> FollowUpRates:
    """The year's counts of the centers, regions (of the calls' centers) and providers given (each
    ``None``: not limited by it); two queries (module docstring for what is counted)."""
    scope = (_ids(center_ids), _ids(region_ids), _ids(provider_ids))
    calls = _calls(year, *scope).aggregate(**_CALL_COUNTS)
    ratings = _ratings(year, *scope).aggregate(**_RATING_COUNTS)
    return _call_rates(calls) + _rating_rates(ratings)


def follow_up_rates_by_center(
    *,
    year: int,
    center_ids: Iterable[int] | None = None,
    region_ids: Iterable[int] | None = None,
    provider_ids: Iterable[int] | None = None,
) -> dict[int, FollowUpRates]:
    """The year's counts per center (those with nothing counted are absent); two queries."""
    return _grouped(
        year=year,
        call_key="center_id",
        rating_key="application__center_id",
        center_ids=center_ids,
        region_ids=region_ids,
        provider_ids=provider_ids,
    )


def follow_up_rates_by_provider(
    *,
    year: int,
    center_ids: Iterable[int] | None = None,
    region_ids: Iterable[int] | None = None,
    provider_ids: Iterable[int] | None = None,
) -> dict[int | None, FollowUpRates]:
    """The year's counts per provider (``None``: calls and ratings with no provider); two queries."""
    return _grouped(
        year=year,
        call_key="provider_id",
        rating_key="provider_id",
        center_ids=center_ids,
        region_ids=region_ids,
        provider_ids=provider_ids,
    )


@dataclass(frozen=True)
class RatesRow:
    """One line of a breakdown: the center or provider, and its counts."""

    id: int | None
    name: str
    rates: FollowUpRates


def center_rows(scope: RatesScope, *, year: int, center_id: int | None = None) -> list[RatesRow]:
    """Every center of the scope (or the one given) with its year's counts, by region and name; three
    queries whatever the number of centers."""
    centers = scope.centers()
    if center_id is not None:
        centers = centers.filter(pk=center_id)
    centers_list = list(centers)
    figures = follow_up_rates_by_center(year=year, center_ids=[c.pk for c in centers_list])
    return [RatesRow(c.pk, c.name, figures.get(c.pk, FollowUpRates())) for c in centers_list]


def provider_rows(*, year: int, center_ids: Iterable[int]) -> list[RatesRow]:
    """The providers with calls or ratings that year on the centers' cases, by name; three queries."""
    figures = follow_up_rates_by_provider(year=year, center_ids=center_ids)
    names = dict(
        Provider.objects.filter(pk__in=[pk for pk in figures if pk is not None]).values_list("pk", "name")
    )
    rows = [RatesRow(pk, names.get(pk, ""), rates) for pk, rates in figures.items() if pk is not None]
    rows.sort(key=lambda row: (row.name, row.id or 0))
    if None in figures:
        rows.append(RatesRow(None, "", figures[None]))
    return rows


# --- the calls ------------------------------------------------------------------------------------


def follow_ups_open(center_ids: Iterable[int]) -> QuerySet[FollowUp]:
    """The open calls of the centers, the earliest due first, with what a list shows."""
    return (
        FollowUp.objects.filter(center_id__in=sorted(set(center_ids)), status=FollowUpStatus.OPEN)
        .select_related("application", "application__applicant", "provider", "center")
        .order_by(F("due_on").asc(nulls_last=True), "opened_at", "pk")
    )


def follow_ups_for_case(application_id: int) -> QuerySet[FollowUp]:
    """Every call of one case, oldest first (the case's quality page shows them)."""
    return (
        FollowUp.objects.filter(application_id=application_id)
        .select_related("provider", "recorded_by", "complaint")
        .order_by("opened_at", "pk")
    )


def user_sees_case_quality(user: Any, application: Any) -> bool:
    """Whether ``user`` sees the quality records of a case they may see (its calls, hearing
    observations and agencies' views): the staff of its center and administrators. Not its applicant
    nor its provider: what the recipient said on a call is not the provider's to read."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user,
        role__in=CENTER_STAFF_ROLES,
        active=True,
        organisation__active=True,
        organisation_id=application.center_id,
    ).exists()
