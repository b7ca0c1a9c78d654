"""Orchestration of a notified defence (通知辩护): the agency's notice, then straight to assignment.

No review process and no receipt letter: the notice is not an application (nothing to decide, no
applicant to tell); the agency learns the outcome from the assignment letter, which it sees on the
case (DESIGN §2 step 4).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError

from aid_cases.models import Application
from aid_cases.services.notification import notification_duplicate, notification_submit, notifying_agency
from core.transactions import all_or_nothing

from .flows import AssignmentFlow


def notification_file(*, acting_user: AbstractBaseUser, base_url: str, **fields: Any) -> Application:
    """Record the notice, make its case and open its ``assign`` task (due 3 days after receipt), all
    or nothing: a refused notice leaves no case behind.

    ``fields`` are ``notification_submit``'s. ``base_url`` is taken for the orchestrations' common
    shape; no letter is issued here.
    """
    try:
        with all_or_nothing():
            application = notification_submit(acting_user=acting_user, **fields)
            # runs assignment_begin: status assigning, assign_due from the notice's receipt (Art 36)
            AssignmentFlow.start.run(application=application)
    except IntegrityError:
        # Two officers sending the same notice at once: the unique (agency, case number, stage) let
        # one through; the other learns which case it made, as a notice sent twice in a row does.
        agency = notifying_agency(acting_user)
        duplicate = (
            notification_duplicate(
                agency=agency,
                agency_case_no=str(fields.get("agency_case_no") or "").strip(),
                stage=str(fields.get("stage") or "").strip(),
            )
            if agency is not None
            else None
        )
        if duplicate is None:
            raise
        raise duplicate from None
    return application
