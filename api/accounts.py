"""Citizen registration over the API: ``POST /api/v1/auth/register/`` (API.md, Conventions).

The view only parses; ``directory.registration`` holds the rules and the throttle, shared with
the site's ``/accounts/register/``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from directory import registration
from directory.validators import MOBILE_PATTERN, RESIDENT_ID_PATTERN


@extend_schema_field(
    {"type": "string", "pattern": RESIDENT_ID_PATTERN, "minLength": 18, "maxLength": 18},
)
class IdNumberField(serializers.CharField):
    """A resident ID number; the service checks its birth date and check digit."""


@extend_schema_field({"type": "string", "pattern": MOBILE_PATTERN, "minLength": 11, "maxLength": 11})
class MobileField(serializers.CharField):
    """A mainland mobile number; the service checks its form."""


class RegisterRequestSerializer(serializers.Serializer):
    # Generous lengths: the service gives the specific message for anything else.
    name = serializers.CharField(max_length=64)
    id_number = IdNumberField(max_length=32)
    phone = MobileField(max_length=32)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class RegisterResponseSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The login name: the mobile phone number.")


class FieldErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class RegistrationThrottle(BaseThrottle):
    """DRF's face of ``directory.registration.registration_attempt`` (rate: scope ``register``)."""

    scope = registration.THROTTLE_SCOPE

    def allow_request(self, request, view) -> bool:
        try:
            registration.registration_attempt(address=request.META.get("REMOTE_ADDR", ""))
        except registration.RegistrationThrottled as exc:
            self._wait = exc.wait
            return False
        return True

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class RegisterView(APIView):
    """Register a citizen's account; the mobile phone number becomes the login name."""

    permission_classes = [AllowAny]
    # No session: a public form needs no CSRF token, and a logged-in caller registers no one else.
    authentication_classes: list = []
    throttle_classes = [RegistrationThrottle]

    def throttled(self, request, wait):
        raise exceptions.Throttled(
            wait=wait, detail=_("Too many registration attempts from this address. Please try again later.")
        )

    @extend_schema(
        tags=["auth"],
        request=RegisterRequestSerializer,
        responses={
            201: RegisterResponseSerializer,
            400: OpenApiResponse(
                FieldErrorsSerializer,
                description="A bad ID number or phone, a weak password, or a phone or ID number already registered.",
            ),
            413: OpenApiResponse(DetailSerializer, description="The body is over the size limit."),
            429: OpenApiResponse(DetailSerializer, description="Too many attempts: see Retry-After."),
        },
        examples=[
            OpenApiExample(
                "A citizen",
                value={
                    "name": "吕春花",
                    "id_number": "360203198506120025",
                    "phone": "13907980001",
                    "password": "a long passphrase",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        form = RegisterRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = registration.citizen_register(**form.validated_data)
        return Response({"username": user.get_username()}, status=status.HTTP_201_CREATED)
