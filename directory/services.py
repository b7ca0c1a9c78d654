"""Writes to the directory. Keyword-only, one transaction, an audit row each (docs/architecture.md)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.db.models import Model
from guardian.shortcuts import assign_perm

from core.transactions import service_transaction, step_buffer

from .audit import AuditAction
from .choices import Role
from .models import AuditEvent, Membership, Organisation, Provider, ProviderSpecialty, Region

ORG_INTERNAL_PERM = "directory.view_organisation_internal"

# Object permissions a role holds on its own organisation, through the (organisation, role)
# group: viewflow checks them with user.has_perm(perm, obj=organisation) (docs/architecture.md, viewflow).
ROLE_OBJECT_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.REVIEWER: ("directory.review_applications",),
    # a center's director, and the bureau for complaints about a center (Order No. 149)
    Role.DIRECTOR: ("directory.review_applications", "directory.handle_complaints"),
    Role.BUREAU_OFFICER: ("directory.decide_objections", "directory.handle_complaints"),
    # a notary office's or forensic institution's staff, and a court's officers (litigation fees, Art 53)
    Role.INSTITUTION_STAFF: ("directory.answer_fee_waivers",),
    # a court's or procuratorate's officers also give their view on a case (Art 59)
    Role.AGENCY_OFFICER: ("directory.answer_fee_waivers", "directory.answer_feedback"),
}


def audit_record(
    *, actor: AbstractBaseUser | None, action: AuditAction, obj: Model, old: Any = None, new: Any = None
) -> AuditEvent:
    """Record an audit row; call inside the transaction that makes the change.

    ``action`` must be a member of ``AuditAction``: a code without a label would reach the timeline
    raw, so an unknown one raises ``ValueError`` here rather than showing on a citizen's screen.
    Inside an all-or-nothing step (a filing, a task's completion) the step's rows are written
    together when it ends, in the same transaction and in the order they happened; elsewhere at once.
    """
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=AuditAction(action),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        old=old,
        new=new,
    )
    pending = step_buffer("audit", AuditEvent.objects.bulk_create)
    if pending is None:
        event.save()
    else:
        pending.append(event)
    return event


def role_group(role: str) -> Group:
    group, _ = Group.objects.get_or_create(name=role)
    return group


def _organisation_role_group(organisation: Organisation, role: str) -> Group | None:
    permissions = ROLE_OBJECT_PERMISSIONS.get(role)
    if not permissions:
        return None
    group, created = Group.objects.get_or_create(name=organisation.role_group_name(role))
    if created:
        for permission in permissions:
            assign_perm(permission, group, organisation)
    return group


def _organisation_members_group(organisation: Organisation) -> Group:
    """The group of an organisation's members, holding its object permissions.

    Per-organisation groups rather than per-user grants (docs/architecture.md, viewflow): one row per
    organisation, and guardian's queries stay flat however many members it has.
    """
    group, created = Group.objects.get_or_create(name=organisation.members_group_name)
    if created:
        assign_perm(ORG_INTERNAL_PERM, group, organisation)
    return group


@service_transaction()
def organisation_create(
    *,
    acting_user,
    kind: str,
    name: str,
    region: Region,
    credit_code: str = "",
    address: str = "",
    phone: str = "",
    allows_cross_region: bool = True,
) -> Organisation:
    organisation = Organisation(
        kind=kind,
        name=name,
        region=region,
        credit_code=credit_code,
        address=address,
        phone=phone,
        allows_cross_region=allows_cross_region,
    )
    organisation.full_clean()
    organisation.save()
    _organisation_members_group(organisation)
    audit_record(
        actor=acting_user,
        action=AuditAction.ORGANISATION_CREATE,
        obj=organisation,
        new={"kind": kind, "name": name, "region": region.code},
    )
    return organisation


@service_transaction()
def provider_create(
    *,
    acting_user,
    name: str,
    kind: str,
    organisation: Organisation,
    licence_no: str = "",
    practice_start: datetime.date | None = None,
    specialties: Iterable[str] = (),
    regions_served: Iterable[Region] = (),
    minors_experienced: bool = False,
    user=None,
) -> Provider:
    provider = Provider(
        name=name,
        kind=kind,
        organisation=organisation,
        licence_no=licence_no,
        practice_start=practice_start,
        minors_experienced=minors_experienced,
        user=user,
    )
    provider.full_clean()
    provider.save()
    provider_set_specialties(provider=provider, specialties=specialties)
    provider.regions_served.set(list(regions_served))
    audit_record(
        actor=acting_user,
        action=AuditAction.PROVIDER_CREATE,
        obj=provider,
        new={"name": name, "kind": kind, "organisation": organisation.pk},
    )
    return provider


def provider_set_specialties(*, provider: Provider, specialties: Iterable[str]) -> None:
    codes = list(dict.fromkeys(specialties))
    rows = [ProviderSpecialty(provider=provider, matter_type=code) for code in codes]
    for row in rows:
        row.full_clean(exclude=["provider"])
    ProviderSpecialty.objects.filter(provider=provider).exclude(matter_type__in=codes).delete()
    existing = set(ProviderSpecialty.objects.filter(provider=provider).values_list("matter_type", flat=True))
    ProviderSpecialty.objects.bulk_create([r for r in rows if r.matter_type not in existing])


@service_transaction()
def membership_grant(*, acting_user, user, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` a role at ``organisation``: the role's group and the organisation's group."""
    membership = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role)
        membership.full_clean()
        membership.save()
    elif membership.active:
        return membership
    else:
        membership.active = True
        membership.save(update_fields=["active"])
    user.groups.add(role_group(role), _organisation_members_group(organisation))
    role_in_org = _organisation_role_group(organisation, role)
    if role_in_org is not None:
        user.groups.add(role_in_org)
    audit_record(
        actor=acting_user,
        action=AuditAction.MEMBERSHIP_GRANT,
        obj=membership,
        new={"user": user.username, "organisation": organisation.pk, "role": role},
    )
    return membership


@service_transaction()
def membership_revoke(*, acting_user, membership: Membership) -> None:
    membership.active = False
    membership.save(update_fields=["active"])
    user = membership.user
    others = Membership.objects.filter(user=user, active=True).exclude(pk=membership.pk)
    if not others.filter(role=membership.role).exists():
        user.groups.remove(role_group(membership.role))
    role_in_org = _organisation_role_group(membership.organisation, membership.role)
    if (
        role_in_org is not None
        and not others.filter(role=membership.role, organisation=membership.organisation).exists()
    ):
        user.groups.remove(role_in_org)
    if not others.filter(organisation=membership.organisation).exists():
        user.groups.remove(_organisation_members_group(membership.organisation))
    audit_record(
        actor=acting_user,
        action=AuditAction.MEMBERSHIP_REVOKE,
        obj=membership,
        old={"active": True},
        new={"active": False},
    )
