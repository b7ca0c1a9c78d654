"""Tasks of the flows, for the API and the task views: who may see, claim and complete them.

Each task name maps to its form (the fields of API.md), a handler that calls the aid_cases
services and issues the letters, and its due date. Claiming and completing run under the
flow's lock (select-for-update on PostgreSQL, an IMMEDIATE transaction on SQLite), so of two
reviewers acting at once exactly one wins and the other gets a Conflict (409).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from aid_cases import services
from aid_cases.errors import Conflict
from aid_cases.models import Application, Objection
from directory.choices import Role

from . import forms, letters
from .flows import AidApplicationFlow, ObjectionFlow

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


class TaskNotFound(LookupError):
    """The task does not exist or the user may not see it: 404."""


@dataclass(frozen=True)
class TaskSpec:
    node: object
    form: type
    handler: Callable  # (task, user, cleaned_data, base_url) -> None
    due: Callable  # (subject) -> date | None


def _application(task: Task) -> Application:
    return task.process.artifact if isinstance(task.process.artifact, Application) else task.process.artifact.application


def _review(task, user, data, base_url):
    application = _application(task)
    outcome = data["outcome"]
    if outcome == "approve":
        decision = services.review_approve(acting_user=user, application=application, reason=data["reason"])
        letters.approval_issue(acting_user=user, application=application, decision=decision, base_url=base_url)
    elif outcome == "refuse":
        decision = services.review_refuse(acting_user=user, application=application, reason=data["reason"])
        letters.refusal_issue(acting_user=user, application=application, decision=decision, base_url=base_url)
    elif outcome == "provisional":
        decision = services.review_provisional(acting_user=user, application=application, reason=data["reason"])
        letters.approval_issue(acting_user=user, application=application, decision=decision, base_url=base_url)
    else:
        request = services.review_request_supplement(acting_user=user, application=application,
                                                     missing_items=data["missing_items"])
        letters.supplement_notice_issue(acting_user=user, application=application, request=request,
                                        base_url=base_url)


def _supplement(task, user, data, base_url):
    services.supplement_submit(acting_user=user, application=_application(task), note=data["note"])


def _confirm_review(task, user, data, base_url):
    application = _application(task)
    termination = services.review_confirm(acting_user=user, application=application, confirm=data["confirm"],
                                          reason=data["reason"])
    if termination is not None:
        letters.termination_issue(acting_user=user, application=application, termination=termination,
                                  base_url=base_url)


def _decide_objection(task, user, data, base_url):
    objection = services.objection_decide(acting_user=user, objection=task.process.artifact,
                                          outcome=data["outcome"], reason=data["reason"])
    letters.objection_decision_issue(acting_user=user, objection=objection, base_url=base_url)


def _review_due(subject):
    return subject.decision_due


def _supplement_due(subject):
    request = getattr(subject, "supplement_request", None)
    return request.due_on if request else None


TASKS: dict[str, TaskSpec] = {
    "review": TaskSpec(AidApplicationFlow.review, forms.ReviewForm, _review, _review_due),
    "supplement": TaskSpec(AidApplicationFlow.supplement, forms.SupplementForm, _supplement, _supplement_due),
    "confirm_review": TaskSpec(AidApplicationFlow.confirm_review, forms.ConfirmReviewForm, _confirm_review,
                               lambda subject: None),
    "decide_objection": TaskSpec(ObjectionFlow.decide_objection, forms.DecideObjectionForm, _decide_objection,
                                 lambda objection: objection.due_on),
}
HUMAN_NODES = [spec.node for spec in TASKS.values()]
CENTER_NODES = [AidApplicationFlow.review, AidApplicationFlow.confirm_review]


def task_name(task: Task) -> str:
    return task.flow_task.name


# --- reads ----------------------------------------------------------------------------------

def _center_ids(user, roles=(Role.REVIEWER, Role.DIRECTOR)) -> list[int]:
    return list(user.memberships.filter(role__in=roles, active=True).values_list("organisation_id", flat=True))


def _claimable(user) -> Q:
    """Unowned open tasks the user may take: the center's reviews, the bureau's objections."""
    application_type = ContentType.objects.get_for_model(Application)
    objection_type = ContentType.objects.get_for_model(Objection)
    centers = _center_ids(user)
    bureaus = _center_ids(user, roles=(Role.BUREAU_OFFICER,))
    condition = Q(pk__in=[])
    if centers:
        condition |= Q(
            flow_task__in=CENTER_NODES,
            process__artifact_content_type=application_type,
            process__artifact_object_id__in=Application.objects.filter(center_id__in=centers).values("pk"),
        )
    if bureaus:
        condition |= Q(
            flow_task=ObjectionFlow.decide_objection,
            process__artifact_content_type=objection_type,
            process__artifact_object_id__in=Objection.objects.filter(bureau_id__in=bureaus).values("pk"),
        )
    return condition


def tasks_inbox(user) -> QuerySet[Task]:
    return Task.objects.filter(owner=user, status__in=OPEN, flow_task__in=HUMAN_NODES).select_related(
        "process", "owner").order_by("created", "pk")


def tasks_queue(user) -> QuerySet[Task]:
    return (
        Task.objects.filter(_claimable(user), status=STATUS.NEW, owner__isnull=True)
        .select_related("process", "owner")
        .order_by("created", "pk")
    )


def task_for_user(*, user, task_id: int) -> Task:
    """The open-or-closed task if the user may see it: its owner or one who may claim its kind."""
    task = (
        Task.objects.filter(pk=task_id, flow_task__in=HUMAN_NODES)
        .filter(Q(owner=user) | _claimable(user))
        .select_related("process", "owner")
        .first()
    )
    if task is None:
        raise TaskNotFound(task_id)
    return task


def subjects_for(tasks) -> dict[int, object]:
    """The artifact (application or objection) of each task's process, two queries in all."""
    by_type: dict[int, set[int]] = {}
    for task in tasks:
        by_type.setdefault(task.process.artifact_content_type_id, set()).add(task.process.artifact_object_id)
    found: dict[tuple[int, int], object] = {}
    application_type = ContentType.objects.get_for_model(Application)
    for type_id, ids in by_type.items():
        if type_id == application_type.pk:
            rows = Application.objects.filter(pk__in=ids).select_related("supplement_request")
        else:
            rows = Objection.objects.filter(pk__in=ids).select_related("application")
        found.update({(type_id, row.pk): row for row in rows})
    return {t.pk: found.get((t.process.artifact_content_type_id, t.process.artifact_object_id)) for t in tasks}


