from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteUiConfig(AppConfig):
    name = "site_ui"
    verbose_name = _("Site")
