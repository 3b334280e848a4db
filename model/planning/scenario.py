"""Planning scenarios: the file format (xlsx or YAML) and expansion into a building table.

A scenario is what a planner can change about a new town before anyone lives there:

======================  ==================  ==============================================
table (xlsx sheet)      YAML key            what
======================  ==================  ==============================================
``plan`` 토지이용계획     ``plan``            blocks: district, main use, dwellings and/or
                                            floor area [m2], optional buildings, floors
``phasing`` 단계별준공    ``phasing``         block, completion year, share of the block [-]
``household_mix``        ``household_mix``   year, hh_share_1 .. hh_share_5plus [-]
가구원수구성                                  (optional; default: census trend)
``parameters`` 매개변수   ``parameters``      design-parameter overrides (name, value)
``adjustments`` 조정      ``adjustments``     what-ifs: scale dwellings / floor area of a
                                            category, main use or district by a factor
``settings`` 설정         top-level keys      name, years, seed, confidence, plant capacity ...
======================  ==================  ==============================================

See ``docs/scenarios.md`` for every column, its unit and its default.

:func:`load_scenario` reads and checks a file and raises
:class:`ScenarioFileError` naming file, sheet, row, column and value (Korean and English).
:func:`expand_scenario` turns the plan into a synthetic canonical building table
(``docs/architecture.md``), deterministic for a seed: each block gets its own random
stream, so changing one block leaves every other block's buildings unchanged, and
quantities are split so that block totals are conserved exactly.
"""

from __future__ import annotations

import contextvars
import math
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError, ParameterError, ScenarioFileError, UnknownBuildingUse
from ..intake.household_trend import HH_SHARE_COLUMNS
from ..design.parameters import DEFAULT_PARAMETERS, DesignParameters
from ..design.uses import CATEGORIES, HOUSING_DETACHED, main_use

__all__ = [
    "ScenarioFileError",
    "ScenarioSettings",
    "Scenario",
    "SHEETS",
    "PLAN_COLUMNS",
    "BUILDING_DEFAULTS",
    "load_scenario",
    "scenario_from_dict",
    "scenario_to_dict",
    "write_scenario_workbook",
    "write_scenario_yaml",
    "apply_adjustments",
    "phase_blocks",
    "expand_scenario",
    "scenario_from_buildings",
    "SAMPLE_SCENARIOS",
    "sample_scenario_path",
]


# canonical sheet name -> accepted sheet names (xlsx)
SHEETS: dict[str, list[str]] = {
    "plan": ["plan", "토지이용계획", "계획"],
    "phasing": ["phasing", "단계별준공", "단계별 준공", "준공"],
    "household_mix": ["household_mix", "가구원수구성", "가구원수 구성", "가구구성"],
    "parameters": ["parameters", "매개변수", "설계매개변수"],
    "adjustments": ["adjustments", "조정", "변경"],
    "settings": ["settings", "설정"],
}
SHEET_LABELS_KO = {"plan": "토지이용계획", "phasing": "단계별준공", "household_mix": "가구원수구성",
                   "parameters": "매개변수", "adjustments": "조정", "settings": "설정"}

# column -> (accepted headers, Korean label, unit)
PLAN_COLUMNS: dict[str, tuple[list[str], str, str]] = {
    "block": (["block", "블록", "블록명", "가구", "획지"], "블록", "-"),
    "district": (["district", "배수구역", "생활권", "처리구역", "구역"], "배수구역", "-"),
    "main_use": (["main_use", "주용도", "주용도코드명", "용도"], "주용도", "-"),
    "dwellings": (["dwellings", "세대수", "호수", "세대수(세대)", "households"], "세대수", "households"),
    "floor_area_m2": (["floor_area_m2", "연면적", "연면적(㎡)", "연면적(m2)"], "연면적", "m2"),
    "floor_area_per_dwelling_m2": (["floor_area_per_dwelling_m2", "세대당연면적", "세대당 연면적", "세대당연면적(㎡)"],
                                   "세대당 연면적", "m2/household"),
    "buildings": (["buildings", "동수", "건축물수", "건물수"], "동수", "buildings"),
    "floors_above": (["floors_above", "층수", "지상층수"], "지상층수", "floors"),
    "moe_code": (["moe_code", "환경부용도코드", "MOE코드"], "환경부 용도코드", "-"),
    "completion_year": (["completion_year", "준공연도", "완공연도", "사용승인연도"], "준공연도", "year"),
    "rural": (["rural", "읍면지역", "읍면"], "읍·면 지역", "-"),
}
PHASING_COLUMNS = {
    "block": (["block", "블록", "블록명"], "블록", "-"),
    "completion_year": (["completion_year", "준공연도", "완공연도", "year", "연도"], "준공연도", "year"),
    "share": (["share", "비율", "준공비율"], "비율", "-"),
}
MIX_COLUMNS = {
    "year": (["year", "연도"], "연도", "year"),
    **{c: ([c, f"{i}인", f"{i}인가구"] if i != "5plus" else [c, "5인이상", "5인 이상", "5인이상가구"],
           f"{i}인 가구 비율" if i != "5plus" else "5인 이상 가구 비율", "-")
       for c, i in zip(HH_SHARE_COLUMNS, ["1", "2", "3", "4", "5plus"])},
}
PARAMETER_COLUMNS = {
    "name": (["name", "매개변수", "항목", "parameter"], "매개변수", "-"),
    "value": (["value", "값"], "값", "-"),
}
ADJUSTMENT_COLUMNS = {
    "category": (["category", "분류"], "분류", "-"),
    "main_use": (["main_use", "주용도"], "주용도", "-"),
    "district": (["district", "배수구역", "생활권"], "배수구역", "-"),
    "quantity": (["quantity", "대상", "항목"], "대상", "dwellings | floor_area_m2 | both"),
    "factor": (["factor", "배율", "계수"], "배율", "-"),
}
SETTINGS_COLUMNS = {
    "key": (["key", "name", "항목", "설정"], "항목", "-"),
    "value": (["value", "값"], "값", "-"),
}

