"""Oversight and provenance: a leader's overrides, and the record of how a plan was made.

Allocating work to people by assessed traits is a high-risk use under the EU AI Act (Annex III,
4(b)): it needs human oversight and logging. Two things here serve that:

- :class:`Override` — a leader's decision against the proposal, with her reason: this bruker to
  that unit (``place``), this pair yes (``pair``), that pair not (``no_pair``). ``plan(office,
  overrides=[...])`` and :meth:`Plan.override` hold every override as a hard rule, re-optimise
  the rest, and record each with what the proposal had been and what the overrides cost in the
  model's terms (:class:`AppliedOverride`). A later re-plan keeps earlier overrides; a new
  override for the same bruker or pair replaces the earlier one, and the record says so.
- :class:`Provenance` — on every plan: library and solver versions, the policy, the options
  (pins and overrides among them), a SHA-256 of the canonical input (the same office with its
  records in another order has the same hash), start and end time, each step's status and
  certified gap. ``docs/trust.md`` says how long to keep it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._frozen import FrozenDict, freeze
from .io import office_to_dict
from .models import IDENT_PATTERN, Office
from .privacy import contains_fodselsnummer
from .results import strict_json
from .text import unit_label

__all__ = ["AppliedOverride", "Override", "Provenance", "canonical_sha256", "override_sentence",
           "provenance"]


class Override(BaseModel):
    """A leader's decision against the proposal, with her reason.

    ``Override.place("b-0012", "Z123456", "kjenner familien")``, ``Override.pair("Z1…",
    "Z2…", reason)`` and ``Override.no_pair(...)`` build them; in an options file they are
    objects with ``kind``, ``reason`` and ``bruker``/``unit`` or ``members``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["place", "pair", "no_pair"]
    reason: str = Field(min_length=3, max_length=300)
    bruker: str | None = None
    unit: str | None = None
    members: tuple[str, str] | None = None

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if contains_fodselsnummer(value):
            raise ValueError("the reason contains a national identity number; describe the "
                             "reason without personal data")
        return value.strip()

    @model_validator(mode="after")
    def _shape(self) -> Override:
        if self.kind == "place":
            if not self.bruker or not self.unit or self.members is not None:
                raise ValueError("a 'place' override names a bruker and a unit (an ident, or "
                                 "two idents joined by '+')")
        elif self.members is None or self.bruker is not None or self.unit is not None:
            raise ValueError(f"a {self.kind!r} override names the two members of the pair")
        elif self.members[0] == self.members[1] or not all(
                IDENT_PATTERN.fullmatch(m) for m in self.members):
            raise ValueError("a pair is two different veileder idents, like Z123456 and "
                             "Z654321")
        return self

    @classmethod
    def place(cls, bruker: str, unit: str, reason: str) -> Override:
        return cls(kind="place", bruker=bruker, unit=unit, reason=reason)

    @classmethod
    def pair(cls, a: str, b: str, reason: str) -> Override:
        return cls(kind="pair", members=tuple(sorted((a, b))), reason=reason)

    @classmethod
    def no_pair(cls, a: str, b: str, reason: str) -> Override:
        return cls(kind="no_pair", members=tuple(sorted((a, b))), reason=reason)

    @property
    def key(self) -> tuple[str, Any]:
        """What the override is about: a later one with the same key replaces it."""
        if self.kind == "place":
            return ("bruker", self.bruker)
        return ("pair", frozenset(self.members or ()))


@dataclass(frozen=True)
class AppliedOverride:
    """An override as the plan holds it: what the proposal had been, and whether it held."""

    override: Override
    proposed: str | None  # the proposal's unit for a bruker; "proposed"/"not_proposed" for a pair
    held: bool
    replaces: str | None = None  # the reason of an earlier override it replaced

    def to_dict(self) -> dict[str, Any]:
        return {**self.override.model_dump(mode="json"), "proposed": self.proposed,
                "held": self.held, "replaces": self.replaces}


