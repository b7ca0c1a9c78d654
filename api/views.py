"""API views: thin, calling selectors for reads and services for writes."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from directory import selectors
from directory.choices import OrganisationKind
from waivers.choices import WAIVER_INSTITUTION_KINDS

from . import serializers as s


class TokenView(APIView):
    """Exchange a username and password for a token; throttled by django-axes."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=s.TokenRequestSerializer, responses={200: s.TokenSerializer}, tags=["auth"])
    def post(self, request):
        form = s.TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        # axes reads and marks the plain HttpRequest, not DRF's wrapper.
        http_request = request._request
        user = authenticate(request=http_request, **form.validated_data)
        if getattr(http_request, "axes_locked_out", False):
            return Response(
                {"detail": _("Too many failed logins: this account is locked for a while.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            return Response(
                {"errors": {"non_field_errors": [_("The username or password is wrong.")]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.MeSerializer, tags=["auth"])
    def get(self, request):
        user = request.user
        organisation = selectors.user_primary_organisation(user)
        return Response(
            {
                "username": user.get_username(),
                "roles": selectors.user_roles(user),
                "organisation": None
                if organisation is None
                else {
                    "kind": organisation.kind,
                    "id": organisation.pk,
                    "name": organisation.name,
                    "region": organisation.region.code,
                },
            }
        )


class PublicListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    query_serializer_class = s.DirectoryQuerySerializer

    def query(self) -> dict:
        form = self.query_serializer_class(data=self.request.query_params)
        form.is_valid(raise_exception=True)
        return form.validated_data


class RegionListView(PublicListView):
    serializer_class = s.RegionSerializer
    pagination_class = None

    @extend_schema(tags=["directory"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.regions_list()


class ProviderListView(PublicListView):
    serializer_class = s.ProviderSerializer
    query_serializer_class = s.ProviderQuerySerializer

    @extend_schema(tags=["directory"], parameters=[s.ProviderQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.query()
        return selectors.public_providers(
            region=p.get("region"), kind=p.get("kind", ""), q=p.get("q", ""), specialty=p.get("specialty", "")
        )


class _OrganisationListView(PublicListView):
    serializer_class = s.OrganisationSerializer
    kinds: tuple[str, ...] = ()

    @extend_schema(tags=["directory"], parameters=[s.DirectoryQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def kinds_for(self, params: dict) -> tuple[str, ...]:
        return self.kinds

    def get_queryset(self):
        p = self.query()
        return selectors.public_organisations(
            kinds=self.kinds_for(p), region=p.get("region"), q=p.get("q", "")
        )


class InstitutionListView(_OrganisationListView):
    serializer_class = s.InstitutionSerializer
    query_serializer_class = s.InstitutionQuerySerializer
    kinds = WAIVER_INSTITUTION_KINDS

    @extend_schema(tags=["directory"], parameters=[s.InstitutionQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def kinds_for(self, params: dict) -> tuple[str, ...]:
        return (params["kind"],) if params.get("kind") else self.kinds


class FirmListView(_OrganisationListView):
    kinds = (OrganisationKind.LAW_FIRM,)


class CenterListView(_OrganisationListView):
    kinds = (OrganisationKind.AID_CENTER,)


class OfficeListView(_OrganisationListView):
    kinds = (OrganisationKind.GRASSROOTS_OFFICE,)
