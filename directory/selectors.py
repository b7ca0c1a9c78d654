"""Reads from the directory, each applying what the user may see (docs/domain.md, who does what)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

from core.refdata import refdata

from .choices import APPLICANT_GROUP, CENTER_STAFF_ROLES, OrganisationKind, Role
from .models import Membership, Organisation, Provider, ProviderSpecialty, Region
from .services import ORG_INTERNAL_PERM


class UnknownRegion(LookupError):
    pass


def region_by_code(code: str) -> Region:
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist as exc:
        raise UnknownRegion(code) from exc


def region_for_input(code: str, *, field: str = "region") -> Region:
    """The region a caller named by its code; an unknown code is a ``ValidationError`` on ``field``.

    The one place where a region typed into a form or sent to the API is resolved.
    """
    try:
        return region_by_code(str(code or ""))
    except UnknownRegion as exc:
        raise ValidationError({field: [_("Unknown region code “%(code)s”.") % {"code": code}]}) from exc


def _regions_organisation(kind: str, region: Region, missing: str) -> Organisation:
    """The region's own active organisation of ``kind``; a ``ValidationError`` on ``region`` if none."""
    organisation = Organisation.objects.filter(kind=kind, region=region, active=True).order_by("pk").first()
    if organisation is None:
        raise ValidationError({"region": [missing]})
    organisation.region = region  # the caller's object: reading organisation.region costs no query
    return organisation


def center_for_region(region: Region) -> Organisation:
    """The aid center with jurisdiction (Art 38): the region's own active center."""
    return _regions_organisation(
        OrganisationKind.AID_CENTER, region, _("This region has no legal aid center.")
    )


_SLUG = re.compile(r"[a-z0-9_-]{1,32}")


def center_for_region_code(code: str) -> Organisation:
    """The competent center of the region named by ``code``, with its region, in one query (cached).

    An unknown code, or a region without a center, is a ``ValidationError`` on ``region``.
    """
    code = str(code or "")
    # Only a well-formed code is a cache key: anything else is looked up, and refused, directly.
    center = refdata(f"center:{code}", lambda: _active_center_of(code)) if _SLUG.fullmatch(code) else None
    if center is None and not _SLUG.fullmatch(code):
        center = _active_center_of(code)
    if center is None:
        return center_for_region(region_for_input(code))  # says which of the two it is
    return center


def _active_center_of(code: str) -> Organisation | None:
    return (
        Organisation.objects.filter(kind=OrganisationKind.AID_CENTER, region__code=code, active=True)
        .select_related("region")
        .order_by("pk")
        .first()
    )


def bureau_for_region(region: Region) -> Organisation:
    """The judicial bureau that established the region's center: it decides objections (Art 49)."""
    return _regions_organisation(
        OrganisationKind.BUREAU, region, _("This region has no judicial bureau to decide objections.")
    )


def regions_list() -> QuerySet[Region]:
    return Region.objects.all()


def _region_ids(region: Region) -> list[int]:
    return region.self_and_descendant_ids()


def public_organisations(*, kinds, region: Region | None = None, q: str = "") -> QuerySet[Organisation]:
    """Active organisations of the given kinds for the public lookup (法律查询服务)."""
    qs = Organisation.objects.filter(kind__in=list(kinds), active=True).select_related("region")
    if region is not None:
        qs = qs.filter(region_id__in=_region_ids(region))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    return qs


def public_providers(
    *, region: Region | None = None, kind: str = "", q: str = "", specialty: str = ""
) -> QuerySet[Provider]:
    """Active providers with their professional record only; a constant number of queries."""
    qs = (
        Provider.objects.filter(active=True, organisation__active=True)
        .select_related("organisation", "organisation__region")
        .prefetch_related(
            Prefetch("specialties", queryset=ProviderSpecialty.objects.order_by("pk")),
            "regions_served",
        )
    )
    if region is not None:
        ids = _region_ids(region)
        qs = qs.filter(Q(organisation__region_id__in=ids) | Q(regions_served__in=ids)).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(organisation__name__icontains=q))
    if specialty:
        qs = qs.filter(
            Exists(ProviderSpecialty.objects.filter(provider=OuterRef("pk"), matter_type=specialty))
        )
    return qs


def user_memberships(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, active=True, organisation__active=True)
        .select_related("organisation", "organisation__region")
        .order_by("pk")
    )


