"""Treatment plant capacity from design flows, and utilisation as a review figure.

Korean practice sizes a treatment plant at the planned day-max flow (계획1일최대오수량) with
groundwater infiltration counted once. The "appropriate utilisation" of 80% is a trigger to
review expansion when expected inflow / capacity passes it; it is reported as a figure by
year (:func:`utilisation_of`, :func:`review_year`), never used as a divisor.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from .parameters import DEFAULT_PARAMETERS, DesignParameters

__all__ = ["plant_capacity", "utilisation_of", "review_year"]


def plant_capacity(day_max_m3_per_day):
    """Treatment capacity to build [m3/d] = the design day-max flow [m3/d] (infiltration included once).

    Parameters
    ----------
    day_max_m3_per_day : scalar, array or Series
        Planned day-max sewage including groundwater infiltration [m3/d] (for the pilot
        formula: its own x1.1, nothing added).

    Returns
    -------
    Capacity [m3/d], same shape.

    References
    ----------
    Korean sewerage design standard (secondary): plants are sized for the planned day-max
    flow; 80% utilisation is a review trigger (``DesignParameters.plant_utilisation``).
    """
    q = np.asarray(day_max_m3_per_day, dtype=float)
    if np.any(q < 0) or np.any(np.isnan(q)):
        raise ParameterError("day_max_m3_per_day", day_max_m3_per_day, ">= 0 m3/d")
    return day_max_m3_per_day * 1.0


def utilisation_of(expected_inflow_m3_per_day, capacity_m3_per_day):
    """Utilisation [-] = expected inflow [m3/d] / capacity [m3/d] (day-max basis for both)."""
    cap = np.asarray(capacity_m3_per_day, dtype=float)
    if np.any(cap <= 0):
        raise ParameterError("capacity_m3_per_day", capacity_m3_per_day, "> 0 m3/d")
    return expected_inflow_m3_per_day / capacity_m3_per_day


def review_year(years, expected_inflow_m3_per_day, capacity_m3_per_day,
                params: DesignParameters = DEFAULT_PARAMETERS):
    """First year in which utilisation reaches the review trigger (80%), or None.

    Parameters
    ----------
    years : sequence of int
    expected_inflow_m3_per_day : sequence of float
        Expected day-max inflow by year [m3/d].
    capacity_m3_per_day : float
        Plant capacity [m3/d].
    """
    u = utilisation_of(np.asarray(expected_inflow_m3_per_day, dtype=float), float(capacity_m3_per_day))
    hit = np.flatnonzero(u >= params.plant_utilisation)
    return int(list(years)[hit[0]]) if hit.size else None
