"""Site pages of complaints (投诉; Order No. 149, Legal Aid Law Arts 55, 56): filing one, the list of
one's complaints (the complainant's; the handling staff's, with due dates and overdue flags) and a
complaint's status page.

Thin, like the other site views: every rule of a complaint is ``quality.services.complaints``', who
sees what is ``quality.selectors.complaints``' (the provider complained about never learns who
complained), and ``workflows.complaints`` starts the handling with the complaint. Accepting and
deciding are tasks on the task pages; this page links to them. The forms only parse; a service's
``ValidationError`` comes back onto their fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from aid_cases.selectors import applications_visible_to
from core.errors import Conflict, Forbidden
from directory.choices import OrganisationKind
from directory.models import Organisation
from directory.selectors import user_is_center_staff
from quality.choices import ComplaintAbout, ComplaintGround, ComplaintSource, ComplaintStatus
from quality.models import Complaint
from quality.selectors import complaints as selectors
from quality.services import complaints as services
from workflows import tasks
from workflows.complaints import complaint_submit

from .forms import add_errors

PER_PAGE = 25
CASES_OFFERED = 50  # a citizen's own cases to choose from, newest first


class ComplaintForm(forms.Form):
    """A complaint: whom about, on which case (or none), the ground and the facts. A center's staff
    record a caller's complaint: the caller's name (and phone) and the case's tracking number. The
    service judges every field; the form only reads what was given."""

    application = forms.ChoiceField(label=_("Case"), required=False)
    tracking_no = forms.CharField(
        label=_("Tracking number of the case"),
        required=False,
        max_length=40,
        help_text=_("Leave empty for a complaint that concerns no case."),
    )
    about = forms.ChoiceField(
        label=_("The complaint is about"),
        choices=ComplaintAbout.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    staff_name = forms.CharField(
        label=_("Name of the member of staff (if known)"), required=False, max_length=services.NAME_MAX
    )
    center = forms.ChoiceField(
        label=_("Legal aid center"),
        required=False,
        help_text=_(
            "Only without a case: the center complained about, or whose staff the complaint concerns."
        ),
    )
    ground = forms.ChoiceField(
        label=_("Ground"), choices=[("", _("Choose the ground")), *ComplaintGround.choices], required=False
    )
    facts = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=services.FACTS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("When and where, who was involved, what you ask for."),
    )
    complainant_name = forms.CharField(
        label=_("Complainant's name"), required=False, max_length=services.NAME_MAX
    )
    complainant_phone = forms.CharField(
        label=_("Complainant's telephone"),
        required=False,
        max_length=services.PHONE_MAX,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, user: Any, recording: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recording = recording
        centers = Organisation.objects.filter(kind=OrganisationKind.AID_CENTER, active=True).order_by(
            "region__sort_order", "pk"
        )
        self.fields["center"].choices = [  # type: ignore[attr-defined]
            ("", _("None: the complaint concerns a case")),
            *((str(c.pk), c.name) for c in centers),
        ]
        if recording:
            del self.fields["application"]
            self.fields["complainant_name"].required = False  # the service names what is missing
        else:
            del self.fields["tracking_no"], self.fields["complainant_name"], self.fields["complainant_phone"]
            cases = applications_visible_to(user).order_by("-received_on", "-pk")[:CASES_OFFERED]
            self.fields["application"].choices = [  # type: ignore[attr-defined]
                ("", _("No case")),
                *((str(a.pk), f"{a.tracking_no} · {a.get_matter_type_display()}") for a in cases),
            ]


def _user(request: HttpRequest) -> Any:
    """The logged-in account (every page here needs one: the site's login middleware)."""
    return request.user


def _case_by_tracking(user: Any, tracking_no: str) -> Any:
    """The case a clerk names by its tracking number, if they may see it; else the same error as an
    unknown number (nothing to guess from)."""
    if not tracking_no:
        return None
    case = applications_visible_to(user).filter(tracking_no=tracking_no.strip().upper()).first()
    if case is None:
        raise ValidationError({"tracking_no": [gettext("No case of your center has this tracking number.")]})
    return case


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """File a complaint: a citizen (any account) online, or a center's staff for a caller."""
    recording = user_is_center_staff(request.user)
    form = ComplaintForm(request.POST or None, user=request.user, recording=recording)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = (
                    _case_by_tracking(request.user, data.get("tracking_no", ""))
                    if recording
                    else data.get("application") or None
                )
                complaint, created = complaint_submit(
                    acting_user=_user(request),
                    about=data["about"],
                    application=application,
                    staff_name=data["staff_name"],
                    center=data["center"] or None,
                    ground=data["ground"],
                    facts=data["facts"],
                    source=ComplaintSource.CLERK if recording else ComplaintSource.ONLINE,
                    complainant_name=data.get("complainant_name", ""),
                    complainant_phone=data.get("complainant_phone", ""),
                    on_behalf=recording,
                )
            except ValidationError as exc:
                add_errors(
                    form,
                    exc,
                    renamed={
                        "application_id": "tracking_no" if recording else "application",
                        "center_id": "center",
                    },
                )
            except (Conflict, Forbidden) as exc:
                form.add_error(None, exc.message)
            else:
                if created:
                    messages.success(
                        request, gettext("Your complaint was received. You can follow it on this page.")
                    )
                else:
                    messages.success(
                        request,
                        gettext(
                            "You already made this complaint and it is being handled: this one was added to it."
                        ),
                    )
                return redirect("complaint_detail", pk=complaint.pk)
    return render(request, "complaints/new.html", {"form": form, "recording": recording}, status=status)


def _open_tasks(user: Any, complaint_ids: list[int]) -> dict[int, int]:
    """Each complaint's open accept or decide task that the user holds or may take, by complaint id:
    two queries (their inbox, their queue) whatever the number of complaints."""
    if not complaint_ids:
        return {}
    complaint_type = ContentType.objects.get_for_model(Complaint)
    found: dict[int, int] = {}
    for queryset in (tasks.tasks_inbox(user), tasks.tasks_queue(user)):
        rows = queryset.filter(
            process__artifact_content_type=complaint_type, process__artifact_object_id__in=complaint_ids
        )
        for complaint_id, task_id in rows.values_list("process__artifact_object_id", "pk"):
            found.setdefault(int(complaint_id), task_id)
    return found


@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """The complaints the user may see, newest first: theirs, and those they handle, with each open
    step's due date and the overdue ones flagged. Constant queries whatever the number of rows."""
    viewer = selectors.viewer_for(request.user)
    page = Paginator(selectors.complaints_list(request.user, viewer=viewer), PER_PAGE).get_page(
        request.GET.get("page")
    )
    views = selectors.complaint_views_for(request.user, list(page.object_list))
    open_tasks = _open_tasks(request.user, [v.complaint.pk for v in views]) if viewer.is_staff else {}
    rows = [{"view": v, "task_id": open_tasks.get(v.complaint.pk)} for v in views]
    return render(
        request,
        "complaints/list.html",
        {
            "rows": rows,
            "page": page,
            "staff": viewer.is_staff,
            "overdue_count": sum(1 for v in views if v.overdue),
        },
    )


class SupplementNoticeForm(forms.Form):
    prefix = "notice"
    missing = forms.CharField(
        label=_("Everything that is missing"),
        required=False,
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One notice only: list every item at once. The accept period stops until it is supplied."
        ),
    )


