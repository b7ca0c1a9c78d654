"""Demo rule rows of peer review (同行评估/案卷评查): a 100-point scorecard for every matter category, the
grade bands, a sampling rule and the subsidy tier of the grades. Fictional values of the common order (Ningguo sampled 30 of 500
files, 6%, and graded 优秀/良好/合格/不合格), marked as demo values on the rows.

``seed_scorecards()`` is idempotent: a row already there (or official data entered in the admin for
the same key and dates) is left alone. Called by ``seed_demo``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from assignments.models import SubsidyGradeFactor
from directory.choices import MatterCategory
from quality.choices import Grade
from quality.models import GradeBand, SamplingRule, ScorecardItem
from quality.scorecard import DEFAULT_BANDS

from .management.commands.seed_demo import DEMO_NOTE, RULES_VALID_FROM

# (code, label, maximum, sort order, what the reviewer looks for). Items for every category first,
# then each category's own: every category's scorecard adds up to 100.
COMMON_ITEMS: list[tuple[str, str, int, int, str]] = [
    ("intake", "接待与受理", 10, 10, "受理审查及时、手续齐全，指派通知与委托手续完备"),
    ("closing", "结案材料完整", 15, 60, "结案报告、裁判文书、办案记录等归档材料齐全规范"),
    ("contact", "与受援人沟通", 10, 70, "及时告知案件进展，听取受援人意见，无收取财物情形"),
]
CATEGORY_ITEMS: dict[str, list[tuple[str, str, int, int, str]]] = {
    MatterCategory.CIVIL: [
        ("evidence", "证据收集", 20, 20, "围绕诉讼请求调查收集证据，申请保全或调查令及时"),
        ("documents", "法律文书质量", 25, 30, "起诉状、代理词等事实清楚、请求明确、说理充分"),
        ("hearing", "庭审表现", 20, 40, "按时出庭，举证质证、辩论发问充分有效"),
    ],
    MatterCategory.ADMINISTRATIVE: [
        ("evidence", "证据收集", 20, 20, "调取行政行为依据和证据，审查程序合法性"),
        ("documents", "法律文书质量", 25, 30, "行政复议申请书、起诉状、代理词规范有据"),
        ("hearing", "庭审表现", 20, 40, "出庭参加诉讼或复议听证，质证辩论充分"),
    ],
    MatterCategory.CRIMINAL: [
        ("meeting", "会见与阅卷", 20, 15, "及时会见当事人、全面阅卷，并有会见和阅卷笔录"),
        ("evidence", "调查取证", 10, 20, "必要时调查收集有利于当事人的证据"),
        ("documents", "辩护意见质量", 20, 30, "辩护词或法律意见书观点明确、论证充分"),
        ("hearing", "庭审表现", 15, 40, "出庭辩护、发问质证和量刑意见到位"),
    ],
    MatterCategory.STATE_COMPENSATION: [
        ("evidence", "证据收集", 20, 20, "收集侵权事实、损害后果及因果关系证据"),
        ("documents", "法律文书质量", 25, 30, "国家赔偿申请书、代理意见事实清楚、计算准确"),
        ("hearing", "庭审与听证表现", 20, 40, "参加赔偿委员会质证、听证或庭审表现"),
    ],
}

# Ningguo's 30 of 500 files: 6% of each center's closed files, two thirds civil, a third criminal.
SAMPLING_SHARE = Decimal("0.0600")
SAMPLING_MIX = {MatterCategory.CIVIL.value: "0.7", MatterCategory.CRIMINAL.value: "0.3"}
# The subsidy tier of a grade: a tenth more for 优秀, four fifths for 不合格, unchanged otherwise.
SUBSIDY_GRADE_FACTORS = {Grade.EXCELLENT.value: Decimal("1.10"), Grade.FAIL.value: Decimal("0.80")}


def _exists(model, key: dict) -> bool:
    """A row of ``key`` from the demo's date, or one in force on or after it (official data wins)."""
    rows = model._default_manager.filter(**key)
    return rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=RULES_VALID_FROM)).exists()


def _save(model, key: dict, values: dict) -> int:
    if _exists(model, key):
        return 0
    row = model(**key, **values, valid_from=RULES_VALID_FROM, is_demo=True, note=DEMO_NOTE)
    row.full_clean()
    row.save()
    return 1


@transaction.atomic
def seed_scorecards() -> int:
    """Seed the scorecard items, grade bands and sampling rule; the number of rows added. (Rows entered
    in the admin beside these may make a category's items add up to other than 100: the director's
    quality page says so, and a sampling refuses to use that scorecard.)"""
    added = 0
    for code, label, points, order, guidance in COMMON_ITEMS:
        added += _save(
            ScorecardItem,
            {"matter_category": "", "code": code},
            {"label": label, "max_points": Decimal(points), "sort_order": order, "guidance": guidance},
        )
    for category, items in CATEGORY_ITEMS.items():
        for code, label, points, order, guidance in items:
            added += _save(
                ScorecardItem,
                {"matter_category": category, "code": code},
                {"label": label, "max_points": Decimal(points), "sort_order": order, "guidance": guidance},
            )
    for band in DEFAULT_BANDS:
        added += _save(GradeBand, {"grade": Grade(band.grade)}, {"min_points": band.min_points})
    # the subsidy tier: applies to the subsidy standards marked "paid by the peer-review grade" (none
    # of the demo's: the centers turn it on in the admin)
    for grade, factor in SUBSIDY_GRADE_FACTORS.items():
        added += _save(SubsidyGradeFactor, {"grade": grade, "region": None}, {"factor": factor})
    added += _save(
        SamplingRule,
        {"center": None},
        {"share": SAMPLING_SHARE, "count": None, "mix": SAMPLING_MIX, "correction_days": 30},
    )
    return added
