"""The subsidy ledger (Art 52): what is owed for a closed case, its approval and its payment, and the
one action that carries a period's whole table of standards into the next period.

A subsidy is computed once, when the center accepts the closing file (Art 50: none without it), from
the standard in force on that day (``assignments.subsidy``). It then moves owed → approved → paid.
No tax is withheld: the amounts are what the standard says (docs/domain.md, subsidies).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.services import audit_record

from ..choices import CaseOutcome, PaymentStatus
from ..models import Assignment, ClosingReport, SubsidyPayment, SubsidyStandard
from ..subsidy import subsidy_quote

# Foreign keys the services take from rows already read: checking them again costs a query each.
_PAYMENT_KEYS = ["assignment", "application", "provider", "organisation", "standard"]


@service_transaction()
def subsidy_record(
    *,
    acting_user: AbstractBaseUser | None,
    assignment: Assignment,
    day: datetime.date,
    terminated: bool = False,
    report: ClosingReport | None = None,
    revise_owed: bool = False,
) -> SubsidyPayment:
    """Write the ledger row of ``assignment``: the subsidy owed from ``day`` (the closure approval date).

    The stage comes from the closing report, the form of aid and cross-region work from the
    assignment; ``terminated`` applies the share paid when the aid ended early. 409 unless the
    closing report exists and was accepted (Art 50), or when the assignment has its row already;
    400 when no standard is in force for the case on ``day`` (the center must add one). The
    assignment is re-read under its row lock, so two closures cannot both record it. ``report``: the
    closing report as the caller holds it under the application's lock (the closure's review), which
    saves reading it again. ``revise_owed``: a row still owed is computed again in place rather than
    refused (the share of a termination that was later revoked, now that the case closes). Audited on
    the payment (money owed to a provider is not on the case's timeline, which the applicant reads).
    """
    locked = Assignment.objects.select_for_update().select_related("application").get(pk=assignment.pk)
    if report is None or report.assignment_id != locked.pk:
        report = ClosingReport.objects.filter(assignment=locked).only("approved", "stage").first()
    if report is None or report.approved is not True:
        raise Conflict(_("No subsidy is payable before the center has accepted the closing file (Art 50)."))
    existing = SubsidyPayment.objects.filter(assignment=locked).first()
    if existing is not None and not (revise_owed and existing.status == PaymentStatus.OWED):
        raise Conflict(_("The subsidy of this assignment has been recorded already."))
    application = locked.application
    quote = subsidy_quote(
        application=application,
        aid_form=locked.aid_form,
        stage=report.stage,
        cross_region=locked.cross_region,
        terminated=terminated,
        day=day,
    )
    if quote is None:
        raise ValidationError(
            _(
                "No subsidy standard is in force on %(day)s for this region, matter category, form "
                "of aid and stage: add one to the subsidy standards, then record the subsidy."
            ),
            code="no_subsidy_standard",
            params={"day": day.isoformat()},
        )
    payment = existing or SubsidyPayment(
        assignment=locked,
        application=application,
        provider_id=locked.provider_id,
        organisation_id=locked.organisation_id,
    )
    previous = str(payment.amount) if existing else None
    payment.standard = quote.standard
    payment.base_amount = quote.base_amount
    payment.factors = [[kind, str(factor)] for kind, factor in quote.factors]
    payment.amount = quote.amount
    payment.status = PaymentStatus.OWED
    payment.owed_on = day
    # the database enforces the check constraint; validating it here would cost a query in a savepoint
    payment.full_clean(exclude=_PAYMENT_KEYS, validate_unique=False, validate_constraints=False)
    payment.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.SUBSIDY_OWED,
        # on the payment, not the case: the case's timeline is the applicant's, and money owed to the
        # provider is not theirs to read
        obj=payment,
        old={"amount": previous} if previous else None,
        new={
            "amount": str(payment.amount),
            "standard": quote.standard.pk,
            "payment": payment.pk,
            "assignment": locked.pk,
            "factors": payment.factors,
        },
    )
    return payment


def _locked(payment: SubsidyPayment) -> SubsidyPayment:
    return SubsidyPayment.objects.select_for_update().get(pk=payment.pk)


def _copy_state(target: SubsidyPayment, source: SubsidyPayment) -> None:
    target.status, target.approved_on = source.status, source.approved_on
    target.paid_on, target.payment_reference = source.paid_on, source.payment_reference


def subsidy_record_for_closure(
    *, acting_user: AbstractBaseUser | None, report: ClosingReport
) -> SubsidyPayment:
    """The subsidy of a case closed while no standard applied, recorded once one is added: at the
    standard in force on the closure day (the day the report was accepted), as at the closure; for the
    report of the work on a terminated case, at the termination's share."""
    day = timezone.localtime(report.reviewed_at).date() if report.reviewed_at else timezone.localdate()
    return subsidy_record(
        acting_user=acting_user,
        assignment=report.assignment,
        day=day,
        report=report,
        terminated=report.outcome == CaseOutcome.TERMINATED,
    )


@service_transaction()
def payment_approve(*, acting_user: AbstractBaseUser | None, payment: SubsidyPayment) -> SubsidyPayment:
    """Approve an owed subsidy for payment, today. 409 unless it is owed."""
    locked = _locked(payment)
    if locked.status != PaymentStatus.OWED:
        raise Conflict(_("Only an owed subsidy can be approved for payment."))
    locked.status = PaymentStatus.APPROVED
    locked.approved_on = timezone.localdate()
    locked.save(update_fields=["status", "approved_on"])
    audit_record(
        actor=acting_user,
        action=AuditAction.SUBSIDY_APPROVE,
        obj=locked,
        old={"status": PaymentStatus.OWED.value},
        new={"status": locked.status, "approved_on": locked.approved_on.isoformat()},
    )
    _copy_state(payment, locked)
    return locked


@service_transaction()
def payment_mark_paid(
    *,
    acting_user: AbstractBaseUser | None,
    payment: SubsidyPayment,
    paid_on: datetime.date,
    reference: str,
) -> SubsidyPayment:
    """Record the payment of an approved subsidy: the day it was paid and the transfer's reference.

    409 unless it is approved; 400 for a day before the approval or after today, or a reference
    longer than the ledger holds.
    """
    locked = _locked(payment)
    if locked.status != PaymentStatus.APPROVED:
        raise Conflict(_("Only a subsidy approved for payment can be marked paid."))
    if paid_on is None:
        raise ValidationError({"paid_on": [_("Give the day the subsidy was paid.")]})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("The payment day cannot be in the future.")]})
    if locked.approved_on and paid_on < locked.approved_on:
        raise ValidationError({"paid_on": [_("The payment day cannot be before the approval.")]})
    locked.status = PaymentStatus.PAID
    locked.paid_on = paid_on
    locked.payment_reference = (reference or "").strip()
    locked.full_clean(exclude=_PAYMENT_KEYS, validate_unique=False)
    locked.save(update_fields=["status", "paid_on", "payment_reference"])
    audit_record(
        actor=acting_user,
        action=AuditAction.SUBSIDY_PAY,
        obj=locked,
        old={"status": PaymentStatus.APPROVED.value},
        new={"status": locked.status, "paid_on": paid_on.isoformat(), "reference": locked.payment_reference},
    )
    _copy_state(payment, locked)
    return locked


