import pytest

from .forwarding_world import add_units_holding_people


@pytest.fixture
def forwarding_world(actors, make_member):
    """The world of a detainee's forwarded application (``forwarding_world.add_units_holding_people``):
    a name of its own, apart from the ``world`` fixtures other modules here define for themselves."""
    return add_units_holding_people(actors, make_member)
