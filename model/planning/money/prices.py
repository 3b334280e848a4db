"""One price year: the construction cost index that brings every cost to the same year's prices.

The KICT construction cost index (건설공사비지수) shipped in ``model/data/kr_construction_cost_index.csv``
(secondary: blog and news quoting KICT) as one annual series on base 2020 = 100
(:data:`INDEX_NOTE`). Money [KRW] is always at one **price year** (default: the latest year of
the index).
"""

from __future__ import annotations

from functools import lru_cache

from ...errors import ParameterError
from .tables import csv_table

__all__ = ["INDEX_NOTE", "price_index", "latest_price_year", "price_factor"]

INDEX_NOTE = ("KICT 건설공사비지수 총지수, base 2020 = 100: up to 2020 the 2015 = 100 annual figures rebased "
              "(/ 121.80 x 100); 2021-2024 the July figure; the latest year its latest month "
              "(kr_construction_cost_index.csv, secondary: blog and news quoting KICT)")


@lru_cache(maxsize=1)
def _index_series() -> tuple[tuple[int, float], ...]:
    df = csv_table("kr_construction_cost_index.csv")
    old = df[(df["base"] == "2015=100") & (df["period"] == "year") & (df["year"] <= 2020)]
    rebase = float(old.loc[old["year"] == 2020, "index_value"].iloc[0])
    out = {int(r.year): float(r.index_value) / rebase * 100.0 for r in old.itertuples()}
    new = df[(df["base"] == "2020=100") & df["series"].str.startswith("총지수") & (df["year"] > 2020)]
    for year, g in new.groupby("year"):
        july = g[g["period"] == f"{year}-07"]
        row = july.iloc[0] if len(july) else g.sort_values("period").iloc[-1]
        out[int(year)] = float(row["index_value"])
    return tuple(sorted(out.items()))


def price_index():
    """Annual construction cost index [-] (2020 = 100) by year (a pandas Series), built as :data:`INDEX_NOTE` says."""
    import pandas as pd

    return pd.Series(dict(_index_series()), name="index_2020_100")


def latest_price_year() -> int:
    """The latest year of the shipped index (the default price year)."""
    return int(_index_series()[-1][0])


def price_factor(from_year, to_year=None):
    """index(to_year) / index(from_year) [-]; ``to_year`` defaults to :func:`latest_price_year`.

    Raises
    ------
    ParameterError
        For a year outside the shipped index.
    """
    import numpy as np

    idx = price_index()
    to_year = latest_price_year() if to_year is None else to_year
    for name, y in (("from_year", from_year), ("to_year", to_year)):
        years = np.atleast_1d(np.asarray(y))
        bad = [v for v in years.tolist() if v not in idx.index]
        if bad:
            raise ParameterError(name, bad[0], f"a year {idx.index.min()}-{idx.index.max()} (construction cost index)")
    out = idx.reindex(np.atleast_1d(to_year)).to_numpy() / idx.reindex(np.atleast_1d(from_year)).to_numpy()
    return float(out[0]) if np.ndim(from_year) == 0 and np.ndim(to_year) == 0 else out
