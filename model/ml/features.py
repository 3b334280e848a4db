"""Features and target of the ML flow, built from the canonical building table.

Only what a plan or the building register gives is used (see ``docs/ml.md``):

========================  ========  ==========================================
feature                   unit      from
========================  ========  ==========================================
``main_use``              -         주용도 (Building Act main use), categorical
``category``              -         pilot category of the main use, categorical
``log_floor_area_m2``     ln(m2)    연면적
``log1p_households``      ln(1+hh)  세대수 (NaN when not given)
``log1p_dwelling_units``  ln(1+du)  호수 (NaN when not given)
``floor_area_per_household_m2``  m2  연면적 / 세대수 (NaN when no households)
``floors_above``          floors    지상층수
``approval_year``         year      사용승인 year (planned year for plans), in 5-year classes
``hh_share_1`` .. ``hh_share_5plus``  -  household-size mix
``mean_household_size``   persons   from the mix (5+ counted as 5.5)
``log_mix_water_prior_m3_per_day``  ln(m3/d)  households x mix-weighted measured water
                                            use per household (Seoul 2021), NaN without mix
``log_design_prior_m3_per_day``  ln(m3/d)  MOE unit-load design flow (day-max) of the
                                            building, default parameters
``latitude``, ``longitude``  degrees  optional (:data:`LOCATION_FEATURES`): only when the
                                            training table has them; WGS84
========================  ========  ==========================================

Household mix fill (``household_fill=True``, set by a model trained with household shares):
a residential row without all five ``hh_share_*`` gets the mix of the census trend
(:func:`sewerplan.model.intake.household_trend.household_mix`) for the year it is occupied from:
its approval (completion) year, but not before the latest census year (an existing building's
residents are today's, not those of its completion year); no year -> the latest census year.
:func:`household_mix_fill` returns the filled shares and the year used per row.

The district is deliberately *not* a feature: a new town's districts are never in the
training data, so a district effect cannot be estimated for them (see docs/ml.md).
Location (latitude / longitude) is, when given: a point of the new town has coordinates
even though its district is new. Outside the training area the trees hold the location
effect of the nearest edge (prediction clips coordinates to the training range).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..design.parameters import DEFAULT_PARAMETERS, DesignParameters
from ..design.uses import normalised_uses

__all__ = [
    "CATEGORICAL_FEATURES",
    "NUMERIC_FEATURES",
    "FEATURES",
    "LOCATION_FEATURES",
    "FEATURE_UNITS",
    "has_location",
    "location_columns",
    "numeric_features",
    "HH_SHARE_COLUMNS",
    "build_features",
    "household_mix_fill",
    "design_prior_m3_per_day",
    "observed_from_billing",
]

#: Completion year enters the learners in classes of this many years [years] (2017 -> 2015). The newest
#: leaf then always holds a whole class of buildings, so the level carried onto buildings newer than
#: the data does not swing with the last few dozen of them (docs/ml.md, "The newest-cohort check").
YEAR_CLASS_YEARS = 5
HH_SHARE_COLUMNS = ["hh_share_1", "hh_share_2", "hh_share_3", "hh_share_4", "hh_share_5plus"]
CATEGORICAL_FEATURES = ["main_use", "category"]
NUMERIC_FEATURES = [
    "log_floor_area_m2",
    "log1p_households",
    "log1p_dwelling_units",
    "floor_area_per_household_m2",
    "floors_above",
    "approval_year",
    *HH_SHARE_COLUMNS,
    "mean_household_size",
    "log_mix_water_prior_m3_per_day",
    "log_design_prior_m3_per_day",
]
FEATURES = CATEGORICAL_FEATURES + NUMERIC_FEATURES
LOCATION_FEATURES = ["latitude", "longitude"]
_LOCATION_RANGE = {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0)}
FEATURE_UNITS = {
    "main_use": "- (Building Act main use, 주용도)",
    "category": "- (residential/commercial/industrial/public_other)",
    "log_floor_area_m2": "ln(m2) of gross floor area",
    "log1p_households": "ln(1 + households)",
    "log1p_dwelling_units": "ln(1 + dwellings)",
    "floor_area_per_household_m2": "m2/household",
    "floors_above": "floors",
    "approval_year": f"year, in {YEAR_CLASS_YEARS}-year classes (2017 -> 2015)",
    **{c: "- (share of households)" for c in HH_SHARE_COLUMNS},
    "mean_household_size": "persons/household (5+ counted as 5.5)",
    "log_mix_water_prior_m3_per_day": "ln(m3/d), households x mix-weighted measured water use per household "
                                      "(Seoul 2021: 276/420/522/610/700 L for 1..5+ persons); NaN without mix",
    "log_design_prior_m3_per_day": "ln(m3/d), MOE unit-load day-max design flow, default parameters",
    "latitude": "degrees north (WGS84), optional: used only when the training table has it",
    "longitude": "degrees east (WGS84), optional: used only when the training table has it",
}
_HH_SIZES = np.array([1.0, 2.0, 3.0, 4.0, 5.5])
#: Measured water use per household by size [L/(household d)], Seoul Water Institute 2021
#: (model/data/seoul_household_water_use_by_size_2021.csv; 5+ = 5-person 687 and 6-person 764
#: weighted toward 5). Turns a household mix into a prior of housing water use.
HOUSEHOLD_WATER_L_PER_DAY = np.array([276.0, 420.0, 522.0, 610.0, 700.0])


def _num(df: pd.DataFrame, column: str) -> pd.Series:
    if column not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype=float)
    return pd.to_numeric(df[column], errors="coerce").astype(float)


def _normalised_use(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    return normalised_uses(df["main_use"])


def design_prior_m3_per_day(df: pd.DataFrame, params: DesignParameters = DEFAULT_PARAMETERS) -> pd.Series:
    """MOE unit-load design flow per building [m3/d] (day-max), the ML model's prior feature.

    Uses ``unit_load_m3_per_day`` when the table already has it (from
    :func:`sewerplan.model.design.estimate.estimate_buildings`), otherwise computes it per row with
    :func:`sewerplan.model.design.unit_loads.unit_load_flow`. Rows the unit-load method cannot
    price (per-person rows without occupants, unknown uses) get NaN; the learners handle it.
    """
    if "unit_load_m3_per_day" in df.columns:
        return _num(df, "unit_load_m3_per_day")
    try:
        from ..design.estimate import estimate_buildings

        return _num(estimate_buildings(df, params), "unit_load_m3_per_day")
    except (KeyError, ValueError, TypeError):
        pass  # a row the vectorised method cannot price: go row by row below
    from ..design.unit_loads import unit_load_flow

    area = _num(df, "floor_area_m2")
    hh = _num(df, "households").fillna(0.0)
    du = _num(df, "dwelling_units")
    rural = df["rural"].fillna(False).astype(bool) if "rural" in df.columns else pd.Series(False, index=df.index)
    code = df["moe_code"] if "moe_code" in df.columns else pd.Series(np.nan, index=df.index)
    out = []
    for i in df.index:
        use = code[i] if isinstance(code[i], str) and code[i].strip() else df.at[i, "main_use"]
        try:
            out.append(
                unit_load_flow(
                    use, area[i], households=hh[i],
                    dwelling_units=None if np.isnan(du[i]) else du[i],
                    rural=bool(rural[i]), params=params,
                )
            )
        except (KeyError, ValueError, TypeError):
            out.append(np.nan)
    return pd.Series(out, index=df.index, dtype=float)


def numeric_features(location: bool = False) -> list[str]:
    """Numeric feature names, with ``latitude`` / ``longitude`` appended when ``location``."""
    return NUMERIC_FEATURES + (LOCATION_FEATURES if location else [])


def location_columns(df: pd.DataFrame) -> pd.DataFrame:
    """``latitude`` / ``longitude`` [degrees] of the table; NaN where missing or out of range."""
    out = pd.DataFrame(index=df.index)
    for c in LOCATION_FEATURES:
        v = _num(df, c)
        lo, hi = _LOCATION_RANGE[c]
        out[c] = v.where((v >= lo) & (v <= hi))
    return out


def has_location(df: pd.DataFrame) -> pd.Series:
    """True per row where both latitude and longitude are given and in range."""
    return location_columns(df).notna().all(axis=1)


def household_mix_fill(df: pd.DataFrame, category: pd.Series | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Household shares with residential rows that lack them filled from the census trend.

    Parameters
    ----------
    df : DataFrame
        Canonical building table (``hh_share_*``, ``approval_year``, ``main_use`` / ``category``).
    category : Series, optional
        Pilot category per row (default: from ``main_use``).

    Returns
    -------
    shares : DataFrame
        ``hh_share_1`` .. ``hh_share_5plus`` [-]: as given where all five are given, the trend's
        mix for residential rows without them, NaN for other rows.
    fill_year : Series
        Year of the trend used per row (NaN where nothing was filled).

    Notes
    -----
    Year = approval year, but at least the latest census year; no year -> latest census year.
    """
    from ..intake.household_trend import census_household_shares, household_mix

    shares = pd.DataFrame({c: _num(df, c) for c in HH_SHARE_COLUMNS}, index=df.index)
    if category is None:
        category = _normalised_use(df)[1]
    given = shares.notna().all(axis=1)
    need = (category.astype(str) == "residential") & ~given
    fill_year = pd.Series(np.nan, index=df.index, dtype=float)
    if need.any():
        latest = float(census_household_shares()["year"].max())
        year = _num(df, "approval_year").round()
        year = year.where(year.notna() & (year >= latest), latest)
        rows = year[need].astype(int)
        mix = household_mix(sorted(rows.unique())).set_index("year")
        shares.loc[need, HH_SHARE_COLUMNS] = mix.loc[rows.to_numpy(), HH_SHARE_COLUMNS].to_numpy()
        fill_year[need] = rows.astype(float)
    return shares, fill_year


