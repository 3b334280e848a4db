"""Council briefing: the money parts (decision line, fee sentences, cost by method, funding section).

Every amount is printed with its price year and basis, and with its range where the input has
one (the cost curve's spread, the O&M unit cost's range, the published causer prices, the
observed financing rates). Figures come from ``money.money_figures`` (a ``Budget``); sentences
from the catalogue; an input the user has not given prints as "입력 필요".
"""

from __future__ import annotations

from sewerplan.model.planning.money.funding import CAUSER_BASIS_EN, CAUSER_BASIS_KO
from sewerplan.model.planning.money.inputs import MONEY_INPUTS, USER_INPUT, USER_INPUT_KO

from .catalog import placeholders, text
from .filters import thousands
from .formatting import Fmt, in_lang, method_labels, param_unit, param_value, prob

__all__ = ["fee_base_text", "decision_line", "fee_sentences", "capacity_rows", "money_section", "money_parameters", "volume",
           "phasing_rows", "phasing_sentences", "investment_rows", "years_text"]

PER_M3 = {"ko": "원/m³", "en": "KRW/m³"}


def volume(lang: str, m3_per_year: float) -> str:
    """[m3/yr] -> '7,592,960 m³/년'."""
    return f"{thousands(m3_per_year)} {text(lang, 'unit.volume_year')}"


FEE_BASE_ORIGINS = ("existing_billed_water", "bundle_billed_volume", "new_town_ml", "input")


def fee_base_text(lang: str, origin: str) -> str:
    """Where the fee base came from, in words (a producer's own wording is printed as given)."""
    return text(lang, f"council.money.fee_base.{origin or 'input'}") if (origin or "input") in FEE_BASE_ORIGINS \
        else origin


def _or_missing(lang: str, value, fmt) -> str:
    return text(lang, "common.not_given") if value is None else fmt(value)


def _split(money: dict, lang: str) -> str:
    """'국비 ○, 도비 ○, 시비 ○(range), 원인자부담 ○' for the decision line."""
    f, b = Fmt(lang), money["budget"]
    s, lo, hi = b.funding, b.funding_low, b.funding_high
    gap = "" if lang == "ko" else " "
    city = f.money(s.city_krw) + (f"{gap}({f.money_range(lo.city_krw, hi.city_krw)})" if hi.city_krw > lo.city_krw else "")
    return text(lang, "council.decision.split", national=_or_missing(lang, s.national_krw, f.money),
                provincial=_or_missing(lang, s.provincial_krw, f.money), city=city,
                causer=f.money(s.causer_applied_krw))


def decision_line(money: dict, lang: str, sec: dict, values: dict) -> str:
    """The council format: 총사업비 ○억원 (국비 ○, 도비 ○, 시비 ○, 원인자부담 ○), with the reason by direction."""
    f, b, lead = Fmt(lang), money["budget"], money["lead"]
    p = b.project
    missing = ""
    if p.missing:
        items = "·".join(text(lang, f"council.money.item.{m}") for m in p.missing) if lang == "ko" else \
            ", ".join(text(lang, f"council.money.item.{m}") for m in p.missing)
        missing = text(lang, "council.decision.missing", items=items)
    key = f"council.decision.reason.{lead.direction}"
    reason = text(lang, key, **{k: values[k] for k in placeholders(lang, key)})
    return text(lang, "council.decision.line", capacity=f.flow(p.capacity_m3_per_day), total=f.money(p.total_krw),
                price_year=b.price_year, total_range=f.money_range(p.total_low_krw, p.total_high_krw),
                missing=missing, split=_split(money, lang), reason=reason, section=sec["funding"])


def _fee_basis(money: dict, lang: str) -> str:
    f, b = Fmt(lang), money["budget"]
    return text(lang, "council.summary.fee_basis", price_year=b.price_year, rate=f.rate(b.financing_rate),
                years=f"{money['asset_life_years']:g}", billed=volume(lang, b.billed_m3_per_year))


