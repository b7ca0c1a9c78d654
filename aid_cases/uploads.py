"""Upload checks: PDF, JPEG or PNG only — judged by the file's content, not its name — and size-limited."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The first bytes of each accepted type; the name and the browser's Content-Type can lie.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "AID_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    content_type: str
    extension: str
    size: int


def checked_upload(upload) -> CheckedUpload:
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            {"file": [_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}]}
        )
    if upload.size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            name = (upload.name or "")[-200:]
            if not _declared_as(upload, name, content_type, extension) or _contains_markup(upload):
                raise ValidationError(
                    {
                        "file": [
                            _(
                                "The file's content does not match its type. Upload a plain PDF, JPEG or PNG file."
                            )
                        ]
                    }
                )
            return CheckedUpload(
                original_name=name, content_type=content_type, extension=extension, size=upload.size
            )
    raise ValidationError({"file": [_("Only PDF, JPEG or PNG files are accepted.")]})


# What a sender may declare for each detected type: the type itself, or nothing in particular.
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
_EXTENSIONS = {"pdf": {"pdf"}, "jpg": {"jpg", "jpeg", "jpe"}, "png": {"png"}}

# Markup that a browser or a viewer would run: a file that is both a PDF (or an image) and an HTML
# page (a polyglot) is refused whatever it claims to be.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta)\b", re.IGNORECASE
)
_CHUNK = 1024 * 1024


def _declared_as(upload, name: str, content_type: str, extension: str) -> bool:
    """The browser's declared type and the file name's extension, when given, agree with the content."""
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared not in _GENERIC_TYPES and declared != content_type:
        return False
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return not suffix or suffix in _EXTENSIONS[extension]


def _contains_markup(upload) -> bool:
    """Whether HTML or script markup appears anywhere in the file (read in overlapping chunks)."""
    upload.seek(0)
    tail = b""
    try:
        while chunk := upload.read(_CHUNK):
            if _MARKUP.search(tail + chunk):
                return True
            tail = chunk[-32:]
        return False
    finally:
        upload.seek(0)
