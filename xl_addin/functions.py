"""Worksheet functions (UDFs): the sewerplan methods as Excel formulas.

Each function reads cells, calls one function of :mod:`sewerplan.model`, and returns a
number (single cell) or a spilled column/table (ranges). Expected user errors raise
:class:`xlwings.XlwingsError` with a Korean + English message naming the argument and
the row; the texts are keyed entries of :data:`messages.CATALOGUE`. The docstring and
the ``doc=`` of every argument are the help text Excel shows (Classic xlwings cuts them
at 255 characters, so they are kept short; the manual ``docs/excel.ko.md`` has the long
form).

This module is the ``UDF Modules`` entry of the template workbook (``xlwings.conf``
sheet): ``sewerplan.xl_addin.functions``. The Office.js route
(:mod:`sewerplan.xl_addin.server`) serves the same functions with the same help.
"""

from __future__ import annotations

import numpy as np

from ._xlwings import xw  # xlwings without its matplotlib import (1.2 s of the first answer)
from sewerplan.model.design import capacity, conventional, peaking, unit_loads
from sewerplan.model.errors import ParameterError, SewerplanError, UnknownBuildingUse
from sewerplan.model.design.parameters import DEFAULT_PARAMETERS

from . import messages
from .cells import fill_blank, line_up, read_numbers, read_texts, read_years, to_excel

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


# Limits of number arguments with the catalogue key of their allowed-range text.
_AT_LEAST_0 = {"low": 0, "outside": "range.ge0"}
MAX_KRW = 1e16  # [KRW] 1경 원: above any public works budget; larger amounts are input errors
_ABOVE_0 = {"low": 0, "low_open": True, "outside": "range.gt0"}
_CONFIDENCE = {"low": 0, "low_open": True, "high": 0.999, "outside": "range.confidence"}


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
    hh = read_numbers(f, "households", households, "enter.households_ge0", **_AT_LEAST_0)
    ppl = read_numbers(f, "persons_per_household", persons_per_household, "enter.persons_per_household_number",
                       **_ABOVE_0)
    unit = read_numbers(f, "unit_l_per_person_day", unit_l_per_person_day, "enter.unit_l_per_person_day_number",
                        **_ABOVE_0)
    fac = read_numbers(f, "factor", factor, "enter.factor_number", **_ABOVE_0)
    lined = line_up(f, [hh, ppl], [unit, fac], hints={"households": "enter.households_or_0",
                                                      "persons_per_household": "enter.persons_per_household"})
    a = lined.arrays
    result = conventional.domestic_day_max(
        np.where(lined.keep, a["households"], 0.0),
        persons_per_household=np.where(lined.keep, a["persons_per_household"], 1.0),
        per_capita_l_per_day=fill_blank(a["unit_l_per_person_day"], P.per_capita_l_per_day),
        design_factor=fill_blank(a["factor"], P.design_factor),
    )
    return to_excel(result, lined, f)


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
            raise messages.user_error(f, "rural_unknown", label=messages.arg_label(arg), row=r + 1, value=repr(v))
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
    area = read_numbers(f, "floor_area_m2", floor_area_m2, "enter.floor_area_number", low=0, outside="range.floor_area")
    hh = read_numbers(f, "households", households, "enter.households_number", **_AT_LEAST_0)
    occ = read_numbers(f, "occupants", occupants, "enter.occupants_number", **_AT_LEAST_0)
    flags, flag_cells = _read_flags(f, "rural", rural)
    flag_cells.values = np.where(flags, 1.0, 0.0)
    lined = line_up(f, [use, area], [hh, occ, flag_cells], hints={"main_use_or_moe_code": "enter.main_use_or_moe_code",
                                                                  "floor_area_m2": "enter.floor_area"})
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
        except (UnknownBuildingUse, ParameterError, ValueError) as exc:
            if isinstance(exc, ParameterError) and exc.name == "occupants":
                exc = f"{exc} {messages.text('per_person_use')}"
            raise messages.from_model_error(f, exc, (r, c, lined.shape)) from None
    return to_excel(out, lined, f)


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
    pop = read_numbers(f, "population", population, "enter.population_number", low=0, low_open=True,
                       outside="range.population")
    meth = read_texts(f, "method", method)
    lined = line_up(f, [pop], [meth], hints={"population": "enter.population"})
    a = lined.arrays
    names = np.empty(lined.shape, dtype=object)
    for (r, c), v in np.ndenumerate(a["method"]):
        key = "" if v is None else str(v).strip().lower()
        if key not in _METHOD_ALIASES:
            raise messages.unknown_choice(f, "method", v, "choices.peak_method")
        names[r, c] = _METHOD_ALIASES[key]
    pops = np.where(lined.keep, a["population"], 1000.0)
    out = np.zeros(lined.shape)
    for name in set(names.flat):
        mask = names == name
        try:
            out[mask] = peaking.peaking_factor(pops[mask], method=name)
        except SewerplanError as exc:
            raise messages.from_model_error(f, exc) from None
    return to_excel(out, lined, f)


