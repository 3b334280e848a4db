"""NYC LL84 benchmark: mapping and the `sewerplan benchmark nyc-ll84` command on a small slice."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.errors import InventoryValidationError
from sewerplan.model.ml.nyc_ll84 import NYC_TYPE_TO_MAIN_USE, nyc_to_canonical
from sewerplan.model.design.uses import is_known_main_use

NYC = Path(__file__).resolve().parents[1] / "data" / "public" / "nyc_ll84_2016_train.csv"


@pytest.fixture(scope="module")
def nyc():
    return pd.read_csv(NYC)


def test_every_property_type_maps_to_a_building_act_main_use(nyc):
    assert set(nyc["largest_property_use_type"]) <= set(NYC_TYPE_TO_MAIN_USE)
    assert all(is_known_main_use(u) for u in NYC_TYPE_TO_MAIN_USE.values())


def test_canonical_table_households_and_observed(nyc):
    c = nyc_to_canonical(nyc.head(50))
    apt = c["main_use"] == "아파트"
    assert (c.loc[apt, "households"] >= 1).all() and (c.loc[~apt, "households"] == 0).all()
    assert c["observed_m3_per_day"].iloc[0] == pytest.approx(nyc["water_m3_per_day"].iloc[0] * 0.85)
    assert c["district"].iloc[1] == "Manhattan CB07"


def test_unknown_property_type_names_row_and_value(nyc):
    bad = nyc.head(3).copy()
    bad.loc[1, "largest_property_use_type"] = "Bowling Alley"
    with pytest.raises(InventoryValidationError, match="row 3.*Bowling Alley"):
        nyc_to_canonical(bad)


def test_benchmark_command_on_a_small_slice(nyc, tmp_path):
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    nyc.iloc[:400].to_csv(train, index=False)
    nyc.iloc[400:520].to_csv(test, index=False)
    out = tmp_path / "bench"
    r = CliRunner().invoke(app, ["benchmark", "nyc-ll84", "--train", str(train), "--test", str(test), "--out", str(out),
                                      "--max-iter", "20"])
    assert r.exit_code == 0, r.output
    pred = pd.read_csv(out / "predictions.csv", encoding="utf-8-sig")
    assert len(pred) == 120
    for col in ("property_id", "design_standard_m3_per_day", "unit_calibrated_m3_per_day", "ml_m3_per_day",
                "ml_lower_m3_per_day", "ml_upper_m3_per_day", "screen_flag"):
        assert col in pred.columns
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics["methods"]) >= {"design_standard_m3_per_day", "unit_calibrated_m3_per_day", "ml_m3_per_day"}
    districts = pd.read_csv(out / "districts.csv", encoding="utf-8-sig")
    assert {"district", "observed_m3_per_day", "ml_m3_per_day", "design_standard_ape"} <= set(districts.columns)
    # outputs are not replaced without --force
    again = CliRunner().invoke(app, ["benchmark", "nyc-ll84", "--train", str(train), "--test", str(test), "--out", str(out),
                                      "--max-iter", "20"])
    assert again.exit_code != 0 and "--force" in again.output


def test_benchmark_without_water_columns_writes_predictions_only(nyc, tmp_path):
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    nyc.iloc[:300].to_csv(train, index=False)
    nyc.iloc[300:340].drop(columns=["water_m3_per_day", "water_use_kgal_per_year"]).to_csv(test, index=False)
    r = CliRunner().invoke(app, ["benchmark", "nyc-ll84", "--train", str(train), "--test", str(test), "--out", str(tmp_path / "o"),
                                      "--max-iter", "20"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "predictions.csv").is_file() and not (tmp_path / "o" / "metrics.json").exists()


def test_canonical_table_carries_coordinates(nyc):
    c = nyc_to_canonical(nyc.head(50))
    assert {"latitude", "longitude"} <= set(c.columns)
    assert c["latitude"].iloc[1] == pytest.approx(nyc["latitude"].iloc[1])
