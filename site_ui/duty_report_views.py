"""Downloads of the annual-duty reports (docs/domain.md §6, annual duty): a firm's report as PDF, XLSX or
CSV and a lawyer's certificate.

Thin: the figures and documents are ``assignments.reports``' (from ``assignments.quota``, as the pages and
the API), who sees what is ``quota.duty_scope_for``'s. A firm's report goes to the firm's administrators
and the judicial bureau of its regions (not to its lawyers, who see only their own row); a certificate to
the lawyer and to those who see the lawyer's row. Anyone else gets 404, as for something that is not
there. A certificate for a year not met is not issued: the page the link came from says why.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assignments import quota, reports
from core.errors import Conflict
from core.site import site_base_url
from documents.services import document_pdf

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FIRST_YEAR, LAST_YEAR = 2000, 2100  # as the API's year parameter


def report_year(raw: str | None) -> int:
    """The ``?year=`` of a download: this year when absent or empty, else a year 2000–2100;
    ``ValidationError`` for anything else."""
    raw = (raw or "").strip()
    if not raw:
        return timezone.localdate().year
    if not (raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR):
        raise ValidationError(
            _("The year must be a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return int(raw)


def content_disposition(filename: str, *, fallback: str) -> str:
    """An attachment with a Chinese file name: ``filename*`` (RFC 6266/5987) for the browsers, an ASCII
    ``filename`` for the rest."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(content: bytes, *, fmt: str, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    # names and figures of people: never in a shared cache
    response["Cache-Control"] = "private, no-store"
    return response


def _bad_year(exc: ValidationError) -> HttpResponse:
    return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain; charset=utf-8")


@require_GET
def firm_report(request, pk: int, fmt: str):
    """``duty/firms/<pk>/report.<pdf|xlsx|csv>?year=``: the firm's report of the year."""
    if fmt not in FORMATS:
        raise Http404
    scope = quota.duty_scope_for(request.user)
    if scope is None or not scope.sees_firms:
        raise Http404
    firm = quota.duty_firms_visible(scope).filter(pk=pk).select_related("region").first()
    if firm is None:
        raise Http404
    try:
        year = report_year(request.GET.get("year"))
    except ValidationError as exc:
        return _bad_year(exc)
    filename = reports.report_filename(firm_name=firm.name, year=year, extension=fmt)
    fallback = f"duty-report-{firm.pk}-{year}.{fmt}"
    content = reports.firm_report_content(
        acting_user=request.user, firm=firm, year=year, fmt=fmt, base_url=site_base_url(request)
    )
    return download(content, fmt=fmt, filename=filename, fallback=fallback)


@require_GET
def lawyer_certificate(request, pk: int):
    """``duty/lawyers/<pk>/certificate.pdf?year=``: the lawyer's certificate of public-interest legal
    service, for a year met; otherwise back to the page the link was on, with the reason."""
    scope = quota.duty_scope_for(request.user)
    if scope is None:
        raise Http404
    try:
        year = report_year(request.GET.get("year"))
    except ValidationError as exc:
        return _bad_year(exc)
    lawyer = (
        quota.duty_lawyers_visible(scope, year=year)
        .filter(pk=pk)
        .select_related("organisation__region")
        .first()
    )
    if lawyer is None:
        raise Http404
    try:
        document = reports.lawyer_certificate_issue(
            acting_user=request.user, lawyer=lawyer, year=year, base_url=site_base_url(request)
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(_back(request))
    with document_pdf(document=document) as handle:
        content = handle.read()
    return download(
        content,
        fmt="pdf",
        filename=reports.certificate_filename(lawyer_name=lawyer.name, year=year),
        fallback=f"duty-certificate-{lawyer.pk}-{year}.pdf",
    )


def _back(request) -> str:
    """The page the link was on when it is this site's, else the home page."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return reverse("home")
