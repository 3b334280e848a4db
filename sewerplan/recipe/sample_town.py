"""A seeded generator for a *synthetic* Korean new town (가온시, a fictional city).

Everything this module writes is synthetic. It exists so that ``sewerplan demo`` and the
tests can run the whole municipality recipe (register + water billing -> observed sewage ->
model -> forecast for a planned town) without any real, personal data. Same seed and scale
give the same bytes (:func:`write_sample_town`).

What is generated
-----------------
* **Existing town** (8 legal-dong districts, ~3,500 buildings at ``scale=1``): a building
  register title section (건축물대장 표제부) in the column names of the 세움터 download,
  24 months (2023-01 .. 2024-12) of water billing (상수도 요금 부과자료) per meter, and a
  "truth" file with each building's true day-average water use (known only because the town
  is synthetic; used to show how close billing-derived observations are).
* **Household composition** of the existing residential buildings (가구원수별 가구수, the
  columns a Statistics Korea / 주민등록 extract gives): counts of 1..5+ person households per
  building from the generator's own household sizes; ~2% of residential buildings are left out
  (not in the extract), so the "no composition" path of the ML model runs.
* **Planned town** (6 planning districts / 생활권, ~1,000 planned buildings): a register-style
  plan with planned completion dates 2027..2033 (phased by district), no billing.

The pilot's pattern (2023 Statistics Korea / Siheung pilot: the population formula fell short of
observed sewage in every area): officetels (main use 오피스텔) and studio flats in buildings
registered as 제2종근린생활시설 are homes without 세대수 in the register, and shops, offices and a
factory estate add nothing to the formula, so it falls short in most districts; 마루동, purely
residential and low-density, is where it overshoots. About half of the households live in such
buildings, deliberately more than in a typical Korean town, so the mechanism is visible.

Assumptions and sources (also in ``sewerplan/sample_data/README.md``)
--------------------------------------------------------------------
Housing (water use per household per day) [L/(household d)]
    Seoul Water Institute meter study of 130,419 households, 2021
    (``model/data/seoul_household_water_use_by_size_2021.csv``): 1 person 276, 2: 420, 3: 522,
    4: 610, 5+: 700 (mean of the 5- and 6-person values weighted toward 5). Floor area adds
    +8% from 10-20 to 40+ pyeong (same study): a linear +0..8% between 33 and 132 m2 of
    dwelling area.
Household size mix
    Conditional on dwelling size (assumption, below), chosen so that the town-wide mix is
    close to the 2023 census shares (1: 35.5%, 2: 28.8%, 3: 19.0%, 4: 13.3%, 5+: 3.5%;
    ``model/data/kr_household_size_distribution.csv``); the achieved mix is printed in the
    README. Older districts get slightly larger households (census trend 2017 -> 2023).
Vintage: newer homes use less (the newest-cohort check of issue 21 has something to find)
    Household water falls by :data:`VINTAGE_DROP_PER_YEAR` = 1% per year of completion after
    :data:`VINTAGE_FROM_YEAR` = 2005 (multiplicative; 2015: -10%, 2024: -17%), capped at
    :data:`VINTAGE_MAX_DROP` = 20% (2028 on). Grounded in public benchmarking data: NYC LL84 2016
    (``data/public/nyc_ll84_2016_train.csv``) multifamily median 5.9 L/(m2 d) for buildings
    completed up to 2005 against 4.7 for 2006 and later (-21%); a second US city's newest
    multifamily cohorts 3.7 -> 3.3 -> 3.0 L/(m2 d) for 2000-10, 2010-16, 2016-20 (about
    -1.6% a year). Korean mechanisms: water-saving fixtures required in new buildings (수도법
    절수설비 설치 의무) and smaller, younger households. The rate is an assumption: about two thirds of
    the US cohort trend, as Korean homes had water-saving fixtures required earlier, and a cap
    because fixtures cannot keep saving the same share forever.
Variation between buildings
    Per-household use varies lognormally (sigma 0.45, assumption); a building factor
    (sigma 0.12) stands for local habits; vacancy 0-8% per building (assumption).
Non-residential intensities [L/(m2 d)] of *water* use, median and log-spread
    NYC Local Law 84 2016 (``data/public/nyc_ll84_2016_train.csv``, medians of
    water_m3_per_day / gross_floor_area_m2 by largest property use; sigma = IQR of ln / 1.349):
    office 2.09 (sigma 0.63), retail store 1.57 (0.99), K-12 school 1.15 (0.96),
    non-refrigerated warehouse 0.40 (1.23). No Korean per-building measurements are public, so
    NYC stands in. Assumptions where NYC has no row: class-2 neighbourhood facilities
    (restaurants and shops) 3.8 (0.99) = 70% retail at 1.57 + 30% restaurant floor at ~9
    (the MOE notice's 65 L/m2 d times the measured/design ratio of offices, 2.1/15);
    factories 2.5 (1.23) = half the MOE notice's 5 L/m2 d with the warehouse spread;
    bathhouses (욕탕용 meters in a few shop buildings) 30-80 m3/d.
Seasonality (assumption, no cited monthly series)
    Housing +-6% (peak August, low February), commerce +-4%, schools at 45% in January,
    February and August (vacations), industry flat.
Meters and billing
    Monthly billing of calendar months; billed volume = true use x season x month length x
    reading noise (lognormal sigma 0.08), rounded to whole m3 as utilities bill. Apartment
    complexes: half have one bulk 가정용 meter for the whole complex (one parcel, several
    buildings: the one-meter-many-buildings case), half one meter per tower. Shop and office
    buildings have 1-6 tenant meters (the many-meters-one-building case). 60% of meters
    carry the parcel id (PNU); the others only an address, written in the varied ways
    billing systems do ("123-4번지", "0123-0004", "산12", with or without the province).
Officetels and studio flats (assumption)
    Officetels: 100-300 units of 22-40 m2; studio flats: 18-48 rooms of 14-24 m2; water of their
    households as for housing (mostly one person); one bulk 일반용 meter; no 세대수 in the register.
Small industry outside the industrial estate (assumption)
    바다동 (mixed area) has 50 small workshops (공장) and 10 small storage buildings (창고시설),
    다솜동 6 and 4, of 300-3,000 m2 with the factory / warehouse intensities, so every category
    is in at least 2 districts and a model validated with 산단동 held out has seen industry.
Errors for the screening to catch (counts scale with the town)
    ~0.3% of meter-months are misread x10, ~0.3% are blank, ~0.1% negative (refunds);
    a few meters carry an address not in the register (a typo in the 동 name, or a parcel
    outside the town); a few buildings completed in 2024 have less than 12 months of bills
    and a few have no meter yet; 4 register rows have a missing floor area or main use.

The generator never reads files at run time: the NYC figures above are baked in as constants
(``NON_RESIDENTIAL_INTENSITY``), derived once by ``scripts/generate_sample_town.py --nyc``.
"""

