"""Reads of applications, each applying what the user may see (docs/domain.md, who does what)."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from directory.choices import DECIDING_ROLES, OrganisationKind, Role
from directory.models import Citizen, Organisation
from directory.selectors import user_center_ids, user_memberships

from .choices import Channel
from .models import Application, Objection


def applications_visible_to(user) -> QuerySet[Application]:
    """Applications the user may see: their own filings, their center's cases, the cases they handle.

    A global Django permission never widens this; anything else answers 404.
    """
    qs = Application.objects.select_related("applicant", "region", "center", "filed_by")
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    # their own filings, and as a registered citizen those naming them as applicant or representative
    condition = Q(filed_by=user) | _party_condition(user)
    # a provider: the cases they accepted and still hold (kept once closed; lost when replaced)
    condition |= Q(provider__user=user)
    centers = user_center_ids(user)
    if centers:
        condition |= Q(center_id__in=centers)
        # a city center configured to oversee the county-level centers of its city
        overseen = Organisation.objects.filter(pk__in=centers, sees_subregion_cases=True).values("region_id")
        condition |= Q(center__region__parent_id__in=overseen)
    # the units holding people, in one query: an agency's officers and a detention center's
    units = _officer_units(user)
    if units:
        # a police unit, procuratorate, court or detention center sees the requests it forwarded for
        # a person in its custody (Art 39), and nothing else of them
        condition |= Q(forwarded_request__unit_id__in=[unit for unit, _ in units])
    agencies = [unit for unit, role in units if role == Role.AGENCY_OFFICER]
    if agencies:
        # an agency sees the notified defences it sent, and nothing else of others' cases
        condition |= Q(notification__agency_id__in=agencies)
        # a procuratorate sees the public-interest cases it filed (their fee deferrals)
        condition |= Q(public_interest_filing__agency_id__in=agencies)
    bureaus = _bureau_ids(user)
    if bureaus:
        # a bureau sees the applications whose objections it decides (Art 49)
        condition |= Q(pk__in=Objection.objects.filter(bureau_id__in=bureaus).values("application_id"))
    return qs.filter(condition)


def _officer_units(user) -> list[tuple[int, str]]:
    """``(organisation id, role)`` of each active organisation where the user is an agency or a
    detention officer: ``user_center_ids`` of both roles in one query, each unit with the role held."""
    return list(
        user_memberships(user)
        .filter(role__in=(Role.AGENCY_OFFICER, Role.DETENTION_OFFICER))
        .order_by()
        .values_list("organisation_id", "role")
    )


def _bureau_ids(user) -> list[int]:
    return user_center_ids(user, roles=(Role.BUREAU_OFFICER,))


def application_get(*, user, pk: int) -> Application:
    """The application, or ``Application.DoesNotExist`` when the user may not see it."""
    return applications_visible_to(user).get(pk=pk)


def user_sees_personal_data(user, application: Application) -> bool:
    """Full ID numbers only for the applicant's side (the filing account, the registered applicant or
    representative) and the handling center's staff."""
    if application.filed_by_id == user.pk:
        return True
    return application.center_id in user_center_ids(user) or user_is_party(user, application)


def mask_id_number(value: str) -> str:
    """``3602**********123X``: the region prefix and the last four characters."""
    if not value:
        return value
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def application_by_tracking(*, tracking_no: str, id_tail: str) -> Application | None:
    """The public progress query: the tracking number and the ID number's last 4 characters."""
    if len(id_tail) != 4:
        return None
    application = (
        Application.objects.select_related("applicant").filter(tracking_no=tracking_no.upper()).first()
    )
    if application is None or application.applicant.id_number[-4:].upper() != id_tail.upper():
        return None
    return application


def applications_recused_for(user) -> QuerySet[Application]:
    """Applications ``user`` may never decide: those they filed (a clerk's window or hotline
    record included), or whose applicant or representative they are, by the resident ID number
    their account was registered with. A colleague decides those (conflict of interest)."""
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(Q(filed_by=user) | _party_condition(user))


# A user id no account has: it marks where the user's id goes in the compiled statement.
_USER_SLOT = -2_147_000_001


@functools.cache
def _recused_template(alias: str) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    """``applications_recused_for`` compiled once per database: its SQL, its parameters and the
    positions of the user's id among them."""
    placeholder = get_user_model()(pk=_USER_SLOT)
    query = applications_recused_for(placeholder).values("pk").query
    query.clear_ordering(force=True)  # a subquery: no ORDER BY
    sql, params = query.get_compiler(alias).as_sql()
    slots = tuple(i for i, value in enumerate(params) if value == _USER_SLOT)
    if not slots:  # the rule no longer depends on the user: this template would be wrong
        raise RuntimeError("applications_recused_for does not name the user")
    return sql, tuple(params), slots


