"""Treatment plant capacity from design flows."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from .parameters import DEFAULT_PARAMETERS, DesignParameters

__all__ = ["plant_capacity", "utilisation_of"]


def plant_capacity(day_max_m3_per_day, utilisation=None, params: DesignParameters = DEFAULT_PARAMETERS):
    """Treatment capacity to build [m3/d] for a day-max flow [m3/d].

    Notes
    -----
    Plants are sized for the day-max flow (Korean sewerage design standard) and run best
    at an "appropriate utilisation" of 80% of capacity (news citing the standard), so
    capacity = day-max / utilisation. Pass ``utilisation=1`` for the bare day-max.
    """
    u = params.plant_utilisation if utilisation is None else utilisation
    if not 0 < float(u) <= 1:
        raise ParameterError("utilisation", u, "(0, 1]")
    q = np.asarray(day_max_m3_per_day, dtype=float)
    if np.any(q < 0):
        raise ParameterError("day_max_m3_per_day", day_max_m3_per_day, ">= 0 m3/d")
    return day_max_m3_per_day / u


def utilisation_of(day_max_m3_per_day, capacity_m3_per_day):
    """Share of a plant's capacity [-] that a day-max flow [m3/d] uses."""
    return day_max_m3_per_day / capacity_m3_per_day
