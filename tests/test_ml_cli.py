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
    p = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert list(p.columns) == ["building_id", "ml_m3_per_day", "ml_lower_m3_per_day", "ml_upper_m3_per_day",
                               "ml_model_note", "ml_household_mix_year"]
    assert p["building_id"].astype(str).tolist() == plan["building_id"].astype(str).tolist()
    # the model's note is written once beside the rows (issue 25), not on each of them
    side = json.loads((tmp_path / "pred.model.json").read_text(encoding="utf-8"))
    assert "SYNTHETIC" in side["ml_model_note"] and side["ml_model_id"].startswith("ml-")
    assert not p["ml_model_note"].astype(str).str.contains("SYNTHETIC").any()
    assert (tmp_path / "pred.districts.csv").is_file()
    wide = tmp_path / "wide.csv"
    r = CliRunner().invoke(app, ["predict", str(plan_file), "--model", str(model), "--out", str(wide), "--with-inputs"])
    assert r.exit_code == 0, r.output
    w = pd.read_csv(wide, encoding="utf-8-sig")
    assert {"district", "main_use", "floor_area_m2", "ml_m3_per_day"} <= set(w.columns)
    assert w["ml_m3_per_day"].tolist() == p["ml_m3_per_day"].tolist()
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


def test_row_notes_keep_what_is_particular_to_the_row():
    from sewerplan.cli.ml import _row_notes

    model_note = "Indicative only: model trained on SYNTHETIC data"
    fill = "household mix from census trend for 2029 / 가구원수 구성: 2029년 인구총조사 추세로 보완"
    far = "outside the training area: location effect of its nearest edge (not extrapolated) / 학습 지역 밖"
    notes = pd.Series([model_note, f"{model_note} | {fill}", f"{model_note} | {far} | {fill}", None], index=[5, 6, 7, 8])
    own, year = _row_notes(notes, model_note)
    assert own.tolist() == ["", "", far, ""] and own.index.tolist() == [5, 6, 7, 8]
    assert year.fillna(0).tolist() == [0, 2029, 2029, 0]
    own, year = _row_notes(pd.Series([fill, ""]), "")  # a model without a note
    assert own.tolist() == ["", ""] and year.fillna(0).tolist() == [2029, 0]
