"""Letters and pages say exactly what the statute says (issue 8, wrong words); letters read with pypdf.

The remedies after an upheld objection: administrative reconsideration by the people's government of the
bureau's level within 六十日 (Administrative Reconsideration Law 2023, Art 20) and an administrative lawsuit
within 六个月 (Administrative Procedure Law, Art 46). A person granted aid is 受援人, a refused one 申请人.
"""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone, translation

from aid_cases import rules
from aid_cases.models import PeriodRule
from aid_cases.services.objections import reconsideration_body
from directory.choices import OrganisationKind
from directory.models import Region
from tests.factories import OrganisationFactory, region

from .test_aid_flow_api import complete, file, pdf_text, queue, review_task, status_of

pytestmark = pytest.mark.django_db

MUST_NOT = ("纠正", "诉讼时效", "农民工", "免予经济困难审查", "工作日")


def refused_and_objected(actors) -> dict:
    filed = file(actors, household={"size": 1, "monthly_income": "5000.00"})
    refused = complete(
        actors, actors.reviewer, review_task(actors, filed["id"])["id"], outcome="refuse", reason="收入超标"
    )
    assert refused.status_code == 200
    objected = actors.api(actors.applicant).post(
        f"/api/v1/applications/{filed['id']}/objection/", {"reason": "不服"}, format="json"
    )
    assert objected.status_code == 201, objected.content
    return filed


def terminated(actors) -> dict:
    soon = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    filed = file(actors, urgent_deadline=soon)
    provisional = complete(
        actors,
        actors.reviewer,
        review_task(actors, filed["id"])["id"],
        outcome="provisional",
        provisional_ground="deadline",
    )
    assert provisional.status_code == 200, provisional.content
    confirm = [t for t in queue(actors, actors.reviewer) if t["name"] == "confirm_review"][0]
    ended = complete(actors, actors.reviewer, confirm["id"], confirm=False, reason="经核查不符合经济困难条件")
    assert ended.status_code == 200, ended.content
    assert status_of(filed["id"]) == "terminated"
    return filed


def bureau_decides(actors, outcome: str, reason: str) -> None:
    task = queue(actors, actors.bureau_officer)[0]
    assert (
        complete(actors, actors.bureau_officer, task["id"], outcome=outcome, reason=reason).status_code == 200
    )


def test_the_upheld_refusal_names_the_reconsideration_body_the_court_and_their_periods(actors):
    filed = refused_and_objected(actors)
    bureau_decides(actors, "uphold", "原决定正确")
    text = pdf_text(filed["id"], "objection_decision")
    for words in ("珠山区人民政府", "行政复议", "六十日", "人民法院", "行政诉讼", "六个月"):
        assert words in text, words
    assert "自知道或者应当知道本决定之日起六十日内向珠山区人民政府申请行政复议" in text
    assert "申请人对本决定仍有异议的" in text and "受援人" not in text  # refused: still an applicant
    assert not [w for w in MUST_NOT if w in text]


def test_the_reconsideration_body_is_the_government_of_the_bureaus_level():
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    district_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="乐平市司法局", region=region("leping")
    )
    with translation.override("zh-hans"):
        assert reconsideration_body(city_bureau) == "景德镇市人民政府"
        assert reconsideration_body(district_bureau) == "乐平市人民政府"


def test_the_corrected_objection_orders_the_center_to_rectify(actors):
    filed = refused_and_objected(actors)
    bureau_decides(actors, "correct", "收入核定有误，应重新审查")
    text = pdf_text(filed["id"], "objection_decision")
    assert "责令法律援助机构改正" in text
    assert not [w for w in MUST_NOT if w in text]


def test_termination_letters_call_the_granted_person_the_aid_recipient(actors):
    filed = terminated(actors)
    text = pdf_text(filed["id"], "termination")
    assert "受援人对本决定有异议的" in text and "受援人" in text
    assert "申请人" not in text
    assert "应当自收到异议之日起5日内进行审查并作出决定" in text  # the default rule: 五日, calendar days
    assert not [w for w in MUST_NOT if w in text]
    # the aid recipient objects; the bureau upholds the termination: the remedies address the aid recipient
    objected = actors.api(actors.applicant).post(
        f"/api/v1/applications/{filed['id']}/objection/", {"reason": "我符合条件"}, format="json"
    )
    assert objected.status_code == 201, objected.content
    bureau_decides(actors, "uphold", "终止决定正确")
    decision = pdf_text(filed["id"], "objection_decision")
    assert "受援人对本决定仍有异议的" in decision and "申请人" not in decision
    assert "六十日" in decision and "六个月" in decision


