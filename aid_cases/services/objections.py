"""Objections against a refusal or a termination, decided by the bureau that set up the center (Art 49).

One objection per decision: a refusal or a termination can be objected to once. While that objection
is open the bureau is deciding it; once the bureau has decided, the law's route is administrative
reconsideration or an administrative lawsuit, not a second objection.
"""

from __future__ import annotations

import enum

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import Role
from directory.models import Organisation
from directory.selectors import bureau_for_region, user_center_ids

from .. import rules
from ..choices import DecisionKind, ObjectionOutcome, ObjectionTarget, Status
from ..models import Application, Decision, Objection, Termination
from ..selectors import application_get, user_is_applicant_side
from .recusal import require_not_recused
from .status import application_lock, application_set_status, require_reason

OBJECTION_TARGETS = {Status.REFUSED: ObjectionTarget.REFUSAL, Status.TERMINATED: ObjectionTarget.TERMINATION}


def reconsideration_body(bureau: Organisation) -> str:
    """The people's government of the bureau's level, which hears reconsideration of its acts,
    e.g. 珠山区人民政府 for 珠山区司法局 (its region's name + 人民政府)."""
    return _("the People's Government of %(region)s") % {"region": bureau.region.name}


def further_remedy(objection: Objection, *, person: str | None = None) -> str:
    """What remains after the bureau has upheld a decision (Art 49), said by the decision letter, the
    application page and a refused second objection alike: administrative reconsideration by the
    people's government of the bureau's level within sixty days (Administrative Reconsideration Law
    2023, Art 20, and Art 24: a department's act goes to its own government), or an administrative
    lawsuit within six months (Administrative Procedure Law, Art 46). Statutory periods, the same
    everywhere: not rule rows. ``person`` defaults to the applicant, or the aid recipient after a
    termination."""
    if person is None:
        granted = objection.target == ObjectionTarget.TERMINATION
        person = pgettext("letter person", "the aid recipient" if granted else "the applicant")
    return _(
        "If %(person)s still disagrees with this decision, %(person)s may apply to %(government)s for "
        "administrative reconsideration within 60 days of the day %(person)s knew or should have known of "
        "it, or bring an administrative lawsuit in a people's court within 6 months of that day "
        "(Legal Aid Law, Article 49; Administrative Reconsideration Law, Article 20; Administrative "
        "Procedure Law, Article 46)."
    ) % {"person": person, "government": reconsideration_body(objection.bureau)}


class ObjectionState(enum.Enum):
    """Where the objection route of an application stands now."""

    NONE = "none"  # nothing to object to: no refusal or termination in force
    POSSIBLE = "possible"  # a refusal or termination in force, not yet objected to
    PENDING = "pending"  # objected to; the bureau is deciding
    DECIDED = "decided"  # the bureau has decided: reconsideration or litigation remain


def _decision_objected_to(application: Application) -> Decision | Termination | None:
    """The refusal or the termination in force that an objection now would be against."""
    if application.status == Status.REFUSED:
        return (
            Decision.objects.filter(application=application, kind=DecisionKind.REFUSE)
            .order_by("-decided_at", "-pk")
            .first()
        )
    if application.status == Status.TERMINATED:
        return (
            Termination.objects.filter(application=application, revoked_at__isnull=True)
            .order_by("-decided_at", "-pk")
            .first()
        )
    return None


def decision_in_force(application: Application) -> Decision | Termination | None:
    """The refusal or termination the applicant can read the reasons of: the one objected to, or
    the one an objection would now be against."""
    if application.status == Status.OBJECTION:
        objection = application.objections.order_by("-filed_at", "-pk").first()
        if objection is not None:
            return objection.refusal or objection.termination
    return _decision_objected_to(application)


def _objection_against(target: Decision | Termination | None) -> Objection | None:
    if target is None:
        return None
    field = "refusal" if isinstance(target, Decision) else "termination"
    return Objection.objects.filter(**{field: target}).first()


def objection_state(application: Application) -> tuple[ObjectionState, Objection | None]:
    """The state of the objection route, and the objection concerned (open or decided), if any."""
    if application.status == Status.OBJECTION:
        objection = application.objections.filter(outcome="").order_by("-filed_at", "-pk").first()
        return ObjectionState.PENDING, objection
    if application.status not in OBJECTION_TARGETS:
        return ObjectionState.NONE, None
    objection = _objection_against(_decision_objected_to(application))
    if objection is None:
        return ObjectionState.POSSIBLE, None
    return (ObjectionState.PENDING if not objection.outcome else ObjectionState.DECIDED), objection


def objection_possible(*, user: AbstractBaseUser, application: Application) -> bool:
    """Whether ``user`` may object to ``application`` now: its applicant, against a decision not yet
    objected to."""
    if application.status not in OBJECTION_TARGETS or not may_object(user, application):
        return False
    return objection_state(application)[0] == ObjectionState.POSSIBLE


def may_record_on_behalf(user: AbstractBaseUser, application: Application) -> bool:
    """Who may record a written objection (书面异议) for the citizen (Art 49): staff of the judicial
    bureau that decides it, and the handling center's clerks. The center's reviewers and directors,
    who decided, never object on anyone's behalf."""
    if not user.is_authenticated:
        return False
    if application.center_id in user_center_ids(user, roles=(Role.CLERK,)):
        return True
    try:
        bureau = bureau_for_region(application.region)
    except ValidationError:
        return False
    return bureau.pk in user_center_ids(user, roles=(Role.BUREAU_OFFICER,))


