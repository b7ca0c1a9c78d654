import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from directory.choices import OrganisationKind, ProviderKind
from tests.factories import OrganisationFactory, ProviderFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_regions_are_public(api):
    response = api.get("/api/v1/regions/")
    assert response.status_code == 200
    assert [r["code"] for r in response.json()] == ["jdz", "zhushan", "changjiang", "fuliang", "leping"]
    assert response.json()[1]["name"] == "珠山区"


def _firm(name, code):
    return OrganisationFactory(kind=OrganisationKind.LAW_FIRM, name=name, region=region(code))


def test_provider_list_has_the_professional_record_only(api):
    firm = _firm("瓷都律师事务所", "zhushan")
    ProviderFactory(
        name="王律师",
        organisation=firm,
        specialties=["criminal_defence", "wage_arrears"],
        regions_served=[region("zhushan")],
    )
    response = api.get("/api/v1/providers/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    row = body["results"][0]
    assert set(row) == {"id", "name", "kind", "firm", "region", "specialties", "practice_years"}
    assert row["firm"] == {"id": firm.pk, "name": "瓷都律师事务所"}
    assert row["region"] == "zhushan"
    assert row["specialties"] == ["criminal_defence", "wage_arrears"]
    assert row["practice_years"] >= 10


def test_provider_filters(api):
    zhushan_firm = _firm("珠山所", "zhushan")
    leping_firm = _firm("乐平所", "leping")
    office = OrganisationFactory(
        kind=OrganisationKind.GRASSROOTS_OFFICE, name="新村法律服务所", region=region("zhushan")
    )
    ProviderFactory(name="甲", organisation=zhushan_firm, specialties=["criminal_defence"])
    ProviderFactory(
        name="乙", organisation=leping_firm, specialties=["wage_arrears"], regions_served=[region("zhushan")]
    )
    ProviderFactory(name="丙", organisation=leping_firm, specialties=["maintenance"])
    ProviderFactory(name="丁", kind=ProviderKind.GRASSROOTS, organisation=office, licence_no="JX-JC-000123")
    inactive = ProviderFactory(name="戊", organisation=zhushan_firm)
    inactive.active = False
    inactive.save()

    def names(**params):
        response = api.get("/api/v1/providers/", params)
        assert response.status_code == 200, response.content
        return sorted(r["name"] for r in response.json()["results"])

    assert names() == sorted(["甲", "乙", "丙", "丁"])
    assert names(region="zhushan") == sorted(["甲", "乙", "丁"])  # 乙 serves zhushan from 乐平
    assert names(region="leping") == sorted(["乙", "丙"])
    assert names(region="jdz") == sorted(["甲", "乙", "丙", "丁"])  # the city covers its districts
    assert names(kind="grassroots") == ["丁"]
    assert names(q="乐平") == sorted(["乙", "丙"])
    assert names(specialty="criminal_defence") == ["甲"]
    assert names(region="zhushan", specialty="wage_arrears") == ["乙"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "atlantis"}, "region"),
        ({"kind": "wizard"}, "kind"),
        ({"specialty": "astrology"}, "specialty"),
        ({"q": "x" * 10_000}, "q"),
    ],
)
def test_bad_filters_are_400_field_errors(api, params, field):
    response = api.get("/api/v1/providers/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_organisation_lists(api):
    OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan"))
    OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="乐平市法律援助中心", region=region("leping"))
    OrganisationFactory(kind=OrganisationKind.NOTARY, name="乐平市公证处", region=region("leping"))
    OrganisationFactory(
        kind=OrganisationKind.FORENSIC, name="景德镇市妇女儿童司法鉴定援助中心", region=region("jdz")
    )
    OrganisationFactory(
        kind=OrganisationKind.GRASSROOTS_OFFICE, name="新村法律服务所", region=region("zhushan")
    )
    _firm("瓷都律师事务所", "changjiang")
    OrganisationFactory(kind=OrganisationKind.BUREAU, name="珠山区司法局", region=region("zhushan"))

    def results(path, **params):
        response = api.get(path, params)
        assert response.status_code == 200
        return response.json()["results"]

    assert [c["name"] for c in results("/api/v1/centers/", region="leping")] == ["乐平市法律援助中心"]
    assert len(results("/api/v1/centers/")) == 2
    assert results("/api/v1/institutions/", kind="notary") == [
        {
            "id": results("/api/v1/institutions/", kind="notary")[0]["id"],
            "name": "乐平市公证处",
            "kind": "notary",
            "region": "leping",
        }
    ]
    assert {i["kind"] for i in results("/api/v1/institutions/")} == {"notary", "forensic"}
    assert [f["name"] for f in results("/api/v1/firms/")] == ["瓷都律师事务所"]
    assert [o["name"] for o in results("/api/v1/offices/")] == ["新村法律服务所"]
    # courts take litigation-fee waivers (Art 53); police units and law firms are not institutions
    OrganisationFactory(kind=OrganisationKind.COURT, name="景德镇市中级人民法院", region=region("jdz"))
    assert [i["name"] for i in results("/api/v1/institutions/", kind="court")] == ["景德镇市中级人民法院"]
    assert api.get("/api/v1/institutions/", {"kind": "police"}).status_code == 400
    assert api.get("/api/v1/institutions/", {"kind": "law_firm"}).status_code == 400


