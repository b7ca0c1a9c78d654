"""Applying at any center of the city and transferring to the competent one (Art 38; 市域通办): which center
receives a filing, who may transfer and when, what a refused transfer leaves behind, the review period
(from the first receipt unless a rule row restarts it) and the means test of a new region."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aid_cases import rules, selectors, services
from aid_cases.models import Application, ApplicationTransfer, PeriodRule
from aid_cases.services.transfers import application_transfer, transfer_possible
from core.errors import Conflict, Forbidden
from directory import services as directory_services
from directory.choices import OrganisationKind, Role
from directory.models import AuditEvent, Organisation
from documents.models import IssuedDocument
from tests.aid_cases.transfer_world import REASON, city_fixture, window_filing  # noqa: F401  (the fixture)
from tests.factories import OrganisationFactory, region
from tests.world import application_payload

pytestmark = pytest.mark.django_db


def _application(pk: int) -> Application:
    return Application.objects.select_related("center", "region", "applicant").get(pk=pk)


def _transfer(user, application, to_center, reason=REASON) -> ApplicationTransfer:
    return application_transfer(acting_user=user, application=application, to_center=to_center, reason=reason)


def _transfers_recorded(application) -> tuple[int, int]:
    """(transfer rows, transfer audit rows) of the application."""
    audit = AuditEvent.objects.filter(action="application_transfer", object_id=str(application.pk))
    return ApplicationTransfer.objects.filter(application=application).count(), audit.count()


def _later(monkeypatch, days: int) -> datetime.date:
    """Move the clock ``days`` ahead; the new day."""
    moment = timezone.now() + datetime.timedelta(days=days)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return timezone.localdate(moment)


# --- filing at any center ----------------------------------------------------------------------


def test_a_window_record_is_received_by_the_clerks_center_whatever_the_region(city):
    filed = window_filing(city)
    application = _application(filed["id"])
    # received at Leping, with Leping's receipt and tracking number; the dispute stays Zhushan's
    assert application.center == city.leping and application.region.code == "zhushan"
    assert filed["tracking_no"].startswith("JDZ-LEPING-")
    assert IssuedDocument.objects.get(subject_id=str(application.pk), kind="receipt").issuer == city.leping
    # the means test is the dispute's region's: 900 a member against Zhushan's 1200 (Leping's is 800)
    assert application.economic_standard.region.code == "zhushan"
    assert application.means_result == "eligible"
    assert not selectors.application_is_competent_here(application)
    assert selectors.application_competent_center(application) == city.center


def test_a_clerk_of_several_centers_records_at_the_competent_one_if_theirs_else_their_first(city):
    directory_services.membership_grant(
        acting_user=None, user=city.leping_clerk, organisation=city.center, role=Role.CLERK
    )
    for_zhushan = _application(window_filing(city)["id"])
    assert for_zhushan.center == city.center and for_zhushan.tracking_no.startswith("JDZ-ZHUSHAN-")
    assert selectors.application_is_competent_here(for_zhushan)
    for_fuliang = _application(window_filing(city, region="fuliang")["id"])
    assert for_fuliang.center == city.leping and for_fuliang.region.code == "fuliang"
    assert selectors.application_competent_center(for_fuliang) == city.fuliang


def test_online_filings_and_hotline_records_by_reviewers(city):
    online = city.api(city.applicant).post(
        "/api/v1/applications/",
        application_payload(region="leping"),
        format="json",
    )
    assert online.status_code == 201, online.content
    assert _application(online.json()["id"]).center == city.leping  # online: the region's center
    hotline = window_filing(city, clerk=city.reviewer, channel="hotline", region="leping")
    application = _application(hotline["id"])
    assert application.center == city.center and application.region.code == "leping"
    assert hotline["tracking_no"].startswith("JDZ-ZHUSHAN-")


def test_a_center_that_is_not_competent_may_not_refuse_but_the_competent_one_may(city):
    application = _application(window_filing(city)["id"])
    with pytest.raises(ValidationError) as refused:
        services.review_refuse(acting_user=city.leping_reviewer, application=application, reason="不符合条件")
    assert "珠山区法律援助中心" in refused.value.message_dict["outcome"][0]
    application.refresh_from_db()
    assert application.status == "submitted" and not application.decisions.exists()
    _transfer(city.leping_reviewer, application, city.center)
    application = _application(application.pk)
    services.review_refuse(acting_user=city.reviewer, application=application, reason="不符合条件")
    assert application.status == "refused"


def test_without_a_competent_center_the_receiving_center_decides(city):
    application = _application(window_filing(city, region="fuliang")["id"])
    Organisation.objects.filter(pk=city.fuliang.pk).update(active=False)
    assert selectors.application_competent_center(application) is None
    services.review_refuse(acting_user=city.leping_reviewer, application=application, reason="不符合条件")
    assert application.status == "refused"


# --- who may transfer, and when --------------------------------------------------------------


def test_only_a_reviewer_or_director_of_the_holding_center_transfers(city):
    application = _application(window_filing(city)["id"])
    for user in (city.leping_clerk, city.reviewer, city.applicant, city.bureau_officer):
        assert not transfer_possible(user=user, application=application)
        with pytest.raises(Forbidden):
            _transfer(user, application, city.center)
    assert _transfers_recorded(application) == (0, 0)
    assert transfer_possible(user=city.leping_director, application=application)
    transfer = _transfer(city.leping_director, application, city.center)
    assert (transfer.from_center, transfer.to_center, transfer.reason) == (city.leping, city.center, REASON)
    assert transfer.transferred_by == city.leping_director
    assert _transfers_recorded(application) == (1, 1)


@pytest.mark.parametrize(
    ("target", "reason", "field"),
    [
        ("same", REASON, "to_center"),
        ("zhushan", "", "reason"),
        ("zhushan", "   ", "reason"),
        ("zhushan", None, "reason"),
        ("zhushan", "理" * 2001, "reason"),
        (None, REASON, "to_center"),
        (999999, REASON, "to_center"),
        ("abc", REASON, "to_center"),
        ("bureau", REASON, "to_center"),
        ("closed", REASON, "to_center"),
    ],
)
def test_a_bad_transfer_is_refused_and_saves_nothing(city, target, reason, field):
    application = _application(window_filing(city)["id"])
    closed = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="已撤销的中心", region=region("changjiang")
    )
    Organisation.objects.filter(pk=closed.pk).update(active=False)
    to_center = {
        "same": city.leping,
        "zhushan": city.center,
        "bureau": city.bureau.pk,
        "closed": closed.pk,
    }.get(target, target)
    with pytest.raises(ValidationError) as refused:
        _transfer(city.leping_reviewer, application, to_center, reason=reason)
    assert field in refused.value.message_dict
    application = _application(application.pk)
    assert application.center == city.leping and application.region.code == "zhushan"
    assert _transfers_recorded(application) == (0, 0)


def test_a_missing_center_and_reason_are_named_together(city):
    application = _application(window_filing(city)["id"])
    with pytest.raises(ValidationError) as refused:
        _transfer(city.leping_reviewer, application, None, reason="")
    assert set(refused.value.message_dict) == {"to_center", "reason"}


def test_only_while_the_review_is_open(city):
    application = _application(window_filing(city, region="leping")["id"])  # Leping's own
    services.review_request_supplement(
        acting_user=city.leping_reviewer, application=application, missing_items=["工资条"]
    )
    with pytest.raises(Conflict):
        _transfer(city.leping_reviewer, application, city.center)
    decided = _application(window_filing(city, region="leping")["id"])
    services.review_refuse(acting_user=city.leping_reviewer, application=decided, reason="不符合条件")
    assert not transfer_possible(user=city.leping_reviewer, application=decided)
    with pytest.raises(Conflict):
        _transfer(city.leping_reviewer, decided, city.center)
    # the state is read again under the row lock: a stale object does not pass
    stale = _application(window_filing(city, region="leping")["id"])
    Application.objects.filter(pk=stale.pk).update(status="approved")
    with pytest.raises(Conflict):
        _transfer(city.leping_reviewer, stale, city.center)
    assert ApplicationTransfer.objects.count() == 0


def test_an_application_transferred_meanwhile_is_no_longer_the_old_centers_to_transfer(city):
    application = _application(window_filing(city)["id"])
    stale = _application(application.pk)
    _transfer(city.leping_reviewer, application, city.center)
    with pytest.raises(Conflict):
        _transfer(city.leping_director, stale, city.fuliang)
    assert ApplicationTransfer.objects.count() == 1


# --- the review period and the means test ------------------------------------------------------


def test_by_default_the_review_period_runs_from_the_first_receipt(city, monkeypatch):
    application = _application(window_filing(city)["id"])
    received_on, due, number = application.received_on, application.decision_due, application.tracking_no
    _later(monkeypatch, 3)
    transfer = _transfer(city.leping_reviewer, application, city.center)
    application = _application(application.pk)
    assert (application.received_on, application.decision_due, application.tracking_no) == (
        received_on,
        due,
        number,
    )
    assert not transfer.review_restarted and transfer.decision_due == due


def test_a_rule_row_restarts_the_review_period_at_the_transfer(city, monkeypatch):
    # a row for Leping does not matter: the receiving center's region's row decides
    PeriodRule.objects.create(region=region("leping"), valid_from=datetime.date(2020, 1, 1))
    rule = PeriodRule.objects.create(
        region=region("zhushan"), valid_from=datetime.date(2020, 1, 1), transfer_restarts_review=True
    )
    application = _application(window_filing(city)["id"])
    received_on, first_due = application.received_on, application.decision_due
    day = _later(monkeypatch, 3)
    transfer = _transfer(city.leping_reviewer, application, city.center)
    application = _application(application.pk)
    expected = rules.due_date(start=day, days=rule.review_days, rule=rule)
    assert application.decision_due == expected != first_due
    assert application.received_on == received_on and application.period_rule == rule
    assert transfer.review_restarted and transfer.decision_due == expected


def test_the_means_test_is_taken_again_when_the_region_changes(city):
    filed = city.api(city.applicant).post("/api/v1/applications/", application_payload(), format="json")
    application = _application(filed.json()["id"])  # online, Zhushan's: 900 a member, eligible
    assert application.means_result == "eligible"
    # the Zhushan reviewer finds the dispute arose in Leping: Leping's standard (800) applies
    _transfer(city.reviewer, application, city.leping, reason="争议发生地在乐平市")
    application = _application(application.pk)
    assert application.center == city.leping and application.region.code == "leping"
    assert application.means_result == "not_eligible"
    assert application.economic_standard.region.code == "leping"
    event = AuditEvent.objects.get(action="application_transfer", object_id=str(application.pk))
    assert event.old["means_result"] == "eligible" and event.new["means_result"] == "not_eligible"
    assert (event.old["region"], event.new["region"]) == ("zhushan", "leping")
    transfer = ApplicationTransfer.objects.get(application=application)
    assert (transfer.from_region.code, transfer.to_region.code) == ("zhushan", "leping")


def test_the_means_test_stays_when_the_region_does(city):
    application = _application(window_filing(city)["id"])
    standard, result = application.economic_standard_id, application.means_result
    _transfer(city.leping_reviewer, application, city.center)
    application = _application(application.pk)
    assert (application.economic_standard_id, application.means_result) == (standard, result)
    event = AuditEvent.objects.get(action="application_transfer", object_id=str(application.pk))
    assert "means_result" not in event.new
