"""The newest-cohort check (issue 21): validate, select and calibrate on the newest buildings.

A new town is made of buildings newer than any the model learned from. These tests check the
rule that picks the cohort, the level factor and its shrinkage, the widened intervals, the
model file, the benchmark on a SYNTHETIC second city with a built-in vintage drop, and the
council paper's wording when the cohort is too small.
"""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.errors import ModelLoadError, ParameterError
from sewerplan.model.ml import persistence
from sewerplan.model.ml.newest import (CohortRule, cohort_mask, cohort_metrics, level_factor, widen_bounds, z_of)
from sewerplan.model.ml.nyc_ll84 import FALLBACK_MAIN_USE, main_use_of_type
from sewerplan.model.ml.train import train_model
from sewerplan.model.outputs.results import NewestCheck, example_bundle
from synthetic_city import synthetic_city
from test_ml_train import make_town


# ----------------------------------------------------------------------------- the cohort rule
def test_newest_share_takes_the_newest_tenth_with_the_whole_boundary_year():
    years = np.array([1990.0] * 50 + [2000.0] * 40 + [2010.0] * 8 + [2011.0] * 2 + [np.nan] * 5)
    first, mask = cohort_mask(years, CohortRule(share=0.10))
    assert first == 2010.0 and mask.sum() == 10  # 10% of the 100 rows with a year
    assert not mask[-5:].any()  # rows without a year are never in the cohort


def test_last_n_years_and_the_half_guard():
    years = np.array([2001.0, 2015.0, 2016.0, 2020.0, 2024.0, 2024.0])
    first, mask = cohort_mask(years, CohortRule(years=5))
    assert first == 2020.0 and mask.tolist() == [False, False, False, True, True, True]
    # most rows of the newest year: the cohort never takes more than half
    first, mask = cohort_mask(np.array([2024.0] * 8 + [2000.0] * 2), CohortRule(share=0.1))
    assert mask.sum() == 0 and first == 2025.0
    assert cohort_mask(np.array([np.nan, np.nan]))[0] is None


@pytest.mark.parametrize("bad", [dict(share=0.0), dict(share=0.9), dict(years=0), dict(min_buildings=3),
                                 dict(prior_sd_log=0.0)])
def test_a_rule_outside_its_range_is_refused_with_its_name(bad):
    with pytest.raises(ParameterError, match="newest_cohort"):
        CohortRule(**bad)


# ----------------------------------------------------------------------------- level factor
def test_a_large_consistent_cohort_keeps_its_factor_and_a_noisy_small_one_is_shrunk_toward_one():
    rng = np.random.default_rng(0)
    p = rng.uniform(5, 50, 600)
    d = np.repeat(np.arange(30), 20)
    y = 0.85 * p * np.exp(rng.normal(0, 0.1, 600))  # the cohort uses 15% less than forecast
    big = level_factor(y, p, d, prior_sd_log=0.2)
    assert big["raw"] == pytest.approx(y.sum() / p.sum())
    assert big["weight"] > 0.9 and abs(big["factor"] - big["raw"]) < 0.01
    y_small = p[:12] * np.exp(rng.normal(math.log(0.85), 1.0, 12))  # 12 buildings, very noisy
    small = level_factor(y_small, p[:12], d[:12], prior_sd_log=0.2)
    assert small["weight"] < 0.6  # shrunk: half or more of the log gap is discounted
    assert abs(math.log(small["factor"])) < abs(math.log(small["raw"]))
    assert small["sd_log"] <= 0.2 + 1e-12 and small["sd_log"] > big["sd_log"]


def test_widening_adds_in_quadrature_on_the_log_scale():
    lo, hi = widen_bounds(-0.3, 0.4, 0.1, 0.9)
    z = z_of(0.9)
    assert z == pytest.approx(1.6449, abs=1e-4)
    assert lo == pytest.approx(-math.sqrt(0.09 + (z * 0.1) ** 2))
    assert hi == pytest.approx(math.sqrt(0.16 + (z * 0.1) ** 2))
    assert widen_bounds(-0.3, 0.4, 0.0, 0.9) == pytest.approx((-0.3, 0.4))


