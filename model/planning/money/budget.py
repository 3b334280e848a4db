"""The council paper's money in one computation: cost, who pays, running cost, fees, phasing, timeline.

:func:`council_budget` takes what a run provides (:class:`BudgetBasis`: capacities, the causer
charge's basis flows, the treated inflow, the fee base, the scenario's need by year, the one
timeline) and the money inputs (:class:`~.inputs.MoneyInputs`) and returns a :class:`Budget`.
All money [KRW] at the price year's prices; every figure a reader sees first carries its range:
the plant type's cost spread, the O&M unit cost's range and, when the city has not set its rate,
the observed financing rates.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...errors import ParameterError
from .costs import (CostCurve, OMCost, ProjectCost, cost_curve, later_expansion_type, om_cost, plant_type_curve,
                    project_cost, reference_points)
from .fees import FeeBase, FeeEffect, fee_effect
from .funding import (CAUSER_BASES, FundingSplit, causer_charge, causer_price, funding_split, split_difference)
from .inputs import MoneyInputs
from .phasing import PhasingComparison, compare_phasing
from .prices import latest_price_year
from .tables import csv_table
from .timeline import Timeline

__all__ = ["BudgetBasis", "Budget", "council_budget", "financing_rate_range", "with_capacity"]


@dataclass
class BudgetBasis:
    """What the run provides to the money model (flows [m3/d], volume [m3/yr])."""

    capacity_m3_per_day: float  # the capacity the council is asked to approve
    p50_capacity_m3_per_day: float  # ML P50 (default phase 1)
    causer_basis_m3_per_day: float  # building sewage day-max, MOE notice (the ordinance's loads), no infiltration
    inflow_m3_per_day: float  # expected treated inflow, day-average incl. groundwater once (ML P50)
    billed_sewage_m3_per_year: float | None = None  # the fee base from the run's data (billed water)
    fee_base_origin: str = ""  # how that base was made (printed)
    capacities: dict = field(default_factory=dict)  # other capacities to compare O&M with {name: m3/d}
    years: list = field(default_factory=list)  # scenario years
    need_p50_m3_per_day: list = field(default_factory=list)
    need_p90_m3_per_day: list = field(default_factory=list)
    measured_basis_m3_per_day: float = 0.0  # the need measured from bills, day-max without groundwater (ML P50)
    fee_base: FeeBase | None = None  # its parts (existing, new town), when the run knows them
    timeline: Timeline | None = None  # the one timeline (schedule, opening, interim)


@dataclass
class Budget:
    """Every money figure of the council paper (see module docstring)."""

    inputs: MoneyInputs
    price_year: int
    curve: CostCurve  # the plant type's curve at the price year (what is built)
    project: ProjectCost
    causer: dict  # basis, basis_m3_per_day, krw_per_m3_per_day, origin, charge_krw, low_krw, high_krw, default, by_basis
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
    expansion_curve: CostCurve | None = None  # the curve of a later expansion of this plant
    hydraulic_margin: float = 0.10
    fee_base: FeeBase | None = None
    timeline: Timeline | None = None

    @property
    def structure(self) -> str:
        """The funding structure (a key of :data:`~.funding.FUNDING_STRUCTURES`)."""
        return self.funding.structure

    def city_fee(self, public_amount_krw: float, *, rate: float | None = None) -> FeeEffect:
        """Fee effect of a further public cost [KRW] (e.g. a later expansion): the city's fraction of it."""
        return fee_effect(public_amount_krw * self.funding.city_fraction_of_public, 0.0, self.billed_m3_per_year,
                          financing_rate=self.financing_rate if rate is None else rate,
                          years=self.inputs.value("asset_life_years"))

    def plant_fee(self, city_capital_krw: float, annual_om_krw: float) -> FeeEffect:
        """Fee effect [KRW/m3, KRW/month] of a plant whose city capital and O&M are given, on this fee base."""
        return fee_effect(city_capital_krw, annual_om_krw, self.billed_m3_per_year, financing_rate=self.financing_rate,
                          years=self.inputs.value("asset_life_years"))

    def whose(self, larger: "Budget") -> dict[str, float]:
        """{payer: KRW} of what ``larger`` (a bigger plant on the same basis) costs beyond this budget's plant."""
        return split_difference(larger.funding, self.funding)


def financing_rate_range() -> tuple[float, float]:
    """Lowest and highest observed local borrowing rates [-/yr] (kr_discount_and_financing_rates.csv)."""
    import pandas as pd

    df = csv_table("kr_discount_and_financing_rates.csv")
    rows = df[df["parameter"].str.startswith(("local_bond", "regional_dev"))]
    values = pd.to_numeric(rows["value"], errors="coerce").dropna() / 100.0
    return float(values.min()), float(values.max())