from __future__ import annotations

import calendar
import gzip
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sewerplan.model.fileio import write_bytes_atomic

__all__ = [
    "DEFAULT_SEED",
    "SAMPLE_FILES",
    "SampleTown",
    "generate_sample_town",
    "write_sample_town",
    "sample_data_dir",
    "sample_file",
    "sample_base_scenario",
    "sample_scenario_yaml",
    "HOUSEHOLD_WATER_L_PER_DAY",
    "NON_RESIDENTIAL_INTENSITY",
    "vintage_factor",
]

DEFAULT_SEED = 20240601

SAMPLE_FILES = {
    "register": "synthetic_existing_register.csv",
    "billing": "synthetic_existing_billing.csv.gz",
    "truth": "synthetic_existing_truth.csv",
    "planned": "synthetic_planned_town.csv",
    "sample_buildings": "sample_buildings.csv",
    "household_mix": "synthetic_existing_household_mix.csv",
    "manifest": "synthetic_manifest.json",
}

CITY_PROVINCE = "경기도"
CITY_NAME = "가온시"
SIGUNGU_CODE = "41990"  # not a real 시군구 code: the city is fictional
BILLING_MONTHS = [f"{y}{m:02d}" for y in (2023, 2024) for m in range(1, 13)]

# Seoul Water Institute 2021 [L/(household d)] by household size 1..5+ (5+ weighted to 5).
HOUSEHOLD_WATER_L_PER_DAY = np.array([276.0, 420.0, 522.0, 610.0, 700.0])

# Newer homes use less water per household (module docstring, "Vintage").
VINTAGE_FROM_YEAR = 2005
VINTAGE_DROP_PER_YEAR = 0.01  # [1/year] multiplicative
VINTAGE_MAX_DROP = 0.20  # [-]

# Household-size shares (1,2,3,4,5+) conditional on dwelling area [m2] (assumption).
_HH_MIX_BY_DWELLING = [
    (40.0, [0.72, 0.21, 0.05, 0.02, 0.00]),
    (60.0, [0.48, 0.31, 0.13, 0.07, 0.01]),
    (85.0, [0.25, 0.32, 0.23, 0.16, 0.04]),
    (1e9, [0.16, 0.28, 0.26, 0.24, 0.06]),
]

# Median water intensity [L/(m2 d)] and log-sd [-]; see the module docstring for sources.
NON_RESIDENTIAL_INTENSITY = {
    "업무시설": (2.09, 0.63),  # NYC LL84 2016 Office, n=538
    "제1종근린생활시설": (1.57, 0.99),  # NYC LL84 2016 Retail Store, n=23
    "제2종근린생활시설": (3.8, 0.99),  # assumption: retail + restaurants
    "교육연구시설": (1.15, 0.96),  # NYC LL84 2016 K-12 School, n=34
    "창고시설": (0.40, 1.23),  # NYC LL84 2016 Non-Refrigerated Warehouse, n=72
    "공장": (2.5, 1.23),  # assumption: half the MOE 5 L/m2 d, warehouse spread
}

# District recipes for the existing town: (name, bjdong code, approval years, counts).
# counts: apartment complexes with dwelling-area range, and building counts per type.
_EXISTING_DISTRICTS = [
    ("가온동", "10100", (1994, 2006), {"apt": (9, (84, 135)), "단독주택": 60, "제1종근린생활시설": 45,
                                      "제2종근린생활시설": 25, "교육연구시설": 3, "오피스텔": 10, "원룸근생": 20}),
    ("나래동", "10200", (2008, 2019), {"apt": (9, (36, 59)), "제1종근린생활시설": 50,
                                      "제2종근린생활시설": 35, "업무시설": 20, "교육연구시설": 2,
                                      "오피스텔": 18, "원룸근생": 30}),
    ("다솜동", "10300", (1982, 2005), {"단독주택": 330, "다가구주택": 170, "다세대주택": 80,
                                      "제1종근린생활시설": 45, "제2종근린생활시설": 30, "교육연구시설": 2,
                                      "소규모공장": 6, "소규모창고": 4, "원룸근생": 80}),
    ("라온동", "10400", (1990, 2018), {"단독주택": 60, "다세대주택": 70, "제1종근린생활시설": 140,
                                      "제2종근린생활시설": 140, "업무시설": 45, "오피스텔": 16, "원룸근생": 20}),
    # the low-density, purely residential district: detached and row houses only
    ("마루동", "10500", (1998, 2012), {"단독주택": 420, "연립주택": 45}),
    ("바다동", "10600", (1988, 2010), {"apt": (5, (45, 110)), "단독주택": 220, "다가구주택": 110,
                                      "제1종근린생활시설": 55, "제2종근린생활시설": 35, "교육연구시설": 2,
                                      "소규모공장": 50, "소규모창고": 10, "원룸근생": 60}),
    ("새솔동", "10700", (2016, 2024), {"apt": (5, (59, 100)), "단독주택": 130, "다세대주택": 100,
                                      "제1종근린생활시설": 45, "제2종근린생활시설": 35, "업무시설": 10,
                                      "교육연구시설": 2, "오피스텔": 12}),
    ("산단동", "10800", (1995, 2020), {"공장": 200, "창고시설": 60, "업무시설": 8, "제1종근린생활시설": 12}),
]

