from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AidCasesConfig(AppConfig):
    name = "aid_cases"
    verbose_name = _("Aid applications and cases")

    def ready(self) -> None:
        from core.refdata import refdata_changed

        from .models import (
            CalendarOverride,
            EconomicStandard,
            LocalApplicantCategory,
            LocalMatterType,
            MaterialsChecklistItem,
            MeansExemptionRule,
            MeansMatterRule,
            PeriodRule,
        )

        # Rule rows and the calendar are cached for filings (core.refdata): a change starts afresh.
        for model in (
            CalendarOverride,
            EconomicStandard,
            PeriodRule,
            MeansMatterRule,
            MeansExemptionRule,
            LocalApplicantCategory,
            LocalMatterType,
            MaterialsChecklistItem,
        ):
            post_save.connect(refdata_changed, sender=model, dispatch_uid=f"refdata-{model.__name__}-save")
            post_delete.connect(
                refdata_changed, sender=model, dispatch_uid=f"refdata-{model.__name__}-delete"
            )
