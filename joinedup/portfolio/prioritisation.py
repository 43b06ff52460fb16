"""
Prioritisation maths, as pure functions: AHP weights with Saaty's consistency ratio, the
weighted score with its explanation, and the best set of projects under capital and revenue
limits (an exact branch-and-bound search, so the answer is the true optimum, not a greedy guess).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

# Saaty's random index by matrix size (reference 3.2).
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
CONSISTENCY_LIMIT = 0.10
MIN_JUDGEMENT = Fraction(1, 9)
MAX_JUDGEMENT = Fraction(9)


class PrioritisationError(ValueError):
    """Input the maths cannot use; the message is plain English."""


def parse_judgement(text) -> Fraction:
    """Read '3', '1/5' or '0.2' as a judgement on Saaty's 1/9 to 9 scale."""
    try:
        exact = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError):
        raise PrioritisationError(f"'{text}' is not a number like 3 or 1/3.") from None
    # Allow for decimals typed for a fraction (0.1111 for 1/9), but nothing beyond the scale.
    tolerance = Fraction(1, 10**4)
    if not MIN_JUDGEMENT - tolerance <= exact <= MAX_JUDGEMENT + tolerance:
        raise PrioritisationError(f"'{text}' is outside the scale: use a value from 1/9 to 9.")
    value = exact.limit_denominator(9)
    if abs(value - exact) > tolerance:
        value = exact
    return min(max(value, MIN_JUDGEMENT), MAX_JUDGEMENT)


@dataclass
class AhpResult:
    weights: list[float]
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    limit: float = CONSISTENCY_LIMIT

    @property
    def consistent(self) -> bool:
        return self.consistency_ratio <= self.limit


def ahp_matrix(n: int, judgements: dict[tuple[int, int], object]) -> np.ndarray:
    """Build the reciprocal matrix from the judgements above the diagonal: (i, j) -> a_ij."""
    matrix = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            if (i, j) in judgements:
                value = parse_judgement(judgements[(i, j)])
            elif (j, i) in judgements:
                value = 1 / parse_judgement(judgements[(j, i)])
            else:
                raise PrioritisationError("Compare every pair of criteria before the weights can be worked out.")
            matrix[i, j] = float(value)
            matrix[j, i] = float(1 / value)
    return matrix


def ahp_weights(matrix, limit: float = CONSISTENCY_LIMIT) -> AhpResult:
    """Weights from the principal eigenvector; CI = (lambda_max - n)/(n - 1); CR = CI / RI."""
    matrix = np.asarray(matrix, dtype=float)
    n = matrix.shape[0]
    if matrix.shape != (n, n) or n < 1:
        raise PrioritisationError("The comparison matrix must be square.")
    if n > max(RANDOM_INDEX):
        raise PrioritisationError(f"AHP works with at most {max(RANDOM_INDEX)} criteria.")
    values, vectors = np.linalg.eig(matrix)
    index = int(np.argmax(values.real))
    lambda_max = float(values[index].real)
    vector = np.abs(vectors[:, index].real)
    weights = vector / vector.sum()
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri else 0.0
    return AhpResult(
        weights=[float(w) for w in weights],
        lambda_max=lambda_max,
        consistency_index=max(ci, 0.0),
        consistency_ratio=max(cr, 0.0),
        limit=limit,
    )


def weighted_score(weights: dict, scores: dict, scale_max: float) -> tuple[float, list[dict]]:
    """Score out of 100 = sum of weight x (score / scale max) x 100, with each part explained."""
    parts = []
    total = 0.0
    for key, weight in weights.items():
        score = scores.get(key)
        contribution = 0.0 if score is None else float(weight) * float(score) / scale_max * 100
        total += contribution
        parts.append({"key": key, "weight": float(weight), "score": score, "contribution": contribution})
    return total, parts


@dataclass(frozen=True)
class Candidate:
    key: object
    value: float  # the benefit to maximise (the priority score)
    capital: float
    revenue: float


@dataclass
class Selection:
    chosen: list = field(default_factory=list)
    value: float = 0.0
    capital: float = 0.0
    revenue: float = 0.0


def select_within_budget(candidates, capital_limit, revenue_limit, forced_in=(), forced_out=()) -> Selection:
    """The set of candidates with the largest total value whose capital and revenue costs fit
    the limits, always including `forced_in` and never `forced_out`. Exact: branch and bound,
    pruned by the fractional-knapsack bound on each budget in turn. Ties go to the smaller cost.
    """
    forced_in, forced_out = set(forced_in), set(forced_out)
    if forced_in & forced_out:
        raise PrioritisationError("A project cannot be both forced in and forced out.")
    if capital_limit < 0 or revenue_limit < 0:
        raise PrioritisationError("A budget limit cannot be negative.")
    for c in candidates:
        if c.capital < 0 or c.revenue < 0:
            raise PrioritisationError(f"The costs of {c.key} cannot be negative.")
    base = [c for c in candidates if c.key in forced_in]
    cap_left = capital_limit - sum(c.capital for c in base)
    rev_left = revenue_limit - sum(c.revenue for c in base)
    if cap_left < -1e-9 or rev_left < -1e-9:
        raise PrioritisationError("The projects forced in already cost more than the budget.")
    # Only projects that add value are worth choosing.
    pool = [c for c in candidates if c.key not in forced_in and c.key not in forced_out and c.value > 0]
    pool.sort(key=lambda c: -c.value / (c.capital + c.revenue + 1e-9))

    def fractional_bound(start, cap, rev):
        best = None
        for budget, cost in ((cap, "capital"), (rev, "revenue")):
            items = sorted(pool[start:], key=lambda c: -c.value / (getattr(c, cost) + 1e-12))
            room, total = budget, 0.0
            for c in items:
                weight = getattr(c, cost)
                if weight <= room:
                    room -= weight
                    total += c.value
                else:
                    total += c.value * room / weight
                    break
            best = total if best is None else min(best, total)
        return best

    best = {"value": -1.0, "cost": float("inf"), "set": []}
    chosen: list = []

    def search(index, value, cap, rev):
        cost = (capital_limit - cap) + (revenue_limit - rev)
        if value > best["value"] + 1e-9 or (abs(value - best["value"]) <= 1e-9 and cost < best["cost"] - 1e-9):
            best.update(value=value, cost=cost, set=list(chosen))
        if index == len(pool):
            return
        if value + fractional_bound(index, cap, rev) < best["value"] - 1e-9:
            return
        c = pool[index]
        if c.capital <= cap + 1e-9 and c.revenue <= rev + 1e-9:
            chosen.append(c)
            search(index + 1, value + c.value, cap - c.capital, rev - c.revenue)
            chosen.pop()
        search(index + 1, value, cap, rev)

    search(0, 0.0, cap_left, rev_left)
    picked = base + best["set"]
    return Selection(
        chosen=[c.key for c in picked],
        value=sum(c.value for c in picked),
        capital=sum(c.capital for c in picked),
        revenue=sum(c.revenue for c in picked),
    )
