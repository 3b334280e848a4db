"""Money: what treatment capacity costs, what a sizing error costs, and who pays.

Pure, vectorised functions (scalar, ndarray or pandas Series in; the same out) plus two
small result dataclasses the reports print. Money in [KRW], flows in [m3/d], capacities in
[m3/d] of treatment capacity.

Layers
------
1. Capacity cost curves: :class:`CostCurve`, :func:`fit_cost_curve`, :func:`cost_curve`
   (named curves: ``"korea_2001_2025"`` fitted to 21 sourced projects, shipped in
   ``data/treatment_cost_curve.json``; ``"choe_kim_2003"``), :func:`unit_cost_curve`.
2. Sizing savings: :func:`capacity_quantiles`, :func:`sizing_savings`.
3. Fee impact: :func:`annuity_factor`, :func:`annualised_cost`, :func:`fee_per_m3`,
   :func:`household_monthly_use_m3`, :func:`household_monthly_fee`, :func:`fee_impact`.
4. Causer charge (원인자부담금): :func:`causer_charge`, :func:`causer_charge_unit_prices`.

Defaults and their sources are in :data:`FINANCE_DEFAULTS`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..design.parameters import DEFAULT_PARAMETERS
from .finance_defaults import FINANCE_DEFAULTS
from ..units import DAYS_PER_MONTH, DAYS_PER_YEAR, KRW_PER_100M, LITRES_PER_M3

__all__ = [
    "FINANCE_DEFAULTS",
    "CostCurve",
    "fit_cost_curve",
    "cost_curve",
    "COST_CURVE_NAMES",
    "unit_cost_curve",
    "reference_cost_table",
    "capacity_quantiles",
    "SizingSavings",
    "sizing_savings",
    "annuity_factor",
    "annualised_cost",
    "fee_per_m3",
    "billed_volume_from_sewage",
    "household_water_use_table",
    "household_monthly_use_m3",
    "household_monthly_fee",
    "FeeImpact",
    "fee_impact",
    "causer_charge_unit_prices",
    "default_causer_charge_unit_price",
    "causer_charge",
    "tariff_reference",
]


def _data_text(name: str) -> str:
    return resources.files("sewerplan.model").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(StringIO(_data_text(name)))


def _default(name):
    return FINANCE_DEFAULTS[name]["value"]


def _check_positive(name, value, allow_zero=False):
    arr = np.asarray(value, dtype=float)
    bad = ~np.isfinite(arr) | ((arr < 0) if allow_zero else (arr <= 0))
    if np.any(bad):
        raise ParameterError(name, value, ">= 0" if allow_zero else "> 0")


def _z(level: float) -> float:
    """Two-sided standard-normal quantile for a central interval of ``level``."""
    from scipy.stats import norm

    if not 0 < level < 1:
        raise ParameterError("level", level, "(0, 1)")
    return float(norm.ppf(0.5 + level / 2.0))


# ======================================================================================
# 1. Capacity cost curves
# ======================================================================================


@dataclass(frozen=True)
class CostCurve:
    """Treatment-capacity capital cost as a power law of capacity.

    ``cost [KRW] = coefficient_krw * capacity[m3/d] ** exponent``, with a log-normal
    spread ``log_residual_sd`` around it (natural-log residual standard deviation of
    the fit, 0 for a user's single unit cost).
    """

    name: str
    coefficient_krw: float
    exponent: float
    log_residual_sd: float = 0.0
    n_points: int = 0
    valid_min_m3_per_day: float = 0.0
    valid_max_m3_per_day: float = math.inf
    source: str = ""
    label_ko: str = ""
    price_year: int = 0  # year of the prices the curve gives (0: nominal prices of mixed years)

    def at_price_year(self, year: int | None) -> "CostCurve":
        """The same curve at ``year``'s prices (coefficient x construction cost index ratio).

        A curve of nominal, mixed-year prices (``price_year`` 0) cannot be moved and is refused.
        """
        from dataclasses import replace

        from .costs import price_factor

        if year is None or int(year) == self.price_year:
            return self
        if not self.price_year:
            raise ParameterError("price_year", year, f"the curve {self.name!r} has no price year; use 'korea_real'")
        return replace(self, coefficient_krw=self.coefficient_krw * price_factor(self.price_year, int(year)),
                       price_year=int(year))

    def cost(self, capacity_m3_per_day):
        """Capital cost [KRW] of ``capacity_m3_per_day`` [m3/d] of new or added capacity.

        Zero capacity costs zero.
        """
        _check_positive("capacity_m3_per_day", capacity_m3_per_day, allow_zero=True)
        return self.coefficient_krw * np.power(capacity_m3_per_day, self.exponent)

    __call__ = cost

    def spread_factors(self, level: float = 0.9) -> tuple[float, float]:
        """Multiplicative band (low, high) [-] around the curve for a central ``level``.

        Notes
        -----
        ``exp(-/+ z sigma)`` with sigma the log residual SD; a single project's cost falls
        in ``cost * band`` with probability ~``level`` if residuals are log-normal.
        """
        if self.log_residual_sd == 0:
            return 1.0, 1.0
        z = _z(level)
        return math.exp(-z * self.log_residual_sd), math.exp(z * self.log_residual_sd)

    def cost_interval(self, capacity_m3_per_day, level: float = 0.9):
        """(low, high) cost [KRW] from the curve's spread (not from capacity uncertainty)."""
        lo, hi = self.spread_factors(level)
        c = self.cost(capacity_m3_per_day)
        return c * lo, c * hi

    def as_dict(self) -> dict:
        from dataclasses import asdict

        d = asdict(self)
        if math.isinf(d["valid_max_m3_per_day"]):
            d["valid_max_m3_per_day"] = None
        return d


def fit_cost_curve(capacity_m3_per_day, cost_krw, *, name="user_fit", source="", label_ko="") -> CostCurve:
    """Fit ``cost = a Q^b`` by least squares on log-log axes.

    Parameters
    ----------
    capacity_m3_per_day : array-like
        Added capacity of each project [m3/d].
    cost_krw : array-like
        Capital cost of each project [KRW].

    Returns
    -------
    CostCurve
        With ``log_residual_sd`` = SD of ln residuals (n - 2 degrees of freedom).
    """
    q = np.asarray(capacity_m3_per_day, dtype=float)
    c = np.asarray(cost_krw, dtype=float)
    if q.shape != c.shape or q.size < 3:
        raise ParameterError("capacity_m3_per_day/cost_krw", f"{q.size} pairs", "at least 3 pairs of equal length")
    _check_positive("capacity_m3_per_day", q)
    _check_positive("cost_krw", c)
    x, y = np.log(q), np.log(c)
    b, ln_a = np.polyfit(x, y, 1)
    resid = y - (ln_a + b * x)
    sd = float(np.sqrt(np.sum(resid**2) / (q.size - 2)))
    return CostCurve(
        name=name,
        coefficient_krw=float(np.exp(ln_a)),
        exponent=float(b),
        log_residual_sd=sd,
        n_points=int(q.size),
        valid_min_m3_per_day=float(q.min()),
        valid_max_m3_per_day=float(q.max()),
        source=source,
        label_ko=label_ko,
    )


def reference_cost_table() -> pd.DataFrame:
    """The 21 sourced Korean expansion projects (``kr_treatment_plant_expansion_costs.csv``).

    Adds ``cost_krw`` [KRW] and ``krw_per_m3_per_day`` [KRW/(m3/d)].
    """
    df = _csv("kr_treatment_plant_expansion_costs.csv").copy()
    df["cost_krw"] = df["cost_100m_krw"] * KRW_PER_100M
    df["krw_per_m3_per_day"] = df["cost_krw"] / df["added_capacity_m3_per_day"]
    return df


@lru_cache(maxsize=None)
def _shipped_curves() -> dict[str, CostCurve]:
    data = json.loads(_data_text("treatment_cost_curve.json"))
    out = {}
    for name, d in data["curves"].items():
        d = dict(d)
        if d.get("valid_max_m3_per_day") is None:
            d["valid_max_m3_per_day"] = math.inf
        out[name] = CostCurve(**{k: v for k, v in d.items() if k in CostCurve.__dataclass_fields__})
    return out


COST_CURVE_NAMES = ("korea_real", "korea_2001_2025", "choe_kim_2003")
DEFAULT_COST_CURVE = "korea_real"


def cost_curve(name: str = DEFAULT_COST_CURVE, price_year: int | None = None) -> CostCurve:
    """A named, shipped cost curve, optionally at another ``price_year`` (real curves only).

    ``"korea_real"`` (default)
        The 21 sourced Korean expansion projects 2001-2025, each brought to the latest price
        year with the construction cost index, then fitted (:func:`.costs.real_cost_curve`):
        about 5.7e8 KRW x Q^0.48 at 2025 prices, log residual SD ~0.46.
    ``"korea_2001_2025"``
        The same projects at **nominal** prices of mixed years (release 0.2): about
        9.2e8 KRW x Q^0.39; capacity and year are correlated (r = -0.42) in the data, so the
        exponent is biased low and the prices are old. Kept for comparison.
    ``"choe_kim_2003"``
        C[M KRW] = 94.39 Q^0.568 over 58 plants (Choe & Kim 2003); 1.5-3x below recent
        projects (prices of the 1990s).

    Raises
    ------
    KeyError
        Listing the valid names.
    """
    curves = _shipped_curves()
    if name not in curves:
        raise KeyError(
            f"Unknown cost curve {name!r}; valid: {sorted(curves)} (model/data/treatment_cost_curve.json), "
            "or pass your own CostCurve / unit_cost_curve(krw_per_m3_per_day)"
        )
    return curves[name].at_price_year(price_year)


def unit_cost_curve(krw_per_m3_per_day: float, *, source: str = "user unit cost") -> CostCurve:
    """A linear curve from one unit cost [KRW/(m3/d)] (no economy of scale, no spread)."""
    _check_positive("krw_per_m3_per_day", krw_per_m3_per_day)
    return CostCurve(
        name="unit_cost",
        coefficient_krw=float(krw_per_m3_per_day),
        exponent=1.0,
        source=source,
        label_ko="사용자 단가",
    )


def _resolve_curve(curve, price_year: int | None = None) -> CostCurve:
    """A CostCurve from a curve, a shipped name or a unit cost; named real curves at ``price_year``."""
    if curve is None:
        return cost_curve(price_year=price_year)
    if isinstance(curve, CostCurve):
        return curve
    if isinstance(curve, str):
        return cost_curve(curve, price_year=price_year if _shipped_curves()[curve].price_year else None) \
            if curve in _shipped_curves() else cost_curve(curve)
    if isinstance(curve, (int, float)):
        return unit_cost_curve(float(curve))
    raise ParameterError("curve", curve, "a CostCurve, a curve name, or a unit cost [KRW/(m3/d)]")


# ======================================================================================
# 2. Savings of sizing with sewerplan vs the conventional method
# ======================================================================================


def capacity_quantiles(p50_m3_per_day, upper_m3_per_day, probabilities, level: float = 0.9):
    """Quantiles of the needed capacity [m3/d], log-normal through P50 and the upper bound.

    Notes
    -----
    ``ln Q ~ N(ln p50, sigma)``, ``sigma = ln(upper / p50) / z`` with z the standard-normal
    quantile of ``0.5 + level / 2``. Log-normal because flows are positive and the ML
    intervals are wider above than below.
    """
    p50 = np.asarray(p50_m3_per_day, dtype=float)
    up = np.asarray(upper_m3_per_day, dtype=float)
    _check_positive("p50_m3_per_day", p50)
    if np.any(up < p50):
        raise ParameterError("upper_m3_per_day", upper_m3_per_day, ">= p50_m3_per_day")
    from scipy.stats import norm

    sigma = np.log(up / p50) / _z(level)
    z = norm.ppf(np.asarray(probabilities, dtype=float))
    return p50 * np.exp(sigma * z)


@dataclass
class SizingSavings:
    """Savings of sizing the plant with sewerplan instead of the conventional method.

    Money [KRW], capacities [m3/d]. ``*_low``/``*_high`` bound the central ``level``
    interval coming from the ML forecast interval (capacity uncertainty); the cost
    curve's own spread is the separate multiplicative band ``curve_band``.
    """

    conventional_capacity_m3_per_day: float
    recommended_capacity_m3_per_day: float
    p50_capacity_m3_per_day: float
    capacity_difference_m3_per_day: float  # conventional - recommended
    capex_conventional_krw: float
    capex_recommended_krw: float
    capex_p50_krw: float
    capex_saving_krw: float  # conventional - recommended
    capex_saving_p50_krw: float  # conventional - needed at P50
    capex_saving_low_krw: float  # conventional - needed at upper quantile
    capex_saving_high_krw: float  # conventional - needed at lower quantile
    probability_conventional_undersizes: float  # P(needed > conventional) [-]
    probability_recommended_undersizes: float  # P(needed > recommended) [-]
    expected_avoided_expansion_krw: float  # E[extra cost of a later expansion] if conventional built
    expected_recommended_expansion_krw: float  # the same risk if the recommended capacity is built
    curve_band: tuple[float, float]
    level: float
    curve_name: str
    curve_source: str


def _later_expansion_extra_cost(built, needed, curve: CostCurve):
    """Extra cost [KRW] of adding ``needed - built`` later vs building ``needed`` at once.

    Notes
    -----
    ``cost(needed - built) - (cost(needed) - cost(built))`` when ``needed > built``, else 0:
    a separate small expansion loses the economy of scale (exponent < 1). The full later
    expansion cost is ``cost(needed - built)``.
    """
    gap = np.maximum(needed - built, 0.0)
    marginal = curve.cost(np.maximum(needed, built)) - curve.cost(built)
    return np.where(gap > 0, curve.cost(gap) - marginal, 0.0)


def _probability_exceeded(capacity: float, p50: float, sigma: float) -> float:
    """P(needed > ``capacity``) [-] for ``ln Q ~ N(ln p50, sigma)`` (a step when sigma is 0)."""
    from scipy.stats import norm

    if sigma == 0:
        return float(p50 > capacity)
    return float(1 - norm.cdf(math.log(capacity / p50) / sigma))


def _capex_savings(c: CostCurve, conv: float, rec: float, p50: float, q_lo: float, q_hi: float) -> dict:
    """Capex [KRW] of the conventional, recommended and P50 capacities, and the savings with their range."""
    cost_conv = float(c.cost(conv))
    return {
        "capex_conventional_krw": cost_conv,
        "capex_recommended_krw": float(c.cost(rec)),
        "capex_p50_krw": float(c.cost(p50)),
        "capex_saving_krw": cost_conv - float(c.cost(rec)),
        "capex_saving_p50_krw": cost_conv - float(c.cost(p50)),
        "capex_saving_low_krw": cost_conv - float(c.cost(q_hi)),
        "capex_saving_high_krw": cost_conv - float(c.cost(q_lo)),
    }


def sizing_savings(
    conventional_capacity_m3_per_day: float,
    p50_capacity_m3_per_day: float,
    upper_capacity_m3_per_day: float,
    *,
    recommended_capacity_m3_per_day: float | None = None,
    level: float | None = None,
    curve=None,
    n_quantiles: int = 399,
) -> SizingSavings:
    """Capacity and capex saved by sizing with the ML forecast, with its uncertainty.

    Parameters
    ----------
    conventional_capacity_m3_per_day : float
        Capacity the conventional method would build [m3/d].
    p50_capacity_m3_per_day, upper_capacity_m3_per_day : float
        Capacity needed at the ML central and upper day-max [m3/d]
        (``model.capacity.plant_capacity`` of each).
    recommended_capacity_m3_per_day : float, optional
        What is proposed; default the upper capacity.
    level : float, optional
        Coverage of the ML interval [-] (default 0.9, from the model card).
    curve : CostCurve, str or float, optional
        Cost curve, its name, or a unit cost [KRW/(m3/d)]; default ``korea_2001_2025``.

    Notes
    -----
    Needed capacity is log-normal (:func:`capacity_quantiles`). Savings interval:
    ``cost(conv) - cost(Q_needed)`` at the interval's quantiles. The avoided later-expansion
    cost is ``E[cost(Q - conv) - (cost(Q) - cost(conv)) | Q > conv] P(Q > conv)``,
    integrated over ``n_quantiles`` equally spaced quantiles.
    """
    level = _default("interval_level") if level is None else level
    c = _resolve_curve(curve)
    conv = float(conventional_capacity_m3_per_day)
    p50 = float(p50_capacity_m3_per_day)
    up = float(upper_capacity_m3_per_day)
    rec = up if recommended_capacity_m3_per_day is None else float(recommended_capacity_m3_per_day)
    _check_positive("conventional_capacity_m3_per_day", conv)
    _check_positive("recommended_capacity_m3_per_day", rec)
    tail = (1 - level) / 2
    q_lo, q_hi = capacity_quantiles(p50, up, [tail, 1 - tail], level)
    needed = capacity_quantiles(p50, up, (np.arange(n_quantiles) + 0.5) / n_quantiles, level)
    sigma = math.log(up / p50) / _z(level)
    return SizingSavings(
        conventional_capacity_m3_per_day=conv, recommended_capacity_m3_per_day=rec, p50_capacity_m3_per_day=p50,
        capacity_difference_m3_per_day=conv - rec,
        **_capex_savings(c, conv, rec, p50, q_lo, q_hi),
        probability_conventional_undersizes=_probability_exceeded(conv, p50, sigma),
        probability_recommended_undersizes=_probability_exceeded(rec, p50, sigma),
        expected_avoided_expansion_krw=float(np.mean(_later_expansion_extra_cost(conv, needed, c))),
        expected_recommended_expansion_krw=float(np.mean(_later_expansion_extra_cost(rec, needed, c))),
        curve_band=c.spread_factors(level), level=level, curve_name=c.name, curve_source=c.source,
    )


# ======================================================================================
# 3. Fee impact
# ======================================================================================


def annuity_factor(discount_rate=None, asset_life_years=None):
    """Capital recovery factor [1/yr].

    Notes
    -----
    ``CRF = r / (1 - (1 + r)^-n)``; ``1 / n`` when ``r = 0``.

    Parameters
    ----------
    discount_rate : float, default 0.045 [-/yr]
        KDI PIMAC social discount rate.
    asset_life_years : float, default 30 [yr]
    """
    r = _default("discount_rate") if discount_rate is None else discount_rate
    n = _default("asset_life_years") if asset_life_years is None else asset_life_years
    _check_positive("asset_life_years", n)
    r_arr = np.asarray(r, dtype=float)
    if np.any(~np.isfinite(r_arr)) or np.any(r_arr < 0) or np.any(r_arr >= 1):
        raise ParameterError("discount_rate", r, "[0, 1) per year")
    with np.errstate(divide="ignore", invalid="ignore"):
        crf = np.where(r_arr == 0, 1.0 / np.asarray(n, dtype=float), r_arr / (1.0 - (1.0 + r_arr) ** (-np.asarray(n, dtype=float))))
    if np.ndim(crf) == 0 and np.ndim(r) == 0 and np.ndim(n) == 0:
        return float(crf)
    if isinstance(r, pd.Series):
        return pd.Series(crf, index=r.index)
    if isinstance(n, pd.Series):
        return pd.Series(crf, index=n.index)
    return crf


def annualised_cost(capex_krw, discount_rate=None, asset_life_years=None):
    """Equivalent annual cost [KRW/yr] of a capital cost [KRW]: ``capex x CRF``."""
    return capex_krw * annuity_factor(discount_rate, asset_life_years)


def fee_per_m3(annual_cost_krw_per_year, billed_volume_m3_per_day):
    """Cost per billed cubic metre [KRW/m3]: annual cost / (billed volume x 365 d)."""
    _check_positive("billed_volume_m3_per_day", billed_volume_m3_per_day)
    return annual_cost_krw_per_year / (billed_volume_m3_per_day * DAYS_PER_YEAR)


def billed_volume_from_sewage(sewage_m3_per_day, return_ratio=None):
    """Billed water volume [m3/d] behind a sewage flow [m3/d]: sewage / return ratio.

    Sewage fees in Korea are charged on metered water use, so the fee base is water.
    """
    r = DEFAULT_PARAMETERS.return_ratio if return_ratio is None else return_ratio  # sewage fees bill metered water
    _check_positive("return_ratio", r)
    return sewage_m3_per_day / r


def household_water_use_table() -> pd.DataFrame:
    """Seoul measured household water use by size (2021 meter study, 130,419 households).

    Columns: household_size, liters_per_household_day [L/d], liters_per_person_day,
    m3_per_month [m3/month], source.
    """
    df = _csv("seoul_household_water_use_by_size_2021.csv").copy()
    df["m3_per_month"] = df["liters_per_household_day"] / LITRES_PER_M3 * DAYS_PER_MONTH
    return df


def household_monthly_use_m3(household_size):
    """Measured monthly water use of a household [m3/month] by size [persons] (1-6).

    A 4-person household uses 610 L/d = 18.6 m3/month (Seoul 2021 meter study).
    """
    table = household_water_use_table().set_index("household_size")["m3_per_month"]
    size = np.asarray(household_size)
    valid = set(table.index)
    bad = [s for s in np.atleast_1d(size).tolist() if s not in valid]
    if bad:
        raise ParameterError("household_size", bad[0], f"one of {sorted(valid)} persons")
    out = table.reindex(np.atleast_1d(size)).to_numpy()
    if isinstance(household_size, pd.Series):
        return pd.Series(out, index=household_size.index)
    return float(out[0]) if np.ndim(household_size) == 0 else out


def household_monthly_fee(fee_krw_per_m3, monthly_use_m3):
    """A household's monthly charge [KRW/month] = fee [KRW/m3] x use [m3/month]."""
    return fee_krw_per_m3 * monthly_use_m3


@dataclass
class FeeImpact:
    """What a capital cost means for the sewage fee (one cost, e.g. an avoided expansion)."""

    capex_krw: float
    annual_cost_krw: float
    billed_volume_m3_per_day: float
    krw_per_m3: float
    discount_rate: float
    asset_life_years: float
    households: list[dict] = field(default_factory=list)  # size, m3_per_month, krw_per_month
    pilot_example: dict = field(default_factory=dict)  # 4 persons, 24 m3/month
    share_of_national_tariff: float = 0.0  # krw_per_m3 / latest national average tariff


def fee_impact(
    capex_krw: float,
    billed_volume_m3_per_day: float,
    *,
    discount_rate: float | None = None,
    asset_life_years: float | None = None,
    household_sizes=(1, 2, 3, 4),
    pilot_monthly_use_m3: float = 24.0,
) -> FeeImpact:
    """Fee impact of a capital cost spread over a billed volume.

    Parameters
    ----------
    capex_krw : float
        Capital cost [KRW] (e.g. the saving or the avoided expansion).
    billed_volume_m3_per_day : float
        Billed water volume of the tariff area [m3/d].
    discount_rate : float, default 0.045 [-/yr]
    asset_life_years : float, default 30 [yr]
    household_sizes : sequence of int
        Sizes to tabulate, with Seoul measured use.
    pilot_monthly_use_m3 : float, default 24 [m3/month]
        The pilot's example household (4 persons, 24 m3/month; Goyang tariff notice 2023).

    Notes
    -----
    ``KRW/m3 = capex x CRF(r, n) / (V x 365)``; ``KRW/month = KRW/m3 x use``.

    References
    ----------
    domain notes s.6; KDI PIMAC guideline (r = 4.5%); Seoul Water Institute 2021 meter study.
    """
    r = _default("discount_rate") if discount_rate is None else discount_rate
    n = _default("asset_life_years") if asset_life_years is None else asset_life_years
    annual = float(annualised_cost(capex_krw, r, n))
    per_m3 = float(fee_per_m3(annual, billed_volume_m3_per_day))
    rows = []
    for s in household_sizes:
        use = household_monthly_use_m3(int(s))
        rows.append({"size": int(s), "m3_per_month": use, "krw_per_month": per_m3 * use})
    tariff = tariff_reference()
    return FeeImpact(
        capex_krw=float(capex_krw),
        annual_cost_krw=annual,
        billed_volume_m3_per_day=float(billed_volume_m3_per_day),
        krw_per_m3=per_m3,
        discount_rate=float(r),
        asset_life_years=float(n),
        households=rows,
        pilot_example={"size": 4, "m3_per_month": pilot_monthly_use_m3, "krw_per_month": per_m3 * pilot_monthly_use_m3},
        share_of_national_tariff=per_m3 / tariff["national_average_krw_per_m3"],
    )


def tariff_reference() -> dict:
    """Latest tariff references [KRW/m3] with sources (national average, Goyang tier 1)."""
    nat = _csv("kr_sewage_tariff_national.csv").sort_values("year").iloc[-1]
    goy = _csv("kr_goyang_household_sewage_tariff.csv").sort_values("year").iloc[-1]
    return {
        "national_year": int(nat["year"]),
        "national_average_krw_per_m3": float(nat["average_tariff_krw_per_m3"]),
        "national_total_cost_krw_per_m3": float(nat["total_cost_krw_per_m3"]),
        "national_cost_recovery": float(nat["cost_recovery_ratio"]),
        "national_source": str(nat["source"]),
        "goyang_year": int(goy["year"]),
        "goyang_tier1_sewage_krw_per_m3": float(goy["household_tier1_sewage_krw_per_m3"]),
        "goyang_source": str(goy["source"]),
    }


# ======================================================================================
# 4. Causer charge (원인자부담금)
# ======================================================================================


def causer_charge_unit_prices() -> pd.DataFrame:
    """Published causer-charge unit prices [KRW/(m3/d)] with sources."""
    return _csv("kr_causer_charge_unit_prices.csv").copy()


def default_causer_charge_unit_price() -> dict:
    """The default unit price [KRW/(m3/d)] and how it was chosen.

    Choice: the median over municipalities of each one's latest published price
    (Seoul 2017, Incheon 2016, Paju 2019, Haenam 2017, Cheonan 2017), so neither the
    low Seoul average nor Paju's high price drives the default; min and max are
    returned for the range. Municipalities set their own prices by ordinance: pass the
    local one.
    """
    df = causer_charge_unit_prices()
    latest = df.sort_values("year").groupby("municipality").tail(1)
    med = float(np.median(latest["krw_per_m3_per_day"]))
    return {
        "krw_per_m3_per_day": med,
        "min_krw_per_m3_per_day": float(df["krw_per_m3_per_day"].min()),
        "max_krw_per_m3_per_day": float(df["krw_per_m3_per_day"].max()),
        "n_municipalities": int(len(latest)),
        "choice": "median of each municipality's latest price in kr_causer_charge_unit_prices.csv",
        "source": "; ".join(f"{m} {y}: {s}" for m, y, s in latest[["municipality", "year", "source"]].itertuples(index=False)),
    }


def causer_charge(building_sewage_day_max_m3_per_day, unit_price_krw_per_m3_per_day=None):
    """Causer charge (원인자부담금) [KRW]: the one implementation is :func:`.funding.causer_charge`.

    Basis: building sewage at day-max by the MOE notice (or the city's adopted unit loads),
    without groundwater infiltration [m3/d], times the ordinance price [KRW/(m3/d)].
    """
    from .funding import causer_charge as shared

    return shared(building_sewage_day_max_m3_per_day, unit_price_krw_per_m3_per_day)


# --------------------------------------------------------------------------------------
# Regenerating the shipped curve file (run by hand when the reference table changes):
#   python -c "from sewerplan.model.planning.finance import _write_curve_file; _write_curve_file()"
# --------------------------------------------------------------------------------------


def _build_curve_file() -> dict:
    from .costs import real_cost_curve

    ref = reference_cost_table()
    fitted = fit_cost_curve(
        ref["added_capacity_m3_per_day"],
        ref["cost_krw"],
        name="korea_2001_2025",
        source="Least squares on ln(cost) vs ln(added capacity) over the 21 sourced Korean "
        "treatment-plant expansion projects 2001-2025 in kr_treatment_plant_expansion_costs.csv "
        "(news reports of project budgets; sources per row) at NOMINAL prices of mixed years "
        "(capacity and year correlate, r = -0.42). Superseded by korea_real; kept for comparison.",
        label_ko="국내 하수처리장 증설 사업비 21건 (2001-2025, 명목가격) 적합 곡선",
    )
    choe = CostCurve(
        name="choe_kim_2003",
        coefficient_krw=94.39e6,
        exponent=0.568,
        log_residual_sd=0.0,
        n_points=58,
        valid_min_m3_per_day=0.0,
        valid_max_m3_per_day=math.inf,
        source="Choe & Kim (2003), construction cost function of 58 Korean sewage treatment "
        "plants: C[M KRW] = 94.39 Q^0.568 (1990s prices; 1.5-3x below recent projects). "
        "Spread not published.",
        label_ko="최·김 (2003) 하수처리장 건설비 함수",
    )
    return {
        "description": "Treatment capacity capital cost curves: cost[KRW] = coefficient_krw * Q[m3/d]^exponent; "
        "log_residual_sd = SD of natural-log residuals (multiplicative spread).",
        "generated_by": "sewerplan.model.planning.finance._write_curve_file",
        "curves": {"korea_real": real_cost_curve().as_dict(), "korea_2001_2025": fitted.as_dict(),
                   "choe_kim_2003": choe.as_dict()},
    }


def _write_curve_file(path=None) -> None:
    from pathlib import Path

    path = Path(path) if path else Path(__file__).parents[1] / "data" / "treatment_cost_curve.json"
    path.write_text(json.dumps(_build_curve_file(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
