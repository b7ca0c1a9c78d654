"""Public-interest service logs (docs/domain.md, annual duty): a lawyer logs the work, the aid center of
the lawyer's firm's region verifies it; only verified hours count toward the 50 hours of the year.

Writes are keyword-only, one transaction and an audit row each; the reads below apply who may see a
log: the lawyer who logged it and the staff of the center that verifies it, nobody else (not even the
lawyer's firm). The API's serializers and the site's forms only parse: hours and the date arrive as
text (or a number, or a ``date``) and are read here, so bad input is the same 400 with the same
messages wherever it comes from, every problem at once.

A day has 24 hours: a log may not take the lawyer's day beyond them, counting their other logs of that
day (rejected ones aside), the hours noted on their aid cases (``ProgressNote``) and their duty-lawyer
days the centers recorded (``DutyLawyerRecord``). A duty-lawyer day the center recorded already counts
from its record: logging it again is a duplicate.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aid_cases.uploads import checked_upload
from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import CENTER_STAFF_ROLES, DECIDING_ROLES, OrganisationKind, ProviderKind
from directory.models import Organisation, Provider
from directory.selectors import center_for_region, user_center_ids
from directory.services import audit_record

from ..choices import ServiceActivity, ServiceLogStatus
from ..models import DutyLawyerRecord, ProgressNote, ServiceLog

EARLIEST = datetime.date(2022, 1, 1)  # the Legal Aid Law's first day: the duty is counted from it
DAY_HOURS = Decimal("24")
ORGANISER_MAX = 200  # the column's length
DESCRIPTION_MAX = 2000
REASON_MAX = 2000
# What verifies a log: the reviewers and directors of the verifying center.
VERIFYING_ROLES = DECIDING_ROLES
# What sees a log besides its lawyer: the verifying center's staff (its clerks too: they answer calls).
SEEING_ROLES = CENTER_STAFF_ROLES


# --- who logs, who verifies, who sees ------------------------------------------------------------


def lawyer_of(user: AbstractBaseUser) -> Provider | None:
    """The user's own lawyer record, if they are an active lawyer at an active law firm; else None."""
    if not user.is_authenticated:
        return None
    return (
        Provider.objects.filter(
            user=user,
            kind=ProviderKind.LAWYER,
            active=True,
            organisation__kind=OrganisationKind.LAW_FIRM,
            organisation__active=True,
        )
        .select_related("organisation", "organisation__region")
        .first()
    )


def user_verifies(user: AbstractBaseUser, service_log: ServiceLog) -> bool:
    """A reviewer or director of the log's verifying center (never the lawyer who logged it)."""
    return service_log.center_id in user_center_ids(user, roles=VERIFYING_ROLES)


def service_logs_visible_to(user: AbstractBaseUser) -> QuerySet[ServiceLog]:
    """The logs ``user`` may see: their own as a lawyer, and those their center verifies."""
    if not user.is_authenticated:
        return ServiceLog.objects.none()
    centers = user_center_ids(user, roles=SEEING_ROLES)
    return ServiceLog.objects.filter(Q(provider__user=user) | Q(center_id__in=centers)).select_related(
        "provider", "organisation", "center", "verified_by"
    )


