"""The city's own unit loads (지역 원단위) from its water bills, beside the MOE notice.

The MOE notice on sewage by building use ("건축물의 용도별 오수발생량 및 정화조 처리대상인원
산정방법") lets a city set its values from survey or forecast data. This module turns a
training table (``sewerplan prepare``: buildings with billed sewage) into the per-use table
a council can adopt, and says what adopting it changes for a planned town.

Procedure (:func:`local_unit_loads`)
------------------------------------
1. Per building, the unit the notice counts in (:func:`building_intensities`): floor area
   [m2] for most uses, persons by the notice's own rule (persons per dwelling from rooms)
   for housing, occupants for the notice's per-person rows; the observed day-average sewage
   per unit [L/(unit d)]. Observed sewage = billed water x return ratio (``prepare``).
2. Exclusions, one reason per building, in this order (:func:`exclusion_reasons`): no
   observation; flagged by the screening rule (:mod:`..intake.screening`); fewer than 12
   months of bills (``short_record``); judged vacant; no count of the unit.
3. Per use (주용도 and MOE code): median, quartiles, a distribution-free confidence interval
   for the median (:func:`median_ci`), the day-max equivalent (median / the day-average to
   day-max ratio), the notice's value and the ratio of the two (:func:`summarise_use`).
   A use with fewer than ``min_buildings`` usable buildings falls back to the notice's value
   and is marked.

Vacancy is judged from an ``occupancy`` column [-] (share occupied, 0..1) when the table has
one (buildings below ``occupancy_threshold`` are left out); otherwise from the bills: a
building whose sewage per unit is below ``vacancy_share_of_median`` of its use's median is
judged largely vacant.

All values are sewage (water x return ratio), day-average unless named day-max, in the
notice's own units: [L/(m2 d)] and [L/(person d)].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..errors import InputFileError
from ..design.conventional import design_flows
from ..design.capacity import plant_capacity
from ..design.estimate import estimate_buildings
from ..design.parameters import DEFAULT_PARAMETERS, DesignParameters, RangedParameters, ranged
from ..design.unit_loads import lookup_use
from ..intake.screening import screen_observations

__all__ = [
    "LocalLoadRules",
    "LocalLoadTable",
    "UNIT_LABELS",
    "order_statistic_ranks",
    "median_ci",
    "building_intensities",
    "exclusion_reasons",
    "summarise_use",
    "local_unit_loads",
    "apply_local_loads",
    "what_it_changes",
    "billing_period",
    "TrainingInput",
    "read_training_table",
    "nyc_local_unit_loads",
]

#: The notice's unit per basis, as the 별표 writes it (Korean, English).
UNIT_LABELS = {
    "m2": ("L/㎡·일", "L/(m2 d)"),
    "dwelling": ("L/인·일", "L/(person d)"),
    "person": ("L/인·일", "L/(person d)"),
}


_r = ranged


@dataclass(frozen=True)
class LocalLoadRules(RangedParameters):
    """The rules a regulator will ask about, each with its unit and source."""

    min_buildings: int = _r(
        30, "buildings", 6, 100000,
        "sewerplan's choice: the usual small-sample threshold. With 30 buildings the 95% interval of the "
        "median runs from the 10th to the 21st of 30 ordered values; each row prints its own interval.",
        "용도별 최소 건축물 수")
    confidence: float = _r(
        0.95, "-", 0.5, 0.999,
        "Confidence of the distribution-free order-statistic interval for the median (binomial, "
        "Conover 1999, Practical Nonparametric Statistics, 3.2).",
        "중앙값 신뢰구간 수준")
    vacancy_share_of_median: float = _r(
        0.10, "-", 0.0, 0.9,
        "sewerplan's choice: a building using less than 10% of its use's median per unit over the whole "
        "period is taken as largely vacant (bills cannot tell vacancy from thrift; 10% keeps thrifty users).",
        "공실 판정 (용도 중앙값 대비 비율)")
    occupancy_threshold: float = _r(
        0.5, "-", 0.0, 1.0,
        "sewerplan's choice, used only when the table has an occupancy column (share occupied): a building "
        "less than half occupied does not represent its use.",
        "입주율 기준 (입주율 열이 있을 때)")
    full_year_only: bool = _r(
        True, "-", 0, 1,
        "Part-year records over- or under-state the annual mean (seasons); the same 12-month rule as "
        "sewerplan prepare's short_record.",
        "12개월 이상 자료만 사용")

    def table(self) -> list[dict]:
        """One row per rule: name, Korean label, value, unit and source."""
        return [{"name": f.name, "label_ko": f.metadata["label_ko"], "value": getattr(self, f.name),
                 "unit": f.metadata["unit"], "source": f.metadata["source"]} for f in fields(self)]


@dataclass
class LocalLoadTable:
    """The city's unit-load table and everything behind it.

    ``rows``: one row per use (columns in :func:`summarise_use`); ``buildings``: one row per
    building with its unit, intensity and ``excluded`` reason ('' when used); ``counts``:
    totals by reason; ``period``: first and last billing month and their number.
    """

    rows: pd.DataFrame
    buildings: pd.DataFrame
    rules: LocalLoadRules
    params: DesignParameters
    counts: dict
    period: dict
    synthetic: bool = False
    source: str = ""

    def statements(self) -> list[tuple[str, str]]:
        """The rules in words (Korean, English), as every output prints them."""
        return rule_statements(self)


# --------------------------------------------------------------------------------------
# Confidence interval for the median
# --------------------------------------------------------------------------------------


def order_statistic_ranks(n: int, level: float = 0.95):
    """Ranks (j, k) of the distribution-free confidence interval for a median, and its coverage.

    The interval [X_(j), X_(k)] of the ordered sample, k = n + 1 - j, covers the population
    median with probability 1 - 2 P(B <= j - 1), B ~ Binomial(n, 1/2), whatever the
    distribution (continuous). j is the largest rank with that coverage >= ``level``.

    Returns
    -------
    (j, k, coverage) with 1-based ranks, or None when n is too small for ``level``
    (n <= 5 at 95%).
    """
    if n < 1:
        return None
    alpha_half = (1.0 - level) / 2.0
    # P(B <= k) summed upward; mass below n/2 - 4 sqrt(n) (< 1e-15 of it) is skipped for large n
    k = max(0, int(n / 2 - 4 * math.sqrt(n)))
    log_norm = math.lgamma(n + 1) + n * math.log(0.5)
    cdf = 0.0
    while True:
        pmf = math.exp(log_norm - math.lgamma(k + 1) - math.lgamma(n - k + 1))
        if cdf + pmf > alpha_half * (1 + 1e-12):
            break
        cdf += pmf
        k += 1
    j = k  # P(B <= j - 1) = cdf <= alpha/2 < P(B <= j)
    if j < 1:
        return None
    coverage = 1.0 - 2.0 * cdf
    return j, n + 1 - j, coverage


def median_ci(values, level: float = 0.95) -> tuple[float, float, float]:
    """Distribution-free confidence interval for the median: (low, high, coverage).

    NaN (and coverage NaN) when there are too few values for ``level``
    (:func:`order_statistic_ranks`).
    """
    x = np.sort(np.asarray(values, dtype=float))
    x = x[np.isfinite(x)]
    ranks = order_statistic_ranks(len(x), level)
    if ranks is None:
        return math.nan, math.nan, math.nan
    j, k, coverage = ranks
    return float(x[j - 1]), float(x[k - 1]), coverage


# --------------------------------------------------------------------------------------
# 1. Per building: unit and intensity
# --------------------------------------------------------------------------------------


def _num(df: pd.DataFrame, col: str, default=np.nan) -> pd.Series:
    if col in df.columns:
        return pd.to_numeric(df[col], errors="coerce")
    return pd.Series(default, index=df.index, dtype=float)


def _use_label(main_use: str, code: str) -> str:
    row = lookup_use(code)
    if row.basis == "dwelling":  # housing: one row per main use, per person by the notice's rule
        return main_use
    return f"{main_use} ({row.name}, {code})"


def building_intensities(table: pd.DataFrame, params: DesignParameters = DEFAULT_PARAMETERS,
                         label_column: str | None = None) -> pd.DataFrame:
    """Each building's unit, count of units and observed sewage per unit.

    Parameters
    ----------
    table : DataFrame
        Canonical building table with ``observed_m3_per_day`` [m3/d] (day-average sewage).
    label_column : str, optional
        Column naming the row a building belongs to (default: main use and MOE code).

    Returns
    -------
    DataFrame, index of ``table``: ``use`` (row label), ``main_use``, ``moe_code``, ``basis``,
    ``units`` (m2, persons or occupants), ``observed_m3_per_day``,
    ``intensity_l_per_unit_day`` [L/(unit d)], ``ministry_l_per_unit_day`` (the notice, day-max),
    ``per_household_l_per_day`` (housing) and ``meter_months``.
    """
    est = estimate_buildings(table, params=params)
    code = est["moe_code_used"]
    basis = est["unit_load_basis"]
    area = _num(est, "floor_area_m2")
    units = pd.Series(np.where(basis == "m2", area, np.nan), index=est.index)
    units = units.where(basis != "dwelling", _num(est, "persons_estimated"))
    units = units.where(basis != "person", _num(est, "occupants"))
    units = units.where(units > 0)
    # the notice's value per unit: the building's notice flow over its units (rural housing at 170 L)
    ministry = est["unit_load_m3_per_day"] * 1000.0 / units
    ministry = ministry.fillna(code.map(lambda c: lookup_use(c).litres_per_unit_day))
    ministry = ministry.fillna(params.housing_l_per_person_day)
    observed = _num(est, "observed_m3_per_day")
    households = _num(est, "households", 0.0)
    if label_column:
        labels = est[label_column].astype(str)
    else:
        pairs = pd.unique(pd.Series(list(zip(est["main_use"].astype(str), code)), index=est.index))
        names = {p: _use_label(*p) for p in pairs}
        labels = pd.Series([names[p] for p in zip(est["main_use"].astype(str), code)], index=est.index)
    return pd.DataFrame({
        "building_id": est["building_id"].astype(str),
        "use": labels,
        "main_use": est["main_use"].astype(str),
        "moe_code": code,
        "basis": basis,
        "units": units,
        "observed_m3_per_day": observed,
        "intensity_l_per_unit_day": observed * 1000.0 / units,
        "ministry_l_per_unit_day": ministry,
        "per_household_l_per_day": np.where(basis == "dwelling", observed * 1000.0 / households.where(households > 0),
                                            np.nan),
        "meter_months": _num(est, "n_meters") * _num(est, "billing_months"),
    }, index=est.index)


# --------------------------------------------------------------------------------------
# 2. Exclusions
# --------------------------------------------------------------------------------------


def _occupancy(table: pd.DataFrame, source: str) -> pd.Series | None:
    """The table's ``occupancy`` column [-] checked to lie in [0, 1] (None when absent)."""
    if "occupancy" not in table.columns:
        return None
    occ = pd.to_numeric(table["occupancy"], errors="coerce")
    bad = occ.notna() & ~occ.between(0, 1)
    if bad.any():
        i = bad.idxmax()
        row = int(table["source_row"].get(i, i + 2)) if "source_row" in table.columns else int(table.index.get_loc(i)) + 2
        raise InputFileError(f"{source}, row {row}, column 'occupancy': {table.at[i, 'occupancy']!r} is not a share "
                             "between 0 and 1 / 입주율은 0~1 사이 비율이어야 합니다")
    return occ


