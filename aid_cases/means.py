"""The means test (经济困难审查, docs/domain.md, the means test) as a pure function over plain values.

No database access and no models here: the caller copies the applicable ``EconomicStandard`` row
into a :class:`Standard` and the application's household answers into a :class:`Household`, and
records the :class:`MeansResult` (with the row it used) on the decision.

Order of precedence (Legal Aid Law Arts 32 and 42):

1. ``not_restricted`` (Art 32): certain matter types are not restricted by financial hardship; a
   criminal defence sought for a reason other than economic hardship (Art 24) is not decided by it.
2. ``exempt`` (Art 42): certain applicant groups are spared the means test, on proof (有材料证明).
3. The means test proper: ``eligible`` / ``not_eligible`` / ``unknown`` (data missing).

Which matters are not restricted and which groups are exempt (with the proof each needs) are rule
rows (``MeansMatterRule``, ``MeansExemptionRule``), so the catch-all clauses (Art 32 (5), Art 42 (4))
take local additions without a code change. The caller passes the rows in force as plain values
(:class:`Exemption`, matter codes); the tuples below are the statutory defaults, seeded as rows.

A group or matter that only a local law, regulation or rules add (江西省法律援助条例, a city's rules)
has no code here: it is a local row (``LocalApplicantCategory``, ``LocalMatterType``) whose code
starts with ``local_`` (:data:`LOCAL_CODE_PREFIX`), so it can never collide with a statutory code.
The caller passes the local codes in force as :class:`LocalGroup` and :class:`LocalMatter` values,
with their Chinese labels; a rule row then names the local code like any statutory one.

Money is :class:`decimal.Decimal` throughout; floats are refused. Comparisons are exact (they go
through :class:`fractions.Fraction`), and only the per-member figure shown to people is rounded.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeVar

from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from directory.choices import MatterCategory, MatterType

__all__ = [
    "APPLICANT_CATEGORIES",
    "ApplicantCategory",
    "EXEMPT_CATEGORIES",
    "DEFAULT_EXEMPTIONS",
    "DefenceReason",
    "ELDERLY_AGE",
    "Exemption",
    "ExemptionCondition",
    "FIXED_INCOME_CATEGORIES",
    "Household",
    "LOCAL_CODE_MAX_LENGTH",
    "LOCAL_CODE_PATTERN",
    "LOCAL_CODE_PREFIX",
    "LocalGroup",
    "LocalMatter",
    "Proof",
    "MAJORITY_AGE",
    "MIGRANT_WORKER_MATTERS",
    "MeansResult",
    "NOT_RESTRICTED_MATTERS",
    "Reason",
    "Result",
    "STANDARD_KINDS",
    "Standard",
    "age_on",
    "birth_date_from_id",
    "is_local_code",
    "local_code_problem",
    "means_test",
]


class Result(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"
    EXEMPT = "exempt"
    NOT_RESTRICTED = "not_restricted"


class ApplicantCategory(models.TextChoices):
    """Applicants' special groups (docs/domain.md, the means test; docs/api.md, ``categories``)."""

    LOW_INCOME = "low_income", _("Low-income group")
    DISABLED = "disabled", _("Person with disabilities")
    MIGRANT_WORKER = "migrant_worker", _("Migrant worker")
    ELDERLY = "elderly", _("Elderly person")
    MINOR = "minor", _("Minor")
    SINGLE_MOTHER = "single_mother", _("Single mother in hardship")
    MILITARY_FAMILY = "military_family", _("Military member or family")
    VETERAN = "veteran", _("Veteran")
    ENTITLED_PERSON = "entitled_person", _("Other entitled person (优抚对象)")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance recipient")
    JUDICIAL_ASSISTANCE = "judicial_assistance", _("Judicial assistance recipient")


APPLICANT_CATEGORIES: tuple[str, ...] = tuple(ApplicantCategory.values)
# The codes a local addition may never take: the statutory groups and matters.
_STATUTORY_CODES: frozenset[str] = frozenset(ApplicantCategory.values) | frozenset(MatterType.values)


