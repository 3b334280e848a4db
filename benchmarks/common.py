"""Shared by the benchmark scripts: the machine's description, paired timing, and the results file.

Every script that feeds the README's performance table writes ``benchmarks/results/<script>.json``::

    {"script": "bench_interactive.py", "machine": "...", "measured": "2026-12-07T12:00:00+00:00",
     "rows": [{"work": "...", "sewerplan": 0.41, "reference": 0.89, "reference_name": "...",
               "ratio": 0.46, "unit": "s", "target": "<= 0.6 s", "met": true, "note": "..."}]}

``benchmarks/perf_table.py`` turns the last results of every script into the README's table.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def machine() -> str:
    """CPU model, cores and load: absolute times mean little without them."""
    model = ""
    try:
        model = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                     if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({model or 'unknown CPU'}), load {os.getloadavg()[0]:.1f} at start"


def wall(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    """Wall seconds of a command in its own process; raise with its last output when it fails."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env={**os.environ, **(env or {})}, cwd=cwd)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{proc.stderr.decode(errors='replace')[-2000:]}")
    return seconds


def paired(run_mine, run_ref, pairs: int = 3) -> tuple[float, float]:
    """Median of ``pairs`` alternating runs of two callables returning seconds (mine, reference)."""
    mine, ref = [], []
    for _ in range(pairs):
        mine.append(run_mine())
        ref.append(run_ref())
    mine.sort()
    ref.sort()
    return mine[len(mine) // 2], ref[len(ref) // 2]


def row(work: str, sewerplan: float, target: float, *, unit: str = "s", reference: float | None = None,
        reference_name: str = "", target_is_ratio: bool = False, note: str = "") -> dict:
    """One row of the table; ``met`` compares the ratio (target_is_ratio) or the value with the target."""
    ratio = sewerplan / reference if reference else None
    measured = ratio if target_is_ratio else sewerplan
    return {"work": work, "sewerplan": sewerplan, "unit": unit, "reference": reference,
            "reference_name": reference_name, "ratio": ratio,
            "target": f"<= {target:g}x" if target_is_ratio else f"<= {target:g} {unit}",
            "met": measured is not None and measured <= target, "note": note}


def print_rows(rows: list[dict]) -> None:
    for r in rows:
        ref = f"{r['reference']:.3g} {r['unit']} ({r['reference_name']})" if r["reference"] else "-"
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "-"
        print(f"{r['work']:45s} {r['sewerplan']:9.3g} {r['unit']:3s} ref {ref:40s} {ratio:7s} "
              f"target {r['target']:10s} {'met' if r['met'] else 'NOT MET'}", flush=True)


def write_results(script: str, rows: list[dict], machine_text: str) -> Path:
    """Write (atomically) the results file of one script, read by perf_table.py."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"{Path(script).stem}.json"
    data = {"script": Path(script).name, "machine": machine_text,
            "measured": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "python": sys.version.split()[0], "rows": rows}
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(target)
    return target
