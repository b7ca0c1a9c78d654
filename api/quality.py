"""Quality supervision (docs/api.md, Quality; Legal Aid Law Arts 57, 59): the follow-up rates, and a
case's follow-up calls, hearing observations and requests for the handling agency's view.

Thin views: what is counted and who sees which center is ``quality.selectors.follow_ups``' to say, and
what makes a call, an observation or a request acceptable is ``quality.services``'; the serializers only
parse and publish the shapes. Starting a process beside a record is ``workflows.follow_ups``'. A case's
quality records are shown to its center's staff; anyone else who may see the case gets 404 on them,
and 403 on writing them (their role never may).
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
from rest_framework.response import Response
from rest_framework.views import APIView

from aid_cases import selectors as application_selectors
from aid_cases.models import Application
from core.errors import Forbidden
from directory.people import person_name
from quality.choices import FollowUpPoint, FollowUpStatus
from quality.models import FeedbackAssessment, FeedbackRequest, FeedbackStatus, FollowUp, HearingObservation
from quality.selectors import follow_ups as rates
from quality.selectors.hearings import feedback_for_case, hearings_for_case
from quality.services import hearings
from workflows.follow_ups import feedback_request_submit, follow_up_start

from .schema import ErrorOut

TAGS = ["quality"]
FIRST_YEAR = 2022  # the Legal Aid Law's first year


def _case(request, pk: int) -> Application:
    """The case, when the caller may see it (404 otherwise)."""
    try:
        return application_selectors.application_get(user=request.user, pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


def _case_quality(request, pk: int) -> Application:
    """The case, when the caller may see its quality records: its center's staff (404 otherwise)."""
    application = _case(request, pk)
    if not rates.user_sees_case_quality(request.user, application):
        raise Http404
    return application


class QualityRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _ref(obj: Any) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


# --- the rates -------------------------------------------------------------------------------------


class RatesIn(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=FIRST_YEAR, max_value=9999, help_text="Default: this year."
    )
    center = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="One aid center's id (GET /api/v1/centers/).",
    )


def _rate_field(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=True, allow_null=True, help_text=help_text
    )


class RatesFiguresOut(serializers.Serializer):
    follow_ups = serializers.IntegerField(help_text="Follow-up calls recorded in the year.")
    reached = serializers.IntegerField(help_text="Of those, the calls that reached the recipient.")
    reach_rate = _rate_field('reached ÷ follow_ups, e.g. "0.9500"; null when no call was recorded.')
    satisfied = serializers.IntegerField(
        help_text="Scores of 4 or 5 among the opinions: calls' scores and the applicants' own ratings."
    )
    opinions = serializers.IntegerField(
        help_text=(
            "The satisfaction rate's denominator: every reached call's score and every applicant's rating "
            "given in the year, a case's final opinion once (a call after closure and the rating: the "
            "first of the two)."
        )
    )
    ratings = serializers.IntegerField(help_text="Of the opinions, the applicants' own ratings.")
    satisfaction_rate = _rate_field('satisfied ÷ opinions, e.g. "0.9600"; null when there is no opinion.')


class CenterRatesOut(RatesFiguresOut):
    center_id = serializers.IntegerField()
    name = serializers.CharField()


class RatesOut(RatesFiguresOut):
    year = serializers.IntegerField()
    centers = CenterRatesOut(many=True, help_text="The same figures for each center of the caller's scope.")


def _figures(figures: rates.FollowUpRates) -> dict:
    return {
        "follow_ups": figures.follow_ups,
        "reached": figures.reached,
        "reach_rate": figures.reach_rate,
        "satisfied": figures.satisfied,
        "opinions": figures.opinions,
        "ratings": figures.ratings,
        "satisfaction_rate": figures.satisfaction_rate,
    }


