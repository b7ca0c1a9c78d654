"""Applications API (docs/api.md, Applications): thin views over aid_cases selectors and services."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aid_cases import selectors, services, tracking
from aid_cases.choices import Channel, RepresentativeRelation, Status
from aid_cases.means import ApplicantCategory, DefenceReason
from aid_cases.models import Application
from aid_cases.timeline import application_timeline
from assignments.services import handling
from core.site import site_base_url
from directory.choices import MatterCategory
from documents.models import DocumentKind
from documents.selectors import documents_for_subject
from workflows.services import application_file, objection_file
from workflows.services import application_terminate as workflow_terminate

from . import serializers as s
from .errors import nested_errors
from .fee_waivers import fee_waivers_out


class ApplicantIn(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    id_number = s.id_number_field()
    phone = s.phone_field()
    address = serializers.CharField(max_length=200)


class RepresentativeIn(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    id_number = s.id_number_field()
    relation = serializers.ChoiceField(choices=RepresentativeRelation.choices)


class MatterIn(serializers.Serializer):
    category = serializers.ChoiceField(choices=MatterCategory.choices)
    type = s.MatterTypeField()
    summary = serializers.CharField(max_length=2000)
    opposing_party = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HouseholdIn(serializers.Serializer):
    size = serializers.IntegerField()
    monthly_income = serializers.DecimalField(max_digits=12, decimal_places=2)
    assets = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    fixed_income = serializers.BooleanField(required=False, allow_null=True, default=None)


# Every statutory group and as many local ones (a filing's list; the service drops repeats).
MAX_CATEGORIES = 2 * len(ApplicantCategory.choices)


class ApplicationIn(serializers.Serializer):
    """Parses a filing. What makes it acceptable is ``aid_cases.services.application_submit``'s to say."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    region = serializers.CharField(max_length=32)
    applicant = ApplicantIn()
    representative = RepresentativeIn(required=False, allow_null=True, default=None)
    categories = serializers.ListField(
        child=s.ApplicantCategoryField(),
        max_length=MAX_CATEGORIES,
        required=False,
        default=list,
    )
    matter = MatterIn()
    household = HouseholdIn()
    urgent_deadline = serializers.DateField(required=False, allow_null=True, default=None)
    pledge = serializers.BooleanField()
    # Art 24: a criminal defence says why a defender is sought; the service requires it there only.
    defence_reason = serializers.ChoiceField(
        choices=DefenceReason.choices, required=False, allow_null=True, allow_blank=True, default=None
    )


# The service names its errors after the models' fields; the API nests them as its body is nested.
_NESTED_ERRORS = {
    "applicant_name": ("applicant", "name"),
    "applicant_id_number": ("applicant", "id_number"),
    "applicant_phone": ("applicant", "phone"),
    "applicant_address": ("applicant", "address"),
    "representative_name": ("representative", "name"),
    "representative_id_number": ("representative", "id_number"),
    "representative_relation": ("representative", "relation"),
    "matter_category": ("matter", "category"),
    "matter_type": ("matter", "type"),
    "matter_summary": ("matter", "summary"),
    "opposing_party": ("matter", "opposing_party"),
    "household_size": ("household", "size"),
    "monthly_income": ("household", "monthly_income"),
    "assets": ("household", "assets"),
    "fixed_income": ("household", "fixed_income"),
}


def filing_errors(exc: DjangoValidationError) -> dict:
    """The service's field errors in the shape of the request body (``{"matter": {"type": [...]}}``)."""
    return nested_errors(exc, _NESTED_ERRORS)


