"""Reference data read on every filing, cached for a short while: centers, rule rows, the calendar.

A filing reads the competent center, the economic standard, the period rule and the calendar's
local overrides; a decision reads the period rule again for its letter. These rows change rarely,
through the admin, and each read costs a query. They are kept in Django's cache (Redis in
production, shared by every worker) under a generation number for ``REFDATA_CACHE_SECONDS``
(default 60; 0 turns the cache off). Saving or deleting any of these rows starts a new generation
at once and again when its transaction commits, so every process sharing the cache reads the
change from then on. With the local-memory cache (no ``REDIS_URL``) other worker processes see a
change within the timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

_GENERATION = "refdata:generation"
_MISSING = object()


def refdata(key: str, loader: Callable[[], T]) -> T:
    """The cached value of ``key``, loaded by ``loader`` (from the database) when missing."""
    timeout = getattr(settings, "REFDATA_CACHE_SECONDS", 60)
    if not timeout:
        return loader()
    full_key = f"refdata:{cache.get(_GENERATION, 0)}:{key}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = loader()
        cache.set(full_key, value, timeout)
    return value


def refdata_changed(**kwargs: Any) -> None:
    """A signal receiver (post_save, post_delete) for every model whose rows ``refdata`` caches."""
    _new_generation()
    # Again once the change is visible to others: a process that read the old row in between must
    # not keep it under the new generation.
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.incr(_GENERATION)
    except ValueError:  # no generation yet, or evicted
        cache.set(_GENERATION, 1, None)
