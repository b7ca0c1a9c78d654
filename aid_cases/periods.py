"""Deadline arithmetic for legal-aid periods (docs/domain.md, periods): pure functions over plain values.

Nothing here touches the database. Callers load the local overrides (the admin table of
date → working day / rest day) and the pauses (supplement notices) themselves and pass them in.

Semantics
---------
* **The day of receipt is not counted.** Counting begins on the day after ``start`` (PRC Criminal
  Procedure Law Art 105 counts periods so). A 1-working-day period received on a Monday is due on
  Tuesday; a receipt on a Saturday starts counting on Sunday.
* **Working days** (:class:`WorkCalendar`): Saturdays, Sundays and the public holidays of mainland
  China (``holidays.China``) are rest days; the substituted working days (调休, ``holidays.China``'s
  ``weekend_workdays``) are working days even though they fall on a weekend. Local overrides
  (``date -> is_working_day``) win over both.
* ``CountingMode.WORKING``: the due date is the ``days``-th counted working day after ``start``.
* ``CountingMode.CALENDAR``: the due date is the ``days``-th counted day after ``start``; if that day
  is a rest day (weekend or holiday, as the calendar says, substituted working days and overrides
  included) the period ends on the next working day.
* **Pauses** (the review clock stops while a supplement is outstanding): a day ``d`` with
  ``pause.start < d <= pause.end`` is not counted. The day the notice was issued counts (if it
  otherwise would); the days after it, up to and including the day the supplement arrived, do not.
  Pauses may overlap and come in any order. In calendar mode the move to the next working day also
  skips paused days, so a due date is never a paused day. If any pause is still outstanding
  (``end is None``) the clock is stopped and :func:`add_period` returns ``None``.
* ``days`` must be at least 1 and a pause may not end before it starts (``ValueError``).
* :func:`count_working_days_between` counts working days ``d`` with ``a < d <= b`` (0 when
  ``b <= a``), e.g. "overdue by N working days" is ``count_working_days_between(due, today, cal)``.

The holiday data is built lazily, one ``holidays.China`` object per year when a date of that year is
first asked about, reduced to two frozensets (rest days, substituted working days) and cached for
the process; periods that cross a year boundary just load the next year. Years the package has no
official schedule for yet (the State Council publishes it in the preceding November/December) hold
only the package's computed fixed holidays and no 调休: record the real schedule as local overrides
or upgrade ``holidays``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

__all__ = [
    "CountingMode",
    "Pause",
    "WorkCalendar",
    "add_period",
    "count_working_days_between",
]

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class CountingMode(StrEnum):
    WORKING = "working"
    CALENDAR = "calendar"


@lru_cache(maxsize=256)
def _china_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays, substituted working days) of mainland China in ``year``.

    Built once per year from a fresh ``holidays.China(years=year)``; only the dates of that year are
    kept (the package's ``weekend_workdays`` also carries a few dates of other years) and the object
    is dropped, so later lookups never expand it.
    """
    cn = holidays.China(years=year)
    rest = frozenset(d for d in cn if d.year == year)
    workdays = frozenset(d for d in cn.weekend_workdays if d.year == year)
    return rest, workdays


class WorkCalendar:
    """Working days of mainland China: weekends and public holidays are rest days, substituted
    working days (调休, holidays.China's weekend_workdays) are working days; local overrides
    (a mapping date -> is_working_day, from an admin table) win over both."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = dict(overrides or {})

    def __repr__(self) -> str:
        return f"WorkCalendar(overrides={len(self._overrides)})"

    def is_working_day(self, day: date) -> bool:
        override = self._overrides.get(day)
        if override is not None:
            return bool(override)
        rest, workdays = _china_year(day.year)
        if day in rest:
            return False
        if day in workdays:
            return True
        return day.weekday() < _SATURDAY

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day


@dataclass(frozen=True)
class Pause:
    """The review clock stops while a supplement is outstanding."""

    start: date  # the day the supplement notice was issued
    end: date | None  # the day the supplement arrived; None = still outstanding

    def covers(self, day: date) -> bool:
        """Whether ``day`` is not counted because of this pause (``start < day <= end``)."""
        return self.end is not None and self.start < day <= self.end


def _merge_pauses(pauses: Sequence[Pause]) -> list[tuple[date, date]] | None:
    """Validate and merge finished pauses into sorted disjoint (start, end] intervals.

    Returns None when a pause is still outstanding.
    """
    intervals: list[tuple[date, date]] = []
    outstanding = False
    for pause in pauses:
        if pause.end is None:
            outstanding = True
            continue
        if pause.end < pause.start:
            raise ValueError(f"pause ends ({pause.end}) before it starts ({pause.start})")
        if pause.end > pause.start:
            intervals.append((pause.start, pause.end))
    if outstanding:
        return None
    intervals.sort()
    merged: list[tuple[date, date]] = []
    for lo, hi in intervals:
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


class _PausedDays:
    """Membership test for paused days over merged intervals, for days visited in increasing order."""

    def __init__(self, intervals: list[tuple[date, date]]) -> None:
        self._intervals = intervals
        self._i = 0

    def __contains__(self, day: date) -> bool:
        intervals = self._intervals
        while self._i < len(intervals) and intervals[self._i][1] < day:
            self._i += 1
        return self._i < len(intervals) and intervals[self._i][0] < day


def add_period(
    start: date,
    days: int,
    *,
    mode: CountingMode,
    calendar: WorkCalendar,
    pauses: Sequence[Pause] = (),
) -> date | None:
    """Due date of a period of ``days`` received on ``start`` (see the module docstring).

    Returns None while any pause is outstanding (the clock is stopped).
    """
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("days must be an int")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    mode = CountingMode(mode)
    merged = _merge_pauses(pauses)
    if merged is None:
        return None
    paused = _PausedDays(merged)

    day = start
    remaining = days
    if mode is CountingMode.WORKING:
        while remaining:
            day += _ONE_DAY
            if day not in paused and calendar.is_working_day(day):
                remaining -= 1
        return day

    while remaining:
        day += _ONE_DAY
        if day not in paused:
            remaining -= 1
    while day in paused or not calendar.is_working_day(day):
        day += _ONE_DAY
    return day


def count_working_days_between(a: date, b: date, calendar: WorkCalendar) -> int:
    """Number of working days ``d`` with ``a < d <= b`` (0 when ``b <= a``)."""
    count = 0
    day = a + _ONE_DAY
    while day <= b:
        if calendar.is_working_day(day):
            count += 1
        day += _ONE_DAY
    return count
