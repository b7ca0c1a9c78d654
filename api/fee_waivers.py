"""Fee waivers (docs/api.md, Fee waivers) and the procuratorate's public-interest filing.

Thin views: what makes a request, a fee or a judgment acceptable is ``waivers.services``' to say; the
serializers only parse (amounts as text, so the service reads them as ``Decimal``) and publish the
shapes. Visibility is ``waivers.selectors``': an institution sees the waivers addressed to it and
nothing else of the case; anything not visible answers 404.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aid_cases import selectors as application_selectors
from aid_cases.choices import Status
from aid_cases.models import Application
from aid_cases.services.public_interest import PUBLIC_INTEREST_CATEGORIES, filing_procuratorate
from core.errors import Forbidden
from waivers import selectors, services
from waivers.choices import Treatment, WaiverKind, WaiverStatus
from waivers.models import FeeWaiver
from workflows.services import fee_waiver_request, public_interest_file

from .serializers import NumberAsTextField

TAGS = ["fee waivers"]


@extend_schema_field({"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "example": "2500.00"})
class MoneyField(NumberAsTextField):
    """An amount in yuan as a decimal string."""


def _money(**kwargs) -> MoneyField:
    return MoneyField(max_length=32, allow_blank=True, trim_whitespace=True, **kwargs)


def _amount(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class WaiverRequestIn(serializers.Serializer):
    kind = serializers.CharField(max_length=32, help_text="notary, forensic or court (`WaiverKind`).")
    institution_id = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="From `GET /api/v1/institutions/`."
    )
    service = serializers.CharField(max_length=400, allow_blank=True)
    standard_fee = _money(help_text="The institution's standard fee, in yuan.")
    treatment = serializers.CharField(max_length=32, help_text="waive, reduce or defer.")
    requested_fee = _money(required=False, allow_null=True, default=None, help_text="Required for reduce.")
    deferred_payer = serializers.CharField(
        max_length=400, required=False, allow_blank=True, allow_null=True, default=""
    )


class WaiverCreatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=WaiverStatus.choices)


class InstitutionRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    region = serializers.CharField(source="region.code")


class LetterOut(serializers.Serializer):
    code = serializers.CharField()
    url = serializers.CharField()


class WaiverOut(serializers.Serializer):
    id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=WaiverKind.choices)
    institution = InstitutionRefOut()
    service = serializers.CharField()
    standard_fee = serializers.CharField()
    treatment_requested = serializers.ChoiceField(choices=Treatment.choices)
    requested_fee = serializers.CharField(allow_null=True)
    treatment = serializers.ChoiceField(
        choices=Treatment.choices, allow_null=True, help_text="As approved by the center."
    )
    approved_fee = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=WaiverStatus.choices)
    charged_fee = serializers.CharField(allow_null=True)
    waived_amount = serializers.CharField(allow_null=True)
    deferred_payer = serializers.CharField(allow_null=True)
    deferred_until = serializers.DateField(allow_null=True)
    deferred_until_judgment = serializers.BooleanField()
    deferral_overdue = serializers.BooleanField()
    judgment = serializers.DictField(allow_null=True, help_text='{"date", "losing_party"} once recorded.')
    letter = LetterOut(allow_null=True)


def waiver_out(waiver: FeeWaiver) -> dict:
    return {
        "id": waiver.pk,
        "application_id": waiver.application_id,
        "kind": waiver.kind,
        "institution": {
            "id": waiver.institution_id,
            "name": waiver.institution.name,
            "kind": waiver.institution.kind,
            "region": waiver.institution.region.code,
        },
        "service": waiver.service,
        "standard_fee": _amount(waiver.standard_fee),
        "treatment_requested": waiver.treatment_requested,
        "requested_fee": _amount(waiver.requested_fee),
        "treatment": waiver.treatment or None,
        "approved_fee": _amount(waiver.approved_fee),
        "status": waiver.status,
        "charged_fee": _amount(waiver.charged_fee),
        "waived_amount": _amount(waiver.waived_amount),
        "deferred_payer": waiver.deferred_payer or None,
        "deferred_until": waiver.deferred_until,
        "deferred_until_judgment": waiver.deferred_until_judgment,
        "deferral_overdue": selectors.deferral_overdue(waiver),
        "judgment": None
        if waiver.judgment_on is None
        else {"date": waiver.judgment_on, "losing_party": waiver.losing_party},
        "letter": None
        if waiver.letter_id is None
        else {"code": waiver.letter.code, "url": f"/api/v1/documents/{waiver.letter.code}/"},
    }


def fee_waivers_out(application: Application) -> list[dict]:
    """The case's fee lines, for its detail (``fee_waivers``)."""
    return [
        {
            "id": w.pk,
            "kind": w.kind,
            "status": w.status,
            "institution": w.institution.name,
            "standard_fee": _amount(w.standard_fee),
            "waived_amount": _amount(w.waived_amount),
        }
        for w in selectors.waivers_for_case(application.pk)
    ]