class StandardOut(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(source="region.code")
    kind = serializers.CharField()
    monthly_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    asset_cap = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    valid_from = serializers.DateField()


def means_out(application: Application) -> dict:
    row = application.economic_standard
    return {
        "result": application.means_result,
        "reasons": [r["message"] for r in application.means_reasons],
        "standard": StandardOut(row).data if row else None,
        "proof": application.means_proof,
    }


class ApplicationSummaryOut(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    applicant_name = serializers.CharField(source="applicant.name")
    matter_type = s.MatterTypeField(read_only=True)
    due = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "tracking_no",
            "status",
            "region",
            "applicant_name",
            "matter_type",
            "channel",
            "submitted_at",
            "due",
            "provisional",
        ]

    def get_due(self, obj) -> str | None:
        return obj.review_due.isoformat() if obj.review_due else None


def decision_out(application: Application) -> dict | None:
    decision = application.decisions.order_by("-decided_at", "-pk").first()
    if decision is None:
        return None
    return {"outcome": decision.kind, "reason": decision.reason, "decided_at": decision.decided_at}


def assignment_out(application: Application) -> dict | None:
    """The provider offered or handling the case, and where the offer stands (the professional record only)."""
    assignment = handling.live_assignment(application)
    if assignment is None:
        return None
    return {
        "provider": s.ProviderSerializer(assignment.provider).data,
        "status": assignment.status,
        "aid_form": assignment.aid_form,
        "organisation": {"name": assignment.organisation.name, "phone": assignment.organisation.phone},
    }


def application_detail(application: Application, *, user) -> dict:
    full = selectors.user_sees_personal_data(user, application)
    applicant = application.applicant
    from documents.selectors import documents_for_subject  # documents → directory only; read here

    documents = [
        {"kind": d.kind, "code": d.code, "url": f"/api/v1/documents/{d.code}/"}
        for d in documents_for_subject(Application._meta.label_lower, str(application.pk))
    ]
    return {
        "id": application.pk,
        "tracking_no": application.tracking_no,
        "status": application.status,
        "region": application.region.code,
        "channel": application.channel,
        "applicant": {
            "name": applicant.name,
            "id_number": applicant.id_number if full else selectors.mask_id_number(applicant.id_number),
            "phone": applicant.phone if full else selectors.mask_id_number(applicant.phone),
            "address": applicant.address if full else "",
        },
        "representative": None
        if not application.representative_name
        else {
            "name": application.representative_name,
            "id_number": application.representative_id_number
            if full
            else selectors.mask_id_number(application.representative_id_number),
            "relation": application.representative_relation,
        },
        "categories": application.categories,
        "matter": {
            "category": application.matter_category,
            "type": application.matter_type,
            "summary": application.matter_summary,
            "opposing_party": application.opposing_party,
        },
        "household": {
            "size": application.household_size,
            "monthly_income": None
            if application.monthly_income is None
            else f"{application.monthly_income:.2f}",
            "assets": None if application.assets is None else f"{application.assets:.2f}",
            "fixed_income": application.fixed_income,
        },
        "urgent_deadline": application.urgent_deadline,
        "defence_reason": application.defence_reason or None,
        "means_test": means_out(application),
        "decision": decision_out(application),
        "assignment": assignment_out(application),
        "fee_waivers": fee_waivers_out(application),
        "documents": documents,
        "timeline": application_timeline(application),
        "due": application.review_due,
        "provisional": application.provisional,
    }


class ApplicationListCreate(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ApplicationSummaryOut

    def get_queryset(self):
        qs = selectors.applications_visible_to(self.request.user)
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in Status.values:
                raise serializers.ValidationError({"status": [_("Unknown status.")]})
            qs = qs.filter(status=wanted)
        return qs

    @extend_schema(
        tags=["applications"],
        parameters=[
            OpenApiParameter("status", str, enum=[*Status.values, ""], description="Empty: every status.")
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["applications"], request=ApplicationIn, responses={201: s.ApplicationCreatedOut})
    def post(self, request):
        form = ApplicationIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        application = submit_with_receipt(request, data)
        return Response(
            {
                "id": application.pk,
                "tracking_no": application.tracking_no,
                "status": application.status,
                "means_test": means_out(application),
                "decision_due": application.decision_due,
            },
            status=status.HTTP_201_CREATED,
        )


def submit_with_receipt(request, data: dict) -> Application:
    """File the application, issue its receipt (受理回执) and start its review, in one transaction."""
    rep = data.get("representative")
    try:
        return application_file(
            acting_user=request.user, base_url=site_base_url(request), **_service_fields(data, rep)
        )
    except DjangoValidationError as exc:
        raise serializers.ValidationError(filing_errors(exc)) from exc


def _service_fields(data: dict, rep: dict | None) -> dict:
    return dict(
        channel=data["channel"],
        region=data["region"],
        applicant=services.ApplicantData(**data["applicant"]),
        representative=services.RepresentativeData(**rep) if rep else None,
        categories=data["categories"],
        matter=services.MatterData(**data["matter"]),
        household_size=data["household"]["size"],
        monthly_income=data["household"]["monthly_income"],
        assets=data["household"]["assets"],
        fixed_income=data["household"]["fixed_income"],
        urgent_deadline=data["urgent_deadline"],
        pledge=data["pledge"],
        defence_reason=data.get("defence_reason") or "",
    )


class ObjectionIn(serializers.Serializer):
    # Whether reasons are given, and how long they may be, the service decides.
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    on_behalf = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Bureau staff or the center's clerk records the citizen's written objection (Art 49).",
    )


class ApplicationObjection(APIView):
    """The applicant objects to a refusal or a termination, or bureau staff or the center's clerk
    records their written objection (``on_behalf``): starts the bureau's decide_objection task."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["applications"],
        request=ObjectionIn,
        responses={201: s.ObjectionCreatedOut},
        description=(
            "The applicant's side objects; with `on_behalf: true` the judicial bureau's staff or the "
            "handling center's clerks record a written objection for the citizen. Other staff of the "
            "deciding center → 403. One objection per decision (409 after)."
        ),
    )
    def post(self, request, pk: int):
        form = ObjectionIn(data=request.data)
        form.is_valid(raise_exception=True)
        on_behalf = form.validated_data["on_behalf"]
        try:
            if on_behalf:
                application = services.application_for_objection(user=request.user, pk=pk)
            else:
                application = selectors.application_get(user=request.user, pk=pk)
        except Application.DoesNotExist as exc:
            raise Http404 from exc
        objection = objection_file(
            acting_user=request.user,
            application=application,
            reason=form.validated_data["reason"],
            on_behalf=on_behalf,
        )
        return Response(
            {"id": objection.pk, "status": application.status, "due": objection.due_on},
            status=status.HTTP_201_CREATED,
        )


class TerminateIn(serializers.Serializer):
    # Which grounds Art 48 allows, and whether reasons are given, the service decides.
    ground = serializers.CharField(
        help_text="deception, false_evidence, illegal_use, finances_improved, "
        "proceedings_ended, own_lawyer, recipient_request or other"
    )
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")


class TerminationOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    ground = serializers.CharField()
    document = serializers.CharField(help_text="The termination letter's verification code.")


class ApplicationTerminate(APIView):
    """The center terminates legal aid on an approved case (Art 48), with the termination letter."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["applications"],
        request=TerminateIn,
        responses={200: TerminationOut},
        description=(
            "The handling center's reviewers and directors (403 for other roles; 404 for a case the caller "
            "may not see); 409 when the case is not approved and active; 400 for an unknown ground or "
            "missing reasons. Issues the termination letter with the objection route."
        ),
    )
    def post(self, request, pk: int):
        try:
            application = selectors.application_get(user=request.user, pk=pk)
        except Application.DoesNotExist as exc:
            raise Http404 from exc
        form = TerminateIn(data=request.data)
        form.is_valid(raise_exception=True)
        termination = workflow_terminate(
            acting_user=request.user,
            application=application,
            ground=form.validated_data["ground"],
            reason=form.validated_data["reason"],
            base_url=site_base_url(request),
        )
        letter = (
            documents_for_subject(Application._meta.label_lower, application.pk)
            .filter(kind=DocumentKind.TERMINATION)
            .order_by("-issued_at", "-pk")
            .first()
        )
        return Response(
            {
                "id": termination.pk,
                "status": application.status,
                "ground": termination.ground,
                "document": letter.code if letter else "",
            }
        )


class ApplicationDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["applications"], responses={200: s.ApplicationDetailOut})
    def get(self, request, pk: int):
        try:
            application = selectors.application_get(user=request.user, pk=pk)
        except Application.DoesNotExist as exc:
            raise Http404 from exc
        return Response(application_detail(application, user=request.user))


