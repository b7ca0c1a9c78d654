"""Aid applications and their rule tables. The application itself comes with its issue."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import Region
from directory.rules import EffectiveDatedRule


class EconomicStandard(EffectiveDatedRule):
    """The hardship standard of a region (DESIGN §3.1): income per household member per month."""

    class Kind(models.TextChoices):
        LOW_INCOME = "low_income", _("Local low-income standard")
        MINIMUM_WAGE = "minimum_wage", _("Minimum wage standard")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="economic_standards")
    kind = models.CharField(_("kind of standard"), max_length=16, choices=Kind.choices)
    monthly_amount = models.DecimalField(
        _("monthly amount per household member (yuan)"), max_digits=10, decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    asset_cap = models.DecimalField(
        _("asset cap (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )

    rule_key_fields = ("region",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["region__sort_order", "-valid_from"]
        verbose_name = _("economic hardship standard")
        verbose_name_plural = _("economic hardship standards")
        constraints = [
            *EffectiveDatedRule.Meta.constraints,
            models.CheckConstraint(condition=Q(monthly_amount__gte=0), name="economic_standard_amount_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.monthly_amount} ({self.valid_from})"
