"""Run a planning scenario per year of build-out, with honest ML uncertainty, and compare.

:func:`run_scenario` expands the scenario (:func:`sewerplan.model.planning.scenario.expand_scenario`),
runs the pilot formula, the master-plan method and the MOE unit loads once (they do not depend on the year) and
the ML model once per year (the household-size mix changes by year), and sums by district
and town for every year from the first completion to the end year.

Uncertainty of the ML forecast (docs/scenarios.md, "Uncertainty")
------------------------------------------------------------------
The ML model gives each building a day-average flow ``p_b`` [m3/d] with a calibrated
building interval, and a calibrated interval for the ratio of observed to predicted
*district totals* on held-out districts. Errors of buildings in one town are not
independent (one model, one climate of habits, one region's bias), so the total is
simulated as

    T_d,y = S x W_d,y,     town_y = sum_d T_d,y

- ``S = exp(mu_s + sigma_s Z_s)``: one **shared factor for the whole town**, log-normal
  fitted to the model's district-level conformal bounds ``[lo, hi]`` at its coverage c
  (``mu_s = (lo + hi) / 2``, ``sigma_s = (hi - lo) / (2 z)``, z the normal quantile of
  ``(1 + c) / 2``). Every district and every year share it: districts are treated as
  perfectly correlated in the model's systematic error, which is the cautious choice.
- ``W_d,y``: the sum of **independent building residuals**, each log-normal with mean
  one and log-sd ``sigma_b = ln(upper_b / lower_b) / (2 z)`` from the building interval.
  The sum is approximated by a log-normal with the same mean and variance
  (Fenton-Wilkinson): ``sigma_W^2 = ln(1 + sum (p_b^2 (exp(sigma_b^2) - 1)) / P^2)``,
  ``P = sum p_b``. Its standard-normal draw is kept per district across years, so a
  district that runs high runs high every year.

Because the district-level calibration already contains some averaged building noise,
adding ``W`` counts a little of it twice: the P90 is slightly conservative, never
optimistic. P10/P50/P90 are quantiles of ``n_simulations`` draws (seeded). Day-max and
hour-max follow from the day average by the design ratios (plus infiltration), which are
linear, so their quantiles are the same transform of the day-average quantiles.

Capacity needed in a year = the design day-max incl. infiltration counted once (the pilot
formula: its own x1.1; :func:`sewerplan.model.design.capacity.plant_capacity`). Utilisation
(expected ML P50 inflow / plant capacity) is reported by year; 80% is the review trigger
(``utilisation`` below), never a divisor.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..design.capacity import plant_capacity, utilisation_of
from ..design.conventional import design_flows
from ..errors import InputFileError, ModelLoadError, ParameterError, SewerplanError
from ..design.estimate import estimate_buildings
from ..intake.household_trend import HH_SHARE_COLUMNS, household_mix
from ..intake.inventory import CANONICAL_COLUMNS, validate_buildings
from ..design.parameters import DesignParameters
from .scenario import Scenario, ScenarioFileError, expand_scenario, load_scenario

SIMULATION_RANGE = (100, 200_000)  # Monte Carlo draws of one run (memory: years x draws x 8 bytes)

__all__ = [
    "ScenarioResult",
    "run_scenario",
    "capacity_by_year",
    "capacity_needed",
    "capacity_needed_by_year",
    "exceedance",
    "sizing_costs",
    "compare_scenarios",
]

BASES = ("day_average", "day_max", "hour_max")
QUANTILES = {"p10": 0.10, "p50": 0.50, "p90": 0.90}


@dataclass
class ScenarioResult:
    """Everything a scenario run produced. Flows [m3/d], capacities [m3/d], money [KRW].

    Attributes
    ----------
    by_year_town, by_year_district : DataFrame
        Per year (and district): buildings, households, floor area and, per method,
        ``<method>_<basis>_m3_per_day`` for basis day_average / day_max / hour_max; for ML
        also ``ml_<basis>_p10/p50/p90_m3_per_day``.
    capacity : DataFrame
        :func:`capacity_by_year` at the scenario's confidence.
    town_day_max_samples : ndarray, shape (n_years, n_simulations)
        Simulated ML town day-max incl. infiltration [m3/d] (empty when no ML model).
    """

    scenario: Scenario
    years: list
    buildings: pd.DataFrame
    by_year_town: pd.DataFrame
    by_year_district: pd.DataFrame
    household_mix: pd.DataFrame
    params: DesignParameters
    utilisation: float
    town_day_max_samples: np.ndarray
    ml_available: bool
    model_id: str = ""
    model_note: str = ""
    notes: list = field(default_factory=list)
    elapsed_seconds: float = 0.0
    capacity: pd.DataFrame | None = None
    summary: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.scenario.name

    def capacity_samples(self) -> np.ndarray:
        """Simulated capacity needed [m3/d] = simulated day-max incl. infiltration, shape (n_years, n_simulations)."""
        return self.town_day_max_samples


# ---------------------------------------------------------------------------------------
# model resolution
# ---------------------------------------------------------------------------------------

def _resolve_model(model, scenario: Scenario):
    """(model or None, note). ``model=False`` skips ML."""
    if model is False:
        return None, "ML not run (switched off) / ML 예측을 실행하지 않음"
    if model is not None and not isinstance(model, (str, os.PathLike)):
        return model, ""
    from ..ml.persistence import load_model

    path = model or scenario.settings.model
    if path:
        return load_model(path), ""  # an explicit model that fails to load is an error
    try:
        return load_model(None), ""
    except ModelLoadError as exc:
        return None, (f"ML not run: no bundled model could be loaded ({exc}). Give a model with "
                      f"--model or settings.model / ML 모델이 없어 ML 예측을 생략했습니다.")


def _normal_quantile(p: float) -> float:
    from scipy.special import ndtri  # = scipy.stats.norm.ppf, bit for bit, without importing scipy.stats (1-2 s)

    return float(ndtri(p))


def _shared_factor(model, coverage: float, building_sigma_pooled: float):
    """(mu_s, sigma_s, note) of the town-level log factor."""
    z = _normal_quantile(0.5 + coverage / 2)
    iv = getattr(model, "district_intervals", None) or {}
    bounds = iv.get("log_ratio_bounds") if isinstance(iv, dict) else None
    if bounds is not None and getattr(model, "newest", None):
        bounds = model.district_log_bounds(new=True)  # a planned town: widened by the newest-cohort check
    if bounds is not None and all(np.isfinite(bounds)) and bounds[1] > bounds[0]:
        lo, hi = (float(b) for b in bounds)
        note = (f"Shared town factor from the model's district-level interval "
                f"[{math.exp(lo):.3f}, {math.exp(hi):.3f}] x at {coverage:.0%} "
                f"({iv.get('n_districts', '?')} held-out districts).")
        return (lo + hi) / 2, (hi - lo) / (2 * z), note
    note = ("The model has no usable district-level interval; the shared town factor uses the "
            "pooled building interval (fully correlated buildings, cautious) / 배수구역 단위 구간이 없어 "
            "건축물 단위 구간을 전체 공통 요인으로 사용했습니다.")
    return 0.0, building_sigma_pooled, note


# ---------------------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------------------

def _occupancy(completion: np.ndarray, year: int, ramp: tuple) -> np.ndarray:
    age = year - completion
    occ = (age >= 0).astype(float)
    for k, share in enumerate(ramp):
        occ[age == k] = float(share)
    return occ


def _check_inventory(inv: pd.DataFrame, name: str) -> None:
    """The expanded table must pass the canonical contract (a bug otherwise)."""
    cols = [c for c in CANONICAL_COLUMNS if c in inv.columns]
    raw = inv[cols].astype(object).where(inv[cols].notna(), "").astype(str)
    _, rejected, problems = validate_buildings(raw, source=f"scenario '{name}' (synthetic buildings)")
    if problems:
        raise SewerplanError(
            f"Internal error: the expanded buildings of scenario '{name}' break the building-table "
            f"contract: {problems[0]} (and {len(problems) - 1} more). Please report this."
        )


ML_COLUMNS = ("ml_m3_per_day", "ml_lower_m3_per_day", "ml_upper_m3_per_day")


@dataclass
class _Town:
    """The scenario's estimated buildings as arrays, with a district index for sums by district."""

    est: pd.DataFrame
    districts: np.ndarray
    d_index: np.ndarray
    completion: np.ndarray
    pilot_formula: np.ndarray
    master_plan: np.ndarray
    unit_load: np.ndarray
    households: np.ndarray
    floor_area: np.ndarray
    housing: np.ndarray

    @classmethod
    def of(cls, est: pd.DataFrame) -> "_Town":
        districts = np.array(sorted(est["district"].unique()))
        hh = est["households"].to_numpy(float)
        return cls(
            est=est, districts=districts, d_index=pd.Categorical(est["district"], categories=districts).codes,
            completion=est["completion_year"].to_numpy(int),
            pilot_formula=est["pilot_formula_m3_per_day"].to_numpy(float),
            master_plan=est["master_plan_m3_per_day"].to_numpy(float),
            unit_load=est["unit_load_m3_per_day"].to_numpy(float), households=hh,
            floor_area=est["floor_area_m2"].to_numpy(float),
            housing=(est["category"] == "residential").to_numpy() & (hh > 0),
        )

    def by_district(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.d_index, weights=values, minlength=len(self.districts))


