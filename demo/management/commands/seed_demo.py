"""``manage.py seed_demo``: fictional but realistic Jingdezhen demo data (docs/domain.md).

Every name, licence number, credit code and amount below is invented. The command is
idempotent: each row is looked up by a stable natural key (username, organisation kind and
name, the provider's login account, a rule's key and ``valid_from``) and created only when it
is missing; existing rows are never changed, so a second run writes nothing.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

from aid_cases.models import (
    EconomicStandard,
    LocalApplicantCategory,
    LocalMatterType,
    MeansExemptionRule,
    MeansMatterRule,
)
from assignments.models import DutyRule, SubsidyAdjustment, SubsidyStandard
from directory import services
from directory.choices import (
    APPLICANT_GROUP,
    AidForm,
    MatterCategory,
    MatterType,
    OrganisationKind,
    ProviderKind,
    Role,
)
from directory.models import Membership, Organisation, Provider, Region

# Pseudo-roles of accounts that hold no membership (see directory.choices.Role).
ADMINISTRATOR = "administrator"
APPLICANT = APPLICANT_GROUP

RULES_VALID_FROM = datetime.date(2026, 1, 1)
DEMO_NOTE = "Demo value (seed_demo): replace it with the official figure."

# --- organisations -------------------------------------------------------------------------

REGION_NAMES = {
    "jdz": "景德镇市",
    "zhushan": "珠山区",
    "changjiang": "昌江区",
    "fuliang": "浮梁县",
    "leping": "乐平市",
}


def aid_center_name(region_code: str) -> str:
    return f"{REGION_NAMES[region_code]}法律援助中心"


def bureau_name(region_code: str) -> str:
    return f"{REGION_NAMES[region_code]}司法局"


# Administrative division codes (行政区划代码), as in the regions' data migration.
DIVISION_CODES = {
    "jdz": "360200",
    "zhushan": "360203",
    "changjiang": "360202",
    "fuliang": "360222",
    "leping": "360281",
}

GRASSROOTS_OFFICE = "珠山区新村街道法律服务所"
NOTARY_CITY = "景德镇市公证处"
NOTARY_LEPING = "乐平市公证处"
FORENSIC_CITY = "景德镇市华昌司法鉴定中心"
FORENSIC_WC = "景德镇市妇女儿童司法鉴定援助中心"
POLICE_ZHUSHAN = "景德镇市公安局珠山分局"
PROCURATORATE_CITY = "景德镇市人民检察院"
COURT_CITY = "景德镇市中级人民法院"
DETENTION_ZHUSHAN = "景德镇市珠山区看守所"  # forwards its detainees' applications (Art 39)

# Public contact details, shown by the public lookup (法律查询服务). Invented for the demo: the
# house numbers and telephone numbers are not those of any real office.
CONTACTS: dict[str, tuple[str, str]] = {
    "景德镇市法律援助中心": ("景德镇市珠山区示范路 1 号", "0798-8200101"),
    "珠山区法律援助中心": ("珠山区新村路 21 号", "0798-8200102"),
    "昌江区法律援助中心": ("昌江区示范路 8 号", "0798-8200103"),
    "浮梁县法律援助中心": ("浮梁县浮梁镇示范路 5 号", "0798-8200104"),
    "乐平市法律援助中心": ("乐平市洎阳示范路 12 号", "0798-8200105"),
    GRASSROOTS_OFFICE: ("珠山区新村街道示范路 3 号", "0798-8200201"),
    "江西瓷都律师事务所": ("珠山区瓷都示范大道 66 号 5 楼", "0798-8200301"),
    "江西昌南正衡律师事务所": ("昌江区昌南示范路 18 号", "0798-8200302"),
    "江西浮梁瑶里律师事务所": ("浮梁县浮梁镇瑶里示范街 9 号", "0798-8200303"),
    "江西洎阳明德律师事务所": ("乐平市洎阳示范路 101 号", "0798-8200304"),
    NOTARY_CITY: ("景德镇市珠山区示范路 30 号", "0798-8200401"),
    NOTARY_LEPING: ("乐平市洎阳示范路 40 号", "0798-8200402"),
    FORENSIC_CITY: ("景德镇市昌江区示范路 50 号", "0798-8200501"),
    FORENSIC_WC: ("景德镇市珠山区示范路 60 号", "0798-8200502"),
}

# (name, region code, 8-character base of the organisation code)
LAW_FIRMS: tuple[tuple[str, str, str], ...] = (
    ("江西瓷都律师事务所", "zhushan", "73610201"),
    ("江西昌南正衡律师事务所", "changjiang", "73610202"),
    ("江西浮梁瑶里律师事务所", "fuliang", "73610203"),
    ("江西洎阳明德律师事务所", "leping", "73610204"),
)


@dataclass(frozen=True)
class DemoOrganisation:
    kind: str
    name: str
    region: str
    credit_code: str = ""
    phone: str = ""

    @property
    def address(self) -> str:
        return CONTACTS.get(self.name, ("", ""))[0]

    @property
    def public_phone(self) -> str:
        return self.phone or CONTACTS.get(self.name, ("", ""))[1]


def _organisation_code(base8: str) -> str:
    """A 9-character organisation code (GB 11714): 8 characters and their check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(base8, weights, strict=True))
    check = 11 - total % 11
    return base8 + {10: "X", 11: "0"}.get(check, str(check))


