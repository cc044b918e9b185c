"""Assessments: which source a veileder's profile uses, where her own view and her leader's
differ, and how her levels develop over time.

DOMAIN.md: competence is "hard to measure", and "self-assessment and a leader's assessment can
differ". This module reads a veileder's dated assessments and says three things, without
judging: the source of the effective profile (the agreed profile, or the weighted mean of the
latest assessments per source, :attr:`Veileder.effective_profile`); where the latest
self-assessment and the latest leader assessment are :data:`TOPIC_DIFFERENCE` or more levels
apart in a dimension, a topic for a mestringssamtale; and, per source and dimension, the first
and the latest level with their dates.

Dates are kept as ISO strings (``"2025-02-21"``), so results stay plain JSON and a saved plan
loads back equal.

Examples
--------
>>> import datetime as dt
>>> from navkompetanse.models import Assessment, CompetenceProfile, Veileder
>>> def a(day, source, forv):
...     profile = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=forv, digital=3)
...     return Assessment(date=dt.date(2025, 1, day), source=source, profile=profile)
>>> kari = Veileder(ident="Z100001", name="Kari",
...                 assessments=(a(2, "self", 4), a(5, "leader", 2)))
>>> [topic] = assessment_topics([kari])
>>> topic_sentence(topic, {"Z100001": "Kari"})
'Kari (Z100001) vurderer seg selv til 4 i forvaltning, lederen til 2 — et tema for en
mestringssamtale.'
>>> date_text("2025-01-05"), date_text("2025-01-05", "en")
('5. januar 2025', '5 January 2025')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..models import ASSESSMENT_WEIGHTS, DIMENSIONS, Assessment, Veileder
from ..text import check_lang, dimension_name, fmt, join, person

__all__ = [
    "SOURCES",
    "TOPIC_DIFFERENCE",
    "AssessmentTopic",
    "Development",
    "LatestAssessment",
    "VeilederProfile",
    "assessment_topics",
    "date_text",
    "development",
    "development_sentence",
    "no_topic_sentence",
    "profile_sentence",
    "topic_sentence",
    "veileder_profiles",
]

#: Self and leader this many levels apart (or more) in a dimension: a topic for a
#: mestringssamtale. One level apart is within what an assessment can tell.
TOPIC_DIFFERENCE = 2

#: The assessment sources, in the order texts name them (the leader's counts double).
SOURCES = ("leader", "self", "peer")

_DIMS = tuple(d.value for d in DIMENSIONS)


@dataclass(frozen=True)
class LatestAssessment:
    """A veileder's latest assessment from one source: its date and four levels."""

    source: str
    date: str  # ISO date
    levels: tuple[int, ...]  # in DIMENSIONS order

    def level(self, dimension: str) -> int:
        return self.levels[_DIMS.index(dimension)]


@dataclass(frozen=True)
class VeilederProfile:
    """One veileder's effective levels and where they come from.

    ``source`` is ``"agreed"`` (the office's agreed profile, which wins when there is one) or
    ``"assessments"`` (the weighted mean of the latest assessment per source: leader 2, peer 1,
    self 1). ``latest`` holds the latest assessment per source either way, leader first.
    """

    ident: str
    avdeling: str | None
    levels: tuple[int, ...]  # effective, in DIMENSIONS order
    source: str
    latest: tuple[LatestAssessment, ...] = ()
    n_assessments: int = 0

    def level(self, dimension: str) -> int:
        return self.levels[_DIMS.index(dimension)]

    def latest_of(self, source: str) -> LatestAssessment | None:
        """The latest assessment from ``source`` (``self``, ``leader``, ``peer``), if any."""
        return next((a for a in self.latest if a.source == source), None)

    @property
    def used(self) -> tuple[str, ...]:
        """The assessment sources the effective profile is made of (none for an agreed one)."""
        return () if self.source == "agreed" else tuple(a.source for a in self.latest)


@dataclass(frozen=True)
class AssessmentTopic:
    """Self and leader :data:`TOPIC_DIFFERENCE` or more levels apart in one dimension."""

    ident: str
    dimension: str
    self_level: int
    leader_level: int
    self_date: str
    leader_date: str

    @property
    def difference(self) -> int:
        """Self minus leader: positive when she rates herself higher."""
        return self.self_level - self.leader_level


@dataclass(frozen=True)
class Development:
    """One source's first and latest level of a veileder in one dimension, with dates."""

    ident: str
    source: str
    dimension: str
    first_level: int
    first_date: str
    latest_level: int
    latest_date: str
    n_assessments: int

    @property
    def change(self) -> int:
        return self.latest_level - self.first_level


def _by_source(assessments: Iterable[Assessment]) -> dict[str, list[Assessment]]:
    """Assessments per source, oldest first (a Veileder keeps them sorted by date)."""
    out: dict[str, list[Assessment]] = {}
    for a in assessments:
        out.setdefault(a.source, []).append(a)
    return {s: out[s] for s in SOURCES if s in out}


def _latest(v: Veileder) -> tuple[LatestAssessment, ...]:
    # the last of a source wins, as in Veileder.effective_profile
    return tuple(LatestAssessment(source, runs[-1].date.isoformat(),
                                  tuple(int(x) for x in runs[-1].profile.as_array()))
                 for source, runs in _by_source(v.assessments).items())


def veileder_profiles(veiledere: Iterable[Veileder]) -> tuple[VeilederProfile, ...]:
    """Each veileder's effective levels, their source and her latest assessment per source."""
    return tuple(
        VeilederProfile(
            ident=v.ident, avdeling=v.avdeling,
            levels=tuple(int(x) for x in v.effective_profile.as_array()),
            source="agreed" if v.profile is not None else "assessments",
            latest=_latest(v), n_assessments=len(v.assessments))
        for v in veiledere)


