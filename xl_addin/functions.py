"""Worksheet functions (UDFs): the sewerplan methods as Excel formulas.

Each function reads cells, calls one function of :mod:`sewerplan.model`, and returns a
number (single cell) or a spilled column/table (ranges). Expected user errors raise
:class:`xlwings.XlwingsError` with a Korean + English message naming the argument and
the row. The docstring and the ``doc=`` of every argument are the help text Excel shows
(Classic xlwings cuts them at 255 characters, so they are kept short; the manual
``docs/excel.ko.md`` has the long form).

This module is the ``UDF Modules`` entry of the template workbook (``xlwings.conf``
sheet): ``sewerplan.xl_addin.functions``. The Office.js route
(:mod:`sewerplan.xl_addin.server`) serves the same functions with the same help.
"""

from __future__ import annotations

import numpy as np
import xlwings as xw

from sewerplan.model.design import capacity, conventional, peaking, unit_loads
from sewerplan.model.errors import ParameterError, SewerplanError, UnknownBuildingUse
from sewerplan.model.design.parameters import DEFAULT_PARAMETERS

from . import messages
from .cells import fill_blank, line_up, read_numbers, read_texts, to_excel

__all__ = [
    "SEWER_CONVENTIONAL",
    "SEWER_UNITLOAD",
    "SEWER_ML",
    "SEWER_PEAK",
    "SEWER_CAPACITY",
    "SEWER_FEE_IMPACT",
    "SEWER_MODEL_INFO",
    "SEWER_SCENARIO_CAPACITY",
    "SEWER_SCENARIO_CAPACITY_BY_YEAR",
    "UDFS",
]

P = DEFAULT_PARAMETERS
UDFS: dict = {}  # Excel name -> function, in the order the manual lists them


def udf(**arg_docs):
    """Register a worksheet function: ``xw.func`` + ``xw.arg(name, ndim=2, doc=...)``.

    Arguments are read as 2-D (a single cell arrives as ``[[value]]``) so one code path
    handles cells and ranges. The argument docs are kept on the function
    (``__sewerplan_args__``) so the Office.js route can register the same help.
    """

    def deco(f):
        f.__sewerplan_args__ = dict(arg_docs)
        g = f
        for name, doc in reversed(list(arg_docs.items())):
            g = xw.arg(name, ndim=2, doc=doc)(g)
        g = xw.func(g)
        UDFS[f.__name__] = g
        return g

    return deco


def _wrap_model_error(func, exc, where=""):
    if isinstance(exc, (SewerplanError, ValueError, KeyError)):
        return messages.from_model_error(func, exc, where)
    return exc


# --------------------------------------------------------------------------------------
# Conventional (population) method
# --------------------------------------------------------------------------------------


@udf(
    households="세대수 [세대], 셀 또는 열. Number of households [households], a cell or a column.",
    persons_per_household="세대당 인구 [인/세대], 예: 2.6(계획 상수) 또는 2.21(2023 통계). Persons per household [persons/household].",
    unit_l_per_person_day="1인1일 오수량 원단위 [L/(인·일)], 빈칸=300. Per-capita day-max unit [L/(person d)], blank = 300.",
    factor="설계 계수 [-], 빈칸=1.1. Design factor [-], blank = 1.1.",
)
def SEWER_CONVENTIONAL(households, persons_per_household, unit_l_per_person_day=None, factor=None):
    """일최대 오수량(인구 원단위법) [㎥/일] = 세대수×세대당 인구×원단위×계수÷1000. Conventional day-max sewage [m3/d] (population method; 100×2.6×300×1.1 = 85.8)."""
    f = "SEWER_CONVENTIONAL"
    hh = read_numbers(f, "households", households, "0 이상의 세대수를 입력하세요.", "Enter households >= 0.",
                      low=0, range_ko="0 이상이어야 합니다.", range_en="Must be >= 0.")
    ppl = read_numbers(f, "persons_per_household", persons_per_household,
                       "세대당 인구를 숫자로 입력하세요(예: 2.6).", "Enter persons per household as a number (e.g. 2.6).",
                       low=0, low_open=True, range_ko="0보다 커야 합니다.", range_en="Must be > 0.")
    unit = read_numbers(f, "unit_l_per_person_day", unit_l_per_person_day,
                        "L/(인·일) 단위 숫자를 입력하세요(예: 300).", "Enter L/(person d) as a number (e.g. 300).",
                        low=0, low_open=True, range_ko="0보다 커야 합니다.", range_en="Must be > 0.")
    fac = read_numbers(f, "factor", factor, "계수를 숫자로 입력하세요(예: 1.1).", "Enter the factor as a number (e.g. 1.1).",
                       low=0, low_open=True, range_ko="0보다 커야 합니다.", range_en="Must be > 0.")
    lined = line_up(
        f, [hh, ppl], [unit, fac],
        hints={
            "households": ("세대수를 입력하세요(없으면 0).", "Enter the number of households (0 if none)."),
            "persons_per_household": ("세대당 인구를 입력하세요(예: 2.6 계획 상수, 2.21 2023년 통계).",
                                      "Enter persons per household (e.g. 2.6 planning constant, 2.21 census 2023)."),
        },
    )
    a = lined.arrays
    result = conventional.domestic_day_max(
        np.where(lined.keep, a["households"], 0.0),
        persons_per_household=np.where(lined.keep, a["persons_per_household"], 1.0),
        per_capita_l_per_day=fill_blank(a["unit_l_per_person_day"], P.per_capita_l_per_day),
        design_factor=fill_blank(a["factor"], P.design_factor),
    )
    return to_excel(result, lined)


