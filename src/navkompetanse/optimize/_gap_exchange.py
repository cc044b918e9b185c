"""Office-case GAP: exchange cycles between agents over class counts (own local search).

After the class LP is rounded, what the incumbent loses against the bound sits in a few
agents whose heavy items could not be split: the LP put half an item of weight 3 at two
agents, and moving items of *different* weights is what repairs that (one item of weight 1
out, four of weight 0.25 in).  Single shifts and pairwise swaps do not find such moves; a
MIP over the freed classes does, but HiGHS spends most of a one-second budget in its root
cut loop first.

Here a move is a *bundle*: items at agent ``u`` of total weight exactly ``W`` moved to
agent ``v`` (one weight-1 item, or four of weight 0.25, ...), at cost
``T_W[u, v] = min`` over the ways to make up ``W`` from the items at ``u`` of the sum of
``c[k, v] - c[k, u]``.  A cycle of bundles of the same ``W`` leaves every load unchanged; a
path ending at an agent with room ``>= W`` (a cycle through a virtual node) moves ``W`` of
load there.  Negative cycles are found by Bellman-Ford on the ``(m + 1)``-node graph of
``T_W`` (numpy, ``O(m^2)`` per pass), applied, checked exactly (counts, capacities, cost),
and only the agents on the cycle are priced again.  Weights must lie on a lattice of at most
:data:`_MAX_UNITS` units per item (issue 10's needs family: 0.25, 1, 1.5, 2, 3 = 1, 4, 6, 8,
12 units); otherwise bundles are single items.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

__all__ = ["exchange_cycles"]

_MAX_UNITS = 24  # largest item weight in lattice units for mixed bundles
_MAX_LEVELS = 6  # at most this many distinct weights
ALL_SIZES = True  # bundle sizes 1..max units (False: the item weights only)
_MAX_TABLE = 6_000_000  # entries of the bundle tables (48 MB)


def _lattice(wk):
    """``(levels, units per level)``: the distinct positive weights on a common lattice."""
    levels = np.unique(wk[wk > 0])
    if len(levels) == 0 or len(levels) > _MAX_LEVELS:
        return None
    u = levels / levels[0]
    for d in range(1, 13):  # smallest denominator that makes every weight integral
        if np.allclose(u * d, np.round(u * d), rtol=0, atol=1e-9):
            units = np.round(u * d).astype(np.int64)
            if units.max() <= _MAX_UNITS:
                return levels, units
            break
    return levels, None


def _compositions(levels, units):
    """The bundle sizes and the ways to make each up exactly from the weight levels.

    Returns ``{size: (weight, [r])}`` with ``r[l]`` items of level ``l``.  On a lattice the
    sizes run over 1..max units (:data:`ALL_SIZES`, else the levels' own sizes); without one
    (``units`` None) one size per level, made of one item of that level.
    """
    L = len(levels)
    if units is None:
        return {li: (float(levels[li]), [np.eye(L, dtype=np.int64)[li]]) for li in range(L)}
    unit_w = float(levels[0]) / float(units[0])
    out = {}
    sizes = range(1, int(units.max()) + 1) if ALL_SIZES else np.unique(units)
    for W in sizes:
        ways = []
        ranges = [range(int(W // u) + 1) for u in units]
        for r in itertools.product(*ranges):
            if sum(ri * u for ri, u in zip(r, units, strict=True)) == W:
                ways.append(np.asarray(r, dtype=np.int64))
        if ways:
            out[int(W)] = (W * unit_w, ways)
    return out


class _Bundles:
    """Prefix sums ``P[l][u, v, r]``: cost of moving the r cheapest level-l items u -> v."""

    def __init__(self, Y, ck, wk, levels, rmax):
        self.Y, self.ck = Y, ck
        self.ks = [np.flatnonzero(np.isclose(wk, lv)) for lv in levels]
        self.rmax = rmax
        m = Y.shape[1]
        self.P = [np.full((m, m, r + 1), np.inf) for r in rmax]
        for j in range(m):
            self.update(j)

    def _sorted(self, l_, j, cols=None):
        ks = self.ks[l_]
        ks = ks[self.Y[ks, j] > 0]
        r = self.rmax[l_]
        if r == 0 or len(ks) == 0:
            return ks, None
        ck = self.ck[ks] if cols is None else self.ck[np.ix_(ks, cols)]
        diff = ck - self.ck[ks, j][:, None]
        rep = np.repeat(np.arange(len(ks)), np.minimum(self.Y[ks, j], r))
        d = diff[rep]
        order = np.argsort(d, axis=0, kind="stable")[:r]
        return ks[rep], (d, order)

    def update(self, j):
        for l_, P in enumerate(self.P):
            P[j, :, 1:] = np.inf
            P[j, :, 0] = 0.0
            _, srt = self._sorted(l_, j)
            if srt is None:
                continue
            d, order = srt
            vals = np.take_along_axis(d, order, axis=0)
            cs = np.cumsum(vals, axis=0).T  # (m, r_avail)
            P[j, :, 1:1 + cs.shape[1]] = cs
            P[j, j, 1:] = np.inf

    def items(self, u, v, r):
        """The classes (with repetition) of the cheapest bundle ``r`` from u to v."""
        out = []
        for l_, rl in enumerate(r):
            if rl == 0:
                continue
            cls, srt = self._sorted(l_, u, cols=[v])
            d, order = srt
            out.extend(cls[order[:rl, 0]].tolist())
        return out


def _neg_cycle(D, eps, deadline):
    """A negative cycle of the arc-cost matrix ``D`` (Bellman-Ford from every node), or None."""
    N = D.shape[0]
    dist = np.zeros(N)
    pred = -np.ones(N, dtype=np.int64)
    ar = np.arange(N)
    for it in range(N + 1):
        cand = dist[:, None] + D
        i = np.argmin(cand, axis=0)
        v = cand[i, ar]
        upd = v < dist - eps
        if not upd.any():
            return None
        dist[upd] = v[upd]
        pred[upd] = i[upd]
        if it % 8 == 7 or it == N:
            if time.perf_counter() > deadline:
                return None
            for x in np.flatnonzero(upd)[:4]:
                seen = {}
                y = int(x)
                while y >= 0 and y not in seen:
                    seen[y] = len(seen)
                    y = int(pred[y])
                if y < 0:
                    continue
                cyc = [y]
                z = int(pred[y])
                while z != y:
                    cyc.append(z)
                    z = int(pred[z])
                cyc.reverse()  # arcs pred[x] -> x in order
                cost = sum(D[pred[x_], x_] for x_ in cyc)
                if cost < -eps:
                    return [(int(pred[x_]), int(x_)) for x_ in cyc]
    return None


def exchange_cycles(Y, ck, wk, C, deadline, stats, max_cycles=10_000):
    """Improve integer class counts ``Y`` (K, m) in place by negative exchange cycles.

    ``ck`` are min-form class costs (``inf`` = forbidden), ``wk`` class weights, ``C``
    capacities.  Each applied cycle lowers ``sum(Y * ck)`` and keeps every count and
    capacity (checked after each move; a failed check undoes it).  Returns the number of
    cycles applied.
    """
    K, m = Y.shape
    lat = _lattice(wk)
    if lat is None or m < 2:
        return 0
    levels, units = lat
    comps = _compositions(levels, units)
    # most items of one level any bundle takes
    rmax = [max(int(r[li]) for _, ways in comps.values() for r in ways)
            for li in range(len(levels))]
    if m * m * sum(r + 1 for r in rmax) > _MAX_TABLE:
        return 0  # the prefix-sum tables would not fit (about 500 agents and more)
    B = _Bundles(Y, np.where(np.isfinite(ck), ck, np.inf), wk, levels, rmax)
    tol = 1e-9 * max(1.0, float(np.max(C)))
    fin = np.isfinite(ck)
    scale = float(np.abs(ck[fin]).max(initial=1.0))
    eps = 1e-9 * max(1.0, scale)
    load = (Y * wk[:, None]).sum(axis=0)
    applied = 0
    idle = 0  # bundle sizes in a row without a cycle
    sizes = sorted(comps)
    si = 0
    while applied < max_cycles and idle < len(sizes) and time.perf_counter() < deadline:
        W = sizes[si % len(sizes)]
        si += 1
        weight, ways = comps[W]
        T = np.full((m, m), np.inf)
        arg = np.zeros((m, m), dtype=np.int64)
        for ci, r in enumerate(ways):
            tot = np.zeros((m, m))
            for l_, rl in enumerate(r):
                if rl:
                    tot = tot + B.P[l_][:, :, rl]
            better = tot < T
            T[better] = tot[better]
            arg[better] = ci
        D = np.full((m + 1, m + 1), np.inf)
        D[:m, :m] = T
        D[m, :m] = 0.0
        D[:m, m] = np.where(C - load >= weight - tol, 0.0, np.inf)
        cyc = _neg_cycle(D, eps, deadline)
        if cyc is None:
            idle += 1
            continue
        moves = []
        for u, v in cyc:
            if u == m or v == m:
                continue
            moves.append((u, v, B.items(u, v, ways[arg[u, v]])))
        before = float((Y * np.where(fin, ck, 0.0)).sum())
        for u, v, ks in moves:
            np.subtract.at(Y[:, u], ks, 1)
            np.add.at(Y[:, v], ks, 1)
        load2 = (Y * wk[:, None]).sum(axis=0)
        bad = (Y < 0).any() or (load2 > C + tol).any() or (~fin & (Y > 0)).any()
        after = float((Y * np.where(fin, ck, 0.0)).sum())
        if bad or after >= before - eps:  # pragma: no cover - the bundles were priced stale
            for u, v, ks in moves:
                np.add.at(Y[:, u], ks, 1)
                np.subtract.at(Y[:, v], ks, 1)
            idle += 1
            continue
        load = load2
        for j in {x for u, v, _ in moves for x in (u, v)}:
            B.update(j)
        applied += 1
        idle = 0
    stats["exchange_cycles"] = stats.get("exchange_cycles", 0) + applied
    return applied
