"""Charts of results with matplotlib: profiles, coverage, loads, shortfall, learning network.

Each function takes a result (or an :class:`~navkompetanse.Office` / :class:`~navkompetanse.
Plan`), draws on ``ax`` (a new figure when None) and returns the matplotlib ``Axes``, like
pandas and seaborn; :func:`to_svg` turns a chart into an inline SVG string for the HTML
report, so the report's charts and a notebook's are the same drawing.

matplotlib is an optional extra (``pip install 'navkompetanse[plot]'``), imported when a chart
is drawn; without it every function raises an ImportError that says so.

House rules of the charts:

- titles, labels and legends in ``lang`` (``nb`` default, or ``en``) from the phrase table
  :mod:`navkompetanse.text.charts`, numbers through :func:`~navkompetanse.text.fmt`, people
  named as the office names them (``Kari Nordmann (Z123456)``);
- colour-blind-safe colours (Okabe & Ito's palette; a single-hue blue scale for levels), and
  never colour alone: levels are written in the cells, overload is hatched as well as red,
  avdelinger have their own marker shape;
- sized for a report column of about 800 px (8 inches wide);
- nothing beyond what the result itself shows: a chart reads the result's fields and the
  office's own names, nothing more.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from navkompetanse import plot, synthetic_office
>>> office = synthetic_office(n_veiledere=6, n_brukere=200, seed=1)
>>> ax = plot.coverage(office)
>>> len(ax.get_yticklabels())
6
>>> plot.to_svg(ax).startswith("<svg")
True
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .models import DIMENSIONS, Office
from .text import check_lang, dimension_name, fmt, person, unit_label
from .text.charts import LEVEL_TICKS, chart_phrase

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "PLOT_EXTRA",
    "office_graph",
    "coverage",
    "learning_network",
    "loads",
    "profile",
    "shortfall",
    "to_svg",
]

#: What to install for the charts (said by every ImportError of this module).
PLOT_EXTRA = "pip install 'navkompetanse[plot]'"

_DIMS = tuple(d.value for d in DIMENSIONS)

#: Okabe & Ito's colour-blind-safe palette (Color Universal Design).
BLUE, ORANGE, GREEN, SKY, VERMILLION, PURPLE, YELLOW = (
    "#0072B2", "#E69F00", "#009E73", "#56B4E9", "#D55E00", "#CC79A7", "#F0E442")
GREY, INK = "#8C8C8C", "#222222"
#: Avdelinger in turn: a colour and a marker each (yellow last: weak on white).
_GROUP_COLOURS = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, YELLOW)
_GROUP_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
#: Levels 1–5 on a single-hue scale (ColorBrewer Blues): reads in greyscale and for every
#: colour vision; the level is written in each cell as well.
_LEVEL_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")

#: Report width: 8 inches is 576 pt, about 770 CSS pixels.
WIDTH_IN = 8.0
#: Seed of the network layout: the same office draws the same picture every time.
LAYOUT_SEED = 14
#: The salt of matplotlib's SVG ids: the same chart gives the same SVG text.
SVG_SALT = "navkompetanse"
#: How strongly colleagues of one avdeling pull together in the layout (a relation pulls 1).
AVDELING_PULL = 0.1
#: Nearest two veiledere may be in the network drawing, as a share of its width and height.
MIN_GAP = 0.07
#: Label the nodes of a learning network up to this many veiledere (more would be a blur).
MAX_NODE_LABELS = 40


# --------------------------------------------------------------------------------------------
# matplotlib, lazily
# --------------------------------------------------------------------------------------------


def _matplotlib() -> Any:
    """The matplotlib module, or an ImportError naming the extra that brings it."""
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError(f"the charts need matplotlib: {PLOT_EXTRA}") from exc
    return matplotlib


def _pyplot() -> Any:
    _matplotlib()
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - a broken matplotlib install
        raise ImportError(f"the charts need matplotlib: {PLOT_EXTRA}") from exc
    return plt


def _axes(ax: Axes | None, height_in: float) -> Axes:
    """``ax``, or the axes of a new pyplot figure (shown in a notebook, like pandas' plots)."""
    _matplotlib()
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=(WIDTH_IN, height_in), layout="constrained")
    return ax


def _level_axis(ax: Axes, lang: str, axis: str = "y") -> None:
    """Levels 0–5 with what 1, 3 and 5 mean."""
    ticks, labels = range(1, 6), LEVEL_TICKS[lang]
    if axis == "y":
        ax.set_ylim(0, 5.6)
        ax.set_yticks(ticks, labels=labels)
        ax.yaxis.grid(True, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)


def _dimension_ticks(ax: Axes, lang: str) -> None:
    ax.set_xticks(np.arange(len(_DIMS)), labels=[dimension_name(d, lang) for d in _DIMS])
    ax.set_xlim(-0.6, len(_DIMS) - 0.4)


