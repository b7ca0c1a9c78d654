"""An online legal question (留言咨询, Legal Aid Law Art 23): start → answer_consultation → end.

Started from a service (``workflows.consultations.consultation_submit``) with ``StartHandle``, one process
per online question; a consultation given on the hotline, at the window or at a station is answered as it
is recorded and starts none. A question belongs to no case: the process is viewflow's plain ``Process``
(as the service log's: a proxy would only rename it, and needs no migration), its artifact the
consultation and no seed, so the task rows carry ``consultation_id`` and a null ``application_id``.

``answer_consultation`` waits in the queue of whoever works at the answering center — its clerks,
reviewers and director, and the lawyers on duty there (a provider membership at the center): all of
them hold ``directory.view_organisation_internal`` on the center through its members group, the same
people ``consultations.selectors.user_answers`` names. It is due on the question's ``answer_due``. The
rules are ``consultations.services``'; the flow only routes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task

from consultations import services
from consultations.choices import Referral
from consultations.models import Consultation
from consultations.selectors import ANSWER_PERMISSION, consultations_visible_to

from .. import views
from ..forms import TaskForm, reasons_field
from ..registry import TaskSpec, register
from ..visibility import ArtifactVisibilityMixin, organisation_at


class ConsultationVisibilityMixin(ArtifactVisibilityMixin):
    """What viewflow lets a user see of these processes (workflows/visibility.py): a process only to whom
    may see its consultation; lists of processes and managing them only to administrators."""

    visible_artifacts = staticmethod(consultations_visible_to)


class ConsultationFlow(ConsultationVisibilityMixin, flow.Flow):
    # viewflow's own Process: a question has no case.
    process_class = Process
    lock_impl = lock.select_for_update_lock
    process_title = _("Online legal question")

    start = flow.StartHandle(this.start_process).Next(this.answer_consultation)
    answer_consultation = (
        flow.View(views.task_page)
        .Annotation(title=_("Answer the online legal question"))
        .Permission(ANSWER_PERMISSION, obj=organisation_at("center"))
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, consultation: Consultation) -> Process:
        activation.process.artifact = consultation
        return activation.process


# --- the task's fields (docs/api.md, Intake across the city) -------------------------------------


class AnswerConsultationForm(TaskForm):
    answer = reasons_field(
        _("Answer"), help_text=_("What the asker reads: the law that applies and what they can do.")
    )
    referral = forms.ChoiceField(
        label=_("Referred to"),
        required=False,
        choices=[("", _("Nowhere: the answer is enough")), *Referral.choices],
    )
    minutes = forms.IntegerField(
        label=_("Minutes spent"), required=False, min_value=1, max_value=services.MINUTES_MAX
    )


def _answer(
    *,
    task: Task,
    process: Process,
    subject: Consultation,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    process.artifact = services.consultation_answer(
        acting_user=user,
        consultation=subject,
        answer=data.get("answer") or "",
        referral=data.get("referral") or "",
        minutes=data.get("minutes"),
    )


def _due(consultation: Consultation) -> datetime.date | None:
    return consultation.answer_due


def _page_context(*, task: Task, subject: Consultation, user: AbstractBaseUser) -> dict[str, Any]:
    return {"consultation": subject}


register(
    TaskSpec(
        node=ConsultationFlow.answer_consultation,
        form=AnswerConsultationForm,
        handler=_answer,
        template="workflows/consultation/answer_consultation.html",
        subject_model=Consultation,
        subject_related=("center", "region"),
        due=_due,
        page_context=_page_context,
        subject_key="consultation_id",
        action_title=_("Your answer"),
    ),
)
