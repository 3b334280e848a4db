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

    assert 2 <= len(PdfReader(result.paths["council_pdf"]).pages) <= 5  # 5 with the money section (issue 12)
    assert 1 <= len(PdfReader(result.paths["hearing_pdf"]).pages) <= 2


def test_demo_trains_with_the_household_mix(small_demo):
    result, _, _ = small_demo
    card = json.loads((result.out_dir / DEMO_FILES["card"]).read_text(encoding="utf-8"))
    assert card["household_mix"]["used"] and card["household_mix"]["training_residential_rows_with_mix"] > 0
    assert (result.out_dir / "training" / "unmatched_household_mix.csv").is_file()
