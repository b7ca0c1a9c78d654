"""Aid applications, their applicants and documents, and the rule tables they are judged by."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.refdata import refdata
from directory.choices import MatterCategory, MatterType
from directory.models import Organisation, Region
from directory.rules import EffectiveDatedRule
from directory.validators import validate_phone, validate_resident_id

from ..choices import (
    REVIEWABLE_STATUSES,
    Channel,
    CountingMode,
    DecisionKind,
    ObjectionOutcome,
    ObjectionTarget,
    ProceedingStage,
    ProvisionalGround,
    RepresentativeRelation,
    Status,
    TerminationGround,
)
from ..means import (
    LOCAL_CODE_MAX_LENGTH,
    LOCAL_CODE_PREFIX,
    ApplicantCategory,
    DefenceReason,
    ExemptionCondition,
    Proof,
    local_code_problem,
)


class EconomicStandard(EffectiveDatedRule):
    """The hardship standard of a region (docs/domain.md): income per household member per month."""

    class Kind(models.TextChoices):
        LOW_INCOME = "low_income", _("Local low-income standard")
        MINIMUM_WAGE = "minimum_wage", _("Minimum wage standard")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="economic_standards"
    )
    kind = models.CharField(_("kind of standard"), max_length=16, choices=Kind.choices)
    monthly_amount = models.DecimalField(
        _("monthly amount per household member (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    asset_cap = models.DecimalField(
        _("asset cap (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    rule_key_fields = ("region",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["region__sort_order", "-valid_from"]
        verbose_name = _("economic hardship standard")
        verbose_name_plural = _("economic hardship standards")
        constraints = [
            *EffectiveDatedRule.Meta.constraints,
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0), name="economic_standard_amount_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.monthly_amount} ({self.valid_from})"


class PeriodRule(EffectiveDatedRule):
    """Periods (docs/domain.md, periods) and whether they count calendar days (the default) or working days.

    A row without a region applies wherever no region has its own row.
    """

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="period_rules",
        help_text=_("Empty: every region without its own row."),
    )
    counting_mode = models.CharField(
        _("counting"),
        max_length=16,
        choices=CountingMode.choices,
        default=CountingMode.CALENDAR,
        help_text=_(
            "The law's periods (日) are calendar days: the day of receipt is not counted, and a period "
            "whose last day is a rest day ends on the next working day. Choose working days only where "
            "the local rules say so."
        ),
    )
    review_days = models.PositiveSmallIntegerField(
        _("review and decide (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    assign_days = models.PositiveSmallIntegerField(
        _("assign after approval (days)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    notified_assign_days = models.PositiveSmallIntegerField(
        _("assign a notified defence (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    objection_days = models.PositiveSmallIntegerField(
        _("bureau decides an objection (days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    supplement_days = models.PositiveSmallIntegerField(
        _("supplement materials (days)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    provisional_threshold_days = models.PositiveSmallIntegerField(
        _("provisional aid when a deadline is fewer than (days) away"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    confirm_days = models.PositiveSmallIntegerField(
        _("confirm the review after provisional aid (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Counted from the day provisional aid was decided."),
    )
    closing_report_days = models.PositiveSmallIntegerField(
        _("file the closing report (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text=_("Counted from the day the case ended (程序规定: 结案之日起三十日内)."),
    )
    closure_review_days = models.PositiveSmallIntegerField(
        _("review the closing report (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text=_("Counted from the day the closing report was filed."),
    )
    transfer_restarts_review = models.BooleanField(
        _("a transfer restarts the review period"),
        default=False,
        help_text=_(
            "Off: the review period runs from the first receipt, wherever the application was received "
            "(Art 38). On: it starts again on the day the competent center receives the transfer."
        ),
    )

    rule_key_fields = ("region",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["region__sort_order", "-valid_from"]
        verbose_name = _("period rule")
        verbose_name_plural = _("period rules")

    def __str__(self) -> str:
        return f"{self.region or '*'} {self.valid_from} {self.counting_mode}"


class CalendarOverride(models.Model):
    """A local change to the PRC holiday calendar: a rest day made working, or the reverse."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date} {'+' if self.is_working_day else '-'}"


def validate_local_code(value: str) -> None:
    """A local code never collides with a statutory one: ``local_`` and lower-case ASCII (means.py)."""
    problem = local_code_problem(value)
    if problem is not None:
        raise ValidationError(str(problem), code="local_code")


