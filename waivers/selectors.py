"""Reads of fee waivers and notarisations, with object-level visibility (docs/domain.md, visibility).

An institution's staff see only the waivers addressed to their institution — never the rest of the
case; everyone else sees the waivers of the cases they may see (``applications_visible_to``).
Totals come from one grouped query, whatever the number of institutions or waivers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from aid_cases.selectors import applications_visible_to
from directory.choices import OrganisationKind, Role
from directory.models import Membership, Organisation

from .choices import ANSWERED_STATUSES, INSTITUTION_KIND_FOR, NotarisationStatus, WaiverKind, WaiverStatus
from .models import FeeWaiver, PublicInterestNotarisation

# Who answers a waiver at an institution: the staff of a notary office or forensic institution, and a
# court's officers for its litigation fees (Art 53).
HANDLING_ROLES = (Role.INSTITUTION_STAFF, Role.AGENCY_OFFICER)
HANDLING_KINDS = tuple(INSTITUTION_KIND_FOR.values())


def user_institution_ids(user: AbstractBaseUser) -> list[int]:
    """The institutions (notary, forensic, court) whose waivers the user answers."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(
            user=user,
            active=True,
            organisation__active=True,
            role__in=HANDLING_ROLES,
            organisation__kind__in=HANDLING_KINDS,
        ).values_list("organisation_id", flat=True)
    )


def user_handles_waivers_of(user: AbstractBaseUser, institution_id: int) -> bool:
    return institution_id in user_institution_ids(user)


def user_notary_office(user: AbstractBaseUser) -> Organisation | None:
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(
            user=user,
            active=True,
            organisation__active=True,
            role=Role.INSTITUTION_STAFF,
            organisation__kind=OrganisationKind.NOTARY,
        )
        .select_related("organisation", "organisation__region")
        .order_by("pk")
        .first()
    )
    return membership.organisation if membership else None


def _bureau_region_ids(user: AbstractBaseUser) -> set[int]:
    """The regions a user's judicial bureaus oversee: their own and those under it."""
    regions: set[int] = set()
    for membership in Membership.objects.filter(
        user=user, active=True, organisation__active=True, role=Role.BUREAU_OFFICER
    ).select_related("organisation__region"):
        regions.update(membership.organisation.region.self_and_descendant_ids())
    return regions


def user_verifies_notarisations_of(user: AbstractBaseUser, office: Organisation) -> bool:
    """The judicial bureau of the notary office's region, or of a region above it."""
    return user.is_authenticated and office.region_id in _bureau_region_ids(user)


def waivers_visible_to(user: AbstractBaseUser) -> QuerySet[FeeWaiver]:
    qs = FeeWaiver.objects.select_related("institution", "institution__region", "application", "letter")
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    return qs.filter(
        Q(institution_id__in=user_institution_ids(user))
        | Q(application_id__in=applications_visible_to(user).values("pk"))
    )


def waiver_get(*, user: AbstractBaseUser, pk: int) -> FeeWaiver:
    """The waiver, or ``FeeWaiver.DoesNotExist`` when the user may not see it (404)."""
    return waivers_visible_to(user).get(pk=pk)


def user_sees_case_of(user: AbstractBaseUser, waiver: FeeWaiver) -> bool:
    """Whether the user may open the waiver's case (an institution's staff may not)."""
    return applications_visible_to(user).filter(pk=waiver.application_id).exists()


def waivers_for_case(application_id: int) -> QuerySet[FeeWaiver]:
    """Every fee line of one case, oldest first (the case page shows them; its closure waits for none)."""
    return (
        FeeWaiver.objects.filter(application_id=application_id)
        .select_related("institution", "institution__region", "letter")
        .order_by("requested_at", "pk")
    )


def waivers_inbox(user: AbstractBaseUser, *, year: int | None = None) -> QuerySet[FeeWaiver]:
    """The waivers addressed to the user's institutions that the center has sent on, newest first."""
    qs = FeeWaiver.objects.filter(institution_id__in=user_institution_ids(user)).exclude(
        status__in=(WaiverStatus.REQUESTED, WaiverStatus.REFUSED)
    )
    if year is not None:
        qs = qs.filter(reviewed_at__year=year)
    return qs.select_related("institution", "letter", "application").order_by("-reviewed_at", "-pk")


