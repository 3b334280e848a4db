"""Council-grade money (issue 12): price year, cost build-up, who pays, O&M, fees, phasing, inputs.

Expected values are computed here with their own arithmetic from the shipped tables, not by
calling the function under test.
"""

import json
import math
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sewerplan.model.errors import ParameterError, ResultsBundleError
from sewerplan.model.outputs.results import ResultsBundle, example_bundle
from sewerplan.model.planning import money as finance
from sewerplan.model.planning.money import costs, funding, prices
from sewerplan.model.planning.money.budget import council_budget
from sewerplan.model.planning.money.fees import fee_effect
from sewerplan.model.planning.money.inputs import MONEY_INPUTS, MoneyInputs
from sewerplan.model.planning.money.phasing import compare_phasing


def _data(name):
    return resources.files("sewerplan.model").joinpath("data", name).read_text(encoding="utf-8")


def _crf(r, n):
    return r / (1 - (1 + r) ** -n)


# --- price year and the real cost curve -------------------------------------------------

def test_index_rebases_the_2015_series_and_takes_the_latest_month():
    idx = prices.price_index()
    assert idx[2020] == pytest.approx(100.0)
    assert idx[2010] == pytest.approx(89.84 / 121.80 * 100)
    assert idx[2024] == pytest.approx(130.10)  # July figure of the 2020 = 100 series
    assert idx[2025] == pytest.approx(131.66) and prices.latest_price_year() == 2025  # Sep-2025, the latest
    assert prices.price_factor(2009, 2025) == pytest.approx(131.66 / (85.16 / 121.80 * 100))
    with pytest.raises(ParameterError, match="1990"):
        prices.price_factor(1990)


def test_nominal_data_hide_a_year_trend_that_the_real_curve_removes():
    df = pd.read_csv(pd.io.common.StringIO(_data("kr_treatment_plant_expansion_costs.csv")))
    q, c, y = df["added_capacity_m3_per_day"].to_numpy(), df["cost_100m_krw"].to_numpy() * 1e8, df["year"].to_numpy()
    assert np.corrcoef(np.log(q), y)[0, 1] == pytest.approx(-0.42, abs=0.01)  # the r = -0.42
    x = np.column_stack([np.ones(q.size), np.log(q), y - 2025])
    b = np.linalg.lstsq(x, np.log(c), rcond=None)[0]
    assert math.exp(b[2]) - 1 == pytest.approx(0.032, abs=0.002) and b[1] == pytest.approx(0.46, abs=0.01)
    real, nominal = finance.cost_curve(), finance.cost_curve("korea_2001_2025")
    assert real.price_year == 2025 and nominal.price_year == 0
    # issue 22: one exponent over the 19 projects (each once) with a level per plant type
    assert 0.40 < real.exponent < 0.42 and 0.42 < real.log_residual_sd < 0.45
    # at 2025 prices even a surface expansion of 18,020 m3/d costs more than the nominal curve's figure
    assert real.cost(18020) / nominal.cost(18020) > 1.1


def test_shipped_real_curve_is_the_refit_at_the_latest_prices():
    shipped, refit = finance.cost_curve("korea_real"), costs.real_cost_curve()
    assert shipped.coefficient_krw == pytest.approx(refit.coefficient_krw, rel=1e-9)
    assert shipped.exponent == pytest.approx(refit.exponent, rel=1e-9)
    pts = costs.real_cost_points()
    assert pts.loc[pts["year"] == 2001, "cost_real_krw"].iloc[0] == pytest.approx(529e8 * 131.66 / (55.55 / 1.218))
    at_2020 = finance.cost_curve(price_year=2020)
    assert at_2020.cost(15000) == pytest.approx(shipped.cost(15000) * 100 / 131.66)
    with pytest.raises(ParameterError, match="price year"):
        finance.cost_curve("korea_2001_2025").at_price_year(2020)


# --- cost build-up, causer charge, funding ---------------------------------------------