# basis word -> (basis of design_flows, add infiltration). No blank: an unstated basis is refused.
_BASIS = {"day_max": ("day_max", True), "일최대": ("day_max", True), "max": ("day_max", True),
          "day_average": ("day_average", True), "일평균": ("day_average", True), "average": ("day_average", True),
          "avg": ("day_average", True),
          "pilot": ("day_max", False), "pilot_formula": ("day_max", False), "기존방식": ("day_max", False),
          "기존 방식": ("day_max", False)}


def _header_basis(flows) -> tuple[object, str]:
    """Split a text header off the flows (e.g. SEWER_ML's spilled header) and read the basis it states."""
    rows = flows if isinstance(flows, (list, tuple)) else None
    first = rows[0][0] if rows and isinstance(rows[0], (list, tuple)) and rows[0] else None
    if not isinstance(first, str) or not first.strip():
        return flows, ""
    head = first.strip().lower()
    basis = "day_average" if ("day_average" in head or "일평균" in head) else (
        "day_max" if ("day_max" in head or "일최대" in head) else "")
    return (rows[1:] or None), basis


@udf(
    flows="건축물별 오수량 [㎥/일], 셀 또는 열(합계로 산정). Building flows [m3/d], a cell or a column (summed).",
    basis="유량 기준(필수): 일최대, 일평균(SEWER_ML 결과, 머리글 포함 시 자동) 또는 기존방식(×1.1 포함). "
          "Basis (required): day_max, day_average (SEWER_ML output; read from its header) or pilot.",
    utilisation="비워 두세요: 가동률로 나누지 않습니다(80%는 증설 검토 기준). Leave blank: capacity is not divided by a utilisation.",
)
def SEWER_CAPACITY(flows, basis=None, utilisation=None):
    """처리장 시설용량 [㎥/일] = 계획 일최대 오수량 합계 + 침입수 10% (한 번; 기존방식은 ×1.1만). Plant capacity [m3/d] = design day-max total + 10% infiltration once (pilot formula: its x1.1 only)."""
    f = "SEWER_CAPACITY"
    flows, from_header = _header_basis(flows)
    q = read_numbers(f, "flows", flows, "enter.flows_number", low=0, outside="range.flows")
    if np.isnan(q.values).all():
        raise messages.blank(f, "flows", [(0, 0, q.shape)], "enter.flows")
    b = read_texts(f, "basis", basis).values
    if b.size != 1:
        raise messages.user_error(f, "single_cell.basis")
    key = "" if b.flat[0] is None else str(b.flat[0]).strip().lower()
    if key and key not in _BASIS:
        raise messages.unknown_choice(f, "basis", b.flat[0], "choices.basis")
    if key and from_header and _BASIS[key][0] != from_header:
        raise messages.user_error(f, "basis_conflict", basis=key, header=from_header)
    key = key or from_header
    if not key:
        raise messages.user_error(f, "basis_required")
    if not all(v is None for v in read_texts(f, "utilisation", utilisation).values.flat):
        raise messages.user_error(f, "utilisation_not_divisor")
    basis_name, with_infiltration = _BASIS[key]
    try:
        flows_ = conventional.design_flows(float(np.nansum(q.values)), basis=basis_name,
                                           with_infiltration=with_infiltration)
        return float(capacity.plant_capacity(flows_["day_max"]))
    except (SewerplanError, ValueError) as exc:
        raise messages.from_model_error(f, exc) from None


