"""Veileder-pairs: propose pairs whose strengths complement each other against the office's needs.

A pair shares a larger portfolio and splits the work by strength (DOMAIN.md: "he does most of
the casework, while she has all the meetings with brukere"). A pair is valued by what it does
for *this office's brukere once they are distributed*: the allocation model of
:mod:`navkompetanse._pairing_model` (an LP relaxation of the allocation of brukere to units,
fit as profit, workload points as weight, fair share plus slack as capacity). See
``docs/pairing.md`` for the definition, a worked example and the bound.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..exceptions import InvalidInputError, Problem
from ..models import DIMENSIONS, CompetenceProfile, Dimension, Office
from ..policy import Policy
from ..results import strict_json
from ..scoring import office_arrays, unit_id
from .search import PairingModel, search_pairing

__all__ = ["Pair", "PairingResult", "pair_veiledere"]

#: Reasons a veileder stays single (values of :attr:`PairingResult.singles`).
NOT_PAIRABLE = "not pairable"
NO_GAIN = "no partner adds value"
LEFT_OVER = "left over"
RULE = "excluded by a rule"

_METHODS = ("allocation", "prices")

#: Allocation LPs the search may spend (rounds + local search + Lagrangian heuristic), on top
#: of one LP per proposed pair for its exact gain. A count, so results do not depend on the
#: machine; each LP is a warm re-solve of a few milliseconds (see ``_pairing_lp``).
_LP_BUDGET = 40

#: Exact mode (branch-and-bound over pairings, ``_pairing_bb``): on by default up to this many
#: veiledere, with these budgets (counts: nodes, allocation LPs). At 10 veiledere the
#: benchmark offices need 3–40 nodes; the budgets leave room for harder offices.
_EXACT_MAX_N = 10
_EXACT_NODES = 1500
_EXACT_LPS = 300
#: Budgets of ``exact=True`` above ``_EXACT_MAX_N`` (a node costs 10–40 ms there: the node's
#: matching is ``max_weight_pairing``, not the table of all matchings).
_EXACT_NODES_LARGE = 150
_EXACT_LPS_LARGE = 100

_TASK_NB = {
    Dimension.relasjonell: "brukermøtene",
    Dimension.struktur: "planlegging og oversikt",
    Dimension.forvaltning: "saksbehandling og vedtak",
    Dimension.digital: "digital oppfølging",
}
_TASK_EN = {
    Dimension.relasjonell: "meetings with brukere",
    Dimension.struktur: "planning and keeping order",
    Dimension.forvaltning: "casework and decisions",
    Dimension.digital: "digital follow-up",
}


def _num(x: float, lang: str, digits: int = 1) -> str:
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") if lang == "nb" else text


def _join(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    word = " og " if lang == "nb" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


#: Sentences of a pair's explanation, by language; ``{}`` are filled in order.
_PAIR_TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "and": "og", "pinned": "er låst som par av leder", "existing": "fortsetter som par",
        "proposed": "foreslås som veileder-par", "gain": "gevinst {} i dekning",
        "share": "De deler {}.", "takes": "I fordelingen får paret {} brukere",
        "only": "; {} av dem har behov ingen av dem dekker alene",
        "example": " (for eksempel {})",
        "capacity": "Felles kapasitet: {} poeng ({}, minus {} % til samarbeid).",
        "learning": "De har allerede et læringsforhold, og det teller med.",
        "no_gain": "Paret gir ingen gevinst i dekning; det står fordi leder har låst det.",
    },
    "en": {
        "and": "and", "pinned": "are pinned as a pair by the leader",
        "existing": "continue as a pair", "proposed": "are proposed as a pair",
        "gain": "gain {} in cover", "share": "They share {}.",
        "takes": "In the allocation the pair takes {} brukere",
        "only": "; {} of them have needs neither covers alone",
        "example": " (for example {})",
        "capacity": "Joint capacity: {} points ({}, less {} % for working together).",
        "learning": "They already have a learning relation, which counts.",
        "no_gain": "The pair gains nothing in cover; it stands because it is pinned.",
    },
}


#: Why a veileder works alone, one phrase per reason (and per rule that blocked a partner).
_SINGLE_TEXT: dict[str, dict[str, str]] = {
    "nb": {
        NOT_PAIRABLE: "{ident} er merket som ikke aktuell for par, og jobber alene.",
        NO_GAIN: ("{ident} jobber alene: ingen kollega vil dekke behov hos brukerne "
                  "som {ident} ikke dekker selv, godt nok til at et par lønner seg."),
        LEFT_OVER: ("{ident} jobber alene: de kollegene som ville utfylt {ident} best, "
                    "gjør mer nytte i andre par."),
        "rule": "{ident} jobber alene fordi en regel stenger for den beste partneren: {rule}.",
        "same_avdeling": "par bare innen samme avdeling",
        "forbidden": "et par leder har utelukket",
        "max_pairs": "et tak på antall par",
    },
    "en": {
        NOT_PAIRABLE: "{ident} is marked as not available for pairs and works alone.",
        NO_GAIN: ("{ident} works alone: no colleague covers enough of the brukere's needs "
                  "that {ident} does not cover for a pair to pay off."),
        LEFT_OVER: ("{ident} works alone: the colleagues who would complement {ident} best "
                    "do more good in other pairs."),
        "rule": "{ident} works alone because a rule blocks the best partner: {rule}.",
        "same_avdeling": "pairs only within the same avdeling",
        "forbidden": "a pair the leader ruled out",
        "max_pairs": "a cap on the number of pairs",
    },
}


@dataclass(frozen=True)
class Pair:
    """A proposed (or pinned, or kept) veileder-pair.

    Attributes
    ----------
    members : tuple of str
        The two idents, sorted.
    gain : float
        Value of pairing them against each working alone, in fit units (1 = one bruker going
        from no cover to full cover): the allocation objective with the pair less the
        objective with the two as singles (every other pair kept), plus the learning bonus.
    gain_exact : bool
        True when ``gain`` is the exact LP value (always, unless ``time_limit`` cut the
        call short: then it is the proven lower bound from the allocation's prices).
    learning_bonus : float
        The part of ``gain`` that is ``Policy.pair_learning_bonus`` (a learning relation).
    combined_profile : CompetenceProfile
        The stronger member's level in each dimension.
    leads : dict
        ``{Dimension: (ident,)}`` who leads each kind of task; both idents on a tie.
    covers : dict
        ``{ident: (Dimension, ...)}`` the dimensions where the *other* member covers this
        member's weaker side.
    capacity_points : float
        The pair's capacity: the members' points together less ``Policy.pair_overhead``.
    member_capacity_points : dict
        Each member's own capacity points.
    existing, required, learning_relation : bool
        A pair today (``office.pairs``); pinned by the leader; the two share a learning
        relation.
    brukere : tuple of str
        Brukere the pair takes in the allocation that judged it (empty if not computed).
    n_only_together : int
        How many of those the pair covers better than either member could alone.
    """

    members: tuple[str, str]
    gain: float
    gain_exact: bool
    learning_bonus: float
    combined_profile: CompetenceProfile
    leads: dict
    covers: dict
    capacity_points: float
    member_capacity_points: dict
    existing: bool = False
    required: bool = False
    learning_relation: bool = False
    brukere: tuple[str, ...] = ()
    n_only_together: int = 0
    typical_need: dict = field(default_factory=dict)

    @property
    def unit_id(self) -> str:
        """The unit id ``"A+B"`` used by allocations."""
        return unit_id(self.members)

    def to_dict(self) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "unit_id": self.unit_id,
            "gain": self.gain,
            "gain_exact": self.gain_exact,
            "learning_bonus": self.learning_bonus,
            "combined_profile": self.combined_profile.model_dump(mode="json"),
            "leads": {d.value: list(v) for d, v in self.leads.items()},
            "covers": {k: [d.value for d in v] for k, v in self.covers.items()},
            "capacity_points": self.capacity_points,
            "member_capacity_points": dict(self.member_capacity_points),
            "existing": self.existing,
            "required": self.required,
            "learning_relation": self.learning_relation,
            "n_brukere": len(self.brukere),
            "n_only_together": self.n_only_together,
        }


@dataclass(frozen=True)
class PairingResult:
    """Proposed veileder-pairs, who stays single and why, and how good the pairing is.

    Attributes
    ----------
    pairs : tuple of Pair
        Sorted by members.
    singles : dict
        ``{ident: reason}``; reason is one of ``"not pairable"``, ``"no partner adds value"``,
        ``"left over"`` or ``"excluded by a rule (<rule>)"``.
    objective : float
        The pairing's objective: allocation fit (LP allocation model) + learning and
        continuity bonuses − ``min_gain`` per pair.
    allocation_objective : float
        The allocation fit alone (sum of fit over brukere in the LP allocation).
    bound : float
        Proven upper bound on ``objective`` over every permitted pairing (Lagrangian bound).
    gap : float
        ``(bound - objective) / max(1, |objective|)``.
    optimality : str
        Plain statement of what is proven.
    status : str
        ``"optimal"`` (gap ≤ 1e-6), ``"feasible"`` or ``"time_limit"``.
    message : str
        What was done and anything to know.
    assignment : dict
        ``{bruker id: unit id}`` of the allocation the pairing was judged by, from the LP
        (largest share), empty if the office has no brukere.
    estimates : dict
        ``{ident: {"partner", "estimated_gain", "exact": False}}`` for singles who had a
        partner worth ``min_gain`` by the price estimate ``w(μ*)`` at the final prices: an
        *estimate*, not an allocation LP (only proposed pairs get exact gains). Shown in
        ``explain(ident)``.
    stats : dict
        Counts: allocation LPs (``n_lp``; ``n_search_lp`` of them in the search, the rest
        for exact gains), exact matchings, price-and-match rounds.
    """

    pairs: tuple[Pair, ...]
    singles: dict
    objective: float
    allocation_objective: float
    bound: float
    gap: float
    optimality: str
    status: str
    message: str
    assignment: dict = field(default_factory=dict, repr=False)
    estimates: dict = field(default_factory=dict, repr=False)
    stats: dict = field(default_factory=dict, repr=False)
    _names: dict = field(default_factory=dict, repr=False)

    # ---- lookups ------------------------------------------------------------------------
    def pair_of(self, ident: str) -> Pair | None:
        """The pair ``ident`` is in, or None."""
        for p in self.pairs:
            if ident in p.members:
                return p
        return None

    def _find(self, key: str | Pair | Sequence[str]) -> Pair | str:
        if isinstance(key, Pair):
            return key
        if isinstance(key, str) and "+" in key:
            key = tuple(key.split("+"))
        if isinstance(key, str):
            pair = self.pair_of(key)
            if pair is not None:
                return pair
            if key in self.singles:
                return key
            raise KeyError(f"{key!r} is not a veileder in this office")
        members = tuple(sorted(key))
        for p in self.pairs:
            if p.members == members:
                return p
        raise KeyError(f"{'+'.join(members)} is not a proposed pair")

    # ---- explanations ------------------------------------------------------------------
    def explain(self, ident_or_pair: str | Pair | Sequence[str] | None = None,
                lang: Literal["nb", "en"] = "nb") -> str:
        """Plain-language explanation, short enough to read aloud in a meeting.

        Parameters
        ----------
        ident_or_pair : str, Pair, or two idents, optional
            A veileder's ident, a pair (``Pair``, ``("A", "B")`` or ``"A+B"``); None for a
            summary of the whole proposal.
        lang : {"nb", "en"}
            Norwegian bokmål (default) or English.
        """
        if lang not in ("nb", "en"):
            raise ValueError("lang must be 'nb' or 'en'")
        if ident_or_pair is None:
            return self._explain_summary(lang)
        found = self._find(ident_or_pair)
        if isinstance(found, Pair):
            return self._explain_pair(found, lang)
        return self._explain_single(found, lang)

    def _explain_summary(self, lang: str) -> str:
        n_p, n_s = len(self.pairs), len(self.singles)
        if lang == "nb":
            head = f"Forslaget har {n_p} par og {n_s} som jobber alene."
            sure = ("Forslaget er beviselig best: ingen annen sammensetning av par kan gi "
                    "bedre dekning i denne modellen."
                    if self.stats.get("proven") else
                    "Ingen annen sammensetning av par kan gi bedre dekning i denne modellen."
                    if self.status == "optimal" else
                    f"Den beste mulige sammensetningen er høyst {_num(100 * self.gap, lang)} % "
                    "bedre i denne modellen.")
        else:
            head = f"The proposal has {n_p} pairs and {n_s} working alone."
            sure = ("The proposal is proven best: no other set of pairs can give better "
                    "cover in this model."
                    if self.stats.get("proven") else
                    "No other set of pairs can give better cover in this model."
                    if self.status == "optimal" else
                    f"The best possible set of pairs is at most {_num(100 * self.gap, lang)} % "
                    "better in this model.")
        return f"{head} {sure}"

    def _explain_pair(self, p: Pair, lang: str) -> str:
        a, b = p.members
        task = _TASK_NB if lang == "nb" else _TASK_EN
        by_person: dict[str, list[Dimension]] = {a: [], b: []}
        shared: list[Dimension] = []
        for d, who in p.leads.items():
            if len(who) == 2:
                shared.append(d)
            else:
                by_person[who[0]].append(d)
        lead_parts = []
        for ident in (a, b):
            dims = by_person[ident]
            if dims:
                names = _join([d.value for d in dims], lang)
                tasks = ", ".join(task[d] for d in dims)
                verb = "leder" if lang == "nb" else "leads"
                lead_parts.append(f"{ident} {verb} {names} ({tasks})")
        t = _PAIR_TEXT[lang if lang in _PAIR_TEXT else "en"]
        status = "pinned" if p.required else "existing" if p.existing else "proposed"
        text = [f"{a} {t['and']} {b} {t[status]} ({t['gain'].format(_num(p.gain, lang))})."]
        if lead_parts:
            text.append("; ".join(lead_parts) + ".")
        if shared:
            text.append(t["share"].format(_join([d.value for d in shared], lang)))
        if p.brukere:
            line = t["takes"].format(len(p.brukere))
            if p.n_only_together:
                need = _join([f"{d.value} {lvl}" for d, lvl in p.typical_need.items()], lang)
                line += t["only"].format(p.n_only_together)
                line += t["example"].format(need) if need else ""
            text.append(line + ".")
        share = round(100 * float(self._policy_overhead()))
        own = " + ".join(_num(v, lang, 0) for v in p.member_capacity_points.values())
        text.append(t["capacity"].format(_num(p.capacity_points, lang, 0), own, share))
        if p.learning_relation:
            text.append(t["learning"])
        if p.gain <= 0:
            text.append(t["no_gain"])
        return " ".join(text)

    def _policy_overhead(self) -> float:
        return float(self.stats.get("pair_overhead", 0.0))

    def _explain_single(self, ident: str, lang: str) -> str:
        text = self._explain_single_reason(ident, lang)
        est = self.estimates.get(ident)
        if est and self.singles[ident] != NO_GAIN:
            gain = _num(est["estimated_gain"], lang)
            if lang == "nb":
                text += (f" Beste alternativ er {est['partner']}, anslått gevinst {gain} "
                         "(et anslag fra prisene i fordelingen, ikke regnet ut eksakt).")
            else:
                text += (f" The best alternative is {est['partner']}, estimated gain {gain} "
                         "(an estimate from the allocation's prices, not computed exactly).")
        return text

    def _explain_single_reason(self, ident: str, lang: str) -> str:
        t = _SINGLE_TEXT[lang if lang in _SINGLE_TEXT else "en"]
        reason = self.singles[ident]
        if reason in (NOT_PAIRABLE, NO_GAIN, LEFT_OVER):
            return t[reason].format(ident=ident)
        rule = reason.partition("(")[2].rstrip(")")
        return t["rule"].format(ident=ident, rule=t.get(rule, rule))

    # ---- export ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready; numbers that do not exist are ``None``, never NaN)."""
        return strict_json({
            "pairs": [p.to_dict() for p in self.pairs],
            "singles": dict(self.singles),
            "objective": self.objective,
            "allocation_objective": self.allocation_objective,
            "bound": self.bound,
            "gap": self.gap,
            "optimality": self.optimality,
            "status": self.status,
            "message": self.message,
            "estimates": {k: dict(v) for k, v in self.estimates.items()},
        })

    def to_frame(self):
        """One row per veileder (pandas DataFrame): unit, partner, gain, leads, reason."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_frame() needs pandas: pip install pandas (or use to_dict())"
            ) from exc
        rows = []
        for p in self.pairs:
            for ident in p.members:
                other = p.members[1] if ident == p.members[0] else p.members[0]
                rows.append({
                    "ident": ident, "unit": p.unit_id, "partner": other, "gain": p.gain,
                    "leads": ", ".join(d.value for d, who in p.leads.items() if ident in who),
                    "reason": "",
                })
        for ident, reason in self.singles.items():
            rows.append({"ident": ident, "unit": ident, "partner": None, "gain": 0.0,
                         "leads": "", "reason": reason})
        return pd.DataFrame(rows).sort_values("ident").reset_index(drop=True)


# ---- validation --------------------------------------------------------------------------
def _pair_list(pairs: Iterable[Sequence[str]], what: str) -> list[tuple[str, str]]:
    out = []
    for i, p in enumerate(pairs):
        members = tuple(p)
        if len(members) != 2 or members[0] == members[1]:
            raise InvalidInputError([Problem(
                f"{what}[{i}]", what, "a pair is two different veiledere", list(members),
                'write it as ("Z123456", "Z654321")')])
        out.append(tuple(sorted(members)))
    return out


def _iv_pairing(office, policy, required, forbidden, max_pairs, min_gain, method, time_limit):
    if not isinstance(office, Office):
        raise TypeError("office must be an Office (use load_office to read a file)")
    policy = policy or Policy()
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    if not (isinstance(min_gain, (int, float)) and math.isfinite(min_gain) and min_gain >= 0):
        raise ValueError("min_gain must be a finite number >= 0")
    if max_pairs is not None and (int(max_pairs) != max_pairs or max_pairs < 0):
        raise ValueError("max_pairs must be a whole number >= 0 or None")
    if time_limit is not None and not time_limit > 0:
        raise ValueError("time_limit must be > 0 seconds or None")
    req = _pair_list(required, "required")
    forb = set(_pair_list(forbidden, "forbidden"))
    known = office.veileder_by_ident
    problems: list[Problem] = []
    used: dict[str, int] = {}
    for i, (a, b) in enumerate(req):
        where = f"required[{i}]"
        for ident in (a, b):
            if ident not in known:
                problems.append(Problem(where, "required", "names a veileder who is not in the "
                                        "office", ident, "use an ident from office.veiledere"))
            elif not known[ident].pairable:
                problems.append(Problem(where, "required", "veileder has pairable=false", ident,
                                        "set pairable to true or unpin the pair"))
            if ident in used:
                problems.append(Problem(where, "required", f"veileder is also in required"
                                        f"[{used[ident]}]", ident,
                                        "a veileder can be in one pair; unpin one of them"))
            used.setdefault(ident, i)
        if (a, b) in forb:
            problems.append(Problem(where, "required", "the pair is also forbidden", [a, b],
                                    "remove it from either required or forbidden"))
    for i, (a, b) in enumerate(sorted(forb)):
        for ident in (a, b):
            if ident not in known:
                problems.append(Problem(f"forbidden[{i}]", "forbidden", "names a veileder who "
                                        "is not in the office", ident,
                                        "use an ident from office.veiledere"))
    if max_pairs is not None and len(req) > max_pairs:
        problems.append(Problem("max_pairs", "max_pairs", f"{len(req)} pairs are required but "
                                f"max_pairs is {max_pairs}", max_pairs,
                                "raise max_pairs or pin fewer pairs"))
    if problems:
        raise InvalidInputError(problems, source="pair_veiledere arguments")
    return policy, req, forb


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
    forbidden : iterable of two idents
        Pairs never proposed.
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
        Hard wall-clock stop in seconds (the search otherwise stops on a deterministic work
        budget, so results do not depend on the machine).
    exact : bool or None
        Branch-and-bound over pairings after the search, to prove the proposal optimal
        (``status="optimal"``, ``gap=0``) or find a better one. ``None`` (default): on for
        offices of up to 10 veiledere with ``method="allocation"``. ``True``: at any size,
        within a node and LP budget; when the budget runs out the gap is reported as is.
        ``False``: off.

    Returns
    -------
    PairingResult

    Raises
    ------
    InvalidInputError
        A required pair that cannot be: unknown ident, not pairable, in two required pairs,
        also forbidden, or more required pairs than ``max_pairs``.

    Notes
    -----
    A pair is a candidate only if each member is strictly stronger than the other in at
    least one dimension (there is a division of labour); so two identical profiles are never
    paired. The value of a pairing is the LP allocation of brukere to units (singles and
    pairs); pair values for the matching come from the allocation's bruker prices, and the
    Lagrangian of the same prices gives the reported bound. See ``docs/pairing.md``.

    Examples
    --------
    >>> from navkompetanse.synthetic import synthetic_office
    >>> result = pair_veiledere(synthetic_office(8, 400, seed=3))
    >>> all(p.gain >= 0.25 for p in result.pairs), result.bound >= result.objective - 1e-6
    (True, True)
    """
    policy, req, forb = _iv_pairing(office, policy, required, forbidden, max_pairs, min_gain,
                                    method, time_limit)
    if exact not in (None, True, False):
        raise ValueError("exact must be True, False or None")
    # canonical order: sorted idents, so the result does not depend on input order
    order = sorted(range(office.n_veiledere), key=lambda k: office.veiledere[k].ident)
    veiledere = [office.veiledere[k] for k in order]
    canon = office.model_copy(update={"veiledere": tuple(veiledere)})
    # model_copy carries the input's cached views (Office.idents is a cached_property):
    # drop them, or the canonical arrays would be labelled in the input's order
    for cached in ("idents", "veileder_by_ident", "bruker_by_id"):
        canon.__dict__.pop(cached, None)
    assert canon.idents == tuple(v.ident for v in veiledere)
    arrays = office_arrays(canon, policy)
    idents = arrays.idents
    index = {ident: k for k, ident in enumerate(idents)}
    n = len(idents)
    levels = arrays.levels

    # groups of brukere with the same need and workload
    if arrays.need.shape[0]:
        key = np.concatenate([arrays.need.astype(float), arrays.workload[:, None]], axis=1)
        uniq, bruker_group, count = np.unique(key, axis=0, return_inverse=True,
                                              return_counts=True)
        bruker_group = bruker_group.reshape(-1)
    else:
        uniq, bruker_group, count = np.zeros((0, 5)), np.zeros(0, int), np.zeros(0, int)

    # who may pair with whom
    stronger = (levels[:, None, :] > levels[None, :, :]).any(axis=2)
    complementary = stronger & stronger.T
    pairable = arrays.pairable[:, None] & arrays.pairable[None, :]
    same = np.array([[x is not None and x == y for y in arrays.avdeling]
                     for x in arrays.avdeling], dtype=bool).reshape(n, n)
    forbid = np.zeros((n, n), dtype=bool)
    for a, b in forb:
        if a in index and b in index:
            forbid[index[a], index[b]] = forbid[index[b], index[a]] = True
    rules_ok = ~forbid & (same if same_avdeling else True)
    candidate = complementary & pairable & rules_ok
    np.fill_diagonal(candidate, False)
    req_ix = tuple(sorted(tuple(sorted((index[a], index[b]))) for a, b in req))
    for a, b in req_ix:  # pinned pairs are candidates whatever their profiles
        candidate[a, b] = candidate[b, a] = True
    if same_avdeling:
        for a, b in req_ix:
            if not same[a, b]:
                raise InvalidInputError([Problem(
                    "required", "required", "the pinned pair is in two avdelinger but "
                    "same_avdeling=True", [idents[a], idents[b]],
                    "set same_avdeling=False or unpin the pair")],
                    source="pair_veiledere arguments")

    learning_pairs = {tuple(sorted((r.mentor, r.learner))) for r in office.learning_relations}
    learning = np.zeros((n, n))
    for a, b in learning_pairs:
        if a in index and b in index:
            learning[index[a], index[b]] = learning[index[b], index[a]] = \
                policy.pair_learning_bonus
    existing = {tuple(sorted(p)) for p in office.pairs}
    continuity = np.zeros((n, n))
    kept_today = np.zeros((n, n), dtype=bool)
    if keep_existing:
        for a, b in existing:
            ia, ib = index[a], index[b]
            if candidate[ia, ib]:
                kept_today[ia, ib] = kept_today[ib, ia] = True
                continuity[ia, ib] = continuity[ib, ia] = policy.pair_continuity_threshold

    model = PairingModel(
        levels=levels, capacity=arrays.capacity, need=uniq[:, :4].astype(np.int64),
        count=count.astype(float), points=uniq[:, 4].astype(float), policy=policy,
        candidate=candidate, learning=learning, continuity=continuity, required=req_ix,
        pair_cost=float(min_gain), existing=kept_today,
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
        time_limit=time_limit,
    )
    return _wrap(office, policy, canon, arrays, model, outcome, bruker_group, idents, index,
                 req_ix, existing, learning_pairs, candidate, complementary, pairable, forbid,
                 same, same_avdeling, max_pairs, float(min_gain), method)


def _wrap(office, policy, canon, arrays, model, outcome, bruker_group, idents, index, req_ix,
          existing, learning_pairs, candidate, complementary, pairable, forbid, same,
          same_avdeling, max_pairs, min_gain, method) -> PairingResult:
    best = outcome.best
    n = len(idents)
    levels = arrays.levels
    # allocation: each bruker to the unit with the largest LP share of its group
    units = best.units
    unit_names = [unit_id([idents[k] for k in u]) for u in units]
    assignment: dict[str, str] = {}
    members_of_unit: dict[int, list[int]] = {}
    if len(bruker_group):
        # whole brukere from the LP shares: per group, largest-remainder rounding of its flow
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
    unit_pos = {u: i for i, u in enumerate(units)}

    pairs_out = []
    for a, b in sorted(best.pairs):
        ia, ib = idents[a], idents[b]
        combined = np.maximum(levels[a], levels[b])
        leads = {}
        for d_ix, d in enumerate(DIMENSIONS):
            if levels[a, d_ix] > levels[b, d_ix]:
                leads[d] = (ia,)
            elif levels[b, d_ix] > levels[a, d_ix]:
                leads[d] = (ib,)
            else:
                leads[d] = (ia, ib)
        covers = {
            ia: tuple(d for d_ix, d in enumerate(DIMENSIONS) if levels[b, d_ix] > levels[a, d_ix]),
            ib: tuple(d for d_ix, d in enumerate(DIMENSIONS) if levels[a, d_ix] > levels[b, d_ix]),
        }
        own = {ia: float(arrays.capacity[a]), ib: float(arrays.capacity[b])}
        gain, exact = outcome.gains.get((a, b), (float("nan"), False))
        b_ix = members_of_unit.get(unit_pos[(a, b)], [])
        brukere = tuple(sorted(arrays.bruker_ids[i] for i in b_ix))
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
                need_row = tuple(arrays.need[b_ix[int(np.argmax(lift))]])
                typical = {d: int(v) for d, v in zip(DIMENSIONS, need_row, strict=True)
                           if v >= 4 and v > min(levels[a, DIMENSIONS.index(d)],
                                                 levels[b, DIMENSIONS.index(d)])}
        pairs_out.append(Pair(
            members=(ia, ib), gain=float(gain), gain_exact=bool(exact),
            learning_bonus=float(model.learning[a, b]),
            combined_profile=CompetenceProfile.from_array(combined),
            leads=leads, covers=covers,
            capacity_points=float((own[ia] + own[ib]) * (1 - policy.pair_overhead)),
            member_capacity_points=own, existing=(ia, ib) in existing,
            required=(a, b) in req_ix, learning_relation=(ia, ib) in learning_pairs,
            brukere=brukere, n_only_together=n_only, typical_need=typical,
        ))

    # singles and their reasons
    paired = {k for p in best.pairs for k in p}
    # value of every complementary pair at the final prices, rules ignored (bonus included)
    w_final = model.pair_values(best.mu, mask=complementary & pairable) + model.learning
    np.fill_diagonal(w_final, -np.inf)
    singles = {}
    estimates: dict[str, dict] = {}
    capped = max_pairs is not None and len(best.pairs) >= max_pairs
    for k in range(n):
        if k in paired:
            continue
        ident = idents[k]
        if not arrays.pairable[k]:
            singles[ident] = NOT_PAIRABLE
            continue
        valuable = complementary[k] & pairable[k] & (w_final[k] >= max(min_gain, 1e-9))
        valuable[k] = False
        if valuable.any():  # the best partner by the price estimate (not an LP)
            j = int(np.argmax(np.where(valuable, w_final[k], -np.inf)))
            estimates[ident] = {"partner": idents[j], "estimated_gain": float(w_final[k, j]),
                                "exact": False}
        if not valuable.any():
            singles[ident] = NO_GAIN
            continue
        allowed = valuable & candidate[k]
        if not allowed.any():
            blocked_forbid = (valuable & forbid[k]).any()
            rule = "forbidden" if blocked_forbid else "same_avdeling"
            singles[ident] = f"{RULE} ({rule})"
        elif capped and any(j not in paired for j in np.flatnonzero(allowed)):
            singles[ident] = f"{RULE} (max_pairs)"
        else:
            singles[ident] = LEFT_OVER

    objective = float(best.objective)
    if not np.isfinite(objective):
        # brukere but no veileder to take them: no pairing helps, and none can be judged
        n_b = len(arrays.bruker_ids)
        return PairingResult(
            pairs=(), singles=dict(sorted(singles.items())), objective=float("nan"),
            allocation_objective=float("nan"), bound=float("nan"), gap=float("nan"),
            optimality="No pairing can be judged: the office has no veileder to allocate to.",
            status="infeasible",
            message=f"{n_b} brukere and no veileder to follow them up; add veiledere first",
        )
    bound = max(float(outcome.bound), objective)
    if outcome.proven:  # branch-and-bound exhausted the tree: the bound is the objective
        bound = objective
    gap = (bound - objective) / max(1.0, abs(objective))
    status = "optimal" if gap <= 1e-6 else ("time_limit" if outcome.stopped_by_time else
                                            "feasible")
    n_lb = sum(1 for p in pairs_out if not p.gain_exact)
    bb = outcome.exact
    if outcome.proven:
        optimality = (
            "Proven optimal by branch-and-bound over pairings: no permitted pairing has a "
            f"higher objective than {objective:.3f} in the allocation model (LP allocation "
            "of brukere to units; within 1e-9 relative"
            + (", max_pairs included" if max_pairs is not None else "")
            + f"; {bb['nodes']} nodes, {bb['n_lp']} allocation LPs). "
            "The matching step is exact for the pair values it is given (max_weight_pairing)."
        )
    else:
        optimality = (
            "The matching step is exact for the pair values it is given (max_weight_pairing). "
            "Pairings are judged by the allocation model (LP allocation of brukere to units). "
            f"The proposal's objective {objective:.3f} is within {bound - objective:.3f} "
            f"({100 * gap:.2f} %) of {bound:.3f}, a proven upper bound on the objective of "
            "every permitted pairing ("
            + ("branch-and-bound over pairings stopped by its budget after "
               f"{bb['nodes']} nodes; the bound is the largest of its open nodes"
               if bb is not None and not bb["complete"] else
               "Lagrangian bound from bruker prices"
               + ("; it ignores max_pairs, so it may be loose" if max_pairs is not None
                  else ""))
            + ")."
        )
    message = (f"method={method}: {outcome.rounds} price-and-match rounds, {outcome.n_lp} "
               f"allocation LPs, {len(outcome.dissolved)} pairs dropped by the min-gain rule")
    if bb is not None:
        message += (f"; branch-and-bound: {bb['nodes']} nodes, {bb['n_lp']} LPs, "
                    + ("tree exhausted" if bb["complete"] else f"stopped ({bb['stopped']})"))
    if n_lb:
        message += f"; {n_lb} gains are proven lower bounds (time_limit reached)"
    if estimates:
        message += (f"; {len(estimates)} singles have a partner by price estimate only "
                    "(see estimates)")
    if model.factor > 1.0 + policy.balance_slack:
        message += "; the office's load is above its capacity, every unit is over its points"
    order_pairs = tuple(sorted(pairs_out, key=lambda p: p.members))
    return PairingResult(
        pairs=order_pairs, singles=dict(sorted(singles.items())), objective=objective,
        allocation_objective=float(best.value), bound=bound, gap=float(gap),
        optimality=optimality, status=status, message=message,
        assignment=dict(sorted(assignment.items())),
        estimates=dict(sorted(estimates.items())),
        stats={"n_lp": outcome.n_lp, "n_search_lp": outcome.n_search_lp,
               "n_matchings": outcome.n_matchings, "lp_backend": model.lp.backend,
               "rounds": outcome.rounds, "history": outcome.history,
               "dissolved": {unit_id((idents[a], idents[b])): g
                             for (a, b), g in outcome.dissolved.items()},
               "pair_overhead": policy.pair_overhead, "capacity_factor": model.factor,
               "proven": outcome.proven, "exact": bb},
    )

