"""Council briefing: the sections a budget-session paper carries around the numbers.

사업 개요 (the project at a glance), 추진 일정 (schedule), 위험 요인과 대응 (risks) and 예상 질의·답변
(a short Q&A). City-specific texts (site, process, receiving water, site plan, schedule) come from
the results bundle's optional ``briefing`` part (the project file's ``briefing:`` section); a text
that is not given is left out, never printed as a placeholder. Which risk and which answer is
printed follows the computed figures (``money.money_figures``).
"""

from __future__ import annotations

from sewerplan.model.outputs.briefing_section import SCHEDULE_STEPS
from sewerplan.model.outputs.results import ResultsBundle

from .catalog import placeholders, text
from .council_money import investment_rows, years_text
from .formatting import Fmt, level_words, prob, town_names

__all__ = ["overview_section", "schedule_section", "investment_section", "risks_section", "qa_section"]

_CITY_TEXTS = ("site", "process", "receiving_water")


def _period(bundle: ResultsBundle, lang: str) -> str:
    """'2027–2031년 (설계 2027–2028년, 공사 2029–2031년)' from the schedule ('' without construction years)."""
    b = bundle.briefing
    build = b.step("construction") if b is not None else None
    if build is None:
        return ""
    design = b.step("design")
    if design is None:
        return years_text(lang, build.start, build.end)
    return text(lang, "council.overview.period", period=years_text(lang, min(design.start, build.start), build.end),
                design=years_text(lang, design.start, design.end), construction=years_text(lang, build.start, build.end))


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
                     total_range=f.money_range(p.total_low_krw, p.total_high_krw),
                     missing=text(lang, "council.decision.missing", items=missing) if missing else ""),
        "period": _period(bundle, lang),
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
    lead, f = money["lead"], Fmt(lang)
    key = f"council.risks.lead.{lead.direction}"
    values = {"p_small": prob(lead.probability_too_small), "p_large": prob(lead.probability_too_large),
              "expansion": f.money(lead.expected_expansion_krw), "stranded": f.money(lead.stranded_capital_krw)}
    return text(lang, key, **{k: values[k] for k in placeholders(lang, key)})


def _input_risks(money: dict, lang: str) -> list[str]:
    """Risks from what the inputs leave open: cost estimate, items not entered, shares, the fee base."""
    f, b = Fmt(lang), money["budget"]
    p, s = b.project, b.funding
    out = []
    if p.construction_origin == "curve":
        out.append(text(lang, "council.risks.cost", range=f.money_range(p.construction_low_krw, p.construction_high_krw)))
    if p.missing:
        out.append(text(lang, "council.risks.missing", items=_missing_items(money, lang)))
    if s.national_share is None and s.provincial_share is None:
        out.append(text(lang, "council.risks.shares_missing"))
    else:
        unset = text(lang, "common.undecided")
        out.append(text(lang, "council.risks.shares_given",
                        national=f.rate(s.national_share) if s.national_share is not None else unset,
                        provincial=f.rate(s.provincial_share) if s.provincial_share is not None else unset))
    if b.fee_base_origin == "existing_billed_water":
        out.append(text(lang, "council.risks.fee_base"))
    return out


def risks_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """위험 요인과 대응: each risk with its answer, chosen by the computed figures."""
    d, level = money["decision"], money["level"]
    risks = [_lead_risk(money, lang), text(lang, "council.risks.beyond", p_over=prob((1 - level) / 2))]
    if d.n_calibration_districts and level < 0.9 - 1e-9:
        risks.append(text(lang, "council.risks.calibration", n=d.n_calibration_districts, level=level_words(lang, level)))
    return {"risks": risks + _input_risks(money, lang)}


def _why_answer(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Why this size and not the pilot formula's, by the computed direction, with the existing town's check."""
    lead, f, ex = money["lead"], Fmt(lang), bundle.existing_total
    compared = ex.ml_m3_per_day if lead.direction == "over" else ex.pilot_formula_m3_per_day
    key = f"council.qa.why.{lead.direction}"
    values = {"gap": f.flow(abs(lead.gap_m3_per_day)), "existing_gap": f.signed_tons(ex.observed_m3_per_day - compared)}
    return {"q": text(lang, f"{key}.q"), "a": text(lang, f"{key}.a", **{k: values[k] for k in placeholders(lang, f"{key}.a")})}


def _shares_answer(money: dict, lang: str) -> str:
    f, s = Fmt(lang), money["budget"].funding
    if s.national_share is None and s.provincial_share is None:
        return text(lang, "council.qa.shares.missing")
    unset = text(lang, "common.undecided")
    return text(lang, "council.qa.shares.given",
                national=f.rate(s.national_share) if s.national_share is not None else unset,
                provincial=f.rate(s.provincial_share) if s.provincial_share is not None else unset)


def _phasing_answer(money: dict, lang: str) -> str:
    f, ph = Fmt(lang), money["budget"].phasing
    if ph is None:
        return text(lang, "council.qa.phasing.none")
    return text(lang, f"council.qa.phasing.{ph.cheaper}", years=f"{ph.analysis_years:g}",
                diff=f.money(abs(ph.pv_phased_krw - ph.pv_at_once_krw)))


def qa_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """예상 질의·답변: why this size, the subsidy shares, the fee, phasing, what if the forecast is wrong."""
    f, b = Fmt(lang), money["budget"]
    fee = text(lang, "council.qa.fee.a", krw_per_m3=f"{b.fee.krw_per_m3:,.0f}", fee_4p=f.won(b.fee.household(4)),
               fee_range=f.won_range(b.fee_low.household(4), b.fee_high.household(4)))
    return {"council_qa": [
        _why_answer(bundle, money, lang),
        {"q": text(lang, "council.qa.shares.q"), "a": _shares_answer(money, lang)},
        {"q": text(lang, "council.qa.fee.q"), "a": fee},
        {"q": text(lang, "council.qa.phasing.q"), "a": _phasing_answer(money, lang)},
        {"q": text(lang, "council.qa.after.q"), "a": text(lang, "council.qa.after.a")},
    ]}
