"""The materials checklist (申请材料清单): the pure choice of items at its boundaries, the rows in force for a
region, the means-test path derived from the means rules, and the demo's rows (docs/domain.md)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aid_cases import checklist_rules
from aid_cases.checklist import Item, MeansPath, Rule, materials_for, means_path_of
from aid_cases.means import Result
from aid_cases.models import LocalApplicantCategory, LocalMatterType, MaterialsChecklistItem
from tests.factories import region

# --- the pure function ----------------------------------------------------------------------------

IDENTITY = Rule("identity", "身份证", "核实身份", sort_order=10)
PLEDGE = Rule("pledge", "诚信承诺", sort_order=30, means_path=MeansPath.MEANS_TESTED)
MEANS = Rule("means_proof", "收入证明", required=False, sort_order=31, means_path=MeansPath.MEANS_TESTED)
DISABLED = Rule("group_proof", "残疾人证", sort_order=40, categories=("disabled",))
ELDERLY = Rule("group_proof", "老年人证明", sort_order=40, categories=("elderly", "minor"))
WAGES = Rule("matter_proof", "欠薪证据", sort_order=60, matter_types=("wage_arrears", "work_injury"))
REPRESENTATION = Rule("representation_proof", "监护关系证明", sort_order=20, with_representative=True)
ROWS = (WAGES, DISABLED, ELDERLY, MEANS, PLEDGE, REPRESENTATION, IDENTITY)


def codes(**case) -> list[str]:
    return [item.code for item in items(**case)]


def items(
    rows=ROWS, categories=(), matter_type="maintenance", means_path="means_tested", **extra
) -> list[Item]:
    return materials_for(
        categories=list(categories), matter_type=matter_type, means_path=means_path, rows=rows, **extra
    )


def test_rows_without_conditions_fit_every_case_and_come_in_their_order():
    assert items() == [
        Item("identity", "身份证", True, "核实身份"),
        Item("pledge", "诚信承诺", True, ""),
        Item("means_proof", "收入证明", False, ""),
    ]


def test_a_group_row_fits_an_applicant_in_any_of_its_groups_only():
    assert "group_proof" not in codes(categories=["low_income"])
    assert [i.label for i in items(categories=["minor"]) if i.code == "group_proof"] == ["老年人证明"]
    # two groups, two rows of the same kind: both listed
    both = [i.label for i in items(categories=["disabled", "elderly"]) if i.code == "group_proof"]
    assert both == ["残疾人证", "老年人证明"]


def test_a_matter_row_fits_its_matter_types_only():
    assert "matter_proof" in codes(matter_type="work_injury")
    assert "matter_proof" not in codes(matter_type="traffic_injury")


def test_the_means_path_decides_the_proof_of_means():
    assert {"pledge", "means_proof"} <= set(codes(means_path="means_tested"))
    assert not {"pledge", "means_proof"} & set(codes(means_path="exempt", categories=["disabled"]))
    assert codes(means_path="not_restricted") == ["identity"]


def test_representation_is_asked_only_of_a_representative():
    assert "representation_proof" not in codes()
    assert codes(representative=True)[:2] == ["identity", "representation_proof"]


def test_a_regions_own_row_replaces_the_row_for_every_region_with_the_same_conditions():
    own = Rule("identity", "居民身份证原件及复印件", sort_order=10, region="leping")
    own_group = Rule(
        "group_proof", "残疾人证（乐平）", sort_order=40, categories=("disabled",), region="leping"
    )
    chosen = items(rows=(*ROWS, own, own_group), categories=["disabled", "elderly"])
    assert [(i.code, i.label) for i in chosen if i.code in ("identity", "group_proof")] == [
        ("identity", "居民身份证原件及复印件"),
        ("group_proof", "老年人证明"),  # other conditions: not replaced
        ("group_proof", "残疾人证（乐平）"),  # the same place: in the order given
    ]


def test_rows_giving_the_same_item_are_one_line_required_when_any_is():
    optional = Rule("employment_proof", "劳动合同", "农民工", required=False, categories=("migrant_worker",))
    required = Rule("employment_proof", "劳动合同", "劳动关系", matter_types=("wage_arrears",))
    (line,) = [
        i for i in items(rows=(optional, required), categories=["migrant_worker"], matter_type="wage_arrears")
    ]
    assert line == Item("employment_proof", "劳动合同", True, "农民工")
    (alone,) = items(rows=(optional, required), categories=["migrant_worker"], matter_type="pension")
    assert alone.required is False


def test_no_rows_no_items():
    assert items(rows=()) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"categories": "disabled"},  # one string, not a list of codes
        {"means_path": "eligible"},
        {"means_path": ""},
        {"rows": (Rule("identity", "身份证", means_path="sometimes"),)},
    ],
)
def test_values_that_are_not_a_case_are_refused(bad):
    case = {"categories": [], "matter_type": "maintenance", "means_path": "means_tested", "rows": ROWS, **bad}
    with pytest.raises(ValueError):
        materials_for(**case)


def test_rows_must_be_rule_values():
    with pytest.raises(TypeError):
        items(rows=({"code": "identity"},))


@pytest.mark.parametrize(
    ("result", "path"),
    [
        ("eligible", "means_tested"),
        ("not_eligible", "means_tested"),
        ("unknown", "means_tested"),
        (Result.EXEMPT, "exempt"),
        ("not_restricted", "not_restricted"),
    ],
)
def test_the_path_of_each_means_test_result(result, path):
    assert means_path_of(result) == path


def test_an_unknown_result_has_no_path():
    with pytest.raises(ValueError):
        means_path_of("maybe")


# --- the rows in force and the means rules (database) ---------------------------------------------


def seed_demo_checklist() -> int:
    """The demo's checklist rows, with the local group and matter they name (seed_demo adds those)."""
    from demo.checklist import LOCAL_GROUP, LOCAL_MATTER, seed_checklist
    from demo.management.commands.seed_demo import RULES_VALID_FROM

    LocalApplicantCategory.objects.get_or_create(
        code=LOCAL_GROUP, defaults={"label": "困境儿童", "basis": "演示", "valid_from": RULES_VALID_FROM}
    )
    LocalMatterType.objects.get_or_create(
        code=LOCAL_MATTER,
        defaults={
            "label": "见义勇为人员抚恤补助",
            "matter_category": "administrative",
            "basis": "演示",
            "valid_from": RULES_VALID_FROM,
        },
    )
    return seed_checklist()


