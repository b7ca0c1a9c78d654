"""Site pages of consultations (法律咨询, Legal Aid Law Art 23): a citizen's online questions (ask one; read
one's questions and the answers), a center's consultation log with the year's reply rate, and the record
of a consultation given on the 12348 hotline, at the window or at a grassroots station.

Thin, like the other site views: every rule is ``consultations.services``', who sees what and what is
counted ``consultations.selectors``', and ``workflows.consultations`` starts the answer task with the
question. The answer is given on the generic task page (the flow's partial). The forms only parse; a
service's ``ValidationError`` comes back onto their fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from aid_cases.rules import period_text
from consultations import rules, selectors, services
from consultations.choices import RECORDED_CHANNELS, ConsultationChannel, Referral
from consultations.models import Consultation
from core.errors import Conflict, Forbidden
from directory.choices import MatterCategory, MatterType, OrganisationKind, category_for_matter_type
from directory.models import Region
from directory.selectors import user_is_applicant, user_is_center_staff
from workflows import tasks
from workflows.consultations import consultation_submit

from .forms import add_errors
from .quality_views import percent_text

PER_PAGE = 25
FIRST_YEAR = 2022  # the Legal Aid Law's first year


def _regions_with_center() -> QuerySet[Region]:
    """The regions whose legal aid center answers questions (an active one)."""
    return (
        Region.objects.filter(organisations__kind=OrganisationKind.AID_CENTER, organisations__active=True)
        .distinct()
        .order_by("sort_order", "code")
    )


def _matter_choices(empty: Any) -> list[tuple[str, Any]]:
    return [("", empty), *MatterType.choices]


class AskForm(forms.Form):
    """A citizen's online question: where, what about, the question; anonymous if they wish."""

    region = forms.ChoiceField(label=_("Region where the matter arose"), required=False)
    matter_type = forms.ChoiceField(label=pgettext_lazy("consultation", "Matter"), required=False)
    question = forms.CharField(
        label=_("Your question"),
        required=False,
        max_length=services.QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, when, and what you would like to know. Leave out ID numbers."),
    )
    anonymous = forms.BooleanField(
        label=_("Ask anonymously: keep no name or phone with the question"),
        required=False,
        help_text=_(
            "An anonymous question does not appear in your list, so you cannot read its answer here."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose the region")),
            *((r.code, r.name) for r in _regions_with_center()),
        ]
        self.fields["matter_type"].choices = _matter_choices(_("Choose the matter"))  # type: ignore[attr-defined]


class RecordForm(forms.Form):
    """A consultation given at the center: the channel, the question, the answer, the referral."""

    channel = forms.ChoiceField(
        label=pgettext_lazy("consultation", "Channel"),
        choices=[(c, ConsultationChannel(c).label) for c in RECORDED_CHANNELS],
        widget=forms.RadioSelect,
        required=False,
    )
    region = forms.ChoiceField(label=_("Region where the matter arose"), required=False)
    matter_type = forms.ChoiceField(label=pgettext_lazy("consultation", "Matter"), required=False)
    question = forms.CharField(
        label=_("Question asked"),
        required=False,
        max_length=services.QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    answer = forms.CharField(
        label=_("Answer given"),
        required=False,
        max_length=services.ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    referral = forms.ChoiceField(
        label=_("Referred to"),
        required=False,
        choices=[("", _("Nowhere: the answer is enough")), *Referral.choices],
    )
    minutes = forms.IntegerField(
        label=_("Minutes spent"),
        required=False,
        min_value=1,
        max_value=services.MINUTES_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    anonymous = forms.BooleanField(label=_("Anonymous: the asker gave no name"), required=False)
    asker_name = forms.CharField(label=_("Asker's name"), required=False, max_length=services.NAME_MAX)
    asker_phone = forms.CharField(
        label=_("Asker's telephone"),
        required=False,
        max_length=services.PHONE_MAX,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", _("The center's own region")),
            *((r.code, r.name) for r in Region.objects.order_by("sort_order", "code")),
        ]
        self.fields["matter_type"].choices = _matter_choices(_("Choose the matter"))  # type: ignore[attr-defined]


def _open_tasks(user: Any, ids: list[int]) -> dict[int, int]:
    """Each consultation's open answer task the user holds or may take, by consultation id: two queries
    (their inbox, their queue) whatever the number of consultations."""
    if not ids:
        return {}
    content_type = ContentType.objects.get_for_model(Consultation)
    found: dict[int, int] = {}
    for queryset in (tasks.tasks_inbox(user), tasks.tasks_queue(user)):
        rows = queryset.filter(
            process__artifact_content_type=content_type, process__artifact_object_id__in=ids
        )
        for consultation_id, task_id in rows.values_list("process__artifact_object_id", "pk"):
            found.setdefault(int(consultation_id), task_id)
    return found


def consultation_figures(user: Any, *, year: int, center_ids: Any) -> dict[str, Any] | None:
    """The year's consultation figures of the centers among ``center_ids`` that ``user`` watches, for
    the statistics page (DESIGN §7: consultations and their reply rate): one row per center and the
    total; ``None`` for a role that watches none."""
    scope = selectors.stats_scope_for(user)
    if scope is None:
        return None
    rows = [row for row in selectors.center_stats_rows(scope, year=year) if row.id in set(center_ids)]
    return {
        "rows": [_figures(row.name, row.stats, target=row.target, met=row.target_met) for row in rows],
        "total": _figures("", selectors.total(rows)),
    }


def _figures(name: str, stats: selectors.ConsultationStats, **extra: Any) -> dict[str, Any]:
    """One center's (or the scope's) figures of the year, as the page shows them."""
    return {
        "name": name,
        "reply_rate": percent_text(stats.reply_rate),
        "questions": stats.questions,
        "answered_on_time": stats.answered_on_time,
        "pending": stats.pending,
        "recorded": stats.recorded,
        "hotline": stats.hotline,
        "window": stats.window,
        "station": stats.station,
        "target": percent_text(extra["target"]) if "target" in extra else "",
        "met": extra.get("met"),
    }


def _year(request: HttpRequest) -> int:
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw[:5]) <= this_year:
        return int(raw)
    return this_year


@require_http_methods(["GET", "POST"])
def consultation_list(request: HttpRequest) -> HttpResponse:
    """A citizen's online consultation page (ask; one's questions and their answers), or the consultation
    log of a center (the bureau: of its region) with the year's reply rate. Other roles: 403."""
    user: Any = request.user
    viewer = selectors.viewer_for(user)
    asker = user_is_applicant(user) and not viewer.is_staff
    if not asker and not viewer.is_staff:
        raise PermissionDenied
    form = AskForm(request.POST or None) if asker else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                consultation = consultation_submit(
                    acting_user=user,
                    region=data["region"],
                    matter_type=data["matter_type"],
                    question=data["question"],
                    anonymous=data["anonymous"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            except (Conflict, Forbidden) as exc:
                form.add_error(None, exc.message)
            else:
                due = consultation.answer_due.isoformat() if consultation.answer_due else ""
                if consultation.anonymous:
                    message = gettext(
                        "Your question was sent anonymously (number %(number)s). The center answers it by "
                        "%(due)s; it keeps no name with it, so the answer does not appear on this page."
                    )
                else:
                    message = gettext(
                        "Your question was sent (number %(number)s). The center answers it by %(due)s: the "
                        "answer appears on this page."
                    )
                messages.success(request, message % {"number": consultation.number, "due": due})
                return redirect("consultation_list")
    page = Paginator(selectors.consultations_list(user, viewer=viewer), PER_PAGE).get_page(
        request.GET.get("page")
    )
    consultations = list(page.object_list)
    today = timezone.localdate()
    open_tasks = _open_tasks(user, [c.pk for c in consultations]) if viewer.is_staff else {}
    for c in consultations:
        # what the card shows beside the row: overdue, and the open answer task the user may take
        c.overdue = selectors.consultation_overdue(c, today)
        c.task_id = open_tasks.get(c.pk)
    context: dict[str, Any] = {
        "form": form,
        "asker": asker,
        "staff": viewer.is_staff,
        "consultations": consultations,
        "page": page,
        # the answer's "apply" link: to whom may file (a citizen) or record (the center's staff) an application
        "may_apply": asker or user_is_center_staff(user),
        "may_record": selectors.recording_center_for(user) is not None if viewer.is_staff else False,
    }
    if asker:
        # the period of the rule for every region (a region's own row may differ; the answer says when)
        rule = rules.consultation_rule_in_force(None, today)
        context["reply_period"] = period_text(rule.reply_days, rule.reply_counting)
    scope = selectors.stats_scope_for(user) if viewer.is_staff else None
    if scope is not None:
        year = _year(request)
        rows = selectors.center_stats_rows(scope, year=year, today=today)
        context.update(
            {
                "year": year,
                "years": list(range(today.year, FIRST_YEAR - 1, -1)),
                "rows": [
                    _figures(row.name, row.stats, target=row.target, met=row.target_met) for row in rows
                ],
                "total": _figures("", selectors.total(rows)),
            }
        )
    return render(request, "consultations/list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def consultation_record(request: HttpRequest) -> HttpResponse:
    """Record a consultation given on the hotline, at the window or at a station (the center's staff and
    the lawyers on duty there; 403 for anyone else)."""
    user: Any = request.user
    center = selectors.recording_center_for(user)
    if center is None:
        raise PermissionDenied
    form = RecordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                consultation = services.consultation_record(
                    acting_user=user,
                    channel=data["channel"],
                    region=data["region"] or None,
                    matter_type=data["matter_type"],
                    question=data["question"],
                    answer=data["answer"],
                    referral=data["referral"],
                    minutes=data["minutes"],
                    asker_name=data["asker_name"],
                    asker_phone=data["asker_phone"],
                    anonymous=data["anonymous"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            except (Conflict, Forbidden) as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    gettext("Consultation %(number)s recorded.") % {"number": consultation.number},
                )
                if request.POST.get("next") == "again":
                    return redirect("consultation_record")
                return redirect("consultation_list")
    return render(request, "consultations/record.html", {"form": form, "center": center}, status=status)


def application_initial(consultation: Consultation | None) -> dict[str, Any]:
    """The application form's first values from a consultation the user may see (``/apply/?consultation=``,
    ``selectors.prefill_for``): its region, matter and question, and the asker's name and phone when
    kept; nothing otherwise."""
    if consultation is None:
        return {}
    matter_type = consultation.matter_type
    initial: dict[str, Any] = {
        "region": consultation.region.code,
        # a consultation's matter is a statutory one (consultations.services); civil for anything else
        "matter_category": category_for_matter_type(matter_type) or MatterCategory.CIVIL,
        "matter_type": matter_type,
        "matter_summary": consultation.question[:2000],
    }
    if consultation.asker_name:
        initial["applicant_name"] = consultation.asker_name
    if consultation.asker_phone:
        initial["applicant_phone"] = consultation.asker_phone
    return initial


urlpatterns: list[URLPattern] = [
    path("consultations/", consultation_list, name="consultation_list"),
    path("consultations/record/", consultation_record, name="consultation_record"),
]
