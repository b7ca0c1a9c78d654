"""Citizen registration (自行注册): one service for the site's form and the API, and its throttle.

A citizen registers with their name, resident ID number, mobile phone and a password. The phone is
the login name. One account per ID number and per phone: the unique constraints decide between
two simultaneous registrations, and the loser gets the same field error as a later attempt would.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from core.transactions import service_transaction

from .audit import AuditAction
from .choices import APPLICANT_GROUP
from .models import Citizen
from .services import audit_record, role_group
from .validators import validate_mobile, validate_resident_id

NAME_MAX_LENGTH = 64

# The throttle's rate, as DRF writes rates ("10/hour"): REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["register"].
THROTTLE_SCOPE = "register"
DEFAULT_RATE = "10/hour"
_PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}

PHONE_TAKEN = _("This mobile phone number is already registered. Log in, or use another number.")
ID_NUMBER_TAKEN = _("An account is already registered with this ID number. Log in with its phone number.")


@dataclass
class RegistrationThrottled(Exception):
    """Too many registration attempts from one address; ``wait`` is in seconds."""

    wait: int


def _rate() -> tuple[int, int]:
    rates = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES", {})
    number, period = (rates.get(THROTTLE_SCOPE) or DEFAULT_RATE).split("/")
    return int(number), _PERIODS[period.strip()[0]]


def registration_attempt(*, address: str) -> None:
    """Count one registration attempt from ``address``; ``RegistrationThrottled`` over the rate.

    Every attempt counts, whether it succeeds or not, in a fixed window: the same count for the
    site's form and the API. ``address`` is REMOTE_ADDR, as for the login throttle: behind a
    reverse proxy the proxy must put the client's address there.
    """
    limit, window = _rate()
    now = time.time()
    bucket = int(now // window)
    key = f"directory:register:{hashlib.sha256(address.encode()).hexdigest()[:32]}:{bucket}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window)
        count = 1
    if count > limit:
        raise RegistrationThrottled(wait=max(1, int((bucket + 1) * window - now + 0.999)))


def _duplicates(*, phone: str, id_number: str) -> dict[str, list]:
    User = get_user_model()
    errors: dict[str, list] = {}
    if User.objects.filter(username=phone).exists() or Citizen.objects.filter(phone=phone).exists():
        errors["phone"] = [PHONE_TAKEN]
    if Citizen.objects.filter(id_number=id_number).exists():
        errors["id_number"] = [ID_NUMBER_TAKEN]
    return errors


def citizen_register(*, name: str, id_number: str, phone: str, password: str):
    """Create a citizen's account: an applicant whose username is ``phone``; returns the user.

    Raises ``ValidationError`` with field errors (``name``, ``id_number``, ``phone``, ``password``)
    for bad input, a weak password (AUTH_PASSWORD_VALIDATORS) or a phone or ID number already
    registered; nothing is saved then.
    """
    User = get_user_model()
    name = (name or "").strip()
    phone = (phone or "").strip()
    id_number = ric.compact(id_number or "")
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [_("Enter your name as on your ID card.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("A name has at most 64 characters.")]
    for field, value, validator in (
        ("id_number", id_number, validate_resident_id),
        ("phone", phone, validate_mobile),
    ):
        try:
            validator(value)
        except ValidationError as exc:
            errors[field] = exc.messages
    user = User(username=phone, last_name=name)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if "phone" not in errors and "id_number" not in errors:
        errors.update(_duplicates(phone=phone, id_number=id_number))
    if errors:
        raise ValidationError(errors)
    try:
        return _create(user=user, name=name, id_number=id_number, phone=phone, password=password)
    except IntegrityError as exc:
        # Someone registered the same phone or ID number between the check and the insert.
        raise ValidationError(
            _duplicates(phone=phone, id_number=id_number)
            or {"phone": [_("This registration could not be saved. Please try again.")]}
        ) from exc


@service_transaction()
def _create(*, user, name: str, id_number: str, phone: str, password: str):
    user.set_password(password)
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save()
    citizen = Citizen(user=user, id_number=id_number, phone=phone)
    citizen.full_clean(exclude=["user"], validate_unique=False)
    citizen.save()
    user.groups.add(role_group(APPLICANT_GROUP))
    audit_record(actor=user, action=AuditAction.CITIZEN_REGISTER, obj=citizen, new={"username": phone})
    return user