# --------------------------------------------------------------------------------------
# Fee impact
# --------------------------------------------------------------------------------------


@udf(
    capex_krw="시비 순부담 [원](원인자부담금·국비·도비 제외; SEWER_FUNDING). The city's net share of the capital [KRW].",
    billed_volume_m3_per_day="하수도 부과량 [㎥/일](연간 부과량 ÷ 365). Billed sewage volume [m3/d] (per year / 365).",
    household_size="가구원수 [인] 1~6, 빈칸=4 (서울 2021 실측 사용량). Household size [persons] 1-6, blank = 4.",
    financing_rate="자금조달 금리 [-/년], 빈칸=0.025(지역개발기금 2016). City's financing rate [-/yr], blank = 0.025.",
    asset_life_years="상환기간 [년], 빈칸=30. Recovery period [yr], blank = 30.",
    annual_om_krw="연간 운영비 [원/년], 빈칸=0 (SEWER_OM_COST). Annual O&M [KRW/yr], blank = 0.",
)
def SEWER_FEE_IMPACT(capex_krw, billed_volume_m3_per_day, household_size=None, financing_rate=None,
                     asset_life_years=None, annual_om_krw=None):
    """요금 영향 [원/가구·월] = (시비 × 자본회수계수 + 운영비) ÷ 연간 부과량 × 가구 월 사용량. Fee effect [KRW per household per month]."""
    from sewerplan.model.planning.money import fees as finance

    f = "SEWER_FEE_IMPACT"
    capex = read_numbers(f, "capex_krw", capex_krw, "enter.capex_number", limit=MAX_KRW, **_AT_LEAST_0)
    vol = read_numbers(f, "billed_volume_m3_per_day", billed_volume_m3_per_day, "enter.billed_volume_number",
                       **_ABOVE_0)
    size = read_numbers(f, "household_size", household_size, "enter.household_size_number", low=1, high=6,
                        outside="range.household_size")
    rate = read_numbers(f, "financing_rate", financing_rate, "enter.financing_rate_number", low=0, high=0.999,
                        outside="range.discount_rate")
    life = read_numbers(f, "asset_life_years", asset_life_years, "enter.asset_life_number", **_ABOVE_0)
    om = read_numbers(f, "annual_om_krw", annual_om_krw, "enter.krw_number", limit=MAX_KRW, **_AT_LEAST_0)
    if not np.isnan(size.values).all() and not np.all(np.isnan(size.values) | (size.values == np.round(size.values))):
        raise messages.user_error(f, "household_size_whole")
    lined = line_up(f, [capex, vol], [size, rate, life, om], hints={"capex_krw": "enter.capex",
                                                                "billed_volume_m3_per_day": "enter.billed_volume"})
    a, keep = lined.arrays, lined.keep
    # the finance formulas on whole arrays (fee_impact cell by cell took 49.5 s for 100,000 rows)
    from sewerplan.model.planning.money.inputs import MONEY_INPUTS

    rate_v = fill_blank(a["financing_rate"], MONEY_INPUTS["financing_rate"].default)[keep]
    life_v = fill_blank(a["asset_life_years"], MONEY_INPUTS["asset_life_years"].default)[keep]
    sizes = fill_blank(a["household_size"], 4.0)[keep].astype(int)
    out = np.zeros(lined.shape)
    try:
        annual = finance.annualised_cost(a["capex_krw"][keep], rate_v, life_v) + fill_blank(a["annual_om_krw"], 0.0)[keep]
        per_m3 = finance.fee_per_m3(annual, a["billed_volume_m3_per_day"][keep])
        out[keep] = per_m3 * np.asarray(finance.household_monthly_use_m3(sizes), dtype=float)
    except (SewerplanError, ValueError) as exc:
        raise messages.from_model_error(f, exc) from None
    return to_excel(out, lined, f)


