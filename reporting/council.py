"""Council budget briefing: one function per section, each returning its part of the context.

Every section takes the results bundle, the money figures (``money.money_figures``) where it
needs them, and the language; sentences come from the catalogue (``catalog.text``).
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ResultsBundle
from sewerplan.model.design.baselines import MOE_SURVEY_CLAUSE
from sewerplan.model.planning import finance

from . import charts
from .council_money import capacity_rows, decision_line, fee_sentences, money_parameters, money_section, volume
from sewerplan.model.planning.decision import reference_projects

from .catalog import placeholders, text
from .filters import pct, thousands
from .formatting import Fmt, prob, in_lang, method_labels, svg_uri, town_names

COMPARED = ("pilot_formula", "master_plan", "unit_load", "ml")

__all__ = [
    "section_numbers", "summary_section", "existing_town_section", "planned_town_section", "capacity_section",
    "funding_section", "assumptions_section", "model_card_section", "council_numbers",
]


def section_numbers(bundle: ResultsBundle) -> dict[str, int]:
    """Numbers of the sections after section 3 (the optional scenario section shifts them)."""
    has_scenario = bundle.scenario is not None
    return {"scenario": 4, "funding": 5 if has_scenario else 4, "assumptions": 6 if has_scenario else 5}


def _lead_values(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Formatted figures of the lead baseline's decision (the pilot formula by default)."""
    f, d, lead = Fmt(lang), money["decision"], money["lead"]
    return {
        "baseline": f.flow(lead.capacity_m3_per_day), "need": f.flow(d.need_p50_m3_per_day),
        "gap": f.flow(abs(lead.gap_m3_per_day)), "lower": thousands(d.need_lower_m3_per_day),
        "upper": thousands(d.need_upper_m3_per_day), "p_small": prob(lead.probability_too_small),
        "p_large": prob(lead.probability_too_large), "n": d.n_calibration_districts,
        "expansion": f.money(lead.expected_expansion_krw), "stranded": f.money(lead.stranded_capital_krw),
        "price_year": money["price_year"],
    }


def _lead_sentences(bundle: ResultsBundle, money: dict, lang: str) -> list[str]:
    """The pilot formula against the need, worded by its direction, with the year and reference expansions."""
    lead, v = money["lead"], _lead_values(bundle, money, lang)
    out = [text(lang, f"council.summary.lead.{lead.direction}",
                **{k: v[k] for k in placeholders(lang, f"council.summary.lead.{lead.direction}")})]
    if lead.direction == "under":
        if lead.expansion_year:
            out.append(text(lang, "council.summary.year", year=lead.expansion_year))
        f = Fmt(lang)
        items = [text(lang, "council.summary.reference_item", name=in_lang(lang, p.name_en, p.name),
                      cost=f.money(p.cost_krw), start=p.start_year, end=p.end_year) for p in reference_projects()]
        out.append(text(lang, "council.summary.references", projects=", ".join(items)))
    return out


def _others_sentence(money: dict, lang: str) -> str:
    """The master-plan method and the MOE unit loads, each with its computed direction."""
    f, d = Fmt(lang), money["decision"]
    values = {}
    for m in ("master_plan", "unit_load"):
        row = d.row(m)
        values[m] = f.flow(row.capacity_m3_per_day) if row else "–"
        values[f"{m}_direction"] = text(lang, f"common.direction.{row.direction}") if row else "–"
    return text(lang, "council.summary.others", **values)


def _plant_sentence(bundle: ResultsBundle, lang: str) -> list[str]:
    """The plant compared with (an input), with its origin, and the year the need passes it."""
    c, sc = bundle.capacity, bundle.scenario
    if c.plant_m3_per_day is None:
        return []
    f = Fmt(lang)
    values = {"plant": f.flow(c.plant_m3_per_day), "origin": c.plant_origin or "–"}
    year = None
    if sc is not None and sc.ml_available:
        year = next((r.year for r in sc.capacity_by_year
                     if r.ml_p50_m3_per_day is not None and r.ml_p50_m3_per_day > c.plant_m3_per_day), None)
    elif c.p50_m3_per_day > c.plant_m3_per_day:
        year = "–"
    if year is None:
        return [text(lang, "council.summary.plant.covered", **values)]
    return [text(lang, "council.summary.plant.exceeded", **values, year=year)]


