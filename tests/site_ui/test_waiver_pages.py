"""The fee-waiver pages (docs/domain.md, fee waivers; Art 53): the case page's block, the institutions'
inbox, the notary offices' public-interest notarisations and the procuratorate's filing form."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from aid_cases.models import Application
from assignments.models import DutyRule
from directory.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, region
from tests.world import ADULT_ID, answer, approved_case, assign, status_of, tasks
from waivers.models import FeeWaiver, PublicInterestNotarisation

pytestmark = pytest.mark.django_db


def zh(msgid: str) -> str:
    """The page's Chinese for one of the site's English msgids (the catalogue's, else the msgid)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def handled_case(world) -> int:
    """A granted case the first lawyer accepted: in progress."""
    application_id = approved_case(world)
    assert assign(world, application_id, world.lawyers[0][1]).status_code == 200
    assert answer(world, application_id, world.lawyers[0]).status_code == 200
    assert status_of(application_id) == "in_progress"
    return application_id


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<(section|form|table)[^>]*id="{element_id}".*?</\1>', html, re.S)
    return match.group(0) if match else ""


def menu_of(html: str) -> str:
    return re.search(r'<aside class="vf-page__menu.*?</aside>', html, re.S).group(0)


def ask(world, application_id, user=None, **overrides):
    """POST the case page's request form (as the lawyer by default)."""
    data = {
        "action": "waiver_request",
        "waiver-kind": "notary",
        "waiver-institution_id": str(world.notary_city.pk),
        "waiver-service": "继承权公证",
        "waiver-standard_fee": "800.00",
        "waiver-treatment": "waive",
        "waiver-requested_fee": "",
        "waiver-deferred_payer": "",
    }
    data.update({f"waiver-{k}" if not k.startswith("action") else k: v for k, v in overrides.items()})
    return client_for(user or world.lawyers[0][0]).post(f"/applications/{application_id}/", data)


def task_id(world, user, scope, application_id, name) -> int:
    (task,) = tasks(world, user, scope, application_id, name)
    return task["id"]


def approve(world, application_id, reviewer=None, **fields):
    """The center approves the request on the generic task page."""
    reviewer = reviewer or world.reviewer
    pk = task_id(world, reviewer, "queue", application_id, "review_waiver")
    response = client_for(reviewer).post(f"/tasks/{pk}/", {"approve": "true", **fields})
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


# --- the case page --------------------------------------------------------------------------------


def test_the_lawyer_asks_on_the_case_page_and_the_center_gets_a_review_task(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    html = client_for(world.lawyers[0][0]).get(f"/applications/{application_id}/").content.decode()
    form = section(html, "waiver-form")
    assert 'name="waiver-kind"' in form and 'name="waiver-treatment"' in form
    # the institutions of the whole city, grouped by kind, each marked with its kind for the script
    assert "景德镇市公证处" in form and "乐平市公证处" in form and "景德镇市中级人民法院" in form
    assert re.search(rf'value="{world.forensic_city.pk}"[^>]*data-kind="forensic"', form)
    assert "<optgroup" in form and 'id="waiver-services-notary"' in form and "继承权公证" in form

    response = ask(world, application_id)
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application_id}/#fee-waivers"
    waiver = FeeWaiver.objects.get()
    assert (waiver.status, waiver.standard_fee, waiver.institution) == (
        "requested",
        Decimal("800.00"),
        world.notary_city,
    )
    assert task_id(world, world.reviewer, "queue", application_id, "review_waiver")

    html = client_for(world.lawyers[0][0]).get(f"/applications/{application_id}/").content.decode()
    block = section(html, "fee-waivers")
    assert "继承权公证" in block and "景德镇市公证处" in block and "¥800.00" in block
    assert zh("Notarisation fee") in block
    # the applicant sees the fee line too, without a form
    html = client_for(world.applicant).get(f"/applications/{application_id}/").content.decode()
    assert "继承权公证" in section(html, "fee-waivers") and 'id="waiver-form"' not in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"standard_fee": "-5"}, "standard_fee", "An amount cannot be negative."),
        ({"treatment": "reduce"}, "requested_fee", "Give the amount in yuan, e.g. 2500.00."),
        ({"standard_fee": "abc"}, "standard_fee", "Give the amount in yuan, e.g. 2500.00."),
        (
            {"treatment": "reduce", "requested_fee": "900"},
            "requested_fee",
            "The reduced fee must be below the standard fee.",
        ),
        ({"service": ""}, "service", "Name the service needed."),
    ],
)
def test_bad_input_shows_the_chinese_error_and_saves_nothing(waiver_world, overrides, field, message):
    world = waiver_world
    application_id = handled_case(world)
    response = ask(world, application_id, **overrides)
    assert response.status_code == 400
    html = response.content.decode()
    form = section(html, "waiver-form")
    assert zh(message) in form and zh(message) != message
    assert f'id="id_waiver-{field}_error"' in form
    assert FeeWaiver.objects.count() == 0
    assert tasks(world, world.reviewer, "queue", application_id, "review_waiver") == []


