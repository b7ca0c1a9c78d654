from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Quality and complaints")

    def ready(self) -> None:
        from core.refdata import refdata_changed

        from .models import ComplaintRule, FollowUpRule

        # The complaint periods and the follow-up rule are read through the reference-data cache
        # (quality.complaint_rules, quality.services.follow_ups): a change in the admin starts a new
        # generation at once, as aid_cases does for its rule rows.
        for model in (ComplaintRule, FollowUpRule):
            post_save.connect(refdata_changed, sender=model, dispatch_uid=f"refdata-{model.__name__}-save")
            post_delete.connect(
                refdata_changed, sender=model, dispatch_uid=f"refdata-{model.__name__}-delete"
            )
