"""Command line: ``navkompetanse demo | plan | synth | validate | schema | plan-many``.

Exit codes: 0 success, 1 usage, 2 invalid input, 3 infeasible problem. An office with more
work than capacity gets a plan (exit 0) that says so first; ``--strict-capacity`` makes it
infeasible (exit 3).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from .exceptions import InfeasibleError, InvalidInputError, Problem
from .privacy import mask_fodselsnummer, mask_text

__all__ = ["EXIT_INFEASIBLE", "EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK, EXIT_USAGE, EXIT_INVALID, EXIT_INFEASIBLE = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors; SPEC.md reserves 2 for invalid input, so use 1."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        # argparse repeats the bad value; a fødselsnummer typed into any flag is never echoed
        self.exit(EXIT_USAGE, f"{self.prog}: error: {mask_text(message)}\n")


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return value


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a date is written YYYY-MM-DD, like 2027-01-04, got {mask_text(text)!r}") from None


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more, got {text!r}")
    return int(text)


def _pair(text: str) -> tuple[str, str]:
    parts = [p.strip() for p in text.replace("+", ",").split(",")]
    if len(parts) != 2 or not all(parts):
        raise argparse.ArgumentTypeError(
            f"a pair is two idents, like Z123456,Z654321, got {mask_fodselsnummer(text)!r}")
    return parts[0], parts[1]


def _pin(text: str) -> tuple[str, str]:
    bruker, sep, unit = text.partition("=")
    if not sep or not bruker.strip() or not unit.strip():
        raise argparse.ArgumentTypeError(
            "a pin is BRUKER=IDENT (or BRUKER=IDENT+IDENT for a pair), "
            f"got {mask_fodselsnummer(text)!r}")
    return bruker.strip(), unit.strip()


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number 0 or more, got {text!r}")
    return value


def _add_lang(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--lang", choices=("nb", "en"), default=default,
                        help="language of explanations and reports (default: nb, bokmål)")


def _add_plan_options(parser: argparse.ArgumentParser, *, seconds: str = "for the whole plan "
                      "(default 10)") -> None:
    """The options of plan(), as flags; ``--options FILE`` holds the same as JSON."""
    g = parser.add_argument_group("plan options (flags win over --options)")
    g.add_argument("--options", type=Path, metavar="FILE.json",
                   help="plan options as JSON: the keys of navkompetanse.PlanOptions")
    g.add_argument("--policy", type=Path, metavar="FILE.json",
                   help="scoring policy as JSON (the fields of navkompetanse.Policy)")
    g.add_argument("--pairs", choices=("propose", "keep", "none"), default=None,
                   help="propose pairs (default), keep today's pairs, or none")
    g.add_argument("--no-pairs", action="store_const", const="none", dest="pairs",
                   help="every veileder works alone (same as --pairs none)")
    g.add_argument("--same-avdeling", action=argparse.BooleanOptionalAction, default=None,
                   help="pair only veiledere of the same avdeling")
    g.add_argument("--pair", type=_pair, action="append", metavar="A,B", dest="given",
                   help="exactly these pairs, none proposed (repeat for more)")
    g.add_argument("--require", type=_pair, action="append", metavar="A,B",
                   help="a pair the leader pins (repeat for more)")
    g.add_argument("--forbid", type=_pair, action="append", metavar="A,B",
                   help="a pair never proposed (repeat for more)")
    g.add_argument("--max-pairs", type=_count, default=None, help="at most this many pairs")
    g.add_argument("--min-gain", type=_non_negative, default=None,
                   help="least gain a new pair must bring")
    g.add_argument("--pin", type=_pin, action="append", metavar="BRUKER=UNIT",
                   help="keep this bruker with this veileder or pair (repeat for more)")
    g.add_argument("--max-moves", type=_count, default=None,
                   help="move at most this many brukere from their current veileder")
    g.add_argument("--time-limit", type=_positive_seconds, default=None,
                   help=f"seconds {seconds}")
    g.add_argument("--strict-capacity", action=argparse.BooleanOptionalAction, default=None,
                   help="no plan when the office has more work than capacity (exit 3); "
                        "by default everyone is placed and the overload is reported first")
    g.add_argument("--allow-overflow", action=argparse.BooleanOptionalAction, default=None,
                   help="the default now: place everyone and report the overload (kept for "
                        "old scripts)")
    g.add_argument("--hard-specialty", action=argparse.BooleanOptionalAction, default=None,
                   help="brukere in a malgruppe only go to veiledere with that spesialfelt")
    g.add_argument("--kommunal-only", action=argparse.BooleanOptionalAction, default=None,
                   help="brukere with sosialhjelp only go to units with a municipally "
                        "employed (kommunal) veileder (default: the policy's kommunal_only)")
    g.add_argument("--gaps", action=argparse.BooleanOptionalAction, default=None,
                   help="include the gap analysis: what stays short and the verified steps "
                        "that close it (default on)")
    g.add_argument("--learning", action=argparse.BooleanOptionalAction, default=None,
                   help="include the learning network and a mentoring plan; mentors' time is "
                        "set aside from their portfolio capacity (default on)")
    g.add_argument("--today", type=_date, default=None,
                   help="the date new pairs start their trial from (YYYY-MM-DD; default today): "
                        "their review date is this plus the policy's pair_trial_weeks")
    g.add_argument("--seed", type=int, default=None, help="seed of the fallback path")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="navkompetanse",
        description="Competence-aware veileder-pairs and portfolio allocation for a NAV office.",
    )
    _add_lang(parser, "nb")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = sub.add_parser("demo", help="the whole job on the built-in example office")
    demo.add_argument("--report", type=Path, default=Path("navkompetanse-demo.html"),
                      help="where to write the HTML report (default: %(default)s)")
    demo.add_argument("--no-report", action="store_true", help="do not write the HTML report")
    demo.add_argument("--json", type=Path, help="save the plan as JSON here (load_plan reads it)")
    _add_plan_options(demo)

    plan = sub.add_parser("plan", help="pairs and allocation for an office file")
    plan.add_argument("office", type=Path, help="office JSON file, CSV folder or Excel file")
    plan.add_argument("--json", type=Path, help="save the plan as JSON here (load_plan reads it)")
    plan.add_argument("--report", type=Path, help="write an HTML report here")
    _add_plan_options(plan)

    synth = sub.add_parser("synth", help="write a synthetic office")
    synth.add_argument("--veiledere", type=int, default=25)
    synth.add_argument("--brukere", type=int, default=1800)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("-o", "--output", type=Path, required=True,
                       help="office.json, or a folder for CSV files")

    validate = sub.add_parser("validate", help="list every problem in an office file")
    validate.add_argument("office", type=Path)

    sub.add_parser("schema", help="print the JSON Schema of the office format")

    many = sub.add_parser("plan-many", help="plan many office files, in parallel")
    many.add_argument("offices", help="a folder of office files (JSON, Excel, CSV folders) "
                                      "or a glob like 'kontorer/*.json'")
    many.add_argument("--out", type=Path, required=True,
                      help="folder for one plan and one summary per office, and summary.csv")
    many.add_argument("--workers", type=int, default=None,
                      help="worker processes (default: the CPUs available)")
    many.add_argument("--scheduler", default=None,
                      help="a dask.distributed scheduler address (tcp://host:8786); needs "
                           "pip install 'navkompetanse[dask]'")
    many.add_argument("--resume", action="store_true",
                      help="skip offices whose summary is already in --out")
    many.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_plan_options(many, seconds="per office (default 60: a batch has nobody waiting)")
    for command in (demo, plan, synth, validate, many):
        # --lang after the subcommand too; SUPPRESS keeps the global value when it is absent
        _add_lang(command, argparse.SUPPRESS)
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
        "plan-many": _plan_many,
    }[args.command]
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning  # a warning as a user reads it, not a developer
            return command(args, out)
    except InvalidInputError as exc:
        print(mask_text(str(exc)), file=sys.stderr)
        return EXIT_INVALID
    except InfeasibleError as exc:
        print(mask_text(str(exc)), file=sys.stderr)
        return EXIT_INFEASIBLE
    except BrokenPipeError:  # the reader stopped early (navkompetanse demo | head): not an error
        if out is sys.stdout:  # as the Python docs advise: no second error when exiting
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # a path that is not there, not writable, a file for a folder ...
        print(f"navkompetanse: {mask_text(str(exc))}", file=sys.stderr)
        return EXIT_USAGE


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: TextIO | None = None, line: str | None = None) -> None:
    """``navkompetanse: warning: …`` on stderr, without the source line Python would print."""
    print(f"navkompetanse: warning: {mask_text(str(message))}", file=sys.stderr)


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


def _read_json_file(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError([Problem(str(path), what, f"not UTF-8 JSON ({exc})",
                                         hint=f"write the {what} as a JSON object")],
                                source=str(path)) from None
    except RecursionError:
        raise InvalidInputError([Problem(str(path), what, "nested too deeply to be read",
                                         hint=f"write the {what} as a flat JSON object")],
                                source=str(path)) from None


def _plan_options(args: argparse.Namespace) -> tuple[dict, object]:
    """Options for plan() from ``--options FILE`` and the flags (flags win)."""
    from .policy import Policy

    options: dict = {}
    if args.options is not None:
        loaded = _read_json_file(args.options, "plan options")
        if not isinstance(loaded, dict):
            raise InvalidInputError([Problem(str(args.options), "plan options",
                                             "must be a JSON object",
                                             hint='like {"same_avdeling": true}')],
                                    source=str(args.options))
        options.update(loaded)
    flags = {
        "pairs": args.pairs, "same_avdeling": args.same_avdeling,
        "required": args.require, "forbidden": args.forbid, "max_pairs": args.max_pairs,
        "min_gain": args.min_gain, "pinned": dict(args.pin) if args.pin else None,
        "max_moves": args.max_moves, "time_limit": args.time_limit,
        "allow_overflow": args.allow_overflow, "strict_capacity": args.strict_capacity,
        "hard_specialty": args.hard_specialty, "kommunal_only": args.kommunal_only,
        "gaps": args.gaps, "learning": args.learning, "today": args.today,
        "seed": args.seed,
    }
    options.update({k: v for k, v in flags.items() if v is not None})
    if args.given:
        if args.pairs is not None:
            raise InvalidInputError([Problem(
                "--pair", "pairs", f"--pair and --pairs {args.pairs} say different things",
                hint="give the pairs with --pair, or choose with --pairs; not both")],
                source="command line")
        options["pairs"] = [list(p) for p in args.given]
    policy = None
    if args.policy is not None:
        data = _read_json_file(args.policy, "policy")
        try:
            policy = Policy.model_validate(data)
        except ValidationError as exc:
            raise InvalidInputError([
                Problem(".".join(str(p) for p in err["loc"]) or "policy", "policy", err["msg"],
                        hint="see docs/policy.md for every field and its default")
                for err in exc.errors()], source=str(args.policy)) from None
    return options, policy


def _run_plan(office: object, args: argparse.Namespace, out: TextIO,
              report: Path | None) -> int:
    from .plan import PlanOptions, capacity_warnings_off, plan

    options, policy = _plan_options(args)
    # the options file and the flags together: say which (a bad flag is not "in" the file)
    PlanOptions.parse(options, source=f"{args.options} and the command line"
                      if args.options else "the command line options")
    with capacity_warnings_off():  # the text below starts with the overload itself
        result = plan(office, policy=policy, lang=args.lang, **options)  # type: ignore[arg-type]
    print(result.text(), file=out)
    written = "Wrote" if args.lang == "en" else "Skrev"
    if args.json is not None:
        result.save(args.json)
        print(f"\n{written} {args.json}", file=out)
    if report is not None:
        result.save_report(report)
        print(f"{written} {report}", file=out)
    if not result.ok:
        print(result.describe(), file=sys.stderr)
        return EXIT_INFEASIBLE
    return EXIT_OK


def _plan(args: argparse.Namespace, out: TextIO) -> int:
    from .io import load_office

    return _run_plan(load_office(args.office), args, out, args.report)


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from .synthetic import load_example_office

    started = time.perf_counter()
    code = _run_plan(load_example_office(), args, out, None if args.no_report else args.report)
    print(f"\n({time.perf_counter() - started:.1f} s)".replace(".", "," if args.lang == "nb"
                                                                  else "."), file=out)
    return code


def _office_paths(where: str) -> list[Path]:
    """Office files in a folder (JSON, Excel, and CSV folders inside it), or a glob's."""
    import glob

    folder = Path(where)
    if folder.is_dir():
        found = [p for p in folder.iterdir()
                 if p.suffix in (".json", ".xlsx") or (p / "veiledere.csv").is_file()]
    else:
        found = [Path(p) for p in glob.glob(where)]
    return sorted(p for p in found if not p.name.endswith((".plan.json", ".summary.json")))


