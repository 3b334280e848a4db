"""Who pays: the funding structure, the causer charge (원인자부담금) and the national, provincial and city shares.

**Funding structures** (:data:`FUNDING_STRUCTURES`, the project file's ``finance.funding_structure``):

``developer_pays_all`` (사업시행자 전액 부담; the default for a 택지개발 / 도시개발 new town)
    The developer (사업시행자: LH, a city corporation) pays the whole plant as 원인자부담금 or
    builds it: 하수도법 제61조제2항 lets the public sewerage authority charge "the whole or part"
    of the cost of sewerage made necessary by a development (타행위) or have the developer build
    it; 하수도법 시행령 제35조제2항제2호 names 택지개발촉진법 and 도시개발법 projects as such
    developments; the developer puts the charge into the land cost (택지개발촉진법 시행규칙 제11조
    별표, MOE interpretation on a 전라남도 택지 in 무안군). Observed: 인천 검단 (+92,000 m3/d, 1,670억원)
    "인천도시공사·LH 전액 부담" (kr_plant_expansion_projects_capacity.csv); 거창군 조례 제22조 charged
    the developer the whole plant and sewer cost (부산고법 2017누11476). The city pays no capital.
``causer_and_subsidy`` (원인자부담금 + 국비·도비 보조; the rule of release 0.2)
    The causer charge on its basis at the ordinance price is applied first (never more than the
    total); the public rest is split by the national and provincial shares the user enters (the
    statutory table, 보조금 관리에 관한 법률 시행령 별표1, was not found: shares are inputs); the
    city pays the rest.
``city_funded`` (시 재정사업)
    No causer charge: the national and provincial shares (if entered) of the whole cost, the city
    the rest (national subsidy generally goes to the city's own projects).

A **later** public amount (an expansion the plant forces, or any cost after the development is
settled) is paid as public money in every structure: the city's fraction after the shares
entered (:attr:`FundingSplit.city_fraction_of_public`).

**Causer-charge basis** (:data:`CAUSER_BASES`, ``finance.causer_basis``): the ordinance's rule,
the development's building sewage at day-max by the MOE notice's unit loads (or the city's adopted
table), without groundwater (``unit_loads``, default); or the need measured from water bills, the
ML day-max without groundwater (``measured_need``). The notice's loads are design values far above
measured use; both are printed, with the conflict in one sentence.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from ...errors import ParameterError
from .tables import csv_table

__all__ = ["FundingStructure", "FUNDING_STRUCTURES", "DEFAULT_FUNDING_STRUCTURE", "funding_structure",
           "CausersBasis", "CAUSER_BASES", "DEFAULT_CAUSER_BASIS", "CAUSER_BASIS_KO", "CAUSER_BASIS_EN",
           "causer_charge", "causer_price", "causer_charge_unit_prices", "default_causer_charge_unit_price",
           "FundingSplit", "funding_split", "PAYERS", "split_difference", "subsidy_guidance"]


@dataclass(frozen=True)
class FundingStructure:
    """One way a plant is paid for, with its legal basis (module docstring)."""

    key: str
    label_ko: str
    label_en: str
    basis_ko: str
    basis_en: str


FUNDING_STRUCTURES: dict[str, FundingStructure] = {
    "developer_pays_all": FundingStructure(
        "developer_pays_all", "사업시행자 전액 부담", "developer pays all",
        "하수도법 제61조제2항(개발사업으로 필요해진 공공하수도 공사비의 전부를 사업시행자에게 부담시키거나 "
        "공사를 시행하게 함), 같은 법 시행령 제35조제2항제2호(택지개발·도시개발사업); 예: 인천 검단 "
        "인천도시공사·한국토지주택공사 전액 부담",
        "Sewerage Act art. 61(2) (the whole cost of sewerage a development makes necessary charged to its "
        "developer, or built by it), Enforcement Decree art. 35(2)2 (택지개발, 도시개발 projects); e.g. "
        "Incheon Geomdan paid in full by Incheon Urban Corporation and LH"),
    "causer_and_subsidy": FundingStructure(
        "causer_and_subsidy", "원인자부담금 + 국비·도비 보조", "causer charge plus subsidies",
        "하수도법 제61조제2항(공사비의 일부) 원인자부담금을 먼저 적용하고 나머지를 국비·도비 입력 비율로 "
        "나눔(법정 보조율 표 미확인)",
        "Sewerage Act art. 61(2) (part of the cost) charged first, the rest split by the national and "
        "provincial shares entered (statutory table not found)"),
    "city_funded": FundingStructure(
        "city_funded", "시 재정사업", "city-funded",
        "원인자부담금 없이 국비·도비 입력 비율과 시비로 부담",
        "no causer charge: the national and provincial shares entered, the city the rest"),
}
DEFAULT_FUNDING_STRUCTURE = "developer_pays_all"


def funding_structure(key: str) -> FundingStructure:
    """The funding structure ``key``; a KeyError lists the valid keys."""
    if key not in FUNDING_STRUCTURES:
        raise KeyError(f"Unknown funding structure {key!r}; valid: {list(FUNDING_STRUCTURES)} "
                       "(finance.funding_structure)")
    return FUNDING_STRUCTURES[key]


@dataclass(frozen=True)
class CausersBasis:
    """A basis flow of the causer charge."""

    key: str
    label_ko: str
    label_en: str


CAUSER_BASES: dict[str, CausersBasis] = {
    "unit_loads": CausersBasis("unit_loads", "조례 원단위(환경부 고시 건축물 용도별 오수발생량, 일최대, 지하수 제외)",
                               "ordinance unit loads (MOE notice building sewage, day-max, no groundwater)"),
    "measured_need": CausersBasis("measured_need", "요금자료로 잰 필요량(일최대, 지하수 제외)",
                                  "the need measured from water bills (day-max, no groundwater)"),
}
DEFAULT_CAUSER_BASIS = "unit_loads"
CAUSER_BASIS_KO = CAUSER_BASES["unit_loads"].label_ko
CAUSER_BASIS_EN = CAUSER_BASES["unit_loads"].label_en


def causer_charge_unit_prices():
    """Published causer-charge unit prices [KRW/(m3/d)] with sources (a pandas DataFrame)."""
    return csv_table("kr_causer_charge_unit_prices.csv").copy()


def default_causer_charge_unit_price() -> dict:
    """The default unit price [KRW/(m3/d)] and how it was chosen.

    Choice: the median over municipalities of each one's latest published price
    (Seoul 2017, Incheon 2016, Paju 2019, Haenam 2017, Cheonan 2017), so neither the
    low Seoul average nor Paju's high price drives the default; min and max are
    returned for the range. Municipalities set their own prices by ordinance: pass the
    local one.
    """
    return dict(_default_causer_price())  # a copy: callers may add to it


@functools.lru_cache(maxsize=1)
def _default_causer_price() -> dict:
    """The published median, computed once per process (a briefing asks for it about 30 times)."""
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


def causer_price(price_krw_per_m3_per_day: float | None = None) -> dict:
    """The unit price [KRW/(m3/d)] used and its origin: the city's (given) or the published median.

    Returns ``{"krw_per_m3_per_day", "origin": "input" | "default", "default": {...}}`` with the
    default's range and sources (:func:`default_causer_charge_unit_price`).
    """
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
        The basis [m3/d]: by default the development's building sewage at day-max by the MOE
        notice (or the city's adopted unit loads), **without** groundwater (:data:`CAUSER_BASIS_EN`).
    unit_price_krw_per_m3_per_day : float, optional
        The city's ordinance price [KRW/(m3/d)]; default the median of published prices.

    References
    ----------
    하수도법 제61조 (원인자부담금); prices in kr_causer_charge_unit_prices.csv.
    """
    arr = np.asarray(building_sewage_day_max_m3_per_day, dtype=float)
    if np.any(~np.isfinite(arr) | (arr < 0)):
        raise ParameterError("building_sewage_day_max_m3_per_day", building_sewage_day_max_m3_per_day, ">= 0 m3/d")
    price = causer_price(unit_price_krw_per_m3_per_day)["krw_per_m3_per_day"]
    return building_sewage_day_max_m3_per_day * price