def fee_sentences(money: dict, lang: str) -> list[str]:
    """The lead direction's amount for a 4-person household, and the recommended plant's fee effect."""
    f, b, direction = Fmt(lang), money["budget"], money["lead"].direction
    fee4 = money["lead_fee"].household(4)
    values = {"fee_4p": f.won(fee4), "basis": _fee_basis(money, lang),
              "city_share": f.pct(b.funding.city_fraction_of_public),
              "fee_range": f.won_range(b.fee_low.household(4), b.fee_high.household(4))}
    key = f"council.summary.fee.{direction}"
    out = [text(lang, key, **{k: values[k] for k in placeholders(lang, key)})]
    if direction != "about_right":
        out.append(text(lang, "council.summary.plant_fee", krw_per_m3=thousands(b.fee.krw_per_m3),
                        range=f"{thousands(b.fee_low.krw_per_m3)}–{thousands(b.fee_high.krw_per_m3)}",
                        fee_4p=f.won(b.fee.household(4))))
    return out


def capacity_rows(money: dict, lang: str) -> list[dict]:
    """Each method's plant at the price year: construction (range), total, city's share, O&M, fee effect."""
    f, methods, rows = Fmt(lang), method_labels(lang), []
    for key, b in money["per_method"].items():
        p = b.project
        rows.append({
            "method": methods[key], "key": key, "capacity": thousands(p.capacity_m3_per_day),
            "capex": f.money(p.construction_krw),
            "capex_band": f.money_range(p.construction_low_krw, p.construction_high_krw),
            "total": f.money(p.total_krw), "city": f.money(b.funding.city_krw),
            "om": f.money(b.om.annual_krw, 1), "krw_per_m3": thousands(b.fee.krw_per_m3),
            "hh": [thousands(h["krw_per_month"]) for h in b.fee.households],
        })
    return rows


def _cost_rows(money: dict, lang: str) -> list[dict]:
    """Total project cost build-up [KRW]; items not entered print as input needed."""
    f, b = Fmt(lang), money["budget"]
    p, given = b.project, money["inputs"]
    construction = text(lang, "council.money.row.construction_curve", capacity=f.flow(p.capacity_m3_per_day)) if p.construction_origin == "curve" else \
        text(lang, "council.money.row.construction_input")
    band = f.money_range(p.construction_low_krw, p.construction_high_krw)

    def item(name, v):
        if v is None:
            label = text(lang, f"council.money.item.{name}")
            return label[:1].upper() + label[1:]
        return text(lang, f"council.money.row.{name}", rate=f.rate(v))
    total_range = f.money_range(p.total_low_krw, p.total_high_krw)
    return [
        {"label": construction, "value": f.money(p.construction_krw), "note": band if p.construction_low_krw <
         p.construction_high_krw else ""},
        {"label": item("design_supervision", given.design_supervision_rate),
         "value": _or_missing(lang, p.design_supervision_krw, f.money), "note": ""},
        {"label": text(lang, "council.money.row.land"), "value": _or_missing(lang, p.land_krw, f.money), "note": ""},
        {"label": item("contingency", given.contingency_rate),
         "value": _or_missing(lang, p.contingency_krw, f.money), "note": ""},
        {"label": text(lang, "council.money.row.total"), "value": f.money(p.total_krw), "note": total_range,
         "total": True},
    ]


def _pay_rows(money: dict, lang: str) -> list[dict]:
    """Who pays [KRW]: causer charge on its basis, national, provincial, city (with ranges)."""
    f, b = Fmt(lang), money["budget"]
    s, lo, hi, c = b.funding, b.funding_low, b.funding_high, b.causer
    d = c["default"]
    origin = text(lang, "council.money.causer_origin.input") if c["origin"] == "input" else text(
        lang, "council.money.causer_origin.default", low=f.won(d["min_krw_per_m3_per_day"]),
        high=f.won(d["max_krw_per_m3_per_day"]))

    def rng(a, z):
        return f.money_range(a, z) if a is not None and z is not None and z > a else ""
    causer_note = rng(c["low_krw"], c["high_krw"])
    if s.causer_applied_krw < s.causer_charge_krw:
        causer_note = f"{f.money(s.causer_charge_krw)} > {f.money(s.total_krw)}"
    return [
        {"label": text(lang, "council.money.row.causer", flow=f.flow(c["basis_m3_per_day"]),
                       price=f.won(c["krw_per_m3_per_day"]), origin=origin),
         "value": f.money(s.causer_applied_krw), "note": causer_note},
        {"label": text(lang, "council.money.row.national", share=_or_missing(lang, s.national_share, f.rate)),
         "value": _or_missing(lang, s.national_krw, f.money), "note": rng(lo.national_krw, hi.national_krw)},
        {"label": text(lang, "council.money.row.provincial", share=_or_missing(lang, s.provincial_share, f.rate)),
         "value": _or_missing(lang, s.provincial_krw, f.money), "note": rng(lo.provincial_krw, hi.provincial_krw)},
        {"label": text(lang, "council.money.row.city"), "value": f.money(s.city_krw),
         "note": rng(lo.city_krw, hi.city_krw), "total": True},
    ]


