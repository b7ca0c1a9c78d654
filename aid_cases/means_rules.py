"""The means test's rule rows in force on a day, as the plain values ``means.means_test`` takes.

Art 32's matters not restricted by financial hardship and Art 42's exempt groups (with the proof
each needs) are effective-dated rows, so the catch-all clauses (Art 32 (5), Art 42 (4)) take local
additions through the admin without a code change. Read through ``core.refdata``'s cache like the
other rule rows; saving a row starts a new cache generation (apps.py).
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from core.refdata import refdata

from . import means
from .models import MeansExemptionRule, MeansMatterRule


def _in_force(model, day: datetime.date):
    return model.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def not_restricted_matters(day: datetime.date) -> frozenset[str]:
    """Art 32: the matter types not means-tested on ``day``."""
    return refdata(
        f"means-matters:{day}",
        lambda: frozenset(_in_force(MeansMatterRule, day).values_list("matter_type", flat=True)),
    )


def exemptions(day: datetime.date) -> tuple[means.Exemption, ...]:
    """Art 42: the groups exempt from the means test on ``day``, each with its condition and proof."""

    def load() -> tuple[means.Exemption, ...]:
        rows = _in_force(MeansExemptionRule, day).order_by("pk")
        return tuple(means.Exemption(row.category, row.condition, row.proof) for row in rows)

    return refdata(f"means-exemptions:{day}", load)


__all__ = ["exemptions", "not_restricted_matters"]