def objection_on_behalf_possible(*, user: AbstractBaseUser, application: Application) -> bool:
    """Whether ``user`` may now record a written objection for the citizen."""
    if application.status not in OBJECTION_TARGETS or not may_record_on_behalf(user, application):
        return False
    return objection_state(application)[0] == ObjectionState.POSSIBLE


def application_for_objection(*, user: AbstractBaseUser, pk: int) -> Application:
    """The application ``user`` may see, or, for the staff of the bureau that would decide it, a
    refused or terminated one of its region (to record a citizen's written objection).
    ``Application.DoesNotExist`` otherwise."""
    try:
        return application_get(user=user, pk=pk)
    except Application.DoesNotExist:
        application = Application.objects.select_related("region", "center").get(
            pk=pk, status__in=list(OBJECTION_TARGETS)
        )
        if not may_record_on_behalf(user, application):
            raise
        return application


def may_object(user: AbstractBaseUser, application: Application) -> bool:
    """The applicant's side objects (``selectors.user_is_applicant_side``)."""
    return user_is_applicant_side(user, application)


def _conflict_for(state: ObjectionState, objection: Objection | None = None) -> Conflict:
    if state == ObjectionState.PENDING:
        return Conflict(_("An objection against this decision is already with the judicial bureau."))
    if state == ObjectionState.DECIDED and objection is not None:
        return Conflict(
            _("The judicial bureau has already decided the objection against this decision.")
            + " "
            + further_remedy(objection)
        )
    return Conflict(_("An objection is possible only against a refusal or a termination."))


@service_transaction()
def objection_submit(
    *, acting_user: AbstractBaseUser, application: Application, reason: str, on_behalf: bool = False
) -> Objection:
    """The applicant objects to a refusal or a termination; the bureau decides within the rule's period.

    With ``on_behalf`` the bureau's staff or the center's clerk records the citizen's written
    objection (书面异议); the objection is marked so, and ``filed_by`` is the one who recorded it.

    The application is re-read under its row lock: of objections sent at the same moment, one is
    stored and the others find it (409); the unique link to the decision is the last guard.
    """
    # re-read in place: the caller's object shows the new status afterwards
    application_lock(application)
    if on_behalf:
        if not may_record_on_behalf(acting_user, application):
            raise Forbidden(
                _(
                    "Only the judicial bureau's staff and the center's clerks record a written objection "
                    "for the applicant."
                )
            )
    elif not may_object(acting_user, application):
        raise Forbidden(_("Only the applicant may object."))
    if application.status not in OBJECTION_TARGETS:
        raise _conflict_for(*objection_state(application))
    target = _decision_objected_to(application)
    if _objection_against(target) is not None:
        raise _conflict_for(*objection_state(application))
    today = timezone.localdate()
    rule = rules.period_rule_in_force(application.region, today)
    objection = Objection(
        application=application,
        target=OBJECTION_TARGETS[application.status],
        refusal=target if isinstance(target, Decision) else None,
        termination=target if isinstance(target, Termination) else None,
        reason=require_reason(reason),
        filed_by=acting_user,
        on_behalf=bool(on_behalf),
        received_on=today,
        bureau=bureau_for_region(application.region),
        due_on=rules.due_date(start=today, days=rule.objection_days, rule=rule),
    )
    objection.full_clean(exclude=["application", "filed_by", "bureau", "refusal", "termination"])
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError as exc:  # where row locks are not taken (SQLite), the unique link decides
        raise _conflict_for(ObjectionState.PENDING) from exc
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.OBJECTION,
        action=AuditAction.OBJECTION_RECORD_ON_BEHALF if on_behalf else AuditAction.OBJECTION_SUBMIT,
        detail={"objection": objection.pk, "target": objection.target, "on_behalf": bool(on_behalf)},
    )
    return objection


@service_transaction()
def objection_decide(
    *, acting_user: AbstractBaseUser, objection: Objection, outcome: str, reason: str
) -> Objection:
    """Uphold, or order the center to correct: a refusal returns to review, a termination is revoked.

    The objection and its application are re-read under their row locks: the decision applies only
    to an application that is still waiting for it.
    """
    if outcome not in ObjectionOutcome.values:
        raise ValidationError({"outcome": [_("Choose uphold or correct.")]})
    # Both re-read in place under their locks: the flow routes on the objection object it holds.
    application = objection.application
    application_lock(application)
    objection.refresh_from_db(from_queryset=Objection.objects.select_for_update())
    objection.application = application
    if objection.outcome:
        raise Conflict(_("This objection has already been decided."))
    if application.status != Status.OBJECTION:
        raise Conflict(
            _("The application is %(status)s: this objection can no longer be decided.")
            % {"status": application.get_status_display()}
        )
    require_not_recused(acting_user, application)
    objection.outcome = outcome
    objection.decision_reason = require_reason(reason)
    objection.decided_by = acting_user
    objection.decided_at = timezone.now()
    objection.save(update_fields=["outcome", "decision_reason", "decided_by", "decided_at"])
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
        # The case resumes where it was: with the provider who had accepted it, or to assignment.
        back = Status.IN_PROGRESS if application.provider_id else Status.APPROVED
        action = AuditAction.OBJECTION_CORRECT
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
