"""The recommendation of providers for an aid case (assignments.recommend, DESIGN §4).

Each hard rule leaves the right providers out and gives ``ineligibility`` a sentence; the ranking
puts a specialist first, then fewer open cases, the duty and the region; and the whole
recommendation costs the same number of SQL statements with 10 providers as with 2,000.
"""

from __future__ import annotations

import datetime
import difflib
import itertools
from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from aid_cases.models import Applicant, Application
from assignments.models import Assignment, DutyRule, PartyConflict
from assignments.recommend import (
    Recommendation,
    ineligibility,
    needs_override,
    recommendations_for,
)
from directory.choices import OrganisationKind, ProviderKind
from directory.models import Organisation, Provider, ProviderSpecialty, Region
from tests.factories import (
    OrganisationFactory,
    ProviderFactory,
    UserFactory,
    credit_code,
    region,
    resident_id,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 2)
ADULT = datetime.date(1985, 6, 15)
_numbers = itertools.count(1)


# --------------------------------------------------------------------------- the world


class World:
    def __init__(self):
        self.center = OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心")
        self.reviewer = UserFactory()
        self.firm = OrganisationFactory(kind=OrganisationKind.LAW_FIRM, name="瓷都律师事务所")
        self.other_firm = OrganisationFactory(kind=OrganisationKind.LAW_FIRM, name="昌南律师事务所")
        self.office = OrganisationFactory(kind=OrganisationKind.GRASSROOTS_OFFICE, name="新村法律服务所")

    def lawyer(self, name, *, firm=None, regions=("zhushan",), **kwargs) -> Provider:
        return ProviderFactory(
            name=name,
            organisation=firm or self.firm,
            regions_served=[region(code) for code in regions],
            **kwargs,
        )

    def worker(self, name, *, regions=("zhushan",), **kwargs) -> Provider:
        return ProviderFactory(
            name=name,
            kind=ProviderKind.GRASSROOTS,
            organisation=self.office,
            licence_no=f"JC-{next(_numbers):06d}",
            regions_served=[region(code) for code in regions],
            **kwargs,
        )

    def staff(self, name, **kwargs) -> Provider:
        return ProviderFactory(
            name=name,
            kind=ProviderKind.STAFF,
            organisation=self.center,
            licence_no="",
            practice_start=None,
            regions_served=[region("zhushan")],
            **kwargs,
        )

    def case(
        self,
        *,
        applicant_name=None,
        birth=ADULT,
        opposing_party=None,
        category="civil",
        matter_type="maintenance",
        categories=(),
        grounds=(),
        status="assigning",
        region_code="zhushan",
        center=None,
    ) -> Application:
        """An application made directly (the intake is not under test); unique names unless given."""
        n = next(_numbers)
        applicant = Applicant.objects.create(
            name=applicant_name if applicant_name is not None else f"申请人{n}",
            id_number=resident_id(birth, seq=f"{n % 1000:03d}"),
            phone="13907980001",
            address="珠山区新村路1号",
        )
        return Application.objects.create(
            tracking_no=f"JDZ-{region_code.upper()}-2026-{n:06d}",
            region=region(region_code),
            center=center or self.center,
            channel="window",
            filed_by=self.reviewer,
            applicant=applicant,
            categories=list(categories),
            matter_category=category,
            matter_type=matter_type,
            matter_summary="案情",
            opposing_party=opposing_party if opposing_party is not None else f"对方{n}",
            household_size=2,
            monthly_income=Decimal("1000.00"),
            pledged_at=timezone.now(),
            received_on=TODAY,
            means_result="eligible",
            defence_grounds=list(grounds),
            status=status,
        )

    def assign(self, case, provider, status="accepted", accepted_on=TODAY) -> Assignment:
        return Assignment.objects.create(
            application=case,
            provider=provider,
            organisation=provider.organisation,
            aid_form="representation",
            status=status,
            assigned_by=self.reviewer,
            accepted_on=accepted_on if status in ("accepted", "replaced") else None,
        )


@pytest.fixture
def world():
    return World()


def names(application, **kwargs) -> list[str]:
    return [r.provider.name for r in recommendations_for(application, today=TODAY, **kwargs)]


