"""The materials checklist (申请材料清单): what an applicant brings or uploads, as a pure function.

No database access here: the caller copies the ``MaterialsChecklistItem`` rows in force for the
region into :class:`Rule` values (``aid_cases.checklist_rules``) and passes the case's special groups,
matter type and means-test path; :func:`materials_for` answers the list of :class:`Item` values.

A row applies when each of its conditions fits (an empty one fits every case): one of its special
groups is held, the matter type is one of its types, the means-test path is its path, and, for a row
about representation, someone applies on the applicant's behalf (Art 40). The path is what the means
test says about the case without its figures (:func:`means_path_of`):

- ``exempt`` (Art 42): no proof of income; the proof of the special group instead;
- ``not_restricted`` (Art 32): no proof of income at all;
- ``means_tested``: the economic hardship is declared — by the integrity pledge where Art 41 allows it
  (个人诚信承诺: the center verifies by information sharing), or with proof of income.

Which item each path asks for is the rows' to say (the demo data seeds Jingdezhen's), not code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .means import Result

__all__ = ["Item", "MaterialCode", "MeansPath", "Rule", "materials_for", "means_path_of"]


class MeansPath(models.TextChoices):
    """How the means test treats a case, before its figures are known: which proof of means it needs."""

    MEANS_TESTED = "means_tested", _("Means-tested")
    EXEMPT = "exempt", _("Exempt from the means test (Art 42)")
    NOT_RESTRICTED = "not_restricted", _("Not restricted by financial hardship (Art 32)")


class MaterialCode(models.TextChoices):
    """The kinds of material (docs/api.md, ``GET /api/v1/materials-checklist/``): stable API codes."""

    IDENTITY = "identity", _("Proof of identity")
    REPRESENTATION_PROOF = "representation_proof", _("Proof of representation (Art 40)")
    MEANS_PROOF = "means_proof", _("Proof of income or hardship")
    PLEDGE = "pledge", _("Integrity pledge (Art 41)")
    GROUP_PROOF = "group_proof", _("Proof of the special group")
    EMPLOYMENT_PROOF = "employment_proof", _("Proof of employment")
    INJURY_PROOF = "injury_proof", _("Proof of the injury")
    MATTER_PROOF = "matter_proof", _("Proof of the matter")
    OTHER = "other", _("Other material")


@dataclass(frozen=True)
class Rule:
    """A plain copy of a ``MaterialsChecklistItem`` row in force. Empty conditions fit every case."""

    code: str
    label: str  # in Chinese, as the bureau words it: the rows are data
    why: str = ""
    required: bool = True
    categories: tuple[str, ...] = ()  # any of these special groups
    matter_types: tuple[str, ...] = ()
    means_path: str = ""  # a MeansPath, or "" for any
    with_representative: bool = False  # only when someone applies on the applicant's behalf (Art 40)
    sort_order: int = 0
    region: str | None = None  # the region's own row (its code), or None: a row for every region

    @property
    def key(self) -> tuple[object, ...]:
        """What makes two rows "the same item": a region's own row replaces the row for every region."""
        return (
            self.code,
            frozenset(self.categories),
            frozenset(self.matter_types),
            self.means_path,
            self.with_representative,
        )


@dataclass(frozen=True)
class Item:
    """One line of the checklist: the API's ``{"code", "label", "required", "why"}``."""

    code: str
    label: str
    required: bool
    why: str

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "label": self.label, "required": self.required, "why": self.why}


def means_path_of(result: str | Result) -> MeansPath:
    """The path of a means-test result (``means.Result``): eligible, not eligible and unknown alike are
    means-tested — the figures decide those, not the materials asked for."""
    result = Result(result)  # ValueError for an unknown result
    if result == Result.EXEMPT:
        return MeansPath.EXEMPT
    if result == Result.NOT_RESTRICTED:
        return MeansPath.NOT_RESTRICTED
    return MeansPath.MEANS_TESTED


def _fits(rule: Rule, cats: frozenset[str], matter_type: str, means_path: str, representative: bool) -> bool:
    return (
        (not rule.categories or not cats.isdisjoint(rule.categories))
        and (not rule.matter_types or matter_type in rule.matter_types)
        and (not rule.means_path or rule.means_path == means_path)
        and (not rule.with_representative or representative)
    )


def materials_for(
    *,
    categories: Iterable[str],
    matter_type: str,
    means_path: str,
    rows: Iterable[Rule],
    representative: bool = False,
) -> list[Item]:
    """The materials of one case, in the rows' order (``sort_order``, then code, then as given).

    ``rows`` are the rows in force for the case's region: its own and those for every region. A
    region's own row replaces the row for every region with the same code and conditions. Rows that fit
    and give the same code and label are one item, required when any of them is (a migrant worker's
    wage claim asks for the same proof of employment as the group and as the matter).
    """
    if isinstance(categories, str):
        raise ValueError("categories must be a collection of codes, not one string")
    if means_path not in MeansPath.values:
        raise ValueError(f"unknown means-test path {means_path!r}")
    cats = frozenset(categories)
    rules = list(rows)
    for rule in rules:
        if not isinstance(rule, Rule):
            raise TypeError("rows must be Rule values")
        if rule.means_path and rule.means_path not in MeansPath.values:
            raise ValueError(f"unknown means-test path {rule.means_path!r} in a row of {rule.code!r}")
    regional = {rule.key for rule in rules if rule.region is not None}
    chosen = [
        rule
        for rule in rules
        if (rule.region is not None or rule.key not in regional)
        and _fits(rule, cats, matter_type, means_path, representative)
    ]
    chosen.sort(key=lambda r: (r.sort_order, r.code))  # stable: rows of the same place keep theirs
    items: dict[tuple[str, str], Item] = {}
    for rule in chosen:
        same = items.get((rule.code, rule.label))
        if same is None:
            items[(rule.code, rule.label)] = Item(rule.code, rule.label, rule.required, rule.why)
        elif rule.required and not same.required:
            items[(rule.code, rule.label)] = Item(same.code, same.label, True, same.why or rule.why)
    return list(items.values())
