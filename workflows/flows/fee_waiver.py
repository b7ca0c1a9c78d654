"""A fee waiver's handoff (docs/domain.md, fee waivers; Art 53): review_waiver → letter → confirm_waiver.

Started from the case (``workflows.services.fee_waiver_request``) with ``StartHandle``: the open-source
viewflow has no subprocess node, so each waiver is its own process, linked to its case by the seed.
Several run beside one case, and the case's closure waits for none of them. The center reviews and
issues the handoff letter; the institution addressed — a notary office, a forensic institution or a
court — records the fee in its inbox. The rules are the waivers services'; the flow only routes.
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
from waivers import services
from waivers.choices import Treatment, WaiverStatus
from waivers.models import FeeWaiver

from .. import letters, views
from ..forms import TaskForm, YesNoField, reasons_field
from ..models import FeeWaiverProcess
from ..registry import TaskSpec, register
from ..visibility import CaseVisibilityMixin, organisation_at

REVIEW_PERMISSION = "directory.review_applications"
ANSWER_PERMISSION = "directory.answer_fee_waivers"


def _institution(process: Process) -> Organisation:
    return process.coerced.waiver.institution


class FeeWaiverFlow(CaseVisibilityMixin, flow.Flow):
    process_class = FeeWaiverProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Fee waiver")

    start = flow.StartHandle(this.start_process).Next(this.review_waiver)
    review_waiver = (
        flow.View(views.task_page)
        .Annotation(title=_("Review the fee waiver"))
        .Permission(REVIEW_PERMISSION, obj=organisation_at("application", "center"))
        .Next(this.after_review)
    )
    after_review = (
        flow.If(lambda act: act.process.waiver.status == WaiverStatus.APPROVED)
        .Then(this.confirm_waiver)
        .Else(this.end)
    )
    confirm_waiver = (
        flow.View(views.task_page)
        .Annotation(title=_("Record the fee"))
        .Permission(ANSWER_PERMISSION, obj=_institution)
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, waiver: FeeWaiver) -> Process:
        activation.process.artifact = waiver
        activation.process.seed = waiver.application
        return activation.process


class ReviewWaiverForm(TaskForm):
    approve = YesNoField(label=_("Decision"), yes=_("Approve and send the letter"), no=_("Refuse"))
    treatment = forms.ChoiceField(
        label=_("Treatment granted"),
        choices=[("", _("As asked")), *Treatment.choices],
        required=False,
    )
    approved_fee = forms.CharField(
        label=_("Reduced fee approved (yuan)"),
        required=False,
        help_text=_("Only for a reduction: the fee the institution may still charge."),
    )
    reason = reasons_field(_("Reasons"), help_text=_("Required to refuse."))


def _review_waiver(
    *,
    task: Task,
    process: Process,
    subject: FeeWaiver,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    waiver = services.waiver_review(
        acting_user=user,
        waiver=subject,
        approve=data["approve"],
        treatment=data.get("treatment") or "",
        approved_fee=data.get("approved_fee") or None,
        reason=data.get("reason") or "",
    )
    if waiver.status == WaiverStatus.APPROVED:
        letter = letters.waiver_letter_issue(acting_user=user, waiver=waiver, base_url=base_url)
        services.waiver_letter_record(waiver=waiver, letter=letter)
    process.artifact = waiver  # the flow routes on the status just written


class ConfirmWaiverForm(TaskForm):
    charged_fee = forms.CharField(label=_("Fee charged (yuan)"), required=False)
    waived_amount = forms.CharField(
        label=_("Amount waived (yuan)"),
        required=False,
        help_text=_("The standard fee minus the fee charged."),
    )
    deferred_payer = forms.CharField(label=_("Who pays the deferred fee"), required=False, max_length=200)
    deferred_until = forms.DateField(
        label=_("Deferred until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deferred_until_judgment = forms.BooleanField(label=_("Deferred until the judgment"), required=False)


def _confirm_waiver(
    *,
    task: Task,
    process: Process,
    subject: FeeWaiver,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    services.waiver_confirm(
        acting_user=user,
        waiver=subject,
        charged_fee=data.get("charged_fee"),
        waived_amount=data.get("waived_amount"),
        deferred_payer=data.get("deferred_payer") or "",
        deferred_until=data.get("deferred_until"),
        deferred_until_judgment=bool(data.get("deferred_until_judgment")),
    )


_SUBJECT_RELATED = (
    "application",
    "application__applicant",
    "application__center",
    "application__region",
    "institution",
    "letter",
)

register(
    TaskSpec(
        node=FeeWaiverFlow.review_waiver,
        decision=True,
        form=ReviewWaiverForm,
        handler=_review_waiver,
        template="workflows/fee_waiver/review_waiver.html",
        subject_model=FeeWaiver,
        subject_related=_SUBJECT_RELATED,
        subject_key="waiver_id",
    ),
    TaskSpec(
        node=FeeWaiverFlow.confirm_waiver,
        form=ConfirmWaiverForm,
        handler=_confirm_waiver,
        template="workflows/fee_waiver/confirm_waiver.html",
        subject_model=FeeWaiver,
        subject_related=_SUBJECT_RELATED,
        subject_key="waiver_id",
        action_title=_("The fee you charge"),
    ),
)
