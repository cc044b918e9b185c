"""Command line: ``navkompetanse demo | plan | synth | validate | schema``.

Exit codes: 0 success, 1 usage, 2 invalid input, 3 infeasible problem.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .exceptions import InfeasibleError, InvalidInputError

__all__ = ["EXIT_INFEASIBLE", "EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK, EXIT_USAGE, EXIT_INVALID, EXIT_INFEASIBLE = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors; SPEC.md reserves 2 for invalid input, so use 1."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return value


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more, got {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="navkompetanse",
        description="Competence-aware veileder-pairs and portfolio allocation for a NAV office.",
    )
    parser.add_argument("--lang", choices=("nb", "en"), default="nb",
                        help="language of explanations and reports (default: nb, bokmål)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = sub.add_parser("demo", help="the whole job on the built-in example office")
    demo.add_argument("--report", type=Path, default=Path("navkompetanse-demo.html"),
                      help="where to write the HTML report (default: %(default)s)")
    demo.add_argument("--no-report", action="store_true", help="do not write the HTML report")

    plan = sub.add_parser("plan", help="pairs and allocation for an office file")
    plan.add_argument("office", type=Path, help="office JSON file or CSV folder")
    plan.add_argument("--json", type=Path, help="write the plan as JSON here")
    plan.add_argument("--report", type=Path, help="write an HTML report here")
    plan.add_argument("--time-limit", type=_positive_seconds, default=10.0,
                      help="seconds (default 10)")
    plan.add_argument("--max-moves", type=_count, default=None,
                      help="move at most this many brukere from their current veileder")
    plan.add_argument("--no-pairs", action="store_true", help="allocate to single veiledere only")

    synth = sub.add_parser("synth", help="write a synthetic office")
    synth.add_argument("--veiledere", type=int, default=25)
    synth.add_argument("--brukere", type=int, default=1800)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("-o", "--output", type=Path, required=True,
                       help="office.json, or a folder for CSV files")

    validate = sub.add_parser("validate", help="list every problem in an office file")
    validate.add_argument("office", type=Path)

    sub.add_parser("schema", help="print the JSON Schema of the office format")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = out or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (1)
        return int(exc.code or 0)
    command = {
        "demo": _demo, "plan": _plan, "synth": _synth, "validate": _validate, "schema": _schema,
    }[args.command]
    try:
        return command(args, out)
    except InvalidInputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    except InfeasibleError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INFEASIBLE
    except OSError as exc:  # a path that is not there, not writable, a file for a folder ...
        print(f"navkompetanse: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    from .io import office_json_schema

    print(json.dumps(office_json_schema(), indent=2, ensure_ascii=False), file=out)
    return EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    from .io import load_office

    office = load_office(args.office)
    s = office.summary()
    print(
        f"OK: {args.office} — {s['name']} ({s['enhet']}), {s['n_veiledere']} veiledere, "
        f"{s['n_brukere']} brukere, {s['ufordelte']} ufordelte",
        file=out,
    )
    return EXIT_OK


def _synth(args: argparse.Namespace, out: TextIO) -> int:
    from .io import save_office
    from .synthetic import synthetic_office

    try:
        office = synthetic_office(args.veiledere, args.brukere, seed=args.seed)
    except ValueError as exc:
        print(f"navkompetanse synth: {exc}", file=sys.stderr)
        return EXIT_USAGE
    save_office(office, args.output)
    print(f"wrote {args.output}: {office.n_veiledere} veiledere, {office.n_brukere} brukere",
          file=out)
    return EXIT_OK


def _plan(args: argparse.Namespace, out: TextIO) -> int:
    from .io import load_office
    from .report import run_plan

    office = load_office(args.office)
    return run_plan(
        office, out=out, lang=args.lang, json_path=args.json, report_path=args.report,
        time_limit=args.time_limit, max_moves=args.max_moves, with_pairs=not args.no_pairs,
    )


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from .report import run_plan
    from .synthetic import load_example_office

    started = time.perf_counter()
    office = load_example_office()
    code = run_plan(
        office, out=out, lang=args.lang, json_path=None,
        report_path=None if args.no_report else args.report, time_limit=10.0, max_moves=None,
        with_pairs=True,
    )
    print(f"\n({time.perf_counter() - started:.1f} s)", file=out)
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
