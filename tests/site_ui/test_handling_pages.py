"""The site's pages after the decision: the provider's cases, the handling blocks of the case page
(notes, closing file, replacement, rating) and the center's overdue tasks, through the test client."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from aid_cases.models import Application, ApplicationDocument
from assignments.models import ClosingChecklistItem, ProgressNote, Rating
from tests.world import (
    FIRM_PHONE,
    PDF_BYTES,
    answer,
    approved_case,
    assign,
    complete,
    status_of,
    tasks,
)

pytestmark = pytest.mark.django_db


def zh(msgid: str) -> str:
    """The page's Chinese for one of the site's English msgids (the catalogue's, else the msgid)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.fixture
def world(handling_world):
    assert ClosingChecklistItem.objects.filter(code="judgment").exists()  # the default checklist (migration)
    return handling_world


# --- helpers of this file -----------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user, application_id, expect=200) -> str:
    response = client_for(user).get(f"/applications/{application_id}/")
    assert response.status_code == expect, response.content.decode()[:2000]
    return response.content.decode()


def handled_case(world, lawyer=None) -> int:
    """A case the first lawyer (or ``lawyer``) has accepted: in progress."""
    application_id = approved_case(world)
    lawyer = lawyer or world.lawyers[0]
    assert assign(world, application_id, lawyer[1]).status_code == 200
    assert answer(world, application_id, lawyer).status_code == 200
    assert status_of(application_id) == "in_progress"
    return application_id


def closed_case(world) -> int:
    application_id = handled_case(world)
    lawyer = world.lawyers[0][0]
    (report,) = tasks(world, lawyer, "inbox", application_id, "close_report")
    done = complete(world, lawyer, report["id"], outcome="mediated", summary="经调解结案", hours="6")
    assert done.status_code == 200, done.content
    (review,) = tasks(world, world.reviewer, "queue", application_id, "review_closure")
    ok = complete(world, world.reviewer, review["id"], approve=True, comment="纸质卷宗已归档")
    assert ok.status_code == 200, ok.content
    assert status_of(application_id) == "closed"
    return application_id


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<(section|form|table)[^>]*id="{element_id}".*?</\1>', html, re.S)
    return match.group(0) if match else ""


# --- My cases -------------------------------------------------------------------------------------


def test_a_provider_sees_the_offer_then_the_case_in_my_cases(world):
    application_id = approved_case(world)
    tracking_no = Application.objects.get(pk=application_id).tracking_no
    user, provider = world.lawyers[0]
    assign(world, application_id, provider)
    html = client_for(user).get("/my/cases/").content.decode()
    offers = section(html, "offers")
    (offer,) = tasks(world, user, "inbox", application_id, "accept")
    assert f'href="/tasks/{offer["id"]}/"' in offers and tracking_no in offers
    assert tracking_no not in section(html, "cases")  # not theirs until they accept
    answer(world, application_id, world.lawyers[0])
    html = client_for(user).get("/my/cases/").content.decode()
    cases = section(html, "cases")
    assert tracking_no in cases and f'href="/applications/{application_id}/"' in cases
    assert "吕春花" in cases and "赡养费" in cases  # applicant and matter
    (report,) = tasks(world, user, "inbox", application_id, "close_report")
    assert f'href="/tasks/{report["id"]}/"' in cases  # its closing report, from its row
    assert tracking_no not in section(html, "offers")
    # another lawyer of the same firm sees none of it
    other = client_for(world.lawyers[1][0]).get("/my/cases/").content.decode()
    assert tracking_no not in other


@pytest.mark.parametrize("who", ["applicant", "reviewer", "director", "bureau_officer"])
def test_my_cases_is_404_for_people_who_are_not_providers(world, who):
    assert client_for(getattr(world, who)).get("/my/cases/").status_code == 404


def _my_cases_statements(user) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/my/cases/")
    assert response.status_code == 200
    return len(captured)


def _copy_case(application_id: int, n: int) -> None:
    """Another case handled by the same provider, as a row (the page only reads them)."""
    case = Application.objects.get(pk=application_id)
    case.pk = None
    case.tracking_no = f"{case.tracking_no[:-4]}{9000 + n}"
    case.save()


def test_my_cases_costs_the_same_statements_for_1_and_20_cases(world):
    application_id = handled_case(world)
    user = world.lawyers[0][0]
    ProgressNote.objects.create(
        application_id=application_id,
        assignment=Application.objects.get(pk=application_id).assignments.get(),
        author=user,
        text="会见当事人",
        hours=2,
        noted_on=timezone.localdate(),
    )
    one = _my_cases_statements(user)
    for n in range(19):
        _copy_case(application_id, n)
    assert Application.objects.filter(provider__user=user).count() == 20
    many = _my_cases_statements(user)
    assert one == many
    html = client_for(user).get("/my/cases/").content.decode()
    assert section(html, "cases").count("<tr>") - 1 == 20


# --- the case page, as the provider ---------------------------------------------------------------


def test_another_provider_gets_404_on_the_case_page(world):
    application_id = handled_case(world)
    page(world.lawyers[1][0], application_id, expect=404)
    # the offered provider neither, until they accept (the accept task shows them the case)
    second = approved_case(world)
    assign(world, second, world.lawyers[1][1])
    page(world.lawyers[1][0], second, expect=404)


def test_the_provider_adds_progress_notes_with_hours(world):
    application_id = handled_case(world)
    user = world.lawyers[0][0]
    html = page(user, application_id)
    assert 'id="note-form"' in html and 'name="note-hours"' in html
    today = timezone.localdate().isoformat()
    response = client_for(user).post(
        f"/applications/{application_id}/",
        {
            "action": "progress_note",
            "note-text": "会见当事人，调取证据",
            "note-hours": "2.5",
            "note-noted_on": today,
        },
    )
    assert response.status_code == 302
    client_for(user).post(
        f"/applications/{application_id}/",
        {"action": "progress_note", "note-text": "起草起诉状", "note-hours": "1", "note-noted_on": ""},
    )
    assert ProgressNote.objects.filter(application_id=application_id).count() == 2
    notes = section(page(user, application_id), "progress-notes")
    assert "会见当事人，调取证据" in notes and "起草起诉状" in notes
    assert re.search(r'id="hours-total">[^<]*3\.5', notes)
    assert timezone.localdate().strftime("%Y年") in notes


@pytest.mark.parametrize("hours", ["25", "-1", "x", "1.25"])
def test_bad_hours_are_an_error_and_save_nothing(world, hours):
    application_id = handled_case(world)
    response = client_for(world.lawyers[0][0]).post(
        f"/applications/{application_id}/",
        {"action": "progress_note", "note-text": "会见当事人", "note-hours": hours},
    )
    assert response.status_code == 400
    assert "hours" in response.context["note_form"].errors
    html = response.content.decode()
    assert 'role="alert"' in html and 'id="note-error-summary"' in html
    assert not ProgressNote.objects.exists()


def test_the_services_rules_show_on_the_notes_form(world):
    application_id = handled_case(world)
    client = client_for(world.lawyers[0][0])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    future = client.post(
        f"/applications/{application_id}/",
        {"action": "progress_note", "note-text": "x", "note-hours": "1", "note-noted_on": tomorrow},
    )
    assert future.status_code == 400 and "noted_on" in future.context["note_form"].errors
    empty = client.post(f"/applications/{application_id}/", {"action": "progress_note", "note-hours": "1"})
    assert empty.status_code == 400 and "text" in empty.context["note_form"].errors
    client.post(
        f"/applications/{application_id}/", {"action": "progress_note", "note-text": "a", "note-hours": "20"}
    )
    over = client.post(
        f"/applications/{application_id}/", {"action": "progress_note", "note-text": "b", "note-hours": "5"}
    )
    assert over.status_code == 400 and "hours" in over.context["note_form"].errors  # 25 hours that day
    assert ProgressNote.objects.count() == 1


def test_the_closing_file_takes_a_pdf_and_refuses_a_text_file(world):
    application_id = handled_case(world)
    user = world.lawyers[0][0]
    html = page(user, application_id)
    upload = section(html, "closing-upload")
    assert 'enctype="multipart/form-data"' in upload and 'value="judgment"' in upload
    (report,) = tasks(world, user, "inbox", application_id, "close_report")
    assert f'href="/tasks/{report["id"]}/"' in html  # the closing report's task
    ok = client_for(user).post(
        f"/applications/{application_id}/",
        {
            "action": "closing_document",
            "closing-item": "judgment",
            "closing-file": SimpleUploadedFile("判决书.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    assert ok.status_code == 302, ok.content.decode()[:2000]
    document = ApplicationDocument.objects.get(application_id=application_id)
    assert document.closing_item == "judgment"
    checklist = section(page(user, application_id), "closing-file")
    assert "判决书.pdf" in checklist and "site-handling-check--done" in checklist
    text = client_for(user).post(
        f"/applications/{application_id}/",
        {
            "action": "closing_document",
            "closing-item": "judgment",
            "closing-file": SimpleUploadedFile("判决书.txt", b"just text", "text/plain"),
        },
    )
    assert text.status_code == 400
    assert "file" in text.context["closing_form"].errors
    assert ApplicationDocument.objects.count() == 1
    unknown = client_for(user).post(
        f"/applications/{application_id}/",
        {
            "action": "closing_document",
            "closing-item": "astrology",
            "closing-file": SimpleUploadedFile("a.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    assert unknown.status_code == 400 and "item" in unknown.context["closing_form"].errors
    assert ApplicationDocument.objects.count() == 1


def test_others_get_no_provider_forms_and_their_posts_do_nothing(world):
    application_id = handled_case(world)
    for user in (world.applicant, world.reviewer):
        html = page(user, application_id)
        assert 'id="note-form"' not in html and 'id="closing-upload"' not in html
        response = client_for(user).post(
            f"/applications/{application_id}/",
            {"action": "progress_note", "note-text": "x", "note-hours": "1"},
            follow=True,
        )
        assert response.status_code == 200
        assert zh("This action is no longer possible.") in response.content.decode()
    assert not ProgressNote.objects.exists()
    # the provider's notes are the center's to read, not the applicant's
    client_for(world.lawyers[0][0]).post(
        f"/applications/{application_id}/",
        {"action": "progress_note", "note-text": "会见当事人", "note-hours": "1"},
    )
    assert "会见当事人" in section(page(world.reviewer, application_id), "progress-notes")
    assert 'id="progress-notes"' not in page(world.applicant, application_id)


def test_while_the_report_is_reviewed_the_provider_still_adds_to_the_closing_file(world):
    application_id = handled_case(world)
    user = world.lawyers[0][0]
    (report,) = tasks(world, user, "inbox", application_id, "close_report")
    complete(world, user, report["id"], outcome="won", summary="胜诉", hours="10")
    assert status_of(application_id) == "closing"
    html = page(user, application_id)
    assert 'id="close-report"' in html and 'id="note-form"' not in html and 'id="closing-upload"' in html
    ok = client_for(user).post(
        f"/applications/{application_id}/",
        {
            "action": "closing_document",
            "closing-item": "judgment",
            "closing-file": SimpleUploadedFile("判决书.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    assert ok.status_code == 302 and ApplicationDocument.objects.filter(closing_item="judgment").count() == 1


# --- the assignment block -------------------------------------------------------------------------


def test_the_applicant_and_the_center_see_who_handles_the_case(world):
    application_id = approved_case(world)
    assign(world, application_id, world.lawyers[0][1])
    waiting = section(page(world.applicant, application_id), "assignment")
    assert zh("Awaiting the provider’s answer.") in waiting and "律师1" not in waiting
    staff = section(page(world.reviewer, application_id), "assignment")
    assert "律师1" in staff and zh("Awaiting the provider’s answer.") in staff
    answer(world, application_id, world.lawyers[0])
    for user in (world.applicant, world.reviewer):
        block = section(page(user, application_id), "assignment")
        assert "律师1" in block and "江西景德律师事务所" in block and FIRM_PHONE in block
    # the provider's own account is not shown to anyone
    assert "lawyer_01" not in section(page(world.applicant, application_id), "assignment")


# --- replacing the provider ----------------------------------------------------------------------


def test_the_reviewer_replaces_the_provider_and_the_case_goes_back_to_assignment(world):
    application_id = handled_case(world)
    assert 'id="reassign"' not in page(world.applicant, application_id)
    assert 'id="reassign"' not in page(world.lawyers[0][0], application_id)
    assert 'id="reassign"' not in page(world.clerk, application_id)
    reviewer = client_for(world.reviewer)
    assert 'id="reassign"' in page(world.reviewer, application_id)
    missing = reviewer.post(
        f"/applications/{application_id}/", {"action": "reassign", "reassign-reason": " "}
    )
    assert missing.status_code == 400 and "reason" in missing.context["reassign_form"].errors
    assert status_of(application_id) == "in_progress"
    done = reviewer.post(
        f"/applications/{application_id}/",
        {"action": "reassign", "reassign-reason": "受援人申请更换（第55条）"},
    )
    assert done.status_code == 302
    assert status_of(application_id) == "assigning"
    assert Application.objects.get(pk=application_id).provider is None
    page(world.lawyers[0][0], application_id, expect=404)
    assert tasks(world, world.reviewer, "queue", application_id, "assign")
    # the form is gone; a second post says so and changes nothing
    again = reviewer.post(
        f"/applications/{application_id}/", {"action": "reassign", "reassign-reason": "再次更换"}, follow=True
    )
    assert zh("This action is no longer possible.") in again.content.decode()
    assert status_of(application_id) == "assigning"


# --- the rating ------------------------------------------------------------------------------------


def test_the_rating_form_only_after_closure_and_only_for_the_applicant(world):
    application_id = handled_case(world)
    assert 'id="rating"' not in page(world.applicant, application_id)
    early = client_for(world.applicant).post(
        f"/applications/{application_id}/", {"action": "rating", "rating-score": "5"}
    )
    assert early.status_code == 302 and not Rating.objects.exists()
    closed = closed_case(world)
    html = page(world.applicant, closed)
    form = section(html, "rating")
    assert form.count('type="radio"') == 5 and 'name="rating-score"' in form
    assert zh("Very dissatisfied") in form and zh("Very satisfied") in form
    for other in (world.reviewer, world.lawyers[0][0]):
        assert 'name="rating-score"' not in page(other, closed)
    bad = client_for(world.applicant).post(
        f"/applications/{closed}/", {"action": "rating", "rating-score": "9"}
    )
    assert bad.status_code == 400 and "score" in bad.context["rating_form"].errors
    assert not Rating.objects.exists()
    ok = client_for(world.applicant).post(
        f"/applications/{closed}/", {"action": "rating", "rating-score": "4", "rating-comment": "律师很负责"}
    )
    assert ok.status_code == 302
    rating = Rating.objects.get(application_id=closed)
    assert rating.score == 4 and rating.provider == world.lawyers[0][1]
    shown = section(page(world.applicant, closed), "rating")
    assert 'name="rating-score"' not in shown and zh("Satisfied") in shown and "律师很负责" in shown
    again = client_for(world.applicant).post(
        f"/applications/{closed}/", {"action": "rating", "rating-score": "1"}, follow=True
    )
    assert zh("This action is no longer possible.") in again.content.decode()
    assert Rating.objects.get(application_id=closed).score == 4


# --- the overdue tasks -----------------------------------------------------------------------------


def test_the_overdue_page_lists_a_late_assignment(world):
    application_id = approved_case(world)
    tracking_no = Application.objects.get(pk=application_id).tracking_no
    on_time = approved_case(world)
    on_time_no = Application.objects.get(pk=on_time).tracking_no
    late = timezone.localdate() - datetime.timedelta(days=4)
    Application.objects.filter(pk=application_id).update(assign_due=late)
    for user in (world.director, world.reviewer):
        response = client_for(user).get("/cases/overdue/")
        assert response.status_code == 200
        table = section(response.content.decode(), "overdue")
        assert tracking_no in table and on_time_no not in table
        assert late.strftime("%Y年") in table and f"{late.month}月{late.day}日" in table
        assert len(response.context["rows"]) == response.context["count"] == 1
    (task,) = tasks(world, world.reviewer, "queue", application_id, "assign")
    assert (
        f'href="/tasks/{task["id"]}/"' in client_for(world.director).get("/cases/overdue/").content.decode()
    )
    # another center's reviewer sees none of it; others are not let in
    assert client_for(world.other_reviewer).get("/cases/overdue/").context["count"] == 0
    for user in (world.applicant, world.clerk, world.lawyers[0][0], world.bureau_officer):
        assert client_for(user).get("/cases/overdue/").status_code == 404


def test_the_overdue_page_lists_oldest_first_and_leaves_out_finished_tasks(world):
    first, second = approved_case(world), approved_case(world)
    today = timezone.localdate()
    Application.objects.filter(pk=first).update(assign_due=today - datetime.timedelta(days=2))
    Application.objects.filter(pk=second).update(assign_due=today - datetime.timedelta(days=9))
    rows = client_for(world.director).get("/cases/overdue/").context["rows"]
    assert [r["case"].pk for r in rows] == [second, first]
    assert [r["days_late"] for r in rows] == [9, 2]
    assign(world, second, world.lawyers[0][1])
    # the assign task is done; the provider's unanswered offer now holds up the three days: listed,
    # held by the lawyer (the director replaces them on the case's page), not openable by the director
    rows = client_for(world.director).get("/cases/overdue/").context["rows"]
    assert [r["case"].pk for r in rows] == [second, first]
    offer = rows[0]
    assert offer["openable"] is False and offer["owner_name"]
    answer(world, second, world.lawyers[0])
    rows = client_for(world.director).get("/cases/overdue/").context["rows"]
    assert [r["case"].pk for r in rows] == [first]


def _overdue_statements(user) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/cases/overdue/")
    assert response.status_code == 200
    return len(captured)


def test_the_overdue_page_costs_the_same_statements_for_1_and_5_tasks(world):
    late = timezone.localdate() - datetime.timedelta(days=3)
    Application.objects.filter(pk=approved_case(world)).update(assign_due=late)
    one = _overdue_statements(world.director)
    for _ in range(4):
        Application.objects.filter(pk=approved_case(world)).update(assign_due=late)
    assert _overdue_statements(world.director) == one


# --- the menu and the home page -------------------------------------------------------------------


def test_providers_and_directors_have_their_links(world):
    lawyer_home = client_for(world.lawyers[0][0]).get("/").content.decode()
    assert 'href="/my/cases/"' in lawyer_home and 'href="/tasks/"' in lawyer_home
    menu = re.search(r'<aside class="vf-page__menu.*?</aside>', lawyer_home, re.S).group(0)
    assert 'href="/my/cases/"' in menu and 'href="/tasks/"' in menu and 'href="/cases/overdue/"' not in menu
    director_home = client_for(world.director).get("/").content.decode()
    assert director_home.count('href="/cases/overdue/"') >= 2  # the menu and the home card
    overdue = client_for(world.director).get("/cases/overdue/").content.decode()
    assert overdue.count('aria-current="page"') == 1  # the overdue entry, not the case list too
