"""Reading and writing offices: a JSON file, a folder of CSV files, or an Excel workbook.

This is the boundary where input is validated, once. Every record is validated on its own, so
one bad bruker does not hide the others, and then the cross-references are checked; every fault
is reported at once in one :class:`~navkompetanse.exceptions.InvalidInputError` whose
``problems`` name the file, the place (a JSON path such as ``brukere[12].veileder`` or a
spreadsheet row such as ``brukere.csv:row 14``), the field, the bad value and a fix.

A national identity number (fødselsnummer, D-nummer, H-nummer) anywhere in the input makes the
error a :class:`~navkompetanse.exceptions.PersonalDataError`, and its digits are masked in the
report, so the report itself can be shared. Nothing here logs.

The formats are described in ``docs/office-format.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import errno
import json
import json.decoder
import json.scanner
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..exceptions import InputEncodingWarning, InvalidInputError, PersonalDataError, Problem
from ..models import (
    DIMENSIONS,
    PERSONAL_DATA_ERROR,
    Bruker,
    Hovedmal,
    Innsatsgruppe,
    LearningRelation,
    Malgruppe,
    Office,
    PairRecord,
    Veileder,
    office_problems,
)
from ..privacy import (
    holds_fodselsnummer,
    mask_fodselsnummer,
    mask_text,
)

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_NESTING",
    "load_office",
    "office_from_dict",
    "office_json_schema",
    "office_to_dict",
    "save_office",
]

_DIMS: tuple[str, ...] = tuple(d.value for d in DIMENSIONS)
_NEED_COLUMNS: tuple[str, ...] = tuple(f"need_{d}" for d in _DIMS)
_PREF_COLUMNS: tuple[str, ...] = tuple(f"pref_{d}" for d in _DIMS)
_COLLECTIONS: tuple[str, ...] = ("veiledere", "brukere", "learning_relations", "pairs",
                                 "pair_history")
_RECORD_MODELS: Mapping[str, type[BaseModel]] = {
    "veiledere": Veileder,
    "brukere": Bruker,
    "learning_relations": LearningRelation,
    "pair_history": PairRecord,
}
_PAIR = TypeAdapter(tuple[str, str])
#: A model-level error (pydantic loc ``()``) is about this field of the record.
_MODEL_ERROR_FIELD: Mapping[str, str] = {"veiledere": "profile", "learning_relations": "learner"}
#: ... and this is its fix (the field's own hint would be about its format).
_MODEL_ERROR_HINT: Mapping[str, str] = {
    "veiledere": "add 'profile' with the four levels, or dated 'assessments'",
    "learning_relations": "a veileder cannot be her own mentor: name two different veiledere",
}

Path_ = tuple[str | int, ...]  # a JSON path as a tuple: ("brukere", 12, "veileder")

#: The largest input file read, in bytes (200 MiB): a JSON file, each CSV file of a folder,
#: an .xlsx workbook and the unpacked contents of a workbook. A real office of 10,000 brukere
#: is about 5 MB as JSON; anything far larger is a wrong file or an attack, refused before it
#: is read into memory.
MAX_INPUT_BYTES = 200 * 1024 * 1024
#: The deepest nesting of lists and objects accepted. An office nests six deep at most
#: (``veiledere[0].assessments[0].profile.other.arbeidsmarked``); deeper input is refused
#: with its place before any recursive step (decoding, the privacy scan, validation) meets it.
MAX_NESTING = 32


# --------------------------------------------------------------------------------------------
# Collecting problems
# --------------------------------------------------------------------------------------------

def _has_fodselsnummer(value: Any) -> bool:
    return holds_fodselsnummer(value)


class _LongNumber:
    """A JSON integer too long for Python to read (over 4,300 digits): kept as a marker, so
    validation reports it at its place like any other wrong value."""

    __slots__ = ("n_digits",)

    def __init__(self, n_digits: int) -> None:
        self.n_digits = n_digits

    def __repr__(self) -> str:
        return f"<a whole number of {self.n_digits:,} digits>"


def _parse_int(text: str) -> int | _LongNumber:
    return int(text) if len(text) <= 4000 else _LongNumber(len(text))


@dataclass
class _Report:
    """Problems found so far; ``personal`` when any of them is a national identity number."""

    problems: list[Problem] = field(default_factory=list)
    personal: bool = False
    #: JSON paths already reported by field validation (so the privacy scan does not repeat).
    paths: set[Path_] = field(default_factory=set)
    #: (table label, column) of columns or files reported missing once, not again on each row.
    missing_columns: set[tuple[str, str]] = field(default_factory=set)
    #: Files that are there but could not be read as text: reported once, never as "missing".
    unreadable: set[str] = field(default_factory=set)
    #: Files read in an encoding other than UTF-8: (file, encoding), warned about by the loader.
    encodings: list[tuple[str, str]] = field(default_factory=list)

    def add(
        self, location: str, field_: str, message: str, value: Any = None, hint: str = "",
        source: str = "", *, personal: bool = False,
    ) -> None:
        # Problem masks the number itself; here it only makes the error a PersonalDataError.
        self.personal |= personal or _has_fodselsnummer(value)
        if isinstance(value, _LongNumber):
            value = repr(value)
        self.problems.append(Problem(location, field_, message, value, hint, source))

    def raise_if_any(self, source: str) -> None:
        if self.problems:
            error = PersonalDataError if self.personal else InvalidInputError
            raise error(sorted(self.problems, key=_reading_order), source=source)


_ORDER = ("office", "enhet", "name", "veiledere", "assessments", "brukere", "learning_relations",
          "pairs", "pair_history")


def _reading_order(p: Problem) -> tuple:
    """Problems in the order a user reads the input: file by file, top to bottom."""
    head = re.match(r"[a-z_]+", p.source.lower() if p.source.endswith(".csv") else p.location)
    rank = _ORDER.index(head[0]) if head and head[0] in _ORDER else -1
    numbers = tuple(int(n[:18]) for n in re.findall(r"\d+", p.location.removeprefix(p.source)))
    return (rank, numbers)


_PERSONAL_MESSAGE = (
    "contains a national identity number (fødselsnummer or D-nummer); personal data must not "
    "be in an office file"
)
_PERSONAL_HINT = (
    "use a pseudonymous id such as b-0001 and keep the key that links it to the person "
    "elsewhere, in NAV's own systems"
)


@dataclass(frozen=True)
class _Place:
    source: str
    location: str
    field: str


#: Turns a JSON path into the place a user can find it (a JSON path or a spreadsheet row).
Locator = Callable[[Path_], _Place]


def _key(part: Any) -> str:
    """A key as it can be shown: text as it is, anything else (a dict handed to
    office_from_dict may have any keys) by a short name, never by a repr that may fail."""
    if isinstance(part, str):
        return _short(part, 80)
    if isinstance(part, int | float) and (not isinstance(part, int) or part.bit_length() < 64):
        return str(part)
    return f"<{type(part).__name__}>"


def _json_path(path: Path_) -> str:
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool) and part.bit_length() < 64:
            text += f"[{part}]"
        else:
            text += f".{_key(part)}" if text else _key(part)
    return text


def _json_locator(source: str) -> Locator:
    def locate(path: Path_) -> _Place:
        if path and path[0] in _COLLECTIONS:
            if path[0] == "pairs":
                return _Place(source, _json_path(path), "pairs")
            inner = path[2:]
        else:
            inner = path
        field_ = ".".join(_key(p) for p in inner if not isinstance(p, int))
        return _Place(source, _json_path(path) or "(top level)", field_)

    return locate


# --------------------------------------------------------------------------------------------
# Validation: plain data -> Office, every problem at once
# --------------------------------------------------------------------------------------------

def _choices(values: Any) -> str:
    return ", ".join(str(v.value if hasattr(v, "value") else v) for v in values)


def _hint(path: Path_, error_type: str) -> str:
    """A fix for a field error, from the field's name and where it sits."""
    names = [p for p in path if isinstance(p, str)]
    name = names[-1] if names else ""
    parent = names[-2] if len(names) > 1 else ""
    if path and path[0] == "pairs":
        return 'a pair is two veileder idents, like ["Z123456", "Z654321"]'
    if error_type == "missing":
        return f"add '{name}'"
    if parent == "preferences" or name == "preferences":
        return _PREFERENCE_HINT
    if name == "other":  # the names of further competences (their levels come next)
        return "name further competences in lower-case ascii, like arbeidsmarked"
    if parent in ("profile", "needs", "other") or (name in _DIMS and path[0] != "brukere"):
        return "a level is a whole number from 1 (new to it) to 5 (expert who can teach others)"
    if error_type == "string_unicode":
        return ("remove the character that is not valid Unicode (half of a surrogate pair, "
                "written like \\ud800 in JSON) from this record's keys and text")
    if name in ("ident", "veileder", "mentor", "learner") or path[:1] == ("pairs",):
        return "write the NAV ident: one capital letter and six digits, like Z123456"
    return {
        "enhet": "write the office's 4-digit enhet number as text, keeping leading zeros: "
                 '"0315"',
        "id": "use a pseudonymous id such as b-0001",
        "name": "write the name as text",
        "avdeling": "write the avdeling's name as text, or leave it out",
        "innsatsgruppe": f"one of {_choices(Innsatsgruppe)}, or empty (null) when there is no "
                         "§14a decision yet",
        "hovedmal": f"one of {_choices(Hovedmal)}, or empty (null)",
        "malgrupper": f"a list of {_choices(Malgruppe)}, each once",
        "spesialfelt": f"a list of {_choices(Malgruppe)}, each once",
        "ansettelse": "statlig or kommunal",
        "stillingsprosent": "a number above 0 and at most 100, like 80",
        "max_tunge_saker": "a whole number, 0 or more, or empty for no limit",
        "digital": "true or false (ja/nei and 1/0 work too)",
        "tung_sak": "true or false (ja/nei and 1/0 work too)",
        "pairable": "true or false (ja/nei and 1/0 work too)",
        "date": "a date written YYYY-MM-DD, like 2024-03-01",
        "started": "a date written YYYY-MM-DD, like 2024-03-01, or empty",
        "ended": "a date written YYYY-MM-DD (on or after started), or empty while the pair "
                 "goes on",
        "confirmed": "true or false (ja/nei and 1/0 work too)",
        "propose_again": "true or false (ja/nei and 1/0 work too)",
        "reason": "a short reason in words, without personal data (at most 300 characters)",
        "members": "two veileder idents, like Z123456 and Z654321",
        "continuity": "a number from 0 (she hardly cares who follows her up) to 10; 1 is the "
                      "usual weight, or leave it empty to use the policy's",
        "source": "self, leader or peer",
        "dimension": f"one of {_choices(_DIMS)}, or empty (null) for general mentoring",
    }.get(name, "")


