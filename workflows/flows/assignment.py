"""Assignment and handling of an aid case (docs/domain.md): assign → accept → close_report → review_closure.

Started when aid is granted (or provisionally granted, Art 44), and for a notified defence. A
decline sends the case back to ``assign`` (the decliner is not offered it again); a returned closing
report goes back to the provider. A replacement (Art 55) or a termination cancels the process; a
replacement starts a new one, as does a termination revoked on objection. The rules are the
assignments services'; the flow only routes on the status they leave behind.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.lock import after_lock_released
from viewflow.workflow.models import Process, Task

from aid_cases import rules
from aid_cases.choices import Status
from aid_cases.models import Application
from assignments import closing
from assignments.choices import AssignmentStatus, CaseOutcome, CaseStage
from assignments.models import Assignment, ClosingReport
from assignments.recommend import recommendations_for
from assignments.services import handling
from directory.choices import AidForm

from .. import follow_ups, letters, views
from ..forms import TaskForm, YesNoField, reasons_field
from ..models import AssignmentProcess, running_processes
from ..registry import TaskSpec, register
from ..visibility import CaseVisibilityMixin, organisation_at

REVIEW_PERMISSION = "directory.review_applications"
RECOMMENDATIONS_SHOWN = 20


def _offered_to(activation: Any) -> Any:
    assignment = handling.live_assignment(activation.process.application)
    return assignment.provider.user if assignment else None


def _handled_by(activation: Any) -> Any:
    application = activation.process.application
    return application.provider.user if application.provider_id else None


class AssignmentFlow(CaseVisibilityMixin, flow.Flow):
    process_class = AssignmentProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Assignment and handling")

    start = flow.StartHandle(this.start_process).Next(this.assign)
    # a case resumed with its provider (a termination revoked) goes straight back to them
    resume = flow.StartHandle(this.start_process).Next(this.close_report)
    assign = (
        flow.View(views.task_page)
        .Annotation(title=_("Assign a provider"))
        .Permission(REVIEW_PERMISSION, obj=organisation_at("center"))
        .Next(this.accept)
    )
    accept = (
        flow.View(views.task_page)
        .Annotation(title=_("Accept or decline the case"))
        .Assign(_offered_to)
        .Next(this.after_answer)
    )
    after_answer = (
        flow.If(lambda act: act.process.application.status == Status.IN_PROGRESS)
        .Then(this.close_report)
        .Else(this.assign)
    )
    close_report = (
        flow.View(views.task_page)
        .Annotation(title=_("File the closing report"))
        .Assign(_handled_by)
        .Next(this.review_closure)
    )
    review_closure = (
        flow.View(views.task_page)
        .Annotation(title=_("Review the closing report"))
        .Permission(REVIEW_PERMISSION, obj=organisation_at("center"))
        .Next(this.after_review)
    )
    after_review = (
        flow.If(lambda act: act.process.application.status == Status.CLOSED)
        .Then(this.end)
        .Else(this.close_report)
    )
    end = flow.End()

    def start_process(self, activation: Any, application: Application) -> Process:
        handling.assignment_begin(acting_user=None, application=application)
        activation.process.artifact = application
        activation.process.seed = application
        return activation.process


# The statuses from which a case goes (back) to assignment: granted, or resumed after a revoked termination.
STARTABLE = (Status.APPROVED, Status.IN_PROGRESS)


def assignment_start(application_id: int) -> None:
    """Start the case's assignment process unless it has one running or the case is not ready.

    Queued with ``after_lock_released`` by the flows that grant or restore aid, so it runs under its
    own lock after theirs; viewflow runs such callbacks even when the step failed and rolled back,
    so the state is re-read here and a case that is not ready is left alone.
    """
    application = Application.objects.filter(pk=application_id, status__in=STARTABLE).first()
    if application is None or running_processes(AssignmentFlow, application_id):
        return
    if application.status == Status.IN_PROGRESS:
        AssignmentFlow.resume.run(application=application)
    else:
        AssignmentFlow.start.run(application=application)


def assignment_start_later(application: Application) -> None:
    after_lock_released(lambda: assignment_start(application.pk))


def assignment_cancel(application_id: int) -> None:
    """Cancel the case's running assignment process (its open tasks with it): aid ended or the
    provider was replaced. Under the process's own lock."""
    for process in running_processes(AssignmentFlow, application_id):
        AssignmentFlow.instance.cancel(process)


# --- the tasks' fields -------------------------------------------------------------------------


class AssignForm(TaskForm):
    provider_id = forms.IntegerField(label=_("Provider"), min_value=1)
    aid_form = forms.ChoiceField(
        label=_("Form of aid"), choices=[("", _("As the matter suggests")), *AidForm.choices], required=False
    )
    override_reason = reasons_field(
        _("Why this provider"),
        help_text=_(
            "Required for a provider outside the case's region when the center does not assign across regions."
        ),
    )


class AcceptForm(TaskForm):
    accept = YesNoField(label=_("Your answer"), yes=_("Accept the case"), no=_("Decline the case"))
    reason = reasons_field(_("Reason for declining"), help_text=_("Required to decline."))


