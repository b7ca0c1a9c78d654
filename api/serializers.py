from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aid_cases.choices import Channel, DecisionKind, RepresentativeRelation, Status
from aid_cases.means import (
    LOCAL_CODE_MAX_LENGTH,
    LOCAL_CODE_PATTERN,
    ApplicantCategory,
    DefenceReason,
    Proof,
    Result,
    is_local_code,
)
from aid_cases.models import EconomicStandard
from assignments.choices import AssignmentStatus
from directory.choices import AidForm, MatterCategory, MatterType, OrganisationKind, ProviderKind
from directory.models import Organisation, Provider, Region
from directory.selectors import region_for_input
from directory.validators import RESIDENT_ID_PATTERN, validate_phone
from documents.models import DocumentKind


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
    """The one shape of a provider everywhere (docs/api.md): professional data only."""

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
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
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


@extend_schema_field({"type": "string", "pattern": r"^[-a-zA-Z0-9_]*$", "maxLength": 32})
class _RegionQueryField(serializers.SlugField):
    """A region code, or empty for every region."""


def _region_field():
    return _RegionQueryField(
        required=False,
        allow_blank=True,
        max_length=32,
        label=_("region"),
        help_text="A region code, e.g. zhushan; empty for every region.",
    )


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


# the institutions a fee waiver can be addressed to: notary offices, forensic institutions, courts (Art 53)
INSTITUTION_QUERY_KINDS = [
    (k, v) for k, v in OrganisationKind.choices if k in ("notary", "forensic", "court")
]


class InstitutionQuerySerializer(DirectoryQuerySerializer):
    kind = serializers.ChoiceField(
        choices=INSTITUTION_QUERY_KINDS,
        required=False,
        allow_blank=True,
    )


# --- request fields with the patterns the schema publishes -------------------------------------
# The pattern is checked here as the schema states it (no trimming: " 3602..." does not match);
# the services check the rest (birth date, region code, check digit).


def id_number_field(**kwargs) -> serializers.RegexField:
    return serializers.RegexField(
        RESIDENT_ID_PATTERN,
        max_length=18,
        min_length=18,
        trim_whitespace=False,
        error_messages={
            "invalid": _("A resident ID number has 18 characters: 17 digits, then a digit or X.")
        },
        **kwargs,
    )


def phone_field(**kwargs) -> serializers.RegexField:
    """A telephone as ``directory.validators.validate_phone`` accepts it: a mobile or a landline."""
    return serializers.RegexField(
        validate_phone.regex.pattern,
        max_length=20,
        trim_whitespace=False,
        error_messages={"invalid": validate_phone.message},
        **kwargs,
    )


# --- codes that local rules extend (Art 42 (4), Art 32 (5)) ------------------------------------------


class CodeField(serializers.CharField):
    """A statutory code of API.md's enumeration, or a local one (``local_…``, aid_cases.means) that a
    local rule adds as a row, without a code change. The field takes any code so shaped; whether a
    local code is in force on the day of filing is the service's to say (400 with its message)."""

    statutory: type[models.TextChoices]
    enum_name: str  # the statutory enumeration's schema component (ENUM_NAME_OVERRIDES)
    local_description: str

    default_error_messages = {"invalid_choice": _('"{input}" is not a valid choice.')}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", LOCAL_CODE_MAX_LENGTH)
        kwargs.setdefault("trim_whitespace", False)  # as a choice: " veteran" is no code
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in self.statutory.values and not is_local_code(value):
            self.fail("invalid_choice", input=value)
        return value


class ApplicantCategoryField(CodeField):
    statutory = ApplicantCategory
    enum_name = "ApplicantCategoryEnum"
    local_description = "A special group a local rule adds (Art 42 (4)), accepted while its row is in force on the day of filing."


class MatterTypeField(CodeField):
    statutory = MatterType
    enum_name = "MatterTypeEnum"
    local_description = (
        "A matter type a local rule adds (Art 32 (5)), filed under its own matter category, accepted while "
        "its row is in force on the day of filing."
    )


class CodeFieldSchema(OpenApiSerializerFieldExtension):
    """The statutory enumeration (the same named component as everywhere) or a local code's pattern."""

    target_class = CodeField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        # As postprocess_schema_enums would make it, so that the component is one whoever makes it first.
        enum = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={
                "enum": list(field.statutory.values),
                "type": "string",
                "description": build_choice_description_list(field.statutory.choices),
            },
        )
        auto_schema.registry.register_on_missing(enum)
        local = {
            "type": "string",
            "pattern": LOCAL_CODE_PATTERN,
            "maxLength": LOCAL_CODE_MAX_LENGTH,
            "description": field.local_description,
        }
        return {"anyOf": [enum.ref, local]}


# --- responses: typed, for the schema (docs/api.md) ---------------------------------------------------