#: Per main use: (dwellings per building, gross floor area per dwelling [m2], floor area per
#: building [m2] for non-housing, floors above). sewerplan assumptions, read off the sample
#: planned town and typical Korean new-town blocks; give ``buildings``,
#: ``floor_area_per_dwelling_m2`` or ``floors_above`` in the plan to override.
BUILDING_DEFAULTS: dict[str, tuple[float, float, float, float]] = {
    "아파트": (80.0, 110.0, 0.0, 20.0),
    "공동주택": (80.0, 110.0, 0.0, 20.0),
    "연립주택": (16.0, 90.0, 0.0, 4.0),
    "다세대주택": (13.0, 70.0, 0.0, 4.0),
    "단독주택": (1.0, 150.0, 0.0, 2.0),
    "다가구주택": (8.0, 45.0, 0.0, 3.0),
    "제1종근린생활시설": (0.0, 0.0, 950.0, 4.0),
    "제2종근린생활시설": (0.0, 0.0, 1250.0, 5.0),
    "업무시설": (0.0, 0.0, 7000.0, 12.0),
    "오피스텔": (0.0, 0.0, 6000.0, 15.0),
    "판매시설": (0.0, 0.0, 5000.0, 5.0),
    "교육연구시설": (0.0, 0.0, 11000.0, 5.0),
    "공장": (0.0, 0.0, 3900.0, 2.0),
    "창고시설": (0.0, 0.0, 2800.0, 2.0),
}
_OTHER_DEFAULT = (0.0, 0.0, 2000.0, 3.0)
_SIZE_SPREAD = 0.25  # log-sd of building sizes within a block (assumption)

# Bounds on what a scenario file may ask for (docs/scenarios.md, "Limits"): a plan beyond these
# is a typing error or a hostile file, and would exhaust the machine.
MAX_SCENARIO_FILE_BYTES = 5_000_000  # [bytes] of one YAML file
MAX_YAML_ALIASES = 100  # YAML aliases (*name) in one file
MAX_YAML_NODES = 200_000  # values in the file once aliases are expanded
MAX_BASE_DEPTH = 5  # base: chains (a base of a base ...)
MAX_SCENARIO_YEARS = 100  # [years] from start_year to end_year
MAX_SCENARIO_BUILDINGS = 300_000  # synthetic buildings of one scenario
YEAR_RANGE = (1900, 2200)  # [year] start_year, end_year, design_year


@dataclass(frozen=True)
class ScenarioSettings:
    """Run settings of a scenario (file: ``settings`` sheet or top-level YAML keys).

    Attributes
    ----------
    start_year, end_year : int
        Years reported [year]; default first completion year .. last completion year + 2.
    seed : int
        Seed of the building expansion and of the uncertainty simulation.
    n_simulations : int
        Monte Carlo draws for the ML P50/P90 (default 4000).
    confidence : float
        Confidence for "capacity needed" [-] (default 0.9: P90).
    plant_capacity_m3_per_day : float or None
        Existing or planned plant capacity to compare with [m3/d].
    plant_utilisation : float or None
        Capacity needed = day-max / utilisation [-]; default the design parameter (0.8).
    design_year : int or None
        Year at which sizing costs are evaluated; default ``end_year``.
    cost_curve : str
        Finance cost curve name or a unit cost [KRW/(m3/d)]; default ``korea_real`` (2025 prices).
    model : str or None
        Path of an ML model file (relative to the scenario file); default the bundled model.
    occupancy_ramp : tuple of float
        Share occupied [-] in the completion year, the next year, ...; 1 afterwards.
        Default ``()`` = fully occupied on completion (the design basis).
    household_trend_hold_after : int or None
        Hold the census trend's mix constant after this year.
    synthetic : bool
        Label outputs as synthetic sample data.
    """

    start_year: int | None = None
    end_year: int | None = None
    seed: int = 20240601
    n_simulations: int = 4000
    confidence: float = 0.9
    plant_capacity_m3_per_day: float | None = None
    plant_utilisation: float | None = None
    design_year: int | None = None
    cost_curve: str = "korea_real"
    model: str | None = None
    occupancy_ramp: tuple = ()
    household_trend_hold_after: int | None = None
    synthetic: bool = False


_SETTING_TYPES = {
    "start_year": int, "end_year": int, "seed": int, "n_simulations": int, "confidence": float,
    "plant_capacity_m3_per_day": float, "plant_utilisation": float, "design_year": int,
    "cost_curve": str, "model": str, "occupancy_ramp": tuple, "household_trend_hold_after": int,
    "synthetic": bool,
}
_SETTING_ALIASES = {
    "시작연도": "start_year", "종료연도": "end_year", "난수씨앗": "seed", "모의횟수": "n_simulations",
    "신뢰수준": "confidence", "처리장용량": "plant_capacity_m3_per_day", "가동률": "plant_utilisation",
    "설계연도": "design_year", "비용곡선": "cost_curve", "모델": "model", "입주율": "occupancy_ramp",
    "가구추세고정연도": "household_trend_hold_after", "합성자료": "synthetic",
    "시나리오명": "name", "설명": "description",
}


@dataclass
class Scenario:
    """A planning scenario (see the module docstring)."""

    name: str
    plan: pd.DataFrame
    phasing: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["block", "completion_year", "share"]))
    household_mix: pd.DataFrame | None = None
    parameters: dict = field(default_factory=dict)
    adjustments: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(ADJUSTMENT_COLUMNS)))
    settings: ScenarioSettings = field(default_factory=ScenarioSettings)
    description: str = ""
    source: str = ""

    @property
    def design_parameters(self) -> DesignParameters:
        """DEFAULT_PARAMETERS with this scenario's overrides (validated)."""
        return DEFAULT_PARAMETERS.replace(**self.parameters) if self.parameters else DEFAULT_PARAMETERS

    def years(self) -> list[int]:
        """Years of the run [year]."""
        phases = phase_blocks(self)
        first, last = int(phases["completion_year"].min()), int(phases["completion_year"].max())
        start = self.settings.start_year or first
        end = self.settings.end_year or last + 2
        return list(range(int(start), int(end) + 1))

    def with_changes(self, **changes) -> "Scenario":
        """A copy with fields replaced (e.g. ``name=``, ``settings=``)."""
        return replace(self, **changes)


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------

def _norm(h) -> str:
    return str(h).replace(" ", "").replace("_", "").lower()


