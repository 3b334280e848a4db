"""The results workbook (xlsx, openpyxl): buildings, district summary, methods and sources.

Headers are Korean first with the unit, English below; numbers keep full precision and
are shown with number formats. Synthetic inputs put a banner on every sheet.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..fileio import atomic_path, check_excel_rows, xlsx_value
from ..design.parameters import DEFAULT_PARAMETERS, DesignParameters, parameter_table
from .money_sheet import write_money_sheet

__all__ = ["COLUMN_LABELS", "column_label", "number_format", "write_results_workbook", "write_frames_workbook",
           "SHEET_BUILDINGS", "SHEET_DISTRICTS", "SHEET_METHODS"]

SHEET_BUILDINGS = "건축물별 결과"
SHEET_DISTRICTS = "배수구역 요약"
SHEET_METHODS = "방법 및 출처"
SYNTHETIC_BANNER = "합성 표본 자료 (synthetic sample data): 실제 도시의 자료가 아닙니다 / not a real town's data"

# column -> (Korean label with unit, English label with unit)
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "building_id": ("건축물 ID", "building id"),
    "district": ("배수구역", "district"),
    "main_use": ("주용도", "main use"),
    "category": ("분류", "category"),
    "moe_code_used": ("환경부 용도코드", "MOE code used"),
    "unit_load_basis": ("원단위 기준", "unit-load basis"),
    "floor_area_m2": ("연면적 (㎡)", "floor area [m2]"),
    "households": ("세대수 (세대)", "households"),
    "dwelling_units": ("호수 (호)", "dwelling units"),
    "persons_estimated": ("추정 인구 (인)", "persons estimated"),
    "approval_year": ("사용승인 연도", "approval year"),
    "buildings": ("건축물 수 (동)", "buildings"),
    "pilot_formula_m3_per_day": ("기존 방식(인구 기준) 일최대 (㎥/일)", "pilot formula, day max [m3/d]"),
    "master_plan_m3_per_day": ("기본계획 방식 일최대, 침입수 제외 (㎥/일)", "master-plan method, day max excl. infiltration [m3/d]"),
    "unit_load_m3_per_day": ("환경부 원단위 일최대 (㎥/일)", "MOE unit load, day max [m3/d]"),
    "ml_m3_per_day": ("ML 예측 일평균 (㎥/일)", "ML, day average [m3/d]"),
    "ml_lower_m3_per_day": ("ML 하한 (㎥/일)", "ML lower [m3/d]"),
    "ml_upper_m3_per_day": ("ML 상한 (㎥/일)", "ML upper [m3/d]"),
    "observed_m3_per_day": ("관측 오수량 일평균 (㎥/일)", "observed, day average [m3/d]"),
    # planning scenarios (sewerplan scenario run / compare; docs/scenarios.md)
    "scenario": ("시나리오", "scenario"),
    "year": ("연도", "year"),
    "block": ("블록", "block"),
    "dwellings": ("세대수 (세대)", "dwellings [households]"),
    "floor_area_per_dwelling_m2": ("세대당 연면적 (㎡)", "floor area per dwelling [m2]"),
    "floors_above": ("지상층수 (층)", "floors above ground"),
    "moe_code": ("환경부 용도코드", "MOE code"),
    "completion_year": ("준공연도", "completion year"),
    "rural": ("읍·면 지역", "rural (eup/myeon)"),
    "source_row": ("입력 행 번호", "source row"),
    "synthetic": ("합성 자료 여부", "synthetic"),
    "mean_household_size": ("평균 가구원수 (인/가구)", "mean household size [persons/household]"),
    "hh_share_1": ("1인 가구 비율 (-)", "1-person household share [-]"),
    "hh_share_2": ("2인 가구 비율 (-)", "2-person household share [-]"),
    "hh_share_3": ("3인 가구 비율 (-)", "3-person household share [-]"),
    "hh_share_4": ("4인 가구 비율 (-)", "4-person household share [-]"),
    "hh_share_5plus": ("5인 이상 가구 비율 (-)", "5+-person household share [-]"),
    "ml_day_average_p10_m3_per_day": ("ML 일평균 P10 (㎥/일)", "ML, day average P10 [m3/d]"),
    "ml_day_average_p50_m3_per_day": ("ML 일평균 P50 (㎥/일)", "ML, day average P50 [m3/d]"),
    "ml_day_average_p90_m3_per_day": ("ML 일평균 P90 (㎥/일)", "ML, day average P90 [m3/d]"),
    "ml_day_max_p10_m3_per_day": ("ML 일최대 P10 (㎥/일)", "ML, day max P10 [m3/d]"),
    "ml_day_max_p50_m3_per_day": ("ML 일최대 P50 (㎥/일)", "ML, day max P50 [m3/d]"),
    "ml_day_max_p90_m3_per_day": ("ML 일최대 P90 (㎥/일)", "ML, day max P90 [m3/d]"),
    "ml_hour_max_p10_m3_per_day": ("ML 시간최대 P10 (㎥/일)", "ML, hour max P10 [m3/d]"),
    "ml_hour_max_p50_m3_per_day": ("ML 시간최대 P50 (㎥/일)", "ML, hour max P50 [m3/d]"),
    "ml_hour_max_p90_m3_per_day": ("ML 시간최대 P90 (㎥/일)", "ML, hour max P90 [m3/d]"),
    "pilot_formula_capacity_m3_per_day": ("기존 방식 처리용량 (㎥/일)", "pilot formula, capacity [m3/d]"),
    "master_plan_capacity_m3_per_day": ("기본계획 방식 처리용량 (㎥/일)", "master-plan method, capacity [m3/d]"),
    "utilisation_p50": ("처리장 가동률 (ML P50, -)", "plant utilisation at ML P50 [-]"),
    "unit_load_capacity_m3_per_day": ("환경부 원단위 필요 처리용량 (㎥/일)", "MOE unit load, capacity needed [m3/d]"),
    "ml_capacity_p10_m3_per_day": ("ML 필요 처리용량 P10 (㎥/일)", "ML capacity needed P10 [m3/d]"),
    "ml_capacity_p50_m3_per_day": ("ML 필요 처리용량 P50 (㎥/일)", "ML capacity needed P50 [m3/d]"),
    "ml_capacity_p90_m3_per_day": ("ML 필요 처리용량 P90 (㎥/일)", "ML capacity needed P90 [m3/d]"),
    "ml_capacity_at_confidence_m3_per_day": ("ML 필요 처리용량 (신뢰수준) (㎥/일)",
                                             "ML capacity needed at confidence [m3/d]"),
    "confidence": ("신뢰수준 (-)", "confidence [-]"),
    "plant_capacity_m3_per_day": ("처리장 용량 (㎥/일)", "plant capacity [m3/d]"),
    "probability_exceeded": ("처리장 용량 초과 확률 (-)", "P(plant exceeded) in the year [-]"),
    "probability_exceeded_by_year": ("그 해까지 초과 확률 (-)", "P(plant exceeded) by the year [-]"),
    "candidate": ("후보 용량", "candidate"),
    "design_year": ("설계연도", "design year"),
    "capacity_m3_per_day": ("처리용량 (㎥/일)", "capacity [m3/d]"),
    "capex_krw": ("건설비 (원)", "capital cost [KRW]"),
    "probability_undersized": ("용량 부족 확률 (-)", "P(undersized) [-]"),
    "expected_oversizing_krw": ("과다 설계 기대 비용 (원)", "expected over-sizing cost [KRW]"),
    "expected_expansion_krw": ("추후 증설 기대 비용 (원)", "expected later expansion [KRW]"),
    "expected_undersizing_extra_krw": ("증설 추가 부담 기대값 (원)", "expected extra cost of expanding later [KRW]"),
    "cost_curve": ("비용곡선", "cost curve"),
    # demo: existing-town comparison on held-out districts (day average, no infiltration)
    "n_buildings": ("건축물 수 (동)", "buildings"),
    "observed": ("관측 일평균 (㎥/일)", "observed, day average [m3/d]"),
    "pilot_formula": ("기존 방식(인구 기준) 일평균 (㎥/일)", "pilot formula, day average [m3/d]"),
    "master_plan": ("기본계획 방식 일평균 (㎥/일)", "master-plan method, day average [m3/d]"),
    "unit_load": ("환경부 원단위 일평균 (㎥/일)", "MOE unit load, day average [m3/d]"),
    "ml": ("ML 일평균 (교차검증) (㎥/일)", "ML held-out, day average [m3/d]"),
    "pilot_formula_error_t_per_day": ("기존 방식 오차 = 실측 - 추정 (t/일)", "pilot formula error, observed - estimate [t/d]"),
    "master_plan_error_t_per_day": ("기본계획 방식 오차 = 실측 - 추정 (t/일)", "master plan error, observed - estimate [t/d]"),
    "unit_load_error_t_per_day": ("환경부 원단위 오차 = 실측 - 추정 (t/일)", "MOE unit load error, observed - estimate [t/d]"),
    "ml_error_t_per_day": ("ML 오차 = 실측 - 추정 (t/일)", "ML error, observed - estimate [t/d]"),
    "pilot_formula_error_pct": ("기존 방식 오차 (%)", "pilot formula error [%]"),
    "master_plan_error_pct": ("기본계획 방식 오차 (%)", "master plan error [%]"),
    "unit_load_error_pct": ("환경부 원단위 오차 (%)", "MOE unit load error [%]"),
    "ml_error_pct": ("ML 오차 (%)", "ML error [%]"),
    "item": ("항목", "item"),
    "value": ("값", "value"),
    "ml_model_id": ("ML 모델 ID", "ML model id"),
    "ml_model_note": ("ML 모델 참고", "ML model note"),
    "screen_flag": ("검토 대상 여부", "screening flag"),
    "screen_reason": ("검토 사유", "screening reason"),
    # scenario comparison (sewerplan scenario compare)
    "years": ("기간", "years"),
    "mean_household_size_end": ("최종연도 평균 가구원수 (인/가구)", "mean household size, end year [persons/household]"),
    "year_exceeded_pilot_formula": ("처리장 초과 연도: 기존 방식 (인구 기준)", "year plant exceeded: pilot formula"),
    "year_exceeded_master_plan": ("처리장 초과 연도: 기본계획 방식", "year plant exceeded: master-plan method"),
    "year_exceeded_unit_load": ("처리장 초과 연도: 환경부 원단위", "year plant exceeded: MOE unit load"),
    "year_exceeded_ml_p50": ("처리장 초과 연도: ML P50", "year plant exceeded: ML P50"),
    "year_exceeded_ml_at_confidence": ("처리장 초과 연도: ML 신뢰수준", "year plant exceeded: ML at confidence"),
    "probability_exceeded_by_end": ("최종연도까지 초과 확률 (-)", "P(plant exceeded) by the end year [-]"),
    "plant_expected_oversizing_krw": ("처리장 과다 설계 기대 비용 (원)", "plant: expected over-sizing cost [KRW]"),
    "plant_expected_expansion_krw": ("처리장 추후 증설 기대 비용 (원)", "plant: expected later expansion [KRW]"),
    "plant_expected_undersizing_extra_krw": ("처리장 증설 추가 부담 기대값 (원)",
                                             "plant: expected extra cost of expanding later [KRW]"),
}

# Number formats by what a column holds (years and counts are whole numbers, not #,##0.00).
_YEAR_FORMAT, _COUNT_FORMAT, _AREA_FORMAT, _FLOW_FORMAT, _SHARE_FORMAT = "0", "#,##0", "#,##0.0", "#,##0.00", "0.000"
_COUNT_COLUMNS = {"households", "dwelling_units", "dwellings", "buildings", "n_buildings", "persons_estimated",
                  "floors_above", "source_row", "occupants", "families", "rows", "block"}
_SHARE_PREFIXES = ("hh_share_", "probability_", "confidence", "mean_household_size")
_METHOD_KO = {"pilot_formula": "기존 방식", "master_plan": "기본계획 방식", "unit_load": "환경부 원단위", "ml": "ML", "observed": "관측"}
_BASIS_KO = {"day_average": "일평균", "day_max": "일최대", "hour_max": "시간최대"}
_BASIS_EN = {"day_average": "day average", "day_max": "day max", "hour_max": "hour max"}


def column_label(col: str) -> tuple[str, str]:
    """Korean and English header (with unit) for a results column."""
    if col in COLUMN_LABELS:
        return COLUMN_LABELS[col]
    for method, ko in _METHOD_KO.items():
        for basis, bko in _BASIS_KO.items():
            if col == f"{method}_{basis}_m3_per_day":
                return f"{ko} {bko} (㎥/일)", f"{method.replace('_', ' ')}, {_BASIS_EN[basis]} [m3/d]"
    return col, col


def number_format(col: str, dtype=None) -> str:
    """Excel number format for a results column: years ``0``, counts and KRW ``#,##0``, areas
    ``#,##0.0``, shares and probabilities ``0.000``, flows and everything else ``#,##0.00``."""
    if col in ("year", "design_year", "completion_year", "approval_year") or col.startswith("year_exceeded"):
        return _YEAR_FORMAT
    if col in _COUNT_COLUMNS or col.endswith("_krw") or (dtype is not None and pd.api.types.is_integer_dtype(dtype)):
        return _COUNT_FORMAT
    if col.endswith("_m2"):
        return _AREA_FORMAT
    if col.startswith(_SHARE_PREFIXES):
        return _SHARE_FORMAT
    return _FLOW_FORMAT


