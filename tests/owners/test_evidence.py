"""The statistics of the evidence (design section 16), against hand-worked cases and independent computations."""

import random
import statistics

import pytest

from owners.evidence import (
    MIN_PERIODS,
    average_ranks,
    bootstrap_spearman,
    evidence_sentence,
    percentile,
    spearman,
)


def _ranks_by_counting(values):
    """An independent rank: how many values are smaller, plus the middle of the tied block."""
    return [
        sum(other < value for other in values) + (sum(other == value for other in values) + 1) / 2 for value in values
    ]


def _independent_spearman(xs, ys):
    return statistics.correlation(_ranks_by_counting(xs), _ranks_by_counting(ys))


def test_tied_values_share_the_mean_of_their_ranks():
    assert average_ranks([5, 7, 7, 9]) == [1, 2.5, 2.5, 4]
    assert average_ranks([3, 3, 3]) == [2, 2, 2]
    assert average_ranks([2, 1]) == [2, 1]


def test_spearman_with_ties_matches_the_hand_worked_case():
    # x ranks [1, 2.5, 2.5, 4, 5], y ranks [2, 1, 3.5, 3.5, 5]; deviations from 3:
    # dx = [-2, -.5, -.5, 1, 2], dy = [-1, -2, .5, .5, 2]; sum dx*dy = 7.25, sum dx^2 = sum dy^2 = 9.5
    rho = spearman([1, 2, 2, 3, 4], [2, 1, 3, 3, 5])

    assert rho == pytest.approx(7.25 / 9.5, abs=1e-12)
    assert rho == pytest.approx(29 / 38, abs=1e-12)


def test_spearman_without_ties_equals_the_textbook_formula():
    xs = [3.1, 1.2, 5.5, 4.0, 2.2, 6.3, 0.4, 7.7]
    ys = [2.0, 3.5, 6.1, 4.4, 1.0, 5.0, 0.7, 9.9]
    rx, ry = average_ranks(xs), average_ranks(ys)
    n = len(xs)
    textbook = 1 - 6 * sum((a - b) ** 2 for a, b in zip(rx, ry, strict=True)) / (n * (n * n - 1))

    assert spearman(xs, ys) == pytest.approx(textbook, abs=1e-12)


def test_spearman_agrees_with_an_independent_computation_on_random_tied_series():
    rng = random.Random(20261202)
    for _ in range(200):
        n = rng.randint(3, 14)
        xs = [rng.randint(0, 5) for _ in range(n)]  # few distinct values: many ties
        ys = [rng.randint(0, 5) for _ in range(n)]
        if len(set(xs)) < 2 or len(set(ys)) < 2:
            assert spearman(xs, ys) is None
            continue
        assert spearman(xs, ys) == pytest.approx(_independent_spearman(xs, ys), abs=1e-9)


def test_a_constant_series_has_no_rank_correlation():
    assert spearman([1, 1, 1, 1], [1, 2, 3, 4]) is None


def test_percentile_interpolates_between_order_statistics():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.05) == pytest.approx(1.2)
    assert percentile(values, 0.95) == pytest.approx(4.8)


def test_the_bootstrap_interval_is_seeded_and_matches_a_brute_force_resampling():
    xs = [6.4, 6.1, 5.8, 6.6, 6.0, 5.7, 6.3, 6.5, 5.9, 6.2, 5.6, 6.7]
    ys = [71.0, 66.0, 64.5, 69.0, 60.0, 58.0, 72.5, 67.0, 63.0, 70.0, 57.5, 66.0]

    first = bootstrap_spearman(xs, ys, seed=42)
    again = bootstrap_spearman(xs, ys, seed=42)
    other = bootstrap_spearman(xs, ys, seed=43)

    # brute force: the same resamples drawn here, rho by the independent ranks, quantiles by position
    rng = random.Random(42)
    estimates = []
    for _ in range(1000):
        picks = [rng.randrange(len(xs)) for _ in range(len(xs))]
        sample_x, sample_y = [xs[i] for i in picks], [ys[i] for i in picks]
        if len(set(sample_x)) > 1 and len(set(sample_y)) > 1:
            estimates.append(_independent_spearman(sample_x, sample_y))
    estimates.sort()
    low = statistics.quantiles(estimates, n=20, method="inclusive")[0]
    high = statistics.quantiles(estimates, n=20, method="inclusive")[-1]

    assert first == again
    assert other != first
    assert first.rho == pytest.approx(_independent_spearman(xs, ys))
    assert first.ci_low == pytest.approx(low, abs=1e-9)
    assert first.ci_high == pytest.approx(high, abs=1e-9)
    assert first.ci_low <= first.rho <= first.ci_high
    assert first.ci_low > 0  # the two series move together clearly


def test_the_sentence_says_when_there_is_not_enough_history():
    sentence = evidence_sentence(
        signal="not_enough_history",
        periods=5,
        rho=None,
        ci_low=None,
        ci_high=None,
        period="month",
        function="Field Operations",
        incentive="Right-first-time installations",
        journey="Onboarding",
    )

    assert "Not enough history: only 5 months" in sentence
    assert f"at least {MIN_PERIODS}" in sentence


def test_the_sentence_of_a_conflict_says_what_it_supports_and_what_it_is_not():
    sentence = evidence_sentence(
        signal="conflict_signal",
        periods=12,
        rho=-0.87,
        ci_low=-0.98,
        ci_high=-0.67,
        period="month",
        function="Customer Service",
        incentive="Average handle time",
        journey="Onboarding",
        components=[{"label": "Repeat contacts", "signal": "conflict_signal"}],
    )

    assert "the months in which Customer Service did better on “Average handle time”" in sentence
    assert "Onboarding's health was worse (Spearman's rho -0.87, 90% interval -0.98 to -0.67)" in sentence
    assert "It shows in repeat contacts too." in sentence
    assert "supports a conflicting verdict" in sentence
    assert "not proof" in sentence
