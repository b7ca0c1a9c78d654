"""The writes of consultations (consultations.services, workflows.consultations): asking online, recording
a hotline or window consultation, answering once; bad input is 400 with nothing saved; anonymous keeps
no personal data."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from consultations import services
from consultations.models import Consultation
from core.errors import Conflict, Forbidden
from directory.models import AuditEvent
from workflows import tasks
from workflows.consultations import consultation_submit

from .consultation_world import QUESTION

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


def submit(world, user=None, **overrides):
    fields = {"region": "zhushan", "matter_type": "wage_arrears", "question": QUESTION, **overrides}
    return consultation_submit(acting_user=user or world.applicant, **fields)


def nothing_saved():
    assert not Consultation.objects.exists()
    assert not AuditEvent.objects.filter(object_type="consultations.consultation").exists()
    assert not Process.objects.filter(flow_class__icontains="Consultation").exists()


# --- asking online -----------------------------------------------------------------------------------


def test_a_citizen_asks_the_regions_center_with_the_due_date_of_the_rule(world):
    consultation = submit(world)
    assert (consultation.channel, consultation.status) == ("online", "open")
    assert consultation.center == world.center and consultation.region.code == "zhushan"
    assert consultation.asker == world.applicant and consultation.asker_name == world.applicant.get_username()
    today = timezone.localdate()
    assert consultation.answer_due > today
    assert consultation.recorded_by is None and consultation.answered_by is None
    event = AuditEvent.objects.get(object_type="consultations.consultation", object_id=str(consultation.pk))
    assert (event.action, event.actor) == ("consultation_ask", world.applicant)
    # a leping question goes to the leping center
    assert submit(world, region="leping").center == world.other_center


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"matter_type": ""}, "matter_type"),
        ({"matter_type": None}, "matter_type"),
        ({"matter_type": "divorce_of_robots"}, "matter_type"),
        ({"region": ""}, "region"),
        ({"region": "atlantis"}, "region"),
        ({"question": "   "}, "question"),
        ({"question": "问" * 4001}, "question"),
    ],
)
def test_bad_input_is_400_and_nothing_is_saved(world, overrides, field):
    with pytest.raises(ValidationError) as caught:
        submit(world, **overrides)
    assert field in caught.value.message_dict
    nothing_saved()


def test_a_consultation_with_no_matter_type_names_every_problem_at_once(world):
    with pytest.raises(ValidationError) as caught:
        submit(world, matter_type="", question="", region="nowhere")
    assert set(caught.value.message_dict) == {"matter_type", "question", "region"}
    nothing_saved()


@pytest.mark.parametrize("who", ["reviewer", "clerk", "bureau_officer", "firm_lawyer", "duty_lawyer"])
def test_staff_and_providers_do_not_ask_online(world, who):
    with pytest.raises(Forbidden):
        submit(world, getattr(world, who))
    nothing_saved()


def test_an_anonymous_consultation_keeps_no_personal_data(world):
    consultation = submit(world, anonymous=True)
    consultation.refresh_from_db()
    assert consultation.anonymous is True
    assert (consultation.asker_id, consultation.asker_name, consultation.asker_phone) == (None, "", "")
    assert consultation.recorded_by_id is None
    # neither the audit row nor the process records which account asked
    events = AuditEvent.objects.filter(
        object_type="consultations.consultation", object_id=str(consultation.pk)
    )
    assert [(e.action, e.actor_id) for e in events] == [("consultation_ask", None)]
    assert world.applicant.get_username() not in str(events[0].new)
    process = Process.objects.get(artifact_object_id=consultation.pk, flow_class__icontains="Consultation")
    assert not Task.objects.filter(process=process, owner=world.applicant).exists()
    # and the asker's own list does not show it: nothing links it to them
    rows = world.api(world.applicant).get("/api/v1/consultations/").json()["results"]
    assert consultation.pk not in [row["id"] for row in rows]


def test_the_database_refuses_an_anonymous_consultation_with_a_name(world):
    from django.db import IntegrityError, transaction

    consultation = submit(world, anonymous=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(asker_name="吕春花")


# --- recording a hotline, window or station consultation ------------------------------------------------


def record(world, user=None, **overrides):
    fields = {
        "channel": "hotline",
        "matter_type": "maintenance",
        "question": "子女不付赡养费，能起诉吗？",
        "answer": "可以起诉，符合条件的可以申请法律援助。",
        "referral": "aid_application",
        "minutes": 12,
        "asker_name": "王桂兰",
        "asker_phone": "13907981234",
        **overrides,
    }
    return services.consultation_record(acting_user=user or world.clerk, **fields)


@pytest.mark.parametrize("who", ["clerk", "reviewer", "director", "duty_lawyer"])
def test_the_people_of_a_center_record_consultations_answered_at_once_at_their_center(world, who):
    consultation = record(world, getattr(world, who))
    assert (consultation.status, consultation.center, consultation.region) == (
        "answered",
        world.center,
        world.center.region,
    )
    assert consultation.answered_by == getattr(world, who) == consultation.recorded_by
    assert consultation.answered_on == timezone.localdate() and consultation.answer_due is None
    assert (consultation.minutes, consultation.referral) == (12, "aid_application")
    assert not Process.objects.filter(
        artifact_object_id=consultation.pk, flow_class__icontains="Consultation"
    )


def test_a_recorded_consultation_may_name_another_region(world):
    assert record(world, region="leping").region.code == "leping"


@pytest.mark.parametrize("who", ["applicant", "firm_lawyer", "firm_admin", "bureau_officer"])
def test_others_do_not_record(world, who):
    with pytest.raises(Forbidden):
        record(world, getattr(world, who))
    nothing_saved()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "online"}, "channel"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"channel": ""}, "channel"),
        ({"matter_type": ""}, "matter_type"),
        ({"question": ""}, "question"),
        ({"answer": ""}, "answer"),
        ({"referral": "the_moon"}, "referral"),
        ({"region": "atlantis"}, "region"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": "ten"}, "minutes"),
        ({"minutes": 601}, "minutes"),
        ({"minutes": True}, "minutes"),
        ({"asker_name": ""}, "asker_name"),
        ({"asker_phone": "call me"}, "asker_phone"),
        ({"anonymous": True}, "asker_name"),  # an anonymous one takes no name
    ],
)
def test_bad_records_are_400_and_nothing_is_saved(world, overrides, field):
    with pytest.raises(ValidationError) as caught:
        record(world, **overrides)
    assert field in caught.value.message_dict
    nothing_saved()


def test_an_anonymous_record_keeps_no_name_or_phone(world):
    consultation = record(world, anonymous=True, asker_name="", asker_phone="")
    assert (consultation.asker_id, consultation.asker_name, consultation.asker_phone) == (None, "", "")


# --- answering ---------------------------------------------------------------------------------------


def test_an_answer_is_given_once(world):
    consultation = submit(world)
    answered = services.consultation_answer(
        acting_user=world.reviewer, consultation=consultation, answer="可以申请劳动仲裁。", minutes="15"
    )
    assert (answered.status, answered.answered_by, answered.minutes) == ("answered", world.reviewer, 15)
    assert answered.answered_on == timezone.localdate()
    with pytest.raises(Conflict):
        services.consultation_answer(acting_user=world.director, consultation=consultation, answer="再答一次")
    consultation.refresh_from_db()
    assert consultation.answered_by == world.reviewer


@pytest.mark.parametrize("who", ["other_reviewer", "firm_lawyer", "bureau_officer", "applicant"])
def test_only_the_people_of_its_center_answer(world, who):
    consultation = submit(world)
    with pytest.raises(Forbidden):
        services.consultation_answer(
            acting_user=getattr(world, who), consultation=consultation, answer="答复"
        )
    consultation.refresh_from_db()
    assert consultation.status == "open"


def test_an_answer_needs_text_and_a_known_referral(world):
    consultation = submit(world)
    with pytest.raises(ValidationError) as caught:
        services.consultation_answer(
            acting_user=world.reviewer, consultation=consultation, answer="", referral="nowhere"
        )
    assert set(caught.value.message_dict) == {"answer", "referral"}
    consultation.refresh_from_db()
    assert consultation.status == "open"


def test_answering_on_the_task_uses_the_flow_and_the_service(world):
    consultation = submit(world)
    task = next(
        t
        for t in tasks.tasks_queue(world.duty_lawyer)
        if t.process.artifact_object_id == consultation.pk and t.flow_task.name == "answer_consultation"
    )
    assert (
        tasks.task_complete(
            user=world.duty_lawyer,
            task_id=task.pk,
            data={"answer": "可以申请劳动仲裁。", "referral": "", "minutes": ""},
            base_url=BASE,
        )
        == []
    )
    consultation.refresh_from_db()
    assert (consultation.status, consultation.answered_by, consultation.referral) == (
        "answered",
        world.duty_lawyer,
        "",
    )
