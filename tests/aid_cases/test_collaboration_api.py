"""Collaboration letters between centers (法律援助协作函) end to end through the API (docs/api.md, Intake across
the city): a 珠山 reviewer asks 昌江 for help with a case, 昌江's reviewer answers in its queue, the case's
timeline shows both, the letter is issued with its verification code; bad input saves nothing; an answer
is given once; a center outside the city is answered by hand."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from pypdf import PdfReader
from viewflow.workflow.models import Process, Task

from aid_cases.models import Application, CollaborationLetter
from directory.choices import OrganisationKind, Role
from directory.models import AuditEvent
from documents.models import IssuedDocument
from documents.services import document_pdf
from tests.factories import OrganisationFactory, region
from tests.world import application_payload, approved_case, complete, tasks

pytestmark = pytest.mark.django_db

# --- helpers the other collaboration tests share ----------------------------------------------------

MISSING = object()
DETAILS = "请协助向昌江区某陶瓷厂调取申请人2025年1月至6月的工资发放记录。"


def add_changjiang(world, make_member):
    """The 昌江 center, asked for help, with its reviewer, director and clerk."""
    world.changjiang = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="昌江区法律援助中心", region=region("changjiang")
    )
    world.cj_reviewer = make_member(Role.REVIEWER, world.changjiang, username="reviewer_changjiang")
    world.cj_director = make_member(Role.DIRECTOR, world.changjiang, username="director_changjiang")
    world.cj_clerk = make_member(Role.CLERK, world.changjiang, username="clerk_changjiang")
    return world


@pytest.fixture
def world(handling_world, make_member):
    return add_changjiang(handling_world, make_member)


def send(world, case_id, user=None, **overrides):
    """POST a letter from 珠山 to 昌江; an override of ``MISSING`` leaves the field out of the body."""
    body = {
        "application_id": case_id,
        "to_center_id": world.changjiang.pk,
        "request": "evidence",
        "details": DETAILS,
        "due": None,
    }
    body.update(overrides)
    body = {key: value for key, value in body.items() if value is not MISSING}
    return world.api(user or world.reviewer).post("/api/v1/collaboration-letters/", body, format="json")


def answer_task(world, application_id, user=None):
    """The receiving center's ``answer_collaboration`` task of the case, from its queue."""
    (task,) = tasks(world, user or world.cj_reviewer, "queue", application_id, "answer_collaboration")
    return task


def changjiang_case(world, n: int = 1) -> Application:
    """A granted case of 昌江's own (the workflow is not the point here)."""
    from decimal import Decimal

    from django.utils import timezone

    from aid_cases.models import Applicant

    return Application.objects.create(
        tracking_no=f"CJ-COLLAB-{n:04d}",
        region=region("changjiang"),
        center=world.changjiang,
        channel="window",
        filed_by=world.cj_clerk,
        applicant=Applicant.objects.create(name=f"昌江申请人{n}"),
        matter_category="civil",
        matter_type="wage_arrears",
        matter_summary="拖欠工资",
        household_size=1,
        monthly_income=Decimal("0"),
        pledged_at=timezone.now(),
        means_result="pass",
        received_on=timezone.localdate(),
        status="approved",
    )


def under_review_case(world) -> int:
    filed = world.api(world.applicant).post("/api/v1/applications/", application_payload(), format="json")
    assert filed.status_code == 201, filed.content
    return filed.json()["id"]


def letter_text(letter: CollaborationLetter) -> str:
    document = IssuedDocument.objects.get(code=letter.letter_code)
    text = "".join(page.extract_text() for page in PdfReader(document_pdf(document=document)).pages)
    return text.replace("\n", "").replace(" ", "")


def nothing_saved(before: dict) -> None:
    assert counts() == before


def counts() -> dict:
    letter_type = ContentType.objects.get_for_model(CollaborationLetter)
    return {
        "letters": CollaborationLetter.objects.count(),
        "audit": AuditEvent.objects.filter(action__startswith="collaboration_").count(),
        "documents": IssuedDocument.objects.filter(kind="collaboration_letter").count(),
        "processes": Process.objects.filter(artifact_content_type=letter_type).count(),
    }


# --- the round trip ---------------------------------------------------------------------------------


