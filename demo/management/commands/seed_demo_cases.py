"""``manage.py seed_demo_cases``: a few fictional applications in every state of the review.

Run after ``seed_demo`` (``make run`` does): the reviewers' queues, the applicants' pages and the
bureau's objections then have something to show. Idempotent: it does nothing when the demo
applicants already filed; refuses to run with DEBUG off unless ``--force``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from stdnum.cn import ric

from aid_cases import services
from aid_cases.models import Application
from assignments.recommend import recommendations_for
from assignments.services import handling
from directory.models import Organisation, Region
from waivers.services import notarisation_log
from workflows.services import application_file, fee_waiver_request, objection_file, public_interest_file
from workflows.tasks import task_complete, tasks_inbox, tasks_queue

BASE_URL = "http://127.0.0.1:8000"
# the demo institutions (seed_demo)
NOTARY_CITY, FORENSIC_CITY, COURT_CITY = "景德镇市公证处", "景德镇市华昌司法鉴定中心", "景德镇市中级人民法院"


def _id_number(birth: datetime.date, serial: int) -> str:
    body = f"360203{birth:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


CASES = [
    # (filer, name, birth, categories, matter type, household size, monthly income, what happens)
    (
        "applicant_01",
        "吕春花",
        datetime.date(1979, 3, 8),
        ["migrant_worker"],
        "wage_arrears",
        3,
        "2400.00",
        "queue",
    ),
    ("applicant_01", "吕春花", datetime.date(1979, 3, 8), [], "maintenance", 2, "1600.00", "approved"),
    ("applicant_02", "苏大山", datetime.date(1952, 10, 1), ["elderly"], "pension", 1, "900.00", "supplement"),
    ("applicant_02", "苏大山", datetime.date(1952, 10, 1), [], "other", 1, "6000.00", "objection"),
    (
        "applicant_01",
        "吕春花",
        datetime.date(1979, 3, 8),
        [],
        "domestic_violence",
        3,
        "7000.00",
        "provisional",
    ),
    # after the decision: offered to the top-ranked provider; accepted and being handled; closed
    (
        "applicant_02",
        "苏大山",
        datetime.date(1952, 10, 1),
        ["elderly"],
        "maintenance",
        1,
        "800.00",
        "offered",
    ),
    (
        "applicant_01",
        "吕春花",
        datetime.date(1979, 3, 8),
        ["migrant_worker"],
        "wage_arrears",
        3,
        "2100.00",
        "handling",
    ),
    ("applicant_01", "吕春花", datetime.date(1979, 3, 8), [], "traffic_injury", 2, "1500.00", "closed"),
]


class Command(BaseCommand):
    help = "Load a few fictional applications in every state of the review (after seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo_cases loads demo data; it refuses to run with DEBUG off without --force."
            )
        User = get_user_model()
        try:
            users = {
                u.username: u
                for u in User.objects.filter(
                    username__in=[
                        "applicant_01",
                        "applicant_02",
                        "reviewer_zhushan",
                        "bureau_zhushan",
                        "notary_city",
                        "procuratorate_city",
                    ]
                )
            }
            reviewer, bureau = users["reviewer_zhushan"], users["bureau_zhushan"]
        except KeyError as exc:
            raise CommandError("Run seed_demo first.") from exc
        if Application.objects.filter(filed_by__username__in=["applicant_01", "applicant_02"]).exists():
            self.stdout.write("Demo applications already exist: nothing to do.")
            return
        zhushan = Region.objects.get(code="zhushan")
        for n, (filer, name, birth, categories, matter, size, income, fate) in enumerate(CASES, start=1):
            urgent = timezone.localdate() + datetime.timedelta(days=3) if fate == "provisional" else None
            application = application_file(
                acting_user=users[filer],
                base_url=BASE_URL,
                channel="online",
                region=zhushan,
                applicant=services.ApplicantData(
                    name=name,
                    id_number=_id_number(birth, n),
                    phone=f"1390798000{n}",
                    address="景德镇市珠山区",
                ),
                representative=None,
                categories=categories,
                matter=services.MatterData(
                    category="civil", type=matter, summary="演示案件：" + name, opposing_party="某公司"
                ),
                household_size=size,
                monthly_income=Decimal(income),
                pledge=True,
                urgent_deadline=urgent,
            )
            if fate == "queue":
                continue
            task = next(t for t in tasks_queue(reviewer) if t.process.artifact_object_id == application.pk)
            outcome = {
                "approved": {"outcome": "approve"},
                "offered": {"outcome": "approve", "proof_confirmed": True},
                "handling": {"outcome": "approve", "proof_confirmed": True},
                "closed": {"outcome": "approve"},
                "supplement": {
                    "outcome": "request_supplement",
                    "missing_items": ["户口簿复印件", "养老金发放记录"],
                },
                "objection": {"outcome": "refuse", "reason": "家庭人均收入高于经济困难标准"},
                "provisional": {"outcome": "provisional"},
            }[fate]
            task_complete(user=reviewer, task_id=task.pk, data=outcome, base_url=BASE_URL)
            if fate in ("offered", "handling", "closed"):
                self._handle(application, reviewer, fate)
            if fate == "objection":
                application.refresh_from_db()
                objection_file(
                    acting_user=users[filer], application=application, reason="收入中包含临时借款，实际困难"
                )
        self._public_interest(users)
        # consultations (Art 23): hotline, window and online ones at 珠山, after the cases (a task lookup
        # above goes by the artifact's id alone)
        from demo.consultations import seed_consultations

        seed_consultations()
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(CASES)} demo applications filed; reviewer_zhushan has {tasks_queue(reviewer).count()} task(s) "
                f"waiting, bureau_zhushan {tasks_queue(bureau).count()}, applicant_02 {tasks_inbox(users['applicant_02']).count()}."
            )
        )

    def _handle(self, application: Application, reviewer, fate: str) -> None:
        """Assign the case to the provider the engine ranks first; accept, note and close as asked."""
        application.refresh_from_db()
        assign = next(
            t
            for t in tasks_queue(reviewer)
            if t.process.seed_object_id == application.pk and t.flow_task.name == "assign"
        )
        top = recommendations_for(application)[0].provider
        task_complete(user=reviewer, task_id=assign.pk, data={"provider_id": top.pk}, base_url=BASE_URL)
        if fate == "offered":
            return
        lawyer = top.user
        offer = next(t for t in tasks_inbox(lawyer) if t.process.seed_object_id == application.pk)
        task_complete(user=lawyer, task_id=offer.pk, data={"accept": True}, base_url=BASE_URL)
        application.refresh_from_db()
        handling.progress_note_add(
            acting_user=lawyer,
            application=application,
            text="会见受援人，了解案情，调取劳动合同和工资记录。",
            hours=Decimal("2.5"),
        )
        if fate == "handling":
            self._waivers(application, lawyer, reviewer)
            return
        report = next(t for t in tasks_inbox(lawyer) if t.process.seed_object_id == application.pk)
        task_complete(
            user=lawyer,
            task_id=report.pk,
            data={"outcome": "mediated", "summary": "经法院调解，对方一次性赔偿。", "hours": "16"},
            base_url=BASE_URL,
        )
        review = next(
            t
            for t in tasks_queue(reviewer)
            if t.process.seed_object_id == application.pk and t.flow_task.name == "review_closure"
        )
        task_complete(
            user=reviewer,
            task_id=review.pk,
            data={"approve": True, "comment": "演示：卷宗纸质材料已归档。"},
            base_url=BASE_URL,
        )

    def _waivers(self, application: Application, lawyer, reviewer) -> None:
        """Fee waivers beside the handled case: a notarisation waived and recorded, a litigation fee
        deferred and sent to the court, a forensic fee awaiting the center's review."""
        institutions = {
            o.name: o for o in Organisation.objects.filter(name__in=[NOTARY_CITY, FORENSIC_CITY, COURT_CITY])
        }

        def ask(**fields):
            return fee_waiver_request(acting_user=lawyer, application=application, **fields)

        def approve(waiver):
            task = next(
                t
                for t in tasks_queue(reviewer)
                if t.process.artifact_object_id == waiver.pk and t.flow_task.name == "review_waiver"
            )
            task_complete(user=reviewer, task_id=task.pk, data={"approve": True}, base_url=BASE_URL)

        notarised = ask(
            kind="notary",
            institution_id=institutions[NOTARY_CITY].pk,
            service="证据保全公证（考勤记录）",
            standard_fee="800.00",
            treatment="waive",
        )
        approve(notarised)
        notary = get_user_model().objects.get(username="notary_city")
        task = next(t for t in tasks_queue(notary) if t.process.artifact_object_id == notarised.pk)
        task_complete(
            user=notary,
            task_id=task.pk,
            data={"charged_fee": "0.00", "waived_amount": "800.00"},
            base_url=BASE_URL,
        )
        approve(
            ask(
                kind="court",
                institution_id=institutions[COURT_CITY].pk,
                service="一审案件受理费",
                standard_fee="1250.00",
                treatment="defer",
                deferred_payer="败诉方",
            )
        )
        ask(
            kind="forensic",
            institution_id=institutions[FORENSIC_CITY].pk,
            service="司法会计鉴定（工资核算）",
            standard_fee="3000.00",
            treatment="reduce",
            requested_fee="1000.00",
        )

    def _public_interest(self, users) -> None:
        """The procuratorate's environmental case, its forensic fee awaiting the city center's review; a
        notarisation the city bureau is to verify."""
        public_interest_file(
            acting_user=users["procuratorate_city"],
            agency_case_no="景检民公〔2026〕7号",
            region="jdz",
            summary="演示案件：某陶瓷厂向昌江排放含铅废水，致下游农田污染。",
            defendant="景德镇市某陶瓷有限公司",
            institution_id=Organisation.objects.get(name=FORENSIC_CITY).pk,
            service="环境损害鉴定",
            standard_fee="48000.00",
        )
        notarisation_log(
            acting_user=users["notary_city"],
            date=timezone.localdate() - datetime.timedelta(days=10),
            matter="老年人遗嘱公证（上门）",
            beneficiary="低保老人张某",
            description="演示：为行动不便的低保老人上门办理遗嘱公证，免收费用。",
        )
