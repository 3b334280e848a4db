"""ML flow: training, persistence safety, intervals, screening, prediction on a Korean table."""

from __future__ import annotations

import json
import shutil
import sys

import numpy as np
import pandas as pd
import pytest

from sewerplan.model.errors import ModelLoadError
from sewerplan.model.ml.features import build_features, observed_from_billing
from sewerplan.model.ml.intervals import conformal_bounds
from sewerplan.model.ml.train import grouped_cv_predictions, train_model
from sewerplan.model.ml.card import card_path_for
from sewerplan.model.ml.persistence import ALLOWED_TYPES, FORMAT, load_model, save_model
from sewerplan.model.intake.screening import screen_observations

INTENSITY = {"아파트": 5.0, "업무시설": 2.0, "제1종근린생활시설": 6.0, "공장": 1.0}  # [L/(m2 d)]


def make_town(n=360, n_districts=12, seed=0, sigma=0.4):
    """Generated buildings: day-average sewage = use intensity x area x lognormal noise."""
    rng = np.random.default_rng(seed)
    uses = rng.choice(list(INTENSITY), n, p=[0.6, 0.2, 0.1, 0.1])
    area = np.exp(rng.normal(8.0, 0.7, n))
    hh = np.where(uses == "아파트", np.round(area / 100), 0)
    y = np.array([INTENSITY[u] for u in uses]) * area / 1000 * np.exp(rng.normal(0, sigma, n))
    return pd.DataFrame(
        {
            "building_id": [f"B{i:05d}" for i in range(n)],
            "district": [f"D{i % n_districts:02d}" for i in range(n)],
            "main_use": uses,
            "floor_area_m2": area,
            "households": hh,
            "approval_year": rng.integers(1990, 2020, n).astype(float),
            "observed_m3_per_day": y,
        }
    )


@pytest.fixture(scope="module")
def town():
    return make_town()


@pytest.fixture(scope="module")
def model(town):
    return train_model(town, max_iter=30, trained_on="generated test town", synthetic=True)


def test_train_save_load_gives_identical_predictions(model, town, tmp_path):
    path = save_model(model, tmp_path / "m.skops")
    assert card_path_for(path).is_file()
    again = load_model(path)
    a, b = model.predict(town), again.predict(town)
    pd.testing.assert_frame_equal(a, b)
    assert again.model_id == model.model_id
    assert (a["ml_lower_m3_per_day"] < a["ml_m3_per_day"]).all()
    assert (a["ml_m3_per_day"] < a["ml_upper_m3_per_day"]).all()


def test_save_refuses_to_overwrite_without_force(model, tmp_path):
    save_model(model, tmp_path / "m.skops")
    with pytest.raises(Exception, match="--force"):
        save_model(model, tmp_path / "m.skops")
    save_model(model, tmp_path / "m.skops", force=True)


def test_card_contents(model):
    card = model.card
    for key in ("model_id", "training_data_sha256", "rows", "features", "libraries", "cross_validation",
                "intervals", "created", "intended_use", "limits", "trained_on"):
        assert key in card
    assert set(card["libraries"]) >= {"scikit-learn", "skops", "numpy", "pandas", "python"}
    assert set(card["cross_validation"]["candidates"]) == {"hgb_log", "ridge_log", "hgb_poisson", "blend"}
    assert "by_category" in card["cross_validation"]["chosen"]
    assert card["rows"]["used"] + card["rows"]["screened_out"] == card["rows"]["total"]
    json.dumps(card)  # plain JSON


def test_synthetic_model_says_so_in_every_prediction(model, town):
    notes = model.predict(town.head(3))["ml_model_note"]
    assert notes.str.contains("SYNTHETIC").all()


def test_allow_list_refuses_a_type_outside_the_list(model, tmp_path):
    import skops.io as sio
    from sklearn.neighbors import KNeighborsRegressor

    good = save_model(model, tmp_path / "good.skops")
    assert "sklearn.neighbors._regression.KNeighborsRegressor" not in ALLOWED_TYPES
    meta = json.dumps({"model_id": model.model_id, "libraries": model.card["libraries"]})
    evil = tmp_path / "evil.skops"
    payload = {"format": FORMAT, "estimator": KNeighborsRegressor().fit([[0.0], [1.0]], [0.0, 1.0]),
               "meta": meta}
    sio.dump(payload, evil)
    shutil.copy(card_path_for(good), card_path_for(evil))
    with pytest.raises(ModelLoadError, match="allow-list.*KNeighborsRegressor.*sewerplan train"):
        load_model(evil)


