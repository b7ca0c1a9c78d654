from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "assignments"
    verbose_name = _("Assignments and annual duty")

    def ready(self) -> None:
        from core.refdata import refdata_changed

        from .models import ClosingChecklistItem

        # The closing-file checklist is read through the reference-data cache (assignments.closing): a
        # change in the admin starts a new generation at once, as aid_cases does for its rule rows.
        post_save.connect(
            refdata_changed, sender=ClosingChecklistItem, dispatch_uid="refdata-ClosingChecklistItem-save"
        )
        post_delete.connect(
            refdata_changed, sender=ClosingChecklistItem, dispatch_uid="refdata-ClosingChecklistItem-delete"
        )
