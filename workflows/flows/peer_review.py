"""Peer review of a sampled closed file (同行评估/案卷评查, Arts 57, 59): start → peer_review → end.

Started for each file a sampling run picks (``workflows.peer_review.sampling_submit``) with
``StartHandle``, one process per file: the review is the artifact and the case the seed, so the case's
task list (``?application_id=``) shows it and the API rows carry ``application_id``. The process is our
``CaseProcess`` itself (no proxy of its own, so no migration).

``peer_review`` belongs to one person: it is ``.Assign``ed to the reviewer the sampling chose (a
reviewer or director of any center without a conflict on the case) and starts in their inbox. The
permission stamped on it is ``review_applications`` on the reviewer's own center, so that viewflow
never treats it as "available to everyone"; nobody else may take it while it is held, and only its
reviewer may score it (``quality.services.peer_review``). The rules are the quality services'; a
fail grade issues the correction notice in the same step (``workflows.peer_review``).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task

from assignments import closing
from quality.choices import Grade
from quality.models import PeerReview
from quality.scorecard import band_texts, points_text
from quality.selectors import peer_review as selectors
from quality.services import peer_review as services

from .. import views
from ..forms import TaskForm, reasons_field
from ..models import CaseProcess
from ..peer_review import correction_notice_send
from ..registry import TaskSpec, register
from ..visibility import ArtifactVisibilityMixin, organisation_at

REVIEW_PERMISSION = "directory.review_applications"


def _reviewer(activation: Any) -> Any:
    return activation.process.artifact.reviewer


class PeerReviewVisibilityMixin(ArtifactVisibilityMixin):
    """What viewflow lets a user see of these processes: a process only to whom may see its review
    (the case's center, the bureau, the reviewer, the provider whose file it is); lists of processes
    and managing them only to administrators."""

    visible_artifacts = staticmethod(selectors.reviews_visible_to)


class PeerReviewFlow(PeerReviewVisibilityMixin, flow.Flow):
    # our CaseProcess: ``application`` is the seed; a proxy of its own would only need a migration
    process_class = CaseProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Peer review of a closed file")

    start = flow.StartHandle(this.start_process).Next(this.peer_review)
    peer_review = (
        flow.View(views.task_page)
        .Annotation(title=_("Score a closed file"))
        .Permission(REVIEW_PERMISSION, obj=organisation_at("reviewer_center"))
        .Assign(_reviewer)
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, review: PeerReview) -> Process:
        activation.process.artifact = review
        activation.process.seed = review.application
        return activation.process


# --- the task's fields ----------------------------------------------------------------------------


class ScoresWidget(forms.Widget):
    """One number input per scorecard item on the task page (named ``scores__<code>``); the API sends
    ``scores`` as a JSON object. The items are the file's, set on the page by the task partial
    (``{% peer_review_scorecard form items %}``), since a task form is built without its subject."""

    template_name = "workflows/peer_review/_scores_widget.html"
    items: tuple[Any, ...] = ()

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        if value not in (None, ""):
            return value
        prefix = f"{name}__"
        found = {key[len(prefix) :]: data.get(key) for key in data if str(key).startswith(prefix)}
        return found or None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return self.value_from_datadict(data, files, name) is None

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_{self.items[0].code}" if id_ and self.items else id_

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> str:
        # the project's templates (the default form renderer only looks in the apps' and Django's)
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - an escaping template

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = value if isinstance(value, dict) else {}
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["rows"] = [
            {
                "code": item.code,
                "label": item.label,
                "max": points_text(item.max_points),
                "guidance": item.guidance,
                "name": f"{name}__{item.code}",
                "id": f"{base_id}_{item.code}",
                "value": "" if values.get(item.code) is None else values.get(item.code),
            }
            for item in self.items
        ]
        return context


class ScoresField(forms.Field):
    """``{code: points}``: a JSON object from the API, JSON text, or the page's inputs. Only parsed
    here: which codes and how many points are the scorecard's to say (the service)."""

    widget = ScoresWidget
    default_error_messages = {
        "required": _("Give the points of every item of the scorecard."),
        "invalid": _("Give the scores as an object of item codes and points."),
    }

    def to_python(self, value: Any) -> dict[str, Any] | None:
        if value in (None, "", {}):
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not isinstance(value, dict):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return {str(code): points for code, points in value.items()}


class PeerReviewForm(TaskForm):
    scores = ScoresField(
        label=_("Scores"),
        help_text=_("Whole or half points, from 0 to each item's maximum."),
    )
    comment = reasons_field(
        _("Comment"), help_text=_("What the file does well and what falls short: the provider reads it.")
    )


def _score(
    *,
    task: Task,
    process: Process,
    subject: PeerReview,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    review = services.peer_review_score(
        acting_user=user, review=subject, scores=data["scores"], comment=data.get("comment") or ""
    )
    # the subsidy tier, when the case's standard is graded and its subsidy still owed
    services.subsidy_grade_apply(acting_user=user, review=review)
    if review.grade == Grade.FAIL:
        correction_notice_send(acting_user=user, review=review, base_url=base_url)
    process.artifact = review


def _page_context(*, task: Task, subject: PeerReview, user: AbstractBaseUser) -> dict[str, Any]:
    """The closed file read-only (the closing report, its checklist, the hours) and the scorecard."""
    application = subject.application
    closure = selectors.case_closure(application.pk)
    checklist = (
        closing.checklist_for(
            application,
            aid_form=closure.assignment.aid_form,
            stage=closure.stage,
            day=closure.filed_on,
        )
        if closure is not None
        else []
    )
    return {
        "review": subject,
        "case": application,
        "closure": closure,
        "checklist": checklist,
        "items": services.scorecard_items(subject),
        "bands": band_texts(selectors.grade_bands_in_force(timezone.localdate(subject.sampling.run_at))),
    }


register(
    TaskSpec(
        node=PeerReviewFlow.peer_review,
        form=PeerReviewForm,
        handler=_score,
        template="workflows/peer_review/peer_review.html",
        subject_model=PeerReview,
        subject_related=(
            "application",
            "application__center",
            "sampling",
            "center",
            "provider",
            "reviewer_center",
        ),
        page_context=_page_context,
        action_title=_("Your scores"),
    ),
)
