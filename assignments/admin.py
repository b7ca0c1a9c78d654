"""The admin of assignments: the rule tables are edited here; the ledger moves only through its services.

Rule rows (subsidy standards and adjustments, the closing-file checklist, the annual duty) and the
conflict register are edited as data. Assignments, closing reports and ratings are read-only: they
change only through the services, which audit every step. A subsidy payment is read-only too, and
moves on through the actions "approve for payment" and "mark paid"; a period's whole table of
subsidy standards is carried into the next period by one action (``subsidy_standards_copy``).
"""

from __future__ import annotations

import datetime
import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template import engines
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict
from directory.admin import ReadOnlyAdmin

from .choices import PaymentStatus
from .models import (
    Assignment,
    ClosingChecklistItem,
    ClosingReport,
    DutyRule,
    PartyConflict,
    Rating,
    SubsidyAdjustment,
    SubsidyGradeFactor,
    SubsidyPayment,
    SubsidyStandard,
)
from .services.payments import payment_approve, payment_mark_paid, subsidy_standards_copy

# The intermediate page of an action that asks for a few values first (Django's own "delete
# selected" confirmation works the same way): the selection and the action travel in hidden fields.
_ACTION_FORM_PAGE = """{% extends "admin/base_site.html" %}
{% load i18n l10n admin_urls %}
{% block bodyclass %}{{ block.super }} app-{{ opts.app_label }} model-{{ opts.model_name }}{% endblock %}
{% block breadcrumbs %}<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">{% translate 'Home' %}</a>
&rsaquo; <a href="{% url 'admin:app_list' app_label=opts.app_label %}">{{ opts.app_config.verbose_name }}</a>
&rsaquo; <a href="{% url opts|admin_urlname:'changelist' %}">{{ opts.verbose_name_plural|capfirst }}</a>
&rsaquo; {{ title }}</div>{% endblock %}
{% block content %}<div id="content-main">
{% for paragraph in intro %}<p>{{ paragraph }}</p>{% endfor %}
<form method="post">{% csrf_token %}
{% if form.non_field_errors %}{{ form.non_field_errors }}{% endif %}
<fieldset class="module aligned">
{% for field in form %}<div class="form-row">
{{ field.errors }}{{ field.label_tag }} {{ field }}
{% if field.help_text %}<div class="help">{{ field.help_text }}</div>{% endif %}
</div>{% endfor %}
</fieldset>
{% for obj in queryset %}<input type="hidden" name="{{ action_checkbox_name }}" value="{{ obj.pk|unlocalize }}">
{% endfor %}<input type="hidden" name="action" value="{{ action }}">
<input type="hidden" name="select_across" value="{{ select_across }}">
<input type="hidden" name="apply" value="1">
<div class="submit-row"><input type="submit" class="default" value="{{ submit }}">
<a href="{% url opts|admin_urlname:'changelist' %}" class="button cancel-link">{% translate 'Cancel' %}</a></div>
</form></div>{% endblock %}
"""


@functools.cache
def _action_template():
    return engines["django"].from_string(_ACTION_FORM_PAGE)


