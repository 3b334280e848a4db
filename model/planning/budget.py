"""The council paper's money in one computation: cost, who pays, running cost, fees, phasing.

:func:`council_budget` takes what a run provides (:class:`BudgetBasis`: capacities, the causer
charge's basis flow, the treated inflow, the fee base, the scenario's need by year) and the
money inputs (:class:`~.money_inputs.MoneyInputs`) and returns a :class:`Budget`. All money
[KRW] at the price year's prices; every figure a reader sees first carries its range: the cost
curve's spread, the O&M unit cost's range and, when the city has not set its rate, the observed
financing rates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .costs import OMCost, ProjectCost, latest_price_year, om_cost, project_cost, reference_points
from .fees import FeeEffect, fee_effect
from .funding import FundingSplit, causer_charge, causer_price, funding_split
from .money_inputs import MoneyInputs
from .phasing import PhasingComparison, compare_phasing

__all__ = ["BudgetBasis", "Budget", "council_budget", "financing_rate_range"]


@dataclass
class BudgetBasis:
    """What the run provides to the money model (flows [m3/d], volume [m3/yr])."""

    capacity_m3_per_day: float  # the capacity the council is asked to approve
    p50_capacity_m3_per_day: float  # ML P50 (default phase 1)
    causer_basis_m3_per_day: float  # building sewage day-max, MOE notice, no infiltration
    inflow_m3_per_day: float  # expected treated inflow, day-average incl. groundwater (ML P50)
    billed_sewage_m3_per_year: float | None = None  # the fee base from the run's data
    fee_base_origin: str = ""  # how that base was made (printed)
    capacities: dict = field(default_factory=dict)  # other capacities to compare O&M with {name: m3/d}
    years: list = field(default_factory=list)  # scenario years
    need_p50_m3_per_day: list = field(default_factory=list)
    need_p90_m3_per_day: list = field(default_factory=list)


@dataclass
class Budget:
    """Every money figure of the council paper (see module docstring)."""

    inputs: MoneyInputs
    price_year: int
    curve: object
    project: ProjectCost
    causer: dict  # basis_m3_per_day, krw_per_m3_per_day, origin, charge_krw, low_krw, high_krw, default
    funding: FundingSplit
    funding_low: FundingSplit
    funding_high: FundingSplit
    om: OMCost
    billed_m3_per_year: float
    fee_base_origin: str
    financing_rate: float
    financing_range: tuple[float, float] | None  # observed rates when the city has not set its own
    fee: FeeEffect  # the recommended plant: city's net capital + O&M
    fee_low: FeeEffect
    fee_high: FeeEffect
    phasing: PhasingComparison | None
    references: list = field(default_factory=list)

    def city_fee(self, public_amount_krw: float, *, rate: float | None = None) -> FeeEffect:
        """Fee effect of a further public cost [KRW] (e.g. a later expansion): the city's fraction of it."""
        return fee_effect(public_amount_krw * self.funding.city_fraction_of_public, 0.0, self.billed_m3_per_year,
                          financing_rate=self.financing_rate if rate is None else rate,
                          years=self.inputs.value("asset_life_years"))


def financing_rate_range() -> tuple[float, float]:
    """Lowest and highest observed local borrowing rates [-/yr] (kr_discount_and_financing_rates.csv)."""
    import pandas as pd

    from .finance import _csv

    df = _csv("kr_discount_and_financing_rates.csv")
    rows = df[df["parameter"].str.startswith(("local_bond", "regional_dev"))]
    values = pd.to_numeric(rows["value"], errors="coerce").dropna() / 100.0
    return float(values.min()), float(values.max())


def _causer(basis: BudgetBasis, inputs: MoneyInputs) -> dict:
    """The causer charge on its one basis, at the city's price, and over the published price range."""
    price = causer_price(inputs.causer_price_krw_per_m3_per_day)
    q, d = basis.causer_basis_m3_per_day, price["default"]
    given = price["origin"] == "input"
    return {"basis_m3_per_day": q, "krw_per_m3_per_day": price["krw_per_m3_per_day"], "origin": price["origin"],
            "charge_krw": float(causer_charge(q, price["krw_per_m3_per_day"])),
            "low_krw": float(causer_charge(q, price["krw_per_m3_per_day"] if given else d["min_krw_per_m3_per_day"])),
            "high_krw": float(causer_charge(q, price["krw_per_m3_per_day"] if given else d["max_krw_per_m3_per_day"])),
            "default": d}


