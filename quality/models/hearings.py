"""Hearing observation (旁听庭审) and the handling agency's view (征询意见), Art 59: two more of the means
the law names for supervising the quality of the aid, beside follow-up calls and peer review.

A hearing observation scores the provider at one hearing on four aspects, each on the same fixed scale
of 1 to 5 (``HEARING_SCALE``: 1 poor, 2 below standard, 3 adequate, 4 good, 5 excellent — the scale of
the recipients' satisfaction, so that 4 and 5 read "good" everywhere). A fixed scale, not rule rows:
the four aspects are the ones the law's practice names and nothing adds up to a grade that a rule
would have to weigh; peer review's 100-point scorecard is where weights live.

A feedback request asks the court or procuratorate handling the case for its view of the provider's
work; an officer of that agency answers it from their task inbox, once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aid_cases.models import Application
from directory.models import Organisation, Provider

SCALE_MIN, SCALE_MAX = 1, 5
HEARING_SCALE = (
    (1, _("1 · poor")),
    (2, _("2 · below standard")),
    (3, _("3 · adequate")),
    (4, _("4 · good")),
    (5, _("5 · excellent")),
)
# the aspects of a hearing observation, in the order the form asks them
HEARING_ASPECTS = ("preparation", "examination", "argument", "conduct")


def _score_field(label: Any, help_text: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        choices=HEARING_SCALE,
        validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)],
        help_text=help_text,
    )


class HearingObservation(models.Model):
    """A center's staff member watched a hearing of the case and scored the provider (Art 59)."""

    application = models.ForeignKey(
        Application, verbose_name=_("case"), on_delete=models.PROTECT, related_name="hearing_observations"
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hearing_observations",
        help_text=_("The provider handling the case at the hearing."),
    )
    date = models.DateField(_("hearing date"))
    court = models.ForeignKey(
        Organisation,
        verbose_name=_("court"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "court"},
    )
    court_name = models.CharField(
        _("court (when not in the directory)"),
        max_length=128,
        blank=True,
        help_text=_("A court outside the city, or an arbitration tribunal."),
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("observer"), on_delete=models.PROTECT, related_name="+"
    )
    preparation = _score_field(_("preparation"), _("Knowledge of the file, evidence and law prepared."))
    examination = _score_field(
        _("examination of evidence and questioning"),
        _("Challenging the evidence, and questioning the parties and witnesses."),
    )
    argument = _score_field(_("argument"), _("The arguments made and how they were put."))
    conduct = _score_field(
        _("conduct in court"), _("Punctuality, manners and respect for the court's rules.")
    )
    comment = models.TextField(_("observations"), max_length=4000, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("hearing observation")
        verbose_name_plural = _("hearing observations")
        indexes = [models.Index(fields=["application", "date"]), models.Index(fields=["provider", "date"])]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{aspect}__gte": SCALE_MIN}) & Q(**{f"{aspect}__lte": SCALE_MAX}),
                    name=f"hearing_{aspect}_1_5",
                )
                for aspect in HEARING_ASPECTS
            ),
            models.CheckConstraint(
                condition=Q(court__isnull=False) | ~Q(court_name=""), name="hearing_names_its_court"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.date}"

    @property
    def court_label(self) -> str:
        return self.court.name if self.court is not None else self.court_name

    @property
    def total(self) -> int:
        """The four scores added up (4 to 20)."""
        return sum(getattr(self, aspect) for aspect in HEARING_ASPECTS)


class FeedbackStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("feedback request", "Awaiting the agency's view")
    ANSWERED = "answered", pgettext_lazy("feedback request", "Answered")


class FeedbackAssessment(models.TextChoices):
    """The agency's overall view of the provider's work, as the usual 征询意见表 asks it."""

    SATISFIED = "satisfied", pgettext_lazy("agency view", "Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", pgettext_lazy("agency view", "Basically satisfied")
    NOT_SATISFIED = "not_satisfied", pgettext_lazy("agency view", "Not satisfied")


class FeedbackRequest(models.Model):
    """The center asks the court or procuratorate handling the case for its view (Art 59)."""

    application = models.ForeignKey(
        Application, verbose_name=_("case"), on_delete=models.PROTECT, related_name="feedback_requests"
    )
    agency = models.ForeignKey(
        Organisation,
        verbose_name=_("court or procuratorate"),
        on_delete=models.PROTECT,
        related_name="feedback_requests",
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_requests",
        help_text=_("The provider handling the case when the view was asked for."),
    )
    question = models.TextField(_("what the center asks"), max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    due_on = models.DateField(_("answer by"))
    status = models.CharField(
        _("status"), max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    # the agency's answer
    assessment = models.CharField(
        _("the agency's view"), max_length=32, choices=FeedbackAssessment.choices, blank=True
    )
    answer = models.TextField(_("the agency's comments"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("request for the agency's view")
        verbose_name_plural = _("requests for the agency's view")
        indexes = [models.Index(fields=["agency", "status"]), models.Index(fields=["application", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=FeedbackStatus.ANSWERED) | ~Q(assessment=""),
                name="feedback_answered_has_view",
            ),
            # one open question to an agency per case at a time: a second waits for the first answer
            models.UniqueConstraint(
                fields=["application", "agency"],
                condition=Q(status=FeedbackStatus.OPEN),
                name="feedback_one_open_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.agency}"
