"""Household-size mix by year: a multinomial-logit trend fitted to the census shares.

Planners hold persons per household at 2.6 while the census mean fell from 2.34 (2020) to
2.21 (2023) and 1-person households rose from 28.6% (2017) to 35.5% (2023). A scenario
therefore carries a household-size mix per year; by default it is this trend.

The trend
---------
Shares of 1, 2, 3, 4 and 5+ person households, ``s_k(t)``, follow a multinomial logit
that is linear in time (1-person households as the reference class):

    s_k(t) = exp(a_k + b_k (t - 2020)) / sum_j exp(a_j + b_j (t - 2020)),  a_1 = b_1 = 0

so every year's mix is positive and sums to one, and each log share ratio
``ln(s_k / s_1)`` moves linearly in time. The eight coefficients are fitted by least
squares to every census share published (``model/data/kr_household_size_distribution.csv``:
2017, 2020, 2022, 2023), the 2022 census giving only the combined 4+ share, which is fitted
as ``s_4 + s_5``. The fit reproduces every published share within 0.3 percentage points.

Extrapolating a 6-year trend far ahead is a choice, not a forecast: with the default
trend the 1-person share reaches about 49% by 2035 (mean size 1.81). Use ``hold_after`` to freeze the mix
after a year, or give the mix per year yourself (:func:`mix_from_table`).

References
----------
Statistics Korea, Population and Housing Census 2017, 2020, 2022 and 2023 (household size
distribution), as reported (see the source column of the data file).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = [
    "HH_SHARE_COLUMNS",
    "HOUSEHOLD_SIZES",
    "HouseholdTrend",
    "census_household_shares",
    "latest_census_year",
    "fit_household_trend",
    "default_household_trend",
    "household_mix",
    "mix_from_table",
    "mean_household_size",
]

HH_SHARE_COLUMNS = ["hh_share_1", "hh_share_2", "hh_share_3", "hh_share_4", "hh_share_5plus"]
#: Persons per household of each class; 5+ counted as 5.5 (as in the ML features).
HOUSEHOLD_SIZES = np.array([1.0, 2.0, 3.0, 4.0, 5.5])
_CENSUS_FILE = "kr_household_size_distribution.csv"
_CENSUS_COLUMNS = ["share_1_person", "share_2_person", "share_3_person", "share_4_person", "share_5plus_person"]
_T0 = 2020.0


@lru_cache(maxsize=1)
def _census_text() -> str:
    return resources.files("sewerplan.model").joinpath("data", _CENSUS_FILE).read_text(encoding="utf-8")


def census_household_shares() -> pd.DataFrame:
    """Census household-size shares [-] by year, as published (NaN where not published).

    Returns
    -------
    DataFrame
        ``year``, ``hh_share_1`` .. ``hh_share_5plus``, ``hh_share_4plus`` (the combined 4+
        share, published alone in 2022), ``mean_household_size`` [persons/household], ``source``.
    """
    raw = pd.read_csv(StringIO(_census_text()))
    out = pd.DataFrame({"year": raw["census_year"].astype(int)})
    for col, census in zip(HH_SHARE_COLUMNS, _CENSUS_COLUMNS):
        out[col] = raw[census].astype(float)
    four_plus = out["hh_share_4"] + out["hh_share_5plus"]
    # 2022: only 1, 2, 3 are published; 4+ is the remainder (the source gives 0.176 = 1 - 0.825 - rounding)
    remainder = 1.0 - out[["hh_share_1", "hh_share_2", "hh_share_3"]].sum(axis=1)
    out["hh_share_4plus"] = four_plus.fillna(remainder)
    out["mean_household_size"] = raw["mean_household_size"].astype(float)
    out["source"] = raw["source"]
    return out


@lru_cache(maxsize=1)
def latest_census_year() -> int:
    """The latest census year of the shipped shares (read once per process)."""
    return int(census_household_shares()["year"].max())


def _softmax_shares(coef: np.ndarray, years) -> np.ndarray:
    t = np.asarray(years, dtype=float) - _T0
    a, b = coef[:4], coef[4:]
    logits = np.column_stack([np.zeros_like(t)] + [a[k] + b[k] * t for k in range(4)])
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class HouseholdTrend:
    """A fitted multinomial-logit trend of household-size shares.

    Attributes
    ----------
    intercepts, slopes : tuple of float
        ``a_k`` [-] and ``b_k`` [1/yr] for 2, 3, 4 and 5+ person households against 1-person
        households, time measured from 2020.
    fitted_years : tuple of int
        Census years the trend was fitted to.
    max_abs_error : float
        Largest |fitted - published| share over the census points [-].
    hold_after : int or None
        Year after which the mix is held constant (None: the trend continues).
    """

    intercepts: tuple
    slopes: tuple
    fitted_years: tuple
    max_abs_error: float
    hold_after: int | None = None

    def shares(self, years) -> pd.DataFrame:
        """Household-size shares [-] for the given years (rows sum to 1).

        Returns
        -------
        DataFrame
            ``year``, ``hh_share_1`` .. ``hh_share_5plus``, ``mean_household_size``
            [persons/household, 5+ counted as 5.5].
        """
        y = np.atleast_1d(np.asarray(years, dtype=float))
        if self.hold_after is not None:
            y_eval = np.minimum(y, float(self.hold_after))
        else:
            y_eval = y
        s = _softmax_shares(np.array(self.intercepts + self.slopes), y_eval)
        out = pd.DataFrame(s, columns=HH_SHARE_COLUMNS)
        out.insert(0, "year", y.astype(int))
        out["mean_household_size"] = s @ HOUSEHOLD_SIZES
        return out

    def with_hold_after(self, year: int | None) -> "HouseholdTrend":
        """The same trend, held constant after ``year``."""
        from dataclasses import replace

        return replace(self, hold_after=None if year is None else int(year))


def fit_household_trend(census: pd.DataFrame | None = None) -> HouseholdTrend:
    """Fit the multinomial-logit trend to census shares (see the module notes).

    Parameters
    ----------
    census : DataFrame, optional
        Columns ``year``, ``hh_share_1`` .. ``hh_share_5plus`` (NaN where not published) and
        optionally ``hh_share_4plus``; default :func:`census_household_shares`.

    Returns
    -------
    HouseholdTrend
    """
    from scipy.optimize import least_squares

    census = census_household_shares() if census is None else census
    years = census["year"].to_numpy(dtype=float)
    obs = census[HH_SHARE_COLUMNS].to_numpy(dtype=float)
    four_plus = (
        census["hh_share_4plus"].to_numpy(dtype=float)
        if "hh_share_4plus" in census.columns
        else np.full(len(census), np.nan)
    )
    use_four_plus = np.isnan(obs[:, 3]) & np.isnan(obs[:, 4]) & np.isfinite(four_plus)
    if np.isfinite(obs).sum() + use_four_plus.sum() < 8:
        raise ParameterError("census", f"{len(census)} rows", "at least 8 published shares to fit 8 coefficients")

    def residuals(coef):
        s = _softmax_shares(coef, years)
        r = (s - obs)[np.isfinite(obs)]
        r4 = (s[:, 3] + s[:, 4] - four_plus)[use_four_plus]
        return np.concatenate([r, r4])

    # start from log ratios of the complete years
    complete = np.isfinite(obs).all(axis=1)
    lr = np.log(obs[complete, 1:] / obs[complete, :1])
    t = years[complete] - _T0
    b0 = np.polyfit(t, lr, 1) if complete.sum() >= 2 else np.zeros((2, 4))
    start = np.concatenate([b0[1], b0[0]])
    fit = least_squares(residuals, start, method="lm")
    err = float(np.max(np.abs(residuals(fit.x))))
    return HouseholdTrend(
        intercepts=tuple(float(v) for v in fit.x[:4]),
        slopes=tuple(float(v) for v in fit.x[4:]),
        fitted_years=tuple(int(y) for y in years),
        max_abs_error=err,
    )


#: The default trend's coefficients, stored so a process that predicts needs neither scipy nor the
#: refit (issue 25); written by :func:`write_stored_trend` (scripts/train_default_model.py) and used
#: only while the census file's SHA-256 matches the one recorded beside them.
_STORED_FILE = "kr_household_trend_coefficients.json"


def _census_sha256() -> str:
    import hashlib

    return hashlib.sha256(_census_text().encode("utf-8")).hexdigest()


def stored_trend() -> HouseholdTrend | None:
    """The stored default trend, or None when missing or made from another census file."""
    import json

    try:
        data = json.loads(resources.files("sewerplan.model").joinpath("data", _STORED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("census_sha256") != _census_sha256():
        return None
    return HouseholdTrend(intercepts=tuple(float(v) for v in data["intercepts"]),
                          slopes=tuple(float(v) for v in data["slopes"]),
                          fitted_years=tuple(int(y) for y in data["fitted_years"]),
                          max_abs_error=float(data["max_abs_error"]))


def write_stored_trend(path) -> HouseholdTrend:
    """Fit the default trend and write its coefficients (with the census file's SHA-256) to ``path``."""
    from ..fileio import write_json_atomic

    trend = fit_household_trend()
    write_json_atomic(path, {
        "what": "coefficients of the multinomial-logit household-size trend (household_trend.py), fitted by "
                "fit_household_trend() to kr_household_size_distribution.csv; regenerate with "
                "scripts/train_default_model.py when that file changes / 가구원수 추세 계수",
        "census_file": _CENSUS_FILE, "census_sha256": _census_sha256(),
        "intercepts": list(trend.intercepts), "slopes": list(trend.slopes),
        "fitted_years": list(trend.fitted_years), "max_abs_error": trend.max_abs_error,
    })
    return trend


@lru_cache(maxsize=1)
def default_household_trend() -> HouseholdTrend:
    """The trend of the shipped census shares: the stored coefficients, or refitted when they do not match (cached)."""
    return stored_trend() or fit_household_trend()


def mix_from_table(table: pd.DataFrame, years) -> pd.DataFrame:
    """Household mix for ``years`` from a user table of shares by year.

    Shares are interpolated linearly between the given years and held constant before the
    first and after the last; each row is renormalised to sum to 1.

    Parameters
    ----------
    table : DataFrame
        ``year`` and ``hh_share_1`` .. ``hh_share_5plus`` [-].
    years : iterable of int
    """
    t = table.sort_values("year")
    y = np.atleast_1d(np.asarray(years, dtype=float))
    cols = {c: np.interp(y, t["year"].to_numpy(float), t[c].to_numpy(float)) for c in HH_SHARE_COLUMNS}
    s = np.column_stack([cols[c] for c in HH_SHARE_COLUMNS])
    s = s / s.sum(axis=1, keepdims=True)
    out = pd.DataFrame(s, columns=HH_SHARE_COLUMNS)
    out.insert(0, "year", y.astype(int))
    out["mean_household_size"] = s @ HOUSEHOLD_SIZES
    return out


def household_mix(years, table: pd.DataFrame | None = None, trend: HouseholdTrend | None = None,
                  hold_after: int | None = None) -> pd.DataFrame:
    """Household-size mix [-] per year: the user's table if given, else the census trend.

    Parameters
    ----------
    years : iterable of int
    table : DataFrame, optional
        User mix by year (see :func:`mix_from_table`); overrides the trend.
    trend : HouseholdTrend, optional
        Default :func:`default_household_trend`.
    hold_after : int, optional
        Hold the trend's mix constant after this year.
    """
    if table is not None and len(table):
        return mix_from_table(table, years)
    trend = trend or default_household_trend()
    if hold_after is not None:
        trend = trend.with_hold_after(hold_after)
    return trend.shares(years)


def mean_household_size(shares) -> np.ndarray:
    """Mean persons per household [persons/household] of share rows (5+ counted as 5.5)."""
    s = np.asarray(shares, dtype=float)
    return s @ HOUSEHOLD_SIZES
