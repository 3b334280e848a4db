"""Council budget briefing: one function per section, each returning its part of the context.

Every section takes the results bundle, the money figures (``money.money_figures``) where it
needs them, and the language; sentences come from the catalogue (``catalog.text``).
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ResultsBundle
from sewerplan.model.planning import finance

from . import charts
from .catalog import text
from .filters import pct, thousands
from .formatting import Fmt, in_lang, method_labels, svg_uri, town_names

__all__ = [
    "section_numbers", "summary_section", "existing_town_section", "planned_town_section", "capacity_section",
    "funding_section", "assumptions_section", "model_card_section", "council_numbers",
]


def section_numbers(bundle: ResultsBundle) -> dict[str, int]:
    """Numbers of the sections after section 3 (the optional scenario section shifts them)."""
    has_scenario = bundle.scenario is not None
    return {"scenario": 4, "funding": 5 if has_scenario else 4, "assumptions": 6 if has_scenario else 5}


def summary_section(bundle: ResultsBundle, money: dict, lang: str, sec: dict) -> dict:
    """Title, the summary paragraph and the decision asked of the council."""
    f, s = Fmt(lang), money["savings"]
    town, existing, _ = town_names(bundle, lang)
    rec = bundle.recommended_capacity_m3_per_day
    summary = [
        text(lang, "council.summary.request", town=town, capacity_m3=thousands(rec)),
        text(lang, "council.summary.saving", conventional=f.flow(bundle.capacity.conventional_m3_per_day),
             difference=f.flow(s.capacity_difference_m3_per_day), saving=f.money(s.capex_saving_krw),
             level=pct(money["level"]), saving_range=f.money_range(s.capex_saving_low_krw, s.capex_saving_high_krw)),
        text(lang, "council.summary.check", existing_town=existing,
             probability=pct(s.probability_recommended_undersizes)),
        text(lang, "council.summary.fee", fee_4p=f.won(money["saving_fee"].households[3]["krw_per_month"])),
    ]
    decision = text(lang, f"council.decision.funding_in_section_{sec['funding']}", capacity=f.flow(rec),
                    capex=f.money(money["per_method"]["recommended"]["capex"]),
                    causer_charge=f.money(money["causer_charge"]))
    return {"title": text(lang, "council.title", town=town), "summary": " ".join(summary), "decision": decision}


def _error(x, obs) -> str:
    """Signed error vs observed: '+23%'."""
    return f"{(x - obs) / obs * 100:+.0f}%" if obs else "–"


def existing_town_section(bundle: ResultsBundle, lang: str) -> dict:
    """Section 1: each method against the observed day-average sewage of the existing town [m3/d]."""
    rows = []
    for r in list(bundle.existing) + [bundle.existing_total]:
        rows.append({
            "district": r.district, "n": thousands(r.n_buildings), "observed": thousands(r.observed_m3_per_day),
            "conventional": thousands(r.conventional_m3_per_day),
            "conventional_err": _error(r.conventional_m3_per_day, r.observed_m3_per_day),
            "unit_load": thousands(r.unit_load_m3_per_day),
            "unit_load_err": _error(r.unit_load_m3_per_day, r.observed_m3_per_day),
            "ml": thousands(r.ml_m3_per_day), "ml_err": _error(r.ml_m3_per_day, r.observed_m3_per_day),
            "total": r is bundle.existing_total,
        })
    unit, methods, ex = text(lang, "unit.flow"), method_labels(lang), bundle.existing
    chart = charts.existing_town_chart(
        [r.district for r in ex], [r.observed_m3_per_day for r in ex], [r.conventional_m3_per_day for r in ex],
        [r.unit_load_m3_per_day for r in ex], [r.ml_m3_per_day for r in ex],
        labels={k: methods[k] for k in ("observed", "conventional", "unit_load", "ml")},
        ylabel=text(lang, "council.existing.chart_ylabel", unit=unit),
    )
    return {"existing_rows": rows, "existing_note": text(lang, "council.existing.note", unit=unit),
            "chart_existing": svg_uri(chart)}


def _range(lo, hi) -> str:
    return f"{thousands(lo)}–{thousands(hi)}"


def planned_town_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Section 2: the planned town's forecast by district [m3/d]."""
    tot, rows = bundle.planned_total, []
    for r in list(bundle.planned) + [tot]:
        rows.append({
            "district": r.district, "households": thousands(r.households), "population": thousands(r.population),
            "conventional_max": thousands(r.conventional.day_max_m3_per_day),
            "unit_load_max": thousands(r.unit_load.day_max_m3_per_day),
            "ml_avg": thousands(r.ml.day_average_m3_per_day),
            "ml_avg_range": _range(r.ml_lower.day_average_m3_per_day, r.ml_upper.day_average_m3_per_day),
            "ml_max": thousands(r.ml.day_max_m3_per_day),
            "ml_max_range": _range(r.ml_lower.day_max_m3_per_day, r.ml_upper.day_max_m3_per_day),
            "ml_hour": thousands(r.ml.hour_max_m3_per_day),
            "total": r is tot,
        })
    note = text(lang, "council.planned.note", unit=text(lang, "unit.flow"), level=pct(money["level"]))
    return {"planned_rows": rows, "planned_note": note}


