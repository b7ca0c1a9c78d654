"""The SQL statements of the main API calls do not grow with the number of applications.

The same calls are measured with 1 application in the database and with 200: filing
(POST /api/v1/applications/), the detail, the reviewer's queue and the approval of a review task.
The counts must be equal, not merely bounded: a statement per row anywhere shows up as a difference.
"""

import datetime
import difflib
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from aid_cases import checklist_rules, means_rules, rules, services
from aid_cases.models import Application
from directory.models import Region
from directory.selectors import center_for_region_code
from tests.factories import resident_id
from tests.world import application_payload
from workflows import tasks
from workflows.flows import AidApplicationFlow
from workflows.services import application_file

pytestmark = pytest.mark.django_db

BASE_URL = "http://testserver"


def _client(user) -> APIClient:
    """A client for a freshly loaded user, as each real request loads one (no permission cache carried over)."""
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return client


def _count(call):
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return response, len(captured), [q["sql"] for q in captured.captured_queries]


def _warm_up():
    """Steady state of a running server: the year's tracking counter exists, content types and the
    reference data that filings read (core.refdata: the center, the rule rows, the calendar) are cached."""
    zhushan = Region.objects.get(code="zhushan")
    services.tracking_no_next(region=zhushan, year=timezone.localdate().year)
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models())
    center_for_region_code("zhushan")
    rules.economic_standard_in_force(zhushan, timezone.localdate())
    rules.period_rule_in_force(zhushan, timezone.localdate())
    rules.work_calendar()
    means_rules.not_restricted_matters(timezone.localdate())
    means_rules.exemptions(timezone.localdate())
    checklist_rules.rules_in_force(zhushan, timezone.localdate())  # the receipt lists the materials


def _measure(actors) -> tuple[dict[str, int], dict[str, list[str]]]:
    """File one more application and walk it through detail, queue and approval; statements per call."""
    counts, statements = {}, {}

    def record(key, user, method, path, data=None, status=200):
        client = _client(user)  # outside the count
        response, counts[key], statements[key] = _count(
            lambda: getattr(client, method)(path, data, format="json")
        )
        assert response.status_code == status, (key, response.content)
        return response.json()

    filed = record(
        "a_file", actors.applicant, "post", "/api/v1/applications/", application_payload(), status=201
    )
    url = f"/api/v1/applications/{filed['id']}/"
    record("b_detail_applicant", actors.applicant, "get", url)
    record("b_detail_reviewer", actors.reviewer, "get", url)
    queue = record("c_queue", actors.reviewer, "get", "/api/v1/tasks/", {"scope": "queue"})
    counts["c_queue_rows"] = len(queue["results"])  # not a statement count: 1 row, then a full page
    task = Task.objects.get(process__artifact_object_id=filed["id"], flow_task=AidApplicationFlow.review)
    record(
        "d_complete", actors.reviewer, "post", f"/api/v1/tasks/{task.pk}/complete/", {"outcome": "approve"}
    )
    assert Application.objects.get(pk=filed["id"]).status == "assigning"
    return counts, statements


def _file_others(actors, how_many: int) -> None:
    """Other people's applications, filed by the same service as the API; every third one approved."""
    zhushan = Region.objects.get(code="zhushan")
    for i in range(how_many):
        application = application_file(
            acting_user=actors.applicant,
            base_url=BASE_URL,
            channel="online",
            region=zhushan,
            applicant=services.ApplicantData(
                name=f"申请人{i}",
                id_number=resident_id(
                    datetime.date(1960, 1, 1) + datetime.timedelta(days=97 * i), seq=f"{i % 1000:03d}"
                ),
                phone=f"139{i:08d}",
                address=f"珠山区新村路{i}号",
            ),
            representative=None,
            categories=["elderly"] if i % 5 == 0 else [],
            matter=services.MatterData(
                category="civil", type="maintenance", summary="子女拒付赡养费", opposing_party="王某"
            ),
            household_size=1 + i % 4,
            monthly_income=Decimal("1800.00"),
            assets=None,
            fixed_income=True,
            urgent_deadline=None,
            pledge=True,
        )
        if i % 3 == 0:
            review = Task.objects.get(
                process__artifact_object_id=application.pk, flow_task=AidApplicationFlow.review
            )
            tasks.task_complete(
                user=actors.reviewer,
                task_id=review.pk,
                data={"outcome": "approve", "reason": "符合条件"},
                base_url=BASE_URL,
            )


def _diff(small: list[str], large: list[str]) -> str:
    def short(statements):
        return [sql[:240] for sql in statements]

    return "\n".join(
        difflib.unified_diff(
            short(small), short(large), "1 application", "200 applications", lineterm="", n=0
        )
    )


def test_statements_per_call_are_the_same_with_1_and_with_200_applications(actors):
    _warm_up()
    small, small_sql = _measure(actors)
    assert Application.objects.count() == 1

    _file_others(actors, 198)
    large, large_sql = _measure(actors)
    assert Application.objects.count() == 200
    # the queue really is fuller: of 200 applications, the 2 measured ones and 66 others are approved
    assert Task.objects.filter(flow_task=AidApplicationFlow.review, status="NEW").count() == 132

    assert (small.pop("c_queue_rows"), large.pop("c_queue_rows")) == (1, 50)  # the page size

    differing = [key for key in small if small[key] != large[key]]
    assert large == small, "\n\n".join(
        f"{key}: {small[key]} → {large[key]}\n{_diff(small_sql[key], large_sql[key])}" for key in differing
    )
