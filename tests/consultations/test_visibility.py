"""Who sees a consultation and the figures (docs/domain.md, who sees what): the asker their own, the
people of its center theirs, the bureau its region's; anyone else 404 — and the figures only to the
centers' staff and the bureau (403 for every other role)."""

import pytest

from consultations.models import Consultation

from .consultation_world import answer, asked

pytestmark = pytest.mark.django_db

# who opens a zhushan citizen's question: 200 or 404
SEES = {
    "applicant": 200,  # the asker
    "other_applicant": 404,
    "clerk": 200,
    "reviewer": 200,
    "director": 200,
    "duty_lawyer": 200,  # on duty at the center
    "other_reviewer": 404,  # another center
    "bureau_officer": 200,  # the region's bureau
    "firm_lawyer": 404,
    "firm_admin": 404,
}
# who sees the consultation figures: 200, or 403 for a role that never does
STATS = {
    "applicant": 403,
    "clerk": 200,
    "reviewer": 200,
    "director": 200,
    "duty_lawyer": 403,
    "other_reviewer": 200,
    "bureau_officer": 200,
    "firm_lawyer": 403,
    "firm_admin": 403,
}


@pytest.mark.parametrize(("who", "code"), SEES.items())
def test_who_sees_a_question_and_its_answer(world, who, code):
    consultation_id = asked(world)
    assert answer(world, world.reviewer, consultation_id).status_code == 200
    api = world.api(getattr(world, who))
    assert api.get(f"/api/v1/consultations/{consultation_id}/").status_code == code
    listed = [row["id"] for row in api.get("/api/v1/consultations/").json()["results"]]
    assert (consultation_id in listed) == (code == 200)


@pytest.mark.parametrize(("who", "code"), STATS.items())
def test_who_sees_the_figures(world, who, code):
    response = world.api(getattr(world, who)).get("/api/v1/consultations/stats/")
    assert response.status_code == code, response.content
    if code == 403:
        assert response.json()["detail"]


def test_each_sees_the_figures_of_their_own_scope(world):
    asked(world)
    asked(world, region="leping")
    api = world.api(world.reviewer)
    (own,) = api.get("/api/v1/consultations/stats/").json()["centers"]
    assert own["center_id"] == world.center.pk
    # another center is outside a center's scope: 404; an unknown id too
    assert api.get("/api/v1/consultations/stats/", {"center": world.other_center.pk}).status_code == 404
    assert api.get("/api/v1/consultations/stats/", {"center": 999999}).status_code == 404
    assert api.get("/api/v1/consultations/stats/", {"center": world.center.pk}).status_code == 200
    # 珠山's bureau sees 珠山's center, not 乐平's
    bureau = world.api(world.bureau_officer)
    centers = bureau.get("/api/v1/consultations/stats/").json()["centers"]
    assert [c["center_id"] for c in centers] == [world.center.pk]
    assert bureau.get("/api/v1/consultations/stats/", {"center": world.other_center.pk}).status_code == 404


def test_a_recorded_consultation_is_seen_by_its_center_not_by_the_caller_or_another_center(world):
    world.api(world.clerk).post(
        "/api/v1/consultations/",
        {"channel": "window", "matter_type": "other", "question": "问", "answer": "答", "anonymous": True},
        format="json",
    )
    consultation = Consultation.objects.get()
    assert world.api(world.director).get(f"/api/v1/consultations/{consultation.pk}/").json()["asker"] is None
    for who in ("applicant", "other_reviewer", "firm_lawyer"):
        response = world.api(getattr(world, who)).get(f"/api/v1/consultations/{consultation.pk}/")
        assert response.status_code == 404, who


def test_an_administrator_sees_everything(world, make_member):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    consultation_id = asked(world)
    assert world.api(admin).get(f"/api/v1/consultations/{consultation_id}/").status_code == 200
    centers = world.api(admin).get("/api/v1/consultations/stats/").json()["centers"]
    assert {world.center.pk, world.other_center.pk} <= {c["center_id"] for c in centers}


def test_viewflow_checks_the_answer_task_and_the_process_as_our_selectors_do(world):
    """viewflow's own checks on the stored task (a plain Process, coerced by the permission lambda):
    the center's people may take it, nobody else; the process is visible to whom sees the question."""
    from django.contrib.auth import get_user_model
    from viewflow.workflow.models import Task

    from workflows.flows.consultation import ConsultationFlow

    consultation_id = asked(world)
    task = Task.objects.get(
        process__artifact_object_id=consultation_id, flow_task=ConsultationFlow.answer_consultation
    )
    node = ConsultationFlow.answer_consultation

    def fresh(user):
        return get_user_model().objects.get(pk=user.pk)

    for who in ("clerk", "reviewer", "director", "duty_lawyer"):
        assert node.can_assign(fresh(getattr(world, who)), task) is True, who
        assert node.can_execute(fresh(getattr(world, who)), task) is False, who  # not before claiming
    for who in ("other_reviewer", "firm_lawyer", "bureau_officer", "applicant", "other_applicant"):
        assert node.can_assign(fresh(getattr(world, who)), task) is False, who
    for who, code in SEES.items():
        assert node.can_view(fresh(getattr(world, who)), task) is (code == 200), who
    assert ConsultationFlow.instance.has_view_permission(fresh(world.reviewer)) is False  # no process lists
