"""The statistics page and the duty-lawyer form (site_ui.statistics_views), through the test client:
who gets a page and who a 404, which regions each sees, the figures as the page writes them, and
the form that records a duty-lawyer day."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape

from aid_cases.models import Applicant, Application
from assignments.models import Assignment, DutyLawyerRecord, Rating, SubsidyPayment, SubsidyStandard
from assignments.services.duty_lawyer import duty_lawyer_record_add
from core.errors import Forbidden
from directory.choices import OrganisationKind, ProviderKind, Role
from site_ui.statistics_views import money, percent
from tests.factories import (
    OrganisationFactory,
    ProviderFactory,
    UserFactory,
    lawyer_licence,
    region,
)

pytestmark = pytest.mark.django_db

STATS = "/statistics/"
DUTY = "/duty-lawyer/new/"


def zh(msgid: str) -> str:
    """The page's Chinese for one of the site's English msgids (the catalogue's, else the msgid)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


_numbers = itertools.count(1)


@pytest.fixture
def world(make_member):
    class W:
        pass

    w = W()
    w.zhushan = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan")
    )
    w.leping = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="乐平市法律援助中心", region=region("leping")
    )
    w.bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="珠山区司法局", region=region("zhushan")
    )
    w.city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    w.court = OrganisationFactory(
        kind=OrganisationKind.COURT, name="珠山区人民法院", region=region("zhushan")
    )
    w.detention = OrganisationFactory(
        kind=OrganisationKind.DETENTION, name="景德镇市看守所", region=region("jdz")
    )
    w.police = OrganisationFactory(
        kind=OrganisationKind.POLICE, name="珠山公安分局", region=region("zhushan")
    )
    w.firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="甲律师事务所", region=region("zhushan")
    )
    w.users = {
        "clerk": make_member(Role.CLERK, w.zhushan, username="clerk"),
        "reviewer": make_member(Role.REVIEWER, w.zhushan, username="reviewer"),
        "director": make_member(Role.DIRECTOR, w.zhushan, username="director"),
        "leping_reviewer": make_member(Role.REVIEWER, w.leping, username="leping_reviewer"),
        "bureau": make_member(Role.BUREAU_OFFICER, w.bureau, username="bureau"),
        "city_bureau": make_member(Role.BUREAU_OFFICER, w.city_bureau, username="city_bureau"),
        "lawyer": make_member(Role.PROVIDER, w.firm, username="lawyer"),
        "firm_admin": make_member(Role.FIRM_ADMIN, w.firm, username="firm_admin"),
        "officer": make_member(Role.AGENCY_OFFICER, w.court, username="officer"),
        "applicant": UserFactory(username="applicant"),
    }
    w.users["applicant"].groups.add(Group.objects.get(name="applicant"))
    w.lawyer = ProviderFactory(
        name="王律师",
        kind=ProviderKind.LAWYER,
        organisation=w.firm,
        licence_no=lawyer_licence(801),
        user=w.users["lawyer"],
    )
    w.other_lawyer = ProviderFactory(
        name="李律师", kind=ProviderKind.LAWYER, organisation=w.firm, licence_no=lawyer_licence(802)
    )
    w.standard = SubsidyStandard.objects.create(
        region=region("zhushan"),
        matter_category="civil",
        aid_form="representation",
        amount=Decimal("1500.00"),
        valid_from=datetime.date(2020, 1, 1),
    )
    return w


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def case(w, center, **fields) -> Application:
    n = next(_numbers)
    return Application.objects.create(
        tracking_no=f"S-{n:06d}",
        region=center.region,
        center=center,
        channel="window",
        filed_by=w.users["clerk"],
        applicant=Applicant.objects.create(name=f"申请人{n}"),
        matter_category="civil",
        matter_type="maintenance",
        matter_summary="赡养费",
        household_size=1,
        monthly_income=Decimal("0"),
        pledged_at=timezone.now(),
        means_result="pass",
        received_on=timezone.localdate(),
        status="closed",
        **fields,
    )


def rate_cases(w, center, satisfied: int, unsatisfied: int) -> None:
    for score in [5] * satisfied + [2] * unsatisfied:
        Rating.objects.create(application=case(w, center), score=score, rated_by=w.users["clerk"])


