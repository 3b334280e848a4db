"""The newest-cohort check: validate, select and calibrate on the newest buildings (docs/ml.md).

A new town is made of buildings newer than any the model learned from. Random or district
splits mix old and new buildings, so they never test that step. This check does it the way
the tool is used: the buildings completed most recently in the training data (by approval
year, 사용승인일) are held out as a cohort, each candidate learner is trained on the buildings
completed before them and forecasts them, and the errors on that cohort

- take part in the learner choice (``train._choose``),
- give a **level factor** for buildings newer than the training data: sum(observed) /
  sum(predicted) on the cohort, shrunk toward 1 by its own uncertainty (below),
- calibrate the building intervals of new buildings (conformal on the cohort's residuals),
- and widen the district and town intervals by the level factor's remaining uncertainty, so
  the need distribution behind the sizing decision carries this validation's error.

Level factor (empirical Bayes, normal-normal on the log scale)
--------------------------------------------------------------
ln b = ln(sum y / sum p) over the cohort, with standard error ``se`` from a bootstrap over the
cohort's districts (whole districts resampled: buildings of one district share their errors;
over buildings when the cohort has fewer than :data:`MIN_BOOTSTRAP_DISTRICTS` districts). The
prior is ln b ~ N(0, tau^2): new buildings are like the newest ones unless the check says
otherwise. The posterior mean is w ln b with w = tau^2 / (tau^2 + se^2) and its standard
deviation sqrt(w) se. A small or noisy cohort is shrunk toward 1 and keeps a wide sd.

When the cohort is too small (fewer than ``min_buildings``), there is no check: the factor is 1
and the sd is tau itself, so every interval of a new building, district and town is widened by
the prior's spread instead of printing a confident probability.

``tau`` = :data:`PRIOR_SD_LOG` = 0.20: the size of the vintage steps seen in public
benchmarking data (NYC LL84 2016 multifamily, median intensity 4.7 L/(m2 d) for buildings
completed 2006 or later against 5.9 up to 2005: ln(4.7 / 5.9) = -0.23; another US city's newest
multifamily cohorts 3.7 -> 3.3 -> 3.0 L/(m2 d) over about 16 years: -0.11 and -0.21). Both
directions are possible; the prior is centred on no change.

Intervals are widened in quadrature on the log scale: a bound q becomes
sign(q) sqrt(q^2 + (z sd)^2), z the normal quantile of the interval's level.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .intervals import bounds_for, calibrate_log_residuals

__all__ = [
    "CohortRule",
    "DEFAULT_RULE",
    "PRIOR_SD_LOG",
    "MIN_COHORT_DISTRICT_BUILDINGS",
    "cohort_mask",
    "cohort_metrics",
    "level_factor",
    "widen_bounds",
    "z_of",
]

PRIOR_SD_LOG = 0.20  # [-] ln-scale prior sd of the new-building level factor (module docstring)
MIN_COHORT_DISTRICT_BUILDINGS = 5  # a cohort district counts for district errors from this many buildings
MIN_BOOTSTRAP_DISTRICTS = 5  # fewer districts in the cohort: bootstrap over buildings
N_BOOTSTRAP = 400


@dataclass(frozen=True)
class CohortRule:
    """Which training buildings form the newest cohort.

    Attributes
    ----------
    share : float
        The newest ``share`` of the usable training buildings with an approval year [-]
        (default 0.10), counted from the newest year down; every building of the boundary
        year is included.
    years : int or None
        Instead of ``share``: buildings completed in the last ``years`` years of the
        training data [years] (e.g. 10: 2015-2024 when the newest is 2024).
    min_buildings : int
        Fewer cohort buildings than this [buildings] means no check: the level factor is 1
        and intervals are widened by ``prior_sd_log`` (default 50).
    prior_sd_log : float
        tau, the prior sd of ln(level factor) [-] (default :data:`PRIOR_SD_LOG`).
    """

    share: float = 0.10
    years: int | None = None
    min_buildings: int = 50
    prior_sd_log: float = PRIOR_SD_LOG

    def __post_init__(self):
        if not 0.01 <= self.share <= 0.5:
            raise ParameterError("newest_cohort.share", self.share, "[0.01, 0.5]")
        if self.years is not None and not 1 <= int(self.years) <= 50:
            raise ParameterError("newest_cohort.years", self.years, "1..50 [years]")
        if not 10 <= int(self.min_buildings) <= 100_000:
            raise ParameterError("newest_cohort.min_buildings", self.min_buildings, "10..100000 [buildings]")
        if not 0.01 <= self.prior_sd_log <= 1.0:
            raise ParameterError("newest_cohort.prior_sd_log", self.prior_sd_log, "[0.01, 1.0]")

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        what = (f"buildings completed in the last {self.years} years of the training data" if self.years
                else f"the newest {self.share:.0%} of the training buildings by approval year")
        return f"{what}, at least {self.min_buildings} buildings"

    def describe_ko(self) -> str:
        what = (f"학습 자료의 최근 {self.years}년 사이 사용승인 건축물" if self.years
                else f"사용승인일이 가장 최근인 건축물 {self.share:.0%}")
        return f"{what}, 최소 {self.min_buildings}동"


DEFAULT_RULE = CohortRule()


def cohort_mask(years, rule: CohortRule = DEFAULT_RULE) -> tuple[float | None, np.ndarray]:
    """(first cohort year, mask of cohort rows) over training rows' approval years [year].

    Rows without a year are never in the cohort. The cohort never takes more than half of the
    rows with a year (a training table whose buildings are mostly of one year has no "newest").
    Returns ``(None, all False)`` when no row has a year.
    """
    y = np.asarray(years, dtype=float)
    known = np.isfinite(y)
    if not known.any():
        return None, np.zeros(len(y), dtype=bool)
    if rule.years:
        first = float(np.nanmax(y)) - int(rule.years) + 1
    else:
        k = max(1, math.ceil(rule.share * int(known.sum())))
        first = float(np.sort(y[known])[-k])
    mask = known & (y >= first)
    if mask.sum() > 0.5 * known.sum():
        first = first + 1
        mask = known & (y >= first)
    return first, mask


def z_of(level: float) -> float:
    """Two-sided normal quantile for ``level`` [-] (1.645 at 0.90)."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def _district_log_ratios(y, p, districts) -> np.ndarray:
    t = pd.DataFrame({"y": y, "p": p, "d": np.asarray(districts, dtype=object)})
    s = t.groupby("d").agg(y=("y", "sum"), p=("p", "sum"), n=("y", "size"))
    s = s[(s.n >= MIN_COHORT_DISTRICT_BUILDINGS) & (s.y > 0) & (s.p > 0)]
    return np.log(s.y / s.p).to_numpy()


