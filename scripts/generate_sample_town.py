"""Regenerate the bundled synthetic sample town in ``sewerplan/sample_data/``.

    .venv/bin/python scripts/generate_sample_town.py            # rewrite the bundled files and base scenario
    .venv/bin/python scripts/generate_sample_town.py --check    # verify they match the generator
    .venv/bin/python scripts/generate_sample_town.py --nyc      # print the NYC LL84 intensities

The generator itself (``sewerplan.recipe.sample_town``) reads no files. ``--nyc`` shows where
its baked-in non-residential intensities come from: NYC Local Law 84 2016 benchmarking
(``data/public/nyc_ll84_2016_train.csv``), water_m3_per_day / gross_floor_area_m2 in
[L/(m2 d)] by largest property use; median and sigma = (ln q75 - ln q25) / 1.349.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sewerplan" / "sample_data"


def nyc_intensities() -> None:
    import numpy as np
    import pandas as pd

    d = pd.read_csv(ROOT / "data" / "public" / "nyc_ll84_2016_train.csv")
    d["i"] = d["water_m3_per_day"] * 1000.0 / d["gross_floor_area_m2"]
    d = d[(d["i"] > 0) & np.isfinite(d["i"])]
    for use in ["Office", "Retail Store", "K-12 School", "Non-Refrigerated Warehouse", "Hotel",
                "Multifamily Housing"]:
        s = d.loc[d["largest_property_use_type"] == use, "i"]
        sigma = (np.log(s.quantile(0.75)) - np.log(s.quantile(0.25))) / 1.349
        print(f"{use:30s} n={len(s):5d} median={s.median():5.2f} L/(m2 d) sigma={sigma:.2f}")


SCENARIO = OUT / "scenarios" / "sample_town_base.yaml"


def _write_scenarios(seed: int, scale: float) -> None:
    """The base scenario (YAML + the same content as xlsx) summarised from the planned town."""
    from sewerplan.model.planning.scenario import write_scenario_workbook
    from sewerplan.recipe.sample_town import generate_sample_town, sample_base_scenario, sample_scenario_yaml

    planned = generate_sample_town(seed=seed, scale=scale).planned
    SCENARIO.write_bytes(sample_scenario_yaml(planned))
    write_scenario_workbook(sample_base_scenario(planned), SCENARIO.with_suffix(".xlsx"), force=True)
    print(f"{SCENARIO.relative_to(ROOT)} and .xlsx")


def _scenario_matches(seed: int, scale: float) -> bool:
    from sewerplan.recipe.sample_town import generate_sample_town, sample_scenario_yaml

    return sample_scenario_yaml(generate_sample_town(seed=seed, scale=scale).planned) == SCENARIO.read_bytes()


def main(argv=None) -> int:
    from sewerplan.recipe.sample_town import DEFAULT_SEED, write_sample_town

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="regenerate in a temp dir and compare bytes")
    ap.add_argument("--nyc", action="store_true", help="print the NYC LL84 medians and spreads")
    args = ap.parse_args(argv)
    if args.nyc:
        nyc_intensities()
        return 0
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = write_sample_town(tmp, seed=args.seed, scale=args.scale)
            bad = [p.name for p in fresh.values()
                   if hashlib.sha256(p.read_bytes()).digest()
                   != hashlib.sha256((args.out / p.name).read_bytes()).digest()]
        if args.out == OUT and not _scenario_matches(args.seed, args.scale):
            bad.append(SCENARIO.name)
        print("bundled sample matches the generator" if not bad else f"differs: {bad}")
        return 1 if bad else 0
    paths = write_sample_town(args.out, seed=args.seed, scale=args.scale, overwrite=True)
    manifest = json.loads(paths["manifest"].read_text(encoding="utf-8"))
    for key, path in paths.items():
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size:,} bytes")
    print(json.dumps(manifest["stats"], ensure_ascii=False))
    if args.out == OUT:
        _write_scenarios(args.seed, args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
