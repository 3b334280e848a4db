"""Money: the one place that runs the money model for both briefings.

``money_figures(bundle, options)`` merges the bundle's money inputs (``finance.inputs``) with the
``sewerplan report`` options (:class:`~sewerplan.model.planning.money_inputs.MoneyInputs`; an
option that is set wins), runs :func:`~sewerplan.model.planning.budget.council_budget` and the
sizing decision (:func:`~sewerplan.model.outputs.results.decision_for`) on the same basis, and
returns raw numbers [KRW at the price year, m3/d, -]; the section builders format them. No saving
is computed: every amount is an expected cost >= 0.
"""

from __future__ import annotations

import dataclasses

from sewerplan.model.outputs.finance_section import budget_basis
from sewerplan.model.outputs.results import METHODS, ResultsBundle, decision_for
from sewerplan.model.planning.money import fees as finance
from sewerplan.model.planning.money.budget import council_budget
from sewerplan.model.planning.money.inputs import MoneyInputs

__all__ = ["FinanceOptions", "money_figures", "merged_inputs"]

#: Report options are money inputs (release 0.2 name kept).
FinanceOptions = MoneyInputs


def merged_inputs(bundle: ResultsBundle, options: MoneyInputs | None) -> MoneyInputs:
    """The bundle's money inputs with every input the options set replaced."""
    base = bundle.finance.inputs if bundle.finance is not None else MoneyInputs()
    return base.merged(options)


def _per_method(bundle: ResultsBundle, basis, inputs: MoneyInputs) -> dict:
    """Each method's plant: project cost (with range), who pays, O&M and the fee effect, at the price year."""
    c = bundle.capacity
    methods = [(m, getattr(c, f"{m}_m3_per_day")) for m in METHODS]
    methods += [("ml_p50", c.p50_m3_per_day), ("recommended", bundle.recommended_capacity_m3_per_day)]
    out = {}
    for key, cap in methods:
        if cap:
            out[key] = council_budget(dataclasses.replace(basis, capacity_m3_per_day=cap, years=[]), inputs)
    return out


def _lead_fee(decision, budget):
    """The amount [KRW] the lead baseline's direction puts on the fee, and its fee effect.

    under: the expected expansion cost (public money later; the city's fraction reaches the fee);
    over: the stranded capital (the same); about right: the recommended plant's city share and O&M.
    """
    lead = decision.row(decision.lead_method)
    if lead.direction == "about_right":
        return lead, budget.project.total_krw, budget.fee
    amount = lead.expected_expansion_krw if lead.direction == "under" else lead.stranded_capital_krw
    return lead, amount, budget.city_fee(amount)


def money_figures(bundle: ResultsBundle, opts: MoneyInputs | None = None) -> dict:
    """The budget, the decision on the same money basis, per-method costs and the lead fee, as raw numbers."""
    inputs = merged_inputs(bundle, opts)
    basis = budget_basis(bundle)
    budget = council_budget(basis, inputs)
    decision = decision_for(bundle, budget=budget)
    lead, lead_amount, lead_fee = _lead_fee(decision, budget)
    return {
        "inputs": inputs,
        "budget": budget,
        "curve": budget.curve,
        "price_year": budget.price_year,
        "level": bundle.capacity.interval_level,
        "decision": decision,
        "lead": lead,
        "lead_amount": lead_amount,
        "lead_fee": lead_fee,
        "billed_m3_per_year": budget.billed_m3_per_year,
        "per_method": _per_method(bundle, basis, inputs),
        "tariff": finance.tariff_reference(),
        "discount_rate": inputs.value("social_discount_rate"),
        "financing_rate": budget.financing_rate,
        "asset_life_years": inputs.value("asset_life_years"),
    }
