"""Plain data contexts for the two briefings (numbers, strings, lists; no HTML).

``council_context(bundle, lang)`` and ``hearing_context(bundle, lang)`` call the money model
(``sewerplan.model.planning.finance``) and format the results with ``reporting.filters``; the
templates only lay them out. Raw numbers are kept under ``numbers`` so tests can compare
what is printed with what the model computed.
"""

from __future__ import annotations

import base64
import datetime as _dt
from dataclasses import dataclass

from sewerplan.model.planning import finance
from sewerplan.model.outputs.results import ResultsBundle

from . import charts
from .filters import eok, eok_range, krw, pct, thousands

__all__ = ["FinanceOptions", "council_context", "hearing_context", "LANGS"]

LANGS = ("ko", "en")


@dataclass(frozen=True)
class FinanceOptions:
    """Money-model choices for a briefing (defaults and sources in ``finance.FINANCE_DEFAULTS``)."""

    curve: object = None  # CostCurve, a curve name or a unit cost [KRW/(m3/d)]; None = korea_2001_2025
    discount_rate: float | None = None  # [-/yr], default 0.045
    asset_life_years: float | None = None  # [yr], default 30
    causer_charge_krw_per_m3_per_day: float | None = None  # default: median of published prices
    return_ratio: float | None = None  # sewage / billed water, default 0.85


class _Fmt:
    """Language-dependent number formatting (units written the way each audience reads them)."""

    def __init__(self, lang: str):
        self.lang = lang

    def money(self, x, digits=0):
        if self.lang == "ko":
            return eok(x, digits)
        return f"KRW {thousands(x / 1e9, max(digits, 1))} bn"

    def money_range(self, lo, hi):
        if self.lang == "ko":
            return eok_range(lo, hi)
        return f"KRW {thousands(lo / 1e9, 1)}–{thousands(hi / 1e9, 1)} bn"

    def won(self, x):
        return krw(x) if self.lang == "ko" else f"KRW {thousands(x)}"

    def flow(self, x):
        return f"{thousands(x)} m³/{'일' if self.lang == 'ko' else 'd'}"

    def volume(self, x):
        """A daily amount after '하루'/'a day' in running text: '10,540 m³'."""
        return f"{thousands(x)} m³"

    def num(self, x, digits=0):
        return thousands(x, digits)

    def pct(self, x, digits=0):
        return pct(x, digits)

    def date(self, iso):
        d = _dt.date.fromisoformat(iso)
        return f"{d.year}년 {d.month}월 {d.day}일" if self.lang == "ko" else d.strftime("%d %B %Y")


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _check_lang(lang):
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r} / 언어는 ko 또는 en 이어야 합니다")


def _names(bundle: ResultsBundle, lang: str):
    m = bundle.metadata
    if lang == "en":
        return (m.town_name_en or m.town_name), (m.existing_town_name_en or m.existing_town_name), m.municipality
    return m.town_name, m.existing_town_name, m.municipality


# ------------------------------------------------------------------------------------------
# Money: one place that runs the finance model for both reports
# ------------------------------------------------------------------------------------------


def _money(bundle: ResultsBundle, opts: FinanceOptions) -> dict:
    c = bundle.capacity
    level = bundle.metadata.model_card.interval_level
    curve = finance._resolve_curve(opts.curve)
    savings = finance.sizing_savings(
        c.conventional_m3_per_day,
        c.p50_m3_per_day,
        c.upper_m3_per_day,
        recommended_capacity_m3_per_day=bundle.recommended_capacity_m3_per_day,
        level=level,
        curve=curve,
    )
    # Fees are billed on metered water, so the fee base is the town's water use behind its sewage.
    billed = bundle.billed_volume_m3_per_day or float(
        finance.billed_volume_from_sewage(bundle.planned_total.ml.day_average_m3_per_day, opts.return_ratio)
    )
    methods = [("conventional", c.conventional_m3_per_day)]
    if c.unit_load_m3_per_day:
        methods.append(("unit_load", c.unit_load_m3_per_day))
    methods += [("ml_p50", c.p50_m3_per_day), ("recommended", bundle.recommended_capacity_m3_per_day)]
    per_method = {}
    for key, cap in methods:
        capex = float(curve.cost(cap))
        per_method[key] = {
            "capacity": cap,
            "capex": capex,
            "capex_band": curve.cost_interval(cap, level),
            "fee": finance.fee_impact(
                capex, billed, discount_rate=opts.discount_rate, asset_life_years=opts.asset_life_years
            ),
        }
    saving_fee = finance.fee_impact(
        savings.capex_saving_krw, billed, discount_rate=opts.discount_rate, asset_life_years=opts.asset_life_years
    )
    cc_default = finance.default_causer_charge_unit_price()
    cc_price = opts.causer_charge_krw_per_m3_per_day or cc_default["krw_per_m3_per_day"]
    # By law the charge uses the MOE building-use unit loads (the unit-load method's day-max).
    cc_flow = bundle.planned_total.unit_load.day_max_m3_per_day
    cc = float(finance.causer_charge(cc_flow, cc_price))
    rec_capex = per_method["recommended"]["capex"]
    remainder = max(rec_capex - cc, 0.0)
    remainder_fee = finance.fee_impact(
        remainder, billed, discount_rate=opts.discount_rate, asset_life_years=opts.asset_life_years
    )
    return {
        "curve": curve,
        "level": level,
        "savings": savings,
        "billed_m3_per_day": billed,
        "per_method": per_method,
        "saving_fee": saving_fee,
        "causer_charge": cc,
        "causer_charge_low": float(finance.causer_charge(cc_flow, cc_default["min_krw_per_m3_per_day"])),
        "causer_charge_high": float(finance.causer_charge(cc_flow, cc_default["max_krw_per_m3_per_day"])),
        "causer_charge_flow": cc_flow,
        "causer_charge_price": cc_price,
        "causer_charge_default": cc_default,
        "remainder": remainder,
        "remainder_fee": remainder_fee,
        "tariff": finance.tariff_reference(),
        "discount_rate": saving_fee.discount_rate,
        "asset_life_years": saving_fee.asset_life_years,
    }


