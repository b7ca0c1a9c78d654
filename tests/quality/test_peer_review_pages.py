"""The peer-review pages: the center's quality page (/quality/, the director's sampling form), the task
page where a reviewer of another center scores a file, the provider's own grades (/my/grades/), the
bureau's view across centers (/quality/centers/) and the correction notice's PDF."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client, TestCase

from directory.choices import Role
from directory.services import membership_grant
from quality.models import PeerReview, Sampling
from tests.factories import UserFactory

from .peer_review_world import (
    FULL,
    add_peer_reviewers,
    closed_case,
    peer_review_tasks,
    run_sampling,
    score,
    scorecard_rows,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)
FAIL_SCORES = {
    "intake": "5",
    "evidence": "8",
    "documents": "20",
    "hearing": "10",
    "closing": "9",
    "contact": "6",
}


@pytest.fixture
def world(handling_world, make_member):
    scorecard_rows()
    add_peer_reviewers(handling_world, make_member)
    return handling_world


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<(section|article|table|form|ul|tr|li)[^>]*id="{element_id}".*?</\1>', html, re.S)
    return match.group(0) if match else ""


def sampled_review(world, **kwargs) -> PeerReview:
    case = closed_case(world, closed_on=DAY, **kwargs)
    assert run_sampling(world, count=1).status_code == 201
    return PeerReview.objects.select_related("reviewer", "application").get(application=case)


# --- /quality/ ----------------------------------------------------------------------------------------


def test_the_director_runs_a_sampling_from_the_quality_page(world):
    for n in range(10):
        closed_case(world, closed_on=DAY + datetime.timedelta(days=n))
    client = client_for(world.director)
    page = client.get("/quality/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="sampling-form"' in html and 'name="share_percent"' in html and 'name="seed"' in html
    assert section(html, "scorecards").count("<li>") == 6 * 4  # every category's scorecard
    response = client.post(
        "/quality/",
        {
            "center": world.center.pk,
            "period_from": "2026-01-01",
            "period_to": "2026-06-30",
            "share_percent": "30",
            "seed": "7",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sampling = Sampling.objects.get()
    assert str(sampling.share) == "0.3000" and sampling.reviews.count() == 3
    html = client.get(response["Location"]).content.decode()
    files = section(html, f"sampling-{sampling.pk}-files")
    for review in sampling.reviews.select_related("application", "reviewer_center"):
        assert review.application.tracking_no in files
        assert review.reviewer_center.name in files


def test_bad_sampling_input_on_the_page_is_shown_on_its_field(world):
    closed_case(world, closed_on=DAY)
    response = client_for(world.director).post(
        "/quality/",
        {
            "center": world.center.pk,
            "period_from": "2026-01-01",
            "period_to": "2026-06-30",
            "share_percent": "150",
            "seed": "7",
        },
    )
    assert response.status_code == 400
    assert 'id="id_share_percent_error"' in response.content.decode()
    assert not Sampling.objects.exists()


def test_the_quality_page_shows_grades_and_no_form_to_a_reviewer(world):
    review = sampled_review(world)
    (task,) = peer_review_tasks(world, review.reviewer)
    score(world, review.reviewer, task["id"], FULL)
    html = client_for(world.reviewer).get("/quality/").content.decode()
    assert 'id="sampling-form"' not in html
    assert review.application.tracking_no in section(html, f"review-{review.pk}")
    assert "site-grade--excellent" in section(html, f"review-{review.pk}")
    assert ">1" in section(html, "grade-excellent") or "1" in section(html, "grade-excellent")
    # nobody can post a sampling but the director
    assert client_for(world.reviewer).post("/quality/", {"center": world.center.pk}).status_code == 404


def test_the_quality_page_is_404_for_others(world):
    for user in (world.lawyers[0][0], world.applicant):
        assert client_for(user).get("/quality/").status_code == 404, user.username
    # another center's staff may not open this center's page
    assert client_for(world.other_reviewer).get(f"/quality/?center={world.center.pk}").status_code == 404
    # the bureau reads its region's centers, without the form
    html = client_for(world.bureau_officer).get(f"/quality/?center={world.center.pk}")
    assert html.status_code == 200 and 'id="sampling-form"' not in html.content.decode()


# --- the task page ---------------------------------------------------------------------------------


def test_a_reviewer_of_another_center_scores_the_file_on_its_task_page(world):
    review = sampled_review(world)
    (task,) = peer_review_tasks(world, review.reviewer)
    client = client_for(review.reviewer)
    html = client.get(f"/tasks/{task['id']}/").content.decode()
    assert review.application.tracking_no in html
    assert "经调解结案" in section(html, "peer-review-report")  # the closing report, read-only
    for code in FULL:
        assert f'name="scores__{code}"' in html
    bad = {f"scores__{code}": points for code, points in FULL.items()} | {
        "scores__evidence": "25",
        "comment": "",
    }
    response = client.post(f"/tasks/{task['id']}/", bad)
    assert response.status_code == 400
    assert "证据收集" in response.content.decode() and 'value="25"' in response.content.decode()
    review.refresh_from_db()
    assert review.status == "open"
    good = {f"scores__{code}": points for code, points in FULL.items()} | {
        "scores__evidence": "17.5",
        "comment": "规范",
    }
    response = client.post(f"/tasks/{task['id']}/", good)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "scored" and str(review.total) == "97.5" and review.grade == "excellent"


# --- /my/grades/ and the correction notice ----------------------------------------------------------


def test_the_provider_reads_their_grades_and_the_correction_notice_not_anothers(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    review = sampled_review(world)
    (task,) = peer_review_tasks(world, review.reviewer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert score(world, review.reviewer, task["id"], FAIL_SCORES, comment="卷宗不全").status_code == 200
    review.refresh_from_db()
    code = review.correction_letter.code
    lawyer_1, lawyer_2 = world.lawyers[0][0], world.lawyers[1][0]
    html = client_for(lawyer_1).get("/my/grades/").content.decode()
    mine = section(html, f"review-{review.pk}")
    assert review.application.tracking_no in mine and "site-grade--fail" in mine
    assert "接待与受理：5 / 10" in mine and "卷宗不全" in mine
    assert f"/quality/notices/{code}/" in mine
    pdf = client_for(lawyer_1).get(f"/quality/notices/{code}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # another lawyer of the firm sees none of it
    other = client_for(lawyer_2).get("/my/grades/").content.decode()
    assert review.application.tracking_no not in other
    assert client_for(lawyer_2).get(f"/quality/notices/{code}/").status_code == 404
    assert client_for(world.applicant).get(f"/quality/notices/{code}/").status_code == 404
    # the firm's administrator receives the copy
    admin = UserFactory(username="firmadmin_pages")
    membership_grant(acting_user=None, user=admin, organisation=world.firm, role=Role.FIRM_ADMIN)
    html = client_for(admin).get("/my/grades/").content.decode()
    assert review.application.tracking_no in section(html, "firm-notices")
    assert client_for(admin).get(f"/quality/notices/{code}/").status_code == 200
    # the director too, from the quality page
    assert f"/quality/notices/{code}/" in client_for(world.director).get("/quality/").content.decode()
    assert len(mail.outbox) <= 1


def test_my_grades_is_404_for_who_is_no_provider(world):
    for user in (world.applicant, world.reviewer, world.bureau_officer):
        assert client_for(user).get("/my/grades/").status_code == 404, user.username
    assert client_for(world.lawyers[2][0]).get("/my/grades/").status_code == 200


# --- /quality/centers/ -------------------------------------------------------------------------------


def test_the_bureau_sees_its_regions_centers(world):
    review = sampled_review(world)
    (task,) = peer_review_tasks(world, review.reviewer)
    score(world, review.reviewer, task["id"], FULL)
    html = client_for(world.bureau_officer).get("/quality/centers/")
    assert html.status_code == 200
    rows = section(html.content.decode(), "centers")
    assert world.center.name in rows and world.city_center.name not in rows  # 珠山区 only
    assert f'id="center-{world.center.pk}"' in rows
    for user in (world.director, world.lawyers[0][0], world.applicant):
        assert client_for(user).get("/quality/centers/").status_code == 404, user.username
