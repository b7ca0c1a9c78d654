"""The permission matrix of fee waivers (docs/domain.md, visibility): role × waiver → 200 or 404.

An institution's staff see only the waivers addressed to their institution, and its handoff letter,
never the case; everyone else sees the waivers of the cases they see.
"""

import pytest

from tests.waivers.test_fee_waivers_api import ask, handled_case, review
from waivers.models import FeeWaiver

pytestmark = pytest.mark.django_db

# who → (sees the waiver, sees its letter, sees the case)
EXPECTED = {
    "applicant": (True, True, True),  # their own case's fee lines
    "other_applicant": (False, False, False),
    "lawyer": (True, True, True),  # handles the case
    "other_lawyer": (False, False, False),  # same firm, not their case
    "reviewer": (True, True, True),
    "director": (True, True, True),
    "clerk": (True, True, True),  # the center's staff see its cases
    "other_reviewer": (False, False, False),  # another center
    "bureau_officer": (False, False, False),  # no objection on this case
    "notary_city": (True, True, False),  # addressed: the waiver and the letter, not the case
    "notary_leping": (False, False, False),
    "forensic_city": (False, False, False),
    "court": (False, False, False),
    "procuratorate": (False, False, False),
}


def _users(world):
    return {
        "applicant": world.applicant,
        "other_applicant": world.other_applicant,
        "lawyer": world.lawyers[0][0],
        "other_lawyer": world.lawyers[1][0],
        "reviewer": world.reviewer,
        "director": world.director,
        "clerk": world.clerk,
        "other_reviewer": world.other_reviewer,
        "bureau_officer": world.bureau_officer,
        "notary_city": world.notary_city_staff,
        "notary_leping": world.notary_leping_staff,
        "forensic_city": world.forensic_city_staff,
        "court": world.court_staff,
        "procuratorate": world.procuratorate_staff,
    }


@pytest.fixture
def sent(waiver_world):
    """A notary waiver approved by the center: its letter issued, awaiting the city's notary office."""
    application_id = handled_case(waiver_world)
    waiver_id = ask(waiver_world, application_id).json()["id"]
    assert review(waiver_world, application_id, approve=True).status_code == 200
    return waiver_world, application_id, FeeWaiver.objects.get(pk=waiver_id)


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_fee_waiver_matrix(sent, who):
    world, application_id, waiver = sent
    api = world.api(_users(world)[who])
    sees_waiver, sees_letter, sees_case = EXPECTED[who]
    detail = api.get(f"/api/v1/fee-waivers/{waiver.pk}/")
    assert detail.status_code == (200 if sees_waiver else 404), who
    listed = [w["id"] for w in api.get("/api/v1/fee-waivers/").json()["results"]]
    assert listed == ([waiver.pk] if sees_waiver else []), who
    letter = api.get(f"/api/v1/documents/{waiver.letter.code}/")
    assert letter.status_code == (200 if sees_letter else 404), who
    case = api.get(f"/api/v1/applications/{application_id}/")
    assert case.status_code == (200 if sees_case else 404), who
    # nobody but the center's reviewers and directors records a judgment; the others cannot even see it
    judged = api.post(
        f"/api/v1/fee-waivers/{waiver.pk}/judgment/",
        {"date": "2026-01-05", "losing_party": "某公司"},
        format="json",
    )
    if not sees_waiver:
        assert judged.status_code == 404, who
    elif who in ("reviewer", "director"):
        assert judged.status_code == 409, who  # not a deferral
    else:
        assert judged.status_code == 403, who


def test_anonymous_gets_401(sent):
    world, _application_id, waiver = sent
    assert world.api(None).get(f"/api/v1/fee-waivers/{waiver.pk}/").status_code == 401
    assert world.api(None).get("/api/v1/fee-waivers/").status_code == 401


def test_a_membership_withdrawn_loses_the_inbox(sent):
    from directory.models import Membership
    from directory.services import membership_revoke

    world, _application_id, waiver = sent
    membership = Membership.objects.get(user=world.notary_city_staff)
    membership_revoke(acting_user=None, membership=membership)
    assert world.api(world.notary_city_staff).get(f"/api/v1/fee-waivers/{waiver.pk}/").status_code == 404
    queue = world.api(world.notary_city_staff).get("/api/v1/tasks/", {"scope": "queue"}).json()["results"]
    assert queue == []