def law_firm_credit_code(region_code: str, base8: str) -> str:
    """A valid unified social credit code of a law firm registered by the judicial administration.

    ``3`` (judicial administration) ``1`` (law firm), the region's division code, the
    organisation code and stdnum's check character.
    """
    division = DIVISION_CODES[region_code]
    first17 = f"31{division}{_organisation_code(base8)}"
    return first17 + uscc.calc_check_digit(first17)


def demo_organisations() -> list[DemoOrganisation]:
    orgs: list[DemoOrganisation] = []
    for code in REGION_NAMES:
        orgs.append(DemoOrganisation(OrganisationKind.AID_CENTER, aid_center_name(code), code, phone="12348"))
        orgs.append(DemoOrganisation(OrganisationKind.BUREAU, bureau_name(code), code))
    orgs.append(DemoOrganisation(OrganisationKind.GRASSROOTS_OFFICE, GRASSROOTS_OFFICE, "zhushan"))
    for name, region, base8 in LAW_FIRMS:
        orgs.append(
            DemoOrganisation(
                OrganisationKind.LAW_FIRM, name, region, credit_code=law_firm_credit_code(region, base8)
            )
        )
    orgs += [
        DemoOrganisation(OrganisationKind.NOTARY, NOTARY_CITY, "jdz"),
        DemoOrganisation(OrganisationKind.NOTARY, NOTARY_LEPING, "leping"),
        DemoOrganisation(OrganisationKind.FORENSIC, FORENSIC_CITY, "jdz"),
        DemoOrganisation(OrganisationKind.FORENSIC, FORENSIC_WC, "jdz"),
        DemoOrganisation(OrganisationKind.POLICE, POLICE_ZHUSHAN, "zhushan"),
        DemoOrganisation(OrganisationKind.PROCURATORATE, PROCURATORATE_CITY, "jdz"),
        DemoOrganisation(OrganisationKind.COURT, COURT_CITY, "jdz"),
        DemoOrganisation(OrganisationKind.DETENTION, DETENTION_ZHUSHAN, "zhushan"),
    ]
    return orgs


# --- accounts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # a directory.choices.Role code, or ADMINISTRATOR / APPLICANT (no membership)
    organisation: str  # the organisation's name; "" without a membership
    last_name: str
    first_name: str


@dataclass(frozen=True)
class DemoProvider:
    """A lawyer or grassroots worker; ``started`` is a date, or a time before the day of seeding.

    A relative start keeps a junior lawyer junior on a freshly seeded database whatever the year;
    the start date (and the licence year derived from it) is fixed when the row is created.
    """

    username: str
    last_name: str
    first_name: str
    male: bool
    organisation: str
    started: datetime.date | datetime.timedelta
    specialties: tuple[str, ...]
    regions: tuple[str, ...]
    minors_experienced: bool = False
    kind: str = ProviderKind.LAWYER

    @property
    def name(self) -> str:
        return self.last_name + self.first_name


def _d(y: int, m: int, d: int) -> datetime.date:
    return datetime.date(y, m, d)


