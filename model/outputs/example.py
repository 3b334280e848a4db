"""A small, realistic, clearly synthetic results bundle for tests and previews (:func:`example_bundle`).

As in the 2023 pilot, the pilot formula comes out below the need, the master-plan method inside
the ML interval and the MOE unit loads above it, so all three directions occur. Labelled
``synthetic=True`` everywhere.
"""

from __future__ import annotations

import base64

from .briefing_section import BriefingSection, ScheduleStep
from .bundle import ResultsBundle
from .bundle_parts import (Attachment, Baseline, BaselineTerm, CapacityRecommendation, DistrictComparison,
                           DistrictForecast, Flows, Metadata, ModelCard, ParameterUsed)
from .decision_section import decision_for
from .finance_section import finance_section
from .scenario_section import ScenarioSection, example_scenario_section

__all__ = ["example_bundle", "example_briefing_section", "EXAMPLE_MONEY_INPUTS"]


def _flows(day_average: float, day_average_to_day_max: float = 0.75, hourly_max_factor: float = 1.5,
           infiltration: float = 0.10) -> Flows:
    """Flows of a day-average sewage [m3/d]: day-max = day-average / r, infiltration added once."""
    day_max = day_average / day_average_to_day_max
    inf = infiltration * day_max
    return Flows(round(day_average + inf, 1), round(day_max + inf, 1), round(day_max * hourly_max_factor + inf, 1))


def _flows_from_day_max(day_max: float, day_average_to_day_max: float = 0.75, hourly_max_factor: float = 1.5,
                        infiltration: float = 0.10) -> Flows:
    inf = infiltration * day_max
    return Flows(round(day_max * day_average_to_day_max + inf, 1), round(day_max + inf, 1),
                 round(day_max * hourly_max_factor + inf, 1))


_PERSONS_PER_HOUSEHOLD = 2.6
# Planned-town districts of the example: households, master-plan day-max, MOE unit-load day-max
# [m3/d] (both before infiltration), ML day-average [m3/d], relative interval half-width [-].
# The pilot formula is households x 2.6 x 300 L x 1.1. B has officetels (no 세대수 in the register).
_EXAMPLE_PLANNED = [
    (5200, 4654.0, 4300.0, 2180.0, 0.22),
    (4100, 3670.0, 3400.0, 1690.0, 0.24),
    (600, 537.0, 4800.0, 2260.0, 0.35),
    (0, 750.0, 2100.0, 1870.0, 0.45),
]
_EXAMPLE_BUILDINGS = [310, 265, 140, 58]
# Existing-town districts: name, buildings, observed, pilot formula, master plan, unit load, ML
# [m3/d] day-average: the pilot formula short in the mixed districts and over in the low-density one.
_EXAMPLE_EXISTING = [
    ("1동", 820, 2410.0, 1980.0, 2050.0, 3150.0, 2480.0),
    ("2동", 640, 1980.0, 1610.0, 1690.0, 2560.0, 1890.0),
    ("3동 상업지역", 410, 2130.0, 410.0, 520.0, 3540.0, 2010.0),
    ("4동 산업단지", 95, 1940.0, 0.0, 560.0, 2120.0, 2010.0),
    ("5동 단독주택지", 300, 520.0, 690.0, 720.0, 610.0, 540.0),
]
_EXAMPLE_INTERVAL = (0.86, 1.15)  # town-total ML interval as multiples of the P50


def _pilot_day_max(households: float) -> float:
    return households * _PERSONS_PER_HOUSEHOLD * 0.300 * 1.1


def _example_forecast(name, n, hh, mp, ul, ml, lo, hi) -> DistrictForecast:
    return DistrictForecast(
        district=name, n_buildings=n, households=float(hh), population=float(hh * _PERSONS_PER_HOUSEHOLD),
        pilot_formula=_flows_from_day_max(_pilot_day_max(hh), infiltration=0.0),
        master_plan=_flows_from_day_max(mp), unit_load=_flows_from_day_max(ul), ml=_flows(ml),
        ml_lower=_flows(ml * lo), ml_upper=_flows(ml * hi))