def _capacity_rows(money: dict, lang: str) -> list[dict]:
    """Capacity [m3/d], capex [KRW] and fee impact [KRW/m3, KRW/month] of each sizing method."""
    f, methods, rows = Fmt(lang), method_labels(lang), []
    for key, d in money["per_method"].items():
        fee = d["fee"]
        rows.append({
            "method": methods[key], "key": key, "capacity": thousands(d["capacity"]),
            "capex": f.money(d["capex"]), "capex_band": f.money_range(*d["capex_band"]),
            "annual": f.money(fee.annual_cost_krw, 1), "krw_per_m3": thousands(fee.krw_per_m3),
            "hh": [thousands(h["krw_per_month"]) for h in fee.households],
            "pilot": thousands(fee.pilot_example["krw_per_month"]),
        })
    return rows


def _saving(money: dict, lang: str) -> dict:
    """The saving of the recommended size against the conventional one, and the risks of each."""
    f, s, fee = Fmt(lang), money["savings"], money["saving_fee"]
    return {
        "capacity": f.flow(s.capacity_difference_m3_per_day),
        "capex": f.money(s.capex_saving_krw),
        "capex_p50": f.money(s.capex_saving_p50_krw),
        "capex_range": f.money_range(s.capex_saving_low_krw, s.capex_saving_high_krw),
        "p_conv_under": pct(s.probability_conventional_undersizes, 1),
        "p_rec_under": pct(s.probability_recommended_undersizes),
        "expansion_conv": f.money(s.expected_avoided_expansion_krw, 1),
        "expansion_rec": f.money(s.expected_recommended_expansion_krw, 1),
        "curve_band": f"×{s.curve_band[0]:.2f}–×{s.curve_band[1]:.2f}",
        "fee_hh": [f.won(h["krw_per_month"]) for h in fee.households],
        "fee_pilot": f.won(fee.pilot_example["krw_per_month"]),
        "fee_per_m3": f"{thousands(fee.krw_per_m3, 1)}",
        "level": pct(money["level"]),
    }


def _capacity_chart(bundle: ResultsBundle, money: dict, lang: str) -> str:
    """Capacity by method, the ML P50 with its interval, the recommendation highlighted."""
    cap, methods = bundle.capacity, method_labels(lang)
    labels, vals, los, his = [], [], [], []
    for key, d in money["per_method"].items():
        labels.append(methods[key])
        vals.append(d["capacity"])
        band = key == "ml_p50" and cap.lower_m3_per_day
        los.append(cap.lower_m3_per_day if band else None)
        his.append(cap.upper_m3_per_day if band else None)
    ylabel = text(lang, "council.capacity.chart_ylabel", unit=text(lang, "unit.flow"))
    return svg_uri(charts.capacity_chart(labels, vals, los, his, ylabel=ylabel, highlight=len(labels) - 1))