class DefenceReason(models.TextChoices):
    """Why a suspect or defendant without a defender applies (Art 24: 因经济困难或者其他原因)."""

    ECONOMIC_HARDSHIP = "economic_hardship", _("Economic hardship")
    OTHER = "other", _("Another reason")


class ExemptionCondition(models.TextChoices):
    """When a group's exemption (Art 42) applies."""

    ALWAYS = "always", _("Always")
    WITHOUT_FIXED_INCOME = "without_fixed_income", _("Without a fixed source of income")
    WAGES_OR_WORK_INJURY = "wages_or_work_injury", _("Claiming unpaid wages or work-injury compensation")


class Proof(models.TextChoices):
    """Whether the proof an exemption stands on (Art 42: 有材料证明) has been confirmed."""

    PENDING = "pending", _("Proof pending")
    CONFIRMED = "confirmed", _("Proof confirmed")
    NOT_NEEDED = "not_needed", _("No proof needed")


@dataclass(frozen=True)
class Exemption:
    """A plain copy of a ``MeansExemptionRule`` row: a group exempt from the means test (Art 42)."""

    category: str
    condition: str = ExemptionCondition.ALWAYS
    proof: str = ""  # the materials that prove it (a checklist line, as the rule row says)


# --------------------------------------------------------------------------- local additions

# A local code: ``local_`` and then lower-case ASCII letters, digits and single underscores
# (local_jianyi_yongwei, local_kunjing_ertong). The prefix keeps local codes apart from the statutory
# ones for good: API.md's enumerations are lower-case English codes, and a statutory code added later
# never starts with local_. 32 characters, the width of every column that stores a code.
LOCAL_CODE_PREFIX = "local_"
LOCAL_CODE_PATTERN = r"^local_[a-z0-9]+(?:_[a-z0-9]+)*$"
LOCAL_CODE_MAX_LENGTH = 32
_LOCAL_CODE_RE = re.compile(LOCAL_CODE_PATTERN)


def is_local_code(code: Any) -> bool:
    """Whether ``code`` is shaped as a local code (it says nothing about whether a row exists)."""
    return (
        isinstance(code, str)
        and len(code) <= LOCAL_CODE_MAX_LENGTH
        and _LOCAL_CODE_RE.fullmatch(code) is not None
    )


def local_code_problem(code: str) -> Promise | str | None:
    """Why ``code`` cannot be a local code (a message), or ``None`` when it can."""
    if code in _STATUTORY_CODES:
        return _(
            "“%(code)s” is a statutory code: a group or matter a local rule adds needs a code of its "
            "own, starting with local_."
        ) % {"code": code}
    if not is_local_code(code):
        return _(
            "A local code starts with local_ and goes on with lower-case letters, digits and single "
            "underscores, at most 32 characters (e.g. local_kunjing_ertong)."
        )
    return None


@dataclass(frozen=True)
class LocalGroup:
    """A plain copy of a ``LocalApplicantCategory`` row in force: a special group a local rule adds
    (Art 42 (4): 法律、法规、规章规定的其他人员)."""

    code: str
    label: str  # the Chinese name, as the row gives it


@dataclass(frozen=True)
class LocalMatter:
    """A plain copy of a ``LocalMatterType`` row in force: a matter a local rule adds (Art 32 (5),
    Art 31 (9): 法律、法规、规章规定的其他情形)."""

    code: str
    label: str  # the Chinese name, as the row gives it
    matter_category: str  # the MatterCategory it is filed under


# Art 32: matters for which financial hardship is not a condition at all.
NOT_RESTRICTED_MATTERS: tuple[str, ...] = (
    MatterType.HERO_MARTYR,
    MatterType.BRAVERY,
    MatterType.RETRIAL_COMPENSATION,
    MatterType.DOMESTIC_VIOLENCE,
    MatterType.ABUSE,
)

