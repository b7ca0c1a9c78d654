"""The pure rules of peer review (quality.scorecard), at their boundaries: totals in half points, the
grade bands (89.5 vs 90, 74.5/75, 59.5/60), the scorecard of a category from its rule rows, the
validation of scores, the reproducible sample and the choice of reviewers without conflicts."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quality.scorecard import (
    DEFAULT_BANDS,
    Band,
    Candidate,
    FileToReview,
    Item,
    NoReviewer,
    band_texts,
    bands_problems,
    choose_reviewers,
    grade_for,
    items_to_correct,
    mix_problems,
    parse_points,
    sample,
    sample_size,
    scorecard_for,
    scorecard_problems,
    total_of,
    validate_scores,
)

D = Decimal

ITEMS = [
    Item("intake", "接待与受理", D(10), 1),
    Item("evidence", "证据收集", D(20), 2),
    Item("documents", "法律文书质量", D(25), 3),
    Item("hearing", "庭审表现", D(20), 4),
    Item("closing", "结案材料完整", D(15), 5),
    Item("contact", "与受援人沟通", D(10), 6),
]


# --- grades at the band boundaries -------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "excellent"),
        ("90", "excellent"),
        ("89.5", "good"),
        ("75", "good"),
        ("74.5", "pass"),
        ("60", "pass"),
        ("59.5", "fail"),
        ("0", "fail"),
    ],
)
def test_default_bands_at_each_boundary(total, grade):
    assert grade_for(D(total), DEFAULT_BANDS) == grade


def test_bands_from_rule_rows_replace_the_defaults():
    strict = [Band("excellent", D("95")), Band("good", D("85")), Band("pass", D("70")), Band("fail", D("0"))]
    assert grade_for(D("94.5"), strict) == "good"
    assert grade_for(D("95"), strict) == "excellent"
    assert grade_for(D("69.5"), strict) == "fail"
    # the order the rows come in does not matter
    assert grade_for(D("85"), list(reversed(strict))) == "good"


def test_bands_need_a_floor_and_one_band_per_grade():
    assert bands_problems(DEFAULT_BANDS) == []
    assert bands_problems([Band("excellent", D(90)), Band("pass", D(60))])
    assert bands_problems([Band("pass", D(60)), Band("pass", D(0))])


def test_band_texts_name_the_floor_as_below_the_lowest_minimum():
    texts = band_texts(DEFAULT_BANDS)
    assert len(texts) == 4
    assert "90" in texts[0] and "60" in texts[3]


# --- totals from scores -----------------------------------------------------------------------


def scores_summing_to(total: str) -> dict[str, str]:
    """Scores for ITEMS whose total is ``total``: full marks minus what is lost, taken from the
    largest items first."""
    lost = D(100) - D(total)
    scores = {}
    for item in sorted(ITEMS, key=lambda i: -i.max_points):
        take = min(lost, item.max_points)
        scores[item.code] = str(item.max_points - take)
        lost -= take
    return scores


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("90", "excellent"),
        ("89.5", "good"),
        ("75", "good"),
        ("74.5", "pass"),
        ("60", "pass"),
        ("59.5", "fail"),
    ],
)
def test_a_scorecard_from_rule_rows_gives_the_band_at_each_boundary(total, grade):
    parsed, problems = validate_scores(scores_summing_to(total), ITEMS)
    assert problems == []
    assert total_of(parsed, ITEMS) == D(total)
    assert grade_for(total_of(parsed, ITEMS)) == grade


def test_points_are_whole_or_half_points_from_json_numbers_or_text():
    assert parse_points(17) == D(17)
    assert parse_points(17.5) == D("17.5")
    assert parse_points("17.5") == D("17.5")
    for bad in (True, None, "abc", "17.25", 17.3, [1], {}, "Infinity", "NaN"):
        with pytest.raises(ValueError):
            parse_points(bad)


def test_validation_names_every_problem():
    scores = {
        "intake": "11",
        "evidence": "-1",
        "documents": "x",
        "hearing": "20",
        "closing": "15",
        "bogus": 3,
    }
    parsed, problems = validate_scores(scores, ITEMS)
    text = " ".join(problems)
    assert "bogus" in text  # unknown code
    assert "接待与受理" in text  # above the maximum
    assert "证据收集" in text  # negative
    assert "法律文书质量" in text  # not a number
    assert "与受援人沟通" in text  # missing
    assert len(problems) == 5
    assert set(parsed) == {"hearing", "closing"}


def test_validation_accepts_exactly_the_maximum_and_zero():
    scores = {item.code: str(item.max_points) for item in ITEMS}
    scores["contact"] = 0
    parsed, problems = validate_scores(scores, ITEMS)
    assert problems == []
    assert total_of(parsed, ITEMS) == D(90)


def test_scores_must_be_an_object():
    assert validate_scores(["intake", 10], ITEMS)[1]
    assert validate_scores(None, ITEMS)[1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=200), min_size=len(ITEMS), max_size=len(ITEMS)))
def test_any_valid_half_point_scores_give_a_total_and_one_grade(halves):
    scores = {item.code: str(min(D(h) / 2, item.max_points)) for item, h in zip(ITEMS, halves, strict=True)}
    parsed, problems = validate_scores(scores, ITEMS)
    assert problems == []
    total = total_of(parsed, ITEMS)
    assert D(0) <= total <= D(100)
    assert total % D("0.5") == 0
    grade = grade_for(total)
    # the grade is the band the total reaches, and no higher
    expected = next(b.grade for b in DEFAULT_BANDS if total >= b.min_points)
    assert grade == expected


def test_the_correction_names_the_items_below_sixty_percent():
    scores = {
        "intake": D(5),
        "evidence": D(8),
        "documents": D(20),
        "hearing": D(10),
        "closing": D(9),
        "contact": D(6),
    }
    assert [i.code for i in items_to_correct(scores, ITEMS)] == ["intake", "evidence", "hearing"]


# --- the scorecard of a category ----------------------------------------------------------------


def test_a_category_row_replaces_the_row_for_every_category_with_its_code():
    rows = [
        Item("intake", "接待与受理", D(10), 1),
        Item("hearing", "庭审表现", D(30), 4),
        Item("rest", "其他", D(60), 9),
        Item("hearing", "会见与辩护", D(30), 4, matter_category="criminal"),
        Item("victim", "被害人沟通", D(5), 5, matter_category="civil"),
    ]
    criminal = scorecard_for(rows, "criminal")
    assert [(i.code, i.label) for i in criminal] == [
        ("intake", "接待与受理"),
        ("hearing", "会见与辩护"),
        ("rest", "其他"),
    ]
    assert scorecard_problems(criminal) == []
    civil = scorecard_for(rows, "civil")
    assert [i.code for i in civil] == ["intake", "hearing", "victim", "rest"]
    assert scorecard_problems(civil)  # 105 points
    assert scorecard_problems([])


# --- the sample ---------------------------------------------------------------------------------


def test_the_share_is_rounded_up_and_a_number_capped():
    assert sample_size(500, share=D("0.06")) == 30
    assert sample_size(21, share=D("0.06")) == 2
    assert sample_size(10, share=D("0.3")) == 3
    assert sample_size(30, share=0.1) == 3  # a float share keeps no binary error
    assert sample_size(5, count=30) == 5
    assert sample_size(0, share=D("0.5")) == 0
    with pytest.raises(ValueError):
        sample_size(5, share=D("0.5"), count=2)


def test_the_sample_is_reproducible_from_its_seed_and_the_input_order_does_not_matter():
    ids = list(range(1, 101))
    first = sample(ids, share=D("0.1"), seed=20261201)
    assert len(first) == 10 and first == sorted(first)
    assert sample(list(reversed(ids)), share=D("0.1"), seed=20261201) == first
    assert sample(ids, count=10, seed=20261201) == first
    assert sample(ids, share=D("0.1"), seed=7) != first


def test_a_mix_shares_the_sample_out_by_category_and_fills_from_the_rest():
    categories = {n: ("civil" if n <= 80 else "criminal") for n in range(1, 101)}
    picked = sample(
        categories, count=10, seed=1, mix={"civil": "0.5", "criminal": "0.5"}, categories=categories
    )
    assert sum(1 for n in picked if categories[n] == "criminal") == 5
    # more criminal files asked for than there are: the rest comes from the civil ones
    few = {n: ("civil" if n <= 97 else "criminal") for n in range(1, 101)}
    picked = sample(few, count=10, seed=1, mix={"criminal": 1}, categories=few)
    assert len(picked) == 10 and {98, 99, 100} <= set(picked)
    assert picked == sample(few, count=10, seed=1, mix={"criminal": 1}, categories=few)


def test_mix_problems():
    assert mix_problems({}) == []
    assert mix_problems({"civil": 0.6, "criminal": 0.4}) == []
    assert mix_problems({"civil": 0.6})
    assert mix_problems({"nonsense": 1})
    assert mix_problems({"civil": 0})
    assert mix_problems([1])


@settings(max_examples=100, deadline=None)
@given(
    st.sets(st.integers(min_value=1, max_value=10_000), max_size=60),
    st.integers(min_value=0, max_value=2**63 - 1),
    st.integers(min_value=1, max_value=100),
)
def test_a_sample_is_a_reproducible_subset_of_the_right_size(ids, seed, percent):
    share = D(percent) / 100
    picked = sample(ids, share=share, seed=seed)
    assert set(picked) <= ids
    assert len(picked) == len(set(picked)) == sample_size(len(ids), share=share)
    assert picked == sample(sorted(ids, reverse=True), share=share, seed=seed)


# --- who reviews ---------------------------------------------------------------------------------


def test_reviewers_are_never_conflicted_nor_providers_and_the_load_is_spread():
    candidates = [Candidate(1, 10), Candidate(2, 10), Candidate(3, 20), Candidate(4, 30), Candidate(5, 20)]
    files = [FileToReview(n, 10, frozenset({1, 3} if n % 2 else {2})) for n in range(1, 9)]
    chosen = choose_reviewers(files, candidates, open_reviews={4: 3}, providers={5})
    for file in files:
        assert chosen[file.case_id].user_id not in file.conflicted
        assert chosen[file.case_id].user_id != 5
    loads = {}
    for candidate in chosen.values():
        loads[candidate.user_id] = loads.get(candidate.user_id, 0) + 1
    # 8 files over reviewers 1..4 (4 already had 3 open): nobody gets far more than another
    totals = {u: loads.get(u, 0) + (3 if u == 4 else 0) for u in (1, 2, 3, 4)}
    assert max(totals.values()) - min(totals.values()) <= 2
    assert choose_reviewers(files, list(reversed(candidates)), open_reviews={4: 3}, providers={5}) == chosen


def test_another_center_is_preferred_at_equal_load():
    chosen = choose_reviewers([FileToReview(1, 10, frozenset())], [Candidate(1, 10), Candidate(2, 20)])
    assert chosen[1] == Candidate(2, 20)


def test_a_file_nobody_may_review_is_an_error():
    with pytest.raises(NoReviewer) as caught:
        choose_reviewers(
            [FileToReview(7, 10, frozenset({1}))], [Candidate(1, 10), Candidate(2, 20)], providers={2}
        )
    assert caught.value.case_id == 7


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.integers(1, 4)), min_size=1, max_size=20, unique_by=lambda t: t[0]
    ),
    st.lists(st.frozensets(st.integers(1, 30), max_size=6), min_size=1, max_size=15),
    st.frozensets(st.integers(1, 30), max_size=5),
)
def test_no_conflicted_reviewer_ever(candidates, conflicts, providers):
    pool = [Candidate(u, c) for u, c in candidates]
    files = [FileToReview(n, 1, conflict) for n, conflict in enumerate(conflicts, start=1)]
    try:
        chosen = choose_reviewers(files, pool, providers=providers)
    except NoReviewer as exc:
        file = files[exc.case_id - 1]
        assert all(c.user_id in file.conflicted or c.user_id in providers for c in pool)
        return
    for file in files:
        assert chosen[file.case_id].user_id not in file.conflicted | providers
