"""Writes for aid applications: keyword-only, one transaction, an audit row each (DESIGN §8)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.choices import OrganisationKind, Role, matter_type_fits
from directory.models import Membership, Organisation, Region
from directory.services import audit_record

from . import means, periods, rules
from .choices import Channel, DecisionKind, ObjectionOutcome, ObjectionTarget, Status, TerminationGround
from .errors import Conflict
from .models import (
    Applicant,
    Application,
    ApplicationDocument,
    Decision,
    Objection,
    SupplementRequest,
    Termination,
    TrackingCounter,
)
from .uploads import checked_upload

STAFF_ROLES = (Role.CLERK, Role.REVIEWER, Role.DIRECTOR)


@dataclass(frozen=True)
class ApplicantData:
    name: str
    id_number: str
    phone: str
    address: str


@dataclass(frozen=True)
class RepresentativeData:
    name: str
    id_number: str
    relation: str


@dataclass(frozen=True)
class MatterData:
    category: str
    type: str
    summary: str
    opposing_party: str = ""


def center_for_region(region: Region) -> Organisation:
    """The aid center with jurisdiction (Art 38): the region's own active center."""
    center = (
        Organisation.objects.filter(kind=OrganisationKind.AID_CENTER, region=region, active=True)
        .order_by("pk")
        .first()
    )
    if center is None:
        raise ValidationError({"region": [_("This region has no legal aid center.")]})
    return center


def tracking_no_next(*, region: Region, year: int) -> str:
    """``JDZ-<REGION>-<YEAR>-<6-digit sequence>``; unique under concurrency, gaps allowed."""
    with transaction.atomic():
        counter, _created = TrackingCounter.objects.select_for_update().get_or_create(region=region, year=year)
        TrackingCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db(fields=["last"])
    return f"JDZ-{region.code.upper()}-{year}-{counter.last:06d}"


def _check_channel(*, acting_user, channel: str, center: Organisation) -> None:
    if channel == Channel.ONLINE:
        return
    if channel not in (Channel.WINDOW, Channel.HOTLINE):
        raise ValidationError({"channel": [_("This channel cannot be used here.")]})
    is_staff = Membership.objects.filter(
        user=acting_user, organisation=center, role__in=STAFF_ROLES, active=True
    ).exists()
    if not is_staff:
        raise ValidationError(
            {"channel": [_("Only the staff of the competent aid center record window and hotline applications.")]}
        )


def means_for(
    *, region: Region, on: datetime.date, categories, matter: MatterData, household: means.Household,
    id_number: str,
):
    row = rules.economic_standard_in_force(region, on)
    result = means.means_test(
        categories=categories, matter_category=matter.category, matter_type=matter.type,
        household=household, standard=rules.as_standard(row), id_number=id_number, on=on,
    )
    return result, row