# --------------------------------------------------------------------------------------
# MOE unit loads
# --------------------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "y", "t", "예", "네", "o", "읍", "면", "읍면", "읍·면", "rural"}
_FALSE = {"0", "false", "no", "n", "f", "아니오", "아니요", "x", "동", "urban"}


def _read_flags(f, arg, value):
    cells = read_texts(f, arg, value)
    out = np.zeros(cells.shape, dtype=bool)
    for (r, c), v in np.ndenumerate(cells.values):
        if v is None:
            continue
        key = str(v).strip().lower()
        if key in _TRUE:
            out[r, c] = True
        elif key not in _FALSE:
            raise messages.user_error(
                f,
                f"{messages.label(arg)} {r + 1}번째 값 {v!r}을(를) 알 수 없습니다. 읍·면이면 TRUE(예), 동이면 FALSE(아니오) 또는 빈칸.",
                f"{arg}, row {r + 1}: unknown value {v!r}; use TRUE for 읍·면 areas, FALSE or blank otherwise.",
            )
    return out, cells


@udf(
    main_use_or_moe_code="주용도(예: 업무시설, 아파트) 또는 환경부 용도코드(예: F-01-00). Main use or MOE code.",
    floor_area_m2="연면적 [㎡], 0 이상. Gross floor area [m2], >= 0.",
    households="세대수 [세대], 주택만, 빈칸=0. Households [households], housing only, blank = 0.",
    rural="읍·면 지역이면 TRUE(주거 170 L), 빈칸=FALSE(200 L). TRUE for 읍·면 areas (housing 170 L/(person d)).",
    occupants="이용인원 [인], 인원 기준 용도만. Occupants [persons], only for per-person MOE rows.",
)
def SEWER_UNITLOAD(main_use_or_moe_code, floor_area_m2, households=None, rural=None, occupants=None):
    """일최대 오수량(환경부 건축물 용도별 오수발생량) [㎥/일]. MOE unit-load design sewage [m3/d] by building use (notice 2025-165)."""
    f = "SEWER_UNITLOAD"
    use = read_texts(f, "main_use_or_moe_code", main_use_or_moe_code)
    area = read_numbers(f, "floor_area_m2", floor_area_m2, "연면적(㎡)을 숫자로 입력하세요.",
                        "Enter the gross floor area in m2 as a number.",
                        low=0, range_ko="음수가 아닌 연면적(㎡)을 입력하세요.", range_en="Enter an area >= 0 m2.")
    hh = read_numbers(f, "households", households, "세대수를 숫자로 입력하세요.", "Enter households as a number.",
                      low=0, range_ko="0 이상이어야 합니다.", range_en="Must be >= 0.")
    occ = read_numbers(f, "occupants", occupants, "이용인원을 숫자로 입력하세요.", "Enter occupants as a number.",
                       low=0, range_ko="0 이상이어야 합니다.", range_en="Must be >= 0.")
    flags, flag_cells = _read_flags(f, "rural", rural)
    flag_cells.values = np.where(flags, 1.0, 0.0)
    lined = line_up(
        f, [use, area], [hh, occ, flag_cells],
        hints={
            "main_use_or_moe_code": ("주용도(예: 업무시설) 또는 환경부 용도코드(예: F-01-00)를 입력하세요.",
                                     "Enter a main use (e.g. 업무시설) or an MOE code (e.g. F-01-00)."),
            "floor_area_m2": ("연면적(㎡)을 입력하세요.", "Enter the gross floor area in m2."),
        },
    )
    a = lined.arrays
    out = np.zeros(lined.shape)
    for (r, c), keep in np.ndenumerate(lined.keep):
        if not keep:
            continue
        occupants_rc = a["occupants"][r, c]
        try:
            out[r, c] = unit_loads.unit_load_flow(
                a["main_use_or_moe_code"][r, c],
                a["floor_area_m2"][r, c],
                households=0.0 if np.isnan(a["households"][r, c]) else a["households"][r, c],
                occupants=None if np.isnan(occupants_rc) else occupants_rc,
                rural=bool(a["rural"][r, c]),
            )
        except UnknownBuildingUse as exc:
            ko, en = messages.where([(r, c, lined.shape)])
            raise messages.from_model_error(f, exc, f"{ko} / {en}") from None
        except (ParameterError, ValueError) as exc:
            ko, en = messages.where([(r, c, lined.shape)])
            hint = ""
            if isinstance(exc, ParameterError) and exc.name == "occupants":
                hint = " 이 용도는 인원 기준이므로 occupants(이용인원)를 입력하세요. / This use is per person: give occupants."
            raise messages.from_model_error(f, f"{exc}{hint}", f"{ko} / {en}") from None
    return to_excel(out, lined)


