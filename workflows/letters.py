"""The letters of an aid application (DESIGN §8.3), built from the case and issued as documents.

Here, not in documents/ or aid_cases/: documents knows nothing of applications and aid_cases
nothing of PDFs; the workflow layer that issues a letter at a step knows both.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from aid_cases.models import Application
from documents.models import DocumentKind, IssuedDocument
from documents.pdf import chinese_date
from documents.services import document_issue

LETTER_LANGUAGE = "zh-hans"


def base_url_for(request=None) -> str:
    if settings.SITE_BASE_URL:
        return settings.SITE_BASE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return "http://127.0.0.1:8000"


def _issue(*, acting_user, application: Application, kind: str, title: str, paragraphs, fields,
           base_url: str) -> IssuedDocument:
    return document_issue(
        acting_user=acting_user, kind=kind, issuer=application.center,
        subject_type=Application._meta.label_lower, subject_id=str(application.pk),
        title=title, number=application.tracking_no, paragraphs=paragraphs, fields=fields, base_url=base_url,
    )


def receipt_issue(*, acting_user, application: Application, base_url: str) -> IssuedDocument:
    """受理回执: issued at once on filing, with the tracking number and the decision due date."""
    with translation.override(LETTER_LANGUAGE):
        due = chinese_date(application.decision_due) if application.decision_due else "—"
        paragraphs = [
            _("%(name)s: your application for legal aid was received on %(date)s.") % {
                "name": application.applicant.name, "date": chinese_date(application.received_on)},
            _("The center will decide whether to grant legal aid by %(due)s. The time you take to supplement "
              "materials, if asked, does not count.") % {"due": due},
            _("You can follow the progress online with the tracking number and the last four characters of "
              "your ID number."),
        ]
        fields = [
            (_("Applicant"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
            (_("Matter"), str(application.get_matter_type_display())),
            (_("Channel"), str(application.get_channel_display())),
            (_("Received on"), chinese_date(application.received_on)),
            (_("Decision due"), due),
        ]
        title = _("Receipt of legal aid application")
    return _issue(acting_user=acting_user, application=application, kind=DocumentKind.RECEIPT, title=title,
                  paragraphs=paragraphs, fields=fields, base_url=base_url)