def test_project_cost_builds_up_and_names_what_is_missing():
    curve = finance.cost_curve()
    q = 15760.0
    construction = curve.coefficient_krw * q ** curve.exponent
    full = costs.project_cost(q, curve, design_supervision_rate=0.08, land_cost_krw=5e9, contingency_rate=0.1)
    assert full.total_krw == pytest.approx(construction * 1.08 * 1.1 + 5e9) and full.missing == []
    sd, z = curve.log_residual_sd, 1.6448536
    assert full.construction_high_krw == pytest.approx(construction * math.exp(z * sd), rel=1e-6)
    bare = costs.project_cost(q, curve)
    assert bare.total_krw == pytest.approx(construction) and bare.missing == ["design_supervision", "land",
                                                                              "contingency"]
    own = costs.project_cost(q, curve, construction_cost_krw=4e10)
    assert own.total_low_krw == own.total_high_krw == 4e10 and own.construction_origin == "input"


def test_the_one_causer_charge_excludes_infiltration_and_is_shared_with_the_city_unit_loads():
    b = example_bundle()
    from sewerplan.model.outputs.finance_section import causer_basis_from_bundle

    unit_load = next(x for x in b.baselines if x.method == "unit_load")
    building = sum(t.value for t in unit_load.terms if t.name != "infiltration")
    assert causer_basis_from_bundle(b) == pytest.approx(building)
    assert building < b.planned_total.unit_load.day_max_m3_per_day  # infiltration left out
    latest = pd.read_csv(pd.io.common.StringIO(_data("kr_causer_charge_unit_prices.csv"))).sort_values("year") \
        .groupby("municipality").tail(1)
    assert funding.causer_charge(100.0) == pytest.approx(100.0 * float(np.median(latest["krw_per_m3_per_day"])))
    assert finance.causer_charge(123.0, 2e6) == funding.causer_charge(123.0, 2e6) == pytest.approx(2.46e8)
    import inspect

    from sewerplan.model.planning import local_loads

    assert "from .money.funding import causer_charge" in inspect.getsource(local_loads.what_it_changes)


def test_funding_split_causer_first_then_shares_city_the_rest():
    s = funding.funding_split(600e8, 400e8, 0.5, 0.1)
    assert (s.causer_applied_krw, s.national_krw, s.provincial_krw, s.city_krw) == pytest.approx(
        (400e8, 100e8, 20e8, 80e8))
    capped = funding.funding_split(300e8, 400e8, 0.5, 0.1)
    assert capped.causer_applied_krw == 300e8 and capped.city_krw == 0
    open_ = funding.funding_split(600e8, 400e8)
    assert open_.city_krw == 200e8 and open_.national_krw is None and open_.missing == ["national_share",
                                                                                          "provincial_share"]
    with pytest.raises(ParameterError):
        funding.funding_split(600e8, 0, 0.8, 0.3)


# --- O&M, fees, phasing ------------------------------------------------------------------

def test_om_fixed_part_follows_size_variable_part_the_inflow():
    unit = 116.8 * 131.66 / (85.16 / 121.80 * 100)
    om = costs.om_cost(10000.0, 15000.0, capacities={"big": 30000.0})
    assert om.krw_per_m3 == pytest.approx(unit) and om.annual_krw == pytest.approx(unit * 10000 * 365)
    assert om.by_capacity["big"]["annual_bounds_krw"] == pytest.approx((om.annual_krw, 2 * om.annual_krw))
    known = costs.om_cost(10000.0, 15000.0, krw_per_m3=300.0, fixed_share=0.4, capacities={"big": 30000.0})
    assert known.by_capacity["big"]["annual_krw"] == pytest.approx(300 * 10000 * 365 * (0.6 + 0.4 * 2))


def test_fee_effect_is_the_city_share_at_the_financing_rate_plus_om_over_the_billed_volume():
    fee = fee_effect(81e8, 9.8e8, 7.6e6, financing_rate=0.025, years=30)
    per_m3 = (81e8 * _crf(0.025, 30) + 9.8e8) / 7.6e6
    assert fee.krw_per_m3 == pytest.approx(per_m3)
    assert fee.household(4) == pytest.approx(per_m3 * 0.610 * 365 / 12)
    assert fee.annual_burden_krw == pytest.approx(per_m3 * 7.6e6) and fee.period_burden_krw == pytest.approx(
        per_m3 * 7.6e6 * 30)