def test_allow_list_refuses_a_type_skops_does_not_trust(model, tmp_path):
    import collections

    import skops.io as sio

    good = save_model(model, tmp_path / "good.skops")
    evil = tmp_path / "evil2.skops"
    sio.dump({"format": FORMAT, "x": collections.OrderedDict(a=1)}, evil)
    shutil.copy(card_path_for(good), card_path_for(evil))
    with pytest.raises(ModelLoadError, match="allow-list"):
        load_model(evil)


def test_other_sklearn_version_is_refused_with_retrain_message(model, tmp_path):
    path = save_model(model, tmp_path / "m.skops")
    card_file = card_path_for(path)
    card = json.loads(card_file.read_text(encoding="utf-8"))
    card["libraries"]["scikit-learn"] = "1.4.0"
    card_file.write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"scikit-learn 1\.4\.0.*`sewerplan train`"):
        load_model(path)


def test_missing_card_or_file_is_refused(model, tmp_path):
    path = save_model(model, tmp_path / "m.skops")
    card_path_for(path).unlink()
    with pytest.raises(ModelLoadError, match="card"):
        load_model(path)
    with pytest.raises(ModelLoadError, match="not found"):
        load_model(tmp_path / "nope.skops")


def test_interval_coverage_on_held_out_districts():
    """90% intervals cover 84-96% of buildings in districts never seen in training."""
    town = make_town(n=900, n_districts=30, seed=1)
    held = town["district"].isin([f"D{i:02d}" for i in range(0, 30, 3)])
    m = train_model(town[~held], max_iter=30, learner="hgb_log")
    p = m.predict(town[held])
    y = town.loc[held, "observed_m3_per_day"]
    inside = ((y >= p["ml_lower_m3_per_day"]) & (y <= p["ml_upper_m3_per_day"])).mean()
    assert 0.84 <= inside <= 0.96, inside
    # district sums stay unbiased on held-out districts (ratio correction of the log fit)
    assert abs(p["ml_m3_per_day"].sum() / y.sum() - 1) < 0.08
    tot = m.predict_district_totals(town[held])
    obs = town[held].groupby("district")["observed_m3_per_day"].sum()
    t = tot.set_index("district")
    assert ((obs >= t["ml_total_lower"]) & (obs <= t["ml_total_upper"])).mean() >= 0.7


def test_grouped_cv_holds_out_whole_districts(town):
    out = grouped_cv_predictions(town, max_iter=20, learner="ridge_log")
    per = out.groupby("district")["cv_fold"].nunique()
    assert (per == 1).all()
    assert out["ml_m3_per_day"].notna().all()


def test_trained_model_keeps_its_held_out_predictions(town, tmp_path):
    """train_model returns the CV table it calibrated on; running the CV again gives the same."""
    m = train_model(town, max_iter=10, learner="hgb_log")
    again = grouped_cv_predictions(town, max_iter=10, learner="hgb_log")
    pd.testing.assert_series_equal(m.cv_predictions["ml_m3_per_day"], again["ml_m3_per_day"])
    assert m.cv_predictions.index.equals(town.index)
    assert load_model(save_model(m, tmp_path / "m.skops")).cv_predictions is None  # not saved


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux only")
def test_two_worker_processes_give_the_predictions_of_one_process(town, monkeypatch):
    """The folds and the newest-cohort checks fitted in two processes: the same numbers, bit for bit
    (each worker bounds its OpenMP threads again; unbounded, sums came out in another order)."""
    results = {}
    for n in ("1", "2"):
        monkeypatch.setenv("SEWERPLAN_ML_PROCESSES", n)
        out, details = grouped_cv_predictions(town, max_iter=30, _return_details=True)
        results[n] = (out, details["newest_check"])
    (one, check_one), (two, check_two) = results["1"], results["2"]
    assert check_one.checked and len(check_one.checks) >= 1  # the checks ran, so their fits were compared too
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    for a, b in zip(check_one.checks, check_two.checks):
        assert a.predictions.keys() == b.predictions.keys()
        assert all(np.array_equal(a.predictions[k], b.predictions[k]) for k in a.predictions)