def by_name(application) -> dict[str, Recommendation]:
    return {r.provider.name: r for r in recommendations_for(application, today=TODAY)}


# --------------------------------------------------------------------------- minors


def test_a_17_year_old_by_id_number_is_offered_only_minors_experienced_providers(world):
    world.lawyer("律师甲", minors_experienced=True)
    world.lawyer("律师乙")
    world.worker("法律工作者丙", minors_experienced=True)
    world.worker("法律工作者丁")
    seventeen = TODAY.replace(year=TODAY.year - 17)
    case = world.case(birth=seventeen)
    assert sorted(names(case)) == ["律师甲", "法律工作者丙"]
    # one day short of 18 is still a minor; an adult is offered everyone
    day_before_18 = TODAY.replace(year=TODAY.year - 18) + datetime.timedelta(days=1)
    assert sorted(names(world.case(birth=day_before_18))) == ["律师甲", "法律工作者丙"]
    assert len(names(world.case(birth=TODAY.replace(year=TODAY.year - 18)))) == 4
    with translation.override("en"):
        assert ineligibility(case, Provider.objects.get(name="律师乙"), today=TODAY) == (
            "A minor's case needs a provider experienced with minors."
        )
    assert ineligibility(case, Provider.objects.get(name="律师甲"), today=TODAY) is None


@pytest.mark.parametrize(
    "how",
    [
        {"grounds": ["minor"], "category": "criminal", "matter_type": "criminal_defence"},
        {"categories": ["minor"]},
    ],
)
def test_a_minor_by_the_grounds_or_the_group_is_offered_only_minors_experienced(world, how):
    world.lawyer("律师甲", minors_experienced=True, specialties=["criminal_defence"])
    world.lawyer("律师乙", specialties=["criminal_defence"])
    world.worker("法律工作者丙")
    case = world.case(birth=ADULT, **how)  # the ID number says adult: the ground or the group wins
    assert names(case) == ["律师甲"]


# --------------------------------------------------------------------------- Art 26 and criminal cases


@pytest.mark.parametrize("ground", ["life_or_death", "death_review"])
def test_a_life_or_death_case_needs_three_years_and_criminal_defence(world, ground):
    world.lawyer("两年律师", practice_start=datetime.date(2024, 9, 1), specialties=["criminal_defence"])
    world.lawyer("五年民事律师", practice_start=datetime.date(2021, 9, 1), specialties=["maintenance"])
    world.lawyer("五年刑辩律师", practice_start=datetime.date(2021, 9, 1), specialties=["criminal_defence"])
    world.worker("法律工作者", specialties=["criminal_defence"])
    case = world.case(category="criminal", matter_type="criminal_defence", grounds=[ground])
    assert names(case) == ["五年刑辩律师"]
    with translation.override("en"):
        assert ineligibility(case, Provider.objects.get(name="两年律师"), today=TODAY) == (
            "A possible life or death sentence or a death-penalty review needs a lawyer with at least "
            "3 years of practice; this lawyer has 2."
        )
        assert ineligibility(case, Provider.objects.get(name="五年民事律师"), today=TODAY) == (
            "A possible life or death sentence or a death-penalty review needs a lawyer with criminal "
            "defence among their specialties."
        )
        assert ineligibility(case, Provider.objects.get(name="法律工作者"), today=TODAY) == (
            "Only a lawyer may take a criminal case or a notified defence."
        )
    assert ineligibility(case, Provider.objects.get(name="五年刑辩律师"), today=TODAY) is None


@pytest.mark.parametrize(
    "start, day, eligible",
    [
        (datetime.date(2023, 11, 2), TODAY, True),  # exactly 3 years that day
        (datetime.date(2023, 11, 3), TODAY, False),
        (datetime.date(2024, 2, 29), datetime.date(2027, 2, 28), False),  # a 29 February start
        (datetime.date(2024, 2, 29), datetime.date(2027, 3, 1), True),
        (datetime.date(2021, 3, 1), datetime.date(2024, 2, 29), False),  # today a 29 February
        (datetime.date(2021, 2, 28), datetime.date(2024, 2, 29), True),
    ],
)
def test_three_practice_years_are_counted_exactly(world, start, day, eligible):
    world.lawyer("律师", practice_start=start, specialties=["criminal_defence"])
    case = world.case(category="criminal", matter_type="criminal_defence", grounds=["life_or_death"])
    ranked = [r.provider.name for r in recommendations_for(case, today=day)]
    assert ranked == (["律师"] if eligible else [])
    assert (ineligibility(case, Provider.objects.get(name="律师"), today=day) is None) == eligible


