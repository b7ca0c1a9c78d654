from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from viewflow.workflow.models import Task

        from .tasks import record_new_task

        # every flow's tasks are viewflow's Task (no flow sets its own task_class)
        post_save.connect(record_new_task, sender=Task, dispatch_uid="workflows_record_new_task")
