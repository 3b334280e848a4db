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
from sewerplan.model.ml.newest import CohortRule, cohort_metrics, run_checks, widen_bounds, z_of
from sewerplan.model.ml.nyc_ll84 import FALLBACK_MAIN_USE, main_use_of_type
from sewerplan.model.ml.train import train_model
from sewerplan.model.outputs.results import NewestCheck, example_bundle
from synthetic_city import synthetic_city
from test_ml_train import make_town


# ----------------------------------------------------------------------------- the checks
def _checks(years, drop_per_year, seed=0, rule=CohortRule(years=(10, 5), min_buildings=20, min_older=50)):
    """run_checks on a generated town whose buildings use ``drop_per_year`` less water per year after 2000."""
    town = make_town(n=len(years), seed=seed, n_districts=10)
    town["approval_year"] = years
    town["observed_m3_per_day"] *= np.exp(-drop_per_year * np.clip(years - 2000, 0, None))
    from sewerplan.model.ml.features import build_features

    X = build_features(town)
    return run_checks(town, X, town["observed_m3_per_day"].to_numpy(), town["district"], np.arange(len(town)),
                      ["hgb_log", "ridge_log", "hgb_poisson", "blend"], 0, 60, rule)


def test_checks_train_on_the_buildings_up_to_each_origin_and_forecast_the_later_ones():
    years = np.r_[np.full(300, 1995.0), np.full(60, 2012.0), np.full(60, 2017.0)]
    cs = _checks(years, 0.0)
    assert [c.years_before for c in cs.checks] == [10, 5] and cs.newest_year == 2017.0
    assert [c.origin for c in cs.checks] == [2007.0, 2012.0]
    assert [len(c.rows) for c in cs.checks] == [120, 60] and [c.n_older for c in cs.checks] == [300, 360]
    assert cs.first_year == 2008.0 and cs.rows.size == 120
    m = cs.learner_metrics("blend")
    assert m["n_checks"] == 2 and set(cs.checks[0].metrics) >= {"hgb_log", "blend", "per_type_median"}


def test_no_check_runs_without_enough_buildings_after_an_origin():
    years = np.r_[np.full(300, 1995.0), np.full(10, 2017.0)]  # 10 new buildings, the minimum is 20
    cs = _checks(years, 0.0)
    assert not cs.checked and cs.rows.size == 0 and cs.first_year is None


@pytest.mark.parametrize("bad", [dict(years=()), dict(years=(0,)), dict(years=(60,)), dict(min_buildings=3),
                                 dict(min_older=1), dict(prior_sd_log=0.0), dict(fallback_sd_log=2.0)])
def test_a_rule_outside_its_range_is_refused_with_its_name(bad):
    with pytest.raises(ParameterError, match="newest_cohort"):
        CohortRule(**bad)


def test_a_steady_vintage_drop_gives_a_factor_below_one_and_its_spread():
    from sewerplan.model.ml.newest import level_factor

    years = np.r_[np.full(300, 1995.0), np.full(80, 2009.0), np.full(80, 2014.0), np.full(80, 2018.0)]
    cs = _checks(years, 0.03)  # each later cohort uses 3% a year less
    lv = level_factor(cs, "hgb_log")
    per = [math.log(f) for f in lv["per_check"].values()]
    assert lv["raw"] == pytest.approx(math.exp(np.mean(per)))
    assert lv["raw"] < 0.95 and lv["factor"] <= 1.0 and lv["factor"] >= lv["raw"] - 1e-12  # shrunk toward 1, not past
    assert lv["sd_between"] == pytest.approx(np.std(per, ddof=1))
    assert 0 < lv["weight"] <= 1 and lv["sd_log"] >= lv["sd_between"]


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
    """make_town (1990-2019) with a 1%/year drop after 2005."""
    town = make_town(n=600, seed=3)
    year = town["approval_year"].to_numpy()
    town["observed_m3_per_day"] *= np.exp(-0.01 * np.clip(year - 2005, 0, None))
    return town


@pytest.fixture(scope="module")
def vintage_model(vintage_town):
    return train_model(vintage_town, max_iter=30, trained_on="generated test town", synthetic=True,
                       newest_cohort=CohortRule(years=(10, 5), min_buildings=30, min_older=100))


def test_trained_model_carries_the_check_and_applies_it_to_buildings_newer_than_its_data(vintage_model, vintage_town):
    nw = vintage_model.newest
    assert nw["checked"] and nw["last_year"] == 2019.0 and nw["new_from_year"] == 2020.0
    assert nw["first_year"] == 2010.0 and [c["years_before"] for c in nw["checks"]] == [10, 5]
    assert {"hgb_log", "ridge_log", "hgb_poisson", "blend", "per_type_median"} <= set(nw["metrics"])
    card = vintage_model.card["newest_cohort"]
    assert card["checked"] and card["checked_buildings"] == nw["n_buildings"]
    plan = vintage_town.head(40).copy()
    old = vintage_model.predict(plan.assign(approval_year=2000.0))
    new = vintage_model.predict(plan.assign(approval_year=2030.0))
    factor = nw["level"]["factor"]
    # the year is clipped to the data's range: beyond it the only difference is the factor
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


def test_a_cohort_too_small_to_check_widens_every_new_building_interval_by_the_fallback():
    town = make_town(n=300, seed=5)
    town["approval_year"] = 1995.0
    town.loc[town.index[:12], "approval_year"] = 2020.0  # 12 new buildings, below the minimum of 30
    m = train_model(town, max_iter=20, synthetic=True)
    nw = m.newest
    assert not nw["checked"] and nw["n_buildings"] == 0 and nw["last_year"] == 2020.0
    assert nw["level"]["factor"] == 1.0 and nw["level"]["sd_log"] == pytest.approx(0.25)
    lo, hi = m.intervals["pooled"]
    assert nw["intervals"]["pooled"] == pytest.approx(list(widen_bounds(lo, hi, 0.25, 0.9)))
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
    factor = m["newest_cohort_check"]["level"]["factor"]
    assert m["newest_cohort_check"]["checked"] and factor < 0.95  # the checks see the drop
    # the factor moves the total toward what the new buildings used (uncorrected: total / factor);
    # over seeds 7, 8, 9 the corrected totals were 1.14, 1.06, 1.04 (docs/ml.md), so the band is 0.90-1.15
    assert abs(math.log(ml["total_ratio"])) < abs(math.log(ml["total_ratio"] / factor))
    assert 0.90 <= ml["total_ratio"] <= 1.15, ml
    assert 0.85 <= m["methods"]["ml_interval_coverage"] <= 0.95
    assert ml["wape"] <= base["wape"] - 0.03
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
