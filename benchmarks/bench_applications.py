"""Throughput and SQL statements of the application process, driven through the API in-process.

For each of N applications: the applicant files it (POST /api/v1/applications/), the reviewer lists
the queue (GET /api/v1/tasks/?scope=queue) and approves the first task
(POST /api/v1/tasks/{id}/complete/). Each backend runs in a subprocess of this script, on a
throwaway database (SQLite in a temporary directory; PostgreSQL ``legalaid_bench`` when a server
answers on 127.0.0.1:5432), with ``tests.settings``.

    .venv/bin/python benchmarks/bench_applications.py [--n 1000] [--backend sqlite|postgres|all]

Not part of the test suite (pytest collects only ``tests/``); ``make bench`` runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT, PG_USER, PG_DB = "127.0.0.1", 5432, "postgres", "legalaid_bench"
PG_ADMIN_URL = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres"
RESULT_PREFIX = "BENCH-RESULT "
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


# --- parent: one subprocess per backend -----------------------------------------------------


def postgres_answers() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            pass
    except OSError:
        return False
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception as exc:  # any failure means: no usable server
        print(f"postgres: port {PG_PORT} open but no connection as {PG_USER!r}: {exc}")
        return False


def run_child(backend: str, n: int) -> dict | None:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", backend, "--n", str(n)]
    result = None
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            if line.startswith(RESULT_PREFIX):
                result = json.loads(line[len(RESULT_PREFIX) :])
            else:
                print(line, end="", flush=True)
    if process.returncode != 0:
        print(f"{backend}: the benchmark failed (exit {process.returncode})")
        return None
    return result


def report(results: list[dict]) -> None:
    print()
    print("backend    N      seconds  apps/s  stmts/app (data+control)  first  last   min  max")
    for r in results:
        print(
            f"{r['backend']:<10} {r['n']:<6} {r['seconds']:>7.1f}  {r['per_second']:>6.1f}  "
            f"{r['avg_statements']:>6.1f} ({r['avg_data']:.1f}+{r['avg_control']:.1f})"
            f"{'':>10}{r['first']:>5}  {r['last']:>5} {r['min']:>5} {r['max']:>4}"
        )
    for r in results:
        phases = ", ".join(f"{name} {first}→{last}" for name, (first, last) in r["phases"].items())
        print(f"{r['backend']}: statements per request, first→last application: {phases}")
        print(
            f"{r['backend']}: applications/s in the first tenth {r['first_stretch_rate']:.1f}, "
            f"in the last tenth {r['last_stretch_rate']:.1f}"
        )
        print(f"{r['backend']}: setup (migrate, reference rows) {r['setup_seconds']:.1f} s, not counted")


def main_parent(args) -> int:
    backends = ["sqlite", "postgres"] if args.backend == "all" else [args.backend]
    results = []
    failed = False
    for backend in backends:
        if backend == "postgres" and not postgres_answers():
            message = f"postgres: no server on {PG_HOST}:{PG_PORT}"
            if args.backend == "postgres":
                print(message)
                return 1
            print(message + ", skipped")
            continue
        result = run_child(backend, args.n)
        if result is None:
            failed = True
        else:
            results.append(result)
    report(results)
    return 1 if failed else 0


# --- child: one backend ---------------------------------------------------------------------


def prepare_postgres() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_DB)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DB)))


def drop_postgres() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_DB)))


def setup_world():
    """The reference rows: 珠山's aid center, its economic standard, an applicant and a reviewer."""
    import datetime
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from aid_cases.models import EconomicStandard
    from directory import services
    from directory.choices import OrganisationKind, Role
    from directory.models import Region

    zhushan = Region.objects.get(code="zhushan")
    center = services.organisation_create(
        acting_user=None, kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=zhushan
    )
    EconomicStandard.objects.create(
        region=zhushan,
        kind="low_income",
        monthly_amount=Decimal("1200.00"),
        valid_from=datetime.date(2020, 1, 1),
    )
    users = get_user_model().objects
    applicant = users.create_user(username="bench_applicant", password="bench-pw-123")
    applicant.groups.add(Group.objects.get(name="applicant"))
    reviewer = users.create_user(username="bench_reviewer", password="bench-pw-123")
    services.membership_grant(acting_user=None, user=reviewer, organisation=center, role=Role.REVIEWER)
    return applicant, reviewer


