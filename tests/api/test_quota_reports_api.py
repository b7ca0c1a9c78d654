"""The annual-duty reports over the API (docs/api.md, Annual duty): GET /api/v1/quota/firms/{id}/report.pdf
and .../report.xlsx whatever the Accept header says, who may have them, a bad year; a lawyer's certificate
(409 for a year not met); the figures the same as the firms' list; the schema."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pypdf
import pytest
import yaml
from django.test import Client

from assignments import reports
from documents.models import DocumentKind, IssuedDocument
from tests.assignments import test_reports
from tests.assignments.test_reports import FIRM, YEAR

# the reports' world (a fixture, found by its name here)
duty_world = test_reports.duty_world

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report(firm, fmt: str) -> str:
    return f"/api/v1/quota/firms/{firm.pk}/report.{fmt}"


def certificate(lawyer) -> str:
    return f"/api/v1/quota/lawyers/{lawyer.pk}/certificate.pdf"


def _text(content: bytes) -> str:
    return "".join(
        "".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages
    )


@pytest.mark.parametrize(
    "accept", [None, "application/json", "application/pdf", "text/html", "*/*", "image/png"]
)
def test_the_pdf_report_answers_whatever_the_accept_header_says(duty_world, accept):
    w = duty_world
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = w.api(w.firm_admin).get(report(w.firm, "pdf"), {"year": YEAR}, **headers)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    name = quote(reports.report_filename(firm_name=FIRM, year=YEAR, extension="pdf"), safe="")
    assert response["Content-Disposition"].endswith(f"filename*=UTF-8''{name}")
    assert FIRM in _text(response.content)


def test_the_xlsx_report_and_the_firms_list_agree(duty_world):
    w = duty_world
    client = w.api(w.bureau_officer)
    response = client.get(report(w.firm, "xlsx"), {"year": YEAR}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [row[1] for row in sheet.iter_rows(min_row=2, max_row=8, values_only=True)]
    firm_name, year, _rule, lawyers, met, exempt, rate = values
    (listed,) = [
        row
        for row in client.get("/api/v1/quota/firms/", {"year": YEAR}).json()["results"]
        if row["name"] == FIRM
    ]
    assert (firm_name, year) == (FIRM, YEAR)
    assert (lawyers, met, exempt) == (listed["lawyers"], listed["met"], listed["exempt"]) == (4, 2, 1)
    assert Decimal(str(rate)).quantize(Decimal("0.0001")) == Decimal(listed["compliance_rate"])


def test_the_pdf_report_is_issued_once_a_day_for_the_same_figures(duty_world):
    w = duty_world
    first = w.api(w.firm_admin).get(report(w.firm, "pdf"), {"year": YEAR})
    again = w.api(w.bureau_officer).get(report(w.firm, "pdf"), {"year": YEAR})
    assert first.content == again.content
    (document,) = IssuedDocument.objects.filter(kind=DocumentKind.DUTY_REPORT)
    assert (document.subject_type, document.subject_id, document.issuer) == (
        "directory.organisation",
        str(w.firm.pk),
        w.bureau,
    )
    # the public verification page knows it
    assert Client().get(f"/verify/{document.display_code}").status_code == 200


def test_who_may_have_a_firms_report(duty_world):
    w = duty_world
    for fmt in ("pdf", "xlsx"):
        assert w.api(w.leping_admin).get(report(w.leping_firm, fmt)).status_code == 200
        # a firm the caller does not see, or none: 404
        assert w.api(w.firm_admin).get(report(w.leping_firm, fmt)).status_code == 404
        assert w.api(w.bureau_officer).get(report(w.leping_firm, fmt)).status_code == 404
        assert w.api(w.firm_admin).get(f"/api/v1/quota/firms/987654/report.{fmt}").status_code == 404
        # a lawyer (their own row only) and roles that see no duty: 403, with the reason
        for user in (w.lawyers[0][0], w.reviewer, w.applicant):
            response = w.api(user).get(report(w.firm, fmt), HTTP_ACCEPT="application/pdf")
            assert response.status_code == 403, (user, fmt)
            assert response.json()["detail"]
        assert w.api(None).get(report(w.firm, fmt)).status_code == 401
    assert not IssuedDocument.objects.filter(subject_id=str(w.firm.pk)).exists()


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "2025.5", "-2025"])
def test_a_bad_year_is_400_in_json(duty_world, year):
    w = duty_world
    for fmt in ("pdf", "xlsx"):
        response = w.api(w.firm_admin).get(report(w.firm, fmt), {"year": year}, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 400, (fmt, year)
        assert response["Content-Type"] == "application/json"
        assert "year" in response.json()["errors"]
    response = w.api(w.lawyers[1][0]).get(certificate(w.lawyers[1][1]), {"year": year})
    assert response.status_code == 400 and "year" in response.json()["errors"]
    assert not IssuedDocument.objects.exists()


def test_a_certificate_for_a_year_met_and_409_otherwise(duty_world):
    w = duty_world
    (u1, one), (u2, two), _three, (_u4, four) = w.lawyers
    response = w.api(u2).get(certificate(two), {"year": YEAR}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "律师2" in _text(response.content)
    assert w.api(w.firm_admin).get(certificate(two), {"year": YEAR}).status_code == 200
    # not met, exempt: 409 with the reason; nothing issued
    for lawyer, user in ((one, u1), (four, w.firm_admin)):
        refused = w.api(user).get(certificate(lawyer), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 409, refused.content
        assert "2025" in refused.json()["detail"]
    assert (
        "12.0" in w.api(u1).get(certificate(one), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    )
    # another lawyer's, another firm's: 404; a role that sees no duty: 403
    assert w.api(u1).get(certificate(two), {"year": YEAR}).status_code == 404
    assert w.api(w.leping_admin).get(certificate(two), {"year": YEAR}).status_code == 404
    assert w.api(w.reviewer).get(certificate(two), {"year": YEAR}).status_code == 403
    assert IssuedDocument.objects.filter(kind=DocumentKind.DUTY_CERTIFICATE).count() == 1


def test_the_schema_describes_the_binary_reports(db):
    schema = yaml.safe_load(Client().get("/api/schema/").content)
    for path, media in (
        ("/api/v1/quota/firms/{id}/report.pdf", "application/pdf"),
        ("/api/v1/quota/firms/{id}/report.xlsx", XLSX),
        ("/api/v1/quota/lawyers/{id}/certificate.pdf", "application/pdf"),
    ):
        op = schema["paths"][path]["get"]
        assert op["responses"]["200"]["content"][media]["schema"] == {"type": "string", "format": "binary"}
        assert {"400", "401", "403", "404"} <= set(op["responses"]), path
        assert any(p["name"] == "year" for p in op["parameters"])
    assert "409" in schema["paths"]["/api/v1/quota/lawyers/{id}/certificate.pdf"]["get"]["responses"]
