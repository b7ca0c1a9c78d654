"""A case after the decision (docs/domain.md, assignment): assign, accept or decline, notes, closing
report, the center's review of it, replacement (Art 55) and the applicant's rating.

Each write re-reads the application under its row lock and checks the status it depends on there:
of two people acting on the same case at once, one wins and the other gets 409. The flow that
orchestrates the tasks lives in ``workflows``; nothing here knows it.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aid_cases import rules
from aid_cases.choices import Status
from aid_cases.models import Application, ApplicationDocument
from aid_cases.selectors import user_decides_for, user_is_applicant_side
from aid_cases.services.recusal import require_not_recused
from aid_cases.services.status import (
    application_lock,
    application_set_status,
    optional_text,
    require_reason,
    require_status,
)
from aid_cases.uploads import checked_upload
from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import AidForm, MatterCategory
from directory.models import Provider
from directory.services import audit_record

from .. import closing
from ..choices import LIVE_ASSIGNMENT_STATUSES, AssignmentStatus, CaseOutcome, CaseStage
from ..models import Assignment, ClosingReport, ProgressNote, Rating
from ..recommend import ineligibility, needs_override
from .payments import subsidy_record

# The statuses in which a case is being assigned or handled: aid may still be terminated, a provider replaced.
ACTIVE_STATUSES = (Status.APPROVED, Status.ASSIGNING, Status.ASSIGNED, Status.IN_PROGRESS)
MAX_HOURS = Decimal("10000")


def _locked(application: Application) -> Application:
    application_lock(application)
    return application


def _require_center_staff(user: AbstractBaseUser, application: Application, message: str) -> None:
    if not user_decides_for(user, application):
        raise Forbidden(message)


def live_assignment(application: Application, *, lock: bool = False) -> Assignment | None:
    """The assignment that binds the case now (offered or accepted), if any."""
    qs = Assignment.objects.select_related("provider", "provider__user", "organisation").filter(
        application=application, status__in=LIVE_ASSIGNMENT_STATUSES
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.first()


def default_aid_form(application: Application) -> str:
    """Criminal defence for a criminal case or a notified defence, representation otherwise."""
    if application.matter_category == MatterCategory.CRIMINAL or application.defence_grounds:
        return AidForm.DEFENCE
    return AidForm.REPRESENTATION


def assign_due_for(application: Application, *, start: datetime.date) -> datetime.date | None:
    """Three days (the rule row's) from ``start``: the decision, or a notified defence's receipt."""
    rule = rules.period_rule_in_force(application.region, start)
    days = rule.notified_assign_days if application.defence_grounds else rule.assign_days
    return rules.due_date(start=start, days=days, rule=rule)


@service_transaction()
def assignment_begin(
    *, acting_user: AbstractBaseUser | None, application: Application, start: datetime.date | None = None
) -> Application:
    """Send an approved case (or a notified defence) to assignment, with the assignment's due date.

    A case that already has an accepted provider (aid resumed after a revoked termination) goes back
    to them: nothing to assign.
    """
    _locked(application)
    if application.status == Status.IN_PROGRESS:
        return application
    require_status(application, (Status.APPROVED, Status.ASSIGNING))
    # a notified defence's three days run from the notice's receipt (Art 36); a granted case's from the decision
    start = start or (application.received_on if application.defence_grounds else timezone.localdate())
    application.assign_due = assign_due_for(application, start=start)
    return application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.ASSIGNING,
        action=AuditAction.ASSIGNMENT_BEGIN,
        detail={"assign_due": application.assign_due.isoformat() if application.assign_due else None},
        also_saved=("assign_due",),
    )


def _provider_for(provider_id: object) -> Provider:
    try:
        pk = int(str(provider_id))
        return Provider.objects.select_related("organisation", "user").get(pk=pk)
    except (TypeError, ValueError, Provider.DoesNotExist):
        raise ValidationError({"provider_id": [_("No such provider.")]}) from None


@service_transaction()
def assignment_offer(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    provider_id: object,
    aid_form: str = "",
    override_reason: str = "",
) -> Assignment:
    """The reviewer assigns the case to a provider, who then accepts or declines.

    400 for an unknown, inactive, unqualified or conflicted provider (``recommend.ineligibility``),
    one without a login account, or one outside the case's region when the center does not allow
    cross-region work and no reason is given; 409 unless the case is waiting for assignment.
    """
    _locked(application)
    _require_center_staff(
        acting_user, application, _("Only the center's reviewers and directors assign cases.")
    )
    require_not_recused(acting_user, application)
    require_status(application, (Status.ASSIGNING,))
    provider = _provider_for(provider_id)
    problem = ineligibility(application, provider)
    if problem:
        raise ValidationError({"provider_id": [problem]})
    if provider.user_id is None:
        raise ValidationError(
            {"provider_id": [_("This provider has no login account, so cannot accept the case here.")]}
        )
    aid_form = aid_form or default_aid_form(application)
    if aid_form not in AidForm.values:
        raise ValidationError({"aid_form": [_("Choose a form of aid.")]})
    override_reason = optional_text(override_reason, "override_reason")
    outside = needs_override(application, provider)
    if outside and not override_reason:
        raise ValidationError(
            {
                "override_reason": [
                    _(
                        "This provider does not serve the case's region and the center does not assign "
                        "across regions: give the reason."
                    )
                ]
            }
        )
    assignment = Assignment(
        application=application,
        provider=provider,
        organisation=provider.organisation,
        aid_form=aid_form,
        recommended=not outside,
        cross_region=not provider.regions_served.filter(pk=application.region_id).exists(),
        override_reason=override_reason,
        assigned_by=acting_user,
    )
    assignment.full_clean(exclude=["application", "provider", "organisation", "assigned_by"])
    assignment.save()
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.ASSIGNED,
        action=AuditAction.ASSIGNMENT_OFFER,
        detail={"assignment": assignment.pk, "provider": provider.name, "aid_form": aid_form},
    )
    return assignment


@service_transaction()
def assignment_respond(
    *, acting_user: AbstractBaseUser, application: Application, accept: bool, reason: str = ""
) -> Assignment:
    """The assigned provider accepts the case, or declines it with a reason (back to assignment; they
    are not offered it again)."""
    _locked(application)
    require_status(application, (Status.ASSIGNED,))
    assignment = live_assignment(application, lock=True)
    if assignment is None or assignment.status != AssignmentStatus.OFFERED:
        raise Conflict(_("This case is not waiting for an answer."))
    if assignment.provider.user_id != acting_user.pk:
        raise Forbidden(_("Only the provider the case was assigned to can answer."))
    assignment.responded_at = timezone.now()
    if accept:
        assignment.status = AssignmentStatus.ACCEPTED
        assignment.accepted_on = timezone.localdate()
        assignment.save(update_fields=["status", "responded_at", "accepted_on"])
        application.provider = assignment.provider
        application_set_status(
            acting_user=acting_user,
            application=application,
            status=Status.IN_PROGRESS,
            action=AuditAction.ASSIGNMENT_ACCEPT,
            detail={"assignment": assignment.pk, "provider": assignment.provider.name},
            also_saved=("provider",),
        )
    else:
        assignment.decline_reason = require_reason(reason)
        assignment.status = AssignmentStatus.DECLINED
        assignment.save(update_fields=["status", "responded_at", "decline_reason"])
        application_set_status(
            acting_user=acting_user,
            application=application,
            status=Status.ASSIGNING,
            action=AuditAction.ASSIGNMENT_DECLINE,
            detail={"assignment": assignment.pk, "provider": assignment.provider.name},
        )
    return assignment


def _require_handling_provider(user: AbstractBaseUser, application: Application) -> Assignment:
    assignment = live_assignment(application)
    if assignment is None or assignment.status != AssignmentStatus.ACCEPTED:
        raise Conflict(_("No provider is handling this case now."))
    if assignment.provider.user_id != user.pk:
        raise Forbidden(_("Only the provider handling the case can do this."))
    return assignment


def _hours(value: object, *, field: str, maximum: Decimal) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter a number of hours.")]}) from None
    if not hours.is_finite() or hours < 0 or hours > maximum:
        raise ValidationError({field: [_("Enter between 0 and %(max)s hours.") % {"max": maximum}]})
    return hours


@service_transaction()
def progress_note_add(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    text: str,
    hours: object = 0,
    noted_on: datetime.date | None = None,
) -> ProgressNote:
    """The handling provider records what they did and the hours it took (at most 24 a day)."""
    _locked(application)
    require_status(application, (Status.IN_PROGRESS,))
    assignment = _require_handling_provider(acting_user, application)
    today = timezone.localdate()
    noted_on = noted_on or today
    if noted_on > today:
        raise ValidationError({"noted_on": [_("The date cannot be in the future.")]})
    if assignment.accepted_on and noted_on < assignment.accepted_on:
        raise ValidationError({"noted_on": [_("The date is before the case was accepted.")]})
    amount = _hours(hours, field="hours", maximum=Decimal("24"))
    that_day = ProgressNote.objects.filter(author=acting_user, noted_on=noted_on).aggregate(
        total=Sum("hours")
    )
    if (that_day["total"] or 0) + amount > 24:
        raise ValidationError({"hours": [_("More than 24 hours on one day.")]})
    note = ProgressNote(
        application=application,
        assignment=assignment,
        author=acting_user,
        text=require_reason(text, "text"),
        hours=amount,
        noted_on=noted_on,
    )
    note.full_clean(exclude=["application", "assignment", "author"])
    note.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.PROGRESS_NOTE_ADD,
        obj=application,
        new={"note": note.pk, "hours": str(amount)},
    )
    return note


def default_stage(aid_form: str) -> str:
    if aid_form in (AidForm.CONSULTATION, AidForm.DRAFTING):
        return CaseStage.CONSULTATION
    if aid_form == AidForm.NON_LITIGATION:
        return CaseStage.NEGOTIATION
    if aid_form == AidForm.LABOUR_ARBITRATION:
        return CaseStage.ARBITRATION
    return CaseStage.FIRST_INSTANCE


def _report_fill(
    report: ClosingReport,
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    assignment: Assignment,
    outcome: str,
    stage: str,
    summary: str,
    hours: object,
    ended_on: datetime.date,
    today: datetime.date,
) -> None:
    """Fill and save ``report`` as filed today, with what is missing of its checklist; and set the
    center's review clock on the application (saved by the caller)."""
    if outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    stage = stage or default_stage(assignment.aid_form)
    if stage not in CaseStage.values:
        raise ValidationError({"stage": [_("Choose the stage the case reached.")]})
    if ended_on > today:
        raise ValidationError({"ended_on": [_("The date cannot be in the future.")]})
    if assignment.accepted_on and ended_on < assignment.accepted_on:
        raise ValidationError({"ended_on": [_("The case cannot end before it was accepted.")]})
    report.outcome = outcome
    report.stage = stage
    report.summary = require_reason(summary, "summary")
    report.hours = _hours(hours, field="hours", maximum=MAX_HOURS)
    report.ended_on = ended_on
    report.filed_by = acting_user
    report.filed_at = timezone.now()
    report.filed_on = today
    report.approved = None
    lines = closing.checklist_for(application, aid_form=assignment.aid_form, stage=stage, day=today)
    report.missing_items = closing.missing_required(lines)
    report.full_clean(exclude=["assignment", "application", "filed_by", "reviewed_by"])
    report.save()
    rule = rules.period_rule_in_force(application.region, today)
    application.closure_due = rules.due_date(start=today, days=rule.closure_review_days, rule=rule)


def _report_for(assignment: Assignment, application: Application) -> ClosingReport:
    return ClosingReport.objects.filter(assignment=assignment).first() or ClosingReport(
        assignment=assignment, application=application
    )


@service_transaction()
def closing_report_file(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    outcome: str,
    summary: str,
    hours: object,
    stage: str = "",
    ended_on: datetime.date | None = None,
) -> ClosingReport:
    """The handling provider files (or files again, after a return) the closing report.

    It completes without the closing-file documents; what is missing is recorded for the center's
    review. 409 unless the case is being handled: a terminated case is never closed (its provider
    files the report of the work done instead, ``termination_report_file``).
    """
    _locked(application)
    require_status(application, (Status.IN_PROGRESS,))
    assignment = _require_handling_provider(acting_user, application)
    if outcome == CaseOutcome.TERMINATED:  # only a termination ends a case so
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    today = timezone.localdate()
    report = _report_for(assignment, application)
    _report_fill(
        report,
        acting_user=acting_user,
        application=application,
        assignment=assignment,
        outcome=outcome,
        stage=stage,
        summary=summary,
        hours=hours,
        ended_on=ended_on or today,
        today=today,
    )
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.CLOSING,
        action=AuditAction.CLOSING_REPORT_FILE,
        detail={"report": report.pk, "outcome": outcome, "missing": len(report.missing_items)},
        also_saved=("closure_due",),
    )
    return report


def closing_report_period(application: Application) -> str:
    """The period for filing the closing report as pages print it, from the rule row ("30日")."""
    return rules.period_text_in_force(application.region, "closing_report_days")


def closing_report_late(report: ClosingReport, rule_days: int) -> bool:
    """Filed later than the rule's days (``PeriodRule.closing_report_days``) after the case ended:
    flagged, never refused."""
    return (report.filed_on - report.ended_on).days > rule_days


def _report_to_review(
    acting_user: AbstractBaseUser, application: Application, status: str
) -> tuple[Assignment | None, ClosingReport | None]:
    """What every review of a provider's report starts with, under the case's lock: the reviewer is
    the center's and not recused, the case is in ``status``; the live assignment and its report."""
    _locked(application)
    _require_center_staff(
        acting_user, application, _("Only the center's reviewers and directors review closing reports.")
    )
    require_not_recused(acting_user, application)
    require_status(application, (status,))
    assignment = live_assignment(application)
    report = ClosingReport.objects.filter(assignment=assignment).first() if assignment else None
    return assignment, report


def _report_decide(
    report: ClosingReport,
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    assignment: Assignment,
    approve: bool,
    comment: str,
    terminated: bool,
) -> None:
    """Record the center's review of ``report``; an accepted one makes the subsidy owed (at the
    termination's share when ``terminated``). Approving while required items are missing needs a
    comment, as does a return."""
    today = timezone.localdate()
    lines = closing.checklist_for(application, aid_form=assignment.aid_form, stage=report.stage, day=today)
    report.missing_items = closing.missing_required(lines)
    if approve:
        comment = (
            require_reason(comment, "comment") if report.missing_items else optional_text(comment, "comment")
        )
    else:
        comment = require_reason(comment, "comment")
    report.approved = approve
    report.review_comment = comment
    report.reviewed_by = acting_user
    report.reviewed_at = timezone.now()
    if not approve:
        report.returned_count += 1
    report.save()
    application.closure_due = None
    if approve:
        _subsidy_owed(
            acting_user=acting_user, assignment=assignment, report=report, day=today, terminated=terminated
        )


