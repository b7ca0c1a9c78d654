"""The consultations API (docs/api.md, Intake across the city): asking and recording, the lists, the
answer task, and the reply rate — an online question answered after its period counts against it, one
answered on its due day counts for it."""

import datetime

import pytest
from django.utils import timezone

from consultations.models import Consultation
from directory.models import AuditEvent

from .consultation_world import QUESTION, answer, answer_task, ask, asked

pytestmark = pytest.mark.django_db


def test_a_citizen_asks_and_reads_the_answer(world):
    response = ask(world)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {"id", "status", "answer_due"}
    assert body["status"] == "open" and body["number"].startswith("ZX-")
    assert datetime.date.fromisoformat(body["answer_due"]) > timezone.localdate()

    mine = world.api(world.applicant).get("/api/v1/consultations/").json()
    assert mine["count"] == 1
    (row,) = mine["results"]
    assert (row["id"], row["status"], row["answer"], row["question"]) == (body["id"], "open", None, QUESTION)
    assert row["asker"] is None  # the asker is not shown themself, nor the staff's details
    assert answer(world, world.reviewer, body["id"], minutes=15).status_code == 200

    row = world.api(world.applicant).get(f"/api/v1/consultations/{body['id']}/").json()
    assert row["status"] == "answered" and row["answer"] == "可以申请劳动仲裁，也可以申请法律援助。"
    assert row["referral"] == "aid_application" and row["answered_by"] is None and row["minutes"] is None
    staff = world.api(world.reviewer).get(f"/api/v1/consultations/{body['id']}/").json()
    assert staff["answered_by"] and staff["minutes"] == 15
    assert staff["asker"] == {"name": world.applicant.get_username(), "phone": ""}


def test_the_answer_task_waits_in_the_centers_queue_with_the_consultation_id(world):
    consultation_id = asked(world)
    consultation = Consultation.objects.get(pk=consultation_id)
    for user in (world.reviewer, world.director, world.clerk, world.duty_lawyer):
        task = answer_task(world, user, consultation_id)
        assert task["name"] == "answer_consultation"
        assert task["consultation_id"] == consultation_id and task["application_id"] is None
        assert task["due"] == consultation.answer_due.isoformat() and task["overdue"] is False
        assert task["complaint_id"] is None and task["waiver_id"] is None
    for user in (world.other_reviewer, world.firm_lawyer, world.bureau_officer, world.applicant):
        rows = world.api(user).get("/api/v1/tasks/", {"scope": "queue"}).json()["results"]
        assert consultation_id not in [row["consultation_id"] for row in rows]
    task_id = answer_task(world, world.reviewer, consultation_id)["id"]
    assert world.api(world.other_reviewer).post(f"/api/v1/tasks/{task_id}/claim/").status_code == 404
    # a missing answer is a 400 on the task's field, and the task stays open
    response = answer(world, world.reviewer, consultation_id, answer="")
    assert response.status_code == 400 and "answer" in response.json()["errors"]
    response = answer(world, world.reviewer, consultation_id, referral="the_moon")
    assert response.status_code == 400 and "referral" in response.json()["errors"]
    # the duty lawyer answers it; a second answer finds no task
    assert answer(world, world.duty_lawyer, consultation_id).status_code == 200
    assert (
        world.api(world.reviewer)
        .post(f"/api/v1/tasks/{task_id}/complete/", {"answer": "再答"}, format="json")
        .status_code
        == 409
    )