class LocalCode(EffectiveDatedRule):
    """A group or matter that a local law, regulation or rules add (法律、法规、规章规定的其他…):
    an effective-dated row, so that adding one needs no code change. Filings accept its code only
    while a row of it is in force; rule rows (``MeansExemptionRule``, ``MeansMatterRule``) name it
    like a statutory code. The code never changes once used: applications store it."""

    code = models.CharField(
        _("code"),
        max_length=LOCAL_CODE_MAX_LENGTH,
        validators=[validate_local_code],
        help_text=_(
            "local_ and then lower-case letters, digits and underscores, e.g. local_kunjing_ertong. "
            "Applications and rule rows store it: do not change it once used; end the row instead."
        ),
    )
    label = models.CharField(
        _("name"),
        max_length=64,
        help_text=_(
            "In Chinese, as the local rule words it: the form, the pages and the means test show it."
        ),
    )
    basis = models.CharField(
        _("legal basis"),
        max_length=200,
        help_text=_(
            "The law, regulation or rules that add it, with the article (e.g. 《江西省法律援助条例》第X条)."
        ),
    )

    rule_key_fields = ("code",)

    class Meta(EffectiveDatedRule.Meta):
        abstract = True
        ordering = ["code", "-valid_from"]
        constraints = [
            *EffectiveDatedRule.Meta.constraints,
            models.CheckConstraint(
                condition=Q(code__startswith=LOCAL_CODE_PREFIX), name="%(app_label)s_%(class)s_code_local"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.code}, {self.valid_from})"

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Every code ever added, with its latest row's label: a filed application keeps its names
        after the row ends. Cached with the other rule rows (core.refdata)."""

        def load() -> dict[str, str]:
            # ordered by date: a later row's label replaces an earlier one's
            return dict(cls._default_manager.order_by("code", "valid_from").values_list("code", "label"))

        return refdata(f"local-labels:{cls._meta.label_lower}", load)


class LocalApplicantCategory(LocalCode):
    """A special group a local rule adds (Art 42 (4): 法律、法规、规章规定的其他人员), e.g. 困境儿童 or
    失独家庭. Recorded and prioritised like the statutory groups; exempt from the means test only
    where a ``MeansExemptionRule`` row names it, with the proof it needs."""

    class Meta(LocalCode.Meta):
        verbose_name = _("local special group")
        verbose_name_plural = _("local special groups (Art 42 (4))")


class LocalMatterType(LocalCode):
    """A matter a local rule adds (Art 31 (9), Art 32 (5): 法律、法规、规章规定的其他情形), filed under one
    kind of matter. Means-tested unless a ``MeansMatterRule`` row names it."""

    matter_category = models.CharField(
        _("kind of matter"),
        max_length=32,
        choices=MatterCategory.choices,
        help_text=_("The form lists it under this kind of matter, and a filing of another kind is refused."),
    )

    class Meta(LocalCode.Meta):
        verbose_name = _("local matter type")
        verbose_name_plural = _("local matter types (Art 32 (5))")


def _known_code(value: str, statutory: type[models.TextChoices], local: type[LocalCode]) -> bool:
    return value in statutory.values or local._default_manager.filter(code=value).exists()


class MeansMatterRule(EffectiveDatedRule):
    """A matter not restricted by financial hardship (Art 32), the catch-all (5) included: a rule row.

    ``matter_type`` is a statutory code or a ``LocalMatterType``'s (no fixed choices, so that a local
    addition needs no code change; ``clean`` checks it)."""

    matter_type = models.CharField(
        _("matter type"),
        max_length=32,
        help_text=_(
            "A statutory matter type, or one a local rule adds (local_…, added as a local matter type first)."
        ),
    )

    rule_key_fields = ("matter_type",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["matter_type", "-valid_from"]
        verbose_name = _("matter not means-tested")
        verbose_name_plural = _("matters not means-tested (Art 32)")

    def __str__(self) -> str:
        return f"{self.matter_label} ({self.valid_from})"

    @property
    def matter_label(self) -> str:
        return matter_type_label(self.matter_type)

    def clean(self) -> None:
        if self.matter_type and not _known_code(self.matter_type, MatterType, LocalMatterType):
            raise ValidationError(
                {"matter_type": _("Unknown matter type: choose a statutory one, or add the local one first.")}
            )
        super().clean()


class MeansExemptionRule(EffectiveDatedRule):
    """A group exempt from the means test (Art 42), the catch-all (4) included, and the proof it needs.

    ``category`` is a statutory code or a ``LocalApplicantCategory``'s (checked by ``clean``)."""

    category = models.CharField(
        _("special group"),
        max_length=32,
        help_text=_(
            "A statutory group, or one a local rule adds (local_…, added as a local special group first)."
        ),
    )
    condition = models.CharField(
        _("applies"), max_length=24, choices=ExemptionCondition.choices, default=ExemptionCondition.ALWAYS
    )
    proof = models.CharField(
        _("proof required"),
        max_length=200,
        help_text=_("The materials that prove the applicant belongs to the group (Art 42: 有材料证明)."),
    )

    rule_key_fields = ("category",)

    class Meta(EffectiveDatedRule.Meta):
        ordering = ["category", "-valid_from"]
        verbose_name = _("exemption from the means test")
        verbose_name_plural = _("exemptions from the means test (Art 42)")

    def __str__(self) -> str:
        return f"{self.category_label} ({self.valid_from})"

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    def clean(self) -> None:
        if self.category and not _known_code(self.category, ApplicantCategory, LocalApplicantCategory):
            raise ValidationError(
                {"category": _("Unknown special group: choose a statutory one, or add the local one first.")}
            )
        super().clean()


