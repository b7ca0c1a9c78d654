"""The permission matrix after the decision (docs/domain.md, visibility): a provider sees only the
cases assigned to them and accepted, keeps a closed one, loses a declined or replaced one; a firm's
administrator and colleagues see no case contents; the applicant sees the provider's professional contact."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from aid_cases import services
from aid_cases.models import Application, EconomicStandard
from assignments.services import handling
from directory.choices import OrganisationKind, ProviderKind, Role
from tests.factories import (
    OrganisationFactory,
    ProviderFactory,
    UserFactory,
    lawyer_licence,
    region,
    resident_id,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    center = OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="珠山中心", region=region("zhushan"))
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="甲律师事务所", region=region("zhushan"), phone="0798-8200001"
    )
    other_firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="乙律师事务所", region=region("zhushan")
    )
    EconomicStandard.objects.create(
        region=region("zhushan"),
        kind="low_income",
        monthly_amount=Decimal("1200"),
        valid_from=datetime.date(2020, 1, 1),
    )
    users = {
        "reviewer": make_member(Role.REVIEWER, center, username="reviewer"),
        "firm_admin": make_member(Role.FIRM_ADMIN, firm, username="firm_admin"),
        "owner": UserFactory(username="owner"),
    }
    users["owner"].groups.add(Group.objects.get(name="applicant"))
    providers = {}
    for n, (name, org) in enumerate((("lawyer", firm), ("colleague", firm), ("stranger", other_firm))):
        users[name] = make_member(Role.PROVIDER, org, username=name)
        providers[name] = ProviderFactory(
            name=name,
            kind=ProviderKind.LAWYER,
            organisation=org,
            licence_no=lawyer_licence(500 + n),
            regions_served=[region("zhushan")],
            user=users[name],
        )
    application = services.application_submit(
        acting_user=users["owner"],
        channel="online",
        region=region("zhushan"),
        applicant=services.ApplicantData(
            name="苏大山",
            id_number=resident_id(datetime.date(1980, 1, 2)),
            phone="13900000000",
            address="珠山区",
        ),
        representative=None,
        categories=[],
        matter=services.MatterData(
            category="civil", type="maintenance", summary="赡养费", opposing_party="王某"
        ),
        household_size=2,
        monthly_income=Decimal("1000.00"),
        pledge=True,
    )
    Application.objects.filter(pk=application.pk).update(status="approved")
    application.refresh_from_db()
    handling.assignment_begin(acting_user=None, application=application)
    return users, providers, application


def sees(user, application) -> bool:
    api = APIClient()
    api.force_authenticate(user)
    detail = api.get(f"/api/v1/applications/{application.pk}/").status_code
    listed = application.pk in [r["id"] for r in api.get("/api/v1/applications/").json()["results"]]
    assert (detail == 200) == listed, (user.username, detail, listed)
    return detail == 200


PEOPLE = ("lawyer", "colleague", "stranger", "firm_admin")


def matrix(users, application) -> dict[str, bool]:
    return {who: sees(users[who], application) for who in PEOPLE}


def test_offer_acceptance_closure_and_replacement(world):
    users, providers, application = world
    nobody = dict.fromkeys(PEOPLE, False)
    assert matrix(users, application) == nobody  # not yet assigned
    handling.assignment_offer(
        acting_user=users["reviewer"], application=application, provider_id=providers["lawyer"].pk
    )
    assert matrix(users, application) == nobody  # offered: the offer is a task, not the case
    handling.assignment_respond(acting_user=users["lawyer"], application=application, accept=True)
    assert matrix(users, application) == {**nobody, "lawyer": True}  # the firm sees no case contents
    # the applicant sees the provider's professional contact, nothing personal
    api = APIClient()
    api.force_authenticate(users["owner"])
    shown = api.get(f"/api/v1/applications/{application.pk}/").json()["assignment"]
    assert shown["provider"]["name"] == "lawyer" and shown["status"] == "accepted"
    assert shown["organisation"] == {"name": "甲律师事务所", "phone": "0798-8200001"}
    assert set(shown["provider"]) == {"id", "name", "kind", "firm", "region", "specialties", "practice_years"}
    # replaced (Art 55): the case leaves the old provider's view; the new one sees it once accepted
    handling.assignment_replace(
        acting_user=users["reviewer"], application=application, reason="受援人申请更换"
    )
    assert matrix(users, application) == nobody
    handling.assignment_offer(
        acting_user=users["reviewer"], application=application, provider_id=providers["stranger"].pk
    )
    handling.assignment_respond(acting_user=users["stranger"], application=application, accept=True)
    assert matrix(users, application) == {**nobody, "stranger": True}
    # closed: the provider keeps the case
    Application.objects.filter(pk=application.pk).update(status="closed")
    assert matrix(users, application) == {**nobody, "stranger": True}


def test_a_declined_offer_shows_nothing(world):
    users, providers, application = world
    handling.assignment_offer(
        acting_user=users["reviewer"], application=application, provider_id=providers["lawyer"].pk
    )
    handling.assignment_respond(
        acting_user=users["lawyer"], application=application, accept=False, reason="冲突"
    )
    assert matrix(users, application) == dict.fromkeys(PEOPLE, False)


def test_handling_actions_by_the_wrong_person_are_refused(world):
    """Accepting another's offer, notes by someone else, assigning by a provider: 403, nothing saved."""
    from core.errors import Forbidden

    users, providers, application = world
    with pytest.raises(Forbidden):
        handling.assignment_offer(
            acting_user=users["lawyer"], application=application, provider_id=providers["lawyer"].pk
        )
    handling.assignment_offer(
        acting_user=users["reviewer"], application=application, provider_id=providers["lawyer"].pk
    )
    with pytest.raises(Forbidden):
        handling.assignment_respond(acting_user=users["colleague"], application=application, accept=True)
    handling.assignment_respond(acting_user=users["lawyer"], application=application, accept=True)
    with pytest.raises(Forbidden):
        handling.progress_note_add(acting_user=users["colleague"], application=application, text="x", hours=1)
    assert not application.progress_notes.exists()
