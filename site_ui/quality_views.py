"""Site pages of quality supervision (Arts 57, 59): the follow-up calls and their rates, and a case's
quality page (its calls, hearing observations and the agencies' views, with the forms to add them).

Thin, like the other site views: who sees which center and what is counted is
``quality.selectors.follow_ups``'; what makes a call, an observation or a request acceptable is
``quality.services``'; starting the processes beside them is ``workflows.follow_ups``'. The forms here
only parse, and a service's ``ValidationError`` lands on their fields. The agency's officers answer a
request on the generic task page; the follow-up calls are recorded there too.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aid_cases import selectors as case_selectors
from aid_cases.models import Application
from core.errors import Conflict, Forbidden
from directory.choices import CENTER_STAFF_ROLES, OrganisationKind
from directory.selectors import user_center_ids
from quality.choices import FollowUpPoint
from quality.models import FollowUp
from quality.models.hearings import HEARING_SCALE
from quality.selectors import follow_ups as selectors
from quality.selectors.hearings import feedback_for_case, hearings_for_case
from quality.services import follow_ups as follow_up_services
from quality.services import hearings as hearing_services
from workflows import tasks
from workflows.follow_ups import feedback_request_submit, follow_up_start

from .forms import add_errors

FIRST_YEAR = 2022  # the Legal Aid Law's first year


def _year(request, today: datetime.date) -> int:
    """``?year=``, a year the site has data for; this year otherwise."""
    value = request.GET.get("year", "")
    if value.isdigit() and FIRST_YEAR <= int(value) <= today.year:
        return int(value)
    return today.year


def _open_call_tasks(user, follow_up_ids: list[int]) -> dict[int, int]:
    """Each call's open ``follow_up`` task the user holds or may take, by call id: two queries (their
    inbox, their queue) whatever the number of calls."""
    if not follow_up_ids:
        return {}
    call_type = ContentType.objects.get_for_model(FollowUp)
    found: dict[int, int] = {}
    for queryset in (tasks.tasks_inbox(user), tasks.tasks_queue(user)):
        rows = tasks.tasks_filter(queryset, name="follow_up").filter(
            process__artifact_content_type=call_type, process__artifact_object_id__in=follow_up_ids
        )
        for call_id, task_id in rows.values_list("process__artifact_object_id", "pk"):
            found.setdefault(int(call_id), task_id)
    return found


def percent_text(value: Any) -> str:
    """A rate as a percentage with one decimal ("95.0%"), or a dash when nothing was counted."""
    return "—" if value is None else f"{value * 100:.1f}%"


def _figures(name: str, rates: selectors.FollowUpRates, **extra: Any) -> dict[str, Any]:
    """One line of a rates table, as the page shows it."""
    return {
        "name": name,
        "follow_ups": rates.follow_ups,
        "reached": rates.reached,
        "reach_rate": percent_text(rates.reach_rate),
        "opinions": rates.opinions,
        "satisfied": rates.satisfied,
        "satisfaction_rate": percent_text(rates.satisfaction_rate),
        **extra,
    }


# --- /quality/follow-ups/ --------------------------------------------------------------------------


def follow_ups(request):
    """The follow-up calls: for a center's staff the open calls and the year's rates per provider, for
    a judicial bureau the rates per center of its regions. 404 for anyone else."""
    scope = selectors.rates_scope_for(request.user)
    if scope is None:
        raise Http404
    today = timezone.localdate()
    year = _year(request, today)
    own_centers = user_center_ids(request.user, roles=CENTER_STAFF_ROLES)
    center_rows = selectors.center_rows(scope, year=year)
    total = sum((row.rates for row in center_rows), selectors.FollowUpRates())
    open_calls: list[FollowUp] = []
    provider_rows: list[selectors.RatesRow] = []
    if own_centers:
        open_calls = list(selectors.follow_ups_open(own_centers))
        call_tasks = _open_call_tasks(request.user, [c.pk for c in open_calls])
        for call in open_calls:
            call.task_id = call_tasks.get(call.pk)
            call.overdue = bool(call.due_on and call.due_on < today)
        provider_rows = selectors.provider_rows(year=year, center_ids=own_centers)
    return render(
        request,
        "quality/follow_ups.html",
        {
            "year": year,
            "years": list(range(today.year, FIRST_YEAR - 1, -1)),
            "total": _figures(_("All"), total),
            "center_rows": [_figures(row.name, row.rates, id=row.id) for row in center_rows],
            "show_centers": scope.is_bureau or len(center_rows) > 1,
            "is_center_staff": bool(own_centers),
            "open_calls": open_calls,
            "provider_rows": [
                _figures(row.name or _("No provider"), row.rates, id=row.id) for row in provider_rows
            ],
        },
    )


# --- /cases/<id>/quality/ --------------------------------------------------------------------------


class OpenCallForm(forms.Form):
    point = forms.ChoiceField(label=gettext_lazy("When"), choices=FollowUpPoint.choices)

    def __init__(self, *args: Any, points: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = points


class HearingForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Hearing date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    court_id = forms.ChoiceField(label=gettext_lazy("Court"), required=False)
    court_name = forms.CharField(
        label=gettext_lazy("Or the court's name, when it is not listed"), required=False, max_length=128
    )
    preparation = forms.TypedChoiceField(
        label=gettext_lazy("Preparation"), choices=HEARING_SCALE, coerce=int, widget=forms.RadioSelect
    )
    examination = forms.TypedChoiceField(
        label=gettext_lazy("Examination of evidence and questioning"),
        choices=HEARING_SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    argument = forms.TypedChoiceField(
        label=gettext_lazy("Argument"), choices=HEARING_SCALE, coerce=int, widget=forms.RadioSelect
    )
    conduct = forms.TypedChoiceField(
        label=gettext_lazy("Conduct in court"), choices=HEARING_SCALE, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, courts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court_id"].choices = [("", _("Not listed")), *[(str(c.pk), c.name) for c in courts]]


class FeedbackForm(forms.Form):
    agency_id = forms.ChoiceField(label=gettext_lazy("Court or procuratorate"))
    question = forms.CharField(
        label=gettext_lazy("What the center asks"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial=gettext_lazy("Please give your view of how the legal aid provider handled this case."),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Answer by"),
        required=False,
        help_text=gettext_lazy("Empty: in 15 days."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency_id"].choices = [
            ("", _("Choose…")),
            *[(str(a.pk), f"{a.name}（{a.get_kind_display()}）") for a in agencies],
        ]


def _call_points(application: Application) -> list[tuple[str, Any]]:
    """The points at which a call may be opened on the case now, as the rule in force says."""
    rule = follow_up_services.follow_up_rule_in_force(application.region, timezone.localdate())
    return [
        (point, label)
        for point, label in FollowUpPoint.choices
        if follow_up_services.follow_up_point_allowed(rule, point)
        and application.status in follow_up_services.POINT_STATUSES[point]
    ]


def case_quality(request, pk: int):
    """A case's follow-up calls, hearing observations and agencies' views, for its center's staff
    (404 for anyone else); its reviewers and directors also open calls, record hearings and ask."""
    try:
        application = case_selectors.application_get(user=request.user, pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc
    if not selectors.user_sees_case_quality(request.user, application):
        raise Http404
    may_act = follow_up_services.may_make_calls(request.user, application)
    handled = application.provider_id is not None and application.status in hearing_services.OBSERVABLE
    points = _call_points(application) if may_act else []
    courts = agencies = []
    if may_act and handled:
        agencies = list(hearing_services.feedback_agencies().order_by("region__sort_order", "kind", "name"))
        courts = [a for a in agencies if a.kind == OrganisationKind.COURT]
    call_form = OpenCallForm(prefix="call", points=points) if points else None
    hearing_form = HearingForm(prefix="hearing", courts=courts) if may_act and handled else None
    feedback_form = FeedbackForm(prefix="feedback", agencies=agencies) if may_act and handled else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        here = reverse("quality_case", args=[application.pk])
        form: forms.Form | None = {"call": call_form, "hearing": hearing_form, "feedback": feedback_form}.get(
            action or ""
        )
        if form is None:
            messages.error(request, _("This action is no longer possible."))
            return redirect(here)
        if action == "call":
            form = call_form = OpenCallForm(request.POST, prefix="call", points=points)
        elif action == "hearing":
            form = hearing_form = HearingForm(request.POST, prefix="hearing", courts=courts)
        else:
            form = feedback_form = FeedbackForm(request.POST, prefix="feedback", agencies=agencies)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "call":
                    follow_up_start(acting_user=request.user, application=application, point=data["point"])
                    done, anchor = (
                        _("The follow-up call was opened: it waits in the center's tasks."),
                        "calls",
                    )
                elif action == "hearing":
                    hearing_services.hearing_observation_record(
                        acting_user=request.user, application=application, **data
                    )
                    done, anchor = _("The hearing observation was recorded."), "hearings"
                else:
                    feedback_request_submit(acting_user=request.user, application=application, **data)
                    done, anchor = (
                        _("The agency was asked for its view: its officers answer in their tasks."),
                        "feedback",
                    )
            except ValidationError as exc:
                add_errors(form, exc)
            except (Conflict, Forbidden) as exc:
                messages.error(request, exc.message)
                return redirect(here)
            else:
                messages.success(request, done)
                return redirect(f"{here}#{anchor}")
    calls = list(selectors.follow_ups_for_case(application.pk))
    call_tasks = _open_call_tasks(request.user, [c.pk for c in calls if c.status == "open"])
    for call in calls:
        call.task_id = call_tasks.get(call.pk)
    return render(
        request,
        "quality/case_quality.html",
        {
            "application": application,
            "calls": calls,
            "hearings": list(hearings_for_case(application.pk)),
            "feedback_requests": list(feedback_for_case(application.pk)),
            "call_form": call_form,
            "hearing_form": hearing_form,
            "feedback_form": feedback_form,
            "handled": handled,
            "may_act": may_act,
        },
        status=status,
    )


urlpatterns = [
    path("quality/follow-ups/", follow_ups, name="quality_follow_ups"),
    path("cases/<int:pk>/quality/", case_quality, name="quality_case"),
]
