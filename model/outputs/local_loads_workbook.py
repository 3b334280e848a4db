"""The city's unit-load table as a workbook in the ordinance's shape (별표: 용도 / 단위 / 오수발생량).

Sheets
------
``별표 (조례안)``      the table as an ordinance annex prints it: 번호, 용도, 단위, 오수발생량
                       (day-max, the notice's basis) and 비고 (local or the notice's value, marked);
                       the rules as footnotes.
``산정 근거 (basis)``   every row's numbers: buildings and meter-months behind it, median,
                       quartiles, confidence interval, day-max equivalent, the notice's value
                       and the ratio, exclusions by reason.
``산정 기준 (rules)``   the rules in Korean and English, each setting with its source.
``영향 (changes)``      (with a planned town) causer charge and unit-load design flows, notice vs local.

Text cells are written as text (a use name starting with ``=`` is not a formula).
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ..fileio import atomic_path
from ..planning.local_loads import LocalLoadTable

__all__ = ["write_local_loads_workbook", "ANNEX_SHEET", "BASIS_SHEET", "RULES_SHEET", "CHANGES_SHEET",
           "DETAIL_COLUMNS", "annex_rows"]

ANNEX_SHEET = "별표 (조례안)"
BASIS_SHEET = "산정 근거 (basis)"
RULES_SHEET = "산정 기준 (rules)"
CHANGES_SHEET = "영향 (changes)"
SYNTHETIC_BANNER = "합성 표본 자료 (synthetic sample data): 실제 도시의 자료가 아닙니다 / not a real town's data"

_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_BANNER_FILL = PatternFill("solid", fgColor="FFE699")
_FALLBACK_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="top")

# detail column -> (Korean header with unit, English header with unit, number format)
DETAIL_COLUMNS: dict[str, tuple[str, str, str]] = {
    "use": ("용도", "use", ""),
    "moe_code": ("환경부 용도코드", "MOE code", ""),
    "unit": ("단위", "unit", ""),
    "n_buildings": ("산정 건축물 (동)", "buildings used", "#,##0"),
    "meter_months": ("계량기-월 (하한)", "meter-months (lower bound)", "#,##0"),
    "median_l_per_unit_day": ("일평균 중앙값", "day-average median", "#,##0.00"),
    "q1_l_per_unit_day": ("하위 사분위 (25%)", "lower quartile", "#,##0.00"),
    "q3_l_per_unit_day": ("상위 사분위 (75%)", "upper quartile", "#,##0.00"),
    "ci_low_l_per_unit_day": ("중앙값 신뢰구간 하한", "median CI low", "#,##0.00"),
    "ci_high_l_per_unit_day": ("중앙값 신뢰구간 상한", "median CI high", "#,##0.00"),
    "ci_coverage": ("신뢰구간 실제 수준", "CI coverage", "0.0%"),
    "day_max_l_per_unit_day": ("일최대 환산 중앙값", "day-max equivalent median", "#,##0.00"),
    "day_max_ci_low": ("일최대 환산 신뢰구간 하한", "day-max CI low", "#,##0.00"),
    "day_max_ci_high": ("일최대 환산 신뢰구간 상한", "day-max CI high", "#,##0.00"),
    "ministry_l_per_unit_day": ("환경부 고시값 (일최대)", "MOE notice (day max)", "#,##0.00"),
    "ratio_to_ministry": ("지역/고시 비", "local / notice", "0.00"),
    "per_household_median_l_per_day": ("세대당 일평균 중앙값 (L/세대·일)", "per household median [L/(hh d)]", "#,##0"),
    "status_text": ("적용", "applied", ""),
    "adopted_l_per_unit_day": ("채택 오수발생량 (일최대)", "adopted (day max)", "#,##0.00"),
    "n_listed": ("대장 건축물 (동)", "buildings listed", "#,##0"),
    "n_no_observation": ("제외: 관측 없음", "left out: no observation", "#,##0"),
    "n_screened": ("제외: 이상값 선별", "left out: screened", "#,##0"),
    "n_short_record": ("제외: 12개월 미만", "left out: under 12 months", "#,##0"),
    "n_vacant": ("제외: 공실", "left out: vacant", "#,##0"),
    "n_no_units": ("제외: 산정 단위 없음", "left out: no units", "#,##0"),
}


def _put(ws, row: int, col: int, value, *, fmt: str = "", bold=False, fill=None, wrap=False):
    """Write one cell; text stays text (never a formula), NaN stays blank."""
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"
    if fmt and isinstance(value, (int, float)):
        cell.number_format = fmt
    if bold:
        cell.font = Font(bold=True)
    if fill is not None:
        cell.fill = fill
    if wrap:
        cell.alignment = _WRAP
    return cell


def _banner(ws, t: LocalLoadTable, row: int) -> int:
    if t.synthetic:
        _put(ws, row, 1, SYNTHETIC_BANNER, fill=_BANNER_FILL).font = Font(bold=True, color="7F6000")
        return row + 1
    return row


def _status_text(r) -> str:
    if r["status"] == "local":
        return f"지역 산정 ({r['n_buildings']}동, 고시의 {r['ratio_to_ministry']:.2f}배) / local"
    return f"환경부 고시값 적용 (산정 건축물 {r['n_buildings']}동, 최소 기준 미달) / notice value"


def annex_rows(t: LocalLoadTable) -> list[dict]:
    """The 별표 rows: 번호, 용도, 단위, 오수발생량 (adopted, day-max) and 비고."""
    return [{"no": i, "use": r["use"], "unit": r["unit"], "value": float(r["adopted_l_per_unit_day"]),
             "fallback": r["status"] != "local", "note": _status_text(r)}
            for i, (_, r) in enumerate(t.rows.iterrows(), start=1)]


def _annex_sheet(ws, t: LocalLoadTable, municipality: str) -> None:
    """The table in the ordinance's shape, rules as footnotes."""
    for col, width in zip("ABCDE", (6, 44, 12, 16, 52)):
        ws.column_dimensions[col].width = width
    _put(ws, 1, 1, f"[별표] 건축물의 용도별 오수발생량 ({municipality or '○○시'} 지역 원단위안)", bold=True)
    row = _banner(ws, t, 2)
    used = t.counts["used"]
    _put(ws, row, 1, f"근거: 상수도 요금 자료, 건축물 {used:,}동. 오수발생량은 일최대 기준 (환경부 고시와 같은 기준).", wrap=False)
    row += 2
    for j, h in enumerate(("번호", "용도", "단위", "오수발생량", "비고"), start=1):
        _put(ws, row, j, h, bold=True, fill=_HEADER_FILL)
    ws.freeze_panes = f"A{row + 1}"
    for a in annex_rows(t):
        row += 1
        fill = _FALLBACK_FILL if a["fallback"] else None
        for j, v in enumerate((a["no"], a["use"], a["unit"], a["value"], a["note"]), start=1):
            _put(ws, row, j, v, fmt=("#,##0" if a["value"] >= 50 else "#,##0.00") if j == 4 else "", fill=fill)
    row += 2
    _put(ws, row, 1, "비고 (산정 기준)", bold=True)
    for ko, _ in t.statements():
        row += 1
        _put(ws, row, 2, ko)