@transaction.atomic
def application_submit(
    *,
    acting_user,
    channel: str,
    region: Region,
    applicant: ApplicantData,
    representative: RepresentativeData | None,
    categories: list[str],
    matter: MatterData,
    household_size: int,
    monthly_income: Decimal,
    assets: Decimal | None = None,
    fixed_income: bool | None = None,
    urgent_deadline: datetime.date | None = None,
    pledge: bool,
) -> Application:
    """File an application: means test, decision due date and tracking number at once."""
    if not pledge:
        raise ValidationError({"pledge": [_("The integrity pledge must be given.")]})
    if not matter_type_fits(matter.category, matter.type):
        raise ValidationError({"matter_type": [_("The matter type does not belong to this category.")]})
    center = center_for_region(region)
    _check_channel(acting_user=acting_user, channel=channel, center=center)
    now = timezone.now()
    received_on = timezone.localdate(now)
    household = means.Household(size=household_size, monthly_income=monthly_income, assets=assets,
                                fixed_income=fixed_income)
    result, standard_row = means_for(region=region, on=received_on, categories=categories, matter=matter,
                                     household=household, id_number=applicant.id_number)
    period_rule = rules.period_rule_in_force(region, received_on)

    person = Applicant(name=applicant.name, id_number=applicant.id_number.upper(), phone=applicant.phone,
                       address=applicant.address)
    person.full_clean()
    person.save()
    application = Application(
        tracking_no=tracking_no_next(region=region, year=received_on.year),
        region=region, center=center, channel=channel, filed_by=acting_user, applicant=person,
        representative_name=representative.name if representative else "",
        representative_id_number=representative.id_number.upper() if representative else "",
        representative_relation=representative.relation if representative else "",
        categories=sorted(set(categories)), is_priority=bool(categories),
        matter_category=matter.category, matter_type=matter.type, matter_summary=matter.summary,
        opposing_party=matter.opposing_party,
        household_size=household_size, monthly_income=monthly_income, assets=assets, fixed_income=fixed_income,
        urgent_deadline=urgent_deadline, pledged_at=now, status=Status.SUBMITTED,
        means_result=result.result.value, means_reasons=[{"code": r.code, "message": str(r.message)}
                                                        for r in result.reasons],
        economic_standard=standard_row, period_rule=period_rule if period_rule.pk else None,
        received_on=received_on,
        decision_due=rules.due_date(start=received_on, days=period_rule.review_days, rule=period_rule),
    )
    application.full_clean()
    application.save()
    audit_record(actor=acting_user, action="application_submit", obj=application, old=None,
                 new={"status": application.status, "tracking_no": application.tracking_no,
                      "means_result": application.means_result})
    return application


@transaction.atomic
def application_set_status(*, acting_user, application: Application, status: str, action: str,
                           detail: dict | None = None) -> Application:
    """Move an application to ``status`` with an audit row (old → new)."""
    old = application.status
    application.status = status
    application.save(update_fields=["status", "updated_at"])
    audit_record(actor=acting_user, action=action, obj=application, old={"status": old},
                 new={"status": status, **(detail or {})})
    return application


@transaction.atomic
def application_document_add(*, acting_user, application: Application, upload, description: str = "") -> ApplicationDocument:
    """Attach an uploaded material after checking its real type and size (uploads.py)."""
    checked = checked_upload(upload)
    document = ApplicationDocument(
        application=application, stored_name=f"{uuid.uuid4().hex}.{checked.extension}",
        original_name=checked.original_name, content_type=checked.content_type, size=checked.size,
        description=description, uploaded_by=acting_user,
    )
    document.file.save(document.stored_name, upload, save=False)
    document.full_clean()
    document.save()
    audit_record(actor=acting_user, action="application_document_add", obj=application,
                 new={"document": document.pk, "type": document.content_type, "size": document.size})
    return document


# --- review (DESIGN §2 step 2, §3.4) -----------------------------------------------------------

def _record_decision(*, acting_user, application: Application, kind: str, reason: str) -> Decision:
    decision = Decision(application=application, kind=kind, reason=reason, means_result=application.means_result,
                        economic_standard=application.economic_standard, decided_by=acting_user)
    decision.full_clean()
    decision.save()
    return decision


def _require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: [_("Give the reasons.")]})
    return reason


REVIEWABLE = (Status.SUBMITTED, Status.UNDER_REVIEW)


def _require_status(application: Application, allowed) -> None:
    if application.status not in allowed:
        raise Conflict(_("The application is %(status)s: this action is not possible now.")
                       % {"status": application.get_status_display()})


@transaction.atomic
def review_approve(*, acting_user, application: Application, reason: str = "") -> Decision:
    """Grant aid. Approving against a ``not_eligible`` means test needs written reasons."""
    _require_status(application, REVIEWABLE)
    if application.means_result == means.Result.NOT_ELIGIBLE:
        reason = _require_reason(reason)
    decision = _record_decision(acting_user=acting_user, application=application, kind=DecisionKind.APPROVE,
                                reason=reason)
    application_set_status(acting_user=acting_user, application=application, status=Status.APPROVED,
                           action="review_approve", detail={"decision": decision.pk})
    return decision


@transaction.atomic
def review_refuse(*, acting_user, application: Application, reason: str) -> Decision:
    _require_status(application, REVIEWABLE)
    decision = _record_decision(acting_user=acting_user, application=application, kind=DecisionKind.REFUSE,
                                reason=_require_reason(reason))
    application_set_status(acting_user=acting_user, application=application, status=Status.REFUSED,
                           action="review_refuse", detail={"decision": decision.pk})
    return decision


