"""The annual-duty reports (docs/domain.md §6, annual duty): a law firm's lawyers as CSV and XLSX, the
annual-inspection report (年度检查公益法律服务情况表) as an issued PDF with its verification code, and
a lawyer's certificate of public-interest legal service.

Every figure comes from ``assignments.quota`` (``firm_duty_rows`` / ``lawyer_duty_rows``), the one
computation behind the pages and the API too, so the report cannot disagree with them; this module only
lays the rows out. The identity columns the rows lack (licence numbers) are read in one more query over
the same lawyers, whatever their number.

The PDFs are issued documents (``documents.services.document_issue``): a verification code and a QR
code anyone can check, issued by the judicial bureau of the firm's region (the annual inspection is the
bureau's, and the figures are the legal-aid system's records, not the firm's own statement), or by the
firm itself when the directory has no bureau for it, so that a report can always be had. Downloading the
same report again the same day gives the document already issued when it says exactly the same thing,
rather than a new verification code at every click; a day later, or once a figure moved, a new one.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.errors import Conflict
from directory.choices import OrganisationKind
from directory.models import Organisation, Provider
from documents.models import DocumentKind, IssuedDocument
from documents.pdf import LETTER_LANGUAGE, chinese_date, column_table
from documents.services import document_issue, document_pdf

from .choices import DutyStatus
from .quota import (
    DutyRuleValues,
    FirmDuty,
    LawyerDuty,
    duty_lawyers,
    firm_duty_rows,
    lawyer_duty_rows,
    rule_for_region,
)
from .selectors import duty_rules_of_year

__all__ = [
    "FirmReport",
    "certificate_filename",
    "firm_report",
    "firm_report_csv",
    "firm_report_issue",
    "firm_report_xlsx",
    "firm_reports",
    "firms_report_csv",
    "firms_report_xlsx",
    "lawyer_certificate_issue",
    "report_document_issue",
    "report_filename",
    "report_issuer",
    "rule_text",
    "status_label",
]

# (done, total): called while a long report is built, for a progress bar.
Progress = Callable[[int, int], None]

ORGANISATION_SUBJECT = Organisation._meta.label_lower  # "directory.organisation"
PROVIDER_SUBJECT = Provider._meta.label_lower  # "directory.provider"

# Excel reads a CSV as UTF-8 only when it starts with the byte-order mark; without it, Chinese
# names come out as mojibake in the ANSI code page.
UTF8_BOM = "\ufeff"

HOURS_FORMAT = "0.0"
RATE_FORMAT = "0.00%"
MAX_COLUMN_WIDTH = 60


# --- the rows -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FirmReport:
    """One firm's year as a report prints it: the quota rows, the rule, the licence numbers."""

    firm_id: int
    firm_name: str
    year: int
    as_of: datetime.date
    rule: DutyRuleValues
    rows: tuple[LawyerDuty, ...]
    licences: dict[int, str]
    met: int
    exempt: int
    compliance_rate: Decimal | None  # met ÷ lawyers, 4 places; None without a lawyer

    @property
    def lawyers(self) -> int:
        return len(self.rows)

    @classmethod
    def of(cls, duty: FirmDuty, *, as_of: datetime.date, licences: dict[int, str]) -> FirmReport:
        return cls(
            firm_id=duty.firm_id,
            firm_name=duty.name,
            year=duty.year,
            as_of=as_of,
            rule=duty.rows[0].rule,  # the rule of the firm's region: the same for all its lawyers
            rows=duty.rows,
            licences=licences,
            met=duty.met,
            exempt=duty.exempt,
            compliance_rate=duty.compliance_rate,
        )


def _licences(*, year: int, firm_ids: Iterable[int] | None) -> dict[int, str]:
    """The licence numbers of the report's lawyers: one query over the same selection as the rows."""
    lawyers = duty_lawyers(year=year, firm_ids=firm_ids).order_by()
    return dict(lawyers.values_list("pk", "licence_no"))


