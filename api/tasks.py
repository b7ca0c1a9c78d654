"""Tasks API (API.md, Tasks): inbox and queue, claim, complete."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows import tasks
from workflows.letters import base_url_for

from .pagination import Pagination


class TaskList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["tasks"], parameters=[OpenApiParameter("scope", str, enum=["inbox", "queue"])],
                   responses={200: dict})
    def get(self, request):
        scope = request.query_params.get("scope", "inbox")
        if scope not in ("inbox", "queue"):
            raise serializers.ValidationError({"scope": [_("Choose inbox or queue.")]})
        qs = tasks.tasks_inbox(request.user) if scope == "inbox" else tasks.tasks_queue(request.user)
        paginator: PageNumberPagination = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        subjects = tasks.subjects_for(page)
        return paginator.get_paginated_response([tasks.task_row(t, subjects[t.pk]) for t in page])


class TaskClaim(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["tasks"], request=None, responses={200: dict})
    def post(self, request, pk: int):
        try:
            task = tasks.task_claim(user=request.user, task_id=pk)
        except tasks.TaskNotFound as exc:
            raise Http404 from exc
        subject = tasks.subjects_for([task])[task.pk]
        return Response(tasks.task_row(task, subject))


class TaskComplete(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["tasks"], request=dict, responses={200: dict})
    def post(self, request, pk: int):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError(_("Send the task's fields as a JSON object."))
        try:
            names = tasks.task_complete(user=request.user, task_id=pk, data=request.data,
                                        base_url=base_url_for(request))
        except tasks.TaskNotFound as exc:
            raise Http404 from exc
        return Response({"next": names})
