"""Writes for fee waivers (docs/domain.md, fee waivers): keyword-only, one transaction, an audit row each.

Every rule of a fee line has its home here: who may ask, on which cases, what a treatment needs, and
that the amounts add up (``waived = standard − charged``, never above the standard fee). The API's
serializers and the site's forms only parse; money arrives as text or ``Decimal`` (never a float) and
is read here, so a bad amount is the same 400 with the same message wherever it comes from.

The audit rows of a waiver are written on its case (with the waiver's id): the case's timeline shows
every fee line, and a waiver's own history is the case's rows that name it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from aid_cases.choices import Channel, Status
from aid_cases.models import Application
from aid_cases.selectors import user_decides_for
from aid_cases.services.public_interest import filing_procuratorate
from aid_cases.services.recusal import require_not_recused
from aid_cases.services.status import application_lock
from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import OrganisationKind
from directory.models import Organisation
from directory.services import audit_record
from documents.models import IssuedDocument

from .choices import INSTITUTION_KIND_FOR, NotarisationStatus, Treatment, WaiverKind, WaiverStatus
from .models import FeeWaiver, PublicInterestNotarisation
from .selectors import user_handles_waivers_of, user_notary_office, user_verifies_notarisations_of

# An approved case still being handled: before assignment, while offered, handled, or closing. A
# refused, withdrawn, terminated or closed case gets no waiver (409).
WAIVABLE = (Status.APPROVED, Status.ASSIGNING, Status.ASSIGNED, Status.IN_PROGRESS, Status.CLOSING)
MAX_FEE = Decimal("9999999999.99")  # the column's 12 digits
TEXT_MAX = 200
REASON_MAX = 2000
EARLIEST = datetime.date(2022, 1, 1)  # the Legal Aid Law's first day: nothing earlier is a typing error


# --- parsing the values every write shares -------------------------------------------------------


def money(value: Any, field: str, errors: dict[str, list[str]], *, required: bool = True) -> Decimal | None:
    """An amount in yuan with at most two decimals, from text or a ``Decimal`` (a float is refused:
    0.1 + 0.2 is not 0.3); a problem goes into ``errors`` under ``field``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = [_("Give the amount in yuan, e.g. 2500.00.")]
        return None
    if isinstance(value, float | bool):
        errors[field] = [_('Give the amount in yuan as text, e.g. "2500.00".')]
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errors[field] = [_("Give the amount in yuan, e.g. 2500.00.")]
        return None
    if not amount.is_finite():
        errors[field] = [_("Give the amount in yuan, e.g. 2500.00.")]
        return None
    if amount < 0:
        errors[field] = [_("An amount cannot be negative.")]
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors[field] = [_("At most two decimals (fen).")]
        return None
    if amount > MAX_FEE:
        errors[field] = [_("The amount is too large.")]
        return None
    return amount.quantize(Decimal("0.01"))


def _text(value: Any) -> str:
    return str(value or "").strip()


def _limited(
    value: Any, field: str, errors: dict[str, list[str]], *, maximum: int, required_message: str | None
):
    text = _text(value)
    if not text and required_message:
        errors[field] = [required_message]
    elif len(text) > maximum:
        errors[field] = [_("At most %(max)s characters.") % {"max": maximum}]
    return text


def _reasons(value: Any, errors: dict[str, list[str]], *, required: bool) -> str:
    """Written reasons: required to refuse or reject, never longer than the law's reasons may be."""
    return _limited(
        value,
        "reason",
        errors,
        maximum=REASON_MAX,
        required_message=_("Give the reasons.") if required else None,
    )


def _audit(acting_user: AbstractBaseUser | None, action: AuditAction, waiver: FeeWaiver, **new: Any) -> None:
    audit_record(
        actor=acting_user,
        action=action,
        obj=waiver.application,
        new={
            "waiver": waiver.pk,
            **{k: (str(v) if isinstance(v, Decimal | datetime.date) else v) for k, v in new.items()},
        },
    )


# --- who may ask ---------------------------------------------------------------------------------


def may_request_waiver(user: AbstractBaseUser, application: Application) -> bool:
    """The provider handling the case, the handling center's reviewers and directors, and for a
    public-interest case the procuratorate that filed it."""
    if not user.is_authenticated:
        return False
    if application.provider_id and application.provider.user_id == user.pk:
        return True
    if user_decides_for(user, application):
        return True
    if application.channel == Channel.PUBLIC_INTEREST:
        procuratorate = filing_procuratorate(user)
        filing = getattr(application, "public_interest_filing", None)
        return procuratorate is not None and filing is not None and filing.agency_id == procuratorate.pk
    return False


