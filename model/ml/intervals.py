"""Conformal calibration of prediction intervals (docs/ml.md, "Intervals").

Building level: cross-conformal ("CV+"-style) intervals on ln residuals. Out-of-fold
residuals r = ln(observed) - ln(predicted) come from the grouped cross-validation (held-out
districts); the lower and upper conformal quantiles of r, per category when the category
has at least ``min_calibration`` rows ("Mondrian"), otherwise pooled, give the interval
[point x exp(q_lo), point x exp(q_hi)].

District level: the same on ln(observed total / predicted total) of held-out districts.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["conformal_bounds", "attained_level", "calibrate_log_residuals", "bounds_for", "interval_coverage"]


def conformal_bounds(scores, coverage: float = 0.90) -> tuple[float, float, bool]:
    """Two-sided split-conformal quantiles of signed scores.

    Returns ``(q_lo, q_hi, exact)``. With n scores the upper bound is the
    ceil((n+1)(1-a/2))-th smallest score, a = 1 - coverage; when that rank exceeds n the
    largest score is used and ``exact`` is False (too few scores for the finite-sample
    guarantee; n >= 2/a - 1, i.e. 39 at 90%, is needed for it).
    """
    s = np.sort(np.asarray(scores, dtype=float)[np.isfinite(scores)])
    n = len(s)
    if n == 0:
        return float("-inf"), float("inf"), False
    a = 1.0 - coverage
    k_hi = math.ceil((n + 1) * (1 - a / 2) - 1e-9)  # guard 0.1/2*100 = 4.9999...
    k_lo = math.floor((n + 1) * (a / 2) + 1e-9)
    exact = 1 <= k_lo and k_hi <= n
    hi = s[min(k_hi, n) - 1]
    lo = s[max(k_lo, 1) - 1]
    return float(lo), float(hi), bool(exact)


def attained_level(n: int, coverage: float = 0.90) -> float:
    """Coverage [-] that :func:`conformal_bounds` guarantees with ``n`` calibration scores.

    Notes
    -----
    With exchangeable scores the new score's rank among n + 1 is uniform, so the interval
    between the k_lo-th and k_hi-th smallest scores covers it with probability at least
    (k_hi - k_lo) / (n + 1) (ranks clipped to 1..n as in :func:`conformal_bounds`). This equals or
    exceeds ``coverage`` when n >= 2 / (1 - coverage) - 1 (19 at 90%); with 8 districts it is
    7 / 9 = 0.78, which is what a report must state instead of "90%".
    """
    if n < 2:
        return 0.0
    a = 1.0 - coverage
    k_hi = min(math.ceil((n + 1) * (1 - a / 2) - 1e-9), n)
    k_lo = max(math.floor((n + 1) * (a / 2) + 1e-9), 1)
    return max(k_hi - k_lo, 0) / (n + 1)


def calibrate_log_residuals(log_residuals, groups, coverage=0.90, min_calibration=30) -> dict:
    """Mondrian conformal quantiles of ln residuals by group, with a pooled fallback.

    Returns ``{"pooled": [lo, hi], "by_group": {g: [lo, hi]}, "n": {g: n}, "exact": bool}``.
    """
    r = np.asarray(log_residuals, dtype=float)
    g = np.asarray(groups, dtype=object)
    lo, hi, exact = conformal_bounds(r, coverage)
    out = {"pooled": [lo, hi], "by_group": {}, "n": {}, "exact": exact, "coverage": coverage}
    for key in sorted({x for x in g if isinstance(x, str)}):
        m = g == key
        out["n"][key] = int(m.sum())
        if m.sum() >= min_calibration:
            glo, ghi, _ = conformal_bounds(r[m], coverage)
            out["by_group"][key] = [glo, ghi]
    return out


def interval_coverage(observed, lower, upper) -> float:
    """Share of observed values inside [lower, upper] [-]."""
    o, lo, hi = (np.asarray(x, dtype=float) for x in (observed, lower, upper))
    ok = np.isfinite(o)
    return float(np.mean((o[ok] >= lo[ok]) & (o[ok] <= hi[ok])))


def bounds_for(q: dict, categories) -> tuple[np.ndarray, np.ndarray]:
    """Per-row ln bounds from a calibration record (its category's, else pooled)."""
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(categories, dtype=object), use_na_sentinel=False)
    pairs = np.array([q["by_group"].get(c, q["pooled"]) if isinstance(c, str) else q["pooled"] for c in uniques],
                     dtype=float).reshape(-1, 2)  # each distinct category looked up once (issue 25)
    return pairs[codes, 0], pairs[codes, 1]
