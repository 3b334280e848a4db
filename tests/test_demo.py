"""``sewerplan demo`` end to end: the shared ``full_demo`` run (tests/conftest.py), exactly as ``make demo``
runs it on the bundled sample project (its learner, its build-out scenario, its household mix)."""

import json
import shutil

import pytest
from openpyxl import load_workbook

from sewerplan.recipe.demo import DEMO_FILES, run_demo
from sewerplan.model.errors import InputFileError
from sewerplan.model.outputs.results import ResultsBundle


def test_demo_writes_every_output(full_demo):
    result, steps = full_demo, full_demo.steps
    out = result.out_dir
    for key in ("workbook", "results_json", "comparison", "forecast_buildings", "forecast_districts", "model",
                "card", "summary"):
        assert (out / DEMO_FILES[key]).is_file(), key
    assert (out / "training" / "match_report.json").is_file()
    assert steps[-1] == 7 and steps == sorted(steps)
    bundle = ResultsBundle.from_json(out / DEMO_FILES["results_json"])
    assert bundle.metadata.synthetic is True
    assert bundle.capacity.p50_m3_per_day <= bundle.capacity.upper_m3_per_day
    assert len(bundle.existing) >= 7
    wb = load_workbook(out / DEMO_FILES["workbook"], read_only=True)
    assert "기존시가지 비교" in wb.sheetnames
    card = json.loads((out / DEMO_FILES["card"]).read_text(encoding="utf-8"))
    assert card["synthetic"] is True


def test_demo_comparison_is_held_out_and_summarised(full_demo):
    result = full_demo
    s = result.summary
    assert s["synthetic"] is True
    tot = s["existing_town_total_m3_per_day"]
    assert tot["observed"] > 0 and tot["ml"] > 0
    # as in the 2023 pilot, the population-only formula falls short of observed sewage
    assert tot["pilot_formula"] < tot["observed"]
    rows = s["existing_town_districts"]
    assert all(r["pilot_formula_error_t_per_day"] == pytest.approx(r["observed"] - r["pilot_formula"], abs=0.2)
               for r in rows)
    assert {d["method"] for d in s["decision"]} == {"pilot_formula", "master_plan", "unit_load"}
    if "council_pdf" in result.paths:
        assert result.paths["council_pdf"].read_bytes()[:5] == b"%PDF-"


def test_demo_refuses_to_overwrite_without_force(full_demo, tmp_path):
    out = shutil.copytree(full_demo.out_dir, tmp_path / "sewerplan-output")  # the shared run stays as it is
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    with pytest.raises(InputFileError, match="--force"):
        run_demo(out)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before  # nothing written


def test_demo_runs_a_build_out_scenario_into_the_council_bundle(full_demo):
    """The sample project's build-out scenario (sample_town_base.yaml) reaches the council bundle."""
    result = full_demo
    out = result.out_dir
    sc = result.summary["scenario"]
    assert sc["ml_p50_capacity_m3_per_day"] <= sc["ml_p90_capacity_m3_per_day"]
    assert (out / "scenario" / "capacity_by_year.csv").is_file()
    bundle = ResultsBundle.from_json(out / DEMO_FILES["results_json"])
    final = bundle.scenario.capacity_by_year[-1]
    assert final.year == sc["final_year"]
    assert final.ml_p90_m3_per_day == pytest.approx(sc["ml_p90_capacity_m3_per_day"], rel=0.01)
    # the briefing with every section (8 districts, scenario) keeps to its page budget
    from pypdf import PdfReader

    # the page budgets of docs/reports.md: council at most 6 pages, the hearing handout its four fixed pages
    assert 2 <= len(PdfReader(result.paths["council_pdf"]).pages) <= 6
    assert len(PdfReader(result.paths["hearing_pdf"]).pages) == 4


def test_demo_trains_with_the_household_mix(full_demo):
    result = full_demo
    card = json.loads((result.out_dir / DEMO_FILES["card"]).read_text(encoding="utf-8"))
    assert card["household_mix"]["used"] and card["household_mix"]["training_residential_rows_with_mix"] > 0
    assert (result.out_dir / "training" / "unmatched_household_mix.csv").is_file()


