"""Council briefing: the money parts (who pays, decision line, fee sentences, cost by method, funding section).

Every amount is printed with its price year and basis, and with its range where the input has
one (the plant type's cost spread, the O&M unit cost's range, the published causer prices, the
observed financing rates). Figures come from ``money.money_figures`` (a ``Budget``) through the
figures registry (``money["figs"]``: every amount and probability a sentence prints is a named
field); sentences from the catalogue; an input the user has not given prints as "입력 필요".
"""

from __future__ import annotations

from sewerplan.model.planning.money.funding import CAUSER_BASES, funding_structure
from sewerplan.model.planning.money.inputs import CHOICES, MONEY_INPUTS, USER_INPUT, USER_INPUT_KO

from .catalog import placeholders, text
from .filters import thousands
from .formatting import Fmt, in_lang, method_labels, param_unit, param_value, prob

__all__ = ["fee_base_text", "who_pays_sentence", "decision_line", "fee_sentences", "capacity_rows", "money_section",
           "money_parameters", "volume", "phasing_rows", "phasing_sentences", "investment_rows", "years_text",
           "payer_words", "structure_values", "plant_type_label"]

PER_M3 = {"ko": "원/m³", "en": "KRW/m³"}


def volume(lang: str, m3_per_year: float) -> str:
    """[m3/yr] -> '7,592,960 m³/년'."""
    return f"{thousands(m3_per_year)} {text(lang, 'unit.volume_year')}"


FEE_BASE_ORIGINS = ("billed_water_with_new_town", "existing_sewage_legacy", "new_town_ml", "input")


def fee_base_text(lang: str, origin: str) -> str:
    """Where the fee base came from, in words (a producer's own wording is printed as given)."""
    return text(lang, f"council.money.fee_base.{origin or 'input'}") if (origin or "input") in FEE_BASE_ORIGINS \
        else origin


def plant_type_label(lang: str, key: str) -> str:
    """The plant type in words ('지하 신설'); '' for a curve of no type (the city's own)."""
    return text(lang, f"common.plant_type.{key}") if key in CHOICES["plant_type"] else ""


def _or_missing(lang: str, value, fmt) -> str:
    return text(lang, "common.not_given") if value is None else fmt(value)


def payer_words(money: dict, lang: str, name: str, by_payer: dict) -> str:
    """Whose money an amount is: '사업시행자' when one payer pays it all, else '사업시행자 63억원, 시 16억원'."""
    figs, parts = money["figs"], [(p, v) for p, v in by_payer.items() if v > 0.5]
    if len(parts) == 1:
        return text(lang, f"common.payer_money.{parts[0][0]}")
    if not parts:
        return text(lang, "common.payer_money.none")
    return ", ".join(text(lang, "common.payer_part", payer=text(lang, f"common.payer_money.{p}"),
                          amount=figs.money(f"{name}.{p}", v, payer=p)) for p, v in parts)


def structure_values(money: dict, lang: str, prefix: str = "budget.funding") -> dict:
    """The split's amounts as registered figures: developer, national, provincial, city (and the total)."""
    figs, b = money["figs"], money["budget"]
    s = b.funding
    return {"total": figs.money("budget.project.total_krw", b.project.total_krw),
            "developer": figs.money(f"{prefix}.developer_krw", s.developer_krw, payer="developer"),
            "national": _or_missing(lang, s.national_krw, lambda v: figs.money(f"{prefix}.national_krw", v,
                                                                                 payer="national")),
            "provincial": _or_missing(lang, s.provincial_krw, lambda v: figs.money(f"{prefix}.provincial_krw", v,
                                                                                     payer="provincial")),
            "city": figs.money(f"{prefix}.city_krw", s.city_krw, payer="city")}


def who_pays_sentence(money: dict, lang: str) -> str:
    """Who pays the plant, in one sentence by the funding structure (page 1)."""
    key = f"council.summary.who_pays.{money['budget'].structure}"
    values = structure_values(money, lang)
    return text(lang, key, **{k: values[k] for k in placeholders(lang, key)})