def _basis_sheet(ws, t: LocalLoadTable) -> None:
    """Every number behind each row, Korean and English headers."""
    row = _banner(ws, t, 1)
    rows = t.rows.assign(status_text=[_status_text(r) for _, r in t.rows.iterrows()])
    for j, (col, (ko, en, _)) in enumerate(DETAIL_COLUMNS.items(), start=1):
        _put(ws, row, j, ko, bold=True, fill=_HEADER_FILL, wrap=True)
        _put(ws, row + 1, j, en, fill=_HEADER_FILL).font = Font(italic=True, color="555555", size=9)
        ws.column_dimensions[ws.cell(row=row, column=j).column_letter].width = 40 if col in ("use", "status_text") else 14
    ws.freeze_panes = ws.cell(row=row + 2, column=2)
    for i, (_, r) in enumerate(rows.iterrows(), start=row + 2):
        for j, (col, (_, _, fmt)) in enumerate(DETAIL_COLUMNS.items(), start=1):
            v = r[col]
            _put(ws, i, j, v.item() if hasattr(v, "item") else v, fmt=fmt)


def _rules_sheet(ws, t: LocalLoadTable) -> None:
    """The rules in words, then each setting with its unit and source."""
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 10
    ws.column_dimensions["D"].width = 90
    row = _banner(ws, t, 1)
    for ko, en in t.statements():
        _put(ws, row, 1, ko, wrap=True)
        _put(ws, row, 2, en, wrap=True)
        row += 1
    row += 1
    for j, h in enumerate(("설정 (setting)", "항목", "값 (value)", "출처 (source)"), start=1):
        _put(ws, row, j, h, bold=True, fill=_HEADER_FILL)
    p = t.params
    settings = [(s["name"], s["label_ko"], s["value"], s["source"]) for s in t.rules.table()]
    settings += [("return_ratio", "오수 전환율", p.return_ratio, "prepare (match_report.json) / design standard"),
                 ("day_average_to_day_max", "일평균/일최대 비", p.day_average_to_day_max,
                  "Korean design standard 0.7-0.8 (secondary), midpoint")]
    for name, label, value, src in settings:
        row += 1
        for j, v in enumerate((name, label, value if not isinstance(value, bool) else str(value), src), start=1):
            _put(ws, row, j, v, wrap=j == 4)
    row += 2
    _put(ws, row, 1, "건축물 집계 (buildings)", bold=True)
    for key in ("buildings", "used", "no_observation", "screened", "short_record", "vacant", "no_units", "meter_months"):
        row += 1
        _put(ws, row, 1, key)
        _put(ws, row, 2, t.counts[key], fmt="#,##0")
    for rule, n in t.counts["screened_by_rule"].items():
        row += 1
        _put(ws, row, 1, f"screened: {rule}")
        _put(ws, row, 2, n, fmt="#,##0")


