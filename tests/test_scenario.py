"""Scenario format (YAML / xlsx), checks with clear errors, and expansion into buildings."""

import pandas as pd
import pytest

from sewerplan.model.intake.inventory import validate_buildings, CANONICAL_COLUMNS
from sewerplan.model.planning.scenario import (
    SAMPLE_SCENARIOS,
    ScenarioFileError,
    expand_scenario,
    load_scenario,
    sample_scenario_path,
    scenario_from_dict,
    write_scenario_workbook,
    write_scenario_yaml,
)


def small(**over):
    d = {
        "name": "small",
        "plan": [
            {"block": "A1", "district": "north", "main_use": "아파트", "dwellings": 400, "floor_area_m2": 44000},
            {"block": "C1", "district": "north", "main_use": "제1종근린생활시설", "floor_area_m2": 9000,
             "completion_year": 2029},
            {"block": "D1", "district": "south", "main_use": "단독주택", "dwellings": 30, "completion_year": 2030},
            {"block": "O1", "district": "south", "main_use": "업무시설", "floor_area_m2": 20000, "completion_year": 2031},
        ],
        "phasing": [
            {"block": "A1", "completion_year": 2028, "share": 0.6},
            {"block": "A1", "completion_year": 2030, "share": 0.4},
        ],
        "settings": {"seed": 7, "n_simulations": 500},
    }
    d.update(over)
    return d


def test_every_sample_scenario_loads():
    for key in SAMPLE_SCENARIOS:
        s = load_scenario(sample_scenario_path(key))
        assert len(s.plan) == 29 and s.settings.synthetic  # one block per district and main use


def test_xlsx_and_yaml_samples_hold_the_same_scenario():
    a = load_scenario(sample_scenario_path("base"))
    b = load_scenario(sample_scenario_path("base_xlsx"))
    assert a.name == b.name and a.settings == b.settings
    pd.testing.assert_frame_equal(a.plan.drop(columns="source_row"), b.plan.drop(columns="source_row"), check_dtype=False)
    pd.testing.assert_frame_equal(a.phasing, b.phasing, check_dtype=False)


def test_base_file_with_adjustment_inherits_the_plan():
    s = load_scenario(sample_scenario_path("commercial_plus10"))
    base = load_scenario(sample_scenario_path("base"))
    assert s.settings.plant_capacity_m3_per_day == base.settings.plant_capacity_m3_per_day == 10600
    assert list(s.adjustments["factor"]) == [1.1]


def test_round_trip_yaml_and_xlsx(tmp_path):
    s = scenario_from_dict(small(), source="t")
    for path in (tmp_path / "s.yaml", tmp_path / "s.xlsx"):
        (write_scenario_yaml if path.suffix == ".yaml" else write_scenario_workbook)(s, path)
        back = load_scenario(path)
        assert back.settings.seed == 7
        pd.testing.assert_frame_equal(expand_scenario(back), expand_scenario(s))
    with pytest.raises(Exception, match="--force"):
        write_scenario_yaml(s, tmp_path / "s.yaml")


def test_expansion_conserves_block_totals_and_is_deterministic():
    s = scenario_from_dict(small(), source="t")
    b = expand_scenario(s)
    by_block = b.groupby("block").agg(area=("floor_area_m2", "sum"), hh=("households", "sum"))
    assert by_block.loc["A1", "hh"] == 400
    assert by_block.loc["A1", "area"] == pytest.approx(44000)
    assert by_block.loc["C1", "area"] == pytest.approx(9000)
    assert by_block.loc["D1", "hh"] == 30 and (b.loc[b.block == "D1", "households"] == 1).all()
    phases = b[b.block == "A1"].groupby("completion_year")["households"].sum()
    assert phases.to_dict() == {2028: 240, 2030: 160}
    pd.testing.assert_frame_equal(b, expand_scenario(s))
    assert b["synthetic"].all() and b["building_id"].is_unique


