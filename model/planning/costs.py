"""Cost at today's prices: the price index, the real cost curve, the project cost build-up, O&M.

Money in [KRW] at one **price year** (default: the latest year of the construction cost index),
flows and capacities in [m3/d]. Data shipped in ``model/data/`` (provenance in its README):

- ``kr_construction_cost_index.csv``: KICT 건설공사비지수 (secondary: blog and news quoting KICT).
- ``kr_treatment_plant_expansion_costs.csv``: 21 sourced expansion projects 2001-2025 (nominal).
- ``kr_treatment_om_unit_costs.csv``: plant O&M cost per m3 treated (MOE surveys via news).

Procedure
---------
1. :func:`price_index`: one annual series on base 2020 = 100 from the two published bases.
2. :func:`price_factor`: index(to) / index(from), to bring a cost of one year to another.
3. :func:`real_cost_curve`: each project's cost brought to the price year, then ``cost = a Q^b``
   fitted on log-log axes (the capacity-year correlation of the nominal data no longer biases b).
4. :func:`project_cost`: construction (curve or the city's estimate) + design and supervision +
   land + contingency, each given by the user or reported missing (no silent default).
5. :func:`om_cost`: annual O&M = unit cost [KRW/m3] x treated inflow; the fixed part scales
   with the built capacity, the variable part with the inflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..units import DAYS_PER_YEAR, KRW_PER_100M

__all__ = ["INDEX_NOTE", "price_index", "latest_price_year", "price_factor", "real_cost_points",
           "real_cost_curve", "REAL_CURVE_NAME", "ProjectCost", "project_cost", "om_unit_cost",
           "OMCost", "om_cost", "reference_points"]

REAL_CURVE_NAME = "korea_real"
INDEX_NOTE = ("KICT 건설공사비지수 총지수, base 2020 = 100: up to 2020 the 2015 = 100 annual figures rebased "
              "(/ 121.80 x 100); 2021-2024 the July figure; the latest year its latest month "
              "(kr_construction_cost_index.csv, secondary: blog and news quoting KICT)")


def _csv(name: str) -> pd.DataFrame:
    from .finance import _csv as finance_csv

    return finance_csv(name)


@lru_cache(maxsize=1)
def _index_series() -> tuple[tuple[int, float], ...]:
    df = _csv("kr_construction_cost_index.csv")
    old = df[(df["base"] == "2015=100") & (df["period"] == "year") & (df["year"] <= 2020)]
    rebase = float(old.loc[old["year"] == 2020, "index_value"].iloc[0])
    out = {int(r.year): float(r.index_value) / rebase * 100.0 for r in old.itertuples()}
    new = df[(df["base"] == "2020=100") & df["series"].str.startswith("총지수") & (df["year"] > 2020)]
    for year, g in new.groupby("year"):
        july = g[g["period"] == f"{year}-07"]
        row = july.iloc[0] if len(july) else g.sort_values("period").iloc[-1]
        out[int(year)] = float(row["index_value"])
    return tuple(sorted(out.items()))


def price_index() -> pd.Series:
    """Annual construction cost index [-] (2020 = 100) by year, built as :data:`INDEX_NOTE` says."""
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
    idx = price_index()
    to_year = latest_price_year() if to_year is None else to_year
    for name, y in (("from_year", from_year), ("to_year", to_year)):
        years = np.atleast_1d(np.asarray(y))
        bad = [v for v in years.tolist() if v not in idx.index]
        if bad:
            raise ParameterError(name, bad[0], f"a year {idx.index.min()}-{idx.index.max()} (construction cost index)")
    out = idx.reindex(np.atleast_1d(to_year)).to_numpy() / idx.reindex(np.atleast_1d(from_year)).to_numpy()
    return float(out[0]) if np.ndim(from_year) == 0 and np.ndim(to_year) == 0 else out


def real_cost_points(price_year: int | None = None) -> pd.DataFrame:
    """The 21 sourced projects with ``cost_krw`` (nominal) and ``cost_real_krw`` at ``price_year`` [KRW]."""
    df = _csv("kr_treatment_plant_expansion_costs.csv").copy()
    df["cost_krw"] = df["cost_100m_krw"] * KRW_PER_100M
    df["price_factor"] = price_factor(df["year"].to_numpy(), price_year)
    df["cost_real_krw"] = df["cost_krw"] * df["price_factor"]
    return df


def real_cost_curve(price_year: int | None = None):
    """``cost = a Q^b`` fitted to the projects at ``price_year`` prices, with its log spread.

    At another price year only ``a`` changes (by :func:`price_factor`); ``b`` and the spread
    do not. The shipped curve ``korea_real`` (``treatment_cost_curve.json``) is this fit at the
    latest price year; ``tests/test_money.py`` checks the two agree.
    """
    from .finance import fit_cost_curve

    year = latest_price_year() if price_year is None else int(price_year)
    pts = real_cost_points(year)
    curve = fit_cost_curve(pts["added_capacity_m3_per_day"], pts["cost_real_krw"], name=REAL_CURVE_NAME,
                           source="Least squares on ln(cost) vs ln(added capacity) over the 21 sourced Korean "
                           "expansion projects 2001-2025 (kr_treatment_plant_expansion_costs.csv, news), each cost "
                           f"brought to {year} prices with the construction cost index ({INDEX_NOTE}). Indicative.",
                           label_ko=f"국내 하수처리장 증설 21건 ({year}년 가격 환산) 적합 곡선")
    from dataclasses import replace

    return replace(curve, price_year=year)


@dataclass
class ProjectCost:
    """Total project cost build-up [KRW] at ``price_year`` prices.

    ``None`` marks an item the user has not entered (it is not in the total; ``missing`` names it).
    ``*_low``/``*_high`` carry the construction cost's range (the curve's spread) into the total.
    """

    capacity_m3_per_day: float
    price_year: int
    construction_krw: float
    construction_low_krw: float
    construction_high_krw: float
    construction_origin: str  # "curve" or "input"
    design_supervision_krw: float | None
    land_krw: float | None
    contingency_krw: float | None
    total_krw: float
    total_low_krw: float
    total_high_krw: float
    missing: list[str] = field(default_factory=list)


def _fraction(name: str, value, closed: bool = False):
    """``value`` as a float in [0, 1) ([0, 1] when ``closed``), or None when not given."""
    if value is None:
        return None
    if not (math.isfinite(value) and 0 <= value and (value <= 1 if closed else value < 1)):
        raise ParameterError(name, value, "[0, 1]" if closed else "[0, 1)")
    return float(value)


def _build_up(construction: float, design_rate, land, contingency_rate) -> tuple[float | None, float | None, float]:
    """(design and supervision, contingency, total) [KRW] for one construction cost."""
    design = None if design_rate is None else construction * design_rate
    base = construction + (design or 0.0)
    contingency = None if contingency_rate is None else base * contingency_rate
    return design, contingency, base + (land or 0.0) + (contingency or 0.0)


def project_cost(capacity_m3_per_day: float, curve, *, construction_cost_krw: float | None = None,
                 design_supervision_rate: float | None = None, land_cost_krw: float | None = None,
                 contingency_rate: float | None = None, range_level: float = 0.9) -> ProjectCost:
    """Total project cost of a plant [KRW]: construction + design/supervision + land + contingency.

    Parameters
    ----------
    capacity_m3_per_day : float
        Plant capacity [m3/d].
    curve : CostCurve
        Real cost curve at the price year (:func:`real_cost_curve`).
    construction_cost_krw : float, optional
        The city's own construction estimate [KRW] (replaces the curve; no range then).
    design_supervision_rate : float, optional
        Design and supervision [-] as a share of construction; user input, no default.
    land_cost_krw : float, optional
        Land [KRW]; user input, no default (0 when the site is already owned).
    contingency_rate : float, optional
        Contingency [-] as a share of construction + design; user input, no default.
    range_level : float
        Central level [-] of the curve's spread carried as the range (default 0.9).

    Notes
    -----
    The curve is fitted on reported project budgets (사업비), which often already hold design
    and supervision: enter the other items only when the construction figure excludes them.
    """
    if not capacity_m3_per_day > 0:
        raise ParameterError("capacity_m3_per_day", capacity_m3_per_day, "> 0 m3/d")
    d_rate = _fraction("design_supervision_rate", design_supervision_rate)
    c_rate = _fraction("contingency_rate", contingency_rate)
    if land_cost_krw is not None and not (math.isfinite(land_cost_krw) and land_cost_krw >= 0):
        raise ParameterError("land_cost_krw", land_cost_krw, ">= 0 KRW")
    if construction_cost_krw is not None:
        if not (math.isfinite(construction_cost_krw) and construction_cost_krw > 0):
            raise ParameterError("construction_cost_krw", construction_cost_krw, "> 0 KRW")
        mid = lo = hi = float(construction_cost_krw)
    else:
        mid = float(curve.cost(capacity_m3_per_day))
        lo, hi = (float(v) for v in curve.cost_interval(capacity_m3_per_day, range_level))
    design, contingency, total = _build_up(mid, d_rate, land_cost_krw, c_rate)
    missing = [n for n, v in (("design_supervision", d_rate), ("land", land_cost_krw), ("contingency", c_rate))
               if v is None]
    return ProjectCost(
        capacity_m3_per_day=float(capacity_m3_per_day), price_year=int(curve.price_year or 0),
        construction_krw=mid, construction_low_krw=lo, construction_high_krw=hi,
        construction_origin="input" if construction_cost_krw is not None else "curve",
        design_supervision_krw=design, land_krw=None if land_cost_krw is None else float(land_cost_krw),
        contingency_krw=contingency, total_krw=total, total_low_krw=_build_up(lo, d_rate, land_cost_krw, c_rate)[2],
        total_high_krw=_build_up(hi, d_rate, land_cost_krw, c_rate)[2], missing=missing,
    )


# --------------------------------------------------------------------------------------
# Operation and maintenance
# --------------------------------------------------------------------------------------

OM_SOURCE_YEAR = 2009


def om_unit_cost(price_year: int | None = None) -> dict:
    """Plant O&M cost [KRW/m3 treated] at ``price_year`` with its range and how it was made.

    The latest national survey figure shipped (2009: 116.8 KRW/m3, plants >= 500 m3/d; 105.2
    contracted-out, 140.2 run by the city) brought to the price year with the construction cost
    index, a proxy (no O&M price index is shipped). Small plants cost far more per m3.
    """
    import re

    df = _csv("kr_treatment_om_unit_costs.csv")
    row = df[(df["year"] == str(OM_SOURCE_YEAR)) & (df["metric"] == "plant O&M 처리단가")].iloc[0]
    contracted, city_run = (float(v) for v in re.search(r"민간위탁 ([\d.]+) / 직영 ([\d.]+)", row["scope"]).groups())
    factor = price_factor(OM_SOURCE_YEAR, price_year)
    return {"krw_per_m3": float(row["value"]) * factor, "low_krw_per_m3": contracted * factor,
            "high_krw_per_m3": city_run * factor, "source_value": float(row["value"]), "source_year": OM_SOURCE_YEAR,
            "factor": factor, "source": f"{row['scope']}; {row['source']} ({row['source_status']})"}


@dataclass
class OMCost:
    """Annual O&M [KRW/yr] of a plant at the price year and what its size changes.

    ``fixed_share`` None: the split is not known; ``by_capacity`` then gives, for each capacity,
    the (all variable, all fixed) bounds of the annual cost.
    """

    inflow_m3_per_day: float
    krw_per_m3: float
    krw_per_m3_low: float
    krw_per_m3_high: float
    annual_krw: float
    annual_low_krw: float
    annual_high_krw: float
    reference_capacity_m3_per_day: float
    fixed_share: float | None
    by_capacity: dict = field(default_factory=dict)  # name -> {capacity, annual_krw | (low, high) bounds}


def _annual_at(capacity: float, ref_capacity: float, annual: float, fixed_share: float) -> float:
    """Annual O&M [KRW/yr] of ``capacity``: variable part as at the reference, fixed part x size ratio."""
    return annual * ((1 - fixed_share) + fixed_share * capacity / ref_capacity)


def om_cost(inflow_m3_per_day: float, reference_capacity_m3_per_day: float, *, krw_per_m3: float | None = None,
            fixed_share: float | None = None, price_year: int | None = None, capacities: dict | None = None) -> OMCost:
    """Annual O&M of the plant that treats ``inflow_m3_per_day`` [m3/d, day-average incl. groundwater].

    Notes
    -----
    ``annual = unit cost x inflow x 365`` at the reference (recommended) capacity. Energy,
    chemicals and sludge scale with the inflow, which is the town's whatever the plant's size;
    staff and maintenance (the fixed share) scale with the built capacity. For another
    capacity C: ``annual x ((1 - f) + f x C / C_ref)``. Without ``fixed_share`` the model
    gives both bounds (f = 0: size changes nothing; f = 1: proportional to size).
    """
    unit = om_unit_cost(price_year)
    given = krw_per_m3 is not None
    if given and not (math.isfinite(krw_per_m3) and krw_per_m3 >= 0):
        raise ParameterError("om_krw_per_m3", krw_per_m3, ">= 0 KRW/m3")
    f = _fraction("om_fixed_share", fixed_share, closed=True)
    mid = float(krw_per_m3) if given else unit["krw_per_m3"]
    lo, hi = (mid, mid) if given else (unit["low_krw_per_m3"], unit["high_krw_per_m3"])
    year_volume = inflow_m3_per_day * DAYS_PER_YEAR
    annual = mid * year_volume
    by_cap = {}
    for name, cap in (capacities or {}).items():
        bounds = [_annual_at(cap, reference_capacity_m3_per_day, annual, s) for s in ((f,) if f is not None else (0, 1))]
        by_cap[name] = {"capacity_m3_per_day": float(cap), "annual_krw": bounds[0] if f is not None else None,
                        "annual_bounds_krw": (min(bounds), max(bounds))}
    return OMCost(inflow_m3_per_day=float(inflow_m3_per_day), krw_per_m3=mid, krw_per_m3_low=lo, krw_per_m3_high=hi,
                  annual_krw=annual, annual_low_krw=lo * year_volume, annual_high_krw=hi * year_volume,
                  reference_capacity_m3_per_day=float(reference_capacity_m3_per_day), fixed_share=f,
                  by_capacity=by_cap)


def reference_points(curve) -> list[dict]:
    """The pilot report's four new-town expansions beside the curve [KRW]: as reported (nominal)
    and, where the news gives the added capacity, the curve's cost of that capacity at its price year."""
    from .decision import reference_projects

    out = []
    for p in reference_projects():
        q = p.added_capacity_m3_per_day
        out.append({"name": p.name, "name_en": p.name_en, "reported_krw": p.cost_krw, "start_year": p.start_year,
                    "end_year": p.end_year, "added_capacity_m3_per_day": q, "note": p.note,
                    "curve_krw": None if q is None else float(curve.cost(q))})
    return out
