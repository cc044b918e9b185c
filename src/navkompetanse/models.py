"""The domain model: veiledere, brukere and the office they meet in (pydantic v2, frozen)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ._frozen import FrozenDict
from .exceptions import Problem
from .privacy import contains_fodselsnummer, holds_fodselsnummer
from .text import fmt

__all__ = [
    "DIMENSIONS",
    "Assessment",
    "Bruker",
    "CompetenceProfile",
    "Dimension",
    "Hovedmal",
    "Innsatsgruppe",
    "LearningRelation",
    "Level",
    "Malgruppe",
    "Office",
    "PairRecord",
    "Preference",
    "Veileder",
    "office_problems",
    "pair_faults",
]

IDENT_PATTERN = re.compile(r"^[A-Z][0-9]{6}$")
ENHET_PATTERN = re.compile(r"^[0-9]{4}$")
BRUKER_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")

Level = Annotated[int, Field(ge=1, le=5, strict=False)]


class Dimension(StrEnum):
    """The four competence dimensions leaders and veiledere agree a veileder needs."""

    relasjonell = "relasjonell"
    struktur = "struktur"
    forvaltning = "forvaltning"
    digital = "digital"


DIMENSIONS: tuple[Dimension, ...] = tuple(Dimension)


class Innsatsgruppe(StrEnum):
    """Follow-up level from the §14a decision (NAV's own codes)."""

    STANDARD_INNSATS = "STANDARD_INNSATS"
    SITUASJONSBESTEMT_INNSATS = "SITUASJONSBESTEMT_INNSATS"
    SPESIELT_TILPASSET_INNSATS = "SPESIELT_TILPASSET_INNSATS"
    GRADERT_VARIG_TILPASSET_INNSATS = "GRADERT_VARIG_TILPASSET_INNSATS"
    VARIG_TILPASSET_INNSATS = "VARIG_TILPASSET_INNSATS"


#: Arena's older codes mapped to the innsatsgruppe that replaced them.
ARENA_CODES: Mapping[str, Innsatsgruppe] = {
    "IKVAL": Innsatsgruppe.STANDARD_INNSATS,
    "BFORM": Innsatsgruppe.SITUASJONSBESTEMT_INNSATS,
    "BATT": Innsatsgruppe.SPESIELT_TILPASSET_INNSATS,
    "VARIG": Innsatsgruppe.VARIG_TILPASSET_INNSATS,
}


class Hovedmal(StrEnum):
    """Main goal of the §14a decision."""

    SKAFFE_ARBEID = "SKAFFE_ARBEID"
    BEHOLDE_ARBEID = "BEHOLDE_ARBEID"
    OKE_DELTAKELSE = "OKE_DELTAKELSE"


class Malgruppe(StrEnum):
    """Priority groups a bruker can belong to (and a veileder can specialise in)."""

    ung = "ung"
    flyktning = "flyktning"
    aap = "aap"
    sykefravaer = "sykefravaer"
    sosialhjelp = "sosialhjelp"


class Preference(StrEnum):
    """How a kind of work feels to a veileder: it gives energy, is neutral, or drains.

    DOMAIN.md: tasks that "give energy and mastery" matter, and preference is not skill: a
    veileder can be good at what she dislikes. The four kinds of work are the four dimensions:
    relasjonell ≈ brukermøter and close follow-up, struktur ≈ planning and routines,
    forvaltning ≈ saksbehandling and vedtak, digital ≈ digital oppfølging.

    >>> Preference("energi").sign, Preference("tapper").sign
    (1, -1)
    """

    energi = "energi"
    noytral = "noytral"
    tapper = "tapper"

    @property
    def sign(self) -> int:
        """+1 gives energy, 0 neutral, -1 drains."""
        return {"energi": 1, "noytral": 0, "tapper": -1}[self.value]


#: Other spellings a spreadsheet may hold for a preference (read, never written).
PREFERENCE_WORDS: Mapping[str, str] = {
    "gir_energi": "energi", "gir energi": "energi", "energy": "energi", "+": "energi",
    "+1": "energi", "1": "energi",
    "nøytral": "noytral", "neutral": "noytral", "0": "noytral",
    "tappende": "tapper", "drains": "tapper", "-": "tapper", "-1": "tapper",
}


#: ``hide_input_in_errors``: a refused fødselsnummer must not be echoed back in the error text
#: (``errors()`` keeps the input, so the loaders can still report it masked).
_FROZEN = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, hide_input_in_errors=True)


