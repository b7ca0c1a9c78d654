"""``manage.py quota_report --year 2026 [--firm ID] [--format csv|xlsx|pdf] [--output PATH]``: the lawyers'
annual-duty report as one file (docs/domain.md §6), from the same computation as the pages and the API.

- csv, xlsx: one firm (``--firm``) with the report's columns, or every firm of the city: CSV as one table
  with the firm in the first column, XLSX as a sheet of the firms' compliance and a sheet of all lawyers.
- pdf: the firm's annual-inspection report, issued with its verification code (a report issued today
  with the same figures is reused); without ``--firm``, a zip of one PDF per firm.

``--output -`` writes to standard output. A progress bar goes to standard error when it is a terminal.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from assignments import reports
from core.site import site_base_url
from directory.choices import OrganisationKind
from directory.models import Organisation
from documents.services import document_pdf

FIRST_YEAR, LAST_YEAR = 2000, 2100  # as the API's year parameter
FORMATS = ("csv", "xlsx", "pdf")
BAR_WIDTH = 30


class ProgressBar:
    """A carriage-return bar on a terminal; silent anywhere else (cron's mail, a pipe, a log file)."""

    def __init__(self, stream, label: str):
        self.stream = stream
        self.label = label
        self.active = stream.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.active or total <= 0:
            return
        filled = BAR_WIDTH * done // total
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending=""
        )
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("")  # the line ends; the next message starts on its own


class Command(BaseCommand):
    help = (
        "Write the lawyers' annual-duty report of a year as CSV, XLSX or PDF: one firm (--firm) or all "
        "firms (CSV/XLSX: one table; PDF: a zip of one issued report per firm)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The calendar year, e.g. 2026.")
        parser.add_argument("--firm", type=int, help="The law firm's id; all firms when omitted.")
        parser.add_argument("--format", choices=FORMATS, default="csv", help="csv (default), xlsx or pdf.")
        parser.add_argument(
            "--output",
            help=(
                "The file to write; '-' for standard output. Default: quota-report-YEAR[-firm-ID].EXT in "
                "the current folder (.zip for the PDFs of all firms)."
            ),
        )

    def handle(self, *args, **options):
        year, firm_id, fmt = options["year"], options["firm"], options["format"]
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(f"--year must be between {FIRST_YEAR} and {LAST_YEAR}; got {year}.")
        firm = None
        if firm_id is not None:
            firm = (
                Organisation.objects.filter(kind=OrganisationKind.LAW_FIRM, active=True, pk=firm_id)
                .select_related("region")
                .first()
            )
            if firm is None:
                raise CommandError(f"--firm {firm_id}: there is no active law firm with this id.")
        zipped = fmt == "pdf" and firm is None
        extension = "zip" if zipped else fmt
        output = options["output"] or self._default_name(year, firm_id, extension)
        if output != "-":
            path = Path(output)
            if zipped and path.suffix.lower() != ".zip":
                raise CommandError(
                    "Without --firm the PDF reports come as a zip of one PDF per firm: give an --output "
                    "ending in .zip, or --firm."
                )
            if not path.parent.is_dir():
                raise CommandError(f"--output {output}: the folder {path.parent} does not exist.")
            if path.is_dir():
                raise CommandError(f"--output {output} is a folder: give a file name.")
        # the exports are read in the site's language, as the pages are
        with translation.override(settings.LANGUAGE_CODE):
            content, summary = self._build(year=year, firm=firm, fmt=fmt)
        self._write(output, content)
        where = "standard output" if output == "-" else output
        (self.stderr if output == "-" else self.stdout).write(f"{summary}: {where}")

    @staticmethod
    def _default_name(year: int, firm_id: int | None, extension: str) -> str:
        firm = f"-firm-{firm_id}" if firm_id is not None else ""
        return f"quota-report-{year}{firm}.{extension}"

    def _build(self, *, year: int, firm: Organisation | None, fmt: str) -> tuple[bytes, str]:
        today = timezone.localdate()
        if firm is not None:
            if fmt == "csv":
                return reports.firm_report_csv(firm, year, today=today), f"{firm.name} {year} (CSV)"
            if fmt == "xlsx":
                return reports.firm_report_xlsx(firm, year, today=today), f"{firm.name} {year} (XLSX)"
            document = reports.firm_report_issue(
                acting_user=None, firm=firm, year=year, base_url=site_base_url(), today=today
            )
            with document_pdf(document=document) as handle:
                return handle.read(), f"{firm.name} {year} (PDF {document.display_code})"
        all_reports = reports.firm_reports(year=year, today=today)
        lawyers = sum(report.lawyers for report in all_reports)
        summary = f"{len(all_reports)} firms, {lawyers} lawyers, {year}"
        bar = ProgressBar(self.stderr, fmt.upper())
        try:
            if fmt == "csv":
                return reports.firms_report_csv(all_reports, progress=bar), f"{summary} (CSV)"
            if fmt == "xlsx":
                return reports.firms_report_xlsx(all_reports, progress=bar), f"{summary} (XLSX)"
            return self._zip(all_reports, bar=bar), f"{summary} (zip of PDFs)"
        finally:
            bar.close()

    @staticmethod
    def _zip(all_reports: list[reports.FirmReport], *, bar: ProgressBar) -> bytes:
        firms = Organisation.objects.select_related("region").in_bulk([r.firm_id for r in all_reports])
        base_url = site_base_url()
        out = io.BytesIO()
        # PDFs are compressed already: stored, not deflated again
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
            for done, report in enumerate(all_reports, start=1):
                document = reports.report_document_issue(
                    acting_user=None, firm=firms[report.firm_id], report=report, base_url=base_url
                )
                with document_pdf(document=document) as handle:
                    pdf = handle.read()
                # the id first: two firms may share a name; the Chinese name is flagged UTF-8 in the zip
                name = f"{report.firm_id}-" + reports.report_filename(
                    firm_name=report.firm_name, year=report.year, extension="pdf"
                )
                archive.writestr(zipfile.ZipInfo(name, date_time=_zip_time()), pdf)
                bar(done, len(all_reports))
        return out.getvalue()

    def _write(self, output: str, content: bytes) -> None:
        if output == "-":
            stream = getattr(self.stdout._out, "buffer", None) or sys.stdout.buffer
            stream.write(content)
            stream.flush()
            return
        try:
            Path(output).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"--output {output}: {exc.strerror or exc}.") from exc


def _zip_time() -> tuple[int, int, int, int, int, int]:
    return timezone.localtime().timetuple()[:6]