def exclusion_reasons(b: pd.DataFrame, table: pd.DataFrame, rules: LocalLoadRules, source: str = "table") -> pd.Series:
    """Why each building is left out ('' = used), first reason that applies.

    ``no_observation`` / ``screened: <screening reason>`` / ``short_record`` /
    ``vacant: ...`` / ``no_units`` (no floor area, persons or occupants to divide by).
    """
    reasons = pd.Series("", index=b.index, dtype=object)

    def mark(mask, text):
        mask = pd.Series(mask, index=b.index).fillna(False).astype(bool) & (reasons == "")
        reasons[mask] = text[mask] if isinstance(text, pd.Series) else text

    mark(b["observed_m3_per_day"].isna(), "no_observation")
    screen = screen_observations(table)
    mark(screen["screen_flag"], "screened: " + screen["screen_reason"].astype(str))
    if rules.full_year_only and "short_record" in table.columns:
        short = table["short_record"].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
        mark(short, "short_record: fewer than 12 months of bills / 12개월 미만")
    mark(b["units"].isna(), "no_units: no floor area, persons or occupants / 산정 단위 없음")
    occ = _occupancy(table, source)
    if occ is not None:
        mark(occ < rules.occupancy_threshold,
             "vacant: occupancy " + occ.map(lambda v: f"{v:.2f}") + f" < {rules.occupancy_threshold:g} / 입주율 미달")
    else:
        median = b["intensity_l_per_unit_day"].where(reasons == "").groupby(b["use"]).transform("median")
        share = b["intensity_l_per_unit_day"] / median
        mark(share < rules.vacancy_share_of_median,
             "vacant: " + share.map(lambda v: f"{v:.2f}") + f" x use median < {rules.vacancy_share_of_median:g} / 공실 추정")
    return reasons


