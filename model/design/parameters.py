"""Design parameters with their defaults, units, allowed ranges and sources.

Every default that drives a number in sewerplan is declared here once, with the unit it
is in and where it comes from (see ``docs/sources.md``). Callers override any of them by
name: ``DesignParameters(persons_per_household=2.21)`` or ``params.replace(...)``.
The workbook's "methods" sheet and the reports print this table, so what the user reads
is what the code used.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields

from ..errors import ParameterError

__all__ = ["DesignParameters", "parameter_table", "DEFAULT_PARAMETERS", "RangedParameters", "ranged"]


def ranged(default, unit, low, high, source, label_ko, source_ko=""):
    """A dataclass field with its unit, allowed range [low, high], source (English and Korean) and Korean label."""
    return field(
        default=default,
        metadata={"unit": unit, "range": (low, high), "source": source, "label_ko": label_ko,
                  "source_ko": source_ko},
    )



class RangedParameters:
    """Base of frozen dataclasses whose fields are declared with :func:`ranged`: every value is
    checked against its range when made, and :meth:`replace` checks the changed copy again."""

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            low, high = f.metadata["range"]
            try:
                ok = low <= float(value) <= high
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise ParameterError(f.name, value, f"[{low}, {high}] {f.metadata['unit']}")

    def replace(self, **changes):
        """Return a copy with some values changed (validated again)."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ParameterError(
                ", ".join(sorted(unknown)), "unknown", f"one of {[f.name for f in fields(self)]}"
            )
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class DesignParameters(RangedParameters):
    """Parameters of the design methods (pilot formula, master plan, MOE unit loads).

    Flows in sewerplan are held in [m3/d]; per-capita units here are in [L/(person d)]
    because that is how the standard states them, and are converted once when used.
    """

    persons_per_household: float = ranged(
        2.6, "persons/household", 0.5, 8.0,
        "Planning constant of the pilot formula (and the master-plan population), Statistics Korea 2023 pilot report "
        "worked example (census mean was 2.34 in 2020 and 2.21 in 2023).",
        "세대당 인구",
        "시범사업(통계청 2023) 보고서 계산 예시의 계획 상수 (인구총조사 평균 2020년 2.34명, 2023년 2.21명)",
    )
    per_capita_l_per_day: float = ranged(
        300.0, "L/(person d)", 50.0, 1000.0,
        "Per-capita daily max sewage unit of the worked example; equals national water supply "
        "per person (302 L 2021, 306 L 2022, 304 L 2023; MOE water statistics).",
        "1인1일 오수량 원단위",
        "시범사업 계산 예시의 1인1일 최대 원단위; 전국 1인당 급수량과 같은 수준 (2021년 302 L, 2022년 306 L, "
        "2023년 304 L; 환경부 상수도 통계)",
    )
    design_factor: float = ranged(
        1.1, "-", 0.5, 3.0,
        "The x1.1 of the Statistics Korea 2023 worked example; no published source defines it, "
        "so it is a user parameter.",
        "설계 계수",
        "시범사업(통계청 2023) 계산 예시의 ×1.1; 근거를 밝힌 공개 자료가 없어 사용자가 바꿀 수 있는 값",
    )
    infiltration_ratio: float = ranged(
        0.10, "-", 0.0, 0.5,
        "Groundwater infiltration as a share of the day-max domestic flow: <= 20% by the "
        "Korean sewerage design standard, 10% common practice for new towns (secondary: "
        "Ajou Univ. thesis).",
        "지하수 침입수 비율",
        "생활오수 일최대 대비 지하수 비율: 하수도 시설기준 20% 이하, 신도시는 10%가 일반적 (2차 자료: 아주대 학위논문)",
    )
    day_average_to_day_max: float = ranged(
        0.75, "-", 0.5, 1.0,
        "Day-average / day-max ratio, 0.7-0.8 by the Korean design standard (secondary); "
        "midpoint used.",
        "일평균/일최대 비",
        "하수도 시설기준 0.7–0.8 (2차 자료)의 가운데 값",
    )
    hourly_max_factor: float = ranged(
        1.5, "-", 1.0, 3.0,
        "Hourly max = factor x day-max / 24, 1.3-1.8 by the Korean design standard "
        "(secondary); 1.5 used.",
        "시간최대 계수",
        "시간최대 = 계수 × 일최대 ÷ 24, 하수도 시설기준 1.3–1.8 (2차 자료) 중 1.5",
    )
    housing_l_per_person_day: float = ranged(
        200.0, "L/(person d)", 50.0, 500.0,
        "MOE notice on sewage by building use (고시 2025-165): housing 200 L/(person d) "
        "in 동 areas.",
        "주거 1인1일 오수발생량 (동 지역)",
        "환경부 고시 「건축물의 용도별 오수발생량」(2025-165): 동 지역 주택 1인 200 L",
    )
    housing_l_per_person_day_rural: float = ranged(
        170.0, "L/(person d)", 50.0, 500.0,
        "MOE notice on sewage by building use: housing 170 L/(person d) in 읍·면 areas.",
        "주거 1인1일 오수발생량 (읍·면 지역)",
        "환경부 고시 「건축물의 용도별 오수발생량」: 읍·면 지역 주택 1인 170 L",
    )
    return_ratio: float = ranged(
        0.85, "-", 0.5, 1.0,
        "Sewage / billed water, 0.8-0.9 by the Korean design standard (secondary); "
        "international practice agrees. Turns water bills into observed sewage and, in the "
        "master-plan method, per-capita water supply into domestic sewage.",
        "오수 전환율",
        "하수량 ÷ 급수량, 하수도 시설기준 0.8–0.9 (2차 자료; 외국 관행도 같음). 상수도 요금 자료를 오수량으로, "
        "기본계획 방식의 급수량을 생활오수로 바꿀 때 씀",
    )
    plant_utilisation: float = ranged(
        0.80, "-", 0.3, 1.0,
        "Appropriate utilisation of a treatment plant, 80% of capacity (news citing the "
        "Korean standard): a trigger to review expansion when expected inflow / capacity "
        "passes it, never a divisor on the design flow (capacity = planned day-max flow).",
        "처리장 가동률 증설 검토 기준",
        "처리장 적정 가동률 80% (시설기준을 인용한 보도): 예상 유입량 ÷ 용량이 이를 넘으면 증설을 검토하는 기준이며, "
        "설계 유량을 나누는 값이 아님 (용량 = 계획 일최대 오수량)",
    )
    master_plan_supply_l_per_person_day: float = ranged(
        405.0, "L/(person d)", 100.0, 1000.0,
        "Master-plan method (하수도정비기본계획): per-capita day-max water supply. National "
        "supply per person 304 L/(person d) in 2023 (MOE water statistics, a day average "
        "including business use) / day-average-to-day-max 0.75 (design standard 0.7-0.8) = 405.",
        "계획 1인1일최대급수량",
        "하수도정비기본계획 방식의 1인1일 최대급수량: 전국 1인당 급수량 2023년 304 L(환경부 상수도 통계, 영업용 포함 "
        "일평균) ÷ 일평균/일최대 비 0.75 (시설기준 0.7–0.8) = 405 L",
    )
    factory_l_per_m2_day: float = ranged(
        5.0, "L/(m2 d)", 0.0, 200.0,
        "Master-plan method: factory wastewater per m2 of industrial floor area, the MOE "
        "notice row H-01-00 (공장, 5 L/(m2 d); 고시 2025-165). A city's own figure replaces it.",
        "공장폐수 원단위 (연면적당)",
        "하수도정비기본계획 방식: 공장 연면적 1 m²당 폐수량, 환경부 고시 공장 항목 (5 L; 고시 2025-165). "
        "시의 값이 있으면 그 값을 씀",
    )


DEFAULT_PARAMETERS = DesignParameters()


def parameter_table(params: DesignParameters = DEFAULT_PARAMETERS) -> list[dict]:
    """One row per parameter: name, Korean label, value, unit, default, range and source (English, Korean)."""
    rows = []
    for f in fields(params):
        rows.append(
            {
                "name": f.name,
                "label_ko": f.metadata["label_ko"],
                "value": getattr(params, f.name),
                "default": f.default,
                "unit": f.metadata["unit"],
                "range": f.metadata["range"],
                "source": f.metadata["source"],
                "source_ko": f.metadata["source_ko"],
            }
        )
    return rows
