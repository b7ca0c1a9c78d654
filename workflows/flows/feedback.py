"""The handling agency's view of a case (征询意见, Art 59): start → answer_feedback (the agency) → end.

One process per request, started with ``StartHandle`` by ``workflows.follow_ups.feedback_request_submit``
when the center asks a court or procuratorate. The process is the ready-made ``CaseProcess`` (no new
proxy, no migration): the request is its artifact and the case its seed. The task carries
``directory.answer_feedback`` on the agency asked, which its officers hold through their role group, so
it waits in their queue; the task page shows them the request, never the rest of the case (they may not
see it). The rules are ``quality.services.hearings``'.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task

from directory.models import Organisation
from quality.models import FeedbackAssessment, FeedbackRequest
from quality.services import hearings

from .. import views
from ..forms import TaskForm
from ..models import CaseProcess
from ..registry import TaskSpec, register
from ..visibility import CaseVisibilityMixin

ANSWER_PERMISSION = "directory.answer_feedback"


def _agency(process: Process) -> Organisation:
    return process.coerced.artifact.agency


class FeedbackFlow(CaseVisibilityMixin, flow.Flow):
    process_class = CaseProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("The agency's view of a legal aid case")

    start = flow.StartHandle(this.start_process).Next(this.answer_feedback)
    answer_feedback = (
        flow.View(views.task_page)
        .Annotation(title=_("Give your view of the legal aid provider's work"))
        .Permission(ANSWER_PERMISSION, obj=_agency)
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, feedback: FeedbackRequest) -> Process:
        activation.process.artifact = feedback
        activation.process.seed = feedback.application
        return activation.process


class AnswerFeedbackForm(TaskForm):
    assessment = forms.ChoiceField(
        label=_("Your overall view of the provider's work"),
        choices=FeedbackAssessment.choices,
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when not satisfied: say what fell short."),
    )


def _answer(
    *,
    task: Task,
    process: Process,
    subject: FeedbackRequest,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    process.artifact = hearings.feedback_answer(
        acting_user=user, feedback=subject, assessment=data["assessment"], answer=data.get("answer") or ""
    )


register(
    TaskSpec(
        node=FeedbackFlow.answer_feedback,
        form=AnswerFeedbackForm,
        handler=_answer,
        template="workflows/feedback/answer_feedback.html",
        subject_model=FeedbackRequest,
        subject_related=(
            "application",
            "application__applicant",
            "application__center",
            "agency",
            "provider",
            "provider__organisation",
        ),
        due=lambda feedback: feedback.due_on,
        action_title=_("Your view"),
    ),
)
