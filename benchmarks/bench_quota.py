"""Time of the annual-duty report (assignments.quota) on a province-sized data set, beside the single
hand-written GROUP BY query that computes the same figures.

Builds 1,000 law firms with 20,000 lawyers (20 each), 400,000 assignments (85% accepted, 10% declined,
5% replaced, accepted over 2025–2026), 600,000 service logs (70% verified, 20% pending, 10% rejected)
and about 40,000 duty-lawyer days — the data set of the shared floor's ``quota_bench.py``, in this
project's own tables — then times, as the median of ``--runs`` runs:

- ``hand_sql``: one GROUP BY statement over the same tables (cases, verified hours, duty days per lawyer);
- ``city_lawyers``: ``lawyer_duty_rows(year=2026)``, every lawyer's figures and status (what the bureau's
  report and the exports read);
- ``city_firms``: ``firm_duty_rows(year=2026)``, the whole-city firm report;
- ``one_firm``: ``lawyer_duty_rows(year=2026, firm_ids=[…])``, one firm's report.

It checks that the report agrees with the hand-written query for every lawyer, and prints the
statements each report costs (constant: they do not grow with the number of lawyers).

Each backend runs in a subprocess on a throwaway database (SQLite in a temporary directory; PostgreSQL
``legalaid_bench_quota`` when a server answers on 127.0.0.1:5432). The data set puts many
assignments on one placeholder case, so the "one live assignment per case" index is dropped in that
throwaway database; nothing else differs from a migrated installation.

    .venv/bin/python benchmarks/bench_quota.py [--backend sqlite|postgres|all] [--runs 5] [--scale 1.0]

``--scale 0.05`` builds a twentieth of the data (a quick check). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_recommend import PG_ADMIN_URL, PG_HOST, PG_PORT, PG_USER, postgres_answers  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "legalaid_bench_quota"
RESULT_PREFIX = "BENCH-RESULT "
FIRMS, PER_FIRM, ASSIGNMENTS, LOGS, DUTY_DAYS = 1000, 20, 400_000, 600_000, 40_000
YEAR = 2026

HAND_SQL = """
WITH a AS (SELECT provider_id, COUNT(*) AS cases FROM assignments_assignment
           WHERE status IN ('accepted', 'cancelled') AND accepted_on >= %s AND accepted_on < %s
           GROUP BY provider_id),
s AS (SELECT provider_id, SUM(hours) AS hours FROM assignments_servicelog
      WHERE status = 'verified' AND date >= %s AND date < %s GROUP BY provider_id),
d AS (SELECT provider_id, SUM(hours) AS hours, COUNT(DISTINCT day) AS days FROM assignments_dutylawyerrecord
      WHERE day >= %s AND day < %s GROUP BY provider_id)
SELECT l.id, l.organisation_id, COALESCE(a.cases, 0), COALESCE(s.hours, 0), COALESCE(d.hours, 0),
       COALESCE(d.days, 0)
