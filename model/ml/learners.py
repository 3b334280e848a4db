"""The candidate learners: estimators, fitting on the ratio to the design flow, prediction.

Candidates (each models the ratio observed / MOE design flow: the design flow is an offset)
----------
``blend``        the mean of the three below (often steadier than any one of them).
``hgb_log``      HistGradientBoostingRegressor on ln(observed / design), ratio-corrected back-transform.
``ridge_log``    RidgeCV on ln(observed / design) (one-hot uses, imputed + scaled numerics),
                 ratio-corrected back-transform.
``hgb_poisson``  HistGradientBoostingRegressor, Poisson loss on observed / design weighted by design.

The ratio correction multiplies the back-transformed prediction by sum(observed) /
sum(fitted) on the training rows of the building's category (overall for categories with
fewer than 30 rows), so predicted totals match observed totals by category where the model
was fitted (a log-scale fit alone predicts medians, below the mean by a factor that grows
with the category's spread).

Used by the grouped cross-validation and the final fit (:mod:`.train`) and by the
newest-cohort check (:mod:`.newest`).
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np
import pandas as pd

from .features import CATEGORICAL_FEATURES, LOCATION_FEATURES, cpu_independent, numeric_features

__all__ = ["CANDIDATES", "BLEND", "LEARNERS", "OFFSET_FEATURE", "make_estimator", "fit_learner", "predict_learner",
           "location_bounds", "clip_location", "year_bounds", "clip_year", "clip_to_training", "fit_predict",
           "fit_predict_many", "PROCESSES_ENV"]

CANDIDATES = ("hgb_log", "ridge_log", "hgb_poisson")
BLEND = "blend"  # the mean of the three candidates' predictions, itself a candidate
LEARNERS = (*CANDIDATES, BLEND)


def make_estimator(learner: str, seed: int = 0, max_iter: int = 250, location: bool = False):
    """Unfitted sklearn Pipeline for a candidate learner (input: :func:`build_features` table).

    ``location`` adds ``latitude`` / ``longitude`` to the numeric features. scikit-learn is imported
    here, not with the module: prediction from the tree-array cache (:mod:`.arrays`) never needs it.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    num = numeric_features(location)
    if learner in ("hgb_log", "hgb_poisson"):
        pre = ColumnTransformer(
            [
                (
                    "cat",
                    OrdinalEncoder(
                        handle_unknown="use_encoded_value", unknown_value=np.nan,
                        encoded_missing_value=np.nan, dtype=np.float64,
                    ),
                    CATEGORICAL_FEATURES,
                ),
                # all-empty columns (e.g. no floors in the table) are dropped: the HGB binner
                # cannot handle them; the indicator keeps "was missing" as information
                ("num", SimpleImputer(strategy="median", add_indicator=True), num),
            ]
        )
        hgb = HistGradientBoostingRegressor(
            loss="poisson" if learner == "hgb_poisson" else "squared_error",
            learning_rate=0.05, max_iter=max_iter, max_leaf_nodes=15, min_samples_leaf=20,
            l2_regularization=1.0, categorical_features=list(range(len(CATEGORICAL_FEATURES))),
            early_stopping=False, random_state=seed,
        )
        return Pipeline([("features", pre), ("learner", hgb)])
    if learner == "ridge_log":
        pre = ColumnTransformer(
            [
                ("cat", Pipeline([
                    ("fill", SimpleImputer(strategy="constant", fill_value="(missing)")),
                    ("onehot", OneHotEncoder(handle_unknown="ignore", min_frequency=3)),
                ]), CATEGORICAL_FEATURES),
                ("num", Pipeline([
                    ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)),
                    ("scale", StandardScaler()),
                ]), num),
            ]
        )
        return Pipeline([("features", pre), ("learner", RidgeCV(alphas=np.logspace(-2, 3, 11)))])
    raise ValueError(f"unknown learner '{learner}'; choose one of {LEARNERS} or 'auto'")


def _is_log(learner: str) -> bool:
    return learner.endswith("_log")


def _uses_location(X: pd.DataFrame) -> bool:
    return LOCATION_FEATURES[0] in X.columns


