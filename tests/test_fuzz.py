"""Fuzzing the boundary: corrupted offices never crash it and never echo a fødselsnummer.

Valid offices are corrupted as JSON text, as the dict handed to ``office_from_dict``, as a
folder of CSV files and as an Excel workbook: values and keys replaced by hostile ones (a
fødselsnummer as text, split, prefixed or as a number, also with its leading 0 dropped; nesting
hundreds deep; integers of thousands of digits; NaN; text with NUL), bytes cut, repeated and
garbled, keys given twice, files renamed, replaced by folders or emptied, sheets renamed.

The promise checked on every case (docs/trust.md, "Inputs"):

- the loader returns an :class:`Office` or raises :class:`InvalidInputError` (a
  :class:`PersonalDataError` is one) or ``FileNotFoundError``; nothing else;
- no fødselsnummer used by the fuzzer appears in the error's text, in any problem's fields or
  in its ``to_dict()`` (masked digits only);
- the error's text can be printed (encoded as UTF-8);
- an office that loads holds no fødselsnummer anywhere, and can be saved again.

Profiles: the unit run takes 400 cases, derandomised (a few seconds). The long run::

    NAVK_FUZZ=long python -m pytest -q -p no:cacheprovider tests/test_fuzz.py -s

takes 10,405 cases with fresh randomness (about a minute on an idle core) and prints how many
ended which way. docs/trust.md has the last long run's numbers.
"""

from __future__ import annotations

import copy
import io as _io
import json
import math
import os
import re
import shutil
import tempfile
import warnings
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from navkompetanse import InvalidInputError, synthetic_office
from navkompetanse.io import load_office, office_from_dict, office_to_dict, save_office
from navkompetanse.privacy import holds_fodselsnummer, is_fodselsnummer

LONG = os.environ.get("NAVK_FUZZ", "") == "long"
#: Cases per test: (unit run, long run). The long run's total is at least 10,000.
CASES = {"json_text": (150, 3500), "dict": (150, 3500), "csv": (60, 2400), "xlsx": (40, 1000)}
TOTAL_LONG = sum(long for _, long in CASES.values())

#: Valid numbers: a fødselsnummer, one born on the 1st (a leading 0 to drop), a D-nummer
#: (day + 40) and a synthetic test number (month + 80). Checked below, not trusted.
FNRS = ("15076500565", "01010150074", "41010150068", "15838550026")
DROPPED = tuple(f[1:] for f in FNRS if f.startswith("0"))  # as a number shows it: 1010150074

OUTCOMES: Counter[str] = Counter()


def _profile(name: str) -> settings:
    fast, long = CASES[name]
    return settings(
        max_examples=long if LONG else fast, deadline=None, database=None,
        derandomize=not LONG, suppress_health_check=list(HealthCheck),
    )


def test_the_numbers_are_valid():
    assert all(is_fodselsnummer(f) for f in FNRS)


# --------------------------------------------------------------------------------------------
# The offices to corrupt
# --------------------------------------------------------------------------------------------

def _named_office() -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        office = synthetic_office(4, 10, seed=3)
    data = office_to_dict(office)
    for i, v in enumerate(data["veiledere"]):
        v["name"] = f"Kari Nordmann {chr(65 + i)}"
    idents = [v["ident"] for v in data["veiledere"]]
    data["veiledere"][0]["profile"]["other"] = {"arbeidsmarked": 4}
    data["veiledere"][1]["preferences"] = {"digital": "energi"}
    data["veiledere"][2]["pairable"] = True
    data["veiledere"][3]["pairable"] = True
    data["pairs"] = [[idents[2], idents[3]]]
    data["pair_history"] = [{"members": [idents[2], idents[3]], "started": "2024-01-01",
                             "confirmed": True, "ended": None, "propose_again": True,
                             "reason": None}]
    data["brukere"][0]["needs"] = {"relasjonell": 4, "struktur": 2, "forvaltning": 3,
                                   "digital": 1, "other": {}}
    return json.loads(json.dumps(office_from_dict(data) and data))


HAND = Path(__file__).parent / "data" / "hand_written_office.json"
BASES: tuple[dict[str, Any], ...] = (
    _named_office(),
    json.loads(HAND.read_text(encoding="utf-8")),
)


