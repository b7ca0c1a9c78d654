"""Issue 8 item 6: the catch-all clauses (Art 32 (5), Art 42 (4): 法律、法规、规章规定的其他情形/人员) as data.

A special group or a matter type that a local rule adds is a row (``LocalApplicantCategory``,
``LocalMatterType``) with a ``local_`` code and a Chinese name; a rule row (``MeansExemptionRule``,
``MeansMatterRule``) naming it changes the means test's result, with no code change. Pure function,
API, site form and admin.
"""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from aid_cases import rules
from aid_cases.means import (
    DEFAULT_EXEMPTIONS,
    NOT_RESTRICTED_MATTERS,
    Exemption,
    Household,
    LocalGroup,
    LocalMatter,
    Proof,
    Result,
    Standard,
    is_local_code,
    means_test,
)
from aid_cases.models import (
    Application,
    LocalApplicantCategory,
    LocalMatterType,
    MeansExemptionRule,
    MeansMatterRule,
    validate_local_code,
)
from tests.factories import UserFactory
from tests.site_ui.test_application_pages import FORM
from tests.world import application_payload

D = Decimal
ON = datetime.date(2026, 6, 1)
STD = Standard(
    id=7,
    region="zhushan",
    kind="low_income",
    monthly_amount=D("1200.00"),
    asset_cap=None,
    valid_from=datetime.date(2026, 1, 1),
)
RICH = Household(size=1, monthly_income=D("9000.00"), fixed_income=True)  # far above the standard

GROUP = "local_kunjing_ertong"
GROUP_LABEL = "困境儿童"
GROUP_PROOF = "民政部门出具的困境儿童认定材料"
MATTER = "local_shidu_fuyang"
MATTER_LABEL = "失独家庭扶养纠纷"


# --------------------------------------------------------------------------- the pure function


def run(**kwargs):
    args = {
        "categories": (),
        "matter_category": "civil",
        "matter_type": "maintenance",
        "household": RICH,
        "standard": STD,
        "on": ON,
        "not_restricted_matters": NOT_RESTRICTED_MATTERS,
        "exemptions": DEFAULT_EXEMPTIONS,
    }
    args.update(kwargs)
    return means_test(**args)


def test_a_local_group_named_by_an_exemption_row_is_exempt_with_its_proof_and_its_chinese_name():
    rows = (*DEFAULT_EXEMPTIONS, Exemption(GROUP, "always", GROUP_PROOF))
    with translation.override("zh-hans"):
        outcome = run(categories=[GROUP], exemptions=rows, local_groups=[LocalGroup(GROUP, GROUP_LABEL)])
        reasons = [r.as_dict()["message"] for r in outcome.reasons]
    assert outcome.result == Result.EXEMPT
    assert outcome.proof == (GROUP_PROOF,)
    assert outcome.proof_status == Proof.PENDING
    assert any(GROUP_LABEL in reason and "第四十二条" in reason for reason in reasons), reasons


def test_a_local_group_without_an_exemption_row_is_recorded_and_still_means_tested():
    with translation.override("zh-hans"):
        outcome = run(categories=[GROUP], local_groups=[LocalGroup(GROUP, GROUP_LABEL)])
        reasons = [r.as_dict()["message"] for r in outcome.reasons]
    assert outcome.result == Result.NOT_ELIGIBLE
    assert any(GROUP_LABEL in reason for reason in reasons), reasons


def test_a_local_group_keeps_the_condition_of_its_row():
    rows = (Exemption(GROUP, "without_fixed_income", GROUP_PROOF),)
    local = [LocalGroup(GROUP, GROUP_LABEL)]
    assert run(categories=[GROUP], exemptions=rows, local_groups=local).result == Result.NOT_ELIGIBLE
    without = Household(size=1, monthly_income=D("9000.00"), fixed_income=False)
    assert (
        run(categories=[GROUP], exemptions=rows, local_groups=local, household=without).result
        == Result.EXEMPT
    )


