from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory of legal service organisations")

    def ready(self) -> None:
        from core.refdata import refdata_changed

        from .models import Organisation, Region

        # Centers and regions are cached for filings (core.refdata): a change starts afresh.
        for model in (Organisation, Region):
            post_save.connect(refdata_changed, sender=model, dispatch_uid=f"refdata-{model.__name__}-save")
            post_delete.connect(
                refdata_changed, sender=model, dispatch_uid=f"refdata-{model.__name__}-delete"
            )