# --------------------------------------------------------------------------------------------
# Hostile values and the checks
# --------------------------------------------------------------------------------------------

def _fnr_forms(f: str) -> list[Any]:
    return [f, f"b-{f}", f"{f[:6]} {f[6:]}", f"{f[:6]}.{f[6:]}", f"x{f}y", int(f), float(int(f)),
            f"Z{f}", [f], {"id": f}]


FNR_VALUES = [v for f in FNRS for v in _fnr_forms(f)]


def _deep(n: int, inner: Any = 1) -> Any:
    value = inner
    for _ in range(n):
        value = [value]
    return value


json_values = st.one_of(
    st.sampled_from(FNR_VALUES).map(copy.deepcopy),  # fresh: later mutations change them
    st.text(max_size=20),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([None, True, False, [], {}, "", " ", "\x00", "Z123456", "b-0001", "0315",
                     "STANDARD_INNSATS", "ung", "energi", "2024-02-30", "x" * 5000,
                     f"0315 {FNRS[0]}", f"NAV{FNRS[0]}0999"]).map(copy.deepcopy),
    st.integers(30, 700).map(_deep),  # json.dumps itself stops near 1,000
    st.builds(lambda n: {"a": _deep(n)}, st.integers(30, 200)),
)
#: Values only a Python caller can hand over (office_from_dict).
python_values = st.one_of(
    json_values,
    st.integers(1000, 20_000).map(_deep),
    st.sampled_from([10**5000, -(10**5000), math.nan, b"\x00bytes", {1, 2}, (1, 2),
                     frozenset({"a"}), object(), Path("x"), 1j,
                     {15076500565: 1}, {None: 1}, {(1, 2): 3}, {10**5000: 1}]).map(copy.copy),
)
keys = st.one_of(st.sampled_from([*FNRS, *(f"b-{f}" for f in FNRS), "id", "ident", "name",
                                  "other", "veileder", "x" * 300, ""]),
                 st.text(max_size=12))