# Art 42: groups exempt from the means test for any matter (the statutory defaults).
EXEMPT_CATEGORIES: tuple[str, ...] = (
    ApplicantCategory.SOCIAL_ASSISTANCE,
    ApplicantCategory.JUDICIAL_ASSISTANCE,
    ApplicantCategory.MILITARY_FAMILY,
    ApplicantCategory.VETERAN,
    ApplicantCategory.ENTITLED_PERSON,
)
# Art 42: migrant workers are exempt only when claiming wages or work-injury compensation.
MIGRANT_WORKER_MATTERS: tuple[str, ...] = (MatterType.WAGE_ARREARS, MatterType.WORK_INJURY)
# Art 42: exempt only without a fixed source of income.
FIXED_INCOME_CATEGORIES: tuple[str, ...] = (
    ApplicantCategory.MINOR,
    ApplicantCategory.ELDERLY,
    ApplicantCategory.DISABLED,
)
# The statutory exemptions with the proof each needs: seeded as rule rows (migration 0007).
_DEFAULT_PROOF: dict[str, str] = {
    ApplicantCategory.SOCIAL_ASSISTANCE: "最低生活保障证明或者特困人员救助供养证明",
    ApplicantCategory.JUDICIAL_ASSISTANCE: "司法救助决定书或者相关证明材料",
    ApplicantCategory.MILITARY_FAMILY: "军人证件或者军属证明",
    ApplicantCategory.VETERAN: "退役军人证件或者退役证明",
    ApplicantCategory.ENTITLED_PERSON: "优待证或者优抚对象证明",
    ApplicantCategory.MIGRANT_WORKER: "劳动关系或者务工证明（劳动合同、工资记录、工伤认定等）",
    ApplicantCategory.MINOR: "身份证明及无固定生活来源的证明",
    ApplicantCategory.ELDERLY: "身份证明及无固定生活来源的证明",
    ApplicantCategory.DISABLED: "残疾人证及无固定生活来源的证明",
}
DEFAULT_EXEMPTIONS: tuple[Exemption, ...] = (
    *(Exemption(c, ExemptionCondition.ALWAYS, _DEFAULT_PROOF[c]) for c in EXEMPT_CATEGORIES),
    Exemption(
        ApplicantCategory.MIGRANT_WORKER,
        ExemptionCondition.WAGES_OR_WORK_INJURY,
        _DEFAULT_PROOF[ApplicantCategory.MIGRANT_WORKER],
    ),
    *(
        Exemption(c, ExemptionCondition.WITHOUT_FIXED_INCOME, _DEFAULT_PROOF[c])
        for c in (ApplicantCategory.MINOR, ApplicantCategory.ELDERLY, ApplicantCategory.DISABLED)
    ),
)

# Priority groups that are still means-tested (unless a rule row exempts them).
PRIORITY_ONLY_CATEGORIES: tuple[str, ...] = (ApplicantCategory.LOW_INCOME, ApplicantCategory.SINGLE_MOTHER)

MAJORITY_AGE = 18  # a minor is younger than this
ELDERLY_AGE = 60  # an elderly person is at least this old

# Labels of EconomicStandard.Kind, repeated here so that this module needs no model.
STANDARD_KINDS: dict[str, Promise] = {
    "low_income": _("Local low-income standard"),
    "minimum_wage": _("Minimum wage standard"),
}


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Standard:
    """A plain copy of an ``EconomicStandard`` row."""

    id: int | None
    region: str  # region code
    kind: str  # "low_income" | "minimum_wage"
    monthly_amount: Decimal  # per household member per month, yuan
    asset_cap: Decimal | None
    valid_from: datetime.date

    @classmethod
    def from_row(cls, row: Any) -> Standard:
        """Copy an ``EconomicStandard`` instance (duck-typed: no model import here)."""
        region = row.region
        return cls(
            id=row.pk,
            region=getattr(region, "code", region),
            kind=str(row.kind),
            monthly_amount=row.monthly_amount,
            asset_cap=row.asset_cap,
            valid_from=row.valid_from,
        )

    @property
    def kind_label(self) -> Promise:
        return STANDARD_KINDS[self.kind]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "region": self.region,
            "kind": self.kind,
            "monthly_amount": _money(self.monthly_amount),
            "asset_cap": None if self.asset_cap is None else _money(self.asset_cap),
            "valid_from": self.valid_from.isoformat(),
        }


@dataclass(frozen=True)
class Household:
    size: int | None
    monthly_income: Decimal | None
    assets: Decimal | None = None
    fixed_income: bool | None = None  # does the applicant have a fixed source of income?


