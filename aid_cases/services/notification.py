"""Notified defence (通知辩护, DESIGN §3.3; Legal Aid Law Arts 25, 28, 36): an agency's notice makes a case.

A court, procuratorate or police unit that must see a suspect or defendant defended notifies the aid
center; nobody applies and nothing is means-tested. The notice becomes an ``Application`` like any
other (same id space, same case page and tasks), already approved, which the assignment flow then
sends to ``assign`` with its three days counted from the notice's receipt (``assignment_begin``).

Every rule about what a notice must contain lives here. Errors are collected and raised together,
keyed by the names the site's form uses (``person_name`` for the person's name); the API nests
them as its body is nested. A notice already received (same unit, case number and stage) is a 409
naming the case it made, not a 400: the input is fine, the state forbids a second case.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import MatterCategory, MatterType, OrganisationKind, Role
from directory.models import Organisation, Region
from directory.selectors import center_for_region, center_for_region_code, user_center_ids, user_memberships
from directory.services import audit_record
from directory.validators import EARLIEST_BIRTH_DATE

from .. import selectors
from ..choices import Channel, NotifiedGround, ProceedingStage
from ..means import MAJORITY_AGE, age_on, birth_date_from_id
from ..models import Applicant, Application, DefenceNotification
from .intake import agency_case_create

__all__ = [
    "COURT_ONLY_GROUNDS",
    "NOTIFYING_KINDS",
    "notification_duplicate",
    "notification_submit",
    "notifications_for",
    "notifying_agency",
    "user_may_notify",
]

# The agencies that notify (Arts 25, 28): a detention center forwards applications instead (Art 39).
NOTIFYING_KINDS = (OrganisationKind.COURT, OrganisationKind.PROCURATORATE, OrganisationKind.POLICE)
# Only a court notifies these: a compulsory medical treatment case is decided by a court (Art 28), a
# death-penalty review is held by one (Art 25 (5)), and the discretionary notice in other ordinary-
# procedure cases is the court's (Art 25 para 2).
COURT_ONLY_GROUNDS = frozenset(
    {NotifiedGround.COMPULSORY_TREATMENT, NotifiedGround.DEATH_REVIEW, NotifiedGround.OTHER_ORDINARY}
)
# Each agency notifies in the stage it conducts (Criminal Procedure Law Art 35): the police
# investigate, the procuratorate reviews for prosecution (and investigates the cases it investigates
# itself), the court tries. A police notice "at trial" is a slip of the form, not a case.
STAGES_BY_KIND = {
    OrganisationKind.POLICE: (ProceedingStage.INVESTIGATION,),
    OrganisationKind.PROCURATORATE: (ProceedingStage.INVESTIGATION, ProceedingStage.PROSECUTION),
    OrganisationKind.COURT: (ProceedingStage.TRIAL,),
}
# The Legal Aid Law took effect on this day; notices before it belong to the old regime (and, in
# practice, are typing errors in the year).
EARLIEST_NOTICE = datetime.date(2022, 1, 1)
# A notice stamped by a device whose clock runs a little ahead is not "in the future".
CLOCK_TOLERANCE = datetime.timedelta(minutes=5)

# The model fields' own limits, read once: the messages quote them.
CASE_NO_MAX = DefenceNotification._meta.get_field("agency_case_no").max_length
CHARGE_MAX = DefenceNotification._meta.get_field("charge").max_length
NAME_MAX = Applicant._meta.get_field("name").max_length


def notifying_agency(user: AbstractBaseUser) -> Organisation | None:
    """The unit the officer notifies for: their first active agency-officer membership at a court,
    procuratorate or police unit (by when it was granted); None for every other account."""
    for membership in user_memberships(user):
        if membership.role == Role.AGENCY_OFFICER and membership.organisation.kind in NOTIFYING_KINDS:
            return membership.organisation
    return None


def user_may_notify(user: AbstractBaseUser) -> bool:
    return notifying_agency(user) is not None


def notifications_for(user: AbstractBaseUser) -> QuerySet[DefenceNotification]:
    """The notices of the officer's units, newest first, with their case and its provider loaded.

    A read (it belongs with ``aid_cases.selectors``); still narrowed by ``applications_visible_to``,
    the one definition of what a user may see.
    """
    agencies = user_center_ids(user, roles=(Role.AGENCY_OFFICER,))
    return (
        DefenceNotification.objects.filter(
            agency_id__in=agencies,
            application__in=selectors.applications_visible_to(user).values("pk"),
        )
        .select_related(
            "agency",
            "application",
            "application__applicant",
            "application__provider",
            "application__provider__organisation",
        )
        .order_by("-received_at", "-pk")
    )


def notification_duplicate(*, agency: Organisation, agency_case_no: str, stage: str) -> Conflict | None:
    """The 409 for a notice the unit already sent for this case and stage, naming the case it made."""
    existing = (
        DefenceNotification.objects.filter(agency=agency, agency_case_no=agency_case_no, stage=stage)
        .select_related("application")
        .first()
    )
    if existing is None:
        return None
    return Conflict(
        _(
            "This unit already notified case %(case_no)s at this stage: it is being handled under tracking "
            "number %(tracking_no)s."
        )
        % {"case_no": agency_case_no, "tracking_no": existing.application.tracking_no}
    )


def _ground_label(code: str) -> str:
    return str(NotifiedGround(code).label)


def _grounds_errors(grounds: Iterable[object] | None, agency: Organisation) -> tuple[list[str], list[str]]:
    """(the grounds, in the order of ``NotifiedGround``; the messages about them)."""
    given = [str(g) for g in (grounds or [])]
    if not given:
        return [], [_("Tick at least one ground for the notified defence.")]
    messages = []
    unknown = [g for g in given if g not in NotifiedGround.values]
    if unknown:
        messages.append(_("Unknown ground “%(code)s”.") % {"code": unknown[0]})
    repeated = sorted({g for g in given if given.count(g) > 1})
    if repeated:
        messages.append(_("The ground “%(code)s” is given more than once.") % {"code": repeated[0]})
    if agency.kind != OrganisationKind.COURT:
        for code in NotifiedGround.values:
            if code in given and code in COURT_ONLY_GROUNDS:
                messages.append(
                    _("Only a court notifies on the ground “%(ground)s”.") % {"ground": _ground_label(code)}
                )
    known = [code for code in NotifiedGround.values if code in given]
    return known, messages


def _received_errors(received_at: datetime.datetime | None, now: datetime.datetime) -> list[str]:
    if received_at is None:
        return [_("Give the date and time the notice was received.")]
    if received_at > now + CLOCK_TOLERANCE:
        return [_("The notice cannot have been received in the future.")]
    if timezone.localdate(received_at) < EARLIEST_NOTICE:
        return [
            _("A notice under the Legal Aid Law is received on or after %(date)s.")
            % {"date": EARLIEST_NOTICE.isoformat()}
        ]
    return []


def _text(value: object) -> str:
    return str(value or "").strip()


@service_transaction()
def notification_submit(
    *,
    acting_user: AbstractBaseUser,
    agency_case_no: str,
    received_at: datetime.datetime | None,
    region: Region | str,
    person: dict,
    grounds: list[str],
    charge: str,
    stage: str,
) -> Application:
    """Record an agency's notice and make its case: approved, not means-tested, ready for assignment.

    ``person`` is ``{"name", "id_number" | None, "birth_date" | None}``: a detained suspect's ID number
    may be unknown. A person under 18 on the day of receipt (by the birth date, from the ID number
    when there is one) gets the ground ``minor`` added: who may be assigned depends on it (Art 26
    practice; ``assignments.recommend``). Only agency officers notify (else 403); the input is checked
    as a whole (400, nothing saved); the same notice twice is a 409.
    """
    agency = notifying_agency(acting_user)
    if agency is None:
        raise Forbidden(
            _("Only the officers of a court, procuratorate or police unit notify the center of a defence.")
        )
    now = timezone.now()
    errors: dict[str, list[str]] = {}

    agency_case_no = _text(agency_case_no)
    if not agency_case_no:
        errors["agency_case_no"] = [_("Give the agency's case number.")]
    elif len(agency_case_no) > CASE_NO_MAX:
        errors["agency_case_no"] = [_("At most %(max)s characters.") % {"max": CASE_NO_MAX}]

    if received_at is not None and timezone.is_naive(received_at):
        # a time without a zone is the center's local time, as on the form
        received_at = timezone.make_aware(received_at)
    if received_errors := _received_errors(received_at, now):
        errors["received_at"] = received_errors
    elif received_at is not None:
        received_at = min(received_at, now)  # a clock a little ahead never records a future receipt
    received_on = timezone.localdate(received_at) if received_at is not None else timezone.localdate(now)

    center = None
    try:
        center = center_for_region(region) if isinstance(region, Region) else center_for_region_code(region)
    except ValidationError as exc:
        errors.update(exc.message_dict)

    known_grounds, ground_errors = _grounds_errors(grounds, agency)
    if ground_errors:
        errors["grounds"] = ground_errors

    charge = _text(charge)
    if not charge:
        errors["charge"] = [_("Give the charge the person is suspected of or accused of.")]
    elif len(charge) > CHARGE_MAX:
        errors["charge"] = [_("At most %(max)s characters.") % {"max": CHARGE_MAX}]

    stage = _text(stage)
    if stage not in ProceedingStage.values:
        errors["stage"] = [_("Choose the stage of the proceedings.")]
    elif stage not in STAGES_BY_KIND[agency.kind]:
        errors["stage"] = [
            _("%(agency)s does not notify a defence at the stage “%(stage)s”.")
            % {"agency": agency.name, "stage": ProceedingStage(stage).label}
        ]

    applicant, birth = _person(person or {}, received_on=received_on, errors=errors)
    if errors:
        raise ValidationError(errors)
    # No input error: only now may the state answer (a second notice of the same case is a 409).
    duplicate = notification_duplicate(agency=agency, agency_case_no=agency_case_no, stage=stage)
    if duplicate is not None:
        raise duplicate

    # A minor on the day of receipt is defended by a lawyer experienced with minors. "minor" given for
    # an adult stays: the age at the time of the offence may be what the agency goes by.
    if birth is not None and age_on(birth, received_on) < MAJORITY_AGE:
        known_grounds = [
            code for code in NotifiedGround.values if code in {*known_grounds, NotifiedGround.MINOR}
        ]
    stage_label = str(ProceedingStage(stage).label)
    application = agency_case_create(
        acting_user=acting_user,
        center=center,
        channel=Channel.NOTIFICATION,
        applicant=applicant,
        category=MatterCategory.CRIMINAL,
        matter_type=MatterType.CRIMINAL_DEFENCE,
        summary=_("Notified defence by %(agency)s, case %(case_no)s. Charge: %(charge)s. Stage: %(stage)s.")
        % {"agency": agency.name, "case_no": agency_case_no, "charge": charge, "stage": stage_label},
        reason_code="notified_defence",
        reason_message=_(
            "Notified defence (Legal Aid Law, Articles 25, 28 and 36): the agency's notice needs no "
            "application and no means test."
        ),
        received_on=received_on,
        defence_grounds=known_grounds,
    )
    notification = DefenceNotification(
        application=application,
        agency=agency,
        agency_case_no=agency_case_no,
        received_at=received_at,
        grounds=known_grounds,
        charge=charge,
        stage=stage,
        filed_by=acting_user,
    )
    # the unique (agency, case number, stage) was checked above and the database enforces it
    notification.full_clean(exclude=["application", "agency", "filed_by"], validate_constraints=False)
    notification.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.APPLICATION_SUBMIT,
        obj=application,
        old=None,
        new={
            "channel": Channel.NOTIFICATION.value,
            "status": application.status,
            "tracking_no": application.tracking_no,
            "agency": agency.pk,
            "agency_case_no": agency_case_no,
            "grounds": known_grounds,
            "stage": stage,
        },
    )
    return application


def _person(
    person: dict, *, received_on: datetime.date, errors: dict[str, list[str]]
) -> tuple[Applicant, datetime.date | None]:
    """The notified person as an (unsaved) applicant, and their birth date if known; problems go into
    ``errors`` under ``person_<field>``."""
    name = _text(person.get("name"))
    id_number = _text(person.get("id_number")).upper()
    birth = person.get("birth_date")
    if isinstance(birth, datetime.datetime):
        birth = birth.date()
    applicant = Applicant(name=name, id_number=id_number)
    try:
        applicant.full_clean(exclude=["birth_date"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors[f"person_{field}"] = list(messages)
    if not name:
        errors["person_name"] = [_("Give the person's name.")]
    elif len(name) > NAME_MAX:
        errors["person_name"] = [_("At most %(max)s characters.") % {"max": NAME_MAX}]
    if id_number and "person_id_number" not in errors:
        from_id = birth_date_from_id(id_number)
        if birth is not None and birth != from_id:
            errors["person_birth_date"] = [_("The date of birth does not match the ID number.")]
        birth = from_id  # the ID number's date is the one the law counts by
    if birth is not None and "person_birth_date" not in errors:
        if birth > received_on:
            errors["person_birth_date"] = [_("The date of birth cannot be after the notice was received.")]
        elif birth < EARLIEST_BIRTH_DATE:
            errors["person_birth_date"] = [_("The date of birth cannot be before 1900.")]
    applicant.birth_date = birth
    return applicant, birth
