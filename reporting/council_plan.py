"""Council briefing: the sections a budget-session paper carries around the numbers.

사업 개요 (the project at a glance, with who pays and where the sewage goes before the plant opens),
추진 일정 (schedule), 위험 요인과 대응 (risks) and 예상 질의·답변 (a short Q&A). City-specific texts (site, process, receiving water, site plan, schedule) come from
the results bundle's optional ``briefing`` part (the project file's ``briefing:`` section); a text
that is not given is left out, never printed as a placeholder. Which risk and which answer is
printed follows the computed figures (``money.money_figures``).
"""

from __future__ import annotations

from sewerplan.model.outputs.briefing_section import SCHEDULE_STEPS
from sewerplan.model.outputs.results import ResultsBundle

from .catalog import placeholders, text
from .council_money import fee_kind, investment_rows, plant_type_label, years_text
from .formatting import Fmt, town_names

__all__ = ["overview_section", "schedule_section", "investment_section", "risks_section", "qa_section"]

_CITY_TEXTS = ("site", "process", "receiving_water")


def _period(bundle: ResultsBundle, money: dict, lang: str) -> str:
    """'2027–2031년 (설계 2027–2028년, 공사 2029–2031년), 2032년 개통' from the one timeline ('' without construction)."""
    b, timeline = bundle.briefing, money["timeline"]
    build = b.step("construction") if b is not None else None
    if build is None:
        return ""
    design = b.step("design")
    if design is None:
        return years_text(lang, build.start, build.end)
    values = {"period": years_text(lang, min(design.start, build.start), build.end),
              "design": years_text(lang, design.start, design.end),
              "construction": years_text(lang, build.start, build.end)}
    opening = timeline.opening_year if timeline is not None and timeline.opening_year is not None else build.end + 1
    return text(lang, "council.overview.period_opening", **values, opening=opening)


def _interim_text(money: dict, lang: str) -> str:
    """Where the sewage goes before the plant opens ('' without an opening year or years before it)."""
    timeline, interim = money["timeline"], money["interim"]
    if timeline is None or not interim["years"]:
        return ""
    if timeline.interim:
        return text(lang, "council.overview.interim", interim=timeline.interim)
    return text(lang, "council.overview.interim_missing")


def _missing_items(money: dict, lang: str) -> str:
    """'설계·감리비·용지비·예비비' of the cost items not entered ('' when all are)."""
    joiner = "·" if lang == "ko" else ", "
    return joiner.join(text(lang, f"council.money.item.{m}") for m in money["budget"].project.missing)


def overview_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """1. 사업 개요: name, the city's texts, capacity, total cost and period; rows without a value are left out."""
    f, p = Fmt(lang), money["budget"].project
    town = town_names(bundle, lang)[0]
    b = bundle.briefing
    missing = _missing_items(money, lang)
    values = {
        "name": text(lang, "council.overview.name", town=town),
        **{k: getattr(b, k) if b is not None else "" for k in _CITY_TEXTS},
        "capacity": text(lang, "council.overview.capacity", capacity=f.flow(bundle.recommended_capacity_m3_per_day)),
        "cost": text(lang, "council.overview.cost", total=f.money(p.total_krw), price_year=money["price_year"],
                     plant_type=plant_type_label(lang, p.plant_type) or money["budget"].curve.name,
                     total_range=f.money_range(p.total_low_krw, p.total_high_krw),
                     missing=text(lang, "council.decision.missing", items=missing) if missing else ""),
        "funding": text(lang, f"common.structure.{money['budget'].structure}"),
        "period": _period(bundle, money, lang),
        "interim": _interim_text(money, lang),
        "site_plan": b.site_plan if b is not None else "",
    }
    rows = [{"label": text(lang, f"council.overview.label.{k}"), "value": v} for k, v in values.items() if v]
    return {"overview": rows}


def schedule_section(bundle: ResultsBundle, lang: str) -> dict:
    """추진 일정: the city's schedule in the order a project goes (empty without one)."""
    b = bundle.briefing
    steps = sorted(b.schedule, key=lambda s: SCHEDULE_STEPS.index(s.step)) if b is not None else []
    return {"schedule": [{"step": text(lang, f"common.schedule.{s.step}"), "when": years_text(lang, s.start, s.end)}
                         for s in steps]}


def investment_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """연차별 투자계획: the total cost and who pays it by year, when the schedule gives construction years."""
    return {"investment": investment_rows(money, bundle.briefing, lang)}


def _lead_risk(money: dict, lang: str) -> str:
    from .council import lead_key, lead_values

    key = f"council.risks.lead.{lead_key(money)}"
    values = lead_values(money, lang)
    return text(lang, key, **{k: values[k] for k in placeholders(lang, key)})


def _interim_risk(money: dict, lang: str) -> list[str]:
    """Where the new town's sewage goes before the plant opens, and whether that capacity holds."""
    timeline, interim, figs = money["timeline"], money["interim"], money["figs"]
    if timeline is None or not interim["years"]:
        return []
    years = interim["years"]
    values = {"opening": timeline.opening_year, "years": years_text(lang, years[0], years[-1]),
              "need": figs.flow("interim.need_m3_per_day", interim["need_m3_per_day"]), "interim": timeline.interim}
    if not timeline.interim:
        return [text(lang, "council.risks.interim.missing", **values)]
    if interim["probability"] is None:
        return [text(lang, "council.risks.interim.given", **values)]
    return [text(lang, "council.risks.interim.capacity", **values,
                 capacity=figs.flow("timeline.interim_capacity_m3_per_day", timeline.interim_capacity_m3_per_day),
                 probability=figs.prob("interim.probability", interim["probability"]))]


