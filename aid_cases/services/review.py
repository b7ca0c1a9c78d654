"""The reviewer's decisions (docs/domain.md): grant, refuse, one-time supplement notice,
provisional aid (Art 44) and its confirmation."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.services import audit_record

from .. import means, rules, selectors
from ..choices import REVIEWABLE_STATUSES, DecisionKind, ProvisionalGround, Status, TerminationGround
from ..models import Application, Decision, SupplementRequest, Termination
from .proof import exemption_proof_settle
from .recusal import require_not_recused
from .status import application_lock, application_set_status, optional_text, require_reason, require_status

REVIEWABLE = REVIEWABLE_STATUSES

# The one-time notice lists every missing item at once (一次性告知), each short enough for a letter line.
SUPPLEMENT_ITEMS_MAX = 30
SUPPLEMENT_ITEM_MAX_LENGTH = 200


def clean_missing_items(items: Iterable[str] | None) -> list[str]:
    """The missing items of a supplement notice: at least one, at most 30 of at most 200 characters."""
    cleaned = [str(item).strip() for item in (items or []) if str(item).strip()]
    if not cleaned:
        raise ValidationError({"missing_items": [_("List every missing item.")]})
    if len(cleaned) > SUPPLEMENT_ITEMS_MAX or any(len(item) > SUPPLEMENT_ITEM_MAX_LENGTH for item in cleaned):
        raise ValidationError(
            {
                "missing_items": [
                    _("At most %(count)s items of at most %(length)s characters each.")
                    % {"count": SUPPLEMENT_ITEMS_MAX, "length": SUPPLEMENT_ITEM_MAX_LENGTH}
                ]
            }
        )
    return cleaned


def _record_decision(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    kind: str,
    reason: str,
    provisional_ground: str = "",
) -> Decision:
    decision = Decision(
        application=application,
        kind=kind,
        reason=reason,
        provisional_ground=provisional_ground,
        means_result=application.means_result,
        economic_standard_id=application.economic_standard_id,
        decided_by=acting_user,
    )
    # The foreign keys are the objects of this decision, not input: checking they exist costs queries.
    decision.full_clean(exclude=["application", "economic_standard", "decided_by"])
    decision.save()
    return decision


def review_start(*, acting_user: AbstractBaseUser, application: Application) -> Application:
    """A reviewer takes the application up: ``submitted`` becomes ``under_review`` (shown on the timeline).

    One status change, atomic by itself (``application_set_status``).
    """
    if application.status == Status.SUBMITTED:
        application_set_status(
            acting_user=acting_user,
            application=application,
            status=Status.UNDER_REVIEW,
            action=AuditAction.REVIEW_CLAIM,
        )
    return application


@service_transaction()
def review_approve(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    reason: str = "",
    proof_confirmed: bool = False,
) -> Decision:
    """Grant aid. Approving against a ``not_eligible`` means test, or an exemption whose proof is not
    confirmed (Art 42), needs written reasons."""
    require_status(application, REVIEWABLE)
    require_not_recused(acting_user, application)
    reason = exemption_proof_settle(
        acting_user=acting_user, application=application, confirmed=proof_confirmed, reason=reason
    )
    if application.means_result == means.Result.NOT_ELIGIBLE:
        reason = require_reason(reason)
    decision = _record_decision(
        acting_user=acting_user,
        application=application,
        kind=DecisionKind.APPROVE,
        reason=optional_text(reason),
    )
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.APPROVED,
        action=AuditAction.REVIEW_APPROVE,
        detail={"decision": decision.pk},
    )
    return decision


@service_transaction()
def review_refuse(*, acting_user: AbstractBaseUser, application: Application, reason: str) -> Decision:
    """Refuse aid, with the written reasons the refusal letter states (Art 43). A center that is not
    competent does not refuse: it transfers the application to the competent center (Art 38)."""
    require_status(application, REVIEWABLE)
    require_not_recused(acting_user, application)
    _require_competent(application)
    decision = _record_decision(
        acting_user=acting_user,
        application=application,
        kind=DecisionKind.REFUSE,
        reason=require_reason(reason),
    )
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.REFUSED,
        action=AuditAction.REVIEW_REFUSE,
        detail={"decision": decision.pk},
    )
    return decision


def _require_competent(application: Application) -> None:
    """400 when another center is competent for the application (Art 38): a center may not refuse
    an application only because it is not competent; it transfers it (services.transfers)."""
    if selectors.application_is_competent_here(application):
        return
    competent = selectors.application_competent_center(application)
    if competent is None:  # the region has no center to take it: the receiving center decides
        return
    raise ValidationError(
        {
            "outcome": [
                _(
                    "This center is not competent for this application: do not refuse it, transfer it "
                    "to %(center)s instead."
                )
                % {"center": competent.name}
            ]
        }
    )


def provisional_threshold(application: Application, today: datetime.date | None = None) -> int:
    """Art 44: provisional aid when a deadline is fewer than this many days away (the period rule's)."""
    rule = rules.period_rule_in_force(application.region, today or timezone.localdate())
    return rule.provisional_threshold_days


def provisional_allowed(application: Application, today: datetime.date | None = None) -> bool:
    """Art 44: a limitation period or deadline fewer than N days away (N from the period rule)."""
    if application.urgent_deadline is None:
        return False
    today = today or timezone.localdate()
    return (application.urgent_deadline - today).days < provisional_threshold(application, today)


def _provisional_ground(application: Application, ground: str, reason: str) -> tuple[str, str]:
    """The Art 44 ground checked against the application: a close deadline (一), preservation or
    advance execution needed at once (二, no deadline needed), or another legal ground (三, with
    written reasons). Returns the ground and the reasons to record."""
    ground = (ground or ProvisionalGround.DEADLINE).strip()
    if ground not in ProvisionalGround.values:
        raise ValidationError({"provisional_ground": [_("Choose a ground of Article 44.")]})
    if ground == ProvisionalGround.DEADLINE and not provisional_allowed(application):
        message = _("Provisional aid on this ground needs a deadline fewer than %(days)s days away.") % {
            "days": provisional_threshold(application)
        }
        raise ValidationError({"outcome": [message], "provisional_ground": [message]})
    if ground == ProvisionalGround.OTHER_LAW:
        return ground, require_reason(reason)
    return ground, optional_text(reason)


@service_transaction()
def review_provisional(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    provisional_ground: str = ProvisionalGround.DEADLINE,
    reason: str = "",
) -> Decision:
    """Provide aid first and review after (Art 44), on one of its three grounds.

    Without a ground the request is read as the close deadline, the first ground (and the only one
    before this field existed)."""
    require_status(application, REVIEWABLE)
    require_not_recused(acting_user, application)
    ground, reason = _provisional_ground(application, provisional_ground, reason)
    decision = _record_decision(
        acting_user=acting_user,
        application=application,
        kind=DecisionKind.PROVISIONAL,
        reason=reason,
        provisional_ground=ground,
    )
    application.provisional = True
    # The review goes on after the aid has started: its due date is now the confirming review's,
    # stored here so that work lists read it with the application instead of a query per task.
    application.decision_due = rules.confirm_due(decided_on=timezone.localdate(), region=application.region)
    application.save(update_fields=["provisional", "decision_due", "updated_at"])
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.APPROVED,
        action=AuditAction.REVIEW_PROVISIONAL,
        detail={"decision": decision.pk, "ground": ground},
    )
    return decision


