"""Duty-lawyer days (值班律师, Art 30): the center records a lawyer's day at a court, procuratorate or
detention center, with how many suspects or defendants had no defender and how many the lawyer
helped. The seed's indicator, duty-lawyer coverage (target 100%), is helped ÷ without a defender
(``assignments.statistics``)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import DECIDING_ROLES, OrganisationKind, ProviderKind
from directory.models import Organisation, Provider
from directory.selectors import user_center_ids
from directory.services import audit_record

from ..models import DutyLawyerRecord

# Who records duty-lawyer days: the center's reviewers and directors.
RECORDING_ROLES = DECIDING_ROLES
# Where duty lawyers sit (值班律师工作站).
POST_KINDS = (OrganisationKind.COURT, OrganisationKind.PROCURATORATE, OrganisationKind.DETENTION)
NOTE_MAX_LENGTH = 200


def duty_posts_for(center: Organisation) -> QuerySet[Organisation]:
    """The active duty posts of the center's city: its courts, procuratorates and detention centers,
    at city level and in every county-level region of the city."""
    city_id = center.region.parent_id or center.region_id
    return (
        Organisation.objects.filter(kind__in=POST_KINDS, active=True)
        .filter(Q(region_id=city_id) | Q(region__parent_id=city_id))
        .select_related("region")
        .order_by("region__sort_order", "kind", "name")
    )


def duty_lawyers() -> QuerySet[Provider]:
    """The providers who may be duty lawyers: active lawyers."""
    return (
        Provider.objects.filter(kind=ProviderKind.LAWYER, active=True)
        .select_related("organisation")
        .order_by("name", "pk")
    )


def recording_centers(user: AbstractBaseUser) -> QuerySet[Organisation]:
    """The aid centers where ``user`` may record duty-lawyer days."""
    return (
        Organisation.objects.filter(
            pk__in=user_center_ids(user, roles=RECORDING_ROLES), kind=OrganisationKind.AID_CENTER
        )
        .select_related("region")
        .order_by("region__sort_order", "name")
    )


def _count(value: object, field: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = -1
    if number < 0 or str(number) != str(value).strip():
        raise ValidationError({field: [_("Enter a whole number, 0 or more.")]})
    return number


def _hours(value: object) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        hours = Decimal(-1)
    if not hours.is_finite() or not Decimal(0) <= hours <= Decimal(24):
        raise ValidationError({"hours": [_("Enter between 0 and 24 hours.")]})
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationError({"hours": [_("Enter the hours to one decimal place, such as 1.5.")]})
    return hours


@service_transaction()
def duty_lawyer_record_add(
    *,
    acting_user: AbstractBaseUser,
    center: Organisation,
    post: Organisation,
    provider: Provider,
    day: datetime.date,
    without_defender: object,
    helped: object,
    hours: object,
    note: str = "",
) -> DutyLawyerRecord:
    """Record one lawyer's day at one post for ``center``.

    403 unless the acting user is a reviewer or director of ``center``; 400 (``ValidationError``,
    keyed by the model's field names) for a post that is not a court, procuratorate or detention
    center of the city, a provider who is not an active lawyer, a day in the future, more people
    helped than were without a defender, hours outside 0–24, or the same lawyer's day at the same
    post recorded twice; 409 when another user recorded that day at the same moment.
    """
    if center.kind != OrganisationKind.AID_CENTER or center.pk not in user_center_ids(
        acting_user, roles=RECORDING_ROLES
    ):
        raise Forbidden(_("Only the center's reviewers and directors record duty-lawyer days."))
    errors: dict[str, list[str]] = {}

    def check(field: str, parse):
        try:
            return parse()
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.message_dict.get(field, exc.messages))
            return None

    if not duty_posts_for(center).filter(pk=post.pk).exists():
        errors["post"] = [_("Choose a court, procuratorate or detention center of the city.")]
    if provider.kind != ProviderKind.LAWYER or not provider.active:
        errors["provider"] = [_("Choose an active lawyer.")]
    if day > timezone.localdate():
        errors["day"] = [_("The date cannot be in the future.")]
    needed = check("without_defender", lambda: _count(without_defender, "without_defender"))
    helped_count = check("helped", lambda: _count(helped, "helped"))
    if needed is not None and helped_count is not None and helped_count > needed:
        errors.setdefault("helped", []).append(
            _("The people helped cannot be more than the people without a defender.")
        )
    day_hours = check("hours", lambda: _hours(hours))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("At most %(max)s characters.") % {"max": NOTE_MAX_LENGTH}]
    if "post" not in errors and "provider" not in errors and "day" not in errors:
        if DutyLawyerRecord.objects.filter(post=post, provider=provider, day=day).exists():
            errors["day"] = [_("This lawyer's day at this post has been recorded already.")]
    if errors:
        raise ValidationError(errors)
    record = DutyLawyerRecord(
        post=post,
        center=center,
        provider=provider,
        day=day,
        without_defender=needed,
        helped=helped_count,
        hours=day_hours,
        note=note,
        recorded_by=acting_user,
    )
    record.full_clean(exclude=["post", "center", "provider", "recorded_by"])
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise Conflict(_("This lawyer's day at this post has just been recorded by someone else.")) from None
    audit_record(
        actor=acting_user,
        action=AuditAction.DUTY_LAWYER_RECORD,
        obj=record,
        new={
            "post": post.pk,
            "provider": provider.pk,
            "day": day.isoformat(),
            "without_defender": needed,
            "helped": helped_count,
            "hours": str(day_hours),
        },
    )
    return record