def _fee_rows(money: dict, lang: str) -> list[dict]:
    """Running cost and the fee effect on the billed volume, with ranges."""
    f, b = Fmt(lang), money["budget"]
    om, fee, lo, hi = b.om, b.fee, b.fee_low, b.fee_high
    years = text(lang, "council.money.years", years=f"{fee.years:g}")
    rate = f.rate(b.financing_rate) + (f" ({f.rate(b.financing_range[0])}–{f.rate(b.financing_range[1])})"
                                       if b.financing_range else "")
    per_m3 = PER_M3[lang]
    rows = [
        {"label": text(lang, "council.money.row.om_unit"), "value": f"{thousands(om.krw_per_m3)} {per_m3}",
         "note": f"{thousands(om.krw_per_m3_low)}–{thousands(om.krw_per_m3_high)}" if om.krw_per_m3_high >
         om.krw_per_m3_low else ""},
        {"label": text(lang, "council.money.row.om_annual", inflow=f.flow(om.inflow_m3_per_day)),
         "value": f.money(om.annual_krw, 1), "note": _range_or_blank(f, om.annual_low_krw, om.annual_high_krw)},
        {"label": text(lang, "council.money.row.billed"), "value": volume(lang, b.billed_m3_per_year),
         "note": fee_base_text(lang, b.fee_base_origin)},
        {"label": text(lang, "council.money.row.financing"), "value": f"{rate} · {years}", "note": ""},
        {"label": text(lang, "council.money.row.city_annual"), "value": f.money(fee.annual_capital_krw, 1),
         "note": _range_or_blank(f, lo.annual_capital_krw, hi.annual_capital_krw)},
        {"label": text(lang, "council.money.row.fee_capital"), "value": f"{thousands(fee.capital_krw_per_m3)} {per_m3}",
         "note": ""},
        {"label": text(lang, "council.money.row.fee_om"), "value": f"{thousands(fee.om_krw_per_m3)} {per_m3}",
         "note": ""},
        {"label": text(lang, "council.money.row.fee_total"), "value": f"{thousands(fee.krw_per_m3)} {per_m3}",
         "note": f"{thousands(lo.krw_per_m3)}–{thousands(hi.krw_per_m3)}", "total": True},
    ]
    rows += [{"label": text(lang, "council.money.row.household", size=h["size"], m3_per_month=f"{h['m3_per_month']:.1f}"),
              "value": f.won(h["krw_per_month"]), "note": f.won_range(lo.household(h["size"]), hi.household(h["size"]))}
             for h in fee.households]
    rows.append({"label": text(lang, "council.money.row.burden", years=f"{fee.years:g}"),
                 "value": f"{f.money(fee.annual_burden_krw, 1)} / {f.money(fee.period_burden_krw)}",
                 "note": f.money_range(lo.period_burden_krw, hi.period_burden_krw)})
    return rows


def _range_or_blank(f: Fmt, lo: float, hi: float) -> str:
    return f.money_range(lo, hi, 1) if hi > lo else ""


def _om_sentence(money: dict, lang: str) -> str:
    """What the plant's size changes in O&M: a point with the fixed share, else bounds (0 and 1)."""
    f, b, methods = Fmt(lang), money["budget"], method_labels(lang)
    om = b.om
    items = [text(lang, "council.money.om_item", method=methods["recommended"], value=f.money(om.annual_krw, 1))]
    for m, d in om.by_capacity.items():
        value = f.money(d["annual_krw"], 1) if d["annual_krw"] is not None else \
            f.money_range(*d["annual_bounds_krw"], 1)
        items.append(text(lang, "council.money.om_item", method=methods[m], value=value))
    joined = ", ".join(items)
    if om.fixed_share is None:
        return text(lang, "council.money.om_unknown", items=joined, price_year=b.price_year)
    return text(lang, "council.money.om_known", share=f.rate(om.fixed_share), items=joined)


