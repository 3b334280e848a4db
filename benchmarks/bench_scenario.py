"""Time a scenario run: the sample new town, and a plan scaled up to ~100,000 buildings.

    .venv/bin/python benchmarks/bench_scenario.py [--scale 100] [--simulations 4000] [--no-ml]

Prints seconds per stage. The scaled plan multiplies every block's dwellings, floor area
and building count by ``--scale`` (the sample town has 867 buildings).
"""

from __future__ import annotations

import argparse
import time

from sewerplan.model.planning.scenario import expand_scenario, load_scenario, sample_scenario_path
from sewerplan.model.planning.scenario_run import run_scenario


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=100.0)
    ap.add_argument("--simulations", type=int, default=4000)
    ap.add_argument("--no-ml", action="store_true")
    args = ap.parse_args()
    model = False
    if not args.no_ml:
        from sewerplan.model.ml.persistence import load_model

        t = time.perf_counter()
        model = load_model()
        print(f"load model: {time.perf_counter() - t:.2f} s")
    s = load_scenario(sample_scenario_path("base"))
    for label, scen in (("sample town", s), (f"x{args.scale:g}", _scaled(s, args.scale))):
        t = time.perf_counter()
        n = len(expand_scenario(scen))
        t_expand = time.perf_counter() - t
        t = time.perf_counter()
        r = run_scenario(scen, model=model, n_simulations=args.simulations)
        print(f"{label}: {n} buildings, {len(r.years)} years, expand {t_expand:.2f} s, "
              f"run {time.perf_counter() - t:.2f} s (ML {'on' if r.ml_available else 'off'})")


def _scaled(s, k):
    plan = s.plan.copy()
    for c in ("dwellings", "floor_area_m2"):
        plan[c] = plan[c] * k
    plan["buildings"] = (plan["buildings"] * k).round()
    return s.with_changes(plan=plan, name=f"{s.name} x{k:g}")


if __name__ == "__main__":
    main()
