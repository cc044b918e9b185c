"""Veileder-pairs: propose pairs whose strengths complement each other against the office's needs.

A pair shares a larger portfolio and splits the work by strength (DOMAIN.md: "he does most of
the casework, while she has all the meetings with brukere"). A pair is valued by what it does
for *this office's brukere once they are distributed*: the allocation model of
:mod:`navkompetanse.pairing.valuation` (an LP relaxation of the allocation of brukere to
units, fit as profit, workload points as weight, each unit's capacity as the allocation has
it, and no pairing whose overhead the office cannot spare). See ``docs/pairing.md`` for the
definition, a worked example and the bound.

The public function reads as a pipeline: validate (``_iv_pairing``) → arrays in canonical
order (``_arrays``, ``_rules``) → search (:func:`~navkompetanse.pairing.search.search_pairing`)
→ wrap (``_wrap``, a :class:`~navkompetanse.pairing.pairs.PairingResult`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np

from ..exceptions import InvalidInputError, Problem
from ..models import DIMENSIONS, CompetenceProfile, Office, pair_faults
from ..policy import Policy
from ..privacy import contains_fodselsnummer
from ..scoring import (
    OfficeArrays,
    fit_matrix,
    lead_members,
    need_levels,
    office_arrays,
    pair_capacity,
    unit_id,
)
from ..text import check_lang, fmt, join, percent, unit_label
from ..text import pairing as words
from .pairs import Pair, PairingResult
from .search import SearchOutcome, search_pairing
from .valuation import PairingModel, _unique_rows

__all__ = ["pair_veiledere"]

_METHODS = ("allocation", "prices")

#: Allocation LPs the search may spend (rounds + local search + Lagrangian heuristic), on top
#: of one LP per proposed pair for its exact gain. A count, so results do not depend on the
#: machine; each LP is a warm re-solve of a few milliseconds (see ``allocation_lp``).
_LP_BUDGET = 40

#: Exact mode (branch-and-bound over pairings, ``exact``): on by default up to this many
#: veiledere, with these budgets (counts: nodes, allocation LPs). At 10 veiledere the
#: benchmark offices need 3–40 nodes; the budgets leave room for harder offices.
_EXACT_MAX_N = 10
_EXACT_NODES = 1500
_EXACT_LPS = 300
#: Budgets of ``exact=True`` above ``_EXACT_MAX_N`` (a node costs 10–40 ms there: the node's
#: matching is ``max_weight_pairing``, not the table of all matchings).
_EXACT_NODES_LARGE = 150
_EXACT_LPS_LARGE = 100


# ---- validation --------------------------------------------------------------------------
def _pair_list(pairs: Iterable[Sequence[str]], what: str, pairable: dict[str, bool],
               problems: list[Problem]) -> list[tuple[str, str]]:
    """The pairs as sorted member tuples; every fault (``models.pair_faults``) to ``problems``."""
    out = []
    for i, p in enumerate(pairs):
        members = tuple(p) if not isinstance(p, str) else (p,)
        faults = pair_faults(members, pairable)
        problems.extend(Problem(f"{what}[{i}]", what, problem, value, fix)
                        for problem, value, fix in faults)
        if not faults:
            out.append(tuple(sorted(members)))
    return out


def _forbidden_pairs(forbidden, pairable: dict[str, bool], problems: list[Problem]
                     ) -> dict[tuple[str, str], str | None]:
    """The caller's forbidden pairs ``{(a, b): reason or None}`` (a mapping gives reasons)."""
    if isinstance(forbidden, Mapping):
        items = list(forbidden.items())
    else:
        items = [(p, None) for p in forbidden]
    out: dict[tuple[str, str], str | None] = {}
    for i, (p, reason) in enumerate(items):
        members = tuple(p) if not isinstance(p, str) else (p,)
        faults = pair_faults(members, pairable)
        problems.extend(Problem(f"forbidden[{i}]", "forbidden", problem, value, fix)
                        for problem, value, fix in faults)
        if reason is not None and not (isinstance(reason, str) and reason.strip()):
            problems.append(Problem(f"forbidden[{i}]", "forbidden", "the reason is not a text",
                                    reason, "give the reason as a short text, or None"))
            continue
        if reason is not None and contains_fodselsnummer(reason):
            problems.append(Problem(f"forbidden[{i}]", "forbidden", "the reason contains a "
                                    "national identity number", reason,
                                    "describe the reason without personal data"))
            continue
        if not faults:
            out[tuple(sorted(members))] = reason
    return out


