"""Validators for identifiers. Check digits come from python-stdnum, never hand-written."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
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


# A mainland mobile number (手机号码): 11 digits starting with 1. A citizen's login name.
MOBILE_PATTERN = r"^1\d{10}$"
validate_mobile = RegexValidator(
    MOBILE_PATTERN, _("Enter an 11-digit mobile phone number starting with 1."), code="invalid_mobile"
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


RESIDENT_ID_RE = re.compile(r"^\d{17}[\dX]$")
# The pattern the API's schema and the forms publish: 17 digits and a digit or X (x accepted).
RESIDENT_ID_PATTERN = r"^\d{17}[\dXx]$"
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


def validate_resident_id(value: str) -> None:
    """Resident identity card number (居民身份证号码): 18 characters, birth date and check digit.

    Each fault gets its own message, checked in the order a person reads the number: its form,
    the birth date (characters 7 to 14: impossible, in the future, before 1900), the region code,
    then the check digit. stdnum supplies the check digit.

    stdnum's birth-place check also requires the region code to have existed in the birth year,
    which refuses everyone born before their county's code was created (a Zhushan resident born in
    1950 carries 360203, created in 1983): the code only has to be a known region code.
    """
    from stdnum import numdb

    number = ric.compact(value or "")
    if not RESIDENT_ID_RE.match(number):
        raise ValidationError(
            _("A resident ID number has 18 characters: 17 digits, then a digit or X."),
            code="id_number_format",
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(
            _("The birth date in this ID number (characters 7 to 14) is not a real date."),
            code="id_number_birth_date",
        ) from exc
    if birth > timezone.localdate():
        raise ValidationError(
            _("The birth date in this ID number (characters 7 to 14) cannot be later than today."),
            code="id_number_birth_date_future",
        )
    if birth < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The birth date in this ID number (characters 7 to 14) cannot be before 1900."),
            code="id_number_birth_date",
        )
    places = {key for _part, props in numdb.get("cn/loc").info(number[:6]) for key in props}
    if "province" not in places:
        raise ValidationError(
            _("The first 6 digits of this ID number are not a known region code."),
            code="id_number_region",
        )
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(
            _("The last character (the check digit) of this ID number does not match: check the number."),
            code="id_number_check_digit",
        )


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
