"""factory-boy factories for the directory. Services build the rows so that groups and audit follow."""

import datetime

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory
from stdnum.cn import uscc

from directory import services
from directory.choices import OrganisationKind, ProviderKind
from directory.models import Organisation, Provider, Region

User = get_user_model()
PASSWORD = "pw-for-tests-123"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


def credit_code(n: int) -> str:
    """A valid unified social credit code: 18 characters with stdnum's check character."""
    body = f"31360200{n:09d}"
    return body + uscc.calc_check_digit(body)


def lawyer_licence(n: int, year: int = 2015) -> str:
    return f"13602{year}1{n % 2}{n:06d}"


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.AID_CENTER
    name = factory.Sequence(lambda n: f"机构{n}")
    region = factory.LazyFunction(lambda: region("zhushan"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kind = kwargs["kind"]
        if kind == OrganisationKind.LAW_FIRM and not kwargs.get("credit_code"):
            kwargs["credit_code"] = credit_code(Organisation.objects.count() + 1)
        return services.organisation_create(acting_user=None, **kwargs)


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"律师{n}")
    kind = ProviderKind.LAWYER
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.LAW_FIRM)
    licence_no = factory.Sequence(lambda n: lawyer_licence(n + 1))
    practice_start = datetime.date(2015, 3, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.provider_create(acting_user=None, **kwargs)


def resident_id(birth: datetime.date, region_code: str = "360203", seq: str = "123") -> str:
    """A valid 18-character resident ID number with stdnum's check digit."""
    from stdnum.cn import ric

    body = f"{region_code}{birth:%Y%m%d}{seq}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the first 17 of 18 characters