def _ago(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


M = MatterType
F1, F2, F3, F4 = (name for name, _region, _code in LAW_FIRMS)

# 16 lawyers, 4 per firm. Eight serve 珠山区: five with 3+ years and criminal defence
# (lawyer_01, 02, 03, 05, 16), two with fewer than 3 years (lawyer_04, 07; lawyer_04 lists
# criminal defence too, so the Art 26 rule visibly excludes them), one senior civil lawyer (15).
# Four are experienced with minors (lawyer_01, 03, 07, 13).
LAWYERS: tuple[DemoProvider, ...] = (
    DemoProvider(
        "lawyer_01",
        "张",
        "伟",
        True,
        F1,
        _d(2008, 9, 1),
        (M.CRIMINAL_DEFENCE, M.CRIMINAL_VICTIM, M.DOMESTIC_VIOLENCE),
        ("zhushan", "jdz"),
        True,
    ),
    DemoProvider(
        "lawyer_02",
        "李",
        "静",
        False,
        F1,
        _d(2012, 3, 15),
        (M.CRIMINAL_DEFENCE, M.STATE_COMPENSATION),
        ("zhushan", "changjiang"),
    ),
    DemoProvider(
        "lawyer_03",
        "王",
        "芳",
        False,
        F1,
        _d(2016, 7, 1),
        (M.CRIMINAL_DEFENCE, M.MAINTENANCE, M.ABUSE),
        ("zhushan",),
        True,
    ),
    DemoProvider(
        "lawyer_04",
        "刘",
        "洋",
        True,
        F1,
        _ago(400),
        (M.CRIMINAL_DEFENCE, M.WAGE_ARREARS, M.LABOUR_RELATION),
        ("zhushan",),
    ),
    DemoProvider(
        "lawyer_05",
        "陈",
        "建华",
        True,
        F2,
        _d(2010, 5, 20),
        (M.CRIMINAL_DEFENCE, M.TRAFFIC_INJURY),
        ("changjiang", "zhushan"),
    ),
    DemoProvider(
        "lawyer_06",
        "杨",
        "帆",
        True,
        F2,
        _d(2019, 10, 8),
        (M.WORK_INJURY, M.WAGE_ARREARS, M.SOCIAL_INSURANCE),
        ("changjiang",),
    ),
    DemoProvider(
        "lawyer_07",
        "赵",
        "雪梅",
        False,
        F2,
        _ago(200),
        (M.MAINTENANCE, M.DOMESTIC_VIOLENCE),
        ("changjiang", "zhushan"),
        True,
    ),
    DemoProvider(
        "lawyer_08",
        "黄",
        "志强",
        True,
        F2,
        _d(2014, 4, 1),
        (M.MEDICAL_INJURY, M.PRODUCT_INJURY),
        ("changjiang", "jdz"),
    ),
    DemoProvider(
        "lawyer_09",
        "周",
        "明",
        True,
        F3,
        _d(2011, 11, 1),
        (M.CRIMINAL_DEFENCE, M.ENVIRONMENTAL),
        ("fuliang",),
    ),
    DemoProvider(
        "lawyer_10",
        "吴",
        "丽华",
        False,
        F3,
        _d(2017, 6, 12),
        (M.MAINTENANCE, M.PENSION, M.SOCIAL_ASSISTANCE),
        ("fuliang", "leping"),
    ),
    DemoProvider(
        "lawyer_11",
        "徐",
        "磊",
        True,
        F3,
        _d(2021, 4, 1),
        (M.TRAFFIC_INJURY, M.STATE_COMPENSATION),
        ("fuliang",),
    ),
    DemoProvider(
        "lawyer_12", "孙", "婷", False, F3, _ago(500), (M.WAGE_ARREARS, M.WORK_INJURY), ("fuliang",)
    ),
    DemoProvider(
        "lawyer_13",
        "胡",
        "国庆",
        True,
        F4,
        _d(2009, 2, 16),
        (M.CRIMINAL_DEFENCE, M.CRIMINAL_VICTIM, M.RETRIAL_COMPENSATION),
        ("leping", "jdz"),
        True,
    ),
    DemoProvider(
        "lawyer_14", "朱", "红", False, F4, _d(2015, 8, 3), (M.WORK_INJURY, M.LABOUR_RELATION), ("leping",)
    ),
    DemoProvider(
        "lawyer_15",
        "高",
        "晓燕",
        False,
        F4,
        _d(2020, 9, 1),
        (M.CIVIL_INCAPACITY, M.ABUSE, M.MAINTENANCE),
        ("leping", "zhushan"),
    ),
    DemoProvider(
        "lawyer_16",
        "林",
        "海涛",
        True,
        F4,
        _d(2013, 12, 2),
        (M.CRIMINAL_DEFENCE, M.HERO_MARTYR),
        ("leping", "zhushan"),
    ),
)

WORKERS: tuple[DemoProvider, ...] = (
    DemoProvider(
        "worker_01",
        "何",
        "桂英",
        False,
        GRASSROOTS_OFFICE,
        _d(2014, 5, 6),
        (M.WAGE_ARREARS, M.LABOUR_RELATION, M.MAINTENANCE),
        ("zhushan",),
        kind=ProviderKind.GRASSROOTS,
    ),
    DemoProvider(
        "worker_02",
        "郭",
        "建国",
        True,
        GRASSROOTS_OFFICE,
        _d(2018, 3, 19),
        (M.TRAFFIC_INJURY, M.MAINTENANCE),
        ("zhushan",),
        kind=ProviderKind.GRASSROOTS,
    ),
    DemoProvider(
        "worker_03",
        "马",
        "小兰",
        False,
        GRASSROOTS_OFFICE,
        _d(2023, 3, 1),
        (M.WAGE_ARREARS, M.DOMESTIC_VIOLENCE),
        ("zhushan", "changjiang"),
        True,
        kind=ProviderKind.GRASSROOTS,
    ),
)


def _staff(username: str, role: str, organisation: str, name: str) -> DemoAccount:
    return DemoAccount(username, role, organisation, name[0], name[1:])


STAFF_ACCOUNTS: tuple[DemoAccount, ...] = (
    _staff("clerk_zhushan", Role.CLERK, aid_center_name("zhushan"), "罗秀英"),
    _staff("reviewer_zhushan", Role.REVIEWER, aid_center_name("zhushan"), "梁文博"),
    _staff("reviewer_changjiang", Role.REVIEWER, aid_center_name("changjiang"), "宋佳"),
    _staff("reviewer_fuliang", Role.REVIEWER, aid_center_name("fuliang"), "郑凯"),
    _staff("reviewer_leping", Role.REVIEWER, aid_center_name("leping"), "谢玉兰"),
    _staff("reviewer_city", Role.REVIEWER, aid_center_name("jdz"), "韩冬"),
    _staff("director_zhushan", Role.DIRECTOR, aid_center_name("zhushan"), "唐正平"),
    _staff("bureau_zhushan", Role.BUREAU_OFFICER, bureau_name("zhushan"), "冯立军"),
    _staff("bureau_city", Role.BUREAU_OFFICER, bureau_name("jdz"), "于慧"),
)
FIRM_ADMINS: tuple[DemoAccount, ...] = tuple(
    _staff(f"firmadmin_{i}", Role.FIRM_ADMIN, firm, name)
    for i, (firm, name) in enumerate(
        zip((F1, F2, F3, F4), ("董淑珍", "萧永康", "程丹", "曹瑞"), strict=True), start=1
    )
)
OTHER_ACCOUNTS: tuple[DemoAccount, ...] = (
    _staff("notary_city", Role.INSTITUTION_STAFF, NOTARY_CITY, "袁媛"),
    _staff("notary_leping", Role.INSTITUTION_STAFF, NOTARY_LEPING, "邓志刚"),
    _staff("forensic_city", Role.INSTITUTION_STAFF, FORENSIC_CITY, "许晨"),
    _staff("forensic_wc", Role.INSTITUTION_STAFF, FORENSIC_WC, "傅春燕"),
    _staff("police_zhushan", Role.AGENCY_OFFICER, POLICE_ZHUSHAN, "沈勇"),
    _staff("procuratorate_city", Role.AGENCY_OFFICER, PROCURATORATE_CITY, "曾雅琴"),
    _staff("court_city", Role.AGENCY_OFFICER, COURT_CITY, "彭德明"),
    _staff("detention_zhushan", Role.DETENTION_OFFICER, DETENTION_ZHUSHAN, "胡建军"),
    _staff("applicant_01", APPLICANT, "", "吕春花"),
    _staff("applicant_02", APPLICANT, "", "苏大山"),
)


def _provider_account(p: DemoProvider) -> DemoAccount:
    return DemoAccount(p.username, Role.PROVIDER, p.organisation, p.last_name, p.first_name)


# Every demo account, in the order the command prints them (README's list follows this).
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", ADMINISTRATOR, "", "王", "立新"),
    *STAFF_ACCOUNTS,
    *(_provider_account(p) for p in LAWYERS),
    *(_provider_account(p) for p in WORKERS),
    *FIRM_ADMINS,
    *OTHER_ACCOUNTS,
)
DEMO_USERNAMES: tuple[str, ...] = tuple(a.username for a in DEMO_ACCOUNTS)

