"""The results workbook's money sheet (재원·요금): 총사업비, 재원, 운영비, 요금 영향, each with its basis.

Written from the results bundle's finance section (``bundle.finance``: the inputs and the
producer's headline figures), so the workbook, ``results.json`` and the briefings print one set
of figures (``tests/test_demo.py`` checks them against each other). Korean, money in 억원
(capital) and 원 (per m³, per household), each row's unit beside its value and the number format
by that unit. The sheet itself is a :class:`~.sheet_style.KoreanWorkbook` table like every other
(header, unit and English rows, landscape, one page wide, repeated headers, frozen panes): the
workbook writer adds :func:`money_table` once (``write_money_sheet`` stays for callers with a
plain openpyxl workbook).
"""

from __future__ import annotations

import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from ..fileio import xlsx_value
from ..units import KRW_PER_100M
from .sheet_style import ColumnSpec

__all__ = ["SHEET_MONEY", "MONEY_COLUMNS", "money_rows", "money_table", "write_money_sheet"]

SHEET_MONEY = "재원·요금"
HEADERS = ("구분", "항목", "값", "단위", "근거")
_FILL = PatternFill("solid", fgColor="DDE7F0")
_STRUCTURE_KO = {"developer_pays_all": "사업시행자 전액 부담", "causer_and_subsidy": "원인자부담금 + 국비·도비 보조",
                 "city_funded": "시 재정사업"}
_PLANT_KO = {"expansion": "지상 증설", "new_surface": "지상 신설", "new_underground": "지하 신설", "": "시 산정 공사비"}
_EOK, _WON, _FLOW, _RATE = "#,##0.0", "#,##0", "#,##0", "0.0%"


def _eok(v):
    return None if v is None else v / KRW_PER_100M


def _cost_rows(h, section) -> list[tuple]:
    """총사업비: plant type, capacity, construction with its range, the build-up items, the total."""
    basis = f"{_PLANT_KO.get(h.plant_type, h.plant_type)} 비용곡선 ({h.price_year}년 가격, 국내 사례 19건, 한 사업은 한 번만)"
    missing = "시 입력값 (입력 필요)"
    return [
        ("총사업비", "시설 형식", _PLANT_KO.get(h.plant_type, h.plant_type), "", "프로젝트 파일 재정 항목의 시설 형식"),
        ("총사업비", "처리용량", h.capacity_m3_per_day, "m³/일", "권고 용량 = 요금자료 예측 범위의 상한 (일최대, 지하수 한 번)"),
        ("총사업비", "공사비", _eok(h.construction_krw), "억원", basis),
        ("총사업비", "공사비 범위 (하한)", _eok(h.construction_low_krw), "억원", "비슷한 사업 10건 중 9건의 범위"),
        ("총사업비", "공사비 범위 (상한)", _eok(h.construction_high_krw), "억원", "비슷한 사업 10건 중 9건의 범위"),
        ("총사업비", "설계·감리비", _eok(h.design_supervision_krw), "억원", missing if h.design_supervision_krw is None else ""),
        ("총사업비", "용지비", _eok(h.land_krw), "억원", missing if h.land_krw is None else ""),
        ("총사업비", "예비비", _eok(h.contingency_krw), "억원", missing if h.contingency_krw is None else ""),
        ("총사업비", "총사업비", _eok(h.total_krw), "억원", f"{h.price_year}년 가격; 입력되지 않은 항목 제외"),
    ]


def _funding_rows(h, section) -> list[tuple]:
    """재원: the structure and who pays what."""
    structure = h.funding_structure or "causer_and_subsidy"
    law = ("하수도법 제61조제2항, 시행령 제35조제2항제2호 (사업시행자가 공사비 전부 부담)"
           if structure == "developer_pays_all" else "원인자부담금을 먼저 적용하고 나머지를 국비·도비 입력 비율로 나눔")
    return [
        ("재원", "재원 구조", _STRUCTURE_KO.get(structure, structure), "", law),
        ("재원", "사업시행자 부담 (원인자부담금)", _eok(h.developer_krw), "억원",
         "총사업비 전액" if structure == "developer_pays_all" else
         f"원인자부담금 = 기준 유량 {section.causer_basis_m3_per_day:,.0f} m³/일 × 단가 "
         f"{h.causer_price_krw_per_m3_per_day:,.0f}원/(m³/일), 총사업비 한도"),
        ("재원", "국비", _eok(h.national_krw), "억원", "입력 비율 × 공공 부담" if h.national_krw is not None else "입력 필요"),
        ("재원", "도비", _eok(h.provincial_krw), "억원", "입력 비율 × 공공 부담" if h.provincial_krw is not None else "입력 필요"),
        ("재원", "시비 순부담", _eok(h.city_krw), "억원", "총사업비 − 사업시행자 − 국비 − 도비"),
    ]