# --------------------------------------------------------------------------------------
# Peaking factor and plant capacity
# --------------------------------------------------------------------------------------

_METHOD_ALIASES = {
    "": "harmon", "harmon": "harmon", "하몬": "harmon", "ten_states": "ten_states", "10states": "ten_states",
    "babbitt": "babbitt", "바빗": "babbitt", "gifft": "gifft", "기프트": "gifft",
    "korean": "korean", "한국": "korean", "하수도설계기준": "korean",
}


@udf(
    population="인구 [인], 0보다 큼. Population served [persons], > 0.",
    method="산정식: harmon(빈칸), babbitt, gifft, korean. Method: harmon (blank), babbitt, gifft or korean.",
)
def SEWER_PEAK(population, method=None):
    """첨두율 [-] = 첨두 유량 ÷ 일평균 유량(Harmon, Babbitt, Gifft, 한국 설계기준). Peaking factor [-], peak / average flow."""
    f = "SEWER_PEAK"
    pop = read_numbers(f, "population", population, "인구를 숫자로 입력하세요.", "Enter the population as a number.",
                       low=0, low_open=True, range_ko="인구는 0보다 커야 합니다.", range_en="Population must be > 0.")
    meth = read_texts(f, "method", method)
    lined = line_up(f, [pop], [meth], hints={"population": ("인구를 입력하세요.", "Enter the population.")})
    a = lined.arrays
    names = np.empty(lined.shape, dtype=object)
    for (r, c), v in np.ndenumerate(a["method"]):
        key = "" if v is None else str(v).strip().lower()
        if key not in _METHOD_ALIASES:
            raise messages.unknown_choice(f, "method", v, ["harmon", "babbitt", "gifft", "korean"])
        names[r, c] = _METHOD_ALIASES[key]
    pops = np.where(lined.keep, a["population"], 1000.0)
    out = np.zeros(lined.shape)
    for name in set(names.flat):
        mask = names == name
        try:
            out[mask] = peaking.peaking_factor(pops[mask], method=name)
        except SewerplanError as exc:
            raise messages.from_model_error(f, exc) from None
    return to_excel(out, lined)


_BASIS = {"": "day_max", "day_max": "day_max", "일최대": "day_max", "max": "day_max",
          "day_average": "day_average", "일평균": "day_average", "average": "day_average", "avg": "day_average"}