class UploadIn(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, max_length=200)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ApplicationDocuments(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["applications"], request={"multipart/form-data": UploadIn}, responses={201: s.DocumentAddedOut}
    )
    def post(self, request, pk: int):
        try:
            application = selectors.application_get(user=request.user, pk=pk)
        except Application.DoesNotExist as exc:
            raise Http404 from exc
        form = UploadIn(data=request.data)
        form.is_valid(raise_exception=True)
        document = services.application_document_add(
            acting_user=request.user,
            application=application,
            upload=form.validated_data["file"],
            description=form.validated_data["description"],
        )
        return Response(
            {"id": document.pk, "content_type": document.content_type, "size": document.size},
            status=status.HTTP_201_CREATED,
        )


class TrackIn(serializers.Serializer):
    tracking_no = serializers.CharField(max_length=40)
    id_tail = serializers.CharField(min_length=4, max_length=4)


class Track(APIView):
    """Public progress query (业务进展网上查询): no personal data; throttled against guessing."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["applications"],
        parameters=[TrackIn],
        responses={200: s.TrackOut},
    )
    def get(self, request):
        form = TrackIn(data=request.query_params)
        form.is_valid(raise_exception=True)
        try:
            application = tracking.track_lookup(
                address=request.META.get("REMOTE_ADDR", ""), **form.validated_data
            )
        except tracking.Throttled:
            return Response(
                {"detail": _("Too many failed queries. Please try again later.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if application is None:
            raise Http404
        return Response(
            {
                "tracking_no": application.tracking_no,
                "status": application.status,
                "timeline": [
                    {"at": e["at"], "event": e["event"], "label": e["label"]}
                    for e in application_timeline(application, with_actor=False)
                ],
            }
        )