def capacity_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Section 3: recommended capacity, capital cost and fee impact by method."""
    return {
        "capacity_rows": _capacity_rows(money, lang),
        "saving": _saving(money, lang),
        "capacity_note": text(lang, "council.capacity.note", billed=Fmt(lang).flow(money["billed_m3_per_day"])),
        "chart_capacity": _capacity_chart(bundle, money, lang),
    }


def funding_section(money: dict, lang: str) -> dict:
    """Funding: causer charge, the remainder to fund, and the national tariff for reference."""
    f, cc_def, tariff = Fmt(lang), money["causer_charge_default"], money["tariff"]
    funding = {
        "capex": f.money(money["per_method"]["recommended"]["capex"]),
        "causer_charge": f.money(money["causer_charge"]),
        "causer_charge_range": f.money_range(money["causer_charge_low"], money["causer_charge_high"]),
        "causer_charge_flow": f.flow(money["causer_charge_flow"]),
        "causer_charge_price": f.won(money["causer_charge_price"]),
        "causer_price_range": f"{f.won(cc_def['min_krw_per_m3_per_day'])}–{f.won(cc_def['max_krw_per_m3_per_day'])}",
        "remainder": f.money(money["remainder"]),
        "remainder_per_m3": thousands(money["remainder_fee"].krw_per_m3),
        "remainder_4p": f.won(money["remainder_fee"].households[3]["krw_per_month"]),
        "tariff_nat": thousands(tariff["national_average_krw_per_m3"], 1),
        "tariff_cost": thousands(tariff["national_total_cost_krw_per_m3"], 1),
        "tariff_recovery": pct(tariff["national_cost_recovery"]),
        "tariff_year": tariff["national_year"],
        "billed": f.flow(money["billed_m3_per_day"]),
    }
    return {"funding": funding, "funding_note": text(lang, "council.funding.note")}


def _model_parameters(bundle: ResultsBundle, lang: str) -> list[dict]:
    """The design parameters the results were computed with, as recorded in the bundle."""
    return [{"name": in_lang(lang, p.name, p.label_ko), "value": f"{p.value:g}", "unit": p.unit, "source": p.source}
            for p in bundle.metadata.parameters]


def _finance_parameters(money: dict, lang: str) -> list[dict]:
    """Money-model defaults (with the discount rate and asset life actually used)."""
    used = {"discount_rate": money["discount_rate"], "asset_life_years": money["asset_life_years"]}
    return [{"name": in_lang(lang, name, d["label_ko"]), "value": f"{used.get(name, d['value']):g}",
             "unit": d["unit"], "source": d["source"]}
            for name, d in finance.FINANCE_DEFAULTS.items() if name != "interval_level"]


def _money_sources(money: dict, lang: str) -> list[dict]:
    """Cost curve, causer-charge price, national tariff and household water use, with sources."""
    crv, cc_def, t = money["curve"], money["causer_charge_default"], money["tariff"]
    wu = finance.household_water_use_table()
    return [
        {"name": text(lang, "council.assumptions.cost_curve", label=in_lang(lang, crv.name, crv.label_ko)),
         "value": f"{crv.coefficient_krw / 1e8:.3g}·Q^{crv.exponent:.3f}", "unit": text(lang, "unit.cost_curve"),
         "source": crv.source},
        {"name": text(lang, "council.assumptions.causer_charge_price"),
         "value": thousands(money["causer_charge_price"]), "unit": "KRW/(m3/d)",
         "source": f"{cc_def['choice']}; {cc_def['source']}"},
        {"name": text(lang, "council.assumptions.national_tariff"),
         "value": thousands(t["national_average_krw_per_m3"], 1), "unit": "KRW/m3",
         "source": f"{t['national_year']}: {t['national_source']}"},
        {"name": text(lang, "council.assumptions.household_water_use"),
         "value": ", ".join(f"{int(r.household_size)}:{r.m3_per_month:.1f}" for r in wu.head(4).itertuples()),
         "unit": "m3/month", "source": str(wu["source"].iloc[0])},
    ]


def assumptions_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Assumptions and sources: every parameter behind the numbers, with its unit and source."""
    rows = _model_parameters(bundle, lang) + _finance_parameters(money, lang) + _money_sources(money, lang)
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
    return {
        "recommended_capacity_m3_per_day": bundle.recommended_capacity_m3_per_day,
        "conventional_capacity_m3_per_day": bundle.capacity.conventional_m3_per_day,
        "capex_saving_krw": money["savings"].capex_saving_krw,
        "capex_recommended_krw": money["per_method"]["recommended"]["capex"],
        "saving_fee_4p_krw_per_month": money["saving_fee"].households[3]["krw_per_month"],
        "saving_fee_pilot_krw_per_month": money["saving_fee"].pilot_example["krw_per_month"],
        "causer_charge_krw": money["causer_charge"],
    }
