"""Cost at today's prices: cost curves by plant type, the project cost build-up, O&M, the margin rule.

Money in [KRW] at one **price year** (:mod:`.prices`), flows and capacities in [m3/d]. Data
shipped in ``model/data/`` (provenance in its README):

- ``kr_treatment_plant_expansion_costs.csv``: 21 sourced cost / capacity rows 2001-2025 (nominal);
- ``kr_treatment_plant_cost_types.csv``: each row's plant type and whether it is counted (a project
  reported twice is counted once, at its latest budget: 19 projects);
- ``kr_expansion_seed_projects.csv``: the pilot report's four reference expansions, with their caveats;
- ``kr_treatment_om_unit_costs.csv``: plant O&M cost per m3 treated (MOE surveys via news).

Procedure
---------
1. :func:`cost_projects`: the 19 projects, each cost brought to the price year with the index.
2. :func:`fit_plant_type_curves`: ``ln cost = ln a_type + b ln Q`` by least squares, one exponent
   ``b`` for all (the economy of scale) and one level per plant type (:data:`PLANT_TYPES`):
   surface expansion, new surface plant, underground plant. Each type's curve carries the pooled
   log spread as its range. The shipped curves (``treatment_cost_curve.json``) are this fit.
3. :func:`project_cost`: construction (the plant type's curve or the city's estimate) + design and
   supervision + land + contingency, each given by the user or reported missing.
4. :func:`om_cost`: annual O&M = unit cost [KRW/m3] x treated inflow; the fixed part scales with
   the built capacity, the variable part with the inflow.
5. :func:`shortfall_cost`: a shortfall within the hydraulic margin (설계 여유) of a plant is met
   by operating it harder, not by a new train: it costs no capital; beyond it, the curve's cost of
   the shortfall (so a 1 m3/d shortfall is never priced at the curve's steep end).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ...units import DAYS_PER_YEAR, KRW_PER_100M
from .inputs import check_positive, two_sided_z
from .prices import INDEX_NOTE, latest_price_year, price_factor
from .tables import csv_table, data_text

__all__ = ["CostCurve", "fit_cost_curve", "cost_curve", "COST_CURVE_NAMES", "DEFAULT_COST_CURVE", "unit_cost_curve",
           "resolve_curve", "reference_cost_table", "PLANT_TYPES", "PlantType", "plant_type", "cost_projects",
           "fit_plant_type_curves", "plant_type_curve", "later_expansion_type", "real_cost_points",
           "real_cost_curve", "REAL_CURVE_NAME", "ProjectCost", "project_cost", "om_unit_cost", "OMCost", "om_cost",
           "ReferenceProject", "reference_projects", "reference_points", "shortfall_cost", "HYDRAULIC_MARGIN"]


# ======================================================================================
# 1. Cost curves
# ======================================================================================


@dataclass(frozen=True)
class CostCurve:
    """Treatment-capacity capital cost as a power law of capacity.

    ``cost [KRW] = coefficient_krw * capacity[m3/d] ** exponent``, with a log-normal
    spread ``log_residual_sd`` around it (natural-log residual standard deviation of
    the fit, 0 for a user's single unit cost).
    """

    name: str
    coefficient_krw: float
    exponent: float
    log_residual_sd: float = 0.0
    n_points: int = 0
    valid_min_m3_per_day: float = 0.0
    valid_max_m3_per_day: float = math.inf
    source: str = ""
    label_ko: str = ""
    price_year: int = 0  # year of the prices the curve gives (0: nominal prices of mixed years)
    plant_type: str = ""  # PLANT_TYPES key of a plant-type curve ("" for other curves)

    def at_price_year(self, year: int | None) -> "CostCurve":
        """The same curve at ``year``'s prices (coefficient x construction cost index ratio).

        A curve of nominal, mixed-year prices (``price_year`` 0) cannot be moved and is refused.
        """
        if year is None or int(year) == self.price_year:
            return self
        if not self.price_year:
            raise ParameterError("price_year", year, f"the curve {self.name!r} has no price year; use 'korea_real'")
        return replace(self, coefficient_krw=self.coefficient_krw * price_factor(self.price_year, int(year)),
                       price_year=int(year))

    def cost(self, capacity_m3_per_day):
        """Capital cost [KRW] of ``capacity_m3_per_day`` [m3/d] of new or added capacity.

        Zero capacity costs zero.
        """
        check_positive("capacity_m3_per_day", capacity_m3_per_day, allow_zero=True)
        return self.coefficient_krw * np.power(capacity_m3_per_day, self.exponent)

    __call__ = cost

    def spread_factors(self, level: float = 0.9) -> tuple[float, float]:
        """Multiplicative band (low, high) [-] around the curve for one project.

        ``exp(+-z sd)``: a project of this capacity costs ``cost * band`` with probability
        ~``level`` if residuals are log-normal.
        """
        if self.log_residual_sd == 0:
            return 1.0, 1.0
        z = two_sided_z(level)
        return math.exp(-z * self.log_residual_sd), math.exp(z * self.log_residual_sd)

    def cost_interval(self, capacity_m3_per_day, level: float = 0.9):
        """(low, high) cost [KRW] from the curve's spread (not from capacity uncertainty)."""
        lo, hi = self.spread_factors(level)
        c = self.cost(capacity_m3_per_day)
        return c * lo, c * hi

    def as_dict(self) -> dict:
        from dataclasses import asdict

        d = asdict(self)
        if math.isinf(d["valid_max_m3_per_day"]):
            d["valid_max_m3_per_day"] = None
        return d


def fit_cost_curve(capacity_m3_per_day, cost_krw, *, name="user_fit", source="", label_ko="") -> CostCurve:
    """Fit ``cost = a Q^b`` by least squares on log-log axes.

    Parameters
    ----------
    capacity_m3_per_day : array-like
        Added capacity of each project [m3/d].
    cost_krw : array-like
        Capital cost of each project [KRW].

    Returns
    -------
    CostCurve
        With ``log_residual_sd`` = SD of ln residuals (n - 2 degrees of freedom).
    """
    q = np.asarray(capacity_m3_per_day, dtype=float)
    c = np.asarray(cost_krw, dtype=float)
    if q.shape != c.shape or q.size < 3:
        raise ParameterError("capacity_m3_per_day/cost_krw", f"{q.size} pairs", "at least 3 pairs of equal length")
    check_positive("capacity_m3_per_day", q)
    check_positive("cost_krw", c)
    x, y = np.log(q), np.log(c)
    b, ln_a = np.polyfit(x, y, 1)
    resid = y - (ln_a + b * x)
    sd = float(np.sqrt(np.sum(resid**2) / (q.size - 2)))
    return CostCurve(name=name, coefficient_krw=float(np.exp(ln_a)), exponent=float(b), log_residual_sd=sd,
                     n_points=int(q.size), valid_min_m3_per_day=float(q.min()), valid_max_m3_per_day=float(q.max()),
                     source=source, label_ko=label_ko)


def reference_cost_table() -> pd.DataFrame:
    """The 21 sourced Korean cost rows (``kr_treatment_plant_expansion_costs.csv``), as published.

    Adds ``cost_krw`` [KRW] and ``krw_per_m3_per_day`` [KRW/(m3/d)]. Two projects appear twice
    (a plan and a later budget); :func:`cost_projects` counts each once.
    """
    df = csv_table("kr_treatment_plant_expansion_costs.csv").copy()
    df["cost_krw"] = df["cost_100m_krw"] * KRW_PER_100M
    df["krw_per_m3_per_day"] = df["cost_krw"] / df["added_capacity_m3_per_day"]
    return df


@lru_cache(maxsize=None)
def _shipped_curves() -> dict[str, CostCurve]:
    data = json.loads(data_text("treatment_cost_curve.json"))
    out = {}
    for name, d in data["curves"].items():
        d = dict(d)
        if d.get("valid_max_m3_per_day") is None:
            d["valid_max_m3_per_day"] = math.inf
        out[name] = CostCurve(**{k: v for k, v in d.items() if k in CostCurve.__dataclass_fields__})
    return out


REAL_CURVE_NAME = "korea_real"  # the surface-expansion curve of the plant-type fit (the default)
COST_CURVE_NAMES = ("korea_real", "korea_real_new_surface", "korea_real_new_underground", "korea_2001_2025",
                    "choe_kim_2003")
DEFAULT_COST_CURVE = REAL_CURVE_NAME


def cost_curve(name: str = DEFAULT_COST_CURVE, price_year: int | None = None) -> CostCurve:
    """A named, shipped cost curve, optionally at another ``price_year`` (real curves only).

    ``"korea_real"`` (default), ``"korea_real_new_surface"``, ``"korea_real_new_underground"``
        The plant-type fit (:func:`fit_plant_type_curves`) at the latest price year: surface
        expansion, new surface plant, underground plant; one exponent (about 0.41), one log
        spread (about 0.43), a level per type.
    ``"korea_2001_2025"``
        The 21 rows at **nominal** prices of mixed years (release 0.2): about 9.2e8 KRW x Q^0.39;
        capacity and year are correlated (r = -0.42), duplicates counted twice. Kept for comparison.
    ``"choe_kim_2003"``
        C[M KRW] = 94.39 Q^0.568 over 58 plants (Choe & Kim 2003); prices of the 1990s.

    Raises
    ------
    KeyError
        Listing the valid names.
    """
    curves = _shipped_curves()
    if name not in curves:
        raise KeyError(
            f"Unknown cost curve {name!r}; valid: {sorted(curves)} (model/data/treatment_cost_curve.json), "
            "or pass your own CostCurve / unit_cost_curve(krw_per_m3_per_day)"
        )
    return curves[name].at_price_year(price_year)


def unit_cost_curve(krw_per_m3_per_day: float, *, source: str = "user unit cost") -> CostCurve:
    """A linear curve from one unit cost [KRW/(m3/d)] (no economy of scale, no spread)."""
    check_positive("krw_per_m3_per_day", krw_per_m3_per_day)
    return CostCurve(name="unit_cost", coefficient_krw=float(krw_per_m3_per_day), exponent=1.0, source=source,
                     label_ko="사용자 단가")


def resolve_curve(curve, price_year: int | None = None) -> CostCurve:
    """A CostCurve from a curve, a shipped name or a unit cost; named real curves at ``price_year``."""
    if curve is None:
        return cost_curve(price_year=price_year)
    if isinstance(curve, CostCurve):
        return curve
    if isinstance(curve, str):
        return cost_curve(curve, price_year=price_year if _shipped_curves()[curve].price_year else None) \
            if curve in _shipped_curves() else cost_curve(curve)
    if isinstance(curve, (int, float)):
        return unit_cost_curve(float(curve))
    raise ParameterError("curve", curve, "a CostCurve, a curve name, or a unit cost [KRW/(m3/d)]")


# ======================================================================================
# 2. Plant types: one exponent, a level per type, each project counted once
# ======================================================================================


@dataclass(frozen=True)
class PlantType:
    """What is built, with the basis of its cost curve."""

    key: str
    label_ko: str
    label_en: str
    curve_name: str  # the shipped curve
    basis_ko: str
    basis_en: str


PLANT_TYPES: dict[str, PlantType] = {
    "expansion": PlantType(
        "expansion", "지상 증설", "surface expansion", "korea_real",
        "국내 하수처리장 지상 증설 사례", "Korean surface expansions"),
    "new_surface": PlantType(
        "new_surface", "지상 신설", "new surface plant", "korea_real_new_surface",
        "국내 하수처리장 지상 신설 사례", "Korean new surface plants"),
    "new_underground": PlantType(
        "new_underground", "지하 신설", "new underground plant", "korea_real_new_underground",
        "국내 지하 처리장 사례(하남 유니온파크)", "the Korean underground plant (Hanam Union Park)"),
}


def plant_type(key: str) -> PlantType:
    """The plant type ``key``; a KeyError lists the valid keys."""
    if key not in PLANT_TYPES:
        raise KeyError(f"Unknown plant type {key!r}; valid: {list(PLANT_TYPES)} (finance.plant_type)")
    return PLANT_TYPES[key]


def later_expansion_type(key: str) -> str:
    """The type of a later expansion of a plant of type ``key``: an underground plant grows underground."""
    return "new_underground" if key == "new_underground" else "expansion"


def cost_projects(price_year: int | None = None) -> pd.DataFrame:
    """The projects each counted once [KRW at ``price_year``], with ``plant_type`` and ``cost_real_krw``."""
    df = real_cost_points(price_year)
    return df[df["counted"]].reset_index(drop=True)


def real_cost_points(price_year: int | None = None) -> pd.DataFrame:
    """The 21 rows with ``cost_krw`` (nominal), ``cost_real_krw`` at ``price_year`` [KRW], type and ``counted``."""
    df = reference_cost_table()
    types = csv_table("kr_treatment_plant_cost_types.csv").set_index("project")
    missing = sorted(set(df["project"]) - set(types.index))
    if missing:
        raise ParameterError("kr_treatment_plant_cost_types.csv", missing[0], "a row for every cost row")
    df["plant_type"] = df["project"].map(types["plant_type"])
    df["counted"] = df["project"].map(types["counted"]).eq("yes")
    df["price_factor"] = price_factor(df["year"].to_numpy(), price_year)
    df["cost_real_krw"] = df["cost_krw"] * df["price_factor"]
    return df


def fit_plant_type_curves(price_year: int | None = None) -> dict[str, CostCurve]:
    """One curve per plant type at ``price_year`` prices (module docstring, step 2)."""
    year = latest_price_year() if price_year is None else int(price_year)
    pts = cost_projects(year)
    keys = list(PLANT_TYPES)
    x = np.column_stack([np.log(pts["added_capacity_m3_per_day"])] +
                        [(pts["plant_type"] == k).to_numpy(float) for k in keys])
    y = np.log(pts["cost_real_krw"].to_numpy())
    coef = np.linalg.lstsq(x, y, rcond=None)[0]
    sd = float(np.sqrt(np.sum((y - x @ coef) ** 2) / (len(y) - x.shape[1])))
    out = {}
    for i, k in enumerate(keys, start=1):
        t, rows = PLANT_TYPES[k], pts[pts["plant_type"] == k]
        out[k] = CostCurve(
            name=t.curve_name, coefficient_krw=float(math.exp(coef[i])), exponent=float(coef[0]), log_residual_sd=sd,
            n_points=int(len(rows)), valid_min_m3_per_day=float(rows["added_capacity_m3_per_day"].min()),
            valid_max_m3_per_day=float(rows["added_capacity_m3_per_day"].max()), price_year=year, plant_type=k,
            source=(f"{t.basis_en}: {len(rows)} of the {len(pts)} sourced Korean projects 2001-2025 "
                    "(kr_treatment_plant_expansion_costs.csv, news; each project once, "
                    "kr_treatment_plant_cost_types.csv), each cost brought to "
                    f"{year} prices with the construction cost index ({INDEX_NOTE}); least squares of ln(cost) on "
                    "ln(capacity) with one exponent for all types and a level per type; the range is the pooled "
                    "log spread. Indicative."),
            label_ko=f"{t.basis_ko} {len(rows)}건 ({year}년 가격 환산, 전체 {len(pts)}건 공통 규모 지수)")
    return out


def plant_type_curve(key: str, price_year: int | None = None) -> CostCurve:
    """The shipped curve of plant type ``key`` at ``price_year`` prices."""
    return cost_curve(plant_type(key).curve_name, price_year)


def real_cost_curve(price_year: int | None = None, plant_type_key: str = "expansion") -> CostCurve:
    """The plant-type fit's curve for ``plant_type_key`` at ``price_year`` (refit from the tables).

    At another price year only ``a`` changes (by :func:`price_factor`); ``b`` and the spread do
    not. The shipped curves (``treatment_cost_curve.json``) are this fit at the latest price year;
    ``tests/test_money.py`` checks the two agree.
    """
    return fit_plant_type_curves(price_year)[plant_type_key]


# ======================================================================================
# 3. The project cost build-up
# ======================================================================================


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
    plant_type: str = ""  # PLANT_TYPES key of the curve ("" for another curve or the city's estimate)


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
        Real cost curve at the price year (:func:`plant_type_curve`).
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
        plant_type=getattr(curve, "plant_type", "") if construction_cost_krw is None else "",
    )


