import numpy as np
import pandas as pd
import pytest

from sewerplan.model import DesignParameters, ParameterError, design_flows, domestic_day_max


def test_statistics_korea_worked_example_85_8_m3_per_day():
    # 100 households x 2.6 persons x 300 L x 1.1 = 85,800 L/d = 85.8 m3/d
    assert domestic_day_max(100) == pytest.approx(85.8)
    assert domestic_day_max(100, 2.6, 300, 1.1) == pytest.approx(85.8)


def test_census_2023_household_size_lowers_the_estimate():
    assert domestic_day_max(100, persons_per_household=2.21) == pytest.approx(100 * 2.21 * 0.3 * 1.1)


@pytest.mark.parametrize(
    "households, expected",
    [
        (100, 85.8),
        (np.array([100.0, 0.0, 50.0]), np.array([85.8, 0.0, 42.9])),
    ],
)
def test_input_types_scalar_and_array(households, expected):
    np.testing.assert_allclose(domestic_day_max(households), expected)


def test_series_keeps_index_and_nan():
    s = pd.Series([100.0, np.nan], index=["a", "b"])
    out = domestic_day_max(s)
    assert list(out.index) == ["a", "b"]
    assert out["a"] == pytest.approx(85.8) and np.isnan(out["b"])


def test_design_flows_day_max_basis():
    f = design_flows(100.0)
    assert f["infiltration"] == pytest.approx(10.0)
    assert f["day_max"] == pytest.approx(110.0)
    assert f["day_average"] == pytest.approx(85.0)  # 0.75 x 100 + 10
    assert f["hour_max"] == pytest.approx(160.0)  # 1.5 x 100 + 10


def test_design_flows_day_average_basis_is_consistent():
    from_max = design_flows(100.0)
    from_avg = design_flows(75.0, basis="day_average")
    for key in from_max:
        assert from_avg[key] == pytest.approx(from_max[key])


def test_parameters_carry_units_and_sources_and_reject_bad_values():
    from sewerplan.model import parameter_table

    rows = parameter_table()
    assert all(r["source"] and r["unit"] for r in rows)
    with pytest.raises(ParameterError, match="persons_per_household"):
        DesignParameters(persons_per_household=-1)
    with pytest.raises(ParameterError, match="unknown"):
        DesignParameters().replace(no_such_parameter=1)
