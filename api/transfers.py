"""``POST /api/v1/applications/{id}/transfer/`` (docs/api.md, Intake across the city): a reviewer of the
center holding an application passes it on to the competent center (Art 38; 市域通办).

Thin: whether the transfer is possible is ``aid_cases.services.transfers``' to say (the serializer only
parses, leniently, so a missing reason and a missing center come back together in the service's
words); ``workflows.transfers`` moves the review task and issues the transfer letter with it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aid_cases import selectors
from aid_cases.choices import Status
from aid_cases.models import Application
from core.site import site_base_url
from workflows.transfers import application_transfer_step

from . import serializers as s
from .errors import django_validation_error_dict
from .fee_waivers import LetterOut  # {"code", "url"}: one component in the schema for every letter


class TransferIn(serializers.Serializer):
    center_id = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text="The active legal aid center to transfer to (GET /api/v1/centers/); not the current one.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        max_length=20000,
        help_text="Why the application is transferred (required, at most 2000 characters).",
    )


class TransferOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The application's id.")
    tracking_no = serializers.CharField(help_text="Unchanged by the transfer.")
    status = serializers.ChoiceField(choices=Status.choices)
    region = serializers.CharField(help_text="The application's region: the receiving center's.")
    center = s.OrganisationSerializer(help_text="The receiving center, which now reviews the application.")
    received_on = serializers.DateField(help_text="The first receipt, unchanged by the transfer.")
    decision_due = serializers.DateField(allow_null=True)
    transfer_letter = LetterOut(help_text="The transfer letter (法律援助申请转交函).")


# The service names the center after the model's field; the request body calls it center_id.
_RENAMED = {"to_center": "center_id"}


class ApplicationTransferView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["applications"],
        request=TransferIn,
        responses={200: TransferOut},
        description=(
            "A reviewer or director of the center holding the application transfers it to another aid "
            "center, with the reason, while it is `submitted` or `under_review` (claimed or not). The review "
            "task moves to that center's queue, the tracking number and the first receipt stay, a "
            "`transfer_letter` is issued. The same center, an unknown center or no reason → 400; not in "
            "review → 409; other roles that see the application (the applicant, a clerk) → 403; 404 when "
            "the caller may not see it. Afterwards the transferring center no longer sees the case."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        try:
            application = selectors.application_get(user=request.user, pk=pk)
        except Application.DoesNotExist as exc:
            raise Http404 from exc
        form = TransferIn(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            transfer, letter = application_transfer_step(
                acting_user=request.user,
                application=application,
                to_center=form.validated_data["center_id"],
                reason=form.validated_data["reason"],
                base_url=site_base_url(request),
            )
        except DjangoValidationError as exc:
            errors = django_validation_error_dict(exc)
            raise serializers.ValidationError({_RENAMED.get(k, k): v for k, v in errors.items()}) from exc
        return Response(
            {
                "id": application.pk,
                "tracking_no": application.tracking_no,
                "status": application.status,
                "region": application.region.code,
                "center": s.OrganisationSerializer(transfer.to_center).data,
                "received_on": application.received_on,
                "decision_due": application.decision_due,
                "transfer_letter": {"code": letter.code, "url": f"/api/v1/documents/{letter.code}/"},
            }
        )
