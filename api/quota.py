"""Annual duty (docs/api.md, Annual duty): the notary offices' public-interest notarisations, each lawyer's
duty and each law firm's compliance, and the reports (a firm's annual-inspection report as PDF or XLSX, a
lawyer's certificate). Thin views: the figures, the rule and who sees what are ``assignments.quota``'s,
the files ``assignments.reports``' (the pages and reports call the same functions, so the figures agree)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from assignments import quota, reports
from assignments.choices import DutyStatus
from core.errors import Forbidden
from core.site import site_base_url
from documents.services import document_pdf
from waivers import selectors
from waivers.duty import IN_PROGRESS, MET, NOT_MET
from workflows.services import notary_duty_rows

from .schema import ErrorOut, ValidationErrorOut


class YearIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


class NotaryDutyOut(serializers.Serializer):
    institution_id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="Fee-waived notarisations completed and logged ones verified.")
    waived = serializers.IntegerField()
    logged = serializers.IntegerField()
    minimum = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[MET, IN_PROGRESS, NOT_MET])


class NotaryDutyList(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = NotaryDutyOut

    @extend_schema(
        tags=["annual duty"],
        parameters=[YearIn],
        responses={200: NotaryDutyOut(many=True), 403: ErrorOut},
        description=(
            "Each notary office's public-interest notarisations of the year (4 a year unless the year's "
            "duty rule says otherwise): a notary office's staff see their own office, a judicial bureau "
            "the offices of its regions. Other roles → 403."
        ),
    )
    def get(self, request):
        offices = selectors.notary_offices_for_duty(request.user)
        if offices is None:
            raise Forbidden(_("Only notary offices and the judicial bureau see the notaries' annual duty."))
        params = YearIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        year = params.validated_data.get("year") or timezone.localdate().year
        page = self.paginate_queryset(offices)
        rows = notary_duty_rows(page, year=year)
        return self.get_paginated_response(
            [{k: v for k, v in r.items() if k not in ("office", "met")} for r in rows]
        )


# --- the lawyers' duty and the firms' compliance (assignments.quota) -------------------------------


class LawyerDutyIn(YearIn):
    firm = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="Only this law firm's lawyers; a firm the caller does not see → 404.",
    )


def _hours_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=9, decimal_places=1, coerce_to_string=True, **kwargs)


class LawyerDutyOut(serializers.Serializer):
    lawyer_id = serializers.IntegerField()
    name = serializers.CharField()
    firm_id = serializers.IntegerField()
    firm_name = serializers.CharField()
    cases = serializers.IntegerField(
        help_text="Aid cases counted in the year, duty-lawyer days converted by the year's rule included."
    )
    hours = _hours_field(
        help_text='Verified public-interest hours of the year and duty-lawyer hours not converted, e.g. "50.0".'
    )
    status = serializers.ChoiceField(choices=DutyStatus.choices)
    minimum_cases = serializers.IntegerField(help_text="The year's minimum, after pro-rating.")
    minimum_hours = _hours_field(help_text="The year's minimum, after pro-rating.")
    missing_cases = serializers.IntegerField(help_text="0 when met or exempt.")
    missing_hours = _hours_field(help_text='"0.0" when met or exempt.')
    missing = serializers.CharField(help_text="What is still missing, in words; empty when nothing is.")


def _lawyer_out(row: quota.LawyerDuty) -> dict:
    result = row.result
    return {
        "lawyer_id": row.lawyer_id,
        "name": row.name,
        "firm_id": row.firm_id,
        "firm_name": row.firm_name,
        "cases": result.cases,
        "hours": result.hours,
        "status": result.status,
        "minimum_cases": result.min_cases,
        "minimum_hours": result.min_hours,
        "missing_cases": result.missing_cases,
        "missing_hours": result.missing_hours,
        "missing": result.missing,
    }


class NotMetOut(serializers.Serializer):
    lawyer_id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=[DutyStatus.IN_PROGRESS, DutyStatus.NOT_MET])
    missing = serializers.CharField()


class FirmDutyOut(serializers.Serializer):
    firm_id = serializers.IntegerField()
    name = serializers.CharField()
    region = serializers.CharField(help_text="The firm's region code.")
    lawyers = serializers.IntegerField()
    met = serializers.IntegerField()
    exempt = serializers.IntegerField(
        help_text="Lawyers exempted this year (counted in lawyers, not in met)."
    )
    compliance_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=True, help_text='met ÷ lawyers, e.g. "0.7500".'
    )
    not_met = NotMetOut(
        many=True, help_text="The lawyers who have not met the duty (yet), with what is missing."
    )


def _year(params: dict) -> int:
    return params.get("year") or timezone.localdate().year


class LawyerDutyList(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = LawyerDutyOut

    @extend_schema(
        tags=["annual duty"],
        parameters=[LawyerDutyIn],
        responses={200: LawyerDutyOut(many=True), 403: ErrorOut, 404: ErrorOut},
        description=(
            "Each lawyer's annual public-interest duty (2 aid cases or 50 hours unless the year's rule says "
            "otherwise): met, in_progress (the year is not over), not_met or exempt. A lawyer sees their own "
            "row, a firm administrator the firm's lawyers, a judicial bureau the lawyers of the firms of its "
            "regions. Other roles → 403."
        ),
    )
    def get(self, request):
        scope = quota.duty_scope_for(request.user)
        if scope is None:
            raise Forbidden(
                _("Only lawyers, law firms and the judicial bureau see the lawyers' annual duty.")
            )
        params = LawyerDutyIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        year = _year(params.validated_data)
        firm_id = params.validated_data.get("firm")
        if firm_id is not None and not quota.duty_firm_visible(scope, firm_id):
            raise Http404
        lawyers = quota.duty_lawyers_visible(scope, year=year, firm_id=firm_id).values_list("pk", flat=True)
        page = self.paginate_queryset(lawyers)
        rows = quota.lawyer_duty_rows(year=year, provider_ids=page)
        return self.get_paginated_response(LawyerDutyOut([_lawyer_out(row) for row in rows], many=True).data)


class FirmDutyList(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FirmDutyOut

    @extend_schema(
        tags=["annual duty"],
        parameters=[YearIn],
        responses={200: FirmDutyOut(many=True), 403: ErrorOut},
        description=(
            "Each law firm's compliance with the lawyers' annual duty: its lawyers, how many met it and "
            "met ÷ lawyers with 4 places. A firm administrator sees their firm, a judicial bureau the firms "
            "of its regions; firms without a lawyer with a duty that year are not listed. Lawyers and "
            "other roles → 403."
        ),
    )
    def get(self, request):
        scope = quota.duty_scope_for(request.user)
        if scope is None or not scope.sees_firms:
            raise Forbidden(_("Only law firms and the judicial bureau see the firms' annual duty."))
        params = YearIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        year = _year(params.validated_data)
        page = self.paginate_queryset(quota.duty_firms_visible(scope, year=year).select_related("region"))
        figures = {
            firm.firm_id: firm for firm in quota.firm_duty_rows(year=year, firm_ids=[f.pk for f in page])
        }
        out = []
        for firm in page:
            duty = figures.get(firm.pk)
            if duty is None:  # its last lawyer left between the two reads
                continue
            out.append(
                {
                    "firm_id": firm.pk,
                    "name": firm.name,
                    "region": firm.region.code,
                    "lawyers": duty.lawyers,
                    "met": duty.met,
                    "exempt": duty.exempt,
                    "compliance_rate": duty.compliance_rate,
                    "not_met": [
                        {
                            "lawyer_id": r.lawyer_id,
                            "name": r.name,
                            "status": r.status,
                            "missing": r.result.missing,
                        }
                        for r in duty.not_met
                    ],
                }
            )
        return self.get_paginated_response(FirmDutyOut(out, many=True).data)


# --- the reports: a firm's annual-inspection report (PDF, XLSX) and a lawyer's certificate -----------


class AnyAccept(BaseContentNegotiation):
    """The reports answer whatever the Accept header says (docs/api.md): a file is a file, and a client
    asking for JSON, a PDF or ``*/*`` gets the same bytes. Errors still come as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


REPORT_FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _file(content: bytes, *, media_type: str, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _report_view(fmt: str):
    media_type = REPORT_FORMATS[fmt]
    if fmt == "pdf":
        what = (
            "The firm's annual-inspection report of public-interest legal service (年度检查公益法律服务情况表) "
            "as an issued PDF with a verification code and QR code: the firm, the year, the rule applied, "
            "its lawyers, how many met the duty, the compliance rate and one row per lawyer. The same "
            "report asked again the same day, with the same figures, is the same document."
        )
    else:
        what = (
            "The firm's lawyers' annual duty as an Excel workbook: a heading (firm, year, rule, lawyers, "
            "met, compliance rate) and one row per lawyer (lawyer, licence number, cases, hours, "
            "duty-lawyer days, status, what is still missing)."
        )

    class FirmReport(APIView):
        permission_classes = [IsAuthenticated]
        content_negotiation_class = AnyAccept

        @extend_schema(
            tags=["annual duty"],
            operation_id=f"quota_firms_report_{fmt}",
            parameters=[YearIn],
            responses={
                (200, media_type): OpenApiResponse(response=OpenApiTypes.BINARY, description=fmt.upper()),
                400: ValidationErrorOut,
                403: ErrorOut,
                404: ErrorOut,
            },
            description=(
                f"{what} Answers whatever the Accept header says. A firm administrator gets their firm's, a "
                "judicial bureau those of the firms of its regions; a firm the caller does not see → 404; "
                "lawyers and other roles → 403."
            ),
        )
        def get(self, request, pk: int):
            scope = quota.duty_scope_for(request.user)
            if scope is None or not scope.sees_firms:
                raise Forbidden(_("Only law firms and the judicial bureau see the firms' annual duty."))
            firm = quota.duty_firms_visible(scope).filter(pk=pk).select_related("region").first()
            if firm is None:
                raise Http404
            params = YearIn(data=request.query_params)
            params.is_valid(raise_exception=True)
            year = _year(params.validated_data)
            content = reports.firm_report_content(
                acting_user=request.user, firm=firm, year=year, fmt=fmt, base_url=site_base_url(request)
            )
            return _file(
                content,
                media_type=media_type,
                filename=reports.report_filename(firm_name=firm.name, year=year, extension=fmt),
                fallback=f"duty-report-{firm.pk}-{year}.{fmt}",
            )

    FirmReport.__name__ = FirmReport.__qualname__ = f"FirmReport{fmt.capitalize()}"
    return FirmReport


FirmReportPdf = _report_view("pdf")
FirmReportXlsx = _report_view("xlsx")


class LawyerCertificate(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = AnyAccept

    @extend_schema(
        tags=["annual duty"],
        parameters=[YearIn],
        responses={
            (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="PDF"),
            400: ValidationErrorOut,
            403: ErrorOut,
            404: ErrorOut,
            409: ErrorOut,
        },
        description=(
            "A lawyer's certificate of public-interest legal service for a year they met the duty, as an "
            "issued PDF with a verification code (the same day and figures: the same document). The lawyer, "
            "their firm's administrators and the judicial bureau of its regions may ask; a lawyer the caller "
            "does not see → 404; a year not met (in progress, not met, exempt) → 409 saying why. Answers "
            "whatever the Accept header says."
        ),
    )
    def get(self, request, pk: int):
        scope = quota.duty_scope_for(request.user)
        if scope is None:
            raise Forbidden(
                _("Only lawyers, law firms and the judicial bureau see the lawyers' annual duty.")
            )
        params = YearIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        year = _year(params.validated_data)
        lawyer = (
            quota.duty_lawyers_visible(scope, year=year)
            .filter(pk=pk)
            .select_related("organisation__region")
            .first()
        )
        if lawyer is None:
            raise Http404
        document = reports.lawyer_certificate_issue(
            acting_user=request.user, lawyer=lawyer, year=year, base_url=site_base_url(request)
        )
        with document_pdf(document=document) as handle:
            content = handle.read()
        return _file(
            content,
            media_type="application/pdf",
            filename=reports.certificate_filename(lawyer_name=lawyer.name, year=year),
            fallback=f"duty-certificate-{lawyer.pk}-{year}.pdf",
        )
