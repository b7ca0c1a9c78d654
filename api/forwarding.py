"""Forwarded requests API (docs/api.md, Intake across the city): a detainee's application forwarded by
the unit holding them (Legal Aid Law Art 39), and the list of what the caller's unit forwarded.

Thin views: what makes a forward acceptable is ``aid_cases.services.forwarding``'s to say; the
serializers only parse and publish the shapes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from aid_cases.choices import Status
from aid_cases.means import DefenceReason
from aid_cases.models import ForwardedRequest
from aid_cases.services import MatterData
from aid_cases.services.forwarding import forwarded_requests_for, forwarding_forbidden, user_may_forward
from core.site import site_base_url
from directory.selectors import user_center_ids
from workflows.forwarding import forwarded_request_file

from . import serializers as s
from .applications import MatterIn
from .errors import nested_errors
from .schema import ErrorOut

TAGS = ["forwarded requests"]


def _may_list(user) -> bool:
    """The forwarding units' officers, and the centers' staff (who receive the forwards)."""
    return user.is_superuser or user_may_forward(user) or bool(user_center_ids(user))


class ForwardedPersonIn(serializers.Serializer):
    # Whether a value is acceptable (a blank name) the service says, with every other problem at once.
    name = serializers.CharField(max_length=200, allow_blank=True)
    id_number = s.id_number_field(help_text="The person's resident ID number.")


class ForwardedRequestIn(serializers.Serializer):
    received_at = serializers.DateTimeField(
        help_text=(
            "When the unit received the person's request (ISO 8601; without a zone: Beijing time). The "
            "unit forwards within 24 hours of it (Art 39)."
        )
    )
    region = serializers.CharField(
        max_length=32, allow_blank=True, help_text="The region whose aid center reviews the request."
    )
    person = ForwardedPersonIn()
    matter = MatterIn()
    # Art 24: a criminal defence says why a defender is sought; the service requires it there only.
    defence_reason = serializers.ChoiceField(
        choices=DefenceReason.choices, required=False, allow_null=True, allow_blank=True, default=None
    )
    place = serializers.CharField(
        max_length=400, allow_blank=True, help_text="Where the person is held (at most 200 characters)."
    )
    unit_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "For an officer of several units: the unit forwarding (one of the caller's own). Omitted: "
            "the caller's first unit."
        ),
    )


class ForwardedCreatedOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The application id.")
    tracking_no = serializers.CharField()
    forwarded_late = serializers.BooleanField(
        help_text="Forwarded more than 24 hours after the unit received the request (Art 39)."
    )


class ForwardingUnitOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ForwardedRequestOut(serializers.ModelSerializer):
    id = serializers.IntegerField(source="application_id", help_text="The application id.")
    tracking_no = serializers.CharField(source="application.tracking_no")
    status = serializers.ChoiceField(source="application.status", choices=Status.choices)
    unit = ForwardingUnitOut()

    class Meta:
        model = ForwardedRequest
        fields = [
            "id",
            "tracking_no",
            "status",
            "received_at",
            "forwarded_at",
            "forwarded_late",
            "unit",
            "place",
        ]


# The service names its errors after the form's fields; the API nests them as its body is nested.
_NESTED_ERRORS = {
    "person_name": ("person", "name"),
    "person_id_number": ("person", "id_number"),
    "matter_category": ("matter", "category"),
    "matter_type": ("matter", "type"),
    "matter_summary": ("matter", "summary"),
    "opposing_party": ("matter", "opposing_party"),
}


def forwarding_errors(exc: DjangoValidationError) -> dict:
    return nested_errors(exc, _NESTED_ERRORS)


class ForwardedRequestListCreate(generics.ListAPIView):
    """A unit holding a person forwards their application (Art 39), and lists what it forwarded."""

    permission_classes = [IsAuthenticated]
    serializer_class = ForwardedRequestOut

    def get_queryset(self):
        return forwarded_requests_for(self.request.user)

    @extend_schema(
        tags=TAGS,
        responses={200: ForwardedRequestOut(many=True), 403: ErrorOut},
        description=(
            "The requests forwarded by the caller's units (a detention center's officers; a police unit's, "
            "procuratorate's or court's), or, for a legal aid center's staff, those their center received; "
            "newest first, each with its application's status and whether it was forwarded late. Other "
            "roles → 403."
        ),
    )
    def get(self, request, *args, **kwargs):
        if not _may_list(request.user):
            raise forwarding_forbidden()
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        request=ForwardedRequestIn,
        responses={201: ForwardedCreatedOut},
        description=(
            "A detention officer, or the agency officer of a police unit, procuratorate or court holding the "
            "person, forwards a person in custody's application for legal aid (Legal Aid Law Art 39). It "
            "becomes an application (`id`) that the region's center reviews like any other, its period "
            "counted from this forward; a receipt is issued. `forwarded_late` is true when it is forwarded "
            "more than 24 hours (clock hours, weekends included) after `received_at`. Other roles → 403; "
            "bad input, or a `unit_id` that is not one of the caller's units → 400, nothing saved."
        ),
    )
    def post(self, request):
        if not user_may_forward(request.user):
            raise forwarding_forbidden()  # before parsing: a role that may never forward learns nothing more
        form = ForwardedRequestIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            application = forwarded_request_file(
                acting_user=request.user,
                base_url=site_base_url(request),
                unit_id=data["unit_id"],
                received_at=data["received_at"],
                region=data["region"],
                person_name=data["person"]["name"],
                person_id_number=data["person"]["id_number"],
                matter=MatterData(**data["matter"]),
                defence_reason=data["defence_reason"] or "",
                place=data["place"],
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(forwarding_errors(exc)) from exc
        return Response(
            {
                "id": application.pk,
                "tracking_no": application.tracking_no,
                "forwarded_late": application.forwarded_request.forwarded_late,
            },
            status=status.HTTP_201_CREATED,
        )
