"""Site pages for applications and tasks: thin views over aid_cases selectors and workflows services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aid_cases import means, selectors, services, tracking
from aid_cases.choices import Status
from aid_cases.errors import Conflict
from aid_cases.models import Application
from aid_cases.timeline import application_timeline
from directory.choices import Role
from directory.models import Region
from documents.selectors import documents_for_subject
from workflows import tasks
from workflows.letters import base_url_for
from workflows.services import application_file, objection_file

from .application_forms import ApplicationForm, ObjectionForm, StaffApplicationForm, TrackForm


def _is_center_staff(user) -> bool:
    return user.memberships.filter(role__in=(Role.CLERK, Role.REVIEWER, Role.DIRECTOR), active=True).exists()


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def apply(request):
    """The application form: online for citizens, window or hotline for a center's staff."""
    staff = _is_center_staff(request.user)
    form_class = StaffApplicationForm if staff else ApplicationForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_file(
                acting_user=request.user, base_url=base_url_for(request),
                channel=form.cleaned_data["channel"] if staff else "online", **form.service_fields(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Application received. Tracking number: %(no)s") % {
                "no": application.tracking_no})
            return redirect("application_detail", pk=application.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "aid_cases/apply.html", {"form": form, "staff": staff}, status=status)


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


@require_POST
def apply_preview(request):
    """The live means-test preview: what the engine would decide from what is typed so far."""
    data = request.POST
    region = Region.objects.filter(code=data.get("region", "")).first()
    size = data.get("household_size", "")
    income, assets = _decimal(data.get("monthly_income")), _decimal(data.get("assets"))
    fixed = {"yes": True, "no": False}.get(data.get("fixed_income", ""))
    categories = [c for c in data.getlist("categories") if c in means.ApplicantCategory.values]
    matter = services.MatterData(category=data.get("matter_category", ""), type=data.get("matter_type", ""),
                                 summary="")
    if region is None or not size.isdigit() or int(size) < 1 or int(size) > 50 or (income is not None and income < 0) \
            or (assets is not None and assets < 0):
        return JsonResponse({"result": None})
    try:
        result, _row = services.means_for(
            region=region, on=timezone.localdate(), categories=categories, matter=matter,
            household=means.Household(size=int(size), monthly_income=income, assets=assets, fixed_income=fixed),
            id_number=data.get("applicant_id_number", "") or None,
        )
    except (ValueError, TypeError):
        return JsonResponse({"result": None})
    return JsonResponse({
        "result": result.result.value,
        "label": str(RESULT_LABELS[result.result]),
        "reasons": [str(r.message) for r in result.reasons],
    })


RESULT_LABELS = {
    means.Result.ELIGIBLE: _("Within the hardship standard"),
    means.Result.NOT_ELIGIBLE: _("Above the hardship standard"),
    means.Result.UNKNOWN: _("Cannot be judged yet"),
    means.Result.EXEMPT: _("Exempt from the means test (Art 42)"),
    means.Result.NOT_RESTRICTED: _("Not restricted by financial hardship (Art 32)"),
}


def my_applications(request):
    applications = selectors.applications_visible_to(request.user).filter(filed_by=request.user)
    return render(request, "aid_cases/my_applications.html", {"applications": applications})


