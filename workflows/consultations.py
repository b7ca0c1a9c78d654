"""Orchestration of consultations (Legal Aid Law Art 23): a citizen's online question and the process
that gets it answered, together, for the API and the site. A consultation given on the hotline, at the
window or at a station is answered as it is recorded (``consultations.services.consultation_record``)
and needs no process."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from consultations import services
from consultations.models import Consultation
from core.transactions import all_or_nothing

from .flows.consultation import ConsultationFlow


def consultation_submit(*, acting_user: AbstractBaseUser, **fields: Any) -> Consultation:
    """Ask an online question and start its ``answer_consultation`` task at the region's center, all or
    nothing: a refused question leaves neither a row, an audit row nor a process behind.

    The keyword arguments are ``consultations.services.consultation_ask``'s.
    """
    with all_or_nothing():
        consultation = services.consultation_ask(acting_user=acting_user, **fields)
        ConsultationFlow.start.run(consultation=consultation)
    return consultation