def assessment_topics(veiledere: Iterable[Veileder] | Iterable[VeilederProfile],
                      difference: int = TOPIC_DIFFERENCE) -> tuple[AssessmentTopic, ...]:
    """Dimensions where a veileder's latest self and leader assessments are ``difference``
    or more levels apart, in the order of the veiledere and the dimensions."""
    topics = []
    for p in veiledere:
        if isinstance(p, Veileder):
            if not p.assessments:
                continue
            p = veileder_profiles([p])[0]
        own, leader = p.latest_of("self"), p.latest_of("leader")
        if own is None or leader is None:
            continue
        for dim, a, b in zip(_DIMS, own.levels, leader.levels, strict=True):
            if abs(a - b) >= difference:
                topics.append(AssessmentTopic(p.ident, dim, a, b, own.date, leader.date))
    return tuple(topics)


def development(veiledere: Iterable[Veileder]) -> tuple[Development, ...]:
    """Per veileder, source and dimension: the first and the latest level with their dates,
    where the source assessed her on two or more different dates."""
    rows = []
    for v in veiledere:
        for source, runs in _by_source(v.assessments).items():
            first, last = runs[0], runs[-1]
            if first.date == last.date:
                continue
            for dim in _DIMS:
                rows.append(Development(
                    v.ident, source, dim, first.profile[dim], first.date.isoformat(),
                    last.profile[dim], last.date.isoformat(), len(runs)))
    return tuple(rows)


# ---- words ---------------------------------------------------------------------------------

_MONTHS = {
    "nb": ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

#: Every text about assessments, per language (the same keys).
_TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "topic": "{who} vurderer seg selv til {own} i {dim}, lederen til {leader} — et tema "
                 "for en mestringssamtale.",
        "topic_dates": "Egenvurdering {own_date}, lederens vurdering {leader_date}.",
        "agreed": "Profilen er en avtalt profil.",
        "agreed_also": "Profilen er en avtalt profil; den gjelder foran vurderingene.",
        "weighted": "Profilen er et vektet snitt av siste vurdering fra hver kilde: {parts}.",
        "part": "{source} (vekt {w}, {date})",
        "self": "egenvurderingen", "leader": "lederens vurdering",
        "peer": "kollegavurderingen",
        "Self": "Egenvurderingen", "Leader": "Lederens vurdering",
        "Peer": "Kollegavurderingen",
        "develop": "{source} av {dim}: {first} ({first_date}) → {latest} ({latest_date}).",
        "no_topic": "Egenvurderingen og lederens vurdering ligger høyst ett nivå fra "
                    "hverandre i hver dimensjon.",
    },
    "en": {
        "topic": "{who} rates themself {own} in {dim}, the leader {leader} — a topic for a "
                 "mestringssamtale (a conversation about coping).",
        "topic_dates": "Self-assessment {own_date}, leader's assessment {leader_date}.",
        "agreed": "The profile is an agreed profile.",
        "agreed_also": "The profile is an agreed profile; it comes before the assessments.",
        "weighted": "The profile is a weighted mean of the latest assessment from each "
                    "source: {parts}.",
        "part": "{source} (weight {w}, {date})",
        "self": "the self-assessment", "leader": "the leader's assessment",
        "peer": "the peer assessment",
        "Self": "The self-assessment", "Leader": "The leader's assessment",
        "Peer": "The peer assessment",
        "develop": "{source} of {dim}: {first} ({first_date}) → {latest} ({latest_date}).",
        "no_topic": "The self-assessment and the leader's assessment are at most one level "
                    "apart in every dimension.",
    },
}


def date_text(iso: str, lang: str = "nb") -> str:
    """An ISO date as a reader writes it: ``5. januar 2025`` / ``5 January 2025``."""
    lang = check_lang(lang)
    day = dt.date.fromisoformat(iso)
    month = _MONTHS[lang][day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "nb" else f"{day.day} {month} {day.year}"


def topic_sentence(topic: AssessmentTopic, names: Mapping[str, str | None] | None = None,
                   lang: str = "nb", *, dates: bool = False) -> str:
    """The topic as the start of a conversation, never a verdict (``dates`` adds when)."""
    t = _TEXT[check_lang(lang)]
    text = t["topic"].format(who=person(topic.ident, names), own=topic.self_level,
                             dim=dimension_name(topic.dimension, lang),
                             leader=topic.leader_level)
    if dates:
        text += " " + t["topic_dates"].format(own_date=date_text(topic.self_date, lang),
                                              leader_date=date_text(topic.leader_date, lang))
    return text


def profile_sentence(profile: VeilederProfile, lang: str = "nb") -> str:
    """Which source the effective profile uses, with the weights and dates of a mean."""
    t = _TEXT[check_lang(lang)]
    if profile.source == "agreed":
        return t["agreed_also"] if profile.latest else t["agreed"]
    parts = [t["part"].format(source=t[a.source], w=fmt(ASSESSMENT_WEIGHTS[a.source], lang),
                              date=date_text(a.date, lang)) for a in profile.latest]
    return t["weighted"].format(parts=join(parts, lang))


def development_sentence(row: Development, lang: str = "nb") -> str:
    """``Lederens vurdering av forvaltning: 2 (3. mars 2024) → 3 (1. februar 2025).``"""
    t = _TEXT[check_lang(lang)]
    return t["develop"].format(
        source=t[row.source.capitalize()], dim=dimension_name(row.dimension, lang),
        first=row.first_level, first_date=date_text(row.first_date, lang),
        latest=row.latest_level, latest_date=date_text(row.latest_date, lang))


def no_topic_sentence(lang: str = "nb") -> str:
    """Said of a veileder with both assessments and no topic."""
    return _TEXT[check_lang(lang)]["no_topic"]