def _paths(data: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if len(path) > 12:  # an earlier mutation nested it hundreds deep: not further
        return out
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(_paths(v, (*path, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_paths(v, (*path, i)))
    return out


def _get(data: Any, path: tuple) -> Any:
    for p in path:
        data = data[p]
    return data


def _mutate(data: Any, draw: st.DrawFn, values: st.SearchStrategy) -> Any:
    """One structural change: a value replaced, a key added, renamed or removed."""
    paths = _paths(data)
    path = draw(st.sampled_from(paths))
    kind = draw(st.sampled_from(["replace", "add_key", "rename_key", "drop", "append"]))
    if not path:
        kind = "add_key"
    parent = _get(data, path[:-1]) if path else data
    if kind == "replace":
        parent[path[-1]] = draw(values)
    elif kind == "drop":
        del parent[path[-1]]
    elif kind == "append":
        target = _get(data, path)
        if isinstance(target, list):
            target.append(draw(values))
        else:
            parent[path[-1]] = draw(values)
    else:
        target = _get(data, path)
        if not isinstance(target, dict):
            target = parent if isinstance(parent, dict) else data
        key = draw(keys)
        if kind == "rename_key" and target and isinstance(target, dict):
            # the keys themselves: a python value can bring an int key (str of it is not a
            # key) or one too long to print
            old = draw(st.sampled_from(list(target)))
            target[key] = target.pop(old)
        else:
            target[key] = draw(values)
    return data


def _fnr_strings() -> tuple[str, ...]:
    return (*FNRS, *DROPPED, *(f"{f[:6]} {f[6:]}" for f in FNRS), *(f"{f[:6]}.{f[6:]}"
                                                                   for f in FNRS))


def _check_error(error: BaseException, where: str) -> None:
    if isinstance(error, FileNotFoundError):
        text = str(error)
    else:
        assert isinstance(error, InvalidInputError), (
            f"{where}: untyped {type(error).__name__}: {error!r}"[:2000])
        text = str(error) + repr(error.problems) + json.dumps(
            [p.to_dict() for p in error.problems], default=repr)
    leaked = [f for f in _fnr_strings() if f in text]
    assert not leaked, f"{where}: a fødselsnummer in the error: {text[:2000]}"
    str(error).encode("utf-8")  # printable: the command line writes it to stderr


def _check_office(office: Any, where: str) -> None:
    # Standing alone, as the library defines it: 11 digits inside a longer number are not one.
    data = office_to_dict(office)
    text = json.dumps(data)
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # it can be saved as it loaded
    leaked = [f for f in FNRS if re.search(rf"(?<!\d){f}(?!\d)", text)]
    assert not leaked and not holds_fodselsnummer(data), \
        f"{where}: an office with a fødselsnummer was accepted"


def _run(where: str, call: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            office = call()
        except BaseException as error:  # noqa: BLE001 - the point is to see every kind
            if isinstance(error, KeyboardInterrupt):
                raise
            _check_error(error, where)
            OUTCOMES[f"{where}: {type(error).__name__}"] += 1
            return
    _check_office(office, where)
    OUTCOMES[f"{where}: loaded"] += 1


@pytest.fixture(scope="module")
def tmp_dir():
    path = Path(tempfile.mkdtemp(prefix="navk-fuzz-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)
    if LONG:
        print(f"\nfuzz outcomes ({sum(OUTCOMES.values()):,} cases):")
        for key, n in sorted(OUTCOMES.items()):
            print(f"  {n:6,}  {key}")


# --------------------------------------------------------------------------------------------
# JSON text
# --------------------------------------------------------------------------------------------

TOKENS = ['"15076500565"', "15076500565", "1010150074", "1.5076500565e10", "[" * 600,
          "]" * 3, "{" * 50, "9" * 5000, "-" + "9" * 4400, "NaN", "Infinity", ",", ":", '"',
          "\\u0000", "\\ud800", '"01010150074": 1,', "\x00", "\ufeff", "null", "{}", "[]"]


@st.composite
def json_texts(draw: st.DrawFn) -> bytes:
    data = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    for _ in range(draw(st.integers(0, 2))):
        data = _mutate(data, draw, json_values)
    text = json.dumps(data, indent=draw(st.sampled_from([None, 1])),
                      ensure_ascii=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 3))):
        n = len(text)
        at = draw(st.integers(0, n))
        op = draw(st.sampled_from(["insert", "delete", "repeat", "cut", "dup_key"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=5)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "repeat":
            text = text[:at] + text[at:at + draw(st.integers(1, 80))] + text[at:]
        elif op == "cut":
            text = text[:at]
        else:  # a key given twice: the first value hostile
            i = text.find('": ', at)
            j = text.rfind('"', 0, max(i, 0))
            j = text.rfind('"', 0, j)
            if i > 0 and j >= 0:
                value = json.dumps(draw(json_values))
                text = text[:j] + text[j:i + 3] + value + ", " + text[j:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


def _json_with(data: dict[str, Any], path: tuple, value: Any) -> bytes:
    data = copy.deepcopy(data)
    _get(data, path[:-1])[path[-1]] = value
    return json.dumps(data).encode("utf-8")


@_profile("json_text")
@given(raw=json_texts())
# A fødselsnummer inside a longer JSON number (a digit typed after it) was echoed whole in the
# problem's value: only strings were starred when they held one inside a longer number.
@example(raw=_json_with(BASES[0], ("brukere", 0, "needs", "digital"), int(FNRS[0] + "1")))
def test_corrupted_json_files(tmp_dir, raw):
    path = tmp_dir / "office.json"
    path.write_bytes(raw)
    _run("json", lambda: load_office(path))


# --------------------------------------------------------------------------------------------
# Plain data handed to office_from_dict
# --------------------------------------------------------------------------------------------

@st.composite
def dicts(draw: st.DrawFn) -> Any:
    data = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate(data, draw, python_values)
    return data


@_profile("dict")
@given(data=dicts())
def test_corrupted_dicts(data):
    _run("dict", lambda: office_from_dict(data))


# --------------------------------------------------------------------------------------------
# CSV folders
# --------------------------------------------------------------------------------------------

_CSV_BASES: dict[int, dict[str, bytes]] = {}


def _csv_base(i: int, tmp_dir: Path) -> dict[str, bytes]:
    if i not in _CSV_BASES:
        folder = tmp_dir / f"base-{i}"
        save_office(office_from_dict(BASES[i]), folder)
        _CSV_BASES[i] = {p.name: p.read_bytes() for p in folder.iterdir()}
    return _CSV_BASES[i]


CELL_VALUES = st.one_of(
    st.sampled_from([*FNRS, *DROPPED, *(f"b-{f}" for f in FNRS), f"{FNRS[0][:6]} {FNRS[0][6:]}",
                     "", '"', '""', "\x00", "a\nb", "9" * 5000, "x" * 200_000, "ja", "nei",
                     "1,5", "NaN", "inf", "=1+1", "Z123456", "b-1", "0315"]),
    st.text(max_size=15),
)
FILE_NAMES = st.one_of(
    st.sampled_from([*(f"{f}.csv" for f in FNRS), *(f"b-{f}.CSV" for f in FNRS),
                     "brukere.csv.bak", "Brukere.CSV", "x" * 250 + ".csv", ".csv", "~$office.csv"]),
    st.text(alphabet="abcæø019-_ .", min_size=1, max_size=20).map(lambda s: s + ".csv"),
)


@st.composite
def csv_folders(draw: st.DrawFn) -> list[tuple[str, str, Any]]:
    """A list of operations on a saved folder: (op, file, argument)."""
    ops = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(["office.csv", "veiledere.csv", "brukere.csv", "pairs.csv",
                                     "learning_relations.csv", "pair_history.csv",
                                     "assessments.csv"]))
        op = draw(st.sampled_from(["cell", "header", "column", "file", "dir", "bytes", "cut",
                                   "delete", "cp1252", "utf16", "nul", "quote"]))
        arg: Any = None
        if op in ("cell", "header", "column"):
            arg = (draw(st.integers(0, 12)), draw(st.integers(0, 25)), draw(CELL_VALUES))
        elif op == "file":
            arg = (draw(FILE_NAMES), draw(CELL_VALUES))
        elif op == "bytes":
            arg = draw(st.binary(max_size=60))
        elif op == "cut":
            arg = draw(st.integers(0, 400))
        ops.append((op, name, arg))
    return ops


def _apply_csv(folder: Path, op: str, name: str, arg: Any) -> None:
    import csv

    path = folder / name
    if op == "delete" or op == "dir":
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        if op == "dir":
            path.mkdir()
        return
    if not path.is_file():
        return
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    if op in ("cell", "header", "column"):
        try:
            rows = list(csv.reader(_io.StringIO(text, newline="")))
        except csv.Error:  # an earlier change made it unreadable as CSV: leave it so
            return
        row, col, value = arg
        row = 0 if op == "header" else row
        if op == "column":
            rows = [[*r, value if i else value] for i, r in enumerate(rows)]
        elif rows:
            row = min(row, len(rows) - 1)
            while len(rows[row]) <= col % 30:
                rows[row].append("")
            rows[row][col % 30] = value
        out = _io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    elif op == "file":
        file_name, value = arg
        try:
            (folder / file_name).write_text(f"a,{value}\n1,2\n", encoding="utf-8")
        except (OSError, UnicodeEncodeError):
            pass  # the file system refused the name: nothing to test
    elif op == "bytes":
        path.write_bytes(raw[: len(raw) // 2] + arg + raw[len(raw) // 2:])
    elif op == "cut":
        path.write_bytes(raw[:arg])
    elif op == "cp1252":
        path.write_bytes(text.encode("cp1252", errors="replace"))
    elif op == "utf16":
        path.write_bytes(text.encode("utf-16", errors="replace"))
    elif op == "nul":
        path.write_bytes(raw.replace(b",", b"\x00,", 1))
    elif op == "quote":
        path.write_bytes(raw.replace(b",", b',"', 1))


@_profile("csv")
@given(base=st.integers(0, len(BASES) - 1), ops=csv_folders())
def test_corrupted_csv_folders(tmp_dir, base, ops):
    folder = tmp_dir / "kontor"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for name, raw in _csv_base(base, tmp_dir).items():
        (folder / name).write_bytes(raw)
    for op, name, arg in ops:
        _apply_csv(folder, op, name, arg)
    _run("csv", lambda: load_office(folder))


# --------------------------------------------------------------------------------------------
# Excel workbooks
# --------------------------------------------------------------------------------------------

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.utils.exceptions import IllegalCharacterError  # noqa: E402

_XLSX_BASES: dict[int, bytes] = {}


def _xlsx_base(i: int, tmp_dir: Path) -> bytes:
    if i not in _XLSX_BASES:
        path = tmp_dir / f"base-{i}.xlsx"
        save_office(office_from_dict(BASES[i]), path)
        _XLSX_BASES[i] = path.read_bytes()
    return _XLSX_BASES[i]


XLSX_CELLS = st.one_of(
    CELL_VALUES.filter(lambda v: "\x00" not in v and len(v) < 32_000),
    st.sampled_from([int(FNRS[0]), int(FNRS[1]), float(FNRS[0]), 10**15, -1, 1.5, math.inf,
                     True, None]),
    st.dates().map(lambda d: d),
)
SHEET_NAMES = st.one_of(
    st.sampled_from([*FNRS, f"b{FNRS[1]}", "brukere ", "BRUKERE", "office.csv", "x" * 31]),
    st.text(alphabet="abcæø019-_ ", min_size=1, max_size=31),
)


@st.composite
def xlsx_cases(draw: st.DrawFn) -> tuple[str, Any]:
    kind = draw(st.sampled_from(["cell", "cell", "sheet", "add_sheet", "cut", "garbage",
                                 "flip", "no_workbook", "empty"]))
    if kind == "cell":
        return kind, (draw(st.sampled_from(["office", "veiledere", "brukere", "pairs"])),
                      draw(st.integers(1, 12)), draw(st.integers(1, 25)), draw(XLSX_CELLS))
    if kind in ("sheet", "add_sheet"):
        return kind, (draw(st.sampled_from(["office", "veiledere", "brukere", "pairs"])),
                      draw(SHEET_NAMES))
    if kind in ("cut", "flip"):
        return kind, draw(st.integers(0, 100_000))
    if kind == "garbage":
        return kind, draw(st.binary(max_size=200))
    return kind, None


def _xlsx_bytes(base: bytes, kind: str, arg: Any) -> bytes:
    if kind == "cut":
        return base[: arg % len(base)]
    if kind == "flip":
        at = arg % len(base)
        return base[:at] + bytes([base[at] ^ 0xFF]) + base[at + 1:]
    if kind == "garbage":
        return arg
    if kind == "empty":
        return b""
    if kind == "no_workbook":
        out = _io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("a.txt", "not a workbook")
        return out.getvalue()
    workbook = openpyxl.load_workbook(_io.BytesIO(base))
    try:
        if kind == "cell":
            sheet, row, col, value = arg
            workbook[sheet].cell(row=row, column=col, value=value)
        elif kind == "sheet":
            sheet, title = arg
            workbook[sheet].title = title
        else:
            sheet, title = arg
            workbook.create_sheet(title).append(["ident", title])
    except (ValueError, TypeError, IllegalCharacterError):
        return base  # openpyxl refused the change itself: nothing to test
    out = _io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@_profile("xlsx")
@given(base=st.integers(0, len(BASES) - 1), case=xlsx_cases())
def test_corrupted_workbooks(tmp_dir, base, case):
    path = tmp_dir / "office.xlsx"
    path.write_bytes(_xlsx_bytes(_xlsx_base(base, tmp_dir), *case))
    _run("xlsx", lambda: load_office(path))


def test_a_workbook_zip_of_an_unknown_version_is_a_typed_error(tmp_dir):
    # Found by a fuzz campaign (a 'flip' case): the byte 20 ^ 0xFF in a central directory
    # entry's 'version needed to extract' makes zipfile raise NotImplementedError('zip file
    # version 23.5'), which load_office let through untyped. The flip's offset depends on the
    # saved workbook's bytes, so the case is built here rather than kept as an @example.
    raw = bytearray(_xlsx_base(0, tmp_dir))
    at = raw.find(b"PK\x01\x02")  # the first central directory entry
    raw[at + 6] ^= 0xFF
    path = tmp_dir / "office.xlsx"
    path.write_bytes(bytes(raw))
    with pytest.raises(NotImplementedError):
        zipfile.ZipFile(path)
    with pytest.raises(InvalidInputError, match="not a readable zip file"):
        load_office(path)


# --------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["x" * 300 + ".json", FNRS[0] + ".json", "b" * 300,
                                  f"{FNRS[1]}/office.json", "\x00.json"])
def test_odd_paths(tmp_dir, name):
    _run("path", lambda: load_office(tmp_dir / name))
