"""Scenarios: an office after a change, re-planned and set against today's plan.

The change comes in small steps (DOMAIN.md: "small changes all the time"): a share of the
standard-innsats brukere moves to digital self-service, more brukere belong to a priority group,
a veileder leaves or joins, someone grows a level, a policy number changes. A :class:`Scenario`
is such a list of steps, frozen and composable::

    Scenario("Halvparten automatisert").automate(0.5, seed=1).leave("Z123456")

and :func:`compare_scenarios` plans the office as it is (the baseline) and after each scenario
with :func:`~navkompetanse.plan`, all with the same options, and shows the change: shortfall,
load and heavy cases per full position, overload, which competence becomes scarce, and for each
veileder what leaves her portfolio and what arrives instead ("instead of, not on top of").

Examples
--------
>>> s = Scenario("Mindre rutinearbeid").automate(0.5, seed=1)
>>> s
<Scenario 'Mindre rutinearbeid': automate>
>>> Scenario.from_dict(s.to_dict()) == s
True
>>> s.automate(1.5)
Traceback (most recent call last):
...
navkompetanse.exceptions.InvalidInputError: 1 problem in scenario 'Mindre rutinearbeid':
  - automate [share]: a share is a number from 0 to 1 (got 1.5) — fix: write 0.5 for half
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
from pydantic import ValidationError

from .analysis.competence_map import SHARE_MIN_GROUP_SIZE
from .exceptions import CapacityWarning, InvalidInputError, Problem
from .models import DIMENSIONS, Dimension, Innsatsgruppe, Malgruppe, Office, Veileder
from .plan import Plan, PlanOptions, capacity_warnings_off, plan
from .policy import NO_DECISION, Policy
from .results import FrozenDict, Result, freeze_fields, status_word, strict_json
from .scoring import workload_points
from .text import check_lang, dimension_name, fmt, join, levels_text, percent, person

__all__ = [
    "STATUS_ORDER",
    "Automate",
    "ChangePolicy",
    "Join",
    "Leave",
    "PortfolioChange",
    "RaiseLevel",
    "Scenario",
    "ScenarioComparison",
    "ScenarioFigures",
    "ShiftToGroup",
    "Step",
    "compare_scenarios",
]

_DIMS = tuple(d.value for d in DIMENSIONS)
_IDENT = re.compile(r"^[A-Z][0-9]{6}$")
_IDENT_ANYWHERE = re.compile(r"(?<![A-Za-z0-9])[A-Z][0-9]{6}(?![0-9])")

#: Statuses from worst to best: a comparison has the worst status of its plans.
STATUS_ORDER = ("infeasible", "time_limit", "feasible", "optimal")


# --------------------------------------------------------------------------------------------
# Checks at the door
# --------------------------------------------------------------------------------------------


def _fault(where: str, name: str, message: str, value: Any = None, hint: str = "",
           source: str = "the scenario") -> InvalidInputError:
    return InvalidInputError([Problem(where, name, message, value, hint)], source=source)


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool | np.bool_) and math.isfinite(float(value)))


def _check_share(value: Any, where: str) -> float:
    if not _is_number(value) or not 0 <= float(value) <= 1:
        raise _fault(where, "share", "a share is a number from 0 to 1", value,
                     "write 0.5 for half")
    return float(value)


def _check_seed(value: Any, where: str) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 0:
        raise _fault(where, "seed", "a seed is a whole number, 0 or more", value,
                     "seed=1 (the same seed draws the same brukere)")
    return int(value)


def _check_ident(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _IDENT.fullmatch(value):
        raise _fault(where, "ident", "an ident is one capital letter and six digits", value,
                     "like Z123456")
    return value


def _in_office(ident: str, office: Office, where: str) -> None:
    if ident not in office.veileder_by_ident:
        close = difflib.get_close_matches(ident, office.idents, n=1)
        raise _fault(where, "ident", "names a veileder who is not in the office (at this "
                     "step)", ident,
                     f"did you mean {close[0]}?" if close else
                     "use the ident of a veileder in the office")


def _count(share: float, n: int) -> int:
    """How many of ``n`` a share is: rounded half up (half of 5 is 3)."""
    return min(n, int(math.floor(share * n + 0.5)))


# --------------------------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------------------------


class Step:
    """A step of a scenario: checked when made (InvalidInputError), applied to an office and
    a policy by :meth:`apply`, written as plain data by :meth:`to_dict` (with its ``kind``)
    and in words by :meth:`text`."""

    kind: ClassVar[str] = ""

    def apply(self, office: Office, policy: Policy, where: str) -> tuple[Office, Policy]:
        raise NotImplementedError  # pragma: no cover - every step implements it

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError  # pragma: no cover

    def text(self, lang: str, names: Mapping[str, str] | None = None) -> str:
        raise NotImplementedError  # pragma: no cover


@dataclass(frozen=True)
class Automate(Step):
    """A share of the ``STANDARD_INNSATS`` brukere move to digital self-service: they leave
    the office's portfolios. Which ones is drawn with ``seed`` (the same office and seed draw
    the same brukere)."""

    share: float
    seed: int = 0
    kind: ClassVar[str] = "automate"

    def __post_init__(self) -> None:
        object.__setattr__(self, "share", _check_share(self.share, self.kind))
        object.__setattr__(self, "seed", _check_seed(self.seed, self.kind))

    def apply(self, office: Office, policy: Policy, where: str) -> tuple[Office, Policy]:
        standard = [i for i, b in enumerate(office.brukere)
                    if b.innsatsgruppe == Innsatsgruppe.STANDARD_INNSATS]
        k = _count(self.share, len(standard))
        drawn = np.random.default_rng(self.seed).choice(len(standard), size=k, replace=False)
        gone = {standard[j] for j in drawn.tolist()}
        brukere = tuple(b for i, b in enumerate(office.brukere) if i not in gone)
        return office.replace(brukere=brukere), policy

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "share": self.share, "seed": self.seed}

    def text(self, lang: str, names: Mapping[str, str] | None = None) -> str:
        return _TEXT[lang]["automate"].format(share=percent(self.share, lang, 0),
                                              seed=self.seed)


#: Malgrupper a share of brukere can be shifted into (all of them; the NAV2030 priority
#: groups are ung, flyktning and aap).
_GROUPS = tuple(m.value for m in Malgruppe)


@dataclass(frozen=True)
class ShiftToGroup(Step):
    """A share of the brukere not yet in ``malgruppe`` come to belong to it (drawn with
    ``seed``); their need rises as the policy's malgruppe adjustment says. A bruker with
    explicit ``needs`` keeps them."""

    share: float
    malgruppe: str
    seed: int = 0
    kind: ClassVar[str] = "shift"

    def __post_init__(self) -> None:
        object.__setattr__(self, "share", _check_share(self.share, self.kind))
        group = getattr(self.malgruppe, "value", self.malgruppe)
        if group not in _GROUPS:
            raise _fault(self.kind, "malgruppe", "not a malgruppe", self.malgruppe,
                         "one of " + ", ".join(_GROUPS))
        object.__setattr__(self, "malgruppe", str(group))
        object.__setattr__(self, "seed", _check_seed(self.seed, self.kind))

    def apply(self, office: Office, policy: Policy, where: str) -> tuple[Office, Policy]:
        group = Malgruppe(self.malgruppe)
        outside = [i for i, b in enumerate(office.brukere) if group not in b.malgrupper]
        k = _count(self.share, len(outside))
        drawn = np.random.default_rng(self.seed).choice(len(outside), size=k, replace=False)
        chosen = {outside[j] for j in drawn.tolist()}
        brukere = tuple(
            b.model_copy(update={"malgrupper": (*b.malgrupper, group)}) if i in chosen else b
            for i, b in enumerate(office.brukere))
        return office.replace(brukere=brukere), policy

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "share": self.share, "malgruppe": self.malgruppe,
                "seed": self.seed}

    def text(self, lang: str, names: Mapping[str, str] | None = None) -> str:
        return _TEXT[lang]["shift"].format(share=percent(self.share, lang, 0),
                                           group=_GROUP_WORDS[lang][self.malgruppe],
                                           seed=self.seed)


@dataclass(frozen=True)
class Leave(Step):
    """A veileder leaves: her brukere become ufordelt (the plan places them), her pair ends,
    and her learning relations and pair records go with her."""

    ident: str
    kind: ClassVar[str] = "leave"

    def __post_init__(self) -> None:
        _check_ident(self.ident, self.kind)

    def apply(self, office: Office, policy: Policy, where: str) -> tuple[Office, Policy]:
        _in_office(self.ident, office, where)
        ident = self.ident
        return office.replace(
            veiledere=tuple(v for v in office.veiledere if v.ident != ident),
            brukere=tuple(b.model_copy(update={"veileder": None}) if b.veileder == ident
                          else b for b in office.brukere),
            pairs=tuple(p for p in office.pairs if ident not in p),
            learning_relations=tuple(r for r in office.learning_relations
                                     if ident not in (r.mentor, r.learner)),
            pair_history=tuple(r for r in office.pair_history if ident not in r.members),
        ), policy

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ident": self.ident}

    def text(self, lang: str, names: Mapping[str, str] | None = None) -> str:
        return _TEXT[lang]["leave"].format(who=person(self.ident, names))


@dataclass(frozen=True)
class Join(Step):
    """A veileder joins the office with her profile (a :class:`Veileder`, or its fields as a
    mapping); she starts with no brukere and the plan gives her some."""

    veileder: Veileder
    kind: ClassVar[str] = "join"

    def __post_init__(self) -> None:
        value = self.veileder
        if isinstance(value, Mapping):
            try:
                value = Veileder.model_validate(dict(value))
            except ValidationError as exc:
                err = exc.errors()[0]
                raise _fault(self.kind, "veileder." + ".".join(str(p) for p in err["loc"]),
                             err["msg"], hint="a veileder needs ident and profile") from None
        if not isinstance(value, Veileder):
            raise _fault(self.kind, "veileder", "must be a Veileder",
                         type(value).__name__, "Veileder(ident=..., profile=...)")
        object.__setattr__(self, "veileder", value)

    def apply(self, office: Office, policy: Policy, where: str) -> tuple[Office, Policy]:
        if self.veileder.ident in office.veileder_by_ident:
            raise _fault(where, "ident", "a veileder with this ident is already in the office",
                         self.veileder.ident, "give the new veileder an ident of her own")
        return office.replace(veiledere=(*office.veiledere, self.veileder)), policy

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind,
                "veileder": self.veileder.model_dump(mode="json", exclude_defaults=True)}

    def text(self, lang: str, names: Mapping[str, str] | None = None) -> str:
        v = self.veileder
        levels = {d: v.effective_profile[d] for d in DIMENSIONS}
        return _TEXT[lang]["join"].format(
            who=person(v.ident, {**(names or {}), **({v.ident: v.name} if v.name else {})}),
            levels=levels_text(levels, lang), pct=fmt(v.stillingsprosent, lang))


@dataclass(frozen=True)
class RaiseLevel(Step):
    """A veileder grows ``levels`` levels in one dimension (her effective profile becomes her
    profile, raised); a level above 5 is refused when applied."""

    ident: str
    dimension: str
    levels: int = 1
    kind: ClassVar[str] = "raise_level"

    def __post_init__(self) -> None:
        _check_ident(self.ident, self.kind)
        dim = getattr(self.dimension, "value", self.dimension)
        if dim not in _DIMS:
            raise _fault(self.kind, "dimension", "not a dimension", self.dimension,
                         "one of " + ", ".join(_DIMS))
        object.__setattr__(self, "dimension", str(dim))
        if (not isinstance(self.levels, int | np.integer) or isinstance(self.levels, bool)
                or not 1 <= self.levels <= 4):
            raise _fault(self.kind, "levels", "raise by a whole number of levels, 1 to 4",
                         self.levels, "levels=1 is one step")
        object.__setattr__(self, "levels", int(self.levels))

    def apply(self, office: Office, policy: Policy, where: str) -> tuple[Office, Policy]:
        _in_office(self.ident, office, where)
        v = office.veileder_by_ident[self.ident]
        profile = v.effective_profile
        level = profile[self.dimension] + self.levels
        if level > 5:
            raise _fault(where, "levels", f"{self.dimension} is at level "
                         f"{profile[self.dimension]}; raised by {self.levels} it passes 5",
                         self.ident, "5 is the highest level")
        raised = v.replace(profile=profile.replace(**{self.dimension: level}))
        veiledere = tuple(raised if w.ident == self.ident else w for w in office.veiledere)
        return office.replace(veiledere=veiledere), policy

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ident": self.ident, "dimension": self.dimension,
                "levels": self.levels}

    def text(self, lang: str, names: Mapping[str, str] | None = None) -> str:
        return _TEXT[lang]["raise"].format(who=person(self.ident, names),
                                           dim=dimension_name(self.dimension, lang),
                                           n=_amount(self.levels, "levels", lang, 0))


@dataclass(frozen=True)
class ChangePolicy(Step):
    """One number of the policy changes: ``name`` is a field (``capacity_points_per_position``)
    or, in a table, ``field.key`` (``workload_points.STANDARD_INNSATS``,
    ``need_profile.SPESIELT_TILPASSET_INNSATS.forvaltning``). Checked against the default
    policy when made, and against the policy it changes when applied."""

    name: str
    value: float | bool
    kind: ClassVar[str] = "policy"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or self.name.split(".")[0] not in Policy.model_fields:
            close = difflib.get_close_matches(str(self.name).split(".")[0],
                                              Policy.model_fields, n=1)
            raise _fault(self.kind, "name", "not a number of the policy", self.name,
                         f"did you mean {close[0]!r}?" if close else
                         "see help(navkompetanse.Policy)")
        if not (_is_number(self.value) or isinstance(self.value, bool)):
            raise _fault(self.kind, "value", "a policy number is a finite number (or true/"
                         "false for a switch)", self.value)
        value = self.value if isinstance(self.value, bool) else (
            int(self.value) if isinstance(self.value, int | np.integer) else float(self.value))
        object.__setattr__(self, "value", value)
        self.apply(None, Policy(), self.kind)  # refuse at the door what the default policy refuses

    def apply(self, office: Office | None, policy: Policy, where: str = ""
              ) -> tuple[Office | None, Policy]:
        where = where or self.kind
        data = policy.model_dump(mode="json")
        *path, last = self.name.split(".")
        node: Any = data
        for key in path:
            if not isinstance(node, dict) or key not in node:
                raise _fault(where, "name", f"the policy has no {key!r} here", self.name,
                             "see help(navkompetanse.Policy)")
            node = node[key]
        if not isinstance(node, dict):
            raise _fault(where, "name", "the policy has no table here", self.name)
        old = node.get(last)
        if isinstance(old, dict):
            raise _fault(where, "name", "this is a table; name one entry", self.name,
                         f"like {self.name}.{next(iter(old))}" if old else "")
        if old is not None and isinstance(old, bool) != isinstance(self.value, bool):
            raise _fault(where, "value", "a switch is true or false, a number is a number",
                         self.value)
        node[last] = self.value
        try:
            return office, Policy.model_validate(data)
        except ValidationError as exc:
            raise _fault(where, "value", exc.errors()[0]["msg"], self.value,
                         "see docs/policy.md for the range of each number") from None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "value": self.value}

    def text(self, lang: str, names: Mapping[str, str] | None = None) -> str:
        value = ((_TEXT[lang]["yes"] if self.value else _TEXT[lang]["no"])
                 if isinstance(self.value, bool) else fmt(self.value, lang, 2))
        return _TEXT[lang]["policy"].format(what=_policy_words(self.name, lang), value=value)


_STEP_TYPES: dict[str, type[Step]] = {
    t.kind: t for t in (Automate, ShiftToGroup, Leave, Join, RaiseLevel, ChangePolicy)}


# --------------------------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A named list of changes to an office, applied in order; frozen and composable.

    Each method returns a new scenario with one more step; the arguments are checked at once
    (an :class:`~navkompetanse.InvalidInputError` names the step, the field and a fix), what
    depends on the office (an ident that is not there, a joining ident already there, a level
    above 5) when the scenario is applied.

    Examples
    --------
    >>> from navkompetanse import synthetic_office
    >>> office = synthetic_office(6, 120, seed=2)
    >>> s = Scenario("Færre standardbrukere").automate(0.5, seed=1)
    >>> n_standard = sum(b.innsatsgruppe == "STANDARD_INNSATS" for b in office.brukere)
    >>> after, policy = s.apply(office)
    >>> office.n_brukere - after.n_brukere == int(n_standard / 2 + 0.5)  # half, rounded up
    True
    """

    name: str
    steps: tuple[Step, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > 200:
            raise _fault("name", "name", "a scenario needs a name (1-200 characters)",
                         self.name if isinstance(self.name, str) else type(self.name).__name__,
                         'Scenario("Halvparten automatisert")')
        steps = tuple(self.steps)
        for i, step in enumerate(steps):
            if not isinstance(step, Step):
                raise _fault(f"steps[{i}]", "steps", "not a scenario step",
                             type(step).__name__, "build steps with the Scenario methods")
        object.__setattr__(self, "steps", steps)

    # ---- composing ------------------------------------------------------------------------
    def then(self, step: Step) -> Scenario:
        """This scenario with ``step`` added at the end."""
        return Scenario(self.name, (*self.steps, step))

    def _checked(self, make: type[Step], *args: Any, **kwargs: Any) -> Scenario:
        try:
            return self.then(make(*args, **kwargs))
        except InvalidInputError as exc:  # name the scenario in the error
            raise InvalidInputError(exc.problems, source=f"scenario {self.name!r}") from None

    def automate(self, share: float, *, seed: int = 0) -> Scenario:
        """Automate ``share`` (0–1) of the ``STANDARD_INNSATS`` brukere (drawn with ``seed``)."""
        return self._checked(Automate, share, seed)

    def shift(self, share: float, malgruppe: str | Malgruppe, *, seed: int = 0) -> Scenario:
        """Let ``share`` (0–1) of the brukere not in ``malgruppe`` come to belong to it."""
        return self._checked(ShiftToGroup, share, malgruppe, seed)

    def leave(self, ident: str) -> Scenario:
        """The veileder ``ident`` leaves the office."""
        return self._checked(Leave, ident)

    def join(self, veileder: Veileder | Mapping[str, Any]) -> Scenario:
        """``veileder`` (with her profile) joins the office."""
        return self._checked(Join, veileder)

    def raise_level(self, ident: str, dimension: str | Dimension, levels: int = 1
                    ) -> Scenario:
        """The veileder ``ident`` grows ``levels`` levels in ``dimension``."""
        return self._checked(RaiseLevel, ident, dimension, levels)

    def change_policy(self, name: str, value: float | bool) -> Scenario:
        """One number of the policy becomes ``value`` (``name`` as in :class:`ChangePolicy`)."""
        return self._checked(ChangePolicy, name, value)

    # ---- applying -------------------------------------------------------------------------
    def apply(self, office: Office, policy: Policy | None = None) -> tuple[Office, Policy]:
        """The office and policy after every step, in order. Neither input is changed.

        Raises
        ------
        InvalidInputError
            A step does not fit the office as it is at that step (the problem names the step).
        """
        if not isinstance(office, Office):
            raise TypeError("office must be an Office (read a file with load_office)")
        policy = Policy() if policy is None else policy
        if not isinstance(policy, Policy):
            raise TypeError("policy must be a Policy")
        for i, step in enumerate(self.steps):
            try:
                office, policy = step.apply(office, policy, f"steps[{i}] ({step.kind})")
            except InvalidInputError as exc:
                raise InvalidInputError(exc.problems,
                                        source=f"scenario {self.name!r}") from None
        return office, policy

    # ---- files ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data; :meth:`from_dict` reads it back equal."""
        return strict_json({"name": self.name, "steps": [s.to_dict() for s in self.steps]})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """A scenario from :meth:`to_dict`'s data (a JSON file an analyst keeps)."""
        source = "scenario data"
        if not isinstance(data, Mapping) or set(data) - {"name", "steps"} or "name" not in data:
            raise _fault("scenario", "", 'expected {"name": ..., "steps": [...]}',
                         sorted(data) if isinstance(data, Mapping) else type(data).__name__,
                         source=source)
        scenario = cls(data["name"])
        steps = data.get("steps", [])
        if not isinstance(steps, list | tuple):
            raise _fault("steps", "steps", "a list of steps", type(steps).__name__,
                         source=source)
        for i, raw in enumerate(steps):
            kind = raw.get("kind") if isinstance(raw, Mapping) else None
            if kind not in _STEP_TYPES:
                raise _fault(f"steps[{i}]", "kind", "not a kind of step", kind,
                             "one of " + ", ".join(_STEP_TYPES), source=source)
            args = {k: v for k, v in raw.items() if k != "kind"}
            try:
                step = _STEP_TYPES[kind](**args)
            except TypeError:
                raise _fault(f"steps[{i}]", kind, "unknown or missing fields", sorted(args),
                             f"a {kind} step has "
                             + ", ".join(_STEP_TYPES[kind].__dataclass_fields__),
                             source=source) from None
            except InvalidInputError as exc:
                raise InvalidInputError([Problem(f"steps[{i}]", p.field, p.message, p.value,
                                                 p.hint) for p in exc.problems],
                                        source=source) from None
            scenario = scenario.then(step)
        return scenario

    def text(self, lang: str = "nb", names: Mapping[str, str] | None = None) -> str:
        """The steps in words, in order."""
        lang = check_lang(lang)
        if not self.steps:
            return _TEXT[lang]["no_steps"]
        return join([s.text(lang, names) for s in self.steps], lang)

    def __repr__(self) -> str:
        kinds = ", ".join(s.kind for s in self.steps) or "no steps"
        return f"<Scenario {self.name!r}: {kinds}>"


# --------------------------------------------------------------------------------------------
# The comparison
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioFigures:
    """One office (the baseline or after a scenario) and its plan, in a leader's numbers.

    ``load_points`` is the workload of the office's brukere under its policy; per position is
    per full position (stillingsprosent / 100 summed). ``shortfall_by_dimension`` is the
    shortfall left in the plan, summed over brukere, weighted by the baseline policy's
    dimension weights (so a change of weights in a scenario does not read as a change of
    competence). ``scarce`` is the dimension whose shortfall grows most against the baseline
    (None when none grows, and for the baseline). ``departures`` maps each veileder who
    leaves to ``{ident: brukere}`` she hands over. Numbers that need a plan are nan when the
    plan failed.
    """

    name: str
    status: str
    messages: Mapping[str, str]
    n_brukere: int
    n_veiledere: int
    positions: float
    load_points: float
    heavy_cases: int
    mean_shortfall: float
    shortfall_by_dimension: Mapping[str, float]
    overload_share: float = 0.0
    positions_needed: int = 0
    scarce: str | None = None
    departures: Mapping[str, Mapping[str, int]] = field(default_factory=FrozenDict)
    baseline: bool = False

    def __post_init__(self) -> None:
        freeze_fields(self, "messages", "shortfall_by_dimension", "departures")

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "feasible", "time_limit") and not math.isnan(
            self.mean_shortfall)

    @property
    def load_per_position(self) -> float:
        return self.load_points / self.positions if self.positions > 0 else float("inf")

    @property
    def heavy_per_position(self) -> float:
        return self.heavy_cases / self.positions if self.positions > 0 else float("inf")

    def to_dict(self) -> dict[str, Any]:
        return strict_json({
            "name": self.name, "baseline": self.baseline, "status": self.status,
            "messages": dict(self.messages), "n_brukere": self.n_brukere,
            "n_veiledere": self.n_veiledere, "positions": self.positions,
            "load_points": self.load_points, "load_per_position": self.load_per_position,
            "heavy_cases": self.heavy_cases, "heavy_per_position": self.heavy_per_position,
            "mean_shortfall": self.mean_shortfall,
            "shortfall_by_dimension": dict(self.shortfall_by_dimension),
            "overload_share": self.overload_share, "positions_needed": self.positions_needed,
            "scarce": self.scarce, "departures": self.departures,
        })


@dataclass(frozen=True)
class PortfolioChange:
    """What leaves one veileder's portfolio and what arrives, baseline plan against the
    scenario's plan (each bruker counted with the veileder the plan registers her with,
    :meth:`Plan.to_office`).

    ``role`` is ``stays``, ``leaves`` or ``joins``. Points out are the baseline's workload
    points, points in the scenario's; ``points_kept_change`` is the change in points of the
    brukere she keeps (a policy change or a bruker's new malgruppe), so that
    ``points_after = points_before - points_out + points_in + points_kept_change``.
    ``automated_out`` of ``brukere_out`` left the office by automation. A pair's brukere are
    each registered with one member (the one who fits her better), so read the two members'
    rows together.
    """

    scenario: str
    ident: str
    role: str
    brukere_before: int
    brukere_after: int
    brukere_out: int
    automated_out: int
    brukere_in: int
    points_before: float
    points_after: float
    points_out: float
    points_in: float
    points_kept_change: float

    def to_dict(self) -> dict[str, Any]:
        return strict_json(asdict(self))


def _worst(statuses: Iterable[str]) -> str:
    return min(statuses, key=STATUS_ORDER.index)


@dataclass(frozen=True, repr=False, eq=False)
class ScenarioComparison(Result):
    """The baseline plan and each scenario's plan, with the change against the baseline.

    ``status`` is the worst of the plans' statuses in :data:`STATUS_ORDER` (``infeasible`` <
    ``time_limit`` < ``feasible`` < ``optimal``): a scenario that could not be planned is
    reported in its figures and makes the comparison ``infeasible``, while the others still
    show. ``plans`` holds each scenario's :class:`Plan` (None when planning failed) and
    ``baseline_plan`` the baseline's, to explain a bruker in any of them.
    """

    baseline: ScenarioFigures
    scenarios: tuple[ScenarioFigures, ...]
    changes: tuple[PortfolioChange, ...]
    specs: Mapping[str, Scenario]
    baseline_plan: Plan
    plans: Mapping[str, Plan | None]
    status: str
    message: str
    messages: Mapping[str, str]
    lang: str
    names: Mapping[str, str]

    _title: ClassVar[tuple[str, str]] = ("Scenarier", "Scenarios")
    _frame_columns: ClassVar[tuple[str, ...]] = (
        "scenario", "baseline", "status", "n_brukere", "n_veiledere", "positions",
        "load_points", "load_per_position", "heavy_cases", "heavy_per_position",
        "mean_shortfall", "overload_share", "positions_needed", "scarce_dimension",
        "scarce_dimension_name", "change_load_points", "change_load_per_position",
        "change_heavy_per_position", "change_mean_shortfall",
        *(f"shortfall_{d}" for d in _DIMS), *(f"change_shortfall_{d}" for d in _DIMS))

    def __post_init__(self) -> None:
        object.__setattr__(self, "scenarios", tuple(self.scenarios))
        object.__setattr__(self, "changes", tuple(self.changes))
        freeze_fields(self, "specs", "plans", "messages", "names")

    def _has_solution(self) -> bool:
        return all(f.ok for f in (self.baseline, *self.scenarios))

    def __getitem__(self, name: str) -> ScenarioFigures:
        for f in self.scenarios:
            if f.name == name:
                return f
        raise KeyError(f"no scenario {name!r} (scenarios: "
                       f"{', '.join(f.name for f in self.scenarios)})")

    # ---- words ----------------------------------------------------------------------------
    def explain(self, scenario: str | None = None, lang: str | None = None, *,
                ident: str | None = None) -> str:
        """The comparison in words: all of it (``None``), one scenario, or (``ident``) what
        one veileder loses and gets in that scenario."""
        lang = self.lang if lang is None else check_lang(lang)
        if scenario is None:
            return self.describe(lang)
        figures = self[scenario]
        if ident is None:
            return _scenario_text(self, figures, lang)
        for c in self.changes:
            if c.scenario == scenario and c.ident == ident:
                return _change_text(c, lang, self.names)
        raise KeyError(f"no veileder {ident!r} in scenario {scenario!r}")

    def _summary(self, lang: str) -> list[tuple[str, str]]:
        t = _TEXT[lang]
        rows = [(t["baseline"], t["short"].format(
            lpp=fmt(self.baseline.load_per_position, lang), ms=_num(self.baseline.mean_shortfall,
                                                                    lang)))]
        for f in self.scenarios:
            value = (t["short"].format(lpp=fmt(f.load_per_position, lang),
                                       ms=_num(f.mean_shortfall, lang))
                     if f.ok else status_word(f.status, lang))
            rows.append((f.name, value))
        return rows

    def _repr_fields(self) -> str:
        return (f"{len(self.scenarios)} scenarios, baseline load/position="
                f"{self.baseline.load_per_position:.1f}")

    # ---- export ---------------------------------------------------------------------------
    def to_dict(self, *, shareable: bool = False) -> dict[str, Any]:
        """Plain JSON data. ``shareable=True``: for sharing beyond the leader — no figure per
        veileder (portfolio changes, hand-overs), no idents in the steps or scenario names,
        and an office's figures hidden when it has fewer than :data:`SHARE_MIN_GROUP_SIZE`
        veiledere or brukere; ``hidden`` lists what was left out."""
        if not shareable:
            return strict_json({
                "status": self.status, "message": self.message,
                "messages": dict(self.messages), "lang": self.lang,
                "baseline": self.baseline.to_dict(),
                "scenarios": [f.to_dict() | {"steps": self.specs[f.name].to_dict()["steps"]}
                              for f in self.scenarios],
                "changes": [c.to_dict() for c in self.changes],
                "names": dict(self.names), "shareable": False,
            })
        small: list[str] = []
        figures = []
        for f in (self.baseline, *self.scenarios):
            data = f.to_dict()
            data.pop("departures")
            data["name"] = _mask_idents(f.name)
            data["messages"] = {code: _mask_idents(_figures_line(self, f, code, reason=False))
                                for code in ("nb", "en")}
            if f.n_veiledere < SHARE_MIN_GROUP_SIZE or f.n_brukere < SHARE_MIN_GROUP_SIZE:
                for key in _SHARED_FIGURES:
                    data[key] = None
                data["messages"] = {code: _TEXT[code]["small"].format(k=SHARE_MIN_GROUP_SIZE)
                                    for code in ("nb", "en")}
                small.append(data["name"])
            if not f.baseline:
                data["steps"] = [_shared_step(s) for s in self.specs[f.name].steps]
            figures.append(data)
        messages = {code: _mask_idents(_overall_text(self, code, reason=False))
                    for code in ("nb", "en")}
        return strict_json({
            "status": self.status, "message": messages[self.lang], "messages": messages,
            "lang": self.lang, "baseline": figures[0], "scenarios": figures[1:],
            "shareable": True,
            "hidden": {
                "min_group_size": SHARE_MIN_GROUP_SIZE,
                "individual": ["veileder_changes", "departures", "idents"],
                "scenarios": small,
                "messages": {code: " ".join(
                    [_TEXT[code]["shared_individual"]]
                    + ([_TEXT[code]["shared_small"].format(
                        k=SHARE_MIN_GROUP_SIZE, names=join(small, code))] if small else []))
                    for code in ("nb", "en")},
            },
        })

    def _frame_rows(self) -> list[dict[str, Any]]:
        """One row per office: the baseline first, then each scenario, with the change."""
        base = self.baseline
        rows = []
        for f in (base, *self.scenarios):
            row = {
                "scenario": f.name, "baseline": f.baseline, "status": f.status,
                "n_brukere": f.n_brukere, "n_veiledere": f.n_veiledere,
                "positions": f.positions, "load_points": f.load_points,
                "load_per_position": f.load_per_position, "heavy_cases": f.heavy_cases,
                "heavy_per_position": f.heavy_per_position,
                "mean_shortfall": f.mean_shortfall, "overload_share": f.overload_share,
                "positions_needed": f.positions_needed, "scarce_dimension": f.scarce,
                "scarce_dimension_name": (dimension_name(f.scarce, self.lang)
                                          if f.scarce else None),
                "change_load_points": f.load_points - base.load_points,
                "change_load_per_position": f.load_per_position - base.load_per_position,
                "change_heavy_per_position": f.heavy_per_position - base.heavy_per_position,
                "change_mean_shortfall": f.mean_shortfall - base.mean_shortfall,
            }
            for d in _DIMS:
                row[f"shortfall_{d}"] = f.shortfall_by_dimension.get(d, float("nan"))
                row[f"change_shortfall_{d}"] = (f.shortfall_by_dimension.get(d, float("nan"))
                                                - base.shortfall_by_dimension[d])
            rows.append(row)
        return rows

    def veileder_frame(self) -> Any:
        """One row per scenario and veileder: brukere and points before, out, in and after
        (``PortfolioChange``), with her name; plain RangeIndex."""
        from .results import pandas

        pd = pandas()
        columns = ["scenario", "ident", "name", *(k for k in PortfolioChange.__dataclass_fields__
                                                  if k not in ("scenario", "ident"))]
        rows = [c.to_dict() | {"name": self.names.get(c.ident)} for c in self.changes]
        return pd.DataFrame(rows, columns=columns).reset_index(drop=True)