def _example_planned(names: list[str]) -> tuple[list, DistrictForecast]:
    """The four planned districts and their total (town interval narrower than the districts')."""
    spec = _EXAMPLE_PLANNED
    planned = [_example_forecast(name, n, hh, mp, ul, ml, 1 - hw, 1 + hw)
               for name, n, (hh, mp, ul, ml, hw) in zip(names, _EXAMPLE_BUILDINGS, spec)]
    total = _example_forecast("합계", sum(_EXAMPLE_BUILDINGS), *(sum(s[i] for s in spec) for i in range(4)),
                              *_EXAMPLE_INTERVAL)
    return planned, total


def _example_capacity(total: DistrictForecast) -> CapacityRecommendation:
    """Capacity [m3/d] = design day-max incl. infiltration once, rounded to 10."""
    return CapacityRecommendation(
        pilot_formula_m3_per_day=round(total.pilot_formula.day_max_m3_per_day, -1),
        master_plan_m3_per_day=round(total.master_plan.day_max_m3_per_day, -1),
        unit_load_m3_per_day=round(total.unit_load.day_max_m3_per_day, -1),
        p50_m3_per_day=round(total.ml.day_max_m3_per_day, -1),
        lower_m3_per_day=round(total.ml_lower.day_max_m3_per_day, -1),
        upper_m3_per_day=round(total.ml_upper.day_max_m3_per_day, -1),
        recommended_m3_per_day=round(total.ml_upper.day_max_m3_per_day, -1),
        interval_level=round(7 / 9, 4), n_calibration_districts=8,
        plant_m3_per_day=8500.0, plant_origin="예시 입력: 기존 방식(인구 기준)으로 계획한 처리장 / example input: "
                                              "the plant planned by the pilot formula",
    )


def _example_baselines(total: DistrictForecast, cap: CapacityRecommendation) -> list[Baseline]:
    """The breakdown of each method's town total [m3/d] (synthetic example)."""
    hh = total.households
    mp_domestic = sum(s[1] for s in _EXAMPLE_PLANNED[:3])
    t = BaselineTerm
    return [
        Baseline("pilot_formula", "기존 방식 (인구 기준)", "pilot formula", cap.pilot_formula_m3_per_day, [
            t("households", "세대수", "households", hh, "households"),
            t("persons_per_household", "세대당 인구", "persons per household", _PERSONS_PER_HOUSEHOLD, "persons/household"),
            t("per_capita", "1인1일 원단위", "per-capita unit", 300.0, "L/(person d)"),
            t("factor", "계수 (침입수 포함)", "factor (its only infiltration allowance)", 1.1, "-")]),
        Baseline("master_plan", "하수도정비기본계획 방식", "master-plan method", cap.master_plan_m3_per_day, [
            t("domestic", "생활오수", "domestic sewage", mp_domestic, "m3/d"),
            t("factory", "공장폐수", "factory wastewater", _EXAMPLE_PLANNED[3][1], "m3/d"),
            t("infiltration", "지하수 (1회)", "groundwater infiltration (once)",
              round(cap.master_plan_m3_per_day - mp_domestic - _EXAMPLE_PLANNED[3][1], 1), "m3/d")]),
        Baseline("unit_load", "환경부 고시 원단위", "MOE notice unit loads", cap.unit_load_m3_per_day, [
            t("unit_loads", "건축물 용도별 오수발생량", "sewage by building use", sum(s[2] for s in _EXAMPLE_PLANNED), "m3/d")]),
        Baseline("ml", "실측 기반 예측 (ML)", "ML from water bills", cap.p50_m3_per_day, [
            t("day_average", "일평균 (요금 자료)", "day average (bills)", sum(s[3] for s in _EXAMPLE_PLANNED), "m3/d"),
            t("day_average_to_day_max", "일평균/일최대 비", "day-average / day-max", 0.75, "-")]),
    ]


def _example_existing() -> tuple[list, DistrictComparison]:
    """The existing-town districts of the comparison and their total."""
    rows = _EXAMPLE_EXISTING
    existing = [DistrictComparison(*r) for r in rows]
    total = DistrictComparison("합계", sum(r[1] for r in rows), *(round(sum(r[i] for r in rows), 1) for i in range(2, 7)))
    return existing, total


def _example_model_card() -> ModelCard:
    return ModelCard(
        model_id="sewerplan-ml-synthetic-0001",
        trained_on="Synthetic existing town (1,965 buildings, 2021-2023 water bills x 0.85), bundled sample",
        trained_on_ko="합성 기존 도시 (2021-2023 상수도 요금 자료 × 0.85), 번들 표본",
        n_training_buildings=1965,
        metrics={"mae_m3_per_day": 1.9, "r2": 0.81, "interval_coverage": 0.88, "town_total_error_pct": 4.2},
        limits=[
            "Trained on one existing town; a planned town with a very different building mix is outside its experience.",
            "Predicts day-average flow; peaks use the design-standard ratios.",
            "Synthetic sample data: the numbers illustrate the method, they are not a forecast for a real town.",
        ],
        limits_ko=[
            "한 기존 도시 자료로 학습하였으므로 건축물 구성이 크게 다른 신도시에는 맞지 않을 수 있습니다.",
            "일평균 유량을 예측하며, 최대값은 설계기준 비율로 환산합니다.",
            "합성 표본 자료로, 실제 도시의 예측이 아닌 방법 설명용 수치입니다.",
        ],
        interval_level=0.9,
    )


def _example_metadata(created: str) -> Metadata:
    params = [
        ParameterUsed("persons_per_household", 2.6, "persons/household",
                      "Pilot formula planning constant (Statistics Korea 2023 pilot worked example)", "세대당 인구",
                      "시범사업(통계청 2023) 계산 예시의 계획 상수"),
        ParameterUsed("per_capita_l_per_day", 300.0, "L/(person d)",
                      "Worked example; national water supply per person ~302-306 L (MOE)", "1인1일 오수량 원단위",
                      "시범사업 계산 예시; 전국 1인당 급수량 약 302–306 L (환경부)"),
        ParameterUsed("day_average_to_day_max", 0.75, "-", "Korean design standard 0.7-0.8 (midpoint)", "일평균/일최대 비",
                      "하수도 시설기준 0.7–0.8의 가운데 값"),
        ParameterUsed("hourly_max_factor", 1.5, "-", "Korean design standard 1.3-1.8", "시간최대 계수",
                      "하수도 시설기준 1.3–1.8"),
        ParameterUsed("plant_utilisation", 0.8, "-", "Utilisation at which expansion is reviewed (80%), not a divisor",
                      "처리장 가동률 증설 검토 기준", "증설을 검토하는 가동률 (80%), 나누는 값이 아님"),
    ]
    return Metadata(
        town_name="가상 신도시", town_name_en="Sample New Town",
        existing_town_name="가상 기존시가지", existing_town_name_en="Sample Existing Town",
        municipality="가상시", created=created, synthetic=True,
        data_source="합성 표본 자료 (프로그램에 들어 있는 예시)",
        data_source_en="synthetic sample data bundled with sewerplan",
        model_card=_example_model_card(), parameters=params, sewerplan_version="0.1.0",
    )


def example_briefing_section() -> BriefingSection:
    """The city's texts of the synthetic example (site, process, receiving water, schedule, opinions)."""
    return BriefingSection(
        site="가상 신도시 남쪽 하천변 공공시설 용지 (합성 예시)", process="생물학적 고도처리 (질소·인 제거)",
        receiving_water="가상천", site_plan="처리시설을 지하에 짓고 지상에는 공원을 만듭니다.",
        site_plan_from_savings=True,
        schedule=[ScheduleStep("master_plan_change", 2025, 2025), ScheduleStep("investment_review", 2026, 2026),
                  ScheduleStep("design", 2026, 2027), ScheduleStep("construction", 2028, 2030),
                  ScheduleStep("operation", 2031, 2031)],
        opinion_deadline="2025-02-14", opinion_to="가상시청 하수도과 (우편·방문·전자우편)",
    )


