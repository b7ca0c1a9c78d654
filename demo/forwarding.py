"""Demo rule row of the forwarding of detainees' applications (Art 39): the unit holding a person forwards
their application within 24 hours, in every region. The statute's own figure, so not marked as a demo
value; the detention center of 珠山 and its officer ``detention_zhushan`` are among ``seed_demo``'s
organisations and accounts.

``seed_forwarding_rule()`` is idempotent: a row already there (or official data entered in the admin in
force on or after the demo's date) is left alone. Called by ``seed_demo``.
"""

from __future__ import annotations

from django.db.models import Q

from aid_cases.forwarding_rules import STATUTORY_HOURS
from aid_cases.models import ForwardingRule

from .management.commands.seed_demo import RULES_VALID_FROM

NOTE = "《法律援助法》第三十九条：收到申请之时起二十四小时内转交"


def seed_forwarding_rule() -> int:
    """Seed the forwarding period for every region; the number of rows added (0 or 1)."""
    rows = ForwardingRule.objects.filter(region__isnull=True)
    if rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=RULES_VALID_FROM)).exists():
        return 0
    row = ForwardingRule(region=None, hours=STATUTORY_HOURS, valid_from=RULES_VALID_FROM, note=NOTE)
    row.full_clean()
    row.save()
    return 1