def test_a_local_matter_named_by_a_matter_row_is_not_restricted():
    local = [LocalMatter(MATTER, MATTER_LABEL, "civil")]
    with translation.override("zh-hans"):
        outcome = run(
            matter_type=MATTER, local_matters=local, not_restricted_matters=(*NOT_RESTRICTED_MATTERS, MATTER)
        )
        reasons = [r.as_dict()["message"] for r in outcome.reasons]
    assert outcome.result == Result.NOT_RESTRICTED
    assert any(MATTER_LABEL in reason and "第三十二条" in reason for reason in reasons), reasons
    # without the row it is means-tested like any matter
    assert run(matter_type=MATTER, local_matters=local).result == Result.NOT_ELIGIBLE


def test_local_codes_are_unknown_unless_passed_in_force():
    with pytest.raises(ValueError, match="categor"):
        run(categories=[GROUP])
    with pytest.raises(ValueError, match="matter type"):
        run(matter_type=MATTER)


def test_a_rule_row_naming_a_local_code_out_of_force_is_harmless():
    # the local row has ended: no application carries the code, the rule rows may still name it
    rows = (*DEFAULT_EXEMPTIONS, Exemption(GROUP, "always", GROUP_PROOF))
    matters = (*NOT_RESTRICTED_MATTERS, MATTER)
    assert run(exemptions=rows, not_restricted_matters=matters).result == Result.NOT_ELIGIBLE


@pytest.mark.parametrize(
    "kwargs",
    [
        {"local_groups": [LocalGroup("veteran", "退役军人")]},  # a statutory code
        {"local_groups": [LocalGroup("Local_X", "某群体")]},
        {"local_groups": [LocalGroup("local_x", "")]},
        {"local_groups": [LocalGroup("local_x", "甲"), LocalGroup("local_x", "乙")]},
        {"local_matters": [LocalMatter("local_x", "某事项", "family")]},
        {"local_matters": [LocalMatter("bravery", "见义勇为", "civil")]},
        {"exemptions": [Exemption("astronaut")]},
    ],
)
def test_bad_local_values_raise(kwargs):
    with pytest.raises(ValueError):
        run(**kwargs)


def test_the_code_rule():
    for good in ("local_x", "local_kunjing_ertong", "local_2024_a", "local_" + "a" * 26):
        assert is_local_code(good), good
    for bad in (
        "veteran",
        "local_",
        "local__x",
        "local_x_",
        "local_X",
        "LOCAL_x",
        " local_x",
        "local_é",
        "local_" + "a" * 27,
        "local-x",
        None,
        3,
    ):
        assert not is_local_code(bad), bad


# --------------------------------------------------------------------------- rows and the admin


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def local_group(code=GROUP, label=GROUP_LABEL, *, exempt=True, valid_to=None) -> LocalApplicantCategory:
    row = LocalApplicantCategory(
        code=code, label=label, basis="某市法律援助办法第八条", valid_from=days(-30), valid_to=valid_to
    )
    row.full_clean()
    row.save()
    if exempt:
        rule = MeansExemptionRule(category=code, condition="always", proof=GROUP_PROOF, valid_from=days(-30))
        rule.full_clean()
        rule.save()
    return row


def local_matter(code=MATTER, label=MATTER_LABEL, *, category="civil", not_restricted=True, valid_to=None):
    row = LocalMatterType(
        code=code,
        label=label,
        matter_category=category,
        basis="某市法律援助办法第九条",
        valid_from=days(-30),
        valid_to=valid_to,
    )
    row.full_clean()
    row.save()
    if not_restricted:
        rule = MeansMatterRule(matter_type=code, valid_from=days(-30))
        rule.full_clean()
        rule.save()
    return row


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["veteran", "wage_arrears", "other"])
def test_a_local_code_colliding_with_a_statutory_one_is_refused(code):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as raised:
            LocalApplicantCategory(code=code, label="某群体", basis="某规定", valid_from=days(0)).full_clean()
        assert "法定" in raised.value.message_dict["code"][0]
        with pytest.raises(ValidationError) as raised:
            LocalMatterType(
                code=code, label="某事项", matter_category="civil", basis="某规定", valid_from=days(0)
            ).full_clean()
        assert "code" in raised.value.message_dict


