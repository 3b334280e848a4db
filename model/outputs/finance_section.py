"""Optional part of the results bundle: the money inputs, their data basis and the headline figures.

``ResultsBundle.finance`` (:class:`FinanceSection`) holds the money inputs the producer used
(:class:`~sewerplan.model.planning.money.inputs.MoneyInputs`, ``null`` = default), what the run's
data gives the money model (the causer charge's basis flows, the treated inflow, the fee base
of billed water and its parts) and the producer's headline figures. The reports compute the
money again from the inputs (merged with ``sewerplan report`` options), so editing an input in
``results.json`` changes the briefing; the headline copy lets anyone check the arithmetic.

One truth for both papers: the treated inflow is the ML day-average of the planned town with its
groundwater counted once (``planned_total.ml.day_average_m3_per_day``, the figure the hearing
handout says "평소 하루"), and the fee base is billed water (the fee is billed on water use) of
the existing town and, at build-out, of the new town.

Units: money [KRW] at ``price_year`` prices, flows [m3/d], volumes [m3/yr], rates [-/yr].
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..planning.money.inputs import MoneyInputs
from .bundle_parts import METHODS

__all__ = ["FinanceHeadline", "FinanceSection", "budget_basis", "causer_basis_from_bundle", "finance_section",
           "headline_from_budget", "fee_base_from_bundle", "timeline_from_bundle", "measured_basis_from_bundle",
           "ml_sewage_day_average"]


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
    funding_structure: str = ""  # finance.funding_structure used
    plant_type: str = ""  # finance.plant_type used
    developer_krw: float = 0.0  # what the developer (사업시행자) pays
    om_inflow_m3_per_day: float = 0.0  # the inflow the O&M is on (day-average, groundwater once)
    fee_base_existing_m3_per_year: float = 0.0  # the fee base's parts (billed water)
    fee_base_new_town_m3_per_year: float = 0.0


@dataclass
class FinanceSection:
    """Money inputs, the run's data basis for them, and the producer's headline figures."""

    inputs: MoneyInputs = field(default_factory=MoneyInputs)
    causer_basis_m3_per_day: float = 0.0  # planned town's building sewage, day-max, MOE notice, no infiltration
    inflow_m3_per_day: float = 0.0  # treated inflow, day-average incl. groundwater once (= planned_total.ml)
    fee_base_m3_per_year: float = 0.0  # the fee base: billed water [m3/yr] (existing + new town)
    fee_base_origin: str = ""  # one of planning.money.fees.FEE_BASE_ORIGINS
    headline: FinanceHeadline | None = None
    fee_base_existing_m3_per_year: float = 0.0  # the existing town's billed water, all meters
    fee_base_new_town_m3_per_year: float = 0.0  # the new town's billed water at build-out
    measured_basis_m3_per_day: float = 0.0  # the need measured from bills, day-max without groundwater (ML P50)


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


def _parameter(bundle, name: str):
    """A design parameter as the run used it (``metadata.parameters``), else the design default."""
    from ..design.parameters import DEFAULT_PARAMETERS

    used = next((p.value for p in bundle.metadata.parameters if p.name == name), None)
    return float(used) if used is not None else float(getattr(DEFAULT_PARAMETERS, name))


def _ml_term(bundle, name: str):
    base = next((b for b in bundle.baselines if b.method == "ml"), None)
    return next((t.value for t in base.terms if t.name == name), None) if base else None


def _inflow(bundle) -> float:
    """Treated inflow [m3/d]: the planned town's ML day-average with its groundwater counted once.

    Always the bundle's own ``planned_total.ml.day_average_m3_per_day`` (which holds the
    groundwater), so the O&M and the hearing's "평소 하루" are one figure; release 0.2 added the
    groundwater a second time.
    """
    return float(bundle.planned_total.ml.day_average_m3_per_day)


def ml_sewage_day_average(bundle) -> float:
    """The planned town's ML day-average sewage without groundwater [m3/d] (what its meters will bill / return ratio)."""
    term = _ml_term(bundle, "day_average")
    if term is not None:
        return float(term)
    gw = _ml_term(bundle, "infiltration")
    avg = bundle.planned_total.ml.day_average_m3_per_day
    if gw is not None:
        return float(avg - gw)
    ratio, inf = _parameter(bundle, "day_average_to_day_max"), _parameter(bundle, "infiltration_ratio")
    return float(avg / (1 + inf / ratio))


def measured_basis_from_bundle(bundle) -> float:
    """The need measured from bills as a causer-charge basis [m3/d]: ML day-max without groundwater."""
    if bundle.finance is not None and bundle.finance.measured_basis_m3_per_day > 0:
        return bundle.finance.measured_basis_m3_per_day
    return ml_sewage_day_average(bundle) / _parameter(bundle, "day_average_to_day_max")


def _new_town_water(bundle) -> float:
    from ..planning.money.fees import new_town_billed_water_m3_per_year

    return new_town_billed_water_m3_per_year(ml_sewage_day_average(bundle), _parameter(bundle, "return_ratio"))


