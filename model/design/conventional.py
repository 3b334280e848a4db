"""The conventional (population) method of the Korean sewerage design standard.

Pure, vectorised functions: scalars, NumPy arrays or pandas Series in, the same out.
All flows are returned in [m3/d].
"""

from __future__ import annotations

from .parameters import DEFAULT_PARAMETERS, DesignParameters
from ..units import litres_per_day_to_m3_per_day

__all__ = [
    "domestic_day_max",
    "infiltration",
    "design_flows",
]


def domestic_day_max(
    households,
    persons_per_household=None,
    per_capita_l_per_day=None,
    design_factor=None,
    params: DesignParameters = DEFAULT_PARAMETERS,
):
    """Planned day-max domestic sewage by the population method.

    Parameters
    ----------
    households : scalar, array or Series
        Number of households [households].
    persons_per_household : float, optional
        [persons/household]; default ``params.persons_per_household`` (2.6).
    per_capita_l_per_day : float, optional
        Per-capita day-max sewage unit [L/(person d)]; default 300.
    design_factor : float, optional
        Multiplier [-]; default 1.1.

    Returns
    -------
    Day-max domestic sewage [m3/d], same shape as ``households``.

    Notes
    -----
    Q = households x persons per household x per-capita unit x factor / 1000.

    References
    ----------
    Statistics Korea (2023), sewage-generation pilot with Siheung city, worked example:
    100 households x 2.6 x 300 L x 1.1 = 85,800 L/d = 85.8 m3/d.
    """
    pph = params.persons_per_household if persons_per_household is None else persons_per_household
    unit = params.per_capita_l_per_day if per_capita_l_per_day is None else per_capita_l_per_day
    factor = params.design_factor if design_factor is None else design_factor
    return litres_per_day_to_m3_per_day(households * pph * unit * factor)


def infiltration(day_max_sewage, infiltration_ratio=None, params: DesignParameters = DEFAULT_PARAMETERS):
    """Groundwater infiltration [m3/d] = ratio [-] x day-max sewage [m3/d]."""
    ratio = params.infiltration_ratio if infiltration_ratio is None else infiltration_ratio
    return day_max_sewage * ratio


def design_flows(flow, params: DesignParameters = DEFAULT_PARAMETERS, basis="day_max", with_infiltration=True):
    """Day-average, day-max and hourly-max design flows from one sewage flow.

    Parameters
    ----------
    flow : scalar, array or Series
        Sewage without infiltration [m3/d], on the given basis.
    basis : {"day_max", "day_average"}
        ``day_max`` for design methods (conventional, unit-load); ``day_average`` for
        observed or ML flows.

    Returns
    -------
    dict with ``day_average``, ``day_max``, ``hour_max`` and ``infiltration``, each
    [m3/d] (hour-max is expressed as a daily rate, i.e. the peak hour x 24).

    Notes
    -----
    With Q the day-max sewage (Q = day-average / r when the basis is day-average),
    infiltration I = i x Q is a constant inflow added to each basis:
    day-average = r x Q + I, day-max = Q + I, hour-max = k x Q + I,
    with r = day-average/day-max ratio (0.75), k = hourly max factor (1.5) and
    i = infiltration ratio (0.10). Sewers are sized for hour-max, plants for day-max
    (Korean sewerage design standard).
    """
    if basis == "day_max":
        q = flow
    elif basis == "day_average":
        q = flow / params.day_average_to_day_max
    else:
        raise ValueError(f"basis must be 'day_max' or 'day_average', not {basis!r}")
    inf = infiltration(q, params=params) if with_infiltration else q * 0.0
    return {
        "day_average": q * params.day_average_to_day_max + inf,
        "day_max": q + inf,
        "hour_max": q * params.hourly_max_factor + inf,
        "infiltration": inf,
    }
