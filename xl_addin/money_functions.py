"""Worksheet functions for the council paper's money (issue 12), registered by :mod:`.functions`.

SEWER_PROJECT_COST, SEWER_CAUSER_CHARGE, SEWER_FUNDING and SEWER_OM_COST each call one function
of the money model (:mod:`sewerplan.model.planning.money.costs` / ``funding``) on whole columns; with
SEWER_FEE_IMPACT (in :mod:`.functions`) they cover every money input of ``sewerplan report``
except the phasing comparison, which needs a scenario's need by year. Money in KRW at the price
year's prices (default the latest year of the construction cost index), flows in m3/d.
"""

from __future__ import annotations

import numpy as np

from sewerplan.model.errors import SewerplanError

from . import messages
from .cells import fill_blank, line_up, read_numbers, read_texts, to_excel

__all__ = ["MONEY_ARGS", "SEWER_PROJECT_COST", "SEWER_CAUSER_CHARGE", "SEWER_FUNDING", "SEWER_OM_COST"]

MAX_KRW = 1e16
_GE0 = {"low": 0, "outside": "range.ge0"}
_GT0 = {"low": 0, "low_open": True, "outside": "range.gt0"}
_RATE = {"low": 0, "high": 0.999, "outside": "range.discount_rate"}
_SHARE = {"low": 0, "high": 1, "outside": "range.share"}

messages.ARG_LABELS.update({
    "capacity_m3_per_day": "처리장 용량", "design_supervision_rate": "설계·감리비율", "land_cost_krw": "용지비",
    "contingency_rate": "예비비율", "price_year": "가격 기준연도", "bound": "범위 끝",
    "building_sewage_m3_per_day": "건축물 오수발생량", "unit_price_krw_per_m3_per_day": "원인자부담금 단가",
    "total_cost_krw": "총사업비", "causer_charge_krw": "원인자부담금", "national_share": "국비 보조율",
    "provincial_share": "도비 분담률", "part": "부담 주체", "inflow_m3_per_day": "처리 유입량",
    "om_krw_per_m3": "운영비 단가",
})
messages.CATALOGUE.update({
    "enter.capacity": ("처리장 용량(㎥/일)을 입력하세요.", "Enter the plant capacity in m3/d."),
    "enter.capacity_number": ("처리장 용량(㎥/일)을 숫자로 입력하세요.", "Enter the capacity in m3/d as a number."),
    "enter.rate_number": ("비율을 숫자로 입력하세요(예: 0.1 = 10%).", "Enter the share as a number (e.g. 0.1 = 10%)."),
    "enter.krw_number": ("금액(원)을 숫자로 입력하세요.", "Enter the amount in KRW as a number."),
    "enter.krw": ("금액(원)을 입력하세요.", "Enter the amount in KRW."),
    "enter.price_year_number": ("가격 기준연도를 숫자로 입력하세요(예: 2025).", "Enter the price year (e.g. 2025)."),
    "enter.flow": ("유량(㎥/일)을 입력하세요.", "Enter the flow in m3/d."),
    "enter.flow_number": ("유량(㎥/일)을 숫자로 입력하세요.", "Enter the flow in m3/d as a number."),
    "enter.om_number": ("운영비 단가(원/㎥)를 숫자로 입력하세요.", "Enter the O&M unit cost in KRW/m3 as a number."),
    "range.share": ("0 이상 1 이하여야 합니다.", "Must be in [0, 1]."),
    "range.price_year": ("건설공사비지수가 있는 2000~2025년이어야 합니다.", "Must be a year of the cost index, 2000-2025."),
    "single_cell.part": ("part(부담 주체)는 셀 하나로 지정하세요.", "part must be a single cell."),
    "single_cell.bound": ("bound(범위 끝)는 셀 하나로 지정하세요.", "bound must be a single cell."),
    "single_cell.price_year": ("price_year(가격 기준연도)는 셀 하나로 지정하세요.", "price_year must be a single cell."),
    "enter.financing_rate_number": ("금리를 숫자로 입력하세요(예: 0.025 = 2.5%).",
                                    "Enter the financing rate as a number (e.g. 0.025 = 2.5%)."),
    "choices.part": ("시비, 국비, 도비, 원인자", "city, national, provincial, causer"),
    "choices.bound": ("중앙(빈칸), 하한, 상한", "central (blank), low, high"),
    "shares_over_one": ("국비 보조율 + 도비 분담률이 1을 넘습니다({row}번째 행).",
                        "national + provincial share is above 1 (row {row})."),
})

