"""Assignments, service logs and the annual duty. Their rule tables come first."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.choices import AidForm, MatterCategory
from directory.models import Region
from directory.rules import EffectiveDatedRule


class SubsidyStandard(EffectiveDatedRule):
    """The subsidy paid to a provider per closed case (Art 52), per region, category and form."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="subsidy_standards"
    )
    matter_category = models.CharField(_("matter category"), max_length=32, choices=MatterCategory.choices)
    aid_form = models.CharField(_("form of aid"), max_length=32, choices=AidForm.choices)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )

    rule_key_fields = ("region", "matter_category", "aid_form")

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["region__sort_order", "matter_category", "aid_form", "-valid_from"]
        verbose_name = _("subsidy standard")
        verbose_name_plural = _("subsidy standards")
        constraints = [
            *EffectiveDatedRule.Meta.constraints,
            models.CheckConstraint(condition=Q(amount__gte=0), name="subsidy_amount_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.matter_category}/{self.aid_form} {self.amount}"


class DutyRule(models.Model):
    """The annual public-interest duty of one year (docs/domain.md), optionally for one region."""

    class CountingDate(models.TextChoices):
        ACCEPTED = "accepted", _("Date the assignment was accepted")
        CLOSED = "closed", _("Date the case was closed")

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_rules",
        help_text=_("Empty: the whole city."),
    )
    lawyer_min_cases = models.PositiveSmallIntegerField(_("lawyer: minimum aid cases"), default=2)
    lawyer_min_hours = models.DecimalField(
        _("lawyer: minimum public-interest hours"),
        max_digits=6,
        decimal_places=1,
        default=50,
        validators=[MinValueValidator(0)],
    )
    notary_min_count = models.PositiveSmallIntegerField(
        _("notary office: minimum public-interest notarisations"), default=4
    )
    counting_date = models.CharField(
        _("a case counts in the year of"),
        max_length=16,
        choices=CountingDate.choices,
        default=CountingDate.ACCEPTED,
    )
    duty_lawyer_days_per_case = models.PositiveSmallIntegerField(
        _("duty-lawyer days counted as one case"),
        null=True,
        blank=True,
        help_text=_("Empty: duty-lawyer days count only as hours."),
    )
    prorate_new_lawyers = models.BooleanField(_("pro-rate lawyers licensed during the year"), default=False)
    is_demo = models.BooleanField(_("demo value"), default=False)

    class Meta:
        ordering = ["-year", "region__sort_order"]
        verbose_name = _("annual duty rule")
        verbose_name_plural = _("annual duty rules")
        constraints = [
            models.UniqueConstraint(fields=["year", "region"], name="duty_rule_unique_year_region"),
            models.UniqueConstraint(
                fields=["year"], condition=Q(region__isnull=True), name="duty_rule_unique_citywide_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region or ''}".strip()