#: Figures of an office hidden in shared output when it has fewer than SHARE_MIN_GROUP_SIZE
#: veiledere or brukere.
_SHARED_FIGURES = ("positions", "load_points", "load_per_position", "heavy_cases",
                   "heavy_per_position", "mean_shortfall", "shortfall_by_dimension",
                   "overload_share", "positions_needed", "scarce", "n_brukere", "n_veiledere")


def _shared_step(step: Step) -> dict[str, Any]:
    """A step as plain data without the person it names (who leaves, joins or grows)."""
    data = step.to_dict()
    for key in ("ident", "veileder"):
        if key in data:
            data[key] = None
    return data


def _mask_idents(text: str) -> str:
    return _IDENT_ANYWHERE.sub("(veileder)", text)


def _brukere(n: int, lang: str) -> str:
    """``1 bruker``, ``12 brukere`` (the Norwegian word in both languages)."""
    return f"{fmt(n, lang)} {'bruker' if n == 1 else 'brukere'}"


def _num(value: float, lang: str) -> str:
    return fmt(value, lang, 2)


#: Nouns that follow a number, per language: (after exactly 1, after any other number).
_NOUNS = {
    "levels": {"nb": ("nivå", "nivåer"), "en": ("level", "levels")},
    "positions": {"nb": ("årsverk", "årsverk"), "en": ("full position", "full positions")},
}


