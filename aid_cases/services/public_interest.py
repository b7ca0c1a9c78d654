"""The procuratorate's environmental public-interest litigation (docs/domain.md, fee waivers; the seed's
§二(二)5): filed with the aid center so that its forensic appraisal is deferred, not paid up front.

The filing makes a case like a notified defence does (same id space, same case page): approved at
once, not means-tested, and never assigned — the procuratorate litigates itself. What the center then
handles is the case's fee waivers (``waivers``), the forensic fee deferred until the judgment puts it
on the losing party.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import MatterCategory, MatterType, OrganisationKind, Role
from directory.models import Organisation, Region
from directory.selectors import center_for_region, center_for_region_code, user_memberships
from directory.services import audit_record

from ..choices import Channel
from ..models import Applicant, Application, PublicInterestFiling
from .intake import agency_case_create

# Environmental public-interest litigation is a civil suit (民事公益诉讼) or an administrative one
# (行政公益诉讼) brought by the procuratorate.
PUBLIC_INTEREST_CATEGORIES = (MatterCategory.CIVIL, MatterCategory.ADMINISTRATIVE)
CASE_NO_MAX = PublicInterestFiling._meta.get_field("agency_case_no").max_length
SUMMARY_MAX = Application._meta.get_field("matter_summary").max_length
PARTY_MAX = Application._meta.get_field("opposing_party").max_length


def filing_procuratorate(user: AbstractBaseUser) -> Organisation | None:
    """The procuratorate the officer files for: their first active agency-officer membership at one."""
    for membership in user_memberships(user):
        if (
            membership.role == Role.AGENCY_OFFICER
            and membership.organisation.kind == OrganisationKind.PROCURATORATE
        ):
            return membership.organisation
    return None


def _text(value: object) -> str:
    return str(value or "").strip()


@service_transaction()
def public_interest_file(
    *,
    acting_user: AbstractBaseUser,
    agency_case_no: str,
    region: Region | str,
    summary: str,
    defendant: str,
    category: str = MatterCategory.CIVIL,
) -> Application:
    """Record the procuratorate's environmental public-interest case and make its (approved) case.

    Only a procuratorate's officers file (else 403); the input is checked as a whole (400, nothing
    saved); the same case number twice from one procuratorate is a 409 naming the case it made.
    """
    agency = filing_procuratorate(acting_user)
    if agency is None:
        raise Forbidden(_("Only the officers of a procuratorate file public-interest litigation."))
    errors: dict[str, list[str]] = {}
    agency_case_no = _text(agency_case_no)
    if not agency_case_no:
        errors["agency_case_no"] = [_("Give the agency's case number.")]
    elif len(agency_case_no) > CASE_NO_MAX:
        errors["agency_case_no"] = [_("At most %(max)s characters.") % {"max": CASE_NO_MAX}]
    summary = _text(summary)
    if not summary:
        errors["summary"] = [_("Describe the environmental damage and the claim.")]
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = [_("At most %(max)s characters.") % {"max": SUMMARY_MAX}]
    defendant = _text(defendant)
    if not defendant:
        errors["defendant"] = [_("Name the defendant.")]
    elif len(defendant) > PARTY_MAX:
        errors["defendant"] = [_("At most %(max)s characters.") % {"max": PARTY_MAX}]
    if category not in PUBLIC_INTEREST_CATEGORIES:
        errors["category"] = [_("Public-interest litigation is a civil or an administrative case.")]
    center = None
    try:
        center = center_for_region(region) if isinstance(region, Region) else center_for_region_code(region)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    existing = (
        PublicInterestFiling.objects.filter(agency=agency, agency_case_no=agency_case_no)
        .select_related("application")
        .first()
    )
    if existing is not None:
        raise Conflict(
            _(
                "This procuratorate already filed case %(case_no)s: it is recorded under tracking number %(tracking_no)s."
            )
            % {"case_no": agency_case_no, "tracking_no": existing.application.tracking_no}
        )

    applicant = Applicant(name=agency.name[: Applicant._meta.get_field("name").max_length], id_number="")
    application = agency_case_create(
        acting_user=acting_user,
        center=center,
        channel=Channel.PUBLIC_INTEREST,
        applicant=applicant,
        category=category,
        matter_type=MatterType.ENVIRONMENTAL,
        summary=summary,
        opposing_party=defendant,
        reason_code="public_interest",
        reason_message=_(
            "Public-interest litigation by the procuratorate: no application for aid and no means "
            "test; the forensic fee is deferred until judgment."
        ),
        received_on=timezone.localdate(),
    )
    filing = PublicInterestFiling(
        application=application, agency=agency, agency_case_no=agency_case_no, filed_by=acting_user
    )
    filing.full_clean(exclude=["application", "agency", "filed_by"], validate_constraints=False)
    filing.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.APPLICATION_SUBMIT,
        obj=application,
        new={
            "channel": Channel.PUBLIC_INTEREST.value,
            "status": application.status,
            "tracking_no": application.tracking_no,
            "agency": agency.pk,
            "agency_case_no": agency_case_no,
        },
    )
    return application
