"""The category a statutory matter type is filed under (``directory.choices.category_for_matter_type``):
always one that ``matter_type_fits`` accepts; none for a code that is not a statutory matter type."""

import pytest

from directory.choices import (
    CRIMINAL_MATTER_TYPES,
    STATE_COMPENSATION_TYPES,
    MatterCategory,
    MatterType,
    category_for_matter_type,
    matter_type_fits,
)


@pytest.mark.parametrize("matter_type", MatterType.values)
def test_every_statutory_matter_type_maps_to_a_category_it_fits(matter_type):
    category = category_for_matter_type(matter_type)
    assert category in MatterCategory.values
    assert matter_type_fits(category, matter_type)


@pytest.mark.parametrize(
    ("matter_type", "category"),
    [
        (MatterType.CRIMINAL_DEFENCE, MatterCategory.CRIMINAL),
        (MatterType.CRIMINAL_VICTIM, MatterCategory.CRIMINAL),
        (MatterType.STATE_COMPENSATION, MatterCategory.STATE_COMPENSATION),
        (MatterType.RETRIAL_COMPENSATION, MatterCategory.STATE_COMPENSATION),
        # abuse and domestic violence fit the criminal category too (a private prosecution): civil first
        (MatterType.ABUSE, MatterCategory.CIVIL),
        (MatterType.DOMESTIC_VIOLENCE, MatterCategory.CIVIL),
        (MatterType.WAGE_ARREARS, MatterCategory.CIVIL),
        (MatterType.OTHER, MatterCategory.CIVIL),
        ("wage_arrears", MatterCategory.CIVIL),  # the plain code, as a model field holds it
    ],
)
def test_the_category_of_each_kind_of_matter_type(matter_type, category):
    assert category_for_matter_type(matter_type) == category


def test_only_the_criminal_and_state_compensation_types_leave_the_civil_category():
    not_civil = {t for t in MatterType.values if category_for_matter_type(t) != MatterCategory.CIVIL}
    assert not_civil == CRIMINAL_MATTER_TYPES | STATE_COMPENSATION_TYPES


@pytest.mark.parametrize(
    "code", ["", "local_kunjing_ertong", "local_wage_arrears", "unknown", "WAGE_ARREARS", " wage_arrears"]
)
def test_a_code_that_is_no_statutory_matter_type_has_no_category(code):
    assert category_for_matter_type(code) is None