def _split(money: dict, lang: str) -> str:
    key = f"council.decision.split.{money['budget'].structure}"
    values = structure_values(money, lang)
    return text(lang, key, **{k: values[k] for k in placeholders(lang, key)})


def reason_values(money: dict, lang: str) -> dict:
    """The recommended plant against the city's plan: the figures a sentence about it prints."""
    figs, c, lead, rec = money["figs"], money["compare"], money["lead"], money["recommended"]
    out = {"baseline": figs.flow("lead.capacity_m3_per_day", lead.capacity_m3_per_day),
           "flow": figs.flow("compare.flow_m3_per_day", c.get("flow_m3_per_day", 0.0)),
           "expansion": figs.money("lead.expected_expansion_krw", lead.expected_expansion_krw, payer="public"),
           "reduced": figs.money("compare.expansion_reduced_krw", c.get("expansion_reduced_krw", 0.0), payer="public"),
           "rec_p_small": figs.prob("recommended.probability_too_small", rec.probability_too_small),
           "rec_expansion": figs.money("recommended.expected_expansion_krw", rec.expected_expansion_krw,
                                       payer="public")}
    if c.get("relation") == "larger":
        out["extra"] = figs.money("compare.extra_krw", c["total_krw"], payer=c["payer"])
        out["payer"] = payer_words(money, lang, "compare.extra_krw", c["by_payer"])
    elif c.get("relation") == "smaller":
        out["avoided"] = figs.money("avoided.total_krw", c["total_krw"], payer=c["payer"])
        out["payer"] = payer_words(money, lang, "avoided.total_krw", c["by_payer"])
    return out


def decision_line(money: dict, lang: str, sec: dict) -> str:
    """The council format: 총사업비 ○억원 (who pays), with the recommendation against the city's plan."""
    figs, b = money["figs"], money["budget"]
    p = b.project
    missing = ""
    if p.missing:
        joiner = "·" if lang == "ko" else ", "
        missing = text(lang, "council.decision.missing",
                       items=joiner.join(text(lang, f"council.money.item.{m}") for m in p.missing))
    relation = money["compare"].get("relation", "same")
    key = f"council.decision.reason.{relation if relation != 'none' else 'same'}"
    values = reason_values(money, lang)
    reason = text(lang, key, **{k: values[k] for k in placeholders(lang, key)})
    return text(lang, "council.decision.line", capacity=figs.flow("budget.project.capacity_m3_per_day",
                                                                  p.capacity_m3_per_day),
                total=figs.money("budget.project.total_krw", p.total_krw), price_year=b.price_year,
                total_range=figs.money_range("budget.project.total_range", p.total_low_krw, p.total_high_krw),
                missing=missing, split=_split(money, lang), reason=reason, section=sec["funding"])


def _fee_basis(money: dict, lang: str) -> str:
    figs, b = money["figs"], money["budget"]
    return text(lang, "council.summary.fee_basis", price_year=b.price_year,
                rate=figs.share("budget.financing_rate", b.financing_rate, None),
                years=f"{money['asset_life_years']:g}", billed=volume(lang, b.billed_m3_per_year))


def fee_kind(money: dict) -> str:
    """'with_city' when the city pays part of the plant's capital, else 'om_only'."""
    return "with_city" if money["budget"].funding.city_krw > 0.5 else "om_only"


def fee_sentences(money: dict, lang: str) -> list[str]:
    """The recommended plant's fee effect: per m3 and for a 4-person household, with its range and basis."""
    figs, b = money["figs"], money["budget"]
    return [text(lang, f"council.summary.plant_fee.{fee_kind(money)}",
                 krw_per_m3=figs.won("budget.fee.krw_per_m3", b.fee.krw_per_m3),
                 range=figs.won_range("budget.fee.krw_per_m3_range", b.fee_low.krw_per_m3, b.fee_high.krw_per_m3),
                 fee_4p=figs.won("budget.fee.household_4", b.fee.household(4)), basis=_fee_basis(money, lang))]


