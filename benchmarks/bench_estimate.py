"""Benchmark: `sewerplan estimate` on 100,000 generated buildings.

Generates a register-style CSV (Korean headers, like a building-register export) with a
realistic use mix, then times the whole command in a subprocess (read, validate,
estimate, district summary, write) for CSV and xlsx outputs. Prints the numbers.

    .venv/bin/python benchmarks/bench_estimate.py [--n 100000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

USES = ["아파트", "단독주택", "다세대주택", "제1종근린생활시설", "제2종근린생활시설", "업무시설", "공장", "교육연구시설", "판매시설", "숙박시설"]
WEIGHTS = [0.25, 0.25, 0.10, 0.12, 0.10, 0.06, 0.05, 0.03, 0.02, 0.02]


def make_table(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    use = rng.choice(USES, size=n, p=WEIGHTS)
    area = np.round(rng.lognormal(6.5, 1.0, size=n), 1)
    households = np.where(np.isin(use, ["아파트", "다세대주택"]), np.maximum(1, (area / 110).round()), 0)
    households = np.where(use == "단독주택", 1, households)
    dong = rng.integers(1, 41, size=n)
    return pd.DataFrame({
        "관리건축물대장PK": [f"B{i:07d}" for i in range(n)],
        "대지위치": [f"경기도 시흥시 신도{d}동 {i % 9000 + 1}" for i, d in enumerate(dong)],
        "주용도코드명": use,
        "연면적(㎡)": area,
        "세대수(세대)": households.astype(int),
        "지상층수": rng.integers(1, 30, size=n),
        "사용승인일": [f"{y}0101" for y in rng.integers(1980, 2035, size=n)],
    })


def run(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{r.stderr}")
    return dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("sewerplan"))
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "buildings.csv"
        make_table(args.n).to_csv(src, index=False, encoding="utf-8")
        print(f"input: {args.n:,} buildings, {src.stat().st_size / 1e6:.1f} MB CSV")
        for suffix in (".csv", ".xlsx"):
            out = Path(d) / f"result{suffix}"
            dt = run([exe, "estimate", str(src), "--out", str(out), "--force"])
            print(f"sewerplan estimate -> {suffix}: {dt:.2f} s wall ({args.n / dt:,.0f} buildings/s)")
        # in-process breakdown
        from sewerplan.model import district_summary, estimate_buildings, load_buildings

        t0 = time.perf_counter()
        valid, _ = load_buildings(src)
        t1 = time.perf_counter()
        est = estimate_buildings(valid)
        t2 = time.perf_counter()
        district_summary(est)
        t3 = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  read+validate {t1 - t0:.2f} s, estimate {t2 - t1:.2f} s, district summary {t3 - t2:.3f} s, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
