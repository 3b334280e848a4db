"""Council budget briefing: one function per section, each returning its part of the context.

Every section takes the results bundle, the money figures (``money.money_figures``) where it
needs them, and the language; sentences come from the catalogue (``catalog.text``).
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ResultsBundle
from sewerplan.model.design.baselines import MOE_SURVEY_CLAUSE
from sewerplan.model.design.parameters import parameter_table
from sewerplan.model.planning.money import fees as finance

from . import charts
from .council_money import (capacity_rows, decision_line, fee_sentences, money_parameters, money_section,
                            phasing_rows, phasing_sentences, plant_type_label, volume)
from .catalog import keys, placeholders, text
from .filters import pct, thousands
from .newest import evidence_phrase, newest_card_line, newest_paragraph
from .formatting import (METHOD_KEYS, Fmt, has_hangul, has_latin, in_lang, english_text, korean_text, level_words, method_labels, param_unit, param_value,
                         plant_origin, prob, svg_uri, town_names)

COMPARED = ("pilot_formula", "master_plan", "unit_load", "ml")

__all__ = [
    "section_numbers", "summary_section", "existing_town_section", "planned_town_section", "capacity_section",
    "funding_section", "assumptions_section", "model_card_section", "council_numbers", "published_existing_section",
]


def section_numbers(bundle: ResultsBundle) -> dict[str, int]:
    """Section numbers in print order; the optional scenario and schedule sections shift the ones after them."""
    order = ["overview", "existing", "planned", "alternatives"]
    order += ["scenario"] if bundle.scenario is not None else []
    order += ["funding"]
    order += ["schedule"] if bundle.briefing is not None and bundle.briefing.schedule else []
    order += ["risks", "qa", "assumptions"]
    return {key: i for i, key in enumerate(order, start=1)}


def lead_values(money: dict, lang: str) -> dict:
    """The city's plan against the need: the figures its sentences print (every one a named field)."""
    figs, d, lead = money["figs"], money["decision"], money["lead"]
    return {
        "method": method_labels(lang)[lead.method],
        "baseline": figs.flow("lead.capacity_m3_per_day", lead.capacity_m3_per_day),
        "need": figs.flow("decision.need_p50_m3_per_day", d.need_p50_m3_per_day),
        "gap": figs.flow("lead.gap_m3_per_day", abs(lead.gap_m3_per_day)),
        "lower": thousands(d.need_lower_m3_per_day), "upper": thousands(d.need_upper_m3_per_day),
        "p_small": figs.prob("lead.probability_too_small", lead.probability_too_small),
        "p_large": figs.prob("lead.probability_too_large", lead.probability_too_large),
        "p_expansion": figs.prob("lead.probability_expansion", lead.probability_expansion),
        "margin": figs.share("budget.hydraulic_margin", money["budget"].hydraulic_margin),
        "threshold": figs.share("small_risk", money["small_risk"]), "n": d.n_calibration_districts,
        "expansion": figs.money("lead.expected_expansion_krw", lead.expected_expansion_krw, payer="public"),
        "stranded": figs.money("lead.stranded_capital_krw", lead.stranded_capital_krw),
        "price_year": money["price_year"],
        "evidence": evidence_phrase(money["newest"], lang, d.n_calibration_districts),
    }


def lead_key(money: dict) -> str:
    """The direction of the city's plan, with 'about_right_small' when its shortfall risk is below the threshold."""
    lead = money["lead"]
    if lead.direction == "about_right" and lead.probability_too_small < money["small_risk"]:
        return "about_right_small"
    return lead.direction


def _lead_sentences(bundle: ResultsBundle, money: dict, lang: str) -> list[str]:
    """The city's plan against the need (by its direction), then the recommendation explained against it."""
    v = lead_values(money, lang)
    key = f"council.summary.lead.{lead_key(money)}"
    out = [text(lang, key, **{k: v[k] for k in placeholders(lang, key)})]
    relation = money["compare"].get("relation", "none")
    if relation != "none":
        from .council_money import reason_values

        key = f"council.summary.compare.{relation}"
        values = reason_values(money, lang)
        out.append(text(lang, key, **{k: values[k] for k in placeholders(lang, key)}))
    return out


