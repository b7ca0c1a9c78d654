"""Effective-dated rule rows (docs/domain.md): a base for every table of thresholds, periods and rates."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class EffectiveDatedRule(models.Model):
    """A rule row valid from ``valid_from`` up to and including ``valid_to`` (open when empty).

    Subclasses name the fields that identify "the same rule" in ``rule_key_fields``; two rows
    with the same key may not overlap, so exactly one row applies on any day.
    """

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("demo value"),
        default=False,
        help_text=_("Fictional value loaded by the demo data; replace it with the official figure."),
    )
    note = models.CharField(_("source or note"), max_length=200, blank=True)

    rule_key_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_dates_ordered",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        if not self.valid_from:
            return
        key = {f: getattr(self, f) for f in self.rule_key_fields}
        others = type(self)._default_manager.filter(**key).exclude(pk=self.pk)
        far = datetime.date.max
        overlapping = others.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from),
            valid_from__lte=self.valid_to or far,
        )
        if overlapping.exists():
            raise ValidationError(_("Another row of this rule is in force for part of the same dates."))

    @classmethod
    def in_force(cls, day: datetime.date, **key):
        """The row of ``key`` in force on ``day``, or ``None``."""
        return (
            cls._default_manager.filter(**key, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )
