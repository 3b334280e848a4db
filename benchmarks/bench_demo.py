"""Time ``sewerplan demo`` on the bundled synthetic sample (issue 4: must run in < 60 s on 2 cores).

    .venv/bin/python benchmarks/bench_demo.py [--repeat N] [--learner auto]

Prints the wall time per step and in total; exits 1 when the total exceeds the budget.
Native threads of the ML step follow ``SEWERPLAN_ML_THREADS`` (default 1; 0 = libraries' default).

Measured (2 shared cores): 5.0-6.2 s quiet (load ~1.6); 7.7-10.6 s with three CPU-bound
processes running beside it (load ~3) - 23.7 s there with ``SEWERPLAN_ML_THREADS=0``.
Before the held-out predictions were reused and threads bounded: 7.5 s quiet, 57.6 s busy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

BUDGET_S = 60.0


def main(argv=None) -> int:
    from sewerplan.recipe.demo import run_demo

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--learner", default="auto")
    args = ap.parse_args(argv)
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} "
          f"SEWERPLAN_ML_THREADS={os.environ.get('SEWERPLAN_ML_THREADS', '1 (default)')}")
    worst = 0.0
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            result = run_demo(tmp, learner=args.learner)
            total = time.perf_counter() - t
        worst = max(worst, total)
        steps = " ".join(f"{k}={v:.1f}s" for k, v in result.timings.items())
        print(f"run {i + 1}: total {total:.1f} s ({steps}); warnings: {result.warnings or 'none'}")
    print(f"demo worst {worst:.1f} s (budget {BUDGET_S:.0f} s): {'OK' if worst <= BUDGET_S else 'TOO SLOW'}")
    return 0 if worst <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
