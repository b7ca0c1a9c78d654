"""Writes of consultations (Legal Aid Law Art 23): keyword-only, one transaction each, an audit row each.

- ``consultation_ask``: a citizen's online question (留言咨询), from their own account, to the center of
  the region they name; due within the reply period of the rule in force. Anonymous: neither the
  account, nor a name or phone, nor an audit row naming who asked is kept.
- ``consultation_record``: a center's staff member (or a lawyer on duty there) records a consultation
  given on the 12348 hotline, at the window or at a grassroots station, answered at once, at their own
  center.
- ``consultation_answer``: the answer to an online question, by the people of its center
  (``consultations.selectors.user_answers``); re-read under its row lock, answered once (409 after).

Bad input is a ``ValidationError`` keyed by the API's field names (``region``, ``matter_type``,
``question``, ``channel``, ``answer``, ``referral``, ``minutes``, ``asker_name``, ``asker_phone``), all
problems at once and nothing saved; a role that may never do it is ``Forbidden`` (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from aid_cases.models import Application
from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import MatterType
from directory.models import Organisation, Region
from directory.people import person_name
from directory.selectors import center_for_region, region_by_code, user_is_applicant
from directory.services import audit_record
from directory.validators import validate_phone

from . import rules
from .choices import RECORDED_CHANNELS, ConsultationChannel, ConsultationStatus, Referral
from .models import Consultation
from .selectors import consultations_visible_to, recording_center_for, user_answers

QUESTION_MAX = 4000
ANSWER_MAX = 4000
NAME_MAX = 100
PHONE_MAX = 32
MINUTES_MAX = 600

# The foreign keys a write holds as objects it already read: full_clean need not fetch them again.
_FK_FIELDS = ["center", "region", "asker", "recorded_by", "answered_by", "application"]


# --- parsing ---------------------------------------------------------------------------------------


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


def _region(value: Any, errors: dict[str, list[str]], *, required: bool) -> Region | None:
    """A region given as itself or by its code."""
    if isinstance(value, Region):
        return value
    code = _text(value)
    if not code:
        if required:
            errors["region"] = [_("Choose the region where the matter arose.")]
        return None
    try:
        return region_by_code(code[:64])
    except LookupError:
        errors["region"] = [_("Unknown region code “%(code)s”.") % {"code": code[:40]}]
        return None


def _matter_type(value: Any, errors: dict[str, list[str]]) -> str:
    matter_type = _text(value)
    if not matter_type:
        errors["matter_type"] = [_("Choose the matter the question is about.")]
    elif matter_type not in MatterType.values:
        errors["matter_type"] = [
            _("Unknown matter type “%(code)s”: choose one of those listed.") % {"code": matter_type[:40]}
        ]
    return matter_type


def _referral(value: Any, errors: dict[str, list[str]]) -> str:
    referral = _text(value)
    if referral and referral not in Referral.values:
        errors["referral"] = [_("Choose where the asker was referred, or nowhere.")]
    return referral


def _minutes(value: Any, errors: dict[str, list[str]]) -> int | None:
    """Optional minutes spent: a whole number from 1 to ``MINUTES_MAX``."""
    if value is None or value == "":
        return None
    text = "" if isinstance(value, bool) else _text(value)
    if not (text.isascii() and text.isdigit()):
        errors["minutes"] = [_("Give the minutes spent as a whole number.")]
        return None
    if len(text) > 4 or not 1 <= int(text) <= MINUTES_MAX:
        errors["minutes"] = [_("Between 1 and %(max)s minutes.") % {"max": MINUTES_MAX}]
        return None
    return int(text)


def _center(region: Region | None, errors: dict[str, list[str]]) -> Organisation | None:
    if region is None:
        return None
    try:
        return center_for_region(region)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return None


def _audit(
    actor: AbstractBaseUser | None, action: AuditAction, consultation: Consultation, **new: Any
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=consultation,
        new={
            key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in new.items()
        },
    )


def _asker_identity(user: AbstractBaseUser) -> tuple[str, str]:
    """The name and phone of a citizen asking from their account: the registered ones."""
    citizen = getattr(user, "citizen", None) if hasattr(user, "citizen") else None
    phone = citizen.phone if citizen is not None else ""
    return person_name(user)[:NAME_MAX], phone[:PHONE_MAX]


# --- a citizen's online question ----------------------------------------------------------------------


@service_transaction()
def consultation_ask(
    *,
    acting_user: AbstractBaseUser,
    region: Region | str | None,
    matter_type: Any,
    question: Any,
    anonymous: bool = False,
) -> Consultation:
    """A citizen's online question to the legal aid center of ``region``, due within the reply period.

    Only from a citizen's own account (403 for staff, providers and every other role). ``anonymous``:
    the consultation keeps no account, name or phone, and its audit row names nobody, so the answer
    cannot be traced back to the asker (nor shown in their list).
    """
    if not acting_user.is_authenticated:
        raise Forbidden(_("Log in to ask a question."))
    if not user_is_applicant(acting_user):
        raise Forbidden(
            _(
                "Online questions are asked from a citizen's own account; the center's staff record consultations."
            )
        )
    errors: dict[str, list[str]] = {}
    place = _region(region, errors, required=True)
    center = _center(place, errors)
    matter_type = _matter_type(matter_type, errors)
    question = _limited(
        question, "question", errors, maximum=QUESTION_MAX, required=_("Write your question.")
    )
    if errors or place is None or center is None:
        raise ValidationError(errors)

    anonymous = bool(anonymous)
    name, phone = ("", "") if anonymous else _asker_identity(acting_user)
    now = timezone.now()
    asked_on = timezone.localdate(now)
    rule = rules.consultation_rule_in_force(place, asked_on)
    user: Any = acting_user
    consultation = Consultation(
        channel=ConsultationChannel.ONLINE,
        center=center,
        region=place,
        matter_type=matter_type,
        question=question,
        asked_at=now,
        answer_due=rules.answer_due(asked_on=asked_on, rule=rule, calendar=rules.work_calendar()),
        anonymous=anonymous,
        asker=None if anonymous else user,
        asker_name=name,
        asker_phone=phone,
    )
    consultation.full_clean(exclude=_FK_FIELDS)
    consultation.save()
    _audit(
        None if anonymous else acting_user,
        AuditAction.CONSULTATION_ASK,
        consultation,
        center=center.pk,
        matter_type=matter_type,
        answer_due=consultation.answer_due,
        anonymous=anonymous,
    )
    return consultation


# --- a consultation given on the hotline, at the window or at a station ------------------------------


@service_transaction()
def consultation_record(
    *,
    acting_user: AbstractBaseUser,
    channel: Any,
    matter_type: Any,
    question: Any,
    answer: Any,
    region: Region | str | None = None,
    referral: Any = None,
    minutes: Any = None,
    asker_name: Any = "",
    asker_phone: Any = "",
    anonymous: bool = False,
) -> Consultation:
    """Record a consultation given at the acting user's own center, answered at once.

    ``region``: where the matter arose (the center's own by default). Unless ``anonymous``, the asker's
    name is required (the phone if given); an anonymous one takes neither. 403 for anyone who works at
    no legal aid center.
    """
    center = recording_center_for(acting_user)
    if center is None:
        raise Forbidden(
            _("Only the staff of a legal aid center and the lawyers on duty there record consultations.")
        )
    errors: dict[str, list[str]] = {}
    channel = _text(channel)
    if channel not in RECORDED_CHANNELS:
        errors["channel"] = [
            _(
                "Choose the 12348 hotline, the window or a grassroots station: online questions are the citizens' own."
            )
        ]
    place = _region(region, errors, required=False) or center.region
    matter_type = _matter_type(matter_type, errors)
    question = _limited(
        question, "question", errors, maximum=QUESTION_MAX, required=_("Write the question asked.")
    )
    answer = _limited(answer, "answer", errors, maximum=ANSWER_MAX, required=_("Write the answer given."))
    referral = _referral(referral, errors)
    spent = _minutes(minutes, errors)
    anonymous = bool(anonymous)
    name = _limited(asker_name, "asker_name", errors, maximum=NAME_MAX, required=None)
    phone = _limited(asker_phone, "asker_phone", errors, maximum=PHONE_MAX, required=None)
    if anonymous:
        if name:
            errors["asker_name"] = [_("An anonymous consultation keeps no name: leave it empty.")]
        if phone:
            errors["asker_phone"] = [_("An anonymous consultation keeps no telephone: leave it empty.")]
    else:
        if not name and "asker_name" not in errors:
            errors["asker_name"] = [_("Give the asker's name, or mark the consultation anonymous.")]
        if phone and "asker_phone" not in errors:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                errors["asker_phone"] = exc.messages
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    user: Any = acting_user
    consultation = Consultation(
        channel=channel,
        center=center,
        region=place,
        matter_type=matter_type,
        question=question,
        asked_at=now,
        status=ConsultationStatus.ANSWERED,
        answer=answer,
        referral=referral,
        answered_by=user,
        answered_at=now,
        answered_on=timezone.localdate(now),
        minutes=spent,
        anonymous=anonymous,
        asker_name=name,
        asker_phone=phone,
        recorded_by=user,
    )
    consultation.full_clean(exclude=_FK_FIELDS)
    consultation.save()
    _audit(
        acting_user,
        AuditAction.CONSULTATION_RECORD,
        consultation,
        channel=channel,
        center=center.pk,
        matter_type=matter_type,
        referral=referral or None,
    )
    return consultation


# --- the answer to an online question -----------------------------------------------------------------


def _locked(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("center", "region")
        .get(pk=consultation.pk)
    )


@service_transaction()
def consultation_answer(
    *,
    acting_user: AbstractBaseUser,
    consultation: Consultation,
    answer: Any,
    referral: Any = None,
    minutes: Any = None,
) -> Consultation:
    """Answer an online question: the answer the asker reads, where they were referred, the minutes spent.

    Re-read under its row lock: of two answering at once one answers and the other gets 409, as does
    anyone once it is answered. 403 for anyone who does not work at its center.
    """
    consultation = _locked(consultation)
    if not user_answers(acting_user, consultation):
        raise Forbidden(
            _("Only the staff of the answering center and the lawyers on duty there answer its questions.")
        )
    if consultation.status != ConsultationStatus.OPEN:
        raise Conflict(_("This question has already been answered."))
    errors: dict[str, list[str]] = {}
    answer = _limited(
        answer, "answer", errors, maximum=ANSWER_MAX, required=_("Write the answer the asker will read.")
    )
    referral = _referral(referral, errors)
    spent = _minutes(minutes, errors)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    consultation.status = ConsultationStatus.ANSWERED
    consultation.answer = answer
    consultation.referral = referral
    consultation.minutes = spent
    consultation.answered_by = acting_user  # type: ignore[assignment]
    consultation.answered_at = now
    consultation.answered_on = timezone.localdate(now)
    consultation.full_clean(exclude=_FK_FIELDS)
    consultation.save()
    _audit(
        acting_user,
        AuditAction.CONSULTATION_ANSWER,
        consultation,
        referral=referral or None,
        on_time=rules.answered_on_time(consultation.answered_on, consultation.answer_due),
    )
    return consultation


@service_transaction()
def consultation_link_application(
    *, acting_user: AbstractBaseUser, consultation: Consultation, application: Application
) -> Consultation:
    """Record that ``application`` came of ``consultation`` (filed from its pre-filled form), for the
    figures of consultations that led to aid. Once: a consultation already linked keeps its first
    application (re-read under its lock), and only one the filer may see is linked."""
    consultation = _locked(consultation)
    if consultation.application_id is not None:
        return consultation
    if not consultations_visible_to(acting_user).filter(pk=consultation.pk).exists():
        raise Forbidden(_("Only a consultation you may see can lead to your application."))
    consultation.application = application
    consultation.save(update_fields=["application"])
    _audit(acting_user, AuditAction.CONSULTATION_LINK, consultation, application=application.pk)
    return consultation


__all__ = [
    "consultation_link_application",
    "ANSWER_MAX",
    "MINUTES_MAX",
    "NAME_MAX",
    "PHONE_MAX",
    "QUESTION_MAX",
    "consultation_answer",
    "consultation_ask",
    "consultation_record",
]
