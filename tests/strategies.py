"""Hypothesis strategies for navkompetanse's domain objects."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from navkompetanse import (
    Assessment,
    Bruker,
    CompetenceProfile,
    Dimension,
    Hovedmal,
    Innsatsgruppe,
    LearningRelation,
    Malgruppe,
    Office,
    PairRecord,
    Preference,
    Veileder,
)

#: The mod-11 weights of a fødselsnummer's two check digits.
K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def with_check_digits(nine: str) -> str | None:
    """Append both mod-11 check digits, or None when the prefix has no valid number."""
    digits = [int(c) for c in nine]
    for weights in (K1, K2):
        k = 11 - sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        if k == 10:
            return None
        digits.append(0 if k == 11 else k)
    return "".join(map(str, digits))


levels = st.integers(1, 5)
competence_names = st.sampled_from(["arbeidsmarked", "utdanning", "inkludering", "barneperspektiv"])

# Free text as offices write it, including the characters CSV must quote (, ; " and newlines).
# No digits, so a name can never look like a fødselsnummer; no outer blanks, since CSV cells
# are stripped on reading.
free_text = st.text(
    alphabet="abcdeKLMN æøåÆØÅé,;\"'-.()/\n", min_size=1, max_size=20
).filter(lambda s: s == s.strip() and s != "")


@st.composite
def profiles(draw: st.DrawFn) -> CompetenceProfile:
    return CompetenceProfile(
        relasjonell=draw(levels), struktur=draw(levels), forvaltning=draw(levels),
        digital=draw(levels),
        other=draw(st.dictionaries(competence_names, levels, max_size=2)),
    )


assessments = st.builds(
    Assessment,
    date=st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)),
    source=st.sampled_from(["self", "leader", "peer"]),
    profile=profiles(),
)


@st.composite
def veiledere(draw: st.DrawFn, ident: str) -> Veileder:
    profile = draw(st.none() | profiles())
    return Veileder(
        ident=ident,
        name=draw(st.none() | free_text),
        avdeling=draw(st.none() | st.sampled_from(["Ungdom", "Oppfølging", "Marked"]) | free_text),
        stillingsprosent=draw(st.integers(1, 100) | st.sampled_from([12.5, 50.5, 66.67, 99.9])),
        ansettelse=draw(st.sampled_from(["statlig", "kommunal"])),
        profile=profile,
        assessments=draw(st.lists(assessments, min_size=0 if profile else 1, max_size=3)),
        spesialfelt=draw(st.lists(st.sampled_from(list(Malgruppe)), unique=True, max_size=3)),
        pairable=draw(st.booleans()),
        max_tunge_saker=draw(st.none() | st.integers(0, 20)),
        preferences=draw(st.dictionaries(st.sampled_from(list(Dimension)),
                                         st.sampled_from(list(Preference)), max_size=4)),
    )


@st.composite
def brukere(draw: st.DrawFn, bruker_id: str, idents: list[str]) -> Bruker:
    return Bruker(
        id=bruker_id,
        innsatsgruppe=draw(st.none() | st.sampled_from(list(Innsatsgruppe))),
        hovedmal=draw(st.none() | st.sampled_from(list(Hovedmal))),
        malgrupper=draw(st.lists(st.sampled_from(list(Malgruppe)), unique=True, max_size=3)),
        digital=draw(st.booleans()),
        tung_sak=draw(st.booleans()),
        veileder=draw(st.none() | st.sampled_from(idents)) if idents else None,
        needs=draw(st.none() | profiles()),
        continuity=draw(st.none() | st.sampled_from([0, 0.5, 1, 2.25, 10])),
    )


@st.composite
def offices(draw: st.DrawFn, max_veiledere: int = 6, max_brukere: int = 12) -> Office:
    """A valid office: unique idents and ids, references that resolve, disjoint pairs of
    pairable veiledere."""
    idents = draw(st.lists(st.integers(0, 999_999).map(lambda n: f"Z{n:06d}"),
                           unique=True, max_size=max_veiledere))
    staff = [draw(veiledere(ident)) for ident in idents]
    ids = draw(st.lists(st.from_regex(r"b-[0-9a-z]{1,6}", fullmatch=True), unique=True,
                        max_size=max_brukere))
    relations = []
    if len(idents) >= 2:
        for _ in range(draw(st.integers(0, 3))):
            mentor, learner = draw(st.permutations(idents))[:2]
            relations.append(LearningRelation(
                mentor=mentor, learner=learner,
                dimension=draw(st.none() | st.sampled_from(list(Dimension))),
            ))
    pairable = draw(st.permutations([v.ident for v in staff if v.pairable]))
    n_pairs = draw(st.integers(0, len(pairable) // 2))
    pairs = tuple((pairable[2 * k], pairable[2 * k + 1]) for k in range(n_pairs))
    history = []
    for members in pairs[:draw(st.integers(0, len(pairs)))]:  # ongoing trials
        history.append(PairRecord(
            members=members, started=draw(st.none() | st.dates(dt.date(2020, 1, 1))),
            confirmed=draw(st.booleans())))
    if len(idents) >= 2:
        for _ in range(draw(st.integers(0, 2))):  # ended ones, some not to be proposed again
            start = draw(st.dates(dt.date(2018, 1, 1), dt.date(2024, 12, 31)))
            members = tuple(draw(st.permutations(idents))[:2])
            # a current pair cannot be marked "not again"
            again = draw(st.booleans()) or frozenset(members) in {frozenset(p) for p in pairs}
            history.append(PairRecord(
                members=members, started=start,
                ended=start + dt.timedelta(days=draw(st.integers(0, 400))),
                propose_again=again, reason=None if again else draw(free_text),
            ))
    return Office(
        enhet=draw(st.from_regex(r"[0-9]{4}", fullmatch=True)),
        name=draw(free_text),
        veiledere=tuple(staff),
        brukere=tuple(draw(brukere(i, idents)) for i in ids),
        learning_relations=tuple(relations),
        pairs=pairs,
        pair_history=tuple(history),
    )
