from importlib import resources

import numpy as np
import pandas as pd
import pytest

from sewerplan.model import ParameterError, babbitt, gifft_max_day, harmon, korean_hourly, peaking_factor, ten_states


@pytest.fixture(scope="module")
def reference():
    with resources.files("sewerplan.model").joinpath("data", "peaking_factor_reference.csv").open("rb") as fh:
        return pd.read_csv(fh)


def test_harmon_matches_reference_table(reference):
    np.testing.assert_allclose(harmon(reference["population"]), reference["harmon"], atol=0.006)


def test_babbitt_matches_reference_table(reference):
    np.testing.assert_allclose(babbitt(reference["population"]), reference["babbitt"], atol=0.006)


def test_gifft_matches_reference_table(reference):
    np.testing.assert_allclose(gifft_max_day(reference["population"]), reference["gifft_max_day"], atol=0.006)


def test_ten_states_is_harmon():
    p = 25_000
    assert ten_states(p) == harmon(p) == pytest.approx((18 + np.sqrt(25)) / (4 + np.sqrt(25)))


def test_korean_hourly_factor_within_standard_range():
    assert 1.6 <= korean_hourly() <= 2.6
    assert korean_hourly() == pytest.approx(2.0)


def test_peaking_factor_falls_with_population():
    f = peaking_factor(np.array([1_000, 10_000, 100_000]), "harmon")
    assert np.all(np.diff(f) < 0)


def test_bad_population_and_method():
    with pytest.raises(ParameterError, match="population"):
        harmon(0)
    with pytest.raises(ParameterError, match="method"):
        peaking_factor(1000, "nonsense")
