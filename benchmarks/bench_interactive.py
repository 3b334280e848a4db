"""Benchmark (issue 25): the work people wait for, each row against its target.

    .venv/bin/python benchmarks/bench_interactive.py            # every row; writes benchmarks/results/bench_interactive.json
    .venv/bin/python benchmarks/bench_interactive.py --only ml  # one group: ml, papers, suite

Rows come from one module per group (benchmarks/_rows_*.py); each returns rows made with
``common.row``. ``benchmarks/perf_table.py`` writes the README's table from the results file.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, machine, print_rows, write_results  # noqa: E402

GROUPS = {"ml": "_rows_ml", "papers": "_rows_papers", "suite": "_rows_suite"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=",".join(GROUPS), help="groups, comma-separated: " + ", ".join(GROUPS))
    args = ap.parse_args(argv)
    where = machine()
    groups = [g.strip() for g in args.only.split(",")]
    rows: list[dict] = []
    for group in groups:
        new = [{**r, "group": group} for r in importlib.import_module(GROUPS[group]).rows()]
        print_rows(new)
        rows += new
    # a run of some groups keeps the other groups' last rows
    previous = RESULTS / "bench_interactive.json"
    kept = [r for r in json.loads(previous.read_text(encoding="utf-8"))["rows"] if r.get("group") not in groups] \
        if previous.exists() else []
    order = {g: i for i, g in enumerate(GROUPS)}
    write_results(__file__, sorted(kept + rows, key=lambda r: order.get(r.get("group"), 99)), where)
    return 0 if all(r["met"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