class CloseReportForm(TaskForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        # "aid terminated" is the termination's own report (flows.termination_report), never a closure's
        choices=[("", _("Choose…")), *[c for c in CaseOutcome.choices if c[0] != CaseOutcome.TERMINATED]],
    )
    stage = forms.ChoiceField(
        label=_("Stage the case reached"),
        choices=[("", _("As the form of aid suggests")), *CaseStage.choices],
        required=False,
    )
    ended_on = forms.DateField(
        label=_("The case ended on"),
        required=False,
        help_text=_("Empty: today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    hours = forms.DecimalField(label=_("Hours spent in all"), min_value=0, max_digits=7, decimal_places=1)
    summary = forms.CharField(label=_("Summary of the handling"), widget=forms.Textarea(attrs={"rows": 5}))


class ReviewClosureForm(TaskForm):
    approve = YesNoField(
        label=_("Your decision"),
        yes=_("Accept the closing report: close the case"),
        no=_("Return it to the provider"),
    )
    comment = reasons_field(
        _("Comment"),
        help_text=_(
            "Required to return the report, and to accept it while required closing-file items are missing."
        ),
    )


# --- what each task does -----------------------------------------------------------------------


def _assign(
    *,
    task: Task,
    process: Process,
    subject: Application,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    handling.assignment_offer(
        acting_user=user,
        application=subject,
        provider_id=data["provider_id"],
        aid_form=data.get("aid_form") or "",
        override_reason=data.get("override_reason") or "",
    )


def _assign_context(*, task: Task, subject: Application, user: AbstractBaseUser) -> dict[str, Any]:
    # the best twenty: a reviewer picks among the first few, and each one shown costs its prefetch
    earlier = (
        Assignment.objects.filter(
            application=subject, status__in=[AssignmentStatus.DECLINED, AssignmentStatus.REPLACED]
        )
        .select_related("provider")
        .order_by("assigned_at", "pk")
    )
    return {
        "recommendations": recommendations_for(subject, limit=RECOMMENDATIONS_SHOWN),
        "earlier_assignments": list(earlier),  # who declined or was replaced, and why
    }


def _accept(
    *,
    task: Task,
    process: Process,
    subject: Application,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    assignment = handling.assignment_respond(
        acting_user=user, application=subject, accept=data["accept"], reason=data.get("reason") or ""
    )
    if data["accept"]:
        letters.assignment_letter_issue(
            acting_user=user, application=subject, assignment=assignment, base_url=base_url
        )
        follow_ups.follow_up_after_acceptance(subject)  # a follow-up call, when the rule makes one


def _accept_context(*, task: Task, subject: Application, user: AbstractBaseUser) -> dict[str, Any]:
    return {"assignment": handling.live_assignment(subject)}


def _close_report(
    *,
    task: Task,
    process: Process,
    subject: Application,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    handling.closing_report_file(
        acting_user=user,
        application=subject,
        outcome=data["outcome"],
        stage=data.get("stage") or "",
        ended_on=data.get("ended_on"),
        hours=data["hours"],
        summary=data["summary"],
    )


def closing_context(*, task: Task, subject: Application, user: AbstractBaseUser) -> dict[str, Any]:
    assignment = handling.live_assignment(subject)
    report = ClosingReport.objects.filter(assignment=assignment).first() if assignment else None
    stage = report.stage if report else handling.default_stage(assignment.aid_form if assignment else "")
    lines = closing.checklist_for(subject, aid_form=assignment.aid_form, stage=stage) if assignment else []
    late = False
    if report is not None:
        rule = rules.period_rule_in_force(subject.region, report.filed_on)
        late = handling.closing_report_late(report, rule.closing_report_days)
    return {
        "assignment": assignment,
        "report": report,
        "checklist": lines,
        "report_late": late,
        "closing_period": handling.closing_report_period(subject),
    }


def _review_closure(
    *,
    task: Task,
    process: Process,
    subject: Application,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    handling.closure_review(
        acting_user=user, application=subject, approve=data["approve"], comment=data.get("comment") or ""
    )
    follow_ups.follow_up_after_closure(subject)  # the follow-up call after closure (when approved)


# What the due dates and the pages read of the case (the services re-read what they change under a
# lock): the review's joins and no more, so every work list loads its subjects in one narrow query.
APPLICATION_RELATED = ("applicant", "center", "region")

register(
    TaskSpec(
        node=AssignmentFlow.assign,
        decision=True,
        form=AssignForm,
        handler=_assign,
        template="workflows/assignment/assign.html",
        subject_model=Application,
        subject_related=APPLICATION_RELATED,
        due=lambda application: application.assign_due,
        page_context=_assign_context,
    ),
    TaskSpec(
        node=AssignmentFlow.accept,
        form=AcceptForm,
        handler=_accept,
        template="workflows/assignment/accept.html",
        action_title=_("Your answer"),
        subject_model=Application,
        subject_related=APPLICATION_RELATED,
        due=lambda application: application.assign_due,
        page_context=_accept_context,
    ),
    TaskSpec(
        node=AssignmentFlow.close_report,
        form=CloseReportForm,
        handler=_close_report,
        template="workflows/assignment/close_report.html",
        action_title=_("Closing report"),
        subject_model=Application,
        subject_related=APPLICATION_RELATED,
        page_context=closing_context,
    ),
    TaskSpec(
        node=AssignmentFlow.review_closure,
        decision=True,
        form=ReviewClosureForm,
        handler=_review_closure,
        template="workflows/assignment/review_closure.html",
        subject_model=Application,
        subject_related=APPLICATION_RELATED,
        due=lambda application: application.closure_due,
        page_context=closing_context,
    ),
)
