"""The ML model and the household-size mix: trend fill, notes, direction, scenario sensitivity."""

import numpy as np
import pandas as pd
import pytest

from sewerplan.model.intake.household_trend import HH_SHARE_COLUMNS, household_mix
from sewerplan.model.ml.features import build_features, household_mix_fill
from sewerplan.model.ml.train import _resolve_household_fill

FLAT = dict(district="d", main_use="아파트", floor_area_m2=6000.0, households=60, floors_above=15)


def test_fill_from_trend_by_year_not_before_latest_census():
    df = pd.DataFrame([
        dict(FLAT, building_id="a", approval_year=2029),
        dict(FLAT, building_id="b", approval_year=1995),            # existing: today's residents
        dict(FLAT, building_id="c", approval_year=np.nan),          # no year: latest census
        dict(FLAT, building_id="d", approval_year=2029, hh_share_1=1.0, hh_share_2=0, hh_share_3=0,
             hh_share_4=0, hh_share_5plus=0),                        # given: kept
        dict(FLAT, building_id="e", main_use="업무시설", households=0, approval_year=2029),
    ])
    shares, year = household_mix_fill(df)
    assert year.tolist()[:3] == [2029, 2023, 2023] and np.isnan(year.iloc[3]) and np.isnan(year.iloc[4])
    trend = household_mix([2029, 2023]).set_index("year")
    assert shares.iloc[0].to_numpy() == pytest.approx(trend.loc[2029, HH_SHARE_COLUMNS].to_numpy(float))
    assert shares.iloc[1].to_numpy() == pytest.approx(trend.loc[2023, HH_SHARE_COLUMNS].to_numpy(float))
    assert shares.iloc[3, 0] == 1.0 and shares.iloc[4].isna().all()
    X0 = build_features(df)
    X1 = build_features(df, household_fill=True)
    assert X0["hh_share_1"].isna().sum() == 4 and X1["hh_share_1"].isna().sum() == 1
    assert X1.loc[0, "mean_household_size"] < X1.loc[1, "mean_household_size"]  # smaller households by 2029
    assert X1.loc[0, "log_mix_water_prior_m3_per_day"] < X1.loc[1, "log_mix_water_prior_m3_per_day"]


def test_fill_only_when_training_rows_carry_a_mix():
    df = pd.DataFrame([dict(FLAT, building_id="a")] * 3)
    assert not _resolve_household_fill(df, "auto", np.arange(3))  # e.g. NYC: no mix at all
    df.loc[1, HH_SHARE_COLUMNS] = [0.2] * 5
    assert _resolve_household_fill(df, "auto", np.arange(3))
    assert not _resolve_household_fill(df, "no", np.arange(3))


@pytest.fixture(scope="module")
def shipped():
    from sewerplan.model.ml.persistence import load_model

    return load_model()


def test_shipped_model_direction_more_persons_more_per_household_less_per_person(shipped):
    one = dict(hh_share_1=0.8, hh_share_2=0.15, hh_share_3=0.05, hh_share_4=0.0, hh_share_5plus=0.0)
    four = dict(hh_share_1=0.05, hh_share_2=0.1, hh_share_3=0.2, hh_share_4=0.5, hh_share_5plus=0.15)
    df = pd.DataFrame([dict(FLAT, building_id="one", approval_year=2015, **one),
                       dict(FLAT, building_id="four", approval_year=2015, **four)])
    p = shipped.predict(df)["ml_m3_per_day"].to_numpy()
    assert p[1] > 1.2 * p[0]  # more water per household with 4-person households
    persons = [60 * (0.8 + 0.3 + 0.15), 60 * (0.05 + 0.2 + 0.6 + 2.0 + 0.15 * 5.5)]
    assert p[1] / persons[1] < p[0] / persons[0]  # less per person
    assert shipped.household_fill and shipped.card["household_mix"]["used"]


def test_shipped_model_fills_a_planned_flat_from_the_trend_and_says_so(shipped):
    df = pd.DataFrame([dict(FLAT, building_id="p", approval_year=2029),
                       dict(FLAT, building_id="q", approval_year=2035)])
    out = shipped.predict(df)
    assert "census trend for 2029" in out.loc[0, "ml_model_note"]
    assert "SYNTHETIC" in out.loc[0, "ml_model_note"]  # the synthetic warning stays
    assert out.loc[1, "ml_m3_per_day"] <= out.loc[0, "ml_m3_per_day"]  # smaller households later (trees: steps)
    assert "census trend for 2035" in out.loc[1, "ml_model_note"]


def test_scenario_ml_responds_to_the_household_mix(shipped):
    from sewerplan.model.planning.scenario import sample_scenario_path
    from sewerplan.model.planning.scenario_run import run_scenario

    base = run_scenario(sample_scenario_path("base"), model=shipped, n_simulations=200)
    held = run_scenario(sample_scenario_path("mix_held_2023"), model=shipped, n_simulations=200)
    col = "ml_day_average_p50_m3_per_day"
    b, h = base.by_year_town[col].iloc[-1], held.by_year_town[col].iloc[-1]
    assert b < h  # rising 1-2 person shares: less water from the same dwellings
    assert not any("does not respond" in n for n in base.notes)
