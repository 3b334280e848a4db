"""Optional part of the results bundle: the money inputs, their data basis and the headline figures.

``ResultsBundle.finance`` (:class:`FinanceSection`) holds the money inputs the producer used
(:class:`~sewerplan.model.planning.money_inputs.MoneyInputs`, ``null`` = default), what the run's
data gives the money model (the causer charge's basis flow, the treated inflow, the fee base
and where it came from) and the producer's headline figures. The reports compute the money
again from the inputs (merged with ``sewerplan report`` options), so editing an input in
``results.json`` changes the briefing; the headline copy lets anyone check the arithmetic.

Units: money [KRW] at ``price_year`` prices, flows [m3/d], volumes [m3/yr], rates [-/yr].
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..planning.money.inputs import MoneyInputs
from .bundle_parts import METHODS

__all__ = ["FinanceHeadline", "FinanceSection", "budget_basis", "causer_basis_from_bundle", "finance_section",
           "headline_from_budget"]


@dataclass
class FinanceHeadline:
    """The producer's headline money figures (the council paper's first numbers)."""

    price_year: int
    capacity_m3_per_day: float
    construction_krw: float
    construction_low_krw: float
    construction_high_krw: float
    total_krw: float
    total_low_krw: float
    total_high_krw: float
    causer_charge_krw: float
    causer_price_krw_per_m3_per_day: float
    city_krw: float
    om_krw_per_m3: float
    om_annual_krw: float
    billed_sewage_m3_per_year: float
    financing_rate: float
    city_annual_capital_krw: float
    fee_krw_per_m3: float
    fee_household_krw_per_month: dict[str, float] = field(default_factory=dict)  # "1".."4"
    city_annual_burden_krw: float = 0.0
    design_supervision_krw: float | None = None
    land_krw: float | None = None
    contingency_krw: float | None = None
    national_krw: float | None = None
    provincial_krw: float | None = None
    pv_at_once_krw: float | None = None
    pv_phased_krw: float | None = None


@dataclass
class FinanceSection:
    """Money inputs, the run's data basis for them, and the producer's headline figures."""

    inputs: MoneyInputs = field(default_factory=MoneyInputs)
    causer_basis_m3_per_day: float = 0.0  # planned town's building sewage, day-max, MOE notice, no infiltration
    inflow_m3_per_day: float = 0.0  # expected treated inflow, day-average incl. groundwater (ML P50)
    fee_base_m3_per_year: float = 0.0  # the run's billed sewage volume (the default fee base)
    fee_base_origin: str = ""  # e.g. "existing town billed water x return ratio 0.85"
    headline: FinanceHeadline | None = None


def causer_basis_from_bundle(bundle) -> float:
    """The causer charge's basis [m3/d]: the MOE baseline's building terms (no infiltration).

    From ``finance.causer_basis_m3_per_day`` when given; else the unit-load baseline's terms
    other than groundwater; else its day-max / (1 + infiltration ratio).
    """
    if bundle.finance is not None and bundle.finance.causer_basis_m3_per_day > 0:
        return bundle.finance.causer_basis_m3_per_day
    base = next((b for b in bundle.baselines if b.method == "unit_load"), None)
    if base is not None and any(t.name == "infiltration" for t in base.terms):
        return float(sum(t.value for t in base.terms if t.name != "infiltration" and t.unit == "m3/d"))
    from ..design.parameters import DEFAULT_PARAMETERS

    return bundle.planned_total.unit_load.day_max_m3_per_day / (1 + DEFAULT_PARAMETERS.infiltration_ratio)


def _inflow(bundle) -> float:
    """Treated inflow [m3/d]: the section's, else ML day-average + the ML baseline's groundwater term."""
    if bundle.finance is not None and bundle.finance.inflow_m3_per_day > 0:
        return bundle.finance.inflow_m3_per_day
    avg = bundle.planned_total.ml.day_average_m3_per_day
    base = next((b for b in bundle.baselines if b.method == "ml"), None)
    gw = next((t.value for t in base.terms if t.name == "infiltration"), None) if base else None
    if gw is None:
        from ..design.parameters import DEFAULT_PARAMETERS as P

        gw = P.infiltration_ratio * avg / P.day_average_to_day_max
    return avg + gw


def _fee_base(bundle) -> tuple[float, str]:
    """(billed sewage [m3/yr], origin) from the section, the bundle's billed volume, or the new town."""
    from ..units import DAYS_PER_YEAR

    f = bundle.finance
    if f is not None and f.fee_base_m3_per_year > 0:
        return f.fee_base_m3_per_year, f.fee_base_origin
    if bundle.billed_volume_m3_per_day > 0:
        return bundle.billed_volume_m3_per_day * DAYS_PER_YEAR, "bundle_billed_volume"
    return bundle.planned_total.ml.day_average_m3_per_day * DAYS_PER_YEAR, "new_town_ml"


