"""Consultations (docs/api.md, Intake across the city; Legal Aid Law Art 23): a citizen's online question,
a consultation recorded by a center's staff, the lists and the detail, and the year's reply rate. The
answer to an online question is the task ``answer_consultation`` through ``/api/v1/tasks/``.

Thin views: what makes a consultation acceptable is ``consultations.services``' to say (the serializer
only parses, leniently, so every problem comes back at once with the service's field names), who sees
what and what is counted is ``consultations.selectors``'.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from consultations import selectors, services
from consultations.choices import ConsultationChannel, ConsultationStatus, Referral
from consultations.models import Consultation
from core.errors import Forbidden
from directory.choices import MatterType
from directory.people import person_name
from workflows.consultations import consultation_submit

from .schema import ErrorOut
from .service_logs import RefOut  # {"id", "name"}

TAGS = ["consultations"]
FIRST_YEAR = 2022  # the Legal Aid Law's first year


def _text_field(max_length: int, help_text: str) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length,
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text=help_text,
    )


class ConsultationIn(serializers.Serializer):
    region = _text_field(
        64,
        "The region where the matter arose, by its code (GET /api/v1/regions/). Required for an online "
        "question: the region's legal aid center answers it. For a recorded consultation, optional: the "
        "recording center's region by default.",
    )
    matter_type = _text_field(64, "The matter the question is about (the matter type codes). Required.")
    question = _text_field(20000, "The question (at most 4000 characters). Required.")
    anonymous = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=False,
        help_text="Keep no personal data: no account, name or phone. An anonymous online question does "
        "not appear in the asker's own list.",
    )
    channel = _text_field(
        32,
        "Only a center's staff (or a lawyer on duty there) recording a consultation given at once: hotline, "
        "window or station. Omitted for a citizen's online question; any other role → 403.",
    )
    answer = _text_field(20000, "A recorded consultation's answer (at most 4000 characters). Required then.")
    referral = _text_field(
        64, "A recorded consultation: aid_application, mediation, court, other_authority, or null for none."
    )
    minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=services.MINUTES_MAX,
        help_text="A recorded consultation: the minutes spent.",
    )
    asker_name = _text_field(400, "A recorded consultation: the asker's name (required unless anonymous).")
    asker_phone = _text_field(100, "A recorded consultation: the asker's telephone, if given.")


class ConsultationCreatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="The consultation's number, e.g. ZX-2026-000012.")
    status = serializers.ChoiceField(
        choices=ConsultationStatus.choices,
        help_text="open for an online question until it is answered; answered for a recorded one.",
    )
    answer_due = serializers.DateField(
        allow_null=True, help_text="An online question: answered by this day. Null for a recorded one."
    )


class AskerOut(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


class ConsultationOut(ConsultationCreatedOut):
    channel = serializers.ChoiceField(choices=ConsultationChannel.choices)
    center = RefOut(help_text="The legal aid center that answers.")
    region = serializers.CharField(help_text="The region's code.")
    matter_type = serializers.ChoiceField(choices=MatterType.choices)
    question = serializers.CharField()
    asked_at = serializers.DateTimeField()
    overdue = serializers.BooleanField(help_text="An online question still open after its due date.")
    answer = serializers.CharField(allow_null=True)
    referral = serializers.ChoiceField(choices=Referral.choices, allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    anonymous = serializers.BooleanField()
    asker = AskerOut(
        allow_null=True,
        help_text="Who asked, to the center's and the bureau's staff; null to the asker, and for an "
        "anonymous consultation (nothing kept).",
    )
    answered_by = serializers.CharField(allow_null=True, help_text="To the staff only: who answered.")
    minutes = serializers.IntegerField(allow_null=True, help_text="To the staff only: the minutes spent.")
    application_id = serializers.IntegerField(
        allow_null=True, help_text="The application the consultation led to, if it was linked."
    )


def consultation_out(consultation: Consultation, viewer: selectors.Viewer) -> dict[str, Any]:
    c = consultation
    # the asker reads their own question and its answer; the staff also who asked, answered and how long
    staff = viewer.user_id is None or c.asker_id != viewer.user_id
    answered = c.status == ConsultationStatus.ANSWERED
    return {
        "id": c.pk,
        "number": c.number,
        "status": c.status,
        "answer_due": c.answer_due,
        "channel": c.channel,
        "center": {"id": c.center_id, "name": c.center.name},
        "region": c.region.code,
        "matter_type": c.matter_type,
        "question": c.question,
        "asked_at": c.asked_at,
        "overdue": selectors.consultation_overdue(c),
        "answer": c.answer if answered else None,
        "referral": c.referral or None,
        "answered_at": c.answered_at,
        "anonymous": c.anonymous,
        "asker": {"name": c.asker_name, "phone": c.asker_phone} if staff and not c.anonymous else None,
        "answered_by": (person_name(c.answered_by) or None) if staff else None,
        "minutes": c.minutes if staff else None,
        "application_id": c.application_id,
    }


def _created(consultation: Consultation) -> dict[str, Any]:
    return {
        "id": consultation.pk,
        "number": consultation.number,
        "status": consultation.status,
        "answer_due": consultation.answer_due,
    }


class ConsultationListCreate(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ConsultationOut

    @extend_schema(
        tags=TAGS,
        responses={200: ConsultationOut(many=True)},
        description=(
            "The consultations the caller may see, newest first: a citizen their own questions and the "
            "answers; the people of a legal aid center (staff, lawyers on duty there) the center's; a "
            "judicial bureau those of its region and the regions under it."
        ),
    )
    def get(self, request: Request) -> Response:
        viewer = selectors.viewer_for(request.user)
        page = self.paginate_queryset(selectors.consultations_list(request.user, viewer=viewer))
        return self.get_paginated_response([consultation_out(c, viewer) for c in page])

    @extend_schema(
        tags=TAGS,
        request=ConsultationIn,
        responses={201: ConsultationCreatedOut},
        description=(
            "A citizen's online question (留言咨询) with `region`, `matter_type` and `question` (optionally "
            "`anonymous`): the legal aid center of that region answers it within the reply period of the "
            "rule in force (`answer_due`, 2 working days by default), through the task "
            "`answer_consultation`. A center's staff member (or a lawyer on duty there) records a "
            "consultation given on the 12348 hotline, at the window or at a grassroots station with "
            "`channel`, `answer`, `referral` (and the asker's name unless anonymous): answered at once, "
            "at their own center. No matter type, an unknown region, channel or referral, an empty "
            "question → 400, nothing saved. Another role → 403."
        ),
        examples=[
            OpenApiExample(
                "A citizen's question",
                value={
                    "region": "zhushan",
                    "matter_type": "wage_arrears",
                    "question": "老板拖欠工资怎么办？",
                },
                request_only=True,
            ),
            OpenApiExample(
                "A hotline consultation",
                value={
                    "channel": "hotline",
                    "matter_type": "maintenance",
                    "question": "子女不付赡养费，能否起诉？",
                    "answer": "可以向人民法院起诉要求支付赡养费，符合条件的可申请法律援助。",
                    "referral": "aid_application",
                    "minutes": 12,
                    "asker_name": "王某",
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        form = ConsultationIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        channel = (data.get("channel") or "").strip()
        fields: dict[str, Any] = {
            "region": data.get("region") or None,
            "matter_type": data.get("matter_type") or "",
            "question": data.get("question") or "",
            "anonymous": bool(data.get("anonymous")),
        }
        recording = selectors.recording_center_for(request.user) is not None
        if recording or (channel and channel != ConsultationChannel.ONLINE):
            consultation = services.consultation_record(
                acting_user=request.user,
                channel=channel,
                answer=data.get("answer") or "",
                referral=data.get("referral") or "",
                minutes=data.get("minutes"),
                asker_name=data.get("asker_name") or "",
                asker_phone=data.get("asker_phone") or "",
                **fields,
            )
        else:
            consultation = consultation_submit(acting_user=request.user, **fields)
        return Response(ConsultationCreatedOut(_created(consultation)).data, status=status.HTTP_201_CREATED)


class ConsultationDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses={200: ConsultationOut})
    def get(self, request: Request, pk: int) -> Response:
        viewer = selectors.viewer_for(request.user)
        try:
            consultation = selectors.consultations_visible_to(request.user, viewer).get(pk=pk)
        except Consultation.DoesNotExist as exc:
            raise Http404 from exc
        return Response(ConsultationOut(consultation_out(consultation, viewer)).data)


# --- the reply rate --------------------------------------------------------------------------------


class StatsIn(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=FIRST_YEAR, max_value=9999, help_text="Default: this year."
    )
    center = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="One aid center's id (GET /api/v1/centers/).",
    )


class StatsFiguresOut(serializers.Serializer):
    questions = serializers.IntegerField(
        help_text="Online questions asked in the year whose fate is known: answered, or open past their "
        "due date. Those still within their reply period are `pending`."
    )
    answered = serializers.IntegerField(help_text="Of those, the answered ones.")
    answered_on_time = serializers.IntegerField(help_text="Of those, answered on or before the due day.")
    reply_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        coerce_to_string=True,
        allow_null=True,
        help_text='answered_on_time ÷ questions, e.g. "0.9500"; null when there is no question.',
    )
    pending = serializers.IntegerField(help_text="Online questions still open within their reply period.")
    hotline = serializers.IntegerField(help_text="Consultations given on the 12348 hotline (a volume).")
    window = serializers.IntegerField(help_text="Consultations given at the window.")
    station = serializers.IntegerField(help_text="Consultations given at grassroots stations.")


class CenterStatsOut(StatsFiguresOut):
    center_id = serializers.IntegerField()
    name = serializers.CharField()
    reply_rate_target = serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=True, help_text='The rule\'s target, e.g. "1.0000".'
    )
    target_met = serializers.BooleanField(
        allow_null=True, help_text="Whether the rate reaches the target (exactly); null with no question."
    )


class StatsOut(StatsFiguresOut):
    year = serializers.IntegerField()
    centers = CenterStatsOut(many=True, help_text="The same figures for each center of the caller's scope.")


def _figures(stats: selectors.ConsultationStats) -> dict[str, Any]:
    return {
        "questions": stats.questions,
        "answered": stats.answered,
        "answered_on_time": stats.answered_on_time,
        "reply_rate": stats.reply_rate,
        "pending": stats.pending,
        "hotline": stats.hotline,
        "window": stats.window,
        "station": stats.station,
    }


class ConsultationStats(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        parameters=[StatsIn],
        responses={200: StatsOut, 403: ErrorOut, 404: ErrorOut},
        description=(
            "The year's reply rate of online questions (the seed's target: 100%) and the volume of "
            "consultations given on the hotline, at the window and at stations. A center's staff see their "
            "center, a judicial bureau the centers of its region and the regions under it; `center` "
            "narrows to one of them (404 for a center outside the caller's scope). Other roles → 403."
        ),
        examples=[
            OpenApiExample(
                "A center's year",
                value={
                    "year": 2026,
                    "questions": 40,
                    "answered": 40,
                    "answered_on_time": 38,
                    "reply_rate": "0.9500",
                    "pending": 2,
                    "hotline": 310,
                    "window": 122,
                    "station": 45,
                    "centers": [],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        scope = selectors.stats_scope_for(request.user)
        if scope is None:
            raise Forbidden(
                _("Only the legal aid centers and the judicial bureaus see the consultation figures.")
            )
        params = StatsIn(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        year = params.validated_data.get("year") or timezone.localdate().year
        center_id = params.validated_data.get("center")
        if center_id is not None and not scope.sees(center_id):
            raise Http404
        rows = selectors.center_stats_rows(scope, year=year, center_id=center_id)
        if center_id is not None and not rows:
            raise Http404  # not an aid center
        body = {
            "year": year,
            **_figures(selectors.total(rows)),
            "centers": [
                {
                    "center_id": row.id,
                    "name": row.name,
                    **_figures(row.stats),
                    "reply_rate_target": row.target,
                    "target_met": row.target_met,
                }
                for row in rows
            ],
        }
        return Response(StatsOut(body).data)


urlpatterns = [
    path("consultations/", ConsultationListCreate.as_view(), name="consultations"),
    path("consultations/stats/", ConsultationStats.as_view(), name="consultation-stats"),
    path("consultations/<int:pk>/", ConsultationDetail.as_view(), name="consultation"),
]

__all__ = ["consultation_out", "urlpatterns"]
