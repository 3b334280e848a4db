"""``sewerplan run`` on another town's project file, and ``sewerplan monitor`` after occupancy.

The project points at a renamed copy of the synthetic sample (other city, town and district
names, everywhere in the data): the briefings, the workbook and results.json must carry the
project's names only, never the sample's.
"""

import calendar
import gzip
import io
import json
import re

import numpy as np
import pandas as pd
import pypdf
import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.outputs.results import ResultsBundle
from sewerplan.recipe.monitor import forecast_ratios
from sewerplan.recipe.sample_town import sample_file

runner = CliRunner()

# sample name -> the renamed town's (no new name contains an old one)
RENAME = {"가온시": "한빛시", "새빛": "누리", "생활권": "권역", "가온": "동산", "나래": "서하", "다솜": "남촌", "라온": "북정",
          "마루": "중앙", "바다": "해안", "산단": "공단", "새솔": "신촌"}
SAMPLE_NAMES = ["가온", "새빛", "생활권", "나래", "다솜", "라온", "마루", "바다", "산단동", "새솔", "Gaon", "Saebit"]


def _renamed(text: str) -> str:
    for old, new in RENAME.items():
        text = text.replace(old, new)
    return text


def _copy_renamed(src, dst):
    """Write ``src`` (CSV, CSV.gz or YAML text) to ``dst`` with every sample name replaced."""
    if str(src).endswith(".gz"):
        with gzip.open(src, "rt", encoding="utf-8") as fi, gzip.open(dst, "wt", encoding="utf-8") as fo:
            fo.write(_renamed(fi.read()))
    else:
        dst.write_text(_renamed(src.read_text(encoding="utf-8")), encoding="utf-8")


@pytest.fixture(scope="module")
def renamed_run(tmp_path_factory):
    from sewerplan.model.planning.scenario import sample_scenario_path

    base = tmp_path_factory.mktemp("run")
    data = base / "project" / "data"
    data.mkdir(parents=True)
    for key in ("register", "billing", "planned", "household_mix"):
        _copy_renamed(sample_file(key), data / sample_file(key).name.replace("synthetic_", ""))
    _copy_renamed(sample_scenario_path("base"), data / "plan.yaml")
    project = {
        "sewerplan_project": 1, "synthetic": True, "data_folders": ["data"],
        "names": {"municipality": "한빛시", "town": "한빛시 누리지구", "town_en": "Hanbit Nuri district",
                  "existing_town": "한빛시 구도심", "existing_town_en": "Hanbit old town"},
        "existing_town": {"register": "data/existing_register.csv", "billing": "data/existing_billing.csv.gz",
                          "household_mix": "data/existing_household_mix.csv"},
        "planned_town": {"buildings": "data/planned_town.csv", "scenario": "data/plan.yaml",
                         "districts": {f"{i}권역": f"누리{i}단계" for i in range(1, 7)}},
        "plant": {"capacity_m3_per_day": 12000, "status": "planned", "name": "누리 물재생센터"},
        "finance": {"financing_rate": 0.04, "asset_life_years": 25, "national_share": 0.7},
        "model": {"train": True, "learner": "ridge_log"},
        "report": {"language": "ko", "formats": ["pdf", "html"]},
        "privacy": {"min_public_cell_buildings": 300},
    }
    path = base / "project" / "누리지구.yaml"
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    out = base / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def _pdf_text(path) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)


def _workbook_text(path) -> str:
    wb = load_workbook(path, read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)


