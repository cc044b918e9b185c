"""The one orchestration: :func:`plan` maps, pairs, allocates and compares in one call.

Everything a leader sees goes through here: ``navkompetanse demo`` and ``navkompetanse plan``,
the HTML report and notebooks all call :func:`plan` and only render the :class:`Plan` it
returns, so the report of a plan made in a notebook with ``same_avdeling=True`` and pinned
brukere is the report of *that* plan.

A plan is saved as JSON (:meth:`Plan.save`) and loads back equal (:func:`load_plan`);
:meth:`Plan.to_office` applies it, so the next round can start from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import gzip
import io
import json
import math
import os
import sys
import time
import warnings
import zlib
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from ._state import decode, encode
from .allocation import (
    AllocationResult,
    Comparison,
    Overload,
    allocate_portfolios,
    compare,
    status_quo,
)
from .analysis import CompetenceMap, GapAnalysis, competence_map, gap_analysis
from .analysis.fairness import FairnessAudit, fairness_audit
from .analysis.learning import LearningNetwork, LearningPlan, learning_network, learning_plan
from .exceptions import CapacityWarning, InvalidInputError, Problem
from .models import Office, PairRecord
from .pairing import PairingResult, pair_veiledere
from .pairing.propose import in_distribution
from .policy import Policy
from .results import Result, check_status, freeze_fields, strict_json
from .scoring import capacity_points, fit_matrix, office_arrays, workload_points
from .text import check_lang, fmt, unit_label
from .trust import AppliedOverride, Override, Provenance, override_sentence, provenance

__all__ = ["PLAN_FORMAT", "Plan", "PlanOptions", "capacity_warnings_off", "load_plan", "plan"]

#: ``format`` of a saved plan file, and the version of its layout.
PLAN_FORMAT = "navkompetanse-plan"
PLAN_FORMAT_VERSION = 2
#: gzip level of a plan saved to a ``.gz`` path (3: 13 times smaller than the JSON; higher
#: levels take twice the time for a quarter less).
GZIP_LEVEL = 3
#: The most a compressed plan file may unpack to (a plan of 20,000 brukere is about 40 MB):
#: a small file that unpacks to gigabytes is refused instead of filling the memory.
MAX_PLAN_BYTES = 2**30
#: Versions :func:`load_plan` reads: 2 writes many dataclasses of one class as a table
#: (``_state``); a version 1 file holds the same values one by one, and loads the same.
READABLE_PLAN_VERSIONS = (1, 2)

#: Share of ``time_limit`` the pairing may use at most; the allocation gets what is left.
PAIRING_TIME_SHARE = 0.5
#: Seconds per bruker × veileder the allocation is expected to need for its optimised plan
#: (the class LP to the gap target, rounding, writing): measured 0.5 s wall at
#: 10,000 × 150 (3.3e-7), with margin. The pairing gets no more than what leaves this.
ALLOC_S_PER_CELL = 4e-7
#: Seconds per bruker the allocation needs at least for a distribution (building the model
#: and writing the result, about 15 µs) plus, per bruker × veileder, building the fit and
#: its greedy plan of last resort: at 20,245 × 299 (6 million cells) a plan took 0.73
#: CPU-seconds and 0.33 found none (``allocation.solve.GREEDY_S_PER_CELL`` is the greedy's
#: own 60 ns).
ALLOC_MIN_S_PER_BRUKER = 2e-5
ALLOC_MIN_S_PER_CELL = 1.2e-7
#: The time needs above are for a free core. Before it shares the time, ``plan()`` measures
#: how many wall seconds each of its CPU seconds took so far (at least SLOWNESS_SAMPLE_S of
#: them; at most SLOWNESS_MAX) and scales the needs by it: on a machine busy with other jobs
#: a city office's allocation is otherwise left too little time for any distribution.
SLOWNESS_SAMPLE_S = 0.05
SLOWNESS_MAX = 4.0
#: Seconds per candidate pair (n(n-1)/2 for n veiledere) the pairing needs before it has a
#: proposal: measured about 0.2 s at 150 veiledere (11,175 candidates; 1.8e-5). With less
#: time than this the plan keeps today's pairs and says so.
PAIRING_MIN_S_PER_CANDIDATE = 2e-5
#: Seconds per bruker set aside from ``time_limit`` for what follows the allocation: the
#: comparison, the fairness audit, the provenance's input hash and the plan's texts (measured
#: 16 µs per bruker at 10,000 brukere, 2026-12-02; today's distribution is made first).
PLAN_RESERVE_S_PER_BRUKER = 2e-5
#: Seconds per bruker the learning network and the mentoring proposal take (measured 0.09 s
#: at 10,000 brukere x 150 veiledere, 0.23 s on a first call; with margin). When what is
#: left after today's distribution does not cover this and the allocation's least need
#: (``ALLOC_MIN_S_PER_*``), the plan holds no learning plan and says so: the distribution
#: comes first.
LEARNING_S_PER_BRUKER = 2e-5
#: Offices this large show the plan's steps (when stderr is a terminal).
PROGRESS_MIN_BRUKERE = 5000

#: The gap analysis runs only when at least this much time per bruker is left after the
#: allocation: its measures alone take about 10 µs per bruker and its price LP more; with less
#: the plan holds no gap analysis (the report says so) rather than overrun the limit.
GAPS_MIN_S_PER_BRUKER = 5e-5
#: The least time a step is given when the limit is used up (it then stops at once).
MIN_STEP_S = 1e-3

#: Whether ``plan()`` raises its CapacityWarning in this context. Callers that report the
#: overload themselves (``plan_many``'s summaries, the scenario comparison) turn it off with
#: :func:`capacity_warnings_off`: a context variable, so threads that plan side by side do not
#: switch each other's warnings (``warnings.catch_warnings`` changes the filters of every
#: thread, and a plan in one thread warned while another thread's block had ended).
_CAPACITY_WARNINGS: ContextVar[bool] = ContextVar("navkompetanse_capacity_warnings",
                                                  default=True)


@contextmanager
def capacity_warnings_off():
    """Within the block, ``plan()`` in this thread (or task) raises no CapacityWarning; the
    overload is still in the plan (``Plan.overload``)."""
    token = _CAPACITY_WARNINGS.set(False)
    try:
        yield
    finally:
        _CAPACITY_WARNINGS.reset(token)


def _warn_overload(made: Plan, lang: str) -> None:
    """The plan's CapacityWarning (once per plan, where the caller called it), unless turned
    off in this context."""
    if made.overload is not None and made.allocation.ok and _CAPACITY_WARNINGS.get():
        warnings.warn(CapacityWarning(made.overload.text(lang, made.names, units=False)),
                      stacklevel=3)

_Ident = Annotated[StrictStr, Field(min_length=1)]
#: A number written as a number: 2 or 2.5, never True or "2" (a typo in an options file must
#: not become one second or 10⁹ seconds).
_Number = Annotated[StrictInt | StrictFloat, Field(allow_inf_nan=False)]
_PairOfIdents = tuple[_Ident, _Ident]


#: Options that only steer ``pair_veiledere`` (so only with ``pairs="propose"``).
_PAIRING_OPTIONS = ("required", "forbidden", "same_avdeling", "max_pairs", "min_gain")


class PlanOptions(BaseModel):
    """Every option of :func:`plan`, checked once at the door (frozen, unknown keys refused).

    Attributes
    ----------
    pairs : "propose", "keep", "none" or a sequence of pairs
        ``"propose"`` (default): :func:`pair_veiledere` proposes pairs; ``"keep"``: the
        office's current pairs (``office.pairs``); ``"none"``: every veileder works alone; a
        sequence of two idents each: exactly these pairs.
    required, forbidden : sequences of two idents
        Pairs the leader pins, and pairs never proposed (with ``pairs="propose"``).
    same_avdeling : bool
        Pair only veiledere of the same avdeling.
    max_pairs : int, optional
        Most pairs in the proposal.
    min_gain : float, optional
        Least gain a new pair must bring (``pair_veiledere``'s default when None).
    pinned : mapping of bruker id to ident or unit id
        Brukere the leader has placed; they stay there.
    max_moves : int, optional
        Most brukere who may change veileder.
    time_limit : float
        Seconds for the whole plan. The pairing may use at most half, and no more than
        leaves the allocation the time it is expected to need for this office's size; when
        there is no time for both, the allocation comes first (a distribution) and the plan
        keeps today's pairs, says so and reports ``time_limit``. The plan returns within the
        limit × 1.1 plus a start-up (docs/allocation.md).
    strict_capacity : bool
        False (default): an office with more work than capacity still gets a plan — everyone
        placed, the excess spread in proportion to capacity, the overload first in every
        output (``Plan.overload``) and a :class:`~navkompetanse.CapacityWarning`. True: such
        an office gets no plan (``infeasible``, with the positions it lacks).
    allow_overflow : bool
        The older name of ``not strict_capacity`` (kept for option files): False is the same
        as ``strict_capacity=True``.
    hard_specialty : bool
        Brukere in a malgruppe go only to units with that spesialfelt.
    today : date, optional
        The day new pairs start their trial from (``"2027-01-04"`` in an options file); their
        review date is this plus ``Policy.pair_trial_weeks``. None (default): the day the plan
        is made.
    kommunal_only : bool, optional
        Brukere with malgruppe sosialhjelp (økonomisk sosialhjelp, KVP) go only to units with
        a municipally employed member; None (default) follows ``Policy.kommunal_only``. Set for
        this plan by setting it in the policy the whole plan uses (pairing, allocation,
        today's distribution and the gap analysis alike).
    gaps : bool
        True (default): the plan includes a gap analysis (:func:`~navkompetanse.gap_analysis`:
        what stays short and the development, recruiting and part-time steps that close it
        most, each verified by re-solving) within what is left of ``time_limit``; False
        leaves it out (``Plan.gaps`` is None).
    progress : bool, optional
        Show the plan's steps on stderr as it works (tqdm when the ``progress`` extra is
        installed, else one line). None (default): only for offices of at least
        :data:`PROGRESS_MIN_BRUKERE` brukere and only when stderr is a terminal; never in a
        pipe or a log.
    learning : bool
        True (default): the plan holds the learning network and a mentoring plan
        (:func:`~navkompetanse.learning_plan`), and the allocation leaves each mentor the
        capacity her mentees take (``Policy.mentoring_points_per_mentee``); False leaves both
        out.
    max_mentees_per_mentor, prefer_cross_avdeling : int, bool
        Passed to :func:`~navkompetanse.learning_plan`.
    overrides : sequence of Override
        A leader's decisions against the proposal, each with a reason
        (:class:`~navkompetanse.trust.Override`: ``place`` a bruker with a unit, ``pair`` two
        veiledere, ``no_pair``). Each holds as a hard rule and the rest is re-optimised; the
        plan records what the proposal had been and what the overrides cost
        (``Plan.overrides``, ``Plan.override_cost``). A later override of the same bruker or
        pair replaces the earlier one.
    seed : int
        Seed of the allocation's fallback path.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    pairs: Literal["propose", "keep", "none"] | tuple[_PairOfIdents, ...] = "propose"
    required: tuple[_PairOfIdents, ...] = ()
    forbidden: tuple[_PairOfIdents, ...] = ()
    same_avdeling: StrictBool = False
    max_pairs: Annotated[StrictInt, Field(ge=0)] | None = None
    min_gain: Annotated[_Number, Field(ge=0)] | None = None
    pinned: tuple[tuple[_Ident, _Ident], ...] = ()
    max_moves: Annotated[StrictInt, Field(ge=0)] | None = None
    time_limit: Annotated[_Number, Field(gt=0)] = 10.0
    strict_capacity: StrictBool = False
    allow_overflow: StrictBool = True
    hard_specialty: StrictBool = False
    kommunal_only: StrictBool | None = None
    today: dt.date | None = None
    seed: StrictInt = 0
    gaps: StrictBool = True
    progress: StrictBool | None = None
    learning: StrictBool = True
    max_mentees_per_mentor: Annotated[StrictInt, Field(ge=0)] = 2
    prefer_cross_avdeling: StrictBool = True
    overrides: tuple[Override, ...] = ()

    @field_validator("pinned", mode="before")
    @classmethod
    def _pinned_items(cls, value: Any) -> Any:
        # a mapping {bruker id: unit} is what people write; keep it as sorted pairs inside
        if isinstance(value, Mapping):
            return tuple(sorted((str(k), v) for k, v in value.items()))
        return value

    @field_validator("required", "forbidden", mode="before")
    @classmethod
    def _pair_lists(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError('a list of pairs, like [["Z123456", "Z654321"]]')
        return value

    @model_validator(mode="after")
    def _pairing_options_need_a_proposal(self) -> PlanOptions:
        # required/forbidden/same_avdeling/max_pairs/min_gain steer pair_veiledere; with the
        # pairs kept, left out or given they would be ignored without a word
        if self.pairs != "propose":
            ignored = [name for name in _PAIRING_OPTIONS
                       if getattr(self, name) != type(self).model_fields[name].default]
            if ignored:
                raise ValueError(
                    f"{', '.join(ignored)} only steer proposed pairs; with pairs="
                    f"{self.pairs if isinstance(self.pairs, str) else 'a list'} they would be "
                    "ignored: use pairs='propose', or drop them")
        return self

    @classmethod
    def parse(cls, options: Mapping[str, Any], source: str = "plan options") -> PlanOptions:
        """Options from a mapping; InvalidInputError naming each bad option and a fix."""
        problems = []
        for key in options:
            if key not in cls.model_fields:
                close = difflib.get_close_matches(str(key), cls.model_fields, n=1)
                problems.append(Problem(
                    str(key), str(key), "not an option of plan()",
                    hint=f"did you mean {close[0]!r}?" if close
                    else "options are " + ", ".join(cls.model_fields)))
        if problems:
            raise InvalidInputError(problems, source=source)
        try:
            return cls.model_validate(dict(options))
        except ValidationError as exc:
            raise InvalidInputError([
                Problem(".".join(str(p) for p in err["loc"]) or "options",
                        str(err["loc"][0]) if err["loc"] else "", err["msg"],
                        value=err.get("input") if not isinstance(err.get("input"), dict)
                        else None,
                        hint="see help(navkompetanse.PlanOptions)")
                for err in exc.errors()
            ], source=source) from None

    @property
    def overflow(self) -> bool:
        """Whether an overloaded office still gets a plan (neither strict option set)."""
        return self.allow_overflow and not self.strict_capacity

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (what an options file holds)."""
        data = self.model_dump(mode="json")
        data["pinned"] = {b: u for b, u in self.pinned}
        return data


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class Plan(Result):
    """Pairs, allocation, today's distribution and the competence map of one office.

    Attributes
    ----------
    office : Office
        The office the plan was made for (never changed; :meth:`to_office` applies the plan).
    policy : Policy
        Every number the scoring used.
    options : PlanOptions
        The options the plan was made with.
    competence_map : CompetenceMap
        High needs against strong veiledere, per dimension.
    pairing : PairingResult or None
        The proposed pairs (None when ``pairs`` was ``"keep"``, ``"none"`` or given).
    allocation : AllocationResult
        The proposed distribution of brukere over veiledere and pairs.
    today : AllocationResult
        Today's distribution (:func:`status_quo`).
    comparison : Comparison
        Today against the proposal.
    status : str
        ``infeasible`` (or ``time_limit``) without a distribution; ``time_limit`` when a step
        reached its time limit; ``optimal`` when pairing and allocation are both proven;
        otherwise ``feasible``.
    runtime_s : float
        Seconds the plan took.
    learning : LearningPlan or None
        Proposed mentor → learner relations (optimal for their stated benefit) and the
        capacity they reserve, which the allocation left free (None with ``learning=False``).
    learning_network : LearningNetwork or None
        Today's learning relations and pairs as a network, with its measures.
    fairness : FairnessAudit or None
        Shortfall, fit and moves by group of brukere, load and heavy cases per position by
        group of veiledere, today and proposed, with the disparities that reach a threshold.
    overrides : tuple of AppliedOverride
        The leader's overrides in force: each with its reason, what the proposal had been and
        whether it held. ``override_cost`` is what they cost together in the model's terms
        (the objective with them less the objective without; negative is a cost).
    provenance : Provenance or None
        Versions, the input's canonical SHA-256, policy, options, times, each step's status
        and certified gap (``docs/trust.md``).
    gaps : GapAnalysis or None
        What stays short and the verified steps that close it most (None with ``gaps=False``
        or without a distribution). It shares the plan's time limit; its own ``status`` says
        whether every proposal could be verified in time (the plan's ``status`` is about the
        distribution).
    overload : Overload or None
        When the office has more work (or heavy cases) than capacity: points over, per full
        position, which limit binds, what would relieve it and every unit's share
        (:class:`~navkompetanse.allocation.Overload`); ``message``, ``text()``, ``to_dict()``
        and the report start with it. None otherwise.
    """

    office: Office
    policy: Policy
    options: PlanOptions
    competence_map: CompetenceMap
    pairing: PairingResult | None
    allocation: AllocationResult
    today: AllocationResult
    comparison: Comparison
    status: str
    message: str
    messages: Mapping[str, str]
    lang: str
    names: Mapping[str, str]
    runtime_s: float
    overload: Overload | None = None
    gaps: GapAnalysis | None = None
    fairness: FairnessAudit | None = None
    learning: LearningPlan | None = None
    learning_network: LearningNetwork | None = None
    overrides: tuple[AppliedOverride, ...] = ()
    override_cost: float = float("nan")
    provenance: Provenance | None = None

    _title: ClassVar[tuple[str, str]] = ("Plan", "Plan")
    _frame_columns: ClassVar[tuple[str, ...]] = AllocationResult._frame_columns

    def __post_init__(self) -> None:
        # a plan rebuilt from a file passes here too: refuse what no plan() could have made
        check_status(self.status)
        check_lang(self.lang)
        for name, kind in _PART_TYPES.items():
            value = getattr(self, name)
            if not isinstance(value, kind):
                raise TypeError(f"Plan.{name} must be {_kind_name(kind)}, got "
                                f"{type(value).__name__}")
        freeze_fields(self, "messages", "names")

    # ---- equality: the saved state, so NaN equals NaN and a loaded plan equals its source
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Plan):
            return NotImplemented
        return encode(self) == encode(other)

    __hash__ = None  # type: ignore[assignment]

    def _has_solution(self) -> bool:
        return self.allocation.ok

    # ---- views ---------------------------------------------------------------------------
    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """The pairs of the proposed distribution (two idents each, sorted)."""
        return tuple(sorted(
            tuple(u.members) for u in self.allocation.units.values() if len(u.members) == 2))

    def explain(self, key: str | Sequence[str] | None = None, lang: str | None = None) -> str:
        """Why: the whole plan (``None``), a bruker (her id), a veileder or a pair.

        Brukere are explained by the allocation, veiledere and pairs by the pairing (or, for
        pairs the plan did not propose, by the allocation's units).
        """
        lang = self.lang if lang is None else check_lang(lang)
        if key is None:
            return self.describe(lang)
        if isinstance(key, str) and key in self.office.bruker_by_id:
            text = self.allocation.explain(key, lang=lang)
            for applied in self.overrides:
                if applied.override.kind == "place" and applied.override.bruker == key:
                    text = override_sentence(applied, self.names, lang) + " " + text
            return text
        if self.pairing is not None:
            return self.pairing.explain(key, lang=lang)
        unit = key if isinstance(key, str) else "+".join(sorted(key))
        for u in self.allocation.units.values():
            if unit == u.id or (isinstance(key, str) and key in u.members):
                return _unit_sentence(self, u, lang)
        raise KeyError(f"{key!r} is neither a bruker, a veileder nor a pair in this plan")

    def _summary(self, lang: str) -> list[tuple[str, str]]:
        t = _SUMMARY[lang]
        gap = self.allocation.gap
        rows = [
            (t["pairs"], fmt(len(self.pairs), lang)),
            (t["brukere"], fmt(len(self.allocation.assignment), lang)),
            (t["moves"], fmt(self.allocation.n_moves, lang)),
            (t["gap"], fmt(100 * gap, lang, 3) + " %" if np.isfinite(gap) else "–"),
        ]
        if self.overload is not None:
            rows.insert(0, (t["overload"], fmt(100 * self.overload.share, lang, 0) + " %"))
        return rows

    def _repr_fields(self) -> str:
        return (f"pairs={len(self.pairs)}, brukere={len(self.allocation.assignment)}, "
                f"moves={self.allocation.n_moves}")

    def _frame_rows(self) -> Iterable[Mapping[str, Any]]:
        """One row per bruker: the allocation's (unit, fit, moved, reason …)."""
        return self.allocation._frame_rows()

    def text(self, lang: str | None = None) -> str:
        """The whole plan as plain text (what ``navkompetanse plan`` prints)."""
        from .report import plan_text

        return plan_text(self, self.lang if lang is None else check_lang(lang))

    def to_html(self, lang: str | None = None) -> str:
        """The plan as a self-contained HTML report."""
        from .report import plan_html

        return plan_html(self, self.lang if lang is None else check_lang(lang))

    def save_report(self, path: str | os.PathLike[str], lang: str | None = None) -> Path:
        """Write :meth:`to_html` to ``path`` (UTF-8); returns the path."""
        path = Path(path)
        path.write_text(self.to_html(lang), encoding="utf-8")
        return path

    # ---- export --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data for other tools: every part's ``to_dict()`` and the options.

        The parts' own ``to_dict()`` are strict JSON already (the result contract): only the
        plan's own values go through ``strict_json`` here, so the placements (one per bruker,
        twice) are not walked again.
        """
        def part(result: Any) -> Any:
            return result.to_dict() if result is not None else None

        data = strict_json({
            "status": self.status, "message": self.message, "messages": dict(self.messages),
            "overload": part(self.overload), "lang": self.lang, "runtime_s": self.runtime_s,
            "office": self.office.summary(), "options": self.options.to_dict(),
            "policy": self.policy.model_dump(mode="json"),
            "pairs": [list(p) for p in self.pairs],
        })
        data.update({
            "competence_map": part(self.competence_map), "pairing": part(self.pairing),
            "allocation": part(self.allocation), "today": part(self.today),
            "comparison": part(self.comparison), "gaps": part(self.gaps),
            "fairness": part(self.fairness), "learning": part(self.learning),
            "learning_network": part(self.learning_network),
        })
        data.update(strict_json({
            "overrides": [o.to_dict() for o in self.overrides],
            "override_cost": self.override_cost,
            "provenance": part(self.provenance),
        }))
        return data

    def to_json(self, indent: int | None = None) -> str:
        """The plan as JSON text: ``plan`` (plain data, :meth:`to_dict`) and ``state``.

        ``state`` is the exact state :func:`load_plan` rebuilds the plan from, so a saved plan
        loads back equal; other tools read ``plan``.
        """
        document = {
            "format": PLAN_FORMAT, "version": PLAN_FORMAT_VERSION,
            "plan": self.to_dict(), "state": encode(self),
        }
        return json.dumps(document, ensure_ascii=False, allow_nan=False, indent=indent)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_json` to ``path`` (UTF-8); :func:`load_plan` reads it back.

        A path ending in ``.gz`` is written gzip-compressed (about a thirteenth of the size,
        for 0.15 s per 40 MB of JSON): what ``plan_many`` writes for each office.
        """
        path = Path(path)
        if path.suffix == ".gz":
            with gzip.open(path, "wt", encoding="utf-8", compresslevel=GZIP_LEVEL) as f:
                f.write(self.to_json())
        else:
            path.write_text(self.to_json(), encoding="utf-8")
        return path

    def override(self, *overrides: Override) -> Plan:
        """Re-plan with more overrides: they and every earlier one hold, the rest is
        re-optimised (a new override of the same bruker or pair replaces the earlier one).
        The new plan records what this plan had proposed and what the overrides cost.

        >>> from navkompetanse import synthetic_office
        >>> from navkompetanse.trust import Override
        >>> p = plan(synthetic_office(6, 120, seed=2), gaps=False, time_limit=5)
        >>> b = p.office.brukere[0].id
        >>> other = next(u for u in p.allocation.units if u != p.allocation.assignment[b])
        >>> q = p.override(Override.place(b, other, "kjenner familien fra før"))
        >>> q.allocation.assignment[b] == other, q.overrides[0].held
        (True, True)
        """
        if not all(isinstance(o, Override) for o in overrides):
            raise TypeError("overrides are Override objects: Override.place(bruker, unit, "
                            "reason), Override.pair(a, b, reason), Override.no_pair(a, b, "
                            "reason)")
        opts = self.options.model_copy(update={"overrides": (*self.options.overrides,
                                                              *overrides)})
        _check_overrides(self.office, opts)
        started = time.perf_counter()
        made = _make_plan(self.office, self.policy, self.lang, opts, self, started)
        _warn_overload(made, self.lang)
        return made

    def to_office(self) -> Office:
        """The office with this plan applied: each bruker's veileder, the pairs and their
        records (a split pair's trial ends on the plan's day, a new pair's trial starts).

        A bruker given to a pair keeps her veileder if he is in the pair; otherwise she is
        registered with the member whose own profile fits her better (ties: the member with
        fewer of the pair's brukere so far), since NAV's systems hold one veileder per bruker.
        The office this plan was made from is not changed. Raises InfeasibleError when the
        plan has no distribution.
        """
        self.allocation.raise_for_status()
        office = self.office
        arrays = office_arrays(office, self.policy)
        index = {ident: k for k, ident in enumerate(arrays.idents)}
        fit = fit_matrix(arrays.need, arrays.levels, self.policy)  # fit[bruker, veileder]
        count: dict[str, int] = {}
        brukere = []
        for i, bruker in enumerate(office.brukere):
            unit = self.allocation.assignment[bruker.id]
            members = unit.split("+")
            if bruker.veileder in members:
                chosen = bruker.veileder
            else:
                chosen = max(members, key=lambda m: (fit[i, index[m]], -count.get(m, 0)))
            count[chosen] = count.get(chosen, 0) + 1
            brukere.append(bruker if bruker.veileder == chosen
                           else bruker.model_copy(update={"veileder": chosen}))
        return office.replace(brukere=tuple(brukere), pairs=self.pairs,
                              pair_history=self._pair_history())

    def _pair_history(self) -> tuple[PairRecord, ...]:
        """The office's pair records with this plan applied: an ongoing pair the plan splits
        ends on the plan's day, a new pair starts a trial on it (not yet confirmed)."""
        day = (self.pairing.today if self.pairing is not None and self.pairing.today
               else self.options.today or dt.date.today())
        keep = {frozenset(p) for p in self.pairs}
        records = []
        for r in self.office.pair_history:
            if r.ongoing and r.key not in keep:
                r = r.replace(ended=max(day, r.started or day))
            records.append(r)
        ongoing = {r.key for r in records if r.ongoing}
        records += [PairRecord(members=p, started=day) for p in self.pairs
                    if frozenset(p) not in ongoing]
        return tuple(records)


#: Labels of the plan's small table in Jupyter, per language.
_SUMMARY = {
    "nb": {"pairs": "Par", "brukere": "Brukere", "moves": "Bytter",
           "gap": "Høyst fra beste fordeling", "overload": "Mer arbeid enn kapasitet"},
    "en": {"pairs": "Pairs", "brukere": "Brukere", "moves": "Moves",
           "gap": "At most from the best allocation", "overload": "Work above capacity"},
}

#: The type each part of a Plan must have (checked when a Plan is made or loaded).
_PART_TYPES: dict[str, type | tuple[type, ...]] = {
    "office": Office, "policy": Policy, "options": PlanOptions,
    "competence_map": CompetenceMap, "pairing": (PairingResult, type(None)),
    "allocation": AllocationResult, "today": AllocationResult, "comparison": Comparison,
    "message": str, "runtime_s": (int, float), "gaps": (GapAnalysis, type(None)),
    "fairness": (FairnessAudit, type(None)), "provenance": (Provenance, type(None)),
    "learning": (LearningPlan, type(None)), "learning_network": (LearningNetwork, type(None)),
    "overrides": tuple,
}


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join("None" if k is type(None) else k.__name__ for k in kinds)


def _unit_sentence(plan: Plan, unit: Any, lang: str) -> str:
    label, n = unit_label(unit.id, plan.names), fmt(unit.n_brukere, lang)
    load, capacity = fmt(unit.load_points, lang), fmt(unit.capacity_points, lang)
    if lang == "en":
        return f"{label} takes {n} brukere, {load} of {capacity} capacity points."
    return f"{label} får {n} brukere, {load} av {capacity} kapasitetspoeng."


# --------------------------------------------------------------------------------------------
# plan()
# --------------------------------------------------------------------------------------------


def plan(office: Office, *, policy: Policy | None = None, lang: str = "nb",
         **options: Any) -> Plan:
    """Map, pair, allocate and compare with today, in one call.

    Parameters
    ----------
    office : Office
        The office (``load_office``, ``synthetic_office`` or built in code). Not changed.
    policy : Policy, optional
        Every number the scoring uses.
    lang : {"nb", "en"}
        Language of messages and explanations (bokmål by default).
    **options
        Any field of :class:`PlanOptions`: ``pairs``, ``required``, ``forbidden``,
        ``same_avdeling``, ``max_pairs``, ``min_gain``, ``pinned``, ``max_moves``,
        ``time_limit``, ``strict_capacity``, ``hard_specialty``, ``kommunal_only``, ``seed``,
        ``gaps``.

    Returns
    -------
    Plan
        Check ``status`` / ``ok``; ``explain()`` says why, ``to_html()`` shows it. An office
        with more work than capacity gets a plan with ``overload`` set (unless
        ``strict_capacity=True``).

    Warns
    -----
    CapacityWarning
        Once per plan, when the office has more work or heavy cases than capacity and the
        plan spread the excess (the warning's text is the overload's).

    Raises
    ------
    InvalidInputError
        An unknown or invalid option (each named, with a fix), or an option naming a
        veileder or bruker who is not in the office.
    ValueError
        ``lang`` other than ``"nb"`` or ``"en"``.

    Examples
    --------
    >>> from navkompetanse import synthetic_office
    >>> p = plan(synthetic_office(6, 120, seed=2), time_limit=5)
    >>> p.ok, len(p.allocation.assignment)
    (True, 120)
    >>> p.to_office().n_brukere
    120
    """
    started = time.perf_counter()
    lang = check_lang(lang)
    if not isinstance(office, Office):
        raise TypeError("office must be an Office (read a file with load_office)")
    opts = PlanOptions.parse(options)
    if policy is not None and not isinstance(policy, Policy):
        raise InvalidInputError([Problem(
            "policy", "policy", f"must be a Policy, got {type(policy).__name__}",
            hint="Policy(**your_numbers), or Policy.model_validate(a_dict)")],
            source="plan arguments")
    policy = policy if policy is not None else Policy()
    if opts.kommunal_only is not None and opts.kommunal_only != policy.kommunal_only:
        policy = policy.replace(kommunal_only=opts.kommunal_only)
    baseline = None
    if opts.overrides:
        # what the proposal would have been without them: the record says what each override
        # changed and what the overrides cost in the model's terms
        _check_overrides(office, opts)
        baseline = _make_plan(office, policy, lang, opts.model_copy(update=dict(
            overrides=(), gaps=False, time_limit=opts.time_limit / 3)), None, started)
    result = _make_plan(office, policy, lang, opts, baseline, started)
    _warn_overload(result, lang)
    return result


def _check_overrides(office: Office, opts: PlanOptions) -> None:
    """Every override names a bruker, veileder or unit of the office, and none contradicts a
    pin or another option (a located error for each)."""
    problems = []
    idents = set(office.idents)
    pinned = dict(opts.pinned)
    for i, o in enumerate(opts.overrides):
        where = f"overrides[{i}]"
        if o.kind == "place":
            if o.bruker not in office.bruker_by_id:
                problems.append(Problem(where, "bruker", "not a bruker of the office",
                                        o.bruker, "use the id of a bruker in the office"))
            missing = [m for m in str(o.unit).split("+") if m not in idents]
            if missing:
                problems.append(Problem(where, "unit", "names a veileder who is not in the "
                                        "office", ", ".join(missing),
                                        "an ident, or two idents joined by '+'"))
            if o.bruker in pinned and pinned[o.bruker] != o.unit:
                problems.append(Problem(where, "bruker", "pinned elsewhere by the pinned "
                                        "option", o.bruker,
                                        "drop the pin or the override: one decision each"))
        else:
            missing = [m for m in o.members or () if m not in idents]
            if missing:
                problems.append(Problem(where, "members", "names a veileder who is not in "
                                        "the office", ", ".join(missing),
                                        "use the idents of two veiledere in the office"))
    if problems:
        raise InvalidInputError(problems, source="plan options")


def _effective_overrides(opts: PlanOptions) -> tuple[list[Override], dict[Any, str]]:
    """The overrides in force (a later one with the same key replaces the earlier), and the
    reason each replaced one had."""
    current: dict[Any, Override] = {}
    replaced: dict[Any, str] = {}
    for o in opts.overrides:
        if o.key in current:
            replaced[o.key] = current[o.key].reason
        current[o.key] = o
    return list(current.values()), replaced


def _override_options(office: Office, opts: PlanOptions
                      ) -> tuple[dict[str, str], tuple, Any, Any]:
    """(pinned, required, forbidden, units or None) with the overrides applied as hard rules.

    ``units`` is None when the pairing proposes; otherwise the pairs to use."""
    overrides, _ = _effective_overrides(opts)
    pinned = dict(opts.pinned)
    required = list(opts.required)
    forbidden: dict[tuple[str, str], str | None] = {tuple(p): None for p in opts.forbidden}
    yes = [o.members for o in overrides if o.kind == "pair"]
    no = {frozenset(o.members): o.reason for o in overrides if o.kind == "no_pair"}
    for o in overrides:
        if o.kind == "place":
            pinned[o.bruker] = o.unit
    required += [m for m in yes if m not in required]
    required = [p for p in required if frozenset(p) not in no]
    for o in overrides:
        if o.kind == "no_pair":
            forbidden[tuple(o.members)] = o.reason
    units = None
    if opts.pairs != "propose":
        given = (list(office.pairs) if opts.pairs == "keep" else [] if opts.pairs == "none"
                 else list(opts.pairs))
        taken = {m for p in yes for m in p}
        units = [tuple(p) for p in given if frozenset(p) not in no
                 and not taken & set(p)] + [tuple(p) for p in yes]
    return pinned, tuple(required), forbidden, units


def _applied(opts: PlanOptions, baseline: Plan | None, made: Plan) -> tuple[AppliedOverride, ...]:
    overrides, replaced = _effective_overrides(opts)
    pairs = {frozenset(p) for p in made.pairs}
    base_pairs = {frozenset(p) for p in baseline.pairs} if baseline is not None else set()
    out = []
    for o in overrides:
        if o.kind == "place":
            proposed = (baseline.allocation.assignment.get(o.bruker)
                        if baseline is not None and baseline.allocation.ok else None)
            unit = made.allocation.assignment.get(o.bruker) if made.allocation.ok else None
            held = unit is not None and set(unit.split("+")) >= set(o.unit.split("+"))
        else:
            key = frozenset(o.members)
            proposed = None if baseline is None else (
                "proposed" if key in base_pairs else "not_proposed")
            held = made.allocation.ok and ((key in pairs) == (o.kind == "pair"))
        out.append(AppliedOverride(o, proposed, held, replaced.get(o.key)))
    return tuple(out)


class _Steps:
    """The plan's steps on stderr while it works: tqdm when installed, else one line that is
    rewritten; silent unless asked (or a large office) and stderr is a terminal."""

    NAMES = {"nb": ("kompetansekart", "dagens fordeling", "læring", "par", "fordeling",
                    "gapanalyse", "rettferdighet"),
             "en": ("competence map", "today", "learning", "pairs", "allocation", "gaps",
                    "fairness")}

    def __init__(self, office: Office, opts: PlanOptions, lang: str) -> None:
        wanted = (opts.progress if opts.progress is not None
                  else office.n_brukere >= PROGRESS_MIN_BRUKERE)
        self.on = bool(wanted) and sys.stderr.isatty()
        self.names, self.bar, self.k = self.NAMES[lang], None, 0
        if self.on:
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=len(self.names), file=sys.stderr, leave=False)
            except ImportError:
                self.bar = None

    def step(self) -> None:
        if not self.on:
            return
        name = self.names[min(self.k, len(self.names) - 1)]
        self.k += 1
        if self.bar is not None:
            self.bar.set_description(name)
            self.bar.update(1)
        else:
            print(f"\r{self.k}/{len(self.names)} {name:<20}", end="", file=sys.stderr,
                  flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.on:
            print("\r" + " " * 40 + "\r", end="", file=sys.stderr, flush=True)


def _make_plan(office: Office, policy: Policy, lang: str, opts: PlanOptions,
               baseline: Plan | None, started: float) -> Plan:
    """The plan itself (``plan()`` checked the arguments and made the baseline)."""
    steps = _Steps(office, opts, lang)
    try:
        return _steps_of_plan(office, policy, lang, opts, baseline, started, steps)
    finally:
        steps.close()


def _steps_of_plan(office: Office, policy: Policy, lang: str, opts: PlanOptions,
                   baseline: Plan | None, started: float, progress: _Steps) -> Plan:
    wall_start = time.time()
    clock = _clock()  # how fast this process runs now
    deadline = started + opts.time_limit
    # Set aside for what follows the allocation (today's distribution, the comparison, the
    # plan's texts): about PLAN_RESERVE_S_PER_BRUKER per bruker.
    reserve = PLAN_RESERVE_S_PER_BRUKER * office.n_brukere
    solve_on = office.canonical()
    pinned, required, forbidden, given = _override_options(office, opts)

    cmap = competence_map(office, policy, lang=lang)
    progress.step()
    network = learning = None
    reserved: dict[str, float] | None = None
    # today's distribution first: it does not depend on the proposal, and the time left after
    # it is what pairing and allocation share
    today = status_quo(solve_on, policy=policy, lang=lang)
    progress.step()
    pair_view = solve_on
    learning_skipped = False
    if opts.learning:
        n, m = office.n_brukere, office.n_veiledere
        slow_now = _slowness(*clock)
        need = slow_now * (LEARNING_S_PER_BRUKER * n + ALLOC_MIN_S_PER_BRUKER * n
                           + ALLOC_MIN_S_PER_CELL * n * m)
        learning_skipped = deadline - time.perf_counter() - slow_now * reserve < need
    if opts.learning and not learning_skipped:
        # mentoring is work: the mentors' capacity for it is set aside before the pairing and
        # the allocation, and it may take at most MENTORING_ROOM_SHARE of the office's room
        network = learning_network(solve_on, policy=policy, lang=lang)
        learning = learning_plan(solve_on, policy=policy,
                                 max_mentees_per_mentor=opts.max_mentees_per_mentor,
                                 prefer_cross_avdeling=opts.prefer_cross_avdeling,
                                 max_relations=_mentoring_room(solve_on, policy), lang=lang)
        reserved = dict(learning.reserved) or None
        pair_view = _without_reserved(solve_on, reserved, policy)
    progress.step()
    def pair_and_allocate(view: Office, keep: Mapping[str, float] | None, share: float
                          ) -> tuple[PairingResult | None, bool, AllocationResult]:
        pairing: PairingResult | None = None
        skipped = False
        if given is not None:
            units: Any = given
        elif opts.pairs == "propose":
            budget = _pairing_budget(
                office, max(share * (deadline - time.perf_counter() - reserve), 0.0), slow)
            if budget is None:
                skipped = True  # no time for both: a distribution first, with today's pairs
                units = office.pairs
            else:
                extra = {} if opts.min_gain is None else {"min_gain": opts.min_gain}
                pairing = pair_veiledere(
                    view, policy=policy, required=required,
                    forbidden=forbidden if any(forbidden.values()) else tuple(forbidden),
                    same_avdeling=opts.same_avdeling, max_pairs=opts.max_pairs,
                    time_limit=max(budget, MIN_STEP_S), today=opts.today, lang=lang, **extra)
                units = pairing
        left = deadline - time.perf_counter() - reserve
        allocation = allocate_portfolios(
            solve_on, pairs=units, policy=policy, max_moves=opts.max_moves,
            pinned=pinned, time_limit=max(share * left if share < 1 else left, MIN_STEP_S),
            allow_overflow=opts.overflow, hard_specialty=opts.hard_specialty, seed=opts.seed,
            reserved=keep, lang=lang)
        return pairing, skipped, allocation

    # What follows the allocation takes longer on a busy machine too.
    slow = _slowness(*clock)
    reserve *= slow
    # With mentors' time set aside, and time for two tries (RETRY_MIN_S or more, and half of
    # it covering the pairing's and the allocation's expected need), the first try gets half
    # the time: where the portfolios need more (tight balance floors), the brukere come
    # first — pair and allocate again without the reservation, and propose no mentoring that
    # takes capacity. Without that much time there is one try, with all of it.
    left = deadline - time.perf_counter() - reserve
    n, m = office.n_brukere, office.n_veiledere
    proposing = given is None and opts.pairs == "propose"
    expected = slow * (ALLOC_S_PER_CELL * n * m
                       + (PAIRING_MIN_S_PER_CANDIDATE * m * (m - 1) / 2 if proposing else 0.0))
    ample = left > RETRY_MIN_S and 0.5 * left >= expected
    pairing, skipped, allocation = pair_and_allocate(pair_view, reserved,
                                                     0.5 if reserved and ample else 1.0)
    progress.step()
    if reserved and not allocation.ok and ample:
        learning = learning_plan(solve_on, policy=policy, max_relations=0,
                                 max_mentees_per_mentor=opts.max_mentees_per_mentor,
                                 prefer_cross_avdeling=opts.prefer_cross_avdeling, lang=lang)
        reserved = None
        pairing, skipped, allocation = pair_and_allocate(solve_on, None, 1.0)
    if pairing is not None and allocation.ok:
        # the pairs' brukere as the distribution placed them, not as the pairing's own
        # allocation judged them: what each pair's explanation tells
        pairing = in_distribution(pairing, solve_on, allocation.assignment, policy)
    progress.step()
    comparison = compare(today, allocation, lang=lang)
    status = _plan_status(pairing, allocation, skipped=skipped or learning_skipped)
    overload = allocation.overload
    gaps = None
    left = deadline - time.perf_counter() - reserve
    if opts.gaps and allocation.ok and left > GAPS_MIN_S_PER_BRUKER * office.n_brukere:
        gaps = gap_analysis(
            solve_on, allocation=allocation, policy=policy, max_moves=opts.max_moves,
            pinned=pinned, allow_overflow=opts.overflow,
            hard_specialty=opts.hard_specialty, seed=opts.seed, reserved=reserved,
            time_limit=max(left, MIN_STEP_S), lang=lang)
    progress.step()
    fairness = fairness_audit(solve_on, today, allocation, lang=lang)
    progress.step()
    messages = {code: _plan_message(office, pairing, allocation, code, skipped=skipped,
                                    learning_skipped=learning_skipped)
                for code in ("nb", "en")}
    steps = {name: {"status": part.status, "gap": _finite(getattr(part, "gap", None))}
             for name, part in (("pairing", pairing), ("allocation", allocation),
                                ("today", today), ("gaps", gaps)) if part is not None}
    # a step the time limit left out says so in the provenance, not only in the message
    if skipped:
        steps["pairing"] = {"status": "time_limit", "gap": None, "skipped": True}
    if learning_skipped:
        steps["learning"] = {"status": "time_limit", "gap": None, "skipped": True}
    result = Plan(
        office=office, policy=policy, options=opts, competence_map=cmap, pairing=pairing,
        allocation=allocation, today=today, comparison=comparison, status=status,
        message=messages[lang], messages=messages, lang=lang,
        names={v.ident: v.name for v in office.veiledere if v.name},
        runtime_s=time.perf_counter() - started, overload=overload, gaps=gaps,
        fairness=fairness, learning=learning, learning_network=network,
    )
    extra_fields: dict[str, Any] = {}
    if opts.overrides:
        extra_fields["overrides"] = _applied(opts, baseline, result)
        if baseline is not None and baseline.allocation.ok and allocation.ok:
            extra_fields["override_cost"] = (allocation.objective
                                             - baseline.allocation.objective)
    extra_fields["provenance"] = provenance(
        office, policy, opts.to_dict(), wall_start, time.time(), steps)
    return dataclasses.replace(result, runtime_s=time.perf_counter() - started,
                               **extra_fields)


#: Share of the office's room (capacity less workload) the mentoring plan may take; the rest is
#: left for the pairs' coordination and for balance.
MENTORING_ROOM_SHARE = 0.5
#: An office with less room than this share of its capacity takes on no mentoring that costs
#: capacity: near full load the balance floors and heavy-case limits need every point (on the
#: national set, offices at 99.9 % load had no distribution with mentors' time set aside).
MENTORING_MIN_ROOM = 0.05
#: Seconds left below which the allocation with the mentors' time set aside gets all of it
#: (no second try without the reservation): a short limit is spent on one distribution.
RETRY_MIN_S = 4.0


def _mentoring_room(office: Office, policy: Policy) -> int:
    """How many new mentees the office has room for: MENTORING_ROOM_SHARE of its spare
    capacity, in ``Policy.mentoring_points_per_mentee``. An office without room gets none."""
    points = policy.mentoring_points_per_mentee
    if points <= 0:
        return office.n_veiledere * 2 + 1  # free: no cap beyond the mentors' places
    capacity = float(capacity_points(office.veiledere, policy).sum())
    room = capacity - float(workload_points(office.brukere, policy).sum())
    if room < MENTORING_MIN_ROOM * capacity:  # a full office: the brukere need every point
        return 0
    return max(int(MENTORING_ROOM_SHARE * room // points), 0)


def _without_reserved(office: Office, reserved: Mapping[str, float] | None,
                      policy: Policy) -> Office:
    """The office as the pairing should see it: each mentor's position less the points her
    mentees take (the pairing judges capacity; the allocation gets ``reserved`` itself)."""
    if not reserved:
        return office
    per_point = 100.0 / policy.capacity_points_per_position
    veiledere = tuple(
        v.replace(stillingsprosent=max(v.stillingsprosent - reserved[v.ident] * per_point, 1.0))
        if v.ident in reserved else v for v in office.veiledere)
    return office.replace(veiledere=veiledere)


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _clock() -> tuple[float, float]:
    """Wall and CPU seconds of this process now (``perf_counter``, ``process_time``), the two
    readings :func:`_slowness` compares; one name that tests can replace in this module alone
    (patching ``time.perf_counter`` would change every module's clock)."""
    return time.perf_counter(), time.process_time()


def _slowness(wall_start: float, cpu_start: float) -> float:
    """Wall seconds per CPU second of this process since the plan began (1 on a free core;
    SLOWNESS_SAMPLE_S, SLOWNESS_MAX)."""
    wall, cpu = _clock()
    wall, cpu = wall - wall_start, cpu - cpu_start
    if wall < SLOWNESS_SAMPLE_S or cpu <= 0:
        return 1.0
    return min(max(wall / cpu, 1.0), SLOWNESS_MAX)


def _pairing_budget(office: Office, available: float, slowness: float = 1.0) -> float | None:
    """Seconds for the pairing out of ``available``, or None when there is no time for a
    proposal and a distribution both.

    At most :data:`PAIRING_TIME_SHARE` of it, and no more than leaves the allocation its
    expected need (:data:`ALLOC_S_PER_CELL`); if that leaves the pairing less than it needs
    for a proposal (:data:`PAIRING_MIN_S_PER_CANDIDATE`), the pairing gets just that, when
    the allocation keeps what it needs for a distribution at all
    (:data:`ALLOC_MIN_S_PER_BRUKER`, ``_PER_CELL``); otherwise None. Every need is
    multiplied by ``slowness`` (:func:`_slowness`).
    """
    n, m = office.n_brukere, len(office.veiledere)
    need = slowness * PAIRING_MIN_S_PER_CANDIDATE * m * (m - 1) / 2
    budget = min(PAIRING_TIME_SHARE * available,
                 available - slowness * ALLOC_S_PER_CELL * n * m)
    if budget >= need:
        return budget
    left = available - slowness * (ALLOC_MIN_S_PER_BRUKER * n + ALLOC_MIN_S_PER_CELL * n * m)
    return need if left >= need else None


_SKIPPED = {
    "nb": "Ingen tid til å foreslå par innenfor tidsgrensen: dagens par er beholdt, og "
          "fordelingen kom først. Gi mer tid for et forslag til par.",
    "en": "No time to propose pairs within the time limit: today's pairs are kept and the "
          "distribution came first. Give more time (time_limit) for a proposal of pairs.",
}


def _plan_status(pairing: PairingResult | None, allocation: AllocationResult, *,
                 skipped: bool = False) -> str:
    if not allocation.ok:
        return allocation.status
    steps = [allocation.status] + ([pairing.status] if pairing is not None else [])
    if "time_limit" in steps or skipped:
        return "time_limit"
    if all(s == "optimal" for s in steps):
        return "optimal"
    return "feasible"


_LEARNING_SKIPPED = {
    "nb": "Ingen tid til et forslag til mentorer innenfor tidsgrensen: fordelingen kom "
          "først. Gi mer tid for et forslag til mentorer.",
    "en": "No time for a mentoring proposal within the time limit: the distribution came "
          "first. Give more time for a mentoring proposal.",
}


def _plan_message(office: Office, pairing: PairingResult | None,
                  allocation: AllocationResult, lang: str, *, skipped: bool = False,
                  learning_skipped: bool = False) -> str:
    head = f"Plan for {office.name} ({'enhet' if lang == 'nb' else 'office'} {office.enhet})."
    parts = [head]
    if allocation.overload is not None and allocation.ok:
        # the overload first; the allocation's own message then starts after it
        parts = [allocation.overload.text(lang, None, units=False), head]
    if pairing is not None:
        parts.append(pairing.describe(lang))
    if skipped:
        parts.append(_SKIPPED[lang])
    if learning_skipped:
        parts.append(_LEARNING_SKIPPED[lang])
    described = allocation.describe(lang)
    if allocation.overload is not None and allocation.ok:
        described = allocation.overload.after(described, lang)
    parts.append(described)
    return " ".join(p.strip() for p in parts if p)


# --------------------------------------------------------------------------------------------
# load_plan()
# --------------------------------------------------------------------------------------------


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a plan written by :meth:`Plan.save`; it compares equal to the plan saved.

    Raises
    ------
    InvalidInputError
        The file is not JSON, not a navkompetanse plan, or from an unknown format version;
        the message names the file and what is wrong.
    """
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":  # gzip (Plan.save to a .gz path), whatever the name
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as packed:
                raw = packed.read(MAX_PLAN_BYTES + 1)
            if len(raw) > MAX_PLAN_BYTES:
                raise InvalidInputError([Problem(
                    source, "", f"unpacks to more than {MAX_PLAN_BYTES // 2**20} MB",
                    hint="a plan file is JSON written by Plan.save")], source=source)
        document = json.loads(raw.decode("utf-8"))
    except (gzip.BadGzipFile, EOFError, zlib.error):
        raise InvalidInputError([Problem(source, "", "a gzip file that is cut short or damaged",
                                         hint="save the plan again with Plan.save")],
                                source=source) from None
    except UnicodeDecodeError:
        raise InvalidInputError([Problem(source, "", "not UTF-8 text",
                                         hint="a plan file is JSON written by Plan.save")],
                                source=source) from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError([Problem(f"line {exc.lineno}, column {exc.colno}", "",
                                         f"not JSON: {exc.msg}",
                                         hint="a plan file is JSON written by Plan.save")],
                                source=source) from None
    except RecursionError:
        raise InvalidInputError([Problem(source, "", "nested too deeply to be a plan",
                                         hint="a plan file is JSON written by Plan.save")],
                                source=source) from None
    if not isinstance(document, dict) or document.get("format") != PLAN_FORMAT:
        raise InvalidInputError([Problem(
            "format", "format", f"not a navkompetanse plan (format is not {PLAN_FORMAT!r})",
            hint="load an office file with load_office, a plan with load_plan")], source=source)
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or (
            version not in READABLE_PLAN_VERSIONS):
        raise InvalidInputError([Problem(
            "version", "version", f"plan format version {document.get('version')!r} is not "
            f"one this version reads ({', '.join(map(str, READABLE_PLAN_VERSIONS))})",
            value=None,
            hint="save the plan again with this version of navkompetanse")], source=source)
    try:
        loaded = decode(document.get("state"))
    except InvalidInputError as exc:
        raise InvalidInputError(exc.problems, source=source) from None
    except (ValidationError, TypeError, ValueError, RecursionError) as exc:
        raise InvalidInputError([Problem(
            "state", "state", f"the saved state does not rebuild a plan ({type(exc).__name__})",
            hint="save the plan again with this version of navkompetanse")],
            source=source) from None
    if not isinstance(loaded, Plan):
        raise InvalidInputError([Problem("state", "state", "the saved state is not a plan",
                                         hint="save the plan with Plan.save")], source=source)
    return loaded
