"""The materials checklist's rule rows (申请材料清单): what to bring or upload, per kind of case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.choices import MatterType
from directory.models import Region
from directory.rules import EffectiveDatedRule

from ..checklist import MaterialCode, MeansPath
from ..means import ApplicantCategory

# Defined above the import of this module in the package's main module (its last lines).
from . import LocalApplicantCategory, LocalMatterType, _known_code

__all__ = ["MaterialsChecklistItem"]


class MaterialsChecklistItem(EffectiveDatedRule):
    """A material an applicant brings or uploads, for the cases it fits (``aid_cases.checklist``).

    Each empty condition fits every case. The list of a case is every row in force that fits it; a
    region's own row replaces the row for every region with the same code and conditions.
    """

    code = models.CharField(_("kind of material"), max_length=32, choices=MaterialCode.choices)
    label = models.CharField(
        _("material"),
        max_length=200,
        help_text=_(
            "In Chinese, as the applicant reads it on the form, the receipt and the supplement notice."
        ),
    )
    why = models.CharField(
        _("why it is needed"),
        max_length=300,
        blank=True,
        help_text=_("One sentence for the applicant, e.g. the article of the law it serves."),
    )
    required = models.BooleanField(_("required"), default=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Empty: every region. A region's own row replaces the row for every region with the same kind "
            "of material and conditions."
        ),
    )
    categories = models.JSONField(
        _("special groups"),
        default=list,
        blank=True,
        help_text=_("Empty: any applicant. Otherwise applicants in any of these groups."),
    )
    matter_types = models.JSONField(
        _("matter types"), default=list, blank=True, help_text=_("Empty: any matter.")
    )
    means_path = models.CharField(
        _("means test"),
        max_length=16,
        choices=MeansPath.choices,
        blank=True,
        help_text=_("Empty: whatever the means test says."),
    )
    with_representative = models.BooleanField(
        _("only for a representative"),
        default=False,
        help_text=_("Only when someone applies for a minor or a person without full capacity (Art 40)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    rule_key_fields = (
        "code",
        "label",
        "region",
        "categories",
        "matter_types",
        "means_path",
        "with_representative",
    )

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["sort_order", "code", "-valid_from"]
        verbose_name = _("materials checklist item")
        verbose_name_plural = _("materials checklist (申请材料清单)")

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        # Sorted, once each: the same conditions are the same row (rule_key_fields), whatever the order.
        errors: dict[str, list[str]] = {}
        self.categories = _codes(self.categories, "categories", errors)
        self.matter_types = _codes(self.matter_types, "matter_types", errors)
        unknown_categories = [
            c for c in self.categories if not _known_code(c, ApplicantCategory, LocalApplicantCategory)
        ]
        if unknown_categories:
            errors.setdefault("categories", []).append(
                str(_("Unknown special group “%(code)s”.") % {"code": unknown_categories[0]})
            )
        unknown_matters = [m for m in self.matter_types if not _known_code(m, MatterType, LocalMatterType)]
        if unknown_matters:
            errors.setdefault("matter_types", []).append(
                str(_("Unknown matter type “%(code)s”.") % {"code": unknown_matters[0]})
            )
        if errors:
            raise ValidationError(errors)
        super().clean()


def _codes(value: object, field: str, errors: dict[str, list[str]]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.setdefault(field, []).append(str(_("Give a list of codes.")))
        return []
    return sorted(set(value))
