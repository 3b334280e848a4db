"""Fees on the right base: what the city's share and the running cost mean for the sewage fee.

Only the city's net share of the capital (after the causer charge and the national and
provincial shares) and the operating cost reach the fee. The capital is recovered as an
annuity at the city's **financing rate** (not the social discount rate) over the recovery
period; both are spread over the city's **billed sewage volume per year** [m3/yr].

``KRW/m3 = (city capital x CRF(financing rate, years) + annual O&M) / billed volume``;
a household's monthly effect = KRW/m3 x its measured use [m3/month] (Seoul 2021 meter study);
the city-wide burden = the annual amount, and its sum over the recovery period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import ParameterError

__all__ = ["FeeEffect", "fee_effect", "HOUSEHOLD_SIZES"]

HOUSEHOLD_SIZES = (1, 2, 3, 4)


@dataclass
class FeeEffect:
    """Fee effect of a city capital amount [KRW] and an annual O&M [KRW/yr] on a billed volume."""

    city_capital_krw: float
    annual_capital_krw: float  # city capital x CRF(financing rate, years) [KRW/yr]
    annual_om_krw: float  # [KRW/yr]
    billed_m3_per_year: float
    financing_rate: float
    years: float
    capital_krw_per_m3: float
    om_krw_per_m3: float
    krw_per_m3: float  # capital + O&M
    households: list[dict] = field(default_factory=list)  # size, m3_per_month, krw_per_month
    pilot_example: dict = field(default_factory=dict)  # 4 persons, 24 m3/month (the pilot report's example)
    annual_burden_krw: float = 0.0  # city-wide, per year [KRW/yr]
    period_burden_krw: float = 0.0  # city-wide over the recovery period, undiscounted [KRW]

    def household(self, size: int) -> float:
        """Monthly effect [KRW/month] for a household of ``size`` persons."""
        return next(h["krw_per_month"] for h in self.households if h["size"] == size)


def fee_effect(city_capital_krw: float, annual_om_krw: float, billed_m3_per_year: float, *, financing_rate: float,
               years: float, pilot_monthly_use_m3: float = 24.0) -> FeeEffect:
    """What ``city_capital_krw`` [KRW] and ``annual_om_krw`` [KRW/yr] mean for the fee.

    Parameters
    ----------
    city_capital_krw : float
        The city's net share of the capital [KRW] (after the causer charge and subsidies).
    annual_om_krw : float
        Annual operating cost [KRW/yr] (0 for a capital amount alone).
    billed_m3_per_year : float
        The city's billed sewage volume [m3/yr].
    financing_rate : float
        The city's borrowing rate [-/yr].
    years : float
        Recovery period [yr].
    pilot_monthly_use_m3 : float
        The pilot report's example household use [m3/month] (4 persons, 24 m3).
    """
    from .finance import annuity_factor, household_monthly_use_m3

    for name, v in (("city_capital_krw", city_capital_krw), ("annual_om_krw", annual_om_krw)):
        if not (math.isfinite(v) and v >= 0):
            raise ParameterError(name, v, ">= 0 KRW")
    if not (math.isfinite(billed_m3_per_year) and billed_m3_per_year > 0):
        raise ParameterError("billed_sewage_m3_per_year", billed_m3_per_year, "> 0 m3/yr")
    annual_capital = float(city_capital_krw) * annuity_factor(financing_rate, years)
    per_cap, per_om = annual_capital / billed_m3_per_year, float(annual_om_krw) / billed_m3_per_year
    per_m3 = per_cap + per_om
    rows = [{"size": s, "m3_per_month": household_monthly_use_m3(s), "krw_per_month": per_m3 * household_monthly_use_m3(s)}
            for s in HOUSEHOLD_SIZES]
    annual = annual_capital + float(annual_om_krw)
    return FeeEffect(city_capital_krw=float(city_capital_krw), annual_capital_krw=annual_capital,
                     annual_om_krw=float(annual_om_krw), billed_m3_per_year=float(billed_m3_per_year),
                     financing_rate=float(financing_rate), years=float(years), capital_krw_per_m3=per_cap,
                     om_krw_per_m3=per_om, krw_per_m3=per_m3, households=rows,
                     pilot_example={"size": 4, "m3_per_month": pilot_monthly_use_m3,
                                    "krw_per_month": per_m3 * pilot_monthly_use_m3},
                     annual_burden_krw=annual, period_burden_krw=annual * years)