# --------------------------------------------------------------------------------------
# 3. Per use
# --------------------------------------------------------------------------------------


def summarise_use(group: pd.DataFrame, rules: LocalLoadRules, params: DesignParameters) -> dict:
    """One row of the table from one use's buildings (used and excluded).

    Values [L/(unit d)] are day-average sewage unless named ``day_max``; ``day_max`` =
    day-average / ``params.day_average_to_day_max``. ``ratio`` = local day-max / notice.
    """
    used = group[group["excluded"] == ""]
    x = used["intensity_l_per_unit_day"].to_numpy(dtype=float)
    n = len(x)
    r = params.day_average_to_day_max
    median = float(np.median(x)) if n else math.nan
    q1, q3 = (float(v) for v in np.percentile(x, [25, 75])) if n else (math.nan, math.nan)
    low, high, coverage = median_ci(x, rules.confidence)
    ministry = float(group["ministry_l_per_unit_day"].median())
    local = n >= rules.min_buildings
    reason = group["excluded"].str.split(":").str[0]
    return {
        "use": group["use"].iloc[0], "main_use": group["main_use"].iloc[0], "moe_code": group["moe_code"].iloc[0],
        "basis": group["basis"].iloc[0], "unit": UNIT_LABELS[group["basis"].iloc[0]][0],
        "n_buildings": n, "n_listed": int(len(group)),
        "n_no_observation": int((reason == "no_observation").sum()), "n_screened": int((reason == "screened").sum()),
        "n_short_record": int((reason == "short_record").sum()), "n_vacant": int((reason == "vacant").sum()),
        "n_no_units": int((reason == "no_units").sum()),
        "meter_months": float(used["meter_months"].sum(min_count=1)),
        "median_l_per_unit_day": median, "q1_l_per_unit_day": q1, "q3_l_per_unit_day": q3,
        "ci_low_l_per_unit_day": low, "ci_high_l_per_unit_day": high, "ci_coverage": coverage,
        "day_max_l_per_unit_day": median / r, "day_max_ci_low": low / r, "day_max_ci_high": high / r,
        "per_household_median_l_per_day": _median(used["per_household_l_per_day"]),
        "ministry_l_per_unit_day": ministry,
        "ratio_to_ministry": (median / r) / ministry if ministry > 0 else math.nan,
        "status": "local" if local else "fallback",
        "adopted_l_per_unit_day": median / r if local else ministry,
    }


