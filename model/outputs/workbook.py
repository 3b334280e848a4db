"""The results workbook (xlsx, openpyxl): buildings, district summary, methods and sources.

Every sheet is written by :mod:`.sheet_style` (Korean header, unit and English rows, Korean
values, % and 억원, A4 landscape one page wide, a 표지 and a 열 설명 sheet); numbers keep full
precision and are shown with number formats. Synthetic inputs put a banner on every sheet.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pandas as pd
from ..design.parameters import DEFAULT_PARAMETERS, DesignParameters, parameter_table
from .money_sheet import MONEY_COLUMNS, SHEET_MONEY, money_table
from .sheet_style import COLUMNS, KINDS, SYNTHETIC_BANNER, ColumnSpec, KoreanWorkbook, RunInfo, column_spec

__all__ = ["COLUMN_LABELS", "column_label", "number_format", "write_results_workbook", "write_frames_workbook",
           "SHEET_BUILDINGS", "SHEET_DISTRICTS", "SHEET_METHODS", "SHEET_PARAMETERS", "SYNTHETIC_BANNER", "RunInfo"]

SHEET_BUILDINGS = "건축물별 결과"
SHEET_DISTRICTS = "배수구역 요약"
SHEET_METHODS = "방법 및 출처"
SHEET_PARAMETERS = "매개변수"

#: column -> (Korean header with unit, English name with unit); derived from the sheet catalogue
COLUMN_LABELS: dict[str, tuple[str, str]] = {k: (spec.label, spec.en) for k, spec in COLUMNS.items()}


def column_label(col: str) -> tuple[str, str]:
    """Korean header (with unit) and English name for a results column (:func:`sheet_style.column_spec`)."""
    spec = column_spec(col)
    if spec.kind == "probability":  # worksheet functions return the fraction itself (0-1), not a % cell
        return f"{spec.ko} (-)", f"{spec.en} [-]"
    return spec.label, spec.en


def number_format(col: str, dtype=None) -> str:
    """Excel number format of a results column as the workbooks show it (:data:`sheet_style.KINDS`)."""
    spec = column_spec(col)
    if spec.kind == "text" and dtype is not None and pd.api.types.is_integer_dtype(dtype):
        return "#,##0"
    return KINDS[spec.kind][0] or "General"


def write_frames_workbook(path, sheets: dict[str, pd.DataFrame], synthetic: bool = False, *,
                          title: str = "sewerplan 결과", run: RunInfo | None = None,
                          descriptions: dict[str, str] | None = None) -> Path:
    """Write tables, one per sheet, as Korean sheets (:class:`sheet_style.KoreanWorkbook`), atomically."""
    book = KoreanWorkbook(path, title, run, synthetic)
    for name, frame in sheets.items():
        book.table(name, frame, (descriptions or {}).get(name, ""))
    return book.save()


_METHOD_LINES = [
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
    ("단위 (units)", "유량 ㎥/일 (m3/d), 면적 ㎡, 인구 인, 금액 억원 (= 100,000,000원) 또는 원, 확률·비율 %."),
]
_PARAMETER_COLUMNS = {
    "label_ko": ColumnSpec("매개변수", "", "parameter", "text", 26),
    "value": ColumnSpec("값", "", "value", "auto", 12),
    "unit": ColumnSpec("단위", "", "unit", "text", 18),
    "default": ColumnSpec("기본값", "", "default", "auto", 12),
    "range": ColumnSpec("허용 범위", "", "allowed range", "text", 14),
    "source_ko": ColumnSpec("출처", "", "source", "text", 80),
    "source": ColumnSpec("출처 (영문)", "", "source (English)", "text", 80, detail=True),
    "name": ColumnSpec("프로젝트 파일 이름", "", "name in the project file", "text", 28),
}
#: what each sheet of the results workbook holds (the cover's list)
SHEET_DESCRIPTIONS = {
    SHEET_BUILDINGS: "건축물마다 세 가지 기준 방식(일최대)과 ML 예측(일평균, 하한~상한)",
    SHEET_DISTRICTS: "배수구역별 합계: 방법마다 일평균·일최대·시간최대 (마지막 행 = 합계)",
    SHEET_METHODS: "계산 방법과 참고 사항",
    SHEET_PARAMETERS: "설계 매개변수의 값, 단위, 허용 범위, 출처",
}


def _parameter_frame(params: DesignParameters) -> pd.DataFrame:
    rows = [{**p, "range": f"{p['range'][0]}-{p['range'][1]}"} for p in parameter_table(params)]
    return pd.DataFrame(rows)[list(_PARAMETER_COLUMNS)]


def write_results_workbook(
    path,
    buildings: pd.DataFrame,
    districts: pd.DataFrame,
    params: DesignParameters = DEFAULT_PARAMETERS,
    extra_sheets: dict[str, pd.DataFrame] | None = None,
    synthetic: bool = False,
    notes: list[str] | None = None,
    source: str = "",
    *,
    title: str = "sewerplan 결과: 건축물별·배수구역별 오수발생량",
    run: RunInfo | None = None,
    descriptions: dict[str, str] | None = None,
    bundle=None,
) -> Path:
    """Write the results workbook atomically (Korean sheets, :class:`sheet_style.KoreanWorkbook`).

    Sheets: 표지 (what the file is, which run made it), 건축물별 결과 (one row per building),
    배수구역 요약 (district totals, day-average / day-max / hour-max per method), any
    ``extra_sheets`` (name -> table; ``descriptions`` name -> one line for the cover), 재원·요금 (the
    results bundle's money, :mod:`.money_sheet`; none without a bundle or its finance section),
    방법 및 출처 (methods, notes), 매개변수 (parameters with units and sources) and 열 설명 (column notes).
    """
    run = run or RunInfo(project=source)
    book = KoreanWorkbook(path, title, run, synthetic)
    described = {**SHEET_DESCRIPTIONS, **(descriptions or {})}
    for name, frame in {SHEET_BUILDINGS: buildings, SHEET_DISTRICTS: districts, **(extra_sheets or {})}.items():
        book.table(name, frame, described.get(name, ""))
    money = money_table(bundle) if bundle is not None else None
    if money is not None:  # 재원·요금: 총사업비, 재원, 운영비, 요금 영향, each with its basis
        book.table(SHEET_MONEY, money[0], "총사업비, 재원, 운영비, 요금 영향과 각 근거 (results.json 의 재정 항목)",
                   MONEY_COLUMNS, cell_formats={"value": money[1]})
    lines = [("작성일 (created)", _dt.date.today().isoformat()), *( [("입력 (input)", source)] if source else []),
             *_METHOD_LINES, *(("참고 (note)", note) for note in notes or [])]
    book.text_sheet(SHEET_METHODS, lines, described[SHEET_METHODS])
    book.table(SHEET_PARAMETERS, _parameter_frame(params), described[SHEET_PARAMETERS], _PARAMETER_COLUMNS)
    return book.save()
