"""Reads of consultations, with who may see them, and the year's figures (Legal Aid Law Art 23; DESIGN §7).

**Who sees a consultation** (``consultations_visible_to``): the asker's own account (their questions
and the answers); the people of the answering center — its clerks, reviewers and director, and the
lawyers on duty there; the judicial bureau of the center's region and of the region above it; an
administrator. Anyone else gets 404. An anonymous consultation has no asker to see it.

**Who answers** (``user_answers``): whoever works at the answering center — the center's staff, and a
**duty lawyer**, which here is a provider whose membership is at the aid center itself (a lawyer on
duty at its window or its 12348 seat), not any lawyer of a firm in the region. Both belong to the
center's members group, which holds ``directory.view_organisation_internal`` on the center
(``directory.services``): the flow's task stamps that permission, so the queue and this check agree.

**The figures of a year** (``consultation_stats_by_center``: one grouped query), for the consultations
*asked* in that local calendar year:

- ``questions``: online questions (留言咨询) whose fate is known — answered, or still open after their
  due date. A question still within its reply period counts as ``pending``, neither for nor against
  the rate yet;
- ``answered``: of those, the answered ones; ``answered_on_time``: answered on or before the due day;
- ``reply_rate`` = answered_on_time ÷ questions (``consultations.rules.reply_rate``; ``None`` with no
  question). A question answered late counts against the rate for good;
- ``hotline``, ``window``, ``station``: the consultations recorded on those channels, a volume figure
  of the statistics: they are answered at once and have no reply rate.

**Who sees the figures** (``stats_scope_for``): a center's clerks, reviewers and director their center;
a judicial bureau's officers the centers of its region and the regions under it; an administrator
every center; anyone else none (403).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from directory.choices import CENTER_STAFF_ROLES, OrganisationKind, Role
from directory.models import Membership, Organisation, Region
from directory.selectors import WatchedCenters, watched_centers_for

from . import rules
from .choices import ConsultationChannel, ConsultationStatus
from .models import Consultation

# Who works at a center and answers its questions: its staff and the lawyers on duty there.
ANSWERING_ROLES: tuple[str, ...] = (*CENTER_STAFF_ROLES, Role.PROVIDER)
# The permission every member of an organisation holds on it through its members group
# (``directory.services.ORG_INTERNAL_PERM``): the answer task's permission on the center.
ANSWER_PERMISSION = "directory.view_organisation_internal"

CONSULTATION_RELATED = ("center", "region", "answered_by", "application")


# --- who sees what ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What decides which consultations a user sees, read once per request (one or two queries)."""

    user_id: int | None
    superuser: bool = False
    center_ids: frozenset[int] = field(default_factory=frozenset)  # works at these centers
    bureau_region_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return self.superuser or bool(self.center_ids or self.bureau_region_ids)


def viewer_for(user: Any) -> Viewer:
    if not user.is_authenticated:
        return Viewer(user_id=None)
    if user.is_superuser:
        return Viewer(user_id=user.pk, superuser=True)
    centers: set[int] = set()
    bureau_regions: set[int] = set()
    memberships = Membership.objects.filter(
        user=user,
        active=True,
        organisation__active=True,
        role__in=(*ANSWERING_ROLES, Role.BUREAU_OFFICER),
        organisation__kind__in=(OrganisationKind.AID_CENTER, OrganisationKind.BUREAU),
    ).values_list("role", "organisation_id", "organisation__kind", "organisation__region_id")
    for role, organisation_id, kind, region_id in memberships:
        if role == Role.BUREAU_OFFICER and kind == OrganisationKind.BUREAU:
            bureau_regions.add(region_id)
        elif role in ANSWERING_ROLES and kind == OrganisationKind.AID_CENTER:
            centers.add(organisation_id)
    if bureau_regions:
        # a bureau supervises its region and the regions under it (city and county)
        bureau_regions.update(
            Region.objects.filter(parent_id__in=sorted(bureau_regions)).values_list("pk", flat=True)
        )
    return Viewer(user_id=user.pk, center_ids=frozenset(centers), bureau_region_ids=frozenset(bureau_regions))


def consultations_visible_to(user: Any, viewer: Viewer | None = None) -> QuerySet[Consultation]:
    """The consultations ``user`` may open, with what every page shows of them joined."""
    qs = Consultation.objects.select_related(*CONSULTATION_RELATED)
    if not user.is_authenticated:
        return qs.none()
    viewer = viewer or viewer_for(user)
    if viewer.superuser:
        return qs
    condition = Q(asker_id=user.pk)
    if viewer.center_ids:
        condition |= Q(center_id__in=sorted(viewer.center_ids))
    if viewer.bureau_region_ids:
        condition |= Q(center__region_id__in=sorted(viewer.bureau_region_ids))
    return qs.filter(condition)


def consultation_get(*, user: Any, pk: int) -> Consultation:
    """The consultation, or ``Consultation.DoesNotExist`` when the user may not see it (404)."""
    return consultations_visible_to(user).get(pk=pk)


def consultations_list(user: Any, *, viewer: Viewer | None = None) -> QuerySet[Consultation]:
    """The user's visible consultations, newest first: the asker's own; the staff's, their center's."""
    return consultations_visible_to(user, viewer).order_by("-asked_at", "-pk")


