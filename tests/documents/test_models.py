import re

import pytest

from documents.models import CODE_ALPHABET, format_code, new_code, normalise_code

pytestmark = pytest.mark.django_db


def test_new_codes_use_the_unambiguous_alphabet():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert not set(CODE_ALPHABET) & set("ILOU")
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", c) for c in codes)


def test_display_form_groups_by_four():
    assert format_code("7KQ2M9XD4TRB") == "7KQ2-M9XD-4TRB"


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ2M9XD4TRB",
        "7KQ2-M9XD-4TRB",
        "7kq2-m9xd-4trb",
        " 7KQ2 M9XD 4TRB ",
        "7KQ2－M9XD－4TRB",
        "7KQ2\u3000M9XD\u30004TRB",
    ],
)
def test_typed_forms_normalise(typed):
    assert normalise_code(typed) == "7KQ2M9XD4TRB"


def test_lookalike_letters_read_as_digits():
    assert normalise_code("O1I0-LLLL-oooo") == "0110" + "1111" + "0000"


@pytest.mark.parametrize(
    "typed", ["", "7KQ2-M9XD-4TR", "7KQ2-M9XD-4TRBX", "7KQ2-M9XD-4TRU", "7KQ2/M9XD/4TRB", None]
)
def test_what_cannot_be_a_code(typed):
    assert normalise_code(typed) is None