def _legend_below(ax: Axes, handles: Sequence[Any] | None = None, *, ncol: int = 3,
                  below_pt: float = 24, **kwargs: Any) -> None:
    """A legend under the axes, ``below_pt`` points below (clear of tick and axis labels)."""
    from matplotlib.transforms import offset_copy

    where = offset_copy(ax.transAxes, fig=ax.figure, y=-below_pt, units="points")
    kw = {"handles": handles} if handles is not None else {}
    ax.legend(**kw, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=where,
              ncol=ncol, frameon=False, fontsize=9, **kwargs)


def _numbers(axis: Any, lang: str) -> None:
    """Tick labels written as the reader writes numbers (``1 200``, ``0,5`` in nb)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt(value, lang, decimals=2)))


def _plain(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


# --------------------------------------------------------------------------------------------
# What a subject says about veiledere (no matplotlib here)
# --------------------------------------------------------------------------------------------


def _is_plan(subject: Any) -> bool:
    """A :class:`~navkompetanse.Plan`, known by what it holds: the plan imports the report and
    the report these charts, so importing ``plan`` here would close a cycle."""
    return all(hasattr(subject, name) for name in
               ("office", "competence_map", "pairing", "allocation", "today", "comparison"))


@dataclass
class _People:
    """Levels, names and pairs a subject holds, in plain data."""

    levels: dict[str, tuple[int, ...]]
    names: Mapping[str, str]
    avdeling: dict[str, str | None] = field(default_factory=dict)
    pairs: dict[frozenset, Any] = field(default_factory=dict)  # Pair objects (leads, cover)
    office: str | None = None
    mean_need: tuple[float, ...] | None = None
    n_brukere: int = 0
    has_levels: bool = True


def _people(subject: Any) -> _People:
    from .analysis import CompetenceMap
    from .pairing import PairingResult

    if isinstance(subject, Office):
        from .analysis import competence_map

        cmap = competence_map(subject)
        return _people_of_map(cmap, office=subject.name)
    if _is_plan(subject):
        out = _people_of_map(subject.competence_map, office=subject.office.name)
        if not out.levels:  # a map without individual rows: the office has them
            out.levels = {v.ident: tuple(int(x) for x in v.effective_profile.as_array())
                          for v in subject.office.veiledere}
            out.avdeling = {v.ident: v.avdeling for v in subject.office.veiledere}
        out.names = dict(subject.names)
        if subject.pairing is not None:
            out.pairs = {frozenset(p.members): p for p in subject.pairing.pairs}
        return out
    if isinstance(subject, CompetenceMap):
        return _people_of_map(subject)
    if isinstance(subject, PairingResult):
        return _People(levels={}, names=dict(subject.names),
                       pairs={frozenset(p.members): p for p in subject.pairs},
                       has_levels=False)
    raise TypeError(f"expected an Office, a Plan, a CompetenceMap or a PairingResult, got "
                    f"{type(subject).__name__}")


def _people_of_map(cmap: Any, office: str | None = None) -> _People:
    return _People(
        levels={p.ident: tuple(int(x) for x in p.levels) for p in cmap.profiles},
        names=dict(cmap.names),
        avdeling={p.ident: p.avdeling for p in cmap.profiles},
        office=office,
        mean_need=tuple(float(d.mean_need) for d in cmap.dimensions) if cmap.dimensions
        else None,
        n_brukere=int(cmap.n_brukere),
    )


def _members(who: Any) -> tuple[str, str] | None:
    """The two idents of a pair given as a Pair or a sequence; None for one ident."""
    if isinstance(who, str):
        return None
    members = tuple(getattr(who, "members", who))
    if len(members) != 2 or members[0] == members[1] or not all(
            isinstance(m, str) for m in members):
        raise ValueError(f"who is one ident or a pair of two different idents, got {who!r}")
    return members  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# profile
# --------------------------------------------------------------------------------------------


def profile(subject: Any, who: str | Sequence[str] | Any = None, *, ax: Axes | None = None,
            lang: str = "nb") -> Axes:
    """Competence profile of one veileder, of a pair, or of the office on average.

    Parameters
    ----------
    subject : Office, Plan, CompetenceMap or PairingResult
        Where the levels come from. A PairingResult holds each pair's cover and who leads
        each kind of work, not the members' own levels: it draws a pair's cover only.
    who : str, a pair (two idents or a ``Pair``) or None
        One veileder: her level in each dimension. A pair: the two members' bars side by
        side, the pair's cover (the stronger member's level) marked over them and, where the
        subject holds the pairing, who leads each kind of work. None: the office's mean
        level beside its brukere's mean need (not for a PairingResult).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    lang : "nb" or "en"

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    KeyError
        ``who`` is not a veileder (or pair) of the subject.
    ValueError
        ``who`` is malformed, ``lang`` unknown, or the subject cannot show what is asked.
    ImportError
        matplotlib is not installed.
    """
    lang = check_lang(lang)
    _matplotlib()
    people = _people(subject)
    if who is None:
        if not people.has_levels:
            raise ValueError("a PairingResult holds pairs, not the office: name a pair, "
                             "e.g. profile(pairing, ('Z123456', 'Z654321'))")
        return _office_profile(people, _axes(ax, 3.6), lang)
    members = _members(who)
    if members is None:
        if who not in people.levels:
            if not people.has_levels:
                raise ValueError("a PairingResult holds the pairs' cover, not each "
                                 "veileder's levels: pass the Plan or the Office")
            raise KeyError(f"{who!r} is not a veileder of this {type(subject).__name__}")
        return _one_profile(people, who, _axes(ax, 3.6), lang)
    pair = people.pairs.get(frozenset(members))
    if all(m in people.levels for m in members):
        return _pair_profile(people, members, pair, _axes(ax, 3.6), lang)
    if pair is not None:
        return _pair_cover(people, pair, _axes(ax, 3.6), lang)
    missing = [m for m in members if m not in people.levels]
    raise KeyError(f"{', '.join(map(repr, missing or members))} not in this "
                   f"{type(subject).__name__}" + ("" if people.has_levels
                                                   else " (no such pair)"))


def _bar_labels(ax: Axes, bars: Any, values: Sequence[float], lang: str) -> None:
    ax.bar_label(bars, labels=[fmt(v, lang) for v in values], padding=2, fontsize=9)


def _one_profile(people: _People, ident: str, ax: Axes, lang: str) -> Axes:
    levels = people.levels[ident]
    bars = ax.bar(np.arange(len(_DIMS)), levels, width=0.6, color=BLUE)
    _bar_labels(ax, bars, levels, lang)
    ax.set_title(chart_phrase("profile", lang, who=person(ident, people.names)))
    _dimension_ticks(ax, lang)
    _level_axis(ax, lang)
    _plain(ax)
    return ax


def _pair_profile(people: _People, members: tuple[str, str], pair: Any, ax: Axes,
                  lang: str) -> Axes:
    from matplotlib.lines import Line2D

    a, b = members
    x = np.arange(len(_DIMS))
    width = 0.36
    handles = []
    for k, (ident, colour, hatch) in enumerate(((a, SKY, None), (b, ORANGE, "\\\\"))):
        levels = people.levels[ident]
        bars = ax.bar(x + (k - 0.5) * width, levels, width=width, color=colour, hatch=hatch,
                      edgecolor="white", linewidth=0.5, label=person(ident, people.names))
        _bar_labels(ax, bars, levels, lang)
        handles.append(bars)
    cover = np.maximum(people.levels[a], people.levels[b])
    ax.hlines(cover, x - width - 0.04, x + width + 0.04, colors=INK, linewidth=2.2, zorder=3)
    handles.append(Line2D([], [], color=INK, linewidth=2.2, label=chart_phrase("cover", lang)))
    if pair is not None:  # the pairing says who leads each kind of work
        lead_x, lead_y = [], []
        for d, dim in enumerate(DIMENSIONS):
            for ident in pair.leads.get(dim, ()):
                lead_x.append(x[d] + (members.index(ident) - 0.5) * width)
                lead_y.append(people.levels[ident][d] + 0.55)
        ax.scatter(lead_x, lead_y, marker="v", s=36, color=INK, zorder=4)
        handles.append(Line2D([], [], linestyle="", marker="v", color=INK,
                              label=chart_phrase("leads", lang)))
    ax.set_title(chart_phrase("pair_profile", lang, a=person(a, people.names),
                              b=person(b, people.names)))
    _dimension_ticks(ax, lang)
    _level_axis(ax, lang)
    ax.set_ylim(0, 6.2)
    _legend_below(ax, handles, ncol=2)
    _plain(ax)
    return ax


def _pair_cover(people: _People, pair: Any, ax: Axes, lang: str) -> Axes:
    """A pair from a PairingResult: its cover, each bar coloured by the member who leads."""
    from matplotlib.patches import Patch

    a, b = pair.members
    cover = [pair.combined_profile[d] for d in DIMENSIONS]
    style = {(a,): (SKY, None), (b,): (ORANGE, "\\\\"), (a, b): (GREEN, "//")}
    for d, dim in enumerate(DIMENSIONS):
        leads = tuple(sorted(pair.leads.get(dim, (a, b)), key=(a, b).index))
        colour, hatch = style.get(leads, style[(a, b)])
        bars = ax.bar([d], [cover[d]], width=0.6, color=colour, hatch=hatch, edgecolor="white")
        _bar_labels(ax, bars, [cover[d]], lang)
    handles = [Patch(facecolor=SKY, label=person(a, people.names)),
               Patch(facecolor=ORANGE, hatch="\\\\", edgecolor="white",
                     label=person(b, people.names)),
               Patch(facecolor=GREEN, hatch="//", edgecolor="white",
                     label=chart_phrase("both_lead", lang))]
    _legend_below(ax, handles, title=chart_phrase("leads", lang))
    ax.set_title(chart_phrase("pair_cover_only", lang, a=person(a, people.names),
                              b=person(b, people.names)))
    _dimension_ticks(ax, lang)
    _level_axis(ax, lang)
    _plain(ax)
    return ax


def _office_profile(people: _People, ax: Axes, lang: str) -> Axes:
    x = np.arange(len(_DIMS))
    n = len(people.levels)
    level = (np.mean(np.array(list(people.levels.values()), dtype=float), axis=0) if n
             else np.zeros(len(_DIMS)))
    series = [(level, BLUE, None, chart_phrase("mean_level", lang, n=fmt(n, lang)))]
    if people.mean_need is not None and people.n_brukere:
        series.append((np.array(people.mean_need), ORANGE, "//",
                       chart_phrase("mean_need", lang, n=fmt(people.n_brukere, lang))))
    width = 0.8 / len(series)
    for k, (values, colour, hatch, label) in enumerate(series):
        bars = ax.bar(x + (k - (len(series) - 1) / 2) * width, values, width=width,
                      color=colour, hatch=hatch, edgecolor="white", label=label)
        ax.bar_label(bars, labels=[fmt(v, lang) for v in values], padding=2, fontsize=9)
    office = people.office or chart_phrase("office", lang)
    ax.set_title(chart_phrase("office_profile", lang, office=office))
    _dimension_ticks(ax, lang)
    _level_axis(ax, lang)
    _legend_below(ax, ncol=2)
    _plain(ax)
    return ax


# --------------------------------------------------------------------------------------------
# coverage
# --------------------------------------------------------------------------------------------


def coverage(subject: Any, *, ax: Axes | None = None, lang: str = "nb") -> Axes:
    """The office's competence as a heatmap: one row per veileder, one column per dimension.

    Each cell is the veileder's level (1–5), coloured on a single-hue scale and written out;
    rows are grouped by avdeling (named on the right, a rule between groups), in office
    order within one, and named as the office names them.

    Parameters
    ----------
    subject : Office, Plan or CompetenceMap
        A CompetenceMap must hold its profiles (the leader's map, not a shared one).
    ax : matplotlib Axes, optional
        Where to draw; a new figure (its height grows with the veiledere) when None.
    lang : "nb" or "en"

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        The subject holds no veiledere's levels (a PairingResult, say).
    ValueError
        There is no veileder to draw, or ``lang`` is unknown.
    """
    lang = check_lang(lang)
    _matplotlib()
    people = _people(subject)
    if not people.has_levels:
        raise TypeError("a PairingResult holds pairs, not each veileder's levels: pass the "
                        "Plan, the Office or the CompetenceMap")
    if not people.levels:
        raise ValueError("no veileder's levels to draw (a map for sharing holds none)")
    from matplotlib.colors import BoundaryNorm, ListedColormap

    groups = sorted({people.avdeling.get(i) for i in people.levels},
                    key=lambda a: (a is None, a or ""))
    idents = [i for g in groups for i in people.levels if people.avdeling.get(i) == g]
    grid = np.array([people.levels[i] for i in idents], dtype=float)
    n = len(idents)
    ax = _axes(ax, max(2.4, 0.3 * n + 1.3))
    ax.pcolormesh(grid, cmap=ListedColormap(_LEVEL_COLOURS),
                  norm=BoundaryNorm(np.arange(0.5, 6.0), len(_LEVEL_COLOURS)),
                  edgecolors="white", linewidth=1.5)
    for r in range(n):
        for c in range(len(_DIMS)):
            level = int(grid[r, c])
            ax.text(c + 0.5, r + 0.5, fmt(level, lang), ha="center", va="center", fontsize=9,
                    color="white" if level >= 4 else INK)
    ax.set_xticks(np.arange(len(_DIMS)) + 0.5, labels=[dimension_name(d, lang) for d in _DIMS])
    ax.xaxis.tick_top()
    ax.set_yticks(np.arange(n) + 0.5, labels=[person(i, people.names) for i in idents])
    ax.set_xlim(0, len(_DIMS))
    ax.set_ylim(n, 0)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if any(g is not None for g in groups):
        centres, labels, start = [], [], 0
        for g in groups:
            size = sum(people.avdeling.get(i) == g for i in idents)
            centres.append(start + size / 2)
            labels.append(g if g is not None else chart_phrase("no_avdeling", lang))
            if start:
                ax.axhline(start, color=INK, linewidth=1.6)
            start += size
        right = ax.secondary_yaxis("right")
        right.set_yticks(centres, labels=labels)
        right.tick_params(length=0)
        right.spines["right"].set_visible(False)
    ax.set_title(chart_phrase("coverage", lang))
    return ax


# --------------------------------------------------------------------------------------------
# loads
# --------------------------------------------------------------------------------------------


def _allocation_of(subject: Any) -> Any:
    from .allocation import AllocationResult
    if _is_plan(subject):
        return subject.allocation
    if isinstance(subject, AllocationResult):
        return subject
    raise TypeError(f"expected an AllocationResult or a Plan, got {type(subject).__name__}")


def loads(allocation: Any, *, ax: Axes | None = None, lang: str = "nb") -> Axes:
    """Load against capacity per unit (veileder or pair): a bar each, capacity marked.

    Bars are the workload points given to the unit, the black mark its capacity (a pair's
    is the members' together less the coordination overhead); a unit over its capacity is
    red and hatched, with its load as a share of capacity written beside it. Units in the
    result's order, named as the office names them.

    Parameters
    ----------
    allocation : AllocationResult or Plan
        A Plan draws its proposal (``plan.allocation``); pass ``plan.today`` for today's.
    ax : matplotlib Axes, optional
        Where to draw; a new figure (its height grows with the units) when None.
    lang : "nb" or "en"

    Returns
    -------
    matplotlib.axes.Axes
    """
    lang = check_lang(lang)
    _matplotlib()
    result = _allocation_of(allocation)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .text import percent
    from .text.allocation import result_label

    units = list(result.units.values())
    if not units:
        raise ValueError("the allocation has no units to draw")
    n = len(units)
    ax = _axes(ax, max(2.4, 0.32 * n + 1.5))
    y = np.arange(n)
    load = np.array([u.load_points for u in units])
    cap = np.array([u.capacity_points for u in units])
    over = load > cap + 1e-9
    bars = ax.barh(y, load, height=0.62, color=[VERMILLION if o else BLUE for o in over])
    for bar, o in zip(bars, over, strict=True):
        if o:
            bar.set_hatch("//")
            bar.set_edgecolor("white")
    ax.vlines(cap, y - 0.42, y + 0.42, colors=INK, linewidth=2.2, zorder=3)
    span = float(max(load.max(), cap.max(), 1.0))
    for k in np.flatnonzero(over):
        ax.text(max(load[k], cap[k]) + 0.01 * span, y[k],
                percent(load[k] / cap[k], lang, 0) if cap[k] > 0 else "∞",
                va="center", fontsize=8.5, color=VERMILLION)
    ax.set_yticks(y, labels=[unit_label(u.id, result.names) for u in units])
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, span * 1.1)
    ax.set_xlabel(chart_phrase("points", lang))
    _numbers(ax.xaxis, lang)
    ax.xaxis.grid(True, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    handles = [Patch(facecolor=BLUE, label=chart_phrase("load", lang)),
               Line2D([], [], color=INK, linewidth=2.2, label=chart_phrase("capacity", lang))]
    if over.any():
        handles.append(Patch(facecolor=VERMILLION, hatch="//", edgecolor="white",
                             label=chart_phrase("over", lang)))
    _legend_below(ax, handles, below_pt=36)
    ax.set_title(chart_phrase("loads", lang, label=result_label(result.kind, lang)))
    _plain(ax)
    return ax


# --------------------------------------------------------------------------------------------
# shortfall
# --------------------------------------------------------------------------------------------


def _side_labels(a: Any, b: Any, lang: str) -> tuple[str, str]:
    from .text.allocation import result_label

    la, lb = result_label(a.kind, lang), result_label(b.kind, lang)
    return (f"{la} 1", f"{lb} 2") if la == lb else (la, lb)


def _comparison_label(label: str, source_lang: str, lang: str) -> str:
    """A comparison's side label (made in ``source_lang``) in ``lang``, by its kind."""
    from .allocation.result import KINDS
    from .text.allocation import result_label

    for kind in KINDS:
        if result_label(kind, source_lang) == label:
            return result_label(kind, lang)
    return label


def shortfall(subject: Any, *, ax: Axes | None = None, lang: str = "nb") -> Axes:
    """How many brukere miss how many levels, today and in the proposal, side by side.

    A bruker's shortfall is the levels her unit lacks against her needs, summed over the
    four dimensions (0: fully covered). The bars count brukere at each shortfall; the legend
    gives each side's mean. A side without a distribution is named, without bars.

    Parameters
    ----------
    subject : Plan, (AllocationResult, AllocationResult) or Comparison
        A Plan draws ``(plan.today, plan.allocation)``. A Comparison holds the two sides'
        summaries, not each bruker's shortfall: it draws the mean and the 90th percentile
        side by side.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    lang : "nb" or "en"

    Returns
    -------
    matplotlib.axes.Axes
    """
    lang = check_lang(lang)
    _matplotlib()
    from .allocation import AllocationResult, Comparison
    if isinstance(subject, Comparison):
        return _comparison_shortfall(subject, _axes(ax, 3.6), lang)
    if _is_plan(subject):
        a, b = subject.today, subject.allocation
    elif (isinstance(subject, Sequence) and len(subject) == 2
          and all(isinstance(r, AllocationResult) for r in subject)):
        a, b = subject
    else:
        raise TypeError("expected a Plan, a Comparison or a pair (today, proposal) of "
                        f"AllocationResults, got {type(subject).__name__}")
    ax = _axes(ax, 3.6)
    labels = _side_labels(a, b, lang)
    totals = [np.array([p.total_shortfall for p in r.placements.values() if p.unit is not None],
                       dtype=int) if r.ok else None for r in (a, b)]
    top = max([int(t.max()) for t in totals if t is not None and t.size] + [1])
    x = np.arange(top + 1)
    width = 0.4
    for k, (values, label, colour, hatch) in enumerate(
            zip(totals, labels, (ORANGE, BLUE), ("//", None), strict=True)):
        if values is None:
            ax.bar([], [], color=colour, hatch=hatch, edgecolor="white",
                   label=chart_phrase("no_distribution", lang, label=label))
            continue
        counts = np.bincount(values, minlength=top + 1)
        mean = fmt(values.mean() if values.size else 0.0, lang, decimals=2)
        ax.bar(x + (k - 0.5) * width, counts, width=width, color=colour, hatch=hatch,
               edgecolor="white", label=chart_phrase("with_mean", lang, label=label, mean=mean))
    ax.set_xticks(x, labels=[fmt(v, lang) for v in x])
    ax.set_xlabel(chart_phrase("shortfall_x", lang))
    ax.set_ylabel(chart_phrase("shortfall_y", lang))
    _numbers(ax.yaxis, lang)
    ax.yaxis.grid(True, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(frameon=False, fontsize=9)
    ax.set_title(chart_phrase("shortfall", lang, a=labels[0], b=labels[1]))
    _plain(ax)
    return ax


def _comparison_shortfall(comparison: Any, ax: Axes, lang: str) -> Axes:
    from .text.allocation import metric_labels

    keys = ("mean_shortfall", "p90_shortfall")
    words = metric_labels(lang)
    labels = [_comparison_label(comparison.a_label, comparison.lang, lang),
              _comparison_label(comparison.b_label, comparison.lang, lang)]
    x = np.arange(len(keys))
    width = 0.36
    for k, (side, colour, hatch) in enumerate((("a", ORANGE, "//"), ("b", BLUE, None))):
        values = [float(getattr(comparison[key], side)) for key in keys]
        shown = [v if np.isfinite(v) else 0.0 for v in values]
        bars = ax.bar(x + (k - 0.5) * width, shown, width=width, color=colour, hatch=hatch,
                      edgecolor="white", label=labels[k])
        ax.bar_label(bars, labels=[fmt(v, lang, decimals=2) for v in values], padding=2,
                     fontsize=9)
    ax.set_xticks(x, labels=[words[key] for key in keys])
    ax.set_ylabel(chart_phrase("levels_missing", lang))
    _numbers(ax.yaxis, lang)
    ax.yaxis.grid(True, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(frameon=False, fontsize=9)
    ax.set_title(chart_phrase("shortfall", lang, a=labels[0], b=labels[1]))
    _plain(ax)
    return ax


# --------------------------------------------------------------------------------------------
# learning network
# --------------------------------------------------------------------------------------------


def office_graph(office: Office, pairs: Sequence[Sequence[str]] | None = None) -> Any:
    """The office's learning network as a networkx DiGraph, the way the chart reads it.

    The conventions of ``analysis.learning``'s ``LearningNetwork.graph``: nodes are the
    veiledere in office order, with ``avdeling``, ``name`` and their four levels (one
    attribute per dimension); an edge mentor → learner has ``kind="learning"`` and its
    ``dimension`` (None for a general relation); a pair (``office.pairs`` unless ``pairs`` is
    given: a plan's proposal) is a ``kind="pair"`` edge both ways, and a learning edge
    between partners has ``pair=True``.
    """
    import networkx as nx

    graph = nx.DiGraph()
    for v in office.veiledere:
        graph.add_node(v.ident, avdeling=v.avdeling, name=v.name,
                       **{d.value: v.effective_profile[d] for d in DIMENSIONS})
    for a, b in (office.pairs if pairs is None else pairs):
        graph.add_edge(a, b, kind="pair", pair=True)
        graph.add_edge(b, a, kind="pair", pair=True)
    for r in office.learning_relations:
        partners = graph.has_edge(r.mentor, r.learner)
        graph.add_edge(r.mentor, r.learner, kind="learning", pair=partners,
                       dimension=r.dimension.value if r.dimension is not None else None)
    return graph


def _network_of(subject: Any) -> Any:
    import networkx as nx

    if isinstance(subject, nx.Graph):
        return subject
    graph = getattr(subject, "graph", None)
    if isinstance(graph, nx.Graph):
        return graph
    if _is_plan(subject):
        return office_graph(subject.office, subject.pairs)
    if isinstance(subject, Office):
        try:
            from .analysis.learning import learning_network as build
        except ImportError:  # the analysis is not there: the office's relations and pairs
            return office_graph(subject)
        return build(subject).graph
    raise TypeError("expected a learning network (with .graph), a networkx graph, a Plan or "
                    f"an Office, got {type(subject).__name__}")


def _layout(graph: Any) -> dict[Any, np.ndarray]:
    """Positions of the nodes: networkx's spring layout with a fixed seed, where colleagues
    of one avdeling pull weakly together (so avdelinger read as groups and a relation across
    them as a long line), then points closer than a label's width pushed apart."""
    import networkx as nx

    nodes = list(graph.nodes)
    avdeling = [graph.nodes[n].get("avdeling") for n in nodes]
    springs = nx.Graph()
    springs.add_nodes_from(nodes)
    for i, a in enumerate(nodes):
        for j in range(i + 1, len(nodes)):
            if avdeling[i] is not None and avdeling[i] == avdeling[j]:
                springs.add_edge(a, nodes[j], weight=AVDELING_PULL)
    springs.add_edges_from(graph.to_undirected(as_view=True).edges, weight=1.0)
    pos = nx.spring_layout(springs, seed=LAYOUT_SEED, k=2.5 / np.sqrt(max(len(nodes), 1)),
                           iterations=300, weight="weight")
    xy = np.array([pos[n] for n in nodes], dtype=float)
    if len(nodes) > 1:
        xy = _spread(xy)
    return {n: xy[i] for i, n in enumerate(nodes)}


def _spread(xy: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Push apart points closer than :data:`MIN_GAP` of the drawing's extent (x and y
    scaled to the unit square first): a few symmetric steps, the same every time."""
    span = np.ptp(xy, axis=0)
    xy = (xy - xy.min(axis=0)) / np.where(span > 0, span, 1.0)
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.hypot(delta[..., 0], delta[..., 1])
        np.fill_diagonal(dist, np.inf)
        close = dist < MIN_GAP
        if not close.any():
            break
        near = np.where(close, dist, MIN_GAP)  # the diagonal (inf) never enters the sum
        push = np.where(close, (MIN_GAP - near) / np.maximum(near, 1e-9) / 2, 0.0)
        xy = xy + (delta * push[..., None]).sum(axis=1) * 0.5
    return xy


def learning_network(subject: Any, *, ax: Axes | None = None, lang: str = "nb") -> Axes:
    """The learning network: who learns from whom, across which avdelinger, and the pairs.

    Veiledere are points coloured (and shaped) by avdeling; a learning relation is an arrow
    towards the one who learns; a pair is a dashed red line. A veileder in no learning
    relation is drawn hollow — the ones to bring into the network. The layout is networkx's
    spring layout with a fixed seed, so the same network is the same drawing every time.

    Parameters
    ----------
    subject : learning network, networkx graph, Plan or Office
        Anything with a networkx ``.graph`` (``analysis.learning``'s result), or a graph
        whose nodes may carry ``avdeling`` and ``name`` and whose edges may carry ``kind``
        (``"learning"``, the default, or ``"pair"``); a plain graph draws in one colour.
        An Office draws its learning relations and today's pairs, a Plan the office's
        learning relations and the plan's pairs (:func:`office_graph`).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    lang : "nb" or "en"

    Returns
    -------
    matplotlib.axes.Axes
    """
    lang = check_lang(lang)
    _matplotlib()
    graph = _network_of(subject)
    if graph.number_of_nodes() == 0:
        raise ValueError("the learning network has no veiledere to draw")
    import networkx as nx
    from matplotlib.lines import Line2D

    ax = _axes(ax, 6.0)
    nodes = list(graph.nodes)
    pos = _layout(graph)
    directed = graph.is_directed()
    learning, other = [], []
    pairs: dict[frozenset, tuple[Any, Any]] = {}  # a pair is drawn once, however stored
    for u, v, data in graph.edges(data=True):
        kind = data.get("kind", "learning")
        if kind == "pair" or data.get("pair"):
            pairs.setdefault(frozenset((u, v)), (u, v))
        if kind != "pair":
            (learning if kind == "learning" else other).append((u, v))
    avdeling = {n: graph.nodes[n].get("avdeling") for n in nodes}
    in_learning = {n for e in learning + other for n in e}
    across = sum(avdeling[u] is not None and avdeling[v] is not None and avdeling[u] != avdeling[v]
                 for u, v in learning)
    size = 170 if len(nodes) <= MAX_NODE_LABELS else 60
    common = {"ax": ax, "node_size": size}
    if learning:
        nx.draw_networkx_edges(graph, pos, edgelist=learning, arrows=directed,
                               arrowstyle="-|>", arrowsize=11, width=1.1,
                               edge_color="#555555", **common)
    if pairs:
        nx.draw_networkx_edges(graph, pos, edgelist=list(pairs.values()), arrows=False,
                               style="--", width=2.4, edge_color=VERMILLION, **common)
    if other:
        nx.draw_networkx_edges(graph, pos, edgelist=other, arrows=directed, style=":",
                               arrowstyle="-|>", arrowsize=9, width=1.1, edge_color=GREY,
                               **common)
    groups = sorted(set(avdeling.values()), key=lambda a: (a is None, a or ""))
    handles = []
    for k, group in enumerate(groups):
        colour = GREY if group is None else _GROUP_COLOURS[k % len(_GROUP_COLOURS)]
        marker = _GROUP_MARKERS[k % len(_GROUP_MARKERS)]
        members = [n for n in nodes if avdeling[n] == group]
        for hollow in (False, True):
            chosen = [n for n in members if (n not in in_learning) == hollow]
            if not chosen:
                continue
            xy = np.array([pos[n] for n in chosen])
            ax.scatter(xy[:, 0], xy[:, 1], s=size, marker=marker, zorder=3,
                       facecolors="white" if hollow else colour,
                       edgecolors=colour if hollow else "white",
                       linewidths=1.8 if hollow else 0.8)
        if len(groups) > 1 or group is not None:
            label = group if group is not None else chart_phrase("no_avdeling", lang)
            handles.append(Line2D([], [], linestyle="", marker=marker, markersize=8,
                                  markerfacecolor=colour, markeredgecolor="white", label=label))
    if len(nodes) <= MAX_NODE_LABELS:
        ys = np.array([pos[n][1] for n in nodes])
        drop = 0.045 * float(max(ys.max() - ys.min(), 1e-9))
        for n in nodes:
            name = graph.nodes[n].get("name")
            ax.text(pos[n][0], pos[n][1] - drop, name or str(n), ha="center", va="top",
                    fontsize=7.5, color=INK, zorder=4)
    if learning:
        handles.append(Line2D([], [], color="#555555", linewidth=1.1, marker=">",
                              markersize=5, label=chart_phrase("learning_edge", lang)))
    if pairs:
        handles.append(Line2D([], [], color=VERMILLION, linewidth=2.4, linestyle="--",
                              label=chart_phrase("pair_edge", lang)))
    if other:
        handles.append(Line2D([], [], color=GREY, linewidth=1.1, linestyle=":",
                              label=chart_phrase("other_edge", lang)))
    alone = len(nodes) - len(in_learning & set(nodes))
    if alone:
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=8,
                              markerfacecolor="white", markeredgecolor=GREY,
                              markeredgewidth=1.8, label=chart_phrase("alone", lang)))
    _legend_below(ax, handles, below_pt=0)
    ax.set_title(chart_phrase("network", lang) + "\n" + chart_phrase(
        "network_counts", lang, n=fmt(len(learning), lang), k=fmt(across, lang),
        m=fmt(alone, lang)), fontsize=11)
    ax.set_axis_off()
    ax.margins(0.08)
    return ax


# --------------------------------------------------------------------------------------------
# SVG for the report
# --------------------------------------------------------------------------------------------

_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)([)"])')


def _figure(ax_or_figure: Any) -> Figure:
    from matplotlib.figure import Figure, SubFigure

    fig = ax_or_figure
    while not isinstance(fig, Figure):
        if not isinstance(fig, SubFigure) and not hasattr(fig, "figure"):
            raise TypeError(f"expected a matplotlib Axes or Figure, got {type(fig).__name__}")
        fig = fig.figure
    return fig


def to_svg(ax_or_figure: Any, *, close: bool = True) -> str:
    """The chart as an inline SVG string for an HTML page: ``<svg …>…</svg>``.

    Self-contained and deterministic: no XML declaration or DOCTYPE (it goes inside HTML),
    no metadata, no date, no external reference (text stays text in the reader's sans-serif
    font, nothing is downloaded), matplotlib's ids salted with a fixed salt, and every id
    prefixed with a hash of the drawing, so several charts on one page never share an id and
    the same chart gives the same string. The chart's titles become the SVG's ``<title>``
    (what a screen reader says). A figure with a layout engine (every chart of this module:
    constrained layout) is laid out once and drawn at its own size, 8 inches wide; one
    without is cropped to what is drawn.

    Parameters
    ----------
    ax_or_figure : matplotlib Axes or Figure
    close : bool
        Close the figure in pyplot afterwards (default), so a report that draws many charts
        leaves no figure open and a notebook does not show them again; False keeps it.

    Returns
    -------
    str
    """
    mpl = _matplotlib()
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    fig = _figure(ax_or_figure)
    titles = [t for a in fig.axes if (t := a.get_title().replace("\n", " – "))]
    buf = io.StringIO()
    # text stays text; its font list is the one matplotlib measured with (the first it
    # found), then the reader's sans-serif: a shorter style on every label (a quarter of a
    # heatmap's SVG)
    from matplotlib import font_manager

    measured = font_manager.FontProperties(family=["sans-serif"]).get_name()
    metadata = {"Date": None, **({"Title": "; ".join(titles)} if titles else {})}
    engine = fig.get_layout_engine()
    with mpl.rc_context({"svg.hashsalt": SVG_SALT, "svg.fonttype": "none",
                         "font.sans-serif": [measured], "figure.autolayout": False,
                         "figure.constrained_layout.use": False}):
        if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
            # the figure's own layout (constrained: the charts of this module) once, then
            # drawn as laid out, with no engine (None: savefig draws an extra time to lay
            # out a figure with any engine, and a tight crop measures every text again;
            # together 2-3 times the cost of the drawing itself)
            engine.execute(fig)
            fig.set_layout_engine(None)
            try:
                fig.savefig(buf, format="svg", metadata=metadata)
            finally:
                fig.set_layout_engine(engine)
        else:  # laid out by hand (or not at all): crop to what is drawn
            fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.08,
                        metadata=metadata)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    prefix = "nk" + hashlib.sha256(svg.encode("utf-8")).hexdigest()[:8] + "-"
    ids = set(_ID.findall(svg))
    if ids:  # matplotlib's ids and the references to them, by lookup (not one big pattern)
        svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"' if m.group(1) in ids
                      else m.group(0), svg)
        svg = _REF.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}{m.group(3)}"
                       if m.group(2) in ids else m.group(0), svg)
    # an inline <style> is global in an HTML page: scope matplotlib's to this drawing
    svg = svg.replace("<svg ", f'<svg id="{prefix}svg" role="img" ', 1)
    svg = svg.replace("<style type=\"text/css\">*{", f'<style type="text/css">#{prefix}svg *{{', 1)
    if close and "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(fig)
    return svg.strip() + "\n"