class QualityRates(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        parameters=[RatesIn],
        responses={200: RatesOut, 403: ErrorOut, 404: ErrorOut},
        description=(
            "The year's follow-up reach rate and satisfaction rate (Arts 57, 59; scores 4 and 5 count as "
            "satisfied, from calls and from the applicants' ratings). A center's staff see their center, "
            "a judicial bureau the centers of its region and the regions under it; ``center`` narrows to "
            "one of them (404 for a center outside the caller's scope). Other roles → 403. Rates are "
            "decimal strings with 4 places, null when nothing was counted."
        ),
        examples=[
            OpenApiExample(
                "A center's year",
                value={
                    "year": 2026,
                    "follow_ups": 20,
                    "reached": 19,
                    "reach_rate": "0.9500",
                    "satisfied": 24,
                    "opinions": 25,
                    "ratings": 6,
                    "satisfaction_rate": "0.9600",
                    "centers": [],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        scope = rates.rates_scope_for(request.user)
        if scope is None:
            raise Forbidden(_("Only the aid centers and the judicial bureaus see the follow-up rates."))
        params = RatesIn(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        year = params.validated_data.get("year") or timezone.localdate().year
        center_id = params.validated_data.get("center")
        if center_id is not None and not scope.sees(center_id):
            raise Http404
        rows = rates.center_rows(scope, year=year, center_id=center_id)
        if center_id is not None and not rows:
            raise Http404  # not an aid center
        total = sum((row.rates for row in rows), rates.FollowUpRates())
        body = {
            "year": year,
            **_figures(total),
            "centers": [{"center_id": row.id, "name": row.name, **_figures(row.rates)} for row in rows],
        }
        return Response(RatesOut(body).data)


# --- a case's follow-up calls ---------------------------------------------------------------------


class FollowUpOpenIn(serializers.Serializer):
    point = serializers.CharField(
        max_length=32,
        help_text="assignment, mid_case or closure (`FollowUpPoint`); the rule in force decides.",
    )


class FollowUpOut(serializers.Serializer):
    id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    point = serializers.ChoiceField(choices=FollowUpPoint.choices)
    status = serializers.ChoiceField(choices=FollowUpStatus.choices)
    opened_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    provider = QualityRefOut(allow_null=True)
    reached = serializers.BooleanField(allow_null=True)
    satisfaction = serializers.IntegerField(allow_null=True)
    asked_for_money = serializers.BooleanField()
    responsive = serializers.BooleanField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField(allow_null=True)
    complaint_id = serializers.IntegerField(allow_null=True, help_text="The complaint a money answer opened.")


def _follow_up_out(follow_up: FollowUp) -> dict:
    return {
        "id": follow_up.pk,
        "application_id": follow_up.application_id,
        "point": follow_up.point,
        "status": follow_up.status,
        "opened_at": follow_up.opened_at,
        "due_on": follow_up.due_on,
        "provider": _ref(follow_up.provider),
        "reached": follow_up.reached,
        "satisfaction": follow_up.satisfaction,
        "asked_for_money": follow_up.asked_for_money,
        "responsive": follow_up.responsive,
        "comment": follow_up.comment,
        "recorded_at": follow_up.recorded_at,
        "complaint_id": follow_up.complaint_id,
    }


class ApplicationFollowUps(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FollowUpOut

    @extend_schema(
        tags=TAGS,
        responses={200: FollowUpOut(many=True)},
        description="The case's follow-up calls, oldest first: its center's staff (404 for anyone else).",
    )
    def get(self, request, pk: int):
        application = _case_quality(request, pk)
        page = self.paginate_queryset(list(rates.follow_ups_for_case(application.pk)))
        return self.get_paginated_response(FollowUpOut([_follow_up_out(f) for f in page], many=True).data)

    @extend_schema(
        tags=TAGS,
        request=FollowUpOpenIn,
        responses={201: FollowUpOut},
        description=(
            "Open a follow-up call and its `follow_up` task (the center's reviewers and directors; 403 for "
            "others who see the case). 400 for a call at assignment or mid-case when the rule in force "
            "makes calls after closure only, or at a point the case has not reached (after closure: a "
            "closed case); 409 while a call at that point is open."
        ),
    )
    def post(self, request, pk: int):
        application = _case(request, pk)
        body = FollowUpOpenIn(data=request.data)
        body.is_valid(raise_exception=True)
        follow_up = follow_up_start(
            acting_user=request.user, application=application, point=body.validated_data["point"]
        )
        return Response(_follow_up_out(follow_up), status=status.HTTP_201_CREATED)


# --- hearing observations --------------------------------------------------------------------------

_SCORE_HELP = "1 (poor) to 5 (excellent)."


class HearingObservationIn(serializers.Serializer):
    date = serializers.DateField(help_text="The hearing's date (not in the future).")
    court_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="A court of the directory.",
    )
    court_name = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=400,
        help_text="A court not in the directory.",
    )
    # the service says what a score may be, and the error names the field
    preparation = serializers.JSONField(help_text=_SCORE_HELP)
    examination = serializers.JSONField(help_text=f"Examination of evidence and questioning: {_SCORE_HELP}")
    argument = serializers.JSONField(help_text=_SCORE_HELP)
    conduct = serializers.JSONField(help_text=f"Conduct in court: {_SCORE_HELP}")
    comment = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=8000)


class HearingObservationOut(serializers.Serializer):
    id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    date = serializers.DateField()
    court = QualityRefOut(allow_null=True)
    court_name = serializers.CharField(help_text="The court's name, from the directory or as given.")
    observer = serializers.CharField(help_text="The observer's name.")
    provider = QualityRefOut(allow_null=True)
    preparation = serializers.IntegerField()
    examination = serializers.IntegerField()
    argument = serializers.IntegerField()
    conduct = serializers.IntegerField()
    total = serializers.IntegerField(help_text="The four scores added up (4 to 20).")
    comment = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField()


def _hearing_out(observation: HearingObservation) -> dict:
    return {
        "id": observation.pk,
        "application_id": observation.application_id,
        "date": observation.date,
        "court": _ref(observation.court),
        "court_name": observation.court_label,
        "observer": person_name(observation.observer),
        "provider": _ref(observation.provider),
        "preparation": observation.preparation,
        "examination": observation.examination,
        "argument": observation.argument,
        "conduct": observation.conduct,
        "total": observation.total,
        "comment": observation.comment,
        "recorded_at": observation.recorded_at,
    }


class ApplicationHearingObservations(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = HearingObservationOut

    @extend_schema(
        tags=TAGS,
        responses={200: HearingObservationOut(many=True)},
        description="The case's hearing observations, the latest first: its center's staff (404 for others).",
    )
    def get(self, request, pk: int):
        application = _case_quality(request, pk)
        page = self.paginate_queryset(list(hearings_for_case(application.pk)))
        return self.get_paginated_response(
            HearingObservationOut([_hearing_out(h) for h in page], many=True).data
        )

    @extend_schema(
        tags=TAGS,
        request=HearingObservationIn,
        responses={201: HearingObservationOut},
        description=(
            "Record a hearing the caller observed (Art 59): the center's reviewers and directors (403 for "
            "others who see the case). 400, nothing saved, for a score outside 1 to 5, a date in the future "
            "or no court; 409 when no provider handles or handled the case."
        ),
    )
    def post(self, request, pk: int):
        application = _case(request, pk)
        body = HearingObservationIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        observation = hearings.hearing_observation_record(
            acting_user=request.user,
            application=application,
            date=data["date"],
            court_id=data.get("court_id"),
            court_name=data.get("court_name") or "",
            preparation=data["preparation"],
            examination=data["examination"],
            argument=data["argument"],
            conduct=data["conduct"],
            comment=data.get("comment") or "",
        )
        return Response(_hearing_out(observation), status=status.HTTP_201_CREATED)


# --- requests for the agency's view ----------------------------------------------------------------


class FeedbackRequestIn(serializers.Serializer):
    agency_id = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="A court or procuratorate (GET /api/v1/institutions/?kind=court lists the courts).",
    )
    question = serializers.CharField(max_length=4000, allow_blank=True)
    due_on = serializers.DateField(
        required=False, allow_null=True, help_text="Answer by; default 15 days from today, at most 90."
    )


class QualityAgencyOut(QualityRefOut):
    kind = serializers.CharField()


class FeedbackRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    agency = QualityAgencyOut()
    provider = QualityRefOut(allow_null=True)
    question = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=FeedbackStatus.choices)
    assessment = serializers.ChoiceField(choices=FeedbackAssessment.choices, allow_null=True)
    answer = serializers.CharField(allow_blank=True)
    requested_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


def _feedback_out(feedback: FeedbackRequest) -> dict:
    return {
        "id": feedback.pk,
        "application_id": feedback.application_id,
        "agency": {"id": feedback.agency_id, "name": feedback.agency.name, "kind": feedback.agency.kind},
        "provider": _ref(feedback.provider),
        "question": feedback.question,
        "due_on": feedback.due_on,
        "status": feedback.status,
        "assessment": feedback.assessment or None,
        "answer": feedback.answer,
        "requested_at": feedback.requested_at,
        "answered_at": feedback.answered_at,
    }


class ApplicationFeedbackRequests(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FeedbackRequestOut

    @extend_schema(
        tags=TAGS,
        responses={200: FeedbackRequestOut(many=True)},
        description="The case's requests for an agency's view and their answers: its center's staff.",
    )
    def get(self, request, pk: int):
        application = _case_quality(request, pk)
        page = self.paginate_queryset(list(feedback_for_case(application.pk)))
        return self.get_paginated_response(
            FeedbackRequestOut([_feedback_out(f) for f in page], many=True).data
        )

    @extend_schema(
        tags=TAGS,
        request=FeedbackRequestIn,
        responses={201: FeedbackRequestOut},
        description=(
            "Ask the court or procuratorate handling the case for its view of the provider's work (Art 59): "
            "the center's reviewers and directors (403 for others who see the case). The agency's officers "
            "answer through their task `answer_feedback` (`assessment`: satisfied, basically_satisfied or "
            "not_satisfied; `answer`, required when not satisfied). 409 while a question to that agency is "
            "unanswered, or when no provider handles or handled the case."
        ),
    )
    def post(self, request, pk: int):
        application = _case(request, pk)
        body = FeedbackRequestIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        feedback = feedback_request_submit(
            acting_user=request.user,
            application=application,
            agency_id=data["agency_id"],
            question=data["question"],
            due_on=data.get("due_on"),
        )
        return Response(_feedback_out(feedback), status=status.HTTP_201_CREATED)


urlpatterns = [
    path("quality/rates/", QualityRates.as_view(), name="quality-rates"),
    path(
        "applications/<int:pk>/follow-ups/",
        ApplicationFollowUps.as_view(),
        name="quality-application-follow-ups",
    ),
    path(
        "applications/<int:pk>/hearing-observations/",
        ApplicationHearingObservations.as_view(),
        name="quality-application-hearing-observations",
    ),
    path(
        "applications/<int:pk>/feedback-requests/",
        ApplicationFeedbackRequests.as_view(),
        name="quality-application-feedback-requests",
    ),
]