PAYERS = ("developer", "national", "provincial", "city")


@dataclass
class FundingSplit:
    """Who pays the total project cost [KRW]. ``None``: the share was not entered (and applies)."""

    total_krw: float
    causer_charge_krw: float  # as computed (basis x price); 0 when the structure has no charge
    causer_applied_krw: float  # what the developer (causer) pays toward this plant
    public_krw: float  # total - what the developer pays
    national_krw: float | None
    provincial_krw: float | None
    city_krw: float  # the city's net share (what reaches fees, with O&M)
    national_share: float | None
    provincial_share: float | None
    missing: list[str] = field(default_factory=list)
    structure: str = "causer_and_subsidy"

    @property
    def developer_krw(self) -> float:
        """What the developer (사업시행자, the causer) pays [KRW]."""
        return self.causer_applied_krw

    @property
    def city_fraction_of_public(self) -> float:
        """Share of any further public cost (e.g. a later expansion) the city pays [-]."""
        return 1.0 - (self.national_share or 0.0) - (self.provincial_share or 0.0)

    def by_payer(self) -> dict[str, float]:
        """{payer: KRW} over :data:`PAYERS` (a share not entered counts 0; the city's is then an upper bound)."""
        return {"developer": self.causer_applied_krw, "national": self.national_krw or 0.0,
                "provincial": self.provincial_krw or 0.0, "city": self.city_krw}