def paid(w, center, amount: Decimal) -> None:
    application = case(w, center)
    assignment = Assignment.objects.create(
        application=application,
        provider=w.lawyer,
        organisation=w.firm,
        aid_form="representation",
        status="accepted",
        assigned_by=w.users["clerk"],
        accepted_on=timezone.localdate(),
    )
    SubsidyPayment.objects.create(
        assignment=assignment,
        application=application,
        provider=w.lawyer,
        organisation=w.firm,
        standard=w.standard,
        base_amount=amount,
        amount=amount,
        status="paid",
        owed_on=timezone.localdate(),
    )


def column_headers(html: str) -> list[str]:
    table = re.search(r'<table[^>]*id="stats-rates".*?</thead>', html, re.S).group(0)
    return re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)


# --- formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (Decimal("0.0000"), "0%"),
        (Decimal("0.8750"), "87.5%"),
        (Decimal("0.3333"), "33.33%"),
        (Decimal("0.6000"), "60%"),
        (Decimal("1.0000"), "100%"),
        (Decimal("0.0001"), "0.01%"),
    ],
)
def test_percent(value, text):
    assert percent(value) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("0"), "¥0.00"),
        (Decimal("1500"), "¥1,500.00"),
        (Decimal("1234567.5"), "¥1,234,567.50"),
        (Decimal("0.05"), "¥0.05"),
    ],
)
def test_money(amount, text):
    assert money(amount) == text


# --- who gets a page --------------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_log_in(world):
    for url in (STATS, DUTY):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["applicant", "lawyer", "firm_admin", "officer"])
def test_everyone_else_gets_a_404(world, who):
    client = client_for(world.users[who])
    assert client.get(STATS).status_code == 404
    assert client.get(DUTY).status_code == 404
    assert client.post(DUTY, {}).status_code == 404


def test_a_superuser_without_a_membership_gets_a_404(world):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    assert client_for(admin).get(STATS).status_code == 404


@pytest.mark.parametrize("who", ["clerk", "reviewer", "director"])
def test_center_staff_see_their_own_region_only(world, who):
    rate_cases(world, world.zhushan, 7, 1)
    rate_cases(world, world.leping, 1, 0)
    client = client_for(world.users[who])
    response = client.get(STATS)
    assert response.status_code == 200
    html = response.content.decode()
    assert column_headers(html) == [zh("Indicator"), zh("Target"), "珠山区"]
    assert "乐平市" not in html
    assert "87.5%" in html and "7 / 8" in html  # 珠山区's ratings only
    assert client.get(STATS, {"region": "leping"}).status_code == 404
    assert client.get(STATS, {"region": "nowhere"}).status_code == 404
    assert client.get(STATS, {"region": "zhushan"}).status_code == 200


def test_a_county_bureau_sees_its_region(world):
    response = client_for(world.users["bureau"]).get(STATS)
    assert response.status_code == 200
    assert column_headers(response.content.decode())[2:] == ["珠山区"]


def test_the_city_bureau_sees_every_region_and_can_narrow(world):
    rate_cases(world, world.zhushan, 7, 1)
    rate_cases(world, world.leping, 1, 1)
    client = client_for(world.users["city_bureau"])
    html = client.get(STATS).content.decode()
    # the regions with an aid center, then their total (not the average of their rates)
    assert column_headers(html)[2:] == ["珠山区", "乐平市", zh("All regions shown")]
    assert "8 / 10" in html and "80%" in html
    assert 'id="chart-satisfaction"' in html  # a chart per indicator, by region
    narrowed = client.get(STATS, {"region": "leping"})
    assert narrowed.status_code == 200
    assert column_headers(narrowed.content.decode())[2:] == ["乐平市"]
    assert "1 / 2" in narrowed.content.decode() and "7 / 8" not in narrowed.content.decode()


def test_figures_as_the_page_writes_them(world):
    rate_cases(world, world.zhushan, 7, 1)
    paid(world, world.zhushan, Decimal("1500.00"))
    html = client_for(world.users["director"]).get(STATS).content.decode()
    money_table = re.search(r'id="money-paid".*?</tr>', html, re.S).group(0)
    assert "¥1,500.00" in money_table
    # the chart: an accessible inline SVG with its title, a text alternative and the values as text
    svg = re.search(
        r'<svg[^>]*aria-labelledby="chart-overview-title chart-overview-desc".*?</svg>', html, re.S
    )
    assert svg is not None
    svg = svg.group(0)
    assert '<title id="chart-overview-title">' in svg and '<desc id="chart-overview-desc">' in svg
    assert "87.5%" in svg and 'class="site-chart-target"' in svg
    # each indicator with its one-line definition
    for code in ("notified_assigned", "duty_coverage", "lawyer_share", "satisfaction"):
        assert re.search(rf'id="rate-{code}".*?class="site-help">[^<]+<', html, re.S)