def test_ml_threads_bounds_openmp(monkeypatch):
    from threadpoolctl import threadpool_info

    from sewerplan.model.ml.train import ml_threads

    with ml_threads():
        assert all(p["num_threads"] == 1 for p in threadpool_info() if p["user_api"] == "openmp")
    monkeypatch.setenv("SEWERPLAN_ML_THREADS", "0")
    with ml_threads():
        pass  # no limit: the libraries' default


def test_conformal_bounds_rank():
    lo, hi, exact = conformal_bounds(np.arange(1, 100, dtype=float), 0.90)
    assert (lo, hi, exact) == (5.0, 95.0, True)
    assert conformal_bounds([1.0, 2.0], 0.9)[2] is False


def test_screening_flags_zero_use_and_impossible_intensity():
    t = make_town(n=120, seed=3)
    t.loc[0, "observed_m3_per_day"] = 0.0
    t.loc[1, "observed_m3_per_day"] = t.loc[1, "floor_area_m2"] * 5.0  # 5000 L/(m2 d)
    t.loc[2, "observed_m3_per_day"] = np.nan
    s = screen_observations(t)
    assert s.loc[0, "screen_reason"].startswith("zero_or_negative")
    assert s.loc[1, "screen_reason"].startswith("intensity_above_bound")
    assert not s.loc[2, "screen_flag"]
    assert s["screen_flag"].sum() <= 5  # ordinary buildings stay in
    m = train_model(t, max_iter=10, learner="ridge_log")
    assert m.card["rows"]["screened_out"] >= 2


def test_observed_from_billing_twelve_months():
    bills = pd.DataFrame({"building_id": ["A"] * 12, "billing_month": range(202301, 202313),
                          "billed_m3": [365.0 / 12] * 12})
    o = observed_from_billing(bills, return_ratio=0.85)
    assert o.loc[0, "observed_m3_per_day"] == pytest.approx(0.85)
    assert o.loc[0, "observed_months"] == 12 and o.loc[0, "observed_note"] == ""


def test_features_do_not_include_district(town):
    assert not any("district" in c for c in build_features(town).columns)


def test_predict_on_korean_canonical_table_with_default_model():
    from importlib import resources

    from sewerplan.model.intake.inventory import load_buildings

    sample = resources.files("sewerplan").joinpath("sample_data", "sample_buildings.csv")
    valid, _ = load_buildings(str(sample))
    m = load_model()  # the model shipped with the package
    p = m.predict(valid)
    assert len(p) == len(valid) and p["ml_m3_per_day"].gt(0).all()
    assert (p["ml_lower_m3_per_day"] <= p["ml_m3_per_day"]).all()
    assert p["ml_model_note"].str.contains("SYNTHETIC").all()  # trained on the synthetic sample town: says so
    assert m.card["synthetic"] is True and m.card["region"] == "KR"
    assert "synthetic" in m.card["trained_on"].lower()
    tot = m.predict_district_totals(valid)
    assert tot["ml_total"].sum() == pytest.approx(p["ml_m3_per_day"].sum())


def _located_town(n=300, seed=2):
    """Generated town whose intensity rises to the east (a location effect to learn)."""
    t = make_town(n=n, n_districts=10, seed=seed, sigma=0.2)
    rng = np.random.default_rng(seed)
    t["latitude"] = 37.60 + rng.uniform(0, 0.05, n)
    t["longitude"] = 126.80 + rng.uniform(0, 0.10, n)
    t["observed_m3_per_day"] *= np.exp(8.0 * (t["longitude"] - 126.85))
    return t


