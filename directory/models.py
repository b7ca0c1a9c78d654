"""The directory of legal service organisations, providers and memberships (docs/domain.md, docs/architecture.md)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import audit_action_choices
from .choices import (
    AGENCY_KINDS,
    INSTITUTION_KINDS,
    ROLE_ORGANISATION_KINDS,
    MatterType,
    OrganisationKind,
    ProviderKind,
    RegionLevel,
    Role,
)
from .validators import (
    validate_credit_code,
    validate_lawyer_licence,
    validate_mobile,
    validate_other_licence,
    validate_phone,
    validate_resident_id,
)


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The administrative division code (行政区划代码), for exchanges with provincial systems.
    division_code = models.CharField(_("division code"), max_length=6, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def self_and_descendant_ids(self) -> list[int]:
        """This region and the regions under it (two levels: city and county)."""
        return [self.pk, *Region.objects.filter(parent=self).values_list("pk", flat=True)]


class Organisation(models.Model):
    """Every kind of organisation in one table; the kind decides what it does.

    One concrete model keeps memberships, object permissions (docs/architecture.md, viewflow) and the API's
    ``organisation`` object simple; the per-kind proxies below give the admin its sections.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations"
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("Required for law firms."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("public telephone"), max_length=20, blank=True, validators=[validate_phone])
    # A center may assign providers of other regions (the city's opinions: resources flow across regions).
    allows_cross_region = models.BooleanField(_("allows cross-region assignment"), default=True)
    # The city center may be set to see (and review) the cases of the county-level centers under it.
    sees_subregion_cases = models.BooleanField(
        _("sees the cases of the regions under it"),
        default=False,
        help_text=_(
            "For a city-level aid center: its staff also see the applications of the county-level "
            "centers of its city."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__sort_order", "kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_kind_name"),
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="organisation_unique_credit_code"
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.LAW_FIRM) | ~Q(credit_code=""),
                name="law_firm_has_credit_code",
            ),
        ]
        permissions = [
            # object-scoped (granted per organisation through its members' group, never globally)
            ("view_organisation_internal", _("Can see the organisation's members and internal record")),
            ("review_applications", _("Can review the aid center's applications")),
            ("decide_objections", _("Can decide objections against the region's aid decisions")),
            ("answer_fee_waivers", _("Can answer the fee waivers addressed to the institution")),
            ("handle_complaints", _("Can accept and decide complaints (Order No. 149)")),
            ("answer_feedback", _("Can give the agency's view on a legal aid case")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.kind == OrganisationKind.LAW_FIRM and not self.credit_code:
            raise ValidationError({"credit_code": _("A law firm needs its unified social credit code.")})

    @property
    def is_agency(self) -> bool:
        return self.kind in AGENCY_KINDS

    @property
    def is_institution(self) -> bool:
        return self.kind in INSTITUTION_KINDS

    @property
    def members_group_name(self) -> str:
        return f"org:{self.pk}:members"

    def role_group_name(self, role: str) -> str:
        return f"org:{self.pk}:{role}"


class _KindManager(models.Manager):
    kinds: tuple[str, ...] = ()

    def get_queryset(self):
        return super().get_queryset().filter(kind__in=self.kinds)


def _kind_manager(*kinds: str) -> _KindManager:
    return type("KindManager", (_KindManager,), {"kinds": tuple(kinds)})()


class AidCenter(Organisation):
    objects = _kind_manager(OrganisationKind.AID_CENTER)

    class Meta:
        proxy = True
        verbose_name = _("legal aid center")
        verbose_name_plural = _("legal aid centers")


class JudicialBureau(Organisation):
    objects = _kind_manager(OrganisationKind.BUREAU)

    class Meta:
        proxy = True
        verbose_name = _("judicial bureau")
        verbose_name_plural = _("judicial bureaus")


class LawFirm(Organisation):
    objects = _kind_manager(OrganisationKind.LAW_FIRM)

    class Meta:
        proxy = True
        verbose_name = _("law firm")
        verbose_name_plural = _("law firms")


class GrassrootsOffice(Organisation):
    objects = _kind_manager(OrganisationKind.GRASSROOTS_OFFICE)

    class Meta:
        proxy = True
        verbose_name = _("grassroots legal service office")
        verbose_name_plural = _("grassroots legal service offices")


class Institution(Organisation):
    """Notary offices and forensic appraisal institutions."""

    objects = _kind_manager(*INSTITUTION_KINDS)

    class Meta:
        proxy = True
        verbose_name = _("notary office or forensic institution")
        verbose_name_plural = _("notary offices and forensic institutions")


class Agency(Organisation):
    """Police, procuratorates, courts and detention centers (办案机关)."""

    objects = _kind_manager(*AGENCY_KINDS)

    class Meta:
        proxy = True
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")


class Provider(models.Model):
    """A person who handles aid matters: lawyer, grassroots worker, center staff or volunteer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="provider",
    )
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=ProviderKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="providers",
        help_text=_("The law firm, grassroots legal service office or aid center the provider works at."),
    )
    licence_no = models.CharField(_("licence number"), max_length=30, blank=True)
    practice_start = models.DateField(_("practice start date"), null=True, blank=True)
    minors_experienced = models.BooleanField(_("experienced with minors"), default=False)
    regions_served = models.ManyToManyField(
        Region, verbose_name=_("regions served"), related_name="providers", blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        constraints = [
            models.UniqueConstraint(
                fields=["licence_no"], condition=~Q(licence_no=""), name="provider_unique_licence_no"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    _KIND_ORGANISATIONS = {
        ProviderKind.LAWYER: (OrganisationKind.LAW_FIRM,),
        ProviderKind.GRASSROOTS: (OrganisationKind.GRASSROOTS_OFFICE,),
        ProviderKind.STAFF: (OrganisationKind.AID_CENTER,),
        ProviderKind.VOLUNTEER: (
            OrganisationKind.AID_CENTER,
            OrganisationKind.GRASSROOTS_OFFICE,
            OrganisationKind.LAW_FIRM,
        ),
    }

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if self.kind in (ProviderKind.LAWYER, ProviderKind.GRASSROOTS):
            if not self.licence_no:
                errors.setdefault("licence_no", []).append(
                    _("Lawyers and grassroots workers need a licence number.")
                )
            if not self.practice_start:
                errors.setdefault("practice_start", []).append(
                    _("Enter the date the provider began to practise.")
                )
        if self.licence_no:
            validator = (
                validate_lawyer_licence if self.kind == ProviderKind.LAWYER else validate_other_licence
            )
            try:
                validator(self.licence_no)
            except ValidationError as exc:
                errors.setdefault("licence_no", []).extend(exc.messages)
        if self.practice_start and self.practice_start > timezone.localdate():
            errors.setdefault("practice_start", []).append(
                _("The practice start date cannot be in the future.")
            )
        allowed = self._KIND_ORGANISATIONS.get(self.kind, ())
        if self.organisation_id and self.kind and self.organisation.kind not in allowed:
            errors.setdefault("organisation", []).append(
                _("This kind of provider cannot work at this kind of organisation.")
            )
        if errors:
            raise ValidationError(errors)

    def practice_years_on(self, day: datetime.date) -> int:
        """Whole years of practice completed on ``day`` (0 before the start date)."""
        if not self.practice_start:
            return 0
        return practice_years(self.practice_start, day)

    @property
    def practice_years(self) -> int:
        return self.practice_years_on(timezone.localdate())

    @property
    def specialty_codes(self) -> list[str]:
        return [s.matter_type for s in self.specialties.all()]


def practice_years(start: datetime.date, day: datetime.date) -> int:
    """Completed years between ``start`` and ``day``; a 29 February start completes on 1 March."""
    if day < start:
        return 0
    years = day.year - start.year
    if (day.month, day.day) < (start.month, start.day):
        years -= 1
    return years


class ProviderSpecialty(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="specialties")
    matter_type = models.CharField(_("matter type"), max_length=32, choices=MatterType.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        constraints = [
            models.UniqueConstraint(fields=["provider", "matter_type"], name="provider_specialty_unique"),
        ]
        indexes = [models.Index(fields=["matter_type", "provider"])]

    def __str__(self) -> str:
        return str(self.get_matter_type_display())


class Membership(models.Model):
    """A user's role at an organisation (docs/domain.md, who does what)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        super().clean()
        allowed = ROLE_ORGANISATION_KINDS.get(self.role, ())
        if self.organisation_id and self.role and self.organisation.kind not in allowed:
            raise ValidationError({"role": _("This role cannot be held at this kind of organisation.")})


class AuditEvent(models.Model):
    """Who changed what, when, from which state to which (Zulip style: same transaction)."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, choices=audit_action_choices)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    old = models.JSONField(_("old value"), null=True, blank=True)
    new = models.JSONField(_("new value"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class Citizen(models.Model):
    """A citizen's own account (自行注册), with the resident ID number it was registered with.

    One account per ID number and per mobile phone; the phone is also the account's username.
    The unique constraints, not a check before saving, keep two simultaneous registrations from
    both succeeding. The ID number is what links the account to every application whose applicant
    or representative the citizen is, whoever recorded it (docs/api.md).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.CASCADE,
        related_name="citizen",
    )
    id_number = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[validate_resident_id]
    )
    phone = models.CharField(_("mobile phone"), max_length=11, unique=True, validators=[validate_mobile])
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        ordering = ["-registered_at", "-pk"]
        verbose_name = _("registered citizen")
        verbose_name_plural = _("registered citizens")

    def __str__(self) -> str:
        return self.phone