def _amount(value: float, noun: str, lang: str, decimals: int = 2) -> str:
    """A number and its noun, singular after exactly 1 as written (``1 nivå``, ``1,08
    nivåer``, ``2 levels``)."""
    text = fmt(value, lang, decimals)
    one, more = _NOUNS[noun][lang]
    return f"{text} {one if text == '1' else more}"


def _signed(value: float, lang: str, decimals: int = 1) -> str:
    text = fmt(value, lang, decimals)
    return text if text.startswith(("-", "–")) or text == "0" else "+" + text


# --------------------------------------------------------------------------------------------
# compare_scenarios()
# --------------------------------------------------------------------------------------------


def compare_scenarios(office: Office, scenarios: Sequence[Scenario] | Scenario, *,
                      policy: Policy | None = None, lang: str = "nb",
                      **plan_options: Any) -> ScenarioComparison:
    """Plan the office as it is and after each scenario, and show what changes.

    Every scenario is applied to ``office`` and ``policy`` (which are not changed) and planned
    with :func:`~navkompetanse.plan` with the same ``plan_options``; the baseline is the plan
    of the office as it is. For each: mean shortfall, load and heavy cases per full position,
    overload (if any), the weighted shortfall left per dimension and the dimension that
    becomes scarce (its shortfall grows most); and, per veileder, the brukere and points that
    leave her portfolio and those that arrive, so new work is seen as coming *instead of*
    other work, not on top of it. Who takes over a leaving veileder's brukere is listed too.

    Parameters
    ----------
    office : Office
    scenarios : sequence of Scenario (or one)
        Each with a name of its own.
    policy : Policy, optional
        The baseline policy (scenarios may change it).
    lang : {"nb", "en"}
    **plan_options
        Options of :func:`~navkompetanse.plan` (``pairs``, ``time_limit``, ``seed`` …), the same
        for every plan. ``gaps`` is False unless given: the comparison does not read the gap
        analysis, and its verified re-solves take longer than the plan itself (2.3 s against
        0.6 s on the example office); pass ``gaps=True`` to have it in every plan.

    Returns
    -------
    ScenarioComparison
        A scenario whose plan fails (infeasible under the options, or options that no longer
        fit the changed office) is reported in its figures, not raised.

    Raises
    ------
    InvalidInputError
        An unknown option, two scenarios with the same name, or a scenario that does not fit
        the office (every such problem, all at once).

    Warns
    -----
    CapacityWarning
        Once, naming the offices (baseline or scenarios) with more work than capacity.

    Examples
    --------
    >>> from navkompetanse import synthetic_office
    >>> office = synthetic_office(6, 120, seed=2)
    >>> c = compare_scenarios(office, [Scenario("Automatisert").automate(0.5, seed=1)],
    ...                       pairs="none", time_limit=5)
    >>> c["Automatisert"].load_points < c.baseline.load_points
    True
    """
    lang = check_lang(lang)
    if not isinstance(office, Office):
        raise TypeError("office must be an Office (read a file with load_office)")
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    scenarios = list(scenarios)
    problems = [Problem(f"scenarios[{i}]", "scenarios", "not a Scenario", type(s).__name__,
                        'Scenario("name").automate(0.5)')
                for i, s in enumerate(scenarios) if not isinstance(s, Scenario)]
    if not scenarios:
        problems.append(Problem("scenarios", "scenarios", "no scenario to compare",
                                hint='[Scenario("name").automate(0.5)]'))
    seen: dict[str, int] = {}
    for i, s in enumerate(scenarios):
        if isinstance(s, Scenario):
            if s.name in seen:
                problems.append(Problem(f"scenarios[{i}]", "name",
                                        f"the same name as scenarios[{seen[s.name]}]", s.name,
                                        "give each scenario a name of its own"))
            seen.setdefault(s.name, i)
    plan_options = {"gaps": False, **plan_options}
    PlanOptions.parse(plan_options)  # unknown options fail here, before any planning
    base_policy = Policy() if policy is None else policy
    if not isinstance(base_policy, Policy):
        problems.append(Problem("policy", "policy", "must be a Policy",
                                type(base_policy).__name__))
    if problems:
        raise InvalidInputError(problems, source="compare_scenarios")
    changed = []
    for s in scenarios:
        try:
            changed.append(s.apply(office, base_policy))
        except InvalidInputError as exc:
            problems.extend(Problem(f"{s.name}: {p.location}", p.field, p.message, p.value,
                                    p.hint) for p in exc.problems)
    if problems:
        raise InvalidInputError(problems, source="compare_scenarios")

    overloaded: list[str] = []
    # the options fit the office as it is, or the caller hears of it (InvalidInputError)
    baseline_plan = _plan_quietly(office, base_policy, lang, plan_options, overloaded,
                                  _TEXT[lang]["baseline"])
    base_weights = np.array([base_policy.dimension_weights[d] for d in DIMENSIONS])
    base_fig = _figures(_TEXT[lang]["baseline"], baseline_plan, office, base_policy,
                        base_weights, None, baseline=True)
    figures, changes, plans = [], [], {}
    before = (_portfolios(baseline_plan, base_policy) if baseline_plan.allocation.ok
              else None)
    for s, (s_office, s_policy) in zip(scenarios, changed, strict=True):
        failure: dict[str, str] = {}
        try:
            s_plan = _plan_quietly(s_office, s_policy, lang, plan_options, overloaded, s.name)
        except InvalidInputError as exc:  # options that no longer fit: this scenario fails
            s_plan, failure = None, _options_failure(exc)
        plans[s.name] = s_plan
        fig = _figures(s.name, s_plan, s_office, s_policy, base_weights, base_fig,
                       failure=failure)
        moves: list[PortfolioChange] = []
        if before is not None and s_plan is not None and s_plan.allocation.ok:
            now = _portfolios(s_plan, s_policy)
            moves = _portfolio_changes(s.name, baseline_plan, before, s_plan, now)
            departures = {c.ident: _handed_over(c.ident, before, now)
                          for c in moves if c.role == "leaves"}
            if departures:
                fig = replace(fig, departures=departures)
        figures.append(fig)
        changes.extend(moves)
    names = {v.ident: v.name for v in office.veiledere if v.name}
    for s_office, _ in changed:
        names.update({v.ident: v.name for v in s_office.veiledere
                      if v.name and v.ident not in names})
    status = _worst([base_fig.status, *(f.status for f in figures)])
    result = ScenarioComparison(
        baseline=base_fig, scenarios=tuple(figures), changes=tuple(changes),
        specs={s.name: s for s in scenarios}, baseline_plan=baseline_plan, plans=plans,
        status=status, message="", messages={}, lang=lang, names=names)
    messages = {code: _overall_text(result, code) for code in ("nb", "en")}
    object.__setattr__(result, "messages", FrozenDict(messages))
    object.__setattr__(result, "message", messages[lang])
    if overloaded:
        warnings.warn(CapacityWarning(_TEXT[lang]["overload_warn"].format(
            which=join(overloaded, lang))), stacklevel=2)
    return result


