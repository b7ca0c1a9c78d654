"""When an issued letter's PDF is rendered: after the transaction that issues it, never inside it.

Rendering is most of the CPU of a request that decides something, and on SQLite a write transaction
holds the database's lock from BEGIN: nobody should wait behind the PDF renderer. So
``documents.services.document_issue`` writes only the row and calls ``render_later``, which picks
one of three ways (see there). Whatever happens to that render (a worker down, a process killed),
``documents.services.document_pdf`` renders a letter that is still missing when someone asks for it.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)

# The documents issued during the current HTTP request, to render once its response has been sent;
# None outside a request. A context variable, so each thread (and each asyncio task) has its own.
_after_response: ContextVar[list[int] | None] = ContextVar("documents_render_after_response", default=None)


def render_later(document_id: int) -> None:
    """Have an issued document rendered soon; call it inside the transaction that issues it.

    - With a broker (``CELERY_BROKER_URL``): a worker renders it. The task is queued only once the
      transaction commits, as a worker could not see the row before; a broker that cannot be
      reached falls back to the in-process ways below, so the letter is still made.
    - Inside an HTTP request, without a broker: rendered when the response is closed, which a WSGI
      server does after sending the body (Django's ``request_finished`` signal). "A filing returns
      before its receipt is rendered." The id is noted now rather than on commit: by the time the
      response is closed every transaction of the view has ended, so a row still there was
      committed, and one rolled back is simply not found. (That also holds in tests whose outer
      transaction never commits.)
    - Otherwise (management commands, the shell, tests calling services): rendered right after
      the commit; a rollback renders nothing.
    """
    if settings.CELERY_BROKER_URL:
        transaction.on_commit(partial(_enqueue, document_id))
    elif (pending := _after_response.get()) is not None:
        pending.append(document_id)
    else:
        transaction.on_commit(partial(render_now, document_id))


def _enqueue(document_id: int) -> None:
    from kombu.exceptions import OperationalError

    from .tasks import render_document

    try:
        render_document.delay(document_id)
    except OperationalError:
        # The row is committed either way; a letter must not wait for the broker to come back.
        logger.exception("broker unreachable: rendering document %s in this process", document_id)
        if (pending := _after_response.get()) is not None:
            pending.append(document_id)
        else:
            render_now(document_id)


def render_now(document_id: int) -> bool:
    """Render one issued document by id, here and now, if it still exists and needs it.

    Never raises: it runs after the caller's work is committed (or its response sent), where an
    error would only hide that success; a letter left unrendered is rendered when downloaded.
    """
    from .models import IssuedDocument
    from .services import document_render

    try:
        document = IssuedDocument.objects.select_related("issuer").filter(pk=document_id).first()
        if document is None:  # its transaction rolled back
            return False
        document_render(document=document)
    except Exception:
        logger.exception("rendering document %s failed; it is rendered when first downloaded", document_id)
        return False
    return True


def request_started(**kwargs) -> None:
    """``request_started`` receiver: a fresh list for the documents this request issues."""
    _after_response.set([])


def request_finished(**kwargs) -> None:
    """``request_finished`` receiver: render what the request issued, now that its response is out."""
    pending = _after_response.get()
    _after_response.set(None)
    if not pending:
        return
    for document_id in dict.fromkeys(pending):
        render_now(document_id)
    # Django's own receiver, which ran just before this one, has already applied CONN_MAX_AGE to
    # the request's connections; apply it to the one the render used as well, unless a transaction
    # is still open around us (a test's), which closing would break.
    if transaction.get_autocommit():
        close_old_connections()
