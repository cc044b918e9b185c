"""What ``pair_veiledere`` returns: :class:`Pair` and :class:`PairingResult` (the result contract).

Every text a person reads comes from the phrase tables of :mod:`navkompetanse.text.pairing`;
the fields hold numbers, idents and reason codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..models import CompetenceProfile
from ..results import FrozenDict, Result, freeze, strict_json
from ..scoring import unit_id
from ..text import check_lang, fmt, percent
from ..text import pairing as words

__all__ = ["Pair", "PairingResult"]


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
    leads : FrozenDict
        ``{Dimension: (ident,)}`` who leads each kind of work, by the one rule of
        :func:`~navkompetanse.scoring.lead_members`: the stronger member; where the two are
        equal or one level apart, the one who finds that work energising. Both idents where
        they are equal in level and in preference (they share it).
    lead_reason : FrozenDict
        ``{Dimension: code}`` why that member leads: ``stronger`` (her level decides),
        ``preference`` (within one level, she likes it better) or ``equal`` (shared).
    member_preferences : FrozenDict
        ``{ident: {Dimension: "energi" | "tapper"}}``: the members' preferences that are not
        neutral (``Veileder.preferences``); empty for an office without them.
    covers : FrozenDict
        ``{ident: (Dimension, ...)}`` the dimensions where the *other* member covers this
        member's weaker side.
    capacity_points : float
        The pair's capacity (:func:`~navkompetanse.scoring.pair_capacity`): the members'
        points together less ``Policy.pair_overhead``.
    member_capacity_points : FrozenDict
        Each member's own capacity points.
    existing, required, learning_relation : bool
        A pair today (``office.pairs``); pinned by the leader; the two share a learning
        relation.
    brukere : tuple of str
        Brukere the pair takes in the allocation that judged it (empty if not computed); in
        a plan, those the plan's distribution gives it (``pairing.propose.in_distribution``).
    n_only_together : int
        How many of those the pair covers better than either member could alone.
    typical_need : FrozenDict
        ``{Dimension: level}``: the high needs of the hardest case only the pair covers.
    trial : bool
        The pair is a trial the two confirm (DOMAIN.md: the office tried pairs "as an
        experiment"): every new pair (not in ``office.pairs``), and a pair of today whose
        ongoing record in ``office.pair_history`` is not confirmed.
    review_date : datetime.date or None
        When a trial is reviewed: ``today + Policy.pair_trial_weeks`` weeks for a new pair,
        ``started +`` the same weeks for an ongoing unconfirmed one (None when its record has
        no start date, and for a pair that is not a trial).
    trial_started : datetime.date or None
        When an ongoing unconfirmed trial started (None for a new pair).
    history : tuple of FrozenDict
        The office's records of this pair (``office.pair_records``) in the order they ended:
        ``{"started", "ended", "confirmed"}`` (dates or None). Evidence of trust, never a
        guess.
    learning_relations : tuple of (str, str)
        ``(mentor, learner)`` of every learning relation between the two.
    """

    members: tuple[str, str]
    gain: float
    gain_exact: bool
    learning_bonus: float
    combined_profile: CompetenceProfile
    leads: Mapping
    covers: Mapping
    capacity_points: float
    member_capacity_points: Mapping
    existing: bool = False
    required: bool = False
    learning_relation: bool = False
    brukere: tuple[str, ...] = field(default=(), repr=False)
    n_only_together: int = 0
    typical_need: Mapping = field(default_factory=FrozenDict)
    lead_reason: Mapping = field(default_factory=FrozenDict)
    member_preferences: Mapping = field(default_factory=FrozenDict)
    trial: bool = False
    review_date: dt.date | None = None
    trial_started: dt.date | None = None
    history: tuple[Mapping[str, Any], ...] = ()
    learning_relations: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for name in ("leads", "covers", "member_capacity_points", "typical_need",
                     "lead_reason", "member_preferences", "history", "learning_relations"):
            object.__setattr__(self, name, freeze(getattr(self, name)))
        # tuples of idents: no need to walk them (a pair may hold hundreds of brukere)
        object.__setattr__(self, "members", tuple(self.members))
        object.__setattr__(self, "brukere", tuple(self.brukere))

    def __repr__(self) -> str:
        return f"Pair({self.members[0]!r}, {self.members[1]!r}, gain={self.gain:.3g})"

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
            "leads": {_code(d): list(v) for d, v in self.leads.items()},
            "covers": {k: [_code(d) for d in v] for k, v in self.covers.items()},
            "capacity_points": self.capacity_points,
            "member_capacity_points": dict(self.member_capacity_points),
            "existing": self.existing,
            "required": self.required,
            "learning_relation": self.learning_relation,
            "n_brukere": len(self.brukere),
            "n_only_together": self.n_only_together,
            "typical_need": {_code(d): v for d, v in self.typical_need.items()},
            "lead_reason": {_code(d): v for d, v in self.lead_reason.items()},
            "preferences": {k: {_code(d): _code(p) for d, p in v.items()}
                            for k, v in self.member_preferences.items()},
            "trial": self.trial,
            "review_date": _iso(self.review_date),
            "trial_started": _iso(self.trial_started),
            "history": [{k: _iso(v) if isinstance(v, dt.date) else v for k, v in r.items()}
                        for r in self.history],
            "learning_relations": [list(r) for r in self.learning_relations],
        }


