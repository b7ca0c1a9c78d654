"""The annual-duty pages (docs/domain.md §6, annual duty): the lawyer's own year (/my/duty/), the firm
administrator's dashboard (/duty/firm/) and the bureau's view with its exemptions (/duty/).

The figures on the pages and in the API (/api/v1/quota/lawyers/) agree for the same world (one
computation, assignments.quota); who sees which page; the exemption form; the statements of each page
do not grow with the number of firms, lawyers or records.
"""

import datetime
import difflib
import re
from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from assignments.models import DutyExemption, DutyReminder, ServiceLog
from directory.choices import OrganisationKind, Role
from directory.models import AuditEvent, Organisation
from tests.assignments.test_quota import World as QuotaWorld
from tests.factories import OrganisationFactory, UserFactory, lawyer_licence, region
from waivers.models import PublicInterestNotarisation

pytestmark = pytest.mark.django_db

MY_DUTY = "/my/duty/"
FIRM = "/duty/firm/"
OVERVIEW = "/duty/"
API_LAWYERS = "/api/v1/quota/lawyers/"
TODAY = timezone.localdate()
YEAR = TODAY.year
PAST = YEAR - 1
D = Decimal


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def main_of(html: str) -> str:
    return re.search(r"<main.*?</main>", html, re.S).group(0)


def menu_of(html: str) -> str:
    return re.search(r'<aside class="vf-page__menu.*?</aside>', html, re.S).group(0)


def page(user, path, status=200, **params) -> str:
    response = client_for(user).get(path, params)
    assert response.status_code == status, (path, params, response.status_code)
    return response.content.decode()


class World(QuotaWorld):
    """tests/assignments/test_quota.py's world (a 珠山区 firm 甲 and a 乐平市 firm 乙, a center and its
    court), with accounts: lawyers who sign in, each firm's administrator, the 珠山区 bureau and the
    city's bureau (above both), a notary office in each region, a clerk of the center."""

    def __init__(self, make_member):
        super().__init__(make_member)
        self.make_member = make_member
        self.firm_admin = make_member(Role.FIRM_ADMIN, self.firm, username="firm_admin_jia")
        self.leping_admin = make_member(Role.FIRM_ADMIN, self.leping_firm, username="firm_admin_yi")
        zhushan_bureau = OrganisationFactory(
            kind=OrganisationKind.BUREAU, name="珠山区司法局", region=region("zhushan")
        )
        city_bureau = OrganisationFactory(
            kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
        )
        self.bureau = make_member(Role.BUREAU_OFFICER, zhushan_bureau, username="bureau_zhushan_duty")
        self.city = make_member(Role.BUREAU_OFFICER, city_bureau, username="bureau_city_duty")
        self.notary = OrganisationFactory(
            kind=OrganisationKind.NOTARY, name="珠山公证处", region=region("zhushan")
        )
        self.leping_notary = OrganisationFactory(
            kind=OrganisationKind.NOTARY, name="乐平公证处", region=region("leping")
        )

    def signed_lawyer(self, firm=None, username=None):
        """A lawyer with an account holding the provider role (as a real lawyer's is)."""
        self.n += 1
        user = self.make_member(
            Role.PROVIDER, firm or self.firm, username=username or f"lawyer_duty_{self.n}"
        )
        return self.lawyer(firm, user=user)


@pytest.fixture
def world(make_member):
    return World(make_member)


