"""Enumerations shared by the apps. Codes are the lower-case English codes of docs/api.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County-level")


class OrganisationKind(models.TextChoices):
    AID_CENTER = "aid_center", _("Legal aid center")
    BUREAU = "bureau", _("Judicial bureau")
    LAW_FIRM = "law_firm", _("Law firm")
    GRASSROOTS_OFFICE = "grassroots_office", _("Grassroots legal service office")
    NOTARY = "notary", _("Notary office")
    FORENSIC = "forensic", _("Forensic appraisal institution")
    POLICE = "police", _("Public security organ")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    COURT = "court", _("Court")
    DETENTION = "detention", _("Detention center")


AGENCY_KINDS = (
    OrganisationKind.POLICE,
    OrganisationKind.PROCURATORATE,
    OrganisationKind.COURT,
    OrganisationKind.DETENTION,
)
INSTITUTION_KINDS = (OrganisationKind.NOTARY, OrganisationKind.FORENSIC)


class ProviderKind(models.TextChoices):
    LAWYER = "lawyer", _("Lawyer")
    GRASSROOTS = "grassroots", _("Grassroots legal service worker")
    STAFF = "staff", _("Aid center staff")
    VOLUNTEER = "volunteer", _("Volunteer")


class MatterType(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("Unpaid wages")
    WORK_INJURY = "work_injury", _("Work injury")
    LABOUR_RELATION = "labour_relation", _("Confirming a labour relationship")
    MAINTENANCE = "maintenance", _("Maintenance")
    PENSION = "pension", _("Pension")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance")
    TRAFFIC_INJURY = "traffic_injury", _("Traffic accident injury")
    MEDICAL_INJURY = "medical_injury", _("Medical accident injury")
    # Art 31 (7): 因食品药品安全事故受到人身损害 — nothing broader, whatever the code says
    PRODUCT_INJURY = "product_injury", _("Personal injury from a food or drug safety accident")
    CIVIL_INCAPACITY = "civil_incapacity", _("Declaring civil incapacity")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    ABUSE = "abuse", _("Abuse or abandonment")
    BRAVERY = "bravery", _("Act of bravery")
    HERO_MARTYR = "hero_martyr", _("Hero and martyr rights")
    STATE_COMPENSATION = "state_compensation", _("State compensation")
    RETRIAL_COMPENSATION = "retrial_compensation", _("State compensation after acquittal on retrial")
    ENVIRONMENTAL = "environmental", _("Environmental damage")
    CRIMINAL_DEFENCE = "criminal_defence", _("Criminal defence")
    CRIMINAL_VICTIM = "criminal_victim", _("Criminal victim")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """Roles (docs/domain.md, who does what) held through a membership of an organisation.

    ``applicant`` and ``administrator`` need no organisation: an applicant is any citizen's
    account, an administrator a staff account of the Django admin.
    """

    CLERK = "clerk", _("Intake clerk")
    REVIEWER = "reviewer", _("Reviewer")
    DIRECTOR = "director", _("Center director")
    PROVIDER = "provider", _("Legal aid provider")
    FIRM_ADMIN = "firm_admin", _("Firm administrator")
    INSTITUTION_STAFF = "institution_staff", _("Institution staff")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    DETENTION_OFFICER = "detention_officer", _("Detention officer")
    BUREAU_OFFICER = "bureau_officer", _("Bureau officer")


# Which organisation kinds each role may be held at: a membership elsewhere is refused.
ROLE_ORGANISATION_KINDS: dict[str, tuple[str, ...]] = {
    Role.CLERK: (OrganisationKind.AID_CENTER,),
    Role.REVIEWER: (OrganisationKind.AID_CENTER,),
    Role.DIRECTOR: (OrganisationKind.AID_CENTER,),
    Role.PROVIDER: (
        OrganisationKind.LAW_FIRM,
        OrganisationKind.GRASSROOTS_OFFICE,
        OrganisationKind.AID_CENTER,
    ),
    Role.FIRM_ADMIN: (OrganisationKind.LAW_FIRM,),
    Role.INSTITUTION_STAFF: INSTITUTION_KINDS,
    Role.AGENCY_OFFICER: (OrganisationKind.POLICE, OrganisationKind.PROCURATORATE, OrganisationKind.COURT),
    Role.DETENTION_OFFICER: (OrganisationKind.DETENTION,),
    Role.BUREAU_OFFICER: (OrganisationKind.BUREAU,),
}

# The staff of an aid center: they record window and hotline requests and see the center's cases.
CENTER_STAFF_ROLES: tuple[str, ...] = (Role.CLERK, Role.REVIEWER, Role.DIRECTOR)
# Those of a center's staff who decide on its cases: grant, terminate, assign, review closures, pay.
DECIDING_ROLES: tuple[str, ...] = (Role.REVIEWER, Role.DIRECTOR)

# Role groups that exist without a membership.
APPLICANT_GROUP = "applicant"


class MatterCategory(models.TextChoices):
    CIVIL = "civil", _("Civil")
    ADMINISTRATIVE = "administrative", _("Administrative")
    CRIMINAL = "criminal", _("Criminal")
    STATE_COMPENSATION = "state_compensation", _("State compensation")


class AidForm(models.TextChoices):
    """Forms of aid (docs/domain.md, matters in scope); the subsidy standard is set per form."""

    CONSULTATION = "consultation", _("Consultation")
    DRAFTING = "drafting", _("Drafting documents")
    DEFENCE = "defence", _("Criminal defence")
    REPRESENTATION = "representation", _("Litigation representation")
    NON_LITIGATION = "non_litigation", _("Non-litigation agency")
    DUTY_LAWYER = "duty_lawyer", _("Duty lawyer help")
    LABOUR_ARBITRATION = "labour_arbitration", _("Labour mediation or arbitration agency")


CRIMINAL_MATTER_TYPES = frozenset({MatterType.CRIMINAL_DEFENCE, MatterType.CRIMINAL_VICTIM})
# State compensation, a retrial's acquittal's included: the matter types of their own category.
STATE_COMPENSATION_TYPES = frozenset({MatterType.STATE_COMPENSATION, MatterType.RETRIAL_COMPENSATION})


# A victim of abuse, abandonment or domestic violence asserting related rights may sue in a private
# prosecution (自诉) as well as in a civil case (Art 32 (4)): these fit both categories.
CRIMINAL_OR_CIVIL_MATTER_TYPES = frozenset({MatterType.ABUSE, MatterType.DOMESTIC_VIOLENCE})


def matter_type_fits(category: str, matter_type: str) -> bool:
    """Criminal matter types belong to the criminal category, and only to it (docs/domain.md);
    abuse and domestic violence belong to it too."""
    if category == MatterCategory.CRIMINAL and matter_type in CRIMINAL_OR_CIVIL_MATTER_TYPES:
        return True
    return (category == MatterCategory.CRIMINAL) == (matter_type in CRIMINAL_MATTER_TYPES)


def category_for_matter_type(matter_type: str) -> str | None:
    """The category a statutory matter type is filed under unless told otherwise: criminal for the
    criminal types, state compensation for its two, civil for the rest (abuse and domestic violence
    too, which ``matter_type_fits`` lets into the criminal category as well). None for any other code
    (a local matter type, ``local_…``, carries its own category)."""
    if matter_type not in MatterType.values:
        return None
    if matter_type in CRIMINAL_MATTER_TYPES:
        return MatterCategory.CRIMINAL
    if matter_type in STATE_COMPENSATION_TYPES:
        return MatterCategory.STATE_COMPENSATION
    return MatterCategory.CIVIL
