"""Writes for collaboration letters between centers (法律援助协作函): keyword-only, one transaction each, an
audit row each on the requesting case, so that its timeline shows the request and the answer.

A letter is sent by a reviewer or director of the case's center while the case is being reviewed or
handled, to another aid center of the city (the letter then waits in that center's task list,
``answer_collaboration``) or to a center outside the city named by hand (the requesting center records
its answer). It is answered once: done, with the result, or not done, with the reasons. Who sees and
who acts is ``aid_cases.collaboration_selectors``'; the deadline is ``aid_cases.collaboration_rules``'.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import OrganisationKind
from directory.models import Organisation
from directory.services import audit_record

from .. import collaboration_rules
from ..choices import CollaborationRequest, CollaborationStatus, Status
from ..collaboration_selectors import user_answers, user_sends_for
from ..models import Application, CollaborationLetter
from ..models.collaboration import ANSWER_MAX, DETAILS_MAX, OUTSIDE_NAME_MAX
from .status import application_lock, require_status

# Under review (a letter may gather what the review needs) or granted and not yet closing.
SENDABLE_STATUSES = (
    Status.SUBMITTED,
    Status.UNDER_REVIEW,
    Status.SUPPLEMENT_REQUESTED,
    Status.APPROVED,
    Status.ASSIGNING,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
)
# A deadline further off than this is a typing error, not a request for help.
DUE_MAX_DAYS = 366

_FK_FIELDS = ["application", "from_center", "to_center", "sent_by", "answered_by"]


def _text(value: Any) -> str:
    return str(value or "").strip()


def _limited(
    value: Any, field: str, errors: dict[str, list[str]], *, maximum: int, required: str | None
) -> str:
    text = _text(value)
    if not text and required:
        errors[field] = [required]
    elif len(text) > maximum:
        errors[field] = [_("At most %(max)s characters.") % {"max": maximum}]
    return text


def _center(value: Any, errors: dict[str, list[str]]) -> Organisation | None:
    """An active aid center given as itself or by its id; a problem goes into ``errors``."""
    if value is None or value == "":
        return None
    center = value
    if not isinstance(value, Organisation):
        try:
            center = Organisation.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError, OverflowError):
            center = None
    if center is None or center.kind != OrganisationKind.AID_CENTER or not center.active:
        errors["to_center_id"] = [_("Choose a legal aid center of the city.")]
        return None
    return center


def _date(value: Any, errors: dict[str, list[str]]) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors["due"] = [_("Give the deadline as a date (YYYY-MM-DD).")]
        return None


def _audit(
    acting_user: AbstractBaseUser, action: AuditAction, letter: CollaborationLetter, **new: Any
) -> None:
    """On the requesting case: its timeline shows the letter; ``letter`` names which one."""
    audit_record(
        actor=acting_user,
        action=action,
        obj=letter.application,
        new={
            "letter": letter.pk,
            **{
                key: (value.isoformat() if hasattr(value, "isoformat") else value)
                for key, value in new.items()
            },
        },
    )


@service_transaction()
def collaboration_letter_send(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    to_center: Organisation | int | None = None,
    to_outside_name: Any = "",
    request: Any,
    details: Any,
    due: Any = None,
) -> CollaborationLetter:
    """Send a collaboration letter for ``application`` to another center.

    ``to_center``: an aid center of the city (an object or its id); or, without one, ``to_outside_name``:
    a center outside the city, named by hand. ``due`` omitted: the collaboration rule's working days from
    today; a ``due`` on a rest day moves to the next working day (``letter.due_requested`` keeps the day
    asked for). 403 for anyone but a reviewer or director of the case's center; 409 unless the case is
    under review or granted and not yet closing; 400 (nothing saved, every problem at once, named as the
    API's fields: ``to_center_id``, ``to_outside_name``, ``request``, ``details``, ``due``) for the case's
    own center, an unknown one, both or neither addressee, an unknown request, no details, a deadline
    today or before, or more than a year away.
    """
    # the case under its row lock: a letter and a termination, closure or transfer of the case never
    # cross, and the center it is checked against is the case's center now
    application_lock(application)
    if not user_sends_for(acting_user, application):
        raise Forbidden(
            _("Only the reviewers and directors of the case's center send collaboration letters.")
        )
    require_status(application, SENDABLE_STATUSES)

    errors: dict[str, list[str]] = {}
    center = _center(to_center, errors)
    outside = _limited(to_outside_name, "to_outside_name", errors, maximum=OUTSIDE_NAME_MAX, required=None)
    if center is not None and center.pk == application.center_id:
        errors["to_center_id"] = [_("This case is your own center's: ask another center.")]
    if center is not None and outside:
        errors["to_outside_name"] = [
            _("Name a center outside the city only when no center of the city is chosen.")
        ]
    if center is None and not outside and "to_center_id" not in errors and "to_outside_name" not in errors:
        errors["to_center_id"] = [_("Choose the center to ask, or name one outside the city.")]
    request = _text(request)
    if request not in CollaborationRequest.values:
        errors["request"] = [_("Choose what you ask for: evidence, serving documents, a visit, or other.")]
    details = _limited(
        details, "details", errors, maximum=DETAILS_MAX, required=_("Say what the other center should do.")
    )
    asked = _date(due, errors)
    today = timezone.localdate()
    if asked is not None and asked <= today:
        errors["due"] = [_("The deadline must be after today.")]
    elif asked is not None and asked > today + datetime.timedelta(days=DUE_MAX_DAYS):
        errors["due"] = [_("The deadline must be within a year from today.")]
    if errors:
        raise ValidationError(errors)

    calendar = collaboration_rules.work_calendar()
    if asked is None:
        rule = collaboration_rules.collaboration_rule_in_force(application.region, today)
        final = collaboration_rules.answer_due(sent_on=today, days=rule.answer_days, calendar=calendar)
    else:
        final = collaboration_rules.on_working_day(asked, calendar)
    user: Any = acting_user
    letter = CollaborationLetter(
        application=application,
        from_center=application.center,
        to_center=center,
        to_outside_name="" if center is not None else outside,
        request=request,
        details=details,
        due=final,
        due_requested=asked if asked is not None and asked != final else None,
        sent_by=user,
        sent_at=timezone.now(),
    )
    letter.full_clean(exclude=_FK_FIELDS)
    letter.save()
    _audit(
        acting_user,
        AuditAction.COLLABORATION_SEND,
        letter,
        to_center=center.pk if center is not None else None,
        to_outside_name=letter.to_outside_name,
        request=request,
        due=final,
        due_requested=letter.due_requested,
    )
    return letter


def _locked(letter: CollaborationLetter) -> CollaborationLetter:
    return (
        CollaborationLetter.objects.select_for_update(of=("self",))
        .select_related("application", "from_center", "to_center")
        .get(pk=letter.pk)
    )


@service_transaction()
def collaboration_letter_answer(
    *,
    acting_user: AbstractBaseUser,
    letter: CollaborationLetter,
    done: bool,
    result: Any = "",
    reason: Any = "",
) -> CollaborationLetter:
    """Answer the letter once: ``done`` with the result, or not done with the reasons.

    The receiving center's reviewers and directors answer (through the ``answer_collaboration`` task);
    for a center outside the city, the requesting center's record the answer it received. 403 for
    anyone else; 409 once it was answered; 400 for a missing result (done) or missing reasons (not done).
    The letter is re-read under its row lock: of two answers at once, one is kept and the other is 409.
    """
    letter = _locked(letter)
    if not user_answers(acting_user, letter):
        raise Forbidden(
            _("Only the reviewers and directors of the center asked answer a collaboration letter.")
        )
    if letter.status != CollaborationStatus.SENT:
        raise Conflict(
            _("This collaboration letter was already answered: %(status)s.")
            % {"status": letter.get_status_display()}
        )
    errors: dict[str, list[str]] = {}
    if done:
        result = _limited(
            result, "result", errors, maximum=ANSWER_MAX, required=_("Say what was done and found.")
        )
        reason = ""
    else:
        reason = _limited(
            reason, "reason", errors, maximum=ANSWER_MAX, required=_("Give the reasons it could not be done.")
        )
        result = ""
    if errors:
        raise ValidationError(errors)
    letter.status = CollaborationStatus.DONE if done else CollaborationStatus.REFUSED
    letter.result = result
    letter.reason = reason
    letter.answered_by = acting_user  # type: ignore[assignment]
    letter.answered_at = timezone.now()
    letter.full_clean(exclude=_FK_FIELDS)
    letter.save()
    _audit(
        acting_user,
        AuditAction.COLLABORATION_DONE if done else AuditAction.COLLABORATION_REFUSE,
        letter,
        status=letter.status,
    )
    return letter


def collaboration_letter_record(*, letter: CollaborationLetter, code: str) -> None:
    """Keep the issued letter's verification code with the letter (the document's own row is its audit)."""
    letter.letter_code = code
    CollaborationLetter.objects.filter(pk=letter.pk).update(letter_code=code)


__all__ = [
    "SENDABLE_STATUSES",
    "collaboration_letter_answer",
    "collaboration_letter_record",
    "collaboration_letter_send",
]
