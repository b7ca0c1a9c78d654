"""Enumerations of the quality app (docs/domain.md, quality and complaints): stored as the lower-case
English codes of the API, shown translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assignments.choices import PeerReviewGrade


class ComplaintAbout(models.TextChoices):
    PROVIDER = "provider", _("A legal aid provider")
    STAFF = "staff", _("A member of a center's staff")
    CENTER = "center", _("A legal aid center")


class ComplaintGround(models.TextChoices):
    """The grounds of Order No. 149 (法律援助投诉处理办法), as the API names them."""

    NOT_ACCEPTED = "not_accepted", _("The application was not accepted or not decided as the law requires")
    DELAY = "delay", _("The aid was delayed beyond the legal periods")
    FEES_TAKEN = "fees_taken", _("Fees, money or gifts were asked for or taken")
    NEGLECT = "neglect", _("The case was not handled with due diligence")
    MISCONDUCT = "misconduct", _("Misconduct or breach of professional rules")
    DISCLOSURE = "disclosure", _("Private information or secrets were disclosed")
    OTHER = "other", _("Other")


class ComplaintSource(models.TextChoices):
    ONLINE = "online", _("Filed online")
    CLERK = "clerk", _("Recorded by a clerk")
    FOLLOW_UP = "follow_up", _("From a follow-up call")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("complaint", "Received")
    SUPPLEMENT = "supplement", pgettext_lazy("complaint", "Missing information asked for")
    ACCEPTED = "accepted", pgettext_lazy("complaint", "Accepted")
    REJECTED = "rejected", pgettext_lazy("complaint", "Not accepted")
    DECIDED = "decided", pgettext_lazy("complaint", "Decided")


class ComplaintOutcome(models.TextChoices):
    UNFOUNDED = "unfounded", _("Unfounded")
    FOUNDED = "founded", _("Founded")
    REPLACE_PROVIDER = "replace_provider", _("Founded: the provider is replaced")
    REFER_BUREAU = "refer_bureau", _("Referred to the judicial bureau")


class FollowUpPoint(models.TextChoices):
    """When a follow-up call is made: after closure always; at assignment and mid-case when the rule
    row says so."""

    ASSIGNMENT = "assignment", _("After assignment")
    MID_CASE = "mid_case", _("During the case")
    CLOSURE = "closure", _("After closure")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up", "Open")
    DONE = "done", pgettext_lazy("follow-up", "Recorded")
    CANCELLED = "cancelled", pgettext_lazy("follow-up", "Cancelled")


# The grade of a peer-reviewed closed file (案卷评查), from its total by the grade bands. Defined in
# assignments, below this app, because a subsidy tier is set per grade (SubsidyGradeFactor).
Grade = PeerReviewGrade


class PeerReviewStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("peer review", "Waiting for scores")
    SCORED = "scored", pgettext_lazy("peer review", "Scored")
    CANCELLED = "cancelled", pgettext_lazy("peer review", "Cancelled")
