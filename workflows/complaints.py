"""Orchestration of complaints (Order No. 149; Legal Aid Law Arts 55, 56): the complaint and its
handling process together, for the API, the site and the other flows (a follow-up call that hears
the provider asked for money files one here, with ``source="follow_up"``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from core.transactions import all_or_nothing
from quality.models import Complaint
from quality.services import complaints

from .flows.complaint import ComplaintFlow


def complaint_submit(*, acting_user: AbstractBaseUser, **fields: Any) -> tuple[Complaint, bool]:
    """File a complaint and start its handling (``accept_complaint`` for the handling organisation),
    all or nothing: a refused complaint leaves neither a row, an audit row nor a process behind.

    The keyword arguments are ``quality.services.complaints.complaint_file``'s; so is the answer,
    ``(complaint, created)``. A repeat merged into an open complaint starts no second process.
    """
    with all_or_nothing():
        complaint, created = complaints.complaint_file(acting_user=acting_user, **fields)
        if created:
            ComplaintFlow.start.run(complaint=complaint)
    return complaint, created
