"""Time and SQL statements of the provider recommendation (assignments.recommend) on a city's data.

Builds 2,000 providers (4 per organisation: 450 law firms and 50 grassroots offices, across the 5
regions, each with one to three specialties), a conflict register, and 50,000 aid applications each
with its assignment (closed, in progress, offered, declined, replaced), then times
``recommendations_for`` for a few kinds of case: the median of 20 runs, and the statements of one.

Each backend runs in a subprocess of this script on a throwaway database (SQLite in a temporary
directory; PostgreSQL ``legalaid_bench_recommend`` when a server answers on 127.0.0.1:5432), with
``tests.settings``.

    .venv/bin/python benchmarks/bench_recommend.py [--backend sqlite|postgres|all] [--runs 20]

Not part of the test suite (pytest collects only ``tests/``).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT, PG_USER, PG_DB = "127.0.0.1", 5432, "postgres", "legalaid_bench_recommend"
PG_ADMIN_URL = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres"
RESULT_PREFIX = "BENCH-RESULT "

PROVIDERS, PER_ORGANISATION, GRASSROOTS_OFFICES = 2000, 4, 50
APPLICATIONS = 50_000
TODAY_ISO = "2026-11-02"


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


def run_child(backend: str, runs: int) -> dict | None:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", backend, "--runs", str(runs)]
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
    print("backend    case            returned  median ms  min ms  max ms  SQL ms  statements")
    for r in results:
        for name, c in r["cases"].items():
            print(
                f"{r['backend']:<10} {name:<15} {c['eligible']:>8}  {c['median_ms']:>9.1f}  "
                f"{c['min_ms']:>6.1f}  {c['max_ms']:>6.1f}  {c['sql_ms']:>6.1f}  {c['statements']:>10}"
            )
    for r in results:
        print(
            f"{r['backend']}: {r['providers']} providers, {r['applications']} applications, "
            f"{r['assignments']} assignments, {r['conflicts']} conflict rows; "
            f"setup {r['setup_seconds']:.1f} s (not counted)"
        )


def main_parent(args) -> int:
    backends = ["sqlite", "postgres"] if args.backend == "all" else [args.backend]
    results, failed = [], False
    for backend in backends:
        if backend == "postgres" and not postgres_answers():
            message = f"postgres: no server on {PG_HOST}:{PG_PORT}"
            if args.backend == "postgres":
                print(message)
                return 1
            print(message + ", skipped")
            continue
        result = run_child(backend, args.runs)
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


def main_child(backend: str, runs: int) -> int:
    with tempfile.TemporaryDirectory(prefix="legalaid-bench-recommend-") as tmp:
        if backend == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            _postgres_database("create")
            os.environ["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}"
        os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        sys.path.insert(0, str(ROOT))
        try:
            return measure(backend, runs)
        finally:
            from django.db import connections

            connections.close_all()
            if backend == "postgres":
                _postgres_database("drop")


def build_world(today):
    """The city's providers, conflict register and 50,000 cases with their assignments (bulk)."""
    import datetime
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from aid_cases.models import Applicant, Application
    from assignments.models import Assignment, PartyConflict
    from directory import services
    from directory.choices import MatterType, OrganisationKind, ProviderKind
    from directory.models import Organisation, Provider, ProviderSpecialty, Region
    from tests.factories import credit_code, resident_id

    rng = random.Random(20261102)
    regions = list(Region.objects.order_by("sort_order"))  # the city and its 4 county-level regions
    zhushan = Region.objects.get(code="zhushan")
    center = services.organisation_create(
        acting_user=None, kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=zhushan
    )
    user = get_user_model().objects.create_user(username="bench_reviewer", password="bench-pw-123")

    organisations = PROVIDERS // PER_ORGANISATION
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrganisationKind.GRASSROOTS_OFFICE
                if i < GRASSROOTS_OFFICES
                else OrganisationKind.LAW_FIRM,
                name=f"机构{i:04d}",
                region=regions[i % len(regions)],
                credit_code="" if i < GRASSROOTS_OFFICES else credit_code(i + 1),
                active=i % 97 != 0,
            )
            for i in range(organisations)
        ]
    )
    types = [t for t in MatterType.values if t != MatterType.OTHER]
    providers = Provider.objects.bulk_create(
        [
            Provider(
                name=f"承办人{i:05d}",
                kind=ProviderKind.GRASSROOTS
                if i // PER_ORGANISATION < GRASSROOTS_OFFICES
                else ProviderKind.LAWYER,
                organisation=orgs[i // PER_ORGANISATION],
                licence_no=f"13602{2000 + i % 25}1{i % 2}{i:06d}",
                practice_start=datetime.date(2000 + i % 26, 1 + i % 12, 1 + i % 28),
                minors_experienced=i % 4 == 0,
                active=i % 53 != 0,
            )
            for i in range(PROVIDERS)
        ],
        batch_size=1000,
    )
    through = Provider.regions_served.through
    through.objects.bulk_create(
        [
            through(provider_id=p.pk, region_id=r.pk)
            for i, p in enumerate(providers)
            for r in {regions[i % len(regions)], regions[(i * 7) % len(regions)]}
        ],
        batch_size=2000,
    )
    ProviderSpecialty.objects.bulk_create(
        [
            ProviderSpecialty(provider=p, matter_type=t)
            for p in providers
            for t in rng.sample(types, rng.randint(1, 3))
        ],
        batch_size=2000,
    )
    family = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    people = [f"{f}{g}" for f in family for g in given]  # 500 names: namesakes collide, as in life
    companies = [f"景德镇{n}陶瓷有限公司" for n in range(300)]
    parties = people + companies
    PartyConflict.objects.bulk_create(
        [
            PartyConflict(organisation=orgs[rng.randrange(organisations)], party_name=rng.choice(parties))
            if i % 3
            else PartyConflict(provider=providers[rng.randrange(PROVIDERS)], party_name=rng.choice(parties))
            for i in range(1000)
        ]
    )

    applicants = Applicant.objects.bulk_create(
        [
            Applicant(
                name=rng.choice(people),
                id_number=resident_id(
                    datetime.date(1950, 1, 1) + datetime.timedelta(days=(i * 37) % 25000),
                    seq=f"{i % 1000:03d}",
                ),
                phone="13907980001",
                address="珠山区新村路1号",
            )
            for i in range(APPLICATIONS)
        ],
        batch_size=2000,
    )
    statuses = ["closed"] * 6 + ["in_progress"] * 3 + ["assigned"]
    now = timezone.now()
    applications = Application.objects.bulk_create(
        [
            Application(
                tracking_no=f"JDZ-BENCH-{i:06d}",
                region=regions[i % len(regions)],
                center=center,
                channel="window",
                filed_by=user,
                applicant=applicant,
                matter_category="civil",
                matter_type=rng.choice(types[:10]),
                matter_summary="案情",
                opposing_party=rng.choice(parties),
                household_size=2,
                monthly_income=Decimal("1000.00"),
                pledged_at=now,
                received_on=today,
                means_result="eligible",
                status=statuses[i % len(statuses)],
            )
            for i, applicant in enumerate(applicants)
        ],
        batch_size=2000,
    )
    assignments = []
    for i, application in enumerate(applications):
        provider = providers[rng.randrange(PROVIDERS)]
        accepted_on = today - datetime.timedelta(days=rng.randrange(700))
        if i % 10 == 0:  # declined first, then handled by someone else
            assignments.append(_assignment(Assignment, application, provider, user, "declined", None))
            provider = providers[rng.randrange(PROVIDERS)]
        if i % 25 == 1:  # replaced, then handled by someone else
            assignments.append(_assignment(Assignment, application, provider, user, "replaced", accepted_on))
            provider = providers[rng.randrange(PROVIDERS)]
        status = "offered" if application.status == "assigned" and i % 2 else "accepted"
        assignments.append(
            _assignment(
                Assignment, application, provider, user, status, accepted_on if status == "accepted" else None
            )
        )
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    return center, user, people, companies


def _assignment(model, application, provider, user, status, accepted_on):
    return model(
        application=application,
        provider=provider,
        organisation_id=provider.organisation_id,
        aid_form="representation",
        status=status,
        assigned_by=user,
        accepted_on=accepted_on,
    )


def measured_cases(center, user, people, companies, today):
    """The cases timed: a civil case against a company, a minor's case, a life-or-death defence."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from aid_cases.models import Applicant, Application
    from assignments.models import Assignment
    from directory.models import Provider, Region
    from tests.factories import resident_id

    zhushan = Region.objects.get(code="zhushan")

    def case(n, name, birth, opposing, category, matter_type, grounds=()):
        applicant = Applicant.objects.create(
            name=name, id_number=resident_id(birth, seq=f"{n:03d}"), phone="13907980001", address="珠山区"
        )
        return Application.objects.create(
            tracking_no=f"JDZ-ZHUSHAN-2026-9{n:05d}",
            region=zhushan,
            center=center,
            channel="window",
            filed_by=user,
            applicant=applicant,
            matter_category=category,
            matter_type=matter_type,
            matter_summary="案情",
            opposing_party=opposing,
            household_size=2,
            monthly_income=Decimal("1000.00"),
            pledged_at=timezone.now(),
            received_on=today,
            means_result="eligible",
            defence_grounds=list(grounds),
            status="assigning",
        )

    civil = case(1, people[7], datetime.date(1970, 3, 4), companies[11], "civil", "wage_arrears")
    # two providers declined it already
    for provider in Provider.objects.filter(kind="lawyer", active=True).order_by("pk")[:2]:
        Assignment.objects.create(
            application=civil,
            provider=provider,
            organisation_id=provider.organisation_id,
            aid_form="representation",
            status="declined",
            assigned_by=user,
        )
    minor = case(2, people[8], today.replace(year=today.year - 16), people[9], "civil", "maintenance")
    capital = case(
        3, people[10], datetime.date(1990, 5, 6), "", "criminal", "criminal_defence", ["life_or_death"]
    )
    return {
        "civil": (civil.pk, None),
        "civil limit=20": (civil.pk, 20),
        "minor": (minor.pk, None),
        "life_or_death": (capital.pk, None),
    }


def sql_time(connection, statements: list[str], runs: int) -> float:
    """The median time, in ms, of executing the statements of one call and fetching every row, raw:
    the database's share of the call (the rest is Python: model instances, prefetch caches, ranking)."""
    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            began = time.perf_counter()
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()
            timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def measure(backend: str, runs: int) -> int:
    import datetime
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at")

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from aid_cases.models import Application
    from assignments.models import Assignment, PartyConflict
    from assignments.recommend import recommendations_for
    from directory.models import Provider

    setup_test_environment()
    db = settings.DATABASES["default"]
    print(f"{backend}: {db['ENGINE']} {db['NAME']} {db.get('OPTIONS', {})}", flush=True)
    today = datetime.date.fromisoformat(TODAY_ISO)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    center, user, people, companies = build_world(today)
    cases = measured_cases(center, user, people, companies, today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    setup_seconds = time.perf_counter() - started
    print(f"{backend}: data built in {setup_seconds:.1f} s", flush=True)

    results = {}
    for name, (pk, limit) in cases.items():
        timings, statements, eligible = [], None, 0
        for run in range(runs + 1):  # the first run warms caches and is not counted
            application = Application.objects.get(pk=pk)  # center and applicant not loaded: counted
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                ranked = recommendations_for(application, today=today, limit=limit)
                elapsed = time.perf_counter() - began
            if run:
                timings.append(elapsed * 1000)
            statements, eligible = len(captured), len(ranked)
            sql = [q["sql"] for q in captured.captured_queries]
        results[name] = {
            "eligible": eligible,
            "median_ms": statistics.median(timings),
            "sql_ms": sql_time(connection, sql, runs),
            "min_ms": min(timings),
            "max_ms": max(timings),
            "statements": statements,
            "top": [(r.provider.name, r.score, r.reasons) for r in ranked[:3]],
        }
        print(
            f"{backend}: {name}: {eligible} eligible, median {results[name]['median_ms']:.1f} ms "
            f"of {runs} runs (its SQL alone {results[name]['sql_ms']:.1f} ms), {statements} statements; "
            f"first: {results[name]['top'][:1]}",
            flush=True,
        )
    result = {
        "backend": backend,
        "providers": Provider.objects.count(),
        "applications": Application.objects.count(),
        "assignments": Assignment.objects.count(),
        "conflicts": PartyConflict.objects.count(),
        "setup_seconds": setup_seconds,
        "cases": results,
    }
    print(RESULT_PREFIX + json.dumps(result, ensure_ascii=False))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "all"], default="sqlite")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per case (default 20)")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.child:
        return main_child(args.child, args.runs)
    return main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
