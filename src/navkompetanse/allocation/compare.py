"""Two distributions side by side (typically today's and a proposal), in a leader's terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..results import FrozenDict, Result, check_status, freeze_fields, strict_json
from ..text import check_lang, fmt, number
from ..text.allocation import (
    comparison_text,
    metric_labels,
    phrase,
    preference_labels,
    preference_measure_text,
    result_label,
)
from .result import KINDS, AllocationResult, PreferenceShare

__all__ = ["Comparison", "ComparisonRow", "PreferenceRow", "compare"]

#: For each metric, whether a lower value is better.
_LOWER_IS_BETTER = {
    "mean_shortfall": True, "p90_shortfall": True, "unmet_high_need": True,
    "load_spread": True, "load_gini": True, "heavy_per_position": True,
    "units_over_capacity": True, "moves": True, "mean_fit": False,
    "energising_share": False, "draining_share": True,
}


@dataclass(frozen=True)
class PreferenceRow:
    """One veileder's preference measure in both distributions (nan where she has no load,
    or the side has no distribution)."""

    ident: str
    a_energising: float
    a_draining: float
    b_energising: float
    b_draining: float


@dataclass(frozen=True)
class ComparisonRow:
    """One line of a comparison: the metric, both values and which is better.

    ``better`` is ``"a"``, ``"b"``, ``"="`` or None when the two were not compared (one side
    has no distribution); a side without a distribution has nan values.
    """

    key: str
    label: str
    a: float
    b: float
    better: str | None


@dataclass(frozen=True, repr=False)
class Comparison(Result):
    """Two distributions side by side, in terms a leader reads (see :func:`compare`).

    ``status`` is ``feasible`` when both sides have a distribution; otherwise it is the status
    of the side that has none (``infeasible`` or ``time_limit``), no row is judged
    (``better`` is None) and ``message`` says which side failed and why.

    When the office has preferences, ``rows`` end with the preference measure
    (``energising_share``, ``draining_share``: the share of all the veiledere's load in work
    they find energising / draining), ``preference`` holds it per veileder and the message
    says it; otherwise ``preference`` is empty and those rows are left out.
    """

    a_label: str
    b_label: str
    rows: tuple[ComparisonRow, ...]
    status: str = "feasible"
    message: str = ""
    messages: Mapping[str, str] = field(default_factory=FrozenDict)
    lang: str = "nb"
    names: Mapping[str, str] = field(default_factory=FrozenDict)
    preference: tuple[PreferenceRow, ...] = ()

    _title: ClassVar[tuple[str, str]] = ("Sammenligning", "Comparison")
    _frame_columns: ClassVar[tuple[str, ...]] = ("key", "label")

    def __post_init__(self) -> None:
        check_status(self.status)
        check_lang(self.lang)
        object.__setattr__(self, "rows", tuple(self.rows))
        object.__setattr__(self, "preference", tuple(self.preference))
        if not self.messages:
            object.__setattr__(self, "messages", {self.lang: self.message})
        freeze_fields(self, "messages", "names")

    def _has_solution(self) -> bool:
        return all(r.better is not None for r in self.rows)

    def __getitem__(self, key: str) -> ComparisonRow:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def _better_label(self, better: str | None) -> str:
        return {"a": self.a_label, "b": self.b_label, "=": "=", None: "–"}[better]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (strict JSON): both labels, status, messages and the rows."""
        return strict_json({
            "a": self.a_label, "b": self.b_label, "status": self.status,
            "message": self.message, "messages": dict(self.messages), "lang": self.lang,
            "rows": [{"key": r.key, "label": r.label, "a": r.a, "b": r.b, "better": r.better}
                     for r in self.rows],
            "preference": [{"ident": p.ident, "a_energising": p.a_energising,
                            "a_draining": p.a_draining, "b_energising": p.b_energising,
                            "b_draining": p.b_draining} for p in self.preference],
        })

    def _frame_rows(self) -> list[dict[str, Any]]:
        """One row per metric: key, label, the two values (columns named by the labels) and
        the label of the better side (``=`` for a tie, None when not compared)."""
        return [{"key": r.key, "label": r.label, self.a_label: r.a, self.b_label: r.b,
                 "better": None if r.better is None else self._better_label(r.better)}
                for r in self.rows]

    def _summary(self, lang: str) -> list[tuple[str, str]]:
        if not self.ok:
            return []
        n_a = sum(r.better == "a" for r in self.rows)
        n_b = sum(r.better == "b" for r in self.rows)
        n = fmt(len(self.rows), lang)
        return [(self.b_label, phrase("better_on", lang, k=fmt(n_b, lang), n=n)),
                (self.a_label, phrase("better_on", lang, k=fmt(n_a, lang), n=n))]

    def __str__(self) -> str:
        head = ("", self.a_label, self.b_label, phrase("best", self.lang))
        body = [(r.label, number(r.a, self.lang), number(r.b, self.lang),
                 self._better_label(r.better)) for r in self.rows]
        widths = [max(len(row[c]) for row in (head, *body)) for c in range(4)]

        def line(row: Sequence[str]) -> str:
            return "  ".join([row[0].ljust(widths[0])]
                             + [row[c].rjust(widths[c]) for c in (1, 2)]
                             + [row[3].ljust(widths[3])]).rstrip()

        rule = "  ".join("-" * w for w in widths)
        table = "\n".join([line(head), rule, *(line(r) for r in body)])
        return table if self.ok else f"{self.message}\n{table}"


