"""Phasing as an alternative: build phase 1 now with the site reserved, or the full capacity at once.

Path A builds the full capacity B from t0, the first construction year of the one timeline
(:class:`~.timeline.Timeline`; without a schedule, the scenario's first year). Path B builds
phase 1 (capacity P, by default the ML P50) from t0 and a second train of B - P when the need
passes P, started ``lead`` years before, but never before phase 1 opens: a second train is a
project of its own once the first runs. When the need passes P within ``lead`` years of the
opening, the second train starts the year phase 1 opens (``probability_at_opening``): phasing
then barely differs from building at once. The need by year comes from the planning scenario
(P50 and P90 of capacity needed [m3/d]), log-normal in each year; since a town-wide error moves
every year together, P(need has passed P by year t) = the largest yearly probability up to t.
After the scenario's last year the need stays at its final level.

Present value at the social discount rate over the analysis period, at constant prices of the
price year (a real rate with real prices); a train built later keeps a straight-line residual
value at the end of the period. The land for the second train is reserved (bought) in both
paths, so it does not differ; O&M is left out (its variable part follows the inflow in both).
The cost curve's spread scales every cost alike, so it moves both present values together and
does not change which path is cheaper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...errors import ParameterError
from .timeline import Timeline

__all__ = ["PhasingComparison", "compare_phasing", "probability_passed_by_year"]

_Z90 = 1.2815515655446004  # standard-normal quantile of 0.9 (P90)


def probability_passed_by_year(years, p50_m3_per_day, p90_m3_per_day, capacity_m3_per_day: float) -> list[float]:
    """P(need > capacity in year t or earlier) [-] per year, log-normal through P50 and P90."""
    from scipy.special import ndtr  # = scipy.stats.norm.cdf, bit for bit, without importing scipy.stats (1-2 s)

    out, running = [], 0.0
    for p50, p90 in zip(p50_m3_per_day, p90_m3_per_day):
        if p50 is None or p50 <= 0:
            p = 0.0
        else:
            sigma = math.log(max(p90 or p50, p50) / p50) / _Z90
            p = float(p50 > capacity_m3_per_day) if sigma == 0 else \
                float(1 - ndtr(math.log(capacity_m3_per_day / p50) / sigma))
        running = max(running, p)
        out.append(running)
    return out


@dataclass
class PhasingComparison:
    """Present values [KRW, price-year prices] of building at once vs in two phases."""

    full_capacity_m3_per_day: float
    phase1_capacity_m3_per_day: float
    second_train_m3_per_day: float
    cost_full_krw: float
    cost_phase1_krw: float
    cost_second_train_krw: float
    pv_at_once_krw: float
    pv_phased_krw: float
    probability_second_train: float  # within the analysis period
    expected_second_train_year: float | None  # probability-weighted start year of the second train
    first_year: int  # t0: the first construction year (money is discounted to it)
    discount_rate: float
    analysis_years: float
    lead_years: float
    by_year: list[dict] = field(default_factory=list)  # year, probability passed by then
    opening_year: int | None = None  # phase 1 opens (the timeline's); the second train never starts before
    probability_at_opening: float = 0.0  # P(the second train must start the year phase 1 opens)

    @property
    def cheaper(self) -> str:
        """``at_once`` or ``phased`` (the lower present value)."""
        return "phased" if self.pv_phased_krw < self.pv_at_once_krw else "at_once"


def _discounted(cost: float, spend_year: float, t0: int, rate: float, period: float, life: float) -> float:
    """PV at t0 [KRW] of ``cost`` spent in ``spend_year``, less its residual value at t0 + period."""
    remaining = max(0.0, 1.0 - (t0 + period - spend_year) / life)
    return cost / (1 + rate) ** (spend_year - t0) - cost * remaining / (1 + rate) ** period


def compare_phasing(full_capacity_m3_per_day: float, phase1_capacity_m3_per_day: float, years, p50_m3_per_day,
                    p90_m3_per_day, curve, *, discount_rate: float, analysis_years: float, lead_years: float,
                    asset_life_years: float | None = None, timeline: Timeline | None = None) -> PhasingComparison | None:
    """Expected present value of each path; None when phase 1 is not smaller than the full capacity.

    Parameters
    ----------
    full_capacity_m3_per_day, phase1_capacity_m3_per_day : float
        B (built at once) and P (phase 1) [m3/d].
    years, p50_m3_per_day, p90_m3_per_day : sequences
        The scenario's capacity needed by year [m3/d] (P50, P90).
    curve : CostCurve
        Real cost curve at the price year.
    discount_rate : float
        Social discount rate [-/yr] (real).
    analysis_years, lead_years : float
        Analysis period and the second train's lead time [yr].
    timeline : Timeline, optional
        The plant's years: t0 = its first construction year, the second train not before it opens.
    """
    b, p = float(full_capacity_m3_per_day), float(phase1_capacity_m3_per_day)
    if not p > 0:
        raise ParameterError("phase1_capacity_m3_per_day", p, "> 0 m3/d")
    if p >= b or not len(years):
        return None
    life = asset_life_years or analysis_years
    t0 = int(timeline.spend_year) if timeline is not None and timeline.spend_year is not None else int(years[0])
    opening = timeline.opening_year if timeline is not None else None
    earliest = opening if opening is not None else t0
    passed = probability_passed_by_year(years, p50_m3_per_day, p90_m3_per_day, p)
    c_full, c1, c2 = float(curve.cost(b)), float(curve.cost(p)), float(curve.cost(b - p))
    pv_phased, prev, weighted, at_opening = _discounted(c1, t0, t0, discount_rate, analysis_years, life), 0.0, 0.0, 0.0
    for year, prob in zip(years, passed):
        step, prev = prob - prev, prob
        spend = max(int(year) - lead_years, earliest)
        if step > 0 and spend <= t0 + analysis_years:
            pv_phased += step * _discounted(c2, spend, t0, discount_rate, analysis_years, life)
            weighted += step * spend
            at_opening += step if opening is not None and spend == opening else 0.0
    total_p = passed[-1] if passed else 0.0
    return PhasingComparison(
        full_capacity_m3_per_day=b, phase1_capacity_m3_per_day=p, second_train_m3_per_day=b - p,
        cost_full_krw=c_full, cost_phase1_krw=c1, cost_second_train_krw=c2,
        pv_at_once_krw=_discounted(c_full, t0, t0, discount_rate, analysis_years, life), pv_phased_krw=pv_phased,
        probability_second_train=total_p, expected_second_train_year=weighted / total_p if total_p > 0 else None,
        first_year=t0, discount_rate=float(discount_rate), analysis_years=float(analysis_years),
        lead_years=float(lead_years), by_year=[{"year": int(y), "probability": q} for y, q in zip(years, passed)],
        opening_year=opening, probability_at_opening=at_opening,
    )