def _iv_pairing(office, policy, required, forbidden, max_pairs, min_gain, method, time_limit,
                exact, lang, today):
    if not isinstance(office, Office):
        raise TypeError("office must be an Office (use load_office to read a file)")
    if today is None:
        today = dt.date.today()
    elif isinstance(today, dt.datetime):
        today = today.date()
    elif not isinstance(today, dt.date):
        raise TypeError(f"today must be a datetime.date, got {type(today).__name__}")
    lang = check_lang(lang)
    policy = policy or Policy()
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    if not (isinstance(min_gain, (int, float)) and math.isfinite(min_gain) and min_gain >= 0):
        raise ValueError("min_gain must be a finite number >= 0")
    if max_pairs is not None and (int(max_pairs) != max_pairs or max_pairs < 0):
        raise ValueError("max_pairs must be a whole number >= 0 or None")
    if time_limit is not None and not time_limit > 0:
        raise ValueError("time_limit must be > 0 seconds or None")
    if exact not in (None, True, False):
        raise ValueError("exact must be True, False or None")
    pairable = {v.ident: v.pairable for v in office.veiledere}
    problems: list[Problem] = []
    req = _pair_list(required, "required", pairable, problems)
    # never proposed: the caller's forbidden pairs and the office's "not to be proposed again"
    # (the office's reason wins where both name a pair): {(a, b): (reason, source)}
    forb = {p: (reason, "caller") for p, reason in
            _forbidden_pairs(forbidden, dict.fromkeys(pairable, True), problems).items()}
    forb.update({tuple(sorted(key)): (reason, "office")
                 for key, reason in office.not_to_propose.items()})
    used: dict[str, int] = {}
    for i, (a, b) in enumerate(req):
        for ident in (a, b):
            if ident in used:
                problems.append(Problem(f"required[{i}]", "required", "veileder is also in "
                                        f"required[{used[ident]}]", ident,
                                        "a veileder can be in one pair; unpin one of them"))
            used.setdefault(ident, i)
        if forb.get((a, b), (None, None))[1] == "office":
            problems.append(Problem(
                f"required[{i}]", "required", "the office marked this pair not to be proposed "
                f"again: {forb[(a, b)][0]}", [a, b], "unpin the pair, or set propose_again to "
                "true in the office's pair_history"))
        elif (a, b) in forb:
            problems.append(Problem(f"required[{i}]", "required", "the pair is also forbidden",
                                    [a, b], "remove it from either required or forbidden"))
    if max_pairs is not None and len(req) > max_pairs:
        problems.append(Problem("max_pairs", "max_pairs", f"{len(req)} pairs are required but "
                                f"max_pairs is {max_pairs}", max_pairs,
                                "raise max_pairs or pin fewer pairs"))
    if problems:
        raise InvalidInputError(problems, source="pair_veiledere arguments")
    return policy, req, forb, lang, today


