"""The README's `make demo` timing: a fresh clone (virtual environment, install, run), then again warm.

    .venv/bin/python benchmarks/bench_make_demo.py [--keep DIR]

Clones this repository's committed HEAD into a temporary folder, times ``make demo`` there twice
and prints the machine (CPU model, cores, load) beside the seconds. pip's download cache is used
as it is on this machine (say so when quoting: without it the install downloads about 150 MB).

Measured (issue 24, this project's machine: 2 shared cores, AMD EPYC, 24 GB, three other engineers'
jobs beside it, load 7-9): fresh clone 222 s (3 min 42 s, pip cache warm), again 57 s; the run itself
26 s at load 7 (``benchmarks/bench_demo.py``; before the merge of issue 21's newest-cohort check: fresh
164 s, again 57 s, the run 15-16 s at load 2-4).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, machine  # noqa: E402


def _timed_make(folder: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(["make", "demo"], cwd=folder, check=True, capture_output=True)
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="clone into this folder (kept) instead of a temporary one")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        clone = args.keep or Path(tmp) / "sewerplan"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        print(machine())
        fresh = _timed_make(clone)
        print(f"make demo, fresh clone: {fresh:6.1f} s ({fresh / 60:.1f} min)  {machine()}")
        warm = _timed_make(clone)
        print(f"make demo, again (warm): {warm:6.1f} s  {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