def _pilot_sentence(bundle: ResultsBundle, money: dict, lang: str) -> list[str]:
    """The pilot formula as the pilot's evidence (left out when it is the city's plan itself)."""
    pilot, lead = money["pilot"], money["lead"]
    if pilot is None or pilot.method == lead.method:
        return []
    figs, ex = money["figs"], bundle.existing_total
    return [text(lang, "council.summary.pilot", pilot=figs.flow("pilot.capacity_m3_per_day", pilot.capacity_m3_per_day),
                 direction=text(lang, f"common.direction.{pilot.direction}"),
                 p_small=figs.prob("pilot.probability_too_small", pilot.probability_too_small),
                 existing_gap=Fmt(lang).signed_tons(ex.observed_m3_per_day - ex.pilot_formula_m3_per_day))]


def _others_sentence(money: dict, lang: str) -> str:
    """The baselines neither the city's plan nor the pilot formula, each with its computed direction."""
    d, lead, methods = money["decision"], money["lead"], method_labels(lang)
    items = []
    for row in d.rows:
        if row.method in (lead.method, "pilot_formula"):
            continue
        direction = text(lang, f"common.direction.{row.direction}")
        if row.method == "unit_load":
            direction = f"{direction}; {text(lang, 'council.summary.unit_load_note')}"
        items.append(text(lang, "council.summary.other_item", method=methods[row.method],
                          capacity=Fmt(lang).flow(row.capacity_m3_per_day), direction=direction))
    return text(lang, "council.summary.others", items=", ".join(items)) if items else ""


def _plant_sentence(bundle: ResultsBundle, money: dict, lang: str) -> list[str]:
    """The plant compared with (an input), with its origin, and the year the need passes it (never before it opens)."""
    c, sc, timeline = bundle.capacity, bundle.scenario, money["timeline"]
    if c.plant_m3_per_day is None:
        return []
    origin = plant_origin(c, lang)
    values = {"plant": Fmt(lang).flow(c.plant_m3_per_day), "origin": f"({origin})" if origin else ""}
    year = None
    if sc is not None and sc.ml_available:
        year = next((r.year for r in sc.capacity_by_year
                     if r.ml_p50_m3_per_day is not None and r.ml_p50_m3_per_day > c.plant_m3_per_day), None)
    elif c.p50_m3_per_day > c.plant_m3_per_day:
        year = "–"
    if year is None:
        return [text(lang, "council.summary.plant.covered", **values)]
    if isinstance(year, int) and timeline is not None and timeline.opening_year is not None \
            and year <= timeline.opening_year:
        return [text(lang, "council.summary.plant.at_opening", **values, year=timeline.opening_year)]
    return [text(lang, "council.summary.plant.exceeded", **values, year=year)]


def summary_section(bundle: ResultsBundle, money: dict, lang: str, sec: dict) -> dict:
    """Title, the summary paragraph (who pays on page 1) and the decision asked of the council."""
    from .council_money import who_pays_sentence

    d, figs = money["decision"], money["figs"]
    town, _, _ = town_names(bundle, lang)
    rec = bundle.recommended_capacity_m3_per_day
    summary = [text(lang, "council.summary.request", town=town, capacity_m3=thousands(rec),
                    n=d.n_calibration_districts, level=figs.level("decision.level", d.level)),
               who_pays_sentence(money, lang)]
    summary += _lead_sentences(bundle, money, lang)
    summary += _pilot_sentence(bundle, money, lang) + fee_sentences(money, lang)
    return {"title": text(lang, "council.title", town=town), "summary": " ".join(summary),
            "decision": decision_line(money, lang, sec), "direction": money["lead"].direction}


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
    from .population import population_sentence

    note = text(lang, "council.planned.note", unit=text(lang, "unit.flow"), level=level_words(lang, money["level"]),
                n=bundle.capacity.n_calibration_districts, population=population_sentence(bundle, lang))
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
    d, nominal, figs = money["decision"], 0.9, money["figs"]
    key = "exact" if d.level >= nominal - 1e-9 else "attained"
    return text(lang, f"council.capacity.level.{key}", n=d.n_calibration_districts,
                level=figs.level("decision.level", d.level),
                **({"nominal": figs.share("decision.nominal_level", nominal)} if key == "attained" else {}))


