"""What viewflow itself lets a user see of our processes (docs/architecture.md, viewflow).

viewflow shows every process to anyone with the global view permission; here a process is visible
only when its case is (``CaseVisibilityMixin``), or — for a process about something else, a service
log, a complaint, a peer review (``ArtifactVisibilityMixin``) — when that thing is, by our selectors.
Lists of processes (``obj is None``) and managing (cancel, undo, reassign) are for administrators only,
whatever permissions a group holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from viewflow.workflow.models import Process

from aid_cases.selectors import applications_visible_to
from directory.models import Organisation


class CaseVisibilityMixin:
    def has_view_permission(self, user: Any, obj: Any = None) -> bool:
        if not user.is_authenticated:
            return False
        if obj is None:
            return user.is_superuser
        application_id = getattr(obj.coerced, "application_id", None)
        return application_id is not None and applications_visible_to(user).filter(pk=application_id).exists()

    def has_manage_permission(self, user: Any, obj: Any = None) -> bool:
        return user.is_authenticated and user.is_superuser


class ArtifactVisibilityMixin:
    """A process visible to whom may see its artifact: ``visible_artifacts(user)`` is the selector of
    the artifacts ``user`` may see (e.g. ``complaints_visible_to``)."""

    visible_artifacts: Callable[[Any], QuerySet]

    def has_view_permission(self, user: Any, obj: Any = None) -> bool:
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        if obj is None:
            return False
        artifact_id = obj.artifact_object_id
        return artifact_id is not None and self.visible_artifacts(user).filter(pk=artifact_id).exists()

    def has_manage_permission(self, user: Any, obj: Any = None) -> bool:
        return user.is_authenticated and user.is_superuser


def organisation_at(*path: str) -> Callable[[Process], Organisation]:
    """A node's ``.Permission(..., obj=organisation_at("center"))``: the organisation whose members may
    claim the task, reached from the process's artifact along ``path`` (the last name a foreign key to
    the organisation).

    Returned with its primary key only: viewflow stamps the object's type and key on the task and
    django-guardian checks only those, so reading the organisation's row at every task creation
    would buy nothing. viewflow also calls this with a plain ``Process`` when it checks a stored task
    (``can_assign``): the process is coerced to its flow's proxy first.
    """
    *through, last = path

    def permission_obj(process: Process) -> Organisation:
        subject = process.coerced.artifact
        for name in through:
            subject = getattr(subject, name)
        return Organisation(pk=getattr(subject, f"{last}_id"))

    return permission_obj
