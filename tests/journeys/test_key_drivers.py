"""LMG relative importance checked against an independent brute force over every ordering of the predictors."""

import itertools
import math

import numpy as np
import pytest

from journeys.key_drivers import lmg


def brute_force_r_squared(x, y, columns) -> float:
    """R^2 of OLS with an intercept on ``columns``, by least squares on the raw data."""
    if not columns:
        return 0.0
    design = np.column_stack([np.ones(len(y)), x[:, list(columns)]])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    residual = y - fitted
    return 1 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))


def brute_force_lmg(x, y) -> np.ndarray:
    """The marginal R^2 gain of each predictor averaged over all p! orders of entry."""
    p = x.shape[1]
    importance = np.zeros(p)
    for order in itertools.permutations(range(p)):
        entered = []
        for j in order:
            importance[j] += brute_force_r_squared(x, y, [*entered, j]) - brute_force_r_squared(x, y, entered)
            entered.append(j)
    return importance / math.factorial(p)


@pytest.fixture
def data():
    generator = np.random.default_rng(7)
    x = generator.normal(size=(120, 4))
    y = 1.5 * x[:, 0] + 0.5 * x[:, 1] - 0.8 * x[:, 2] + generator.normal(size=120)
    return x, y


def test_lmg_equals_the_average_over_all_orderings(data):
    x, y = data
    figures = lmg(x, y, seed=[1, 2])
    assert figures.importance == pytest.approx(brute_force_lmg(x, y), abs=1e-10)


def test_importances_sum_to_the_full_models_r_squared(data):
    x, y = data
    figures = lmg(x, y, seed=[1, 2])
    assert figures.importance.sum() == pytest.approx(figures.r_squared, abs=1e-12)
    assert figures.r_squared == pytest.approx(brute_force_r_squared(x, y, range(4)), abs=1e-12)


def test_coefficients_are_the_full_ols_slopes(data):
    x, y = data
    design = np.column_stack([np.ones(len(y)), x])
    assert lmg(x, y, seed=[1]).coefficients == pytest.approx(np.linalg.lstsq(design, y, rcond=None)[0][1:])


def test_two_perfectly_collinear_predictors_share_importance_equally_without_crashing(data):
    x, y = data
    twin = np.column_stack([x[:, 0], 3 * x[:, 0] - 2, x[:, 1]])  # the second is a linear function of the first

    figures = lmg(twin, y, seed=[3])

    assert figures.importance[0] == pytest.approx(figures.importance[1], abs=1e-10)
    assert figures.importance == pytest.approx(brute_force_lmg(twin, y), abs=1e-10)
    # the projection's R^2: the twins explain what one of them explains
    assert figures.r_squared == pytest.approx(brute_force_r_squared(x, y, [0, 1]), abs=1e-10)
    assert figures.ci_low[0] == pytest.approx(figures.ci_low[1], abs=1e-10)


def test_the_bootstrap_interval_is_seeded_and_brackets_the_estimate(data):
    x, y = data
    first, again, other = lmg(x, y, seed=[5, 9]), lmg(x, y, seed=[5, 9]), lmg(x, y, seed=[6, 9])

    assert first.ci_low.tolist() == again.ci_low.tolist()
    assert first.ci_high.tolist() == again.ci_high.tolist()
    assert first.ci_low.tolist() != other.ci_low.tolist()
    # the real predictors' intervals hold their estimate (a noise predictor's R^2 share is biased upwards
    # by resampling, so its percentile interval may sit just above its near-zero estimate)
    assert np.all(first.ci_low[:3] <= first.importance[:3])
    assert np.all(first.importance[:3] <= first.ci_high[:3])
    # the strongest predictor's interval stays clear of the noise-only one
    assert first.ci_low[0] > first.ci_high[3]


def test_the_bootstrap_matches_resampling_rows_by_hand(data):
    x, y = data
    generator = np.random.default_rng([4, 4])
    picks = generator.integers(0, len(y), size=(200, len(y)))
    by_hand = np.array([brute_force_lmg(x[pick], y[pick]) for pick in picks[:5]])

    figures = lmg(x, y, seed=[4, 4], resamples=5)

    low, high = np.percentile(by_hand, [5, 95], axis=0)
    assert figures.ci_low == pytest.approx(low, abs=1e-9)
    assert figures.ci_high == pytest.approx(high, abs=1e-9)
