"""``manage.py seed_demo``: the demo data's shape, its accounts, idempotency and the DEBUG guard."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.utils import timezone

from aid_cases.models import EconomicStandard
from assignments.models import DutyRule, SubsidyStandard
from demo.management.commands.seed_demo import DEMO_ACCOUNTS
from directory.choices import APPLICANT_GROUP, MatterType, OrganisationKind, ProviderKind, Role
from directory.models import Membership, Organisation, Provider
from directory.validators import LAWYER_LICENCE_RE, OTHER_LICENCE_RE

pytestmark = pytest.mark.django_db

User = get_user_model()

EXPECTED_ACCOUNTS = {
    "admin": None,
    "clerk_zhushan": (Role.CLERK, "珠山区法律援助中心"),
    "reviewer_zhushan": (Role.REVIEWER, "珠山区法律援助中心"),
    "reviewer_changjiang": (Role.REVIEWER, "昌江区法律援助中心"),
    "reviewer_fuliang": (Role.REVIEWER, "浮梁县法律援助中心"),
    "reviewer_leping": (Role.REVIEWER, "乐平市法律援助中心"),
    "reviewer_city": (Role.REVIEWER, "景德镇市法律援助中心"),
    "director_zhushan": (Role.DIRECTOR, "珠山区法律援助中心"),
    "bureau_zhushan": (Role.BUREAU_OFFICER, "珠山区司法局"),
    "bureau_city": (Role.BUREAU_OFFICER, "景德镇市司法局"),
    "notary_city": (Role.INSTITUTION_STAFF, "景德镇市公证处"),
    "notary_leping": (Role.INSTITUTION_STAFF, "乐平市公证处"),
    "forensic_wc": (Role.INSTITUTION_STAFF, "景德镇市妇女儿童司法鉴定援助中心"),
    "detention_zhushan": (Role.DETENTION_OFFICER, "景德镇市珠山区看守所"),
    "applicant_01": None,
    "applicant_02": None,
}
LAWYER_USERNAMES = [f"lawyer_{i:02d}" for i in range(1, 17)]
WORKER_USERNAMES = [f"worker_{i:02d}" for i in range(1, 4)]
OTHER_USERNAMES = [
    *(f"firmadmin_{i}" for i in range(1, 5)),
    "forensic_city",
    "police_zhushan",
    "procuratorate_city",
    "court_city",
]
ALL_USERNAMES = {*EXPECTED_ACCOUNTS, *LAWYER_USERNAMES, *WORKER_USERNAMES, *OTHER_USERNAMES}


def login(username: str, password: str) -> bool:
    """``Client.login`` with a request: django-axes' backend refuses to authenticate without one."""
    return Client().login(request=RequestFactory().post("/"), username=username, password=password)


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def model_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}


def snapshot() -> set:
    rows = set()
    for model in (Organisation, Provider, Membership, EconomicStandard, SubsidyStandard, DutyRule):
        for values in model._default_manager.order_by("pk").values():
            rows.add((model._meta.label, values["id"], tuple(sorted((k, str(v)) for k, v in values.items()))))
    for pk, username, password, first, last, staff, superuser in User.objects.values_list(
        "pk", "username", "password", "first_name", "last_name", "is_staff", "is_superuser"
    ):
        rows.add(("user", pk, (username, password, first, last, staff, superuser)))
    for provider in Provider.objects.prefetch_related("regions_served"):
        rows.add(
            (
                "provider_extra",
                provider.pk,
                (
                    tuple(sorted(provider.specialty_codes)),
                    tuple(sorted(r.code for r in provider.regions_served.all())),
                ),
            )
        )
    for user in User.objects.prefetch_related("groups"):
        rows.add(("user_groups", user.pk, tuple(sorted(g.name for g in user.groups.all()))))
    return rows


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    return seed()


def test_module_constant_lists_every_account_once():
    usernames = [a.username for a in DEMO_ACCOUNTS]
    assert len(usernames) == len(set(usernames))
    assert set(usernames) == ALL_USERNAMES