@dataclass(frozen=True, repr=False)
class PairingResult(Result):
    """Proposed veileder-pairs, who stays single and why, and how good the pairing is.

    Attributes
    ----------
    pairs : tuple of Pair
        Sorted by members.
    singles : FrozenDict
        ``{ident: reason code}``: ``not_pairable``, ``no_gain`` (no colleague adds value),
        ``left_over`` (the colleagues who would add value do more good in other pairs),
        ``capacity`` (the office cannot spare the overhead of another pair),
        ``rule:same_avdeling``, ``rule:forbidden`` or ``rule:max_pairs``. The text is
        :func:`navkompetanse.text.pairing.reason_text` (also the frame's ``reason_text``).
    objective : float
        The pairing's objective: allocation fit (LP allocation model) + learning and
        continuity bonuses − ``min_gain`` per new pair.
    allocation_objective : float
        The allocation fit alone (sum of fit over brukere in the LP allocation).
    bound : float
        Proven upper bound on ``objective`` over every permitted pairing.
    gap : float
        ``(bound - objective) / max(1, |objective|)``.
    status : str
        ``optimal`` (gap ≤ 1e-6), ``feasible``, ``time_limit``, or ``infeasible`` (brukere
        and no veileder).
    message, messages, lang
        What was proposed and anything to know, in plain language (``messages`` holds nb and
        en; ``lang`` is the language of ``message`` and the default of ``explain``).
    names : FrozenDict
        ``{ident: name}`` of the veiledere who have a name (used in every text).
    dissolved : tuple of (str, str)
        Today's pairs (``office.pairs``) that a required pair broke up: a member was pinned
        in another pair, so the old pair is neither kept nor counted.
    assignment : FrozenDict
        ``{bruker id: unit id}`` of the allocation the pairing was judged by, from the LP
        (largest share), empty if the office has no brukere.
    estimates : FrozenDict
        ``{ident: {"partner", "estimated_gain", "exact": False}}`` for singles who had a
        partner worth ``min_gain`` by the price estimate ``w(μ*)`` at the final prices: an
        *estimate*, not an allocation LP (only proposed pairs get exact gains). Shown in
        ``explain(ident)``.
    today : datetime.date or None
        The day the proposal was made (``pair_veiledere(today=...)``); trials' review dates
        count from it.
    not_proposed : tuple of FrozenDict
        Pairs never proposed, with why: ``{"members", "reason", "source", "candidate"}``;
        ``source`` is ``"office"`` (``office.pair_history`` marked ``propose_again=false``,
        with its reason) or ``"caller"`` (``forbidden=``; ``reason`` None unless given as a
        mapping); ``candidate`` says whether the two could otherwise have been paired
        (complementary, pairable, the avdeling rule). ``explain`` of either member says why,
        where ``candidate`` is True.
    stats : FrozenDict
        What the search did, for developers: allocation LPs (``n_lp``; ``n_search_lp`` of
        them in the search), exact matchings, price-and-match rounds (``rounds``),
        ``method``, pairs dropped by the min-gain rule, the capacity model (``capacity``:
        load, capacity, overhead budget) and ``proof`` (what :attr:`optimality` states).
    """

    pairs: tuple[Pair, ...]
    singles: Mapping[str, str]
    objective: float
    allocation_objective: float
    bound: float
    gap: float
    status: str
    message: str
    messages: Mapping[str, str] = field(default_factory=FrozenDict)
    lang: str = "nb"
    names: Mapping[str, str] = field(default_factory=FrozenDict)
    dissolved: tuple[tuple[str, str], ...] = ()
    assignment: Mapping[str, str] = field(default_factory=FrozenDict)
    estimates: Mapping[str, Mapping[str, Any]] = field(default_factory=FrozenDict)
    today: dt.date | None = None
    not_proposed: tuple[Mapping[str, Any], ...] = ()
    stats: Mapping[str, Any] = field(default_factory=FrozenDict, compare=False)

    _title: ClassVar[tuple[str, str]] = ("Veileder-par", "Veileder pairs")
    _frame_columns: ClassVar[tuple[str, ...]] = (
        "ident", "name", "unit", "partner", "partner_name", "gain", "leads", "reason",
        "reason_text", "review_date")

    def __post_init__(self) -> None:
        check_lang(self.lang)
        for name in ("messages", "names", "dissolved", "estimates", "not_proposed", "stats"):
            object.__setattr__(self, name, freeze(getattr(self, name)))
        # flat id -> code/unit maps and Pairs (frozen themselves): no need to walk them
        object.__setattr__(self, "pairs", tuple(self.pairs))
        for name in ("singles", "assignment"):
            value = getattr(self, name)
            if not isinstance(value, FrozenDict):
                object.__setattr__(self, name, FrozenDict(value))

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

    # ---- what is proven -----------------------------------------------------------------
    @property
    def optimality(self) -> str:
        """What is proven about the proposal, in the result's language."""
        return self.describe_optimality()

    def describe_optimality(self, lang: str | None = None) -> str:
        """What is proven about the proposal (``stats["proof"]`` in words), nb or en."""
        lang = self.lang if lang is None else check_lang(lang)
        return words.optimality_text(self.stats.get("proof", {"kind": "none"}), lang)

    # ---- explanations -------------------------------------------------------------------
    def explain(self, ident_or_pair: str | Pair | Sequence[str] | None = None,
                lang: str | None = None) -> str:
        """Plain-language explanation, short enough to read aloud in a meeting.

        Parameters
        ----------
        ident_or_pair : str, Pair, or two idents, optional
            A veileder's ident, a pair (``Pair``, ``("A", "B")`` or ``"A+B"``); None for a
            summary of the whole proposal.
        lang : {"nb", "en"}, optional
            Norwegian bokmål or English; default the result's own ``lang``.

        Raises
        ------
        ValueError
            ``lang`` is not ``"nb"`` or ``"en"``.
        KeyError
            Not a veileder or a proposed pair of this office.
        """
        lang = self.lang if lang is None else check_lang(lang)
        if ident_or_pair is None:
            return self._summary_text(lang)
        found = self._find(ident_or_pair)
        overhead = float(self.stats.get("pair_overhead", 0.0))
        if isinstance(found, Pair):
            text = words.explain_pair(found, lang, self.names, overhead, today=self.today)
            involved = found.members
        else:
            text = words.explain_single(found, self.singles[found], lang, self.names,
                                        overhead=overhead, estimate=self.estimates.get(found))
            involved = (found,)
        notes = [self._dissolved_note(old, lang) for old in self.dissolved
                 if set(old) & set(involved)]
        # a partner the rules kept away, with the reason (only where the two could pair)
        notes += [words.not_proposed_text(entry, lang, self.names)
                  for entry in self.not_proposed
                  if entry["candidate"] and set(entry["members"]) & set(involved)]
        return " ".join([text, *notes])

    def _dissolved_note(self, old: tuple[str, str], lang: str) -> str:
        pinned = next((i for i in old if (p := self.pair_of(i)) is not None and p.required),
                      old[0])
        return words.dissolved_text(old, pinned, lang, self.names)

    def _summary_text(self, lang: str) -> str:
        if self.status == "infeasible":
            return self.messages.get(lang) or self.message
        return words.summary_text(len(self.pairs), len(self.singles), self.status, self.gap,
                                  bool(self.stats.get("proven")), lang)

    # ---- export -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready; numbers that do not exist are ``None``, never NaN)."""
        return strict_json({
            "pairs": [p.to_dict() for p in self.pairs],
            "singles": dict(self.singles),
            "dissolved": [list(p) for p in self.dissolved],
            "objective": self.objective,
            "allocation_objective": self.allocation_objective,
            "bound": self.bound,
            "gap": self.gap,
            "status": self.status,
            "message": self.message,
            "messages": dict(self.messages),
            "lang": self.lang,
            "optimality": self.optimality,
            "names": dict(self.names),
            "estimates": {k: dict(v) for k, v in self.estimates.items()},
            "today": _iso(self.today),
            "not_proposed": [dict(e) for e in self.not_proposed],
            "stats": self.stats,
        })

    def _frame_rows(self) -> Iterable[Mapping[str, Any]]:
        """One row per veileder: unit, partner, gain, what she leads, why alone (code, text)."""
        rows = []
        for p in self.pairs:
            for ident in p.members:
                other = p.members[1] if ident == p.members[0] else p.members[0]
                rows.append({
                    "ident": ident, "name": self.names.get(ident), "unit": p.unit_id,
                    "partner": other, "partner_name": self.names.get(other), "gain": p.gain,
                    "leads": ", ".join(_code(d) for d, who in p.leads.items() if ident in who),
                    "reason": None, "reason_text": None, "review_date": _iso(p.review_date),
                })
        for ident, reason in self.singles.items():
            rows.append({
                "ident": ident, "name": self.names.get(ident), "unit": ident, "partner": None,
                "partner_name": None, "gain": 0.0, "leads": "", "reason": reason,
                "reason_text": words.reason_text(reason, self.lang), "review_date": None,
            })
        return sorted(rows, key=lambda r: r["ident"])

    # ---- display ------------------------------------------------------------------------
    def _summary(self, lang: str) -> list[tuple[str, str]]:
        labels = words.summary_labels(lang)
        return [(labels["pairs"], fmt(len(self.pairs), lang)),
                (labels["singles"], fmt(len(self.singles), lang)),
                (labels["gap"], _percent(self.gap, lang))]

    def _repr_fields(self) -> str:
        return (f"pairs={len(self.pairs)}, singles={len(self.singles)}, "
                f"gap={_percent(self.gap, 'en')}")


def _code(d: Any) -> str:
    return getattr(d, "value", str(d))


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _percent(share: float, lang: str) -> str:
    return percent(share, lang, 2)