def _expanded_estimates(scenario: Scenario, params: DesignParameters, validate: bool) -> pd.DataFrame:
    """The plan expanded into buildings, checked, with the design methods per building [m3/d]."""
    inv = expand_scenario(scenario)
    if inv.empty:
        raise ScenarioFileError(scenario.source, "plan", None, None, None,
                                "the plan expands to no buildings / 계획에서 건축물이 만들어지지 않습니다.")
    if validate:
        _check_inventory(inv, scenario.name)
    return estimate_buildings(inv, params)


def _design_sums(town: _Town, year: int, occ: np.ndarray) -> dict:
    """Per district in ``year``: buildings, households, floor area [m2] built; design flows [m3/d] occupied."""
    built = town.completion <= year
    return {
        "buildings": town.by_district(built.astype(float)),
        "households": town.by_district(town.households * built),
        "floor_area_m2": town.by_district(town.floor_area * built),
        "pilot_formula": town.by_district(town.pilot_formula * occ),
        "master_plan": town.by_district(town.master_plan * occ),
        "unit_load": town.by_district(town.unit_load * occ),
    }


class _MixPredictor:
    """ML predictions of the buildings under a year's household-size mix, cached by mix.

    Only housing rows carry the mix, so after the first prediction only they are predicted again.
    """

    def __init__(self, model, town: _Town):
        self.model = model
        self.town = town
        self._cache: dict = {}

    def __call__(self, shares: np.ndarray) -> pd.DataFrame:
        key = tuple(np.round(shares, 12))
        if key in self._cache:
            return self._cache[key]
        est, housing = self.town.est, self.town.housing
        if not self._cache or not housing.any():
            frame = est.copy()
            frame.loc[housing, HH_SHARE_COLUMNS] = shares
            pred = self.model.predict(frame)
        else:
            frame = est.loc[housing].copy()
            frame[HH_SHARE_COLUMNS] = shares
            pred = next(iter(self._cache.values())).copy()
            part = self.model.predict(frame)
            for c in ML_COLUMNS:
                pred.loc[housing, c] = part[c].to_numpy(float)
        self._cache[key] = pred
        return pred