# Planned districts (생활권): completion years and counts (same keys as above).
_PLANNED_DISTRICTS = [
    ("1생활권", (2027, 2028), {"apt": (6, (59, 85)), "제1종근린생활시설": 25, "제2종근린생활시설": 15,
                               "교육연구시설": 2, "오피스텔": 8}),
    ("2생활권", (2028, 2029), {"apt": (6, (36, 59)), "제1종근린생활시설": 25, "제2종근린생활시설": 20,
                               "업무시설": 6, "교육연구시설": 1, "오피스텔": 12, "원룸근생": 20}),
    ("3생활권", (2029, 2030), {"apt": (4, (84, 135)), "단독주택": 120, "제1종근린생활시설": 20,
                               "교육연구시설": 2}),
    ("4생활권", (2029, 2031), {"제1종근린생활시설": 60, "제2종근린생활시설": 70, "업무시설": 30,
                               "다세대주택": 40, "오피스텔": 20}),
    ("5생활권", (2031, 2032), {"apt": (4, (45, 85)), "단독주택": 80, "다가구주택": 40,
                               "제1종근린생활시설": 20, "교육연구시설": 2}),
    ("6생활권", (2032, 2033), {"공장": 120, "창고시설": 40, "업무시설": 5, "제1종근린생활시설": 6}),
]

REGISTER_COLUMNS = [
    "관리건축물대장PK", "대지위치", "시군구코드", "법정동코드", "대지구분코드", "번", "지",
    "건물명", "주용도코드명", "연면적(㎡)", "세대수(세대)", "가구수(가구)", "호수(호)",
    "지상층수", "사용승인일",
]
BILLING_COLUMNS = ["수용가번호", "수용가주소", "필지고유번호(PNU)", "업종", "구경(mm)", "가구수",
                   "부과년월", "사용량(㎥)"]
HOUSEHOLD_MIX_COLUMNS = ["관리건축물대장PK", "대지위치", "1인가구", "2인가구", "3인가구", "4인가구", "5인이상가구"]
# Small workshops and storage in mixed districts (register main use 공장 / 창고시설, smaller floor area).
_SMALL_INDUSTRY = {"소규모공장": "공장", "소규모창고": "창고시설"}
# Share of residential buildings left out of the household-composition extract (not found in the
# census / resident register extract), so the "no composition" path is exercised (assumption).
HOUSEHOLD_MIX_MISSING_SHARE = 0.02
PLANNED_COLUMNS = ["관리건축물대장PK", "배수구역", "대지위치", "건물명", "주용도코드명", "연면적(㎡)",
                   "세대수(세대)", "호수(호)", "지상층수", "사용승인일"]


@dataclass
class SampleTown:
    """The generated tables (DataFrames with the column names written to disk)."""

    existing_register: pd.DataFrame
    billing: pd.DataFrame
    truth: pd.DataFrame
    planned: pd.DataFrame
    household_mix: pd.DataFrame
    seed: int
    scale: float
    stats: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers
def _hh_mix(dwelling_m2: float) -> np.ndarray:
    for upper, mix in _HH_MIX_BY_DWELLING:
        if dwelling_m2 <= upper:
            return np.array(mix)
    return np.array(_HH_MIX_BY_DWELLING[-1][1])


def vintage_factor(year: int) -> float:
    """Water use of a home completed in ``year`` relative to one completed by 2005 [-] (docstring, "Vintage")."""
    drop = 1.0 - (1.0 - VINTAGE_DROP_PER_YEAR) ** max(0, year - VINTAGE_FROM_YEAR)
    return 1.0 - min(drop, VINTAGE_MAX_DROP)


def _household_water_m3(rng, households: int, dwelling_m2: float, older: bool, year: int) -> tuple[float, np.ndarray]:
    """True day-average water use of ``households`` dwellings completed in ``year`` [m3/d] and their size counts."""
    if households <= 0:
        return 0.0, np.zeros(5)
    mix = _hh_mix(dwelling_m2)
    if older:  # older districts keep somewhat larger households (census trend 2017 -> 2023)
        mix = mix * np.array([0.9, 1.0, 1.05, 1.1, 1.2])
        mix = mix / mix.sum()
    counts = rng.multinomial(households, mix)
    size_factor = 1.0 + 0.08 * np.clip((dwelling_m2 - 33.0) / (132.0 - 33.0), 0.0, 1.0)
    per_hh = np.repeat(HOUSEHOLD_WATER_L_PER_DAY, counts)
    per_hh = per_hh * rng.lognormal(-0.5 * 0.45**2, 0.45, size=per_hh.size)
    occupied = rng.random(per_hh.size) >= rng.uniform(0.0, 0.08)
    litres = float((per_hh * occupied).sum()) * size_factor * rng.lognormal(0.0, 0.12) * vintage_factor(year)
    return litres / 1000.0, counts


def _approval_date(rng, years) -> str:
    y = int(rng.integers(years[0], years[1] + 1))
    m = int(rng.integers(1, 13))
    d = int(rng.integers(1, 29))
    return f"{y}{m:02d}{d:02d}"


def _scaled(n: int, scale: float) -> int:
    return max(1, int(round(n * scale))) if n > 0 else 0


