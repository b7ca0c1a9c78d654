"""Follow-up calls (回访, Art 59): a fixed script of questions put to the recipient after the case is
closed, and at assignment and mid-case where the rule row says so; recorded by the center's staff."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aid_cases.models import Application
from directory.models import Organisation, Provider, Region
from directory.rules import EffectiveDatedRule

from ..choices import FollowUpPoint, FollowUpStatus


class FollowUpRule(EffectiveDatedRule):
    """At which points of a case a follow-up call is made (after closure always)."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_rules",
        help_text=_("Empty: every region without its own row."),
    )
    at_assignment = models.BooleanField(_("call after the provider accepts"), default=False)
    mid_case = models.BooleanField(_("calls during the case"), default=False)
    call_days = models.PositiveSmallIntegerField(
        _("make the call within (days)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Calendar days from the moment the call is opened; the task shows it as its due date."),
    )

    rule_key_fields = ("region",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["region__sort_order", "-valid_from"]
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")

    def __str__(self) -> str:
        return f"{self.region or '*'} {self.valid_from}"


class FollowUp(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("case"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    point = models.CharField(_("when"), max_length=16, choices=FollowUpPoint.choices)
    center = models.ForeignKey(
        Organisation, verbose_name=_("center"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        help_text=_("The provider handling the case when the call was opened."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: opened by the system at closure or acceptance, as the rule says."),
    )
    due_on = models.DateField(_("call by"), null=True, blank=True)

    # the script's answers
    reached = models.BooleanField(_("reached"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    asked_for_money = models.BooleanField(_("the provider asked for money or gifts"), default=False)
    responsive = models.BooleanField(_("the provider was responsive"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    complaint = models.ForeignKey(
        "quality.Complaint",
        verbose_name=_("complaint opened"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        indexes = [
            models.Index(fields=["center", "status", "recorded_at"]),
            models.Index(fields=["provider", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="follow_up_satisfaction_1_5",
            ),
            # a reached recipient gives a score; an unreached one cannot
            models.CheckConstraint(
                condition=~Q(reached=True) | Q(satisfaction__isnull=False),
                name="follow_up_reached_has_score",
            ),
            models.CheckConstraint(
                condition=~Q(reached=False) | Q(satisfaction__isnull=True),
                name="follow_up_unreached_has_no_score",
            ),
            # one open call per case and point at a time
            models.UniqueConstraint(
                fields=["application", "point"],
                condition=Q(status=FollowUpStatus.OPEN),
                name="follow_up_one_open_per_point",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_point_display()}"