@pytest.mark.parametrize("code", ["kunjing_ertong", "Local_X", "local-x", "local_困境"])
def test_a_code_not_shaped_as_a_local_one_is_refused(code):
    with pytest.raises(ValidationError):
        validate_local_code(code)


@pytest.mark.django_db
def test_rule_rows_name_only_codes_that_exist():
    with pytest.raises(ValidationError) as raised:
        MeansExemptionRule(
            category=GROUP, condition="always", proof=GROUP_PROOF, valid_from=days(0)
        ).full_clean()
    assert "category" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        MeansMatterRule(matter_type=MATTER, valid_from=days(0)).full_clean()
    assert "matter_type" in raised.value.message_dict
    local_group(exempt=False)
    local_matter(not_restricted=False)
    MeansExemptionRule(category=GROUP, condition="always", proof=GROUP_PROOF, valid_from=days(0)).full_clean()
    MeansMatterRule(matter_type=MATTER, valid_from=days(0)).full_clean()


@pytest.mark.django_db
def test_two_rows_of_one_local_code_may_not_overlap():
    local_group(exempt=False)
    with pytest.raises(ValidationError):
        LocalApplicantCategory(
            code=GROUP, label="困境儿童（新）", basis="某规定", valid_from=days(0)
        ).full_clean()


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_adds_a_local_group_then_an_exemption_row_naming_it(admin_client):
    add = "/admin/aid_cases/localapplicantcategory/add/"
    row = {"code": "veteran", "label": GROUP_LABEL, "basis": "某市法律援助办法第八条", "valid_from": days(-1)}
    refused = admin_client.post(add, row)
    assert refused.status_code == 200  # the form again, with the error
    assert "法定" in refused.content.decode()
    assert not LocalApplicantCategory.objects.exists()

    assert admin_client.post(add, {**row, "code": GROUP}).status_code == 302
    assert LocalApplicantCategory.objects.get().code == GROUP

    rule_add = "/admin/aid_cases/meansexemptionrule/add/"
    page = admin_client.get(rule_add).content.decode()
    assert f"{GROUP_LABEL}（{GROUP}）" in page  # offered beside the statutory groups
    rule = {"category": GROUP, "condition": "always", "proof": GROUP_PROOF, "valid_from": days(-1)}
    assert admin_client.post(rule_add, rule).status_code == 302
    assert MeansExemptionRule.objects.filter(category=GROUP).exists()
    listed = admin_client.get("/admin/aid_cases/meansexemptionrule/").content.decode()
    assert GROUP_LABEL in listed


def test_the_admin_adds_a_local_matter_then_a_matter_row_naming_it(admin_client):
    add = "/admin/aid_cases/localmattertype/add/"
    row = {
        "code": MATTER,
        "label": MATTER_LABEL,
        "matter_category": "civil",
        "basis": "某市法律援助办法第九条",
        "valid_from": days(-1),
    }
    assert admin_client.post(add, row).status_code == 302
    rule_add = "/admin/aid_cases/meansmatterrule/add/"
    assert f"{MATTER_LABEL}（{MATTER}）" in admin_client.get(rule_add).content.decode()
    assert admin_client.post(rule_add, {"matter_type": MATTER, "valid_from": days(-1)}).status_code == 302
    assert MeansMatterRule.objects.filter(matter_type=MATTER).exists()
    # an unknown code is not among the choices
    assert (
        admin_client.post(rule_add, {"matter_type": "local_nothing", "valid_from": days(-1)}).status_code
        == 200
    )


def test_a_local_code_is_not_changed_once_saved(admin_client):
    row = local_group(exempt=False)
    page = admin_client.get(f"/admin/aid_cases/localapplicantcategory/{row.pk}/change/").content.decode()
    assert GROUP in page and 'name="code"' not in page  # shown, not editable: end the row instead
    assert 'name="valid_to"' in page


# --------------------------------------------------------------------------- through the API


RICH_HOUSEHOLD = {"size": 1, "monthly_income": "9000.00", "fixed_income": True}


def file(actors, **overrides):
    body = application_payload(household=RICH_HOUSEHOLD, **overrides)
    return actors.api(actors.applicant).post("/api/v1/applications/", body, format="json")