def _curve_words(money: dict, lang: str) -> str:
    """The cost curve as a reader names it ('국내 하수처리장 증설 21건 ... 곡선' / 'cost curve (korea_real)')."""
    crv = money["curve"]
    return crv.label_ko if lang == "ko" and crv.label_ko else f"cost curve ({crv.name})"


def capacity_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """The alternatives: capacity by method (= design day-max), the decision per baseline, costs, phasing."""
    f, d, figs = Fmt(lang), money["decision"], money["figs"]
    distribution = text(lang, "council.capacity.distribution", need=f.flow(d.need_p50_m3_per_day),
                        lower=thousands(d.need_lower_m3_per_day), upper=thousands(d.need_upper_m3_per_day),
                        trigger=figs.share("decision.review_trigger", d.review_trigger),
                        margin=figs.share("budget.hydraulic_margin", money["budget"].hydraulic_margin),
                        curve=_curve_words(money, lang))
    return {
        "capacity_rows": capacity_rows(money, lang),
        "baseline_rows": _baseline_rows(bundle, lang),
        "decision_rows": _decision_rows(money, lang),
        "decision_evidence": text(lang, "council.evidence.probabilities",
                                  evidence=evidence_phrase(money["newest"], lang, d.n_calibration_districts)),
        "decision_note": " ".join([_others_sentence(money, lang), *_plant_sentence(bundle, money, lang), distribution,
                                   _level_note(money, lang)]).strip(),
        "capacity_note": text(lang, "council.capacity.note", price_year=money["price_year"],
                              plant_type=plant_type_label(lang, money["budget"].project.plant_type) or
                              _curve_words(money, lang),
                              rate=figs.share("budget.financing_rate", money["financing_rate"], None),
                              years=f"{money['asset_life_years']:g}", billed=volume(lang, money["billed_m3_per_year"])),
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
    from sewerplan.model.planning.money.costs import cost_projects

    source = text(lang, "council.assumptions.curve_source", n=crv.n_points, price_year=price_year,
                  total=len(cost_projects(price_year)), plant_type=plant_type_label(lang, crv.plant_type) or crv.name,
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
            "heading": text(lang, "council.card_heading"),
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
        "lead_method": lead.method, "lead_capacity_m3_per_day": lead.capacity_m3_per_day,
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
        "developer_krw": s.developer_krw, "funding_structure": s.structure, "plant_type": p.plant_type,
        "om_inflow_m3_per_day": b.om.inflow_m3_per_day,
        "om_annual_krw": b.om.annual_krw, "city_annual_capital_krw": fee.annual_capital_krw,
        "fee_krw_per_m3": fee.krw_per_m3, "fee_household_krw_per_month": {h["size"]: h["krw_per_month"]
                                                                          for h in fee.households},
        "city_annual_burden_krw": fee.annual_burden_krw, "billed_m3_per_year": b.billed_m3_per_year,
        "financing_rate": b.financing_rate,
        "pv_at_once_krw": b.phasing.pv_at_once_krw if b.phasing else None,
        "pv_phased_krw": b.phasing.pv_phased_krw if b.phasing else None,
    }


def published_existing_section(bundle: ResultsBundle, lang: str) -> dict:
    """Section 1 as published: the council paper is public too, so districts are printed as the hearing
    prints them, none covering fewer than ``metadata.min_public_cell_buildings`` buildings (small ones
    merged, unnamed; :func:`sewerplan.model.outputs.public_bundle.public_existing`), and the note says so."""
    import dataclasses

    from sewerplan.model.outputs.public_bundle import public_existing

    published = public_existing(bundle, lambda n: text(lang, "council.existing.other", n=n))
    section = existing_town_section(dataclasses.replace(bundle, existing=published.rows), lang)
    minimum = bundle.metadata.min_public_cell_buildings
    if published.suppressed:
        section["existing_note"] += " " + text(lang, "council.existing.suppressed", min=minimum)
    elif published.n_merged:
        section["existing_note"] += " " + text(lang, "council.existing.merged", min=minimum, n=published.n_merged)
    return section
