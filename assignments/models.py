"""Assignments and the handling of a case, subsidies, service logs and the annual duty.

The rule tables come first: subsidy standards and their adjustments, the closing-file checklist, the
annual duty. Then what happens to a case after the decision (docs/domain.md, assignment): who was
offered it, who handles it, their notes and hours, the closing report, the payment and the rating.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aid_cases.models import Application
from directory.choices import AidForm, MatterCategory
from directory.models import Organisation, Provider, Region
from directory.rules import EffectiveDatedRule

from .choices import (
    LIVE_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    CaseOutcome,
    CaseStage,
    PaymentStatus,
    PeerReviewGrade,
    ServiceActivity,
    ServiceLogStatus,
    SubsidyAdjustmentKind,
)


class SubsidyStandard(EffectiveDatedRule):
    """The subsidy paid to a provider per closed case (Art 52), per region, category and form."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="subsidy_standards"
    )
    matter_category = models.CharField(_("matter category"), max_length=32, choices=MatterCategory.choices)
    aid_form = models.CharField(_("form of aid"), max_length=32, choices=AidForm.choices)
    # Empty: any stage. A row for a stage wins over the row for any stage (assignments.subsidy).
    stage = models.CharField(
        _("stage reached"), max_length=32, choices=CaseStage.choices, blank=True, default=""
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    # The subsidy tier (Arts 52, 57): the peer-review grade of a sampled file multiplies the amount.
    graded = models.BooleanField(
        _("paid by the peer-review grade"),
        default=False,
        help_text=_(
            "A closed file sampled for peer review is paid this amount times the factor of its grade "
            "(subsidy grade factors), while its subsidy is still owed."
        ),
    )

    rule_key_fields = ("region", "matter_category", "aid_form", "stage")

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["region__sort_order", "matter_category", "aid_form", "-valid_from"]
        verbose_name = _("subsidy standard")
        verbose_name_plural = _("subsidy standards")
        constraints = [
            *EffectiveDatedRule.Meta.constraints,
            models.CheckConstraint(condition=Q(amount__gte=0), name="subsidy_amount_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.matter_category}/{self.aid_form}/{self.stage or '*'} {self.amount}"


class SubsidyAdjustment(EffectiveDatedRule):
    """A multiplier of the subsidy: a life-or-death case, cross-region work, the share paid when aid
    is terminated. Optionally per region; a region's own row wins over the row for every region."""

    kind = models.CharField(_("adjustment"), max_length=32, choices=SubsidyAdjustmentKind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_adjustments",
        help_text=_("Empty: every region without its own row."),
    )
    factor = models.DecimalField(
        _("factor"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("1.50 pays half as much again; 0.50 pays half."),
    )

    rule_key_fields = ("kind", "region")

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["kind", "region__sort_order", "-valid_from"]
        verbose_name = _("subsidy adjustment")
        verbose_name_plural = _("subsidy adjustments")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ×{self.factor}"


class SubsidyGradeFactor(EffectiveDatedRule):
    """The subsidy tier of a peer-review grade: the factor a graded standard's amount is multiplied by
    when the case's file is scored (e.g. 优秀 ×1.10, 不合格 ×0.80). A region's own row wins over the row
    for every region; a grade without a row in force leaves the subsidy as it is."""

    grade = models.CharField(_("peer-review grade"), max_length=16, choices=PeerReviewGrade.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_grade_factors",
        help_text=_("Empty: every region without its own row."),
    )
    factor = models.DecimalField(
        _("factor"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("1.10 pays a tenth more; 0.80 pays four fifths."),
    )

    rule_key_fields = ("grade", "region")

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["grade", "region__sort_order", "-valid_from"]
        verbose_name = _("subsidy grade factor")
        verbose_name_plural = _("subsidy grade factors (peer review)")

    def __str__(self) -> str:
        return f"{self.get_grade_display()} ×{self.factor}"


class ClosingChecklistItem(EffectiveDatedRule):
    """A document the closing file (结案归档) holds, for a kind of case and the stage it reached.

    An empty matter category, form of aid or stage means any; the items of a case are every row in
    force that fits it (``assignments.closing.checklist_for``).
    """

    code = models.SlugField(_("code"), max_length=32)
    label = models.CharField(_("document"), max_length=100)
    matter_category = models.CharField(
        _("matter category"), max_length=32, choices=MatterCategory.choices, blank=True, default=""
    )
    aid_form = models.CharField(
        _("form of aid"), max_length=32, choices=AidForm.choices, blank=True, default=""
    )
    stage = models.CharField(
        _("stage reached"), max_length=32, choices=CaseStage.choices, blank=True, default=""
    )
    required = models.BooleanField(_("required"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    rule_key_fields = ("code", "matter_category", "aid_form", "stage")

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["sort_order", "code", "-valid_from"]
        verbose_name = _("closing-file item")
        verbose_name_plural = _("closing-file checklist")

    def __str__(self) -> str:
        return self.label


class DutyRule(models.Model):
    """The annual public-interest duty of one year (docs/domain.md), optionally for one region."""

    class CountingDate(models.TextChoices):
        ACCEPTED = "accepted", _("Date the assignment was accepted")
        CLOSED = "closed", _("Date the case was closed")

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_rules",
        help_text=_("Empty: the whole city."),
    )
    lawyer_min_cases = models.PositiveSmallIntegerField(_("lawyer: minimum aid cases"), default=2)
    lawyer_min_hours = models.DecimalField(
        _("lawyer: minimum public-interest hours"),
        max_digits=6,
        decimal_places=1,
        default=50,
        validators=[MinValueValidator(0)],
    )
    notary_min_count = models.PositiveSmallIntegerField(
        _("notary office: minimum public-interest notarisations"), default=4
    )
    counting_date = models.CharField(
        _("a case counts in the year of"),
        max_length=16,
        choices=CountingDate.choices,
        default=CountingDate.ACCEPTED,
    )
    duty_lawyer_days_per_case = models.PositiveSmallIntegerField(
        _("duty-lawyer days counted as one case"),
        null=True,
        blank=True,
        help_text=_("Empty: duty-lawyer days count only as hours."),
    )
    prorate_new_lawyers = models.BooleanField(_("pro-rate lawyers licensed during the year"), default=False)
    is_demo = models.BooleanField(_("demo value"), default=False)

    class Meta:
        ordering = ["-year", "region__sort_order"]
        verbose_name = _("annual duty rule")
        verbose_name_plural = _("annual duty rules")
        constraints = [
            models.UniqueConstraint(fields=["year", "region"], name="duty_rule_unique_year_region"),
            models.UniqueConstraint(
                fields=["year"], condition=Q(region__isnull=True), name="duty_rule_unique_citywide_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region or ''}".strip()


# --- a case after the decision -------------------------------------------------------------------


class PartyConflict(models.Model):
    """A firm's or provider's conflict register (利益冲突登记): a party they act or acted for.

    The recommendation leaves out a provider whose firm (or who) acts for the case's opposing party;
    the aid cases a firm handles count too, without a row here.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("firm or office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="party_conflicts",
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="party_conflicts",
    )
    party_name = models.CharField(_("party"), max_length=200, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["party_name", "pk"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflict register")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(provider__isnull=False),
                name="party_conflict_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return self.party_name


class Assignment(models.Model):
    """The offer of a case to a provider (指派), and what became of it."""

    application = models.ForeignKey(
        Application, verbose_name=_("case"), on_delete=models.PROTECT, related_name="assignments"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="assignments"
    )
    # The provider's organisation at the time: the duty and the payment follow the firm they were at.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    aid_form = models.CharField(_("form of aid"), max_length=32, choices=AidForm.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.OFFERED
    )
    recommended = models.BooleanField(_("among the recommendations"), default=True)
    cross_region = models.BooleanField(_("cross-region"), default=False)
    reasons = models.JSONField(_("why recommended"), default=list, blank=True)
    override_reason = models.TextField(_("why not a recommended provider"), max_length=2000, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.TextField(_("why replaced"), max_length=2000, blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            # One provider at a time: two reviewers assigning at once cannot both succeed.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=LIVE_ASSIGNMENT_STATUSES),
                name="assignment_one_live_per_case",
            ),
        ]
        # the annual duty counts accepted cases per provider and year from this index alone
        indexes = [
            models.Index(fields=["provider", "status", "accepted_on"], name="assignment_provider_accepted")
        ]

    def __str__(self) -> str:
        return f"{self.application} → {self.provider}"


class ProgressNote(models.Model):
    """What the provider did on the case, and the hours it took (办案记录)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="progress_notes")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=2000)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    noted_on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["noted_on", "pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="progress_note_hours_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.noted_on}"


class ClosingReport(models.Model):
    """The provider's closing report (结案报告) and the center's review of it (Art 50)."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="closing_report")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="closing_reports")
    outcome = models.CharField(_("outcome"), max_length=16, choices=CaseOutcome.choices)
    stage = models.CharField(_("stage reached"), max_length=32, choices=CaseStage.choices)
    summary = models.TextField(_("summary"), max_length=4000)
    hours = models.DecimalField(
        _("hours in all"), max_digits=7, decimal_places=1, validators=[MinValueValidator(0)]
    )
    ended_on = models.DateField(_("the case ended on"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    filed_on = models.DateField(_("filed on"))
    # The checklist items required and missing when the report was last filed or reviewed.
    missing_items = models.JSONField(_("missing closing-file items"), default=list, blank=True)
    approved = models.BooleanField(_("accepted"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(_("times returned"), default=0)

    class Meta:
        ordering = ["filed_at", "pk"]
        verbose_name = _("closing report")
        verbose_name_plural = _("closing reports")

    def __str__(self) -> str:
        return f"{self.application} closing report"


class SubsidyPayment(models.Model):
    """The subsidy owed for a closed (or terminated) case (Art 52), and its payment: the ledger."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="payment")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="subsidy_payments")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="subsidy_payments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="subsidy_payments")
    standard = models.ForeignKey(
        SubsidyStandard, verbose_name=_("standard applied"), on_delete=models.PROTECT, related_name="+"
    )
    base_amount = models.DecimalField(_("standard amount"), max_digits=10, decimal_places=2)
    factors = models.JSONField(_("adjustments"), default=list, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.OWED
    )
    owed_on = models.DateField(_("owed since"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=64, blank=True)

    class Meta:
        ordering = ["-owed_on", "-pk"]
        verbose_name = _("subsidy payment")
        verbose_name_plural = _("subsidy payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="subsidy_payment_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.amount}"


class Rating(models.Model):
    """The applicant's rating of the aid (满意度), once per case; 4 and 5 count as satisfied."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="rating")
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        ordering = ["-rated_at", "-pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.score}"


class DutyLawyerRecord(models.Model):
    """A duty lawyer's day at a post (值班律师: a court, procuratorate or detention center, Art 30):
    how many suspects or defendants without a defender came through and how many the lawyer helped.
    The seed's indicator, 100% duty-lawyer coverage, is helped ÷ without a defender."""

    post = models.ForeignKey(
        Organisation, verbose_name=_("post"), on_delete=models.PROTECT, related_name="duty_lawyer_records"
    )
    center = models.ForeignKey(
        Organisation, verbose_name=_("aid center"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("duty lawyer"), on_delete=models.PROTECT, related_name="duty_lawyer_records"
    )
    day = models.DateField(_("date"))
    without_defender = models.PositiveIntegerField(_("suspects or defendants without a defender"))
    helped = models.PositiveIntegerField(_("helped by the duty lawyer"))
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(24)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "pk"]
        verbose_name = _("duty-lawyer record")
        verbose_name_plural = _("duty-lawyer records")
        constraints = [
            models.UniqueConstraint(fields=["post", "provider", "day"], name="duty_lawyer_record_unique_day"),
            models.CheckConstraint(
                condition=Q(helped__lte=models.F("without_defender")), name="duty_lawyer_helped_le_needed"
            ),
        ]
        indexes = [
            models.Index(fields=["center", "day"]),
            # covering: the annual duty's duty-lawyer days and hours per lawyer and year
            models.Index(fields=["provider", "day", "hours"], name="duty_lawyer_provider_day"),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.day} {self.provider}"


# --- the annual duty (docs/domain.md, annual duty) ------------------------------------------------


def service_evidence_upload_to(instance: ServiceLog, filename: str) -> str:
    # never the uploader's file name: a generated one, with the checked type's extension
    return f"service_logs/{instance.provider_id}/{instance.evidence_name}"


class ServiceLog(models.Model):
    """Public-interest legal service a lawyer logs toward the annual duty (2 cases or 50 hours); only
    hours the aid center of the lawyer's region verified count."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("lawyer"), on_delete=models.PROTECT, related_name="service_logs"
    )
    # The organisation at the time, as for assignments: the duty follows the firm the lawyer was at.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    center = models.ForeignKey(
        Organisation, verbose_name=_("verifying aid center"), on_delete=models.PROTECT, related_name="+"
    )
    activity = models.CharField(_("activity"), max_length=32, choices=ServiceActivity.choices)
    date = models.DateField(_("date"), db_index=True)
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(24)]
    )
    organiser = models.CharField(_("organising unit"), max_length=200)
    description = models.TextField(_("description"), max_length=2000)
    evidence = models.FileField(
        _("evidence"), upload_to=service_evidence_upload_to, max_length=200, blank=True
    )
    evidence_name = models.CharField(max_length=64, blank=True, editable=False)
    evidence_type = models.CharField(_("evidence type"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ServiceLogStatus.choices, default=ServiceLogStatus.PENDING
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    reason = models.TextField(_("reason for rejecting"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("public-interest service log")
        verbose_name_plural = _("public-interest service logs")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="service_log_hours_within_a_day"
            ),
        ]
        indexes = [
            # covering: the annual duty sums a lawyer's verified hours of a year from the index alone
            models.Index(fields=["provider", "status", "date", "hours"], name="service_log_duty_hours"),
            models.Index(fields=["organisation", "status", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.date} {self.hours}"


class DutyExemption(models.Model):
    """A lawyer exempted from one year's duty (e.g. a long illness), recorded by the judicial bureau with
    its reason."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("lawyer"), on_delete=models.PROTECT, related_name="duty_exemptions"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    reason = models.TextField(_("reason"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("duty exemption")
        verbose_name_plural = _("duty exemptions")
        constraints = [
            models.UniqueConstraint(fields=["provider", "year"], name="duty_exemption_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.year}"


class DutyReminder(models.Model):
    """A reminder sent to a lawyer not yet compliant (from October), recorded so that each period's is
    sent once."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("lawyer"), on_delete=models.CASCADE, related_name="duty_reminders"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=16, help_text=_("e.g. 2026-10: one reminder a month."))
    cases = models.PositiveSmallIntegerField(_("cases counted"))
    hours = models.DecimalField(_("hours counted"), max_digits=6, decimal_places=1)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("duty reminder")
        verbose_name_plural = _("duty reminders")
        constraints = [
            models.UniqueConstraint(fields=["provider", "period"], name="duty_reminder_once_a_period"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.period}"
