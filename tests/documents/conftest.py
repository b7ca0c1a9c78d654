import pytest
from django.core.cache import cache

from documents import rendering
from documents.models import DocumentKind
from documents.services import document_issue
from tests.factories import UserFactory

BASE_URL = "https://legalaid.example.cn"


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the verify page's miss counter lives there
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_broker(settings):
    """No broker and no request in progress, whatever the environment says: each test sets its own."""
    settings.CELERY_BROKER_URL = ""
    rendering._after_response.set(None)
    yield
    rendering._after_response.set(None)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk-docs")


def letter(**overrides) -> dict:
    return {
        "kind": DocumentKind.APPROVAL,
        "subject_type": "aid_cases.application",
        "subject_id": 42,
        "title": "关于王小明申请法律援助的给予法律援助决定书",
        "number": "珠法援决字〔2026〕第15号",
        "paragraphs": ["王小明：", "你申请法律援助一案，经审查，符合法律援助条件，决定给予法律援助。"],
        "fields": [("受援人", "王小明"), ("案由", "劳动报酬纠纷")],
        "base_url": BASE_URL,
    } | overrides


@pytest.fixture
def issue_uncommitted(zhushan_center, clerk):
    """``issue_uncommitted(**overrides)`` → an IssuedDocument from the real service, its commit not yet
    come: the test's transaction never commits, so the PDF is not rendered."""

    def make(**overrides):
        return document_issue(**letter(**({"acting_user": clerk, "issuer": zhushan_center} | overrides)))

    return make


@pytest.fixture
def issue(issue_uncommitted, django_capture_on_commit_callbacks):
    """``issue(**overrides)`` → an IssuedDocument as its caller sees it once the transaction has
    committed: rendered (no broker, no request), the in-memory row refreshed."""

    def make(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            document = issue_uncommitted(**overrides)
        document.refresh_from_db()
        return document

    return make
