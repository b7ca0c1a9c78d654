"""The subsidy of a closed case (Art 52) and its ledger: the rule at its boundaries, the rule rows in
force on the closure date, the Art 50 gate, owed → approved → paid, and copying a period's table."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from aid_cases import services as intake
from aid_cases.models import Application, EconomicStandard
from assignments.choices import AssignmentStatus, CaseStage, PaymentStatus, SubsidyAdjustmentKind
from assignments.models import (
    Assignment,
    ClosingReport,
    SubsidyAdjustment,
    SubsidyPayment,
    SubsidyStandard,
)
from assignments.selectors import ledger_totals, payments_for_organisation, payments_for_provider
from assignments.services.payments import (
    payment_approve,
    payment_mark_paid,
    subsidy_record,
    subsidy_standards_copy,
)
from assignments.subsidy import adjustments_for, standard_for, subsidy_amount, subsidy_quote
from core.errors import Conflict
from directory.audit import AuditAction
from directory.choices import AidForm, MatterCategory, OrganisationKind
from directory.models import AuditEvent
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, region, resident_id

D = Decimal
OLD = datetime.date(2024, 1, 1)
NEW = datetime.date(2025, 1, 1)
LIFE = SubsidyAdjustmentKind.LIFE_OR_DEATH
TERMINATED = SubsidyAdjustmentKind.TERMINATED
CROSS = SubsidyAdjustmentKind.CROSS_REGION


# --- the rule: subsidy_amount ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "factors", "expected"),
    [
        (D("1000.00"), [], D("1000.00")),
        (D("1000.00"), [D("1.50")], D("1500.00")),
        (D("1000.00"), [D("1.50"), D("0.50")], D("750.00")),
        (D("0.00"), [D("1.50")], D("0.00")),
        (D("1000.00"), [D("0")], D("0.00")),
        (D("800"), [], D("800.00")),
        (800, [D("1.25")], D("1000.00")),
        # half up, not half even: 166.665 → 166.67, 0.125 → 0.13
        (D("333.33"), [D("0.50")], D("166.67")),
        (D("0.25"), [D("0.50")], D("0.13")),
        (D("0.35"), [D("0.50")], D("0.18")),
        # just below the half: down
        (D("333.31"), [D("0.50")], D("166.66")),
        # rounded once at the end: 0.01 × 0.5 × 3 = 0.015 → 0.02 (rounding each step gives 0.03)
        (D("0.01"), [D("0.50"), D("3")], D("0.02")),
        # 0.01 × 0.5 × 0.5 = 0.0025 → 0.00 (rounding each step gives 0.01)
        (D("0.01"), [D("0.50"), D("0.50")], D("0.00")),
        # huge numbers stay exact
        (D("1E+30"), [D("1.5")], D("1500000000000000000000000000000.00")),
    ],
)
def test_subsidy_amount_boundaries(base, factors, expected):
    result = subsidy_amount(base, factors)
    assert result == expected
    assert result.as_tuple().exponent == -2
    assert isinstance(result, Decimal)


@pytest.mark.parametrize(
    ("base", "factors", "error"),
    [
        (1000.0, [], TypeError),
        (D("1000"), [1.5], TypeError),
        (True, [], TypeError),
        ("1000", [], TypeError),
        (D("-0.01"), [], ValueError),
        (D("1000"), [D("-1")], ValueError),
        (D("NaN"), [], ValueError),
        (D("1000"), [D("Infinity")], ValueError),
    ],
)
def test_subsidy_amount_refuses_floats_and_negatives(base, factors, error):
    with pytest.raises(error):
        subsidy_amount(base, factors)


money = st.decimals(min_value=0, max_value=D("99999999.99"), places=2, allow_nan=False, allow_infinity=False)
factor = st.decimals(min_value=0, max_value=10, places=2, allow_nan=False, allow_infinity=False)
factor_lists = st.lists(factor, max_size=4)


def _exact(base: Decimal, factors) -> Fraction:
    value = Fraction(base)
    for f in factors:
        value *= Fraction(f)
    return value


@given(money, factor_lists)
def test_subsidy_amount_is_the_exact_product_rounded_half_up_once(base, factors):
    result = subsidy_amount(base, factors)
    exact = _exact(base, factors)
    assert abs(Fraction(result) - exact) <= Fraction(1, 200)
    # a tie goes up
    if Fraction(result) - exact == Fraction(-1, 200):
        raise AssertionError("a half cent was rounded down")
    assert result >= 0
    assert result.as_tuple().exponent == -2


@given(money, factor_lists, st.randoms(use_true_random=False))
def test_subsidy_amount_does_not_depend_on_the_order_of_the_factors(base, factors, rnd):
    shuffled = list(factors)
    rnd.shuffle(shuffled)
    assert subsidy_amount(base, factors) == subsidy_amount(base, shuffled)


@given(money, factor_lists)
def test_a_factor_of_one_changes_nothing(base, factors):
    assert subsidy_amount(base, [*factors, D("1.00")]) == subsidy_amount(base, factors)


@given(money, factor_lists, factor, factor)
def test_a_larger_factor_never_pays_less(base, factors, a, b):
    low, high = sorted([a, b])
    assert subsidy_amount(base, [*factors, low]) <= subsidy_amount(base, [*factors, high])


@given(money)
def test_no_factor_is_the_standard_itself(base):
    assert subsidy_amount(base, []) == base.quantize(D("0.01"), rounding=ROUND_HALF_UP)


# --- the world: a case, its provider, its assignment and closing report ---------------------------


def standard(amount, *, code="zhushan", category=MatterCategory.CIVIL, form=AidForm.REPRESENTATION, **kw):
    row = SubsidyStandard(
        region=region(code),
        matter_category=category,
        aid_form=form,
        amount=D(amount),
        valid_from=kw.pop("valid_from", OLD),
        **kw,
    )
    row.full_clean()
    row.save()
    return row


def adjustment(kind, factor, *, code=None, **kw):
    row = SubsidyAdjustment(
        kind=kind,
        region=region(code) if code else None,
        factor=D(factor),
        valid_from=kw.pop("valid_from", OLD),
        **kw,
    )
    row.full_clean()
    row.save()
    return row


@pytest.fixture
def world(db, make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    center = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan")
    )
    OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="乐平市法律援助中心", region=region("leping"))
    for code in ("zhushan", "leping"):
        EconomicStandard.objects.create(
            region=region(code),
            kind="low_income",
            monthly_amount=D("1200"),
            valid_from=datetime.date(2020, 1, 1),
        )
    owner = UserFactory(username="owner")
    owner.groups.add(Group.objects.get(name="applicant"))
    reviewer = make_member("reviewer", center, username="reviewer")
    provider = ProviderFactory()
    return {"center": center, "owner": owner, "reviewer": reviewer, "provider": provider}


def make_application(world, *, code="zhushan", seq="123", grounds=(), category=MatterCategory.CIVIL):
    application = intake.application_submit(
        acting_user=world["owner"],
        channel="online",
        region=region(code),
        applicant=intake.ApplicantData(
            name="苏大山",
            id_number=resident_id(datetime.date(1980, 1, 2), seq=seq),
            phone="13900000000",
            address="珠山区",
        ),
        representative=None,
        categories=[],
        matter=intake.MatterData(category="civil", type="maintenance", summary="赡养费"),
        household_size=2,
        monthly_income=D("1000.00"),
        pledge=True,
    )
    # What the engine records for a notified defence, without going through the notification flow.
    Application.objects.filter(pk=application.pk).update(
        defence_grounds=list(grounds), matter_category=category
    )
    application.refresh_from_db()
    return application


def make_assignment(
    world,
    application,
    *,
    form=AidForm.REPRESENTATION,
    cross_region=False,
    stage=CaseStage.FIRST_INSTANCE,
    approved=True,
):
    provider = world["provider"]
    assignment = Assignment.objects.create(
        application=application,
        provider=provider,
        organisation=provider.organisation,
        aid_form=form,
        status=AssignmentStatus.ACCEPTED,
        cross_region=cross_region,
        assigned_by=world["reviewer"],
        accepted_on=OLD,
    )
    if stage is not None:
        ClosingReport.objects.create(
            assignment=assignment,
            application=application,
            outcome="won",
            stage=stage,
            summary="判决支持赡养费",
            hours=D("12.5"),
            ended_on=OLD,
            filed_by=world["reviewer"],
            filed_at=timezone.now(),
            filed_on=OLD,
            approved=approved,
        )
    return assignment


# --- standard_for: the row valid on the closure date ---------------------------------------------


def test_standard_for_uses_the_row_valid_on_the_day_across_a_change_of_standard(
    db, django_assert_num_queries
):
    before = standard("1000", valid_to=datetime.date(2024, 12, 31))
    after = standard("1200", valid_from=NEW)
    key = {
        "region": region("zhushan"),
        "matter_category": MatterCategory.CIVIL,
        "aid_form": AidForm.REPRESENTATION,
        "stage": CaseStage.FIRST_INSTANCE,
    }
    with django_assert_num_queries(1):
        assert standard_for(**key, day=datetime.date(2024, 12, 31)) == before
    assert standard_for(**key, day=NEW) == after
    assert standard_for(**key, day=datetime.date(2030, 6, 1)) == after
    assert standard_for(**key, day=OLD) == before
    assert standard_for(**key, day=datetime.date(2023, 12, 31)) is None
    # another region, category or form of aid has no standard
    assert standard_for(**{**key, "region": region("leping")}, day=NEW) is None
    assert standard_for(**{**key, "aid_form": AidForm.CONSULTATION}, day=NEW) is None
    assert standard_for(**{**key, "matter_category": MatterCategory.CRIMINAL}, day=NEW) is None


def test_the_row_for_the_stage_wins_over_the_row_for_any_stage(db, django_assert_num_queries):
    any_stage = standard("1000")
    first = standard("1500", stage=CaseStage.FIRST_INSTANCE, valid_to=datetime.date(2024, 12, 31))
    key = {
        "region": region("zhushan"),
        "matter_category": MatterCategory.CIVIL,
        "aid_form": AidForm.REPRESENTATION,
    }
    with django_assert_num_queries(1):
        assert standard_for(**key, stage=CaseStage.FIRST_INSTANCE, day=datetime.date(2024, 6, 1)) == first
    assert standard_for(**key, stage=CaseStage.SECOND_INSTANCE, day=datetime.date(2024, 6, 1)) == any_stage
    assert standard_for(**key, stage="", day=datetime.date(2024, 6, 1)) == any_stage
    # the stage's row has ended: the row for any stage applies again
    assert standard_for(**key, stage=CaseStage.FIRST_INSTANCE, day=NEW) == any_stage


def test_a_stage_row_alone_does_not_cover_other_stages(db):
    standard("1500", stage=CaseStage.FIRST_INSTANCE)
    key = {
        "region": region("zhushan"),
        "matter_category": MatterCategory.CIVIL,
        "aid_form": AidForm.REPRESENTATION,
    }
    assert standard_for(**key, stage=CaseStage.SECOND_INSTANCE, day=NEW) is None


# --- adjustments_for ------------------------------------------------------------------------------


def test_adjustments_a_regions_own_row_wins_over_the_citywide_row(world, django_assert_num_queries):
    adjustment(LIFE, "1.50")
    adjustment(LIFE, "2.00", code="zhushan")
    adjustment(TERMINATED, "0.50")
    zhushan = make_application(world, grounds=["life_or_death"])
    leping = make_application(world, code="leping", seq="124", grounds=["life_or_death", "minor"])
    with django_assert_num_queries(1):
        assert adjustments_for(application=zhushan, cross_region=False, terminated=False, day=NEW) == [
            (LIFE, D("2.00"))
        ]
    assert adjustments_for(application=leping, cross_region=False, terminated=True, day=NEW) == [
        (LIFE, D("1.50")),
        (TERMINATED, D("0.50")),
    ]


def test_adjustments_apply_only_to_cases_that_qualify_and_only_with_a_row(world, django_assert_num_queries):
    adjustment(LIFE, "1.50")
    adjustment(CROSS, "1.20", valid_to=datetime.date(2024, 12, 31))
    plain = make_application(world)
    with django_assert_num_queries(0):
        assert adjustments_for(application=plain, cross_region=False, terminated=False, day=NEW) == []
    # cross-region work had a row in 2024 only; death-penalty review and termination have none
    review = make_application(world, seq="125", grounds=["death_review"])
    assert adjustments_for(application=review, cross_region=True, terminated=True, day=NEW) == []
    assert adjustments_for(
        application=review, cross_region=True, terminated=True, day=datetime.date(2024, 5, 1)
    ) == [(CROSS, D("1.20"))]
    # a row not yet in force does not apply
    assert (
        adjustments_for(
            application=make_application(world, seq="126", grounds=["life_or_death"]),
            cross_region=False,
            terminated=False,
            day=datetime.date(2023, 12, 31),
        )
        == []
    )


def test_subsidy_quote_multiplies_the_standard_by_each_adjustment(world):
    row = standard("3000", category=MatterCategory.CRIMINAL, form=AidForm.DEFENCE)
    adjustment(LIFE, "1.50")
    adjustment(CROSS, "1.10", code="zhushan")
    adjustment(TERMINATED, "0.50")
    application = make_application(world, grounds=["life_or_death"], category=MatterCategory.CRIMINAL)
    quote = subsidy_quote(
        application=application,
        aid_form=AidForm.DEFENCE,
        stage=CaseStage.INVESTIGATION,
        cross_region=True,
        terminated=True,
        day=NEW,
    )
    assert quote.standard == row
    assert quote.base_amount == D("3000.00")
    assert quote.factors == [(LIFE, D("1.50")), (CROSS, D("1.10")), (TERMINATED, D("0.50"))]
    assert quote.amount == D("2475.00")
    assert (
        subsidy_quote(
            application=application,
            aid_form=AidForm.DRAFTING,
            stage="",
            cross_region=False,
            terminated=False,
            day=NEW,
        )
        is None
    )


# --- subsidy_record: Art 50 and the standard of the closure date ----------------------------------


def test_the_subsidy_uses_the_standard_row_valid_on_the_closure_date(world):
    """Done when: the subsidy uses the standard row valid on the closure date."""
    old = standard("1000", valid_to=datetime.date(2024, 12, 31))
    new = standard("1200", valid_from=NEW)
    closed_in_2024 = make_assignment(world, make_application(world))
    closed_in_2025 = make_assignment(world, make_application(world, seq="124"))
    a = subsidy_record(
        acting_user=world["reviewer"], assignment=closed_in_2024, day=datetime.date(2024, 12, 31)
    )
    b = subsidy_record(acting_user=world["reviewer"], assignment=closed_in_2025, day=NEW)
    assert (a.standard, a.base_amount, a.amount, a.owed_on) == (
        old,
        D("1000.00"),
        D("1000.00"),
        datetime.date(2024, 12, 31),
    )
    assert (b.standard, b.base_amount, b.amount, b.owed_on) == (new, D("1200.00"), D("1200.00"), NEW)


def test_subsidy_record_writes_the_owed_row_and_audits_it_on_the_case(world):
    row = standard("2000", stage=CaseStage.FIRST_INSTANCE)
    adjustment(CROSS, "1.25")
    adjustment(LIFE, "1.50")
    application = make_application(world, grounds=["life_or_death"])
    assignment = make_assignment(world, application, cross_region=True)
    payment = subsidy_record(acting_user=world["reviewer"], assignment=assignment, day=NEW)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OWED
    assert payment.assignment == assignment
    assert payment.application == application
    assert payment.provider == world["provider"]
    assert payment.organisation == world["provider"].organisation
    assert payment.standard == row
    assert payment.base_amount == D("2000.00")
    assert payment.factors == [["life_or_death", "1.50"], ["cross_region", "1.25"]]
    assert payment.amount == D("3750.00")
    assert (payment.owed_on, payment.approved_on, payment.paid_on) == (NEW, None, None)
    event = AuditEvent.objects.get(action=AuditAction.SUBSIDY_OWED)
    # on the payment: the case's timeline (the applicant's, and the public query's) does not show money
    assert (event.object_type, event.object_id) == ("assignments.subsidypayment", str(payment.pk))
    assert event.actor == world["reviewer"]
    assert event.new["amount"] == "3750.00"
    assert event.new["standard"] == row.pk


def test_a_terminated_case_is_paid_its_share(world):
    standard("1000")
    adjustment(TERMINATED, "0.40")
    assignment = make_assignment(world, make_application(world), stage=CaseStage.NEGOTIATION)
    payment = subsidy_record(acting_user=world["reviewer"], assignment=assignment, day=NEW, terminated=True)
    assert payment.amount == D("400.00")
    assert payment.factors == [["terminated", "0.40"]]


@pytest.mark.parametrize("approved", [None, False])
def test_no_subsidy_before_the_closing_file_is_accepted(world, approved):
    standard("1000")
    assignment = make_assignment(world, make_application(world), approved=approved)
    with pytest.raises(Conflict):
        subsidy_record(acting_user=world["reviewer"], assignment=assignment, day=NEW)
    assert not SubsidyPayment.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.SUBSIDY_OWED).exists()


def test_no_subsidy_without_a_closing_report(world):
    standard("1000")
    assignment = make_assignment(world, make_application(world), stage=None)
    with pytest.raises(Conflict):
        subsidy_record(acting_user=world["reviewer"], assignment=assignment, day=NEW)
    assert not SubsidyPayment.objects.exists()


def test_a_second_record_is_refused(world):
    standard("1000")
    assignment = make_assignment(world, make_application(world))
    subsidy_record(acting_user=world["reviewer"], assignment=assignment, day=NEW)
    with pytest.raises(Conflict):
        subsidy_record(acting_user=world["reviewer"], assignment=assignment, day=NEW)
    assert SubsidyPayment.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.SUBSIDY_OWED).count() == 1


def test_no_standard_in_force_is_a_validation_error(world):
    standard("1000", valid_from=NEW)
    assignment = make_assignment(world, make_application(world))
    with pytest.raises(ValidationError) as raised:
        subsidy_record(acting_user=world["reviewer"], assignment=assignment, day=datetime.date(2024, 12, 31))
    assert "2024-12-31" in raised.value.messages[0]
    assert raised.value.code == "no_subsidy_standard"
    assert not SubsidyPayment.objects.exists()


# --- owed → approved → paid ----------------------------------------------------------------------


@pytest.fixture
def owed(world):
    standard("1000")
    return subsidy_record(
        acting_user=world["reviewer"], assignment=make_assignment(world, make_application(world)), day=NEW
    )


def test_approve_then_pay(world, owed):
    today = timezone.localdate()
    with pytest.raises(Conflict):
        payment_mark_paid(acting_user=world["reviewer"], payment=owed, paid_on=today, reference="X")
    approved = payment_approve(acting_user=world["reviewer"], payment=owed)
    assert (approved.status, approved.approved_on) == (PaymentStatus.APPROVED, today)
    assert (owed.status, owed.approved_on) == (PaymentStatus.APPROVED, today)  # the caller's object follows
    with pytest.raises(Conflict):
        payment_approve(acting_user=world["reviewer"], payment=owed)
    paid = payment_mark_paid(
        acting_user=world["reviewer"], payment=owed, paid_on=today, reference=" BOC-2025-0001 "
    )
    paid.refresh_from_db()
    assert (paid.status, paid.paid_on, paid.payment_reference) == (PaymentStatus.PAID, today, "BOC-2025-0001")
    with pytest.raises(Conflict):
        payment_mark_paid(acting_user=world["reviewer"], payment=paid, paid_on=today, reference="again")
    with pytest.raises(Conflict):
        payment_approve(acting_user=world["reviewer"], payment=paid)
    events = AuditEvent.objects.filter(object_type="assignments.subsidypayment", object_id=str(paid.pk))
    assert [e.action for e in events.order_by("pk")] == [
        AuditAction.SUBSIDY_OWED,
        AuditAction.SUBSIDY_APPROVE,
        AuditAction.SUBSIDY_PAY,
    ]
    assert events.get(action=AuditAction.SUBSIDY_PAY).new["reference"] == "BOC-2025-0001"


def test_the_approval_uses_the_row_as_stored_not_the_callers_copy(world, owed):
    stale = SubsidyPayment.objects.get(pk=owed.pk)
    payment_approve(acting_user=world["reviewer"], payment=owed)
    with pytest.raises(Conflict):
        payment_approve(acting_user=world["reviewer"], payment=stale)
    assert AuditEvent.objects.filter(action=AuditAction.SUBSIDY_APPROVE).count() == 1


@pytest.mark.parametrize("days", [1, -1])
def test_the_payment_day_is_neither_future_nor_before_the_approval(world, owed, days):
    payment_approve(acting_user=world["reviewer"], payment=owed)
    with pytest.raises(ValidationError) as raised:
        payment_mark_paid(
            acting_user=world["reviewer"],
            payment=owed,
            paid_on=timezone.localdate() + datetime.timedelta(days=days),
            reference="X",
        )
    assert "paid_on" in raised.value.message_dict
    owed.refresh_from_db()
    assert owed.status == PaymentStatus.APPROVED


def test_a_reference_longer_than_the_ledger_holds_is_refused(world, owed):
    payment_approve(acting_user=world["reviewer"], payment=owed)
    with pytest.raises(ValidationError):
        payment_mark_paid(
            acting_user=world["reviewer"], payment=owed, paid_on=timezone.localdate(), reference="x" * 65
        )


# --- the ledger ------------------------------------------------------------------------------------


def test_ledger_by_provider_and_firm_with_totals(world, django_assert_num_queries):
    standard("1000")
    standard("300.33", form=AidForm.CONSULTATION)
    reviewer = world["reviewer"]
    one = subsidy_record(
        acting_user=reviewer, assignment=make_assignment(world, make_application(world)), day=OLD
    )
    two = subsidy_record(
        acting_user=reviewer,
        assignment=make_assignment(world, make_application(world, seq="124"), form=AidForm.CONSULTATION),
        day=NEW,
    )
    three = subsidy_record(
        acting_user=reviewer,
        assignment=make_assignment(world, make_application(world, seq="125"), form=AidForm.CONSULTATION),
        day=NEW,
    )
    payment_approve(acting_user=reviewer, payment=two)
    payment_approve(acting_user=reviewer, payment=three)
    payment_mark_paid(acting_user=reviewer, payment=three, paid_on=timezone.localdate(), reference="R1")
    # another firm's provider, paid nothing yet
    other = ProviderFactory()
    elsewhere = Assignment.objects.create(
        application=make_application(world, seq="126"),
        provider=other,
        organisation=other.organisation,
        aid_form=AidForm.REPRESENTATION,
        status=AssignmentStatus.ACCEPTED,
        assigned_by=reviewer,
    )
    ClosingReport.objects.create(
        assignment=elsewhere,
        application=elsewhere.application,
        outcome="won",
        stage=CaseStage.FIRST_INSTANCE,
        summary="-",
        hours=1,
        ended_on=NEW,
        filed_by=reviewer,
        filed_at=timezone.now(),
        filed_on=NEW,
        approved=True,
    )
    subsidy_record(acting_user=reviewer, assignment=elsewhere, day=NEW)

    provider = world["provider"]
    assert set(payments_for_provider(provider)) == {one, two, three}
    assert set(payments_for_provider(provider, year=2025)) == {two, three}
    assert set(payments_for_organisation(provider.organisation, year=2024)) == {one}
    assert list(payments_for_organisation(other.organisation)) == [
        SubsidyPayment.objects.get(assignment=elsewhere)
    ]
    with django_assert_num_queries(1):
        totals = ledger_totals(payments_for_provider(provider))
    assert totals == {
        "owed": D("1000.00"),
        "approved": D("300.33"),
        "paid": D("300.33"),
        "total": D("1600.66"),
        "owed_count": 1,
        "approved_count": 1,
        "paid_count": 1,
        "count": 3,
    }
    assert all(isinstance(totals[k], Decimal) for k in ("owed", "approved", "paid", "total"))
    empty = ledger_totals(payments_for_provider(provider, year=2030))
    assert empty["owed"] == empty["total"] == D("0.00") and empty["count"] == 0


# --- copying a period's table ---------------------------------------------------------------------


def test_copy_carries_the_whole_table_into_the_next_period(world, django_assert_max_num_queries):
    source_day = datetime.date(2024, 7, 1)
    open_row = standard("1000")
    staged = standard(
        "1500",
        stage=CaseStage.FIRST_INSTANCE,
        valid_from=datetime.date(2024, 3, 1),
        valid_to=datetime.date(2025, 12, 31),
    )
    ends_early = standard(
        "500", form=AidForm.CONSULTATION, valid_to=datetime.date(2024, 10, 31), is_demo=True, note="demo"
    )
    gone = standard("800", code="leping", valid_to=datetime.date(2024, 6, 30))
    # savepoint, source rows, later rows, one update, one insert, the audit row, release
    with django_assert_max_num_queries(7):
        count = subsidy_standards_copy(
            acting_user=world["reviewer"], source_day=source_day, valid_from=NEW, note="2025年补贴标准"
        )
    assert count == 3
    for row in (open_row, staged, ends_early, gone):
        row.refresh_from_db()
    assert open_row.valid_to == staged.valid_to == datetime.date(2024, 12, 31)
    assert ends_early.valid_to == datetime.date(2024, 10, 31)  # ended earlier already: untouched
    assert gone.valid_to == datetime.date(2024, 6, 30)
    copies = SubsidyStandard.objects.filter(valid_from=NEW).order_by("amount")
    assert [
        (c.amount, c.stage, c.aid_form, c.region.code, c.valid_to, c.is_demo, c.note) for c in copies
    ] == [
        (D("500.00"), "", AidForm.CONSULTATION, "zhushan", None, True, "2025年补贴标准"),
        (D("1000.00"), "", AidForm.REPRESENTATION, "zhushan", None, False, "2025年补贴标准"),
        (
            D("1500.00"),
            CaseStage.FIRST_INSTANCE,
            AidForm.REPRESENTATION,
            "zhushan",
            None,
            False,
            "2025年补贴标准",
        ),
    ]
    # every row still satisfies the rule table's invariant: no two rows of a key overlap
    for row in SubsidyStandard.objects.all():
        row.full_clean()
    key = {
        "region": region("zhushan"),
        "matter_category": MatterCategory.CIVIL,
        "aid_form": AidForm.REPRESENTATION,
    }
    assert standard_for(**key, stage=CaseStage.FIRST_INSTANCE, day=NEW).amount == D("1500.00")
    assert standard_for(**key, stage=CaseStage.FIRST_INSTANCE, day=NEW).valid_from == NEW
    assert standard_for(**key, stage=CaseStage.FIRST_INSTANCE, day=datetime.date(2024, 12, 31)) == staged
    event = AuditEvent.objects.get(action=AuditAction.SUBSIDY_STANDARDS_COPY)
    assert event.object_type == "assignments.subsidystandard"
    assert event.new["count"] == 3
    assert event.actor == world["reviewer"]

    # twice: the new period exists already
    with pytest.raises(ValidationError) as raised:
        subsidy_standards_copy(acting_user=world["reviewer"], source_day=source_day, valid_from=NEW)
    assert "valid_from" in raised.value.message_dict
    # nor from the new period into itself
    with pytest.raises(ValidationError):
        subsidy_standards_copy(acting_user=world["reviewer"], source_day=NEW, valid_from=NEW)
    assert SubsidyStandard.objects.filter(valid_from=NEW).count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.SUBSIDY_STANDARDS_COPY).count() == 1


def test_copy_keeps_each_rows_note_without_a_new_one(db):
    standard("1000", note="赣司发〔2024〕1号")
    assert subsidy_standards_copy(acting_user=None, source_day=OLD, valid_from=NEW) == 1
    assert SubsidyStandard.objects.get(valid_from=NEW).note == "赣司发〔2024〕1号"


def test_copy_refuses_a_start_not_after_the_rows_copied(db):
    standard("1000")
    standard("1200", form=AidForm.CONSULTATION, valid_from=datetime.date(2024, 6, 1))
    for start in (OLD, datetime.date(2024, 6, 1)):
        with pytest.raises(ValidationError) as raised:
            subsidy_standards_copy(acting_user=None, source_day=datetime.date(2024, 7, 1), valid_from=start)
        assert "valid_from" in raised.value.message_dict
    assert SubsidyStandard.objects.count() == 2
    assert SubsidyStandard.objects.filter(valid_to__isnull=False).count() == 0


def test_copy_refuses_a_day_without_standards(db):
    standard("1000", valid_from=NEW)
    with pytest.raises(ValidationError) as raised:
        subsidy_standards_copy(acting_user=None, source_day=OLD, valid_from=datetime.date(2026, 1, 1))
    assert "source_day" in raised.value.message_dict


def test_copy_refuses_to_overlap_a_later_row_of_the_same_key(db):
    standard("1000", valid_to=datetime.date(2024, 8, 31))
    standard("1100", valid_from=datetime.date(2024, 9, 1))
    with pytest.raises(ValidationError):
        subsidy_standards_copy(acting_user=None, source_day=datetime.date(2024, 7, 1), valid_from=NEW)
    assert SubsidyStandard.objects.count() == 2
    assert SubsidyStandard.objects.get(amount=D("1000")).valid_to == datetime.date(2024, 8, 31)


# --- the admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client_(db, client):
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    return client


def test_admin_copies_a_period_through_its_form(admin_client_):
    row = standard("1000")
    url = "/admin/assignments/subsidystandard/"
    page = admin_client_.post(url, {"action": "copy_period", "_selected_action": [row.pk]})
    assert page.status_code == 200
    assert b'name="valid_from"' in page.content and b'name="apply"' in page.content
    body = {
        "action": "copy_period",
        "_selected_action": [row.pk],
        "apply": "1",
        "source_day": "2024-07-01",
        "valid_from": "2025-01-01",
        "note": "2025年标准",
    }
    done = admin_client_.post(url, body)
    assert done.status_code == 302
    assert SubsidyStandard.objects.get(valid_from=NEW).note == "2025年标准"
    row.refresh_from_db()
    assert row.valid_to == datetime.date(2024, 12, 31)
    # twice: the form shows why, nothing is copied
    again = admin_client_.post(url, body)
    assert again.status_code == 200
    assert b"errorlist" in again.content
    assert SubsidyStandard.objects.filter(valid_from=NEW).count() == 1


def test_admin_moves_payments_on_only_through_the_actions(world, owed, admin_client_):
    url = "/admin/assignments/subsidypayment/"
    assert admin_client_.get(url).status_code == 200
    detail = admin_client_.get(f"{url}{owed.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content  # read-only
    assert (
        admin_client_.post(url, {"action": "approve_for_payment", "_selected_action": [owed.pk]}).status_code
        == 302
    )
    owed.refresh_from_db()
    assert owed.status == PaymentStatus.APPROVED
    form = admin_client_.post(url, {"action": "mark_paid", "_selected_action": [owed.pk]})
    assert form.status_code == 200 and b'name="paid_on"' in form.content
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    body = {"action": "mark_paid", "_selected_action": [owed.pk], "apply": "1", "reference": "BOC-1"}
    assert admin_client_.post(url, {**body, "paid_on": future}).status_code == 200  # the form's error
    owed.refresh_from_db()
    assert owed.status == PaymentStatus.APPROVED
    done = admin_client_.post(url, {**body, "paid_on": timezone.localdate().isoformat()})
    assert done.status_code == 302
    owed.refresh_from_db()
    assert (owed.status, owed.payment_reference) == (PaymentStatus.PAID, "BOC-1")


@pytest.mark.parametrize(
    "model",
    ["assignment", "closingreport", "rating", "subsidyadjustment", "closingchecklistitem", "partyconflict"],
)
def test_admin_lists_open(admin_client_, model):
    assert admin_client_.get(f"/admin/assignments/{model}/").status_code == 200


def test_admin_rows_of_the_services_are_read_only(world, owed, admin_client_):
    assert admin_client_.get(f"/admin/assignments/assignment/{owed.assignment_id}/change/").status_code == 200
    assert admin_client_.get("/admin/assignments/assignment/add/").status_code == 403