def cpu_independent(values) -> np.ndarray:
    """Features, targets and weights rounded to float32 precision (7 digits), kept as float64.

    numpy's log/exp and BLAS pick kernels by CPU (AVX-512, AVX2, SSE) that differ in the last bit;
    gradient boosting turns such 1-ulp differences into other splits where two splits tie, so the
    same data trained on two machines gave models 2% apart (district totals) and 15% on single
    buildings. Rounded to float32 the inputs agree on every CPU, and float64 sums of them are exact
    whatever the order, so the boosting's baseline and histograms are the same bits everywhere.
    Seven digits are far finer than any metered flow.
    """
    return np.asarray(values, dtype=float).astype(np.float32).astype(np.float64)


def build_features(df: pd.DataFrame, location: bool = False, household_fill: bool = False) -> pd.DataFrame:
    """Feature table (columns :data:`FEATURES`, plus location) for a canonical building table.

    Parameters
    ----------
    df : DataFrame
        Canonical building table (docs/architecture.md); needs ``main_use`` and
        ``floor_area_m2`` [m2], other columns optional.
    location : bool
        Append ``latitude`` / ``longitude`` [degrees] (NaN where not given).
    household_fill : bool
        Fill the household shares of residential rows without them from the census trend
        (:func:`household_mix_fill`); a model trained with shares sets it at both ends.

    Returns
    -------
    DataFrame
        Same index as ``df``; missing optional inputs are NaN.
    """
    for col in ("main_use", "floor_area_m2"):
        if col not in df.columns:
            from ..errors import InventoryValidationError

            raise InventoryValidationError(
                [f"column '{col}' is missing / 필수 열 '{col}' 이(가) 없습니다"], source="building table"
            )
    use, cat = _normalised_use(df)
    area = _num(df, "floor_area_m2")
    hh = _num(df, "households")
    du = _num(df, "dwelling_units")
    feats = pd.DataFrame(index=df.index)
    feats["main_use"] = use
    feats["category"] = df["category"].astype(object).where(df["category"].notna(), cat) if "category" in df.columns else cat
    feats["log_floor_area_m2"] = np.log(area.where(area > 0))
    feats["log1p_households"] = np.log1p(hh.where(hh >= 0))
    feats["log1p_dwelling_units"] = np.log1p(du.where(du >= 0))
    feats["floor_area_per_household_m2"] = (area / hh).where(hh > 0)
    feats["floors_above"] = _num(df, "floors_above")
    feats["approval_year"] = np.floor(_num(df, "approval_year") / YEAR_CLASS_YEARS) * YEAR_CLASS_YEARS
    if household_fill:
        shares, _ = household_mix_fill(df, feats["category"])
    else:
        shares = pd.DataFrame({c: _num(df, c) for c in HH_SHARE_COLUMNS}, index=df.index)
    for c in HH_SHARE_COLUMNS:
        feats[c] = shares[c]
    total = shares.sum(axis=1, min_count=len(HH_SHARE_COLUMNS))
    feats["mean_household_size"] = (shares.to_numpy() @ _HH_SIZES) / total.where(total > 0)
    mix_water = hh * (shares.to_numpy() @ HOUSEHOLD_WATER_L_PER_DAY) / total.where(total > 0) / 1000.0
    feats["log_mix_water_prior_m3_per_day"] = np.log(mix_water.where(mix_water > 0))
    prior = design_prior_m3_per_day(df)
    feats["log_design_prior_m3_per_day"] = np.log(prior.where(prior > 0))
    if location:
        loc = location_columns(df)
        for c in LOCATION_FEATURES:
            feats[c] = loc[c]
    return _cpu_independent_numbers(feats[FEATURES + (LOCATION_FEATURES if location else [])].copy())