def _plan_quietly(office: Office, policy: Policy, lang: str, options: Mapping[str, Any],
                  overloaded: list[str], label: str) -> Plan:
    """``plan()`` without its CapacityWarning (the comparison warns once for all); ``label``
    is added to ``overloaded`` when the plan spread more work than capacity."""
    with capacity_warnings_off():
        result = plan(office, policy=policy, lang=lang, **options)
    if result.overload is not None and result.allocation.ok:
        overloaded.append(label)
    return result


def _options_failure(exc: InvalidInputError) -> dict[str, str]:
    """Why a scenario got no plan when the options name someone the change removed (the
    problems' own words are English, so only the English message carries them)."""
    detail = "; ".join(f"{p.location}: {p.message}" for p in exc.problems)
    return {"nb": _TEXT["nb"]["bad_options"], "en": _TEXT["en"]["bad_options"] + " " + detail}


def _weighted_shortfall(allocation: Any, weights: np.ndarray) -> dict[str, float]:
    """Levels missing per dimension, summed over the placed brukere, times the dimension's
    weight: what the office still lacks after the plan, dimension by dimension."""
    rows = [[p.shortfall[d] for d in _DIMS] for p in allocation.placements.values()
            if p.unit is not None]
    total = np.array(rows, dtype=float).reshape(-1, len(_DIMS)).sum(axis=0) * weights
    return {d: float(v) for d, v in zip(_DIMS, total, strict=True)}


