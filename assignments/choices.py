"""Enumerations of assignment and handling; codes are the lower-case English codes of docs/api.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AssignmentStatus(models.TextChoices):
    OFFERED = "offered", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REPLACED = "replaced", _("Replaced")
    CANCELLED = "cancelled", _("Withdrawn: aid ended")


# An assignment that binds the case: at most one per case at a time.
LIVE_ASSIGNMENT_STATUSES = (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)


class CaseOutcome(models.TextChoices):
    WON = "won", _("Won")
    PARTLY_WON = "partly_won", _("Partly won")
    LOST = "lost", _("Lost")
    SETTLED = "settled", _("Settled")
    MEDIATED = "mediated", _("Mediated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OTHER = "other", _("Other")
    # set by the report of the work on a terminated case (services.handling.termination_report_file)
    TERMINATED = "terminated", _("Aid terminated")


class CaseStage(models.TextChoices):
    """How far the case went: the closing file and the subsidy depend on it."""

    CONSULTATION = "consultation", _("Advice and documents only")
    NEGOTIATION = "negotiation", _("Negotiation or mediation")
    ARBITRATION = "arbitration", _("Labour arbitration")
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Review for prosecution")
    FIRST_INSTANCE = "first_instance", _("First instance")
    SECOND_INSTANCE = "second_instance", _("Second instance")
    ENFORCEMENT = "enforcement", _("Enforcement")


class SubsidyAdjustmentKind(models.TextChoices):
    """Multipliers of the subsidy (docs/domain.md, subsidies), each a rule row."""

    LIFE_OR_DEATH = "life_or_death", _("Possible life imprisonment or death penalty")
    DEATH_REVIEW = "death_review", _("Death-penalty review")
    CROSS_REGION = "cross_region", _("Cross-region handling")
    TERMINATED = "terminated", _("Aid terminated before the end: share paid")


class PaymentStatus(models.TextChoices):
    OWED = "owed", _("Owed")
    APPROVED = "approved", _("Approved for payment")
    PAID = "paid", _("Paid")


class ServiceActivity(models.TextChoices):
    """Public-interest legal service a lawyer logs toward the annual duty (docs/domain.md, annual duty)."""

    CONSULTATION = "consultation", _("Consultation at a service station")
    HOTLINE = "hotline", _("12348 hotline duty")
    DUTY_LAWYER = "duty_lawyer", _("Duty-lawyer shift")
    VILLAGE_ADVISER = "village_adviser", _("Village or community legal adviser")
    PUBLICITY = "publicity", _("Law publicity lecture")
    MEDIATION = "mediation", _("Mediation")
    OTHER = "other", _("Other public-interest legal service")


class ServiceLogStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class DutyStatus(models.TextChoices):
    MET = "met", _("Met")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_MET = "not_met", _("Not met")
    EXEMPT = "exempt", _("Exempt")


class PeerReviewGrade(models.TextChoices):
    """The grade of a peer-reviewed closed file (案卷评查), from its total by the grade bands
    (quality.scorecard); a subsidy tier is set per grade (SubsidyGradeFactor)."""

    EXCELLENT = "excellent", pgettext_lazy("peer review grade", "Excellent")
    GOOD = "good", pgettext_lazy("peer review grade", "Good")
    PASS = "pass", pgettext_lazy("peer review grade", "Pass")
    FAIL = "fail", pgettext_lazy("peer review grade", "Fail")
