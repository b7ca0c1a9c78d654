"""Follow-up calls (回访, Art 59): open a call on a case, record what the recipient said.

A call is opened after closure always (the review that closes the case opens it), and after the
provider accepts the case or during it when the region's ``FollowUpRule`` in force says so. Its
script is fixed: reached? satisfied 1–5? did the provider ask for money or gifts? was the provider
responsive? comments. The center's reviewers and directors make the calls. Whatever a call starts
beyond the record itself — the complaint an ``asked_for_money`` answer opens — is the workflow's
(``workflows.follow_ups``): nothing here knows a flow.

Each write re-reads what it changes under its row lock; of two people recording the same call at
once, one wins and the other gets 409.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aid_cases.choices import Status
from aid_cases.models import Application
from aid_cases.selectors import user_decides_for
from aid_cases.services.recusal import require_not_recused
from aid_cases.services.status import application_lock, optional_text
from core.errors import Conflict, Forbidden
from core.refdata import refdata
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.models import Region
from directory.services import audit_record

from ..choices import FollowUpPoint, FollowUpStatus
from ..models import Complaint, FollowUp, FollowUpRule

SATISFACTION_MIN, SATISFACTION_MAX = 1, 5
# Where a case must be for a call at each point: after the provider accepted it and while it is
# handled (at assignment, mid-case), or closed (after closure).
HANDLED = (Status.IN_PROGRESS, Status.CLOSING)
POINT_STATUSES: dict[str, tuple[str, ...]] = {
    FollowUpPoint.ASSIGNMENT: HANDLED,
    FollowUpPoint.MID_CASE: HANDLED,
    FollowUpPoint.CLOSURE: (Status.CLOSED,),
}
# Without any rule row: calls after closure only, to be made within 15 days.
DEFAULT_RULE = FollowUpRule(at_assignment=False, mid_case=False, call_days=15)


def follow_up_rule_in_force(region: Region | int, day: datetime.date) -> FollowUpRule:
    """The region's own row in force on ``day``, else the row for every region, else ``DEFAULT_RULE``
    (unsaved: after closure only). ``region`` is a region or its id. One query, through the
    reference-data cache (``core.refdata``: every acceptance asks it): both candidate rows come back,
    the region's own first."""
    region_id = region.pk if isinstance(region, Region) else region

    def load() -> FollowUpRule | None:
        return (
            FollowUpRule.objects.filter(Q(region_id=region_id) | Q(region__isnull=True), valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by(F("region").asc(nulls_last=True), "-valid_from")
            .first()
        )

    return refdata(f"follow-up-rule:{region_id}:{day.isoformat()}", load) or DEFAULT_RULE


def follow_up_point_allowed(rule: FollowUpRule, point: str) -> bool:
    """Whether the rule makes calls at ``point`` (after closure always)."""
    if point == FollowUpPoint.CLOSURE:
        return True
    if point == FollowUpPoint.ASSIGNMENT:
        return rule.at_assignment
    if point == FollowUpPoint.MID_CASE:
        return rule.mid_case
    return False


def may_make_calls(user: AbstractBaseUser | None, application: Application) -> bool:
    """The reviewers and directors of the center handling the case."""
    return user is not None and user.is_authenticated and user_decides_for(user, application)


def _audit(
    acting_user: AbstractBaseUser | None, action: AuditAction, follow_up: FollowUp, **new: Any
) -> None:
    # on the case: its timeline shows the calls; the call's own history is the rows that name it
    audit_record(
        actor=acting_user,
        action=action,
        obj=follow_up.application,
        new={"follow_up": follow_up.pk, "point": follow_up.point, **new},
    )


@service_transaction()
def follow_up_open(*, acting_user: AbstractBaseUser | None, application: Application, point: Any) -> FollowUp:
    """Open a follow-up call on the case at ``point``.

    ``acting_user`` is ``None`` when the system opens it (at closure, at acceptance); a person must be
    a reviewer or director of the case's center (403 otherwise) and not a party to it (409).
    400, nothing saved: an unknown point; a call at assignment or mid-case when the rule in force makes
    calls after closure only; a call at a point the case has not reached (a closure call on a case not
    closed). 409: a call at that point is already open, or the recipient was already reached after
    closure.
    """
    application_lock(application)
    if acting_user is not None:
        if not may_make_calls(acting_user, application):
            raise Forbidden(_("Only the center's reviewers and directors make follow-up calls."))
        require_not_recused(acting_user, application)
    point = str(point or "")
    if point not in FollowUpPoint.values:
        raise ValidationError({"point": [_("Choose after assignment, during the case or after closure.")]})
    rule = follow_up_rule_in_force(application.region_id, timezone.localdate())
    if not follow_up_point_allowed(rule, point):
        raise ValidationError(
            {"point": [_("The follow-up rule in force makes calls after closure only, not at this point.")]}
        )
    if application.status not in POINT_STATUSES[point]:
        message = (
            _("A call after closure needs a closed case; this one is %(status)s.")
            if point == FollowUpPoint.CLOSURE
            else _("A call at this point needs a case its provider is handling; this one is %(status)s.")
        )
        raise ValidationError({"point": [message % {"status": application.get_status_display()}]})
    # one query for both conflicts: a call open at this point, or the recipient reached after closure
    earlier = set(
        FollowUp.objects.filter(application=application, point=point)
        .filter(Q(status=FollowUpStatus.OPEN) | Q(status=FollowUpStatus.DONE, reached=True))
        .values_list("status", flat=True)
    )
    if FollowUpStatus.OPEN in earlier:
        raise Conflict(_("A follow-up call at this point is already open on this case."))
    if point == FollowUpPoint.CLOSURE and earlier:
        raise Conflict(_("The recipient was already reached after closure."))
    return _open(acting_user=acting_user, application=application, point=point, rule=rule)


def _open(
    *, acting_user: AbstractBaseUser | None, application: Application, point: str, rule: FollowUpRule
) -> FollowUp:
    """Write the call (the checks done by the caller, under the case's row lock)."""
    today = timezone.localdate()
    follow_up = FollowUp(
        application=application,
        point=point,
        center_id=application.center_id,
        provider_id=application.provider_id,
        opened_by=acting_user,
        due_on=today + datetime.timedelta(days=rule.call_days),
    )
    # The constraints concern the answers (none yet) and the one open call per point, checked above
    # and by the database below: validating them here would only cost a query each.
    follow_up.full_clean(
        exclude=["application", "center", "provider", "opened_by"], validate_constraints=False
    )
    try:
        with transaction.atomic():  # the one-open-call constraint, should the row lock not have held
            follow_up.save()
    except IntegrityError as exc:
        raise Conflict(_("A follow-up call at this point is already open on this case.")) from exc
    _audit(acting_user, AuditAction.FOLLOW_UP_OPEN, follow_up, due_on=str(follow_up.due_on))
    return follow_up


@service_transaction()
def follow_up_open_if_due(*, application: Application, point: str) -> FollowUp | None:
    """The system's call at ``point`` when the rule in force makes one, the case is there and no call
    at that point is open or was made: at closure always, at acceptance when the rule says so (again
    for a new provider after a replacement). ``None`` when there is nothing to open."""
    application_lock(application)
    if application.status not in POINT_STATUSES.get(point, ()):
        return None
    rule = follow_up_rule_in_force(application.region_id, timezone.localdate())
    if not follow_up_point_allowed(rule, point):
        return None
    earlier = FollowUp.objects.filter(application=application, point=point).exclude(
        status=FollowUpStatus.CANCELLED
    )
    if point == FollowUpPoint.ASSIGNMENT:
        # a new provider after a replacement (Art 55) gets a call of their own; one still open waits
        earlier = earlier.filter(Q(provider_id=application.provider_id) | Q(status=FollowUpStatus.OPEN))
    if earlier.exists():
        return None
    return _open(acting_user=None, application=application, point=point, rule=rule)


def _flag(value: Any, field: str, errors: dict[str, list[str]], *, nullable: bool) -> bool | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool):
        return value
    errors[field] = [_("Answer yes or no.")]
    return None