@service_transaction()
def closure_review(
    *, acting_user: AbstractBaseUser, application: Application, approve: bool, comment: str = ""
) -> ClosingReport:
    """The center accepts the closing report (the case is closed; the subsidy is owed) or returns it
    to the provider with what is missing. Approving while required items are missing needs a comment."""
    assignment, report = _report_to_review(acting_user, application, Status.CLOSING)
    if assignment is None or report is None:
        raise Conflict(_("There is no closing report to review."))
    _report_decide(
        report,
        acting_user=acting_user,
        application=application,
        assignment=assignment,
        approve=approve,
        comment=comment,
        terminated=False,
    )
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.CLOSED if approve else Status.IN_PROGRESS,
        action=AuditAction.CLOSURE_APPROVE if approve else AuditAction.CLOSURE_RETURN,
        detail={"report": report.pk, "missing": report.missing_items},
        also_saved=("closure_due",),
    )
    return report


# --- the work done on a terminated case (Art 48, 50, 52) ------------------------------------------
#
# A terminated case is never closed: its close_report task ends with the termination and closing it
# answers 409. Yet a provider who accepted it worked on it until then, and Art 52's subsidy is owed for
# that work, at the share the subsidy standard's ``terminated`` adjustment gives; and Art 50 pays
# nothing without the file. So the provider files the report of the work done to the termination
# (stage reached, hours, summary; its closing-file checklist), the center reviews it as it reviews a
# closing report, and an accepted report records the subsidy at that share. The case stays terminated
# throughout; while an objection against the termination is with the bureau the case is not terminated
# (its status is the objection's), so both steps wait with a 409.