def cohort_metrics(observed, predicted, districts, lower=None, upper=None) -> dict:
    """Errors on the cohort: total ratio, building WAPE, district errors, interval coverage.

    ``total_ratio`` = sum(predicted) / sum(observed) [-] (1.20: the forecast is 20% high);
    ``district_median_ape`` over cohort districts with >= :data:`MIN_COHORT_DISTRICT_BUILDINGS`
    buildings (NaN when none); ``interval_coverage`` when bounds are given.
    """
    y = np.asarray(observed, dtype=float)
    p = np.asarray(predicted, dtype=float)
    ok = np.isfinite(y) & np.isfinite(p)
    y, p, d = y[ok], p[ok], np.asarray(districts, dtype=object)[ok]
    total = float(y.sum())
    logs = _district_log_ratios(y, p, d)
    out = {
        "n_buildings": int(len(y)),
        "total_ratio": float(p.sum() / total) if total > 0 else float("nan"),
        "wape": float(np.abs(p - y).sum() / total) if total > 0 else float("nan"),
        "n_districts": int(len(logs)),
        "district_median_ape": float(np.median(np.abs(np.exp(-logs) - 1))) if len(logs) else float("nan"),
    }
    if lower is not None:
        lo, hi = np.asarray(lower, dtype=float)[ok], np.asarray(upper, dtype=float)[ok]
        out["interval_coverage"] = float(np.mean((y >= lo) & (y <= hi))) if len(y) else float("nan")
    return out


def _bootstrap_se(y, p, districts, seed: int) -> float:
    """Standard error of ln(sum y / sum p) by resampling whole districts (or buildings)."""
    rng = np.random.default_rng(seed)
    d = np.asarray(districts, dtype=object)
    groups = [np.flatnonzero(d == k) for k in pd.unique(d)]
    if len(groups) < MIN_BOOTSTRAP_DISTRICTS:
        groups = [np.array([i]) for i in range(len(y))]
    stats = []
    for _ in range(N_BOOTSTRAP):
        pick = np.concatenate([groups[i] for i in rng.integers(0, len(groups), len(groups))])
        sp = p[pick].sum()
        if sp > 0 and y[pick].sum() > 0:
            stats.append(math.log(y[pick].sum() / sp))
    return float(np.std(stats, ddof=1)) if len(stats) > 1 else float("inf")


