"""Korean workbooks an official can read and print: one helper every sheet writer calls.

What every workbook written through :class:`KoreanWorkbook` has (issue 24):

- a **표지** (cover) sheet first: what the file is, its name, which run made it (command,
  project, date and time, sewerplan version, model), the synthetic-data banner, the units,
  and a line per sheet;
- on every table sheet: a title row, the banner row (synthetic data) or the sheet's note, then
  three **header rows** repeated on every printed page: the Korean header, the **unit row**
  (``㎥/일``, ``억원``, ``%`` ...) and the English name (small, grey) for engineers;
- **Korean values**: method directions, building categories and yes/no in Korean
  (:data:`VALUE_KO`); **probabilities and shares as %** (``0.0%``, so 1.1e-16 prints 0.0%);
  **money in 억원** (``#,##0``; the stored KRW divided by 10^8 at this edge) or 원 (``#,##0``);
  counts ``#,##0``, years ``0``;
- **page setup**: A4 landscape, fitted to one page wide (as many pages tall as needed),
  header rows repeated, panes frozen below the headers and after the first column, the file
  name, sheet name and ``page / pages`` in the footer;
- an **열 설명** (column notes) sheet last: for each sheet and column the Korean header, the unit,
  the English name and the column's name in the CSV files (the only place a snake_case name
  appears).

The column catalogue :data:`COLUMNS` maps a results column (the internal snake_case name of
the CSV files and DataFrames) to :class:`ColumnSpec`; a writer may pass its own specs for
columns the catalogue does not know (e.g. a money sheet). A column with no spec gets a
readable fallback and is listed by :func:`unknown_columns` (tests keep that list empty).

Printing is checked in ``tests/test_workbook_print.py``: every workbook the demo writes is
converted to PDF with LibreOffice headless and its pages counted per sheet against
:func:`page_budget` (docs/manual.ko.md, "결과 통합문서 인쇄").
"""

from __future__ import annotations

import copy
import datetime as _dt
import math
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..design.uses import CATEGORY_LABELS_KO
from ..fileio import atomic_path, check_excel_rows

__all__ = ["ColumnSpec", "RunInfo", "KoreanWorkbook", "COLUMNS", "VALUE_KO", "KINDS", "SYNTHETIC_BANNER",
           "column_spec", "display_frame", "unknown_columns", "page_budget", "COVER_SHEET", "NOTES_SHEET",
           "HEADER_ROWS", "FIRST_DATA_ROW", "is_snake_case"]

COVER_SHEET = "표지"
NOTES_SHEET = "열 설명"
SYNTHETIC_BANNER = "합성 표본 자료 (synthetic sample data): 실제 도시의 자료가 아닙니다 / not a real town's data"
HEADER_ROWS = (3, 5)  # Korean header, unit, English name: repeated on every printed page
FIRST_DATA_ROW = HEADER_ROWS[1] + 1

# kind -> (Excel number format, factor from the stored value to the shown value)
KINDS: dict[str, tuple[str | None, float]] = {
    "text": (None, 1.0),
    "year": ("0", 1.0),
    "count": ("#,##0", 1.0),
    "area": ("#,##0.0", 1.0),
    "flow": ("#,##0.0", 1.0),
    "number": ("#,##0.00", 1.0),
    "probability": ("0.0%", 1.0),  # stored 0..1, shown as %
    "percent": ("#,##0.0", 1.0),  # stored already in % (the unit row says %)
    "krw": ("#,##0", 1.0),  # 원
    "krw_eok": ("#,##0", 1e-8),  # 억원 = KRW / 10^8
    "auto": (None, 1.0),  # per value: whole numbers #,##0, others #,##0.0 (item / value tables)
}


@dataclass(frozen=True)
class ColumnSpec:
    """How a column is shown: Korean header, Korean unit (the unit row), English name, kind (:data:`KINDS`)."""

    ko: str
    unit: str = ""
    en: str = ""
    kind: str = "text"
    width: float | None = None  # column width [characters]; None: from the header and the values
    detail: bool = False  # a detail column: grouped and folded (not printed); the + above the column opens it
    wrap: bool = False  # long text wrapped in its column (rows made as tall as it needs), not cut at the edge

    @property
    def label(self) -> str:
        """Korean header with the unit, as one string (worksheet functions' header rows)."""
        return f"{self.ko} ({self.unit})" if self.unit else self.ko


