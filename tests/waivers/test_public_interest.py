"""The procuratorate's environmental public-interest litigation (docs/domain.md, fee waivers): the forensic
fee is deferred, not paid up front, and the judgment puts it on the losing party."""

import datetime

import pytest
from django.utils import timezone

from aid_cases.models import Application
from tests.waivers.test_fee_waivers_api import confirm, letter_text
from tests.world import complete, tasks
from waivers.models import FeeWaiver

pytestmark = pytest.mark.django_db


def file(world, user=None, **overrides):
    body = {
        "agency_case_no": "景检民公诉〔2026〕3号",
        "region": "jdz",
        "category": "civil",
        "summary": "某陶瓷厂向昌江排放含铅废水，致下游农田污染。",
        "defendant": "景德镇市某陶瓷有限公司",
        "institution_id": world.forensic_city.pk,
        "service": "环境损害鉴定",
        "standard_fee": "48000.00",
    }
    body.update(overrides)
    return world.api(user or world.procuratorate_staff).post(
        "/api/v1/public-interest-cases/", body, format="json"
    )


def test_the_environmental_deferral_settles_on_the_losing_party(waiver_world):
    world = waiver_world
    filed = file(world)
    assert filed.status_code == 201, filed.content
    body = filed.json()
    application = Application.objects.get(pk=body["id"])
    assert (application.matter_type, application.channel, application.status) == (
        "environmental",
        "public_interest",
        "approved",
    )
    assert application.center == world.city_center
    # no assignment: the procuratorate litigates itself; the city center reviews the deferral
    assert tasks(world, world.city_reviewer, "queue", application.pk, "assign") == []
    (task,) = tasks(world, world.city_reviewer, "queue", application.pk, "review_waiver")
    assert task["waiver_id"] == body["waiver_id"]
    # the procuratorate sees its case and the waiver
    assert (
        world.api(world.procuratorate_staff).get(f"/api/v1/applications/{application.pk}/").status_code == 200
    )
    assert (
        world.api(world.procuratorate_staff).get(f"/api/v1/fee-waivers/{body['waiver_id']}/").status_code
        == 200
    )

    # the fee of a public-interest case is deferred, not waived
    waive = complete(world, world.city_reviewer, task["id"], approve=True, treatment="waive")
    assert waive.status_code == 400 and "treatment" in waive.json()["errors"]
    assert complete(world, world.city_reviewer, task["id"], approve=True).status_code == 200
    waiver = FeeWaiver.objects.get(pk=body["waiver_id"])
    text = letter_text(waiver)
    assert "法律援助鉴定费用减免函" in text and "环境损害鉴定" in text and "48,000.00" in text
    assert "缓收至判决后，由败诉方承担" in text

    done = confirm(
        world,
        world.forensic_city_staff,
        application.pk,
        charged_fee="48000.00",
        waived_amount="0.00",
        deferred_until_judgment=True,
    )
    assert done.status_code == 200, done.content
    waiver.refresh_from_db()
    assert waiver.status == "deferred" and waiver.deferred_payer == "败诉方"

    # the judgment: the losing party bears it, and the deferral closes
    future = world.api(world.city_reviewer).post(
        f"/api/v1/fee-waivers/{waiver.pk}/judgment/",
        {"date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(), "losing_party": "x"},
        format="json",
    )
    assert future.status_code == 400 and "date" in future.json()["errors"]
    # the procuratorate sees the waiver but does not record the judgment
    assert (
        world.api(world.procuratorate_staff)
        .post(
            f"/api/v1/fee-waivers/{waiver.pk}/judgment/",
            {"date": timezone.localdate().isoformat(), "losing_party": "景德镇市某陶瓷有限公司"},
            format="json",
        )
        .status_code
        == 403
    )
    judged = world.api(world.city_reviewer).post(
        f"/api/v1/fee-waivers/{waiver.pk}/judgment/",
        {"date": timezone.localdate().isoformat(), "losing_party": "景德镇市某陶瓷有限公司"},
        format="json",
    )
    assert judged.status_code == 200, judged.content
    assert judged.json()["status"] == "settled"
    assert judged.json()["deferred_payer"] == "景德镇市某陶瓷有限公司"
    waiver.refresh_from_db()
    assert waiver.losing_party == "景德镇市某陶瓷有限公司" and waiver.judgment_on == timezone.localdate()
    # once only
    again = world.api(world.city_reviewer).post(
        f"/api/v1/fee-waivers/{waiver.pk}/judgment/",
        {"date": timezone.localdate().isoformat(), "losing_party": "x"},
        format="json",
    )
    assert again.status_code == 409
    events = [
        e["event"]
        for e in world.api(world.city_reviewer)
        .get(f"/api/v1/applications/{application.pk}/")
        .json()["timeline"]
    ]
    assert [e for e in events if e != "document_issue"] == [
        "application_submit",
        "waiver_request",
        "waiver_approve",
        "waiver_defer",
        "waiver_settle",
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"standard_fee": "-1"}, "standard_fee"),
        ({"standard_fee": "abc"}, "standard_fee"),
        ({"institution_id": 99999}, "institution_id"),
        ({"summary": ""}, "summary"),
        ({"defendant": ""}, "defendant"),
        ({"region": "nowhere"}, "region"),
    ],
)
def test_a_bad_filing_leaves_nothing_behind(waiver_world, overrides, field):
    world = waiver_world
    answered = file(world, **overrides)
    assert answered.status_code == 400, answered.content
    assert field in answered.json()["errors"]
    assert not Application.objects.exists() and not FeeWaiver.objects.exists()


def test_the_wrong_kind_of_institution_for_an_appraisal(waiver_world):
    world = waiver_world
    answered = file(world, institution_id=world.notary_city.pk)
    assert answered.status_code == 400 and "institution_id" in answered.json()["errors"]
    assert not Application.objects.exists()


def test_only_a_procuratorate_files_and_only_once(waiver_world):
    world = waiver_world
    for user in (world.court_staff, world.reviewer, world.applicant, world.notary_city_staff):
        assert file(world, user=user).status_code == 403
    assert file(world).status_code == 201
    again = file(world)
    assert again.status_code == 409 and "JDZ-JDZ-" in again.json()["detail"]
    assert Application.objects.count() == 1
