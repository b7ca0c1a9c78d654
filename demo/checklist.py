"""Demo rule rows of the materials checklist (申请材料清单): rows for every special group and matter type,
the local ones the demo adds included, worded as Jingdezhen's window would (fictional, marked as demo
values on the rows).

The means-test path decides the proof of means: a means-tested case declares its hardship by the
integrity pledge (个人诚信承诺, Art 41: the center verifies by information sharing), with proof of income
only where it has some; an exempt case (Art 42) brings the proof of its group; a matter not restricted by
hardship (Art 32) brings neither.

``seed_checklist()`` is idempotent: a row already there (or official data entered in the admin for the
same item and conditions) is left alone. Called by ``seed_demo``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from aid_cases.checklist import MaterialCode, MeansPath
from aid_cases.models import MaterialsChecklistItem

from .management.commands.seed_demo import DEMO_NOTE, RULES_VALID_FROM

# the local group and matter that seed_demo adds (Art 42 (4), Art 32 (5))
LOCAL_GROUP = "local_kunjing_ertong"
LOCAL_MATTER = "local_jianyi_yongwei_fuxu"

EMPLOYMENT = "劳动关系或者务工证明（劳动合同、工资记录、工作证、考勤记录等）"
SCOPE = "用于审查申请事项是否属于法律援助范围（《法律援助法》第三十一条、第三十二条）。"


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    why: str
    sort_order: int
    required: bool = True
    categories: list[str] = field(default_factory=list)
    matter_types: list[str] = field(default_factory=list)
    means_path: str = ""
    with_representative: bool = False


def _group(category: str, label: str, why: str, *, required: bool = True) -> Row:
    return Row(MaterialCode.GROUP_PROOF, label, why, 40, required, categories=[category])


def _matter(matter_type: str, label: str, why: str = SCOPE) -> Row:
    return Row(MaterialCode.MATTER_PROOF, label, why, 60, matter_types=[matter_type])


ROWS: list[Row] = [
    Row(MaterialCode.IDENTITY, "申请人的居民身份证或者户口簿等有效身份证明", "核实申请人的身份。", 10),
    Row(
        MaterialCode.REPRESENTATION_PROOF,
        "代为申请人的身份证明，以及监护关系或者近亲属关系的证明（户口簿、出生医学证明、指定监护的文书等）",
        "无民事行为能力人或者限制民事行为能力人由其法定代理人代为申请，近亲属也可以代为申请（第四十条）。",
        20,
        with_representative=True,
    ),
    # means-tested: the pledge instead of proof of income (Art 41)
    Row(
        MaterialCode.PLEDGE,
        "经济困难状况个人诚信承诺（在申请表中如实说明并作出承诺）",
        "如实说明经济困难状况并作出个人诚信承诺的，无需另行开具收入证明，中心通过信息共享查询核查（第四十一条）。",
        30,
        means_path=MeansPath.MEANS_TESTED,
    ),
    Row(
        MaterialCode.MEANS_PROOF,
        "家庭收入或者经济困难的证明（工资收入证明、低收入家庭证明等，已有的可一并提交）",
        "信息共享无法核实时，中心会一次性告知补充。",
        31,
        required=False,
        means_path=MeansPath.MEANS_TESTED,
    ),
    # the special groups (Art 42: the exemptions stand on this proof)
    _group(
        "low_income",
        "低收入家庭认定证明",
        "低收入群体优先受理、审查；仍须核查经济困难状况。",
        required=False,
    ),
    _group(
        "disabled",
        "残疾人证；无固定生活来源的，附相关证明",
        "残疾人无固定生活来源的，免予核查经济困难状况（第四十二条）。",
    ),
    _group(
        "elderly",
        "无固定生活来源的证明或者说明（老年人）",
        "老年人无固定生活来源的，免予核查经济困难状况（第四十二条）。",
    ),
    _group(
        "minor",
        "未成年人的户口簿或者出生医学证明；无固定生活来源的，附相关说明",
        "未成年人无固定生活来源的，免予核查经济困难状况（第四十二条）。",
    ),
    _group("single_mother", "单亲困难母亲的认定证明（妇联或者民政部门出具）", "单亲困难母亲优先受理、审查。"),
    _group("military_family", "军人证件或者军属证明", "军人军属免予核查经济困难状况（第四十二条）。"),
    _group("veteran", "退役军人证件或者退役证明", "退役军人免予核查经济困难状况（第四十二条）。"),
    _group("entitled_person", "优待证或者优抚对象证明", "优抚对象免予核查经济困难状况（第四十二条）。"),
    _group(
        "social_assistance",
        "最低生活保障证明或者特困人员救助供养证明",
        "社会救助对象免予核查经济困难状况（第四十二条）。",
    ),
    _group(
        "judicial_assistance",
        "司法救助决定书或者相关证明材料",
        "司法救助对象免予核查经济困难状况（第四十二条）。",
    ),
    _group(LOCAL_GROUP, "民政部门出具的困境儿童认定材料", "困境儿童免予核查经济困难状况（本地规定）。"),
    # employment: the migrant worker's group, and the labour matters of anyone (one item when both fit)
    Row(
        MaterialCode.EMPLOYMENT_PROOF,
        EMPLOYMENT,
        "农民工请求支付劳动报酬或者工伤赔偿的，免予核查经济困难状况（第四十二条）。",
        45,
        categories=["migrant_worker"],
    ),
    Row(
        MaterialCode.EMPLOYMENT_PROOF,
        EMPLOYMENT,
        "证明与用人单位之间的劳动关系。",
        45,
        matter_types=["wage_arrears", "work_injury", "labour_relation", "social_insurance"],
    ),
    Row(
        MaterialCode.INJURY_PROOF,
        "伤情证明（病历、诊断证明、医疗费票据、伤残等级鉴定意见等）",
        "证明人身损害及其后果。",
        50,
        matter_types=["work_injury", "traffic_injury", "medical_injury", "product_injury"],
    ),
    # the matter itself
    _matter("wage_arrears", "欠薪证据（工资欠条、工资条、银行流水、劳动监察或者仲裁文书等）"),
    _matter("work_injury", "工伤认定决定书、劳动能力鉴定结论（已作出的）"),
    _matter("labour_relation", "争议经过的说明及已有的劳动仲裁或者诉讼文书"),
    _matter(
        "maintenance",
        "亲属关系证明（户口簿、出生医学证明、结婚证等）及对方不履行赡养、抚养或者扶养义务的证据",
    ),
    _matter("pension", "抚恤金的相关证明（抚恤决定、领取记录、有关部门的答复等）"),
    _matter("social_insurance", "社会保险缴费记录及有关部门的处理决定或者答复"),
    _matter("social_assistance", "社会救助的申请材料及有关部门的决定或者答复"),
    _matter("traffic_injury", "交通事故认定书、保险单据"),
    _matter("medical_injury", "病历资料及医疗损害鉴定意见（已有的）"),
    _matter("product_injury", "食品药品的购买凭证、检测报告"),
    _matter("civil_incapacity", "被申请人的病历或者鉴定意见、亲属关系证明"),
    _matter(
        "domestic_violence",
        "家庭暴力的证据（告诫书、报警回执、伤情照片、病历、人身安全保护令等）",
        "受家庭暴力的当事人主张相关权益，不受经济困难条件的限制（第三十二条）。",
    ),
    _matter(
        "abuse",
        "虐待、遗弃的证据（报警记录、病历、证人证言、居（村）民委员会的证明等）",
        "遭受虐待、遗弃的当事人主张相关权益，不受经济困难条件的限制（第三十二条）。",
    ),
    _matter(
        "bravery",
        "见义勇为的确认材料（公安机关或者见义勇为评定机构的证明）",
        "因见义勇为行为主张相关民事权益，不受经济困难条件的限制（第三十二条）。",
    ),
    _matter(
        "hero_martyr",
        "英雄烈士的证明及与英雄烈士的近亲属关系证明",
        "英雄烈士近亲属维护英雄烈士的人格权益，不受经济困难条件的限制（第三十二条）。",
    ),
    _matter("state_compensation", "据以请求国家赔偿的法律文书（判决书、决定书等）及损害的证据"),
    _matter(
        "retrial_compensation",
        "再审改判无罪的判决书及羁押期间的证明",
        "再审改判无罪请求国家赔偿，不受经济困难条件的限制（第三十二条）。",
    ),
    _matter("environmental", "环境污染、生态破坏的损害证据（照片、检测报告、费用票据等）"),
    _matter(
        "criminal_defence",
        "起诉书、逮捕通知书等已有的案件材料，以及办案机关的名称",
        "犯罪嫌疑人、被告人因经济困难或者其他原因没有委托辩护人的，可以申请法律援助（第二十四条）。",
    ),
    _matter(
        "criminal_victim",
        "报案回执或者立案决定书、伤情证明等案件材料",
        "刑事公诉案件的被害人、自诉人及附带民事诉讼原告人可以申请法律援助（第二十九条）。",
    ),
    _matter("other", "与申请事项有关的证据材料"),
    _matter(
        LOCAL_MATTER,
        "见义勇为人员的确认文件及抚恤补助的申请、答复材料",
        "见义勇为人员抚恤补助事项，不受经济困难条件的限制（本地规定）。",
    ),
]


def _save(row: Row) -> int:
    key = {
        "code": row.code,
        "label": row.label,
        "region": None,
        "categories": sorted(row.categories),
        "matter_types": sorted(row.matter_types),
        "means_path": row.means_path,
        "with_representative": row.with_representative,
    }
    rows = MaterialsChecklistItem.objects.filter(**key)
    # a row of the demo's date, or one in force on or after it (official data wins)
    if rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=RULES_VALID_FROM)).exists():
        return 0
    item = MaterialsChecklistItem(
        **key,
        why=row.why,
        required=row.required,
        sort_order=row.sort_order,
        valid_from=RULES_VALID_FROM,
        is_demo=True,
        note=DEMO_NOTE,
    )
    item.full_clean()
    item.save()
    return 1


@transaction.atomic
def seed_checklist() -> int:
    """Seed the materials checklist; the number of rows added. The local group and matter the demo adds
    come first (seed_demo's rule rows): a row naming them checks that they exist."""
    return sum(_save(row) for row in ROWS)
