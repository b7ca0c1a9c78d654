"""Collaboration letters between centers (法律援助协作函): a center handling a case asks another center to
help with it — gather evidence, serve a document, visit a party — by a deadline; the other center
answers once, done with its result or not done with its reasons. A center outside the city is named by
hand, and the requesting center records its answer. The deadline's default comes from a rule row."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation, Region
from directory.rules import EffectiveDatedRule

from ..choices import CollaborationRequest, CollaborationStatus

__all__ = ["CollaborationLetter", "CollaborationRule"]

DETAILS_MAX = 4000
ANSWER_MAX = 4000
OUTSIDE_NAME_MAX = 128


class CollaborationRule(EffectiveDatedRule):
    """How long the receiving center has to answer when the letter names no deadline, in working days
    (the PRC calendar with its substituted working days and the admin's local overrides). A row without
    a region applies wherever no region has its own row; the requesting case's region decides."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collaboration_rules",
        help_text=_("Empty: every region without its own row."),
    )
    answer_days = models.PositiveSmallIntegerField(
        _("answer a collaboration letter (working days)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Counted from the day after the letter is sent, when the letter names no deadline."),
    )

    rule_key_fields = ("region",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["region__sort_order", "-valid_from"]
        verbose_name = _("collaboration letter rule")
        verbose_name_plural = _("collaboration letter rules")

    def __str__(self) -> str:
        return f"{self.region or '*'} {self.valid_from} {self.answer_days}"


class CollaborationLetter(models.Model):
    application = models.ForeignKey(
        "aid_cases.Application",
        verbose_name=_("requesting case"),
        on_delete=models.PROTECT,
        related_name="collaboration_letters",
    )
    from_center = models.ForeignKey(
        Organisation,
        verbose_name=_("requesting center"),
        on_delete=models.PROTECT,
        related_name="collaboration_letters_sent",
    )
    # an aid center of the city (the letter then waits in its task list), or one outside it by name
    to_center = models.ForeignKey(
        Organisation,
        verbose_name=_("receiving center"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collaboration_letters_received",
    )
    to_outside_name = models.CharField(_("center outside the city"), max_length=OUTSIDE_NAME_MAX, blank=True)
    request = models.CharField(_("request"), max_length=16, choices=CollaborationRequest.choices)
    details = models.TextField(_("what is asked"), max_length=DETAILS_MAX)
    due = models.DateField(_("answer by"))
    # the day the sender asked for when it fell on a rest day (the due date is the next working day)
    due_requested = models.DateField(_("deadline asked for"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CollaborationStatus.choices, default=CollaborationStatus.SENT
    )
    result = models.TextField(_("result"), max_length=ANSWER_MAX, blank=True)
    reason = models.TextField(_("reasons"), max_length=ANSWER_MAX, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # the 法律援助协作函's verification code: a plain reference, as documents sits beside aid_cases
    letter_code = models.CharField(_("letter's verification code"), max_length=12, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("collaboration letter")
        verbose_name_plural = _("collaboration letters")
        indexes = [
            models.Index(fields=["from_center", "status"]),
            models.Index(fields=["to_center", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(to_center__isnull=False) & Q(to_outside_name=""))
                | (Q(to_center__isnull=True) & ~Q(to_outside_name="")),
                name="collaboration_letter_one_addressee",
            ),
            models.CheckConstraint(
                condition=~Q(status=CollaborationStatus.DONE) | ~Q(result=""),
                name="collaboration_letter_done_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(status=CollaborationStatus.REFUSED) | ~Q(reason=""),
                name="collaboration_letter_refused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} → {self.addressee}"

    @property
    def number(self) -> str:
        """The letter's number on its pages and PDF: XZ (协作), the year sent, the id."""
        return f"XZ-{timezone.localtime(self.sent_at).year}-{self.pk:06d}"

    @property
    def addressee(self) -> str:
        return self.to_center.name if self.to_center is not None else self.to_outside_name

    @property
    def is_outside(self) -> bool:
        """Addressed to a center outside the city: answered by hand by the requesting center."""
        return self.to_center_id is None

    @property
    def is_open(self) -> bool:
        return self.status == CollaborationStatus.SENT
