"""NYC Local Law 84 (2016) benchmark: mapping to the canonical table and the three methods.

The public file ``data/public/nyc_ll84_2016_train.csv`` (see data/public/README.md) gives
real annual water use per property. This module maps it onto sewerplan's canonical building
table so the same code that serves Korean tables is tested on real data:

- property type -> Building Act main use (:data:`NYC_TYPE_TO_MAIN_USE`, documented in docs/ml.md);
- district = borough + community board (``"Manhattan CB07"``; ``"Queens CB??"`` when the
  board is not given);
- households for multifamily housing are not in the file: estimated as gross floor area /
  :data:`NYC_GROSS_M2_PER_DWELLING` (90 m2 gross per dwelling incl. common areas; NYC's
  average apartment is ~70-80 m2 net), at least 1;
- observed sewage [m3/d] = water [m3/d] x return ratio (DesignParameters, 0.85);
- ``latitude`` / ``longitude`` [degrees] as given (missing for almost all Queens rows of the
  2016 file): the ML model uses them as optional location features.

Methods compared (all per property, [m3/d]):

- ``design_standard_m3_per_day``: the master-plan method per building
  (:func:`sewerplan.model.design.estimate.estimate_buildings` ``master_plan_m3_per_day``:
  population x 405 L x 0.85 for housing, factory floor area x 5 L/(m2 d), 0 for other uses whose
  business sewage the per-capita supply already holds), a day-max design value without
  infiltration. Release 0.2 used the population formula for housing and MOE unit loads otherwise;
- ``unit_calibrated_m3_per_day``: median observed intensity [L/(m2 d)] of the property type
  in TRAIN (screened rows excluded) x floor area;
- ``ml_m3_per_day`` with ``ml_lower_m3_per_day`` / ``ml_upper_m3_per_day``: the ML model
  trained on TRAIN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InventoryValidationError
from ..design.parameters import DEFAULT_PARAMETERS, DesignParameters

__all__ = [
    "NYC_TYPE_TO_MAIN_USE",
    "NYC_GROSS_M2_PER_DWELLING",
    "nyc_to_canonical",
    "calibrated_unit_load",
    "run_nyc_benchmark",
    "comparison_metrics",
]

NYC_GROSS_M2_PER_DWELLING = 90.0

NYC_TYPE_TO_MAIN_USE = {
    "Multifamily Housing": "아파트",
    "Residence Hall/Dormitory": "기숙사",
    "Office": "업무시설",
    "Financial Office": "업무시설",
    "Courthouse": "업무시설",  # 공공업무시설
    "Medical Office": "제1종근린생활시설",  # 의원 are class-1 neighbourhood facilities
    "Hotel": "숙박시설",
    "Retail Store": "판매시설",
    "Supermarket/Grocery Store": "판매시설",
    "Wholesale Club/Supercenter": "판매시설",
    "K-12 School": "교육연구시설",
    "Hospital (General Medical & Surgical)": "의료시설",
    "Senior Care Community": "노유자시설",
    "Worship Facility": "종교시설",
    "Distribution Center": "창고시설",
    "Non-Refrigerated Warehouse": "창고시설",
    "Refrigerated Warehouse": "창고시설",
    "Parking": "자동차관련시설",
}
_REQUIRED = ["property_id", "largest_property_use_type", "borough", "year_built"]


def _district(borough, board) -> pd.Series:
    b = borough.fillna("Unknown borough").astype(str)
    cb = pd.to_numeric(board, errors="coerce")
    label = cb.map(lambda v: f"CB{int(v):02d}" if np.isfinite(v) else "CB??")
    return b + " " + label


def nyc_to_canonical(nyc: pd.DataFrame, params: DesignParameters = DEFAULT_PARAMETERS,
                     source: str = "NYC file") -> pd.DataFrame:
    """Canonical building table from LL84 columns (one row per property, same order).

    Raises
    ------
    InventoryValidationError
        Missing columns, unknown property types or missing floor area, naming row and value.
    """
    from ..units import ft2_to_m2, kgal_per_year_to_m3_per_day

    problems = [f"column '{c}' is missing / 열 '{c}' 이(가) 없습니다" for c in _REQUIRED if c not in nyc.columns]
    if "gross_floor_area_m2" not in nyc.columns and "property_gfa_self_reported_ft2" not in nyc.columns:
        problems.append("column 'gross_floor_area_m2' (or 'property_gfa_self_reported_ft2') is missing / 연면적 열이 없습니다")
    if problems:
        raise InventoryValidationError(problems, source)
    if "gross_floor_area_m2" in nyc.columns:
        area = pd.to_numeric(nyc["gross_floor_area_m2"], errors="coerce")
    else:
        area = ft2_to_m2(pd.to_numeric(nyc["property_gfa_self_reported_ft2"], errors="coerce"))
    ptype = nyc["largest_property_use_type"].astype(str).str.strip()
    for i, (t, a) in enumerate(zip(ptype, area)):
        if t not in NYC_TYPE_TO_MAIN_USE:
            problems.append(
                f"row {i + 2}: largest_property_use_type = '{t}' has no Korean main use mapping "
                f"(known: {', '.join(sorted(NYC_TYPE_TO_MAIN_USE))}) / 용도 대응표에 없는 유형")
        if not (a > 0):
            problems.append(f"row {i + 2}: floor area = {a!r} must be > 0 m2 / 연면적은 0보다 커야 합니다")
    if problems:
        raise InventoryValidationError(problems, source)
    main_use = ptype.map(NYC_TYPE_TO_MAIN_USE)
    households = np.where(main_use == "아파트", np.maximum(1.0, np.round(area / NYC_GROSS_M2_PER_DWELLING)), 0.0)
    out = pd.DataFrame(
        {
            "building_id": nyc["property_id"].astype(str).to_numpy(),
            "district": _district(nyc["borough"], nyc.get("community_board", pd.Series(np.nan, index=nyc.index))).to_numpy(),
            "main_use": main_use.to_numpy(),
            "floor_area_m2": area.to_numpy(dtype=float),
            "households": households,
            "dwelling_units": households,
            "approval_year": pd.to_numeric(nyc["year_built"], errors="coerce").to_numpy(dtype=float),
            "property_type": ptype.to_numpy(),
        }
    )
    for c in ("latitude", "longitude"):
        if c in nyc.columns:
            out[c] = pd.to_numeric(nyc[c], errors="coerce").to_numpy(dtype=float)
    water = None
    if "water_m3_per_day" in nyc.columns:
        water = pd.to_numeric(nyc["water_m3_per_day"], errors="coerce")
    elif "water_use_kgal_per_year" in nyc.columns:
        water = kgal_per_year_to_m3_per_day(pd.to_numeric(nyc["water_use_kgal_per_year"], errors="coerce"))
    if water is not None:
        out["observed_m3_per_day"] = (water * params.return_ratio).to_numpy(dtype=float)
    return out


def calibrated_unit_load(train: pd.DataFrame, test: pd.DataFrame, type_column: str = "property_type") -> np.ndarray:
    """Median observed intensity per type in ``train`` x floor area of ``test`` [m3/d].

    Types unseen in ``train`` take the median over all of ``train``.
    """
    inten = train["observed_m3_per_day"] / train["floor_area_m2"]
    med = inten.groupby(train[type_column]).median()
    rate = test[type_column].map(med).fillna(inten.median()).to_numpy(dtype=float)
    return rate * test["floor_area_m2"].to_numpy(dtype=float)


def comparison_metrics(table: pd.DataFrame, methods, district_column="district", lower=None, upper=None) -> dict:
    """WAPE, sum bias and district-total median APE of each method against observed."""
    from .train import evaluation_metrics

    out = {}
    for m in methods:
        out[m] = evaluation_metrics(table["observed_m3_per_day"], table[m], table[district_column])
    if lower is not None:
        from .intervals import interval_coverage

        out["ml_interval_coverage"] = interval_coverage(table["observed_m3_per_day"], table[lower], table[upper])
    return out


METHODS = ["design_standard_m3_per_day", "unit_calibrated_m3_per_day", "ml_m3_per_day"]


def _train_nyc_model(train: pd.DataFrame, coverage, seed, max_iter, train_label, train_sha256, location):
    """The ML model trained on TRAIN (real public data, region US-NYC)."""
    from .train import train_model

    if "observed_m3_per_day" not in train.columns:
        raise InventoryValidationError(
            ["TRAIN needs 'water_m3_per_day' or 'water_use_kgal_per_year' / TRAIN 에 물 사용량 열이 필요합니다"], "TRAIN")
    return train_model(
        train, coverage=coverage, seed=seed, max_iter=max_iter, region="US-NYC", synthetic=False, location=location,
        trained_on=f"{train_label}: {len(train)} New York City properties, 2016 (real public data, "
                   "NYC Local Law 84 disclosure)", data_sha256=train_sha256,
    )


def _test_predictions(test_nyc: pd.DataFrame, test: pd.DataFrame, kept: pd.DataFrame, model) -> pd.DataFrame:
    """TEST rows with the design-standard, calibrated unit-load and ML estimates [m3/d], screened."""
    from ..design.estimate import estimate_buildings
    from ..intake.screening import screen_observations

    pred = pd.DataFrame({"property_id": test_nyc["property_id"].to_numpy(), "property_type": test["property_type"],
                         "district": test["district"], "main_use": test["main_use"],
                         "floor_area_m2": test["floor_area_m2"]})
    pred["design_standard_m3_per_day"] = estimate_buildings(test)["master_plan_m3_per_day"].to_numpy()
    pred["unit_calibrated_m3_per_day"] = calibrated_unit_load(kept, test)
    ml = model.predict(test)
    for c in ml.columns:
        pred[c] = ml[c].to_numpy()
    if "observed_m3_per_day" in test.columns:
        scr = screen_observations(test, reference=kept)
        pred["observed_m3_per_day"] = test["observed_m3_per_day"]
        pred["screen_flag"] = scr["screen_flag"].to_numpy()
        pred["screen_reason"] = scr["screen_reason"].to_numpy()
    else:
        pred["screen_flag"] = False
        pred["screen_reason"] = "not screened: no observed water use in TEST / 관측값 없음"
    return pred


def _benchmark_metrics(pred: pd.DataFrame, ok: pd.DataFrame, model, coverage: float) -> dict:
    """Building-level metrics of the three methods on the unscreened TEST rows."""
    from .train import MIN_DISTRICT_BUILDINGS

    return {
        "note": "Rows flagged by screening are excluded from the metrics (counted below). "
                "design_standard is a day-max design value; the others are day-average.",
        "n_test_rows": int(len(pred)), "n_scored": int(len(ok)), "n_screened_out": int(pred["screen_flag"].sum()),
        "observed_definition": f"water x return ratio {DEFAULT_PARAMETERS.return_ratio}",
        "coverage_nominal": coverage,
        "methods": comparison_metrics(ok, METHODS, lower="ml_lower_m3_per_day", upper="ml_upper_m3_per_day"),
        "model_id": model.model_id, "learner": model.learner,
        "min_buildings_per_district": MIN_DISTRICT_BUILDINGS,
    }


def _district_totals(ok: pd.DataFrame, model) -> pd.DataFrame:
    """Observed and estimated totals per district [m3/d], the ML district interval and |errors| [-]."""
    g = ok.groupby("district")
    districts = g.agg(
        n_buildings=("observed_m3_per_day", "size"), observed_m3_per_day=("observed_m3_per_day", "sum"),
        design_standard_m3_per_day=("design_standard_m3_per_day", "sum"),
        unit_calibrated_m3_per_day=("unit_calibrated_m3_per_day", "sum"), ml_m3_per_day=("ml_m3_per_day", "sum"),
    ).reset_index()
    lo, hi = model.district_intervals["log_ratio_bounds"]
    districts["ml_total_lower_m3_per_day"] = districts["ml_m3_per_day"] * np.exp(lo)
    districts["ml_total_upper_m3_per_day"] = districts["ml_m3_per_day"] * np.exp(hi)
    for m in METHODS:
        districts[m.replace("_m3_per_day", "_ape")] = (districts[m] / districts["observed_m3_per_day"] - 1).abs()
    return districts


def run_nyc_benchmark(train_nyc: pd.DataFrame, test_nyc: pd.DataFrame, coverage: float = 0.90,
                      seed: int = 0, max_iter: int = 250, train_label: str = "NYC LL84 2016 TRAIN",
                      train_sha256: str | None = None, location: str = "auto"):
    """Train on TRAIN, predict TEST with the three methods.

    ``location`` is passed to :func:`~sewerplan.model.ml.train.train_model` ('auto': the ML
    model uses latitude / longitude, which most LL84 rows have).

    Returns
    -------
    (predictions, metrics, districts, model)
        ``metrics`` and ``districts`` are None when TEST has no water column.
    """
    from ..intake.screening import screen_observations

    train = nyc_to_canonical(train_nyc, source="TRAIN")
    test = nyc_to_canonical(test_nyc, source="TEST")
    model = _train_nyc_model(train, coverage, seed, max_iter, train_label, train_sha256, location)
    train_screen = screen_observations(train)
    kept = train[~train_screen["screen_flag"] & (train["observed_m3_per_day"] > 0)]
    pred = _test_predictions(test_nyc, test, kept, model)
    if "observed_m3_per_day" not in test.columns:
        return pred, None, None, model
    ok = pred[~pred["screen_flag"] & pred["observed_m3_per_day"].notna()]
    return pred, _benchmark_metrics(pred, ok, model, coverage), _district_totals(ok, model), model