class ValidatedCopy(BaseModel):
    """A model whose ``model_copy(update=...)`` validates, like building it does.

    pydantic's own ``model_copy`` skips validation: ``office.model_copy(update={"pairs":
    (("A123456", "B234567"),)})`` would give an office naming a veileder who is not there,
    ``Policy().model_copy(update={"balance_slack": -3})`` a policy the constructor refuses,
    and both would keep cached views of the old values.  Here an update builds a new model
    from the old fields and the changes, running every field and cross-reference check (a
    ValidationError names the field). No config of its own, so ``Policy`` keeps its own.
    """

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Any:
        if not update:  # nothing changes; the copy keeps what the original has cached
            return super().model_copy(deep=deep)
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate({**fields, **update})

    def replace(self, **changes: Any) -> Any:
        """A copy with ``changes`` applied and validated: ``model_copy(update=changes)``::

            office.replace(pairs=(("A123456", "B234567"),))
        """
        return self.model_copy(update=changes)


#: The error type of a key that holds a national identity number (the loaders place it).
PERSONAL_DATA_ERROR = "personal_data"
_PERSONAL_KEY_MESSAGE = (
    "a key here holds a national identity number (fødselsnummer or D-nummer); personal data "
    "must not be in an office"
)


class _Model(ValidatedCopy):
    """A frozen domain model (``extra="forbid"``) with a validating copy.

    A key that holds a fødselsnummer (an unknown field, or a name in a mapping field such as
    ``CompetenceProfile.other``) is refused before any other check, with an error of type
    ``personal_data`` that names no key: pydantic would otherwise print the key in the error's
    location.
    """

    model_config = _FROZEN
    #: Fields that are mappings: their keys come from the input, so they are checked too.
    _mapping_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _no_personal_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = cls.__pydantic_fields__  # the class's dict (model_fields is a property)
            keys = [k for k in data if k not in fields]
            for name in cls._mapping_fields:
                if isinstance(data.get(name), Mapping):
                    keys.extend(data[name])
            if keys and any(_key_is_personal(k) for k in keys):
                raise PydanticCustomError(PERSONAL_DATA_ERROR, _PERSONAL_KEY_MESSAGE)
        return data


def _key_is_personal(key: Any) -> bool:
    return contains_fodselsnummer(key) if isinstance(key, str) else holds_fodselsnummer(key)


def _short(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for a one-line repr."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unique_sorted(values: Iterable[Any], what: str) -> tuple[Any, ...]:
    values = tuple(values)
    dupes = sorted({str(v) for v, n in Counter(values).items() if n > 1})
    if dupes:
        raise ValueError(f"{what} listed more than once: {', '.join(dupes)}")
    return tuple(sorted(values, key=str))


class CompetenceProfile(_Model):
    """A level 1–5 in each dimension (1 new to it, 3 works independently, 5 can teach others).

    ``other`` holds further named competences on the same scale (``arbeidsmarked``,
    ``utdanning``, ``inkludering``, ``barneperspektiv`` ...); scoring uses the four dimensions.

    Examples
    --------
    >>> p = CompetenceProfile(relasjonell=4, struktur=2, forvaltning=3, digital=5)
    >>> p[Dimension.digital], p.as_array().tolist()
    (5, [4, 2, 3, 5])
    """

    relasjonell: Level
    struktur: Level
    forvaltning: Level
    digital: Level
    other: Mapping[str, Level] = Field(default_factory=dict, validate_default=True)

    _mapping_fields: ClassVar[tuple[str, ...]] = ("other",)

    @field_validator("other")
    @classmethod
    def _other_names(cls, value: Mapping[str, int]) -> Mapping[str, int]:
        for name in value:
            if name in Dimension.__members__:
                raise ValueError(f"{name!r} is one of the four dimensions; set it directly")
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name):
                raise ValueError(f"competence name {name!r} must be lower-case ascii")
        return FrozenDict(sorted(value.items()))

    def __getitem__(self, dimension: Dimension | str) -> int:
        return int(getattr(self, Dimension(dimension).value))

    def as_array(self) -> np.ndarray:
        """The four levels as an int array in :data:`DIMENSIONS` order."""
        return np.array([self[d] for d in DIMENSIONS], dtype=np.int64)

    @classmethod
    def from_array(cls, levels: Iterable[int]) -> CompetenceProfile:
        return cls(**{d.value: int(v) for d, v in zip(DIMENSIONS, levels, strict=True)})

    def __str__(self) -> str:
        return " ".join(f"{d.value[:3]}={self[d]}" for d in DIMENSIONS)


