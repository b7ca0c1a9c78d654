"""Helpers of the consultation tests: asking through the API and answering on the task."""

QUESTION = "公司拖欠我三个月工资，没有签劳动合同，怎么办？"


def ask(world, user=None, **overrides):
    """A citizen's online question through the API; the response."""
    body = {"region": "zhushan", "matter_type": "wage_arrears", "question": QUESTION, **overrides}
    return world.api(user or world.applicant).post("/api/v1/consultations/", body, format="json")


def asked(world, user=None, **overrides) -> int:
    response = ask(world, user, **overrides)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def answer_task(world, user, consultation_id: int) -> dict:
    """The open answer_consultation task of the consultation in ``user``'s queue or inbox."""
    for scope in ("queue", "inbox"):
        rows = world.api(user).get("/api/v1/tasks/", {"scope": scope, "name": "answer_consultation"}).json()
        for row in rows["results"]:
            if row["consultation_id"] == consultation_id:
                return row
    raise AssertionError(f"no answer task for consultation {consultation_id} visible to {user}")


def answer(world, user, consultation_id: int, **fields):
    task = answer_task(world, user, consultation_id)
    body = {"answer": "可以申请劳动仲裁，也可以申请法律援助。", "referral": "aid_application", **fields}
    return world.api(user).post(f"/api/v1/tasks/{task['id']}/complete/", body, format="json")
