"""The legal aid flows (DESIGN §2, steps 1–3). Short and declarative: the domain lives in aid_cases.

Decisions are taken by the task handlers (workflows/tasks.py), which call aid_cases services;
the flows only route on the state those services leave behind.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.lock import after_lock_released

from aid_cases import services
from aid_cases.choices import ObjectionOutcome, ObjectionTarget, Status
from aid_cases.models import Application
from aid_cases.selectors import applications_visible_to

from . import views
from .models import AidApplicationProcess, ObjectionProcess

REVIEW_PERMISSION = "directory.review_applications"
OBJECTION_PERMISSION = "directory.decide_objections"


def _end_of_day(day: datetime.date) -> datetime.datetime:
    """A period ending on ``day`` expires when that day is over, in China's time."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


class CaseVisibilityMixin:
    """viewflow shows every process to anyone with the global view permission (DESIGN §8.1).

    Here a process is visible only when its application is, by our selectors; lists of
    processes (``obj is None``) are for administrators only, and managing (cancel, undo,
    reassign) is for administrators only, whatever permissions a group holds.
    """

    def has_view_permission(self, user, obj=None) -> bool:
        if not user.is_authenticated:
            return False
        if obj is None:
            return user.is_superuser
        application = _application_of(obj)
        return application is not None and applications_visible_to(user).filter(pk=application.pk).exists()

    def has_manage_permission(self, user, obj=None) -> bool:
        return user.is_authenticated and user.is_superuser


def _application_of(process):
    artifact = getattr(process, "artifact", None)
    if isinstance(artifact, Application):
        return artifact
    return getattr(artifact, "application", None)


class AidApplicationFlow(CaseVisibilityMixin, flow.Flow):
    process_class = AidApplicationProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Legal aid application")

    start = flow.StartHandle(this.start_process).Next(this.review)
    # after an objection ordered a correction: the same application, reviewed again
    restart = flow.StartHandle(this.start_process).Next(this.review)

    review = (
        flow.View(views.task_page)
        .Annotation(title=_("Review the application"))
        .Permission(REVIEW_PERMISSION, obj=lambda process: process.application.center)
        .Next(this.review_outcome)
    )
    review_outcome = (
        flow.Switch()
        .Case(this.supplement, lambda act: act.process.application.status == Status.SUPPLEMENT_REQUESTED)
        .Case(this.confirm_review, lambda act: act.process.application.provisional)
        .Default(this.end)
    )
    supplement = (
        flow.View(views.task_page)
        .Annotation(title=_("Supplement the materials"))
        .Assign(lambda act: act.process.application.filed_by)
        .OnTimeout(this.supplement_deadline, this.withdraw, title=_("Supplement period over"))
        .Next(this.review)
    )
    withdraw = flow.Function(this.withdraw_application).Next(this.end)
    confirm_review = (
        flow.View(views.task_page)
        .Annotation(title=_("Confirm the review after provisional aid"))
        .Permission(REVIEW_PERMISSION, obj=lambda process: process.application.center)
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation, application):
        activation.process.artifact = application
        activation.process.save()
        return activation.process

    def supplement_deadline(self, activation):
        return _end_of_day(activation.process.application.supplement_request.due_on)

    def withdraw_application(self, activation):
        services.supplement_expire(acting_user=None, application=activation.process.application)


class ObjectionFlow(CaseVisibilityMixin, flow.Flow):
    """The bureau decides an objection against a refusal or a termination (Art 49)."""

    process_class = ObjectionProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Objection")

    start = flow.StartHandle(this.start_process).Next(this.decide_objection)
    decide_objection = (
        flow.View(views.task_page)
        .Annotation(title=_("Decide the objection"))
        .Permission(OBJECTION_PERMISSION, obj=lambda process: process.objection.bureau)
        .Next(this.after_decision)
    )
    after_decision = (
        flow.If(lambda act: act.process.objection.outcome == ObjectionOutcome.CORRECT
                and act.process.objection.target == ObjectionTarget.REFUSAL)
        .Then(this.reopen_review)
        .Else(this.end)
    )
    reopen_review = flow.Function(this.reopen).Next(this.end)
    end = flow.End()

    def start_process(self, activation, objection):
        activation.process.artifact = objection
        activation.process.save()
        return activation.process

    def reopen(self, activation):
        application = activation.process.objection.application
        # Another flow's lock must not be taken inside this one's (viewflow.workflow.lock).
        after_lock_released(lambda: AidApplicationFlow.restart.run(application=application))


__all__ = ["AidApplicationFlow", "ObjectionFlow"]