def _c(ko, unit, en, kind, width=None, detail=False) -> ColumnSpec:
    return ColumnSpec(ko, unit, en, kind, width, detail)


def _d(ko, unit, en, kind, width=None) -> ColumnSpec:
    """A detail column (folded away; see :attr:`ColumnSpec.detail`)."""
    return ColumnSpec(ko, unit, en, kind, width, True)


_FLOW = "㎥/일"
# The column catalogue: internal name -> spec. English names carry their unit in brackets.
COLUMNS: dict[str, ColumnSpec] = {
    "building_id": _c("건축물 ID", "", "building id", "text"),
    "district": _c("배수구역", "", "district", "text"),
    "main_use": _c("주용도", "", "main use", "text"),
    "category": _c("분류", "", "category", "text"),
    "moe_code_used": _d("환경부 용도코드 (적용)", "", "MOE code used", "text"),
    "unit_load_basis": _d("원단위 기준", "", "unit-load basis", "text"),
    "floor_area_m2": _c("연면적", "㎡", "floor area [m2]", "area"),
    "households": _c("세대수", "세대", "households", "count"),
    "dwelling_units": _d("호수", "호", "dwelling units", "count"),
    "persons_estimated": _c("추정 인구", "인", "persons estimated", "count"),
    "approval_year": _c("사용승인 연도", "", "approval year", "year"),
    "buildings": _c("건축물 수", "동", "buildings", "count"),
    "address": _d("대지위치", "", "address", "text", 30),
    "building_name": _d("건물명", "", "building name", "text", 24),
    "pilot_formula_m3_per_day": _c("기존 방식(인구 기준) 일최대", _FLOW, "pilot formula, day max [m3/d]", "flow"),
    "master_plan_m3_per_day": _c("기본계획 방식 일최대, 침입수 제외", _FLOW,
                                 "master-plan method, day max excl. infiltration [m3/d]", "flow"),
    "unit_load_m3_per_day": _c("환경부 원단위 일최대", _FLOW, "MOE unit load, day max [m3/d]", "flow"),
    "ml_m3_per_day": _c("ML 예측 일평균", _FLOW, "ML, day average [m3/d]", "flow"),
    "ml_lower_m3_per_day": _c("ML 하한 일평균", _FLOW, "ML lower, day average [m3/d]", "flow"),
    "ml_upper_m3_per_day": _c("ML 상한 일평균", _FLOW, "ML upper, day average [m3/d]", "flow"),
    "observed_m3_per_day": _c("관측 오수량 일평균", _FLOW, "observed, day average [m3/d]", "flow"),
    "scenario": _c("시나리오", "", "scenario", "text"),
    "year": _c("연도", "", "year", "year"),
    "block": _c("블록", "", "block", "text"),
    "dwellings": _c("세대수", "세대", "dwellings [households]", "count"),
    "floor_area_per_dwelling_m2": _c("세대당 연면적", "㎡", "floor area per dwelling [m2]", "area"),
    "floors_above": _d("지상층수", "층", "floors above ground", "count"),
    "moe_code": _d("환경부 용도코드 (입력)", "", "MOE code", "text"),
    "completion_year": _c("준공연도", "", "completion year", "year"),
    "rural": _d("읍·면 지역", "", "rural (eup/myeon)", "text"),
    "source_row": _d("입력 행 번호", "행", "source row", "count"),
    "synthetic": _d("합성 자료", "", "synthetic", "text"),
    "mean_household_size": _c("평균 가구원수", "인/가구", "mean household size [persons/household]", "number"),
    "hh_share_1": _c("1인 가구 비율", "%", "1-person household share", "probability"),
    "hh_share_2": _c("2인 가구 비율", "%", "2-person household share", "probability"),
    "hh_share_3": _c("3인 가구 비율", "%", "3-person household share", "probability"),
    "hh_share_4": _c("4인 가구 비율", "%", "4-person household share", "probability"),
    "hh_share_5plus": _c("5인 이상 가구 비율", "%", "5+-person household share", "probability"),
    "pilot_formula_capacity_m3_per_day": _c("기존 방식 처리용량", _FLOW, "pilot formula, capacity [m3/d]", "flow"),
    "master_plan_capacity_m3_per_day": _c("기본계획 방식 처리용량", _FLOW, "master-plan method, capacity [m3/d]",
                                          "flow"),
    "unit_load_capacity_m3_per_day": _c("환경부 원단위 필요 처리용량", _FLOW, "MOE unit load, capacity needed [m3/d]",
                                        "flow"),
    "ml_capacity_p10_m3_per_day": _c("ML 필요 처리용량 P10", _FLOW, "ML capacity needed P10 [m3/d]", "flow"),
    "ml_capacity_p50_m3_per_day": _c("ML 필요 처리용량 P50", _FLOW, "ML capacity needed P50 [m3/d]", "flow"),
    "ml_capacity_p90_m3_per_day": _c("ML 필요 처리용량 P90", _FLOW, "ML capacity needed P90 [m3/d]", "flow"),
    "ml_capacity_at_confidence_m3_per_day": _c("ML 필요 처리용량 (신뢰수준)", _FLOW,
                                               "ML capacity needed at confidence [m3/d]", "flow"),
    "utilisation_p50": _c("처리장 가동률 (ML P50)", "%", "plant utilisation at ML P50", "probability"),
    "confidence": _c("신뢰수준", "%", "confidence", "probability"),
    "plant_capacity_m3_per_day": _c("처리장 용량", _FLOW, "plant capacity [m3/d]", "flow"),
    "probability_exceeded": _c("처리장 용량 초과 확률", "%", "P(plant exceeded) in the year", "probability"),
    "probability_exceeded_by_year": _c("그 해까지 초과 확률", "%", "P(plant exceeded) by the year", "probability"),
    "candidate": _c("후보 용량", "", "candidate", "text", 26),
    "design_year": _c("설계연도", "", "design year", "year"),
    "capacity_m3_per_day": _c("처리용량", _FLOW, "capacity [m3/d]", "flow"),
    "capex_krw": _c("건설비", "억원", "capital cost [100 million KRW]", "krw_eok"),
    "probability_undersized": _c("용량 부족 확률", "%", "P(undersized)", "probability"),
    "expected_oversizing_krw": _c("과다 설계 기대 비용", "억원", "expected over-sizing cost [100 million KRW]",
                                  "krw_eok"),
    "expected_expansion_krw": _c("추후 증설 기대 비용", "억원", "expected later expansion [100 million KRW]",
                                 "krw_eok"),
    "expected_undersizing_extra_krw": _c("증설 추가 부담 기대값", "억원",
                                         "expected extra cost of expanding later [100 million KRW]", "krw_eok"),
    "cost_curve": _c("비용곡선", "", "cost curve", "text"),
    # existing-town comparison on held-out districts (day average, no infiltration)
    "n_buildings": _c("건축물 수", "동", "buildings", "count"),
    "observed": _c("요금자료 기준 오수량 일평균", _FLOW, "observed (billed), day average [m3/d]", "flow"),
    "pilot_formula": _c("기존 방식(인구 기준) 일평균", _FLOW, "pilot formula, day average [m3/d]", "flow"),
    "master_plan": _c("기본계획 방식 일평균", _FLOW, "master-plan method, day average [m3/d]", "flow"),
    "unit_load": _c("환경부 원단위 일평균", _FLOW, "MOE unit load, day average [m3/d]", "flow"),
    "ml": _c("ML 일평균 (교차검증)", _FLOW, "ML held-out, day average [m3/d]", "flow"),
    "pilot_formula_error_t_per_day": _c("기존 방식 오차 = 실측 - 추정", "t/일",
                                        "pilot formula error, observed - estimate [t/d]", "flow"),
    "master_plan_error_t_per_day": _c("기본계획 방식 오차 = 실측 - 추정", "t/일",
                                      "master plan error, observed - estimate [t/d]", "flow"),
    "unit_load_error_t_per_day": _c("환경부 원단위 오차 = 실측 - 추정", "t/일",
                                    "MOE unit load error, observed - estimate [t/d]", "flow"),
    "ml_error_t_per_day": _c("ML 오차 = 실측 - 추정", "t/일", "ML error, observed - estimate [t/d]", "flow"),
    "pilot_formula_error_pct": _c("기존 방식 오차", "%", "pilot formula error [%]", "percent"),
    "master_plan_error_pct": _c("기본계획 방식 오차", "%", "master plan error [%]", "percent"),
    "unit_load_error_pct": _c("환경부 원단위 오차", "%", "MOE unit load error [%]", "percent"),
    "ml_error_pct": _c("ML 오차", "%", "ML error [%]", "percent"),
    "note": _c("참고", "", "note", "text", 40),
    "item": _c("항목", "", "item", "text", 44),
    "value": _c("값", "", "value", "auto", 16),
    "unit": _c("단위", "", "unit", "text", 10),
    "ml_model_id": _d("ML 모델 ID", "", "ML model id", "text", 18),
    "ml_model_note": _d("ML 모델 참고", "", "ML model note", "text", 40),
    "screen_flag": _d("검토 대상", "", "screening flag", "text"),
    "screen_reason": _d("검토 사유", "", "screening reason", "text", 30),
    # capacity and decision (sewerplan run: 처리용량 권고)
    "basis": _c("처리용량 근거", "", "basis", "text", 60),
    "gap_vs_ml_p50_m3_per_day": _c("ML 필요량(P50) 대비 차이", _FLOW, "gap vs ML P50 need [m3/d]", "flow"),
    "direction": _c("판정", "", "direction", "text", 16),
    "probability_too_small": _c("용량 부족 확률", "%", "P(too small)", "probability"),
    "probability_too_large": _c("용량 과대 확률", "%", "P(too large)", "probability"),
    "expansion_year": _c("증설 필요 연도", "", "expansion year", "year"),
    "stranded_capital_krw": _c("유휴 자본", "억원", "stranded capital [100 million KRW]", "krw_eok"),
    # scenario comparison (sewerplan scenario compare)
    "years": _c("기간", "", "years", "text"),
    "mean_household_size_end": _c("최종연도 평균 가구원수", "인/가구", "mean household size, end year", "number"),
    "year_exceeded_pilot_formula": _c("처리장 초과 연도: 기존 방식", "", "year plant exceeded: pilot formula", "year"),
    "year_exceeded_master_plan": _c("처리장 초과 연도: 기본계획 방식", "", "year plant exceeded: master-plan method",
                                    "year"),
    "year_exceeded_unit_load": _c("처리장 초과 연도: 환경부 원단위", "", "year plant exceeded: MOE unit load", "year"),
    "year_exceeded_ml_p50": _c("처리장 초과 연도: ML P50", "", "year plant exceeded: ML P50", "year"),
    "year_exceeded_ml_at_confidence": _c("처리장 초과 연도: ML 신뢰수준", "", "year plant exceeded: ML at confidence",
                                         "year"),
    "probability_exceeded_by_end": _c("최종연도까지 초과 확률", "%", "P(plant exceeded) by the end year", "probability"),
    "plant_expected_oversizing_krw": _c("처리장 과다 설계 기대 비용", "억원",
                                        "plant: expected over-sizing cost [100 million KRW]", "krw_eok"),
    "plant_expected_expansion_krw": _c("처리장 추후 증설 기대 비용", "억원",
                                       "plant: expected later expansion [100 million KRW]", "krw_eok"),
    "plant_expected_undersizing_extra_krw": _c("처리장 증설 추가 부담 기대값", "억원",
                                               "plant: expected extra cost of expanding later [100 million KRW]",
                                               "krw_eok"),
}