@dataclass(frozen=True)
class Reason:
    code: str  # stable machine code
    message: Promise | str  # lazily translated, with the figures filled in when rendered

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": str(self.message)}


@dataclass(frozen=True)
class MeansResult:
    result: Result
    reasons: tuple[Reason, ...]
    standard: Standard | None  # the rule row used (None when none was passed in)
    per_capita_income: Decimal | None  # 0.01 yuan, ROUND_HALF_UP, for display only
    proof: tuple[str, ...] = ()  # the materials an exemption stands on (Art 42), per its rule rows

    @property
    def proof_status(self) -> Proof:
        """An exemption waits for its proof to be confirmed; every other result needs none."""
        return Proof.PENDING if self.result == Result.EXEMPT else Proof.NOT_NEEDED

    def as_dict(self) -> dict[str, Any]:
        """The ``means_test`` block of docs/api.md, messages rendered in the active language."""
        return {
            "result": str(self.result),
            "reasons": [r.as_dict() for r in self.reasons],
            "standard": None if self.standard is None else self.standard.as_dict(),
            "per_capita_income": None if self.per_capita_income is None else _money(self.per_capita_income),
            "proof": str(self.proof_status),
            "proof_required": list(self.proof),
        }


# --------------------------------------------------------------------------- messages


def _render(msgid: Promise, params: Mapping[str, Any]) -> str:
    # Translate in the language active at rendering time; lazy labels among the figures too.
    return str(msgid) % {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}


_render_lazy = lazy(_render, str)


def _reason(code: str, msgid: Promise, **params: Any) -> Reason:
    """A reason whose message is translated when rendered (``%`` on a lazy string would not be)."""
    return Reason(code=code, message=_render_lazy(msgid, params))


def _money(amount: Decimal) -> str:
    """Yuan with at least two decimals; never hides a significant digit."""
    whole, _dot, frac = f"{amount.copy_abs() if amount == 0 else amount:f}".partition(".")
    return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"


def _cents_half_up(value: Fraction) -> Decimal:
    """Round an exact non-negative amount to 0.01 yuan, half up, without an intermediate rounding."""
    cents = value * 100
    whole, rest = divmod(cents.numerator, cents.denominator)
    if 2 * rest >= cents.denominator:
        whole += 1
    return Decimal(f"{whole}E-2")  # exact at any size, exponent -2


def _label(choices: type[models.TextChoices], code: str) -> Any:
    return choices(code).label


@dataclass(frozen=True)
class _Local:
    """The local groups and matters in force, by code: the labels of codes no enumeration knows."""

    groups: Mapping[str, LocalGroup]
    matters: Mapping[str, LocalMatter]

    def group_label(self, code: str) -> Any:
        local = self.groups.get(code)
        return local.label if local is not None else _label(ApplicantCategory, code)

    def matter_label(self, code: str) -> Any:
        local = self.matters.get(code)
        return local.label if local is not None else _label(MatterType, code)


# --------------------------------------------------------------------------- ages


