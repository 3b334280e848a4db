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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InventoryValidationError
from ..design.parameters import DEFAULT_PARAMETERS, DesignParameters

__all__ = [
    "NYC_TYPE_TO_MAIN_USE",
    "TYPE_KEYWORDS",
    "FALLBACK_MAIN_USE",
    "NYC_GROSS_M2_PER_DWELLING",
    "main_use_of_type",
    "nyc_to_canonical",
    "year_split",
    "calibrated_unit_load",
    "usable_rows",
    "BenchmarkResult",
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
# Property types of other cities' benchmarking files in this layout (ENERGY STAR Portfolio Manager
# names): matched by keyword, first hit wins (lower case, in order).
TYPE_KEYWORDS = (
    ("multifamily", "아파트"), ("residential", "아파트"), ("apartment", "아파트"), ("housing", "아파트"),
    ("dormitory", "기숙사"), ("residence hall", "기숙사"),
    ("hotel", "숙박시설"), ("lodging", "숙박시설"), ("motel", "숙박시설"),
    ("hospital", "의료시설"), ("medical", "제1종근린생활시설"), ("clinic", "제1종근린생활시설"),
    ("senior", "노유자시설"), ("nursing", "노유자시설"), ("assisted living", "노유자시설"),
    ("school", "교육연구시설"), ("college", "교육연구시설"), ("university", "교육연구시설"),
    ("laboratory", "교육연구시설"), ("education", "교육연구시설"), ("library", "교육연구시설"),
    ("worship", "종교시설"),
    ("warehouse", "창고시설"), ("distribution", "창고시설"), ("storage", "창고시설"),
    ("parking", "자동차관련시설"),
    ("restaurant", "제2종근린생활시설"), ("bar", "제2종근린생활시설"), ("fitness", "제2종근린생활시설"),
    ("supermarket", "판매시설"), ("grocery", "판매시설"), ("retail", "판매시설"), ("store", "판매시설"),
    ("mall", "판매시설"), ("wholesale", "판매시설"),
    ("manufacturing", "공장"), ("industrial", "공장"),
    ("office", "업무시설"), ("bank", "업무시설"), ("courthouse", "업무시설"),
)
#: The use of a property type that neither table knows ("Mixed Use Property", "Other", ...):
#: 업무시설 (office), the commonest non-residential floor space of benchmarking files, whose MOE
#: notice load (15 L/(m2 d)) is the notice's typical non-residential value. Such rows are counted
#: and reported (``unmapped_types`` of the benchmark's metrics).
FALLBACK_MAIN_USE = "업무시설"
_REQUIRED = ["property_id", "largest_property_use_type", "borough", "year_built"]


def main_use_of_type(ptype: str) -> tuple[str, str]:
    """(Building Act main use, how: 'table' | 'keyword' | 'fallback') of a benchmarking property type."""
    t = str(ptype).strip()
    if t in NYC_TYPE_TO_MAIN_USE:
        return NYC_TYPE_TO_MAIN_USE[t], "table"
    low = t.lower()
    for word, use in TYPE_KEYWORDS:
        if word in low:
            return use, "keyword"
    return FALLBACK_MAIN_USE, "fallback"


def _district(borough, board) -> pd.Series:
    b = borough.fillna("Unknown borough").astype(str)
    cb = pd.to_numeric(board, errors="coerce")
    label = cb.map(lambda v: f"CB{int(v):02d}" if np.isfinite(v) else "CB??")
    return b + " " + label


def nyc_to_canonical(nyc: pd.DataFrame, params: DesignParameters = DEFAULT_PARAMETERS,
                     source: str = "NYC file", unknown_types: str = "raise") -> pd.DataFrame:
    """Canonical building table from LL84 columns (one row per property, same order).

    ``unknown_types``: 'raise' stops at a property type outside :data:`NYC_TYPE_TO_MAIN_USE`;
    'map' maps it by :data:`TYPE_KEYWORDS`, else to :data:`FALLBACK_MAIN_USE` (column
    ``type_mapping``: table / keyword / fallback), as the benchmark does for any city's file.

    Raises
    ------
    InventoryValidationError
        Missing columns, unknown property types ('raise') or missing floor area, naming row and value.
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
        if t not in NYC_TYPE_TO_MAIN_USE and unknown_types == "raise":
            problems.append(
                f"row {i + 2}: largest_property_use_type = '{t}' has no Korean main use mapping "
                f"(known: {', '.join(sorted(NYC_TYPE_TO_MAIN_USE))}) / 용도 대응표에 없는 유형")
        if not (a > 0):
            problems.append(f"row {i + 2}: floor area = {a!r} must be > 0 m2 / 연면적은 0보다 커야 합니다")
    if problems:
        raise InventoryValidationError(problems, source)
    mapped = [main_use_of_type(t) for t in ptype]
    main_use = pd.Series([u for u, _ in mapped], index=ptype.index)
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
            "type_mapping": [how for _, how in mapped],
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
    """Median observed intensity per type in ``train`` x floor area of ``test`` [m3/d] (the per-type median).

    Types unseen in ``train`` take the median over all of ``train``
    (:func:`~sewerplan.model.ml.newest.per_type_median_flow`).
    """
    from .newest import per_type_median_flow

    return per_type_median_flow(train, test, type_column=type_column)


def comparison_metrics(table: pd.DataFrame, methods, district_column="district", lower=None, upper=None) -> dict:
    """WAPE, total ratio, sum bias and district-total median APE of each method against observed."""
    from .train import evaluation_metrics

    out = {}
    for m in methods:
        e = evaluation_metrics(table["observed_m3_per_day"], table[m], table[district_column])
        out[m] = {**e, "total_ratio": 1.0 + e["sum_bias"]}
    if lower is not None:
        from .intervals import interval_coverage

        out["ml_interval_coverage"] = interval_coverage(table["observed_m3_per_day"], table[lower], table[upper])
    return out


METHODS = ["design_standard_m3_per_day", "unit_calibrated_m3_per_day", "ml_m3_per_day"]
MIN_YEAR_BUILT = 1600  # [year] an earlier year_built is a typo: kept as unknown
SPLITS = ("files", "newest")


def usable_rows(raw: pd.DataFrame) -> pd.Series:
    """'' for a row the benchmark can use, else why not (floor area missing, zero or negative)."""
    from ..units import ft2_to_m2

    if "gross_floor_area_m2" in raw.columns:
        area = pd.to_numeric(raw["gross_floor_area_m2"], errors="coerce")
    elif "property_gfa_self_reported_ft2" in raw.columns:
        area = ft2_to_m2(pd.to_numeric(raw["property_gfa_self_reported_ft2"], errors="coerce"))
    else:
        return pd.Series("", index=raw.index)  # nyc_to_canonical names the missing column
    return pd.Series(np.where(area > 0, "", "floor area missing or not > 0 m2 / 연면적 없음"), index=raw.index)


def year_split(raw: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(TRAIN, TEST) of one file: buildings completed up to ``year`` and after it (``year_built``).

    Rows without a usable year stay in TRAIN (existing buildings of unknown vintage).
    """
    if "year_built" not in raw.columns:
        raise InventoryValidationError(["column 'year_built' is missing: --split newest needs it / "
                                        "준공연도(year_built) 열이 없습니다"], "TRAIN")
    built = pd.to_numeric(raw["year_built"], errors="coerce")
    after = (built > year).to_numpy()
    if not after.any() or after.all():
        raise InventoryValidationError([f"--year {year}: no building completed {'after' if not after.any() else 'up to'} "
                                        f"it (year_built {built.min():.0f}..{built.max():.0f}) / 해당 연도로 나눌 수 없습니다"],
                                       "TRAIN")
    return raw[~after], raw[after]


def _clean_years(raw: pd.DataFrame) -> pd.DataFrame:
    """year_built before 1600 or after next year is a typo: unknown (NaN) instead."""
    import datetime as _dt

    y = pd.to_numeric(raw["year_built"], errors="coerce") if "year_built" in raw.columns else None
    if y is None:
        return raw
    bad = (y < MIN_YEAR_BUILT) | (y > _dt.date.today().year + 1)
    return raw.assign(year_built=y.where(~bad)) if bad.any() else raw


def _canonical(raw: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(canonical table of the usable rows, rejected rows with their reason) of one benchmarking file."""
    why = usable_rows(raw)
    rejected = raw[why.ne("")].assign(rejected_reason=why[why.ne("")], rejected_from=source)
    table = nyc_to_canonical(_clean_years(raw[why.eq("")]), source=source, unknown_types="map")
    return table, rejected


def _train_nyc_model(train: pd.DataFrame, coverage, seed, max_iter, train_label, train_sha256, location, newest):
    """The ML model trained on TRAIN (real public data), with the same selection and calibration as ``run``."""
    from .newest import DEFAULT_RULE
    from .train import train_model

    if "observed_m3_per_day" not in train.columns:
        raise InventoryValidationError(
            ["TRAIN needs 'water_m3_per_day' or 'water_use_kgal_per_year' / TRAIN 에 물 사용량 열이 필요합니다"], "TRAIN")
    return train_model(
        train, coverage=coverage, seed=seed, max_iter=max_iter, region="US-NYC", synthetic=False, location=location,
        trained_on=f"{train_label}: {len(train)} properties of a public benchmarking file (real public data, "
                   "LL84 layout)", data_sha256=train_sha256, newest_cohort=DEFAULT_RULE if newest is None else newest,
    )


def _test_predictions(test: pd.DataFrame, kept: pd.DataFrame, model) -> pd.DataFrame:
    """TEST rows with the design-standard, calibrated unit-load and ML estimates [m3/d], screened."""
    from ..design.estimate import estimate_buildings
    from ..intake.screening import screen_observations

    pred = pd.DataFrame({"property_id": test["building_id"].to_numpy(), "property_type": test["property_type"],
                         "main_use": test["main_use"], "type_mapping": test["type_mapping"],
                         "year_built": test["approval_year"], "district": test["district"],
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


def _mapping_counts(tables: dict) -> dict:
    """Property types mapped by keyword or to the fallback use, per file: {file: {type: [use, how, rows]}}."""
    out = {}
    for name, t in tables.items():
        m = t[t["type_mapping"] != "table"]
        out[name] = {str(k): [str(g["main_use"].iloc[0]), str(g["type_mapping"].iloc[0]), int(len(g))]
                     for k, g in m.groupby("property_type")}
    return out


def _newest_summary(model) -> dict | None:
    """The newest-cohort check of the trained model, as the benchmark prints it."""
    nw = model.newest
    if not nw:
        return None
    keep = ("checked", "rule_text", "first_year", "last_year", "n_buildings", "n_districts", "level",
            "coverage_cv_intervals", "coverage_new_intervals", "metrics")
    return {k: nw[k] for k in keep if k in nw}


def _benchmark_metrics(pred: pd.DataFrame, ok: pd.DataFrame, model, coverage: float, info: dict) -> dict:
    """Building-level metrics of the three methods on the unscreened TEST rows."""
    from .train import MIN_DISTRICT_BUILDINGS

    return {
        "note": "Rows flagged by screening are excluded from the metrics (counted below). "
                "design_standard is a day-max design value; the others are day-average. "
                "total_ratio = sum(estimate) / sum(observed).",
        "n_test_rows": int(len(pred)), "n_scored": int(len(ok)), "n_screened_out": int(pred["screen_flag"].sum()),
        "observed_definition": f"water x return ratio {DEFAULT_PARAMETERS.return_ratio}",
        "coverage_nominal": coverage,
        "methods": comparison_metrics(ok, METHODS, lower="ml_lower_m3_per_day", upper="ml_upper_m3_per_day"),
        "model_id": model.model_id, "learner": model.learner,
        "min_buildings_per_district": MIN_DISTRICT_BUILDINGS,
        "newest_cohort_check": _newest_summary(model),
        **info,
    }


def _district_totals(ok: pd.DataFrame, model) -> pd.DataFrame:
    """Observed and estimated totals per district [m3/d], the ML district interval and |errors| [-]."""
    g = ok.groupby("district")
    districts = g.agg(
        n_buildings=("observed_m3_per_day", "size"), observed_m3_per_day=("observed_m3_per_day", "sum"),
        design_standard_m3_per_day=("design_standard_m3_per_day", "sum"),
        unit_calibrated_m3_per_day=("unit_calibrated_m3_per_day", "sum"), ml_m3_per_day=("ml_m3_per_day", "sum"),
    ).reset_index()
    lo, hi = model.district_log_bounds(new=bool(model.new_building_rows(ok.rename(columns={"year_built": "approval_year"})).any()))
    districts["ml_total_lower_m3_per_day"] = districts["ml_m3_per_day"] * np.exp(lo)
    districts["ml_total_upper_m3_per_day"] = districts["ml_m3_per_day"] * np.exp(hi)
    for m in METHODS:
        districts[m.replace("_m3_per_day", "_ape")] = (districts[m] / districts["observed_m3_per_day"] - 1).abs()
    return districts


@dataclass
class BenchmarkResult:
    """What ``sewerplan benchmark nyc-ll84`` writes: predictions, metrics (None without water in TEST),
    district totals, the model, and the rows set aside (floor area missing)."""

    predictions: pd.DataFrame
    metrics: dict | None
    districts: pd.DataFrame | None
    model: object
    rejected: pd.DataFrame


def run_nyc_benchmark(train_nyc: pd.DataFrame, test_nyc: pd.DataFrame, coverage: float = 0.90,
                      seed: int = 0, max_iter: int = 250, train_label: str = "NYC LL84 2016 TRAIN",
                      train_sha256: str | None = None, location: str = "auto", newest=None) -> BenchmarkResult:
    """Train on TRAIN, predict TEST with the three methods.

    Any city's benchmarking file in the LL84 layout works: property types outside
    :data:`NYC_TYPE_TO_MAIN_USE` are mapped by keyword or to :data:`FALLBACK_MAIN_USE` (counted
    in ``metrics["unmapped_types"]``), rows without a floor area are set aside (``rejected``),
    and a year_built before 1600 counts as unknown. The ML model is trained exactly as ``run``
    trains it, newest-cohort check included (``newest``: a
    :class:`~sewerplan.model.ml.newest.CohortRule`; None = the default rule).
    ``location`` is passed to :func:`~sewerplan.model.ml.train.train_model`.
    """
    from ..intake.screening import screen_observations

    train, rej_train = _canonical(train_nyc, "TRAIN")
    test, rej_test = _canonical(test_nyc, "TEST")
    rejected = pd.concat([rej_train, rej_test], ignore_index=True)
    model = _train_nyc_model(train, coverage, seed, max_iter, train_label, train_sha256, location, newest)
    train_screen = screen_observations(train)
    kept = train[~train_screen["screen_flag"] & (train["observed_m3_per_day"] > 0)]
    pred = _test_predictions(test, kept, model)
    if "observed_m3_per_day" not in test.columns:
        return BenchmarkResult(pred, None, None, model, rejected)
    ok = pred[~pred["screen_flag"] & pred["observed_m3_per_day"].notna()]
    info = {"unmapped_types": _mapping_counts({"TRAIN": train, "TEST": test}),
            "rejected_rows": {"TRAIN": int(len(rej_train)), "TEST": int(len(rej_test))}}
    return BenchmarkResult(pred, _benchmark_metrics(pred, ok, model, coverage, info), _district_totals(ok, model),
                           model, rejected)
