"""The application process, watertight: each hole found by trying it as a user or an attacker would.

One objection per decision (Art 49), the route after the bureau's decision, the supplement's
period and materials, nobody deciding their own filing, who may file and who may upload.
"""

import datetime

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aid_cases import services
from aid_cases.models import Application, ApplicationDocument, Objection, SupplementRequest
from aid_cases.selectors import applications_recused_for, applications_recused_sql, user_recused
from core.errors import Conflict
from directory.choices import OrganisationKind, Role
from directory.models import Citizen
from tests.factories import OrganisationFactory, region
from tests.world import ADULT_ID, PDF_BYTES, application_payload, pdf_file, upload_material

from .test_aid_flow_api import complete, file, inbox, queue, review_task, status_of

pytestmark = pytest.mark.django_db


def refused(actors, **overrides) -> dict:
    filed = file(actors, household={"size": 1, "monthly_income": "5000.00"}, **overrides)
    task = review_task(actors, filed["id"])
    response = complete(actors, actors.reviewer, task["id"], outcome="refuse", reason="家庭人均收入高于标准")
    assert response.status_code == 200
    return filed


def object_to(actors, application_id, reason="收入证明有误"):
    return actors.api(actors.applicant).post(
        f"/api/v1/applications/{application_id}/objection/", {"reason": reason}, format="json"
    )


def decide(actors, outcome):
    rows = [t for t in queue(actors, actors.bureau_officer) if t["name"] == "decide_objection"]
    assert len(rows) == 1, rows
    response = complete(actors, actors.bureau_officer, rows[0]["id"], outcome=outcome, reason="经审查")
    assert response.status_code == 200, response.content
    return response


def page(user, application_id) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/applications/{application_id}/")
    assert response.status_code == 200
    return response.content.decode()


# --- 1, 2: one objection per decision; after the bureau's decision, reconsideration or litigation


def test_a_second_objection_while_the_first_is_open_is_409(actors):
    filed = refused(actors)
    assert object_to(actors, filed["id"]).status_code == 201
    again = object_to(actors, filed["id"], "再次异议")
    assert again.status_code == 409 and "异议" in again.json()["detail"]
    assert Objection.objects.filter(application_id=filed["id"]).count() == 1
    assert len([t for t in queue(actors, actors.bureau_officer) if t["name"] == "decide_objection"]) == 1


def test_after_the_bureau_upholds_the_route_is_reconsideration_not_a_new_objection(actors):
    filed = refused(actors)
    assert object_to(actors, filed["id"]).status_code == 201
    decide(actors, "uphold")
    assert status_of(filed["id"]) == "refused"
    again = object_to(actors, filed["id"], "仍然不服")
    assert again.status_code == 409
    assert "行政复议" in again.json()["detail"] and "行政诉讼" in again.json()["detail"]
    assert Objection.objects.filter(application_id=filed["id"]).count() == 1
    html = page(actors.applicant, filed["id"])
    assert 'value="objection"' not in html  # no form
    assert "行政复议" in html and "家庭人均收入高于标准" in html


def test_the_refusal_reason_shows_above_the_objection_form(actors):
    filed = refused(actors)
    html = page(actors.applicant, filed["id"])
    assert html.index("家庭人均收入高于标准") < html.index('value="objection"')


def test_a_new_refusal_after_a_correction_can_be_objected_to_again(actors):
    filed = refused(actors)
    assert object_to(actors, filed["id"]).status_code == 201
    decide(actors, "correct")
    task = review_task(actors, filed["id"])
    assert (
        complete(actors, actors.reviewer, task["id"], outcome="refuse", reason="复查后仍不符合").status_code
        == 200
    )
    # a new decision: its own objection
    assert object_to(actors, filed["id"], "复查结论有误").status_code == 201
    assert Objection.objects.filter(application_id=filed["id"]).count() == 2


