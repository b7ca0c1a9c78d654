"""A detainee's application forwarded to the aid center by the unit holding them (Art 39).

A person in custody (a detention center's detainee, or someone held by a police unit, procuratorate
or court) applies through the unit holding them; the law gives the unit 24 hours to forward the
request to the aid center. The forward makes an ``Application`` like any other (the center reviews
it); this row keeps what only a forward has: the unit, where the person is held, when the unit
received the request and whether it was forwarded within the hours the rule row allowed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation, Region
from directory.rules import EffectiveDatedRule

__all__ = ["ForwardedRequest", "ForwardingRule"]


class ForwardingRule(EffectiveDatedRule):
    """How many hours the unit holding a person has to forward their application (Art 39: 24 hours).

    Clock hours, not working days: a request received on a Friday evening is due on Saturday evening.
    A row without a region applies wherever no region has its own row; without any row the statute's
    24 hours apply (``aid_cases.forwarding_rules``).
    """

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarding_rules",
        help_text=_("The region of the forwarding unit. Empty: every region without its own row."),
    )
    hours = models.PositiveSmallIntegerField(
        _("forward within (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_("Counted in clock hours from the time the unit received the request (Art 39: 24)."),
    )

    rule_key_fields = ("region",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["region__sort_order", "-valid_from"]
        verbose_name = _("forwarding period")
        verbose_name_plural = _("forwarding periods (Art 39)")
        constraints = [
            *EffectiveDatedRule.Meta.constraints,
            models.CheckConstraint(condition=Q(hours__gte=1), name="forwarding_rule_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.region or '*'} {self.hours}h ({self.valid_from})"


class ForwardedRequest(models.Model):
    """The forward of a person in custody's application: the unit, the place, and the 24 hours."""

    application = models.OneToOneField(
        "aid_cases.Application", on_delete=models.PROTECT, related_name="forwarded_request"
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("forwarding unit"),
        on_delete=models.PROTECT,
        related_name="forwarded_requests",
    )
    place = models.CharField(
        _("place of custody"),
        max_length=200,
        help_text=_("Where the person is held, so that the center and the lawyer can meet them."),
    )
    received_at = models.DateTimeField(_("received by the unit at"))
    forwarded_at = models.DateTimeField(_("forwarded at"))
    # The hours of the rule row in force when the unit received the request, kept with the forward:
    # a later change of the rule never turns a forward made in time into a late one.
    hours_allowed = models.PositiveSmallIntegerField(_("hours allowed"))
    # Stored, not computed on reading: the per-unit counts group on it in one query.
    forwarded_late = models.BooleanField(_("forwarded late"), db_index=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("forwarded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-forwarded_at", "-pk"]
        verbose_name = _("forwarded application")
        verbose_name_plural = _("forwarded applications (Art 39)")
        indexes = [models.Index(fields=["unit", "-forwarded_at"])]
        constraints = [
            # the service never records a receipt after the forward (a clock a little ahead is clamped)
            models.CheckConstraint(
                condition=Q(received_at__lte=F("forwarded_at")), name="forwarded_request_received_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.application}"