def level_factor(observed, predicted, districts, prior_sd_log: float = PRIOR_SD_LOG, seed: int = 0) -> dict:
    """The new-building level factor from the cohort check, shrunk toward 1 (module docstring).

    Returns
    -------
    dict
        ``raw`` = sum(observed) / sum(predicted) [-]; ``se_log`` its bootstrap standard error
        on the log scale; ``weight`` w in [0, 1]; ``factor`` = exp(w ln raw) [-], the one applied;
        ``sd_log`` = sqrt(w) se_log, the uncertainty that remains [-]; ``prior_sd_log``.
    """
    y = np.asarray(observed, dtype=float)
    p = np.asarray(predicted, dtype=float)
    ok = np.isfinite(y) & np.isfinite(p) & (p > 0)
    y, p, d = y[ok], p[ok], np.asarray(districts, dtype=object)[ok]
    raw = float(y.sum() / p.sum())
    se = _bootstrap_se(y, p, d, seed)
    tau2 = prior_sd_log ** 2
    w = tau2 / (tau2 + se ** 2) if math.isfinite(se) else 0.0
    return {"raw": raw, "se_log": se, "weight": w, "factor": math.exp(w * math.log(raw)),
            "sd_log": math.sqrt(w) * se if math.isfinite(se) else prior_sd_log, "prior_sd_log": prior_sd_log}


def widen_bounds(lo: float, hi: float, sd_log: float, level: float) -> tuple[float, float]:
    """Log-scale bounds (lo <= 0 <= hi expected) widened in quadrature by ``z(level) x sd_log``."""
    extra = (z_of(level) * sd_log) ** 2
    return (-math.sqrt(min(lo, 0.0) ** 2 + extra) + max(lo, 0.0),
            math.sqrt(max(hi, 0.0) ** 2 + extra) + min(hi, 0.0))


# --------------------------------------------------------------------------- the check itself
MIN_OLD_BUILDINGS = 30  # the buildings before the cohort must be at least this many to train on


def per_type_median_flow(train: pd.DataFrame, test: pd.DataFrame, type_column: str = "main_use",
                         observed_column: str = "observed_m3_per_day") -> np.ndarray:
    """Median observed intensity [m3/(m2 d)] per type in ``train`` x floor area of ``test`` [m3/d].

    The plain baseline every ML claim is compared with. Types unseen in ``train`` take the
    median over all of ``train``.
    """
    inten = train[observed_column] / train["floor_area_m2"]
    med = inten.groupby(train[type_column]).median()
    rate = test[type_column].map(med).fillna(inten.median()).to_numpy(dtype=float)
    return rate * test["floor_area_m2"].to_numpy(dtype=float)


@dataclass
class CohortCheck:
    """The newest cohort of a training table and every candidate's forecast of it.

    ``rows``: positions (in the training table) of the usable cohort buildings; ``predictions``:
    {learner: [m3/d] per cohort row} from a model trained on the buildings completed before
    ``first_year``; ``metrics``: :func:`cohort_metrics` per learner and ``per_type_median``.
    ``checked`` is False when the cohort (or the buildings before it) is too small.
    """

    rule: CohortRule
    first_year: float | None
    last_year: float | None
    rows: np.ndarray
    checked: bool
    predictions: dict
    metrics: dict

    @property
    def n_buildings(self) -> int:
        return int(len(self.rows))