def test_phasing_present_values_by_hand():
    curve = finance.unit_cost_curve(2e6)  # linear: no economy of scale
    years, r = [2030, 2031, 2032], 0.045
    sure = compare_phasing(10000, 6000, years, [5000, 7000, 9000], [5000, 7000, 9000], curve, discount_rate=r,
                           analysis_years=30, lead_years=1)
    # need passes 6,000 in 2031 for certain; the 4,000 train is spent in 2030 (lead 1 year, not before t0)
    assert sure.probability_second_train == 1.0
    assert sure.pv_phased_krw == pytest.approx(6000 * 2e6 + 4000 * 2e6)  # spent in year 0 as well
    late = compare_phasing(10000, 6000, [2030, 2035], [5000, 7000], [5000, 7000], curve, discount_rate=r,
                           analysis_years=30, lead_years=1)
    residual = 4000 * 2e6 * (1 - (2030 + 30 - 2034) / 30) / 1.045 ** 30
    assert late.pv_phased_krw == pytest.approx(6000 * 2e6 + 4000 * 2e6 / 1.045 ** 4 - residual)
    assert late.cheaper == "phased"
    never = compare_phasing(10000, 6000, years, [1000, 2000, 3000], [1000, 2000, 3000], curve, discount_rate=r,
                            analysis_years=30, lead_years=1)
    assert never.pv_phased_krw == pytest.approx(6000 * 2e6) and never.probability_second_train == 0.0


# --- inputs: names, checks, bundle, command line, docs ----------------------------------

def test_money_inputs_are_checked_and_named():
    with pytest.raises(ParameterError, match="financing_rate"):
        MoneyInputs(financing_rate=1.5)
    with pytest.raises(ParameterError, match="finance.nope"):
        MoneyInputs.from_mapping({"nope": 1})
    merged = MoneyInputs(national_share=0.5).merged(MoneyInputs(national_share=0.7, land_cost_krw=1e9))
    assert merged.national_share == 0.7 and merged.land_cost_krw == 1e9
    data = example_bundle().to_dict()
    data["finance"]["inputs"]["national_share"] = 1.7
    with pytest.raises(ResultsBundleError, match=r"finance\.inputs\.national_share"):
        ResultsBundle.from_dict(data)


def test_editing_an_input_in_results_json_changes_the_money():
    b = example_bundle()
    from sewerplan.model.outputs.finance_section import budget_basis
    from sewerplan.reporting.money import money_figures

    base = council_budget(budget_basis(b), b.finance.inputs)
    m = money_figures(b, MoneyInputs(causer_price_krw_per_m3_per_day=1e6))
    assert m["budget"].causer["charge_krw"] == pytest.approx(b.finance.causer_basis_m3_per_day * 1e6)
    assert m["budget"].funding.city_krw > base.funding.city_krw  # a lower charge leaves more to the city


def test_report_options_set_money_inputs(tmp_path):
    from sewerplan.cli import app
    from sewerplan.reporting import build_context

    b = example_bundle()
    path = tmp_path / "results.json"
    b.to_json(path)
    out = tmp_path / "c.html"
    runner = CliRunner()
    res = runner.invoke(app, ["report", "council", "-r", str(path), "-o", str(tmp_path / "c.pdf"),
                              "--national-share", "0.9", "--provincial-share", "0.3"])
    assert res.exit_code == 2 and "national_share + provincial_share" in res.output and "Traceback" not in res.output
    from sewerplan.cli.report import money_options

    ctx = build_context("council", b, "ko", money_options({"national_share": 0.7, "financing_rate": 0.04}))
    assert "국비 (공공 부담의 70%)" in [r["label"] for r in ctx["funding"]["pay_rows"]]
    assert "4%" in ctx["decision"] or "4%" in ctx["summary"]
    assert not out.exists()


def test_every_money_input_is_documented_with_unit_default_and_source():
    from pathlib import Path

    from sewerplan.model.planning.money.inputs import money_input_table

    text = (Path(__file__).resolve().parents[1] / "docs" / "sources.md").read_text(encoding="utf-8")
    for row in money_input_table():
        line = next((ln for ln in text.splitlines() if ln.startswith(f"| `{row['name']}`")), None)
        assert line is not None, row["name"]
        assert f"| {row['default']} |" in line and f"| {row['unit']} |" in line, line
        assert MONEY_INPUTS[row["name"]].source in line, row["name"]


def test_curve_file_holds_the_real_curve_with_its_price_year():
    data = json.loads(_data("treatment_cost_curve.json"))
    assert data["curves"]["korea_real"]["price_year"] == 2025
    assert "construction cost index" in data["curves"]["korea_real"]["source"]
