import pytest
from django.core.cache import cache

from directory import services
from directory.choices import OrganisationKind

from .factories import OrganisationFactory, UserFactory
from .world import Actors, add_institutions, add_law_firm


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: throttles and cached reference data (core.refdata)
    never carry over from another test's rolled-back rows."""
    cache.clear()


@pytest.fixture
def make_member(db):
    """``make_member(role, organisation)`` → a user holding that role there."""

    def make(role: str, organisation, username: str | None = None):
        user = UserFactory(**({"username": username} if username else {}))
        services.membership_grant(acting_user=None, user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def zhushan_center(db):
    return OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心")


@pytest.fixture
def actors(db, make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    return Actors(make_member)


@pytest.fixture
def handling_world(actors, make_member):
    """The center's world with a law firm of three lawyers (``tests.world.add_law_firm``)."""
    return add_law_firm(actors, make_member)


@pytest.fixture
def waiver_world(handling_world, make_member):
    """The handling world with notary offices, a forensic institution, a court and a procuratorate
    (``tests.world.add_institutions``)."""
    return add_institutions(handling_world, make_member)
