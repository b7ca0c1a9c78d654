"""Writes for complaints (投诉; Order No. 149 of the Ministry of Justice, Legal Aid Law Arts 55, 56):
keyword-only, one transaction each, an audit row each; a complaint already filed is re-read under its
row lock before it changes.

The life of a complaint::

    received ──(one-time notice of missing information)──► supplement ──(supplied)──► received
    received | supplement ──accept──► accepted ──decide──► decided
    received | supplement ──reject (reasons)──► rejected

Who complains: any account online (the complainant is the account); a center's clerk, reviewer or
director records one for a caller (name required, the phone if given); a follow-up call that hears
the provider asked for money records one for the recipient. A repeat — the same complainant, case
and ground while the first is still open — is merged into the first (``repeats``), not filed again.

Who handles it (``quality.selectors.complaints.handling_organisation``): the director of the case's
center (or the center named) for a complaint about a provider or a member of staff; the judicial
bureau of the center's region for a complaint about a center. The periods are
``quality.complaint_rules``'.

The audit rows are written on the complaint, never on the case: the case's timeline is read by the
provider, who must not learn who complained. They carry no name or phone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from aid_cases.models import Application
from aid_cases.selectors import applications_visible_to, user_is_applicant_side
from assignments.choices import AssignmentStatus
from assignments.models import Assignment
from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import OrganisationKind
from directory.models import Organisation, Provider
from directory.people import person_name
from directory.selectors import bureau_for_region, center_for_region, user_is_center_staff
from directory.services import audit_record
from directory.validators import validate_phone
from documents.models import IssuedDocument

from .. import complaint_rules
from ..choices import ComplaintAbout, ComplaintGround, ComplaintOutcome, ComplaintSource, ComplaintStatus
from ..models import Complaint, ComplaintRule
from ..selectors.complaints import (
    complaint_region,
    handling_organisation,
    repeat_of,
    user_handles,
    user_may_supply,
)

FACTS_MAX = 4000
REASON_MAX = 2000
REPLY_MAX = 4000
NAME_MAX = 100
PHONE_MAX = 32

# The foreign keys a write holds as objects it already read: full_clean need not fetch them again.
_FK_FIELDS = [
    "complainant",
    "recorded_by",
    "application",
    "provider",
    "center",
    "accepted_by",
    "decided_by",
    "reply_letter",
]


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


def _instance(model: Any, value: Any, field: str, errors: dict[str, list[str]], message: str) -> Any:
    """An object given as itself or by its id; a problem goes into ``errors`` under ``field``."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    try:
        return model._default_manager.get(pk=int(value))
    except (TypeError, ValueError, OverflowError, model.DoesNotExist):
        errors[field] = [message]
        return None


def _audit(
    acting_user: AbstractBaseUser | None, action: AuditAction, complaint: Complaint, **new: Any
) -> None:
    audit_record(
        actor=acting_user,
        action=action,
        obj=complaint,
        new={
            key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in new.items()
        },
    )


def _today() -> datetime.date:
    return timezone.localdate()


def case_provider(application: Application) -> Provider | None:
    """The provider of the case: the one handling it now, else the last one who accepted it."""
    if application.provider_id is not None:
        return application.provider
    assignment = (
        Assignment.objects.filter(application=application, accepted_on__isnull=False)
        .select_related("provider")
        .order_by("-assigned_at", "-pk")
        .first()
    )
    return assignment.provider if assignment is not None else None


def _complainant_identity(user: AbstractBaseUser, application: Application | None) -> tuple[str, str]:
    """The name and phone of an account complaining online: its own name (a registered citizen's is the
    one registered), else the applicant's on a case they applied for; the registered mobile phone,
    else the applicant's."""
    name = f"{getattr(user, 'last_name', '')}{getattr(user, 'first_name', '')}".strip()
    citizen = getattr(user, "citizen", None) if hasattr(user, "citizen") else None
    phone = citizen.phone if citizen is not None else ""
    if application is not None and (not name or not phone) and user_is_applicant_side(user, application):
        name = name or application.applicant.name
        phone = phone or application.applicant.phone
    return (name or person_name(user))[:NAME_MAX], phone[:PHONE_MAX]


# --- filing ---------------------------------------------------------------------------------------


