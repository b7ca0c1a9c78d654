"""Orchestration of a detainee's forwarded application (Art 39): the forward, its receipt, its review.

Unlike a notified defence, a forwarded request is an application: the center reviews it like any
other (the ``review`` task of ``AidApplicationFlow``, due 7 days after the center received it), and
the person gets a receipt, which the unit holding them can print from the case page and hand over.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from aid_cases.models import Application
from aid_cases.services.forwarding import forwarded_request_submit
from core.transactions import all_or_nothing

from . import letters
from .flows import AidApplicationFlow


def forwarded_request_file(*, acting_user: AbstractBaseUser, base_url: str, **fields: Any) -> Application:
    """Record the forward, make its application, issue its receipt and open the center's ``review``
    task, all or nothing: a refused forward leaves nothing behind. ``fields`` are
    ``forwarded_request_submit``'s."""
    with all_or_nothing():
        application = forwarded_request_submit(acting_user=acting_user, **fields)
        letters.receipt_issue(acting_user=acting_user, application=application, base_url=base_url)
        AidApplicationFlow.start.run(application=application)
    return application
