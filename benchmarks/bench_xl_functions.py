"""Benchmark the worksheet functions as Excel calls them (lists of rows in, lists of rows out).

Targets (issue 5): SEWER_ML on a 10,000-building table warm <= 150 ms and cold including
model load <= 2.5 s; SEWER_CONVENTIONAL on 100,000 rows <= 50 ms. Issue 16: SEWER_FEE_IMPACT
on 100,000 rows <= 300 ms (it took 49.5 s when it called the finance model cell by cell).
Run: .venv/bin/python benchmarks/bench_xl_functions.py
"""

import subprocess
import sys
import time
from importlib import resources

import numpy as np
import pandas as pd

TARGETS_MS = {"SEWER_ML warm (10,000 buildings)": 150, "SEWER_ML cold incl. model load": 2500,
              "SEWER_CONVENTIONAL (100,000 rows)": 50, "SEWER_FEE_IMPACT (100,000 rows)": 300}


def table(n):
    with resources.files("sewerplan").joinpath("sample_data", "sample_buildings.csv").open("rb") as fh:
        df = pd.read_csv(fh, dtype={"관리건축물대장PK": str, "사용승인일": str})
    reps = int(np.ceil(n / len(df)))
    big = pd.concat([df] * reps, ignore_index=True).head(n)
    big["관리건축물대장PK"] = [f"B{i:06d}" for i in range(n)]
    return [list(big.columns)] + big.astype(object).where(big.notna(), None).values.tolist()


def best_ms(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return min(times)


COLD = """
import time, pickle, sys
rows = pickle.load(sys.stdin.buffer)
from sewerplan.xl_addin import functions
t = time.perf_counter(); functions.SEWER_ML(rows); print((time.perf_counter() - t) * 1000)
"""


def main():
    import pickle

    rows = table(10_000)
    # cold: a fresh Python process that has imported the add-in (as the UDF server has),
    # timing the first call, which loads the model
    proc = subprocess.run([sys.executable, "-c", COLD], input=pickle.dumps(rows), capture_output=True, check=True)
    cold = float(proc.stdout.decode().strip().splitlines()[-1])

    from sewerplan.xl_addin import functions

    functions.SEWER_ML(rows)
    warm = best_ms(lambda: functions.SEWER_ML(rows))
    hh = [[float(v)] for v in np.random.default_rng(0).integers(0, 300, 100_000)]
    conv = best_ms(lambda: functions.SEWER_CONVENTIONAL(hh, 2.6))
    rng = np.random.default_rng(1)
    capex = [[float(v)] for v in rng.uniform(1e8, 1e11, 100_000)]  # [KRW]
    billed = [[float(v)] for v in rng.uniform(1e3, 1e5, 100_000)]  # [m3/d]
    sizes = [[float(v)] for v in rng.integers(1, 7, 100_000)]  # [persons]
    fee = best_ms(lambda: functions.SEWER_FEE_IMPACT(capex, billed, sizes, 0.045, 30))
    results = {"SEWER_ML warm (10,000 buildings)": warm, "SEWER_ML cold incl. model load": cold,
               "SEWER_CONVENTIONAL (100,000 rows)": conv, "SEWER_FEE_IMPACT (100,000 rows)": fee}
    for name, ms in results.items():
        status = "ok" if ms <= TARGETS_MS[name] else "OVER TARGET"
        print(f"{name:40s} {ms:9.1f} ms   target <= {TARGETS_MS[name]} ms   {status}")


if __name__ == "__main__":
    main()