def firm_report(firm: Organisation, year: int, *, today: datetime.date | None = None) -> FirmReport:
    """One firm's report for ``year`` (as of ``today``); a firm with no lawyer with a duty that year
    gets an empty report under its region's rule. Three queries."""
    today = today or timezone.localdate()
    duties = firm_duty_rows(year=year, firm_ids=[firm.pk], today=today)
    if duties:
        return FirmReport.of(duties[0], as_of=today, licences=_licences(year=year, firm_ids=[firm.pk]))
    return FirmReport(
        firm_id=firm.pk,
        firm_name=firm.name,
        year=year,
        as_of=today,
        rule=rule_for_region(duty_rules_of_year(year), firm.region_id),
        rows=(),
        licences={},
        met=0,
        exempt=0,
        compliance_rate=None,
    )


def firm_reports(
    *, year: int, firm_ids: Iterable[int] | None = None, today: datetime.date | None = None
) -> list[FirmReport]:
    """Every firm's report for ``year`` (of ``firm_ids`` when given), in report order: three queries
    whatever the number of firms and lawyers. Firms without a lawyer with a duty that year are left out,
    as in the firms' list."""
    today = today or timezone.localdate()
    ids = None if firm_ids is None else list(firm_ids)
    duties = firm_duty_rows(year=year, firm_ids=ids, today=today)
    licences = _licences(year=year, firm_ids=ids) if duties else {}
    return [FirmReport.of(duty, as_of=today, licences=licences) for duty in duties]


# --- the words -----------------------------------------------------------------------------------------


def _hours(value: Decimal) -> str:
    return f"{value:.1f}"


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def status_label(status: str) -> str:
    return str(DutyStatus(status).label)


def rule_text(rule: DutyRuleValues) -> str:
    """The rule applied, in words: "at least 2 legal-aid cases or 50.0 hours ..." and its options."""
    text = _(
        "at least %(cases)s legal-aid cases or %(hours)s hours of public-interest legal service a year"
    ) % {
        "cases": rule.min_cases,
        "hours": _hours(rule.min_hours),
    }
    if rule.duty_lawyer_days_per_case:
        text += _("; %(days)s duty-lawyer days count as one case") % {"days": rule.duty_lawyer_days_per_case}
    if rule.prorate_new_lawyers:
        text += _("; pro-rated for lawyers licensed during the year")
    return text


def _columns() -> list[str]:
    return [
        _("Lawyer"),
        _("Licence number"),
        _("Aid cases"),
        _("Public-interest hours"),
        _("Duty-lawyer days"),
        _("Status"),
        _("Still missing"),
    ]


def _cells(report: FirmReport, row: LawyerDuty) -> list:
    """One lawyer's cells, figures as numbers (hours a Decimal)."""
    return [
        row.name,
        report.licences.get(row.lawyer_id, ""),
        row.result.cases,
        row.result.hours,
        row.figures.duty_lawyer_days,
        status_label(row.status),
        row.result.missing,
    ]


def report_filename(*, firm_name: str, year: int, extension: str) -> str:
    """The report's file name, in Chinese whatever the screen's language (the report is Chinese):
    e.g. "江西景德律师事务所2026年度公益法律服务情况表.pdf"."""
    with translation.override(LETTER_LANGUAGE):
        name = _("%(firm)s annual public-interest legal service %(year)s") % {"firm": firm_name, "year": year}
    return f"{_safe_name(name)}.{extension}"


def _safe_name(name: str) -> str:
    """A name with nothing a file system or a download dialog refuses: separators, reserved characters
    and control characters become "_"."""
    return "".join("_" if c in '\\/:*?"<>|' or unicodedata.category(c).startswith("C") else c for c in name)


def certificate_filename(*, lawyer_name: str, year: int) -> str:
    with translation.override(LETTER_LANGUAGE):
        name = _("%(lawyer)s certificate of public-interest legal service %(year)s") % {
            "lawyer": lawyer_name,
            "year": year,
        }
    return f"{_safe_name(name)}.pdf"


