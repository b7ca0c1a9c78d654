"""Letters and pages print the periods of the period rule in force, not fixed text."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from aid_cases.models import PeriodRule
from directory.models import Region

from .test_aid_flow_api import complete, file, pdf_text, review_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_rule(actors):
    return PeriodRule.objects.create(
        region=Region.objects.get(code="zhushan"),
        valid_from=datetime.date(2020, 1, 1),
        counting_mode="calendar",
        assign_days=2,
        objection_days=10,
        provisional_threshold_days=5,
    )


def test_the_approval_letter_states_the_rules_assignment_period(actors, local_rule):
    filed = file(actors)
    assert (
        complete(
            actors, actors.reviewer, review_task(actors, filed["id"])["id"], outcome="approve"
        ).status_code
        == 200
    )
    text = pdf_text(filed["id"], "approval")
    assert "本中心将在2日内指派法律援助人员" in text and "三个工作日" not in text


def test_the_refusal_letter_and_page_state_the_rules_objection_period(actors, local_rule):
    filed = file(actors)
    refused = complete(
        actors,
        actors.reviewer,
        review_task(actors, filed["id"])["id"],
        outcome="refuse",
        reason="家庭人均收入高于经济困难标准",
    )
    assert refused.status_code == 200
    assert "应当自收到异议之日起10日内进行审查并作出决定" in pdf_text(filed["id"], "refusal")
    page = Client()
    page.force_login(actors.applicant)
    html = page.get(f"/applications/{filed['id']}/").content.decode()
    assert "司法局将在10日内作出决定" in html


def test_the_provisional_threshold_comes_from_the_rule(actors, local_rule):
    in_six_days = (timezone.localdate() + datetime.timedelta(days=6)).isoformat()
    filed = file(actors, urgent_deadline=in_six_days)
    task = review_task(actors, filed["id"])
    refused = complete(actors, actors.reviewer, task["id"], outcome="provisional")
    assert refused.status_code == 400
    [message] = refused.json()["errors"]["outcome"]
    assert "不足5日" in message and "不足7日" not in message
