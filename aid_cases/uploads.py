"""Upload checks: PDF, JPEG or PNG only — judged by the file's content, not its name — and size-limited."""

from __future__ import annotations

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
            return CheckedUpload(
                original_name=name, content_type=content_type, extension=extension, size=upload.size
            )
    raise ValidationError({"file": [_("Only PDF, JPEG or PNG files are accepted.")]})
