"""The whole municipality recipe on the bundled synthetic sample (``sewerplan demo``).

:func:`run_demo` runs the seven steps of the recipe and writes every output into one folder:

1. **prepare**: register + billing of the existing town -> training table with observed
   day-average sewage and the match report (``training/``).
2. **train** the ML model on it (model + card, ``model/``).
3. **honest comparison**: for each existing-town district, observed vs the pilot formula vs
   the master-plan method vs the MOE unit loads vs ML, where each ML value comes from a model
   that never saw that district (grouped cross-validation). Design methods are day-max; they
   are compared on a day-average basis (x ``day_average_to_day_max``), without infiltration
   (billed water contains no groundwater; the pilot formula keeps its x1.1). Errors are signed
   in the pilot's form, observed - estimate in t/d (+: the method falls short).
4. **forecast the planned town** per building and district: the three baselines and ML with
   its interval; day-average, day-max and hour-max (infiltration once); treatment capacity =
   design day-max; the sizing decision of each baseline against the ML need
   (:func:`sewerplan.model.outputs.results.decision_for`).
5. **scenario**: the planned town's build-out by year (phasing, household-size trend) with
   P50/P90 capacity, run with the model just trained (the sample scenario for the sample).
6. **write** the results workbook and results.json (the reports' input).
7. **briefings**: the council / hearing PDFs when the reporting package can render.

Every output is labelled synthetic when the inputs are the bundled sample.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sewerplan.model.design.conventional import design_flows
from sewerplan.model.errors import InputFileError
from sewerplan.model.design.estimate import district_summary, estimate_buildings, town_total
from sewerplan.model.fileio import check_outputs, output_run, write_csv_atomic, write_json_atomic
from sewerplan.model.intake.inventory import load_buildings
from sewerplan.model.design.parameters import DEFAULT_PARAMETERS, DesignParameters, parameter_table
from sewerplan.model.intake.prepare import HOUSEHOLD_MIX_FILES, PREPARE_FILES, prepare_training_table, write_prepared
from sewerplan.recipe.sample_town import sample_file

__all__ = ["DEMO_FILES", "DemoResult", "run_demo", "comparison_table", "forecast_tables"]

DEMO_FILES = {
    "workbook": "sewerplan_results.xlsx",
    "results_json": "results.json",
    "comparison": "existing_town_comparison.csv",
    "cv_buildings": "existing_town_heldout_predictions.csv",
    "forecast_buildings": "planned_town_buildings.csv",
    "forecast_districts": "planned_town_districts.csv",
    "model": "model/sewerplan_model.skops",
    "card": "model/sewerplan_model.card.json",
    "summary": "demo_summary.json",
    "council_pdf": "council_briefing.pdf",
    "hearing_pdf": "public_hearing.pdf",
}
# (timing key, progress message) of the seven steps, in order
DEMO_STEPS = [
    ("prepare", "1/7 prepare: register + billing -> observed sewage / 관측 오수량 산정"),
    ("train", "2/7 train the ML model (grouped by district) / ML 모델 학습"),
    ("compare", "3/7 held-out district comparison / 배수구역 교차검증 비교"),
    ("forecast", "4/7 forecast the planned town / 계획 신도시 예측"),
    ("scenario", "5/7 build-out scenario by year / 연도별 단계 개발 시나리오"),
    ("write", "6/7 results workbook and results.json / 결과 통합문서"),
    ("reports", "7/7 council and hearing PDFs / 의회·공청회 보고서"),
]
TRAINING_DIR = "training"
SCENARIO_DIR = "scenario"
PLANNED_REJECTED = "planned_town_rejected_rows.csv"
COMPARED = ("pilot_formula", "master_plan", "unit_load", "ml")  # methods of the comparison, in print order
TOTAL_LABEL = "합계 (total)"


@dataclass
class DemoResult:
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


def _plant_input(scenario_result) -> tuple[float | None, str]:
    """The plant the need is compared with [m3/d] and where that number comes from (an input)."""
    if scenario_result is None or scenario_result.scenario.settings.plant_capacity_m3_per_day is None:
        return None, ""
    src = Path(scenario_result.scenario.source).name if scenario_result.scenario.source else "scenario"
    plant = float(scenario_result.scenario.settings.plant_capacity_m3_per_day)
    return plant, f"{src}: settings.plant_capacity_m3_per_day"


def _capacity_recommendation(town_row, model, scenario_result):
    """Treatment capacity [m3/d] by method = design day-max incl. infiltration once; one recommendation."""
    from sewerplan.model.design.capacity import plant_capacity
    from sewerplan.model.outputs.results import CapacityRecommendation

    def capacity(column):
        return round(float(plant_capacity(town_row[column])), -1)

    level, n = _interval_record(model)
    plant, origin = _plant_input(scenario_result)
    return CapacityRecommendation(
        pilot_formula_m3_per_day=capacity("pilot_formula_day_max_m3_per_day"),
        master_plan_m3_per_day=capacity("master_plan_day_max_m3_per_day"),
        unit_load_m3_per_day=capacity("unit_load_day_max_m3_per_day"),
        p50_m3_per_day=capacity("ml_day_max_m3_per_day"),
        lower_m3_per_day=capacity("ml_lower_day_max_m3_per_day"),
        upper_m3_per_day=capacity("ml_upper_day_max_m3_per_day"),
        basis=f"ML upper bound of the district-total interval (level {level:.0%} attained with {n} calibration "
              "districts), design day-max incl. infiltration once",
        interval_level=round(level, 4), n_calibration_districts=n, plant_m3_per_day=plant, plant_origin=origin,
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
                        T("domestic", "생활오수 (인구 x 1인1일최대급수량 x 오수전환율)", "domestic sewage", mp["domestic"], "m3/d"),
                        T("factory", "공장폐수 (공장 연면적 x 원단위)", "factory wastewater", mp["factory"], "m3/d"),
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


def _results_model_card(model):
    """The model card as the reports show it: id, training data, finite CV metrics, limits."""
    from sewerplan.model.outputs.results import ModelCard

    card = model.card
    chosen = card.get("cross_validation", {}).get("chosen", {}) or {}
    metrics = {k: float(v) for k, v in chosen.items() if isinstance(v, (int, float)) and np.isfinite(v)}
    return ModelCard(
        model_id=model.model_id,
        trained_on=card.get("trained_on", ""),
        n_training_buildings=int(card.get("rows", {}).get("used", 0)),
        metrics=metrics,
        limits=[str(x) for x in card.get("limits", [])][:6] if isinstance(card.get("limits"), list) else [],
        interval_level=float(model.coverage),
    )


def _metadata(model, params: DesignParameters, synthetic: bool):
    """Names, data source, model card and parameters of the results bundle."""
    from sewerplan.model.outputs.results import Metadata, ParameterUsed

    meta = Metadata(
        town_name="가온시 새빛지구 (합성 예시)" if synthetic else "planned town",
        existing_town_name="가온시 기존 시가지 (합성 예시)" if synthetic else "existing town",
        created=_dt.date.today().isoformat(),
        synthetic=bool(synthetic),
        data_source=("sewerplan 합성 예시 자료: 건축물대장·상수도 요금 부과자료 형식의 가상 데이터 / "
                     "synthetic register and billing data bundled with sewerplan") if synthetic else "municipal data",
        model_card=_results_model_card(model),
        parameters=[ParameterUsed(p["name"], float(p["value"]), p["unit"], p["source"], p["label_ko"])
                    for p in parameter_table(params)],
        municipality="가온시 (가상)" if synthetic else "",
        town_name_en="Gaon new town, Saebit district (synthetic)" if synthetic else "",
        existing_town_name_en="Gaon existing town (synthetic)" if synthetic else "",
    )
    try:
        from importlib.metadata import version

        meta.sewerplan_version = version("sewerplan")
    except Exception:  # noqa: BLE001 - version is decorative
        pass
    return meta


def _bundle(comparison, forecast, model, params, synthetic, report_counts, scenario_result):
    """The validated results bundle (with the scenario section and the decision) and the synthetic note."""
    from sewerplan.model.outputs.results import ResultsBundle, scenario_section_from_result

    est, districts, town = forecast
    t = town.iloc[0]
    existing_rows = comparison[comparison["district"] != TOTAL_LABEL]
    total_comp = comparison[comparison["district"] == TOTAL_LABEL].iloc[0]
    cap = _capacity_recommendation(t, model, scenario_result)
    by_size, by_size_year = _households_by_size(est)
    bundle = ResultsBundle(
        metadata=_metadata(model, params, synthetic),
        existing=[_district_comparison(r, str(r["district"])) for _, r in existing_rows.iterrows()],
        existing_total=_district_comparison(total_comp, "합계"),
        planned=[_district_forecast(r, r["district"], params) for _, r in districts.iterrows()],
        planned_total=_district_forecast(t, "합계", params),
        capacity=cap,
        baselines=_baselines(est, t, cap, params),
        households_by_size=by_size,
        households_by_size_year=by_size_year,
        billed_volume_m3_per_day=_fee_base_m3_per_day(report_counts),
        scenario=scenario_section_from_result(scenario_result) if scenario_result is not None else None,
    )
    _add_money(bundle)
    bundle.validate()
    return bundle, _synthetic_note(synthetic)


def _fee_base_m3_per_day(report_counts: dict) -> float:
    """The existing town's billed water x return ratio, all meters [m3/d] (the fee base's default)."""
    return round(float(report_counts.get("sewage_m3_per_day_all_meters",
                                         report_counts.get("sewage_m3_per_day_matched", 0.0))), 1)


def _add_money(bundle) -> None:
    """The finance section (the demo's money inputs, the fee base) and the decision on the same money basis."""
    from sewerplan.model.outputs.finance_section import budget_basis, finance_section
    from sewerplan.model.outputs.results import EXAMPLE_MONEY_INPUTS, decision_for

    inputs = EXAMPLE_MONEY_INPUTS  # observed shares of a 시 (kr_sewerage_subsidy_shares.csv); the rest default
    from sewerplan.model.planning.budget import council_budget

    bundle.finance = finance_section(bundle, inputs,
                                     fee_base_m3_per_year=round(bundle.billed_volume_m3_per_day * 365.0, 1),
                                     fee_base_origin="existing_billed_water")
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


def _check_out(out: Path, force: bool, inputs=()) -> None:
    """Every file the demo writes passes the output check (never an input, replaced only with ``force``)."""
    from sewerplan.model.outputs.scenario_outputs import OUTPUT_FILES

    if out.exists() and not out.is_dir():
        raise InputFileError(f"--out {out} is a file, not a folder / --out 은 폴더여야 합니다.")
    prepared = {**PREPARE_FILES, **HOUSEHOLD_MIX_FILES}
    targets = ([out / v for v in DEMO_FILES.values()] + [out / TRAINING_DIR / v for v in prepared.values()]
               + [out / SCENARIO_DIR / v for v in OUTPUT_FILES.values()] + [out / PLANNED_REJECTED])
    try:
        check_outputs(targets, inputs=[p for p in inputs if p is not None], force=force)
    except InputFileError as exc:
        if "--force" not in str(exc):
            raise
        raise InputFileError(
            f"{out} already holds demo outputs. Use --force to replace them or choose another --out / "
            f"출력 폴더에 결과가 이미 있습니다. --force 또는 다른 --out 을 쓰세요."
        ) from None


# ---------------------------------------------------------------------------------------
# the run: inputs, the step clock, and one function per step
# ---------------------------------------------------------------------------------------

@dataclass
class _DemoRun:
    """What every step needs: inputs [paths], output folder, parameters; collects paths and warnings."""

    out: Path
    register: Path
    billing: Path
    planned: Path
    household_mix: Path | None
    scenario: Path | None
    synthetic: bool
    planned_is_sample: bool
    params: DesignParameters
    paths: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


def _demo_run(out: Path, register, billing, planned, household_mix, scenario, synthetic, params) -> _DemoRun:
    """Fill in the bundled synthetic sample for every input not given."""
    if synthetic is None:
        synthetic = register is None and billing is None and planned is None
    if household_mix is None and register is None:
        household_mix = sample_file("household_mix")
    return _DemoRun(out=out, register=register or sample_file("register"), billing=billing or sample_file("billing"),
                    planned=planned or sample_file("planned"), household_mix=household_mix, scenario=scenario,
                    synthetic=synthetic, planned_is_sample=planned is None, params=params)


class _StepClock:
    """Announces each of :data:`DEMO_STEPS` to the progress callback and times it [s]."""

    def __init__(self, progress):
        self._say = progress or (lambda i, n, msg: None)
        self._next = 0
        self.timings: dict = {}
        self._t0 = time.perf_counter()

    def step(self, func, *args):
        """Run the next step ``func(*args)``; return its result."""
        name, message = DEMO_STEPS[self._next]
        self._say(self._next, len(DEMO_STEPS), message)
        result = func(*args)
        now = time.perf_counter()
        self.timings[name] = round(now - self._t0, 2)
        self._t0 = now
        self._next += 1
        return result

    def finish(self) -> None:
        self._say(len(DEMO_STEPS), len(DEMO_STEPS), "done / 완료")


def _prepare_existing_town(run: _DemoRun):
    """Step 1: join billing to the register; write the training table and match report."""
    prep = prepare_training_table(run.register, run.billing, params=run.params, synthetic=run.synthetic,
                                  household_mix=run.household_mix)
    written = write_prepared(prep, run.out / TRAINING_DIR, force=True,
                             inputs=(run.register, run.billing, run.household_mix))
    run.paths.update({f"training_{k}": v for k, v in written.items()})
    return prep


def _train(run: _DemoRun, prep, learner: str, seed: int):
    """Step 2: train the ML model (grouped by district); write it with its card."""
    from sewerplan.model.ml.persistence import save_model
    from sewerplan.model.ml.train import train_model

    table = prep.training_table
    months = prep.report["billing"]["months"]
    trained_on = (f"synthetic existing town of 가온시 ({len(table)} buildings, "
                  f"{table['district'].nunique()} districts, billing {months[0]}-"
                  f"{months[-1]})") if run.synthetic else f"{run.register}"
    model = train_model(table, learner=learner, synthetic=run.synthetic, trained_on=trained_on, seed=seed)
    run.paths["model"] = save_model(model, run.out / DEMO_FILES["model"], force=True)
    run.paths["card"] = run.out / DEMO_FILES["card"]
    return model


def _compare_held_out(run: _DemoRun, table: pd.DataFrame, model) -> pd.DataFrame:
    """Step 3: observed vs methods per existing district, ML from held-out districts."""
    cv = model.cv_predictions  # computed while training: no second cross-validation
    comparison = comparison_table(table, cv, params=run.params)
    run.paths["comparison"] = write_csv_atomic(comparison, run.out / DEMO_FILES["comparison"])
    run.paths["cv_buildings"] = write_csv_atomic(cv, run.out / DEMO_FILES["cv_buildings"])
    return comparison


def _forecast_planned_town(run: _DemoRun, model):
    """Step 4: the planned town per building and district; returns ``(est, districts, town)``."""
    plan, plan_rejected = load_buildings(run.planned, skip_invalid=True)
    if len(plan_rejected):
        run.warnings.append(f"{len(plan_rejected)} planned-town rows rejected (see planned_town_rejected_rows.csv)")
        run.paths["planned_rejected"] = write_csv_atomic(plan_rejected, run.out / PLANNED_REJECTED)
    est = estimate_buildings(plan, params=run.params)
    est = est.join(model.predict(est))
    districts, town = forecast_tables(est, model, params=run.params)
    run.paths["forecast_buildings"] = write_csv_atomic(est, run.out / DEMO_FILES["forecast_buildings"])
    run.paths["forecast_districts"] = write_csv_atomic(pd.concat([districts, town], ignore_index=True),
                                                       run.out / DEMO_FILES["forecast_districts"])
    return est, districts, town


def _run_build_out_scenario(run: _DemoRun, model):
    """Step 5: phasing, household trend, P50/P90 capacity by year (None without a scenario)."""
    scenario = run.scenario
    if scenario is None and run.planned_is_sample:  # the sample scenario describes the sample planned town
        from sewerplan.model.planning.scenario import sample_scenario_path

        scenario = sample_scenario_path("base")
    if not scenario:
        return None
    from sewerplan.model.outputs.scenario_outputs import write_scenario_outputs
    from sewerplan.model.planning.scenario_run import run_scenario

    result = run_scenario(scenario, model=model)
    for key, p in write_scenario_outputs(result, run.out / SCENARIO_DIR, force=True, inputs=(scenario,)).items():
        run.paths[f"scenario_{key}"] = p
    return result


def _capacity_sheet(bundle) -> pd.DataFrame:
    """Capacity by method [m3/d] (= design day-max) and each baseline's decision against the ML need."""
    cap, rows = bundle.capacity, []
    for b in bundle.baselines:
        d = bundle.decision.row(b.method) if bundle.decision else None
        rows.append((f"{b.label_ko} ({b.label_en})", b.day_max_m3_per_day,
                     None if d is None else d.gap_m3_per_day, None if d is None else d.direction,
                     None if d is None else d.probability_too_small, None if d is None else d.expected_expansion_krw,
                     None if d is None else d.stranded_capital_krw))
    rows += [("ML 하한 (lower)", cap.lower_m3_per_day, None, None, None, None, None),
             ("ML 상한 = 권고 (upper = recommended)", cap.upper_m3_per_day, None, None, None, None, None)]
    return pd.DataFrame(rows, columns=["처리용량 근거 (basis)", "capacity_m3_per_day", "gap_vs_ml_p50_m3_per_day",
                                       "direction", "probability_too_small", "expected_expansion_krw",
                                       "stranded_capital_krw"])


def _write_workbook(run: _DemoRun, est, districts, town, comparison, bundle, note: str, match: dict) -> None:
    """The results workbook: buildings, districts, comparison, capacity and match report sheets."""
    from sewerplan.model.outputs.workbook import write_results_workbook

    match_flat = pd.DataFrame(
        [(k, json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v) for k, v in match.items()],
        columns=["item", "value"])
    notes = [note] if note else []
    notes.append("기존 시가지 비교의 ML 값은 해당 배수구역을 학습에서 제외한 모델의 예측입니다 (held-out districts). "
                 "설계 방식은 일평균(x0.75)으로 환산해 비교합니다. 오차 = 실측 - 추정 [t/일] (+: 추정이 실측보다 작음).")
    run.paths["workbook"] = write_results_workbook(
        run.out / DEMO_FILES["workbook"], est, town_total(districts).iloc[:-1].pipe(lambda d: pd.concat([d, town])),
        params=run.params, synthetic=run.synthetic, notes=notes, source=str(run.planned),
        extra_sheets={"기존시가지 비교": comparison, "처리용량 권고": _capacity_sheet(bundle),
                      "연계 보고서": match_flat},
    )


def _write_results(run: _DemoRun, prep, model, comparison, forecast, scenario_result):
    """Step 6: results.json and the results workbook; returns the bundle."""
    est, districts, town = forecast
    bundle, note = _bundle(comparison, forecast, model, run.params, run.synthetic, prep.report["match"],
                           scenario_result)
    run.paths["results_json"] = bundle.to_json(run.out / DEMO_FILES["results_json"], force=True)
    _write_workbook(run, est, districts, town, comparison, bundle, note, prep.report["match"])
    return bundle


def _write_briefings(run: _DemoRun, bundle, reports: bool) -> None:
    """Step 7: council and hearing PDFs (skipped with a warning when WeasyPrint cannot run)."""
    if not reports:
        return
    try:
        from sewerplan.reporting import write_report

        run.paths["council_pdf"] = write_report("council", bundle, run.out / DEMO_FILES["council_pdf"], force=True)
        run.paths["hearing_pdf"] = write_report("hearing", bundle, run.out / DEMO_FILES["hearing_pdf"], force=True)
    except (ImportError, OSError) as exc:  # WeasyPrint without Pango on this machine
        from sewerplan.reporting.render import pdf_unavailable_message

        run.warnings.append(pdf_unavailable_message(str(exc)))
        return
    if run.paths["council_pdf"].suffix == ".html":  # no Pango: HTML briefings written instead
        from sewerplan.reporting.render import pdf_unavailable_message, weasyprint_problem

        run.warnings.append(pdf_unavailable_message(weasyprint_problem() or "", run.paths["council_pdf"].parent))


def _demo_summary(run: _DemoRun, prep, model, comparison, forecast, bundle, scenario_result, timings) -> dict:
    """The key numbers of the run (demo_summary.json, printed by the CLI)."""
    est, districts, town = forecast
    tot = comparison.iloc[-1]
    t = town.iloc[0]
    match = prep.report["match"]
    cap = bundle.capacity
    return {
        "synthetic": bool(run.synthetic),
        "note": _synthetic_note(run.synthetic),
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
        "interval": {"level_attained": cap.interval_level, "n_calibration_districts": cap.n_calibration_districts},
        "decision": [dataclasses.asdict(r) for r in bundle.decision.rows],
        "scenario": _scenario_summary(scenario_result),
        "timings_s": timings,
        "warnings": run.warnings,
    }


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


def _write_summary(run: _DemoRun, summary: dict) -> None:
    write_json_atomic(run.out / DEMO_FILES["summary"], summary)
    run.paths["summary"] = run.out / DEMO_FILES["summary"]


def run_demo(out_dir="sewerplan-output", force: bool = False, progress=None, register=None, billing=None,
             planned=None, synthetic: bool | None = None, learner: str = "auto", reports: bool = True,
             params: DesignParameters = DEFAULT_PARAMETERS, seed: int = 0, scenario=None,
             household_mix=None) -> DemoResult:
    """Run the recipe end to end (the seven :data:`DEMO_STEPS`) and write every output into ``out_dir``.

    Parameters
    ----------
    out_dir : path
        Output folder (created). Existing outputs are replaced only with ``force``.
    progress : callable, optional
        ``progress(step_index, n_steps, message)`` before each step (the CLI draws a bar).
    register, billing, planned : path, optional
        Existing-town register, billing extract and planned-town table; default the bundled
        synthetic sample (then ``synthetic`` defaults to True).
    household_mix : path, optional
        Household-size composition per building of the existing town (``sewerplan prepare
        --household-mix``); default the bundled sample's when the register is the sample's.
    learner : str
        ML learner ('auto' chooses by grouped CV; a fixed learner is faster).
    scenario : path, optional
        Build-out scenario file run with the trained model (P50/P90 capacity by year, into
        ``scenario/`` and the council briefing); default the sample scenario when the planned
        town is the bundled sample, none otherwise.
    reports : bool
        Render the council and hearing PDFs when the reporting package can.

    Returns
    -------
    DemoResult
    """
    out = Path(out_dir)
    _check_out(out, force, (register, billing, planned, household_mix, scenario))
    with output_run(out, "demo"):
        return _run_steps(_demo_run(out, register, billing, planned, household_mix, scenario, synthetic, params),
                          progress, learner, seed, reports)


def _run_steps(run: _DemoRun, progress, learner: str, seed: int, reports: bool) -> DemoResult:
    """The seven steps, timed, then the summary (the output folder locked and marked incomplete)."""
    clock = _StepClock(progress)
    prep = clock.step(_prepare_existing_town, run)
    model = clock.step(_train, run, prep, learner, seed)
    comparison = clock.step(_compare_held_out, run, prep.training_table, model)
    forecast = clock.step(_forecast_planned_town, run, model)
    scenario_result = clock.step(_run_build_out_scenario, run, model)
    bundle = clock.step(_write_results, run, prep, model, comparison, forecast, scenario_result)
    clock.step(_write_briefings, run, bundle, reports)
    summary = _demo_summary(run, prep, model, comparison, forecast, bundle, scenario_result, clock.timings)
    _write_summary(run, summary)
    clock.finish()
    return DemoResult(run.out, run.paths, summary, clock.timings, run.warnings)
