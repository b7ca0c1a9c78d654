"""Peer review of closed files (docs/api.md, Quality): the scorecard in force, a sampling run, the
scorecards of scored files. The ``peer_review`` task itself is completed through ``/api/v1/tasks/``.

Thin views: the sample, the reviewers and the grades are ``quality``'s (``scorecard``, services,
selectors); who sees a scorecard is ``quality.selectors.peer_review``'s. Points and totals are decimal
strings in whole or half points ("17.5").
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import Forbidden
from directory.choices import MatterCategory
from directory.selectors import user_is_center_staff
from quality.choices import Grade
from quality.models import PeerReview
from quality.scorecard import points_text
from quality.selectors import peer_review as selectors
from workflows.peer_review import sampling_submit

from .schema import ErrorOut
from .serializers import NumberAsTextField

TAGS = ["quality"]


class ScorecardItemsQuery(serializers.Serializer):
    matter_category = serializers.ChoiceField(
        choices=MatterCategory.choices, help_text="The matter category whose scorecard is asked for."
    )


class ScorecardItemOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    max_points = serializers.CharField(help_text='Whole or half points, e.g. "20" or "7.5".')


class ScorecardItemList(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ScorecardItemOut

    @extend_schema(
        tags=TAGS,
        parameters=[ScorecardItemsQuery],
        responses={200: ScorecardItemOut(many=True), 403: ErrorOut},
        description=(
            "The 100-point peer-review scorecard in force today for a matter category (rule rows: the items "
            "for every category and the category's own), in its order. The staff of an aid center; other "
            "roles → 403."
        ),
    )
    def get(self, request):
        if not user_is_center_staff(request.user):
            raise Forbidden(_("Only the staff of an aid center read the peer-review scorecard."))
        # a plain dict: an empty value (``?matter_category=``) is judged as given, not skipped
        query = ScorecardItemsQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        items = selectors.scorecard_in_force(query.validated_data["matter_category"])
        page = self.paginate_queryset(items)
        return self.get_paginated_response([item.as_dict() for item in page])


class SamplingIn(serializers.Serializer):
    period_from = serializers.DateField(help_text="Closed cases whose closure date is on or after this day.")
    period_to = serializers.DateField(help_text="…and on or before this day.")
    share = NumberAsTextField(
        max_length=32,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text='The share of the closed files to sample, above 0 and at most 1 (e.g. "0.06"); or null.',
    )
    count = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=10000, help_text="Or a number."
    )
    seed = serializers.IntegerField(
        min_value=0,
        max_value=2**63 - 1,
        help_text="Makes the draw reproducible: the same seed, the same files.",
    )
    center_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Only for a director of several centers: which one. A center the caller does not direct → 404.",
    )


class SamplingOut(serializers.Serializer):
    id = serializers.IntegerField()
    applications = serializers.ListField(
        child=serializers.IntegerField(), help_text="The ids of the cases sampled, in order."
    )


class SamplingCreate(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=SamplingIn,
        responses={201: SamplingOut, 404: ErrorOut},
        description=(
            "A center's director samples the center's closed cases whose closure date falls in the period: "
            "exactly one of `share` and `count` (the other omitted or null), drawn reproducibly from `seed`, "
            "with the mix of matter categories of the sampling rule in force. Each file gets a `peer_review` "
            "task for a reviewer or director of any center (never a provider) with no conflict: not one who "
            "filed, decided, assigned, handled or closed the case. Files already sampled are not drawn again. "
            "Other roles → 403; 409 when a category's scorecard does not add up to 100 or nobody may review "
            "a file without a conflict."
        ),
    )
    def post(self, request):
        centers = list(selectors.directed_centers(request.user))
        if not centers:
            raise Forbidden(_("Only a center's director samples its closed files for peer review."))
        form = SamplingIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        center_id = data.get("center_id")
        if center_id is not None:
            center = next((c for c in centers if c.pk == center_id), None)
            if center is None:
                raise Http404
        elif len(centers) == 1:
            center = centers[0]
        else:
            raise serializers.ValidationError(
                {"center_id": [_("You direct several centers: say which one samples its files.")]}
            )
        sampling = sampling_submit(
            acting_user=request.user,
            center=center,
            period_from=data["period_from"],
            period_to=data["period_to"],
            share=data.get("share"),
            count=data.get("count"),
            seed=data["seed"],
        )
        return Response(
            {"id": sampling.pk, "applications": sorted(sampling.picked)},  # type: ignore[attr-defined]
            status=status.HTTP_201_CREATED,
        )


class ScorecardsQuery(serializers.Serializer):
    application_id = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Only this case's scorecards."
    )


class ScorecardOut(serializers.Serializer):
    id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    total = serializers.CharField(help_text='Out of 100, in whole or half points: "89.5".')
    grade = serializers.ChoiceField(choices=Grade.choices)
    scores = serializers.DictField(
        child=serializers.CharField(), help_text='{"code": "points"} for every item.'
    )
    scored_at = serializers.DateTimeField()


def scorecard_out(review: PeerReview) -> dict:
    return {
        "id": review.pk,
        "application_id": review.application_id,
        "total": points_text(review.total),
        "grade": review.grade,
        "scores": dict(review.scores),
        "scored_at": review.scored_at,
    }


class ScorecardList(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ScorecardOut

    @extend_schema(
        tags=TAGS,
        parameters=[ScorecardsQuery],
        responses={200: ScorecardOut(many=True), 404: ErrorOut},
        description=(
            "Scored peer reviews the caller may see, newest first: the staff of the case's center, the "
            "judicial bureau of its region, the reviewer, and the provider whose file it is (their own "
            "grades only). With `application_id`: that case's; a case whose scorecards the caller may not "
            "see → 404."
        ),
    )
    def get(self, request):
        query = ScorecardsQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        application_id = query.validated_data.get("application_id")
        if application_id is None:
            reviews = selectors.scorecards_visible_to(request.user)
        else:
            try:
                reviews = selectors.scorecards_for_application(request.user, application_id)
            except selectors.NotVisible as exc:
                raise Http404 from exc
        page = self.paginate_queryset(reviews.select_related(None).only(*SCORECARD_FIELDS))
        return self.get_paginated_response([scorecard_out(review) for review in page])


# what a scorecard row reads: no joins beyond what visibility needs
SCORECARD_FIELDS = ("id", "application_id", "total", "grade", "scores", "scored_at")


urlpatterns = [
    path("quality/scorecard-items/", ScorecardItemList.as_view(), name="quality-scorecard-items"),
    path("quality/samplings/", SamplingCreate.as_view(), name="quality-samplings"),
    path("quality/scorecards/", ScorecardList.as_view(), name="quality-scorecards"),
]