def location_bounds(X: pd.DataFrame) -> dict | None:
    """Training range of the coordinates {column: [min, max]} (None without location features)."""
    if not _uses_location(X):
        return None
    return {c: [float(X[c].min()), float(X[c].max())] for c in LOCATION_FEATURES}


def clip_location(X: pd.DataFrame, bounds: dict | None) -> pd.DataFrame:
    """Coordinates clipped to the training range: outside it, the location effect of the edge.

    Trees do this by themselves; clipping makes the linear learner (ridge) do the same instead
    of extrapolating a linear trend across a country.
    """
    if not bounds or not _uses_location(X):
        return X
    X = X.copy()
    for c, (lo, hi) in bounds.items():
        X[c] = X[c].clip(lo, hi)
    return X


YEAR_FEATURE = "approval_year"


def year_bounds(X: pd.DataFrame) -> list | None:
    """Training range of the completion year [year] (None when no row has one)."""
    y = X[YEAR_FEATURE] if YEAR_FEATURE in X.columns else pd.Series(dtype=float)
    return [float(y.min()), float(y.max())] if y.notna().any() else None


def clip_year(X: pd.DataFrame, bounds: list | None) -> pd.DataFrame:
    """Completion year clipped to the training range: a building newer than the data gets the newest
    class's effect. Trees do this by themselves; clipping keeps the linear learner (ridge) from
    extending a linear year trend onto a new town (the level of new buildings is the newest-cohort
    check's job, :mod:`.newest`)."""
    if not bounds or YEAR_FEATURE not in X.columns:
        return X
    X = X.copy()
    X[YEAR_FEATURE] = X[YEAR_FEATURE].clip(*bounds)
    return X