def _changes_sheet(ws, t: LocalLoadTable, changes: dict) -> None:
    """Causer charge and unit-load design flows of the planned town, notice vs local."""
    for col, width in zip("ABCDE", (46, 18, 18, 18, 12)):
        ws.column_dimensions[col].width = width
    row = _banner(ws, t, 1)
    for j, h in enumerate(("항목 (item)", "환경부 고시 (notice)", "지역 원단위 (local)", "차이 (local - notice)",
                           "비 (ratio)"), start=1):
        _put(ws, row, j, h, bold=True, fill=_HEADER_FILL)
    items = [
        ("건축물 오수발생량 일최대 (㎥/일) / building sewage, day max [m3/d]", "sewage_day_max_m3_per_day", "#,##0"),
        ("원단위 기준 설계 일평균 (㎥/일, 침입수 포함) / unit-load design day average [m3/d]", "day_average_m3_per_day", "#,##0"),
        ("원단위 기준 설계 일최대 (㎥/일, 침입수 포함) / unit-load design day max [m3/d]", "day_max_m3_per_day", "#,##0"),
        ("원단위 기준 설계 시간최대 (㎥/일 환산) / unit-load design hour max [m3/d]", "hour_max_m3_per_day", "#,##0"),
        ("필요 처리용량 (㎥/일) / plant capacity [m3/d]", "plant_capacity_m3_per_day", "#,##0"),
        ("원인자부담금 (원) / causer charge [KRW]", "causer_charge_krw", "#,##0"),
    ]
    for label, key, fmt in items:
        row += 1
        a, b = changes["notice"][key], changes["local"][key]
        for j, v in enumerate((label, a, b, b - a, b / a if a else math.nan), start=1):
            _put(ws, row, j, v, fmt=fmt if j in (2, 3, 4) else "0.00")
    row += 2
    _put(ws, row, 1, f"원인자부담금 단가 {changes['price_krw_per_m3_per_day']:,.0f} 원/(㎥/일) x 건축물 오수발생량 (침입수 제외). "
         f"계획 건축물 {changes['buildings']:,}동: " + ", ".join(f"{k} {v}" for k, v in changes["buildings_by_status"].items()))


def write_local_loads_workbook(path, table: LocalLoadTable, changes: dict | None = None,
                               municipality: str = "") -> Path:
    """Write the city's unit-load workbook atomically (sheets in the module docstring)."""
    wb = Workbook()
    _annex_sheet(wb.active, table, municipality)
    wb.active.title = ANNEX_SHEET
    _basis_sheet(wb.create_sheet(BASIS_SHEET), table)
    _rules_sheet(wb.create_sheet(RULES_SHEET), table)
    if changes is not None:
        _changes_sheet(wb.create_sheet(CHANGES_SHEET), table, changes)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
