"""A second reviewer checks a decided application. Its human node is called ``review`` on purpose:
the application flow has one too, and the registry keys specs by node, not by name."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from viewflow import this
from viewflow.workflow import flow, lock

from aid_cases.models import Application
from workflows import views
from workflows.forms import YesNoField, reasons_field
from workflows.registry import TaskSpec, register
from workflows.visibility import CaseVisibilityMixin

from .models import PeerCheckProcess


def _center(process):
    return process.coerced.application.center


class PeerCheckFlow(CaseVisibilityMixin, flow.Flow):
    process_class = PeerCheckProcess
    lock_impl = lock.select_for_update_lock
    process_title = "Peer check"

    start = flow.StartHandle(this.start_process).Next(this.review)
    review = (
        flow.View(views.task_page)
        .Annotation(title="Peer check of the decision")
        .Permission("directory.review_applications", obj=_center)
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation, application):
        activation.process.artifact = application
        activation.process.seed = application
        return activation.process


class PeerCheckForm(forms.Form):
    agree = YesNoField(label="Do you agree with the decision?", yes="Agree", no="Disagree")
    note = reasons_field("Note")


def _check(*, task, process, subject, user, data: dict[str, Any], base_url: str) -> None:
    if not data["agree"] and not data["note"].strip():
        raise ValidationError({"note": ["Say why you disagree."]})
    process.data = {"agree": data["agree"], "note": data["note"], "by": user.get_username()}
    process.save(update_fields=["data"])


register(
    TaskSpec(
        node=PeerCheckFlow.review,
        form=PeerCheckForm,
        handler=_check,
        template="flowkit/review.html",
        subject_model=Application,
        subject_related=("center",),
        due=lambda application: application.received_on + datetime.timedelta(days=30),
    ),
)
