"""Apply at one center, decided at the competent one (Art 38; 市域通办), through the API: an application a
Leping clerk records at the window for a dispute in Zhushan is received at Leping, cannot be refused
there for lack of competence, is transferred to Zhushan with its tracking number and first receipt, its
review task moves to Zhushan's queue, and the Zhushan reviewer decides it. The applicant sees the
transfer on the timeline and reads the transfer letter."""

import pytest
from django.db import connection
from django.utils import translation
from pypdf import PdfReader
from viewflow.workflow.models import Task

from aid_cases.models import Application, ApplicationTransfer
from directory.models import AuditEvent, Citizen
from documents.models import IssuedDocument
from documents.services import document_pdf
from tests.aid_cases.transfer_world import REASON, city_fixture, transfer, window_filing  # noqa: F401
from tests.workflows.test_concurrency import _race, _reference_data  # noqa: F401  (the fixture)
from tests.world import ADULT_ID, application_payload, complete, tasks

pytestmark = pytest.mark.django_db


def _review_rows(world, user, application_id, scope="queue"):
    return tasks(world, user, scope, application_id, "review")


def _nothing_saved(application_id, center) -> None:
    application = Application.objects.get(pk=application_id)
    assert application.center == center
    assert not ApplicationTransfer.objects.filter(application=application).exists()
    assert not AuditEvent.objects.filter(
        action="application_transfer", object_id=str(application_id)
    ).exists()
    assert not IssuedDocument.objects.filter(subject_id=str(application_id), kind="transfer_letter").exists()


def letter_text(application_id) -> str:
    letter = IssuedDocument.objects.get(subject_id=str(application_id), kind="transfer_letter")
    text = "".join(page.extract_text() for page in PdfReader(document_pdf(document=letter)).pages)
    return text.replace("\n", "").replace(" ", "")


def test_filed_at_leping_transferred_and_decided_at_zhushan(city):
    filed = window_filing(city)
    application_id, number = filed["id"], filed["tracking_no"]
    assert number.startswith("JDZ-LEPING-")
    received_on = Application.objects.get(pk=application_id).received_on.isoformat()

    # the review waits at Leping, which received it; Zhushan does not see it yet
    (review,) = _review_rows(city, city.leping_reviewer, application_id)
    assert _review_rows(city, city.reviewer, application_id) == []
    # Leping may not refuse it for lack of competence: it transfers it to Zhushan instead
    refused = complete(city, city.leping_reviewer, review["id"], outcome="refuse", reason="不属于本中心管辖")
    assert refused.status_code == 400
    assert "珠山区法律援助中心" in refused.json()["errors"]["outcome"][0]
    assert Application.objects.get(pk=application_id).status == "submitted"
    # taken into the Leping reviewer's inbox, then transferred: it leaves their inbox too
    assert city.api(city.leping_reviewer).post(f"/api/v1/tasks/{review['id']}/claim/").status_code == 200
    moved = transfer(city, city.leping_reviewer, application_id, city.center)
    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert body["id"] == application_id and body["tracking_no"] == number
    assert body["center"] == {"id": city.center.pk, "name": "珠山区法律援助中心", "region": "zhushan"}
    assert body["region"] == "zhushan" and body["received_on"] == received_on
    assert body["status"] == "under_review"
    assert body["transfer_letter"]["url"] == f"/api/v1/documents/{body['transfer_letter']['code']}/"

    # the task moved: out of Leping's queue and inbox, into Zhushan's queue, unowned
    assert _review_rows(city, city.leping_reviewer, application_id) == []
    assert _review_rows(city, city.leping_reviewer, application_id, "inbox") == []
    (moved_review,) = _review_rows(city, city.reviewer, application_id)
    assert moved_review["id"] == review["id"] and moved_review["owner"] is None
    task = Task.objects.get(pk=review["id"])
    assert (task.status, task.owner_id, task.owner_permission_obj_pk) == ("NEW", None, str(city.center.pk))
    # Leping no longer sees the case (the clerk who recorded it still does); Zhushan does
    assert city.api(city.leping_reviewer).get(f"/api/v1/applications/{application_id}/").status_code == 404
    assert city.api(city.leping_clerk).get(f"/api/v1/applications/{application_id}/").status_code == 200
    detail = city.api(city.reviewer).get(f"/api/v1/applications/{application_id}/").json()
    assert (detail["tracking_no"], detail["region"]) == (number, "zhushan")

    # the Zhushan reviewer decides it
    approved = complete(city, city.reviewer, review["id"], outcome="approve")
    assert approved.status_code == 200, approved.content
    assert Application.objects.get(pk=application_id).status == "assigning"
    # and assigns it: the next task is Zhushan's too
    assert len(tasks(city, city.reviewer, "queue", application_id, "assign")) == 1
    assert tasks(city, city.leping_reviewer, "queue", application_id) == []
    approval = IssuedDocument.objects.get(subject_id=str(application_id), kind="approval")
    assert approval.issuer == city.center
    # after the decision no more transfers: 409
    again = transfer(city, city.reviewer, application_id, city.fuliang)
    assert again.status_code == 409 and again.json()["detail"]


