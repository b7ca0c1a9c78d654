"""Without a broker, a letter issued during a request is rendered after its response has been sent;
a download of a letter not rendered yet renders it on the spot."""

import hashlib
import io
import json
import sys

import pypdf
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from kombu.exceptions import OperationalError
from rest_framework.authtoken.models import Token

from aid_cases.models import Application
from documents import rendering, services, tasks
from documents.models import DocumentKind, IssuedDocument
from tests.world import application_payload

from .conftest import letter

pytestmark = pytest.mark.django_db


def _receipt(application_id) -> IssuedDocument:
    return IssuedDocument.objects.get(subject_id=str(application_id), kind=DocumentKind.RECEIPT)


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages).replace(
        "\n", ""
    )


@pytest.fixture
def wsgi_server():
    """Call the project's WSGI application as a WSGI server does: get the response, send its body,
    then close it. Django's connection recycling is held off, as the test client does, so the test's
    transaction survives."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _environ(method: str, path: str, token: str, body: bytes = b"") -> dict:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "HTTP_AUTHORIZATION": f"Token {token}",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def test_a_filing_returns_before_its_receipt_is_rendered(actors, wsgi_server, settings):
    token = Token.objects.create(user=actors.applicant).key
    body = json.dumps(application_payload()).encode()
    started = []
    result = wsgi_server(
        _environ("POST", "/api/v1/applications/", token, body), lambda status, headers: started.append(status)
    )
    # The response is complete and in the server's hands: status, headers and body ...
    assert started == ["201 Created"]
    filed = json.loads(b"".join(result))
    # ... and the receipt is issued, committed to the row, but not rendered yet.
    receipt = _receipt(filed["id"])
    assert not receipt.pdf and receipt.sha256 == ""
    assert not (settings.MEDIA_ROOT / "documents").exists()
    # The server closes the response after sending it: request_finished renders the receipt.
    result.close()
    receipt.refresh_from_db()
    assert receipt.pdf and receipt.rendered_at is not None
    text = _pdf_text((settings.MEDIA_ROOT / receipt.pdf.name).read_bytes())
    assert "法律援助申请受理回执" in text and filed["tracking_no"] in text and "吕春花" in text


def test_the_test_client_closes_responses_too(actors):
    filed = actors.api(actors.applicant).post("/api/v1/applications/", application_payload(), format="json")
    assert filed.status_code == 201
    assert _receipt(filed.json()["id"]).pdf


def test_download_renders_a_letter_never_rendered(actors):
    filed = (
        actors.api(actors.applicant)
        .post("/api/v1/applications/", application_payload(), format="json")
        .json()
    )
    application = Application.objects.get(pk=filed["id"])
    # a letter whose render never happened (a worker down, a message lost): issued here in the test's
    # transaction, which never commits
    document = services.document_issue(
        **letter(
            acting_user=actors.reviewer,
            issuer=application.center,
            subject_id=application.pk,
            title="给予法律援助决定书",
            paragraphs=["吕春花：", "决定给予法律援助。"],
            fields=[],
        )
    )
    assert not IssuedDocument.objects.get(pk=document.pk).pdf
    response = actors.api(actors.applicant).get(f"/api/v1/documents/{document.display_code}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = _pdf_text(content)
    assert "给予法律援助决定书" in text and "决定给予法律援助。" in text and document.display_code in text
    document.refresh_from_db()
    assert document.pdf and hashlib.sha256(content).hexdigest() == document.sha256
    # others still get a 404, rendered or not
    assert actors.api(actors.other_applicant).get(f"/api/v1/documents/{document.code}/").status_code == 404


def test_a_rolled_back_issue_in_a_request_renders_nothing(issue_uncommitted, settings):
    rendering.request_started()
    with pytest.raises(RuntimeError), transaction.atomic():
        issue_uncommitted()
        raise RuntimeError("the view failed after issuing")
    rendering.request_finished()
    assert not IssuedDocument.objects.exists()
    assert not (settings.MEDIA_ROOT / "documents").exists()


def test_each_request_renders_only_its_own_letters(issue_uncommitted):
    rendering.request_started()
    first = issue_uncommitted()
    rendering.request_finished()
    rendering.request_started()
    second = issue_uncommitted()
    # between the end of a request's work and its close, nothing is rendered
    assert not IssuedDocument.objects.get(pk=second.pk).pdf
    rendering.request_finished()
    assert IssuedDocument.objects.get(pk=first.pk).pdf and IssuedDocument.objects.get(pk=second.pk).pdf
    # outside a request again: after the commit, as in a management command
    assert rendering._after_response.get() is None


def test_with_a_broker_the_task_is_queued_after_commit(
    issue_uncommitted, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    queued = []
    monkeypatch.setattr(tasks.render_document, "delay", queued.append)
    rendering.request_started()  # even inside a request: the worker renders
    with django_capture_on_commit_callbacks(execute=True):
        document = issue_uncommitted()
        assert queued == []  # not before the commit: the worker would not find the row
    assert queued == [document.pk]
    rendering.request_finished()
    assert not IssuedDocument.objects.get(pk=document.pk).pdf  # left to the worker


def test_an_unreachable_broker_falls_back_to_rendering_here(
    issue_uncommitted, settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    def down(document_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.render_document, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        document = issue_uncommitted()
    assert "broker unreachable" in caplog.text
    assert IssuedDocument.objects.get(pk=document.pk).pdf