def test_a_filing_in_a_local_exempt_group_is_exempt_proof_pending_until_confirmed(actors):
    local_group()
    response = file(actors, categories=[GROUP])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["means_test"]["result"] == "exempt"
    assert body["means_test"]["proof"] == "pending"
    assert any(GROUP_LABEL in reason for reason in body["means_test"]["reasons"]), body["means_test"]
    application = Application.objects.get(pk=body["id"])
    assert application.means_proof_required == [GROUP_PROOF]
    assert application.category_labels == [GROUP_LABEL]
    assert application.is_priority

    detail = actors.api(actors.applicant).get(f"/api/v1/applications/{body['id']}/").json()
    assert detail["categories"] == [GROUP]
    # the reviewer confirms the proof, as for a statutory group
    rows = actors.api(actors.reviewer).get("/api/v1/tasks/", {"scope": "queue"}).json()["results"]
    (task,) = [t for t in rows if t["application_id"] == body["id"]]
    reviewer = actors.api(actors.reviewer)
    assert reviewer.post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 200
    done = reviewer.post(
        f"/api/v1/tasks/{task['id']}/complete/",
        {"outcome": "approve", "proof_confirmed": True},
        format="json",
    )
    assert done.status_code == 200, done.content
    shown = actors.api(actors.applicant).get(f"/api/v1/applications/{body['id']}/").json()
    assert (shown["means_test"]["result"], shown["means_test"]["proof"]) == ("exempt", "confirmed")


def test_without_the_rows_the_same_filing_is_refused(actors):
    response = file(actors, categories=[GROUP])
    assert response.status_code == 400
    assert "categories" in response.json()["errors"]
    assert not Application.objects.exists()


def test_a_local_group_without_an_exemption_row_is_means_tested(actors):
    local_group(exempt=False)
    body = file(actors, categories=[GROUP]).json()
    assert body["means_test"]["result"] == "not_eligible"


def test_a_filing_of_a_local_matter_named_by_a_matter_row_is_not_restricted(actors):
    local_matter()
    response = file(actors, matter={"category": "civil", "type": MATTER})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["means_test"]["result"] == "not_restricted"
    assert any(MATTER_LABEL in reason for reason in body["means_test"]["reasons"])
    application = Application.objects.get(pk=body["id"])
    assert application.matter_type == MATTER
    assert application.get_matter_type_display() == MATTER_LABEL
    detail = actors.api(actors.applicant).get(f"/api/v1/applications/{body['id']}/").json()
    assert detail["matter"]["type"] == MATTER
    listed = actors.api(actors.applicant).get("/api/v1/applications/").json()["results"]
    assert [a["matter_type"] for a in listed] == [MATTER]


def test_the_admin_names_a_local_matter_in_the_list_of_applications(actors, admin_client):
    local_matter()
    assert file(actors, matter={"category": "civil", "type": MATTER}).status_code == 201
    assert MATTER_LABEL in admin_client.get("/admin/aid_cases/application/").content.decode()


def test_a_local_matter_of_another_kind_is_refused(actors):
    local_matter()
    response = file(actors, matter={"category": "administrative", "type": MATTER})
    assert response.status_code == 400
    assert "type" in response.json()["errors"]["matter"]
    assert not Application.objects.exists()


def test_a_local_group_out_of_force_is_refused_with_a_clear_message(actors):
    local_group(valid_to=days(-1))
    response = file(actors, categories=[GROUP])
    assert response.status_code == 400
    (message,) = response.json()["errors"]["categories"]
    assert GROUP_LABEL in message and "不在有效期内" in message, message
    assert timezone.localdate().isoformat() in message
    assert not Application.objects.exists()


def test_a_local_matter_out_of_force_is_refused_with_a_clear_message(actors):
    local_matter(valid_to=days(-1))
    response = file(actors, matter={"category": "civil", "type": MATTER})
    assert response.status_code == 400
    (message,) = response.json()["errors"]["matter"]["type"]
    assert MATTER_LABEL in message and "不在有效期内" in message, message
    assert not Application.objects.exists()


