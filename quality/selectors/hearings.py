"""Reads of hearing observations and requests for the agency's view (Art 59).

Both belong to a case: whoever may see the case sees them through it (``applications_visible_to``,
applied by the caller that found the case); an agency's officers see the requests addressed to their
agency, and nothing else of the case.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from directory.choices import Role
from directory.selectors import user_center_ids

from ..models import FeedbackRequest, HearingObservation


def hearings_for_case(application_id: int) -> QuerySet[HearingObservation]:
    """The case's hearing observations, the latest hearing first."""
    return (
        HearingObservation.objects.filter(application_id=application_id)
        .select_related("court", "observer", "provider")
        .order_by("-date", "-pk")
    )


def feedback_for_case(application_id: int) -> QuerySet[FeedbackRequest]:
    """The case's requests for an agency's view, the latest first."""
    return (
        FeedbackRequest.objects.filter(application_id=application_id)
        .select_related("agency", "provider", "requested_by", "answered_by")
        .order_by("-requested_at", "-pk")
    )


def feedback_addressed_to(user: AbstractBaseUser) -> QuerySet[FeedbackRequest]:
    """The requests addressed to the agencies where the user is an officer."""
    agencies = user_center_ids(user, roles=(Role.AGENCY_OFFICER,))
    return FeedbackRequest.objects.filter(agency_id__in=agencies).select_related(
        "agency", "application", "provider"
    )