# --------------------------------------------------------------------------------------
# ML model
# --------------------------------------------------------------------------------------

from . import settings as _settings  # noqa: E402  (kept next to its only users)

# the header states the basis (day average), so SEWER_CAPACITY reads it and never takes it for a day max
ML_HEADERS = ["ml_day_average_m3_per_day", "ml_lower_day_average_m3_per_day", "ml_upper_day_average_m3_per_day"]
_ML_COLUMNS = ["ml_m3_per_day", "ml_lower_m3_per_day", "ml_upper_m3_per_day"]


def _model(f):
    try:
        return _settings.get_model()
    except SewerplanError as exc:
        if not _settings.on_server():
            raise messages.from_model_error(f, exc) from None
        import logging  # the message names the server's model path: to the log only (issue 23)

        logging.getLogger("sewerplan.xl_addin.server").warning("%s: model: %s", f, exc)
        raise xw.XlwingsError(f"{f}: 서버의 모델을 불러올 수 없습니다({type(exc).__name__}). 관리자에게 알리세요; 자세한 내용은 "
                              f"서버 기록에 있습니다 / the server's model cannot be loaded ({type(exc).__name__}); tell "
                              "the administrator; the details are in the server log") from None


def _table_frame(f, value):
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return value.reset_index(drop=True)
    rows = value if isinstance(value, (list, tuple)) else None
    if not rows or not isinstance(rows[0], (list, tuple)) or len(rows) < 2:
        raise messages.user_error(f, "table_shape")
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    if any(h == "" for h in header):
        raise messages.user_error(f, "table_header_blank")
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
    """ML 일평균 오수량 예측 [㎥/일]: 추정값, 하한, 상한 (머리글에 일평균 기준 표시, 표 옆에 펼쳐짐). ML day-average sewage [m3/d]: estimate, lower, upper, spilled with a header row that states the day-average basis."""
    from sewerplan.model.intake.inventory import validate_buildings

    f = "SEWER_ML"
    parsed = _table_frame(f, building_table)
    raw, padding = parsed if isinstance(parsed, tuple) else (parsed, 0)
    if len(raw) == 0:
        raise messages.user_error(f, "table_no_rows")
    model = _model(f)
    cov = read_numbers(f, "coverage", coverage, "enter.coverage_number", low=0, low_open=True, high=0.999,
                       outside="range.coverage").values
    if cov.size != 1:
        raise messages.user_error(f, "single_cell.coverage")
    if not np.isnan(cov.flat[0]) and abs(float(cov.flat[0]) - model.coverage) > 1e-9:
        raise messages.user_error(f, "coverage_calibrated", coverage=model.coverage)
    try:
        valid, rejected, problems = validate_buildings(raw, source="building_table")
    except SewerplanError as exc:  # e.g. no district column: a table the function cannot read
        raise messages.from_model_error(f, exc) from None
    if problems:
        raise messages.table_problems(f, "building_table", problems)
    try:
        pred = model.predict(valid)
    except (SewerplanError, ValueError, KeyError) as exc:
        raise messages.from_model_error(f, exc) from None
    values = pred[_ML_COLUMNS].to_numpy(dtype=float)
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
    "pilot_formula": "pilot_formula", "pilot": "pilot_formula", "기존방식": "pilot_formula", "기존": "pilot_formula",
    "conventional": "pilot_formula", "관행": "pilot_formula", "인구원단위": "pilot_formula",  # names before 0.3
    "master_plan": "master_plan", "기본계획": "master_plan", "기본계획방식": "master_plan",
    "unit_load": "unit_load", "unitload": "unit_load", "환경부": "unit_load", "원단위": "unit_load",
    "환경부원단위": "unit_load",
}
_SCENARIO_CACHE: dict = {}
_SCENARIO_CACHE_MAX = 16