def override_sentence(applied: AppliedOverride, names: Mapping[str, str] | None,
                      lang: str = "nb") -> str:
    """A leader's placement in words: what she decided, why, and what the proposal had been."""
    o = applied.override
    unit = unit_label(o.unit, names)
    before = unit_label(applied.proposed, names) if applied.proposed else None
    if lang == "en":
        text = f"A leader decided: {unit} (reason: {o.reason})."
        if before and applied.proposed != o.unit:
            text += f" The proposal had been {before}."
        return text if applied.held else text + " It could not hold: see the status."
    text = f"En leder har bestemt: {unit} (begrunnelse: {o.reason})."
    if before and applied.proposed != o.unit:
        text += f" Forslaget var {before}."
    return text if applied.held else text + " Det lot seg ikke gjennomføre: se status."


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:  # pragma: no cover - installed in every real use
        return "unknown"


def _highs_version() -> str:
    try:
        from scipy.optimize._highspy import _core

        return (f"{_core.HIGHS_VERSION_MAJOR}.{_core.HIGHS_VERSION_MINOR}."
                f"{_core.HIGHS_VERSION_PATCH} (bundled with scipy)")
    except Exception:  # noqa: BLE001 - private module; the version is informative only
        return "bundled with scipy"


def canonical_sha256(office: Office) -> str:
    """SHA-256 of the office as canonical JSON: records sorted by their ids, keys sorted, so
    the same office with its veiledere, brukere, relations or pairs in another order has the
    same hash.

    >>> from navkompetanse import synthetic_office
    >>> o = synthetic_office(4, 250, seed=1)
    >>> flipped = o.replace(veiledere=o.veiledere[::-1], brukere=o.brukere[::-1])
    >>> canonical_sha256(o) == canonical_sha256(flipped)
    True
    """
    data = office_to_dict(office)
    data["veiledere"] = sorted(data["veiledere"], key=lambda v: v["ident"])
    data["brukere"] = sorted(data["brukere"], key=lambda b: b["id"])
    data["learning_relations"] = sorted(
        data["learning_relations"], key=lambda r: (r["mentor"], r["learner"],
                                                   r["dimension"] or ""))
    data["pairs"] = sorted(sorted(p) for p in data["pairs"])
    data["pair_history"] = sorted(
        data["pair_history"], key=lambda r: (sorted(r["members"]), r["started"] or "",
                                             r["ended"] or ""))
    for r in data["pair_history"]:
        r["members"] = sorted(r["members"])
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Provenance:
    """How a plan was made: versions, input hash, policy, options, times and every step's
    status and certified gap."""

    library: str
    python: str
    numpy: str
    scipy: str
    highs: str
    pydantic: str
    networkx: str
    input_sha256: str
    started_at: str  # ISO 8601, UTC
    ended_at: str
    policy: Mapping[str, Any]
    options: Mapping[str, Any]
    steps: Mapping[str, Mapping[str, Any]] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        for name in ("policy", "options", "steps"):
            object.__setattr__(self, name, freeze(getattr(self, name)))

    def to_dict(self) -> dict[str, Any]:
        return strict_json({k: getattr(self, k) for k in self.__dataclass_fields__})


def _utc(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat(timespec="milliseconds")


def provenance(office: Office, policy: Any, options: Mapping[str, Any], started: float,
               ended: float, steps: Mapping[str, Mapping[str, Any]]) -> Provenance:
    """The provenance record of a plan (``started``/``ended`` are ``time.time()`` values)."""
    return Provenance(
        library=_version("navkompetanse"), python=platform.python_version(),
        numpy=_version("numpy"), scipy=_version("scipy"), highs=_highs_version(),
        pydantic=_version("pydantic"), networkx=_version("networkx"),
        input_sha256=canonical_sha256(office), started_at=_utc(started), ended_at=_utc(ended),
        policy=policy.model_dump(mode="json"), options=dict(options), steps=dict(steps))