def _map_columns(df: pd.DataFrame, spec: dict, source: str, sheet: str, required=()) -> pd.DataFrame:
    lookup = {}
    for canon, (aliases, _, _) in spec.items():
        for a in aliases:
            lookup[_norm(a)] = canon
    rename, unknown = {}, []
    for c in df.columns:
        key = _norm(c)
        if key in lookup:
            rename[c] = lookup[key]
        elif not str(c).startswith("Unnamed") and str(c).strip() and not str(c).startswith("#"):
            unknown.append(c)
    if unknown:
        valid = ", ".join(f"{k} ({v[1]})" for k, v in spec.items())
        raise ScenarioFileError(source, sheet, 1, unknown[0], None,
                                f"unknown column; valid columns are {valid} / 알 수 없는 열입니다.")
    out = df.rename(columns=rename)[list(rename.values())].copy()
    for req in required:
        if req not in out.columns:
            raise ScenarioFileError(source, sheet, 1, req, None,
                                    f"required column missing (Korean: {spec[req][1]}) / 필수 열이 없습니다.")
    return out


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _number(v, source, sheet, row, column, low=None, high=None, integer=False, allow_blank=True):
    if _blank(v):
        if allow_blank:
            return np.nan
        raise ScenarioFileError(source, sheet, row, column, "", "required value is blank / 필수 값이 비어 있습니다.")
    try:
        x = float(str(v).replace(",", "")) if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        raise ScenarioFileError(source, sheet, row, column, v, "not a number / 숫자가 아닙니다.") from None
    if not math.isfinite(x):
        raise ScenarioFileError(source, sheet, row, column, v, "not a finite number / 유효한 숫자가 아닙니다.")
    if integer and x != int(x):
        raise ScenarioFileError(source, sheet, row, column, v, "must be a whole number / 정수여야 합니다.")
    if low is not None and x < low or high is not None and x > high:
        raise ScenarioFileError(source, sheet, row, column, v,
                                f"outside the allowed range [{low}, {high}] / 허용 범위 [{low}, {high}]를 벗어났습니다.")
    return x


def _rows(df: pd.DataFrame, kind: str):
    """(row label, Series) pairs: xlsx rows counted as Excel shows them (header = row 1)."""
    for i, (_, r) in enumerate(df.iterrows()):
        yield (i + 2 if kind == "xlsx" else i + 1), r


def _check_plan(plan: pd.DataFrame, source: str, kind: str) -> pd.DataFrame:
    sheet = "plan"
    plan = _map_columns(plan, PLAN_COLUMNS, source, sheet, required=("district", "main_use"))
    plan = plan.dropna(how="all").reset_index(drop=True)
    if plan.empty:
        raise ScenarioFileError(source, sheet, None, None, None, "the plan has no rows / 계획 표에 행이 없습니다.")
    out = []
    seen = {}
    for row, r in _rows(plan, kind):
        rec = {}
        for col in ("district", "main_use"):
            if _blank(r.get(col)):
                raise ScenarioFileError(source, sheet, row, col, "", "required value is blank / 필수 값이 비어 있습니다.")
            rec[col] = str(r[col]).strip()
        try:
            use = main_use(rec["main_use"])
        except UnknownBuildingUse as exc:
            raise ScenarioFileError(source, sheet, row, "main_use", rec["main_use"], exc.message) from None
        rec["main_use"] = use.name
        block = r.get("block")
        rec["block"] = f"{rec['district']}-{row}" if _blank(block) else str(block).strip()
        if rec["block"] in seen:
            raise ScenarioFileError(source, sheet, row, "block", rec["block"],
                                    f"duplicate block; first used in row {seen[rec['block']]} / 중복된 블록입니다.")
        seen[rec["block"]] = row
        rec["dwellings"] = _number(r.get("dwellings"), source, sheet, row, "dwellings", low=0, high=1e6)
        rec["floor_area_m2"] = _number(r.get("floor_area_m2"), source, sheet, row, "floor_area_m2", low=0, high=1e8)
        rec["floor_area_per_dwelling_m2"] = _number(r.get("floor_area_per_dwelling_m2"), source, sheet, row,
                                                    "floor_area_per_dwelling_m2", low=5, high=2000)
        rec["buildings"] = _number(r.get("buildings"), source, sheet, row, "buildings", low=1, high=10_000,
                                   integer=True)
        rec["floors_above"] = _number(r.get("floors_above"), source, sheet, row, "floors_above", low=1, high=200)
        rec["completion_year"] = _number(r.get("completion_year"), source, sheet, row, "completion_year",
                                         low=1900, high=2100, integer=True)
        code = r.get("moe_code")
        rec["moe_code"] = "" if _blank(code) else str(code).strip().upper()
        if rec["moe_code"]:
            from ..design.unit_loads import lookup_use

            try:
                lookup_use(rec["moe_code"])
            except UnknownBuildingUse as exc:
                raise ScenarioFileError(source, sheet, row, "moe_code", rec["moe_code"], exc.message) from None
        rural = r.get("rural")
        rec["rural"] = False if _blank(rural) else str(rural).strip().lower() in ("1", "true", "yes", "y", "예", "o")
        housing = use.category == "residential" and use.default_moe_code.startswith("HOUSING")
        if housing:
            if not rec["dwellings"] > 0:
                raise ScenarioFileError(source, sheet, row, "dwellings", r.get("dwellings"),
                                        f"housing ({use.name}) needs dwellings > 0 / 주택은 세대수가 0보다 커야 합니다.")
        elif not rec["floor_area_m2"] > 0:
            raise ScenarioFileError(source, sheet, row, "floor_area_m2", r.get("floor_area_m2"),
                                    f"{use.name} needs a floor area > 0 m2 / 비주거 용도는 연면적(㎡)이 0보다 커야 합니다.")
        rec["source_row"] = row
        out.append(rec)
    return pd.DataFrame(out)[[*PLAN_COLUMNS, "source_row"]]


def _check_phasing(phasing: pd.DataFrame | None, plan: pd.DataFrame, source: str, kind: str) -> pd.DataFrame:
    sheet = "phasing"
    cols = ["block", "completion_year", "share"]
    if phasing is None or len(phasing) == 0:
        ph = pd.DataFrame(columns=cols)
    else:
        ph = _map_columns(phasing, PHASING_COLUMNS, source, sheet, required=("block", "completion_year"))
        ph = ph.dropna(how="all").reset_index(drop=True)
        recs = []
        blocks = set(plan["block"])
        for row, r in _rows(ph, kind):
            b = "" if _blank(r.get("block")) else str(r["block"]).strip()
            if b not in blocks:
                raise ScenarioFileError(source, sheet, row, "block", b,
                                        "block not in the plan sheet / 계획 표에 없는 블록입니다.")
            y = _number(r.get("completion_year"), source, sheet, row, "completion_year", 1900, 2100,
                        integer=True, allow_blank=False)
            s = _number(r.get("share"), source, sheet, row, "share", 0, 1)
            recs.append({"block": b, "completion_year": int(y), "share": 1.0 if np.isnan(s) else s, "row": row})
        ph = pd.DataFrame(recs, columns=cols + ["row"])
        for b, g in ph.groupby("block"):
            if abs(g["share"].sum() - 1) > 0.01:
                raise ScenarioFileError(source, sheet, int(g["row"].iloc[0]), "share", round(float(g["share"].sum()), 4),
                                        f"shares of block {b} must add up to 1 / 블록 {b}의 비율 합이 1이어야 합니다.")
        ph = ph[cols]
    missing = plan.loc[~plan["block"].isin(ph["block"]) & plan["completion_year"].isna()]
    if len(missing):
        r = missing.iloc[0]
        raise ScenarioFileError(source, "plan", int(r["source_row"]), "completion_year", "",
                                f"block {r['block']} has no completion year in the plan or phasing sheet / "
                                "준공연도가 계획 표에도 단계별준공 표에도 없습니다.")
    return ph.reset_index(drop=True)


