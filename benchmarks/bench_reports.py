"""Render time of the two briefings (targets on 2 cores: council <= 3 s, hearing <= 2 s).

    .venv/bin/python benchmarks/bench_reports.py
"""

from __future__ import annotations

import statistics
import time

from sewerplan.model.outputs.results import example_bundle
from sewerplan.reporting import render_pdf_bytes

TARGETS_S = {"council": 3.0, "hearing": 2.0}
REPEATS = 3


def main() -> int:
    bundle = example_bundle()
    render_pdf_bytes("hearing", bundle, "ko")  # warm-up: imports, font registration
    failed = False
    for kind, target in TARGETS_S.items():
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            render_pdf_bytes(kind, bundle, "ko")
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        ok = med <= target
        failed |= not ok
        print(f"{kind:8s} median {med:5.2f} s  (min {min(times):.2f}, max {max(times):.2f}; target <= {target:.0f} s) {'OK' if ok else 'SLOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
