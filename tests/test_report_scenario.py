"""The optional planning-scenario part of the results bundle and its council-briefing section."""

import dataclasses
import io
import re

import pypdf
import pytest

from stubs import StubModel
from sewerplan.model.outputs.results import (
    ResultsBundle,
    ResultsBundleError,
    ScenarioCapacityYear,
    example_bundle,
    example_scenario_section,
    scenario_section_from_result,
)
from sewerplan.reporting import build_context, render_html
from sewerplan.reporting import filters


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


PLAN = {
    "name": "보고 시험안",
    "plan": [
        {"block": "A1", "district": "north", "main_use": "아파트", "dwellings": 400, "completion_year": 2028},
        {"block": "O1", "district": "south", "main_use": "업무시설", "floor_area_m2": 20000, "completion_year": 2030},
    ],
    "settings": {"seed": 3, "n_simulations": 500, "end_year": 2031, "plant_capacity_m3_per_day": 400, "synthetic": True},
}


@pytest.fixture(scope="module")
def run():
    from sewerplan.model.planning.scenario import scenario_from_dict
    from sewerplan.model.planning.scenario_run import run_scenario

    return run_scenario(scenario_from_dict(PLAN, source="/plans/test_town.yaml"), model=StubModel("stub-report"))


@pytest.fixture(scope="module")
def bundle():
    return example_bundle(scenario=True)


@pytest.fixture(scope="module")
def council_pdfs(example_pdf):
    """render_pdf_bytes("council", example_bundle(scenario=True), lang), shared (conftest.py)."""
    return {lang: example_pdf("council", lang, scenario=True) for lang in ("ko", "en")}


# --- results bundle ------------------------------------------------------------------------

def test_section_from_a_scenario_run_matches_capacity_by_year(run):
    from sewerplan.model.planning.scenario_run import capacity_by_year

    sec = scenario_section_from_result(run)
    tab = capacity_by_year(run, 0.9)
    assert sec.name == "보고 시험안" and sec.source == "test_town.yaml" and sec.synthetic
    assert sec.plant_capacity_m3_per_day == 400 and sec.confidence == 0.9 and sec.n_simulations == 500
    assert [r.year for r in sec.capacity_by_year] == tab["year"].tolist()
    assert [r.ml_p90_m3_per_day for r in sec.capacity_by_year] == pytest.approx(
        tab["ml_capacity_p90_m3_per_day"].tolist(), abs=0.05)
    assert [r.probability_exceeded for r in sec.capacity_by_year] == pytest.approx(
        tab["probability_exceeded"].tolist(), abs=5e-4)
    other = scenario_section_from_result(run, confidence=0.8, plant_capacity_m3_per_day=1e6)
    assert other.plant_capacity_m3_per_day == 1e6 and all(r.probability_exceeded == 0 for r in other.capacity_by_year)
    last = other.capacity_by_year[-1]
    assert last.ml_p50_m3_per_day <= last.ml_at_confidence_m3_per_day <= last.ml_p90_m3_per_day


def test_section_without_ml_or_plant(run):
    from sewerplan.model.planning.scenario import scenario_from_dict
    from sewerplan.model.planning.scenario_run import run_scenario

    d = {**PLAN, "settings": {k: v for k, v in PLAN["settings"].items() if k != "plant_capacity_m3_per_day"}}
    sec = scenario_section_from_result(run_scenario(scenario_from_dict(d, source="t"), model=False))
    assert not sec.ml_available and sec.plant_capacity_m3_per_day is None
    assert all(r.ml_p90_m3_per_day is None and r.probability_exceeded is None for r in sec.capacity_by_year)


def test_json_round_trip_with_scenario_and_old_bundles_still_load(tmp_path, run):
    b = example_bundle(scenario=scenario_section_from_result(run))
    b2 = ResultsBundle.from_json(b.to_json(tmp_path / "r.json"))
    assert b2 == b and isinstance(b2.scenario.capacity_by_year[0], ScenarioCapacityYear)
    old = example_bundle().to_dict()
    old.pop("scenario")  # a bundle written before scenarios existed
    assert ResultsBundle.from_dict(old).scenario is None
    d = example_bundle(scenario=True).to_dict()
    d["scenario"]["plant_capacity_m3_per_day"] = None
    for r in d["scenario"]["capacity_by_year"]:
        r["probability_exceeded"] = r["probability_exceeded_by_year"] = None
    assert ResultsBundle.from_dict(d).scenario.plant_capacity_m3_per_day is None


