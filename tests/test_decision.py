"""Issue 11: baselines under their own names and a sizing decision computed in both directions."""

import re

import numpy as np
import pandas as pd
import pytest

from sewerplan.model.design.baselines import MasterPlanFigures, master_plan_day_max, pilot_formula_day_max
from sewerplan.model.design.capacity import plant_capacity, review_year
from sewerplan.model.design.estimate import district_summary, estimate_buildings, master_plan_terms
from sewerplan.model.design.parameters import DEFAULT_PARAMETERS
from sewerplan.model.intake.inventory import validate_buildings
from sewerplan.model.ml.intervals import attained_level
from sewerplan.model.outputs.results import ResultsBundle, decision_for, example_bundle
from sewerplan.model.planning.money.decision import NeedDistribution, decide, reference_projects
from sewerplan.reporting import build_context, render_html
from sewerplan.reporting.money import money_figures

MIXED = pd.DataFrame({
    "building_id": ["a", "b", "c", "d", "e", "f"],
    "district": ["D1", "D1", "D1", "D2", "D2", "D2"],
    "main_use": ["아파트", "제1종근린생활시설", "오피스텔", "다세대주택", "공장", "업무시설"],
    "floor_area_m2": [12000.0, 2500.0, 9000.0, 900.0, 6000.0, 8000.0],
    "households": [100, 0, 0, 12, 0, 0],
})


@pytest.fixture(scope="module")
def mixed():
    valid, rejected, problems = validate_buildings(MIXED, source="mixed")
    assert not problems and rejected.empty
    return estimate_buildings(valid)


def test_pilot_formula_is_the_worked_example_on_a_mixed_table(mixed):
    # households x 2.6 x 300 L x 1.1 on housing; shops, officetels, factories and offices give 0
    expected = np.array([100, 0, 0, 12, 0, 0]) * 2.6 * 300 * 1.1 / 1000
    assert mixed["pilot_formula_m3_per_day"].to_numpy() == pytest.approx(expected)
    assert pilot_formula_day_max(100) == pytest.approx(85.8)
    assert pilot_formula_day_max(pd.Series([100.0, 40.0]), pd.Series([True, False])).tolist() == pytest.approx([85.8, 0])


def test_infiltration_appears_once_and_never_on_top_of_the_pilot_formula(mixed):
    d = district_summary(mixed).set_index("district")
    per_district = mixed.groupby("district")
    pilot = per_district["pilot_formula_m3_per_day"].sum()
    assert d["pilot_formula_day_max_m3_per_day"].to_numpy() == pytest.approx(pilot.to_numpy())  # x1.1 only
    for m in ("master_plan", "unit_load"):
        raw = per_district[f"{m}_m3_per_day"].sum().to_numpy()
        assert d[f"{m}_day_max_m3_per_day"].to_numpy() == pytest.approx(raw * 1.1)  # + 10% once
    terms = master_plan_terms(mixed)
    assert terms["total"] == pytest.approx(terms["domestic"] + terms["factory"] + terms["infiltration"])
    assert terms["infiltration"] == pytest.approx(0.1 * (terms["domestic"] + terms["factory"]))
    assert terms["factory"] == pytest.approx(6000 * 5 / 1000)  # MOE H-01-00, factories only


def test_master_plan_terms_and_a_citys_own_figures():
    t = master_plan_day_max(1000.0, 2000.0)
    assert t["domestic"] == pytest.approx(1000 * 405 * 0.85 / 1000)
    own = master_plan_day_max(1000.0, 2000.0, MasterPlanFigures(supply_l_per_person_day=350, factory_m3_per_day=40,
                                                                infiltration_m3_per_day=25))
    assert own["domestic"] == pytest.approx(1000 * 350 * 0.85 / 1000) and own["factory"] == 40
    assert own["total"] == pytest.approx(own["domestic"] + 40 + 25)


def test_capacity_equals_design_day_max_for_every_method(mixed):
    d = district_summary(mixed)
    for m in ("pilot_formula", "master_plan", "unit_load"):
        col = d[f"{m}_day_max_m3_per_day"]
        assert plant_capacity(col).to_numpy() == pytest.approx(col.to_numpy())
    b = example_bundle()
    assert b.capacity.pilot_formula_m3_per_day == pytest.approx(round(b.planned_total.pilot_formula.day_max_m3_per_day, -1))
    assert b.capacity.unit_load_m3_per_day == pytest.approx(round(b.planned_total.unit_load.day_max_m3_per_day, -1))
    assert b.capacity.p50_m3_per_day == pytest.approx(round(b.planned_total.ml.day_max_m3_per_day, -1))
    assert review_year([2030, 2031, 2032], [7000, 8100, 9000], 10000) == 2031  # 80% is a trigger, not a divisor


def test_attained_level_with_few_districts():
    assert attained_level(8, 0.9) == pytest.approx(7 / 9)
    assert attained_level(19, 0.9) >= 0.9 and attained_level(100, 0.9) >= 0.9


def _need():
    return NeedDistribution(10000.0, 8600.0, 11500.0, 7 / 9, 8)


