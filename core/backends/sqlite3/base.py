"""Django's SQLite backend, with the writers of one database file queued on a file lock.

Every transaction here begins ``IMMEDIATE`` (``config/settings.py``, ``_tune_sqlite``): it takes
SQLite's write lock at ``BEGIN``, and a second writer waits on the busy timeout. SQLite's own
waiting is coarse: it sleeps 1, 2, 5, 10, 15, 20 ... ms between tries, so a writer queued behind
a 5 ms transaction typically starts 8 or 18 ms after it began, and with two gunicorn workers
about half of all transactions waited so. Measured with ``make bench``'s complete cases on two
workers: some 6 ms per transaction asleep, a quarter of each worker's time.

So a writer first takes an exclusive ``flock`` on ``<database>.writer-lock``, beside the
database, and only then sends ``BEGIN IMMEDIATE``; it lets go at commit, rollback or close. The
next writer polls that lock every 0.05 to 1 ms (a system call, no statement), and starts within a
millisecond of the previous commit. The file lock only orders the writers: SQLite's lock still
guarantees isolation. A process that dies holding it loses it with its file descriptors; a writer
that has waited for the whole busy timeout (``OPTIONS["timeout"]``) goes on to ``BEGIN IMMEDIATE``
without it, and SQLite decides as before. Programs that do not use this backend (the ``sqlite3``
shell) simply wait on SQLite's lock. In-memory databases (the test suite's) have no file to
queue on and behave as Django's backend.
"""

from __future__ import annotations

import fcntl
import os
import time
from typing import IO, Any

from django.db.backends.sqlite3 import base

FIRST_PAUSE = 0.00005  # seconds between tries, doubling up to LAST_PAUSE
LAST_PAUSE = 0.001
DEFAULT_TIMEOUT = 5.0  # Python's sqlite3 default, when OPTIONS has no "timeout"


# django-stubs leave out the private hooks overridden here (and the backend's transaction_mode):
# they exist on every backend since Django 1.x and on SQLite's since 5.1; hence the ignores.
class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_file: IO[bytes] | None = None
        self._writer_pid: int | None = None
        self._writer_held = False

    # --- the lock file ------------------------------------------------------------------------

    def _writer_lock_file(self) -> IO[bytes] | None:
        mode = self.transaction_mode  # type: ignore[attr-defined]
        if mode != "IMMEDIATE" or self.is_in_memory_db():
            return None
        # A process forked after opening it (a prefork worker) shares the parent's open file and
        # so its lock: each process opens its own.
        if self._writer_file is None or self._writer_pid != os.getpid():
            self._writer_file = open(f"{self.settings_dict['NAME']}.writer-lock", "a+b")  # noqa: SIM115
            self._writer_pid = os.getpid()
        return self._writer_file

    def _queue_as_writer(self) -> None:
        """Take the file lock, or give up after the busy timeout and leave it to SQLite's lock."""
        lock_file = self._writer_lock_file()
        if lock_file is None or self._writer_held:
            return
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT))
        deadline = time.monotonic() + timeout
        pause = FIRST_PAUSE
        while True:
            try:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return
                time.sleep(pause)
                pause = min(pause * 2, LAST_PAUSE)
                continue
            self._writer_held = True
            return

    def _leave_writers_queue(self) -> None:
        if self._writer_held:
            self._writer_held = False
            if self._writer_file is not None and self._writer_pid == os.getpid():
                fcntl.flock(self._writer_file.fileno(), fcntl.LOCK_UN)

    # --- Django's transaction hooks -------------------------------------------------------------

    def _start_transaction_under_autocommit(self) -> None:
        self._queue_as_writer()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._leave_writers_queue()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._leave_writers_queue()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._leave_writers_queue()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._leave_writers_queue()
            if self._writer_file is not None:
                self._writer_file.close()
                self._writer_file = None
