"""Writes of peer review (同行评估/案卷评查): a sampling run, a reviewer's scores, the correction notice's
record. Keyword-only, one transaction each, an audit row each.

The audit rows are written on the sampling and on the review, not on the case: a case's timeline is
read by its applicant, and a quality review of the provider's file is the center's internal record.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments import subsidy
from assignments.choices import PaymentStatus
from assignments.models import SubsidyPayment
from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import MatterCategory
from directory.models import Organisation
from directory.services import audit_record
from documents.models import IssuedDocument

from .. import scorecard
from ..choices import PeerReviewStatus
from ..models import PeerReview, Sampling
from ..selectors import peer_review as selectors

COMMENT_MAX = 2000
SEED_MAX = 2**63 - 1
COUNT_MAX = 10000


def _share(value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        errors["share"] = [_("Give the share as a decimal above 0 and at most 1, e.g. 0.06.")]
        return None
    try:
        share = Decimal(str(value).strip())
    except InvalidOperation:
        share = None
    if share is None or not share.is_finite() or share <= 0 or share > 1:
        errors["share"] = [_("Give the share as a decimal above 0 and at most 1, e.g. 0.06.")]
        return None
    if share != share.quantize(Decimal("0.0001")):
        errors["share"] = [_("At most four decimals, e.g. 0.0625.")]
        return None
    return share


def _whole(value: Any, field: str, errors: dict[str, list[str]], *, minimum: int, maximum: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[field] = [_("Give a whole number.")]
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[field] = [_("Give a whole number.")]
        return None
    if not minimum <= number <= maximum:
        errors[field] = [_("Give a whole number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum}]
        return None
    return number


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        errors[field] = [_("Give a date (YYYY-MM-DD).")]
        return None


@service_transaction()
def sampling_run(
    *,
    acting_user: AbstractBaseUser,
    center: Organisation,
    period_from: Any,
    period_to: Any,
    share: Any = None,
    count: Any = None,
    seed: Any,
) -> Sampling:
    """Sample the center's closed files whose closure falls in the period, and give each to a reviewer.

    The center's director only (else 403). Exactly one of ``share`` (above 0, at most 1) and
    ``count``; the period in order; a seed (a whole number) — else 400, nothing saved. The mix of
    matter categories comes from the sampling rule in force. The draw and the reviewers are
    ``quality.scorecard``'s. 409 when a sampled file's category has no valid scorecard, or nobody may
    review a file without a conflict. The reviews come back as ``sampling.picked`` (by case id).
    """
    if not selectors.user_directs(acting_user, center):
        raise Forbidden(_("Only the center's director samples its closed files for peer review."))
    errors: dict[str, list[str]] = {}
    start = _date(period_from, "period_from", errors)
    end = _date(period_to, "period_to", errors)
    if start and end and end < start:
        errors["period_to"] = [_("The end of the period is before its start.")]
    if start and start > timezone.localdate():
        errors["period_from"] = [_("The period starts in the future: no case has closed in it yet.")]
    given_share = share not in (None, "")
    given_count = count not in (None, "")
    if given_share == given_count:
        errors["share"] = [_("Give either the share of the closed files or their number, not both.")]
        if given_count:
            errors["count"] = errors["share"]
    else:
        share = _share(share, errors)
        count = _whole(count, "count", errors, minimum=1, maximum=COUNT_MAX)
    seed_value = _whole(seed, "seed", errors, minimum=0, maximum=SEED_MAX)
    if seed_value is None and "seed" not in errors:
        errors["seed"] = [_("Give the seed: a whole number that makes the draw reproducible.")]
    if errors or start is None or end is None or seed_value is None:
        raise ValidationError(errors)

    today = timezone.localdate()
    rule = selectors.sampling_rule_in_force(center, today)
    mix = dict(rule.mix) if rule is not None and rule.mix else {}
    files = selectors.closed_files(center, start, end)
    by_case = {f.application_id: f for f in files}
    picked = scorecard.sample(
        list(by_case),
        share=share,
        count=count,
        seed=seed_value,
        mix=mix or None,
        categories={f.application_id: f.matter_category for f in files},
    )

    # the scorecard each picked file will be scored on: the one in force today, which must add up
    cards = selectors.scorecards_by_category(today)
    for category in sorted({by_case[pk].matter_category for pk in picked}):
        problems = scorecard.scorecard_problems(cards.get(category, []))
        if problems:
            raise Conflict(
                _("The peer-review scorecard of %(category)s cannot be used: %(problems)s")
                % {"category": MatterCategory(category).label, "problems": " ".join(problems)}
            )

    candidates = selectors.reviewer_candidates()
    user_ids = sorted({c.user_id for c in candidates})
    conflicts = selectors.conflicted_users(picked)
    try:
        chosen = scorecard.choose_reviewers(
            [
                scorecard.FileToReview(
                    case_id=pk, center_id=center.pk, conflicted=frozenset(conflicts.get(pk, ()))
                )
                for pk in picked
            ],
            candidates,
            open_reviews=selectors.open_review_counts(user_ids),
            providers=selectors.provider_user_ids(user_ids),
        )
    except scorecard.NoReviewer as exc:
        raise Conflict(
            _("No reviewer or director of any center may review case %(case)s without a conflict.")
            % {"case": exc.case_id}
        ) from exc

    sampling = Sampling(
        center=center,
        period_from=start,
        period_to=end,
        share=share,
        count=count,
        mix=mix,
        seed=seed_value,
        rule=rule,
        closed_files=len(files),
        run_by_id=acting_user.pk,
    )
    sampling.full_clean(exclude=["center", "rule", "run_by"])
    sampling.save()
    reviews = [
        PeerReview(
            sampling=sampling,
            application_id=pk,
            center=center,
            provider_id=by_case[pk].provider_id,
            reviewer_id=chosen[pk].user_id,
            reviewer_center_id=chosen[pk].center_id,
            items=[item.snapshot() for item in cards[by_case[pk].matter_category]],
        )
        for pk in picked
    ]
    # one per case (a unique column): a file sampled by a run at the same moment fails the step (409)
    PeerReview.objects.bulk_create(reviews)
    sampling.picked = {review.application_id: review for review in reviews}  # type: ignore[attr-defined]
    audit_record(
        actor=acting_user,
        action=AuditAction.SAMPLING_RUN,
        obj=sampling,
        new={
            "center": center.pk,
            "period": [start.isoformat(), end.isoformat()],
            "share": None if share is None else str(share),
            "count": count,
            "seed": seed_value,
            "mix": mix,
            "closed_files": len(files),
            "applications": picked,
            "reviewers": {str(pk): chosen[pk].user_id for pk in picked},
        },
    )
    return sampling


def scorecard_items(review: PeerReview) -> list[scorecard.Item]:
    """The scorecard the file is scored on, as it was when it was sampled."""
    return [
        scorecard.Item(
            code=row["code"],
            label=row["label"],
            max_points=Decimal(row["max_points"]),
            sort_order=n,
            guidance=row.get("guidance", ""),
        )
        for n, row in enumerate(review.items)
    ]


@service_transaction()
def peer_review_score(
    *,
    acting_user: AbstractBaseUser,
    review: PeerReview,
    scores: Any,
    comment: Any = "",
) -> PeerReview:
    """The reviewer's scores: the total (exact, in half points) and the grade by the bands in force on
    the day the file was sampled.

    Only the reviewer the file was given to (else 403). Every item scored, from 0 to its maximum in
    whole or half points, no unknown item — else 400, nothing saved. A file already scored: 409.
    """
    review = PeerReview.objects.select_for_update().select_related("sampling").get(pk=review.pk)
    if review.reviewer_id != getattr(acting_user, "pk", None):
        raise Forbidden(_("Only the reviewer the file was given to scores it."))
    if review.status != PeerReviewStatus.OPEN:
        raise Conflict(_("This file has already been scored."))
    items = scorecard_items(review)
    parsed, problems = scorecard.validate_scores(scores, items)
    errors: dict[str, list[str]] = {}
    if problems:
        errors["scores"] = problems
    comment = str(comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("At most %(max)s characters.") % {"max": COMMENT_MAX}]
    if errors:
        raise ValidationError(errors)
    total = scorecard.total_of(parsed, items)
    bands = selectors.grade_bands_in_force(timezone.localdate(review.sampling.run_at))
    review.scores = {code: scorecard.points_text(points) for code, points in parsed.items()}
    review.total = total
    review.grade = scorecard.grade_for(total, bands)
    review.comment = comment
    review.status = PeerReviewStatus.SCORED
    review.scored_at = timezone.now()
    review.full_clean(
        exclude=[
            "sampling",
            "application",
            "center",
            "provider",
            "reviewer",
            "reviewer_center",
            "correction_letter",
        ],
        validate_unique=False,
    )
    review.save(update_fields=["scores", "total", "grade", "comment", "status", "scored_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.PEER_REVIEW_SCORE,
        obj=review,
        old={"status": PeerReviewStatus.OPEN},
        new={
            "status": review.status,
            "application": review.application_id,
            "scores": review.scores,
            "total": scorecard.points_text(total),
            "grade": review.grade,
        },
    )
    return review


@service_transaction()
def subsidy_grade_apply(*, acting_user: AbstractBaseUser, review: PeerReview) -> SubsidyPayment | None:
    """The subsidy tier (Arts 52, 57): a scored file's grade multiplies the case's subsidy when its
    standard is graded and the subsidy is still owed (approved or paid, it stands). The factor is the
    grade's rule row in force on the day the subsidy became owed; without one, nothing changes.
    The payment's new amount and factors are audited on the payment, as its calculation was."""
    if review.status != PeerReviewStatus.SCORED or review.provider_id is None:
        return None
    payment = (
        SubsidyPayment.objects.select_for_update()
        .select_related("standard", "application")
        .filter(
            application_id=review.application_id, provider_id=review.provider_id, status=PaymentStatus.OWED
        )
        .order_by("-owed_on", "-pk")
        .first()
    )
    if payment is None or not payment.standard.graded:
        return None
    factor = subsidy.grade_factor_for(
        region=payment.application.region_id, grade=review.grade, day=payment.owed_on
    )
    if factor is None:
        return None
    old = {"amount": str(payment.amount), "factors": payment.factors}
    payment.amount, payment.factors = subsidy.graded_amount(
        payment.base_amount, payment.factors, grade=review.grade, grade_factor=factor
    )
    payment.save(update_fields=["amount", "factors"])
    audit_record(
        actor=acting_user,
        action=AuditAction.SUBSIDY_OWED,
        obj=payment,
        old=old,
        new={
            "amount": str(payment.amount),
            "factors": payment.factors,
            "peer_review": review.pk,
            "grade": review.grade,
        },
    )
    return payment


def correction_letter_record(*, review: PeerReview, letter: IssuedDocument) -> PeerReview:
    """Link the correction notice issued for a failed file (its issue is audited by documents)."""
    review.correction_letter = letter
    review.save(update_fields=["correction_letter"])
    return review