# ---- the public function ---------------------------------------------------------------
def pair_veiledere(
    office: Office,
    *,
    policy: Policy | None = None,
    required: Iterable[Sequence[str]] = (),
    forbidden: Iterable[Sequence[str]] = (),
    same_avdeling: bool = False,
    max_pairs: int | None = None,
    min_gain: float = 0.25,
    keep_existing: bool = True,
    method: Literal["allocation", "prices"] = "allocation",
    time_limit: float | None = 10.0,
    exact: bool | None = None,
    lang: str = "nb",
    today: dt.date | None = None,
) -> PairingResult:
    """Propose veileder-pairs that complement each other against the office's brukere.

    Parameters
    ----------
    office : Office
        The office; its brukere are what the pairs are judged against.
    policy : Policy, optional
        Scoring numbers; ``pair_overhead``, ``pair_learning_bonus``,
        ``pair_continuity_threshold``, ``balance_slack`` and the fit settings matter here.
    required : iterable of two idents
        Pairs the leader pins. They are always in the result, even without gain.
    forbidden : iterable of two idents, or mapping ``{(a, b): reason}``
        Pairs never proposed; a mapping gives the reason (a short text, shown in
        ``explain``). The office's pairs marked ``propose_again=false`` in
        ``office.pair_history`` are never proposed either, with the office's reason
        (``PairingResult.not_proposed``).
    same_avdeling : bool
        Pair only veiledere of the same avdeling.
    max_pairs : int, optional
        Most pairs in the result (required ones included).
    min_gain : float
        Least gain (fit units) a new pair must bring; it is also charged per new pair in the
        objective, so the search only forms pairs that earn it. Default 0.25.
    keep_existing : bool
        Keep the office's current pairs unless a change gains more than
        ``policy.pair_continuity_threshold`` (they earn it as a bonus in the objective and are
        not charged ``min_gain``); a current pair that gains nothing at all is split.
    method : {"allocation", "prices"}
        ``"allocation"`` (default): price-and-match rounds plus local search scored by the
        allocation. ``"prices"``: one matching on the prices of today's units (faster, no
        search; still judged and bounded by the allocation).
    time_limit : float or None
        Hard wall-clock stop in seconds, counted from the call (the search otherwise stops
        on a deterministic work budget, so results do not depend on the machine). The call
        returns within the limit plus 10 % plus a start-up constant that no limit can cut
        (reading the office, the first allocation LP and bound, building the result: about
        0.1 s at 150 veiledere and 0.35 s at 400 on a 2-core machine; docs/pairing.md).
        ``status`` is ``"time_limit"`` only when the limit stopped the search and the
        result is not proven optimal; ``bound`` is a valid bound either way, and gains the
        stop left uncomputed are proven lower bounds (``Pair.gain_exact`` False).
    exact : bool or None
        Branch-and-bound over pairings after the search, to prove the proposal optimal
        (``status="optimal"``, ``gap=0``) or find a better one. ``None`` (default): on for
        offices of up to 10 veiledere with ``method="allocation"``. ``True``: at any size,
        within a node and LP budget; when the budget runs out the gap is reported as is.
        ``False``: off.
    lang : {"nb", "en"}
        Language of the result's ``message`` and the default of its ``explain``.
    today : datetime.date, optional
        The day of the proposal (default ``date.today()``). A new pair is a trial reviewed
        ``Policy.pair_trial_weeks`` weeks from it (``Pair.review_date``).

    Returns
    -------
    PairingResult

    Raises
    ------
    TypeError
        ``office`` is not an Office, or ``today`` not a date.
    ValueError
        An option out of range, or ``lang`` not ``"nb"`` or ``"en"``.
    InvalidInputError
        A required or forbidden pair that cannot be (``models.pair_faults``: not two
        different veiledere of the office, or a required member with ``pairable=false``), a
        veileder in two required pairs, a pair both required and forbidden (by the caller, or
        by the office: the message names its reason), a forbidden pair's reason that is not a
        text or holds a fødselsnummer, or more required pairs than ``max_pairs``.

    Notes
    -----
    A pair is a candidate only if each member is strictly stronger than the other in at
    least one dimension (there is a division of labour); so two identical profiles are never
    paired. The value of a pairing is the LP allocation of brukere to units (singles and
    pairs, each with the capacity the allocation gives it); pair values for the matching come
    from the allocation's bruker prices, and the Lagrangian of the same prices gives the
    reported bound. A pairing whose coordination overhead the office cannot spare (the units'
    capacity would no longer hold the load) is never proposed. A required pair dissolves
    today's pair of its members (``PairingResult.dissolved``). See ``docs/pairing.md``.

    Examples
    --------
    >>> from navkompetanse.synthetic import synthetic_office
    >>> result = pair_veiledere(synthetic_office(8, 400, seed=3))
    >>> all(p.gain >= 0.25 for p in result.pairs), result.bound >= result.objective - 1e-6
    (True, True)
    """
    started = time.perf_counter()  # the time limit counts from here, start-up included
    policy, req, forb, lang, today = _iv_pairing(office, policy, required, forbidden,
                                                 max_pairs, min_gain, method, time_limit, exact,
                                                 lang, today)
    arrays = _canonical(office_arrays(office, policy))
    idents = arrays.idents
    index = {ident: k for k, ident in enumerate(idents)}
    n = len(idents)

    # groups of brukere with the same need and workload
    if arrays.need.shape[0]:
        key = np.concatenate([arrays.need.astype(float), arrays.workload[:, None]], axis=1)
        first, bruker_group = _unique_rows(key)  # np.unique(key, axis=0)'s groups, 6x faster
        uniq = key[first]
        count = np.bincount(bruker_group, minlength=first.size)
    else:
        uniq, bruker_group, count = np.zeros((0, 5)), np.zeros(0, int), np.zeros(0, int)

    # today's pairs: one that shares a member with a required pair is dissolved by the pin
    pinned_members = {i for p in req for i in p}
    current_pairs = [tuple(sorted(p)) for p in office.pairs]
    dissolved = tuple(p for p in current_pairs if p not in req and set(p) & pinned_members)
    existing = {p for p in current_pairs if p not in dissolved}

    rules = _rules(office, arrays, index, req, forb, same_avdeling)
    candidate, req_ix = rules["candidate"], rules["required"]
    learning_pairs = {tuple(sorted((r.mentor, r.learner))) for r in office.learning_relations}
    learning = np.zeros((n, n))
    for a, b in learning_pairs:
        if a in index and b in index:
            learning[index[a], index[b]] = learning[index[b], index[a]] = \
                policy.pair_learning_bonus
    continuity = np.zeros((n, n))
    kept_today = np.zeros((n, n), dtype=bool)
    if keep_existing:
        for a, b in existing:
            ia, ib = index[a], index[b]
            if candidate[ia, ib]:
                kept_today[ia, ib] = kept_today[ib, ia] = True
                continuity[ia, ib] = continuity[ib, ia] = policy.pair_continuity_threshold

    model = PairingModel(
        levels=arrays.levels, capacity=arrays.capacity, need=uniq[:, :4].astype(np.int64),
        count=count.astype(float), points=uniq[:, 4].astype(float), policy=policy,
        candidate=candidate, learning=learning, continuity=continuity, required=req_ix,
        pair_cost=float(min_gain), existing=kept_today, preference=arrays.preference,
    )
    start = [frozenset()]
    kept = frozenset(tuple(sorted((index[a], index[b]))) for a, b in existing
                     if candidate[index[a], index[b]])
    if kept:
        start.append(kept)
    use_exact = exact if exact is not None else (method == "allocation" and n <= _EXACT_MAX_N)
    small_exact = use_exact and n <= _EXACT_MAX_N
    outcome = search_pairing(
        model, start=start, min_gain=float(min_gain), max_pairs=max_pairs,
        rounds=8 if method == "allocation" else 1,
        # small offices (<= 12 veiledere, LPs of a millisecond) get a thorough local search,
        # unless branch-and-bound follows (it needs a good incumbent, not the best one)
        lp_budget=(_LP_BUDGET * (2 if n <= 12 and not small_exact else 1))
        if method == "allocation" else 2,
        move_limit=None if n <= 12 else 12,
        max_idle=3 if n <= 12 else 1,
        bound_steps=(20 if n <= 12 else 8) if method == "allocation" else 0,
        exact_heuristic=n <= 12,
        exact_nodes=0 if not use_exact else
        _EXACT_NODES if n <= _EXACT_MAX_N else _EXACT_NODES_LARGE,
        exact_lps=0 if not use_exact else _EXACT_LPS if n <= _EXACT_MAX_N else _EXACT_LPS_LARGE,
        time_limit=None if time_limit is None
        else max(time_limit - (time.perf_counter() - started), 0.0),
    )
    return _wrap(office, policy, arrays, model, outcome, bruker_group, rules,
                 existing=existing, learning_pairs=learning_pairs, dissolved=dissolved,
                 max_pairs=max_pairs, min_gain=float(min_gain), method=method, lang=lang,
                 today=today, forbidden=forb)


