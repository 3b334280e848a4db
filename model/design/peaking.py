"""Peaking factors: how much higher the peak flow is than the average.

All functions take the population served in [persons] (scalar, array or Series) and
return a dimensionless factor [-].
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from .parameters import DEFAULT_PARAMETERS, DesignParameters

__all__ = ["harmon", "ten_states", "babbitt", "gifft_max_day", "korean_hourly", "peaking_factor", "METHODS"]


def _thousands(population):
    p = np.asarray(population, dtype=float)
    if np.any(p <= 0) or np.any(~np.isfinite(p)):
        raise ParameterError("population", population, "> 0 persons")
    return population / 1000.0


def harmon(population):
    """Harmon peak-hour / average-day factor [-].

    Notes
    -----
    M = 1 + 14 / (4 + sqrt(P)), P in thousands of persons. Identical to the Ten States
    Standards form (18 + sqrt(P)) / (4 + sqrt(P)).

    References
    ----------
    Fair, Geyer & Okun, Water and Wastewater Engineering; Ten States Standards (2014) 11.243.
    """
    p = _thousands(population)
    return 1.0 + 14.0 / (4.0 + np.sqrt(p))


ten_states = harmon


def babbitt(population):
    """Babbitt peak / average factor [-]: M = 5 / P^0.2, P in thousands.

    Falls below 1 above about 3.1 million persons, where it should not be used.
    """
    p = _thousands(population)
    return 5.0 / p**0.2


def gifft_max_day(population):
    """Gifft max-day / average-day factor [-]: 5.0 P^(-1/6), P in thousands."""
    p = _thousands(population)
    return 5.0 * p ** (-1.0 / 6.0)


def korean_hourly(population=None, params: DesignParameters = DEFAULT_PARAMETERS):
    """Korean design-standard hourly-max / day-average factor [-].

    Notes
    -----
    hourly max = k x day-max / 24 and day-average = r x day-max, so
    hourly max / day-average = k / r (1.5 / 0.75 = 2.0 with the defaults; the standard's
    ranges give 1.6-2.6). It does not depend on population; ``population`` is accepted
    so all methods share one call signature.
    """
    factor = params.hourly_max_factor / params.day_average_to_day_max
    if population is None:
        return factor
    return np.asarray(population, dtype=float) * 0.0 + factor if np.ndim(population) else factor


METHODS = {"harmon": harmon, "ten_states": harmon, "babbitt": babbitt, "gifft": gifft_max_day, "korean": korean_hourly}


def peaking_factor(population, method: str = "harmon"):
    """Peaking factor [-] by method name: harmon, ten_states, babbitt, gifft or korean."""
    try:
        fn = METHODS[method.lower()]
    except (KeyError, AttributeError):
        raise ParameterError("method", method, f"one of {sorted(METHODS)}") from None
    return fn(population)
