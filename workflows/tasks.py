"""The generic task layer: inbox, queue, claim and complete for every registered flow (docs/architecture.md).

Nothing here names a flow or a task. Who may claim a task is what viewflow stamped on it when it
was created (the node's ``.Permission(perm, obj=...)``): the task's ``owner_permission`` and the
object's content type and primary key, matched against the user's object permissions in
django-guardian (the per-organisation groups of their memberships) inside the same query.
What a task does, its fields and its due date come from its ``TaskSpec`` (``workflows.registry``).

Claiming and completing run under the flow's lock (select-for-update on PostgreSQL, an IMMEDIATE
transaction on SQLite), which re-reads the task: of two people acting at once exactly one wins and
the other gets a ``Conflict`` (409).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission, UserObjectPermission
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from aid_cases.models import Application
from aid_cases.selectors import applications_recused_sql, applications_visible_to
from core.errors import Conflict
from core.transactions import all_or_nothing
from directory.people import person_name

from . import registry
from .models import case_filter

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


class TaskNotFound(LookupError):
    """The task does not exist or the user may not see it: 404."""


# --- who may claim ---------------------------------------------------------------------------


def _grant_sql(connection: BaseDatabaseWrapper) -> str:
    """EXISTS: the user holds the task's stamped permission on the task's stamped object.

    Through the user's groups (the per-organisation role groups of their memberships) or a direct
    grant, never a global one (docs/architecture.md). Written as SQL from the models' own table and column
    names: the same condition as an ORM ``Exists`` with a ``Concat`` costs some 3 ms of query
    compilation on every task list and every claim, more than the query itself.
    """
    qn = connection.ops.quote_name
    task = qn(Task._meta.db_table)
    user_groups = get_user_model().groups.through._meta.db_table
    permission, content_type = qn(Permission._meta.db_table), qn(ContentType._meta.db_table)
    stamped = (
        f"g.{qn('content_type_id')} = {task}.{qn('owner_permission_content_type_id')} "
        f"AND g.{qn('object_pk')} = {task}.{qn('owner_permission_obj_pk')} "
        f"AND c.{qn('app_label')} || '.' || p.{qn('codename')} = {task}.{qn('owner_permission')}"
    )
    joins = (
        f"JOIN {permission} p ON p.{qn('id')} = g.{qn('permission_id')} "
        f"JOIN {content_type} c ON c.{qn('id')} = p.{qn('content_type_id')}"
    )
    # Identifiers only, from the models' metadata and quoted by the backend; the user id is a parameter.
    return (
        f"(EXISTS (SELECT 1 FROM {qn(GroupObjectPermission._meta.db_table)} g "  # noqa: S608
        f"JOIN {qn(user_groups)} ug ON ug.{qn('group_id')} = g.{qn('group_id')} {joins} "
        f"WHERE ug.{qn('user_id')} = %s AND {stamped}) "
        f"OR EXISTS (SELECT 1 FROM {qn(UserObjectPermission._meta.db_table)} g {joins} "
        f"WHERE g.{qn('user_id')} = %s AND {stamped}))"
    )


def _may_claim(user: AbstractBaseUser) -> RawSQL:
    """A boolean expression: the user may claim the task (see ``_grant_sql``)."""
    if not user.is_authenticated:
        return RawSQL("1 = 0", [], output_field=BooleanField())
    return RawSQL(_grant_sql(connection), [user.pk, user.pk], output_field=BooleanField())  # noqa: S611


def _in_sql(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(values))})" if values else "1 = 0"


def _human(qs: QuerySet[Task]) -> QuerySet[Task]:
    # As SQL with the stored node names, not ``flow_task__in=nodes``: the ORM prepares each of the
    # twenty-odd nodes again on every task list and every claim or completion.
    refs = registry.node_refs("human")
    column = f"{connection.ops.quote_name(Task._meta.db_table)}.{connection.ops.quote_name('flow_task')}"
    return qs.filter(RawSQL(_in_sql(column, refs), refs, output_field=BooleanField()))  # noqa: S611


def _not_recused(qs: QuerySet[Task], user: AbstractBaseUser) -> QuerySet[Task]:
    """Without the decisions on cases the user filed or is a party to: a colleague decides those.

    One raw condition from ``aid_cases.selectors.applications_recused_sql`` (the selector's own
    statement) and the stored node names: as an ORM ``exclude`` it cost more to build than to run
    (see ``_grant_sql``).
    """
    refs = registry.node_refs("decision")
    if not user.is_authenticated or not refs:
        return qs
    qn = connection.ops.quote_name
    task, process = qn(Task._meta.db_table), qn(Process._meta.db_table)
    recused, recused_params = applications_recused_sql(user, connection.alias)
    # Identifiers only, from the models' metadata and quoted by the backend; values are parameters.
    decision = _in_sql(f"{task}.{qn('flow_task')}", refs)
    condition = (
        f"NOT ({decision} AND {task}.{qn('process_id')} IN ("  # noqa: S608
        f"SELECT p.{qn('id')} FROM {process} p WHERE p.{qn('seed_content_type_id')} = %s "
        f"AND p.{qn('seed_object_id')} IN ({recused})))"
    )
    params = [*refs, ContentType.objects.get_for_model(Application).pk, *recused_params]
    return qs.filter(RawSQL(condition, params, output_field=BooleanField()))  # noqa: S611


# --- reads -----------------------------------------------------------------------------------


def tasks_inbox(user: AbstractBaseUser) -> QuerySet[Task]:
    """Open tasks the user holds, oldest first."""
    return (
        _not_recused(_human(Task.objects.filter(owner=user, status__in=OPEN)), user)
        .select_related("process", "owner")
        .order_by("created", "pk")
    )


def tasks_queue(user: AbstractBaseUser) -> QuerySet[Task]:
    """Unowned new tasks the user may take, oldest first."""
    return (
        _not_recused(_human(Task.objects.filter(status=STATUS.NEW, owner__isnull=True)), user)
        .filter(_may_claim(user))
        .select_related("process", "owner")
        .order_by("created", "pk")
    )


def tasks_filter(
    qs: QuerySet[Task],
    *,
    application_id: int | None = None,
    name: str | None = None,
    names: Sequence[str] = (),
) -> QuerySet[Task]:
    """Only the tasks of one case, or of one task name (the API's ``application_id`` and ``name``),
    or of any of ``names``."""
    if application_id is not None:
        qs = qs.filter(case_filter(application_id))
    if name:
        names = (*names, name)
    if names:
        qs = qs.filter(flow_task__in=[node for one in names for node in registry.nodes_named(one)])
    return qs


def task_for_user(*, user: AbstractBaseUser, task_id: int) -> Task:
    """The task, open or finished, if the user holds it or may claim it; ``task.claimable`` says which."""
    task = (
        _not_recused(_human(Task.objects.filter(pk=task_id)), user)
        .annotate(claimable=_may_claim(user))
        .filter(Q(owner=user) | Q(claimable=True))
        .select_related("process", "owner")
        .first()
    )
    if task is None:
        raise TaskNotFound(task_id)
    return task


def with_subjects(tasks: Sequence[Task], *, with_case: bool = False, rows_only: bool = False) -> list[Task]:
    """The tasks with their processes' subjects (and cases) loaded: one query per kind of subject.

    ``rows_only``: the subjects only as ``task_row`` reads them (their due dates, ``due_related``),
    not with everything the task pages read: the API's lists and claims.

    By hand rather than with ``GenericPrefetch``: the same queries, at a third of the CPU, which
    counts on every work list.
    """
    tasks = list(tasks)
    querysets = registry.due_querysets() if rows_only else registry.subject_querysets()
    found = _load_generic(tasks, "artifact", querysets, {})
    if with_case:
        # an application's own review has the application as both: it is not read twice
        _load_generic(tasks, "seed", registry.subject_querysets(), found)
    return tasks


def _load_generic(
    tasks: list[Task], name: str, querysets: dict[type[Model], QuerySet], known: dict[tuple[int, int], Model]
) -> dict[tuple[int, int], Model]:
    """Set the generic relation ``name`` (artifact or seed) of each task's process, from ``known`` rows
    or one query per model; the rows by (content type, id)."""
    wanted: dict[int, set[int]] = {}
    for task in tasks:
        key = (getattr(task.process, f"{name}_content_type_id"), getattr(task.process, f"{name}_object_id"))
        if key[0] is not None and key[1] is not None and key not in known:
            wanted.setdefault(key[0], set()).add(key[1])
    found: dict[tuple[int, int], Model] = dict(known)
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        queryset = querysets.get(model) if model is not None else None
        if queryset is None and model is not None:
            queryset = model._default_manager.all()
        if queryset is not None:
            found.update({(type_id, pk): row for pk, row in queryset.in_bulk(ids).items()})
    for task in tasks:
        process = task.process
        key = (getattr(process, f"{name}_content_type_id"), getattr(process, f"{name}_object_id"))
        if key in found:
            setattr(process, name, found[key])
    return found


def task_name(task: Task) -> str:
    return task.flow_task.name


def task_row(task: Task, today: datetime.date | None = None) -> dict[str, Any]:
    """A task as the API lists it (docs/api.md, Tasks); its subject must be loaded (``with_subjects``)."""
    today = today or timezone.localdate()
    spec = registry.spec_for(task)
    process = task.process.coerced
    subject = process.artifact
    due = spec.due(subject) if subject is not None else None
    row = {
        "id": task.pk,
        "name": spec.name,
        "title": str(task.flow_task.task_title),
        "application_id": getattr(process, "application_id", None),
        "waiver_id": None,
        "service_log_id": None,
        "complaint_id": None,
        "consultation_id": None,
        "status": task.status.lower(),
        "owner": task.owner.get_username() if task.owner_id else None,
        "due": due,
        "overdue": bool(due and due < today and task.status in OPEN),
    }
    if spec.subject_key:
        row[spec.subject_key] = process.artifact_object_id
    return row


def task_rows(
    queryset: QuerySet[Task] | Sequence[Task], *, user: AbstractBaseUser, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Rows for ``user``'s work list: special groups first (docs/domain.md), then the earliest due date."""
    today = today or timezone.localdate()
    rows = []
    tasks = with_subjects(list(queryset), with_case=True)
    # A task may be about a case its owner may not see (another center's request for help): its row
    # names the case by number only, as the task itself does; the applicant's name is personal data.
    case_ids = {
        task.process.seed_object_id for task in tasks if getattr(task.process.seed, "applicant", None)
    }
    seen = (
        set(applications_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
        if case_ids
        else set()
    )
    for task in tasks:
        row = task_row(task, today)
        case = task.process.seed
        row["priority"] = bool(getattr(case, "is_priority", False))
        row["tracking_no"] = getattr(case, "tracking_no", "")
        # what a reviewer picks a task by: whose case, what about, since when (an application's)
        applicant = getattr(case, "applicant", None) if task.process.seed_object_id in seen else None
        row["applicant_name"] = getattr(applicant, "name", "")
        row["matter"] = case.get_matter_type_display() if hasattr(case, "get_matter_type_display") else ""
        row["received_on"] = getattr(case, "received_on", None)
        row["owner_name"] = person_name(task.owner) if task.owner_id else ""  # a page shows the name
        rows.append(row)
    return sorted(rows, key=lambda r: (not r["priority"], r["due"] or datetime.date.max, r["id"]))


# --- writes ----------------------------------------------------------------------------------


@contextmanager
def _locked(task: Task) -> Iterator[Any]:
    """The flow's lock around a task, which is re-read under it; still held after viewflow's retries, 409.

    What ``Task.activation()`` does, with the task and its process re-read in one query, not two.
    """
    try:
        with task.flow_task.flow_class.lock(task.process_id):
            fresh = Task.objects.select_related("process").get(pk=task.pk)
            with all_or_nothing(open_transaction=False):  # the lock's transaction is the whole step's
                yield fresh.flow_task.activation_class(fresh)
    except FlowLockFailed as exc:
        raise Conflict(_("Someone else is working on this case right now. Please try again.")) from exc


def _take(activation: Any, user: AbstractBaseUser) -> None:
    """Take the task into the user's inbox (an explicit claim), with its spec's claim hook."""
    task = activation.task
    activation.assign(user)
    spec = registry.spec_for(task)
    if spec.on_claim is not None:
        process = activation.process
        spec.on_claim(task=task, process=process, subject=registry.subject_for(task, process), user=user)


def task_claim(*, user: AbstractBaseUser, task_id: int) -> Task:
    """Take an unowned task into one's inbox: 404 if the user may not, 409 if it is taken or done."""
    task = task_for_user(user=user, task_id=task_id)
    claimable = task.claimable
    with _locked(task) as activation:
        task = activation.task
        if task.status != STATUS.NEW or task.owner_id:
            raise Conflict(_("Someone else has already taken this task, or it is finished."))
        if not claimable:
            raise TaskNotFound(task_id)
        _take(activation, user)
    return task


def task_complete(
    *, user: AbstractBaseUser, task_id: int, data: Any, base_url: str, files: Any = None
) -> list[str]:
    """Validate the task's fields, run its handler and move the flow on; the names of the next tasks.

    ``files`` are the uploaded files of a task form that takes some (a multipart page or request);
    the handler receives them in its cleaned data.

    Claiming is implicit when the user may claim. Raises ``ValidationError`` (400), ``Conflict``
    (409) or ``TaskNotFound`` (404).
    """
    task = task_for_user(user=user, task_id=task_id)
    # Whether the user may claim was read with the task, before the lock: it follows the user's
    # memberships, not the task's state, which the lock re-reads below.
    claimable = task.claimable
    spec = registry.spec_for(task)
    form = spec.form(data=data, files=files)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    created: list[Task] = []
    recording = None
    try:
        with _locked(task) as activation:
            task = activation.task
            if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
                raise Conflict(_("This task is already finished."))
            if task.owner_id and task.owner_id != user.pk:
                raise Conflict(_("This task is held by someone else."))
            if not task.owner_id:
                if not claimable:
                    raise TaskNotFound(task_id)
                # Taken and done in one step: the decision records it, and no claim hook runs (a
                # "review started" a moment before the decision would tell nobody anything).
                activation.assign(user)
            activation.start(None)
            process = activation.process
            subject = registry.subject_for(task, process)
            spec.handler(
                task=task,
                process=process,
                subject=subject,
                user=user,
                data=form.cleaned_data,
                base_url=base_url,
            )
            # From here to the lock's release (the processes the flows start once it is released
            # included): the tasks created are the step's next tasks.
            recording = _new_tasks.set(created)
            activation.execute()
    finally:
        if recording is not None:
            _new_tasks.reset(recording)
    return next_task_names(task, created)


def next_task_names(task: Task, created: Sequence[Task]) -> list[str]:
    """The open human tasks of the same case (or process) among ``created``, the tasks saved since
    ``task`` finished, in the order they were created.

    Collected as viewflow saved them (``record_new_task``) rather than queried afterwards: the
    answer of every completion would otherwise cost one more statement."""
    process = task.process
    human = set(registry.human_nodes())
    names = []
    for new in created:
        other = new.process
        same_case = other.pk == process.pk or (
            process.seed_object_id is not None
            and (other.seed_content_type_id, other.seed_object_id)
            == (process.seed_content_type_id, process.seed_object_id)
        )
        if same_case and new.status in OPEN and new.flow_task in human:
            names.append(task_name(new))
    return names


_new_tasks: ContextVar[list[Task] | None] = ContextVar("workflows_new_tasks", default=None)


def record_new_task(sender: type[Task], instance: Task, created: bool, **kwargs: Any) -> None:
    """``post_save`` receiver for ``Task`` (workflows.apps): a task viewflow creates while a
    completion records."""
    if created:
        bucket = _new_tasks.get()
        if bucket is not None:
            bucket.append(instance)