def test_the_period(world):
    rate_cases(world, world.zhushan, 1, 0)
    client = client_for(world.users["reviewer"])
    last_year = timezone.localdate().year - 1
    html = client.get(STATS, {"from": f"{last_year}-01-01", "to": f"{last_year}-12-31"}).content.decode()
    assert f"{last_year}年1月1日" in html and "1 / 1" not in html
    html = client.get(STATS).content.decode()  # this year so far
    assert f"{timezone.localdate().year}年1月1日" in html and "1 / 1" in html
    bad = client.get(STATS, {"from": "yesterday", "to": "2026-01-01"})
    assert bad.status_code == 200
    assert zh("Enter the date as YYYY-MM-DD.") in bad.content.decode()
    backwards = client.get(STATS, {"from": "2026-03-01", "to": "2026-02-01"}).content.decode()
    assert zh("The end of the period cannot be before its start.") in backwards


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(STATS).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_queries_for_2_or_40_cases(world):
    client = client_for(world.users["city_bureau"])
    rate_cases(world, world.zhushan, 1, 1)
    page_queries(client)  # a running server's steady state: the rule rows' cache (core.refdata) is warm
    few = page_queries(client)
    rate_cases(world, world.zhushan, 19, 0)
    rate_cases(world, world.leping, 19, 0)
    for _ in range(5):
        paid(world, world.leping, Decimal("100"))
    assert page_queries(client) == few


# --- the duty-lawyer form ------------------------------------------------------------------------


def duty_form(world, **overrides) -> dict:
    return {
        "center": world.zhushan.pk,
        "post": world.court.pk,
        "provider": world.lawyer.pk,
        "day": timezone.localdate().isoformat(),
        "without_defender": "6",
        "helped": "5",
        "hours": "7.5",
        "note": "周一值班",
        **overrides,
    }


@pytest.mark.parametrize("who", ["clerk", "bureau", "city_bureau"])
def test_only_reviewers_and_directors_record_duty_days(world, who):
    client = client_for(world.users[who])
    assert client.get(DUTY).status_code == 404
    assert client.post(DUTY, duty_form(world)).status_code == 404
    assert not DutyLawyerRecord.objects.exists()


def test_the_form_offers_the_citys_posts_and_its_lawyers(world):
    html = client_for(world.users["reviewer"]).get(DUTY).content.decode()
    assert "珠山区人民法院" in html and "景德镇市看守所" in html
    assert "珠山公安分局" not in html  # the police are not a duty post
    assert "王律师（甲律师事务所）" in html and "李律师" in html


def test_the_form_saves_a_day(world):
    client = client_for(world.users["director"])
    response = client.post(DUTY, duty_form(world))
    assert response.status_code == 302, response.content.decode()
    record = DutyLawyerRecord.objects.get()
    assert (record.center, record.post, record.provider) == (world.zhushan, world.court, world.lawyer)
    assert (record.without_defender, record.helped, record.hours) == (6, 5, Decimal("7.5"))
    assert record.recorded_by == world.users["director"] and record.note == "周一值班"
    page = client.get(DUTY).content.decode()
    assert "5 / 6" in page
    # the statistics count it: 5 of 6 helped
    stats_page = client.get(STATS).content.decode()
    assert "83.33%" in re.search(r'id="rate-duty_coverage".*?</tr>', stats_page, re.S).group(0)
    # the same lawyer's day at the same post twice: refused
    again = client.post(DUTY, duty_form(world))
    assert again.status_code == 400
    assert escape(zh("This lawyer's day at this post has been recorded already.")) in again.content.decode()
    assert DutyLawyerRecord.objects.count() == 1


