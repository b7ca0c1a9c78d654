"""An application passed on to the competent center (Legal Aid Law Art 38; 市域通办).

A citizen may apply at any center of the city: the center that receives the application issues the
receipt and the tracking number; when it is not competent (the region where the handling agency
sits or the dispute arose, ``Application.region``), its reviewer transfers the application to the
competent center with a reason. The application keeps its tracking number and its first receipt
(``Application.received_on``); each transfer is one row here, and the case's timeline and a transfer
letter (法律援助申请转交函) tell the applicant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation, Region

__all__ = ["ApplicationTransfer"]

TRANSFER_REASON_MAX = 2000


class ApplicationTransfer(models.Model):
    application = models.ForeignKey(
        "aid_cases.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    from_center = models.ForeignKey(
        Organisation, verbose_name=_("transferred by center"), on_delete=models.PROTECT, related_name="+"
    )
    to_center = models.ForeignKey(
        Organisation, verbose_name=_("transferred to center"), on_delete=models.PROTECT, related_name="+"
    )
    # The application's region before and after: a transfer to another region's center moves the
    # case there, and its means test is then judged by that region's standard.
    from_region = models.ForeignKey(
        Region, verbose_name=_("region before"), on_delete=models.PROTECT, related_name="+"
    )
    to_region = models.ForeignKey(
        Region, verbose_name=_("region after"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason for the transfer"), max_length=TRANSFER_REASON_MAX)
    # Whether the review period started again at the transfer (PeriodRule.transfer_restarts_review)
    # rather than running on from the first receipt; and the decision due date after the transfer.
    review_restarted = models.BooleanField(_("review period restarted"), default=False)
    decision_due = models.DateField(_("decision due after the transfer"), null=True, blank=True)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("transferred by"), on_delete=models.PROTECT, related_name="+"
    )
    transferred_at = models.DateTimeField(_("transferred at"))

    class Meta:
        ordering = ["transferred_at", "pk"]
        verbose_name = _("application transfer")
        verbose_name_plural = _("application transfers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_center=F("to_center")), name="application_transfer_other_center"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="application_transfer_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_center_id} → {self.to_center_id}"
