"""The statistics page of centers and bureaus (docs/domain.md, indicators) and the form that records a
duty-lawyer day.

Thin views: who sees which regions and every figure are ``assignments.statistics``'s; recording a
day is ``assignments.services.duty_lawyer``'s, whose ``ValidationError`` lands on the form's fields.
The charts are inline SVG drawn on the server (``templates/site_ui/_bar_chart.svg.html``): no
script, no library, and the same figures as text beside them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assignments import statistics as stats
from assignments.models import DutyLawyerRecord
from assignments.services import duty_lawyer
from core.errors import Conflict, Forbidden
from directory.choices import OrganisationKind
from directory.models import Organisation, Provider
from waivers.selectors import institution_totals

from .consultation_views import consultation_figures

DATE_FORMAT = "%Y-%m-%d"
DATE_ERROR = gettext_lazy("Enter the date as YYYY-MM-DD.")

# --- formatting -----------------------------------------------------------------------------------


def percent(value: Decimal | None) -> str:
    """A rate as the page shows it: ``Decimal("0.8750")`` → "87.5%", 1 → "100%", None → "—"."""
    if value is None:
        return "—"
    text = f"{(value * 100).quantize(Decimal('0.01')):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def money(amount: Decimal) -> str:
    """Yuan as Chinese pages write them: "¥1,500.00"."""
    return f"¥{amount.quantize(Decimal('0.01')):,.2f}"


def hours_text(hours: Decimal) -> str:
    """Hours without a useless decimal: 15.5 → "15.5", 16.0 → "16", 0.0 → "0"."""
    text = f"{hours.quantize(Decimal('0.1')):f}"
    return text[:-2] if text.endswith(".0") else text


def target_text(target: Decimal | None) -> str:
    if target is None:
        return "—"
    return percent(target) if target >= 1 else f"≥ {percent(target)}"


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- the statistics page --------------------------------------------------------------------------


class StatisticsForm(forms.Form):
    """The page's filter: ``?from=&to=`` (dates) and ``?region=`` (a code among those the user sees)."""

    def __init__(self, *args, regions, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        date_widget = {"type": "date", "max": today.strftime(DATE_FORMAT)}
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("From"),
            required=False,
            input_formats=[DATE_FORMAT],
            widget=forms.DateInput(attrs=date_widget, format=DATE_FORMAT),
            error_messages={"invalid": DATE_ERROR},
        )
        self.fields["to"] = forms.DateField(
            label=gettext_lazy("To"),
            required=False,
            input_formats=[DATE_FORMAT],
            widget=forms.DateInput(attrs=date_widget, format=DATE_FORMAT),
            error_messages={"invalid": DATE_ERROR},
        )
        if len(regions) > 1:
            self.fields["region"] = forms.ChoiceField(
                label=gettext_lazy("Region"),
                required=False,
                choices=[("", gettext_lazy("All regions")), *((r.code, r.name) for r in regions)],
            )
        default = stats.Period.year_to_date(today)
        self.initial.setdefault("from", default.start)
        self.initial.setdefault("to", default.end)

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end of the period cannot be before its start."))
        return data


def _region_or_404(scope: stats.StatisticsScope, code: str):
    for region in scope.regions:
        if region.code == code:
            return region
    raise Http404  # a region the user may not see, or none at all


def _bar(label, value: Decimal | None, target: Decimal | None, met: bool | None, detail: str) -> dict:
    """One bar of a chart: the bar spans 98% of the width at 100%, so a 100% target stays visible."""
    width = None if value is None else f"{value * Decimal('98'):.2f}%"
    if met is None:
        verdict = ""
    else:
        verdict = _("target met") if met else _("below target")
    description = ", ".join(
        part
        for part in (
            f"{label}: {percent(value) if value is not None else _('nothing counted')}",
            detail,
            _("target %(target)s") % {"target": target_text(target)} if target is not None else "",
            verdict,
        )
        if part
    )
    return {
        "label": label,
        "text": percent(value) if value is not None else _("nothing counted"),
        "width": width,
        "target_x": None if target is None else f"{min(target, Decimal(1)) * Decimal('98'):.2f}%",
        "below": met is False,
        "description": description,
    }


def _chart(chart_id: str, title: str, bars: list[dict], css_class: str = "") -> dict:
    row_height = 50
    for n, bar in enumerate(bars):
        bar["top"] = n * row_height
    return {
        "id": chart_id,
        "title": title,
        "description": "; ".join(bar["description"] for bar in bars),
        "bars": bars,
        "height": len(bars) * row_height,
        "css_class": css_class,
    }


def _ratio_detail(ratio: stats.Ratio) -> str:
    if ratio.denominator == 0:
        return _("nothing counted")
    return f"{ratio.numerator} / {ratio.denominator}"


def _period(start: datetime.date | None, end: datetime.date | None, today: datetime.date) -> stats.Period:
    """The period asked for; a missing end is today (or the start, if that is later), a missing start
    the first of January of the end's year."""
    if end is None:
        end = max(today, start) if start else today
    if start is None:
        start = min(end.replace(month=1, day=1), end)
    return stats.Period(start, end)


