"""Reads of issued documents.

``document_by_code`` serves the public verify page, which shows only what is printed for anyone to
check (kind, date, issuer, validity); callers that hand out the PDF or its title must first check
that the user may see the subject (the case), which only the subject's app knows.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import IssuedDocument, normalise_code


def document_by_code(code: str) -> IssuedDocument | None:
    """The document with this code in any form (dashes, spaces, case), or None."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return IssuedDocument.objects.select_related("issuer").filter(code=normalised).first()


def documents_for_subject(subject_type: str, subject_id) -> QuerySet[IssuedDocument]:
    """The documents about one subject, oldest first (the order a case's timeline reads in)."""
    return (
        IssuedDocument.objects.filter(subject_type=subject_type, subject_id=str(subject_id))
        .select_related("issuer")
        .order_by("issued_at", "pk")
    )
