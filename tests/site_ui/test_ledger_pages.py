"""The subsidy ledger pages through the test client: /my/subsidies/ (a provider's own subsidies, a firm
administrator's firm's without the cases' contents) and /subsidies/ (the center's, where its reviewers
and directors approve subsidies for payment and record their payment).

Design choices tested here: a reviewer or director of another center gets 404 on /subsidies/ for a
payment of this center (posting to it), and sees only their own center's rows on the page (an
empty list when it has none); anyone who is neither a reviewer nor a director gets 404 on the page.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aid_cases import services
from aid_cases.models import Application, EconomicStandard
from assignments.choices import AssignmentStatus, CaseOutcome, CaseStage, PaymentStatus
from assignments.models import Assignment, ClosingReport, SubsidyPayment, SubsidyStandard
from directory.choices import OrganisationKind, ProviderKind, Role
from directory.models import Organisation
from tests.factories import (
    OrganisationFactory,
    ProviderFactory,
    UserFactory,
    lawyer_licence,
    region,
    resident_id,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


class World:
    """A center (珠山) with a reviewer and a director, a firm with two lawyers and its administrator, another
    firm with a lawyer, another center (乐平) with a reviewer, and an applicant who files the cases."""

    def __init__(self, make_member):
        self.center = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name="珠山中心", region=region("zhushan")
        )
        self.other_center = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name="乐平中心", region=region("leping")
        )
        self.firm = OrganisationFactory(
            kind=OrganisationKind.LAW_FIRM, name="甲律师事务所", region=region("zhushan")
        )
        self.other_firm = OrganisationFactory(
            kind=OrganisationKind.LAW_FIRM, name="乙律师事务所", region=region("zhushan")
        )
        EconomicStandard.objects.create(
            region=region("zhushan"),
            kind="low_income",
            monthly_amount=Decimal("1200"),
            valid_from=datetime.date(2020, 1, 1),
        )
        self.standard = SubsidyStandard.objects.create(
            region=region("zhushan"),
            matter_category="civil",
            aid_form="representation",
            amount=Decimal("1500.00"),
            valid_from=datetime.date(2020, 1, 1),
        )
        self.reviewer = make_member(Role.REVIEWER, self.center, username="reviewer")
        self.director = make_member(Role.DIRECTOR, self.center, username="director")
        self.clerk = make_member(Role.CLERK, self.center, username="clerk")
        self.other_reviewer = make_member(Role.REVIEWER, self.other_center, username="reviewer_leping")
        self.firm_admin = make_member(Role.FIRM_ADMIN, self.firm, username="firm_admin")
        self.owner = UserFactory(username="owner")
        self.owner.groups.add(Group.objects.get(name="applicant"))
        self.users, self.providers = {}, {}
        for n, (name, firm) in enumerate(
            (("lawyer", self.firm), ("colleague", self.firm), ("stranger", self.other_firm))
        ):
            self.users[name] = make_member(Role.PROVIDER, firm, username=name)
            self.providers[name] = ProviderFactory(
                name={"lawyer": "张律师", "colleague": "李律师", "stranger": "王律师"}[name],
                kind=ProviderKind.LAWYER,
                organisation=firm,
                licence_no=lawyer_licence(700 + n),
                regions_served=[region("zhushan")],
                user=self.users[name],
            )
        self._first: Application | None = None

    def application(self) -> Application:
        """A filed case of the 珠山 center: the first through the intake service, the others copies of it."""
        if self._first is None:
            self._first = services.application_submit(
                acting_user=self.owner,
                channel="online",
                region=region("zhushan"),
                applicant=services.ApplicantData(
                    name="苏大山",
                    id_number=resident_id(datetime.date(1980, 1, 2)),
                    phone="13900000000",
                    address="珠山区",
                ),
                representative=None,
                categories=[],
                matter=services.MatterData(
                    category="civil", type="maintenance", summary="赡养费", opposing_party="王某"
                ),
                household_size=2,
                monthly_income=Decimal("1000.00"),
                pledge=True,
            )
            return self._first
        copy = Application.objects.get(pk=self._first.pk)
        copy.pk = None
        copy.tracking_no = f"{self._first.tracking_no[:-6]}{500000 + Application.objects.count():06d}"
        copy.save()
        return copy

    def payment(self, who: str = "lawyer", *, center: Organisation | None = None, **fields) -> SubsidyPayment:
        """A closed case handled by ``who`` and its subsidy (owed today unless told), written as rows."""
        provider = self.providers[who]
        application = self.application()
        Application.objects.filter(pk=application.pk).update(
            status="closed", provider=provider, **({"center": center} if center else {})
        )
        assignment = Assignment.objects.create(
            application=application,
            provider=provider,
            organisation=provider.organisation,
            aid_form="representation",
            status=AssignmentStatus.ACCEPTED,
            assigned_by=self.reviewer,
            accepted_on=TODAY,
        )
        ClosingReport.objects.create(
            assignment=assignment,
            application=application,
            outcome=CaseOutcome.MEDIATED,
            stage=CaseStage.FIRST_INSTANCE,
            summary="经调解结案",
            hours=Decimal("6"),
            ended_on=TODAY,
            filed_by=self.users[who],
            filed_at=timezone.now(),
            filed_on=TODAY,
            approved=True,
            reviewed_by=self.reviewer,
            reviewed_at=timezone.now(),
        )
        values = {
            "base_amount": Decimal("1500.00"),
            "factors": [],
            "amount": Decimal("1500.00"),
            "status": PaymentStatus.OWED,
            "owed_on": TODAY,
        } | fields
        return SubsidyPayment.objects.create(
            assignment=assignment,
            application=application,
            provider=provider,
            organisation=provider.organisation,
            standard=self.standard,
            **values,
        )


@pytest.fixture
def world(make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return World(make_member)


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def get(user, path: str, expect: int = 200) -> str:
    response = client_for(user).get(path)
    assert response.status_code == expect, response.content.decode()[:3000]
    return response.content.decode()


def table(html: str) -> str:
    match = re.search(r'<table class="site-table site-ledger[^"]*" id="payments">.*?</table>', html, re.S)
    assert match, html[:3000]
    return match.group(0)


def row(html: str, payment: SubsidyPayment) -> str:
    match = re.search(rf'<tr id="payment-{payment.pk}">.*?</tr>', html, re.S)
    return match.group(0) if match else ""


# --- /my/subsidies/ -------------------------------------------------------------------------------


def test_a_provider_sees_only_their_own_subsidies_with_their_cases(world):
    mine = world.payment("lawyer", factors=[["cross_region", "1.50"]], amount=Decimal("2250.00"))
    theirs = world.payment("colleague", amount=Decimal("1200.00"), base_amount=Decimal("1200.00"))
    html = get(world.users["lawyer"], "/my/subsidies/")
    ledger = table(html)
    mine_row = row(ledger, mine)
    assert mine.application.tracking_no in mine_row
    assert f'href="/applications/{mine.application_id}/"' in mine_row  # their own case: its page
    assert "苏大山" in mine_row and "赡养费" in mine_row  # the applicant and the matter
    assert "¥1,500.00" in mine_row and "¥2,250.00" in mine_row and "跨区域办理 ×1.50" in mine_row
    assert "应付" in mine_row  # the status
    assert theirs.application.tracking_no not in html and "¥1,200.00" not in html
    # the colleague, of the same firm, sees theirs only
    other = get(world.users["colleague"], "/my/subsidies/")
    assert theirs.application.tracking_no in table(other)
    assert mine.application.tracking_no not in other


def test_the_totals_and_the_year_of_the_ledger(world):
    last_year = TODAY.replace(year=TODAY.year - 1, day=1)
    world.payment("lawyer", amount=Decimal("1500.00"))
    world.payment(
        "lawyer",
        amount=Decimal("2250.50"),
        status=PaymentStatus.APPROVED,
        approved_on=TODAY,
    )
    world.payment(
        "lawyer",
        amount=Decimal("800.00"),
        status=PaymentStatus.PAID,
        approved_on=TODAY,
        paid_on=TODAY,
        payment_reference="ZF-2026-001",
    )
    old = world.payment("lawyer", amount=Decimal("999.00"), owed_on=last_year)
    html = get(world.users["lawyer"], "/my/subsidies/")
    totals = re.search(r'<section class="site-card"[^>]*id="totals".*?</section>', html, re.S).group(0)
    owed = re.search(r'id="total-owed".*?</div>', totals, re.S).group(0)
    assert "¥1,500.00" in owed and "1 " in owed
    assert "¥2,250.50" in re.search(r'id="total-approved".*?</div>', totals, re.S).group(0)
    assert "¥800.00" in re.search(r'id="total-paid".*?</div>', totals, re.S).group(0)
    assert "¥4,550.50" in re.search(r'id="total-all".*?</div>', totals, re.S).group(0)
    assert "ZF-2026-001" in html
    assert old.application.tracking_no not in html and "¥999.00" not in html  # another year
    assert f'<option value="{last_year.year}">' in html  # offered in the year selector
    earlier = get(world.users["lawyer"], f"/my/subsidies/?year={last_year.year}")
    assert old.application.tracking_no in table(earlier) and "¥999.00" in earlier
    assert "¥4,550.50" not in earlier
    # a year that is not one: this year's ledger, not an error
    assert "¥4,550.50" in get(world.users["lawyer"], "/my/subsidies/?year=abc")
    assert "¥4,550.50" in get(world.users["lawyer"], "/my/subsidies/?year=99999")


def test_a_firm_administrator_sees_the_firm_without_the_cases(world):
    mine = world.payment("lawyer")
    theirs = world.payment("colleague")
    elsewhere = world.payment("stranger")
    html = get(world.firm_admin, "/my/subsidies/")
    ledger = table(html)
    for payment, name in ((mine, "张律师"), (theirs, "李律师")):
        line = row(ledger, payment)
        assert payment.application.tracking_no in line and name in line and "赡养费" in line
    assert elsewhere.application.tracking_no not in html and "王律师" not in html  # another firm
    # no case contents: neither the applicant's name nor a link to a case page
    assert "苏大山" not in html
    assert "/applications/" not in html
    # the case page itself stays closed to the firm
    assert client_for(world.firm_admin).get(f"/applications/{mine.application_id}/").status_code == 404


@pytest.mark.parametrize("who", ["reviewer", "director", "clerk", "owner", "other_reviewer"])
def test_my_subsidies_is_404_for_people_who_are_neither_providers_nor_firm_administrators(world, who):
    world.payment("lawyer")
    assert client_for(getattr(world, who)).get("/my/subsidies/").status_code == 404


def test_the_home_pages_link_to_the_ledgers(world):
    for user in (world.users["lawyer"], world.firm_admin):
        assert 'href="/my/subsidies/"' in get(user, "/")
    for user in (world.reviewer, world.director):
        assert 'href="/subsidies/"' in get(user, "/")
    assert 'href="/subsidies/"' not in get(world.clerk, "/")


# --- /subsidies/ ------------------------------------------------------------------------------------


def test_the_center_sees_its_cases_subsidies_and_filters_them(world):
    owed = world.payment("lawyer")
    approved = world.payment("stranger", status=PaymentStatus.APPROVED, approved_on=TODAY)
    other_center = world.payment("colleague", center=world.other_center)
    html = get(world.director, "/subsidies/")
    ledger = table(html)
    assert f'href="/applications/{owed.application_id}/"' in row(ledger, owed)
    assert "张律师" in row(ledger, owed) and "甲律师事务所" in row(ledger, owed)
    assert "王律师" in row(ledger, approved) and "乙律师事务所" in row(ledger, approved)
    assert other_center.application.tracking_no not in html
    assert 'value="approve"' in row(ledger, owed) and 'value="pay"' not in row(ledger, owed)
    assert 'value="pay"' in row(ledger, approved) and 'value="approve"' not in row(ledger, approved)
    only_owed = table(get(world.director, "/subsidies/?status=owed"))
    assert owed.application.tracking_no in only_owed and approved.application.tracking_no not in only_owed
    # a status or a year that is not one shows everything rather than an error
    everything = table(get(world.reviewer, "/subsidies/?status=bogus&year=x&page=zz"))
    assert owed.application.tracking_no in everything and approved.application.tracking_no in everything
    # the other center's reviewer sees their own center's subsidies only
    theirs = get(world.other_reviewer, "/subsidies/")
    assert other_center.application.tracking_no in table(theirs)
    assert owed.application.tracking_no not in theirs


@pytest.mark.parametrize("who", ["clerk", "firm_admin", "owner"])
def test_the_center_ledger_is_404_for_others(world, who):
    world.payment("lawyer")
    assert client_for(getattr(world, who)).get("/subsidies/").status_code == 404


def test_a_provider_cannot_open_the_center_ledger(world):
    assert client_for(world.users["lawyer"]).get("/subsidies/").status_code == 404


def csrf_client(user, path: str = "/subsidies/") -> tuple[Client, str]:
    client = client_for(user, enforce_csrf_checks=True)
    html = client.get(path).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client, token


def test_approve_then_mark_paid_through_the_page(world):
    payment = world.payment("lawyer")
    client, token = csrf_client(world.director, "/subsidies/?status=owed")
    done = client.post(
        "/subsidies/",
        {"csrfmiddlewaretoken": token, "action": "approve", "payment": payment.pk, "status": "owed"},
    )
    assert done.status_code == 302 and done["Location"] == f"/subsidies/?status=owed#payment-{payment.pk}"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and payment.approved_on == TODAY
    html = client.get("/subsidies/").content.decode()
    assert payment.application.tracking_no in re.search(r'class="site-messages".*?</ul>', html, re.S).group(0)
    paid = client.post(
        "/subsidies/",
        {
            "csrfmiddlewaretoken": token,
            "action": "pay",
            "payment": payment.pk,
            f"pay-{payment.pk}-paid_on": TODAY.isoformat(),
            f"pay-{payment.pk}-reference": " ZF-001 ",
        },
    )
    assert paid.status_code == 302, paid.content.decode()[:2000]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.paid_on == TODAY and payment.payment_reference == "ZF-001"
    # the provider's ledger shows it paid, with its dates and reference
    line = row(get(world.users["lawyer"], "/my/subsidies/"), payment)
    assert "已支付" in line and "ZF-001" in line and f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in line


def test_posting_without_the_csrf_token_is_refused(world):
    payment = world.payment("lawyer")
    client = client_for(world.director, enforce_csrf_checks=True)
    assert client.post("/subsidies/", {"action": "approve", "payment": payment.pk}).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OWED


def test_paying_before_the_approval_is_a_message_and_changes_nothing(world):
    payment = world.payment("lawyer")
    client = client_for(world.director)
    response = client.post(
        "/subsidies/",
        {"action": "pay", "payment": payment.pk, f"pay-{payment.pk}-paid_on": TODAY.isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    assert "只有已核准支付的补贴可以标记为已支付。" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OWED and payment.paid_on is None


def test_approving_twice_is_a_message(world):
    payment = world.payment("lawyer", status=PaymentStatus.APPROVED, approved_on=TODAY)
    response = client_for(world.reviewer).post(
        "/subsidies/", {"action": "approve", "payment": payment.pk}, follow=True
    )
    assert response.status_code == 200
    assert "只有应付的补贴可以核准支付。" in response.content.decode()


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ((TODAY + datetime.timedelta(days=1)).isoformat(), "支付日期不能晚于今天。"),
        ("2026-13-45", "请按“年-月-日”格式填写日期"),
        ("", "请填写补贴的支付日期。"),
        ((TODAY - datetime.timedelta(days=3)).isoformat(), "支付日期不能早于核准日期。"),
    ],
)
def test_a_wrong_payment_day_is_a_form_error_in_chinese(world, day, error):
    payment = world.payment("lawyer", status=PaymentStatus.APPROVED, approved_on=TODAY)
    response = client_for(world.director).post(
        "/subsidies/",
        {
            "action": "pay",
            "payment": payment.pk,
            f"pay-{payment.pk}-paid_on": day,
            f"pay-{payment.pk}-reference": "ZF-002",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    line = row(html, payment)
    assert error in line and "site-field--error" in line  # on the row's date field
    assert 'value="ZF-002"' in line  # what was typed is kept
    assert "site-error-summary" in html  # and summed up at the top
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and payment.paid_on is None


def test_a_payment_of_another_center_or_none_is_404(world):
    payment = world.payment("lawyer")
    client = client_for(world.other_reviewer)
    assert client.post("/subsidies/", {"action": "approve", "payment": payment.pk}).status_code == 404
    assert client.post("/subsidies/", {"action": "approve", "payment": "x"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OWED
    # an unknown action on one of the center's own: a message, nothing done
    response = client_for(world.director).post(
        "/subsidies/", {"action": "delete", "payment": payment.pk}, follow=True
    )
    assert response.status_code == 200 and "此操作已无法进行。" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OWED


# --- constant queries ------------------------------------------------------------------------------


def statements(user, path: str) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_the_pages_cost_the_same_statements_for_1_and_30_payments(world):
    def each_status(n: int) -> dict:
        status = (PaymentStatus.OWED, PaymentStatus.APPROVED, PaymentStatus.PAID)[n % 3]
        return {
            "status": status,
            "approved_on": TODAY if status != PaymentStatus.OWED else None,
            "paid_on": TODAY if status == PaymentStatus.PAID else None,
            "factors": [["cross_region", "1.50"]] if n % 2 else [],
        }

    world.payment("lawyer", **each_status(0))
    world.payment("colleague", **each_status(0))
    pages = ((world.users["lawyer"], "/my/subsidies/"), (world.firm_admin, "/my/subsidies/"))
    pages += ((world.director, "/subsidies/"),)
    one = [statements(user, path) for user, path in pages]
    for n in range(1, 30):
        world.payment("lawyer", **each_status(n))
        world.payment("colleague", **each_status(n))
    assert SubsidyPayment.objects.filter(provider=world.providers["lawyer"]).count() == 30
    many = [statements(user, path) for user, path in pages]
    assert many == one
    assert len(re.findall(r'<tr id="payment-', get(world.firm_admin, "/my/subsidies/"))) == 60


# --- a closure without a standard, recorded once the standard is added ------------------------------


def test_a_closure_without_a_standard_is_listed_and_recorded_once_the_standard_exists(world):
    paid = world.payment()  # a case closed with its subsidy: not listed
    paid_row_count = SubsidyPayment.objects.count()
    unrecorded = world.payment(who="colleague")
    report = unrecorded.assignment.closing_report
    unrecorded.delete()  # closed while no standard was in force: no ledger line
    html = get(world.director, "/subsidies/")
    assert 'id="unrecorded"' in html and unrecorded.application.tracking_no in html
    assert html.count('name="action" value="record"') == 1
    # no standard in force on the closure day: a message, nothing recorded
    world.standard.valid_from = TODAY + datetime.timedelta(days=1)
    world.standard.save()
    client = client_for(world.director)
    refused = client.post("/subsidies/", {"action": "record", "report": report.pk}, follow=True)
    assert refused.status_code == 200 and SubsidyPayment.objects.count() == paid_row_count
    # the standard added (here: in force again): recorded at it
    world.standard.valid_from = datetime.date(2020, 1, 1)
    world.standard.save()
    done = client.post("/subsidies/", {"action": "record", "report": report.pk}, follow=True)
    assert done.status_code == 200
    payment = SubsidyPayment.objects.get(assignment=report.assignment)
    assert payment.amount == Decimal("1500.00") and payment.provider == world.providers["colleague"]
    assert 'id="unrecorded"' not in get(world.director, "/subsidies/")
    # another center's reviewer may not record it
    assert (
        client_for(world.other_reviewer)
        .post("/subsidies/", {"action": "record", "report": report.pk})
        .status_code
        == 404
    )
    assert paid.pk