def _check_mix(mix: pd.DataFrame | None, source: str, kind: str):
    if mix is None or len(mix) == 0:
        return None
    sheet = "household_mix"
    m = _map_columns(mix, MIX_COLUMNS, source, sheet, required=("year", *HH_SHARE_COLUMNS)).dropna(how="all")
    recs = []
    for row, r in _rows(m.reset_index(drop=True), kind):
        rec = {"year": int(_number(r["year"], source, sheet, row, "year", 1900, 2100, integer=True, allow_blank=False))}
        for c in HH_SHARE_COLUMNS:
            rec[c] = _number(r[c], source, sheet, row, c, 0, 1, allow_blank=False)
        total = sum(rec[c] for c in HH_SHARE_COLUMNS)
        if abs(total - 1) > 0.02:
            raise ScenarioFileError(source, sheet, row, "hh_share_1..hh_share_5plus", round(total, 4),
                                    "household-size shares must add up to 1 / 가구원수 비율 합이 1이어야 합니다.")
        recs.append(rec)
    return pd.DataFrame(recs)


def _check_parameters(params: dict, source: str) -> dict:
    out = {}
    for name, value in (params or {}).items():
        if _blank(value):
            continue
        try:
            DEFAULT_PARAMETERS.replace(**{str(name): float(value)})
        except (ParameterError, TypeError, ValueError) as exc:
            raise ScenarioFileError(source, "parameters", None, str(name), value, str(exc)) from None
        out[str(name)] = float(value)
    return out


def _check_adjustments(adj: pd.DataFrame | None, source: str, kind: str) -> pd.DataFrame:
    cols = list(ADJUSTMENT_COLUMNS)
    if adj is None or len(adj) == 0:
        return pd.DataFrame(columns=cols)
    sheet = "adjustments"
    a = _map_columns(adj, ADJUSTMENT_COLUMNS, source, sheet, required=("factor",)).dropna(how="all").reset_index(drop=True)
    recs = []
    for row, r in _rows(a, kind):
        rec = {c: ("" if _blank(r.get(c)) else str(r.get(c)).strip()) for c in ("category", "main_use", "district")}
        if rec["category"] and rec["category"] not in CATEGORIES:
            raise ScenarioFileError(source, sheet, row, "category", rec["category"],
                                    f"category must be one of {list(CATEGORIES)} / 분류가 올바르지 않습니다.")
        if rec["main_use"]:
            try:
                rec["main_use"] = main_use(rec["main_use"]).name
            except UnknownBuildingUse as exc:
                raise ScenarioFileError(source, sheet, row, "main_use", rec["main_use"], exc.message) from None
        q = "both" if _blank(r.get("quantity")) else str(r.get("quantity")).strip()
        if q not in ("dwellings", "floor_area_m2", "both"):
            raise ScenarioFileError(source, sheet, row, "quantity", q,
                                    "quantity must be dwellings, floor_area_m2 or both / 대상은 dwellings, floor_area_m2, both 중 하나")
        rec["quantity"] = q
        rec["factor"] = _number(r.get("factor"), source, sheet, row, "factor", 0, 100, allow_blank=False)
        recs.append(rec)
    return pd.DataFrame(recs, columns=cols)


def _parse_setting(key, value, source, row=None):
    key = _SETTING_ALIASES.get(str(key).strip(), str(key).strip())
    if key in ("name", "description"):
        return key, "" if _blank(value) else str(value)
    if key not in _SETTING_TYPES:
        raise ScenarioFileError(source, "settings", row, "key", key,
                                f"unknown setting; valid settings are {['name', 'description', *_SETTING_TYPES]} / 알 수 없는 설정입니다.")
    if _blank(value):
        return key, None
    typ = _SETTING_TYPES[key]
    try:
        if typ is bool:
            v = value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "y", "예")
        elif typ is tuple:
            items = value if isinstance(value, (list, tuple)) else str(value).replace(";", ",").split(",")
            v = tuple(float(x) for x in items if str(x).strip())
            if len(v) > MAX_SCENARIO_YEARS:
                raise ValueError(f"more than {MAX_SCENARIO_YEARS} occupancy shares")
            if any(not 0 <= x <= 1 for x in v):
                raise ValueError("occupancy shares must be in [0, 1]")
        elif typ is int:
            f = float(value)
            if not math.isfinite(f) or f != int(f):
                raise ValueError("a whole number is needed")
            v = int(f)
        else:
            v = typ(value)
            if typ is float and not math.isfinite(v):
                raise ValueError("not a finite number")
    except (TypeError, ValueError, OverflowError) as exc:
        raise ScenarioFileError(source, "settings", row, key, value, f"invalid value ({exc}) / 값이 올바르지 않습니다.") from None
    checks = {"confidence": (0.5, 0.999), "plant_utilisation": (0.3, 1.0), "n_simulations": (100, 200000),
              "plant_capacity_m3_per_day": (0.0, 1e8), "start_year": YEAR_RANGE, "end_year": YEAR_RANGE,
              "design_year": YEAR_RANGE, "household_trend_hold_after": YEAR_RANGE, "seed": (0, 2**32 - 1)}
    if key in checks:
        lo, hi = checks[key]
        if not lo <= float(v) <= hi:
            raise ScenarioFileError(source, "settings", row, key, value,
                                    f"outside the allowed range [{lo}, {hi}] / 허용 범위를 벗어났습니다.")
    return key, v


_SCENARIO_KEYS = {"name", "description", "base", "settings", "plan", "phasing", "household_mix", "parameters",
                  "adjustments"}


