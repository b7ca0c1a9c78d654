"""Site pages of fee waivers (docs/domain.md, fee waivers; Legal Aid Law Art 53): the case page's block,
the institutions' inbox, the notary offices' public-interest notarisations and the procuratorate's
public-interest filing.

Thin, like the other site views: who may do what and every rule of a fee line are ``waivers.services``'
(and ``workflows.services``' for what starts a flow); the reads are ``waivers.selectors``'. The forms
(``site_ui.waiver_forms``) only parse, and a service's ``ValidationError`` lands on their fields.
An institution's staff never get a link to the case: they may not see it (404).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aid_cases import selectors as case_selectors
from aid_cases.models import Application
from aid_cases.services.public_interest import filing_procuratorate
from core.errors import Conflict, Forbidden
from directory.choices import OrganisationKind, Role
from directory.models import Organisation
from directory.selectors import user_center_ids
from waivers import selectors, services
from waivers.choices import NotarisationStatus, WaiverStatus
from waivers.models import FeeWaiver, PublicInterestNotarisation
from workflows import tasks
from workflows.services import fee_waiver_request, notary_duty_rows, public_interest_file

from .forms import add_errors
from .waiver_forms import (
    FORENSIC_KINDS,
    SERVICE_SUGGESTIONS,
    JudgmentForm,
    NotarisationForm,
    NotarisationVerifyForm,
    PublicInterestForm,
    WaiverRequestForm,
    waiver_institutions,
)

FIRST_YEAR = 2022  # the Legal Aid Law's first year: no fee line is older
PER_PAGE = 25


def _year(request, today: datetime.date) -> int:
    """``?year=``, a year the site has data for; this year otherwise."""
    value = request.GET.get("year", "")
    if value.isdigit() and FIRST_YEAR <= int(value) <= today.year:
        return int(value)
    return today.year


def _years(today: datetime.date) -> list[int]:
    return list(range(today.year, FIRST_YEAR - 1, -1))


# --- the case page's block -----------------------------------------------------------------------

ACTIONS = ("waiver_request", "waiver_judgment")


@dataclass
class WaiverBlock:
    """What the case page shows of the case's fee waivers to this user, and the forms it offers:
    the request to whoever may ask now, the judgment to the center's reviewers and directors."""

    request: Any
    application: Application
    status: int = 200
    waivers: list[FeeWaiver] = field(default_factory=list)
    request_form: WaiverRequestForm | None = None
    institutions: list[Organisation] = field(default_factory=list)

    def __post_init__(self) -> None:
        user, application = self.request.user, self.application
        today = timezone.localdate()
        self.waivers = list(selectors.waivers_for_case(application.pk))
        for waiver in self.waivers:
            waiver.overdue = selectors.deferral_overdue(waiver, today)
            waiver.judgment_form = None
        if services.waiver_request_possible(user=user, application=application):
            self.institutions = waiver_institutions()
            self.request_form = WaiverRequestForm(institutions=self.institutions)
        awaiting = [
            w for w in self.waivers if w.status == WaiverStatus.DEFERRED and w.deferred_until_judgment
        ]
        if awaiting and case_selectors.user_decides_for(user, application):
            for waiver in awaiting:
                waiver.judgment_form = JudgmentForm(prefix=f"judgment-{waiver.pk}", today=today)

    def post(self) -> HttpResponse | None:
        """Do the posted action: a redirect when done (or no longer possible), else None with the
        form's errors to show (400)."""
        request, application = self.request, self.application
        if request.POST.get("action") == "waiver_request":
            return self._request()
        waiver = next(
            (w for w in self.waivers if str(w.pk) == request.POST.get("waiver") and w.judgment_form),
            None,
        )
        if waiver is None:
            messages.error(request, _("This action is no longer possible."))
            return redirect("application_detail", pk=application.pk)
        form = JudgmentForm(request.POST, prefix=f"judgment-{waiver.pk}", today=timezone.localdate())
        waiver.judgment_form = form
        self.status = 400
        if not form.is_valid():
            return None
        try:
            services.waiver_judgment_record(
                acting_user=request.user,
                waiver=waiver,
                date=form.cleaned_data["date"],
                losing_party=form.cleaned_data["losing_party"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return None
        except (Conflict, Forbidden) as exc:
            messages.error(request, exc.message)
            return redirect("application_detail", pk=application.pk)
        messages.success(request, _("The judgment was recorded: the deferred fee is settled."))
        return redirect(reverse("application_detail", args=[application.pk]) + "#fee-waivers")

    def _request(self) -> HttpResponse | None:
        request, application = self.request, self.application
        if self.request_form is None:
            messages.error(request, _("This action is no longer possible."))
            return redirect("application_detail", pk=application.pk)
        form = WaiverRequestForm(request.POST, institutions=self.institutions)
        self.request_form = form
        self.status = 400
        if not form.is_valid():
            return None
        try:
            fee_waiver_request(acting_user=request.user, application=application, **form.service_fields())
        except ValidationError as exc:
            add_errors(form, exc)
            return None
        except (Conflict, Forbidden) as exc:
            messages.error(request, exc.message)
            return redirect("application_detail", pk=application.pk)
        messages.success(request, _("The fee waiver was requested: the legal aid center reviews it."))
        return redirect(reverse("application_detail", args=[application.pk]) + "#fee-waivers")

    def context(self) -> dict[str, Any]:
        return {
            "waiver_block": {
                "shown": bool(self.waivers) or self.request_form is not None,
                "waivers": self.waivers,
                "form": self.request_form,
                "suggestions": SERVICE_SUGGESTIONS,
            }
        }


# --- the institutions' inbox ---------------------------------------------------------------------


def _open_confirm_tasks(user, waiver_ids: list[int]) -> dict[int, int]:
    """Each waiver's open ``confirm_waiver`` task the user holds or may take, by waiver id: two
    queries (their inbox, their queue) whatever the number of waivers."""
    if not waiver_ids:
        return {}
    waiver_type = ContentType.objects.get_for_model(FeeWaiver)
    found: dict[int, int] = {}
    for queryset in (tasks.tasks_inbox(user), tasks.tasks_queue(user)):
        rows = tasks.tasks_filter(queryset, name="confirm_waiver").filter(
            process__artifact_content_type=waiver_type, process__artifact_object_id__in=waiver_ids
        )
        for waiver_id, task_id in rows.values_list("process__artifact_object_id", "pk"):
            found.setdefault(int(waiver_id), task_id)
    return found


def waiver_inbox(request):
    """The fee waivers addressed to the user's notary office, forensic institution or court, by year,
    with the year's totals; 404 for anyone else (a police officer included: no fee to answer)."""
    institution_ids = selectors.user_institution_ids(request.user)
    if not institution_ids:
        raise Http404
    today = timezone.localdate()
    year = _year(request, today)
    institutions = list(Organisation.objects.filter(pk__in=institution_ids).order_by("name", "pk"))
    lines = selectors.institution_totals(year=year, institution_ids=institution_ids)
    totals = {
        "count": sum(line.count for line in lines),
        "standard_fees": sum((line.standard_fees for line in lines), Decimal("0.00")),
        "waived": sum((line.waived for line in lines), Decimal("0.00")),
        "deferred_open": sum(line.deferred_open for line in lines),
    }
    # the letter names the recipient and the case: the inbox may too, never a link to the case
    waivers = list(selectors.waivers_inbox(request.user, year=year).select_related("application__applicant"))
    open_tasks = _open_confirm_tasks(request.user, [w.pk for w in waivers])
    for waiver in waivers:
        waiver.overdue = selectors.deferral_overdue(waiver, today)
        waiver.task_id = open_tasks.get(waiver.pk)
    offices = [o for o in institutions if o.kind == OrganisationKind.NOTARY]
    return render(
        request,
        "waivers/inbox.html",
        {
            "year": year,
            "years": _years(today),
            "institutions": institutions,
            "several": len(institutions) > 1,
            "totals": totals,
            "waivers": waivers,
            "notary_duty": notary_duty_rows(offices, year=year),
            "to_record": sum(1 for w in waivers if w.task_id),
        },
    )


# --- public-interest notarisations ---------------------------------------------------------------


def _verify_prefix(notarisation: PublicInterestNotarisation) -> str:
    return f"verify-{notarisation.pk}"


def notarisations(request):
    """A notary office's staff log their public-interest notarisations and follow them; the judicial
    bureau verifies or rejects those of the offices in its regions. 404 for anyone else."""
    user = request.user
    office = selectors.user_notary_office(user)
    bureau = bool(user_center_ids(user, roles=(Role.BUREAU_OFFICER,)))
    if office is None and not bureau:
        raise Http404
    today = timezone.localdate()
    log_form = NotarisationForm(today=today) if office is not None else None
    visible = selectors.notarisations_visible_to(user).select_related("institution__region")
    own_offices = set(selectors.user_institution_ids(user))
    failed: dict[int, NotarisationVerifyForm] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "log" and log_form is not None:
            log_form = NotarisationForm(request.POST, today=today)
            status = 400
            if log_form.is_valid():
                try:
                    services.notarisation_log(acting_user=user, **log_form.cleaned_data)
                except ValidationError as exc:
                    add_errors(log_form, exc)
                except (Conflict, Forbidden) as exc:
                    messages.error(request, exc.message)
                    return redirect("notarisations")
                else:
                    messages.success(
                        request, _("The notarisation was logged: the judicial bureau verifies it.")
                    )
                    return redirect("notarisations")
        elif action == "verify" and bureau:
            row = visible.filter(pk=_int(request.POST.get("notarisation"))).first()
            if row is None:
                raise Http404
            form = NotarisationVerifyForm(request.POST, prefix=_verify_prefix(row))
            status = 400
            if form.is_valid():
                approve = form.cleaned_data["decision"] == "verify"
                try:
                    services.notarisation_verify(
                        acting_user=user,
                        notarisation=row,
                        approve=approve,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as exc:
                    add_errors(form, exc)
                except (Conflict, Forbidden) as exc:
                    messages.error(request, exc.message)
                    return redirect("notarisations")
                else:
                    messages.success(
                        request,
                        _("The notarisation was verified.")
                        if approve
                        else _("The notarisation was rejected."),
                    )
                    return redirect("notarisations")
            failed[row.pk] = form
        else:
            messages.error(request, _("This action is no longer possible."))
            return redirect("notarisations")
    page = Paginator(visible.order_by("-date", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    for row in page:
        # the bureau answers the pending ones of the offices it oversees (never its own office's)
        row.verify_form = None
        if bureau and row.status == NotarisationStatus.PENDING and row.institution_id not in own_offices:
            row.verify_form = failed.get(row.pk) or NotarisationVerifyForm(prefix=_verify_prefix(row))
    return render(
        request,
        "waivers/notarisations.html",
        {
            "office": office,
            "bureau": bureau,
            "log_form": log_form,
            "page": page,
            "year": today.year,
            "duty": notary_duty_rows([office], year=today.year) if office is not None else [],
        },
        status=status,
    )


def _int(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


# --- the procuratorate's public-interest filing ----------------------------------------------------


def _procuratorate_or_403(request) -> Organisation:
    procuratorate = filing_procuratorate(request.user)
    if procuratorate is None:
        # citizens, center staff, lawyers, other agencies: their role never files (403, not the form)
        raise PermissionDenied
    return procuratorate


def _filed_cases(user, procuratorate: Organisation) -> QuerySet[Application]:
    return (
        case_selectors.applications_visible_to(user)
        .filter(public_interest_filing__agency=procuratorate)
        .select_related("public_interest_filing")
        .order_by("-received_on", "-pk")
    )


def public_interest_new(request):
    """The procuratorate files environmental public-interest litigation with the forensic appraisal it
    needs; the fee is deferred until the judgment. The case page follows."""
    procuratorate = _procuratorate_or_403(request)
    institutions = waiver_institutions(FORENSIC_KINDS)
    form = PublicInterestForm(request.POST or None, agency=procuratorate, institutions=institutions)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                application, _waiver = public_interest_file(acting_user=request.user, **form.service_fields())
            except ValidationError as exc:
                add_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except Forbidden as exc:
                form.add_error(None, exc.message)
                status = 403
            else:
                messages.success(
                    request,
                    _(
                        "Filed under tracking number %(no)s: the legal aid center reviews the deferral of the "
                        "appraisal fee."
                    )
                    % {"no": application.tracking_no},
                )
                return redirect("application_detail", pk=application.pk)
    page = Paginator(_filed_cases(request.user, procuratorate), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "waivers/public_interest_form.html",
        {
            "form": form,
            "agency": procuratorate,
            "page": page,
            "suggestions": SERVICE_SUGGESTIONS["forensic"],
        },
        status=status,
    )
