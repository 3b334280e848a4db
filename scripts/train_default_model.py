"""Train the model shipped with sewerplan (model/data/default_model.skops + .card.json).

Issue 3: the shipped model is the one trained on the bundled **synthetic** Korean sample
town (the existing town of 가온시: building register + water-billing extract in
``sewerplan/sample_data/``), labelled synthetic, so every prediction made with it says so.
The training table is built exactly as ``sewerplan prepare`` builds it
(:func:`sewerplan.model.intake.prepare.prepare_training_table`). Deterministic: seed 0, the
bundled files' SHA-256 are in the card.

    .venv/bin/python scripts/train_default_model.py            # the shipped model
    .venv/bin/python scripts/train_default_model.py --nyc --out /tmp/nyc_model.skops
                                                                # NYC LL84 2016 variant (not shipped)

The NYC variant (real data from another region, region US-NYC) was the shipped model until
the sample town existed; it stays reproducible here but is never written over the default.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
NYC_TRAIN = ROOT / "data" / "public" / "nyc_ll84_2016_train.csv"
OUT = ROOT / "model" / "data" / "default_model.skops"
TREND_OUT = ROOT / "model" / "data" / "kr_household_trend_coefficients.json"
SEED = 0


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train_synthetic_town():
    """The shipped model: the same procedure the package uses to rebuild it for another
    scikit-learn (:func:`sewerplan.model.ml.bundled.train_bundled_model`)."""
    from sewerplan.model.ml.bundled import train_bundled_model

    return train_bundled_model()


def train_nyc():
    from sewerplan.model.ml.train import train_model
    from sewerplan.model.ml.nyc_ll84 import nyc_to_canonical

    canon = nyc_to_canonical(pd.read_csv(NYC_TRAIN), source=str(NYC_TRAIN))
    return train_model(
        canon, coverage=0.90, seed=SEED, region="US-NYC", synthetic=False, data_sha256=_sha(NYC_TRAIN),
        trained_on=f"NYC Local Law 84 2016 disclosure, {len(canon)} New York City properties "
                   "(real public data; data/public/nyc_ll84_2016_train.csv)",
    )


def main(argv=None) -> int:
    from sewerplan.model.ml.persistence import save_model

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nyc", action="store_true", help="train the NYC LL84 variant instead (not shipped)")
    ap.add_argument("--out", type=Path, default=None, help=f"model file (default {OUT}; required with --nyc)")
    args = ap.parse_args(argv)
    if args.nyc and (args.out is None or args.out.resolve() == OUT.resolve()):
        ap.error("--nyc needs --out elsewhere than the shipped default model")
    out = args.out or OUT
    if not args.nyc:  # the census-trend coefficients prediction reads instead of refitting (issue 25)
        from sewerplan.model.intake.household_trend import write_stored_trend

        write_stored_trend(TREND_OUT)
    model = train_nyc() if args.nyc else train_synthetic_town()
    save_model(model, out, force=True)  # writes MODEL.arrays.npz too (the tree-array cache, model/ml/arrays.py)
    m = model.card["cross_validation"]["chosen"]
    print(f"{model.model_id} {model.learner} -> {out}; CV WAPE {m['wape']:.3f}, sum bias {m['sum_bias']:+.3f}, "
          f"district median APE {m['district_median_ape']:.3f} ({m['n_districts']} districts), "
          f"coverage {m['interval_coverage']:.3f}; location features: {model.uses_location}")
    print(f"note on every prediction: {model.note or '(none)'}")
    cache = model.card.get("array_cache")
    print(f"tree-array cache: {cache['file']} sha256 {cache['sha256']}" if cache else "tree-array cache: none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
