"""Notified defence API (docs/api.md, Notified defence): an agency's notice, and the unit's own notices.

Thin views: what makes a notice acceptable is ``aid_cases.services.notification``'s to say; the
serializers only parse and publish the shapes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from aid_cases.choices import NotifiedGround, ProceedingStage, Status
from aid_cases.models import DefenceNotification
from aid_cases.services.notification import notifications_for, user_may_notify
from core.errors import Forbidden
from core.site import site_base_url
from workflows.notifications import notification_file

from . import serializers as s
from .errors import nested_errors
from .schema import ErrorOut

TAGS = ["notified defence"]


def _forbidden() -> Forbidden:
    return Forbidden(
        _("Only the officers of a court, procuratorate or police unit notify the center of a defence.")
    )


# Codes typed as enums in the schema, but checked by the service, so that every problem with a
# notice comes back at once with the service's own message (not one list index at a time).
@extend_schema_field({"type": "string", "enum": NotifiedGround.values})
class _GroundField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": ProceedingStage.values})
class _StageField(serializers.CharField):
    pass


class NotificationPersonIn(serializers.Serializer):
    # Every key the contract names must be present; whether a value is acceptable (a blank name,
    # an empty list of grounds) the service says, together with every other problem of the notice.
    name = serializers.CharField(max_length=200, allow_blank=True)
    id_number = s.id_number_field(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="Null when the person's resident ID number is not known.",
    )
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Used when there is no ID number; with one, it must match the ID number's date.",
    )


class NotificationIn(serializers.Serializer):
    agency_case_no = serializers.CharField(
        max_length=200, allow_blank=True, help_text="The agency's own case number."
    )
    received_at = serializers.DateTimeField(
        help_text="When the center received the notice (ISO 8601; without a zone: Beijing time)."
    )
    region = serializers.CharField(
        max_length=32,
        allow_blank=True,
        help_text="The region whose aid center handles the case, e.g. zhushan.",
    )
    person = NotificationPersonIn()
    grounds = serializers.ListField(
        child=_GroundField(max_length=32),
        max_length=len(NotifiedGround.values) * 2,
        help_text="`minor` is added when the person was under 18 on the day of receipt.",
    )
    charge = serializers.CharField(max_length=2000, allow_blank=True)
    stage = _StageField(max_length=32)


class NotificationCreatedOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The case's application id.")
    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    assign_due = serializers.DateField(allow_null=True)


class NotificationProviderOut(serializers.Serializer):
    name = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")


class NotificationOut(serializers.ModelSerializer):
    id = serializers.IntegerField(source="application_id", help_text="The case's application id.")
    tracking_no = serializers.CharField(source="application.tracking_no")
    grounds = serializers.ListField(child=serializers.ChoiceField(choices=NotifiedGround.choices))
    status = serializers.ChoiceField(source="application.status", choices=Status.choices)
    assign_due = serializers.DateField(source="application.assign_due", allow_null=True)
    provider = NotificationProviderOut(
        source="application.provider",
        allow_null=True,
        help_text="The provider handling the case, once they have accepted it.",
    )

    class Meta:
        model = DefenceNotification
        fields = [
            "id",
            "tracking_no",
            "agency_case_no",
            "received_at",
            "grounds",
            "stage",
            "status",
            "assign_due",
            "provider",
        ]


# The service names the person's errors after the form's fields; the API nests them as its body.
_NESTED_ERRORS = {
    "person_name": ("person", "name"),
    "person_id_number": ("person", "id_number"),
    "person_birth_date": ("person", "birth_date"),
}


def notification_errors(exc: DjangoValidationError) -> dict:
    return nested_errors(exc, _NESTED_ERRORS)


class NotificationListCreate(generics.ListAPIView):
    """An agency officer notifies the center (通知辩护), and lists the notices of their unit."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationOut

    def get_queryset(self):
        return notifications_for(self.request.user)

    @extend_schema(
        tags=TAGS,
        responses={200: NotificationOut(many=True), 403: ErrorOut},
        description=(
            "The notices of the caller's unit (court, procuratorate or police), newest first, each with its "
            "case's status, the assignment's due date and, once accepted, the provider. Other roles → 403."
        ),
    )
    def get(self, request, *args, **kwargs):
        if not user_may_notify(request.user):
            raise _forbidden()
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        request=NotificationIn,
        responses={201: NotificationCreatedOut},
        description=(
            "An agency officer notifies the center of a suspect or defendant who must be defended (Legal Aid "
            "Law Arts 25, 28). The notice makes a case (its `id` is an application id) that skips the means "
            "test and goes straight to assignment, due 3 days after receipt (a period ending on a rest day "
            "ends on the next working day). `compulsory_treatment`, `death_review` and `other_ordinary` are "
            "a court's grounds. Other roles → 403; bad input → 400, nothing saved; the same unit, case "
            "number and stage again → 409."
        ),
    )
    def post(self, request):
        if not user_may_notify(request.user):
            raise _forbidden()  # before parsing: a role that may never notify learns nothing more
        form = NotificationIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            application = notification_file(
                acting_user=request.user,
                base_url=site_base_url(request),
                agency_case_no=data["agency_case_no"],
                received_at=data["received_at"],
                region=data["region"],
                person=dict(data["person"]),
                grounds=data["grounds"],
                charge=data["charge"],
                stage=data["stage"],
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(notification_errors(exc)) from exc
        return Response(
            {
                "id": application.pk,
                "tracking_no": application.tracking_no,
                "status": application.status,
                "assign_due": application.assign_due,
            },
            status=status.HTTP_201_CREATED,
        )
