"""Writes for aid applications: keyword-only, one transaction, an audit row each (docs/architecture.md).

Each rule about an application has its home here (or on the model, for single fields): the site's
forms and the API's serializers only parse input, call these services and map the
``ValidationError`` they raise onto their own fields.

- ``intake``: filing, the means-test preview, uploads, tracking numbers;
- ``review``: the reviewer's decisions, provisional aid (Art 44) and its confirmation;
- ``supplements``: the applicant's one-time supplement and its expiry;
- ``objections``: objections against a refusal or a termination, decided by the bureau (Art 49).
"""

from .intake import (
    ApplicantData,
    MatterData,
    RepresentativeData,
    application_document_add,
    application_submit,
    means_for,
    means_preview,
    tracking_no_next,
    user_may_file,
)
from .objections import (
    ObjectionState,
    application_for_objection,
    decision_in_force,
    further_remedy,
    may_record_on_behalf,
    objection_decide,
    objection_on_behalf_possible,
    objection_possible,
    objection_state,
    objection_submit,
)
from .review import (
    provisional_allowed,
    provisional_threshold,
    review_approve,
    review_confirm,
    review_provisional,
    review_refuse,
    review_request_supplement,
    review_start,
)
from .status import application_set_status
from .supplements import supplement_expire, supplement_materials, supplement_submit
from .termination import TERMINATION_GROUNDS, application_terminate, termination_possible

__all__ = [
    "ApplicantData",
    "MatterData",
    "RepresentativeData",
    "application_document_add",
    "application_set_status",
    "application_submit",
    "means_for",
    "means_preview",
    "ObjectionState",
    "decision_in_force",
    "further_remedy",
    "objection_decide",
    "application_for_objection",
    "may_record_on_behalf",
    "objection_on_behalf_possible",
    "TERMINATION_GROUNDS",
    "application_terminate",
    "termination_possible",
    "objection_state",
    "objection_possible",
    "objection_submit",
    "provisional_allowed",
    "provisional_threshold",
    "review_approve",
    "review_confirm",
    "review_provisional",
    "review_refuse",
    "review_request_supplement",
    "review_start",
    "supplement_expire",
    "supplement_materials",
    "supplement_submit",
    "tracking_no_next",
    "user_may_file",
]
