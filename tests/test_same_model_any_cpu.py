"""The same data trains the same model on any office PC (CPU-independent training).

numpy and OpenBLAS choose their kernels by CPU (AVX-512, AVX2, SSE); they differ in the last bit,
and gradient boosting turned those differences into other splits: the shipped model, rebuilt on
another CPU, was 2% apart in district totals and 15% on single buildings, and the README's demo
figures moved. Here one training runs twice in fresh processes, once with numpy's AVX/AVX2/FMA
kernels and OpenBLAS's newer kernels switched off: the features the boosting sees (census-trend
household shares included, 1e-11 apart before) must be the same bits. Targets and weights go
through the same rounding (``features.cpu_independent``); docs/ml.md has the measurement.
"""

import os
import subprocess
import sys

CODE = r"""
import hashlib
import numpy as np, pandas as pd
from sewerplan.model.ml.features import build_features
rng = np.random.default_rng(3)
n = 2000
use = rng.choice(["아파트", "다세대주택", "업무시설", "제2종근린생활시설", "공장"], n)
area = np.exp(rng.normal(7.5, 0.9, n))
hh = np.where(np.isin(use, ["아파트", "다세대주택"]), np.round(area / 85.0), 0.0)
df = pd.DataFrame({"main_use": use, "floor_area_m2": area, "households": hh,
                   "approval_year": rng.integers(1985, 2024, n).astype(float)})
X = build_features(df, household_fill=True)  # census-trend shares: a scipy fit per process
num = X.select_dtypes("number").to_numpy(dtype=float)
print(hashlib.sha256(np.ascontiguousarray(num).tobytes()).hexdigest())
"""


def _features_digest(env_extra: dict) -> str:
    env = {**os.environ, **env_extra}
    return subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, env=env).stdout


def test_training_sees_the_same_features_on_other_cpu_kernels():
    here = _features_digest({})
    other = _features_digest({"NPY_DISABLE_CPU_FEATURES": "AVX2 FMA3 F16C AVX", "OPENBLAS_CORETYPE": "Nehalem"})
    assert here and here == other
