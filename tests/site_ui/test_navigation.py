"""The page frame and what it offers each role: menus, title, logout, tab titles, messages, names, lookup."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from directory.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, region
from tests.site_ui.test_application_pages import client_for, file_via_form, first_task_id

pytestmark = pytest.mark.django_db


def menu_of(html: str) -> str:
    """The navigation drawer's HTML."""
    return re.search(r'<aside class="vf-page__menu.*?</aside>', html, re.S).group(0)


def main_of(html: str) -> str:
    return re.search(r"<main.*?</main>", html, re.S).group(0)


def applicant():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="applicant"))
    return user


STAFF = [
    (Role.BUREAU_OFFICER, OrganisationKind.BUREAU),
    (Role.PROVIDER, OrganisationKind.LAW_FIRM),
    (Role.FIRM_ADMIN, OrganisationKind.LAW_FIRM),
    (Role.INSTITUTION_STAFF, OrganisationKind.NOTARY),
    (Role.AGENCY_OFFICER, OrganisationKind.POLICE),
    (Role.DETENTION_OFFICER, OrganisationKind.DETENTION),
]
CENTER_STAFF = [Role.CLERK, Role.REVIEWER, Role.DIRECTOR]


def test_an_applicant_applies_and_sees_their_applications():
    html = client_for(applicant()).get("/lookup/").content.decode()
    menu = menu_of(html)
    assert "申请法律援助" in menu and "我的申请" in menu and "登记申请" not in menu
    assert 'href="/apply/"' in menu and 'href="/my/applications/"' in menu


@pytest.mark.parametrize("role", CENTER_STAFF)
def test_center_staff_record_requests_rather_than_apply(make_member, zhushan_center, role):
    user = make_member(role, zhushan_center)
    for path in ("/", "/lookup/"):
        html = client_for(user).get(path).content.decode()
        menu = menu_of(html)
        assert "登记申请" in menu and 'href="/apply/"' in menu
        assert "申请法律援助" not in html and "我的申请" not in html
        assert "待办任务" in menu


@pytest.mark.parametrize(("role", "kind"), STAFF)
def test_other_staff_neither_apply_nor_record(make_member, role, kind):
    user = make_member(role, OrganisationFactory(kind=kind))
    for path in ("/", "/lookup/"):
        html = client_for(user).get(path).content.decode()
        assert 'href="/apply/"' not in html and 'href="/my/applications/"' not in html
        assert "申请法律援助" not in html and "我的申请" not in html and "登记申请" not in html
    menu = menu_of(client_for(user).get("/lookup/").content.decode())
    # a work list only where there is work: the bureau decides objections, lawyers answer offers and close cases
    assert ("待办任务" in menu) == (role in (Role.BUREAU_OFFICER, Role.PROVIDER))
    for common in ("首页", "进度查询", "法律服务查询", "文书核验"):
        assert common in menu


@pytest.mark.parametrize(
    ("role", "kind"), [*STAFF, *((r, OrganisationKind.AID_CENTER) for r in CENTER_STAFF)]
)
def test_a_home_page_links_only_to_pages_that_exist_and_promises_nothing_missing(make_member, role, kind):
    user = make_member(role, OrganisationFactory(kind=kind))
    client = client_for(user)
    main = main_of(client.get("/").content.decode())
    for href in set(re.findall(r'href="(/[^"]*)"', main)):
        assert client.get(href).status_code == 200, href
    # features that are not built are not offered (the statistics and duty-lawyer records are)
    for missing in ("延长", "年度报告", "导出"):
        assert missing not in main, missing


def test_the_directors_page_offers_the_statistics_and_no_extensions(make_member, zhushan_center):
    html = client_for(make_member(Role.DIRECTOR, zhushan_center)).get("/").content.decode()
    assert "中心主任" in html
    assert 'href="/statistics/"' in main_of(html) and 'href="/cases/overdue/"' in main_of(html)
    assert "延长" not in html  # the law has no extension of its periods
    assert 'href="/tasks/"' in main_of(html)


def test_the_site_title_links_home_on_every_page():
    for client in (Client(), client_for(applicant())):
        for path in ("/lookup/", "/track/", "/verify/"):
            html = client.get(path).content.decode()
            assert re.search(r'<a class="mdc-top-app-bar__title[^"]*" href="/">景德镇法律援助</a>', html), (
                path
            )


def test_logout_is_a_post_form_with_csrf_and_logs_out():
    user = applicant()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    html = client.get("/").content.decode()
    forms = re.findall(r'<form method="post" action="/accounts/logout/".*?</form>', html, re.S)
    assert len(forms) >= 2  # in the menu, and in the top bar of a wide screen
    assert all("csrfmiddlewaretoken" in form and "退出登录" in form for form in forms)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', forms[0]).group(1)
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/my/applications/").status_code == 302  # back to the login page


