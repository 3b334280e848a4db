"""The ML model and the household-size mix: trend fill, notes, direction, scenario sensitivity."""

import numpy as np
import pandas as pd
import pytest

from sewerplan.model.household_trend import HH_SHARE_COLUMNS, household_mix
from sewerplan.model.ml_features import build_features, household_mix_fill
from sewerplan.model.ml_train import _resolve_household_fill

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