class _Builder:
    """Accumulates buildings, parcels and meters for one town."""

    def __init__(self, rng, planned: bool):
        self.rng = rng
        self.planned = planned
        self.buildings: list[dict] = []
        self.meters: list[dict] = []  # each: parcel, use_class, households, daily m3, kind
        self.next_bun: dict[str, int] = {}
        self.seq = 0  # buildings numbered in the order they are generated

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def parcel(self, dong: str, bjdong: str) -> tuple[int, int]:
        bun = self.next_bun.get(dong, 1 if self.planned else int(self.rng.integers(100, 300)))
        self.next_bun[dong] = bun + int(self.rng.integers(1, 4))
        ji = int(self.rng.integers(1, 30)) if self.rng.random() < 0.45 else 0
        return bun, ji

    def add_building(self, **kw) -> dict:
        self.buildings.append(kw)
        return kw


def _lot_text(bun: int, ji: int) -> str:
    return f"{bun}-{ji}" if ji else f"{bun}"


@dataclass
class _District:
    """One district recipe of :data:`_EXISTING_DISTRICTS` or :data:`_PLANNED_DISTRICTS`."""

    index: int
    dong: str
    bjdong: str | None
    years: tuple
    counts: dict
    older: bool

    @classmethod
    def of(cls, index: int, spec: tuple, planned: bool) -> "_District":
        if planned:
            dong, years, counts = spec
            bjdong = None
        else:
            dong, bjdong, years, counts = spec
        return cls(index, dong, bjdong, years, counts, older=(not planned) and years[1] <= 2010)


_COMPLEX_NAMES = ['푸른', '한빛', '누리', '하늘', '솔빛', '미르', '다온', '보람', '새봄']
_HOUSING_KINDS = ("단독주택", "다가구주택", "다세대주택", "연립주택")


def _build_town(rng, districts, scale: float, planned: bool) -> _Builder:
    """Every district's apartment complexes and buildings, type by type, with their meters."""
    b = _Builder(rng, planned)
    for d_index, spec in enumerate(districts):
        d = _District.of(d_index, spec, planned)
        for kind, count in d.counts.items():
            if kind == "apt":
                n_complex, area_range = count
                for c in range(_scaled(n_complex, scale)):
                    _add_complex(b, d, c, area_range)
                continue
            for _ in range(_scaled(count, scale)):
                seq = b.next_seq()
                bun, ji = b.parcel(d.dong, d.bjdong)
                approval = _approval_date(rng, d.years)
                if kind in _HOUSING_KINDS:
                    _add_house(b, d, seq, bun, ji, kind, approval)
                elif kind in _LIVED_IN_NON_RESIDENTIAL:
                    _add_lived_in(b, d, seq, bun, ji, kind, approval)
                else:
                    _add_non_residential(b, d, seq, bun, ji, kind, approval)
    return b


def _add_complex(b: _Builder, d: _District, c: int, area_range: tuple) -> None:
    """An apartment complex on one parcel: 4-12 towers, a shopping building, and their meters."""
    rng = b.rng
    bun, _ = b.parcel(d.dong, d.bjdong)
    ji = 0
    approval = _approval_date(rng, d.years)
    dwelling = float(rng.uniform(*area_range))
    n_towers = int(rng.integers(4, 13))
    complex_name = f"{'새빛' if b.planned else d.dong[:2]}{_COMPLEX_NAMES[c % 9]}마을{c + 1}단지"
    towers = [_add_tower(b, d, bun, f"{complex_name} {101 + t}동", dwelling, approval) for t in range(n_towers)]
    # a complex shopping building on the same parcel, with its own meters
    shop = _non_residential(b, rng, b.next_seq(), d.dong, d.bjdong, bun, ji, d.index, "제1종근린생활시설",
                            approval, d.years, name=f"{complex_name} 상가")
    if not b.planned:
        _complex_meters(b, (d.dong, bun, ji), towers, approval)
        _tenant_meters(b, rng, shop)


def _add_tower(b: _Builder, d: _District, bun: int, name: str, dwelling: float, approval: str) -> dict:
    """One apartment tower of 12-29 floors [households, m2, m3/d of water]."""
    rng = b.rng
    floors = int(rng.integers(12, 30))
    per_floor = int(rng.choice([2, 4, 4, 6])) if dwelling < 60 else int(rng.choice([2, 4]))
    hh = floors * per_floor
    seq = b.next_seq()
    water, counts_hh = _household_water_m3(rng, hh, dwelling, d.older, int(approval[:4]))
    return b.add_building(
        seq=seq, dong=d.dong, bjdong=d.bjdong, bun=bun, ji=0, district_index=d.index,
        name=name, use="아파트",
        floor_area=round(hh * dwelling * 1.33 * float(rng.uniform(0.95, 1.05)), 2),
        households=hh, families=0, units=0, floors=floors, approval=approval,
        water=water * 1.02, hh_counts=counts_hh, planned_years=d.years,
    )


def _complex_meters(b: _Builder, parcel: tuple, towers: list, approval: str) -> None:
    """Half the complexes have one bulk 가정용 meter, the others one meter per tower."""
    if b.rng.random() < 0.5:  # one bulk meter for the whole complex
        b.meters.append(dict(parcel=parcel, use_class="가정용", households=sum(t["households"] for t in towers),
                             daily=sum(t["water"] for t in towers), kind="residential",
                             approval=approval, size=100))
        return
    for t in towers:
        b.meters.append(dict(parcel=parcel, use_class="가정용", households=t["households"], daily=t["water"],
                             kind="residential", approval=approval, size=80))


def _house_size(rng, kind: str) -> tuple[int, float, int]:
    """(households, dwelling area [m2], floors) of a detached / multi-family / row house."""
    if kind == "단독주택":
        return 1, float(rng.uniform(70, 190)), int(rng.integers(1, 3))
    if kind == "다가구주택":
        return int(rng.integers(3, 13)), float(rng.uniform(24, 50)), 3
    if kind == "다세대주택":
        return int(rng.integers(8, 20)), float(rng.uniform(38, 62)), int(rng.integers(4, 6))
    return int(rng.integers(10, 31)), float(rng.uniform(60, 90)), 4