# ======================================================================================
# 4. A shortfall within the hydraulic margin costs operation, not a new train
# ======================================================================================

#: Default hydraulic margin (설계 여유) [-] of a plant: a shortfall up to this share of its capacity
#: is met by operating it harder (longer aeration, chemical dosing, equalisation), not by a new
#: train. Observed: plants have run at 102.5-114.2% of capacity for years while their expansions
#: were built (제주 107%, 서부 114.2%, 2024; 제주도 상하수도본부 via news, kisnews.net/301751), so 10%
#: is below what plants have carried; a user input (``finance.hydraulic_margin``).
HYDRAULIC_MARGIN = 0.10


def shortfall_cost(shortfall_m3_per_day, capacity_m3_per_day: float, curve: CostCurve,
                   margin: float = HYDRAULIC_MARGIN):
    """Capital [KRW] a capacity shortfall [m3/d] forces: 0 within ``margin`` x capacity, else cost(shortfall).

    Notes
    -----
    ``cost = curve.cost(s)`` if ``s > margin x C`` else 0. Without the margin a shortfall of
    1 m3/d would be priced at the curve's steep end (``a x 1^b``, hundreds of 억원), which no
    city builds. Scalar or array in; the same out.
    """
    if not (math.isfinite(margin) and 0 <= margin < 1):
        raise ParameterError("hydraulic_margin", margin, "[0, 1)")
    s = np.asarray(shortfall_m3_per_day, dtype=float)
    out = np.where(s > margin * float(capacity_m3_per_day), curve.cost(np.maximum(s, 0.0)), 0.0)
    return float(out) if np.ndim(shortfall_m3_per_day) == 0 else out


