"""Rows of ``bench_interactive.py --only papers`` (issue 25): the papers and the demo.

- **sewerplan demo**: ``python -m sewerplan demo --out TMP --force`` as a fresh process, wall
  seconds; the note gives the child's CPU seconds (user + system, all its processes) and the
  demo's own step times. One run (it takes the longest).
- **one council PDF**: ``render_pdf_bytes("council", ...)`` from the demo's results bundle, warm:
  in one process after a first render of both papers (imports, fonts and matplotlib already
  loaded: what ``sewerplan demo`` / ``run`` pay per paper). Median of 3; the note gives its CPU
  seconds and the fresh-process command ``sewerplan report council --results ... --out x.pdf``.
- **one HWPX paper**: the same for ``render_hwpx_bytes("council", ...)`` (target 2 s warm, as issue 24); the
  note gives the fresh-process ``sewerplan report council ... --out x.hwpx``.

Papers are timed in a child process (``_papers_child``) so the parent's imports do not count.
``SEWERPLAN_BENCH_DEMO_OUT``: use that finished demo folder's ``results.json`` instead of a new demo
run (the demo row is then left out).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, row

DEMO_TARGET_S = 20.0
PDF_TARGET_S = 2.0
HWPX_TARGET_S = 2.0  # issue 24's target for a paper, kept: python-hwpx's own package checks are most of what is left
REPEATS = 3

_CHILD = r"""
import json, statistics, sys, time
from sewerplan.model.outputs.results import ResultsBundle
from sewerplan.reporting import render_pdf_bytes
from sewerplan.reporting.hwpx import render_hwpx_bytes
bundle = ResultsBundle.from_json(sys.argv[1])
for kind in ("council", "hearing"):  # warm-up: imports, fonts, the first matplotlib figure
    render_pdf_bytes(kind, bundle, "ko")
    render_hwpx_bytes(kind, bundle, "ko")
out = {}
for name, render in (("pdf", render_pdf_bytes), ("hwpx", render_hwpx_bytes)):
    walls, cpus = [], []
    for _ in range(int(sys.argv[2])):
        t, c = time.perf_counter(), time.process_time()
        render("council", bundle, "ko")
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    out[name] = {"wall": statistics.median(walls), "cpu": statistics.median(cpus)}
print(json.dumps(out))
"""


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed(cmd: list[str]) -> tuple[float, float, str]:
    """(wall s, CPU s of the child and its children, stdout) of a command; raise when it fails."""
    cpu0, t0 = _child_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONUTF8": "1"})
    wall, cpu = time.perf_counter() - t0, _child_cpu() - cpu0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{proc.stderr.decode(errors='replace')[-2000:]}")
    return wall, cpu, proc.stdout.decode(errors="replace")


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _demo_row(out: Path) -> dict:
    load = _load()
    wall, cpu, _ = _timed([sys.executable, "-m", "sewerplan", "demo", "--out", str(out), "--force"])
    steps = json.loads((out / "run_summary.json").read_text(encoding="utf-8")).get("timings_s", {})
    step_text = ", ".join(f"{k} {v:.1f}" for k, v in steps.items())
    return row("sewerplan demo", round(wall, 2), DEMO_TARGET_S,
               note=f"fresh process `python -m sewerplan demo --out TMP --force`, 1 run, {load}; "
                    f"CPU {cpu:.1f} s; steps [s]: {step_text}")


def _paper_rows(results: Path, tmp: Path) -> list[dict]:
    load = _load()
    _, _, text = _timed([sys.executable, "-c", _CHILD, str(results), str(REPEATS)])
    warm = json.loads(text.strip().splitlines()[-1])
    fresh = {}
    for fmt in ("pdf", "hwpx"):
        wall, cpu, _ = _timed([sys.executable, "-m", "sewerplan", "report", "council", "--results", str(results),
                               "--out", str(tmp / f"council.{fmt}"), "--force"])
        fresh[fmt] = (wall, cpu)
    rows = []
    for fmt, work, target in (("pdf", "one council PDF", PDF_TARGET_S), ("hwpx", "one HWPX paper", HWPX_TARGET_S)):
        w, f = warm[fmt], fresh[fmt]
        rows.append(row(work, round(w["wall"], 3), target,
                        note=f"warm (in one process after a first render), median of {REPEATS}, demo's results.json, "
                             f"{load}; CPU {w['cpu']:.2f} s; fresh process `sewerplan report council --out x.{fmt}`: "
                             f"{f[0]:.1f} s wall, {f[1]:.1f} s CPU"))
    return rows


def rows() -> list[dict]:
    given = os.environ.get("SEWERPLAN_BENCH_DEMO_OUT")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if given:
            return _paper_rows(Path(given) / "results.json", tmp)
        demo = _demo_row(tmp / "demo")
        return [demo, *_paper_rows(tmp / "demo" / "results.json", tmp)]
