"""Orchestration: domain services, letters and flows together, for the API and the site."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile

from aid_cases import services
from aid_cases.models import Application, Objection, Termination
from core.transactions import all_or_nothing

from . import letters
from .flows import AidApplicationFlow, ObjectionFlow


def application_file(
    *, acting_user: AbstractBaseUser, base_url: str, uploads: Sequence[UploadedFile] = (), **fields: Any
) -> Application:
    """File an application with its materials, issue its receipt and start its review process, all or
    nothing: a refused file leaves no application behind."""
    with all_or_nothing():
        application = services.application_submit(acting_user=acting_user, **fields)
        for upload in uploads:
            services.application_document_add(acting_user=acting_user, application=application, upload=upload)
        letters.receipt_issue(acting_user=acting_user, application=application, base_url=base_url)
        AidApplicationFlow.start.run(application=application)
    return application


def objection_file(
    *, acting_user: AbstractBaseUser, application: Application, reason: str, on_behalf: bool = False
) -> Objection:
    """The applicant's objection (or their written one, recorded for them), and the bureau's
    decide_objection task."""
    with all_or_nothing():
        objection = services.objection_submit(
            acting_user=acting_user, application=application, reason=reason, on_behalf=on_behalf
        )
        ObjectionFlow.start.run(objection=objection)
    return objection


def application_terminate(
    *, acting_user: AbstractBaseUser, application: Application, ground: str, reason: str, base_url: str
) -> Termination:
    """The center terminates the aid (Art 48) and issues the termination letter with the objection
    route, all or nothing."""
    with all_or_nothing():
        termination = services.application_terminate(
            acting_user=acting_user, application=application, ground=ground, reason=reason
        )
        letters.termination_issue(
            acting_user=acting_user, application=application, termination=termination, base_url=base_url
        )
    return termination
