"""Counts the SQL statements of each request and returns them in the ``X-Bench-SQL`` header.

``X-Bench-SQL: <total> <control> <after> <after_control>``

- total, control: the statements run while the request went through the middleware stack; control
  counts BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE (the total includes them).
- after, after_control: the statements this worker process ran since its previous response was
  returned, outside any request: the work a request leaves for after its response (a letter
  rendered on ``request_finished``, documents.rendering). It cannot travel in its own response,
  which has gone, so it travels in the next one of the same process. Summed over a run, the four
  figures count everything the server ran, but for the last after-response work of each process.

The figures match what bench_applications.py counts with Django's query log
(CaptureQueriesContext, around the test client's call, which fires ``request_finished`` too),
without turning the query log on in the server. Statements sent through a cursor are seen by a
``connection.execute_wrapper``. COMMIT, ROLLBACK and PostgreSQL's BEGIN are not: Django sends them
as DB-API calls (``connection.commit()``, ``autocommit = False``) and reports them only through
``debug_transaction()``, which is wrapped here for that reason. Not counted by either: what a
backend sends when it opens a connection (SQLite's PRAGMAs, PostgreSQL's session set-up) and the
``SELECT 1`` of a health check; they show in the calls per second, not here. A Celery worker's
statements are not counted either.

Used only by benchmarks/bench_settings.py, outermost, so that every middleware's queries count.
Gunicorn's sync workers serve one request at a time per process, in one thread: one counter per
process, and one connection object per process that keeps its execute wrapper across requests.
"""

from __future__ import annotations

import contextlib

from django.db import connection
from django.db.backends.base import base as backend_base

HEADER = "X-Bench-SQL"
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class _Counter:
    def __init__(self):
        self.in_request = False
        # [total, control] inside the current request, and outside any request since the last one
        self.request = [0, 0]
        self.outside = [0, 0]

    def add(self, sql: str) -> None:
        bucket = self.request if self.in_request else self.outside
        bucket[0] += 1
        if sql.lstrip()[:9].upper().startswith(CONTROL):
            bucket[1] += 1


_counter = _Counter()
_debug_transaction = backend_base.debug_transaction


@contextlib.contextmanager
def _counting_debug_transaction(conn, sql):
    _counter.add(sql)  # on entry, as an execute wrapper counts a statement before it runs
    with _debug_transaction(conn, sql):
        yield


# base.py imported the name; replacing it there is what makes commit(), rollback() and
# set_autocommit(False) report to the counter.
backend_base.debug_transaction = _counting_debug_transaction


def _count_statement(execute, sql, params, many, context):
    _counter.add(sql)
    return execute(sql, params, many, context)


class SQLCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Installed for good rather than with `with connection.execute_wrapper(...)`: the statements
        # run after the response (request_finished) must be seen too. The wrapper list belongs to
        # the connection object, which outlives the database connection it opens and closes.
        if _count_statement not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count_statement)
        after, _counter.outside = _counter.outside, [0, 0]
        _counter.request = [0, 0]
        _counter.in_request = True
        try:
            response = self.get_response(request)
        finally:
            _counter.in_request = False
        response[HEADER] = f"{_counter.request[0]} {_counter.request[1]} {after[0]} {after[1]}"
        return response