def _add_house(b: _Builder, d: _District, seq: int, bun: int, ji: int, kind: str, approval: str) -> None:
    """A house (not an apartment) and, in the existing town, its 가정용 meter."""
    rng = b.rng
    hh, dwelling, floors = _house_size(rng, kind)
    water, counts_hh = _household_water_m3(rng, hh, dwelling, d.older, int(approval[:4]))
    b.add_building(
        seq=seq, dong=d.dong, bjdong=d.bjdong, bun=bun, ji=ji, district_index=d.index,
        name="", use=kind,
        floor_area=round(hh * dwelling * float(rng.uniform(1.1, 1.25)), 2),
        households=hh, families=hh if kind == "다가구주택" else 0,
        units=hh if kind in ("다세대주택", "연립주택") else 0, floors=floors,
        approval=approval, water=water, hh_counts=counts_hh, planned_years=d.years,
    )
    if not b.planned:
        b.meters.append(dict(parcel=(d.dong, bun, ji), use_class="가정용", households=hh,
                             daily=water, kind="residential", approval=approval,
                             size=20 if hh < 5 else 40))


# People live in these although the register counts them as non-residential (no 세대수):
# kind -> (register main use, units per building, dwelling area [m2], floors, name suffix).
_LIVED_IN_NON_RESIDENTIAL = {
    "오피스텔": ("오피스텔", (100, 300), (22.0, 40.0), (12, 30), "오피스텔"),
    "원룸근생": ("제2종근린생활시설", (18, 48), (14.0, 24.0), (4, 6), "원룸텔"),
}


def _add_lived_in(b: _Builder, d: _District, seq: int, bun: int, ji: int, kind: str, approval: str) -> None:
    """An officetel or a studio-flat building registered as a shop: homes without 세대수 in the register.

    Water is that of its (mostly one-person) households (:func:`_household_water_m3`); the register
    row has no households or dwelling count, as 세움터 shows these buildings, so the pilot formula
    counts nobody in them. One bulk 일반용 meter.
    """
    rng = b.rng
    use, n_range, area_range, floor_range, suffix = _LIVED_IN_NON_RESIDENTIAL[kind]
    units = int(rng.integers(*n_range))
    dwelling = float(rng.uniform(*area_range))
    water, counts_hh = _household_water_m3(rng, units, dwelling, older=False, year=int(approval[:4]))
    prefix = "새빛" if b.planned else d.dong[:2]
    bld = b.add_building(
        seq=seq, dong=d.dong, bjdong=d.bjdong, bun=bun, ji=ji, district_index=d.index,
        name=f"{prefix}{_COMPLEX_NAMES[seq % 9]}{suffix}", use=use,
        floor_area=round(units * dwelling * float(rng.uniform(1.35, 1.55)), 2),
        households=0, families=0, units=0, floors=int(rng.integers(floor_range[0], floor_range[1] + 1)),
        approval=approval, water=water, hh_counts=counts_hh, planned_years=d.years,
    )
    if not b.planned:
        b.meters.append(dict(parcel=(d.dong, bun, ji), use_class="일반용", households=0, daily=bld["water"],
                             kind="residential", approval=approval, size=50))


def _add_non_residential(b: _Builder, d: _District, seq: int, bun: int, ji: int, kind: str, approval: str) -> None:
    """A non-residential building; 30% of factories get an ancillary warehouse on the factory's meter."""
    rng = b.rng
    bld = _non_residential(b, rng, seq, d.dong, d.bjdong, bun, ji, d.index, kind, approval, d.years)
    if kind == "공장" and rng.random() < 0.3:
        extra = _non_residential(b, rng, b.next_seq(), d.dong, d.bjdong, bun, ji, d.index, "창고시설",
                                 approval, d.years, name=f"{bld['name']} 부속창고")
        if not b.planned:
            b.meters.append(dict(parcel=(d.dong, bun, ji), use_class="공업용", households=0,
                                 daily=bld["water"] + extra["water"], kind="industrial",
                                 approval=approval, size=50))
        return
    if not b.planned:
        _tenant_meters(b, rng, bld)


_SHOP_NAMES = ["빌딩", "프라자", "타워", "상가", "센터", "스퀘어"]


def _non_residential(b, rng, seq, dong, bjdong, bun, ji, d_index, use, approval, years, name=None):
    ranges = {
        "제1종근린생활시설": (250, 2500, 2, 6), "제2종근린생활시설": (400, 3500, 3, 7),
        "업무시설": (2000, 20000, 6, 20), "교육연구시설": (7000, 16000, 4, 6),
        "공장": (900, 9000, 1, 4), "창고시설": (600, 6000, 1, 3),
        "소규모공장": (300, 3000, 1, 3), "소규모창고": (300, 3000, 1, 2),
    }
    lo, hi, f_lo, f_hi = ranges[use]
    use = _SMALL_INDUSTRY.get(use, use)
    area = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    median, sigma = NON_RESIDENTIAL_INTENSITY[use]
    intensity = median * rng.lognormal(0.0, sigma)
    water = area * intensity / 1000.0
    prefix = "새빛" if dong.endswith("생활권") else dong[:2]
    if name is None:
        if use == "교육연구시설":
            name = f"{prefix}{['초등학교', '중학교', '고등학교'][seq % 3]}"
        elif use in ("공장", "창고시설"):
            name = f"({['주', '유', '합'][seq % 3]}){prefix[:1]}{['성', '진', '한', '대', '우'][seq % 5]}{['산업', '정밀', '물류', '식품', '화학'][seq % 5]}"
        else:
            name = f"{prefix}{_SHOP_NAMES[seq % len(_SHOP_NAMES)]}" if rng.random() < 0.6 else ""
    return b.add_building(
        seq=seq, dong=dong, bjdong=bjdong, bun=bun, ji=ji, district_index=d_index, name=name, use=use,
        floor_area=round(area, 2), households=0, families=0, units=0,
        floors=int(rng.integers(f_lo, f_hi + 1)), approval=approval, water=water,
        hh_counts=np.zeros(5), planned_years=years,
    )


