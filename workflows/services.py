"""Orchestration: domain services, letters and flows together, for the API and the site."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from viewflow.workflow.models import Process

from aid_cases import services
from aid_cases.models import Application, Objection, Termination
from aid_cases.services.public_interest import public_interest_file as _public_interest_file
from assignments.models import Assignment
from assignments.selectors import duty_rules_of_year, notary_minimum
from assignments.services import handling
from consultations.models import Consultation
from consultations.services import consultation_link_application
from core.transactions import all_or_nothing
from waivers import selectors as waiver_selectors
from waivers import services as waiver_services
from waivers.choices import Treatment, WaiverKind
from waivers.duty import MET, notary_duty_status
from waivers.models import FeeWaiver

from . import letters
from .flows import AidApplicationFlow, AssignmentFlow, FeeWaiverFlow, ObjectionFlow
from .flows.assignment import assignment_cancel
from .flows.termination_report import termination_report_start
from .models import running_processes


def application_file(
    *,
    acting_user: AbstractBaseUser,
    base_url: str,
    uploads: Sequence[UploadedFile] = (),
    consultation: Consultation | None = None,
    **fields: Any,
) -> Application:
    """File an application with its materials, issue its receipt and start its review process, all or
    nothing: a refused file leaves no application behind. ``consultation``: the one it was filed from
    (its pre-filled form), which records that it led to this application."""
    with all_or_nothing():
        application = services.application_submit(acting_user=acting_user, **fields)
        for upload in uploads:
            services.application_document_add(acting_user=acting_user, application=application, upload=upload)
        letters.receipt_issue(acting_user=acting_user, application=application, base_url=base_url)
        AidApplicationFlow.start.run(application=application)
        if consultation is not None:
            consultation_link_application(
                acting_user=acting_user, consultation=consultation, application=application
            )
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


def _lock_case_processes(application: Application) -> None:
    """Lock the case's running review and assignment processes, then the services lock the application:
    the same order as a task's completion (its flow's lock, then the row), so two steps on one case
    wait for each other instead of deadlocking.

    A plain blocking ``SELECT ... FOR UPDATE`` inside the step's transaction, not viewflow's lock: that
    one retries NOWAIT inside its own atomic block, which cannot recover once nested in ours (the
    transaction is aborted). A task completing meanwhile holds the row until it commits; this waits,
    and the services then re-read the state it left (409 where it forbids the step)."""
    ids = [
        p.pk for flow in (AssignmentFlow, AidApplicationFlow) for p in running_processes(flow, application.pk)
    ]
    list(Process.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def application_terminate(
    *, acting_user: AbstractBaseUser, application: Application, ground: str, reason: str, base_url: str
) -> Termination:
    """The center terminates the aid (Art 48) and issues the termination letter with the objection
    route, all or nothing: an offer not yet accepted is withdrawn, the case's open assignment tasks
    and a pending confirming review (provisional aid) are cancelled."""
    with all_or_nothing():
        _lock_case_processes(application)
        termination = services.application_terminate(
            acting_user=acting_user, application=application, ground=ground, reason=reason
        )
        handling.assignment_end_for_termination(acting_user=acting_user, application=application)
        assignment_cancel(application.pk)
        # a provider who had accepted the case reports the work done, for the subsidy's share
        termination_report_start(application.pk)
        for process in running_processes(AidApplicationFlow, application.pk):
            AidApplicationFlow.instance.cancel(process)
        letters.termination_issue(
            acting_user=acting_user, application=application, termination=termination, base_url=base_url
        )
    return termination


def assignment_reassign(
    *, acting_user: AbstractBaseUser, application: Application, reason: str
) -> Assignment:
    """Replace the provider (Art 55): the old assignment ends, its open tasks are cancelled and the
    case goes back to ``assign`` in a new assignment process, all or nothing."""
    with all_or_nothing():
        _lock_case_processes(application)
        assignment = handling.assignment_replace(
            acting_user=acting_user, application=application, reason=reason
        )
        assignment_cancel(application.pk)
        AssignmentFlow.start.run(application=application)
    return assignment


def fee_waiver_request(
    *, acting_user: AbstractBaseUser, application: Application, **fields: Any
) -> FeeWaiver:
    """Ask for a fee waiver on the case and start its handoff (review_waiver for the center), all or
    nothing. Several may run beside one case."""
    with all_or_nothing():
        waiver = waiver_services.waiver_request(acting_user=acting_user, application=application, **fields)
        FeeWaiverFlow.start.run(waiver=waiver)
    return waiver


def _losing_party() -> str:
    # stored as the letters and the institution read it, whatever the filer's language
    with translation.override("zh-hans"):
        return gettext("the losing party")


def public_interest_file(
    *,
    acting_user: AbstractBaseUser,
    agency_case_no: str,
    region: Any,
    summary: str,
    defendant: str,
    category: str = "civil",
    institution_id: Any,
    service: str,
    standard_fee: Any,
) -> tuple[Application, FeeWaiver]:
    """The procuratorate files its environmental public-interest litigation with the forensic appraisal
    it needs: the case, and the forensic fee deferred until judgment on the losing party, sent to the
    center's review_waiver — all or nothing (a bad fee leaves no case behind)."""
    with all_or_nothing():
        application = _public_interest_file(
            acting_user=acting_user,
            agency_case_no=agency_case_no,
            region=region,
            summary=summary,
            defendant=defendant,
            category=category,
        )
        waiver = waiver_services.waiver_request(
            acting_user=acting_user,
            application=application,
            kind=WaiverKind.FORENSIC,
            institution_id=institution_id,
            service=service,
            standard_fee=standard_fee,
            treatment=Treatment.DEFER,
            deferred_payer=_losing_party(),
        )
        FeeWaiverFlow.start.run(waiver=waiver)
    return application, waiver


def notary_duty_rows(offices: Any, *, year: int, today: Any = None) -> list[dict[str, Any]]:
    """Each notary office's public-interest notarisations of ``year`` against its minimum (docs/domain.md,
    annual duty): completed fee-waived notarisations (``waivers``) and logged ones the bureau verified,
    the minimum from the year's duty rule (``assignments``), the status by ``waivers.duty``. Two grouped
    counts and one read of the year's rules, whatever the number of offices; the API and the pages share it.
    """
    today = today or timezone.localdate()
    offices = list(offices)
    counts = waiver_selectors.notary_public_interest_counts(
        year=year, institution_ids=[o.pk for o in offices]
    )
    rules = duty_rules_of_year(year)
    rows = []
    for office in offices:
        figures = counts.get(office.pk, {"waived": 0, "logged": 0})
        count = figures["waived"] + figures["logged"]
        minimum = notary_minimum(rules, office.region)
        status = notary_duty_status(count=count, minimum=minimum, year=year, today=today)
        rows.append(
            {
                "office": office,
                "institution_id": office.pk,
                "name": office.name,
                "count": count,
                "waived": figures["waived"],
                "logged": figures["logged"],
                "minimum": minimum,
                "status": status,
                "met": status == MET,
            }
        )
    return rows
