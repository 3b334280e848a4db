"""Rows of ``bench_interactive.py --only ml`` (issue 25): the first worksheet answer and the warm answer.

Every run is a fresh Python process; sewerplan and its reference alternate (``common.paired``, 3
pairs, medians). The reference is the same call with the tree-array cache switched off
(``SEWERPLAN_ARRAY_CACHE=0``): the model loaded with skops and scored by scikit-learn, as before
issue 25. Both must return the same cells (checked on every run: the SHA-256 of the output).

- first ``SEWER_ML`` after ``import sewerplan.xl_addin.functions`` (one building, the model loaded
  on first use, as the UDF server does), timed inside the process;
- the same, whole process: Python start, the import and the first call (wall clock);
- warm ``SEWER_ML`` on 10,000 buildings (the table shape Excel passes: rows with a header), the
  median of 5 calls after a first one.

Python writes and reuses bytecode in these processes (as an installed package has it), and one
untimed run of each variant comes first.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from common import paired, row, wall

PAIRS = 3
# bytecode is written and reused as in an installed package (pip compiles it); a development shell
# with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every sewerplan module in every process
BYTECODE = {"PYTHONDONTWRITEBYTECODE": ""}
CACHE = {**BYTECODE}
NO_CACHE = {**BYTECODE, "SEWERPLAN_ARRAY_CACHE": "0"}
REFERENCE = "same call, model from .skops + scikit-learn (cache off)"

FIRST = """
import hashlib, pickle, sys, time
rows = pickle.load(open(sys.argv[1], "rb"))
from sewerplan.xl_addin import functions
t, c = time.perf_counter(), time.process_time()
out = functions.SEWER_ML(rows)
seconds, cpu = time.perf_counter() - t, time.process_time() - c
print(seconds, cpu, time.process_time(), hashlib.sha256(repr(out).encode()).hexdigest())
"""

WARM = """
import hashlib, pickle, statistics, sys, time
rows = pickle.load(open(sys.argv[1], "rb"))
from sewerplan.xl_addin import functions
out = functions.SEWER_ML(rows)
times, cpus = [], []
for _ in range(5):
    t, c = time.perf_counter(), time.process_time()
    out = functions.SEWER_ML(rows)
    times.append(time.perf_counter() - t)
    cpus.append(time.process_time() - c)
print(statistics.median(times), statistics.median(cpus), 0, hashlib.sha256(repr(out).encode()).hexdigest())
"""


def _in_process(code: str, rows_file: Path, env: dict | None, seen: dict) -> float:
    """Seconds a fresh process reports for ``code``; its CPU seconds (call, whole process) and the
    output's digest are collected in ``seen``."""
    import os

    proc = subprocess.run([sys.executable, "-c", code, str(rows_file)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    seconds, cpu, process_cpu, digest = proc.stdout.split()[-4:]
    seen.setdefault("digests", set()).add(digest)
    seen.setdefault((id(env), "cpu"), []).append(float(cpu))
    seen.setdefault((id(env), "process_cpu"), []).append(float(process_cpu))
    return float(seconds)


def _median(values: list) -> float:
    return sorted(values)[len(values) // 2]


def _agree(seen: dict) -> str:
    if len(seen["digests"]) != 1:
        raise RuntimeError(f"sewerplan and the reference returned different cells ({len(seen['digests'])} digests)")
    return "outputs identical to the reference"


def rows() -> list[dict]:
    from bench_xl_functions import table

    with tempfile.TemporaryDirectory() as tmp:
        one, big = Path(tmp) / "one.pkl", Path(tmp) / "big.pkl"
        one.write_bytes(pickle.dumps(table(1)))
        big.write_bytes(pickle.dumps(table(10_000)))
        first_d, warm_d = {}, {}
        for env in (CACHE, NO_CACHE):  # untimed: bytecode written, files in the page cache
            _in_process(FIRST, one, env, {})
        first = paired(lambda: _in_process(FIRST, one, CACHE, first_d),
                       lambda: _in_process(FIRST, one, NO_CACHE, first_d), PAIRS)
        whole = paired(lambda: wall([sys.executable, "-c", FIRST, str(one)], env=CACHE),
                       lambda: wall([sys.executable, "-c", FIRST, str(one)], env=NO_CACHE), PAIRS)
        warm = paired(lambda: _in_process(WARM, big, CACHE, warm_d),
                      lambda: _in_process(WARM, big, NO_CACHE, warm_d), PAIRS)
    cpu = {k: _median(v) for k, v in first_d.items() if k != "digests"}
    warm_cpu = {k: _median(v) for k, v in warm_d.items() if k != "digests"}
    first_cpu, process_cpu = cpu[(id(CACHE), "cpu")], cpu[(id(CACHE), "process_cpu")]
    return [
        row("first SEWER_ML after importing the functions module", first[0], 0.6, reference=first[1],
            reference_name=REFERENCE, note=f"{_agree(first_d)}; CPU {first_cpu:.3f} s (reference "
                                           f"{cpu[(id(NO_CACHE), 'cpu')]:.2f} s); medians of {PAIRS} alternating "
                                           "pairs of fresh processes; 1 building"),
        row("first SEWER_ML, whole process", whole[0], 1.0, reference=whole[1], reference_name=REFERENCE,
            note=f"python start + import sewerplan.xl_addin.functions + first call (1 building); the process's "
                 f"CPU time {process_cpu:.2f} s (reference {cpu[(id(NO_CACHE), 'process_cpu')]:.2f} s)"),
        row("warm SEWER_ML, 10,000 buildings", warm[0], 0.15, reference=warm[1], reference_name=REFERENCE,
            note=f"{_agree(warm_d)}; median of 5 calls after a first one; CPU {warm_cpu[(id(CACHE), 'cpu')]:.3f} s "
                 f"(reference {warm_cpu[(id(NO_CACHE), 'cpu')]:.3f} s)"),
    ]