_METHOD = {"pilot_formula": ("기존 방식", "pilot formula"), "master_plan": ("기본계획 방식", "master plan"),
           "unit_load": ("환경부 원단위", "MOE unit load"), "ml": ("ML", "ML"), "ml_lower": ("ML 하한", "ML lower"),
           "ml_upper": ("ML 상한", "ML upper"), "observed": ("관측", "observed")}
_BASIS = {"day_average": ("일평균", "day average"), "day_max": ("일최대", "day max"),
          "hour_max": ("시간최대", "hour max")}
_PATTERN = re.compile(r"^(?P<m>[a-z_]+?)_(?P<b>day_average|day_max|hour_max)(?:_(?P<q>p\d\d))?_m3_per_day$")

YES_NO = {True: "예", False: "아니요"}
#: Korean text for the codes the tables hold, per column
VALUE_KO: dict[str, dict] = {
    "direction": {"under": "작음 (부족 위험)", "about_right": "예측 구간 안", "over": "큼 (과대 위험)"},
    "category": dict(CATEGORY_LABELS_KO),
    "unit_load_basis": {"dwelling": "세대 (인원 산정)", "m2": "연면적", "person": "이용 인원"},
    "rural": YES_NO, "synthetic": YES_NO, "screen_flag": YES_NO, "short_record": YES_NO,
}


