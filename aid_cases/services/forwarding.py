"""A detainee's application forwarded by the unit holding them (Legal Aid Law Art 39; DESIGN §1).

A person in custody applies through the unit that holds them: a detention center (its detention
officers), or a police unit, procuratorate or court for a person in its custody (their agency
officers). The unit records when it received the request and forwards it; the law gives it 24 hours
(clock hours: ``aid_cases.forwarding_rules``), so a later forward is flagged as late and counted per
unit. The forward becomes an ``Application`` like any other, which the competent center reviews
(``workflows.forwarding``). The forwarding unit sees what it forwarded; nobody else outside the
center does (``aid_cases.selectors.applications_visible_to``).

Every rule about what a forward must contain lives here. Errors are collected and raised together,
keyed like the filing service's (``person_name``, ``matter_type``, ``defence_reason``, ``unit_id``);
the API nests them as its body is nested.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import OrganisationKind, Role
from directory.models import Organisation, Region
from directory.selectors import center_for_region, center_for_region_code, user_center_ids, user_memberships
from directory.services import audit_record

from .. import means, rules, selectors
from ..choices import Channel, Status
from ..forwarding_rules import forward_is_late, forwarding_rule_in_force
from ..models import Applicant, Application, ForwardedRequest
from .intake import MatterData, matter_errors, means_for, tracking_no_next

__all__ = [
    "FORWARDING_KINDS",
    "UnitCount",
    "forwarded_request_submit",
    "forwarded_requests_for",
    "forwarding_forbidden",
    "forwarding_counts",
    "forwarding_unit_ids",
    "forwarding_units",
    "user_may_forward",
    "user_sees_forwarding_counts",
]

# Who forwards for whom (Art 39): a detention center's officers for its detainees; a police unit's,
# procuratorate's or court's officers for a person in the unit's custody.
FORWARDING_KINDS: dict[str, tuple[str, ...]] = {
    Role.DETENTION_OFFICER: (OrganisationKind.DETENTION,),
    Role.AGENCY_OFFICER: (OrganisationKind.POLICE, OrganisationKind.PROCURATORATE, OrganisationKind.COURT),
}
# The Legal Aid Law took effect on this day: a receipt before it is a typing error in the year.
EARLIEST_RECEIPT = datetime.date(2022, 1, 1)
# A receipt stamped by a device whose clock runs a little ahead is not "in the future".
CLOCK_TOLERANCE = datetime.timedelta(minutes=5)

NAME_MAX = Applicant._meta.get_field("name").max_length
PLACE_MAX = ForwardedRequest._meta.get_field("place").max_length


# --- who forwards --------------------------------------------------------------------------------


def forwarding_units(user: AbstractBaseUser) -> list[Organisation]:
    """The units the officer forwards for, in the order their roles were granted (the first is the
    one a forward without ``unit_id`` is made for); empty for every other account."""
    units: list[Organisation] = []
    for membership in user_memberships(user):
        unit = membership.organisation
        if unit.kind in FORWARDING_KINDS.get(membership.role, ()) and unit not in units:
            units.append(unit)
    return units


def forwarding_unit_ids(user: AbstractBaseUser) -> list[int]:
    return [unit.pk for unit in forwarding_units(user)]


def user_may_forward(user: AbstractBaseUser) -> bool:
    return bool(forwarding_units(user))


def forwarding_forbidden() -> Forbidden:
    """The 403 of every role that may never forward."""
    return Forbidden(
        _(
            "Only the officers of a detention center, or of a police unit, procuratorate or court holding "
            "the person, forward a detainee's application."
        )
    )


# --- the forward ---------------------------------------------------------------------------------


def _unit(units: list[Organisation], unit_id: object, errors: dict[str, list[str]]) -> Organisation:
    """The unit the forward is made for: the one named (one of the officer's own), else the first."""
    if unit_id is None or unit_id == "":
        return units[0]
    try:
        wanted = int(str(unit_id))
    except ValueError:
        wanted = None
    unit = next((u for u in units if u.pk == wanted), None)
    if unit is None:
        errors["unit_id"] = [_("Choose one of the units you work for.")]
        return units[0]
    return unit


def _received_errors(received_at: datetime.datetime | None, now: datetime.datetime) -> list[str]:
    if received_at is None:
        return [_("Give the date and time your unit received the request.")]
    if received_at > now + CLOCK_TOLERANCE:
        return [_("The request cannot have been received in the future.")]
    if timezone.localdate(received_at) < EARLIEST_RECEIPT:
        return [
            _("A request under the Legal Aid Law is received on or after %(date)s.")
            % {"date": EARLIEST_RECEIPT.isoformat()}
        ]
    return []


def _text(value: object) -> str:
    return str(value or "").strip()


def _person(name: object, id_number: object, errors: dict[str, list[str]]) -> Applicant:
    """The person in custody as an (unsaved) applicant; problems go into ``errors`` under ``person_…``.

    Name and ID number only: the unit forwards the request as the person made it, and the center
    reaches them through the place of custody, so no telephone or address is asked for."""
    applicant = Applicant(name=_text(name), id_number=_text(id_number).upper())
    try:
        applicant.full_clean(exclude=["birth_date", "phone", "address"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors[f"person_{field}"] = list(messages)
    if not applicant.name:
        errors["person_name"] = [_("Give the name of the person in custody.")]
    elif len(applicant.name) > NAME_MAX:
        errors["person_name"] = [_("At most %(max)s characters.") % {"max": NAME_MAX}]
    if not applicant.id_number:
        errors["person_id_number"] = [_("Give the person's resident ID number.")]
    elif "person_id_number" not in errors:
        applicant.birth_date = means.birth_date_from_id(applicant.id_number)
    return applicant


@service_transaction()
def forwarded_request_submit(
    *,
    acting_user: AbstractBaseUser,
    unit_id: int | str | None = None,
    received_at: datetime.datetime | None,
    region: Region | str,
    person_name: str,
    person_id_number: str,
    matter: MatterData,
    defence_reason: str = "",
    place: str,
) -> Application:
    """Record a person in custody's application forwarded by the unit holding them, and make its
    application: submitted, to be reviewed by the region's center like any other.

    Only detention officers and the agency officers of a police unit, procuratorate or court forward
    (else 403, whatever the input). The unit is the officer's own (``unit_id`` picks one when they
    work for several; another id → 400). The input is checked as a whole (400, nothing saved).
    ``forwarded_late``: forwarded more than the rule's hours (24, Art 39) after the unit received it.
    """
    units = forwarding_units(acting_user)
    if not units:
        raise forwarding_forbidden()
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    unit = _unit(units, unit_id, errors)

    if received_at is not None and timezone.is_naive(received_at):
        # a time without a zone is the local time, as on the form
        received_at = timezone.make_aware(received_at)
    if received_errors := _received_errors(received_at, now):
        errors["received_at"] = received_errors
    elif received_at is not None:
        received_at = min(received_at, now)  # a clock a little ahead never records a future receipt

    center = None
    try:
        center = center_for_region(region) if isinstance(region, Region) else center_for_region_code(region)
    except ValidationError as exc:
        errors.update(exc.message_dict)

    person = _person(person_name, person_id_number, errors)
    # The review period runs from the center's receipt, which is this forward (Art 43: 自收到法律援助
    # 申请之日起), not from the unit's: the unit's own time is what its 24 hours (Art 39) measure.
    received_on = timezone.localdate(now)
    errors.update(matter_errors(matter, defence_reason=defence_reason, day=received_on))
    place = _text(place)
    if not place:
        errors["place"] = [_("Say where the person is held.")]
    elif len(place) > PLACE_MAX:
        errors["place"] = [_("At most %(max)s characters.") % {"max": PLACE_MAX}]
    if errors or center is None or received_at is None:  # without an error, both were found
        raise ValidationError(errors)

    region = center.region
    # Nobody has asked about the household yet: the means test says "unknown" (or, for a defence
    # sought for another reason than hardship, "not restricted", Art 24) until the reviewer asks.
    result, standard_row = means_for(
        region=region,
        on=received_on,
        categories=[],
        matter=matter,
        household=means.Household(size=None, monthly_income=None),
        id_number=person.id_number,
        defence_reason=defence_reason,
    )
    period_rule = rules.period_rule_in_force(region, received_on)
    rule = forwarding_rule_in_force(unit.region, timezone.localdate(received_at))
    late = forward_is_late(received_at, now, rule.hours)

    person.save()
    application = Application(
        tracking_no=tracking_no_next(region=region, year=received_on.year),
        region=region,
        center=center,
        channel=Channel.FORWARDED,
        filed_by=acting_user,
        applicant=person,
        matter_category=matter.category,
        matter_type=matter.type,
        matter_summary=matter.summary,
        opposing_party=matter.opposing_party or "",
        defence_reason=defence_reason or "",
        household_size=None,
        monthly_income=None,
        pledged_at=None,  # the center takes the pledge when it meets the person (models: pledged_at)
        status=Status.SUBMITTED,
        means_result=result.result.value,
        means_reasons=[r.as_dict() for r in result.reasons],
        means_proof=result.proof_status.value,
        means_proof_required=list(result.proof),
        economic_standard=standard_row,
        period_rule=period_rule if period_rule.pk else None,
        received_on=received_on,
        decision_due=rules.due_date(start=received_on, days=period_rule.review_days, rule=period_rule),
    )
    application.save()
    forwarded = ForwardedRequest(
        application=application,
        unit=unit,
        place=place,
        received_at=received_at,
        forwarded_at=now,
        hours_allowed=rule.hours,
        forwarded_late=late,
        forwarded_by=acting_user,
    )
    # the objects this service holds (or just made) are not re-read to validate them
    forwarded.full_clean(exclude=["application", "unit", "forwarded_by"], validate_constraints=False)
    forwarded.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.APPLICATION_FORWARD,
        obj=application,
        old=None,
        new={
            "channel": Channel.FORWARDED.value,
            "status": application.status,
            "tracking_no": application.tracking_no,
            "unit": unit.pk,
            "received_at": received_at.isoformat(),
            "forwarded_late": late,
            "hours_allowed": rule.hours,
            "means_result": application.means_result,
        },
    )
    return application


# --- reads ---------------------------------------------------------------------------------------


def forwarded_requests_for(user: AbstractBaseUser) -> QuerySet[ForwardedRequest]:
    """The forwards a unit's officer made for their units, or a center's staff received; newest first,
    with their application, unit and applicant loaded.

    A read (it belongs with ``aid_cases.selectors``, as ``notifications_for`` does); narrowed by
    ``applications_visible_to``, the one definition of what a user may see.
    """
    qs = ForwardedRequest.objects.filter(
        application__in=selectors.applications_visible_to(user).values("pk")
    ).select_related("unit", "application", "application__applicant", "application__center")
    if not (user.is_superuser or user_center_ids(user)):
        # outside a center, a forward is seen by its unit only (not by the detainee's own account or
        # a lawyer handling the case, who see the case itself)
        qs = qs.filter(unit_id__in=forwarding_unit_ids(user))
    return qs.order_by("-forwarded_at", "-pk")


@dataclass(frozen=True)
class UnitCount:
    unit_id: int
    unit_name: str
    forwarded: int
    late: int


def _bureau_region_ids(user: AbstractBaseUser) -> list[int]:
    """The regions of the user's judicial bureaus and the regions under them."""
    bureaus = user_center_ids(user, roles=(Role.BUREAU_OFFICER,))
    if not bureaus:
        return []
    own = list(Region.objects.filter(organisations__pk__in=bureaus).values_list("pk", flat=True))
    return sorted({*own, *Region.objects.filter(parent_id__in=own).values_list("pk", flat=True)})


def _counts_scope(user: AbstractBaseUser) -> Q | None:
    """Which forwards ``user`` may count: a unit's officer their units'; a center's staff those their
    center received; a bureau officer those received by the centers of its regions. None: no role."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    scope = Q(pk__in=[])
    seen = False
    if units := forwarding_unit_ids(user):
        scope |= Q(unit_id__in=units)
        seen = True
    if user_center_ids(user):
        scope |= Q(application__in=selectors.applications_visible_to(user).values("pk"))
        seen = True
    if regions := _bureau_region_ids(user):
        scope |= Q(application__center__region_id__in=regions)
        seen = True
    return scope if seen else None


def user_sees_forwarding_counts(user: AbstractBaseUser) -> bool:
    return _counts_scope(user) is not None


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The local calendar year as aware datetimes: [1 January, next 1 January)."""
    zone = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=zone), datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def forwarding_counts(user: AbstractBaseUser, *, year: int | None = None) -> list[UnitCount]:
    """Per forwarding unit: how many requests it forwarded and how many of them late (Art 39), in the
    local calendar ``year`` (by when they were forwarded) or ever; by unit name. One grouped query,
    whatever the number of forwards. Raises ``Forbidden`` for a user whose roles count none."""
    scope = _counts_scope(user)
    if scope is None:
        raise Forbidden(
            _(
                "The forwarding counts are for the forwarding units, the legal aid centers and the "
                "judicial bureaus."
            )
        )
    qs = ForwardedRequest.objects.filter(scope)
    if year is not None:
        start, end = _year_bounds(year)
        qs = qs.filter(forwarded_at__gte=start, forwarded_at__lt=end)
    rows = (
        qs.values("unit_id", "unit__name")
        .annotate(forwarded=Count("pk"), late=Count("pk", filter=Q(forwarded_late=True)))
        .order_by("unit__name", "unit_id")
    )
    return [
        UnitCount(unit_id=r["unit_id"], unit_name=r["unit__name"], forwarded=r["forwarded"], late=r["late"])
        for r in rows
    ]
