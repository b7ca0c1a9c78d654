"""Reads of peer review (同行评估/案卷评查), each applying who may see what.

Who sees a scorecard (a scored file's points, total and grade): the staff of the case's center (and of
a city center that oversees the county-level centers under it), the judicial bureau of the center's
region or a region above it, the reviewer who scored it, and the provider whose file it is — their own
grades only. Anyone else gets nothing (the API and pages answer 404).

The rule rows are read here and handed to the pure functions of ``quality.scorecard``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from aid_cases.choices import Status
from aid_cases.models import Application, Decision
from assignments.models import Assignment, ClosingReport
from directory.choices import DECIDING_ROLES, MatterCategory, OrganisationKind, Role
from directory.models import Membership, Organisation, Provider, Region
from directory.selectors import user_center_ids
from documents.selectors import document_by_code

from .. import scorecard
from ..choices import Grade, PeerReviewStatus
from ..models import GradeBand, PeerReview, Sampling, SamplingRule, ScorecardItem

# --- the rule rows in force -----------------------------------------------------------------------


def _in_force(model: Any, day: datetime.date) -> QuerySet:
    return model.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def scorecard_rows(day: datetime.date | None = None) -> list[scorecard.Item]:
    """Every scorecard row in force on ``day`` (today by default), as plain items: one query."""
    day = day or timezone.localdate()
    return [
        scorecard.Item(
            code=row.code,
            label=row.label,
            max_points=row.max_points,
            sort_order=row.sort_order,
            matter_category=row.matter_category,
            guidance=row.guidance,
        )
        for row in _in_force(ScorecardItem, day).order_by("sort_order", "code", "pk")
    ]


def scorecard_in_force(matter_category: str, day: datetime.date | None = None) -> list[scorecard.Item]:
    """The scorecard of a matter category on ``day``: the rows for every category and its own."""
    return scorecard.scorecard_for(scorecard_rows(day), matter_category)


def scorecards_by_category(day: datetime.date | None = None) -> dict[str, list[scorecard.Item]]:
    """Each matter category's scorecard on ``day``, from one query."""
    rows = scorecard_rows(day)
    return {category: scorecard.scorecard_for(rows, category) for category in sorted(_categories())}


def _categories() -> list[str]:
    return list(MatterCategory.values)


def grade_bands_in_force(day: datetime.date | None = None) -> list[scorecard.Band]:
    """The grade bands on ``day``; the defaults (90/75/60) while no row is in force."""
    day = day or timezone.localdate()
    rows = [
        scorecard.Band(grade=row.grade, min_points=row.min_points)
        for row in _in_force(GradeBand, day).order_by("-min_points")
    ]
    return rows or list(scorecard.DEFAULT_BANDS)


def sampling_rule_in_force(center: Organisation, day: datetime.date | None = None) -> SamplingRule | None:
    """The center's own sampling rule on ``day``, else the rule for every center, else none."""
    day = day or timezone.localdate()
    return SamplingRule.in_force(day, center=center) or SamplingRule.in_force(day, center=None)


# --- who runs samplings, who reviews ----------------------------------------------------------


