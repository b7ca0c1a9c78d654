"""The public verify page: kind, date, issuer and validity only; throttled guessing."""

import pytest
from django.test import Client
from django.utils import timezone, translation

from documents import services, views
from documents.models import DocumentKind

pytestmark = pytest.mark.django_db


def _kind_label(kind) -> str:
    # whatever the zh_Hans catalogue says today (English until the integrator translates it)
    with translation.override("zh-hans"):
        return str(DocumentKind(kind).label)


def test_anonymous_visitor_sees_kind_date_issuer_and_validity(issue):
    doc = issue()
    response = Client().get(f"/verify/{doc.display_code.lower()}")
    assert response.status_code == 200
    html = response.content.decode()
    assert doc.display_code in html
    assert "珠山区法律援助中心" in html
    assert _kind_label(DocumentKind.APPROVAL) in html
    issued = timezone.localdate(doc.issued_at)
    assert f"{issued.year}年{issued.month}月{issued.day}日" in html  # Django's zh_Hans DATE_FORMAT
    assert 'data-status="valid"' in html and 'data-status="revoked"' not in html


def test_no_title_and_no_personal_data(issue):
    doc = issue()
    html = Client().get(f"/verify/{doc.code}").content.decode()
    assert doc.title not in html
    assert "王小明" not in html  # in the title, the paragraphs and the fields
    assert doc.number not in html
    assert "aid_cases" not in html and doc.sha256 not in html and doc.pdf.name not in html


@pytest.mark.parametrize("form", ["display", "stored", "slash", "spaced"])
def test_every_typed_form_of_the_code_is_accepted(issue, form):
    doc = issue()
    path = {
        "display": f"/verify/{doc.display_code}",
        "stored": f"/verify/{doc.code.lower()}",
        "slash": f"/verify/{doc.display_code}/",
        "spaced": f"/verify/?code={doc.display_code.replace('-', ' ').lower()}",
    }[form]
    response = Client().get(path)
    assert response.status_code == 200
    assert doc.display_code in response.content.decode()


def test_the_printed_url_is_the_verify_page(issue):
    doc = issue()
    url = services.verify_url(base_url="https://legalaid.example.cn/", code=doc.code)
    assert url == f"https://legalaid.example.cn/verify/{doc.display_code}"
    assert Client().get(url.removeprefix("https://legalaid.example.cn")).status_code == 200


def test_unknown_code_is_404_with_a_message():
    response = Client().get("/verify/0000-0000-0000")
    assert response.status_code == 404
    assert 'data-status="not-found"' in response.content.decode()
    assert Client().get("/verify/nonsense").status_code == 404


def test_revoked_document_says_so(issue, clerk):
    doc = issue()
    services.document_revoke(acting_user=clerk, document=doc, reason="送达对象有误")
    response = Client().get(f"/verify/{doc.display_code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="revoked"' in html and 'data-status="valid"' not in html
    assert "送达对象有误" not in html  # the reason may name people


def test_the_answer_is_never_cached(issue):
    response = Client().get(f"/verify/{issue().code}")
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_form_page():
    response = Client().get("/verify/")
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    assert Client().get("/verify/?code=").status_code == 400


def test_only_get():
    assert Client().post("/verify/0000-0000-0000").status_code == 405


def test_the_21st_miss_from_one_address_is_refused(issue):
    doc = issue()
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(views.MISS_LIMIT):
        assert guesser.get(f"/verify/0000-0000-{n:04d}").status_code == 404
    response = guesser.get("/verify/0000-0000-9999")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert 'data-status="throttled"' in response.content.decode()
    # a blocked guesser learns nothing more, not even from a real code
    assert guesser.get(f"/verify/{doc.code}").status_code == 429
    assert guesser.get(f"/verify/?code={doc.code}").status_code == 429
    # everyone else is unaffected
    assert Client(REMOTE_ADDR="198.51.100.2").get(f"/verify/{doc.code}").status_code == 200


def test_hits_do_not_count_towards_the_limit(issue):
    doc = issue()
    citizen = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(views.MISS_LIMIT + 5):
        assert citizen.get(f"/verify/{doc.display_code}").status_code == 200


def test_the_window_is_one_hour(monkeypatch):
    calls = []
    monkeypatch.setattr(views.cache, "add", lambda key, value, timeout: calls.append(timeout) or True)
    Client(REMOTE_ADDR="203.0.113.9").get("/verify/0000-0000-0000")
    assert calls == [60 * 60]