def _canonical(arrays: OfficeArrays) -> OfficeArrays:
    """The arrays with veiledere sorted by ident, so no result depends on the input order."""
    order = np.array(sorted(range(len(arrays.idents)), key=arrays.idents.__getitem__),
                     dtype=np.int64)
    if (order == np.arange(len(order))).all():
        return arrays
    new_index = np.empty_like(order)
    new_index[order] = np.arange(len(order))
    current = np.where(arrays.current >= 0, new_index[np.maximum(arrays.current, 0)], -1)
    return dataclasses.replace(
        arrays, idents=tuple(arrays.idents[k] for k in order), current=current,
        levels=arrays.levels[order], capacity=arrays.capacity[order],
        heavy_limit=arrays.heavy_limit[order], spesialfelt=arrays.spesialfelt[order],
        avdeling=tuple(arrays.avdeling[k] for k in order), pairable=arrays.pairable[order],
        preference=arrays.preference[order], kommunal=arrays.kommunal[order])


def _rules(office, arrays, index, req, forb, same_avdeling) -> dict[str, Any]:
    """Who may pair with whom: complementary profiles, pairable, not forbidden, the avdeling
    rule; required pairs whatever their profiles."""
    levels, n = arrays.levels, len(arrays.idents)
    stronger = (levels[:, None, :] > levels[None, :, :]).any(axis=2)
    complementary = stronger & stronger.T
    pairable = arrays.pairable[:, None] & arrays.pairable[None, :]
    same = np.array([[x is not None and x == y for y in arrays.avdeling]
                     for x in arrays.avdeling], dtype=bool).reshape(n, n)
    forbid = np.zeros((n, n), dtype=bool)
    for a, b in forb:
        forbid[index[a], index[b]] = forbid[index[b], index[a]] = True
    open_ = complementary & pairable & (same if same_avdeling else True)
    candidate = open_ & ~forbid
    np.fill_diagonal(candidate, False)
    req_ix = tuple(sorted(tuple(sorted((index[a], index[b]))) for a, b in req))
    for a, b in req_ix:  # pinned pairs are candidates whatever their profiles
        candidate[a, b] = candidate[b, a] = True
    if same_avdeling:
        for a, b in req_ix:
            if not same[a, b]:
                raise InvalidInputError([Problem(
                    "required", "required", "the pinned pair is in two avdelinger but "
                    "same_avdeling=True", [arrays.idents[a], arrays.idents[b]],
                    "set same_avdeling=False or unpin the pair")],
                    source="pair_veiledere arguments")
    return {"candidate": candidate, "required": req_ix, "complementary": complementary,
            "pairable": pairable, "forbid": forbid, "open": open_}


