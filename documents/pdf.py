"""The letter toolkit: A4 letters in Chinese with letterhead, verification code and QR code (docs/architecture.md).

reportlab's built-in CID font ``STSong-Light`` needs no font file and its text extracts exactly,
which is how the letters are tested. Output is deterministic (``invariant``): the same input gives
the same bytes, so a document's SHA-256 can be recomputed.
"""

from __future__ import annotations

import datetime
import io
import itertools
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.lib import colors
from reportlab.lib import textsplit as rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as rl_paragraph

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

# reportlab's CJK wrapping keeps closing punctuation off the start of a line (标点禁则), but its
# list is Japanese: it lacks the full-width comma, semicolon, colon, marks and closing quotes that
# Chinese text uses, so a line could start with "，". The list is a module global read at wrap
# time (by two modules: one for single-style paragraphs, one for mixed); adding to it only improves
# every CJK paragraph in the process.
_CHINESE_CANNOT_START = "，；：！？”’》〉）】"
for _module in (rl_textsplit, rl_paragraph):
    _module.ALL_CANNOT_START += "".join(c for c in _CHINESE_CANNOT_START if c not in _module.ALL_CANNOT_START)
del _module

# Letters are official Chinese documents whatever language the clerk's screen is in.
LETTER_LANGUAGE = "zh-hans"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 25 * mm
MARGIN_TOP = 22 * mm
FOOTER_Y = 12 * mm
FOOTER_HEIGHT = 28 * mm
QR_SIZE = 24 * mm
QR_FORM = "verify-qr"
# Four light modules around the symbol, as ISO/IEC 18004 asks: readers find the code by that margin.
QR_QUIET_ZONE = 4
# Official red for the letterhead (红头), as on printed government letters.
LETTERHEAD_RED = colors.HexColor("#C00000")

_BODY = 12
_STYLES = {
    "letterhead": ParagraphStyle(
        "letterhead",
        fontName=FONT,
        fontSize=22,
        leading=30,
        alignment=TA_CENTER,
        textColor=LETTERHEAD_RED,
        wordWrap="CJK",
    ),
    "title": ParagraphStyle(
        "title", fontName=FONT, fontSize=18, leading=26, alignment=TA_CENTER, wordWrap="CJK"
    ),
    "number": ParagraphStyle(
        "number", fontName=FONT, fontSize=_BODY, leading=18, alignment=TA_CENTER, wordWrap="CJK"
    ),
    # Left aligned rather than justified: justification stretches the gaps between characters and
    # text extraction would then see spaces that are not in the letter.
    "body": ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=_BODY,
        leading=21,
        alignment=TA_LEFT,
        firstLineIndent=2 * _BODY,
        spaceafter=4,
        wordWrap="CJK",
    ),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=11, leading=16, wordWrap="CJK"),
    # a column table's cells (column_table): smaller, so that seven or eight columns fit the A4 text width
    "grid": ParagraphStyle("grid", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK"),
    "grid_right": ParagraphStyle(
        "grid_right", fontName=FONT, fontSize=9, leading=12, alignment=TA_RIGHT, wordWrap="CJK"
    ),
    "signature": ParagraphStyle(
        "signature",
        fontName=FONT,
        fontSize=_BODY,
        leading=21,
        alignment=TA_RIGHT,
        wordWrap="CJK",
    ),
}