@udf(
    flows="건축물별 오수량 [㎥/일], 셀 또는 열(합계로 산정). Building flows [m3/d], a cell or a column (summed).",
    basis="유량 기준: 일최대(빈칸) 또는 일평균(ML 결과). Basis: day_max (blank) or day_average (ML output).",
    utilisation="적정 가동률 [-], 빈칸=0.8. Plant utilisation [-], blank = 0.8.",
)
def SEWER_CAPACITY(flows, basis=None, utilisation=None):
    """처리장 시설용량 [㎥/일] = (일최대 오수량 합계 + 침입수 10%) ÷ 적정 가동률(0.8). Plant capacity [m3/d] = (day-max total + 10% infiltration) / utilisation."""
    f = "SEWER_CAPACITY"
    q = read_numbers(f, "flows", flows, "오수량(㎥/일)을 숫자로 입력하세요.", "Enter flows in m3/d as numbers.",
                     low=0, range_ko="오수량은 0 이상이어야 합니다.", range_en="Flows must be >= 0.")
    if np.isnan(q.values).all():
        raise messages.blank(f, "flows", [(0, 0, q.shape)], "오수량이 있는 범위를 지정하세요.", "Select cells with flows.")
    b = read_texts(f, "basis", basis).values
    if b.size != 1:
        raise messages.user_error(f, "basis(유량 기준)는 셀 하나로 지정하세요.", "basis must be a single cell.")
    key = "" if b.flat[0] is None else str(b.flat[0]).strip().lower()
    if key not in _BASIS:
        raise messages.unknown_choice(f, "basis", b.flat[0], ["day_max(일최대)", "day_average(일평균)"])
    u = read_numbers(f, "utilisation", utilisation, "가동률을 숫자로 입력하세요(예: 0.8).", "Enter utilisation as a number (e.g. 0.8).",
                     low=0, low_open=True, high=1, range_ko="0 초과 1 이하여야 합니다.", range_en="Must be in (0, 1].").values
    if u.size != 1:
        raise messages.user_error(f, "utilisation(가동률)은 셀 하나로 지정하세요.", "utilisation must be a single cell.")
    total = float(np.nansum(q.values))
    try:
        day_max = conventional.design_flows(total, basis=_BASIS[key])["day_max"]  # + infiltration
        return float(capacity.plant_capacity(day_max, utilisation=None if np.isnan(u.flat[0]) else float(u.flat[0])))
    except (SewerplanError, ValueError) as exc:
        raise messages.from_model_error(f, exc) from None


# --------------------------------------------------------------------------------------
# Fee impact
# --------------------------------------------------------------------------------------


