from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("Service window")
    HOTLINE = "hotline", _("12348 hotline")
    NOTIFICATION = "notification", _("Agency notification")


class Status(models.TextChoices):
    """Application statuses of API.md."""

    SUBMITTED = "submitted", _("Submitted")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OBJECTION = "objection", _("Objection")
    ASSIGNING = "assigning", _("Assigning")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")
    TERMINATED = "terminated", _("Terminated")


class RepresentativeRelation(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    CLOSE_RELATIVE = "close_relative", _("Close relative")


class CountingMode(models.TextChoices):
    WORKING = "working", _("Working days")
    CALENDAR = "calendar", _("Calendar days")
