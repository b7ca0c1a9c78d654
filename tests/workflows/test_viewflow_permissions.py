"""viewflow's own permission checks work on every node of every flow (docs/architecture.md, viewflow).

viewflow calls a node's ``can_assign``, ``can_execute`` and ``can_view`` with the task as stored,
whose ``process`` is a plain ``Process``: the ``.Permission(..., obj=...)`` lambdas must coerce it.
Every human node of every registered flow needs a task here; a new node without one fails the test.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from viewflow.workflow.models import Task

from aid_cases.models import Application
from directory.choices import OrganisationKind, Role
from directory.services import membership_grant
from quality.models import FollowUpRule, PeerReview, Sampling
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, region
from tests.flowkit.flows import PeerCheckFlow
from workflows import registry
from workflows.flows.peer_review import PeerReviewFlow
from workflows.follow_ups import feedback_request_submit, follow_up_start

from .test_aid_flow_api import complete, file, inbox, queue, review_task

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The user as a new request loads it: no permission cache carried over."""
    return get_user_model().objects.get(pk=user.pk)


def _lawyer():
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="测试律师事务所", region=region("zhushan")
    )
    user = UserFactory(username="lawyer_perm")
    membership_grant(acting_user=None, user=user, organisation=firm, role=Role.PROVIDER)
    provider = ProviderFactory(organisation=firm, user=user, regions_served=[region("zhushan")])
    return user, provider


