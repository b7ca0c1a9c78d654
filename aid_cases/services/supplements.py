"""The applicant's one-time supplement (docs/domain.md): the review clock stops while it is outstanding."""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.transactions import service_transaction
from directory.audit import AuditAction

from .. import periods, rules
from ..choices import Status
from ..models import Application, ApplicationDocument, SupplementRequest
from .status import application_set_status, optional_text, require_status


def supplement_materials(application: Application) -> QuerySet[ApplicationDocument]:
    """The materials uploaded since the supplement notice: what answers it."""
    request = application.supplement_request
    since = request.requested_at or timezone.make_aware(
        datetime.datetime.combine(request.requested_on, datetime.time.min)
    )
    return application.uploads.filter(uploaded_at__gte=since)


@service_transaction()
def supplement_submit(
    *, acting_user: AbstractBaseUser, application: Application, note: str = ""
) -> SupplementRequest:
    """The applicant's supplement: the review clock resumes, the paused days not counted."""
    require_status(application, (Status.SUPPLEMENT_REQUESTED,))
    request = application.supplement_request
    today = timezone.localdate()
    if today > request.due_on:
        # The timer that withdraws the application may not have run yet; the period is over anyway.
        raise Conflict(
            _("The supplement period ended on %(date)s: the application is deemed withdrawn.")
            % {"date": date_format(request.due_on, "DATE_FORMAT")}
        )
    if not supplement_materials(application).exists():
        raise ValidationError(
            {"materials": [_("Upload at least one of the missing materials before you send the supplement.")]}
        )
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