FROM directory_provider l JOIN directory_organisation o ON o.id = l.organisation_id
LEFT JOIN a ON a.provider_id = l.id LEFT JOIN s ON s.provider_id = l.id LEFT JOIN d ON d.provider_id = l.id
WHERE l.kind = 'lawyer' AND l.active AND o.kind = 'law_firm' AND o.active
ORDER BY o.name, l.id
"""


# --- parent: one subprocess per backend -------------------------------------------------------


def run_child(backend: str, runs: int, scale: float) -> dict | None:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        backend,
        "--runs",
        str(runs),
        "--scale",
        str(scale),
    ]
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
    print("backend    report         median ms  min ms  × hand SQL  statements")
    for r in results:
        hand = r["cases"]["hand_sql"]["median_ms"]
        for name, c in r["cases"].items():
            print(
                f"{r['backend']:<10} {name:<13} {c['median_ms']:>10.1f}  {c['min_ms']:>6.1f}  "
                f"{c['median_ms'] / hand:>10.2f}  {c['statements']:>10}"
            )
    for r in results:
        print(
            f"{r['backend']}: {r['lawyers']} lawyers in {r['firms']} firms, {r['assignments']} assignments, "
            f"{r['logs']} service logs, {r['duty_days']} duty days; setup {r['setup_seconds']:.0f} s (not "
            f"counted); the report agrees with the hand-written query for {r['agreeing']} of {r['lawyers']} "
            f"lawyers; statuses {r['statuses']}"
        )


def main_parent(args) -> int:
    backends = ["sqlite", "postgres"] if args.backend == "all" else [args.backend]
    results, failed = [], False
    for backend in backends:
        if backend == "postgres" and not postgres_answers():
            print(f"postgres: no server on {PG_HOST}:{PG_PORT}, skipped")
            if args.backend == "postgres":
                return 1
            continue
        result = run_child(backend, args.runs, args.scale)
        if result is None:
            failed = True
        else:
            results.append(result)
    report(results)
    return 1 if failed else 0


# --- child: one backend ---------------------------------------------------------------------


def _postgres_database(action: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_DB)))
        if action == "create":
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DB)))


def main_child(backend: str, runs: int, scale: float) -> int:
    with tempfile.TemporaryDirectory(prefix="legalaid-bench-quota-") as tmp:
        if backend == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            _postgres_database("create")
            os.environ["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}"
        os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        sys.path.insert(0, str(ROOT))
        try:
            return measure(backend, runs, scale)
        finally:
            from django.db import connections

            connections.close_all()
            if backend == "postgres":
                _postgres_database("drop")


def build_world(scale: float) -> dict:
    """The data set, with deterministic random figures (bulk inserts; not timed)."""
    import datetime
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from aid_cases.models import Applicant, Application
    from assignments.models import Assignment, DutyLawyerRecord, ServiceLog
    from directory.models import Organisation, Provider, Region
    from tests.factories import credit_code

    rng = random.Random(20260101)
    firms_n = max(1, int(FIRMS * scale))
    lawyers_n = firms_n * PER_FIRM
    user = get_user_model().objects.create(username="bench")
    zhushan = Region.objects.get(code="zhushan")
    regions = list(Region.objects.exclude(code="jdz"))
    center = Organisation.objects.create(kind="aid_center", name="珠山区法律援助中心", region=zhushan)
    court = Organisation.objects.create(kind="court", name="珠山区人民法院", region=zhushan)
    firms = Organisation.objects.bulk_create(
        [
            Organisation(
                kind="law_firm",
                name=f"律所{i:04d}",
                region=regions[i % len(regions)],
                credit_code=credit_code(i + 1),
            )
            for i in range(firms_n)
        ],
        batch_size=2000,
    )
    lawyers = Provider.objects.bulk_create(
        [
            Provider(
                name=f"律师{i:05d}",
                kind="lawyer",
                organisation=firms[i // PER_FIRM],
                practice_start=datetime.date(2015, 1, 1),
            )
            for i in range(lawyers_n)
        ],
        batch_size=2000,
    )
    application = Application.objects.create(
        tracking_no="JDZ-BENCH-000001",
        region=zhushan,
        center=center,
        channel="window",
        filed_by=user,
        applicant=Applicant.objects.create(name="受援人"),
        matter_category="civil",
        matter_type="maintenance",
        matter_summary="案情",
        household_size=1,
        monthly_income=Decimal(0),
        pledged_at=timezone.now(),
        means_result="pass",
        received_on=datetime.date(2025, 1, 1),
        status="in_progress",
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX assignment_one_live_per_case")
    # a few lawyers carry most of the work, as in life (log-normal weights)
    cumulative, total = [], 0.0
    for _ in range(lawyers_n):
        total += rng.lognormvariate(0, 1.5)
        cumulative.append(total)
    ids = [p.pk for p in lawyers]
    firm_of = {p.pk: p.organisation_id for p in lawyers}
    days = [datetime.date(2025, 1, 1) + datetime.timedelta(d) for d in range(730)]
    counts = {
        "assignments": int(ASSIGNMENTS * scale),
        "logs": int(LOGS * scale),
        "duty": int(DUTY_DAYS * scale),
    }
    with transaction.atomic():
        batch = []
        for lawyer in rng.choices(ids, cum_weights=cumulative, k=counts["assignments"]):
            r = rng.random()
            status = "accepted" if r < 0.85 else ("declined" if r < 0.95 else "replaced")
            batch.append(
                Assignment(
                    application=application,
                    provider_id=lawyer,
                    organisation_id=firm_of[lawyer],
                    aid_form="representation",
                    status=status,
                    assigned_by=user,
                    accepted_on=None if status == "declined" else days[rng.randrange(730)],
                )
            )
        Assignment.objects.bulk_create(batch, batch_size=5000)
        batch = []
        for lawyer in rng.choices(ids, cum_weights=cumulative, k=counts["logs"]):
            r = rng.random()
            batch.append(
                ServiceLog(
                    provider_id=lawyer,
                    organisation_id=firm_of[lawyer],
                    center=center,
                    activity="consultation",
                    date=days[rng.randrange(730)],
                    hours=Decimal(rng.randrange(1, 33)) / 4,
                    organiser="社区法律服务站",
                    description="值班咨询",
                    status="verified" if r < 0.70 else ("pending" if r < 0.90 else "rejected"),
                    logged_by=user,
                )
            )
        ServiceLog.objects.bulk_create(batch, batch_size=5000)
        seen, batch = set(), []
        for lawyer in rng.choices(ids, cum_weights=cumulative, k=counts["duty"]):
            day = days[rng.randrange(730)]
            if (lawyer, day) in seen:
                continue
            seen.add((lawyer, day))
            batch.append(
                DutyLawyerRecord(
                    post=court,
                    center=center,
                    provider_id=lawyer,
                    day=day,
                    without_defender=2,
                    helped=1,
                    hours=Decimal("4.0"),
                    recorded_by=user,
                )
            )
        DutyLawyerRecord.objects.bulk_create(batch, batch_size=5000)
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM as well, as the shared floor does. Freshly bulk-loaded tables have no
        # visibility map yet, so every index-only scan would visit the heap; on a running server
        # autovacuum keeps that map current, and the report's subqueries are index-only scans.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "firms": firms_n,
        "lawyers": lawyers_n,
        "assignments": counts["assignments"],
        "logs": counts["logs"],
        "duty_days": len(seen),
        "one_firm": firms[len(firms) // 2].pk,
    }


def measure(backend: str, runs: int, scale: float) -> int:
    import datetime

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from assignments import quota

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    world = build_world(scale)
    setup = time.perf_counter() - started
    print(f"{backend}: data built in {setup:.0f} s", flush=True)

    bounds = [datetime.date(YEAR, 1, 1), datetime.date(YEAR + 1, 1, 1)] * 3
    params = bounds if connection.vendor == "postgresql" else [d.isoformat() for d in bounds]

    def hand_sql():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, params)
            return cursor.fetchall()

    today = datetime.date(YEAR, 11, 1)
    cases = {
        "hand_sql": hand_sql,
        "city_lawyers": lambda: quota.lawyer_duty_rows(year=YEAR, today=today),
        "city_firms": lambda: quota.firm_duty_rows(year=YEAR, today=today),
        "one_firm": lambda: quota.lawyer_duty_rows(year=YEAR, firm_ids=[world["one_firm"]], today=today),
    }
    # Runs interleaved (hand SQL, then each report, then again), so a slow spell of a shared machine
    # falls on every case alike instead of on whichever ran then.
    times: dict[str, list[float]] = {name: [] for name in cases}
    for call in cases.values():
        call()  # warm: plans and caches, as a running server has them
    for _ in range(runs):
        for name, call in cases.items():
            reset_queries()  # Django's query log is capped: keep it from filling across runs
            t = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - t) * 1000)
    results = {}
    for name, call in cases.items():
        with CaptureQueriesContext(connection) as captured:
            call()
        results[name] = {
            "median_ms": statistics.median(times[name]),
            "min_ms": min(times[name]),
            "statements": len(captured),
        }
        print(f"{backend} {name}: median {results[name]['median_ms']:.1f} ms", flush=True)

    rows = quota.lawyer_duty_rows(year=YEAR, today=today)
    hand = {r[0]: r for r in hand_sql()}
    agreeing = sum(
        1
        for r in rows
        if r.figures.cases == hand[r.lawyer_id][2]
        # SQLite's raw cursor returns a sum of decimals as a float
        and abs(float(r.figures.hours) - float(hand[r.lawyer_id][3])) < 0.01
        and abs(float(r.figures.duty_lawyer_hours) - float(hand[r.lawyer_id][4])) < 0.01
        and r.figures.duty_lawyer_days == hand[r.lawyer_id][5]
    )
    statuses = {s: sum(1 for r in rows if r.status == s) for s in ("met", "in_progress", "not_met", "exempt")}
    print(
        RESULT_PREFIX
        + json.dumps(
            {
                "backend": backend,
                **world,
                "setup_seconds": setup,
                "cases": results,
                "agreeing": agreeing,
                "statuses": statuses,
            }
        ),
        flush=True,
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--child", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    if args.child:
        return main_child(args.child, args.runs, args.scale)
    return main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
