"""Training, cross-validation and prediction of the per-building ML model.

Pipeline (docs/ml.md): screen observed rows -> grouped cross-validation by district of every
candidate learner (:mod:`.learners`: hgb_log, ridge_log, hgb_poisson and their blend, each on
the ratio to the MOE design flow) -> the newest-cohort checks (:mod:`.newest`: each candidate
trained on older buildings forecasts the newer ones) -> pick the learner by held-out district
error plus |town sum bias| plus its corrected error on the newest buildings -> calibrate building
and district intervals on the out-of-fold residuals, and the level factor and intervals of new
buildings on the checks -> refit the chosen learner on all kept rows.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InventoryValidationError
from .learners import (BLEND, CANDIDATES, LEARNERS, clip_location, clip_to_training, clip_year, year_bounds,
                       fit_learner as _fit, location_bounds,
                       make_estimator, predict_learner as _predict)
from .features import HH_SHARE_COLUMNS, LOCATION_FEATURES, build_features, features_and_fill_years, has_location
from .intervals import attained_level, bounds_for as _bounds_for, calibrate_log_residuals, conformal_bounds, interval_coverage
from .newest import DEFAULT_RULE, CohortRule, calibrate_new_buildings, cohort_score, run_checks
from ..intake.screening import screen_observations

__all__ = [
    "CANDIDATES",
    "BLEND",
    "LEARNERS",
    "TrainedModel",
    "train_model",
    "grouped_cv_predictions",
    "make_estimator",
    "evaluation_metrics",
    "ml_threads",
    "location_bounds",
    "clip_location",
    "LOCATION_CHOICES",
]

MIN_DISTRICT_BUILDINGS = 5
MIN_LOCATION_SHARE = 0.5  # location='auto' uses coordinates when >= this share of training rows has them
LOCATION_CHOICES = ("auto", "yes", "no")
OBSERVED = "observed_m3_per_day"
THREADS_ENV = "SEWERPLAN_ML_THREADS"


def ml_threads():
    """Context manager bounding native (OpenMP / BLAS) threads while the ML code runs.

    Default one thread: the tables are small (thousands of rows), so threading buys little
    even on an idle machine, and on a shared, busy machine OpenMP's spinning threads made one
    training run 10-150x slower (measured: 0.7 s with 1 thread vs 3-114 s with 2 threads on
    2 loaded cores). Set the environment variable ``SEWERPLAN_ML_THREADS`` to another number
    (or ``0`` for the libraries' own default) to change it.
    """
    from contextlib import nullcontext

    from threadpoolctl import threadpool_limits

    raw = os.environ.get(THREADS_ENV, "1").strip()
    try:
        n = int(raw)
    except ValueError:
        n = 1
    return nullcontext() if n <= 0 else threadpool_limits(limits=n)


def _from_array_cache(estimator) -> bool:
    """True for the numpy twins of the tree-array cache (:mod:`.arrays`)."""
    first = estimator[0] if isinstance(estimator, list) and estimator else estimator
    return type(first).__module__.endswith(".ml.arrays")


def _bounded_threads(func):
    """Run ``func`` inside :func:`ml_threads`."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if args and _from_array_cache(getattr(args[0], "estimator", None)):
            return func(*args, **kwargs)  # numpy alone: no OpenMP pool to bound (and no 0.1 s library scan)
        with ml_threads():
            return func(*args, **kwargs)

    return wrapper


def _resolve_location(df: pd.DataFrame, location, idx_used) -> bool:
    """Use latitude / longitude as features? ('auto': when most training rows have them)."""
    if location in (False, "no"):
        return False
    if location not in (True, "yes", "auto"):
        raise ValueError(f"location must be one of {LOCATION_CHOICES}, not {location!r}")
    present = all(c in df.columns for c in LOCATION_FEATURES)
    share = float(has_location(df).iloc[idx_used].mean()) if present and len(idx_used) else 0.0
    if location in (True, "yes"):
        if share == 0.0:
            raise InventoryValidationError(
                ["location features requested but no training row has both latitude and longitude "
                 "[degrees] / 위치 변수를 요청했지만 위도·경도가 있는 학습 행이 없습니다"], source="building table")
        return True
    return share >= MIN_LOCATION_SHARE


def _resolve_household_fill(df: pd.DataFrame, household_mix, idx_used) -> bool:
    """True when the household shares are features worth filling (see ``train_model``)."""
    if household_mix in (True, "yes"):
        return True
    if household_mix in (False, "no"):
        return False
    if household_mix != "auto":
        raise ValueError(f"household_mix must be 'auto', 'yes' or 'no', got {household_mix!r}")
    if not all(c in df.columns for c in HH_SHARE_COLUMNS):
        return False
    shares = df.iloc[idx_used][HH_SHARE_COLUMNS].apply(pd.to_numeric, errors="coerce")
    return bool(shares.notna().all(axis=1).any())


def _groups(df: pd.DataFrame, district_column: str) -> pd.Series:
    if district_column not in df.columns:
        raise InventoryValidationError(
            [f"column '{district_column}' is missing; grouped cross-validation needs districts / "
             f"구역 열 '{district_column}' 이(가) 없습니다"], source="building table")
    return df[district_column].astype(str).fillna("(none)")


def _splits(groups: pd.Series, n_splits: int, seed: int):
    from sklearn.model_selection import GroupKFold, KFold

    n_groups = groups.nunique()
    if n_groups >= 2:
        return list(GroupKFold(n_splits=min(n_splits, n_groups)).split(groups, groups=groups)), "grouped by district"
    k = min(n_splits, len(groups))
    return list(KFold(k, shuffle=True, random_state=seed).split(groups)), "by building (only one district)"


def evaluation_metrics(observed, predicted, districts, categories=None, lower=None, upper=None) -> dict:
    """Building WAPE, sum bias, district-total median APE (>= 5 buildings), coverage, by category."""
    y = np.asarray(observed, dtype=float)
    p = np.asarray(predicted, dtype=float)
    out = {
        "n_buildings": int(len(y)),
        "wape": float(np.sum(np.abs(p - y)) / np.sum(y)) if np.sum(y) > 0 else float("nan"),
        "sum_bias": float(np.sum(p) / np.sum(y) - 1) if np.sum(y) > 0 else float("nan"),
    }
    t = pd.DataFrame({"y": y, "p": p, "d": np.asarray(districts, dtype=object)})
    s = t.groupby("d").agg(y=("y", "sum"), p=("p", "sum"), n=("y", "size"))
    s = s[(s.n >= MIN_DISTRICT_BUILDINGS) & (s.y > 0)]
    ape = (s.p / s.y - 1).abs()
    out["n_districts"] = int(len(s))
    out["district_median_ape"] = float(ape.median()) if len(s) else float("nan")
    out["district_median_bias"] = float((s.p / s.y - 1).median()) if len(s) else float("nan")
    if lower is not None:
        out["interval_coverage"] = interval_coverage(y, lower, upper)
    if categories is not None:
        cats = np.asarray(categories, dtype=object)
        by = {}
        for c in sorted({c for c in cats if isinstance(c, str)}):
            m = cats == c
            sub = {
                "n_buildings": int(m.sum()),
                "wape": float(np.sum(np.abs(p[m] - y[m])) / np.sum(y[m])) if np.sum(y[m]) > 0 else float("nan"),
                "sum_bias": float(np.sum(p[m]) / np.sum(y[m]) - 1) if np.sum(y[m]) > 0 else float("nan"),
            }
            if lower is not None:
                sub["interval_coverage"] = interval_coverage(y[m], np.asarray(lower)[m], np.asarray(upper)[m])
            by[c] = sub
        out["by_category"] = by
    return out


def _prepare(df: pd.DataFrame, observed_column: str):
    if observed_column not in df.columns:
        raise InventoryValidationError(
            [f"column '{observed_column}' is missing; training needs observed sewage [m3/d] "
             f"(or billing data: sewerplan train --billing) / 관측 오수량 열 '{observed_column}' 이(가) 없습니다"],
            source="building table")
    screen = screen_observations(df, observed_column=observed_column)
    obs = pd.to_numeric(df[observed_column], errors="coerce")
    used = (~screen["screen_flag"]) & obs.notna() & (obs > 0)
    return screen, obs, used


@dataclass
class _CVSetup:
    """What the grouped cross-validation works on: usable rows, districts, features, folds."""

    screen: pd.DataFrame
    obs: pd.Series
    groups: pd.Series
    idx_used: np.ndarray
    X: pd.DataFrame
    location: bool
    household_fill: bool
    splits: list
    scheme: str


def _cv_setup(df, district_column, n_splits, seed, observed_column, location, household_mix) -> _CVSetup:
    """Screen the observations, choose the features, and split the usable rows by district."""
    screen, obs, used = _prepare(df, observed_column)
    groups = _groups(df, district_column)
    idx_used = np.flatnonzero(used.to_numpy())
    use_location = _resolve_location(df, location, idx_used)
    hh_fill = _resolve_household_fill(df, household_mix, idx_used)
    X = build_features(df, location=use_location, household_fill=hh_fill)
    if len(idx_used) < 10:
        raise InventoryValidationError(
            [f"only {len(idx_used)} usable training rows (observed > 0, not screened); at least 10 are needed / "
             f"학습 가능한 행이 {len(idx_used)}개뿐입니다 (최소 10개)"], source="building table")
    splits, scheme = _splits(groups.iloc[idx_used], n_splits, seed)
    return _CVSetup(screen, obs, groups, idx_used, X, use_location, hh_fill, splits, scheme)


def _learners_to_fit(learner: str) -> list:
    """The candidates cross-validated for ``learner`` ('auto' and the blend need all three)."""
    if learner not in ("auto", *LEARNERS):
        raise ValueError(f"unknown learner '{learner}'; choose one of {LEARNERS} or 'auto'")
    return list(CANDIDATES) if learner in ("auto", BLEND) else [learner]


def _out_of_fold(cv: _CVSetup, learners: list, seed: int, max_iter: int) -> tuple[np.ndarray, dict]:
    """(fold of each row, held-out predictions [m3/d] per learner); -1 = district with no usable row."""
    from .learners import fit_predict_many

    idx_used, groups, X, obs = cv.idx_used, cv.groups, cv.X, cv.obs
    fold = np.full(len(obs), -1)
    preds = {name: np.full(len(obs), np.nan) for name in learners}
    jobs, targets = [], []  # every fit is independent: all of them at once (fit_predict_many, both cores)
    for k, (tr, te) in enumerate(cv.splits):
        tr_rows = idx_used[tr]
        test_groups = set(groups.iloc[idx_used[te]])
        # every row of the held-out districts (screened ones too) is predicted by this fold
        te_rows = np.flatnonzero(groups.isin(test_groups).to_numpy())
        fold[te_rows] = k
        X_te = clip_to_training(X.iloc[te_rows], X.iloc[tr_rows])
        for name in learners:
            jobs.append((name, X.iloc[tr_rows], obs.iloc[tr_rows].to_numpy(), X_te, seed, max_iter))
            targets.append((name, te_rows))
    # rows of districts with no usable row: predict with a model on all used rows
    rest = np.flatnonzero(fold < 0)
    if len(rest):
        for name in learners:
            jobs.append((name, X.iloc[idx_used], obs.iloc[idx_used].to_numpy(), X.iloc[rest], seed, max_iter))
            targets.append((name, rest))
    for (name, rows), predicted in zip(targets, fit_predict_many(jobs)):
        preds[name][rows] = predicted
    return fold, preds


def _with_blend(preds: dict, learners: list, learner: str) -> list:
    """Add the blend's held-out predictions (no extra fitting); the learners to score."""
    if learner not in ("auto", BLEND):
        return learners
    preds[BLEND] = np.mean([preds[name] for name in CANDIDATES], axis=0)
    return [*learners, BLEND] if learner == "auto" else [BLEND]


def _cross_conformal(cv: _CVSetup, fold, point, coverage, min_calibration):
    """(ln residuals, lower, upper [m3/d]): fold k's bounds come from the other folds' residuals."""
    idx_used, cats = cv.idx_used, cv.X["category"].to_numpy(dtype=object)
    lower = np.full(len(point), np.nan)
    upper = np.full(len(point), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = np.log(cv.obs.to_numpy() / point)
    for k in range(len(cv.splits)):
        cal = idx_used[fold[idx_used] != k]
        q = calibrate_log_residuals(resid[cal], cats[cal], coverage, min_calibration)
        rows = np.flatnonzero(fold == k)
        lo, hi = _bounds_for(q, cats[rows])
        lower[rows], upper[rows] = point[rows] * np.exp(lo), point[rows] * np.exp(hi)
    rest = np.flatnonzero(fold < 0)
    if len(rest):
        q = calibrate_log_residuals(resid[idx_used], cats[idx_used], coverage, min_calibration)
        lo, hi = _bounds_for(q, cats[rest])
        lower[rest], upper[rest] = point[rest] * np.exp(lo), point[rest] * np.exp(hi)
    return resid, lower, upper


def _cv_table(df, cv: _CVSetup, district_column, observed_column, fold, chosen, preds, learners, lower, upper):
    """The returned table of :func:`grouped_cv_predictions` (index of ``df``)."""
    out = pd.DataFrame(index=df.index)
    if "building_id" in df.columns:
        out["building_id"] = df["building_id"]
    out[district_column] = df[district_column]
    out["category"] = cv.X["category"]
    out[observed_column] = cv.obs
    out["screen_flag"] = cv.screen["screen_flag"]
    out["screen_reason"] = cv.screen["screen_reason"]
    out["cv_fold"] = fold
    out["ml_m3_per_day"] = preds[chosen]
    out["ml_lower_m3_per_day"] = lower
    out["ml_upper_m3_per_day"] = upper
    out["ml_learner"] = chosen
    for name in learners:
        out[f"cv_{name}_m3_per_day"] = preds[name]
    return out


@_bounded_threads
def grouped_cv_predictions(df: pd.DataFrame, district_column: str = "district", learner: str = "auto",
                           n_splits: int = 5, coverage: float = 0.90, seed: int = 0, max_iter: int = 250,
                           observed_column: str = OBSERVED, min_calibration: int = 30, location="auto",
                           household_mix="auto", newest: CohortRule | None = DEFAULT_RULE,
                           _return_details: bool = False):
    """Out-of-fold predictions with whole districts held out (the honest comparison table).

    Each building is predicted by a model that never saw its district. Screened rows are
    predicted too but never used for fitting. Intervals are cross-conformal: the quantiles
    applied to fold k come from the out-of-fold residuals of the other folds.

    Returns
    -------
    DataFrame
        Index of ``df``: ``building_id`` (if present), the district, ``observed_m3_per_day``,
        ``screen_flag``, ``screen_reason``, ``cv_fold``, ``ml_m3_per_day``,
        ``ml_lower_m3_per_day``, ``ml_upper_m3_per_day``, ``ml_learner`` and one
        ``cv_<learner>_m3_per_day`` column per candidate tried.

    ``location``: 'auto' uses ``latitude`` / ``longitude`` as features when at least
    :data:`MIN_LOCATION_SHARE` of the usable rows have both; 'yes' / 'no' force it. Held-out
    coordinates are clipped to the range of the fold's training rows, as in prediction.

    ``newest``: the newest-cohort rule (:class:`~sewerplan.model.ml.newest.CohortRule`); each
    candidate is also trained on the buildings completed before the newest cohort and scored
    on it, and the learner choice adds that score (None: district cross-validation only).
    """
    cv = _cv_setup(df, district_column, n_splits, seed, observed_column, location, household_mix)
    fitted = _learners_to_fit(learner)
    fold, preds = _out_of_fold(cv, fitted, seed, max_iter)
    learners = _with_blend(preds, fitted, learner)
    iu, cats = cv.idx_used, cv.X["category"].to_numpy(dtype=object)
    y_used, groups_used = cv.obs.iloc[iu].to_numpy(), cv.groups.iloc[iu]
    metrics = {name: evaluation_metrics(y_used, preds[name][iu], groups_used, cats[iu]) for name in learners}
    check = run_checks(df, cv.X, cv.obs.to_numpy(dtype=float), cv.groups, iu, list(dict.fromkeys([*fitted, *learners])),
                       seed, max_iter, newest) if newest is not None else None
    chosen = _choose(metrics, {name: check.learner_metrics(name) for name in learners}
                     if check is not None and check.checked else None)
    resid, lower, upper = _cross_conformal(cv, fold, preds[chosen], coverage, min_calibration)
    out = _cv_table(df, cv, district_column, observed_column, fold, chosen, preds, learners, lower, upper)
    metrics[chosen] = evaluation_metrics(y_used, preds[chosen][iu], groups_used, cats[iu], lower[iu], upper[iu])
    if _return_details:
        return out, {"metrics": metrics, "chosen": chosen, "scheme": cv.scheme, "n_folds": len(cv.splits),
                     "idx_used": iu, "groups": cv.groups, "resid": resid, "fold": fold,
                     "location": cv.location, "household_fill": cv.household_fill, "X": cv.X,
                     "newest_check": check}
    return out


BLEND_PREFERENCE = 0.8  # another learner is kept only when its score is below 0.8 x the blend's


def _choose(metrics: dict, cohort: dict | None = None) -> str:
    """The learner to keep, by held-out district-total median APE plus |town sum bias|, and its
    error on the newest buildings when the newest-cohort check ran.

    Both parts of the district score matter for sizing a plant: the median district error says
    how well a typical district total is forecast, the sum bias whether the town total (what the
    plant is built for) is off in one direction; a learner that is good on typical districts but
    misses a whole kind of district (an industrial estate) shows up in the second term. WAPE is
    used when fewer than 3 districts qualify.

    ``cohort``: {learner: errors on the newest buildings} (``newest.CheckSet.learner_metrics``:
    the learner with its level correction, validated on the newest check). The two scores add.

    The blend is kept unless another learner scores clearly better (below
    :data:`BLEND_PREFERENCE` x the blend's score) on the district cross-validation *and*, when
    the check ran, on the newest buildings: with a few dozen districts or a few hundred new
    buildings the differences between learners are mostly noise, and picking the noisy winner
    cost accuracy on new districts (NYC nested CV, district median APE: 12.3% choosing freely vs
    10.7% always blending) and on new buildings (a learner best on one part and not the other
    was chosen in 2 of 5 NYC folds and raised the random-split WAPE from 0.376 to 0.385).
    """
    def cv_score(name):
        m = metrics[name]
        return m["district_median_ape"] + abs(m["sum_bias"]) if m["n_districts"] >= 3 else m["wape"]

    def score(name):
        return cv_score(name) + (cohort_score(cohort[name]) if cohort and name in cohort else 0.0)

    best = min(metrics, key=lambda name: (score(name), metrics[name]["wape"]))
    if BLEND not in metrics or best == BLEND:
        return best
    clearly = cv_score(best) < BLEND_PREFERENCE * cv_score(BLEND)
    if cohort and best in cohort and BLEND in cohort:
        clearly = clearly and cohort_score(cohort[best]) < BLEND_PREFERENCE * cohort_score(cohort[BLEND])
    return best if clearly else BLEND


def _district_calibration(out, details, district_column, observed_column, coverage):
    iu = details["idx_used"]
    t = pd.DataFrame({
        "d": out[district_column].astype(str).to_numpy()[iu],
        "y": out[observed_column].to_numpy()[iu],
        "p": out["ml_m3_per_day"].to_numpy()[iu],
    })
    s = t.groupby("d").agg(y=("y", "sum"), p=("p", "sum"), n=("y", "size"))
    s = s[s.n >= MIN_DISTRICT_BUILDINGS]
    scores = np.log(s.y / s.p).to_numpy()
    lo, hi, exact = conformal_bounds(scores, coverage)
    return {
        "log_ratio_bounds": [lo, hi],
        "n_districts": int(len(s)),
        "exact": exact,
        # the level the bounds guarantee with this many districts (7/9 = 0.78 with 8 at 90%)
        "attained_level": attained_level(int(len(s)), coverage),
        "median_buildings_per_district": float(s.n.median()) if len(s) else float("nan"),
        "coverage": coverage,
    }


def _joined_notes(*parts: pd.Series) -> pd.Series:
    """Per row, the non-empty notes joined with " | "; each distinct combination is joined once (issue 25)."""
    joined: dict = {}
    rows = zip(*(p.to_numpy(dtype=object) for p in parts))
    out = [joined.get(k) or joined.setdefault(k, " | ".join(x for x in k if x)) for k in rows]
    return pd.Series(out, index=parts[0].index, dtype=object)


@dataclass
class TrainedModel:
    """A fitted model with calibrated intervals and its card.

    Attributes
    ----------
    estimator : sklearn Pipeline
        Maps :func:`build_features` output to ln flow (``*_log``) or flow (Poisson).
    learner : str
        One of :data:`LEARNERS`.
    correction : dict
        Back-transform ratio corrections [-] per building category (``"_all"`` overall) and
        the offset fill value (``"offset_fill"``, ln(m3/d)); see ``_fit``.
    intervals : dict
        Building-level conformal ln-residual bounds (pooled and by category).
    district_intervals : dict
        District-total conformal ln-ratio bounds.
    card : dict
        The model card (see :mod:`sewerplan.model.ml.card`).
    cv_predictions : DataFrame or None
        Set by :func:`train_model` only (not saved in the model file): the out-of-fold,
        held-out-district predictions the learner choice and the intervals were calibrated
        on, as returned by :func:`grouped_cv_predictions`, indexed like the training table.
        Use it for the observed-vs-methods comparison instead of running the CV again.
    location : dict or None
        None for a model without location features. Otherwise ``bounds`` (training range of
        latitude / longitude [degrees]; prediction clips to it) and ``rows_with`` /
        ``rows_without`` (training rows with / without coordinates).
    newest : dict or None
        The new-building calibration of the newest-cohort check
        (:func:`~sewerplan.model.ml.newest.calibrate_new_buildings`): buildings completed after
        the training data (approval year >= ``new_from_year``, or no year: a planned building)
        are multiplied by ``level.factor`` and get ``intervals`` and
        ``district_log_ratio_bounds``. None for a model trained without the check.
    """

    estimator: object  # sklearn Pipeline (list of them for the blend), or their tree-array twins (.arrays)
    learner: str
    correction: dict
    coverage: float
    intervals: dict
    district_intervals: dict
    card: dict = field(default_factory=dict)
    cv_predictions: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    location: dict | None = None
    household_fill: bool = False
    newest: dict | None = None
    year_bounds: list | None = None  # training range of the completion-year feature; prediction clips to it

    @property
    def uses_location(self) -> bool:
        """True when latitude / longitude are features of this model."""
        return bool(self.location)

    @property
    def model_id(self) -> str:
        return self.card["model_id"]

    @property
    def note(self) -> str:
        """'' for a model trained on real Korean data, else a bilingual warning."""
        return self.card.get("prediction_note", "")

    def new_building_rows(self, table: pd.DataFrame) -> np.ndarray:
        """Rows completed after the training data (or without a year): the newest-cohort calibration applies.

        ``table``: a building table or its features (both carry ``approval_year`` [year]).
        """
        if not self.newest:
            return np.zeros(len(table), dtype=bool)
        if self.newest.get("new_from_year") is None:
            return np.ones(len(table), dtype=bool)
        year = pd.to_numeric(table["approval_year"], errors="coerce").to_numpy(dtype=float) \
            if "approval_year" in table.columns else np.full(len(table), np.nan)
        return ~np.isfinite(year) | (year >= float(self.newest["new_from_year"]))

    def district_log_bounds(self, new: bool = True) -> list:
        """ln(observed / predicted) bounds of a district total [-]: for new buildings when ``new``."""
        if new and self.newest:
            return list(self.newest["district_log_ratio_bounds"])
        return list(self.district_intervals["log_ratio_bounds"])

    def _location_notes(self, df: pd.DataFrame, X: pd.DataFrame) -> pd.Series:
        """Per-row note on the location features ('' when nothing to say); raises when none given."""
        notes = pd.Series("", index=df.index, dtype=object)
        if not self.uses_location:
            return notes
        have = X[LOCATION_FEATURES].notna().all(axis=1)
        if not have.any():
            raise InventoryValidationError(
                ["this model uses building location as a feature (it was trained with 'latitude' and "
                 "'longitude'), but the table has no valid coordinates. Add latitude / longitude "
                 "[degrees, WGS84] columns (headers 위도 / 경도), or use a model trained without "
                 "location (`sewerplan train --location no`). / 이 모델은 위치(위도·경도)를 변수로 "
                 "학습했는데 입력 표에 좌표가 없습니다. 위도·경도 열을 추가하거나 위치 없이 학습한 모델"
                 "(`sewerplan train --location no`)을 쓰세요."], source="building table")
        b = self.location["bounds"]
        outside = pd.Series(False, index=df.index)
        for c, (lo, hi) in b.items():
            outside |= (X[c] < lo) | (X[c] > hi)
        how = ("like the training rows without coordinates" if self.location.get("rows_without", 0)
               else "at the median training location")
        notes[~have] = f"no coordinates: predicted {how} / 좌표 없음: 위치 효과 미반영"
        notes[outside] = ("outside the training area: location effect of its nearest edge (not extrapolated) "
                          "/ 학습 지역 밖: 가장자리의 위치 효과 적용")
        return notes

    @_bounded_threads
    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        """Day-average sewage per building [m3/d] with calibrated interval.

        A model with location features needs ``latitude`` / ``longitude`` in ``df``
        (:class:`InventoryValidationError` with a bilingual message when the table has none);
        rows without coordinates or outside the training area are predicted and say so in
        ``ml_model_note``.

        Returns
        -------
        DataFrame
            Index of ``df``: ``ml_m3_per_day``, ``ml_lower_m3_per_day``,
            ``ml_upper_m3_per_day`` [m3/d], ``ml_model_id``, ``ml_model_note``.
        """
        X, fill_year = features_and_fill_years(df, location=self.uses_location, household_fill=self.household_fill)
        loc_notes = self._location_notes(df, X)
        if self.household_fill:
            years = fill_year.to_numpy(dtype=float)
            distinct = {y: f"household mix from census trend for {int(y)} / 가구원수 구성: {int(y)}년 인구총조사 추세로 보완"
                        for y in pd.unique(years) if not np.isnan(y)}  # NaN (nothing filled): no note
            hh_notes = pd.Series([distinct.get(y, "") for y in years], index=df.index, dtype=object)
            loc_notes = _joined_notes(loc_notes, hh_notes)
        X = clip_year(clip_location(X, self.location["bounds"] if self.uses_location else None), self.year_bounds)
        point = _predict(self.estimator, self.learner, self.correction, X)
        cats = X["category"].to_numpy(dtype=object)
        lo, hi = _bounds_for(self.intervals, cats)
        new = self.new_building_rows(df)
        if new.any():
            point = np.where(new, point * float(self.newest["level"]["factor"]), point)
            new_lo, new_hi = _bounds_for(self.newest["intervals"], cats)
            lo, hi = np.where(new, new_lo, lo), np.where(new, new_hi, hi)
        note = pd.Series(self.note, index=df.index, dtype=object)
        if loc_notes.ne("").any():
            note = _joined_notes(note, loc_notes)
        return pd.DataFrame(
            {
                "ml_m3_per_day": point,
                "ml_lower_m3_per_day": point * np.exp(lo),
                "ml_upper_m3_per_day": point * np.exp(hi),
                "ml_model_id": self.model_id,
                "ml_model_note": note,
            },
            index=df.index,
        )

    def predict_district_totals(self, df: pd.DataFrame, district_column: str = "district",
                                pred: pd.DataFrame | None = None) -> pd.DataFrame:
        """District totals [m3/d] with a district-level calibrated interval.

        A table with buildings newer than the training data (a planned town) gets the district
        bounds widened by the newest-cohort check's remaining uncertainty (:meth:`district_log_bounds`).

        ``pred``: the per-building predictions of ``df`` already made (:meth:`predict`), so the
        model runs once per building table (issue 17); default: predict here.

        Returns
        -------
        DataFrame
            One row per district: ``district``, ``n_buildings``, ``ml_total``,
            ``ml_total_lower``, ``ml_total_upper`` [m3/d], ``ml_model_id``, ``ml_model_note``.
        """
        if pred is None:
            pred = self.predict(df)
        d = _groups(df, district_column)
        s = pred.groupby(d.to_numpy())["ml_m3_per_day"].agg(["sum", "size"])
        lo, hi = self.district_log_bounds(new=bool(self.new_building_rows(df).any()))
        return pd.DataFrame(
            {
                "district": s.index.astype(str),
                "n_buildings": s["size"].to_numpy(),
                "ml_total": s["sum"].to_numpy(),
                "ml_total_lower": s["sum"].to_numpy() * np.exp(lo),
                "ml_total_upper": s["sum"].to_numpy() * np.exp(hi),
                "ml_model_id": self.model_id,
                "ml_model_note": self.note,
            }
        )


def _data_sha256(df: pd.DataFrame, observed_column: str) -> str:
    cols = [c for c in ["building_id", "district", *df.columns] if c in df.columns]
    cols = list(dict.fromkeys(cols))
    return hashlib.sha256(df[cols].to_csv(index=False).encode("utf-8")).hexdigest()


def _check_coverage(coverage: float) -> None:
    if not 0.5 <= coverage < 1.0:
        from ..errors import ParameterError

        raise ParameterError("coverage", coverage, "[0.5, 1.0)")


def _final_fit(out: pd.DataFrame, cv: dict, district_column, observed_column, coverage, seed, max_iter,
               min_calibration):
    """The chosen learner refitted on all usable rows, with building and district intervals.

    Returns ``(estimator, correction, intervals, district_intervals)``.
    """
    iu = cv["idx_used"]
    X = cv["X"]
    est, corr = _fit(cv["chosen"], X.iloc[iu], out[observed_column].to_numpy()[iu], seed, max_iter)
    cats = X["category"].to_numpy(dtype=object)
    intervals = calibrate_log_residuals(cv["resid"][iu], cats[iu], coverage, min_calibration)
    district_iv = _district_calibration(out, cv, district_column, observed_column, coverage)
    return est, corr, intervals, district_iv


def _location_record(cv: dict) -> dict | None:
    """Training range of the coordinates [degrees] and rows with / without them (None: no location)."""
    if not cv["location"]:
        return None
    X, iu = cv["X"], cv["idx_used"]
    with_loc = X.iloc[iu][LOCATION_FEATURES].notna().all(axis=1)
    return {"bounds": location_bounds(X.iloc[iu]), "rows_with": int(with_loc.sum()),
            "rows_without": int((~with_loc).sum())}


def _household_record(df: pd.DataFrame, cv: dict) -> dict | None:
    """Residential training rows with a household-size mix and filled from the trend (None: no fill)."""
    if not cv["household_fill"]:
        return None
    iu = cv["idx_used"]
    res = (cv["X"]["category"].iloc[iu].astype(str) == "residential").to_numpy()
    given = df.iloc[iu][HH_SHARE_COLUMNS].apply(pd.to_numeric, errors="coerce").notna().all(axis=1).to_numpy()
    return {"rows_with_mix": int((res & given).sum()), "rows_filled_from_trend": int((res & ~given).sum())}


def _training_settings(cv: dict, seed, max_iter, coverage, min_calibration, newest: CohortRule | None) -> dict:
    settings = {"learner": cv["chosen"], "seed": seed, "max_iter": max_iter, "coverage": coverage,
                "n_splits": cv["n_folds"], "min_calibration": min_calibration, "location": bool(cv["location"])}
    if cv["household_fill"]:
        settings["household_fill"] = True
    if newest is not None:
        settings["newest_cohort"] = newest.as_dict()
    return settings


def _new_building_record(out: pd.DataFrame, cv: dict, fitted, observed_column, coverage, min_calibration,
                         seed) -> dict | None:
    """The new-building calibration from the newest-cohort check (None: the check was switched off)."""
    check = cv.get("newest_check")
    if check is None:
        return None
    _, _, intervals, district_iv = fitted
    return calibrate_new_buildings(
        check, cv["chosen"], out[observed_column].to_numpy(dtype=float), cv["X"]["category"].to_numpy(dtype=object),
        coverage, min_calibration, intervals, district_iv["log_ratio_bounds"], seed)


def _card(df, out, cv, observed_column, sha, settings, fitted, location, newest, **described) -> dict:
    """The model card (:func:`~sewerplan.model.ml.card.build_card`); the id hashes data and settings."""
    from .card import build_card

    _, corr, intervals, district_iv = fitted
    iu = cv["idx_used"]
    model_id = "ml-" + hashlib.sha256(json.dumps({"data": sha, **settings}, sort_keys=True).encode()).hexdigest()[:12]
    return build_card(
        model_id=model_id, data_sha256=sha, **described,
        n_rows=len(df), n_used=len(iu), n_screened=int(out["screen_flag"].sum()),
        n_no_observation=int(out[observed_column].isna().sum()),
        screen_reasons=out.loc[out["screen_flag"], "screen_reason"].str.split(":").str[0].value_counts().to_dict(),
        cv_metrics=cv["metrics"], chosen=cv["chosen"], cv_scheme=cv["scheme"], n_folds=cv["n_folds"],
        n_districts=int(cv["groups"].iloc[iu].nunique()), settings=settings, correction=corr,
        intervals=intervals, district_intervals=district_iv, location=location,
        household_mix=_household_record(df, cv), newest=newest,
    )


@_bounded_threads
def train_model(buildings: pd.DataFrame, coverage: float = 0.90, learner: str = "auto",
                district_column: str = "district", n_splits: int = 5, seed: int = 0, max_iter: int = 250,
                observed_column: str = OBSERVED, trained_on: str = "unspecified building table", region: str = "KR",
                synthetic: bool = False, data_sha256: str | None = None, min_calibration: int = 30,
                location="auto", household_mix="auto", newest_cohort: CohortRule | None = DEFAULT_RULE) -> TrainedModel:
    """Train the ML model on a canonical building table with ``observed_m3_per_day``.

    Parameters
    ----------
    buildings : DataFrame
        Canonical building table (docs/architecture.md) with observed day-average sewage
        [m3/d] and a district column (the cross-validation groups).
    coverage : float
        Nominal coverage of the intervals [-], default 0.90.
    learner : str
        'auto' (choose by grouped CV) or one of :data:`LEARNERS` (a candidate or ``blend``,
        the mean of the three candidates' predictions).
    trained_on, region, synthetic
        Description for the card; ``region`` other than 'KR' or ``synthetic`` makes every
        prediction carry a warning note.
    data_sha256 : str, optional
        SHA-256 of the training file (the CLI passes it); default: of the table's CSV form.
    location : {'auto', 'yes', 'no'}
        Use ``latitude`` / ``longitude`` [degrees] as features: 'auto' when at least
        :data:`MIN_LOCATION_SHARE` of the usable rows have both. The model records it
        (``TrainedModel.location``, card ``location``) and then needs coordinates to predict.
    household_mix : {'auto', 'yes', 'no'}
        Fill missing household shares of residential rows from the census trend
        (:func:`ml_features.household_mix_fill`) in training and prediction: 'auto' when at
        least one usable training row has all five ``hh_share_*``. Without it the shares stay
        NaN (a model trained on a table without any mix cannot use one).
    newest_cohort : CohortRule or None
        The newest-cohort check (:mod:`sewerplan.model.ml.newest`): the newest buildings of the
        table are forecast by models trained on the older ones; the learner choice adds that
        error, and buildings newer than the table get the level factor and the intervals it
        calibrates (``TrainedModel.newest``). None switches it off (district CV only).

    Returns
    -------
    TrainedModel
        With ``cv_predictions``: the held-out-district predictions computed on the way
        (the table :func:`grouped_cv_predictions` returns), so callers need not run the
        cross-validation again.

    Native threads are bounded while training (:func:`ml_threads`).
    """
    _check_coverage(coverage)
    df = buildings.reset_index(drop=True)
    out, cv = grouped_cv_predictions(
        df, district_column=district_column, learner=learner, n_splits=n_splits, coverage=coverage, seed=seed,
        max_iter=max_iter, observed_column=observed_column, min_calibration=min_calibration, location=location,
        household_mix=household_mix, newest=newest_cohort, _return_details=True)
    fitted = _final_fit(out, cv, district_column, observed_column, coverage, seed, max_iter, min_calibration)
    loc = _location_record(cv)
    newest = _new_building_record(out, cv, fitted, observed_column, coverage, min_calibration, seed)
    card = _card(df, out, cv, observed_column, data_sha256 or _data_sha256(df, observed_column),
                 _training_settings(cv, seed, max_iter, coverage, min_calibration, newest_cohort), fitted, loc,
                 newest, trained_on=trained_on, region=region, synthetic=synthetic)
    out.index = buildings.index
    est, corr, intervals, district_iv = fitted
    return TrainedModel(est, cv["chosen"], corr, coverage, intervals, district_iv, card, cv_predictions=out,
                        location=loc, household_fill=bool(cv["household_fill"]), newest=newest,
                        year_bounds=year_bounds(cv["X"].iloc[cv["idx_used"]]))