def test_cohort_metrics_by_independent_arithmetic():
    y = np.array([10.0, 20, 30, 40, 50, 5, 5, 5, 5, 5])
    p = np.array([12.0, 18, 33, 40, 60, 4, 6, 5, 5, 5])
    m = cohort_metrics(y, p, ["A"] * 5 + ["B"] * 5, lower=p * 0.9, upper=p * 1.1)
    assert m["total_ratio"] == pytest.approx(188 / 175)
    assert m["wape"] == pytest.approx((2 + 2 + 3 + 0 + 10 + 1 + 1) / 175)
    assert m["district_median_ape"] == pytest.approx(np.median([abs(163 / 150 - 1), abs(25 / 25 - 1)]))
    assert m["interval_coverage"] == pytest.approx(np.mean(np.abs(y / p - 1) <= 0.1 + 1e-12))


# ----------------------------------------------------------------------------- training
@pytest.fixture(scope="module")
def vintage_town():
    """make_town with a 1%/year drop after 2005 (newest tenth: 2017-2019)."""
    town = make_town(n=600, seed=3)
    year = town["approval_year"].to_numpy()
    town["observed_m3_per_day"] *= np.exp(-0.01 * np.clip(year - 2005, 0, None))
    return town


@pytest.fixture(scope="module")
def vintage_model(vintage_town):
    return train_model(vintage_town, max_iter=30, trained_on="generated test town", synthetic=True)


def test_trained_model_carries_the_check_and_applies_it_to_buildings_newer_than_its_data(vintage_model, vintage_town):
    nw = vintage_model.newest
    assert nw["checked"] and nw["last_year"] == 2019.0 and nw["new_from_year"] == 2020.0
    assert nw["n_buildings"] >= 50 and {"hgb_log", "ridge_log", "hgb_poisson", "blend", "per_type_median"} <= set(
        nw["metrics"])
    card = vintage_model.card["newest_cohort"]
    assert card["checked"] and card["cohort_buildings"] == nw["n_buildings"]
    plan = vintage_town.head(40).copy()
    old = vintage_model.predict(plan.assign(approval_year=2000.0))
    new = vintage_model.predict(plan.assign(approval_year=2030.0))
    factor = nw["level"]["factor"]
    # trees hold the newest year's level beyond the data: the only difference is the factor
    if vintage_model.learner in ("hgb_log", "hgb_poisson"):
        same = vintage_model.predict(plan.assign(approval_year=2019.0))
        np.testing.assert_allclose(new["ml_m3_per_day"], same["ml_m3_per_day"] * factor, rtol=1e-9)
    # new buildings get the cohort's intervals, wider than the cross-validated ones by the factor's sd
    width_new = np.log(new["ml_upper_m3_per_day"] / new["ml_lower_m3_per_day"])
    width_old = np.log(old["ml_upper_m3_per_day"] / old["ml_lower_m3_per_day"])
    assert np.all(np.isfinite(width_new)) and np.all(width_new > 0) and np.all(np.isfinite(width_old))


def test_district_totals_of_a_planned_town_use_the_widened_bounds(vintage_model, vintage_town):
    plan = vintage_town.head(60).assign(approval_year=2030.0)
    t = vintage_model.predict_district_totals(plan)
    lo, hi = vintage_model.newest["district_log_ratio_bounds"]
    np.testing.assert_allclose(t["ml_total_upper"], t["ml_total"] * math.exp(hi))
    cv_lo, cv_hi = vintage_model.district_intervals["log_ratio_bounds"]
    assert hi >= cv_hi and lo <= cv_lo


