"""Who pays: the causer charge (원인자부담금) and the national, provincial and city shares.

One causer charge for every part of sewerplan (the council briefing's funding and the city's
unit-load section of issue 18): :func:`causer_charge` on **one basis**, the development's
building sewage at day-max by the MOE notice's unit loads (or the city's adopted table), without
groundwater infiltration, times the city's ordinance price [KRW/(m3/d)].

Funding rule (:func:`funding_split`): the causer charge is applied first (never more than the
total project cost); the remaining public part is split by the national and provincial shares
the user enters; the city pays the rest. Shares not entered are reported as missing and the city
is then shown paying the whole public part (an upper bound, said so in the reports).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import ParameterError

__all__ = ["CAUSER_BASIS_KO", "CAUSER_BASIS_EN", "causer_charge", "causer_price", "FundingSplit",
           "funding_split", "subsidy_guidance"]

CAUSER_BASIS_KO = "환경부 고시 건축물 용도별 오수발생량(일최대) 합계, 지하수(침입수) 제외"
CAUSER_BASIS_EN = "building sewage at day-max by the MOE notice's unit loads, without groundwater infiltration"


def causer_price(price_krw_per_m3_per_day: float | None = None) -> dict:
    """The unit price [KRW/(m3/d)] used and its origin: the city's (given) or the published median.

    Returns ``{"krw_per_m3_per_day", "origin": "input" | "default", "default": {...}}`` with the
    default's range and sources (:func:`.finance.default_causer_charge_unit_price`).
    """
    from .finance import default_causer_charge_unit_price

    default = default_causer_charge_unit_price()
    if price_krw_per_m3_per_day is None:
        return {"krw_per_m3_per_day": default["krw_per_m3_per_day"], "origin": "default", "default": default}
    if not (math.isfinite(price_krw_per_m3_per_day) and price_krw_per_m3_per_day > 0):
        raise ParameterError("causer_price_krw_per_m3_per_day", price_krw_per_m3_per_day, "> 0 KRW/(m3/d)")
    return {"krw_per_m3_per_day": float(price_krw_per_m3_per_day), "origin": "input", "default": default}


def causer_charge(building_sewage_day_max_m3_per_day, unit_price_krw_per_m3_per_day=None):
    """Causer charge (원인자부담금) of a development [KRW] = basis flow x unit price.

    Parameters
    ----------
    building_sewage_day_max_m3_per_day : float, array or Series
        The basis: the development's building sewage at day-max [m3/d] by the MOE notice (or
        the city's adopted unit loads), **without** groundwater infiltration (:data:`CAUSER_BASIS_EN`).
    unit_price_krw_per_m3_per_day : float, optional
        The city's ordinance price [KRW/(m3/d)]; default the median of published prices.

    References
    ----------
    Sewerage Act art. 61 (원인자부담금); prices in kr_causer_charge_unit_prices.csv.
    """
    arr = np.asarray(building_sewage_day_max_m3_per_day, dtype=float)
    if np.any(~np.isfinite(arr) | (arr < 0)):
        raise ParameterError("building_sewage_day_max_m3_per_day", building_sewage_day_max_m3_per_day, ">= 0 m3/d")
    price = causer_price(unit_price_krw_per_m3_per_day)["krw_per_m3_per_day"]
    return building_sewage_day_max_m3_per_day * price


@dataclass
class FundingSplit:
    """Who pays the total project cost [KRW]. ``None``: the share was not entered."""

    total_krw: float
    causer_charge_krw: float  # as computed (basis x price)
    causer_applied_krw: float  # what funds this plant: min(charge, total)
    public_krw: float  # total - causer applied
    national_krw: float | None
    provincial_krw: float | None
    city_krw: float  # the city's net share (what reaches fees, with O&M)
    national_share: float | None
    provincial_share: float | None
    missing: list[str] = field(default_factory=list)

    @property
    def city_fraction_of_public(self) -> float:
        """Share of any further public cost (e.g. a later expansion) the city pays [-]."""
        return 1.0 - (self.national_share or 0.0) - (self.provincial_share or 0.0)


def funding_split(total_krw: float, causer_charge_krw: float, national_share: float | None = None,
                  provincial_share: float | None = None) -> FundingSplit:
    """Split a total project cost [KRW]: causer charge first, then national / provincial / city.

    Notes
    -----
    ``public = total - min(causer, total)``; ``national = s_n x public``; ``provincial = s_p x
    public``; ``city = public - national - provincial``. A share not entered counts as 0 in the
    city's figure (so the city's is an upper bound) and is listed in ``missing``.
    """
    for name, v in (("total_krw", total_krw), ("causer_charge_krw", causer_charge_krw)):
        if not (math.isfinite(v) and v >= 0):
            raise ParameterError(name, v, ">= 0 KRW")
    for name, v in (("national_share", national_share), ("provincial_share", provincial_share)):
        if v is not None and not (math.isfinite(v) and 0 <= v <= 1):
            raise ParameterError(name, v, "[0, 1] of the public part")
    if (national_share or 0) + (provincial_share or 0) > 1 + 1e-9:
        raise ParameterError("national_share + provincial_share", (national_share or 0) + (provincial_share or 0), "<= 1")
    applied = min(float(causer_charge_krw), float(total_krw))
    public = float(total_krw) - applied
    national = None if national_share is None else public * national_share
    provincial = None if provincial_share is None else public * provincial_share
    missing = [n for n, v in (("national_share", national_share), ("provincial_share", provincial_share)) if v is None]
    return FundingSplit(total_krw=float(total_krw), causer_charge_krw=float(causer_charge_krw),
                        causer_applied_krw=applied, public_krw=public, national_krw=national,
                        provincial_krw=provincial, city_krw=public - (national or 0.0) - (provincial or 0.0),
                        national_share=national_share, provincial_share=provincial_share, missing=missing)


def subsidy_guidance() -> list[dict]:
    """Observed funding shares (``kr_sewerage_subsidy_shares.csv`` rows marked observed), as guidance."""
    from .finance import _csv

    df = _csv("kr_sewerage_subsidy_shares.csv")
    rows = df[df["item"] == "observed"]
    return [{"where": r.jurisdiction_or_project, "facility": r.facility_type, "national": r.national_share_pct,
             "provincial": r.provincial_share_pct, "local": r.local_share_pct, "period": r.year_or_period,
             "source": r.source} for r in rows.itertuples()]
