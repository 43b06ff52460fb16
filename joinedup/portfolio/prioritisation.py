"""
Prioritisation maths, as pure functions: AHP weights with Saaty's consistency ratio, the
weighted score with its explanation, and the best set of projects under capital and revenue
limits (a 0-1 integer programme solved exactly with PuLP and CBC, not a greedy guess).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

import numpy as np
import pulp

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
    capital: Decimal = Decimal(0)  # pounds, exact to the penny
    revenue: Decimal = Decimal(0)


def pence(amount) -> int:
    """An amount of money in pounds (int, float, Decimal or text) as whole pence."""
    try:
        exact = Decimal(str(amount))
    except InvalidOperation:
        raise PrioritisationError(f"'{amount}' is not an amount of money.") from None
    if not exact.is_finite():
        raise PrioritisationError(f"'{amount}' is not an amount of money.")
    return int((exact * 100).to_integral_value(rounding=ROUND_HALF_UP))


def pounds(amount_in_pence: int) -> Decimal:
    return Decimal(amount_in_pence) / 100


def select_within_budget(
    candidates, capital_limit, revenue_limit, forced_in=(), forced_out=(), needs=None, excludes=()
) -> Selection:
    """The set of candidates with the largest total value whose capital and revenue costs fit
    the limits, always including `forced_in` and never `forced_out`.

    `needs` maps a key to the keys it cannot go ahead without: a project is chosen only with
    everything it needs (a key that is not among the candidates can never be chosen, so a
    project needing it is left out; leave out needs that are already met). `excludes` holds
    pairs of keys that cannot both be chosen.

    A 0-1 integer linear programme solved by CBC through PuLP (decision record 0021): one
    binary variable per candidate, one constraint per budget, forced projects fixed at 1 or 0,
    maximise the total value. A second solve keeps that best value and picks the cheapest such
    set, so ties go to the smaller total cost and the answer does not depend on the order.

    Money is worked in whole pence, and every set the solver returns is checked in exact
    integer arithmetic: a set that overshoots a budget by even a penny (which the solver's
    tolerances can let through) is cut off and the model solved again, so every budget size
    gets an exact answer (issue 16, defect 5).
    """
    forced_in, forced_out = set(forced_in), set(forced_out)
    if forced_in & forced_out:
        raise PrioritisationError("A project cannot be both forced in and forced out.")
    capital_room, revenue_room = pence(capital_limit), pence(revenue_limit)
    if capital_room < 0 or revenue_room < 0:
        raise PrioritisationError("A budget limit cannot be negative.")
    candidates = list(candidates)
    keys = [c.key for c in candidates]
    if len(set(keys)) != len(keys):
        raise PrioritisationError("Each project can be listed only once.")
    costs = {}
    for c in candidates:
        costs[c.key] = (pence(c.capital), pence(c.revenue))
        if costs[c.key][0] < 0 or costs[c.key][1] < 0:
            raise PrioritisationError(f"The costs of {c.key} cannot be negative.")
    needs = {k: set(v) for k, v in (needs or {}).items() if v}
    excludes = [tuple(pair) for pair in excludes]
    forced_in = _with_needs(forced_in, needs, set(keys), forced_out)
    for a, b in excludes:
        if a in forced_in and b in forced_in:
            raise PrioritisationError(f"{a} and {b} cannot both go ahead, so they cannot both be always included.")
    base = [c for c in candidates if c.key in forced_in]
    base_capital = sum(costs[c.key][0] for c in base)
    base_revenue = sum(costs[c.key][1] for c in base)
    if base_capital > capital_room or base_revenue > revenue_room:
        raise PrioritisationError(
            "The projects you chose to always include already cost more than the budget "
            f"(capital {pounds(base_capital):,.0f} of {pounds(capital_room):,.0f}; "
            f"revenue {pounds(base_revenue):,.0f} of {pounds(revenue_room):,.0f}). "
            "Raise the budget or include fewer projects."
        )
    # Only projects that add value (or that one which does needs) are worth choosing; the forced
    # ones are in regardless.
    needed = {k for v in needs.values() for k in v}
    pool = [
        c for c in candidates if c.key not in forced_in and c.key not in forced_out and (c.value > 0 or c.key in needed)
    ]
    capital_room -= base_capital
    revenue_room -= base_revenue
    shut_out = {b for a, b in excludes if a in forced_in} | {a for a, b in excludes if b in forced_in}
    pool = [
        c for c in pool if costs[c.key][0] <= capital_room and costs[c.key][1] <= revenue_room and c.key not in shut_out
    ]
    # Leave out, again and again until nothing changes, whatever needs a project that cannot be chosen.
    while True:
        available = {c.key for c in pool} | forced_in
        kept = [c for c in pool if needs.get(c.key, set()) <= available]
        if len(kept) == len(pool):
            break
        pool = kept
    index = {c.key: i for i, c in enumerate(pool)}
    links = {
        "needs": [(index[a], index[b]) for a in index for b in needs.get(a, ()) if b in index],
        "excludes": [(index[a], index[b]) for a, b in excludes if a in index and b in index],
    }
    picked = base + _solve(pool, [costs[c.key] for c in pool], capital_room, revenue_room, links)
    return Selection(
        chosen=[c.key for c in picked],
        value=sum(c.value for c in picked),
        capital=pounds(sum(costs[c.key][0] for c in picked)),
        revenue=pounds(sum(costs[c.key][1] for c in picked)),
    )


# How many times a set that does not fit exactly may be cut off before giving up. Each cut
# removes one set that overshoots by less than the solver's tolerance; there are few such sets.
MAX_CUTS = 200


def _with_needs(forced_in: set, needs: dict, keys: set, forced_out: set) -> set:
    """The projects to always include, with everything they need (and what that needs)."""
    result, frontier = set(forced_in), list(forced_in)
    while frontier:
        key = frontier.pop()
        for need in needs.get(key, ()):
            if need not in keys or need in forced_out:
                raise PrioritisationError(
                    f"{key} is always included but needs {need}, which "
                    + ("is never included." if need in forced_out else "cannot be chosen.")
                )
            if need not in result:
                result.add(need)
                frontier.append(need)
    return result


def _solve(
    pool: list[Candidate], costs: list[tuple[int, int]], capital_room: int, revenue_room: int, links=None
) -> list:
    """The best subset of `pool` within the room left in each budget (all money in whole pence),
    taking a project only with the projects it needs and never two that exclude each other."""
    if not pool:
        return []
    # The solver works in money relative to the largest figure, which suits its tolerances at any
    # budget size (whole pence in the billions make CBC unreliable); the exact check is in pence.
    money = max([capital_room, revenue_room, 1] + [max(cost) for cost in costs])
    scale = max([c.value for c in pool] + [1.0])
    model = pulp.LpProblem("budget_selection", pulp.LpMaximize)
    take = [model.add_variable(f"take_{i}", cat=pulp.LpBinary) for i in range(len(pool))]
    value = pulp.lpSum((c.value / scale) * x for c, x in zip(pool, take, strict=True))
    capital = pulp.lpSum((cost[0] / money) * x for cost, x in zip(costs, take, strict=True))
    revenue = pulp.lpSum((cost[1] / money) * x for cost, x in zip(costs, take, strict=True))
    model += value
    model += capital <= capital_room / money, "capital_budget"
    model += revenue <= revenue_room / money, "revenue_budget"
    for n, (a, b) in enumerate((links or {}).get("needs", ())):
        model += take[a] <= take[b], f"needs_{n}"
    for n, (a, b) in enumerate((links or {}).get("excludes", ())):
        model += take[a] + take[b] <= 1, f"excludes_{n}"

    def fits(chosen):
        return sum(costs[i][0] for i in chosen) <= capital_room and sum(costs[i][1] for i in chosen) <= revenue_room

    chosen = _solve_fitting(model, take, fits, "best")
    # The best value, from the set actually chosen (not the solver's floating-point objective).
    best = sum(pool[i].value for i in chosen) / scale
    # Second pass: keep that value (less a hair for the solver's tolerance, far below any real
    # difference between two sets' scores) at the least total cost.
    model.sense = pulp.LpMinimize
    model.setObjective(capital + revenue)
    model += value >= best - 1e-6, "keep_best_value"
    second = _solve_fitting(model, take, fits, "cheapest")
    if sum(pool[i].value for i in second) / scale >= best - 1e-6:
        chosen = second
    return [pool[i] for i in chosen]


def _solve_fitting(model: pulp.LpProblem, take, fits, tag: str) -> list[int]:
    """Solve; while the chosen set does not fit in exact arithmetic, cut that set off and solve again."""
    for attempt in range(MAX_CUTS):
        _run(model)
        chosen = [i for i, x in enumerate(take) if (x.value() or 0) > 0.5]
        if fits(chosen):
            return chosen
        model += pulp.lpSum(take[i] for i in chosen) <= len(chosen) - 1, f"cut_{tag}_{attempt}"
    raise PrioritisationError("The budget could not be worked out exactly: too many near-fitting sets.")


def _run(model: pulp.LpProblem) -> None:
    """Solve with CBC, first without integer preprocessing: the coefficients are written out
    rounded, and preprocessing can then tighten a budget that a set fills exactly (47/48 + 1/48
    of it) into "infeasible". Should CBC still call the model infeasible (taking nothing always
    fits, so it never is), it is solved again with CBC's defaults."""
    status = "Not Solved"
    for options in (["preprocess off"], []):
        try:
            with warnings.catch_warnings():
                # PuLP 3.3 marks PULP_CBC_CMD (the CBC bundled in its wheel) for removal in 4.0.
                warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"pulp\.")
                model.solve(pulp.PULP_CBC_CMD(msg=False, options=options))
        except pulp.PulpSolverError as error:
            raise PrioritisationError(f"The budget could not be worked out: the solver failed ({error}).") from error
        status = pulp.LpStatus[model.status]
        if status == "Optimal":
            return
    raise PrioritisationError(f"The budget could not be worked out: the solver reported '{status}'.")
