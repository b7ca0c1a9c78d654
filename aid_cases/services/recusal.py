"""Conflict of interest: nobody decides an application they filed or are a party to."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _

from core.errors import Conflict

from ..models import Application
from ..selectors import user_recused


def require_not_recused(acting_user: AbstractBaseUser | None, application: Application) -> None:
    """409 when the deciding user filed the application or is its applicant or representative.

    Timers and system steps (no acting user) are never recused. The task lists already leave such
    tasks out for that user (workflows.tasks); this is the rule itself, for every decision.
    """
    if acting_user is None:
        return
    if user_recused(acting_user, application):
        raise Conflict(
            _(
                "You filed this application or are a party to it: a colleague must decide it "
                "(conflict of interest)."
            )
        )
