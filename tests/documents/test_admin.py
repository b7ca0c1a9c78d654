import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/documents/issueddocument/"


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_changelist_renders_for_a_superuser(admin_client, issue):
    doc = issue()
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert doc.display_code in response.content.decode()
    for query in (
        "?kind__exact=approval",
        f"?issuer__id__exact={doc.issuer_id}",
        f"?q={doc.display_code.lower()}",
    ):
        response = admin_client.get(CHANGELIST + query)
        assert response.status_code == 200
        assert doc.display_code in response.content.decode()


def test_documents_are_read_only(admin_client, issue):
    doc = issue()
    detail = f"{CHANGELIST}{doc.pk}/change/"
    response = admin_client.get(detail)
    assert response.status_code == 200
    assert doc.sha256 in response.content.decode()
    assert admin_client.post(detail, {"title": "x"}).status_code == 403
    assert admin_client.get(CHANGELIST + "add/").status_code == 403
    assert admin_client.get(f"{CHANGELIST}{doc.pk}/delete/").status_code == 403
    doc.refresh_from_db()
    assert doc.title != "x"
