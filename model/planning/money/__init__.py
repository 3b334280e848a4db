"""Money (repository folder ``model/planning/money/``): what a plant costs, who pays, what it does to fees.

One direction of imports, each stage using only the stages before it (``tests/test_architecture.py``)::

    inputs  ->  costs  ->  funding  ->  fees  ->  budget  ->  decision

- inputs: :mod:`.tables` (the shipped tables), :mod:`.inputs` (every money input, one dataclass,
  with units and sources), :mod:`.prices` (the construction cost index: one price year),
  :mod:`.timeline` (the one timeline of the schedule, phasing, utilisation and expansions);
- costs: :mod:`.costs` (cost curves by plant type, the project cost build-up, O&M, the hydraulic
  margin, the pilot report's reference expansions);
- funding: :mod:`.funding` (the funding structures, the causer charge on its basis, the shares);
- fees: :mod:`.fees` (the fee base of billed water, the fee effect, household use);
- budget: :mod:`.phasing`, :mod:`.investment` (the yearly plan, rounded to add up), :mod:`.budget`
  (all of them for one plant);
- decision: :mod:`.decision` (each baseline against the ML need, in both directions),
  :mod:`.sizing` (release 0.1's savings comparison, kept for the Excel functions).

Release 0.2's modules ``planning.{money_inputs, finance_defaults, costs, funding, fees, phasing,
investment, budget, decision}`` moved here; ``planning.finance`` (whose parts went to costs,
funding, fees and sizing) is this package. The old paths still import, with a DeprecationWarning
(:data:`sewerplan.model.MOVED_MODULES`).
"""

from ... import _lazy_exports

#: the stages of the money room, in import order, and the modules of each
STAGES = {
    "inputs": ("tables", "inputs", "prices", "timeline"),
    "costs": ("costs",),
    "funding": ("funding",),
    "fees": ("fees",),
    "budget": ("phasing", "investment", "budget"),
    "decision": ("decision", "sizing"),
}

_EXPORTS = {
    # inputs
    "MoneyInputs": "inputs", "MONEY_INPUTS": "inputs", "FINANCE_DEFAULTS": "inputs", "money_input_table": "inputs",
    "price_index": "prices", "price_factor": "prices", "latest_price_year": "prices", "Timeline": "timeline",
    "timeline_from": "timeline",
    # costs
    "CostCurve": "costs", "fit_cost_curve": "costs", "cost_curve": "costs", "COST_CURVE_NAMES": "costs",
    "unit_cost_curve": "costs", "reference_cost_table": "costs", "PLANT_TYPES": "costs", "plant_type_curve": "costs",
    "project_cost": "costs", "om_cost": "costs", "om_unit_cost": "costs", "shortfall_cost": "costs",
    "reference_projects": "costs",
    # funding
    "FUNDING_STRUCTURES": "funding", "funding_split": "funding", "causer_charge": "funding",
    "causer_charge_unit_prices": "funding", "default_causer_charge_unit_price": "funding",
    # fees
    "FeeBase": "fees", "fee_effect": "fees", "annuity_factor": "fees", "annualised_cost": "fees", "fee_per_m3": "fees",
    "billed_volume_from_sewage": "fees", "household_water_use_table": "fees", "household_monthly_use_m3": "fees",
    "household_monthly_fee": "fees", "FeeImpact": "fees", "fee_impact": "fees", "tariff_reference": "fees",
    # budget
    "compare_phasing": "phasing", "yearly_investment": "investment", "BudgetBasis": "budget", "Budget": "budget",
    "council_budget": "budget",
    # decision
    "NeedDistribution": "decision", "decide": "decision", "decide_all": "decision", "capacity_quantiles": "sizing",
    "SizingSavings": "sizing", "sizing_savings": "sizing",
}
__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
