"""Writes to documents: issuing, rendering and revoking letters. Keyword-only, one transaction each.

Issuing and revoking write an audit row. Rendering writes none: the PDF is a deterministic function
of the issued row (docs/architecture.md), so it records no decision of its own; its SHA-256 is on the row.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.models import Organisation
from directory.services import audit_record

from . import models
from .models import IssuedDocument, format_code
from .pdf import render_letter
from .rendering import render_later

# Two 60-bit codes practically never collide; a handful of attempts is plenty, and running out
# means the generator is broken, not unlucky.
_CODE_ATTEMPTS = 5


class CodeExhausted(RuntimeError):
    pass


def _unused_code() -> str:
    for _attempt in range(_CODE_ATTEMPTS):
        code = models.new_code()
        if not IssuedDocument.objects.filter(code=code).exists():
            return code
    raise CodeExhausted(f"no unused verification code after {_CODE_ATTEMPTS} attempts")


def verify_url(*, base_url: str, code: str) -> str:
    """The absolute public address printed and encoded on the letter."""
    return base_url.rstrip("/") + reverse("document_verify", args=[format_code(code)])


def document_issue(
    *,
    acting_user,
    kind: str,
    issuer: Organisation,
    subject_type: str,
    subject_id,
    title: str,
    number: str,
    paragraphs: Sequence[str],
    fields: Sequence[tuple[str, str]] = (),
    tables: Sequence[dict] = (),
    base_url: str,
) -> IssuedDocument:
    """Record a letter with a fresh verification code; its PDF is rendered after the commit.

    ``tables`` are column tables (``documents.pdf.column_table``) printed after the fields, e.g. a
    report's one row per lawyer.

    Only the row is written here, with everything the letter prints, so the caller's transaction
    (filing an application, deciding a review) never waits for the PDF renderer; see
    ``documents.rendering.render_later`` for when the PDF appears. ``base_url`` is the site's public
    origin (``https://legalaid.example.cn``), for the address printed and encoded on the letter.
    """
    code = _unused_code()
    issued_at = timezone.now()
    document = IssuedDocument(
        code=code,
        kind=kind,
        title=title,
        number=number,
        issued_at=issued_at,
        issuer=issuer,
        subject_type=subject_type,
        subject_id=str(subject_id),
        content={
            # The issuer's name as it is today: a later renaming must not change an issued letter.
            "issuer_name": issuer.name,
            # str(): lazy translations become the text they say now, in the caller's language.
            "paragraphs": [str(text) for text in paragraphs],
            "fields": [[str(label), str(value)] for label, value in fields],
            "tables": list(tables),
            "verify_url": verify_url(base_url=base_url, code=code),
            # The date printed is the issue date in the site's time zone, whenever the PDF is made.
            "issued_on": timezone.localdate(issued_at).isoformat(),
        },
    )
    with service_transaction():
        # The issuer is an object the caller holds, and the code was just found unused: checking
        # them again here would cost a query each on every letter.
        document.full_clean(exclude=["issuer"], validate_unique=False)
        document.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.DOCUMENT_ISSUE,
            obj=document,
            # No title: it may name the applicant, and the audit log outlives the case. No SHA-256
            # either: the PDF does not exist yet; it is a function of this row and lands on it.
            new={
                "code": document.code,
                "kind": kind,
                "number": number,
                "issuer": issuer.pk,
                "subject": f"{document.subject_type}#{document.subject_id}",
            },
        )
        render_later(document.pk)
    return document


def _letter(document: IssuedDocument) -> bytes:
    """The PDF of an issued document, from its row alone."""
    content = document.content
    return render_letter(
        issuer_name=content["issuer_name"],
        title=document.title,
        number=document.number,
        paragraphs=content["paragraphs"],
        fields=[tuple(pair) for pair in content["fields"]],
        tables=content.get("tables", []),  # letters issued before tables existed have none
        code=document.display_code,
        verify_url=content["verify_url"],
        issued_on=datetime.date.fromisoformat(content["issued_on"]),
    )


def _holds(storage, name: str, digest: str) -> bool:
    """Whether ``name`` already holds exactly these bytes (left by an earlier, interrupted render)."""
    if not storage.exists(name):
        return False
    with storage.open(name, "rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest() == digest


def document_render(*, document: IssuedDocument) -> IssuedDocument:
    """Render the document's PDF and store it, with its SHA-256 and the time; once only.

    Idempotent and safe to race: the file is written first, then recorded by an UPDATE that matches
    only while the row has no PDF, so of two renders exactly one records its file and the other
    removes its own copy and takes the winner's. A document already rendered is returned as it is.
    """
    if document.pdf:
        return document
    # Rendered outside any transaction: on SQLite an IMMEDIATE transaction holds the database's write
    # lock from BEGIN, and nobody should queue behind the PDF renderer.
    content = _letter(document)
    digest = hashlib.sha256(content).hexdigest()
    field = IssuedDocument._meta.get_field("pdf")
    storage = field.storage
    # The name given is ignored: upload_to builds the path from the issue month and the code.
    name = field.generate_filename(document, f"{document.code}.pdf")
    # The bytes are deterministic, so a file already there with the same digest is this very PDF.
    wrote = not _holds(storage, name, digest)
    if wrote:
        # The storage never overwrites: a partial file from a crash or a racing render that is
        # still writing leaves this copy under a free name beside it.
        name = storage.save(name, ContentFile(content), max_length=field.max_length)
    rendered_at = timezone.now()
    try:
        with transaction.atomic():
            rows = IssuedDocument.objects.filter(pk=document.pk)
            won = rows.filter(pdf="").update(pdf=name, sha256=digest, rendered_at=rendered_at)
            current = None if won else rows.values("pdf", "sha256", "rendered_at").first()
    except Exception:
        if wrote:
            storage.delete(name)
        raise
    if not won:
        if wrote and (current is None or current["pdf"] != name):
            storage.delete(name)  # ours lost the race (or the row is gone): the recorded file stays
        if current is None:
            raise IssuedDocument.DoesNotExist(f"issued document {document.pk} no longer exists")
        name, digest, rendered_at = current["pdf"], current["sha256"], current["rendered_at"]
    document.pdf, document.sha256, document.rendered_at = name, digest, rendered_at
    return document


def document_pdf(*, document: IssuedDocument) -> File:
    """The document's PDF, opened for reading; rendered first if that has not happened yet.

    Every place that hands out the file goes through here, so nobody is ever shown a letter whose
    render is still queued (or was lost with a worker or a broker).
    """
    if not document.pdf:
        document = document_render(document=document)
    return document.pdf.open("rb")


@service_transaction()
def document_revoke(*, acting_user, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Mark a document revoked: the public page then says so. The PDF is kept as the record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"revocation_reason": _("Give the reason for revoking the document.")})
    locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("This document has already been revoked."))
    locked.revoked_at = timezone.now()
    locked.revocation_reason = reason
    locked.save(update_fields=["revoked_at", "revocation_reason"])
    audit_record(
        actor=acting_user,
        action=AuditAction.DOCUMENT_REVOKE,
        obj=locked,
        old={"revoked_at": None},
        new={"revoked_at": locked.revoked_at.isoformat(), "reason": reason},
    )
    document.revoked_at, document.revocation_reason = locked.revoked_at, locked.revocation_reason
    return locked
