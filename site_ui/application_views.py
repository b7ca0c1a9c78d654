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

from aid_cases import means, rules, selectors, services, tracking
from aid_cases.models import Application
from aid_cases.timeline import application_timeline
from core.errors import Conflict
from core.site import site_base_url
from directory.selectors import user_is_center_staff
from documents.selectors import documents_for_subject
from workflows import registry, tasks
from workflows.services import application_file, objection_file

from .application_forms import ApplicationForm, ObjectionForm, StaffApplicationForm, TrackForm


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def apply(request):
    """The application form: online for citizens, window or hotline for a center's staff."""
    staff = user_is_center_staff(request.user)
    form_class = StaffApplicationForm if staff else ApplicationForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_file(
                acting_user=request.user,
                base_url=site_base_url(request),
                channel=form.cleaned_data["channel"] if staff else "online",
                **form.service_fields(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("Application received. Tracking number: %(no)s") % {"no": application.tracking_no}
            )
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
    size = data.get("household_size", "")
    try:
        result = services.means_preview(
            region=data.get("region", ""),
            categories=data.getlist("categories"),
            matter_category=data.get("matter_category", ""),
            matter_type=data.get("matter_type", ""),
            household_size=int(size) if size.isdigit() else None,
            monthly_income=_decimal(data.get("monthly_income")),
            assets=_decimal(data.get("assets")),
            fixed_income={"yes": True, "no": False}.get(data.get("fixed_income", "")),
            id_number=data.get("applicant_id_number", ""),
        )
    except (ValidationError, ValueError, TypeError):  # not enough, or not valid, to judge yet
        return JsonResponse({"result": None})
    return JsonResponse(
        {
            "result": result.result.value,
            "label": str(RESULT_LABELS[result.result]),
            "reasons": [str(r.message) for r in result.reasons],
        }
    )


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
    return tasks.tasks_filter(tasks.tasks_inbox(user), application_id=application.pk, name=name).first()


def application_detail(request, pk: int):
    application = _get_visible(request, pk)
    is_filer = application.filed_by_id == request.user.pk
    supplement_task = _open_task_for(request.user, application, "supplement") if is_filer else None
    objection_form = (
        ObjectionForm() if services.objection_possible(user=request.user, application=application) else None
    )
    if request.method == "POST" and is_filer:
        action = request.POST.get("action")
        try:
            if action == "supplement" and supplement_task is not None:
                for upload in request.FILES.getlist("files")[:10]:
                    services.application_document_add(
                        acting_user=request.user, application=application, upload=upload
                    )
                tasks.task_complete(
                    user=request.user,
                    task_id=supplement_task.pk,
                    data={"note": request.POST.get("note", "")},
                    base_url=site_base_url(request),
                )
                messages.success(request, _("Your materials were sent to the reviewer."))
                return redirect("application_detail", pk=pk)
            if action == "objection" and objection_form is not None:
                objection_form = ObjectionForm(request.POST)
                if objection_form.is_valid():
                    try:
                        objection_file(
                            acting_user=request.user,
                            application=application,
                            reason=objection_form.cleaned_data["reason"],
                        )
                    except ValidationError as exc:
                        _add_errors(objection_form, exc)
                    else:
                        messages.success(request, _("Your objection was sent to the judicial bureau."))
                        return redirect("application_detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except (Conflict, tasks.TaskNotFound):
            messages.error(request, _("This action is no longer possible."))
    documents = documents_for_subject(Application._meta.label_lower, str(application.pk))
    return render(
        request,
        "aid_cases/application_detail.html",
        {
            "application": application,
            "timeline": application_timeline(application),
            "documents": documents,
            "show_id": selectors.user_sees_personal_data(request.user, application),
            "masked_id": selectors.mask_id_number(application.applicant.id_number),
            "supplement_task": supplement_task,
            "objection_form": objection_form,
            "means_label": RESULT_LABELS.get(means.Result(application.means_result), ""),
            "uploads": application.uploads.all(),
            "objection_period": rules.objection_period_text(application.region, timezone.localdate()),
        },
    )


def task_list(request):
    return render(
        request,
        "aid_cases/tasks.html",
        {
            "inbox": tasks.task_rows(tasks.tasks_inbox(request.user)),
            "queue": tasks.task_rows(tasks.tasks_queue(request.user)),
        },
    )


def task_detail(request, pk: int):
    """Any flow's task page: the case, the task's own partial (its spec's template) and its form."""
    try:
        task = tasks.task_for_user(user=request.user, task_id=pk)
    except tasks.TaskNotFound as exc:
        raise Http404 from exc
    spec = registry.spec_for(task)
    task = tasks.with_subjects([task])[0]
    subject = task.process.artifact
    application = getattr(task.process.coerced, "application", None)
    form = spec.form()
    if request.method == "POST":
        if request.POST.get("action") == "claim":
            try:
                tasks.task_claim(user=request.user, task_id=pk)
                messages.success(request, _("The task is now in your inbox."))
            except Conflict as exc:
                messages.error(request, exc.message)
            return redirect("task_detail", pk=pk)
        form = spec.form(request.POST)
        if form.is_valid():
            try:
                tasks.task_complete(
                    user=request.user, task_id=pk, data=request.POST, base_url=site_base_url(request)
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Task completed."))
                return redirect("task_list")
    open_task = task.status in tasks.OPEN
    context = {
        "task": task,
        "spec": spec,
        "form": form,
        "application": application,
        "subject": subject,
        "row": tasks.task_row(task),
        "open": open_task,
        "mine": task.owner_id == request.user.pk,
        "claimable": open_task and not task.owner_id,
        **spec.page_context(task=task, subject=subject, user=request.user),
    }
    if application is not None:
        context.update(
            {
                "means_label": RESULT_LABELS.get(means.Result(application.means_result), ""),
                "timeline": application_timeline(application),
                "documents": documents_for_subject(Application._meta.label_lower, str(application.pk)),
                "uploads": application.uploads.all(),
                "show_id": selectors.user_sees_personal_data(request.user, application),
                "masked_id": selectors.mask_id_number(application.applicant.id_number),
            }
        )
    return render(
        request, "workflows/task_detail.html", context, status=400 if request.method == "POST" else 200
    )


@login_not_required
def track(request):
    """Public progress query: tracking number + last 4 ID characters; no personal data shown."""
    form = TrackForm(request.GET or None)
    application, timeline, status = None, None, 200
    if form.is_bound and form.is_valid():
        try:
            application = tracking.track_lookup(
                address=request.META.get("REMOTE_ADDR", ""), **form.cleaned_data
            )
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
    return render(
        request,
        "aid_cases/track.html",
        {"form": form, "application": application, "timeline": timeline},
        status=status,
    )