class _Simulation:
    """Monte Carlo of the ML district totals ``T_d,y = S x W_d,y`` (see the module docstring)."""

    def __init__(self, model, n_districts: int, n_sims: int, seed: int):
        rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, 7])
        self.model = model
        self.coverage = float(getattr(model, "coverage", 0.9))
        self.z = _normal_quantile(0.5 + self.coverage / 2)
        self.z_shared = rng.standard_normal(n_sims)
        self.z_district = rng.standard_normal((n_districts, n_sims))
        self.shared = None  # the town factor S, set from the first year's building intervals
        self.note = ""

    def building_log_sd(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """sigma_b = ln(upper / lower) / (2 z) per building [-] (0 without a usable interval)."""
        ratio = np.log(np.maximum(hi, 1e-12) / np.maximum(lo, 1e-12)) / (2 * self.z)
        return np.where((lo > 0) & (hi > lo), ratio, 0.0)

    def start(self, sig: np.ndarray) -> None:
        """Draw the shared town factor S (pooled building sigma as its fallback) and say how."""
        pooled = float(np.median(sig[sig > 0])) if np.any(sig > 0) else 0.0
        mu_s, sigma_s, self.note = _shared_factor(self.model, self.coverage, pooled)
        self.shared = np.exp(mu_s + sigma_s * self.z_shared)

    def district_totals(self, pe: np.ndarray, sig: np.ndarray, by_district) -> tuple[np.ndarray, np.ndarray]:
        """(P, T): expected day-average per district [m3/d] and its draws, shape (districts, sims)."""
        P = by_district(pe)
        V = by_district(pe ** 2 * np.expm1(sig ** 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            sw2 = np.where(P > 0, np.log1p(V / np.where(P > 0, P ** 2, 1.0)), 0.0)
        sw = np.sqrt(sw2)
        W = P[:, None] * np.exp(sw[:, None] * self.z_district - sw2[:, None] / 2)
        return P, W * self.shared[None, :]


@dataclass
class _MLYear:
    """One year of the ML forecast: predictions, district sums and quantiles [m3/d]."""

    pred: pd.DataFrame
    point: np.ndarray
    expected: np.ndarray
    district_q: dict
    town_q: dict
    town_day_max: np.ndarray


def _ml_year(sim: _Simulation, predictor: _MixPredictor, town: _Town, shares, occ, params) -> _MLYear:
    """Predict the buildings under this year's mix and simulate district and town totals."""
    pred = predictor(shares)
    p, lo, hi = (pred[c].to_numpy(float) for c in ML_COLUMNS)
    if not np.all(np.isfinite(p)):
        bad = town.est.loc[~np.isfinite(p), "building_id"].iloc[0]
        raise SewerplanError(f"ML model gave no prediction for building {bad} / ML 예측값이 없습니다.")
    sig = sim.building_log_sd(lo, hi)
    if sim.shared is None:
        sim.start(sig)
    P, T = sim.district_totals(p * occ, sig, town.by_district)
    total = T.sum(axis=0)
    return _MLYear(
        pred=pred, point=p, expected=P,
        district_q={k: np.quantile(T, q, axis=1) for k, q in QUANTILES.items()},
        town_q={k: float(np.quantile(total, q)) for k, q in QUANTILES.items()},
        town_day_max=design_flows(total, params, basis="day_average")["day_max"],
    )


def _district_rows(year: int, districts, rec: dict, params: DesignParameters, q: dict | None) -> list:
    rows = []
    for j, d in enumerate(districts):
        row = {"year": year, "district": d, **{k: (float(v[j])) for k, v in rec.items()
                                               if k in ("buildings", "households", "floor_area_m2")}}
        row.update(_flows(rec, j, params, q))
        rows.append(row)
    return rows


def _town_row(year: int, rec: dict, params: DesignParameters, q: dict | None, mix_row) -> dict:
    row = {"year": year, "buildings": float(rec["buildings"].sum()), "households": float(rec["households"].sum()),
           "floor_area_m2": float(rec["floor_area_m2"].sum())}
    row.update(_flows({k: np.array([v.sum()]) for k, v in rec.items()}, 0, params,
                      {k: np.array([v]) for k, v in q.items()} if q is not None else None))
    row["mean_household_size"] = float(mix_row["mean_household_size"])
    row["hh_share_1"] = float(mix_row["hh_share_1"])
    return row


@dataclass
class _Years:
    """The year-by-year run: table rows, simulated town day-max, first and last ML predictions."""

    rows_district: list = field(default_factory=list)
    rows_town: list = field(default_factory=list)
    town_samples: list = field(default_factory=list)
    first_point: np.ndarray | None = None
    final_pred: pd.DataFrame | None = None


def _run_years(town: _Town, years: list, mix: pd.DataFrame, ramp: tuple, params: DesignParameters,
               sim: _Simulation | None, predictor: _MixPredictor | None) -> _Years:
    """Sum the design methods and simulate the ML totals for every year of the build-out."""
    out = _Years()
    for yi, year in enumerate(years):
        occ = _occupancy(town.completion, year, ramp)
        rec = _design_sums(town, year, occ)
        q_d = q_t = None
        if sim is not None:
            ml = _ml_year(sim, predictor, town, mix.iloc[yi][HH_SHARE_COLUMNS].to_numpy(float), occ, params)
            rec["ml"], q_d, q_t = ml.expected, ml.district_q, ml.town_q
            out.town_samples.append(ml.town_day_max)
            if yi == 0:
                out.first_point = ml.point.copy()
            if year == years[-1]:
                out.final_pred = ml.pred
        out.rows_district.extend(_district_rows(year, town.districts, rec, params, q_d))
        out.rows_town.append(_town_row(year, rec, params, q_t, mix.iloc[yi]))
    return out


def _year_tables(run: _Years) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(by_year_district, by_year_town) with whole building counts."""
    by_d, by_t = pd.DataFrame(run.rows_district), pd.DataFrame(run.rows_town)
    for df in (by_d, by_t):
        df["buildings"] = df["buildings"].astype(int)
    return by_d, by_t


def _final_buildings(town: _Town, run: _Years, mix: pd.DataFrame) -> pd.DataFrame:
    """The buildings with the final year's ML prediction and household mix."""
    buildings = town.est.copy()
    if run.final_pred is not None:
        for c in ML_COLUMNS:
            buildings[c] = run.final_pred[c].to_numpy()
        buildings.loc[town.housing, HH_SHARE_COLUMNS] = mix.iloc[-1][HH_SHARE_COLUMNS].to_numpy(float)
    return buildings


def _closing_notes(notes: list, model_obj, town: _Town, run: _Years, mix: pd.DataFrame, years: list,
                   user_mix: bool) -> None:
    """Notes on the model, on a model deaf to the household mix, on the mix, and that buildings are synthetic."""
    housing = town.housing
    if model_obj is not None:
        if result_note := getattr(model_obj, "note", ""):
            notes.append(f"ML model: {result_note}")
        mix_moves = abs(mix["mean_household_size"].iloc[-1] - mix["mean_household_size"].iloc[0]) > 0.01
        final = run.final_pred["ml_m3_per_day"].to_numpy(float)
        if mix_moves and housing.any() and np.allclose(run.first_point[housing], final[housing]):
            notes.append("The ML model does not respond to the household-size mix (its training data carried no "
                         "mix), so the household trend changes no ML number in this run / 이 ML 모델은 가구원수 "
                         "구성에 반응하지 않아 가구 추세가 ML 결과를 바꾸지 않습니다.")
    mix_source = "user table / 사용자 입력" if user_mix else "census trend / 인구총조사 추세"
    notes.append(f"Household-size mix: {mix_source}; mean size {mix['mean_household_size'].iloc[0]:.2f} "
                 f"({years[0]}) -> {mix['mean_household_size'].iloc[-1]:.2f} ({years[-1]}).")
    notes.append("Buildings are synthetic: expanded from the land-use plan (block totals kept exactly) / "
                 "토지이용계획에서 만든 가상 건축물입니다.")


def run_scenario(scenario: Scenario | str | os.PathLike, model=None, n_simulations: int | None = None,
                 seed: int | None = None, validate: bool = True) -> ScenarioResult:
    """Run a scenario for every year of its build-out.

    Expand the plan into buildings, run the design methods once, the ML model once per
    household-size mix, simulate district and town totals per year, sum, and derive the
    capacity needed and the summary.

    Parameters
    ----------
    scenario : Scenario or path
        A scenario, or a scenario file (.yaml/.xlsx) read with :func:`load_scenario`.
    model : TrainedModel, path, None or False
        ML model (anything with ``predict(df)`` giving ``ml_m3_per_day``,
        ``ml_lower_m3_per_day``, ``ml_upper_m3_per_day``, plus ``coverage`` and
        ``district_intervals``), or its file. None: ``settings.model``, else the bundled model;
        when no model can be loaded the run goes on with the design methods only and says so
        in ``notes``. False: skip ML.
    n_simulations, seed : int, optional
        Override the scenario settings.

    Returns
    -------
    ScenarioResult
    """
    t0 = time.perf_counter()
    if n_simulations is not None and not SIMULATION_RANGE[0] <= n_simulations <= SIMULATION_RANGE[1]:
        raise ParameterError("n_simulations", n_simulations, SIMULATION_RANGE)
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    st, params = scenario.settings, scenario.design_parameters
    town = _Town.of(_expanded_estimates(scenario, params, validate))
    years = scenario.years()
    mix = household_mix(years, table=scenario.household_mix, hold_after=st.household_trend_hold_after)
    model_obj, note = _resolve_model(model, scenario)
    ml = model_obj is not None
    sim = predictor = None
    if ml:
        sim = _Simulation(model_obj, len(town.districts), int(n_simulations or st.n_simulations),
                          st.seed if seed is None else int(seed))
        predictor = _MixPredictor(model_obj, town)
    run = _run_years(town, years, mix, st.occupancy_ramp, params, sim, predictor)
    notes = ([note] if note else []) + ([sim.note] if ml else [])
    _closing_notes(notes, model_obj, town, run, mix, years, scenario.household_mix is not None)
    by_d, by_t = _year_tables(run)
    result = ScenarioResult(
        scenario=scenario, years=years, buildings=_final_buildings(town, run, mix), by_year_town=by_t,
        by_year_district=by_d, household_mix=mix, params=params,
        utilisation=float(st.plant_utilisation or params.plant_utilisation),
        town_day_max_samples=np.array(run.town_samples) if ml else np.empty((len(years), 0)),
        ml_available=ml, model_id=str(getattr(model_obj, "model_id", "")) if ml else "",
        model_note=str(getattr(model_obj, "note", "")) if ml else "", notes=notes,
    )
    result.capacity = capacity_by_year(result, st.confidence)
    result.summary = _summary(result)
    result.elapsed_seconds = time.perf_counter() - t0
    result.summary["elapsed_seconds"] = round(result.elapsed_seconds, 3)
    return result


def _flows(rec: dict, j: int, params: DesignParameters, q: dict | None) -> dict:
    out = {}
    for method, basis in (("pilot_formula", "day_max"), ("master_plan", "day_max"), ("unit_load", "day_max"),
                          ("ml", "day_average")):
        if method not in rec:
            continue
        # the pilot formula's x1.1 is its only infiltration allowance
        f = design_flows(float(rec[method][j]), params, basis=basis, with_infiltration=method != "pilot_formula")
        for b in BASES:
            out[f"{method}_{b}_m3_per_day"] = float(f[b])
    if q is not None:
        for k in QUANTILES:
            f = design_flows(float(q[k][j]), params, basis="day_average")
            for b in BASES:
                out[f"ml_{b}_{k}_m3_per_day"] = float(f[b])
    return out


# ---------------------------------------------------------------------------------------
# capacity, exceedance, costs
# ---------------------------------------------------------------------------------------

def _plant(result: ScenarioResult, plant_capacity_m3_per_day=None):
    c = plant_capacity_m3_per_day if plant_capacity_m3_per_day is not None else result.scenario.settings.plant_capacity_m3_per_day
    return None if c is None else float(c)


def capacity_by_year(result: ScenarioResult, confidence: float = 0.9, plant_capacity_m3_per_day=None) -> pd.DataFrame:
    """Treatment capacity needed per year [m3/d] by method, with ML P10/P50/P90.

    Capacity needed = design day-max incl. infiltration (counted once). Columns: ``year``,
    ``pilot_formula_capacity_m3_per_day``, ``master_plan_capacity_m3_per_day``,
    ``unit_load_capacity_m3_per_day``, ``ml_capacity_p10_m3_per_day``, ``ml_capacity_p50_m3_per_day``,
    ``ml_capacity_p90_m3_per_day``, ``ml_capacity_at_confidence_m3_per_day`` (at
    ``confidence``), ``confidence``, ``plant_capacity_m3_per_day``, ``utilisation_p50`` (ML P50
    need / plant [-], the figure compared with the 80% review trigger),
    ``probability_exceeded`` (P that ML need > plant in that year [-]) and
    ``probability_exceeded_by_year`` (in that year or any earlier one).
    """
    if not 0 < confidence < 1:
        raise ParameterError("confidence", confidence, "(0, 1)")
    t = result.by_year_town
    out = pd.DataFrame({"year": t["year"]})
    for method in ("pilot_formula", "master_plan", "unit_load"):
        out[f"{method}_capacity_m3_per_day"] = plant_capacity(t[f"{method}_day_max_m3_per_day"])
    plant = _plant(result, plant_capacity_m3_per_day)
    if result.ml_available:
        cap = result.capacity_samples()
        for k, q in QUANTILES.items():
            out[f"ml_capacity_{k}_m3_per_day"] = np.quantile(cap, q, axis=1)
        out["ml_capacity_at_confidence_m3_per_day"] = np.quantile(cap, confidence, axis=1)
    out["confidence"] = confidence
    out["plant_capacity_m3_per_day"] = np.nan if plant is None else plant
    if plant is not None and result.ml_available:
        out["utilisation_p50"] = utilisation_of(out["ml_capacity_p50_m3_per_day"], plant)
    if plant is not None and result.ml_available:
        p, p_by = exceedance(result, plant)
        out["probability_exceeded"] = p
        out["probability_exceeded_by_year"] = p_by
    return out


def exceedance(result: ScenarioResult, plant_capacity_m3_per_day: float) -> tuple[np.ndarray, np.ndarray]:
    """P(ML capacity needed > plant capacity) per year, and P(exceeded in or before that year) [-]."""
    if not result.ml_available:
        n = len(result.years)
        return np.full(n, np.nan), np.full(n, np.nan)
    over = result.capacity_samples() > float(plant_capacity_m3_per_day)
    return over.mean(axis=1), np.logical_or.accumulate(over, axis=0).mean(axis=1)


def _first_year(years, flags):
    for y, f in zip(years, flags):
        if f:
            return int(y)
    return None


def _cost_curve(spec):
    from .money import costs as finance

    if isinstance(spec, finance.CostCurve):
        return spec
    try:
        return finance.unit_cost_curve(float(spec))
    except (TypeError, ValueError):
        pass
    try:
        return finance.cost_curve(str(spec))
    except KeyError as exc:
        raise ScenarioFileError("settings", "settings", None, "cost_curve", spec, str(exc).strip('"')) from None


def sizing_costs(result: ScenarioResult, capacities: dict | None = None, design_year: int | None = None,
                 curve=None) -> pd.DataFrame:
    """Cost of over- and under-sizing each candidate capacity at the design year [KRW].

    For each candidate capacity C [m3/d] and the simulated capacity needed Q [m3/d]:

    - ``capex_krw``: cost(C) on the finance cost curve;
    - ``probability_undersized``: P(Q > C) [-];
    - ``expected_oversizing_krw``: E[max(cost(C) - cost(Q), 0)], capital spent on capacity
      not needed by the design year (stranded);
    - ``expected_expansion_krw``: E[cost(Q - C); Q > C], a later expansion;
    - ``expected_undersizing_extra_krw``: E[cost(Q - C) - (cost(Q) - cost(C)); Q > C], what
      the later expansion costs beyond building Q at once (lost economy of scale). Odour,
      fee rises and disruption are not priced.

    Candidates default to the plant (if any), pilot formula, master plan, unit-load, ML P50 and ML P90
    capacities of the design year (default: settings.design_year, else the last year).
    """
    if not result.ml_available:
        return pd.DataFrame()
    st = result.scenario.settings
    year = int(design_year or st.design_year or result.years[-1])
    if year not in result.years:
        raise ParameterError("design_year", year, f"one of the scenario years {result.years[0]}-{result.years[-1]}")
    yi = result.years.index(year)
    curve = _cost_curve(curve if curve is not None else st.cost_curve)
    q = result.capacity_samples()[yi]
    cap = capacity_by_year(result, st.confidence).iloc[yi]
    if capacities is None:
        capacities = {}
        plant = _plant(result)
        if plant is not None:
            capacities["plant / 기존·계획 처리장"] = plant
        capacities["pilot_formula / 기존 방식 (인구 기준)"] = cap["pilot_formula_capacity_m3_per_day"]
        capacities["master_plan / 하수도정비기본계획 방식"] = cap["master_plan_capacity_m3_per_day"]
        capacities["unit_load / 환경부 원단위"] = cap["unit_load_capacity_m3_per_day"]
        capacities["ml_p50 / ML P50"] = cap["ml_capacity_p50_m3_per_day"]
        capacities["ml_p90 / ML P90"] = cap["ml_capacity_p90_m3_per_day"]
    cost_q = curve.cost(q)
    rows = []
    for label, c in capacities.items():
        c = float(c)
        cost_c = float(curve.cost(c))
        gap = np.maximum(q - c, 0.0)
        later = np.where(gap > 0, curve.cost(gap), 0.0)
        extra = np.where(gap > 0, later - (cost_q - cost_c), 0.0)
        rows.append({
            "candidate": label, "design_year": year, "capacity_m3_per_day": c, "capex_krw": cost_c,
            "probability_undersized": float(np.mean(q > c)),
            "expected_oversizing_krw": float(np.mean(np.maximum(cost_c - cost_q, 0.0))),
            "expected_expansion_krw": float(np.mean(later)),
            "expected_undersizing_extra_krw": float(np.mean(extra)),
            "cost_curve": curve.name,
        })
    return pd.DataFrame(rows)


def _summary(result: ScenarioResult) -> dict:
    st = result.scenario.settings
    cap = result.capacity
    last = cap.iloc[-1]
    years = result.years
    plant = _plant(result)
    s = {
        "scenario": result.name,
        "description": result.scenario.description,
        "synthetic": bool(st.synthetic),
        "years": [int(years[0]), int(years[-1])],
        "buildings": int(result.by_year_town["buildings"].iloc[-1]),
        "households": float(result.by_year_town["households"].iloc[-1]),
        "floor_area_m2": float(result.by_year_town["floor_area_m2"].iloc[-1]),
        "confidence": st.confidence,
        "plant_utilisation": result.utilisation,
        "ml_available": result.ml_available,
        "ml_model_id": result.model_id,
        "ml_model_note": result.model_note,
        "n_simulations": int(result.town_day_max_samples.shape[1]),
        "seed": st.seed,
        "final_year": {k: (None if pd.isna(v) else float(v)) for k, v in last.items() if k != "year"},
        "plant_capacity_m3_per_day": plant,
        "notes": list(result.notes),
    }
    if plant is not None:
        s["year_exceeded"] = {
            "pilot_formula": _first_year(years, cap["pilot_formula_capacity_m3_per_day"] > plant),
            "master_plan": _first_year(years, cap["master_plan_capacity_m3_per_day"] > plant),
            "unit_load": _first_year(years, cap["unit_load_capacity_m3_per_day"] > plant),
        }
        if result.ml_available:
            s["year_exceeded"]["ml_p50"] = _first_year(years, cap["ml_capacity_p50_m3_per_day"] > plant)
            s["year_exceeded"][f"ml_at_confidence_{st.confidence:g}"] = _first_year(
                years, cap["ml_capacity_at_confidence_m3_per_day"] > plant)
            s["probability_exceeded_by_end"] = float(cap["probability_exceeded_by_year"].iloc[-1])
    if result.ml_available:
        costs = sizing_costs(result)
        s["sizing_costs"] = costs.to_dict("records")
    return s


# ---------------------------------------------------------------------------------------
# worksheet-ready functions
# ---------------------------------------------------------------------------------------

_CACHE: dict = {}


def _result_for(scenario, model=None) -> ScenarioResult:
    if isinstance(scenario, ScenarioResult):
        return scenario
    if isinstance(scenario, Scenario):
        return run_scenario(scenario, model=model)
    path = Path(scenario)
    if not path.is_file():
        raise InputFileError(f"Scenario file not found: {path} / 시나리오 파일이 없습니다: {path}")
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size, id(model) if model is not None else None)
    if key not in _CACHE:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = run_scenario(path, model=model)
    return _CACHE[key]


def capacity_needed(scenario, year: int, confidence: float = 0.9, method: str = "ml", model=None) -> float:
    """Treatment capacity needed in ``year`` [m3/d] at ``confidence`` (worksheet-ready).

    Parameters
    ----------
    scenario : path, Scenario or ScenarioResult
        A scenario file is run once and cached until the file changes.
    year : int
        A year of the scenario's run [year].
    confidence : float
        Probability [-] that the capacity covers the need (0.9 = P90). ML only.
    method : {"ml", "pilot_formula", "master_plan", "unit_load"}
        ("conventional" is read as "pilot_formula", the name before release 0.3.)

    Returns
    -------
    float
        Capacity [m3/d] = design day-max incl. infiltration (counted once).
    """
    res = _result_for(scenario, model)
    if int(year) not in res.years:
        raise ParameterError("year", year, f"{res.years[0]}-{res.years[-1]} (the scenario's years / 시나리오 연도)")
    yi = res.years.index(int(year))
    if method == "ml":
        if not res.ml_available:
            raise ModelLoadError("No ML model available for this scenario / 이 시나리오에 쓸 ML 모델이 없습니다. "
                                 "Use method='pilot_formula' or give a model.")
        if not 0 < confidence < 1:
            raise ParameterError("confidence", confidence, "(0, 1), e.g. 0.9 for P90")
        return float(np.quantile(res.capacity_samples()[yi], confidence))
    method = "pilot_formula" if method == "conventional" else method
    if method not in ("pilot_formula", "master_plan", "unit_load"):
        raise ParameterError("method", method, "'ml', 'pilot_formula', 'master_plan' or 'unit_load'")
    return float(plant_capacity(res.by_year_town[f"{method}_day_max_m3_per_day"].iloc[yi]))


def capacity_needed_by_year(scenario, confidence: float = 0.9, model=None) -> pd.DataFrame:
    """:func:`capacity_by_year` for a scenario file, Scenario or result (array-function ready)."""
    return capacity_by_year(_result_for(scenario, model), confidence)


# ---------------------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------------------

def _common_plant(results: list, plant_capacity_m3_per_day: float | None):
    """The plant every scenario is checked against [m3/d]: given, else the first scenario's (or None)."""
    if plant_capacity_m3_per_day is not None:
        return plant_capacity_m3_per_day
    return next((r.scenario.settings.plant_capacity_m3_per_day for r in results
                 if r.scenario.settings.plant_capacity_m3_per_day is not None), None)


def _final_year_row(r: ScenarioResult, cap: pd.DataFrame, plant, conf: float) -> dict:
    """Final-year flows [m3/d] and capacities [m3/d] of one scenario, ML quantiles when available."""
    t = r.by_year_town.iloc[-1]
    row = {
        "scenario": r.name, "years": f"{r.years[0]}-{r.years[-1]}", "buildings": int(t["buildings"]),
        "households": float(t["households"]), "floor_area_m2": float(t["floor_area_m2"]),
        "mean_household_size_end": float(t["mean_household_size"]),
        "pilot_formula_day_max_m3_per_day": float(t["pilot_formula_day_max_m3_per_day"]),
        "master_plan_day_max_m3_per_day": float(t["master_plan_day_max_m3_per_day"]),
        "unit_load_day_max_m3_per_day": float(t["unit_load_day_max_m3_per_day"]),
        "pilot_formula_capacity_m3_per_day": float(cap["pilot_formula_capacity_m3_per_day"].iloc[-1]),
        "master_plan_capacity_m3_per_day": float(cap["master_plan_capacity_m3_per_day"].iloc[-1]),
        "plant_capacity_m3_per_day": plant,
        "confidence": conf,
    }
    if r.ml_available:
        for k in QUANTILES:
            row[f"ml_day_max_{k}_m3_per_day"] = float(t[f"ml_day_max_{k}_m3_per_day"])
        for k in ("p50", "p90", "at_confidence"):
            row[f"ml_capacity_{k}_m3_per_day"] = float(cap[f"ml_capacity_{k}_m3_per_day"].iloc[-1])
    return row


def _plant_check_row(r: ScenarioResult, cap: pd.DataFrame, plant: float) -> dict:
    """First years the plant is exceeded, P(exceeded by the end) [-], costs of building the plant [KRW]."""
    row = {"year_exceeded_pilot_formula": _first_year(r.years, cap["pilot_formula_capacity_m3_per_day"] > plant)}
    if not r.ml_available:
        return row
    row["year_exceeded_ml_p50"] = _first_year(r.years, cap["ml_capacity_p50_m3_per_day"] > plant)
    row["year_exceeded_ml_at_confidence"] = _first_year(r.years, cap["ml_capacity_at_confidence_m3_per_day"] > plant)
    row["probability_exceeded_by_end"] = float(cap["probability_exceeded_by_year"].iloc[-1])
    c = sizing_costs(r, {"plant": plant}).iloc[0]
    for k in ("expected_oversizing_krw", "expected_expansion_krw", "expected_undersizing_extra_krw"):
        row[f"plant_{k}"] = float(c[k])
    return row


def compare_scenarios(results: list, plant_capacity_m3_per_day: float | None = None,
                      confidence: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Side-by-side comparison of scenario results against one plant capacity.

    The plant capacity is ``plant_capacity_m3_per_day`` if given, else the first
    scenario's that has one; every scenario is checked against the same plant.

    Returns
    -------
    by_year : DataFrame
        ``year``, ``scenario`` and the :func:`capacity_by_year` columns (long format).
    summary : DataFrame
        One row per scenario: final-year flows and capacities, first year the plant is
        exceeded (pilot formula, ML P50, ML at confidence), P(exceeded by the end year), and
        the expected over- and under-sizing costs of building the plant capacity.
    """
    if not results:
        raise ParameterError("results", "[]", "at least one scenario result")
    names = [r.name for r in results]
    if len(set(names)) != len(names):
        raise ParameterError("scenario names", names, "distinct names (set 'name' in each file / 시나리오명을 서로 다르게)")
    plant = _common_plant(results, plant_capacity_m3_per_day)
    frames, rows = [], []
    for r in results:
        conf = confidence or r.scenario.settings.confidence
        cap = capacity_by_year(r, conf, plant)
        cap.insert(1, "scenario", r.name)
        frames.append(cap)
        row = _final_year_row(r, cap, plant, conf)
        if plant is not None:
            row.update(_plant_check_row(r, cap, plant))
        rows.append(row)
    return pd.concat(frames, ignore_index=True), pd.DataFrame(rows)