def test_staff_record_a_hotline_consultation_answered_at_once(world):
    body = {
        "channel": "hotline",
        "matter_type": "maintenance",
        "question": "子女不付赡养费，能起诉吗？",
        "answer": "可以起诉。",
        "referral": "court",
        "minutes": 8,
        "asker_name": "王桂兰",
    }
    response = world.api(world.clerk).post("/api/v1/consultations/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "answered" and response.json()["answer_due"] is None
    consultation = Consultation.objects.get()
    assert (consultation.channel, consultation.center, consultation.recorded_by) == (
        "hotline",
        world.center,
        world.clerk,
    )
    # a staff member without a channel is asked for one; a citizen with one may not record
    response = world.api(world.clerk).post(
        "/api/v1/consultations/", {k: v for k, v in body.items() if k != "channel"}, format="json"
    )
    assert response.status_code == 400 and "channel" in response.json()["errors"]
    assert world.api(world.applicant).post("/api/v1/consultations/", body, format="json").status_code == 403
    assert Consultation.objects.count() == 1


def test_no_matter_type_is_400_and_nothing_is_saved(world):
    for matter_type in ("", None, "unknown"):
        response = ask(world, matter_type=matter_type)
        assert response.status_code == 400, response.content
        assert response.json()["errors"]["matter_type"]
    response = ask(world, matter_type=None, region="atlantis", question="")
    assert set(response.json()["errors"]) == {"matter_type", "region", "question"}
    assert not Consultation.objects.exists()
    assert not AuditEvent.objects.filter(object_type="consultations.consultation").exists()


@pytest.mark.parametrize(
    "body",
    [
        [],
        "question",
        {"region": ["zhushan"], "matter_type": {"a": 1}, "question": 5},
        {"region": "zhushan", "matter_type": "wage_arrears", "question": "问" * 30000},
        {"region": "z" * 1000, "matter_type": "m" * 1000, "question": "问"},
        {"region": "zhushan", "matter_type": "wage_arrears", "question": "a\x00b"},
        {"region": "zhushan", "matter_type": "wage_arrears", "question": "问", "anonymous": "perhaps"},
    ],
)
def test_hostile_input_is_400_never_500(world, body):
    for user in (world.applicant, world.clerk):
        response = world.api(user).post("/api/v1/consultations/", body, format="json")
        assert response.status_code == 400, (user, response.content[:300])
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [
        {"channel": "window", "minutes": -3},
        {"channel": "window", "minutes": "lots"},
        {"channel": "window", "minutes": 10**30},
        {"channel": "window", "referral": ["court"]},
        {"channel": "station", "asker_phone": "x" * 500},
    ],
)
def test_hostile_records_are_400_never_500(world, extra):
    body = {"matter_type": "other", "question": "问", "answer": "答", "asker_name": "某", **extra}
    response = world.api(world.clerk).post("/api/v1/consultations/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert not Consultation.objects.exists()


def test_anonymous_callers_get_401(world):
    assert world.api(None).post("/api/v1/consultations/", {}, format="json").status_code == 401
    assert world.api(None).get("/api/v1/consultations/").status_code == 401
    assert world.api(None).get("/api/v1/consultations/stats/").status_code == 401


# --- the reply rate ------------------------------------------------------------------------------------


def _due(consultation_id: int, due: datetime.date) -> None:
    """As if the question had been asked earlier: its answer was due on ``due``."""
    Consultation.objects.filter(pk=consultation_id).update(answer_due=due)


def stats(world, user, **params):
    return world.api(user).get("/api/v1/consultations/stats/", params)


def test_an_answer_after_the_period_counts_against_the_reply_rate_and_one_on_the_due_day_for_it(world):
    today = timezone.localdate()
    late, on_the_day, unanswered, waiting = (asked(world) for _ in range(4))
    _due(late, today - datetime.timedelta(days=1))  # answered today: one day late
    _due(on_the_day, today)  # answered on its due day: on time
    _due(unanswered, today - datetime.timedelta(days=1))  # past due and still open
    # ``waiting`` keeps its due date in the future: not counted yet
    for consultation_id in (late, on_the_day):
        assert answer(world, world.reviewer, consultation_id).status_code == 200
    # a hotline consultation: a volume figure, not part of the rate
    world.api(world.clerk).post(
        "/api/v1/consultations/",
        {"channel": "hotline", "matter_type": "other", "question": "问", "answer": "答", "asker_name": "某"},
        format="json",
    )

    response = stats(world, world.director, year=today.year)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("questions", "answered", "answered_on_time", "reply_rate")} == {
        "questions": 3,
        "answered": 2,
        "answered_on_time": 1,
        "reply_rate": "0.3333",
    }
    assert (body["pending"], body["hotline"], body["window"], body["station"]) == (1, 1, 0, 0)
    (center,) = body["centers"]
    assert center["center_id"] == world.center.pk and center["reply_rate"] == "0.3333"
    assert center["reply_rate_target"] == "1.0000" and center["target_met"] is False
    # the one answered on its due day alone makes a rate of 100%
    assert answer(world, world.reviewer, waiting).status_code == 200
    Consultation.objects.filter(pk__in=[late, unanswered]).delete()
    body = stats(world, world.director).json()
    assert (body["questions"], body["answered_on_time"], body["reply_rate"]) == (2, 2, "1.0000")
    assert body["centers"][0]["target_met"] is True


def test_a_year_without_questions_has_no_rate(world):
    body = stats(world, world.reviewer, year=2023).json()
    assert (body["questions"], body["reply_rate"], body["pending"]) == (0, None, 0)
    assert body["centers"][0]["target_met"] is None


@pytest.mark.parametrize("params", [{"year": "twenty"}, {"year": 1999}, {"center": "x"}, {"center": 0}])
def test_bad_stats_parameters_are_400(world, params):
    assert stats(world, world.director, **params).status_code == 400
