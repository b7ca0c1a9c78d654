"""Process proxies: viewflow's Process rows, linked to our domain objects (docs/architecture.md, viewflow).

Every process of a case keeps two generic links with integer ids: ``artifact``, the thing its
tasks are about (an application, an objection, a fee waiver), and ``seed``, the case — the
application — it belongs to. The seed lets the generic task layer find every task of one case
across flows (``case_filter``) without knowing the flows, and every proxy exposes ``application``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from aid_cases.models import Application, Objection


class CaseProcess(Process):
    """A process that belongs to an application (its seed)."""

    class Meta:
        proxy = True

    @property
    def application(self) -> Application:
        return self.seed

    @property
    def application_id(self) -> int | None:
        return self.seed_object_id


def case_filter(application_id: int, prefix: str = "process__") -> Q:
    """Tasks (by default) or processes (``prefix=""``) of one application's case, whatever their flow."""
    content_type = ContentType.objects.get_for_model(Application)
    return Q(**{f"{prefix}seed_content_type": content_type, f"{prefix}seed_object_id": application_id})


def running_processes(flow_class: Any, application_id: int) -> list[Process]:
    """The case's processes of ``flow_class`` still running, oldest first."""
    return list(
        Process.objects.filter(
            case_filter(application_id, prefix=""), flow_class=flow_class, status=PROCESS.NEW
        ).order_by("pk")
    )


class AidApplicationProcess(CaseProcess):
    """One review round of an application (a correction after an objection starts another)."""

    class Meta:
        proxy = True
        verbose_name = _("legal aid application process")
        verbose_name_plural = _("legal aid application processes")

    @property
    def application(self) -> Application:
        # The artifact and the seed are the same row; the artifact is the one the task layer loads.
        return self.artifact


class ObjectionProcess(CaseProcess):
    class Meta:
        proxy = True
        verbose_name = _("objection process")
        verbose_name_plural = _("objection processes")

    @property
    def objection(self) -> Objection:
        return self.artifact

    @property
    def application(self) -> Application:
        return self.objection.application


class AssignmentProcess(CaseProcess):
    """Assignment and handling of one case, from ``assign`` to ``review_closure``; a replacement or a
    revoked termination starts another."""

    class Meta:
        proxy = True
        verbose_name = _("assignment process")
        verbose_name_plural = _("assignment processes")

    @property
    def application(self) -> Application:
        return self.artifact


class FeeWaiverProcess(CaseProcess):
    """One fee waiver's handoff: the center's review, then the institution's answer. Several may run
    beside one case; the case's closure waits for none of them."""

    class Meta:
        proxy = True
        verbose_name = _("fee waiver process")
        verbose_name_plural = _("fee waiver processes")

    @property
    def waiver(self) -> Any:
        return self.artifact


class CollaborationProcess(CaseProcess):
    """One collaboration letter to a center of the city, waiting for its answer. The letter is the
    artifact, the requesting case the seed: the receiving center's task rows carry the case's
    ``application_id``, though that center never sees the case itself."""

    class Meta:
        proxy = True
        verbose_name = _("collaboration letter process")
        verbose_name_plural = _("collaboration letter processes")

    @property
    def letter(self) -> Any:
        return self.artifact

    @property
    def application(self) -> Application:
        return self.letter.application