@service_transaction()
def complaint_file(
    *,
    acting_user: AbstractBaseUser,
    about: Any,
    application: Application | int | None = None,
    provider: Provider | int | None = None,
    staff_name: Any = "",
    center: Organisation | int | None = None,
    ground: Any,
    facts: Any,
    source: Any = ComplaintSource.ONLINE,
    complainant_name: Any = "",
    complainant_phone: Any = "",
    on_behalf: bool = False,
) -> tuple[Complaint, bool]:
    """File a complaint (or merge a repeat into the open one); ``(complaint, created)``.

    Online (``source="online"``), the account is the complainant. Recorded for someone else
    (``on_behalf``, ``source="clerk"``, or ``source="follow_up"`` from a follow-up call), only a
    center's staff may, and the complainant's name is required. ``application`` (an object or an id)
    must be a case the acting user may see (400 otherwise, the same answer whether it exists or not).
    A complaint about a provider names the case's provider when none is given (the one handling it,
    else the last who accepted it); without a case it needs the provider. A complaint about a center
    goes to the bureau of its region, one about a provider or a member of staff to the case's center
    (or the center named; for a provider without a case, the center of the provider's region).

    400 (nothing saved) for bad input, with the field names of the API (``about``, ``ground``,
    ``facts``, ``application_id``, ``provider_id``, ``center_id``, ``complainant_name``,
    ``complainant_phone``, ``staff_name``, ``source``); 403 for recording a complaint for someone
    else without being a center's staff.
    """
    if not acting_user.is_authenticated:
        raise Forbidden(_("Log in to file a complaint."))
    errors: dict[str, list[str]] = {}
    source = _text(source) or ComplaintSource.ONLINE
    if source not in ComplaintSource.values:
        errors["source"] = [_("Unknown source of the complaint.")]
    recorded = bool(on_behalf) or source != ComplaintSource.ONLINE
    if recorded and source == ComplaintSource.ONLINE:
        source = ComplaintSource.CLERK
    if recorded and not user_is_center_staff(acting_user):
        raise Forbidden(_("Only a legal aid center's staff record a complaint for someone else."))

    about = _text(about)
    if about not in ComplaintAbout.values:
        errors["about"] = [_("Say whom the complaint is about: a provider, a member of staff or a center.")]
    ground = _text(ground)
    if not ground:
        errors["ground"] = [_("Choose the ground of the complaint.")]
    elif ground not in ComplaintGround.values:
        errors["ground"] = [
            _("Unknown ground “%(ground)s”: choose one of the grounds listed.") % {"ground": ground[:40]}
        ]
    facts = _limited(facts, "facts", errors, maximum=FACTS_MAX, required=_("Describe what happened."))
    staff_name = _limited(staff_name, "staff_name", errors, maximum=NAME_MAX, required=None)

    name = phone = ""
    if recorded:
        name = _limited(
            complainant_name,
            "complainant_name",
            errors,
            maximum=NAME_MAX,
            required=_("Give the complainant's name."),
        )
        phone = _limited(complainant_phone, "complainant_phone", errors, maximum=PHONE_MAX, required=None)
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                errors["complainant_phone"] = exc.messages

    not_yours = _("Choose one of the cases you may see, or none.")
    case: Application | None = _instance(Application, application, "application_id", errors, not_yours)
    if case is not None and not applications_visible_to(acting_user).filter(pk=case.pk).exists():
        errors["application_id"] = [not_yours]
        case = None
    target: Provider | None = _instance(
        Provider, provider, "provider_id", errors, _("Choose a provider from the directory.")
    )
    place: Organisation | None = _instance(
        Organisation, center, "center_id", errors, _("Choose a legal aid center.")
    )
    if place is not None and (place.kind != OrganisationKind.AID_CENTER or not place.active):
        errors["center_id"] = [_("Choose a legal aid center.")]
        place = None
    if case is not None:
        place = case.center  # the case decides where its complaint goes

    if about == ComplaintAbout.PROVIDER and "application_id" not in errors and "provider_id" not in errors:
        if case is not None:
            if target is None:
                target = case_provider(case)
                if target is None:
                    errors["about"] = [
                        _("No provider has handled this case yet: complain about the center or its staff.")
                    ]
            elif not Assignment.objects.filter(
                application=case, provider=target, accepted_on__isnull=False
            ).exists():
                errors["provider_id"] = [_("This provider has not handled the case.")]
        elif target is None:
            errors["provider_id"] = [_("Name the provider, or choose the case they handle.")]
        elif place is None:
            try:
                place = center_for_region(target.organisation.region)
            except ValidationError:
                errors["center_id"] = [_("Choose the legal aid center that assigned the provider.")]
    elif about in ComplaintAbout.values and about != ComplaintAbout.PROVIDER:
        target = None  # only a complaint about a provider names one
    if (
        about in ComplaintAbout.values
        and place is None
        and not (set(errors) & {"application_id", "center_id", "provider_id"})
    ):
        errors["center_id"] = [_("Choose the case, or the legal aid center the complaint concerns.")]
    if about == ComplaintAbout.CENTER and place is not None:
        try:
            bureau_for_region(place.region)
        except ValidationError:
            errors["center_id"] = [_("No judicial bureau handles complaints about this center.")]
    if errors or place is None:
        raise ValidationError(errors)

    if not recorded:
        name, phone = _complainant_identity(acting_user, case)
    # One filing at a time per case (or center): two identical complaints posted at once merge.
    lock = (
        Application.objects.filter(pk=case.pk)
        if case is not None
        else Organisation.objects.filter(pk=place.pk)
    )
    list(lock.select_for_update().values_list("pk", flat=True))
    existing = (
        repeat_of(
            complainant_id=None if recorded else acting_user.pk,
            complainant_name=name,
            complainant_phone=phone,
            application_id=case.pk if case is not None else None,
            ground=ground,
            about=about,
            center_id=place.pk,
        )
        .select_for_update()
        .first()
    )
    if existing is not None:
        existing.repeats += 1
        existing.save(update_fields=["repeats"])
        _audit(acting_user, AuditAction.COMPLAINT_MERGE, existing, repeats=existing.repeats, source=source)
        return existing, False

    today = _today()
    region = case.region if case is not None else place.region
    rule = complaint_rules.complaint_rule_in_force(region, today)
    user: Any = acting_user
    complaint = Complaint(
        complainant=None if recorded else user,
        complainant_name=name,
        complainant_phone=phone,
        recorded_by=user,
        source=source,
        about=about,
        application=case,
        provider=target,
        staff_name=staff_name if about == ComplaintAbout.STAFF else "",
        center=place,
        ground=ground,
        facts=facts,
        received_on=today,
        accept_due=complaint_rules.accept_due(
            received_on=today, rule=rule, calendar=complaint_rules.work_calendar()
        ),
    )
    complaint.full_clean(exclude=_FK_FIELDS)
    complaint.save()
    _audit(
        acting_user,
        AuditAction.COMPLAINT_FILE,
        complaint,
        about=about,
        ground=ground,
        source=source,
        application=case.pk if case is not None else None,
        provider=target.pk if target is not None else None,
        center=place.pk,
        accept_due=complaint.accept_due,
    )
    return complaint, True