def waiver_request_possible(*, user: AbstractBaseUser, application: Application) -> bool:
    """Whether a page should offer ``user`` the fee-waiver form on this case now."""
    return application.status in WAIVABLE and may_request_waiver(user, application)


# --- the request, the review, the institution's answer, the judgment ------------------------------


@service_transaction()
def waiver_request(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    kind: Any,
    institution_id: Any,
    service: Any,
    standard_fee: Any,
    treatment: Any,
    requested_fee: Any = None,
    deferred_payer: Any = "",
) -> FeeWaiver:
    """Ask an institution to waive, reduce or defer a fee for the case (docs/domain.md, fee waivers).

    403 for anyone but the handling provider, the center's reviewers and directors (and the filing
    procuratorate of a public-interest case); 400, nothing saved, for bad input — an amount that is
    not one, a reduce without the reduced fee, an unknown institution or one of the wrong kind for the
    fee; 409 when the case is not approved and still handled. Any institution of the city may be
    chosen, whatever the case's region (the seed opens notary practice across the city).
    """
    application_lock(application)
    if not may_request_waiver(acting_user, application):
        raise Forbidden(
            _("Only the provider handling the case and the center's reviewers ask for a fee waiver.")
        )
    errors: dict[str, list[str]] = {}
    kind = _text(kind)
    if kind not in WaiverKind.values:
        errors["kind"] = [_("Choose notarisation, forensic appraisal or litigation fee.")]
    institution = None
    try:
        institution = Organisation.objects.select_related("region").get(pk=int(institution_id), active=True)
    except (TypeError, ValueError, Organisation.DoesNotExist):
        errors["institution_id"] = [_("Choose an institution from the directory.")]
    if (
        institution is not None
        and kind in WaiverKind.values
        and institution.kind != INSTITUTION_KIND_FOR[kind]
    ):
        errors["institution_id"] = [
            _("%(institution)s does not charge a %(fee)s: choose a %(kind)s.")
            % {
                "institution": institution.name,
                "fee": WaiverKind(kind).label,
                "kind": OrganisationKind(INSTITUTION_KIND_FOR[kind]).label,
            }
        ]
    service = _limited(
        service, "service", errors, maximum=TEXT_MAX, required_message=_("Name the service needed.")
    )
    standard = money(standard_fee, "standard_fee", errors)
    if standard is not None and standard == 0:
        errors["standard_fee"] = [_("A standard fee of 0 leaves nothing to waive.")]
    treatment = _text(treatment)
    if treatment not in Treatment.values:
        errors["treatment"] = [_("Choose waive, reduce or defer.")]
    reduced = money(requested_fee, "requested_fee", errors, required=treatment == Treatment.REDUCE)
    if treatment == Treatment.REDUCE and reduced is not None and standard is not None and reduced >= standard:
        errors["requested_fee"] = [_("The reduced fee must be below the standard fee.")]
    if treatment != Treatment.REDUCE and reduced is not None:
        errors["requested_fee"] = [_("Only a reduction has a reduced fee.")]
    payer = _limited(deferred_payer, "deferred_payer", errors, maximum=TEXT_MAX, required_message=None)
    if payer and treatment != Treatment.DEFER:
        errors["deferred_payer"] = [_("Only a deferral has someone who pays later.")]
    if errors:
        raise ValidationError(errors)
    if application.status not in WAIVABLE:
        raise Conflict(
            _("The case is %(status)s: a fee waiver is only for an approved case still being handled.")
            % {"status": application.get_status_display()}
        )
    waiver = FeeWaiver(
        application=application,
        kind=kind,
        institution=institution,
        service=service,
        standard_fee=standard,
        treatment_requested=treatment,
        requested_fee=reduced,
        deferred_payer=payer,
        requested_by=acting_user,
    )
    waiver.full_clean(exclude=["application", "institution", "requested_by"])
    waiver.save()
    _audit(
        acting_user,
        AuditAction.WAIVER_REQUEST,
        waiver,
        kind=kind,
        institution=institution.pk,
        service=service,
        standard_fee=standard,
        treatment=treatment,
    )
    return waiver