def payload(i: int) -> dict:
    import datetime

    from tests.factories import resident_id

    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=(i * 37) % 18000)
    return {
        "channel": "online",
        "region": "zhushan",
        "applicant": {
            "name": f"申请人{i}",
            "id_number": resident_id(birth, seq=f"{i % 1000:03d}"),
            "phone": f"139{i:08d}",
            "address": f"珠山区新村路{i}号",
        },
        "categories": [],
        "matter": {
            "category": "civil",
            "type": "maintenance",
            "summary": "子女拒付赡养费",
            "opposing_party": "王某",
        },
        "household": {"size": 2, "monthly_income": "1800.00", "fixed_income": True},
        "urgent_deadline": None,
        "pledge": True,
    }


def main_child(backend: str, n: int) -> int:
    with tempfile.TemporaryDirectory(prefix="legalaid-bench-") as tmp:
        if backend == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            prepare_postgres()
            os.environ["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}"
        os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        sys.path.insert(0, str(ROOT))
        try:
            return measure(backend, n)
        finally:
            from django.db import connections

            connections.close_all()
            if backend == "postgres":
                drop_postgres()


def measure(backend: str, n: int) -> int:
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at")  # whitenoise: no collectstatic here, as in pytest

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from rest_framework.test import APIClient

    setup_test_environment()  # as the test runner does: locmem e-mail, ALLOWED_HOSTS for "testserver"
    db = settings.DATABASES["default"]
    print(f"{backend}: {db['ENGINE']} {db['NAME']} {db.get('OPTIONS', {})}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    applicant, reviewer = setup_world()
    setup_seconds = time.perf_counter() - started

    filer, decider = APIClient(), APIClient()
    filer.force_authenticate(applicant)
    decider.force_authenticate(reviewer)
    phases = ("file", "queue", "complete")
    per_app: list[dict[str, int]] = []
    control = 0
    report_every = max(1, n // 10)
    started = last_report = time.perf_counter()
    interval_rates: list[float] = []
    for i in range(n):
        reset_queries()  # the query log keeps 9,000 entries; a full log counts 0
        counts = {}
        with CaptureQueriesContext(connection) as filing:
            filed = filer.post("/api/v1/applications/", payload(i), format="json")
        assert filed.status_code == 201, filed.content
        counts["file"] = len(filing)
        with CaptureQueriesContext(connection) as listing:
            queue = decider.get("/api/v1/tasks/", {"scope": "queue"})
        assert queue.status_code == 200, queue.content
        task = queue.json()["results"][0]
        assert task["name"] == "review" and task["application_id"] == filed.json()["id"], task
        counts["queue"] = len(listing)
        with CaptureQueriesContext(connection) as completing:
            done = decider.post(
                f"/api/v1/tasks/{task['id']}/complete/", {"outcome": "approve"}, format="json"
            )
        assert done.status_code == 200, done.content
        counts["complete"] = len(completing)
        for ctx in (filing, listing, completing):
            control += sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(CONTROL))
        per_app.append(counts)
        if (i + 1) % report_every == 0 or i + 1 == n:
            now = time.perf_counter()
            done_here = (i + 1) % report_every or report_every
            interval_rates.append(done_here / (now - last_report))
            last_report = now
            print(
                f"{backend}: {i + 1}/{n} in {now - started:.1f} s, {interval_rates[-1]:.1f}/s in this stretch, "
                f"{sum(counts.values())} statements for the last one",
                flush=True,
            )
    seconds = time.perf_counter() - started
    reset_queries()

    from aid_cases.models import Application

    approved = Application.objects.filter(status="approved").count()
    assert approved == n, f"{approved} of {n} approved"
    totals = [sum(c.values()) for c in per_app]
    result = {
        "backend": backend,
        "n": n,
        "seconds": seconds,
        "per_second": n / seconds,
        "setup_seconds": setup_seconds,
        "avg_statements": sum(totals) / n,
        "avg_control": control / n,
        "avg_data": (sum(totals) - control) / n,
        "first": totals[0],
        "last": totals[-1],
        "min": min(totals),
        "max": max(totals),
        "phases": {p: (per_app[0][p], per_app[-1][p]) for p in phases},
        "first_stretch_rate": interval_rates[0],
        "last_stretch_rate": interval_rates[-1],
    }
    print(
        f"{backend}: N={n}, {seconds:.1f} s, {n / seconds:.1f} applications/s (filed + decided), "
        f"{result['avg_statements']:.1f} statements/application, first {totals[0]}, last {totals[-1]}"
    )
    print(RESULT_PREFIX + json.dumps(result))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="applications to file and decide (default 1000)")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.n < 1:
        parser.error("--n must be at least 1")
    if args.child:
        return main_child(args.child, args.n)
    return main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
