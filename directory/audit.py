"""Audit actions: one enumeration with a translated label each (docs/architecture.md).

Like Django's ``LogEntry`` action flags or Zulip's audit-log event types, every state change is
recorded under one of these codes and never under a free string: the code is stored and returned
by the API (``event``), the label is what people read on the timeline, the task page and the public
progress query. A new kind of change adds a member here, with its label and its zh_Hans translation
(``tests/test_translations.py`` checks that every label has one).

Labels that the public progress query (/track/) shows must never carry personal data: they are
fixed texts, and the audit row's values are never interpolated into them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:  # the stubs are a development tool, not a run-time dependency
    from django_stubs_ext import StrOrPromise


class AuditAction(models.TextChoices):
    # One gettext context for every label, so a translator sees timeline entries, not buttons.
    # --- the directory ----------------------------------------------------------------------
    ORGANISATION_CREATE = "organisation_create", pgettext_lazy("audit action", "Organisation created")
    PROVIDER_CREATE = "provider_create", pgettext_lazy("audit action", "Provider added")
    MEMBERSHIP_GRANT = "membership_grant", pgettext_lazy("audit action", "Role granted")
    MEMBERSHIP_REVOKE = "membership_revoke", pgettext_lazy("audit action", "Role withdrawn")
    CITIZEN_REGISTER = "citizen_register", pgettext_lazy("audit action", "Citizen account registered")

    # --- applications (docs/domain.md) -------------------------------------------------
    APPLICATION_SUBMIT = "application_submit", pgettext_lazy("audit action", "Application submitted")
    # a detainee's application, forwarded by the unit holding them (Art 39)
    APPLICATION_FORWARD = (
        "application_forward",
        pgettext_lazy("audit action", "Application forwarded by the place of custody"),
    )
    APPLICATION_DOCUMENT_ADD = "application_document_add", pgettext_lazy("audit action", "Material uploaded")
    # passed on by the center that received it to the competent center (Art 38)
    APPLICATION_TRANSFER = (
        "application_transfer",
        pgettext_lazy("audit action", "Transferred to the competent center"),
    )
    REVIEW_CLAIM = "review_claim", pgettext_lazy("audit action", "Review started")
    REVIEW_APPROVE = "review_approve", pgettext_lazy("audit action", "Legal aid granted")
    MEANS_PROOF_CONFIRM = "means_proof_confirm", pgettext_lazy("audit action", "Proof of exemption confirmed")
    REVIEW_REFUSE = "review_refuse", pgettext_lazy("audit action", "Legal aid refused")
    REVIEW_REQUEST_SUPPLEMENT = (
        "review_request_supplement",
        pgettext_lazy("audit action", "Supplement requested"),
    )
    REVIEW_PROVISIONAL = "review_provisional", pgettext_lazy("audit action", "Provisional legal aid granted")
    SUPPLEMENT_SUBMIT = "supplement_submit", pgettext_lazy("audit action", "Materials supplemented")
    SUPPLEMENT_EXPIRE = (
        "supplement_expire",
        pgettext_lazy("audit action", "Deemed withdrawn: not supplemented in time"),
    )
    CONFIRM_REVIEW_CONFIRM = (
        "confirm_review_confirm",
        pgettext_lazy("audit action", "Provisional aid confirmed"),
    )
    CONFIRM_REVIEW_REFUSE = "confirm_review_refuse", pgettext_lazy("audit action", "Legal aid terminated")
    OBJECTION_SUBMIT = "objection_submit", pgettext_lazy("audit action", "Objection filed")
    OBJECTION_RECORD_ON_BEHALF = (
        "objection_record_on_behalf",
        pgettext_lazy("audit action", "Written objection recorded on the applicant's behalf"),
    )
    APPLICATION_TERMINATE = (
        "application_terminate",
        pgettext_lazy("audit action", "Legal aid terminated by the center (Art 48)"),
    )
    OBJECTION_UPHOLD = (
        "objection_uphold",
        pgettext_lazy("audit action", "Objection rejected: decision upheld"),
    )
    OBJECTION_CORRECT = (
        "objection_correct",
        pgettext_lazy("audit action", "Objection accepted: decision to be corrected"),
    )

    # --- assignment and handling (docs/domain.md, assignment) -------------------------------
    ASSIGNMENT_BEGIN = "assignment_begin", pgettext_lazy("audit action", "Sent to assignment")
    ASSIGNMENT_OFFER = "assignment_offer", pgettext_lazy("audit action", "Provider assigned")
    ASSIGNMENT_ACCEPT = "assignment_accept", pgettext_lazy("audit action", "Assignment accepted")
    ASSIGNMENT_DECLINE = "assignment_decline", pgettext_lazy("audit action", "Assignment declined")
    ASSIGNMENT_REPLACE = "assignment_replace", pgettext_lazy("audit action", "Provider replaced")
    ASSIGNMENT_CANCEL = "assignment_cancel", pgettext_lazy("audit action", "Assignment withdrawn")
    PROGRESS_NOTE_ADD = "progress_note_add", pgettext_lazy("audit action", "Progress noted")
    CLOSING_REPORT_FILE = "closing_report_file", pgettext_lazy("audit action", "Closing report filed")
    CLOSURE_APPROVE = "closure_approve", pgettext_lazy("audit action", "Case closed")
    CLOSURE_RETURN = "closure_return", pgettext_lazy("audit action", "Closing report returned")
    TERMINATION_REPORT_FILE = (
        "termination_report_file",
        pgettext_lazy("audit action", "Report of the work before the termination filed"),
    )
    TERMINATION_REPORT_APPROVE = (
        "termination_report_approve",
        pgettext_lazy("audit action", "Report of the work before the termination accepted"),
    )
    TERMINATION_REPORT_RETURN = (
        "termination_report_return",
        pgettext_lazy("audit action", "Report of the work before the termination returned"),
    )
    RATING_GIVE = "rating_give", pgettext_lazy("audit action", "Service rated")
    SUBSIDY_OWED = "subsidy_owed", pgettext_lazy("audit action", "Subsidy calculated")
    SUBSIDY_APPROVE = "subsidy_approve", pgettext_lazy("audit action", "Subsidy approved for payment")
    SUBSIDY_PAY = "subsidy_pay", pgettext_lazy("audit action", "Subsidy paid")
    SUBSIDY_STANDARDS_COPY = (
        "subsidy_standards_copy",
        pgettext_lazy("audit action", "Subsidy standards copied to a new period"),
    )
    DUTY_LAWYER_RECORD = "duty_lawyer_record", pgettext_lazy("audit action", "Duty-lawyer day recorded")
    FRAUD_REFERRAL = (
        "fraud_referral",
        pgettext_lazy("audit action", "Referred to the judicial bureau (Art 64)"),
    )

    # --- the annual duty (docs/domain.md, annual duty) ---------------------------------------------
    SERVICE_LOG_SUBMIT = "service_log_submit", pgettext_lazy("audit action", "Public-interest service logged")
    SERVICE_LOG_VERIFY = (
        "service_log_verify",
        pgettext_lazy("audit action", "Public-interest service verified"),
    )
    SERVICE_LOG_REJECT = (
        "service_log_reject",
        pgettext_lazy("audit action", "Public-interest service rejected"),
    )
    DUTY_EXEMPTION_RECORD = (
        "duty_exemption_record",
        pgettext_lazy("audit action", "Exempted from the year's public-interest duty"),
    )
    DUTY_REMINDER_SEND = "duty_reminder_send", pgettext_lazy("audit action", "Reminded of the annual duty")

    # --- fee waivers (docs/domain.md, fee waivers) ---------------------------------------------
    WAIVER_REQUEST = "waiver_request", pgettext_lazy("audit action", "Fee waiver requested")
    WAIVER_APPROVE = (
        "waiver_approve",
        pgettext_lazy("audit action", "Fee waiver approved: handoff letter sent"),
    )
    WAIVER_REFUSE = "waiver_refuse", pgettext_lazy("audit action", "Fee waiver refused")
    WAIVER_CONFIRM = "waiver_confirm", pgettext_lazy("audit action", "Fee recorded by the institution")
    WAIVER_DEFER = "waiver_defer", pgettext_lazy("audit action", "Fee deferred by the institution")
    WAIVER_SETTLE = "waiver_settle", pgettext_lazy("audit action", "Deferred fee settled by the judgment")
    NOTARISATION_LOG = (
        "notarisation_log",
        pgettext_lazy("audit action", "Public-interest notarisation logged"),
    )
    NOTARISATION_VERIFY = (
        "notarisation_verify",
        pgettext_lazy("audit action", "Public-interest notarisation verified"),
    )
    NOTARISATION_REJECT = (
        "notarisation_reject",
        pgettext_lazy("audit action", "Public-interest notarisation rejected"),
    )

    # --- quality and complaints (docs/domain.md, quality; Arts 55, 57, 59; Order No. 149) --------
    COMPLAINT_FILE = "complaint_file", pgettext_lazy("audit action", "Complaint received")
    COMPLAINT_MERGE = "complaint_merge", pgettext_lazy("audit action", "Repeat complaint merged")
    COMPLAINT_SUPPLEMENT_ASK = (
        "complaint_supplement_ask",
        pgettext_lazy("audit action", "Complaint: missing information asked for"),
    )
    COMPLAINT_SUPPLEMENT = (
        "complaint_supplement",
        pgettext_lazy("audit action", "Complaint: missing information supplied"),
    )
    COMPLAINT_ACCEPT = "complaint_accept", pgettext_lazy("audit action", "Complaint accepted")
    COMPLAINT_REJECT = "complaint_reject", pgettext_lazy("audit action", "Complaint not accepted")
    COMPLAINT_DECIDE = "complaint_decide", pgettext_lazy("audit action", "Complaint decided")
    FOLLOW_UP_OPEN = "follow_up_open", pgettext_lazy("audit action", "Follow-up call opened")
    FOLLOW_UP_RECORD = "follow_up_record", pgettext_lazy("audit action", "Follow-up call recorded")
    HEARING_OBSERVE = "hearing_observe", pgettext_lazy("audit action", "Hearing observed")
    FEEDBACK_REQUEST = "feedback_request", pgettext_lazy("audit action", "Agency's view asked for")
    FEEDBACK_ANSWER = "feedback_answer", pgettext_lazy("audit action", "Agency's view given")
    SAMPLING_RUN = "sampling_run", pgettext_lazy("audit action", "Closed files sampled for peer review")
    PEER_REVIEW_SCORE = "peer_review_score", pgettext_lazy("audit action", "Closed file scored")

    # --- collaboration letters between centers (协作函), on the requesting case --------------------
    COLLABORATION_SEND = (
        "collaboration_send",
        pgettext_lazy("audit action", "Collaboration letter sent to another legal aid center"),
    )
    COLLABORATION_DONE = (
        "collaboration_done",
        pgettext_lazy("audit action", "Collaboration letter answered: done"),
    )
    COLLABORATION_REFUSE = (
        "collaboration_refuse",
        pgettext_lazy("audit action", "Collaboration letter answered: not done"),
    )

    # --- consultations (Art 23): online questions, and those given on the hotline, window, station ---
    CONSULTATION_ASK = "consultation_ask", pgettext_lazy("audit action", "Online legal question received")
    CONSULTATION_RECORD = "consultation_record", pgettext_lazy("audit action", "Legal consultation recorded")
    CONSULTATION_ANSWER = (
        "consultation_answer",
        pgettext_lazy("audit action", "Online legal question answered"),
    )
    CONSULTATION_LINK = (
        "consultation_link",
        pgettext_lazy("audit action", "Application filed from the consultation"),
    )

    # --- documents ----------------------------------------------------------------------------
    DOCUMENT_ISSUE = "document_issue", pgettext_lazy("audit action", "Document issued")
    DOCUMENT_REVOKE = "document_revoke", pgettext_lazy("audit action", "Document revoked")


def audit_action_choices() -> Sequence[tuple[str, StrOrPromise]]:
    """The field's choices as a callable: a new action then needs no migration of the audit table."""
    return AuditAction.choices
