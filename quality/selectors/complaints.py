"""Reads of complaints, with object-level visibility (docs/domain.md, who sees what; Order No. 149).

Who sees a complaint:

- the complainant's own account, and the staff member who recorded it for a caller;
- the handling staff: the reviewers and directors of the center for a complaint about a provider or
  a member of staff (the center of the case, or the center named); for a complaint about a center,
  its judicial bureau. A bureau officer sees every complaint of the bureau's region and the regions
  under it (the bureau supervises the centers, Legal Aid Law Art 56);
- the provider complained about, **without the complainant's identity** (name, phone, account)
  unless the complaint rule in force says otherwise (``ComplaintRule.reveal_complainant``): they
  learn what is said, not who said it;
- nobody else: 404.

The staff of a center complained about do not see the complaint: their bureau handles it.
``complaint_view_for`` gives the identity-safe view every front end shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from directory.choices import DECIDING_ROLES, Role
from directory.models import Membership, Organisation, Region
from directory.selectors import bureau_for_region
from directory.services import ROLE_OBJECT_PERMISSIONS
from documents.models import IssuedDocument

from ..choices import ComplaintAbout, ComplaintStatus
from ..complaint_rules import complaint_rule_in_force
from ..models import Complaint

HANDLE_PERMISSION = "directory.handle_complaints"
# Who accepts and decides: the roles holding the permission on their organisation (a center's
# director; a bureau's officers), from the one table that grants it.
HANDLING_ROLES: tuple[str, ...] = tuple(
    role for role, permissions in ROLE_OBJECT_PERMISSIONS.items() if HANDLE_PERMISSION in permissions
)
OPEN_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.SUPPLEMENT, ComplaintStatus.ACCEPTED)

COMPLAINT_RELATED = (
    "application",
    "application__applicant",
    "application__region",
    "center",
    "center__region",
    "provider",
    "provider__organisation",
    "reply_letter",
)


def complaint_region(complaint: Complaint) -> Region:
    """The region whose complaint rule applies: the case's, else the center's."""
    if complaint.application is not None:
        return complaint.application.region
    return complaint.center.region


def handling_organisation(complaint: Complaint) -> Organisation | None:
    """Who accepts and decides the complaint: the judicial bureau of the center's region for a
    complaint about a center, else the center (of the case, or named). None when the directory has
    no bureau for the region (the filing refuses such a complaint)."""
    if complaint.about == ComplaintAbout.CENTER:
        try:
            return bureau_for_region(complaint.center.region)
        except ValidationError:
            return None
    return complaint.center


def user_handles(user: Any, complaint: Complaint) -> bool:
    """Whether ``user`` may accept and decide the complaint: a handling role at the handling
    organisation (the permission ``directory.handle_complaints`` the flow's task stamps)."""
    if not user.is_authenticated:
        return False
    organisation = handling_organisation(complaint)
    return (
        organisation is not None
        and Membership.objects.filter(
            user=user,
            organisation=organisation,
            role__in=HANDLING_ROLES,
            active=True,
            organisation__active=True,
        ).exists()
    )


# --- who sees what -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What decides which complaints a user sees, read once per request (two queries)."""

    user_id: int | None
    superuser: bool = False
    center_ids: frozenset[int] = field(default_factory=frozenset)  # reviewer or director there
    bureau_region_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return bool(self.center_ids or self.bureau_region_ids)


def viewer_for(user: Any) -> Viewer:
    if not user.is_authenticated:
        return Viewer(user_id=None)
    if user.is_superuser:
        return Viewer(user_id=user.pk, superuser=True)
    centers: set[int] = set()
    bureau_regions: set[int] = set()
    memberships = Membership.objects.filter(
        user=user,
        active=True,
        organisation__active=True,
        role__in=(*DECIDING_ROLES, Role.BUREAU_OFFICER),
    ).values_list("role", "organisation_id", "organisation__region_id")
    for role, organisation_id, region_id in memberships:
        if role == Role.BUREAU_OFFICER:
            bureau_regions.add(region_id)
        else:
            centers.add(organisation_id)
    if bureau_regions:
        # a bureau supervises its region and the regions under it (city and county)
        bureau_regions.update(
            Region.objects.filter(parent_id__in=bureau_regions).values_list("pk", flat=True)
        )
    return Viewer(user_id=user.pk, center_ids=frozenset(centers), bureau_region_ids=frozenset(bureau_regions))


def complaints_visible_to(user: Any, viewer: Viewer | None = None) -> QuerySet[Complaint]:
    """The complaints ``user`` may open, with what every page shows of them joined (no query per row)."""
    qs = Complaint.objects.select_related(*COMPLAINT_RELATED)
    if not user.is_authenticated:
        return qs.none()
    viewer = viewer or viewer_for(user)
    if viewer.superuser:
        return qs
    condition = (
        Q(complainant=user) | Q(recorded_by=user) | Q(about=ComplaintAbout.PROVIDER, provider__user=user)
    )
    if viewer.center_ids:
        # the center handles complaints about its providers and staff, never one about itself
        condition |= Q(center_id__in=viewer.center_ids) & ~Q(about=ComplaintAbout.CENTER)
    if viewer.bureau_region_ids:
        condition |= Q(center__region_id__in=viewer.bureau_region_ids)
    return qs.filter(condition)


def complaint_get(*, user: Any, pk: int) -> Complaint:
    """The complaint, or ``Complaint.DoesNotExist`` when the user may not see it (404)."""
    return complaints_visible_to(user).get(pk=pk)


def complaints_list(
    user: Any, *, application_id: int | None = None, viewer: Viewer | None = None
) -> QuerySet[Complaint]:
    """The user's visible complaints, newest first; only one case's with ``application_id``."""
    qs = complaints_visible_to(user, viewer)
    if application_id is not None:
        qs = qs.filter(application_id=application_id)
    return qs.order_by("-created_at", "-pk")


def sees_identity(viewer: Viewer, complaint: Complaint, *, reveal: bool | None = None) -> bool:
    """Whether the viewer may learn who complained: everyone who sees the complaint, except the
    provider complained about, unless the rule in force on the day it was received reveals it
    (``reveal``: the rule's answer when the caller already knows it)."""
    if viewer.superuser or viewer.user_id is None:
        return viewer.superuser
    if viewer.user_id in (complaint.complainant_id, complaint.recorded_by_id):
        return True
    if complaint.about != ComplaintAbout.CENTER and complaint.center_id in viewer.center_ids:
        return True
    if complaint.center.region_id in viewer.bureau_region_ids:
        return True
    # what is left is the provider complained about
    if reveal is None:
        reveal = complaint_rule_in_force(
            complaint_region(complaint), complaint.received_on
        ).reveal_complainant
    return reveal


@dataclass(frozen=True)
class ComplaintView:
    """A complaint as one user may see it: the complainant's identity (name, phone, account) and what
    would reveal it (the reply and its letter, addressed to them) only when ``show_identity``."""

    complaint: Complaint
    show_identity: bool
    is_complainant: bool
    overdue: bool

    @property
    def complainant_name(self) -> str | None:
        return self.complaint.complainant_name if self.show_identity else None

    @property
    def complainant_phone(self) -> str | None:
        return self.complaint.complainant_phone if self.show_identity else None

    @property
    def reply(self) -> str | None:
        return self.complaint.reply if self.show_identity else None

    @property
    def reply_letter(self) -> IssuedDocument | None:
        return self.complaint.reply_letter if self.show_identity else None

    @property
    def due(self) -> datetime.date | None:
        """The date the open step is due: accept or reject, or decide."""
        return complaint_due(self.complaint)


def complaint_due(complaint: Complaint) -> datetime.date | None:
    if complaint.status in (ComplaintStatus.RECEIVED, ComplaintStatus.SUPPLEMENT):
        return complaint.accept_due
    if complaint.status == ComplaintStatus.ACCEPTED:
        return complaint.decide_due
    return None


def complaint_overdue(complaint: Complaint, today: datetime.date | None = None) -> bool:
    """An open complaint past the due date of its step (accept or reject; decide)."""
    due = complaint_due(complaint)
    return bool(due and due < (today or timezone.localdate()))


def complaint_view_for(
    user: Any,
    complaint: Complaint,
    *,
    viewer: Viewer | None = None,
    today: datetime.date | None = None,
) -> ComplaintView:
    """The identity-safe view of a complaint the user may see (``complaints_visible_to``)."""
    viewer = viewer or viewer_for(user)
    return ComplaintView(
        complaint=complaint,
        show_identity=sees_identity(viewer, complaint),
        is_complainant=bool(viewer.user_id and complaint.complainant_id == viewer.user_id),
        overdue=complaint_overdue(complaint, today),
    )


def complaint_views_for(user: Any, complaints: list[Complaint]) -> list[ComplaintView]:
    """Views of a page of complaints: the reveal rule read once per region and day, not per row."""
    viewer = viewer_for(user)
    today = timezone.localdate()
    reveal: dict[tuple[int, datetime.date], bool] = {}
    views = []
    for complaint in complaints:
        region = complaint_region(complaint)
        key = (region.pk, complaint.received_on)
        if key not in reveal:
            reveal[key] = complaint_rule_in_force(region, complaint.received_on).reveal_complainant
        views.append(
            ComplaintView(
                complaint=complaint,
                show_identity=sees_identity(viewer, complaint, reveal=reveal[key]),
                is_complainant=bool(viewer.user_id and complaint.complainant_id == viewer.user_id),
                overdue=complaint_overdue(complaint, today),
            )
        )
    return views


def complaint_letter_visible(user: Any, document: IssuedDocument) -> bool:
    """Whether ``user`` may download ``document``, a complaint's reply letter: to whom sees the
    complaint with who made it (the complainant, the handling staff), never to the provider complained
    about unless the rule reveals the complainant (the letter is addressed to them)."""
    try:
        complaint = complaint_get(user=user, pk=int(document.subject_id))
    except (Complaint.DoesNotExist, ValueError):
        return False
    letter = complaint_view_for(user, complaint).reply_letter
    return letter is not None and letter.pk == document.pk


def user_may_supply(user: Any, complaint: Complaint) -> bool:
    """Who answers a notice of missing information: the complainant's account; for a complaint
    recorded for a caller (no account), the staff who recorded it or who handle it."""
    if not user.is_authenticated:
        return False
    if complaint.complainant_id is not None:
        return complaint.complainant_id == user.pk
    return complaint.recorded_by_id == user.pk or user_handles(user, complaint)


def repeat_of(
    *,
    complainant_id: int | None,
    complainant_name: str,
    complainant_phone: str,
    application_id: int | None,
    ground: str,
    about: str,
    center_id: int,
) -> QuerySet[Complaint]:
    """An open complaint the new one repeats (Order No. 149: repeated complaints about the same matter
    are handled together): the same complainant — the same account, or for a complaint recorded for a
    caller the same name and phone — about the same case on the same ground, while it is not yet
    decided or rejected. Without a case, also about the same center and the same kind of target."""
    qs = Complaint.objects.filter(ground=ground, status__in=OPEN_STATUSES)
    if complainant_id is not None:
        qs = qs.filter(complainant_id=complainant_id)
    else:
        qs = qs.filter(
            complainant__isnull=True, complainant_name=complainant_name, complainant_phone=complainant_phone
        )
    if application_id is not None:
        qs = qs.filter(application_id=application_id)
    else:
        qs = qs.filter(application__isnull=True, about=about, center_id=center_id)
    return qs.order_by("pk")


__all__ = [
    "COMPLAINT_RELATED",
    "HANDLE_PERMISSION",
    "HANDLING_ROLES",
    "OPEN_STATUSES",
    "ComplaintView",
    "Viewer",
    "complaint_due",
    "complaint_get",
    "complaint_letter_visible",
    "complaint_overdue",
    "complaint_region",
    "complaint_view_for",
    "complaint_views_for",
    "complaints_list",
    "complaints_visible_to",
    "handling_organisation",
    "repeat_of",
    "sees_identity",
    "user_handles",
    "user_may_supply",
]
