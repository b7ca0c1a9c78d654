from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # registers the system checks (manage.py check, check --deploy, runserver, migrate)
        from . import checks  # noqa: F401