# ======================================================================================
# 5. Operation and maintenance
# ======================================================================================

OM_SOURCE_YEAR = 2009


def om_unit_cost(price_year: int | None = None) -> dict:
    """Plant O&M cost [KRW/m3 treated] at ``price_year`` with its range and how it was made.

    The latest national survey figure shipped (2009: 116.8 KRW/m3, plants >= 500 m3/d; 105.2
    contracted-out, 140.2 run by the city) brought to the price year with the construction cost
    index, a proxy (no O&M price index is shipped). Small plants cost far more per m3.
    """
    import re

    df = csv_table("kr_treatment_om_unit_costs.csv")
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
    """Annual O&M of the plant that treats ``inflow_m3_per_day`` [m3/d, day-average incl. groundwater once].

    Notes
    -----
    ``annual = unit cost x inflow x 365`` at the reference (recommended) capacity. The inflow is
    the town's day-average sewage with its groundwater counted once (the ML day-average of the
    results bundle already holds it). Energy, chemicals and sludge scale with the inflow, which
    is the town's whatever the plant's size; staff and maintenance (the fixed share) scale with
    the built capacity. For another capacity C: ``annual x ((1 - f) + f x C / C_ref)``. Without
    ``fixed_share`` the model gives both bounds (f = 0: size changes nothing; f = 1: proportional).
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


# ======================================================================================
# 6. The pilot report's reference expansions, with the sources' own caveats
# ======================================================================================


@dataclass(frozen=True)
class ReferenceProject:
    """One of the pilot report's reference expansions of similar new towns."""

    name: str
    name_en: str
    cost_krw: float
    start_year: int
    end_year: int
    added_capacity_m3_per_day: float | None
    note: str
    note_ko: str = ""  # the source's own caveat in Korean ("" when it has none)
    total_cost: bool = True  # False: the reported figure is not the project's total cost (남양주: subsidy + fund)