# --- the handling ---------------------------------------------------------------------------------


def _locked(complaint: Complaint) -> Complaint:
    """The complaint re-read under its row lock, with what the checks and the letters read."""
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related(
            "application",
            "application__applicant",
            "application__region",
            "center",
            "center__region",
            "provider",
        )
        .get(pk=complaint.pk)
    )


def _require_handler(acting_user: AbstractBaseUser, complaint: Complaint) -> None:
    if not user_handles(acting_user, complaint):
        raise Forbidden(
            _(
                "Only the director of the handling center, or the judicial bureau for a complaint about a center, handles a complaint."
            )
        )
    if complaint.complainant_id is not None and complaint.complainant_id == acting_user.pk:
        raise Conflict(_("You filed this complaint yourself: a colleague handles it."))


def _require_status(complaint: Complaint, allowed: tuple[str, ...]) -> None:
    if complaint.status not in allowed:
        raise Conflict(
            _("The complaint is %(status)s: this action is not possible now.")
            % {"status": complaint.get_status_display()}
        )


def _rule(complaint: Complaint) -> ComplaintRule:
    return complaint_rules.complaint_rule_in_force(complaint_region(complaint), complaint.received_on)


@service_transaction()
def complaint_ask_supplement(
    *, acting_user: AbstractBaseUser, complaint: Complaint, missing: Any
) -> Complaint:
    """The one-time notice of missing information (一次性告知): everything missing, at once, with the day
    to supply it by. The accept clock stops until it is supplied. A second notice → 409."""
    complaint = _locked(complaint)
    _require_handler(acting_user, complaint)
    if complaint.supplement_asked_on is not None:
        raise Conflict(
            _("The complainant was already told once what is missing: a second notice is not possible.")
        )
    _require_status(complaint, (ComplaintStatus.RECEIVED,))
    errors: dict[str, list[str]] = {}
    missing = _limited(
        missing, "missing", errors, maximum=REASON_MAX, required=_("List everything that is missing.")
    )
    if errors:
        raise ValidationError(errors)
    today = _today()
    complaint.supplement_note = missing
    complaint.supplement_asked_on = today
    complaint.supplement_due = complaint_rules.supplement_due(
        asked_on=today, rule=_rule(complaint), calendar=complaint_rules.work_calendar()
    )
    complaint.accept_due = None  # the clock stands still
    complaint.status = ComplaintStatus.SUPPLEMENT
    complaint.full_clean(exclude=_FK_FIELDS)
    complaint.save()
    _audit(
        acting_user, AuditAction.COMPLAINT_SUPPLEMENT_ASK, complaint, supplement_due=complaint.supplement_due
    )
    return complaint


