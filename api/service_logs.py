"""Public-interest service logs (docs/api.md, Annual duty): a lawyer logs, the aid center verifies through
the ``verify_service_log`` task (docs/api.md, Tasks).

Thin views: what makes a log acceptable is ``assignments.services.service_logs``' to say; the
serializers only parse (hours and the date as text, a JSON number taken as its text) so that every
problem comes back at once from the service. Who sees a log is the same module's: the lawyer and the
verifying center's staff; anything else answers 404.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from assignments.choices import ServiceActivity, ServiceLogStatus
from assignments.models import ServiceLog
from assignments.services import service_logs
from core.errors import Forbidden
from workflows.service_logs import service_log_file

from .schema import ErrorOut
from .serializers import NumberAsTextField

TAGS = ["annual duty"]


@extend_schema_field({"type": "string", "pattern": r"^\d{1,2}(\.\d)?$", "example": "2.5"})
class HoursField(NumberAsTextField):
    """Hours as a decimal string ("2.5")."""


@extend_schema_field({"type": "string", "format": "date", "example": "2026-05-20"})
class LenientDateField(serializers.CharField):
    """A date as YYYY-MM-DD, read by the service (so its error comes with the others)."""


class ServiceLogIn(serializers.Serializer):
    activity = serializers.CharField(max_length=64, allow_blank=True, help_text="`ServiceActivity`.")
    date = LenientDateField(max_length=32, allow_blank=True)
    hours = HoursField(
        max_length=32, allow_blank=True, help_text="More than 0, at most 24 a day, one decimal at most."
    )
    organiser = serializers.CharField(
        max_length=1000, allow_blank=True, help_text="The organising unit (at most 200 characters)."
    )
    description = serializers.CharField(max_length=10000, allow_blank=True)
    lawyer_id = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Optional: the caller's own lawyer id. Another lawyer's → 400 (a log is always one's own).",
    )


class ServiceLogUploadIn(ServiceLogIn):
    evidence = serializers.FileField(
        required=False, allow_null=True, help_text="Optional: a PDF, JPEG or PNG, at most 10 MB."
    )


class ServiceLogCreatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ServiceLogStatus.choices)


class RefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ServiceLogOut(serializers.Serializer):
    id = serializers.IntegerField()
    lawyer = RefOut()
    firm = RefOut()
    center = RefOut(help_text="The verifying aid center: the center of the firm's region.")
    activity = serializers.ChoiceField(choices=ServiceActivity.choices)
    date = serializers.DateField()
    hours = serializers.CharField(help_text='A decimal string, e.g. "2.5".')
    organiser = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=ServiceLogStatus.choices)
    reason = serializers.CharField(help_text="The center's reasons for rejecting; empty otherwise.")
    evidence = serializers.CharField(
        allow_null=True, help_text="The URL of the evidence (`.../evidence/`), or null when none."
    )
    logged_at = serializers.DateTimeField()
    verified_at = serializers.DateTimeField(allow_null=True)


def service_log_out(log: ServiceLog) -> dict:
    return {
        "id": log.pk,
        "lawyer": {"id": log.provider_id, "name": log.provider.name},
        "firm": {"id": log.organisation_id, "name": log.organisation.name},
        "center": {"id": log.center_id, "name": log.center.name},
        "activity": log.activity,
        "date": log.date,
        "hours": f"{log.hours:.1f}",
        "organiser": log.organiser,
        "description": log.description,
        "status": log.status,
        "reason": log.reason,
        "evidence": f"/api/v1/service-logs/{log.pk}/evidence/" if log.evidence else None,
        "logged_at": log.logged_at,
        "verified_at": log.verified_at,
    }


class ServiceLogListQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    status = serializers.ChoiceField(choices=ServiceLogStatus.choices, required=False)


class ServiceLogListCreate(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ServiceLogOut

    @extend_schema(
        tags=TAGS,
        parameters=[ServiceLogListQuery],
        responses={200: ServiceLogOut(many=True)},
        description=(
            "The logs the caller may see, newest first: a lawyer's own; an aid center's staff, those their "
            "center verifies. `year` and `status` narrow the list."
        ),
    )
    def get(self, request):
        query = ServiceLogListQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        logs = service_logs.service_logs_visible_to(request.user)
        if "year" in query.validated_data:
            logs = logs.filter(date__year=query.validated_data["year"])
        if "status" in query.validated_data:
            logs = logs.filter(status=query.validated_data["status"])
        page = self.paginate_queryset(logs.order_by("-date", "-pk"))
        return self.get_paginated_response([service_log_out(log) for log in page])

    @extend_schema(
        tags=TAGS,
        request={"application/json": ServiceLogIn, "multipart/form-data": ServiceLogUploadIn},
        responses={201: ServiceLogCreatedOut, 403: ErrorOut, 409: ErrorOut},
        description=(
            "A lawyer at a law firm logs public-interest legal service of their own (no one logs for "
            "another: other roles → 403). The aid center of the firm's region verifies it through the "
            "`verify_service_log` task; only verified hours count toward the annual duty. 400, nothing "
            "saved: an unknown activity; hours of 0 or less, above 24, not a number or with more than one "
            "decimal; a date in the future or before 2022; no organiser or description; a day that would "
            "exceed 24 hours with the lawyer's other logs, case notes and duty-lawyer days; a duty-lawyer "
            "day the center has already recorded. Multipart adds an optional `evidence` file."
        ),
    )
    def post(self, request):
        if service_logs.lawyer_of(request.user) is None:  # before parsing: the role may never log
            raise Forbidden(
                _("Only a lawyer at a law firm logs public-interest legal service, and only their own.")
            )
        form = ServiceLogUploadIn(data=request.data)
        form.is_valid(raise_exception=True)
        log = service_log_file(acting_user=request.user, **form.validated_data)
        return Response({"id": log.pk, "status": log.status}, status=status.HTTP_201_CREATED)


def _visible(request, pk: int) -> ServiceLog:
    try:
        return service_logs.service_log_get(user=request.user, pk=pk)
    except ServiceLog.DoesNotExist as exc:
        raise Http404 from exc


class ServiceLogDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses={200: ServiceLogOut})
    def get(self, request, pk: int):
        return Response(service_log_out(_visible(request, pk)))


class ServiceLogEvidence(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        responses={
            (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="PDF"),
            (200, "image/jpeg"): OpenApiResponse(response=OpenApiTypes.BINARY, description="JPEG"),
            (200, "image/png"): OpenApiResponse(response=OpenApiTypes.BINARY, description="PNG"),
        },
        description="The log's evidence, to the lawyer and the verifying center's staff; 404 when none.",
    )
    def get(self, request, pk: int):
        log = _visible(request, pk)
        evidence = service_logs.service_log_evidence_file(log)
        if evidence is None:
            raise Http404
        handle, content_type, filename = evidence
        response = FileResponse(handle, content_type=content_type, filename=filename)
        response["Cache-Control"] = "private, no-store"
        return response
