import pytest
from django.core.cache import cache

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


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk-docs")


@pytest.fixture
def issue(zhushan_center, clerk):
    """``issue(**overrides)`` → an IssuedDocument from the real service."""

    def make(**overrides):
        kwargs = {
            "acting_user": clerk,
            "kind": DocumentKind.APPROVAL,
            "issuer": zhushan_center,
            "subject_type": "aid_cases.application",
            "subject_id": 42,
            "title": "关于王小明申请法律援助的给予法律援助决定书",
            "number": "珠法援决字〔2026〕第15号",
            "paragraphs": ["王小明：", "你申请法律援助一案，经审查，符合法律援助条件，决定给予法律援助。"],
            "fields": [("受援人", "王小明"), ("案由", "劳动报酬纠纷")],
            "base_url": BASE_URL,
        }
        return document_issue(**(kwargs | overrides))

    return make