@udf(
    capex_krw="시설비(예: 증설비 또는 절감액) [원]. Capital cost, e.g. an avoided expansion [KRW].",
    billed_volume_m3_per_day="요금 부과 수량 [㎥/일](처리구역 상수도 부과량). Billed water volume of the tariff area [m3/d].",
    household_size="가구원수 [인] 1~6, 빈칸=4 (서울 2021 실측 사용량). Household size [persons] 1-6, blank = 4.",
    discount_rate="할인율 [-/년], 빈칸=0.045. Discount rate [-/yr], blank = 0.045.",
    asset_life_years="내용연수 [년], 빈칸=30. Asset life [yr], blank = 30.",
)
def SEWER_FEE_IMPACT(capex_krw, billed_volume_m3_per_day, household_size=None, discount_rate=None,
                     asset_life_years=None):
    """하수도 요금 영향 [원/가구·월] = 시설비 연등가 ÷ 연간 부과량 × 가구 월 사용량. Sewage fee impact [KRW per household per month]."""
    from sewerplan.model.planning import finance

    f = "SEWER_FEE_IMPACT"
    capex = read_numbers(f, "capex_krw", capex_krw, "시설비(원)를 숫자로 입력하세요.", "Enter the cost in KRW as a number.",
                         low=0, range_ko="0 이상이어야 합니다.", range_en="Must be >= 0.")
    vol = read_numbers(f, "billed_volume_m3_per_day", billed_volume_m3_per_day, "부과 수량(㎥/일)을 숫자로 입력하세요.",
                       "Enter the billed volume in m3/d as a number.", low=0, low_open=True,
                       range_ko="0보다 커야 합니다.", range_en="Must be > 0.")
    size = read_numbers(f, "household_size", household_size, "가구원수(1~6)를 입력하세요.", "Enter a household size 1-6.",
                        low=1, high=6, range_ko="1~6인 가구만 실측 사용량이 있습니다.",
                        range_en="Measured use exists for 1-6 person households.")
    rate = read_numbers(f, "discount_rate", discount_rate, "할인율을 숫자로 입력하세요(예: 0.045).",
                        "Enter the discount rate as a number (e.g. 0.045).", low=0, high=0.999,
                        range_ko="0 이상 1 미만이어야 합니다.", range_en="Must be in [0, 1).")
    life = read_numbers(f, "asset_life_years", asset_life_years, "내용연수(년)를 숫자로 입력하세요.",
                        "Enter the asset life in years as a number.", low=0, low_open=True,
                        range_ko="0보다 커야 합니다.", range_en="Must be > 0.")
    if not np.isnan(size.values).all() and not np.all(np.isnan(size.values) | (size.values == np.round(size.values))):
        raise messages.user_error(f, "household_size(가구원수)는 1~6의 정수여야 합니다.", "household_size must be a whole number 1-6.")
    lined = line_up(
        f, [capex, vol], [size, rate, life],
        hints={"capex_krw": ("시설비(원)를 입력하세요.", "Enter the capital cost in KRW."),
               "billed_volume_m3_per_day": ("부과 수량(㎥/일)을 입력하세요.", "Enter the billed volume in m3/d.")},
    )
    a = lined.arrays
    out = np.zeros(lined.shape)
    for (r, c), keep in np.ndenumerate(lined.keep):
        if not keep:
            continue
        s = 4 if np.isnan(a["household_size"][r, c]) else int(a["household_size"][r, c])
        try:
            impact = finance.fee_impact(
                a["capex_krw"][r, c], a["billed_volume_m3_per_day"][r, c],
                discount_rate=None if np.isnan(a["discount_rate"][r, c]) else a["discount_rate"][r, c],
                asset_life_years=None if np.isnan(a["asset_life_years"][r, c]) else a["asset_life_years"][r, c],
                household_sizes=(s,),
            )
        except (SewerplanError, ValueError) as exc:
            ko, en = messages.where([(r, c, lined.shape)])
            raise messages.from_model_error(f, exc, f"{ko} / {en}") from None
        out[r, c] = impact.households[0]["krw_per_month"]
    return to_excel(out, lined)


# --------------------------------------------------------------------------------------
# ML model
# --------------------------------------------------------------------------------------

from . import settings as _settings  # noqa: E402  (kept next to its only users)

ML_HEADERS = ["ml_m3_per_day", "ml_lower_m3_per_day", "ml_upper_m3_per_day"]


def _model(f):
    try:
        return _settings.get_model()
    except SewerplanError as exc:
        raise messages.from_model_error(f, exc) from None


def _table_frame(f, value):
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return value.reset_index(drop=True)
    rows = value if isinstance(value, (list, tuple)) else None
    if not rows or not isinstance(rows[0], (list, tuple)) or len(rows) < 2:
        raise messages.user_error(
            f,
            "building_table(건축물 표)에는 머리글 행과 건축물 행이 있는 표 전체를 지정하세요(예: 건축물[#모두]).",
            "building_table must be the whole table with its header row and at least one building "
            "(e.g. Buildings[#All]).",
        )
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    if any(h == "" for h in header):
        raise messages.user_error(
            f, "건축물 표의 머리글에 빈 칸이 있습니다. 표의 첫 행이 머리글인지 확인하세요.",
            "the table header has blank cells; make sure the first row of the range is the header.",
        )
    body = [list(r) for r in rows[1:]]
    # trailing all-blank rows: a range selected longer than the table
    while body and all(v is None or (isinstance(v, str) and not v.strip()) for v in body[-1]):
        body.pop()
    return pd.DataFrame(body, columns=header), len(rows) - 1 - len(body)


