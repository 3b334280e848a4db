"""Money: the one place that runs the money model for both briefings (one truth for both audiences).

``money_figures(bundle, options)`` merges the bundle's money inputs (``finance.inputs``) with the
``sewerplan report`` options (:class:`~sewerplan.model.planning.money.inputs.MoneyInputs`; an
option that is set wins), runs :func:`~sewerplan.model.planning.money.budget.council_budget` and
the sizing decision (:func:`~sewerplan.model.outputs.results.decision_for`) on the same basis, and
returns raw numbers [KRW at the price year, m3/d, -]; the section builders format them through
the figures registry (:mod:`.figures`). No saving is computed as a difference that could turn
negative: every amount is an expected cost >= 0, and a difference between two plants is
computed in the direction in which it is positive, with whose money it is.

The lead comparison is the city's plan (``capacity.city_plan_method``, default the master-plan
method): the recommended plant is explained against it (``compare``); the pilot formula stays as
the pilot's evidence (``pilot``).
"""

from __future__ import annotations

from sewerplan.model.outputs.finance_section import budget_basis
from sewerplan.model.outputs.results import METHODS, ResultsBundle, decision_for
from sewerplan.model.planning.money import fees as finance
from sewerplan.model.planning.money.budget import council_budget, with_capacity
from sewerplan.model.planning.money.costs import plant_type_curve, project_cost
from sewerplan.model.planning.money.funding import PAYERS, split_difference
from sewerplan.model.planning.money.inputs import MoneyInputs
from sewerplan.model.planning.money.phasing import probability_passed_by_year

__all__ = ["FinanceOptions", "money_figures", "merged_inputs", "SMALL_RISK_PROBABILITY", "main_payer"]

#: Report options are money inputs (release 0.2 name kept).
FinanceOptions = MoneyInputs

#: Below this probability that a plant is too small, its sizing risk is called small (1 in 10).
SMALL_RISK_PROBABILITY = 0.10


def merged_inputs(bundle: ResultsBundle, options: MoneyInputs | None) -> MoneyInputs:
    """The bundle's money inputs with every input the options set replaced."""
    base = bundle.finance.inputs if bundle.finance is not None else MoneyInputs()
    return base.merged(options)


def _per_method(bundle: ResultsBundle, basis, inputs: MoneyInputs, recommended) -> dict:
    """Each method's plant on the same basis: project cost (with range), who pays, O&M and the fee effect."""
    c = bundle.capacity
    methods = [(m, getattr(c, f"{m}_m3_per_day")) for m in METHODS]
    methods += [("ml_p50", c.p50_m3_per_day)]
    out = {key: council_budget(with_capacity(basis, cap), inputs) for key, cap in methods if cap}
    out["recommended"] = recommended
    return out


def main_payer(by_payer: dict) -> str:
    """The payer of the largest part of an amount ({payer: KRW}), or 'mixed' when no one pays 90% of it."""
    total = sum(max(v, 0.0) for v in by_payer.values())
    if total <= 0:
        return "none"
    top = max(PAYERS, key=lambda p: by_payer.get(p, 0.0))
    return top if by_payer[top] >= 0.9 * total else "mixed"


def _compare(lead, rec, per_method: dict, budget) -> dict:
    """The recommended plant against the city's plan: the difference in capacity and total cost, whose
    money it is, and what the recommended plant does to the shortfall risk (all >= 0, with a sign word)."""
    if lead is None or lead.method not in per_method:
        return {"relation": "none"}
    other = per_method[lead.method]
    diff = budget.project.total_krw - other.project.total_krw
    extra_flow = budget.project.capacity_m3_per_day - lead.capacity_m3_per_day
    larger, smaller = (budget, other) if diff >= 0 else (other, budget)
    by_payer = split_difference(larger.funding, smaller.funding)
    relation = "same" if abs(extra_flow) < 0.5 else ("larger" if extra_flow > 0 else "smaller")
    return {"relation": relation, "flow_m3_per_day": abs(extra_flow), "total_krw": abs(diff), "by_payer": by_payer,
            "payer": main_payer(by_payer), "lead_budget": other,
            "expansion_reduced_krw": max(lead.expected_expansion_krw - (rec.expected_expansion_krw if rec else 0.0), 0.0)}