def clip_to_training(X: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """``X`` with coordinates and completion year clipped to the range of the ``reference`` rows."""
    return clip_year(clip_location(X, location_bounds(reference)), year_bounds(reference))


OFFSET_FEATURE = "log_design_prior_m3_per_day"
MIN_CATEGORY_CORRECTION_ROWS = 30  # fewer training rows in a category: the overall correction is used


def _offset(X: pd.DataFrame, fill: float) -> np.ndarray:
    """ln of the MOE design flow [ln(m3/d)] per row; rows without one take ``fill``."""
    o = X[OFFSET_FEATURE].to_numpy(dtype=float) if OFFSET_FEATURE in X.columns else np.full(len(X), np.nan)
    return np.where(np.isfinite(o), o, fill)


def fit_learner(learner, X, y, seed, max_iter):
    """Fit a learner (see :func:`_fit_one`); the blend fits each candidate.

    For the blend the estimator is the list of the candidates' estimators and the correction
    holds each candidate's corrections under ``"<candidate>:<key>"``.
    """
    if learner != BLEND:
        return _fit_one(learner, X, y, seed, max_iter)
    estimators, correction = [], {}
    for name in CANDIDATES:
        est, corr = _fit_one(name, X, y, seed, max_iter)
        estimators.append(est)
        correction.update({f"{name}:{k}": v for k, v in corr.items()})
    return estimators, correction


def _member_correction(correction: dict, name: str) -> dict:
    prefix = f"{name}:"
    return {k[len(prefix):]: v for k, v in correction.items() if k.startswith(prefix)}


def _fit_one(learner, X, y, seed, max_iter):
    """Fit a learner on the ratio observed / design flow; return (estimator, correction).

    The MOE design flow is an offset: each learner models ln(observed / design) (or the rate
    observed / design under Poisson loss, weighted by the design flow), so a predicted flow
    grows with the building's size even beyond the sizes seen in training (a tree on ln flow
    cannot extrapolate: a held-out industrial estate of larger factories was under-predicted
    by half or more).

    ``correction`` holds the back-transform ratio corrections sum(observed) / sum(fitted) per
    building category (overall ``"_all"`` for small categories) and the offset fill value.
    A ln-scale fit predicts the conditional median; the gap to the mean grows with the
    spread, which differs by category (housing is tight, industry wide), so a single overall
    correction left industry and commerce biased low while over-correcting housing.
    """
    y = np.asarray(y, dtype=float)
    est = make_estimator(learner, seed, max_iter, location=_uses_location(X))
    raw_offset = X[OFFSET_FEATURE].to_numpy(dtype=float) if OFFSET_FEATURE in X.columns else np.array([np.nan])
    fill = float(np.nanmedian(raw_offset)) if np.isfinite(raw_offset).any() else 0.0
    off = _offset(X, fill)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        if _is_log(learner):
            est.fit(X, cpu_independent(np.log(y) - off))
            fitted = np.exp(est.predict(X) + off)
        else:
            base = np.exp(off)
            est.fit(X, cpu_independent(y / base), learner__sample_weight=cpu_independent(base))
            fitted = np.asarray(est.predict(X), dtype=float) * base
    correction = {"offset_fill": fill, "_all": float(np.sum(y) / np.sum(fitted))}
    cats = X["category"].astype(str).to_numpy() if "category" in X.columns else np.full(len(X), "_all")
    for c in np.unique(cats):
        m = cats == c
        if m.sum() >= MIN_CATEGORY_CORRECTION_ROWS and fitted[m].sum() > 0:
            correction[c] = float(np.sum(y[m]) / np.sum(fitted[m]))
    return est, correction


def predict_learner(est, learner, correction, X):
    if learner == BLEND:
        return np.mean([predict_learner(e, name, _member_correction(correction, name), X)
                        for e, name in zip(est, CANDIDATES)], axis=0)
    off = _offset(X, correction["offset_fill"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        raw = np.asarray(est.predict(X), dtype=float)
    point = np.exp(raw + off) if _is_log(learner) else raw * np.exp(off)
    cats = X["category"].astype(str) if "category" in X.columns else pd.Series("_all", index=X.index)
    codes, uniques = pd.factorize(cats, use_na_sentinel=False)  # each category looked up once
    factor = np.array([correction.get(c, correction["_all"]) for c in uniques], dtype=float)[codes]
    return point * factor


# ------------------------------------------------------------------------------------------
# many independent fits (cross-validation folds, newest-cohort checks) on both cores
# ------------------------------------------------------------------------------------------

PROCESSES_ENV = "SEWERPLAN_ML_PROCESSES"
def _fit_predict_bounded(job) -> np.ndarray:
    """:func:`fit_predict` in a worker process: OpenMP's thread limit is per thread, so it is set here again
    (a forked worker's thread is not the one the caller limited; unbounded, the sums come out in another
    order and the predictions differ in the last bits)."""
    from .train import ml_threads

    with ml_threads():
        return fit_predict(job)


def fit_predict(job) -> np.ndarray:
    """One job ``(learner, X_train, y_train, X_predict, seed, max_iter)``: predictions [m3/d] for ``X_predict``."""
    learner, X_train, y_train, X_predict, seed, max_iter = job
    est, correction = fit_learner(learner, X_train, y_train, seed, max_iter)
    return predict_learner(est, learner, correction, X_predict)


def _processes(n_jobs: int) -> int:
    """Worker processes for ``n_jobs`` fits: ``SEWERPLAN_ML_PROCESSES`` if set, else 2 on a Linux machine with
    two or more cores (forked workers start in milliseconds with everything imported), else 1."""
    raw = os.environ.get(PROCESSES_ENV, "").strip()
    try:
        n = int(raw) if raw else (min(2, os.cpu_count() or 1) if sys.platform == "linux" else 1)
    except ValueError:
        n = 1
    return max(1, min(n, n_jobs))


def fit_predict_many(jobs: list) -> list[np.ndarray]:
    """:func:`fit_predict` of each job, in order; in forked worker processes when :func:`_processes` says so.

    Each fit is deterministic (its own seed) and independent of the others, so the results are the same
    whether the jobs run here one after another or in two processes; the workers bound native threads as
    the caller does (``train.ml_threads``).
    """
    n = _processes(len(jobs))
    if n <= 1:
        return [fit_predict(job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_fit_predict_bounded, jobs))
