"""Issue 8 items 4-6 through the API: criminal defence reasons (Art 24), private prosecutions of
abuse (Art 32 (4)), proof for exemptions (Art 42) and the catch-all clauses as rule rows."""

import datetime

import pytest
from django.utils import timezone

from aid_cases.models import Application, MeansExemptionRule, MeansMatterRule
from directory.models import AuditEvent
from tests.world import application_payload

pytestmark = pytest.mark.django_db

RICH = {"size": 1, "monthly_income": "9000.00", "fixed_income": True}  # far above 1200 a member


def file(actors, **overrides):
    return actors.api(actors.applicant).post(
        "/api/v1/applications/", application_payload(**overrides), format="json"
    )


def filed(actors, **overrides) -> dict:
    response = file(actors, **overrides)
    assert response.status_code == 201, response.content
    return response.json()


def detail(actors, application_id, user=None) -> dict:
    response = actors.api(user or actors.applicant).get(f"/api/v1/applications/{application_id}/")
    assert response.status_code == 200
    return response.json()


def claimed_review(actors, application_id) -> int:
    rows = actors.api(actors.reviewer).get("/api/v1/tasks/", {"scope": "queue"}).json()["results"]
    (task,) = [t for t in rows if t["application_id"] == application_id]
    assert actors.api(actors.reviewer).post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 200
    return task["id"]


def complete(actors, task_id, **fields):
    return actors.api(actors.reviewer).post(f"/api/v1/tasks/{task_id}/complete/", fields, format="json")


DEFENCE = {"category": "criminal", "type": "criminal_defence", "summary": "涉嫌盗窃，尚未委托辩护人"}


# --- Art 24: the criminal defence's reason ---------------------------------------------------------


def test_a_defence_sought_for_another_reason_is_not_restricted_and_says_why(actors):
    body = filed(actors, matter=DEFENCE, household=RICH, defence_reason="other")
    assert body["means_test"]["result"] == "not_restricted"
    assert body["means_test"]["proof"] == "not_needed"
    shown = detail(actors, body["id"])
    assert shown["defence_reason"] == "other"
    assert any("第二十四条" in reason for reason in shown["means_test"]["reasons"])


def test_a_defence_sought_for_economic_hardship_is_means_tested(actors):
    body = filed(actors, matter=DEFENCE, household=RICH, defence_reason="economic_hardship")
    assert body["means_test"]["result"] == "not_eligible"
    assert detail(actors, body["id"])["defence_reason"] == "economic_hardship"


@pytest.mark.parametrize("reason", [None, "", "no_money"])
def test_a_defence_without_a_valid_reason_is_refused_and_nothing_saved(actors, reason):
    response = file(actors, matter=DEFENCE, household=RICH, defence_reason=reason)
    assert response.status_code == 400
    assert "defence_reason" in response.json()["errors"]
    assert not Application.objects.exists()


def test_a_reason_for_a_defender_is_refused_on_another_matter(actors):
    response = file(actors, defence_reason="other")
    assert response.status_code == 400
    assert "刑事辩护" in response.json()["errors"]["defence_reason"][0]
    assert not Application.objects.exists()


# --- Art 32 (4): a victim's private prosecution ----------------------------------------------------


@pytest.mark.parametrize("matter_type", ["abuse", "domestic_violence"])
def test_an_abuse_victims_private_prosecution_above_the_standard_is_not_restricted(actors, matter_type):
    body = filed(
        actors,
        matter={"category": "criminal", "type": matter_type, "summary": "遭受家庭成员虐待，提起自诉"},
        household=RICH,
    )
    assert body["means_test"]["result"] == "not_restricted"
    assert detail(actors, body["id"])["matter"]["category"] == "criminal"


# --- Art 42: an exemption stands on its proof ------------------------------------------------------


def exempt_filing(actors) -> dict:
    body = filed(actors, categories=["social_assistance"], household=RICH)
    assert body["means_test"]["result"] == "exempt"
    return body


