"""Savings of sizing with the ML forecast instead of the conventional method (release 0.1's comparison).

Kept for the Excel functions and scenario runs that print it; the council briefing uses the
decision (:mod:`.decision`) and the budget (:mod:`.budget`) instead. Money [KRW], capacities [m3/d].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...errors import ParameterError
from .costs import CostCurve, resolve_curve
from .inputs import check_positive, default_value, two_sided_z

__all__ = ["capacity_quantiles", "SizingSavings", "sizing_savings"]


def capacity_quantiles(p50_m3_per_day, upper_m3_per_day, probabilities, level: float = 0.9):
    """Quantiles of the needed capacity [m3/d], log-normal through P50 and the upper bound.

    Notes
    -----
    ``ln Q ~ N(ln p50, sigma)``, ``sigma = ln(upper / p50) / z`` with z the standard-normal
    quantile of ``0.5 + level / 2``. Log-normal because flows are positive and the ML
    intervals are wider above than below.
    """
    p50 = np.asarray(p50_m3_per_day, dtype=float)
    up = np.asarray(upper_m3_per_day, dtype=float)
    check_positive("p50_m3_per_day", p50)
    if np.any(up < p50):
        raise ParameterError("upper_m3_per_day", upper_m3_per_day, ">= p50_m3_per_day")
    from scipy.special import ndtri  # = scipy.stats.norm.ppf, bit for bit, without importing scipy.stats (1-2 s)

    sigma = np.log(up / p50) / two_sided_z(level)
    z = ndtri(np.asarray(probabilities, dtype=float))
    return p50 * np.exp(sigma * z)


@dataclass
class SizingSavings:
    """Savings of sizing the plant with sewerplan instead of the conventional method.

    Money [KRW], capacities [m3/d]. ``*_low``/``*_high`` bound the central ``level``
    interval coming from the ML forecast interval (capacity uncertainty); the cost
    curve's own spread is the separate multiplicative band ``curve_band``.
    """

    conventional_capacity_m3_per_day: float
    recommended_capacity_m3_per_day: float
    p50_capacity_m3_per_day: float
    capacity_difference_m3_per_day: float  # conventional - recommended
    capex_conventional_krw: float
    capex_recommended_krw: float
    capex_p50_krw: float
    capex_saving_krw: float  # conventional - recommended
    capex_saving_p50_krw: float  # conventional - needed at P50
    capex_saving_low_krw: float  # conventional - needed at upper quantile
    capex_saving_high_krw: float  # conventional - needed at lower quantile
    probability_conventional_undersizes: float  # P(needed > conventional) [-]
    probability_recommended_undersizes: float  # P(needed > recommended) [-]
    expected_avoided_expansion_krw: float  # E[extra cost of a later expansion] if conventional built
    expected_recommended_expansion_krw: float  # the same risk if the recommended capacity is built
    curve_band: tuple[float, float]
    level: float
    curve_name: str
    curve_source: str


def _later_expansion_extra_cost(built, needed, curve: CostCurve):
    """Extra cost [KRW] of adding ``needed - built`` later vs building ``needed`` at once.

    Notes
    -----
    ``cost(needed - built) - (cost(needed) - cost(built))`` when ``needed > built``, else 0:
    a separate small expansion loses the economy of scale (exponent < 1). The full later
    expansion cost is ``cost(needed - built)``.
    """
    gap = np.maximum(needed - built, 0.0)
    marginal = curve.cost(np.maximum(needed, built)) - curve.cost(built)
    return np.where(gap > 0, curve.cost(gap) - marginal, 0.0)


def _probability_exceeded(capacity: float, p50: float, sigma: float) -> float:
    """P(needed > ``capacity``) [-] for ``ln Q ~ N(ln p50, sigma)`` (a step when sigma is 0)."""
    from scipy.special import ndtr  # = scipy.stats.norm.cdf, bit for bit, without importing scipy.stats (1-2 s)

    if sigma == 0:
        return float(p50 > capacity)
    return float(1 - ndtr(math.log(capacity / p50) / sigma))


def _capex_savings(c: CostCurve, conv: float, rec: float, p50: float, q_lo: float, q_hi: float) -> dict:
    """Capex [KRW] of the conventional, recommended and P50 capacities, and the savings with their range."""
    cost_conv = float(c.cost(conv))
    return {
        "capex_conventional_krw": cost_conv,
        "capex_recommended_krw": float(c.cost(rec)),
        "capex_p50_krw": float(c.cost(p50)),
        "capex_saving_krw": cost_conv - float(c.cost(rec)),
        "capex_saving_p50_krw": cost_conv - float(c.cost(p50)),
        "capex_saving_low_krw": cost_conv - float(c.cost(q_hi)),
        "capex_saving_high_krw": cost_conv - float(c.cost(q_lo)),
    }


def sizing_savings(
    conventional_capacity_m3_per_day: float,
    p50_capacity_m3_per_day: float,
    upper_capacity_m3_per_day: float,
    *,
    recommended_capacity_m3_per_day: float | None = None,
    level: float | None = None,
    curve=None,
    n_quantiles: int = 399,
) -> SizingSavings:
    """Capacity and capex saved by sizing with the ML forecast, with its uncertainty.

    Parameters
    ----------
    conventional_capacity_m3_per_day : float
        Capacity the conventional method would build [m3/d].
    p50_capacity_m3_per_day, upper_capacity_m3_per_day : float
        Capacity needed at the ML central and upper day-max [m3/d]
        (``model.capacity.plant_capacity`` of each).
    recommended_capacity_m3_per_day : float, optional
        What is proposed; default the upper capacity.
    level : float, optional
        Coverage of the ML interval [-] (default 0.9, from the model card).
    curve : CostCurve, str or float, optional
        Cost curve, its name, or a unit cost [KRW/(m3/d)]; default ``korea_2001_2025``.

    Notes
    -----
    Needed capacity is log-normal (:func:`capacity_quantiles`). Savings interval:
    ``cost(conv) - cost(Q_needed)`` at the interval's quantiles. The avoided later-expansion
    cost is ``E[cost(Q - conv) - (cost(Q) - cost(conv)) | Q > conv] P(Q > conv)``,
    integrated over ``n_quantiles`` equally spaced quantiles.
    """
    level = default_value("interval_level") if level is None else level
    c = resolve_curve(curve)
    conv = float(conventional_capacity_m3_per_day)
    p50 = float(p50_capacity_m3_per_day)
    up = float(upper_capacity_m3_per_day)
    rec = up if recommended_capacity_m3_per_day is None else float(recommended_capacity_m3_per_day)
    check_positive("conventional_capacity_m3_per_day", conv)
    check_positive("recommended_capacity_m3_per_day", rec)
    tail = (1 - level) / 2
    q_lo, q_hi = capacity_quantiles(p50, up, [tail, 1 - tail], level)
    needed = capacity_quantiles(p50, up, (np.arange(n_quantiles) + 0.5) / n_quantiles, level)
    sigma = math.log(up / p50) / two_sided_z(level)
    return SizingSavings(
        conventional_capacity_m3_per_day=conv, recommended_capacity_m3_per_day=rec, p50_capacity_m3_per_day=p50,
        capacity_difference_m3_per_day=conv - rec,
        **_capex_savings(c, conv, rec, p50, q_lo, q_hi),
        probability_conventional_undersizes=_probability_exceeded(conv, p50, sigma),
        probability_recommended_undersizes=_probability_exceeded(rec, p50, sigma),
        expected_avoided_expansion_krw=float(np.mean(_later_expansion_extra_cost(conv, needed, c))),
        expected_recommended_expansion_krw=float(np.mean(_later_expansion_extra_cost(rec, needed, c))),
        curve_band=c.spread_factors(level), level=level, curve_name=c.name, curve_source=c.source,
    )