@service_transaction()
def complaint_supplement(
    *, acting_user: AbstractBaseUser, complaint: Complaint, information: Any
) -> Complaint:
    """The complainant supplies what the notice asked for (for a complaint recorded for a caller, the
    staff record it); the accept period starts again from today. 409 unless a notice is waiting, or
    once its day has passed (the handler then decides on the complaint as it stands)."""
    complaint = _locked(complaint)
    if not user_may_supply(acting_user, complaint):
        raise Forbidden(_("Only the complainant supplies the missing information."))
    _require_status(complaint, (ComplaintStatus.SUPPLEMENT,))
    today = _today()
    if complaint.supplement_due is not None and today > complaint.supplement_due:
        raise Conflict(
            _(
                "The day to supply the information (%(due)s) has passed: the complaint is handled as it stands."
            )
            % {"due": complaint.supplement_due.isoformat()}
        )
    errors: dict[str, list[str]] = {}
    information = _limited(
        information,
        "information",
        errors,
        maximum=FACTS_MAX,
        required=_("Give the information that was asked for."),
    )
    if errors:
        raise ValidationError(errors)
    complaint.supplement = information
    complaint.supplemented_on = today
    complaint.status = ComplaintStatus.RECEIVED
    complaint.accept_due = complaint_rules.accept_due(
        received_on=complaint.received_on,
        rule=_rule(complaint),
        calendar=complaint_rules.work_calendar(),
        supplement_asked_on=complaint.supplement_asked_on,
        supplemented_on=today,
    )
    complaint.full_clean(exclude=_FK_FIELDS)
    complaint.save()
    _audit(acting_user, AuditAction.COMPLAINT_SUPPLEMENT, complaint, accept_due=complaint.accept_due)
    return complaint


@service_transaction()
def complaint_accept(
    *, acting_user: AbstractBaseUser, complaint: Complaint, accept: bool, reason: Any = ""
) -> Complaint:
    """Accept the complaint (the decision is then due within the rule's period) or reject it, with
    the reasons the complainant reads (required). 409 once it was accepted or rejected."""
    complaint = _locked(complaint)
    _require_handler(acting_user, complaint)
    _require_status(complaint, (ComplaintStatus.RECEIVED, ComplaintStatus.SUPPLEMENT))
    errors: dict[str, list[str]] = {}
    reason = _limited(
        reason,
        "reason",
        errors,
        maximum=REASON_MAX,
        required=None if accept else _("Give the reasons for not accepting."),
    )
    if errors:
        raise ValidationError(errors)
    today = _today()
    complaint.accepted_by = acting_user  # type: ignore[assignment]
    complaint.accepted_at = timezone.now()
    complaint.accept_reason = reason
    if accept:
        complaint.status = ComplaintStatus.ACCEPTED
        complaint.decide_due = complaint_rules.decide_due(
            accepted_on=today, rule=_rule(complaint), calendar=complaint_rules.work_calendar()
        )
    else:
        complaint.status = ComplaintStatus.REJECTED
    complaint.full_clean(exclude=_FK_FIELDS)
    complaint.save()
    _audit(
        acting_user,
        AuditAction.COMPLAINT_ACCEPT if accept else AuditAction.COMPLAINT_REJECT,
        complaint,
        decide_due=complaint.decide_due,
    )
    return complaint


def live_accepted_assignment(complaint: Complaint) -> Assignment | None:
    """The accepted assignment of the provider complained about that still binds the case, if any."""
    if complaint.application_id is None or complaint.provider_id is None:
        return None
    return Assignment.objects.filter(
        application_id=complaint.application_id,
        provider_id=complaint.provider_id,
        status=AssignmentStatus.ACCEPTED,
    ).first()


def _bureau_of(complaint: Complaint) -> Organisation | None:
    try:
        return bureau_for_region(complaint.center.region)
    except ValidationError:
        return None


