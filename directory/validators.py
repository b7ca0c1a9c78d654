"""Validators for identifiers. Check digits come from python-stdnum, never hand-written."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

# A PRC lawyer's practising certificate number (律师执业证号) has 17 digits: the kind of practice,
# the 4-digit code of the licensing province and city, the year of first licensing, the
# certificate type, the sex and a serial number. Grassroots legal service workers' and staff
# certificates follow provincial formats: letters, digits and dashes, 6 to 30 characters.
LAWYER_LICENCE_RE = re.compile(r"^[1-9]\d{4}(19|20)\d{2}\d{8}$")
OTHER_LICENCE_RE = re.compile(r"^[0-9A-Za-z\-]{6,30}$")


# A telephone as people write it: a mobile (13907980001), a landline with its area code and dashes
# (0798-8221234), or an international number. The one definition, for the model fields and the
# services that check what the forms and the API pass on.
validate_phone = RegexValidator(
    r"^[0-9+\-() ]{5,20}$", _("Enter a telephone number of 5 to 20 digits, spaces or dashes.")
)


def validate_credit_code(value: str) -> None:
    """Unified social credit code (统一社会信用代码), 18 characters with a check character."""
    try:
        uscc.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("Enter a valid unified social credit code (18 characters with a correct check character)."),
            code="invalid_credit_code",
        ) from exc


def validate_resident_id(value: str) -> None:
    """Resident identity card number (居民身份证号码): 18 characters, birth date and check digit.

    stdnum checks the length, digits, check digit and birth date. Its birth-place check also
    requires the region code to have existed in the birth year, which refuses everyone born
    before their county's code was created (a Zhushan resident born in 1950 carries 360203,
    created in 1983): the code only has to be a known region code.
    """
    from stdnum import numdb

    message = _("Enter a valid resident ID number (18 characters with a correct check digit).")
    try:
        number = ric.compact(value)
        if len(number) != 18 or not number[:-1].isdigit():
            raise StdnumError
        if number[-1] != ric.calc_check_digit(number):
            raise StdnumError
        birth = ric.get_birth_date(number)
    except (StdnumError, ValueError) as exc:
        raise ValidationError(message, code="invalid_id_number") from exc
    if not (datetime.date(1900, 1, 1) <= birth <= datetime.date.today()):  # noqa: DTZ011 - a calendar date
        raise ValidationError(message, code="invalid_id_number")
    places = {key for _part, props in numdb.get("cn/loc").info(number[:6]) for key in props}
    if "province" not in places:
        raise ValidationError(message, code="invalid_id_number")


def validate_lawyer_licence(value: str) -> None:
    if not LAWYER_LICENCE_RE.match(value or ""):
        raise ValidationError(
            _("A lawyer's licence number has 17 digits: region code, year of licensing, type and serial."),
            code="invalid_licence",
        )


def validate_other_licence(value: str) -> None:
    if not OTHER_LICENCE_RE.match(value or ""):
        raise ValidationError(
            _("A licence number has 6 to 30 letters, digits or dashes."),
            code="invalid_licence",
        )
