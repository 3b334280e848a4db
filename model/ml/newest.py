"""The newest-cohort check: validate, select and calibrate on the newest buildings (docs/ml.md).

A new town is made of buildings newer than any the model learned from. Random or district
splits mix old and new buildings, so they never test that step. This check does it the way
the tool is used, on the training data's own newest buildings (by approval year, 사용승인일):
at rolling origins ``Ymax - k`` (k in ``CohortRule.years``, default 15, 10 and 5 years before
the newest approval year Ymax) each candidate learner is trained on the buildings completed up
to the origin and forecasts the buildings completed after it. The errors of those checks

- take part in the learner choice (``train._choose``: :func:`cohort_score`),
- give a **level factor** for buildings newer than the training data: the mean over the checks
  of ln(sum observed / sum predicted), shrunk toward 1 by its sampling error (below),
- calibrate the building intervals of new buildings (conformal on the checks' residuals after
  the factor), and
- widen the building, district and town intervals of new buildings by the factor's remaining
  uncertainty, so the need distribution behind the sizing decision carries this error.

Why several origins (docs/ml.md, "The newest-cohort check", has the evidence): on NYC LL84 2016
a single newest cohort gave factors from 0.72 to 1.11 depending on where it started, most of it
from refitting the model rather than from sampling districts; the mean of three checks was the
most stable rule on the data's own origins, and with the completion year given to the trees in
5-year classes (``features.YEAR_CLASS_YEARS``) the newest leaf holds a whole class of buildings.

Level factor
------------
ln b = mean_k ln(sum y_k / sum p_k) over the checks that ran. Two uncertainties:

- sampling: the district-cluster bootstrap standard error of each check (whole districts
  resampled; over buildings when a check has fewer than :data:`MIN_BOOTSTRAP_DISTRICTS`),
  se_s = sqrt(mean_k se_k^2 / K) for the mean;
- model: the spread between the checks, var_b (with one check: ``fallback_sd_log``^2).

The factor is shrunk toward 1 against the *sampling* error only (a small cohort says little):
w = tau^2 / (tau^2 + se_s^2), ln factor = w ln b, tau = ``prior_sd_log``. Shrinking against the
between-check spread as well was worse on the data's own origins (it discounted the factor
exactly where the checks agreed on it). The uncertainty carried into the intervals is the sd of
one check's ratio, sd = sqrt(mean_k se_k^2 + var_b) (not divided by K: the next step, to the new
town, is one more draw of the same kind).

When no check can run (fewer than ``min_buildings`` buildings after every origin, or fewer than
``min_older`` before it), the factor is 1 and the sd is ``fallback_sd_log`` = 0.25: every interval
of a new building, district and town is widened by it instead of printing a confident
probability, and the reports say the check could not be run. 0.25 is the largest spread
between checks seen on NYC LL84 2016 (ln scale).

Intervals are widened in quadrature on the log scale: a bound q becomes sign(q) sqrt(q^2 + (z sd)^2),
z the normal quantile of the interval's level.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .intervals import bounds_for, calibrate_log_residuals

__all__ = [
    "CohortRule",
    "DEFAULT_RULE",
    "MIN_COHORT_DISTRICT_BUILDINGS",
    "Check",
    "cohort_metrics",
    "level_factor",
    "widen_bounds",
    "z_of",
    "per_type_median_flow",
    "run_checks",
    "cohort_score",
    "calibrate_new_buildings",
]

MIN_COHORT_DISTRICT_BUILDINGS = 5  # a district counts for district errors from this many buildings
MIN_BOOTSTRAP_DISTRICTS = 5  # fewer districts in a check: bootstrap over buildings
N_BOOTSTRAP = 200


@dataclass(frozen=True)
class CohortRule:
    """The rolling origins of the newest-cohort check.

    Attributes
    ----------
    years : tuple of int
        Origins ``Ymax - k`` [years before the newest approval year of the training data]
        (default 15, 10 and 5). Each check trains on the buildings completed up to its origin
        and forecasts those completed after it.
    min_buildings : int
        A check runs only with at least this many buildings after its origin [buildings] (30).
    min_older : int
        ... and this many before it [buildings] (200).
    prior_sd_log : float
        tau, the prior sd of ln(level factor) [-] against which a small check is shrunk (0.20:
        the vintage steps seen in public benchmarking data, NYC multifamily 5.9 -> 4.7 L/(m2 d)
        for buildings completed after 2005, ln = -0.23; a second US city's cohorts -0.11 to -0.21).
    fallback_sd_log : float
        The level sd when no check can run, or the between-check spread with one check [-] (0.25).
    """

    years: tuple = (15, 10, 5)
    min_buildings: int = 30
    min_older: int = 200
    prior_sd_log: float = 0.20
    fallback_sd_log: float = 0.25

    def __post_init__(self):
        years = tuple(int(k) for k in self.years) if isinstance(self.years, (list, tuple)) else ()
        if not years or len(years) > 10 or any(not 1 <= k <= 50 for k in years):
            raise ParameterError("newest_cohort.years", self.years, "1 to 10 whole numbers of years, each 1..50")
        object.__setattr__(self, "years", tuple(sorted(set(years), reverse=True)))
        if not 10 <= int(self.min_buildings) <= 100_000:
            raise ParameterError("newest_cohort.min_buildings", self.min_buildings, "10..100000 [buildings]")
        if not 10 <= int(self.min_older) <= 1_000_000:
            raise ParameterError("newest_cohort.min_older", self.min_older, "10..1000000 [buildings]")
        for name in ("prior_sd_log", "fallback_sd_log"):
            if not 0.01 <= getattr(self, name) <= 1.0:
                raise ParameterError(f"newest_cohort.{name}", getattr(self, name), "[0.01, 1.0]")

    def as_dict(self) -> dict:
        return {"years": list(self.years), "min_buildings": self.min_buildings, "min_older": self.min_older,
                "prior_sd_log": self.prior_sd_log, "fallback_sd_log": self.fallback_sd_log}

    def describe(self) -> str:
        ks = ", ".join(str(k) for k in self.years)
        return (f"trained on the buildings completed up to {ks} years before the newest approval year, "
                f"forecasting those completed after (each check at least {self.min_buildings} buildings after "
                f"and {self.min_older} before)")

    def describe_ko(self) -> str:
        ks = "·".join(str(k) for k in self.years)
        return (f"가장 최근 사용승인 연도보다 {ks}년 앞선 해까지 준공된 건축물로 학습해 그 뒤 준공 건축물을 예측"
                f"(검증마다 뒤 {self.min_buildings}동, 앞 {self.min_older}동 이상)")


DEFAULT_RULE = CohortRule()


def z_of(level: float) -> float:
    """Two-sided normal quantile for ``level`` [-] (1.645 at 0.90)."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def _district_log_ratios(y, p, districts) -> np.ndarray:
    t = pd.DataFrame({"y": y, "p": p, "d": np.asarray(districts, dtype=object)})
    s = t.groupby("d").agg(y=("y", "sum"), p=("p", "sum"), n=("y", "size"))
    s = s[(s.n >= MIN_COHORT_DISTRICT_BUILDINGS) & (s.y > 0) & (s.p > 0)]
    return np.log(s.y / s.p).to_numpy()


def cohort_metrics(observed, predicted, districts, lower=None, upper=None) -> dict:
    """Errors on new buildings: total ratio, building WAPE, district errors, interval coverage.

    ``total_ratio`` = sum(predicted) / sum(observed) [-] (1.20: the forecast is 20% high);
    ``district_median_ape`` over districts with >= :data:`MIN_COHORT_DISTRICT_BUILDINGS`
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
        sp, sy = p[pick].sum(), y[pick].sum()
        if sp > 0 and sy > 0:
            stats.append(math.log(sy / sp))
    return float(np.std(stats, ddof=1)) if len(stats) > 1 else float("inf")


def widen_bounds(lo: float, hi: float, sd_log: float, level: float) -> tuple[float, float]:
    """Log-scale bounds (lo <= 0 <= hi expected) widened in quadrature by ``z(level) x sd_log``."""
    extra = (z_of(level) * sd_log) ** 2
    return (-math.sqrt(min(lo, 0.0) ** 2 + extra) + max(lo, 0.0),
            math.sqrt(max(hi, 0.0) ** 2 + extra) + min(hi, 0.0))


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


# --------------------------------------------------------------------------- the checks
@dataclass
class Check:
    """One rolling-origin check: the buildings completed after ``origin`` forecast from those up to it.

    ``rows``: positions (in the training table) of the usable buildings after the origin;
    ``predictions``: {learner: [m3/d] per row}; ``metrics``: :func:`cohort_metrics` per learner
    and for ``per_type_median``.
    """

    years_before: int
    origin: float
    rows: np.ndarray
    n_older: int
    predictions: dict
    metrics: dict


@dataclass
class CheckSet:
    """All checks that ran for a training table (possibly none) and what they cover."""

    rule: CohortRule
    newest_year: float | None
    checks: list

    @property
    def checked(self) -> bool:
        return bool(self.checks)

    @property
    def rows(self) -> np.ndarray:
        """Every usable building checked at least once (those after the earliest origin that ran)."""
        return self.checks[0].rows if self.checks else np.zeros(0, dtype=int)

    @property
    def first_year(self) -> float | None:
        return self.checks[0].origin + 1 if self.checks else None

    def learner_metrics(self, name: str) -> dict:
        """A learner's errors over the checks (pooled total ratio, WAPE, mean district error) and its score.

        ``score`` validates the learner *with* its level correction the way it is used: the factor
        from the earlier checks is applied to the newest check (the one nearest the new town), and
        the error that is left, |ln total ratio| + district median APE (WAPE below 3 districts),
        is the score. With one check: that check's uncorrected error.
        """
        parts = [c.metrics[name] for c in self.checks]
        ln_ratio = float(np.mean([math.log(m["total_ratio"]) for m in parts]))
        y = np.concatenate([_observed_of(c) for c in self.checks])
        p = np.concatenate([c.predictions[name] for c in self.checks])
        dape = [m["district_median_ape"] for m in parts if np.isfinite(m["district_median_ape"])]
        return {"n_checks": len(parts), "n_buildings": int(self.rows.size), "total_ratio": math.exp(ln_ratio),
                "wape": float(np.abs(p - y).sum() / y.sum()),
                "district_median_ape": float(np.mean(dape)) if dape else float("nan"),
                "n_districts": int(max(m["n_districts"] for m in parts)), "score": self._score(name)}

    def _score(self, name: str) -> float:
        if len(self.checks) < 2:
            return _check_score(self.checks[0].metrics[name])
        earlier, newest = self.checks[:-1], self.checks[-1]
        factor = math.exp(-float(np.mean([math.log(c.metrics[name]["total_ratio"]) for c in earlier])))
        corrected = cohort_metrics(newest.metrics["_observed"], newest.predictions[name] * factor,
                                   newest.metrics["_districts"])
        return _check_score(corrected)


def _observed_of(check: Check) -> np.ndarray:
    return check.metrics["_observed"]


def _check_score(m: dict) -> float:
    spread = m["district_median_ape"] if m["n_districts"] >= 3 else m["wape"]
    return abs(math.log(m["total_ratio"])) + spread


def _check_rows(X, used_years, idx, k, newest):
    """(origin year, rows up to it, rows after it, the latter's features clipped to the former's range)."""
    from .learners import clip_to_training

    origin = newest - k
    old, new = idx[used_years <= origin], idx[used_years > origin]
    return origin, old, new, clip_to_training(X.iloc[new], X.iloc[old])


def _check_jobs(X, observed, rows, learners, seed, max_iter) -> list:
    """The fits of one check (:func:`.learners.fit_predict` jobs): each candidate on the older buildings."""
    from .learners import BLEND

    _, old, _, X_new = rows
    return [(name, X.iloc[old], observed[old], X_new, seed, max_iter) for name in learners if name != BLEND]


def _one_check(df, observed, districts, rows, k, learners, predicted: list) -> Check:
    """A check from its candidates' forecasts of the buildings after ``newest - k`` (``predicted``, in
    the order of :func:`_check_jobs`)."""
    from .learners import BLEND, CANDIDATES

    origin, old, new, _ = rows
    y, d = observed[new], np.asarray(districts, dtype=object)[new]
    preds = dict(zip([n for n in learners if n != BLEND], predicted))
    if BLEND in learners:
        preds[BLEND] = np.mean([preds[n] for n in CANDIDATES], axis=0)
    metrics = {name: cohort_metrics(y, p, d) for name, p in preds.items()}
    if "main_use" in df.columns:
        base = per_type_median_flow(df.iloc[old].assign(observed_m3_per_day=observed[old]), df.iloc[new])
        metrics["per_type_median"] = cohort_metrics(y, base, d)
        preds["per_type_median"] = base
    metrics["_observed"], metrics["_districts"] = y, d
    return Check(k, origin, new, int(len(old)), preds, metrics)


def run_checks(df: pd.DataFrame, X: pd.DataFrame, observed: np.ndarray, districts, idx_used: np.ndarray,
               learners: list, seed: int, max_iter: int, rule: CohortRule = DEFAULT_RULE,
               years=None) -> CheckSet:
    """The rolling-origin checks of a training table (those with too few buildings are skipped).

    ``years``: approval years [year] per row of the table (default ``df["approval_year"]``);
    rows without a year, or with one after next year (a typo in an existing building's date),
    take part in no check. ``learners`` may hold the blend (the mean of the
    candidates' forecasts, no extra fit).
    """
    if years is None:
        years = pd.to_numeric(df["approval_year"], errors="coerce") if "approval_year" in df.columns else None
    y_all = np.full(len(df), np.nan) if years is None else np.asarray(years, dtype=float)
    # an existing building "completed" after next year is a typo, not the newest building: no check uses it
    y_all = np.where(y_all <= _dt.date.today().year + 1, y_all, np.nan)
    idx = idx_used[np.isfinite(y_all[idx_used])]
    if not len(idx):
        return CheckSet(rule, None, [])
    used_years = y_all[idx]
    newest = float(used_years.max())
    ks = [k for k in rule.years  # oldest origin first
          if int((used_years > newest - k).sum()) >= rule.min_buildings
          and int((used_years <= newest - k).sum()) >= rule.min_older]
    rows = {k: _check_rows(X, used_years, idx, k, newest) for k in ks}
    jobs = {k: _check_jobs(X, observed, rows[k], learners, seed, max_iter) for k in ks}
    from .learners import fit_predict_many

    predicted = iter(fit_predict_many([job for k in ks for job in jobs[k]]))  # every check's fits at once
    checks = [_one_check(df, observed, districts, rows[k], k, learners, [next(predicted) for _ in jobs[k]])
              for k in ks]
    return CheckSet(rule, newest, checks)


def cohort_score(metrics: dict) -> float:
    """A learner's error on the newest buildings with its level correction (``CheckSet.learner_metrics``)."""
    return metrics["score"]


# --------------------------------------------------------------------------- calibration
def level_factor(checks: CheckSet, learner: str, seed: int = 0) -> dict:
    """The new-building level factor from the checks (module docstring, "Level factor").

    Returns
    -------
    dict
        ``raw`` = exp(mean ln(sum observed / sum predicted)) [-]; ``per_check`` {years before:
        factor}; ``se_sampling``, ``sd_between`` and ``sd_log`` (the uncertainty carried into
        the intervals) on the log scale; ``weight`` w; ``factor`` = exp(w ln raw) [-], the one
        applied; ``prior_sd_log``.
    """
    rule = checks.rule
    if not checks.checked:
        return {"raw": None, "per_check": {}, "se_sampling": None, "sd_between": None, "weight": 0.0,
                "factor": 1.0, "sd_log": rule.fallback_sd_log, "prior_sd_log": rule.prior_sd_log}
    lns, boots = [], []
    for c in checks.checks:
        y, p = c.metrics["_observed"], c.predictions[learner]
        lns.append(math.log(y.sum() / p.sum()))
        boots.append(_bootstrap_se(y, p, np.asarray(_districts_of(c), dtype=object), seed))
    lns, boots = np.array(lns), np.array(boots)
    between = float(np.var(lns, ddof=1)) if len(lns) > 1 else rule.fallback_sd_log ** 2
    se_s = float(math.sqrt(np.mean(boots ** 2) / len(lns)))
    w = rule.prior_sd_log ** 2 / (rule.prior_sd_log ** 2 + se_s ** 2) if math.isfinite(se_s) else 0.0
    ln_raw = float(np.mean(lns))
    return {"raw": math.exp(ln_raw), "per_check": {str(c.years_before): math.exp(v) for c, v in zip(checks.checks, lns)},
            "se_sampling": se_s, "sd_between": math.sqrt(between), "weight": w, "factor": math.exp(w * ln_raw),
            "sd_log": float(math.sqrt(np.mean(boots ** 2) + between)) if math.isfinite(se_s) else rule.fallback_sd_log,
            "prior_sd_log": rule.prior_sd_log}


def _districts_of(check: Check) -> np.ndarray:
    return check.metrics["_districts"]


def _widened_intervals(q: dict, sd_log: float, level: float) -> dict:
    """Building ln-residual bounds (pooled and by category) widened by the level factor's sd."""
    out = dict(q)
    out["pooled"] = list(widen_bounds(*q["pooled"], sd_log, level))
    out["by_group"] = {k: list(widen_bounds(*v, sd_log, level)) for k, v in q["by_group"].items()}
    return out


def _coverage(y, p, categories, q: dict) -> float:
    lo, hi = bounds_for(q, categories)
    return float(np.mean((y >= p * np.exp(lo)) & (y <= p * np.exp(hi))))


def _public_metrics(checks: CheckSet) -> dict:
    """Per learner (and the per-type median): errors over the checks, and each check's own."""
    names = [n for n in checks.checks[0].metrics if not n.startswith("_")]
    out = {}
    for name in names:
        out[name] = {**checks.learner_metrics(name),
                     "by_check": {str(c.years_before): {k: v for k, v in c.metrics[name].items()}
                                  for c in checks.checks}}
    return out


def calibrate_new_buildings(checks: CheckSet, chosen: str, observed: np.ndarray, categories: np.ndarray,
                            coverage: float, min_calibration: int, cv_intervals: dict,
                            cv_district_bounds: list, seed: int = 0) -> dict:
    """The new-building calibration a model carries (stored in the model file and its card).

    Checks ran: level factor from the chosen learner's forecasts; building bounds conformal on
    the pooled checks' ln residuals after that factor (by category where a category has
    ``min_calibration`` residuals), then widened by the factor's sd. No check: factor 1 and the
    cross-validated bounds widened by ``fallback_sd_log`` (module docstring). District-total
    bounds: the cross-validated ones widened by the same sd.
    """
    rule = checks.rule
    rec = {"rule": rule.as_dict(), "rule_text": rule.describe(), "rule_text_ko": rule.describe_ko(),
           "checked": checks.checked, "first_year": checks.first_year, "last_year": checks.newest_year,
           "n_buildings": int(checks.rows.size),
           "new_from_year": (checks.newest_year + 1) if checks.newest_year is not None else None, "learner": chosen}
    level = level_factor(checks, chosen, seed)
    if checks.checked:
        y = np.concatenate([c.metrics["_observed"] for c in checks.checks])
        p = np.concatenate([c.predictions[chosen] for c in checks.checks])
        cats = np.concatenate([categories[c.rows] for c in checks.checks])
        q = calibrate_log_residuals(np.log(y / (p * level["factor"])), cats, coverage, min_calibration)
        rec["checks"] = [{"years_before": c.years_before, "origin": c.origin, "n_buildings": int(c.rows.size),
                          "n_older": c.n_older} for c in checks.checks]
        rec["metrics"] = _public_metrics(checks)
        rec["n_districts"] = rec["metrics"][chosen]["n_districts"]
        rec["coverage_cv_intervals"] = _coverage(y, p, cats, cv_intervals)
    else:
        q = cv_intervals
    rec["level"] = level
    rec["intervals"] = _widened_intervals(q, level["sd_log"], coverage)
    rec["district_log_ratio_bounds"] = list(widen_bounds(*cv_district_bounds, level["sd_log"], coverage))
    if checks.checked:
        rec["coverage_new_intervals"] = _coverage(y, p * level["factor"], cats, rec["intervals"])
    return rec
