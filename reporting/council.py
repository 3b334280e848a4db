"""Council budget briefing: one function per section, each returning its part of the context.

Every section takes the results bundle, the money figures (``money.money_figures``) where it
needs them, and the language; sentences come from the catalogue (``catalog.text``).
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ResultsBundle
from sewerplan.model.design.baselines import MOE_SURVEY_CLAUSE
from sewerplan.model.design.parameters import parameter_table
from sewerplan.model.planning import finance

from . import charts
from .council_money import (capacity_rows, decision_line, fee_sentences, money_parameters, money_section,
                            phasing_rows, phasing_sentences, volume)
from .catalog import keys, placeholders, text
from .filters import pct, thousands
from .newest import evidence_phrase, newest_card_line, newest_paragraph
from .formatting import (METHOD_KEYS, Fmt, has_hangul, has_latin, in_lang, english_text, korean_text, level_words, method_labels, param_unit, param_value,
                         plant_origin, prob, svg_uri, town_names)

COMPARED = ("pilot_formula", "master_plan", "unit_load", "ml")

__all__ = [
    "section_numbers", "summary_section", "existing_town_section", "planned_town_section", "capacity_section",
    "funding_section", "assumptions_section", "model_card_section", "council_numbers",
]


def section_numbers(bundle: ResultsBundle) -> dict[str, int]:
    """Section numbers in print order; the optional scenario and schedule sections shift the ones after them."""
    order = ["overview", "existing", "planned", "alternatives"]
    order += ["scenario"] if bundle.scenario is not None else []
    order += ["funding"]
    order += ["schedule"] if bundle.briefing is not None and bundle.briefing.schedule else []
    order += ["risks", "qa", "assumptions"]
    return {key: i for i, key in enumerate(order, start=1)}


def _lead_values(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Formatted figures of the lead baseline's decision (the pilot formula by default)."""
    f, d, lead = Fmt(lang), money["decision"], money["lead"]
    return {
        "baseline": f.flow(lead.capacity_m3_per_day), "need": f.flow(d.need_p50_m3_per_day),
        "gap": f.flow(abs(lead.gap_m3_per_day)), "lower": thousands(d.need_lower_m3_per_day),
        "upper": thousands(d.need_upper_m3_per_day), "p_small": prob(lead.probability_too_small),
        "p_large": prob(lead.probability_too_large), "n": d.n_calibration_districts,
        "expansion": f.money(lead.expected_expansion_krw), "stranded": f.money(lead.stranded_capital_krw),
        "price_year": money["price_year"], "evidence": evidence_phrase(bundle, lang, d.n_calibration_districts),
    }


def _lead_sentences(bundle: ResultsBundle, money: dict, lang: str) -> list[str]:
    """The pilot formula against the need, worded by its direction, with the year and reference expansions."""
    lead, v = money["lead"], _lead_values(bundle, money, lang)
    out = [text(lang, f"council.summary.lead.{lead.direction}",
                **{k: v[k] for k in placeholders(lang, f"council.summary.lead.{lead.direction}")})]
    if lead.direction == "under" and lead.expansion_year:
        out.append(text(lang, "council.summary.year", year=lead.expansion_year))
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
    origin = plant_origin(c, lang)
    values = {"plant": f.flow(c.plant_m3_per_day), "origin": f"({origin})" if origin else ""}
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
                    n=d.n_calibration_districts, level=level_words(lang, d.level))]
    summary += _lead_sentences(bundle, money, lang)
    summary += [_others_sentence(money, lang), *_plant_sentence(bundle, lang), *fee_sentences(money, lang)]
    decision = decision_line(money, lang, sec, _lead_values(bundle, money, lang))
    return {"title": text(lang, "council.title", town=town), "summary": " ".join(summary), "decision": decision,
            "direction": lead.direction}


