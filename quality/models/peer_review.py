"""Sampled peer review of closed files (同行评估/案卷评查, Arts 57, 59): a sampling run picks closed cases of
a center at random; each file is scored by a reviewer or director of any center with no conflict on a
100-point scorecard whose items are rule rows, and graded by the grade bands (also rule rows).

The rules themselves (totals, grades, the sample, the choice of reviewers) are pure functions in
``quality.scorecard``; the rows here only hold them and what was decided with them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aid_cases.models import Application
from directory.choices import MatterCategory
from directory.models import Organisation, Provider
from directory.rules import EffectiveDatedRule
from documents.models import IssuedDocument

from ..choices import Grade, PeerReviewStatus
from ..scorecard import mix_problems

HALF = Decimal("0.5")


def validate_half_points(value: Decimal | None) -> None:
    """Points are whole or half points (17.5), never finer: a scorecard's total then never lands
    between 89.5 and 90."""
    if value is not None and value % HALF != 0:
        raise ValidationError(_("Give whole or half points (e.g. 17.5)."), code="half_points")


class ScorecardItem(EffectiveDatedRule):
    """One line of the 100-point scorecard (评查标准): what is scored and its maximum.

    A row with an empty matter category belongs to every category's scorecard; a row for a category
    with the same code replaces it there (as the closing-file checklist's most specific row wins).
    The items of a category in force on a day must add up to 100: ``quality.scorecard.
    scorecard_problems`` says where they do not, and a sampling refuses a case whose scorecard is
    broken (rows are entered one by one, so a single row cannot be refused for the sum).
    """

    code = models.SlugField(_("code"), max_length=32)
    label = models.CharField(_("item"), max_length=100)
    matter_category = models.CharField(
        _("matter category"),
        max_length=32,
        choices=MatterCategory.choices,
        blank=True,
        default="",
        help_text=_("Empty: the item belongs to every category's scorecard."),
    )
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=4,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal("0.5")),
            MaxValueValidator(Decimal("100")),
            validate_half_points,
        ],
    )
    guidance = models.CharField(_("what the reviewer looks for"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    rule_key_fields = ("matter_category", "code")

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["matter_category", "sort_order", "code", "-valid_from"]
        verbose_name = _("scorecard item")
        verbose_name_plural = _("peer-review scorecard")
        constraints = [
            *EffectiveDatedRule.Meta.constraints,
            models.CheckConstraint(
                condition=Q(max_points__gt=0) & Q(max_points__lte=100), name="scorecard_item_points_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.max_points})"


class GradeBand(EffectiveDatedRule):
    """The lowest total that earns a grade (等次): 优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60, else 不合格 by default
    (``quality.scorecard.DEFAULT_BANDS``, used while no row is in force). A total reaches a band only
    at or above its minimum: 89.5 is 良好, never rounded up to 优秀."""

    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    min_points = models.DecimalField(
        _("lowest total"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100")), validate_half_points],
    )

    rule_key_fields = ("grade",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["-min_points", "-valid_from"]
        verbose_name = _("grade band")
        verbose_name_plural = _("peer-review grade bands")
        constraints = [
            *EffectiveDatedRule.Meta.constraints,
            models.CheckConstraint(
                condition=Q(min_points__gte=0) & Q(min_points__lte=100), name="grade_band_points_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} ≥ {self.min_points}"


class SamplingRule(EffectiveDatedRule):
    """How many closed files of a center are sampled (the share, or a fixed number) and, optionally,
    their mix of matter categories: e.g. ``{"civil": 0.6, "criminal": 0.4}``. A row without a center
    applies to every center without its own row. The director's sampling form starts from it."""

    center = models.ForeignKey(
        Organisation,
        verbose_name=_("aid center"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sampling_rules",
        limit_choices_to={"kind": "aid_center"},
        help_text=_("Empty: every center without its own row."),
    )
    share = models.DecimalField(
        _("share of the closed files"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
        help_text=_("e.g. 0.0600 for 6%. Leave empty to sample a fixed number."),
    )
    count = models.PositiveIntegerField(
        _("number of files"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    mix = models.JSONField(
        _("mix of matter categories"),
        default=dict,
        blank=True,
        help_text=_(
            'Optional: the share of the sample per matter category, e.g. {"civil": 0.6, "criminal": 0.4}.'
        ),
    )
    correction_days = models.PositiveSmallIntegerField(
        _("correct a failed file within (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text=_("The period the correction notice of a failed file gives the provider."),
    )

    rule_key_fields = ("center",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["center__name", "-valid_from"]
        verbose_name = _("sampling rule")
        verbose_name_plural = _("peer-review sampling rules")
        constraints = [
            *EffectiveDatedRule.Meta.constraints,
            models.CheckConstraint(
                condition=(Q(share__isnull=False) & Q(count__isnull=True))
                | (Q(share__isnull=True) & Q(count__isnull=False)),
                name="sampling_rule_share_or_count",
            ),
        ]

    def __str__(self) -> str:
        size = f"{self.share:%}" if self.share is not None else str(self.count)
        return f"{self.center or '*'} {size} ({self.valid_from})"

    def clean(self) -> None:
        super().clean()
        if (self.share is None) == (self.count is None):
            raise ValidationError(_("Give either the share or the number of files, not both."))
        problems = mix_problems(self.mix)  # the rule's one home
        if problems:
            raise ValidationError({"mix": problems})


class Sampling(models.Model):
    """One sampling run: the closed files of a center whose closure date falls in the period, the
    share or number drawn, and the seed that makes the draw reproducible."""

    center = models.ForeignKey(
        Organisation, verbose_name=_("aid center"), on_delete=models.PROTECT, related_name="samplings"
    )
    period_from = models.DateField(_("closed from"))
    period_to = models.DateField(_("closed to"))
    share = models.DecimalField(_("share"), max_digits=5, decimal_places=4, null=True, blank=True)
    count = models.PositiveIntegerField(_("number of files"), null=True, blank=True)
    mix = models.JSONField(_("mix of matter categories"), default=dict, blank=True)
    seed = models.PositiveBigIntegerField(_("seed"))
    rule = models.ForeignKey(
        SamplingRule,
        verbose_name=_("sampling rule applied"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_files = models.PositiveIntegerField(_("closed files in the period"), default=0)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(_("run at"), auto_now_add=True)

    class Meta:
        ordering = ["-run_at", "-pk"]
        verbose_name = _("peer-review sampling")
        verbose_name_plural = _("peer-review samplings")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")), name="sampling_period_ordered"
            ),
            models.CheckConstraint(
                condition=(Q(share__isnull=False) & Q(count__isnull=True))
                | (Q(share__isnull=True) & Q(count__isnull=False)),
                name="sampling_share_or_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.center} {self.period_from}–{self.period_to}"


class PeerReview(models.Model):
    """One sampled closed file, its reviewer, and once scored its scores, total and grade.

    ``items`` keeps the scorecard the file is scored on, as it was in force when it was sampled
    (code, label, maximum): a later change of the rule rows never rewrites a review. One review per
    case: a file sampled once is not drawn again.
    """

    sampling = models.ForeignKey(
        Sampling, verbose_name=_("sampling"), on_delete=models.PROTECT, related_name="reviews"
    )
    application = models.OneToOneField(
        Application, verbose_name=_("case"), on_delete=models.PROTECT, related_name="peer_review"
    )
    center = models.ForeignKey(
        Organisation, verbose_name=_("aid center"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="peer_reviews",
        help_text=_("Who handled and closed the case: the grade is theirs."),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    reviewer_center = models.ForeignKey(
        Organisation,
        verbose_name=_("reviewer's center"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PeerReviewStatus.choices, default=PeerReviewStatus.OPEN
    )
    items = models.JSONField(_("scorecard"), default=list)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(_("total"), max_digits=4, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    correction_letter = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("correction notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sampled at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("peer review")
        verbose_name_plural = _("peer reviews")
        indexes = [
            models.Index(fields=["center", "status"]),
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["reviewer", "status"]),
        ]
        constraints = [
            # scored means a total and a grade; open means neither
            models.CheckConstraint(
                condition=~Q(status=PeerReviewStatus.SCORED)
                | (Q(total__isnull=False) & ~Q(grade="") & Q(scored_at__isnull=False)),
                name="peer_review_scored_has_grade",
            ),
            models.CheckConstraint(
                condition=Q(status=PeerReviewStatus.SCORED) | (Q(total__isnull=True) & Q(grade="")),
                name="peer_review_unscored_has_no_grade",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | (Q(total__gte=0) & Q(total__lte=100)),
                name="peer_review_total_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_status_display()}"