def birth_date_from_id(id_number: str) -> datetime.date | None:
    """The birth date in an 18-character resident ID number (digits 7-14, YYYYMMDD).

    ``None`` unless the number has 17 digits and a correct check character (stdnum's
    ``calc_check_digit``) and the date exists. As in stdnum's ``compact`` (and the API's validator),
    surrounding whitespace is ignored and ``x`` is ``X``.
    """
    if not isinstance(id_number, str):
        return None
    number = ric.compact(id_number)
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return None
    if number[-1] != ric.calc_check_digit(number):
        return None
    try:
        return ric.get_birth_date(number)
    except StdnumError:  # InvalidComponent: no such date
        return None


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Completed years on ``day``. A 29 February birthday completes on 1 March in common years."""
    if isinstance(birth, datetime.datetime) or isinstance(day, datetime.datetime):
        raise TypeError("age_on takes dates, not datetimes")
    if day < birth:
        raise ValueError(f"{day} is before the birth date {birth}")
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - int(before_birthday)


# --------------------------------------------------------------------------- validation


def _check_money(name: str, value: Any, *, optional: bool) -> Decimal | None:
    if value is None:
        if optional:
            return None
        raise ValueError(f"{name} is required")
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal (yuan), not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite amount, not {value}")
    if value < 0:
        raise ValueError(f"{name} may not be negative ({value})")
    return value


def _check_household(household: Household) -> tuple[int | None, Decimal | None, Decimal | None]:
    if not isinstance(household, Household):
        raise TypeError("household must be a Household")
    size = household.size
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"household size must be an int, not {type(size).__name__}")
        if size <= 0:
            raise ValueError(f"household size must be positive ({size})")
    income = _check_money("monthly income", household.monthly_income, optional=True)
    assets = _check_money("assets", household.assets, optional=True)
    if household.fixed_income not in (True, False, None):
        raise TypeError("fixed_income must be True, False or None")
    return size, income, assets


def _check_standard(standard: Standard | None, on: datetime.date) -> None:
    if standard is None:
        return
    if not isinstance(standard, Standard):
        raise TypeError("standard must be a Standard or None")
    if standard.kind not in STANDARD_KINDS:
        raise ValueError(f"unknown kind of standard {standard.kind!r}")
    _check_money("standard monthly amount", standard.monthly_amount, optional=False)
    _check_money("standard asset cap", standard.asset_cap, optional=True)
    if not isinstance(standard.valid_from, datetime.date):
        raise TypeError("standard valid_from must be a date")
    if standard.valid_from > on:
        raise ValueError(f"the standard is valid from {standard.valid_from}, after {on}")


_L = TypeVar("_L", LocalGroup, LocalMatter)


def _checked_rows(rows: Iterable[_L], kind: type[_L]) -> dict[str, _L]:
    """Local values by code: each of ``kind``, a local code (never a statutory one), named, once."""
    if isinstance(rows, str):
        raise ValueError("local codes must be a collection of values, not one string")
    found: dict[str, _L] = {}
    for row in rows:
        if not isinstance(row, kind):
            raise TypeError(f"local codes must be {kind.__name__} values")
        if local_code_problem(row.code) is not None:
            raise ValueError(f"{row.code!r} is not a local code (local_…, never a statutory code)")
        if not isinstance(row.label, str) or not row.label.strip():
            raise ValueError(f"the local code {row.code!r} has no label")
        if row.code in found:
            raise ValueError(f"the local code {row.code!r} is given twice")
        found[row.code] = row
    return found


def _check_local(local_groups: Iterable[LocalGroup], local_matters: Iterable[LocalMatter]) -> _Local:
    groups = _checked_rows(local_groups, LocalGroup)
    matters = _checked_rows(local_matters, LocalMatter)
    for matter in matters.values():
        if matter.matter_category not in MatterCategory.values:
            raise ValueError(f"unknown matter category {matter.matter_category!r} of {matter.code!r}")
    return _Local(groups, matters)


def _check_codes(
    categories: Iterable[str], matter_category: str, matter_type: str, local: _Local
) -> frozenset[str]:
    if isinstance(categories, str):
        raise ValueError("categories must be a collection of codes, not one string")
    cats = frozenset(categories)
    unknown = sorted(str(c) for c in cats - set(APPLICANT_CATEGORIES) - set(local.groups))
    if unknown:
        raise ValueError(f"unknown applicant categories: {', '.join(unknown)}")
    if matter_category not in MatterCategory.values:
        raise ValueError(f"unknown matter category {matter_category!r}")
    if matter_type not in MatterType.values and matter_type not in local.matters:
        raise ValueError(f"unknown matter type {matter_type!r}")
    return cats


# --------------------------------------------------------------------------- the test


def _age_groups(
    cats: frozenset[str], id_number: str | None, on: datetime.date
) -> tuple[set[str], list[Reason]]:
    """Which of minor/elderly apply, the ID number's birth date prevailing over ticked boxes."""
    notes: list[Reason] = []
    groups = {c for c in cats if c in (ApplicantCategory.MINOR, ApplicantCategory.ELDERLY)}
    birth = birth_date_from_id(id_number) if id_number else None
    if birth is not None and birth > on:
        birth = None
    if birth is None:
        if id_number:
            notes.append(
                _reason(
                    "id_number_unreadable",
                    _("No birth date could be read from the ID number; age was not derived from it."),
                )
            )
        return groups, notes

    age = age_on(birth, on)
    derived = {
        ApplicantCategory.MINOR: age < MAJORITY_AGE,
        ApplicantCategory.ELDERLY: age >= ELDERLY_AGE,
    }
    figures = {"birth": birth.isoformat(), "age": age, "day": on.isoformat()}
    groups = set()
    for group, applies in derived.items():
        label = _label(ApplicantCategory, group)
        if applies:
            groups.add(group)
            if group not in cats:
                notes.append(
                    _reason(
                        f"{group}_from_id",
                        _(
                            "The ID number gives the birth date %(birth)s: age %(age)s on %(day)s, "
                            "so the applicant counts as: %(group)s."
                        ),
                        group=label,
                        **figures,
                    )
                )
        elif group in cats:
            notes.append(
                _reason(
                    f"{group}_contradicted_by_id",
                    _(
                        "“%(group)s” was ticked, but the ID number gives the birth date %(birth)s "
                        "(age %(age)s on %(day)s); the ID number prevails."
                    ),
                    group=label,
                    **figures,
                )
            )
    return groups, notes


