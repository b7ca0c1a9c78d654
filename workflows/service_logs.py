"""Orchestration of public-interest service logs (docs/domain.md, annual duty): the log and its
verification process together, for the API and the site."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from assignments.models import ServiceLog
from assignments.services import service_logs
from core.transactions import all_or_nothing

from .flows import ServiceLogFlow


def service_log_file(*, acting_user: AbstractBaseUser, **fields: Any) -> ServiceLog:
    """Log public-interest service and start its verification (``verify_service_log`` for the center),
    all or nothing: a refused log leaves neither a row, an audit row nor a process behind."""
    with all_or_nothing():
        service_log = service_logs.service_log_submit(acting_user=acting_user, **fields)
        ServiceLogFlow.start.run(service_log=service_log)
    return service_log
