"""Write the README's performance table from the benchmarks' last results (benchmarks/results/*.json).

    .venv/bin/python benchmarks/perf_table.py           # rewrite README.md between the markers
    .venv/bin/python benchmarks/perf_table.py --check   # exit 1 when README differs from the results

The table sits between ``<!-- perf-table:start -->`` and ``<!-- perf-table:end -->`` in README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"
START, END = "<!-- perf-table:start -->", "<!-- perf-table:end -->"
ORDER = ["bench_interactive.json", "bench_scale.json"]


def _value(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "s" and v < 1:
        return f"{v * 1000:.0f} ms"
    return f"{v:.3g} {unit}" if v < 100 else f"{v:,.0f} {unit}"


def table(results: list[dict]) -> str:
    lines = ["| work | sewerplan | reference | ratio | target | met |", "|---|---|---|---|---|---|"]
    for res in results:
        for r in res["rows"]:
            ref = f"{_value(r['reference'], r['unit'])} ({r['reference_name']})" if r["reference"] else "-"
            ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "-"
            lines.append(f"| {r['work']} | {_value(r['sewerplan'], r['unit'])} | {ref} | {ratio} | {r['target']} | "
                         f"{'yes' if r['met'] else '**no**'} |")
    machines = "; ".join(f"`{res['script']}` {res['measured'][:10]} on {res['machine']}" for res in results)
    return "\n".join(lines) + f"\n\nMeasured by {machines}.\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    results = [json.loads((RESULTS / n).read_text(encoding="utf-8")) for n in ORDER if (RESULTS / n).exists()]
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"README.md has no {START} ... {END} markers", file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{table(results)}{END}{tail}"
    if args.check:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