# --- rule rows -----------------------------------------------------------------------------

# region code -> (kind, monthly amount per household member, yuan). Demo values, marked as such on
# the rows (is_demo, DEMO_NOTE): of the order of Jiangxi's figures, not official ones. Jiangxi's
# monthly minimum wage tiers since 2024 are about 2,000 / 1,900 / 1,800 yuan; 乐平 uses the minimum
# wage, here the middle tier.
ECONOMIC_STANDARDS: dict[str, tuple[str, Decimal]] = {
    "jdz": (EconomicStandard.Kind.LOW_INCOME, Decimal("1200.00")),
    "zhushan": (EconomicStandard.Kind.LOW_INCOME, Decimal("1200.00")),
    "changjiang": (EconomicStandard.Kind.LOW_INCOME, Decimal("1150.00")),
    "fuliang": (EconomicStandard.Kind.LOW_INCOME, Decimal("1050.00")),
    "leping": (EconomicStandard.Kind.MINIMUM_WAGE, Decimal("1900.00")),
}

# (matter category, form of aid) -> amount per closed case (yuan) at a county-level center;
# the city center handles cases before the intermediate court and pays CITY_SUPPLEMENT more for those.
SUBSIDIES: dict[tuple[str, str], Decimal] = {
    (MatterCategory.CIVIL, AidForm.REPRESENTATION): Decimal("1500.00"),
    (MatterCategory.CIVIL, AidForm.NON_LITIGATION): Decimal("800.00"),
    (MatterCategory.CIVIL, AidForm.LABOUR_ARBITRATION): Decimal("1000.00"),
    (MatterCategory.ADMINISTRATIVE, AidForm.REPRESENTATION): Decimal("1500.00"),
    (MatterCategory.CRIMINAL, AidForm.DEFENCE): Decimal("1200.00"),
    (MatterCategory.CRIMINAL, AidForm.DUTY_LAWYER): Decimal("300.00"),
    (MatterCategory.STATE_COMPENSATION, AidForm.REPRESENTATION): Decimal("1800.00"),
}
CITY_SUPPLEMENT: dict[tuple[str, str], Decimal] = {
    (MatterCategory.CIVIL, AidForm.REPRESENTATION): Decimal("300.00"),
    (MatterCategory.ADMINISTRATIVE, AidForm.REPRESENTATION): Decimal("300.00"),
    (MatterCategory.CRIMINAL, AidForm.DEFENCE): Decimal("300.00"),
    (MatterCategory.STATE_COMPENSATION, AidForm.REPRESENTATION): Decimal("300.00"),
}

