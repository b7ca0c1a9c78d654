"""The closing file (结案归档): what it must hold for a kind of case and the stage it reached.

The items are rule rows (``ClosingChecklistItem``): a row with an empty matter category, form of aid
or stage fits every case. The report completes without the documents (Art 50 asks the provider to
hand in the file; the center decides whether what is there is enough), so the checklist only says
what is there and what is missing, and the center's review of the closure reads it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from aid_cases.models import Application, ApplicationDocument
from core.refdata import refdata
from documents.models import DocumentKind, IssuedDocument

from .models import ClosingChecklistItem

# Checklist items the engine issues itself, by the letter's kind.
ISSUED_ITEMS = {"assignment_letter": DocumentKind.ASSIGNMENT_LETTER}


@dataclass(frozen=True)
class ChecklistLine:
    code: str
    label: str
    required: bool
    documents: tuple[ApplicationDocument, ...]
    issued: bool = False  # a letter the engine itself issued on the case (the assignment notice)

    @property
    def present(self) -> bool:
        return bool(self.documents) or self.issued


def checklist_items(
    *, matter_category: str, aid_form: str, stage: str, day: datetime.date
) -> list[ClosingChecklistItem]:
    """The rows in force on ``day`` that fit the case, one per code (the most specific row wins).

    Through the reference-data cache (``core.refdata``): every closing report and its review read them."""

    def load() -> list[ClosingChecklistItem]:
        return list(
            ClosingChecklistItem.objects.filter(valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .filter(Q(matter_category="") | Q(matter_category=matter_category))
            .filter(Q(aid_form="") | Q(aid_form=aid_form))
            .filter(Q(stage="") | Q(stage=stage))
        )

    rows = refdata(f"closing-items:{matter_category}:{aid_form}:{stage}:{day.isoformat()}", load)
    chosen: dict[str, ClosingChecklistItem] = {}
    for row in rows:

        def specificity(r: ClosingChecklistItem) -> int:
            return bool(r.matter_category) + bool(r.aid_form) + bool(r.stage)

        current = chosen.get(row.code)
        if current is None or specificity(row) > specificity(current):
            chosen[row.code] = row
    return sorted(chosen.values(), key=lambda r: (r.sort_order, r.code))


def checklist_for(
    application: Application, *, aid_form: str, stage: str, day: datetime.date | None = None
) -> list[ChecklistLine]:
    """The case's closing-file checklist with the documents uploaded for each item (three queries)."""
    day = day or timezone.localdate()
    items = checklist_items(
        matter_category=application.matter_category, aid_form=aid_form, stage=stage, day=day
    )
    # The letters the engine issued on the case are in its file already: nobody uploads them again.
    issued_kinds = set(
        IssuedDocument.objects.filter(
            subject_type=Application._meta.label_lower,
            subject_id=str(application.pk),
            kind__in=ISSUED_ITEMS.values(),
            revoked_at__isnull=True,
        ).values_list("kind", flat=True)
    )
    uploads: dict[str, list[ApplicationDocument]] = {}
    for document in ApplicationDocument.objects.filter(application=application).exclude(closing_item=""):
        uploads.setdefault(document.closing_item, []).append(document)
    return [
        ChecklistLine(
            code=i.code,
            label=i.label,
            required=i.required,
            documents=tuple(uploads.get(i.code, ())),
            issued=ISSUED_ITEMS.get(i.code) in issued_kinds,
        )
        for i in items
    ]


def missing_required(lines: list[ChecklistLine]) -> list[str]:
    """The labels of the required items with no document."""
    return [line.label for line in lines if line.required and not line.present]
