from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from .tasks import record_new_task

        post_save.connect(record_new_task, dispatch_uid="workflows_record_new_task")
