"""The PDF is rendered after the issuing transaction commits, once, from the row alone (docs/architecture.md)."""

import datetime
import hashlib
import importlib
import io
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from directory.models import Organisation, Region
from documents import services
from documents.models import IssuedDocument
from tests.factories import OrganisationFactory, UserFactory

from .conftest import letter


def _text(document: IssuedDocument) -> str:
    with document.pdf.open("rb") as f:
        return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(f.read())).pages)


def _files(settings) -> list:
    media = settings.MEDIA_ROOT
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def _chinese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def committed(transactional_db):
    """A center and a clerk in a database whose transactions really commit."""
    if not Region.objects.filter(code="zhushan").exists():  # flushed by an earlier transactional test
        importlib.import_module("directory.migrations.0002_regions_and_role_groups").forwards(apps, None)
    from directory.choices import OrganisationKind

    center = OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心")
    return {"acting_user": UserFactory(username="clerk-committed"), "issuer": center}


def test_inside_a_transaction_no_pdf_until_commit_then_the_letter(committed, settings):
    with transaction.atomic():
        document = services.document_issue(**letter(**committed))
        # the caller's transaction holds only the row: no file, no checksum
        row = IssuedDocument.objects.get(pk=document.pk)
        assert not row.pdf and row.sha256 == "" and row.rendered_at is None
        assert row.content["paragraphs"][0] == "王小明："
        assert _files(settings) == []
    # committed: rendered in this process (no broker, no request)
    document.refresh_from_db()
    assert document.pdf and document.rendered_at is not None
    content = (settings.MEDIA_ROOT / document.pdf.name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    text = _text(document)
    assert "珠山区法律援助中心" in text and "王小明" in text and "劳动报酬纠纷" in text
    assert document.display_code in text
    assert f"https://legalaid.example.cn/verify/{document.display_code}" in text
    assert _chinese(timezone.localdate(document.issued_at)) in text


def test_a_rolled_back_issue_renders_nothing(committed, settings):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.document_issue(**letter(**committed))
        raise RuntimeError("the decision failed after its letter was issued")
    assert not IssuedDocument.objects.exists()
    assert _files(settings) == []


@pytest.mark.django_db
def test_nothing_is_rendered_while_the_commit_has_not_come(
    issue_uncommitted, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = issue_uncommitted()
    assert len(callbacks) == 1
    assert _files(settings) == []
    callbacks[0]()  # the commit
    document.refresh_from_db()
    assert len(_files(settings)) == 1 and document.pdf


@pytest.mark.django_db
def test_rendering_again_changes_nothing(issue, settings):
    document = issue()
    before = (document.pdf.name, document.sha256, document.rendered_at)
    assert services.document_render(document=document) is document
    document.refresh_from_db()
    assert (document.pdf.name, document.sha256, document.rendered_at) == before
    assert len(_files(settings)) == 1


@pytest.mark.django_db
def test_two_renders_racing_record_one_file(issue_uncommitted, settings):
    document = issue_uncommitted()
    first, second = IssuedDocument.objects.get(pk=document.pk), IssuedDocument.objects.get(pk=document.pk)
    # the second has read the row before the first recorded its file
    services.document_render(document=first)
    services.document_render(document=second)
    row = IssuedDocument.objects.get(pk=document.pk)
    assert (second.pdf.name, second.sha256, second.rendered_at) == (row.pdf.name, row.sha256, row.rendered_at)
    assert (first.pdf.name, first.sha256) == (row.pdf.name, row.sha256)
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in _files(settings)] == [row.pdf.name]
    assert hashlib.sha256((settings.MEDIA_ROOT / row.pdf.name).read_bytes()).hexdigest() == row.sha256


@pytest.mark.django_db
def test_the_loser_of_a_race_removes_its_own_copy(issue_uncommitted, settings, monkeypatch):
    document = issue_uncommitted()
    first, second = IssuedDocument.objects.get(pk=document.pk), IssuedDocument.objects.get(pk=document.pk)
    services.document_render(document=first)
    # the second started writing before the first's file was complete, so wrote a copy of its own
    monkeypatch.setattr(services, "_holds", lambda storage, name, digest: False)
    written = []
    monkeypatch.setattr(
        services, "ContentFile", lambda content: written.append(content) or ContentFile(content)
    )
    services.document_render(document=second)
    assert len(written) == 1  # its copy was written under a free name, then removed
    assert second.pdf.name == first.pdf.name
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in _files(settings)] == [first.pdf.name]


