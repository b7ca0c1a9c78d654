"""Writes to documents: issuing and revoking letters. Keyword-only, one transaction, an audit row each."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Organisation
from directory.services import audit_record

from . import models
from .models import IssuedDocument, format_code
from .pdf import render_letter

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
    base_url: str,
) -> IssuedDocument:
    """Render a letter, store its PDF and record it, with a fresh verification code.

    ``base_url`` is the site's public origin (``https://legalaid.example.cn``), for the address
    printed and encoded on the letter.
    """
    document = IssuedDocument(
        code=_unused_code(), kind=kind, title=title, number=number, issued_at=timezone.now(),
        issuer=issuer, subject_type=subject_type, subject_id=str(subject_id),
    )
    # Rendered before the transaction opens: on SQLite an IMMEDIATE transaction holds the database's
    # write lock from BEGIN, and nobody should queue behind the PDF renderer.
    content = render_letter(
        issuer_name=issuer.name, title=title, number=number, paragraphs=paragraphs, fields=fields,
        code=document.display_code, verify_url=verify_url(base_url=base_url, code=document.code),
        issued_on=timezone.localdate(document.issued_at),
    )
    document.sha256 = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        # Everything but the file is validated before the file is written, so a bad kind or subject
        # leaves nothing behind; the file field itself is filled by the storage just below.
        document.full_clean(exclude=["pdf"])
        # The name given is ignored: upload_to builds the path from the issue month and the code.
        document.pdf.save(f"{document.code}.pdf", ContentFile(content), save=False)
        try:
            document.save()
            audit_record(
                actor=acting_user, action="document_issue", obj=document,
                # No title: it may name the applicant, and the audit log outlives the case.
                new={"code": document.code, "kind": kind, "number": number, "issuer": issuer.pk,
                     "subject": f"{document.subject_type}#{document.subject_id}", "sha256": document.sha256},
            )
        except Exception:
            # Our own failure must not leave an orphan file. (A rollback of the caller's outer
            # transaction after we return still can; such a file is unreferenced and never served.)
            document.pdf.storage.delete(document.pdf.name)
            raise
    return document


@transaction.atomic
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
        actor=acting_user, action="document_revoke", obj=locked,
        old={"revoked_at": None}, new={"revoked_at": locked.revoked_at.isoformat(), "reason": reason},
    )
    document.revoked_at, document.revocation_reason = locked.revoked_at, locked.revocation_reason
    return locked
