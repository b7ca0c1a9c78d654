"""Transferring an application to the competent center (Art 38; 市域通办): the domain service, the review
task moved to the receiving center and the transfer letter, all or nothing (docs/workflows.md)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from aid_cases.models import Application, ApplicationTransfer
from aid_cases.services.transfers import application_transfer
from core.transactions import all_or_nothing
from directory.models import Organisation
from documents.models import IssuedDocument

from . import letters
from .flows import AidApplicationFlow
from .models import running_processes


def application_transfer_step(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    to_center: Any,
    reason: str | None,
    base_url: str,
) -> tuple[ApplicationTransfer, IssuedDocument]:
    """Transfer the application (``aid_cases.services.transfers``), move its open review task to the
    receiving center and issue the transfer letter (returned with the transfer), all or nothing: a
    refused transfer leaves the application, its task and its documents as they were.

    The case's running review process is locked first with a blocking ``SELECT ... FOR UPDATE``, then
    the service locks the application: the order of a task's completion (its flow's lock, then the
    row), as ``workflows.services`` does for a termination. A reviewer deciding the same case at the
    same moment either finishes first (the transfer then gets 409: no longer in review) or waits."""
    with all_or_nothing():
        processes = [p.pk for p in running_processes(AidApplicationFlow, application.pk)]
        list(Process.objects.select_for_update().filter(pk__in=processes).order_by("pk").values_list("pk"))
        transfer = application_transfer(
            acting_user=acting_user, application=application, to_center=to_center, reason=reason
        )
        _review_moves(processes, transfer.to_center)
        letter = letters.transfer_letter_issue(
            acting_user=acting_user, application=application, transfer=transfer, base_url=base_url
        )
    return transfer, letter


def _review_moves(process_ids: list[int], center: Organisation) -> None:
    """The open review task leaves the old center's inbox and queue and waits, unowned, in the receiving
    center's queue: viewflow stamped the center on the task row when it created it (``owner_permission``
    and its object, ``workflows.registry``), and the task layer matches that stamp with the reviewers'
    object permissions, so the stamp moves with the application. A reviewer of the old center who had
    taken it loses it (back to ``NEW``)."""
    Task.objects.filter(
        process_id__in=process_ids,
        flow_task=AidApplicationFlow.review,
        status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED),
    ).update(owner=None, status=STATUS.NEW, assigned=None, owner_permission_obj_pk=str(center.pk))
