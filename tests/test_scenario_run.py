"""Scenario runs: conservation, monotonicity, P90 >= P50, exceedance, comparison, CLI, worksheet API."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from stubs import StubModel
from sewerplan.model.planning.scenario import load_scenario, sample_scenario_path, scenario_from_dict
from sewerplan.model.outputs.scenario_outputs import OUTPUT_FILES, write_scenario_outputs
from sewerplan.model.planning.scenario_run import (
    capacity_by_year,
    capacity_needed,
    capacity_needed_by_year,
    compare_scenarios,
    exceedance,
    run_scenario,
    sizing_costs,
)


def plan(dwellings=400, office=20000, **settings):
    return {
        "name": f"t-{dwellings}-{office}",
        "plan": [
            {"block": "A1", "district": "north", "main_use": "아파트", "dwellings": dwellings,
             "floor_area_per_dwelling_m2": 110},
            {"block": "C1", "district": "north", "main_use": "제1종근린생활시설", "floor_area_m2": 9000, "completion_year": 2029},
            {"block": "D1", "district": "south", "main_use": "다세대주택", "dwellings": 52, "completion_year": 2030},
            {"block": "O1", "district": "south", "main_use": "업무시설", "floor_area_m2": office, "completion_year": 2031},
        ],
        "phasing": [{"block": "A1", "completion_year": 2028, "share": 0.6}, {"block": "A1", "completion_year": 2030, "share": 0.4}],
        "settings": {"seed": 7, "n_simulations": 2000, "end_year": 2033, "plant_capacity_m3_per_day": 480, **settings},
    }


def run(d, **kw):
    return run_scenario(scenario_from_dict(d, source="t"), model=StubModel("stub-0", mix_sensitive=True), **kw)


@pytest.fixture(scope="module")
def base():
    return run(plan())


def test_reduced_scenario_end_to_end(base):
    t = base.by_year_town
    assert list(t["year"]) == list(range(2028, 2034))
    assert t["buildings"].iloc[-1] == len(base.buildings)
    assert t["households"].iloc[-1] == 452
    assert base.summary["ml_available"] and base.summary["n_simulations"] == 2000
    for col in ("pilot_formula", "master_plan", "unit_load", "ml"):
        for basis in ("day_average", "day_max", "hour_max"):
            assert f"{col}_{basis}_m3_per_day" in t


def test_district_totals_add_up_to_the_town(base):
    d = base.by_year_district.groupby("year").sum(numeric_only=True)
    t = base.by_year_town.set_index("year")
    for col in ("buildings", "households", "floor_area_m2", "pilot_formula_day_max_m3_per_day",
                "unit_load_hour_max_m3_per_day", "ml_day_average_m3_per_day"):
        np.testing.assert_allclose(d[col], t[col], rtol=1e-12)


def test_town_total_equals_the_sum_of_buildings_in_the_end_year(base):
    b = base.buildings
    t = base.by_year_town.iloc[-1]
    p = base.params
    # infiltration once, and none on top of the pilot formula's x1.1
    assert t["pilot_formula_day_max_m3_per_day"] == pytest.approx(b["pilot_formula_m3_per_day"].sum())
    assert t["master_plan_day_max_m3_per_day"] == pytest.approx(b["master_plan_m3_per_day"].sum() * (1 + p.infiltration_ratio))
    assert t["ml_day_average_m3_per_day"] == pytest.approx(
        b["ml_m3_per_day"].sum() * (1 + p.infiltration_ratio / p.day_average_to_day_max))


def test_p90_at_least_p50_at_least_p10_everywhere(base):
    for df in (base.by_year_town, base.by_year_district):
        for basis in ("day_average", "day_max", "hour_max"):
            p10, p50, p90 = (df[f"ml_{basis}_{k}_m3_per_day"] for k in ("p10", "p50", "p90"))
            assert (p90 >= p50).all() and (p50 >= p10).all()
    c = base.capacity
    assert (c["ml_capacity_p90_m3_per_day"] >= c["ml_capacity_p50_m3_per_day"]).all()


def test_correlated_uncertainty_town_p90_close_to_sum_of_district_p90(base):
    # a shared town factor keeps the districts' P90s nearly additive (independent errors would not)
    last = base.by_year_district[base.by_year_district.year == 2033]
    town = base.by_year_town.iloc[-1]
    ratio = town["ml_day_max_p90_m3_per_day"] / last["ml_day_max_p90_m3_per_day"].sum()
    assert 0.95 <= ratio <= 1.0 + 1e-9


def test_more_dwellings_never_means_less_flow():
    a, b = run(plan(dwellings=400)), run(plan(dwellings=480))
    for col in ("pilot_formula_day_max_m3_per_day", "unit_load_day_max_m3_per_day", "ml_day_max_m3_per_day",
                "ml_day_max_p50_m3_per_day", "ml_day_max_p90_m3_per_day"):
        assert (b.by_year_town[col].to_numpy() >= a.by_year_town[col].to_numpy() - 1e-9).all(), col
    assert (b.by_year_town["pilot_formula_day_max_m3_per_day"].iloc[-1]
            > a.by_year_town["pilot_formula_day_max_m3_per_day"].iloc[-1])


def test_more_office_floor_area_never_means_less_flow():
    a, b = run(plan(office=20000)), run(plan(office=30000))
    for col in ("pilot_formula_day_max_m3_per_day", "unit_load_day_max_m3_per_day", "ml_day_max_p90_m3_per_day"):
        assert (b.by_year_town[col].to_numpy() >= a.by_year_town[col].to_numpy() - 1e-9).all(), col


def test_design_flows_never_fall_during_build_out(base):
    t = base.by_year_town
    for col in ("pilot_formula_day_max_m3_per_day", "unit_load_day_max_m3_per_day", "buildings", "households"):
        assert (np.diff(t[col]) >= 0).all()


def test_rising_one_person_share_lowers_the_stub_ml_flow():
    trend = run(plan())
    held = run(plan(household_trend_hold_after=2028))
    assert trend.by_year_town["ml_day_max_m3_per_day"].iloc[-1] < held.by_year_town["ml_day_max_m3_per_day"].iloc[-1]
    assert (trend.by_year_town["pilot_formula_day_max_m3_per_day"] == held.by_year_town["pilot_formula_day_max_m3_per_day"]).all()


def test_occupancy_ramp_lowers_early_years_only():
    full, ramp = run(plan()), run(plan(occupancy_ramp="0.5,0.8"))
    a, b = full.by_year_town.set_index("year"), ramp.by_year_town.set_index("year")
    assert b.loc[2028, "unit_load_day_max_m3_per_day"] == pytest.approx(0.5 * a.loc[2028, "unit_load_day_max_m3_per_day"])
    assert b.loc[2033, "unit_load_day_max_m3_per_day"] == pytest.approx(a.loc[2033, "unit_load_day_max_m3_per_day"])


def test_same_seed_same_numbers():
    pd.testing.assert_frame_equal(run(plan()).capacity, run(plan()).capacity)


def test_exceedance_and_capacity_needed(base):
    p, by = exceedance(base, 480)
    assert np.all(np.diff(by) >= 0) and np.all(by >= p - 1e-12)
    c90 = capacity_needed(base, 2033, 0.9)
    c50 = capacity_needed(base, 2033, 0.5)
    assert c90 > c50 > 0
    assert c90 == pytest.approx(base.capacity.set_index("year").loc[2033, "ml_capacity_p90_m3_per_day"])
    assert np.mean(base.capacity_samples()[-1] > c90) == pytest.approx(0.1, abs=0.005)
    assert capacity_needed(base, 2033, method="pilot_formula") == pytest.approx(
        base.capacity.iloc[-1]["pilot_formula_capacity_m3_per_day"])
    # capacity = design day-max, never divided by the 80% utilisation
    assert base.capacity.iloc[-1]["pilot_formula_capacity_m3_per_day"] == pytest.approx(
        base.by_year_town.iloc[-1]["pilot_formula_day_max_m3_per_day"])
    assert capacity_needed(base, 2033, 0.5) == pytest.approx(np.quantile(base.town_day_max_samples[-1], 0.5))
    with pytest.raises(ValueError, match="year"):
        capacity_needed(base, 2050)
    tab = capacity_by_year(base, confidence=0.95)
    assert (tab["ml_capacity_at_confidence_m3_per_day"] >= tab["ml_capacity_p90_m3_per_day"]).all()


def test_sizing_costs_trade_over_against_under(base):
    c = sizing_costs(base, {"small": 300.0, "big": 3000.0}).set_index("candidate")
    assert c.loc["small", "probability_undersized"] > c.loc["big", "probability_undersized"]
    assert c.loc["big", "expected_oversizing_krw"] > c.loc["small", "expected_oversizing_krw"]
    assert c.loc["small", "expected_expansion_krw"] > 0 and c.loc["big", "expected_expansion_krw"] == 0


def test_comparison_side_by_side():
    a, b = run(plan()), run(plan(dwellings=600))
    by_year, summary = compare_scenarios([a, b])
    assert list(summary["scenario"]) == [a.name, b.name]
    assert set(by_year["scenario"]) == {a.name, b.name}
    assert (summary["plant_capacity_m3_per_day"] == 480).all()
    s = summary.set_index("scenario")
    assert s.loc[b.name, "ml_capacity_p50_m3_per_day"] > s.loc[a.name, "ml_capacity_p50_m3_per_day"]
    assert s.loc[b.name, "probability_exceeded_by_end"] >= s.loc[a.name, "probability_exceeded_by_end"]
    ya, yb = s.loc[a.name, "year_exceeded_ml_p50"], s.loc[b.name, "year_exceeded_ml_p50"]
    assert yb is not None and (ya is None or yb <= ya)
    with pytest.raises(ValueError, match="distinct"):
        compare_scenarios([a, a])


def test_outputs_written_atomically_and_not_overwritten(base, tmp_path):
    paths = write_scenario_outputs(base, tmp_path / "out")
    assert set(paths) == set(OUTPUT_FILES) and all(p.exists() for p in paths.values())
    summary = json.loads(paths["summary"].read_text(encoding="utf-8"))
    assert summary["scenario"] == base.name and summary["year_exceeded"]["ml_p50"] is not None
    from openpyxl import load_workbook

    wb = load_workbook(paths["workbook"], read_only=True)
    assert "연도별 처리용량 (capacity)" in wb.sheetnames
    with pytest.raises(Exception, match="--force"):
        write_scenario_outputs(base, tmp_path / "out")
    write_scenario_outputs(base, tmp_path / "out", force=True)


def test_worksheet_api_caches_a_file(tmp_path):
    from sewerplan.model.planning.scenario import write_scenario_yaml

    path = write_scenario_yaml(scenario_from_dict(plan(), source="t"), tmp_path / "s.yaml")
    tab = capacity_needed_by_year(path, 0.9, model=StubModel("stub-0", mix_sensitive=True))
    assert list(tab["year"]) == list(range(2028, 2034))


def test_no_model_means_design_methods_only():
    r = run_scenario(scenario_from_dict(plan(), source="t"), model=False)
    assert not r.ml_available and "ml_capacity_p50_m3_per_day" not in r.capacity
    assert any("ML not run" in n for n in r.notes)


def test_cli_run_and_compare(tmp_path):
    from sewerplan.cli import app

    runner = CliRunner()
    base_file = sample_scenario_path("base")
    res = runner.invoke(app, ["scenario", "run", str(base_file), "--out", str(tmp_path / "r"), "--no-ml"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r" / "summary.json").exists()
    res = runner.invoke(app, ["scenario", "run", str(base_file), "--out", str(tmp_path / "r"), "--no-ml"])
    assert res.exit_code == 2 and "--force" in res.output
    res = runner.invoke(app, ["scenario", "compare", str(base_file), str(sample_scenario_path("commercial_plus10")),
                              "--no-ml", "--out", str(tmp_path / "cmp.xlsx")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "cmp.xlsx").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nplan:\n- {district: a, main_use: 아파트, dwellings: -3, completion_year: 2030}\n", encoding="utf-8")
    res = runner.invoke(app, ["scenario", "run", str(bad), "--out", str(tmp_path / "b"), "--no-ml"])
    assert res.exit_code == 2 and "dwellings" in res.output and "bad.yaml" in res.output
    res = runner.invoke(app, ["scenario", "template", "--out", str(tmp_path / "new.xlsx")])
    assert res.exit_code == 0 and load_scenario(tmp_path / "new.xlsx").name


def test_sample_scenario_runs_with_the_bundled_model():
    from sewerplan.model.ml.persistence import load_model

    model = load_model()  # the package ships a model; failing to load it is a failure
    r = run_scenario(sample_scenario_path("base"), model=model, n_simulations=1000)
    assert r.ml_available and (r.capacity["ml_capacity_p90_m3_per_day"] >= r.capacity["ml_capacity_p50_m3_per_day"]).all()
    assert r.by_year_town["households"].iloc[-1] == 12317  # the planned town's 세대수 (officetels have none)


def test_every_scenario_output_column_has_a_korean_label_with_units(base, tmp_path):
    import openpyxl

    from sewerplan.model.outputs.workbook import column_label

    frames = [base.by_year_town, base.by_year_district, base.capacity, base.household_mix,
              base.scenario.plan, sizing_costs(base)]
    for df in frames:
        for c in df.columns:
            ko, en = column_label(str(c))
            assert ko != c and any("\uac00" <= ch <= "\ud7a3" for ch in ko), c
            if str(c).endswith("_m3_per_day"):
                assert "㎥/일" in ko and "[m3/d]" in en, c
    paths = write_scenario_outputs(base, tmp_path / "labels")
    ws = openpyxl.load_workbook(paths["workbook"], read_only=True)["연도별 처리용량 (capacity)"]
    rows = [[c.value for c in r] for r in ws.iter_rows(max_row=5)]
    assert ["연도", "기존 방식 처리용량"] in [r[:2] for r in rows]  # Korean header row
    assert [None, "㎥/일"] in [r[:2] for r in rows]  # unit row