def test_more_helped_than_without_a_defender_is_refused_in_chinese(world):
    client = client_for(world.users["reviewer"])
    response = client.post(DUTY, duty_form(world, without_defender="3", helped="4"))
    assert response.status_code == 400
    html = response.content.decode()
    message = zh("The people helped cannot be more than the people without a defender.")
    assert message in html
    assert 'id="id_helped_error"' in html
    assert not DutyLawyerRecord.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hours", "25"),
        ("hours", "-1"),
        ("without_defender", "-1"),
        ("helped", "x"),
        ("day", (timezone.localdate() + datetime.timedelta(days=1)).isoformat()),
        ("post", "police"),
        ("provider", "999999"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(world, field, value):
    if value == "police":
        value = world.police.pk
    response = client_for(world.users["reviewer"]).post(DUTY, duty_form(world, **{field: value}))
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not DutyLawyerRecord.objects.exists()


def test_the_service_refuses_what_the_form_cannot_offer(world):
    """A grassroots worker or an inactive lawyer is no duty lawyer; a clerk or another center's
    reviewer records nothing for the center (403)."""
    from django.core.exceptions import ValidationError

    office = OrganisationFactory(
        kind=OrganisationKind.GRASSROOTS_OFFICE, name="新村法律服务所", region=region("zhushan")
    )
    worker = ProviderFactory(
        name="基层工作者", kind=ProviderKind.GRASSROOTS, organisation=office, licence_no="JC-000801"
    )
    fields = {
        "center": world.zhushan,
        "post": world.court,
        "day": timezone.localdate(),
        "without_defender": 2,
        "helped": 2,
        "hours": "4",
    }
    with pytest.raises(ValidationError) as refused:
        duty_lawyer_record_add(acting_user=world.users["reviewer"], provider=worker, **fields)
    assert set(refused.value.message_dict) == {"provider"}
    for who in ("clerk", "leping_reviewer", "bureau"):
        with pytest.raises(Forbidden):
            duty_lawyer_record_add(acting_user=world.users[who], provider=world.lawyer, **fields)
    record = duty_lawyer_record_add(acting_user=world.users["reviewer"], provider=world.lawyer, **fields)
    assert record.hours == Decimal("4") and record.helped == 2


def test_a_reviewer_of_two_centers_chooses_the_center(world, make_member):
    from directory import services

    both = world.users["reviewer"]
    services.membership_grant(acting_user=None, user=both, organisation=world.leping, role=Role.REVIEWER)
    client = client_for(both)
    assert 'name="center"' in client.get(DUTY).content.decode()
    assert 'name="center"' not in client_for(world.users["director"]).get(DUTY).content.decode()
    response = client.post(DUTY, duty_form(world, center=world.leping.pk))
    assert response.status_code == 302
    assert DutyLawyerRecord.objects.get().center == world.leping
    other = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="昌江区法律援助中心", region=region("changjiang")
    )
    refused = client.post(DUTY, duty_form(world, center=other.pk, day="2026-01-05"))
    assert refused.status_code == 400 and 'id="id_center_error"' in refused.content.decode()
    assert DutyLawyerRecord.objects.count() == 1


def test_the_consultations_and_their_reply_rate_per_center_shown(world):
    """DESIGN §7: the free consultations (Art 23) of the centers shown, with the reply rate of the
    online questions; a center's staff see their center, the city bureau every center."""
    from consultations.services import consultation_ask, consultation_record

    for user, center in (("director", "珠山"), ("director", "珠山"), ("leping_reviewer", "乐平")):
        consultation_record(
            acting_user=world.users[user],
            channel="window",
            matter_type="wage_arrears",
            question=f"{center}：老板拖欠工资怎么办？",
            answer="可以申请劳动仲裁。",
            anonymous=True,
        )
    consultation_ask(
        acting_user=world.users["applicant"], region="zhushan", matter_type="maintenance", question="赡养费？"
    )

    def section(user):
        html = client_for(world.users[user]).get(STATS).content.decode()
        found = re.search(r'id="stats-consultations".*?</section>', html, re.S)
        assert found, user
        return found.group(0)

    mine = section("director")
    assert world.zhushan.name in mine and world.leping.name not in mine
    # two recorded at the window; the online question is still within its period: no rate yet
    assert re.search(r"<span class=\"site-stats-value\">2</span>", mine)
    assert "0 / 0" in mine
    city = section("city_bureau")
    assert (
        world.zhushan.name in city and world.leping.name in city and 'id="stats-consultations-total"' in city
    )
