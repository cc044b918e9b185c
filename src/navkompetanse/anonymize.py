"""An office with every person re-keyed by a keyed hash and every name removed.

``anonymize(office, salt)`` gives an office that can be shared with an analyst or attached to a
bug report: the same structure (who follows whom, pairs, learning relations, pair history,
profiles, positions, needs), so a plan of it is the plan of the original up to the renaming,
but no ident, bruker id or name of the original appears in it.

What is changed, and why:

- **veileder idents** become ``HMAC-SHA256(salt, "ident:" + ident)`` read as one capital letter
  and six digits (the ident pattern, so the office stays valid);
- **bruker ids** become ``p-`` and 16 base32 letters of ``HMAC-SHA256(salt, "id:" + id)``;
- **names** of veiledere are dropped; the office's **name** becomes ``Kontor <enhet>`` and its
  **enhet** a keyed 4-digit number: the office number and name say which office it is, and in a
  small office that plus a stillingsprosent can point at one person;
- **avdeling** names become ``Avdeling A``, ``B``, … (ordered by their keyed hash, not their
  name): who shares an avdeling is kept (``same_avdeling`` pairing and the fairness audit by
  avdeling work as before), but a name such as "Ungdom" or "Flyktningteamet" describes the
  few people in it;
- a **pair's reason** (free text, which may name people) becomes a fixed text;
- the **order** is kept, in two senses: records stay where they were, and the pseudonyms
  sort as the originals do (the set of pseudonyms is drawn by HMAC, and the smallest goes to
  the smallest original ident, and so on). The solvers break ties between equally good plans
  by order (``allocate_portfolios`` solves on the office sorted by ident and id), so this is
  what makes the plan of the anonymised office the plan of the original up to the renaming.
  Measured on 8 offices: with pseudonyms sorting otherwise, most got the same objective to
  1e-14 but placed up to 6 brukere differently between tied units. What the order tells: each
  ident's and id's rank among the office's own, and each record's place in the file (if the
  file is sorted by name, that rank); shuffle the records before sharing when that matters.

Dates (assessments, pair history), levels, preferences, malgrupper and every number are kept:
the plan depends on them. A keyed hash is a pseudonym, not anonymity in the GDPR sense: whoever
holds the salt can recompute the key (see :func:`anonymization_key`), and idents are few enough
(26 million) that an unkeyed hash could be reversed by trying them all. Keep the salt secret
and out of the shared file; use a long random one (``secrets.token_hex(16)``).

Collisions: two idents can draw the same 7-character pseudonym (26 million values). They are
resolved deterministically: originals are taken in order of their full 256-bit HMAC, and a
pseudonym already drawn (or one that would read as a fødselsnummer) is replaced by the HMAC
of ``"<original>#<k>"`` for k = 1, 2, … . Because pseudonyms are handed out by rank, the
pseudonym of one ident depends on the office's other idents: the same office and salt always
give the same result, but the same person in two offices gets unrelated pseudonyms.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

from .exceptions import InvalidInputError, Problem
from .models import Office
from .privacy import contains_fodselsnummer

__all__ = ["MIN_SALT_LENGTH", "anonymization_key", "anonymize"]

#: The shortest salt accepted (in bytes, UTF-8).
MIN_SALT_LENGTH = 16
#: The reason written for a pair that is not to be proposed again (the original may name people).
REASON_TEXT = "begrunnelse fjernet ved anonymisering"


def _salt_bytes(salt: str | bytes) -> bytes:
    raw = salt.encode("utf-8") if isinstance(salt, str) else salt
    if not isinstance(raw, bytes) or len(raw) < MIN_SALT_LENGTH:
        raise InvalidInputError([Problem(
            "salt", "salt", f"a salt of at least {MIN_SALT_LENGTH} bytes is needed", None,
            "use a long random secret, like secrets.token_hex(16), and keep it out of the "
            "shared file",
        )], source="anonymize")
    return raw


def _digest(key: bytes, kind: str, original: str, k: int) -> bytes:
    message = f"{kind}:{original}" + (f"#{k}" if k else "")
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _as_ident(digest: bytes) -> str:
    n = int.from_bytes(digest, "big")
    return f"{chr(ord('A') + n % 26)}{(n // 26) % 1_000_000:06d}"


def _as_id(digest: bytes) -> str:
    return "p-" + base64.b32encode(digest[:10]).decode("ascii").lower()


def _rekey(key: bytes, kind: str, originals: Iterable[str], shape) -> dict[str, str]:
    """Originals to pseudonyms: the pseudonyms are drawn by HMAC (collisions resolved in the
    order of the full HMAC) and handed out in the sort order of the originals."""
    unique = set(originals)
    by_hash = sorted(unique, key=lambda o: _digest(key, kind, o, 0))
    taken: set[str] = set()
    for original in by_hash:
        k = 0
        while True:
            candidate = shape(_digest(key, kind, original, k))
            if candidate not in taken and not contains_fodselsnummer(candidate):
                break
            k += 1
        taken.add(candidate)
    return dict(zip(sorted(unique), sorted(taken), strict=True))


def anonymization_key(office: Office, salt: str | bytes) -> dict[str, dict[str, str]]:
    """The renaming :func:`anonymize` applies: ``{"idents": {...}, "ids": {...},
    "avdelinger": {...}, "enhet": {...}}``, each from original to pseudonym.

    For whoever holds the salt, to read a plan of the anonymised office in the original names.
    Never share it with the anonymised office: it undoes the anonymisation.
    """
    key = _salt_bytes(salt)
    idents = _rekey(key, "ident", (v.ident for v in office.veiledere), _as_ident)
    ids = _rekey(key, "id", (b.id for b in office.brukere), _as_id)
    names = sorted({v.avdeling for v in office.veiledere if v.avdeling is not None},
                   key=lambda a: _digest(key, "avdeling", a, 0))
    avdelinger = {a: f"Avdeling {_letters(i)}" for i, a in enumerate(names)}
    enhet = int.from_bytes(_digest(key, "enhet", office.enhet, 0), "big") % 10_000
    return {"idents": idents, "ids": ids, "avdelinger": avdelinger,
            "enhet": {office.enhet: f"{enhet:04d}"}}


def _letters(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, ..."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(ord("A") + r) + out
    return out


def anonymize(office: Office, salt: str | bytes) -> Office:
    """The office with every ident and bruker id re-keyed by HMAC-SHA256 and names removed.

    Parameters
    ----------
    office
        A validated office.
    salt
        A secret of at least :data:`MIN_SALT_LENGTH` bytes. The same office and salt give the
        same result; another salt gives unrelated pseudonyms.

    Returns
    -------
    Office
        Valid, with the same structure; see the module docstring for what is changed.

    Raises
    ------
    InvalidInputError
        When the salt is shorter than :data:`MIN_SALT_LENGTH` bytes.

    Examples
    --------
    >>> from navkompetanse import synthetic_office
    >>> import warnings; warnings.simplefilter("ignore")
    >>> office = synthetic_office(4, 12, seed=1)
    >>> shared = anonymize(office, salt="a long secret salt, kept apart")
    >>> shared.n_veiledere, shared.n_brukere
    (4, 12)
    >>> set(office.idents) & set(shared.idents)
    set()
    """
    key = anonymization_key(office, salt)
    idents, ids, avdelinger = key["idents"], key["ids"], key["avdelinger"]
    enhet = key["enhet"][office.enhet]

    def ident(value: str | None) -> str | None:
        return None if value is None else idents[value]

    veiledere = [
        v.model_copy(update={"ident": idents[v.ident], "name": None,
                             "avdeling": avdelinger.get(v.avdeling) if v.avdeling else None})
        for v in office.veiledere
    ]
    brukere = [b.model_copy(update={"id": ids[b.id], "veileder": ident(b.veileder)})
               for b in office.brukere]
    relations = [r.model_copy(update={"mentor": idents[r.mentor], "learner": idents[r.learner]})
                 for r in office.learning_relations]
    pairs = [(idents[a], idents[b]) for a, b in office.pairs]
    history = [
        r.model_copy(update={"members": tuple(idents[m] for m in r.members),
                             "reason": REASON_TEXT if r.reason is not None else None})
        for r in office.pair_history
    ]
    return Office(
        enhet=enhet, name=f"Kontor {enhet}", veiledere=tuple(veiledere),
        brukere=tuple(brukere), learning_relations=tuple(relations), pairs=tuple(pairs),
        pair_history=tuple(history),
    )