def _lead_fee(lead, budget, compare: dict):
    """The amount [KRW] the city's plan puts at risk and its fee effect on the city's part.

    under / about right: the expected expansion cost (public money later; the city's fraction
    reaches the fee); over: the capital the larger plant costs beyond the recommended one, the
    city's part of it.
    """
    if lead.direction == "over" and compare.get("relation") == "smaller":
        city = compare["by_payer"]["city"]
        return compare["total_krw"], budget.plant_fee(city, 0.0)
    return lead.expected_expansion_krw, budget.city_fee(lead.expected_expansion_krw)


def _site_premium(budget) -> float:
    """What building underground adds to the total [KRW]: the underground curve's total less the new
    surface plant's at the same capacity and build-up (0 for another plant type or the city's own estimate)."""
    p, i = budget.project, budget.inputs
    if p.plant_type != "new_underground":
        return 0.0
    surface = project_cost(p.capacity_m3_per_day, plant_type_curve("new_surface", budget.price_year),
                           design_supervision_rate=i.design_supervision_rate, land_cost_krw=i.land_cost_krw,
                           contingency_rate=i.contingency_rate)
    return max(p.total_krw - surface.total_krw, 0.0)


def _interim(bundle: ResultsBundle, timeline) -> dict:
    """The years before the plant opens: the need then (scenario P50, max) and P(it passes the interim capacity)."""
    sc = bundle.scenario
    if timeline is None or timeline.opening_year is None or sc is None or not sc.ml_available:
        return {"years": [], "need_m3_per_day": None, "probability": None}
    rows = [r for r in sc.capacity_by_year if not timeline.operating(r.year) and r.ml_p50_m3_per_day is not None]
    if not rows:
        return {"years": [], "need_m3_per_day": None, "probability": None}
    cap = timeline.interim_capacity_m3_per_day
    p = None if not cap else probability_passed_by_year([r.year for r in rows], [r.ml_p50_m3_per_day for r in rows],
                                                         [r.ml_p90_m3_per_day for r in rows], cap)[-1]
    return {"years": [r.year for r in rows], "need_m3_per_day": max(r.ml_p50_m3_per_day for r in rows),
            "probability": p}


def money_figures(bundle: ResultsBundle, opts: MoneyInputs | None = None) -> dict:
    """The budget, the decision on the same money basis, per-method costs and the comparisons, as raw numbers."""
    inputs = merged_inputs(bundle, opts)
    basis = budget_basis(bundle)
    budget = council_budget(basis, inputs)
    decision = decision_for(bundle, budget=budget)
    lead, rec = decision.row(decision.lead_method), decision.recommended
    per_method = _per_method(bundle, basis, inputs, budget)
    compare = _compare(lead, rec, per_method, budget)
    lead_amount, lead_fee = _lead_fee(lead, budget, compare)
    return {
        "inputs": inputs, "budget": budget, "curve": budget.curve, "price_year": budget.price_year,
        "level": bundle.capacity.interval_level, "decision": decision, "lead": lead, "recommended": rec,
        "pilot": decision.row("pilot_formula"), "compare": compare, "lead_amount": lead_amount, "lead_fee": lead_fee,
        "billed_m3_per_year": budget.billed_m3_per_year, "per_method": per_method,
        "tariff": finance.tariff_reference(), "discount_rate": inputs.value("social_discount_rate"),
        "financing_rate": budget.financing_rate, "asset_life_years": inputs.value("asset_life_years"),
        "timeline": budget.timeline, "interim": _interim(bundle, budget.timeline),
        "site_premium_krw": _site_premium(budget), "small_risk": SMALL_RISK_PROBABILITY,
        "newest": bundle.metadata.model_card.newest_check,
    }
