"""Reads of collaboration letters (协作函), with object-level visibility.

Who sees a letter: the staff (clerks, reviewers, directors) of the requesting center and of the
receiving center; nobody else (404) — not a third center, not the case's provider or applicant. The
receiving center sees the letter and what it asks, never the requesting case itself
(``applications_visible_to`` is unchanged by a letter). Who acts on it:

- sends: a reviewer or director of the case's center (``user_decides_for``);
- answers: a reviewer or director of the receiving center; for a letter to a center outside the city,
  which has no account here, a reviewer or director of the requesting center records the answer.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from directory.audit import AuditAction
from directory.choices import DECIDING_ROLES
from directory.models import AuditEvent
from directory.people import person_name
from directory.selectors import user_center_ids

from .choices import CollaborationStatus
from .models import Application, CollaborationLetter

# What every page and API row of a letter shows, joined: no query per row. Never the applicant.
LETTER_RELATED = ("application", "from_center", "to_center", "sent_by", "answered_by")
LETTER_ACTIONS = (
    AuditAction.COLLABORATION_SEND,
    AuditAction.COLLABORATION_DONE,
    AuditAction.COLLABORATION_REFUSE,
)
SENT, RECEIVED = "sent", "received"


def letters_visible_to(user: Any, centers: list[int] | None = None) -> QuerySet[CollaborationLetter]:
    """The letters ``user`` may open: those sent or received by a center where they are staff.
    ``centers``: those centers' ids when the caller already read them (``user_center_ids``)."""
    qs = CollaborationLetter.objects.select_related(*LETTER_RELATED)
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    centers = user_center_ids(user) if centers is None else centers
    if not centers:
        return qs.none()
    return qs.filter(Q(from_center_id__in=centers) | Q(to_center_id__in=centers))


def letter_get(*, user: Any, pk: int) -> CollaborationLetter:
    """The letter, or ``CollaborationLetter.DoesNotExist`` when the user may not see it (404)."""
    return letters_visible_to(user).get(pk=pk)


def letters_list(
    user: Any,
    *,
    centers: list[int] | None = None,
    direction: str | None = None,
    status: str | None = None,
    application_id: int | None = None,
) -> QuerySet[CollaborationLetter]:
    """The user's visible letters, newest first; only those sent by (``direction="sent"``) or to
    (``"received"``) the user's centers, of one status, or about one requesting case."""
    centers = user_center_ids(user) if centers is None else centers
    qs = letters_visible_to(user, centers)
    if direction == SENT:
        qs = qs.filter(from_center_id__in=centers)
    elif direction == RECEIVED:
        qs = qs.filter(to_center_id__in=centers)
    if status:
        qs = qs.filter(status=status)
    if application_id is not None:
        qs = qs.filter(application_id=application_id)
    return qs.order_by("-sent_at", "-pk")


def letter_direction(letter: CollaborationLetter, centers: list[int]) -> str:
    """``"received"`` for the receiving center's staff, ``"sent"`` for everyone else who sees it."""
    return RECEIVED if letter.to_center_id is not None and letter.to_center_id in centers else SENT


def letter_overdue(letter: CollaborationLetter, today: datetime.date | None = None) -> bool:
    """Still unanswered after its deadline."""
    return letter.status == CollaborationStatus.SENT and letter.due < (today or timezone.localdate())


def user_sends_for(user: Any, application: Application) -> bool:
    """Whether ``user`` may send a letter for ``application``: a reviewer or director of its center."""
    return user.is_authenticated and application.center_id in user_center_ids(user, roles=DECIDING_ROLES)


def answering_center_id(letter: CollaborationLetter) -> int:
    """The center whose reviewers and directors record the answer: the receiving center, or for a
    center outside the city (no account here) the requesting center."""
    return letter.to_center_id if letter.to_center_id is not None else letter.from_center_id


def user_answers(user: Any, letter: CollaborationLetter) -> bool:
    """Whether ``user`` may record the letter's answer (``answering_center_id``)."""
    return user.is_authenticated and answering_center_id(letter) in user_center_ids(
        user, roles=DECIDING_ROLES
    )


def letter_history(letter: CollaborationLetter) -> list[dict[str, Any]]:
    """The letter's own timeline, oldest first: the rows its sending and answering wrote on the requesting
    case's timeline, and only those (the rest of the case stays the requesting center's)."""
    events = (
        AuditEvent.objects.filter(
            object_type=Application._meta.label_lower,
            object_id=str(letter.application_id),
            action__in=LETTER_ACTIONS,
            new__letter=letter.pk,
        )
        .select_related("actor")
        .order_by("at", "pk")
    )
    return [
        {"at": e.at, "event": e.action, "label": str(e.get_action_display()), "by": person_name(e.actor)}
        for e in events
    ]


__all__ = [
    "LETTER_RELATED",
    "RECEIVED",
    "SENT",
    "answering_center_id",
    "letter_direction",
    "letter_get",
    "letter_history",
    "letter_overdue",
    "letters_list",
    "letters_visible_to",
    "user_answers",
    "user_sends_for",
]