def user_center_ids(user, roles=CENTER_STAFF_ROLES) -> list[int]:
    """The active organisations where the user holds one of ``roles`` (by default: center staff)."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(
            user=user, role__in=roles, active=True, organisation__active=True
        ).values_list("organisation_id", flat=True)
    )


def user_is_center_staff(user, center: Organisation | None = None) -> bool:
    """Whether the user works at an aid center (at ``center``, when given): clerk, reviewer or director."""
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(
        user=user, role__in=CENTER_STAFF_ROLES, active=True, organisation__active=True
    )
    if center is not None:
        memberships = memberships.filter(organisation=center)
    return memberships.exists()


def user_is_applicant(user) -> bool:
    """Whether the account is a citizen's own: registered, or given the applicant role.

    Remembered on the user object for the request, as Django does with permissions: a filing asks
    twice (may this account file at all, and online?).
    """
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_legalaid_is_applicant"):
        user._legalaid_is_applicant = user.groups.filter(name=APPLICANT_GROUP).exists()
    return user._legalaid_is_applicant


def user_roles(user) -> list[str]:
    """The user's role codes: memberships' roles, ``applicant`` and ``administrator``."""
    if not user.is_authenticated:
        return []
    roles = list(dict.fromkeys(m.role for m in user_memberships(user)))
    if user.groups.filter(name=APPLICANT_GROUP).exists():
        roles.append(APPLICANT_GROUP)
    if user.is_superuser or user.is_staff:
        roles.append("administrator")
    return roles


def user_primary_organisation(user) -> Organisation | None:
    membership = user_memberships(user).first()
    return membership.organisation if membership else None


def organisations_visible_internal(user) -> QuerySet[Organisation]:
    """Organisations whose internal record (members) the user may see.

    Members see their organisation through the organisation group's object permission; bureau
    officers see the organisations of their region and the regions under it; administrators all.
    """
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    own = get_objects_for_user(
        user, ORG_INTERNAL_PERM, klass=Organisation, accept_global_perms=False, with_superuser=False
    )
    bureau_regions = Region.objects.filter(
        Q(
            organisations__memberships__user=user,
            organisations__memberships__role=Role.BUREAU_OFFICER,
            organisations__memberships__active=True,
            organisations__kind=OrganisationKind.BUREAU,
        )
    )
    supervised = Organisation.objects.filter(
        Q(region__in=bureau_regions) | Q(region__parent__in=bureau_regions)
    )
    return Organisation.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=supervised.values("pk")))


def organisation_internal_get(*, user, pk: int) -> Organisation:
    """The organisation with its members, or ``Organisation.DoesNotExist`` (a 404) if not visible."""
    return organisations_visible_internal(user).select_related("region").get(pk=pk)


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation, active=True)
        .select_related("user")
        .order_by("role", "user__username")
    )


@dataclass(frozen=True)
class WatchedCenters:
    """The aid centers whose figures a user watches (``everything``: all of them)."""

    everything: bool = False
    center_ids: frozenset[int] = frozenset()
    is_bureau: bool = False  # a bureau is shown the figures per center

    def sees(self, center_id: int) -> bool:
        return self.everything or center_id in self.center_ids

    def centers(self) -> QuerySet[Organisation]:
        qs = Organisation.objects.filter(kind=OrganisationKind.AID_CENTER).select_related("region")
        if not self.everything:
            qs = qs.filter(pk__in=sorted(self.center_ids))
        return qs.order_by("region__sort_order", "name", "pk")


def watched_centers_for(user: Any) -> WatchedCenters | None:
    """The centers whose figures (follow-up rates, consultation reply rates) ``user`` watches, or
    ``None`` when their roles watch none (403).

    A center's staff (clerk, reviewer, director): their center. A bureau officer: the aid centers of
    the bureau's region and the regions under it (``Region.self_and_descendant_ids``). An
    administrator: every center. A provider, even one on duty at a center, watches none.
    """
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return WatchedCenters(everything=True, is_bureau=True)
    centers: set[int] = set()
    regions: set[int] = set()
    for membership in Membership.objects.filter(
        user=user, active=True, organisation__active=True, role__in=(*CENTER_STAFF_ROLES, Role.BUREAU_OFFICER)
    ).select_related("organisation__region"):
        organisation = membership.organisation
        if membership.role == Role.BUREAU_OFFICER and organisation.kind == OrganisationKind.BUREAU:
            regions.update(organisation.region.self_and_descendant_ids())
        elif membership.role in CENTER_STAFF_ROLES and organisation.kind == OrganisationKind.AID_CENTER:
            centers.add(organisation.pk)
    if regions:
        centers.update(
            Organisation.objects.filter(kind=OrganisationKind.AID_CENTER, region_id__in=sorted(regions))
            .order_by()
            .values_list("pk", flat=True)
        )
    if not centers and not regions:
        return None
    # a bureau whose regions have no aid center yet sees an empty page, not a 404
    return WatchedCenters(center_ids=frozenset(centers), is_bureau=bool(regions))