def _tenant_meters(b, rng, bld):
    use = bld["use"]
    parcel = (bld["dong"], bld["bun"], bld["ji"])
    kind = {"교육연구시설": "school", "공장": "industrial", "창고시설": "industrial"}.get(use, "commercial")
    if use == "교육연구시설":
        b.meters.append(dict(parcel=parcel, use_class="공공용", households=0, daily=bld["water"],
                             kind=kind, approval=bld["approval"], size=80))
        return
    if use in ("공장", "창고시설"):
        cls = "공업용" if use == "공장" else "일반용"
        b.meters.append(dict(parcel=parcel, use_class=cls, households=0, daily=bld["water"], kind=kind,
                             approval=bld["approval"], size=50))
        return
    n = int(rng.integers(1, 4))
    shares = rng.dirichlet(np.ones(n) * 2.0)
    for s in shares:
        b.meters.append(dict(parcel=parcel, use_class="일반용", households=0, daily=bld["water"] * s,
                             kind=kind, approval=bld["approval"], size=25))
    if use == "제1종근린생활시설" and rng.random() < 0.04:  # a bathhouse tenant
        bath = float(rng.uniform(30, 80))
        bld["water"] += bath
        b.meters.append(dict(parcel=parcel, use_class="욕탕용", households=0, daily=bath, kind="commercial",
                             approval=bld["approval"], size=50))


def _season(kind: str, month: int) -> float:
    if kind == "residential":
        return 1.0 + 0.06 * np.cos(2 * np.pi * (month - 8) / 12)
    if kind == "commercial":
        return 1.0 + 0.04 * np.cos(2 * np.pi * (month - 8) / 12)
    if kind == "school":
        return 0.45 if month in (1, 2, 8) else 1.12
    return 1.0


def _address_variant(rng, dong, bun, ji, with_province_prob=0.5):
    style = rng.integers(0, 4)
    lot = {0: _lot_text(bun, ji), 1: f"{bun:04d}-{ji:04d}", 2: f"{_lot_text(bun, ji)}번지",
           3: f"{bun}번지 {ji}" if ji else f"{bun} 번지"}[int(style)]
    prefix = f"{CITY_PROVINCE} " if rng.random() < with_province_prob else ""
    return f"{prefix}{CITY_NAME} {dong}  {lot}" if style == 3 else f"{prefix}{CITY_NAME} {dong} {lot}"


def _pnu(bjdong: str, bun: int, ji: int) -> str:
    return f"{SIGUNGU_CODE}{bjdong}1{bun:04d}{ji:04d}"


# --------------------------------------------------------------------------- generator
def generate_sample_town(seed: int = DEFAULT_SEED, scale: float = 1.0) -> SampleTown:
    """Generate the synthetic existing town (register, billing, truth) and the planned town.

    Parameters
    ----------
    seed : int
        Random seed; the same seed and scale give identical tables.
    scale : float
        Multiplies the number of buildings of each type (``0.1`` gives a small town for tests).

    Returns
    -------
    SampleTown
    """
    if not (0.0 < scale <= 5.0):
        raise ValueError(f"scale must be in (0, 5], got {scale!r} / scale 값은 0 초과 5 이하여야 합니다")
    rng = np.random.default_rng(seed)
    town = _build_town(rng, _EXISTING_DISTRICTS, scale, planned=False)
    reg_rows = [_register_row(bld) for bld in town.buildings]
    register = pd.DataFrame(reg_rows, columns=REGISTER_COLUMNS)
    truth = pd.DataFrame([_truth_row(bld, reg["관리건축물대장PK"]) for bld, reg in zip(town.buildings, reg_rows)])
    _blank_register_values(rng, register)
    billing = _billing(rng, town)
    planned = _planned_town(np.random.default_rng(seed + 1), scale)
    household_mix = _household_mix(np.random.default_rng(seed + 2), town, reg_rows)
    stats = _stats(register, billing, truth, planned, household_mix)
    return SampleTown(register, billing, truth, planned, household_mix, seed, scale, stats)


def _register_row(bld: dict) -> dict:
    """A register title-section row (세움터 column names) of one existing building."""
    lot = _lot_text(bld["bun"], bld["ji"])
    return {
        "관리건축물대장PK": f"{SIGUNGU_CODE}-{100000 + bld['seq']}",
        "대지위치": f"{CITY_PROVINCE} {CITY_NAME} {bld['dong']} {lot}번지",
        "시군구코드": SIGUNGU_CODE, "법정동코드": bld["bjdong"], "대지구분코드": "0",
        "번": f"{bld['bun']:04d}", "지": f"{bld['ji']:04d}",
        "건물명": bld["name"], "주용도코드명": bld["use"], "연면적(㎡)": f"{bld['floor_area']:.2f}",
        "세대수(세대)": str(bld["households"]), "가구수(가구)": str(bld["families"]),
        "호수(호)": str(bld["units"]), "지상층수": str(bld["floors"]), "사용승인일": bld["approval"],
    }


def _truth_row(bld: dict, pk: str) -> dict:
    """True day-average water use [m3/d] and household counts by size of one building."""
    c = bld["hh_counts"]
    return {
        "building_id": pk, "district": bld["dong"],
        "true_water_m3_per_day": round(bld["water"], 4),
        "true_households_1": int(c[0]), "true_households_2": int(c[1]), "true_households_3": int(c[2]),
        "true_households_4": int(c[3]), "true_households_5plus": int(c[4]),
    }


def _blank_register_values(rng, register: pd.DataFrame, n_err: int = 4) -> None:
    """Register errors for the screening to catch: blank floor area / main use (in place)."""
    err_idx = rng.choice(len(register), size=min(n_err, len(register)), replace=False)
    for k, i in enumerate(sorted(err_idx)):
        register.loc[i, "연면적(㎡)" if k % 2 == 0 else "주용도코드명"] = ""