# ---- the result ----------------------------------------------------------------------------
def _assignment(arrays, model, best, bruker_group) -> tuple[dict, dict]:
    """Whole brukere from the LP shares: per group, largest-remainder rounding of its flow.

    Returns ``({bruker id: unit id}, {unit index: [bruker index, ...]})``.
    """
    idents = arrays.idents
    unit_names = [unit_id([idents[k] for k in u]) for u in best.units]
    assignment: dict[str, str] = {}
    members_of_unit: dict[int, list[int]] = {}
    if not len(bruker_group):
        return assignment, members_of_unit
    flow = best.flow  # [group, unit] brukere of each group at each unit
    by_group = np.argsort(bruker_group, kind="stable")
    starts = np.searchsorted(bruker_group[by_group], np.arange(len(flow) + 1))
    for g in range(len(flow)):
        members = by_group[starts[g]:starts[g + 1]]
        if not len(members):
            continue
        share = np.maximum(flow[g], 0.0)
        total = share.sum()
        share = share * (len(members) / total) if total > 0 else share
        whole = np.floor(share + 1e-9).astype(np.int64)
        short = len(members) - int(whole.sum())
        if short > 0:
            frac = share - whole
            whole[np.lexsort((np.arange(len(frac)), -frac))[:short]] += 1
        elif short < 0:  # pragma: no cover - round-off only
            whole[np.argmax(whole)] += short
        at = 0
        for u in np.flatnonzero(whole):
            chunk = members[at:at + whole[u]]
            at += whole[u]
            members_of_unit.setdefault(int(u), []).extend(int(b) for b in chunk)
            for b_ix in chunk:
                assignment[arrays.bruker_ids[b_ix]] = unit_names[u]
    return assignment, members_of_unit


def _division(arrays, a, b) -> tuple[dict, dict, dict, dict]:
    """Who leads each kind of work (``scoring.lead_members``), why, what each covers for the
    other, and the members' preferences that are not neutral."""
    idents, levels, signs = arrays.idents, arrays.levels, arrays.preference
    ia, ib = idents[a], idents[b]
    lead = lead_members(levels, signs, [(a, b)])[0]
    leads, reason, covers = {}, {}, {ia: [], ib: []}
    for d_ix, d in enumerate(DIMENSIONS):
        diff = int(levels[b, d_ix] - levels[a, d_ix])
        if diff < 0:
            covers[ib].append(d)
        elif diff > 0:
            covers[ia].append(d)
        if diff == 0 and signs[a, d_ix] == signs[b, d_ix]:
            leads[d], reason[d] = (ia, ib), "equal"  # the rule names the first: they share it
            continue
        leads[d] = (idents[lead[d_ix]],)
        reason[d] = ("preference" if abs(diff) <= 1 and signs[a, d_ix] != signs[b, d_ix]
                     else "stronger")
    feel = {1: "energi", -1: "tapper"}
    prefs = {i: {d: feel[int(signs[k, d_ix])] for d_ix, d in enumerate(DIMENSIONS)
                 if signs[k, d_ix]}
             for i, k in ((ia, a), (ib, b))}
    return leads, reason, covers, {i: p for i, p in prefs.items() if p}


def _trial(office, members, existing: bool, policy, today) -> dict[str, Any]:
    """A pair as a trial: review date, when an ongoing unconfirmed one started, the office's
    records of the pair and the learning relations between the two (evidence of trust)."""
    weeks = dt.timedelta(weeks=policy.pair_trial_weeks)
    # in the order they ended (a record without a start date is placed by its end)
    records = sorted(office.pair_records(members),
                     key=lambda r: (r.ended or dt.date.max, r.started or dt.date.min))
    history = tuple({"started": r.started, "ended": r.ended, "confirmed": r.confirmed}
                    for r in records)
    learning = tuple(sorted((r.mentor, r.learner) for r in office.learning_relations
                            if {r.mentor, r.learner} == set(members)))
    out = {"trial": False, "review_date": None, "trial_started": None, "history": history,
           "learning_relations": learning}
    if not existing:  # a new pair: the two confirm first, reviewed after the trial weeks
        out.update(trial=True, review_date=today + weeks)
        return out
    ongoing = next((r for r in reversed(records) if r.ongoing), None)
    if ongoing is not None and not ongoing.confirmed:
        out.update(trial=True, trial_started=ongoing.started,
                   review_date=None if ongoing.started is None else ongoing.started + weeks)
    return out


def _pair(office, arrays, model, outcome, a, b, members_of_unit, unit_pos, bruker_group, *,
          existing, required, learning_pairs, policy, today) -> Pair:
    idents, levels = arrays.idents, arrays.levels
    ia, ib = idents[a], idents[b]
    leads, lead_reason, covers, prefs = _division(arrays, a, b)
    own = {ia: float(arrays.capacity[a]), ib: float(arrays.capacity[b])}
    gain, exact = outcome.gains.get((a, b), (float("nan"), False))
    b_ix = members_of_unit.get(unit_pos[(a, b)], [])
    n_only, typical = 0, {}
    if b_ix:
        grp = bruker_group[b_ix]
        pair_fit = model.fit(a, b)[grp]
        alone = np.maximum(model.fit(a)[grp], model.fit(b)[grp])
        only = pair_fit > alone + 1e-12
        n_only = int(only.sum())
        if n_only:
            # the need the pair helps most with: the hardest case it takes
            lift = np.where(only, pair_fit - alone, -np.inf)
            need_row = arrays.need[b_ix[int(np.argmax(lift))]]
            low = np.minimum(levels[a], levels[b])
            typical = {d: int(v) for d, v, lo in zip(DIMENSIONS, need_row, low, strict=True)
                       if v >= 4 and v > lo}
    return Pair(
        members=(ia, ib), gain=float(gain), gain_exact=bool(exact),
        learning_bonus=float(model.learning[a, b]),
        combined_profile=CompetenceProfile.from_array(np.maximum(levels[a], levels[b])),
        leads=leads, covers=covers,
        capacity_points=float(pair_capacity(own[ia], own[ib], policy.pair_overhead)),
        member_capacity_points=own, existing=(ia, ib) in existing,
        required=(a, b) in required, learning_relation=(ia, ib) in learning_pairs,
        brukere=tuple(sorted(arrays.bruker_ids[i] for i in b_ix)), n_only_together=n_only,
        typical_need=typical, lead_reason=lead_reason, member_preferences=prefs,
        **_trial(office, (ia, ib), (ia, ib) in existing, policy, today),
    )


