"""The letter toolkit, checked the way docs/architecture.md says: by extracting the text with pypdf."""

import datetime
import io
import itertools
import shutil
import subprocess

import pypdf
import pytest
from pypdf.generic import ContentStream
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

from documents.pdf import QR_SIZE, chinese_date, render_letter

pytestmark = pytest.mark.django_db

URL = "https://legalaid.example.cn/verify/7KQ2-M9XD-4TRB"
LONG = (
    "申请人因追索劳动报酬与景德镇某陶瓷有限公司发生纠纷，于2026年11月20日向本中心申请法律援助。"
    "经审查，申请人家庭人均月收入低于本市最低生活保障标准的二倍，所涉事项属于《中华人民共和国法律援助法》"
    "第三十一条规定的范围（Art. 31），符合法律援助条件，本中心决定给予法律援助，并将于三日内指派律师承办。"
)
LETTER = {
    "issuer_name": "珠山区法律援助中心",
    "title": "给予法律援助决定书",
    "number": "珠法援决字〔2026〕第15号",
    "paragraphs": ["王小明：", LONG, "特此决定。"],
    "fields": [("受援人", "王小明"), ("案由", "劳动报酬纠纷 <A&B>"), ("承办律师", "待指派")],
    "code": "7KQ2-M9XD-4TRB",
    "verify_url": URL,
    "issued_on": datetime.date(2026, 11, 28),
}


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_letter(**LETTER)


@pytest.fixture(scope="module")
def reader(pdf) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


@pytest.fixture(scope="module")
def text(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_is_an_a4_pdf(pdf, reader):
    assert pdf.startswith(b"%PDF-")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert reader.metadata.title == "给予法律援助决定书"


def test_chinese_text_extracts_exactly(text):
    lines = text.splitlines()
    for expected in [
        "珠山区法律援助中心",
        "给予法律援助决定书",
        "珠法援决字〔2026〕第15号",
        "王小明：",
        "特此决定。",
        "受援人",
        "王小明",
        "劳动报酬纠纷 <A&B>",
        "待指派",
        "2026年11月28日",
        "7KQ2-M9XD-4TRB",
        URL,
    ]:
        assert any(expected in line for line in lines), expected
    # issuer twice: the letterhead and the signature
    assert text.count("珠山区法律援助中心") == 2


def test_long_paragraph_wraps_without_losing_a_character(text):
    assert _squash(LONG) in _squash(text)
    # it really wrapped: no single line holds it
    assert not any(_squash(LONG) in _squash(line) for line in text.splitlines())


def test_no_line_starts_with_closing_punctuation(text):
    # 标点禁则: "，" "。" "）" and the like hang at the end of a line instead
    starts = [line.strip()[:1] for line in text.splitlines() if line.strip()]
    assert not set(starts) & set("，。、；：！？）》”")


def test_date_is_written_the_chinese_way():
    assert chinese_date(datetime.date(2026, 11, 28)) == "2026年11月28日"
    assert chinese_date(datetime.date(2027, 1, 5)) == "2027年1月5日"


def test_same_input_gives_the_same_bytes(pdf):
    assert render_letter(**LETTER) == pdf


def test_markup_in_the_text_is_data():
    letter = LETTER | {"paragraphs": ["<b>不是粗体</b> & <font size=40>x</font>"], "fields": ()}
    text = pypdf.PdfReader(io.BytesIO(render_letter(**letter))).pages[0].extract_text()
    assert "<b>不是粗体</b> & <font size=40>x</font>" in text


def _qr_modules(reader: pypdf.PdfReader, page_no: int = 0) -> set[tuple[int, int]]:
    """The dark modules drawn in the page's QR form XObject, as (row, column)."""
    xobjects = reader.pages[page_no]["/Resources"]["/XObject"]
    forms = [x.get_object() for x in xobjects.values() if x.get_object()["/Subtype"] == "/Form"]
    assert len(forms) == 1
    form = forms[0]
    rects, dark = [], []
    for operands, operator in ContentStream(form, reader).operations:
        if operator == b"re":
            rects.append([float(v) for v in operands])
        elif operator in (b"f", b"f*", b"F", b"B", b"b"):
            dark += rects
            rects = []
        elif operator in (b"n", b"S", b"s"):
            rects = []
    return dark


def _expected_modules(value: str) -> list[list[bool]]:
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(value)
    qr.make()
    return qr.modules


def test_qr_code_encodes_the_verify_url(reader):
    expected = _expected_modules(URL)
    count = len(expected)
    box = QR_SIZE / (count + 8)  # 4 modules of quiet zone on each side
    drawn = set()
    for x, y, w, _h in _qr_modules(reader):
        row = round((QR_SIZE - y) / box) - 4 - 1
        first = round(x / box) - 4
        drawn |= {(row, col) for col in range(first, first + round(w / box))}
    wanted = {(r, c) for r, line in enumerate(expected) for c, dark in enumerate(line) if dark}
    assert drawn == wanted
    other = _expected_modules(URL.replace("4TRB", "4TRC"))
    assert wanted != {(r, c) for r, line in enumerate(other) for c, dark in enumerate(line) if dark}


def test_every_page_carries_the_code_and_qr():
    letter = LETTER | {"paragraphs": [LONG] * 12}
    reader = pypdf.PdfReader(io.BytesIO(render_letter(**letter)))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages):
        assert "7KQ2-M9XD-4TRB" in page.extract_text()
        assert _qr_modules(reader, number)
    # the signature comes once, at the end
    assert "2026年11月28日" in reader.pages[-1].extract_text()


def test_qr_code_is_one_path_filled_once(reader):
    xobjects = reader.pages[0]["/Resources"]["/XObject"]
    form = next(x.get_object() for x in xobjects.values() if x.get_object()["/Subtype"] == "/Form")
    operators = [operator for _operands, operator in ContentStream(form, reader).operations]
    fills = [op for op in operators if op in (b"f", b"f*", b"F", b"B", b"B*", b"b", b"b*")]
    assert len(fills) == 1
    # every dark run is a rectangle of that one path: no state saved and restored per module
    assert operators.count(b"re") == sum(
        sum(1 for dark, _run in itertools.groupby(row) if dark) for row in _expected_modules(URL)
    )
    assert operators.count(b"q") <= 1


def test_qr_code_scans(pdf, tmp_path):
    """A real decoder reads the printed QR code off a 300 dpi raster of the page."""
    zxingcpp = pytest.importorskip("zxingcpp", reason="pip install zxing-cpp to decode the QR code")
    image = pytest.importorskip("PIL.Image")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm missing: apt-get install -y poppler-utils")
    (tmp_path / "letter.pdf").write_bytes(pdf)
    subprocess.run(
        [
            pdftoppm,
            "-r",
            "300",
            "-f",
            "1",
            "-l",
            "1",
            "-gray",
            "-png",
            "-singlefile",
            str(tmp_path / "letter.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    with image.open(tmp_path / "page.png") as page:
        found = zxingcpp.read_barcodes(page)
    assert [(code.format, code.text) for code in found] == [(zxingcpp.BarcodeFormat.QRCode, URL)]