# --- CSV -----------------------------------------------------------------------------------------------


def _csv(header: list[str], rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    out.write(UTF8_BOM)
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as Excel writes it
    writer.writerow(header)
    for row in rows:
        writer.writerow([_hours(cell) if isinstance(cell, Decimal) else cell for cell in row])
    return out.getvalue().encode("utf-8")


def firm_report_csv(firm: Organisation, year: int, *, today: datetime.date | None = None) -> bytes:
    """One firm's lawyers as CSV (UTF-8 with BOM): lawyer, licence number, cases, hours, duty-lawyer days,
    status, what is still missing; in the current language."""
    report = firm_report(firm, year, today=today)
    return _csv(_columns(), (_cells(report, row) for row in report.rows))


def _firms_rows(reports: Sequence[FirmReport], progress: Progress | None) -> Iterator[list]:
    """Every firm's lawyers' cells after the firm's name, telling ``progress`` firm by firm."""
    total = sum(report.lawyers for report in reports)
    done = 0
    for report in reports:
        for row in report.rows:
            yield [report.firm_name, *_cells(report, row)]
        done += report.lawyers
        if progress:
            progress(done, total)


def firms_report_csv(reports: Sequence[FirmReport], *, progress: Progress | None = None) -> bytes:
    """Several firms' lawyers as one CSV table, the firm in the first column."""
    return _csv([_("Law firm"), *_columns()], _firms_rows(reports, progress))


# --- XLSX ----------------------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def _width(value: object) -> int:
    """Columns as wide as their text: a Chinese character takes two of Excel's width units."""
    text = _hours(value) if isinstance(value, Decimal) else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Sheet:
    """A worksheet filled top-down, remembering how wide each column's text is."""

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self.widths: dict[int, int] = {}

    def row(
        self,
        values: Sequence,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        formats: dict[int, str] | None = None,
        unmeasured: Sequence[int] = (),
    ) -> int:
        self.sheet.append(list(values))
        number = self.sheet.max_row
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=number, column=column)
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if formats and column in formats:
                cell.number_format = formats[column]
            if column not in unmeasured:
                self.widths[column] = max(self.widths.get(column, 0), _width(value))
        return number

    def table(self, header: list[str], rows: Iterable[list], formats: dict[int, str]) -> None:
        """A header row, frozen and filtered, then the rows."""
        first = self.row(header, font=_BOLD, fill=_HEADER_FILL)
        for cell in self.sheet[first]:
            cell.alignment = Alignment(vertical="center")
        for values in rows:
            self.row(values, formats=formats)
        self.sheet.freeze_panes = self.sheet.cell(row=first + 1, column=1)
        last = self.sheet.max_row
        self.sheet.auto_filter.ref = f"A{first}:{get_column_letter(len(header))}{last}"

    def fit(self) -> None:
        for column, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_COLUMN_WIDTH)


def _lawyer_formats(offset: int = 0) -> dict[int, str]:
    # cases, hours and days: columns 3, 4 and 5 of the lawyers' table (1-based), after ``offset`` more
    return {3 + offset: "0", 4 + offset: HOURS_FORMAT, 5 + offset: "0"}