def _causer(basis: BudgetBasis, inputs: MoneyInputs) -> dict:
    """The causer charge on the chosen basis, at the city's price and over the published price range,
    with the charge on each basis beside it (the ordinance's unit loads, the measured need)."""
    price = causer_price(inputs.causer_price_krw_per_m3_per_day)
    unit, d = price["krw_per_m3_per_day"], price["default"]
    given = price["origin"] == "input"
    flows = {"unit_loads": basis.causer_basis_m3_per_day, "measured_need": basis.measured_basis_m3_per_day}
    key = inputs.value("causer_basis")
    q = flows[key]
    if not q > 0:
        raise ParameterError("causer_basis", key, f"a basis the run provides ({', '.join(k for k, v in flows.items() if v > 0)})")
    return {"basis": key, "basis_m3_per_day": q, "krw_per_m3_per_day": unit, "origin": price["origin"],
            "charge_krw": float(causer_charge(q, unit)),
            "low_krw": float(causer_charge(q, unit if given else d["min_krw_per_m3_per_day"])),
            "high_krw": float(causer_charge(q, unit if given else d["max_krw_per_m3_per_day"])),
            "default": d, "by_basis": {k: {"label_ko": CAUSER_BASES[k].label_ko, "label_en": CAUSER_BASES[k].label_en,
                                           "basis_m3_per_day": v, "charge_krw": float(causer_charge(v, unit))}
                                       for k, v in flows.items() if v > 0}}


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
                           lead_years=inputs.value("second_train_lead_years"), timeline=basis.timeline)


def _curves(inputs: MoneyInputs, year: int) -> tuple[CostCurve, CostCurve]:
    """(the curve of the plant built, the curve of a later expansion of it) at the price year."""
    kind = inputs.value("plant_type")
    if inputs.cost_curve:
        curve = cost_curve(inputs.cost_curve)
        if not curve.price_year:
            raise ParameterError("cost_curve", curve.name, "a curve at stated prices, e.g. 'korea_real' (not nominal)")
        curve = curve.at_price_year(year)
        return curve, curve
    return plant_type_curve(kind, year), plant_type_curve(later_expansion_type(kind), year)


def _fee_base(basis: BudgetBasis, inputs: MoneyInputs) -> tuple[float, str, FeeBase | None]:
    billed = inputs.billed_sewage_m3_per_year or basis.billed_sewage_m3_per_year
    if not billed:
        raise ParameterError("billed_sewage_m3_per_year", billed, "> 0 m3/yr: the city's billed volume (water)")
    if inputs.billed_sewage_m3_per_year:
        return float(billed), "input", None
    return float(billed), basis.fee_base_origin, basis.fee_base


def council_budget(basis: BudgetBasis, inputs: MoneyInputs | None = None, range_level: float = 0.9) -> Budget:
    """Cost build-up, funding split, O&M, fee effect (with ranges) and phasing for ``basis``.

    The fee base is ``inputs.billed_sewage_m3_per_year`` or the run's (``basis``); without
    either the fee cannot be computed and a :class:`~sewerplan.model.errors.ParameterError` says so.
    """
    inputs = inputs or MoneyInputs()
    year = int(inputs.price_year or latest_price_year())
    curve, expansion = _curves(inputs, year)
    project = project_cost(basis.capacity_m3_per_day, curve, construction_cost_krw=inputs.construction_cost_krw,
                           design_supervision_rate=inputs.design_supervision_rate, land_cost_krw=inputs.land_cost_krw,
                           contingency_rate=inputs.contingency_rate, range_level=range_level)
    causer = _causer(basis, inputs)
    structure = inputs.value("funding_structure")
    split = tuple(funding_split(t, causer["charge_krw"], inputs.national_share, inputs.provincial_share, structure)
                  for t in (project.total_krw, project.total_low_krw, project.total_high_krw))
    om = om_cost(basis.inflow_m3_per_day, basis.capacity_m3_per_day, krw_per_m3=inputs.om_krw_per_m3,
                 fixed_share=inputs.om_fixed_share, price_year=year, capacities=basis.capacities)
    billed, origin, fee_base = _fee_base(basis, inputs)
    rate = inputs.value("financing_rate")
    rng = financing_rate_range() if inputs.financing_rate is None else None
    fees = _fees(inputs, split, om, billed, (rate, *(rng or (rate, rate))))
    return Budget(inputs=inputs, price_year=year, curve=curve, project=project, causer=causer, funding=split[0],
                  funding_low=split[1], funding_high=split[2], om=om, billed_m3_per_year=billed,
                  fee_base_origin=origin, financing_rate=rate, financing_range=rng, fee=fees[0], fee_low=fees[1],
                  fee_high=fees[2], phasing=_phasing(basis, inputs, curve),
                  references=reference_points(plant_type_curve("expansion", year)),
                  expansion_curve=expansion, hydraulic_margin=inputs.value("hydraulic_margin"), fee_base=fee_base,
                  timeline=basis.timeline)


def with_capacity(basis: BudgetBasis, capacity_m3_per_day: float) -> BudgetBasis:
    """The same basis for another plant capacity [m3/d], without phasing (a plant compared, not proposed)."""
    return replace(basis, capacity_m3_per_day=capacity_m3_per_day, years=[])