@udf(
    building_table="머리글이 있는 건축물 표 전체(예: 건축물[#모두]): 주용도, 연면적(㎡), 세대수 등. Whole building table with headers.",
    coverage="예측구간 포함확률, 빈칸=모델 값(0.9). Interval coverage, blank = the model's (0.9).",
)
def SEWER_ML(building_table, coverage=None):
    """ML 일평균 오수량 예측 [㎥/일]: 추정값, 하한, 상한 (머리글 포함, 표 옆에 펼쳐짐). ML day-average sewage [m3/d]: estimate, lower, upper, spilled with a header row."""
    from sewerplan.model.errors import InventoryValidationError
    from sewerplan.model.intake.inventory import validate_buildings

    f = "SEWER_ML"
    parsed = _table_frame(f, building_table)
    raw, padding = parsed if isinstance(parsed, tuple) else (parsed, 0)
    if len(raw) == 0:
        raise messages.user_error(f, "건축물 표에 행이 없습니다.", "the building table has no rows.")
    model = _model(f)
    cov = read_numbers(f, "coverage", coverage, "포함확률을 숫자로 입력하세요(예: 0.9).", "Enter coverage as a number (e.g. 0.9).",
                       low=0, low_open=True, high=0.999, range_ko="0과 1 사이여야 합니다.", range_en="Must be between 0 and 1.").values
    if cov.size != 1:
        raise messages.user_error(f, "coverage(포함확률)는 셀 하나로 지정하세요.", "coverage must be a single cell.")
    if not np.isnan(cov.flat[0]) and abs(float(cov.flat[0]) - model.coverage) > 1e-9:
        raise messages.user_error(
            f,
            f"이 모델의 예측구간은 포함확률 {model.coverage:g}로 보정되어 있습니다. coverage를 비우거나 "
            f"{model.coverage:g}로 두세요. 다른 값이 필요하면 `sewerplan train --coverage` 로 다시 학습하세요.",
            f"this model's intervals are calibrated for coverage {model.coverage:g}; leave coverage blank or "
            f"set {model.coverage:g}, or retrain with `sewerplan train --coverage`.",
        )
    valid, rejected, problems = validate_buildings(raw, source="building_table")
    if problems:
        raise messages.from_model_error(f, InventoryValidationError(problems, "building_table"))
    try:
        pred = model.predict(valid)
    except (SewerplanError, ValueError, KeyError) as exc:
        raise messages.from_model_error(f, exc) from None
    values = pred[ML_HEADERS].to_numpy(dtype=float)
    out = [list(ML_HEADERS)] + values.tolist()
    out += [["", "", ""]] * padding
    return out


@udf()
def SEWER_MODEL_INFO():
    """ML 모델 정보(모델 ID, 학습 자료, 검증 지표, 작성일; 모델 카드). ML model card: id, training data, metrics, date."""
    model = _model("SEWER_MODEL_INFO")
    return _settings.card_rows(model.card, _settings.model_path_text())


# --------------------------------------------------------------------------------------
# Planning scenarios (docs/scenarios.md)
# --------------------------------------------------------------------------------------

#: what to type instead of a path for the bundled sample scenarios (works on every machine)
SAMPLE_WORDS = {"sample": "base", "예시": "base", "표본": "base", "sample_base": "base"}

_SCENARIO_METHODS = {
    "": "ml", "ml": "ml", "p": "ml", "예측": "ml",
    "conventional": "conventional", "관행": "conventional", "기존": "conventional", "인구원단위": "conventional",
    "unit_load": "unit_load", "unitload": "unit_load", "환경부": "unit_load", "원단위": "unit_load",
    "환경부원단위": "unit_load",
}
_SCENARIO_CACHE: dict = {}
_SCENARIO_CACHE_MAX = 16


def _scenario_path(f, scenario_file):
    """The scenario file cell -> an existing Path (or a bundled sample)."""
    from pathlib import Path

    from sewerplan.model.planning.scenario import SAMPLE_SCENARIOS, sample_scenario_path

    cells = read_texts(f, "scenario_file", scenario_file).values
    if cells.size != 1:
        raise messages.user_error(f, "scenario_file(시나리오 파일)은 셀 하나로 지정하세요.",
                                  "scenario_file must be a single cell.")
    text = cells.flat[0]
    if text is None:
        raise messages.blank(f, "scenario_file", [(0, 0, (1, 1))],
                             "시나리오 파일의 전체 경로(.xlsx/.yaml) 또는 sample(번들 예시)을 입력하세요.",
                             "Enter the full path of a scenario file (.xlsx/.yaml), or sample for the bundled example.")
    key = text.strip().strip('"').strip()
    low = key.lower()
    if low in SAMPLE_WORDS:
        return sample_scenario_path(SAMPLE_WORDS[low])
    if low.startswith("sample:") and low[7:] in SAMPLE_SCENARIOS:
        return sample_scenario_path(low[7:])
    import os

    path = Path(os.path.expandvars(os.path.expanduser(key)))
    if not path.is_file():
        raise messages.user_error(
            f,
            f"{messages.label('scenario_file')} 파일을 찾을 수 없습니다: {key}. 전체 경로(예: C:\\계획\\시나리오.xlsx)를 "
            f"입력하거나, 번들 예시는 sample 을 입력하세요.",
            f"scenario_file: file not found: {key}. Give the full path (e.g. C:\\plans\\town.xlsx), or sample for "
            f"the bundled example.",
        )
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".yaml", ".yml"):
        raise messages.user_error(
            f, f"{messages.label('scenario_file')}은 .xlsx 또는 .yaml 파일이어야 합니다: {path.name}",
            f"scenario_file must be an .xlsx or .yaml file, not {path.name}.")
    return path


