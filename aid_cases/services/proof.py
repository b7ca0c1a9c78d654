"""The proof an exemption from the means test stands on (Art 42: 有材料证明).

An ``exempt`` result is recorded with the proof its rule rows name (``means_proof_required``) and
stays ``pending`` until the reviewer confirms the proof on the review page. Granting aid while it
is still pending needs written reasons.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from directory.audit import AuditAction
from directory.services import audit_record

from ..means import Proof
from ..models import Application
from .status import optional_text


def exemption_proof_settle(
    *, acting_user: AbstractBaseUser, application: Application, confirmed: bool, reason: str
) -> str:
    """On approval: record the reviewer's confirmation of the proof, or require reasons without it.

    Returns the reasons, stripped. Call inside the approving transaction.
    """
    reason = optional_text(reason)
    if application.means_proof != Proof.PENDING:
        return reason
    if confirmed:
        exemption_proof_confirm(acting_user=acting_user, application=application)
        return reason
    if not reason:
        raise ValidationError(
            {
                "reason": [
                    _(
                        "The proof of the exemption from the means test has not been confirmed: "
                        "confirm it, or give the reasons for granting aid without it."
                    )
                ]
            }
        )
    return reason


def exemption_proof_confirm(*, acting_user: AbstractBaseUser, application: Application) -> None:
    """The reviewer has seen the proof the exemption needs: the exemption stands."""
    if application.means_proof != Proof.PENDING:
        return
    application.means_proof = Proof.CONFIRMED
    application.save(update_fields=["means_proof", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.MEANS_PROOF_CONFIRM,
        obj=application,
        old={"means_proof": Proof.PENDING.value},
        new={"means_proof": Proof.CONFIRMED.value, "proof": application.means_proof_required},
    )