def test_an_institution_of_the_wrong_kind_is_refused_on_its_field(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    response = ask(world, application_id, kind="notary", institution_id=str(world.forensic_city.pk))
    assert response.status_code == 400
    form = section(response.content.decode(), "waiver-form")
    error = re.search(r'id="id_waiver-institution_id_error">(.*?)</div></div>', form, re.S).group(1)
    assert "景德镇市华昌司法鉴定中心不收取公证费" in error
    assert FeeWaiver.objects.count() == 0


def test_only_those_who_may_ask_get_the_form_and_a_forged_post_is_refused(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    for user in (world.reviewer, world.director):
        html = client_for(user).get(f"/applications/{application_id}/").content.decode()
        assert 'id="waiver-form"' in html
    html = client_for(world.applicant).get(f"/applications/{application_id}/").content.decode()
    assert 'id="waiver-form"' not in html and 'id="fee-waivers"' not in html  # nothing to show yet
    response = ask(world, application_id, user=world.applicant)
    assert response.status_code == 302
    assert FeeWaiver.objects.count() == 0
    # a closed case gets no form
    Application.objects.filter(pk=application_id).update(status="closed")
    html = client_for(world.lawyers[0][0]).get(f"/applications/{application_id}/").content.decode()
    assert 'id="waiver-form"' not in html


# --- the review, the inbox, the institution's answer ----------------------------------------------


def test_the_waiver_goes_from_the_case_page_to_the_notary_office_and_back(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    assert ask(world, application_id).status_code == 302
    waiver = FeeWaiver.objects.get()
    approve(world, application_id)
    waiver.refresh_from_db()
    assert waiver.status == "approved" and waiver.letter is not None
    tracking_no = Application.objects.get(pk=application_id).tracking_no

    # the city's notary office: the waiver with its letter and its task, never a link to the case
    notary = client_for(world.notary_city_staff)
    html = notary.get("/waivers/").content.decode()
    table = section(html, "waivers")
    assert "继承权公证" in table and "吕春花" in table and tracking_no in table
    assert f'href="/api/v1/documents/{waiver.letter.code}/"' in table
    confirm = task_id(world, world.notary_city_staff, "queue", application_id, "confirm_waiver")
    assert f'href="/tasks/{confirm}/"' in table
    assert "/applications/" not in html
    assert notary.get(f"/applications/{application_id}/").status_code == 404
    # the letter opens for them
    assert notary.get(f"/api/v1/documents/{waiver.letter.code}/").status_code == 200

    # Leping's notary office sees nothing of it
    leping = client_for(world.notary_leping_staff)
    assert "继承权公证" not in leping.get("/waivers/").content.decode()
    assert leping.get(f"/tasks/{confirm}/").status_code == 404

    # the task page shows the waiver, not the case (no ID number, no materials, no timeline)
    html = notary.get(f"/tasks/{confirm}/").content.decode()
    assert "继承权公证" in html and "¥800.00" in html
    assert ADULT_ID not in html and ADULT_ID[-4:] not in html
    assert 'id="task-case"' not in html and "赡养费" not in html

    response = notary.post(f"/tasks/{confirm}/", {"charged_fee": "0.00", "waived_amount": "800.00"})
    assert response.status_code == 302 and response["Location"] == "/waivers/"
    waiver.refresh_from_db()
    assert (waiver.status, waiver.waived_amount) == ("completed", Decimal("800.00"))
    html = notary.get("/waivers/").content.decode()
    totals = section(html, "totals")
    assert "¥800.00" in re.search(r'id="total-waived".*?</div>', totals, re.S).group(0)
    assert re.search(r'id="total-count"><dt>.*?</dt><dd>1</dd>', totals)
    assert f'href="/tasks/{confirm}/"' not in html  # done: no task any more
    # the case page shows the amount waived to the lawyer
    html = client_for(world.lawyers[0][0]).get(f"/applications/{application_id}/").content.decode()
    assert "¥800.00" in section(html, "fee-waivers") and zh("Amount waived") in section(html, "fee-waivers")


def test_a_reduction_through_the_task_pages(waiver_world):
    """The center grants less than asked on its task page; the institution's page refuses a fee above
    the approved one, in Chinese and with nothing recorded, then takes the right one."""
    world = waiver_world
    application_id = handled_case(world)
    asked = ask(
        world,
        application_id,
        kind="forensic",
        institution_id=str(world.forensic_city.pk),
        service="伤残等级鉴定",
        standard_fee="3000.00",
        treatment="reduce",
        requested_fee="1000.00",
    )
    assert asked.status_code == 302
    approve(world, application_id, treatment="reduce", approved_fee="1200.00")
    waiver = FeeWaiver.objects.get()
    assert (waiver.treatment, waiver.approved_fee) == ("reduce", Decimal("1200.00"))
    pk = task_id(world, world.forensic_city_staff, "queue", application_id, "confirm_waiver")
    institution = client_for(world.forensic_city_staff)
    html = institution.get(f"/tasks/{pk}/").content.decode()
    assert "¥3,000.00" in html and "¥1,200.00" in html
    over = institution.post(f"/tasks/{pk}/", {"charged_fee": "1500.00", "waived_amount": "1500.00"})
    assert over.status_code == 400
    assert (
        zh("The center approved a reduced fee of %(fee)s yuan: no more may be charged.") % {"fee": "1200.00"}
        in over.content.decode()
    )
    waiver.refresh_from_db()
    assert waiver.status == "approved" and waiver.charged_fee is None
    done = institution.post(f"/tasks/{pk}/", {"charged_fee": "1200.00", "waived_amount": "1800.00"})
    assert done.status_code == 302
    waiver.refresh_from_db()
    assert (waiver.status, waiver.charged_fee, waiver.waived_amount) == (
        "completed",
        Decimal("1200.00"),
        Decimal("1800.00"),
    )


def test_the_reviewer_still_sees_the_case_on_the_review_task(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    ask(world, application_id)
    pk = task_id(world, world.reviewer, "queue", application_id, "review_waiver")
    html = client_for(world.reviewer).get(f"/tasks/{pk}/").content.decode()
    assert 'id="task-case"' in html and ADULT_ID in html


def test_a_court_officer_answers_a_litigation_fee_in_the_inbox(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    response = ask(
        world,
        application_id,
        kind="court",
        institution_id=str(world.court.pk),
        service="一审案件受理费",
        standard_fee="1250.00",
        treatment="defer",
        deferred_payer="受援人",
    )
    assert response.status_code == 302
    approve(world, application_id)
    html = client_for(world.court_staff).get("/waivers/").content.decode()
    assert "一审案件受理费" in section(html, "waivers")
    assert 'href="/waivers/"' in menu_of(html)


def test_an_overdue_deferral_shows_a_red_badge(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    ask(
        world,
        application_id,
        kind="forensic",
        institution_id=str(world.forensic_city.pk),
        service="伤残等级鉴定",
        standard_fee="2500",
        treatment="defer",
    )
    approve(world, application_id)
    waiver = FeeWaiver.objects.get()
    FeeWaiver.objects.filter(pk=waiver.pk).update(
        status="deferred",
        charged_fee=Decimal("2500.00"),
        waived_amount=Decimal("0.00"),
        deferred_payer="受援人",
        deferred_until=timezone.localdate() - datetime.timedelta(days=2),
        confirmed_at=timezone.now(),
    )
    html = client_for(world.reviewer).get(f"/applications/{application_id}/").content.decode()
    block = section(html, "fee-waivers")
    assert "site-badge--overdue" in block and zh("Deferral overdue") in block
    assert 'id="judgment-form-' not in block  # deferred to a date, not to the judgment
    inbox = client_for(world.forensic_city_staff).get("/waivers/").content.decode()
    assert "site-badge--overdue" in section(inbox, "waivers")


# --- the procuratorate's filing and the judgment --------------------------------------------------


def pi_form(world, **overrides) -> dict:
    data = {
        "agency_case_no": "景检民公〔2026〕7号",
        "region": "jdz",
        "category": "civil",
        "summary": "某化工厂向昌江排放含镉废水，致下游农田受污染。",
        "defendant": "景德镇某化工有限公司",
        "institution_id": str(world.forensic_city.pk),
        "service": "环境损害鉴定",
        "standard_fee": "60000.00",
    }
    data.update(overrides)
    return data


def test_the_procuratorate_files_and_the_judgment_settles_the_deferred_fee(waiver_world):
    world = waiver_world
    officer = client_for(world.procuratorate_staff)
    html = officer.get("/public-interest/new/").content.decode()
    assert 'id="public-interest-form"' in html and "景德镇市华昌司法鉴定中心" in html
    assert "景德镇市公证处" not in section(html, "public-interest-form")  # forensic institutions only
    response = officer.post("/public-interest/new/", pi_form(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(channel="public_interest")
    assert response["Location"] == f"/applications/{application.pk}/"
    waiver = FeeWaiver.objects.get(application=application)
    assert (waiver.kind, waiver.treatment_requested, waiver.standard_fee) == (
        "forensic",
        "defer",
        Decimal("60000.00"),
    )
    # the procuratorate sees its case, its fee line, and may ask for more; its list shows the case
    html = officer.get(f"/applications/{application.pk}/").content.decode()
    assert "环境损害鉴定" in section(html, "fee-waivers") and 'id="waiver-form"' in html
    assert application.tracking_no in section(officer.get("/public-interest/new/").content.decode(), "filed")
    # the same case number again: a form error naming the case, nothing more
    again = officer.post("/public-interest/new/", pi_form(world))
    assert again.status_code == 409 and application.tracking_no in again.content.decode()
    assert Application.objects.filter(channel="public_interest").count() == 1

    # the city center defers it until the judgment; the institution records so
    approve(world, application.pk, reviewer=world.city_reviewer)
    pk = task_id(world, world.forensic_city_staff, "queue", application.pk, "confirm_waiver")
    done = client_for(world.forensic_city_staff).post(
        f"/tasks/{pk}/",
        {"charged_fee": "60000.00", "waived_amount": "0.00", "deferred_until_judgment": "on"},
    )
    assert done.status_code == 302, done.content.decode()[:3000]
    waiver.refresh_from_db()
    assert waiver.status == "deferred" and waiver.deferred_until_judgment

    # the judgment form: the center's reviewers only
    assert 'id="judgment-form-' not in officer.get(f"/applications/{application.pk}/").content.decode()
    reviewer = client_for(world.city_reviewer)
    html = reviewer.get(f"/applications/{application.pk}/").content.decode()
    assert f'id="judgment-form-{waiver.pk}"' in html
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data = {
        "action": "waiver_judgment",
        "waiver": str(waiver.pk),
        f"judgment-{waiver.pk}-losing_party": "景德镇某化工有限公司",
    }
    bad = reviewer.post(f"/applications/{application.pk}/", {**data, f"judgment-{waiver.pk}-date": future})
    assert bad.status_code == 400
    assert zh("The judgment cannot be dated in the future.") in section(
        bad.content.decode(), f"judgment-form-{waiver.pk}"
    )
    waiver.refresh_from_db()
    assert waiver.status == "deferred"
    ok = reviewer.post(
        f"/applications/{application.pk}/",
        {**data, f"judgment-{waiver.pk}-date": timezone.localdate().isoformat()},
    )
    assert ok.status_code == 302
    waiver.refresh_from_db()
    assert (waiver.status, waiver.losing_party) == ("settled", "景德镇某化工有限公司")
    html = reviewer.get(f"/applications/{application.pk}/").content.decode()
    assert f'id="judgment-form-{waiver.pk}"' not in html and zh("Judgment of") in section(html, "fee-waivers")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"standard_fee": "-1"}, "standard_fee"),
        ({"standard_fee": "0"}, "standard_fee"),
        ({"institution_id": "999999"}, "institution_id"),
        ({"summary": ""}, "summary"),
        ({"region": "nowhere"}, "region"),
    ],
)
def test_a_bad_filing_leaves_nothing_behind(waiver_world, overrides, field):
    world = waiver_world
    before = Application.objects.count()
    response = client_for(world.procuratorate_staff).post(
        "/public-interest/new/", pi_form(world, **overrides)
    )
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Application.objects.count() == before
    assert FeeWaiver.objects.count() == 0


def test_a_bad_fee_from_the_service_leaves_no_case_behind(waiver_world):
    """The form parses text; the service refuses the amount after the case was made: all or nothing."""
    world = waiver_world
    before = Application.objects.count()
    response = client_for(world.procuratorate_staff).post(
        "/public-interest/new/", pi_form(world, standard_fee="12.345")
    )
    assert response.status_code == 400
    assert zh("At most two decimals (fen).") in response.content.decode()
    assert Application.objects.count() == before and FeeWaiver.objects.count() == 0


# --- public-interest notarisations --------------------------------------------------------------


def test_a_notary_office_logs_and_the_citys_bureau_verifies(waiver_world, make_member):
    world = waiver_world
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    bureau_officer = make_member(Role.BUREAU_OFFICER, city_bureau, username="bureau_city")
    notary = client_for(world.notary_city_staff)
    today = timezone.localdate()
    bad = notary.post(
        "/notarisations/",
        {
            "action": "log",
            "notarisation-date": today.isoformat(),
            "notarisation-matter": "",
            "notarisation-beneficiary": "x",
        },
    )
    assert bad.status_code == 400 and PublicInterestNotarisation.objects.count() == 0
    response = notary.post(
        "/notarisations/",
        {
            "action": "log",
            "notarisation-date": today.isoformat(),
            "notarisation-matter": "为社区孤寡老人办理遗嘱公证",
            "notarisation-beneficiary": "昌江区孤寡老人",
            "notarisation-description": "上门服务，免收费用",
        },
    )
    assert response.status_code == 302
    row = PublicInterestNotarisation.objects.get()
    assert (row.institution, row.status) == (world.notary_city, "pending")
    html = notary.get("/notarisations/").content.decode()
    assert "为社区孤寡老人办理遗嘱公证" in section(html, "notarisations")
    assert 'name="action" value="verify"' not in html  # the office does not verify its own

    # Zhushan's bureau does not oversee the city's notary office
    zhushan = client_for(world.bureau_officer)
    assert "为社区孤寡老人办理遗嘱公证" not in zhushan.get("/notarisations/").content.decode()
    assert (
        zhushan.post(
            "/notarisations/",
            {"action": "verify", "notarisation": row.pk, f"verify-{row.pk}-decision": "verify"},
        ).status_code
        == 404
    )

    bureau = client_for(bureau_officer)
    html = bureau.get("/notarisations/").content.decode()
    assert "景德镇市公证处" in section(html, "notarisations") and f'name="verify-{row.pk}-decision"' in html
    no_reason = bureau.post(
        "/notarisations/", {"action": "verify", "notarisation": row.pk, f"verify-{row.pk}-decision": "reject"}
    )
    assert no_reason.status_code == 400 and zh("Give the reasons.") in no_reason.content.decode()
    row.refresh_from_db()
    assert row.status == "pending"
    done = bureau.post(
        "/notarisations/", {"action": "verify", "notarisation": row.pk, f"verify-{row.pk}-decision": "verify"}
    )
    assert done.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.verified_by) == ("verified", bureau_officer)

    # it counts on the office's inbox against the year's minimum (a rule row of 3 this year)
    DutyRule.objects.create(year=today.year, notary_min_count=3)
    html = notary.get("/waivers/").content.decode()
    duty = section(html, "notary-duty")
    assert duty_count(duty) == ["1", "3"]  # 1 of at least 3
    assert 'href="/notarisations/"' in duty


def duty_count(html: str) -> list[str]:
    return re.findall(r"\d+", re.search(r'id="duty-count">(.*?)</strong>', html, re.S).group(1))


def test_the_notary_minimum_is_4_without_a_rule_row(waiver_world):
    html = client_for(waiver_world.notary_city_staff).get("/waivers/", {"year": "2023"}).content.decode()
    assert duty_count(section(html, "notary-duty")) == ["0", "4"]
    assert "notary-duty" not in client_for(waiver_world.forensic_city_staff).get("/waivers/").content.decode()


# --- who gets which page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["applicant", "reviewer", "director", "bureau_officer", "procuratorate_staff", "lawyer"]
)
def test_the_inbox_is_404_for_those_who_answer_no_fee(waiver_world, who):
    user = waiver_world.lawyers[0][0] if who == "lawyer" else getattr(waiver_world, who)
    assert client_for(user).get("/waivers/").status_code == 404


def test_a_police_officer_has_no_inbox_and_no_link_to_it(waiver_world, make_member):
    police = OrganisationFactory(kind=OrganisationKind.POLICE, region=region("zhushan"))
    officer = make_member(Role.AGENCY_OFFICER, police)
    client = client_for(officer)
    assert client.get("/waivers/").status_code == 404
    html = client.get("/").content.decode()
    assert 'href="/waivers/"' not in html and 'href="/public-interest/new/"' not in html


@pytest.mark.parametrize(
    "who", ["applicant", "reviewer", "forensic_city_staff", "court_staff", "procuratorate_staff"]
)
def test_the_notarisations_are_404_for_others(waiver_world, who):
    assert client_for(getattr(waiver_world, who)).get("/notarisations/").status_code == 404


@pytest.mark.parametrize("who", ["applicant", "reviewer", "notary_city_staff", "court_staff"])
def test_only_a_procuratorate_files_public_interest_litigation(waiver_world, who):
    client = client_for(getattr(waiver_world, who))
    assert client.get("/public-interest/new/").status_code == 403
    assert client.post("/public-interest/new/", pi_form(waiver_world)).status_code == 403
    assert Application.objects.filter(channel="public_interest").count() == 0


def test_each_role_gets_its_links(waiver_world):
    world = waiver_world
    cases = [
        (world.notary_city_staff, {"/waivers/", "/notarisations/"}, {"/public-interest/new/"}),
        (world.forensic_city_staff, {"/waivers/"}, {"/notarisations/", "/public-interest/new/"}),
        (world.court_staff, {"/waivers/"}, {"/notarisations/", "/public-interest/new/"}),
        (world.procuratorate_staff, {"/public-interest/new/"}, {"/waivers/", "/notarisations/"}),
        (world.bureau_officer, {"/notarisations/"}, {"/waivers/", "/public-interest/new/"}),
    ]
    for user, present, absent in cases:
        html = client_for(user).get("/").content.decode()
        menu = menu_of(html)
        main = re.search(r"<main.*?</main>", html, re.S).group(0)
        for href in present:
            assert f'href="{href}"' in menu and f'href="{href}"' in main, (user.username, href)
            assert client_for(user).get(href).status_code == 200, (user.username, href)
        for href in absent:
            assert f'href="{href}"' not in html, (user.username, href)


# --- statistics ------------------------------------------------------------------------------------


def test_the_statistics_show_the_fees_each_institution_waived(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    ask(world, application_id)
    approve(world, application_id)
    pk = task_id(world, world.notary_city_staff, "queue", application_id, "confirm_waiver")
    client_for(world.notary_city_staff).post(f"/tasks/{pk}/", {"charged_fee": "0", "waived_amount": "800"})
    html = client_for(world.reviewer).get("/statistics/").content.decode()
    fees = section(html, "stats-fees")
    assert "景德镇市公证处" in fees and "¥800.00" in fees
    # Leping's center sees no fee line of Zhushan's cases
    html = client_for(world.other_reviewer).get("/statistics/").content.decode()
    assert "景德镇市公证处" not in section(html, "stats-fees")


# --- constant queries -----------------------------------------------------------------------------


def inbox_statements(user) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/waivers/")
    assert response.status_code == 200
    return len(captured)


def test_the_inbox_costs_the_same_statements_for_1_and_20_waivers(waiver_world):
    world = waiver_world
    application_id = handled_case(world)
    ask(world, application_id)
    approve(world, application_id)
    user = world.notary_city_staff
    inbox_statements(user)  # warm caches (content types)
    one = inbox_statements(user)
    waiver = FeeWaiver.objects.get()
    for n in range(19):
        waiver.pk = None
        waiver.service = f"委托书公证{n}"
        # answered ones too: their totals and amounts show
        if n % 2:
            waiver.status, waiver.charged_fee, waiver.waived_amount = (
                "completed",
                Decimal("0"),
                Decimal("800"),
            )
            waiver.confirmed_at = timezone.now()
        waiver.save()
    html = client_for(user).get("/waivers/").content.decode()
    assert section(html, "waivers").count('<tr id="waiver-') == 20
    assert inbox_statements(user) == one
