"""The materials checklist's glue: the rows in force and the means-test path, handed to the pure function.

``checklist.materials_for`` decides from plain values; this module reads the ``MaterialsChecklistItem``
rows in force for a region (one query, cached with the other rule rows by ``core.refdata``) and
derives the means-test path of a case that has no household figures yet (the form being filled, the
public API) from the means rules in force: ``means.means_test`` itself decides, with no figures, so
Art 32 and Art 42 have one home. A filed application has its own recorded result, household included.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.refdata import refdata
from directory.choices import MatterType, category_for_matter_type
from directory.models import Region
from directory.selectors import region_for_input

from . import checklist, means, means_rules, rules
from .choices import Channel
from .models import Application, LocalApplicantCategory, LocalMatterType, MaterialsChecklistItem


def rules_in_force(region: Region | None, day: datetime.date) -> tuple[checklist.Rule, ...]:
    """The rows in force on ``day`` for ``region`` (its own and those for every region); with no
    region, those for every region. One query, cached (``core.refdata``)."""

    regions = Q(region__isnull=True) if region is None else Q(region__isnull=True) | Q(region=region)

    def load() -> tuple[checklist.Rule, ...]:
        rows = (
            MaterialsChecklistItem.objects.filter(regions, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("sort_order", "code", "pk")
            .values_list(
                "code",
                "label",
                "why",
                "required",
                "categories",
                "matter_types",
                "means_path",
                "with_representative",
                "sort_order",
                "region__code",
            )
        )
        return tuple(
            checklist.Rule(
                code=code,
                label=label,
                why=why,
                required=required,
                categories=tuple(categories or ()),
                matter_types=tuple(matter_types or ()),
                means_path=means_path,
                with_representative=with_representative,
                sort_order=sort_order,
                region=region_code,
            )
            for (
                code,
                label,
                why,
                required,
                categories,
                matter_types,
                means_path,
                with_representative,
                sort_order,
                region_code,
            ) in rows
        )

    return refdata(f"checklist:{region.pk if region is not None else '-'}:{day}", load)


def _local(
    categories: Iterable[str], matter_type: str, day: datetime.date
) -> tuple[tuple[means.LocalGroup, ...], tuple[means.LocalMatter, ...]]:
    # read only when a code is not statutory: most cases never need them
    groups = rules.local_groups(day) if set(categories) - set(means.APPLICANT_CATEGORIES) else ()
    matters = rules.local_matters(day) if matter_type not in MatterType.values else ()
    return groups, matters


def _problems(
    categories: list[str], matter_type: str, defence_reason: str, day: datetime.date
) -> dict[str, list[str]]:
    """Codes that no filing on ``day`` could carry, keyed by the query's fields."""
    groups, matters = _local(categories, matter_type, day)
    errors: dict[str, list[str]] = {}
    unknown = [
        c for c in categories if c not in means.APPLICANT_CATEGORIES and c not in {g.code for g in groups}
    ]
    if unknown:
        label = LocalApplicantCategory.labels().get(unknown[0]) if means.is_local_code(unknown[0]) else None
        errors["categories"] = [
            _(
                "The special group “%(group)s” does not apply on %(day)s: the local rule that adds it "
                "is not in force that day."
            )
            % {"group": label, "day": day.isoformat()}
            if label
            else _("Unknown special group “%(code)s”.") % {"code": unknown[0]}
        ]
    if not matter_type:
        errors["matter_type"] = [_("This field is required.")]
    elif matter_type not in MatterType.values and matter_type not in {m.code for m in matters}:
        label = LocalMatterType.labels().get(matter_type) if means.is_local_code(matter_type) else None
        errors["matter_type"] = [
            _(
                "The matter type “%(matter)s” does not apply on %(day)s: the local rule that adds it "
                "is not in force that day."
            )
            % {"matter": label, "day": day.isoformat()}
            if label
            else _("Unknown matter type “%(code)s”.") % {"code": matter_type}
        ]
    if defence_reason and defence_reason not in means.DefenceReason.values:
        errors["defence_reason"] = [_("Unknown reason “%(code)s”.") % {"code": defence_reason}]
    return errors


def means_path_for(
    *,
    categories: list[str],
    matter_type: str,
    day: datetime.date,
    fixed_income: bool | None = None,
    defence_reason: str = "",
) -> checklist.MeansPath:
    """What the means test in force on ``day`` says of the case before its figures: not restricted
    (Art 32, or a defence sought for another reason, Art 24), exempt (Art 42: a condition on the fixed
    income counts only when ``fixed_income`` is answered), or means-tested. Codes already checked."""
    groups, matters = _local(categories, matter_type, day)
    local_matter = next((m for m in matters if m.code == matter_type), None)
    # the means test asks for a kind of matter only to check it: the kind the type belongs to (codes
    # are checked already, so a statutory type always has one)
    matter_category = (
        local_matter.matter_category if local_matter is not None else category_for_matter_type(matter_type)
    ) or ""
    result = means.means_test(
        categories=categories,
        matter_category=matter_category,
        matter_type=matter_type,
        household=means.Household(size=None, monthly_income=None, fixed_income=fixed_income),
        standard=None,
        on=day,
        defence_reason=(defence_reason or None) if matter_type == MatterType.CRIMINAL_DEFENCE else None,
        not_restricted_matters=means_rules.not_restricted_matters(day),
        exemptions=means_rules.exemptions(day),
        local_groups=groups,
        local_matters=matters,
    )
    return checklist.means_path_of(result.result)


def checklist_for(
    *,
    categories: Iterable[str],
    matter_type: str,
    region: Region | str | None = None,
    day: datetime.date | None = None,
    fixed_income: bool | None = None,
    defence_reason: str = "",
    representative: bool = False,
) -> list[checklist.Item]:
    """The materials for a case not filed yet (the form, the public API), from the rows in force on
    ``day`` (today). ``region`` is a region or its code; none: the rows for every region. Unknown codes
    raise ``ValidationError`` keyed ``categories``, ``matter_type``, ``region`` or ``defence_reason``."""
    day = day or timezone.localdate()
    cats = [str(c) for c in dict.fromkeys(categories)]  # once each, in the order given
    errors = _problems(cats, matter_type, defence_reason, day)
    if isinstance(region, str) and region:
        try:
            region = region_for_input(region)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    path = means_path_for(
        categories=cats,
        matter_type=matter_type,
        day=day,
        fixed_income=fixed_income,
        defence_reason=defence_reason,
    )
    return checklist.materials_for(
        categories=cats,
        matter_type=matter_type,
        means_path=path,
        rows=rules_in_force(region if isinstance(region, Region) else None, day),
        representative=representative,
    )


def application_checklist(application: Application) -> list[checklist.Item]:
    """The materials of a filed application, from the rows in force on the day it was received and the
    means-test result it recorded (its household included). None for a notified defence or a
    procuratorate's filing: no applicant brings materials to those."""
    if application.channel in (Channel.NOTIFICATION, Channel.PUBLIC_INTEREST):
        return []
    return checklist.materials_for(
        categories=list(application.categories),
        matter_type=application.matter_type,
        means_path=checklist.means_path_of(application.means_result),
        rows=rules_in_force(application.region, application.received_on),
        representative=bool(application.representative_name),
    )


__all__ = ["application_checklist", "checklist_for", "means_path_for", "rules_in_force"]