_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_BANNER_FILL = PatternFill("solid", fgColor="FFE699")


def _styled(ws, value, **style):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text from inputs is text, never a formula
    for k, v in style.items():
        setattr(cell, k, v)
    return cell


def _write_frame(ws, df: pd.DataFrame, banner: str | None) -> None:
    """Write a frame to a write-only sheet: optional banner, Korean + English headers, rows.

    Column widths and frozen panes go first: a write-only sheet writes its layout with the
    first row, so settings made after the banner row were lost.
    """
    header_row = 3 if banner else 1
    labels = [column_label(str(c)) for c in df.columns]
    for j, (ko, en) in enumerate(labels, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(len(ko) * 2, len(en), 10) + 2, 40)
    ws.freeze_panes = f"C{header_row + 2}"
    if len(df):
        ws.auto_filter.ref = f"A{header_row + 1}:{get_column_letter(len(df.columns))}{header_row + 1 + len(df)}"
    if banner:
        ws.append([_styled(ws, banner, font=Font(bold=True, color="7F6000"), fill=_BANNER_FILL)])
        ws.append([])
    ws.append([_styled(ws, ko, font=Font(bold=True), fill=_HEADER_FILL,
                       alignment=Alignment(wrap_text=True, vertical="center")) for ko, _ in labels])
    ws.append([_styled(ws, en, font=Font(italic=True, color="555555", size=9), fill=_HEADER_FILL) for _, en in labels])
    formats = [number_format(str(c), df[c].dtype) if pd.api.types.is_numeric_dtype(df[c])
               and not pd.api.types.is_bool_dtype(df[c]) else None for c in df.columns]
    for values in df.itertuples(index=False):
        row = []
        for j, v in enumerate(values):
            if v is None or (isinstance(v, float) and v != v):
                row.append(None)
                continue
            v = v.item() if hasattr(v, "item") else v
            if formats[j]:
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = formats[j]
                row.append(cell)
            else:
                row.append(xlsx_value(ws, v))
        ws.append(row)


