"""The bureau's exemption from a lawyer's annual duty (assignments.services.duty.duty_exemption_record):
who may record one, what is checked (nothing saved on bad input), once per lawyer and year, the audit
row, and that the lawyer then shows ``exempt`` in the figures (assignments.quota)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assignments import quota
from assignments.models import DutyExemption
from assignments.services.duty import duty_exemption_record, exemption_years
from core.errors import Conflict, Forbidden
from directory.audit import AuditAction
from directory.choices import OrganisationKind, ProviderKind, Role
from directory.models import AuditEvent, Organisation, Provider
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, lawyer_licence, region

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
REASON = "长期病假（2026年3月至12月住院治疗）"


class World:
    """A 珠山区 firm and a 乐平市 firm with a lawyer each; the 珠山区 bureau, the city's bureau
    (景德镇市, above both) and the 乐平市 bureau, each with an officer."""

    def __init__(self, make_member):
        self.firm = OrganisationFactory(
            kind=OrganisationKind.LAW_FIRM, name="甲律师事务所", region=region("zhushan")
        )
        self.leping_firm = OrganisationFactory(
            kind=OrganisationKind.LAW_FIRM, name="乙律师事务所", region=region("leping")
        )
        self.lawyer = ProviderFactory(name="张律师", organisation=self.firm, licence_no=lawyer_licence(701))
        self.leping_lawyer = ProviderFactory(
            name="李律师", organisation=self.leping_firm, licence_no=lawyer_licence(702)
        )
        self.zhushan = make_member(
            Role.BUREAU_OFFICER,
            OrganisationFactory(kind=OrganisationKind.BUREAU, name="珠山区司法局", region=region("zhushan")),
            username="bureau_zhushan_x",
        )
        self.city = make_member(
            Role.BUREAU_OFFICER,
            OrganisationFactory(kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")),
            username="bureau_city_x",
        )
        self.leping = make_member(
            Role.BUREAU_OFFICER,
            OrganisationFactory(kind=OrganisationKind.BUREAU, name="乐平市司法局", region=region("leping")),
            username="bureau_leping_x",
        )


@pytest.fixture
def world(make_member):
    return World(make_member)


def record(user, provider, year=THIS_YEAR, reason=REASON):
    return duty_exemption_record(acting_user=user, provider=provider, year=year, reason=reason)


def test_the_bureau_of_the_firms_region_exempts_with_an_audit_row(world):
    exemption = record(world.zhushan, world.lawyer)
    assert (exemption.provider, exemption.year, exemption.reason, exemption.recorded_by) == (
        world.lawyer,
        THIS_YEAR,
        REASON,
        world.zhushan,
    )
    event = AuditEvent.objects.get(action=AuditAction.DUTY_EXEMPTION_RECORD)
    assert (event.actor, event.object_type, event.object_id) == (
        world.zhushan,
        "assignments.dutyexemption",
        str(exemption.pk),
    )
    assert event.new == {"provider": world.lawyer.pk, "year": THIS_YEAR, "reason": REASON}


def test_the_bureau_of_a_region_above_exempts_too(world):
    record(world.city, world.lawyer)
    record(world.city, world.leping_lawyer)
    assert DutyExemption.objects.count() == 2


def _someone_else(world, make_member, who):
    if who == "zhushan_for_leping":  # a county's bureau, for a lawyer of another county
        return world.zhushan
    if who == "leping_for_zhushan":
        return world.leping
    if who == "firm_admin":
        return make_member(Role.FIRM_ADMIN, world.firm)
    if who == "lawyer":  # the lawyer themself
        user = UserFactory()
        Provider.objects.filter(pk=world.lawyer.pk).update(user=user)
        return user
    if who == "clerk":
        center = OrganisationFactory(kind=OrganisationKind.AID_CENTER, region=region("zhushan"))
        return make_member(Role.CLERK, center)
    return UserFactory(is_superuser=True, is_staff=True)  # an administrator edits rows, not duties


@pytest.mark.parametrize(
    "who", ["zhushan_for_leping", "leping_for_zhushan", "firm_admin", "lawyer", "clerk", "root"]
)
def test_no_one_else_exempts(world, make_member, who):
    provider = world.leping_lawyer if who == "zhushan_for_leping" else world.lawyer
    user = _someone_else(world, make_member, who)
    with pytest.raises(Forbidden):
        record(user, provider)
    assert not DutyExemption.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.DUTY_EXEMPTION_RECORD).exists()


def test_an_inactive_membership_or_bureau_exempts_nothing(world):
    from directory.models import Membership

    Membership.objects.filter(user=world.zhushan).update(active=False)
    with pytest.raises(Forbidden):
        record(world.zhushan, world.lawyer)
    Membership.objects.filter(user=world.zhushan).update(active=True)
    Organisation.objects.filter(name="珠山区司法局").update(active=False)
    with pytest.raises(Forbidden):
        record(world.zhushan, world.lawyer)


@pytest.mark.parametrize(
    ("year", "reason", "fields"),
    [
        (2021, REASON, {"year"}),  # before the Legal Aid Law
        (THIS_YEAR + 2, REASON, {"year"}),
        ("", REASON, {"year"}),
        ("二〇二六", REASON, {"year"}),
        (None, REASON, {"year"}),
        (THIS_YEAR, "", {"reason"}),
        (THIS_YEAR, "   \n ", {"reason"}),
        (THIS_YEAR, "病" * 2001, {"reason"}),
        (-1, "", {"year", "reason"}),  # every problem at once
    ],
)
def test_bad_input_is_a_validation_error_by_field_and_nothing_is_saved(world, year, reason, fields):
    with pytest.raises(ValidationError) as caught:
        record(world.zhushan, world.lawyer, year=year, reason=reason)
    assert set(caught.value.message_dict) == fields
    assert (
        not DutyExemption.objects.exists()
        and not AuditEvent.objects.filter(action=AuditAction.DUTY_EXEMPTION_RECORD).exists()
    )


def test_the_edges_of_the_years(world):
    assert record(world.zhushan, world.lawyer, year=2022).year == 2022
    assert record(world.zhushan, world.lawyer, year=str(THIS_YEAR + 1)).year == THIS_YEAR + 1  # as typed
    assert exemption_years(datetime.date(2026, 5, 1)) == [2027, 2026, 2025, 2024, 2023, 2022]
    assert record(world.zhushan, world.lawyer, reason="病" * 2000).reason == "病" * 2000


@pytest.mark.parametrize("what", ["volunteer", "grassroots", "inactive", "firm_closed"])
def test_only_an_active_lawyer_of_a_law_firm_is_exempted(world, what):
    if what == "volunteer":
        provider = ProviderFactory(
            kind=ProviderKind.VOLUNTEER, organisation=world.firm, licence_no="", practice_start=None
        )
    elif what == "grassroots":
        office = OrganisationFactory(kind=OrganisationKind.GRASSROOTS_OFFICE, region=region("zhushan"))
        provider = ProviderFactory(kind=ProviderKind.GRASSROOTS, organisation=office)
    elif what == "inactive":
        Provider.objects.filter(pk=world.lawyer.pk).update(active=False)
        provider = Provider.objects.get(pk=world.lawyer.pk)
    else:
        Organisation.objects.filter(pk=world.firm.pk).update(active=False)
        provider = Provider.objects.get(pk=world.lawyer.pk)
    with pytest.raises(ValidationError) as caught:
        record(world.zhushan, provider)
    assert set(caught.value.message_dict) == {"provider"}
    assert not DutyExemption.objects.exists()


def test_once_per_lawyer_and_year(world):
    record(world.zhushan, world.lawyer)
    with pytest.raises(Conflict):
        record(world.city, world.lawyer, reason="再次登记")
    assert DutyExemption.objects.get().reason == REASON
    assert AuditEvent.objects.filter(action=AuditAction.DUTY_EXEMPTION_RECORD).count() == 1
    record(world.zhushan, world.lawyer, year=THIS_YEAR - 1)  # another year is another exemption
    assert DutyExemption.objects.count() == 2


def test_the_exempt_lawyer_shows_exempt_in_the_figures(world):
    ProviderFactory(name="王律师", organisation=world.firm, licence_no=lawyer_licence(703))
    record(world.zhushan, world.lawyer)
    rows = {r.lawyer_id: r for r in quota.lawyer_duty_rows(year=THIS_YEAR, firm_ids=[world.firm.pk])}
    assert rows[world.lawyer.pk].status == "exempt"
    assert {r.status for pk, r in rows.items() if pk != world.lawyer.pk} == {"in_progress"}
    (firm,) = quota.firm_duty_rows(year=THIS_YEAR, firm_ids=[world.firm.pk])
    assert (firm.lawyers, firm.met, firm.exempt, len(firm.not_met)) == (2, 0, 1, 1)