def statistics(request):
    """Indicators per region and period for center staff and bureau officers; 404 for anyone else."""
    scope = stats.statistics_scope(request.user)
    if scope is None:
        raise Http404
    today = timezone.localdate()
    form = StatisticsForm(request.GET or None, regions=scope.regions, today=today)
    period = stats.Period.year_to_date(today)
    shown = scope
    code = request.GET.get("region", "")
    if code:
        shown = scope.narrowed(_region_or_404(scope, code))
    if form.is_bound and form.is_valid():
        period = _period(form.cleaned_data.get("from"), form.cleaned_data.get("to"), today)
    figures = stats.statistics_by_region(
        center_ids=shown.center_ids, region_ids=[r.pk for r in shown.regions], period=period, today=today
    )
    columns = [{"name": r.name, "code": r.code, "figures": figures[r.pk]} for r in shown.regions]
    total = stats.figures_total(c["figures"] for c in columns)
    if len(columns) > 1:
        columns.append({"name": _("All regions shown"), "code": "total", "figures": total, "total": True})
    place = shown.regions[0].name if len(shown.regions) == 1 else _("All regions shown")

    rate_rows = []
    for indicator in stats.INDICATORS:
        cells = []
        for column in columns:
            ratio = column["figures"].ratios[indicator.code]
            cells.append(
                {
                    "column": column["name"],
                    "text": percent(ratio.rate),
                    "detail": f"{ratio.numerator} / {ratio.denominator}" if ratio.denominator else "",
                    "met": ratio.meets(indicator.target),
                }
            )
        rate_rows.append({"indicator": indicator, "target": target_text(indicator.target), "cells": cells})
    count_rows = [
        {
            "indicator": indicator,
            "cells": [
                {
                    "column": c["name"],
                    "text": str(c["figures"].counts[indicator.code]),
                    "overdue": indicator.code == stats.OVERDUE and c["figures"].counts[indicator.code] > 0,
                }
                for c in columns
            ],
        }
        for indicator in stats.COUNTS
    ]
    money_rows = [
        {
            "indicator": indicator,
            "cells": [
                {"column": c["name"], "text": money(c["figures"].money[indicator.code])} for c in columns
            ],
        }
        for indicator in stats.SUBSIDIES
    ]
    duty_cells = [
        {
            "column": c["name"],
            "days": _("Days: %(days)s") % {"days": c["figures"].duty_days},
            "hours": _("Hours: %(hours)s") % {"hours": hours_text(c["figures"].duty_hours)},
        }
        for c in columns
    ]

    overview = _chart(
        "chart-overview",
        _("Indicators against their targets: %(place)s") % {"place": place},
        [
            _bar(
                str(indicator.label),
                total.ratios[indicator.code].rate,
                indicator.target,
                total.ratios[indicator.code].meets(indicator.target),
                _ratio_detail(total.ratios[indicator.code]),
            )
            for indicator in stats.INDICATORS
        ],
        css_class="site-chart--overview",
    )
    by_region = []
    if len(shown.regions) > 1:
        for indicator in stats.INDICATORS:
            bars = []
            for column in columns[:-1]:
                ratio = column["figures"].ratios[indicator.code]
                bars.append(
                    _bar(
                        column["name"],
                        ratio.rate,
                        indicator.target,
                        ratio.meets(indicator.target),
                        _ratio_detail(ratio),
                    )
                )
            by_region.append(
                _chart(
                    f"chart-{indicator.code}",
                    _("%(indicator)s by region") % {"indicator": indicator.label},
                    bars,
                )
            )
    # The fee lines the institutions answered, on the cases of the regions shown (one grouped query).
    # The selector counts calendar years: the year of the period's end.
    fee_year = period.end.year
    fee_rows = institution_totals(year=fee_year, region_ids=[r.pk for r in shown.regions])
    fee_total = {
        "count": sum(row.count for row in fee_rows),
        "standard_fees": money(sum((row.standard_fees for row in fee_rows), Decimal("0"))),
        "waived": money(sum((row.waived for row in fee_rows), Decimal("0"))),
        "deferred_open": sum(row.deferred_open for row in fee_rows),
    }
    kind_labels = dict(OrganisationKind.choices)
    fee_lines = [
        {
            "name": row.name,
            "kind": kind_labels.get(row.kind, row.kind),
            "count": row.count,
            "standard_fees": money(row.standard_fees),
            "waived": money(row.waived),
            "deferred_open": row.deferred_open,
        }
        for row in fee_rows
    ]
    context = {
        # free legal consultations (Art 23) of the centers shown, in the same calendar year as the fees
        "consultations": consultation_figures(request.user, year=fee_year, center_ids=shown.center_ids),
        "form": form,
        "period": period,
        "fee_year": fee_year,
        "fee_lines": fee_lines,
        "fee_total": fee_total,
        "period_text": _("%(start)s to %(end)s")
        % {"start": chinese_date(period.start), "end": chinese_date(period.end)},
        "place": place,
        "columns": columns,
        "rate_rows": rate_rows,
        "count_rows": count_rows,
        "money_rows": money_rows,
        "duty_cells": duty_cells,
        "overview": overview,
        "by_region": by_region,
        "today": today,
        "may_record_duty": duty_lawyer.recording_centers(request.user).exists(),
    }
    return render(request, "site_ui/statistics.html", context)