def in_distribution(result: PairingResult, office: Office, assignment: Mapping[str, str],
                    policy: Policy | None = None) -> PairingResult:
    """The pairs as a distribution placed them: each pair's ``brukere`` (those ``assignment``
    gives the pair's unit), how many of them only the pair covers (``n_only_together``: its
    fit above what either member gives alone) and the high needs of the hardest such case
    (``typical_need``).

    The pairing judges a pair by the allocation of its own model; ``plan()`` then makes the
    distribution the office gets, and a pair's explanation ("I fordelingen får paret …
    brukere") must tell that one: the two counted 179 and 125 brukere for one pair of the
    example office. ``assignment`` is ``{bruker id: unit id}`` (``AllocationResult.
    assignment``); brukere it does not hold are left out.
    """
    if not result.pairs:
        return result
    policy = policy if policy is not None else Policy()
    brukere = {b.id: b for b in office.brukere}
    levels = office.profiles()  # [veileder, dimension], office order
    col = {ident: k for k, ident in enumerate(office.idents)}
    by_unit: dict[str, list[str]] = {}
    for bid, unit in assignment.items():
        if bid in brukere:
            by_unit.setdefault(unit, []).append(bid)
    pairs = []
    for pair in result.pairs:
        a, b = (col[m] for m in pair.members)
        ids = sorted(by_unit.get(unit_id(pair.members), []))
        n_only, typical = 0, {}
        if ids:  # the needs of the pair's brukere only (not the whole office's arrays)
            need = need_levels([brukere[bid] for bid in ids], policy)
            covers = np.stack([levels[a], levels[b], np.maximum(levels[a], levels[b])])
            fit = fit_matrix(need, covers, policy)
            lift = fit[:, 2] - np.maximum(fit[:, 0], fit[:, 1])
            only = lift > 1e-12
            n_only = int(only.sum())
            if n_only:  # the need the pair helps most with: the hardest case it takes
                need_row = need[int(np.argmax(np.where(only, lift, -np.inf)))]
                low = np.minimum(levels[a], levels[b])
                typical = {d: int(v) for d, v, lo in zip(DIMENSIONS, need_row, low, strict=True)
                           if v >= 4 and v > lo}
        pairs.append(dataclasses.replace(
            pair, brukere=tuple(ids), n_only_together=n_only,
            typical_need=typical))
    return dataclasses.replace(result, pairs=tuple(pairs))


def _priced_out(model, best, seen, k, partners, w_final, min_gain) -> bool:
    """On an office without room: whether no free partner of ``k`` pays for the capacity the
    pair costs. Exact where the search judged the pairing with the pair added (its gain is
    then known), else by the price estimate."""
    floor = max(min_gain, 1e-9)
    for j in partners:
        p = (min(k, int(j)), max(k, int(j)))
        trial = seen.get(best.pairs | {p})
        gain = (trial.value - best.value + model.learning_bonus(p)
                if trial is not None and trial.affordable and np.isfinite(trial.value)
                else w_final[k, j])
        if gain - model.capacity_charge(p) >= floor:
            return False
    return True


