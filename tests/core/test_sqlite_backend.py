"""core.backends.sqlite3: writers of one SQLite file queue on a file lock before BEGIN IMMEDIATE.

Each test opens its own connections to a database file in tmp_path (the suite's own database is in
memory, where there is nothing to queue on), one per thread as Django does.
"""

from __future__ import annotations

import fcntl
import threading

import pytest
from django.db.utils import ConnectionHandler

from core.backends.sqlite3.base import DatabaseWrapper

WAIT = 10  # seconds: only ever reached when something is broken


def handler(tmp_path, timeout: float = 20) -> ConnectionHandler:
    return ConnectionHandler(
        {
            "default": {
                "ENGINE": "core.backends.sqlite3",
                "NAME": str(tmp_path / "q.sqlite3"),
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "timeout": timeout,
                    "init_command": "PRAGMA journal_mode=WAL;",
                },
            }
        }
    )


def begin(connection: DatabaseWrapper) -> None:
    connection.ensure_connection()
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def end(connection: DatabaseWrapper, how: str) -> None:
    if how == "commit":
        connection.commit()
    elif how == "rollback":
        connection.rollback()
    if how != "close":
        connection.set_autocommit(True)
    else:
        connection.close()


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    # these connections are the test's own, to its own files: not the suite's database
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def table(tmp_path):
    connections = handler(tmp_path)
    with connections["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
    connections["default"].close()
    return connections


@pytest.mark.parametrize("how", ["commit", "rollback", "close"])
def test_a_second_writer_begins_once_the_first_has_finished(tmp_path, table, how):
    first = table["default"]
    begin(first)
    assert first._writer_held
    first.cursor().execute("INSERT INTO t VALUES (1)")
    events: list[str] = []
    began = threading.Event()

    def second_writer():
        second = table["default"]  # this thread's own connection
        begin(second)
        events.append(f"second began, queued on the file lock: {second._writer_held}")
        began.set()
        second.cursor().execute("INSERT INTO t VALUES (2)")
        end(second, "commit")
        second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not began.wait(0.3)  # queued behind the first writer
    events.append("first ended")
    end(first, how)
    assert began.wait(WAIT)
    thread.join(WAIT)
    assert events == ["first ended", "second began, queued on the file lock: True"]
    assert not first._writer_held
    check = table["default"]
    rows = sorted(n for (n,) in check.cursor().execute("SELECT n FROM t").fetchall())
    assert rows == ([1, 2] if how == "commit" else [2])
    check.close()


def test_a_writer_that_waited_the_busy_timeout_leaves_it_to_sqlite(tmp_path, table):
    """Someone holds the file lock but no SQLite transaction (a stuck program): after the timeout
    the writer goes on without the file lock, and SQLite, whose lock is free, lets it write."""
    with open(tmp_path / "q.sqlite3.writer-lock", "a+b") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        connection = handler(tmp_path, timeout=0.2)["default"]
        begin(connection)
        assert not connection._writer_held
        connection.cursor().execute("CREATE TABLE u (n integer)")
        end(connection, "commit")
        connection.close()


def test_an_in_memory_database_has_no_lock_file(tmp_path):
    connections = ConnectionHandler(
        {
            "default": {
                "ENGINE": "core.backends.sqlite3",
                "NAME": ":memory:",
                "OPTIONS": {"transaction_mode": "IMMEDIATE"},
            }
        }
    )
    connection = connections["default"]
    begin(connection)
    assert not connection._writer_held
    end(connection, "commit")
    connection.close()
    assert list(tmp_path.iterdir()) == []