def _om_rows(h, section) -> list[tuple]:
    """운영비: the one inflow (groundwater once), the unit cost, the annual cost."""
    inflow = h.om_inflow_m3_per_day or section.inflow_m3_per_day
    return [
        ("운영비", "처리 유입량 (일평균)", inflow, "m³/일", "요금자료 예측 일평균, 지하수 한 번 포함 (설명회 자료의 '평소 하루'와 같은 값)"),
        ("운영비", "운영비 단가", h.om_krw_per_m3, "원/m³", "2009년 전국 처리단가 116.8원/m³ × 건설공사비지수 (대용 지수)"),
        ("운영비", "연간 운영비", _eok(h.om_annual_krw), "억원/년", "단가 × 처리 유입량 × 365일"),
    ]


def _fee_rows(h, section) -> list[tuple]:
    """요금 영향: the fee base of billed water (existing + new town), the rate, the effect per m³ and per household."""
    rows = [
        ("요금 영향", "부과량 (상수도 사용량)", h.billed_sewage_m3_per_year, "m³/년",
         "요금은 상수도 사용량에 매김: 기존 시가지 + 신도시(입주 완료 후)"),
        ("요금 영향", "  기존 시가지 상수도 사용량", h.fee_base_existing_m3_per_year or None, "m³/년", "요금 부과량 (모든 계량기)"),
        ("요금 영향", "  신도시 상수도 사용량 (입주 완료 후)", h.fee_base_new_town_m3_per_year or None, "m³/년",
         "신도시 오수량 (지하수 제외) ÷ 오수 전환율"),
        ("요금 영향", "자금조달 금리", h.financing_rate, "%/년",
         "시 입력값" if section.inputs.financing_rate is not None else
         "기본값: 지역개발기금 상하수도 융자이율 2.5% (2016년); 시 금리로 바꾸십시오"),
        ("요금 영향", "시비 연간 상환액", _eok(h.city_annual_capital_krw), "억원/년", "시비 순부담 × 자본회수계수"),
        ("요금 영향", "요금 영향 (1 m³당)", h.fee_krw_per_m3, "원/m³", "(시비 연간 상환액 + 연간 운영비) ÷ 부과량"),
    ]
    rows += [("요금 영향", f"{size}인 가구 한 달", v, "원/월", "1 m³당 금액 × 가구 사용량 (서울물연구원 2021년 계량 분석)")
             for size, v in sorted(h.fee_household_krw_per_month.items())]
    return rows


def money_rows(bundle) -> list[tuple]:
    """(구분, 항목, 값, 단위, 근거) rows of the money sheet; [] without a finance section or headline."""
    f = bundle.finance
    if f is None or f.headline is None:
        return []
    h = f.headline
    return _cost_rows(h, f) + _funding_rows(h, f) + _om_rows(h, f) + _fee_rows(h, f)


MONEY_COLUMNS = {
    "group": ColumnSpec("구분", "", "part", "text", 12),
    "item": ColumnSpec("항목", "", "item", "text", 34),
    "value": ColumnSpec("값", "", "value", "auto", 16),
    "unit": ColumnSpec("단위", "", "unit", "text", 10),
    "basis": ColumnSpec("근거", "", "basis", "text", 90, wrap=True),
}


def money_table(bundle) -> tuple[pd.DataFrame, list] | None:
    """The money sheet as a table (group, item, value, unit, basis) and each row's number format; None
    without a finance section."""
    rows = money_rows(bundle)
    if not rows:
        return None
    frame = pd.DataFrame(rows, columns=list(MONEY_COLUMNS))
    formats = [_format(u) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
               for v, u in zip(frame["value"], frame["unit"])]
    return frame, formats


def _format(unit: str) -> str:
    return {"억원": _EOK, "억원/년": _EOK, "원/m³": _WON, "원/월": _WON, "m³/일": _FLOW, "m³/년": _FLOW,
            "%/년": _RATE}.get(unit, "General")


def _page_setup(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4 (ECMA-376 paper size 9)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for col, width in zip("ABCDE", (12, 34, 16, 10, 90)):
        ws.column_dimensions[col].width = width


def write_money_sheet(wb, bundle, banner: str | None = None):
    """Add the money sheet to a (write-only) workbook; nothing without a bundle or its finance section."""
    rows = money_rows(bundle) if bundle is not None else []
    if not rows:
        return None
    ws = wb.create_sheet(SHEET_MONEY)
    _page_setup(ws)
    header_row = 3 if banner else 1
    ws.freeze_panes = f"A{header_row + 1}"
    if banner:
        ws.append([_cell(ws, banner, font=Font(bold=True, color="7F6000"), fill=PatternFill("solid", fgColor="FFE699"))])
        ws.append([])
    ws.append([_cell(ws, h, font=Font(bold=True), fill=_FILL) for h in HEADERS])
    for group, item, value, unit, basis in rows:
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        cell = WriteOnlyCell(ws, value=float(value)) if number else xlsx_value(ws, value)
        if number:
            cell.number_format = _format(unit)
        ws.append([xlsx_value(ws, group), xlsx_value(ws, item), cell, xlsx_value(ws, unit),
                   _cell(ws, basis, alignment=Alignment(wrap_text=True, vertical="top"))])
    return ws


def _cell(ws, value, **style):
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # text, never a formula
    for k, v in style.items():
        setattr(cell, k, v)
    return cell
