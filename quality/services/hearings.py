"""Hearing observation (旁听庭审) and the handling agency's view (征询意见), Art 59.

The center's reviewers and directors record what they saw at a hearing of a case, scoring the
provider on four aspects (1 to 5 each, ``quality.models.hearings``), and ask the court or
procuratorate handling the case for its view; an officer of that agency answers once. Starting the
agency's task is the workflow's (``workflows.follow_ups.feedback_request_submit``); nothing here knows
a flow. Each write re-reads what it changes under its row lock.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from aid_cases.choices import Status
from aid_cases.models import Application
from aid_cases.services.recusal import require_not_recused
from aid_cases.services.status import application_lock
from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import OrganisationKind, Role
from directory.models import Organisation
from directory.selectors import user_center_ids
from directory.services import audit_record

from ..models import FeedbackAssessment, FeedbackRequest, FeedbackStatus, HearingObservation
from ..models.hearings import HEARING_ASPECTS, SCALE_MAX, SCALE_MIN
from .follow_ups import may_make_calls

# A case a provider handles or handled: hearings to observe, an agency to ask.
OBSERVABLE = (Status.IN_PROGRESS, Status.CLOSING, Status.CLOSED, Status.TERMINATED)
FEEDBACK_AGENCY_KINDS = (OrganisationKind.COURT, OrganisationKind.PROCURATORATE)
FEEDBACK_DAYS = 15  # the answer's default period, in calendar days
FEEDBACK_MAX_DAYS = 90
COMMENT_MAX = 4000
QUESTION_MAX = 2000
COURT_NAME_MAX = 128


def _text(value: Any, field: str, errors: dict[str, list[str]], *, maximum: int, required: str = "") -> str:
    text = value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())
    if not text and required:
        errors[field] = [required]
    elif len(text) > maximum:
        errors[field] = [_("At most %(max)s characters.") % {"max": maximum}]
    return text


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        day = parse_date(str(value or "").strip())
    except ValueError:
        day = None
    if day is None:
        errors[field] = [_("Give a date as YYYY-MM-DD.")]
    return day


def _handled(application: Application) -> None:
    """409 unless a provider handles or handled the case."""
    if application.status not in OBSERVABLE or application.provider_id is None:
        raise Conflict(
            _("The case is %(status)s: there is no provider's work to observe or ask about yet.")
            % {"status": application.get_status_display()}
        )


def _require_center_staff(acting_user: AbstractBaseUser, application: Application) -> None:
    if not may_make_calls(acting_user, application):
        raise Forbidden(_("Only the center's reviewers and directors supervise the quality of a case."))
    require_not_recused(acting_user, application)


# --- hearing observation ---------------------------------------------------------------------------


def _scale(value: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    if not text.isdigit() or not SCALE_MIN <= int(text) <= SCALE_MAX:
        errors[field] = [_("Give a score from %(min)s to %(max)s.") % {"min": SCALE_MIN, "max": SCALE_MAX}]
        return None
    return int(text)


@service_transaction()
def hearing_observation_record(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    date: Any,
    court_id: Any = None,
    court_name: Any = "",
    preparation: Any,
    examination: Any,
    argument: Any,
    conduct: Any,
    comment: Any = "",
) -> HearingObservation:
    """Record a hearing of the case the acting user watched (they are its observer).

    400, nothing saved: a score outside 1 to 5, a date not given, in the future or before the case was
    received; no court, or both a court of the directory and a name. 403 for anyone but the case's
    center's reviewers and directors; 409 for a party to the case, and for a case no provider handles.
    """
    application_lock(application)
    _require_center_staff(acting_user, application)
    errors: dict[str, list[str]] = {}
    day = _date(date, "date", errors)
    today = timezone.localdate()
    if day is not None and day > today:
        errors["date"] = [_("A hearing to come cannot have been observed yet.")]
    elif day is not None and day < application.received_on:
        errors["date"] = [_("The hearing cannot be before the case was received.")]
    scores = {
        aspect: _scale(value, aspect, errors)
        for aspect, value in zip(HEARING_ASPECTS, (preparation, examination, argument, conduct), strict=True)
    }
    name = _text(court_name, "court_name", errors, maximum=COURT_NAME_MAX)
    court = None
    if court_id not in (None, ""):
        try:
            court = Organisation.objects.get(pk=int(court_id), kind=OrganisationKind.COURT, active=True)
        except (TypeError, ValueError, Organisation.DoesNotExist):
            errors["court_id"] = [_("Choose a court from the directory.")]
        if name:
            errors["court_name"] = [_("Choose a court from the directory or name one, not both.")]
    elif not name and "court_name" not in errors:
        errors["court_id"] = [_("Choose the court, or name it when it is not in the directory.")]
    text = _text(comment, "comment", errors, maximum=COMMENT_MAX)
    if errors:
        raise ValidationError(errors)
    _handled(application)
    observation = HearingObservation(
        application=application,
        provider_id=application.provider_id,
        date=day,
        court=court,
        court_name=name,
        observer=acting_user,
        comment=text,
        **scores,
    )
    # the check constraints (scores 1 to 5, a court named) say what the checks above said
    observation.full_clean(
        exclude=["application", "provider", "court", "observer"], validate_constraints=False
    )
    observation.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.HEARING_OBSERVE,
        obj=application,
        new={"hearing": observation.pk, "date": str(day), "scores": scores},
    )
    return observation


# --- the agency's view -----------------------------------------------------------------------------


def feedback_agencies() -> QuerySet[Organisation]:
    """The courts and procuratorates a view may be asked of, by region and name."""
    return Organisation.objects.filter(kind__in=FEEDBACK_AGENCY_KINDS, active=True).select_related("region")


def user_answers_feedback_of(user: AbstractBaseUser, agency_id: int) -> bool:
    """An officer of the agency (a court's or procuratorate's ``agency_officer``)."""
    return agency_id in user_center_ids(user, roles=(Role.AGENCY_OFFICER,))


@service_transaction()
def feedback_request(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    agency_id: Any,
    question: Any,
    due_on: Any = None,
) -> FeedbackRequest:
    """Ask the court or procuratorate handling the case for its view of the provider's work.

    400, nothing saved: no such court or procuratorate, no question, a due date not after today or more
    than 90 days away. 403 for anyone but the case's center's reviewers and directors; 409 for a party
    to the case, a case no provider handles, or a question to that agency still unanswered.
    """
    application_lock(application)
    _require_center_staff(acting_user, application)
    errors: dict[str, list[str]] = {}
    agency = None
    try:
        agency = feedback_agencies().get(pk=int(agency_id))
    except (TypeError, ValueError, Organisation.DoesNotExist):
        errors["agency_id"] = [_("Choose a court or procuratorate from the directory.")]
    text = _text(
        question, "question", errors, maximum=QUESTION_MAX, required=_("Say what the center asks the agency.")
    )
    today = timezone.localdate()
    due = today + datetime.timedelta(days=FEEDBACK_DAYS)
    if due_on not in (None, ""):
        due = _date(due_on, "due_on", errors) or due
        if "due_on" not in errors and not today < due <= today + datetime.timedelta(days=FEEDBACK_MAX_DAYS):
            errors["due_on"] = [
                _("Give a date after today and at most %(days)s days away.") % {"days": FEEDBACK_MAX_DAYS}
            ]
    if errors:
        raise ValidationError(errors)
    _handled(application)
    if FeedbackRequest.objects.filter(
        application=application, agency=agency, status=FeedbackStatus.OPEN
    ).exists():
        raise Conflict(_("The center's earlier question to this agency is still unanswered."))
    feedback = FeedbackRequest(
        application=application,
        agency=agency,
        provider_id=application.provider_id,
        question=text,
        requested_by=acting_user,
        due_on=due,
    )
    feedback.full_clean(
        exclude=["application", "agency", "provider", "requested_by"], validate_constraints=False
    )
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as exc:
        raise Conflict(_("The center's earlier question to this agency is still unanswered.")) from exc
    audit_record(
        actor=acting_user,
        action=AuditAction.FEEDBACK_REQUEST,
        obj=application,
        new={"feedback": feedback.pk, "agency": agency.pk, "due_on": due.isoformat()},
    )
    return feedback


@service_transaction()
def feedback_answer(
    *, acting_user: AbstractBaseUser, feedback: FeedbackRequest, assessment: Any, answer: Any = ""
) -> FeedbackRequest:
    """The agency gives its view: satisfied, basically satisfied or not satisfied, with comments
    (required when not satisfied: the center must know why).

    400, nothing saved, for a view not among those or comments missing or too long; 403 for anyone but
    an officer of the agency asked; 409 once answered (re-read under its row lock).
    """
    errors: dict[str, list[str]] = {}
    view = str(assessment or "")
    if view not in FeedbackAssessment.values:
        errors["assessment"] = [_("Choose satisfied, basically satisfied or not satisfied.")]
    text = _text(
        answer,
        "answer",
        errors,
        maximum=COMMENT_MAX,
        required=_("Say what was not satisfactory.") if view == FeedbackAssessment.NOT_SATISFIED else "",
    )
    if errors:
        raise ValidationError(errors)
    fresh = (
        FeedbackRequest.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=feedback.pk)
    )
    if not user_answers_feedback_of(acting_user, fresh.agency_id):
        raise Forbidden(_("Only an officer of the agency asked gives its view."))
    if fresh.status != FeedbackStatus.OPEN:
        raise Conflict(_("The agency's view has already been given."))
    fresh.assessment = view
    fresh.answer = text
    fresh.status = FeedbackStatus.ANSWERED
    fresh.answered_by = acting_user
    fresh.answered_at = timezone.now()
    fresh.full_clean(
        exclude=["application", "agency", "provider", "requested_by", "answered_by"],
        validate_constraints=False,
    )
    fresh.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.FEEDBACK_ANSWER,
        obj=fresh.application,
        new={"feedback": fresh.pk, "assessment": view},
    )
    return fresh