def summary_section(bundle: ResultsBundle, money: dict, lang: str, sec: dict) -> dict:
    """Title, the summary paragraph and the decision asked of the council, worded by the computed direction."""
    d, lead = money["decision"], money["lead"]
    town, _, _ = town_names(bundle, lang)
    rec = bundle.recommended_capacity_m3_per_day
    summary = [text(lang, "council.summary.request", town=town, capacity_m3=thousands(rec),
                    n=d.n_calibration_districts, level=pct(d.level))]
    summary += _lead_sentences(bundle, money, lang)
    summary += [_others_sentence(money, lang), *_plant_sentence(bundle, lang), *fee_sentences(money, lang)]
    decision = decision_line(money, lang, sec, _lead_values(bundle, money, lang))
    return {"title": text(lang, "council.title", town=town), "summary": " ".join(summary), "decision": decision,
            "direction": lead.direction}


def _error(lang: str, x, obs) -> str:
    """Signed error observed - method in t/d, the pilot's form: '오차: +2,568t'."""
    return text(lang, "council.existing.error", error=f"{obs - x:+,.0f}")


def existing_town_section(bundle: ResultsBundle, lang: str) -> dict:
    """Section 1: each method against the observed day-average sewage of the existing town [m3/d]."""
    rows = []
    for r in list(bundle.existing) + [bundle.existing_total]:
        row = {"district": r.district, "n": thousands(r.n_buildings), "observed": thousands(r.observed_m3_per_day),
               "total": r is bundle.existing_total}
        for m in COMPARED:
            row[m] = thousands(getattr(r, f"{m}_m3_per_day"))
            row[f"{m}_err"] = _error(lang, getattr(r, f"{m}_m3_per_day"), r.observed_m3_per_day)
        rows.append(row)
    unit, methods, ex = text(lang, "unit.flow"), method_labels(lang), bundle.existing
    series = {"observed": [r.observed_m3_per_day for r in ex],
              **{m: [getattr(r, f"{m}_m3_per_day") for r in ex] for m in COMPARED}}
    chart = charts.existing_town_chart([r.district for r in ex], series, labels=methods,
                                       ylabel=text(lang, "council.existing.chart_ylabel", unit=unit))
    return {"existing_rows": rows, "existing_note": text(lang, "council.existing.note", unit=unit),
            "chart_existing": svg_uri(chart)}


def _range(lo, hi) -> str:
    return f"{thousands(lo)}–{thousands(hi)}"


