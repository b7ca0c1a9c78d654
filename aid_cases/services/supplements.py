"""The applicant's one-time supplement (DESIGN §3.4): the review clock stops while it is outstanding."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from core.transactions import service_transaction
from directory.audit import AuditAction

from .. import periods, rules
from ..choices import Status
from ..models import Application, SupplementRequest
from .status import application_set_status, optional_text, require_status


@service_transaction()
def supplement_submit(
    *, acting_user: AbstractBaseUser, application: Application, note: str = ""
) -> SupplementRequest:
    """The applicant's supplement: the review clock resumes, the paused days not counted."""
    require_status(application, (Status.SUPPLEMENT_REQUESTED,))
    request = application.supplement_request
    today = timezone.localdate()
    request.answered_on = today
    request.note = optional_text(note, field="note")
    request.save(update_fields=["answered_on", "note"])
    rule = application.period_rule or rules.period_rule_in_force(application.region, application.received_on)
    application.decision_due = rules.due_date(
        start=application.received_on,
        days=rule.review_days,
        rule=rule,
        pauses=[periods.Pause(start=request.requested_on, end=today)],
    )
    application.save(update_fields=["decision_due", "updated_at"])
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.UNDER_REVIEW,
        action=AuditAction.SUPPLEMENT_SUBMIT,
        detail={"decision_due": application.decision_due.isoformat()},
    )
    return request


@service_transaction()
def supplement_expire(*, acting_user: AbstractBaseUser | None, application: Application) -> None:
    """Not supplemented within the period: the application is deemed withdrawn."""
    require_status(application, (Status.SUPPLEMENT_REQUESTED,))
    request = application.supplement_request
    request.expired = True
    request.save(update_fields=["expired"])
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.WITHDRAWN,
        action=AuditAction.SUPPLEMENT_EXPIRE,
        detail={"due": request.due_on.isoformat()},
    )