def capacity_rows(money: dict, lang: str) -> list[dict]:
    """Each method's plant at the price year: construction (range), total, city's share, O&M, fee effect."""
    f, methods, rows = Fmt(lang), method_labels(lang), []
    for key, b in money["per_method"].items():
        p = b.project
        rows.append({
            "method": methods[key], "key": key, "capacity": thousands(p.capacity_m3_per_day),
            "capacity_m3_per_day": p.capacity_m3_per_day, "capex": f.money(p.construction_krw),
            "capex_band": f.money_range(p.construction_low_krw, p.construction_high_krw),
            "total": f.money(p.total_krw), "city": f.money(b.funding.city_krw),
            "om": f.money(b.om.annual_krw, 1), "krw_per_m3": thousands(b.fee.krw_per_m3),
            "krw_per_m3_value": b.fee.krw_per_m3, "hh": [thousands(h["krw_per_month"]) for h in b.fee.households],
        })
    return rows


def _cost_rows(money: dict, lang: str) -> list[dict]:
    """Total project cost build-up [KRW]; items not entered print as input needed."""
    f, b = Fmt(lang), money["budget"]
    p, given = b.project, money["inputs"]
    construction = text(lang, "council.money.row.construction_curve", capacity=f.flow(p.capacity_m3_per_day),
                        plant_type=plant_type_label(lang, p.plant_type) or b.curve.name) \
        if p.construction_origin == "curve" else text(lang, "council.money.row.construction_input")
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


def _causer_row(money: dict, lang: str) -> dict:
    f, b = Fmt(lang), money["budget"]
    s, c = b.funding, b.causer
    d = c["default"]
    origin = text(lang, "council.money.causer_origin.input") if c["origin"] == "input" else text(
        lang, "council.money.causer_origin.default", low=f.won(d["min_krw_per_m3_per_day"]),
        high=f.won(d["max_krw_per_m3_per_day"]))
    note = f.money_range(c["low_krw"], c["high_krw"]) if c["high_krw"] > c["low_krw"] else ""
    if s.causer_applied_krw < s.causer_charge_krw:
        note = f"{f.money(s.causer_charge_krw)} > {f.money(s.total_krw)}"
    return {"label": text(lang, "council.money.row.causer", flow=f.flow(c["basis_m3_per_day"]),
                          price=f.won(c["krw_per_m3_per_day"]), origin=origin),
            "value": f.money(s.causer_applied_krw), "note": note}


def _pay_rows(money: dict, lang: str) -> list[dict]:
    """Who pays [KRW] by the funding structure: the developer, or the causer charge and the shares, and the city."""
    f, b = Fmt(lang), money["budget"]
    s, lo, hi = b.funding, b.funding_low, b.funding_high

    def rng(a, z):
        return f.money_range(a, z) if a is not None and z is not None and z > a else ""
    if s.structure == "developer_pays_all":
        first = [{"label": text(lang, "council.money.row.developer"), "value": f.money(s.developer_krw),
                  "note": rng(lo.developer_krw, hi.developer_krw)}]
    else:
        first = [_causer_row(money, lang)] if s.structure == "causer_and_subsidy" else []
        first += [
            {"label": text(lang, "council.money.row.national", share=_or_missing(lang, s.national_share, f.rate)),
             "value": _or_missing(lang, s.national_krw, f.money), "note": rng(lo.national_krw, hi.national_krw)},
            {"label": text(lang, "council.money.row.provincial", share=_or_missing(lang, s.provincial_share, f.rate)),
             "value": _or_missing(lang, s.provincial_krw, f.money), "note": rng(lo.provincial_krw, hi.provincial_krw)}]
    return first + [{"label": text(lang, "council.money.row.city"), "value": f.money(s.city_krw),
                     "note": rng(lo.city_krw, hi.city_krw), "total": True}]


