from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.admin import ReadOnlyAdmin
from directory.choices import MatterType

from .means import ApplicantCategory
from .models import (
    Application,
    ApplicationDocument,
    ApplicationTransfer,
    CalendarOverride,
    CollaborationLetter,
    CollaborationRule,
    EconomicStandard,
    ForwardedRequest,
    ForwardingRule,
    LocalApplicantCategory,
    LocalCode,
    LocalMatterType,
    MaterialsChecklistItem,
    MeansExemptionRule,
    MeansMatterRule,
    PeriodRule,
    category_label,
    matter_type_label,
)


@admin.register(EconomicStandard)
class EconomicStandardAdmin(admin.ModelAdmin):
    list_display = ["region", "kind", "monthly_amount", "asset_cap", "valid_from", "valid_to", "is_demo"]
    list_filter = ["region", "kind", "is_demo"]


@admin.register(PeriodRule)
class PeriodRuleAdmin(admin.ModelAdmin):
    list_display = [
        "region",
        "counting_mode",
        "review_days",
        "assign_days",
        "objection_days",
        "supplement_days",
        "valid_from",
        "valid_to",
        "is_demo",
    ]
    list_filter = ["region", "counting_mode", "is_demo"]


class LocalCodeAdmin(admin.ModelAdmin):
    """A group or matter a local rule adds: a row here, then a rule row naming it (no code change)."""

    list_display = ["code", "label", "basis", "valid_from", "valid_to", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["code", "label", "basis"]

    def get_readonly_fields(self, request, obj=None):
        # applications and rule rows store the code: a row in use is ended, never recoded
        return ["code"] if obj is not None else []


@admin.register(LocalApplicantCategory)
class LocalApplicantCategoryAdmin(LocalCodeAdmin):
    """Art 42 (4): special groups local rules add. Exempt from the means test only where an exemption row
    (with its proof) names one."""


@admin.register(LocalMatterType)
class LocalMatterTypeAdmin(LocalCodeAdmin):
    """Art 32 (5): matter types local rules add. Not means-tested only where a matter rule row names one."""

    list_display = ["code", "label", "matter_category", "basis", "valid_from", "valid_to", "is_demo"]
    list_filter = ["matter_category", "is_demo"]


def _with_local(statutory: type[models.TextChoices], local: type[LocalCode]) -> list:
    """The statutory codes, then a group of the local ones (every row, in force or not), read afresh."""
    rows = local._default_manager.order_by("code", "valid_from").values_list("code", "label")
    added = {code: f"{label}（{code}）" for code, label in rows}  # a later row's label wins
    choices: list = [("", "---------"), (_("Statutory"), list(statutory.choices))]
    if added:
        choices.append((_("Added by local rules"), sorted(added.items())))
    return choices


class MeansMatterRuleForm(forms.ModelForm):
    matter_type = forms.ChoiceField(
        label=_("matter type"), choices=lambda: _with_local(MatterType, LocalMatterType)
    )

    class Meta:
        model = MeansMatterRule
        fields = ["matter_type", "valid_from", "valid_to", "is_demo", "note"]


class MeansExemptionRuleForm(forms.ModelForm):
    category = forms.ChoiceField(
        label=_("special group"), choices=lambda: _with_local(ApplicantCategory, LocalApplicantCategory)
    )

    class Meta:
        model = MeansExemptionRule
        fields = ["category", "condition", "proof", "valid_from", "valid_to", "is_demo", "note"]


@admin.register(MeansMatterRule)
class MeansMatterRuleAdmin(admin.ModelAdmin):
    """Art 32: matters not means-tested; a local rule's additions (Art 32 (5)) are rows here, naming a
    local matter type."""

    form = MeansMatterRuleForm
    list_display = ["matter_label", "matter_type", "valid_from", "valid_to", "note", "is_demo"]
    list_filter = ["matter_type", "is_demo"]

    @admin.display(description=_("matter type"), ordering="matter_type")
    def matter_label(self, obj: MeansMatterRule) -> str:
        return obj.matter_label


@admin.register(MeansExemptionRule)
class MeansExemptionRuleAdmin(admin.ModelAdmin):
    """Art 42: groups exempt from the means test and the proof each needs; additions (Art 42 (4)) are rows,
    naming a local special group."""

    form = MeansExemptionRuleForm
    list_display = [
        "category_label",
        "category",
        "condition",
        "proof",
        "valid_from",
        "valid_to",
        "note",
        "is_demo",
    ]
    list_filter = ["category", "condition", "is_demo"]

    @admin.display(description=_("special group"), ordering="category")
    def category_label(self, obj: MeansExemptionRule) -> str:
        return obj.category_label


class MaterialsChecklistItemForm(forms.ModelForm):
    """The conditions as ticks: the statutory codes and those local rules add (the form reads them afresh)."""

    categories = forms.MultipleChoiceField(
        label=_("special groups"),
        required=False,
        choices=lambda: _with_local(ApplicantCategory, LocalApplicantCategory)[1:],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any applicant. Otherwise applicants in any of the groups ticked."),
    )
    matter_types = forms.MultipleChoiceField(
        label=_("matter types"),
        required=False,
        choices=lambda: _with_local(MatterType, LocalMatterType)[1:],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any matter."),
    )

    class Meta:
        model = MaterialsChecklistItem
        fields = [
            "code",
            "label",
            "why",
            "required",
            "region",
            "categories",
            "matter_types",
            "means_path",
            "with_representative",
            "sort_order",
            "valid_from",
            "valid_to",
            "is_demo",
            "note",
        ]


@admin.register(MaterialsChecklistItem)
class MaterialsChecklistItemAdmin(admin.ModelAdmin):
    """The materials checklist (申请材料清单): what applicants bring or upload, per kind of case; shown on the
    application form, the receipt and the reviewer's supplement notice."""

    form = MaterialsChecklistItemForm
    list_display = [
        "label",
        "code",
        "required",
        "applies_to",
        "means_path",
        "region",
        "sort_order",
        "valid_from",
        "valid_to",
        "is_demo",
    ]
    list_filter = ["code", "means_path", "required", "with_representative", "region", "is_demo"]
    list_select_related = ["region"]
    search_fields = ["label", "why"]

    @admin.display(description=_("applies to"))
    def applies_to(self, obj: MaterialsChecklistItem) -> str:
        parts = [
            "、".join(category_label(c) for c in obj.categories),
            "、".join(matter_type_label(m) for m in obj.matter_types),
            str(_("a representative")) if obj.with_representative else "",
        ]
        return " · ".join(p for p in parts if p) or str(_("every case"))


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note"]
    date_hierarchy = "date"


class UploadInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications change only through the workflow, which audits every step."""

    list_display = [
        "tracking_no",
        "status",
        "center",
        "channel",
        "matter_label",
        "means_result",
        "decision_due",
        "submitted_at",
    ]
    list_filter = ["status", "center", "channel", "means_result", "is_priority"]
    search_fields = ["tracking_no"]
    list_select_related = ["center"]
    inlines = [UploadInline]

    @admin.display(description=_("matter type"), ordering="matter_type")
    def matter_label(self, obj: Application) -> str:
        return obj.get_matter_type_display()  # a local matter type's name too, not only the statutory ones

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ForwardingRule)
class ForwardingRuleAdmin(admin.ModelAdmin):
    list_display = ["region", "hours", "valid_from", "valid_to", "is_demo"]
    list_filter = ["region", "is_demo"]


# Written by the services with their audit rows: shown, never edited here.
@admin.register(ForwardedRequest)
class ForwardedRequestAdmin(ReadOnlyAdmin):
    list_display = ["application", "unit", "received_at", "forwarded_at", "forwarded_late"]
    list_filter = ["forwarded_late", "unit"]


@admin.register(ApplicationTransfer)
class ApplicationTransferAdmin(ReadOnlyAdmin):
    list_display = ["application", "from_center", "to_center", "transferred_at"]


@admin.register(CollaborationRule)
class CollaborationRuleAdmin(admin.ModelAdmin):
    list_display = ["region", "answer_days", "valid_from", "valid_to", "is_demo"]
    list_filter = ["region", "is_demo"]


@admin.register(CollaborationLetter)
class CollaborationLetterAdmin(ReadOnlyAdmin):
    list_display = ["application", "from_center", "to_center", "request", "due", "status"]
    list_filter = ["status", "request"]