def _key(row: SubsidyStandard) -> tuple:
    return tuple(getattr(row, f"{name}_id" if name == "region" else name) for name in row.rule_key_fields)


@service_transaction()
def subsidy_standards_copy(
    *,
    acting_user: AbstractBaseUser | None,
    source_day: datetime.date,
    valid_from: datetime.date,
    note: str = "",
) -> int:
    """Carry the whole table of standards in force on ``source_day`` into a period from ``valid_from``.

    Each row in force on ``source_day`` ends the day before ``valid_from`` (unless it ends earlier
    already) and a copy with the same key and amount is valid from ``valid_from``, open-ended, with
    ``note`` (or the row's own note when none is given) and the row's demo flag. The center then
    edits the amounts that change. 400 when no row is in force on ``source_day``, when ``valid_from``
    is not after every such row's start, or when any row starts on ``valid_from`` or later, or
    would overlap a copy (the new period has been set up already, in whole or in part). Returns the
    number of rows copied.
    """
    note = (note or "").strip()
    source = list(
        SubsidyStandard.objects.select_for_update()
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=source_day), valid_from__lte=source_day)
        .order_by("pk")
    )
    if not source:
        raise ValidationError(
            {
                "source_day": [
                    _("No subsidy standard is in force on %(day)s.") % {"day": source_day.isoformat()}
                ]
            }
        )
    latest_start = max(row.valid_from for row in source)
    if valid_from <= latest_start:
        raise ValidationError(
            {
                "valid_from": [
                    _("The new period must start after %(day)s, when the rows copied came into force.")
                    % {"day": latest_start.isoformat()}
                ]
            }
        )
    source_ids = [row.pk for row in source]
    keys = {_key(row) for row in source}
    # Every other row still in force on or after valid_from: one starting there or later means
    # the new period exists already; one of a copied key would overlap its copy.
    later = (
        SubsidyStandard.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
        .exclude(pk__in=source_ids)
        .only("valid_from", *SubsidyStandard.rule_key_fields)
    )
    if any(row.valid_from >= valid_from or _key(row) in keys for row in later):
        raise ValidationError(
            {
                "valid_from": [
                    _("Subsidy standards already exist from %(day)s: edit those rather than copying again.")
                    % {"day": valid_from.isoformat()}
                ]
            }
        )
    day_before = valid_from - datetime.timedelta(days=1)
    SubsidyStandard.objects.filter(pk__in=source_ids).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day_before)
    ).update(valid_to=day_before)
    copies = [
        SubsidyStandard(
            region_id=row.region_id,
            matter_category=row.matter_category,
            aid_form=row.aid_form,
            stage=row.stage,
            amount=row.amount,
            valid_from=valid_from,
            valid_to=None,
            is_demo=row.is_demo,
            note=note or row.note,
        )
        for row in source
    ]
    for row in copies:
        # The overlap check of EffectiveDatedRule.clean() was made above for all rows in one query.
        row.clean_fields(exclude=["region"])
    created = SubsidyStandard.objects.bulk_create(copies)
    # bulk_create sets the primary keys on PostgreSQL and on SQLite ≥ 3.35 alike.
    first = created[0]
    audit_record(
        actor=acting_user,
        action=AuditAction.SUBSIDY_STANDARDS_COPY,
        obj=first,
        new={
            "count": len(created),
            "source_day": source_day.isoformat(),
            "valid_from": valid_from.isoformat(),
            "closed_on": day_before.isoformat(),
            "note": note,
        },
    )
    return len(created)