MONEY_ARGS = {
    "SEWER_PROJECT_COST": {
        "capacity_m3_per_day": "처리장 용량 [㎥/일]. Plant capacity [m3/d].",
        "design_supervision_rate": "설계·감리비율 [-, 공사비 대비], 빈칸=미포함(기본값 없음). Design and supervision "
                                   "[- of construction], blank = left out (no default).",
        "land_cost_krw": "용지비 [원], 빈칸=미포함(기본값 없음). Land [KRW], blank = left out (no default).",
        "contingency_rate": "예비비율 [-, 공사비+설계비 대비], 빈칸=미포함(기본값 없음). Contingency [-], blank = left out.",
        "price_year": "가격 기준연도 [년], 빈칸=2025(건설공사비지수 최신). Price year [year], blank = latest (2025).",
        "bound": "빈칸=중앙, 하한/상한=비용곡선 산포 90% 구간. Blank = central; low/high = the curve's 90% spread.",
    },
    "SEWER_CAUSER_CHARGE": {
        "building_sewage_m3_per_day": "건축물 오수발생량 일최대 [㎥/일], 환경부 고시 원단위, 침입수 제외. Building sewage, "
                                      "day max [m3/d], MOE notice, without infiltration.",
        "unit_price_krw_per_m3_per_day": "시 조례 단가 [원/(㎥/일)], 빈칸=공표 단가 중앙값 1,447,000. Ordinance price "
                                         "[KRW/(m3/d)], blank = published median.",
    },
    "SEWER_FUNDING": {
        "total_cost_krw": "총사업비 [원]. Total project cost [KRW].",
        "causer_charge_krw": "원인자부담금 [원](먼저 적용, 총사업비 한도). Causer charge [KRW], applied first.",
        "national_share": "국비 보조율 [-, 공공 부담 대비], 빈칸=0(기본값 없음). National share of the public part [-].",
        "provincial_share": "도비 분담률 [-, 공공 부담 대비], 빈칸=0. Provincial share of the public part [-].",
        "part": "시비(빈칸)/국비/도비/원인자. city (blank) / national / provincial / causer.",
    },
    "SEWER_OM_COST": {
        "inflow_m3_per_day": "처리 유입량 일평균 [㎥/일](침입수 포함). Treated inflow, day average [m3/d].",
        "om_krw_per_m3": "운영비 단가 [원/㎥], 빈칸=116.8원(2009)을 기준연도 가격으로. O&M [KRW/m3], blank = 2009 "
                         "national figure at the price year.",
        "price_year": "가격 기준연도 [년], 빈칸=2025. Price year [year], blank = latest (2025).",
    },
}


def _price_year(f, value) -> int | None:
    cells = read_numbers(f, "price_year", value, "enter.price_year_number", low=2000, high=2025,
                         outside="range.price_year")
    years = cells.values[~np.isnan(cells.values)]
    if years.size > 1 or (years.size == 1 and years[0] != int(years[0])):
        raise messages.user_error(f, "single_cell.price_year" if years.size > 1 else "enter.price_year_number")
    return int(years[0]) if years.size else None


def _choice(f, arg, value, choices: dict, key: str, single: str):
    texts = read_texts(f, arg, value).values
    if texts.size != 1:
        raise messages.user_error(f, single)
    word = "" if texts.flat[0] is None else str(texts.flat[0]).strip().lower()
    if word not in choices:
        raise messages.unknown_choice(f, arg, texts.flat[0], key)
    return choices[word]


def SEWER_PROJECT_COST(capacity_m3_per_day, design_supervision_rate=None, land_cost_krw=None, contingency_rate=None,
                       price_year=None, bound=None):
    """총사업비 [원] = 공사비(비용곡선, 기준연도 가격) + 설계·감리비 + 용지비 + 예비비. Total project cost [KRW] at the price year."""
    from sewerplan.model.planning.money.prices import latest_price_year
    from sewerplan.model.planning.money.costs import cost_curve

    f = "SEWER_PROJECT_COST"
    cap = read_numbers(f, "capacity_m3_per_day", capacity_m3_per_day, "enter.capacity_number", **_GT0)
    d = read_numbers(f, "design_supervision_rate", design_supervision_rate, "enter.rate_number", **_RATE)
    land = read_numbers(f, "land_cost_krw", land_cost_krw, "enter.krw_number", limit=MAX_KRW, **_GE0)
    c = read_numbers(f, "contingency_rate", contingency_rate, "enter.rate_number", **_RATE)
    year = _price_year(f, price_year)
    end = _choice(f, "bound", bound, {"": None, "중앙": None, "central": None, "하한": 0, "low": 0, "상한": 1,
                                      "high": 1}, "choices.bound", "single_cell.bound")
    lined = line_up(f, [cap], [d, land, c], hints={"capacity_m3_per_day": "enter.capacity"})
    a, keep = lined.arrays, lined.keep
    out = np.zeros(lined.shape)
    curve = cost_curve(price_year=year or latest_price_year())
    q = a["capacity_m3_per_day"][keep]
    construction = curve.cost(q) if end is None else curve.cost_interval(q, 0.9)[end]
    design = construction * fill_blank(a["design_supervision_rate"], 0.0)[keep]
    contingency = (construction + design) * fill_blank(a["contingency_rate"], 0.0)[keep]
    out[keep] = construction + design + contingency + fill_blank(a["land_cost_krw"], 0.0)[keep]
    return to_excel(out, lined, f)