# ------------------------------------------------------------------------------------------
# Strings
# ------------------------------------------------------------------------------------------

_COMMON = {
    "ko": {
        "banner": "합성 표본 자료 — 실제 도시의 예측이 아닙니다 / synthetic sample data",
        "source_line": "자료",
        "created_label": "작성일",
        "page": "쪽",
        "methods": {
            "conventional": "관행 방식 (인구×원단위)",
            "unit_load": "환경부 고시 원단위",
            "ml": "실측 기반 예측 (ML)",
            "observed": "실측",
            "ml_p50": "ML 중앙값 (P50)",
            "recommended": "권고 용량 (ML 상한)",
        },
        "flow_unit": "m³/일",
    },
    "en": {
        "banner": "Synthetic sample data — not a forecast for a real town / 합성 표본 자료",
        "source_line": "Data",
        "created_label": "Date",
        "page": "page",
        "methods": {
            "conventional": "Conventional (population x unit)",
            "unit_load": "MOE unit loads",
            "ml": "Observed-data model (ML)",
            "observed": "Observed",
            "ml_p50": "ML central (P50)",
            "recommended": "Recommended (ML upper)",
        },
        "flow_unit": "m³/d",
    },
}


def _base(bundle: ResultsBundle, lang: str, kind: str) -> dict:
    _check_lang(lang)
    f = _Fmt(lang)
    town, existing, muni = _names(bundle, lang)
    m = bundle.metadata
    return {
        "lang": lang,
        "kind": kind,
        "town": town,
        "existing_town": existing,
        "municipality": muni,
        "created": f.date(m.created),
        "synthetic": m.synthetic,
        "data_source": m.data_source,
        "model_id": m.model_card.model_id,
        "version": m.sewerplan_version,
        **_COMMON[lang],
    }


# ------------------------------------------------------------------------------------------
# Council budget briefing
# ------------------------------------------------------------------------------------------