def _billing(rng, town: _Builder) -> pd.DataFrame:
    """24 months of bills per meter, with meters missing, unmatched addresses and misreadings."""
    bjdong_of = {d[0]: d[1] for d in _EXISTING_DISTRICTS}
    months = [(m, int(m[:4]), int(m[4:])) for m in BILLING_MONTHS]
    n_meters = len(town.meters)
    customer_ids = rng.permutation(np.arange(1_000_000, 1_000_000 + 3 * n_meters))[:n_meters]
    # a few 2024 buildings have no meter in the billing extract yet (billing lags completion)
    recent = [i for i, m in enumerate(town.meters) if m["approval"] >= "20240901"]
    no_meter_yet = set(recent[: max(1, len(recent) // 2)])
    # a few meters whose address is not in the register (typo / outside the town)
    n_bad = max(2, n_meters // 300)
    bad_addr = set(int(i) for i in rng.choice(n_meters, size=n_bad, replace=False))
    bill_rows = []
    for i, meter in enumerate(town.meters):
        if i in no_meter_yet:
            continue
        dong, bun, ji = meter["parcel"]
        with_pnu = rng.random() < 0.6 and i not in bad_addr
        address = _unmatched_address(rng, dong, bun, ji) if i in bad_addr else _address_variant(rng, dong, bun, ji)
        pnu = _pnu(bjdong_of[dong], bun, ji) if with_pnu else ""
        head = (str(customer_ids[i]), address, pnu, meter["use_class"], str(meter["size"]), str(meter["households"]))
        bill_rows += [(*head, m, text) for m, text in _meter_bills(rng, meter, months)]
    return pd.DataFrame(bill_rows, columns=BILLING_COLUMNS)


def _unmatched_address(rng, dong: str, bun: int, ji: int) -> str:
    """An address the register does not have: a typo in the 동 name, or a parcel outside the town."""
    if rng.random() < 0.5:
        dong_text = {"나래동": "나레동", "다솜동": "다섬동"}.get(dong, dong + "리")
        return f"{CITY_NAME} {dong_text} {_lot_text(bun, ji)}"
    return f"{CITY_NAME} 외곽동 {int(rng.integers(1, 90))}-{int(rng.integers(1, 9))}"


def _meter_bills(rng, meter: dict, months: list) -> list[tuple[str, str]]:
    """(billing month, billed volume text [m3]) for the months after the meter's approval."""
    bills = []
    start = meter["approval"][:6]
    for m, year, month in months:
        if m <= start:
            continue
        days = calendar.monthrange(year, month)[1]
        vol = meter["daily"] * _season(meter["kind"], month) * days * rng.lognormal(-0.0032, 0.08)
        bills.append((m, _billed_text(rng.random(), vol)))
    return bills


def _billed_text(u: float, vol: float) -> str:
    """Billed volume as text, whole m3; ~0.3% misread x10, ~0.3% blank, ~0.1% negative (refund)."""
    if u < 0.003:
        return str(int(round(vol * 10)))
    if u < 0.006:
        return ""
    if u < 0.007:
        return str(-int(round(vol * 0.5 + 1)))
    return str(int(round(vol)))


def _planned_town(prng, scale: float) -> pd.DataFrame:
    """The register-style plan of the planned town, completion years drawn per building."""
    plan = _build_town(prng, _PLANNED_DISTRICTS, scale, planned=True)
    plan_rows = []
    for bld in plan.buildings:
        district = _PLANNED_DISTRICTS[bld["district_index"]][0]
        block = f"{'ABCDEF'[bld['district_index']]}{bld['bun']}"
        year = int(prng.integers(bld["planned_years"][0], bld["planned_years"][1] + 1))
        plan_rows.append({
            "관리건축물대장PK": f"PLAN-{bld['seq']:05d}",
            "배수구역": district,
            "대지위치": f"{CITY_PROVINCE} {CITY_NAME} 새빛지구 {block}블록",
            "건물명": bld["name"], "주용도코드명": bld["use"], "연면적(㎡)": f"{bld['floor_area']:.2f}",
            "세대수(세대)": str(bld["households"]), "호수(호)": str(bld["units"]),
            "지상층수": str(bld["floors"]), "사용승인일": f"{year}1231",
        })
    return pd.DataFrame(plan_rows, columns=PLANNED_COLUMNS)


def _household_mix(mrng, town: _Builder, reg_rows: list) -> pd.DataFrame:
    """Household counts by size of the existing residential buildings, as a census extract gives them."""
    mix_rows = []
    for bld, reg in zip(town.buildings, reg_rows):
        c = bld["hh_counts"]
        if bld["households"] <= 0 or c.sum() <= 0 or mrng.random() < HOUSEHOLD_MIX_MISSING_SHARE:
            continue
        mix_rows.append([reg["관리건축물대장PK"], reg["대지위치"], *(str(int(v)) for v in c)])
    return pd.DataFrame(mix_rows, columns=HOUSEHOLD_MIX_COLUMNS)


def _stats(register, billing, truth, planned, household_mix) -> dict:
    """Counts and shares printed in the manifest and the sample README."""
    counts = truth[[f"true_households_{k}" for k in ("1", "2", "3", "4", "5plus")]]
    in_housing = pd.to_numeric(register["세대수(세대)"], errors="coerce").fillna(0).to_numpy() > 0
    hh = counts[in_housing].sum()  # the census-like mix: households in registered housing
    return {
        "existing_buildings": int(len(register)),
        "existing_districts": int(register["법정동코드"].nunique()),
        "meters": int(billing["수용가번호"].nunique()),
        "billing_rows": int(len(billing)),
        "planned_buildings": int(len(planned)),
        "planned_districts": int(planned["배수구역"].nunique()),
        "household_size_shares": [round(float(x), 3) for x in (hh / hh.sum())],
        "household_mix_rows": int(len(household_mix)),
        "districts_by_category": _districts_by_category(register),
        "households": int(hh.sum()),
        # people living in officetels and studio flats registered as shops (no 세대수 in the register)
        "households_in_non_residential": int(counts[~in_housing].to_numpy().sum()),
        "true_water_m3_per_day": round(float(truth["true_water_m3_per_day"].sum()), 1),
    }


def _districts_by_category(register: pd.DataFrame) -> dict:
    """Number of districts in which each pilot category has at least one building."""
    from sewerplan.model.design.uses import main_use

    cats = {}
    for use, dong in zip(register["주용도코드명"], register["법정동코드"]):
        try:
            cats.setdefault(main_use(use).category, set()).add(dong)
        except KeyError:  # the blanked main uses
            continue
    return {k: len(v) for k, v in sorted(cats.items())}


def _csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def _atomic_write(path: Path, data: bytes) -> None:
    write_bytes_atomic(path, data)


def write_sample_town(out_dir, seed: int = DEFAULT_SEED, scale: float = 1.0,
                      overwrite: bool = False) -> dict[str, Path]:
    """Generate the sample town and write its files (UTF-8 CSV, atomically) into ``out_dir``.

    Returns a mapping from the keys of :data:`SAMPLE_FILES` to the written paths. Raises
    ``FileExistsError`` if a file exists and ``overwrite`` is false.
    """
    out = Path(out_dir)
    town = generate_sample_town(seed=seed, scale=scale)
    payload = {
        "register": _csv_bytes(town.existing_register),
        # gzip (mtime 0, so the bytes are reproducible) keeps the 24-month extract small;
        # pandas and ``read_billing`` read .csv.gz directly.
        "billing": gzip.compress(_csv_bytes(town.billing), compresslevel=9, mtime=0),
        "truth": _csv_bytes(town.truth),
        "planned": _csv_bytes(town.planned),
        "sample_buildings": _csv_bytes(town.planned),
        "household_mix": _csv_bytes(town.household_mix),
    }
    manifest = {
        "synthetic": True,
        "note": "Synthetic data generated by sewerplan.recipe.sample_town; not a real town. "
                "합성 데이터입니다 (실제 도시가 아님).",
        "seed": seed,
        "scale": scale,
        "stats": town.stats,
        "files": {SAMPLE_FILES[k]: hashlib.sha256(v).hexdigest() for k, v in payload.items()},
    }
    payload["manifest"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    paths = {k: out / SAMPLE_FILES[k] for k in payload}
    if not overwrite:
        existing = [str(p) for p in paths.values() if p.exists()]
        if existing:
            raise FileExistsError(
                f"Refusing to overwrite {existing}; pass overwrite=True (--force) / "
                f"기존 파일을 덮어쓰지 않습니다: {existing}. --force 를 사용하세요."
            )
    for k, data in payload.items():
        _atomic_write(paths[k], data)
    return paths


_SCENARIO_HEADER = """\
# sewerplan planning scenario (YAML). 합성 표본 자료: 실제 도시가 아닙니다 / synthetic sample, not a real town.
# Written by scripts/generate_sample_town.py from synthetic_planned_town.csv (one block per district and
# main use, phased by completion year); sample_town_base.xlsx holds the same content. Units: m2, m3/d.
# plant_capacity_m3_per_day: the plant the city plans by the pilot formula (households x 2.6 x 300 L x 1.1
# over the planned town, rounded up to 100 m3/d), the plant every report compares the need with.
# Run: sewerplan scenario run sample_town_base.yaml --out results/
"""


def sample_base_scenario(planned: pd.DataFrame):
    """The base scenario of the sample planned town (a :class:`~sewerplan.model.planning.scenario.Scenario`).

    The plant capacity is the pilot formula over the planned town rounded up to 100 m3/d: the
    plant a city sizing by that formula would plan (an input of the scenario, shown in reports).
    """
    from sewerplan.model.design.estimate import estimate_buildings
    from sewerplan.model.intake.inventory import validate_buildings
    from sewerplan.model.planning.scenario import ScenarioSettings, scenario_from_buildings

    valid, _, _ = validate_buildings(planned, source="synthetic_planned_town.csv")
    pilot = float(estimate_buildings(valid)["pilot_formula_m3_per_day"].sum())
    settings = ScenarioSettings(end_year=2035, design_year=2035, synthetic=True,
                                plant_capacity_m3_per_day=float(np.ceil(pilot / 100.0) * 100.0))
    return scenario_from_buildings(
        valid, "새빛지구 기본안 (base plan)", settings=settings,
        description="가온시 새빛지구 (합성 표본 신도시) 토지이용계획·단계별 준공, 처리장 용량은 기존 방식(인구 기준) 계획값 / "
                    "synthetic sample new town: land-use plan and phasing from synthetic_planned_town.csv; the plant is "
                    "the one the pilot formula plans")


def sample_scenario_yaml(planned: pd.DataFrame) -> bytes:
    """``sample_town_base.yaml`` as bytes (deterministic: checked by ``generate_sample_town.py --check``)."""
    import yaml

    from sewerplan.model.planning.scenario import scenario_to_dict

    d = {k: v for k, v in scenario_to_dict(sample_base_scenario(planned)).items() if v not in (None, [], {}, "")}
    return (_SCENARIO_HEADER + yaml.safe_dump(d, allow_unicode=True, sort_keys=False, width=110)).encode("utf-8")


def sample_data_dir():
    """The bundled sample-data folder (an importlib.resources Traversable)."""
    from importlib.resources import files

    return files("sewerplan").joinpath("sample_data")


def sample_file(key: str) -> Path:
    """Path to one bundled sample file, by key of :data:`SAMPLE_FILES` (e.g. ``"billing"``)."""
    if key not in SAMPLE_FILES:
        raise KeyError(f"Unknown sample file {key!r}; valid keys: {sorted(SAMPLE_FILES)}")
    return Path(str(sample_data_dir().joinpath(SAMPLE_FILES[key])))