def test_a_cohort_too_small_to_check_widens_every_new_building_interval_by_the_prior():
    town = make_town(n=300, seed=5)
    town["approval_year"] = 1995.0
    town.loc[town.index[:12], "approval_year"] = 2020.0  # 12 new buildings, below the minimum of 50
    m = train_model(town, max_iter=20, synthetic=True)
    nw = m.newest
    assert not nw["checked"] and nw["n_buildings"] == 12
    assert nw["level"]["factor"] == 1.0 and nw["level"]["sd_log"] == pytest.approx(0.2)
    lo, hi = m.intervals["pooled"]
    assert nw["intervals"]["pooled"] == pytest.approx(list(widen_bounds(lo, hi, 0.2, 0.9)))
    assert "too_small" in m.card["newest_cohort"]


def test_switching_the_check_off_keeps_the_district_cross_validation_alone():
    m = train_model(make_town(n=240, seed=2), max_iter=20, newest_cohort=None, synthetic=True)
    assert m.newest is None and m.card["newest_cohort"] == {"used": False,
                                                            "why": "trained with the newest-cohort check switched off"}


def test_model_file_keeps_the_check_and_refuses_an_implausible_one(vintage_model, tmp_path):
    path = persistence.save_model(vintage_model, tmp_path / "m.skops")
    again = persistence.load_model(path)
    assert again.newest == json.loads(json.dumps(vintage_model.newest, default=float))
    plan = make_town(n=30, seed=9).assign(approval_year=2030.0)
    np.testing.assert_allclose(again.predict(plan)["ml_m3_per_day"], vintage_model.predict(plan)["ml_m3_per_day"])
    broken = json.loads(json.dumps(vintage_model.newest, default=float))
    broken["level"]["factor"] = 50.0
    with pytest.raises(ModelLoadError, match="new-building calibration"):
        persistence._check_newest(broken, path)
    broken["level"]["factor"] = float("nan")
    with pytest.raises(ModelLoadError):
        persistence._check_newest(broken, path)


# ----------------------------------------------------------------------------- any city's file
def test_property_types_outside_the_nyc_table_map_by_keyword_or_to_the_documented_fallback():
    assert main_use_of_type("Multifamily Housing") == ("아파트", "table")
    assert main_use_of_type("Residential Care Facility") == ("아파트", "keyword")
    assert main_use_of_type("Self-Storage Facility") == ("창고시설", "keyword")
    assert main_use_of_type("Bowling Alley") == (FALLBACK_MAIN_USE, "fallback")


def _benchmark(tmp_path, city: pd.DataFrame, name: str) -> dict:
    path = tmp_path / f"{name}.csv"
    city.to_csv(path, index=False)
    out = tmp_path / name
    r = CliRunner().invoke(app, ["benchmark", "nyc-ll84", "--train", str(path), "--split", "newest", "--year", "2010",
                                 "--out", str(out), "--max-iter", "80"])
    assert r.exit_code == 0, r.output
    return json.loads((out / "metrics.json").read_text(encoding="utf-8"))


def test_synthetic_second_city_with_a_vintage_drop_is_forecast_on_its_newest_buildings(tmp_path):
    """SYNTHETIC city: newest buildings use 1.5%/year less per year of vintage since 1990 (like a US
    city's 3.7 -> 3.3 -> 3.0 L/(m2 d) cohorts). Train <= 2010, forecast 2011-2020: the forecast total and
    its 90% intervals must hold on the new buildings, and unknown types must not stop the run."""
    city = synthetic_city(drop_per_year=0.015)
    city.loc[city.index[::97], "largest_property_use_type"] = "Mixed Use Property"  # not in the NYC table
    city.loc[city.index[5], "gross_floor_area_m2"] = 0.0  # set aside, not fatal
    m = _benchmark(tmp_path, city, "vintage")
    ml, base = m["methods"]["ml_m3_per_day"], m["methods"]["unit_calibrated_m3_per_day"]
    assert 0.90 <= ml["total_ratio"] <= 1.10, ml
    assert 0.85 <= m["methods"]["ml_interval_coverage"] <= 0.95
    assert ml["wape"] <= base["wape"] - 0.03
    assert m["newest_cohort_check"]["checked"] and m["newest_cohort_check"]["level"]["factor"] < 1.0
    assert sum(v[2] for f in m["unmapped_types"].values() for v in f.values()) == len(city.index[::97])
    assert m["rejected_rows"]["TRAIN"] + m["rejected_rows"]["TEST"] == 1
    assert (tmp_path / "vintage" / "rejected_rows.csv").is_file()