@pytest.fixture
def demo_rows(db):
    seed_demo_checklist()


def checklist(categories=(), matter_type="maintenance", region_code="zhushan", **extra) -> dict[str, Item]:
    found = checklist_rules.checklist_for(
        categories=list(categories), matter_type=matter_type, region=region_code, **extra
    )
    by_code: dict[str, Item] = {}
    for item in found:
        by_code.setdefault(item.code, item)
    return by_code


def test_a_migrant_workers_wage_claim_omits_income_proof_and_lists_proof_of_employment(demo_rows):
    found = checklist(["migrant_worker"], "wage_arrears")
    assert "means_proof" not in found and "pledge" not in found  # exempt (Art 42)
    assert found["employment_proof"].required and "劳动" in found["employment_proof"].label
    assert list(found) == ["identity", "employment_proof", "matter_proof"]


def test_a_migrant_worker_is_means_tested_in_another_matter(demo_rows):
    found = checklist(["migrant_worker"], "traffic_injury")
    assert {"pledge", "means_proof", "employment_proof", "injury_proof", "matter_proof"} <= set(found)


def test_a_low_income_applicants_civil_matter_needs_the_pledge_or_proof_of_income(demo_rows):
    found = checklist(["low_income"], "maintenance")
    # Art 41: the pledge instead of proof of income; the proof is there for who has it
    assert found["pledge"].required and "诚信承诺" in found["pledge"].label
    assert found["means_proof"].required is False
    assert found["group_proof"].label == "低收入家庭认定证明"


def test_a_disabled_applicant_needs_proof_of_the_group(demo_rows):
    found = checklist(["disabled"], "maintenance")
    assert found["group_proof"].required and "残疾人证" in found["group_proof"].label
    # whether there is a fixed income is not answered: not exempt on that ground, so the pledge too
    assert "pledge" in found
    exempt = checklist(["disabled"], "maintenance", fixed_income=False)
    assert "group_proof" in exempt and "pledge" not in exempt and "means_proof" not in exempt
    assert "pledge" in checklist(["disabled"], "maintenance", fixed_income=True)


def test_a_representative_needs_proof_of_representation(demo_rows):
    assert "representation_proof" not in checklist(["minor"], "maintenance")
    found = checklist(["minor"], "maintenance", representative=True)
    assert found["representation_proof"].required and "监护" in found["representation_proof"].label


def test_a_matter_not_restricted_by_hardship_needs_no_proof_of_means(demo_rows):
    found = checklist([], "domestic_violence")
    assert list(found) == ["identity", "matter_proof"]
    assert "第三十二条" in found["matter_proof"].why


def test_a_criminal_defence_for_another_reason_needs_no_proof_of_means(demo_rows):
    assert "pledge" in checklist([], "criminal_defence", defence_reason="economic_hardship")
    assert "pledge" not in checklist([], "criminal_defence", defence_reason="other")