def test_the_outputs_carry_the_projects_names_only(renamed_run):
    out, printed = renamed_run
    texts = {"council": _pdf_text(out / "council_briefing.pdf"), "hearing": _pdf_text(out / "public_hearing.pdf"),
             "council html": (out / "council_briefing.html").read_text(encoding="utf-8"),
             "workbook": _workbook_text(out / "sewerplan_results.xlsx"),
             "results.json": (out / "results.json").read_text(encoding="utf-8")}
    for name, text in texts.items():
        flat = re.sub(r"\s+", "", text)
        for old in SAMPLE_NAMES:
            assert old not in flat, (name, old)
    for name in ("council", "hearing", "results.json"):
        assert "한빛시누리지구" in re.sub(r"\s+", "", texts[name]), name
    bundle = json.loads(texts["results.json"])
    assert bundle["metadata"]["municipality"] == "한빛시" and bundle["metadata"]["existing_town_name"] == "한빛시 구도심"
    assert [d["district"] for d in bundle["planned"]] == [f"누리{i}단계" for i in range(1, 7)]
    assert {d["district"] for d in bundle["existing"]} <= {"동산동", "서하동", "남촌동", "북정동", "중앙동", "해안동",
                                                           "공단동", "신촌동"}
    assert "누리1단계" in re.sub(r"\s+", "", texts["council"]) and "한빛시 누리지구" in printed


def test_the_project_plant_and_finance_reach_the_results(renamed_run):
    out, _ = renamed_run
    bundle = ResultsBundle.from_json(out / "results.json")
    assert bundle.capacity.plant_m3_per_day == 12000.0
    assert "plant.capacity_m3_per_day" in bundle.capacity.plant_origin and "누리 물재생센터" in bundle.capacity.plant_origin
    assert bundle.metadata.min_public_cell_buildings == 300
    money = bundle.finance.inputs
    assert (money.financing_rate, money.asset_life_years, money.national_share) == (0.04, 25, 0.7)
    scenario = json.loads((out / "scenario" / "summary.json").read_text(encoding="utf-8"))
    assert scenario["final_year"]["plant_capacity_m3_per_day"] == 12000.0
    assert bundle.metadata.synthetic and "합성" in _pdf_text(out / "council_briefing.pdf")


def test_the_published_comparison_and_the_handout_merge_small_districts(renamed_run):
    out, _ = renamed_run
    full = pd.read_csv(out / "existing_town_comparison.csv")
    public = pd.read_csv(out / "public_existing_town_comparison.csv")
    small = full[(full["n_buildings"] < 300) & ~full["district"].str.startswith("합계")]["district"].tolist()
    assert small, "the sample should have districts under 300 buildings"
    assert not set(small) & set(public["district"]) and (public["n_buildings"] >= 300).all()
    assert public["observed"].iloc[-1] == pytest.approx(full["observed"].iloc[-1])
    hearing = re.sub(r"\s+", "", _pdf_text(out / "public_hearing.pdf"))
    assert "기타구역합산" in hearing and "300동미만" in hearing


def test_no_raw_customer_number_in_the_run_outputs(renamed_run):
    out, _ = renamed_run
    bills = pd.read_csv(out.parent / "project" / "data" / "existing_billing.csv.gz", dtype=str)
    raw = set(bills["수용가번호"].sample(50, random_state=1))
    links = pd.read_csv(out / "training" / "meter_building_links.csv", dtype=str)
    assert links["customer_id"].str.startswith("P-").all() and not raw & set(links["customer_id"])
    report = json.loads((out / "training" / "match_report.json").read_text(encoding="utf-8"))
    assert report["privacy"]["key_source"].startswith("one-off")


