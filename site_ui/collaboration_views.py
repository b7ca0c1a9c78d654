"""Site pages of collaboration letters between centers (法律援助协作函): asking another center for help from
a case's page, the list of the center's letters (sent and received, with their deadlines and the overdue
ones flagged), a letter's page with its own history and its PDF, and the answer of a center outside the
city recorded by hand. A center of the city answers on its task page (``answer_collaboration``).

Thin, like the other site views: every rule of a letter is ``aid_cases.services.collaboration``', who
sees what is ``aid_cases.collaboration_selectors``' (the receiving center sees the letter, never the
case), and ``workflows.collaboration`` sends the letter with its PDF and task. The forms only parse; a
service's ``ValidationError`` comes back onto their fields.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from aid_cases import collaboration_rules
from aid_cases import collaboration_selectors as selectors
from aid_cases.choices import CollaborationRequest, CollaborationStatus
from aid_cases.models import Application, CollaborationLetter
from aid_cases.models.collaboration import ANSWER_MAX, DETAILS_MAX, OUTSIDE_NAME_MAX
from aid_cases.selectors import applications_visible_to
from core.errors import Conflict, Forbidden
from core.site import site_base_url
from directory.choices import OrganisationKind
from directory.models import Organisation
from directory.selectors import user_center_ids
from documents.pdf import chinese_date
from documents.selectors import document_by_code
from documents.services import document_pdf
from workflows import tasks
from workflows.collaboration import collaboration_answer_by_hand, collaboration_send
from workflows.forms import YesNoField

from .forms import add_errors

PER_PAGE = 25
OUTSIDE = "outside"  # the choice "a center outside the city" of the receiving center


def _user(request: HttpRequest) -> Any:
    """The logged-in account (every page here needs one: the site's login middleware)."""
    return request.user


def default_due(application: Application, today: datetime.date | None = None) -> datetime.date:
    """The deadline a letter sent today gets when the sender names none (the rule in force)."""
    today = today or timezone.localdate()
    rule = collaboration_rules.collaboration_rule_in_force(application.region, today)
    return collaboration_rules.answer_due(
        sent_on=today, days=rule.answer_days, calendar=collaboration_rules.work_calendar()
    )


class LetterForm(forms.Form):
    """A collaboration letter: to whom (a center of the city, or one outside it by name), what is asked,
    by when. The service judges every field; the form only reads what was given."""

    to_center = forms.ChoiceField(label=_("Center asked"), required=False)
    to_outside_name = forms.CharField(
        label=_("Name of the center outside the city"),
        required=False,
        max_length=OUTSIDE_NAME_MAX,
        help_text=_("Only for a center outside the city: it has no account here, so you record its answer."),
    )
    request = forms.ChoiceField(
        label=_("What you ask for"),
        choices=CollaborationRequest.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    details = forms.CharField(
        label=_("What is asked"),
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What to do, where and with whom; name only the people the other center needs to know about."
        ),
    )
    due = forms.DateField(
        label=_("Answer by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centers = (
            Organisation.objects.filter(kind=OrganisationKind.AID_CENTER, active=True)
            .exclude(pk=application.center_id)
            .order_by("region__sort_order", "pk")
        )
        self.fields["to_center"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose the center to ask")),
            *((str(c.pk), c.name) for c in centers),
            (OUTSIDE, _("A center outside the city")),
        ]
        self.fields["due"].help_text = _(
            "Leave it empty for the usual period: by %(due)s. A rest day moves to the next working day."
        ) % {"due": chinese_date(default_due(application))}


def _visible_case(request: HttpRequest, pk: int) -> Application:
    try:
        return applications_visible_to(request.user).get(pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


def _sent_message(letter: CollaborationLetter) -> str:
    text = gettext(
        "The collaboration letter %(number)s was sent to %(center)s: to be answered by %(due)s."
    ) % {
        "number": letter.number,
        "center": letter.addressee,
        "due": chinese_date(letter.due),
    }
    if letter.due_requested is not None:
        text += " " + gettext(
            "The day you chose, %(asked)s, is not a working day: the deadline is the next working day."
        ) % {"asked": chinese_date(letter.due_requested)}
    return text


@require_http_methods(["GET", "POST"])
def collaboration_new(request: HttpRequest, application_pk: int) -> HttpResponse:
    """Ask another center for help with a case: its center's reviewers and directors (404 for others)."""
    application = _visible_case(request, application_pk)
    if not selectors.user_sends_for(request.user, application):
        raise Http404
    form = LetterForm(request.POST or None, application=application)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                letter = collaboration_send(
                    acting_user=_user(request),
                    base_url=site_base_url(request),
                    application=application,
                    to_center=data["to_center"] if data["to_center"] not in ("", OUTSIDE) else None,
                    to_outside_name=data["to_outside_name"],
                    request=data["request"],
                    details=data["details"],
                    due=data["due"],
                )
            except ValidationError as exc:
                add_errors(form, exc, renamed={"to_center_id": "to_center"})
            except (Conflict, Forbidden) as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _sent_message(letter))
                return redirect("collaboration_detail", pk=letter.pk)
    return render(
        request, "aid_cases/collaboration_new.html", {"form": form, "application": application}, status=status
    )


def _open_tasks(user: Any, letter_ids: list[int]) -> dict[int, int]:
    """Each letter's open ``answer_collaboration`` task that the user holds or may take, by letter id: two
    queries (their inbox, their queue) whatever the number of letters."""
    if not letter_ids:
        return {}
    letter_type = ContentType.objects.get_for_model(CollaborationLetter)
    found: dict[int, int] = {}
    for queryset in (tasks.tasks_inbox(user), tasks.tasks_queue(user)):
        rows = queryset.filter(
            process__artifact_content_type=letter_type, process__artifact_object_id__in=letter_ids
        )
        for letter_id, task_id in rows.values_list("process__artifact_object_id", "pk"):
            found.setdefault(int(letter_id), task_id)
    return found


@require_GET
def collaboration_list(request: HttpRequest) -> HttpResponse:
    """The letters the user's centers sent and received, newest first, with their deadlines and the
    overdue ones flagged; ``?direction=sent|received``. Constant queries whatever the number of rows."""
    centers = user_center_ids(request.user)
    direction = request.GET.get("direction")
    if direction not in (selectors.SENT, selectors.RECEIVED):
        direction = None
    page = Paginator(
        selectors.letters_list(request.user, centers=centers, direction=direction), PER_PAGE
    ).get_page(request.GET.get("page"))
    letters = list(page.object_list)
    today = timezone.localdate()
    open_tasks = _open_tasks(request.user, [letter.pk for letter in letters if letter.is_open])
    rows = [
        {
            "letter": letter,
            "direction": selectors.letter_direction(letter, centers),
            "overdue": selectors.letter_overdue(letter, today),
            "task_id": open_tasks.get(letter.pk),
        }
        for letter in letters
    ]
    return render(
        request,
        "aid_cases/collaboration_list.html",
        {
            "rows": rows,
            "page": page,
            "direction": direction or "",
            "overdue_count": sum(1 for row in rows if row["overdue"]),
        },
    )


class AnswerForm(forms.Form):
    """The answer of a center outside the city, as it reached the requesting center."""

    done = YesNoField(label=_("Answer"), yes=_("Done"), no=_("Could not be done"))
    result = forms.CharField(
        label=_("Result of the collaboration"),
        required=False,
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reason = forms.CharField(
        label=_("Reasons"), required=False, max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


def _letter(request: HttpRequest, pk: int) -> CollaborationLetter:
    try:
        return selectors.letter_get(user=request.user, pk=pk)
    except CollaborationLetter.DoesNotExist as exc:
        raise Http404 from exc


@require_http_methods(["GET", "POST"])
def collaboration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A letter's page: what was asked, by when, the answer, the letter's own history and its PDF; the
    receiving center's task; for a center outside the city, the form to record its answer. Only the
    staff of the two centers see it (404 for anyone else)."""
    letter = _letter(request, pk)
    may_record = (
        letter.is_outside
        and letter.status == CollaborationStatus.SENT
        and selectors.user_answers(request.user, letter)
    )
    form = AnswerForm() if may_record else None
    status = 200
    if request.method == "POST":
        if not may_record:
            messages.error(request, gettext("This action is no longer possible."))
            return redirect("collaboration_detail", pk=pk)
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                collaboration_answer_by_hand(
                    acting_user=_user(request),
                    letter=letter,
                    done=form.cleaned_data["done"],
                    result=form.cleaned_data["result"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            except (Conflict, Forbidden) as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, gettext("The answer was recorded."))
                return redirect("collaboration_detail", pk=pk)
        status = 400
    centers = user_center_ids(request.user)
    task_id = _open_tasks(request.user, [letter.pk]).get(letter.pk) if letter.is_open else None
    # the requesting center opens its case from here; the receiving center never sees it
    case_visible = applications_visible_to(request.user).filter(pk=letter.application_id).exists()
    return render(
        request,
        "aid_cases/collaboration_detail.html",
        {
            "letter": letter,
            "direction": selectors.letter_direction(letter, centers),
            "overdue": selectors.letter_overdue(letter),
            "history": selectors.letter_history(letter),
            "letter_document": document_by_code(letter.letter_code) if letter.letter_code else None,
            "task_id": task_id,
            "case_visible": case_visible,
            "form": form,
        },
        status=status,
    )


@require_GET
def collaboration_letter_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The 法律援助协作函, to the staff of both centers (the receiving center cannot open the case's
    documents)."""
    letter = _letter(request, pk)
    document = document_by_code(letter.letter_code) if letter.letter_code else None
    if document is None:
        raise Http404
    return FileResponse(
        document_pdf(document=document),
        content_type="application/pdf",
        filename=f"{document.display_code}.pdf",
    )


urlpatterns: list[URLPattern] = [
    path("collaboration/", collaboration_list, name="collaboration_list"),
    path("collaboration/<int:pk>/", collaboration_detail, name="collaboration_detail"),
    path("collaboration/<int:pk>/letter.pdf", collaboration_letter_pdf, name="collaboration_letter_pdf"),
    path("applications/<int:application_pk>/collaboration/new/", collaboration_new, name="collaboration_new"),
]