def test_organisations(seeded):
    for code in ("jdz", "zhushan", "changjiang", "fuliang", "leping"):
        assert Organisation.objects.filter(kind=OrganisationKind.AID_CENTER, region__code=code).count() == 1
        assert Organisation.objects.filter(kind=OrganisationKind.BUREAU, region__code=code).count() == 1
    assert Organisation.objects.get(name="珠山区法律援助中心").kind == OrganisationKind.AID_CENTER
    assert Organisation.objects.get(name="景德镇市司法局").region.code == "jdz"
    assert Organisation.objects.filter(kind=OrganisationKind.GRASSROOTS_OFFICE).count() == 1
    notaries = Organisation.objects.filter(kind=OrganisationKind.NOTARY)
    assert {(o.name, o.region.code) for o in notaries} == {
        ("景德镇市公证处", "jdz"),
        ("乐平市公证处", "leping"),
    }
    forensic = set(Organisation.objects.filter(kind=OrganisationKind.FORENSIC).values_list("name", flat=True))
    assert len(forensic) == 2 and "景德镇市妇女儿童司法鉴定援助中心" in forensic
    for kind in (OrganisationKind.POLICE, OrganisationKind.PROCURATORATE, OrganisationKind.COURT):
        assert Organisation.objects.filter(kind=kind).count() == 1
    # a detention center in 珠山 forwards its detainees' applications (Art 39)
    (detention,) = Organisation.objects.filter(kind=OrganisationKind.DETENTION)
    assert (detention.name, detention.region.code) == ("景德镇市珠山区看守所", "zhushan")
    for organisation in Organisation.objects.all():
        organisation.full_clean()


def test_firms_lawyers_and_workers(seeded):
    firms = list(Organisation.objects.filter(kind=OrganisationKind.LAW_FIRM))
    assert len(firms) == 4
    assert len({f.region_id for f in firms}) >= 3
    assert len({f.credit_code for f in firms}) == 4
    for firm in firms:
        firm.full_clean()  # the credit code's check character is right
        assert firm.providers.filter(kind=ProviderKind.LAWYER, user__isnull=False).count() == 4

    lawyers = Provider.objects.filter(kind=ProviderKind.LAWYER)
    assert lawyers.count() == 16
    assert lawyers.filter(user__isnull=False).count() == 16
    assert set(lawyers.values_list("user__username", flat=True)) == set(LAWYER_USERNAMES)
    assert len(set(lawyers.values_list("licence_no", flat=True))) == 16

    workers = Provider.objects.filter(kind=ProviderKind.GRASSROOTS)
    assert workers.count() == 3
    assert set(workers.values_list("user__username", flat=True)) == set(WORKER_USERNAMES)
    assert {w.organisation.kind for w in workers} == {OrganisationKind.GRASSROOTS_OFFICE}

    for provider in Provider.objects.all():
        provider.full_clean()
        regex = LAWYER_LICENCE_RE if provider.kind == ProviderKind.LAWYER else OTHER_LICENCE_RE
        assert regex.match(provider.licence_no)
        if provider.kind == ProviderKind.LAWYER:
            assert provider.licence_no[5:9] == str(provider.practice_start.year)
        assert provider.specialty_codes
        assert provider.regions_served.exists()
        assert Membership.objects.filter(
            user=provider.user, organisation=provider.organisation, role=Role.PROVIDER, active=True
        ).exists()
        assert provider.user.groups.filter(name=Role.PROVIDER).exists()


def test_lawyers_cover_the_assignment_rules(seeded):
    lawyers = Provider.objects.filter(kind=ProviderKind.LAWYER).prefetch_related("specialties")
    zhushan = [p for p in lawyers.filter(regions_served__code="zhushan")]
    assert len(zhushan) >= 6
    senior_criminal = [
        p for p in zhushan if p.practice_years >= 3 and MatterType.CRIMINAL_DEFENCE in p.specialty_codes
    ]
    assert len(senior_criminal) >= 4
    assert len([p for p in zhushan if p.practice_years < 3]) >= 2
    assert lawyers.filter(minors_experienced=True).count() >= 3
    assert len({p.practice_years for p in lawyers}) >= 6  # varied experience