def _example_households_by_size(households: float) -> dict:
    """Households by size 1..5+ at census-trend shares for 2031 (synthetic example)."""
    shares = {"1": 0.395, "2": 0.296, "3": 0.172, "4": 0.111, "5+": 0.026}
    return {k: float(round(households * v)) for k, v in shares.items()}


def _example_attachments(names: list[str]) -> list[Attachment]:
    """An excerpt of a synthetic planned-town building table as an embedded attachment (for tests: a
    published paper refuses embedded content, see :mod:`.public_bundle`)."""
    sample_csv = "building_id,district,main_use,floor_area_m2,households\n" + "\n".join(
        f"P{i:04d},{names[i % 4]},아파트,{8000 + 13 * i},{60 + i % 40}" for i in range(20)
    ) + "\n"
    return [Attachment(
        name="planned_buildings_sample.csv",
        description="Synthetic planned-town building table (excerpt) / 합성 신도시 건축물 표 (일부)",
        content_base64=base64.b64encode(sample_csv.encode("utf-8")).decode("ascii"),
    )]


def _example_money_inputs():
    from ..planning.money.inputs import MoneyInputs

    # Example inputs, not a statutory rate: national 50% as observed for a 시 outside the Paldang area,
    # provincial 10% near 파주 적성's 9% (kr_sewerage_subsidy_shares.csv); every other money input keeps its
    # default or prints as "입력 필요"
    # provincial 10% near 파주 적성's 9% (kr_sewerage_subsidy_shares.csv), on the causer-charge-plus-subsidy structure
    # (the demo runs the new-town default, the developer paying all); every other input keeps its default
    return MoneyInputs(funding_structure="causer_and_subsidy", national_share=0.5, provincial_share=0.1)


EXAMPLE_MONEY_INPUTS = _example_money_inputs()


def example_bundle(*, district_names: list[str] | None = None, created: str = "2025-01-15",
                   scenario: bool | ScenarioSection = False, briefing: bool = False) -> ResultsBundle:
    """A small, realistic results bundle built from synthetic numbers (for tests and previews).

    Labelled ``synthetic=True``. As in the 2023 pilot, the pilot formula comes out below the
    need (the commercial and industrial districts add nothing to it), the master-plan method
    inside the ML interval and the MOE unit loads above it, so all three directions occur.

    Parameters
    ----------
    district_names : list of str, optional
        Names for the four planned-town districts (tests pass hostile names here).
    created : str
        ISO date printed on the report.
    scenario : bool or ScenarioSection
        True adds :func:`example_scenario_section` (a synthetic build-out); a section is used as given.
    briefing : bool
        True adds :func:`example_briefing_section` (the city's texts: site, schedule, opinions).
    """
    names = district_names or ["A-1 주거지구", "A-2 주거지구", "B 상업지구 (오피스텔)", "C 산업지구"]
    if len(names) != 4:
        raise ValueError("district_names must have 4 names")
    planned, planned_total = _example_planned(names)
    capacity = _example_capacity(planned_total)
    existing, existing_total = _example_existing()
    bundle = ResultsBundle(
        metadata=_example_metadata(created),
        existing=existing,
        existing_total=existing_total,
        planned=planned,
        planned_total=planned_total,
        capacity=capacity,
        baselines=_example_baselines(planned_total, capacity),
        households_by_size=_example_households_by_size(planned_total.households),
        households_by_size_year=2031,
        billed_volume_m3_per_day=0.0,
        scenario=(scenario if isinstance(scenario, ScenarioSection)
                  else example_scenario_section(capacity.p50_m3_per_day,
                                                plant=capacity.plant_m3_per_day) if scenario else None),
        briefing=example_briefing_section() if briefing else None,
    )
    bundle.decision = decision_for(bundle)
    billed_water = existing_total.observed_m3_per_day / 0.85 * 365.0  # sewage from bills / return ratio = water
    bundle.finance = finance_section(bundle, EXAMPLE_MONEY_INPUTS, existing_billed_water_m3_per_year=billed_water)
    return bundle
