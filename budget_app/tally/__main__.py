"""``python -m budget_app.tally FILE.pb --rule R [--json] [--explain]``: the tally of a Pabulib
file without starting the web application (no Flask, no database), for researchers who recount.
Prints what ``flask --app budget_app pb tally`` prints."""
from __future__ import annotations

import argparse
import sys

from .command import TallyCommandError, tally_output
from .rules import RULES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m budget_app.tally",
                                     description="Tally a Pabulib FILE and print the ids of the selected projects.")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--rule", choices=RULES, default="greedy", help="default: greedy")
    parser.add_argument("--completion", action=argparse.BooleanOptionalAction, default=False,
                        help="after mes/mes-add1, complete with greedy")
    parser.add_argument("--json", dest="as_json", action="store_true",
                        help='print {"rule", "selected", "cost", "budget"} as JSON')
    parser.add_argument("--explain", action="store_true",
                        help='with --json: add "voters" and "explanations"; without: one line per project')
    parser.add_argument("--margins", dest="with_margins", action="store_true",
                        help="add each project's margins, checked by re-running the rule")
    args = parser.parse_args(argv)
    try:
        text = tally_output(args.file, args.rule, completion=args.completion, as_json=args.as_json,
                            explain=args.explain, with_margins=args.with_margins)
    except TallyCommandError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