def service_log_get(*, user: AbstractBaseUser, pk: Any) -> ServiceLog:
    """One visible log; ``ServiceLog.DoesNotExist`` (404) for one the user may not see or a bad id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise ServiceLog.DoesNotExist from None
    return service_logs_visible_to(user).get(pk=pk)


def user_sees_service_log(user: AbstractBaseUser, service_log: ServiceLog) -> bool:
    if not user.is_authenticated:
        return False
    if service_log.provider.user_id == user.pk:
        return True
    return service_log.center_id in user_center_ids(user, roles=SEEING_ROLES)


def day_hours(provider: Provider, date: datetime.date, *, exclude: int | None = None) -> dict[str, Decimal]:
    """The lawyer's hours already recorded on ``date``: their logs (not rejected ones), their aid cases'
    progress notes and their duty-lawyer days; ``exclude`` leaves one log out (the one being shown)."""
    logs = ServiceLog.objects.filter(provider=provider, date=date).exclude(status=ServiceLogStatus.REJECTED)
    if exclude is not None:
        logs = logs.exclude(pk=exclude)
    zero = Decimal("0")
    figures = {
        "logs": logs.aggregate(total=Sum("hours"))["total"] or zero,
        "cases": ProgressNote.objects.filter(assignment__provider=provider, noted_on=date).aggregate(
            total=Sum("hours")
        )["total"]
        or zero,
        "duty": DutyLawyerRecord.objects.filter(provider=provider, day=date).aggregate(total=Sum("hours"))[
            "total"
        ]
        or zero,
    }
    figures["total"] = figures["logs"] + figures["cases"] + figures["duty"]
    return figures


# --- parsing ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def _limited(
    value: Any, field: str, errors: dict[str, list[str]], *, maximum: int, required: str | None
) -> str:
    text = _text(value)
    if not text and required:
        errors[field] = [required]
    elif len(text) > maximum:
        errors[field] = [_("At most %(max)s characters.") % {"max": maximum}]
    return text


def parse_hours(value: Any, errors: dict[str, list[str]], field: str = "hours") -> Decimal | None:
    """Hours of one day: more than 0, at most 24, at most one decimal (1.5), from text or a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[field] = [_("Give the hours, e.g. 2.5.")]
        return None
    if isinstance(value, bool):
        errors[field] = [_("Give the hours as a number, e.g. 2.5.")]
        return None
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = [_("Give the hours as a number, e.g. 2.5.")]
        return None
    if not hours.is_finite():
        errors[field] = [_("Give the hours as a number, e.g. 2.5.")]
    elif hours <= 0:
        errors[field] = [_("The hours must be more than 0.")]
    elif hours > DAY_HOURS:
        errors[field] = [_("A day has at most 24 hours.")]
    elif hours != hours.quantize(Decimal("0.1")):
        errors[field] = [_("Give the hours to one decimal place at most, e.g. 1.5.")]
    else:
        return hours.quantize(Decimal("0.1"))
    return None