@lru_cache(maxsize=1)
def reference_projects() -> tuple[ReferenceProject, ...]:
    """파주 운정, 남양주, 인천 검단, 아산 (``model/data/kr_expansion_seed_projects.csv``)."""
    df = csv_table("kr_expansion_seed_projects.csv")
    return tuple(ReferenceProject(
        r.project, r.project_en, float(r.cost_100m_krw) * KRW_PER_100M, int(r.start_year), int(r.end_year),
        None if pd.isna(r.added_capacity_m3_per_day) else float(r.added_capacity_m3_per_day), str(r.note),
        "" if pd.isna(r.note_ko) else str(r.note_ko), str(r.total_cost).strip().lower() == "yes")
        for r in df.itertuples())


def reference_points(curve) -> list[dict]:
    """The pilot report's four new-town expansions beside the curve [KRW]: as reported (nominal), the
    source's caveat and, where the figure is a total cost and the news gives the added capacity, the
    curve's cost of that capacity at its price year (a subsidy-only figure is not compared)."""
    out = []
    for p in reference_projects():
        q = p.added_capacity_m3_per_day
        out.append({"name": p.name, "name_en": p.name_en, "reported_krw": p.cost_krw, "start_year": p.start_year,
                    "end_year": p.end_year, "added_capacity_m3_per_day": q, "note": p.note, "note_ko": p.note_ko,
                    "total_cost": p.total_cost,
                    "curve_krw": None if q is None or not p.total_cost else float(curve.cost(q))})
    return out


