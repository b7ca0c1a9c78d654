"""Orchestration of quality supervision (Art 57, 59): follow-up calls and the agency's view, each with
its process, and the complaint a "the provider asked for money" answer opens — all or nothing.

- ``follow_up_start``: a reviewer opens a call (mid-case, or after closure again when the recipient was
  not reached) and its ``follow_up`` task.
- ``follow_up_after_closure`` / ``follow_up_after_acceptance``: the system's calls, queued by the
  assignment flow's ``review_closure`` and ``accept`` handlers to start once their step's lock is
  released: after closure always, after acceptance when the rule in force says so. They do nothing when
  no call is due.
- ``follow_up_answer``: the ``follow_up`` task's work: the answers, and for ``asked_for_money`` a
  complaint about the provider (``source`` follow_up, ground fees_taken, in the recipient's name)
  started through ``workflows.complaints.complaint_submit`` and linked on the call.
- ``feedback_request_submit``: the center asks a court or procuratorate; its officers' task.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext
from viewflow.workflow.lock import after_lock_released

from aid_cases.models import Application
from core.errors import Conflict
from core.transactions import all_or_nothing
from quality.choices import ComplaintAbout, ComplaintGround, ComplaintSource, FollowUpPoint
from quality.models import FeedbackRequest, FollowUp
from quality.services import follow_ups, hearings

from .flows.feedback import FeedbackFlow
from .flows.follow_up import FollowUpFlow

logger = logging.getLogger(__name__)


def follow_up_start(*, acting_user: AbstractBaseUser, application: Application, point: Any) -> FollowUp:
    """Open a follow-up call on the case and its ``follow_up`` task for the center, all or nothing
    (``quality.services.follow_ups.follow_up_open`` says what is refused)."""
    with all_or_nothing():
        follow_up = follow_ups.follow_up_open(acting_user=acting_user, application=application, point=point)
        FollowUpFlow.start.run(follow_up=follow_up)
    return follow_up


def _start_due(application_id: int, point: str) -> FollowUp | None:
    """Open the system's call at ``point`` when it is due, and its task. It runs after the step that
    queued it, even when that step failed and rolled back: the service re-reads the case under its row
    lock and opens nothing unless the case is where the call belongs."""
    try:
        with all_or_nothing():
            follow_up = follow_ups.follow_up_open_if_due(
                application=Application(pk=application_id), point=point
            )
            if follow_up is not None:
                FollowUpFlow.start.run(follow_up=follow_up)
    except (Conflict, ValidationError, Application.DoesNotExist) as exc:
        # The step that queued this has committed (the case is closed, the offer accepted): a call a
        # colleague opened meanwhile, or a rule row changed since, must not turn it into an error.
        logger.warning("follow-up call at %s not opened on application %s: %s", point, application_id, exc)
        return None
    return follow_up


def follow_up_after_closure(application: Application) -> None:
    """The call after closure, opened by the system once the center has accepted the closing report.

    Queued with ``after_lock_released``, as the flows start another flow's process: it runs under its
    own lock once the closing step's is released (so the call is among the step's next tasks), and does
    nothing when the case is not closed."""
    application_id = application.pk
    after_lock_released(lambda: _start_due(application_id, FollowUpPoint.CLOSURE))


def follow_up_after_acceptance(application: Application) -> None:
    """The call after the provider accepts the case, when the rule in force makes one (queued as
    ``follow_up_after_closure`` is). Most rules make none: asked first, from the cached rule row,
    that costs no transaction and no statement; the service asks again under the case's lock."""
    rule = follow_ups.follow_up_rule_in_force(application.region_id, timezone.localdate())
    if not follow_ups.follow_up_point_allowed(rule, FollowUpPoint.ASSIGNMENT):
        return
    application_id = application.pk
    after_lock_released(lambda: _start_due(application_id, FollowUpPoint.ASSIGNMENT))


def _complaint_facts(follow_up: FollowUp) -> str:
    # stored as the director and the bureau read it, whatever the caller's language
    with translation.override("zh-hans"):
        facts = gettext(
            "In the follow-up call of %(date)s the recipient said that the provider asked for money or gifts."
        ) % {"date": timezone.localtime(follow_up.recorded_at).date().isoformat()}
    if follow_up.comment:
        facts = f"{facts}\n{follow_up.comment}"
    return facts


def follow_up_answer(*, acting_user: AbstractBaseUser, follow_up: FollowUp, **answers: Any) -> FollowUp:
    """Record the call's answers; when the provider asked for money or gifts, open a complaint about
    them in the recipient's name and link it on the call — all or nothing (a complaint that cannot be
    filed leaves the call unrecorded, and the task open)."""
    with all_or_nothing():
        follow_up = follow_ups.follow_up_record(acting_user=acting_user, follow_up=follow_up, **answers)
        if follow_up.asked_for_money:
            # imported here: the complaints' flow is its own module, and imports the flows package too
            from .complaints import complaint_submit

            application = follow_up.application
            complaint, _created = complaint_submit(
                acting_user=acting_user,
                about=ComplaintAbout.PROVIDER,
                application=application,
                provider=follow_up.provider,
                center=application.center,
                ground=ComplaintGround.FEES_TAKEN,
                facts=_complaint_facts(follow_up),
                source=ComplaintSource.FOLLOW_UP,
                complainant_name=application.applicant.name,
                complainant_phone=application.applicant.phone,
                on_behalf=True,
            )
            follow_ups.follow_up_complaint_link(follow_up=follow_up, complaint=complaint)
    return follow_up


def feedback_request_submit(
    *, acting_user: AbstractBaseUser, application: Application, **fields: Any
) -> FeedbackRequest:
    """Ask a court or procuratorate for its view of the case and start its officers' ``answer_feedback``
    task, all or nothing (``quality.services.hearings.feedback_request`` says what is refused)."""
    with all_or_nothing():
        feedback = hearings.feedback_request(acting_user=acting_user, application=application, **fields)
        FeedbackFlow.start.run(feedback=feedback)
    return feedback
