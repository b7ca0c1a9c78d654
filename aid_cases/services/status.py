"""The status of an application: how it moves, and the checks every decision starts with."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict
from directory.audit import AuditAction
from directory.services import audit_record

from ..models import Application

REASON_MAX_LENGTH = 2000
# What a service reads of a case besides its row: the applicant (letters), the center (who decides,
# the task's permission) and the region (the rule rows in force). Their rows are not locked with the
# case, so reading them again after the case's row lock guards nothing: ``application_lock`` keeps the
# ones the caller loaded, as long as the case still points to them.
_KEPT_RELATIONS = ("applicant", "center", "region")


def application_lock(application: Application) -> Application:
    """Re-read ``application`` in place under its row lock (``SELECT ... FOR UPDATE``): every write
    re-reads the state it depends on under the lock. The applicant, center and region the caller had
    loaded are kept when they are still the case's (one query each spared)."""
    kept = []
    for name in _KEPT_RELATIONS:
        field = Application._meta.get_field(name)
        if field.is_cached(application):
            kept.append((field, field.get_cached_value(application)))
    application.refresh_from_db(from_queryset=Application.objects.select_for_update())
    for field, row in kept:
        if row is not None and getattr(application, field.attname) == row.pk:
            field.set_cached_value(application, row)
    return application


# savepoint=False: a status change is always one step of a larger decision, whose own transaction
# rolls back as a whole; a savepoint per step would only cost two statements each time.
@transaction.atomic(savepoint=False)
def application_set_status(
    *,
    acting_user: AbstractBaseUser | None,
    application: Application,
    status: str,
    action: AuditAction,
    detail: dict | None = None,
    also_saved: tuple[str, ...] = (),
) -> Application:
    """Move an application to ``status`` with an audit row (old → new).

    ``also_saved`` names fields the caller changed on the object with the status (a due date, the
    provider): written in the same UPDATE, one statement rather than two.
    """
    old = application.status
    application.status = status
    application.save(update_fields=["status", "updated_at", *also_saved])
    audit_record(
        actor=acting_user,
        action=action,
        obj=application,
        old={"status": old},
        new={"status": status, **(detail or {})},
    )
    return application


def require_status(application: Application, allowed: Iterable[str]) -> None:
    """409 unless the application is in one of ``allowed``: the state forbids the action now."""
    if application.status not in allowed:
        raise Conflict(
            _("The application is %(status)s: this action is not possible now.")
            % {"status": application.get_status_display()}
        )


def require_reason(reason: str | None, field: str = "reason") -> str:
    """Written reasons, required wherever the law asks for them (a refusal, a termination, ...)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: [_("Give the reasons.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({field: [_("At most %(max)s characters.") % {"max": REASON_MAX_LENGTH}]})
    return reason


def optional_text(text: str | None, field: str = "reason") -> str:
    """Optional reasons or notes: stripped, and no longer than written reasons may be."""
    text = (text or "").strip()
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError({field: [_("At most %(max)s characters.") % {"max": REASON_MAX_LENGTH}]})
    return text
