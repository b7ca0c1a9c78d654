"""Two registrations at once with the same ID number or phone, on two real database connections:
one account is made, the other caller gets the field error a later attempt would get.

Needs PostgreSQL; SQLite serialises writers with IMMEDIATE transactions, and the sequential
duplicate tests (tests/api/test_registration_api.py) cover it.
"""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, connections

from directory import registration
from directory.models import Citizen
from tests.factories import resident_id

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PASSWORD = "jingdezhen-kiln-2026"


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "registration race test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )
    import importlib

    from django.apps import apps

    importlib.import_module("directory.migrations.0002_regions_and_role_groups").forwards(apps, None)


def _race(calls: list[dict]) -> list:
    """Run ``citizen_register`` with each set of arguments at the same moment, each in its thread."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    original = registration._duplicates

    def checked_then_wait(**kwargs):
        # both pass the duplicate check before either inserts: the constraint must decide
        found = original(**kwargs)
        if not found:
            try:
                barrier.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
        return found

    def run(i: int, kwargs: dict) -> None:
        try:
            results[i] = registration.citizen_register(**kwargs)
        except ValidationError as exc:
            results[i] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            results[i] = exc
        finally:
            connections.close_all()

    registration._duplicates = checked_then_wait
    try:
        threads = [threading.Thread(target=run, args=(i, kw)) for i, kw in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        registration._duplicates = original
    return results


def _one_wins(results, field: str) -> None:
    users = [r for r in results if isinstance(r, get_user_model())]
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(users) == 1, results
    assert len(errors) == 1, results
    assert list(errors[0].message_dict) == [field]


def test_same_id_number_at_once():
    id_number = resident_id(datetime.date(1985, 6, 12))
    results = _race(
        [
            {"name": "吕春花", "id_number": id_number, "phone": "13907980001", "password": PASSWORD},
            {"name": "吕春花", "id_number": id_number, "phone": "13907980002", "password": PASSWORD},
        ]
    )
    _one_wins(results, "id_number")
    assert Citizen.objects.count() == 1
    assert get_user_model().objects.count() == 1  # the loser's user row was rolled back too


def test_same_phone_at_once():
    results = _race(
        [
            {
                "name": "吕春花",
                "id_number": resident_id(datetime.date(1985, 6, 12)),
                "phone": "13907980001",
                "password": PASSWORD,
            },
            {
                "name": "苏大山",
                "id_number": resident_id(datetime.date(1990, 1, 1)),
                "phone": "13907980001",
                "password": PASSWORD,
            },
        ]
    )
    _one_wins(results, "phone")
    assert Citizen.objects.count() == 1
