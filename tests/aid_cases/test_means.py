"""The means test (docs/domain.md) as a pure function: boundaries, bypasses, ages and properties."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric

from aid_cases.means import (
    APPLICANT_CATEGORIES,
    DEFAULT_EXEMPTIONS,
    EXEMPT_CATEGORIES,
    NOT_RESTRICTED_MATTERS,
    ApplicantCategory,
    Exemption,
    Household,
    MeansResult,
    Result,
    Standard,
    age_on,
    birth_date_from_id,
    means_test,
)
from directory.choices import MatterCategory, MatterType

D = Decimal
ON = date(2026, 6, 1)
STD = Standard(
    id=7,
    region="zhushan",
    kind="low_income",
    monthly_amount=D("1200.00"),
    asset_cap=None,
    valid_from=date(2026, 1, 1),
)
CAPPED = Standard(
    id=8,
    region="zhushan",
    kind="minimum_wage",
    monthly_amount=D("1200.00"),
    asset_cap=D("50000.00"),
    valid_from=date(2026, 1, 1),
)
RICH = Household(size=3, monthly_income=D("9000.00"))  # 3000.00 a member: above the standard
POOR = Household(size=3, monthly_income=D("2400.00"))  # 800.00 a member: within


def resident_id(birth: date, serial: str = "001", region: str | None = None) -> str:
    """A valid 18-character resident ID number; stdnum computes the check character.

    Zhushan district (360203) exists since 1983; stdnum refuses it for earlier births, so older
    applicants get the city's code (360200).
    """
    region = region or ("360203" if birth.year >= 1983 else "360200")
    body = f"{region}{birth:%Y%m%d}{serial}"
    number = body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit
    ric.validate(number)
    return number


def run(
    *,
    categories=(),
    matter_type="other",
    matter_category="civil",
    household=POOR,
    standard=STD,
    id_number=None,
    on=ON,
) -> MeansResult:
    return means_test(
        categories=categories,
        matter_category=matter_category,
        matter_type=matter_type,
        household=household,
        standard=standard,
        id_number=id_number,
        on=on,
    )


def codes(outcome: MeansResult) -> list[str]:
    return [r.code for r in outcome.reasons]


def rendered(outcome: MeansResult, language: str = "en") -> list[str]:
    with translation.override(language):
        return [str(r.message) for r in outcome.reasons]


# --------------------------------------------------------------------------- income boundaries


@pytest.mark.parametrize(
    ("size", "income", "expected"),
    [
        (3, "3600.00", Result.ELIGIBLE),  # exactly at the standard
        (3, "3599.99", Result.ELIGIBLE),  # one fen below
        (3, "3600.01", Result.NOT_ELIGIBLE),  # one fen above
        (1, "1200.00", Result.ELIGIBLE),
        (1, "1199.99", Result.ELIGIBLE),
        (1, "1200.01", Result.NOT_ELIGIBLE),
        (1, "0.00", Result.ELIGIBLE),
        (7, "8400.00", Result.ELIGIBLE),
        (7, "8400.01", Result.NOT_ELIGIBLE),
    ],
)
def test_income_boundaries(size, income, expected):
    outcome = run(household=Household(size=size, monthly_income=D(income)))
    assert outcome.result == expected
    assert codes(outcome)[0] == (
        "income_within_standard" if expected == Result.ELIGIBLE else "income_above_standard"
    )
    assert outcome.standard == STD


def test_no_rounding_before_comparing():
    # 3600.01 / 3 = 1200.0033…: shown as 1200.00 a member, yet above the standard.
    outcome = run(household=Household(size=3, monthly_income=D("3600.01")))
    assert outcome.result == Result.NOT_ELIGIBLE
    assert outcome.per_capita_income == D("1200.00")
    # A standard with more places than the income is compared exactly too.
    odd = Standard(None, "zhushan", "low_income", D("1200.004"), None, date(2026, 1, 1))
    assert run(household=Household(1, D("1200.00")), standard=odd).result == Result.ELIGIBLE
    assert run(household=Household(1, D("1200.01")), standard=odd).result == Result.NOT_ELIGIBLE


@pytest.mark.parametrize(
    ("income", "size", "shown"),
    [
        ("2400.00", 3, "800.00"),
        ("1000.00", 3, "333.33"),
        ("2.00", 3, "0.67"),
        ("0.05", 2, "0.03"),
        ("0.15", 2, "0.08"),
        ("0.01", 3, "0.00"),
        ("3600.02", 3, "1200.01"),
    ],
)
def test_per_capita_is_rounded_half_up_for_display(income, size, shown):
    outcome = run(household=Household(size=size, monthly_income=D(income)))
    assert outcome.per_capita_income == D(shown)
    assert str(outcome.per_capita_income) == shown


def test_trailing_zeros_do_not_matter():
    a = run(household=Household(3, D("3600"))).result
    b = run(household=Household(3, D("3600.0000"))).result
    assert a == b == Result.ELIGIBLE


def test_integer_income_is_accepted_as_exact_yuan():
    assert run(household=Household(3, 3600)).result == Result.ELIGIBLE
    assert run(household=Household(3, 3601)).result == Result.NOT_ELIGIBLE


# --------------------------------------------------------------------------- unknown


def test_missing_income_is_unknown():
    outcome = run(household=Household(size=3, monthly_income=None))
    assert outcome.result == Result.UNKNOWN
    assert codes(outcome) == ["monthly_income_missing"]
    assert outcome.per_capita_income is None
    assert outcome.standard == STD


def test_missing_size_is_unknown():
    outcome = run(household=Household(size=None, monthly_income=D("100.00")))
    assert outcome.result == Result.UNKNOWN
    assert codes(outcome) == ["household_size_missing"]


def test_both_missing_names_both():
    outcome = run(household=Household(size=None, monthly_income=None))
    assert outcome.result == Result.UNKNOWN
    assert codes(outcome) == ["household_size_missing", "monthly_income_missing"]


def test_no_standard_is_unknown_even_for_a_tiny_income():
    outcome = run(household=Household(size=3, monthly_income=D("0.00")), standard=None)
    assert outcome.result == Result.UNKNOWN
    assert codes(outcome) == ["no_standard"]
    assert outcome.standard is None
    assert outcome.per_capita_income == D("0.00")
    assert "2026-06-01" in rendered(outcome)[0]


def test_no_standard_and_missing_data_names_everything():
    outcome = run(household=Household(size=None, monthly_income=None), standard=None)
    assert codes(outcome) == ["household_size_missing", "monthly_income_missing", "no_standard"]


# --------------------------------------------------------------------------- asset cap


@pytest.mark.parametrize(
    ("assets", "expected", "code"),
    [
        ("50000.00", Result.ELIGIBLE, "assets_within_cap"),  # exactly at the cap
        ("49999.99", Result.ELIGIBLE, "assets_within_cap"),
        ("0.00", Result.ELIGIBLE, "assets_within_cap"),
        ("50000.01", Result.NOT_ELIGIBLE, "assets_above_cap"),  # one fen above
    ],
)
def test_asset_cap_boundaries(assets, expected, code):
    outcome = run(household=Household(3, D("2400.00"), assets=D(assets)), standard=CAPPED)
    assert outcome.result == expected
    assert code in codes(outcome)
    assert "income_within_standard" in codes(outcome)
    if expected == Result.NOT_ELIGIBLE:
        assert codes(outcome)[0] == "assets_above_cap"  # the deciding reason comes first
        text = rendered(outcome)[0]
        assert "50000.01" in text and "50000.00" in text


def test_assets_not_declared_judges_on_income_alone():
    eligible = run(household=Household(3, D("2400.00")), standard=CAPPED)
    assert eligible.result == Result.ELIGIBLE
    assert codes(eligible) == ["income_within_standard", "assets_not_declared"]
    assert "50000.00" in rendered(eligible)[1]
    refused = run(household=Household(3, D("3600.01")), standard=CAPPED)
    assert refused.result == Result.NOT_ELIGIBLE
    assert "assets_not_declared" in codes(refused)


def test_assets_without_a_cap_are_not_judged():
    outcome = run(household=Household(3, D("2400.00"), assets=D("9999999.00")), standard=STD)
    assert outcome.result == Result.ELIGIBLE
    assert codes(outcome) == ["income_within_standard"]


def test_income_and_assets_both_above():
    outcome = run(household=Household(3, D("9000.00"), assets=D("60000.00")), standard=CAPPED)
    assert outcome.result == Result.NOT_ELIGIBLE
    assert codes(outcome) == ["assets_above_cap", "income_above_standard"]


def test_assets_above_cap_decide_even_when_income_is_missing():
    outcome = run(household=Household(3, None, assets=D("60000.00")), standard=CAPPED)
    assert outcome.result == Result.NOT_ELIGIBLE
    assert codes(outcome) == ["assets_above_cap", "monthly_income_missing"]


def test_assets_within_cap_and_income_missing_stay_unknown():
    outcome = run(household=Household(3, None, assets=D("10.00")), standard=CAPPED)
    assert outcome.result == Result.UNKNOWN


# --------------------------------------------------------------------------- Art 32


@pytest.mark.parametrize(
    "matter_type", ["hero_martyr", "bravery", "retrial_compensation", "domestic_violence", "abuse"]
)
def test_art32_matters_are_not_restricted(matter_type):
    outcome = run(matter_type=matter_type, household=RICH)
    assert outcome.result == Result.NOT_RESTRICTED
    assert codes(outcome) == [f"art32_{matter_type}"]
    assert outcome.standard == STD  # the row in force is recorded all the same
    assert outcome.per_capita_income is None  # income is not judged


def test_domestic_violence_victim_above_the_standard_is_not_restricted():
    outcome = run(
        matter_type="domestic_violence",
        household=Household(1, D("1200.01"), assets=D("1e6")),
        standard=CAPPED,
    )
    assert outcome.result == Result.NOT_RESTRICTED
    assert outcome.reasons[0].code == "art32_domestic_violence"
    assert outcome.standard == CAPPED


def test_art32_needs_no_household_data_nor_standard():
    outcome = run(matter_type="bravery", household=Household(None, None), standard=None)
    assert outcome.result == Result.NOT_RESTRICTED
    assert outcome.standard is None


def test_art32_takes_precedence_over_art42():
    outcome = run(matter_type="hero_martyr", categories=["social_assistance", "veteran"], household=RICH)
    assert outcome.result == Result.NOT_RESTRICTED


def test_retrial_compensation_under_the_state_compensation_category():
    outcome = run(matter_type="retrial_compensation", matter_category="state_compensation", household=RICH)
    assert outcome.result == Result.NOT_RESTRICTED
    # ordinary state compensation is means-tested
    ordinary = run(matter_type="state_compensation", matter_category="state_compensation", household=RICH)
    assert ordinary.result == Result.NOT_ELIGIBLE


# --------------------------------------------------------------------------- Art 42


@pytest.mark.parametrize(
    "category", ["social_assistance", "judicial_assistance", "military_family", "veteran", "entitled_person"]
)
def test_exempt_groups_for_any_matter(category):
    for matter_type in ("other", "maintenance", "criminal_victim"):
        outcome = run(categories=[category], matter_type=matter_type, household=RICH)
        assert outcome.result == Result.EXEMPT
        assert codes(outcome) == [f"art42_{category}"]
        assert outcome.standard == STD
        assert outcome.per_capita_income is None


def test_exempt_needs_no_household_data_nor_standard():
    outcome = run(categories=["social_assistance"], household=Household(None, None), standard=None)
    assert outcome.result == Result.EXEMPT
    assert outcome.standard is None


@pytest.mark.parametrize("matter_type", ["wage_arrears", "work_injury"])
def test_migrant_worker_exempt_for_wages_and_work_injury(matter_type):
    outcome = run(categories=["migrant_worker"], matter_type=matter_type, household=RICH)
    assert outcome.result == Result.EXEMPT
    assert codes(outcome) == ["art42_migrant_worker"]


@pytest.mark.parametrize("matter_type", ["other", "labour_relation", "traffic_injury"])
def test_migrant_worker_means_tested_for_other_matters(matter_type):
    refused = run(categories=["migrant_worker"], matter_type=matter_type, household=RICH)
    assert refused.result == Result.NOT_ELIGIBLE
    assert codes(refused) == ["income_above_standard", "migrant_worker_matter_not_exempt"]
    eligible = run(categories=["migrant_worker"], matter_type=matter_type, household=POOR)
    assert eligible.result == Result.ELIGIBLE


@pytest.mark.parametrize("category", ["elderly", "disabled", "minor"])
def test_fixed_income_groups(category):
    exempt = run(categories=[category], household=Household(3, D("9000.00"), fixed_income=False))
    assert exempt.result == Result.EXEMPT
    assert codes(exempt) == [f"art42_{category}"]

    with_income = run(categories=[category], household=Household(3, D("9000.00"), fixed_income=True))
    assert with_income.result == Result.NOT_ELIGIBLE
    assert f"{category}_has_fixed_income" in codes(with_income)

    unanswered = run(categories=[category], household=Household(3, D("9000.00"), fixed_income=None))
    assert unanswered.result == Result.NOT_ELIGIBLE
    assert f"{category}_fixed_income_unknown" in codes(unanswered)

    poor = run(categories=[category], household=Household(3, D("2400.00"), fixed_income=True))
    assert poor.result == Result.ELIGIBLE


@pytest.mark.parametrize("category", ["low_income", "single_mother"])
def test_priority_groups_are_still_means_tested(category):
    outcome = run(categories=[category], household=RICH)
    assert outcome.result == Result.NOT_ELIGIBLE
    assert codes(outcome) == ["income_above_standard", f"{category}_means_tested"]
    assert run(categories=[category], household=POOR).result == Result.ELIGIBLE


def test_several_grounds_are_all_listed():
    outcome = run(
        categories=["veteran", "migrant_worker", "disabled"],
        matter_type="wage_arrears",
        household=Household(3, D("9000.00"), fixed_income=False),
    )
    assert outcome.result == Result.EXEMPT
    assert codes(outcome) == ["art42_veteran", "art42_migrant_worker", "art42_disabled"]


# --------------------------------------------------------------------------- ages from the ID number


def test_birth_date_from_id():
    number = resident_id(date(2008, 6, 2))
    assert birth_date_from_id(number) == date(2008, 6, 2)
    assert birth_date_from_id(f" {number}\n") == date(2008, 6, 2)
    assert birth_date_from_id(f"{number[:6]}-{number[6:]}") is None


def test_birth_date_from_id_with_an_x_check_character():
    serial = next(f"{n:03d}" for n in range(1000) if resident_id(date(1990, 1, 1), f"{n:03d}").endswith("X"))
    number = resident_id(date(1990, 1, 1), serial)
    assert birth_date_from_id(number) == date(1990, 1, 1)
    assert birth_date_from_id(number.lower()) == date(1990, 1, 1)


@pytest.mark.parametrize(
    "number",
    [
        "",
        "360203200806020",
        "3602032008060200011",
        "36020320080602001A",
        "３６０２０３２００８０６０２００１１",
        "ABCDEF200806020011",
    ],
)
def test_birth_date_from_id_unparseable(number):
    assert birth_date_from_id(number) is None


def test_birth_date_from_id_refuses_a_wrong_check_digit_and_an_impossible_date():
    number = resident_id(date(2008, 6, 2))
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    assert birth_date_from_id(wrong) is None
    body = "36020320070229001"  # 2007 is not a leap year
    assert birth_date_from_id(body + ric.calc_check_digit(body + "0")) is None


def test_age_on():
    assert age_on(date(2008, 6, 2), date(2026, 6, 1)) == 17
    assert age_on(date(2008, 6, 2), date(2026, 6, 2)) == 18
    assert age_on(date(2008, 6, 2), date(2008, 6, 2)) == 0
    with pytest.raises(ValueError):
        age_on(date(2008, 6, 2), date(2008, 6, 1))


def test_age_on_29_february():
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 17  # common year: not yet
    assert age_on(born, date(2026, 3, 1)) == 18  # completes on 1 March
    assert age_on(born, date(2028, 2, 28)) == 19
    assert age_on(born, date(2028, 2, 29)) == 20  # leap year: on the day itself


def test_minor_derived_from_id_the_day_before_the_18th_birthday():
    number = resident_id(date(2008, 6, 2))
    outcome = run(
        id_number=number, household=Household(3, D("9000.00"), fixed_income=False), on=date(2026, 6, 1)
    )
    assert outcome.result == Result.EXEMPT
    assert codes(outcome) == ["art42_minor", "minor_from_id"]
    note = rendered(outcome)[1]
    assert "2008-06-02" in note and "17" in note and "2026-06-01" in note


def test_no_longer_a_minor_on_the_18th_birthday():
    number = resident_id(date(2008, 6, 2))
    outcome = run(
        id_number=number, household=Household(3, D("9000.00"), fixed_income=False), on=date(2026, 6, 2)
    )
    assert outcome.result == Result.NOT_ELIGIBLE
    assert codes(outcome) == ["income_above_standard"]


def test_minor_from_id_with_a_fixed_income_is_means_tested():
    number = resident_id(date(2010, 1, 1))
    outcome = run(id_number=number, household=Household(3, D("9000.00"), fixed_income=True))
    assert outcome.result == Result.NOT_ELIGIBLE
    assert codes(outcome) == ["income_above_standard", "minor_from_id", "minor_has_fixed_income"]


def test_elderly_from_id_on_the_60th_birthday():
    number = resident_id(date(1966, 6, 1))
    household = Household(3, D("9000.00"), fixed_income=False)
    outcome = run(id_number=number, household=household, on=date(2026, 6, 1))
    assert outcome.result == Result.EXEMPT
    assert codes(outcome) == ["art42_elderly", "elderly_from_id"]
    day_before = run(id_number=number, household=household, on=date(2026, 5, 31))
    assert day_before.result == Result.NOT_ELIGIBLE


def test_elderly_ticked_and_confirmed_by_the_id_needs_no_note():
    number = resident_id(date(1950, 3, 3))
    outcome = run(
        categories=["elderly"], id_number=number, household=Household(1, D("5000"), fixed_income=False)
    )
    assert codes(outcome) == ["art42_elderly"]


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2026, 2, 28), Result.EXEMPT), (date(2026, 3, 1), Result.NOT_ELIGIBLE)],
)
def test_minor_born_on_29_february(on, expected):
    number = resident_id(date(2008, 2, 29))
    assert birth_date_from_id(number) == date(2008, 2, 29)
    outcome = run(id_number=number, household=Household(3, D("9000.00"), fixed_income=False), on=on)
    assert outcome.result == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2024, 2, 28), Result.NOT_ELIGIBLE),
        (date(2024, 2, 29), Result.EXEMPT),
        (date(2025, 2, 28), Result.EXEMPT),
        (date(2023, 3, 1), Result.NOT_ELIGIBLE),
    ],
)
def test_elderly_born_on_29_february(on, expected):
    number = resident_id(date(1964, 2, 29))
    household = Household(3, D("9000.00"), fixed_income=False)
    standard = Standard(1, "zhushan", "low_income", D("1200.00"), None, date(2020, 1, 1))
    assert run(id_number=number, household=household, standard=standard, on=on).result == expected


def test_ticked_minor_contradicted_by_an_adults_id_is_not_exempt():
    number = resident_id(date(1990, 5, 5))
    outcome = run(
        categories=["minor"], id_number=number, household=Household(3, D("9000.00"), fixed_income=False)
    )
    assert outcome.result == Result.NOT_ELIGIBLE
    assert codes(outcome) == ["income_above_standard", "minor_contradicted_by_id"]
    assert "1990-05-05" in rendered(outcome)[1]


def test_ticked_elderly_contradicted_by_a_young_id_is_not_exempt():
    number = resident_id(date(1990, 5, 5))
    outcome = run(
        categories=["elderly"], id_number=number, household=Household(3, D("9000.00"), fixed_income=False)
    )
    assert outcome.result == Result.NOT_ELIGIBLE
    assert "elderly_contradicted_by_id" in codes(outcome)


def test_ticked_minor_contradicted_but_exempt_on_another_ground():
    number = resident_id(date(1990, 5, 5))
    outcome = run(
        categories=["minor", "disabled"],
        id_number=number,
        household=Household(3, D("9000.00"), fixed_income=False),
    )
    assert outcome.result == Result.EXEMPT
    assert codes(outcome) == ["art42_disabled", "minor_contradicted_by_id"]


def test_unreadable_id_leaves_the_ticked_category_trusted():
    outcome = run(
        categories=["minor"],
        id_number="360203200806020019",  # wrong check digit
        household=Household(3, D("9000.00"), fixed_income=False),
    )
    assert outcome.result == Result.EXEMPT
    assert codes(outcome) == ["art42_minor", "id_number_unreadable"]


def test_birth_date_after_the_day_is_not_used():
    number = resident_id(date(2027, 1, 1))
    outcome = run(id_number=number, household=RICH)
    assert outcome.result == Result.NOT_ELIGIBLE
    assert "id_number_unreadable" in codes(outcome)


# --------------------------------------------------------------------------- invalid input


@pytest.mark.parametrize(
    "household",
    [
        Household(0, D("100.00")),
        Household(-1, D("100.00")),
        Household(3, D("-0.01")),
        Household(3, D("100.00"), assets=D("-0.01")),
        Household(3, D("NaN")),
        Household(3, D("Infinity")),
    ],
)
def test_invalid_household_raises(household):
    with pytest.raises(ValueError):
        run(household=household)


@pytest.mark.parametrize(
    "household",
    [
        Household(3, 100.0),
        Household(3, D("100"), assets=0.0),
        Household(3.0, D("100")),
        Household(True, D("1")),
        Household(3, "100.00"),
    ],
)
def test_floats_and_strings_are_refused(household):
    with pytest.raises(TypeError):
        run(household=household)


def test_invalid_values_are_refused_even_when_not_judged():
    with pytest.raises(ValueError):
        run(matter_type="bravery", household=Household(0, None))
    with pytest.raises(ValueError):
        run(categories=["veteran"], household=Household(2, D("-1")))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"categories": ["rich"]},
        {"categories": ["minor", "Minor"]},
        {"categories": "minor"},
        {"matter_type": "divorce"},
        {"matter_category": "family"},
        {"standard": Standard(1, "zhushan", "median_income", D("1200.00"), None, date(2026, 1, 1))},
        {"standard": Standard(1, "zhushan", "low_income", D("-1.00"), None, date(2026, 1, 1))},
        {"standard": Standard(1, "zhushan", "low_income", D("1200.00"), D("-1.00"), date(2026, 1, 1))},
        {"standard": Standard(1, "zhushan", "low_income", D("1200.00"), None, date(2026, 6, 2))},
    ],
)
def test_invalid_codes_and_standards_raise(kwargs):
    with pytest.raises(ValueError):
        run(**kwargs)


def test_every_code_of_the_choices_is_accepted():
    for category in MatterCategory.values:
        for matter_type in MatterType.values:
            outcome = run(categories=APPLICANT_CATEGORIES, matter_category=category, matter_type=matter_type)
            assert outcome.result in (Result.EXEMPT, Result.NOT_RESTRICTED)


def test_applicant_categories():
    assert APPLICANT_CATEGORIES == (
        "low_income",
        "disabled",
        "migrant_worker",
        "elderly",
        "minor",
        "single_mother",
        "military_family",
        "veteran",
        "entitled_person",
        "social_assistance",
        "judicial_assistance",
    )
    with translation.override("en"):
        assert str(ApplicantCategory.MIGRANT_WORKER.label) == "Migrant worker"
        assert str(ApplicantCategory.ENTITLED_PERSON.label) == "Other entitled person (优抚对象)"


# --------------------------------------------------------------------------- messages


def test_eligible_message_carries_the_figures():
    outcome = run(household=Household(3, D("2400.00")))
    (text,) = rendered(outcome)
    assert text == (
        "Household monthly income of 2400.00 yuan for 3 member(s) is 800.00 yuan per member, "
        "within the standard of 1200.00 yuan (Local low-income standard)."
    )


def test_not_eligible_message_carries_the_figures():
    outcome = run(household=Household(1, D("1200.01")), standard=CAPPED)
    text = rendered(outcome)[0]
    assert "1200.01" in text and "above" in text and "Minimum wage standard" in text


def test_messages_are_translated_when_rendered_not_when_built():
    outcome = run(household=Household(3, D("2400.00")))
    message = outcome.reasons[0].message
    with translation.override("zh-hans"):
        assert "当地低收入标准" in str(message)
    with translation.override("en"):
        assert "Local low-income standard" in str(message)
    exempt = run(categories=["migrant_worker"], matter_type="wage_arrears", household=RICH)
    with translation.override("zh-hans"):
        assert "追索劳动报酬" in str(exempt.reasons[0].message)
    with translation.override("en"):
        assert "Unpaid wages" in str(exempt.reasons[0].message)


SCENARIOS = [
    {"household": POOR},
    {"household": RICH},
    {"household": Household(None, None), "standard": None},
    {"household": Household(3, D("2400"), assets=D("9e4")), "standard": CAPPED},
    {"household": Household(3, D("2400")), "standard": CAPPED},
    {"household": Household(3, D("2400"), assets=D("10")), "standard": CAPPED},
    {"matter_type": "abuse"},
    {"categories": ["judicial_assistance"]},
    {"categories": ["migrant_worker"], "matter_type": "work_injury"},
    {"categories": ["migrant_worker"]},
    {"categories": ["disabled", "elderly", "minor"], "household": Household(3, D("1"), fixed_income=True)},
    {"categories": ["disabled"], "household": Household(3, D("1"))},
    {"categories": ["low_income", "single_mother"]},
    {"categories": ["minor"], "id_number": resident_id(date(1980, 1, 1))},
    {"id_number": resident_id(date(1940, 1, 1)), "household": Household(2, D("1"), fixed_income=False)},
    {"id_number": "not an id"},
]


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_message_renders(scenario, language):
    outcome = run(**scenario)
    assert outcome.reasons
    for reason, text in zip(outcome.reasons, rendered(outcome, language), strict=True):
        assert reason.code and reason.code.isascii() and " " not in reason.code
        assert text and "%(" not in text and ")s" not in text


def test_as_dict_for_the_api():
    outcome = run(household=Household(3, D("2400.00")))
    with translation.override("en"):
        data = outcome.as_dict()
    assert data["result"] == "eligible"
    assert data["reasons"][0]["code"] == "income_within_standard"
    assert "800.00" in data["reasons"][0]["message"]
    assert data["standard"] == {
        "id": 7,
        "region": "zhushan",
        "kind": "low_income",
        "monthly_amount": "1200.00",
        "asset_cap": None,
        "valid_from": "2026-01-01",
    }
    assert data["per_capita_income"] == "800.00"


def test_standard_from_row():
    row = SimpleNamespace(
        pk=3,
        region=SimpleNamespace(code="fuliang"),
        kind="minimum_wage",
        monthly_amount=D("1850.00"),
        asset_cap=D("30000.00"),
        valid_from=date(2025, 7, 1),
    )
    assert Standard.from_row(row) == Standard(
        3, "fuliang", "minimum_wage", D("1850.00"), D("30000.00"), date(2025, 7, 1)
    )


def test_result_is_a_str_enum():
    assert Result.NOT_RESTRICTED == "not_restricted"
    assert {r.value for r in Result} == {"eligible", "not_eligible", "unknown", "exempt", "not_restricted"}


# --------------------------------------------------------------------------- properties

money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
fine_money = st.decimals(min_value=0, max_value=10**5, places=6, allow_nan=False, allow_infinity=False)
sizes = st.integers(min_value=1, max_value=30)
category_sets = st.sets(st.sampled_from(APPLICANT_CATEGORIES))
tested_matters = st.sampled_from([m for m in MatterType.values if m not in NOT_RESTRICTED_MATTERS])
fixed = st.sampled_from([True, False, None])
births = st.dates(min_value=date(1920, 1, 1), max_value=ON)


def standard_of(amount, cap=None) -> Standard:
    return Standard(None, "zhushan", "low_income", amount, cap, date(2026, 1, 1))


@given(income=money, size=sizes, amount=money)
def test_property_eligible_iff_income_within_amount_times_size(income, size, amount):
    outcome = run(household=Household(size, income), standard=standard_of(amount))
    assert outcome.result == (Result.ELIGIBLE if income <= amount * size else Result.NOT_ELIGIBLE)


@given(income=fine_money, size=sizes, amount=fine_money)
def test_property_exact_arithmetic(income, size, amount):
    outcome = run(household=Household(size, income), standard=standard_of(amount))
    expected = Fraction(income) <= Fraction(amount) * size
    assert (outcome.result == Result.ELIGIBLE) is expected
    assert outcome.per_capita_income is not None
    assert abs(Fraction(outcome.per_capita_income) - Fraction(income) / size) <= Fraction(1, 200)


@given(size=sizes, amount=money)
def test_property_exactly_at_the_standard_and_one_fen_above(size, amount):
    at = amount * size
    assert run(household=Household(size, at), standard=standard_of(amount)).result == Result.ELIGIBLE
    above = at + D("0.01")
    assert run(household=Household(size, above), standard=standard_of(amount)).result == Result.NOT_ELIGIBLE


@given(low=money, high=money, size=sizes, amount=money, assets=st.none() | money, cap=st.none() | money)
def test_property_monotonic_in_income(low, high, size, amount, assets, cap):
    low, high = sorted((low, high))
    standard = standard_of(amount, cap)
    a = run(household=Household(size, low, assets), standard=standard).result
    b = run(household=Household(size, high, assets), standard=standard).result
    assert not (a == Result.NOT_ELIGIBLE and b == Result.ELIGIBLE)
    if b == Result.ELIGIBLE:
        assert a == Result.ELIGIBLE


@given(
    base=category_sets,
    extra=category_sets,
    matter_type=tested_matters,
    income=money,
    size=sizes,
    amount=money,
    fixed_income=fixed,
    birth=st.none() | births,
)
def test_property_adding_a_category_never_hurts(
    base, extra, matter_type, income, size, amount, fixed_income, birth
):
    kwargs = {
        "matter_type": matter_type,
        "household": Household(size, income, fixed_income=fixed_income),
        "standard": standard_of(amount),
        "id_number": resident_id(birth) if birth else None,
    }
    before = run(categories=base, **kwargs).result
    after = run(categories=base | extra, **kwargs).result
    if before == Result.ELIGIBLE:
        assert after in (Result.ELIGIBLE, Result.EXEMPT)
    if before == Result.EXEMPT:
        assert after == Result.EXEMPT


@given(
    category=st.sampled_from(EXEMPT_CATEGORIES),
    matter_type=tested_matters,
    income=money,
    size=sizes,
    amount=money,
)
def test_property_exempt_groups_ignore_income(category, matter_type, income, size, amount):
    outcome = run(
        categories=[category],
        matter_type=matter_type,
        household=Household(size, income),
        standard=standard_of(amount),
    )
    assert outcome.result == Result.EXEMPT


@given(
    categories=category_sets,
    matter_type=st.sampled_from(MatterType.values),
    matter_category=st.sampled_from(MatterCategory.values),
    size=st.none() | sizes,
    income=st.none() | money,
    assets=st.none() | money,
    fixed_income=fixed,
    amount=money,
    cap=st.none() | money,
    has_standard=st.booleans(),
    birth=st.none() | births,
)
def test_property_reasons_never_empty_and_always_render(
    categories,
    matter_type,
    matter_category,
    size,
    income,
    assets,
    fixed_income,
    amount,
    cap,
    has_standard,
    birth,
):
    standard = standard_of(amount, cap) if has_standard else None
    outcome = run(
        categories=categories,
        matter_type=matter_type,
        matter_category=matter_category,
        household=Household(size, income, assets, fixed_income),
        standard=standard,
        id_number=resident_id(birth) if birth else None,
    )
    assert outcome.reasons
    assert outcome.standard == standard
    with translation.override("en"):
        for reason in outcome.reasons:
            text = str(reason.message)
            assert reason.code and text and "%(" not in text
    if outcome.result in (Result.ELIGIBLE, Result.NOT_ELIGIBLE) and income is not None and size is not None:
        assert outcome.per_capita_income is not None


@given(income=money, size=sizes)
def test_property_float_never_enters(income, size):
    with pytest.raises(TypeError):
        run(household=Household(size, float(income)))
    with pytest.raises(TypeError):
        run(household=Household(size, income, assets=float(income)))


def test_float_pitfall_cases_are_exact():
    # In binary floating point 0.7 * 3 == 2.0999999999999996 < 2.1, and 0.1 + 0.2 > 0.3.
    assert 0.7 * 3 < 2.1
    assert run(household=Household(3, D("2.10")), standard=standard_of(D("0.70"))).result == Result.ELIGIBLE
    assert (
        run(household=Household(3, D("2.11")), standard=standard_of(D("0.70"))).result == Result.NOT_ELIGIBLE
    )
    assert run(household=Household(3, D("0.30")), standard=standard_of(D("0.10"))).result == Result.ELIGIBLE


@given(birth=births, day=st.dates(min_value=date(1920, 1, 1), max_value=date(2100, 1, 1)))
def test_property_age_on(birth, day):
    assume(day >= birth)
    age = age_on(birth, day)
    assert age >= 0
    # the age never decreases and grows by at most one a day
    next_age = age_on(birth, day + timedelta(days=1))
    assert next_age in (age, age + 1)
    # the ID round trip gives the same birth date
    assert birth_date_from_id(resident_id(birth)) == birth


# --------------------------------------------------------------------------- issue 8: Art 24, Art 32 (4), rule rows, proof


def run_rules(**kwargs) -> MeansResult:
    defaults = {
        "categories": (),
        "matter_category": "civil",
        "matter_type": "other",
        "household": RICH,
        "standard": STD,
        "on": ON,
    }
    return means_test(**{**defaults, **kwargs})


def test_a_defence_for_another_reason_is_not_restricted_whatever_the_income():
    outcome = run_rules(matter_category="criminal", matter_type="criminal_defence", defence_reason="other")
    assert outcome.result == Result.NOT_RESTRICTED
    assert codes(outcome) == ["art24_other_reason"]
    assert outcome.proof_status == "not_needed" and outcome.as_dict()["proof"] == "not_needed"


def test_a_defence_for_economic_hardship_is_means_tested():
    rich = run_rules(
        matter_category="criminal", matter_type="criminal_defence", defence_reason="economic_hardship"
    )
    poor = run_rules(
        matter_category="criminal",
        matter_type="criminal_defence",
        defence_reason="economic_hardship",
        household=POOR,
    )
    assert (rich.result, poor.result) == (Result.NOT_ELIGIBLE, Result.ELIGIBLE)


def test_another_reason_decides_nothing_outside_a_criminal_defence():
    assert run_rules(
        matter_category="criminal", matter_type="criminal_victim", defence_reason="other"
    ).result == (Result.NOT_ELIGIBLE)


def test_an_unknown_defence_reason_is_refused():
    with pytest.raises(ValueError, match="defence reason"):
        run_rules(matter_category="criminal", matter_type="criminal_defence", defence_reason="poverty")


@pytest.mark.parametrize("matter_type", ["abuse", "domestic_violence"])
def test_an_abuse_victims_private_prosecution_above_the_standard_is_not_restricted(matter_type):
    outcome = run_rules(matter_category="criminal", matter_type=matter_type)
    assert outcome.result == Result.NOT_RESTRICTED and codes(outcome) == [f"art32_{matter_type}"]


def test_a_matter_rule_row_makes_a_matter_not_restricted():
    assert run_rules(matter_type="environmental").result == Result.NOT_ELIGIBLE
    rows = (*NOT_RESTRICTED_MATTERS, "environmental")
    assert run_rules(matter_type="environmental", not_restricted_matters=rows).result == Result.NOT_RESTRICTED


def test_without_its_rule_row_a_statutory_matter_is_means_tested():
    assert run_rules(matter_type="abuse", not_restricted_matters=()).result == Result.NOT_ELIGIBLE


def test_an_unknown_matter_row_is_refused():
    with pytest.raises(ValueError, match="unknown matter types"):
        run_rules(not_restricted_matters=["astrology"])
    with pytest.raises(ValueError):
        run_rules(not_restricted_matters="abuse")


def test_an_exemption_names_the_proof_its_rule_asks_for_and_waits_for_it():
    outcome = run_rules(categories=["social_assistance", "veteran"])
    assert outcome.result == Result.EXEMPT
    assert outcome.proof_status == "pending" and outcome.as_dict()["proof"] == "pending"
    assert outcome.proof == ("最低生活保障证明或者特困人员救助供养证明", "退役军人证件或者退役证明")


def test_an_exemption_rule_row_adds_a_group():
    assert run_rules(categories=["single_mother"]).result == Result.NOT_ELIGIBLE
    rows = (*DEFAULT_EXEMPTIONS, Exemption("single_mother", "always", "困难单亲母亲证明"))
    outcome = run_rules(categories=["single_mother"], exemptions=rows)
    assert outcome.result == Result.EXEMPT
    assert codes(outcome) == ["art42_single_mother"]  # no longer "a priority group, not an exemption"
    assert outcome.proof == ("困难单亲母亲证明",)


def test_without_its_rule_row_a_statutory_group_is_means_tested():
    rows = [e for e in DEFAULT_EXEMPTIONS if e.category != "social_assistance"]
    assert run_rules(categories=["social_assistance"], exemptions=rows).result == Result.NOT_ELIGIBLE


def test_a_conditional_exemption_row_keeps_its_condition():
    rows = (Exemption("low_income", "without_fixed_income", "低收入证明"),)
    fixed = Household(size=1, monthly_income=D("9000.00"), fixed_income=True)
    none = Household(size=1, monthly_income=D("9000.00"), fixed_income=False)
    assert (
        run_rules(categories=["low_income"], household=fixed, exemptions=rows).result == Result.NOT_ELIGIBLE
    )
    assert run_rules(categories=["low_income"], household=none, exemptions=rows).result == Result.EXEMPT
    wages = (Exemption("disabled", "wages_or_work_injury", "残疾人证"),)
    assert (
        run_rules(categories=["disabled"], matter_type="wage_arrears", exemptions=wages).result
        == Result.EXEMPT
    )
    assert run_rules(categories=["disabled"], matter_type="maintenance", exemptions=wages).result == (
        Result.NOT_ELIGIBLE
    )


def test_bad_exemption_rows_are_refused():
    with pytest.raises(ValueError, match="category"):
        run_rules(exemptions=[Exemption("astronaut")])
    with pytest.raises(ValueError, match="condition"):
        run_rules(exemptions=[Exemption("veteran", "sometimes")])
    with pytest.raises(TypeError):
        run_rules(exemptions=[("veteran", "always", "")])


def test_the_seeded_rows_are_the_statutory_defaults():
    from aid_cases.means import ExemptionCondition

    assert {e.category for e in DEFAULT_EXEMPTIONS if e.condition == ExemptionCondition.ALWAYS} == set(
        EXEMPT_CATEGORIES
    )
    assert all(e.proof for e in DEFAULT_EXEMPTIONS)


@pytest.mark.django_db
def test_the_migration_seeded_the_defaults_as_rule_rows():
    from aid_cases import means_rules

    day = ON
    assert means_rules.not_restricted_matters(day) == frozenset(NOT_RESTRICTED_MATTERS)
    assert set(means_rules.exemptions(day)) == set(DEFAULT_EXEMPTIONS)
