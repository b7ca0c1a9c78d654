"""Exemptions from the lawyers' annual duty (docs/domain.md §6, annual duty): the judicial bureau
exempts a lawyer of its regions from one year's duty (a long illness, …) and says why.

The exemption only marks the year: the figures keep being counted, and ``assignments.quota`` shows
the lawyer ``exempt`` (an exemption wins over every figure) on every page, report and API.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import OrganisationKind, ProviderKind, Role
from directory.models import Membership, Provider
from directory.services import audit_record

from ..models import DutyExemption
from .service_logs import EARLIEST

FIRST_YEAR = EARLIEST.year  # the Legal Aid Law's first year: no duty is older
REASON_MAX = 2000  # the column's length


def exempting_region_ids(user: AbstractBaseUser) -> set[int]:
    """The regions of the judicial bureaus where ``user`` is an active bureau officer: a bureau
    exempts the lawyers of the firms of its region and of the regions under it."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(
            user=user,
            role=Role.BUREAU_OFFICER,
            active=True,
            organisation__active=True,
            organisation__kind=OrganisationKind.BUREAU,
        ).values_list("organisation__region_id", flat=True)
    )


def exemption_years(today: datetime.date | None = None) -> list[int]:
    """The years an exemption may be recorded for, newest first: up to next year (a lawyer known to
    be away all next year is exempted ahead)."""
    today = today or timezone.localdate()
    return list(range(today.year + 1, FIRST_YEAR - 1, -1))


def _is_firm_lawyer(provider: Provider) -> bool:
    # as assignments.quota.duty_lawyers selects the lawyers with a duty: active, at an active law firm
    firm = provider.organisation
    return (
        provider.kind == ProviderKind.LAWYER
        and provider.active
        and firm.kind == OrganisationKind.LAW_FIRM
        and firm.active
    )


def _year(value: object, today: datetime.date) -> tuple[int | None, str]:
    text = str(value if value is not None else "").strip()
    if not text.isdigit():
        return None, _("Choose the year.")
    year = int(text)
    if not FIRST_YEAR <= year <= today.year + 1:
        return None, _("Choose a year from %(first)s to %(last)s.") % {
            "first": FIRST_YEAR,
            "last": today.year + 1,
        }
    return year, ""


@service_transaction()
def duty_exemption_record(
    *, acting_user: AbstractBaseUser, provider: Provider, year: object, reason: str
) -> DutyExemption:
    """Exempt ``provider`` from the annual duty of ``year``, for ``reason``.

    403 (``Forbidden``) unless the acting user is a bureau officer of the judicial bureau of the region
    of the lawyer's firm or of a region above it; 400 (``ValidationError`` keyed ``provider``, ``year``,
    ``reason``, every problem at once, nothing saved) for a provider who is not an active lawyer at an
    active law firm, a year outside 2022..next year, an empty reason or one over 2000 characters; 409
    (``Conflict``) when the lawyer is already exempted for that year.
    """
    regions = exempting_region_ids(acting_user)
    if not regions:
        raise Forbidden(_("Only the judicial bureau exempts lawyers from the annual duty."))
    errors: dict[str, list[str]] = {}
    if not _is_firm_lawyer(provider):
        errors["provider"] = [_("Choose an active lawyer of a law firm.")]
    else:
        firm_region = provider.organisation.region
        if firm_region.pk not in regions and firm_region.parent_id not in regions:
            raise Forbidden(_("Only the judicial bureau of the lawyer's region exempts them from the duty."))
    today = timezone.localdate()
    year_value, year_error = _year(year, today)
    if year_error:
        errors["year"] = [year_error]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the lawyer is exempted, e.g. a long illness.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("At most %(max)s characters.") % {"max": REASON_MAX}]
    if errors:
        raise ValidationError(errors)
    already = _("%(name)s is already exempted from the duty of %(year)s.") % {
        "name": provider.name,
        "year": year_value,
    }
    if DutyExemption.objects.filter(provider=provider, year=year_value).exists():
        raise Conflict(already)
    exemption = DutyExemption(provider=provider, year=year_value, reason=reason, recorded_by=acting_user)
    try:
        with transaction.atomic():
            exemption.save()
    except IntegrityError:  # recorded by someone else between the check and the save
        raise Conflict(already) from None
    audit_record(
        actor=acting_user,
        action=AuditAction.DUTY_EXEMPTION_RECORD,
        obj=exemption,
        new={"provider": provider.pk, "year": year_value, "reason": reason},
    )
    return exemption