def _fees(inputs: MoneyInputs, split: tuple, om: OMCost, billed: float, rates: tuple) -> tuple:
    """(central, low, high) fee effects: each end takes the low (high) cost, O&M and rate together."""
    years = inputs.value("asset_life_years")
    ends = zip(split, (om.annual_krw, om.annual_low_krw, om.annual_high_krw), rates)
    return tuple(fee_effect(s.city_krw, o, billed, financing_rate=r, years=years) for s, o, r in ends)


def _phasing(basis: BudgetBasis, inputs: MoneyInputs, curve) -> PhasingComparison | None:
    if not basis.years or any(v is None for v in basis.need_p50_m3_per_day):
        return None
    phase1 = inputs.phase1_capacity_m3_per_day or basis.p50_capacity_m3_per_day
    return compare_phasing(basis.capacity_m3_per_day, phase1, basis.years, basis.need_p50_m3_per_day,
                           basis.need_p90_m3_per_day, curve, discount_rate=inputs.value("social_discount_rate"),
                           analysis_years=inputs.value("asset_life_years"),
                           lead_years=inputs.value("second_train_lead_years"))


def council_budget(basis: BudgetBasis, inputs: MoneyInputs | None = None, range_level: float = 0.9) -> Budget:
    """Cost build-up, funding split, O&M, fee effect (with ranges) and phasing for ``basis``.

    The fee base is ``inputs.billed_sewage_m3_per_year`` or the run's (``basis``); without
    either the fee cannot be computed and a :class:`~sewerplan.model.errors.ParameterError` says so.
    """
    from ..errors import ParameterError
    from .finance import cost_curve

    inputs = inputs or MoneyInputs()
    year = int(inputs.price_year or latest_price_year())
    curve = cost_curve(inputs.value("cost_curve"))
    if not curve.price_year:
        raise ParameterError("cost_curve", curve.name, "a curve at stated prices, e.g. 'korea_real' (not nominal)")
    curve = curve.at_price_year(year)
    project = project_cost(basis.capacity_m3_per_day, curve, construction_cost_krw=inputs.construction_cost_krw,
                           design_supervision_rate=inputs.design_supervision_rate, land_cost_krw=inputs.land_cost_krw,
                           contingency_rate=inputs.contingency_rate, range_level=range_level)
    causer = _causer(basis, inputs)
    split = tuple(funding_split(t, causer["charge_krw"], inputs.national_share, inputs.provincial_share)
                  for t in (project.total_krw, project.total_low_krw, project.total_high_krw))
    om = om_cost(basis.inflow_m3_per_day, basis.capacity_m3_per_day, krw_per_m3=inputs.om_krw_per_m3,
                 fixed_share=inputs.om_fixed_share, price_year=year, capacities=basis.capacities)
    billed = inputs.billed_sewage_m3_per_year or basis.billed_sewage_m3_per_year
    if not billed:
        raise ParameterError("billed_sewage_m3_per_year", billed, "> 0 m3/yr: the city's billed sewage volume")
    rate = inputs.value("financing_rate")
    rng = financing_rate_range() if inputs.financing_rate is None else None
    fees = _fees(inputs, split, om, billed, (rate, *(rng or (rate, rate))))
    origin = "input" if inputs.billed_sewage_m3_per_year else basis.fee_base_origin
    return Budget(inputs=inputs, price_year=year, curve=curve, project=project, causer=causer, funding=split[0],
                  funding_low=split[1], funding_high=split[2], om=om, billed_m3_per_year=float(billed),
                  fee_base_origin=origin, financing_rate=rate, financing_range=rng, fee=fees[0], fee_low=fees[1],
                  fee_high=fees[2], phasing=_phasing(basis, inputs, curve), references=reference_points(curve))
