"""Transferring an application to the competent center (Legal Aid Law Art 38; 市域通办).

A citizen may apply at any center of the city (``intake.receiving_center``). The center holding an
application it is not competent for passes it on, with a reason, to the competent center: the
center of the region where the handling agency sits or the dispute arose (``Application.region``).
It may not refuse it for that reason alone (``review.review_refuse``). A reviewer may also transfer
an application their center is competent for, with a reason: the receiving center then becomes
competent, as the application's region becomes that center's.

The application keeps its tracking number and its first receipt (``received_on``); the review period
runs on from the first receipt unless the period rule in force says a transfer restarts it
(``PeriodRule.transfer_restarts_review``). The workflow step (``workflows.transfers``) moves the
review task and issues the transfer letter with this service, all or nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import OrganisationKind
from directory.models import Organisation
from directory.services import audit_record

from .. import means, rules, selectors
from ..choices import REVIEWABLE_STATUSES
from ..models import Application, ApplicationTransfer
from ..models.transfers import TRANSFER_REASON_MAX
from .intake import MatterData, means_for
from .status import require_status

__all__ = ["application_transfer", "transfer_possible"]


def transfer_possible(*, user: AbstractBaseUser, application: Application) -> bool:
    """Whether ``user`` may transfer ``application`` now: a reviewer or director of the center holding
    it, while its review is open (the page offers the form only then)."""
    return application.status in REVIEWABLE_STATUSES and selectors.user_decides_for(user, application)


def _target(to_center: Any, errors: dict[str, list[str]]) -> Organisation | None:
    """The active aid center named by ``to_center`` (an organisation or its id), or None with an error."""
    if to_center is None or to_center == "":
        errors["to_center"] = [_("Choose the legal aid center to transfer the application to.")]
        return None
    pk = to_center.pk if isinstance(to_center, Organisation) else to_center
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    target = (
        Organisation.objects.filter(pk=pk, kind=OrganisationKind.AID_CENTER, active=True)
        .select_related("region")
        .first()
        if pk is not None
        else None
    )
    if target is None:
        errors["to_center"] = [_("Unknown legal aid center.")]
    return target


def _means_again(application: Application) -> None:
    """The means test by the standard of the application's (new) region, in force on the day of the
    first receipt, as the filing judged it (intake.means_for)."""
    result, standard_row = means_for(
        region=application.region,
        on=application.received_on,
        categories=application.categories,
        matter=MatterData(
            category=application.matter_category,
            type=application.matter_type,
            summary=application.matter_summary,
            opposing_party=application.opposing_party,
        ),
        household=means.Household(
            size=application.household_size,
            monthly_income=application.monthly_income,
            assets=application.assets,
            fixed_income=application.fixed_income,
        ),
        id_number=application.applicant.id_number or None,
        defence_reason=application.defence_reason,
    )
    application.means_result = result.result.value
    application.means_reasons = [r.as_dict() for r in result.reasons]
    application.means_proof = result.proof_status.value
    application.means_proof_required = list(result.proof)
    application.economic_standard = standard_row


_MEANS_FIELDS = ("means_result", "means_reasons", "means_proof", "means_proof_required", "economic_standard")


@service_transaction()
def application_transfer(
    *, acting_user: AbstractBaseUser, application: Application, to_center: Any, reason: str | None
) -> ApplicationTransfer:
    """Transfer ``application`` to ``to_center`` (an aid center or its id), with the reason.

    Only a reviewer or director of the center holding it (403 for anyone else who sees it); only while
    it is ``submitted`` or ``under_review`` (409, read again under the row lock); another active aid
    center and a reason, else 400 and nothing saved. The application's region becomes the receiving
    center's; when that changes the region, the means test is taken again by the new region's
    standard. Writes the transfer row and an audit row on the application (its timeline).
    """
    if not selectors.user_decides_for(acting_user, application):
        raise Forbidden(
            _("Only a reviewer or the director of the center holding the application may transfer it.")
        )
    seen_center_id = application.center_id
    # read again under the application's row lock (only its row: not its center's, which every case
    # of the center shares), with what this service and the letter read of it
    application.refresh_from_db(
        from_queryset=Application.objects.select_for_update(of=("self",)).select_related(
            "center", "region", "applicant"
        )
    )
    if application.center_id != seen_center_id:
        # another transfer came first: the application is no longer this center's to pass on
        raise Conflict(_("The application has just been transferred to another center."))
    require_status(application, REVIEWABLE_STATUSES)

    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for the transfer.")]
    elif len(reason) > TRANSFER_REASON_MAX:
        errors["reason"] = [_("At most %(max)s characters.") % {"max": TRANSFER_REASON_MAX}]
    target = _target(to_center, errors)
    if target is not None and target.pk == application.center_id:
        errors["to_center"] = [_("The application is already at this center: choose another center.")]
    if errors or target is None:  # no center found is always among the errors
        raise ValidationError(errors)

    now = timezone.now()
    today = timezone.localdate(now)
    from_center, from_region = application.center, application.region
    old = {
        "center": from_center.pk,
        "region": from_region.code,
        "decision_due": application.decision_due.isoformat() if application.decision_due else None,
    }
    changed = ["center", "updated_at"]
    application.center = target
    if target.region_id != from_region.pk:
        old["means_result"] = application.means_result
        application.region = target.region
        _means_again(application)
        changed += ["region", *_MEANS_FIELDS]
    # The receiving center's rule in force today says whether the period starts again; by default it
    # runs on from the first receipt, whichever center received it.
    rule = rules.period_rule_in_force(application.region, today)
    if rule.transfer_restarts_review:
        application.decision_due = rules.due_date(start=today, days=rule.review_days, rule=rule)
        application.period_rule = rule if rule.pk else None
        changed += ["decision_due", "period_rule"]
    application.save(update_fields=changed)

    transfer = ApplicationTransfer(
        application=application,
        from_center=from_center,
        to_center=target,
        from_region=from_region,
        to_region=application.region,
        reason=reason,
        review_restarted=rule.transfer_restarts_review,
        decision_due=application.decision_due,
        transferred_by=acting_user,
        transferred_at=now,
    )
    # the objects this service holds are not read again to validate them, and its checks above are
    # the table's constraints
    transfer.full_clean(
        exclude=["application", "from_center", "to_center", "from_region", "to_region", "transferred_by"],
        validate_constraints=False,
    )
    transfer.save()
    new: dict[str, Any] = {
        "center": target.pk,
        "region": application.region.code,
        "decision_due": application.decision_due.isoformat() if application.decision_due else None,
        "transfer": transfer.pk,
    }
    if "means_result" in old:
        new["means_result"] = application.means_result
    audit_record(
        actor=acting_user, action=AuditAction.APPLICATION_TRANSFER, obj=application, old=old, new=new
    )
    return transfer
