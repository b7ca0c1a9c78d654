"""A case after the decision (docs/api.md, Applications): recommendations, reassignment, progress
notes and the rating. Thin views over the assignments services and selectors."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aid_cases import selectors
from aid_cases.choices import Status
from aid_cases.models import Application
from assignments.recommend import recommendations_for
from assignments.services import handling
from assignments.services.handling import closing_checklist
from directory.selectors import user_center_ids
from workflows.services import assignment_reassign

from . import serializers as s


def _visible(request, pk: int) -> Application:
    try:
        return selectors.application_get(user=request.user, pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


class RecommendationOut(serializers.Serializer):
    provider = s.ProviderSerializer()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    cross_region = serializers.BooleanField()


class ApplicationRecommendations(generics.GenericAPIView):
    """Eligible providers for the case, best first, each with the reasons (center staff only)."""

    permission_classes = [IsAuthenticated]
    serializer_class = RecommendationOut

    @extend_schema(
        tags=["applications"],
        responses={200: RecommendationOut(many=True)},
        description="The handling center's staff; 404 for anyone else. Ineligible providers are left out.",
    )
    def get(self, request, pk: int):
        application = _visible(request, pk)
        if application.center_id not in user_center_ids(request.user):
            raise Http404
        rows = [
            {"provider": r.provider, "score": r.score, "reasons": r.reasons, "cross_region": r.cross_region}
            for r in recommendations_for(application)
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RecommendationOut(page, many=True).data)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")


class ReassignOut(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    replaced = serializers.IntegerField(help_text="The provider who was replaced.")


class ApplicationReassign(APIView):
    """Replace the provider (Art 55): the case goes back to assignment (reviewers and directors)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["applications"],
        request=ReasonIn,
        responses={200: ReassignOut},
        description=(
            "The handling center's reviewers and directors (403 for other roles who see the case); "
            "409 unless a provider is assigned or handling the case; 400 without a reason."
        ),
    )
    def post(self, request, pk: int):
        application = _visible(request, pk)
        form = ReasonIn(data=request.data)
        form.is_valid(raise_exception=True)
        assignment = assignment_reassign(
            acting_user=request.user, application=application, reason=form.validated_data["reason"] or ""
        )
        return Response({"status": application.status, "replaced": assignment.provider_id})


class NoteIn(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, required=False, default=0, min_value=0, max_value=24
    )
    noted_on = serializers.DateField(required=False, allow_null=True, default=None)


class NoteOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    noted_on = serializers.DateField()


class ApplicationNotes(APIView):
    """The handling provider's progress notes with hours."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["applications"], responses={200: NoteOut(many=True)})
    def get(self, request, pk: int):
        application = _visible(request, pk)
        notes = application.progress_notes.order_by("noted_on", "pk")
        return Response(NoteOut(notes, many=True).data)

    @extend_schema(
        tags=["applications"],
        request=NoteIn,
        responses={201: NoteOut},
        description="The provider handling the case (403 for others who see it); 409 unless it is in progress.",
    )
    def post(self, request, pk: int):
        application = _visible(request, pk)
        form = NoteIn(data=request.data)
        form.is_valid(raise_exception=True)
        note = handling.progress_note_add(
            acting_user=request.user,
            application=application,
            text=form.validated_data["text"] or "",
            hours=form.validated_data["hours"],
            noted_on=form.validated_data["noted_on"],
        )
        return Response(NoteOut(note).data, status=status.HTTP_201_CREATED)


class RatingIn(serializers.Serializer):
    # The service says what a score may be: 1 to 5, and the API's error format names the field.
    score = serializers.JSONField(help_text="1 to 5; 4 and 5 count as satisfied.")
    comment = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")


class RatingOut(serializers.Serializer):
    score = serializers.IntegerField()
    comment = serializers.CharField(allow_blank=True)
    rated_at = serializers.DateTimeField()


class ApplicationRating(APIView):
    """The applicant rates the aid once, after closure."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["applications"],
        request=RatingIn,
        responses={201: RatingOut},
        description="The applicant's side only (403 for others who see the case); 409 before closure or "
        "after a first rating; 400 for a score outside 1 to 5.",
    )
    def post(self, request, pk: int):
        application = _visible(request, pk)
        form = RatingIn(data=request.data)
        form.is_valid(raise_exception=True)
        rating = handling.rating_give(
            acting_user=request.user,
            application=application,
            score=form.validated_data["score"],
            comment=form.validated_data["comment"] or "",
        )
        return Response(RatingOut(rating).data, status=status.HTTP_201_CREATED)


class ClosingLineOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    documents = serializers.ListField(child=serializers.IntegerField(), help_text="The uploaded files' ids.")


class ClosingFileIn(serializers.Serializer):
    item = serializers.CharField(max_length=32, help_text="The code of a checklist item.")
    file = serializers.FileField(allow_empty_file=False, max_length=200)


class ApplicationClosingFile(APIView):
    """The closing file's checklist for the case, and the provider's uploads to it."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=["applications"], responses={200: ClosingLineOut(many=True)})
    def get(self, request, pk: int):
        application = _visible(request, pk)
        lines = closing_checklist(application)
        return Response(
            ClosingLineOut(
                [
                    {
                        "code": line.code,
                        "label": line.label,
                        "required": line.required,
                        "documents": [d.pk for d in line.documents],
                    }
                    for line in lines
                ],
                many=True,
            ).data
        )

    @extend_schema(
        tags=["applications"],
        request={"multipart/form-data": ClosingFileIn},
        responses={201: s.DocumentAddedOut},
        description="The provider handling the case, while it is in progress or its report under review.",
    )
    def post(self, request, pk: int):
        application = _visible(request, pk)
        form = ClosingFileIn(data=request.data)
        form.is_valid(raise_exception=True)
        document = handling.closing_document_add(
            acting_user=request.user,
            application=application,
            item=form.validated_data["item"],
            upload=form.validated_data["file"],
        )
        return Response(
            {"id": document.pk, "content_type": document.content_type, "size": document.size},
            status=status.HTTP_201_CREATED,
        )
