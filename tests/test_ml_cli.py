"""`sewerplan train` and `sewerplan predict` end to end on a small table."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from sewerplan.cli import app

from test_ml_train import make_town  # noqa: E402  (tests folder is on sys.path under pytest)


def test_train_then_predict(tmp_path):
    town = make_town(n=200, n_districts=8, seed=5)
    src = tmp_path / "town.csv"
    town.to_csv(src, index=False)
    model = tmp_path / "m.skops"
    r = CliRunner().invoke(app, ["train", "--buildings", str(src), "--out", str(model), "--synthetic",
                                 "--max-iter", "20"])
    assert r.exit_code == 0, r.output
    assert model.is_file() and (tmp_path / "m.card.json").is_file()
    card = json.loads((tmp_path / "m.card.json").read_text(encoding="utf-8"))
    assert card["settings"]["max_iter"] == 20  # --max-iter reaches the learner and the card
    out = tmp_path / "pred.csv"
    plan = town.drop(columns=["observed_m3_per_day"])
    plan_file = tmp_path / "plan.csv"
    plan.to_csv(plan_file, index=False)
    r = CliRunner().invoke(app, ["predict", str(plan_file), "--model", str(model), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "SYNTHETIC" in r.output
    p = pd.read_csv(out, encoding="utf-8-sig")
    assert {"ml_m3_per_day", "ml_lower_m3_per_day", "ml_upper_m3_per_day", "ml_model_id"} <= set(p.columns)
    assert (tmp_path / "pred.districts.csv").is_file()
    r = CliRunner().invoke(app, ["predict", str(plan_file), "--model", str(model), "--out", str(out)])
    assert r.exit_code != 0 and "--force" in r.output


def test_predict_with_a_broken_model_says_retrain(tmp_path):
    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"not a model")
    (tmp_path / "bad.card.json").write_text("{}")
    plan = make_town(n=20).drop(columns=["observed_m3_per_day"])
    plan.to_csv(tmp_path / "plan.csv", index=False)
    r = CliRunner().invoke(app, ["predict", str(tmp_path / "plan.csv"), "--model", str(bad), "--out", str(tmp_path / "o.csv")])
    assert r.exit_code != 0
    assert "sewerplan train" in r.output
