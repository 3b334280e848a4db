"""The briefings' message catalogues (reporting/catalog/{ko,en}.yaml) and their accessor."""

import dataclasses
import io

import pytest
from markupsafe import escape  # what jinja's autoescape does

from sewerplan.model.outputs.results import example_bundle, example_scenario_section
from sewerplan.reporting import build_context, render_html
from sewerplan.model.planning.money.inputs import MoneyInputs
from sewerplan.model.outputs.results import BaselineTerm, BriefingSection, NewestCheck, ScheduleStep
from sewerplan.reporting import (catalog, council, council_money, council_plan, context, formatting, hearing, newest,
                                 population, scenario_section)
from sewerplan.reporting.catalog import CatalogError, keys, placeholders, text


def test_both_catalogues_have_the_same_keys_and_placeholders():
    ko, en = keys("ko"), keys("en")
    assert sorted(set(ko) - set(en)) == [] and sorted(set(en) - set(ko)) == []
    differ = {k: (sorted(placeholders("ko", k)), sorted(placeholders("en", k)))
              for k in ko if placeholders("ko", k) != placeholders("en", k)}
    assert differ == {}


def test_text_fills_placeholders_and_prints_values_literally():
    assert text("ko", "council.title", town="가온시") == "가온시 하수처리시설 용량 및 예산 검토 (의회 보고)"
    hostile = "{saving} {0} {{x}}"
    assert text("en", "hearing.contact", municipality=hostile) == f"Contact: sewerage department, {hostile}"


def test_unknown_key_language_or_missing_value_is_a_clear_error():
    with pytest.raises(CatalogError, match=r"en\.yaml: no sentence with key 'council\.sumary\.saving'"):
        text("en", "council.sumary.saving")
    with pytest.raises(CatalogError, match=r"key 'council\.title' needs value\(s\) town"):
        text("ko", "council.title", twon="가온시")
    with pytest.raises(CatalogError, match=r"needs value\(s\) level, n"):
        text("ko", "council.summary.request", town="1", capacity_m3="2")
    with pytest.raises(CatalogError, match="language 'fr'"):
        text("fr", "council.title", town="x")


