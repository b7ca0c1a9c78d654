"""Collaboration letters between centers (docs/api.md, Intake across the city; 法律援助协作函): sending one, the
lists and the detail, the letter's PDF, and the answer of a center outside the city recorded by hand. A
center of the city answers through the task ``answer_collaboration`` (``/api/v1/tasks/``).

Thin views: what makes a letter acceptable is ``aid_cases.services.collaboration``' to say (the
serializers only parse, leniently, so that every problem comes back at once with the service's field
names), and who sees what is ``aid_cases.collaboration_selectors``': the staff of the requesting and of
the receiving center see the letter, anyone else gets 404, and the receiving center never the case.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aid_cases import collaboration_selectors as selectors
from aid_cases.choices import CollaborationRequest, CollaborationStatus
from aid_cases.models import Application, CollaborationLetter
from aid_cases.selectors import applications_visible_to
from core.site import site_base_url
from directory.selectors import user_center_ids
from documents.selectors import document_by_code
from documents.services import document_pdf
from workflows.collaboration import collaboration_answer_by_hand, collaboration_send

from .fee_waivers import LetterOut  # {"code", "url"}: one component in the schema for every letter
from .schema import ErrorOut
from .service_logs import RefOut  # {"id", "name"}

TAGS = ["collaboration letters"]
MAX_ID = 2**31 - 1
# which way a letter goes for the caller: the choices of ``direction`` (its schema enum, config/settings.py)
DIRECTIONS = [selectors.SENT, selectors.RECEIVED]


class LetterIn(serializers.Serializer):
    application_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The requesting case, one of the caller's center."
    )
    to_center_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="An aid center of the city (`GET /api/v1/centers/`), not the case's own; null with `to_outside_name`.",
    )
    to_outside_name = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text="Only when `to_center_id` is null: the name of a center outside the city (at most 128).",
    )
    request = serializers.CharField(
        max_length=64, allow_blank=True, help_text="evidence, service, visit or other."
    )
    details = serializers.CharField(
        max_length=20000, allow_blank=True, help_text="What the other center should do (at most 4000)."
    )
    due = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "Optional: answer by this day (after today, within a year). A rest day moves to the next "
            "working day (`due_requested` then keeps the day asked for). Omitted: the collaboration rule's "
            "working days from today (10 by default)."
        ),
    )


class AnswerIn(serializers.Serializer):
    done = serializers.BooleanField(help_text="true: done, with `result`; false: not done, with `reason`.")
    result = serializers.CharField(
        max_length=20000,
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text="Required when done: what was done and found (at most 4000).",
    )
    reason = serializers.CharField(
        max_length=20000,
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        help_text="Required when not done: why (at most 4000).",
    )


class CollaborationLetterOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="The letter's number, e.g. XZ-2026-000012.")
    direction = serializers.ChoiceField(
        choices=DIRECTIONS,
        help_text="`received` for the receiving center's staff, `sent` for the requesting center's.",
    )
    application_id = serializers.IntegerField(
        help_text="The requesting case (the receiving center cannot open it)."
    )
    tracking_no = serializers.CharField(
        help_text="The requesting case's tracking number, as the letter prints it."
    )
    from_center = RefOut()
    to_center = RefOut(allow_null=True, help_text="An aid center of the city; null for one outside it.")
    to_outside_name = serializers.CharField(help_text="The center outside the city; empty otherwise.")
    request = serializers.ChoiceField(choices=CollaborationRequest.choices)
    details = serializers.CharField()
    due = serializers.DateField(help_text="Answer by (a working day).")
    due_requested = serializers.DateField(
        allow_null=True,
        help_text="The day asked for when it was a rest day and the deadline moved; else null.",
    )
    status = serializers.ChoiceField(choices=CollaborationStatus.choices)
    overdue = serializers.BooleanField(help_text="Unanswered after its deadline.")
    result = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    sent_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    letter = LetterOut(allow_null=True, help_text="The 法律援助协作函 (PDF) with its verification code.")


def letter_out(letter: CollaborationLetter, centers: list[int], today: Any = None) -> dict[str, Any]:
    return {
        "id": letter.pk,
        "number": letter.number,
        "direction": selectors.letter_direction(letter, centers),
        "application_id": letter.application_id,
        "tracking_no": letter.application.tracking_no,
        "from_center": {"id": letter.from_center_id, "name": letter.from_center.name},
        "to_center": None
        if letter.to_center is None
        else {"id": letter.to_center_id, "name": letter.to_center.name},
        "to_outside_name": letter.to_outside_name,
        "request": letter.request,
        "details": letter.details,
        "due": letter.due,
        "due_requested": letter.due_requested,
        "status": letter.status,
        "overdue": selectors.letter_overdue(letter, today),
        "result": letter.result or None,
        "reason": letter.reason or None,
        "sent_at": letter.sent_at,
        "answered_at": letter.answered_at,
        "letter": None
        if not letter.letter_code
        else {"code": letter.letter_code, "url": f"/api/v1/collaboration-letters/{letter.pk}/letter/"},
    }


def _visible(request: Request, pk: int) -> CollaborationLetter:
    try:
        return selectors.letter_get(user=request.user, pk=pk)
    except CollaborationLetter.DoesNotExist as exc:
        raise Http404 from exc


def _detail(request: Request, pk: int) -> dict[str, Any]:
    return letter_out(_visible(request, pk), user_center_ids(request.user))


class LetterListQuery(serializers.Serializer):
    direction = serializers.ChoiceField(choices=DIRECTIONS, required=False)
    status = serializers.ChoiceField(choices=CollaborationStatus.choices, required=False)
    application_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class CollaborationLetterListCreate(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CollaborationLetterOut

    @extend_schema(
        tags=TAGS,
        parameters=[LetterListQuery],
        responses={200: CollaborationLetterOut(many=True)},
        description=(
            "The letters sent and received by the caller's center (its clerks, reviewers and directors), "
            "newest first; `direction`, `status` and `application_id` narrow the list. Anyone else: empty."
        ),
    )
    def get(self, request: Request) -> Response:
        query = LetterListQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        centers = user_center_ids(request.user)
        qs = selectors.letters_list(
            request.user,
            centers=centers,
            direction=params.get("direction"),
            status=params.get("status"),
            application_id=params.get("application_id"),
        )
        page = self.paginate_queryset(qs)
        today = timezone.localdate()
        return self.get_paginated_response([letter_out(letter, centers, today) for letter in page])

    @extend_schema(
        tags=TAGS,
        request=LetterIn,
        responses={201: CollaborationLetterOut, 404: ErrorOut},
        description=(
            "Send a collaboration letter (法律援助协作函) for a case of the caller's center (its reviewers and "
            "directors; other roles → 403, a case the caller cannot see → 404) while it is under review or "
            "granted and not yet closing (else 409), to another aid center of the city — whose reviewers "
            "and directors then find the task `answer_collaboration` in their queue — or to a center outside "
            "the city named by hand. The letter is issued on the case (`letter`). 400, nothing saved: the "
            "case's own center, an unknown center, both or neither addressee, an unknown request, no details, "
            "a deadline today or before."
        ),
    )
    def post(self, request: Request) -> Response:
        form = LetterIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            application = applications_visible_to(request.user).get(pk=data["application_id"])
        except Application.DoesNotExist as exc:
            raise Http404 from exc
        letter = collaboration_send(
            acting_user=request.user,
            base_url=site_base_url(request),
            application=application,
            to_center=data.get("to_center_id"),
            to_outside_name=data.get("to_outside_name") or "",
            request=data["request"],
            details=data["details"],
            due=data.get("due"),
        )
        return Response(_detail(request, letter.pk), status=status.HTTP_201_CREATED)


class CollaborationLetterDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses={200: CollaborationLetterOut})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(request, pk))


class CollaborationLetterAnswer(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=AnswerIn,
        responses={200: CollaborationLetterOut},
        description=(
            "The answer of a center outside the city, recorded by hand by the requesting center's reviewers "
            "and directors: done with the result, or not done with the reasons. Once only (then 409); a "
            "letter to a center of the city is answered in that center's task `answer_collaboration` (409)."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        letter = _visible(request, pk)
        form = AnswerIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        collaboration_answer_by_hand(
            acting_user=request.user,
            letter=letter,
            done=data["done"],
            result=data.get("result") or "",
            reason=data.get("reason") or "",
        )
        return Response(_detail(request, pk))


class CollaborationLetterPdf(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        responses={
            (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="PDF")
        },
        description="The 法律援助协作函, to the staff of the requesting and of the receiving center.",
    )
    def get(self, request: Request, pk: int) -> Response:
        letter = _visible(request, pk)
        document = document_by_code(letter.letter_code) if letter.letter_code else None
        if document is None:
            raise Http404
        return FileResponse(
            document_pdf(document=document),
            content_type="application/pdf",
            filename=f"{document.display_code}.pdf",
        )


urlpatterns = [
    path("collaboration-letters/", CollaborationLetterListCreate.as_view(), name="collaboration-letters"),
    path("collaboration-letters/<int:pk>/", CollaborationLetterDetail.as_view(), name="collaboration-letter"),
    path(
        "collaboration-letters/<int:pk>/answer/",
        CollaborationLetterAnswer.as_view(),
        name="collaboration-letter-answer",
    ),
    path(
        "collaboration-letters/<int:pk>/letter/",
        CollaborationLetterPdf.as_view(),
        name="collaboration-letter-pdf",
    ),
]

__all__ = ["letter_out", "urlpatterns"]
