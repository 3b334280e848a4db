"""The municipality recipe from a project file to the briefings (``sewerplan run``, ``sewerplan demo``).

:func:`run_project` runs the seven steps on a checked :class:`~sewerplan.recipe.project.Project`
and writes every output into one folder (locked, marked incomplete until it succeeds):

1. **prepare**: register + billing of the existing town -> training table with observed
   day-average sewage and the match report (``training/``); customer numbers pseudonymised,
   personal columns dropped (:mod:`sewerplan.model.intake.privacy`).
2. **train** the ML model on it (model + card, ``model/``), or load the project's model file.
3. **honest comparison**: for each existing-town district, observed vs the pilot formula vs
   the master-plan method vs the MOE unit loads vs ML, where each ML value comes from a model
   that never saw that district (grouped cross-validation). Design methods are day-max; they
   are compared on a day-average basis (x ``day_average_to_day_max``), without infiltration
   (billed water contains no groundwater; the pilot formula keeps its x1.1). Errors are signed
   in the pilot's form, observed - estimate in t/d (+: the method falls short). A published
   copy merges districts below the small-cell minimum.
4. **forecast the planned town** (its building table, or the buildings its block plan expands
   to) per building and district: the three baselines and ML with its interval; day-average,
   day-max and hour-max (infiltration once); treatment capacity = design day-max; the sizing
   decision of each baseline against the ML need (:func:`sewerplan.model.outputs.results.decision_for`).
5. **scenario**: the planned town's build-out by year (phasing, household-size trend) with
   P50/P90 capacity, run with the model just trained, against the project's plant.
6. **write** the results workbook and results.json (the reports' input).
7. **briefings**: council and hearing, in the project's language and formats (pdf, hwpx, html).

Every name printed comes from the project file; every output is labelled synthetic when the
project says its data are synthetic. ``sewerplan demo`` is this run on the bundled sample
project (:mod:`.demo`).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sewerplan.model.design.conventional import design_flows
from sewerplan.model.errors import InputFileError
from sewerplan.model.design.estimate import district_summary, estimate_buildings, town_total
from sewerplan.model.fileio import check_outputs, output_run, write_csv_atomic, write_json_atomic, write_text_atomic
from sewerplan.model.intake.inventory import load_buildings
from sewerplan.model.design.parameters import DEFAULT_PARAMETERS, DesignParameters, parameter_table
from sewerplan.model.intake.prepare import HOUSEHOLD_MIX_FILES, PREPARE_FILES, prepare_training_table, write_prepared
from sewerplan.recipe.project import Project, ProjectFileError, apply_districts

__all__ = ["RUN_FILES", "RUN_STEPS", "RunResult", "run_project", "comparison_table", "forecast_tables",
           "public_comparison"]

RUN_FILES = {
    "workbook": "sewerplan_results.xlsx",
    "results_json": "results.json",
    "comparison": "existing_town_comparison.csv",
    "cv_buildings": "existing_town_heldout_predictions.csv",
    "forecast_buildings": "planned_town_buildings.csv",
    "forecast_districts": "planned_town_districts.csv",
    "model": "model/sewerplan_model.skops",
    "card": "model/sewerplan_model.card.json",
    "summary": "run_summary.json",
    "public_comparison": "public_existing_town_comparison.csv",
    "council_pdf": "council_briefing.pdf",
    "hearing_pdf": "public_hearing.pdf",
    "council_hwpx": "council_briefing.hwpx",  # 한글 (OWPML), beside the PDFs by default (report.formats)
    "hearing_hwpx": "public_hearing.hwpx",
}
BRIEFING_STEMS = {"council": "council_briefing", "hearing": "public_hearing"}
BRIEFING_SUFFIX = {"pdf": ".pdf", "hwpx": ".hwpx", "html": ".html"}
# (timing key, progress message) of the seven steps, in order
RUN_STEPS = [
    ("prepare", "1/7 prepare: register + billing -> observed sewage / 관측 오수량 산정"),
    ("train", "2/7 train (or load) the ML model / ML 모델 학습"),
    ("compare", "3/7 held-out district comparison / 배수구역 교차검증 비교"),
    ("forecast", "4/7 forecast the planned town / 계획 신도시 예측"),
    ("scenario", "5/7 build-out scenario by year / 연도별 단계 개발 시나리오"),
    ("write", "6/7 results workbook and results.json / 결과 통합문서"),
    ("reports", "7/7 council and hearing briefings / 의회·공청회 보고서"),
]
TRAINING_DIR = "training"
SCENARIO_DIR = "scenario"
PLANNED_REJECTED = "planned_town_rejected_rows.csv"
COMPARED = ("pilot_formula", "master_plan", "unit_load", "ml")  # methods of the comparison, in print order
TOTAL_LABEL = "합계 (total)"
OTHER_DISTRICTS = "기타 소규모 구역 합산 (small districts merged)"


@dataclass
class RunResult:
    """Paths written, the key numbers and step timings [s]."""

    out_dir: Path
    paths: dict
    summary: dict
    timings: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


def comparison_table(table: pd.DataFrame, cv: pd.DataFrame, params: DesignParameters = DEFAULT_PARAMETERS):
    """Existing-town district table: observed vs methods, day-average sewage [m3/d].

    Only buildings with an observed value that passed screening are compared, so every
    column sums over the same buildings. ``<method>_error_t_per_day`` = observed - method
    [t/d] (the pilot's sign: + when the method falls short) and ``<method>_error_pct`` the
    same as a share of observed [%].
    """
    est = estimate_buildings(table, params=params)
    r = params.day_average_to_day_max
    df = pd.DataFrame({
        "district": table["district"].to_numpy(),
        "observed": table["observed_m3_per_day"].to_numpy(),
        **{m: est[f"{m}_m3_per_day"].to_numpy() * r for m in COMPARED[:3]},
        "ml": cv["ml_m3_per_day"].to_numpy(),
    })
    use = df["observed"].notna().to_numpy() & ~cv["screen_flag"].astype(bool).to_numpy()
    g = df[use].groupby("district", sort=True)
    out = g[["observed", *COMPARED]].sum()
    out.insert(0, "n_buildings", g.size())
    out = out.reset_index()
    total = {"district": TOTAL_LABEL, **out[["n_buildings", "observed", *COMPARED]].sum().to_dict()}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    for m in COMPARED:
        out[f"{m}_error_t_per_day"] = out["observed"] - out[m]
        out[f"{m}_error_pct"] = 100.0 * out[f"{m}_error_t_per_day"] / out["observed"]
    out["n_buildings"] = out["n_buildings"].astype(int)
    return out


def forecast_tables(planned_est: pd.DataFrame, model, params: DesignParameters = DEFAULT_PARAMETERS):
    """Per-district and town forecast with ML intervals (flows incl. infiltration once) [m3/d].

    Returns ``(districts, town)``: DataFrames with ``<method>_<basis>_m3_per_day`` columns for
    pilot_formula, master_plan, unit_load, ml, ml_lower, ml_upper and basis day_average /
    day_max / hour_max.
    """
    d = district_summary(planned_est, params=params, methods=[f"{m}_m3_per_day" for m in COMPARED])
    totals = model.predict_district_totals(planned_est, "district").set_index("district")
    whole = planned_est.assign(_all="town")
    town_iv = model.predict_district_totals(whole, "_all").iloc[0]
    for name, col in (("ml_lower", "ml_total_lower"), ("ml_upper", "ml_total_upper")):
        flows = design_flows(totals[col].reindex(d["district"]).to_numpy(), params=params, basis="day_average")
        for key in ("day_average", "day_max", "hour_max"):
            d[f"{name}_{key}_m3_per_day"] = flows[key]
    town = town_total(d).iloc[[-1]].reset_index(drop=True)
    for name, value in (("ml_lower", town_iv["ml_total_lower"]), ("ml_upper", town_iv["ml_total_upper"])):
        flows = design_flows(float(value), params=params, basis="day_average")
        for key in ("day_average", "day_max", "hour_max"):
            town[f"{name}_{key}_m3_per_day"] = flows[key]
    return d, town


def _flows(row, method):
    from sewerplan.model.outputs.results import Flows

    return Flows(*(round(float(row[f"{method}_{k}_m3_per_day"]), 1) for k in ("day_average", "day_max", "hour_max")))


# ---------------------------------------------------------------------------------------
# the results bundle (results.json, the reports' input)
# ---------------------------------------------------------------------------------------

def _synthetic_note(synthetic: bool) -> str:
    return "합성 예시 자료 (synthetic sample data, not a real town)" if synthetic else ""


def _district_comparison(row, name: str):
    """One existing-town district (or the total) of the comparison table, rounded [m3/d]."""
    from sewerplan.model.outputs.results import DistrictComparison

    return DistrictComparison(name, int(row["n_buildings"]), round(float(row["observed"]), 1),
                              *(round(float(row[m]), 1) for m in COMPARED))


def _district_forecast(row, name: str, params: DesignParameters):
    """One planned-town district (or the total) of the forecast table [m3/d]; population = households x pph."""
    from sewerplan.model.outputs.results import DistrictForecast

    hh = float(row["households"])
    return DistrictForecast(str(name), int(row["buildings"]), hh, round(hh * params.persons_per_household, 0),
                            *(_flows(row, m) for m in (*COMPARED, "ml_lower", "ml_upper")))


def _interval_record(model) -> tuple[float, int]:
    """(attained two-sided level [-], calibration districts) of the model's district-total interval."""
    from sewerplan.model.ml.intervals import attained_level

    iv = model.district_intervals
    n = int(iv.get("n_districts", 0))
    level = iv.get("attained_level", attained_level(n, float(iv.get("coverage", model.coverage))))
    return float(level), n


def _plant_input(run, scenario_result) -> tuple[float | None, str, str]:
    """The plant the need is compared with [m3/d] and where that number comes from (an input; English, Korean)."""
    project = run.project
    if project.plant_capacity_m3_per_day is not None:
        existing = project.plant_status == "existing"
        status = "기존 (existing)" if existing else "계획 (planned)"
        name = f" {project.plant_name}" if project.plant_name else ""
        origin_ko = f"{'기존' if existing else '계획'} 처리장{name}, 프로젝트 파일의 값"
        return float(project.plant_capacity_m3_per_day), (f"{project.source.name}: plant.capacity_m3_per_day"
                                                          f"{name} [{status}]"), origin_ko
    if scenario_result is None or scenario_result.scenario.settings.plant_capacity_m3_per_day is None:
        return None, "", ""
    src = Path(scenario_result.scenario.source).name if scenario_result.scenario.source else "scenario"
    plant = float(scenario_result.scenario.settings.plant_capacity_m3_per_day)
    return plant, f"{src}: settings.plant_capacity_m3_per_day", "계획 처리장, 단계별 개발 계획 파일의 값"


def _capacity_recommendation(town_row, model, plant_input, city_plan_method: str = "master_plan"):
    """Treatment capacity [m3/d] by method = design day-max incl. infiltration once; one recommendation."""
    from sewerplan.model.design.capacity import plant_capacity
    from sewerplan.model.outputs.results import CapacityRecommendation

    def capacity(column):
        return round(float(plant_capacity(town_row[column])), -1)

    level, n = _interval_record(model)
    plant, origin, origin_ko = plant_input
    return CapacityRecommendation(
        pilot_formula_m3_per_day=capacity("pilot_formula_day_max_m3_per_day"),
        master_plan_m3_per_day=capacity("master_plan_day_max_m3_per_day"),
        unit_load_m3_per_day=capacity("unit_load_day_max_m3_per_day"),
        p50_m3_per_day=capacity("ml_day_max_m3_per_day"),
        lower_m3_per_day=capacity("ml_lower_day_max_m3_per_day"),
        upper_m3_per_day=capacity("ml_upper_day_max_m3_per_day"),
        recommended_m3_per_day=capacity("ml_upper_day_max_m3_per_day"),  # stored, never the 0 sentinel
        city_plan_method=city_plan_method,
        basis=f"ML upper bound of the district-total interval (level {level:.0%} attained with {n} calibration "
              "districts), design day-max incl. infiltration once",
        interval_level=round(level, 4), n_calibration_districts=n, plant_m3_per_day=plant, plant_origin=origin,
        plant_origin_ko=origin_ko,
    )


def _baselines(est, town_row, cap, params: DesignParameters):
    """Each method's town total [m3/d] with its breakdown (terms and units)."""
    from sewerplan.model.design.baselines import BASELINES
    from sewerplan.model.design.estimate import master_plan_terms
    from sewerplan.model.outputs.results import Baseline, BaselineTerm as T

    res = est["category"] == "residential"
    mp = master_plan_terms(est, params=params)
    ml_avg = float(est["ml_m3_per_day"].sum())
    terms = {
        "pilot_formula": [T("households", "주거 세대수", "households in housing", float(est["households"].where(res, 0).sum()),
                            "households"),
                          T("persons_per_household", "세대당 인구", "persons per household", params.persons_per_household,
                            "persons/household"),
                          T("per_capita", "1인1일 원단위", "per-capita unit", params.per_capita_l_per_day, "L/(person d)"),
                          T("factor", "계수 (유일한 침입수 여유)", "factor (its only infiltration allowance)",
                            params.design_factor, "-")],
        "master_plan": [T("population", "계획인구", "planned population", mp["population"], "persons"),
                        T("domestic", "생활오수 (인구 × 1인1일최대급수량 × 오수전환율)", "domestic sewage", mp["domestic"], "m3/d"),
                        T("factory", "공장폐수 (공장 연면적 × 원단위)", "factory wastewater", mp["factory"], "m3/d"),
                        T("infiltration", "지하수 (1회)", "groundwater infiltration (once)", mp["infiltration"], "m3/d")],
        "unit_load": [T("housing", "주거 (1인 200 L)", "housing (200 L/person)",
                        float(est["unit_load_m3_per_day"].where(res, 0).sum()), "m3/d"),
                      T("non_residential", "비주거 (용도별 원단위)", "non-residential (by use)",
                        float(est["unit_load_m3_per_day"].where(~res, 0).sum()), "m3/d"),
                      T("infiltration", "지하수 (1회)", "groundwater infiltration (once)",
                        float(town_row["unit_load_day_max_m3_per_day"]) - float(est["unit_load_m3_per_day"].sum()), "m3/d")],
        "ml": [T("day_average", "일평균 (요금 자료 기반)", "day average (from bills)", ml_avg, "m3/d"),
               T("day_average_to_day_max", "일평균/일최대 비", "day-average / day-max", params.day_average_to_day_max, "-"),
               T("infiltration", "지하수 (1회)", "groundwater infiltration (once)",
                 float(town_row["ml_day_max_m3_per_day"]) - ml_avg / params.day_average_to_day_max, "m3/d")],
    }
    capacity = {"pilot_formula": cap.pilot_formula_m3_per_day, "master_plan": cap.master_plan_m3_per_day,
                "unit_load": cap.unit_load_m3_per_day, "ml": cap.p50_m3_per_day}
    return [Baseline(m, *BASELINES[m], capacity[m], [dataclasses.replace(t, value=round(t.value, 3)) for t in terms[m]])
            for m in BASELINES]


def _households_by_size(est) -> tuple[dict, int]:
    """Planned households by size at the census trend the model used (year = households-weighted median)."""
    from sewerplan.model.ml.features import household_mix_fill

    shares, year = household_mix_fill(est, est["category"])
    hh = est["households"].fillna(0.0)
    res = (est["category"] == "residential") & shares.notna().all(axis=1)
    counts = shares[res].mul(hh[res], axis=0).sum()
    out = {k: round(float(v), 0) for k, v in zip(("1", "2", "3", "4", "5+"), counts.to_numpy())}
    filled = year[res].dropna()
    if filled.empty:
        return out, 0
    order = filled.sort_values()
    cum = hh[order.index].cumsum()
    return out, int(order[cum >= cum.iloc[-1] / 2].iloc[0])


def _results_model_card(model, trained_on_ko: str = ""):
    """The model card as the reports show it: id, training data, finite CV metrics, limits, the newest-cohort check."""
    from sewerplan.model.outputs.newest_section import newest_check
    from sewerplan.model.outputs.results import ModelCard

    card = model.card
    chosen = card.get("cross_validation", {}).get("chosen", {}) or {}
    metrics = {k: float(v) for k, v in chosen.items() if isinstance(v, (int, float)) and np.isfinite(v)}
    limits = [str(x) for x in card.get("limits", [])][:6] if isinstance(card.get("limits"), list) else []
    return ModelCard(
        model_id=model.model_id,
        trained_on=card.get("trained_on", ""),
        trained_on_ko=trained_on_ko,
        n_training_buildings=int(card.get("rows", {}).get("used", 0)),
        metrics=metrics,
        limits=limits,
        limits_ko=[k for k in (_korean_half(x) for x in limits) if k],
        interval_level=float(model.coverage),
        newest_check=newest_check(model),
    )


def _korean_half(text: str) -> str:
    """The Korean half of a model-card line written 'English. / 한국어.' ('' when it has none)."""
    ko = text.rsplit(" / ", 1)[-1].strip() if " / " in text else ""
    return ko if any("가" <= ch <= "힣" for ch in ko) else ""


def _data_source(project: Project) -> tuple[str, str]:
    """The one-line data source of the footer (Korean, English), from the project (the sample's when synthetic)."""
    if project.synthetic:
        return ("합성 예시: 건축물대장·상수도 요금 부과자료 형식의 가상 데이터",
                "synthetic register and billing data bundled with sewerplan")
    return (f"{project.municipality} 건축물대장·상수도 요금 부과자료 (고객번호 가명처리)",
            f"{project.municipality} building register and water bills (customer numbers pseudonymised)")


def _metadata(model, params: DesignParameters, project: Project, trained_on_ko: str = ""):
    """Names (all from the project file), data source, model card and parameters of the results bundle."""
    from sewerplan.model.outputs.results import Metadata, ParameterUsed

    meta = Metadata(
        town_name=project.town,
        existing_town_name=project.existing_town,
        created=_dt.date.today().isoformat(),
        synthetic=bool(project.synthetic),
        data_source=_data_source(project)[0],
        data_source_en=_data_source(project)[1],
        model_card=_results_model_card(model, trained_on_ko),
        parameters=[ParameterUsed(p["name"], float(p["value"]), p["unit"], p["source"], p["label_ko"], p["source_ko"])
                    for p in parameter_table(params)],
        municipality=project.municipality,
        town_name_en=project.town_en,
        existing_town_name_en=project.existing_town_en,
        min_public_cell_buildings=project.min_public_cell_buildings,
    )
    try:
        from importlib.metadata import version

        meta.sewerplan_version = version("sewerplan")
    except Exception:  # noqa: BLE001 - version is decorative
        pass
    return meta


def _bundle(run, comparison, forecast, model, report_counts, scenario_result):
    """The validated results bundle (with the scenario section and the decision) and the synthetic note."""
    from sewerplan.model.outputs.results import ResultsBundle, scenario_section_from_result

    est, districts, town = forecast
    t = town.iloc[0]
    existing_rows = comparison[comparison["district"] != TOTAL_LABEL]
    total_comp = comparison[comparison["district"] == TOTAL_LABEL].iloc[0]
    params = run.params
    cap = _capacity_recommendation(t, model, _plant_input(run, scenario_result), run.project.city_plan_method)
    by_size, by_size_year = _households_by_size(est)
    bundle = ResultsBundle(
        metadata=_metadata(model, params, run.project, run.trained_on_ko),
        existing=[_district_comparison(r, str(r["district"])) for _, r in existing_rows.iterrows()],
        existing_total=_district_comparison(total_comp, "합계"),
        planned=[_district_forecast(r, r["district"], params) for _, r in districts.iterrows()],
        planned_total=_district_forecast(t, "합계", params),
        capacity=cap,
        baselines=_baselines(est, t, cap, params),
        households_by_size=by_size,
        households_by_size_year=by_size_year,
        billed_volume_m3_per_day=_billed_water_m3_per_day(report_counts, params),
        scenario=scenario_section_from_result(scenario_result) if scenario_result is not None else None,
        briefing=run.project.briefing,
    )
    _add_money(bundle, run.project.finance)
    bundle.validate()
    return bundle, _synthetic_note(run.project.synthetic)


def _billed_water_m3_per_day(report_counts: dict, params: DesignParameters) -> float:
    """The existing town's billed water, all meters [m3/d]: the match report's sewage / return ratio.

    The sewage fee is billed on water use, so the fee base is water (plus the new town's, added in
    the finance section), never sewage.
    """
    sewage = float(report_counts.get("sewage_m3_per_day_all_meters", report_counts.get("sewage_m3_per_day_matched", 0.0)))
    return round(sewage / params.return_ratio, 1)


def _add_money(bundle, inputs) -> None:
    """The finance section (the project's money inputs, the fee base) and the decision on the same money basis."""
    from sewerplan.model.outputs.finance_section import budget_basis, finance_section
    from sewerplan.model.outputs.results import decision_for
    from sewerplan.model.planning.money.budget import council_budget

    bundle.finance = finance_section(bundle, inputs,
                                     existing_billed_water_m3_per_year=bundle.billed_volume_m3_per_day * 365.0)
    bundle.decision = decision_for(bundle, budget=council_budget(budget_basis(bundle), bundle.finance.inputs))


def _scenario_summary(result) -> dict | None:
    """The few scenario numbers the demo prints: final-year capacities and first year exceeded."""
    if result is None:
        return None
    final = result.summary["final_year"]
    return {
        "name": result.summary["scenario"],
        "final_year": result.summary["years"][-1],
        "plant_capacity_m3_per_day": final.get("plant_capacity_m3_per_day"),
        "ml_p50_capacity_m3_per_day": round(float(final["ml_capacity_p50_m3_per_day"]), -1),
        "ml_p90_capacity_m3_per_day": round(float(final["ml_capacity_p90_m3_per_day"]), -1),
        "pilot_formula_capacity_m3_per_day": round(float(final["pilot_formula_capacity_m3_per_day"]), -1),
        "utilisation_p50": final.get("utilisation_p50"),
        "year_exceeded": result.summary.get("year_exceeded", {}),
    }


def _briefing_paths(out: Path, formats) -> list[Path]:
    return [out / (stem + BRIEFING_SUFFIX[f]) for stem in BRIEFING_STEMS.values() for f in formats]


def _check_out(out: Path, force: bool, project: Project) -> None:
    """Every file the run writes passes the output check (never an input, replaced only with ``force``)."""
    from sewerplan.model.outputs.scenario_outputs import OUTPUT_FILES

    if out.exists() and not out.is_dir():
        raise InputFileError(f"--out {out} is a file, not a folder / --out 은 폴더여야 합니다.")
    if project.key_file is not None and project.key_file.resolve().is_relative_to(out.resolve()):
        raise ProjectFileError(project.source, "privacy.key_file", f"{project.key_file} is inside the output folder "
                                                                   f"{out}; keep the key outside every output / "
                                                                   "키 파일은 결과 폴더 밖에 두어야 합니다")
    prepared = {**PREPARE_FILES, **HOUSEHOLD_MIX_FILES}
    targets = ([out / v for v in RUN_FILES.values()] + [out / TRAINING_DIR / v for v in prepared.values()]
               + [out / SCENARIO_DIR / v for v in OUTPUT_FILES.values()] + [out / PLANNED_REJECTED]
               + _briefing_paths(out, project.formats))
    try:
        check_outputs(targets, inputs=project.inputs(), force=force)
    except InputFileError as exc:
        if "--force" not in str(exc):
            raise
        raise InputFileError(
            f"{out} already holds sewerplan outputs. Use --force to replace them or choose another --out / "
            f"출력 폴더에 결과가 이미 있습니다. --force 또는 다른 --out 을 쓰세요."
        ) from None


# ---------------------------------------------------------------------------------------
# the run: inputs, the step clock, and one function per step
# ---------------------------------------------------------------------------------------

@dataclass
class _Run:
    """What every step needs: the project, output folder, parameters, key; collects paths and warnings."""

    out: Path
    project: Project
    params: DesignParameters
    key: object  # privacy.PseudonymKey
    reports: bool = True
    paths: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    trained_on_ko: str = ""  # the model card's 'trained on' in Korean, when the model is trained in this run

    @property
    def synthetic(self) -> bool:
        return self.project.synthetic


class _StepClock:
    """Announces each of :data:`RUN_STEPS` to the progress callback and times it [s]."""

    def __init__(self, progress):
        self._say = progress or (lambda i, n, msg: None)
        self._next = 0
        self.timings: dict = {}
        self._t0 = time.perf_counter()

    def step(self, func, *args):
        """Run the next step ``func(*args)``; return its result."""
        name, message = RUN_STEPS[self._next]
        self._say(self._next, len(RUN_STEPS), message)
        result = func(*args)
        now = time.perf_counter()
        self.timings[name] = round(now - self._t0, 2)
        self._t0 = now
        self._next += 1
        return result

    def finish(self) -> None:
        self._say(len(RUN_STEPS), len(RUN_STEPS), "done / 완료")


def _prepare_existing_town(run: _Run):
    """Step 1: join billing to the register (customer numbers pseudonymised); write the training table and report."""
    pj = run.project
    prep = prepare_training_table(pj.register, pj.billing, district_column=pj.district_column, params=run.params,
                                  synthetic=run.synthetic, household_mix=pj.household_mix, pseudonym_key=run.key)
    prep.training_table = apply_districts(prep.training_table, pj.existing_districts, "existing_town.districts",
                                          pj.source, f"register {pj.register.name}")
    written = write_prepared(prep, run.out / TRAINING_DIR, force=True,
                             inputs=(pj.register, pj.billing, pj.household_mix))
    run.paths.update({f"training_{k}": v for k, v in written.items()})
    return prep


def _trained_on(run: _Run, table: pd.DataFrame, months: list) -> str:
    """The model card's 'trained on' line, with the project's name for the existing town."""
    label = "synthetic sample data / 합성 예시 자료: " if run.synthetic else ""
    period = f", billing {months[0]}-{months[-1]}" if months else ""
    return (f"{label}{run.project.existing_town} ({len(table)} buildings, {table['district'].nunique()} districts"
            f"{period})")


def _trained_on_ko(run: _Run, table: pd.DataFrame, months: list) -> str:
    """The 'trained on' line in Korean for the briefings (months as YYYYMM)."""
    label = "합성 예시 자료: " if run.synthetic else ""
    period = f", 요금 {months[0][:4]}년 {int(months[0][4:6])}월–{months[-1][:4]}년 {int(months[-1][4:6])}월" \
        if months and all(len(str(m)) >= 6 and str(m)[:6].isdigit() for m in (months[0], months[-1])) else ""
    # the building count is printed beside this line (the buildings with observed sewage), so not here
    return f"{label}{run.project.existing_town} (구역 {table['district'].nunique()}개{period})"


def _train(run: _Run, prep):
    """Step 2: train the ML model (grouped by district) and write it with its card, or load the project's model."""
    from sewerplan.model.ml.persistence import load_model, save_model
    from sewerplan.model.ml.train import train_model

    pj = run.project
    if not pj.train:
        return load_model(pj.model_file)
    table = prep.training_table
    run.trained_on_ko = _trained_on_ko(run, table, [str(m) for m in prep.report["billing"]["months"]])
    model = train_model(table, learner=pj.learner, synthetic=run.synthetic, seed=pj.seed,
                        trained_on=_trained_on(run, table, prep.report["billing"]["months"]),
                        **({"newest_cohort": pj.newest_cohort} if pj.newest_cohort is not None else {}))
    run.paths["model"] = save_model(model, run.out / RUN_FILES["model"], force=True)
    run.paths["card"] = run.out / RUN_FILES["card"]
    return model


def _held_out_predictions(run: _Run, table: pd.DataFrame, model) -> pd.DataFrame:
    """Held-out-district predictions: from training, or (a given model) a grouped CV of its learner here."""
    if model.cv_predictions is not None:
        return model.cv_predictions  # computed while training: no second cross-validation
    from sewerplan.model.ml.train import grouped_cv_predictions

    run.warnings.append(f"model file {run.project.model_file.name}: the existing-town comparison cross-validates "
                        f"its learner ({model.learner}) on this town's data / 주어진 모델의 학습 방식으로 교차검증")
    return grouped_cv_predictions(table, learner=model.learner, seed=run.project.seed)


def _compare_held_out(run: _Run, table: pd.DataFrame, model) -> pd.DataFrame:
    """Step 3: observed vs methods per existing district, ML from held-out districts; a published copy."""
    cv = _held_out_predictions(run, table, model)
    comparison = comparison_table(table, cv, params=run.params)
    run.paths["comparison"] = write_csv_atomic(comparison, run.out / RUN_FILES["comparison"])
    run.paths["cv_buildings"] = write_csv_atomic(cv, run.out / RUN_FILES["cv_buildings"])
    public = public_comparison(comparison, run.project.min_public_cell_buildings)
    run.paths["public_comparison"] = write_csv_atomic(public, run.out / RUN_FILES["public_comparison"])
    return comparison


def public_comparison(comparison: pd.DataFrame, min_buildings: int) -> pd.DataFrame:
    """The comparison table for publication: districts under ``min_buildings`` merged (small-cell rule).

    The merged row is named by the number of districts it holds, not their names (the name of a
    three-building district can point at its owners); errors are recomputed on the merged rows.
    """
    from sewerplan.model.intake.privacy import merge_small_cells
    from sewerplan.model.outputs.public_bundle import merged_label

    rows = comparison[comparison["district"] != TOTAL_LABEL]
    published, merged = merge_small_cells(rows[["district", "n_buildings", "observed", *COMPARED]], "n_buildings",
                                          ["observed", *COMPARED], min_buildings, "district", OTHER_DISTRICTS)
    total = comparison[comparison["district"] == TOTAL_LABEL][published.columns]
    out = pd.concat([published, total], ignore_index=True)
    for m in COMPARED:
        out[f"{m}_error_t_per_day"] = out["observed"] - out[m]
    out["n_buildings"] = out["n_buildings"].astype(int)
    is_merged = out["district"] == OTHER_DISTRICTS
    out["note"] = np.where(is_merged, f"{len(merged)} districts merged (each < {min_buildings} buildings) / "
                                      f"{min_buildings}동 미만 구역 {len(merged)}곳 합산", "")
    out.loc[is_merged, "district"] = merged_label(len(merged))
    return out


def _planned_buildings(run: _Run) -> pd.DataFrame:
    """The planned town's buildings: its table (bad rows set aside) or the buildings its block plan expands to."""
    pj = run.project
    if pj.planned_buildings is not None:
        plan, rejected = load_buildings(pj.planned_buildings, skip_invalid=True)
        if len(rejected):
            run.warnings.append(f"{len(rejected)} planned-town rows rejected (see {PLANNED_REJECTED})")
            run.paths["planned_rejected"] = write_csv_atomic(rejected, run.out / PLANNED_REJECTED)
        source, what = "planned_town.districts", f"planned town {pj.planned_buildings.name}"
    else:
        from sewerplan.model.planning.scenario import expand_scenario

        plan = expand_scenario(_scenario(run))
        run.warnings.append(f"the planned town's buildings are expanded from the block plan {pj.scenario.name} / "
                            "계획 건축물은 블록 계획에서 만든 가상 건축물입니다")
        return plan  # district names already mapped in _scenario
    return apply_districts(plan, pj.planned_districts, source, pj.source, what)


def _forecast_planned_town(run: _Run, model):
    """Step 4: the planned town per building and district; returns ``(est, districts, town)``."""
    from sewerplan.model.intake.privacy import drop_personal_columns

    plan, _ = drop_personal_columns(_planned_buildings(run))
    est = estimate_buildings(plan, params=run.params)
    est = est.join(model.predict(est))
    districts, town = forecast_tables(est, model, params=run.params)
    run.paths["forecast_buildings"] = write_csv_atomic(est, run.out / RUN_FILES["forecast_buildings"])
    run.paths["forecast_districts"] = write_csv_atomic(pd.concat([districts, town], ignore_index=True),
                                                       run.out / RUN_FILES["forecast_districts"])
    return est, districts, town


def _scenario(run: _Run):
    """The project's block plan with the project's district names and plant (None without one)."""
    from sewerplan.model.planning.scenario import load_scenario

    pj = run.project
    if pj.scenario is None:
        return None
    sc = load_scenario(pj.scenario)
    plan = apply_districts(sc.plan, pj.planned_districts, "planned_town.districts", pj.source,
                           f"block plan {pj.scenario.name}")
    settings = sc.settings
    if pj.plant_capacity_m3_per_day is not None:
        settings = dataclasses.replace(settings, plant_capacity_m3_per_day=float(pj.plant_capacity_m3_per_day))
    return sc.with_changes(plan=plan, settings=settings)


def _run_build_out_scenario(run: _Run, model):
    """Step 5: phasing, household trend, P50/P90 capacity by year (None without a block plan)."""
    scenario = _scenario(run)
    if scenario is None:
        return None
    from sewerplan.model.outputs.scenario_outputs import write_scenario_outputs
    from sewerplan.model.planning.scenario_run import run_scenario

    result = run_scenario(scenario, model=model)
    written = write_scenario_outputs(result, run.out / SCENARIO_DIR, force=True, inputs=(run.project.scenario,))
    for key, p in written.items():
        run.paths[f"scenario_{key}"] = p
    return result


def _capacity_sheet(bundle) -> pd.DataFrame:
    """Capacity by method [m3/d] (= design day-max) and each baseline's decision against the ML need."""
    cap, rows = bundle.capacity, []
    for b in bundle.baselines:
        d = bundle.decision.row(b.method) if bundle.decision else None
        rows.append({"basis": f"{b.label_ko} ({b.label_en})", "capacity_m3_per_day": b.day_max_m3_per_day,
                     **({} if d is None else {k: getattr(d, k) for k in DECISION_COLUMNS})})
    rows += [{"basis": "ML 하한 (lower)", "capacity_m3_per_day": cap.lower_m3_per_day},
             {"basis": "ML 상한 = 권고 (upper = recommended)", "capacity_m3_per_day": cap.upper_m3_per_day}]
    frame = pd.DataFrame(rows, columns=["basis", "capacity_m3_per_day", *DECISION_COLUMNS])
    return frame.rename(columns={"gap_m3_per_day": "gap_vs_ml_p50_m3_per_day"})


DECISION_COLUMNS = ("gap_m3_per_day", "direction", "probability_too_small", "probability_too_large",
                    "expected_expansion_krw", "expansion_year", "stranded_capital_krw")
#: the match report's fields in Korean (what the 연계 보고서 sheet prints), with the unit
MATCH_LABELS = {
    "meters_total": ("계량기 수", "개"), "meters_matched": ("건축물에 연계된 계량기", "개"),
    "meters_matched_by_pnu": ("  필지고유번호(PNU)로 연계", "개"), "meters_matched_by_address": ("  지번주소로 연계", "개"),
    "meters_unmatched": ("연계되지 않은 계량기", "개"), "meters_unmatched_by_reason.no_key": ("  주소·PNU 없음", "개"),
    "meters_unmatched_by_reason.address_unreadable": ("  주소를 읽을 수 없음", "개"),
    "meters_unmatched_by_reason.not_in_register": ("  건축물대장에 없음", "개"),
    "meters_split_over_several_buildings": ("여러 건축물에 나눈 계량기", "개"),
    "buildings_total": ("건축물 수", "동"), "buildings_with_meters": ("계량기가 있는 건축물", "동"),
    "buildings_with_several_meters": ("계량기가 여러 개인 건축물", "동"),
    "buildings_without_meters": ("계량기가 없는 건축물", "동"),
    "buildings_short_record": ("요금 기록 12개월 미만 건축물", "동"),
    "split_rules_used.single_building": ("배분 규칙: 한 건축물", "건"),
    "split_rules_used.household_share": ("배분 규칙: 세대수 비율", "건"),
    "split_rules_used.floor_area_share_nonresidential": ("배분 규칙: 비주거 연면적 비율", "건"),
    "split_rules_used.floor_area_share": ("배분 규칙: 연면적 비율", "건"),
    "sewage_m3_per_day_all_meters": ("오수량 (모든 계량기)", "㎥/일"),
    "sewage_m3_per_day_matched": ("오수량 (연계된 계량기)", "㎥/일"),
    "sewage_m3_per_day_unmatched": ("오수량 (연계되지 않은 계량기)", "㎥/일"),
    "matched_volume_share": ("연계된 수량 비율", "%"),
}


def _flatten(match: dict, prefix: str = "") -> list[tuple[str, object]]:
    items = []
    for k, v in match.items():
        items += _flatten(v, f"{prefix}{k}.") if isinstance(v, dict) else [(f"{prefix}{k}", v)]
    return items


def match_sheet(match: dict) -> pd.DataFrame:
    """The match report as rows of Korean item, value and unit (nested counts one row each; shares in %)."""
    rows = []
    for key, value in _flatten(match):
        label, unit = MATCH_LABELS.get(key, (key.replace(".", ": "), ""))
        if unit == "%" and isinstance(value, (int, float)):
            value = 100 * value
        rows.append({"item": label, "value": value, "unit": unit})
    return pd.DataFrame(rows, columns=["item", "value", "unit"])


_RUN_SHEETS = {"기존시가지 비교": "기존 시가지 배수구역마다 요금자료 기준 오수량과 각 방법 (일평균, 침입수 제외; ML은 "
                                    "그 구역을 학습에서 뺀 모델), 오차 = 실측 - 추정",
               "처리용량 권고": "방법별 처리용량(계획 일최대)과 ML 필요량 대비 판정, 확률, 예상 증설비 또는 유휴 자본",
               "최근 준공 검증": "가장 최근에 준공된 건축물을 그 전 건축물로 학습한 모델로 예측한 검증 (신도시처럼 새 건축물)",
               "연계 보고서": "요금 계량기와 건축물대장의 연계 결과"}


def _run_info(run: _Run, bundle):
    from sewerplan.model.outputs.sheet_style import RunInfo

    pj = run.project
    return RunInfo(command=f"sewerplan run {pj.source.name if pj.source else ''} --out {run.out.name}".strip(),
                   project=str(pj.source or ""), model=bundle.metadata.model_card.model_id,
                   data_source=bundle.metadata.data_source)


def _newest_sheets(model) -> dict:
    """{'최근 준공 검증': rows} when the model carries the newest-cohort check."""
    from sewerplan.model.outputs.newest_section import newest_sheet

    sheet = newest_sheet(model) if model is not None else None
    return {} if sheet is None else {"최근 준공 검증": sheet}


def _write_workbook(run: _Run, est, districts, town, comparison, bundle, note: str, match: dict, model=None) -> None:
    """The results workbook: buildings, districts, comparison, capacity and match report sheets."""
    from sewerplan.model.outputs.workbook import write_results_workbook

    notes = [note] if note else []
    notes.append("기존 시가지 비교의 ML 값은 해당 배수구역을 학습에서 제외한 모델의 예측입니다 (held-out districts). "
                 "설계 방식은 일평균(x0.75)으로 환산해 비교합니다. 오차 = 실측 - 추정 [t/일] (+: 추정이 실측보다 작음).")
    pj = run.project
    run.paths["workbook"] = write_results_workbook(
        run.out / RUN_FILES["workbook"], est, town_total(districts).iloc[:-1].pipe(lambda d: pd.concat([d, town])),
        params=run.params, synthetic=run.synthetic, notes=notes, source=str(pj.planned_buildings or pj.scenario),
        extra_sheets={"기존시가지 비교": comparison, "처리용량 권고": _capacity_sheet(bundle),
                      **_newest_sheets(model), "연계 보고서": match_sheet(match)},
        title=f"{pj.town}: 건축물별·배수구역별 오수발생량과 처리용량 (sewerplan 결과)", run=_run_info(run, bundle),
        descriptions=_RUN_SHEETS, bundle=bundle,
    )


def _write_results(run: _Run, prep, model, comparison, forecast, scenario_result):
    """Step 6: results.json and the results workbook; returns the bundle."""
    est, districts, town = forecast
    bundle, note = _bundle(run, comparison, forecast, model, prep.report["match"], scenario_result)
    run.paths["results_json"] = bundle.to_json(run.out / RUN_FILES["results_json"], force=True)
    _write_workbook(run, est, districts, town, comparison, bundle, note, prep.report["match"], model)
    return bundle


def _finance_options(project: Project):
    """No report options over the bundle: the project's money inputs are already in the bundle."""
    return None


def _write_briefing(run: _Run, kind: str, fmt: str, bundle, rendered=None) -> Path:
    """One briefing in one format (pdf falls back to html where WeasyPrint cannot run); ``rendered``: its
    HTML and chart PNGs already rendered (``formats.rendered_html``), shared by the PDF and the HWPX."""
    pj = run.project
    out = run.out / (BRIEFING_STEMS[kind] + BRIEFING_SUFFIX[fmt])
    if fmt == "html":
        from sewerplan.reporting.render import render_standalone_html

        return write_text_atomic(out, render_standalone_html(kind, bundle, pj.language, _finance_options(pj)))
    from sewerplan.reporting.formats import write_briefing

    return write_briefing(kind, bundle, out, fmt, pj.language, _finance_options(pj), force=True, rendered=rendered)


def _write_briefings(run: _Run, bundle) -> None:
    """Step 7: council and hearing briefings in the project's language and formats."""
    if not run.reports:
        return
    pj = run.project
    try:
        for kind in BRIEFING_STEMS:
            rendered = None
            if {"pdf", "hwpx"} <= set(pj.formats):  # one render of the context and charts for both files
                from sewerplan.reporting.formats import rendered_html

                rendered = rendered_html(kind, bundle, pj.language, _finance_options(pj))
            for fmt in pj.formats:
                key = f"{kind}_pdf" if fmt == "pdf" else f"{kind}_{fmt}"
                run.paths[key] = _write_briefing(run, kind, fmt, bundle, rendered)
    except (ImportError, OSError) as exc:  # WeasyPrint without Pango on this machine
        from sewerplan.reporting.render import pdf_unavailable_message

        run.warnings.append(pdf_unavailable_message(str(exc)))
        return
    if run.paths.get("council_pdf") and run.paths["council_pdf"].suffix == ".html":  # no Pango: HTML instead
        from sewerplan.reporting.render import pdf_unavailable_message, weasyprint_problem

        run.warnings.append(pdf_unavailable_message(weasyprint_problem() or "", run.paths["council_pdf"].parent))


def _run_summary(run: _Run, prep, model, comparison, forecast, bundle, scenario_result, timings) -> dict:
    """The key numbers of the run (run_summary.json, printed by the CLI)."""
    est, districts, town = forecast
    tot = comparison.iloc[-1]
    t = town.iloc[0]
    match = prep.report["match"]
    cap = bundle.capacity
    return {
        "synthetic": bool(run.synthetic),
        "note": _synthetic_note(run.synthetic),
        "names": {"municipality": run.project.municipality, "town": run.project.town,
                  "existing_town": run.project.existing_town},
        "privacy": {k: prep.report["privacy"][k] for k in ("key_source", "key_id", "billing_columns_dropped")},
        "training": {"buildings": int(len(prep.training_table)),
                     "with_observed": prep.report["training_rows_with_observed"],
                     "meters_unmatched": match["meters_unmatched"],
                     "buildings_without_meters": match["buildings_without_meters"]},
        "model": {"id": model.model_id, "learner": model.learner},
        "existing_town_total_m3_per_day": {k: round(float(tot[k]), 1) for k in ("observed", *COMPARED)},
        "existing_town_districts": _district_errors(comparison),
        "existing_town_median_abs_district_error_pct": {
            m: round(float(comparison.iloc[:-1][f"{m}_error_pct"].abs().median()), 1) for m in COMPARED},
        "planned_town": {"buildings": int(len(est)), "districts": int(len(districts)),
                         "ml_day_max_m3_per_day": round(float(t["ml_day_max_m3_per_day"]), 1),
                         "ml_upper_day_max_m3_per_day": round(float(t["ml_upper_day_max_m3_per_day"]), 1),
                         "pilot_formula_day_max_m3_per_day": round(float(t["pilot_formula_day_max_m3_per_day"]), 1)},
        "capacity_m3_per_day": {"ml_p50": cap.p50_m3_per_day, "ml_upper": cap.upper_m3_per_day,
                                "recommended": bundle.recommended_capacity_m3_per_day,
                                **{m: getattr(cap, f"{m}_m3_per_day") for m in COMPARED[:3]},
                                "plant": cap.plant_m3_per_day, "plant_origin": cap.plant_origin},
        "interval": {"level_attained": cap.interval_level, "n_calibration_districts": cap.n_calibration_districts,
                     **_newest_summary(bundle)},
        "decision": [dataclasses.asdict(r) for r in bundle.decision.rows],
        "scenario": _scenario_summary(scenario_result),
        "timings_s": timings,
        "warnings": run.warnings,
    }


def _newest_summary(bundle) -> dict:
    """The newest-cohort check in the run summary (empty for a model without it)."""
    nc = bundle.metadata.model_card.newest_check
    if nc is None:
        return {}
    return {"newest_checked": nc.checked, "newest_buildings": nc.n_buildings, "newest_total_ratio": nc.total_ratio,
            "newest_wape": nc.wape, "newest_years": [nc.first_year, nc.last_year],
            "newest_per_type_total_ratio": nc.per_type_total_ratio, "newest_upper_widening": nc.upper_widening,
            "newest_level_factor": nc.level_factor}


def _district_errors(comparison) -> list[dict]:
    """Per district: observed and each method [m3/d], signed error observed - method [t/d] (the pilot's form)."""
    rows = []
    for _, r in comparison.iterrows():
        row = {"district": str(r["district"]), "observed": round(float(r["observed"]), 1)}
        for m in COMPARED:
            row[m] = round(float(r[m]), 1)
            row[f"{m}_error_t_per_day"] = round(float(r[f"{m}_error_t_per_day"]), 1)
        rows.append(row)
    return rows


def _write_summary(run: _Run, summary: dict) -> None:
    write_json_atomic(run.out / RUN_FILES["summary"], summary)
    run.paths["summary"] = run.out / RUN_FILES["summary"]


def run_project(project: Project, out_dir="sewerplan-output", force: bool = False, progress=None,
                reports: bool = True, params: DesignParameters = DEFAULT_PARAMETERS) -> RunResult:
    """Run the recipe end to end (the seven :data:`RUN_STEPS`) and write every output into ``out_dir``.

    Parameters
    ----------
    project : Project
        A checked project file (:func:`sewerplan.recipe.project.load_project`): names, inputs,
        plant, finance, model choice, language and formats, privacy settings.
    out_dir : path
        Output folder (created). Existing outputs are replaced only with ``force``; nothing is
        written when the project or the folder fails a check, and the folder holds
        ``_INCOMPLETE_RUN.txt`` until the run succeeds.
    progress : callable, optional
        ``progress(step_index, n_steps, message)`` before each step (the CLI draws a bar).
    reports : bool
        Write the briefings (``report.formats``).
    params : DesignParameters
        Design parameters; ``finance.return_ratio`` of the project replaces ``return_ratio``.

    Returns
    -------
    RunResult
    """
    from sewerplan.model.intake.privacy import load_key

    out = Path(out_dir)
    _check_out(out, force, project)
    key = load_key(project.key_file)
    if project.return_ratio is not None:
        params = params.replace(return_ratio=project.return_ratio)
    with output_run(out, "run"):
        return _run_steps(_Run(out=out, project=project, params=params, key=key, reports=reports), progress)


def _run_steps(run: _Run, progress) -> RunResult:
    """The seven steps, timed, then the summary (the output folder locked and marked incomplete)."""
    clock = _StepClock(progress)
    prep = clock.step(_prepare_existing_town, run)
    model = clock.step(_train, run, prep)
    comparison = clock.step(_compare_held_out, run, prep.training_table, model)
    forecast = clock.step(_forecast_planned_town, run, model)
    scenario_result = clock.step(_run_build_out_scenario, run, model)
    bundle = clock.step(_write_results, run, prep, model, comparison, forecast, scenario_result)
    clock.step(_write_briefings, run, bundle)
    summary = _run_summary(run, prep, model, comparison, forecast, bundle, scenario_result, clock.timings)
    _write_summary(run, summary)
    clock.finish()
    return RunResult(run.out, run.paths, summary, clock.timings, run.warnings)
