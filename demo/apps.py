from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Fictional Jingdezhen data for trying the engine (``seed_demo``, ``seed_demo_cases``).

    At the top of the layers (it may use every app, as a user of the engine would) and never
    needed in production: it refuses to run with DEBUG off unless forced.
    """

    name = "demo"
    verbose_name = _("Demo data")