@pytest.mark.parametrize(
    "how", [{"category": "criminal", "matter_type": "criminal_victim"}, {"grounds": ["other_ordinary"]}]
)
def test_a_criminal_case_or_a_notified_defence_goes_to_lawyers_only(world, how):
    world.lawyer("律师")
    world.worker("法律工作者")
    world.staff("中心工作人员")
    case = world.case(**how)
    assert names(case) == ["律师"]
    with translation.override("en"):
        for name in ("法律工作者", "中心工作人员"):
            assert ineligibility(case, Provider.objects.get(name=name), today=TODAY) == (
                "Only a lawyer may take a criminal case or a notified defence."
            )


def test_a_civil_case_goes_to_lawyers_grassroots_workers_and_staff_never_volunteers(world):
    world.lawyer("律师")
    world.worker("法律工作者")
    world.staff("中心工作人员")
    volunteer = ProviderFactory(
        name="志愿者",
        kind=ProviderKind.VOLUNTEER,
        organisation=world.center,
        licence_no="",
        practice_start=None,
    )
    case = world.case()
    assert sorted(names(case)) == sorted(["律师", "法律工作者", "中心工作人员"])
    with translation.override("en"):
        assert ineligibility(case, volunteer, today=TODAY) == "Volunteers are not assigned aid cases."


# --------------------------------------------------------------------------- conflicts of interest


def test_a_conflict_registered_by_the_firm_removes_every_lawyer_of_the_firm(world):
    world.lawyer("律师甲")
    world.lawyer("律师乙")
    world.lawyer("他所律师", firm=world.other_firm)
    PartyConflict.objects.create(organisation=world.firm, party_name="  景德镇某陶瓷有限公司\u3000")
    case = world.case(opposing_party="景德镇某陶瓷有限公司")
    assert names(case) == ["他所律师"]
    with translation.override("en"):
        assert ineligibility(case, Provider.objects.get(name="律师乙"), today=TODAY) == (
            "Conflict of interest: the provider or their organisation has registered a conflict with the "
            "opposing party 景德镇某陶瓷有限公司."
        )


def test_a_conflict_is_found_whatever_the_case_and_blanks_of_the_name(world):
    world.lawyer("律师甲")
    world.lawyer("律师乙")
    PartyConflict.objects.create(
        provider=Provider.objects.get(name="律师甲"), party_name="Jingdezhen Porcelain Co"
    )
    assert names(world.case(opposing_party=" JINGDEZHEN porcelain co ")) == ["律师乙"]  # the provider only
    assert sorted(names(world.case(opposing_party="Jingdezhen Porcelain"))) == ["律师乙", "律师甲"]
    # the database folds both sides alike: the same name always matches, whatever its letters
    PartyConflict.objects.create(provider=Provider.objects.get(name="律师乙"), party_name="Müller Ölwerk")
    assert names(world.case(opposing_party="\u3000Müller Ölwerk\t")) == ["律师甲"]


def test_a_colleague_who_acted_for_the_opposing_party_removes_the_firm(world):
    colleague = world.lawyer("同所律师")
    world.lawyer("律师乙")
    world.lawyer("他所律师", firm=world.other_firm)
    decliner = world.lawyer("拒绝者", firm=OrganisationFactory(kind=OrganisationKind.LAW_FIRM, name="第三所"))
    # 王某 was the applicant in another aid case: 同所律师 of 瓷都所 handled it, 拒绝者 declined it
    earlier = world.case(applicant_name="王某", status="closed")
    world.assign(earlier, decliner, status="declined")
    world.assign(earlier, colleague)
    case = world.case(opposing_party="王某")
    assert names(case) == ["他所律师", "拒绝者"]
    with translation.override("en"):
        assert ineligibility(case, Provider.objects.get(name="律师乙"), today=TODAY) == (
            "Conflict of interest: the provider or their organisation acts or acted for the opposing party "
            "王某 in another aid case."
        )
    assert ineligibility(case, decliner, today=TODAY) is None


