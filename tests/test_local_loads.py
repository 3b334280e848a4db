"""Issue 18: the city's own unit loads (`sewerplan unitloads`) on the sample town and on NYC LL84.

Expected values come from the sample-town generator's own parameters (its median water
intensity and log-spread per use, times the return ratio), not from fixed numbers.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pypdf
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.design.parameters import DEFAULT_PARAMETERS
from sewerplan.model.design.unit_loads import lookup_use
from sewerplan.model.errors import ResultsBundleError
from sewerplan.model.intake.prepare import prepare_training_table, write_prepared
from sewerplan.model.outputs.local_loads_section import local_loads_section
from sewerplan.model.outputs.local_loads_workbook import ANNEX_SHEET, CHANGES_SHEET, write_local_loads_workbook
from sewerplan.model.outputs.results import ResultsBundle, example_bundle
from sewerplan.model.planning.local_loads import (
    LocalLoadRules, apply_local_loads, billing_period, local_unit_loads, median_ci, nyc_local_unit_loads,
    order_statistic_ranks, what_it_changes,
)
from sewerplan.recipe.sample_town import NON_RESIDENTIAL_INTENSITY, sample_file

NYC = Path(__file__).resolve().parents[1] / "data" / "public" / "nyc_ll84_2016_train.csv"
R = DEFAULT_PARAMETERS.day_average_to_day_max


@pytest.fixture(scope="module")
def prepared():
    return prepare_training_table(sample_file("register"), sample_file("billing"), synthetic=True)


@pytest.fixture(scope="module")
def town(prepared):
    return local_unit_loads(prepared.training_table, period=billing_period(prepared.report["billing"]["months"]),
                            synthetic=True)


@pytest.fixture(scope="module")
def joined(prepared, tmp_path_factory):
    out = tmp_path_factory.mktemp("joined")
    write_prepared(prepared, out)
    return out


@pytest.fixture(scope="module")
def planned():
    from sewerplan.model.intake.inventory import load_buildings

    return load_buildings(sample_file("planned"))[0]


def _row(t, main_use):
    hit = t.rows[t.rows["main_use"] == main_use]
    assert len(hit) == 1, main_use
    return hit.iloc[0]


# --- the interval for the median -------------------------------------------------------------

def test_order_statistic_ranks_match_the_binomial_tables():
    assert order_statistic_ranks(5, 0.95) is None  # 2 x 0.5^5 = 0.0625 > 0.05: no 95% interval
    j, k, cov = order_statistic_ranks(6, 0.95)
    assert (j, k) == (1, 6) and cov == pytest.approx(1 - 2 / 64)
    j, k, cov = order_statistic_ranks(10, 0.95)
    assert (j, k) == (2, 9) and cov == pytest.approx(1 - 2 * 11 / 1024)
    j, k, cov = order_statistic_ranks(30, 0.95)
    assert (j, k) == (10, 21) and 0.95 <= cov < 0.96


def test_median_ci_covers_the_true_median_at_its_stated_rate():
    rng = np.random.default_rng(5)
    hits = [lo <= 1.0 <= hi for lo, hi, _ in (median_ci(rng.lognormal(0, 1, 40)) for _ in range(2000))]
    assert 0.94 <= np.mean(hits) <= 0.985  # nominal 0.95, actual coverage of n = 40 is 0.962


# --- the sample town -------------------------------------------------------------------------

@pytest.mark.parametrize("use", ["업무시설", "제1종근린생활시설"])
def test_use_with_enough_buildings_recovers_the_generator_value(town, use):
    median, sigma = NON_RESIDENTIAL_INTENSITY[use]
    expected = median * DEFAULT_PARAMETERS.return_ratio  # sewage per m2 the sample was generated with
    r = _row(town, use)
    n = int(r["n_buildings"])
    assert r["status"] == "local" and n >= town.rules.min_buildings
    # 3 standard errors of a sample median of log-normal values (1.2533 sigma / sqrt n), plus 0.05 for billing
    # noise, unmatched meters and the odd bathhouse tenant
    tol = 3 * 1.2533 * sigma / math.sqrt(n) + 0.05
    assert abs(math.log(r["median_l_per_unit_day"] / expected)) < tol
    assert r["ci_low_l_per_unit_day"] <= r["median_l_per_unit_day"] <= r["ci_high_l_per_unit_day"]
    assert r["adopted_l_per_unit_day"] == pytest.approx(r["median_l_per_unit_day"] / R)
    assert r["ministry_l_per_unit_day"] == lookup_use(r["moe_code"]).litres_per_unit_day
    assert r["ratio_to_ministry"] == pytest.approx(r["adopted_l_per_unit_day"] / r["ministry_l_per_unit_day"])


def test_use_below_the_minimum_falls_back_to_the_notice_and_is_marked(prepared, town, tmp_path):
    school = _row(town, "교육연구시설")
    minimum = max(int(school["n_buildings"]) + 1, 6)
    t = local_unit_loads(prepared.training_table, LocalLoadRules(min_buildings=minimum))
    school, office = _row(t, "교육연구시설"), _row(t, "단독주택")
    assert school["status"] == "fallback"
    assert school["adopted_l_per_unit_day"] == lookup_use(school["moe_code"]).litres_per_unit_day
    assert office["status"] == "local"
    path = write_local_loads_workbook(tmp_path / "t.xlsx", t)
    ws = load_workbook(path)[ANNEX_SHEET]
    annex = {r[1]: r for r in ws.iter_rows(values_only=True) if r[0] is not None and isinstance(r[0], int)}
    assert annex[school["use"]][3] == school["adopted_l_per_unit_day"]
    assert "고시값" in annex[school["use"]][4] and "지역 산정" in annex[office["use"]][4]


def test_screened_rows_are_excluded_and_counted(prepared, town):
    table = prepared.training_table.copy()
    offices = table.index[(table["main_use"] == "업무시설") & (table["observed_m3_per_day"] > 0)][:5]
    table.loc[offices, "observed_m3_per_day"] = table.loc[offices, "floor_area_m2"] * 0.5  # 500 L/(m2 d)
    t = local_unit_loads(table)
    before, after = _row(town, "업무시설"), _row(t, "업무시설")
    assert after["n_screened"] == before["n_screened"] + 5
    assert after["n_buildings"] == before["n_buildings"] - 5
    assert t.counts["screened"] == town.counts["screened"] + 5
    assert t.buildings.loc[offices, "excluded"].str.startswith("screened: intensity_above_bound").all()
    assert f"{t.counts['screened']}동 제외" in " ".join(ko for ko, _ in t.statements())


def test_studio_flats_registered_as_shops_raise_the_local_value_above_the_shops_alone(town):
    # 제2종근린생활시설 in the sample holds studio flats (원룸) as well as shops: people live there
    # without 세대수 in the register, so the city's own value is above what shops alone use.
    median, _ = NON_RESIDENTIAL_INTENSITY["제2종근린생활시설"]
    assert _row(town, "제2종근린생활시설")["median_l_per_unit_day"] > 1.5 * median * DEFAULT_PARAMETERS.return_ratio


def test_vacancy_judged_from_bills_or_from_an_occupancy_column(prepared, town):
    table = prepared.training_table.copy()
    shops = table.index[(table["main_use"] == "제1종근린생활시설") & (table["observed_m3_per_day"] > 0)][:4]
    med = _row(town, "제1종근린생활시설")["median_l_per_unit_day"]
    table.loc[shops, "observed_m3_per_day"] = table.loc[shops, "floor_area_m2"] * med * 0.05 / 1000.0
    t = local_unit_loads(table)
    assert t.buildings.loc[shops, "excluded"].str.startswith("vacant").all()
    assert _row(t, "제1종근린생활시설")["n_vacant"] >= 4
    assert "요금 자료로 판정" in " ".join(ko for ko, _ in t.statements())
    table = prepared.training_table.copy()
    table["occupancy"] = 1.0
    table.loc[shops, "occupancy"] = 0.3
    t = local_unit_loads(table)
    assert t.counts["vacant"] == 4 and t.counts["vacancy_judged_by"] == "occupancy"
    assert "입주율" in " ".join(ko for ko, _ in t.statements())


def test_interval_narrows_as_buildings_are_added(prepared):
    table = prepared.training_table
    shops = table[table["main_use"] == "제1종근린생활시설"].sample(frac=1.0, random_state=3)
    others = table[table["main_use"] != "제1종근린생활시설"]
    widths = []
    for n in (40, 120, len(shops)):
        r = _row(local_unit_loads(pd.concat([others, shops.iloc[:n]])), "제1종근린생활시설")
        widths.append(r["ci_high_l_per_unit_day"] - r["ci_low_l_per_unit_day"])
    assert widths[0] > widths[1] > widths[2] > 0


def test_what_it_changes_for_the_planned_town(town, planned):
    from sewerplan.model.design.estimate import estimate_buildings

    ch = what_it_changes(planned, town, causer_price_krw_per_m3_per_day=1_000_000)
    notice = estimate_buildings(planned)["unit_load_m3_per_day"].sum()
    assert ch["notice"]["sewage_day_max_m3_per_day"] == pytest.approx(notice)
    per = apply_local_loads(planned, town)
    assert ch["local"]["sewage_day_max_m3_per_day"] == pytest.approx(per["local_m3_per_day"].sum())
    offices = per[per["use"].str.startswith("업무시설")]
    assert np.allclose(offices["local_m3_per_day"],
                       offices["units"] * _row(town, "업무시설")["adopted_l_per_unit_day"] / 1000)
    fallback = per[per["local_status"] == "fallback"]
    assert len(fallback) and np.allclose(fallback["local_m3_per_day"], fallback["notice_m3_per_day"])
    for k in ("notice", "local"):
        assert ch[k]["causer_charge_krw"] == pytest.approx(ch[k]["sewage_day_max_m3_per_day"] * 1_000_000)
        assert ch[k]["day_max_m3_per_day"] > ch[k]["sewage_day_max_m3_per_day"]  # infiltration added


# --- outputs ---------------------------------------------------------------------------------

def test_bundle_section_round_trip_and_checks(town, planned, tmp_path):
    section = local_loads_section(town, what_it_changes(planned, town))
    b = example_bundle()
    b.local_loads = section
    back = ResultsBundle.from_json(b.to_json(tmp_path / "r.json"))
    assert back.local_loads == section
    assert ResultsBundle.from_json(example_bundle().to_json(tmp_path / "plain.json")).local_loads is None
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    i = next(i for i, r in enumerate(data["local_loads"]["rows"]) if r["fallback"])
    data["local_loads"]["rows"][i]["adopted_l_per_unit_day"] += 1.0
    with pytest.raises(ResultsBundleError, match=rf"local_loads\.rows\[{i}\]\.adopted_l_per_unit_day"):
        ResultsBundle.from_dict(data)
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    data["local_loads"]["local"]["causer_charge_krw"] *= 2
    with pytest.raises(ResultsBundleError, match="local_loads.local.causer_charge_krw"):
        ResultsBundle.from_dict(data)


def test_council_briefing_shows_the_block_only_when_present(town, planned):
    from sewerplan.reporting import render_html

    b = example_bundle()
    assert "시 자체 원단위" not in render_html("council", b, "ko")
    b.local_loads = local_loads_section(town, what_it_changes(planned, town))
    html = render_html("council", b, "ko")
    assert "시 자체 원단위를 적용하면" in html and "원인자부담금" in html
    assert "the city&#39;s own unit loads" in render_html("council", b, "en")


def test_one_page_pdf_with_rules_and_table(town, planned, tmp_path):
    from sewerplan.reporting.local_loads import render_local_loads_pdf

    section = local_loads_section(town, what_it_changes(planned, town))
    out = render_local_loads_pdf(section, tmp_path / "u.pdf", "ko", municipality="가온시", created="2025-01-15")
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for phrase in ("지역 원단위", "업무시설", "요금 부과 기간", "공실", "오수전환율", "원인자부담금"):
        assert phrase in text, phrase
    assert "local_loads.json" in reader.attachments


def test_a_published_page_prints_no_local_value_measured_on_fewer_than_ten_buildings(town, planned):
    """Issue 23 follow-up: a use measured on 1-9 buildings shows about one building's water use; the page
    (an ordinance revision is published) prints '–' for its value, interval and ratio, and says why."""
    import dataclasses

    from sewerplan.reporting.local_loads import local_loads_context

    section = local_loads_section(town, what_it_changes(planned, town))
    few = dataclasses.replace(section.rows[0], n_buildings=3)
    section = dataclasses.replace(section, rows=[few, *section.rows[1:]])
    ctx = local_loads_context(section, "ko", municipality="가온시", created="2025-01-15")
    row = ctx["rows"][0]
    assert (row["local"], row["ci"], row["ratio"]) == ("–", "–", "–") and row["n"] == "3"
    assert "10동 미만인 용도의 지역 산정값은 개인정보 보호를 위해 싣지 않음" in ctx["fallback_note"]
    assert ctx["rows"][1]["local"] != "–"


def test_cli_writes_every_output_and_refuses_to_overwrite(joined, tmp_path):
    out = tmp_path / "ul"
    bundle = example_bundle().to_json(tmp_path / "results.json")
    args = ["unitloads", "--training", str(joined / "training_table.csv"), "--out", str(out),
            "--planned", str(sample_file("planned")), "--results", str(bundle), "--municipality", "가온시"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    for name in ("local_unit_loads.xlsx", "local_unit_loads.csv", "local_unit_loads_buildings.csv",
                 "local_unit_loads.json", "local_unit_loads.pdf", "planned_town_local_loads.csv", "results.json"):
        assert (out / name).is_file(), name
    assert ResultsBundle.from_json(out / "results.json").local_loads.synthetic is True  # from the match report
    wb = load_workbook(out / "local_unit_loads.xlsx")
    assert wb.sheetnames[0] == ANNEX_SHEET and CHANGES_SHEET in wb.sheetnames
    header = next(r for r in wb[ANNEX_SHEET].iter_rows(values_only=True) if r[0] == "번호")
    assert header[:5] == ("번호", "용도", "단위", "오수발생량", "비고")
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2 and "--force" in r.output


def test_cli_one_line_error_on_a_table_without_observations(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("building_id,district,main_use,floor_area_m2\nB1,가온동,업무시설,1000\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["unitloads", "--training", str(path), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "observed_m3_per_day" in r.output and "Traceback" not in r.output


def test_worksheet_function_spills_the_same_table(joined, town):
    fx = pytest.importorskip("sewerplan.xl_addin.functions")
    out = fx.SEWER_LOCAL_UNITLOADS([[str(joined / "training_table.csv")]], [[None]])
    assert out[0][0].startswith("용도") and len(out) == len(town.rows) + 1
    by_use = {r[0]: r for r in out[1:]}
    for _, row in town.rows.iterrows():
        assert by_use[row["use"]][2] == pytest.approx(row["adopted_l_per_unit_day"])
    with pytest.raises(Exception, match="min_buildings"):
        fx.SEWER_LOCAL_UNITLOADS([[str(joined / "training_table.csv")]], [[2]])


# --- NYC LL84 2016: real bills -----------------------------------------------------------------

def test_nyc_medians_come_out_beside_the_notice():
    t = nyc_local_unit_loads(pd.read_csv(NYC))
    rows = t.rows.set_index("use")
    office = rows.loc["Office"]
    assert office["status"] == "local" and office["n_buildings"] > 400
    # the sample town's office intensity (2.09 L/(m2 d) of water) was derived from this file
    assert abs(math.log(office["median_l_per_unit_day"] / (NON_RESIDENTIAL_INTENSITY["업무시설"][0] * 0.85))) < 0.1
    assert (office["ci_high_l_per_unit_day"] - office["ci_low_l_per_unit_day"]) < 0.2 * office["median_l_per_unit_day"]
    assert office["ministry_l_per_unit_day"] == lookup_use("F-01-00").litres_per_unit_day
    assert rows.loc["Multifamily Housing", "basis"] == "dwelling"
    assert t.counts["vacancy_judged_by"] == "occupancy" and t.counts["screened"] > 0
    enough = rows[rows["n_buildings"] >= 30]
    assert len(enough) >= 5 and np.isfinite(enough["ci_low_l_per_unit_day"]).all()