def council_context(bundle: ResultsBundle, lang: str = "ko", options: FinanceOptions | None = None) -> dict:
    """Context for the council budget briefing (2-4 A4 pages)."""
    opts = options or FinanceOptions()
    ctx = _base(bundle, lang, "council")
    f = _Fmt(lang)
    ko = lang == "ko"
    M = ctx["methods"]
    money = _money(bundle, opts)
    s = money["savings"]
    cap = bundle.capacity
    level_pct = pct(money["level"])
    tot = bundle.planned_total

    has_scenario = bundle.scenario is not None
    ctx["sec"] = {"scenario": 4, "funding": 5 if has_scenario else 4,
                  "assumptions": 6 if has_scenario else 5}
    ctx["title"] = (
        f"{ctx['town']} 하수처리시설 용량 및 예산 검토 (의회 보고)" if ko
        else f"{ctx['town']}: sewage treatment capacity and budget (council briefing)"
    )
    rec = bundle.recommended_capacity_m3_per_day
    if ko:
        ctx["summary"] = (
            f"{ctx['town']}의 하수처리시설을 하루 {f.volume(rec)} 규모로 확보하는 예산 승인을 요청합니다. "
            f"관행 방식({f.flow(cap.conventional_m3_per_day)})보다 {f.flow(s.capacity_difference_m3_per_day)} 작으며, "
            f"건설비는 약 {f.money(s.capex_saving_krw)} 절감됩니다 "
            f"(예측 구간 {level_pct} 기준 {f.money_range(s.capex_saving_low_krw, s.capex_saving_high_krw)}). "
            f"권고 용량은 {ctx['existing_town']} 실측 자료로 검증한 예측의 상한이며, 필요 용량이 이를 넘을 확률은 "
            f"약 {pct(s.probability_recommended_undersizes)}입니다. "
            f"절감액은 4인 가구 하수도요금으로 환산하면 월 약 {f.won(money['saving_fee'].households[3]['krw_per_month'])}에 해당합니다."
        )
        ctx["decision"] = (
            f"의결 요청: 하수처리시설 {f.flow(rec)} 건설비 약 {f.money(money['per_method']['recommended']['capex'])} "
            f"(원인자부담금 약 {f.money(money['causer_charge'])} 포함 재원 구성) 승인."
        )
    else:
        ctx["summary"] = (
            f"The council is asked to approve a budget for {f.flow(rec)} of sewage treatment capacity for {ctx['town']}. "
            f"This is {f.flow(s.capacity_difference_m3_per_day)} less than the conventional method "
            f"({f.flow(cap.conventional_m3_per_day)}) and saves about {f.money(s.capex_saving_krw)} of construction "
            f"cost ({f.money_range(s.capex_saving_low_krw, s.capex_saving_high_krw)} over the {level_pct} forecast interval). "
            f"The recommendation is the upper end of a forecast checked against observed data in {ctx['existing_town']}; "
            f"the chance that more capacity is needed is about {pct(s.probability_recommended_undersizes)}. "
            f"For a 4-person household the saving is worth about {f.won(money['saving_fee'].households[3]['krw_per_month'])} "
            f"a month of sewage fees."
        )
        ctx["decision"] = (
            f"Decision asked: approve about {f.money(money['per_method']['recommended']['capex'])} for {f.flow(rec)} "
            f"of treatment capacity, funded as set out in section {ctx['sec']['funding']} "
            f"(causer charge about {f.money(money['causer_charge'])})."
        )

    # 1. Existing town: does each method match what was observed?
    def err(x, obs):
        return f"{(x - obs) / obs * 100:+.0f}%" if obs else "–"

    ex_rows = []
    for r in list(bundle.existing) + [bundle.existing_total]:
        ex_rows.append({
            "district": r.district,
            "n": thousands(r.n_buildings),
            "observed": thousands(r.observed_m3_per_day),
            "conventional": thousands(r.conventional_m3_per_day),
            "conventional_err": err(r.conventional_m3_per_day, r.observed_m3_per_day),
            "unit_load": thousands(r.unit_load_m3_per_day),
            "unit_load_err": err(r.unit_load_m3_per_day, r.observed_m3_per_day),
            "ml": thousands(r.ml_m3_per_day),
            "ml_err": err(r.ml_m3_per_day, r.observed_m3_per_day),
            "total": r is bundle.existing_total,
        })
    ctx["existing_rows"] = ex_rows

    # 2. Planned town forecast
    pl_rows = []
    for r in list(bundle.planned) + [tot]:
        pl_rows.append({
            "district": r.district,
            "households": thousands(r.households),
            "population": thousands(r.population),
            "conventional_max": thousands(r.conventional.day_max_m3_per_day),
            "unit_load_max": thousands(r.unit_load.day_max_m3_per_day),
            "ml_avg": thousands(r.ml.day_average_m3_per_day),
            "ml_avg_range": f"{thousands(r.ml_lower.day_average_m3_per_day)}–{thousands(r.ml_upper.day_average_m3_per_day)}",
            "ml_max": thousands(r.ml.day_max_m3_per_day),
            "ml_max_range": f"{thousands(r.ml_lower.day_max_m3_per_day)}–{thousands(r.ml_upper.day_max_m3_per_day)}",
            "ml_hour": thousands(r.ml.hour_max_m3_per_day),
            "total": r is tot,
        })
    ctx["planned_rows"] = pl_rows

    # 3. Capacity, capex and fee impact by method
    cap_rows = []
    for key, d in money["per_method"].items():
        fee = d["fee"]
        cap_rows.append({
            "method": M[key],
            "key": key,
            "capacity": thousands(d["capacity"]),
            "capex": f.money(d["capex"]),
            "capex_band": f.money_range(*d["capex_band"]),
            "annual": f.money(fee.annual_cost_krw, 1),
            "krw_per_m3": thousands(fee.krw_per_m3),
            "hh": [thousands(h["krw_per_month"]) for h in fee.households],
            "pilot": thousands(fee.pilot_example["krw_per_month"]),
        })
    ctx["capacity_rows"] = cap_rows
    ctx["saving"] = {
        "capacity": f.flow(s.capacity_difference_m3_per_day),
        "capex": f.money(s.capex_saving_krw),
        "capex_p50": f.money(s.capex_saving_p50_krw),
        "capex_range": f.money_range(s.capex_saving_low_krw, s.capex_saving_high_krw),
        "p_conv_under": pct(s.probability_conventional_undersizes, 1),
        "p_rec_under": pct(s.probability_recommended_undersizes),
        "expansion_conv": f.money(s.expected_avoided_expansion_krw, 1),
        "expansion_rec": f.money(s.expected_recommended_expansion_krw, 1),
        "curve_band": f"×{s.curve_band[0]:.2f}–×{s.curve_band[1]:.2f}",
        "fee_hh": [f.won(h["krw_per_month"]) for h in money["saving_fee"].households],
        "fee_pilot": f.won(money["saving_fee"].pilot_example["krw_per_month"]),
        "fee_per_m3": f"{thousands(money['saving_fee'].krw_per_m3, 1)}",
        "level": level_pct,
    }

    # 4. Funding
    cc_def = money["causer_charge_default"]
    ctx["funding"] = {
        "capex": f.money(money["per_method"]["recommended"]["capex"]),
        "causer_charge": f.money(money["causer_charge"]),
        "causer_charge_range": f.money_range(money["causer_charge_low"], money["causer_charge_high"]),
        "causer_charge_flow": f.flow(money["causer_charge_flow"]),
        "causer_charge_price": f.won(money["causer_charge_price"]),
        "causer_price_range": f"{f.won(cc_def['min_krw_per_m3_per_day'])}–{f.won(cc_def['max_krw_per_m3_per_day'])}",
        "remainder": f.money(money["remainder"]),
        "remainder_per_m3": thousands(money["remainder_fee"].krw_per_m3),
        "remainder_4p": f.won(money["remainder_fee"].households[3]["krw_per_month"]),
        "tariff_nat": thousands(money["tariff"]["national_average_krw_per_m3"], 1),
        "tariff_cost": thousands(money["tariff"]["national_total_cost_krw_per_m3"], 1),
        "tariff_recovery": pct(money["tariff"]["national_cost_recovery"]),
        "tariff_year": money["tariff"]["national_year"],
        "billed": f.flow(money["billed_m3_per_day"]),
    }

    # 5. Assumptions and sources
    assumptions = []
    for p in bundle.metadata.parameters:
        assumptions.append({"name": (p.label_ko if ko and p.label_ko else p.name), "value": f"{p.value:g}",
                            "unit": p.unit, "source": p.source})
    for name, d in finance.FINANCE_DEFAULTS.items():
        if name == "interval_level":
            continue
        value = {"discount_rate": money["discount_rate"], "asset_life_years": money["asset_life_years"]}.get(name, d["value"])
        assumptions.append({"name": d["label_ko"] if ko else name, "value": f"{value:g}", "unit": d["unit"], "source": d["source"]})
    crv = money["curve"]
    assumptions.append({
        "name": (crv.label_ko or crv.name) if ko else f"cost curve {crv.name}",
        "value": f"{crv.coefficient_krw / 1e8:.3g}·Q^{crv.exponent:.3f}",
        "unit": "억원" if ko else "100M KRW",
        "source": crv.source,
    })
    assumptions.append({"name": "원인자부담금 단가" if ko else "causer charge unit price",
                        "value": thousands(money["causer_charge_price"]), "unit": "KRW/(m3/d)",
                        "source": f"{cc_def['choice']}; {cc_def['source']}"})
    t = money["tariff"]
    assumptions.append({"name": "전국 평균 하수도요금" if ko else "national average sewage tariff",
                        "value": thousands(t["national_average_krw_per_m3"], 1), "unit": "KRW/m3",
                        "source": f"{t['national_year']}: {t['national_source']}"})
    wu = finance.household_water_use_table()
    assumptions.append({"name": "가구원수별 물 사용량" if ko else "household water use by size",
                        "value": ", ".join(f"{int(r.household_size)}:{r.m3_per_month:.1f}" for r in wu.head(4).itertuples()),
                        "unit": "m3/month", "source": str(wu["source"].iloc[0])})
    ctx["assumptions"] = assumptions

    # 6. Model card
    card = bundle.metadata.model_card
    ctx["card"] = {
        "model_id": card.model_id,
        "trained_on": card.trained_on_ko if ko and card.trained_on_ko else card.trained_on,
        "n": thousands(card.n_training_buildings),
        "metrics": [{"name": k, "value": f"{v:.3g}"} for k, v in card.metrics.items()],
        "limits": card.limits_ko if ko and card.limits_ko else card.limits,
        "level": level_pct,
    }

    # Charts
    unit = ctx["flow_unit"]
    ex = bundle.existing
    ctx["chart_existing"] = _svg_uri(charts.existing_town_chart(
        [r.district for r in ex], [r.observed_m3_per_day for r in ex], [r.conventional_m3_per_day for r in ex],
        [r.unit_load_m3_per_day for r in ex], [r.ml_m3_per_day for r in ex],
        labels={k: M[k] for k in ("observed", "conventional", "unit_load", "ml")},
        ylabel=("일평균 오수량 " if ko else "day-average sewage ") + f"[{unit}]",
    ))
    labels, vals, los, his = [], [], [], []
    for key, d in money["per_method"].items():
        labels.append(M[key])
        vals.append(d["capacity"])
        if key == "ml_p50" and cap.lower_m3_per_day:
            los.append(cap.lower_m3_per_day)
            his.append(cap.upper_m3_per_day)
        else:
            los.append(None)
            his.append(None)
    ctx["chart_capacity"] = _svg_uri(charts.capacity_chart(
        labels, vals, los, his, ylabel=("처리용량 " if ko else "treatment capacity ") + f"[{unit}]",
        highlight=len(labels) - 1,
    ))

    # 4. Planning scenario (optional): capacity needed by year with the P10-P90 band
    ctx["scenario"] = _scenario_context(bundle.scenario, lang) if bundle.scenario is not None else None
    ctx["numbers"] = {
        "recommended_capacity_m3_per_day": rec,
        "conventional_capacity_m3_per_day": cap.conventional_m3_per_day,
        "capex_saving_krw": s.capex_saving_krw,
        "capex_recommended_krw": money["per_method"]["recommended"]["capex"],
        "saving_fee_4p_krw_per_month": money["saving_fee"].households[3]["krw_per_month"],
        "saving_fee_pilot_krw_per_month": money["saving_fee"].pilot_example["krw_per_month"],
        "causer_charge_krw": money["causer_charge"],
    }
    return ctx


