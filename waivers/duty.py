"""A notary office's annual public-interest duty (docs/domain.md, annual duty; the seed's §二(一)3): at
least four public-interest notarisations a year. A pure rule over plain values, tested at its edges;
the counts come from ``waivers.selectors.notary_public_interest_counts`` and the minimum from the year's
duty rule row.
"""

from __future__ import annotations

import datetime

MET = "met"
IN_PROGRESS = "in_progress"
NOT_MET = "not_met"


def notary_duty_status(*, count: int, minimum: int, year: int, today: datetime.date) -> str:
    """``met`` once the count reaches the minimum; before the year is over ``in_progress``; then ``not_met``."""
    if count >= minimum:
        return MET
    if today <= datetime.date(year, 12, 31):
        return IN_PROGRESS
    return NOT_MET