def _scenario_result(f, path):
    """Run the scenario once per file version and model; later calls reuse the result.

    The ML model is the scenario's own ``model`` setting if it has one, else the add-in's
    (``SEWERPLAN_MODEL`` or the bundled model, loaded lazily). Without any usable model the
    design methods still work and ``method=ml`` says why it cannot.
    """
    from sewerplan.model.planning.scenario import load_scenario
    from sewerplan.model.planning.scenario_run import run_scenario

    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size, _settings.configured_model_path())
    hit = _SCENARIO_CACHE.get(key)
    if hit is not None:
        return hit
    try:
        scenario = load_scenario(path)
        if scenario.settings.model:
            model = None  # run_scenario loads the scenario's own model (an error if it cannot)
        else:
            try:
                model = _settings.get_model()
            except SewerplanError:
                if _settings.configured_model_path():
                    raise
                model = False  # no bundled model: design methods only
        result = run_scenario(scenario, model=model)
    except (SewerplanError, ValueError, KeyError) as exc:
        raise messages.from_model_error(f, exc) from None
    if len(_SCENARIO_CACHE) >= _SCENARIO_CACHE_MAX:
        _SCENARIO_CACHE.clear()
    _SCENARIO_CACHE[key] = result
    return result


def _one_number(f, arg, value, hint_ko, hint_en, **limits):
    v = read_numbers(f, arg, value, hint_ko, hint_en, **limits).values
    if v.size != 1:
        raise messages.user_error(f, f"{messages.label(arg)}은(는) 셀 하나로 지정하세요.", f"{arg} must be a single cell.")
    return None if np.isnan(v.flat[0]) else float(v.flat[0])


def _read_confidence(f, confidence):
    return read_numbers(f, "confidence", confidence, "신뢰수준을 0과 1 사이 숫자로 입력하세요(예: 0.9 = 90%).",
                        "Enter the confidence as a number between 0 and 1 (e.g. 0.9 = 90%).",
                        low=0, low_open=True, high=0.999,
                        range_ko="0 초과 1 미만이어야 합니다(예: 0.9).", range_en="Must be in (0, 1), e.g. 0.9.")


