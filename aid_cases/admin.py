from django.contrib import admin

from .models import EconomicStandard


@admin.register(EconomicStandard)
class EconomicStandardAdmin(admin.ModelAdmin):
    list_display = ["region", "kind", "monthly_amount", "asset_cap", "valid_from", "valid_to", "is_demo"]
    list_filter = ["region", "kind", "is_demo"]