def test_a_lawyer_who_acted_at_a_former_firm_is_still_in_conflict(world):
    mover = world.lawyer("转所律师")
    world.lawyer("原所律师")
    earlier = world.case(applicant_name="王某")
    world.assign(earlier, mover)
    Provider.objects.filter(pk=mover.pk).update(organisation=world.other_firm)
    world.lawyer("新所同事", firm=world.other_firm)
    case = world.case(opposing_party="王某")
    # the former firm acted (the assignment's organisation); the mover's new firm now holds the case too
    assert names(case) == []


def test_the_applicant_as_opposing_party_in_the_providers_other_case(world):
    world.lawyer("律师甲")
    other = world.lawyer("律师乙", firm=world.other_firm)
    worker = world.worker("法律工作者")
    # in another case of 律师乙 (still open) and of the office (replaced since), 吕春花 is the opposing party
    world.assign(world.case(opposing_party="吕春花"), other, status="offered")
    world.assign(world.case(opposing_party="吕春花"), worker, status="replaced")
    case = world.case(applicant_name="吕春花", opposing_party="王某")
    assert names(case) == ["律师甲"]
    with translation.override("en"):
        assert ineligibility(case, other, today=TODAY) == (
            "Conflict of interest: the applicant 吕春花 is an opposing party in another case of the provider "
            "or their organisation."
        )


def test_an_empty_opposing_party_never_conflicts(world):
    world.lawyer("律师")
    PartyConflict.objects.create(organisation=world.firm, party_name=" ")
    world.assign(world.case(applicant_name=""), Provider.objects.get(name="律师"))
    assert names(world.case(opposing_party="")) == ["律师"]


# --------------------------------------------------------------------------- the case's own history


def test_a_decliner_is_not_offered_the_case_again_nor_the_replaced_nor_the_holder(world):
    decliner = world.lawyer("拒绝者")
    replaced = world.lawyer("被更换者")
    holder = world.lawyer("承办人")
    world.lawyer("其他律师")
    case = world.case()
    world.assign(case, decliner, status="declined")
    world.assign(case, replaced, status="replaced")
    world.assign(case, holder, status="offered")
    assert names(case) == ["其他律师"]
    with translation.override("en"):
        assert ineligibility(case, decliner, today=TODAY) == (
            "The provider declined this case and is not offered it again."
        )
        assert ineligibility(case, replaced, today=TODAY) == "The provider was replaced on this case."
        assert ineligibility(case, holder, today=TODAY) == "The provider already holds this case."
    # declining another case is no bar to this one
    assert sorted(names(world.case())) == sorted(["拒绝者", "被更换者", "承办人", "其他律师"])


def test_an_inactive_provider_and_a_provider_of_an_inactive_firm_are_left_out(world):
    world.lawyer("停用律师")
    world.lawyer("停业所律师", firm=world.other_firm)
    world.lawyer("律师")
    Provider.objects.filter(name="停用律师").update(active=False)
    Organisation.objects.filter(pk=world.other_firm.pk).update(active=False)
    case = world.case()
    assert names(case) == ["律师"]
    with translation.override("en"):
        assert ineligibility(case, Provider.objects.get(name="停用律师"), today=TODAY) == (
            "The provider is not active."
        )
        assert ineligibility(case, Provider.objects.get(name="停业所律师"), today=TODAY) == (
            "The provider's organisation is not active."
        )


# --------------------------------------------------------------------------- the ranking