def _locked(waiver: FeeWaiver) -> tuple[FeeWaiver, Application]:
    """The waiver and its case, re-read under their row locks (the case first, as every step of it)."""
    application = Application.objects.select_for_update().get(pk=waiver.application_id)
    fresh = (
        FeeWaiver.objects.select_for_update()
        .select_related("institution", "institution__region")
        .get(pk=waiver.pk)
    )
    fresh.application = application
    return fresh, application


def _require_waiver_status(waiver: FeeWaiver, allowed: tuple[str, ...]) -> None:
    if waiver.status not in allowed:
        raise Conflict(
            _("The fee waiver is %(status)s: this action is not possible now.")
            % {"status": waiver.get_status_display()}
        )


@service_transaction()
def waiver_review(
    *,
    acting_user: AbstractBaseUser,
    waiver: FeeWaiver,
    approve: bool,
    treatment: Any = "",
    approved_fee: Any = None,
    reason: Any = "",
) -> FeeWaiver:
    """The case's center approves (with the treatment it grants) or refuses (with reasons) the request.

    403 for anyone but the center's reviewers and directors; 409 for the one who filed the case or is
    a party to it, when the waiver is no longer awaiting review, or for an approval when the case has
    meanwhile been refused, terminated or closed. A public-interest case's forensic fee is deferred
    until judgment.
    """
    waiver, application = _locked(waiver)
    if not user_decides_for(acting_user, application):
        raise Forbidden(_("Only the center's reviewers and directors review a fee waiver."))
    require_not_recused(acting_user, application)
    _require_waiver_status(waiver, (WaiverStatus.REQUESTED,))
    errors: dict[str, list[str]] = {}
    reason = _reasons(reason, errors, required=not approve)
    if approve:
        treatment = _text(treatment) or waiver.treatment_requested
        if treatment not in Treatment.values:
            errors["treatment"] = [_("Choose waive, reduce or defer.")]
        if treatment == Treatment.REDUCE:
            fee = money(
                approved_fee if approved_fee not in (None, "") else waiver.requested_fee,
                "approved_fee",
                errors,
            )
            if fee is not None and fee >= waiver.standard_fee:
                errors["approved_fee"] = [_("The reduced fee must be below the standard fee.")]
        else:
            fee = None
            if approved_fee not in (None, ""):
                errors["approved_fee"] = [_("Only a reduction has a reduced fee.")]
        if (
            application.channel == Channel.PUBLIC_INTEREST
            and waiver.kind == WaiverKind.FORENSIC
            and treatment != Treatment.DEFER
        ):
            errors["treatment"] = [
                _(
                    "The forensic fee of the procuratorate's public-interest litigation is deferred until judgment."
                )
            ]
    if errors:
        raise ValidationError(errors)
    # A case refused, terminated or closed meanwhile gets no letter; the request can still be refused,
    # so that it does not wait in the center's queue forever.
    if approve and application.status not in WAIVABLE:
        raise Conflict(
            _("The case is %(status)s: a fee waiver is only for an approved case still being handled.")
            % {"status": application.get_status_display()}
        )
    waiver.reviewed_by = acting_user
    waiver.reviewed_at = timezone.now()
    waiver.review_reason = reason
    if approve:
        waiver.status = WaiverStatus.APPROVED
        waiver.treatment = treatment
        waiver.approved_fee = fee
    else:
        waiver.status = WaiverStatus.REFUSED
    waiver.full_clean(exclude=["application", "institution", "requested_by", "reviewed_by", "letter"])
    waiver.save()
    _audit(
        acting_user,
        AuditAction.WAIVER_APPROVE if approve else AuditAction.WAIVER_REFUSE,
        waiver,
        treatment=waiver.treatment,
        approved_fee=waiver.approved_fee,
    )
    return waiver


def waiver_letter_record(*, waiver: FeeWaiver, letter: IssuedDocument) -> None:
    """Keep the handoff letter with the waiver (the document's own row is its audit)."""
    waiver.letter = letter
    FeeWaiver.objects.filter(pk=waiver.pk).update(letter=letter)