def test_a_local_row_not_yet_in_force_is_refused(actors):
    row = local_group(exempt=False)
    row.valid_from = days(1)
    row.save()
    assert file(actors, categories=[GROUP]).status_code == 400


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"categories": ["local_nobody"]}, ("categories",)),
        ({"categories": ["Local_X"]}, ("categories",)),
        ({"matter": {"type": "local_nothing"}}, ("matter", "type")),
        ({"matter": {"type": "local_" + "x" * 40}}, ("matter", "type")),
    ],
)
def test_unknown_local_codes_are_400_and_nothing_saved(actors, overrides, path):
    response = file(actors, **overrides)
    assert response.status_code == 400
    errors = response.json()["errors"]
    for key in path:
        errors = errors[key]
    assert errors
    assert not Application.objects.exists()


def test_a_statutory_filing_never_reads_the_local_rows(actors):
    local_group()
    with CaptureQueriesContext(connection) as captured:
        assert file(actors, categories=["veteran"]).status_code == 201
    assert not [q for q in captured.captured_queries if "aid_cases_local" in q["sql"]]


def test_a_local_row_added_or_ended_later_is_read_at_once(actors):
    """The local rows are cached with the other rule rows (core.refdata); saving one starts afresh."""
    today = timezone.localdate()
    assert file(actors, categories=[GROUP]).status_code == 400  # read, and cached, without it
    assert LocalApplicantCategory.labels() == {}
    row = local_group(exempt=False)  # only the local row: no other rule row starts afresh
    assert rules.local_groups(today) == (LocalGroup(GROUP, GROUP_LABEL),)
    assert LocalApplicantCategory.labels() == {GROUP: GROUP_LABEL}
    assert file(actors, categories=[GROUP]).status_code == 201
    row.valid_to = days(-1)
    row.valid_from = days(-5)
    row.save()
    assert rules.local_groups(today) == ()
    assert file(actors, categories=[GROUP]).status_code == 400
    matter = local_matter(not_restricted=False)
    assert rules.local_matters(today) == (LocalMatter(MATTER, MATTER_LABEL, "civil"),)
    matter.delete()
    assert rules.local_matters(today) == ()


# --------------------------------------------------------------------------- the site's form


def site_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_offers_the_local_ones_in_force_in_chinese(actors):
    local_group()
    local_matter()
    local_group("local_ended", "已停用的群体", exempt=False, valid_to=days(-1))
    html = site_client(actors.applicant).get("/apply/").content.decode()
    assert f'value="{GROUP}"' in html and GROUP_LABEL in html
    assert "local_ended" not in html
    assert "已停用的群体" not in html
    assert f'value="{MATTER}"' in html and MATTER_LABEL in html
    script = re.search(r'<script id="matter-types" type="application/json">(.*?)</script>', html, re.S)
    by_category = json.loads(script.group(1))
    assert MATTER in by_category["civil"] and MATTER not in by_category["criminal"]


def test_the_form_files_a_local_exempt_group_and_the_pages_name_it(actors):
    local_group()
    local_matter(not_restricted=False)
    client = site_client(actors.applicant)
    data = {
        **FORM,
        "categories": [GROUP],
        "matter_type": MATTER,
        "monthly_income": "9000.00",
        "household_size": "1",
    }
    response = client.post("/apply/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get()
    assert (application.means_result, application.means_proof) == ("exempt", "pending")
    assert application.means_proof_required == [GROUP_PROOF]
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert GROUP_LABEL in page and MATTER_LABEL in page
    assert MATTER_LABEL in client.get("/my/applications/").content.decode()


def test_the_form_refuses_a_local_group_out_of_force(actors):
    local_group(valid_to=days(-1))
    response = site_client(actors.applicant).post("/apply/", {**FORM, "categories": [GROUP]})
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_the_live_preview_judges_a_local_group(actors):
    local_group()
    data = {**FORM, "categories": [GROUP], "monthly_income": "9000.00", "household_size": "1"}
    preview = site_client(actors.applicant).post("/apply/preview/", data).json()
    assert preview["result"] == "exempt"
    assert any(GROUP_LABEL in reason for reason in preview["reasons"])
