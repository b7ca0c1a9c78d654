"""The notary office's duty rule at its edges (waivers.duty)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from waivers.duty import IN_PROGRESS, MET, NOT_MET, notary_duty_status

YEAR = 2026


def test_four_is_met_three_is_not():
    last_day, next_day = datetime.date(YEAR, 12, 31), datetime.date(YEAR + 1, 1, 1)
    assert notary_duty_status(count=4, minimum=4, year=YEAR, today=next_day) == MET
    assert notary_duty_status(count=3, minimum=4, year=YEAR, today=last_day) == IN_PROGRESS
    assert notary_duty_status(count=3, minimum=4, year=YEAR, today=next_day) == NOT_MET
    assert notary_duty_status(count=0, minimum=0, year=YEAR, today=next_day) == MET


@given(count=st.integers(0, 50), minimum=st.integers(0, 50), days=st.integers(-400, 400))
def test_met_depends_only_on_the_count_and_the_rest_on_the_year(count, minimum, days):
    today = datetime.date(YEAR, 12, 31) + datetime.timedelta(days=days)
    status = notary_duty_status(count=count, minimum=minimum, year=YEAR, today=today)
    if count >= minimum:
        assert status == MET
    else:
        assert status == (IN_PROGRESS if days <= 0 else NOT_MET)
