"""``GET /api/v1/documents/{code}/``: an issued PDF, to those who may see its case (and a handoff letter to
the institution it is addressed to); else 404."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from aid_cases import selectors as application_selectors
from aid_cases.models import Application
from documents.selectors import document_by_code
from documents.services import document_pdf
from waivers import selectors as waiver_selectors
from waivers.models import FeeWaiver


class DocumentDownload(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["documents"],
        responses={
            (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="PDF")
        },
    )
    def get(self, request, code: str):
        document = document_by_code(code)
        if document is None or document.subject_type != Application._meta.label_lower:
            raise Http404
        visible = application_selectors.applications_visible_to(request.user).filter(pk=document.subject_id)
        # an institution reads the handoff letters addressed to it, and nothing else of the case
        addressed = FeeWaiver.objects.filter(
            letter=document, institution_id__in=waiver_selectors.user_institution_ids(request.user)
        )
        if not visible.exists() and not addressed.exists():
            raise Http404
        # document_pdf renders a letter whose render has not happened yet, here and now.
        return FileResponse(
            document_pdf(document=document),
            content_type="application/pdf",
            filename=f"{document.display_code}.pdf",
        )
