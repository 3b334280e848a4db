"""Household-size trend: reproduces the census points, stays normalised, overrides work."""

import numpy as np
import pandas as pd
import pytest

from sewerplan.model.intake.household_trend import (
    HH_SHARE_COLUMNS,
    census_household_shares,
    default_household_trend,
    fit_household_trend,
    household_mix,
    mix_from_table,
)


def test_trend_reproduces_census_points_within_half_a_point():
    census = census_household_shares()
    fitted = default_household_trend().shares(census["year"])
    for col in HH_SHARE_COLUMNS:
        published = census[col].to_numpy()
        ok = np.isfinite(published)
        np.testing.assert_allclose(fitted[col].to_numpy()[ok], published[ok], atol=0.005)
    # 2022 publishes only 4+ combined
    y2022 = fitted[fitted.year == 2022].iloc[0]
    assert y2022["hh_share_4"] + y2022["hh_share_5plus"] == pytest.approx(0.175, abs=0.005)


def test_statistics_korea_mean_household_size_2020_and_2023():
    s = default_household_trend().shares([2020, 2023]).set_index("year")
    assert s.loc[2020, "mean_household_size"] == pytest.approx(2.34, abs=0.03)
    assert s.loc[2023, "mean_household_size"] == pytest.approx(2.21, abs=0.03)


def test_trend_is_normalised_and_positive_far_ahead():
    s = default_household_trend().shares(range(1990, 2071))
    shares = s[HH_SHARE_COLUMNS].to_numpy()
    assert np.all(shares > 0)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(np.diff(s["hh_share_1"]) > 0)  # 1-person households keep rising


def test_hold_after_freezes_the_mix():
    s = household_mix([2025, 2030, 2035], hold_after=2025)
    np.testing.assert_allclose(s[HH_SHARE_COLUMNS].iloc[0], s[HH_SHARE_COLUMNS].iloc[2])


def test_user_table_overrides_and_interpolates():
    table = pd.DataFrame({"year": [2030, 2040], "hh_share_1": [0.4, 0.5], "hh_share_2": [0.3, 0.3],
                          "hh_share_3": [0.15, 0.1], "hh_share_4": [0.1, 0.08], "hh_share_5plus": [0.05, 0.02]})
    s = household_mix([2025, 2035, 2045], table=table).set_index("year")
    assert s.loc[2025, "hh_share_1"] == pytest.approx(0.4)  # held before the first year
    assert s.loc[2035, "hh_share_1"] == pytest.approx(0.45)
    assert s.loc[2045, "hh_share_1"] == pytest.approx(0.5)  # held after the last year
    np.testing.assert_allclose(mix_from_table(table, [2033])[HH_SHARE_COLUMNS].sum(axis=1), 1.0)


def test_fit_needs_enough_points():
    few = census_household_shares().iloc[:1]
    with pytest.raises(ValueError, match="census"):
        fit_household_trend(few)
