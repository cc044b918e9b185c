"""The main job as text, JSON and HTML: what ``navkompetanse demo`` and ``plan`` print."""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .allocation import allocate_portfolios, compare, status_quo
from .analysis import competence_map
from .models import Office
from .pairing import PairingResult, pair_veiledere
from .policy import Policy
from .results import strict_json

__all__ = ["office_summary_text", "run_plan"]


def office_summary_text(office: Office, lang: str = "nb") -> str:
    """The office in a few lines: staff, positions, brukere by innsatsgruppe."""
    s = office.summary()
    nb = lang == "nb"
    lines = [
        f"{s['name']} (enhet {s['enhet']})",
        (f"  {s['n_veiledere']} veiledere, {s['full_positions']} årsverk, avdelinger: "
         if nb else f"  {s['n_veiledere']} veiledere, {s['full_positions']} full positions, "
         "avdelinger: ") + (", ".join(s["avdelinger"]) or "–"),
        (f"  {s['n_brukere']} brukere, {s['tunge_saker']} tunge saker, "
         f"{s['ikke_digitale']} ikke digitale, {s['ufordelte']} ufordelte"
         if nb else f"  {s['n_brukere']} brukere, {s['tunge_saker']} heavy cases, "
         f"{s['ikke_digitale']} not digital, {s['ufordelte']} unassigned"),
    ]
    for group, n in s["brukere_by_innsatsgruppe"].items():
        lines.append(f"    {group:<34} {n:>6}")
    return "\n".join(lines)


def _section(title: str) -> str:
    return f"\n{title}\n{'=' * len(title)}"


def run_plan(
    office: Office,
    *,
    out: TextIO,
    lang: str = "nb",
    json_path: Path | None = None,
    report_path: Path | None = None,
    time_limit: float = 10.0,
    max_moves: int | None = None,
    with_pairs: bool = True,
    policy: Policy | None = None,
) -> int:
    """Print the plan for ``office``; write JSON and HTML when asked. Returns an exit code."""
    policy = policy or Policy()
    nb = lang == "nb"
    sections: list[tuple[str, str]] = []

    def emit(title: str, body: str) -> None:
        sections.append((title, body))
        print(_section(title), file=out)
        print(body, file=out)

    emit("Kontoret" if nb else "The office", office_summary_text(office, lang))
    cmap = competence_map(office, policy)
    emit("Kompetansekart" if nb else "Competence map", cmap.render(lang))
    payload: dict[str, Any] = {
        "office": office.summary(),
        "competence_map": cmap.to_dict(),
    }
    pairing = None
    if with_pairs:
        pairing = pair_veiledere(office, policy=policy, time_limit=time_limit)
        emit("Veileder-par" if nb else "Veileder-pairs", _pairs_text(pairing, lang))
        payload["pairing"] = pairing.to_dict()
    today = status_quo(office, policy=policy)
    proposal = allocate_portfolios(
        office, pairs=pairing if pairing is not None else (), policy=policy,
        max_moves=max_moves, time_limit=time_limit,
    )
    emit(
        "Fordeling: forslag mot i dag" if nb else "Allocation: proposed against today",
        "\n".join([proposal.describe(lang), "", str(compare(today, proposal, lang=lang))]),
    )
    payload["allocation"] = proposal.to_dict()
    payload["today"] = today.metrics()
    if json_path is not None:
        text = json.dumps(strict_json(payload), indent=2, ensure_ascii=False, allow_nan=False)
        json_path.write_text(text, encoding="utf-8")
        print(f"\n{'Skrev' if nb else 'Wrote'} {json_path}", file=out)
    if report_path is not None:
        report_path.write_text(_html(office, sections, lang), encoding="utf-8")
        print(f"{'Skrev rapport' if nb else 'Wrote report'} {report_path}", file=out)
    if not proposal.ok:
        print(proposal.describe(lang), file=sys.stderr)
        return 3
    return 0


def _pairs_text(pairing: PairingResult, lang: str) -> str:
    """The pairing summary, then each pair with its division of labour."""
    parts = [pairing.explain(lang=lang)]
    parts += [f"- {pairing.explain(pair, lang=lang)}" for pair in pairing.pairs]
    if pairing.singles:
        parts.append("Alene:" if lang == "nb" else "Single:")
        parts += [f"- {pairing.explain(ident, lang=lang)}" for ident in sorted(pairing.singles)]
    return "\n".join(parts)


def _html(office: Office, sections: list[tuple[str, str]], lang: str) -> str:
    body = "\n".join(
        f"<h2>{html.escape(title)}</h2>\n<pre>{html.escape(text)}</pre>" for title, text in sections
    )
    title = html.escape(f"navkompetanse — {office.name}")
    return (
        f'<!doctype html>\n<html lang="{"nb" if lang == "nb" else "en"}">'
        f'<head><meta charset="utf-8"><title>{title}</title>'
        f"<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}"
        f"pre{{background:#f6f6f6;padding:1em;overflow-x:auto}}</style></head>"
        f"<body><h1>{title}</h1>\n{body}\n</body></html>\n"
    )