class SupplyForm(forms.Form):
    prefix = "supply"
    information = forms.CharField(
        label=_("The information asked for"),
        required=False,
        max_length=services.FACTS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


@require_http_methods(["GET", "POST"])
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A complaint's status page: where it stands, its due dates, the outcome, the reply and its letter;
    the complainant answers a notice of missing information here, the handler sends that notice. The
    provider complained about sees it without who complained; anyone else gets 404."""
    try:
        complaint = selectors.complaint_get(user=request.user, pk=pk)
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc
    handles = selectors.user_handles(request.user, complaint)
    may_supply = complaint.status == ComplaintStatus.SUPPLEMENT and selectors.user_may_supply(
        request.user, complaint
    )
    may_ask = (
        handles and complaint.status == ComplaintStatus.RECEIVED and complaint.supplement_asked_on is None
    )
    notice_form = SupplementNoticeForm() if may_ask else None
    supply_form = SupplyForm() if may_supply else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form: forms.Form | None = None
        try:
            if action == "ask" and may_ask:
                form = notice_form = SupplementNoticeForm(request.POST)
                if form.is_valid():
                    services.complaint_ask_supplement(
                        acting_user=_user(request), complaint=complaint, missing=form.cleaned_data["missing"]
                    )
                    messages.success(
                        request, gettext("The complainant was asked for the missing information.")
                    )
                    return redirect("complaint_detail", pk=pk)
            elif action == "supply" and may_supply:
                form = supply_form = SupplyForm(request.POST)
                if form.is_valid():
                    services.complaint_supplement(
                        acting_user=_user(request),
                        complaint=complaint,
                        information=form.cleaned_data["information"],
                    )
                    messages.success(
                        request, gettext("Thank you: the information was added to the complaint.")
                    )
                    return redirect("complaint_detail", pk=pk)
            else:
                messages.error(request, gettext("This action is no longer possible."))
                return redirect("complaint_detail", pk=pk)
        except ValidationError as exc:
            if form is not None:
                add_errors(form, exc)
        except (Conflict, Forbidden) as exc:
            if form is not None:
                form.add_error(None, exc.message)
        status = 400
    view = selectors.complaint_view_for(request.user, complaint)
    task_id = _open_tasks(request.user, [complaint.pk]).get(complaint.pk) if handles else None
    return render(
        request,
        "complaints/detail.html",
        {
            "view": view,
            "complaint": complaint,
            "handler": selectors.handling_organisation(complaint),
            "handles": handles,
            "task_id": task_id,
            "notice_form": notice_form,
            "supply_form": supply_form,
        },
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("complaints/", complaint_list, name="complaint_list"),
    path("complaints/new/", complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", complaint_detail, name="complaint_detail"),
]