def _decision_input(complaint: Complaint, outcome: Any, reply: Any) -> tuple[str, str]:
    """The decision's fields, checked: 400 for an unknown outcome, a missing reply, a replacement on a
    complaint that is not about the provider of a case, or a referral of a complaint the bureau itself
    handles."""
    errors: dict[str, list[str]] = {}
    outcome = _text(outcome)
    if outcome not in ComplaintOutcome.values:
        errors["outcome"] = [
            _("Choose the outcome: unfounded, founded, replace the provider, or refer to the bureau.")
        ]
    reply = _limited(
        reply, "reply", errors, maximum=REPLY_MAX, required=_("Write the reply to the complainant.")
    )
    if outcome == ComplaintOutcome.REPLACE_PROVIDER and (
        complaint.about != ComplaintAbout.PROVIDER or complaint.application_id is None
    ):
        errors["outcome"] = [_("Only a complaint about the provider of a case can replace the provider.")]
    if outcome == ComplaintOutcome.REFER_BUREAU:
        if complaint.about == ComplaintAbout.CENTER:
            errors["outcome"] = [
                _("The judicial bureau handles this complaint itself: it cannot be referred to it.")
            ]
        elif _bureau_of(complaint) is None:
            errors["outcome"] = [_("No judicial bureau of the center's region is in the directory.")]
    if errors:
        raise ValidationError(errors)
    return outcome, reply


def _nothing_to_replace() -> Conflict:
    return Conflict(
        _("The provider complained about no longer handles this case: there is no one to replace.")
    )


def complaint_decision_check(*, complaint: Complaint, outcome: Any, reply: Any) -> tuple[str, str]:
    """The decision, checked before anything is written: ``(outcome, reply)``.

    ``_decision_input``'s 400s, and a 409 for a replacement when the provider complained about no
    longer handles the case (declined, replaced or the aid ended: nothing to take from them). The flow
    calls it before it replaces the provider, so a bad decision never touches the case.
    """
    outcome, reply = _decision_input(complaint, outcome, reply)
    if outcome == ComplaintOutcome.REPLACE_PROVIDER and live_accepted_assignment(complaint) is None:
        raise _nothing_to_replace()
    return outcome, reply


@service_transaction()
def complaint_decide(
    *,
    acting_user: AbstractBaseUser,
    complaint: Complaint,
    outcome: Any,
    reply: Any,
    replaced: Assignment | None = None,
) -> Complaint:
    """Decide an accepted complaint, with the written reply to the complainant.

    ``replace_provider`` (Art 55): the caller (the flow) replaces the provider in the same transaction
    and passes the assignment it ended, which must be the complained-about provider's accepted one
    (409 otherwise, and the whole step rolls back). ``refer_bureau``: the matter goes to the judicial
    bureau of the center's region; the referral is recorded. 409 unless accepted and undecided.
    """
    complaint = _locked(complaint)
    _require_handler(acting_user, complaint)
    _require_status(complaint, (ComplaintStatus.ACCEPTED,))
    outcome, reply = _decision_input(complaint, outcome, reply)
    detail: dict[str, Any] = {"outcome": outcome}
    if outcome == ComplaintOutcome.REPLACE_PROVIDER:
        if replaced is None or replaced.provider_id != complaint.provider_id or replaced.accepted_on is None:
            raise _nothing_to_replace()
        detail["assignment"] = replaced.pk
    elif replaced is not None:
        raise Conflict(_("A provider is replaced only when the outcome says so."))
    if outcome == ComplaintOutcome.REFER_BUREAU:
        bureau = _bureau_of(complaint)
        detail["referred_to"] = bureau.pk if bureau is not None else None
    complaint.outcome = outcome
    complaint.reply = reply
    complaint.decided_by = acting_user  # type: ignore[assignment]
    complaint.decided_at = timezone.now()
    complaint.status = ComplaintStatus.DECIDED
    complaint.full_clean(exclude=_FK_FIELDS)
    complaint.save()
    _audit(acting_user, AuditAction.COMPLAINT_DECIDE, complaint, **detail)
    return complaint


def complaint_letter_record(*, complaint: Complaint, letter: IssuedDocument) -> None:
    """Keep the reply letter with the complaint (the document's own row is its audit)."""
    complaint.reply_letter = letter
    Complaint.objects.filter(pk=complaint.pk).update(reply_letter=letter)


def handler_of(complaint: Complaint) -> Organisation | None:
    """The organisation that accepts and decides the complaint (re-exported for the flows and letters)."""
    return handling_organisation(complaint)


__all__ = [
    "case_provider",
    "complaint_accept",
    "complaint_ask_supplement",
    "complaint_decide",
    "complaint_decision_check",
    "complaint_file",
    "complaint_letter_record",
    "complaint_supplement",
    "handler_of",
    "live_accepted_assignment",
    "FACTS_MAX",
]