def _xlsx(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _title() -> str:
    return _("Annual inspection report of public-interest legal service")


def firm_report_xlsx(firm: Organisation, year: int, *, today: datetime.date | None = None) -> bytes:
    """One firm's report as an Excel workbook: a heading (firm, year, rule, lawyers, met, compliance
    rate, date of the figures), then one row per lawyer with the CSV's columns; in the current language."""
    report = firm_report(firm, year, today=today)
    workbook = Workbook()
    sheet = _Sheet(workbook.active)
    sheet.sheet.title = str(year)
    sheet.sheet.append([_title()])
    sheet.sheet["A1"].font = _TITLE  # not measured: the title may run over the columns beside it
    for label, value, number_format in (
        (_("Law firm"), report.firm_name, None),
        (_("Year"), year, "0"),
        (_("Rule applied"), rule_text(report.rule), None),
        (_("Number of lawyers"), report.lawyers, "0"),
        (_("Lawyers who met the duty"), report.met, "0"),
        (_("Lawyers exempted"), report.exempt, "0"),
        (
            _("Compliance rate"),
            report.compliance_rate if report.compliance_rate is not None else "—",
            RATE_FORMAT,
        ),
        (_("Figures as of"), report.as_of, "yyyy-mm-dd"),
    ):
        number = sheet.row(
            [label, value],
            formats={2: number_format} if number_format else None,
            # the rule's words are long: they would widen the licence number's column for nothing
            unmeasured=(2,) if isinstance(value, str) and len(value) > 20 else (),
        )
        sheet.sheet.cell(row=number, column=1).font = _BOLD
    sheet.sheet.append([])
    sheet.table(_columns(), (_cells(report, row) for row in report.rows), _lawyer_formats())
    sheet.fit()
    return _xlsx(workbook)


def firms_report_xlsx(reports: Sequence[FirmReport], *, progress: Progress | None = None) -> bytes:
    """Several firms as one workbook: a sheet of the firms (lawyers, met, exempt, compliance rate) and
    a sheet of all their lawyers with the firm in the first column."""
    workbook = Workbook()
    firms = _Sheet(workbook.active)
    firms.sheet.title = _("Law firms")[:31]
    firms.table(
        [
            _("Law firm"),
            _("Number of lawyers"),
            _("Lawyers who met the duty"),
            _("Lawyers exempted"),
            _("Compliance rate"),
        ],
        (
            [
                r.firm_name,
                r.lawyers,
                r.met,
                r.exempt,
                r.compliance_rate if r.compliance_rate is not None else "—",
            ]
            for r in reports
        ),
        {2: "0", 3: "0", 4: "0", 5: RATE_FORMAT},
    )
    firms.fit()
    lawyers = _Sheet(workbook.create_sheet(_("Lawyers")[:31]))
    lawyers.table([_("Law firm"), *_columns()], _firms_rows(reports, progress), _lawyer_formats(offset=1))
    lawyers.fit()
    return _xlsx(workbook)


# --- the issued PDFs -------------------------------------------------------------------------------------


def report_issuer(firm: Organisation) -> Organisation:
    """Who issues a firm's report and its lawyers' certificates: the judicial bureau of the firm's
    region, else of the region above it, else the firm itself (the directory lacks the bureau; a report
    must still be had). One query."""
    region_ids = [firm.region_id, *([firm.region.parent_id] if firm.region.parent_id else [])]
    bureau = (
        Organisation.objects.filter(kind=OrganisationKind.BUREAU, active=True, region_id__in=region_ids)
        .order_by(
            # the firm's own region's bureau before the one above it
            Case(
                When(region_id=firm.region_id, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            "pk",
        )
        .first()
    )
    return bureau or firm


@dataclass(frozen=True)
class _Letter:
    kind: str
    issuer: Organisation
    subject_type: str
    subject_id: str
    title: str
    number: str
    paragraphs: list[str]
    fields: list[tuple[str, str]]
    tables: list[dict] = field(default_factory=list)

    def same_as(self, document: IssuedDocument) -> bool:
        """Whether ``document`` already says exactly this (issued today, so with today's date too)."""
        content = document.content or {}
        return (
            document.title == self.title
            and document.number == self.number
            and content.get("issuer_name") == self.issuer.name
            and content.get("paragraphs") == self.paragraphs
            and content.get("fields") == [[label, value] for label, value in self.fields]
            and content.get("tables", []) == self.tables
        )


def _issue_or_reuse(
    letter: _Letter, *, acting_user: AbstractBaseUser | None, base_url: str
) -> IssuedDocument:
    """The document of ``letter``: one issued today with the same content and not revoked, else a new
    one. (Two first downloads at the same instant may both issue one; both are valid documents.)"""
    zone = timezone.get_current_timezone()
    midnight = datetime.datetime.combine(timezone.localdate(), datetime.time.min, tzinfo=zone)
    today = IssuedDocument.objects.filter(
        kind=letter.kind,
        subject_type=letter.subject_type,
        subject_id=letter.subject_id,
        issuer=letter.issuer,
        issued_at__gte=midnight,
        revoked_at__isnull=True,
    ).order_by("-issued_at", "-pk")
    for document in today[:5]:  # the latest few; more in one day means the figures keep moving
        if letter.same_as(document):
            return document
    return document_issue(
        acting_user=acting_user,
        kind=letter.kind,
        issuer=letter.issuer,
        subject_type=letter.subject_type,
        subject_id=letter.subject_id,
        title=letter.title,
        number=letter.number,
        paragraphs=letter.paragraphs,
        fields=letter.fields,
        tables=letter.tables,
        base_url=base_url,
    )


# The lawyers' table on the report: name, licence number, cases, hours, days, status, what is missing.
_REPORT_WIDTHS = (2.0, 3.1, 1.6, 1.8, 1.5, 1.3, 4.0)
_REPORT_FIGURES = (2, 3, 4)


def _report_letter(report: FirmReport, issuer: Organisation) -> _Letter:
    """The report's words, in Chinese (an official document whatever the screen's language)."""
    with translation.override(LETTER_LANGUAGE):
        year = report.year
        paragraphs = [
            _(
                "The public-interest legal service of the lawyers of %(firm)s in %(year)s, for the annual inspection."
            )
            % {"firm": report.firm_name, "year": year},
            _(
                "The figures are those recorded in the legal aid system on %(date)s: aid cases the lawyer "
                "accepted and was not replaced on, and public-interest hours verified by the legal aid "
                "center. A lawyer meets the duty by the cases or by the hours, not by adding them up."
            )
            % {"date": chinese_date(report.as_of)},
        ]
        fields = [
            (_("Law firm"), report.firm_name),
            (_("Year"), str(year)),
            (_("Rule applied"), rule_text(report.rule)),
            (_("Number of lawyers"), str(report.lawyers)),
            (_("Lawyers who met the duty"), str(report.met)),
            (_("Lawyers exempted"), str(report.exempt)),
            (_("Compliance rate"), _rate(report.compliance_rate)),
        ]
        rows = [
            [
                row.name,
                report.licences.get(row.lawyer_id, "") or "—",
                str(row.result.cases),
                _hours(row.result.hours),
                str(row.figures.duty_lawyer_days),
                status_label(row.status),
                row.result.missing or "—",
            ]
            for row in report.rows
        ]
        tables = (
            [column_table(_columns(), rows, widths=_REPORT_WIDTHS, right=_REPORT_FIGURES)] if rows else []
        )
        return _Letter(
            kind=DocumentKind.DUTY_REPORT,
            issuer=issuer,
            subject_type=ORGANISATION_SUBJECT,
            subject_id=str(report.firm_id),
            title=_title(),
            number=_("Year %(year)s") % {"year": year},
            paragraphs=[str(p) for p in paragraphs],
            fields=[(str(label), str(value)) for label, value in fields],
            tables=tables,
        )


def firm_report_issue(
    *,
    acting_user: AbstractBaseUser | None,
    firm: Organisation,
    year: int,
    base_url: str,
    today: datetime.date | None = None,
) -> IssuedDocument:
    """The firm's annual-inspection report for ``year`` as an issued document (kind ``duty_report``,
    subject the firm), or the one issued today that says exactly the same. Who may ask is the caller's
    check (``quota.duty_scope_for``). Its PDF: ``documents.services.document_pdf``."""
    return report_document_issue(
        acting_user=acting_user, firm=firm, report=firm_report(firm, year, today=today), base_url=base_url
    )


def report_document_issue(
    *, acting_user: AbstractBaseUser | None, firm: Organisation, report: FirmReport, base_url: str
) -> IssuedDocument:
    """``firm_report_issue`` for a report already built (the command line builds all firms' at once)."""
    return _issue_or_reuse(
        _report_letter(report, report_issuer(firm)), acting_user=acting_user, base_url=base_url
    )


def lawyer_certificate_issue(
    *,
    acting_user: AbstractBaseUser | None,
    lawyer: Provider,
    year: int,
    base_url: str,
    today: datetime.date | None = None,
) -> IssuedDocument:
    """A certificate that ``lawyer`` met the annual public-interest duty of ``year`` (kind
    ``duty_certificate``, subject the lawyer), or the identical one issued today.

    ``Conflict`` when the year is not met (exempt, in progress, not met, or no duty that year): the
    message says why. Who may ask is the caller's check.
    """
    rows = lawyer_duty_rows(year=year, provider_ids=[lawyer.pk], today=today)
    if not rows:
        raise Conflict(
            _("%(lawyer)s had no annual duty in %(year)s.") % {"lawyer": lawyer.name, "year": year}
        )
    row = rows[0]
    if not row.met:
        if row.status == DutyStatus.EXEMPT:
            raise Conflict(
                _("%(lawyer)s was exempted from the annual duty of %(year)s: there is no service to certify.")
                % {"lawyer": row.name, "year": year}
            )
        raise Conflict(
            _("%(lawyer)s has not met the annual duty of %(year)s: %(missing)s.")
            % {"lawyer": row.name, "year": year, "missing": row.result.missing}
        )
    firm = lawyer.organisation
    with translation.override(LETTER_LANGUAGE):
        result = row.result
        paragraphs = [
            _(
                "This is to certify that %(lawyer)s (licence number %(licence)s), a lawyer of %(firm)s, "
                "handled %(cases)s legal-aid cases and gave %(hours)s hours of public-interest legal "
                "service in %(year)s, and so met the annual public-interest legal service duty (%(rule)s)."
            )
            % {
                "lawyer": row.name,
                "licence": lawyer.licence_no or "—",
                "firm": row.firm_name,
                "cases": result.cases,
                "hours": _hours(result.hours),
                "year": year,
                "rule": rule_text(row.rule),
            },
            _("The figures are those recorded in the legal aid system on %(date)s.")
            % {"date": chinese_date(today or timezone.localdate())},
        ]
        fields = [
            (_("Lawyer"), row.name),
            (_("Licence number"), lawyer.licence_no or "—"),
            (_("Law firm"), row.firm_name),
            (_("Year"), str(year)),
            (_("Aid cases"), str(result.cases)),
            (_("Public-interest hours"), _hours(result.hours)),
            (_("Duty-lawyer days"), str(row.figures.duty_lawyer_days)),
            (_("Status"), status_label(row.status)),
        ]
        letter = _Letter(
            kind=DocumentKind.DUTY_CERTIFICATE,
            issuer=report_issuer(firm),
            subject_type=PROVIDER_SUBJECT,
            subject_id=str(lawyer.pk),
            title=_("Certificate of public-interest legal service"),
            number=_("Year %(year)s") % {"year": year},
            paragraphs=[str(p) for p in paragraphs],
            fields=[(str(label), str(value)) for label, value in fields],
        )
    return _issue_or_reuse(letter, acting_user=acting_user, base_url=base_url)


def firm_report_content(
    *, acting_user: AbstractBaseUser | None, firm: Organisation, year: int, fmt: str, base_url: str
) -> bytes:
    """A firm's report as the bytes of ``fmt`` (``csv``, ``xlsx`` or ``pdf``; the PDF issued or reused
    as a document with its verification code): what the site and the API hand out."""
    if fmt == "csv":
        return firm_report_csv(firm, year)
    if fmt == "xlsx":
        return firm_report_xlsx(firm, year)
    document = firm_report_issue(acting_user=acting_user, firm=firm, year=year, base_url=base_url)
    with document_pdf(document=document) as handle:
        return handle.read()
