"""Re-reading a case under its lock (aid_cases.services.status.application_lock)."""

import pytest
from django.db import transaction

from aid_cases.models import Application
from aid_cases.services.status import application_lock
from directory.choices import OrganisationKind
from tests.factories import OrganisationFactory, region
from tests.world import approved_case

pytestmark = pytest.mark.django_db


def test_the_lock_rereads_the_row_and_keeps_the_loaded_reference_rows(actors, django_assert_num_queries):
    application_id = approved_case(actors)
    application = Application.objects.select_related("applicant", "center", "region").get(pk=application_id)
    Application.objects.filter(pk=application_id).update(status="assigning", tracking_no="CHANGED-1")
    with transaction.atomic(), django_assert_num_queries(1):
        application_lock(application)
        assert application.tracking_no == "CHANGED-1"  # the row as it is now
        assert application.center.name and application.region.code and application.applicant.name


def test_a_reference_row_the_case_no_longer_points_to_is_read_again(actors):
    application_id = approved_case(actors)
    application = Application.objects.select_related("center").get(pk=application_id)
    other = OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="另一中心", region=region("leping"))
    Application.objects.filter(pk=application_id).update(center=other)
    with transaction.atomic():
        application_lock(application)
    assert application.center == other and application.center.name == "另一中心"