def _exemptions(
    cats: frozenset[str],
    matter_type: str,
    household: Household,
    id_number: str | None,
    on: datetime.date,
    exemptions: tuple[Exemption, ...],
    local: _Local,
) -> tuple[list[Reason], list[Reason], list[str]]:
    """(grounds of exemption, notes on claimed grounds that do not apply, the proof the grounds need)."""
    grounds: list[Reason] = []
    proof: list[str] = []
    age_groups, notes = _age_groups(cats, id_number, on)
    # Minor and elderly follow the ID number's birth date when it has one; the rest as ticked.
    held = (cats - {ApplicantCategory.MINOR, ApplicantCategory.ELDERLY}) | age_groups

    def grant(reason: Reason, exemption: Exemption) -> None:
        grounds.append(reason)
        if exemption.proof and exemption.proof not in proof:
            proof.append(exemption.proof)

    for exemption in exemptions:
        group = exemption.category
        if group not in held:
            continue
        label = local.group_label(group)
        if exemption.condition == ExemptionCondition.ALWAYS:
            grant(
                _reason(f"art42_{group}", _("Means test waived (Art 42): %(group)s."), group=label), exemption
            )
        elif exemption.condition == ExemptionCondition.WAGES_OR_WORK_INJURY:
            matter = local.matter_label(matter_type)
            if matter_type in MIGRANT_WORKER_MATTERS:
                grant(
                    _reason(
                        f"art42_{group}",
                        _("Means test waived (Art 42): %(group)s claiming %(matter)s."),
                        group=label,
                        matter=matter,
                    ),
                    exemption,
                )
            else:
                notes.append(
                    _reason(
                        f"{group}_matter_not_exempt",
                        _(
                            "%(group)s, but the matter (%(matter)s) is neither unpaid wages nor work injury: "
                            "not exempt on this ground."
                        ),
                        group=label,
                        matter=matter,
                    )
                )
        elif household.fixed_income is False:
            grant(
                _reason(
                    f"art42_{group}",
                    _("Means test waived (Art 42): %(group)s without a fixed source of income."),
                    group=label,
                ),
                exemption,
            )
        elif household.fixed_income is True:
            notes.append(
                _reason(
                    f"{group}_has_fixed_income",
                    _(
                        "%(group)s, but the applicant has a fixed source of income: not exempt on this ground."
                    ),
                    group=label,
                )
            )
        else:
            notes.append(
                _reason(
                    f"{group}_fixed_income_unknown",
                    _(
                        "%(group)s, but whether the applicant has a fixed source of income was not answered: "
                        "not exempt on this ground."
                    ),
                    group=label,
                )
            )

    exempt_groups = {e.category for e in exemptions}
    # A local group no rule row exempts is recorded and prioritised, and still means-tested.
    priority_only = (*PRIORITY_ONLY_CATEGORIES, *sorted(local.groups))
    for group in priority_only:
        if group in cats and group not in exempt_groups:
            notes.append(
                _reason(
                    f"{group}_means_tested",
                    _("%(group)s: a priority group, not an exemption; the means test applies."),
                    group=local.group_label(group),
                )
            )
    return grounds, notes, proof