def provisional_allowed(application: Application, today: datetime.date | None = None) -> bool:
    """Art 44: a limitation period or deadline fewer than N days away (N from the period rule)."""
    if application.urgent_deadline is None:
        return False
    today = today or timezone.localdate()
    rule = rules.period_rule_in_force(application.region, today)
    return (application.urgent_deadline - today).days < rule.provisional_threshold_days


@transaction.atomic
def review_provisional(*, acting_user, application: Application, reason: str = "") -> Decision:
    _require_status(application, REVIEWABLE)
    if not provisional_allowed(application):
        raise ValidationError({"outcome": [_("Provisional aid needs a deadline fewer than 7 days away.")]})
    decision = _record_decision(acting_user=acting_user, application=application, kind=DecisionKind.PROVISIONAL,
                                reason=reason)
    application.provisional = True
    application.save(update_fields=["provisional", "updated_at"])
    application_set_status(acting_user=acting_user, application=application, status=Status.APPROVED,
                           action="review_provisional", detail={"decision": decision.pk})
    return decision


def _clean_items(items) -> list[str]:
    cleaned = [str(item).strip() for item in (items or []) if str(item).strip()]
    if not cleaned:
        raise ValidationError({"missing_items": [_("List every missing item.")]})
    if len(cleaned) > 30 or any(len(item) > 200 for item in cleaned):
        raise ValidationError({"missing_items": [_("At most 30 items of at most 200 characters each.")]})
    return cleaned


@transaction.atomic
def review_request_supplement(*, acting_user, application: Application, missing_items) -> SupplementRequest:
    """The one-time notice: every missing item at once; a second notice is refused (409)."""
    _require_status(application, REVIEWABLE)
    items = _clean_items(missing_items)
    if SupplementRequest.objects.filter(application=application).exists():
        raise Conflict(_("A supplement notice was already issued: all missing items must be listed at once."))
    today = timezone.localdate()
    rule = rules.period_rule_in_force(application.region, today)
    request = SupplementRequest(
        application=application, missing_items=items, requested_by=acting_user, requested_on=today,
        due_on=rules.due_date(start=today, days=rule.supplement_days, rule=rule),
    )
    request.full_clean()
    request.save()
    application.decision_due = None  # the review clock stops while the supplement is outstanding
    application.save(update_fields=["decision_due", "updated_at"])
    application_set_status(acting_user=acting_user, application=application, status=Status.SUPPLEMENT_REQUESTED,
                           action="review_request_supplement", detail={"items": len(items),
                                                                        "due": request.due_on.isoformat()})
    return request


@transaction.atomic
def supplement_submit(*, acting_user, application: Application, note: str = "") -> SupplementRequest:
    """The applicant's supplement: the review clock resumes, the paused days not counted."""
    _require_status(application, (Status.SUPPLEMENT_REQUESTED,))
    request = application.supplement_request
    today = timezone.localdate()
    request.answered_on = today
    request.note = (note or "")[:2000]
    request.save(update_fields=["answered_on", "note"])
    rule = application.period_rule or rules.period_rule_in_force(application.region, application.received_on)
    application.decision_due = rules.due_date(
        start=application.received_on, days=rule.review_days, rule=rule,
        pauses=[periods.Pause(start=request.requested_on, end=today)],
    )
    application.save(update_fields=["decision_due", "updated_at"])
    application_set_status(acting_user=acting_user, application=application, status=Status.UNDER_REVIEW,
                           action="supplement_submit", detail={"decision_due": application.decision_due.isoformat()})
    return request


@transaction.atomic
def supplement_expire(*, acting_user, application: Application) -> None:
    """Not supplemented within the period: the application is deemed withdrawn."""
    _require_status(application, (Status.SUPPLEMENT_REQUESTED,))
    request = application.supplement_request
    request.expired = True
    request.save(update_fields=["expired"])
    application_set_status(acting_user=acting_user, application=application, status=Status.WITHDRAWN,
                           action="supplement_expire", detail={"due": request.due_on.isoformat()})