def _score(value: Any, errors: dict[str, list[str]]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors["satisfaction"] = [_("Give a score from 1 to 5.")]
        return None
    text = str(value).strip()
    if not text.isdigit() or not SATISFACTION_MIN <= int(text) <= SATISFACTION_MAX:
        errors["satisfaction"] = [_("Give a score from 1 to 5.")]
        return None
    return int(text)


@service_transaction()
def follow_up_record(
    *,
    acting_user: AbstractBaseUser,
    follow_up: FollowUp,
    reached: Any,
    satisfaction: Any = None,
    asked_for_money: Any = False,
    responsive: Any = None,
    comment: Any = "",
) -> FollowUp:
    """Record the call's answers (the fixed script of API.md, task ``follow_up``).

    400, nothing saved: ``reached`` not a yes or no; a reached recipient without a score from 1 to 5;
    an unreached one with a score, a "money asked" or a "responsive" answer (they answered nothing).
    403 for anyone but the case's center's reviewers and directors; 409 for a party to the case and for
    a call already recorded (re-read under its row lock).
    """
    errors: dict[str, list[str]] = {}
    was_reached = _flag(reached, "reached", errors, nullable=False)
    score = _score(satisfaction, errors)
    money = _flag(
        False if asked_for_money in (None, "") else asked_for_money, "asked_for_money", errors, nullable=False
    )
    answered = _flag(None if responsive == "" else responsive, "responsive", errors, nullable=True)
    try:
        text = optional_text(
            comment if isinstance(comment, str) or comment is None else str(comment), "comment"
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
        text = ""
    if was_reached is True and score is None and "satisfaction" not in errors:
        errors["satisfaction"] = [_("Give the recipient's score from 1 to 5: they were reached.")]
    if was_reached is False:
        if score is not None:
            errors["satisfaction"] = [_("A recipient who was not reached gives no score.")]
        if money:
            errors["asked_for_money"] = [_("A recipient who was not reached answered nothing.")]
        if answered is not None:
            errors["responsive"] = [_("A recipient who was not reached answered nothing.")]
    if errors:
        raise ValidationError(errors)

    fresh = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("application", "provider")
        .get(pk=follow_up.pk)
    )
    application = fresh.application
    if not may_make_calls(acting_user, application):
        raise Forbidden(_("Only the center's reviewers and directors make follow-up calls."))
    require_not_recused(acting_user, application)
    if fresh.status != FollowUpStatus.OPEN:
        raise Conflict(_("This follow-up call is already recorded."))
    if money and fresh.provider_id is None:
        raise ValidationError(
            {"asked_for_money": [_("No provider handled the case when the call was opened.")]}
        )
    fresh.reached = was_reached
    fresh.satisfaction = score
    fresh.asked_for_money = bool(money)
    fresh.responsive = answered
    fresh.comment = text
    fresh.status = FollowUpStatus.DONE
    fresh.recorded_by = acting_user
    fresh.recorded_at = timezone.now()
    # the check constraints say what the checks above said (the database keeps them too)
    fresh.full_clean(
        exclude=["application", "center", "provider", "opened_by", "recorded_by", "complaint"],
        validate_constraints=False,
    )
    fresh.save()
    _audit(
        acting_user,
        AuditAction.FOLLOW_UP_RECORD,
        fresh,
        reached=was_reached,
        satisfaction=score,
        asked_for_money=bool(money),
        responsive=answered,
    )
    return fresh


@service_transaction()
def follow_up_complaint_link(*, follow_up: FollowUp, complaint: Complaint) -> FollowUp:
    """Link the complaint an "asked for money" answer opened (``workflows.follow_ups``) to its call."""
    if not follow_up.asked_for_money:
        raise Conflict(_("Only a call where the provider asked for money opens a complaint."))
    FollowUp.objects.filter(pk=follow_up.pk).update(complaint=complaint)
    follow_up.complaint = complaint
    return follow_up