def phasing_rows(money: dict, lang: str) -> list[dict]:
    """The two ways to build: at once or in two phases, with what each builds now and its present value [KRW]."""
    f, ph = Fmt(lang), money["budget"].phasing
    if ph is None:
        return []
    when = text(lang, "council.money.phasing_when", year=round(ph.expected_second_train_year)) \
        if ph.expected_second_train_year else ""
    return [
        {"label": text(lang, "council.alternatives.at_once"), "pv": f.money(ph.pv_at_once_krw),
         "now": text(lang, "council.alternatives.at_once_now", capacity=f.flow(ph.full_capacity_m3_per_day)),
         "second": text(lang, "council.alternatives.second_at_once"), "cheaper": ph.cheaper == "at_once"},
        {"label": text(lang, "council.alternatives.phased"), "pv": f.money(ph.pv_phased_krw),
         "now": text(lang, "council.alternatives.phased_now", phase1=f.flow(ph.phase1_capacity_m3_per_day),
                     second=f.flow(ph.second_train_m3_per_day)),
         "second": text(lang, "council.alternatives.second_phased", probability=prob(ph.probability_second_train),
                        when=when), "cheaper": ph.cheaper == "phased"},
    ]


def phasing_sentences(money: dict, lang: str) -> list[str]:
    f, b = Fmt(lang), money["budget"]
    ph = b.phasing
    if ph is None:
        return [text(lang, "council.money.phasing_none")]
    when = text(lang, "council.money.phasing_when", year=round(ph.expected_second_train_year)) \
        if ph.expected_second_train_year else ""
    verdict = text(lang, f"council.money.phasing_verdict.{ph.cheaper}", diff=f.money(abs(ph.pv_phased_krw -
                                                                                         ph.pv_at_once_krw)))
    return [text(lang, "council.money.phasing", phase1=f.flow(ph.phase1_capacity_m3_per_day), lead=f"{ph.lead_years:g}",
                 second=f.flow(ph.second_train_m3_per_day), years=f"{ph.analysis_years:g}",
                 rate=f.rate(ph.discount_rate), price_year=b.price_year, pv_phased=f.money(ph.pv_phased_krw),
                 full=f.flow(ph.full_capacity_m3_per_day), pv_once=f.money(ph.pv_at_once_krw),
                 probability=prob(ph.probability_second_train), when=when, verdict=verdict),
            text(lang, "council.money.phasing_spread")]


def _references(money: dict, lang: str) -> str:
    f, items = Fmt(lang), []
    for r in money["budget"].references:
        name = in_lang(lang, r["name_en"], r["name"])
        common = {"name": name, "reported": f.money(r["reported_krw"]), "start": r["start_year"], "end": r["end_year"]}
        if r["added_capacity_m3_per_day"]:
            items.append(text(lang, "council.money.reference_item", capacity_m3=thousands(r["added_capacity_m3_per_day"]),
                              curve=f.money(r["curve_krw"]), **common))
        else:
            items.append(text(lang, "council.money.reference_item_no_capacity", **common))
    return text(lang, "council.money.references", items="; ".join(items))


def _burden_sentence(money: dict, lang: str) -> list[str]:
    """The lead amount's city-wide burden, comparable to the pilot report's ~33억원."""
    direction = money["lead"].direction
    if direction == "about_right":
        return []
    f, fee = Fmt(lang), money["lead_fee"]
    return [text(lang, "council.money.burden_lead", what=text(lang, f"council.money.burden_what.{direction}"),
                 years=f"{fee.years:g}", total=f.money(fee.period_burden_krw), annual=f.money(fee.annual_burden_krw, 1))]


def money_section(money: dict, lang: str) -> dict:
    """Funding section: cost build-up, who pays, O&M and fees, phasing, reference expansions, tariff."""
    f, b, t = Fmt(lang), money["budget"], money["tariff"]
    rate_range = text(lang, "council.money.rate_range", low=f.rate(b.financing_range[0]),
                      high=f.rate(b.financing_range[1])) if b.financing_range else ""
    notes = [text(lang, "council.money.funding_rule", basis=CAUSER_BASIS_KO if lang == "ko" else CAUSER_BASIS_EN)]
    if b.funding.missing:
        notes.append(text(lang, "council.money.shares_missing"))
    fee_notes = [_om_sentence(money, lang), text(lang, "council.money.fee_note", rate=f.rate(b.financing_rate),
                                                 years=f"{b.fee.years:g}", rate_range=rate_range)]
    fee_notes += _burden_sentence(money, lang)
    tariff = {"label": text(lang, "council.money.row.tariff", year=t["national_year"]),
              "value": f"{thousands(t['national_average_krw_per_m3'], 1)} / {thousands(t['national_total_cost_krw_per_m3'], 1)}"
                       f" {PER_M3[lang]} / {f.pct(t['national_cost_recovery'])}", "note": ""}
    funding = {"price_year": b.price_year, "cost_rows": _cost_rows(money, lang), "pay_rows": _pay_rows(money, lang),
               "fee_rows": _fee_rows(money, lang) + [tariff], "pay_notes": notes, "fee_notes": fee_notes,
               "references": _references(money, lang),
               "billed": volume(lang, b.billed_m3_per_year)}
    return {"funding": funding, "funding_note": text(lang, "council.funding.note")}