def _input_risks(money: dict, lang: str) -> list[str]:
    """Risks from what the inputs leave open: cost estimate, items not entered, who pays, the fee base."""
    figs, b = money["figs"], money["budget"]
    p, s = b.project, b.funding
    out = []
    if p.construction_origin == "curve":
        out.append(text(lang, "council.risks.cost", range=figs.money_range("budget.project.construction_range",
                                                                              p.construction_low_krw,
                                                                              p.construction_high_krw)))
    if p.missing:
        out.append(text(lang, "council.risks.missing", items=_missing_items(money, lang)))
    if s.structure == "developer_pays_all":
        out.append(text(lang, "council.risks.developer"))
    elif s.national_share is None and s.provincial_share is None:
        out.append(text(lang, "council.risks.shares_missing"))
    else:
        unset = text(lang, "common.undecided")
        out.append(text(lang, "council.risks.shares_given",
                        national=figs.share("inputs.national_share", s.national_share, None)
                        if s.national_share is not None else unset,
                        provincial=figs.share("inputs.provincial_share", s.provincial_share, None)
                        if s.provincial_share is not None else unset))
    base = b.fee_base
    if b.fee_base_origin != "input" and (base is None or base.new_town_m3_per_year <= 0):
        out.append(text(lang, "council.risks.fee_base"))
    return out


def risks_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """위험 요인과 대응: each risk with its answer, chosen by the computed figures."""
    d, level, figs, rec = money["decision"], money["level"], money["figs"], money["recommended"]
    risks = [_lead_risk(money, lang), *_interim_risk(money, lang),
             text(lang, "council.risks.beyond", p_over=figs.prob("recommended.probability_too_small",
                                                                 rec.probability_too_small))]
    if d.n_calibration_districts and level < 0.9 - 1e-9:
        risks.append(text(lang, "council.risks.calibration", n=d.n_calibration_districts,
                          level=figs.level("decision.level", level)))
    return {"risks": risks + _input_risks(money, lang)}


def _why_answer(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Why this size and not the city's plan, by the recommendation's relation to it, with the existing town's check."""
    from .council import lead_values
    from .council_money import reason_values

    f, ex = Fmt(lang), bundle.existing_total
    relation = money["compare"].get("relation", "same")
    relation = "same" if relation == "none" else relation
    compared = ex.ml_m3_per_day if relation == "smaller" else ex.pilot_formula_m3_per_day
    values = {**lead_values(money, lang), **reason_values(money, lang),
              "existing_gap": f.signed_tons(ex.observed_m3_per_day - compared)}
    key = f"council.qa.why.{relation}"
    return {"q": text(lang, f"{key}.q"), "a": text(lang, f"{key}.a", **{k: values[k] for k in placeholders(lang, f"{key}.a")})}


def _pays_answer(money: dict, lang: str) -> str:
    figs, s = money["figs"], money["budget"].funding
    if s.structure == "developer_pays_all":
        return text(lang, "council.qa.pays.developer_pays_all")
    if s.national_share is None and s.provincial_share is None:
        return text(lang, "council.qa.pays.missing")
    unset = text(lang, "common.undecided")
    return text(lang, "council.qa.pays.given",
                national=figs.share("inputs.national_share", s.national_share, None)
                if s.national_share is not None else unset,
                provincial=figs.share("inputs.provincial_share", s.provincial_share, None)
                if s.provincial_share is not None else unset)


def _phasing_answer(money: dict, lang: str) -> str:
    figs, ph = money["figs"], money["budget"].phasing
    if ph is None:
        return text(lang, "council.qa.phasing.none")
    return text(lang, f"council.qa.phasing.{ph.cheaper}", years=f"{ph.analysis_years:g}",
                diff=figs.money("phasing.pv_difference_krw", abs(ph.pv_phased_krw - ph.pv_at_once_krw)))


def qa_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """예상 질의·답변: why this size, the subsidy shares, the fee, phasing, what if the forecast is wrong."""
    figs, b = money["figs"], money["budget"]
    fee = text(lang, f"council.qa.fee.{fee_kind(money)}",
               krw_per_m3=figs.won("budget.fee.krw_per_m3", b.fee.krw_per_m3),
               fee_4p=figs.won("budget.fee.household_4", b.fee.household(4)),
               fee_range=figs.won_range("budget.fee.household_4_range", b.fee_low.household(4), b.fee_high.household(4)))
    return {"council_qa": [
        _why_answer(bundle, money, lang),
        {"q": text(lang, "council.qa.pays.q"), "a": _pays_answer(money, lang)},
        {"q": text(lang, "council.qa.fee.q"), "a": fee},
        {"q": text(lang, "council.qa.phasing.q"), "a": _phasing_answer(money, lang)},
        {"q": text(lang, "council.qa.after.q"), "a": text(lang, "council.qa.after.a")},
    ]}