def test_an_anonymous_visitor_gets_log_in_not_log_out():
    html = Client().get("/lookup/").content.decode()
    assert 'action="/accounts/logout/"' not in html
    assert 'href="/accounts/login/"' in html


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "首页"),
        ("/tasks/", "待办任务"),
        ("/my/applications/", "我的申请"),
        ("/lookup/", "法律服务查询"),
        ("/track/", "进度查询"),
        ("/verify/", "文书核验"),
    ],
)
def test_tab_titles_are_the_page_a_middle_dot_and_the_site(path, title):
    html = client_for(applicant()).get(path).content.decode()
    assert f"<title>{title} · 景德镇法律援助</title>" in html


@pytest.mark.parametrize(
    ("path", "title"), [("/accounts/login/", "登录"), ("/", "首页"), ("/lookup/", "法律服务查询")]
)
def test_tab_titles_when_signed_out(path, title):
    html = Client().get(path).content.decode()
    assert f"<title>{title} · 景德镇法律援助</title>" in html


def test_an_organisations_tab_title_is_its_name(make_member, zhushan_center):
    user = make_member(Role.REVIEWER, zhushan_center)
    html = client_for(user).get(f"/organisations/{zhushan_center.pk}/").content.decode()
    assert "<title>珠山区法律援助中心 · 景德镇法律援助</title>" in html


def test_a_success_message_shows_once_and_then_is_gone(actors):
    file_via_form(actors)
    reviewer = client_for(actors.reviewer)
    task_id = first_task_id(reviewer.get("/tasks/").content.decode())
    response = reviewer.post(f"/tasks/{task_id}/", {"action": "claim"}, follow=True)
    html = response.content.decode()
    assert html.count("该任务已加入") == 1
    assert "vf-snackbar" not in html
    assert "该任务已加入" not in reviewer.get(f"/tasks/{task_id}/").content.decode()


def test_tables_and_timelines_show_names_not_usernames(actors):
    actors.reviewer.last_name, actors.reviewer.first_name = "韩", "冬"
    actors.reviewer.save()
    application = file_via_form(actors)
    reviewer = client_for(actors.reviewer)
    task_id = first_task_id(reviewer.get("/tasks/").content.decode())
    reviewer.post(f"/tasks/{task_id}/", {"action": "claim"})
    tasks_page = reviewer.get("/tasks/").content.decode()
    owner_cells = re.findall(r'<td data-label="负责人">(.*?)</td>', tasks_page)
    assert "韩冬" in owner_cells and "reviewer_zhushan" not in tasks_page
    reviewer.post(f"/tasks/{task_id}/", {"outcome": "approve"})
    page = client_for(actors.applicant).get(f"/applications/{application.pk}/").content.decode()
    timeline = re.search(r'<ol class="site-timeline">.*?</ol>', page, re.S).group(0)
    assert "韩冬" in timeline and "reviewer_zhushan" not in timeline


def test_the_lookup_without_a_category_says_it_lists_lawyers():
    firm = OrganisationFactory(kind=OrganisationKind.LAW_FIRM, name="瓷都律师事务所")
    ProviderFactory(name="李律师", organisation=firm)
    for query in ({}, {"q": "李"}, {"category": ""}, {"page": "1"}):
        html = Client().get("/lookup/", query).content.decode()
        assert re.search(r'<option value="providers"[^>]*selected', html), query
        assert "李律师" in html


@pytest.mark.parametrize(
    ("category", "kind", "label"),
    [
        ("centers", OrganisationKind.AID_CENTER, "法律援助中心"),
        ("offices", OrganisationKind.GRASSROOTS_OFFICE, "法律服务所"),
        ("firms", OrganisationKind.LAW_FIRM, "律师事务所"),
        ("notary", OrganisationKind.NOTARY, "公证处"),
        ("forensic", OrganisationKind.FORENSIC, "司法鉴定"),
    ],
)
def test_the_lookup_lists_only_its_category_with_address_and_phone(category, kind, label):
    kinds = [
        OrganisationKind.AID_CENTER,
        OrganisationKind.GRASSROOTS_OFFICE,
        OrganisationKind.LAW_FIRM,
        OrganisationKind.NOTARY,
        OrganisationKind.FORENSIC,
        OrganisationKind.BUREAU,
    ]
    for n, other in enumerate(kinds):
        OrganisationFactory(
            kind=other,
            name=f"机构-{other}",
            address=f"珠山区示范路{n}号",
            phone=f"0798-820000{n}",
            region=region("zhushan"),
        )
    ProviderFactory(name="李律师", organisation=OrganisationFactory(kind=OrganisationKind.LAW_FIRM))
    html = Client().get("/lookup/", {"category": category}).content.decode()
    rows = re.findall(r"<tr><td data-label=\"名称\">(.*?)</td>.*?</tr>", html)
    assert rows and all(name.startswith(f"机构-{kind}") for name in rows if name.startswith("机构-"))
    assert f"机构-{kind}" in rows and "李律师" not in html
    n = kinds.index(kind)
    assert f'<td data-label="地址">珠山区示范路{n}号</td>' in html
    assert f'<td data-label="电话">0798-820000{n}</td>' in html
    assert re.search(rf'<option value="{category}"[^>]*selected', html)
    assert label in html