def test_an_exempt_result_stays_proof_pending_until_the_reviewer_confirms(actors):
    body = exempt_filing(actors)
    assert body["means_test"]["proof"] == "pending"
    application = Application.objects.get(pk=body["id"])
    assert application.means_proof_required == ["最低生活保障证明或者特困人员救助供养证明"]
    # a page shows the exemption as pending its proof
    task_id = claimed_review(actors, body["id"])
    assert detail(actors, body["id"])["means_test"]["proof"] == "pending"
    response = complete(actors, task_id, outcome="approve", proof_confirmed=True)
    assert response.status_code == 200, response.content
    shown = detail(actors, body["id"])
    assert shown["status"] == "assigning"
    assert shown["means_test"] == {**shown["means_test"], "result": "exempt", "proof": "confirmed"}
    assert AuditEvent.objects.filter(action="means_proof_confirm", object_id=str(body["id"])).count() == 1


def test_approving_with_the_proof_pending_needs_reasons(actors):
    body = exempt_filing(actors)
    task_id = claimed_review(actors, body["id"])
    refused = complete(actors, task_id, outcome="approve")
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    assert Application.objects.get(pk=body["id"]).status == "under_review"
    done = complete(actors, task_id, outcome="approve", reason="低保证明原件已当面查验，复印件随后补交")
    assert done.status_code == 200, done.content
    shown = detail(actors, body["id"])
    assert shown["status"] == "assigning"
    assert shown["means_test"]["proof"] == "pending"  # granted on reasons, the proof still unconfirmed


def test_a_result_that_is_not_an_exemption_needs_no_proof(actors):
    body = filed(actors)  # means-tested, within the standard
    assert body["means_test"]["result"] == "eligible" and body["means_test"]["proof"] == "not_needed"
    task_id = claimed_review(actors, body["id"])
    assert complete(actors, task_id, outcome="approve").status_code == 200


# --- Art 32 (5), Art 42 (4): the catch-all clauses are rule rows ------------------------------------


def test_a_catch_all_matter_added_as_a_rule_row_changes_the_result(actors):
    environmental = {"category": "civil", "type": "environmental", "summary": "企业排污致鱼塘绝收"}
    assert filed(actors, matter=environmental, household=RICH)["means_test"]["result"] == "not_eligible"
    today = timezone.localdate()
    MeansMatterRule.objects.create(
        matter_type="environmental", valid_from=today + datetime.timedelta(days=1), note="地方规章（未施行）"
    )
    assert filed(actors, matter=environmental, household=RICH)["means_test"]["result"] == "not_eligible"
    MeansMatterRule.objects.create(
        matter_type="environmental",
        valid_from=today - datetime.timedelta(days=30),
        valid_to=today,
        note="地方规章",
    )
    assert filed(actors, matter=environmental, household=RICH)["means_test"]["result"] == "not_restricted"


def test_a_catch_all_group_added_as_a_rule_row_is_exempt_on_its_proof(actors):
    mothers = {"categories": ["single_mother"], "household": RICH}
    assert filed(actors, **mothers)["means_test"]["result"] == "not_eligible"
    today = timezone.localdate()
    MeansExemptionRule.objects.create(
        category="single_mother",
        valid_from=today + datetime.timedelta(days=1),
        proof="妇联出具的困难单亲母亲证明",
    )
    assert filed(actors, **mothers)["means_test"]["result"] == "not_eligible"  # not yet in force
    row = MeansExemptionRule.objects.get(category="single_mother")
    row.valid_from = today
    row.save()  # as the admin saves it: the cached rule rows start afresh
    body = filed(actors, **mothers)
    assert body["means_test"]["result"] == "exempt" and body["means_test"]["proof"] == "pending"
    assert Application.objects.get(pk=body["id"]).means_proof_required == ["妇联出具的困难单亲母亲证明"]


def test_a_statutory_row_ended_no_longer_exempts(actors):
    row = MeansExemptionRule.objects.get(category="social_assistance")
    row.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    row.save()
    body = filed(actors, categories=["social_assistance"], household=RICH)
    assert body["means_test"]["result"] == "not_eligible"
