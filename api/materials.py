"""The materials checklist (申请材料清单, docs/api.md, Intake across the city): public, like the directory.

Thin: the rows in force and the means-test path are ``aid_cases.checklist_rules``'s, the choice of
items ``aid_cases.checklist``'s. A plain list (API.md), not paginated: a case has a handful of items.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from aid_cases import checklist_rules
from aid_cases.checklist import MaterialCode
from aid_cases.means import DefenceReason


class MaterialsQuery(serializers.Serializer):
    matter_type = serializers.CharField(
        max_length=32, help_text="The matter type (as for applications), or one a local rule adds."
    )
    region = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="The region's code: its own rows too. Omitted: the rows for every region.",
    )
    representative = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Someone applies for a minor or a person without full capacity (Art 40).",
    )
    fixed_income = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Whether the applicant has a fixed source of income (Art 42's exemptions for minors, "
        "elderly and disabled people need none); omitted: not known, so not exempt on that ground.",
    )
    defence_reason = serializers.ChoiceField(
        choices=DefenceReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="A criminal defence's reason (Art 24); ignored for other matters.",
    )


class MaterialOut(serializers.Serializer):
    code = serializers.ChoiceField(choices=MaterialCode.choices)
    label = serializers.CharField(help_text="What to bring or upload, in Chinese (the bureau's rule rows).")
    required = serializers.BooleanField()
    why = serializers.CharField(help_text="Why it is asked for; may be empty.")


def _categories(params) -> list[str]:
    """``?categories=a,b`` and ``?categories=a&categories=b`` alike; blanks dropped."""
    return [
        code.strip() for value in params.getlist("categories") for code in value.split(",") if code.strip()
    ]


class MaterialsChecklist(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # public: a stale token or session never stands in the way

    @extend_schema(
        tags=["applications"],
        operation_id="materials_checklist",
        parameters=[
            OpenApiParameter(
                "categories",
                str,
                description="The applicant's special groups, comma-separated or the parameter repeated "
                "(as for applications: migrant_worker, disabled, ...). Omitted: none.",
            ),
            MaterialsQuery,
        ],
        responses={200: MaterialOut(many=True)},
        description=(
            "What to bring or upload for a case (申请材料清单): identity, proof of the special group, proof of "
            "the matter, and proof of income — or the integrity pledge instead where Art 41 allows — unless "
            "the case is exempt from the means test (Art 42) or not restricted by it (Art 32). The rule rows "
            "in force today. An unknown special group, matter type or region, or no matter type → 400."
        ),
    )
    def get(self, request):
        # a plain dict: an empty value (``?matter_type=``) is judged as given, not skipped
        query = MaterialsQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        p = query.validated_data
        items = checklist_rules.checklist_for(
            categories=_categories(request.query_params),
            matter_type=p["matter_type"],
            region=p["region"] or None,
            representative=p["representative"],
            fixed_income=p["fixed_income"],
            defence_reason=p["defence_reason"],
        )
        return Response([item.as_dict() for item in items])