class MeansResultField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[(r.value, r.value) for r in Result], **kwargs)


class StandardOut(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField()
    kind = serializers.ChoiceField(choices=EconomicStandard.Kind.choices)
    monthly_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    asset_cap = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    valid_from = serializers.DateField()


class MeansTestOut(serializers.Serializer):
    result = MeansResultField()
    reasons = serializers.ListField(child=serializers.CharField())
    standard = StandardOut(allow_null=True)
    proof = serializers.ChoiceField(choices=Proof.choices)


class ApplicationCreatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    means_test = MeansTestOut()
    decision_due = serializers.DateField(allow_null=True)


class ApplicantOut(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="Masked (3602**********123X) unless the caller may see it.")
    phone = serializers.CharField()
    address = serializers.CharField(allow_blank=True)


class RepresentativeOut(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField()
    relation = serializers.ChoiceField(choices=RepresentativeRelation.choices)


class MatterOut(serializers.Serializer):
    category = serializers.ChoiceField(choices=MatterCategory.choices)
    type = MatterTypeField()
    summary = serializers.CharField()
    opposing_party = serializers.CharField(allow_blank=True)


class HouseholdOut(serializers.Serializer):
    # null for a detainee's forwarded request until the reviewer has the answers (Art 39)
    size = serializers.IntegerField(allow_null=True)
    monthly_income = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    assets = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    fixed_income = serializers.BooleanField(allow_null=True)


class DecisionOut(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DecisionKind.choices)
    reason = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField()


class AssignmentOrganisationOut(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True, help_text="The firm's or office's public telephone.")


class AssignmentOut(serializers.Serializer):
    provider = ProviderSerializer()
    status = serializers.ChoiceField(choices=AssignmentStatus.choices)
    aid_form = serializers.ChoiceField(choices=AidForm.choices)
    organisation = AssignmentOrganisationOut()


class FeeWaiverRefOut(serializers.Serializer):
    """A fee line of the case; ``GET /api/v1/fee-waivers/{id}/`` has the whole of it."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    institution = serializers.CharField()
    standard_fee = serializers.CharField()
    waived_amount = serializers.CharField(allow_null=True)


class DocumentRefOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    code = serializers.CharField()
    url = serializers.CharField()


class TimelineEntryOut(serializers.Serializer):
    at = serializers.DateTimeField()
    event = serializers.CharField(help_text="The event's code.")
    label = serializers.CharField(help_text="The event's name, in the request's language.")


class TimelineEntryWithActorOut(TimelineEntryOut):
    by = serializers.CharField(required=False, help_text="Who did it, when a person did.")


class ApplicationDetailOut(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    region = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    applicant = ApplicantOut()
    representative = RepresentativeOut(allow_null=True)
    categories = serializers.ListField(child=ApplicantCategoryField())
    matter = MatterOut()
    household = HouseholdOut()
    urgent_deadline = serializers.DateField(allow_null=True)
    defence_reason = serializers.ChoiceField(choices=DefenceReason.choices, allow_null=True)
    means_test = MeansTestOut()
    decision = DecisionOut(allow_null=True)
    assignment = AssignmentOut(allow_null=True)
    fee_waivers = FeeWaiverRefOut(many=True)
    documents = DocumentRefOut(many=True)
    timeline = TimelineEntryWithActorOut(many=True)
    due = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField()


class DocumentAddedOut(serializers.Serializer):
    id = serializers.IntegerField()
    content_type = serializers.ChoiceField(choices=["application/pdf", "image/jpeg", "image/png"])
    size = serializers.IntegerField(min_value=1)


class ObjectionCreatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    due = serializers.DateField(allow_null=True)


class TrackOut(serializers.Serializer):
    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    timeline = TimelineEntryOut(many=True)


TASK_STATUSES = ["new", "assigned", "started", "done", "canceled", "error", "scheduled", "revived"]


class TaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The task's name (docs/api.md, Tasks), e.g. review.")
    title = serializers.CharField()
    application_id = serializers.IntegerField(allow_null=True)
    waiver_id = serializers.IntegerField(allow_null=True)
    service_log_id = serializers.IntegerField(allow_null=True)
    complaint_id = serializers.IntegerField(allow_null=True)
    consultation_id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=TASK_STATUSES)
    owner = serializers.CharField(allow_null=True)
    due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()


class TaskCompletedOut(serializers.Serializer):
    next = serializers.ListField(
        child=serializers.CharField(), help_text="The names of the tasks opened next."
    )


class PaginatedTaskOut(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TaskOut(many=True)


class NumberAsTextField(serializers.CharField):
    """A decimal sent as a string ("2500.00") or a JSON number, kept as its text: the service reads it
    as a ``Decimal`` and says what is wrong with it, one message wherever the value came from. A JSON
    true or false is no number."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int | float):
            data = str(data)
        return super().to_internal_value(data)
