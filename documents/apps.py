from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from . import rendering

        # Letters issued during a request are rendered after its response is sent (rendering.py).
        request_started.connect(rendering.request_started, dispatch_uid="documents.render_after_response")
        request_finished.connect(rendering.request_finished, dispatch_uid="documents.render_after_response")
