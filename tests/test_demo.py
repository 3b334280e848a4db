"""``sewerplan demo`` end to end on a reduced synthetic town (fast: fixed learner, small town)."""

import json

import pytest
from openpyxl import load_workbook

from sewerplan.recipe.demo import DEMO_FILES, run_demo
from sewerplan.model.errors import InputFileError
from sewerplan.model.outputs.results import ResultsBundle
from sewerplan.recipe.sample_town import write_sample_town


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    town = write_sample_town(base / "town", seed=11, scale=0.2)
    steps = []
    result = run_demo(base / "out", register=town["register"], billing=town["billing"], planned=town["planned"],
                      synthetic=True, learner="ridge_log", progress=lambda i, n, m: steps.append(i),
                      household_mix=town["household_mix"])
    return result, steps, town


def test_demo_writes_every_output(small_demo):
    result, steps, _ = small_demo
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


def test_demo_comparison_is_held_out_and_summarised(small_demo):
    result, _, _ = small_demo
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


def test_demo_refuses_to_overwrite_without_force(small_demo):
    result, _, town = small_demo
    with pytest.raises(InputFileError, match="--force"):
        run_demo(result.out_dir, register=town["register"], billing=town["billing"], planned=town["planned"])


def test_demo_runs_a_build_out_scenario_into_the_council_bundle(tmp_path_factory, small_demo):
    from sewerplan.model.planning.scenario import sample_scenario_path

    _, _, town = small_demo
    out = tmp_path_factory.mktemp("demo_scenario")
    result = run_demo(out, register=town["register"], billing=town["billing"], planned=town["planned"],
                      synthetic=True, learner="ridge_log", scenario=sample_scenario_path("base"))
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


def test_demo_trains_with_the_household_mix(small_demo):
    result, _, _ = small_demo
    card = json.loads((result.out_dir / DEMO_FILES["card"]).read_text(encoding="utf-8"))
    assert card["household_mix"]["used"] and card["household_mix"]["training_residential_rows_with_mix"] > 0
    assert (result.out_dir / "training" / "unmatched_household_mix.csv").is_file()


def test_demo_money_headline_recomputed_from_the_bundle_inputs(small_demo):
    """Issue 12: total cost, funding split, annual cost, fee per m3 and per household, causer charge,
    recomputed here from results.json and the shipped tables with independent arithmetic."""
    from importlib import resources

    import pandas as pd
    from pypdf import PdfReader

    from sewerplan.reporting.filters import eok, krw

    result, _, _ = small_demo
    data = json.loads((result.out_dir / DEMO_FILES["results_json"]).read_text(encoding="utf-8"))
    fin, h = data["finance"], data["finance"]["headline"]
    inp = fin["inputs"]
    shipped = resources.files("sewerplan.model").joinpath("data")
    curve = json.loads(shipped.joinpath("treatment_cost_curve.json").read_text(encoding="utf-8"))["curves"]["korea_real"]
    q = data["capacity"]["recommended_m3_per_day"] or data["capacity"]["upper_m3_per_day"]
    total = curve["coefficient_krw"] * q ** curve["exponent"]  # no build-up item entered in the demo
    assert inp["design_supervision_rate"] is inp["land_cost_krw"] is inp["contingency_rate"] is None
    assert curve["price_year"] == h["price_year"] == 2025 and h["total_krw"] == pytest.approx(total)
    terms = next(b for b in data["baselines"] if b["method"] == "unit_load")["terms"]
    basis = sum(t["value"] for t in terms if t["name"] != "infiltration")  # building sewage, no infiltration
    prices = pd.read_csv(shipped.joinpath("kr_causer_charge_unit_prices.csv").open(encoding="utf-8"))
    price = prices.sort_values("year").groupby("municipality").tail(1)["krw_per_m3_per_day"].median()
    causer = basis * price
    assert h["causer_charge_krw"] == pytest.approx(causer, rel=1e-6)
    public = total - min(causer, total)
    n, p = inp["national_share"], inp["provincial_share"]
    assert (h["national_krw"], h["provincial_krw"], h["city_krw"]) == pytest.approx(
        (n * public, p * public, (1 - n - p) * public), rel=1e-6)
    om = 116.8 * 131.66 / (85.16 / 121.80 * 100) * fin["inflow_m3_per_day"] * 365  # 2009 KRW/m3 at 2025 prices
    crf = 0.025 / (1 - 1.025 ** -30)  # financing rate 2.5% over 30 years, not the 4.5% social discount rate
    annual = (1 - n - p) * public * crf + om
    per_m3 = annual / fin["fee_base_m3_per_year"]
    assert h["om_annual_krw"] == pytest.approx(om, rel=1e-6) and h["city_annual_burden_krw"] == pytest.approx(annual)
    assert h["fee_krw_per_m3"] == pytest.approx(per_m3, rel=1e-6)
    hh4 = per_m3 * 610 / 1000 * 365 / 12  # Seoul 2021: 610 L/d for 4 persons
    assert h["fee_household_krw_per_month"]["4"] == pytest.approx(hh4, rel=1e-6)
    match = json.loads((result.out_dir / "training" / "match_report.json").read_text(encoding="utf-8"))["match"]
    assert fin["fee_base_m3_per_year"] == pytest.approx(match["sewage_m3_per_day_all_meters"] * 365, rel=1e-4)
    if "council_pdf" in result.paths and result.paths["council_pdf"].suffix == ".pdf":
        text = "".join("".join(pg.extract_text().split()) for pg in PdfReader(result.paths["council_pdf"]).pages)
        for shown in (eok(total), eok((1 - n - p) * public), eok(min(causer, total)), krw(hh4), "2025년가격"):
            assert "".join(shown.split()) in text, shown
        hearing = "".join("".join(pg.extract_text().split()) for pg in PdfReader(result.paths["hearing_pdf"]).pages)
        assert "2025년가격" in hearing and "금리2.5%" in hearing
