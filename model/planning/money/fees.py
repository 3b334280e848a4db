"""Fees on the right base: what the city's share and the running cost mean for the sewage fee.

Only the city's net share of the capital (after the developer's part and the national and
provincial shares) and the operating cost reach the fee. The capital is recovered as an
annuity at the city's **financing rate** (not the social discount rate) over the recovery
period; both are spread over the **fee base**.

**Fee base.** Sewage fees (하수도 사용료) are billed on water volume (상수도 사용량 기준), so the fee
base is the billed *water* volume of everyone connected [m3/yr], never sewage: the existing
town's billed water and, once its residents arrive, the new town's own billed water (the new
town's sewage without groundwater / the return ratio, at build-out) (:class:`FeeBase`). The new
plant's running cost is paid by every connected household, the new town's included.

``KRW/m3 = (city capital x CRF(financing rate, years) + annual O&M) / fee base``;
a household's monthly effect = KRW/m3 x its measured use [m3/month] (Seoul 2021 meter study);
the city-wide burden = the annual amount, and its sum over the recovery period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ...design.parameters import DEFAULT_PARAMETERS
from ...errors import ParameterError
from ...units import DAYS_PER_MONTH, DAYS_PER_YEAR, LITRES_PER_M3
from .inputs import check_positive, default_value
from .tables import csv_table

__all__ = ["FeeBase", "FEE_BASE_ORIGINS", "new_town_billed_water_m3_per_year", "FeeEffect", "fee_effect",
           "HOUSEHOLD_SIZES", "annuity_factor", "annualised_cost", "fee_per_m3", "billed_volume_from_sewage",
           "household_water_use_table", "household_monthly_use_m3", "household_monthly_fee", "FeeImpact",
           "fee_impact", "tariff_reference"]

HOUSEHOLD_SIZES = (1, 2, 3, 4)

#: how a fee base was made (printed in words by the reports)
FEE_BASE_ORIGINS = ("billed_water_with_new_town", "existing_sewage_legacy", "new_town_ml", "input")


@dataclass
class FeeBase:
    """The billed water volume the fee is spread over [m3/yr] and where it came from."""

    existing_m3_per_year: float  # the existing town's billed water (all meters)
    new_town_m3_per_year: float  # the new town's own billed water at build-out (0 = not counted)
    origin: str  # one of FEE_BASE_ORIGINS

    @property
    def total_m3_per_year(self) -> float:
        return self.existing_m3_per_year + self.new_town_m3_per_year


def new_town_billed_water_m3_per_year(sewage_day_average_m3_per_day: float, return_ratio: float | None = None) -> float:
    """The new town's billed water [m3/yr] at build-out: its sewage [m3/d, day-average, no groundwater] / return ratio x 365."""
    return float(billed_volume_from_sewage(sewage_day_average_m3_per_day, return_ratio)) * DAYS_PER_YEAR


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
        The fee base: billed water of everyone connected [m3/yr] (:class:`FeeBase`).
    financing_rate : float
        The city's borrowing rate [-/yr].
    years : float
        Recovery period [yr].
    pilot_monthly_use_m3 : float
        The pilot report's example household use [m3/month] (4 persons, 24 m3).
    """
    for name, v in (("city_capital_krw", city_capital_krw), ("annual_om_krw", annual_om_krw)):
        if not (math.isfinite(v) and v >= 0):
            raise ParameterError(name, v, ">= 0 KRW")
    if not (math.isfinite(billed_m3_per_year) and billed_m3_per_year > 0):
        raise ParameterError("billed_sewage_m3_per_year", billed_m3_per_year, "> 0 m3/yr")
    annual_capital = float(city_capital_krw) * annuity_factor(financing_rate, years)
    per_cap, per_om = annual_capital / billed_m3_per_year, float(annual_om_krw) / billed_m3_per_year
    per_m3 = per_cap + per_om
    use = {s: household_monthly_use_m3(s) for s in HOUSEHOLD_SIZES}
    rows = [{"size": s, "m3_per_month": use[s], "krw_per_month": per_m3 * use[s]} for s in HOUSEHOLD_SIZES]
    annual = annual_capital + float(annual_om_krw)
    return FeeEffect(city_capital_krw=float(city_capital_krw), annual_capital_krw=annual_capital,
                     annual_om_krw=float(annual_om_krw), billed_m3_per_year=float(billed_m3_per_year),
                     financing_rate=float(financing_rate), years=float(years), capital_krw_per_m3=per_cap,
                     om_krw_per_m3=per_om, krw_per_m3=per_m3, households=rows,
                     pilot_example={"size": 4, "m3_per_month": pilot_monthly_use_m3,
                                    "krw_per_month": per_m3 * pilot_monthly_use_m3},
                     annual_burden_krw=annual, period_burden_krw=annual * years)


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
    r = default_value("discount_rate") if discount_rate is None else discount_rate
    n = default_value("asset_life_years") if asset_life_years is None else asset_life_years
    check_positive("asset_life_years", n)
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
    check_positive("billed_volume_m3_per_day", billed_volume_m3_per_day)
    return annual_cost_krw_per_year / (billed_volume_m3_per_day * DAYS_PER_YEAR)


def billed_volume_from_sewage(sewage_m3_per_day, return_ratio=None):
    """Billed water volume [m3/d] behind a sewage flow [m3/d]: sewage / return ratio.

    Sewage fees in Korea are charged on metered water use, so the fee base is water.
    """
    r = DEFAULT_PARAMETERS.return_ratio if return_ratio is None else return_ratio  # sewage fees bill metered water
    check_positive("return_ratio", r)
    return sewage_m3_per_day / r


def household_water_use_table() -> pd.DataFrame:
    """Seoul measured household water use by size (2021 meter study, 130,419 households).

    Columns: household_size, liters_per_household_day [L/d], liters_per_person_day,
    m3_per_month [m3/month], source.
    """
    df = csv_table("seoul_household_water_use_by_size_2021.csv").copy()
    df["m3_per_month"] = df["liters_per_household_day"] / LITRES_PER_M3 * DAYS_PER_MONTH
    return df


@lru_cache(maxsize=1)
def _use_by_size() -> dict[int, float]:
    """{household size [persons]: measured use [m3/month]} (read once)."""
    table = household_water_use_table()
    return {int(k): float(v) for k, v in zip(table["household_size"], table["m3_per_month"])}


def household_monthly_use_m3(household_size):
    """Measured monthly water use of a household [m3/month] by size [persons] (1-6).

    A 4-person household uses 610 L/d = 18.6 m3/month (Seoul 2021 meter study).
    """
    table = _use_by_size()
    size = np.asarray(household_size)
    bad = [s for s in np.atleast_1d(size).tolist() if s not in table]
    if bad:
        raise ParameterError("household_size", bad[0], f"one of {sorted(table)} persons")
    out = np.array([table[int(s)] for s in np.atleast_1d(size).tolist()], dtype=float)
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
    r = default_value("discount_rate") if discount_rate is None else discount_rate
    n = default_value("asset_life_years") if asset_life_years is None else asset_life_years
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
    nat = csv_table("kr_sewage_tariff_national.csv").sort_values("year").iloc[-1]
    goy = csv_table("kr_goyang_household_sewage_tariff.csv").sort_values("year").iloc[-1]
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
