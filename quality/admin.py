"""The quality app in the Django admin: its rule tables are edited here (effective-dated rows); the
records the services write — complaints, calls, hearings, views, samplings and reviews — are shown
read-only, since only the services write them (with their audit rows)."""

from __future__ import annotations

from django.contrib import admin

from directory.admin import ReadOnlyAdmin

from .models import (
    Complaint,
    ComplaintRule,
    FollowUp,
    FollowUpRule,
    GradeBand,
    PeerReview,
    Sampling,
    SamplingRule,
    ScorecardItem,
)
from .models.hearings import FeedbackRequest, HearingObservation

# --- rule tables ---------------------------------------------------------------------------------


@admin.register(ComplaintRule)
class ComplaintRuleAdmin(admin.ModelAdmin):
    list_display = [
        "region",
        "accept_days",
        "accept_counting",
        "decide_days",
        "decide_counting",
        "valid_from",
        "valid_to",
        "is_demo",
    ]
    list_filter = ["region", "is_demo"]
    list_select_related = ["region"]


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(admin.ModelAdmin):
    list_display = ["region", "at_assignment", "mid_case", "valid_from", "valid_to", "is_demo"]
    list_filter = ["region", "is_demo"]
    list_select_related = ["region"]


@admin.register(ScorecardItem)
class ScorecardItemAdmin(admin.ModelAdmin):
    list_display = [
        "matter_category",
        "sort_order",
        "code",
        "label",
        "max_points",
        "valid_from",
        "valid_to",
        "is_demo",
    ]
    list_filter = ["matter_category", "is_demo"]
    search_fields = ["code", "label"]


@admin.register(GradeBand)
class GradeBandAdmin(admin.ModelAdmin):
    list_display = ["grade", "min_points", "valid_from", "valid_to", "is_demo"]
    list_filter = ["grade", "is_demo"]


@admin.register(SamplingRule)
class SamplingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "valid_from", "valid_to", "is_demo"]
    list_filter = ["is_demo"]


# --- records (read-only) ---------------------------------------------------------------------------


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "about",
        "ground",
        "status",
        "outcome",
        "center",
        "received_on",
        "accept_due",
        "decide_due",
    ]
    list_filter = ["status", "about", "ground", "outcome", "source"]
    list_select_related = ["center"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "application",
        "point",
        "status",
        "reached",
        "satisfaction",
        "asked_for_money",
        "recorded_at",
    ]
    list_filter = ["status", "point", "reached"]
    list_select_related = ["application"]


@admin.register(HearingObservation)
class HearingObservationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "application", "date"]
    list_select_related = ["application"]


@admin.register(FeedbackRequest)
class FeedbackRequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "application", "agency", "status"]
    list_filter = ["status"]
    list_select_related = ["application", "agency"]


@admin.register(Sampling)
class SamplingAdmin(ReadOnlyAdmin):
    list_display = ["pk", "center", "period_from", "period_to", "share", "count", "seed", "run_at"]
    list_select_related = ["center"]


@admin.register(PeerReview)
class PeerReviewAdmin(ReadOnlyAdmin):
    list_display = ["pk", "application", "reviewer", "status", "total", "grade", "scored_at"]
    list_filter = ["status", "grade"]
    list_select_related = ["application", "reviewer"]