def _single_reasons(arrays, model, best, rules, *, max_pairs, min_gain,
                    seen=None) -> tuple[dict, dict]:
    """``({ident: reason code}, {ident: price estimate of the best partner})`` for singles."""
    idents, n = arrays.idents, len(arrays.idents)
    complementary, pairable = rules["complementary"], rules["pairable"]
    candidate, forbid = rules["candidate"], rules["forbid"]
    paired = {k for p in best.pairs for k in p}
    seen = seen or {}
    # value of every complementary pair at the final prices, rules ignored (bonus included)
    w_final = model.pair_values(best.mu, mask=complementary & pairable) + model.learning
    np.fill_diagonal(w_final, -np.inf)
    room = model.budget - model.pairing_cost(best.pairs)
    capped = max_pairs is not None and len(best.pairs) >= max_pairs
    singles, estimates = {}, {}
    unpaired = np.ones(n, dtype=bool)
    unpaired[list(paired)] = False
    for k in range(n):
        if k in paired:
            continue
        ident = idents[k]
        if not arrays.pairable[k]:
            singles[ident] = "not_pairable"
            continue
        valuable = complementary[k] & pairable[k] & (w_final[k] >= max(min_gain, 1e-9))
        valuable[k] = False
        if not valuable.any():
            singles[ident] = "no_gain"
            continue
        j = int(np.argmax(np.where(valuable, w_final[k], -np.inf)))  # by the price estimate
        estimates[ident] = {"partner": idents[j], "estimated_gain": float(w_final[k, j]),
                            "exact": False}
        allowed = valuable & candidate[k]
        free = unpaired & allowed
        if not allowed.any():
            singles[ident] = "rule:forbidden" if (valuable & forbid[k]).any() \
                else "rule:same_avdeling"
        elif capped and free.any():
            singles[ident] = "rule:max_pairs"
        elif model.budget_binding and free.any() and \
                not (model.cost[k, free] <= room + 1e-9 * max(1.0, model.budget)).any():
            singles[ident] = "capacity"
        elif model.overhead_price > 0 and free.any() and _priced_out(
                model, best, seen, k, np.flatnonzero(free), w_final, min_gain):
            singles[ident] = "capacity"  # a partner adds fit, not what her overhead costs
        else:
            singles[ident] = "left_over"
    return singles, estimates


def _proof(model, outcome, objective, bound, gap, max_pairs) -> dict[str, Any]:
    """What is proven (``stats["proof"]``; :func:`navkompetanse.text.pairing.optimality_text`)."""
    bb = outcome.exact
    if outcome.proven:
        return {"kind": "proven", "objective": objective, "nodes": bb["nodes"],
                "lps": bb["n_lp"], "max_pairs": max_pairs is not None}
    if bb is not None and not bb["complete"]:
        source = "bb"
    else:
        source = "lagrange_max_pairs" if max_pairs is not None else "lagrange"
    return {"kind": "bound", "objective": objective, "bound": bound, "gap": gap,
            "source": source, "nodes": bb["nodes"] if bb is not None else 0}


def _not_proposed(forbidden, rules, index) -> tuple[dict[str, Any], ...]:
    """``PairingResult.not_proposed``: every pair never proposed, with its reason and source,
    and whether the two could otherwise have been paired."""
    return tuple({"members": [a, b], "reason": reason, "source": source,
                  "candidate": bool(rules["open"][index[a], index[b]])}
                 for (a, b), (reason, source) in sorted(forbidden.items()))


def _notes(model, outcome, pairs_out, singles, dissolved, names, not_proposed):
    """The message's notes ``[(key, values per language)]`` beyond the summary."""
    notes: list[tuple[str, dict[str, dict[str, Any]]]] = []
    load = float(model.count @ model.points)
    total = float(model.capacity.sum())
    share = model.policy.pair_overhead

    def per_lang(**make: Any) -> dict[str, dict[str, Any]]:
        return {lang: {k: f(lang) for k, f in make.items()} for lang in ("nb", "en")}

    if dissolved:
        notes.append(("dissolved", per_lang(
            n=lambda lang: fmt(len(dissolved), lang),
            pairs=lambda lang: join([unit_label(unit_id(p), names) for p in dissolved],
                                    lang))))
    pinned_cost = model.pairing_cost(model.required)
    priced = model.overhead_price > 0  # no room: overhead is priced, not forbidden
    if priced:
        notes.append(("overloaded" if model.overloaded else "full", per_lang(
            load=lambda lang: fmt(load, lang), total=lambda lang: fmt(total, lang),
            share=lambda lang: percent(share, lang, 0),
            price=lambda lang: fmt(model.overhead_price, lang, 2))))
    if model.required and pinned_cost > total - load + 1e-9:
        notes.append(("pinned_over", per_lang(cost=lambda lang: fmt(pinned_cost, lang),
                                              room=lambda lang: fmt(max(total - load, 0),
                                                                    lang))))
    elif not priced and "capacity" in singles.values():
        notes.append(("capacity", per_lang(room=lambda lang: fmt(total - load, lang),
                                           share=lambda lang: percent(share, lang, 0))))
    trials = [p for p in pairs_out if p.trial and not p.existing]
    if trials:
        notes.append(("trial" if len(trials) == 1 else "trials", per_lang(
            n=lambda lang: fmt(len(trials), lang),
            date=lambda lang: words.date_text(trials[0].review_date, lang))))
    marked = [e["members"] for e in not_proposed if e["source"] == "office" and e["candidate"]]
    if marked:
        notes.append(("not_proposed", per_lang(
            pairs=lambda lang: join([unit_label(unit_id(p), names) for p in marked], lang))))
    if outcome.stopped_by_time:
        notes.append(("time_limit", per_lang()))
    n_lb = sum(1 for p in pairs_out if not p.gain_exact)
    if n_lb:
        notes.append(("lower_bounds", per_lang(n=lambda lang: fmt(n_lb, lang))))
    return notes