@service_transaction()
def waiver_confirm(
    *,
    acting_user: AbstractBaseUser,
    waiver: FeeWaiver,
    charged_fee: Any,
    waived_amount: Any,
    deferred_payer: Any = "",
    deferred_until: datetime.date | None = None,
    deferred_until_judgment: bool = False,
) -> FeeWaiver:
    """The institution records what it charged and waived — or, for a deferral, who pays and when.

    ``waived_amount`` must be ``standard_fee − charged_fee`` to the fen; a waiver charges nothing, a
    reduction no more than the fee the center approved; a deferral needs its payer and either a date
    or the judgment. 403 for anyone but the staff of the institution addressed; 409 unless the center
    approved the waiver and the institution has not answered yet.
    """
    waiver, application = _locked(waiver)
    if not user_handles_waivers_of(acting_user, waiver.institution_id):
        raise Forbidden(_("Only the staff of the institution addressed record its fee."))
    _require_waiver_status(waiver, (WaiverStatus.APPROVED,))
    errors: dict[str, list[str]] = {}
    charged = money(charged_fee, "charged_fee", errors)
    waived = money(waived_amount, "waived_amount", errors)
    if charged is not None and charged > waiver.standard_fee:
        errors["charged_fee"] = [
            _("The fee charged cannot be above the standard fee of %(fee)s yuan.")
            % {"fee": waiver.standard_fee}
        ]
    elif charged is not None and waived is not None and waived != waiver.standard_fee - charged:
        errors["waived_amount"] = [
            _("The amount waived is the standard fee minus the fee charged: %(amount)s yuan.")
            % {"amount": waiver.standard_fee - charged}
        ]
    if charged is not None and "charged_fee" not in errors:
        if waiver.treatment == Treatment.WAIVE and charged != 0:
            errors["charged_fee"] = [_("The fee is waived: nothing is charged.")]
        elif waiver.treatment == Treatment.REDUCE and charged > waiver.approved_fee:
            errors["charged_fee"] = [
                _("The center approved a reduced fee of %(fee)s yuan: no more may be charged.")
                % {"fee": waiver.approved_fee}
            ]
    payer = _limited(deferred_payer, "deferred_payer", errors, maximum=TEXT_MAX, required_message=None)
    if waiver.treatment == Treatment.DEFER:
        payer = payer or waiver.deferred_payer
        if not payer:
            errors["deferred_payer"] = [_("Name who pays the deferred fee.")]
        if bool(deferred_until) == bool(deferred_until_judgment):
            errors["deferred_until"] = [_("Give either the date the fee is deferred to, or the judgment.")]
        elif deferred_until and deferred_until < timezone.localdate():
            errors["deferred_until"] = [_("The date the fee is deferred to cannot be in the past.")]
    elif payer or deferred_until or deferred_until_judgment:
        errors["deferred_payer"] = [_("Only a deferred fee has someone who pays later and a date.")]
    if errors:
        raise ValidationError(errors)
    waiver.charged_fee = charged
    waiver.waived_amount = waived
    waiver.confirmed_by = acting_user
    waiver.confirmed_at = timezone.now()
    if waiver.treatment == Treatment.DEFER:
        waiver.status = WaiverStatus.DEFERRED
        waiver.deferred_payer = payer
        waiver.deferred_until = deferred_until
        waiver.deferred_until_judgment = bool(deferred_until_judgment)
    else:
        waiver.status = WaiverStatus.COMPLETED
    waiver.full_clean(
        exclude=["application", "institution", "requested_by", "reviewed_by", "confirmed_by", "letter"]
    )
    waiver.save()
    _audit(
        acting_user,
        AuditAction.WAIVER_DEFER if waiver.status == WaiverStatus.DEFERRED else AuditAction.WAIVER_CONFIRM,
        waiver,
        charged_fee=charged,
        waived_amount=waived,
        deferred_payer=waiver.deferred_payer,
        deferred_until=waiver.deferred_until,
        deferred_until_judgment=waiver.deferred_until_judgment,
    )
    return waiver


