"""Render time of the two briefings, PDF and HWPX (targets on 2 cores: PDF council <= 3 s, hearing <= 2 s;
HWPX each paper < 2 s, issue 24).

    .venv/bin/python benchmarks/bench_reports.py [--cold]

Warm: in one process after a warm-up (what ``sewerplan demo`` / ``run`` pay per paper, since
they render both formats in one process). ``--cold`` also times ``sewerplan report ... --out X.hwpx``
as a fresh process (imports, font cache, the first matplotlib figure included).

Measured (2 shared cores, other engineers' jobs beside it, load 2-3; issue 24): HWPX warm, the
demo-sized example bundle (scenario and city texts): council 1.0-1.5 s, hearing 0.25-0.35 s
(before issue 24, without the row heights, preview and version parts: council 0.9-1.0 s, hearing
0.23-0.25 s warm; 2.7-2.8 s for the first council paper in a process). Fresh process
``sewerplan report council --out x.hwpx``: about 5-6 s wall, of which about 3 s is importing
pandas, scipy, matplotlib and python-hwpx.

Issue 25 (the council paper <= 2 s; rows in ``bench_interactive.py --only papers``, warm and fresh):
paired with the code before issue 25, alternating, 3 pairs, the demo's results.json, 2 shared cores at
load 6-8.5 (so wall seconds are 3-6x the CPU seconds and only the CPU seconds compare): council PDF
warm 2.15-2.34 CPU-s (before 2.17-2.53), HWPX warm 1.55-1.66 CPU-s (before 1.53-1.99); fresh
``sewerplan report council`` PDF 5.2-5.4 CPU-s (before 5.9-7.5: scipy.stats no longer imported),
HWPX 3.5-4.0 CPU-s (before 4.8-5.8). Of a warm council PDF, WeasyPrint is about three quarters (layout
40 %, styles 12 %, drawing and writing 17 %, of which the two SVG charts 8 %), the context a quarter
(its two matplotlib charts 10 %). ``sewerplan demo`` / ``run`` render each briefing's HTML and charts
once for both the PDF and the HWPX (``formats.rendered_html``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sewerplan.model.outputs.results import example_bundle
from sewerplan.reporting import render_pdf_bytes
from sewerplan.reporting.hwpx import render_hwpx_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine  # noqa: E402

TARGETS_S = {("pdf", "council"): 3.0, ("pdf", "hearing"): 2.0, ("hwpx", "council"): 2.0, ("hwpx", "hearing"): 2.0}
REPEATS = 3
RENDER = {"pdf": render_pdf_bytes, "hwpx": render_hwpx_bytes}


def _cold(kind: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        bundle = example_bundle(scenario=True, briefing=True).to_json(Path(tmp) / "results.json")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sewerplan", "report", kind, "--results", str(bundle),
                        "--out", str(Path(tmp) / f"{kind}.hwpx")], check=True, capture_output=True)
        return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cold", action="store_true", help="also time a fresh `sewerplan report ... .hwpx` process")
    args = ap.parse_args(argv)
    print(machine())
    bundle = example_bundle(scenario=True, briefing=True)
    render_pdf_bytes("hearing", bundle, "ko")  # warm-up: imports, font registration
    render_hwpx_bytes("hearing", bundle, "ko")
    failed = False
    for (fmt, kind), target in TARGETS_S.items():
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            RENDER[fmt](kind, bundle, "ko")
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        ok = med <= target
        failed |= not ok
        print(f"{fmt:4s} {kind:8s} median {med:5.2f} s  (min {min(times):.2f}, max {max(times):.2f}; "
              f"target <= {target:.0f} s) {'OK' if ok else 'SLOW'}")
    if args.cold:
        for kind in ("council", "hearing"):
            print(f"hwpx {kind:8s} fresh process (sewerplan report): {_cold(kind):5.2f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