def applications_recused_sql(user, alias: str = "default") -> tuple[str, list[Any]]:
    """``applications_recused_for(user)``'s primary keys as a subquery's SQL and parameters.

    Why compiled once and not a queryset: the condition is in every task list, every claim or
    completion (workflows.tasks) and every decision's check (``user_recused``), and building and
    compiling its nested querysets cost about a millisecond each time, more than running it. The
    queryset above still writes the statement; only the user's id changes from call to call.
    """
    sql, params, slots = _recused_template(alias)
    bound = list(params)
    for i in slots:
        bound[i] = user.pk
    return sql, bound


def _party_condition(user) -> Q:
    """The applications whose applicant or representative has the ID number the account was
    registered with (one subquery, no query of its own)."""
    own_id_numbers = Citizen.objects.filter(user=user).values("id_number")
    return Q(applicant__id_number__in=own_id_numbers) | Q(representative_id_number__in=own_id_numbers)


def user_is_party(user, application: Application) -> bool:
    """Whether the account's registered ID number is the application's applicant's or representative's."""
    if not user.is_authenticated:
        return False
    return Application.objects.filter(_party_condition(user), pk=application.pk).exists()


def user_decides_for(user, application: Application) -> bool:
    """Whether ``user`` is a reviewer or director of the center handling ``application``."""
    return application.center_id in user_center_ids(user, roles=DECIDING_ROLES)


# --- competence (Art 38): the center of the region where the handling agency sits or the dispute arose


def application_is_competent_here(application: Application) -> bool:
    """Whether the center holding ``application`` is the competent one: its region is the application's.
    A center that received an application it is not competent for transfers it (services.transfers)."""
    return application.center.region_id == application.region_id


def application_competent_center(application: Application) -> Organisation | None:
    """The competent center (the application's region's active aid center), or None when the region
    has none (the receiving center then keeps the application)."""
    if application_is_competent_here(application):
        return application.center
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.AID_CENTER, region_id=application.region_id, active=True
        )
        .select_related("region")
        .order_by("pk")
        .first()
    )


def transfer_centers(application: Application) -> QuerySet[Organisation]:
    """The centers ``application`` may be transferred to: every active aid center but its own."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.AID_CENTER, active=True)
        .exclude(pk=application.center_id)
        .select_related("region")
        .order_by("region__sort_order", "pk")
    )


def user_is_applicant_side(user, application: Application) -> bool:
    """The applicant's side of a case, who objects and rates (Arts 49, 55): the account that filed it
    online, or the registered applicant or representative. A clerk who recorded a window or hotline
    request is not the applicant."""
    if not user.is_authenticated:
        return False
    if application.filed_by_id == user.pk and application.channel == Channel.ONLINE:
        return True
    return user_is_party(user, application)


def user_recused(user, application: Application) -> bool:
    """Whether ``user`` may not decide ``application`` (``applications_recused_for``), without a query
    when they filed it."""
    if application.filed_by_id == user.pk:
        return True
    if not user.is_authenticated:
        return False
    recused = RawSQL(*applications_recused_sql(user))  # noqa: S611
    return Application.objects.filter(pk=application.pk, pk__in=recused).exists()


def applications_search(
    user,
    *,
    tracking_no: str = "",
    name: str = "",
    id_number: str = "",
    status: str = "",
    received_from: datetime.date | None = None,
    received_to: datetime.date | None = None,
) -> QuerySet[Application]:
    """The center staff's case list: ``applications_visible_to`` narrowed by a search, newest first.

    The ID number matches in full (18 characters) or by its tail (the last characters typed). Each
    row carries ``sees_personal_data``: the rule of ``user_sees_personal_data``, in the same query.
    """
    qs = applications_visible_to(user)
    if tracking_no:
        qs = qs.filter(tracking_no__icontains=tracking_no.strip())
    if name:
        qs = qs.filter(applicant__name__icontains=name.strip())
    if id_number:
        id_number = id_number.strip().upper()
        if len(id_number) == 18:
            qs = qs.filter(applicant__id_number=id_number)
        else:
            qs = qs.filter(applicant__id_number__endswith=id_number)
    if status:
        qs = qs.filter(status=status)
    if received_from:
        qs = qs.filter(received_on__gte=received_from)
    if received_to:
        qs = qs.filter(received_on__lte=received_to)
    sees = Q(filed_by=user.pk) | Q(center_id__in=user_center_ids(user))
    return qs.annotate(
        sees_personal_data=Case(
            When(sees, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    ).order_by("-received_on", "-pk")