def _median(s: pd.Series) -> float:
    s = s.dropna()
    return float(s.median()) if len(s) else math.nan


def billing_period(months) -> dict:
    """First and last billing month (YYYYMM) and the number of months, from a list."""
    months = sorted(str(m) for m in months or [])
    if not months:
        return {"first": "", "last": "", "months": 0}
    return {"first": months[0], "last": months[-1], "months": len(months)}


@dataclass
class TrainingInput:
    """A training table read back with what its match report says (period, synthetic, return ratio)."""

    table: pd.DataFrame
    period: dict
    synthetic: bool
    return_ratio: float | None
    source: str


_PASSED_COLUMNS = ("n_meters", "billing_months", "short_record", "occupancy")


def read_training_table(path, report_path=None) -> TrainingInput:
    """Read ``training_table.csv`` (validated like any building table) and its ``match_report.json``.

    The match report beside the table (or ``report_path``) gives the billing period, the
    return ratio the observed sewage was made with and whether the data are synthetic; without
    it the period is printed as not stated.
    """
    import json
    from pathlib import Path

    from ..intake.inventory import load_buildings, read_input

    valid, _ = load_buildings(path)
    raw, source = read_input(path)
    rows = valid["source_row"].astype(int).to_numpy() - 2
    for col in _PASSED_COLUMNS:
        if col in raw.columns and col not in valid.columns:
            valid[col] = raw[col].iloc[rows].to_numpy()
    report_path = Path(report_path) if report_path else Path(path).with_name("match_report.json")
    report = {}
    if report_path.is_file():
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputFileError(f"{report_path}: not a valid JSON match report ({exc}) / 연계 보고서를 읽을 수 "
                                 "없습니다") from None
    months = (report.get("billing") or {}).get("months") or []
    ratio = report.get("return_ratio")
    return TrainingInput(valid, billing_period(months), bool(report.get("synthetic", False)),
                         float(ratio) if isinstance(ratio, (int, float)) else None, source)


