"""``GET /api/v1/documents/{code}/``: an issued PDF, to those who may see what it is about — its case (and
a handoff letter to the institution it is addressed to), its complaint, its peer review; else 404."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from aid_cases import collaboration_selectors
from aid_cases import selectors as application_selectors
from aid_cases.models import Application
from documents.selectors import document_by_code
from documents.services import document_pdf
from quality.models import Complaint, PeerReview
from quality.selectors import complaints as complaint_selectors
from quality.selectors import peer_review as peer_review_selectors
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
        if document is None or not _may_read(request.user, document):
            raise Http404
        # document_pdf renders a letter whose render has not happened yet, here and now.
        return FileResponse(
            document_pdf(document=document),
            content_type="application/pdf",
            filename=f"{document.display_code}.pdf",
        )


def _may_read(user, document) -> bool:
    """Whether ``user`` may download ``document``, by what the letter is about: a case's letters to
    whoever sees the case (and a handoff letter to the institution it is addressed to), a complaint's
    reply to whoever sees the complaint with who made it, a correction notice to whoever sees the
    review and the provider's firm."""
    if document.subject_type == Application._meta.label_lower:
        visible = application_selectors.applications_visible_to(user).filter(pk=document.subject_id)
        # an institution reads the handoff letters addressed to it, and nothing else of the case
        addressed = FeeWaiver.objects.filter(
            letter=document, institution_id__in=waiver_selectors.user_institution_ids(user)
        )
        # a center asked for help reads the request letter (协作函), and nothing else of the case
        asked = collaboration_selectors.letters_visible_to(user).filter(letter_code=document.code)
        return visible.exists() or addressed.exists() or asked.exists()
    if document.subject_type == Complaint._meta.label_lower:
        return complaint_selectors.complaint_letter_visible(user, document)
    if document.subject_type == PeerReview._meta.label_lower:
        review = PeerReview.objects.filter(pk=document.subject_id).first()
        return review is not None and peer_review_selectors.correction_notice_visible(user, review)
    return False
