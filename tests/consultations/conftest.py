"""The consultations' world: the center's world of ``tests.world.Actors`` with a lawyer on duty at the
center, a law firm's lawyer and administrator in the same region, a second citizen, the center of 乐平
and the reply rule of 2 working days."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from consultations.models import ConsultationRule
from directory.choices import OrganisationKind, Role
from directory.models import Organisation
from tests.factories import OrganisationFactory, region


@pytest.fixture
def world(actors, make_member):
    actors.other_applicant.groups.add(Group.objects.get(name="applicant"))
    actors.other_center = Organisation.objects.get(name="乐平市法律援助中心")
    # a lawyer on duty at the center: a provider membership at the aid center itself
    actors.duty_lawyer = make_member(Role.PROVIDER, actors.center, username="duty_lawyer_zhushan")
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="瓷都律师事务所", region=region("zhushan")
    )
    actors.firm_lawyer = make_member(Role.PROVIDER, firm, username="lawyer_firm")
    actors.firm_admin = make_member(Role.FIRM_ADMIN, firm, username="firmadmin_zhushan")
    ConsultationRule.objects.create(
        region=None,
        reply_days=2,
        reply_counting="working",
        reply_rate_target=Decimal("1.0000"),
        valid_from=datetime.date(2022, 1, 1),
    )
    return actors