@service_transaction()
def waiver_judgment_record(
    *, acting_user: AbstractBaseUser, waiver: FeeWaiver, date: datetime.date | None, losing_party: Any
) -> FeeWaiver:
    """The judgment settles a fee deferred until it on the losing party, and closes the deferral.

    403 for anyone but the case's center's reviewers and directors; 409 unless the fee is deferred
    until judgment and not settled yet; 400 for a date in the future or before the request, or no
    losing party.
    """
    waiver, application = _locked(waiver)
    if not user_decides_for(acting_user, application):
        raise Forbidden(_("Only the center's reviewers and directors record the judgment."))
    if waiver.status != WaiverStatus.DEFERRED or not waiver.deferred_until_judgment:
        raise Conflict(_("Only a fee deferred until the judgment is settled by it."))
    errors: dict[str, list[str]] = {}
    if date is None:
        errors["date"] = [_("Give the date of the judgment.")]
    elif date > timezone.localdate():
        errors["date"] = [_("The judgment cannot be dated in the future.")]
    elif date < timezone.localdate(waiver.requested_at):
        errors["date"] = [_("The judgment cannot be dated before the fee waiver was asked for.")]
    losing = _limited(
        losing_party, "losing_party", errors, maximum=TEXT_MAX, required_message=_("Name the losing party.")
    )
    if errors:
        raise ValidationError(errors)
    waiver.judgment_on = date
    waiver.losing_party = losing
    waiver.deferred_payer = losing  # the judgment decides who bears it: the losing party
    waiver.status = WaiverStatus.SETTLED
    waiver.settled_by = acting_user
    waiver.settled_at = timezone.now()
    waiver.save(
        update_fields=["judgment_on", "losing_party", "deferred_payer", "status", "settled_by", "settled_at"]
    )
    _audit(acting_user, AuditAction.WAIVER_SETTLE, waiver, judgment_on=date, losing_party=losing)
    return waiver


# --- a notary office's other public-interest notarisations ----------------------------------------


@service_transaction()
def notarisation_log(
    *,
    acting_user: AbstractBaseUser,
    date: datetime.date | None,
    matter: Any,
    beneficiary: Any,
    description: Any = "",
) -> PublicInterestNotarisation:
    """A notary office logs a public-interest notarisation for the judicial bureau to verify."""
    office = user_notary_office(acting_user)
    if office is None:
        raise Forbidden(_("Only the staff of a notary office log public-interest notarisations."))
    errors: dict[str, list[str]] = {}
    if date is None:
        errors["date"] = [_("Give the date of the notarisation.")]
    elif date > timezone.localdate():
        errors["date"] = [_("The date cannot be in the future.")]
    elif date < EARLIEST:
        errors["date"] = [_("The date cannot be before %(date)s.") % {"date": EARLIEST.isoformat()}]
    matter = _limited(
        matter, "matter", errors, maximum=TEXT_MAX, required_message=_("Name the matter notarised.")
    )
    beneficiary = _limited(
        beneficiary, "beneficiary", errors, maximum=TEXT_MAX, required_message=_("Say for whom.")
    )
    description = _limited(description, "description", errors, maximum=REASON_MAX, required_message=None)
    if errors:
        raise ValidationError(errors)
    row = PublicInterestNotarisation(
        institution=office,
        date=date,
        matter=matter,
        beneficiary=beneficiary,
        description=description,
        logged_by=acting_user,
    )
    row.full_clean(exclude=["institution", "logged_by"])
    row.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.NOTARISATION_LOG,
        obj=row,
        new={"institution": office.pk, "date": date.isoformat(), "matter": matter},
    )
    return row


@service_transaction()
def notarisation_verify(
    *,
    acting_user: AbstractBaseUser,
    notarisation: PublicInterestNotarisation,
    approve: bool,
    reason: Any = "",
) -> PublicInterestNotarisation:
    """The judicial bureau over the notary office verifies a logged notarisation, or rejects it with
    reasons; only verified ones count toward the office's annual duty."""
    row = (
        PublicInterestNotarisation.objects.select_for_update()
        .select_related("institution", "institution__region")
        .get(pk=notarisation.pk)
    )
    if not user_verifies_notarisations_of(acting_user, row.institution):
        raise Forbidden(_("Only the judicial bureau over the notary office verifies its notarisations."))
    if row.status != NotarisationStatus.PENDING:
        raise Conflict(_("This notarisation has already been verified or rejected."))
    errors: dict[str, list[str]] = {}
    reason = _reasons(reason, errors, required=not approve)
    if errors:
        raise ValidationError(errors)
    old = row.status
    row.status = NotarisationStatus.VERIFIED if approve else NotarisationStatus.REJECTED
    row.reason = reason
    row.verified_by = acting_user
    row.verified_at = timezone.now()
    row.save(update_fields=["status", "reason", "verified_by", "verified_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.NOTARISATION_VERIFY if approve else AuditAction.NOTARISATION_REJECT,
        obj=row,
        old={"status": old},
        new={"status": row.status, "reason": reason},
    )
    return row
