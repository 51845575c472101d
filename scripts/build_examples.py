"""Write the bundled example workbooks in ``scenarios/`` from their builders.

    .venv/bin/python scripts/build_examples.py            # rewrite the stale ones
    .venv/bin/python scripts/build_examples.py --check    # exit 1 if any is stale
    .venv/bin/python scripts/build_examples.py --force    # rewrite all

A workbook that already reads back equal to its builder's scenario is left alone, so
re-running the script does not churn the committed files.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from intplan.examples import TEMPLATES
from intplan.io.errors import UnreadableFileError, WorkbookError
from intplan.io.workbook import read_scenario, write_scenario

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 5 * 1024 * 1024  # keep the repository light


def _up_to_date(path: Path, scenario: object) -> bool:
    if not path.exists():
        return False
    try:
        return read_scenario(path) == scenario
    except (WorkbookError, UnreadableFileError):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "scenarios", help="output folder")
    parser.add_argument("--check", action="store_true", help="only report stale workbooks")
    parser.add_argument("--force", action="store_true", help="rewrite even if up to date")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, build in TEMPLATES.items():
        path = args.out / f"{name}.xlsx"
        t0 = time.perf_counter()
        scenario = build()
        if not args.force and _up_to_date(path, scenario):
            print(f"{path.name}: up to date", file=sys.stderr)
            continue
        stale.append(path.name)
        if args.check:
            print(f"{path.name}: STALE", file=sys.stderr)
            continue
        write_scenario(scenario, path)
        size = path.stat().st_size
        print(
            f"{path.name}: wrote {size / 1e6:.2f} MB in {time.perf_counter() - t0:.1f} s "
            f"({len(scenario.practices)} practices, {len(scenario.ints)} INTs, "
            f"{len(scenario.staff)} staff)",
            file=sys.stderr,
        )
        if size > MAX_BYTES:
            print(f"{path.name}: larger than 5 MB", file=sys.stderr)
            return 1
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