def _check_split_inputs(total_krw, causer_charge_krw, national_share, provincial_share, structure) -> None:
    funding_structure(structure)
    for name, v in (("total_krw", total_krw), ("causer_charge_krw", causer_charge_krw)):
        if not (math.isfinite(v) and v >= 0):
            raise ParameterError(name, v, ">= 0 KRW")
    for name, v in (("national_share", national_share), ("provincial_share", provincial_share)):
        if v is not None and not (math.isfinite(v) and 0 <= v <= 1):
            raise ParameterError(name, v, "[0, 1] of the public part")
    if (national_share or 0) + (provincial_share or 0) > 1 + 1e-9:
        raise ParameterError("national_share + provincial_share", (national_share or 0) + (provincial_share or 0), "<= 1")


def funding_split(total_krw: float, causer_charge_krw: float, national_share: float | None = None,
                  provincial_share: float | None = None, structure: str = "causer_and_subsidy") -> FundingSplit:
    """Split a total project cost [KRW] by the funding ``structure`` (module docstring).

    Notes
    -----
    ``developer = total`` (developer_pays_all), ``min(causer, total)`` (causer_and_subsidy) or 0
    (city_funded); ``public = total - developer``; ``national = s_n x public``; ``provincial =
    s_p x public``; ``city = public - national - provincial``. A share not entered counts as 0 in
    the city's figure (so the city's is an upper bound) and is listed in ``missing`` when there is
    a public part to split.
    """
    _check_split_inputs(total_krw, causer_charge_krw, national_share, provincial_share, structure)
    total = float(total_krw)
    applied = {"developer_pays_all": total, "causer_and_subsidy": min(float(causer_charge_krw), total),
               "city_funded": 0.0}[structure]
    public = total - applied
    national = None if national_share is None else public * national_share
    provincial = None if provincial_share is None else public * provincial_share
    missing = [] if structure == "developer_pays_all" else \
        [n for n, v in (("national_share", national_share), ("provincial_share", provincial_share)) if v is None]
    return FundingSplit(total_krw=total, causer_charge_krw=0.0 if structure == "city_funded" else float(causer_charge_krw),
                        causer_applied_krw=applied, public_krw=public,
                        national_krw=0.0 if structure == "developer_pays_all" else national,
                        provincial_krw=0.0 if structure == "developer_pays_all" else provincial,
                        city_krw=public - (national or 0.0) - (provincial or 0.0),
                        national_share=national_share, provincial_share=provincial_share, missing=missing,
                        structure=structure)


def split_difference(larger: FundingSplit, smaller: FundingSplit) -> dict[str, float]:
    """{payer: KRW} of ``larger`` minus ``smaller``: whose money a difference between two plants is."""
    a, b = larger.by_payer(), smaller.by_payer()
    return {p: a[p] - b[p] for p in PAYERS}


def subsidy_guidance() -> list[dict]:
    """Observed funding shares (``kr_sewerage_subsidy_shares.csv`` rows marked observed), as guidance."""
    df = csv_table("kr_sewerage_subsidy_shares.csv")
    rows = df[df["item"] == "observed"]
    return [{"where": r.jurisdiction_or_project, "facility": r.facility_type, "national": r.national_share_pct,
             "provincial": r.provincial_share_pct, "local": r.local_share_pct, "period": r.year_or_period,
             "source": r.source} for r in rows.itertuples()]