def _scenario_path(f, scenario_file):
    """The scenario file cell -> an existing Path (or a bundled sample).

    No ``~`` or ``%VAR%``/``$VAR`` expansion. On the server (:func:`settings.restrict_scenarios`)
    only files inside the configured scenario folder are read, and a path outside it gets the
    same answer whether or not a file is there (no existence oracle for server files).
    """
    from sewerplan.model.planning.scenario import SAMPLE_SCENARIOS, sample_scenario_path

    cells = read_texts(f, "scenario_file", scenario_file).values
    if cells.size != 1:
        raise messages.user_error(f, "single_cell.scenario_file")
    text = cells.flat[0]
    if text is None:
        raise messages.blank(f, "scenario_file", [(0, 0, (1, 1))], "enter.scenario_file")
    key = text.strip().strip('"').strip()
    low = key.lower()
    if low in SAMPLE_WORDS:
        return sample_scenario_path(SAMPLE_WORDS[low])
    if low.startswith("sample:") and low[7:] in SAMPLE_SCENARIOS:
        return sample_scenario_path(low[7:])
    path = _scenario_file_in_folder(f, key)
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".yaml", ".yml"):
        raise messages.user_error(f, "scenario_suffix", label=messages.arg_label("scenario_file"), name=path.name)
    if not path.is_file():
        raise messages.user_error(f, "scenario_not_found", label=messages.arg_label("scenario_file"), path=key)
    return path


def _scenario_file_in_folder(f, key: str):
    """``key`` as a path: relative names from the scenario folder; on the server, inside it only."""
    from pathlib import Path

    folder, restricted = _settings.scenario_folder()
    path = Path(key)
    if folder is not None and not path.is_absolute():
        path = folder / path
    if restricted:
        inside = folder is not None and path.resolve().is_relative_to(folder)
        if not inside:
            raise messages.user_error(f, "scenario_outside_folder", label=messages.arg_label("scenario_file"),
                                      path=key)
        path = path.resolve()
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
    try:
        configured = _settings.configured_model_path()  # an unreadable xlwings.conf is an error here too
    except SewerplanError as exc:
        raise messages.from_model_error(f, exc) from None
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size, configured)
    hit = _SCENARIO_CACHE.get(key)
    if hit is not None:
        return hit
    try:
        scenario = _load_scenario(f, path, load_scenario)
        if scenario.settings.model:
            model = None  # run_scenario loads the scenario's own model (an error if it cannot)
        else:
            try:
                model = _settings.get_model()
            except SewerplanError:
                if configured:
                    raise
                model = False  # no bundled model: design methods only
        result = run_scenario(scenario, model=model)
    except (SewerplanError, ValueError, KeyError) as exc:
        if _settings.on_server():  # may name a model file on the server: to the log only (issue 23)
            import logging

            logging.getLogger("sewerplan.xl_addin.server").warning("scenario %s: %s", path, exc)
            raise messages.user_error(f, "scenario_unreadable", label=messages.arg_label("scenario_file"),
                                      name=path.name, kind=type(exc).__name__) from None
        raise messages.from_model_error(f, exc) from None
    if len(_SCENARIO_CACHE) >= _SCENARIO_CACHE_MAX:
        _SCENARIO_CACHE.clear()
    _SCENARIO_CACHE[key] = result
    return result


