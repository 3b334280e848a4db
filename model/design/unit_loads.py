"""Building-use unit loads of the Ministry of Environment notice.

"건축물의 용도별 오수발생량 및 정화조 처리대상인원 산정방법" (MOE notice under the
Sewerage Act art. 34(3); latest edition 2025-165, in force 2025-10-01). The 254-row table
ships as ``data/kr_moe_sewage_unit_loads_by_building_use.csv`` (provenance in
``data/README.md``): sewage [L/(m2 d)] per floor area for most uses, [L/(person d)] for a
few. Housing has no row: the notice counts persons per dwelling from rooms and applies
200 L/(person d) (170 in 읍·면 areas).

Look-ups accept an MOE code (``F-01-00``), a use name from the table (``사무소``,
``중학교``) or a Building Act main use (``업무시설``, ``아파트``), which resolves to its
default row (:mod:`sewerplan.model.design.uses`).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from ..errors import ParameterError, UnknownBuildingUse
from .parameters import DEFAULT_PARAMETERS, DesignParameters
from ..units import litres_per_day_to_m3_per_day
from .uses import HOUSING_DETACHED, HOUSING_MULTI, _BY_NORMALISED, normalise_use_name

__all__ = [
    "UnitLoad",
    "unit_load_table",
    "lookup_use",
    "valid_use_names",
    "rooms_from_area",
    "persons_per_dwelling",
    "unit_load_flow",
    "MOE_TABLE_FILE",
]

MOE_TABLE_FILE = "kr_moe_sewage_unit_loads_by_building_use.csv"
_CODE = re.compile(r"^[A-M]-\d{2}-\d{2}$")


@dataclass(frozen=True)
class UnitLoad:
    """One row of the MOE table (or a housing rule).

    ``basis`` is ``"m2"`` (value in [L/(m2 d)]), ``"person"`` ([L/(person d)]) or
    ``"dwelling"`` (housing rule: persons per dwelling x housing unit [L/(person d)]).
    """

    code: str
    name: str
    major: str
    basis: str
    litres_per_unit_day: float  # NaN for the housing rules (taken from the parameters)
    bod_mg_per_l: float = float("nan")
    tn_mg_per_l: float = float("nan")
    tp_mg_per_l: float = float("nan")
    comment: str = ""


@functools.lru_cache(maxsize=1)
def unit_load_table() -> pd.DataFrame:
    """The MOE table with English column names.

    Columns: code, major, middle, minor, name, basis ('m2' or 'person'),
    litres_per_unit_day [L/(m2 d)] or [L/(person d)], bod/tn/tp [mg/L], comment.
    """
    with resources.files("sewerplan.model").joinpath("data", MOE_TABLE_FILE).open("rb") as fh:
        raw = pd.read_csv(fh, dtype=str, encoding="utf-8")
    t = pd.DataFrame(
        {
            "code": raw["코드"].str.strip(),
            "major": raw["대분류"].fillna("").str.strip(),
            "middle": raw["중분류"].fillna("").str.strip(),
            "minor": raw["소분류"].fillna("").str.strip(),
            "basis": raw["단위"].map({"㎡": "m2", "인": "person"}),
            "litres_per_unit_day": pd.to_numeric(raw["오수발생량"]),
            "bod_mg_per_l": pd.to_numeric(raw["BOD 발생부하량"], errors="coerce"),
            "tn_mg_per_l": pd.to_numeric(raw["T-N 발생부하량"], errors="coerce"),
            "tp_mg_per_l": pd.to_numeric(raw["T-P 발생부하량"], errors="coerce"),
            "comment": raw["코멘트"].fillna("").str.strip(),
        }
    )
    t["name"] = np.where(t["minor"] != "", t["middle"] + " - " + t["minor"], t["middle"])
    if t["basis"].isna().any() or t["litres_per_unit_day"].isna().any():  # pragma: no cover - data check
        raise RuntimeError(f"{MOE_TABLE_FILE}: rows without unit or value")
    return t


def _row(code: str) -> UnitLoad:
    if code == HOUSING_DETACHED:
        return UnitLoad(code, "단독주택 (인원 산정)", "주거", "dwelling", float("nan"))
    if code == HOUSING_MULTI:
        return UnitLoad(code, "공동주택 (인원 산정)", "주거", "dwelling", float("nan"))
    t = unit_load_table()
    hit = t[t["code"] == code]
    if hit.empty:
        raise UnknownBuildingUse(code, _closest(code))
    r = hit.iloc[0]
    return UnitLoad(
        r["code"], r["name"], r["major"], r["basis"], float(r["litres_per_unit_day"]),
        float(r["bod_mg_per_l"]), float(r["tn_mg_per_l"]), float(r["tp_mg_per_l"]), r["comment"],
    )


@functools.lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    """Normalised use name -> code. Table names first, then Building Act main uses."""
    t = unit_load_table()
    index: dict[str, str] = {}
    for _, r in t.iterrows():
        for key in (r["minor"], r["middle"], r["name"]):
            k = normalise_use_name(key)
            if k and k not in index:  # first (most general) row wins for a repeated name
                index[k] = r["code"]
    for k, use in _BY_NORMALISED.items():
        index[k] = use.default_moe_code  # Building Act names take their default row
    return index


def valid_use_names() -> list[str]:
    """Every name and code :func:`lookup_use` accepts (for help texts and error hints)."""
    t = unit_load_table()
    names = set(t["code"]) | set(t["middle"]) | set(t["minor"][t["minor"] != ""])
    names |= {u.name for u in _BY_NORMALISED.values()}
    return sorted(names)


def _closest(use) -> list[str]:
    key = normalise_use_name(use)
    candidates = {normalise_use_name(n): n for n in valid_use_names()}
    return [candidates[c] for c in difflib.get_close_matches(key, list(candidates), n=5, cutoff=0.3)]


@functools.lru_cache(maxsize=4096)
def lookup_use(use_or_code) -> UnitLoad:
    """The unit-load row for an MOE code, a table use name or a Building Act main use.

    Raises
    ------
    UnknownBuildingUse
        Listing the closest valid names.
    """
    text = str(use_or_code).strip()
    if text in (HOUSING_DETACHED, HOUSING_MULTI) or _CODE.match(text.upper()):
        return _row(text.upper())
    code = _name_index().get(normalise_use_name(text))
    if code is None:
        raise UnknownBuildingUse(use_or_code, _closest(text))
    return _row(code)


def rooms_from_area(area_per_dwelling_m2):
    """Rooms per dwelling [-] estimated from gross floor area per dwelling [m2].

    The MOE rule needs rooms (R); building registers do not give them. sewerplan's
    assumption (documented in docs/sources.md): gross area per dwelling < 50 m2 -> 1 room,
    < 80 -> 2, < 135 -> 3, < 200 -> 4, else 5 (an 84 m2 exclusive-area flat, about
    110-130 m2 gross with common areas, has 3 rooms). Give ``rooms_per_dwelling`` to override.
    """
    a = np.asarray(area_per_dwelling_m2, dtype=float)
    rooms = np.select([a < 50, a < 80, a < 135, a < 200], [1, 2, 3, 4], default=5).astype(float)
    return rooms if np.ndim(area_per_dwelling_m2) else float(rooms)


def persons_per_dwelling(rooms, multi_unit=True):
    """Persons per dwelling [persons] by the MOE notice.

    Notes
    -----
    Detached: N = 2.0 + (R - 2) x 0.5; multi-unit: N = 2.7 + (R - 2) x 0.5; R = rooms.
    Not below 1 person per dwelling. (Formula as reported in secondary sources; check the
    notice's annex.)
    """
    base = np.where(multi_unit, 2.7, 2.0)
    n = base + (np.asarray(rooms, dtype=float) - 2.0) * 0.5
    n = np.maximum(n, 1.0)
    return n if np.ndim(n) else float(n)


def unit_load_flow(
    main_use_or_code,
    floor_area_m2,
    households=0,
    dwelling_units=None,
    rooms_per_dwelling=None,
    occupants=None,
    rural=False,
    params: DesignParameters = DEFAULT_PARAMETERS,
) -> float:
    """Design sewage of one building by the MOE unit-load method [m3/d].

    Parameters
    ----------
    main_use_or_code : str
        MOE code, table use name or Building Act main use.
    floor_area_m2 : float
        Gross floor area [m2].
    households, dwelling_units : float
        Housing only: dwellings = households if > 0, else dwelling units [dwellings].
    rooms_per_dwelling : float, optional
        Housing only [-]; default from floor area per dwelling (:func:`rooms_from_area`).
    occupants : float, optional
        For per-person rows (meals, barracks, farm huts) [persons]; required there.
    rural : bool
        읍·면 area: housing at 170 instead of 200 L/(person d).

    Returns
    -------
    float
        Day-max design sewage [m3/d].
    """
    row = lookup_use(main_use_or_code)
    area = float(floor_area_m2)
    if not area >= 0:
        raise ParameterError("floor_area_m2", floor_area_m2, ">= 0 m2")
    if row.basis == "m2":
        return litres_per_day_to_m3_per_day(area * row.litres_per_unit_day)
    if row.basis == "person":
        if occupants is None or not float(occupants) >= 0:
            raise ParameterError(
                "occupants", occupants,
                f">= 0 persons (MOE row {row.code} {row.name} is per person)",
            )
        return litres_per_day_to_m3_per_day(float(occupants) * row.litres_per_unit_day)
    # housing rule
    dwellings = float(households or 0)
    if dwellings <= 0:
        dwellings = float(dwelling_units or 0)
    if dwellings <= 0:
        dwellings = 1.0 if row.code == HOUSING_DETACHED else 0.0
    if dwellings == 0:
        return 0.0
    rooms = rooms_per_dwelling if rooms_per_dwelling not in (None, 0) else rooms_from_area(area / dwellings)
    persons = dwellings * persons_per_dwelling(rooms, multi_unit=row.code == HOUSING_MULTI)
    unit = params.housing_l_per_person_day_rural if rural else params.housing_l_per_person_day
    return litres_per_day_to_m3_per_day(persons * unit)