def test_accounts_memberships_and_login(seeded, settings):
    for username, expected in EXPECTED_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.last_name and user.first_name
        memberships = list(user.memberships.filter(active=True).select_related("organisation"))
        if expected is None:
            assert memberships == []
        else:
            role, organisation = expected
            assert [(m.role, m.organisation.name) for m in memberships] == [(role, organisation)]
            assert user.groups.filter(name=role).exists()
            assert user.groups.filter(name=memberships[0].organisation.members_group_name).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    for username in ("applicant_01", "applicant_02"):
        assert User.objects.get(username=username).groups.filter(name=APPLICANT_GROUP).exists()
    for i in range(1, 5):
        firm_admin = User.objects.get(username=f"firmadmin_{i}")
        (membership,) = firm_admin.memberships.all()
        assert membership.role == Role.FIRM_ADMIN
        assert membership.organisation.kind == OrganisationKind.LAW_FIRM
    assert {
        m.organisation.kind
        for m in Membership.objects.filter(
            user__username__in=["police_zhushan", "procuratorate_city", "court_city"]
        )
    } == {OrganisationKind.POLICE, OrganisationKind.PROCURATORATE, OrganisationKind.COURT}
    assert Membership.objects.filter(
        user__username="forensic_city",
        role=Role.INSTITUTION_STAFF,
        organisation__kind=OrganisationKind.FORENSIC,
    ).exists()

    for username in sorted(ALL_USERNAMES):
        assert login(username, settings.DEMO_PASSWORD), username
    assert not login("lawyer_01", "wrong-password")


def test_output_lists_the_accounts(seeded):
    lines = seeded.splitlines()
    for account in DEMO_ACCOUNTS:
        row = next((line for line in lines if line.split() and line.split()[0] == account.username), None)
        assert row is not None, account.username
        assert str(account.role) in row
        if account.organisation:
            assert account.organisation in row


def test_rule_rows(seeded):
    assert EconomicStandard.objects.count() == 5
    assert SubsidyStandard.objects.count() >= 5 * 3
    assert {s.region.code for s in EconomicStandard.objects.all()} == {
        "jdz",
        "zhushan",
        "changjiang",
        "fuliang",
        "leping",
    }
    for model in (EconomicStandard, SubsidyStandard, DutyRule):
        assert model.objects.exists()
        assert not model.objects.filter(is_demo=False).exists()
        for row in model.objects.all():
            row.full_clean()
    assert SubsidyStandard.objects.filter(region__code="zhushan").count() >= 3
    assert set(SubsidyStandard.objects.values_list("region__code", flat=True)) == {
        "jdz",
        "zhushan",
        "changjiang",
        "fuliang",
        "leping",
    }
    duty = DutyRule.objects.get()
    assert (duty.year, duty.region, duty.lawyer_min_cases, duty.lawyer_min_hours, duty.notary_min_count) == (
        timezone.localdate().year,
        None,
        2,
        50,
        4,
    )
    today = timezone.localdate()
    for code in ("jdz", "zhushan", "changjiang", "fuliang", "leping"):
        assert EconomicStandard.in_force(today, region__code=code) is not None


def test_second_run_changes_nothing(seeded, settings):
    counts, rows = model_counts(), snapshot()
    output = seed()
    assert model_counts() == counts
    assert snapshot() == rows
    assert "Created: nothing." in output


def test_refuses_without_debug_and_creates_nothing(settings):
    settings.DEBUG = False
    counts = model_counts()
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert model_counts() == counts
    assert not User.objects.filter(username__in=ALL_USERNAMES).exists()


def test_force_runs_without_debug(settings):
    settings.DEBUG = False
    output = seed("--force")
    assert Provider.objects.filter(kind=ProviderKind.LAWYER, user__isnull=False).count() == 16
    assert "lawyer_16" in output
    assert User.objects.filter(username__in=ALL_USERNAMES).count() == len(ALL_USERNAMES)


def test_existing_rows_are_reused_not_changed(settings, zhushan_center):
    """An organisation or account that already exists is kept as it is."""
    settings.DEBUG = True
    user = User.objects.create_user("reviewer_zhushan", password="own-password-123", first_name="自")
    seed()
    assert Organisation.objects.filter(name="珠山区法律援助中心").get() == zhushan_center
    user.refresh_from_db()
    assert user.check_password("own-password-123")
    assert user.first_name == "自"
    assert Membership.objects.filter(user=user, organisation=zhushan_center, role=Role.REVIEWER).exists()
    assert Group.objects.get(name=APPLICANT_GROUP).user_set.count() == 2


def test_the_forwarding_period_is_the_statutes_24_hours(seeded):
    from aid_cases.forwarding_rules import forwarding_rule_in_force
    from aid_cases.models import ForwardingRule

    (row,) = ForwardingRule.objects.all()
    assert (row.region, row.hours, row.is_demo) == (None, 24, False)  # the law's figure, not a demo value
    row.full_clean()
    detention = Organisation.objects.get(name="景德镇市珠山区看守所")
    assert forwarding_rule_in_force(detention.region, timezone.localdate()) == row
