import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from aid_cases.models import EconomicStandard
from directory import services
from directory.choices import OrganisationKind, ProviderKind, Role
from directory.models import AuditEvent, Membership, Organisation, Provider, practice_years
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, credit_code, region

pytestmark = pytest.mark.django_db


def test_firm_with_invalid_credit_code_is_refused_and_nothing_saved():
    good = credit_code(7)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(
            acting_user=None,
            kind=OrganisationKind.LAW_FIRM,
            name="错码律师事务所",
            region=region("zhushan"),
            credit_code=bad,
        )
    assert "credit_code" in exc.value.message_dict
    assert not Organisation.objects.filter(name="错码律师事务所").exists()
    assert not AuditEvent.objects.exists()


def test_firm_without_credit_code_is_refused():
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(
            acting_user=None, kind=OrganisationKind.LAW_FIRM, name="无码所", region=region("zhushan")
        )
    assert "credit_code" in exc.value.message_dict


def test_organisation_create_writes_an_audit_row():
    user = UserFactory()
    org = services.organisation_create(
        acting_user=user, kind=OrganisationKind.NOTARY, name="测试公证处", region=region("leping")
    )
    event = AuditEvent.objects.get(object_id=str(org.pk), action="organisation_create")
    assert event.actor == user
    assert event.new["region"] == "leping"


@pytest.mark.parametrize(
    "licence",
    [
        "",
        "1360220151000001",
        "136022015100000011",
        "03602201510000001",
        "136021890100000a1",
        "ABCDEFGHIJKLMNOPQ",
    ],
)
def test_lawyer_with_bad_licence_number_is_refused(licence):
    firm = OrganisationFactory(kind=OrganisationKind.LAW_FIRM)
    with pytest.raises(ValidationError) as exc:
        services.provider_create(
            acting_user=None,
            name="某律师",
            kind=ProviderKind.LAWYER,
            organisation=firm,
            licence_no=licence,
            practice_start=datetime.date(2020, 1, 1),
        )
    assert "licence_no" in exc.value.message_dict
    assert not Provider.objects.filter(name="某律师").exists()


def test_lawyer_cannot_work_at_a_notary_office():
    notary = OrganisationFactory(kind=OrganisationKind.NOTARY)
    with pytest.raises(ValidationError) as exc:
        ProviderFactory(organisation=notary)
    assert "organisation" in exc.value.message_dict


def test_unknown_specialty_is_refused():
    with pytest.raises(ValidationError):
        ProviderFactory(specialties=["astrology"])


def test_practice_start_in_the_future_is_refused():
    with pytest.raises(ValidationError) as exc:
        ProviderFactory(practice_start=timezone.localdate() + datetime.timedelta(days=400))
    assert "practice_start" in exc.value.message_dict


@pytest.mark.parametrize(
    ("start", "day", "years"),
    [
        (datetime.date(2023, 5, 10), datetime.date(2026, 5, 9), 2),
        (datetime.date(2023, 5, 10), datetime.date(2026, 5, 10), 3),
        (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28), 0),
        (datetime.date(2024, 2, 29), datetime.date(2025, 3, 1), 1),
        (datetime.date(2026, 1, 1), datetime.date(2025, 12, 31), 0),
    ],
)
def test_practice_years_boundaries(start, day, years):
    assert practice_years(start, day) == years


@given(
    st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.integers(min_value=0, max_value=20000),
)
def test_practice_years_never_decreases_and_counts_whole_years(start, offset):
    day = start + datetime.timedelta(days=offset)
    later = day + datetime.timedelta(days=1)
    assert practice_years(start, day) <= practice_years(start, later)
    assert practice_years(start, day) <= offset // 365


def test_membership_role_must_fit_the_organisation_kind():
    firm = OrganisationFactory(kind=OrganisationKind.LAW_FIRM)
    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        services.membership_grant(acting_user=None, user=user, organisation=firm, role=Role.REVIEWER)
    assert "role" in exc.value.message_dict
    assert not Membership.objects.exists()
    assert not user.groups.exists()


def test_membership_grant_adds_role_and_organisation_groups_and_revoke_removes_them(zhushan_center):
    user = UserFactory()
    membership = services.membership_grant(
        acting_user=None, user=user, organisation=zhushan_center, role=Role.REVIEWER
    )
    assert set(user.groups.values_list("name", flat=True)) == {
        "reviewer",
        zhushan_center.members_group_name,
        zhushan_center.role_group_name("reviewer"),
    }
    # the (center, reviewer) group carries the object permission viewflow checks, on this center only
    assert user.has_perm("directory.review_applications", zhushan_center)
    assert not user.has_perm("directory.review_applications")
    # a second grant is a no-op
    services.membership_grant(acting_user=None, user=user, organisation=zhushan_center, role=Role.REVIEWER)
    assert Membership.objects.count() == 1
    services.membership_revoke(acting_user=None, membership=membership)
    assert not user.groups.exists()
    user = type(user).objects.get(pk=user.pk)  # a fresh permission cache
    assert not user.has_perm("directory.review_applications", zhushan_center)
    assert list(
        AuditEvent.objects.filter(object_type="directory.membership").values_list("action", flat=True)
    ) == [
        "membership_revoke",
        "membership_grant",
    ]


def test_rule_rows_may_not_overlap():
    zhushan = region("zhushan")
    first = EconomicStandard(
        region=zhushan,
        kind="low_income",
        monthly_amount="1000.00",
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2026, 6, 30),
    )
    first.full_clean()
    first.save()
    overlapping = EconomicStandard(
        region=zhushan, kind="low_income", monthly_amount="1100.00", valid_from=datetime.date(2026, 6, 30)
    )
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    following = EconomicStandard(
        region=zhushan, kind="low_income", monthly_amount="1100.00", valid_from=datetime.date(2026, 7, 1)
    )
    following.full_clean()
    following.save()
    assert EconomicStandard.in_force(datetime.date(2026, 6, 30), region=zhushan) == first
    assert EconomicStandard.in_force(datetime.date(2026, 7, 1), region=zhushan) == following
    assert EconomicStandard.in_force(datetime.date(2025, 12, 31), region=zhushan) is None


def test_rule_row_end_before_start_is_refused():
    row = EconomicStandard(
        region=region("leping"),
        kind="minimum_wage",
        monthly_amount="1000.00",
        valid_from=datetime.date(2026, 7, 1),
        valid_to=datetime.date(2026, 6, 30),
    )
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert "valid_to" in exc.value.message_dict
