"""Demo data of consultations (法律咨询, Legal Aid Law Art 23).

- ``seed_consultation_rule()`` (called by ``seed_demo``): online questions are answered within 2 working
  days in every region, with the seed's 100% reply-rate target; a fictional value of the common order,
  marked as a demo value. A row already there (or official data entered in the admin in force on or
  after the demo's date) is left alone.
- ``seed_consultations()`` (called by ``seed_demo_cases``): at 珠山区法律援助中心, a hotline and an
  anonymous window consultation recorded by clerk_zhushan, and two online questions of applicant_01 —
  one answered by reviewer_zhushan on its task (referred to apply for legal aid: the answer links to
  the pre-filled application form), one still waiting in the center's queue. Idempotent: nothing is
  added once the demo's consultations exist.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q

from consultations import services
from consultations.models import Consultation, ConsultationRule
from workflows.consultations import consultation_submit
from workflows.flows.consultation import ConsultationFlow
from workflows.tasks import task_complete, tasks_queue

from .management.commands.seed_demo import DEMO_NOTE, RULES_VALID_FROM

BASE_URL = "http://127.0.0.1:8000"
REPLY_DAYS = 2

HOTLINE_QUESTION = "母亲七十多岁，三个子女都不给赡养费，能不能起诉？需要准备什么？"
WINDOW_QUESTION = "在工地干了四个月，包工头跑了，工资找谁要？"
ANSWERED_QUESTION = "公司拖欠我三个月工资共一万二千元，没有签劳动合同，怎么维权？"
OPEN_QUESTION = "骑电动车被汽车撞伤，对方保险公司只愿赔医药费，误工费能要吗？"


def seed_consultation_rule() -> int:
    """Seed the consultation rule for every region; the number of rows added (0 or 1)."""
    rows = ConsultationRule.objects.filter(region__isnull=True)
    if rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=RULES_VALID_FROM)).exists():
        return 0
    row = ConsultationRule(
        region=None,
        reply_days=REPLY_DAYS,
        reply_counting="working",
        reply_rate_target=Decimal("1.0000"),
        valid_from=RULES_VALID_FROM,
        is_demo=True,
        note=DEMO_NOTE,
    )
    row.full_clean()
    row.save()
    return 1


def seed_consultations() -> int:
    """The demo's consultations (module docstring); the number added (0 when they exist already, or
    when the demo accounts are missing: run ``seed_demo`` first)."""
    questions = [HOTLINE_QUESTION, WINDOW_QUESTION, ANSWERED_QUESTION, OPEN_QUESTION]
    if Consultation.objects.filter(question__in=questions).exists():
        return 0
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["clerk_zhushan", "reviewer_zhushan", "applicant_01"]
        )
    }
    if len(users) < 3:
        return 0
    clerk, reviewer, citizen = users["clerk_zhushan"], users["reviewer_zhushan"], users["applicant_01"]
    services.consultation_record(
        acting_user=clerk,
        channel="hotline",
        matter_type="maintenance",
        question=HOTLINE_QUESTION,
        answer="成年子女有赡养父母的义务，可以向人民法院起诉要求支付赡养费。老人经济困难的，可以申请法律援助；"
        "请准备身份证、户口簿、子女的基本情况和老人的收入情况。",
        referral="aid_application",
        minutes=12,
        asker_name="王桂兰",
        asker_phone="13907981234",
    )
    services.consultation_record(
        acting_user=clerk,
        channel="window",
        matter_type="wage_arrears",
        question=WINDOW_QUESTION,
        answer="可以向劳动保障监察部门投诉，由施工总承包单位先行清偿；也可以申请劳动仲裁。农民工讨薪申请法律援助不受经济困难条件限制。",
        referral="other_authority",
        minutes=20,
        anonymous=True,
    )
    answered = consultation_submit(
        acting_user=citizen, region="zhushan", matter_type="wage_arrears", question=ANSWERED_QUESTION
    )
    task = tasks_queue(reviewer).get(
        flow_task=ConsultationFlow.answer_consultation, process__artifact_object_id=answered.pk
    )
    task_complete(
        user=reviewer,
        task_id=task.pk,
        data={
            "answer": "未签书面劳动合同的，可以用工资条、考勤记录、工作证、聊天记录等证明劳动关系，并可要求二倍工资。"
            "建议先申请劳动仲裁；您可以申请法律援助，由律师代理。",
            "referral": "aid_application",
            "minutes": "15",
        },
        base_url=BASE_URL,
    )
    consultation_submit(
        acting_user=citizen, region="zhushan", matter_type="traffic_injury", question=OPEN_QUESTION
    )
    return 4