def fee_base_from_bundle(bundle):
    """The fee base (:class:`~sewerplan.model.planning.money.fees.FeeBase`): billed water [m3/yr].

    From the section's parts when given; a release 0.2 section (origin ``existing_billed_water``,
    which was the existing town's *sewage*: billed water x 0.85) is turned back into water and
    the new town added; a city's own figure (``input``) or a producer's other base is used as
    given; else the bundle's billed water of the existing town plus the new town; else the new
    town alone.
    """
    from ..planning.money.fees import FeeBase
    from ..units import DAYS_PER_YEAR

    f, new_town = bundle.finance, _new_town_water(bundle)
    if f is not None and f.fee_base_existing_m3_per_year > 0:
        return FeeBase(f.fee_base_existing_m3_per_year, f.fee_base_new_town_m3_per_year,
                       f.fee_base_origin or "billed_water_with_new_town")
    if f is not None and f.fee_base_m3_per_year > 0:
        if f.fee_base_origin == "existing_billed_water":
            return FeeBase(f.fee_base_m3_per_year / _parameter(bundle, "return_ratio"), new_town,
                           "existing_sewage_legacy")
        return FeeBase(f.fee_base_m3_per_year, 0.0, f.fee_base_origin or "input")
    if bundle.billed_volume_m3_per_day > 0:
        return FeeBase(bundle.billed_volume_m3_per_day * DAYS_PER_YEAR, new_town, "billed_water_with_new_town")
    return FeeBase(0.0, new_town, "new_town_ml")


def timeline_from_bundle(bundle):
    """The one timeline (:class:`~sewerplan.model.planning.money.timeline.Timeline`) of the bundle's
    schedule, its scenario's years and where the sewage goes before the plant opens."""
    from ..planning.money.timeline import timeline_from

    b, sc = bundle.briefing, bundle.scenario
    steps = {s.step: (s.start, s.end) for s in b.schedule} if b is not None else {}
    years = [r.year for r in sc.capacity_by_year] if sc is not None else []
    return timeline_from(steps, years, interim=b.interim if b is not None else "",
                         interim_capacity_m3_per_day=b.interim_capacity_m3_per_day if b is not None else None)


def budget_basis(bundle):
    """The :class:`~sewerplan.model.planning.budget.BudgetBasis` a results bundle provides."""
    from ..planning.money.budget import BudgetBasis

    c, sc = bundle.capacity, bundle.scenario
    fee_base = fee_base_from_bundle(bundle)
    years = p50 = p90 = []
    if sc is not None and sc.ml_available:
        years = [r.year for r in sc.capacity_by_year]
        p50 = [r.ml_p50_m3_per_day for r in sc.capacity_by_year]
        p90 = [r.ml_p90_m3_per_day for r in sc.capacity_by_year]
    return BudgetBasis(
        capacity_m3_per_day=bundle.recommended_capacity_m3_per_day, p50_capacity_m3_per_day=c.p50_m3_per_day,
        causer_basis_m3_per_day=causer_basis_from_bundle(bundle), inflow_m3_per_day=_inflow(bundle),
        billed_sewage_m3_per_year=fee_base.total_m3_per_year, fee_base_origin=fee_base.origin,
        capacities={m: getattr(c, f"{m}_m3_per_day") for m in METHODS if getattr(c, f"{m}_m3_per_day")},
        years=years, need_p50_m3_per_day=p50, need_p90_m3_per_day=p90,
        measured_basis_m3_per_day=measured_basis_from_bundle(bundle), fee_base=fee_base,
        timeline=timeline_from_bundle(bundle))


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
        pv_phased_krw=ph.pv_phased_krw if ph else None, funding_structure=s.structure,
        plant_type=p.plant_type, developer_krw=s.developer_krw, om_inflow_m3_per_day=budget.om.inflow_m3_per_day,
        fee_base_existing_m3_per_year=budget.fee_base.existing_m3_per_year if budget.fee_base else 0.0,
        fee_base_new_town_m3_per_year=budget.fee_base.new_town_m3_per_year if budget.fee_base else 0.0)


def finance_section(bundle, inputs: MoneyInputs | None = None, *, existing_billed_water_m3_per_year: float = 0.0,
                    fee_base_m3_per_year: float = 0.0, fee_base_origin: str = "") -> FinanceSection:
    """The bundle's finance section for ``inputs``, with the data basis and the headline figures.

    ``existing_billed_water_m3_per_year``: the existing town's billed water (all meters) [m3/yr];
    the fee base is it plus the new town's billed water at build-out. ``fee_base_m3_per_year``
    with its ``fee_base_origin`` gives a base made another way instead.
    """
    from ..planning.money.budget import council_budget

    section = FinanceSection(inputs=inputs or MoneyInputs(), fee_base_m3_per_year=fee_base_m3_per_year,
                             fee_base_origin=fee_base_origin)
    previous, bundle.finance = bundle.finance, section
    try:
        if existing_billed_water_m3_per_year > 0:
            section.fee_base_existing_m3_per_year = round(existing_billed_water_m3_per_year, 1)
            section.fee_base_new_town_m3_per_year = round(_new_town_water(bundle), 1)
            section.fee_base_m3_per_year = round(section.fee_base_existing_m3_per_year +
                                                 section.fee_base_new_town_m3_per_year, 1)
            section.fee_base_origin = "billed_water_with_new_town"
        section.causer_basis_m3_per_day = round(causer_basis_from_bundle(bundle), 3)
        section.measured_basis_m3_per_day = round(measured_basis_from_bundle(bundle), 3)
        section.inflow_m3_per_day = round(_inflow(bundle), 3)
        section.headline = headline_from_budget(council_budget(budget_basis(bundle), section.inputs))
    finally:
        bundle.finance = previous
    return section