def test_demo_money_headline_recomputed_from_the_bundle_inputs(full_demo):
    """Issues 12 and 22: every money figure the papers print, recomputed here from results.json, the sample
    project file and the shipped tables with independent arithmetic: the recommended capacity stored, the new
    underground plant on its curve, paid in full by the developer (the new-town default), O&M on one inflow
    (groundwater once), the fee base of billed water (existing town + new town at build-out), the household
    effect; the council paper, the hearing handout, the workbook's money sheet and results.json agree."""
    from importlib import resources

    import pandas as pd
    import yaml

    from sewerplan.recipe.demo import sample_project_path

    result = full_demo
    data = json.loads((result.out_dir / DEMO_FILES["results_json"]).read_text(encoding="utf-8"))
    project = yaml.safe_load(sample_project_path().read_text(encoding="utf-8"))
    assert project["finance"] == {"funding_structure": "developer_pays_all", "plant_type": "new_underground"}
    fin, h = data["finance"], data["finance"]["headline"]
    inp = fin["inputs"]
    q = data["capacity"]["recommended_m3_per_day"]
    assert q == data["capacity"]["upper_m3_per_day"] > 0  # stored, never the 0 sentinel
    shipped = resources.files("sewerplan.model").joinpath("data")
    curves = json.loads(shipped.joinpath("treatment_cost_curve.json").read_text(encoding="utf-8"))["curves"]
    curve = curves["korea_real_new_underground"]
    total = curve["coefficient_krw"] * q ** curve["exponent"]  # no build-up item entered in the demo
    assert inp["design_supervision_rate"] is inp["land_cost_krw"] is inp["contingency_rate"] is None
    assert curve["price_year"] == h["price_year"] == 2025 and h["total_krw"] == pytest.approx(total)
    # who pays: the developer all of it (하수도법 제61조제2항); the causer charge is printed for reference
    assert (h["developer_krw"], h["city_krw"], h["national_krw"], h["provincial_krw"]) == pytest.approx(
        (total, 0.0, 0.0, 0.0))
    terms = next(b for b in data["baselines"] if b["method"] == "unit_load")["terms"]
    basis = sum(t["value"] for t in terms if t["name"] != "infiltration")  # building sewage, no infiltration
    prices = pd.read_csv(shipped.joinpath("kr_causer_charge_unit_prices.csv").open(encoding="utf-8"))
    price = prices.sort_values("year").groupby("municipality").tail(1)["krw_per_m3_per_day"].median()
    assert h["causer_charge_krw"] == pytest.approx(basis * price, rel=1e-6)
    # O&M on one inflow: the ML day-average with its groundwater once (what the hearing says "평소 하루")
    inflow = data["planned_total"]["ml"]["day_average_m3_per_day"]
    ml_terms = {t["name"]: t["value"] for t in next(b for b in data["baselines"] if b["method"] == "ml")["terms"]}
    assert inflow == pytest.approx(ml_terms["day_average"] + ml_terms["infiltration"], abs=0.2)
    om = 116.8 * 131.66 / (85.16 / 121.80 * 100) * inflow * 365  # 2009 KRW/m3 at 2025 prices
    assert h["om_annual_krw"] == pytest.approx(om, rel=1e-6) and h["om_inflow_m3_per_day"] == pytest.approx(inflow)
    # the fee base: billed water (the fee is billed on water use), the existing town's and the new town's
    match = json.loads((result.out_dir / "training" / "match_report.json").read_text(encoding="utf-8"))["match"]
    existing = match["sewage_m3_per_day_all_meters"] / 0.85 * 365
    new_town = ml_terms["day_average"] / 0.85 * 365
    assert h["billed_sewage_m3_per_year"] == pytest.approx(existing + new_town, rel=1e-4)
    assert (h["fee_base_existing_m3_per_year"], h["fee_base_new_town_m3_per_year"]) == pytest.approx(
        (existing, new_town), rel=1e-4)
    per_m3 = om / (existing + new_town)  # no city capital: only the running cost reaches the fee
    hh4 = per_m3 * 610 / 1000 * 365 / 12  # Seoul 2021: 610 L/d for 4 persons
    assert h["fee_krw_per_m3"] == pytest.approx(per_m3, rel=1e-4)
    assert h["fee_household_krw_per_month"]["4"] == pytest.approx(hh4, rel=1e-4)
    # printed as the papers round them: the figures of results.json, which the lines above recomputed
    _papers_and_workbook_agree(result, data, total, om, inflow, h["billed_sewage_m3_per_year"],
                               h["fee_household_krw_per_month"]["4"])


def _papers_and_workbook_agree(result, data, total, om, inflow, billed, hh4):
    """The council paper (who pays on page 1), the hearing handout and the workbook's money sheet print the same."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from sewerplan.reporting.filters import eok, krw

    wb = load_workbook(result.out_dir / DEMO_FILES["workbook"], read_only=True)
    sheet = {row[1]: row[2] for row in wb["재원·요금"].iter_rows(min_row=4, values_only=True) if row[1]}
    assert sheet["총사업비"] == pytest.approx(total / 1e8) and sheet["사업시행자 부담 (원인자부담금)"] == pytest.approx(total / 1e8)
    assert sheet["시비 순부담"] == pytest.approx(0.0) and sheet["연간 운영비"] == pytest.approx(om / 1e8, rel=1e-6)
    assert sheet["처리 유입량 (일평균)"] == pytest.approx(inflow) and sheet["부과량 (상수도 사용량)"] == pytest.approx(billed, rel=1e-4)
    assert sheet["4인 가구 한 달"] == pytest.approx(hh4, rel=1e-4) and sheet["재원 구조"] == "사업시행자 전액 부담"
    if "council_pdf" not in result.paths or result.paths["council_pdf"].suffix != ".pdf":
        return
    pages = ["".join(pg.extract_text().split()) for pg in PdfReader(result.paths["council_pdf"]).pages]
    council = "".join(pages)
    for shown in (eok(total), eok(om, 1), krw(hh4), f"{billed:,.0f}", "2025년가격", "사업시행자전액부담"):
        assert "".join(shown.split()) in council, shown
    assert "사업시행자가모두부담" in pages[0] and "의결요청" in pages[0]  # who pays, one sentence on page 1
    hearing = "".join("".join(pg.extract_text().split()) for pg in PdfReader(result.paths["hearing_pdf"]).pages)
    for shown in (eok(total), eok(om, 1), krw(hh4), f"평소하루약{inflow:,.0f}톤", f"{billed:,.0f}톤", "금리2.5%"):
        assert shown in hearing, shown