def termination_report_due(application: Application) -> bool:
    """Whether the provider of a terminated case still has the report of their work to file: they
    had accepted it, and no report of it waits for review or was accepted."""
    if application.status != Status.TERMINATED:
        return False
    assignment = live_assignment(application)
    if assignment is None or assignment.status != AssignmentStatus.ACCEPTED:
        return False
    report = ClosingReport.objects.filter(assignment=assignment).only("outcome", "approved").first()
    return not _termination_report_pending_or_accepted(report)


def _termination_report_pending_or_accepted(report: ClosingReport | None) -> bool:
    return report is not None and report.outcome == CaseOutcome.TERMINATED and report.approved is not False


@service_transaction()
def termination_report_file(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    summary: str,
    hours: object,
    stage: str = "",
    ended_on: datetime.date | None = None,
) -> ClosingReport:
    """The provider of a terminated case files (or files again, after a return) the report of the work
    done until the termination: the stage reached decides the standard, the termination its share.

    ``ended_on`` defaults to the day of the termination. 409 unless the case is terminated and the
    provider had accepted it, or when the report waits for review or was accepted.
    """
    _locked(application)
    require_status(application, (Status.TERMINATED,))
    assignment = _require_handling_provider(acting_user, application)
    report = _report_for(assignment, application)
    if _termination_report_pending_or_accepted(report if report.pk else None):
        raise Conflict(_("The report of the work on this case has been filed already."))
    termination = application.terminations.filter(revoked_at__isnull=True).order_by("-decided_at").first()
    today = timezone.localdate()
    terminated_on = timezone.localtime(termination.decided_at).date() if termination else today
    _report_fill(
        report,
        acting_user=acting_user,
        application=application,
        assignment=assignment,
        outcome=CaseOutcome.TERMINATED,
        stage=stage,
        summary=summary,
        hours=hours,
        ended_on=ended_on or terminated_on,
        today=today,
    )
    application.save(update_fields=["closure_due", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.TERMINATION_REPORT_FILE,
        obj=application,
        new={"report": report.pk, "stage": report.stage, "missing": len(report.missing_items)},
    )
    return report


@service_transaction()
def termination_report_review(
    *, acting_user: AbstractBaseUser, application: Application, approve: bool, comment: str = ""
) -> ClosingReport:
    """The center accepts the report of the work on a terminated case (the subsidy is owed at the
    termination's share) or returns it to the provider. The case stays terminated."""
    assignment, report = _report_to_review(acting_user, application, Status.TERMINATED)
    if (
        assignment is None
        or report is None
        or report.outcome != CaseOutcome.TERMINATED
        or report.approved is not None
    ):
        raise Conflict(_("There is no report of the work on this case to review."))
    _report_decide(
        report,
        acting_user=acting_user,
        application=application,
        assignment=assignment,
        approve=approve,
        comment=comment,
        terminated=True,
    )
    application.save(update_fields=["closure_due", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.TERMINATION_REPORT_APPROVE if approve else AuditAction.TERMINATION_REPORT_RETURN,
        obj=application,
        new={"report": report.pk, "missing": report.missing_items},
    )
    return report


def _subsidy_owed(
    *,
    acting_user: AbstractBaseUser,
    assignment: Assignment,
    report: ClosingReport,
    day: datetime.date,
    terminated: bool,
) -> None:
    """The subsidy is owed from the accepted closing file (Art 50, 52), at the standard in force on the
    closure day. Without a standard row for the case the closure still stands: the ledger then has no
    line for it, and the center adds the standard and records it (assignments.services.payments).

    A case whose termination was revoked may have its share recorded already: still owed, it becomes
    the whole subsidy; approved or paid, it stays the ledger's line and the closure stands (the
    balance is the center's to settle, docs/domain.md, subsidies)."""
    try:
        # its own savepoint: a refusal leaving a transaction block without one marks the whole
        # transaction for rollback, and the closure must stand
        with transaction.atomic():
            subsidy_record(
                acting_user=acting_user,
                assignment=assignment,
                day=day,
                report=report,
                terminated=terminated,
                revise_owed=not terminated,
            )
    except ValidationError as exc:
        if getattr(exc, "code", None) != "no_subsidy_standard":
            raise
    except Conflict:
        if terminated:
            raise


@service_transaction()
def assignment_replace(*, acting_user: AbstractBaseUser, application: Application, reason: str) -> Assignment:
    """Replace the provider (Art 55: the recipient asked, or the center decided): the case goes back
    to assignment, leaves the old provider's view and counts for them no more."""
    _locked(application)
    _require_center_staff(
        acting_user, application, _("Only the center's reviewers and directors reassign cases.")
    )
    require_not_recused(acting_user, application)
    require_status(application, (Status.ASSIGNED, Status.IN_PROGRESS))
    assignment = live_assignment(application, lock=True)
    if assignment is None:
        raise Conflict(_("No provider is assigned to this case."))
    assignment.status = AssignmentStatus.REPLACED
    assignment.ended_at = timezone.now()
    assignment.end_reason = require_reason(reason)
    assignment.save(update_fields=["status", "ended_at", "end_reason"])
    application.provider = None
    application.assign_due = assign_due_for(application, start=timezone.localdate())
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.ASSIGNING,
        action=AuditAction.ASSIGNMENT_REPLACE,
        detail={"assignment": assignment.pk, "provider": assignment.provider.name},
        also_saved=("provider", "assign_due"),
    )
    return assignment


def assignment_end_for_termination(*, acting_user: AbstractBaseUser | None, application: Application) -> None:
    """Aid ends (Art 48): an offer not yet accepted is withdrawn; an accepted assignment stays, so the
    provider keeps the case and the work they did on it. Call inside the termination's transaction."""
    assignment = live_assignment(application, lock=True)
    if assignment is not None and assignment.status == AssignmentStatus.OFFERED:
        assignment.status = AssignmentStatus.CANCELLED
        assignment.ended_at = timezone.now()
        assignment.save(update_fields=["status", "ended_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.ASSIGNMENT_CANCEL,
            obj=application,
            new={"assignment": assignment.pk, "provider": assignment.provider.name},
        )


@service_transaction()
def rating_give(
    *, acting_user: AbstractBaseUser, application: Application, score: object, comment: str = ""
) -> Rating:
    """The applicant rates the aid once, after closure (1 to 5; 4 and 5 count as satisfied)."""
    _locked(application)
    if not user_is_applicant_side(acting_user, application):
        raise Forbidden(_("Only the applicant rates the service."))
    try:
        value = int(str(score))
    except (TypeError, ValueError):
        value = 0
    if str(value) != str(score).strip() or not 1 <= value <= 5:
        raise ValidationError({"score": [_("Give a score from 1 to 5.")]})
    require_status(application, (Status.CLOSED,))
    if Rating.objects.filter(application=application).exists():
        raise Conflict(_("This case has already been rated."))
    rating = Rating(
        application=application,
        provider=application.provider,
        score=value,
        comment=optional_text(comment, "comment"),
        rated_by=acting_user,
    )
    rating.full_clean(exclude=["application", "provider", "rated_by"])
    rating.save()
    audit_record(actor=acting_user, action=AuditAction.RATING_GIVE, obj=application, new={"score": value})
    return rating


MAX_CLOSING_DOCUMENTS = 30
# The closing file takes documents while the case is handled and while its report is reviewed (and on
# a terminated case until the report of the work is accepted, ``closing_file_open``).
CLOSING_FILE_STATUSES = (Status.IN_PROGRESS, Status.CLOSING)


def termination_report_accepted(application_id: int) -> bool:
    """Whether the center has accepted the report of the work done before the case's termination."""
    return ClosingReport.objects.filter(
        application_id=application_id, outcome=CaseOutcome.TERMINATED, approved=True
    ).exists()


def closing_file_open(application: Application) -> bool:
    """Whether the handling provider may still add to the case's closing file."""
    if application.status in CLOSING_FILE_STATUSES:
        return True
    if application.status != Status.TERMINATED:
        return False
    return not termination_report_accepted(application.pk)


def closing_checklist(application: Application) -> list[closing.ChecklistLine]:
    """The case's closing-file checklist, for the stage its report names (else the form of aid's)."""
    assignment = live_assignment(application)
    if assignment is None:
        return []
    report = ClosingReport.objects.filter(assignment=assignment).first()
    stage = report.stage if report else default_stage(assignment.aid_form)
    return closing.checklist_for(application, aid_form=assignment.aid_form, stage=stage)


@service_transaction()
def closing_document_add(
    *, acting_user: AbstractBaseUser, application: Application, item: str, upload: UploadedFile
) -> ApplicationDocument:
    """A document of the closing file, for one item of the case's checklist, by the handling provider
    while the case is handled or its report reviewed. Checked like every upload (type, content, size)."""
    _locked(application)
    assignment = _require_handling_provider(acting_user, application)
    if application.status != Status.TERMINATED:
        require_status(application, CLOSING_FILE_STATUSES)
    elif not closing_file_open(application):
        raise Conflict(_("The report of the work on this case has been accepted: its file is complete."))
    report = ClosingReport.objects.filter(assignment=assignment).first()
    stage = report.stage if report else default_stage(assignment.aid_form)
    codes = {
        line.code for line in closing.checklist_for(application, aid_form=assignment.aid_form, stage=stage)
    }
    if item not in codes:
        raise ValidationError({"item": [_("Choose an item of this case's closing file.")]})
    checked = checked_upload(upload)
    if application.uploads.exclude(closing_item="").count() >= MAX_CLOSING_DOCUMENTS:
        raise ValidationError(
            {
                "file": [
                    _("A closing file can have at most %(count)s files.") % {"count": MAX_CLOSING_DOCUMENTS}
                ]
            }
        )
    document = ApplicationDocument(
        application=application,
        stored_name=f"{uuid.uuid4().hex}.{checked.extension}",
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        closing_item=item,
        uploaded_by=acting_user,
    )
    document.file.save(document.stored_name, upload, save=False)
    document.full_clean(exclude=["application", "uploaded_by"])
    document.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.APPLICATION_DOCUMENT_ADD,
        obj=application,
        new={"document": document.pk, "closing_item": item, "size": document.size},
    )
    return document
