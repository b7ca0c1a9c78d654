"""Issued documents: every letter the engine produces, with a public verification code (docs/architecture.md)."""

from __future__ import annotations

import secrets

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Crockford's base32 without I, L, O and U: no letter is mistaken for a digit when a citizen types
# the code from paper, and no accidental words appear. 12 characters give 60 bits, so guessing a
# valid code is hopeless even before the verify page's throttle.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
CODE_GROUP = 4
# What people misread or mistype, mapped as Crockford's decoding rules say.
_CODE_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_SEPARATORS = str.maketrans("", "", "- \u00a0\u3000\u2010\u2011\u2012\u2013\u2014\uff0d")

code_validator = RegexValidator(
    rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$", _("A verification code has 12 letters and digits.")
)


def new_code() -> str:
    """A fresh random code, stored form (no dashes)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str | None:
    """The stored form of what someone typed or scanned, or None when it cannot be a code.

    Dashes, spaces (including the full-width ones a Chinese input method produces) and case do not
    matter; O, I and L are read as 0, 1 and 1.
    """
    code = (raw or "").translate(_CODE_SEPARATORS).upper().translate(_CODE_LOOKALIKES)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def format_code(code: str) -> str:
    """The display form, in groups of four: ``7KQ2-M9XD-4TRB``."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def _pdf_path(instance: IssuedDocument, filename: str) -> str:
    # Never the caller's file name: the path is built from the code only, so it is unique,
    # unguessable from the case and cannot carry a person's name into the file system.
    issued = timezone.localtime(instance.issued_at)
    return f"documents/{issued:%Y/%m}/{instance.code}.pdf"


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt of application")  # 受理回执
    SUPPLEMENT_NOTICE = "supplement_notice", _("One-time supplement notice")  # 补充材料一次性告知书
    APPROVAL = "approval", _("Decision to grant legal aid")  # 给予法律援助决定书
    # 先行提供法律援助决定书
    PROVISIONAL_NOTICE = "provisional_notice", _("Decision to provide legal aid first")
    REFUSAL = "refusal", _("Decision to refuse legal aid")  # 不予法律援助决定书
    OBJECTION_DECISION = "objection_decision", _("Decision on the objection")  # 异议审查决定书
    ASSIGNMENT_LETTER = "assignment_letter", _("Assignment notice")  # 指派通知书
    TERMINATION = "termination", _("Decision to terminate legal aid")  # 终止法律援助决定书
    WAIVER_LETTER = "waiver_letter", _("Fee waiver letter")  # 法律援助公证/鉴定费用减免函
    # 法律援助申请转交函
    TRANSFER_LETTER = "transfer_letter", _("Letter transferring a legal aid application")
    # 年度检查公益法律服务情况表: a firm's lawyers' annual duty, for the bureau's annual inspection
    DUTY_REPORT = "duty_report", _("Annual inspection report of public-interest legal service")
    DUTY_CERTIFICATE = (
        "duty_certificate",
        _("Certificate of public-interest legal service"),
    )  # 公益法律服务证明
    COMPLAINT_REPLY = "complaint_reply", _("Reply to a complaint")  # 投诉处理答复书
    CORRECTION_NOTICE = "correction_notice", _("Correction notice")  # 整改通知书 (a failed peer review)
    COLLABORATION_LETTER = "collaboration_letter", _("Legal aid collaboration letter")  # 法律援助协作函


class IssuedDocument(models.Model):
    """One issued letter. Rows are written by ``documents.services``: issued, rendered once, perhaps revoked."""

    code = models.CharField(
        _("verification code"),
        max_length=CODE_LENGTH,
        unique=True,
        editable=False,
        validators=[code_validator],
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices, db_index=True)
    # The title may name the applicant, so it is shown only to those who may see the case.
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    issuer = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("issuing organisation"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    # A plain reference rather than a foreign key or generic relation: documents sits below the
    # domain apps (docs/architecture.md) and must not import them.
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    # What the letter prints beyond the columns above: issuer's name as it was, paragraphs, fields,
    # verification address and issue date. The PDF is rendered from the row alone, after the issuing
    # transaction, so a render at any later time (or again) gives the same bytes.
    content = models.JSONField(_("letter content"), default=dict, blank=True, editable=False)
    # Empty until rendered (documents.services.document_render), filled exactly once.
    pdf = models.FileField(_("PDF file"), upload_to=_pdf_path, max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="document_subject_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.display_code}"

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def is_rendered(self) -> bool:
        return bool(self.pdf)