def _get_visible(request, pk: int) -> Application:
    try:
        return selectors.application_get(user=request.user, pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


def _open_task_for(user, application: Application, name: str):
    for task in tasks.tasks_inbox(user).filter(process__artifact_object_id=application.pk):
        if tasks.task_name(task) == name:
            return task
    return None


def application_detail(request, pk: int):
    application = _get_visible(request, pk)
    is_filer = application.filed_by_id == request.user.pk
    supplement_task = _open_task_for(request.user, application, "supplement") if is_filer else None
    objection_form = ObjectionForm() if is_filer and application.status in (Status.REFUSED, Status.TERMINATED) \
        else None
    if request.method == "POST" and is_filer:
        action = request.POST.get("action")
        try:
            if action == "supplement" and supplement_task is not None:
                for upload in request.FILES.getlist("files")[:10]:
                    services.application_document_add(acting_user=request.user, application=application,
                                                      upload=upload)
                tasks.task_complete(user=request.user, task_id=supplement_task.pk,
                                    data={"note": request.POST.get("note", "")}, base_url=base_url_for(request))
                messages.success(request, _("Your materials were sent to the reviewer."))
                return redirect("application_detail", pk=pk)
            if action == "objection" and objection_form is not None:
                objection_form = ObjectionForm(request.POST)
                if objection_form.is_valid():
                    objection_file(acting_user=request.user, application=application,
                                   reason=objection_form.cleaned_data["reason"])
                    messages.success(request, _("Your objection was sent to the judicial bureau."))
                    return redirect("application_detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except (Conflict, tasks.TaskNotFound):
            messages.error(request, _("This action is no longer possible."))
    documents = documents_for_subject(Application._meta.label_lower, str(application.pk))
    return render(request, "aid_cases/application_detail.html", {
        "application": application,
        "timeline": application_timeline(application),
        "documents": documents,
        "show_id": selectors.user_sees_personal_data(request.user, application),
        "masked_id": selectors.mask_id_number(application.applicant.id_number),
        "supplement_task": supplement_task,
        "objection_form": objection_form,
        "means_label": RESULT_LABELS.get(means.Result(application.means_result), ""),
        "uploads": application.uploads.all(),
    })


def task_list(request):
    return render(request, "aid_cases/tasks.html", {
        "inbox": tasks.task_rows(tasks.tasks_inbox(request.user)),
        "queue": tasks.task_rows(tasks.tasks_queue(request.user)),
    })


def task_detail(request, pk: int):
    try:
        task = tasks.task_for_user(user=request.user, task_id=pk)
    except tasks.TaskNotFound as exc:
        raise Http404 from exc
    name = tasks.task_name(task)
    subject = tasks.subjects_for([task])[task.pk]
    application = subject if isinstance(subject, Application) else subject.application
    form_class = tasks.TASKS[name].form
    form = form_class()
    if request.method == "POST":
        if request.POST.get("action") == "claim":
            try:
                tasks.task_claim(user=request.user, task_id=pk)
                messages.success(request, _("The task is now in your inbox."))
            except Conflict as exc:
                messages.error(request, exc.message)
            return redirect("task_detail", pk=pk)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                tasks.task_complete(user=request.user, task_id=pk, data=request.POST,
                                    base_url=base_url_for(request))
            except ValidationError as exc:
                _add_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Task completed."))
                return redirect("task_list")
    open_task = task.status in tasks.OPEN
    return render(request, "aid_cases/task_detail.html", {
        "task": task, "name": name, "form": form, "application": application, "subject": subject,
        "row": tasks.task_row(task, subject), "open": open_task,
        "mine": task.owner_id == request.user.pk, "claimable": open_task and not task.owner_id,
        "means_label": RESULT_LABELS.get(means.Result(application.means_result), ""),
        "timeline": application_timeline(application),
        "documents": documents_for_subject(Application._meta.label_lower, str(application.pk)),
        "uploads": application.uploads.all(),
        "provisional_allowed": services.provisional_allowed(application),
        "show_id": selectors.user_sees_personal_data(request.user, application),
        "masked_id": selectors.mask_id_number(application.applicant.id_number),
    }, status=400 if request.method == "POST" else 200)


@login_not_required
def track(request):
    """Public progress query: tracking number + last 4 ID characters; no personal data shown."""
    form = TrackForm(request.GET or None)
    application, timeline, status = None, None, 200
    if form.is_bound and form.is_valid():
        try:
            application = tracking.track_lookup(address=request.META.get("REMOTE_ADDR", ""), **form.cleaned_data)
        except tracking.Throttled:
            form.add_error(None, _("Too many failed queries. Please try again later."))
            status = 429
        else:
            if application is None:
                form.add_error(None, _("No application matches this tracking number and ID number."))
                status = 404
            else:
                timeline = application_timeline(application, with_actor=False)
    elif form.is_bound:
        status = 400
    return render(request, "aid_cases/track.html", {"form": form, "application": application,
                                                    "timeline": timeline}, status=status)