def api_rows(user, **params) -> dict[int, dict]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(API_LAWYERS, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    return {row["lawyer_id"]: row for row in response.json()["results"]}


def firm_rows(html: str) -> dict[int, dict]:
    """The firm dashboard's lawyers: status, cases, hours (the row's data attributes)."""
    return {
        int(pk): {"status": status, "cases": int(cases), "hours": hours}
        for pk, status, cases, hours in re.findall(
            r'<tr id="lawyer-(\d+)" data-status="(\w+)" data-cases="(\d+)" data-hours="([\d.]+)">', html
        )
    }


def own_figures(html: str) -> dict:
    found = re.search(
        r'id="duty-progress" data-status="(\w+)" data-cases="(\d+)" data-hours="([\d.]+)" '
        r'data-min-cases="(\d+)" data-min-hours="([\d.]+)"',
        html,
    )
    status, cases, hours, min_cases, min_hours = found.groups()
    return {"status": status, "cases": int(cases), "hours": hours, "min": (int(min_cases), min_hours)}


def jan(day: int, year: int = YEAR) -> datetime.date:
    return datetime.date(year, 1, day)


# --- one computation: the pages and the API agree ------------------------------------------------------


def test_the_lawyers_page_the_firm_dashboard_and_the_api_agree(world):
    short = world.signed_lawyer()  # 1 case + 30 h: strict OR, not met
    world.assignment(short, jan(5))
    world.log(short, jan(6), "20")
    world.log(short, jan(7), "10")
    world.log(short, jan(8), "8", status="pending")
    world.log(short, jan(9), "5", status="rejected")
    cases = world.signed_lawyer()  # 2 cases: met
    world.assignment(cases, jan(5))
    world.assignment(cases, jan(6))
    world.assignment(cases, jan(7), status="declined")  # counts for nobody
    hours = world.signed_lawyer()  # 50.0 h, 8 of them a duty-lawyer day: met
    world.log(hours, jan(5), "24")
    world.log(hours, jan(6), "18")
    world.duty_day(hours, jan(7), "8")
    idle = world.signed_lawyer()

    expected = {
        short.pk: ("in_progress", 1, "30.0"),
        cases.pk: ("met", 2, "0.0"),
        hours.pk: ("met", 0, "50.0"),
        idle.pk: ("in_progress", 0, "0.0"),
    }
    api = api_rows(world.firm_admin)
    dashboard = firm_rows(page(world.firm_admin, FIRM))
    for lawyer in (short, cases, hours, idle):
        status, n, h = expected[lawyer.pk]
        own = own_figures(page(lawyer.user, MY_DUTY))
        assert (own["status"], own["cases"], own["hours"]) == (status, n, h), lawyer.name
        assert own["min"] == (2, "50.0")
        assert (
            dashboard[lawyer.pk]["status"],
            dashboard[lawyer.pk]["cases"],
            dashboard[lawyer.pk]["hours"],
        ) == (
            status,
            n,
            h,
        )
        row = api[lawyer.pk]
        assert (row["status"], row["cases"], row["hours"]) == (status, n, h)
    # the bureau's page for the firm shows the same, and so does a past year (over: not met)
    assert firm_rows(page(world.bureau, FIRM, firm=world.firm.pk)) == dashboard
    past = firm_rows(page(world.firm_admin, FIRM, year=PAST))
    assert {r["status"] for r in past.values()} == {"not_met"}
    assert {(r["status"], r["cases"]) for r in api_rows(world.firm_admin, year=PAST).values()} == {
        ("not_met", 0)
    }
    # the firm's compliance: 2 of 4
    html = page(world.firm_admin, FIRM)
    assert re.search(r'id="total-rate"><dt>[^<]*</dt><dd>50\.0%</dd>', html)
    overview = page(world.bureau, OVERVIEW)
    assert re.search(rf'<tr id="firm-{world.firm.pk}">.*?50\.0%', overview, re.S)


def test_the_lawyers_page_lists_what_counted_and_what_did_not(world):
    lawyer = world.signed_lawyer()
    kept = world.assignment(lawyer, jan(3))
    kept.application.provider = lawyer  # the lawyer still handles it: may open the case
    kept.application.save(update_fields=["provider"])
    handed_over = world.assignment(lawyer, jan(4), status="cancelled")  # aid ended: counts, no link
    replaced = world.assignment(lawyer, jan(5), status="replaced")  # taken away: not listed
    last_year = world.assignment(lawyer, datetime.date(PAST, 12, 31))
    verified = world.log(lawyer, jan(6), "3.5")
    pending = world.log(lawyer, jan(7), "2", status="pending")
    rejected = world.log(lawyer, jan(8), "4", status="rejected")
    ServiceLog.objects.filter(pk=rejected.pk).update(reason="无签到表")
    world.duty_day(lawyer, jan(9), "6")
    DutyReminder.objects.create(provider=lawyer, year=YEAR, period=f"{YEAR}-10", cases=2, hours=D("9.5"))
    DutyReminder.objects.create(provider=lawyer, year=PAST, period=f"{PAST}-11", cases=0, hours=D("1.0"))

    html = main_of(page(lawyer.user, MY_DUTY))
    cases = re.search(r'id="duty-cases".*?</section>', html, re.S).group(0)
    assert f'<a href="/applications/{kept.application_id}/">{kept.application.tracking_no}</a>' in cases
    assert handed_over.application.tracking_no in cases
    assert f"/applications/{handed_over.application_id}/" not in cases  # no longer theirs to open
    assert replaced.application.tracking_no not in html and last_year.application.tracking_no not in html
    assert f"{YEAR}年1月3日" in cases
    hours = re.search(r'id="duty-hours".*?</section>', html, re.S).group(0)
    assert f'id="duty-log-{verified.pk}"' in hours and f'id="duty-log-{pending.pk}"' not in hours
    assert f'href="/my/service-logs/?year={YEAR}"' in hours
    not_counted = re.search(r'id="duty-not-counted".*?</section>', html, re.S).group(0)
    assert f'id="duty-log-{pending.pk}"' in not_counted and f'id="duty-log-{rejected.pk}"' in not_counted
    assert "无签到表" in not_counted and f'id="duty-log-{verified.pk}"' not in not_counted
    days = re.search(r'id="duty-days".*?</section>', html, re.S).group(0)
    assert world.court.name in days and f"{YEAR}年1月9日" in days
    reminders = re.search(r'id="duty-reminders".*?</section>', html, re.S).group(0)
    assert "9.5" in reminders and "1.0" not in reminders
    assert f'href="/duty/lawyers/{lawyer.pk}/certificate.pdf?year={YEAR}"' in html
    # 2 cases: met; the bars are <progress> with a text beside them, full but never beyond
    assert own_figures(html)["status"] == "met"
    assert re.search(r'<progress id="bar-cases" max="2" value="2" aria-describedby="bar-cases-text">', html)
    assert re.search(
        r'<progress id="bar-hours" max="50.0" value="9.5" aria-describedby="bar-hours-text">', html
    )
    assert '<label for="bar-cases">' in html and '<label for="bar-hours">' in html
    # last year: its case, nothing else
    past = main_of(page(lawyer.user, MY_DUTY, year=PAST))
    assert last_year.application.tracking_no in past and kept.application.tracking_no not in past
    assert own_figures(past)["status"] == "not_met"


def test_the_years_rule_decides_what_the_list_counts(world):
    """With the closure date placing cases and 2 duty-lawyer days making a case, the list shows what
    quota counted: the case whose closure was accepted this year, not the one accepted but unclosed."""
    from assignments.models import DutyRule

    lawyer = world.signed_lawyer()
    tz = timezone.get_current_timezone()
    closed = world.assignment(lawyer, datetime.date(PAST, 11, 1))
    world.closed(closed, datetime.datetime(YEAR, 1, 10, 9, 0, tzinfo=tz))
    open_case = world.assignment(lawyer, jan(3))
    world.duty_day(lawyer, jan(4), "8")
    world.duty_day(lawyer, jan(5), "8")
    DutyRule.objects.create(year=YEAR, counting_date="closed", duty_lawyer_days_per_case=2)
    html = main_of(page(lawyer.user, MY_DUTY))
    figures = own_figures(html)
    assert (figures["status"], figures["cases"], figures["hours"]) == (
        "met",
        2,
        "0.0",
    )  # 1 closed + 1 converted
    cases = re.search(r'id="duty-cases".*?</section>', html, re.S).group(0)
    assert closed.application.tracking_no in cases and open_case.application.tracking_no not in cases
    assert f"{YEAR}年1月10日" in cases and f"{PAST}年11月1日" in cases


def test_a_lawyer_licensed_after_the_year_had_no_duty_in_it(world):
    lawyer = world.signed_lawyer()
    type(lawyer).objects.filter(pk=lawyer.pk).update(practice_start=datetime.date(YEAR, 3, 1))
    html = main_of(page(lawyer.user, MY_DUTY, year=PAST))
    assert 'id="duty-progress"' not in html and 'id="duty-status"' in html
    assert 'id="duty-progress"' in page(lawyer.user, MY_DUTY)


@pytest.mark.parametrize("year", ["", "2021", "abc", str(YEAR + 1), "99999999999999"])
def test_a_bad_year_shows_this_year(world, year):
    lawyer = world.signed_lawyer()
    for user, path in ((lawyer.user, MY_DUTY), (world.firm_admin, FIRM), (world.bureau, OVERVIEW)):
        html = page(user, path, year=year)
        assert f'<option value="{YEAR}" selected>' in html


def test_the_firm_dashboard_shows_figures_never_cases(world):
    lawyer = world.signed_lawyer()
    assignment = world.assignment(lawyer, jan(3))
    world.assignment(lawyer, jan(4))  # 2 cases: met
    missing = world.signed_lawyer()
    world.log(missing, jan(3), "12.5")
    html = main_of(page(world.firm_admin, FIRM))
    assert "/applications/" not in html and assignment.application.tracking_no not in html
    assert assignment.application.applicant.name not in html
    # those who have not met it on top, with what is missing
    top = re.search(r'id="duty-missing".*?</section>', html, re.S).group(0)
    assert f'id="missing-{missing.pk}"' in top and f'id="missing-{lawyer.pk}"' not in top
    assert html.index('id="duty-missing"') < html.index('id="duty-lawyers"')
    # the downloads, with the year
    for fmt in ("pdf", "xlsx", "csv"):
        assert f'href="/duty/firms/{world.firm.pk}/report.{fmt}?year={YEAR}"' in html
    assert f'href="/duty/firms/{world.firm.pk}/report.pdf?year={PAST}"' in page(
        world.firm_admin, FIRM, year=PAST
    )
    # the firm exempts nobody
    assert "exempt=" not in html


def test_a_firm_without_a_lawyer_with_a_duty_says_so(world):
    html = main_of(page(world.leping_admin, FIRM))
    assert 'id="duty-lawyer-table"' not in html and world.leping_firm.name in html


# --- who sees what -------------------------------------------------------------------------------------


def test_a_lawyer_sees_only_their_own_year(world):
    lawyer = world.signed_lawyer()
    other = world.signed_lawyer()
    world.assignment(other, jan(3))
    html = page(lawyer.user, MY_DUTY)
    assert other.name not in main_of(html)
    for path in (FIRM, OVERVIEW):
        page(lawyer.user, path, status=404)
    page(lawyer.user, FIRM, status=404, firm=world.firm.pk)


def test_a_firm_administrator_sees_their_firm_only(world):
    world.signed_lawyer()
    page(world.firm_admin, FIRM)
    page(world.firm_admin, FIRM, firm=world.firm.pk)
    page(world.firm_admin, FIRM, status=404, firm=world.leping_firm.pk)
    page(world.firm_admin, FIRM, status=404, firm="abc")
    page(world.firm_admin, FIRM, status=404, firm=999999)
    page(world.firm_admin, OVERVIEW, status=404)
    page(world.firm_admin, MY_DUTY, status=404)


def test_the_bureau_sees_the_firms_of_its_regions(world):
    jia, yi = world.signed_lawyer(), world.signed_lawyer(world.leping_firm)
    zhushan = main_of(page(world.bureau, OVERVIEW))
    assert f'id="firm-{world.firm.pk}"' in zhushan and f'id="firm-{world.leping_firm.pk}"' not in zhushan
    assert f'href="/duty/firm/?firm={world.firm.pk}&amp;year={YEAR}"' in zhushan
    assert (
        f'id="notary-{world.notary.pk}"' in zhushan and f'id="notary-{world.leping_notary.pk}"' not in zhushan
    )
    assert set(firm_rows(page(world.bureau, FIRM, firm=world.firm.pk))) == {jia.pk}
    page(world.bureau, FIRM, status=404, firm=world.leping_firm.pk)
    # without ?firm= the bureau is sent to its overview
    response = client_for(world.bureau).get(FIRM, {"year": PAST})
    assert (response.status_code, response["Location"]) == (302, f"{OVERVIEW}?year={PAST}")
    city = main_of(page(world.city, OVERVIEW))
    assert f'id="firm-{world.firm.pk}"' in city and f'id="firm-{world.leping_firm.pk}"' in city
    assert f'id="notary-{world.leping_notary.pk}"' in city
    assert set(firm_rows(page(world.city, FIRM, firm=world.leping_firm.pk))) == {yi.pk}
    page(world.bureau, MY_DUTY, status=404)


@pytest.mark.parametrize("who", ["clerk", "notary", "plain"])
def test_everyone_else_gets_404(world, make_member, who):
    user = {
        "clerk": lambda: world.clerk,
        "notary": lambda: make_member(Role.INSTITUTION_STAFF, world.notary),
        "plain": lambda: UserFactory(),
    }[who]()
    for path in (MY_DUTY, FIRM, OVERVIEW):
        page(user, path, status=404)


def test_signed_out_visitors_are_asked_to_log_in(world):
    for path in (MY_DUTY, FIRM, OVERVIEW):
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_administrator_sees_every_firm_without_the_exemption_form(world):
    world.signed_lawyer(world.leping_firm)
    root = UserFactory(username="root_duty", is_superuser=True, is_staff=True)
    html = main_of(page(root, OVERVIEW))
    assert f'id="firm-{world.leping_firm.pk}"' in html and 'id="exemption-form"' not in html
    assert client_for(root).post(OVERVIEW, {}).status_code == 404


def test_the_notary_offices_count_and_status(world):
    for n in range(4):
        PublicInterestNotarisation.objects.create(
            institution=world.notary,
            matter=f"公益公证{n}",
            beneficiary="村民",
            date=jan(2 + n),
            status="verified",
            logged_by=world.clerk,
        )
    html = main_of(page(world.bureau, OVERVIEW))
    row = re.search(rf'<tr id="notary-{world.notary.pk}">.*?</tr>', html, re.S).group(0)
    assert "site-duty-badge--met" in row and "4" in row


# --- the exemption -------------------------------------------------------------------------------------


def exempt_form(lawyer, **overrides) -> dict:
    data = {
        "exempt-lawyer": lawyer.licence_no,
        "exempt-year": str(YEAR),
        "exempt-reason": "长期病假，住院治疗",
    }
    data.update(overrides)
    return data


def test_the_bureau_exempts_a_lawyer_and_every_page_shows_exempt(world):
    lawyer = world.signed_lawyer()
    other = world.signed_lawyer()
    form_page = main_of(page(world.bureau, OVERVIEW, exempt=lawyer.pk))
    assert 'id="exemption-form"' in form_page and f'value="{lawyer.licence_no}"' in form_page  # filled in
    # the firm page offers it, for the bureau only
    assert f"exempt={lawyer.pk}" in page(world.bureau, FIRM, firm=world.firm.pk)

    response = client_for(world.bureau).post(OVERVIEW, exempt_form(lawyer))
    assert (response.status_code, response["Location"]) == (302, f"{OVERVIEW}?year={YEAR}#exemptions")
    exemption = DutyExemption.objects.get()
    assert (exemption.provider, exemption.year, exemption.recorded_by) == (lawyer, YEAR, world.bureau)
    assert AuditEvent.objects.filter(action="duty_exemption_record").count() == 1
    listed = main_of(page(world.bureau, OVERVIEW))
    assert f'id="exemption-{exemption.pk}"' in listed and "长期病假，住院治疗" in listed

    own = page(lawyer.user, MY_DUTY)
    assert own_figures(own)["status"] == "exempt" and "长期病假，住院治疗" in own
    assert firm_rows(page(world.firm_admin, FIRM))[lawyer.pk]["status"] == "exempt"
    assert "长期病假" not in page(world.firm_admin, FIRM)  # the reason is the lawyer's and the bureau's
    assert api_rows(world.firm_admin)[lawyer.pk]["status"] == "exempt"
    assert firm_rows(page(world.firm_admin, FIRM))[other.pk]["status"] == "in_progress"
    assert own_figures(page(lawyer.user, MY_DUTY, year=PAST))["status"] == "not_met"  # that year only


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"exempt-reason": ""}, "exempt-reason"),
        ({"exempt-reason": "病" * 2001}, "exempt-reason"),
        ({"exempt-year": "2021"}, "exempt-year"),
        ({"exempt-year": "abc"}, "exempt-year"),
        ({"exempt-lawyer": ""}, "exempt-lawyer"),
        ({"exempt-lawyer": "00000000000000000"}, "exempt-lawyer"),
        ({"exempt-lawyer": "1" * 40}, "exempt-lawyer"),
    ],
)
def test_bad_input_shows_on_the_form_and_saves_nothing(world, overrides, field):
    lawyer = world.signed_lawyer()
    response = client_for(world.bureau).post(OVERVIEW, exempt_form(lawyer, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and 'id="exempt-error-summary"' in html
    assert not DutyExemption.objects.exists()


def test_a_volunteer_is_not_exempted(world):
    from directory.choices import ProviderKind
    from tests.factories import ProviderFactory

    volunteer = ProviderFactory(
        kind=ProviderKind.VOLUNTEER,
        organisation=world.firm,
        licence_no=lawyer_licence(880),
        practice_start=None,
    )
    response = client_for(world.bureau).post(OVERVIEW, exempt_form(volunteer))
    assert response.status_code == 400 and 'id="id_exempt-lawyer_error"' in response.content.decode()


def test_a_lawyer_of_another_region_or_twice_is_refused(world):
    yi = world.signed_lawyer(world.leping_firm)
    response = client_for(world.bureau).post(OVERVIEW, exempt_form(yi))
    assert response.status_code == 403 and 'id="id_exempt-lawyer_error"' in response.content.decode()
    jia = world.signed_lawyer()
    assert client_for(world.bureau).post(OVERVIEW, exempt_form(jia)).status_code == 302
    again = client_for(world.city).post(OVERVIEW, exempt_form(jia, **{"exempt-reason": "再次"}))
    assert again.status_code == 409 and 'id="exempt-error-summary"' in again.content.decode()
    assert DutyExemption.objects.count() == 1
    # no one but a bureau posts the form
    assert (
        client_for(world.firm_admin)
        .post(OVERVIEW, exempt_form(jia, **{"exempt-year": str(PAST)}))
        .status_code
        == 404
    )
    assert DutyExemption.objects.count() == 1


# --- menus ---------------------------------------------------------------------------------------------


def test_each_role_finds_its_page_in_the_menu_and_on_the_home_page(world, make_member):
    lawyer = world.signed_lawyer()
    assert 'href="/my/duty/"' in menu_of(page(lawyer.user, "/lookup/"))
    assert 'href="/my/duty/"' in main_of(page(lawyer.user, "/"))
    assert 'href="/duty/firm/"' in menu_of(page(world.firm_admin, "/lookup/"))
    home = main_of(page(world.firm_admin, "/"))
    assert 'href="/duty/firm/"' in home
    assert "The annual pro-bono duty report is not available" not in home and "暂未在本网站提供" not in home
    assert 'href="/duty/"' in menu_of(page(world.bureau, "/lookup/"))
    assert 'href="/duty/"' in main_of(page(world.bureau, "/"))
    # a provider without a lawyer's record at a law firm has no duty page
    provider = make_member(Role.PROVIDER, world.firm, username="provider_without_record")
    assert 'href="/my/duty/"' not in page(provider, "/lookup/")
    # the current entry is the page's
    assert re.search(r'href="/my/duty/" aria-current="page"', page(lawyer.user, MY_DUTY))
    assert re.search(r'href="/duty/" aria-current="page"', page(world.bureau, FIRM, firm=world.firm.pk))


# --- statements do not grow with the world ---------------------------------------------------------------


def _count(user, path, **params):
    client = client_for(user)  # the session outside the count
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    return [q["sql"] for q in captured.captured_queries]


def _diff(small: list[str], large: list[str]) -> str:
    return "\n".join(
        difflib.unified_diff(
            [sql[:240] for sql in small], [sql[:240] for sql in large], "small", "large", lineterm="", n=0
        )
    )


def _grow(world, firms: int) -> None:
    """``firms`` more 珠山区 firms, each with two lawyers, a case, verified and pending hours, a
    duty-lawyer day, an exemption and a reminder; a notary office per firm."""
    for _ in range(firms):
        n = world.n = world.n + 1
        firm = OrganisationFactory(
            kind=OrganisationKind.LAW_FIRM, name=f"增长律师事务所{n}", region=region("zhushan")
        )
        a, b = world.lawyer(firm), world.lawyer(firm)
        world.assignment(a, jan(2))
        world.log(b, jan(3), "6")
        world.log(b, jan(4), "2", status="pending")
        world.duty_day(a, jan(5))
        DutyExemption.objects.create(provider=b, year=YEAR, reason="病假", recorded_by=world.bureau)
        OrganisationFactory(kind=OrganisationKind.NOTARY, name=f"增长公证处{n}", region=region("zhushan"))


def _own_records(world, lawyer, n: int, start: int = 0) -> None:
    """``n`` more of every kind of record for one lawyer, from 2 January + ``start`` days."""
    for k in range(start, start + n):
        a = world.assignment(lawyer, jan(2 + k))
        a.application.provider = lawyer
        a.application.save(update_fields=["provider"])
        world.log(lawyer, jan(2 + k), "1")
        world.log(lawyer, jan(2 + k), "1", status="rejected")
        world.duty_day(lawyer, jan(2 + k), "1")
        DutyReminder.objects.create(
            provider=lawyer, year=YEAR, period=f"{YEAR}-{10 + k}", cases=0, hours=D(1)
        )


def test_statements_do_not_grow_with_firms_lawyers_and_records(world):
    lawyer = world.signed_lawyer()
    _grow(world, 1)
    _own_records(world, lawyer, 1)
    small = {
        "overview": _count(world.bureau, OVERVIEW),
        "firm": _count(world.firm_admin, FIRM),
        "bureau_firm": _count(world.bureau, FIRM, firm=world.firm.pk),
        "mine": _count(lawyer.user, MY_DUTY),
    }
    _grow(world, 14)
    for _ in range(14):  # 15 lawyers in the administrator's firm
        world.lawyer()
    _own_records(world, lawyer, 14, start=1)
    assert Organisation.objects.filter(kind=OrganisationKind.LAW_FIRM, region=region("zhushan")).count() == 16
    large = {
        "overview": _count(world.bureau, OVERVIEW),
        "firm": _count(world.firm_admin, FIRM),
        "bureau_firm": _count(world.bureau, FIRM, firm=world.firm.pk),
        "mine": _count(lawyer.user, MY_DUTY),
    }
    for key in small:
        assert len(small[key]) == len(large[key]), f"{key}\n{_diff(small[key], large[key])}"


def test_the_firms_are_paged_25_at_a_time(world):
    for n in range(26):
        firm = OrganisationFactory(
            kind=OrganisationKind.LAW_FIRM, name=f"分页律师事务所{n:02d}", region=region("zhushan")
        )
        world.lawyer(firm)
    first = main_of(page(world.bureau, OVERVIEW))
    assert len(re.findall(r'<tr id="firm-\d+">', first)) == 25
    assert f'href="?year={YEAR}&amp;page=2#duty-firms"' in first
    assert re.search(r'id="total-firms"><dt>[^<]*</dt><dd>26</dd>', first)  # the totals are of every firm
    second = main_of(page(world.bureau, OVERVIEW, page=2))
    assert len(re.findall(r'<tr id="firm-\d+">', second)) == 1
