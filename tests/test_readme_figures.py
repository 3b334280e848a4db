"""Issue 24: every figure the README states about the demo is re-derived from a demo run.

The shared ``full_demo`` fixture runs ``sewerplan demo`` exactly as ``make demo`` does; this file
reads README.md and checks, with its own arithmetic on the run's outputs:

- the district table (observed, each method, the signed error in t/d), row by row;
- the demo paragraph: every number it prints is one the run computed, formatted as the README
  writes it (m3/d, 억원 rounded, %, years), and the headline figures are where they belong;
- "How good is it?": the ML model's median and largest district error, how many districts are
  over 10%, and in how many the pilot formula falls short;
- that the PDF carries the attachment the README names.

When the demo's numbers change (a new model, new money inputs), this test fails and prints the
table as the run computed it, to paste into the README.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NUMBER = re.compile(r"(?<![\w.])[+-]?\d(?:[\d,]*\d)?(?:\.\d+)?")


def _section(start: str, end: str) -> str:
    return README[README.index(start):README.index(end, README.index(start))]


@pytest.fixture(scope="module")
def run(full_demo):
    out = full_demo.out_dir
    return (full_demo.summary, json.loads((out / "results.json").read_text(encoding="utf-8")))


def _table_rows(summary) -> list[str]:
    rows = []
    for r in summary["existing_town_districts"][:-1]:  # the last row is the town total
        cells = [f"{r['observed']:,.0f}"] + [f"{r[m]:,.0f} ({r[m + '_error_t_per_day']:+,.0f}t)"
                                             for m in ("pilot_formula", "master_plan", "unit_load", "ml")]
        rows.append(f"| {r['district']} | " + " | ".join(cells) + " |")
    return rows


def test_the_district_table_is_the_demos(run):
    summary, _ = run
    expected = _table_rows(summary)
    table = [ln for ln in _section("On the bundled sample (synthetic) the demo prints", "(day-average").splitlines()
             if ln.startswith("| ") and not ln.startswith("| district")]
    assert table == expected, "README table should read:\n" + "\n".join(expected)


def _eok(krw) -> set[str]:
    return {f"{krw / 1e8:,.0f}", f"{krw / 1e8:,.1f}"}


def _percent(p) -> set[str]:
    return {f"{100 * p:.0f}"} | ({"99"} if p > 0.99 else set()) | ({"1"} if p < 0.01 else set())


def _facts(summary, bundle, money) -> set[str]:
    """Every figure the run computed that the demo paragraph may print, as the README formats it:
    results.json (capacities, the decision rows, the money headline) and the papers' own money
    figures for it (``reporting.money.money_figures``: the comparison with the city's plan, the
    interim plant, phasing)."""
    cap, dec, fin = bundle["capacity"], bundle["decision"], bundle["finance"]
    h, inp = fin["headline"], fin["inputs"]
    facts = {f"{cap[k]:,.0f}" for k in cap if k.endswith("_m3_per_day") and cap[k]}
    facts |= {str(cap["n_calibration_districts"]), f"{fin['causer_basis_m3_per_day']:,.0f}",
              f"{100 * cap['interval_level']:.0f}", f"{fin['inflow_m3_per_day']:,.0f}",
              f"{fin['fee_base_m3_per_year']:,.0f}"}
    for r in dec["rows"] + [dec["recommended"]]:
        facts |= {f"{r['capacity_m3_per_day']:,.0f}", f"{abs(r['gap_m3_per_day']):,.0f}", str(r["expansion_year"])}
        facts |= _eok(r["expected_expansion_krw"]) | _eok(r["stranded_capital_krw"])
        facts |= _percent(r["probability_too_small"]) | _percent(r["probability_too_large"])
        facts |= _percent(r.get("probability_expansion") or 0) | _percent(r.get("hydraulic_margin") or 0)
    facts |= {str(h["price_year"]), f"{100 * h['financing_rate']:g}", f"{h['fee_krw_per_m3']:,.0f}"}
    facts |= {f"{v:,.0f}" for v in h["fee_household_krw_per_month"].values()} | {"4"}  # 4-person household
    for k in ("total_krw", "total_low_krw", "total_high_krw", "causer_charge_krw", "national_krw", "provincial_krw",
              "city_krw", "om_annual_krw", "developer_krw"):
        facts |= _eok(h.get(k) or 0)
    facts |= _eok(fin["measured_basis_m3_per_day"] * h["causer_price_krw_per_m3_per_day"])  # causer on the need
    facts |= _eok(h["pv_phased_krw"] - h["pv_at_once_krw"])
    facts |= {f"{100 * inp[k]:g}" for k in ("national_share", "provincial_share") if inp.get(k) is not None}
    facts |= {str(inp.get("asset_life_years") or 30)}  # the default asset life (docs/sources.md)
    compare, timeline = money["compare"], money["timeline"]
    facts |= {f"{compare['flow_m3_per_day']:,.0f}"} | _eok(compare["total_krw"])
    facts |= {str(timeline.opening_year), f"{timeline.interim_capacity_m3_per_day:,.0f}"}
    facts |= _percent(money["interim"]["probability"])
    facts.add("61")  # 하수도법 제61조제2항: the law the developer-pays structure rests on
    facts.add("2")
    return facts


def test_every_figure_of_the_demo_paragraph_is_computed_by_the_run(run):
    from sewerplan.model.outputs.results import ResultsBundle
    from sewerplan.reporting.money import money_figures

    summary, bundle = run
    money = money_figures(ResultsBundle.from_dict(bundle))
    paragraph = _section("(day-average m3/d; in brackets", "## Use it on your own data")
    paragraph = paragraph.split("(Every figure here")[0]
    printed = {n.lstrip("+-") for n in NUMBER.findall(paragraph.replace("m3/d", " ").replace("m3/yr", " "))}
    unknown = sorted(printed - _facts(summary, bundle, money))
    assert unknown == [], f"README figures the demo run did not compute: {unknown}"
    cap, dec = bundle["capacity"], bundle["decision"]
    flat = " ".join(paragraph.split())
    rows = {r["method"]: r for r in dec["rows"]}
    where = {"under": "below", "about_right": "inside", "over": "above"}  # the computed direction, never assumed
    lead = rows[dec["lead_method"]]
    assert f"its plant ({lead['capacity_m3_per_day']:,.0f} m3/d) is {where[lead['direction']]} the ML need's " \
           f"interval ({cap['lower_m3_per_day']:,.0f}-{cap['upper_m3_per_day']:,.0f}, P50 {cap['p50_m3_per_day']:,.0f}" in flat
    pilot, moe = rows["pilot_formula"], rows["unit_load"]
    assert f"The pilot formula ({pilot['capacity_m3_per_day']:,.0f}) stays as the pilot's evidence: " \
           f"{where[pilot['direction']]} the interval" in flat
    assert f"the MOE loads ({moe['capacity_m3_per_day']:,.0f}) are {where[moe['direction']]} the interval" in flat
    recommended = cap["recommended_m3_per_day"] or cap["upper_m3_per_day"]
    assert f"The recommendation is {recommended:,.0f} m3/d: {money['compare']['flow_m3_per_day']:,.0f} m3/d " \
           f"{'smaller' if money['compare']['relation'] == 'smaller' else 'larger'}" in flat
    level = f"{100 * cap['interval_level']:.0f}%"
    assert f"a level of {level} attained with {cap['n_calibration_districts']} calibration districts" in flat
    h = bundle["finance"]["headline"]
    assert f"total project cost about {h['total_krw'] / 1e8:,.0f}억원" in flat


def test_how_good_is_it_states_the_demos_district_errors(run):
    summary, _ = run
    rows = summary["existing_town_districts"][:-1]
    ml = sorted(abs(r["ml_error_t_per_day"]) / r["observed"] * 100 for r in rows)
    median = (ml[len(ml) // 2 - 1] + ml[len(ml) // 2]) / 2 if len(ml) % 2 == 0 else ml[len(ml) // 2]
    over = sum(e > 10 for e in ml)
    short = sum(r["pilot_formula_error_t_per_day"] > 0 for r in rows)
    text = " ".join(_section("## How good is it?", "- On real data").split())
    assert f"held-out district totals is {median:.1f}%" in text
    assert f"{over} of {len(rows)} districts are over 10%, the largest {ml[-1]:.1f}%" in text
    assert f"falls short in {short} of {len(rows)} districts" in text
    assert median == pytest.approx(summary["existing_town_median_abs_district_error_pct"]["ml"], abs=0.06)


def test_the_pdf_carries_the_attachment_the_readme_names(full_demo):
    from pypdf import PdfReader

    named = re.search(r"PDF/A-3 with `([^`]+)`\s+attached", README)
    assert named, "README should say which file the PDF/A-3 carries"
    pdf = full_demo.paths.get("council_pdf")
    if pdf is None or pdf.suffix != ".pdf":
        pytest.skip("no Pango here: the demo wrote the HTML briefing")
    assert named.group(1) in PdfReader(pdf).attachments