@transaction.atomic
def review_confirm(*, acting_user, application: Application, confirm: bool, reason: str = "") -> Termination | None:
    """After provisional aid: confirm it, or refuse, which terminates the aid (Art 48)."""
    if not application.provisional:
        raise Conflict(_("This application has no provisional aid to confirm."))
    if confirm:
        application.provisional = False
        application.save(update_fields=["provisional", "updated_at"])
        audit_record(actor=acting_user, action="confirm_review_confirm", obj=application,
                     old={"provisional": True}, new={"provisional": False})
        return None
    termination = Termination(application=application, ground=TerminationGround.PROVISIONAL_REFUSED,
                              reason=_require_reason(reason), decided_by=acting_user)
    termination.full_clean()
    termination.save()
    application.provisional = False
    application.save(update_fields=["provisional", "updated_at"])
    application_set_status(acting_user=acting_user, application=application, status=Status.TERMINATED,
                           action="confirm_review_refuse", detail={"termination": termination.pk})
    return termination


# --- objections (Art 49) ------------------------------------------------------------------------

def bureau_for_region(region: Region) -> Organisation:
    bureau = Organisation.objects.filter(kind=OrganisationKind.BUREAU, region=region, active=True).order_by("pk").first()
    if bureau is None:
        raise ValidationError({"region": [_("This region has no judicial bureau to decide objections.")]})
    return bureau


@transaction.atomic
def objection_submit(*, acting_user, application: Application, reason: str) -> Objection:
    """The applicant objects to a refusal or a termination; the bureau decides within 5 days."""
    if application.filed_by_id != acting_user.pk:
        raise Conflict(_("Only the applicant may object."))
    targets = {Status.REFUSED: ObjectionTarget.REFUSAL, Status.TERMINATED: ObjectionTarget.TERMINATION}
    if application.status not in targets:
        raise Conflict(_("An objection is possible only against a refusal or a termination."))
    today = timezone.localdate()
    rule = rules.period_rule_in_force(application.region, today)
    objection = Objection(
        application=application, target=targets[application.status], reason=_require_reason(reason),
        filed_by=acting_user, received_on=today, bureau=bureau_for_region(application.region),
        due_on=rules.due_date(start=today, days=rule.objection_days, rule=rule),
    )
    objection.full_clean()
    objection.save()
    application_set_status(acting_user=acting_user, application=application, status=Status.OBJECTION,
                           action="objection_submit", detail={"objection": objection.pk, "target": objection.target})
    return objection


@transaction.atomic
def objection_decide(*, acting_user, objection: Objection, outcome: str, reason: str) -> Objection:
    """Uphold, or order the center to correct: a refusal returns to review, a termination is revoked."""
    if objection.outcome:
        raise Conflict(_("This objection has already been decided."))
    if outcome not in ObjectionOutcome.values:
        raise ValidationError({"outcome": [_("Choose uphold or correct.")]})
    objection.outcome = outcome
    objection.decision_reason = _require_reason(reason)
    objection.decided_by = acting_user
    objection.decided_at = timezone.now()
    objection.save(update_fields=["outcome", "decision_reason", "decided_by", "decided_at"])
    application = objection.application
    if outcome == ObjectionOutcome.UPHOLD:
        back = Status.REFUSED if objection.target == ObjectionTarget.REFUSAL else Status.TERMINATED
        action = "objection_uphold"
    elif objection.target == ObjectionTarget.REFUSAL:
        back, action = Status.UNDER_REVIEW, "objection_correct"
        today = timezone.localdate()
        rule = rules.period_rule_in_force(application.region, today)
        application.decision_due = rules.due_date(start=today, days=rule.review_days, rule=rule)
        application.save(update_fields=["decision_due", "updated_at"])
    else:
        back, action = Status.APPROVED, "objection_correct"
        Termination.objects.filter(application=application, revoked_at__isnull=True).update(revoked_at=timezone.now())
    application_set_status(acting_user=acting_user, application=application, status=back, action=action,
                           detail={"objection": objection.pk})
    return objection
