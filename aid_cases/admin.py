from django.contrib import admin

from .models import (
    Application,
    ApplicationDocument,
    CalendarOverride,
    EconomicStandard,
    MeansExemptionRule,
    MeansMatterRule,
    PeriodRule,
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


@admin.register(MeansMatterRule)
class MeansMatterRuleAdmin(admin.ModelAdmin):
    """Art 32: matters not means-tested; a local rule's additions (Art 32 (5)) are rows here."""

    list_display = ["matter_type", "valid_from", "valid_to", "note", "is_demo"]
    list_filter = ["matter_type", "is_demo"]


@admin.register(MeansExemptionRule)
class MeansExemptionRuleAdmin(admin.ModelAdmin):
    """Art 42: groups exempt from the means test and the proof each needs; additions (Art 42 (4)) are rows."""

    list_display = ["category", "condition", "proof", "valid_from", "valid_to", "note", "is_demo"]
    list_filter = ["category", "condition", "is_demo"]


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
        "matter_type",
        "means_result",
        "decision_due",
        "submitted_at",
    ]
    list_filter = ["status", "center", "channel", "means_result", "is_priority"]
    search_fields = ["tracking_no"]
    list_select_related = ["center"]
    inlines = [UploadInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
