"""Tasks API (docs/api.md, Tasks): inbox and queue, claim, complete — for every flow, through workflows.tasks."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.site import site_base_url
from workflows import tasks

from . import serializers as s
from .pagination import Pagination


class TaskListQuery(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["inbox", "queue"])
    application_id = serializers.IntegerField(required=False, min_value=1)
    name = serializers.CharField(required=False, max_length=64)


class TaskList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["tasks"],
        parameters=[TaskListQuery],
        responses={200: s.PaginatedTaskOut},
    )
    def get(self, request):
        # a plain dict: an empty value (``?application_id=``) is judged as given, not skipped
        query = TaskListQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        qs = (
            tasks.tasks_inbox(request.user) if params["scope"] == "inbox" else tasks.tasks_queue(request.user)
        )
        qs = tasks.tasks_filter(qs, application_id=params.get("application_id"), name=params.get("name"))
        paginator = Pagination()
        page = tasks.with_subjects(paginator.paginate_queryset(qs, request, view=self), rows_only=True)
        return paginator.get_paginated_response([tasks.task_row(t) for t in page])


class TaskClaim(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["tasks"], request=None, responses={200: s.TaskOut})
    def post(self, request, pk: int):
        try:
            task = tasks.task_claim(user=request.user, task_id=pk)
        except tasks.TaskNotFound as exc:
            raise Http404 from exc
        return Response(tasks.task_row(tasks.with_subjects([task], rows_only=True)[0]))


class TaskComplete(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["tasks"],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: s.TaskCompletedOut},
        description="The task's fields (docs/api.md, Tasks: each task's table row) as a JSON object.",
    )
    def post(self, request, pk: int):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError(_("Send the task's fields as a JSON object."))
        try:
            names = tasks.task_complete(
                user=request.user,
                task_id=pk,
                data=request.data,
                files=request.FILES,
                base_url=site_base_url(request),
            )
        except tasks.TaskNotFound as exc:
            raise Http404 from exc
        return Response({"next": names})