def column_spec(col: str, extra: Mapping[str, ColumnSpec] | None = None) -> ColumnSpec:
    """The spec of a column: the writer's own, the catalogue's, a method x basis pattern, or a fallback."""
    if extra and col in extra:
        return extra[col]
    if col in COLUMNS:
        return COLUMNS[col]
    m = _PATTERN.match(col)
    if m and m["m"] in _METHOD:
        ko, en = _METHOD[m["m"]]
        bko, ben = _BASIS[m["b"]]
        q = f" {m['q'].upper()}" if m["q"] else ""
        return ColumnSpec(f"{ko} {bko}{q}", _FLOW, f"{en}, {ben}{q} [m3/d]", "flow")
    return ColumnSpec(col, "", col, "text")


def is_snake_case(text) -> bool:
    """A header that is an internal name (``gap_vs_ml_p50_m3_per_day``), not words for a reader."""
    return isinstance(text, str) and bool(re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", text.strip()))


def unknown_columns(frame: pd.DataFrame, extra: Mapping[str, ColumnSpec] | None = None) -> list[str]:
    """Columns of ``frame`` that have no Korean header (fall back to their internal name)."""
    return [str(c) for c in frame.columns if column_spec(str(c), extra).ko == str(c) and is_snake_case(str(c))]


def _shown(value, spec: ColumnSpec, col: str):
    """One cell's value as shown: codes in Korean, money scaled, NaN blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = value.item() if hasattr(value, "item") else value
    table = VALUE_KO.get(col)
    if table is not None and value in table:
        return table[value]
    if isinstance(value, bool):
        return YES_NO[value]
    factor = KINDS.get(spec.kind, KINDS["text"])[1]
    if factor != 1.0 and isinstance(value, (int, float)):
        return value * factor
    return value


def display_frame(frame: pd.DataFrame, extra: Mapping[str, ColumnSpec] | None = None) -> list[list]:
    """Rows of ``frame`` as shown in the workbook (see :func:`_shown`)."""
    specs = [(str(c), column_spec(str(c), extra)) for c in frame.columns]
    return [[_shown(v, spec, col) for v, (col, spec) in zip(row, specs)]
            for row in frame.itertuples(index=False, name=None)]


def page_budget(n_rows: int) -> int:
    """Most printed pages a table sheet may take (A4 landscape, one page wide): 1 page per 24 rows (A4 landscape at full size holds about 25 rows under the three header rows), at least 1.

    The figure docs/manual.ko.md states and tests/test_workbook_print.py checks.
    """
    return max(1, math.ceil(n_rows / 24))


@dataclass
class RunInfo:
    """Which run wrote a workbook: printed on the 표지 (cover) sheet."""

    command: str = ""  # e.g. "sewerplan run nuri.yaml --out nuri_results"
    project: str = ""  # project file or main input
    created: str = field(default_factory=lambda: _dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    version: str = ""  # sewerplan version
    model: str = ""  # ML model id, if any
    data_source: str = ""  # one line: where the data come from

    def rows(self) -> list[tuple[str, str]]:
        if not self.version:
            from sewerplan import __version__

            self.version = __version__
        rows = [("만든 명령 (command)", self.command), ("입력 (input)", self.project),
                ("만든 때 (created)", self.created), ("프로그램 (software)", f"sewerplan {self.version}"),
                ("ML 모델 (model)", self.model), ("자료 (data)", self.data_source)]
        return [(k, v) for k, v in rows if v]


_HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
_BANNER_FILL = PatternFill("solid", fgColor="FFE699")
_THIN = Side(style="thin", color="999999")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "맑은 고딕"  # Korean Windows' UI font; LibreOffice and others substitute a Hangul font


#: per workbook: the style (openpyxl's StyleArray of font, fill, border, format ids) of each look already
#: used, so a cell of that look copies it instead of building and looking up a Font per cell (the results
#: workbook has tens of thousands of cells; the lookups were most of the time writing it)
_LOOKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cell(ws, value, *, bold=False, size=10, color=None, italic=False, fill=None, wrap=False, align=None,
          fmt=None, border=False):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text from inputs is text, never a formula
    looks = _LOOKS.setdefault(ws.parent, {})
    key = (bold, size, color, italic, id(fill), wrap, align, fmt, border)
    if key in looks:
        cell._style = copy.copy(looks[key][0])
        return cell
    _style(cell, bold, size, color, italic, fill, wrap, align, fmt, border)
    looks[key] = (copy.copy(cell._style), fill)  # the fill kept alive: its id stays its own
    return cell


def _style(cell, bold, size, color, italic, fill, wrap, align, fmt, border) -> None:
    cell.font = Font(name=_FONT, bold=bold, size=size, color=color, italic=italic)
    if fill is not None:
        cell.fill = fill
    if wrap or align:
        cell.alignment = Alignment(wrap_text=wrap, horizontal=align, vertical="center" if align else "top")
    if fmt:
        cell.number_format = fmt
    if border:
        cell.border = _GRID


def _text_width(text) -> float:
    """Display width [characters]: Hangul and other wide characters count twice."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _lines(text, width: float) -> int:
    """Lines a wrapped cell of ``width`` characters takes for ``text`` (row heights: neither Excel nor
    LibreOffice grows a row of a generated file by itself)."""
    return max(1, sum(math.ceil(_text_width(part) / max(width - 1, 1)) or 1 for part in str(text).split("\n")))


def _widths(frame: pd.DataFrame, specs: list[ColumnSpec], rows: list[list]) -> list[float]:
    widths = []
    for j, spec in enumerate(specs):
        if spec.width:
            widths.append(spec.width)
            continue
        head = max(_text_width(w) for w in spec.ko.split()) if spec.ko else 4
        sample = [rows[i][j] for i in range(min(len(rows), 200))]
        longest = max((_text_width(f"{v:,.1f}" if isinstance(v, float) else v) for v in sample if v is not None),
                      default=4)
        widths.append(min(max(head + 1, longest + 2, 6), 30 if spec.kind != "text" else 40))
    return widths


def _page_setup(ws, n_cols: int, freeze_col: int) -> None:
    """A4 landscape, one page wide, header rows repeated, panes frozen, file/sheet/page in the footer."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{HEADER_ROWS[0]}:{HEADER_ROWS[1]}"
    ws.freeze_panes = f"{get_column_letter(freeze_col + 1)}{FIRST_DATA_ROW}"
    ws.oddFooter.left.text = "&F"
    ws.oddFooter.center.text = "&A"
    ws.oddFooter.right.text = "&P / &N"
    for footer in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right):
        footer.size = 8


class KoreanWorkbook:
    """A workbook of Korean table sheets with a 표지 and a 열 설명 sheet (see the module doc).

    Parameters
    ----------
    path : path
        The .xlsx to write (atomically, on :meth:`save`).
    title : str
        What the file is, in Korean (the cover's first line).
    run : RunInfo, optional
        Which run made it.
    synthetic : bool
        Put the synthetic-data banner on the cover and every sheet.
    """

    def __init__(self, path, title: str, run: RunInfo | None = None, synthetic: bool = False):
        self.path, self.title, self.run, self.synthetic = Path(path), title, run or RunInfo(), synthetic
        self.wb = Workbook(write_only=True)
        self.contents: list[tuple[str, str, int]] = []  # (sheet, description, data rows)
        self.columns: list[tuple[str, str, ColumnSpec]] = []  # (sheet, internal name, spec)

    def table(self, name: str, frame: pd.DataFrame, description: str = "",
              columns: Mapping[str, ColumnSpec] | None = None, freeze_col: int = 1,
              cell_formats: Mapping[str, list] | None = None):
        """Add a table sheet: title, banner or note, the three header rows, then the rows as shown.

        ``columns`` adds specs for columns the catalogue does not know; ``cell_formats`` gives one
        column a number format per row (an item / value table whose rows have different units).
        """
        name = name[:31]
        check_excel_rows(len(frame) + FIRST_DATA_ROW, name, self.path)
        ws = self.wb.create_sheet(name)
        specs = [column_spec(str(c), columns) for c in frame.columns]
        rows = display_frame(frame, columns)
        widths = _widths(frame, specs, rows)
        for j, (width, spec) in enumerate(zip(widths, specs), start=1):
            dim = ws.column_dimensions[get_column_letter(j)]
            dim.width = width
            if spec.detail:  # folded: the + above the columns opens it; not printed while folded
                dim.outlineLevel, dim.hidden = 1, True
        _page_setup(ws, len(specs), min(freeze_col, max(len(specs) - 1, 0)))
        last = get_column_letter(max(len(specs), 1))
        ws.print_area = f"A1:{last}{HEADER_ROWS[1] + len(frame)}"  # long text never widens the page
        if len(frame):
            ws.auto_filter.ref = f"A{HEADER_ROWS[0]}:{last}{HEADER_ROWS[1] + len(frame)}"
        self._title_rows(ws, name, description)
        self._header_rows(ws, specs, widths)
        per_row = [list((cell_formats or {}).get(str(c), [])) for c in frame.columns]
        self._data_rows(ws, specs, rows, widths, per_row)
        self.contents.append((name, description, len(frame)))
        self.columns += [(name, str(c), s) for c, s in zip(frame.columns, specs)]
        return ws

    def _title_rows(self, ws, name: str, description: str) -> None:
        ws.append([_cell(ws, f"{name}: {description}" if description else name, bold=True, size=12)])
        if self.synthetic:
            ws.append([_cell(ws, SYNTHETIC_BANNER, bold=True, color="7F6000", fill=_BANNER_FILL)])
        else:
            ws.append([])

    def _header_rows(self, ws, specs: list[ColumnSpec], widths: list[float]) -> None:
        visible = [(s, w) for s, w in zip(specs, widths) if not s.detail] or [(ColumnSpec(""), 10)]
        ws.row_dimensions[HEADER_ROWS[0]].height = 14 * max(_lines(s.ko, w) for s, w in visible)
        ws.row_dimensions[HEADER_ROWS[1] + 0].height = 11 * max(_lines(s.en, w * 1.3) for s, w in visible)
        ws.append([_cell(ws, s.ko, bold=True, fill=_HEAD_FILL, wrap=True, align="center", border=True) for s in specs])
        ws.append([_cell(ws, s.unit, size=9, fill=_HEAD_FILL, align="center", border=True) for s in specs])
        ws.append([_cell(ws, s.en, size=8, italic=True, color="555555", fill=_HEAD_FILL, wrap=True, align="center",
                         border=True) for s in specs])

    def _data_rows(self, ws, specs: list[ColumnSpec], rows: list[list], widths: list[float],
                   per_row: list[list]) -> None:
        formats = [KINDS.get(s.kind, KINDS["text"])[0] for s in specs]
        autos = [s.kind == "auto" for s in specs]
        wrapped = [j for j, s in enumerate(specs) if s.wrap]
        for i, row in enumerate(rows, start=FIRST_DATA_ROW):
            if wrapped:
                ws.row_dimensions[i].height = 12 * max(_lines(row[j] or "", widths[j]) for j in wrapped)
            cells = []
            for j, (v, fmt, auto) in enumerate(zip(row, formats, autos)):
                if i - FIRST_DATA_ROW < len(per_row[j]) and per_row[j][i - FIRST_DATA_ROW]:
                    fmt = per_row[j][i - FIRST_DATA_ROW]
                elif auto and isinstance(v, (int, float)) and not isinstance(v, bool):
                    fmt = "#,##0" if float(v).is_integer() else "#,##0.0"
                cells.append(_cell(ws, v, size=9, fmt=fmt if isinstance(v, (int, float)) else None,
                                   wrap=specs[j].wrap))
            ws.append(cells)

    def text_sheet(self, name: str, rows: list[tuple], description: str = "", widths=(30, 90)) -> None:
        """A sheet of text rows (notes, methods, sources): landscape, one page wide, no header rows."""
        ws = self.wb.create_sheet(name[:31])
        for j, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = width
        _page_setup(ws, len(widths), 0)
        ws.print_title_rows = None
        ws.freeze_panes = None
        self._title_rows(ws, name, description)
        for r, row in enumerate(rows, start=HEADER_ROWS[0]):
            ws.row_dimensions[r].height = 14 * max(_lines(v, w) for v, w in zip(row, widths) if isinstance(v, str))
            ws.append([_cell(ws, v, bold=(j == 0), wrap=True) if isinstance(v, str) else _cell(ws, v)
                       for j, v in enumerate(row)])
        self.contents.append((name[:31], description, len(rows)))

    def _cover_rows(self) -> list[tuple[str, object, object]]:
        """(label, text, count) rows of the cover after its title and banner."""
        rows = [("파일 (file)", self.path.name, None), *((k, v, None) for k, v in self.run.rows()),
                ("단위 (units)", "유량 ㎥/일 (= 톤/일), 면적 ㎡, 금액 억원 (1억원 = 100,000,000원) 또는 원, 확률·비율 %. "
                 "각 표의 둘째 머리글 행이 단위입니다.", None),
                ("인쇄 (printing)", "A4 가로, 한 쪽 너비에 맞춤, 머리글 행은 쪽마다 반복됩니다. 세부 열(건물명, 주소 등)은 "
                 "접혀 있어 인쇄되지 않습니다: 열 머리글 위의 + 를 누르면 펼쳐집니다.", None),
                ("", "", None), ("시트 (sheet)", "내용 (contents)", "행 수 (rows)")]
        rows += [(name, description, n) for name, description, n in self.contents]
        rows.append((NOTES_SHEET, "열마다 한국어 이름, 단위, 영문 이름, CSV 파일의 열 이름", len(self.columns)))
        return rows

    def _cover(self) -> None:
        ws = self.wb.create_sheet(COVER_SHEET, 0)
        self.wb.active = 0
        widths = (24, 76, 12)
        for col, width in zip("ABC", widths):
            ws.column_dimensions[col].width = width
        _page_setup(ws, 3, 0)
        ws.print_title_rows = None
        ws.freeze_panes = None
        ws.row_dimensions[1].height = 24
        ws.append([_cell(ws, self.title, bold=True, size=16)])
        ws.append([_cell(ws, SYNTHETIC_BANNER, bold=True, color="7F6000", fill=_BANNER_FILL)] if self.synthetic
                  else [])
        table = False
        for r, (label, text, n) in enumerate(self._cover_rows(), start=3):
            ws.row_dimensions[r].height = 14 * _lines(text, widths[1])
            head = label == "시트 (sheet)"
            table = table or head
            ws.append([_cell(ws, label, bold=not table or head, fill=_HEAD_FILL if head else None, border=table,
                             wrap=True),
                       _cell(ws, text, wrap=True, bold=head, fill=_HEAD_FILL if head else None, border=table),
                       _cell(ws, n, fmt="#,##0", bold=head, fill=_HEAD_FILL if head else None, border=table)
                       if table else None])

    def _notes(self) -> None:
        frame = pd.DataFrame([(sheet, s.ko, s.unit, s.en, col) for sheet, col, s in self.columns],
                             columns=["sheet", "header", "unit", "english", "internal"])
        specs = {"sheet": ColumnSpec("시트", "", "sheet", "text", 24),
                 "header": ColumnSpec("열 (한국어)", "", "column (Korean)", "text", 36),
                 "unit": ColumnSpec("단위", "", "unit", "text", 10),
                 "english": ColumnSpec("영문 이름", "", "English name", "text", 44),
                 "internal": ColumnSpec("CSV 열 이름", "", "name in the CSV files", "text", 36)}
        self.table(NOTES_SHEET, frame, "각 표의 열: 한국어 이름, 단위, 영문 이름, CSV 파일의 열 이름", specs)
        self.contents.pop()  # the cover lists it in its own words

    def save(self) -> Path:
        """Add the 열 설명 and 표지 sheets and write the file atomically."""
        self._notes()
        self._cover()
        with atomic_path(self.path) as tmp:
            self.wb.save(tmp)
        return self.path