def category_label(code: str) -> str:
    """A special group's name: the statutory label, else the local row's (the code when there is none)."""
    if code in ApplicantCategory.values:
        return str(ApplicantCategory(code).label)
    return LocalApplicantCategory.labels().get(code, code)


def matter_type_label(code: str) -> str:
    """A matter type's name: the statutory label, else the local row's (the code when there is none)."""
    if code in MatterType.values:
        return str(MatterType(code).label)
    return LocalMatterType.labels().get(code, code)


class TrackingCounter(models.Model):
    """The last tracking-number sequence issued per region and year.

    Incremented inside the submitting transaction under a row lock, so numbers are unique;
    a rolled-back submission leaves a gap, which is allowed (gap-tolerant).
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="tracking_counter_unique")]

    def __str__(self) -> str:
        return f"{self.region.code}-{self.year}: {self.last}"


class Applicant(models.Model):
    """The person the aid is for (who may not be the account that files, Art 40)."""

    name = models.CharField(_("name"), max_length=64)
    # Empty only for a person an agency notified without one (a detained suspect's may be unknown).
    id_number = models.CharField(
        _("resident ID number"), max_length=18, validators=[validate_resident_id], db_index=True, blank=True
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("telephone"), max_length=20, validators=[validate_phone], blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    tracking_no = models.CharField(_("tracking number"), max_length=40, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    center = models.ForeignKey(
        Organisation, verbose_name=_("aid center"), on_delete=models.PROTECT, related_name="applications"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="filed_applications",
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="applications"
    )
    representative_name = models.CharField(_("representative's name"), max_length=64, blank=True)
    representative_id_number = models.CharField(
        _("representative's ID number"), max_length=18, blank=True, validators=[validate_resident_id]
    )
    representative_relation = models.CharField(
        _("relation"), max_length=32, blank=True, choices=RepresentativeRelation.choices
    )
    categories = models.JSONField(_("special groups"), default=list, blank=True)
    is_priority = models.BooleanField(
        _("special group"),
        default=False,
        db_index=True,
        help_text=_("Belongs to a special group prioritised in queues."),
    )
    matter_category = models.CharField(_("matter category"), max_length=32, choices=MatterCategory.choices)
    matter_type = models.CharField(_("matter type"), max_length=32, choices=MatterType.choices)
    matter_summary = models.TextField(_("summary"), max_length=2000)
    opposing_party = models.CharField(_("opposing party"), max_length=200, blank=True)
    # Empty only for a detainee's request forwarded by the unit holding them (Art 39, ForwardedRequest):
    # nobody asked about the household yet, so the means test says "unknown" until the reviewer does.
    # A filing always gives both (services.intake).
    household_size = models.PositiveSmallIntegerField(
        _("household size"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    monthly_income = models.DecimalField(
        _("household monthly income (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    assets = models.DecimalField(
        _("household assets (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    fixed_income = models.BooleanField(_("has a fixed source of income"), null=True, blank=True)
    urgent_deadline = models.DateField(_("limitation period or urgent deadline"), null=True, blank=True)
    # Empty only for a forwarded detainee's request (Art 39): the unit forwards it as the person made
    # it, and the center takes the pledge when it meets them. A filing always carries it (services.intake).
    pledged_at = models.DateTimeField(_("integrity pledge given at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    provisional = models.BooleanField(_("provisional aid"), default=False)
    means_result = models.CharField(_("means test"), max_length=16)
    means_reasons = models.JSONField(_("means test reasons"), default=list)
    # A notified defence's grounds (Art 25, 28: minor, life_or_death, death_review, ...): they decide
    # who may be assigned (Art 26). Empty for an application.
    defence_grounds = models.JSONField(_("grounds of the notified defence"), default=list, blank=True)
    defence_reason = models.CharField(
        _("reason for seeking a defender"), max_length=20, blank=True, choices=DefenceReason.choices
    )
    means_proof = models.CharField(
        _("proof of exemption"), max_length=12, choices=Proof.choices, default=Proof.NOT_NEEDED
    )
    means_proof_required = models.JSONField(_("proof the exemption needs"), default=list, blank=True)
    economic_standard = models.ForeignKey(
        EconomicStandard,
        verbose_name=_("standard applied"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_rule = models.ForeignKey(
        PeriodRule,
        verbose_name=_("period rule applied"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_on = models.DateField(_("received on"))
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    # The assignment's period (3 days, Art 43 para 2 and Art 36), set when the case goes to assignment.
    assign_due = models.DateField(_("assignment due"), null=True, blank=True)
    # The center's review of the closing report, due when it was filed (PeriodRule.closure_review_days).
    closure_due = models.DateField(_("closure review due"), null=True, blank=True)
    # The provider handling the case now: set when they accept, cleared when they are replaced. What
    # a provider may see follows it (docs/domain.md), so it lives on the case, not behind a join.
    provider = models.ForeignKey(
        "directory.Provider",
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_cases",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("aid application")
        verbose_name_plural = _("aid applications")
        indexes = [
            models.Index(fields=["center", "status"]),
            models.Index(fields=["filed_by", "-submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(household_size__gte=1), name="application_household_positive"),
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="application_income_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.tracking_no

    @property
    def review_due(self) -> datetime.date | None:
        """The date the decision is due by while the review is open; None once decided or paused."""
        return self.decision_due if self.status in REVIEWABLE_STATUSES else None

    @property
    def category_labels(self) -> list[str]:
        return [category_label(code) for code in self.categories]

    def get_matter_type_display(self) -> str:  # type: ignore[no-redef]
        # Django's own would print a local code (a LocalMatterType's) as it is: its name instead.
        return matter_type_label(self.matter_type)


def application_upload_to(instance: ApplicationDocument, filename: str) -> str:
    # Never the uploader's file name: a generated one, with the checked type's extension.
    return f"applications/{instance.application_id}/{instance.stored_name}"


class ApplicationDocument(models.Model):
    """An uploaded material: PDF, JPEG or PNG only, size-limited, stored under a generated name."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(_("file"), upload_to=application_upload_to, max_length=200)
    stored_name = models.CharField(max_length=64, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    # A document of the closing file (the code of its checklist item), or blank for an application material.
    closing_item = models.SlugField(_("closing-file item"), max_length=32, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("uploaded material")
        verbose_name_plural = _("uploaded materials")

    def __str__(self) -> str:
        return self.original_name


class Decision(models.Model):
    """A reviewer's decision on an application, with the rule rows it used (docs/domain.md)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=16, choices=DecisionKind.choices)
    reason = models.TextField(_("reasons"), max_length=2000, blank=True)
    # Only for provisional aid: which of Art 44's grounds it was given on.
    provisional_ground = models.CharField(
        _("ground of provisional aid"), max_length=16, choices=ProvisionalGround.choices, blank=True
    )
    means_result = models.CharField(_("means test"), max_length=16)
    economic_standard = models.ForeignKey(
        EconomicStandard, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.application} {self.kind}"


class SupplementRequest(models.Model):
    """The one-time supplement notice (一次性告知): every missing item at once, one per application."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="supplement_request"
    )
    missing_items = models.JSONField(_("missing items"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested on"))
    # When the notice was given: only materials uploaded after it answer it.
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    due_on = models.DateField(_("supplement due"))
    answered_on = models.DateField(_("supplemented on"), null=True, blank=True)
    note = models.TextField(_("applicant's note"), max_length=2000, blank=True)
    expired = models.BooleanField(_("expired"), default=False)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")

    def __str__(self) -> str:
        return f"{self.application} supplement"


class Objection(models.Model):
    """An objection against a refusal or termination, decided by the bureau (Art 49)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections")
    target = models.CharField(_("against"), max_length=16, choices=ObjectionTarget.choices)
    # The decision objected to. One objection per decision (Art 49): once the bureau has decided it,
    # the route is administrative reconsideration or litigation, not a second objection. Unique, so
    # that two objections filed at the same moment cannot both be stored.
    refusal = models.OneToOneField(
        "Decision",
        verbose_name=_("refusal objected to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objection",
    )
    termination = models.OneToOneField(
        "Termination",
        verbose_name=_("termination objected to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objection",
    )
    reason = models.TextField(_("grounds of the objection"), max_length=2000)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A written objection (书面异议) that bureau staff or the center's clerk recorded for the citizen:
    # filed_by is then the one who recorded it, not the objector.
    on_behalf = models.BooleanField(_("recorded on the citizen's behalf"), default=False)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("decision due"), null=True, blank=True)
    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="objections")
    outcome = models.CharField(_("outcome"), max_length=16, choices=ObjectionOutcome.choices, blank=True)
    decision_reason = models.TextField(_("reasons of the decision"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["filed_at", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.application} objection"


class Termination(models.Model):
    """A written decision to terminate aid (Art 48); revoked when an objection is found right."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="terminations")
    ground = models.CharField(_("ground"), max_length=32, choices=TerminationGround.choices)
    reason = models.TextField(_("reasons"), max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("termination")
        verbose_name_plural = _("terminations")

    def __str__(self) -> str:
        return f"{self.application} termination"


class DefenceNotification(models.Model):
    """A court's, procuratorate's or police unit's notice that a suspect or defendant needs a defender
    (通知辩护, Arts 25, 28, 36): it makes a case with no application and no means test, which the
    center assigns within three days of receipt; the notifying unit receives the assignment letter."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="notification")
    agency = models.ForeignKey(
        Organisation,
        verbose_name=_("notifying agency"),
        on_delete=models.PROTECT,
        related_name="defence_notifications",
    )
    agency_case_no = models.CharField(_("agency's case number"), max_length=64)
    received_at = models.DateTimeField(_("received by the center at"))
    grounds = models.JSONField(_("grounds"), default=list)
    charge = models.CharField(_("charge"), max_length=200)
    stage = models.CharField(_("stage"), max_length=16, choices=ProceedingStage.choices)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("notified defence")
        verbose_name_plural = _("notified defences")
        constraints = [
            # one notice per case and stage: the same notice sent twice is refused, not a second case
            models.UniqueConstraint(
                fields=["agency", "agency_case_no", "stage"], name="notification_unique_agency_case_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.agency_case_no}"


class PublicInterestFiling(models.Model):
    """The procuratorate's environmental public-interest litigation (环境公益诉讼), filed with the aid
    center so that the forensic appraisal it needs is not paid up front (docs/domain.md, fee waivers):
    the fee is deferred until judgment and then borne by the losing party. The procuratorate litigates
    itself: the case has no means test and no assignment; what the center handles is its fee waivers."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="public_interest_filing"
    )
    agency = models.ForeignKey(
        Organisation,
        verbose_name=_("procuratorate"),
        on_delete=models.PROTECT,
        related_name="public_interest_filings",
    )
    agency_case_no = models.CharField(_("procuratorate's case number"), max_length=64)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("public-interest litigation filing")
        verbose_name_plural = _("public-interest litigation filings")
        constraints = [
            models.UniqueConstraint(fields=["agency", "agency_case_no"], name="public_interest_unique_case"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.agency_case_no}"


# The intake across the city (Arts 38, 39): one module per part, imported here so Django finds them.
from .checklist import *  # noqa: E402,F403
from .collaboration import *  # noqa: E402,F403
from .forwarding import *  # noqa: E402,F403
from .transfers import *  # noqa: E402,F403
