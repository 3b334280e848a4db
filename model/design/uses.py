"""Building Act main uses (주용도): the pilot's four categories and a default MOE row each.

The building register's main use (주용도코드명) is one of the use classes of the Building
Act Enforcement Decree, annex 1 (건축법 시행령 별표 1), sometimes given by its sub-class
(아파트, 다세대주택 ...). Each maps to:

- a category of the Statistics Korea / Siheung pilot: ``residential``, ``commercial``,
  ``industrial`` or ``public_other``;
- a default row of the MOE unit-load table (or one of the two per-person housing rules,
  ``HOUSING-DETACHED`` / ``HOUSING-MULTI``), used when the building table gives no
  ``moe_code``. The defaults are sewerplan's choice of the most typical row for the class
  and are listed in ``docs/sources.md``; give ``moe_code`` per building when it is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import UnknownBuildingUse

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS_KO",
    "HOUSING_DETACHED",
    "HOUSING_MULTI",
    "MainUse",
    "MAIN_USES",
    "main_use",
    "category_of",
    "default_moe_code",
    "normalise_use_name",
    "is_known_main_use",
    "normalised_uses",
]

CATEGORIES = ("residential", "commercial", "industrial", "public_other")
CATEGORY_LABELS_KO = {
    "residential": "주거",
    "commercial": "상업",
    "industrial": "산업",
    "public_other": "공공·기타",
}

# Pseudo-codes for the MOE notice's per-person housing rule (no row in the table).
HOUSING_DETACHED = "HOUSING-DETACHED"  # N = 2.0 + (R - 2) x 0.5 persons per dwelling
HOUSING_MULTI = "HOUSING-MULTI"  # N = 2.7 + (R - 2) x 0.5 persons per dwelling


@dataclass(frozen=True)
class MainUse:
    name: str  # Building Act name as the register writes it
    category: str
    default_moe_code: str
    english: str


_R, _C, _I, _P = CATEGORIES

MAIN_USES: dict[str, MainUse] = {
    u.name: u
    for u in [
        # 단독주택 (detached housing) and its sub-classes
        MainUse("단독주택", _R, HOUSING_DETACHED, "detached house"),
        MainUse("다가구주택", _R, HOUSING_DETACHED, "multi-household detached house"),
        MainUse("공관", _R, HOUSING_DETACHED, "official residence"),
        MainUse("다중주택", _R, "A-02-00", "multi-occupancy house"),
        # 공동주택 (multi-unit housing)
        MainUse("공동주택", _R, HOUSING_MULTI, "multi-unit housing"),
        MainUse("아파트", _R, HOUSING_MULTI, "apartment"),
        MainUse("연립주택", _R, HOUSING_MULTI, "row house"),
        MainUse("다세대주택", _R, HOUSING_MULTI, "multi-family house"),
        MainUse("기숙사", _R, "A-01-00", "dormitory"),
        # commercial
        MainUse("제1종근린생활시설", _C, "B-07-05", "class-1 neighbourhood facility (shops)"),
        MainUse("제2종근린생활시설", _C, "B-16-00", "class-2 neighbourhood facility (eateries, offices)"),
        MainUse("판매시설", _C, "B-10-03", "sales facility"),
        MainUse("업무시설", _C, "F-01-00", "office"),
        MainUse("오피스텔", _C, "F-06-00", "officetel"),
        MainUse("숙박시설", _C, "F-18-01", "lodging"),
        MainUse("위락시설", _C, "G-01-00", "amusement facility"),
        MainUse("문화및집회시설", _C, "B-01-01", "cultural and assembly facility"),
        MainUse("운수시설", _C, "B-11-00", "transport facility"),
        MainUse("운동시설", _C, "E-05-04", "sports facility"),
        MainUse("관광휴게시설", _C, "L-04-00", "tourist rest facility"),
        # industrial
        MainUse("공장", _I, "H-01-00", "factory"),
        MainUse("창고시설", _I, "H-01-00", "warehouse / logistics (no row in the keyed table; factory rate used)"),
        MainUse("위험물저장및처리시설", _I, "H-06-00", "hazardous material storage"),
        MainUse("자동차관련시설", _I, "I-01-00", "vehicle-related facility"),
        MainUse("자원순환관련시설", _I, "H-05-00", "resource recycling facility"),
        MainUse("동물및식물관련시설", _I, "H-02-00", "animal and plant facility"),
        MainUse("발전시설", _I, "J-09-01", "power plant"),
        # public and other
        MainUse("교육연구시설", _P, "D-06-01", "education and research (schools)"),
        MainUse("의료시설", _P, "C-02-02", "medical facility"),
        MainUse("노유자시설", _P, "D-26-00", "facility for children and the elderly"),
        MainUse("수련시설", _P, "D-28-00", "youth training facility"),
        MainUse("종교시설", _P, "B-03-01", "religious facility"),
        MainUse("교정시설", _P, "J-01-03", "correctional facility"),
        MainUse("국방군사시설", _P, "J-04-00", "military facility"),
        MainUse("교정및군사시설", _P, "J-04-00", "correctional and military facility"),
        MainUse("방송통신시설", _P, "J-09-04", "broadcasting and telecom facility"),
        MainUse("묘지관련시설", _P, "K-02-00", "cemetery-related facility"),
        MainUse("장례시설", _P, "B-02-04", "funeral facility"),
        MainUse("야영장시설", _P, "F-24-00", "camping facility"),
    ]
}

_SPACES = re.compile(r"[\s·ㆍ\u00b7,()]+")


def normalise_use_name(name) -> str:
    """Drop spaces, middle dots, commas and brackets: '문화 및 집회시설' -> '문화및집회시설'."""
    return _SPACES.sub("", str(name)).strip()


_BY_NORMALISED = {normalise_use_name(k): v for k, v in MAIN_USES.items()}


def is_known_main_use(name) -> bool:
    return normalise_use_name(name) in _BY_NORMALISED


def main_use(name) -> MainUse:
    """The :class:`MainUse` for a Building Act main use name (spaces and dots ignored).

    Raises
    ------
    UnknownBuildingUse
        With the closest valid names.
    """
    key = normalise_use_name(name)
    try:
        return _BY_NORMALISED[key]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(key, list(_BY_NORMALISED), n=5, cutoff=0.3)
        raise UnknownBuildingUse(name, [_BY_NORMALISED[c].name for c in close]) from None


def category_of(name) -> str:
    """Pilot category of a main use: residential, commercial, industrial or public_other."""
    return main_use(name).category


def default_moe_code(name) -> str:
    """Default MOE unit-load code (or housing rule) for a main use."""
    return main_use(name).default_moe_code


def normalised_uses(values) -> tuple:
    """Main-use names and categories for a column of register texts (vectorised).

    Each distinct text is looked up once. A text that is not a known main use keeps its
    stripped text as the name and gets a missing category (the ML treats it as unseen).

    Parameters
    ----------
    values : pandas.Series of str
        Main-use texts as written in the register or plan (주용도).

    Returns
    -------
    (names, categories) : tuple of pandas.Series (object), index of ``values``
    """
    import numpy as np
    import pandas as pd

    text = values.astype(str)
    lookup_names, lookup_cats = {}, {}
    for raw in pd.unique(text):
        try:
            use = main_use(raw)
            lookup_names[raw], lookup_cats[raw] = use.name, use.category
        except KeyError:  # UnknownBuildingUse
            lookup_names[raw], lookup_cats[raw] = raw.strip(), np.nan
    return text.map(lookup_names).astype(object), text.map(lookup_cats).astype(object)