def _variants():
    """Bundles that between them take every branch that chooses a sentence."""
    sc = example_scenario_section()
    no_ml = [dataclasses.replace(r, ml_p10_m3_per_day=None, ml_p50_m3_per_day=None, ml_p90_m3_per_day=None,
                                 ml_at_confidence_m3_per_day=None, probability_exceeded=None,
                                 probability_exceeded_by_year=None) for r in sc.capacity_by_year]
    sparse = example_bundle()
    sparse.households_by_size, sparse.planned_total.households, sparse.metadata.municipality = {}, 0.0, ""
    sparse.capacity.plant_m3_per_day = None
    forward = example_bundle()  # the pilot formula above the need: 'over'
    forward.capacity.pilot_formula_m3_per_day = 20000.0
    about = example_bundle(scenario=True)  # inside the interval; the plant never passed
    about.capacity.pilot_formula_m3_per_day, about.capacity.plant_m3_per_day = 12000.0, 30000.0
    forward_sc, about_no_sc = example_bundle(scenario=True), example_bundle()
    forward_sc.capacity.pilot_formula_m3_per_day, about_no_sc.capacity.pilot_formula_m3_per_day = 20000.0, 12000.0
    exact = example_bundle()  # enough calibration districts for the nominal level
    exact.capacity.interval_level, exact.capacity.n_calibration_districts = 0.9, 40
    exact.metadata.min_public_cell_buildings = 300  # the hearing merges small districts ...
    sparse.metadata.min_public_cell_buildings = 10_000  # ... or shows none
    given = example_bundle(scenario=True)  # every money input set by the city; a large plant, phasing cheaper
    given.capacity.recommended_m3_per_day = 30000.0
    given.finance.inputs = MoneyInputs(
        funding_structure="causer_and_subsidy", construction_cost_krw=6e10, design_supervision_rate=0.08, land_cost_krw=5e9, contingency_rate=0.1,
        national_share=0.5, provincial_share=0.1, causer_price_krw_per_m3_per_day=2.0e6, om_krw_per_m3=250.0,
        om_fixed_share=0.4, billed_sewage_m3_per_year=1e7, financing_rate=0.035, phase1_capacity_m3_per_day=13000.0)
    no_money = example_bundle()  # no finance section and no billed volume: the new town's sewage, no shares
    no_money.finance = None
    billed = example_bundle()  # no finance section, the bundle's billed volume
    billed.finance, billed.billed_volume_m3_per_day = None, 9000.0
    told = example_bundle(scenario=True, briefing=True)  # the city's texts; 'over', so the savings question
    told.capacity.pilot_formula_m3_per_day = 20000.0
    told.metadata.model_card.metrics = {"n_buildings": 3349, "n_districts": 8, "wape": 0.449, "sum_bias": 0.024,
                                        "district_median_ape": 0.097, "district_median_bias": 0.04,
                                        "interval_coverage": 0.9, "unknown_metric": 1.0}
    deadline_only = example_bundle()  # a deadline but no address; construction years without design years
    deadline_only.briefing = BriefingSection(opinion_deadline="2025-03-01",
                                             schedule=[ScheduleStep("construction", 2027, 2029)])
    deadline_only.metadata.model_card.trained_on_ko = ""  # the card's English line only: a Korean stand-in
    address_only = example_bundle()
    address_only.briefing = BriefingSection(opinion_to="가상시청 하수도과", site_plan="지하화")
    newest_over, newest_under, newest_same, newest_small = (example_bundle() for _ in range(4))
    checked = dict(checked=True, n_buildings=386, min_buildings=50, first_year=2018, last_year=2024, n_districts=4,
                   wape=0.4, district_median_ape=0.11, coverage_before=0.91, coverage_after=0.93, level_factor=0.93,
                   level_raw=0.92, level_sd_log=0.05, upper_widening=0.03)
    newest_over.metadata.model_card.newest_check = NewestCheck(**checked, total_ratio=1.09, per_type_total_ratio=1.2)
    newest_under.metadata.model_card.newest_check = NewestCheck(**checked, total_ratio=0.9, per_type_total_ratio=0.8)
    newest_same.metadata.model_card.newest_check = NewestCheck(**checked, total_ratio=1.005, per_type_total_ratio=1.0)
    newest_small.metadata.model_card.newest_check = NewestCheck(checked=False, n_buildings=12, min_buildings=50,
                                                                level_sd_log=0.2, upper_widening=0.31)
    return [
        newest_over, newest_under, newest_same, newest_small,
        given, no_money, billed, told, deadline_only, address_only, *_money_variants(),
        example_bundle(), forward, about, exact, forward_sc, about_no_sc,
        example_bundle(scenario=dataclasses.replace(sc, confidence=0.8)),
        example_bundle(scenario=dataclasses.replace(sc, ml_available=False, capacity_by_year=no_ml)),
        sparse,
    ]


