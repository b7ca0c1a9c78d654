"""The collaboration letter's flow (workflows/flows/collaboration.py): one process per letter to a center of
the city, its artifact the letter and its seed the requesting case, one task for the receiving center;
sending is all or nothing with the letter's PDF and the process."""

import pytest
from django.contrib.contenttypes.models import ContentType
from viewflow.workflow.models import Process

from aid_cases.models import Application, CollaborationLetter
from core.errors import Conflict
from directory.models import AuditEvent
from documents.models import IssuedDocument
from tests.aid_cases.test_collaboration_api import DETAILS, add_changjiang, counts, send
from tests.world import approved_case, complete, tasks
from workflows import tasks as task_layer
from workflows.collaboration import collaboration_answer_by_hand, collaboration_send
from workflows.flows.collaboration import CollaborationFlow
from workflows.models import CollaborationProcess

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


@pytest.fixture
def world(handling_world, make_member):
    return add_changjiang(handling_world, make_member)


def _process(letter_id: int) -> Process:
    letter_type = ContentType.objects.get_for_model(CollaborationLetter)
    return Process.objects.get(artifact_content_type=letter_type, artifact_object_id=letter_id)


def test_one_process_per_letter_with_the_case_as_its_seed(world):
    case_id = approved_case(world)
    letter_id = send(world, case_id).json()["id"]
    process = _process(letter_id).coerced
    assert isinstance(process, CollaborationProcess) and process.flow_class is CollaborationFlow
    assert process.letter.pk == letter_id
    assert process.application.pk == case_id and process.application_id == case_id
    assert process.seed == Application.objects.get(pk=case_id)
    # the case's tasks across flows include it (``?application_id=``), for whom may claim it
    (row,) = tasks(world, world.cj_director, "queue", case_id, "answer_collaboration")
    assert row["application_id"] == case_id and row["title"]
    rows = task_layer.task_rows(task_layer.tasks_queue(world.cj_reviewer), user=world.cj_reviewer)
    (mine,) = [r for r in rows if r["name"] == "answer_collaboration"]
    assert mine["tracking_no"] == Application.objects.get(pk=case_id).tracking_no
    # the receiving center does not see the case: its row names it by number, not by the applicant
    assert mine["applicant_name"] == ""
    # completing it ends the process and opens nothing else
    response = complete(world, world.cj_director, row["id"], done=True, result="已完成。")
    assert response.status_code == 200 and response.json() == {"next": []}
    assert _process(letter_id).status == "DONE"


def test_a_second_letter_is_a_second_process(world):
    case_id = approved_case(world)
    first = send(world, case_id).json()["id"]
    second = send(world, case_id, request="service", details="请协助向对方当事人送达起诉状副本。").json()[
        "id"
    ]
    assert _process(first).pk != _process(second).pk
    assert len(tasks(world, world.cj_reviewer, "queue", case_id, "answer_collaboration")) == 2


def test_sending_is_all_or_nothing(world, monkeypatch):
    case = Application.objects.get(pk=approved_case(world))
    before = counts()

    def broken(**kwargs):
        raise RuntimeError("the process could not start")

    monkeypatch.setattr(CollaborationFlow.start, "run", broken)
    with pytest.raises(RuntimeError):
        collaboration_send(
            acting_user=world.reviewer,
            base_url=BASE,
            application=case,
            to_center=world.changjiang,
            request="evidence",
            details=DETAILS,
        )
    assert counts() == before
    assert not IssuedDocument.objects.filter(kind="collaboration_letter").exists()


def test_a_letter_outside_the_city_has_no_process(world):
    case = Application.objects.get(pk=approved_case(world))
    letter = collaboration_send(
        acting_user=world.reviewer,
        base_url=BASE,
        application=case,
        to_outside_name="上饶市法律援助中心",
        request="visit",
        details="请走访居住在上饶市的证人。",
    )
    assert letter.is_outside and letter.letter_code
    letter_type = ContentType.objects.get_for_model(CollaborationLetter)
    assert not Process.objects.filter(artifact_content_type=letter_type).exists()
    answered = collaboration_answer_by_hand(
        acting_user=world.director, letter=letter, done=False, reason="证人已迁居外省。"
    )
    assert answered.status == "refused" and answered.answered_by == world.director
    assert AuditEvent.objects.filter(
        action="collaboration_refuse", object_id=str(case.pk), object_type="aid_cases.application"
    ).exists()


def test_a_letter_of_the_city_is_answered_only_in_its_task(world):
    case_id = approved_case(world)
    letter = CollaborationLetter.objects.get(pk=send(world, case_id).json()["id"])
    with pytest.raises(Conflict):
        collaboration_answer_by_hand(acting_user=world.cj_reviewer, letter=letter, done=True, result="x")
    assert CollaborationLetter.objects.get(pk=letter.pk).status == "sent"