def test_changing_one_block_leaves_the_others_unchanged():
    d = small()
    d["plan"][1]["floor_area_m2"] = 12000
    a = expand_scenario(scenario_from_dict(small(), source="t"))
    b = expand_scenario(scenario_from_dict(d, source="t"))
    pd.testing.assert_frame_equal(a[a.block != "C1"].reset_index(drop=True), b[b.block != "C1"].reset_index(drop=True))


def test_expanded_buildings_pass_the_canonical_contract():
    b = expand_scenario(load_scenario(sample_scenario_path("base")))
    cols = [c for c in CANONICAL_COLUMNS if c in b.columns]
    _, rejected, problems = validate_buildings(b[cols].astype(object).where(b[cols].notna(), "").astype(str), source="t")
    assert problems == [] and rejected.empty
    # the base scenario summarises the bundled planned town: the same floor area in total
    from sewerplan.recipe.sample_town import sample_file

    planned = pd.read_csv(sample_file("planned"), dtype=str)
    assert b["floor_area_m2"].sum() == pytest.approx(pd.to_numeric(planned["연면적(㎡)"]).sum(), rel=1e-6)
    assert b["households"].sum() == pd.to_numeric(planned["세대수(세대)"]).sum() == 12317


def test_adjustment_scales_commercial_floor_area_only():
    d = small(adjustments=[{"category": "commercial", "quantity": "floor_area_m2", "factor": 1.1}])
    a = expand_scenario(scenario_from_dict(small(), source="t"))
    b = expand_scenario(scenario_from_dict(d, source="t"))
    com = lambda x: x.loc[x.category == "commercial", "floor_area_m2"].sum()
    assert com(b) == pytest.approx(1.1 * com(a))
    assert b.loc[b.category == "residential", "households"].sum() == a.loc[a.category == "residential", "households"].sum()


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda d: d["plan"][0].update(main_use="아파트단지X"), r"row/행 1, column/열 'main_use'.*Unknown building use"),
        (lambda d: d["plan"][1].update(floor_area_m2="lots"), r"column/열 'floor_area_m2', value/값 'lots'.*not a number"),
        (lambda d: d["plan"][2].update(dwellings=0), r"row/행 3, column/열 'dwellings'.*세대수"),
        (lambda d: d["phasing"][1].update(share=0.3), r"sheet/시트 'phasing'.*shares of block A1 must add up to 1"),
        (lambda d: d["phasing"][0].update(block="Z9"), r"phasing.*'Z9'.*not in the plan"),
        (lambda d: d["plan"][3].pop("completion_year"), r"row/행 4, column/열 'completion_year'.*준공연도"),
        (lambda d: d["settings"].update(confidence=1.5), r"'confidence'.*allowed range"),
        (lambda d: d.update(parameters={"persons_per_household": 20}), r"persons_per_household.*허용 범위"),
        (lambda d: d["plan"][0].update(colour="red"), r"unknown column"),
    ],
)
def test_errors_name_sheet_row_column_and_value(change, match):
    d = small()
    change(d)
    with pytest.raises(ScenarioFileError, match=match):
        scenario_from_dict(d, source="plan.yaml")


def test_xlsx_errors_use_excel_row_numbers(tmp_path):
    s = scenario_from_dict(small(), source="t")
    path = write_scenario_workbook(s, tmp_path / "s.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["토지이용계획"]
    ws.cell(3, 5).value = -5  # row 3 = second block, column E = floor_area_m2
    wb.save(path)
    with pytest.raises(ScenarioFileError, match=r"s\.xlsx, sheet/시트 'plan', row/행 3, column/열 'floor_area_m2', value/값 -5"):
        load_scenario(path)


def test_korean_headers_are_accepted():
    d = small()
    d["plan"] = [{"블록": "A1", "배수구역": "북부", "주용도": "아파트", "세대수": 100, "준공연도": 2030}]
    d["phasing"] = []
    s = scenario_from_dict(d, source="t")
    b = expand_scenario(s)
    assert b["households"].sum() == 100 and b["floor_area_m2"].sum() == pytest.approx(100 * 110.0)