def run_cohort_check(df: pd.DataFrame, X: pd.DataFrame, observed: np.ndarray, districts, idx_used: np.ndarray,
                     learners: list, seed: int, max_iter: int, rule: CohortRule = DEFAULT_RULE) -> CohortCheck:
    """Train each candidate on the buildings before the newest cohort and forecast the cohort.

    ``learners`` may hold the blend, which averages the candidates' forecasts (no extra fit).
    Location is clipped to the range of the older buildings, as in prediction.
    """
    from .learners import BLEND, CANDIDATES, clip_location, fit_learner, location_bounds, predict_learner

    years = X["approval_year"].to_numpy(dtype=float)[idx_used]
    first, mask = cohort_mask(years, rule)
    rows, old = idx_used[mask], idx_used[~mask]
    last = float(np.nanmax(years)) if np.isfinite(years).any() else None
    checked = len(rows) >= rule.min_buildings and len(old) >= MIN_OLD_BUILDINGS
    if not checked:
        return CohortCheck(rule, first, last, rows, False, {}, {})
    y, d = observed[rows], np.asarray(districts, dtype=object)[rows]
    X_new = clip_location(X.iloc[rows], location_bounds(X.iloc[old]))
    preds = {}
    for name in [n for n in learners if n != BLEND]:
        est, corr = fit_learner(name, X.iloc[old], observed[old], seed, max_iter)
        preds[name] = predict_learner(est, name, corr, X_new)
    if BLEND in learners:
        preds[BLEND] = np.mean([preds[n] for n in CANDIDATES], axis=0)
    metrics = {name: cohort_metrics(y, p, d) for name, p in preds.items()}
    baseline = per_type_median_flow(df.iloc[old].assign(observed_m3_per_day=observed[old]),
                                    df.iloc[rows]) if "main_use" in df.columns else None
    if baseline is not None:
        metrics["per_type_median"] = cohort_metrics(y, baseline, d)
    return CohortCheck(rule, first, last, rows, True, preds, metrics)


def cohort_score(metrics: dict) -> float:
    """A learner's error on the newest cohort: |ln total ratio| + district median APE (WAPE below 3 districts)."""
    spread = metrics["district_median_ape"] if metrics["n_districts"] >= 3 else metrics["wape"]
    return abs(math.log(metrics["total_ratio"])) + spread


def _widened_intervals(q: dict, sd_log: float, level: float) -> dict:
    """Building ln-residual bounds (pooled and by category) widened by the level factor's sd."""
    out = dict(q)
    out["pooled"] = list(widen_bounds(*q["pooled"], sd_log, level))
    out["by_group"] = {k: list(widen_bounds(*v, sd_log, level)) for k, v in q["by_group"].items()}
    return out


def calibrate_new_buildings(check: CohortCheck, chosen: str, observed: np.ndarray, categories: np.ndarray,
                            districts, coverage: float, min_calibration: int, cv_intervals: dict,
                            cv_district_bounds: list, seed: int = 0) -> dict:
    """The new-building calibration a model carries (stored in the model file and its card).

    Checked cohort: level factor from the chosen learner's cohort forecast; building bounds
    conformal on the cohort's ln residuals after that factor (by category where a category
    has ``min_calibration`` cohort rows), then widened by the factor's remaining sd. Too small:
    factor 1 and the cross-validated bounds widened by the prior sd (module docstring).
    District-total bounds: the cross-validated ones widened by the same sd.
    """
    rule = check.rule
    rec = {"rule": rule.as_dict(), "rule_text": rule.describe(), "rule_text_ko": rule.describe_ko(),
           "checked": check.checked,
           "first_year": check.first_year, "last_year": check.last_year, "n_buildings": check.n_buildings,
           "new_from_year": (check.last_year + 1) if check.last_year is not None else None, "learner": chosen}
    if not check.checked:
        level = {"raw": None, "se_log": None, "weight": 0.0, "factor": 1.0, "sd_log": rule.prior_sd_log,
                 "prior_sd_log": rule.prior_sd_log}
        q = cv_intervals
    else:
        rows = check.rows
        y, p, d = observed[rows], check.predictions[chosen], np.asarray(districts, dtype=object)[rows]
        level = level_factor(y, p, d, rule.prior_sd_log, seed)
        q = calibrate_log_residuals(np.log(y / (p * level["factor"])), categories[rows], coverage, min_calibration)
        rec["metrics"] = check.metrics
        rec["n_districts"] = check.metrics[chosen]["n_districts"]
        rec["coverage_cv_intervals"] = _coverage(y, p, categories[rows], cv_intervals)
    rec["level"] = level
    rec["intervals"] = _widened_intervals(q, level["sd_log"], coverage)
    rec["district_log_ratio_bounds"] = list(widen_bounds(*cv_district_bounds, level["sd_log"], coverage))
    if check.checked:
        rec["coverage_new_intervals"] = _coverage(y, p * level["factor"], categories[rows], rec["intervals"])
    return rec


def _coverage(y, p, categories, q: dict) -> float:
    lo, hi = bounds_for(q, categories)
    return float(np.mean((y >= p * np.exp(lo)) & (y <= p * np.exp(hi))))
