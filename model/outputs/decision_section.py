"""The bundle's sizing decision: each baseline plant against the ML need, from the bundle's own numbers.

:func:`decision_for` computes it (:mod:`sewerplan.model.planning.money.decision`) from the
bundle's capacities, so an edited capacity in ``results.json`` changes the wording; with a
budget, on the money basis of the council paper (the plant type's curves, the city's fraction,
the fee base, the one timeline).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..design.parameters import DEFAULT_PARAMETERS
from ..planning.money.costs import resolve_curve
from ..planning.money.decision import NeedDistribution, decide_all
from .bundle_parts import METHODS

__all__ = ["DecisionRow", "Decision", "decision_for"]


@dataclass
class DecisionRow:
    """One baseline plant against the ML need (:mod:`sewerplan.model.planning.money.decision`)."""

    method: str
    capacity_m3_per_day: float
    need_p50_m3_per_day: float
    gap_m3_per_day: float  # capacity - need P50, signed (= t/d)
    direction: str  # under, about_right, over
    probability_too_small: float
    probability_too_large: float
    expected_expansion_krw: float
    expansion_m3_per_day: float
    stranded_capital_krw: float
    stranded_fee_krw_per_m3: float
    stranded_fee_4p_krw_per_month: float
    expansion_year: int | None = None
    probability_expansion: float = 0.0  # P(need beyond the hydraulic margin): a new train forced
    hydraulic_margin: float = 0.0  # [-] the margin the expansion cost used


@dataclass
class Decision:
    """The sizing decision for every baseline, and the distribution it was computed under."""

    distribution: str  # district_total_interval (log-normal) or scenario_simulation
    level: float  # [-] attained two-sided level of the interval
    n_calibration_districts: int
    need_p50_m3_per_day: float
    need_lower_m3_per_day: float
    need_upper_m3_per_day: float
    review_trigger: float
    curve_name: str
    rows: list[DecisionRow] = field(default_factory=list)
    lead_method: str = "master_plan"  # the baseline the summary leads with: the city's plan (capacity.city_plan_method)
    recommended: DecisionRow | None = None  # the recommended plant on the same basis (what it still risks)

    def row(self, method: str) -> DecisionRow | None:
        return next((r for r in self.rows if r.method == method), None)


def decision_for(bundle, *, curve=None, billed_m3_per_day: float | None = None,
                 discount_rate: float | None = None, asset_life_years: float | None = None,
                 budget=None) -> Decision:
    """The sizing decision for every baseline in ``bundle.capacity`` (a ResultsBundle) against the ML need.

    With a ``budget`` (:func:`~sewerplan.model.planning.money.budget.council_budget`) the money
    is on its basis: the plant type's cost curve at the price year (a later expansion on the
    expansion curve of that type, a shortfall within the hydraulic margin costing no capital),
    expansions never dated before the plant opens (the one timeline), and the stranded capital's
    fee effect as the city's share of the plant, at the financing rate, over the fee base.
    The summary leads with the city's plan (``capacity.city_plan_method``); the recommended
    plant is decided on the same basis (``Decision.recommended``).

    The need is log-normal through the capacity's P50 and upper bound at the interval level it
    attains (``capacity.interval_level``, with ``capacity.n_calibration_districts`` districts);
    the year an expansion is forced comes from the scenario's P50 need by year when the bundle
    has a scenario with ML. See :mod:`sewerplan.model.planning.money.decision`.
    """
    c = bundle.capacity
    need = NeedDistribution(c.p50_m3_per_day, c.lower_m3_per_day, c.upper_m3_per_day, c.interval_level,
                            c.n_calibration_districts)
    years = by_year = None
    sc = bundle.scenario
    if sc is not None and sc.ml_available:
        years = [r.year for r in sc.capacity_by_year]
        by_year = [r.ml_p50_m3_per_day for r in sc.capacity_by_year]
    baselines = {m: getattr(c, f"{m}_m3_per_day") for m in METHODS}
    kwargs = {"curve": curve, "billed_m3_per_day": billed_m3_per_day or None, "years": years,
              "need_by_year_m3_per_day": by_year, "discount_rate": discount_rate, "asset_life_years": asset_life_years,
              "params": DEFAULT_PARAMETERS.replace(plant_utilisation=c.review_trigger)}
    if budget is not None:
        kwargs.update(_budget_basis(budget))
    rows = decide_all(baselines, need, **kwargs)
    recommended = decide_all({"recommended": bundle.recommended_capacity_m3_per_day}, need, **kwargs)
    return Decision(
        distribution=need.source, level=need.level, n_calibration_districts=need.n_calibration_districts,
        need_p50_m3_per_day=need.p50_m3_per_day, need_lower_m3_per_day=need.lower_m3_per_day,
        need_upper_m3_per_day=need.upper_m3_per_day, review_trigger=c.review_trigger,
        curve_name=resolve_curve(kwargs["curve"]).name, rows=[_row(r) for r in rows],
        lead_method=c.city_plan_method if c.city_plan_method in baselines else "master_plan",
        recommended=_row(recommended[0]) if recommended else None,
    )


def _row(r) -> DecisionRow:
    return DecisionRow(**{f.name: getattr(r, f.name) for f in dataclasses.fields(DecisionRow)})


def _budget_basis(budget) -> dict:
    """The decision's money on the council budget's basis (see :func:`decision_for`)."""
    f = budget.funding
    timeline = budget.timeline
    return {"curve": budget.curve, "expansion_curve": budget.expansion_curve,
            "billed_m3_per_day": budget.billed_m3_per_year / 365.0, "discount_rate": budget.financing_rate,
            "asset_life_years": budget.inputs.value("asset_life_years"),
            "city_fraction": f.city_krw / f.total_krw if f.total_krw > 0 else 0.0,
            "hydraulic_margin": budget.hydraulic_margin,
            "opening_year": timeline.opening_year if timeline is not None else None}