def write_frames_workbook(path, sheets: dict[str, pd.DataFrame], synthetic: bool = False) -> Path:
    """Write tables, one per sheet, with the results workbook's labels, formats and banner (atomic)."""
    banner = SYNTHETIC_BANNER if synthetic else None
    for name, frame in sheets.items():
        check_excel_rows(len(frame) + (4 if banner else 2), name, path)
    wb = Workbook(write_only=True)
    for name, frame in sheets.items():
        _write_frame(wb.create_sheet(name[:31]), frame, banner)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def write_results_workbook(
    path,
    buildings: pd.DataFrame,
    districts: pd.DataFrame,
    params: DesignParameters = DEFAULT_PARAMETERS,
    extra_sheets: dict[str, pd.DataFrame] | None = None,
    synthetic: bool = False,
    notes: list[str] | None = None,
    source: str = "",
    bundle=None,
) -> Path:
    """Write the results workbook atomically.

    Sheets: 건축물별 결과 (one row per building), 배수구역 요약 (district totals, day-average /
    day-max / hour-max per method), any ``extra_sheets`` and 방법 및 출처 (methods,
    parameters with units and sources, notes, rejected-row count).
    """
    banner = SYNTHETIC_BANNER if synthetic else None
    frames = {SHEET_BUILDINGS: buildings, SHEET_DISTRICTS: districts, **(extra_sheets or {})}
    for name, frame in frames.items():
        check_excel_rows(len(frame) + (4 if banner else 2), name, path)
    wb = Workbook(write_only=True)
    _write_frame(wb.create_sheet(SHEET_BUILDINGS), buildings, banner)
    _write_frame(wb.create_sheet(SHEET_DISTRICTS), districts, banner)
    for name, frame in (extra_sheets or {}).items():
        _write_frame(wb.create_sheet(name[:31]), frame, banner)
    write_money_sheet(wb, bundle, banner)  # 재원·요금: 총사업비, 재원, 운영비, 요금 영향 (money_sheet.py; none without money)

    m = wb.create_sheet(SHEET_METHODS)
    for col, width in zip("ABCDEFG", (28, 60, 10, 14, 10, 14, 90)):
        m.column_dimensions[col].width = width
    if banner:
        m.append([_styled(m, banner, font=Font(bold=True, color="7F6000"), fill=_BANNER_FILL)])
        m.append([])
    lines = [
        ("sewerplan 결과 (results)", f"작성일 {_dt.date.today().isoformat()}" + (f", 입력 {source}" if source else "")),
        ("기존 방식 (pilot formula)", "주거 세대수 x 세대당 인구 x 1인1일 원단위 x 계수 1.1 (일최대, 계수가 유일한 침입수 여유); "
         "비주거 0. Households x persons/household x per-capita unit x 1.1 on housing only (its only infiltration "
         "allowance); non-residential rows 0."),
        ("하수도정비기본계획 방식 (master plan)", "계획인구 x 1인1일최대급수량 x 오수전환율 + 공장폐수(공장 연면적 x 원단위) + "
         "지하수(1회). Population x per-capita day-max supply x return ratio + factory wastewater + infiltration once."),
        ("환경부 원단위 (MOE unit load)", "개인하수처리시설·원인자부담금 산정용 (보수적 설계값). "
         "건축물의 용도별 오수발생량 및 정화조 처리대상인원 산정방법 (환경부 고시 2025-165). "
         "주거: 세대당 인원 x 200 L/인·일 (읍·면 170 L). Housing: persons per dwelling x 200 L/(person d)."),
        ("일평균·일최대·시간최대", "일평균 = 0.75 x 일최대, 시간최대 = 1.5 x 일최대 (일 환산), 지하수 = 10% x 일최대 오수량을 각각 더함 "
         "(기존 방식은 더하지 않음). Day average = r x day max, hour max = k x day max, plus infiltration once on each "
         "basis (not for the pilot formula)."),
        ("처리용량 (capacity)", "처리용량 = 계획 일최대 오수량 (침입수 1회). 가동률 80%는 증설 검토 기준이며 나누지 않음. "
         "Capacity = design day max (infiltration once); 80% utilisation is a review trigger, never a divisor."),
        ("단위 (units)", "유량 ㎥/일 (m3/d), 면적 ㎡, 인구 인, 금액 원 (KRW)."),
    ]
    lines += [("참고 (note)", note) for note in notes or []]
    wrap = Alignment(wrap_text=True, vertical="top")
    for key, text in lines:
        m.append([_styled(m, key, font=Font(bold=True)), _styled(m, text, alignment=wrap)])
    m.append([])
    headers = ["매개변수 (parameter)", "항목", "값 (value)", "단위 (unit)", "기본값 (default)", "허용 범위 (range)", "출처 (source)"]
    m.append([_styled(m, h, font=Font(bold=True), fill=_HEADER_FILL) for h in headers])
    for p in parameter_table(params):
        m.append([xlsx_value(m, p["name"]), xlsx_value(m, p["label_ko"]), p["value"], xlsx_value(m, p["unit"]), p["default"],
                  f"{p['range'][0]}-{p['range'][1]}", _styled(m, p["source"], alignment=wrap)])

    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