def chinese_date(day: datetime.date) -> str:
    """``2026年11月28日``: Arabic numerals without leading zeros, as GB/T 9704 writes dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def column_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[float] | None = None,
    right: Sequence[int] = (),
) -> dict:
    """A table with a header row, for ``render_letter``'s ``tables`` (after the label/value fields), as
    plain JSON so that the issued row keeps it with the rest of the letter.

    ``widths``: the columns' shares of the text width (normalised; equal when omitted); ``right``: the
    indexes of the columns aligned right (figures). The header repeats on every page the table spans.
    """
    return {
        "header": [str(cell) for cell in header],
        "rows": [[str(cell) for cell in row] for row in rows],
        "widths": [float(w) for w in widths] if widths else None,
        "right": sorted(int(i) for i in right),
    }


def qr_matrix(value: str) -> list[list[bool]]:
    """The QR symbol for ``value`` (level M) as rows of modules, True for dark.

    reportlab's own encoder, the one its ``QrCodeWidget`` uses, so the symbol is the one letters
    always carried.
    """
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(value)
    qr.make()
    return qr.modules


def draw_qr(canvas, value: str, size: float = QR_SIZE) -> None:
    """Draw the QR code for ``value`` with its quiet zone in the square (0, 0)-(size, size).

    All dark modules go into one path, each horizontal run of them as one rectangle, filled once.
    reportlab's widget drew every run as its own shape through renderPDF, which cost most of a
    letter's render time; one fill also leaves no hairline seams between rows in a viewer that
    anti-aliases each fill separately.
    """
    modules = qr_matrix(value)
    box = size / (len(modules) + 2 * QR_QUIET_ZONE)
    path = canvas.beginPath()
    for row_no, row in enumerate(modules):
        # PDF's y axis points up: the first row is at the top.
        y = size - (row_no + QR_QUIET_ZONE + 1) * box
        column = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect((column + QR_QUIET_ZONE) * box, y, length * box, box)
            column += length
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _para(text: str, style: str) -> Paragraph:
    # Paragraph reads a small markup language: the caller's text is data, never markup.
    return Paragraph(escape(text), _STYLES[style])


def _fit(text: str, size: float, width: float, minimum: float = 6) -> float:
    """The largest font size up to ``size`` at which ``text`` fits in ``width``."""
    while size > minimum and pdfmetrics.stringWidth(text, FONT, size) > width:
        size -= 0.5
    return size


def _footer(code: str, verify_url: str):
    lines = [
        _("Verification code: %(code)s") % {"code": code},
        _("Scan the QR code or visit the address below to check this document:"),
        verify_url,
    ]

    def draw(canvas, doc) -> None:
        # The QR code is one form XObject shared by every page, so each page carries the check.
        if not canvas.hasForm(QR_FORM):
            canvas.beginForm(QR_FORM, 0, 0, QR_SIZE, QR_SIZE)
            draw_qr(canvas, verify_url)
            canvas.endForm()
        canvas.saveState()
        width = PAGE_WIDTH - 2 * MARGIN_X
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(0.6)
        canvas.rect(MARGIN_X, FOOTER_Y, width, FOOTER_HEIGHT, stroke=1, fill=0)
        pad = (FOOTER_HEIGHT - QR_SIZE) / 2
        canvas.saveState()
        canvas.translate(MARGIN_X + width - QR_SIZE - pad, FOOTER_Y + pad)
        canvas.doForm(QR_FORM)
        canvas.restoreState()
        text_width = width - QR_SIZE - 4 * pad
        y = FOOTER_Y + FOOTER_HEIGHT - 9 * mm
        for line, size in zip(lines, (12, 9, 9), strict=True):
            size = _fit(line, size, text_width)
            canvas.setFont(FONT, size)
            canvas.drawString(MARGIN_X + 2 * pad, y, line)
            y -= size + 2.5 * mm
        canvas.restoreState()

    return draw


def render_letter(
    *,
    issuer_name: str,
    title: str,
    number: str,
    paragraphs: Sequence[str],
    fields: Sequence[tuple[str, str]] = (),
    tables: Sequence[dict] = (),
    code: str,
    verify_url: str,
    issued_on: datetime.date,
) -> bytes:
    """One letter as PDF bytes. ``code`` is printed as given (pass the display form with dashes)."""
    with translation.override(LETTER_LANGUAGE):
        return _render(
            issuer_name=issuer_name,
            title=title,
            number=number,
            paragraphs=paragraphs,
            fields=fields,
            tables=tables,
            code=code,
            verify_url=verify_url,
            issued_on=issued_on,
        )


def _render(*, issuer_name, title, number, paragraphs, fields, tables, code, verify_url, issued_on) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=FOOTER_Y + FOOTER_HEIGHT + 8 * mm,
        title=title,
        author=issuer_name,
        creator="legalaid-engine",
        lang="zh-CN",
        invariant=1,
    )
    width = PAGE_WIDTH - 2 * MARGIN_X
    story = [
        _para(issuer_name, "letterhead"),
        HRFlowable(width="100%", thickness=1.5, color=LETTERHEAD_RED, spaceBefore=2 * mm, spaceAfter=6 * mm),
        _para(title, "title"),
    ]
    if number:
        story.append(_para(number, "number"))
    story.append(Spacer(1, 6 * mm))
    story.extend(_para(text, "body") for text in paragraphs)
    if fields:
        story += [Spacer(1, 4 * mm), _field_table(fields, width)]
    for spec in tables:
        story += [Spacer(1, 4 * mm), _column_table(spec, width)]
    # The signature and its date stay together on one page, as a seal would.
    story.append(
        KeepTogether(
            [
                Spacer(1, 12 * mm),
                _para(issuer_name, "signature"),
                _para(chinese_date(issued_on), "signature"),
            ]
        )
    )
    footer = _footer(code, verify_url)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _field_table(fields: Sequence[tuple[str, str]], width: float) -> Table:
    label_width = 38 * mm
    table = Table(
        [[_para(label, "cell"), _para(value, "cell")] for label, value in fields],
        colWidths=[label_width, width - label_width],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _column_table(spec: dict, width: float) -> Table:
    """A column table (``column_table``): a shaded header row repeated on each page, thin grid, figures right."""
    header, rows = spec["header"], spec["rows"]
    shares = spec.get("widths") or [1.0] * len(header)
    total = sum(shares)
    right = set(spec.get("right") or ())

    def cells(row: Sequence[str]) -> list[Paragraph]:
        return [_para(text, "grid_right" if i in right else "grid") for i, text in enumerate(row)]

    table = Table(
        [cells(header), *(cells(row) for row in rows)],
        colWidths=[width * share / total for share in shares],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