def test_the_applicant_sees_the_transfer_and_reads_the_letter(city):
    Citizen.objects.create(user=city.applicant, id_number=ADULT_ID, phone="13907980001")
    application_id = window_filing(city)["id"]
    assert transfer(city, city.leping_reviewer, application_id, city.center).status_code == 200
    detail = city.api(city.applicant).get(f"/api/v1/applications/{application_id}/")
    assert detail.status_code == 200
    events = [e["event"] for e in detail.json()["timeline"]]
    assert events[:2] == ["application_submit", "application_transfer"]
    with translation.override("en"):
        english = city.api(city.applicant).get(
            f"/api/v1/applications/{application_id}/", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "Transferred to the competent center" in [e["label"] for e in english.json()["timeline"]]
    kinds = [d["kind"] for d in detail.json()["documents"]]
    assert kinds == ["receipt", "transfer_letter"]
    letter = next(d for d in detail.json()["documents"] if d["kind"] == "transfer_letter")
    download = city.api(city.applicant).get(letter["url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    # issued by the transferring center, on the case
    assert IssuedDocument.objects.get(code=letter["code"]).issuer == city.leping
    # the public progress query shows it too, without the actor
    tracked = city.api(None).get(
        "/api/v1/track/", {"tracking_no": detail.json()["tracking_no"], "id_tail": ADULT_ID[-4:]}
    )
    assert "application_transfer" in [e["event"] for e in tracked.json()["timeline"]]


def test_the_transfer_letter_names_both_centers_the_number_the_first_receipt_and_the_reason(city):
    from documents.pdf import chinese_date
    from workflows.letters import LETTER_LANGUAGE

    application_id = window_filing(city)["id"]
    assert transfer(city, city.leping_reviewer, application_id, city.center).status_code == 200
    application = Application.objects.get(pk=application_id)
    text = letter_text(application_id)
    for words in (
        "乐平市法律援助中心",
        "珠山区法律援助中心",
        application.tracking_no,
        REASON,
        chinese_date(application.received_on),
        chinese_date(application.decision_due),
        "吕春花",
    ):
        assert words in text, words
    # its words, in the letters' language (the compiled catalogue's Chinese)
    with translation.override(LETTER_LANGUAGE):
        from django.utils.translation import gettext

        title = gettext("Letter transferring a legal aid application")
    assert title.replace(" ", "") in text
    assert "法律援助申请转交函" in text and "第三十八条" in text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"center": "zhushan", "reason": ""}, "reason"),
        ({"center": "zhushan", "reason": None}, "reason"),
        ({"center": "leping", "reason": REASON}, "center_id"),
        ({"center": 999999, "reason": REASON}, "center_id"),
        ({"center": None, "reason": REASON}, "center_id"),
        ({"center": "abc", "reason": REASON}, "center_id"),
    ],
)
def test_a_bad_transfer_is_400_and_saves_nothing(city, body, field):
    application_id = window_filing(city)["id"]
    center = {"zhushan": city.center, "leping": city.leping}.get(body["center"], body["center"])
    response = transfer(city, city.leping_reviewer, application_id, center, reason=body["reason"])
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    _nothing_saved(application_id, city.leping)
    # the review still waits at Leping
    assert len(_review_rows(city, city.leping_reviewer, application_id)) == 1


def test_who_may_transfer(city):
    Citizen.objects.create(user=city.applicant, id_number=ADULT_ID, phone="13907980001")
    application_id = window_filing(city)["id"]
    # who sees the case but whose role never transfers: 403; who does not see it: 404
    assert transfer(city, city.applicant, application_id, city.center).status_code == 403
    assert transfer(city, city.leping_clerk, application_id, city.center).status_code == 403
    assert transfer(city, city.reviewer, application_id, city.fuliang).status_code == 404
    assert transfer(city, city.fuliang_reviewer, application_id, city.center).status_code == 404
    assert city.api(None).post(f"/api/v1/applications/{application_id}/transfer/", {}).status_code == 401
    _nothing_saved(application_id, city.leping)
    # the director may, while the review is open (claimed or not)
    assert transfer(city, city.leping_director, application_id, city.center).status_code == 200


def test_a_competent_center_may_transfer_with_a_reason_and_the_case_moves_region(city):
    filed = city.api(city.applicant).post("/api/v1/applications/", application_payload(), format="json")
    application_id = filed.json()["id"]
    moved = transfer(city, city.reviewer, application_id, city.fuliang, reason="争议发生地在浮梁县")
    assert moved.status_code == 200, moved.content
    assert moved.json()["region"] == "fuliang" and moved.json()["center"]["region"] == "fuliang"
    assert len(_review_rows(city, city.fuliang_reviewer, application_id)) == 1
    assert _review_rows(city, city.reviewer, application_id) == []


# --- two transfers at once (PostgreSQL) ---------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transfers_at_once_one_wins(_reference_data, city):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )
    from workflows.transfers import application_transfer_step

    application_id = window_filing(city)["id"]

    def move(user, center):
        application = Application.objects.select_related("center", "region", "applicant").get(
            pk=application_id
        )
        return application_transfer_step(
            acting_user=user,
            application=application,
            to_center=center,
            reason=REASON,
            base_url="http://testserver",
        )

    results = _race(
        lambda: move(city.leping_reviewer, city.center), lambda: move(city.leping_director, city.fuliang)
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    assert ApplicationTransfer.objects.filter(application_id=application_id).count() == 1
    assert IssuedDocument.objects.filter(subject_id=str(application_id), kind="transfer_letter").count() == 1
    assert (
        AuditEvent.objects.filter(action="application_transfer", object_id=str(application_id)).count() == 1
    )
    # the winner's center holds the case and the one review task
    center = Application.objects.get(pk=application_id).center
    task = Task.objects.get(process__seed_object_id=application_id, flow_task_type="HUMAN", status="NEW")
    assert task.owner_permission_obj_pk == str(center.pk)