def test_zhushan_asks_changjiang_and_changjiang_answers_in_its_queue(world):
    case_id = approved_case(world)
    response = send(world, case_id)
    assert response.status_code == 201, response.content
    body = response.json()
    letter = CollaborationLetter.objects.get(pk=body["id"])
    assert body["status"] == "sent" and body["due"] == letter.due.isoformat()
    assert body["direction"] == "sent" and body["application_id"] == case_id
    assert body["to_center"] == {"id": world.changjiang.pk, "name": "昌江区法律援助中心"}
    assert letter.from_center == world.center and letter.sent_by == world.reviewer

    # 昌江's reviewer finds it in the queue, with the requesting case's id, due on the letter's day
    task = answer_task(world, case_id)
    assert task["application_id"] == case_id and task["due"] == body["due"] and task["owner"] is None
    assert task["name"] == "answer_collaboration"
    # the requesting center's reviewers have no such task; 昌江 cannot open the case itself
    assert tasks(world, world.reviewer, "queue", case_id, "answer_collaboration") == []
    assert world.api(world.cj_reviewer).get(f"/api/v1/applications/{case_id}/").status_code == 404
    assert (
        world.api(world.cj_reviewer).get(f"/api/v1/collaboration-letters/{letter.pk}/").json()["direction"]
        == "received"
    )

    done = complete(
        world, world.cj_reviewer, task["id"], done=True, result="已调取工资发放记录6页，随函寄回。"
    )
    assert done.status_code == 200, done.content
    letter.refresh_from_db()
    assert letter.status == "done" and letter.answered_by == world.cj_reviewer
    assert letter.result == "已调取工资发放记录6页，随函寄回。" and letter.reason == ""
    detail = world.api(world.reviewer).get(f"/api/v1/collaboration-letters/{letter.pk}/").json()
    assert detail["status"] == "done" and detail["result"] == letter.result and detail["answered_at"]

    # the requesting case's timeline shows the request and the answer
    timeline = world.api(world.reviewer).get(f"/api/v1/applications/{case_id}/").json()["timeline"]
    events = [entry["event"] for entry in timeline]
    assert events.index("collaboration_send") < events.index("collaboration_done")

    # the letter: issued on the requesting case by the requesting center, with its verification code
    document = IssuedDocument.objects.get(code=letter.letter_code)
    assert document.kind == "collaboration_letter" and document.issuer == world.center
    assert (document.subject_type, document.subject_id) == ("aid_cases.application", str(case_id))
    assert detail["letter"] == {
        "code": letter.letter_code,
        "url": f"/api/v1/collaboration-letters/{letter.pk}/letter/",
    }
    text = letter_text(letter)
    assert document.display_code in text and letter.number in text
    assert "法律援助协作函" in text and "调查取证" in text and "昌江区法律援助中心" in text
    assert Application.objects.get(pk=case_id).tracking_no in text
    assert "吕春花" not in text  # the letter names the case, not the applicant
    for user in (world.reviewer, world.cj_reviewer):
        pdf = world.api(user).get(f"/api/v1/collaboration-letters/{letter.pk}/letter/")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf", user.username
        # and through the documents endpoint, as every letter
        same = world.api(user).get(f"/api/v1/documents/{letter.letter_code}/")
        assert same.status_code == 200 and same["Content-Type"] == "application/pdf", user.username
    # the receiving center reads that letter, not the case's others (its receipt)
    receipt = IssuedDocument.objects.get(subject_id=str(case_id), kind="receipt")
    assert world.api(world.cj_reviewer).get(f"/api/v1/documents/{receipt.code}/").status_code == 404


def test_refused_without_reasons_is_400_and_with_them_it_is_kept(world):
    case_id = under_review_case(world)
    letter_id = send(
        world, case_id, request="visit", details="请走访申请人所在社区核实家庭经济状况。"
    ).json()["id"]
    task = answer_task(world, case_id)
    refused = complete(world, world.cj_reviewer, task["id"], done=False, reason="")
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    assert CollaborationLetter.objects.get(pk=letter_id).status == "sent"
    assert not AuditEvent.objects.filter(action="collaboration_refuse").exists()
    # done without a result is 400 too
    assert "result" in complete(world, world.cj_reviewer, task["id"], done=True).json()["errors"]
    response = complete(
        world, world.cj_reviewer, task["id"], done=False, reason="该社区已整体拆迁，无法走访。"
    )
    assert response.status_code == 200, response.content
    letter = CollaborationLetter.objects.get(pk=letter_id)
    assert (
        letter.status == "refused" and letter.reason == "该社区已整体拆迁，无法走访。" and letter.result == ""
    )
    events = [
        e["event"]
        for e in world.api(world.reviewer).get(f"/api/v1/applications/{case_id}/").json()["timeline"]
    ]
    assert "collaboration_send" in events and "collaboration_refuse" in events