# Subsidy multipliers (a life-or-death case, a death-penalty review, cross-region work) and the share
# paid when aid is terminated before the end: demo values, marked as such on the rows.
SUBSIDY_ADJUSTMENTS: dict[str, Decimal] = {
    "life_or_death": Decimal("1.50"),
    "death_review": Decimal("1.50"),
    "cross_region": Decimal("1.20"),
    "terminated": Decimal("0.50"),
}

DUTY_LAWYER_MIN_CASES = 2
DUTY_LAWYER_MIN_HOURS = Decimal("50.0")
DUTY_NOTARY_MIN_COUNT = 4


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


class Command(BaseCommand):
    help = _(
        "Load fictional Jingdezhen demo data: organisations, providers, accounts and rule rows. "
        "Idempotent; refuses to run with DEBUG off unless --force is given."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse formats plain strings only: resolve the lazy translations when the parser is built.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=str(_("Run even though DEBUG is off (the demo accounts share a published password).")),
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo loads demo accounts that share a published password; it refuses to run "
                "with DEBUG off. Pass --force to load them anyway."
            )
        self.today = timezone.localdate()
        self.created: dict[str, int] = {}
        self.skipped_rules: list[str] = []
        # One hash for every new account: they all share the published demo password, and
        # hashing it once spares dozens of slow PBKDF2 rounds. Set only on creation.
        self.password_hash = make_password(getattr(settings, "DEMO_PASSWORD", "jdz-demo-2026"))
        with transaction.atomic():
            self.regions = {r.code: r for r in Region.objects.filter(code__in=REGION_NAMES)}
            missing = set(REGION_NAMES) - set(self.regions)
            if missing:
                raise CommandError(f"Regions missing (run migrate first): {', '.join(sorted(missing))}")
            self.organisations = {o.name: self._organisation(o) for o in demo_organisations()}
            users = {a.username: self._account(a) for a in DEMO_ACCOUNTS}
            for serial, provider in enumerate(LAWYERS, start=1):
                self._provider(provider, users[provider.username], serial)
            for serial, provider in enumerate(WORKERS, start=1):
                self._provider(provider, users[provider.username], serial)
            self._rules()
        self._report(users)

    # --- rows ------------------------------------------------------------------------------

    def _count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    def _organisation(self, spec: DemoOrganisation) -> Organisation:
        existing = Organisation.objects.filter(kind=spec.kind, name=spec.name).first()
        if existing is not None:
            return existing
        self._count("organisations")
        return services.organisation_create(
            acting_user=None,
            kind=spec.kind,
            name=spec.name,
            region=self.regions[spec.region],
            credit_code=spec.credit_code,
            address=spec.address,
            phone=spec.public_phone,
        )

    def _account(self, spec: DemoAccount):
        User = get_user_model()
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            is_admin = spec.role == ADMINISTRATOR
            user = User.objects.create(
                username=spec.username,
                password=self.password_hash,
                last_name=spec.last_name,
                first_name=spec.first_name,
                is_staff=is_admin,
                is_superuser=is_admin,
            )
            self._count("accounts")
        if spec.role == APPLICANT:
            user.groups.add(services.role_group(APPLICANT_GROUP))  # adds nothing when already there
        elif spec.organisation:
            organisation = self.organisations[spec.organisation]
            # An existing membership, even one an administrator deactivated, is left alone.
            if not Membership.objects.filter(user=user, organisation=organisation, role=spec.role).exists():
                services.membership_grant(
                    acting_user=None, user=user, organisation=organisation, role=spec.role
                )
                self._count("memberships")
        return user

    def _provider(self, spec: DemoProvider, user, serial: int) -> Provider:
        """The provider record of ``user``; created with its start date and licence the first time."""
        organisation = self.organisations[spec.organisation]
        provider = Provider.objects.filter(user=user).first()
        if provider is not None:
            return provider
        # A record left behind when its account was deleted (Provider.user is SET_NULL): relink it.
        orphan = Provider.objects.filter(
            user__isnull=True, kind=spec.kind, organisation=organisation, name=spec.name
        ).first()
        if orphan is not None:
            orphan.user = user
            orphan.save(update_fields=["user"])
            return orphan
        started = spec.started if isinstance(spec.started, datetime.date) else self.today - spec.started
        if spec.kind == ProviderKind.LAWYER:
            # practice kind 1, Jingdezhen 3602, year of licensing, type 1, sex (1 male), serial
            licence = f"13602{started.year}1{int(spec.male)}{900000 + serial:06d}"
        else:
            licence = f"JXJC3602{started.year}{serial:04d}"
        self._count("providers")
        return services.provider_create(
            acting_user=None,
            name=spec.name,
            kind=spec.kind,
            organisation=organisation,
            licence_no=licence,
            practice_start=started,
            specialties=spec.specialties,
            regions_served=[self.regions[c] for c in spec.regions],
            minors_experienced=spec.minors_experienced,
            user=user,
        )

    def _rules(self) -> None:
        for code, (kind, amount) in ECONOMIC_STANDARDS.items():
            self._rule(
                EconomicStandard, {"region": self.regions[code]}, {"kind": kind, "monthly_amount": amount}
            )
        for code, region in self.regions.items():
            for (category, form), amount in SUBSIDIES.items():
                if code == "jdz":
                    amount += CITY_SUPPLEMENT.get((category, form), Decimal("0.00"))
                self._rule(
                    SubsidyStandard,
                    {"region": region, "matter_category": category, "aid_form": form},
                    {"amount": amount},
                )
        # A local special group and a local matter (Art 42 (4), Art 32 (5)): rows, not code. The local
        # row comes first: the rule row naming it checks that the code exists.
        self._rule(
            LocalApplicantCategory,
            {"code": "local_kunjing_ertong"},
            {"label": "困境儿童", "basis": "演示数据：请按本地法规填写"},
        )
        self._rule(
            MeansExemptionRule,
            {"category": "local_kunjing_ertong"},
            {"condition": "always", "proof": "民政部门出具的困境儿童认定材料"},
        )
        self._rule(
            LocalMatterType,
            {"code": "local_jianyi_yongwei_fuxu"},
            {
                "label": "见义勇为人员抚恤补助",
                "matter_category": "administrative",
                "basis": "演示数据：请按本地法规填写",
            },
        )
        self._rule(MeansMatterRule, {"matter_type": "local_jianyi_yongwei_fuxu"}, {})
        # Multipliers of the subsidy (docs/domain.md, subsidies): demo values of the common order.
        for kind, factor in SUBSIDY_ADJUSTMENTS.items():
            self._rule(SubsidyAdjustment, {"kind": kind, "region": None}, {"factor": factor})
        year = self.today.year
        if not DutyRule.objects.filter(year=year, region__isnull=True).exists():
            rule = DutyRule(
                year=year,
                region=None,
                lawyer_min_cases=DUTY_LAWYER_MIN_CASES,
                lawyer_min_hours=DUTY_LAWYER_MIN_HOURS,
                notary_min_count=DUTY_NOTARY_MIN_COUNT,
                is_demo=True,
            )
            rule.full_clean()
            rule.save()
            self._count("rule rows")
        # the peer review's scorecards (one for every matter category), grade bands, sampling rule;
        # imported here: demo.quality takes this module's demo constants
        from demo.quality import seed_scorecards

        for _row in range(seed_scorecards()):
            self._count("rule rows")
        # the materials checklist (申请材料清单): after the local group and matter above, which it names
        from demo.checklist import seed_checklist

        for _row in range(seed_checklist()):
            self._count("rule rows")
        # collaboration letters (协作函): how many working days a letter without a deadline gets
        from demo.collaboration import seed_collaboration_rule

        for _row in range(seed_collaboration_rule()):
            self._count("rule rows")
        # detainees' applications (Art 39): the 24 hours the unit holding a person has to forward them
        from demo.forwarding import seed_forwarding_rule

        for _row in range(seed_forwarding_rule()):
            self._count("rule rows")
        # consultations (Art 23): how soon an online question is answered, and the reply-rate target
        from demo.consultations import seed_consultation_rule

        for _row in range(seed_consultation_rule()):
            self._count("rule rows")

    def _rule(self, model, key: dict, values: dict) -> None:
        """Create the demo row of ``key`` from RULES_VALID_FROM unless it, or a row overlapping it, exists."""
        rows = model._default_manager.filter(**key)
        if rows.filter(valid_from=RULES_VALID_FROM).exists():
            return
        # A row in force on or after RULES_VALID_FROM (official data entered in the admin) wins.
        if rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=RULES_VALID_FROM)).exists():
            label = ", ".join(str(v) for v in key.values())
            self.skipped_rules.append(f"{model._meta.verbose_name} ({label})")
            return
        row = model(**key, **values, valid_from=RULES_VALID_FROM, is_demo=True, note=DEMO_NOTE)
        row.full_clean()
        row.save()
        self._count("rule rows")

    # --- output ----------------------------------------------------------------------------

    def _report(self, users: dict) -> None:
        header = ("username", "role", "organisation", "name")
        rows = [
            (
                a.username,
                str(a.role),
                a.organisation or "-",
                f"{users[a.username].last_name}{users[a.username].first_name}" or "-",
            )
            for a in DEMO_ACCOUNTS
        ]
        widths = [max(_display_width(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
        line = "  ".join("-" * w for w in widths)
        out = [
            "  ".join(_pad(str(h), w) for h, w in zip(header, widths, strict=True)).rstrip(),
            line,
            *("  ".join(_pad(str(c), w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows),
        ]
        self.stdout.write("\n".join(out))
        self.stdout.write("")
        created = ", ".join(f"{n} {what}" for what, n in self.created.items()) or "nothing"
        self.stdout.write(f"Created: {created}.")
        self.stdout.write(
            "Password of every new account: the DEMO_PASSWORD setting (default jdz-demo-2026). "
            "Accounts that already existed keep their password."
        )
        for label in self.skipped_rules:
            self.stderr.write(f"Not loaded, another row is in force: {label}")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({len(DEMO_ACCOUNTS)} accounts)."))