# ------------------------------------------------------------------------------------------
# Council briefing: planning-scenario section
# ------------------------------------------------------------------------------------------

MAX_SCENARIO_COLUMNS = 11  # years shown in the table; longer runs show every k-th year and the last


def _prob(p) -> str:
    """A probability for the table: '<1%' / '>99%' rather than a misleading 0% / 100%."""
    if p is None:
        return "–"
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 < p < 1:
        return ">99%"
    return pct(p)


def _first_year(rows, values, limit):
    for r, v in zip(rows, values):
        if v is not None and v > limit:
            return r.year
    return None


def _scenario_context(sc, lang: str) -> dict:
    """Strings, table and chart of the scenario section (``ScenarioSection`` -> plain data)."""
    f = _Fmt(lang)
    ko = lang == "ko"
    rows = sc.capacity_by_year
    last = rows[-1]
    plant = sc.plant_capacity_m3_per_day
    conf = pct(sc.confidence)
    unit = _COMMON[lang]["flow_unit"]
    ml = sc.ml_available and last.ml_p50_m3_per_day is not None
    at_conf_is_p90 = abs(sc.confidence - 0.9) < 1e-9

    # table: years as columns (compact for a 2-4 page briefing)
    shown = list(range(len(rows)))
    if len(rows) > MAX_SCENARIO_COLUMNS:
        step = -(-len(rows) // (MAX_SCENARIO_COLUMNS - 1))
        shown = sorted(set(range(0, len(rows), step)) | {len(rows) - 1})
    sel = [rows[i] for i in shown]

    def line(label, values, cls="", digits=0):
        return {"label": label, "cls": cls,
                "cells": ["–" if v is None else thousands(v, digits) for v in values]}

    table = []
    if ml:
        table.append(line("ML P50" + (" (중앙값)" if ko else " (central)"), [r.ml_p50_m3_per_day for r in sel]))
        table.append(line("ML P90", [r.ml_p90_m3_per_day for r in sel], "rec" if at_conf_is_p90 else ""))
        if not at_conf_is_p90:
            table.append(line(f"ML {conf}" + (" 신뢰수준" if ko else " confidence"),
                              [r.ml_at_confidence_m3_per_day for r in sel], "rec"))
    table.append(line(_COMMON[lang]["methods"]["conventional"], [r.conventional_m3_per_day for r in sel]))
    table.append(line(_COMMON[lang]["methods"]["unit_load"], [r.unit_load_m3_per_day for r in sel]))
    if ml and plant is not None:
        table.append({"label": ("처리장 용량 초과 확률" if ko else "P(plant exceeded)"), "cls": "prob",
                      "cells": [_prob(r.probability_exceeded) for r in sel]})

    # lead: the final year and when the plant is exceeded
    y = last.year
    if ko:
        parts = [f"{y}년 필요 처리용량은 관행 방식 {f.flow(last.conventional_m3_per_day)}"]
        if ml:
            parts.append(f"ML 중앙값(P50) {f.flow(last.ml_p50_m3_per_day)}, "
                         f"신뢰수준 {conf} 기준 {f.flow(last.ml_at_confidence_m3_per_day)}")
        lead = ", ".join(parts) + "입니다."
    else:
        parts = [f"In {y} the capacity needed is {f.flow(last.conventional_m3_per_day)} by the conventional method"]
        if ml:
            parts.append(f"{f.flow(last.ml_p50_m3_per_day)} at the ML central estimate (P50) and "
                         f"{f.flow(last.ml_at_confidence_m3_per_day)} at {conf} confidence")
        lead = ", ".join(parts) + "."
    if plant is not None:
        yc = _first_year(rows, [r.conventional_m3_per_day for r in rows], plant)
        y50 = _first_year(rows, [r.ml_p50_m3_per_day for r in rows], plant) if ml else None
        yq = _first_year(rows, [r.ml_at_confidence_m3_per_day for r in rows], plant) if ml else None

        def when(year):
            if ko:
                return f"{year}년" if year else "넘지 않음"
            return str(year) if year else "not exceeded"

        if ko:
            lead += (f" 처리장 용량 {f.flow(plant)}을 넘는 해: 관행 방식 {when(yc)}"
                     + (f", ML P50 {when(y50)}, ML 신뢰수준 {conf} {when(yq)}" if ml else "") + ".")
            if ml and last.probability_exceeded_by_year is not None:
                lead += f" {y}년까지 처리장 용량을 넘을 확률은 {_prob(last.probability_exceeded_by_year)}입니다."
        else:
            lead += (f" Plant capacity {f.flow(plant)} is exceeded in: conventional {when(yc)}"
                     + (f", ML P50 {when(y50)}, ML at {conf} confidence {when(yq)}" if ml else "") + ".")
            if ml and last.probability_exceeded_by_year is not None:
                lead += f" The chance the plant is exceeded by {y} is {_prob(last.probability_exceeded_by_year)}."
    sims = thousands(sc.n_simulations) if sc.n_simulations else ""
    if ko:
        note = (f"필요 처리용량 = 일최대 오수량(침입수 포함) ÷ 가동률 {sc.utilisation:g} [{unit}]. "
                + (f"띠: ML P10–P90 (모의 {sims}회, 도시 전체 공통 오차와 건축물별 오차 반영). " if ml else
                   "ML 모델 없이 계산한 시나리오입니다. ")
                + "이 절은 단계별 준공과 가구원수 추세를 반영한 시나리오 계산이므로 3절의 권고 용량과 다를 수 있습니다.")
        title = f"계획 시나리오: 연도별 필요 처리용량 ({sc.name})"
    else:
        note = (f"Capacity needed = day-max sewage incl. infiltration / utilisation {sc.utilisation:g} [{unit}]. "
                + (f"Band: ML P10–P90 ({sims} simulations; shared town-wide error plus building errors). " if ml else
                   "Computed without an ML model. ")
                + "A scenario run with build-out phasing and the household-size trend, so it can differ from "
                  "the recommendation in section 3.")
        title = f"Planning scenario: capacity needed by year ({sc.name})"
    labels = ({"conventional": _COMMON[lang]["methods"]["conventional"], "unit_load": _COMMON[lang]["methods"]["unit_load"],
               "p50": "ML P50", "p90": "ML P90", "band": "ML P10–P90",
               "plant": "처리장 용량" if ko else "plant capacity"})
    chart = charts.scenario_chart(
        [r.year for r in rows], [r.conventional_m3_per_day for r in rows], [r.unit_load_m3_per_day for r in rows],
        [r.ml_p10_m3_per_day for r in rows] if ml else None, [r.ml_p50_m3_per_day for r in rows] if ml else None,
        [r.ml_p90_m3_per_day for r in rows] if ml else None, plant, labels=labels,
        ylabel=("필요 처리용량 " if ko else "capacity needed ") + f"[{unit}]",
    )
    return {
        "title": title,
        "name": sc.name,
        "description": sc.description,
        "lead": lead,
        "note": note,
        "years": [str(r.year) for r in sel],
        "table": table,
        "chart": _svg_uri(chart),
        "synthetic": sc.synthetic,
        "numbers": {"final_year": y, "final_p90_m3_per_day": last.ml_p90_m3_per_day,
                    "final_p50_m3_per_day": last.ml_p50_m3_per_day,
                    "final_conventional_m3_per_day": last.conventional_m3_per_day},
    }


# ------------------------------------------------------------------------------------------
# Public-hearing handout
# ------------------------------------------------------------------------------------------


def hearing_context(bundle: ResultsBundle, lang: str = "ko", options: FinanceOptions | None = None) -> dict:
    """Context for the public-hearing handout (1-2 pages, plain language, large type)."""
    opts = options or FinanceOptions()
    ctx = _base(bundle, lang, "hearing")
    f = _Fmt(lang)
    ko = lang == "ko"
    money = _money(bundle, opts)
    s = money["savings"]
    tot = bundle.planned_total
    rec = bundle.recommended_capacity_m3_per_day
    fee = money["saving_fee"]
    hh4 = fee.households[3]["krw_per_month"]
    pilot = fee.pilot_example["krw_per_month"]
    hbs = bundle.households_by_size
    small_share = (hbs.get("1", 0) + hbs.get("2", 0)) / sum(hbs.values()) if hbs and sum(hbs.values()) else None
    persons_per_hh = tot.population / tot.households if tot.households else None

    ctx["title"] = (f"{ctx['town']} 하수처리장, 이렇게 계획합니다" if ko
                    else f"{ctx['town']} sewage treatment plant: the plan")
    if ko:
        ctx["what"] = [
            f"{ctx['town']}에서 나올 생활하수를 처리하기 위해 하루 {f.volume(rec)}을 처리할 수 있는 시설을 준비합니다.",
            f"예상 하수량은 평소 하루 약 {f.volume(tot.ml.day_average_m3_per_day)}, 많은 날 약 {f.volume(tot.ml.day_max_m3_per_day)}입니다.",
            f"이 예측은 이웃한 {ctx['existing_town']}의 실제 상수도 사용량 자료로 맞는지 확인한 방법으로 만들었습니다.",
            f"예전 방식대로 계산하면 하루 {f.volume(bundle.capacity.conventional_m3_per_day)} 규모가 되어, 필요보다 크게 지을 가능성이 높습니다.",
        ]
        ctx["bill_lead"] = (
            f"알맞은 크기로 지으면 건설비를 약 {f.money(s.capex_saving_krw)} 줄일 수 있습니다. "
            f"이를 하수도요금으로 나누어 보면 4인 가구 기준 한 달에 약 {f.won(hh4)}, "
            f"한 달 24m³를 쓰는 가구(시범사업 예시)는 약 {f.won(pilot)}을 덜 부담하는 셈입니다."
        )
        ctx["bill_note"] = (
            f"계산 방법: 절감액을 {money['asset_life_years']:g}년, 할인율 {money['discount_rate'] * 100:g}%로 나누어 1년 비용으로 바꾸고, "
            f"신도시 전체 사용량으로 나누었습니다 (1m³당 약 {thousands(fee.krw_per_m3)}원). 가구별 사용량은 서울시 2021년 실측값입니다."
        )
        ctx["bill_labels"] = [f"{h['size']}인 가구 ({h['m3_per_month']:.0f}m³/월)" for h in fee.households] + ["시범사업 예시 (24m³/월)"]
        ctx["bill_unit"] = "원/월"
        ctx["odour"] = [
            "처리장이 알맞은 크기로 지어지면 설계한 만큼의 물이 들어와 처리 공정이 안정적으로 운영됩니다. "
            "너무 크게 지어 물이 적게 들어오면 물이 오래 머물며 냄새가 나기 쉽습니다.",
            "설비가 필요 이상으로 많지 않아 송풍기·펌프 소음과 전기 사용도 줄어듭니다.",
            "나중에 부족해지면 단계적으로 늘릴 수 있도록 부지를 남겨 둡니다.",
        ]
        qa = [
            ("가정과 공장의 하수는 어떻게 다르게 계산하나요?",
             "건축물마다 용도(아파트, 상가, 공장 등)와 면적, 세대수를 넣어 따로 계산합니다. "
             "공장은 업종에 따라 물 사용이 크게 달라 예측 폭을 더 넓게 잡았습니다."),
            ("신도시 인구는 몇 명으로 보았나요?",
             f"계획 세대 {thousands(tot.households)}세대, 인구 약 {thousands(tot.population)}명입니다"
             + (f" (세대당 {persons_per_hh:.2f}명)." if persons_per_hh else ".")),
            ("1~2인 가구가 많아지면 달라지나요?",
             "1인 가구는 한 사람이 쓰는 물이 더 많지만 가구 전체 사용량은 적습니다. 가구원 수별 실제 사용량을 반영했습니다"
             + (f" (신도시 1~2인 가구 비율 약 {pct(small_share)})." if small_share is not None else ".")),
            ("큰비가 오면 어떻게 되나요?",
             "신도시는 빗물관과 하수관을 따로 까는 분류식으로 계획합니다. 빗물은 처리장으로 들어오지 않고, "
             "관로로 스며드는 지하수만큼의 여유를 더해 계산했습니다."),
            ("이 예측은 어디에 쓰이나요?",
             "처리장과 하수관의 크기, 건설 예산, 원인자부담금과 하수도요금 검토에 쓰입니다. "
             "실제 입주가 시작되면 측정값으로 다시 확인합니다."),
        ]
        ctx["contact"] = f"문의: {ctx['municipality'] or '담당 부서'} 하수도 담당 부서"
    else:
        ctx["what"] = [
            f"{ctx['town']} needs a plant that can treat {f.flow(rec)} of household sewage.",
            f"Expected sewage: about {f.flow(tot.ml.day_average_m3_per_day)} on a normal day, about {f.flow(tot.ml.day_max_m3_per_day)} on a busy day.",
            f"The forecast method was checked against real water-meter data from the neighbouring {ctx['existing_town']}.",
            f"The conventional calculation would build {f.flow(bundle.capacity.conventional_m3_per_day)}, likely more than needed.",
        ]
        ctx["bill_lead"] = (
            f"Building the right size saves about {f.money(s.capex_saving_krw)} of construction cost. "
            f"Spread over sewage fees, that is about {f.won(hh4)} a month for a 4-person household, "
            f"and about {f.won(pilot)} for a household using 24 m³ a month (the pilot's example)."
        )
        ctx["bill_note"] = (
            f"Method: the saving is turned into a yearly cost over {money['asset_life_years']:g} years at a "
            f"{money['discount_rate'] * 100:g}% discount rate and divided by the town's billed water "
            f"(about KRW {thousands(fee.krw_per_m3)} per m³). Household use: Seoul 2021 meter study."
        )
        ctx["bill_labels"] = [f"{h['size']}-person ({h['m3_per_month']:.0f} m³/month)" for h in fee.households] + ["Pilot example (24 m³/month)"]
        ctx["bill_unit"] = "KRW/month"
        ctx["odour"] = [
            "A plant of the right size receives the flow it was designed for and runs steadily. "
            "An oversized plant receives too little flow; water stands longer and smells more easily.",
            "Fewer blowers and pumps than an oversized plant: less noise and less electricity.",
            "Land is kept free so the plant can be expanded in steps if the town grows more than expected.",
        ]
        qa = [
            ("Are homes and factories counted differently?",
             "Each building is estimated from its use (apartment, shop, factory...), floor area and households. "
             "Factories vary most, so their forecast range is wider."),
            ("What population is the new town planned for?",
             f"{thousands(tot.households)} households, about {thousands(tot.population)} people"
             + (f" ({persons_per_hh:.2f} per household)." if persons_per_hh else ".")),
            ("What about more 1-2 person households?",
             "One person alone uses more water per person, but a small household uses less in total. "
             "Measured use by household size is built in"
             + (f" (1-2 person households: about {pct(small_share)} of the new town)." if small_share is not None else ".")),
            ("What happens in heavy rain?",
             "The new town has separate storm sewers: rainwater does not go to the plant. "
             "An allowance is added for groundwater that seeps into sewers."),
            ("What is the estimate used for?",
             "Sizing the plant and sewers, the construction budget, the causer charge and the sewage fee. "
             "It is checked again with measurements once people move in."),
        ]
        ctx["contact"] = f"Contact: sewerage department, {ctx['municipality'] or 'the municipality'}"
    ctx["qa"] = [{"q": q, "a": a} for q, a in qa]
    values = [h["krw_per_month"] for h in fee.households] + [pilot]
    ctx["bill_rows"] = [{"label": lab, "value": f.won(v)} for lab, v in zip(ctx["bill_labels"], values)]
    ctx["numbers"] = {
        "recommended_capacity_m3_per_day": rec,
        "capex_saving_krw": s.capex_saving_krw,
        "saving_fee_4p_krw_per_month": hh4,
        "saving_fee_pilot_krw_per_month": pilot,
    }
    return ctx