def test_a_control_city_without_a_vintage_effect_is_not_pushed_off(tmp_path):
    m = _benchmark(tmp_path, synthetic_city(drop_per_year=0.0, seed=8), "control")
    assert 0.90 <= m["methods"]["ml_m3_per_day"]["total_ratio"] <= 1.10
    assert 0.85 <= m["methods"]["ml_interval_coverage"] <= 0.95


def test_year_split_needs_a_year_and_no_test_file(tmp_path):
    path = tmp_path / "c.csv"
    synthetic_city(n_old=60, n_new=10).to_csv(path, index=False)
    r = CliRunner().invoke(app, ["benchmark", "nyc-ll84", "--train", str(path), "--split", "newest",
                                 "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "--year" in r.output


# ----------------------------------------------------------------------------- the council paper
def _pdf_text(pdf: bytes) -> str:
    import pypdf

    return "".join(p.extract_text() + "\f" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_council_paper_says_when_the_newest_cohort_was_too_small_to_check():
    from sewerplan.reporting.render import render_pdf_bytes

    bundle = example_bundle()
    bundle.metadata.model_card.newest_check = NewestCheck(checked=False, n_buildings=12, min_buildings=50,
                                                          level_sd_log=0.2, upper_widening=0.31)
    bundle.validate()
    text = _squeezed(_pdf_text(render_pdf_bytes("council", bundle, "ko", attach=False)))
    assert _squeezed("최근 준공 건물이 12동뿐이라(검증에 최소 50동 필요) 새 건물로 예측을 검증하지 못했습니다") in text
    assert _squeezed("새 건물의 예측 범위를 넓혔습니다(상한 31% 높임)") in text
    assert _squeezed("최근 준공 건물 12동은 새 건물 검증에 모자라 범위를 넓힘") in text  # beside the probabilities
    assert "최근준공건물12동(" not in text  # no "checked on N buildings" sentence


def test_council_paper_carries_the_checked_result_in_words_chosen_by_its_direction():
    from sewerplan.reporting.newest import newest_paragraph

    bundle = example_bundle()
    base = dict(checked=True, n_buildings=386, min_buildings=50, first_year=2018, last_year=2024, wape=0.4,
                per_type_total_ratio=0.8, level_factor=0.92, level_raw=0.91, level_sd_log=0.05, upper_widening=0.03)
    bundle.metadata.model_card.newest_check = NewestCheck(**base, total_ratio=1.09)
    over = newest_paragraph(bundle, "ko")
    assert "최근 준공 건물 386동(2018–2024년 사용승인)으로 확인한 결과" in over
    assert "실제보다 9% 컸습니다" in over and "용도별 중앙값 방식은 20% 작음" in over and "0.92배를 곱했고" in over
    bundle.metadata.model_card.newest_check = NewestCheck(**base, total_ratio=0.9)
    assert "실제보다 10% 작았습니다" in newest_paragraph(bundle, "ko")
    bundle.metadata.model_card.newest_check = NewestCheck(**base, total_ratio=1.01)
    assert "실제와 거의 같았습니다(차이 1%" in newest_paragraph(bundle, "ko")
    bundle.metadata.model_card.newest_check = None
    assert newest_paragraph(bundle, "ko") == ""