def test_answered_twice_is_409(world):
    from aid_cases.services.collaboration import collaboration_letter_answer
    from core.errors import Conflict

    case_id = approved_case(world)
    letter_id = send(world, case_id).json()["id"]
    task = answer_task(world, case_id)
    assert complete(world, world.cj_reviewer, task["id"], done=True, result="已完成。").status_code == 200
    again = complete(world, world.cj_director, task["id"], done=False, reason="重复")
    assert again.status_code in (404, 409)  # the finished task is no one's to claim any more
    assert complete(world, world.cj_reviewer, task["id"], done=False, reason="重复").status_code == 409
    # the service itself, whoever calls it: once only
    with pytest.raises(Conflict):
        collaboration_letter_answer(
            acting_user=world.cj_director,
            letter=CollaborationLetter.objects.get(pk=letter_id),
            done=False,
            reason="重复",
        )
    letter = CollaborationLetter.objects.get(pk=letter_id)
    assert letter.status == "done" and letter.answered_by == world.cj_reviewer
    assert AuditEvent.objects.filter(action__in=["collaboration_done", "collaboration_refuse"]).count() == 1


# --- bad input: 400, nothing saved --------------------------------------------------------------------


def test_to_its_own_center_is_400_and_nothing_is_saved(world):
    case_id = approved_case(world)
    before = counts()
    response = send(world, case_id, to_center_id=world.center.pk)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["to_center_id"]
    nothing_saved(before)


def test_every_problem_at_once_and_nothing_saved(world):
    case_id = approved_case(world)
    before = counts()
    response = send(
        world, case_id, to_center_id=world.bureau.pk, request="coffee", details="  ", due="2020-01-01"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"to_center_id", "request", "details", "due"}
    # neither a center nor an outside name; both
    assert set(send(world, case_id, to_center_id=None).json()["errors"]) == {"to_center_id"}
    both = send(world, case_id, to_outside_name="南昌市法律援助中心")
    assert set(both.json()["errors"]) == {"to_outside_name"}
    nothing_saved(before)


@pytest.mark.parametrize(
    "overrides",
    [
        {"to_center_id": 999999},
        {"to_center_id": "abc"},
        {"to_center_id": 2**40},
        {"to_center_id": -1},
        {"request": None},
        {"details": MISSING},
        {"details": "x" * 4001},
        {"due": "2026-02-30"},
        {"due": "9999-12-31"},
        {"due": 20260101},
        {"to_outside_name": ["a"]},
        {"to_center_id": None, "to_outside_name": "外" * 129},
        {"application_id": "x"},
        {"application_id": MISSING},
    ],
)
def test_hostile_input_is_400_never_500(world, overrides):
    case_id = approved_case(world)
    before = counts()
    response = send(world, case_id, **overrides)
    assert response.status_code == 400, response.content
    assert "errors" in response.json()
    nothing_saved(before)


def test_a_lone_surrogate_is_400(world):
    case_id = approved_case(world)
    before = counts()
    body = (
        f'{{"application_id": {case_id}, "to_center_id": {world.changjiang.pk}, '
        '"request": "evidence", "details": "a\\ud800b"}'
    )
    response = world.api(world.reviewer).post(
        "/api/v1/collaboration-letters/", body, content_type="application/json"
    )
    assert response.status_code == 400
    nothing_saved(before)


def test_a_body_that_is_not_an_object_is_400(world):
    response = world.api(world.reviewer).post("/api/v1/collaboration-letters/", [1, 2], format="json")
    assert response.status_code == 400


def test_today_is_too_soon_and_tomorrow_is_fine(world):
    from django.utils import timezone

    case_id = approved_case(world)
    today = timezone.localdate()
    assert set(send(world, case_id, due=today.isoformat()).json()["errors"]) == {"due"}
    tomorrow = today + datetime.timedelta(days=1)
    response = send(world, case_id, due=tomorrow.isoformat())
    assert response.status_code == 201
    assert response.json()["due"] >= tomorrow.isoformat()


# --- who may send, and when --------------------------------------------------------------------------


def test_only_the_cases_reviewers_and_directors_send(world):
    case_id = approved_case(world)
    before = counts()
    # those who see the case but may not send: 403; those who cannot see it: 404
    for user in (world.clerk, world.applicant):
        assert send(world, case_id, user).status_code == 403, user.username
    for user in (world.other_reviewer, world.cj_reviewer, world.lawyers[0][0], world.bureau_officer):
        assert send(world, case_id, user).status_code == 404, user.username
    assert send(world, 2**31 - 1).status_code == 404
    assert world.api(None).post("/api/v1/collaboration-letters/", {}, format="json").status_code == 401
    nothing_saved(before)
    assert send(world, case_id, world.director).status_code == 201


