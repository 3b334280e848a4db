"""The baselines a planner would use, each under its own name (docs/sources.md, "Baselines").

Pure, vectorised functions: scalars, NumPy arrays or pandas Series in, the same out.
Flows in [m3/d], day-max design basis.

1. :func:`pilot_formula_day_max`: the pilot's population formula (기존 방식, 인구 기준),
   exactly as the Statistics Korea 2023 worked example. Non-residential buildings add nothing:
   that is the point of the comparison. Its x1.1 is the only allowance for infiltration;
   nothing is added on top.
2. :func:`master_plan_day_max`: the master-plan method (하수도정비기본계획 방식), domestic
   sewage + factory wastewater + groundwater infiltration counted once. A city's own
   master-plan figures replace the computed terms (:class:`MasterPlanFigures`).
3. The MOE notice unit loads (:mod:`.unit_loads`) are kept for what the notice is for: sizing
   on-site treatment and the causer charge, deliberately conservative. The notice lets values
   be set from survey data (see :data:`MOE_SURVEY_CLAUSE`), the legal hook for the ML method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..units import litres_per_day_to_m3_per_day
from .conventional import domestic_day_max
from .parameters import DEFAULT_PARAMETERS, DesignParameters

__all__ = ["pilot_formula_day_max", "master_plan_day_max", "MasterPlanFigures", "MOE_SURVEY_CLAUSE",
           "BASELINES"]

#: The four methods compared in every output, in print order: key -> (Korean, English) name.
BASELINES = {
    "pilot_formula": ("기존 방식 (인구 기준, 시범사업 산식)", "pilot formula (population only)"),
    "master_plan": ("하수도정비기본계획 방식", "master-plan method"),
    "unit_load": ("환경부 고시 원단위 (개인하수처리·원인자부담금용)", "MOE notice unit loads (on-site / causer charge)"),
    "ml": ("요금자료 기반 예측", "ML from water bills"),
}

#: The notice clause that lets unit loads be set from measured data (the ML method's legal hook).
MOE_SURVEY_CLAUSE = (
    "환경부 고시 「건축물의 용도별 오수발생량 및 정화조 처리대상인원 산정방법」(2025-165)의 단서 조항: "
    "실측·조사 자료가 있으면 그 값으로 오수발생량을 정할 수 있음 (요지, 조항 번호는 고시 원문으로 확인) / "
    "the MOE notice lets sewage be set from measured or surveyed data instead of its table "
    "(paraphrase; check the clause number against the notice's text)."
)

def pilot_formula_day_max(households, residential=True, persons_per_household=None, per_capita_l_per_day=None,
                          factor=None, params: DesignParameters = DEFAULT_PARAMETERS):
    """Day-max sewage by the pilot's population formula [m3/d]; non-residential rows give 0.

    Parameters
    ----------
    households : scalar, array or Series
        Households (세대수) [households]; blank counts as 0.
    residential : bool, array or Series
        True for residential rows; other rows give 0 (shops, offices, factories and
        officetels are not in the formula).
    persons_per_household : float, optional
        [persons/household]; default ``params.persons_per_household`` (2.6).
    per_capita_l_per_day : float, optional
        [L/(person d)]; default ``params.per_capita_l_per_day`` (300).
    factor : float, optional
        [-]; default ``params.design_factor`` (1.1), the formula's only infiltration allowance.

    Returns
    -------
    Day-max sewage [m3/d], same shape as ``households``.

    Notes
    -----
    Q = households x persons per household x per-capita unit x factor / 1000 on residential rows.

    References
    ----------
    Statistics Korea (2023), sewage-generation pilot with Siheung city, worked example:
    100 households x 2.6 x 300 L x 1.1 = 85,800 L/d = 85.8 m3/d.
    """
    hh = np.nan_to_num(np.asarray(households, dtype=float), nan=0.0)
    if np.any(hh < 0):
        raise ParameterError("households", households, ">= 0 households")
    q = domestic_day_max(hh, persons_per_household, per_capita_l_per_day, factor, params)
    q = q * np.asarray(residential, dtype=bool)
    if isinstance(households, pd.Series):
        return pd.Series(q, index=households.index)
    return q if np.ndim(q) else float(q)

@dataclass(frozen=True)
class MasterPlanFigures:
    """A city's own master-plan figures; any field left None is computed (sources in docs/sources.md).

    Attributes
    ----------
    planned_population : float, optional
        Planned population [persons] (계획인구).
    supply_l_per_person_day : float, optional
        Per-capita day-max water supply [L/(person d)] (계획 1인1일최대급수량).
    return_ratio : float, optional
        Sewage / water supply [-] (오수전환율).
    factory_m3_per_day : float, optional
        Factory wastewater [m3/d] (공장폐수량), replacing floor area x rate.
    infiltration_m3_per_day : float, optional
        Groundwater infiltration [m3/d] (지하수량), replacing ratio x (domestic + factory).
    """

    planned_population: float | None = None
    supply_l_per_person_day: float | None = None
    return_ratio: float | None = None
    factory_m3_per_day: float | None = None
    infiltration_m3_per_day: float | None = None


def _given(value, default):
    return default if value is None else value


def master_plan_day_max(population, factory_floor_area_m2=0.0, figures: MasterPlanFigures | None = None,
                        params: DesignParameters = DEFAULT_PARAMETERS) -> dict:
    """Planned day-max sewage by the master-plan method [m3/d], term by term.

    Parameters
    ----------
    population : scalar, array or Series
        Planned population [persons] (households x persons per household of the plan).
    factory_floor_area_m2 : scalar, array or Series
        Floor area of factories [m2] (industrial floor area).
    figures : MasterPlanFigures, optional
        The city's own figures; each one given replaces the computed term.
    params : DesignParameters
        ``master_plan_supply_l_per_person_day`` (405), ``return_ratio`` (0.85),
        ``factory_l_per_m2_day`` (5), ``infiltration_ratio`` (0.10).

    Returns
    -------
    dict with ``domestic``, ``factory``, ``infiltration`` and ``total`` [m3/d].

    Notes
    -----
    domestic = population x per-capita day-max supply x return ratio (business sewage, 영업오수,
    is inside the per-capita supply); factory = floor area x rate; infiltration = ratio x
    (domestic + factory), counted once; total = the sum, the plant's design day-max.

    References
    ----------
    Korean sewerage design standard, planned day-max sewage = domestic + commercial + industrial
    + groundwater (secondary); MOE water statistics 2023 (supply 304 L/(person d)); MOE notice
    H-01-00 (factory 5 L/(m2 d)).
    """
    fig = figures or MasterPlanFigures()
    pop = _given(fig.planned_population, population)
    supply = _given(fig.supply_l_per_person_day, params.master_plan_supply_l_per_person_day)
    ratio = _given(fig.return_ratio, params.return_ratio)
    domestic = litres_per_day_to_m3_per_day(pop * supply * ratio)
    factory = _given(fig.factory_m3_per_day,
                     litres_per_day_to_m3_per_day(factory_floor_area_m2 * params.factory_l_per_m2_day))
    infiltration = _given(fig.infiltration_m3_per_day, (domestic + factory) * params.infiltration_ratio)
    return {"domestic": domestic, "factory": factory, "infiltration": infiltration,
            "total": domestic + factory + infiltration}