def _money_variants():
    """Issue 22's branches: each funding structure and plant type, the city's plan smaller, the same or larger than
    the recommendation (with and without a small risk), the interim before opening, a release 0.2 fee base."""
    developer = example_bundle(scenario=True, briefing=True)  # the new-town default: the developer pays all
    developer.finance.inputs = MoneyInputs(plant_type="new_underground")
    developer.briefing = dataclasses.replace(developer.briefing, interim="가상 처리장", interim_capacity_m3_per_day=6000.0)
    moe = next(b for b in developer.baselines if b.method == "unit_load")  # persons from the notice's housing term
    moe.terms.append(BaselineTerm("housing", "주거 (1인 200 L)", "housing (200 L/person)", 4000.0, "m3/d"))
    city = example_bundle(scenario=True, briefing=True)  # city-funded, shares missing, the interim without its capacity
    city.finance.inputs = MoneyInputs(funding_structure="city_funded", plant_type="new_surface")
    city.briefing = dataclasses.replace(city.briefing, interim="가상 처리장")
    saved = example_bundle(scenario=True, briefing=True)  # the city's plan far above the need: money avoided,
    saved.capacity.master_plan_m3_per_day = 30000.0  # an underground site plan paid from it, the city's rest offered
    saved.finance.inputs = MoneyInputs(funding_structure="causer_and_subsidy", plant_type="new_underground",
                                       national_share=0.5, provincial_share=0.1, causer_basis="measured_need")
    same = example_bundle()  # the recommendation is the city's plan; the pilot formula is the city's plan
    same.capacity.city_plan_method = "pilot_formula"
    same.capacity.recommended_m3_per_day = same.capacity.pilot_formula_m3_per_day
    small = example_bundle()  # inside the range with a small shortfall risk (the nominal level attained)
    small.capacity.interval_level, small.capacity.n_calibration_districts = 0.9, 40
    small.capacity.master_plan_m3_per_day = 13400.0
    legacy = example_bundle()  # a release 0.2 section: the existing town's sewage as the fee base
    legacy.finance.fee_base_existing_m3_per_year = legacy.finance.fee_base_new_town_m3_per_year = 0.0
    legacy.finance.fee_base_origin, legacy.finance.fee_base_m3_per_year = "existing_billed_water", 2.7e6
    producer = example_bundle()  # a producer's own fee base without the new town
    producer.finance.fee_base_existing_m3_per_year = producer.finance.fee_base_new_town_m3_per_year = 0.0
    producer.finance.fee_base_origin, producer.finance.fee_base_m3_per_year = "시 하수도 부과량 2024년", 9e6
    return [developer, city, saved, same, small, legacy, producer]


def _no_drawing(figure, target, *args, **kwargs):
    """Figure.savefig without drawing: the charts' sentences are chosen before a figure is drawn."""
    target.write("<svg xmlns='http://www.w3.org/2000/svg'/>" if isinstance(target, io.StringIO) else b"")


def test_every_catalogue_sentence_is_used_by_a_briefing(monkeypatch):
    """Every branch of every briefing, text only: the contexts are built (every sentence chosen and filled, both
    kinds, both languages) without drawing a chart or rendering a page."""
    import matplotlib.figure

    used = set()

    def recording(lang, key, **values):
        used.add(key)
        return text(lang, key, **values)

    for module in (context, council, council_money, council_plan, hearing, scenario_section, formatting, population, newest):
        monkeypatch.setattr(module, "text", recording)
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", _no_drawing)
    for bundle in _variants():
        for kind in ("council", "hearing"):
            for lang in ("ko", "en"):
                build_context(kind, bundle, lang)
    briefing_keys = {k for k in keys("ko") if not k.startswith(tuple(f"{s}." for s in ONE_PAGE_SECTIONS))}
    assert sorted(briefing_keys - used) == []


# catalogue section -> the module of the one-page report that speaks it
ONE_PAGE_SECTIONS = {"local_loads_page": "local_loads.py", "monitoring_page": "monitoring.py"}


@pytest.mark.parametrize("section", sorted(ONE_PAGE_SECTIONS))
def test_every_sentence_of_a_one_page_report_is_named_by_its_module(section):
    from pathlib import Path

    import sewerplan.reporting

    source = (Path(sewerplan.reporting.__file__).parent / ONE_PAGE_SECTIONS[section]).read_text(encoding="utf-8")
    page_keys = [k.split(".", 1)[1] for k in keys("ko") if k.startswith(section + ".")]
    assert page_keys, section
    assert [k for k in page_keys if f'"{k}"' not in source] == []


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_notes_from_the_catalogue_are_printed_with_their_values(lang):
    bundle = example_bundle()
    ctx = build_context("council", bundle, lang)
    html = render_html("council", bundle, lang, context=ctx)
    for key in ("council.attachments_note",):
        assert escape(text(lang, key)) in html
    assert ctx["funding"]["billed"] in ctx["capacity_note"] and escape(ctx["capacity_note"]) in html
    assert text(lang, "unit.flow") in ctx["existing_note"] and "78%" in ctx["planned_note"]


def test_catalogue_is_loaded_once():
    catalog._catalog.cache_clear()
    for _ in range(3):
        text("ko", "common.banner")
    assert catalog._catalog.cache_info().misses == 1