def test_an_objection_decision_on_an_application_no_longer_waiting_is_409(actors):
    filed = refused(actors)
    assert object_to(actors, filed["id"]).status_code == 201
    objection = Objection.objects.get()
    # the application moved on meanwhile (a stale decision must not send it back)
    Application.objects.filter(pk=filed["id"]).update(status="approved")
    with pytest.raises(Conflict):
        services.objection_decide(
            acting_user=actors.bureau_officer, objection=objection, outcome="uphold", reason="维持"
        )
    assert status_of(filed["id"]) == "approved"
    objection.refresh_from_db()
    assert objection.outcome == ""


def test_deciding_an_objection_twice_is_409(actors):
    filed = refused(actors)
    assert object_to(actors, filed["id"]).status_code == 201
    task = [t for t in queue(actors, actors.bureau_officer) if t["name"] == "decide_objection"][0]
    assert (
        complete(actors, actors.bureau_officer, task["id"], outcome="uphold", reason="维持").status_code
        == 200
    )
    assert (
        complete(actors, actors.bureau_officer, task["id"], outcome="correct", reason="改正").status_code
        == 409
    )
    assert status_of(filed["id"]) == "refused"


# --- 3, 4: the supplement's period and its materials


def supplement_requested(actors) -> tuple[dict, dict]:
    filed = file(actors)
    asked = complete(
        actors,
        actors.reviewer,
        review_task(actors, filed["id"])["id"],
        outcome="request_supplement",
        missing_items=["收入证明", "户口簿"],
    )
    assert asked.status_code == 200
    return filed, inbox(actors, actors.applicant)[0]


def test_the_applicants_supplement_tasks_show_their_due_dates_in_constant_statements(actors):
    """The API's rows load a subject with only what its due date reads (the supplement request)."""

    def listed() -> tuple[list[dict], int]:
        client = actors.api(actors.applicant)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/tasks/", {"scope": "inbox", "name": "supplement"})
        assert response.status_code == 200
        return response.json()["results"], len(ctx.captured_queries)

    first, _ = supplement_requested(actors)
    rows, statements = listed()
    due = SupplementRequest.objects.get(application_id=first["id"]).due_on
    assert [(r["application_id"], r["due"]) for r in rows] == [(first["id"], due.isoformat())]
    for n in range(3):
        filed = file(actors, matter={"summary": f"另一纠纷{n}", "opposing_party": f"李某{n}"})
        asked = complete(
            actors,
            actors.reviewer,
            review_task(actors, filed["id"])["id"],
            outcome="request_supplement",
            missing_items=["收入证明"],
        )
        assert asked.status_code == 200
    rows, more_statements = listed()
    assert len(rows) == 4 and all(r["due"] for r in rows)
    assert more_statements == statements


def test_a_supplement_after_its_due_date_is_409_even_before_the_timer_ran(actors):
    filed, task = supplement_requested(actors)
    SupplementRequest.objects.filter(application_id=filed["id"]).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert upload_material(actors, actors.applicant, filed["id"]).status_code == 201
    late = complete(actors, actors.applicant, task["id"], note="晚了")
    assert late.status_code == 409
    assert status_of(filed["id"]) == "supplement_requested"


def test_a_supplement_needs_a_file_uploaded_since_the_notice(actors):
    filed = file(actors)
    # uploaded before the notice: does not answer it
    assert upload_material(actors, actors.applicant, filed["id"], "身份证.pdf").status_code == 201
    complete(
        actors,
        actors.reviewer,
        review_task(actors, filed["id"])["id"],
        outcome="request_supplement",
        missing_items=["收入证明"],
    )
    task = inbox(actors, actors.applicant)[0]
    note_only = complete(actors, actors.applicant, task["id"], note="见附件")
    assert note_only.status_code == 400 and "materials" in note_only.json()["errors"]
    assert status_of(filed["id"]) == "supplement_requested"
    assert upload_material(actors, actors.applicant, filed["id"], "收入证明.pdf").status_code == 201
    assert complete(actors, actors.applicant, task["id"], note="见附件").status_code == 200
    assert status_of(filed["id"]) == "under_review"


