"""The task registry: what each human task of each flow needs, declared beside its flow (docs/architecture.md).

A flow module declares a ``TaskSpec`` for each of its human nodes and registers them. The generic
task layer (``workflows.tasks``) serves inbox, queue, claim and complete for every registered node
from viewflow's own stamps on the task row, and never names a flow. Specs are keyed by node — a
flow class and a node name — so two flows may both have a ``review``.

Who may see and claim a task is what the node declares to viewflow: ``.Permission(perm, obj=...)``
stamps the permission and the object on each task (``owner_permission``,
``owner_permission_obj_pk``), and ``.Assign(...)`` gives the task to one person at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model, QuerySet
from django.utils.module_loading import autodiscover_modules
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Process, Task


class TaskHandler(Protocol):
    """Does a task's work through the domain services, with the form's cleaned data."""

    def __call__(
        self,
        *,
        task: Task,
        process: Process,
        subject: Any,
        user: AbstractBaseUser,
        data: dict[str, Any],
        base_url: str,
    ) -> None: ...


class ClaimHook(Protocol):
    """Runs when someone takes the task into their inbox, inside the flow's lock (e.g. "review
    started"); not when an unowned task is completed at once, which its handler records."""

    def __call__(self, *, task: Task, process: Process, subject: Any, user: AbstractBaseUser) -> None: ...


def _no_due(subject: Any) -> datetime.date | None:
    return None


def _no_context(*, task: Task, subject: Any, user: AbstractBaseUser) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class TaskSpec:
    """One human task: its fields, its work, its due date and its part of the task page."""

    node: Any  # a viewflow node (flow.View) of a flow class
    form: type[forms.Form]  # the task's fields (docs/api.md, Tasks): the API and the task page share it
    handler: TaskHandler
    template: str  # the task page's partial: what the person needs to see to decide
    subject_model: type[Model]  # the model of the process's artifact, the thing the task is about
    subject_related: tuple[str, ...] = ()  # select_related paths the handler, due and partial read
    due: Callable[[Any], datetime.date | None] = _no_due  # from the subject
    # select_related paths the due date alone reads: the API's task rows load only these
    due_related: tuple[str, ...] = ()
    on_claim: ClaimHook | None = None
    page_context: Callable[..., dict[str, Any]] = _no_context  # extra context for the partial
    subject_key: str | None = None  # the API row's field naming the subject, e.g. "waiver_id"
    # A decision on the case: never by someone who filed it or is a party to it (conflict of
    # interest); the task lists leave it out for them and it answers 404 to them.
    decision: bool = False
    # The heading of the task's action on its page; a decision's by default ("Your decision").
    action_title: Any = None

    @property
    def name(self) -> str:
        return self.node.name


_SPECS: dict[Any, TaskSpec] = {}
_discovered = False
_subject_querysets: dict[type[Model], QuerySet] | None = None
_due_querysets: dict[type[Model], QuerySet] | None = None
_refs: dict[str, tuple[str, ...]] = {}


def register(*specs: TaskSpec) -> None:
    """Called by each flow module at import, for each of its human nodes."""
    global _subject_querysets, _due_querysets
    _subject_querysets = _due_querysets = None  # built again from every spec on first use
    _refs.clear()
    for spec in specs:
        existing = _SPECS.get(spec.node)
        if existing is not None and existing is not spec:
            raise ValueError(
                f"a task spec for {spec.node.flow_class.__name__}.{spec.name} is already registered"
            )
        _SPECS[spec.node] = spec


def _specs() -> dict[Any, TaskSpec]:
    global _discovered
    if not _discovered:
        # Every installed app's ``flows`` module (the workflows app's is a package that imports each
        # of its flow modules): a new flow registers itself by existing, not by an edit here.
        autodiscover_modules("flows")
        _discovered = True
    return _SPECS


def specs() -> Iterable[TaskSpec]:
    return _specs().values()


def spec_for(task: Task) -> TaskSpec:
    return _specs()[task.flow_task]


def human_nodes() -> list[Any]:
    return list(_specs())


def decision_nodes() -> list[Any]:
    return [node for node, spec in _specs().items() if spec.decision]


def node_refs(kind: str) -> tuple[str, ...]:
    """What the ``flow_task`` column stores for the human nodes (``"human"``) or the decisions
    (``"decision"``): the task layer's raw conditions compare with these."""
    if kind not in _refs:
        nodes = human_nodes() if kind == "human" else decision_nodes()
        _refs[kind] = tuple(get_task_ref(node) for node in nodes)
    return _refs[kind]


def nodes_named(name: str) -> list[Any]:
    return [node for node in _specs() if node.name == name]


def _querysets(paths_of: Callable[[TaskSpec], tuple[str, ...]]) -> dict[type[Model], QuerySet]:
    related: dict[type[Model], set[str]] = {}
    for spec in specs():
        related.setdefault(spec.subject_model, set()).update(paths_of(spec))
    return {model: model._default_manager.select_related(*sorted(paths)) for model, paths in related.items()}


def subject_querysets() -> dict[type[Model], QuerySet]:
    """One queryset per subject model, joined with what every spec on that model reads (built once)."""
    global _subject_querysets
    if _subject_querysets is None:
        _subject_querysets = _querysets(lambda spec: spec.subject_related)
    return _subject_querysets


def due_querysets() -> dict[type[Model], QuerySet]:
    """One queryset per subject model, joined with only what the specs' due dates read (built once):
    a task row needs no more, and a list compiles and loads the subject's own row alone."""
    global _due_querysets
    if _due_querysets is None:
        _due_querysets = _querysets(lambda spec: spec.due_related)
    return _due_querysets


def subject_for(task: Task, process: Process) -> Any:
    """The task's subject, fresh from the database with what its spec reads, set on the process."""
    spec = spec_for(task)
    subject = subject_querysets()[spec.subject_model].get(pk=process.artifact_object_id)
    process.artifact = subject  # the generic relation's cache: later reads cost no query
    return subject
