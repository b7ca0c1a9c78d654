"""The review of a legal aid application (docs/domain.md): review → supplement → provisional aid.

Short and declarative: the decisions are taken by the domain services the task handlers call; the
flow only routes on the state those services leave behind.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.lock import after_lock_released
from viewflow.workflow.models import Process, Task

from aid_cases import checklist_rules, rules, services
from aid_cases.choices import ProvisionalGround, Status
from aid_cases.models import Application
from assignments.services import handling

from .. import letters, views
from ..forms import ItemsField, TaskForm, YesNoField, reasons_field
from ..models import AidApplicationProcess
from ..registry import TaskSpec, register
from ..visibility import CaseVisibilityMixin, organisation_at
from .assignment import AssignmentFlow, assignment_cancel
from .termination_report import termination_report_start_later

REVIEW_PERMISSION = "directory.review_applications"


def _end_of_day(day: datetime.date) -> datetime.datetime:
    """A period ending on ``day`` expires when that day is over, in China's time."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


class AidApplicationFlow(CaseVisibilityMixin, flow.Flow):
    process_class = AidApplicationProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Legal aid application")

    start = flow.StartHandle(this.start_process).Next(this.review)
    # after an objection ordered a correction: the same application, reviewed again
    restart = flow.StartHandle(this.start_process).Next(this.review)

    review = (
        flow.View(views.task_page)
        .Annotation(title=_("Review the application"))
        .Permission(REVIEW_PERMISSION, obj=organisation_at("center"))
        .Next(this.review_outcome)
    )
    review_outcome = (
        flow.Switch()
        .Case(this.supplement, lambda act: act.process.application.status == Status.SUPPLEMENT_REQUESTED)
        .Case(this.begin_provisional, lambda act: act.process.application.provisional)
        .Case(this.begin_assignment, lambda act: act.process.application.status == Status.APPROVED)
        .Default(this.end)
    )
    # Granted, or granted first (Art 44): the case goes to assignment at once; provisional aid keeps
    # its confirming review open beside it.
    begin_assignment = flow.Function(this.start_assignment).Next(this.end)
    begin_provisional = flow.Function(this.start_assignment).Next(this.confirm_review)
    supplement = (
        flow.View(views.task_page)
        .Annotation(title=_("Supplement the materials"))
        .Assign(lambda act: act.process.application.filed_by)
        .OnTimeout(this.supplement_deadline, this.withdraw, title=_("Supplement period over"))
        .Next(this.review)
    )
    withdraw = flow.Function(this.withdraw_application).Next(this.end)
    confirm_review = (
        flow.View(views.task_page)
        .Annotation(title=_("Confirm the review after provisional aid"))
        .Permission(REVIEW_PERMISSION, obj=organisation_at("center"))
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, application: Application) -> Process:
        # StartHandle saves the process once it has run this; the seed makes it one of the case's.
        activation.process.artifact = application
        activation.process.seed = application
        return activation.process

    def start_assignment(self, activation: Any) -> None:
        # A new process, started in this step's transaction: its lock is on a row nobody else can
        # hold yet, so it is taken inside this flow's without a deadlock (unlike an existing process).
        AssignmentFlow.start.run(application=activation.process.application)

    def supplement_deadline(self, activation: Any) -> datetime.datetime:
        return _end_of_day(activation.process.application.supplement_request.due_on)

    def withdraw_application(self, activation: Any) -> None:
        services.supplement_expire(acting_user=None, application=activation.process.application)


# --- the tasks' fields -------------------------------------------------------------------------


