"""The rules of peer review (同行评估/案卷评查), as pure functions over plain values: no database here.

- **Points** are whole or half points (``POINT_STEP``): a reviewer may give 17.5 of 20, so a total
  may end in .5, and nothing finer. A total reaches a grade only at or above the band's minimum:
  89.5 is 良好 (good) where 优秀 (excellent) starts at 90 — never rounded up.
- **The scorecard** of a matter category is the rule rows in force that fit it: a row with an empty
  category belongs to every category's scorecard, and a category's own row with the same code
  replaces it there. Its maximums must add up to exactly 100 (``scorecard_problems``).
- **Grade bands** (``DEFAULT_BANDS`` while no row is in force): 优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60,
  不合格 below.
- **The sample** (``sample``) is drawn with ``random.Random(seed)`` from the sorted case ids, so the
  same cases, share or number, mix and seed always give the same files. A share is rounded up (6%
  of 21 files is 2 files, never fewer than the share), a number is capped at the files there are.
  With a mix of matter categories the sample is shared out by the mix (largest remainders), each
  category capped at its files; what a category cannot supply is drawn from the rest.
- **Reviewers** (``choose_reviewers``): a reviewer or director of any center, never a provider, never
  someone with a conflict on the case (who decided it, assigned it, handled or closed it, or filed
  it); among the rest the one with the fewest open reviews (counting those given in this run), then
  one from another center than the case's, then the lowest user id — stable, so a run is
  reproducible too.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from directory.choices import MatterCategory

from .choices import Grade

POINT_STEP = Decimal("0.5")
FULL_MARKS = Decimal("100")
# An item scored below this share of its maximum is "not met": the correction notice names it.
ITEM_PASS_SHARE = Decimal("0.6")


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    max_points: Decimal
    sort_order: int = 0
    matter_category: str = ""  # empty: every category's
    guidance: str = ""  # what the reviewer looks for

    def as_dict(self) -> dict[str, str]:
        """The item as the API shows it."""
        return {"code": self.code, "label": self.label, "max_points": points_text(self.max_points)}

    def snapshot(self) -> dict[str, str]:
        """The item as a review keeps it: the scorecard it is scored on, whatever the rows become."""
        return {**self.as_dict(), "guidance": self.guidance}


@dataclass(frozen=True)
class Band:
    grade: str
    min_points: Decimal


DEFAULT_BANDS: tuple[Band, ...] = (
    Band(Grade.EXCELLENT, Decimal("90")),
    Band(Grade.GOOD, Decimal("75")),
    Band(Grade.PASS, Decimal("60")),
    Band(Grade.FAIL, Decimal("0")),
)


def points_text(value: Decimal | int | None) -> str:
    """Points as the API and the pages show them: "18", "17.5"; "" for none."""
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}"


# --- the scorecard ------------------------------------------------------------------------------


def scorecard_for(rows: Iterable[Item], matter_category: str) -> list[Item]:
    """The items of ``matter_category``'s scorecard from the rows in force: the rows for every category
    and the category's own, the category's row winning for a code; in sort order."""
    chosen: dict[str, Item] = {}
    for row in rows:
        if row.matter_category not in ("", matter_category):
            continue
        current = chosen.get(row.code)
        if current is None or (row.matter_category and not current.matter_category):
            chosen[row.code] = row
    return sorted(chosen.values(), key=lambda item: (item.sort_order, item.code))


def scorecard_problems(items: Sequence[Item]) -> list[str]:
    """What is wrong with a scorecard: none at all, or maximums that do not add up to 100."""
    if not items:
        return [_("No scorecard items are in force.")]
    total = sum((item.max_points for item in items), Decimal(0))
    if total != FULL_MARKS:
        return [_("The items' maximums add up to %(total)s points, not 100.") % {"total": points_text(total)}]
    return []


# --- scores, totals and grades -------------------------------------------------------------------


def parse_points(value: Any) -> Decimal:
    """Points from a JSON number or text ("17.5"); ``ValueError`` for anything else (a bool, a list,
    "abc", infinity, a step finer than half a point)."""
    if isinstance(value, bool) or value is None or not isinstance(value, int | float | str | Decimal):
        raise ValueError("not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not number.is_finite():
        raise ValueError("not finite")
    if number % POINT_STEP != 0:
        raise ValueError("not a half point")
    return number


def validate_scores(scores: Any, items: Sequence[Item]) -> tuple[dict[str, Decimal], list[str]]:
    """The scores parsed, and every problem with them: each item scored, 0 ≤ points ≤ its maximum, in
    whole or half points, and no code that is not on the scorecard. Scores are usable only without
    problems."""
    if not isinstance(scores, Mapping):
        return {}, [_("Give the scores as an object of item codes and points.")]
    problems: list[str] = []
    parsed: dict[str, Decimal] = {}
    known = {item.code for item in items}
    for code in sorted(str(c) for c in scores if str(c) not in known):
        problems.append(_("“%(code)s” is not an item of this scorecard.") % {"code": code[:40]})
    for item in items:
        if item.code not in scores or scores[item.code] in (None, ""):
            problems.append(_("%(item)s: give its points.") % {"item": item.label})
            continue
        try:
            points = parse_points(scores[item.code])
        except ValueError:
            problems.append(
                _("%(item)s: give whole or half points from 0 to %(max)s.")
                % {"item": item.label, "max": points_text(item.max_points)}
            )
            continue
        if points < 0:
            problems.append(_("%(item)s: points cannot be negative.") % {"item": item.label})
        elif points > item.max_points:
            problems.append(
                _("%(item)s: at most %(max)s points.")
                % {"item": item.label, "max": points_text(item.max_points)}
            )
        else:
            parsed[item.code] = points
    return parsed, problems


def total_of(scores: Mapping[str, Decimal], items: Sequence[Item]) -> Decimal:
    """The total of valid scores: exact, in half points."""
    return sum((Decimal(scores[item.code]) for item in items), Decimal(0))


def bands_problems(bands: Sequence[Band]) -> list[str]:
    """Bands need one that starts at 0 (every total gets a grade) and one minimum per grade."""
    problems = []
    if not any(band.min_points == 0 for band in bands):
        problems.append(_("One grade band must start at 0 points."))
    grades = [band.grade for band in bands]
    if len(set(grades)) != len(grades):
        problems.append(_("Each grade has one band."))
    return problems


def grade_for(total: Decimal, bands: Sequence[Band] = DEFAULT_BANDS) -> str:
    """The grade of the highest band whose minimum the total reaches (at or above it); 不合格 below
    every band."""
    for band in sorted(bands, key=lambda b: b.min_points, reverse=True):
        if total >= band.min_points:
            return band.grade
    return Grade.FAIL


def band_texts(bands: Sequence[Band]) -> list[str]:
    """The bands in words, highest first: "优秀: 90 points or more", …, "不合格: below 60 points"."""
    ordered = sorted(bands, key=lambda b: b.min_points, reverse=True)
    texts = []
    for n, band in enumerate(ordered):
        label = Grade(band.grade).label
        if band.min_points == 0 and n > 0:
            texts.append(
                _("%(grade)s: below %(points)s points")
                % {"grade": label, "points": points_text(ordered[n - 1].min_points)}
            )
        else:
            texts.append(
                _("%(grade)s: %(points)s points or more")
                % {"grade": label, "points": points_text(band.min_points)}
            )
    return texts


def items_to_correct(scores: Mapping[str, Decimal], items: Sequence[Item]) -> list[Item]:
    """The items a correction notice names: those scored below 60% of their maximum; if none is (a
    strict set of bands), those that lost points, the worst first."""
    below = [item for item in items if Decimal(scores[item.code]) < item.max_points * ITEM_PASS_SHARE]
    if below:
        return below
    lost = [item for item in items if Decimal(scores[item.code]) < item.max_points]
    return sorted(lost, key=lambda item: (Decimal(scores[item.code]) / item.max_points, item.sort_order))


# --- the sample ---------------------------------------------------------------------------------


def mix_problems(mix: Any) -> list[str]:
    """A mix is ``{matter category: share of the sample}`` with known categories, shares above 0 and
    at most 1, adding up to 1; an empty mix means none."""
    if mix in (None, {}):
        return []
    if not isinstance(mix, Mapping):
        return [_('Give the mix as an object, e.g. {"civil": 0.6, "criminal": 0.4}.')]
    problems = []
    total = Decimal(0)
    for category, share in mix.items():
        if category not in MatterCategory.values:
            problems.append(_("“%(category)s” is not a matter category.") % {"category": str(category)[:40]})
            continue
        try:
            value = _share(share)
        except ValueError:
            problems.append(_("%(category)s: give a share above 0 and at most 1.") % {"category": category})
            continue
        total += value
    if not problems and total != 1:
        problems.append(_("The shares of the mix add up to %(total)s, not 1.") % {"total": total.normalize()})
    return problems


def _share(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("not a share")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("not a share") from exc
    if not number.is_finite() or number <= 0 or number > 1:
        raise ValueError("not a share")
    return number


def sample_size(available: int, *, share: Decimal | None = None, count: int | None = None) -> int:
    """How many files to draw from ``available``: a share rounded up, or the number capped."""
    if (share is None) == (count is None):
        raise ValueError("give exactly one of share and count")
    if count is not None:
        return max(0, min(int(count), available))
    # through text: a float share (0.1) must not carry its binary error into the rounding up
    return min(available, math.ceil(Decimal(str(share)) * available))


def _allocate(size: int, mix: Mapping[str, Decimal], available: Mapping[str, int]) -> dict[str, int]:
    """``size`` shared out by ``mix`` (largest remainders, ties by category), each capped at its files."""
    raw = {category: Decimal(size) * Decimal(str(share)) for category, share in mix.items()}
    quotas = {category: int(value.to_integral_value(rounding=ROUND_FLOOR)) for category, value in raw.items()}
    left = size - sum(quotas.values())
    for category in sorted(raw, key=lambda c: (-(raw[c] - quotas[c]), c))[: max(left, 0)]:
        quotas[category] += 1
    return {category: min(quota, available.get(category, 0)) for category, quota in quotas.items()}


def sample(
    case_ids: Iterable[int],
    *,
    share: Decimal | None = None,
    count: int | None = None,
    seed: int,
    mix: Mapping[str, Any] | None = None,
    categories: Mapping[int, str] | None = None,
) -> list[int]:
    """The case ids drawn, sorted. Reproducible: the same input and seed give the same ids.

    ``categories`` (case id → matter category) is needed with a ``mix``.
    """
    ids = sorted(set(case_ids))
    size = sample_size(len(ids), share=share, count=count)
    # reproducible on purpose: the seed is recorded so that anyone can draw the same files again
    rng = random.Random(seed)  # noqa: S311
    if not mix:
        return sorted(rng.sample(ids, size))
    if categories is None:
        raise ValueError("a mix needs the cases' categories")
    by_category: dict[str, list[int]] = {}
    for case_id in ids:
        by_category.setdefault(categories[case_id], []).append(case_id)
    shares = {category: _share(value) for category, value in mix.items()}
    quotas = _allocate(size, shares, {c: len(v) for c, v in by_category.items()})
    picked: list[int] = []
    for category in sorted(quotas):
        picked.extend(rng.sample(by_category.get(category, []), quotas[category]))
    if len(picked) < size:
        # the mix asked for more of a category than it had: the rest comes from the other files
        chosen = set(picked)
        rest = [case_id for case_id in ids if case_id not in chosen]
        picked.extend(rng.sample(rest, size - len(picked)))
    return sorted(picked)


# --- who reviews --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A reviewer or director of a center: who may be given a file to score."""

    user_id: int
    center_id: int


