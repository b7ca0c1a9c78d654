"""Background work on Celery: a real worker renders letters from a Redis queue; beat fires the timers."""

import datetime
import hashlib
import importlib
import io
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pypdf
import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.apps import apps
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from aid_cases.models import Application
from config import celery_app
from directory.choices import OrganisationKind
from directory.models import Region
from documents import services
from documents.models import IssuedDocument
from tests.factories import OrganisationFactory, UserFactory
from tests.world import application_payload
from workflows import jobs

from .conftest import letter

# A database of its own on the machine's Redis, and a queue named for this run only; the test removes
# every key it made. CI and the developers' machines run Redis on 127.0.0.1:6379.
REDIS_URL = os.environ.get("LEGALAID_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def redis_broker(settings, monkeypatch):
    """The Celery app pointed at Redis, on a fresh queue; skipped when no Redis answers."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(
            f"no Redis answers at {REDIS_URL}: the real-worker test needs one (start redis-server, or set "
            "LEGALAID_TEST_REDIS_URL)"
        )
    keys_before = set(client.keys())
    queue = f"legalaid-test-{uuid.uuid4().hex[:12]}"
    names = ("broker_url", "task_default_queue", "worker_hijack_root_logger")
    saved = {name: celery_app.conf[name] for name in names}
    celery_app.conf.update(broker_url=REDIS_URL, task_default_queue=queue, worker_hijack_root_logger=False)
    settings.CELERY_BROKER_URL = REDIS_URL  # documents.rendering queues the render instead of doing it
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")  # the worker would run Django's system checks first
    yield client, queue
    celery_app.close()  # the producer pool connected to this broker
    celery_app.conf.update(saved)
    made = set(client.keys()) - keys_before
    if made:
        client.delete(*made)
    client.close()


@pytest.fixture
def committed(transactional_db):
    """Rows that other connections (the worker's thread) can see: real commits."""
    if not Region.objects.filter(code="zhushan").exists():  # flushed by an earlier transactional test
        importlib.import_module("directory.migrations.0002_regions_and_role_groups").forwards(apps, None)
    center = OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心")
    return {"acting_user": UserFactory(username="clerk-worker"), "issuer": center}


def test_a_real_worker_renders_the_letter_from_redis(committed, redis_broker, settings):
    client, queue = redis_broker
    finished = threading.Event()
    runs = []

    def on_postrun(task=None, retval=None, state=None, **kwargs):
        # In the worker's thread: close its database connections, so the test database can be
        # dropped at the end of the session (PostgreSQL refuses while a session is open).
        connections.close_all()
        runs.append((task.name, retval, state, threading.get_ident()))
        finished.set()

    document = services.document_issue(**letter(**committed))
    # committed, and its render waits in the Redis queue; this side rendered nothing
    assert client.llen(queue) == 1
    assert not IssuedDocument.objects.get(pk=document.pk).pdf
    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30
        ):
            assert finished.wait(30), "the worker did not run the render task within 30 s"
    finally:
        task_postrun.disconnect(on_postrun)
    assert runs == [("documents.tasks.render_document", True, "SUCCESS", runs[0][3])]
    assert runs[0][3] != threading.get_ident()  # the worker's thread, not ours
    document.refresh_from_db()
    assert document.pdf and document.rendered_at is not None
    content = (settings.MEDIA_ROOT / document.pdf.name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "王小明" in text and document.display_code in text
    # the queue is drained
    assert client.llen(queue) == 0


def test_without_a_broker_no_worker_is_needed(committed, settings):
    assert settings.CELERY_BROKER_URL == ""
    document = services.document_issue(**letter(**committed))
    document.refresh_from_db()
    assert document.pdf  # rendered in this process right after the commit


def test_beat_runs_the_workflow_timers_every_minute(monkeypatch):
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    celery_app.loader.import_default_modules()  # what a worker or beat does at start
    entry = celery_app.conf.beat_schedule["workflow-timers"]
    assert entry["task"] == "workflows.jobs.fire_due_timers" and entry["schedule"] == 60
    assert entry["task"] in celery_app.tasks
    assert "documents.tasks.render_document" in celery_app.tasks


@pytest.mark.django_db
def test_the_timers_job_withdraws_an_application_not_supplemented(actors, monkeypatch):
    api = actors.api
    filed = api(actors.applicant).post("/api/v1/applications/", application_payload(), format="json").json()
    task = [
        t
        for t in api(actors.reviewer).get("/api/v1/tasks/", {"scope": "queue"}).json()["results"]
        if t["application_id"] == filed["id"]
    ][0]
    asked = api(actors.reviewer).post(
        f"/api/v1/tasks/{task['id']}/complete/",
        {"outcome": "request_supplement", "missing_items": ["收入证明"]},
        format="json",
    )
    assert asked.status_code == 200
    assert jobs.fire_due_timers.apply().get() == 0  # not yet due
    due = Application.objects.get(pk=filed["id"]).supplement_request.due_on
    later = timezone.make_aware(datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(9)))
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert jobs.fire_due_timers.apply().get() == 1
    assert Application.objects.get(pk=filed["id"]).status == "withdrawn"
    # cron's command is still there, and finds nothing left to fire
    call_command("workflow_timers")
    assert Application.objects.get(pk=filed["id"]).status == "withdrawn"


@pytest.mark.django_db
def test_render_task_is_idempotent(issue):
    from documents.tasks import render_document

    document = issue()
    assert render_document.apply(args=[document.pk]).get() is False  # already rendered: left alone
    assert render_document.apply(args=[10**9]).get() is False  # gone: nothing to do
    assert IssuedDocument.objects.get(pk=document.pk).sha256 == document.sha256


def test_a_worker_process_started_with_celery_renders_the_letter(committed, redis_broker, settings, tmp_path):
    """``celery -A config worker`` as its own OS process, as deployed: it reads the test database
    through its own connection, takes the task from Redis and writes the PDF where the site serves it."""
    if connections["default"].vendor != "postgresql":
        pytest.skip(
            "a worker in another process needs a database it can open: run the suite on PostgreSQL "
            "(DATABASE_URL=postgres://...); the in-memory SQLite test database lives in this process only"
        )
    client, queue = redis_broker
    db = connections["default"].settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=REDIS_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    document = services.document_issue(**letter(**committed))
    assert client.llen(queue) == 1 and not IssuedDocument.objects.get(pk=document.pk).pdf
    celery = Path(sys.executable).with_name("celery")
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [str(celery), "-A", "config", "worker", "--pool", "solo", "-Q", queue, "--loglevel", "warning"],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not IssuedDocument.objects.get(pk=document.pk).pdf:
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(30)
    document.refresh_from_db()
    assert document.pdf, log.read_text(errors="replace")[-3000:]
    content = (settings.MEDIA_ROOT / document.pdf.name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert client.llen(queue) == 0