def _load_scenario(f, path, load_scenario):
    """Load a scenario file. On the server the loader's message, which may quote the file's
    keys and values, goes to the server log; the cell gets the file name and the kind of error."""
    try:
        return load_scenario(path)
    except (SewerplanError, ValueError, KeyError) as exc:
        if not _settings.scenario_folder()[1]:
            raise
        import logging

        logging.getLogger("sewerplan.xl_addin.server").warning("scenario file %s: %s", path, exc)
        raise messages.user_error(f, "scenario_unreadable", label=messages.arg_label("scenario_file"),
                                  name=path.name, kind=type(exc).__name__) from None


def _one_number(f, arg, value, hint, **limits):
    v = read_numbers(f, arg, value, hint, **limits).values
    if v.size != 1:
        raise messages.user_error(f, "single_cell", label=messages.arg_label(arg))
    return None if np.isnan(v.flat[0]) else float(v.flat[0])


@udf(
    scenario_file="시나리오 파일 전체 경로(.xlsx/.yaml) 또는 sample(번들 예시). Full path of a scenario file, or sample.",
    year="연도 [년], 셀 또는 열, 시나리오 기간 안. Year [year], a cell or a column, within the scenario's years.",
    confidence="신뢰수준 [-], 빈칸=시나리오 값(0.9 = P90). ML만. Confidence [-], blank = the scenario's (0.9). ML only.",
    method="ml(빈칸), pilot_formula(기존방식), master_plan(기본계획), unit_load(환경부 원단위). "
           "Method: ml (blank), pilot_formula, master_plan or unit_load.",
)
def SEWER_SCENARIO_CAPACITY(scenario_file, year, confidence=None, method=None):
    """시나리오의 연도별 필요 처리용량 [㎥/일] = 계획 일최대(침입수 한 번 포함); ML은 신뢰수준 분위. Capacity needed in a year [m3/d] = design day max (infiltration once), ML at a confidence."""
    from sewerplan.model.planning.scenario_run import capacity_needed

    f = "SEWER_SCENARIO_CAPACITY"
    path = _scenario_path(f, scenario_file)
    yrs = read_years(f, "year", year, "enter.year_number", low=1900, high=2200, outside="range.year")
    conf = read_numbers(f, "confidence", confidence, "enter.confidence_number", **_CONFIDENCE)
    m = read_texts(f, "method", method).values
    if m.size != 1:
        raise messages.user_error(f, "single_cell.method")
    mkey = "" if m.flat[0] is None else str(m.flat[0]).strip().lower().replace(" ", "")
    if mkey not in _SCENARIO_METHODS:
        raise messages.unknown_choice(f, "method", m.flat[0], "choices.scenario_method")
    meth = _SCENARIO_METHODS[mkey]
    lined = line_up(f, [yrs], [conf], hints={"year": "enter.year"})
    a = lined.arrays
    res = _scenario_result(f, path)
    default_conf = float(res.scenario.settings.confidence)
    out = np.zeros(lined.shape)
    for (r, c), keep in np.ndenumerate(lined.keep):
        if not keep:
            continue
        y = a["year"][r, c]
        if y != int(y) or int(y) not in res.years:
            raise messages.user_error(f, "year_not_in_scenario", label=messages.arg_label("year"),
                                      where=messages.where([(r, c, lined.shape)]), year=y, name=res.name,
                                      first=res.years[0], last=res.years[-1])
        cf = a["confidence"][r, c]
        try:
            out[r, c] = capacity_needed(res, int(y), default_conf if np.isnan(cf) else float(cf), method=meth)
        except (SewerplanError, ValueError) as exc:
            raise messages.from_model_error(f, exc) from None
    return to_excel(out, lined, f)


