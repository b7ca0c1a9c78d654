"""Termination of legal aid by the center (Legal Aid Law Art 48), on any of its grounds.

A refused review after provisional aid terminates through ``review_confirm``; this is the center's
own decision on an approved case, with written reasons. The termination letter and the objection
route (Art 49) follow it; an objection found right revokes the termination (``objection_decide``).
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.errors import Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.selectors import bureau_for_region
from directory.services import audit_record

from ..choices import Status, TerminationGround
from ..models import Application, Termination
from ..selectors import user_decides_for
from .recusal import require_not_recused
from .status import application_lock, application_set_status, require_reason, require_status

# The grounds the center decides on (Art 48); a refused provisional review has its own task.
TERMINATION_GROUNDS = [g for g in TerminationGround if g != TerminationGround.PROVISIONAL_REFUSED]
# Approved and not yet closed: before assignment, while it is offered, while the provider handles it.
TERMINABLE = (Status.APPROVED, Status.ASSIGNING, Status.ASSIGNED, Status.IN_PROGRESS)
# Art 64: obtaining aid by deception or false evidence is for the judicial bureau to punish; the
# center refers it, and the engine records the referral (it never levies the fine).
FRAUD_GROUNDS = (TerminationGround.DECEPTION, TerminationGround.FALSE_EVIDENCE)


def may_terminate(user: AbstractBaseUser, application: Application) -> bool:
    """The handling center's reviewers and directors decide a termination."""
    return user_decides_for(user, application)


def termination_possible(*, user: AbstractBaseUser, application: Application) -> bool:
    """Whether the page should offer ``user`` the termination form now."""
    return application.status in TERMINABLE and may_terminate(user, application)


@service_transaction()
def application_terminate(
    *, acting_user: AbstractBaseUser, application: Application, ground: str, reason: str
) -> Termination:
    """Terminate the aid of an approved case (Art 48), with the ground and written reasons.

    403 for anyone but the handling center's reviewers and directors; 409 when the case is not
    approved and active (closed, or already terminated), or for the one who filed it or is a party to
    it; 400 for a ground Art 48 does not name or missing reasons. The application is re-read under
    its row lock. Provisional aid awaiting its confirming review ends too: there is nothing left to
    confirm. A fraud ground records a referral to the bureau (Art 64).
    """
    application_lock(application)
    if not may_terminate(acting_user, application):
        raise Forbidden(_("Only the center's reviewers and directors decide to terminate legal aid."))
    require_not_recused(acting_user, application)
    require_status(application, TERMINABLE)
    if ground not in [g.value for g in TERMINATION_GROUNDS]:
        raise ValidationError({"ground": [_("Choose a ground of Article 48.")]})
    termination = Termination(
        application=application,
        ground=ground,
        reason=require_reason(reason),
        decided_by=acting_user,
    )
    termination.full_clean(exclude=["application", "decided_by"])
    termination.save()
    if application.provisional:
        application.provisional = False
        application.save(update_fields=["provisional", "updated_at"])
    if ground in FRAUD_GROUNDS:
        audit_record(
            actor=acting_user,
            action=AuditAction.FRAUD_REFERRAL,
            obj=application,
            new={
                "termination": termination.pk,
                "ground": ground,
                "bureau": bureau_for_region(application.region).pk,
            },
        )
    application_set_status(
        acting_user=acting_user,
        application=application,
        status=Status.TERMINATED,
        action=AuditAction.APPLICATION_TERMINATE,
        detail={"termination": termination.pk, "ground": ground},
    )
    return termination
