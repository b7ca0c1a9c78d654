"""Transactions of the services: all or nothing, with no more statements than that needs.

A service is atomic on its own (``service_transaction``). When an orchestrating step — filing an
application with its receipt and its process, completing a task under its flow's lock — calls
several services in one transaction, a failure anywhere fails the whole step: nobody catches a
service's error and carries on in that transaction. Inside such a step (``all_or_nothing``):

- the services' own savepoints would only cost two statements each and protect nothing, so they
  open none;
- rows that only record what happened (audit rows) may be collected and written together at the
  end of the step, still inside its transaction (``step_buffer``).

Outside a step, a service nested in a caller's transaction keeps its savepoint, so a caller that
does catch its error (a test, an admin action) can go on, and everything is written at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction


@dataclass
class _Step:
    buffers: dict[str, list[Any]] = field(default_factory=dict)
    flushers: dict[str, Callable[[list[Any]], None]] = field(default_factory=dict)

    def flush(self) -> None:
        for name, items in self.buffers.items():
            if items:
                self.flushers[name](items)


_current_step: ContextVar[_Step | None] = ContextVar("legalaid_all_or_nothing_step", default=None)


@contextmanager
def all_or_nothing(*, open_transaction: bool = True) -> Iterator[None]:
    """A step that succeeds or fails as a whole; a step inside a step is part of it.

    ``open_transaction=False`` marks a block that already runs inside the step's own transaction
    (viewflow's lock opens one), without opening another.
    """
    if _current_step.get() is not None:
        yield
        return
    step = _Step()
    token = _current_step.set(step)
    try:
        if open_transaction:
            with transaction.atomic():
                yield
                step.flush()
        else:
            yield
            step.flush()
    finally:
        _current_step.reset(token)


@contextmanager
def service_transaction() -> Iterator[None]:
    """A service's own transaction; usable as a decorator (``@service_transaction()``)."""
    with transaction.atomic(savepoint=_current_step.get() is None):
        yield


def step_buffer(name: str, flush: Callable[[list[Any]], None]) -> list[Any] | None:
    """A list that lives as long as the current step and is handed to ``flush`` at its end, inside
    the step's transaction; ``None`` outside a step, where the caller writes at once."""
    step = _current_step.get()
    if step is None:
        return None
    step.flushers.setdefault(name, flush)
    return step.buffers.setdefault(name, [])
