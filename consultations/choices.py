"""The codes of consultations (docs/api.md, Intake across the city): lower-case English, as the API sends them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ConsultationChannel(models.TextChoices):
    HOTLINE = "hotline", _("12348 hotline")
    WINDOW = "window", pgettext_lazy("consultation channel", "Window")
    ONLINE = "online", pgettext_lazy("consultation channel", "Online question")
    STATION = "station", pgettext_lazy("consultation channel", "Grassroots station")


# What a center's staff record (answered at once); an online question is a citizen's own.
RECORDED_CHANNELS: tuple[str, ...] = (
    ConsultationChannel.HOTLINE,
    ConsultationChannel.WINDOW,
    ConsultationChannel.STATION,
)


class Referral(models.TextChoices):
    """Where the asker was sent, besides the answer (none: the answer was enough)."""

    AID_APPLICATION = "aid_application", pgettext_lazy("consultation referral", "Apply for legal aid")
    MEDIATION = "mediation", pgettext_lazy("consultation referral", "Mediation")
    COURT = "court", pgettext_lazy("consultation referral", "A court")
    OTHER_AUTHORITY = "other_authority", pgettext_lazy("consultation referral", "Another authority")


class ConsultationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("consultation", "Awaiting an answer")
    ANSWERED = "answered", pgettext_lazy("consultation", "Answered")
