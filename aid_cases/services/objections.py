"""Objections against a refusal or a termination, decided by the bureau that set up the center (Art 49)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.selectors import bureau_for_region

from .. import rules
from ..choices import ObjectionOutcome, ObjectionTarget, Status
from ..models import Application, Objection, Termination
from .status import application_set_status, require_reason

OBJECTION_TARGETS = {Status.REFUSED: ObjectionTarget.REFUSAL, Status.TERMINATED: ObjectionTarget.TERMINATION}


def objection_possible(*, user: AbstractBaseUser, application: Application) -> bool:
    """Whether ``user`` may object to ``application`` now: its applicant, after a refusal or a termination."""
    return application.filed_by_id == user.pk and application.status in OBJECTION_TARGETS


@service_transaction()
def objection_submit(*, acting_user: AbstractBaseUser, application: Application, reason: str) -> Objection:
    """The applicant objects to a refusal or a termination; the bureau decides within the rule's period."""
    if application.filed_by_id != acting_user.pk:
        raise Conflict(_("Only the applicant may object."))
    if application.status not in OBJECTION_TARGETS:
        raise Conflict(_("An objection is possible only against a refusal or a termination."))
    today = timezone.localdate()
    rule = rules.period_rule_in_force(application.region, today)
    objection = Objection(
        application=application,
        target=OBJECTION_TARGETS[application.status],
        reason=require_reason(reason),
        filed_by=acting_user,
        received_on=today,
        bureau=bureau_for_region(application.region),
        due_on=rules.due_date(start=today, days=rule.objection_days, rule=rule),
    )
    objection.full_clean(exclude=["application", "filed_by", "bureau"])
    objection.save()
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.OBJECTION,
        action=AuditAction.OBJECTION_SUBMIT,
        detail={"objection": objection.pk, "target": objection.target},
    )
    return objection


@service_transaction()
def objection_decide(
    *, acting_user: AbstractBaseUser, objection: Objection, outcome: str, reason: str
) -> Objection:
    """Uphold, or order the center to correct: a refusal returns to review, a termination is revoked."""
    if objection.outcome:
        raise Conflict(_("This objection has already been decided."))
    if outcome not in ObjectionOutcome.values:
        raise ValidationError({"outcome": [_("Choose uphold or correct.")]})
    objection.outcome = outcome
    objection.decision_reason = require_reason(reason)
    objection.decided_by = acting_user
    objection.decided_at = timezone.now()
    objection.save(update_fields=["outcome", "decision_reason", "decided_by", "decided_at"])
    application = objection.application
    if outcome == ObjectionOutcome.UPHOLD:
        back = Status.REFUSED if objection.target == ObjectionTarget.REFUSAL else Status.TERMINATED
        action = AuditAction.OBJECTION_UPHOLD
    elif objection.target == ObjectionTarget.REFUSAL:
        back, action = Status.UNDER_REVIEW, AuditAction.OBJECTION_CORRECT
        today = timezone.localdate()
        rule = rules.period_rule_in_force(application.region, today)
        application.decision_due = rules.due_date(start=today, days=rule.review_days, rule=rule)
        application.save(update_fields=["decision_due", "updated_at"])
    else:
        back, action = Status.APPROVED, AuditAction.OBJECTION_CORRECT
        Termination.objects.filter(application=application, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=back,
        action=action,
        detail={"objection": objection.pk},
    )
    return objection
