"""The annual-duty reports (assignments.reports; issue 11, Done when): the figures agree between the API,
the CSV, the XLSX and the PDF for one world; the issued report and certificate; the command line; the
site's downloads and who may have them."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from assignments import reports
from assignments.choices import DutyStatus
from assignments.management.commands.quota_report import ProgressBar
from assignments.models import DutyExemption, DutyLawyerRecord
from core.errors import Conflict
from directory.choices import OrganisationKind, ProviderKind, Role
from documents.models import DocumentKind, IssuedDocument
from documents.pdf import LETTER_LANGUAGE
from documents.services import document_pdf, document_revoke
from tests.factories import OrganisationFactory, ProviderFactory, lawyer_licence, region
from tests.world import case_assignment, service_log_row

pytestmark = pytest.mark.django_db

YEAR = 2025  # a year that is over: not yet met is not_met
BASE = "https://legalaid.example.cn"
FIRM = "江西景德律师事务所"
LEPING_FIRM = "乐平律师事务所"


# --- the world ------------------------------------------------------------------------------------


@pytest.fixture
def duty_world(handling_world, make_member):
    """The handling world's 珠山区 firm (律师1–3) with a fourth lawyer, its administrator, a 乐平市 firm of
    one lawyer with its administrator, and figures for 2025:

    律师1: 1 case, 30 verified hours and an 8-hour duty-lawyer day → 38.0 h, not met (1 case or 12.0 h
    missing); 律师2: 2 cases → met; 律师3: 50.0 hours → met; 律师4: exempt; 乐平律师: 49.9 hours → not met.
    """
    w = handling_world
    w.firm_admin = make_member(Role.FIRM_ADMIN, w.firm, username="firm_admin_zhushan")
    user4 = make_member(Role.PROVIDER, w.firm, username="lawyer_04")
    w.lawyers.append(
        (
            user4,
            ProviderFactory(
                name="律师4",
                kind=ProviderKind.LAWYER,
                organisation=w.firm,
                licence_no=lawyer_licence(904),
                practice_start=datetime.date(2012, 3, 1),
                user=user4,
            ),
        )
    )
    w.leping_firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name=LEPING_FIRM, region=region("leping")
    )
    w.leping_admin = make_member(Role.FIRM_ADMIN, w.leping_firm, username="firm_admin_leping")
    leping_user = make_member(Role.PROVIDER, w.leping_firm, username="lawyer_leping")
    w.leping_lawyer = ProviderFactory(
        name="乐平律师",
        kind=ProviderKind.LAWYER,
        organisation=w.leping_firm,
        licence_no=lawyer_licence(990),
        practice_start=datetime.date(2010, 1, 1),
        user=leping_user,
    )
    (_u1, one), (_u2, two), (_u3, three), (_u4, four) = w.lawyers
    case_assignment(w, one, datetime.date(2025, 12, 31))
    case_assignment(w, one, datetime.date(2025, 6, 1), status="declined")
    service_log_row(w, one, datetime.date(2025, 3, 1), "20.0")
    service_log_row(w, one, datetime.date(2025, 3, 2), "10.0")
    service_log_row(w, one, datetime.date(2025, 3, 3), "24.0", status="pending")
    DutyLawyerRecord.objects.create(
        post=w.center,
        center=w.center,
        provider=one,
        day=datetime.date(2025, 5, 1),
        without_defender=3,
        helped=2,
        hours=Decimal("8.0"),
        recorded_by=w.reviewer,
    )
    case_assignment(w, two, datetime.date(2025, 2, 1))
    case_assignment(w, two, datetime.date(2025, 2, 2))
    for day, hours in ((1, "24.0"), (2, "24.0"), (3, "2.0")):
        service_log_row(w, three, datetime.date(2025, 4, day), hours)
    DutyExemption.objects.create(provider=four, year=YEAR, reason="长期病假", recorded_by=w.reviewer)
    for day, hours in ((1, "24.0"), (2, "24.0"), (3, "1.9")):
        service_log_row(w, w.leping_lawyer, datetime.date(2025, 4, day), hours)
    return w


EXPECTED = {  # name → (cases, hours, duty-lawyer days, status)
    "律师1": (1, "38.0", 1, "not_met"),
    "律师2": (2, "0.0", 0, "met"),
    "律师3": (0, "50.0", 0, "met"),
    "律师4": (0, "0.0", 0, "exempt"),
}


def _zh_status(status: str) -> str:
    with translation.override(LETTER_LANGUAGE):
        return str(DutyStatus(status).label)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def _squash(text: str) -> str:
    return "".join(text.split())


def _issued_pdf(document: IssuedDocument) -> bytes:
    with document_pdf(document=document) as handle:
        return handle.read()


# --- the figures agree ----------------------------------------------------------------------------


def test_the_api_csv_xlsx_and_pdf_show_the_same_figures(duty_world, settings):
    w = duty_world
    settings.LANGUAGE_CODE = "en"
    api = w.api(w.firm_admin).get(
        "/api/v1/quota/lawyers/", {"firm": w.firm.pk, "year": YEAR}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert api.status_code == 200, api.content
    from_api = {r["name"]: (r["cases"], r["hours"], r["status"]) for r in api.json()["results"]}
    assert from_api == {name: (c, h, s) for name, (c, h, _d, s) in EXPECTED.items()}

    with translation.override("en"):
        labels = {str(s.label): s.value for s in DutyStatus}
        # CSV: lawyer, licence no., cases, hours, days, status, missing
        text = reports.firm_report_csv(w.firm, YEAR).decode("utf-8-sig")
        header, *rows = list(csv.reader(io.StringIO(text)))
        assert header == [
            "Lawyer",
            "Licence number",
            "Aid cases",
            "Public-interest hours",
            "Duty-lawyer days",
            "Status",
            "Still missing",
        ]
        from_csv = {r[0]: (int(r[2]), r[3], int(r[4]), labels[r[5]]) for r in rows}
        assert from_csv == EXPECTED
        assert {r[0]: r[1] for r in rows}["律师2"] == lawyer_licence(901)
        assert {r[0]: r[6] for r in rows}["律师1"] == "1 more case or 12.0 more hours"

        # XLSX, read back
        book = openpyxl.load_workbook(io.BytesIO(reports.firm_report_xlsx(w.firm, YEAR)))
        sheet = book.active
        head = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, max_row=9, values_only=True)}
        assert head["Law firm"] == FIRM and head["Year"] == YEAR
        assert (head["Number of lawyers"], head["Lawyers who met the duty"], head["Lawyers exempted"]) == (
            4,
            2,
            1,
        )
        assert Decimal(str(head["Compliance rate"])) == Decimal("0.5")
        start = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Lawyer")
        from_xlsx = {
            row[0]: (row[2], f"{Decimal(str(row[3])):.1f}", row[4], labels[row[5]])
            for row in sheet.iter_rows(min_row=start + 1, values_only=True)
        }
        assert from_xlsx == EXPECTED

    # PDF, in Chinese: one table row per lawyer, which pypdf reads as one line per cell, in order
    document = reports.firm_report_issue(acting_user=w.firm_admin, firm=w.firm, year=YEAR, base_url=BASE)
    lines = [line.strip() for line in _pdf_text(_issued_pdf(document)).splitlines()]
    licences = {f"律师{n}": lawyer_licence(899 + n) for n in (1, 2, 3)} | {"律师4": lawyer_licence(904)}
    for name, (cases, hours, days, status) in EXPECTED.items():
        at = lines.index(name)
        assert lines[at : at + 6] == [name, licences[name], str(cases), hours, str(days), _zh_status(status)]
    assert "12.0" in lines[lines.index("律师1") + 6]  # what is still missing
    assert lines[lines.index("律师2") + 6] == "—"


def test_the_report_reads_the_quota_rows_in_three_queries(duty_world, django_assert_num_queries):
    # the rules, the figures, the licence numbers: whatever the number of firms and lawyers
    with django_assert_num_queries(3):
        all_reports = reports.firm_reports(year=YEAR)
    assert [(r.firm_name, r.lawyers, r.met, r.compliance_rate) for r in all_reports] == [
        (FIRM, 4, 2, Decimal("0.5000")),
        (LEPING_FIRM, 1, 0, Decimal("0.0000")),
    ]


def test_the_csv_opens_in_excel_with_chinese(duty_world):
    content = reports.firm_report_csv(duty_world.firm, YEAR)
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    text = content.decode("utf-8-sig")
    assert "律师1" in text and "\r\n" in text
    # in the site's language (Chinese) by default
    assert text.splitlines()[0].split(",")[0] == "律师" or text.splitlines()[0].startswith("Lawyer")


def test_the_xlsx_formats_hours_and_fits_chinese(duty_world):
    book = openpyxl.load_workbook(io.BytesIO(reports.firm_report_xlsx(duty_world.firm, YEAR)))
    sheet = book.active
    assert sheet.title == str(YEAR)
    start = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value is not None and r > 9)
    first = start + 1
    assert sheet.cell(first, 4).number_format == "0.0"
    assert sheet.freeze_panes == f"A{first}"
    # a name of 江西景德律师事务所 (9 wide characters) needs 18 of Excel's units
    assert sheet.column_dimensions["B"].width >= 18
    assert sheet.column_dimensions["B"].width >= len(lawyer_licence(900))


def test_a_firm_without_lawyers_has_an_empty_report(duty_world):
    empty = OrganisationFactory(kind=OrganisationKind.LAW_FIRM, name="空律师事务所", region=region("zhushan"))
    report = reports.firm_report(empty, YEAR)
    assert (report.lawyers, report.met, report.compliance_rate, report.rule.min_cases) == (0, 0, None, 2)
    header, *rows = list(csv.reader(io.StringIO(reports.firm_report_csv(empty, YEAR).decode("utf-8-sig"))))
    assert rows == []
    document = reports.firm_report_issue(acting_user=None, firm=empty, year=YEAR, base_url=BASE)
    assert "空律师事务所" in _pdf_text(_issued_pdf(document))


# --- the issued report ----------------------------------------------------------------------------


def test_the_pdf_report_is_an_issued_document_of_the_bureau(duty_world):
    w = duty_world
    document = reports.firm_report_issue(acting_user=w.firm_admin, firm=w.firm, year=YEAR, base_url=BASE)
    assert document.kind == DocumentKind.DUTY_REPORT
    assert (document.subject_type, document.subject_id) == ("directory.organisation", str(w.firm.pk))
    assert document.issuer == w.bureau  # 珠山区司法局, the bureau of the firm's region
    text = _pdf_text(_issued_pdf(document))
    flat = _squash(text)
    for expected in (FIRM, "珠山区司法局", "2025", "50.00%", document.display_code, "律师1", "律师4"):
        assert expected in flat, expected
    # the rule: 2 cases or 50.0 hours; the counts: 4 lawyers, 2 met
    assert "50.0" in flat and "2" in flat
    assert f"{BASE}/verify/{document.display_code}" in text


def test_a_firm_without_a_bureau_issues_its_own_report(duty_world):
    w = duty_world
    assert reports.report_issuer(w.leping_firm) == w.leping_firm
    city = OrganisationFactory(kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz"))
    assert reports.report_issuer(w.leping_firm) == city  # the bureau of the region above
    assert reports.report_issuer(w.firm) == w.bureau  # its own region's bureau first


def test_the_same_report_the_same_day_is_the_same_document(duty_world):
    w = duty_world
    first = reports.firm_report_issue(acting_user=w.firm_admin, firm=w.firm, year=YEAR, base_url=BASE)
    again = reports.firm_report_issue(acting_user=w.bureau_officer, firm=w.firm, year=YEAR, base_url=BASE)
    assert again.pk == first.pk
    # a figure moves: a new document
    service_log_row(w, w.lawyers[0][1], datetime.date(2025, 6, 1), "1.5")
    moved = reports.firm_report_issue(acting_user=w.firm_admin, firm=w.firm, year=YEAR, base_url=BASE)
    assert moved.pk != first.pk and moved.code != first.code
    # a revoked document is never handed out again
    document_revoke(acting_user=w.bureau_officer, document=moved, reason="重新出具")
    fresh = reports.firm_report_issue(acting_user=w.firm_admin, firm=w.firm, year=YEAR, base_url=BASE)
    assert fresh.pk not in (first.pk, moved.pk)
    # another year is another report
    other = reports.firm_report_issue(acting_user=w.firm_admin, firm=w.firm, year=2024, base_url=BASE)
    assert other.pk != fresh.pk
    assert IssuedDocument.objects.filter(kind=DocumentKind.DUTY_REPORT).count() == 4


def test_a_certificate_for_a_year_met(duty_world):
    w = duty_world
    (_u, one), (_u2, two), _three, (_u4, four) = w.lawyers
    document = reports.lawyer_certificate_issue(acting_user=None, lawyer=two, year=YEAR, base_url=BASE)
    assert document.kind == DocumentKind.DUTY_CERTIFICATE
    assert (document.subject_type, document.subject_id) == ("directory.provider", str(two.pk))
    flat = _squash(_pdf_text(_issued_pdf(document)))
    for expected in ("律师2", lawyer_licence(901), FIRM, "2025", document.display_code):
        assert expected in flat, expected
    assert (
        reports.lawyer_certificate_issue(acting_user=None, lawyer=two, year=YEAR, base_url=BASE).pk
        == document.pk
    )
    with translation.override("en"):
        with pytest.raises(
            Conflict, match="has not met the annual duty of 2025: 1 more case or 12.0 more hours"
        ):
            reports.lawyer_certificate_issue(acting_user=None, lawyer=one, year=YEAR, base_url=BASE)
        with pytest.raises(Conflict, match="exempted"):
            reports.lawyer_certificate_issue(acting_user=None, lawyer=four, year=YEAR, base_url=BASE)
        with pytest.raises(Conflict, match="no annual duty in 2011"):
            reports.lawyer_certificate_issue(acting_user=None, lawyer=one, year=2011, base_url=BASE)
    assert not IssuedDocument.objects.filter(
        subject_id=str(one.pk), kind=DocumentKind.DUTY_CERTIFICATE
    ).exists()


# --- the command line -----------------------------------------------------------------------------


def test_quota_report_csv_of_all_firms(duty_world, tmp_path):
    out = tmp_path / "all.csv"
    call_command("quota_report", "--year", str(YEAR), "--output", str(out), stdout=io.StringIO())
    header, *rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(header) == 8  # the firm, then the lawyers' columns
    assert [(r[0], r[1]) for r in rows] == [(FIRM, f"律师{n}") for n in range(1, 5)] + [
        (LEPING_FIRM, "乐平律师")
    ]


def test_quota_report_xlsx_of_all_firms_and_of_one(duty_world, tmp_path):
    out = tmp_path / "all.xlsx"
    call_command(
        "quota_report", "--year", str(YEAR), "--format", "xlsx", "--output", str(out), stdout=io.StringIO()
    )
    book = openpyxl.load_workbook(out)
    firms, lawyers = book.worksheets
    assert [row[0] for row in firms.iter_rows(min_row=2, values_only=True)] == [FIRM, LEPING_FIRM]
    assert [row[1] for row in lawyers.iter_rows(min_row=2, values_only=True)] == [
        "律师1",
        "律师2",
        "律师3",
        "律师4",
        "乐平律师",
    ]
    one = tmp_path / "one.xlsx"
    stdout = io.StringIO()
    call_command(
        "quota_report",
        "--year",
        str(YEAR),
        "--firm",
        str(duty_world.leping_firm.pk),
        "--format",
        "xlsx",
        "--output",
        str(one),
        stdout=stdout,
    )
    assert str(one) in stdout.getvalue()
    assert openpyxl.load_workbook(one).active["B2"].value == LEPING_FIRM


def test_quota_report_pdf_of_one_firm_and_a_zip_of_all(duty_world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command(
        "quota_report",
        "--year",
        str(YEAR),
        "--firm",
        str(duty_world.firm.pk),
        "--format",
        "pdf",
        stdout=io.StringIO(),
    )
    pdf = tmp_path / f"quota-report-{YEAR}-firm-{duty_world.firm.pk}.pdf"
    assert FIRM in _squash(_pdf_text(pdf.read_bytes()))
    call_command("quota_report", "--year", str(YEAR), "--format", "pdf", stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / f"quota-report-{YEAR}.zip") as archive:
        names = archive.namelist()
        assert names == [
            f"{duty_world.firm.pk}-" + reports.report_filename(firm_name=FIRM, year=YEAR, extension="pdf"),
            f"{duty_world.leping_firm.pk}-"
            + reports.report_filename(firm_name=LEPING_FIRM, year=YEAR, extension="pdf"),
        ]
        assert LEPING_FIRM in _squash(_pdf_text(archive.read(names[1])))
    # the firm's report of today was reused, not issued twice
    assert (
        IssuedDocument.objects.filter(
            kind=DocumentKind.DUTY_REPORT, subject_id=str(duty_world.firm.pk)
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "1999"], "between 2000 and 2100"),
        (["--year", "2025", "--firm", "987654"], "no active law firm"),
        (["--year", "2025", "--format", "pdf", "--output", "all.pdf"], "zip"),
        (["--year", "2025", "--output", "/no/such/folder/x.csv"], "does not exist"),
        (["--year", "2025", "--format", "doc"], "invalid choice"),
        (["--year", "abc"], "invalid int value"),
        ([], "--year"),
    ],
)
def test_quota_report_bad_arguments(duty_world, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=message):
        call_command("quota_report", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_quota_report_a_notary_office_is_not_a_firm(duty_world, tmp_path):
    notary = OrganisationFactory(kind=OrganisationKind.NOTARY, name="景德镇市公证处", region=region("jdz"))
    with pytest.raises(CommandError, match="no active law firm"):
        call_command(
            "quota_report", "--year", "2025", "--firm", str(notary.pk), "--output", str(tmp_path / "x.csv")
        )


class _Terminal(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_the_progress_bar_shows_only_on_a_terminal():
    from django.core.management.base import OutputWrapper

    terminal = _Terminal(tty=True)
    bar = ProgressBar(OutputWrapper(terminal), "CSV")
    bar(5, 10)
    bar(10, 10)
    bar.close()
    assert terminal.getvalue().startswith("\rCSV [" + "#" * 15 + "." * 15 + "] 5/10")
    assert terminal.getvalue().endswith("] 10/10\n")
    pipe = _Terminal(tty=False)
    quiet = ProgressBar(OutputWrapper(pipe), "CSV")
    quiet(5, 10)
    quiet.close()
    assert pipe.getvalue() == ""


# --- the site's downloads -------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _report_url(firm, fmt: str, year=YEAR) -> str:
    return f"/duty/firms/{firm.pk}/report.{fmt}?year={year}"


def test_the_firm_administrator_downloads_the_three_formats(duty_world):
    w = duty_world
    client = _client(w.firm_admin)
    expected_types = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8",
    }
    for fmt, content_type in expected_types.items():
        response = client.get(_report_url(w.firm, fmt))
        assert response.status_code == 200, (fmt, response.content[:200])
        assert response["Content-Type"] == content_type
        name = quote(reports.report_filename(firm_name=FIRM, year=YEAR, extension=fmt), safe="")
        assert response["Content-Disposition"] == (
            f"attachment; filename=\"duty-report-{w.firm.pk}-{YEAR}.{fmt}\"; filename*=UTF-8''{name}"
        )
        assert "private" in response["Cache-Control"]
    assert reports.report_filename(firm_name=FIRM, year=YEAR, extension="pdf").startswith(FIRM)
    pdf = client.get(_report_url(w.firm, "pdf")).content
    assert "律师1" in _pdf_text(pdf)


def test_who_may_download_a_firms_report(duty_world, make_member):
    w = duty_world
    city = OrganisationFactory(kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz"))
    city_officer = make_member(Role.BUREAU_OFFICER, city, username="bureau_city_reports")
    allowed = [
        (w.firm_admin, w.firm),
        (w.bureau_officer, w.firm),
        (city_officer, w.leping_firm),
        (w.leping_admin, w.leping_firm),
    ]
    for user, firm in allowed:
        assert _client(user).get(_report_url(firm, "csv")).status_code == 200, (user, firm)
    refused = [
        (w.firm_admin, w.leping_firm),  # another firm
        (w.bureau_officer, w.leping_firm),  # outside the bureau's region
        (w.lawyers[0][0], w.firm),  # a lawyer sees only their own row
        (w.reviewer, w.firm),  # a role that sees no duty
    ]
    for user, firm in refused:
        for fmt in ("pdf", "xlsx", "csv"):
            assert _client(user).get(_report_url(firm, fmt)).status_code == 404, (user, firm, fmt)
    assert _client(w.firm_admin).get(f"/duty/firms/{w.firm.pk}/report.doc").status_code == 404
    assert _client(w.firm_admin).get("/duty/firms/987654/report.pdf").status_code == 404
    anonymous = Client().get(_report_url(w.firm, "pdf"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "２０２５", "-2025"])
def test_a_bad_year_on_a_download_is_400(duty_world, year):
    response = _client(duty_world.firm_admin).get(_report_url(duty_world.firm, "csv", year=year))
    assert response.status_code == 400
    assert not IssuedDocument.objects.exists()


def test_a_lawyer_downloads_their_certificate_or_learns_why_not(duty_world):
    w = duty_world
    (u1, one), (u2, two), _three, _four = w.lawyers
    response = _client(u2).get(f"/duty/lawyers/{two.pk}/certificate.pdf?year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = quote(reports.certificate_filename(lawyer_name="律师2", year=YEAR), safe="")
    assert response["Content-Disposition"].endswith(f"filename*=UTF-8''{name}")
    assert "律师2" in _pdf_text(response.content)
    # the firm's administrator may have it too; another lawyer may not
    assert _client(w.firm_admin).get(f"/duty/lawyers/{two.pk}/certificate.pdf?year={YEAR}").status_code == 200
    assert _client(u1).get(f"/duty/lawyers/{two.pk}/certificate.pdf?year={YEAR}").status_code == 404
    assert (
        _client(w.leping_admin).get(f"/duty/lawyers/{two.pk}/certificate.pdf?year={YEAR}").status_code == 404
    )
    # not met: back to the page with the reason, nothing issued
    client = _client(u1)
    response = client.get(
        f"/duty/lawyers/{one.pk}/certificate.pdf?year={YEAR}",
        HTTP_REFERER="http://testserver/my/service-logs/",
    )
    assert response.status_code == 302 and response["Location"] == "http://testserver/my/service-logs/"
    page = client.get("/my/service-logs/")
    assert "律师1" in page.content.decode()
    assert not IssuedDocument.objects.filter(
        kind=DocumentKind.DUTY_CERTIFICATE, subject_id=str(one.pk)
    ).exists()
    # a foreign referer is not followed
    response = client.get(
        f"/duty/lawyers/{one.pk}/certificate.pdf?year={YEAR}", HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 302 and response["Location"] == "/"