def _fee_rows(money: dict, lang: str) -> list[dict]:
    """Running cost and the fee effect on the fee base (billed water), with ranges."""
    f, b = Fmt(lang), money["budget"]
    om, fee, lo, hi = b.om, b.fee, b.fee_low, b.fee_high
    years = text(lang, "council.money.years", years=f"{fee.years:g}")
    rate = f.rate(b.financing_rate) + (f" ({f.rate(b.financing_range[0])}–{f.rate(b.financing_range[1])})"
                                       if b.financing_range else "")
    per_m3, base = PER_M3[lang], b.fee_base
    billed_note = fee_base_text(lang, b.fee_base_origin)
    if base is not None and base.existing_m3_per_year > 0 and base.new_town_m3_per_year > 0:
        billed_note += ": " + text(lang, "council.money.row.billed_parts", existing=volume(lang, base.existing_m3_per_year),
                                   new_town=volume(lang, base.new_town_m3_per_year))
    rows = [
        {"label": text(lang, "council.money.row.om_unit"), "value": f"{thousands(om.krw_per_m3)} {per_m3}",
         "note": f"{thousands(om.krw_per_m3_low)}–{thousands(om.krw_per_m3_high)}" if om.krw_per_m3_high >
         om.krw_per_m3_low else ""},
        {"label": text(lang, "council.money.row.om_annual", inflow=f.flow(om.inflow_m3_per_day)),
         "value": f.money(om.annual_krw, 1), "note": _range_or_blank(f, om.annual_low_krw, om.annual_high_krw)},
        {"label": text(lang, "council.money.row.billed"), "value": volume(lang, b.billed_m3_per_year), "note": billed_note},
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
    figs, b, methods = money["figs"], money["budget"], method_labels(lang)
    om = b.om
    items = [text(lang, "council.money.om_item", method=methods["recommended"],
                  value=figs.money("budget.om.annual_krw", om.annual_krw, 1))]
    for m, d in om.by_capacity.items():
        value = figs.money(f"om.{m}.annual_krw", d["annual_krw"], 1) if d["annual_krw"] is not None else \
            figs.money_range(f"om.{m}.annual_bounds_krw", *d["annual_bounds_krw"], 1)
        items.append(text(lang, "council.money.om_item", method=methods[m], value=value))
    joined = ", ".join(items)
    if om.fixed_share is None:
        return text(lang, "council.money.om_unknown", items=joined, price_year=b.price_year)
    return text(lang, "council.money.om_known", share=figs.share("budget.om.fixed_share", om.fixed_share, None),
                items=joined)


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
    """The phasing comparison on the one timeline: phase 1 built from the first construction year, the second
    train never before phase 1 opens."""
    figs, b = money["figs"], money["budget"]
    ph = b.phasing
    if ph is None:
        return [text(lang, "council.money.phasing_none")]
    when = text(lang, "council.money.phasing_when", year=figs.year("phasing.expected_second_train_year",
                                                                   round(ph.expected_second_train_year))) \
        if ph.expected_second_train_year else ""
    diff = figs.money("phasing.pv_difference_krw", abs(ph.pv_phased_krw - ph.pv_at_once_krw))
    opening = ph.opening_year if ph.opening_year is not None else ph.first_year
    out = [text(lang, "council.money.phasing", phase1=figs.flow("phasing.phase1", ph.phase1_capacity_m3_per_day),
                start=ph.first_year, opening=opening, lead=f"{ph.lead_years:g}",
                second=figs.flow("phasing.second", ph.second_train_m3_per_day), years=f"{ph.analysis_years:g}",
                rate=figs.share("phasing.discount_rate", ph.discount_rate, None), price_year=b.price_year,
                pv_phased=figs.money("phasing.pv_phased_krw", ph.pv_phased_krw),
                full=figs.flow("phasing.full", ph.full_capacity_m3_per_day),
                pv_once=figs.money("phasing.pv_at_once_krw", ph.pv_at_once_krw),
                probability=figs.prob("phasing.probability_second_train", ph.probability_second_train), when=when,
                verdict=text(lang, f"council.money.phasing_verdict.{ph.cheaper}", diff=diff))]
    if ph.probability_at_opening >= 0.005:
        out.append(text(lang, "council.money.phasing_at_opening", lead=f"{ph.lead_years:g}",
                        probability=figs.prob("phasing.probability_at_opening", ph.probability_at_opening)))
    return out


def _references(money: dict, lang: str) -> str:
    figs, items = money["figs"], []
    for i, r in enumerate(money["budget"].references):
        name = in_lang(lang, r["name_en"], r["name"])
        note = figs.quote(f"references.{i}.note", in_lang(lang, r["note"], r.get("note_ko", "")))
        common = {"name": name, "reported": figs.money(f"references.{i}.reported_krw", r["reported_krw"]),
                  "start": r["start_year"], "end": r["end_year"], "note": note}
        if not r.get("total_cost", True):
            items.append(text(lang, "council.money.reference_item_not_total", **common))
        elif r["added_capacity_m3_per_day"]:
            items.append(text(lang, "council.money.reference_item", capacity_m3=thousands(r["added_capacity_m3_per_day"]),
                              curve=figs.money(f"references.{i}.curve_krw", r["curve_krw"]), **common))
        else:
            items.append(text(lang, "council.money.reference_item_no_capacity", **common))
    return text(lang, "council.money.references", items="; ".join(items))


def _causer_basis_sentence(money: dict, lang: str) -> str:
    """The causer-charge basis, and the conflict of the ordinance's unit loads with the plant and the measured need."""
    figs, b = money["figs"], money["budget"]
    c, cap = b.causer, b.project.capacity_m3_per_day
    by = c["by_basis"]
    if "unit_loads" not in by or "measured_need" not in by:
        return ""
    unit, measured = by["unit_loads"], by["measured_need"]
    return text(lang, "council.money.causer_basis", basis=in_lang(lang, CAUSER_BASES[c["basis"]].label_en,
                                                                  CAUSER_BASES[c["basis"]].label_ko),
                unit_flow=figs.flow("causer.unit_loads.basis", unit["basis_m3_per_day"]),
                capacity=figs.flow("budget.project.capacity_m3_per_day", cap),
                ratio_capacity=f"{unit['basis_m3_per_day'] / cap:.1f}",
                measured_flow=figs.flow("causer.measured_need.basis", measured["basis_m3_per_day"]),
                ratio_measured=f"{unit['basis_m3_per_day'] / measured['basis_m3_per_day']:.1f}",
                unit_charge=figs.money("causer.unit_loads.charge_krw", unit["charge_krw"], payer="developer"),
                measured_charge=figs.money("causer.measured_need.charge_krw", measured["charge_krw"],
                                           payer="developer"))


def _pay_notes(money: dict, lang: str) -> list[str]:
    b = money["budget"]
    st = funding_structure(b.structure)
    notes = [text(lang, "council.money.structure", structure=in_lang(lang, st.label_en, st.label_ko),
                  basis=in_lang(lang, st.basis_en, st.basis_ko))]
    causer = _causer_basis_sentence(money, lang)
    notes += [causer] if causer else []
    if b.funding.missing:
        notes.append(text(lang, "council.money.shares_missing"))
    return notes


def money_section(money: dict, lang: str) -> dict:
    """Funding section: cost build-up, who pays, O&M and fees, reference expansions, tariff."""
    f, figs, b, t = Fmt(lang), money["figs"], money["budget"], money["tariff"]
    rate_range = text(lang, "council.money.rate_range",
                      low=figs.share("budget.financing_range.low", b.financing_range[0], None),
                      high=figs.share("budget.financing_range.high", b.financing_range[1], None)) \
        if b.financing_range else ""
    fee_notes = [_om_sentence(money, lang),
                 text(lang, "council.money.fee_note", rate=figs.share("budget.financing_rate", b.financing_rate, None),
                      years=f"{b.fee.years:g}", rate_range=rate_range)]
    tariff = {"label": text(lang, "council.money.row.tariff", year=t["national_year"]),
              "value": f"{thousands(t['national_average_krw_per_m3'], 1)} / {thousands(t['national_total_cost_krw_per_m3'], 1)}"
                       f" {PER_M3[lang]} / {f.pct(t['national_cost_recovery'])}", "note": ""}
    funding = {"price_year": b.price_year, "cost_rows": _cost_rows(money, lang), "pay_rows": _pay_rows(money, lang),
               "fee_rows": _fee_rows(money, lang) + [tariff], "pay_notes": _pay_notes(money, lang),
               "fee_notes": fee_notes, "references": _references(money, lang),
               "billed": volume(lang, b.billed_m3_per_year)}
    return {"funding": funding}


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
    if name in CHOICES and v is not None:
        return _choice_words(lang, name, v)
    if v is None:
        return text(lang, "common.not_given")
    if isinstance(v, str) or name == "price_year":
        return str(v)
    return param_value(lang, v, MONEY_INPUTS[name].unit)


def _choice_words(lang: str, name: str, value: str) -> str:
    if name == "funding_structure":
        return text(lang, f"common.structure.{value}")
    if name == "plant_type":
        return plant_type_label(lang, value)
    return in_lang(lang, CAUSER_BASES[value].label_en, CAUSER_BASES[value].label_ko).split("(")[0].strip()


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
    """The yearly investment plan over the schedule's design and construction years (None without them).

    Printed in whole 억원 (KRW bn to one decimal in English) by a controlled rounding, so that each
    year's payers add up to the year and the years add up to every total the table prints.
    """
    from sewerplan.model.planning.money.investment import controlled_round, yearly_investment

    build = briefing.step("construction") if briefing is not None else None
    if build is None:
        return None
    b = money["budget"]
    design = briefing.step("design")
    plan = yearly_investment(b.project, b.funding, (build.start, build.end),
                             (design.start, design.end) if design else None)
    payers = ("causer", "national", "provincial", "city")
    shown = [p for p in payers if any(getattr(y, f"{p}_krw") for y in plan)] or ["city"]
    cells, rows_t, cols_t, grand = controlled_round([[getattr(y, f"{p}_krw") or 0.0 for p in shown] for y in plan], 1e8)
    fmt = (lambda n: f"{n:,}억원") if lang == "ko" else (lambda n: f"KRW {n / 10:,.1f} bn")
    rows = [{"label": str(y.year), "cells": [fmt(t)] + [fmt(v) for v in c], "total": False, "values": [t] + c}
            for y, t, c in zip(plan, rows_t, cells)]
    rows.append({"label": text(lang, "council.money.row.total"), "cells": [fmt(grand)] + [fmt(v) for v in cols_t],
                 "total": True, "values": [grand] + cols_t})
    labels = {"causer": "developer", "national": "national", "provincial": "provincial", "city": "city"}
    return {"rows": rows, "payers": [text(lang, f"common.payer.{labels[p]}") for p in shown],
            "note": text(lang, "council.investment.note", price_year=b.price_year,
                         construction=years_text(lang, build.start, build.end))}


def years_text(lang: str, start: int, end: int) -> str:
    """A schedule step's years: '2027년' or '2027–2028년' ('2027' / '2027–2028' in English)."""
    if start == end:
        return text(lang, "common.schedule.year", year=start)
    return text(lang, "common.schedule.years", start=start, end=end)
