"""Celery tasks of documents: rendering an issued letter's PDF in a worker (``documents.rendering``)."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from . import services
from .models import IssuedDocument


# Transient failures (the database busy or restarting, a full or unmounted media disk) are retried
# with growing pauses. The render is idempotent, so a retry, or the redelivery of a message whose
# worker died (CELERY_TASK_ACKS_LATE), does no harm.
@shared_task(autoretry_for=(DatabaseError, OSError), retry_backoff=True, retry_backoff_max=300, max_retries=8)
def render_document(document_id: int) -> bool:
    """Render one issued document by id; False when there was nothing to do."""
    document = IssuedDocument.objects.select_related("issuer").filter(pk=document_id).first()
    if document is None or document.pdf:
        return False
    services.document_render(document=document)
    return True
