"""Money model: cost curve, savings, fee impact, causer charge."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from sewerplan.model.planning import money as finance
from sewerplan.model.errors import ParameterError


def test_fit_reproduces_indicative_9_2_q_0_39():
    curve = finance.cost_curve("korea_2001_2025")
    # domain notes: Cost[100M KRW] ~ 9.2 Q^0.39
    assert curve.coefficient_krw / 1e8 == pytest.approx(9.2, rel=0.02)
    assert curve.exponent == pytest.approx(0.39, abs=0.01)
    assert curve.n_points == 21
    assert 0.3 < curve.log_residual_sd < 0.8


def test_shipped_curve_file_matches_refit_of_reference_table():
    shipped = finance.cost_curve("korea_2001_2025")  # the nominal fit (the real one: tests/test_money.py)
    ref = finance.reference_cost_table()
    refit = finance.fit_cost_curve(ref["added_capacity_m3_per_day"], ref["cost_krw"])
    assert shipped.coefficient_krw == pytest.approx(refit.coefficient_krw, rel=1e-9)
    assert shipped.exponent == pytest.approx(refit.exponent, rel=1e-9)
    assert shipped.log_residual_sd == pytest.approx(refit.log_residual_sd, rel=1e-9)
    assert "kr_treatment_plant_expansion_costs.csv" in shipped.source


def test_choe_kim_2003_curve_is_1_5_to_3_times_lower():
    q = np.array([5000.0, 20000.0, 90000.0])
    ratio = finance.cost_curve("korea_2001_2025").cost(q) / finance.cost_curve("choe_kim_2003").cost(q)
    assert np.all((ratio > 1.0) & (ratio < 3.5))
    assert finance.cost_curve("choe_kim_2003").cost(1.0) == pytest.approx(94.39e6)


def test_unknown_curve_lists_valid_names():
    with pytest.raises(KeyError, match="choe_kim_2003"):
        finance.cost_curve("nope")


def test_unit_cost_curve_is_linear():
    c = finance.unit_cost_curve(2.0e6)
    assert c.cost(1000.0) == pytest.approx(2.0e9)


def test_cost_monotone_and_unit_cost_falls_with_size():
    q = np.array([500.0, 1000.0, 5000.0, 20000.0, 90000.0])
    cost = finance.cost_curve().cost(q)
    assert np.all(np.diff(cost) > 0)
    assert np.all(np.diff(cost / q) < 0)  # economy of scale
    # domain notes: 1.4-4.8 M KRW per m3/d for 5,000-90,000 m3/d expansions (mid-range here)
    assert 1.4e6 < cost[3] / q[3] < 4.8e6


def test_cost_keeps_series_index():
    s = pd.Series([1000.0, 2000.0], index=["a", "b"])
    out = finance.cost_curve().cost(s)
    assert list(out.index) == ["a", "b"]


def test_annuity_formula():
    # CRF = r / (1 - (1+r)^-n)
    assert finance.annuity_factor(0.045, 30) == pytest.approx(0.045 / (1 - 1.045**-30))
    assert finance.annuity_factor(0.0, 40) == pytest.approx(1 / 40)
    assert finance.annuity_factor() == pytest.approx(0.0613915, rel=1e-5)  # defaults 4.5%, 30 yr


def test_annuity_vectorised_and_monotone():
    rates = np.array([0.0, 0.02, 0.045, 0.07])
    crf = finance.annuity_factor(rates, 30)
    assert np.all(np.diff(crf) > 0)
    assert finance.annuity_factor(0.045, 40) < finance.annuity_factor(0.045, 30)


def test_annuity_rejects_bad_rate():
    with pytest.raises(ParameterError, match="discount_rate"):
        finance.annuity_factor(-0.1, 30)


def test_four_person_measured_use_is_about_18_m3_per_month():
    assert finance.household_monthly_use_m3(4) == pytest.approx(0.610 * 365 / 12)
    assert 18 < finance.household_monthly_use_m3(4) < 19


def test_fee_impact_pilot_example_4_persons_24_m3():
    # 10 billion KRW over 10,000 m3/d billed: annual = 1e10 * CRF; per m3 = annual / 3.65e6
    fi = finance.fee_impact(1.0e10, 10000.0)
    per_m3 = 1.0e10 * finance.annuity_factor(0.045, 30) / (10000.0 * 365)
    assert fi.krw_per_m3 == pytest.approx(per_m3)
    assert fi.pilot_example == {"size": 4, "m3_per_month": 24.0, "krw_per_month": pytest.approx(per_m3 * 24)}
    assert [h["size"] for h in fi.households] == [1, 2, 3, 4]
    assert fi.households[3]["krw_per_month"] == pytest.approx(per_m3 * finance.household_monthly_use_m3(4))
    assert fi.share_of_national_tariff == pytest.approx(per_m3 / 696.2)


def test_fee_impact_monotone_in_capex_and_volume():
    a = finance.fee_impact(1e10, 10000.0).krw_per_m3
    assert finance.fee_impact(2e10, 10000.0).krw_per_m3 == pytest.approx(2 * a)
    assert finance.fee_impact(1e10, 20000.0).krw_per_m3 == pytest.approx(a / 2)


def test_causer_charge_default_is_documented_median():
    d = finance.default_causer_charge_unit_price()
    assert d["krw_per_m3_per_day"] == 1447000.0  # Cheonan 2017, median of 5 latest prices
    assert d["min_krw_per_m3_per_day"] == 713000.0 and d["max_krw_per_m3_per_day"] == 2383000.0
    assert finance.causer_charge(100.0) == pytest.approx(1.447e8)
    assert finance.causer_charge(100.0, 2.0e6) == pytest.approx(2.0e8)


def test_sizing_savings_with_interval():
    s = finance.sizing_savings(14700.0, 9170.0, 10540.0)
    assert s.capacity_difference_m3_per_day == pytest.approx(4160.0)
    assert s.capex_saving_low_krw <= s.capex_saving_p50_krw <= s.capex_saving_high_krw
    assert s.capex_saving_krw == pytest.approx(s.capex_saving_low_krw)  # recommended = upper
    assert s.probability_recommended_undersizes == pytest.approx(0.05, abs=1e-6)
    assert s.probability_conventional_undersizes < 1e-3
    assert s.expected_avoided_expansion_krw == pytest.approx(0.0, abs=1.0)
    assert s.curve_band[0] < 1 < s.curve_band[1]


def test_later_expansion_cost_when_conventional_undersizes():
    # conventional below the P50 need: likely a later expansion, which costs more than building at once
    s = finance.sizing_savings(8000.0, 9000.0, 11000.0)
    assert s.probability_conventional_undersizes > 0.5
    assert s.expected_avoided_expansion_krw > 0
    assert s.capex_saving_krw < 0  # conventional is cheaper up front...


def test_capacity_quantiles_pass_through_p50_and_upper():
    q = finance.capacity_quantiles(9000.0, 11000.0, [0.5, 0.95], level=0.9)
    assert q == pytest.approx([9000.0, 11000.0])


def test_curve_file_is_valid_json_with_sources():
    from importlib import resources

    data = json.loads(resources.files("sewerplan.model").joinpath("data/treatment_cost_curve.json").read_text())
    for c in data["curves"].values():
        assert c["source"]
        assert math.isfinite(c["coefficient_krw"])
