"""Demo rule row of collaboration letters (法律援助协作函): a letter that names no deadline is answered within
10 working days, in every region. A fictional value of the common order, marked as a demo value.

``seed_collaboration_rule()`` is idempotent: a row already there (or official data entered in the admin
in force on or after the demo's date) is left alone. Called by ``seed_demo``.
"""

from __future__ import annotations

from django.db.models import Q

from aid_cases.models import CollaborationRule

from .management.commands.seed_demo import DEMO_NOTE, RULES_VALID_FROM

ANSWER_DAYS = 10


def seed_collaboration_rule() -> int:
    """Seed the collaboration rule for every region; the number of rows added (0 or 1)."""
    rows = CollaborationRule.objects.filter(region__isnull=True)
    if rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=RULES_VALID_FROM)).exists():
        return 0
    row = CollaborationRule(
        region=None, answer_days=ANSWER_DAYS, valid_from=RULES_VALID_FROM, is_demo=True, note=DEMO_NOTE
    )
    row.full_clean()
    row.save()
    return 1