def planned_town_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Section 2: the planned town's forecast by district [m3/d]; population from the run's households x pph."""
    tot, rows = bundle.planned_total, []
    for r in list(bundle.planned) + [tot]:
        rows.append({
            "district": r.district, "households": thousands(r.households), "population": thousands(r.population),
            **{f"{m}_max": thousands(getattr(r, m).day_max_m3_per_day) for m in COMPARED[:3]},
            "ml_avg": thousands(r.ml.day_average_m3_per_day),
            "ml_avg_range": _range(r.ml_lower.day_average_m3_per_day, r.ml_upper.day_average_m3_per_day),
            "ml_max": thousands(r.ml.day_max_m3_per_day),
            "ml_max_range": _range(r.ml_lower.day_max_m3_per_day, r.ml_upper.day_max_m3_per_day),
            "ml_hour": thousands(r.ml.hour_max_m3_per_day),
            "total": r is tot,
        })
    pph = tot.population / tot.households if tot.households else 0.0
    note = text(lang, "council.planned.note", unit=text(lang, "unit.flow"), level=pct(money["level"]),
                n=bundle.capacity.n_calibration_districts, persons_per_household=f"{pph:.2f}")
    return {"planned_rows": rows, "planned_note": note}


def _decision_rows(money: dict, lang: str) -> list[dict]:
    """Each baseline against the ML need: signed gap [t/d], direction, probabilities, expected costs."""
    f, methods, n = Fmt(lang), method_labels(lang), money["decision"].n_calibration_districts
    rows = []
    for r in money["decision"].rows:
        rows.append({
            "method": methods[r.method], "key": r.method, "direction": r.direction,
            "direction_text": text(lang, f"common.direction.{r.direction}"),
            "capacity": thousands(r.capacity_m3_per_day), "gap": f"{r.gap_m3_per_day:+,.0f}",
            "p_small": prob(r.probability_too_small), "p_large": prob(r.probability_too_large), "n": n,
            "expansion": f.money(r.expected_expansion_krw) if r.direction != "over" else "–",
            "year": r.expansion_year or "–",
            "stranded": f.money(r.stranded_capital_krw) if r.direction != "under" else "–",
            "stranded_fee": f.won(r.stranded_fee_4p_krw_per_month) if r.direction != "under" else "–",
        })
    return rows


def _baseline_rows(bundle: ResultsBundle, lang: str) -> list[dict]:
    """The breakdown table: each method's town total [m3/d] and the terms it is made of."""
    rows = []
    for b in bundle.baselines:
        terms = [f"{in_lang(lang, t.label_en, t.label_ko)} {thousands(t.value, 0 if abs(t.value) >= 10 else 2)} {t.unit}"
                 for t in b.terms]
        rows.append({"method": in_lang(lang, b.label_en, b.label_ko), "total": thousands(b.day_max_m3_per_day),
                     "terms": terms})
    return rows


def _level_note(money: dict, lang: str) -> str:
    """The interval's level as attained with the calibration districts (not the nominal 90%)."""
    d, nominal = money["decision"], 0.9
    key = "exact" if d.level >= nominal - 1e-9 else "attained"
    return text(lang, f"council.capacity.level.{key}", n=d.n_calibration_districts, level=pct(d.level),
                **({"nominal": pct(nominal)} if key == "attained" else {}))


def capacity_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Section 3: capacity by method (= design day-max), the breakdown, the decision per baseline, costs."""
    f, d = Fmt(lang), money["decision"]
    distribution = text(lang, "council.capacity.distribution", need=f.flow(d.need_p50_m3_per_day),
                        lower=thousands(d.need_lower_m3_per_day), upper=thousands(d.need_upper_m3_per_day),
                        trigger=pct(d.review_trigger), curve=d.curve_name)
    return {
        "capacity_rows": capacity_rows(money, lang),
        "baseline_rows": _baseline_rows(bundle, lang),
        "decision_rows": _decision_rows(money, lang),
        "decision_note": f"{distribution} {_level_note(money, lang)}",
        "capacity_note": text(lang, "council.capacity.note", price_year=money["price_year"], level=pct(0.9),
                              rate=f.rate(money["financing_rate"]), years=f"{money['asset_life_years']:g}",
                              billed=volume(lang, money["billed_m3_per_year"])),
    }


def funding_section(money: dict, lang: str) -> dict:
    """Funding: cost build-up, who pays, running cost and fees, phasing (``council_money.money_section``)."""
    return money_section(money, lang)


def _model_parameters(bundle: ResultsBundle, lang: str) -> list[dict]:
    """The design parameters the results were computed with, as recorded in the bundle."""
    return [{"name": in_lang(lang, p.name, p.label_ko), "value": f"{p.value:g}", "unit": p.unit, "source": p.source}
            for p in bundle.metadata.parameters]


def _money_sources(money: dict, lang: str) -> list[dict]:
    """Cost curve, causer-charge price, national tariff and household water use, with sources."""
    crv, t = money["curve"], money["tariff"]
    wu = finance.household_water_use_table()
    return [
        {"name": text(lang, "council.assumptions.cost_curve", label=in_lang(lang, crv.name, crv.label_ko)),
         "value": f"{crv.coefficient_krw / 1e8:.3g}·Q^{crv.exponent:.3f}", "unit": text(lang, "unit.cost_curve"),
         "source": crv.source},
        {"name": text(lang, "council.assumptions.national_tariff"),
         "value": thousands(t["national_average_krw_per_m3"], 1), "unit": "KRW/m3",
         "source": f"{t['national_year']}: {t['national_source']}"},
        {"name": text(lang, "council.assumptions.moe_clause"), "value": "–", "unit": "–",
         "source": MOE_SURVEY_CLAUSE},
        {"name": text(lang, "council.assumptions.household_water_use"),
         "value": ", ".join(f"{int(r.household_size)}:{r.m3_per_month:.1f}" for r in wu.head(4).itertuples()),
         "unit": "m3/month", "source": str(wu["source"].iloc[0])},
    ]


def assumptions_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Assumptions and sources: every parameter behind the numbers, with its unit and source."""
    rows = _model_parameters(bundle, lang) + money_parameters(money, lang) + _money_sources(money, lang)
    return {"assumptions": rows}