def test_a_specialist_first_then_fewer_open_cases(world):
    busy_specialist = world.lawyer("忙碌专家", specialties=["maintenance"])
    idle = world.lawyer("空闲律师", specialties=["wage_arrears"])
    busy = world.lawyer("忙碌律师")
    for provider, how_many in ((busy_specialist, 3), (busy, 1)):
        for _ in range(how_many):
            world.assign(world.case(status="in_progress"), provider, accepted_on=datetime.date(2025, 5, 1))
    # a closed case and a declined offer are no load
    world.assign(world.case(status="closed"), idle, accepted_on=datetime.date(2025, 5, 1))
    world.assign(world.case(status="assigning"), idle, status="declined")
    case = world.case(matter_type="maintenance")
    ranked = recommendations_for(case, today=TODAY)
    assert [r.provider.name for r in ranked] == ["忙碌专家", "空闲律师", "忙碌律师"]
    assert [r.open_cases for r in ranked] == [3, 0, 1]
    # 30 + (20 - 12) + 20 + 15; 20 + 20 + 15; 16 + 20 + 15
    assert [r.score for r in ranked] == [73, 55, 51]
    with translation.override("en"):
        ranked = recommendations_for(case, today=TODAY)
    assert ranked[0].reasons == [
        "Specialises in Maintenance",
        "3 open aid cases",
        "0 of 2 aid cases this year: 2 to go",
        "Serves this region",
    ]


def test_the_duty_weighs_against_a_light_load(world):
    # 律师A met the duty with closed cases; 律师B has one open case and none this year
    met = world.lawyer("律师A")
    loaded = world.lawyer("律师B")
    world.lawyer("律师C")
    for _ in range(2):
        world.assign(world.case(status="closed"), met)
    world.assign(world.case(status="in_progress"), loaded, accepted_on=datetime.date(2025, 12, 31))
    ranked = recommendations_for(world.case(), today=TODAY)
    assert [(r.provider.name, r.score, r.open_cases, r.year_cases) for r in ranked] == [
        ("律师C", 20 + 20 + 15, 0, 0),
        ("律师B", 16 + 20 + 15, 1, 0),
        ("律师A", 20 + 0 + 15, 0, 2),
    ]


def test_equal_scores_go_to_fewer_open_cases_then_the_name(world):
    # 5 and 6 open cases both earn no load points: the same score
    for name, open_cases in (("律师A", 6), ("律师B", 5), ("律师C", 5)):
        provider = world.lawyer(name)
        for _ in range(open_cases):
            world.assign(world.case(status="in_progress"), provider, accepted_on=datetime.date(2025, 6, 1))
    ranked = recommendations_for(world.case(), today=TODAY)
    assert [(r.provider.name, r.score, r.open_cases) for r in ranked] == [
        ("律师B", 35, 5),
        ("律师C", 35, 5),
        ("律师A", 35, 6),
    ]


def test_the_duty_counts_accepted_cases_of_this_year_not_replaced_ones(world):
    lawyer = world.lawyer("律师")
    world.assign(world.case(status="closed"), lawyer, accepted_on=datetime.date(2026, 1, 1))
    world.assign(
        world.case(status="closed"), lawyer, status="replaced", accepted_on=datetime.date(2026, 3, 1)
    )
    world.assign(world.case(status="closed"), lawyer, accepted_on=datetime.date(2025, 12, 31))
    world.worker("法律工作者")
    case = world.case()
    with translation.override("en"):
        found = by_name(case)
    assert found["律师"].year_cases == 1
    assert "1 of 2 aid cases this year: 1 to go" in found["律师"].reasons
    assert found["律师"].score == 20 + 10 + 15
    assert found["法律工作者"].score == 20 + 15  # the duty is a lawyer's
    assert not any("this year" in reason for reason in found["法律工作者"].reasons)

    DutyRule.objects.create(year=2026, lawyer_min_cases=4)  # citywide
    with translation.override("en"):
        assert "1 of 4 aid cases this year: 3 to go" in by_name(case)["律师"].reasons
    assert by_name(case)["律师"].score == 20 + 20 + 15  # 3 missing, capped at 20
    DutyRule.objects.create(year=2026, region=region("zhushan"), lawyer_min_cases=1)
    with translation.override("en"):
        found = by_name(case)
    assert "1 aid cases this year: the annual duty is met" in found["律师"].reasons
    assert found["律师"].score == 20 + 15
    DutyRule.objects.filter(region=region("zhushan")).update(lawyer_min_cases=0)  # a region's 0 holds
    with translation.override("en"):
        assert "1 aid cases this year: the annual duty is met" in by_name(case)["律师"].reasons