def _check_scenario_keys(data, source: str) -> None:
    if not isinstance(data, dict):
        raise ScenarioFileError(source, None, None, None, None,
                                "the file must hold a mapping (name:, plan:, ...) / 파일 형식이 올바르지 않습니다.")
    extra = set(data) - _SCENARIO_KEYS - set(_SETTING_TYPES)
    if extra:
        raise ScenarioFileError(source, None, None, sorted(extra)[0], None,
                                f"unknown key; valid keys are {sorted(_SCENARIO_KEYS | set(_SETTING_TYPES))} "
                                "/ 알 수 없는 항목입니다.")


_BASE_CHAIN: contextvars.ContextVar[tuple] = contextvars.ContextVar("scenario_base_chain", default=())


def _load_base(base_path: Path, source: str) -> "Scenario":
    """Load a ``base:`` file, refusing loops and chains deeper than :data:`MAX_BASE_DEPTH`."""
    chain = _BASE_CHAIN.get()
    key = str(base_path.resolve())
    if key in chain or str(Path(source).resolve()) == key:
        raise ScenarioFileError(source, None, None, "base", str(base_path),
                                "base: files form a loop (a file is its own base) / base: 파일이 서로를 참조합니다.")
    if len(chain) >= MAX_BASE_DEPTH:
        raise ScenarioFileError(source, None, None, "base", str(base_path),
                                f"base: chain deeper than {MAX_BASE_DEPTH} files / base: 연결이 {MAX_BASE_DEPTH}단계를 넘습니다.")
    token = _BASE_CHAIN.set((*chain, str(Path(source).resolve()), key))
    try:
        return load_scenario(base_path)
    finally:
        _BASE_CHAIN.reset(token)


def _merged_with_base(data: dict, base_dir: Path | None, source: str = "scenario") -> dict:
    """The base scenario's structure with ``data`` merged in (see :func:`scenario_from_dict`)."""
    if not isinstance(data["base"], (str, Path)):
        raise ScenarioFileError(source, None, None, "base", data["base"], "base: must be a file name / 파일 이름이어야 합니다.")
    base_path = Path(data["base"])
    if not base_path.is_absolute() and base_dir is not None:
        base_path = base_dir / base_path
    base = _load_base(base_path, source)
    merged = scenario_to_dict(base)
    merged["settings"].update(data.get("settings") or {})
    merged["settings"].update({k: data[k] for k in _SETTING_TYPES if k in data})
    merged["parameters"].update(data.get("parameters") or {})
    for key in ("plan", "phasing", "household_mix"):
        if data.get(key) is not None:
            merged[key] = data[key]
    merged["adjustments"] = list(merged.get("adjustments") or []) + list(data.get("adjustments") or [])
    merged["name"] = data.get("name") or base.name
    merged["description"] = data.get("description", base.description)
    if base.settings.model and not Path(base.settings.model).is_absolute():
        merged["settings"]["model"] = str(base_path.parent / base.settings.model)
    return merged


def _rows_frame(data: dict, key: str, source: str) -> pd.DataFrame | None:
    """The table under ``key`` (a list of row mappings, or a DataFrame), None when absent."""
    v = data.get(key)
    if v is None:
        return None
    if isinstance(v, pd.DataFrame):
        return v
    if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
        raise ScenarioFileError(source, key, None, None, None,
                                f"'{key}' must be a list of rows (- column: value) / 행 목록이어야 합니다.")
    return pd.DataFrame(v)


def _read_settings(data: dict, source: str, base_dir: Path | None) -> tuple[dict, str, str]:
    """(settings, name, description): ``settings:`` and top-level setting keys, checked."""
    settings_raw = dict(data.get("settings") or {})
    settings_raw.update({k: data[k] for k in _SETTING_TYPES if k in data})
    settings = {}
    name, description = data.get("name"), data.get("description", "")
    for k, v in settings_raw.items():
        key, val = _parse_setting(k, v, source)
        if key == "name":
            name = name or val
        elif key == "description":
            description = description or val
        elif val is not None:
            settings[key] = val
    if _blank(name):
        raise ScenarioFileError(source, "settings", None, "name", "", "the scenario needs a name / 시나리오명이 필요합니다.")
    if settings.get("model") and base_dir is not None and not Path(settings["model"]).is_absolute():
        settings["model"] = str(base_dir / settings["model"])
    return settings, name, description


def scenario_from_dict(data: dict, source: str = "scenario", kind: str = "yaml", base_dir: Path | None = None) -> Scenario:
    """Build and check a :class:`Scenario` from the YAML structure (see docs/scenarios.md).

    ``base: FILE`` (relative to ``base_dir``) starts from another scenario file: ``settings``
    and ``parameters`` are merged key by key, ``plan``, ``phasing`` and ``household_mix``
    replace the base's when given, and ``adjustments`` are added to the base's.
    """
    _check_scenario_keys(data, source)
    if data.get("base"):
        return scenario_from_dict(_merged_with_base(data, base_dir, source), source=source, kind=kind, base_dir=base_dir)
    settings, name, description = _read_settings(data, source, base_dir)
    plan_raw = _rows_frame(data, "plan", source)
    if plan_raw is None:
        raise ScenarioFileError(source, "plan", None, None, None, "no plan table / 토지이용계획 표가 없습니다.")
    plan = _check_plan(plan_raw, source, kind)
    phasing = _check_phasing(_rows_frame(data, "phasing", source), plan, source, kind)
    mix = _check_mix(_rows_frame(data, "household_mix", source), source, kind)
    params = data.get("parameters") or {}
    if isinstance(params, list):
        params = {r.get("name"): r.get("value") for r in params}
    params = _check_parameters(params, source)
    adjustments = _check_adjustments(_rows_frame(data, "adjustments", source), source, kind)
    st = ScenarioSettings(**settings)
    if st.start_year and st.end_year and st.start_year > st.end_year:
        raise ScenarioFileError(source, "settings", None, "end_year", st.end_year,
                                "end_year is before start_year / 종료연도가 시작연도보다 앞섭니다.")
    _check_year_span(st, phasing, plan, source)
    return Scenario(name=str(name), plan=plan, phasing=phasing, household_mix=mix, parameters=params,
                    adjustments=adjustments, settings=st, description=str(description or ""), source=source)


