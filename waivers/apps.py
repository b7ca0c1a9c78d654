from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaiversConfig(AppConfig):
    name = "waivers"
    verbose_name = _("Fee waivers")
