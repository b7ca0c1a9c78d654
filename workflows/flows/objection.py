"""The bureau decides an objection against a refusal or a termination (Art 49)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.lock import after_lock_released
from viewflow.workflow.models import Process, Task

from aid_cases import services
from aid_cases.choices import ObjectionOutcome, ObjectionTarget
from aid_cases.models import Objection
from directory.models import Organisation

from .. import letters, views
from ..forms import TaskForm, reasons_field
from ..models import ObjectionProcess
from ..registry import TaskSpec, register
from ..visibility import CaseVisibilityMixin
from .aid_application import AidApplicationFlow
from .assignment import assignment_start_later
from .termination_report import termination_report_cancel

OBJECTION_PERMISSION = "directory.decide_objections"


def _bureau(process: Process) -> Organisation:
    # viewflow calls this with a plain Process when it checks a stored task (can_assign): coerce it.
    return process.coerced.objection.bureau


class ObjectionFlow(CaseVisibilityMixin, flow.Flow):
    process_class = ObjectionProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Objection")

    start = flow.StartHandle(this.start_process).Next(this.decide_objection)
    decide_objection = (
        flow.View(views.task_page)
        .Annotation(title=_("Decide the objection"))
        .Permission(OBJECTION_PERMISSION, obj=_bureau)
        .Next(this.after_decision)
    )
    after_decision = (
        flow.Switch()
        .Case(
            this.reopen_review,
            lambda act: (
                act.process.objection.outcome == ObjectionOutcome.CORRECT
                and act.process.objection.target == ObjectionTarget.REFUSAL
            ),
        )
        .Case(
            this.resume_aid,
            lambda act: (
                act.process.objection.outcome == ObjectionOutcome.CORRECT
                and act.process.objection.target == ObjectionTarget.TERMINATION
            ),
        )
        .Default(this.end)
    )
    reopen_review = flow.Function(this.reopen).Next(this.end)
    # a termination revoked: the case goes back to its provider, or to assignment
    resume_aid = flow.Function(this.resume).Next(this.end)
    end = flow.End()

    def start_process(self, activation: Any, objection: Objection) -> Process:
        activation.process.artifact = objection
        activation.process.seed = objection.application
        return activation.process

    def reopen(self, activation: Any) -> None:
        application = activation.process.objection.application
        # Another flow's lock must not be taken inside this one's (viewflow.workflow.lock).
        after_lock_released(lambda: AidApplicationFlow.restart.run(application=application))

    def resume(self, activation: Any) -> None:
        application = activation.process.objection.application
        # the case goes on: the report of the work before the termination is not wanted any more
        after_lock_released(lambda: termination_report_cancel(application.pk))
        assignment_start_later(application)


class DecideObjectionForm(TaskForm):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect
    )
    reason = reasons_field(_("Reasons"))


def _decide_objection(
    *,
    task: Task,
    process: Process,
    subject: Objection,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    objection = services.objection_decide(
        acting_user=user, objection=subject, outcome=data["outcome"], reason=data["reason"]
    )
    letters.objection_decision_issue(acting_user=user, objection=objection, base_url=base_url)


register(
    TaskSpec(
        node=ObjectionFlow.decide_objection,
        decision=True,
        form=DecideObjectionForm,
        handler=_decide_objection,
        template="workflows/objection/decide_objection.html",
        subject_model=Objection,
        subject_related=(
            "application",
            "application__applicant",
            "application__center",
            "application__region",
            "bureau",
            "refusal",
            "termination",
        ),
        due=lambda objection: objection.due_on,
    ),
)
