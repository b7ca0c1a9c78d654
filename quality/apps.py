from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Quality and complaints")

    def ready(self) -> None:
        from core.refdata import refdata_changed

        from .models import ComplaintRule

        # The complaint periods are read through the reference-data cache (quality.complaint_rules):
        # a change in the admin starts a new generation at once, as aid_cases does for its rule rows.
        post_save.connect(refdata_changed, sender=ComplaintRule, dispatch_uid="refdata-ComplaintRule-save")
        post_delete.connect(
            refdata_changed, sender=ComplaintRule, dispatch_uid="refdata-ComplaintRule-delete"
        )
