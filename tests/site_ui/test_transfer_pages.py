"""The transfer on the site's pages (Art 38; 市域通办): the notice and the form a reviewer of a center that is
not competent sees on the case and on the review task, the transfer page's errors, and who sees none."""

import re

import pytest
from django.test import Client

from aid_cases import services
from aid_cases.models import Application, ApplicationTransfer
from documents.models import IssuedDocument
from tests.aid_cases.transfer_world import REASON, city_fixture, transfer, window_filing  # noqa: F401
from tests.world import tasks

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _section(html: str) -> str:
    """The transfer block of a page ('' without one)."""
    found = re.search(
        r'<section class="site-card site-action" aria-labelledby="transfer-h".*?</section>', html, re.S
    )
    return found.group(0) if found else ""


def test_a_reviewer_of_a_center_that_is_not_competent_is_told_where_to_transfer(city):
    application_id = window_filing(city)["id"]
    (review,) = tasks(city, city.leping_reviewer, "queue", application_id, "review")
    for url in (f"/applications/{application_id}/", f"/tasks/{review['id']}/"):
        page = client_for(city.leping_reviewer).get(url)
        assert page.status_code == 200
        block = _section(page.content.decode())
        notice = re.search(r'<p class="site-note" role="note" id="transfer-notice">(.*?)</p>', block, re.S)
        assert notice and "珠山区" in notice.group(1) and "珠山区法律援助中心" in notice.group(1)
        # the competent center is chosen by default; the form posts to the transfer page
        assert re.search(rf'<option value="{city.center.pk}" selected>珠山区法律援助中心</option>', block)
        assert f'action="/applications/{application_id}/transfer/"' in block
        assert f'<option value="{city.leping.pk}"' not in block  # not to itself
        assert 'name="transfer-reason"' in block


def test_a_competent_centers_reviewer_may_transfer_without_a_notice_and_others_see_no_form(city):
    application_id = window_filing(city, region="leping")["id"]
    block = _section(
        client_for(city.leping_reviewer).get(f"/applications/{application_id}/").content.decode()
    )
    assert block and "transfer-notice" not in block
    assert (
        _section(client_for(city.leping_clerk).get(f"/applications/{application_id}/").content.decode()) == ""
    )
    # once decided, no more form
    services.review_refuse(
        acting_user=city.leping_reviewer,
        application=Application.objects.get(pk=application_id),
        reason="不符合条件",
    )
    assert (
        _section(client_for(city.leping_reviewer).get(f"/applications/{application_id}/").content.decode())
        == ""
    )
    page = client_for(city.leping_reviewer).get(f"/applications/{application_id}/transfer/")
    assert page.status_code == 302 and page.url == f"/applications/{application_id}/"


def test_the_transfer_page_refuses_bad_input_and_saves_nothing(city):
    application_id = window_filing(city)["id"]
    url = f"/applications/{application_id}/transfer/"
    page = client_for(city.leping_reviewer).post(
        url, {"transfer-to_center": str(city.center.pk), "transfer-reason": " "}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="transfer-error-summary"' in html and 'id="id_transfer-reason_error"' in html
    page = client_for(city.leping_reviewer).post(url, {"transfer-to_center": "", "transfer-reason": REASON})
    assert page.status_code == 400 and 'id="id_transfer-to_center_error"' in page.content.decode()
    assert not ApplicationTransfer.objects.exists()
    assert Application.objects.get(pk=application_id).center == city.leping


def test_the_transfer_page_transfers_and_the_case_leaves_the_center(city):
    application_id = window_filing(city)["id"]
    url = f"/applications/{application_id}/transfer/"
    assert client_for(city.leping_reviewer).get(url).status_code == 200
    done = client_for(city.leping_reviewer).post(
        url, {"transfer-to_center": str(city.center.pk), "transfer-reason": REASON}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/tasks/"
    assert "珠山区法律援助中心" in done.content.decode()  # the message names the receiving center
    assert Application.objects.get(pk=application_id).center == city.center
    assert client_for(city.leping_reviewer).get(f"/applications/{application_id}/").status_code == 404
    # the clerk who recorded it still sees the case, and the transfer on it, but no form
    page = client_for(city.leping_clerk).get(f"/applications/{application_id}/").content.decode()
    letter = IssuedDocument.objects.get(subject_id=str(application_id), kind="transfer_letter")
    assert _section(page) == "" and f"/api/v1/documents/{letter.code}/" in page


def test_who_may_open_the_transfer_page(city):
    application_id = window_filing(city)["id"]
    url = f"/applications/{application_id}/transfer/"
    assert client_for(city.leping_clerk).get(url).status_code == 403
    assert client_for(city.reviewer).get(url).status_code == 404
    assert client_for(city.leping_director).get(url).status_code == 200
    assert transfer(city, city.leping_director, application_id, city.center).status_code == 200
    assert client_for(city.leping_director).get(url).status_code == 404