def deferral_overdue(waiver: FeeWaiver, today: datetime.date | None = None) -> bool:
    """A deferral still open after the date it was deferred to."""
    today = today or timezone.localdate()
    return bool(
        waiver.status == WaiverStatus.DEFERRED and waiver.deferred_until and waiver.deferred_until < today
    )


def deferrals_overdue(qs: QuerySet[FeeWaiver], today: datetime.date | None = None) -> QuerySet[FeeWaiver]:
    today = today or timezone.localdate()
    return qs.filter(status=WaiverStatus.DEFERRED, deferred_until__lt=today)


@dataclass(frozen=True)
class InstitutionTotals:
    institution_id: int
    name: str
    kind: str
    count: int
    standard_fees: Decimal
    waived: Decimal
    deferred_open: int


def institution_totals(
    *, year: int, institution_ids: list[int] | None = None, region_ids: list[int] | None = None
) -> list[InstitutionTotals]:
    """Per institution, the fee lines it answered in ``year`` (by the date it recorded them): how many,
    the standard fees and the amounts waived, and the deferrals still open. One grouped query."""
    qs = FeeWaiver.objects.filter(status__in=ANSWERED_STATUSES, confirmed_at__year=year)
    if institution_ids is not None:
        qs = qs.filter(institution_id__in=institution_ids)
    if region_ids is not None:
        qs = qs.filter(application__region_id__in=region_ids)
    rows = (
        qs.values("institution_id", "institution__name", "institution__kind")
        .annotate(
            count=Count("pk"),
            standard_fees=Sum("standard_fee"),
            waived=Sum("waived_amount"),
            deferred_open=Count("pk", filter=Q(status=WaiverStatus.DEFERRED)),
        )
        .order_by("institution__kind", "institution__name")
    )
    return [
        InstitutionTotals(
            institution_id=r["institution_id"],
            name=r["institution__name"],
            kind=r["institution__kind"],
            count=r["count"],
            standard_fees=r["standard_fees"] or Decimal("0.00"),
            waived=r["waived"] or Decimal("0.00"),
            deferred_open=r["deferred_open"],
        )
        for r in rows
    ]


def notary_public_interest_counts(
    *, year: int, institution_ids: list[int] | None = None
) -> dict[int, dict[str, int]]:
    """Per notary office, its public-interest notarisations of ``year`` (docs/domain.md, annual duty):
    fee-waived notarisations it completed and logged ones the bureau verified. Two grouped queries."""
    waived = FeeWaiver.objects.filter(
        kind=WaiverKind.NOTARY, status=WaiverStatus.COMPLETED, confirmed_at__year=year
    )
    logged = PublicInterestNotarisation.objects.filter(status=NotarisationStatus.VERIFIED, date__year=year)
    if institution_ids is not None:
        waived = waived.filter(institution_id__in=institution_ids)
        logged = logged.filter(institution_id__in=institution_ids)
    counts: dict[int, dict[str, int]] = {}
    for row in waived.values("institution_id").annotate(n=Count("pk")).order_by():
        counts.setdefault(row["institution_id"], {"waived": 0, "logged": 0})["waived"] = row["n"]
    for row in logged.values("institution_id").annotate(n=Count("pk")).order_by():
        counts.setdefault(row["institution_id"], {"waived": 0, "logged": 0})["logged"] = row["n"]
    return counts


def notarisations_visible_to(user: AbstractBaseUser) -> QuerySet[PublicInterestNotarisation]:
    """A notary office's staff: their office's; a bureau officer: those of the offices in its regions."""
    qs = PublicInterestNotarisation.objects.select_related("institution", "logged_by", "verified_by")
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    offices = user_institution_ids(user)
    regions = _bureau_region_ids(user)
    return qs.filter(Q(institution_id__in=offices) | Q(institution__region_id__in=regions))


def notary_offices_for_duty(user: AbstractBaseUser) -> QuerySet[Organisation] | None:
    """The notary offices whose annual duty the user sees: a notary office's staff their own office, a
    bureau officer the offices of its regions, an administrator all; ``None`` for every other role."""
    offices = Organisation.objects.filter(kind=OrganisationKind.NOTARY, active=True).select_related("region")
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return offices.order_by("region__sort_order", "name")
    own = user_institution_ids(user)
    regions = _bureau_region_ids(user)
    if not regions and not offices.filter(pk__in=own).exists():
        return None
    return offices.filter(Q(pk__in=own) | Q(region_id__in=regions)).order_by("region__sort_order", "name")
