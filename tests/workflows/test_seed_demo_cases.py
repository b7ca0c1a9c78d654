import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aid_cases.models import Application

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_the_review_states_and_run_once(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo_cases", stdout=out)
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [
            "submitted",
            "assigning",
            "supplement_requested",
            "objection",
            "assigning",
            "assigned",
            "in_progress",
            "closed",
            "approved",  # the procuratorate's public-interest case: never assigned
        ]
    )
    # the closed case's subsidy is owed at the demo standard; the handled one has its provider
    from assignments.models import SubsidyPayment

    assert SubsidyPayment.objects.count() == 1
    assert Application.objects.filter(status="in_progress", provider__isnull=False).count() == 1
    assert Application.objects.filter(provisional=True).count() == 1
    # the new one, the provisional confirmation, two assignments, a fee waiver, the closed case's
    # follow-up call, the citizen's open online question
    assert "reviewer_zhushan has 7 task(s)" in out.getvalue()
    from quality.models import FollowUp

    assert list(FollowUp.objects.values_list("application__status", "point", "status")) == [
        ("closed", "closure", "open")
    ]
    # the fee waivers beside the handled case, and the procuratorate's deferral
    from waivers.models import FeeWaiver, PublicInterestNotarisation

    assert sorted(FeeWaiver.objects.values_list("kind", "status")) == [
        ("court", "approved"),
        ("forensic", "requested"),
        ("forensic", "requested"),
        ("notary", "completed"),
    ]
    assert PublicInterestNotarisation.objects.filter(status="pending").count() == 1
    call_command("seed_demo_cases", stdout=io.StringIO())
    assert Application.objects.count() == 9


def test_demo_cases_refuse_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo_cases", stdout=io.StringIO())