def _plan_many(args: argparse.Namespace, out: TextIO) -> int:
    """``plan-many``: every office to a worker; Ctrl-C keeps what is written."""
    from .many import ManySummary, plan_many

    paths = _office_paths(args.offices)
    if not paths:
        print(f"navkompetanse plan-many: no office files in {mask_text(args.offices)}",
              file=sys.stderr)
        return EXIT_USAGE
    if args.workers is not None and args.workers < 1:
        print("navkompetanse plan-many: --workers must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    options, policy = _plan_options(args)
    client = None
    if args.scheduler is not None:
        try:
            from dask.distributed import Client
        except ImportError:
            print("navkompetanse plan-many: --scheduler needs dask.distributed: "
                  "pip install 'navkompetanse[dask]'", file=sys.stderr)
            return EXIT_USAGE
        client = Client(args.scheduler)
    done = []
    try:
        for summary in plan_many(paths, executor=client, workers=args.workers,
                                 progress=not args.no_progress, out=args.out,
                                 resume=args.resume, lang=args.lang, policy=policy,
                                 **options):
            done.append(summary)
            if not summary.ok:
                print(f"navkompetanse: {summary.describe()}", file=sys.stderr)
    except KeyboardInterrupt:
        ManySummary(tuple(sorted(done, key=lambda s: s.office)), lang=args.lang).to_csv(
            args.out / "summary.csv")
        print(f"navkompetanse plan-many: interrupted; {len(done)} of {len(paths)} offices "
              f"are written in {args.out}; --resume goes on from there", file=sys.stderr)
        return 130
    finally:
        if client is not None:
            client.close()
    summary = ManySummary(tuple(sorted(done, key=lambda s: s.office)), lang=args.lang)
    csv_path = summary.to_csv(args.out / "summary.csv")
    print(summary.explain(), file=out)
    print(f"{'Wrote' if args.lang == 'en' else 'Skrev'} {csv_path}", file=out)
    return EXIT_OK if not summary.failed else EXIT_INFEASIBLE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