def SEWER_CAUSER_CHARGE(building_sewage_m3_per_day, unit_price_krw_per_m3_per_day=None):
    """원인자부담금 [원] = 건축물 오수발생량 일최대(침입수 제외) × 조례 단가. Causer charge [KRW] (the briefings' one basis)."""
    from sewerplan.model.planning.money.funding import causer_charge, causer_price

    f = "SEWER_CAUSER_CHARGE"
    q = read_numbers(f, "building_sewage_m3_per_day", building_sewage_m3_per_day, "enter.flow_number", **_GE0)
    p = read_numbers(f, "unit_price_krw_per_m3_per_day", unit_price_krw_per_m3_per_day, "enter.krw_number",
                     low=0, low_open=True, high=1e9, outside="range.gt0")
    lined = line_up(f, [q], [p], hints={"building_sewage_m3_per_day": "enter.flow"})
    a, keep = lined.arrays, lined.keep
    out = np.zeros(lined.shape)
    try:
        price = fill_blank(a["unit_price_krw_per_m3_per_day"], causer_price()["krw_per_m3_per_day"])[keep]
        out[keep] = causer_charge(a["building_sewage_m3_per_day"][keep], 1.0) * price
    except (SewerplanError, ValueError) as exc:
        raise messages.from_model_error(f, exc) from None
    return to_excel(out, lined, f)


def SEWER_FUNDING(total_cost_krw, causer_charge_krw, national_share=None, provincial_share=None, part=None):
    """재원 분담 [원]: 원인자부담금 먼저(한도 총사업비), 나머지를 국비·도비 비율로, 남는 금액이 시비. Funding split [KRW]."""
    f = "SEWER_FUNDING"
    total = read_numbers(f, "total_cost_krw", total_cost_krw, "enter.krw_number", limit=MAX_KRW, **_GE0)
    causer = read_numbers(f, "causer_charge_krw", causer_charge_krw, "enter.krw_number", limit=MAX_KRW, **_GE0)
    ns = read_numbers(f, "national_share", national_share, "enter.rate_number", **_SHARE)
    ps = read_numbers(f, "provincial_share", provincial_share, "enter.rate_number", **_SHARE)
    which = _choice(f, "part", part, {"": "city", "시비": "city", "city": "city", "국비": "national",
                                      "national": "national", "도비": "provincial", "provincial": "provincial",
                                      "원인자": "causer", "causer": "causer"}, "choices.part", "single_cell.part")
    lined = line_up(f, [total, causer], [ns, ps], hints={"total_cost_krw": "enter.krw", "causer_charge_krw": "enter.krw"})
    a, keep = lined.arrays, lined.keep
    n, p = fill_blank(a["national_share"], 0.0), fill_blank(a["provincial_share"], 0.0)
    over = keep & (n + p > 1 + 1e-9)
    if over.any():
        raise messages.user_error(f, "shares_over_one", row=int(np.argwhere(over)[0][0]) + 1)
    applied = np.minimum(a["causer_charge_krw"], a["total_cost_krw"])
    public = a["total_cost_krw"] - applied
    parts = {"causer": applied, "national": public * n, "provincial": public * p, "city": public * (1 - n - p)}
    return to_excel(np.where(keep, parts[which], 0.0), lined, f)


def SEWER_OM_COST(inflow_m3_per_day, om_krw_per_m3=None, price_year=None):
    """연간 운영비 [원/년] = 운영비 단가 × 처리 유입량 × 365. Annual O&M [KRW/yr] at the price year."""
    from sewerplan.model.planning.money.costs import om_unit_cost

    f = "SEWER_OM_COST"
    q = read_numbers(f, "inflow_m3_per_day", inflow_m3_per_day, "enter.flow_number", **_GE0)
    u = read_numbers(f, "om_krw_per_m3", om_krw_per_m3, "enter.om_number", high=1e5, **_GE0)
    year = _price_year(f, price_year)
    lined = line_up(f, [q], [u], hints={"inflow_m3_per_day": "enter.flow"})
    a, keep = lined.arrays, lined.keep
    unit = fill_blank(a["om_krw_per_m3"], om_unit_cost(year)["krw_per_m3"])
    return to_excel(np.where(keep, unit * a["inflow_m3_per_day"] * 365.0, 0.0), lined, f)
