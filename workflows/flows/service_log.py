"""A lawyer's public-interest service log and its verification (docs/domain.md, annual duty):
start → verify_service_log → end.

Started from a service (``workflows.service_logs.service_log_file``) with ``StartHandle``, one process
per log. A log belongs to no case: the process is viewflow's plain ``Process`` (no proxy model, no
migration), its artifact the log and no seed, so the task rows carry ``service_log_id`` and a null
``application_id``. The reviewers and directors of the log's verifying center — the aid center of the
lawyer's firm's region — take the task; the rules are ``assignments.services.service_logs``'; the flow
only routes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task

from assignments.models import ServiceLog
from assignments.services import service_logs

from .. import views
from ..forms import TaskForm, YesNoField, reasons_field
from ..registry import TaskSpec, register
from ..visibility import ArtifactVisibilityMixin, organisation_at

VERIFY_PERMISSION = "directory.review_applications"


class ServiceLogVisibilityMixin(ArtifactVisibilityMixin):
    """What viewflow lets a user see of these processes, as ``CaseVisibilityMixin`` does for the cases'
    (workflows/visibility.py): a process only to the lawyer who logged it and the verifying center's
    staff; lists of processes and managing them only to administrators."""

    visible_artifacts = staticmethod(service_logs.service_logs_visible_to)


class ServiceLogFlow(ServiceLogVisibilityMixin, flow.Flow):
    # viewflow's own Process: a log has no case, and a proxy would only rename it.
    process_class = Process
    lock_impl = lock.select_for_update_lock
    process_title = _("Public-interest service")

    start = flow.StartHandle(this.start_process).Next(this.verify_service_log)
    verify_service_log = (
        flow.View(views.task_page)
        .Annotation(title=_("Verify public-interest service"))
        .Permission(VERIFY_PERMISSION, obj=organisation_at("center"))
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, service_log: ServiceLog) -> Process:
        activation.process.artifact = service_log
        return activation.process


class VerifyServiceLogForm(TaskForm):
    approve = YesNoField(label=_("Decision"), yes=_("Verify the hours"), no=_("Reject"))
    reason = reasons_field(_("Reasons"), help_text=_("Required to reject: the lawyer reads them."))


def _verify(
    *,
    task: Task,
    process: Process,
    subject: ServiceLog,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    process.artifact = service_logs.service_log_verify(
        acting_user=user, service_log=subject, approve=data["approve"], reason=data.get("reason") or ""
    )


def _page_context(*, task: Task, subject: ServiceLog, user: AbstractBaseUser) -> dict[str, Any]:
    """The lawyer's day beside the log: their other logs of that day, and the hours already there."""
    others = list(
        ServiceLog.objects.filter(provider_id=subject.provider_id, date=subject.date)
        .exclude(pk=subject.pk)
        .order_by("pk")
    )
    return {
        "service_log": subject,
        "same_day": others,
        "day": service_logs.day_hours(subject.provider, subject.date, exclude=subject.pk),
    }


register(
    TaskSpec(
        node=ServiceLogFlow.verify_service_log,
        form=VerifyServiceLogForm,
        handler=_verify,
        template="workflows/service_log/verify_service_log.html",
        subject_model=ServiceLog,
        subject_related=("provider", "organisation", "center"),
        page_context=_page_context,
        subject_key="service_log_id",
        action_title=_("Your verification"),
    ),
)
