"""The statistics of design section 16: Spearman's rank correlation and its seeded bootstrap interval.

Pure Python on a dozen periods (no database, no numpy): the same inputs give the same figures on
PostgreSQL and SQLite, and a seed gives the same interval on every run.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

MIN_PERIODS = 8
MAX_PERIODS = 12
RESAMPLES = 1000
CONFIDENCE = 0.90


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n, tied values sharing the mean of the ranks they span ([5, 7, 7, 9] -> [1, 2.5, 2.5, 4])."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = (start + end) / 2 + 1
        for position in range(start, end + 1):
            ranks[order[position]] = shared
        start = end + 1
    return ranks


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when either side does not vary (the correlation is undefined)."""
    n = len(xs)
    if n < 2:
        return None
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rho: Pearson's r of the average ranks (the tie-correct form, not 1 - 6Σd²/n(n²-1))."""
    if len(xs) != len(ys):
        raise ValueError("Both series need one value per period.")
    return pearson(average_ranks(xs), average_ranks(ys))


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """The ``share`` quantile with linear interpolation between order statistics (numpy's default)."""
    position = share * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


@dataclass(frozen=True)
class Correlation:
    rho: float | None
    ci_low: float | None
    ci_high: float | None


def bootstrap_spearman(
    xs: Sequence[float], ys: Sequence[float], *, seed: int, resamples: int = RESAMPLES, confidence: float = CONFIDENCE
) -> Correlation:
    """rho with a percentile bootstrap interval over periods resampled with replacement.

    A resample in which either side is constant has no rho; it is left out of the interval (with a
    dozen periods that is rare, and counting it as 0 would pull the interval towards "no signal"
    for a reason that has nothing to do with the data).
    """
    rho = spearman(xs, ys)
    if rho is None:
        return Correlation(None, None, None)
    rng = random.Random(seed)  # noqa: S311 (a seeded statistical resample, not a secret)
    n = len(xs)
    estimates = []
    for _ in range(resamples):
        picks = [rng.randrange(n) for _ in range(n)]
        estimate = spearman([xs[i] for i in picks], [ys[i] for i in picks])
        if estimate is not None:
            estimates.append(estimate)
    if not estimates:
        return Correlation(rho, None, None)
    estimates.sort()
    tail = (1 - confidence) / 2
    return Correlation(rho, percentile(estimates, tail), percentile(estimates, 1 - tail))


def evidence_seed(incentive_id: int, journey_id: int) -> int:
    """One seed per (incentive, journey): a rerun on the same periods gives the same interval."""
    return incentive_id * 1_000_003 + journey_id


def _plural(word: str, count: int) -> str:
    return word if count == 1 else f"{word}s"


def evidence_sentence(
    *,
    signal: str,
    periods: int,
    rho: float | None,
    ci_low: float | None,
    ci_high: float | None,
    period: str,
    function: str,
    incentive: str,
    journey: str,
    components: Sequence[dict] = (),
) -> str:
    """The sentence the evidence supports, in a manager's words (the review form and the matrix title)."""
    unit = _plural(period, periods)
    if signal == "not_enough_history" or rho is None:
        return (
            f"Not enough history: only {periods} {unit} have both a figure for “{incentive}” and a health "
            f"snapshot of {journey} at the {period}'s end. The evidence needs at least {MIN_PERIODS} before it "
            "says anything; the verdict rests on judgement alone."
        )
    figures = f"Spearman's rho {rho:+.2f}"
    if ci_low is not None and ci_high is not None:
        figures += f", 90% interval {ci_low:+.2f} to {ci_high:+.2f}"
    caveat = "It is a correlation over time, not proof that one causes the other."
    if signal == "conflict_signal":
        also = [item["label"].lower() for item in components if item.get("signal") == "conflict_signal"]
        shows = f" It shows in {', '.join(also)} too." if also else ""
        return (
            f"Over the last {periods} {unit}, the {unit} in which {function} did better on “{incentive}” were the "
            f"{unit} in which {journey}'s health was worse ({figures}).{shows} This supports a conflicting verdict. "
            f"{caveat}"
        )
    if signal == "alignment_signal":
        return (
            f"Over the last {periods} {unit}, the {unit} in which {function} did better on “{incentive}” were the "
            f"{unit} in which {journey}'s health was better ({figures}). This supports an aligned verdict. {caveat}"
        )
    return (
        f"Over the last {periods} {unit} there is no clear relation between “{incentive}” and {journey}'s health "
        f"({figures}, which includes 0). The evidence supports neither verdict on its own."
    )