# --------------------------------------------------------------------------------------
# Regenerating the shipped curve file (run by hand when a reference table changes):
#   python -c "from sewerplan.model.planning.money.costs import write_curve_file; write_curve_file()"
# --------------------------------------------------------------------------------------


def _nominal_curve() -> CostCurve:
    ref = reference_cost_table()
    return fit_cost_curve(
        ref["added_capacity_m3_per_day"], ref["cost_krw"], name="korea_2001_2025",
        source="Least squares on ln(cost) vs ln(added capacity) over the 21 sourced Korean "
        "treatment-plant cost rows 2001-2025 in kr_treatment_plant_expansion_costs.csv "
        "(news reports of project budgets; sources per row) at NOMINAL prices of mixed years "
        "(capacity and year correlate, r = -0.42; two projects counted twice). Superseded by the "
        "plant-type curves (korea_real ...); kept for comparison.",
        label_ko="국내 하수처리장 사업비 21행 (2001-2025, 명목가격) 적합 곡선")


def _choe_kim_curve() -> CostCurve:
    return CostCurve(
        name="choe_kim_2003", coefficient_krw=94.39e6, exponent=0.568, log_residual_sd=0.0, n_points=58,
        source="Choe & Kim (2003), construction cost function of 58 Korean sewage treatment "
        "plants: C[M KRW] = 94.39 Q^0.568 (1990s prices; 1.5-3x below recent projects). Spread not published.",
        label_ko="최·김 (2003) 하수처리장 건설비 함수")


def build_curve_file() -> dict:
    """The content of ``treatment_cost_curve.json``: the plant-type curves, the nominal fit, Choe & Kim."""
    typed = {c.name: c.as_dict() for c in fit_plant_type_curves().values()}
    return {
        "description": "Treatment capacity capital cost curves: cost[KRW] = coefficient_krw * Q[m3/d]^exponent; "
        "log_residual_sd = SD of natural-log residuals (multiplicative spread).",
        "generated_by": "sewerplan.model.planning.money.costs.write_curve_file",
        "curves": {**typed, "korea_2001_2025": _nominal_curve().as_dict(), "choe_kim_2003": _choe_kim_curve().as_dict()},
    }


def write_curve_file(path=None) -> None:
    """Write ``model/data/treatment_cost_curve.json`` from the reference tables."""
    from pathlib import Path

    path = Path(path) if path else Path(__file__).parents[2] / "data" / "treatment_cost_curve.json"
    path.write_text(json.dumps(build_curve_file(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