def _check_year_span(st: "ScenarioSettings", phasing: pd.DataFrame, plan: pd.DataFrame, source: str) -> None:
    """At most :data:`MAX_SCENARIO_YEARS` years from the first to the last year of the run."""
    years = [y for y in (st.start_year, st.end_year) if y]
    for df in (phasing, plan):
        if df is not None and "completion_year" in df.columns:
            years += [float(y) for y in df["completion_year"] if y == y]
    if years and max(years) - min(years) > MAX_SCENARIO_YEARS:
        raise ScenarioFileError(source, "settings", None, "end_year", st.end_year or int(max(years)),
                                f"the run would span {int(max(years) - min(years))} years; at most "
                                f"{MAX_SCENARIO_YEARS} / 계산 기간은 {MAX_SCENARIO_YEARS}년 이하여야 합니다.")


def _find_sheet(names, canon):
    wanted = {_norm(a) for a in SHEETS[canon]}
    for n in names:
        if _norm(n) in wanted:
            return n
    return None


def _read_xlsx(path: Path) -> dict:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad input file
        raise InputFileError(f"{path}: cannot read the workbook ({exc}) / 통합문서를 읽을 수 없습니다.") from exc
    data: dict = {}
    for canon in SHEETS:
        name = _find_sheet(sheets, canon)
        if name is None:
            continue
        df = sheets[name]
        if canon == "settings":
            s = _map_columns(df, SETTINGS_COLUMNS, str(path), name, required=("key", "value"))
            for i, r in s.iterrows():
                if _blank(r["key"]):
                    continue
                key, val = _parse_setting(r["key"], r["value"], str(path), row=i + 2)
                data[key] = val
        elif canon == "parameters":
            p = _map_columns(df, PARAMETER_COLUMNS, str(path), name, required=("name", "value"))
            data["parameters"] = {r["name"]: r["value"] for _, r in p.iterrows() if not _blank(r["name"])}
        else:
            data[canon] = df
    if "plan" not in data:
        raise ScenarioFileError(str(path), None, None, None, None,
                                f"no plan sheet; name a sheet one of {SHEETS['plan']} / 토지이용계획 시트가 없습니다.")
    return {k: v for k, v in data.items() if v is not None}


def _read_yaml(path: Path):
    """The YAML file's data, bounded: file size, aliases and values once aliases are expanded."""
    import yaml

    if path.stat().st_size > MAX_SCENARIO_FILE_BYTES:
        raise InputFileError(f"{path}: larger than {MAX_SCENARIO_FILE_BYTES:,} bytes; not a scenario file / "
                             f"시나리오 파일이 너무 큽니다.")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_bounded_yaml_loader())  # noqa: S506 - SafeLoader subclass
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise InputFileError(f"{path}: not valid YAML ({str(exc).splitlines()[0][:200]}) / YAML 형식 오류입니다.") from None
    if _expanded_size(data) > MAX_YAML_NODES:
        raise InputFileError(f"{path}: more than {MAX_YAML_NODES:,} values once YAML aliases are expanded "
                             f"(an alias bomb?) / YAML 별칭을 펼치면 값이 너무 많습니다.")
    return data


def _bounded_yaml_loader():
    """A SafeLoader that refuses more than :data:`MAX_YAML_ALIASES` aliases."""
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        aliases = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_YAML_ALIASES:
                    raise yaml.YAMLError(f"more than {MAX_YAML_ALIASES} YAML aliases (*name)")
            return super().compose_node(parent, index)

    return BoundedLoader


def _expanded_size(data, limit: int = MAX_YAML_NODES) -> int:
    """Values in ``data`` counting shared (aliased) parts every time; stops counting past ``limit``."""
    n, stack = 0, [data]
    while stack and n <= limit:
        o = stack.pop()
        n += 1
        if isinstance(o, dict):
            stack.extend(o.values())
            stack.extend(o.keys())
        elif isinstance(o, list):
            stack.extend(o)
    return n


def load_scenario(path) -> Scenario:
    """Read and check a scenario file (.yaml/.yml or .xlsx).

    Raises
    ------
    ScenarioFileError
        With file, sheet, row, column and value, in Korean and English.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"Scenario file not found: {path} / 시나리오 파일이 없습니다: {path}")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = _read_yaml(path)
        return scenario_from_dict(data, source=str(path), kind="yaml", base_dir=path.parent)
    if suffix == ".xlsx":
        data = _read_xlsx(path)
        if data.get("name") is None:
            data["name"] = path.stem
        return scenario_from_dict(data, source=str(path), kind="xlsx", base_dir=path.parent)
    raise InputFileError(f"{path}: a scenario file must be .yaml, .yml or .xlsx / 시나리오 파일은 .yaml 또는 .xlsx")


# ---------------------------------------------------------------------------------------
# writing (templates and sample files)
# ---------------------------------------------------------------------------------------

def _clean(v):
    if isinstance(v, (np.floating, float)):
        return None if np.isnan(v) else (int(v) if float(v).is_integer() else float(v))
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def scenario_to_dict(s: Scenario) -> dict:
    """The YAML structure of a scenario (inverse of :func:`scenario_from_dict`)."""
    def rows(df, drop=()):
        if df is None:
            return None
        return [{k: _clean(v) for k, v in r.items() if k not in drop and _clean(v) not in (None, "")}
                for r in df.to_dict("records")]

    st = {k: _clean(v) for k, v in s.settings.__dict__.items()
          if v not in (None, ()) and v != getattr(ScenarioSettings(), k)}
    if s.settings.occupancy_ramp:
        st["occupancy_ramp"] = [float(x) for x in s.settings.occupancy_ramp]
    plan = rows(s.plan, drop=("source_row",))
    for r in plan:
        if r.get("rural") is False:
            r.pop("rural")
    return {
        "name": s.name,
        "description": s.description,
        "settings": st,
        "plan": plan,
        "phasing": rows(s.phasing),
        "household_mix": rows(s.household_mix),
        "parameters": dict(s.parameters),
        "adjustments": rows(s.adjustments),
    }


def write_scenario_yaml(s: Scenario, path, force: bool = False) -> Path:
    """Write a scenario as YAML (atomically; refuses to overwrite without ``force``)."""
    import yaml

    from ..fileio import atomic_path, check_output_path

    path = check_output_path(path, force=force)
    d = {k: v for k, v in scenario_to_dict(s).items() if v not in (None, [], {}, "")}
    with atomic_path(path) as tmp:
        tmp.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    return path


def write_scenario_workbook(s: Scenario, path, force: bool = False) -> Path:
    """Write a scenario as an xlsx officials can fill in: one sheet per table.

    Sheet names are Korean with the English name in brackets-free form accepted by
    :func:`load_scenario` (``토지이용계획`` = plan ...); headers are the canonical names
    (the reader also accepts the Korean headers).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from ..fileio import atomic_path, check_excel_rows, check_output_path, xlsx_value

    path = check_output_path(path, force=force)
    d = scenario_to_dict(s)
    check_excel_rows(len(d["plan"]) + 1, SHEET_LABELS_KO["plan"], path)
    wb = Workbook()
    wb.remove(wb.active)
    fill = PatternFill("solid", fgColor="DDE7F0")

    def sheet(canon, header, rows):
        ws = wb.create_sheet(SHEET_LABELS_KO[canon])
        ws.append([xlsx_value(ws, h) for h in header])
        for c in ws[1]:
            c.font, c.fill = Font(bold=True), fill
        for r in rows:
            ws.append([xlsx_value(ws, r.get(h)) for h in header])
        for i, h in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, len(str(h)) + 2)
        ws.freeze_panes = "A2"

    settings_rows = [{"key": "name", "value": s.name}, {"key": "description", "value": s.description}]
    settings_rows += [{"key": k, "value": ",".join(str(x) for x in v) if isinstance(v, list) else v}
                      for k, v in d["settings"].items()]
    sheet("settings", ["key", "value"], settings_rows)
    sheet("plan", [c for c in PLAN_COLUMNS], d["plan"])
    sheet("phasing", list(PHASING_COLUMNS), d["phasing"] or [])
    sheet("household_mix", list(MIX_COLUMNS), d["household_mix"] or [])
    sheet("parameters", ["name", "value"], [{"name": k, "value": v} for k, v in d["parameters"].items()])
    sheet("adjustments", list(ADJUSTMENT_COLUMNS), d["adjustments"] or [])
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


