"""Complaints (docs/api.md, Complaints; Order No. 149 of the Ministry of Justice, Legal Aid Law Arts 55,
56): filing (online, or recorded by a center's staff for a caller), the lists and the detail, the one-time
notice of missing information and the complainant's answer, and the reply letter. Accepting and deciding
are tasks (``accept_complaint``, ``decide_complaint``) through ``/api/v1/tasks/``.

Thin views: what makes a complaint acceptable is ``quality.services.complaints``' to say (the serializers
only parse, leniently, so every problem comes back at once with the service's field names), and who
sees what is ``quality.selectors.complaints``': the complainant and the handling staff see everything,
the provider complained about sees the complaint without who made it, anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.services import document_pdf
from quality.choices import (
    ComplaintAbout,
    ComplaintGround,
    ComplaintOutcome,
    ComplaintSource,
    ComplaintStatus,
)
from quality.models import Complaint
from quality.selectors import complaints as selectors
from quality.services import complaints as services
from workflows.complaints import complaint_submit

from .fee_waivers import LetterOut  # {"code", "url"}: one component in the schema for every letter
from .service_logs import RefOut  # {"id", "name"}

TAGS = ["complaints"]


def _id_field(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True, default=None, help_text=help_text
    )


class ComplaintIn(serializers.Serializer):
    about = serializers.CharField(max_length=32, allow_blank=True, help_text="provider, staff or center.")
    application_id = _id_field("The case complained about, one the caller may see; null for none.")
    ground = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="not_accepted, delay, fees_taken, neglect, misconduct, disclosure or other. Required.",
    )
    facts = serializers.CharField(
        max_length=20000, allow_blank=True, help_text="What happened (at most 4000)."
    )
    provider_id = _id_field(
        "Optional: the provider complained about. With a case, its provider by default (the one handling "
        "it, else the last who accepted it); without a case, required for `about: provider`."
    )
    staff_name = serializers.CharField(
        max_length=400,
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text="Optional, for `about: staff`: the member of staff's name if known.",
    )
    center_id = _id_field(
        "Without a case: the aid center complained about (`about: center`) or whose staff or provider the "
        "complaint concerns. With a case, the case's center is used."
    )
    complainant_name = serializers.CharField(
        max_length=400,
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text=(
            "Only when a center's clerk, reviewer or director records the complaint of a caller: their name "
            "(the complaint is then recorded, `source: clerk`; other roles → 403). Omitted online: the "
            "caller's account is the complainant."
        ),
    )
    complainant_phone = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text="Optional, with `complainant_name`: the caller's telephone.",
    )


class ComplainantOut(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


class SupplementNoticeOut(serializers.Serializer):
    missing = serializers.CharField()
    asked_on = serializers.DateField()
    due = serializers.DateField(allow_null=True)
    information = serializers.CharField(allow_null=True)
    supplied_on = serializers.DateField(allow_null=True)


class ComplaintOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="The complaint's number on its letters, e.g. TS-2026-000012.")
    status = serializers.ChoiceField(choices=ComplaintStatus.choices)
    about = serializers.ChoiceField(choices=ComplaintAbout.choices)
    ground = serializers.ChoiceField(choices=ComplaintGround.choices)
    source = serializers.ChoiceField(choices=ComplaintSource.choices)
    application_id = serializers.IntegerField(allow_null=True)
    provider = RefOut(allow_null=True, help_text="The provider complained about.")
    staff_name = serializers.CharField()
    center = RefOut(help_text="The center complained about, or the one whose staff or provider it concerns.")
    facts = serializers.CharField()
    repeats = serializers.IntegerField(
        help_text="Later complaints about the same matter merged into this one."
    )
    received_on = serializers.DateField()
    accept_due = serializers.DateField(
        allow_null=True,
        help_text="Accept or reject by; null while missing information is awaited, and after.",
    )
    decide_due = serializers.DateField(allow_null=True, help_text="Decide by, once accepted.")
    overdue = serializers.BooleanField(help_text="The open step (accept or decide) is past its due date.")
    supplement = SupplementNoticeOut(allow_null=True, help_text="The one-time notice of missing information.")
    reject_reason = serializers.CharField(allow_null=True, help_text="Why it was not accepted.")
    outcome = serializers.ChoiceField(choices=ComplaintOutcome.choices, allow_null=True)
    reply = serializers.CharField(
        allow_null=True, help_text="The reply to the complainant; null to the provider complained about."
    )
    reply_letter = LetterOut(
        allow_null=True,
        help_text="The reply letter (PDF); null before, and to the provider complained about.",
    )
    complainant = ComplainantOut(
        allow_null=True,
        help_text="Who complained: null to the provider complained about (unless the complaint rule reveals it).",
    )


def complaint_out(view: selectors.ComplaintView) -> dict[str, Any]:
    c = view.complaint
    letter = view.reply_letter
    return {
        "id": c.pk,
        "number": c.number,
        "status": c.status,
        "about": c.about,
        "ground": c.ground,
        "source": c.source,
        "application_id": c.application_id,
        "provider": None if c.provider is None else {"id": c.provider.pk, "name": c.provider.name},
        "staff_name": c.staff_name,
        "center": {"id": c.center_id, "name": c.center.name},
        "facts": c.facts,
        "repeats": c.repeats,
        "received_on": c.received_on,
        "accept_due": c.accept_due,
        "decide_due": c.decide_due,
        "overdue": view.overdue,
        "supplement": None
        if c.supplement_asked_on is None
        else {
            "missing": c.supplement_note,
            "asked_on": c.supplement_asked_on,
            "due": c.supplement_due,
            "information": c.supplement or None,
            "supplied_on": c.supplemented_on,
        },
        "reject_reason": c.accept_reason if c.status == ComplaintStatus.REJECTED else None,
        "outcome": c.outcome or None,
        "reply": view.reply or None,
        "reply_letter": None
        if letter is None
        else {"code": letter.code, "url": f"/api/v1/complaints/{c.pk}/reply-letter/"},
        "complainant": {"name": c.complainant_name, "phone": c.complainant_phone}
        if view.show_identity
        else None,
    }


def _visible(request: Request, pk: int) -> Complaint:
    try:
        return selectors.complaint_get(user=request.user, pk=pk)
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc


def _detail(request: Request, pk: int) -> dict[str, Any]:
    complaint = _visible(request, pk)
    return complaint_out(selectors.complaint_view_for(request.user, complaint))


class ComplaintListQuery(serializers.Serializer):
    application_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class ComplaintListCreate(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ComplaintOut

    @extend_schema(
        tags=TAGS,
        parameters=[ComplaintListQuery],
        responses={200: ComplaintOut(many=True)},
        description=(
            "The complaints the caller may see, newest first: their own, those they recorded, those they "
            "handle (the center's reviewers and director; the bureau for its region) and, without who "
            "complained, those about themselves as a provider. `application_id`: one case's only."
        ),
    )
    def get(self, request: Request) -> Response:
        query = ComplaintListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        viewer = selectors.viewer_for(request.user)
        qs = selectors.complaints_list(
            request.user, application_id=query.validated_data.get("application_id"), viewer=viewer
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            [complaint_out(view) for view in selectors.complaint_views_for(request.user, list(page))]
        )

    @extend_schema(
        tags=TAGS,
        request=ComplaintIn,
        responses={
            201: ComplaintOut,
            200: OpenApiResponse(
                ComplaintOut, description="A repeat: merged into the open complaint, returned."
            ),
        },
        description=(
            "File a complaint (Order No. 149): any account online, about a provider, a center's staff or a "
            "center, on one of the grounds; the accept period runs from today (`accept_due`, 5 working "
            "days by default). A center's staff record a caller's complaint with `complainant_name`. The "
            "same complainant with the same case and ground while the first is open → 200 with the "
            "existing complaint (merged, `repeats` + 1). Starts the `accept_complaint` task of the center's "
            "director, or of the judicial bureau for a complaint about a center."
        ),
    )
    def post(self, request: Request) -> Response:
        form = ComplaintIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        name = (data.get("complainant_name") or "").strip()
        complaint, created = complaint_submit(
            acting_user=request.user,
            about=data["about"],
            application=data.get("application_id"),
            provider=data.get("provider_id"),
            staff_name=data.get("staff_name") or "",
            center=data.get("center_id"),
            ground=data.get("ground") or "",
            facts=data["facts"],
            source=ComplaintSource.CLERK if name else ComplaintSource.ONLINE,
            complainant_name=name,
            complainant_phone=data.get("complainant_phone") or "",
            on_behalf=bool(name),
        )
        return Response(
            _detail(request, complaint.pk), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ComplaintDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses={200: ComplaintOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, pk))


class SupplementIn(serializers.Serializer):
    information = serializers.CharField(
        max_length=20000, allow_blank=True, help_text="What the notice asked for (at most 4000 characters)."
    )


class ComplaintSupplement(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=SupplementIn,
        responses={200: ComplaintOut},
        description=(
            "The complainant supplies the information the one-time notice asked for (for a complaint "
            "recorded for a caller, the staff who recorded or handle it). The accept period starts again "
            "from today. 409 unless a notice is waiting, or once its day (`supplement.due`) has passed; "
            "403 for anyone else who sees the complaint."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = _visible(request, pk)
        form = SupplementIn(data=request.data)
        form.is_valid(raise_exception=True)
        services.complaint_supplement(
            acting_user=request.user, complaint=complaint, information=form.validated_data["information"]
        )
        return Response(_detail(request, pk))


class SupplementNoticeIn(serializers.Serializer):
    missing = serializers.CharField(
        max_length=20000, allow_blank=True, help_text="Everything missing, at once (at most 2000 characters)."
    )


class ComplaintSupplementNotice(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=SupplementNoticeIn,
        responses={200: ComplaintOut},
        description=(
            "The handler's one-time notice of missing information (一次性告知): the accept period stops "
            "until the complainant supplies it. Only while the complaint awaits acceptance; a second "
            "notice → 409. Only the handling director (or bureau) → 403 for others who see it."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = _visible(request, pk)
        form = SupplementNoticeIn(data=request.data)
        form.is_valid(raise_exception=True)
        services.complaint_ask_supplement(
            acting_user=request.user, complaint=complaint, missing=form.validated_data["missing"]
        )
        return Response(_detail(request, pk))


class ComplaintReplyLetter(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        responses={
            (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="PDF")
        },
        description=(
            "The reply letter (投诉处理答复书, or the notice of non-acceptance), to the complainant and the "
            "handling staff; 404 before it is issued, and to the provider complained about."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        view = selectors.complaint_view_for(request.user, _visible(request, pk))
        letter = view.reply_letter
        if letter is None:
            raise Http404
        return FileResponse(
            document_pdf(document=letter),
            content_type="application/pdf",
            filename=f"{letter.display_code}.pdf",
        )


urlpatterns = [
    path("complaints/", ComplaintListCreate.as_view(), name="complaints"),
    path("complaints/<int:pk>/", ComplaintDetail.as_view(), name="complaint"),
    path("complaints/<int:pk>/supplement/", ComplaintSupplement.as_view(), name="complaint-supplement"),
    path(
        "complaints/<int:pk>/supplement-notice/",
        ComplaintSupplementNotice.as_view(),
        name="complaint-supplement-notice",
    ),
    path("complaints/<int:pk>/reply-letter/", ComplaintReplyLetter.as_view(), name="complaint-reply-letter"),
]

__all__ = ["complaint_out", "urlpatterns"]