@pytest.mark.parametrize("edit, path", [
    (lambda s: s["capacity_by_year"][3].update(ml_p50_m3_per_day=1e9), r"scenario\.capacity_by_year\[3\]\.ml_p50_m3_per_day"),
    (lambda s: s["capacity_by_year"][2].update(year=2020), r"scenario\.capacity_by_year\[2\]\.year"),
    (lambda s: s["capacity_by_year"][1].update(probability_exceeded=1.5), r"scenario\.capacity_by_year\[1\]\.probability_exceeded"),
    (lambda s: s["capacity_by_year"][0].update(ml_p90_m3_per_day=None), r"scenario\.capacity_by_year\[0\]\.ml_p90_m3_per_day"),
    (lambda s: s["capacity_by_year"][0].update(pilot_formula_m3_per_day=-1), r"scenario\.capacity_by_year\[0\]\.pilot_formula_m3_per_day"),
    (lambda s: s["capacity_by_year"][0].update(year="2027"), r"scenario\.capacity_by_year\[0\]\.year"),
    (lambda s: s.update(confidence=1.2), r"scenario\.confidence"),
    (lambda s: s.update(capacity_by_year=[]), r"scenario\.capacity_by_year"),
    (lambda s: s.update(colour="blue"), r"scenario.*unknown field"),
    (lambda s: s.pop("name"), r"scenario\.name"),
])
def test_invalid_scenario_section_names_the_field(edit, path):
    d = example_bundle(scenario=True).to_dict()
    edit(d["scenario"])
    with pytest.raises(ResultsBundleError, match=path):
        ResultsBundle.from_dict(d, source="results.json")


# --- council briefing ----------------------------------------------------------------------

def test_council_prints_the_scenario_heading_and_the_final_year_p90(bundle, council_pdfs):
    last = bundle.scenario.capacity_by_year[-1]
    ko = _flat(_text(council_pdfs["ko"]))
    assert "5.계획시나리오:연도별필요처리용량" in ko and "6.총사업비와재원조달" in ko and "9.가정과출처" in ko
    assert _flat(filters.thousands(last.ml_p90_m3_per_day)) in ko
    assert _flat(filters.thousands(last.pilot_formula_m3_per_day)) in ko
    assert "처리장용량을넘을확률" in ko and str(last.year) in ko
    en = _flat(_text(council_pdfs["en"]))
    assert "Planningscenario:capacityneededbyyear" in en
    assert "Funding,runningcostandfees:section6" in en
    assert _flat(filters.thousands(last.ml_p90_m3_per_day)) in en


def test_page_counts_stay_within_the_council_budget(council_pdfs):
    for lang, pdf in council_pdfs.items():  # docs/reports.md, 'Page budgets': at most 6 pages
        assert 2 <= len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 6, lang


def test_bundle_without_scenario_has_no_section_and_old_numbering():
    html = render_html("council", example_bundle(), "ko")
    assert "계획 시나리오" not in html and "5. 총사업비와 재원 조달" in html
    en = build_context("council", example_bundle(), "en")
    assert en["scenario"] is None and "section 5." in en["decision"]


def test_scenario_context_numbers_chart_and_long_runs():
    ctx = build_context("council", example_bundle(scenario=True), "ko")["scenario"]
    assert ctx["chart"].startswith("data:image/svg+xml;base64,")
    assert [r["label"] for r in ctx["table"]][:2] == ["중앙값", "10번 중 9번은 이 값 이하"]
    long = example_scenario_section(years=range(2025, 2045))
    long.capacity_by_year += [dataclasses.replace(long.capacity_by_year[-1], year=y) for y in range(2035, 2045)]
    c = build_context("council", example_bundle(scenario=long), "en")["scenario"]
    assert len(c["years"]) <= 11 and c["years"][-1] == "2044" and c["years"][0] == "2025"
    assert all(len(r["cells"]) == len(c["years"]) for r in c["table"])


def test_scenario_section_without_ml_renders(run):
    from sewerplan.model.planning.scenario import scenario_from_dict
    from sewerplan.model.planning.scenario_run import run_scenario

    sec = scenario_section_from_result(run_scenario(scenario_from_dict(PLAN, source="t"), model=False))
    html = render_html("council", example_bundle(scenario=sec), "ko")
    assert "계획 시나리오" in html and "10번 중 9번은 이 값 이하" not in html and "요금자료 예측 없이" in html


def test_hostile_scenario_name_is_printed_literally():
    sec = dataclasses.replace(example_scenario_section(), name="<script>x</script> {{ 7*7 }} $a$")
    html = render_html("council", example_bundle(scenario=sec), "ko")
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt; {{ 7*7 }} $a$" in html