def test_same_region_before_cross_region(world):
    world.lawyer("乐平律师", regions=("leping",))
    world.lawyer("珠山律师", regions=("zhushan", "leping"))
    case = world.case()
    ranked = recommendations_for(case, today=TODAY)
    assert [(r.provider.name, r.cross_region) for r in ranked] == [("珠山律师", False), ("乐平律师", True)]
    with translation.override("en"):
        assert recommendations_for(case, today=TODAY)[1].reasons[-1] == "Cross-region"
    assert ranked[0].score - ranked[1].score == 15
    assert not needs_override(case, ranked[1].provider)  # the center allows it


def test_a_center_without_cross_region_assignment_leaves_out_other_regions(world):
    strict = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="浮梁县法律援助中心", region=region("fuliang")
    )
    Organisation.objects.filter(pk=strict.pk).update(allows_cross_region=False)
    outsider = world.lawyer("珠山律师")
    world.lawyer("浮梁律师", regions=("fuliang",))
    case = world.case(region_code="fuliang", center=Organisation.objects.get(pk=strict.pk))
    assert names(case) == ["浮梁律师"]
    assert ineligibility(case, outsider, today=TODAY) is None
    assert needs_override(case, outsider)
    assert not needs_override(case, Provider.objects.get(name="浮梁律师"))
    # with the regions prefetched, no query
    loaded = Provider.objects.prefetch_related("regions_served").get(pk=outsider.pk)
    case = Application.objects.select_related("center").get(pk=case.pk)
    with CaptureQueriesContext(connection) as captured:
        assert needs_override(case, loaded)
    assert len(captured) == 0


def test_a_recommended_provider_is_loaded_for_display(world, django_assert_num_queries):
    world.lawyer("律师", specialties=["maintenance", "wage_arrears"])
    ranked = recommendations_for(world.case(matter_type="maintenance"), today=TODAY)
    with django_assert_num_queries(0):
        provider = ranked[0].provider
        assert provider.organisation.name == "瓷都律师事务所"
        assert provider.specialty_codes == ["maintenance", "wage_arrears"]
        assert [r.code for r in provider.regions_served.all()] == ["zhushan"]


def test_a_limit_keeps_the_first_ones_loaded(world, django_assert_num_queries):
    for name, specialties in (("律师A", []), ("律师B", ["maintenance"]), ("律师C", []), ("律师D", [])):
        world.lawyer(name, specialties=specialties)
    case = world.case(matter_type="maintenance")
    everyone = recommendations_for(case, today=TODAY)
    first = recommendations_for(case, today=TODAY, limit=2)
    assert [r.provider.name for r in everyone] == ["律师B", "律师A", "律师C", "律师D"]
    assert first == everyone[:2]
    assert recommendations_for(case, today=TODAY, limit=0) == []
    with django_assert_num_queries(0):
        assert [r.provider.specialty_codes for r in first] == [["maintenance"], []]


def test_reasons_are_translated(world):
    world.lawyer("律师", specialties=["maintenance"], regions=("leping",))
    case = world.case(matter_type="maintenance")
    with translation.override("en"):
        english = recommendations_for(case, today=TODAY)[0].reasons
    assert english == [
        "Specialises in Maintenance",
        "0 open aid cases",
        "0 of 2 aid cases this year: 2 to go",
        "Cross-region",
    ]


# --------------------------------------------------------------------------- the cost


