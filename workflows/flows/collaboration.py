"""A collaboration letter to another center of the city (法律援助协作函): answer_collaboration → end.

Started with the letter (``workflows.collaboration.collaboration_send``) with ``StartHandle``, one process
per letter to a center of the city; a letter to a center outside the city has no process (the requesting
center records its answer by hand). The process is a ``CollaborationProcess``: the letter is its artifact,
the requesting case its seed, so the task rows carry the case's ``application_id`` and ``?application_id=``
finds the task.

``answer_collaboration`` waits in the queue of the receiving center's reviewers and directors (whoever
holds ``directory.review_applications`` on it). They see the letter — the requesting center, the case's
tracking number, what is asked and by when — and never the requesting case itself: the process is
visible to whom may see the letter (``ArtifactVisibilityMixin``), the task page shows the case only to
whom may see the case. The answer's rules are ``aid_cases.services.collaboration``'; the flow only routes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task

from aid_cases.collaboration_selectors import letter_history, letter_overdue, letters_visible_to
from aid_cases.models import CollaborationLetter
from aid_cases.services import collaboration as services
from documents.selectors import document_by_code

from .. import views
from ..forms import TaskForm, YesNoField, reasons_field
from ..models import CollaborationProcess
from ..registry import TaskSpec, register
from ..visibility import ArtifactVisibilityMixin, organisation_at

ANSWER_PERMISSION = "directory.review_applications"


class CollaborationVisibilityMixin(ArtifactVisibilityMixin):
    """A process visible to whom may see its letter: the staff of the requesting and receiving centers."""

    visible_artifacts = staticmethod(letters_visible_to)


class CollaborationFlow(CollaborationVisibilityMixin, flow.Flow):
    process_class = CollaborationProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Collaboration letter")

    start = flow.StartHandle(this.start_process).Next(this.answer_collaboration)
    answer_collaboration = (
        flow.View(views.task_page)
        .Annotation(title=_("Answer the collaboration letter"))
        .Permission(ANSWER_PERMISSION, obj=organisation_at("to_center"))
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, letter: CollaborationLetter) -> Process:
        activation.process.artifact = letter
        activation.process.seed = letter.application
        return activation.process


# --- the task's fields (docs/api.md, Intake across the city) --------------------------------------


class AnswerCollaborationForm(TaskForm):
    done = YesNoField(label=_("Answer"), yes=_("Done"), no=_("Could not be done"))
    result = reasons_field(
        _("Result of the collaboration"),
        help_text=_("Required when done: what was done and found; the requesting center reads it."),
    )
    reason = reasons_field(_("Reasons"), help_text=_("Required when it could not be done."))


def _answer(
    *,
    task: Task,
    process: Process,
    subject: CollaborationLetter,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    letter = services.collaboration_letter_answer(
        acting_user=user,
        letter=subject,
        done=data["done"],
        result=data.get("result") or "",
        reason=data.get("reason") or "",
    )
    process.artifact = letter


def _due(letter: CollaborationLetter) -> datetime.date | None:
    return letter.due


def _page_context(*, task: Task, subject: CollaborationLetter, user: AbstractBaseUser) -> dict[str, Any]:
    """The letter, its PDF and its own history; nothing of the case beyond what the letter says."""
    return {
        "history": letter_history(subject),
        "overdue": letter_overdue(subject),
        "letter_document": document_by_code(subject.letter_code) if subject.letter_code else None,
    }


register(
    TaskSpec(
        node=CollaborationFlow.answer_collaboration,
        form=AnswerCollaborationForm,
        handler=_answer,
        template="workflows/collaboration/answer_collaboration.html",
        subject_model=CollaborationLetter,
        subject_related=("application", "from_center", "to_center", "sent_by"),
        due=_due,
        page_context=_page_context,
        action_title=_("Your answer"),
    ),
)
