"""Run the design methods over a canonical building table and sum by district.

Per building (all [m3/d], day-max design basis, no infiltration unless said):

- ``pilot_formula_m3_per_day``: the pilot's population formula (households x persons per
  household x per-capita unit x 1.1) on residential rows; 0 on every other row
  (:func:`sewerplan.model.design.baselines.pilot_formula_day_max`). Its x1.1 is its only
  infiltration allowance: district totals add nothing to it.
- ``master_plan_m3_per_day``: the master-plan method's domestic sewage (population x per-capita
  day-max supply x return ratio) on residential rows plus factory wastewater (floor area x rate)
  on factories; infiltration is added once to district totals.
- ``unit_load_m3_per_day``: the MOE notice for every building, housing by persons per
  dwelling x 200 L/(person d) (170 in 읍·면 areas); infiltration added once to district totals.

District totals give day-average, day-max and hour-max for each method
(:func:`sewerplan.model.design.conventional.design_flows`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .baselines import MasterPlanFigures, master_plan_day_max, pilot_formula_day_max
from .conventional import design_flows
from .parameters import DEFAULT_PARAMETERS, DesignParameters
from .unit_loads import lookup_use, persons_per_dwelling, rooms_from_area
from ..units import litres_per_day_to_m3_per_day
from .uses import HOUSING_DETACHED, HOUSING_MULTI, default_moe_code

__all__ = ["METHOD_COLUMNS", "METHOD_INFILTRATION", "estimate_buildings", "district_summary", "town_total",
           "master_plan_terms"]

# method column -> basis of its per-building values
METHOD_COLUMNS = {
    "pilot_formula_m3_per_day": "day_max",
    "master_plan_m3_per_day": "day_max",
    "unit_load_m3_per_day": "day_max",
    "ml_m3_per_day": "day_average",
    "observed_m3_per_day": "day_average",
}
# method column -> whether district totals add groundwater infiltration (the pilot's x1.1 is its own)
METHOD_INFILTRATION = {"pilot_formula_m3_per_day": False}


def _col(df, name, default=np.nan):
    return df[name].astype(float) if name in df.columns else pd.Series(default, index=df.index, dtype=float)


def estimate_buildings(buildings: pd.DataFrame, params: DesignParameters = DEFAULT_PARAMETERS) -> pd.DataFrame:
    """Add the pilot-formula, master-plan and MOE unit-load flows to a validated building table.

    Parameters
    ----------
    buildings : DataFrame
        Canonical table from :func:`sewerplan.model.intake.inventory.load_buildings`.
    params : DesignParameters

    Returns
    -------
    DataFrame
        A copy with ``moe_code_used``, ``unit_load_basis``, ``persons_estimated``
        [persons], ``pilot_formula_m3_per_day``, ``master_plan_m3_per_day`` and
        ``unit_load_m3_per_day`` [m3/d] (day-max, no infiltration).
    """
    df = buildings.copy()
    given = df["moe_code"].fillna("").astype(str) if "moe_code" in df.columns else pd.Series("", index=df.index)
    uses = df["main_use"]
    defaults = uses.map({u: default_moe_code(u) for u in uses.unique()})  # each distinct use looked up once
    code = given.where(given != "", defaults)
    df["moe_code_used"] = code
    rows = {c: lookup_use(c) for c in code.unique()}
    basis = code.map({c: r.basis for c, r in rows.items()})
    litres = code.map({c: r.litres_per_unit_day for c, r in rows.items()}).astype(float)
    df["unit_load_basis"] = basis

    area = _col(df, "floor_area_m2")
    households = _col(df, "households", 0.0).fillna(0.0)
    units = _col(df, "dwelling_units", 0.0).fillna(0.0)
    dwellings = households.where(households > 0, units)
    is_housing = basis == "dwelling"
    dwellings = dwellings.where(~(is_housing & (dwellings <= 0) & (code == HOUSING_DETACHED)), 1.0)
    rooms = _col(df, "rooms_per_dwelling")
    area_per = area / dwellings.where(dwellings > 0, np.nan)
    rooms = rooms.where(rooms > 0, pd.Series(rooms_from_area(area_per.fillna(0).to_numpy()), index=df.index))
    persons = dwellings * persons_per_dwelling(rooms.to_numpy(), multi_unit=(code == HOUSING_MULTI).to_numpy())
    rural = df["rural"].astype(bool) if "rural" in df.columns else pd.Series(False, index=df.index)
    housing_unit = np.where(rural, params.housing_l_per_person_day_rural, params.housing_l_per_person_day)
    occupants = _col(df, "occupants", 0.0).fillna(0.0)

    unit_load = pd.Series(0.0, index=df.index)
    per_m2 = basis == "m2"
    unit_load[per_m2] = litres_per_day_to_m3_per_day(area[per_m2] * litres[per_m2])
    per_person = basis == "person"
    unit_load[per_person] = litres_per_day_to_m3_per_day(occupants[per_person] * litres[per_person])
    unit_load[is_housing] = litres_per_day_to_m3_per_day(persons[is_housing] * housing_unit[is_housing.to_numpy()])
    df["persons_estimated"] = np.where(is_housing, persons, np.nan)
    df["unit_load_m3_per_day"] = unit_load

    residential = df["category"] == "residential" if "category" in df.columns else is_housing
    dwellings_res = dwellings.where(residential & (is_housing | (households > 0)), 0.0)
    df["pilot_formula_m3_per_day"] = pilot_formula_day_max(dwellings_res, residential, params=params)
    factory_area = area.where(df["main_use"].astype(str) == "공장", 0.0).fillna(0.0)
    mp = master_plan_day_max(dwellings_res * params.persons_per_household, factory_area, params=params)
    df["master_plan_m3_per_day"] = mp["domestic"] + mp["factory"]
    return df


def master_plan_terms(estimated: pd.DataFrame, figures: MasterPlanFigures | None = None,
                      params: DesignParameters = DEFAULT_PARAMETERS) -> dict:
    """The master-plan method for a whole town, term by term [m3/d] (a city's figures replace terms).

    Population = residential dwellings x ``persons_per_household`` [persons]; factory floor
    area = floor area of rows whose main use is 공장 [m2]. Returns the dict of
    :func:`sewerplan.model.design.baselines.master_plan_day_max` plus ``population`` and
    ``factory_floor_area_m2``.
    """
    res = estimated["category"] == "residential" if "category" in estimated else estimated["households"] > 0
    population = float(estimated["households"].where(res, 0.0).fillna(0.0).sum()) * params.persons_per_household
    if figures is not None and figures.planned_population is not None:
        population = float(figures.planned_population)
    factory_area = float(estimated["floor_area_m2"].where(estimated["main_use"].astype(str) == "공장", 0.0).sum())
    terms = master_plan_day_max(population, factory_area, figures=figures, params=params)
    return {**{k: float(v) for k, v in terms.items()}, "population": population,
            "factory_floor_area_m2": factory_area}

def district_summary(
    estimated: pd.DataFrame,
    params: DesignParameters = DEFAULT_PARAMETERS,
    district_column: str = "district",
    methods=None,
) -> pd.DataFrame:
    """District totals per method: day-average, day-max and hour-max [m3/d] with infiltration.

    Columns: district, buildings, households, floor_area_m2 and, for each method present
    (``pilot_formula``, ``master_plan``, ``unit_load``, ``ml``, ``observed``), ``<method>_day_average_m3_per_day``,
    ``<method>_day_max_m3_per_day`` and ``<method>_hour_max_m3_per_day``.
    """
    methods = methods or [m for m in METHOD_COLUMNS if m in estimated.columns]
    g = estimated.groupby(district_column, sort=True)
    out = pd.DataFrame({
        "buildings": g.size(),
        "households": g["households"].sum() if "households" in estimated else 0.0,
        "floor_area_m2": g["floor_area_m2"].sum(),
    })
    for col in methods:
        total = g[col].sum(min_count=1)
        name = col.removesuffix("_m3_per_day")
        flows = design_flows(total, params=params, basis=METHOD_COLUMNS.get(col, "day_max"),
                             with_infiltration=METHOD_INFILTRATION.get(col, True))
        for key in ("day_average", "day_max", "hour_max"):
            out[f"{name}_{key}_m3_per_day"] = flows[key]
    return out.reset_index().rename(columns={district_column: "district"})


def town_total(summary: pd.DataFrame, label="합계 (total)") -> pd.DataFrame:
    """The district summary with a total row appended (sums of every numeric column)."""
    total = summary.select_dtypes("number").sum()
    row = pd.DataFrame([{"district": label, **total.to_dict()}])
    out = pd.concat([summary, row], ignore_index=True)
    if "buildings" in out:
        out["buildings"] = out["buildings"].astype(int)
    return out
