"""Key drivers of journey satisfaction (design section 13): LMG relative importance with bootstrap intervals.

No database here: the recompute gathers one row per instance and hands the matrix over.

LMG is the Shapley value of R^2: a predictor's importance is its marginal R^2 gain averaged over
every order in which the predictors can enter an OLS model with an intercept. R^2 of every subset
is computed from the standardised cross-products, ``R^2(S) = r_S' pinv(C_SS) r_S`` (C the
predictors' correlation matrix, r their correlations with y): the pseudo-inverse gives the R^2 of
the projection for a rank-deficient subset, so perfectly collinear predictors neither crash it nor
differ (they enter every subset symmetrically and share importance equally).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RESAMPLES = 200
INTERVAL = 90  # percent: the 5th and 95th percentiles of the bootstrap importances
PSEUDO_INVERSE_RCOND = 1e-10


@dataclass
class DriverFigures:
    importance: np.ndarray
    r_squared: float
    coefficients: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray


def _correlations(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Correlation matrices of the rows counted with ``weights`` (..., n): a bootstrap resample is its counts.

    Returns the predictors' correlations (..., p, p) and their correlations with y (..., p); a
    column constant over the counted rows correlates 0 with everything.
    """
    total = weights.sum(axis=-1, keepdims=True)
    mean_x = (weights @ x) / total
    mean_y = (weights @ y)[..., None] / total
    n, p = x.shape
    # Matrix products (BLAS), not einsum: the bootstrap sums 200 weighted cross-product matrices.
    products = (x[:, :, None] * x[:, None, :]).reshape(n, p * p)
    cross_xx = (weights @ products).reshape(*weights.shape[:-1], p, p) - total[..., None] * (
        mean_x[..., :, None] * mean_x[..., None, :]
    )
    cross_xy = weights @ (x * y[:, None]) - total * mean_x * mean_y
    cross_yy = (weights @ (y * y))[..., None] - total * mean_y**2
    scale_x = np.sqrt(np.clip(np.diagonal(cross_xx, axis1=-2, axis2=-1), 0, None))
    scale_y = np.sqrt(np.clip(cross_yy, 0, None))
    tiny = 1e-12
    inverse_x = np.divide(1.0, scale_x, out=np.zeros_like(scale_x), where=scale_x > tiny)
    inverse_y = np.divide(1.0, scale_y, out=np.zeros_like(scale_y), where=scale_y > tiny)
    among = cross_xx * inverse_x[..., :, None] * inverse_x[..., None, :]
    with_y = cross_xy * inverse_x * inverse_y
    return among, with_y


def subset_r_squared(among: np.ndarray, with_y: np.ndarray) -> np.ndarray:
    """R^2 of every subset of the p predictors, indexed by bit mask: shape (..., 2^p); the empty set is 0."""
    p = among.shape[-1]
    result = np.zeros((*among.shape[:-2], 2**p))
    masks = np.arange(2**p)
    sizes = np.array([bin(mask).count("1") for mask in masks])
    for size in range(1, p + 1):
        chosen = masks[sizes == size]
        members = np.array([[j for j in range(p) if mask >> j & 1] for mask in chosen])  # (m, size)
        sub = among[..., members[:, :, None], members[:, None, :]]  # (..., m, size, size)
        vector = with_y[..., members]  # (..., m, size)
        inverse = np.linalg.pinv(sub, rcond=PSEUDO_INVERSE_RCOND, hermitian=True)
        result[..., chosen] = np.einsum("...mi,...mij,...mj->...m", vector, inverse, vector)
    return np.clip(result, 0.0, 1.0)


def shapley_importance(r_squared: np.ndarray, p: int) -> np.ndarray:
    """LMG from the R^2 of every subset: sum over S not holding j of |S|!(p-|S|-1)!/p! x (R^2(S+j) - R^2(S))."""
    masks = np.arange(2**p)
    sizes = np.array([bin(mask).count("1") for mask in masks])
    weights = np.array([math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p) for k in range(p)])
    importance = np.zeros((*r_squared.shape[:-1], p))
    for j in range(p):
        without = masks[(masks >> j & 1) == 0]
        gains = r_squared[..., without | (1 << j)] - r_squared[..., without]
        importance[..., j] = gains @ weights[sizes[without]]
    return importance


def ols_coefficients(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Slopes of the full OLS model with an intercept (minimum-norm where predictors are collinear)."""
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    return np.linalg.pinv(xc, rcond=PSEUDO_INVERSE_RCOND) @ yc


def lmg(x: np.ndarray, y: np.ndarray, *, seed: list[int], resamples: int = RESAMPLES) -> DriverFigures:
    """Importance, full-model R^2 and coefficients, and a percentile bootstrap interval of each importance."""
    n, p = x.shape
    among, with_y = _correlations(x, y, np.ones(n))
    r_squared = subset_r_squared(among, with_y)
    importance = shapley_importance(r_squared, p)
    generator = np.random.default_rng(seed)
    picks = generator.integers(0, n, size=(resamples, n))
    counts = np.stack([np.bincount(pick, minlength=n) for pick in picks]).astype(float)
    boot_among, boot_with_y = _correlations(x, y, counts)
    boot = shapley_importance(subset_r_squared(boot_among, boot_with_y), p)
    tail = (100 - INTERVAL) / 2
    low, high = np.percentile(boot, [tail, 100 - tail], axis=0)
    return DriverFigures(
        importance=importance,
        r_squared=float(r_squared[-1]),
        coefficients=ols_coefficients(x, y),
        ci_low=low,
        ci_high=high,
    )
