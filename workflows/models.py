"""Process proxies: viewflow's Process rows, linked to our domain objects through ``artifact``."""

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class AidApplicationProcess(Process):
    """One review round of an application (a correction after an objection starts another)."""

    class Meta:
        proxy = True
        verbose_name = _("legal aid application process")
        verbose_name_plural = _("legal aid application processes")

    @property
    def application(self):
        return self.artifact


class ObjectionProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("objection process")
        verbose_name_plural = _("objection processes")

    @property
    def objection(self):
        return self.artifact