def _error(lang: str, x, obs) -> str:
    """Signed error observed - method [m3/d] in the pilot's signed form: '오차: +2,568톤' / 'error: +2,568 t'."""
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
            "chart_existing": svg_uri(chart), "newest_text": newest_paragraph(bundle, lang)}


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
    note = text(lang, "council.planned.note", unit=text(lang, "unit.flow"), level=level_words(lang, money["level"]),
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


def _baseline_label(b, lang: str) -> str:
    """A baseline's name; in Korean the method's plain name when the bundle's label holds English ('ML')."""
    label = in_lang(lang, b.label_en, b.label_ko)
    if lang == "ko" and has_latin(label) and b.method in METHOD_KEYS:
        return method_labels(lang)[b.method]
    return label


def _term_text(t, lang: str) -> str:
    """One term of a breakdown: label, value and unit ('세대당 인구 2.60 인/세대')."""
    label = in_lang(lang, t.label_en, t.label_ko)
    label = label.replace(" x ", " × ") if lang == "ko" else label
    return f"{label} {thousands(t.value, 0 if abs(t.value) >= 10 else 2)} {param_unit(lang, t.unit)}".rstrip(" –")


def _baseline_rows(bundle: ResultsBundle, lang: str) -> list[dict]:
    """The breakdown table: each method's town total [m3/d] and the terms it is made of."""
    return [{"method": _baseline_label(b, lang), "total": thousands(b.day_max_m3_per_day),
             "terms": [_term_text(t, lang) for t in b.terms]} for b in bundle.baselines]


def _level_note(money: dict, lang: str) -> str:
    """The interval's level as attained with the calibration districts (not the nominal 90%)."""
    d, nominal = money["decision"], 0.9
    key = "exact" if d.level >= nominal - 1e-9 else "attained"
    return text(lang, f"council.capacity.level.{key}", n=d.n_calibration_districts, level=level_words(lang, d.level),
                **({"nominal": pct(nominal)} if key == "attained" else {}))


def _curve_words(money: dict, lang: str) -> str:
    """The cost curve as a reader names it ('국내 하수처리장 증설 21건 ... 곡선' / 'cost curve (korea_real)')."""
    crv = money["curve"]
    return crv.label_ko if lang == "ko" and crv.label_ko else f"cost curve ({crv.name})"


def capacity_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """The alternatives: capacity by method (= design day-max), the decision per baseline, costs, phasing."""
    f, d = Fmt(lang), money["decision"]
    distribution = text(lang, "council.capacity.distribution", need=f.flow(d.need_p50_m3_per_day),
                        lower=thousands(d.need_lower_m3_per_day), upper=thousands(d.need_upper_m3_per_day),
                        trigger=pct(d.review_trigger), curve=_curve_words(money, lang))
    return {
        "capacity_rows": capacity_rows(money, lang),
        "baseline_rows": _baseline_rows(bundle, lang),
        "decision_rows": _decision_rows(money, lang),
        "decision_evidence": text(lang, "council.evidence.probabilities",
                                  evidence=evidence_phrase(bundle, lang, d.n_calibration_districts)),
        "decision_note": f"{distribution} {_level_note(money, lang)}",
        "capacity_note": text(lang, "council.capacity.note", price_year=money["price_year"],
                              rate=f.rate(money["financing_rate"]), years=f"{money['asset_life_years']:g}",
                              billed=volume(lang, money["billed_m3_per_year"])),
        "phasing": phasing_rows(money, lang),
        "phasing_text": phasing_sentences(money, lang),
    }


def funding_section(money: dict, lang: str) -> dict:
    """Funding: cost build-up, who pays, running cost and fees (``council_money.money_section``)."""
    return money_section(money, lang)


def _model_parameters(bundle: ResultsBundle, lang: str) -> list[dict]:
    """The design parameters the results were computed with, as recorded in the bundle."""
    known_ko = {row["name"]: row["source_ko"] for row in parameter_table()}
    rows = []
    for p in bundle.metadata.parameters:
        source = p.source if lang != "ko" else (p.source_ko or known_ko.get(p.name) or korean_text(p.source))
        rows.append({"name": in_lang(lang, p.name.replace("_", " "), p.label_ko), "value": param_value(lang, p.value, p.unit),
                     "unit": param_unit(lang, p.unit), "source": source})
    return rows


def _curve_row(money: dict, lang: str) -> dict:
    """The cost curve: what 10,000 m3/d costs on it [억원], and how it was fitted."""
    crv, price_year = money["curve"], money["price_year"]
    at_10k = crv.coefficient_krw * 10_000 ** crv.exponent
    source = text(lang, "council.assumptions.curve_source", n=crv.n_points, price_year=price_year,
                  doubling=f"{2 ** crv.exponent:.1f}") if crv.price_year else in_lang(lang, crv.source, crv.label_ko)
    return {"name": text(lang, "council.assumptions.cost_curve", label=in_lang(lang, crv.name, crv.label_ko)),
            "value": text(lang, "council.assumptions.curve_value", cost=Fmt(lang).money(at_10k)), "unit": "–",
            "source": source}


def _money_sources(money: dict, lang: str) -> list[dict]:
    """Cost curve, national tariff, the notice's clause on measured values and household water use, with sources."""
    t, wu = money["tariff"], finance.household_water_use_table()
    ko = lang == "ko"
    return [
        _curve_row(money, lang),
        {"name": text(lang, "council.assumptions.national_tariff"),
         "value": thousands(t["national_average_krw_per_m3"], 1), "unit": param_unit(lang, "KRW/m3"),
         "source": text(lang, "council.assumptions.tariff_source", year=t["national_year"]) if ko else
         f"{t['national_year']}: {t['national_source']}"},
        {"name": text(lang, "council.assumptions.moe_clause"), "value": "–", "unit": "–",
         "source": korean_text(MOE_SURVEY_CLAUSE) if ko else MOE_SURVEY_CLAUSE},
        {"name": text(lang, "council.assumptions.household_water_use"),
         "value": " · ".join(f"{r.m3_per_month:.1f}" for r in wu.head(4).itertuples()),
         "unit": param_unit(lang, "m3/month"),
         "source": text(lang, "council.assumptions.water_use_source") if ko else str(wu["source"].iloc[0])},
    ]


def assumptions_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Assumptions and sources: every parameter behind the numbers, with its unit and source."""
    rows = _model_parameters(bundle, lang) + money_parameters(money, lang) + _money_sources(money, lang)
    return {"assumptions": rows}


def _metric_text(lang: str, name: str, value: float) -> str | None:
    """One model-card metric in words; None for a metric the catalogue has no sentence for (left out in Korean)."""
    key = f"council.card.metric.{name}"
    if key not in keys(lang):
        return None if lang == "ko" else f"{name} = {value:.3g}"
    if name.startswith("n_"):
        shown = thousands(value)
    elif name in ("sum_bias", "district_median_bias"):
        shown = f"{value * 100:+.1f}%"
    elif name in ("wape", "district_median_ape", "interval_coverage"):
        shown = pct(value, 1)
    else:
        shown = f"{value:.3g}"
    return text(lang, key, value=shown)


def model_card_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Appendix: the model card in plain words, and the note on the files attached to the PDF."""
    card = bundle.metadata.model_card
    trained = card.trained_on_ko if lang == "ko" and card.trained_on_ko else (
        korean_text(card.trained_on) if lang == "ko" and has_hangul(card.trained_on) else
        text(lang, "council.card.trained_on", n=thousands(card.n_training_buildings)) if lang == "ko" else
        card.trained_on)
    limits = card.limits_ko if lang == "ko" and card.limits_ko else (
        [korean_text(x) for x in card.limits if has_hangul(x)] if lang == "ko" else [english_text(x) for x in card.limits])
    metrics = [m for m in (_metric_text(lang, k, v) for k, v in card.metrics.items()) if m]
    return {
        "card": {
            "model_id": card.model_id,
            "trained_on": trained,
            "n": text(lang, "council.card.buildings", n=thousands(card.n_training_buildings)),
            "metrics": "; ".join(metrics),
            "limits": limits,
            "level": level_words(lang, money["level"]),
            "newest": newest_card_line(bundle, lang),
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
