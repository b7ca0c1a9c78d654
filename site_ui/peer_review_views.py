"""Site pages of peer review (同行评估/案卷评查, Arts 57, 59): the center's quality page (its sampling runs,
the files sampled with their reviewers and grades, the grade distribution, and a form for the director
to run a sampling), the provider's own grades, the judicial bureau's view across centers, and the
correction notice of a failed file.

Thin, like the other site views: the sample, the reviewers and the grades are ``quality``'s; a run
starts its processes through ``workflows.peer_review``; who sees what is ``quality.selectors.
peer_review``'s, and anything else answers 404.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from aid_cases.selectors import applications_visible_to
from core.errors import Conflict, Forbidden
from directory.choices import MatterCategory, OrganisationKind
from directory.models import Organisation
from directory.selectors import user_center_ids
from documents.services import document_pdf
from quality import scorecard
from quality.choices import Grade, PeerReviewStatus
from quality.models import PeerReview
from quality.selectors import complaints as complaint_selectors
from quality.selectors import follow_ups as follow_up_selectors
from quality.selectors import peer_review as selectors
from quality.services.peer_review import scorecard_items
from workflows import tasks
from workflows.peer_review import sampling_submit

from .forms import add_errors
from .quality_views import percent_text

RUNS_SHOWN = 10
HUNDRED = Decimal(100)


class SamplingForm(forms.Form):
    """The director's sampling run: the period of closure, the share (in percent) or a number of
    files, and the seed. Parsed only: the rules are ``quality.services.peer_review.sampling_run``'s."""

    period_from = forms.DateField(
        label=gettext_lazy("Closed from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_to = forms.DateField(
        label=gettext_lazy("Closed to"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    share_percent = forms.CharField(
        label=gettext_lazy("Share of the closed files (%)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=gettext_lazy("e.g. 6 for 6%; or leave empty and give a number of files."),
    )
    count = forms.IntegerField(
        label=gettext_lazy("Or a number of files"), required=False, min_value=1, max_value=10000
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Seed"),
        min_value=0,
        max_value=2**63 - 1,
        help_text=gettext_lazy(
            "The same seed draws the same files again: keep it with the record of the run."
        ),
    )

    def share(self) -> Any:
        """The share as the service takes it (0.06 for 6%), or the text typed when it is no number."""
        text = (self.cleaned_data.get("share_percent") or "").strip().rstrip("%")
        if not text:
            return None
        try:
            return (Decimal(text) / HUNDRED).normalize()
        except InvalidOperation:
            return text


def _closure_year_start(today: datetime.date) -> datetime.date:
    return today.replace(month=1, day=1)


def _sampling_initial(center: Organisation) -> dict[str, Any]:
    today = timezone.localdate()
    rule = selectors.sampling_rule_in_force(center, today)
    initial: dict[str, Any] = {
        "period_from": _closure_year_start(today),
        "period_to": today,
        "seed": secrets.randbelow(10**8),
    }
    if rule is not None and rule.share is not None:
        initial["share_percent"] = f"{(rule.share * HUNDRED).normalize():f}"
    elif rule is not None:
        initial["count"] = rule.count
    return initial


# --- who sees which center ----------------------------------------------------------------------


def _centers_for(user: Any) -> QuerySet[Organisation]:
    """The aid centers whose quality page the user may open: their own (staff), those of the bureau's
    regions, every one for an administrator."""
    centers = Organisation.objects.filter(kind=OrganisationKind.AID_CENTER).select_related("region")
    if user.is_superuser:
        return centers.order_by("region__sort_order", "name")
    own = user_center_ids(user)
    regions = selectors.bureau_region_ids(user) or []
    return centers.filter(pk__in=own) | centers.filter(region_id__in=regions)


def _center(request: Any) -> Organisation:
    centers = _centers_for(request.user).order_by("region__sort_order", "name")
    wanted = request.GET.get("center") or request.POST.get("center")
    if wanted:
        try:
            return centers.get(pk=int(wanted))
        except (ValueError, Organisation.DoesNotExist) as exc:
            raise Http404 from exc
    center = centers.first()
    if center is None:
        raise Http404
    return center


def _grade_rows(distribution: dict[str, int]) -> list[dict[str, Any]]:
    """The grade distribution with each grade's share of the scored files, for the bars."""
    scored = sum(distribution.values())
    return [
        {
            "grade": grade,
            "label": Grade(grade).label,
            "count": count,
            "percent": round(count * 100 / scored) if scored else 0,
        }
        for grade, count in distribution.items()
    ]


def _review_row(review: PeerReview, visible_cases: set[int]) -> dict[str, Any]:
    items = scorecard_items(review)
    return {
        "review": review,
        "case_url": reverse("application_detail", args=[review.application_id])
        if review.application_id in visible_cases
        else "",
        "total": scorecard.points_text(review.total) if review.total is not None else "",
        "lines": [
            {
                "label": item.label,
                "points": review.scores.get(item.code, ""),
                "max": scorecard.points_text(item.max_points),
            }
            for item in items
        ]
        if review.status == PeerReviewStatus.SCORED
        else [],
        "notice_url": reverse("correction_notice_pdf", args=[review.correction_letter.code])
        if review.correction_letter is not None
        else "",
    }


# --- the center's quality page --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def quality_home(request):
    """/quality/: the center's peer reviews; the director runs a sampling here."""
    center = _center(request)
    may_sample = selectors.user_directs(request.user, center)
    form = SamplingForm(initial=_sampling_initial(center)) if may_sample else None
    status = 200
    if request.method == "POST":
        if not may_sample:
            raise Http404
        form = SamplingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sampling = sampling_submit(
                    acting_user=request.user,
                    center=center,
                    period_from=data["period_from"],
                    period_to=data["period_to"],
                    share=form.share(),
                    count=data.get("count"),
                    seed=data["seed"],
                )
            except ValidationError as exc:
                add_errors(form, exc, renamed={"share": "share_percent"})
            except (Conflict, Forbidden) as exc:
                form.add_error(None, exc.message)
            else:
                picked = len(sampling.picked)  # type: ignore[attr-defined]
                messages.success(
                    request,
                    ngettext(
                        "%(n)s closed file sampled for peer review.",
                        "%(n)s closed files sampled for peer review.",
                        picked,
                    )
                    % {"n": picked},
                )
                return redirect(f"{reverse('quality_home')}?center={center.pk}")
        status = 400

    today = timezone.localdate()
    runs = list(selectors.samplings_of_center(center)[:RUNS_SHOWN])
    reviews = list(selectors.reviews_of_samplings([run.pk for run in runs]))
    visible_cases = set(
        applications_visible_to(request.user)
        .filter(pk__in=[r.application_id for r in reviews])
        .values_list("pk", flat=True)
    )
    by_run: dict[int, list[dict[str, Any]]] = {}
    for review in reviews:
        by_run.setdefault(review.sampling_id, []).append(_review_row(review, visible_cases))
    center_reviews = PeerReview.objects.filter(center=center)
    cards = selectors.scorecards_by_category(today)
    context = {
        "center": center,
        "centers": list(_centers_for(request.user).order_by("region__sort_order", "name")),
        "form": form,
        "runs": [
            {
                "sampling": run,
                "rows": by_run.get(run.pk, []),
                "share_text": "" if run.share is None else f"{(run.share * HUNDRED).normalize():f}%",
            }
            for run in runs
        ],
        "grades": _grade_rows(selectors.grade_distribution(center_reviews)),
        "open_reviews": center_reviews.filter(status=PeerReviewStatus.OPEN).count(),
        "providers": selectors.grades_per_provider(center_reviews),
        "scorecards": [
            {
                "category": category,
                "label": _category_label(category),
                "items": [
                    {"label": item.label, "max": scorecard.points_text(item.max_points)} for item in items
                ],
                "problems": scorecard.scorecard_problems(items),
            }
            for category, items in cards.items()
        ],
        "bands": scorecard.band_texts(selectors.grade_bands_in_force(today)),
        "my_reviews": tasks.task_rows(
            tasks.tasks_filter(tasks.tasks_inbox(request.user), name="peer_review"), user=request.user
        ),
        **_follow_ups_and_complaints(request.user, center, today),
    }
    return render(request, "quality/peer_review/quality.html", context, status=status)


OPEN_COMPLAINTS_SHOWN = 10


def _follow_ups_and_complaints(user: Any, center: Organisation, today: datetime.date) -> dict[str, Any]:
    """The rest of the center's quality at a glance: the year's follow-up rates and the calls still to
    make, and the complaints still open (the ten due first, each with the due date of its open step)."""
    rates = follow_up_selectors.follow_up_rates(year=today.year, center_ids=[center.pk])
    open_complaints = (
        complaint_selectors.complaints_visible_to(user)
        .filter(center=center, status__in=complaint_selectors.OPEN_STATUSES)
        .order_by(F("accept_due").asc(nulls_last=True), F("decide_due").asc(nulls_last=True), "pk")
    )
    shown = list(open_complaints[:OPEN_COMPLAINTS_SHOWN])
    return {
        "follow_up_year": today.year,
        "follow_ups": {
            "follow_ups": rates.follow_ups,
            "opinions": rates.opinions,
            "reach_rate": percent_text(rates.reach_rate),
            "satisfaction_rate": percent_text(rates.satisfaction_rate),
        },
        "open_calls": follow_up_selectors.follow_ups_open([center.pk]).count(),
        "open_complaints": complaint_selectors.complaint_views_for(user, shown),
        "open_complaints_count": len(shown)
        if len(shown) < OPEN_COMPLAINTS_SHOWN
        else open_complaints.count(),
    }


def _category_label(category: str) -> str:
    return str(MatterCategory(category).label)


# --- the provider's own grades --------------------------------------------------------------------


@require_GET
def my_grades(request):
    """/my/grades/: a provider's own scored files (never another provider's), and for a law firm's
    administrator the correction notices of the firm's lawyers. Anyone else: 404."""
    own = list(selectors.reviews_of_provider_user(request.user))
    is_provider = bool(own) or bool(selectors.provider_user_ids([request.user.pk]))
    firm_ids = selectors.firm_admin_firm_ids(request.user)
    if not is_provider and not firm_ids:
        raise Http404
    visible_cases = set(
        applications_visible_to(request.user)
        .filter(pk__in=[r.application_id for r in own])
        .values_list("pk", flat=True)
    )
    grades = {grade: 0 for grade in Grade.values}
    for review in own:
        grades[review.grade] = grades.get(review.grade, 0) + 1
    firm_notices = list(selectors.failed_reviews_of_firms(firm_ids)) if firm_ids else []
    return render(
        request,
        "quality/peer_review/my_grades.html",
        {
            "is_provider": bool(is_provider),
            "rows": [_review_row(review, visible_cases) for review in own],
            "grades": _grade_rows(grades),
            "firm_notices": [_review_row(review, set()) for review in firm_notices],
            "is_firm_admin": bool(firm_ids),
        },
    )


# --- the bureau's view across centers -------------------------------------------------------------


@require_GET
def quality_centers(request):
    """/quality/centers/: the judicial bureau's view of the centers of its regions: samplings, files
    sampled and open, grades. Anyone else: 404."""
    if not request.user.is_superuser and not selectors.user_is_bureau(request.user):
        raise Http404
    region_ids = selectors.bureau_region_ids(request.user)
    rows = selectors.grades_per_center(region_ids)
    totals = {grade: 0 for grade in Grade.values}
    for row in rows:
        totals[Grade.EXCELLENT] += row.excellent
        totals[Grade.GOOD] += row.good
        totals[Grade.PASS] += row.passed
        totals[Grade.FAIL] += row.failed
    reviews = (
        PeerReview.objects.all()
        if region_ids is None
        else PeerReview.objects.filter(center__region_id__in=region_ids)
    )
    return render(
        request,
        "quality/peer_review/centers.html",
        {
            "rows": rows,
            "grades": _grade_rows(totals),
            "providers": selectors.grades_per_provider(reviews),
        },
    )


# --- the correction notice ---------------------------------------------------------------------------


@require_GET
def correction_notice_pdf(request, code: str):
    """A failed file's correction notice: to whom may see the review, and to the provider's firm."""
    review = selectors.review_by_letter_code(code)
    if review is None or not selectors.correction_notice_visible(request.user, review):
        raise Http404
    letter = review.correction_letter
    if letter is None:  # found by its letter: never, but the type says it may be
        raise Http404
    return FileResponse(
        document_pdf(document=letter), content_type="application/pdf", filename=f"{letter.display_code}.pdf"
    )


urlpatterns = [
    path("quality/", quality_home, name="quality_home"),
    path("quality/centers/", quality_centers, name="quality_centers"),
    path("quality/notices/<str:code>/", correction_notice_pdf, name="correction_notice_pdf"),
    path("my/grades/", my_grades, name="my_grades"),
]
