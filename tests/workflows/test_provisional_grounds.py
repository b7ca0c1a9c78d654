"""Provisional aid on each of Art 44's three grounds, and its own letter (issue 8, item 2)."""

import datetime

import pytest
from django.utils import timezone

from aid_cases.models import Application, Decision
from documents.models import IssuedDocument

from .test_aid_flow_api import complete, file, pdf_text, queue, review_task

pytestmark = pytest.mark.django_db


def provisional(actors, filed, **fields):
    task = review_task(actors, filed["id"])
    return complete(actors, actors.reviewer, task["id"], outcome="provisional", **fields)


def test_preservation_needs_no_deadline_and_its_letter_asks_for_the_formalities(actors):
    filed = file(actors)  # no urgent deadline at all
    response = provisional(actors, filed, provisional_ground="preservation")
    assert response.status_code == 200, response.content
    assert response.json() == {"next": ["assign", "confirm_review"]}
    application = Application.objects.get(pk=filed["id"])
    assert application.status == "assigning" and application.provisional is True
    assert Decision.objects.get(application=application).provisional_ground == "preservation"
    # the provisional letter, not the approval letter
    assert not IssuedDocument.objects.filter(subject_id=str(filed["id"]), kind="approval").exists()
    text = pdf_text(filed["id"], "provisional_notice")
    assert "先行提供法律援助" in text
    assert "财产保全" in text and "证据保全" in text and "先予执行" in text
    assert "补办" in text and "补充有关材料" in text
    assert "符合法定条件" not in text and "经审查" not in text
    detail = actors.api(actors.applicant).get(f"/api/v1/applications/{filed['id']}/").json()
    assert "provisional_notice" in {d["kind"] for d in detail["documents"]}
    # the confirming review follows as before, beside the assignment (due sooner, so listed first)
    assert [t["name"] for t in queue(actors, actors.reviewer)] == ["assign", "confirm_review"]


def test_the_deadline_ground_needs_a_close_deadline(actors):
    far = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    filed = file(actors, urgent_deadline=far)
    refused = provisional(actors, filed, provisional_ground="deadline")
    assert refused.status_code == 400 and "provisional_ground" in refused.json()["errors"]
    assert Application.objects.get(pk=filed["id"]).provisional is False

    soon = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    close = file(actors, urgent_deadline=soon)
    assert provisional(actors, close, provisional_ground="deadline").status_code == 200
    assert Decision.objects.get(application_id=close["id"]).provisional_ground == "deadline"
    text = pdf_text(close["id"], "provisional_notice")
    assert "法定时效或者期限" in text or "期限" in text
    assert "补办" in text and "符合法定条件" not in text


def test_other_legal_grounds_need_reasons(actors):
    filed = file(actors)
    missing = provisional(actors, filed, provisional_ground="other_law")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    assert Application.objects.get(pk=filed["id"]).status == "submitted"
    ok = provisional(
        actors, filed, provisional_ground="other_law", reason="依据《江西省法律援助条例》第二十条"
    )
    assert ok.status_code == 200
    text = pdf_text(filed["id"], "provisional_notice")
    assert "法律、法规、规章规定的其他情形" in text and "第二十条" in text
    assert "补办" in text and "符合法定条件" not in text


def test_an_unknown_ground_is_refused(actors):
    filed = file(actors)
    response = provisional(actors, filed, provisional_ground="hurry")
    assert response.status_code == 400 and "provisional_ground" in response.json()["errors"]