def task_row(task: Task, subject, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    name = task_name(task)
    due = TASKS[name].due(subject) if subject is not None else None
    application_id = subject.pk if isinstance(subject, Application) else getattr(subject, "application_id", None)
    return {
        "id": task.pk,
        "name": name,
        "title": str(task.flow_task.task_title),
        "application_id": application_id,
        "waiver_id": None,
        "service_log_id": None,
        "status": task.status.lower(),
        "owner": task.owner.get_username() if task.owner_id else None,
        "due": due,
        "overdue": bool(due and due < today and task.status in OPEN),
    }


def task_rows(queryset, today: datetime.date | None = None) -> list[dict]:
    """Rows for a work list: special groups first (DESIGN §3.1), then the earliest due date."""
    today = today or timezone.localdate()
    items = list(queryset)
    subjects = subjects_for(items)
    rows = []
    for task in items:
        subject = subjects[task.pk]
        row = task_row(task, subject, today)
        application = subject if isinstance(subject, Application) else getattr(subject, "application", None)
        row["priority"] = bool(application and application.is_priority)
        row["tracking_no"] = application.tracking_no if application else ""
        rows.append(row)
    return sorted(rows, key=lambda r: (not r["priority"], r["due"] or datetime.date.max, r["id"]))


# --- writes ---------------------------------------------------------------------------------

def _may_claim(user, task: Task) -> bool:
    return Task.objects.filter(_claimable(user), pk=task.pk).exists()


@contextmanager
def _locked(task: Task):
    """The flow's lock around a task; a lock still held after viewflow's retries is a 409."""
    try:
        with task.activation() as activation:  # refreshes the task under the lock
            yield activation
    except FlowLockFailed as exc:
        raise Conflict(_("Someone else is working on this case right now. Please try again.")) from exc


def task_claim(*, user, task_id: int) -> Task:
    task = task_for_user(user=user, task_id=task_id)
    with _locked(task) as activation:
        task = activation.task
        if task.status != STATUS.NEW or task.owner_id:
            raise Conflict(_("Someone else has already taken this task, or it is finished."))
        if not _may_claim(user, task):
            raise TaskNotFound(task_id)
        activation.assign(user)
        _mark_under_review(task, user)
    return task


def _mark_under_review(task: Task, user) -> None:
    if task_name(task) == "review":
        application = _application(task)
        if application.status == "submitted":
            services.application_set_status(acting_user=user, application=application, status="under_review",
                                            action="review_claim")


def task_complete(*, user, task_id: int, data, base_url: str) -> list[str]:
    """Validate the task's fields, run its handler and move the flow on; the names of the next tasks.

    Claiming is implicit when the user may claim. Raises ``forms.ValidationError``-style
    ``django.core.exceptions.ValidationError`` (400), ``Conflict`` (409) or ``TaskNotFound`` (404).
    """
    from django.core.exceptions import ValidationError

    task = task_for_user(user=user, task_id=task_id)
    spec = TASKS[task_name(task)]
    form = spec.form(data=data)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    with _locked(task) as activation:
        task = activation.task
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise Conflict(_("This task is already finished."))
        if task.owner_id and task.owner_id != user.pk:
            raise Conflict(_("This task is held by someone else."))
        if not task.owner_id:
            if not _may_claim(user, task):
                raise TaskNotFound(task_id)
            activation.assign(user)
            _mark_under_review(task, user)
        activation.start(None)
        spec.handler(task, user, form.cleaned_data, base_url)
        activation.execute()
    return next_task_names(task)


def next_task_names(task: Task) -> list[str]:
    """Open human tasks on the same application created since this task finished."""
    application = _application(task)
    application_type = ContentType.objects.get_for_model(Application)
    objection_type = ContentType.objects.get_for_model(Objection)
    tasks = Task.objects.filter(status__in=OPEN, flow_task__in=HUMAN_NODES, created__gte=task.finished).filter(
        Q(process__artifact_content_type=application_type, process__artifact_object_id=application.pk)
        | Q(process__artifact_content_type=objection_type,
            process__artifact_object_id__in=Objection.objects.filter(application=application).values("pk"))
    )
    return [task_name(t) for t in tasks.order_by("created", "pk")]
