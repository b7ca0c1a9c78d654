"""The public progress query (业务进展网上查询), throttled per address and per tracking number."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from . import selectors
from .models import Application

TRACK_LIMIT = 10
TRACK_WINDOW = 60 * 60


class Throttled(Exception):
    pass


def _miss_keys(address: str, tracking_no: str) -> list[str]:
    number = hashlib.sha256(tracking_no.strip().upper().encode()).hexdigest()[:32]
    return [f"track-miss:addr:{address}", f"track-miss:no:{number}"]


def track_lookup(*, address: str, tracking_no: str, id_tail: str) -> Application | None:
    """The application, or None on a miss; ``Throttled`` after 10 misses in an hour for the
    address or the tracking number (even a right answer then waits: a guesser learns nothing)."""
    keys = _miss_keys(address, tracking_no)
    if any(cache.get(key, 0) >= TRACK_LIMIT for key in keys):
        raise Throttled
    application = selectors.application_by_tracking(tracking_no=tracking_no.strip(), id_tail=id_tail.strip())
    if application is None:
        for key in keys:
            # add() opens the window at the first miss; incr() keeps its expiry (a fixed window)
            if not cache.add(key, 1, TRACK_WINDOW):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add() and incr()
                    cache.set(key, 1, TRACK_WINDOW)
    return application
