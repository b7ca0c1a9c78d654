"""Site pages for applications and tasks: thin views over aid_cases selectors and workflows services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aid_cases import checklist_rules, means, rules, selectors, services, tracking
from aid_cases.checklist import Item
from aid_cases.choices import REVIEWABLE_STATUSES, Channel
from aid_cases.models import Application
from aid_cases.timeline import application_timeline
from consultations.selectors import prefill_for
from core.errors import Conflict, Forbidden
from core.site import site_base_url
from directory.selectors import user_is_center_staff
from documents.selectors import documents_for_subject
from quality.selectors.follow_ups import user_sees_case_quality
from workflows import registry, tasks
from workflows.services import application_file, application_terminate, objection_file

from . import handling_views, waiver_views
from .application_forms import (
    ApplicationForm,
    CaseSearchForm,
    ObjectionForm,
    ObjectionOnBehalfForm,
    StaffApplicationForm,
    TerminateForm,
    TrackForm,
    matter_types_by_category,
)
from .consultation_views import application_initial
from .forms import add_errors


def apply(request):
    """The application form: online for citizens, window or hotline for a center's staff.

    The materials are filed with the application, all or nothing: a refused file files nothing.
    """
    if not services.user_may_file(request.user):
        # lawyers, agencies, institutions, the bureau: their role never files (403, not the form)
        raise PermissionDenied
    staff = user_is_center_staff(request.user)
    form_class = StaffApplicationForm if staff else ApplicationForm
    # from an answered consultation (/apply/?consultation=<id>): its region, matter and question
    consultation = prefill_for(
        request.user, request.GET.get("consultation") or request.POST.get("consultation")
    )
    initial = application_initial(consultation) if request.method == "GET" else {}
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    forbidden = False
    if request.method == "POST" and form.is_valid():
        try:
            application = application_file(
                acting_user=request.user,
                base_url=site_base_url(request),
                channel=form.cleaned_data["channel"] if staff else "online",
                uploads=form.cleaned_data["files"],
                consultation=consultation,
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_errors(form, exc, renamed={"file": "files"})
        except (Conflict, Forbidden) as exc:
            form.add_error(None, exc.message)
            forbidden = isinstance(exc, Forbidden)
        else:
            messages.success(
                request, _("Application received. Tracking number: %(no)s") % {"no": application.tracking_no}
            )
            return redirect("application_detail", pk=application.pk)
    preview = None
    if request.method == "POST":
        if request.FILES and "files" not in form.errors:
            # A browser never keeps chosen files across a page load: say so where they were chosen.
            form.add_error("files", _("Nothing was saved: choose your files again."))
        preview = _preview(request.POST)
    return render(
        request,
        "aid_cases/apply.html",
        {
            "form": form,
            "staff": staff,
            "preview": preview,
            "consultation": consultation,
            "matter_types": matter_types_by_category(),
            # the materials checklist: the form's script keeps it current; without it, the server's
            "checklist": _checklist(request.POST) if request.method == "POST" else [],
            "checklist_url": reverse("api:materials-checklist"),
        },
        status=403 if forbidden else 400 if request.method == "POST" else 200,
    )


def _checklist(data) -> list[Item]:
    """The materials for the answers so far (aid_cases.checklist_rules); none while they cannot say."""
    try:
        return checklist_rules.checklist_for(
            categories=data.getlist("categories"),
            matter_type=data.get("matter_type", ""),
            region=data.get("region", "") or None,
            fixed_income={"yes": True, "no": False}.get(data.get("fixed_income", "")),
            defence_reason=data.get("defence_reason", ""),
            representative=bool(data.get("representative_name", "").strip()),
        )
    except ValidationError:
        return []


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None
    return number if number is None or number.is_finite() else None


def _preview(data) -> dict:
    """What the means test would say about the answers so far: ``{"result": None}`` when it cannot say."""
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
            defence_reason=data.get("defence_reason", ""),
        )
    except (ValidationError, ValueError, TypeError, ArithmeticError):  # not enough, or not valid, to judge
        return {"result": None}
    return {
        "result": result.result.value,
        "label": str(
            RESULT_LABELS[result.result]
            if result.proof_status != means.Proof.PENDING
            else _("Exempt from the means check (Art 42), proof to be verified")
        ),
        "proof": list(result.proof),
        "reasons": [str(r.message) for r in result.reasons]
        + (
            [_("Proof the exemption needs: %(items)s") % {"items": "；".join(result.proof)}]
            if result.proof
            else []
        ),
    }


@require_POST
def apply_preview(request):
    """The live means-test preview: what the engine would decide from what is typed so far."""
    return JsonResponse(_preview(request.POST))


RESULT_LABELS = {
    means.Result.ELIGIBLE: _("Within the hardship standard"),
    means.Result.NOT_ELIGIBLE: _("Above the hardship standard"),
    means.Result.UNKNOWN: _("Cannot be judged yet"),
    means.Result.EXEMPT: _("Exempt from the means test (Art 42)"),
    means.Result.NOT_RESTRICTED: _("Not restricted by financial hardship (Art 32)"),
}


def means_label(application: Application) -> str:
    """The means result as pages show it: an exemption says so while its proof (Art 42) is unconfirmed."""
    if application.channel == Channel.NOTIFICATION:
        return _("Notified defence: no means test (Arts 25, 28)")
    if application.channel == Channel.PUBLIC_INTEREST:
        return _("Public-interest litigation: no means test")
    result = means.Result(application.means_result)
    if result == means.Result.EXEMPT and application.means_proof == means.Proof.PENDING:
        return _("Exempt from the means check (Art 42), proof to be verified")
    return RESULT_LABELS.get(result, "")


def my_applications(request):
    applications = selectors.applications_visible_to(request.user).filter(filed_by=request.user)
    return render(request, "aid_cases/my_applications.html", {"applications": applications})


def _get_visible(request, pk: int) -> Application:
    try:
        return selectors.application_get(user=request.user, pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def application_material(request, pk: int, upload_pk: int):
    """An uploaded material, opened in the browser by those who may see its application; else 404."""
    application = _get_visible(request, pk)
    upload = application.uploads.filter(pk=upload_pk).first()
    if upload is None or not upload.file:
        raise Http404
    try:
        handle = upload.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=upload.content_type, filename=upload.original_name)
    # Only the three checked types are ever stored (aid_cases.uploads), sent with nosniff by the
    # security middleware; personal papers stay out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


def _open_task_for(user, application: Application, name: str):
    return tasks.tasks_filter(tasks.tasks_inbox(user), application_id=application.pk, name=name).first()


def application_detail(request, pk: int):
    application = _get_visible(request, pk)
    is_filer = application.filed_by_id == request.user.pk
    supplement_task = _open_task_for(request.user, application, "supplement") if is_filer else None
    objection_form = (
        ObjectionForm() if services.objection_possible(user=request.user, application=application) else None
    )
    # the center's clerk records a citizen's written objection; its reviewers and directors terminate
    behalf_form = (
        ObjectionOnBehalfForm()
        if objection_form is None
        and services.objection_on_behalf_possible(user=request.user, application=application)
        else None
    )
    terminate_form = (
        TerminateForm() if services.termination_possible(user=request.user, application=application) else None
    )
    # the assignment and handling blocks (site_ui.handling_views): each offered only to whom it concerns
    handling_page = handling_views.CasePage(request, application)
    # the fee waivers block (site_ui.waiver_views): its lines to all, its forms to whom they concern
    waiver_block = waiver_views.WaiverBlock(request, application)
    if request.method == "POST" and request.POST.get("action") in handling_views.ACTIONS:
        response = handling_page.post()
        if response is not None:
            return response
    elif request.method == "POST" and request.POST.get("action") in waiver_views.ACTIONS:
        response = waiver_block.post()
        if response is not None:
            return response
    elif request.method == "POST" and request.POST.get("action") in ("objection_on_behalf", "terminate"):
        action = request.POST.get("action")
        form = (ObjectionOnBehalfForm if action == "objection_on_behalf" else TerminateForm)(request.POST)
        if (behalf_form if action == "objection_on_behalf" else terminate_form) is None:
            messages.error(request, _("This action is no longer possible."))
            return redirect("application_detail", pk=pk)
        if form.is_valid():
            try:
                if action == "objection_on_behalf":
                    objection_file(
                        acting_user=request.user,
                        application=application,
                        reason=form.cleaned_data["reason"],
                        on_behalf=True,
                    )
                    done = _("The written objection was recorded and sent to the judicial bureau.")
                else:
                    application_terminate(
                        acting_user=request.user,
                        application=application,
                        ground=form.cleaned_data["ground"],
                        reason=form.cleaned_data["reason"],
                        base_url=site_base_url(request),
                    )
                    done = _("The legal aid was terminated; the termination letter was issued.")
            except ValidationError as exc:
                add_errors(form, exc)
            except (Conflict, Forbidden) as exc:
                messages.error(request, exc.message)
                return redirect("application_detail", pk=pk)
            else:
                messages.success(request, done)
                return redirect("application_detail", pk=pk)
        if action == "objection_on_behalf":
            behalf_form = form
        else:
            terminate_form = form
    elif request.method == "POST" and (is_filer or objection_form is not None):
        action = request.POST.get("action")
        try:
            if action == "supplement" and supplement_task is not None:
                # the supplement task itself takes the files, as on its task page
                tasks.task_complete(
                    user=request.user,
                    task_id=supplement_task.pk,
                    data={"note": request.POST.get("note", "")},
                    files=request.FILES,
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
                        add_errors(objection_form, exc)
                    except Conflict as exc:
                        messages.error(request, exc.message)
                        return redirect("application_detail", pk=pk)
                    else:
                        messages.success(request, _("Your objection was sent to the judicial bureau."))
                        return redirect("application_detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except Conflict as exc:
            messages.error(request, exc.message)
        except tasks.TaskNotFound:
            messages.error(request, _("This action is no longer possible."))
    documents = documents_for_subject(Application._meta.label_lower, str(application.pk))
    state, objection = services.objection_state(application)
    decision_in_force = services.decision_in_force(application)
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
            "behalf_form": behalf_form,
            "terminate_form": terminate_form,
            "means_label": means_label(application),
            "uploads": application.uploads.all(),
            "objection_period": rules.objection_period_text(application.region, timezone.localdate()),
            "decision_in_force": decision_in_force,
            "objection_state": state.value,
            "objection": objection,
            "further_remedy": services.further_remedy(objection)
            if state == services.ObjectionState.DECIDED
            else "",
            # the case's follow-up calls, hearings and agencies' views: the center's staff only
            "quality_link": user_sees_case_quality(request.user, application),
            # what to bring while the review is open (a supplement notice lists its own items)
            "checklist": checklist_rules.application_checklist(application)
            if application.status in REVIEWABLE_STATUSES
            else [],
            **handling_page.context(),
            **waiver_block.context(),
        },
        status=max(handling_page.status, waiver_block.status),
    )


CASES_PER_PAGE = 25


def case_list(request):
    """The center staff's case list with search; only the applications they may see, else 404."""
    if not user_is_center_staff(request.user):
        raise Http404
    form = CaseSearchForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        criteria = form.cleaned_data if form.is_bound else {}
        applications = selectors.applications_search(request.user, **criteria)
        page = Paginator(applications, CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for application in page or ():
        application.id_shown = (
            application.applicant.id_number
            if application.sees_personal_data
            else selectors.mask_id_number(application.applicant.id_number)
        )
    return render(
        request,
        "aid_cases/case_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=200 if page is not None else 400,
    )


def task_list(request):
    return render(
        request,
        "aid_cases/tasks.html",
        {
            "inbox": tasks.task_rows(tasks.tasks_inbox(request.user), user=request.user),
            "queue": tasks.task_rows(tasks.tasks_queue(request.user), user=request.user),
            "case_search": user_is_center_staff(request.user),
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
    if (
        application is not None
        and spec.subject_model is not Application
        and not selectors.applications_visible_to(request.user).filter(pk=application.pk).exists()
    ):
        # A task about something of the case (a fee waiver) shows the case only to whom may see it: an
        # institution answering a waiver sees the waiver, never the case. A task about the case itself
        # shows it to its holder (the provider it is offered to, before they may open its page).
        application = None
    form = spec.form()
    if request.method == "POST":
        if request.POST.get("action") == "claim":
            try:
                tasks.task_claim(user=request.user, task_id=pk)
                messages.success(request, _("The task is now in your inbox."))
            except Conflict as exc:
                messages.error(request, exc.message)
            return redirect("task_detail", pk=pk)
        form = spec.form(request.POST, request.FILES)
        if form.is_valid():
            try:
                tasks.task_complete(
                    user=request.user,
                    task_id=pk,
                    data=request.POST,
                    files=request.FILES,
                    base_url=site_base_url(request),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Task completed."))
                if tasks.task_name(task) == "confirm_waiver":
                    # the institution's work list is its fee-waiver inbox
                    return redirect("waiver_inbox")
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
                "means_label": means_label(application),
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