def _cpu_independent_numbers(feats: pd.DataFrame) -> pd.DataFrame:
    """Numeric features through :func:`cpu_independent` (the census-trend shares differ by 1e-11 between CPUs)."""
    for c in feats.columns:
        if feats[c].dtype.kind == "f":
            feats[c] = cpu_independent(feats[c].to_numpy())
    return feats


def observed_from_billing(
    billing: pd.DataFrame,
    return_ratio: float | None = None,
    building_column: str = "building_id",
    month_column: str = "billing_month",
    volume_column: str = "billed_m3",
    min_months: int = 12,
) -> pd.DataFrame:
    """Observed day-average sewage per building [m3/d] from monthly water bills.

    Parameters
    ----------
    billing : DataFrame
        One row per building and billing month (several meters of one building may
        repeat a month; they are added). ``volume_column`` in [m3/month].
    return_ratio : float, optional
        Sewage / billed water [-]; default ``DesignParameters().return_ratio`` (0.85).
    min_months : int
        Buildings with fewer distinct billing months are returned with
        ``observed_months`` < ``min_months`` and ``observed_note`` saying so (seasons do
        not cancel out under a full year).

    Returns
    -------
    DataFrame
        ``building_id``, ``observed_m3_per_day`` [m3/d], ``observed_months``, ``observed_note``.

    Notes
    -----
    observed = return ratio x (sum of billed m3 over the months) / (months x 365/12 days).
    """
    from ..units import m3_per_month_to_m3_per_day

    ratio = DEFAULT_PARAMETERS.return_ratio if return_ratio is None else float(return_ratio)
    DEFAULT_PARAMETERS.replace(return_ratio=ratio)  # validates the range
    b = billing[[building_column, month_column, volume_column]].copy()
    b[volume_column] = pd.to_numeric(b[volume_column], errors="coerce")
    monthly = b.groupby([building_column, month_column], as_index=False)[volume_column].sum(min_count=1)
    agg = monthly.groupby(building_column).agg(
        total=(volume_column, "sum"), months=(month_column, "nunique")
    )
    out = pd.DataFrame(
        {
            "building_id": agg.index.astype(str),
            "observed_m3_per_day": ratio * m3_per_month_to_m3_per_day(agg["total"] / agg["months"]).to_numpy(),
            "observed_months": agg["months"].to_numpy(),
        }
    )
    out["observed_note"] = np.where(
        out["observed_months"] < min_months,
        f"fewer than {min_months} billing months: seasonal bias possible / 부과월 {min_months}개월 미만",
        "",
    )
    return out.reset_index(drop=True)