@dataclass(frozen=True)
class FileToReview:
    case_id: int
    center_id: int
    conflicted: frozenset[int]  # user ids who decided, assigned, handled, closed or filed the case


class NoReviewer(LookupError):
    """Nobody may review this file without a conflict."""

    def __init__(self, case_id: int) -> None:
        super().__init__(case_id)
        self.case_id = case_id


def choose_reviewers(
    files: Sequence[FileToReview],
    candidates: Iterable[Candidate],
    *,
    open_reviews: Mapping[int, int] | None = None,
    providers: Iterable[int] = (),
) -> dict[int, Candidate]:
    """A reviewer for each file (case id → candidate), spread fairly; ``NoReviewer`` when a file has none.

    ``open_reviews`` counts the reviews each user already has waiting; ``providers`` are user ids that
    act as providers anywhere, who never review. A user holding the role at several centers is one
    candidate, at the lowest center id.
    """
    excluded = set(providers)
    pool: dict[int, Candidate] = {}
    for candidate in sorted(candidates, key=lambda c: (c.user_id, c.center_id)):
        if candidate.user_id not in excluded:
            pool.setdefault(candidate.user_id, candidate)
    load = {user_id: (open_reviews or {}).get(user_id, 0) for user_id in pool}
    chosen: dict[int, Candidate] = {}
    for file in sorted(files, key=lambda f: f.case_id):
        eligible = [c for c in pool.values() if c.user_id not in file.conflicted]
        if not eligible:
            raise NoReviewer(file.case_id)
        best = min(eligible, key=lambda c: (load[c.user_id], c.center_id == file.center_id, c.user_id))
        chosen[file.case_id] = best
        load[best.user_id] += 1
    return chosen
