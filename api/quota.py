"""Annual duty (docs/api.md, Annual duty). So far the notary offices' public-interest notarisations; the
lawyers' and firms' figures come with the annual-duty work."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from core.errors import Forbidden
from waivers import selectors
from waivers.duty import IN_PROGRESS, MET, NOT_MET
from workflows.services import notary_duty_rows

from .schema import ErrorOut


class YearIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


class NotaryDutyOut(serializers.Serializer):
    institution_id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="Fee-waived notarisations completed and logged ones verified.")
    waived = serializers.IntegerField()
    logged = serializers.IntegerField()
    minimum = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[MET, IN_PROGRESS, NOT_MET])


class NotaryDutyList(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = NotaryDutyOut

    @extend_schema(
        tags=["annual duty"],
        parameters=[YearIn],
        responses={200: NotaryDutyOut(many=True), 403: ErrorOut},
        description=(
            "Each notary office's public-interest notarisations of the year (4 a year unless the year's "
            "duty rule says otherwise): a notary office's staff see their own office, a judicial bureau "
            "the offices of its regions. Other roles → 403."
        ),
    )
    def get(self, request):
        offices = selectors.notary_offices_for_duty(request.user)
        if offices is None:
            raise Forbidden(_("Only notary offices and the judicial bureau see the notaries' annual duty."))
        params = YearIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        year = params.validated_data.get("year") or timezone.localdate().year
        page = self.paginate_queryset(offices)
        rows = notary_duty_rows(page, year=year)
        return self.get_paginated_response(
            [{k: v for k, v in r.items() if k not in ("office", "met")} for r in rows]
        )
