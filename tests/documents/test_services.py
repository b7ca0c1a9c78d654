import hashlib
import io

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.models import AuditEvent
from documents import selectors, services
from documents.models import IssuedDocument

pytestmark = pytest.mark.django_db


def test_issue_stores_the_pdf_under_a_generated_name(issue, settings):
    doc = issue()
    issued = timezone.localtime(doc.issued_at)
    assert doc.pdf.name == f"documents/{issued:%Y}/{issued:%m}/{doc.code}.pdf"
    path = settings.MEDIA_ROOT / doc.pdf.name
    content = path.read_bytes()
    assert hashlib.sha256(content).hexdigest() == doc.sha256
    doc.refresh_from_db()
    assert doc.subject_type == "aid_cases.application" and doc.subject_id == "42"
    assert doc.is_valid and doc.revoked_at is None


def test_issued_pdf_carries_code_and_verify_url(issue):
    doc = issue()
    with doc.pdf.open("rb") as f:
        text = pypdf.PdfReader(io.BytesIO(f.read())).pages[0].extract_text()
    assert doc.display_code in text
    assert f"https://legalaid.example.cn/verify/{doc.display_code}" in text
    assert "珠山区法律援助中心" in text and "王小明" in text
    today = timezone.localdate(doc.issued_at)
    assert f"{today.year}年{today.month}月{today.day}日" in text


def test_issue_writes_an_audit_row_without_the_title(issue, clerk):
    doc = issue()
    event = AuditEvent.objects.get(action="document_issue", object_id=str(doc.pk))
    assert event.actor == clerk
    assert event.object_type == "documents.issueddocument"
    assert event.new["code"] == doc.code and event.new["kind"] == "approval"
    assert event.new["subject"] == "aid_cases.application#42"
    assert "王小明" not in str(event.new)
    # the render is not a decision: one audit row per document, none for its PDF
    assert (
        AuditEvent.objects.filter(object_type="documents.issueddocument", object_id=str(doc.pk)).count() == 1
    )


def test_two_issues_get_different_codes_and_files(issue):
    first, second = issue(), issue()
    assert first.code != second.code
    assert first.pdf.name != second.pdf.name
    assert list(selectors.documents_for_subject("aid_cases.application", 42)) == [first, second]
    assert not selectors.documents_for_subject("aid_cases.application", 43).exists()


def test_a_colliding_code_is_drawn_again(issue, monkeypatch):
    taken = issue().code
    fresh = "ABCDEFGHJKMN"
    draws = iter([taken, taken, fresh])
    monkeypatch.setattr("documents.models.new_code", lambda: next(draws))
    assert issue().code == fresh


def test_a_broken_generator_fails_loudly(issue, monkeypatch):
    taken = issue().code
    monkeypatch.setattr("documents.models.new_code", lambda: taken)
    with pytest.raises(services.CodeExhausted):
        issue()
    assert IssuedDocument.objects.count() == 1


def test_invalid_document_leaves_no_row_and_no_file(issue, settings):
    with pytest.raises(ValidationError) as excinfo:
        issue(kind="love_letter")
    assert "kind" in excinfo.value.message_dict
    assert not IssuedDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="document_issue").exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_revoke(issue, clerk):
    doc = issue()
    services.document_revoke(acting_user=clerk, document=doc, reason="决定书送达对象有误，重新出具")
    doc.refresh_from_db()
    assert not doc.is_valid and doc.revoked_at is not None
    assert doc.revocation_reason == "决定书送达对象有误，重新出具"
    event = AuditEvent.objects.get(action="document_revoke", object_id=str(doc.pk))
    assert event.actor == clerk and event.old == {"revoked_at": None}
    with pytest.raises(ValidationError):
        services.document_revoke(acting_user=clerk, document=doc, reason="again")
    assert AuditEvent.objects.filter(action="document_revoke").count() == 1


def test_revoke_needs_a_reason(issue, clerk):
    doc = issue()
    with pytest.raises(ValidationError):
        services.document_revoke(acting_user=clerk, document=doc, reason="  ")
    doc.refresh_from_db()
    assert doc.is_valid


def test_document_by_code_accepts_any_typed_form(issue):
    doc = issue()
    assert selectors.document_by_code(doc.code) == doc
    assert selectors.document_by_code(doc.display_code.lower()) == doc
    assert selectors.document_by_code("0000-0000-0000") is None
    assert selectors.document_by_code("not a code") is None
