"""Free legal consultations (法律咨询, Legal Aid Law Art 23): the 12348 hotline, the window, a grassroots
station and citizens' online questions, with the answer or the referral, who answered and the time spent.

Hotline, window and station consultations are recorded by the center's staff once answered. An online
question waits for its answer within the reply period of ``ConsultationRule`` (``answer_due``); whether
it was answered by then is what the reply rate counts (``consultations.selectors``).

An anonymous consultation keeps no personal data: no account, no name, no phone, and (online) no record
of which account sent it — the check constraint below holds the first three, the services the rest.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aid_cases.choices import CountingMode
from aid_cases.models import Application
from directory.choices import MatterType
from directory.models import Organisation, Region
from directory.rules import EffectiveDatedRule

from .choices import ConsultationChannel, ConsultationStatus, Referral


class ConsultationRule(EffectiveDatedRule):
    """How soon an online question is answered, and the reply-rate target (the seed: 100%).

    A row without a region applies wherever no region has its own row; without any row the defaults of
    ``consultations.rules.DEFAULT_RULE`` apply."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_rules",
        help_text=_("Empty: every region without its own row."),
    )
    reply_days = models.PositiveSmallIntegerField(
        _("answer an online question within (days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    reply_counting = models.CharField(
        _("reply period counts"), max_length=16, choices=CountingMode.choices, default=CountingMode.WORKING
    )
    reply_rate_target = models.DecimalField(
        _("reply rate target"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("1.0000"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("The share of online questions answered within the period, e.g. 1.0000 for 100%."),
    )

    rule_key_fields = ("region",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["region__sort_order", "-valid_from"]
        verbose_name = _("consultation rule")
        verbose_name_plural = _("consultation rules")

    def __str__(self) -> str:
        return f"{self.region or '*'} {self.valid_from}"


class Consultation(models.Model):
    channel = models.CharField(_("channel"), max_length=16, choices=ConsultationChannel.choices)
    center = models.ForeignKey(
        Organisation,
        verbose_name=_("center"),
        on_delete=models.PROTECT,
        related_name="consultations",
        help_text=_("The legal aid center that answers: the region's for an online question."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="consultations",
        help_text=_("Where the matter arose."),
    )
    matter_type = models.CharField(_("matter"), max_length=32, choices=MatterType.choices)
    question = models.TextField(_("question"), max_length=4000)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answer_due = models.DateField(_("answer by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )

    # the answer
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    referral = models.CharField(_("referred to"), max_length=32, choices=Referral.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # the local day of the answer, which the reply rate compares with ``answer_due`` in one query
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("minutes spent"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    # who asked: an account (online), a name and phone a clerk wrote down, or nobody (anonymous)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asker's account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    asker_name = models.CharField(_("asker"), max_length=100, blank=True)
    asker_phone = models.CharField(_("asker's phone"), max_length=32, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The staff member who recorded it; empty for an online question."),
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application it led to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(fields=["center", "asked_at"], name="consultation_center_asked"),
            models.Index(fields=["asker", "asked_at"], name="consultation_asker_asked"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(asker__isnull=True, asker_name="", asker_phone=""),
                name="consultation_anonymous_keeps_no_personal_data",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConsultationStatus.ANSWERED)
                | (Q(answered_at__isnull=False) & (~Q(answer="") | ~Q(referral=""))),
                name="consultation_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(channel=ConsultationChannel.ONLINE) | Q(answer_due__isnull=False),
                name="consultation_online_has_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.get_matter_type_display()}"

    @property
    def number(self) -> str:
        """The consultation's number on its pages: ZX (咨询), the year asked, the id."""
        return f"ZX-{timezone.localtime(self.asked_at).year}-{self.pk:06d}"
