"""A complaint (投诉; Order No. 149, Legal Aid Law Arts 55, 56): accept_complaint → decide_complaint → end.

Started from a service (``workflows.complaints.complaint_submit``) with ``StartHandle``, one process per
complaint (a repeat merged into an open one starts none). A complaint may have no case: the process is
``CaseProcess`` — a proxy that already exists, so no migration — whose seed is the case when there is
one (the task lists then show the case's tracking number, and ``?application_id=`` finds the tasks)
and nothing otherwise; its artifact is the complaint, so the task rows carry ``complaint_id``.

``accept_complaint`` waits in the queue of whoever holds ``directory.handle_complaints`` on the
handling organisation: the director of the center for a complaint about a provider or a member of
staff, the judicial bureau of the center's region for one about a center. ``decide_complaint`` goes
to whoever accepted it. A rejection ends the process with the reply letter (不予受理告知); a decision
issues the reply letter (投诉处理答复书). ``replace_provider`` replaces the provider in the same step
(Art 55, ``workflows.services.assignment_reassign``): the old assignment ends, the case leaves the
provider's view and duty count, and ``assign`` opens again without them — or nothing happens at all.
The rules are ``quality.services.complaints``'; the flow only routes.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task

from aid_cases.models import Application
from directory.models import Organisation
from quality.choices import ComplaintOutcome, ComplaintStatus
from quality.models import Complaint
from quality.selectors.complaints import (
    HANDLE_PERMISSION,
    complaint_view_for,
    complaints_visible_to,
    handling_organisation,
    user_handles,
)
from quality.services import complaints

from .. import letters, views
from ..forms import TaskForm, YesNoField, reasons_field
from ..models import CaseProcess
from ..registry import TaskSpec, register
from ..visibility import ArtifactVisibilityMixin


def _handler(process: Process) -> Organisation | None:
    # viewflow calls this with a plain Process when it checks a stored task: coerce it.
    return handling_organisation(process.coerced.artifact)


def _accepted_by(activation: Any) -> Any:
    return activation.process.artifact.accepted_by


class ComplaintVisibilityMixin(ArtifactVisibilityMixin):
    """What viewflow lets a user see of these processes, as ``CaseVisibilityMixin`` does for the cases'
    (workflows/visibility.py): a process only to whom may see its complaint; lists of processes and
    managing them only to administrators."""

    visible_artifacts = staticmethod(complaints_visible_to)


class ComplaintFlow(ComplaintVisibilityMixin, flow.Flow):
    # A case's process when there is a case (the seed), a plain one otherwise; the proxy exists already.
    process_class = CaseProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Complaint")

    start = flow.StartHandle(this.start_process).Next(this.accept_complaint)
    accept_complaint = (
        flow.View(views.task_page)
        .Annotation(title=_("Accept or reject the complaint"))
        .Permission(HANDLE_PERMISSION, obj=_handler)
        .Next(this.after_accept)
    )
    after_accept = (
        flow.If(lambda act: act.process.artifact.status == ComplaintStatus.ACCEPTED)
        .Then(this.decide_complaint)
        .Else(this.end)
    )
    decide_complaint = (
        flow.View(views.task_page)
        .Annotation(title=_("Decide the complaint"))
        .Assign(_accepted_by)
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, complaint: Complaint) -> Process:
        activation.process.artifact = complaint
        if complaint.application_id is not None:
            activation.process.seed = complaint.application
        return activation.process


# --- the tasks' fields (docs/api.md, Complaints) -------------------------------------------------


class AcceptComplaintForm(TaskForm):
    accept = YesNoField(label=_("Decision"), yes=_("Accept the complaint"), no=_("Do not accept it"))
    reason = reasons_field(
        _("Reasons"), help_text=_("Required not to accept: the complainant reads them in the letter.")
    )


class DecideComplaintForm(TaskForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ComplaintOutcome.choices)
    reply = reasons_field(
        _("Reply to the complainant"),
        help_text=_("What was found and what follows; the reply letter quotes it."),
    )


def _accept(
    *,
    task: Task,
    process: Process,
    subject: Complaint,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    complaint = complaints.complaint_accept(
        acting_user=user, complaint=subject, accept=data["accept"], reason=data.get("reason") or ""
    )
    if complaint.status == ComplaintStatus.REJECTED:
        letters.complaint_reply_issue(acting_user=user, complaint=complaint, base_url=base_url)
    process.artifact = complaint  # the flow routes on the status just written


def _decide(
    *,
    task: Task,
    process: Process,
    subject: Complaint,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    outcome, reply = complaints.complaint_decision_check(
        complaint=subject, outcome=data.get("outcome"), reply=data.get("reply")
    )
    replaced = None
    if outcome == ComplaintOutcome.REPLACE_PROVIDER:
        # Imported here: workflows.services imports this package. The replacement locks the case's
        # processes, then the case, as every step of the case does, before the complaint's row.
        from ..services import assignment_reassign

        replaced = assignment_reassign(
            acting_user=user,
            # a replacement is only for a complaint about a case's provider (checked just above)
            application=cast(Application, subject.application),
            reason=gettext("Replaced on a founded complaint (Legal Aid Law, Article 55): %(reply)s")
            % {"reply": reply[:1500]},
        )
    complaint = complaints.complaint_decide(
        acting_user=user, complaint=subject, outcome=outcome, reply=reply, replaced=replaced
    )
    letters.complaint_reply_issue(acting_user=user, complaint=complaint, base_url=base_url)
    process.artifact = complaint


def _accept_due(complaint: Complaint) -> datetime.date | None:
    return complaint.accept_due


def _decide_due(complaint: Complaint) -> datetime.date | None:
    return complaint.decide_due


def _page_context(*, task: Task, subject: Complaint, user: AbstractBaseUser) -> dict[str, Any]:
    """The complaint as the user may see it (its handler: with who complained)."""
    return {"view": complaint_view_for(user, subject), "handles": user_handles(user, subject)}


_SUBJECT_RELATED = (
    "application",
    "application__applicant",
    "application__region",
    "center",
    "center__region",
    "provider",
    "provider__organisation",
    "reply_letter",
)

register(
    TaskSpec(
        node=ComplaintFlow.accept_complaint,
        form=AcceptComplaintForm,
        handler=_accept,
        template="workflows/complaint/accept_complaint.html",
        subject_model=Complaint,
        subject_related=_SUBJECT_RELATED,
        due=_accept_due,
        page_context=_page_context,
        subject_key="complaint_id",
    ),
    TaskSpec(
        node=ComplaintFlow.decide_complaint,
        form=DecideComplaintForm,
        handler=_decide,
        template="workflows/complaint/decide_complaint.html",
        subject_model=Complaint,
        subject_related=_SUBJECT_RELATED,
        due=_decide_due,
        page_context=_page_context,
        subject_key="complaint_id",
    ),
)