def test_the_supplement_task_page_lists_the_items_and_takes_the_files(actors):
    filed, task = supplement_requested(actors)
    client = Client()
    client.force_login(actors.applicant)
    html = client.get(f"/tasks/{task['id']}/").content.decode()
    assert "收入证明" in html and "户口簿" in html
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    # the applicant's own task: what to do comes before the case's record (a decision's page is the reverse)
    assert "site-task--action-first" in html and "提交材料" in html
    # sent with no file: refused on the page, nothing changes
    refused_page = client.post(f"/tasks/{task['id']}/", {"note": "已补"})
    assert refused_page.status_code == 400 and status_of(filed["id"]) == "supplement_requested"
    sent = client.post(
        f"/tasks/{task['id']}/",
        {"note": "已补", "materials": [pdf_file("收入证明.pdf"), pdf_file("户口簿.pdf")]},
    )
    assert sent.status_code == 302, sent.content.decode()[-2000:]
    assert status_of(filed["id"]) == "under_review"
    assert sorted(ApplicationDocument.objects.values_list("original_name", flat=True)) == [
        "户口簿.pdf",
        "收入证明.pdf",
    ]


def test_a_bad_file_in_the_supplement_saves_nothing(actors):
    filed, task = supplement_requested(actors)
    client = Client()
    client.force_login(actors.applicant)
    response = client.post(
        f"/tasks/{task['id']}/",
        {
            "note": "已补",
            "materials": [pdf_file("ok.pdf"), pdf_file("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64)],
        },
    )
    assert response.status_code == 400
    assert ApplicationDocument.objects.count() == 0 and status_of(filed["id"]) == "supplement_requested"


# --- 5: nobody decides their own filing


def test_a_reviewer_never_decides_a_request_they_recorded(actors):
    body = application_payload(channel="window")
    recorded = actors.api(actors.reviewer).post("/api/v1/applications/", body, format="json")
    assert recorded.status_code == 201, recorded.content
    application_id = recorded.json()["id"]
    assert [t for t in queue(actors, actors.reviewer) if t["application_id"] == application_id] == []
    colleague_rows = [t for t in queue(actors, actors.reviewer2) if t["application_id"] == application_id]
    assert len(colleague_rows) == 1
    task_id = colleague_rows[0]["id"]
    # not theirs to see as a task, nor to complete, nor to claim
    assert complete(actors, actors.reviewer, task_id, outcome="approve").status_code == 404
    assert actors.api(actors.reviewer).post(f"/api/v1/tasks/{task_id}/claim/").status_code == 404
    client = Client()
    client.force_login(actors.reviewer)
    assert client.get(f"/tasks/{task_id}/").status_code == 404
    # the service says so too, whoever calls it
    with pytest.raises(Conflict):
        services.review_approve(
            acting_user=actors.reviewer, application=Application.objects.get(pk=application_id)
        )
    # a colleague decides
    assert complete(actors, actors.reviewer2, task_id, outcome="approve").status_code == 200


def test_a_reviewer_who_is_the_applicant_does_not_see_the_review(actors):
    Citizen.objects.create(user=actors.reviewer2, id_number=ADULT_ID, phone="13907985555")
    filed = file(actors)  # the applicant block carries ADULT_ID
    assert [t for t in queue(actors, actors.reviewer2) if t["application_id"] == filed["id"]] == []
    assert len([t for t in queue(actors, actors.reviewer) if t["application_id"] == filed["id"]]) == 1


def test_the_task_layers_compiled_recusal_is_the_selectors(actors):
    """applications_recused_sql compiles applications_recused_for once and binds each user's id (the
    task layer's condition and every decision's check): the same cases as the queryset, for every
    kind of user."""
    recorded = actors.api(actors.reviewer).post(
        "/api/v1/applications/", application_payload(channel="window"), format="json"
    )
    assert recorded.status_code == 201, recorded.content
    Citizen.objects.create(user=actors.reviewer2, id_number=ADULT_ID, phone="13907985557")
    filed = file(actors)
    for user, expected in (
        (actors.reviewer, {recorded.json()["id"]}),
        # both applicant blocks carry ADULT_ID: reviewer2 is the applicant of both
        (actors.reviewer2, {recorded.json()["id"], filed["id"]}),
        (actors.applicant, {filed["id"]}),  # they filed it online
        (actors.bureau_officer, set()),
    ):
        sql, params = applications_recused_sql(user)
        in_subquery = RawSQL(sql, params)  # noqa: S611
        compiled = set(Application.objects.filter(pk__in=in_subquery).values_list("pk", flat=True))
        assert compiled == set(applications_recused_for(user).values_list("pk", flat=True)) == expected
        for application in Application.objects.all():  # the services' check (require_not_recused)
            assert user_recused(user, application) == (application.pk in expected)


def test_a_bureau_officer_who_is_the_applicant_does_not_decide_the_objection(actors, make_member):
    colleague = make_member(Role.BUREAU_OFFICER, actors.bureau, username="bureau_zhushan_2")
    Citizen.objects.create(user=actors.bureau_officer, id_number=ADULT_ID, phone="13907985556")
    filed = refused(actors)
    assert object_to(actors, filed["id"]).status_code == 201
    assert [t for t in queue(actors, actors.bureau_officer) if t["name"] == "decide_objection"] == []
    assert len([t for t in queue(actors, colleague) if t["name"] == "decide_objection"]) == 1


# --- 6: who may file


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.PROVIDER, OrganisationKind.LAW_FIRM),
        (Role.FIRM_ADMIN, OrganisationKind.LAW_FIRM),
        (Role.AGENCY_OFFICER, OrganisationKind.POLICE),
        (Role.INSTITUTION_STAFF, OrganisationKind.NOTARY),
        (Role.BUREAU_OFFICER, OrganisationKind.BUREAU),
        (Role.DETENTION_OFFICER, OrganisationKind.DETENTION),
    ],
)
def test_other_roles_may_not_file(actors, make_member, role, kind):
    user = make_member(role, OrganisationFactory(kind=kind, region=region("zhushan")))
    for channel in ("online", "window"):
        response = actors.api(user).post(
            "/api/v1/applications/", application_payload(channel=channel), format="json"
        )
        assert response.status_code == 403 and response.json()["detail"], response.content
    # even with bad input, the answer is the role's
    assert actors.api(user).post("/api/v1/applications/", {}, format="json").status_code in (400, 403)
    assert Application.objects.count() == 0