# ---------------------------------------------------------------------------------------
# expansion
# ---------------------------------------------------------------------------------------

def apply_adjustments(plan: pd.DataFrame, adjustments: pd.DataFrame) -> pd.DataFrame:
    """Scale dwellings and/or floor area of matching blocks by each adjustment's factor.

    A blank ``category``/``main_use``/``district`` matches every block; ``quantity`` is
    ``dwellings``, ``floor_area_m2`` or ``both`` (dwellings and floor area together, the
    default: a bigger block of the same kind).
    """
    p = plan.copy()
    if adjustments is None or adjustments.empty:
        return p
    cats = p["main_use"].map(lambda u: main_use(u).category)
    for _, a in adjustments.iterrows():
        m = pd.Series(True, index=p.index)
        if a["category"]:
            m &= cats == a["category"]
        if a["main_use"]:
            m &= p["main_use"] == a["main_use"]
        if a["district"]:
            m &= p["district"] == a["district"]
        f = float(a["factor"])
        if a["quantity"] in ("dwellings", "both"):
            p.loc[m, "dwellings"] = p.loc[m, "dwellings"] * f
        if a["quantity"] in ("floor_area_m2", "both"):
            p.loc[m, "floor_area_m2"] = p.loc[m, "floor_area_m2"] * f
    return p


def phase_blocks(scenario: Scenario) -> pd.DataFrame:
    """One row per (block, completion year) with its share [-] of the block."""
    plan = scenario.plan
    ph = scenario.phasing
    rows = []
    for _, b in plan.iterrows():
        g = ph[ph["block"] == b["block"]] if len(ph) else ph
        if len(g):
            for _, r in g.iterrows():
                rows.append({"block": b["block"], "completion_year": int(r["completion_year"]), "share": float(r["share"])})
        else:
            rows.append({"block": b["block"], "completion_year": int(b["completion_year"]), "share": 1.0})
    return pd.DataFrame(rows, columns=["block", "completion_year", "share"])


