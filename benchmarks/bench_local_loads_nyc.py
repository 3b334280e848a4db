"""Real-data check of ``sewerplan unitloads`` (issue 18): NYC LL84 2016 medians beside the MOE notice.

Runs the same procedure as ``sewerplan unitloads`` (screening, vacancy from the file's
occupancy, minimum 30 buildings per row, distribution-free 95% interval for the median) on the
4,502 NYC properties, one row per NYC property type, and prints each median (day-average and
day-max equivalent) beside the notice's value for the nearest Korean use (the property type's
Building Act main use and its default MOE row). NYC buildings are not Korean ones: the check
is that the procedure runs on real bills and gives sensible, stable medians, not that NYC
should set Korean values.

Run: ``.venv/bin/python benchmarks/bench_local_loads_nyc.py`` (a few seconds).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "data" / "public" / "nyc_ll84_2016_train.csv"


def nyc_table() -> pd.DataFrame:
    """The NYC rows as printed: type, buildings, medians, interval, the notice's nearest use and value."""
    from sewerplan.model.design.unit_loads import lookup_use
    from sewerplan.model.planning.local_loads import nyc_local_unit_loads

    t = nyc_local_unit_loads(pd.read_csv(TRAIN))
    rows = t.rows.copy()
    rows["moe_nearest"] = [f"{m} -> {c} {lookup_use(c).name}" for m, c in zip(rows["main_use"], rows["moe_code"])]
    return rows, t


def main() -> int:
    t0 = time.perf_counter()
    rows, t = nyc_table()
    print(f"NYC LL84 2016: {t.counts['buildings']:,} properties, {t.counts['used']:,} used "
          f"(screened {t.counts['screened']}, vacant {t.counts['vacant']}, {time.perf_counter() - t0:.1f} s)")
    print(f"{'NYC type':<40} {'n':>5} {'unit':<9} {'median':>8} {'95% CI':>15} {'day-max':>8} "
          f"{'MOE':>7} {'ratio':>6}  nearest Korean use (main use -> MOE row)")
    for _, r in rows.iterrows():
        d = 0 if r["ministry_l_per_unit_day"] >= 50 else 2
        ci = f"{r['ci_low_l_per_unit_day']:.{d}f}-{r['ci_high_l_per_unit_day']:.{d}f}"
        mark = "" if r["status"] == "local" else " *"
        print(f"{r['use']:<40} {r['n_buildings']:>5} {r['unit']:<9} {r['median_l_per_unit_day']:>8.{d}f} {ci:>15} "
              f"{r['day_max_l_per_unit_day']:>8.{d}f} {r['ministry_l_per_unit_day']:>7.{d}f} "
              f"{r['ratio_to_ministry']:>6.2f}  {r['moe_nearest']}{mark}")
    print("median = day-average sewage (water x 0.85); day-max = median / 0.75; MOE = notice (day max); "
          "* = fewer than 30 buildings (falls back to the notice)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