@udf(
    scenario_file="시나리오 파일 전체 경로(.xlsx/.yaml) 또는 sample(번들 예시). Full path of a scenario file, or sample.",
    year="연도 [년], 셀 또는 열, 시나리오 기간 안. Year [year], a cell or a column, within the scenario's years.",
    confidence="신뢰수준 [-], 빈칸=시나리오 값(0.9 = P90). ML만. Confidence [-], blank = the scenario's (0.9). ML only.",
    method="ml(빈칸), conventional(관행), unit_load(환경부 원단위). Method: ml (blank), conventional or unit_load.",
)
def SEWER_SCENARIO_CAPACITY(scenario_file, year, confidence=None, method=None):
    """시나리오의 연도별 필요 처리용량 [㎥/일] = 일최대(침입수 포함) ÷ 가동률; ML은 신뢰수준 분위. Capacity needed in a year [m3/d] for a scenario, ML at a confidence."""
    from sewerplan.model.planning.scenario_run import capacity_needed

    f = "SEWER_SCENARIO_CAPACITY"
    path = _scenario_path(f, scenario_file)
    yrs = read_numbers(f, "year", year, "연도를 숫자로 입력하세요(예: 2035).", "Enter the year as a number (e.g. 2035).",
                       low=1900, high=2200, range_ko="1900~2200 사이 연도를 입력하세요.",
                       range_en="Enter a year between 1900 and 2200.")
    conf = _read_confidence(f, confidence)
    m = read_texts(f, "method", method).values
    if m.size != 1:
        raise messages.user_error(f, "method(산정식)는 셀 하나로 지정하세요.", "method must be a single cell.")
    mkey = "" if m.flat[0] is None else str(m.flat[0]).strip().lower().replace(" ", "")
    if mkey not in _SCENARIO_METHODS:
        raise messages.unknown_choice(f, "method", m.flat[0], ["ml", "conventional(관행)", "unit_load(환경부 원단위)"])
    meth = _SCENARIO_METHODS[mkey]
    lined = line_up(f, [yrs], [conf], hints={"year": ("연도를 입력하세요(예: 2035).", "Enter a year (e.g. 2035).")})
    a = lined.arrays
    res = _scenario_result(f, path)
    default_conf = float(res.scenario.settings.confidence)
    out = np.zeros(lined.shape)
    for (r, c), keep in np.ndenumerate(lined.keep):
        if not keep:
            continue
        y = a["year"][r, c]
        if y != int(y) or int(y) not in res.years:
            ko, en = messages.where([(r, c, lined.shape)])
            raise messages.user_error(
                f,
                f"{messages.label('year')}의 {ko} 값 {y:g}은(는) 시나리오 '{res.name}'의 연도가 아닙니다. "
                f"{res.years[0]}~{res.years[-1]} 사이 정수 연도를 입력하세요.",
                f"year, {en} of the range: {y:g} is not a year of scenario '{res.name}'; "
                f"enter a whole year {res.years[0]}-{res.years[-1]}.",
            )
        cf = a["confidence"][r, c]
        try:
            out[r, c] = capacity_needed(res, int(y), default_conf if np.isnan(cf) else float(cf), method=meth)
        except (SewerplanError, ValueError) as exc:
            raise messages.from_model_error(f, exc) from None
    return to_excel(out, lined)


@udf(
    scenario_file="시나리오 파일 전체 경로(.xlsx/.yaml) 또는 sample(번들 예시). Full path of a scenario file, or sample.",
    confidence="신뢰수준 [-], 빈칸=시나리오 값(0.9). Confidence [-] of the at-confidence column, blank = the scenario's.",
    plant_capacity_m3_per_day="비교할 처리장 용량 [㎥/일], 빈칸=시나리오 값. Plant capacity to compare [m3/d], blank = the scenario's.",
)
def SEWER_SCENARIO_CAPACITY_BY_YEAR(scenario_file, confidence=None, plant_capacity_m3_per_day=None):
    """연도별 필요 처리용량 표 [㎥/일]: 관행, 환경부 원단위, ML P10/P50/P90, 신뢰수준, 처리장 초과 확률 (머리글 포함). Capacity needed by year table [m3/d] with headers."""
    from sewerplan.model.planning.scenario_run import capacity_by_year
    from sewerplan.model.outputs.workbook import column_label

    f = "SEWER_SCENARIO_CAPACITY_BY_YEAR"
    path = _scenario_path(f, scenario_file)
    conf = _one_number(f, "confidence", confidence, "신뢰수준을 0과 1 사이 숫자로 입력하세요(예: 0.9 = 90%).",
                       "Enter the confidence as a number between 0 and 1 (e.g. 0.9 = 90%).",
                       low=0, low_open=True, high=0.999,
                       range_ko="0 초과 1 미만이어야 합니다(예: 0.9).", range_en="Must be in (0, 1), e.g. 0.9.")
    plant = _one_number(f, "plant_capacity_m3_per_day", plant_capacity_m3_per_day,
                        "처리장 용량(㎥/일)을 숫자로 입력하세요.", "Enter the plant capacity in m3/d as a number.",
                        low=0, low_open=True, range_ko="0보다 커야 합니다.", range_en="Must be > 0.")
    res = _scenario_result(f, path)
    try:
        tab = capacity_by_year(res, conf if conf is not None else float(res.scenario.settings.confidence), plant)
    except (SewerplanError, ValueError) as exc:
        raise messages.from_model_error(f, exc) from None
    header = [column_label(c)[0] for c in tab.columns]
    rows = [[("" if (isinstance(v, float) and np.isnan(v)) else (int(v) if c == "year" else float(v)))
             for c, v in zip(tab.columns, rec)] for rec in tab.itertuples(index=False)]
    return [header] + rows
