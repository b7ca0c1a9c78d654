from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("Service window")
    HOTLINE = "hotline", _("12348 hotline")
    NOTIFICATION = "notification", _("Agency notification")
    PUBLIC_INTEREST = "public_interest", _("Procuratorate public-interest litigation")
    # a person in custody's application, forwarded by the unit holding them (Art 39)
    FORWARDED = "forwarded", _("Forwarded from custody")


class Status(models.TextChoices):
    """Application statuses of docs/api.md."""

    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
    SUPPLEMENT_REQUESTED = "supplement_requested", pgettext_lazy("application status", "Supplement requested")
    UNDER_REVIEW = "under_review", pgettext_lazy("application status", "Under review")
    APPROVED = "approved", pgettext_lazy("application status", "Approved")
    REFUSED = "refused", pgettext_lazy("application status", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")
    OBJECTION = "objection", pgettext_lazy("application status", "Objection")
    ASSIGNING = "assigning", pgettext_lazy("application status", "Assigning")
    ASSIGNED = "assigned", pgettext_lazy("application status", "Assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("application status", "In progress")
    CLOSING = "closing", pgettext_lazy("application status", "Closing")
    CLOSED = "closed", pgettext_lazy("application status", "Closed")
    TERMINATED = "terminated", pgettext_lazy("application status", "Terminated")


# The review is open: a reviewer may decide, and the decision's due date runs.
REVIEWABLE_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)


class RepresentativeRelation(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    CLOSE_RELATIVE = "close_relative", _("Close relative")


class CountingMode(models.TextChoices):
    WORKING = "working", _("Working days")
    CALENDAR = "calendar", _("Calendar days")


class DecisionKind(models.TextChoices):
    APPROVE = "approve", _("Grant legal aid")
    REFUSE = "refuse", _("Refuse legal aid")
    PROVISIONAL = "provisional", _("Provisional legal aid (Art 44)")


class ProvisionalGround(models.TextChoices):
    """Art 44: the grounds on which a center provides legal aid before the review is complete."""

    DEADLINE = "deadline", _("A limitation period or deadline is close (Art 44 (1))")
    PRESERVATION = (
        "preservation",
        _(
            "Property or evidence preservation, or advance execution, must be applied for at once (Art 44 (2))"
        ),
    )
    OTHER_LAW = "other_law", _("Other grounds set by laws, regulations or rules (Art 44 (3))")


class ObjectionTarget(models.TextChoices):
    REFUSAL = "refusal", _("Refusal")
    TERMINATION = "termination", _("Termination")


class ObjectionOutcome(models.TextChoices):
    UPHOLD = "uphold", _("Uphold the decision")
    CORRECT = "correct", _("Order the center to correct it")


class TerminationGround(models.TextChoices):
    """Art 48 grounds, plus a refused provisional review."""

    DECEPTION = "deception", _("Aid obtained by deception")
    FALSE_EVIDENCE = "false_evidence", _("Concealment or false evidence")
    ILLEGAL_USE = "illegal_use", _("Aid used for illegal acts")
    FINANCES_IMPROVED = "finances_improved", _("Finances improved")
    PROCEEDINGS_ENDED = "proceedings_ended", _("Proceedings ended or withdrawn")
    OWN_LAWYER = "own_lawyer", _("The recipient hired their own lawyer")
    RECIPIENT_REQUEST = "recipient_request", _("The recipient asked to stop")
    PROVISIONAL_REFUSED = "provisional_refused", _("Review after provisional aid refused")
    OTHER = "other", _("Other legal grounds")


class NotifiedGround(models.TextChoices):
    """Why an agency must notify the center to assign a defender (Arts 25, 28)."""

    MINOR = "minor", _("A minor")
    BLIND_DEAF_MUTE = "blind_deaf_mute", _("Blind, deaf or mute")
    MENTAL_CAPACITY = "mental_capacity", _("Not fully able to recognise or control their conduct")
    LIFE_OR_DEATH = "life_or_death", _("May be sentenced to life imprisonment or death")
    DEATH_REVIEW = "death_review", _("Death-penalty review")
    ABSENTIA = "absentia", _("Tried in absentia")
    COMPULSORY_TREATMENT = "compulsory_treatment", _("Compulsory medical treatment (Art 28)")
    OTHER_ORDINARY = "other_ordinary", _("Other ordinary-procedure case notified by a court (Art 25 para 2)")


class ProceedingStage(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Review for prosecution")
    TRIAL = "trial", _("Trial")


class CollaborationRequest(models.TextChoices):
    """What a collaboration letter (协作函) asks another center to do."""

    EVIDENCE = "evidence", _("Gather evidence")
    SERVICE = "service", _("Serve documents")
    VISIT = "visit", _("Visit a party")
    OTHER = "other", _("Other")


class CollaborationStatus(models.TextChoices):
    """A collaboration letter's state: sent, then answered once (done, or not done with the reasons)."""

    SENT = "sent", pgettext_lazy("collaboration letter", "Awaiting the answer")
    DONE = "done", pgettext_lazy("collaboration letter", "Done")
    REFUSED = "refused", pgettext_lazy("collaboration letter", "Not done")