def test_page_size_is_capped_at_200(api):
    firm = _firm("大所", "zhushan")
    for _ in range(3):
        ProviderFactory(organisation=firm)
    response = api.get("/api/v1/providers/", {"page_size": 2})
    assert len(response.json()["results"]) == 2
    assert response.json()["next"] is not None
    assert api.get("/api/v1/providers/", {"page_size": 10_000}).status_code == 200
    from api.pagination import Pagination

    assert Pagination.max_page_size == 200


def test_provider_list_costs_the_same_queries_for_1_and_many(api):
    firm = _firm("所一", "zhushan")
    ProviderFactory(organisation=firm, specialties=["wage_arrears"], regions_served=[region("zhushan")])
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/providers/", {"page_size": 200})
    other = _firm("所二", "leping")
    for _ in range(40):
        ProviderFactory(
            organisation=other,
            specialties=["wage_arrears", "maintenance"],
            regions_served=[region("leping"), region("zhushan")],
        )
    with CaptureQueriesContext(connection) as many:
        response = api.get("/api/v1/providers/", {"page_size": 200})
    assert response.json()["count"] == 41
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_list_page_is_one_statement_with_its_count(api):
    """The count comes with the page's rows (``COUNT(*) OVER ()``): no separate COUNT statement, the
    same statements for a short list and a long one, and the pages and links stay right."""
    firm = _firm("计数所", "zhushan")
    for _ in range(3):
        ProviderFactory(organisation=firm)
    with CaptureQueriesContext(connection) as short:
        body = api.get("/api/v1/providers/", {"page_size": 3}).json()
    assert body["count"] == 3 and body["next"] is None and len(body["results"]) == 3
    with CaptureQueriesContext(connection) as longer:
        first = api.get("/api/v1/providers/", {"page_size": 2}).json()
    assert first["count"] == 3 and first["next"] is not None and len(first["results"]) == 2
    for captured in (short, longer):
        assert not [q for q in captured.captured_queries if "COUNT(*) AS" in q["sql"].upper()]
    assert len(short.captured_queries) == len(longer.captured_queries)
    second = api.get("/api/v1/providers/", {"page_size": 2, "page": 2}).json()
    assert second["count"] == 3 and second["next"] is None and second["previous"] is not None
    names = {p["name"] for p in first["results"]} | {p["name"] for p in second["results"]}
    assert len(names) == 3
    last = api.get("/api/v1/providers/", {"page_size": 2, "page": "last"}).json()
    assert [p["name"] for p in last["results"]] == [p["name"] for p in second["results"]]
    empty = api.get("/api/v1/providers/", {"page_size": 2, "region": "leping"})
    assert empty.status_code == 200 and empty.json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    assert api.get("/api/v1/providers/", {"page_size": 2, "page": 3}).status_code == 404
    assert api.get("/api/v1/providers/", {"page_size": 2, "page": 0}).status_code == 404
    # a page number past any database's integers is not found, never a 500
    assert api.get("/api/v1/providers/", {"page": "192205440852242001297408"}).status_code == 404
    assert api.get("/api/v1/providers/", {"page": str(2**63 // 50)}).status_code == 404
