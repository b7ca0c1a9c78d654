"""The work done on a terminated case (Art 48, 50, 52): termination_report (the provider) →
review_termination_report (the center) → end, or back to the provider.

Started when aid ends early on a case a provider had accepted (``termination_report_start_later``,
queued by the termination): the case is never closed, but the provider is paid the subsidy standard's
share for a terminated case once the center accepts the report of the work (docs/domain.md,
subsidies). A termination revoked on objection cancels it: the case resumes and is closed as any
other. The process is the ready-made ``CaseProcess`` (the case is its artifact and its seed); the
rules are ``assignments.services.handling``'s.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.lock import after_lock_released
from viewflow.workflow.models import Process, Task

from aid_cases.models import Application
from assignments.services import handling

from .. import views
from ..forms import YesNoField
from ..models import CaseProcess, running_processes
from ..registry import TaskSpec, register
from ..visibility import CaseVisibilityMixin, organisation_at
from .assignment import (
    APPLICATION_RELATED,
    REVIEW_PERMISSION,
    CloseReportForm,
    ReviewClosureForm,
    closing_context,
)


def _handled_by(activation: Any) -> Any:
    application = activation.process.artifact
    return application.provider.user if application.provider_id else None


def _accepted(activation: Any) -> bool:
    return handling.termination_report_accepted(activation.process.artifact_object_id)


class TerminationReportFlow(CaseVisibilityMixin, flow.Flow):
    process_class = CaseProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Work done before the termination")

    start = flow.StartHandle(this.start_process).Next(this.termination_report)
    termination_report = (
        flow.View(views.task_page)
        .Annotation(title=_("Report the work done before the termination"))
        .Assign(_handled_by)
        .Next(this.review_termination_report)
    )
    review_termination_report = (
        flow.View(views.task_page)
        .Annotation(title=_("Review the report of the work before the termination"))
        .Permission(REVIEW_PERMISSION, obj=organisation_at("center"))
        .Next(this.after_review)
    )
    after_review = flow.If(_accepted).Then(this.end).Else(this.termination_report)
    end = flow.End()

    def start_process(self, activation: Any, application: Application) -> Process:
        activation.process.artifact = application
        activation.process.seed = application
        return activation.process


def termination_report_start(application_id: int) -> None:
    """Start the report of the work on a terminated case, once: only when its provider had accepted it
    and has no report pending or accepted. Queued with ``after_lock_released`` by the termination (it
    runs even when that step rolled back, so the state is re-read here)."""
    application = Application.objects.filter(pk=application_id).first()
    if application is None or not handling.termination_report_due(application):
        return
    if running_processes(TerminationReportFlow, application_id):
        return
    TerminationReportFlow.start.run(application=application)


def termination_report_start_later(application: Application) -> None:
    after_lock_released(lambda: termination_report_start(application.pk))


def termination_report_cancel(application_id: int) -> None:
    """Cancel the report's process: the termination was revoked and the case resumes."""
    for process in running_processes(TerminationReportFlow, application_id):
        TerminationReportFlow.instance.cancel(process)


class TerminationReportForm(CloseReportForm):
    """The closing report's fields but the outcome: aid was terminated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["outcome"]
        self.fields["ended_on"].help_text = _("Empty: the day of the termination.")


def _termination_report(
    *,
    task: Task,
    process: Process,
    subject: Application,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    handling.termination_report_file(
        acting_user=user,
        application=subject,
        stage=data.get("stage") or "",
        ended_on=data.get("ended_on"),
        hours=data["hours"],
        summary=data["summary"],
    )


def _review_termination_report(
    *,
    task: Task,
    process: Process,
    subject: Application,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    handling.termination_report_review(
        acting_user=user, application=subject, approve=data["approve"], comment=data.get("comment") or ""
    )


class ReviewTerminationReportForm(ReviewClosureForm):
    approve = YesNoField(
        label=_("Your decision"),
        yes=_("Accept the report: the share of the subsidy is owed"),
        no=_("Return it to the provider"),
    )


register(
    TaskSpec(
        node=TerminationReportFlow.termination_report,
        form=TerminationReportForm,
        handler=_termination_report,
        template="workflows/termination_report/termination_report.html",
        action_title=_("Report of the work"),
        subject_model=Application,
        subject_related=APPLICATION_RELATED,
        page_context=closing_context,
    ),
    TaskSpec(
        node=TerminationReportFlow.review_termination_report,
        decision=True,
        form=ReviewTerminationReportForm,
        handler=_review_termination_report,
        template="workflows/termination_report/review_termination_report.html",
        subject_model=Application,
        subject_related=APPLICATION_RELATED,
        due=lambda application: application.closure_due,
        page_context=closing_context,
    ),
)