@pytest.mark.django_db
def test_a_file_left_by_an_interrupted_render_is_taken_when_whole(issue_uncommitted, settings):
    document = issue_uncommitted()
    content = services._letter(document)
    name = IssuedDocument._meta.get_field("pdf").generate_filename(document, "x.pdf")
    path = settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True)
    path.write_bytes(content)  # written, then the process died before the UPDATE
    services.document_render(document=document)
    assert document.pdf.name == name and _files(settings) == [path]


@pytest.mark.django_db
def test_a_partial_file_is_never_recorded(issue_uncommitted, settings):
    document = issue_uncommitted()
    name = IssuedDocument._meta.get_field("pdf").generate_filename(document, "x.pdf")
    (settings.MEDIA_ROOT / name).parent.mkdir(parents=True)
    (settings.MEDIA_ROOT / name).write_bytes(b"%PDF-1.4 cut short")
    services.document_render(document=document)
    document.refresh_from_db()
    assert document.pdf.name != name
    stored = (settings.MEDIA_ROOT / document.pdf.name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == document.sha256 and "王小明" in _text(document)


@pytest.mark.django_db
def test_the_pdf_is_a_function_of_the_row(issue):
    document = issue()
    with document.pdf.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == document.sha256
    # the same row renders the same bytes, so anyone can check the stored checksum
    assert (
        hashlib.sha256(services._letter(IssuedDocument.objects.get(pk=document.pk))).hexdigest()
        == document.sha256
    )


@pytest.mark.django_db
def test_the_letter_prints_its_issue_day_and_issuer_name_whenever_rendered(issue_uncommitted, monkeypatch):
    issued = datetime.datetime(2026, 11, 28, 23, 50, tzinfo=ZoneInfo("Asia/Shanghai"))  # 15:50 UTC
    monkeypatch.setattr("documents.services.timezone.now", lambda: issued)
    document = issue_uncommitted()
    # rendered three days later, after the center was renamed
    rendered = issued + datetime.timedelta(days=3)
    monkeypatch.setattr("documents.services.timezone.now", lambda: rendered)
    Organisation.objects.filter(pk=document.issuer_id).update(name="珠山区公共法律服务中心")
    services.document_render(document=IssuedDocument.objects.get(pk=document.pk))
    document.refresh_from_db()
    assert document.rendered_at == rendered
    text = _text(document)
    assert "2026年11月28日" in text and "2026年12月1日" not in text
    assert "珠山区法律援助中心" in text and "珠山区公共法律服务中心" not in text
    # the path follows the issue month, as before
    assert document.pdf.name.startswith("documents/2026/11/")


@pytest.mark.django_db
def test_a_failed_render_does_not_fail_the_issue(issue, monkeypatch, caplog, settings):
    def broken(**kwargs):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr("documents.services.render_letter", broken)
    document = issue()
    assert document.pk and not document.pdf
    assert "rendering document" in caplog.text
    assert _files(settings) == []
    # the next attempt (a download, say) makes it
    monkeypatch.undo()
    with services.document_pdf(document=document) as f:
        assert f.read().startswith(b"%PDF-")


@pytest.mark.django_db
def test_revoking_works_before_the_render(issue_uncommitted, clerk):
    document = issue_uncommitted()
    services.document_revoke(acting_user=clerk, document=document, reason="送达对象有误")
    document.refresh_from_db()
    assert not document.is_valid and not document.pdf
    # a revoked letter is still rendered: the PDF is kept as the record
    services.document_render(document=document)
    assert document.pdf and not document.is_valid