def _first_bills(forecast: pd.DataFrame, path, factors: dict, occupied: set) -> None:
    """Synthetic first bills: 8 months per building of the occupied districts, ML forecast x factor."""
    rng = np.random.default_rng(3)
    rows = []
    for i, b in forecast[forecast["district"].isin(occupied)].reset_index(drop=True).iterrows():
        for k in range(8):
            month = 203001 + (i % 3) + k
            days = calendar.monthrange(month // 100, month % 100)[1]
            volume = b["ml_m3_per_day"] / 0.85 * days * factors.get(b["district"], 1.0) * rng.normal(1, 0.02)
            rows.append({"수용가번호": f"N{500000 + i}", "관리건축물대장PK": b["building_id"], "수용가주소": b["address"],
                         "업종": "가정용" if b["category"] == "residential" else "일반용", "부과년월": month,
                         "사용량(㎥)": round(volume, 2), "성명": "박영희"})
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")


def test_monitor_flags_a_district_30_percent_above_and_not_one_within(renamed_run, tmp_path):
    out, _ = renamed_run
    lower, upper = forecast_ratios(ResultsBundle.from_json(out / "results.json"))
    assert lower < 0.98 and 1.02 < upper < 1.3  # +30% lies outside the forecast interval, +-2% inside
    forecast = pd.read_csv(out / "planned_town_buildings.csv", dtype={"building_id": str})
    bills = tmp_path / "first_bills.csv"
    _first_bills(forecast, bills, {"누리1단계": 1.3}, {"누리1단계", "누리2단계", "누리3단계"})
    result = runner.invoke(app, ["monitor", "--results", str(out / "results.json"), "--billing", str(bills),
                                 "--out", str(tmp_path / "mon")])
    assert result.exit_code == 0, result.output
    d = pd.read_csv(tmp_path / "mon" / "monitoring_districts.csv").set_index("district")
    assert d.loc["누리1단계", "status"] == "above" and bool(d.loc["누리1단계", "flagged"])
    assert d.loc["누리1단계", "observed_to_forecast"] == pytest.approx(1.3, abs=0.03)
    assert d.loc["누리2단계", "status"] == "within" and not bool(d.loc["누리2단계", "flagged"])
    assert d.loc["누리5단계", "buildings_occupied"] == 0 and d.loc["누리5단계", "status"] == "no data"
    monthly = pd.read_csv(tmp_path / "mon" / "monitoring_by_month.csv", dtype={"billing_month": str})
    first = monthly[monthly["district"] == "누리1단계"].sort_values("billing_month")
    assert first["share_occupied"].is_monotonic_increasing and first["share_occupied"].iloc[-1] == 1.0
    page = re.sub(r"\s+", "", _pdf_text(tmp_path / "mon" / "monitoring.pdf"))
    assert "한빛시누리지구입주후점검" in page and "누리1단계(구간초과)" in page
    for f in (tmp_path / "mon").glob("*.csv"):
        text = f.read_text(encoding="utf-8-sig")
        assert "박영희" not in text and "N500000" not in text


def test_a_project_can_use_a_model_file_and_a_block_plan_only(renamed_run, tmp_path):
    """model.train: false with model.file; the planned town given only as a block plan (scenario file)."""
    import shutil

    out, _ = renamed_run
    project_dir = out.parent / "project"
    for name in ("sewerplan_model.skops", "sewerplan_model.card.json"):
        shutil.copy(out / "model" / name, project_dir / "data" / name)
    project = yaml.safe_load((project_dir / "누리지구.yaml").read_text(encoding="utf-8"))
    project["planned_town"].pop("buildings")
    project["model"] = {"train": False, "file": "data/sewerplan_model.skops"}
    path = project_dir / "블록계획.yaml"
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out2"), "--no-reports"])
    assert result.exit_code == 0, result.output
    assert "cross-validates" in result.output and "block plan" in result.output
    assert not list((tmp_path / "out2").glob("model/*.skops"))  # the given model is used, not trained again
    bundle = ResultsBundle.from_json(tmp_path / "out2" / "results.json")
    first = ResultsBundle.from_json(out / "results.json")
    assert bundle.metadata.model_card.model_id == first.metadata.model_card.model_id
    assert [d.district for d in bundle.planned] == [f"누리{i}단계" for i in range(1, 7)]
    buildings = pd.read_csv(tmp_path / "out2" / "planned_town_buildings.csv", dtype=str)
    assert buildings["building_id"].str.startswith("S-").all()  # expanded from the blocks
    # the block plan holds the same floor area as the building table, so the forecast is close to it
    assert bundle.planned_total.ml.day_average_m3_per_day == pytest.approx(
        first.planned_total.ml.day_average_m3_per_day, rel=0.15)