def test_applicants_file_online_and_center_staff_at_the_window(actors):
    assert (
        actors.api(actors.applicant)
        .post("/api/v1/applications/", application_payload(), format="json")
        .status_code
        == 201
    )
    assert (
        actors.api(actors.clerk)
        .post("/api/v1/applications/", application_payload(channel="hotline"), format="json")
        .status_code
        == 201
    )
    online_by_staff = actors.api(actors.reviewer).post(
        "/api/v1/applications/", application_payload(), format="json"
    )
    assert online_by_staff.status_code == 400 and "channel" in online_by_staff.json()["errors"]


# --- 7: uploads


def test_only_the_applicant_side_and_the_handling_center_upload(actors):
    filed = refused(actors)
    assert object_to(actors, filed["id"]).status_code == 201
    assert upload_material(actors, actors.applicant, filed["id"]).status_code == 201
    assert upload_material(actors, actors.clerk, filed["id"]).status_code == 201
    # the bureau sees the case (it decides the objection) but adds no materials to it
    forbidden = upload_material(actors, actors.bureau_officer, filed["id"])
    assert forbidden.status_code == 403 and forbidden.json()["detail"]
    assert upload_material(actors, actors.other_reviewer, filed["id"]).status_code == 404
    assert ApplicationDocument.objects.count() == 2


