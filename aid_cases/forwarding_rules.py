"""The forwarding period of a detainee's application (Art 39): the rule row in force and a pure test.

Art 39: a person held in custody (a detention center, or a police unit, procuratorate or court holding
them) applies through the unit, which forwards the application to the aid center **within 24 hours**.
The period is counted in clock hours from the time the unit received the request, not in days and
not in working days: it runs through nights, weekends and holidays alike. A request received at 23:00
on a Friday must be forwarded by 23:00 on Saturday; exactly 24 hours later is still in time.

The hours are a rule row (``ForwardingRule``: per region, or for every region) so that a local rule
can shorten them; without a row the statute's 24 hours apply.
"""

from __future__ import annotations

import datetime

from django.db.models import F, Q

from directory.models import Region

from .models import ForwardingRule

__all__ = ["DEFAULT_RULE", "STATUTORY_HOURS", "forward_due", "forward_is_late", "forwarding_rule_in_force"]

STATUTORY_HOURS = 24
# The statute's period when no rule row is in force (unsaved: a forward records its hours, not a row).
DEFAULT_RULE = ForwardingRule(hours=STATUTORY_HOURS, valid_from=datetime.date(2022, 1, 1))


def forwarding_rule_in_force(region: Region | None, day: datetime.date) -> ForwardingRule:
    """The region's own row in force on ``day``, else the row for every region, else the statute's
    24 hours (unsaved). One query.

    Not cached with the other reference data (``core.refdata``): a unit forwards a few requests a
    day, and an uncached row is never stale after an administrator changes it."""
    own = Q(region=region) if region is not None else Q(pk__in=[])
    row = (
        ForwardingRule.objects.filter(own | Q(region__isnull=True), valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by(F("region").asc(nulls_last=True), "-valid_from")
        .first()
    )
    return row or DEFAULT_RULE


def _check(moment: datetime.datetime, name: str) -> None:
    if not isinstance(moment, datetime.datetime):
        raise TypeError(f"{name} must be a datetime")
    if moment.tzinfo is None or moment.utcoffset() is None:
        # a naive time could be read in two zones: the hours between two of them would be a guess
        raise ValueError(f"{name} must be timezone-aware")


def forward_due(received_at: datetime.datetime, hours: int) -> datetime.datetime:
    """The last moment the unit forwards in time: ``hours`` clock hours after it received the request."""
    _check(received_at, "received_at")
    if isinstance(hours, bool) or not isinstance(hours, int) or hours < 1:
        raise ValueError("hours must be a positive whole number")
    return received_at + datetime.timedelta(hours=hours)


def forward_is_late(received_at: datetime.datetime, forwarded_at: datetime.datetime, hours: int) -> bool:
    """Whether a forward made at ``forwarded_at`` is later than ``hours`` clock hours after the unit
    received the request at ``received_at``. Exactly ``hours`` later is in time; a second more is late.

    Elapsed time between two aware moments, whatever zones they are given in.
    """
    _check(forwarded_at, "forwarded_at")
    return forwarded_at > forward_due(received_at, hours)