def _bulk_world(center, user, *, providers: int, start: int, target_opposing: str) -> None:
    """``providers`` lawyers and grassroots workers, 4 per organisation across the 5 regions, with
    specialties, two past cases each (one open, one accepted this year), and a few conflicts."""
    regions = list(Region.objects.order_by("pk"))
    firms = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrganisationKind.LAW_FIRM,
                name=f"批量律所{start + i}",
                region=regions[i % len(regions)],
                credit_code=credit_code(100000 + start + i),
            )
            for i in range((providers + 3) // 4)
        ]
    )
    rows = [
        Provider(
            name=f"批量律师{start + i:05d}",
            kind=ProviderKind.LAWYER,
            organisation=firms[i // 4],
            licence_no=f"13602201510{start + i:06d}",
            practice_start=datetime.date(2010 + i % 15, 1 + i % 12, 1),
            minors_experienced=i % 3 == 0,
        )
        for i in range(providers)
    ]
    made = Provider.objects.bulk_create(rows)
    through = Provider.regions_served.through
    through.objects.bulk_create(
        [through(provider_id=p.pk, region_id=regions[i % len(regions)].pk) for i, p in enumerate(made)]
    )
    ProviderSpecialty.objects.bulk_create(
        [
            ProviderSpecialty(provider=p, matter_type=("maintenance", "wage_arrears")[i % 2])
            for i, p in enumerate(made)
        ]
    )
    applicants = Applicant.objects.bulk_create(
        [
            Applicant(
                name=f"历史申请人{start + i}",
                id_number=resident_id(ADULT, seq=f"{i % 1000:03d}"),
                phone="13907980001",
                address="珠山区",
            )
            for i in range(2 * providers)
        ]
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                tracking_no=f"JDZ-BULK-2026-{start}-{i:06d}",
                region=regions[1],
                center=center,
                channel="window",
                filed_by=user,
                applicant=applicant,
                matter_category="civil",
                matter_type="maintenance",
                matter_summary="案情",
                opposing_party=f"历史对方{i % 50}",
                household_size=2,
                monthly_income=Decimal("1000.00"),
                pledged_at=timezone.now(),
                received_on=TODAY,
                means_result="eligible",
                status="in_progress" if i % 2 == 0 else "closed",
            )
            for i, applicant in enumerate(applicants)
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                application=application,
                provider=made[i // 2],
                organisation=made[i // 2].organisation,
                aid_form="representation",
                status="accepted",
                assigned_by=user,
                accepted_on=TODAY if i % 2 else datetime.date(2025, 6, 1),
            )
            for i, application in enumerate(applications)
        ]
    )
    # every 40th firm registered a conflict with the measured case's opposing party
    PartyConflict.objects.bulk_create(
        [PartyConflict(organisation=firm, party_name=target_opposing) for firm in firms[::40]]
    )


def _diff(small: list[str], large: list[str]) -> str:
    return "\n".join(
        difflib.unified_diff(
            [sql[:300] for sql in small],
            [sql[:300] for sql in large],
            "10 providers",
            "2,000 providers",
            lineterm="",
            n=0,
        )
    )


def _measure(application_pk: int, limit=None) -> tuple[int, list[str], list[Recommendation]]:
    application = Application.objects.get(pk=application_pk)  # center and applicant not loaded
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        ranked = recommendations_for(application, today=TODAY, limit=limit)
        for r in ranked:  # what a caller reads
            r.provider.organisation.name, r.provider.specialty_codes  # noqa: B018
    return len(captured), [q["sql"] for q in captured.captured_queries], ranked


def test_the_cost_is_the_same_with_10_and_with_2000_providers(world):
    # the measured case: a conflict by register, by acting and by being opposed all apply
    case = world.case(applicant_name="吕春花", opposing_party="王某")
    _bulk_world(world.center, world.reviewer, providers=10, start=0, target_opposing="王某")
    # firm 0 registered the conflict; at firm 1 one lawyer acted for 王某, another against 吕春花
    world.assign(world.case(applicant_name="王某"), Provider.objects.get(name="批量律师00004"))
    world.assign(world.case(opposing_party="吕春花"), Provider.objects.get(name="批量律师00005"))
    first = Provider.objects.get(name="批量律师00008")
    world.assign(case, first, status="declined")

    small, small_sql, small_ranked = _measure(case.pk)
    assert [r.provider.name for r in small_ranked] == ["批量律师00009"]
    assert _measure(case.pk, limit=20)[0] == small

    _bulk_world(world.center, world.reviewer, providers=1990, start=10, target_opposing="王某")
    assert Provider.objects.count() == 2000
    large, large_sql, large_ranked = _measure(case.pk)
    assert len(large_ranked) > 1500

    assert large == small, f"{small} → {large} statements\n{_diff(small_sql, large_sql)}"
    assert _measure(case.pk, limit=20)[0] == small
    # the case, the register, the other cases, the candidates, 2 prefetches, the loads, the duty rule
    assert small <= 8, small_sql