def budget_basis(bundle):
    """The :class:`~sewerplan.model.planning.budget.BudgetBasis` a results bundle provides."""
    from ..planning.money.budget import BudgetBasis

    c, sc = bundle.capacity, bundle.scenario
    billed, origin = _fee_base(bundle)
    years = p50 = p90 = []
    if sc is not None and sc.ml_available:
        years = [r.year for r in sc.capacity_by_year]
        p50 = [r.ml_p50_m3_per_day for r in sc.capacity_by_year]
        p90 = [r.ml_p90_m3_per_day for r in sc.capacity_by_year]
    return BudgetBasis(
        capacity_m3_per_day=bundle.recommended_capacity_m3_per_day, p50_capacity_m3_per_day=c.p50_m3_per_day,
        causer_basis_m3_per_day=causer_basis_from_bundle(bundle), inflow_m3_per_day=_inflow(bundle),
        billed_sewage_m3_per_year=billed, fee_base_origin=origin,
        capacities={m: getattr(c, f"{m}_m3_per_day") for m in METHODS if getattr(c, f"{m}_m3_per_day")},
        years=years, need_p50_m3_per_day=p50, need_p90_m3_per_day=p90)


def headline_from_budget(budget) -> FinanceHeadline:
    """The headline figures of a :class:`~sewerplan.model.planning.budget.Budget`."""
    p, s, fee = budget.project, budget.funding, budget.fee
    ph = budget.phasing
    return FinanceHeadline(
        price_year=budget.price_year, capacity_m3_per_day=p.capacity_m3_per_day, construction_krw=p.construction_krw,
        construction_low_krw=p.construction_low_krw, construction_high_krw=p.construction_high_krw,
        total_krw=p.total_krw, total_low_krw=p.total_low_krw, total_high_krw=p.total_high_krw,
        causer_charge_krw=budget.causer["charge_krw"], causer_price_krw_per_m3_per_day=budget.causer["krw_per_m3_per_day"],
        city_krw=s.city_krw, om_krw_per_m3=budget.om.krw_per_m3, om_annual_krw=budget.om.annual_krw,
        billed_sewage_m3_per_year=budget.billed_m3_per_year, financing_rate=budget.financing_rate,
        city_annual_capital_krw=fee.annual_capital_krw, fee_krw_per_m3=fee.krw_per_m3,
        fee_household_krw_per_month={str(h["size"]): h["krw_per_month"] for h in fee.households},
        city_annual_burden_krw=fee.annual_burden_krw, design_supervision_krw=p.design_supervision_krw,
        land_krw=p.land_krw, contingency_krw=p.contingency_krw, national_krw=s.national_krw,
        provincial_krw=s.provincial_krw, pv_at_once_krw=ph.pv_at_once_krw if ph else None,
        pv_phased_krw=ph.pv_phased_krw if ph else None)


def finance_section(bundle, inputs: MoneyInputs | None = None, *, fee_base_m3_per_year: float = 0.0,
                    fee_base_origin: str = "") -> FinanceSection:
    """The bundle's finance section for ``inputs``, with the data basis and the headline figures."""
    from ..planning.money.budget import council_budget

    section = FinanceSection(inputs=inputs or MoneyInputs(), fee_base_m3_per_year=fee_base_m3_per_year,
                             fee_base_origin=fee_base_origin)
    previous, bundle.finance = bundle.finance, section
    try:
        section.causer_basis_m3_per_day = round(causer_basis_from_bundle(bundle), 3)
        section.inflow_m3_per_day = round(_inflow(bundle), 3)
        section.headline = headline_from_budget(council_budget(budget_basis(bundle), section.inputs))
    finally:
        bundle.finance = previous
    return section