_PREFERENCE_HINT = (
    "energi (the work gives energy), noytral or tapper (it drains), for relasjonell, struktur, "
    "forvaltning or digital"
)


def _known_keys(path: Path_) -> list[str]:
    """The keys allowed where an unknown key ``path[-1]`` was found."""
    model: type[BaseModel] | None = Office
    for part in path[:-1]:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        if model is Office and part in _RECORD_MODELS:
            model = _RECORD_MODELS[part]
            continue
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        model = next(
            (a for a in getattr(annotation, "__args__", (annotation,))
             if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
    return list(model.model_fields) if model is not None else []


def _field_problems(
    report: _Report, locate: Locator, record_path: Path_, error: ValidationError,
) -> None:
    """One problem per pydantic error of the record at ``record_path``."""
    collection = str(record_path[0]) if record_path else ""
    for err in error.errors():
        if err["type"] == PERSONAL_DATA_ERROR:  # a key holds a fødselsnummer: say which one
            _personal_keys(report, locate, record_path + tuple(err["loc"]), err.get("input"))
            continue
        loc = tuple(err["loc"])
        if loc and loc[-1] == "[key]":  # a bad key of a mapping: point at the key itself
            loc = loc[:-1]
        kind = err["type"]
        value = err.get("input")
        model_error = not loc and kind == "value_error" and collection in _MODEL_ERROR_FIELD
        if model_error:
            loc = (_MODEL_ERROR_FIELD[collection],)
            value = None
        path = record_path + loc
        place = locate(path)
        report.paths.add(path)
        message = err["msg"].removeprefix("Value error, ")
        hint = _MODEL_ERROR_HINT[collection] if model_error else _hint(path, kind)
        if kind == "missing":
            if (place.location.split(":")[0], place.field) in report.missing_columns:
                continue  # the whole column or file is missing, and reported so once
            message, value = "required, but missing", None
            if hint.startswith("add '"):
                hint = f"add '{place.field}'"
        elif kind == "extra_forbidden":
            known = _known_keys(path)
            close = difflib.get_close_matches(_key(path[-1]), known, n=1)
            message = f"unknown key {_short(_key(path[-1]))!r}"
            hint = (f"did you mean {close[0]!r}? " if close else "") + (
                f"remove it; the known keys here are {', '.join(known)}" if known else "remove it"
            )
        elif isinstance(value, Mapping):
            value = None  # the whole record: too much to echo
        if _has_fodselsnummer(value):
            message, hint = _PERSONAL_MESSAGE, _PERSONAL_HINT
        report.add(place.location, place.field, message, value, hint, place.source)


def _short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, masked first (a cut must not split a
    fødselsnummer into a part the mask no longer recognises)."""
    text = mask_fodselsnummer(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _personal_keys(report: _Report, locate: Locator, path: Path_, record: Any) -> None:
    """The keys of ``record`` (and of its mapping fields) that hold a fødselsnummer, each
    reported at its place; the place and the key are masked by :class:`Problem`."""
    found: list[Path_] = []
    if isinstance(record, Mapping):
        for key, value in record.items():
            if holds_fodselsnummer(key):
                found.append((*path, _key(key)))
            elif isinstance(value, Mapping):
                found.extend((*path, _key(key), _key(k)) for k in value if holds_fodselsnummer(k))
    for where in found or [path]:
        place = locate(where)
        report.paths.add(where)
        report.add(place.location, place.field, _PERSONAL_MESSAGE, None,
                   "remove the key, or rename it without the number", place.source,
                   personal=True)


def _leaves(obj: Any, path: Path_) -> Iterator[tuple[Path_, Any]]:
    """Every string and number in ``obj`` that may hold a fødselsnummer, with its path
    (nesting is checked before). Keys stay as they are: a place is masked when shown."""
    kind = type(obj)
    if kind is str or kind is float or kind is int:
        yield path, obj
    elif kind is dict or isinstance(obj, Mapping):
        for k, v in obj.items():
            yield from _leaves(v, (*path, k if type(k) is str else _key(k)))
    elif kind is list or isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            yield from _leaves(v, (*path, i))
    elif isinstance(obj, str | int | float) and not isinstance(obj, bool):
        yield path, obj


def _encodable(text: str) -> bool:
    """False for text holding half of a surrogate pair (JSON's ``"\\ud800"``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _too_deep(data: Any, limit: int) -> Path_ | None:
    """The path of the first place nested deeper than ``limit``, or None (iterative; the
    path is only built for input that is too deep)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        obj, depth = stack.pop()
        kind = type(obj)
        if kind is dict or (kind is not list and isinstance(obj, Mapping)):
            values = obj.values()
        elif kind is list or isinstance(obj, list | tuple):
            values = obj
        else:
            continue
        if depth >= limit:
            return _path_deeper_than(data, limit)
        stack.extend((v, depth + 1) for v in values)
    return None


def _path_deeper_than(data: Any, limit: int) -> Path_:
    stack: list[tuple[Any, Path_]] = [(data, ())]
    while stack:
        obj, path = stack.pop()
        if isinstance(obj, Mapping | list | tuple):
            if len(path) >= limit:
                return path
            items = obj.items() if isinstance(obj, Mapping) else enumerate(obj)
            stack.extend((v, (*path, k if isinstance(k, int) else _key(k))) for k, v in items)
    return ()  # pragma: no cover - called only when there is such a place


def _cross_view(data: Mapping[str, Any], valid: dict[str, dict[int, Any]]) -> dict[str, list]:
    """The office as :func:`office_problems` reads it: valid records as models, the others as
    dicts of their string-valued keys, so the cross-check can run despite field errors."""
    def raw(item: Any) -> dict[str, Any]:
        if not isinstance(item, Mapping):
            return {}
        view = {k: v for k, v in item.items() if isinstance(v, str)}
        try:
            view["pairable"] = TypeAdapter(bool).validate_python(item.get("pairable", True))
        except ValidationError:
            view["pairable"] = True
        return view

    view: dict[str, list] = {}
    for name in _COLLECTIONS:
        items = data.get(name)
        if not isinstance(items, list | tuple):
            view[name] = []
        elif name == "pairs":
            view[name] = [valid[name].get(i, ()) for i in range(len(items))]
        else:
            view[name] = [valid[name].get(i) or raw(item) for i, item in enumerate(items)]
    return view


_RECORD_REF = re.compile(
    r"\b(veiledere|brukere|learning_relations|pairs|pair_history)\[(\d+)\]")


def _cross_problems(
    report: _Report, locate: Locator, data: Mapping[str, Any], valid: dict[str, dict[int, Any]],
) -> None:
    """The cross-reference faults of :func:`office_problems`, placed where the user finds them."""
    for p in office_problems(_cross_view(data, valid)):
        if p.value is None:  # a missing or non-text key, already reported as a field error
            continue
        m = _RECORD_REF.fullmatch(p.location)
        if m is None:  # pragma: no cover - office_problems always gives a record path
            report.add(p.location, p.field, p.message, p.value, p.hint, locate(()).source)
            continue
        record: Path_ = (m[1], int(m[2]))
        if m[1] == "pairs":
            if record[1] not in valid["pairs"]:
                continue  # a malformed pair, already reported as a field error
            pair = valid["pairs"][record[1]]
            path = record + ((pair.index(p.value),) if p.value in pair else ())
        else:
            path = record + (p.field,)
        place = locate(path)
        message = _RECORD_REF.sub(lambda r: locate((r[1], int(r[2]))).location, p.message)
        hint = p.hint
        if ":row " in place.location:  # a spreadsheet: say it in its words
            hint = hint.replace("'veiledere'", "veiledere").replace("null", "empty")
        report.add(place.location, place.field, message, p.value, hint, place.source)


def _validate_shallow(data: Any, locate: Locator, report: _Report, source: str
                      ) -> Office | None:
    """:func:`_validate`, after refusing input nested deeper than :data:`MAX_NESTING`."""
    deep = _too_deep(data, MAX_NESTING)
    if deep is not None:  # lists in lists hundreds deep: no office is like that
        place = locate(deep[:3]) if deep[:1] and deep[0] in _COLLECTIONS else locate(deep[:1])
        report.add(place.location, place.field,
                   f"nested too deeply to be an office (more than {MAX_NESTING} levels)", None,
                   "an office has objects and lists a few levels deep; check what wrote it",
                   place.source)
        return None
    try:
        return _validate(data, locate, report)
    except RecursionError:  # pragma: no cover - the nesting is checked above
        report.add("office", "", "nested too deeply to be an office", None,
                   "an office has objects and lists a few levels deep; check what wrote it",
                   source)
        return None


def _validate(data: Any, locate: Locator, report: _Report) -> Office | None:
    """Validate plain office data record by record; the Office, or None after problems."""
    if not isinstance(data, Mapping):
        place = locate(())
        report.add(
            place.location, "", "an office is an object with enhet, name, veiledere, brukere, "
            "learning_relations and pairs", type(data).__name__,
            "see docs/office-format.md for an example", place.source,
        )
        return None
    top = {k: v for k, v in data.items() if k not in _COLLECTIONS}
    shell: Office | None = None
    try:
        shell = Office.model_validate(top)
    except ValidationError as e:
        _field_problems(report, locate, (), e)

    valid: dict[str, dict[int, Any]] = {name: {} for name in _COLLECTIONS}
    for name in _COLLECTIONS:
        items = data.get(name, [])
        if not isinstance(items, list | tuple):
            place = locate((name,))
            report.add(place.location, name, "must be a list", type(items).__name__,
                       f"write it as [ ... ], or [] when there are no {name}", place.source)
            continue
        for i, item in enumerate(items):
            try:
                if name == "pairs":
                    valid[name][i] = _PAIR.validate_python(item)
                else:
                    valid[name][i] = _RECORD_MODELS[name].model_validate(item)
            except ValidationError as e:
                _field_problems(report, locate, (name, i), e)

    # Personal data anywhere else (a name, an unknown key's value, a number ...) is refused
    # too. A key holding one was reported by the models' own check (type personal_data).
    for path, value in _leaves(data, ()):
        if path in report.paths:
            continue
        if holds_fodselsnummer(value):
            place = locate(path)
            report.add(place.location, place.field, _PERSONAL_MESSAGE, value, _PERSONAL_HINT,
                       place.source, personal=True)
        elif type(value) is str and not value.isascii() and not _encodable(value):
            place = locate(path)  # it would be refused by every file it is saved to
            report.add(place.location, place.field, "the text holds a character that is not "
                       "valid Unicode", value, _hint(path, "string_unicode"), place.source)

    _cross_problems(report, locate, data, valid)
    if report.problems or shell is None:
        return None
    try:
        return Office(
            enhet=shell.enhet,
            name=shell.name,
            **{name: tuple(valid[name][i] for i in range(len(data.get(name, []))))
               for name in _COLLECTIONS},
        )
    except ValidationError as e:  # pragma: no cover - every rule is checked above
        _field_problems(report, locate, (), e)
        return None


def office_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Office:
    """Validate an office given as plain data (the JSON format, parsed).

    Parameters
    ----------
    data
        A mapping with ``enhet``, ``name``, ``veiledere``, ``brukere``,
        ``learning_relations`` and ``pairs``, exactly as in the JSON format.
    source
        What to call the input in problem reports.

    Returns
    -------
    Office

    Raises
    ------
    InvalidInputError
        With every problem found, each with its JSON path, field, value and a fix.
    PersonalDataError
        When any problem is a national identity number.

    Examples
    --------
    >>> office = office_from_dict({"enhet": "0315", "name": "NAV Eksempel"})
    >>> office.enhet, office.n_veiledere
    ('0315', 0)
    """
    report = _Report()
    office = _validate_shallow(data, _json_locator(source), report, source)
    report.raise_if_any(source)
    assert office is not None
    return office


def office_to_dict(office: Office) -> dict[str, Any]:
    """The office as plain JSON-ready data, keys in model order, every field written out.

    ``stillingsprosent`` is written as a whole number when it is one (``100``, not ``100.0``).

    Examples
    --------
    >>> office_to_dict(office_from_dict({"enhet": "0315", "name": "NAV Eksempel"}))["pairs"]
    []
    """
    data = office.model_dump(mode="json")
    for v in data["veiledere"]:
        if float(v["stillingsprosent"]).is_integer():
            v["stillingsprosent"] = int(v["stillingsprosent"])
    return data


def office_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the office file format, without an ``$id``.

    Examples
    --------
    >>> sorted(office_json_schema()["required"])
    ['enhet', 'name']
    """
    schema = Office.model_json_schema()
    schema.pop("$id", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "navkompetanse office",
        "description": (
            "A NAV office: its veiledere, the brukere they follow up (under pseudonymous ids, "
            "never a fødselsnummer), learning relations and current pairs. "
            "See docs/office-format.md."
        ),
    }


# --------------------------------------------------------------------------------------------
# JSON files
# --------------------------------------------------------------------------------------------

#: Undecodable in Windows-1252 (and NUL): bytes that no Norwegian spreadsheet writes as text.
_NOT_CP1252 = re.compile(rb"[\x00\x81\x8d\x8f\x90\x9d]")


def _decode(raw: bytes, name: str, report: _Report, *, kind: str = "csv") -> str | None:
    """The text of a file: UTF-8 (with or without BOM) or, for CSV, Windows-1252.

    Norwegian spreadsheet programs save plain "CSV" as Windows-1252 (cp1252): a CSV file that
    is not UTF-8 but is valid cp1252 is read as cp1252 and noted in ``report.encodings`` (the
    loader warns with :class:`InputEncodingWarning`). A file that is neither is one problem,
    and the file is marked unreadable so it is not also reported missing. JSON is UTF-8 by
    definition (RFC 8259): there is no fallback.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM ("Unicode text")
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    report.unreadable.add(name)
    if kind == "json":
        report.add(
            f"line {line}", "", "the file is not UTF-8 text (JSON files must be UTF-8)", None,
            "save it as UTF-8 in your editor; æ, ø and å are then kept", name,
        )
        return None
    bad = _NOT_CP1252.search(raw)
    if bad is None:
        report.unreadable.discard(name)
        report.encodings.append((name, "cp1252"))
        return raw.decode("cp1252")
    line = raw[: bad.start()].count(b"\n") + 1
    report.add(
        f"line {line}", "", "the file is neither UTF-8 nor Windows-1252 text", None,
        "open it in a spreadsheet program and save it as 'CSV UTF-8'; æ, ø and å are then "
        "kept", name,
    )
    return None


def _warn_encodings(report: _Report, folder: str) -> None:
    """One :class:`InputEncodingWarning` per file read as Windows-1252 (the caller's line)."""
    for name, _ in report.encodings:
        warnings.warn(
            f"{folder}/{name} is not UTF-8; it was read as Windows-1252 (cp1252), the encoding "
            "Norwegian Excel uses for plain 'CSV'. Check that æ, ø and å look right, and save "
            "it as 'CSV UTF-8' to avoid this warning.",
            InputEncodingWarning, stacklevel=3,
        )


def _read_bytes(path: Path, report: _Report, label: str, source: str) -> bytes | None:
    """The bytes of one input file, or None after one problem: not a regular file (a folder
    named like a table, a device), larger than :data:`MAX_INPUT_BYTES`, or unreadable."""
    try:
        info = path.stat()
        if not path.is_file():
            report.add(label, "", "is a folder or a special file, not a file", None,
                       "put the table in a file of that name, or move the folder away", source)
        elif info.st_size > MAX_INPUT_BYTES:
            report.add(label, "", f"the file is {info.st_size:,} bytes; the limit is "
                       f"{MAX_INPUT_BYTES:,} (navkompetanse.io.MAX_INPUT_BYTES)", None,
                       "check that this is the office file; an office of 10,000 brukere is "
                       "about 5 MB", source)
        else:
            return path.read_bytes()
    except OSError as e:  # permission denied, a name too long, a broken link ...
        report.add(label, "", f"cannot be read: {e.strerror or type(e).__name__}", None,
                   "check the name and that you may read the file", source)
    report.unreadable.add(label)
    return None


def _read_json(path: Path, report: _Report) -> Any:
    raw = _read_bytes(path, report, "(file)", path.name)
    text = None if raw is None else _decode(raw, path.name, report, kind="json")
    if text is None:
        return None
    twice: list[tuple[dict, str, Any]] = []  # (object, key, the value json drops)
    try:
        data = json.loads(text, object_pairs_hook=_keys_twice_into(twice),
                          parse_int=_parse_int)
    except json.JSONDecodeError as e:
        report.add(
            f"line {e.lineno}, column {e.colno}", "", f"not valid JSON: {e.msg}", None,
            "look for a missing comma, quote or bracket at or just before this place",
            path.name,
        )
        return None
    except RecursionError:  # nested deeper than Python's parser goes: no office is like that
        line = _line_too_deep(text)
        report.add(
            f"line {line}" if line else "(JSON)", "", "nested too deeply to be an office file "
            f"(more than {MAX_NESTING} levels)", None,
            "an office file has objects and lists a few levels deep; check what wrote it",
            path.name,
        )
        return None
    if twice:
        _duplicate_keys(text, data, twice, report, path.name)
    return data


def _keys_twice_into(twice: list[tuple[dict, str, Any]]) -> Any:
    """A json ``object_pairs_hook`` that builds each object as json does (the last value of a
    key wins) and records ``(object, key, the value dropped)`` for every key given twice."""
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for key, value in pairs:
            if key in obj:
                twice.append((obj, key, obj[key]))
            obj[key] = value
        return obj
    return hook


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:]')


def _line_too_deep(text: str) -> int | None:
    """The line where the nesting of ``text`` first goes deeper than :data:`MAX_NESTING`."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in "{[":
            depth += 1
            if depth > MAX_NESTING:
                return text.count("\n", 0, m.start()) + 1
        elif token in "}]":
            depth -= 1
    return None


def _duplicate_keys(text: str, data: Any, fast: list[tuple[dict, str, Any]], report: _Report,
                    source: str) -> None:
    """One problem per key given twice in one object, naming the object's path, the key and
    the lines of both. Rare, so the file is parsed again by json's pure-Python scanner, which
    tells where each object starts and ends."""
    twice: list[tuple[dict, str, Any]] = []
    spans: dict[int, tuple[int, int]] = {}
    hook = _keys_twice_into(twice)

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[dict, int]:
        obj, end = json.decoder.JSONObject(s_and_end, *args)
        spans[id(obj)] = (s_and_end[1] - 1, end)
        return obj, end

    located = data
    if _too_deep(data, MAX_NESTING) is None:  # the pure-Python scanner recurses in Python
        decoder = json.JSONDecoder(object_pairs_hook=hook, parse_int=_parse_int)
        decoder.parse_object = parse_object  # type: ignore[assignment]
        decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
        try:
            located = decoder.decode(text)
        except (ValueError, RecursionError):  # pragma: no cover - the fast parse succeeded
            twice, spans = [], {}
    if not twice:  # could not be located: report without lines
        twice, located = fast, data
    paths = _object_paths(located)
    for obj, key, dropped in twice:
        path = paths.get(id(obj))
        lines = ""
        if id(obj) in spans:
            start, end = spans[id(obj)]
            at = [text.count("\n", 0, pos) + 1 for pos in _key_positions(text, start, end, key)]
            lines = " (lines " + " and ".join(str(n) for n in at[:2]) + ")" if len(at) >= 2 \
                else ""
        where = _json_path((*path, key)) if path is not None else "(JSON)"
        personal = holds_fodselsnummer(dropped)
        report.add(
            where, key, f"key {_short(key)!r} appears twice in one object{lines}"
            + ("; the first value holds a national identity number" if personal else ""), None,
            "keep one of them; only one value can count", source, personal=personal,
        )


def _object_paths(data: Any) -> dict[int, Path_]:
    """The JSON path of every object in ``data``, by identity (iterative)."""
    paths: dict[int, Path_] = {}
    stack: list[tuple[Any, Path_]] = [(data, ())]
    while stack:
        obj, path = stack.pop()
        if isinstance(obj, dict):
            paths[id(obj)] = path
            stack.extend((v, (*path, k)) for k, v in obj.items())
        elif isinstance(obj, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(obj))
    return paths


def _key_positions(text: str, start: int, end: int, key: str) -> list[int]:
    """Where ``key`` is a key of the object ``text[start:end]`` itself (not of one inside)."""
    found, depth, previous = [], 0, None
    for m in _JSON_TOKEN.finditer(text, start, end):
        token = m.group()
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
        elif token == ":" and depth == 1 and previous is not None:
            try:
                if json.loads(previous.group()) == key:
                    found.append(previous.start())
            except ValueError:  # pragma: no cover - the text parsed as JSON
                pass
        previous = m if token.startswith('"') else None
    return found


# --------------------------------------------------------------------------------------------
# Tables: CSV folders and Excel workbooks
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _TableSpec:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    needed: bool = False  # the file must be there
    group: tuple[str, ...] = ()  # columns that come all together or not at all

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


_TABLES: Mapping[str, _TableSpec] = {
    "office": _TableSpec(("enhet", "name"), needed=True),
    "veiledere": _TableSpec(
        ("ident",),
        ("name", "avdeling", "stillingsprosent", "ansettelse", *_DIMS, "other", "spesialfelt",
         "pairable", "max_tunge_saker", *_PREF_COLUMNS),
        needed=True, group=_DIMS,
    ),
    "assessments": _TableSpec(("ident", "date", "source", *_DIMS), ("other",)),
    "brukere": _TableSpec(
        ("id",),
        ("innsatsgruppe", "hovedmal", "malgrupper", "digital", "tung_sak", "veileder",
         *_NEED_COLUMNS, "need_other", "continuity"),
        needed=True, group=_NEED_COLUMNS,
    ),
    "learning_relations": _TableSpec(("mentor", "learner"), ("dimension",)),
    "pairs": _TableSpec(("member_1", "member_2")),
    "pair_history": _TableSpec(("member_1", "member_2"),
                               ("started", "confirmed", "ended", "propose_again", "reason")),
}
_LIST_COLUMNS = frozenset({"malgrupper", "spesialfelt"})
_BOOL_COLUMNS = frozenset({"digital", "tung_sak", "pairable", "confirmed", "propose_again"})
_DECIMAL_COLUMNS = frozenset({"stillingsprosent", "continuity"})
_WORDS_FOR_BOOL = {"ja": "true", "j": "true", "nei": "false", "n": "false"}
_LIST_SEPARATOR = re.compile(r"[;,]")


@dataclass
class _Table:
    """One CSV file or sheet: its cells as text, by spreadsheet row number (header = row 1)."""

    name: str  # "brukere"
    label: str  # "brukere.csv" or the sheet's name
    source: str  # the file the user opens
    rows: list[tuple[int, dict[str, str]]]

    def where(self, row: int) -> str:
        return f"{self.label}:row {row}"


def _table(
    name: str, label: str, source: str, records: list[list[str]], report: _Report,
) -> _Table | None:
    """Check a table's header and collect its non-empty rows as ``{column: text}``."""
    spec = _TABLES[name]
    if not records or not any(c.strip() for c in records[0]):
        report.add(f"{label}:row 1", "", "the header row is missing", None,
                   f"put the column names in row 1: {', '.join(spec.columns)}", source)
        report.unreadable.add(label)  # there, but empty: not "missing", and no consequences
        return None
    header = [c.strip().lower() for c in records[0]]
    for col in dict.fromkeys(c for c in header if c):
        if header.count(col) > 1:
            report.add(f"{label}:row 1", col, "the column appears more than once", col,
                       "keep one of them", source)
        if col not in spec.columns:
            close = difflib.get_close_matches(col, spec.columns, n=1)
            report.add(
                f"{label}:row 1", col, f"unknown column {col!r}", col,
                (f"did you mean {close[0]!r}? " if close else "")
                + f"the columns of {label} are {', '.join(spec.columns)}", source,
            )
    for col in spec.required:
        if col not in header:
            report.missing_columns.add((label, col))
            report.add(f"{label}:row 1", col, f"the required column {col!r} is missing", None,
                       f"add a column named {col} to row 1", source)
    present = [c for c in spec.group if c in header]
    if present and len(present) < len(spec.group):
        missing = [c for c in spec.group if c not in header]
        report.missing_columns.update((label, c) for c in missing)
        report.add(
            f"{label}:row 1", ",".join(missing), f"columns {', '.join(missing)} are missing",
            None, f"give all of {', '.join(spec.group)} or none of them", source,
        )

    rows: list[tuple[int, dict[str, str]]] = []
    for row, record in enumerate(records[1:], start=2):
        cells = [c.strip() for c in record]
        if not any(cells):
            continue  # a blank line in the sheet: nothing to keep
        extra = [c for c in cells[len(header):] if c]
        unnamed = [c for h, c in zip(header, cells, strict=False) if not h and c]
        if extra or unnamed:
            report.add(
                f"{label}:row {row}", "", "cells outside the named columns", extra + unnamed,
                "give the column a name in row 1 or clear these cells", source,
            )
        rows.append((row, {h: c for h, c in zip(header, cells, strict=False)
                           if h and c and h in spec.columns}))
    return _Table(name, label, source, rows)


def _delimiter(text: str) -> str:
    """The delimiter of a CSV text: whichever of , ; or tab its header line uses most."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path, report: _Report) -> _Table | None:
    raw = _read_bytes(path, report, path.name, path.name)
    text = None if raw is None else _decode(raw, path.name, report)
    if text is None:
        return None
    try:
        records = list(csv.reader(StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as e:
        report.add(path.name, "", f"not readable as CSV: {e}", None,
                   "save the sheet again as CSV UTF-8", path.name)
        return None
    return _table(path.stem.lower(), path.name, path.name, records, report)


def _read_csv_folder(folder: Path, report: _Report) -> dict[str, _Table]:
    tables: dict[str, _Table] = {}
    try:
        entries = sorted(folder.iterdir())
    except OSError as e:
        report.add(folder.name, "", f"the folder cannot be read: {e.strerror or 'OS error'}",
                   None, "check that you may read the folder", folder.name)
        report.unreadable.add(folder.name)
        return tables
    for path in entries:
        if path.suffix.lower() != ".csv":
            continue
        if path.stem.lower() not in _TABLES:
            close = difflib.get_close_matches(path.stem.lower(), _TABLES, n=1)
            report.add(
                path.name, "", "unknown file in the office folder", path.name,
                (f"did you mean {close[0]}.csv? " if close else "")
                + "the files are " + ", ".join(f"{t}.csv" for t in _TABLES)
                + "; rename it or move it out of the folder", path.name,
            )
            continue
        table = _read_csv(path, report)
        if table is not None:
            tables[table.name] = table
    return tables


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ModuleNotFoundError as e:
        raise ModuleNotFoundError(
            "reading and writing Excel workbooks needs openpyxl; install it with "
            "pip install 'navkompetanse[excel]'", name="openpyxl",
        ) from e
    return openpyxl


def _not_a_workbook(path: Path, report: _Report, why: str) -> dict[str, _Table]:
    report.add("(file)", "", f"not a readable Excel workbook: {why}", None,
               "open it in Excel and save it again as an .xlsx workbook", path.name)
    report.unreadable.add(path.name)
    return {}


def _unpacked_size(path: Path) -> int | None:
    """The bytes a workbook unpacks to (it is a zip file), or None when it is not a readable
    one (zipfile raises NotImplementedError for a version or method it does not know, which a
    damaged header byte gives)."""
    try:
        with zipfile.ZipFile(path) as z:
            return sum(max(i.file_size, 0) for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None


def _read_xlsx(path: Path, report: _Report) -> dict[str, _Table]:
    openpyxl = _openpyxl()
    if _read_bytes_ok(path, report) is False:
        return {}
    unpacked = _unpacked_size(path)
    if unpacked is None:
        return _not_a_workbook(path, report,
                               "it is not a readable zip file, as every .xlsx file is")
    if unpacked > MAX_INPUT_BYTES:
        return _not_a_workbook(path, report, f"it unpacks to {unpacked:,} bytes; the limit is "
                               f"{MAX_INPUT_BYTES:,} (navkompetanse.io.MAX_INPUT_BYTES)")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        return _not_a_workbook(path, report, _workbook_fault(e))
    tables: dict[str, _Table] = {}
    try:
        for sheet in workbook.worksheets:
            name = sheet.title.strip().lower().removesuffix(".csv")
            if name not in _TABLES:
                close = difflib.get_close_matches(name, _TABLES, n=1)
                report.add(
                    sheet.title, "", "unknown sheet in the workbook", sheet.title,
                    (f"did you mean {close[0]}? " if close else "")
                    + f"the sheets are {', '.join(_TABLES)}; rename or delete it", path.name,
                )
                continue
            try:
                records = [[_cell(c) for c in row]
                           for row in sheet.iter_rows(min_row=1, values_only=True)]
            except Exception as e:  # noqa: BLE001 - a broken sheet inside a good zip
                report.add(sheet.title, "", f"the sheet cannot be read: {_workbook_fault(e)}",
                           None, "open it in Excel and save it again", path.name)
                report.unreadable.add(name)
                continue
            if name == "office":  # Excel turns 0315 into the number 315
                for record in records[1:]:
                    for i, h in enumerate(records[0] if records else []):
                        if h.strip().lower() == "enhet" and i < len(record) and \
                                record[i].isdigit() and len(record[i]) < 4:
                            record[i] = record[i].zfill(4)
            table = _table(name, sheet.title, path.name, records, report)
            if table is not None:
                tables[name] = table
    finally:
        workbook.close()
    return tables


def _workbook_fault(error: Exception) -> str:
    """What broke in a workbook, in words that name no cell content."""
    if isinstance(error, KeyError):
        return "a part every workbook has is missing"
    if isinstance(error, zipfile.BadZipFile):
        return "the zip file is damaged"
    return f"{type(error).__name__} while reading it"


def _read_bytes_ok(path: Path, report: _Report) -> bool:
    """False after a problem when ``path`` is not a regular file or is over the size limit."""
    try:
        if not path.is_file():
            report.add("(file)", "", "is a folder or a special file, not a workbook", None,
                       "give the .xlsx file itself", path.name)
        elif path.stat().st_size > MAX_INPUT_BYTES:
            report.add("(file)", "", f"the file is {path.stat().st_size:,} bytes; the limit is "
                       f"{MAX_INPUT_BYTES:,} (navkompetanse.io.MAX_INPUT_BYTES)", None,
                       "check that this is the office workbook", path.name)
        else:
            return True
    except OSError as e:
        report.add("(file)", "", f"cannot be read: {e.strerror or 'OS error'}", None,
                   "check the name and that you may read the file", path.name)
    report.unreadable.add(path.name)
    return False


def _cell(value: Any) -> str:
    """An Excel cell as text. A number that is a fødselsnummer whose leading 0 Excel dropped
    is written back with its 0, so the privacy check sees the number it is."""
    if isinstance(value, int | float) and not isinstance(value, bool) and \
            holds_fodselsnummer(value):
        return str(int(value)).zfill(11)
    return _text(value)


def _split(text: str) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATOR.split(text) if item.strip()]


def _other(text: str, table: _Table, row: int, column: str, report: _Report) -> dict[str, str]:
    """Parse ``name=level;name=level``."""
    other: dict[str, str] = {}
    for item in _split(text):
        name, sep, level = (s.strip() for s in item.partition("="))
        if not sep or not name or not level:
            report.add(table.where(row), column, "not written as name=level", item,
                       "write further competences as arbeidsmarked=4;utdanning=3", table.source)
        elif name in other:
            report.add(table.where(row), column, f"{name} is given twice", item,
                       "give each competence once", table.source)
        else:
            other[name] = level
    return other


def _profile(
    cells: Mapping[str, str], prefix: str, table: _Table, row: int, report: _Report,
) -> dict[str, Any] | None:
    profile: dict[str, Any] = {d: cells[prefix + d] for d in _DIMS if prefix + d in cells}
    if prefix + "other" in cells:
        profile["other"] = _other(cells[prefix + "other"], table, row, prefix + "other", report)
    return profile or None


def _record(cells: Mapping[str, str], table: _Table, row: int, report: _Report) -> dict:
    """A table row as a JSON record: lists split, ja/nei read, profiles gathered."""
    record: dict[str, Any] = {}
    profile_columns = (
        {*_DIMS, "other"} if table.name in ("veiledere", "assessments")
        else {*_NEED_COLUMNS, "need_other"} if table.name == "brukere" else set()
    )
    for column, text in cells.items():
        if column in profile_columns or column in _PREF_COLUMNS:  # gathered below
            continue
        if column in _LIST_COLUMNS:
            record[column] = _split(text)
        elif column in _BOOL_COLUMNS:
            record[column] = _WORDS_FOR_BOOL.get(text.lower(), text)
        elif column in _DECIMAL_COLUMNS and re.fullmatch(r"\d+,\d+", text):
            record[column] = text.replace(",", ".")  # a Norwegian decimal comma
        else:
            record[column] = text
    if table.name in ("veiledere", "assessments"):
        profile = _profile(cells, "", table, row, report)
        if profile is not None:
            record["profile"] = profile
        preferences = {d: cells[f"pref_{d}"] for d in _DIMS if f"pref_{d}" in cells}
        if preferences:
            record["preferences"] = preferences
    elif table.name == "pair_history":
        record = {k: v for k, v in record.items() if k not in ("member_1", "member_2")}
        record["members"] = [cells.get("member_1"), cells.get("member_2")]
    elif table.name == "brukere":
        needs = _profile(cells, "need_", table, row, report)
        if needs is not None:
            record["needs"] = needs
    return record


def _from_tables(
    tables: Mapping[str, _Table], report: _Report, office_label: str, office_source: str,
) -> tuple[dict, Locator]:
    """The office data of a set of tables, and a locator from JSON paths to their rows."""
    origin: dict[Path_, tuple[_Table, int]] = {}
    data: dict[str, Any] = {}
    office = tables.get("office")
    if office is not None:
        if not office.rows:
            report.add(office.where(2), "", "the office row is missing", None,
                       "write the office's enhet and name in row 2", office.source)
        for row, _ in office.rows[1:]:
            report.add(office.where(row), "", "more than one office", None,
                       "an office file holds one office; keep only row 2", office.source)
        if office.rows:
            row, cells = office.rows[0]
            origin[()] = (office, row)
            data.update(cells)

    for name in ("veiledere", "brukere", "learning_relations", "pair_history"):
        table = tables.get(name)
        records: list[dict[str, Any]] = []
        for i, (row, cells) in enumerate(table.rows if table else ()):
            origin[(name, i)] = (table, row)
            records.append(_record(cells, table, row, report))
        data[name] = records

    assessments = tables.get("assessments")
    if assessments is not None:
        index: dict[str, int] = {}
        for i, v in enumerate(data["veiledere"]):
            index.setdefault(v.get("ident", ""), i)
        for row, cells in assessments.rows:
            ident = cells.get("ident")
            if ident not in index:
                report.add(
                    assessments.where(row), "ident", "names a veileder who is not in veiledere"
                    if ident else "required, but missing", ident,
                    "use the ident of a veileder in veiledere", assessments.source,
                )
                continue
            i = index[ident]
            record = _record({k: v for k, v in cells.items() if k != "ident"}, assessments, row,
                             report)
            given = data["veiledere"][i].setdefault("assessments", [])
            origin[("veiledere", i, "assessments", len(given))] = (assessments, row)
            given.append(record)

    pairs = tables.get("pairs")
    data["pairs"] = []
    for i, (row, cells) in enumerate(pairs.rows if pairs else ()):
        origin[("pairs", i)] = (pairs, row)
        data["pairs"].append([cells.get("member_1"), cells.get("member_2")])

    def column(name: str, rest: Path_) -> str:
        if not rest:
            return ""
        if name == "pairs":
            return f"member_{int(rest[0]) + 1}" if isinstance(rest[0], int) else ""
        if name == "pair_history" and rest[0] == "members":
            return f"member_{int(rest[1]) + 1}" if len(rest) > 1 else "member_1,member_2"
        head = str(rest[0])
        if head == "preferences":
            return f"pref_{rest[1]}" if len(rest) > 1 else ",".join(_PREF_COLUMNS)
        if head in ("profile", "needs"):
            prefix = "need_" if head == "needs" else ""
            if len(rest) == 1:
                return ",".join(prefix + d for d in _DIMS)
            return prefix + str(rest[1])
        return head

    def locate(path: Path_) -> _Place:
        if not path or path[0] not in _COLLECTIONS or len(path) < 2:
            col = str(path[0]) if path else ""
            if office is None:
                return _Place(office_source, office_label, col)
            _, row = origin.get((), (office, 2))
            return _Place(office.source, office.where(row), col)
        if len(path) >= 4 and path[:4] in origin:  # an assessment of a veileder
            table, row = origin[path[:4]]
            return _Place(table.source, table.where(row), column("assessments", path[4:]))
        table, row = origin[path[:2]]
        return _Place(table.source, table.where(row), column(str(path[0]), path[2:]))

    return data, locate


def _missing_tables(tables: Mapping[str, _Table], folder: str, suffix: str, report: _Report,
                    kind: str) -> None:
    unreadable = {label.lower() for label in report.unreadable}
    for name, spec in _TABLES.items():
        if spec.needed and name not in tables and f"{name}{suffix}" not in unreadable:
            report.missing_columns.update((f"{name}{suffix}", c) for c in spec.required)
            report.add(
                f"{name}{suffix}", "", f"the {kind} {name}{suffix} is missing", None,
                f"add {name}{suffix} with the columns {', '.join(spec.columns)} "
                f"(required: {', '.join(spec.required)})", folder,
            )


# --------------------------------------------------------------------------------------------
# The public entry points
# --------------------------------------------------------------------------------------------

def load_office(path: str | os.PathLike[str]) -> Office:
    """Load and validate an office from a JSON file, a folder of CSV files or an .xlsx workbook.

    Parameters
    ----------
    path
        A ``.json`` file in the office format; a folder holding ``office.csv``,
        ``veiledere.csv``, ``brukere.csv`` and optionally ``assessments.csv``,
        ``learning_relations.csv`` and ``pairs.csv``; or an ``.xlsx`` workbook with sheets of
        the same names (needs the ``excel`` extra).

    Returns
    -------
    Office

    Raises
    ------
    InvalidInputError
        With every problem in the input, each naming file, place, field, value and a fix.
    PersonalDataError
        When any problem is a national identity number; its digits are masked in the report.
    FileNotFoundError
        When nothing is at ``path``.
    ModuleNotFoundError
        For a workbook when openpyxl is not installed.

    Notes
    -----
    The formats are in ``docs/office-format.md``. CSV files may be UTF-8 with or without a
    byte-order mark, and delimited by ``,`` or ``;`` (Norwegian Excel) or tab. A CSV file that
    is not UTF-8 is read as Windows-1252 (what Norwegian spreadsheet programs save as plain
    "CSV") with an :class:`~navkompetanse.exceptions.InputEncodingWarning` naming the file; a
    file that is neither is reported as one problem. JSON files must be UTF-8.
    """
    path = Path(path)
    try:
        path.stat()
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, "no office file or folder at this path",
                                mask_text(str(path))) from None
    except (OSError, ValueError) as e:  # a name too long, a loop of links, a NUL in it ...
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise InvalidInputError(
            [Problem(_short(path.name), "", f"cannot be opened: {why}",
                     None, "check the path; a file name has at most 255 characters",
                     _short(path.name))],
            source=_short(str(path), 300),
        ) from None
    report = _Report()
    suffix = path.suffix.lower()
    if path.is_dir():
        tables = _read_csv_folder(path, report)
        _warn_encodings(report, path.name)
        _missing_tables(tables, path.name, ".csv", report, "file")
        if report.unreadable:  # its rows are unknown: anything more would be consequences
            report.raise_if_any(str(path))
        data, locate = _from_tables(tables, report, "office.csv", "office.csv")
    elif suffix in (".xlsx", ".xlsm"):
        tables = _read_xlsx(path, report)
        if path.name in report.unreadable:  # not a workbook: nothing more can be said
            report.raise_if_any(str(path))
        _missing_tables(tables, path.name, "", report, "sheet")
        data, locate = _from_tables(tables, report, "office", path.name)
    elif suffix == ".json":
        data, locate = _read_json(path, report), _json_locator(path.name)
        if isinstance(data, dict) and data.get("format") == "navkompetanse-plan":
            report.add("format", "format", "this is a saved plan, not an office file", None,
                       "read it with navkompetanse.load_plan; its office is Plan.office (or "
                       "Plan.to_office() for the office with the plan applied)", path.name)
            report.raise_if_any(str(path))
        if data is None:  # not read, or not JSON: the problems say why
            report.raise_if_any(str(path))
        # a key given twice is reported, and the office is still checked: all problems at once
    else:
        raise InvalidInputError(
            [Problem(_short(path.name), "", "not an office file", _short(suffix or path.name),
                     "give a .json file, a folder of CSV files or an .xlsx workbook",
                     _short(path.name))],
            source=_short(str(path), 300),
        )
    office = _validate_shallow(data, locate, report, str(path))
    report.raise_if_any(str(path))
    assert office is not None
    return office


def _text(value: Any) -> str:
    """A value as the text a CSV file holds: used when writing tables and reading Excel cells.

    None is empty, booleans are ``true``/``false``, whole floats lose their ``.0`` (Excel
    stores every number as a float), dates are ISO dates, lists and dicts are ``;``-joined.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def _tables_of(office: Office) -> dict[str, list[list[str]]]:
    """The office as tables of text, header first, in the CSV layout.

    Optional columns a file does not use (further competences, explicit needs, preferences,
    continuity) are left out, so an old office is written as it always was.
    """
    data = office_to_dict(office)
    veiledere, brukere = data["veiledere"], data["brukere"]
    has_other = any(v["profile"] and v["profile"]["other"] for v in veiledere) or any(
        a["profile"]["other"] for v in veiledere for a in v["assessments"])
    need_other = any(b["needs"] and b["needs"]["other"] for b in brukere)
    has_pref = any(v["preferences"] for v in veiledere)
    has_continuity = any(b["continuity"] is not None for b in brukere)
    dims_other = [*_DIMS, "other"] if has_other else list(_DIMS)

    def levels(profile: Mapping[str, Any] | None, with_other: bool) -> list[Any]:
        names = [*_DIMS, "other"] if with_other else list(_DIMS)
        return [profile.get(d) if profile else None for d in names]

    tables: dict[str, list[list[Any]]] = {
        "office": [["enhet", "name"], [data["enhet"], data["name"]]],
        "veiledere": [["ident", "name", "avdeling", "stillingsprosent", "ansettelse",
                       *dims_other, "spesialfelt", "pairable", "max_tunge_saker",
                       *(_PREF_COLUMNS if has_pref else ())]],
        "assessments": [["ident", "date", "source", *dims_other]],
        "brukere": [["id", "innsatsgruppe", "hovedmal", "malgrupper", "digital", "tung_sak",
                     "veileder", *_NEED_COLUMNS, *(["need_other"] if need_other else []),
                     *(["continuity"] if has_continuity else [])]],
        "learning_relations": [["mentor", "learner", "dimension"]],
        "pairs": [["member_1", "member_2"], *data["pairs"]],
    }
    for v in veiledere:
        tables["veiledere"].append([
            v["ident"], v["name"], v["avdeling"], v["stillingsprosent"], v["ansettelse"],
            *levels(v["profile"], has_other), v["spesialfelt"], v["pairable"],
            v["max_tunge_saker"],
            *([v["preferences"].get(d) for d in _DIMS] if has_pref else []),
        ])
        for a in v["assessments"]:
            tables["assessments"].append(
                [v["ident"], a["date"], a["source"], *levels(a["profile"], has_other)])
    for b in brukere:
        tables["brukere"].append([
            b["id"], b["innsatsgruppe"], b["hovedmal"], b["malgrupper"], b["digital"],
            b["tung_sak"], b["veileder"], *levels(b["needs"], need_other),
            *([b["continuity"]] if has_continuity else []),
        ])
    for r in data["learning_relations"]:
        tables["learning_relations"].append([r["mentor"], r["learner"], r["dimension"]])
    tables["pair_history"] = [["member_1", "member_2", "started", "confirmed", "ended",
                               "propose_again", "reason"]]
    for r in data["pair_history"]:
        tables["pair_history"].append([*r["members"], r["started"], r["confirmed"],
                                           r["ended"], r["propose_again"], r["reason"]])
    return {name: [[_text(c) for c in row] for row in rows] for name, rows in tables.items()}


def save_office(office: Office, path: str | os.PathLike[str]) -> None:
    """Write an office as a ``.json`` file, an ``.xlsx`` workbook, or else a folder of CSV files.

    JSON is indented by 2, keys in model order, non-ascii letters kept (``ø``, not ``\\u00f8``).
    A folder is created when missing; all seven CSV files are written (UTF-8 with a byte-order
    mark, so Excel shows æøå; ``,`` as delimiter), also the empty ones, so no stale file from an
    earlier save is read back. Loading what was saved gives an equal office.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = json.dumps(office_to_dict(office), indent=2, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        return
    tables = _tables_of(office)
    if suffix in (".xlsx", ".xlsm"):
        openpyxl = _openpyxl()
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for name, rows in tables.items():
            sheet = workbook.create_sheet(name)
            for row in rows:
                sheet.append(row)  # all text, so Excel keeps 0315 and ids as written
        workbook.save(path)
        return
    if path.exists() and not path.is_dir():
        raise FileExistsError(errno.EEXIST, "a file is here; give a folder, .json or .xlsx",
                              str(path))
    path.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(path / f"{name}.csv", "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