def local_unit_loads(table: pd.DataFrame, rules: LocalLoadRules | None = None,
                     params: DesignParameters = DEFAULT_PARAMETERS, *, period: dict | None = None,
                     synthetic: bool = False, source: str = "training table",
                     label_column: str | None = None) -> LocalLoadTable:
    """The city's unit-load table from a training table (the procedure in the module docstring).

    Parameters
    ----------
    table : DataFrame
        Canonical building table with ``observed_m3_per_day`` [m3/d]; ``n_meters``,
        ``billing_months``, ``short_record`` and ``occupancy`` [-] are used when present.
    rules : LocalLoadRules
    params : DesignParameters
        ``day_average_to_day_max`` [-] gives the day-max equivalent; the notice's housing unit.
    period : dict, optional
        Billing period (:func:`billing_period`); printed with the table.
    label_column : str, optional
        Group by this column instead of main use and MOE code (e.g. NYC property types).
    """
    rules = rules or LocalLoadRules()
    if "observed_m3_per_day" not in table.columns:
        raise InputFileError(f"{source}: no column 'observed_m3_per_day'; give the training table that "
                             "`sewerplan prepare` writes / 관측 오수량 열이 없습니다 (prepare 결과 학습 자료 필요)")
    b = building_intensities(table, params, label_column)
    b["excluded"] = exclusion_reasons(b, table, rules, source)
    rows = pd.DataFrame([summarise_use(g, rules, params) for _, g in b.groupby("use", sort=False)])
    rows = rows.sort_values(["basis", "n_buildings"], ascending=[True, False], key=_basis_order).reset_index(drop=True)
    reason = b["excluded"].str.split(":").str[0]
    counts = {"buildings": int(len(b)), "used": int((reason == "").sum())}
    for key in ("no_observation", "screened", "short_record", "vacant", "no_units"):
        counts[key] = int((reason == key).sum())
    screened = b["excluded"][reason == "screened"].str.removeprefix("screened: ").str.split(":").str[0]
    counts["screened_by_rule"] = {str(k): int(v) for k, v in screened.value_counts().items()}
    counts["meter_months"] = float(b.loc[reason == "", "meter_months"].sum(min_count=1))
    counts["vacancy_judged_by"] = "occupancy" if "occupancy" in table.columns else "bills"
    return LocalLoadTable(rows, b, rules, params, counts, period or billing_period([]), synthetic, source)


def _basis_order(s: pd.Series) -> pd.Series:
    if s.name == "basis":
        return s.map({"dwelling": 0, "person": 1, "m2": 2}).fillna(3)
    return s


# --------------------------------------------------------------------------------------
# The rules in words
# --------------------------------------------------------------------------------------