def test_a_case_that_is_refused_or_closed_is_409(world):
    filed = under_review_case(world)
    (review,) = tasks(world, world.reviewer, "queue", filed, "review")
    assert (
        complete(world, world.reviewer, review["id"], outcome="refuse", reason="收入超标").status_code == 200
    )
    before = counts()
    response = send(world, filed)
    assert response.status_code == 409 and response.json()["detail"]
    nothing_saved(before)
    # a case still under review may ask (e.g. to check the applicant's means)
    assert send(world, under_review_case(world)).status_code == 201


# --- a center outside the city --------------------------------------------------------------------------


def test_a_center_outside_the_city_is_answered_by_hand(world):
    case_id = approved_case(world)
    response = send(
        world, case_id, to_center_id=None, to_outside_name="南昌市法律援助中心", request="service"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["to_center"] is None and body["to_outside_name"] == "南昌市法律援助中心"
    letter = CollaborationLetter.objects.get(pk=body["id"])
    assert letter.letter_code and "南昌市法律援助中心" in letter_text(letter)
    # no task anywhere: the center outside has no account here
    letter_type = ContentType.objects.get_for_model(CollaborationLetter)
    assert not Task.objects.filter(
        process__artifact_content_type=letter_type, process__artifact_object_id=letter.pk
    ).exists()
    path = f"/api/v1/collaboration-letters/{letter.pk}/answer/"
    # a clerk sees it but may not record the answer; another center does not see it
    assert (
        world.api(world.clerk).post(path, {"done": True, "result": "已送达"}, format="json").status_code
        == 403
    )
    assert (
        world.api(world.cj_reviewer).post(path, {"done": True, "result": "x"}, format="json").status_code
        == 404
    )
    assert world.api(world.reviewer).post(path, {"done": False}, format="json").status_code == 400
    recorded = world.api(world.reviewer).post(
        path, {"done": True, "result": "已于3月5日送达。"}, format="json"
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["status"] == "done" and recorded.json()["result"] == "已于3月5日送达。"
    again = world.api(world.director).post(path, {"done": False, "reason": "x"}, format="json")
    assert again.status_code == 409
    events = [
        e["event"]
        for e in world.api(world.reviewer).get(f"/api/v1/applications/{case_id}/").json()["timeline"]
    ]
    assert "collaboration_send" in events and "collaboration_done" in events


def test_a_letter_to_a_center_of_the_city_is_not_answered_by_hand(world):
    case_id = approved_case(world)
    letter_id = send(world, case_id).json()["id"]
    path = f"/api/v1/collaboration-letters/{letter_id}/answer/"
    for user in (world.reviewer, world.cj_reviewer):
        response = world.api(user).post(path, {"done": True, "result": "x"}, format="json")
        assert response.status_code == 409, user.username
    assert CollaborationLetter.objects.get(pk=letter_id).status == "sent"
    answer_task(world, case_id)  # still waiting in 昌江's queue


# --- the lists ------------------------------------------------------------------------------------------


def test_the_list_shows_sent_and_received_and_filters(world):
    first = approved_case(world)
    sent_id = send(world, first).json()["id"]
    # 昌江 asks 珠山 in turn, about a case of its own
    cj_case = changjiang_case(world)
    received = world.api(world.cj_reviewer).post(
        "/api/v1/collaboration-letters/",
        {
            "application_id": cj_case.pk,
            "to_center_id": world.center.pk,
            "request": "other",
            "details": "协助",
        },
        format="json",
    )
    assert received.status_code == 201, received.content
    received_id = received.json()["id"]
    api = world.api(world.reviewer)
    rows = api.get("/api/v1/collaboration-letters/").json()
    assert rows["count"] == 2
    assert {r["id"]: r["direction"] for r in rows["results"]} == {sent_id: "sent", received_id: "received"}
    assert [
        r["id"]
        for r in api.get("/api/v1/collaboration-letters/", {"direction": "received"}).json()["results"]
    ] == [received_id]
    assert [
        r["id"]
        for r in api.get("/api/v1/collaboration-letters/", {"application_id": first}).json()["results"]
    ] == [sent_id]
    assert api.get("/api/v1/collaboration-letters/", {"status": "done"}).json()["count"] == 0
    for bad in ({"direction": "x"}, {"status": "x"}, {"application_id": "x"}, {"page_size": "0"}):
        assert api.get("/api/v1/collaboration-letters/", bad).status_code == 400, bad
