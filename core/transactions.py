"""Transactions of the services: all or nothing, with no more savepoints than that needs.

A service is atomic on its own (``service_transaction``). When an orchestrating step — filing an
application with its receipt and its process, completing a task under its flow's lock — calls
several services in one transaction, a failure anywhere fails the whole step: nobody catches a
service's error and carries on in that transaction. Inside such a step (``all_or_nothing``) the
services' own savepoints would only cost two statements each and protect nothing, so they open none.
Outside one, a service nested in a caller's transaction keeps its savepoint, so a caller that does
catch its error (a test, an admin action) can go on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_whole_step: ContextVar[bool] = ContextVar("legalaid_all_or_nothing", default=False)


@contextmanager
def all_or_nothing(*, open_transaction: bool = True) -> Iterator[None]:
    """A step that succeeds or fails as a whole.

    ``open_transaction=False`` marks a block that already runs inside the step's own transaction
    (viewflow's lock opens one), without opening another.
    """
    token = _whole_step.set(True)
    try:
        if open_transaction:
            with transaction.atomic():
                yield
        else:
            yield
    finally:
        _whole_step.reset(token)


@contextmanager
def service_transaction() -> Iterator[None]:
    """A service's own transaction; usable as a decorator (``@service_transaction()``)."""
    with transaction.atomic(savepoint=not _whole_step.get()):
        yield