class ApplicationFeeWaivers(generics.GenericAPIView):
    """The case's fee waivers, and a new request (the handling provider or the center's reviewers)."""

    permission_classes = [IsAuthenticated]
    serializer_class = WaiverOut

    def _application(self, pk: int) -> Application:
        try:
            return application_selectors.application_get(user=self.request.user, pk=pk)
        except Application.DoesNotExist as exc:
            raise Http404 from exc

    @extend_schema(tags=TAGS, responses={200: WaiverOut(many=True)})
    def get(self, request, pk: int):
        application = self._application(pk)
        page = self.paginate_queryset(list(selectors.waivers_for_case(application.pk)))
        return self.get_paginated_response([waiver_out(w) for w in page])

    @extend_schema(
        tags=TAGS,
        request=WaiverRequestIn,
        responses={201: WaiverCreatedOut},
        description=(
            "Ask an institution to waive, reduce or defer a fee of the case (Legal Aid Law Art 53): the "
            "provider handling the case or the center's reviewers. Any institution of the city may be "
            "chosen; its kind must match `kind` (a notary office for `notary`, a forensic institution for "
            "`forensic`, a court for `court`). Amounts are decimal strings in yuan. Starts the center's "
            "`review_waiver` task. 409 unless the case is approved and still being handled."
        ),
    )
    def post(self, request, pk: int):
        application = self._application(pk)
        form = WaiverRequestIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        waiver = fee_waiver_request(
            acting_user=request.user,
            application=application,
            kind=data["kind"],
            institution_id=data["institution_id"],
            service=data["service"],
            standard_fee=data["standard_fee"],
            treatment=data["treatment"],
            requested_fee=data.get("requested_fee") or None,
            deferred_payer=data.get("deferred_payer") or "",
        )
        return Response({"id": waiver.pk, "status": waiver.status}, status=status.HTTP_201_CREATED)


class FeeWaiverList(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = WaiverOut

    def get_queryset(self):
        return selectors.waivers_visible_to(self.request.user).order_by("-requested_at", "-pk")

    @extend_schema(
        tags=TAGS,
        responses={200: WaiverOut(many=True)},
        description="The caller's visible fee waivers, newest first (institution staff: those addressed to them).",
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([waiver_out(w) for w in page])


def _visible_waiver(request, pk: int) -> FeeWaiver:
    try:
        return selectors.waiver_get(user=request.user, pk=pk)
    except FeeWaiver.DoesNotExist as exc:
        raise Http404 from exc


class FeeWaiverDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses={200: WaiverOut})
    def get(self, request, pk: int):
        return Response(waiver_out(_visible_waiver(request, pk)))


class JudgmentIn(serializers.Serializer):
    date = serializers.DateField()
    losing_party = serializers.CharField(max_length=400, allow_blank=True)


class FeeWaiverJudgment(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=JudgmentIn,
        responses={200: WaiverOut},
        description=(
            "The case's center records the judgment: a fee deferred until it is settled on the losing "
            "party and the deferral closes. 409 unless the fee is deferred until judgment and still open."
        ),
    )
    def post(self, request, pk: int):
        waiver = _visible_waiver(request, pk)
        form = JudgmentIn(data=request.data)
        form.is_valid(raise_exception=True)
        waiver = services.waiver_judgment_record(
            acting_user=request.user,
            waiver=waiver,
            date=form.validated_data["date"],
            losing_party=form.validated_data["losing_party"],
        )
        return Response(waiver_out(selectors.waiver_get(user=request.user, pk=waiver.pk)))


class PublicInterestIn(serializers.Serializer):
    agency_case_no = serializers.CharField(max_length=200, allow_blank=True)
    region = serializers.CharField(
        max_length=32, allow_blank=True, help_text="The aid center's region, e.g. jdz."
    )
    category = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in PUBLIC_INTEREST_CATEGORIES], required=False, default="civil"
    )
    summary = serializers.CharField(max_length=4000, allow_blank=True)
    defendant = serializers.CharField(max_length=400, allow_blank=True)
    institution_id = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The forensic institution that appraises the damage."
    )
    service = serializers.CharField(max_length=400, allow_blank=True, help_text="The appraisal needed.")
    standard_fee = _money(help_text="The institution's standard fee, in yuan.")


class PublicInterestCreatedOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The case's application id.")
    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    waiver_id = serializers.IntegerField()


class PublicInterestCreate(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=PublicInterestIn,
        responses={201: PublicInterestCreatedOut},
        description=(
            "A procuratorate's officer files environmental public-interest litigation (matter type "
            "`environmental`) with the forensic appraisal it needs: the case (no means test, no "
            "assignment) and its forensic fee deferred until judgment, to be borne by the losing party, "
            "sent to the center's `review_waiver`. Other roles → 403; bad input → 400, nothing saved; the "
            "same case number again → 409."
        ),
    )
    def post(self, request):
        if filing_procuratorate(request.user) is None:  # before parsing: the role may never file
            raise Forbidden(_("Only the officers of a procuratorate file public-interest litigation."))
        form = PublicInterestIn(data=request.data)
        form.is_valid(raise_exception=True)
        application, waiver = public_interest_file(acting_user=request.user, **form.validated_data)
        return Response(
            {
                "id": application.pk,
                "tracking_no": application.tracking_no,
                "status": application.status,
                "waiver_id": waiver.pk,
            },
            status=status.HTTP_201_CREATED,
        )