def directed_centers(user: Any) -> QuerySet[Organisation]:
    """The active aid centers the user directs: where they may run a sampling."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=OrganisationKind.AID_CENTER,
        active=True,
        memberships__user=user,
        memberships__role=Role.DIRECTOR,
        memberships__active=True,
    ).select_related("region")


def user_directs(user: Any, center: Organisation) -> bool:
    return directed_centers(user).filter(pk=center.pk).exists()


def reviewer_candidates() -> list[scorecard.Candidate]:
    """Every active reviewer and director of an active aid center, as (user, center)."""
    rows = Membership.objects.filter(
        role__in=DECIDING_ROLES,
        active=True,
        user__is_active=True,
        organisation__active=True,
        organisation__kind=OrganisationKind.AID_CENTER,
    ).values_list("user_id", "organisation_id")
    return [
        scorecard.Candidate(user_id=u, center_id=c) for u, c in rows.order_by("user_id", "organisation_id")
    ]


def provider_user_ids(user_ids: list[int]) -> set[int]:
    """Those of ``user_ids`` who act as providers anywhere (a provider record, or the provider role):
    providers are never peer reviewers."""
    linked = set(Provider.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    members = set(
        Membership.objects.filter(user_id__in=user_ids, role=Role.PROVIDER, active=True).values_list(
            "user_id", flat=True
        )
    )
    return linked | members


def open_review_counts(user_ids: list[int]) -> dict[int, int]:
    """How many files each user has waiting to be scored."""
    rows = (
        PeerReview.objects.filter(reviewer_id__in=user_ids, status=PeerReviewStatus.OPEN)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
    )
    return {row["reviewer_id"]: row["n"] for row in rows}


def conflicted_users(application_ids: list[int]) -> dict[int, set[int]]:
    """For each case, the users who may not review its file: who filed it, decided it, assigned it,
    handled it (and filed its closing report) and accepted its closure. Five queries, whatever the
    number of cases."""
    conflicts: dict[int, set[int]] = {pk: set() for pk in application_ids}

    def add(rows: Any) -> None:
        for application_id, user_id in rows:
            if user_id is not None:
                conflicts[application_id].add(user_id)

    add(Application.objects.filter(pk__in=application_ids).values_list("pk", "filed_by_id"))
    add(
        Decision.objects.filter(application_id__in=application_ids).values_list(
            "application_id", "decided_by_id"
        )
    )
    add(
        Assignment.objects.filter(application_id__in=application_ids).values_list(
            "application_id", "assigned_by_id"
        )
    )
    add(
        Assignment.objects.filter(application_id__in=application_ids).values_list(
            "application_id", "provider__user_id"
        )
    )
    reports = ClosingReport.objects.filter(application_id__in=application_ids)
    add(reports.values_list("application_id", "filed_by_id"))
    add(reports.values_list("application_id", "reviewed_by_id"))
    return conflicts


@dataclass(frozen=True)
class ClosedFile:
    application_id: int
    matter_category: str
    provider_id: int | None
    closed_on: datetime.date


def closed_files(
    center: Organisation, period_from: datetime.date, period_to: datetime.date
) -> list[ClosedFile]:
    """The center's closed cases whose closure (the accepted closing report's review) falls in the
    period, not yet sampled: one query."""
    reports = (
        ClosingReport.objects.filter(
            approved=True,
            application__center=center,
            application__status=Status.CLOSED,
            application__peer_review__isnull=True,
            reviewed_at__isnull=False,
        )
        .select_related("application", "assignment")
        .order_by("application_id", "-reviewed_at")
    )
    files: dict[int, ClosedFile] = {}
    for report in reports:
        closed_on = timezone.localdate(report.reviewed_at)
        if report.application_id in files or not (period_from <= closed_on <= period_to):
            continue
        files[report.application_id] = ClosedFile(
            application_id=report.application_id,
            matter_category=report.application.matter_category,
            provider_id=report.assignment.provider_id,
            closed_on=closed_on,
        )
    return list(files.values())


# --- who sees scorecards ------------------------------------------------------------------------


def _bureau_region_ids(user: Any) -> list[int]:
    """The regions the user's judicial bureaus oversee: their own and those under them."""
    bureaus = user_center_ids(user, roles=(Role.BUREAU_OFFICER,))
    if not bureaus:
        return []
    regions = Region.objects.filter(organisations__pk__in=bureaus).values_list("pk", flat=True)
    ids = set(regions)
    ids.update(Region.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
    return sorted(ids)


def user_is_bureau(user: Any) -> bool:
    return bool(user_center_ids(user, roles=(Role.BUREAU_OFFICER,)))


def _staff_condition(user: Any) -> Q | None:
    """The reviews of the user's centers (and, for a city center that oversees them, of the centers
    of the regions under it), as their case list has them."""
    centers = user_center_ids(user)
    if not centers:
        return None
    overseen = Organisation.objects.filter(pk__in=centers, sees_subregion_cases=True).values("region_id")
    return Q(center_id__in=centers) | Q(center__region__parent_id__in=overseen)


def reviews_visible_to(user: Any) -> QuerySet[PeerReview]:
    """Peer reviews the user may see, open or scored (see the module's docstring)."""
    qs = PeerReview.objects.select_related(
        "application",
        "center",
        "center__region",
        "provider",
        "provider__organisation",
        "reviewer",
        "reviewer_center",
        "correction_letter",
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    condition = Q(reviewer=user) | Q(provider__user=user)
    staff = _staff_condition(user)
    if staff is not None:
        condition |= staff
    regions = _bureau_region_ids(user)
    if regions:
        condition |= Q(center__region_id__in=regions)
    return qs.filter(condition)


def scorecards_visible_to(user: Any) -> QuerySet[PeerReview]:
    """The scored files the user may see, newest first."""
    return reviews_visible_to(user).filter(status=PeerReviewStatus.SCORED).order_by("-scored_at", "-pk")


def user_oversees_case(user: Any, application: Application) -> bool:
    """Whether the user may see the scorecards of the case whatever they hold: the staff of its center
    (or of the city center overseeing it) and the bureau of its region."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    centers = user_center_ids(user)
    if application.center_id in centers:
        return True
    parent_id = application.center.region.parent_id
    if (
        centers
        and parent_id is not None
        and Organisation.objects.filter(
            pk__in=centers, sees_subregion_cases=True, region_id=parent_id
        ).exists()
    ):
        return True
    return application.center.region_id in _bureau_region_ids(user)


class NotVisible(LookupError):
    """The user may not see the scorecards asked for: 404."""


def scorecards_for_application(user: Any, application_id: int) -> QuerySet[PeerReview]:
    """The scorecards of one case. ``NotVisible`` when the user may see none of its scorecards and
    does not oversee the case: a provider asking about another provider's case, another center."""
    qs = scorecards_visible_to(user).filter(application_id=application_id)
    if reviews_visible_to(user).filter(application_id=application_id).exists():
        return qs  # scored or still open, the user may see the case's review
    application = (
        Application.objects.select_related("center", "center__region", "provider")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotVisible(application_id)
    own_case = application.provider is not None and application.provider.user_id == user.pk
    if not own_case and not user_oversees_case(user, application):
        raise NotVisible(application_id)
    return qs


def review_get(*, user: Any, pk: int) -> PeerReview:
    """The review, or ``PeerReview.DoesNotExist`` (404) when the user may not see it."""
    return reviews_visible_to(user).get(pk=pk)


# --- figures --------------------------------------------------------------------------------------


def grade_distribution(reviews: QuerySet[PeerReview]) -> dict[str, int]:
    """How many scored files got each grade, in the grades' order: one query."""
    counts = dict(
        reviews.filter(status=PeerReviewStatus.SCORED)
        .order_by()
        .values_list("grade")
        .annotate(n=Count("pk"))
        .values_list("grade", "n")
    )
    return {grade: counts.get(grade, 0) for grade in Grade.values}


@dataclass(frozen=True)
class ProviderGrades:
    provider_id: int
    name: str
    organisation: str
    scored: int
    excellent: int
    good: int
    passed: int
    failed: int
    average: Decimal | None


def grades_per_provider(reviews: QuerySet[PeerReview]) -> list[ProviderGrades]:
    """Each provider's scored files by grade and their average total: one grouped query."""
    rows = (
        reviews.filter(status=PeerReviewStatus.SCORED, provider__isnull=False)
        .order_by()
        .values("provider_id", "provider__name", "provider__organisation__name")
        .annotate(
            scored=Count("pk"),
            excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT)),
            good=Count("pk", filter=Q(grade=Grade.GOOD)),
            passed=Count("pk", filter=Q(grade=Grade.PASS)),
            failed=Count("pk", filter=Q(grade=Grade.FAIL)),
            average=Avg("total"),
        )
        .order_by("provider__name", "provider_id")
    )
    return [
        ProviderGrades(
            provider_id=row["provider_id"],
            name=row["provider__name"],
            organisation=row["provider__organisation__name"],
            scored=row["scored"],
            excellent=row["excellent"],
            good=row["good"],
            passed=row["passed"],
            failed=row["failed"],
            average=None
            if row["average"] is None
            else Decimal(str(row["average"])).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CenterGrades:
    center_id: int
    name: str
    region: str
    samplings: int
    sampled: int
    open: int
    excellent: int
    good: int
    passed: int
    failed: int
    average: Decimal | None


def grades_per_center(region_ids: list[int] | None) -> list[CenterGrades]:
    """Each aid center's sampled files and grades (the bureau's view across centers): one grouped
    query over the reviews and one over the samplings; ``region_ids`` None for every region."""
    centers = Organisation.objects.filter(kind=OrganisationKind.AID_CENTER)
    if region_ids is not None:
        centers = centers.filter(region_id__in=region_ids)
    reviews = (
        PeerReview.objects.filter(center__in=centers)
        .order_by()
        .values("center_id")
        .annotate(
            sampled=Count("pk", filter=~Q(status=PeerReviewStatus.CANCELLED)),
            open=Count("pk", filter=Q(status=PeerReviewStatus.OPEN)),
            excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT)),
            good=Count("pk", filter=Q(grade=Grade.GOOD)),
            passed=Count("pk", filter=Q(grade=Grade.PASS)),
            failed=Count("pk", filter=Q(grade=Grade.FAIL)),
            average=Avg("total", filter=Q(status=PeerReviewStatus.SCORED)),
        )
    )
    by_center = {row["center_id"]: row for row in reviews}
    runs = dict(
        Sampling.objects.filter(center__in=centers)
        .order_by()
        .values_list("center_id")
        .annotate(n=Count("pk"))
        .values_list("center_id", "n")
    )
    result = []
    for center in centers.select_related("region").order_by("region__sort_order", "name"):
        row = by_center.get(center.pk, {})
        average = row.get("average")
        result.append(
            CenterGrades(
                center_id=center.pk,
                name=center.name,
                region=center.region.name,
                samplings=runs.get(center.pk, 0),
                sampled=row.get("sampled", 0),
                open=row.get("open", 0),
                excellent=row.get("excellent", 0),
                good=row.get("good", 0),
                passed=row.get("passed", 0),
                failed=row.get("failed", 0),
                average=None
                if average is None
                else Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
            )
        )
    return result


def bureau_region_ids(user: Any) -> list[int] | None:
    """The regions whose centers the user's bureau oversees; None for an administrator (all)."""
    if user.is_authenticated and user.is_superuser:
        return None
    return _bureau_region_ids(user)


def samplings_of_center(center: Organisation) -> QuerySet[Sampling]:
    return Sampling.objects.filter(center=center).select_related("run_by").order_by("-run_at", "-pk")


def reviews_of_samplings(sampling_ids: list[int]) -> QuerySet[PeerReview]:
    return (
        PeerReview.objects.filter(sampling_id__in=sampling_ids)
        .select_related(
            "application",
            "provider",
            "provider__organisation",
            "reviewer",
            "reviewer_center",
            "correction_letter",
        )
        .order_by("application__tracking_no", "pk")
    )


def reviews_of_provider_user(user: Any) -> QuerySet[PeerReview]:
    """The provider's own scored files, newest first: what /my/grades/ lists."""
    if not user.is_authenticated:
        return PeerReview.objects.none()
    return (
        PeerReview.objects.filter(provider__user=user, status=PeerReviewStatus.SCORED)
        .select_related("application", "center", "reviewer_center", "correction_letter", "provider")
        .order_by("-scored_at", "-pk")
    )


def case_closure(application_id: int) -> ClosingReport | None:
    """The accepted closing report of a case: what a peer reviewer reads."""
    return (
        ClosingReport.objects.filter(application_id=application_id, approved=True)
        .select_related("assignment", "assignment__provider", "assignment__organisation")
        .order_by("-reviewed_at", "-pk")
        .first()
    )


def firm_admin_firm_ids(user: Any) -> list[int]:
    """The law firms the user administers."""
    return user_center_ids(user, roles=(Role.FIRM_ADMIN,))


def failed_reviews_of_firms(firm_ids: list[int]) -> QuerySet[PeerReview]:
    """The failed files of the firms' lawyers that have a correction notice: the copy the firm
    receives (never their other grades), newest first."""
    return (
        PeerReview.objects.filter(
            provider__organisation_id__in=firm_ids,
            status=PeerReviewStatus.SCORED,
            grade=Grade.FAIL,
            correction_letter__isnull=False,
        )
        .select_related("application", "center", "provider", "correction_letter")
        .order_by("-scored_at", "-pk")
    )


def correction_notice_visible(user: Any, review: PeerReview) -> bool:
    """Who may read a correction notice: whoever may see the review, and the provider's firm."""
    if reviews_visible_to(user).filter(pk=review.pk).exists():
        return True
    return review.provider is not None and review.provider.organisation_id in firm_admin_firm_ids(user)


def review_by_letter_code(code: str) -> PeerReview | None:
    """The review whose correction notice has this verification code."""
    document = document_by_code(code)
    if document is None or document.subject_type != PeerReview._meta.label_lower:
        return None
    return (
        PeerReview.objects.select_related("provider", "correction_letter")
        .filter(pk=document.subject_id, correction_letter=document)
        .first()
    )
