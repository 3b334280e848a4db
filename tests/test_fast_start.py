"""Start fast and predict once (issue 17)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from sewerplan.model.ml.persistence import load_model


def _modules_after(code: str, env: dict | None = None) -> set[str]:
    import os

    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}).stdout
    return set(out.split())


def test_cli_help_imports_no_pandas_and_no_scikit_learn():
    mods = _modules_after("from sewerplan.cli import app")
    assert "pandas" not in mods and "sklearn" not in mods and "duckdb" not in mods


def test_loading_a_model_does_not_import_all_of_scikit_learn():
    code = "from sewerplan.model.ml.persistence import load_model\nload_model()"
    mods = _modules_after(code, {"SEWERPLAN_ARRAY_CACHE": "0"})  # from the .skops
    assert "sklearn.ensemble" in mods  # what the model needs is there
    assert "sklearn.datasets" not in mods and "sklearn.utils._testing" not in mods  # skops' full listing is not
    # from the shipped tree-array cache (issue 25): neither scikit-learn nor skops nor scipy
    assert not {m for m in _modules_after(code) if m.split(".")[0] in ("sklearn", "skops", "scipy")}


def test_predict_runs_the_model_once_for_buildings_and_district_totals(monkeypatch):
    m = load_model()
    valid = pd.DataFrame({"building_id": ["B1", "B2"], "district": ["d1", "d1"], "main_use": ["아파트", "업무시설"],
                          "floor_area_m2": [1000.0, 500.0], "households": [10.0, 0.0], "category": ["residential", "commercial"]})
    pred = m.predict(valid)
    calls = []
    monkeypatch.setattr(type(m), "predict", lambda self, df: calls.append(1) or pred)
    totals = m.predict_district_totals(valid, pred=pred)
    assert calls == [] and totals["ml_total"].iloc[0] == pred["ml_m3_per_day"].sum()
