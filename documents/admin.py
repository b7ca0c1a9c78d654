from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import IssuedDocument, normalise_code


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are issued and revoked only through ``documents.services``, which audit."""

    list_display = [
        "display_code",
        "kind",
        "number",
        "issuer",
        "issued_at",
        "subject_type",
        "subject_id",
        "valid",
    ]
    list_filter = ["kind", "issuer", "issued_at"]
    date_hierarchy = "issued_at"
    search_fields = ["code", "number", "subject_id"]
    list_select_related = ["issuer"]
    # The PDF is shown by name only: uploaded files are not served from MEDIA_URL (config/urls.py).
    # Name, SHA-256 and render time stay empty until the letter is rendered, just after its issue.
    fields = [
        "display_code",
        "kind",
        "title",
        "number",
        "issued_at",
        "issuer",
        "subject_type",
        "subject_id",
        "pdf_name",
        "sha256",
        "rendered_at",
        "revoked_at",
        "revocation_reason",
    ]
    readonly_fields = fields

    @admin.display(description=_("verification code"), ordering="code")
    def display_code(self, obj: IssuedDocument) -> str:
        return obj.display_code

    @admin.display(description=_("PDF file"))
    def pdf_name(self, obj: IssuedDocument) -> str:
        return obj.pdf.name

    @admin.display(description=_("valid"), boolean=True)
    def valid(self, obj: IssuedDocument) -> bool:
        return obj.is_valid

    def get_search_results(self, request, queryset, search_term):
        # A code as printed (with dashes, any case) finds its document.
        code = normalise_code(search_term)
        if code is not None and (found := queryset.filter(code=code)).exists():
            return found, False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
