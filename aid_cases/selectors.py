"""Reads of applications, each applying what the user may see (DESIGN §1)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from directory.choices import Role
from directory.models import Organisation
from directory.selectors import user_center_ids

from .models import Application, Objection


def applications_visible_to(user) -> QuerySet[Application]:
    """Applications the user may see: their own filings, or their center's cases.

    A global Django permission never widens this; anything else answers 404.
    """
    qs = Application.objects.select_related("applicant", "region", "center", "filed_by")
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    condition = Q(filed_by=user)
    centers = user_center_ids(user)
    if centers:
        condition |= Q(center_id__in=centers)
        # a city center configured to oversee the county-level centers of its city
        overseen = Organisation.objects.filter(pk__in=centers, sees_subregion_cases=True).values("region_id")
        condition |= Q(center__region__parent_id__in=overseen)
    bureaus = _bureau_ids(user)
    if bureaus:
        # a bureau sees the applications whose objections it decides (Art 49)
        condition |= Q(pk__in=Objection.objects.filter(bureau_id__in=bureaus).values("application_id"))
    return qs.filter(condition)


def _bureau_ids(user) -> list[int]:
    return user_center_ids(user, roles=(Role.BUREAU_OFFICER,))


def application_get(*, user, pk: int) -> Application:
    """The application, or ``Application.DoesNotExist`` when the user may not see it."""
    return applications_visible_to(user).get(pk=pk)


def user_sees_personal_data(user, application: Application) -> bool:
    """Full ID numbers only for the applicant's own account and the handling center's staff."""
    if application.filed_by_id == user.pk:
        return True
    return application.center_id in user_center_ids(user)


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