def test_a_local_group_and_a_local_matter_have_their_rows(demo_rows, settings):
    from aid_cases.models import MeansExemptionRule, MeansMatterRule
    from demo.checklist import LOCAL_GROUP, LOCAL_MATTER

    # the demo's local group is exempt and its local matter not means-tested by rule rows (seed_demo)
    MeansExemptionRule.objects.create(
        category=LOCAL_GROUP, proof="认定材料", valid_from=datetime.date(2026, 1, 1)
    )
    MeansMatterRule.objects.create(matter_type=LOCAL_MATTER, valid_from=datetime.date(2026, 1, 1))
    group = checklist([LOCAL_GROUP], "maintenance")
    assert group["group_proof"].label == "民政部门出具的困境儿童认定材料" and "pledge" not in group
    matter = checklist([], LOCAL_MATTER)
    assert "见义勇为" in matter["matter_proof"].label and "pledge" not in matter


def test_the_demo_has_rows_for_every_group_and_matter_type_and_seeds_once(demo_rows):
    from aid_cases.means import APPLICANT_CATEGORIES
    from directory.choices import MatterType

    rows = list(MaterialsChecklistItem.objects.all())
    groups = {c for row in rows for c in row.categories}
    matters = {m for row in rows if row.code == "matter_proof" for m in row.matter_types}
    assert set(APPLICANT_CATEGORIES) <= groups
    assert set(MatterType.values) <= matters
    assert {"identity", "means_proof", "pledge", "employment_proof", "group_proof", "matter_proof"} <= {
        row.code for row in rows
    }
    assert all(row.is_demo for row in rows)
    assert seed_demo_checklist() == 0  # a second run adds nothing


def make_row(**fields) -> MaterialsChecklistItem:
    row = MaterialsChecklistItem(
        **{"code": "other", "label": "其他材料", "valid_from": datetime.date(2020, 1, 1), **fields}
    )
    row.full_clean()
    row.save()
    return row


def test_a_row_out_of_force_or_of_another_region_does_not_apply(db):
    today = timezone.localdate()
    make_row(label="已失效", valid_to=today - datetime.timedelta(days=1))
    make_row(label="尚未生效", valid_from=today + datetime.timedelta(days=1))
    make_row(label="乐平专用", region=region("leping"))
    make_row(label="全市通用")
    assert [
        i.label for i in checklist_rules.checklist_for(categories=[], matter_type="other", region="zhushan")
    ] == ["全市通用"]
    leping = checklist_rules.checklist_for(categories=[], matter_type="other", region="leping")
    # leping's own row has the same kind and conditions: it replaces the row for every region
    assert [i.label for i in leping] == ["乐平专用"]
    # with no region, only the rows for every region
    assert [i.label for i in checklist_rules.checklist_for(categories=[], matter_type="other")] == [
        "全市通用"
    ]
    # the day decides: the row that ended yesterday applied then
    yesterday = checklist_rules.checklist_for(
        categories=[], matter_type="other", day=today - datetime.timedelta(days=1)
    )
    assert [i.label for i in yesterday] == ["已失效", "全市通用"]


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ({"categories": ["pirate"], "matter_type": "maintenance"}, "categories", "未知的特殊群体“pirate”。"),
        ({"categories": [], "matter_type": "piracy"}, "matter_type", "未知的事项类型“piracy”。"),
        ({"categories": [], "matter_type": ""}, "matter_type", "此项为必填项。"),
        ({"categories": [], "matter_type": "maintenance", "region": "atlantis"}, "region", "atlantis"),
    ],
)
def test_unknown_codes_are_refused_by_field(db, case, field, message):
    with pytest.raises(ValidationError) as raised:
        checklist_rules.checklist_for(**case)
    assert message in raised.value.message_dict[field][0]


def test_a_local_group_out_of_force_is_named_in_the_refusal(db):
    LocalApplicantCategory.objects.create(
        code="local_shidu",
        label="失独家庭",
        basis="某规定",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2020, 12, 31),
    )
    with pytest.raises(ValidationError) as raised:
        checklist_rules.checklist_for(categories=["local_shidu"], matter_type="maintenance")
    assert "失独家庭" in raised.value.message_dict["categories"][0]


def test_a_row_names_known_codes_only_and_keeps_them_sorted(db):
    row = make_row(categories=["minor", "disabled", "minor"])
    assert row.categories == ["disabled", "minor"]
    with pytest.raises(ValidationError) as raised:
        make_row(label="x", categories=["pirate"], matter_types=["piracy"])
    assert set(raised.value.message_dict) == {"categories", "matter_types"}
    # the same item and conditions in force twice (whatever the order of the groups): refused
    with pytest.raises(ValidationError):
        make_row(categories=["disabled", "minor"], valid_from=datetime.date(2021, 1, 1))