def _action_page(modeladmin, request, queryset, *, action: str, form, title, intro, submit):
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "intro": intro,
        "form": form,
        "queryset": queryset,
        "action": action,
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "submit": submit,
    }
    return TemplateResponse(request, _action_template(), context)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _errors_onto(form: forms.Form, error: ValidationError) -> None:
    """A service's ``ValidationError`` shown on the action's form, by field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)


# --- rule tables ---------------------------------------------------------------------------------


class CopyPeriodForm(forms.Form):
    source_day = forms.DateField(
        label=_("Copy the standards in force on"),
        widget=_date_input(),
        help_text=_("Every subsidy standard in force on this day is copied, not only the rows selected."),
    )
    valid_from = forms.DateField(
        label=_("New period from"),
        widget=_date_input(),
        help_text=_("The rows copied end the day before; their copies are valid from this day, open-ended."),
    )
    note = forms.CharField(
        label=_("Source or note"),
        max_length=200,
        required=False,
        help_text=_("Empty: each copy keeps the note of its row."),
    )


@admin.register(SubsidyStandard)
class SubsidyStandardAdmin(admin.ModelAdmin):
    list_display = [
        "region",
        "matter_category",
        "aid_form",
        "stage",
        "amount",
        "graded",
        "valid_from",
        "valid_to",
        "is_demo",
    ]
    list_filter = ["region", "matter_category", "aid_form", "stage", "graded", "is_demo"]
    list_select_related = ["region"]
    actions = ["copy_period"]

    @admin.action(description=_("Copy the selected period to a new period"), permissions=["add"])
    def copy_period(self, request, queryset):
        if "apply" in request.POST:
            form = CopyPeriodForm(request.POST)
            if form.is_valid():
                try:
                    count = subsidy_standards_copy(
                        acting_user=request.user,
                        source_day=form.cleaned_data["source_day"],
                        valid_from=form.cleaned_data["valid_from"],
                        note=form.cleaned_data["note"],
                    )
                except ValidationError as error:
                    _errors_onto(form, error)
                else:
                    self.message_user(
                        request,
                        _t("Subsidy standards copied to the period from %(day)s: %(count)d.")
                        % {"count": count, "day": form.cleaned_data["valid_from"].isoformat()},
                        messages.SUCCESS,
                    )
                    return None
        else:
            starts = [row.valid_from for row in queryset]
            today = timezone.localdate()
            form = CopyPeriodForm(
                initial={
                    "source_day": max(starts) if starts else today,
                    "valid_from": datetime.date(today.year + 1, 1, 1),
                }
            )
        return _action_page(
            self,
            request,
            queryset,
            action="copy_period",
            form=form,
            title=_t("Copy subsidy standards to a new period"),
            intro=[
                _t(
                    "The whole table of standards in force on the day chosen is carried into the new "
                    "period, with the same amounts; then edit the amounts that change."
                )
            ],
            submit=_t("Copy"),
        )


@admin.register(SubsidyAdjustment)
class SubsidyAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["kind", "region", "factor", "valid_from", "valid_to", "is_demo"]
    list_filter = ["kind", "region", "is_demo"]
    list_select_related = ["region"]


@admin.register(SubsidyGradeFactor)
class SubsidyGradeFactorAdmin(admin.ModelAdmin):
    list_display = ["grade", "region", "factor", "valid_from", "valid_to", "is_demo"]
    list_filter = ["grade", "region", "is_demo"]
    list_select_related = ["region"]


@admin.register(ClosingChecklistItem)
class ClosingChecklistItemAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "code",
        "matter_category",
        "aid_form",
        "stage",
        "required",
        "sort_order",
        "valid_from",
        "valid_to",
        "is_demo",
    ]
    list_filter = ["matter_category", "aid_form", "stage", "required", "is_demo"]
    search_fields = ["code", "label"]


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


@admin.register(PartyConflict)
class PartyConflictAdmin(admin.ModelAdmin):
    list_display = ["party_name", "organisation", "provider", "note", "recorded_at"]
    search_fields = ["party_name", "note"]
    list_select_related = ["organisation", "provider"]
    raw_id_fields = ["organisation", "provider"]


# --- what happened to the cases ------------------------------------------------------------------


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = [
        "application",
        "provider",
        "organisation",
        "aid_form",
        "status",
        "cross_region",
        "assigned_at",
    ]
    list_filter = ["status", "aid_form", "cross_region"]
    search_fields = ["application__tracking_no", "provider__name"]
    list_select_related = ["application", "provider", "organisation"]


@admin.register(ClosingReport)
class ClosingReportAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "stage", "filed_on", "approved", "returned_count"]
    list_filter = ["approved", "outcome", "stage"]
    search_fields = ["application__tracking_no"]
    list_select_related = ["application"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["application", "provider", "score", "rated_at"]
    list_filter = ["score"]
    search_fields = ["application__tracking_no"]
    list_select_related = ["application", "provider"]


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=_date_input())
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=64,
        required=False,
        help_text=_("The bank transfer's reference; one transfer may pay several subsidies."),
    )

    def clean_paid_on(self) -> datetime.date:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise ValidationError(_("The payment day cannot be in the future."))
        return paid_on


@admin.register(SubsidyPayment)
class SubsidyPaymentAdmin(admin.ModelAdmin):
    """The ledger: read-only rows, moved on by the actions, each through its audited service."""

    list_display = [
        "application",
        "provider",
        "organisation",
        "amount",
        "status",
        "owed_on",
        "approved_on",
        "paid_on",
        "payment_reference",
    ]
    list_filter = ["status", "organisation", "owed_on"]
    date_hierarchy = "owed_on"
    search_fields = ["application__tracking_no", "provider__name", "organisation__name", "payment_reference"]
    list_select_related = ["application", "provider", "organisation"]
    fields = [
        "application",
        "assignment",
        "provider",
        "organisation",
        "standard",
        "base_amount",
        "factors",
        "amount",
        "status",
        "owed_on",
        "approved_on",
        "paid_on",
        "payment_reference",
    ]
    readonly_fields = fields
    actions = ["approve_for_payment", "mark_paid"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The changelist's actions need it; a single row is never edited by hand.
        return obj is None and super().has_change_permission(request)

    def _report(self, request, done: int, skipped: int, done_text: str, skipped_text: str) -> None:
        if done:
            self.message_user(request, done_text % {"count": done}, messages.SUCCESS)
        if skipped:
            self.message_user(request, skipped_text % {"count": skipped}, messages.WARNING)

    @admin.action(description=_("Approve for payment"), permissions=["change"])
    def approve_for_payment(self, request, queryset):
        done = skipped = 0
        for payment in queryset:
            try:
                payment_approve(acting_user=request.user, payment=payment)
            except Conflict:
                skipped += 1
            else:
                done += 1
        self._report(
            request,
            done,
            skipped,
            _t("Subsidies approved for payment: %(count)d."),
            _t("Subsidies left as they were (only owed subsidies can be approved): %(count)d."),
        )

    @admin.action(description=_("Mark paid"), permissions=["change"])
    def mark_paid(self, request, queryset):
        if "apply" in request.POST:
            form = MarkPaidForm(request.POST)
            if form.is_valid():
                done = skipped = 0
                for payment in queryset:
                    try:
                        payment_mark_paid(
                            acting_user=request.user,
                            payment=payment,
                            paid_on=form.cleaned_data["paid_on"],
                            reference=form.cleaned_data["reference"],
                        )
                    except Conflict:
                        skipped += 1
                    except ValidationError as error:
                        # e.g. a day before this payment's approval: the others go on
                        skipped += 1
                        for problem in error.messages:
                            self.message_user(request, f"{payment}: {problem}", messages.ERROR)
                    else:
                        done += 1
                self._report(
                    request,
                    done,
                    skipped,
                    _t("Subsidies marked paid: %(count)d."),
                    _t(
                        "Subsidies left as they were (only approved subsidies can be marked paid): %(count)d."
                    ),
                )
                return None
        else:
            form = MarkPaidForm(initial={"paid_on": timezone.localdate()})
        approved = [p for p in queryset if p.status == PaymentStatus.APPROVED]
        return _action_page(
            self,
            request,
            queryset,
            action="mark_paid",
            form=form,
            title=_t("Mark subsidies paid"),
            intro=[
                _t("Subsidies selected that are approved for payment and will be marked paid: %(count)d.")
                % {"count": len(approved)}
            ],
            submit=_t("Mark paid"),
        )