def model_card_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Appendix: the ML model card, and the note on the files attached to the PDF."""
    card = bundle.metadata.model_card
    return {
        "card": {
            "model_id": card.model_id,
            "trained_on": in_lang(lang, card.trained_on, card.trained_on_ko),
            "n": thousands(card.n_training_buildings),
            "metrics": [{"name": k, "value": f"{v:.3g}"} for k, v in card.metrics.items()],
            "limits": in_lang(lang, card.limits, card.limits_ko),
            "level": pct(money["level"]),
        },
        "attachments_note": text(lang, "council.attachments_note"),
    }


def council_numbers(bundle: ResultsBundle, money: dict) -> dict:
    """Raw numbers behind the printed ones (tests compare the two)."""
    lead = money["lead"]
    return {
        "recommended_capacity_m3_per_day": bundle.recommended_capacity_m3_per_day,
        "pilot_formula_capacity_m3_per_day": bundle.capacity.pilot_formula_m3_per_day,
        "direction": lead.direction,
        "gap_m3_per_day": lead.gap_m3_per_day,
        "expected_expansion_krw": lead.expected_expansion_krw,
        "stranded_capital_krw": lead.stranded_capital_krw,
        "lead_fee_4p_krw_per_month": money["lead_fee"].household(4),
        "n_calibration_districts": money["decision"].n_calibration_districts,
        **_money_numbers(money["budget"]),
    }


def _money_numbers(b) -> dict:
    """The headline money figures [KRW at the price year, KRW/m3, KRW/month] behind the printed ones."""
    p, s, fee = b.project, b.funding, b.fee
    return {
        "price_year": b.price_year, "construction_krw": p.construction_krw, "total_krw": p.total_krw,
        "total_low_krw": p.total_low_krw, "total_high_krw": p.total_high_krw,
        "capex_recommended_krw": p.construction_krw, "causer_charge_krw": s.causer_applied_krw,
        "national_krw": s.national_krw, "provincial_krw": s.provincial_krw, "city_krw": s.city_krw,
        "om_annual_krw": b.om.annual_krw, "city_annual_capital_krw": fee.annual_capital_krw,
        "fee_krw_per_m3": fee.krw_per_m3, "fee_household_krw_per_month": {h["size"]: h["krw_per_month"]
                                                                          for h in fee.households},
        "city_annual_burden_krw": fee.annual_burden_krw, "billed_m3_per_year": b.billed_m3_per_year,
        "financing_rate": b.financing_rate,
        "pv_at_once_krw": b.phasing.pv_at_once_krw if b.phasing else None,
        "pv_phased_krw": b.phasing.pv_phased_krw if b.phasing else None,
    }