# --- recording a duty-lawyer day ------------------------------------------------------------------

HOURS_RANGE = gettext_lazy("Enter between 0 and 24 hours.")
COUNT_ERROR = gettext_lazy("Enter a whole number, 0 or more.")


class LawyerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Provider) -> str:
        return f"{obj.name}（{obj.organisation.name}）"


class DutyLawyerForm(forms.Form):
    """Parses a duty-lawyer day; whether it can be recorded is the service's to say."""

    center = forms.ModelChoiceField(label=gettext_lazy("Aid center"), queryset=Organisation.objects.none())
    post = forms.ModelChoiceField(
        label=gettext_lazy("Duty post"),
        queryset=Organisation.objects.none(),
        help_text=gettext_lazy("The court, procuratorate or detention center where the lawyer was on duty."),
    )
    provider = LawyerChoiceField(label=gettext_lazy("Duty lawyer"), queryset=Provider.objects.none())
    day = forms.DateField(
        label=gettext_lazy("Date"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={"invalid": DATE_ERROR},
    )
    without_defender = forms.IntegerField(
        label=gettext_lazy("Suspects or defendants without a defender"),
        min_value=0,
        widget=forms.NumberInput(attrs={"min": "0", "step": "1", "inputmode": "numeric"}),
        error_messages={"invalid": COUNT_ERROR, "min_value": COUNT_ERROR},
    )
    helped = forms.IntegerField(
        label=gettext_lazy("Of them, helped by the duty lawyer"),
        min_value=0,
        widget=forms.NumberInput(attrs={"min": "0", "step": "1", "inputmode": "numeric"}),
        help_text=gettext_lazy(
            "Legal advice, a request for a change of measures, presence at a plea agreement, and the like."
        ),
        error_messages={"invalid": COUNT_ERROR, "min_value": COUNT_ERROR},
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Hours on duty"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"min": "0", "max": "24", "step": "0.5", "inputmode": "decimal"}),
        error_messages={
            "invalid": gettext_lazy("Enter a number of hours, such as 1.5."),
            "min_value": HOURS_RANGE,
            "max_value": HOURS_RANGE,
            "max_digits": HOURS_RANGE,
            "max_decimal_places": gettext_lazy("Enter the hours to one decimal place, such as 1.5."),
        },
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=duty_lawyer.NOTE_MAX_LENGTH)

    def __init__(self, *args, centers: list[Organisation], today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        # one center (the usual case): no question to ask
        self.single_center = centers[0] if len(centers) == 1 else None
        if self.single_center is not None:
            del self.fields["center"]
        else:
            self.fields["center"].queryset = Organisation.objects.filter(pk__in=[c.pk for c in centers])
            self.fields["center"].label_from_instance = lambda org: org.name
        post_ids: set[int] = set()
        for center in centers:
            post_ids.update(duty_lawyer.duty_posts_for(center).values_list("pk", flat=True))
        self.fields["post"].queryset = (
            Organisation.objects.filter(pk__in=post_ids)
            .select_related("region")
            .order_by("region__sort_order", "kind", "name")
        )
        self.fields["provider"].queryset = duty_lawyer.duty_lawyers()
        self.fields["day"].widget.attrs["max"] = today.strftime(DATE_FORMAT)
        self.initial.setdefault("day", today)


def _recording_centers_or_404(request) -> list[Organisation]:
    centers = list(duty_lawyer.recording_centers(request.user))
    if not centers:
        raise Http404
    return centers


def duty_lawyer_new(request):
    """Record a duty-lawyer day (the center's reviewers and directors; 404 for anyone else)."""
    centers = _recording_centers_or_404(request)
    today = timezone.localdate()
    form = DutyLawyerForm(request.POST or None, centers=centers, today=today)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = duty_lawyer.duty_lawyer_record_add(
                    acting_user=request.user,
                    center=form.single_center or data["center"],
                    post=data["post"],
                    provider=data["provider"],
                    day=data["day"],
                    without_defender=data["without_defender"],
                    helped=data["helped"],
                    hours=data["hours"],
                    note=data["note"],
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except Forbidden as exc:
                form.add_error(None, exc.message)
                status = 403
            else:
                messages.success(
                    request,
                    _("Recorded: %(lawyer)s at %(post)s on %(day)s, %(helped)s of %(needed)s helped.")
                    % {
                        "lawyer": record.provider.name,
                        "post": record.post.name,
                        "day": chinese_date(record.day),
                        "helped": record.helped,
                        "needed": record.without_defender,
                    },
                )
                return redirect("duty_lawyer_new")
    recent = (
        DutyLawyerRecord.objects.filter(center__in=centers)
        .select_related("post", "provider")
        .order_by("-day", "-pk")[:10]
    )
    return render(
        request,
        "site_ui/duty_lawyer_form.html",
        {"form": form, "recent": recent, "center": form.single_center},
        status=status,
    )