def _drive(actors) -> dict[str, int]:
    """A stored task at every human node: review, supplement, confirm_review, decide_objection, the
    assignment's, the fee waiver's, the service log's and the peer check."""
    ids = {}
    fresh = file(actors)
    ids["AidApplicationFlow.review"] = review_task(actors, fresh["id"])["id"]
    supplemented = file(actors)
    complete(
        actors,
        actors.reviewer,
        review_task(actors, supplemented["id"])["id"],
        outcome="request_supplement",
        missing_items=["收入证明"],
    )
    ids["AidApplicationFlow.supplement"] = next(
        t["id"] for t in inbox(actors, actors.applicant) if t["name"] == "supplement"
    )
    urgent = file(actors, urgent_deadline=(timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    assert (
        complete(
            actors, actors.reviewer, review_task(actors, urgent["id"])["id"], outcome="provisional"
        ).status_code
        == 200
    )
    ids["AidApplicationFlow.confirm_review"] = next(
        t["id"] for t in queue(actors, actors.reviewer) if t["name"] == "confirm_review"
    )
    refused = file(actors)
    complete(
        actors, actors.reviewer, review_task(actors, refused["id"])["id"], outcome="refuse", reason="不符合"
    )
    actors.api(actors.applicant).post(
        f"/api/v1/applications/{refused['id']}/objection/", {"reason": "不服"}, format="json"
    )
    ids["ObjectionFlow.decide_objection"] = queue(actors, actors.bureau_officer)[0]["id"]
    # assignment and handling: assign (unowned), accept and close_report (the lawyer's), review_closure
    lawyer_user, lawyer = _lawyer()
    cases = []
    for _ in range(3):
        case = file(actors)
        complete(actors, actors.reviewer, review_task(actors, case["id"])["id"], outcome="approve")
        cases.append(case["id"])
    assign_ids = {
        t["application_id"]: t["id"] for t in queue(actors, actors.reviewer) if t["name"] == "assign"
    }
    ids["AssignmentFlow.assign"] = assign_ids[cases[0]]
    for case_id in cases[1:]:
        assert (
            complete(actors, actors.reviewer, assign_ids[case_id], provider_id=lawyer.pk).status_code == 200
        )
    offers = {t["application_id"]: t["id"] for t in inbox(actors, lawyer_user) if t["name"] == "accept"}
    ids["AssignmentFlow.accept"] = offers[cases[1]]
    assert complete(actors, lawyer_user, offers[cases[2]], accept=True).status_code == 200
    (report,) = [t for t in inbox(actors, lawyer_user) if t["name"] == "close_report"]
    ids["AssignmentFlow.close_report"] = report["id"]
    # a second close_report on its own case, filed: the review_closure
    case = file(actors)
    complete(actors, actors.reviewer, review_task(actors, case["id"])["id"], outcome="approve")
    (assign,) = [t for t in queue(actors, actors.reviewer) if t["application_id"] == case["id"]]
    complete(actors, actors.reviewer, assign["id"], provider_id=lawyer.pk)
    (offer,) = [t for t in inbox(actors, lawyer_user) if t["application_id"] == case["id"]]
    complete(actors, lawyer_user, offer["id"], accept=True)
    (report,) = [t for t in inbox(actors, lawyer_user) if t["application_id"] == case["id"]]
    complete(actors, lawyer_user, report["id"], outcome="won", summary="胜诉", hours="3")
    ids["AssignmentFlow.review_closure"] = next(
        t["id"] for t in queue(actors, actors.reviewer) if t["name"] == "review_closure"
    )
    # two terminated cases the lawyer had accepted: one whose report of the work waits to be filed,
    # one whose report waits for the center's review
    terminated = []
    for _ in range(2):
        case = file(actors)
        complete(actors, actors.reviewer, review_task(actors, case["id"])["id"], outcome="approve")
        (assign,) = [t for t in queue(actors, actors.reviewer) if t["application_id"] == case["id"]]
        complete(actors, actors.reviewer, assign["id"], provider_id=lawyer.pk)
        (offer,) = [t for t in inbox(actors, lawyer_user) if t["application_id"] == case["id"]]
        complete(actors, lawyer_user, offer["id"], accept=True)
        ended = actors.api(actors.reviewer).post(
            f"/api/v1/applications/{case['id']}/terminate/",
            {"ground": "own_lawyer", "reason": "受援人自行委托律师"},
            format="json",
        )
        assert ended.status_code == 200, ended.content
        terminated.append(case["id"])
    work = {
        t["application_id"]: t["id"] for t in inbox(actors, lawyer_user) if t["name"] == "termination_report"
    }
    ids["TerminationReportFlow.termination_report"] = work[terminated[0]]
    assert (
        complete(actors, lawyer_user, work[terminated[1]], summary="会见一次", hours="2").status_code == 200
    )
    ids["TerminationReportFlow.review_termination_report"] = next(
        t["id"] for t in queue(actors, actors.reviewer) if t["name"] == "review_termination_report"
    )
    actors.lawyer_user = lawyer_user
    # fee waivers on the case the lawyer handles: one awaiting review, one sent to the notary office
    notary = OrganisationFactory(kind=OrganisationKind.NOTARY, name="测试公证处", region=region("jdz"))
    actors.notary_staff = UserFactory(username="notary_perm")
    membership_grant(
        acting_user=None, user=actors.notary_staff, organisation=notary, role=Role.INSTITUTION_STAFF
    )
    waiver = {
        "kind": "notary",
        "institution_id": notary.pk,
        "service": "继承权公证",
        "standard_fee": "600.00",
    }
    for treatment in ("waive", "reduce"):
        asked = actors.api(lawyer_user).post(
            f"/api/v1/applications/{cases[2]}/fee-waivers/",
            {**waiver, "treatment": treatment, "requested_fee": "100.00" if treatment == "reduce" else None},
            format="json",
        )
        assert asked.status_code == 201, asked.content
    first, second = [t for t in queue(actors, actors.reviewer) if t["name"] == "review_waiver"]
    ids["FeeWaiverFlow.review_waiver"] = first["id"]
    assert complete(actors, actors.reviewer, second["id"], approve=True).status_code == 200
    ids["FeeWaiverFlow.confirm_waiver"] = next(
        t["id"] for t in queue(actors, actors.notary_staff) if t["name"] == "confirm_waiver"
    )
    # the lawyer's public-interest service log, awaiting the center's verification (no case)
    logged = actors.api(lawyer_user).post(
        "/api/v1/service-logs/",
        {
            "activity": "consultation",
            "date": timezone.localdate().isoformat(),
            "hours": "2",
            "organiser": "珠山区法律援助工作站",
            "description": "值班接待法律咨询",
        },
        format="json",
    )
    assert logged.status_code == 201, logged.content
    ids["ServiceLogFlow.verify_service_log"] = next(
        t["id"] for t in queue(actors, actors.reviewer) if t["service_log_id"] == logged.json()["id"]
    )
    # a recipient's complaints about the lawyer handling cases[2]: one awaiting acceptance by the
    # center's director, one accepted and awaiting the director's decision
    for ground in ("neglect", "delay"):
        filed_complaint = actors.api(actors.applicant).post(
            "/api/v1/complaints/",
            {"about": "provider", "application_id": cases[2], "ground": ground, "facts": "律师不联系"},
            format="json",
        )
        assert filed_complaint.status_code == 201, filed_complaint.content
    first, second = [t for t in queue(actors, actors.director) if t["name"] == "accept_complaint"]
    ids["ComplaintFlow.accept_complaint"] = first["id"]
    assert complete(actors, actors.director, second["id"], accept=True).status_code == 200
    ids["ComplaintFlow.decide_complaint"] = next(
        t["id"] for t in inbox(actors, actors.director) if t["name"] == "decide_complaint"
    )
    # a follow-up call during the handled case (the rule row allows one) and a court's view asked on it
    FollowUpRule.objects.create(mid_case=True, valid_from=datetime.date(2022, 1, 1))
    handled = Application.objects.get(pk=cases[2])
    follow_up_start(acting_user=actors.reviewer, application=handled, point="mid_case")
    ids["FollowUpFlow.follow_up"] = next(
        t["id"] for t in queue(actors, actors.reviewer) if t["name"] == "follow_up"
    )
    court = OrganisationFactory(kind=OrganisationKind.COURT, name="测试法院", region=region("jdz"))
    actors.court_officer = UserFactory(username="court_perm")
    membership_grant(
        acting_user=None, user=actors.court_officer, organisation=court, role=Role.AGENCY_OFFICER
    )
    feedback_request_submit(
        acting_user=actors.reviewer, application=handled, agency_id=court.pk, question="请提出意见"
    )
    ids["FeedbackFlow.answer_feedback"] = next(
        t["id"] for t in queue(actors, actors.court_officer) if t["name"] == "answer_feedback"
    )
    # a closed file sampled for peer review, assigned to the director
    sampling = Sampling.objects.create(
        center=actors.center,
        period_from=timezone.localdate(),
        period_to=timezone.localdate(),
        count=1,
        seed=1,
        run_by=actors.director,
    )
    review = PeerReview.objects.create(
        sampling=sampling,
        application_id=fresh["id"],
        center=actors.center,
        reviewer=actors.director,
        reviewer_center=actors.center,
        items=[{"code": "file", "label": "案卷质量", "max_points": "100"}],
    )
    PeerReviewFlow.start.run(review=review)
    ids["PeerReviewFlow.peer_review"] = next(
        t["id"] for t in inbox(actors, actors.director) if t["name"] == "peer_review"
    )
    # a citizen's online question, waiting for its answer at the center (no case)
    asked = actors.api(actors.applicant).post(
        "/api/v1/consultations/",
        {"region": "zhushan", "matter_type": "maintenance", "question": "子女不付赡养费怎么办？"},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    ids["ConsultationFlow.answer_consultation"] = next(
        t["id"] for t in queue(actors, actors.reviewer) if t["consultation_id"] == asked.json()["id"]
    )
    PeerCheckFlow.start.run(application=Application.objects.get(pk=fresh["id"]))
    ids["PeerCheckFlow.review"] = next(
        t["id"] for t in queue(actors, actors.reviewer) if t["title"] == "Peer check of the decision"
    )
    # a request for help to another center (协作函): answered there
    changjiang = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="测试昌江中心", region=region("changjiang")
    )
    actors.changjiang_reviewer = UserFactory(username="reviewer_cj_perm")
    membership_grant(
        acting_user=None, user=actors.changjiang_reviewer, organisation=changjiang, role=Role.REVIEWER
    )
    sent = actors.api(actors.reviewer).post(
        "/api/v1/collaboration-letters/",
        {
            "application_id": cases[2],
            "to_center_id": changjiang.pk,
            "request": "evidence",
            "details": "请协助调取证据",
        },
        format="json",
    )
    assert sent.status_code == 201, sent.content
    ids["CollaborationFlow.answer_collaboration"] = next(
        t["id"] for t in queue(actors, actors.changjiang_reviewer) if t["name"] == "answer_collaboration"
    )
    return ids


def test_can_assign_can_execute_and_can_view_on_every_node_of_every_flow(actors):
    ids = _drive(actors)
    # who may take each unowned task; who holds each assigned one
    claimers = {
        "AidApplicationFlow.review": actors.reviewer,
        "AidApplicationFlow.confirm_review": actors.director,
        "ObjectionFlow.decide_objection": actors.bureau_officer,
        "PeerCheckFlow.review": actors.reviewer2,
        "AssignmentFlow.assign": actors.reviewer,
        "AssignmentFlow.review_closure": actors.director,
        "TerminationReportFlow.review_termination_report": actors.reviewer2,
        "FeeWaiverFlow.review_waiver": actors.director,
        "FeeWaiverFlow.confirm_waiver": actors.notary_staff,
        "ServiceLogFlow.verify_service_log": actors.reviewer2,
        "ComplaintFlow.accept_complaint": actors.director,
        "FollowUpFlow.follow_up": actors.reviewer2,
        "FeedbackFlow.answer_feedback": actors.court_officer,
        "ConsultationFlow.answer_consultation": actors.reviewer2,
        "CollaborationFlow.answer_collaboration": actors.changjiang_reviewer,
    }
    holders = {
        "AidApplicationFlow.supplement": actors.applicant,
        "AssignmentFlow.accept": actors.lawyer_user,
        "AssignmentFlow.close_report": actors.lawyer_user,
        "TerminationReportFlow.termination_report": actors.lawyer_user,
        "ComplaintFlow.decide_complaint": actors.director,
        "PeerReviewFlow.peer_review": actors.director,
    }
    outsiders = [actors.other_reviewer, actors.other_applicant, actors.clerk]
    flows = {spec.node.flow_class for spec in registry.specs()}
    assert {"AidApplicationFlow", "ObjectionFlow", "PeerCheckFlow"} <= {f.__name__ for f in flows}

    checked = set()
    for flow_class in flows:
        for node in flow_class.instance.nodes():
            key = f"{flow_class.__name__}.{node.name}"
            if not hasattr(node, "can_assign"):
                continue
            assert key in ids, f"no stored task for the human node {key}: add one to _drive()"
            task = Task.objects.get(pk=ids[key])  # as viewflow loads it: task.process is a plain Process
            assert type(task.process).__name__ == "Process"
            if key in holders:
                holder = _fresh(holders[key])
                assert node.can_execute(holder, task) is True, key
                assert node.can_assign(holder, task) is False, key  # already assigned
            else:
                claimer = _fresh(claimers[key])
                assert node.can_assign(claimer, task) is True, key
                assert node.can_execute(claimer, task) is False, key  # not before claiming
            for outsider in outsiders:
                if key == "ConsultationFlow.answer_consultation" and outsider is actors.clerk:
                    continue  # whoever works at the center answers its questions, its clerks too
                assert node.can_assign(_fresh(outsider), task) is False, (key, outsider.username)
                assert node.can_execute(_fresh(outsider), task) is False, (key, outsider.username)
            checked.add(key)
    assert checked == set(ids)


def test_can_view_follows_the_case_on_every_stored_task(actors):
    _drive(actors)
    reviewer, outsider = _fresh(actors.reviewer), _fresh(actors.other_reviewer)
    tasks = list(Task.objects.all())
    assert len({t.flow_task for t in tasks}) >= 10  # starts, views, gates, functions and ends
    for task in tasks:
        node = task.flow_task
        assert node.can_view(reviewer, task) is True, node
        assert node.can_view(outsider, task) is False, node
