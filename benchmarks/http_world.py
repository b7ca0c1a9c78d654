"""Database-side helpers of bench_http.py, run against the benchmark's database as subprocesses.

    python benchmarks/http_world.py seed --clients 2 --out world.json
    python benchmarks/http_world.py check --expect 310 [--case application|full]
    python benchmarks/http_world.py drain [--timeout 600]     # then a line on stdin

``seed`` builds, with the project's own services as bench_applications.setup_world() does, one aid
center, economic standard, reviewer and applicant per client, each in its own region, so that two
clients never race for the same queue task; and, for the complete cases (http_client.py --case
full), a law firm in the region with one lawyer (a Provider serving the region, linked to a user
with a provider membership of the firm) and the region's subsidy standard for civil
representation, so that a closure records a payment. It writes the DRF tokens and the lawyer's
Provider id to ``--out`` and prints the effective database settings. ``check`` verifies that every
filed application was approved (``--case application``: it then waits in the center's assignment
queue) or, ``--case full``, that every case was closed with its assignment letter and its subsidy.
``drain``, once told on stdin, waits until no issued document is left without its PDF (for a
Celery worker).

The database and everything else come from the environment (DATABASE_URL ...), as bench_http.py
sets it for gunicorn.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from stdnum.cn import uscc

ROOT = Path(__file__).resolve().parent.parent
# jdz, the city itself, last: its center is the one above the counties
REGIONS = ("zhushan", "changjiang", "fuliang", "leping", "jdz")


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
    import django

    django.setup()


def credit_code(n: int) -> str:
    """A valid unified social credit code (as tests.factories.credit_code, without importing the tests)."""
    body = f"31360200{n:09d}"
    return body + uscc.calc_check_digit(body)


def seed(clients: int, out: str) -> dict:
    import datetime
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from aid_cases.models import EconomicStandard
    from assignments.models import SubsidyStandard
    from directory import services
    from directory.choices import AidForm, MatterCategory, MatterType, OrganisationKind, ProviderKind, Role
    from directory.models import Region

    users = get_user_model().objects
    applicant_group = Group.objects.get(name="applicant")
    world = []
    with transaction.atomic():
        for number, code in enumerate(REGIONS[:clients], 1):
            region = Region.objects.get(code=code)
            center = services.organisation_create(
                acting_user=None,
                kind=OrganisationKind.AID_CENTER,
                name=f"{region.name}法律援助中心",
                region=region,
            )
            EconomicStandard.objects.create(
                region=region,
                kind="low_income",
                monthly_amount=Decimal("1200.00"),
                valid_from=datetime.date(2020, 1, 1),
            )
            applicant = users.create_user(username=f"bench_applicant_{code}", password="bench-pw-123")
            applicant.groups.add(applicant_group)
            reviewer = users.create_user(username=f"bench_reviewer_{code}", password="bench-pw-123")
            services.membership_grant(
                acting_user=None, user=reviewer, organisation=center, role=Role.REVIEWER
            )
            # the complete cases: a lawyer of a firm of the region, whom the reviewer assigns
            firm = services.organisation_create(
                acting_user=None,
                kind=OrganisationKind.LAW_FIRM,
                name=f"{region.name}基准律师事务所",
                region=region,
                credit_code=credit_code(number),
            )
            lawyer = users.create_user(username=f"bench_lawyer_{code}", password="bench-pw-123")
            services.membership_grant(acting_user=None, user=lawyer, organisation=firm, role=Role.PROVIDER)
            provider = services.provider_create(
                acting_user=None,
                name=f"基准律师{number}",
                kind=ProviderKind.LAWYER,
                organisation=firm,
                licence_no=f"136022015{number % 2}{number:07d}",
                practice_start=datetime.date(2015, 3, 1),
                specialties=[MatterType.MAINTENANCE],
                regions_served=[region],
                user=lawyer,
            )
            # what a closure of the benchmark's cases (civil, representation) records as owed
            standard = SubsidyStandard(
                region=region,
                matter_category=MatterCategory.CIVIL,
                aid_form=AidForm.REPRESENTATION,
                amount=Decimal("2000.00"),
                valid_from=datetime.date(2020, 1, 1),
            )
            standard.full_clean()
            standard.save()
            world.append(
                {
                    "region": code,
                    "applicant_token": Token.objects.create(user=applicant).key,
                    "reviewer_token": Token.objects.create(user=reviewer).key,
                    "lawyer_token": Token.objects.create(user=lawyer).key,
                    "provider_id": provider.pk,
                }
            )
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"clients": world}, f)
    db = settings.DATABASES["default"]
    return {
        "debug": settings.DEBUG,
        "engine": db["ENGINE"],
        "conn_max_age": db.get("CONN_MAX_AGE"),
        "conn_health_checks": db.get("CONN_HEALTH_CHECKS"),
        "pool": bool(db.get("OPTIONS", {}).get("pool")),
        "cache": settings.CACHES["default"]["BACKEND"],
        "celery_eager": getattr(settings, "CELERY_TASK_ALWAYS_EAGER", None),
    }


def check(expect: int, case: str) -> dict:
    """Every application approved (and waiting in the assignment queue), or every case closed."""
    from aid_cases.choices import Status
    from aid_cases.models import Application
    from assignments.models import SubsidyPayment
    from documents.models import IssuedDocument

    applications = Application.objects.all()
    if case == "application":
        # an approved application goes on at once to its assignment (workflows.flows.assignment)
        counts = {
            "applications": applications.count(),
            "approved": applications.filter(status__in=(Status.APPROVED, Status.ASSIGNING)).count(),
        }
        counts["ok"] = counts["applications"] == counts["approved"] == expect
        return counts
    counts = {
        "applications": applications.count(),
        "closed": applications.filter(status=Status.CLOSED).count(),
        "assignment_letters": IssuedDocument.objects.filter(kind="assignment_letter").count(),
        "subsidies_owed": SubsidyPayment.objects.count(),
    }
    counts["ok"] = len(set(counts.values()) | {expect}) == 1
    return counts


def pending_pdfs() -> int:
    from documents.models import IssuedDocument

    return IssuedDocument.objects.filter(pdf="").count()


def drain(timeout: float) -> dict:
    """On a line on stdin, poll until no issued document lacks its PDF.

    Started before the clients finish and told when they have, so that Django's start-up is not
    in the figure; ``done_at`` is on the system-wide monotonic clock, for bench_http.py to subtract.
    """
    from django.db import connection

    pending_pdfs()  # connected and warm before the clock matters
    connection.close()
    sys.stdin.readline()
    pending = first = pending_pdfs()
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        time.sleep(0.1)
        pending = pending_pdfs()
        connection.close()  # a fresh snapshot each time, whatever the isolation level
    return {"pending_at_start": first, "pending": pending, "done_at": time.monotonic()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed")
    seeding.add_argument("--clients", type=int, required=True, choices=range(1, len(REGIONS) + 1))
    seeding.add_argument("--out", required=True)
    checking = commands.add_parser("check")
    checking.add_argument("--expect", type=int, required=True)
    checking.add_argument("--case", choices=["application", "full"], default="application")
    draining = commands.add_parser("drain")
    draining.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    setup_django()
    if args.command == "seed":
        result = seed(args.clients, args.out)
    elif args.command == "check":
        result = check(args.expect, args.case)
    else:
        result = drain(args.timeout)
    print(json.dumps(result))
    return 0 if result.get("ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
