"""Fee waivers end to end through the API (docs/api.md, Fee waivers; Tasks review_waiver, confirm_waiver):
the assigned lawyer asks, the center reviews and issues the handoff letter, the institution records the fee."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from aid_cases.models import Application
from directory.models import AuditEvent
from documents.services import document_pdf
from tests.world import answer, approved_case, assign, complete, tasks
from waivers.models import FeeWaiver

pytestmark = pytest.mark.django_db


def handled_case(world) -> int:
    """A granted case, assigned to the first lawyer, who accepted it."""
    application_id = approved_case(world)
    assert assign(world, application_id, world.lawyers[0][1]).status_code == 200
    assert answer(world, application_id, world.lawyers[0]).status_code == 200
    return application_id


def ask(world, application_id, user=None, **overrides):
    body = {
        "kind": "notary",
        "institution_id": world.notary_city.pk,
        "service": "继承权公证",
        "standard_fee": "800.00",
        "treatment": "waive",
    }
    body.update(overrides)
    return world.api(user or world.lawyers[0][0]).post(
        f"/api/v1/applications/{application_id}/fee-waivers/", body, format="json"
    )


def review(world, application_id, user=None, **fields):
    (task,) = tasks(world, user or world.reviewer, "queue", application_id, "review_waiver")
    return complete(world, user or world.reviewer, task["id"], **fields)


def confirm(world, user, application_id, **fields):
    (task,) = tasks(world, user, "queue", application_id, "confirm_waiver")
    return complete(world, user, task["id"], **fields)


def letter_text(waiver: FeeWaiver) -> str:
    waiver.letter.refresh_from_db()
    pdf = document_pdf(document=waiver.letter)
    return "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "").replace(" ", "")


def test_a_notary_fee_waived_end_to_end(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    asked = ask(world, application_id)
    assert asked.status_code == 201, asked.content
    assert asked.json()["status"] == "requested"
    waiver_id = asked.json()["id"]

    # the center's review: a task of the case, naming the waiver
    (task,) = tasks(world, world.reviewer, "queue", application_id, "review_waiver")
    assert task["waiver_id"] == waiver_id and task["application_id"] == application_id
    # the institution has nothing yet
    assert tasks(world, world.notary_city_staff, "queue", application_id) == []
    done = complete(world, world.reviewer, task["id"], approve=True, treatment="waive")
    assert done.status_code == 200, done.content
    assert done.json()["next"] == ["confirm_waiver"]

    waiver = FeeWaiver.objects.get(pk=waiver_id)
    assert waiver.status == "approved" and waiver.letter is not None
    text = letter_text(waiver)
    assert "法律援助公证费用减免函" in text
    assert "景德镇市公证处" in text and "继承权公证" in text and "800.00" in text and "免收" in text

    # the institution sees the letter and records the fee
    detail = world.api(world.notary_city_staff).get(f"/api/v1/fee-waivers/{waiver_id}/")
    assert detail.status_code == 200
    assert detail.json()["letter"]["code"] == waiver.letter.code
    pdf = world.api(world.notary_city_staff).get(detail.json()["letter"]["url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # but never the case itself
    assert (
        world.api(world.notary_city_staff).get(f"/api/v1/applications/{application_id}/").status_code == 404
    )

    done = confirm(world, world.notary_city_staff, application_id, charged_fee="0.00", waived_amount="800.00")
    assert done.status_code == 200, done.content
    assert done.json()["next"] == []
    waiver.refresh_from_db()
    assert waiver.status == "completed"
    assert waiver.charged_fee == Decimal("0.00") and waiver.waived_amount == Decimal("800.00")
    assert isinstance(waiver.waived_amount, Decimal)

    # the case shows the fee line and its history
    case = world.api(world.lawyers[0][0]).get(f"/api/v1/applications/{application_id}/").json()
    assert case["fee_waivers"] == [
        {
            "id": waiver_id,
            "kind": "notary",
            "status": "completed",
            "institution": "景德镇市公证处",
            "standard_fee": "800.00",
            "waived_amount": "800.00",
        }
    ]
    events = [e["event"] for e in case["timeline"]]
    assert events[-3:] == ["waiver_request", "waiver_approve", "waiver_confirm"]
    assert "waiver_letter" in [d["kind"] for d in case["documents"]]


def test_a_forensic_fee_reduced_to_the_approved_amount(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    asked = ask(
        world,
        application_id,
        kind="forensic",
        institution_id=world.forensic_city.pk,
        service="伤残等级鉴定",
        standard_fee="3000.00",
        treatment="reduce",
        requested_fee="1000.00",
    )
    assert asked.status_code == 201, asked.content
    # the center grants less than asked: 1200 may still be charged
    done = review(world, application_id, approve=True, treatment="reduce", approved_fee="1200.00")
    assert done.status_code == 200, done.content
    waiver = FeeWaiver.objects.get(pk=asked.json()["id"])
    text = letter_text(waiver)
    assert "法律援助鉴定费用减免函" in text and "3,000.00" in text and "1,200.00" in text and "减收" in text

    # more than approved, or amounts that do not add up: 400, nothing recorded
    over = confirm(
        world, world.forensic_city_staff, application_id, charged_fee="1300.00", waived_amount="1700.00"
    )
    assert over.status_code == 400 and "charged_fee" in over.json()["errors"]
    wrong = confirm(
        world, world.forensic_city_staff, application_id, charged_fee="1200.00", waived_amount="1900.00"
    )
    assert wrong.status_code == 400 and "waived_amount" in wrong.json()["errors"]
    waiver.refresh_from_db()
    assert waiver.status == "approved" and waiver.charged_fee is None

    done = confirm(
        world, world.forensic_city_staff, application_id, charged_fee="1200.00", waived_amount="1800.00"
    )
    assert done.status_code == 200, done.content
    waiver.refresh_from_db()
    assert (waiver.status, waiver.charged_fee, waiver.waived_amount) == (
        "completed",
        Decimal("1200.00"),
        Decimal("1800.00"),
    )


def test_a_deferral_to_a_date_is_flagged_once_the_date_has_passed(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    asked = ask(
        world,
        application_id,
        kind="forensic",
        institution_id=world.forensic_city.pk,
        service="笔迹鉴定",
        standard_fee="2500.00",
        treatment="defer",
    )
    assert asked.status_code == 201, asked.content
    assert review(world, application_id, approve=True).status_code == 200
    # a deferral needs who pays and until when
    missing = confirm(
        world, world.forensic_city_staff, application_id, charged_fee="2500.00", waived_amount="0.00"
    )
    assert missing.status_code == 400
    assert {"deferred_payer", "deferred_until"} <= set(missing.json()["errors"])
    until = timezone.localdate() + datetime.timedelta(days=30)
    done = confirm(
        world,
        world.forensic_city_staff,
        application_id,
        charged_fee="2500.00",
        waived_amount="0.00",
        deferred_payer="受援人",
        deferred_until=until.isoformat(),
    )
    assert done.status_code == 200, done.content
    waiver_id = asked.json()["id"]
    detail = world.api(world.reviewer).get(f"/api/v1/fee-waivers/{waiver_id}/").json()
    assert detail["status"] == "deferred" and detail["deferral_overdue"] is False
    FeeWaiver.objects.filter(pk=waiver_id).update(
        deferred_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    detail = world.api(world.reviewer).get(f"/api/v1/fee-waivers/{waiver_id}/").json()
    assert detail["deferral_overdue"] is True
    # a judgment settles only a fee deferred until judgment
    judged = world.api(world.reviewer).post(
        f"/api/v1/fee-waivers/{waiver_id}/judgment/",
        {"date": timezone.localdate().isoformat(), "losing_party": "某公司"},
        format="json",
    )
    assert judged.status_code == 409


def test_the_center_refuses_with_reasons_and_nothing_reaches_the_institution(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    waiver_id = ask(world, application_id).json()["id"]
    no_reason = review(world, application_id, approve=False)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    done = review(world, application_id, approve=False, reason="该公证与援助事项无关。")
    assert done.status_code == 200 and done.json()["next"] == []
    waiver = FeeWaiver.objects.get(pk=waiver_id)
    assert waiver.status == "refused" and waiver.letter is None
    assert tasks(world, world.notary_city_staff, "queue", application_id) == []


@pytest.mark.parametrize("status", ["refused", "withdrawn", "closed", "terminated", "under_review"])
def test_no_waiver_on_a_case_not_approved_and_active(waiver_world, status):
    world = waiver_world
    application_id = handled_case(world)
    Application.objects.filter(pk=application_id).update(status=status)
    answered = ask(world, application_id, user=world.reviewer)
    assert answered.status_code == 409, answered.content
    assert "detail" in answered.json()
    assert not FeeWaiver.objects.exists()


def test_a_case_terminated_while_its_waiver_awaits_review_cannot_be_approved(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    ask(world, application_id)
    Application.objects.filter(pk=application_id).update(status="terminated")
    done = review(world, application_id, approve=True)
    assert done.status_code == 409
    assert FeeWaiver.objects.get().status == "requested"
    # it can still be refused, so that it does not wait in the queue forever
    done = review(world, application_id, approve=False, reason="法律援助已终止。")
    assert done.status_code == 200
    assert FeeWaiver.objects.get().status == "refused"


def test_another_notary_office_never_sees_the_request(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    waiver_id = ask(world, application_id).json()["id"]
    assert review(world, application_id, approve=True).status_code == 200
    leping = world.api(world.notary_leping_staff)
    assert leping.get(f"/api/v1/fee-waivers/{waiver_id}/").status_code == 404
    assert leping.get("/api/v1/fee-waivers/").json()["results"] == []
    assert tasks(world, world.notary_leping_staff, "queue", application_id) == []
    (task,) = tasks(world, world.notary_city_staff, "queue", application_id, "confirm_waiver")
    assert leping.post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 404
    assert leping.post(f"/api/v1/tasks/{task['id']}/complete/", {}, format="json").status_code == 404
    code = FeeWaiver.objects.get().letter.code
    assert leping.get(f"/api/v1/documents/{code}/").status_code == 404
    assert (
        leping.post(
            f"/api/v1/fee-waivers/{waiver_id}/judgment/",
            {"date": "2026-01-01", "losing_party": "x"},
            format="json",
        ).status_code
        == 404
    )
    # the city's notary office lists exactly its own
    listed = world.api(world.notary_city_staff).get("/api/v1/fee-waivers/").json()["results"]
    assert [w["id"] for w in listed] == [waiver_id]


def test_who_may_ask(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    # the applicant sees the case but does not ask; another lawyer of the firm does not see it
    assert ask(world, application_id, user=world.applicant).status_code == 403
    assert ask(world, application_id, user=world.lawyers[1][0]).status_code == 404
    assert ask(world, application_id, user=world.clerk).status_code == 403
    assert ask(world, application_id, user=world.notary_city_staff).status_code == 404
    assert ask(world, application_id, user=world.reviewer).status_code == 201
    assert ask(world, application_id).status_code == 201
    # several run beside one case
    assert len(tasks(world, world.reviewer, "queue", application_id, "review_waiver")) == 2


BAD_INPUT = [
    ({"standard_fee": "-800.00"}, "standard_fee"),
    ({"standard_fee": "八百元"}, "standard_fee"),
    ({"standard_fee": "800.005"}, "standard_fee"),
    ({"standard_fee": "NaN"}, "standard_fee"),
    ({"standard_fee": "0"}, "standard_fee"),
    ({"treatment": "reduce"}, "requested_fee"),
    ({"treatment": "reduce", "requested_fee": "900.00"}, "requested_fee"),
    ({"institution_id": 987654}, "institution_id"),
    ({"kind": "forensic"}, "institution_id"),  # the city notary office appraises nothing
    ({"kind": "court"}, "institution_id"),
    ({"kind": "lawyer"}, "kind"),
    ({"treatment": "forgive"}, "treatment"),
    ({"service": ""}, "service"),
    ({"standard_fee": True}, "standard_fee"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUT)
def test_bad_input_is_a_400_and_saves_nothing(waiver_world, overrides, field):
    world = waiver_world
    application_id = handled_case(world)
    before = AuditEvent.objects.count()
    answered = ask(world, application_id, **overrides)
    assert answered.status_code == 400, answered.content
    assert field in answered.json()["errors"]
    assert not FeeWaiver.objects.exists()
    assert AuditEvent.objects.count() == before


def test_bad_fees_at_the_institution_are_400(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    ask(world, application_id, treatment="reduce", requested_fee="300.00")
    assert review(world, application_id, approve=True).status_code == 200
    for fields, field in [
        ({"charged_fee": "-1", "waived_amount": "801"}, "charged_fee"),
        ({"charged_fee": "abc", "waived_amount": "800"}, "charged_fee"),
        ({"charged_fee": "900.00", "waived_amount": "-100.00"}, "charged_fee"),
        ({"charged_fee": "300.00"}, "waived_amount"),
        (
            {"charged_fee": "300.00", "waived_amount": "500.00", "deferred_until_judgment": True},
            "deferred_payer",
        ),
    ]:
        answered = confirm(world, world.notary_city_staff, application_id, **fields)
        assert answered.status_code == 400, (fields, answered.content)
        assert field in answered.json()["errors"], (fields, answered.json())
    assert FeeWaiver.objects.get().status == "approved"


def test_the_database_holds_waived_equals_standard_minus_charged(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    waiver = FeeWaiver.objects.get(pk=ask(world, application_id).json()["id"])
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeWaiver.objects.filter(pk=waiver.pk).update(
            charged_fee=Decimal("100.00"), waived_amount=Decimal("800.00")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeWaiver.objects.filter(pk=waiver.pk).update(
            charged_fee=Decimal("900.00"), waived_amount=Decimal("-100.00")
        )


def test_a_courts_litigation_fee_deferred_end_to_end_as_court_city(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    courts = world.api(None).get("/api/v1/institutions/", {"kind": "court"}).json()["results"]
    assert [c["name"] for c in courts] == ["景德镇市中级人民法院"]
    asked = ask(
        world,
        application_id,
        kind="court",
        institution_id=courts[0]["id"],
        service="一审案件受理费",
        standard_fee="1250.00",
        treatment="defer",
        deferred_payer="败诉方",
    )
    assert asked.status_code == 201, asked.content
    assert review(world, application_id, approve=True).status_code == 200
    waiver = FeeWaiver.objects.get(pk=asked.json()["id"])
    text = letter_text(waiver)
    assert "景德镇市中级人民法院" in text and "一审案件受理费" in text and "缓收" in text
    done = confirm(
        world,
        world.court_staff,
        application_id,
        charged_fee="1250.00",
        waived_amount="0.00",
        deferred_until_judgment=True,
    )
    assert done.status_code == 200, done.content
    waiver.refresh_from_db()
    assert waiver.status == "deferred" and waiver.deferred_payer == "败诉方"
    judged = world.api(world.reviewer).post(
        f"/api/v1/fee-waivers/{waiver.pk}/judgment/",
        {"date": timezone.localdate().isoformat(), "losing_party": "被告某建筑公司"},
        format="json",
    )
    assert judged.status_code == 200, judged.content
    assert judged.json()["status"] == "settled"
    assert judged.json()["judgment"]["losing_party"] == "被告某建筑公司"
    assert judged.json()["deferred_payer"] == "被告某建筑公司"
