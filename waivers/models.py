"""Fee waivers for aid recipients (docs/domain.md, fee waivers; Legal Aid Law Art 53) and notary offices'
public-interest notarisations.

A fee waiver is a handoff: the provider or a reviewer asks, the case's center reviews and issues the
handoff letter, and the institution — a notary office, a forensic appraisal institution or a court —
records the fee it charged, waived or deferred. The money rules (``waived = standard − charged``,
never more than the standard fee) are the services'; the database holds them too, so no write path
can store a fee line that does not add up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aid_cases.models import Application
from directory.models import Organisation
from documents.models import IssuedDocument

from .choices import NotarisationStatus, Treatment, WaiverKind, WaiverStatus

MONEY = {"max_digits": 12, "decimal_places": 2}


class FeeWaiver(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("case"), on_delete=models.PROTECT, related_name="fee_waivers"
    )
    kind = models.CharField(_("kind of fee"), max_length=16, choices=WaiverKind.choices)
    institution = models.ForeignKey(
        Organisation, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="fee_waivers"
    )
    service = models.CharField(_("service"), max_length=200)
    standard_fee = models.DecimalField(_("standard fee"), **MONEY)

    # what was asked
    treatment_requested = models.CharField(_("treatment asked for"), max_length=16, choices=Treatment.choices)
    requested_fee = models.DecimalField(_("reduced fee asked for"), null=True, blank=True, **MONEY)
    deferred_payer = models.CharField(_("who pays the deferred fee"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=WaiverStatus.choices,
        default=WaiverStatus.REQUESTED,
        db_index=True,
    )

    # the center's review
    treatment = models.CharField(
        _("treatment approved"), max_length=16, choices=Treatment.choices, blank=True
    )
    approved_fee = models.DecimalField(_("reduced fee approved"), null=True, blank=True, **MONEY)
    review_reason = models.TextField(_("the center's reasons"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    letter = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("handoff letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # the institution's answer
    charged_fee = models.DecimalField(_("fee charged"), null=True, blank=True, **MONEY)
    waived_amount = models.DecimalField(_("amount waived"), null=True, blank=True, **MONEY)
    deferred_until = models.DateField(_("deferred until"), null=True, blank=True)
    deferred_until_judgment = models.BooleanField(_("deferred until the judgment"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    # a deferral settled (after the judgment, on the losing party)
    judgment_on = models.DateField(_("judgment of"), null=True, blank=True)
    losing_party = models.CharField(_("losing party"), max_length=200, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("fee waiver")
        verbose_name_plural = _("fee waivers")
        indexes = [
            models.Index(fields=["institution", "status"]),
            models.Index(fields=["application", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(standard_fee__gt=0), name="fee_waiver_standard_fee_positive"),
            models.CheckConstraint(
                condition=Q(requested_fee__isnull=True)
                | (Q(requested_fee__gte=0) & Q(requested_fee__lt=F("standard_fee"))),
                name="fee_waiver_requested_fee_below_standard",
            ),
            models.CheckConstraint(
                condition=Q(approved_fee__isnull=True)
                | (Q(approved_fee__gte=0) & Q(approved_fee__lt=F("standard_fee"))),
                name="fee_waiver_approved_fee_below_standard",
            ),
            models.CheckConstraint(
                condition=Q(charged_fee__isnull=True)
                | (Q(charged_fee__gte=0) & Q(charged_fee__lte=F("standard_fee"))),
                name="fee_waiver_charged_fee_within_standard",
            ),
            # waived = standard − charged, always (issue: amounts are Decimal and add up)
            models.CheckConstraint(
                condition=(Q(charged_fee__isnull=True) & Q(waived_amount__isnull=True))
                | Q(waived_amount=F("standard_fee") - F("charged_fee")),
                name="fee_waiver_waived_is_standard_minus_charged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.institution} · {self.service}"

    @property
    def deferral_open(self) -> bool:
        return self.status == WaiverStatus.DEFERRED


class PublicInterestNotarisation(models.Model):
    """A public-interest notarisation a notary office did outside the aid cases (docs/domain.md, annual
    duty: four a year), counted once the judicial bureau has verified it."""

    institution = models.ForeignKey(
        Organisation,
        verbose_name=_("notary office"),
        on_delete=models.PROTECT,
        related_name="public_interest_notarisations",
    )
    date = models.DateField(_("date"))
    matter = models.CharField(_("matter notarised"), max_length=200)
    beneficiary = models.CharField(_("for whom"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NotarisationStatus.choices, default=NotarisationStatus.PENDING
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    reason = models.TextField(_("reason for rejecting"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("public-interest notarisation")
        verbose_name_plural = _("public-interest notarisations")
        indexes = [models.Index(fields=["institution", "status", "date"])]

    def __str__(self) -> str:
        return f"{self.institution} · {self.date} · {self.matter}"