def test_at_most_30_files_per_application(actors):
    filed = file(actors)
    for n in range(30):
        assert upload_material(actors, actors.applicant, filed["id"], f"{n}.pdf").status_code == 201
    over = upload_material(actors, actors.applicant, filed["id"], "31.pdf")
    assert over.status_code == 400 and "30" in over.json()["errors"]["file"][0]
    assert ApplicationDocument.objects.count() == 30


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        # a PDF that is also a web page (a polyglot)
        ("scan.pdf", PDF_BYTES + b"<html><body><script>alert(1)</script></body></html>", "application/pdf"),
        ("scan.pdf", b"%PDF-1.4\n<!DOCTYPE html><svg onload=alert(1)>", "application/pdf"),
        # the content is a PDF, the declared type or the name says otherwise
        ("photo.png", PDF_BYTES, "image/png"),
        ("page.html", PDF_BYTES, "text/html"),
        ("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "application/pdf"),
    ],
)
def test_content_must_match_the_declared_type(actors, name, content, content_type):
    filed = file(actors)
    response = actors.api(actors.applicant).post(
        f"/api/v1/applications/{filed['id']}/documents/",
        {"file": pdf_file(name, content, content_type)},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()["errors"], response.content
    assert ApplicationDocument.objects.count() == 0


def test_a_registered_citizen_sees_and_supplements_what_names_them(actors, django_user_model):
    clerk_filed = actors.api(actors.clerk).post(
        "/api/v1/applications/", application_payload(channel="window"), format="json"
    )
    assert clerk_filed.status_code == 201
    citizen = django_user_model.objects.create_user(username="13907980001", password="x-Strong-pass-1")
    Citizen.objects.create(user=citizen, id_number=ADULT_ID, phone="13907980001")
    application_id = clerk_filed.json()["id"]
    seen = actors.api(citizen).get(f"/api/v1/applications/{application_id}/")
    assert seen.status_code == 200 and seen.json()["applicant"]["id_number"] == ADULT_ID
    assert upload_material(actors, citizen, application_id).status_code == 201


def test_the_apply_page_is_403_for_roles_that_never_file(actors, make_member):
    lawyer = make_member(
        Role.PROVIDER, OrganisationFactory(kind=OrganisationKind.LAW_FIRM, region=region("zhushan"))
    )
    client = Client()
    client.force_login(lawyer)
    assert client.get("/apply/").status_code == 403
    assert client.post("/apply/", {}).status_code == 403
    client.force_login(actors.applicant)
    assert client.get("/apply/").status_code == 200


def test_the_registered_applicant_may_object_to_a_window_filing(actors, django_user_model):
    recorded = actors.api(actors.clerk).post(
        "/api/v1/applications/",
        application_payload(channel="window", household={"size": 1, "monthly_income": "5000.00"}),
        format="json",
    )
    application_id = recorded.json()["id"]
    task = review_task(actors, application_id)
    assert (
        complete(actors, actors.reviewer, task["id"], outcome="refuse", reason="收入超标").status_code == 200
    )
    citizen = django_user_model.objects.create_user(username="13907980001", password="x-Strong-pass-1")
    Citizen.objects.create(user=citizen, id_number=ADULT_ID, phone="13907980001")
    # the clerk who recorded it is not the applicant
    assert (
        actors.api(actors.clerk)
        .post(f"/api/v1/applications/{application_id}/objection/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    objected = actors.api(citizen).post(
        f"/api/v1/applications/{application_id}/objection/", {"reason": "收入证明有误"}, format="json"
    )
    assert objected.status_code == 201 and status_of(application_id) == "objection"


def test_the_bureau_reads_the_centers_reasons_beside_the_objection(actors):
    filed = refused(actors)
    assert object_to(actors, filed["id"], "我的收入证明被误读").status_code == 201
    task = [t for t in queue(actors, actors.bureau_officer) if t["name"] == "decide_objection"][0]
    client = Client()
    client.force_login(actors.bureau_officer)
    html = client.get(f"/tasks/{task['id']}/").content.decode()
    assert "家庭人均收入高于标准" in html and "我的收入证明被误读" in html
