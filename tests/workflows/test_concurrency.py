"""Two reviewers at once, on two real database connections: one wins, the other gets a 409.

Needs PostgreSQL (row locks with SELECT ... FOR UPDATE NOWAIT); SQLite serialises writers
with IMMEDIATE transactions and is covered by the sequential 409 tests.
"""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from aid_cases.models import Application, Decision
from core.errors import Conflict
from directory.models import AuditEvent
from tests.world import ADULT_ID
from workflows import tasks
from workflows.services import application_file

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only(_reference_data):
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )


@pytest.fixture
def _reference_data(transactional_db):
    import importlib

    from django.apps import apps

    importlib.import_module("directory.migrations.0002_regions_and_role_groups").forwards(apps, None)
    importlib.import_module("aid_cases.migrations.0007_means_proof_rules").seed(apps, None)


def _file(actors) -> Application:
    from aid_cases import services

    return application_file(
        acting_user=actors.applicant,
        base_url="http://testserver",
        channel="online",
        region=actors.center.region,
        applicant=services.ApplicantData(
            name="吕春花", id_number=ADULT_ID, phone="13907980001", address="珠山区"
        ),
        representative=None,
        categories=[],
        matter=services.MatterData(category="civil", type="maintenance", summary="赡养费"),
        household_size=2,
        monthly_income=1800,
        pledge=True,
    )


def _race(*calls):
    """Run the calls at the same moment, each on its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except Conflict as exc:
            results[index] = ("conflict", exc)
        except Exception as exc:
            results[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _review_task_id(actors, application):
    row = [t for t in tasks.tasks_queue(actors.reviewer) if t.process.artifact_object_id == application.pk][0]
    return row.pk


def test_double_claim_one_winner_one_conflict(actors):
    application = _file(actors)
    task_id = _review_task_id(actors, application)
    results = _race(
        lambda: tasks.task_claim(user=actors.reviewer, task_id=task_id),
        lambda: tasks.task_claim(user=actors.reviewer2, task_id=task_id),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["conflict", "ok"], results
    winner = next(value for kind, value in results if kind == "ok")
    from viewflow.workflow.models import Task

    assert Task.objects.get(pk=task_id).owner_id == winner.owner_id
    assert AuditEvent.objects.filter(action="review_claim", object_id=str(application.pk)).count() == 1


def test_double_complete_one_winner_one_conflict_no_lost_update(actors):
    application = _file(actors)
    task_id = _review_task_id(actors, application)
    results = _race(
        lambda: tasks.task_complete(
            user=actors.reviewer, task_id=task_id, data={"outcome": "approve"}, base_url="http://testserver"
        ),
        lambda: tasks.task_complete(
            user=actors.reviewer2,
            task_id=task_id,
            data={"outcome": "refuse", "reason": "收入超标"},
            base_url="http://testserver",
        ),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["conflict", "ok"], results
    application.refresh_from_db()
    decisions = list(Decision.objects.filter(application=application))
    assert len(decisions) == 1
    assert application.status == {"approve": "assigning", "refuse": "refused"}[decisions[0].kind]
    changes = AuditEvent.objects.filter(
        object_id=str(application.pk), action__in=["review_approve", "review_refuse"]
    )
    assert changes.count() == 1
    assert application.updated_at <= timezone.now()


def test_simultaneous_filings_get_distinct_tracking_numbers(actors):
    results = _race(*[lambda: _file(actors) for _ in range(4)])
    assert [kind for kind, _ in results] == ["ok"] * 4, results
    numbers = sorted(Application.objects.values_list("tracking_no", flat=True))
    assert len(set(numbers)) == 4
    year = timezone.localdate().year
    assert numbers == [f"JDZ-ZHUSHAN-{year}-{n:06d}" for n in range(1, 5)]


def _refused(actors) -> Application:
    application = _file(actors)
    task_id = _review_task_id(actors, application)
    tasks.task_complete(
        user=actors.reviewer,
        task_id=task_id,
        data={"outcome": "refuse", "reason": "收入超标"},
        base_url="http://testserver",
    )
    application.refresh_from_db()
    return application


def test_simultaneous_objections_one_stored_the_rest_409(actors):
    """Three objections at once (a double tap, two devices): one objection, one bureau task."""
    from viewflow.workflow.models import Task

    from aid_cases.models import Objection
    from workflows.services import objection_file

    application = _refused(actors)

    def object_once():
        fresh = Application.objects.get(pk=application.pk)
        return objection_file(acting_user=actors.applicant, application=fresh, reason="收入证明有误")

    results = _race(object_once, object_once, object_once)
    assert sorted(kind for kind, _ in results) == ["conflict", "conflict", "ok"], results
    assert Objection.objects.filter(application=application).count() == 1
    open_decisions = Task.objects.filter(
        flow_task__in=[n for n in tasks.registry.nodes_named("decide_objection")], status="NEW"
    )
    assert open_decisions.count() == 1
    application.refresh_from_db()
    assert application.status == "objection"


def test_simultaneous_uploads_never_pass_the_30_file_cap(actors, tmp_path, settings):
    """29 files stored, two more at once: one takes the last place, the other is refused."""
    from django.core.exceptions import ValidationError

    from aid_cases import services
    from aid_cases.models import ApplicationDocument
    from tests.world import pdf_file

    settings.MEDIA_ROOT = tmp_path
    application = _file(actors)
    for n in range(29):
        services.application_document_add(
            acting_user=actors.applicant, application=application, upload=pdf_file(f"{n}.pdf")
        )

    def add(name):
        def call():
            try:
                fresh = Application.objects.get(pk=application.pk)
                return services.application_document_add(
                    acting_user=actors.applicant, application=fresh, upload=pdf_file(name)
                )
            except ValidationError as exc:
                raise Conflict(" ".join(exc.messages)) from exc

        return call

    results = _race(add("a.pdf"), add("b.pdf"))
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    assert ApplicationDocument.objects.filter(application=application).count() == 30
