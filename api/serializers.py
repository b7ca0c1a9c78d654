from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from directory.choices import MatterType, OrganisationKind, ProviderKind
from directory.models import Organisation, Provider, Region
from directory.selectors import region_for_input


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class OrganisationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "region"]


class InstitutionSerializer(OrganisationSerializer):
    class Meta(OrganisationSerializer.Meta):
        fields = ["id", "name", "kind", "region"]


class FirmRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProviderSerializer(serializers.ModelSerializer):
    """The one shape of a provider everywhere (API.md): professional data only."""

    firm = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()
    specialties = serializers.SerializerMethodField()
    practice_years = serializers.IntegerField(read_only=True)

    class Meta:
        model = Provider
        fields = ["id", "name", "kind", "firm", "region", "specialties", "practice_years"]

    @extend_schema_field(FirmRefSerializer(allow_null=True))
    def get_firm(self, obj: Provider):
        org = obj.organisation
        if org.kind != OrganisationKind.LAW_FIRM:
            return None
        return {"id": org.pk, "name": org.name}

    def get_region(self, obj: Provider) -> str:
        return obj.organisation.region.code

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=MatterType.choices)))
    def get_specialties(self, obj: Provider) -> list[str]:
        return obj.specialty_codes


class MeOrganisationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    region = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    organisation = MeOrganisationSerializer(allow_null=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, label=_("username"))
    password = serializers.CharField(
        max_length=128, label=_("password"), trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


def _region_field():
    return serializers.SlugField(required=False, allow_blank=True, max_length=32, label=_("region"))


class DirectoryQuerySerializer(serializers.Serializer):
    """Query parameters of the public lookups; an unknown region is a 400, not an empty list."""

    region = _region_field()
    q = serializers.CharField(required=False, allow_blank=True, max_length=64, label=_("search"))

    def validate_region(self, value: str) -> Region | None:
        if not value:
            return None
        try:
            return region_for_input(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["region"]) from exc


class ProviderQuerySerializer(DirectoryQuerySerializer):
    kind = serializers.ChoiceField(choices=ProviderKind.choices, required=False, allow_blank=True)
    specialty = serializers.ChoiceField(choices=MatterType.choices, required=False, allow_blank=True)


class InstitutionQuerySerializer(DirectoryQuerySerializer):
    kind = serializers.ChoiceField(
        choices=[(k, v) for k, v in OrganisationKind.choices if k in ("notary", "forensic")],
        required=False,
        allow_blank=True,
    )
