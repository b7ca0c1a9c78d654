from django.contrib import admin

from .models import DutyRule, SubsidyStandard


@admin.register(SubsidyStandard)
class SubsidyStandardAdmin(admin.ModelAdmin):
    list_display = ["region", "matter_category", "aid_form", "amount", "valid_from", "valid_to", "is_demo"]
    list_filter = ["region", "matter_category", "aid_form", "is_demo"]


@admin.register(DutyRule)
class DutyRuleAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "region",
        "lawyer_min_cases",
        "lawyer_min_hours",
        "notary_min_count",
        "counting_date",
        "is_demo",
    ]
    list_filter = ["year", "region", "is_demo"]