def test_the_refusal_letter_prints_the_default_objection_period_in_calendar_days(actors):
    filed = file(actors, household={"size": 1, "monthly_income": "5000.00"})
    complete(
        actors, actors.reviewer, review_task(actors, filed["id"])["id"], outcome="refuse", reason="收入超标"
    )
    text = pdf_text(filed["id"], "refusal")
    assert "申请人对本决定有异议的" in text
    assert "应当自收到异议之日起5日内" in text and "工作日" not in text


# --- confirm_review's due date ---------------------------------------------------------------------


def provisional_on(actors, monkeypatch, when: datetime.datetime) -> dict:
    monkeypatch.setattr("django.utils.timezone.now", lambda: when)
    filed = file(actors, urgent_deadline=(when.date() + datetime.timedelta(days=3)).isoformat())
    response = complete(
        actors,
        actors.reviewer,
        review_task(actors, filed["id"])["id"],
        outcome="provisional",
        provisional_ground="deadline",
    )
    assert response.status_code == 200, response.content
    [task] = [t for t in queue(actors, actors.reviewer) if t["name"] == "confirm_review"]
    return task


def test_confirm_review_is_due_seven_calendar_days_after_provisional_aid(actors, monkeypatch):
    # Decided Tue 2025-09-30: day 7 (10-07) is in the National Day holiday (10-01..10-08) → Thu 10-09.
    task = provisional_on(
        actors, monkeypatch, datetime.datetime(2025, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    assert task["due"] == "2025-10-09"
    assert task["overdue"] is False


def test_confirm_review_due_follows_the_rule_in_force(actors, monkeypatch):
    PeriodRule.objects.create(
        region=Region.objects.get(code="zhushan"),
        valid_from=datetime.date(2020, 1, 1),
        counting_mode="working",
        confirm_days=3,
    )
    # 3 working days from Tue 09-30: 10-09 1, 10-10 2, Sat 10-11 (调休) 3.
    task = provisional_on(
        actors, monkeypatch, datetime.datetime(2025, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    assert task["due"] == "2025-10-11"


def test_confirm_review_due_is_none_without_provisional_aid(actors):
    filed = file(actors)
    from aid_cases.models import Application

    assert rules.confirm_review_due(Application.objects.get(pk=filed["id"])) is None


# --- the migration of the seeded rule rows ---------------------------------------------------------


def test_rule_rows_left_on_the_old_default_move_to_calendar_days():
    migration = importlib.import_module("aid_cases.migrations.0005_periods_calendar")
    zhushan, leping = Region.objects.get(code="zhushan"), Region.objects.get(code="leping")
    plain = PeriodRule.objects.create(valid_from=datetime.date(2020, 1, 1), counting_mode="working")
    demo = PeriodRule.objects.create(
        region=zhushan,
        valid_from=datetime.date(2020, 1, 1),
        counting_mode="working",
        is_demo=True,
        note="示例",
    )
    sourced = PeriodRule.objects.create(
        region=leping,
        valid_from=datetime.date(2020, 1, 1),
        counting_mode="working",
        note="乐平市规定以工作日计",
    )
    migration.rows_to_calendar(apps, None)
    modes = dict(PeriodRule.objects.values_list("pk", "counting_mode"))
    assert modes == {plain.pk: "calendar", demo.pk: "calendar", sourced.pk: "working"}


# --- pages -----------------------------------------------------------------------------------------


def test_the_apply_form_says_what_the_statute_says(actors):
    page = Client()
    page.force_login(actors.applicant)
    html = page.get("/apply/").content.decode()
    assert "不足七日" in html and "法定时效或者期限" in html and "诉讼时效" not in html
    assert "争议处理机关所在地" in html and "事由发生地" in html
    assert "农民工（进城务工人员）" in html
    assert "食品药品安全事故" in html and "产品质量" not in html
    assert "延长" not in html