def test_location_features_are_used_recorded_and_required(tmp_path):
    t = _located_town()
    m = train_model(t, max_iter=20, learner="hgb_log")
    assert m.uses_location and m.card["location"]["used"] is True
    assert m.card["settings"]["location"] is True
    assert {"latitude", "longitude"} <= {f["name"] for f in m.card["features"]}
    lo, hi = m.location["bounds"]["longitude"]
    assert 126.80 <= lo < hi <= 126.90
    again = load_model(save_model(m, tmp_path / "loc.skops"))
    assert again.uses_location
    pd.testing.assert_frame_equal(m.predict(t), again.predict(t))
    # the east side is predicted higher than the west side for the same building
    one = t.head(1)
    west, east = one.assign(longitude=126.801), one.assign(longitude=126.899)
    assert m.predict(east)["ml_m3_per_day"].iloc[0] > m.predict(west)["ml_m3_per_day"].iloc[0]
    # outside the training area: the edge's effect, no extrapolation, and the note says so
    far = one.assign(longitude=127.5)
    p_far = m.predict(far)
    assert p_far["ml_m3_per_day"].iloc[0] == pytest.approx(m.predict(one.assign(longitude=hi))["ml_m3_per_day"].iloc[0])
    assert "outside the training area" in p_far["ml_model_note"].iloc[0]
    # a row without coordinates is predicted and flagged; a table without any is refused, in both languages
    part = t.head(3).copy()
    part.loc[part.index[0], "latitude"] = np.nan
    assert "no coordinates" in m.predict(part)["ml_model_note"].iloc[0]
    from sewerplan.model.errors import InventoryValidationError

    with pytest.raises(InventoryValidationError, match=r"latitude.*--location no.*위도"):
        m.predict(t.drop(columns=["latitude", "longitude"]))


def test_location_auto_off_without_coordinates_and_no_forces_off(town):
    t = _located_town(n=120)
    assert not train_model(t, max_iter=10, learner="ridge_log", location="no").uses_location
    assert train_model(t.drop(columns=["latitude"]), max_iter=10, learner="ridge_log").card["location"]["used"] is False
    sparse = t.copy()
    sparse.loc[sparse.index[:80], "latitude"] = np.nan  # only a third has coordinates: auto leaves them out
    assert not train_model(sparse, max_iter=10, learner="ridge_log").uses_location
    assert train_model(sparse, max_iter=10, learner="ridge_log", location="yes").uses_location


def test_blend_learner_is_the_mean_of_the_candidates_and_survives_save_load(tmp_path):
    from sewerplan.model.ml.train import CANDIDATES

    df = make_town(seed=3)
    blend = train_model(df, learner="blend", max_iter=20)
    assert blend.learner == "blend" and isinstance(blend.estimator, list) and len(blend.estimator) == 3
    members = [train_model(df, learner=name, max_iter=20) for name in CANDIDATES]
    expected = np.mean([m.predict(df)["ml_m3_per_day"].to_numpy() for m in members], axis=0)
    np.testing.assert_allclose(blend.predict(df)["ml_m3_per_day"].to_numpy(), expected, rtol=1e-9)
    path = tmp_path / "blend.skops"
    save_model(blend, path)
    np.testing.assert_allclose(load_model(path).predict(df)["ml_m3_per_day"].to_numpy(), expected, rtol=1e-9)


def test_learner_choice_keeps_the_blend_unless_another_is_clearly_better():
    from sewerplan.model.ml.train import _choose

    def m(dape, bias, wape=0.4):
        return {"district_median_ape": dape, "sum_bias": bias, "wape": wape, "n_districts": 8}

    close = {"hgb_log": m(0.09, 0.01), "ridge_log": m(0.12, 0.0), "hgb_poisson": m(0.11, 0.02), "blend": m(0.10, 0.01)}
    assert _choose(close) == "blend"  # 0.10 is not below 0.8 x 0.11
    clear = {"hgb_log": m(0.10, 0.07), "ridge_log": m(0.06, 0.02), "hgb_poisson": m(0.05, 0.10), "blend": m(0.06, 0.06)}
    assert _choose(clear) == "ridge_log"  # 0.08 < 0.8 x 0.12
    biased = {"hgb_log": m(0.03, 0.20), "ridge_log": m(0.09, 0.0), "hgb_poisson": m(0.10, 0.0), "blend": m(0.08, 0.07)}
    assert _choose(biased) == "ridge_log"  # the low median error does not hide a 20% town bias