def test_decision_in_both_directions_has_no_negative_money():
    under = decide("pilot_formula", 7000.0, _need(), years=[2030, 2031, 2032], need_by_year_m3_per_day=[5000, 7500, 10000])
    over = decide("unit_load", 16000.0, _need())
    about = decide("master_plan", 10200.0, _need())
    assert (under.direction, about.direction, over.direction) == ("under", "about_right", "over")
    assert under.gap_m3_per_day == -3000 and over.gap_m3_per_day == 6000 and under.gap_t_per_day == -3000
    assert under.expansion_year == 2031 and under.probability_too_small > 0.95 > over.probability_too_small
    assert over.probability_too_large > under.probability_too_large
    assert under.expected_expansion_krw > 1e9 and over.stranded_capital_krw > 1e9
    for d in (under, over, about):
        money = [d.expected_expansion_krw, d.stranded_capital_krw, d.stranded_fee_4p_krw_per_month]
        assert min(money) >= 0
    assert [p.name for p in reference_projects()] == ["파주 운정", "남양주", "인천 검단", "아산"]


NEGATIVE_MONEY = re.compile(r"[-−]\s?[\d,.]+\s?(억원|원|bn)|KRW\s?[-−]")


def _bundle(pilot_capacity, scenario=True):
    """The example with the pilot formula as the city's plan (plant.city_plan), moved to ``pilot_capacity``."""
    b = example_bundle(scenario=scenario)
    b.capacity.pilot_formula_m3_per_day = pilot_capacity
    b.capacity.city_plan_method = "pilot_formula"
    return ResultsBundle.from_dict(b.to_dict())  # a reviewer's edited results.json


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_reversed_case_baseline_below_need(lang):
    b = _bundle(6000.0)
    council, hearing = build_context("council", b, lang), build_context("hearing", b, lang)
    d = decision_for(b).row("pilot_formula")
    assert d.direction == "under" and council["numbers"]["direction"] == "under"
    from sewerplan.reporting.catalog import text
    from sewerplan.reporting.filters import eok
    if lang == "ko":
        assert "작아" in council["summary"] and "증설비" in council["summary"] and "모자랄 확률이 99% 이상" in council["summary"]
        assert eok(d.expected_expansion_krw) in council["summary"] and eok(d.expected_expansion_krw) in council["decision"]
        assert "파주 운정 보도 1,089억원" in council["funding"]["references"]  # the reference expansions
        assert "작아" in hearing["what"][-1] and "더 낼 수 있습니다" in hearing["bill_lead"]
        assert hearing["bill_column"] == text("ko", "hearing.bill.column.lead", capacity="6,000톤")
    else:
        assert "below the median need" in council["summary"] and "expansion" in council["decision"]
    for kind in ("council", "hearing"):
        html = render_html(kind, b, lang)
        assert not NEGATIVE_MONEY.search(html), NEGATIVE_MONEY.search(html)
        assert "절감" not in html and "saving" not in html.lower()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_forward_case_baseline_above_need(lang):
    b = _bundle(20000.0)
    council, hearing = build_context("council", b, lang), build_context("hearing", b, lang)
    d = decision_for(b).row("pilot_formula")
    assert d.direction == "over" and d.gap_m3_per_day == pytest.approx(20000 - b.capacity.p50_m3_per_day)
    from sewerplan.reporting.filters import eok, thousands
    avoided = money_figures(b)["compare"]["total_krw"]  # the difference against the recommended plant
    if lang == "ko":
        assert "커서" in council["summary"] and "유휴 시설비" in council["summary"]
        assert eok(d.stranded_capital_krw) in council["summary"] and "파주 운정" not in council["summary"]
        assert eok(avoided) in council["decision"] and "덜 씁니다" in council["decision"]
        assert "크게 지을" in hearing["what"][-1] and "더 듭니다" in hearing["bill_lead"]
        assert thousands(abs(d.gap_m3_per_day)) in hearing["what"][-1]
    else:
        assert "above the median need" in council["summary"] and "idle capacity" in council["summary"]
    for kind in ("council", "hearing"):
        html = render_html(kind, b, lang)
        assert not NEGATIVE_MONEY.search(html), NEGATIVE_MONEY.search(html)


def test_plant_origin_and_one_recommendation_are_printed():
    b = example_bundle(scenario=True)
    ctx = build_context("council", b, "ko")
    korean_half = b.capacity.plant_origin.split(" / ")[0]  # the Korean briefing prints the Korean half only
    # the plant compared with is told beside the decision table (the summary leads with the city's plan)
    assert f"({korean_half})" in ctx["decision_note"] and "example input" not in ctx["decision_note"]
    assert b.capacity.plant_origin in build_context("council", b, "en")["decision_note"]
    rec = f"{b.recommended_capacity_m3_per_day:,.0f}"
    assert rec in ctx["summary"] and rec in ctx["decision"]
    assert ctx["numbers"]["n_calibration_districts"] == 8


def test_population_and_small_household_share_come_from_the_run():
    b = example_bundle()
    tot = b.planned_total
    assert tot.population == pytest.approx(tot.households * DEFAULT_PARAMETERS.persons_per_household)
    qa = {q["q"]: q["a"] for q in build_context("hearing", b, "ko")["qa"]}
    assert any("2031년" in a for a in qa.values())