def _period_text(period: dict) -> tuple[str, str]:
    if not period.get("months"):
        return "요금 부과 기간: 확인되지 않음 (연계 보고서 없음)", "Billing period: not stated (no match report)"
    f, last, m = period["first"], period["last"], period["months"]
    span = f"{f[:4]}-{f[4:]} ~ {last[:4]}-{last[4:]}"
    return f"요금 부과 기간: {span} ({m}개월)", f"Billing period: {span} ({m} months)"


def rule_statements(t: LocalLoadTable) -> list[tuple[str, str]]:
    """What a regulator asks, answered in one sentence each (Korean, English)."""
    r, p, c = t.rules, t.params, t.counts
    vac_ko, vac_en = (
        (f"공실: 입주율 {r.occupancy_threshold:g} 미만 건축물 제외 (입주율 열로 판정), {c['vacant']}동",
         f"Vacancy: buildings with occupancy below {r.occupancy_threshold:g} left out (occupancy column), "
         f"{c['vacant']} buildings")
        if c["vacancy_judged_by"] == "occupancy" else
        (f"공실: 단위당 오수량이 같은 용도 중앙값의 {r.vacancy_share_of_median:.0%} 미만인 건축물은 공실로 보고 제외 "
         f"(요금 자료로 판정), {c['vacant']}동",
         f"Vacancy: buildings using less than {r.vacancy_share_of_median:.0%} of their use's median per unit are "
         f"judged largely vacant and left out (judged from the bills), {c['vacant']} buildings"))
    rules_used = ", ".join(f"{k} {v}" for k, v in c["screened_by_rule"].items()) or "-"
    return [
        _period_text(t.period),
        (f"오수량 = 상수도 사용량 x 오수전환율 {p.return_ratio:g} (일평균); 일최대 환산 = 일평균 / {p.day_average_to_day_max:g}",
         f"Values are sewage = billed water x return ratio {p.return_ratio:g} (day-average); "
         f"day-max equivalent = day-average / {p.day_average_to_day_max:g}"),
        (f"용도별 최소 {r.min_buildings}동: 미만이면 환경부 고시값을 그대로 쓰고 '고시값'으로 표시",
         f"At least {r.min_buildings} buildings per use; below that the row keeps the Ministry's value, "
         "marked 'notice'"),
        (f"이상값 선별: 학습 자료와 같은 규칙 (원단위 0.05~300 L/㎡·일, 세대당 3 ㎥/일, 동일 용도 robust z 3.5), "
         f"{c['screened']}동 제외 ({rules_used})",
         f"Screening: the training rule (0.05-300 L/(m2 d), 3 m3/d per household, robust z 3.5 within the use), "
         f"{c['screened']} buildings left out ({rules_used})"),
        (f"12개월 미만 자료 {c['short_record']}동 제외" if r.full_year_only else "12개월 미만 자료도 사용",
         f"{c['short_record']} buildings with under 12 months of bills left out" if r.full_year_only
         else "Part-year records used"),
        (vac_ko, vac_en),
        (f"신뢰구간: 중앙값의 {r.confidence:.0%} 순서통계량 구간 (분포 가정 없음, 이항분포)",
         f"Interval: distribution-free {r.confidence:.0%} order-statistic interval for the median (binomial)"),
        (f"주거: 고시의 인원 산정식(방 수에서 세대당 인원)으로 나눈 1인당 값, 고시 {p.housing_l_per_person_day:g} L/인·일과 비교",
         f"Housing: per person counted by the notice's own rule (persons per dwelling from rooms), beside its "
         f"{p.housing_l_per_person_day:g} L/(person d)"),
    ]


# --------------------------------------------------------------------------------------
# What the city's own table changes for a planned town
# --------------------------------------------------------------------------------------


