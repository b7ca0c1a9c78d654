from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from .choices import AGENCY_KINDS, INSTITUTION_KINDS, OrganisationKind
from .models import (
    Agency,
    AidCenter,
    AuditEvent,
    Citizen,
    GrassrootsOffice,
    Institution,
    JudicialBureau,
    LawFirm,
    Membership,
    Organisation,
    Provider,
    ProviderSpecialty,
    Region,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services, which audit them: shown, never edited here (the admins of
    every app's records use it)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "division_code"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class OrganisationAdmin(GuardedModelAdmin):
    list_display = ["name", "kind", "region", "credit_code", "active"]
    list_filter = ["kind", "region", "active"]
    search_fields = ["name", "credit_code", "address"]
    inlines = [MembershipInline]
    kinds: tuple[str, ...] = ()

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("region")
        return qs.filter(kind__in=self.kinds) if self.kinds else qs

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind" and self.kinds:
            kwargs["choices"] = [c for c in OrganisationKind.choices if c[0] in self.kinds]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


admin.site.register(Organisation, OrganisationAdmin)


def _register_kind(proxy, kinds, list_display=None):
    attrs = {"kinds": tuple(kinds)}
    if list_display:
        attrs["list_display"] = list_display
    admin.site.register(proxy, type(f"{proxy.__name__}Admin", (OrganisationAdmin,), attrs))


_register_kind(AidCenter, [OrganisationKind.AID_CENTER], ["name", "region", "allows_cross_region", "active"])
_register_kind(JudicialBureau, [OrganisationKind.BUREAU])
_register_kind(LawFirm, [OrganisationKind.LAW_FIRM])
_register_kind(GrassrootsOffice, [OrganisationKind.GRASSROOTS_OFFICE])
_register_kind(Institution, INSTITUTION_KINDS)
_register_kind(Agency, AGENCY_KINDS)


class SpecialtyInline(admin.TabularInline):
    model = ProviderSpecialty
    extra = 1


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "organisation",
        "licence_no",
        "practice_start",
        "minors_experienced",
        "active",
    ]
    list_filter = ["kind", "active", "minors_experienced", "regions_served", "organisation__region"]
    search_fields = ["name", "licence_no", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    filter_horizontal = ["regions_served"]
    inlines = [SpecialtyInline]
    list_select_related = ["organisation"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "active", "created_at"]
    list_filter = ["role", "active", "organisation__kind"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__username"]
    date_hierarchy = "at"

    # The audit trail is evidence: nobody edits or deletes it, not even an administrator.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Jingdezhen Legal Aid administration")
admin.site.site_title = _("Jingdezhen Legal Aid")


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    """Registered citizens: an administrator can look one up or correct a record, never see a password."""

    list_display = ["phone", "user", "registered_at"]
    search_fields = ["phone", "id_number", "user__last_name"]
    readonly_fields = ["registered_at"]
    raw_id_fields = ["user"]