def parse_date(value: Any, errors: dict[str, list[str]], field: str = "date") -> datetime.date | None:
    """A day from 1 January 2022 to today, as a ``date`` or as YYYY-MM-DD text."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[field] = [_("Give the date of the service.")]
        return None
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            errors[field] = [_("Enter the date as YYYY-MM-DD.")]
            return None
    if value > timezone.localdate():
        errors[field] = [_("The date cannot be in the future.")]
    elif value < EARLIEST:
        errors[field] = [_("The date cannot be before %(date)s.") % {"date": EARLIEST.isoformat()}]
    else:
        return value
    return None


# --- the log, and its verification ---------------------------------------------------------------


def _hours_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


@service_transaction()
def service_log_submit(
    *,
    acting_user: AbstractBaseUser,
    activity: Any,
    date: Any,
    hours: Any,
    organiser: Any,
    description: Any,
    evidence: UploadedFile | None = None,
    lawyer_id: Any = None,
) -> ServiceLog:
    """A lawyer logs public-interest legal service of their own, for the center of their firm's region
    to verify.

    403 for anyone but an active lawyer at a law firm: the log is always the acting lawyer's own, so no
    one logs for another (a ``lawyer_id`` naming someone else is a 400). 400, nothing saved, with every
    problem keyed by field: an unknown activity; hours that are not a number, 0 or less, more than 24
    or with more than one decimal; a date in the future or before 2022; no organiser or description,
    or too long; a day that would then have more than 24 hours (the lawyer's other logs, case notes
    and duty-lawyer days counted); a duty-lawyer day the center has already recorded; evidence that is
    not a PDF, JPEG or PNG, or too large.
    409 when the firm's region has no aid center to verify it.
    """
    provider = lawyer_of(acting_user)
    if provider is None:
        raise Forbidden(
            _("Only a lawyer at a law firm logs public-interest legal service, and only their own.")
        )
    # One lawyer's logs one at a time: two submitted at once cannot both take the day's last hours.
    Provider.objects.select_for_update().filter(pk=provider.pk).values_list("pk").first()
    errors: dict[str, list[str]] = {}
    if lawyer_id not in (None, "") and str(lawyer_id).strip() != str(provider.pk):
        errors["lawyer_id"] = [_("You log only your own public-interest service.")]
    activity = _text(activity)
    if activity not in ServiceActivity.values:
        errors["activity"] = [_("Choose one of the listed activities.")]
    day = parse_date(date, errors)
    amount = parse_hours(hours, errors)
    organiser = _limited(
        organiser, "organiser", errors, maximum=ORGANISER_MAX, required=_("Name the organising unit.")
    )
    description = _limited(
        description, "description", errors, maximum=DESCRIPTION_MAX, required=_("Describe the service.")
    )
    checked = None
    if evidence:
        try:
            checked = checked_upload(evidence)
        except ValidationError as exc:
            errors["evidence"] = exc.messages
    if day is not None and activity == ServiceActivity.DUTY_LAWYER:
        if DutyLawyerRecord.objects.filter(provider=provider, day=day).exists():
            errors["date"] = [
                _(
                    "The aid center has already recorded your duty-lawyer day on this date: it counts from "
                    "the center's record, do not log it again."
                )
            ]
    if day is not None and amount is not None and "date" not in errors:
        already = day_hours(provider, day)["total"]
        if already + amount > DAY_HOURS:
            errors["hours"] = [
                _(
                    "%(already)s hours are already recorded on that day (your other logs, your aid cases' "
                    "notes and duty-lawyer days): at most %(left)s more."
                )
                % {"already": _hours_text(already), "left": _hours_text(max(DAY_HOURS - already, Decimal(0)))}
            ]
    if errors:
        raise ValidationError(errors)
    firm = provider.organisation
    try:
        center = center_for_region(firm.region)
    except ValidationError:
        raise Conflict(
            _("%(region)s has no legal aid center to verify your hours.") % {"region": firm.region.name}
        ) from None
    log = ServiceLog(
        provider=provider,
        organisation=firm,
        center=center,
        activity=activity,
        date=day,
        hours=amount,
        organiser=organiser,
        description=description,
        logged_by=acting_user,
    )
    if checked is not None:
        # never the uploader's file name: a generated one, with the checked type's extension
        log.evidence_name = f"{uuid.uuid4().hex}.{checked.extension}"
        log.evidence_type = checked.content_type
        log.evidence.save(log.evidence_name, evidence, save=False)
    log.full_clean(exclude=["provider", "organisation", "center", "logged_by", "evidence"])
    log.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.SERVICE_LOG_SUBMIT,
        obj=log,
        new={
            "provider": provider.pk,
            "center": center.pk,
            "activity": activity,
            "date": day.isoformat(),
            "hours": str(amount),
            "evidence": log.evidence_type or None,
        },
    )
    return log


@service_transaction()
def service_log_verify(
    *, acting_user: AbstractBaseUser, service_log: ServiceLog, approve: bool, reason: Any = ""
) -> ServiceLog:
    """The verifying center's reviewer or director verifies the log, or rejects it with reasons; only
    verified hours count toward the lawyer's annual duty.

    The row is re-read under its lock: of two people deciding at once, the second gets 409. 403 for
    anyone but the center's reviewers and directors; 409 once verified or rejected, and for the lawyer
    themself (should they also work at the center); 400 for a rejection without reasons.
    """
    log = (
        ServiceLog.objects.select_for_update()
        .select_related("provider", "organisation", "center")
        .get(pk=service_log.pk)
    )
    if not user_verifies(acting_user, log):
        raise Forbidden(
            _("Only the reviewers and directors of the verifying aid center verify service logs.")
        )
    if log.provider.user_id == acting_user.pk:
        raise Conflict(_("You logged this service yourself: a colleague must verify it."))
    if log.status != ServiceLogStatus.PENDING:
        raise Conflict(_("This service log has already been verified or rejected."))
    errors: dict[str, list[str]] = {}
    reason = _limited(
        reason, "reason", errors, maximum=REASON_MAX, required=None if approve else _("Give the reasons.")
    )
    if errors:
        raise ValidationError(errors)
    old = log.status
    log.status = ServiceLogStatus.VERIFIED if approve else ServiceLogStatus.REJECTED
    log.reason = reason
    log.verified_by = acting_user
    log.verified_at = timezone.now()
    log.save(update_fields=["status", "reason", "verified_by", "verified_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.SERVICE_LOG_VERIFY if approve else AuditAction.SERVICE_LOG_REJECT,
        obj=log,
        old={"status": old},
        new={"status": log.status, "reason": reason},
    )
    return log


def verifying_center_of(provider: Provider) -> Organisation | None:
    """The center that would verify the lawyer's logs now (for the page), or None."""
    try:
        return center_for_region(provider.organisation.region)
    except ValidationError:
        return None


def service_log_evidence_file(service_log: ServiceLog) -> tuple[Any, str, str] | None:
    """The log's evidence as (an open file, its content type, a download name), or None when there is
    none or its file is gone. Only the three checked types are ever stored (``aid_cases.uploads``)."""
    if not service_log.evidence:
        return None
    try:
        handle = service_log.evidence.open("rb")
    except FileNotFoundError:
        return None
    name = service_log.evidence_name
    extension = name.rsplit(".", 1)[-1] if "." in name else "pdf"
    return (
        handle,
        service_log.evidence_type or "application/octet-stream",
        f"evidence-{service_log.pk}.{extension}",
    )