def apply_local_loads(planned: pd.DataFrame, local: LocalLoadTable,
                      params: DesignParameters = DEFAULT_PARAMETERS) -> pd.DataFrame:
    """Per planned building: the notice's day-max sewage and the one by the city's table [m3/d].

    A building whose use has a local row takes the row's adopted value per unit; the others
    keep the notice's. Returns the building table with ``notice_m3_per_day``,
    ``local_m3_per_day``, ``local_row`` (the row used, '' if none) and ``local_status``.
    """
    b = building_intensities(planned.drop(columns=["observed_m3_per_day"], errors="ignore"), params)
    adopted = local.rows.set_index("use")["adopted_l_per_unit_day"]
    status = local.rows.set_index("use")["status"]
    est = estimate_buildings(planned, params=params)
    notice = est["unit_load_m3_per_day"].astype(float)
    has_row = b["use"].isin(adopted.index)
    local_flow = (b["units"] * b["use"].map(adopted) / 1000.0).where(has_row & b["units"].notna(), notice)
    return pd.DataFrame({
        "building_id": b["building_id"], "district": est.get("district", ""), "use": b["use"],
        "basis": b["basis"], "units": b["units"], "notice_m3_per_day": notice, "local_m3_per_day": local_flow,
        "local_row": b["use"].where(has_row, ""), "local_status": b["use"].map(status).fillna("no_row"),
    }, index=b.index)


def what_it_changes(planned: pd.DataFrame, local: LocalLoadTable, params: DesignParameters = DEFAULT_PARAMETERS,
                    causer_price_krw_per_m3_per_day: float | None = None) -> dict:
    """Causer charge and unit-load design flows of a planned town, notice vs the city's table.

    Returns
    -------
    dict with, for ``notice`` and ``local``: ``sewage_day_max_m3_per_day`` (buildings, no
    infiltration: the causer charge's basis), ``day_average``/``day_max``/``hour_max_m3_per_day``
    (the unit-load design flows, building sewage plus infiltration once, :func:`design_flows`;
    not the master-plan method of :mod:`..design.baselines`), ``plant_capacity_m3_per_day`` (= the
    design day-max), ``causer_charge_krw`` (:func:`.funding.causer_charge`, the one causer charge);
    plus ``price_krw_per_m3_per_day``, ``buildings`` and ``buildings_by_status``.
    """
    from .money.funding import causer_charge, causer_price

    per = apply_local_loads(planned, local, params)
    price = causer_price(causer_price_krw_per_m3_per_day)["krw_per_m3_per_day"]
    out = {"price_krw_per_m3_per_day": float(price), "buildings": int(len(per)),
           "buildings_by_status": {str(k): int(v) for k, v in per["local_status"].value_counts().items()}}
    for key, col in (("notice", "notice_m3_per_day"), ("local", "local_m3_per_day")):
        q = float(per[col].sum())
        flows = design_flows(q, params=params, basis="day_max")
        out[key] = {
            "sewage_day_max_m3_per_day": q,
            **{f"{k}_m3_per_day": float(flows[k]) for k in ("day_average", "day_max", "hour_max")},
            "plant_capacity_m3_per_day": float(plant_capacity(float(flows["day_max"]))),
            "causer_charge_krw": float(causer_charge(q, price)),
        }
    return out


# --------------------------------------------------------------------------------------
# Real-data check: NYC Local Law 84 (2016)
# --------------------------------------------------------------------------------------


def nyc_local_unit_loads(nyc: pd.DataFrame, rules: LocalLoadRules | None = None,
                         params: DesignParameters = DEFAULT_PARAMETERS) -> LocalLoadTable:
    """Per-property-type unit loads of the NYC LL84 2016 file, beside the notice's nearest uses.

    The NYC table maps to the canonical table with :func:`..ml.nyc_ll84.nyc_to_canonical`
    (property type -> Building Act main use -> the notice's default row; observed sewage =
    water x return ratio). Rows are NYC property types; vacancy is judged from the file's
    ``occupancy_pct`` (occupancy column); there is one year of bills, so no part-year rule.
    """
    from ..ml.nyc_ll84 import nyc_to_canonical

    table = nyc_to_canonical(nyc, params=params, source="NYC LL84 2016")
    if "occupancy_pct" in nyc.columns:
        table["occupancy"] = (pd.to_numeric(nyc["occupancy_pct"], errors="coerce") / 100.0).clip(0, 1).to_numpy()
    return local_unit_loads(table, rules, params, period={"first": "201601", "last": "201612", "months": 12},
                            source="NYC LL84 2016 (data/public/nyc_ll84_2016_train.csv)", label_column="property_type")
