"""Orchestration of collaboration letters between centers (法律援助协作函), for the API and the site: the
letter, its PDF and — for a center of the city — the receiving center's task, all or nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _

from aid_cases.models import CollaborationLetter
from aid_cases.services import collaboration as services
from core.errors import Conflict
from core.transactions import all_or_nothing

from . import letters
from .flows.collaboration import CollaborationFlow


def collaboration_send(*, acting_user: AbstractBaseUser, base_url: str, **fields: Any) -> CollaborationLetter:
    """Send a collaboration letter: the letter (``aid_cases.services.collaboration.collaboration_letter_send``,
    whose keyword arguments these are), the 法律援助协作函 on the requesting case and, for a center of the
    city, the ``answer_collaboration`` task in its queue. A refused letter leaves no row, no audit row, no
    document and no process behind."""
    with all_or_nothing():
        letter = services.collaboration_letter_send(acting_user=acting_user, **fields)
        letters.collaboration_letter_issue(acting_user=acting_user, letter=letter, base_url=base_url)
        if not letter.is_outside:
            CollaborationFlow.start.run(letter=letter)
    return letter


def collaboration_answer_by_hand(
    *,
    acting_user: AbstractBaseUser,
    letter: CollaborationLetter,
    done: bool,
    result: Any = "",
    reason: Any = "",
) -> CollaborationLetter:
    """Record the answer of a center outside the city, which has no account here (the requesting center's
    reviewers and directors). A center of the city answers in its own task list: 409 here."""
    if not letter.is_outside:
        raise Conflict(
            _("%(center)s answers this letter in its own task list.") % {"center": letter.addressee}
        )
    return services.collaboration_letter_answer(
        acting_user=acting_user, letter=letter, done=done, result=result, reason=reason
    )