def user_answers(user: Any, consultation: Consultation) -> bool:
    """Whether ``user`` may answer the consultation: they work at its center (module docstring)."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        organisation_id=consultation.center_id,
        role__in=ANSWERING_ROLES,
        active=True,
        organisation__active=True,
    ).exists()


def recording_center_for(user: Any) -> Organisation | None:
    """The aid center where ``user`` records the consultations they give (their first, when they work at
    several); ``None`` for anyone who works at no center."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(
            user=user,
            role__in=ANSWERING_ROLES,
            active=True,
            organisation__active=True,
            organisation__kind=OrganisationKind.AID_CENTER,
        )
        .select_related("organisation", "organisation__region")
        .order_by("pk")
        .first()
    )
    return membership.organisation if membership is not None else None


def consultation_overdue(consultation: Consultation, today: datetime.date | None = None) -> bool:
    """An online question still open after its due date."""
    due = consultation.answer_due
    return (
        consultation.status == ConsultationStatus.OPEN
        and due is not None
        and due < (today or timezone.localdate())
    )


def prefill_for(user: Any, pk: Any) -> Consultation | None:
    """The consultation an application form is pre-filled from (``/apply/?consultation=<id>``): one the
    user may see, else ``None`` — the same for one that does not exist, so nothing can be guessed."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < number < 2**31:
        return None
    return consultations_visible_to(user).filter(pk=number).first()


# --- the year's figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationStats:
    """The counts of one center, or of a scope, for a year (module docstring)."""

    questions: int = 0
    answered: int = 0
    answered_on_time: int = 0
    pending: int = 0
    hotline: int = 0
    window: int = 0
    station: int = 0

    @property
    def reply_rate(self) -> Decimal | None:
        return rules.reply_rate(self.questions, self.answered_on_time)

    @property
    def recorded(self) -> int:
        """The consultations given on the hotline, at the window and at stations."""
        return self.hotline + self.window + self.station

    def __add__(self, other: ConsultationStats) -> ConsultationStats:
        return ConsultationStats(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The local calendar year as aware datetimes: [1 January, next 1 January)."""
    zone = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=zone), datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def _counts(today: datetime.date) -> dict[str, Count]:
    online = Q(channel=ConsultationChannel.ONLINE)
    answered = Q(status=ConsultationStatus.ANSWERED)
    pending = online & Q(status=ConsultationStatus.OPEN, answer_due__gte=today)
    # (named apart from the model's fields, as the follow-up rates do)
    return {
        "n_questions": Count("pk", filter=online & ~pending),
        "n_answered": Count("pk", filter=online & answered),
        "n_on_time": Count("pk", filter=online & answered & Q(answered_on__lte=F("answer_due"))),
        "n_pending": Count("pk", filter=pending),
        "n_hotline": Count("pk", filter=Q(channel=ConsultationChannel.HOTLINE)),
        "n_window": Count("pk", filter=Q(channel=ConsultationChannel.WINDOW)),
        "n_station": Count("pk", filter=Q(channel=ConsultationChannel.STATION)),
    }


def consultation_stats_by_center(
    *, year: int, center_ids: Iterable[int], today: datetime.date | None = None
) -> dict[int, ConsultationStats]:
    """The year's counts per center (those with nothing asked are absent): one grouped query."""
    lo, hi = _year_bounds(year)
    rows = (
        Consultation.objects.filter(asked_at__gte=lo, asked_at__lt=hi, center_id__in=sorted(set(center_ids)))
        .order_by()
        .values("center_id")
        .annotate(**_counts(today or timezone.localdate()))
    )
    return {
        row["center_id"]: ConsultationStats(
            questions=row["n_questions"],
            answered=row["n_answered"],
            answered_on_time=row["n_on_time"],
            pending=row["n_pending"],
            hotline=row["n_hotline"],
            window=row["n_window"],
            station=row["n_station"],
        )
        for row in rows
    }


# The centers a user watches: the same rule as the follow-up rates' (directory.selectors).
StatsScope = WatchedCenters
stats_scope_for = watched_centers_for


@dataclass(frozen=True)
class StatsRow:
    """One center and its year's counts, with the target of the rule in force for its region."""

    id: int
    name: str
    stats: ConsultationStats
    target: Decimal

    @property
    def target_met(self) -> bool | None:
        return rules.target_met(self.stats.questions, self.stats.answered_on_time, self.target)


def center_stats_rows(
    scope: StatsScope, *, year: int, center_id: int | None = None, today: datetime.date | None = None
) -> list[StatsRow]:
    """Every center of the scope (or the one given) with its year's counts, by region and name: two
    queries whatever the number of centers (the targets come from the cached rule rows)."""
    today = today or timezone.localdate()
    centers = scope.centers()
    if center_id is not None:
        centers = centers.filter(pk=center_id)
    centers_list = list(centers)
    figures = consultation_stats_by_center(year=year, center_ids=[c.pk for c in centers_list], today=today)
    return [
        StatsRow(
            id=c.pk,
            name=c.name,
            stats=figures.get(c.pk, ConsultationStats()),
            target=rules.consultation_rule_in_force(c.region, today).reply_rate_target,
        )
        for c in centers_list
    ]


def total(rows: Iterable[StatsRow]) -> ConsultationStats:
    return sum((row.stats for row in rows), ConsultationStats())


__all__ = [
    "ANSWERING_ROLES",
    "ANSWER_PERMISSION",
    "CONSULTATION_RELATED",
    "ConsultationStats",
    "StatsRow",
    "StatsScope",
    "Viewer",
    "center_stats_rows",
    "consultation_get",
    "consultation_overdue",
    "consultation_stats_by_center",
    "consultations_list",
    "consultations_visible_to",
    "prefill_for",
    "recording_center_for",
    "stats_scope_for",
    "total",
    "user_answers",
    "viewer_for",
]