def _used_value(name: str, money: dict, lang: str) -> str:
    """The value a money input took in this briefing: given, default, computed from data, or input needed."""
    b, inputs = money["budget"], money["inputs"]
    curve = b.curve.label_ko if lang == "ko" and b.curve.label_ko else b.curve.name
    computed = {"price_year": b.price_year, "cost_curve": curve, "causer_price_krw_per_m3_per_day":
                b.causer["krw_per_m3_per_day"], "om_krw_per_m3": b.om.krw_per_m3, "billed_sewage_m3_per_year":
                b.billed_m3_per_year, "construction_cost_krw": "–",
                "phase1_capacity_m3_per_day": b.phasing.phase1_capacity_m3_per_day if b.phasing else None}
    v = getattr(inputs, name)
    v = inputs.value(name) if v is None and name not in computed else (v if v is not None else computed[name])
    if name == "cost_curve" and v == b.curve.name:
        v = curve
    if v is None:
        return text(lang, "common.not_given")
    if isinstance(v, str) or name == "price_year":
        return str(v)
    return param_value(lang, v, MONEY_INPUTS[name].unit)


def money_parameters(money: dict, lang: str) -> list[dict]:
    """Every money input with the value used, its unit and source (or 'user input, no default')."""
    given = money["inputs"].given()
    rows = []
    for name, spec in MONEY_INPUTS.items():
        source = spec.source_ko if lang == "ko" and spec.source_ko else spec.source
        if name in given:
            reference = source.removeprefix(f"{USER_INPUT_KO}; ").removeprefix(f"{USER_INPUT}; ")
            source = text(lang, "council.assumptions.given", source=reference)
        value = _used_value(name, money, lang)
        if name == "cost_curve":  # a name, not a number: told in the source column, the value column stays short
            value, source = text(lang, "council.assumptions.curve_used"), f"{value}. {source}"
        rows.append({"name": in_lang(lang, spec.label_en, spec.label_ko), "value": value,
                     "unit": param_unit(lang, spec.unit), "source": source})
    return rows


def investment_rows(money: dict, briefing, lang: str) -> dict | None:
    """The yearly investment plan over the schedule's design and construction years (None without them)."""
    from sewerplan.model.planning.money.investment import yearly_investment

    build = briefing.step("construction") if briefing is not None else None
    if build is None:
        return None
    f, b = Fmt(lang), money["budget"]
    design = briefing.step("design")
    plan = yearly_investment(b.project, b.funding, (build.start, build.end),
                             (design.start, design.end) if design else None)

    def row(label, values, total=False):
        return {"label": label, "cells": [f.money(v) if v is not None else text(lang, "common.not_given")
                                          for v in values], "total": total}
    payers = ("causer", "national", "provincial", "city")
    rows = [row(str(y.year), [y.total_krw] + [getattr(y, f"{p}_krw") for p in payers]) for y in plan]
    s = b.funding
    rows.append(row(text(lang, "council.money.row.total"),
                    [b.project.total_krw, s.causer_applied_krw, s.national_krw, s.provincial_krw, s.city_krw], True))
    return {"rows": rows, "note": text(lang, "council.investment.note", price_year=b.price_year,
                                       construction=years_text(lang, build.start, build.end))}


def years_text(lang: str, start: int, end: int) -> str:
    """A schedule step's years: '2027년' or '2027–2028년' ('2027' / '2027–2028' in English)."""
    if start == end:
        return text(lang, "common.schedule.year", year=start)
    return text(lang, "common.schedule.years", start=start, end=end)