@udf(
    scenario_file="시나리오 파일 전체 경로(.xlsx/.yaml) 또는 sample(번들 예시). Full path of a scenario file, or sample.",
    confidence="신뢰수준 [-], 빈칸=시나리오 값(0.9). Confidence [-] of the at-confidence column, blank = the scenario's.",
    plant_capacity_m3_per_day="비교할 처리장 용량 [㎥/일], 빈칸=시나리오 값. Plant capacity to compare [m3/d], blank = the scenario's.",
)
def SEWER_SCENARIO_CAPACITY_BY_YEAR(scenario_file, confidence=None, plant_capacity_m3_per_day=None):
    """연도별 필요 처리용량 표 [㎥/일]: 기존 방식, 기본계획, 환경부 원단위, ML P10/P50/P90, 신뢰수준, 처리장 초과 확률 (머리글 포함). Capacity needed by year table [m3/d] with headers."""
    from sewerplan.model.planning.scenario_run import capacity_by_year
    from sewerplan.model.outputs.workbook import column_label

    f = "SEWER_SCENARIO_CAPACITY_BY_YEAR"
    path = _scenario_path(f, scenario_file)
    conf = _one_number(f, "confidence", confidence, "enter.confidence_number", **_CONFIDENCE)
    plant = _one_number(f, "plant_capacity_m3_per_day", plant_capacity_m3_per_day, "enter.plant_capacity_number",
                        **_ABOVE_0)
    res = _scenario_result(f, path)
    try:
        tab = capacity_by_year(res, conf if conf is not None else float(res.scenario.settings.confidence), plant)
    except (SewerplanError, ValueError) as exc:
        raise messages.from_model_error(f, exc) from None
    header = [column_label(c)[0] for c in tab.columns]
    rows = [[("" if (isinstance(v, float) and np.isnan(v)) else (int(v) if c == "year" else float(v)))
             for c, v in zip(tab.columns, rec)] for rec in tab.itertuples(index=False)]
    return [header] + rows


# --------------------------------------------------------------------------------------
# The city's own unit loads (issue 18): defined in local_loads.py, registered here
# --------------------------------------------------------------------------------------

from .local_loads import LOCAL_UNITLOADS_ARGS as _LOCAL_ARGS  # noqa: E402
from .local_loads import SEWER_LOCAL_UNITLOADS as _local_unitloads  # noqa: E402

SEWER_LOCAL_UNITLOADS = udf(**_LOCAL_ARGS)(_local_unitloads)
__all__.append("SEWER_LOCAL_UNITLOADS")

# The council paper's money (issue 12): defined in money_functions.py, registered here
from . import money_functions as _money  # noqa: E402

SEWER_PROJECT_COST = udf(**_money.MONEY_ARGS["SEWER_PROJECT_COST"])(_money.SEWER_PROJECT_COST)
SEWER_CAUSER_CHARGE = udf(**_money.MONEY_ARGS["SEWER_CAUSER_CHARGE"])(_money.SEWER_CAUSER_CHARGE)
SEWER_FUNDING = udf(**_money.MONEY_ARGS["SEWER_FUNDING"])(_money.SEWER_FUNDING)
SEWER_OM_COST = udf(**_money.MONEY_ARGS["SEWER_OM_COST"])(_money.SEWER_OM_COST)
__all__ += ["SEWER_PROJECT_COST", "SEWER_CAUSER_CHARGE", "SEWER_FUNDING", "SEWER_OM_COST"]


# --------------------------------------------------------------------------------------
# Excel 2016 / 2019: no dynamic arrays (xl_addin/excel_version.py)
# --------------------------------------------------------------------------------------


def configure_returns(dynamic_arrays: bool | None) -> None:
    """Return results as spills (dynamic arrays, or unknown) or, in an Excel without dynamic
    arrays, with xlwings' resizing array formula (``expand="table"``): the formula cell grows
    to the result's rows and columns. Only classic xlwings on Windows registers the options
    (``__xlfunc__``); elsewhere this does nothing."""
    for g in UDFS.values():
        info = getattr(g, "__xlfunc__", None)
        if info is None:
            continue
        options = info["ret"]["options"]
        if dynamic_arrays is False:
            options["expand"] = "table"
        else:
            options.pop("expand", None)


def _configure_for_this_excel() -> None:
    from .excel_version import dynamic_arrays

    configure_returns(dynamic_arrays())


_configure_for_this_excel()
