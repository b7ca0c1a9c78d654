"""Consultations in the Django admin: the reply rule is edited here (effective-dated rows); the
consultations themselves only by the services (with their audit rows), so they are shown read-only."""

from __future__ import annotations

from django.contrib import admin

from directory.admin import ReadOnlyAdmin

from .models import Consultation, ConsultationRule


@admin.register(ConsultationRule)
class ConsultationRuleAdmin(admin.ModelAdmin):
    list_display = [
        "region",
        "reply_days",
        "reply_counting",
        "reply_rate_target",
        "valid_from",
        "valid_to",
        "is_demo",
    ]
    list_filter = ["region", "is_demo"]
    list_select_related = ["region"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "channel",
        "center",
        "matter_type",
        "status",
        "asked_at",
        "answer_due",
        "answered_on",
    ]
    list_filter = ["channel", "status", "referral", "anonymous"]
    list_select_related = ["center"]
