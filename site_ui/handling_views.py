"""Site pages for a case after the decision (docs/domain.md, assignment): the provider's cases, the
handling blocks of the case page, and the center's overdue tasks.

Thin, like the other site views: the rules are the assignments services' (``handling``) and the
orchestration the workflows services'; the forms only parse, and a service's ``ValidationError``
lands on the form's fields. Each block of the case page is offered only to whom it concerns; the
service decides again when the form comes back.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Case, DateField, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from viewflow.workflow.models import Task

from aid_cases import selectors
from aid_cases.choices import Status
from aid_cases.models import Application
from assignments.choices import AssignmentStatus
from assignments.models import Assignment, ProgressNote, Rating
from assignments.services import handling
from core.errors import Conflict, Forbidden
from directory.choices import DECIDING_ROLES, Role
from directory.people import person_name
from directory.selectors import user_center_ids
from workflows import registry, tasks
from workflows.services import assignment_reassign

from .forms import add_errors
from .roles import request_roles

# --- the forms ---------------------------------------------------------------------------------

HOURS_RANGE = gettext_lazy("Enter between 0 and 24 hours.")
NOTE_MAX_LENGTH = 2000


class ProgressNoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What you did"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Say what you did.")},
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"),
        required=False,
        min_value=0,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "24", "inputmode": "decimal"}),
        help_text=gettext_lazy("Up to 24 hours a day, in steps of 0.1."),
        error_messages={
            "invalid": gettext_lazy("Enter a number of hours, such as 1.5."),
            "min_value": HOURS_RANGE,
            "max_value": HOURS_RANGE,
            "max_digits": HOURS_RANGE,
            "max_decimal_places": gettext_lazy("Enter the hours to one decimal place, such as 1.5."),
        },
    )
    noted_on = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Empty: today."),
        error_messages={"invalid": gettext_lazy("Enter the date as YYYY-MM-DD.")},
    )

    prefix = "note"


class ClosingDocumentForm(forms.Form):
    item = forms.ChoiceField(
        label=gettext_lazy("Item of the closing file"),
        error_messages={
            "required": gettext_lazy("Choose an item of this case's closing file."),
            "invalid_choice": gettext_lazy("Choose an item of this case's closing file."),
        },
    )
    file = forms.FileField(
        label=gettext_lazy("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
        error_messages={"required": gettext_lazy("Choose a file.")},
    )

    prefix = "closing"

    def __init__(self, *args: Any, checklist: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("Choose…"))] + [
            (line.code, line.label if line.required else _("%(label)s (if any)") % {"label": line.label})
            for line in checklist
        ]


class ReassignForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the provider is replaced"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reasons.")},
    )

    prefix = "reassign"


SCORE_LABELS = (
    ("1", gettext_lazy("Very dissatisfied")),
    ("2", gettext_lazy("Dissatisfied")),
    ("3", gettext_lazy("Neither satisfied nor dissatisfied")),
    ("4", gettext_lazy("Satisfied")),
    ("5", gettext_lazy("Very satisfied")),
)


class RatingForm(forms.Form):
    score = forms.ChoiceField(
        label=gettext_lazy("How satisfied are you with the legal aid?"),
        choices=SCORE_LABELS,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose how satisfied you are, from 1 to 5."),
            "invalid_choice": gettext_lazy("Choose how satisfied you are, from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    prefix = "rating"


# --- the case page's blocks --------------------------------------------------------------------

# From the first offer on, a case has an assignment to show (or is being assigned).
ASSIGNMENT_STATUSES = (
    Status.ASSIGNING,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.CLOSING,
    Status.CLOSED,
    Status.TERMINATED,
)
REPLACEABLE = (Status.ASSIGNED, Status.IN_PROGRESS)
ACTIONS = ("progress_note", "closing_document", "reassign", "rating")


@dataclass
class CasePage:
    """What the case page shows of the assignment and handling to this user, and their forms."""

    request: Any
    application: Application
    status: int = 200
    assignment: Assignment | None = None
    center_staff: bool = False
    deciding: bool = False
    applicant_side: bool = False
    handling_provider: bool = False
    action_forms: dict[str, forms.Form | None] = field(default_factory=dict)
    checklist: list[Any] = field(default_factory=list)
    rating: Rating | None = None

    def __post_init__(self) -> None:
        user, application = self.request.user, self.application
        centers = user_center_ids(user)
        self.center_staff = application.center_id in centers
        self.deciding = self.center_staff and selectors.user_decides_for(user, application)
        started = application.status in ASSIGNMENT_STATUSES
        self.assignment = handling.live_assignment(application) if started else None
        accepted = self.assignment is not None and self.assignment.status == AssignmentStatus.ACCEPTED
        self.handling_provider = accepted and self.assignment.provider.user_id == user.pk
        self.applicant_side = not self.handling_provider and selectors.user_is_applicant_side(
            user, application
        )
        file_open = self.handling_provider and handling.closing_file_open(application)
        if file_open or (self.center_staff and accepted):
            self.checklist = handling.closing_checklist(application)
        status = application.status
        self.action_forms = {
            "progress_note": ProgressNoteForm(initial={"noted_on": timezone.localdate()})
            if self.handling_provider and status == Status.IN_PROGRESS
            else None,
            "closing_document": ClosingDocumentForm(checklist=self.checklist)
            if file_open and self.checklist
            else None,
            "reassign": ReassignForm()
            if self.deciding and status in REPLACEABLE and not selectors.user_recused(user, application)
            else None,
            "rating": None,
        }
        if self.applicant_side and status == Status.CLOSED:
            self.rating = Rating.objects.filter(application=application).first()
            self.action_forms["rating"] = RatingForm() if self.rating is None else None

    # --- POST --------------------------------------------------------------------------------

    def post(self) -> HttpResponse | None:
        """Do the posted action: a redirect when done (or no longer possible), else None with the
        form's errors to show (400)."""
        request, application = self.request, self.application
        action = request.POST.get("action")
        if self.action_forms.get(action) is None:
            messages.error(request, _("This action is no longer possible."))
            return redirect("application_detail", pk=application.pk)
        if action == "closing_document":
            form = ClosingDocumentForm(request.POST, request.FILES, checklist=self.checklist)
        else:
            form = type(self.action_forms[action])(request.POST)
        self.action_forms[action] = form
        self.status = 400
        if not form.is_valid():
            return None
        try:
            done, anchor = self._do(action, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            return None
        except (Conflict, Forbidden) as exc:
            messages.error(request, exc.message)
            return redirect("application_detail", pk=application.pk)
        messages.success(request, done)
        return redirect(reverse("application_detail", args=[application.pk]) + anchor)

    def _do(self, action: str, data: dict[str, Any]) -> tuple[str, str]:
        user, application = self.request.user, self.application
        if action == "progress_note":
            handling.progress_note_add(
                acting_user=user,
                application=application,
                text=data["text"],
                hours=data["hours"] if data["hours"] is not None else Decimal("0"),
                noted_on=data["noted_on"],
            )
            return _("The progress note was saved."), "#progress-notes"
        if action == "closing_document":
            handling.closing_document_add(
                acting_user=user, application=application, item=data["item"], upload=data["file"]
            )
            return _("The file was added to the closing file."), "#closing-file"
        if action == "reassign":
            assignment_reassign(acting_user=user, application=application, reason=data["reason"])
            return _("The provider was replaced; the case is back in assignment."), ""
        handling.rating_give(
            acting_user=user, application=application, score=data["score"], comment=data["comment"]
        )
        return _("Thank you: your rating was recorded."), "#rating"

    # --- what the template reads --------------------------------------------------------------

    def context(self) -> dict[str, Any]:
        application, user = self.application, self.request.user
        show_assignment = (self.center_staff or self.applicant_side) and (
            self.assignment is not None or application.status == Status.ASSIGNING
        )
        notes: list[ProgressNote] = []
        if self.assignment is not None and (self.handling_provider or self.center_staff):
            notes = list(
                ProgressNote.objects.filter(assignment=self.assignment)
                .select_related("author")
                .order_by("noted_on", "pk")
            )
        close_task = termination_task = None
        if self.handling_provider and application.status == Status.IN_PROGRESS:
            close_task = tasks.tasks_filter(
                tasks.tasks_inbox(user), application_id=application.pk, name="close_report"
            ).first()
        elif self.handling_provider and application.status == Status.TERMINATED:
            # aid ended early: the provider reports the work done until then (flows.termination_report)
            termination_task = tasks.tasks_filter(
                tasks.tasks_inbox(user), application_id=application.pk, name="termination_report"
            ).first()
        return {
            "handling": {
                "assignment": self.assignment if show_assignment or self.handling_provider else None,
                "show_assignment": show_assignment,
                "center_staff": self.center_staff,
                "applicant_side": self.applicant_side,
                "notes": notes,
                "notes_shown": bool(self.handling_provider or (self.center_staff and notes)),
                "hours_total": sum((n.hours for n in notes), Decimal("0")),
                "checklist": self.checklist,
                "checklist_shown": bool(self.checklist) or self.action_forms["closing_document"] is not None,
                "close_task": close_task,
                "termination_task": termination_task,
                "closing_period": handling.closing_report_period(application) if close_task else "",
                "report": getattr(self.assignment, "closing_report", None)
                if self.handling_provider and application.status == Status.CLOSING
                else None,
                "rating": self.rating,
                "rating_label": dict(SCORE_LABELS).get(str(self.rating.score), "") if self.rating else "",
            },
            "note_form": self.action_forms["progress_note"],
            "closing_form": self.action_forms["closing_document"],
            "reassign_form": self.action_forms["reassign"],
            "rating_form": self.action_forms["rating"],
        }


# --- the provider's cases ------------------------------------------------------------------------


def _is_provider(request) -> bool:
    return Role.PROVIDER in request_roles(request)


@require_GET
def my_cases(request):
    """The provider's cases, newest first, each with its closing report's task while it is handled,
    and the offers waiting for their answer. Constant queries whatever the number of cases."""
    if not _is_provider(request):
        raise Http404
    user = request.user
    inbox = tasks.tasks_inbox(user)
    offers = tasks.task_rows(tasks.tasks_filter(inbox, name="accept"), user=user)
    # each case's closing report to file, linked from its row (every case in progress has one), or a
    # terminated case's report of the work done until then (flows.termination_report): one query
    report_task: dict[int, int] = {}
    work_report_task: dict[int, int] = {}
    by_name = {"close_report": report_task, "termination_report": work_report_task}
    for case_id, task_id, node in tasks.tasks_filter(inbox, names=tuple(by_name)).values_list(
        "process__seed_object_id", "pk", "flow_task"
    ):
        by_name[node.name][case_id] = task_id
    cases = list(
        selectors.applications_visible_to(user)
        .filter(provider__user=user)
        .annotate(hours=Sum("progress_notes__hours", filter=Q(progress_notes__author=user)))
        .order_by("-received_on", "-pk")
    )
    for case in cases:
        case.report_task_id = report_task.get(case.pk)
        case.work_report_task_id = work_report_task.get(case.pk)
    return render(
        request,
        "aid_cases/my_cases.html",
        {"cases": cases, "offers": offers},
    )


# --- the center's overdue tasks ------------------------------------------------------------------

# The tasks with a legal period on the center's cases, and the application field holding each one's
# due date. A provider's unanswered offer (accept) holds up the assignment's three days; the review
# after provisional aid is due on decision_due while the aid is provisional.
OVERDUE_TASKS = {
    "assign": "assign_due",
    "accept": "assign_due",
    "review": "decision_due",
    "confirm_review": "decision_due",
    "review_closure": "closure_due",
}


def overdue_tasks(center_ids: list[int], today: datetime.date) -> QuerySet[Task]:
    """Open tasks of ``OVERDUE_TASKS`` on the centers' cases whose due date
    (read from the application in the same query, as ``due``) is before ``today``, oldest due first."""
    application_type = ContentType.objects.get_for_model(Application)
    about_applications = {spec.node for spec in registry.specs() if spec.subject_model is Application}
    late = Q()
    whens = []
    for name, due_field in OVERDUE_TASKS.items():
        # only the nodes whose task is about the application itself: its field is their due date
        nodes = [node for node in registry.nodes_named(name) if node in about_applications]
        if not nodes:
            continue
        cases = Application.objects.filter(center_id__in=center_ids, **{f"{due_field}__lt": today})
        late |= Q(flow_task__in=nodes, process__seed_object_id__in=cases.values("pk"))
        due = Application.objects.filter(pk=OuterRef("process__seed_object_id")).values(due_field)[:1]
        whens.append(When(flow_task__in=nodes, then=Subquery(due)))
    if not whens:
        return Task.objects.none()
    return (
        Task.objects.filter(late, status__in=tasks.OPEN, process__seed_content_type=application_type)
        .annotate(due=Case(*whens, output_field=DateField()))
        .select_related("process", "owner")
        .order_by("due", "pk")
    )


@require_GET
def overdue(request):
    """The overdue tasks of the user's centers, for their reviewers and directors; else 404."""
    centers = user_center_ids(request.user, DECIDING_ROLES)
    if not centers:
        raise Http404
    today = timezone.localdate()
    rows = list(overdue_tasks(centers, today))
    cases = Application.objects.select_related("applicant", "center").in_bulk(
        {task.process.seed_object_id for task in rows}
    )
    items = []
    for task in rows:
        case = cases.get(task.process.seed_object_id)
        if case is None:
            continue
        items.append(
            {
                "task_id": task.pk,
                "title": str(task.flow_task.task_title),
                "openable": not task.owner_id or task.owner_id == request.user.pk,
                "case": case,
                "due": task.due,
                "days_late": (today - task.due).days,
                "owner_name": person_name(task.owner) if task.owner_id else "",
            }
        )
    return render(request, "aid_cases/overdue.html", {"rows": items, "count": len(items)})
