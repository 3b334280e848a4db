"""Optional part of the results bundle: a planning scenario's capacity needed by year (issue 7).

:class:`ScenarioSection` (P10/P50/P90 capacity needed per year, the plant compared and its
utilisation), built from a scenario run by :func:`scenario_section_from_result`;
:func:`example_scenario_section` is a synthetic one for tests and previews. Capacities [m3/d].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import ResultsBundleError

__all__ = ["ScenarioCapacityYear", "ScenarioSection", "scenario_section_from_result", "example_scenario_section"]


@dataclass
class ScenarioCapacityYear:
    """Treatment capacity needed in one year of a scenario's build-out [m3/d].

    Capacity needed = design day-max incl. infiltration (once). The ML fields are quantiles of
    the simulated need (docs/scenarios.md, "Uncertainty") and ``None`` when the run had no ML
    model; the probabilities and ``utilisation_p50`` (ML P50 need / plant [-]) are ``None``
    without a plant capacity.
    """

    year: int
    pilot_formula_m3_per_day: float
    master_plan_m3_per_day: float
    unit_load_m3_per_day: float
    ml_p10_m3_per_day: float | None = None
    ml_p50_m3_per_day: float | None = None
    ml_p90_m3_per_day: float | None = None
    ml_at_confidence_m3_per_day: float | None = None  # at ScenarioSection.confidence
    probability_exceeded: float | None = None  # P(ML need > plant) in this year [-]
    probability_exceeded_by_year: float | None = None  # ... in this year or earlier [-]
    utilisation_p50: float | None = None  # ML P50 need / plant capacity [-]


@dataclass
class ScenarioSection:
    """A planning scenario's capacity needed by year, for the briefing's scenario section."""

    name: str
    capacity_by_year: list[ScenarioCapacityYear]
    confidence: float = 0.9  # [-] of ml_at_confidence_m3_per_day
    plant_capacity_m3_per_day: float | None = None  # existing or planned plant compared with
    review_trigger: float = 0.8  # [-] utilisation at which expansion is reviewed
    description: str = ""
    source: str = ""  # scenario file name
    n_simulations: int = 0
    ml_available: bool = True
    synthetic: bool = False

    def validate(self, source: str = "results bundle", path: str = "scenario") -> None:
        """Years increasing, P10 <= P50 <= P90, probabilities in [0, 1]; errors name the field."""
        if not self.capacity_by_year:
            raise ResultsBundleError("no years / 연도별 자료가 없습니다", source, f"{path}.capacity_by_year")
        if not 0 < self.confidence < 1:
            raise ResultsBundleError(f"{self.confidence} outside (0, 1)", source, f"{path}.confidence")
        if not 0 < self.review_trigger <= 1:
            raise ResultsBundleError(f"{self.review_trigger} outside (0, 1]", source, f"{path}.review_trigger")
        ml_fields = ("ml_p10_m3_per_day", "ml_p50_m3_per_day", "ml_p90_m3_per_day", "ml_at_confidence_m3_per_day")
        prev = None
        for i, r in enumerate(self.capacity_by_year):
            where = f"{path}.capacity_by_year[{i}]"
            if prev is not None and r.year <= prev:
                raise ResultsBundleError(f"year {r.year} not after {prev} (years must increase)", source, f"{where}.year")
            prev = r.year
            given = [getattr(r, k) is not None for k in ml_fields]
            if self.ml_available and not all(given):
                missing = [k for k, g in zip(ml_fields, given) if not g][0]
                raise ResultsBundleError("missing (ml_available is true) / ML 값 누락", source, f"{where}.{missing}")
            if all(given):
                lo, mid, hi = r.ml_p10_m3_per_day, r.ml_p50_m3_per_day, r.ml_p90_m3_per_day
                tol = 1e-6 * max(1.0, abs(mid))
                if not lo - tol <= mid <= hi + tol:
                    raise ResultsBundleError(f"P10 {lo} <= P50 {mid} <= P90 {hi} expected", source,
                                             f"{where}.ml_p50_m3_per_day")
            for k in ("probability_exceeded", "probability_exceeded_by_year"):
                v = getattr(r, k)
                if v is not None and not 0 <= v <= 1:
                    raise ResultsBundleError(f"{v} outside [0, 1]", source, f"{where}.{k}")




def _opt(v, digits=1):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if not math.isfinite(v) else round(v, digits)


def scenario_section_from_result(result, confidence: float | None = None,
                                 plant_capacity_m3_per_day: float | None = None) -> ScenarioSection:
    """The briefing's scenario section from a scenario run.

    Parameters
    ----------
    result : ScenarioResult
        From :func:`sewerplan.model.planning.scenario_run.run_scenario`.
    confidence : float, optional
        Confidence [-] of the "at confidence" capacity; default the scenario's setting (0.9).
    plant_capacity_m3_per_day : float, optional
        Plant to compare with [m3/d]; default the scenario's ``plant_capacity_m3_per_day``.

    Returns
    -------
    ScenarioSection
        Capacities rounded to 0.1 m3/d, probabilities to 0.001.
    """
    from ..planning.scenario_run import capacity_by_year

    st = result.scenario.settings
    conf = float(confidence if confidence is not None else st.confidence)
    tab = capacity_by_year(result, conf, plant_capacity_m3_per_day)
    ml = bool(result.ml_available)

    def col(row, name, digits=1):
        return _opt(row[name], digits) if name in row.index else None

    rows = []
    for _, r in tab.iterrows():
        rows.append(ScenarioCapacityYear(
            year=int(r["year"]),
            pilot_formula_m3_per_day=_opt(r["pilot_formula_capacity_m3_per_day"]),
            master_plan_m3_per_day=_opt(r["master_plan_capacity_m3_per_day"]),
            unit_load_m3_per_day=_opt(r["unit_load_capacity_m3_per_day"]),
            ml_p10_m3_per_day=col(r, "ml_capacity_p10_m3_per_day"),
            ml_p50_m3_per_day=col(r, "ml_capacity_p50_m3_per_day"),
            ml_p90_m3_per_day=col(r, "ml_capacity_p90_m3_per_day"),
            ml_at_confidence_m3_per_day=col(r, "ml_capacity_at_confidence_m3_per_day"),
            probability_exceeded=col(r, "probability_exceeded", 3),
            probability_exceeded_by_year=col(r, "probability_exceeded_by_year", 3),
            utilisation_p50=col(r, "utilisation_p50", 3),
        ))
    plant = _opt(tab["plant_capacity_m3_per_day"].iloc[0]) if len(tab) else None
    source = result.scenario.source
    section = ScenarioSection(
        name=result.name,
        description=result.scenario.description or "",
        source=Path(source).name if source else "",
        capacity_by_year=rows,
        confidence=conf,
        plant_capacity_m3_per_day=plant,
        review_trigger=float(result.utilisation),
        n_simulations=int(result.town_day_max_samples.shape[1]) if ml else 0,
        ml_available=ml,
        synthetic=bool(st.synthetic),
    )
    section.validate("scenario run")
    return section


def example_scenario_section(final_p50: float = 11730.0, plant: float | None = 8500.0,
                             years: range = range(2027, 2035)) -> ScenarioSection:
    """A synthetic scenario section consistent with :func:`example_bundle` (tests, previews).

    Build-out shares per year, ML P10/P90 at /1.15 and x1.15 of P50 (log-normal); pilot formula,
    master plan and unit loads at 0.72, 0.90 and 1.37 x the P50 (the ratios of the example
    bundle); the plant is the pilot formula's plan.
    """
    from statistics import NormalDist

    shares = [0.1, 0.25, 0.45, 0.65, 0.8, 0.92, 1.0, 1.0, 1.0, 1.0][: len(years)]
    sigma = math.log(1.15) / NormalDist().inv_cdf(0.9)
    rows, p_by = [], 0.0
    for y, sh in zip(years, shares):
        p50 = final_p50 * sh
        p_ex = None
        if plant is not None:
            p_ex = round(1 - NormalDist().cdf(math.log(plant / p50) / sigma), 3)
            p_by = max(p_by, p_ex)
        rows.append(ScenarioCapacityYear(
            year=y, pilot_formula_m3_per_day=round(0.72 * p50, 1), master_plan_m3_per_day=round(0.90 * p50, 1),
            unit_load_m3_per_day=round(1.37 * p50, 1),
            ml_p10_m3_per_day=round(p50 / 1.15, 1), ml_p50_m3_per_day=round(p50, 1),
            ml_p90_m3_per_day=round(p50 * 1.15, 1), ml_at_confidence_m3_per_day=round(p50 * 1.15, 1),
            probability_exceeded=p_ex, probability_exceeded_by_year=None if plant is None else round(p_by, 3),
            utilisation_p50=None if plant is None else round(p50 / plant, 3),
        ))
    return ScenarioSection(
        name="기본안 (base plan)", description="합성 예시 단계별 준공 / synthetic sample build-out",
        source="sample_town_base.yaml", capacity_by_year=rows, confidence=0.9, plant_capacity_m3_per_day=plant,
        review_trigger=0.8, n_simulations=4000, ml_available=True, synthetic=True,
    )

