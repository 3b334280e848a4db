"""The sizing decision, computed from the numbers in both directions (docs/reports.md, "Decision").

For each baseline plant (pilot formula, master-plan method, MOE unit loads) against the ML
need for treatment capacity:

- the signed gap [m3/d] = baseline capacity - ML need P50 (negative: the baseline is smaller
  than the need; 1 m3 of sewage weighs 1 t, so the same number is the gap in t/d);
- the probability that the baseline plant is too small, P(need > capacity), and too large,
  P(need < review trigger x capacity): even at full build-out the plant would run below the
  80% utilisation at which expansion is reviewed, so part of it stays idle;
- the direction, by where the capacity falls against the need's interval: ``under`` below its
  lower bound, ``over`` above its upper bound, ``about_right`` inside it;
- if too small: the expected cost of the expansion it forces, E[shortfall_cost(need - capacity)]
  from the expansion cost curve, where a shortfall within the plant's hydraulic margin (설계 여유,
  :data:`~.costs.HYDRAULIC_MARGIN`) is met by operation and costs no capital, and the year the
  need (scenario P50 by year) first passes the capacity, never before the plant opens; the
  pilot report's four reference expansions are given beside it;
- if too large: the stranded capital E[max(cost(capacity) - cost(need), 0)] and its fee effect.

Every money figure is an expected cost >= 0; no "saving" is ever computed as a difference
that could turn negative.

The ML need is log-normal through the P50 and the upper bound of the calibrated
district-total interval at the level it *attains* with the number of calibration districts
(:func:`sewerplan.model.ml.intervals.attained_level`; 7/9 = 78% with 8 districts), not the
nominal 90%: :class:`NeedDistribution`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...design.parameters import DEFAULT_PARAMETERS, DesignParameters
from ...errors import ParameterError
from .costs import HYDRAULIC_MARGIN, ReferenceProject, reference_projects, resolve_curve, shortfall_cost
from .fees import billed_volume_from_sewage, fee_impact

__all__ = ["DIRECTIONS", "NeedDistribution", "BaselineDecision", "ReferenceProject", "reference_projects",
           "decide", "decide_all", "first_year_above"]

DIRECTIONS = ("under", "about_right", "over")
_N_QUANTILES = 399


@dataclass(frozen=True)
class NeedDistribution:
    """The ML need for treatment capacity [m3/d] (design day-max incl. infiltration), log-normal.

    Attributes
    ----------
    p50_m3_per_day, lower_m3_per_day, upper_m3_per_day : float
        Centre and bounds of the calibrated interval [m3/d].
    level : float
        Two-sided level [-] the bounds attain with ``n_calibration_districts`` (not the nominal).
    n_calibration_districts : int
        Held-out districts the interval rests on (printed beside every probability).
    source : str
        Which distribution: ``district_total_interval`` (calibrated district-total interval,
        applied to the town total) or ``scenario_simulation`` (the scenario's simulated totals).
    """

    p50_m3_per_day: float
    lower_m3_per_day: float
    upper_m3_per_day: float
    level: float
    n_calibration_districts: int
    source: str = "district_total_interval"

    def __post_init__(self):
        if not 0 < self.p50_m3_per_day <= self.upper_m3_per_day:
            raise ParameterError("p50_m3_per_day", self.p50_m3_per_day, f"in (0, upper {self.upper_m3_per_day}]")
        if not 0 < self.level < 1:
            raise ParameterError("level", self.level, "(0, 1)")

    @property
    def sigma(self) -> float:
        """ln-scale spread [-]: ln(upper / P50) / z, z the normal quantile of 0.5 + level / 2."""
        from scipy.special import ndtri  # = scipy.stats.norm.ppf, bit for bit, without importing scipy.stats (1-2 s)

        return math.log(self.upper_m3_per_day / self.p50_m3_per_day) / float(ndtri(0.5 + self.level / 2))

    def probability_above(self, capacity_m3_per_day: float) -> float:
        """P(need > capacity) [-]."""
        from scipy.special import ndtr  # = scipy.stats.norm.cdf, bit for bit, without importing scipy.stats (1-2 s)

        if self.sigma == 0:
            return float(self.p50_m3_per_day > capacity_m3_per_day)
        return float(1 - ndtr(math.log(capacity_m3_per_day / self.p50_m3_per_day) / self.sigma))

    def quantile_grid(self, n: int = _N_QUANTILES) -> np.ndarray:
        """``n`` equally likely needs [m3/d] (mid-point quantiles) for expectations."""
        from scipy.special import ndtri  # = scipy.stats.norm.ppf, bit for bit, without importing scipy.stats (1-2 s)

        z = ndtri((np.arange(n) + 0.5) / n)
        return self.p50_m3_per_day * np.exp(self.sigma * z)


@dataclass
class BaselineDecision:
    """One baseline plant against the ML need. Capacities [m3/d], money [KRW], probabilities [-]."""

    method: str
    capacity_m3_per_day: float
    need_p50_m3_per_day: float
    gap_m3_per_day: float  # capacity - need P50; < 0 when the baseline is below the need
    direction: str  # one of DIRECTIONS
    probability_too_small: float  # P(need > capacity)
    probability_too_large: float  # P(need < review trigger x capacity)
    expected_expansion_krw: float  # E[cost of the later expansion], >= 0
    expansion_m3_per_day: float  # max(need P50 - capacity, 0)
    expansion_year: int | None  # first year the scenario's P50 need passes the capacity
    stranded_capital_krw: float  # E[capital in capacity above the need], >= 0
    stranded_fee_krw_per_m3: float
    stranded_fee_4p_krw_per_month: float
    probability_expansion: float = 0.0  # P(need > capacity x (1 + hydraulic margin)): a new train forced
    hydraulic_margin: float = 0.0  # [-] the margin the expansion cost used

    @property
    def gap_t_per_day(self) -> float:
        """The gap in t/d (1 m3 of sewage = 1 t), the pilot's unit."""
        return self.gap_m3_per_day


def first_year_above(years, need_by_year_m3_per_day, capacity_m3_per_day: float) -> int | None:
    """First year whose need [m3/d] exceeds the capacity [m3/d], or None."""
    for y, q in zip(years, need_by_year_m3_per_day):
        if q is not None and q > capacity_m3_per_day:
            return int(y)
    return None


def _direction(capacity: float, need: NeedDistribution) -> str:
    """under / about_right / over by where the capacity falls against the need's interval."""
    if capacity < need.lower_m3_per_day:
        return "under"
    if capacity > need.upper_m3_per_day:
        return "over"
    return "about_right"


def _expected_costs(capacity: float, grid: np.ndarray, curve, expansion_curve, margin: float) -> tuple[float, float]:
    """(expected expansion cost, expected stranded capital) [KRW] over the need grid, both >= 0."""
    expansion = shortfall_cost(grid - capacity, capacity, expansion_curve, margin)
    stranded = np.maximum(float(curve.cost(capacity)) - curve.cost(np.minimum(grid, capacity)), 0.0)
    return float(np.mean(expansion)), float(np.mean(stranded))


def decide(method: str, capacity_m3_per_day: float, need: NeedDistribution, *, curve=None,
           billed_m3_per_day: float | None = None, years=None, need_by_year_m3_per_day=None,
           params: DesignParameters = DEFAULT_PARAMETERS, discount_rate=None, asset_life_years=None,
           city_fraction: float = 1.0, expansion_curve=None, hydraulic_margin: float = HYDRAULIC_MARGIN,
           opening_year: int | None = None) -> BaselineDecision:
    """The decision for one baseline plant against the ML need.

    Parameters
    ----------
    method : str
        Baseline key (``pilot_formula``, ``master_plan``, ``unit_load``).
    capacity_m3_per_day : float
        The baseline's plant capacity = its design day-max [m3/d].
    need : NeedDistribution
    curve : CostCurve, str or float, optional
        Expansion cost curve; default ``korea_2001_2025`` (21 sourced projects).
    billed_m3_per_day : float, optional
        Billed water the fee is spread over [m3/d]; default the need's P50 / return ratio x 0.75.
    years, need_by_year_m3_per_day : sequences, optional
        The scenario's P50 need by year [m3/d], to find the year an expansion is forced.
    discount_rate, asset_life_years : float, optional
        Annuity rate [-/yr] and period [yr] of the stranded capital's fee effect (the city's
        financing rate when called through the money model).
    city_fraction : float
        Share of the stranded capital the city carries [-] (after subsidies; 1 = all of it).
    expansion_curve : CostCurve, optional
        Curve of a later expansion (default ``curve``; an underground plant grows underground).
    hydraulic_margin : float
        Share of the capacity [-] a shortfall may reach before a new train is built (default 10%).
    opening_year : int, optional
        The year the plant opens (the one timeline): an expansion is never dated before it.
    """
    cap = float(capacity_m3_per_day)
    if not cap > 0:
        raise ParameterError("capacity_m3_per_day", capacity_m3_per_day, "> 0 m3/d")
    c = resolve_curve(curve)
    grid = need.quantile_grid()
    expansion, stranded = _expected_costs(cap, grid, c, resolve_curve(expansion_curve) if expansion_curve else c,
                                          hydraulic_margin)
    billed = billed_m3_per_day or float(billed_volume_from_sewage(
        need.p50_m3_per_day * params.day_average_to_day_max / (1 + params.infiltration_ratio)))
    fee = fee_impact(stranded * city_fraction, billed, discount_rate=discount_rate, asset_life_years=asset_life_years)
    year = first_year_above(years, need_by_year_m3_per_day, cap) if years is not None else None
    if year is not None and opening_year is not None:
        year = max(year, int(opening_year))
    return BaselineDecision(
        method=method, capacity_m3_per_day=cap, need_p50_m3_per_day=need.p50_m3_per_day,
        gap_m3_per_day=cap - need.p50_m3_per_day, direction=_direction(cap, need),
        probability_too_small=need.probability_above(cap),
        probability_too_large=1.0 - need.probability_above(params.plant_utilisation * cap),
        expected_expansion_krw=expansion, expansion_m3_per_day=max(need.p50_m3_per_day - cap, 0.0),
        expansion_year=year, stranded_capital_krw=stranded, stranded_fee_krw_per_m3=fee.krw_per_m3,
        stranded_fee_4p_krw_per_month=fee.households[3]["krw_per_month"],
        probability_expansion=need.probability_above(cap * (1 + hydraulic_margin)), hydraulic_margin=hydraulic_margin,
    )


def decide_all(baselines: dict, need: NeedDistribution, **kwargs) -> list[BaselineDecision]:
    """:func:`decide` for every baseline ``{method: capacity [m3/d]}`` with a capacity > 0, in order."""
    return [decide(m, cap, need, **kwargs) for m, cap in baselines.items() if cap and cap > 0]