def _check_rules(
    defence_reason: str | None,
    not_restricted_matters: Iterable[str] | None,
    exemptions: Iterable[Exemption] | None,
) -> tuple[frozenset[str], tuple[Exemption, ...]]:
    if defence_reason is not None and defence_reason not in DefenceReason.values:
        raise ValueError(f"unknown defence reason {defence_reason!r}")
    if not_restricted_matters is None:
        not_restricted_matters = NOT_RESTRICTED_MATTERS
    if isinstance(not_restricted_matters, str):
        raise ValueError("not_restricted_matters must be a collection of codes, not one string")
    matters = frozenset(not_restricted_matters)
    # A rule row may name a local code whose local row is not in force that day: no application
    # then carries the code, so the row never applies. Anything else unknown is an error.
    unknown = sorted(str(m) for m in matters - set(MatterType.values) if not is_local_code(m))
    if unknown:
        raise ValueError(f"unknown matter types: {', '.join(unknown)}")
    rows = DEFAULT_EXEMPTIONS if exemptions is None else tuple(exemptions)
    for row in rows:
        if not isinstance(row, Exemption):
            raise TypeError("exemptions must be Exemption values")
        if row.category not in APPLICANT_CATEGORIES and not is_local_code(row.category):
            raise ValueError(f"unknown applicant category {row.category!r}")
        if row.condition not in ExemptionCondition.values:
            raise ValueError(f"unknown exemption condition {row.condition!r}")
    return matters, rows


def _income_test(
    size: int | None,
    income: Decimal | None,
    assets: Decimal | None,
    standard: Standard | None,
    on: datetime.date,
) -> tuple[Result, list[Reason], Decimal | None]:
    verdict: list[Reason] = []
    notes: list[Reason] = []
    per_capita = None if size is None or income is None else _cents_half_up(Fraction(income) / size)

    missing = []
    if size is None:
        missing.append(
            _reason(
                "household_size_missing",
                _("The household size was not given; the means test cannot be completed."),
            )
        )
    if income is None:
        missing.append(
            _reason(
                "monthly_income_missing",
                _("The household's monthly income was not given; the means test cannot be completed."),
            )
        )
    if standard is None:
        missing.append(
            _reason(
                "no_standard",
                _(
                    "No economic hardship standard is in force for the region on %(day)s; "
                    "the means test cannot be completed."
                ),
                day=on.isoformat(),
            )
        )
        return Result.UNKNOWN, missing, per_capita

    cap = standard.asset_cap
    over_cap = False
    if cap is not None:
        if assets is None:
            notes.append(
                _reason(
                    "assets_not_declared",
                    _(
                        "Assets were not declared, so the asset cap of %(cap)s yuan was not checked; "
                        "the result rests on income alone."
                    ),
                    cap=_money(cap),
                )
            )
        elif assets > cap:
            over_cap = True
            verdict.append(
                _reason(
                    "assets_above_cap",
                    _("Household assets of %(assets)s yuan exceed the asset cap of %(cap)s yuan."),
                    assets=_money(assets),
                    cap=_money(cap),
                )
            )
        else:
            notes.append(
                _reason(
                    "assets_within_cap",
                    _("Household assets of %(assets)s yuan are within the asset cap of %(cap)s yuan."),
                    assets=_money(assets),
                    cap=_money(cap),
                )
            )

    if size is not None and income is not None:
        figures = {
            "income": _money(income),
            "size": size,
            "per_capita": _money(per_capita or Decimal(0)),
            "amount": _money(standard.monthly_amount),
            "kind": standard.kind_label,
        }
        # Exact: income / size <= amount  ⇔  income <= amount × size (size > 0).
        within = Fraction(income) <= Fraction(standard.monthly_amount) * size
        if within:
            (notes if over_cap else verdict).append(
                _reason(
                    "income_within_standard",
                    _(
                        "Household monthly income of %(income)s yuan for %(size)s member(s) is %(per_capita)s "
                        "yuan per member, within the standard of %(amount)s yuan (%(kind)s)."
                    ),
                    **figures,
                )
            )
        else:
            verdict.append(
                _reason(
                    "income_above_standard",
                    _(
                        "Household monthly income of %(income)s yuan for %(size)s member(s) is %(per_capita)s "
                        "yuan per member, above the standard of %(amount)s yuan (%(kind)s)."
                    ),
                    **figures,
                )
            )
        result = Result.ELIGIBLE if within and not over_cap else Result.NOT_ELIGIBLE
        return result, verdict + notes, per_capita

    # Income or size missing: assets above the cap already decide; otherwise the result is unknown.
    if over_cap:
        return Result.NOT_ELIGIBLE, verdict + missing + notes, per_capita
    return Result.UNKNOWN, missing + notes, per_capita