def _figures(name: str, result: Plan | None, office: Office, policy: Policy,
             weights: np.ndarray, base: ScenarioFigures | None, *, baseline: bool = False,
             failure: Mapping[str, str] | None = None) -> ScenarioFigures:
    load = float(workload_points(office.brukere, policy).sum())
    common = {
        "name": name, "n_brukere": office.n_brukere, "n_veiledere": office.n_veiledere,
        "positions": float(sum(v.position for v in office.veiledere)), "load_points": load,
        "heavy_cases": int(sum(b.tung_sak for b in office.brukere)), "baseline": baseline,
    }
    if result is None or not result.allocation.ok:
        messages = dict(failure) if failure else (
            {code: result.describe(code) for code in ("nb", "en")} if result is not None
            else {})
        return ScenarioFigures(
            status=result.status if result is not None else "infeasible", messages=messages,
            mean_shortfall=float("nan"), shortfall_by_dimension={d: float("nan") for d in _DIMS},
            overload_share=float("nan"), **common)
    by_dim = _weighted_shortfall(result.allocation, weights)
    scarce = None
    if base is not None and base.ok:
        growth = {d: by_dim[d] - base.shortfall_by_dimension[d] for d in _DIMS}
        top = max(_DIMS, key=lambda d: growth[d])
        scarce = top if growth[top] > 1e-9 else None
    ov = result.overload
    return ScenarioFigures(
        status=result.status, messages={code: result.describe(code) for code in ("nb", "en")},
        mean_shortfall=float(result.allocation.mean_shortfall), shortfall_by_dimension=by_dim,
        overload_share=float(ov.share) if ov is not None else 0.0,
        positions_needed=int(ov.positions_needed) if ov is not None else 0, scarce=scarce,
        **common)


#: {bruker id: veileder} and {bruker id: workload points} of one plan.
_Portfolios = tuple[dict[str, str | None], dict[str, float]]


def _portfolios(result: Plan, policy: Policy) -> _Portfolios:
    """{bruker id: veileder} as the plan registers her (:meth:`Plan.to_office`), and her
    workload points under ``policy``."""
    office = result.to_office()
    points = workload_points(office.brukere, policy)
    return ({b.id: b.veileder for b in office.brukere},
            {b.id: float(p) for b, p in zip(office.brukere, points, strict=True)})


def _portfolio_changes(name: str, base: Plan, before: _Portfolios, after: Plan,
                       now: _Portfolios) -> list[PortfolioChange]:
    """Per veileder of either office: brukere and points before, out, in and after."""
    (who_before, pts_before), (who_after, pts_after) = before, now
    held_before: dict[str | None, set[str]] = {}
    held_after: dict[str | None, set[str]] = {}
    for bid, ident in who_before.items():
        held_before.setdefault(ident, set()).add(bid)
    for bid, ident in who_after.items():
        held_after.setdefault(ident, set()).add(bid)
    idents_after = set(after.office.idents)
    order = [*base.office.idents, *(i for i in after.office.idents
                                     if i not in base.office.veileder_by_ident)]
    changes = []
    for ident in order:
        had, has = held_before.get(ident, set()), held_after.get(ident, set())
        out, came, kept = had - has, has - had, had & has
        role = ("leaves" if ident not in idents_after else
                "joins" if ident not in base.office.veileder_by_ident else "stays")
        changes.append(PortfolioChange(
            scenario=name, ident=ident, role=role, brukere_before=len(had),
            brukere_after=len(has), brukere_out=len(out),
            automated_out=sum(b not in who_after for b in out), brukere_in=len(came),
            points_before=sum(pts_before[b] for b in had),
            points_after=sum(pts_after[b] for b in has),
            points_out=sum(pts_before[b] for b in out),
            points_in=sum(pts_after[b] for b in came),
            points_kept_change=sum(pts_after[b] - pts_before[b] for b in kept)))
    return changes


def _handed_over(ident: str, before: _Portfolios, now: _Portfolios) -> dict[str, int]:
    """{ident: brukere} of a leaving veileder's baseline portfolio, by who has them after
    (brukere automated away are not handed to anyone)."""
    who_before, who_after = before[0], now[0]
    counts = Counter(who_after[b] for b, ident_before in who_before.items()
                     if ident_before == ident and who_after.get(b) is not None)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# --------------------------------------------------------------------------------------------
# Texts
# --------------------------------------------------------------------------------------------


def _figures_line(comp: ScenarioComparison, f: ScenarioFigures, lang: str, *,
                  reason: bool = True) -> str:
    """The figures of one scenario against the baseline, in a few sentences (``reason``:
    with the plan's own words when it failed; they may name people)."""
    t, b = _TEXT[lang], comp.baseline
    if f.baseline and f.ok:
        return t["base_figures"].format(
            load=fmt(f.load_points, lang, 0), lpp=fmt(f.load_per_position, lang),
            hpp=fmt(f.heavy_per_position, lang),
            ms=_amount(f.mean_shortfall, "levels", lang))
    if not f.ok:
        return t["failed"].format(name=f.name, status=status_word(f.status, lang),
                                  reason=f.messages.get(lang, "") if reason else "").strip()
    parts = [t["load"].format(
        b=fmt(b.load_points, lang, 0), s=fmt(f.load_points, lang, 0),
        d=_signed(f.load_points - b.load_points, lang, 0),
        lb=fmt(b.load_per_position, lang), ls=fmt(f.load_per_position, lang)),
        t["heavy"].format(hb=fmt(b.heavy_per_position, lang), hs=fmt(f.heavy_per_position, lang)),
        t["shortfall"].format(mb=_num(b.mean_shortfall, lang), ms=_num(f.mean_shortfall, lang))]
    if f.scarce is not None:
        grew = f.shortfall_by_dimension[f.scarce] - b.shortfall_by_dimension[f.scarce]
        parts.append(t["scarce"].format(dim=dimension_name(f.scarce, lang),
                                        d=fmt(grew, lang)))
    else:
        parts.append(t["none_scarce"])
    if f.overload_share > 0 or f.positions_needed:
        parts.append(_overload_text(f, lang))
    return " ".join(parts)


