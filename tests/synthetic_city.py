"""A SYNTHETIC second city in the NYC LL84 column layout, with a built-in vintage drop (issue 21).

Not real data: it exists so tests can check the newest-cohort check on a city whose newest
buildings are known to use less water than older ones, the way public benchmarking data of a
second US city does (newest multifamily cohorts 3.7, 3.3, 3.0 L/(m2 d) for 2000-10, 2010-16,
2016-20 in one report year). Intensities per type follow NYC LL84 2016 medians (multifamily
5.9, office 2.1, hotel 8.7 L/(m2 d)); buildings completed after ``drop_from`` use
``drop_per_year`` less per year of vintage (multiplicative); lognormal building noise, a
district effect and a smooth location effect (latitude / longitude) are added.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TYPES = {  # property type: (share, median intensity [L/(m2 d)], ln sd of area, median area [m2])
    "Multifamily Housing": (0.78, 5.9, 0.7, 7000.0),
    "Office": (0.14, 2.1, 0.9, 12000.0),
    "Hotel": (0.08, 8.7, 0.7, 9000.0),
}


def synthetic_city(n_old: int = 2000, n_new: int = 320, seed: int = 7, drop_from: int = 1990,
                   drop_per_year: float = 0.015, split_year: int = 2010, noise_sd: float = 0.5) -> pd.DataFrame:
    """One SYNTHETIC report year: ``n_old`` buildings built 1900..``split_year``, ``n_new`` after it.

    ``drop_per_year`` = 0 gives a control city without a vintage effect.
    """
    rng = np.random.default_rng(seed)
    years = np.concatenate([
        np.round(split_year - rng.gamma(2.0, 18.0, n_old)).clip(1900, split_year),
        rng.integers(split_year + 1, split_year + 11, n_new),
    ])
    n = len(years)
    names = list(TYPES)
    ptype = rng.choice(names, n, p=[TYPES[t][0] for t in names])
    area = np.array([TYPES[t][3] for t in ptype]) * np.exp(rng.normal(0, 1, n) * [TYPES[t][2] for t in ptype])
    boroughs = rng.choice(["North", "South", "East", "West"], n)
    board = rng.integers(1, 9, n)
    lat = 40.0 + np.where(boroughs == "North", 0.3, np.where(boroughs == "South", -0.3, 0.0)) + rng.normal(0, 0.05, n)
    lon = -74.0 + np.where(boroughs == "East", 0.3, np.where(boroughs == "West", -0.3, 0.0)) + rng.normal(0, 0.05, n)
    district_effect = {d: rng.normal(0, 0.15) for d in {f"{b}{c}" for b, c in zip(boroughs, board)}}
    vintage = np.exp(-drop_per_year * np.clip(years - drop_from, 0, None))
    intensity = (np.array([TYPES[t][1] for t in ptype]) * vintage * np.exp(0.25 * (lat - 40.0) / 0.3)
                 * np.exp([district_effect[f"{b}{c}"] for b, c in zip(boroughs, board)])
                 * np.exp(rng.normal(0, noise_sd, n)))
    water = area * intensity / 1000.0 / 0.85  # water [m3/d]; the benchmark takes 85% of it as sewage
    return pd.DataFrame({
        "property_id": np.arange(100000, 100000 + n), "largest_property_use_type": ptype, "borough": boroughs,
        "community_board": board, "latitude": lat.round(6), "longitude": lon.round(6),
        "gross_floor_area_m2": area.round(1), "year_built": years.astype(int),
        "water_m3_per_day": water.round(4), "note": "SYNTHETIC",
    })
