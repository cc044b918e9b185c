"""Solving the allocation model: the class LP first, GAP with Lagrangian prices as fallback.

Private helper of :mod:`navkompetanse.allocation`. :func:`solve_model` solves the class LP of
:mod:`.class_lp` (bound) and rounds it (plan). Only when that fails does it fall back to
:func:`_solve_priced`, described below.

``solve_gap`` has one capacity row per unit. The other side constraints are handled here:

- the balance cap is folded into the capacity (``AllocationModel.cap``);
- the heavy-case limit gets a Lagrangian price ``mu[u]`` subtracted from a heavy bruker's profit
  at unit ``u``, updated by a Polyak subgradient step;
- the moves budget gets a price ``lam`` on moving, searched by bisection (a larger price means
  fewer moves);
- every GAP solution is then *repaired* (heavy cases moved or swapped out of over-limit units,
  the cheapest moves undone) and improved by single feasible moves, and kept only when
  :func:`model_violations` finds nothing.

For any ``mu ≥ 0, lam ≥ 0`` the GAP bound of the priced problem plus ``mu · heavy_cap + lam · k``
is an upper bound on the full problem (Lagrangian duality on ``≤`` rows), so the smallest such
value over the iterations is reported as the bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .class_lp import (
    _State,
    class_milp,
    improve_plan,
    lift_floors,
    place_rest,
    round_lp,
    solve_class_lp,
)
from .model import AllocationModel, exact_milp, model_violations

__all__ = ["SolveOutcome", "solve_model"]

_EPS = 1e-9
#: Largest model (brukere × units) the exact MILP fallback is tried on.
MILP_FALLBACK_SIZE = 250_000
#: Largest model (brukere × units) on which a failed rounding goes to the exact milp first
#: (offices of a dozen veiledere where every row is tight, e.g. only heavy cases).
MILP_ROUNDING_SIZE = 20_000
#: Share of the time limit the class LP may use.
LP_TIME_SHARE = 0.8
#: The fallback around ``solve_gap`` runs only with at least this share of the limit (and
#: :data:`FALLBACK_MIN_S` seconds) left; otherwise the result is ``time_limit`` without plan.
FALLBACK_MIN_SHARE = 0.25
FALLBACK_MIN_S = 0.05
#: Seconds per bruker × unit set aside for :func:`greedy_plan`, the plan of last resort when
#: the class LP has not finished (measured 57 ms at 10,000 × 150 = 3.8e-8; with margin).
GREEDY_S_PER_CELL = 6e-8
#: Seconds per bruker × unit the class LP needs for its build and first round (measured
#: build 0.10 s and a cold round 0.1–0.2 s at 10,000 × 150, so 1.3e-7–2e-7); with less,
#: and the greedy plan in hand, the LP is not started and the greedy plan is the answer.
LP_MIN_S_PER_CELL = 1.6e-7
#: Seconds per bruker × unit the class LP is expected to need to its gap target (0.3–0.45 s
#: measured at 10,000 × 150 and 13,200 × 95); with a shorter limit the greedy plan is built
#: first, so a plan is in hand whatever the LP does.
LP_FULL_S_PER_CELL = 3e-7
#: Most price rounds of :func:`capacity_bound` (the bound reported with the greedy plan).
CAPACITY_BOUND_ROUNDS = 30


@dataclass
class SolveOutcome:
    """What the solver found: an assignment (or None), its objective and a proven bound."""

    assignment: np.ndarray | None
    objective: float
    bound: float
    status: str
    message: str = ""
    stats: dict = field(default_factory=dict)


def _solve_gap(gap_tol: float):
    """``solve_gap`` with its stopping gap set to ours."""
    import functools

    from ..optimize import solve_gap  # imported late: the optimisation core may load slowly

    return functools.partial(solve_gap, rel_gap=gap_tol)


def repair(model: AllocationModel, x: np.ndarray) -> np.ndarray | None:
    """Make a GAP solution satisfy the heavy-case limits and the moves budget, or return None.

    Heavy cases leave over-limit units by the cheapest single move to a unit with room (or the
    cheapest swap with a light case); then moves beyond ``max_moves`` are undone cheapest first
    (or pairwise when two movers block each other).
    """
    x = x.copy()
    p, w, h = model.profit, model.weight, model.heavy
    cap, hcap, allowed, cur = model.cap, model.heavy_cap, model.allowed, model.current
    k = model.max_moves
    fixed = model.pinned >= 0
    load, _, hc = model.loads(x)
    hc = hc.astype(float)
    tol = 1e-9 * np.maximum(1.0, cap)
    moves = model.n_moves(x)

    def move_delta(i: np.ndarray, frm: np.ndarray, to: np.ndarray) -> np.ndarray:
        has = cur[i] >= 0
        return (has & (to != cur[i])).astype(int) - (has & (frm != cur[i])).astype(int)

    def apply(i: int, v: int) -> None:
        nonlocal moves
        u = int(x[i])
        moves += int(move_delta(np.array([i]), np.array([u]), np.array([v]))[0])
        load[u] -= w[i]
        load[v] += w[i]
        hc[u] -= h[i]
        hc[v] += h[i]
        x[i] = v

    def unload(v: int) -> bool:
        """Move light cases out of ``v`` (cheapest loss first) until it is within capacity."""
        while load[v] > cap[v] + tol[v]:
            js = np.flatnonzero((x == v) & ~h & ~fixed)
            if js.size == 0:
                return False
            ok = w[js][:, None] <= (cap - load + tol)[None, :]
            ok[:, v] = False
            if allowed is not None:
                ok &= allowed[js]
            if k is not None:
                units = np.arange(m)[None, :]
                has = (cur[js] >= 0)[:, None]
                d = (has & (units != cur[js][:, None])).astype(int) - (
                    has & (v != cur[js][:, None])).astype(int)
                ok &= moves + d <= max(k, moves)
            loss = np.where(ok, p[js, v][:, None] - p[js], np.inf)
            flat = int(np.argmin(loss))
            if not np.isfinite(loss.flat[flat]):
                return False
            a, t = divmod(flat, m)
            apply(int(js[a]), int(t))
        return True

    def eject(cand: np.ndarray, u: int, ok_base: np.ndarray, loss_base: np.ndarray) -> bool:
        """Move the cheapest heavy case to a unit with heavy room, then make room there."""
        loss = np.where(ok_base, loss_base, np.inf)
        flat = int(np.argmin(loss))
        if not np.isfinite(loss.flat[flat]):
            return False
        a, v = divmod(flat, m)
        apply(int(cand[a]), int(v))
        return unload(int(v))

    m = model.n_units
    for u in np.flatnonzero(hc > hcap + _EPS):
        while hc[u] > hcap[u] + _EPS:
            cand = np.flatnonzero((x == u) & h & ~fixed)
            if cand.size == 0:
                return None
            room = (cap - load + tol)[None, :]
            ok_base = np.broadcast_to((hc + 1 <= hcap + _EPS)[None, :], (cand.size, m)).copy()
            ok_base[:, u] = False
            if allowed is not None:
                ok_base &= allowed[cand]
            if k is not None:
                units = np.arange(m)[None, :]
                has = (cur[cand] >= 0)[:, None]
                d = (has & (units != cur[cand][:, None])).astype(int) - (
                    has & (u != cur[cand][:, None])).astype(int)
                ok_base &= moves + d <= max(k, moves)
            ok = ok_base & (w[cand][:, None] <= room)
            loss_base = p[cand, u][:, None] - p[cand]
            loss = np.where(ok, loss_base, np.inf)
            flat = int(np.argmin(loss))
            if np.isfinite(loss.flat[flat]):
                i, v = divmod(flat, model.n_units)
                apply(int(cand[i]), int(v))
                continue
            # Swap a heavy case at u with a light case at a unit that has heavy room.
            others = np.flatnonzero(~h & ~fixed & (x != u))
            others = others[hc[x[others]] + 1 <= hcap[x[others]] + _EPS]
            if others.size == 0:
                if not eject(cand, u, ok_base, loss_base):
                    return None
                continue
            v = x[others]
            ok = (load[u] - w[cand][:, None] + w[others][None, :] <= cap[u] + tol[u])
            new_v = load[v][None, :] - w[others][None, :] + w[cand][:, None]
            ok &= new_v <= (cap[v] + tol[v])[None, :]
            if allowed is not None:
                ok &= allowed[cand][:, v] & allowed[others, u][None, :]
            if k is not None:
                d = (move_delta(np.repeat(cand, len(others)), np.full(cand.size * others.size, u),
                                np.tile(v, cand.size))
                     + move_delta(np.tile(others, cand.size), np.tile(v, cand.size),
                                  np.full(cand.size * others.size, u))).reshape(ok.shape)
                ok &= moves + d <= max(k, moves)
            loss = (p[cand, u][:, None] + p[others, v][None, :]
                    - p[cand][:, v] - p[others, u][None, :])
            loss[~ok] = np.inf
            flat = int(np.argmin(loss))
            if not np.isfinite(loss.flat[flat]):
                if not eject(cand, u, ok_base, loss_base):
                    return None
                continue
            a, b = divmod(flat, others.size)
            i, j = int(cand[a]), int(others[b])
            vj = int(x[j])
            apply(i, vj)
            apply(j, int(u))

    while k is not None and moves > k:
        movers = np.flatnonzero((cur >= 0) & (x != cur) & ~fixed)
        if movers.size == 0:
            return None
        home = cur[movers]
        ok = (load[home] + w[movers] <= cap[home] + tol[home])
        ok &= hc[home] + h[movers] <= hcap[home] + _EPS
        if allowed is not None:
            ok &= allowed[movers, home]
        loss = p[movers, x[movers]] - p[movers, home]
        loss[~ok] = np.inf
        b = int(np.argmin(loss))
        if np.isfinite(loss[b]):
            apply(int(movers[b]), int(home[b]))
            continue
        # Two movers blocking each other: i goes home to u, j (at u, also a mover) takes i's place.
        best = (np.inf, -1, -1)
        for i in movers:
            u, v = int(cur[i]), int(x[i])
            js = movers[(x[movers] == u) & (movers != i)]
            if js.size == 0:
                continue
            fits = (load[u] - w[js] + w[i] <= cap[u] + tol[u])
            fits &= load[v] - w[i] + w[js] <= cap[v] + tol[v]
            fits &= hc[u] - h[js] + h[i] <= hcap[u] + _EPS
            fits &= hc[v] - h[i] + h[js] <= hcap[v] + _EPS
            if allowed is not None:
                fits &= allowed[i, u] & allowed[js, v]
            lj = p[i, v] + p[js, u] - p[i, u] - p[js, v]
            lj[~fits] = np.inf
            t = int(np.argmin(lj))
            if lj[t] < best[0]:
                best = (float(lj[t]), int(i), int(js[t]))
        if not np.isfinite(best[0]):
            return None
        _, i, j = best
        v = int(x[i])
        apply(i, int(cur[i]))
        apply(j, v)
    if model_violations(model, x):
        st = _State(model, x)
        if not lift_floors(st, time.perf_counter() + 1.0) or model_violations(model, st.x):
            return None
        x = st.x
    return x


def _polish(model: AllocationModel, x: np.ndarray, solve_gap, deadline: float,
            seed: int) -> np.ndarray | None:
    """Fix the heavy cases where ``x`` has them and re-solve the GAP for the light cases.

    Heavy cases cannot move, so the heavy-case limits hold; the moves budget is re-checked
    (and repaired) afterwards.
    """
    left = deadline - time.perf_counter()
    if left <= 0.01:
        return None
    n, m = model.n_brukere, model.n_units
    allowed = np.ones((n, m), dtype=bool) if model.allowed is None else model.allowed.copy()
    rows = np.flatnonzero(model.heavy)
    allowed[rows] = False
    allowed[rows, x[rows]] = True
    r = solve_gap(model.profit, model.weight, model.cap, sense="max", allowed=allowed,
                  time_limit=max(0.5 * left, 0.01), seed=seed)
    xp = np.asarray(r.assignment)
    if xp.size != n or (xp < 0).any():
        return None
    if model_violations(model, xp):
        xp = repair(model, xp)
    return xp


def _solve_priced(
    model: AllocationModel,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    gap_tol: float = 1e-4,
    max_iter: int = 25,
    polish: bool = True,
) -> SolveOutcome:
    """The fallback: Lagrangian prices around ``solve_gap`` (see the module docstring)."""
    start = time.perf_counter()
    deadline = start + float(time_limit)
    n, m = model.n_brukere, model.n_units
    stats: dict = {"gap_solves": 0, "gap_runtime": 0.0, "repaired": 0, "method": "gap"}
    if n == 0:
        return SolveOutcome(np.zeros(0, dtype=np.int64), 0.0, 0.0, "optimal", stats=stats)
    solve_gap = _solve_gap(gap_tol)
    k = model.max_moves
    heavy_f = model.heavy.astype(float)
    heavy_may_bind = bool(model.heavy.sum() > model.heavy_cap.min(initial=np.inf))
    side = heavy_may_bind or k is not None
    moves_mask = model.moves_mask() if k is not None else None
    price_span = float(model.profit.max() - model.profit.min()) + 1.0

    best_x: np.ndarray | None = None
    best_obj = -np.inf
    best_bound = np.inf
    hit_limit = False
    mu = np.zeros(m)
    lam, lam_lo, lam_hi = 0.0, 0.0, None
    theta = 1.0
    last_message = ""
    for it in range(max_iter):
        priced = model.profit
        if mu.any():
            priced = priced - heavy_f[:, None] * mu[None, :]
        if lam > 0:
            priced = priced - lam * moves_mask
        left = deadline - time.perf_counter()
        if left <= 0.005 and it > 0:
            hit_limit = True
            break
        r = solve_gap(priced, model.weight, model.cap, sense="max", allowed=model.allowed,
                      time_limit=max(left * (0.5 if side else 1.0), 0.01), seed=seed)
        stats["gap_solves"] += 1
        stats["gap_runtime"] += float(r.runtime)
        last_message = r.message
        if r.status == "infeasible":
            # The priced problem has the same feasible set as the relaxation without the heavy
            # and moves rows: when that is infeasible, so is the full problem.
            stats["relaxation"] = "infeasible"
            return SolveOutcome(None, float("nan"), -np.inf, "infeasible", r.message, stats)
        if r.status == "time_limit":
            hit_limit = True
        lag = np.inf
        if np.isfinite(r.bound):
            lag = float(r.bound) + float(mu @ model.heavy_cap) + (lam * k if k is not None else 0.0)
            best_bound = min(best_bound, lag)
        x = np.asarray(r.assignment)
        if x.size != n or (x < 0).any():
            break
        xr = x if not model_violations(model, x) else repair(model, x)
        if xr is not None and xr is not x:
            xr = xr if not model_violations(model, xr) else None
        if xr is not None:
            if xr is not x:
                stats["repaired"] += 1
            st = _State(model, xr.copy())
            improve_plan(st, deadline, rounds=3)
            xr = st.x
            obj = model.objective(xr)
            if obj > best_obj:
                best_x, best_obj = xr, obj
        if best_x is not None and best_bound - best_obj <= gap_tol * max(1.0, abs(best_obj)):
            break
        if not side:
            break
        if xr is not None and xr is not x and polish:
            # Keep the repaired heavy placement and re-solve the light cases around it.
            xp = _polish(model, xr, solve_gap, deadline, seed)
            stats["gap_solves"] += 1
            if xp is not None and model.objective(xp) > best_obj:
                best_x, best_obj = xp, model.objective(xp)
                stats["polished"] = stats.get("polished", 0) + 1
            if best_bound - best_obj <= gap_tol * max(1.0, abs(best_obj)):
                break
        # Update the prices.
        _, _, counts = model.loads(x)
        g = counts - model.heavy_cap
        n_moves = model.n_moves(x)
        moves_bad = k is not None and n_moves > k
        sub = np.where((g > 0) | (mu > 0), g, 0.0)
        if not moves_bad and not (g > 0).any() and not mu.any() and lam == 0:
            break  # the relaxation's solution is feasible: nothing to price
        if sub.any():
            target = best_obj if best_x is not None else lag - 1e-3 * abs(lag)
            step = theta * max(lag - target, 1e-6) / float(sub @ sub)
            mu = np.minimum(np.maximum(mu + step * sub, 0.0), price_span)
            theta = max(theta * 0.7, 0.05)
        if k is not None:
            if moves_bad:
                lam_lo = lam
                lam = max(2 * lam, 1e-3) if lam_hi is None else 0.5 * (lam + lam_hi)
            elif n_moves < k and lam > 0:
                lam_hi = lam
                lam = 0.5 * (lam_lo + lam)
            lam = min(lam, price_span)
    stats["iterations"] = stats["gap_solves"]
    stats["mu_max"] = float(mu.max(initial=0.0))
    stats["lam"] = lam

    if best_x is None:
        left = deadline - time.perf_counter()
        if n * m <= MILP_FALLBACK_SIZE and left > 0.05:
            sol = exact_milp(model, time_limit=left)
            stats["method"] = "milp-fallback"
            if sol.status == "infeasible":
                return SolveOutcome(None, float("nan"), -np.inf, "infeasible",
                                    "milp: no plan satisfies every limit", stats)
            if sol.assignment is not None and not model_violations(model, sol.assignment):
                best_x, best_obj = sol.assignment, sol.objective
                best_bound = min(best_bound, sol.bound)
                hit_limit = hit_limit or sol.status != "optimal"
            elif sol.assignment is None:
                hit_limit = True  # the milp ran out of time with neither a plan nor a proof
        if best_x is None:
            status = ("time_limit" if hit_limit or deadline - time.perf_counter() <= 0.05
                      else "infeasible")
            if status == "infeasible":
                # no plan found, and nothing proves there is none: the caller searches on
                # (``propose.solve_office``) rather than call the office infeasible
                stats["proof"] = "none"
            return SolveOutcome(None, float("nan"), best_bound, status, last_message, stats)
    best_bound = max(best_bound, best_obj)  # a bound below a feasible value is rounding noise
    gap = (best_bound - best_obj) / max(1.0, abs(best_obj))
    if gap <= 1e-6:
        status = "optimal"
    elif hit_limit:
        status = "time_limit"
    else:
        status = "feasible"
    stats["runtime"] = time.perf_counter() - start
    return SolveOutcome(best_x, best_obj, best_bound, status, last_message, stats)


def _milp_plan(model: AllocationModel, lp, deadline: float, gap_tol: float,
               stats: dict) -> np.ndarray | None:
    """Whole class counts by milp when rounding found no plan on a small model (every row
    tight, e.g. an office of only heavy cases): first near the LP point, then anywhere."""
    if lp.problem is None or model.n_brukere * model.n_units > MILP_ROUNDING_SIZE:
        return None
    for window in (2, None):
        left = deadline - time.perf_counter()
        if left < 0.02:
            return None
        sol = class_milp(model, lp, time_limit=left, rel_gap=gap_tol, window=window)
        stats["class_milp"] = f"window {window}: {'plan' if sol is not None else 'none'}"
        if sol is None:
            continue
        st = _State(model, round_lp(model, sol))
        if place_rest(st) and not model_violations(model, st.x):
            return st.x
    return None


def solve_model(
    model: AllocationModel,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    gap_tol: float = 1e-4,
    grace: float = 0.0,
) -> SolveOutcome:
    """Solve the full model: the class LP (bound), its rounding (plan), then improvement.

    When the rounding finds no plan within every limit: the exact milp on small models
    (:data:`MILP_ROUNDING_SIZE`), then :func:`_solve_priced` (prices around ``solve_gap``)
    while at least :data:`FALLBACK_MIN_SHARE` of the time is left. ``status`` is
    ``time_limit`` only when the clock stopped a step before the certified gap reached
    ``gap_tol``; the bound is valid either way. ``grace``: seconds past the limit that
    finishing a plan may still use when there is none in hand — the greedy plan of a short
    limit, the rounding's floor lift when no greedy plan was made (or it found none), and the
    greedy plan of last resort when the clock stopped everything else (the caller's own
    reserve, for writing the result).
    """
    start = time.perf_counter()
    deadline = start + float(time_limit)
    n = model.n_brukere
    stats: dict = {"method": "class-lp"}
    if n == 0:
        return SolveOutcome(np.zeros(0, dtype=np.int64), 0.0, 0.0, "optimal", stats=stats)
    cells = n * model.n_units
    x_greedy: np.ndarray | None = None
    if float(time_limit) < LP_FULL_S_PER_CELL * cells:
        # Less time than the LP is expected to need: a plan in hand first (the greedy, some
        # 60 ms at 10,000 × 150), then the LP with what is left; the better plan is kept.
        # With no plan in hand yet, the greedy may use the grace too (on a slow machine a
        # 1-s plan() at 10,000 × 150 left it too little and had no distribution).
        if float(time_limit) + grace >= GREEDY_S_PER_CELL * cells:
            x_greedy = greedy_plan(model, deadline + grace)
        stats["greedy"] = "plan" if x_greedy is not None else "no plan"
    lp_limit = LP_TIME_SHARE * (deadline - time.perf_counter())
    if x_greedy is not None and lp_limit < LP_MIN_S_PER_CELL * cells:
        stats["lp"] = "skipped: no time for one round"
        return _greedy_outcome(model, x_greedy, np.inf, deadline, start, gap_tol, stats)
    lp = solve_class_lp(model, time_limit=lp_limit, stop_gap=0.1 * gap_tol)
    stats.update(lp.stats)
    if lp.status == "infeasible":
        stats["relaxation"] = "infeasible"
        return SolveOutcome(None, float("nan"), -np.inf, "infeasible",
                            "the LP relaxation has no solution", stats)
    hit_limit = lp.status == "time_limit"
    best_x: np.ndarray | None = None
    bound = lp.bound
    if lp.has_counts:
        st = _State(model, round_lp(model, lp))
        stats["rounded_rest"] = int((st.x < 0).sum())
        placed = place_rest(st)
        # with no plan in hand (no greedy, or it found none) the floors of the rounding may
        # be lifted in the grace as well: a plan rather than none
        lift_until = deadline + (grace if x_greedy is None else 0.0)
        lifted = placed and lift_floors(st, lift_until)
        if placed and not lifted:
            lift_floors_fast(model, st.x, lift_until)
            lifted = not model_violations(model, st.x)
            st = _State(model, st.x)
        broken = model_violations(model, st.x) if lifted else ["not placed"]
        stats["rounding"] = ("ok" if not broken else "no place for a bruker" if not placed
                             else "floor not reached" if not lifted else "; ".join(broken[:3]))
        if not broken:
            best_x = st.x.copy()  # improve_plan below works on st.x in place
        else:
            xm = _milp_plan(model, lp, deadline, gap_tol, stats)
            if xm is not None:
                stats["method"] = "class-lp + class milp"
                best_x = xm
                st = _State(model, xm.copy())
        if best_x is not None:
            obj = model.objective(best_x)
            stats["rounded_objective"] = obj
            if bound - obj > gap_tol * max(1.0, abs(obj)):
                improve_plan(st, deadline, target=bound - gap_tol * max(1.0, abs(obj)))
                if not model_violations(model, st.x) and model.objective(st.x) >= obj:
                    best_x = st.x.copy()
    if best_x is None and x_greedy is not None:
        return _greedy_outcome(model, x_greedy, bound, deadline, start, gap_tol, stats)
    if best_x is None:
        left = deadline - time.perf_counter()
        if left < max(FALLBACK_MIN_S, FALLBACK_MIN_SHARE * float(time_limit)):
            return _last_resort(model, bound, deadline, start, gap_tol, stats, grace)
        stats["method"] = "priced-gap"
        out = _solve_priced(model, time_limit=left, seed=seed, gap_tol=gap_tol)
        out.stats.update({k: v for k, v in stats.items() if k != "method"})
        out.stats["method"] = "priced-gap (fallback)"
        if out.assignment is not None and np.isfinite(bound) and bound < out.bound:
            out.bound = max(bound, out.objective)
            gap = (out.bound - out.objective) / max(1.0, abs(out.objective))
            if gap <= 1e-6:
                out.status = "optimal"
            elif gap <= gap_tol and out.status == "time_limit":
                out.status = "feasible"
        return out
    if x_greedy is not None and model.objective(x_greedy) > model.objective(best_x):
        best_x = x_greedy
        stats["method"] = "greedy (better than the rounding)"
    obj = model.objective(best_x)
    if bound - obj > gap_tol * max(1.0, abs(obj)):
        # No LP round finished, or only one with elastic columns (whose duals can give a
        # weak bound): capacity prices may certify more (both bounds are valid).
        bound = min(bound, capacity_bound(model, deadline, obj))
    bound = max(bound, obj)  # a bound below a feasible value is rounding noise
    gap = (bound - obj) / max(1.0, abs(obj))
    hit_limit = hit_limit or time.perf_counter() > deadline
    if gap <= 1e-6:
        status = "optimal"
    elif hit_limit and gap > gap_tol:
        status = "time_limit"
    else:
        status = "feasible"
    stats["runtime"] = time.perf_counter() - start
    return SolveOutcome(best_x, obj, bound, status, "", stats)


def _last_resort(model: AllocationModel, bound: float, deadline: float, start: float,
                 gap_tol: float, stats: dict, grace: float = 0.0) -> SolveOutcome:
    """No time for the fallback: the greedy plan (when it fits in the time left, ``grace``
    past the deadline included, and was not tried already), or no plan. (A rounding that
    the clock stopped while it lifted the floors left a 0.8-s limit at 10,000 × 150 without
    a plan on a loaded machine; the greedy takes 0.06-0.1 s there.)"""
    stats["fallback"] = "no time left"
    x = None
    if (stats.get("greedy") is None and deadline + grace - time.perf_counter()
            >= GREEDY_S_PER_CELL * model.n_brukere * model.n_units):
        x = greedy_plan(model, deadline + grace)
        if x is not None:
            stats["fallback"] = "greedy plan of last resort"
    if x is None:
        stats["runtime"] = time.perf_counter() - start
        return SolveOutcome(None, float("nan"), bound, "time_limit",
                            "no plan within the time limit", stats)
    return _greedy_outcome(model, x, bound, deadline, start, gap_tol, stats)


def _greedy_outcome(model: AllocationModel, x: np.ndarray, bound: float, deadline: float,
                    start: float, gap_tol: float, stats: dict) -> SolveOutcome:
    """The greedy plan as the answer, with the best certified bound at hand: the LP's dual
    value if a round finished, capacity prices (:func:`capacity_bound`) in any case."""
    stats["method"] = "greedy (time limit)"
    obj = model.objective(x)
    if bound - obj > gap_tol * max(1.0, abs(obj)):
        bound = min(bound, capacity_bound(model, deadline, obj))
    bound = max(bound, obj)
    gap = (bound - obj) / max(1.0, abs(obj))
    status = "optimal" if gap <= 1e-6 else "time_limit" if gap > gap_tol else "feasible"
    stats["runtime"] = time.perf_counter() - start
    return SolveOutcome(x, obj, bound, status, "", stats)


def trivial_bound(model: AllocationModel) -> float:
    """``Σ_i max_u profit[i, u]`` over the units each bruker may go to (her pinned unit when
    pinned): every side constraint dropped, so no plan can be worth more."""
    p = model.profit if model.allowed is None else np.where(model.allowed, model.profit,
                                                             -np.inf)
    best = p.max(axis=1) if model.n_units else np.zeros(model.n_brukere)
    pin = model.pinned >= 0
    best[pin] = model.profit[np.flatnonzero(pin), model.pinned[pin]]
    return float(best.sum())


def capacity_bound(model: AllocationModel, deadline: float, target: float,
                   rounds: int = CAPACITY_BOUND_ROUNDS) -> float:
    """A certified bound from prices on the capacity rows alone (the heavy-case, floor and
    moves rows dropped, a relaxation): for any prices ``lam ≥ 0``,
    ``Σ_i max_u (profit[i, u] − lam[u]·weight[i]) + lam · cap`` bounds every plan. Starts at
    ``lam = 0`` (:func:`trivial_bound`), then Polyak subgradient steps towards ``target`` (a
    plan's value) while time is left; the smallest value is returned. About 5 ms a round at
    10,000 × 150."""
    n, m = model.n_brukere, model.n_units
    if n == 0 or m == 0:
        return trivial_bound(model)
    p = model.profit if model.allowed is None else np.where(model.allowed, model.profit,
                                                             -np.inf)
    pin = model.pinned >= 0
    if pin.any():
        p = p.copy()
        rows = np.flatnonzero(pin)
        keep = p[rows, model.pinned[pin]]
        p[rows] = -np.inf
        p[rows, model.pinned[pin]] = keep
    w, cap = model.weight, model.cap
    lam = np.zeros(m)
    best = np.inf
    theta = 1.0
    for _ in range(rounds):
        red = p - w[:, None] * lam[None, :]
        j = np.argmax(red, axis=1)
        value = float(red[np.arange(n), j].sum() + lam @ cap)
        best = min(best, value)
        if time.perf_counter() > deadline:
            break
        g = cap - np.bincount(j, weights=w, minlength=m)
        g = np.where((g < 0) | (lam > 0), g, 0.0)
        if not g.any():
            break
        lam = np.maximum(lam - theta * max(value - target, 1e-9) / float(g @ g) * g, 0.0)
        theta = max(0.7 * theta, 0.05)
    return best


def lift_floors_fast(model: AllocationModel, x: np.ndarray, deadline: float) -> None:
    """Units below their balance floor take the brukere cheapest to move (one sort per low
    unit) from units that stay at or above theirs, within capacity and the heavy-case limits;
    ``x`` is changed in place. The moves budget is not looked at (the caller checks)."""
    n, m = model.n_brukere, model.n_units
    p, w, h = model.profit, model.weight, model.heavy
    cap, hcap, floor = model.cap, model.heavy_cap, model.floor
    load = np.bincount(x, weights=w, minlength=m).astype(float)
    hc = np.bincount(x, weights=h.astype(float), minlength=m)
    tol = 1e-9 * np.maximum(1.0, cap)
    fixed = model.pinned >= 0
    idx = np.arange(n)
    for u in np.argsort(load - floor):
        if load[u] >= floor[u] - tol[u]:
            break
        loss = p[idx, x] - p[:, u]
        cand = ~fixed & (x != u)
        if model.allowed is not None:
            cand &= model.allowed[:, u]
        for i in np.flatnonzero(cand)[np.argsort(loss[cand], kind="stable")]:
            if load[u] >= floor[u] - tol[u] or time.perf_counter() > deadline:
                break
            v = x[i]
            if (load[v] - w[i] < floor[v] - tol[v] or load[u] + w[i] > cap[u] + tol[u]
                    or (h[i] and hc[u] + 1 > hcap[u] + _EPS)):
                continue
            x[i] = u
            load[v] -= w[i]
            load[u] += w[i]
            hc[v] -= h[i]
            hc[u] += h[i]


def greedy_plan(model: AllocationModel, deadline: float) -> np.ndarray | None:
    """A fast plan within every limit, or None: a greedy by fit, then floors lifted.

    Rounds of proposals: each bruker not yet placed proposes to her best unit with room
    (capacity, balance cap, heavy-case limit, allowed units); each unit takes its proposers in
    order of regret (best fit less the second best) while they fit, so at least one per unit
    and round. Units left below their balance floor then take the brukere cheapest to move
    from units that stay above theirs; a broken moves budget is repaired by :func:`repair`.
    About 30–60 ms at 10,000 brukere × 150 units (``docs/allocation.md``, time limits). Used
    when the deadline comes before the class LP has a solution to round.
    """
    m = model.n_units
    p, w, h = model.profit, model.weight, model.heavy
    cap, hcap = model.cap, model.heavy_cap
    x = np.where(model.pinned >= 0, model.pinned, -1).astype(np.int64)
    placed = x >= 0
    load = np.bincount(x[placed], weights=w[placed], minlength=m).astype(float)
    hc = np.bincount(x[placed], weights=h[placed].astype(float), minlength=m).astype(float)
    tol = 1e-9 * np.maximum(1.0, cap)
    rest = np.flatnonzero(~placed)
    restricted = None if model.allowed is None else ~model.allowed.all(axis=1)
    while rest.size:
        if time.perf_counter() > deadline:
            return None
        room = cap - load + tol
        hroom = hcap - hc + _EPS
        ok = (w[rest][:, None] <= room[None, :]) & ~(h[rest][:, None] & (hroom < 1)[None, :])
        if model.allowed is not None:
            ok &= model.allowed[rest]
        sc = np.where(ok, p[rest], -np.inf)
        best = np.argmax(sc, axis=1)
        r = np.arange(rest.size)
        top = sc[r, best]
        if not np.isfinite(top).all():
            return None  # a bruker fits nowhere: leave it to the exact methods
        sc[r, best] = -np.inf
        second = sc.max(axis=1)
        regret = np.where(np.isfinite(second), top - second, np.inf)
        if restricted is not None:
            # brukere a hard rule keeps to a few units (kommunal_only, hard specialty) go
            # first at their unit, before others fill the room they alone may use
            order = np.lexsort((-regret, ~restricted[rest], best))
        else:
            order = np.lexsort((-regret, best))
        u = best[order]
        start = np.searchsorted(u, u, side="left")
        cw = np.cumsum(w[rest[order]])
        cw = cw - np.concatenate([[0.0], cw])[start]
        chh = np.cumsum(h[rest[order]].astype(float))
        chh = chh - np.concatenate([[0.0], chh])[start]
        take = (cw <= room[u]) & (chh <= hroom[u])
        take[start == np.arange(u.size)] = True  # the first proposer fits (checked above)
        acc = rest[order[take]]
        x[acc] = u[take]
        load += np.bincount(u[take], weights=w[acc], minlength=m)
        hc += np.bincount(u[take], weights=h[acc].astype(float), minlength=m)
        rest = rest[~np.isin(rest, acc)]
    lift_floors_fast(model, x, deadline)
    if model_violations(model, x):
        x = repair(model, x) if model.max_moves is not None else None
        if x is None or model_violations(model, x):
            return None
    return x