def _label(result: AllocationResult, lang: str) -> str:
    """The result's table label in ``lang`` (by its kind), whatever language it was made in."""
    return result_label(result.kind, lang) if result.kind in KINDS else result.label


def _labels(a: AllocationResult, b: AllocationResult, lang: str) -> tuple[str, str]:
    """Both labels in ``lang``, told apart when they are the same (two proposals)."""
    la, lb = _label(a, lang), _label(b, lang)
    return (f"{la} 1", f"{lb} 2") if la == lb else (la, lb)


def compare(a: AllocationResult, b: AllocationResult, *, lang: str = "nb") -> Comparison:
    """Compare two distributions (typically today's and a proposal) in a plain table.

    Rows: mean and 90th-percentile shortfall, brukere with an unmet high need (need ≥ 4 and
    shortfall ≥ 2 in some dimension), load spread (max/min of load/capacity) and its Gini,
    heavy cases per full position (highest unit), units over capacity, moves and mean fit.

    A side without a distribution (not ``ok``: infeasible, or out of time without a plan) is
    reported, not compared: the comparison takes that side's status, its values are nan, no
    row names a better side, and the message says which side failed and why.

    Parameters
    ----------
    a, b : AllocationResult
        The two distributions; ``a`` is usually today's (:func:`status_quo`).
    lang : str
        ``"nb"`` (default) or ``"en"``: labels, message and table.

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        ``lang`` is neither ``"nb"`` nor ``"en"``.

    Examples
    --------
    >>> print(compare(status_quo(office), allocate_portfolios(office)))  # doctest: +SKIP
    """
    lang = check_lang(lang)
    a_label, b_label = _labels(a, b, lang)
    names = FrozenDict({**a.names, **b.names})
    labels = metric_labels(lang)
    with_pref = a.has_preferences or b.has_preferences
    if with_pref:
        labels.update(preference_labels(lang))
    failed = [(label, r) for label, r in ((a_label, a), (b_label, b)) if not r.ok]
    nan = float("nan")
    ma = a.metrics() if a.ok else dict.fromkeys(labels, nan)
    mb = b.metrics() if b.ok else dict.fromkeys(labels, nan)
    if with_pref:
        ma.update({k: v for k, v in a.preference_totals().items() if k in labels})
        mb.update({k: v for k, v in b.preference_totals().items() if k in labels})
    rows = []
    for key, label in labels.items():
        va, vb = float(ma[key]), float(mb[key])
        better: str | None
        if failed:
            better = None
        elif np.isclose(va, vb, rtol=1e-9, atol=1e-12) or (np.isnan(va) and np.isnan(vb)):
            better = "="
        elif _LOWER_IS_BETTER[key]:
            better = "a" if va < vb else "b"
        else:
            better = "a" if va > vb else "b"
        rows.append(ComparisonRow(key, label, va, vb, better))
    if failed:
        statuses = [r.status for _, r in failed]
        status = "infeasible" if "infeasible" in statuses else statuses[0]
        messages = {}
        for lg in ("nb", "en"):
            la, lb = _labels(a, b, lg)
            if len(failed) == 2:
                messages[lg] = phrase("cmp_failed_both", lg, a=la, b=lb)
            else:
                side = failed[0][1]
                messages[lg] = phrase("cmp_failed_one", lg, failed=la if side is a else lb,
                                      why=side.describe(lg))
    else:
        status = "feasible"
        n_a = sum(r.better == "a" for r in rows)
        n_b = sum(r.better == "b" for r in rows)
        messages = {}
        for lg in ("nb", "en"):
            la, lb = _labels(a, b, lg)
            messages[lg] = comparison_text(la, lb, n_b=n_b, n_a=n_a, n=len(rows), lang=lg)
            if with_pref:
                messages[lg] += " " + preference_measure_text(
                    la, lb, a.preference_totals(), b.preference_totals(), lg)
    return Comparison(a_label, b_label, tuple(rows), status=status, message=messages[lang],
                      messages=messages, lang=lang, names=names,
                      preference=_preference_rows(a, b) if with_pref else ())


def _preference_rows(a: AllocationResult, b: AllocationResult) -> tuple[PreferenceRow, ...]:
    """Per veileder (in the order of ``a``, then any only in ``b``), both sides' shares."""
    empty = PreferenceShare("", 0.0, 0.0, 0.0)
    idents = list(dict.fromkeys([*a.preference, *b.preference]))
    rows = []
    for ident in idents:
        pa, pb = a.preference.get(ident, empty), b.preference.get(ident, empty)
        rows.append(PreferenceRow(ident, pa.energising_share, pa.draining_share,
                                  pb.energising_share, pb.draining_share))
    return tuple(rows)
