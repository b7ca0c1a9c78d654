"""Writes for aid applications: keyword-only, one transaction, an audit row each (DESIGN §8)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.choices import OrganisationKind, Role
from directory.models import Membership, Organisation, Region
from directory.services import audit_record

from . import means, rules
from .choices import Channel, Status
from .models import Applicant, Application, ApplicationDocument, TrackingCounter
from .uploads import checked_upload

STAFF_ROLES = (Role.CLERK, Role.REVIEWER, Role.DIRECTOR)


@dataclass(frozen=True)
class ApplicantData:
    name: str
    id_number: str
    phone: str
    address: str


@dataclass(frozen=True)
class RepresentativeData:
    name: str
    id_number: str
    relation: str


@dataclass(frozen=True)
class MatterData:
    category: str
    type: str
    summary: str
    opposing_party: str = ""


def center_for_region(region: Region) -> Organisation:
    """The aid center with jurisdiction (Art 38): the region's own active center."""
    center = (
        Organisation.objects.filter(kind=OrganisationKind.AID_CENTER, region=region, active=True)
        .order_by("pk")
        .first()
    )
    if center is None:
        raise ValidationError({"region": [_("This region has no legal aid center.")]})
    return center


def tracking_no_next(*, region: Region, year: int) -> str:
    """``JDZ-<REGION>-<YEAR>-<6-digit sequence>``; unique under concurrency, gaps allowed."""
    with transaction.atomic():
        counter, _created = TrackingCounter.objects.select_for_update().get_or_create(region=region, year=year)
        TrackingCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db(fields=["last"])
    return f"JDZ-{region.code.upper()}-{year}-{counter.last:06d}"


def _check_channel(*, acting_user, channel: str, center: Organisation) -> None:
    if channel == Channel.ONLINE:
        return
    if channel not in (Channel.WINDOW, Channel.HOTLINE):
        raise ValidationError({"channel": [_("This channel cannot be used here.")]})
    is_staff = Membership.objects.filter(
        user=acting_user, organisation=center, role__in=STAFF_ROLES, active=True
    ).exists()
    if not is_staff:
        raise ValidationError(
            {"channel": [_("Only the staff of the competent aid center record window and hotline applications.")]}
        )


def means_for(
    *, region: Region, on: datetime.date, categories, matter: MatterData, household: means.Household,
    id_number: str,
):
    row = rules.economic_standard_in_force(region, on)
    result = means.means_test(
        categories=categories, matter_category=matter.category, matter_type=matter.type,
        household=household, standard=rules.as_standard(row), id_number=id_number, on=on,
    )
    return result, row


@transaction.atomic
def application_submit(
    *,
    acting_user,
    channel: str,
    region: Region,
    applicant: ApplicantData,
    representative: RepresentativeData | None,
    categories: list[str],
    matter: MatterData,
    household_size: int,
    monthly_income: Decimal,
    assets: Decimal | None = None,
    fixed_income: bool | None = None,
    urgent_deadline: datetime.date | None = None,
    pledge: bool,
) -> Application:
    """File an application: means test, decision due date and tracking number at once."""
    if not pledge:
        raise ValidationError({"pledge": [_("The integrity pledge must be given.")]})
    center = center_for_region(region)
    _check_channel(acting_user=acting_user, channel=channel, center=center)
    now = timezone.now()
    received_on = timezone.localdate(now)
    household = means.Household(size=household_size, monthly_income=monthly_income, assets=assets,
                                fixed_income=fixed_income)
    result, standard_row = means_for(region=region, on=received_on, categories=categories, matter=matter,
                                     household=household, id_number=applicant.id_number)
    period_rule = rules.period_rule_in_force(region, received_on)

    person = Applicant(name=applicant.name, id_number=applicant.id_number.upper(), phone=applicant.phone,
                       address=applicant.address)
    person.full_clean()
    person.save()
    application = Application(
        tracking_no=tracking_no_next(region=region, year=received_on.year),
        region=region, center=center, channel=channel, filed_by=acting_user, applicant=person,
        representative_name=representative.name if representative else "",
        representative_id_number=representative.id_number.upper() if representative else "",
        representative_relation=representative.relation if representative else "",
        categories=sorted(set(categories)), is_priority=bool(categories),
        matter_category=matter.category, matter_type=matter.type, matter_summary=matter.summary,
        opposing_party=matter.opposing_party,
        household_size=household_size, monthly_income=monthly_income, assets=assets, fixed_income=fixed_income,
        urgent_deadline=urgent_deadline, pledged_at=now, status=Status.SUBMITTED,
        means_result=result.result.value, means_reasons=[{"code": r.code, "message": str(r.message)}
                                                        for r in result.reasons],
        economic_standard=standard_row, period_rule=period_rule if period_rule.pk else None,
        received_on=received_on,
        decision_due=rules.due_date(start=received_on, days=period_rule.review_days, rule=period_rule),
    )
    application.full_clean()
    application.save()
    audit_record(actor=acting_user, action="application_submit", obj=application, old=None,
                 new={"status": application.status, "tracking_no": application.tracking_no,
                      "means_result": application.means_result})
    return application


@transaction.atomic
def application_set_status(*, acting_user, application: Application, status: str, action: str,
                           detail: dict | None = None) -> Application:
    """Move an application to ``status`` with an audit row (old → new)."""
    old = application.status
    application.status = status
    application.save(update_fields=["status", "updated_at"])
    audit_record(actor=acting_user, action=action, obj=application, old={"status": old},
                 new={"status": status, **(detail or {})})
    return application


@transaction.atomic
def application_document_add(*, acting_user, application: Application, upload, description: str = "") -> ApplicationDocument:
    """Attach an uploaded material after checking its real type and size (uploads.py)."""
    checked = checked_upload(upload)
    document = ApplicationDocument(
        application=application, stored_name=f"{uuid.uuid4().hex}.{checked.extension}",
        original_name=checked.original_name, content_type=checked.content_type, size=checked.size,
        description=description, uploaded_by=acting_user,
    )
    document.file.save(document.stored_name, upload, save=False)
    document.full_clean()
    document.save()
    audit_record(actor=acting_user, action="application_document_add", obj=application,
                 new={"document": document.pk, "type": document.content_type, "size": document.size})
    return document