@service_transaction()
def review_request_supplement(
    *, acting_user: AbstractBaseUser, application: Application, missing_items: Iterable[str] | None
) -> SupplementRequest:
    """The one-time notice: every missing item at once; a second notice is refused (409)."""
    require_status(application, REVIEWABLE)
    require_not_recused(acting_user, application)
    items = clean_missing_items(missing_items)
    if SupplementRequest.objects.filter(application=application).exists():
        raise Conflict(_("A supplement notice was already issued: all missing items must be listed at once."))
    today = timezone.localdate()
    rule = rules.period_rule_in_force(application.region, today)
    request = SupplementRequest(
        application=application,
        missing_items=items,
        requested_by=acting_user,
        requested_on=today,
        requested_at=timezone.now(),
        due_on=rules.due_date(start=today, days=rule.supplement_days, rule=rule),
    )
    request.full_clean(exclude=["application", "requested_by"])
    request.save()
    application.decision_due = None  # the review clock stops while the supplement is outstanding
    application.save(update_fields=["decision_due", "updated_at"])
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.SUPPLEMENT_REQUESTED,
        action=AuditAction.REVIEW_REQUEST_SUPPLEMENT,
        detail={"items": len(items), "due": request.due_on.isoformat()},
    )
    return request


# Provisional aid is confirmed (or refused) while the case is assigned and handled, not after it ended.
CONFIRMABLE = (Status.APPROVED, Status.ASSIGNING, Status.ASSIGNED, Status.IN_PROGRESS)


@service_transaction()
def review_confirm(
    *, acting_user: AbstractBaseUser, application: Application, confirm: bool, reason: str = ""
) -> Termination | None:
    """After provisional aid: confirm it, or refuse, which terminates the aid (Art 48)."""
    application_lock(application)
    if not application.provisional:
        raise Conflict(_("This application has no provisional aid to confirm."))
    require_status(application, CONFIRMABLE)
    require_not_recused(acting_user, application)
    if confirm:
        application.provisional = False
        application.save(update_fields=["provisional", "updated_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.CONFIRM_REVIEW_CONFIRM,
            obj=application,
            old={"provisional": True},
            new={"provisional": False},
        )
        return None
    termination = Termination(
        application=application,
        ground=TerminationGround.PROVISIONAL_REFUSED,
        reason=require_reason(reason),
        decided_by=acting_user,
    )
    termination.full_clean(exclude=["application", "decided_by"])
    termination.save()
    application.provisional = False
    application.save(update_fields=["provisional", "updated_at"])
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.TERMINATED,
        action=AuditAction.CONFIRM_REVIEW_REFUSE,
        detail={"termination": termination.pk},
    )
    return termination
