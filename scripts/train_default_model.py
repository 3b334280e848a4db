"""Train the model shipped with sewerplan (model/data/default_model.skops + .card.json).

Until the synthetic Korean sample town is used, the default model is trained on the NYC
Local Law 84 2016 public file (real data, another region: every prediction says so).
Deterministic: seed 0. Run: ``.venv/bin/python scripts/train_default_model.py``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "data" / "public" / "nyc_ll84_2016_train.csv"
OUT = ROOT / "model" / "data" / "default_model.skops"


def main() -> int:
    from sewerplan.model.ml_train import train_model
    from sewerplan.model.nyc_ll84 import nyc_to_canonical
    from sewerplan.model.persistence import save_model

    raw = pd.read_csv(TRAIN)
    sha = hashlib.sha256(TRAIN.read_bytes()).hexdigest()
    canon = nyc_to_canonical(raw, source=str(TRAIN))
    model = train_model(
        canon, coverage=0.90, seed=0, region="US-NYC", synthetic=False, data_sha256=sha,
        trained_on=f"NYC Local Law 84 2016 disclosure, {len(canon)} New York City properties "
                   "(real public data; data/public/nyc_ll84_2016_train.csv)",
    )
    save_model(model, OUT, force=True)
    m = model.card["cross_validation"]["chosen"]
    print(f"{model.model_id} {model.learner} -> {OUT}; CV WAPE {m['wape']:.3f}, district median APE "
          f"{m['district_median_ape']:.3f}, coverage {m['interval_coverage']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