def _split_integer(total: float, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` in proportion to ``weights``; whole numbers (largest remainder) when
    ``total`` is whole, so the parts add up exactly."""
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    if float(total) != round(float(total)):
        return total * w
    raw = total * w
    base = np.floor(raw)
    left = int(round(total - base.sum()))
    if left > 0:
        order = np.argsort(-(raw - base), kind="stable")
        base[order[:left]] += 1
    return base


def _block_rng(seed: int, block: str) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(str(block).encode("utf-8"))])


def _block_size(b, housing: bool, area_per_dwelling: float | None) -> tuple[float, float]:
    """(dwellings, floor area [m2]) of a block; housing area defaults to dwellings x area per dwelling."""
    dwellings = float(b["dwellings"]) if b["dwellings"] == b["dwellings"] else 0.0
    area = float(b["floor_area_m2"]) if b["floor_area_m2"] == b["floor_area_m2"] else np.nan
    if housing and not area > 0:
        per = b["floor_area_per_dwelling_m2"]
        area = dwellings * (per if per == per else (area_per_dwelling or 100.0))
    return dwellings, area


def _building_count(b, use, housing: bool, dw: float, ar: float, share: float, per_bldg_dw, area_per_bldg) -> int:
    """Buildings in one phase of a block: given (x share), else from typical dwellings or area per building."""
    if b["buildings"] == b["buildings"]:
        return max(1, int(round(float(b["buildings"]) * share)))
    if housing and use.default_moe_code == HOUSING_DETACHED and per_bldg_dw == 1.0:
        return max(1, int(round(dw)))
    if housing:
        return max(1, int(round(dw / (per_bldg_dw or 50.0))))
    return max(1, int(round(ar / (area_per_bldg or 2000.0))))


def _building_sizes(rng, n: int, housing: bool, dw: float, ar: float, per_bldg_dw) -> tuple[np.ndarray, np.ndarray]:
    """(floor areas [m2], dwellings) of the phase's buildings, log-normal around equal parts, exact totals."""
    w = np.exp(_SIZE_SPREAD * rng.standard_normal(n))
    if housing and dw > 0:
        # dwellings first; floor area follows them (same area per dwelling in a block)
        dws = _split_integer(dw, np.ones(n) if per_bldg_dw == 1.0 else w)
        dws = dws[dws > 0]
        return ar * dws / dws.sum(), dws
    return ar * w / w.sum(), np.zeros(n)


def _building_row(b, use, phase: int, j: int, area: float, dwellings: float, floors: float, year) -> dict:
    return {
        "building_id": f"S-{b['block']}-{phase + 1}-{j + 1:03d}",
        "district": b["district"],
        "main_use": use.name,
        "moe_code": b["moe_code"],
        "floor_area_m2": float(area),
        "households": float(dwellings),
        "dwelling_units": float(dwellings) if use.name == "다세대주택" else 0.0,
        "floors_above": float(floors),
        "approval_year": float(year),
        "rural": bool(b["rural"]),
        "category": use.category,
        "block": b["block"],
        "completion_year": int(year),
        "synthetic": True,
    }


def _block_buildings(b, phases: pd.DataFrame, seed: int, limit: int = MAX_SCENARIO_BUILDINGS,
                     source: str = "scenario") -> list[dict]:
    """The synthetic buildings of one plan block, phase by phase (at most ``limit``)."""
    use = main_use(b["main_use"])
    per_bldg_dw, area_per_dw, area_per_bldg, default_floors = BUILDING_DEFAULTS.get(use.name, _OTHER_DEFAULT)
    housing = use.default_moe_code.startswith("HOUSING")
    dwellings, area = _block_size(b, housing, area_per_dw)
    if not area > 0:  # dwellings-based non-housing use without floor area (checked in reading)
        return []
    floors = b["floors_above"] if b["floors_above"] == b["floors_above"] else default_floors
    g = phases[phases["block"] == b["block"]]
    shares = g["share"].to_numpy(float)
    phase_dw = _split_integer(dwellings, shares) if dwellings > 0 else np.zeros(len(g))
    phase_area = area * shares / shares.sum()
    rng = _block_rng(seed, b["block"])
    rows = []
    for k, (year, dw, ar, sh) in enumerate(zip(g["completion_year"], phase_dw, phase_area, shares)):
        if ar <= 0:
            continue
        n = _building_count(b, use, housing, dw, ar, sh, per_bldg_dw, area_per_bldg)
        if n + len(rows) > limit:
            raise ScenarioFileError(source, "plan", None, "block", b["block"],
                                    f"the plan expands to more than {MAX_SCENARIO_BUILDINGS:,} buildings / "
                                    f"건축물이 {MAX_SCENARIO_BUILDINGS:,}동을 넘습니다.")
        areas, dws = _building_sizes(rng, n, housing, dw, ar, per_bldg_dw)
        rows += [_building_row(b, use, k, j, areas[j], dws[j], floors, year) for j in range(len(dws))]
    return rows


def expand_scenario(scenario: Scenario) -> pd.DataFrame:
    """Expand the plan into a synthetic canonical building table.

    Each block (after adjustments) is split into its phases by share, and each phase into
    buildings: by ``buildings`` (scaled by the share) when given, else by the use's typical
    dwellings per building or floor area per building (:data:`BUILDING_DEFAULTS`). Building
    sizes vary log-normally (sd 0.25) around equal parts and are rescaled so that dwellings
    and floor area add up exactly to the block's (whole dwellings per building when the
    block's dwellings are whole). Housing floor area, when not given, is dwellings x
    ``floor_area_per_dwelling_m2`` (default by use).

    Returns
    -------
    DataFrame
        Canonical columns (``building_id`` = ``S-<block>-<phase>-<n>``, ``district``,
        ``main_use``, ``moe_code``, ``floor_area_m2`` [m2], ``households``,
        ``dwelling_units``, ``floors_above``, ``approval_year`` = completion year,
        ``rural``) plus ``category``, ``block``, ``completion_year`` and ``synthetic`` = True.
    """
    plan = apply_adjustments(scenario.plan, scenario.adjustments)
    phases = phase_blocks(scenario.with_changes(plan=plan))
    out = []
    for _, b in plan.iterrows():
        out += _block_buildings(b, phases, scenario.settings.seed, MAX_SCENARIO_BUILDINGS - len(out), scenario.source)
    df = pd.DataFrame(out)
    for c in HH_SHARE_COLUMNS:
        df[c] = np.nan
    return df


def scenario_from_buildings(buildings: pd.DataFrame, name: str, settings: ScenarioSettings | None = None,
                            description: str = "") -> Scenario:
    """A scenario whose plan summarises a planned building table (canonical, validated).

    One block per (district, main use) with its dwellings [households] and floor area [m2]
    summed, buildings counted, median floors, and a phasing row per completion year
    (``approval_year``) with the share of the block's floor area completed that year.
    """
    df = buildings.copy()
    df["households"] = df["households"].fillna(0.0) if "households" in df else 0.0
    df["approval_year"] = df["approval_year"].astype(float)
    plan, phasing = [], []
    for k, ((district, use), g) in enumerate(df.groupby(["district", "main_use"], sort=True)):
        block = f"{district}-{use}"
        housing = main_use(use).default_moe_code.startswith("HOUSING")
        plan.append({
            "block": block, "district": district, "main_use": use,
            "dwellings": float(g["households"].sum()) if housing else np.nan,
            "floor_area_m2": round(float(g["floor_area_m2"].sum()), 2),
            "buildings": int(len(g)),
            "floors_above": float(g["floors_above"].median()) if "floors_above" in g and g["floors_above"].notna().any() else np.nan,
        })
        by_year = g.groupby("approval_year")["floor_area_m2"].sum()
        shares = (by_year / by_year.sum()).round(4)
        shares.iloc[-1] = round(1.0 - shares.iloc[:-1].sum(), 4)
        for y, s in shares.items():
            phasing.append({"block": block, "completion_year": int(y), "share": float(s)})
    data = {"name": name, "description": description, "plan": plan, "phasing": phasing}
    s = scenario_from_dict(data, source=name, kind="yaml")
    return s.with_changes(settings=settings or ScenarioSettings())


#: Sample scenario files shipped with the synthetic sample new town (가온시 새빛지구).
SAMPLE_SCENARIOS = {
    "base": "sample_town_base.yaml",
    "base_xlsx": "sample_town_base.xlsx",
    "commercial_plus10": "sample_town_commercial_plus10.yaml",
    "mix_held_2023": "sample_town_mix_held_2023.yaml",
}


def sample_scenario_path(key: str = "base") -> Path:
    """Path of a sample scenario file (``sewerplan/sample_data/scenarios/``).

    Keys: ``base`` (YAML), ``base_xlsx`` (the same as an Excel workbook),
    ``commercial_plus10`` (10% more commercial floor area), ``mix_held_2023`` (household
    mix held at 2023 instead of the census trend).
    """
    from importlib import resources

    if key not in SAMPLE_SCENARIOS:
        raise KeyError(f"Unknown sample scenario {key!r}; valid: {sorted(SAMPLE_SCENARIOS)}")
    return Path(str(resources.files("sewerplan").joinpath("sample_data", "scenarios", SAMPLE_SCENARIOS[key])))
