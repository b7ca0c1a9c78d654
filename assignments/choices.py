"""Enumerations of assignment and handling; codes are the lower-case English codes of docs/api.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