def _overload_text(f: ScenarioFigures, lang: str) -> str:
    """More work than capacity (share over), or only more heavy cases than their limits."""
    t = _TEXT[lang]
    if f.overload_share > 0:
        return t["overload"].format(share=percent(f.overload_share, lang, 0),
                                    n=_amount(f.positions_needed, "positions", lang))
    return t["overload_heavy"].format(n=_amount(f.positions_needed, "positions", lang))


def _scenario_text(comp: ScenarioComparison, f: ScenarioFigures, lang: str) -> str:
    """One scenario in full: its steps, its figures, and who gives up and gets what."""
    t = _TEXT[lang]
    spec = comp.specs[f.name]
    text = [t["head"].format(name=f.name, steps=spec.text(lang, comp.names)),
            _figures_line(comp, f, lang)]
    mine = [c for c in comp.changes if c.scenario == f.name]
    staying = [c for c in mine if c.role != "leaves"]
    if staying:
        lighter = [c for c in staying if c.points_after < c.points_before - 1e-9]
        heavier = [c for c in staying if c.points_after > c.points_before + 1e-9]
        n_out = sum(c.brukere_out for c in staying)
        n_in = sum(c.brukere_in for c in staying)
        text.append(t["instead"].format(
            n_out=fmt(n_out, lang), n_in=fmt(n_in, lang), lighter=fmt(len(lighter), lang),
            heavier=fmt(len(heavier), lang)))
        most = max(staying, key=lambda c: (abs(c.points_after - c.points_before), c.ident))
        if abs(most.points_after - most.points_before) > 1e-9:
            text.append(t["most"] + " " + _change_text(most, lang, comp.names))
    for ident, to in f.departures.items():
        given = join([f"{person(i, comp.names)} ({fmt(n, lang)})" for i, n in to.items()], lang)
        text.append(t["handover"].format(who=person(ident, comp.names),
                                         n=fmt(sum(to.values()), lang), to=given or "–"))
    return " ".join(text)


def _change_text(c: PortfolioChange, lang: str, names: Mapping[str, str]) -> str:
    t = _TEXT[lang]
    key = {"leaves": "change_leaves", "joins": "change_joins"}.get(
        c.role, "change_auto" if c.automated_out else "change")
    return t[key].format(
        who=person(c.ident, names), out=_brukere(c.brukere_out, lang),
        p_out=fmt(c.points_out, lang), auto=fmt(c.automated_out, lang),
        came=_brukere(c.brukere_in, lang), p_in=fmt(c.points_in, lang),
        nb=_brukere(c.brukere_before, lang), na=fmt(c.brukere_after, lang),
        pb=fmt(c.points_before, lang), pa=fmt(c.points_after, lang))


def _overall_text(comp: ScenarioComparison, lang: str, *, reason: bool = True) -> str:
    t = _TEXT[lang]
    b = comp.baseline
    head = t["overall" if len(comp.scenarios) != 1 else "overall_one"].format(
                               n=fmt(len(comp.scenarios), lang), lb=fmt(b.load_per_position, lang),
                               mb=_amount(b.mean_shortfall, "levels", lang))
    if not b.ok:
        head = t["failed"].format(name=b.name, status=status_word(b.status, lang),
                                  reason=b.messages.get(lang, "") if reason else "").strip()
    lines = [head]
    for f in comp.scenarios:
        if not f.ok:
            lines.append(t["failed"].format(
                name=f.name, status=status_word(f.status, lang),
                reason=f.messages.get(lang, "") if reason else "").strip())
            continue
        scarce = (t["scarce_short"].format(dim=dimension_name(f.scarce, lang))
                  if f.scarce else t["none_scarce_short"])
        lines.append(t["line"].format(
            name=f.name, d=_signed(f.load_points - b.load_points, lang, 0),
            lb=fmt(b.load_per_position, lang), ls=fmt(f.load_per_position, lang),
            mb=_num(b.mean_shortfall, lang), ms=_num(f.mean_shortfall, lang), scarce=scarce))
        if f.overload_share > 0 or f.positions_needed:
            lines.append(_overload_text(f, lang))
    return " ".join(lines)


_GROUP_WORDS = {
    "nb": {"ung": "ung (under 30)", "flyktning": "flyktning", "aap": "AAP",
           "sykefravaer": "sykefravær", "sosialhjelp": "sosialhjelp"},
    "en": {"ung": "young (under 30)", "flyktning": "refugee", "aap": "AAP",
           "sykefravaer": "sickness absence", "sosialhjelp": "social assistance"},
}

_GROUP_NAMES = {
    "nb": {Innsatsgruppe.STANDARD_INNSATS.value: "standard innsats",
           Innsatsgruppe.SITUASJONSBESTEMT_INNSATS.value: "situasjonsbestemt innsats",
           Innsatsgruppe.SPESIELT_TILPASSET_INNSATS.value: "spesielt tilpasset innsats",
           Innsatsgruppe.GRADERT_VARIG_TILPASSET_INNSATS.value:
               "gradert varig tilpasset innsats",
           Innsatsgruppe.VARIG_TILPASSET_INNSATS.value: "varig tilpasset innsats",
           NO_DECISION: "brukere uten vedtak"},
    "en": {Innsatsgruppe.STANDARD_INNSATS.value: "standard innsats",
           Innsatsgruppe.SITUASJONSBESTEMT_INNSATS.value: "situational innsats",
           Innsatsgruppe.SPESIELT_TILPASSET_INNSATS.value: "specially adapted innsats",
           Innsatsgruppe.GRADERT_VARIG_TILPASSET_INNSATS.value:
               "partly lasting adapted innsats",
           Innsatsgruppe.VARIG_TILPASSET_INNSATS.value: "lasting adapted innsats",
           NO_DECISION: "brukere without a decision"},
}

#: The policy's numbers in words (nb, en); a name not here reads as "a number of the policy".
_POLICY_WORDS = {
    "workload_points": ("arbeidspoeng", "workload points"),
    "tung_sak_points": ("tilleggspoeng for tung sak", "extra points for a heavy case"),
    "capacity_points_per_position": ("kapasitetspoeng per årsverk",
                                     "capacity points per full position"),
    "need_profile": ("behovsnivå", "need level"),
    "malgruppe_adjustment": ("behovstillegg for målgruppe", "need added for the malgruppe"),
    "tung_sak_adjustment": ("behovstillegg for tung sak", "need added for a heavy case"),
    "non_digital_relasjonell": ("relasjonelt tillegg for ikke-digitale brukere",
                                "relational need added for non-digital brukere"),
    "non_digital_digital_level": ("digitalt behov for ikke-digitale brukere",
                                  "digital need of non-digital brukere"),
    "dimension_weights": ("vekt på mangel", "weight of shortfall"),
    "shortfall_exponent": ("eksponent for mangel", "shortfall exponent"),
    "heavy_cases_per_position": ("grensen for tunge saker per årsverk",
                                 "heavy-case limit per full position"),
    "continuity_bonus": ("bonus for kontinuitet", "continuity bonus"),
    "continuity_weight_innsatsgruppe": ("vekt på kontinuitet", "continuity weight"),
    "continuity_weight_malgruppe": ("vekt på kontinuitet", "continuity weight"),
    "continuity_weight_tung_sak": ("vekt på kontinuitet for tung sak",
                                   "continuity weight of a heavy case"),
    "preference_weight": ("vekt på preferanser", "preference weight"),
    "kommunal_only": ("sosialhjelp bare til kommunalt ansatte",
                      "sosialhjelp only to municipal staff"),
    "specialty_bonus": ("bonus for spesialfelt", "specialty bonus"),
    "balance_slack": ("slakk i lastbalansen", "load balance slack"),
    "pair_overhead": ("samordningstap i par", "pair coordination overhead"),
    "pair_learning_bonus": ("læringsbonus for par", "pair learning bonus"),
    "pair_trial_weeks": ("prøvetid for par (uker)", "pair trial (weeks)"),
    "pair_continuity_threshold": ("terskel for å dele et par",
                                  "threshold for splitting a pair"),
}