class Assessment(_Model):
    """A dated competence assessment of one veileder by herself, her leader or a peer."""

    date: dt.date
    source: Literal["self", "leader", "peer"]
    profile: CompetenceProfile


#: Weights of the assessment sources in the effective profile (see Veileder.effective_profile).
ASSESSMENT_WEIGHTS: Mapping[str, float] = {"leader": 2.0, "peer": 1.0, "self": 1.0}


class Veileder(_Model):
    """A counsellor who follows up a portfolio of brukere."""

    ident: str
    name: str | None = None
    avdeling: str | None = None
    stillingsprosent: float = Field(default=100, gt=0, le=100)
    ansettelse: Literal["statlig", "kommunal"] = "statlig"
    profile: CompetenceProfile | None = None
    assessments: tuple[Assessment, ...] = ()
    spesialfelt: tuple[Malgruppe, ...] = ()
    pairable: bool = True
    max_tunge_saker: int | None = Field(default=None, ge=0)
    preferences: Mapping[Dimension, Preference] = Field(
        default_factory=dict, validate_default=True,
        description=(
            "For each kind of work (relasjonell, struktur, forvaltning, digital): 'energi' "
            "(gives energy), 'noytral' or 'tapper' (drains). Optional; a kind left out is "
            "neutral. Preference is not skill: it steers work where competence fits about "
            "equally."
        ),
    )

    @field_validator("preferences", mode="before")
    @classmethod
    def _preference_words(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: PREFERENCE_WORDS.get(v.strip().lower(), v.strip().lower())
                    if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("preferences")
    @classmethod
    def _preferences(cls, value: Mapping[Dimension, Preference]) -> Mapping[Dimension, Preference]:
        return FrozenDict(sorted(value.items(), key=lambda kv: DIMENSIONS.index(kv[0])))

    _mapping_fields: ClassVar[tuple[str, ...]] = ("preferences",)

    def preference(self, dimension: Dimension | str) -> Preference:
        """Her preference for a kind of work (neutral where the office file says nothing)."""
        return self.preferences.get(Dimension(dimension), Preference.noytral)

    def preference_signs(self) -> np.ndarray:
        """+1 / 0 / -1 per dimension in :data:`DIMENSIONS` order."""
        return np.array([self.preference(d).sign for d in DIMENSIONS], dtype=np.int64)

    @field_validator("ident")
    @classmethod
    def _ident(cls, value: str) -> str:
        if not IDENT_PATTERN.fullmatch(value):
            raise ValueError(
                "an ident is one capital letter and six digits, like Z123456"
            )
        return value

    @field_validator("spesialfelt")
    @classmethod
    def _spesialfelt(cls, value: tuple[Malgruppe, ...]) -> tuple[Malgruppe, ...]:
        return _unique_sorted(value, "spesialfelt")

    @field_validator("assessments")
    @classmethod
    def _assessments(cls, value: tuple[Assessment, ...]) -> tuple[Assessment, ...]:
        return tuple(sorted(value, key=lambda a: (a.date, a.source)))

    @model_validator(mode="after")
    def _has_profile(self) -> Veileder:
        if self.profile is None and not self.assessments:
            raise ValueError(
                "a veileder needs a profile or at least one assessment; add 'profile' with "
                "the four levels"
            )
        return self

    @cached_property
    def effective_profile(self) -> CompetenceProfile:
        """The profile scoring uses.

        The rule: an explicit ``profile`` is the office's agreed profile and wins. Without one,
        take the latest assessment from each source and, per dimension, the weighted mean
        (leader 2, peer 1, self 1), rounded half up. The leader counts double because she has
        seen the veileder's work across many brukere; self-assessment is kept because it
        differs in useful ways (see DOMAIN.md: "self-assessment and a leader's assessment can
        differ").
        """
        if self.profile is not None:
            return self.profile
        latest: dict[str, Assessment] = {}
        for a in self.assessments:  # sorted by date, so later ones overwrite
            latest[a.source] = a
        weights = np.array([ASSESSMENT_WEIGHTS[s] for s in latest])
        levels = np.array([a.profile.as_array() for a in latest.values()], dtype=float)
        mean = weights @ levels / weights.sum()
        return CompetenceProfile.from_array(np.floor(mean + 0.5).astype(int))

    @property
    def position(self) -> float:
        """Share of a full position, 0–1."""
        return self.stillingsprosent / 100.0

    def __repr__(self) -> str:
        parts = [f"ident={self.ident!r}"]
        if self.name:
            parts.append(f"name={_short(self.name)!r}")
        if self.avdeling:
            parts.append(f"avdeling={_short(self.avdeling)!r}")
        parts.append(f"stillingsprosent={self.stillingsprosent:g}")
        parts.append(f"profile='{self.effective_profile}'")
        if self.assessments:
            parts.append(f"{len(self.assessments)} assessments")
        if self.spesialfelt:
            parts.append(f"spesialfelt={tuple(m.value for m in self.spesialfelt)!r}")
        if not self.pairable:
            parts.append("pairable=False")
        if self.preferences:  # +rel -for: gives energy / drains
            parts.append("preferences='" + " ".join(
                f"{'+' if p.sign > 0 else '-' if p.sign < 0 else '0'}{d.value[:3]}"
                for d, p in self.preferences.items()) + "'")
        return f"Veileder({', '.join(parts)})"

    __str__ = __repr__


class Bruker(_Model):
    """A citizen followed up by the office, under a pseudonymous id."""

    id: str
    innsatsgruppe: Innsatsgruppe | None = None
    hovedmal: Hovedmal | None = None
    malgrupper: tuple[Malgruppe, ...] = ()
    digital: bool = True
    tung_sak: bool = False
    veileder: str | None = None
    needs: CompetenceProfile | None = None
    continuity: float | None = Field(
        default=None, ge=0, le=10,
        description=(
            "How much it matters that this bruker keeps her veileder, as a multiple of the "
            "policy's continuity bonus (0: she hardly cares; 1: the usual; 3: a change costs "
            "her three times as much). Overrides the policy's weight by innsatsgruppe, "
            "malgruppe and tung_sak."
        ),
    )

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if contains_fodselsnummer(value):
            raise ValueError(
                "this id contains a national identity number (fødselsnummer or D-nummer); "
                "use a pseudonymous id such as b-0001 and keep the key elsewhere"
            )
        if not BRUKER_ID_PATTERN.fullmatch(value):
            raise ValueError(
                "an id is 1-64 characters of letters, digits, '.', '_', ':' or '-', "
                "starting with a letter or digit"
            )
        return value

    @field_validator("innsatsgruppe", mode="before")
    @classmethod
    def _arena(cls, value: Any) -> Any:
        if isinstance(value, str) and value in ARENA_CODES:
            return ARENA_CODES[value]
        return value

    @field_validator("malgrupper")
    @classmethod
    def _malgrupper(cls, value: tuple[Malgruppe, ...]) -> tuple[Malgruppe, ...]:
        return _unique_sorted(value, "malgruppe")

    @field_validator("veileder")
    @classmethod
    def _veileder(cls, value: str | None) -> str | None:
        if value is not None and not IDENT_PATTERN.fullmatch(value):
            raise ValueError("a veileder ident is one capital letter and six digits")
        return value

    def __repr__(self) -> str:
        parts = [f"id={self.id!r}"]
        group = self.innsatsgruppe.value if self.innsatsgruppe else None
        parts.append(f"innsatsgruppe={group!r}")
        if self.malgrupper:
            parts.append(f"malgrupper={tuple(m.value for m in self.malgrupper)!r}")
        if not self.digital:
            parts.append("digital=False")
        if self.tung_sak:
            parts.append("tung_sak=True")
        parts.append(f"veileder={self.veileder!r}")
        if self.needs is not None:
            parts.append(f"needs='{self.needs}'")
        if self.continuity is not None:
            parts.append(f"continuity={self.continuity:g}")
        return f"Bruker({', '.join(parts)})"

    __str__ = __repr__


class LearningRelation(_Model):
    """An informal or formal learning relation: the mentor helps the learner grow."""

    mentor: str
    learner: str
    dimension: Dimension | None = None

    @model_validator(mode="after")
    def _two_people(self) -> LearningRelation:
        if self.mentor == self.learner:
            raise ValueError("mentor and learner must be two different veiledere")
        return self


class PairRecord(_Model):
    """What the office knows about a pair: when it started, whether the two confirmed it, and
    whether it ended — and, for an ended one, whether it may be proposed again.

    DOMAIN.md: a pair needs "a fairly solid relationship between the veiledere", and the office
    tried it "as an experiment". So a new pair is a trial the two confirm; a record keeps what
    came of it. A pair marked ``propose_again=false`` is never proposed, and the reason is
    shown wherever the pairing explains itself.
    """

    members: tuple[str, str]
    started: dt.date | None = None
    confirmed: bool = False
    ended: dt.date | None = None
    propose_again: bool = True
    reason: str | None = Field(default=None, min_length=1, max_length=300,
                               validate_default=True)

    @field_validator("ended")
    @classmethod
    def _ended(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        started = info.data.get("started")
        if value is not None and started is not None and value < started:
            raise ValueError("the pair ended before it started; check the two dates")
        return value

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and contains_fodselsnummer(value):
            raise ValueError(
                "the reason contains a national identity number (fødselsnummer or D-nummer); "
                "describe the reason without personal data"
            )
        if value is None and info.data.get("propose_again") is False:
            raise ValueError(
                "a pair that is not to be proposed again needs a reason (it is shown when the "
                "pairing explains itself)"
            )
        return value

    @property
    def key(self) -> frozenset[str]:
        return frozenset(self.members)

    @property
    def ongoing(self) -> bool:
        return self.ended is None


#: The fault of a "pair" that is not two different veiledere.
TWO_DIFFERENT = "a pair is two different veiledere"


def pair_faults(members: Sequence[str], pairable: Mapping[str, bool]
                ) -> list[tuple[str, Any, str]]:
    """What keeps ``members`` from being a pair: ``[(problem, value, fix), ...]``, empty if none.

    The one place this rule lives (the office file, ``pair_veiledere``'s required and
    forbidden pairs and ``allocate_portfolios``' pairs all check it here): **a pair is two
    different veiledere of the office, both pairable**. ``pairable`` maps every ident of the
    office to its ``pairable`` flag (pass ``True`` for all where the flag does not matter, e.g.
    for a forbidden pair). Callers turn the faults into
    :class:`~navkompetanse.exceptions.Problem` rows with their own location.

    >>> pair_faults(("Z1", "Z2"), {"Z1": True, "Z2": False})
    [('veileder has pairable=false', 'Z2', 'set pairable to true or leave the pair out')]
    >>> pair_faults(("Z1", "Z1"), {"Z1": True})[0][0]
    'a pair is two different veiledere'
    """
    members = tuple(members)
    if len(members) != 2 or members[0] == members[1]:
        return [(TWO_DIFFERENT, list(members),
                 'write it as ("Z123456", "Z654321")')]
    faults = []
    for ident in members:
        if ident not in pairable:
            faults.append(("names a veileder who is not in the office", ident,
                           "use the ident of a veileder in the office"))
        elif not pairable[ident]:
            faults.append(("veileder has pairable=false", ident,
                           "set pairable to true or leave the pair out"))
    return faults



def office_problems(office: Office | Mapping[str, Any]) -> list[Problem]:
    """Cross-reference faults in an office, each with its JSON path.

    Works on a validated :class:`Office` or on its plain-data form, so loaders can report
    them together with field errors.
    """
    def get(obj: Any, key: str, default: Any = None) -> Any:
        if isinstance(obj, Mapping):
            return obj.get(key, default)
        return getattr(obj, key, default)

    data = office
    problems: list[Problem] = []
    veiledere = get(data, "veiledere") or ()
    idents: dict[str, int] = {}
    pairable: dict[str, bool] = {}
    for i, v in enumerate(veiledere):
        ident = get(v, "ident")
        if ident in idents:
            problems.append(Problem(
                f"veiledere[{i}]", "ident", f"duplicate ident, also at veiledere[{idents[ident]}]",
                ident, "give every veileder a unique ident",
            ))
        else:
            idents[ident] = i
        pairable[ident] = bool(get(v, "pairable", True))
    seen_ids: dict[str, int] = {}
    for i, b in enumerate(get(data, "brukere") or ()):
        bid = get(b, "id")
        if bid in seen_ids:
            problems.append(Problem(
                f"brukere[{i}]", "id", f"duplicate id, also at brukere[{seen_ids[bid]}]", bid,
                "give every bruker a unique pseudonymous id",
            ))
        else:
            seen_ids[bid] = i
        vid = get(b, "veileder")
        if vid is not None and vid not in idents:
            problems.append(Problem(
                f"brukere[{i}]", "veileder", "names a veileder who is not in the office", vid,
                "add the veileder to 'veiledere' or set veileder to null (ufordelt)",
            ))
    for i, r in enumerate(get(data, "learning_relations") or ()):
        for role in ("mentor", "learner"):
            if get(r, role) not in idents:
                problems.append(Problem(
                    f"learning_relations[{i}]", role, "names a veileder who is not in the office",
                    get(r, role), "use the ident of a veileder in 'veiledere'",
                ))
    in_pair: dict[str, int] = {}
    for i, pair in enumerate(get(data, "pairs") or ()):
        members = list(pair)
        faults = pair_faults(members, pairable)
        for message, value, hint in faults:
            problems.append(Problem(f"pairs[{i}]", "pairs", message, value, hint))
        if faults and faults[0][0] == TWO_DIFFERENT:  # not a pair at all: nothing to place
            continue
        for ident in members:
            if ident in in_pair:
                problems.append(Problem(
                    f"pairs[{i}]", "pairs", f"veileder is already in pairs[{in_pair[ident]}]",
                    ident, "a veileder can be in one pair at a time; remove one of the pairs",
                ))
            in_pair.setdefault(ident, i)
    current = {frozenset(p) for p in (get(data, "pairs") or ()) if len(set(p)) == 2}
    ongoing: dict[frozenset, int] = {}
    for i, record in enumerate(get(data, "pair_history") or ()):
        if not isinstance(get(record, "members"), list | tuple):
            continue  # malformed members: a field error, reported by the loader
        members = list(get(record, "members"))
        faults = pair_faults(members, {ident: True for ident in idents})
        for message, value, hint in faults:
            problems.append(Problem(f"pair_history[{i}]", "members", message, value, hint))
        if faults:
            continue
        key = frozenset(members)
        if get(record, "ended") is None:
            if key not in current:
                problems.append(Problem(
                    f"pair_history[{i}]", "ended", "an ongoing pair that is not in 'pairs'",
                    members, "add the pair to 'pairs', or give the date it ended",
                ))
            if key in ongoing:
                problems.append(Problem(
                    f"pair_history[{i}]", "members",
                    f"the same pair is ongoing in pair_history[{ongoing[key]}]", members,
                    "keep one record of an ongoing pair; give the older one an 'ended' date",
                ))
            ongoing.setdefault(key, i)
        if get(record, "propose_again") is False and key in current:
            problems.append(Problem(
                f"pair_history[{i}]", "propose_again",
                "a current pair is marked not to be proposed again", members,
                "remove the pair from 'pairs' and give the date it ended, or set "
                "propose_again to true",
            ))
    return problems


class Office(_Model):
    """A NAV office: its veiledere, the brukere they follow up, and how they learn together.

    Validation covers the whole office: unknown or duplicate idents, pairs and learning
    relations naming someone who is not there, a veileder in two pairs. Every fault is
    reported at once, each with its JSON path.
    """

    enhet: str
    name: str
    veiledere: tuple[Veileder, ...] = ()
    brukere: tuple[Bruker, ...] = ()
    learning_relations: tuple[LearningRelation, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    pair_history: tuple[PairRecord, ...] = ()

    @field_validator("enhet")
    @classmethod
    def _enhet(cls, value: str) -> str:
        if not ENHET_PATTERN.fullmatch(value):
            raise ValueError("enhet is the office's 4-digit id, like 0315 (keep leading zeros)")
        return value

    @model_validator(mode="after")
    def _references(self) -> Office:
        problems = office_problems(self)
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))
        return self

    # Derived views; cached because models are frozen.
    @cached_property
    def veileder_by_ident(self) -> Mapping[str, Veileder]:
        return FrozenDict({v.ident: v for v in self.veiledere})

    @cached_property
    def bruker_by_id(self) -> Mapping[str, Bruker]:
        return FrozenDict({b.id: b for b in self.brukere})

    @cached_property
    def idents(self) -> tuple[str, ...]:
        return tuple(v.ident for v in self.veiledere)

    def canonical(self) -> Office:
        """The same office with veiledere sorted by ident and brukere by id.

        The solvers work on this order, so the same office listed in another order gets the
        same plan (every result is keyed by ids, so nothing needs mapping back). Returns the
        office itself when it is already in that order.
        """
        veiledere = tuple(sorted(self.veiledere, key=lambda v: v.ident))
        brukere = tuple(sorted(self.brukere, key=lambda b: b.id))
        if veiledere == self.veiledere and brukere == self.brukere:
            return self
        return self.replace(veiledere=veiledere, brukere=brukere)

    @cached_property
    def not_to_propose(self) -> Mapping[frozenset[str], str]:
        """Pairs the office marked not to be proposed again, with the reason it gave."""
        return FrozenDict({r.key: r.reason or "" for r in self.pair_history
                           if not r.propose_again})

    def pair_records(self, members: Sequence[str]) -> tuple[PairRecord, ...]:
        """Every record of the pair ``members`` (in either order), oldest first."""
        key = frozenset(members)
        return tuple(sorted((r for r in self.pair_history if r.key == key),
                            key=lambda r: (r.started or dt.date.min, r.ended or dt.date.max)))

    @property
    def n_veiledere(self) -> int:
        return len(self.veiledere)

    @property
    def n_brukere(self) -> int:
        return len(self.brukere)

    def profiles(self) -> np.ndarray:
        """Effective profiles as an int array ``levels[veileder, dimension]``."""
        if not self.veiledere:
            return np.zeros((0, len(DIMENSIONS)), dtype=np.int64)
        return np.stack([v.effective_profile.as_array() for v in self.veiledere])

    # Display: one line and a small table; the office itself can be megabytes of text.
    def __repr__(self) -> str:
        return (
            f"Office(enhet={self.enhet!r}, name={_short(self.name)!r}, "
            f"{self.n_veiledere} veiledere, {self.n_brukere} brukere, {len(self.pairs)} pairs)"
        )

    __str__ = __repr__

    def _repr_html_(self) -> str:
        """A small summary table for Jupyter, with Norwegian labels and numbers."""
        import html

        s = self.summary()
        rows = [
            ("Enhet", s["enhet"]),
            ("Veiledere", fmt(s["n_veiledere"])),
            ("Årsverk", fmt(s["full_positions"], decimals=1)),
            ("Avdelinger", len(s["avdelinger"])),
            ("Brukere", fmt(s["n_brukere"])),
            ("Ufordelte brukere", s["ufordelte"]),
            ("Tunge saker", s["tunge_saker"]),
            ("Par", s["pairs"]),
            ("Læringsrelasjoner", s["learning_relations"]),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:right'>{html.escape(str(v))}</td></tr>"
            for k, v in rows
        )
        return f"<div><strong>{html.escape(self.name)}</strong><table>{body}</table></div>"

    def summary(self) -> dict[str, Any]:
        """Counts a leader reads first: staff, positions, brukere by innsatsgruppe, ufordelte."""
        by_group = Counter(
            b.innsatsgruppe.value if b.innsatsgruppe else "TRENGER_VURDERING" for b in self.brukere
        )
        return {
            "enhet": self.enhet,
            "name": self.name,
            "n_veiledere": self.n_veiledere,
            "full_positions": round(sum(v.position for v in self.veiledere), 2),
            "avdelinger": sorted({v.avdeling for v in self.veiledere if v.avdeling}),
            "n_brukere": self.n_brukere,
            "brukere_by_innsatsgruppe": {
                key: by_group[key]
                for key in [*(g.value for g in Innsatsgruppe), "TRENGER_VURDERING"]
                if by_group[key]
            },
            "tunge_saker": sum(b.tung_sak for b in self.brukere),
            "ikke_digitale": sum(not b.digital for b in self.brukere),
            "ufordelte": sum(b.veileder is None for b in self.brukere),
            "pairs": len(self.pairs),
            "learning_relations": len(self.learning_relations),
            "pair_history": len(self.pair_history),
        }
