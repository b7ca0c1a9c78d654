"""Complaints (投诉) under Order No. 149 and Art 55: about a provider, a center's staff or a center;
filed online or recorded by a clerk, or opened by a follow-up call; accepted or not within the rule's
period, decided within another, answered by a written reply."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aid_cases.choices import CountingMode
from aid_cases.models import Application
from directory.models import Organisation, Provider, Region
from directory.rules import EffectiveDatedRule
from documents.models import IssuedDocument

from ..choices import ComplaintAbout, ComplaintGround, ComplaintOutcome, ComplaintSource, ComplaintStatus


class ComplaintRule(EffectiveDatedRule):
    """The periods of a complaint and whether the person complained about may learn who complained.

    A row without a region applies wherever no region has its own row; without any row the defaults
    below apply (Order No. 149: accept within 5 working days, decide within 45 days)."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_rules",
        help_text=_("Empty: every region without its own row."),
    )
    accept_days = models.PositiveSmallIntegerField(
        _("accept or reject (days)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    accept_counting = models.CharField(
        _("accept period counts"), max_length=16, choices=CountingMode.choices, default=CountingMode.WORKING
    )
    decide_days = models.PositiveSmallIntegerField(
        _("decide (days)"), default=45, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    decide_counting = models.CharField(
        _("decide period counts"), max_length=16, choices=CountingMode.choices, default=CountingMode.CALENDAR
    )
    supplement_days = models.PositiveSmallIntegerField(
        _("supply missing information (days)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("The accept period stops while the complainant supplies what is missing."),
    )
    reveal_complainant = models.BooleanField(
        _("the person complained about may see who complained"),
        default=False,
    )

    rule_key_fields = ("region",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["region__sort_order", "-valid_from"]
        verbose_name = _("complaint rule")
        verbose_name_plural = _("complaint rules")

    def __str__(self) -> str:
        return f"{self.region or '*'} {self.valid_from}"


class Complaint(models.Model):
    # who complains: an account (online), or a caller recorded by a clerk (name and phone only)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("complainant's account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    complainant_name = models.CharField(_("complainant"), max_length=100)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=32, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    source = models.CharField(_("source"), max_length=16, choices=ComplaintSource.choices)

    # about whom or what
    about = models.CharField(_("about"), max_length=16, choices=ComplaintAbout.choices)
    application = models.ForeignKey(
        Application,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    staff_name = models.CharField(_("staff member"), max_length=100, blank=True)
    center = models.ForeignKey(
        Organisation,
        verbose_name=_("center"),
        on_delete=models.PROTECT,
        related_name="complaints",
        help_text=_("The center that handles the complaint, or the one complained about."),
    )
    ground = models.CharField(_("ground"), max_length=32, choices=ComplaintGround.choices)
    facts = models.TextField(_("facts"), max_length=4000)
    repeats = models.PositiveIntegerField(
        _("repeated"), default=0, help_text=_("Later complaints about the same facts merged into this one.")
    )

    # the clocks
    received_on = models.DateField(_("received on"))
    accept_due = models.DateField(_("accept or reject by"), null=True, blank=True)
    decide_due = models.DateField(_("decide by"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    # the one-time notice of missing information (the accept clock stops until it is supplied)
    supplement_note = models.TextField(_("information missing"), max_length=2000, blank=True)
    supplement_asked_on = models.DateField(_("missing information asked for on"), null=True, blank=True)
    supplement_due = models.DateField(_("supply by"), null=True, blank=True)
    supplemented_on = models.DateField(_("information supplied on"), null=True, blank=True)
    supplement = models.TextField(_("information supplied"), max_length=4000, blank=True)

    # accepted or not
    accept_reason = models.TextField(_("reasons for not accepting"), max_length=2000, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted or rejected at"), null=True, blank=True)

    # decided
    outcome = models.CharField(_("outcome"), max_length=32, choices=ComplaintOutcome.choices, blank=True)
    reply = models.TextField(_("reply"), max_length=4000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reply_letter = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("reply letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["center", "status"]),
            models.Index(fields=["application", "ground"]),
            models.Index(fields=["provider", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(about=ComplaintAbout.PROVIDER) | Q(provider__isnull=False),
                name="complaint_about_provider_names_one",
            ),
            models.CheckConstraint(
                condition=~Q(status=ComplaintStatus.DECIDED) | ~Q(outcome=""),
                name="complaint_decided_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_ground_display()} · {self.center}"

    @property
    def number(self) -> str:
        """The complaint's number on its pages and letters: TS (投诉), the year received, the id."""
        return f"TS-{self.received_on.year}-{self.pk:06d}"