def _policy_words(name: str, lang: str) -> str:
    head, *keys = name.split(".")
    words = _POLICY_WORDS.get(head)
    text = words[lang == "en"] if words else _TEXT[lang]["a_policy_number"]
    for key in keys:
        word = (_GROUP_NAMES[lang].get(key) or _GROUP_WORDS[lang].get(key)
                or (dimension_name(key, lang) if key in _DIMS else None))
        text += f" ({word})" if word else ""
    return text


#: Every text of the comparison, per language.
_TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "automate": "{share} av brukerne med standard innsats går over til digital "
                    "selvbetjening (trekning {seed})",
        "shift": "{share} av de andre brukerne kommer i målgruppen {group} (trekning {seed})",
        "leave": "{who} slutter",
        "join": "{who} begynner ({pct} % stilling; {levels})",
        "raise": "{who} går opp {n} i {dim}",
        "policy": "{what} settes til {value}",
        "a_policy_number": "et tall i policyen",
        "yes": "ja", "no": "nei",
        "no_steps": "ingen endringer",
        "baseline": "Utgangspunkt",
        "short": "{lpp} poeng per årsverk, mangel {ms}",
        "head": "«{name}»: {steps}.",
        "base_figures": "Arbeidsmengde {load} poeng, {lpp} per årsverk; {hpp} tunge saker per "
                        "årsverk; gjennomsnittlig mangel {ms} per bruker.",
        "load": "Arbeidsmengde {b} → {s} poeng ({d}); per årsverk {lb} → {ls}.",
        "heavy": "Tunge saker per årsverk {hb} → {hs}.",
        "shortfall": "Gjennomsnittlig mangel per bruker, i nivåer: {mb} → {ms}.",
        "scarce": "Knappest blir {dim}: mangelen som gjenstår øker med {d} (vektet).",
        "none_scarce": "Ingen kompetanse blir knappere.",
        "overload": "Mer arbeid enn kapasitet: {share} over; {n} til ville løst det.",
        "overload_heavy": "Flere tunge saker enn grensene tillater; {n} til ville løst det.",
        "instead": "I stedet for, ikke i tillegg: {n_out} brukere går ut av porteføljene til "
                   "veiledere som blir, og {n_in} kommer inn; {lighter} får lettere og "
                   "{heavier} tyngre portefølje.",
        "most": "Størst endring:",
        "change": "{who}: {out} ut ({p_out} poeng), {came} inn ({p_in} poeng); fra "
                  "{nb} og {pb} poeng til {na} og {pa}.",
        "change_auto": "{who}: {out} ut ({p_out} poeng, {auto} av dem automatisert), "
                       "{came} inn ({p_in} poeng); fra {nb} og {pb} poeng til {na} og "
                       "{pa}.",
        "change_leaves": "{who} slutter: {out} ({p_out} poeng) går til andre "
                         "(eller blir automatisert: {auto}).",
        "change_joins": "{who} begynner og får {came} ({p_in} poeng).",
        "handover": "Brukerne til {who} ({n}) går til {to}.",
        "failed": "«{name}»: ingen plan ({status}). {reason}",
        "bad_options": "Valgene for planen (festede brukere eller par) nevner noen som ikke "
                       "er på kontoret etter endringen.",
        "overall_one": "Ett scenario sammenlignet med utgangspunktet ({lb} poeng per årsverk, "
                       "mangel {mb} per bruker).",
        "overall": "{n} scenarier sammenlignet med utgangspunktet ({lb} poeng per årsverk, "
                   "mangel {mb} per bruker).",
        "line": "«{name}»: arbeidsmengde {d} poeng, per årsverk {lb} → {ls}, mangel "
                "{mb} → {ms}; {scarce}.",
        "scarce_short": "knappest blir {dim}",
        "none_scarce_short": "ingen kompetanse blir knappere",
        "small": "Tallene vises ikke: færre enn {k} veiledere eller brukere (personvern).",
        "shared_individual": "Endringer per veileder, hvem som overtar brukerne til den som "
                             "slutter, og identer i endringene er utelatt.",
        "shared_small": "Tallene for {names} er skjult: færre enn {k} veiledere eller "
                        "brukere.",
        "overload_warn": "Mer arbeid enn kapasitet i: {which}.",
    },
    "en": {
        "automate": "{share} of the standard-innsats brukere move to digital self-service "
                    "(draw {seed})",
        "shift": "{share} of the other brukere come into the malgruppe {group} (draw {seed})",
        "leave": "{who} leaves",
        "join": "{who} joins ({pct} % position; {levels})",
        "raise": "{who} goes up {n} in {dim}",
        "policy": "{what} set to {value}",
        "a_policy_number": "a number of the policy",
        "yes": "yes", "no": "no",
        "no_steps": "no changes",
        "baseline": "Baseline",
        "short": "{lpp} points per position, shortfall {ms}",
        "head": "“{name}”: {steps}.",
        "base_figures": "Workload {load} points, {lpp} per full position; {hpp} heavy cases "
                        "per full position; mean shortfall {ms} per bruker.",
        "load": "Workload {b} → {s} points ({d}); per full position {lb} → {ls}.",
        "heavy": "Heavy cases per full position {hb} → {hs}.",
        "shortfall": "Mean shortfall per bruker, in levels: {mb} → {ms}.",
        "scarce": "Scarcest becomes {dim}: the shortfall left grows by {d} (weighted).",
        "none_scarce": "No competence becomes scarcer.",
        "overload": "More work than capacity: {share} over; {n} more would relieve it.",
        "overload_heavy": "More heavy cases than the limits allow; {n} more would relieve it.",
        "instead": "Instead of, not on top of: {n_out} brukere leave the portfolios of "
                   "veiledere who stay, and {n_in} arrive; {lighter} get a lighter and "
                   "{heavier} a heavier portfolio.",
        "most": "Largest change:",
        "change": "{who}: {out} out ({p_out} points), {came} in ({p_in} points); "
                  "from {nb} and {pb} points to {na} and {pa}.",
        "change_auto": "{who}: {out} out ({p_out} points, {auto} of them automated), "
                       "{came} in ({p_in} points); from {nb} and {pb} points to {na} "
                       "and {pa}.",
        "change_leaves": "{who} leaves: {out} ({p_out} points) go to others or are "
                         "automated ({auto}).",
        "change_joins": "{who} joins and gets {came} ({p_in} points).",
        "handover": "The brukere of {who} ({n}) go to {to}.",
        "failed": "“{name}”: no plan ({status}). {reason}",
        "bad_options": "The plan's options (pinned brukere or pairs) name someone who is not "
                       "in the office after the change:",
        "overall_one": "One scenario compared with the baseline ({lb} points per full "
                       "position, shortfall {mb} per bruker).",
        "overall": "{n} scenarios compared with the baseline ({lb} points per full position, "
                   "shortfall {mb} per bruker).",
        "line": "“{name}”: workload {d} points, per position {lb} → {ls}, shortfall "
                "{mb} → {ms}; {scarce}.",
        "scarce_short": "scarcest becomes {dim}",
        "none_scarce_short": "no competence becomes scarcer",
        "small": "Figures not shown: fewer than {k} veiledere or brukere (privacy).",
        "shared_individual": "Changes per veileder, who takes over a leaver's brukere, and "
                             "idents in the steps are left out.",
        "shared_small": "The figures of {names} are hidden: fewer than {k} veiledere or "
                        "brukere.",
        "overload_warn": "More work than capacity in: {which}.",
    },
}
