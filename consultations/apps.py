from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Legal consultations")

    def ready(self) -> None:
        from core.refdata import refdata_changed

        from .models import ConsultationRule

        # The reply period is read through the reference-data cache (consultations.rules): a change in
        # the admin starts a new generation at once, as aid_cases and quality do for their rule rows.
        post_save.connect(
            refdata_changed, sender=ConsultationRule, dispatch_uid="refdata-ConsultationRule-save"
        )
        post_delete.connect(
            refdata_changed, sender=ConsultationRule, dispatch_uid="refdata-ConsultationRule-delete"
        )