def means_test(
    *,
    categories: Iterable[str],
    matter_category: str,
    matter_type: str,
    household: Household,
    standard: Standard | None,
    id_number: str | None = None,
    on: datetime.date,
    defence_reason: str | None = None,
    not_restricted_matters: Iterable[str] | None = None,
    exemptions: Iterable[Exemption] | None = None,
    local_groups: Iterable[LocalGroup] = (),
    local_matters: Iterable[LocalMatter] = (),
) -> MeansResult:
    """Judge the means test for one application on day ``on`` (docs/domain.md, the means test).

    ``standard`` is the hardship standard of the applicant's region in force on ``on`` (or
    ``None`` when there is none); it is returned in the result whatever the outcome, so the
    decision records the row in force. Invalid values (unknown codes, a non-positive size,
    negative money, a standard not yet in force) raise ``ValueError``; floats raise ``TypeError``.

    ``not_restricted_matters`` (Art 32) and ``exemptions`` (Art 42) are the rule rows in force on
    ``on``; ``None`` means the statutory defaults. ``defence_reason`` is a criminal defence's reason
    (Art 24): ``other`` puts it beyond the means test.

    ``local_groups`` and ``local_matters`` are the groups and matters local rules add, in force on
    ``on`` (Art 42 (4), Art 32 (5)): their codes are accepted in ``categories`` and ``matter_type``,
    and their labels name them in the reasons. A rule row naming one applies like any other.
    """
    if not isinstance(on, datetime.date) or isinstance(on, datetime.datetime):
        raise TypeError("on must be a date")
    local = _check_local(local_groups, local_matters)
    cats = _check_codes(categories, matter_category, matter_type, local)
    size, income, assets = _check_household(household)
    _check_standard(standard, on)
    matters, exemption_rows = _check_rules(defence_reason, not_restricted_matters, exemptions)

    # 1. Art 32: not restricted by financial hardship.
    if matter_type in matters:
        reason = _reason(
            f"art32_{matter_type}",
            _("Not restricted by financial hardship (Art 32): %(matter)s; no means test applies."),
            matter=local.matter_label(matter_type),
        )
        return MeansResult(Result.NOT_RESTRICTED, (reason,), standard, None)
    # Art 24: a defence sought for another reason than economic hardship is not means-tested.
    if matter_type == MatterType.CRIMINAL_DEFENCE and defence_reason == DefenceReason.OTHER:
        reason = _reason(
            "art24_other_reason",
            _(
                "Criminal defence applied for on a ground other than economic hardship (Art 24): "
                "the means test does not decide."
            ),
        )
        return MeansResult(Result.NOT_RESTRICTED, (reason,), standard, None)

    # 2. Art 42: exempt from the means test, on the proof its rule names.
    grounds, notes, proof = _exemptions(cats, matter_type, household, id_number, on, exemption_rows, local)
    if grounds:
        return MeansResult(Result.EXEMPT, tuple(grounds + notes), standard, None, tuple(proof))

    # 3. The means test proper.
    result, reasons, per_capita = _income_test(size, income, assets, standard, on)
    return MeansResult(result, tuple(reasons + notes), standard, per_capita)
