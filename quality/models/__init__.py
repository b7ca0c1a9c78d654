"""Quality supervision and complaints (docs/domain.md, quality and complaints; Legal Aid Law Arts 55,
57, 59; Order No. 149 of the Ministry of Justice): one module per part."""

from .complaints import Complaint, ComplaintRule
from .follow_ups import FollowUp, FollowUpRule
from .hearings import FeedbackAssessment, FeedbackRequest, FeedbackStatus, HearingObservation
from .peer_review import GradeBand, PeerReview, Sampling, SamplingRule, ScorecardItem

__all__ = [
    "Complaint",
    "ComplaintRule",
    "FeedbackAssessment",
    "FeedbackRequest",
    "FeedbackStatus",
    "FollowUp",
    "FollowUpRule",
    "GradeBand",
    "HearingObservation",
    "PeerReview",
    "Sampling",
    "SamplingRule",
    "ScorecardItem",
]