def _wrap(office, policy, arrays, model: PairingModel, outcome: SearchOutcome, bruker_group,
          rules, *, existing, learning_pairs, dissolved, max_pairs, min_gain, method,
          lang, today, forbidden) -> PairingResult:
    best = outcome.best
    idents = arrays.idents
    names = {v.ident: v.name for v in office.veiledere if v.name}
    assignment, members_of_unit = _assignment(arrays, model, best, bruker_group)
    unit_pos = {u: i for i, u in enumerate(best.units)}
    pairs_out = [
        _pair(office, arrays, model, outcome, a, b, members_of_unit, unit_pos, bruker_group,
              existing=existing, required=rules["required"], learning_pairs=learning_pairs,
              policy=policy, today=today)
        for a, b in sorted(best.pairs)]
    not_proposed = _not_proposed(forbidden, rules, {i: k for k, i in enumerate(idents)})
    singles, estimates = _single_reasons(arrays, model, best, rules, max_pairs=max_pairs,
                                         min_gain=min_gain, seen=outcome.seen)
    load, total = float(model.count @ model.points), float(model.capacity.sum())
    stats: dict[str, Any] = {
        "method": method, "n_lp": outcome.n_lp, "n_search_lp": outcome.n_search_lp,
        "n_matchings": outcome.n_matchings, "lp_backend": model.lp.backend,
        "n_unit_types": int(model._fit_table.shape[1]),
        "rounds": outcome.rounds, "history": outcome.history,
        "dropped_by_min_gain": {unit_id((idents[a], idents[b])): g
                                for (a, b), g in outcome.dissolved.items()},
        "pair_overhead": policy.pair_overhead,
        "capacity": {"load_points": load, "capacity_points": total, "scale": model.scale,
                     "overloaded": model.overloaded,
                     "overhead_budget": model.budget if np.isfinite(model.budget) else None,
                     "overhead_price": model.overhead_price,
                     "budget_binding": model.budget_binding,
                     "overhead_points": model.pairing_cost(best.pairs)},
        "proven": outcome.proven, "exact": outcome.exact, "n_estimates": len(estimates),
    }
    objective = float(best.objective)
    if not np.isfinite(objective):
        # brukere but no veileder to take them: no pairing helps, and none can be judged
        n_b = len(arrays.bruker_ids)
        messages = {code: words.phrase("no_veileder", code, n=fmt(n_b, code))
                    for code in ("nb", "en")}
        stats["proof"] = {"kind": "none"}
        stats["diagnostic"] = f"{n_b} brukere and no veileder to follow them up"
        return PairingResult(
            pairs=(), singles=dict(sorted(singles.items())), objective=float("nan"),
            allocation_objective=float("nan"), bound=float("nan"), gap=float("nan"),
            status="infeasible", message=messages[lang], messages=messages, lang=lang,
            names=names, dissolved=dissolved, today=today, not_proposed=not_proposed,
            stats=stats)
    bound = max(float(outcome.bound), objective)
    if outcome.proven:  # branch-and-bound exhausted the tree: the bound is the objective
        bound = objective
    gap = (bound - objective) / max(1.0, abs(objective))
    status = "optimal" if gap <= 1e-6 else ("time_limit" if outcome.stopped_by_time else
                                            "feasible")
    stats["proof"] = _proof(model, outcome, objective, bound, gap, max_pairs)
    stats["diagnostic"] = _diagnostic(method, outcome, pairs_out, estimates)
    notes = _notes(model, outcome, pairs_out, singles, dissolved, names, not_proposed)
    messages = {}
    for code in ("nb", "en"):
        summary = words.summary_text(len(pairs_out), len(singles), status, gap,
                                     outcome.proven, code)
        messages[code] = words.message_text(summary, [(k, v[code]) for k, v in notes], code)
    return PairingResult(
        pairs=tuple(sorted(pairs_out, key=lambda p: p.members)),
        singles=dict(sorted(singles.items())), objective=objective,
        allocation_objective=float(best.value), bound=bound, gap=float(gap), status=status,
        message=messages[lang], messages=messages, lang=lang, names=names,
        dissolved=dissolved, assignment=dict(sorted(assignment.items())),
        estimates=dict(sorted(estimates.items())), today=today, not_proposed=not_proposed,
        stats=stats,
    )


def _diagnostic(method, outcome, pairs_out, estimates) -> str:
    """What the search did, for developers (``stats["diagnostic"]``; English, never shown)."""
    text = (f"method={method}: {outcome.rounds} price-and-match rounds, {outcome.n_lp} "
            f"allocation LPs, {len(outcome.dissolved)} pairs dropped by the min-gain rule")
    bb = outcome.exact
    if bb is not None:
        text += (f"; branch-and-bound: {bb['nodes']} nodes, {bb['n_lp']} LPs, "
                 + ("tree exhausted" if bb["complete"] else f"stopped ({bb['stopped']})"))
    n_lb = sum(1 for p in pairs_out if not p.gain_exact)
    if n_lb:
        text += f"; {n_lb} gains are proven lower bounds (time_limit reached)"
    if estimates:
        text += f"; {len(estimates)} singles have a partner by price estimate only"
    return text