class ReviewForm(TaskForm):
    OUTCOMES = [
        ("approve", _("Grant legal aid")),
        ("refuse", _("Refuse legal aid")),
        ("request_supplement", _("Ask for missing materials (one-time notice)")),
        ("provisional", _("Provide legal aid first, review after (Art 44)")),
    ]
    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOMES, widget=forms.RadioSelect)
    # Which ground of Art 44, for provisional aid only; the service checks it against the case.
    provisional_ground = forms.ChoiceField(
        label=_("Ground of provisional aid (Art 44)"),
        choices=ProvisionalGround.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = reasons_field(
        _("Reasons"),
        help_text=_(
            "Required to refuse, to grant aid against a not-eligible means test, and for provisional aid on "
            "other legal grounds (name the provision)."
        ),
    )
    missing_items = ItemsField(
        label=_("Missing materials, one per line"),
        required=False,
        help_text=_("Tick the items of the case's materials checklist above, or write your own lines."),
    )
    # Art 42: an exemption from the means test stands on its proof; without it, granting needs reasons.
    proof_confirmed = forms.BooleanField(
        label=_("I have seen the proof the exemption from the means test needs (Art 42)"),
        required=False,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class SupplementForm(TaskForm):
    # The files may also be uploaded beforehand (the API's documents endpoint); the service wants
    # at least one since the notice, however it came.
    materials = MultipleFileField(
        label=_("The missing materials (PDF, JPEG or PNG, at most 10 MB each)"), required=False
    )
    note = reasons_field(_("Note to the reviewer"))


class ConfirmReviewForm(TaskForm):
    confirm = YesNoField(
        label=_("Confirm the provisional aid?"),
        yes=_("Confirm: the applicant is entitled to aid"),
        no=_("Refuse: terminate the aid (Art 48)"),
    )
    reason = reasons_field(_("Reasons"))


# --- what each task does -----------------------------------------------------------------------


def _review(
    *,
    task: Task,
    process: Process,
    subject: Application,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    application, outcome = subject, data["outcome"]
    if outcome == "approve":
        decision = services.review_approve(
            acting_user=user,
            application=application,
            reason=data["reason"],
            proof_confirmed=bool(data.get("proof_confirmed")),
        )
        letters.approval_issue(
            acting_user=user, application=application, decision=decision, base_url=base_url
        )
    elif outcome == "refuse":
        decision = services.review_refuse(acting_user=user, application=application, reason=data["reason"])
        letters.refusal_issue(acting_user=user, application=application, decision=decision, base_url=base_url)
    elif outcome == "provisional":
        decision = services.review_provisional(
            acting_user=user,
            application=application,
            provisional_ground=data.get("provisional_ground") or "",
            reason=data["reason"],
        )
        letters.provisional_notice_issue(
            acting_user=user, application=application, decision=decision, base_url=base_url
        )
    else:
        request = services.review_request_supplement(
            acting_user=user, application=application, missing_items=data["missing_items"]
        )
        letters.supplement_notice_issue(
            acting_user=user, application=application, request=request, base_url=base_url
        )


def _review_claim(*, task: Task, process: Process, subject: Application, user: AbstractBaseUser) -> None:
    services.review_start(acting_user=user, application=subject)


def _review_context(*, task: Task, subject: Application, user: AbstractBaseUser) -> dict[str, Any]:
    return {
        "provisional_allowed": services.provisional_allowed(subject),  # on the deadline ground
        "provisional_days": services.provisional_threshold(subject),
        "urgent_deadline": subject.urgent_deadline,
        # the case's materials checklist: ticks that fill the supplement notice's missing items
        "checklist": checklist_rules.application_checklist(subject),
    }


def _supplement(
    *,
    task: Task,
    process: Process,
    subject: Application,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    for upload in data.get("materials") or []:
        try:
            services.application_document_add(acting_user=user, application=subject, upload=upload)
        except ValidationError as exc:
            # the service names its one file "file"; the form's field takes several
            raise ValidationError({"materials": [f"{upload.name}: {m}" for m in exc.messages]}) from exc
    services.supplement_submit(acting_user=user, application=subject, note=data["note"])


def _supplement_context(*, task: Task, subject: Application, user: AbstractBaseUser) -> dict[str, Any]:
    return {"supplement_materials": services.supplement_materials(subject)}


def _supplement_due(application: Application) -> datetime.date | None:
    request = getattr(application, "supplement_request", None)
    return request.due_on if request else None


def _confirm_review(
    *,
    task: Task,
    process: Process,
    subject: Application,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    termination = services.review_confirm(
        acting_user=user, application=subject, confirm=data["confirm"], reason=data["reason"]
    )
    if termination is not None:
        handling.assignment_end_for_termination(acting_user=user, application=subject)
        # another flow's process: cancelled under its own lock, after this one's
        after_lock_released(lambda: assignment_cancel(subject.pk))
        termination_report_start_later(subject)
        letters.termination_issue(
            acting_user=user, application=subject, termination=termination, base_url=base_url
        )


# What the handlers, the due dates and the letters read of an application, joined in one query.
APPLICATION_RELATED = ("applicant", "center", "region", "supplement_request")

register(
    TaskSpec(
        node=AidApplicationFlow.review,
        decision=True,
        form=ReviewForm,
        handler=_review,
        template="workflows/aid_application/review.html",
        subject_model=Application,
        subject_related=APPLICATION_RELATED,
        due=lambda application: application.decision_due,
        on_claim=_review_claim,
        page_context=_review_context,
    ),
    TaskSpec(
        node=AidApplicationFlow.supplement,
        form=SupplementForm,
        handler=_supplement,
        template="workflows/aid_application/supplement.html",
        action_title=_("Your materials"),
        subject_model=Application,
        subject_related=APPLICATION_RELATED,
        due=_supplement_due,
        due_related=("supplement_request",),
        page_context=_supplement_context,
    ),
    TaskSpec(
        node=AidApplicationFlow.confirm_review,
        decision=True,
        form=ConfirmReviewForm,
        handler=_confirm_review,
        template="workflows/aid_application/confirm_review.html",
        subject_model=Application,
        subject_related=APPLICATION_RELATED,
        due=rules.confirm_review_due,
    ),
)
