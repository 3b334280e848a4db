"""Files a scenario run writes: the workbook, CSVs, summary JSON, the capacity chart, comparisons.

The run itself is :func:`sewerplan.model.planning.scenario_run.run_scenario`; this module only
writes what it returns (atomically, never over an input, replacing only with ``force``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError
from ..intake.household_trend import HH_SHARE_COLUMNS
from ..planning.scenario_run import ScenarioResult, sizing_costs

__all__ = ["OUTPUT_FILES", "write_scenario_outputs", "write_comparison", "capacity_chart"]

OUTPUT_FILES = {
    "workbook": "scenario_results.xlsx",
    "town": "by_year_town.csv",
    "district": "by_year_district.csv",
    "capacity": "capacity_by_year.csv",
    "buildings": "buildings.csv",
    "household_mix": "household_mix.csv",
    "summary": "summary.json",
    "chart": "capacity_by_year.png",
}


def capacity_chart(capacity: pd.DataFrame, path=None, title: str | None = None):
    """Capacity-by-year chart: ML P50 line with P10-P90 band, pilot formula, master plan, unit load, plant.

    Returns the matplotlib Figure; saves it (PNG/SVG by suffix, atomically) when ``path``.
    Labels in English; the vendored NanumSquare font is used when installed so Korean
    scenario names in the title render.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rc = {"axes.unicode_minus": False}
    family = _korean_font()
    if family:
        rc["font.family"] = family
    with plt.rc_context(rc):
        return _capacity_chart(plt, capacity, path, title)


def _korean_font():
    """Register the vendored NanumSquare font (sewerplan.templates) if installed; its family name."""
    try:
        from importlib import resources

        from matplotlib import font_manager

        f = resources.files("sewerplan.templates").joinpath("fonts", "NanumSquareR.ttf")
        if not f.is_file():
            return None
        font_manager.fontManager.addfont(str(f))
        return font_manager.FontProperties(fname=str(f)).get_name()
    except (ModuleNotFoundError, OSError, RuntimeError):
        return None


def _capacity_chart(plt, capacity, path, title):
    fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=120)
    y = capacity["year"].to_numpy()
    if "ml_capacity_p50_m3_per_day" in capacity:
        ax.fill_between(y, capacity["ml_capacity_p10_m3_per_day"], capacity["ml_capacity_p90_m3_per_day"],
                        color="#9ecae1", alpha=0.6, label="ML P10-P90")
        ax.plot(y, capacity["ml_capacity_p50_m3_per_day"], color="#08519c", lw=2, label="ML P50")
        ax.plot(y, capacity["ml_capacity_p90_m3_per_day"], color="#08519c", lw=1, ls="--", label="ML P90")
    ax.plot(y, capacity["pilot_formula_capacity_m3_per_day"], color="#cb181d", lw=1.5, label="pilot formula")
    ax.plot(y, capacity["master_plan_capacity_m3_per_day"], color="#756bb1", lw=1.2, ls="--", label="master plan")
    ax.plot(y, capacity["unit_load_capacity_m3_per_day"], color="#fd8d3c", lw=1.2, ls=":", label="MOE unit load")
    plant = capacity["plant_capacity_m3_per_day"]
    if plant.notna().any():
        ax.axhline(float(plant.iloc[0]), color="k", lw=1, ls="-.", label="plant capacity")
    ax.set_xlabel("year")
    ax.set_ylabel("capacity needed [m3/d]")
    ax.set_xticks(y)
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=3, loc="upper left")
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    if path is not None:
        from ..fileio import atomic_path

        path = Path(path)
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=path.suffix.lstrip(".") or "png")
        plt.close(fig)
    return fig


def _outputs_for(out_dir: Path, inputs, force: bool) -> dict:
    from ..fileio import check_outputs

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputFileError(f"--out {out_dir} is a file, not a folder / --out 은 폴더여야 합니다.")
    paths = {k: out_dir / v for k, v in OUTPUT_FILES.items()}
    check_outputs(paths.values(), inputs=inputs, force=force)
    return paths


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if np.isnan(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.bool_):
        return bool(o)
    return str(o)


def _scenario_sheets(result: ScenarioResult) -> dict[str, str]:
    """What each sheet of scenario_results.xlsx holds (the cover's list)."""
    from .workbook import SHEET_BUILDINGS, SHEET_DISTRICTS

    end = result.years[-1]
    return {
        SHEET_BUILDINGS: f"최종연도({end}) 건축물마다 세 가지 기준 방식(일최대)과 ML 예측(일평균)",
        SHEET_DISTRICTS: f"최종연도({end}) 배수구역별 합계: 방법마다 일평균·일최대·시간최대, ML P10/P50/P90",
        "연도별 총괄 (town)": "연도마다 신도시 전체 합계와 가구원수 구성",
        "연도별 배수구역 (district)": "연도마다 배수구역별 합계",
        "연도별 처리용량 (capacity)": "연도마다 방법별 필요 처리용량, 처리장 가동률과 초과 확률",
        "가구원수 구성 (hh mix)": "연도마다 가구원수별 가구 비율 (인구총조사 추세)",
        "토지이용계획 (plan)": "블록별 토지이용계획 (시나리오 파일)",
        "규모 결정 비용 (sizing)": "후보 용량마다 건설비, 부족 확률, 과다 설계·추후 증설 기대 비용",
    }


def write_scenario_outputs(result: ScenarioResult, out_dir, force: bool = False, inputs=()) -> dict:
    """Write a run's outputs into ``out_dir`` (atomically; refuses to replace without ``force``).

    Files: ``scenario_results.xlsx`` (buildings at the end year, districts at the end year,
    town by year, districts by year, capacity by year, household mix, plan, sizing costs,
    methods), the CSVs ``by_year_town``, ``by_year_district``, ``capacity_by_year``,
    ``buildings``, ``household_mix``, ``summary.json`` and ``capacity_by_year.png``.

    Returns
    -------
    dict of output name -> Path
    """
    from ..fileio import write_csv_atomic, write_json_atomic
    from ..outputs.workbook import write_results_workbook
    from .sheet_style import RunInfo


    inputs = list(inputs) + ([result.scenario.source] if result.scenario.source else [])
    paths = _outputs_for(Path(out_dir), [p for p in inputs if p and Path(p).exists()], force)
    st = result.scenario.settings
    last = result.by_year_district[result.by_year_district["year"] == result.years[-1]].drop(columns="year")
    bcols = [c for c in ["building_id", "block", "district", "main_use", "category", "moe_code_used", "floor_area_m2",
                         "households", "completion_year", "persons_estimated", *HH_SHARE_COLUMNS,
                         "pilot_formula_m3_per_day", "master_plan_m3_per_day", "unit_load_m3_per_day", "ml_m3_per_day",
                         "ml_lower_m3_per_day", "ml_upper_m3_per_day", "synthetic"] if c in result.buildings.columns]
    buildings = result.buildings[bcols]
    costs = sizing_costs(result)
    plan = result.scenario.plan.drop(columns=["source_row"], errors="ignore")
    notes = [f"시나리오 (scenario): {result.name}. {result.scenario.description}".strip(), *result.notes,
             "ML P10/P50/P90: 공통 요인(도시 전체) + 건축물별 독립 오차의 모의 결과 / shared town factor + "
             "independent building residuals, simulated (docs/scenarios.md).",
             "처리용량 = 계획 일최대 오수량 (침입수 1회) / capacity = design day max (infiltration once); "
             f"가동률 {result.utilisation:.0%} 는 증설 검토 기준 (utilisation_p50 = ML P50 / plant, review trigger)."]
    extra = {"연도별 총괄 (town)": result.by_year_town, "연도별 배수구역 (district)": result.by_year_district,
             "연도별 처리용량 (capacity)": result.capacity, "가구원수 구성 (hh mix)": result.household_mix,
             "토지이용계획 (plan)": plan}
    if len(costs):
        extra["규모 결정 비용 (sizing)"] = costs
    write_results_workbook(paths["workbook"], buildings, last, result.params, extra_sheets=extra,
                           synthetic=bool(st.synthetic), notes=notes, source=result.scenario.source,
                           title=f"{result.name}: 단계 개발 시나리오의 연도별 오수량과 필요 처리용량 (sewerplan)",
                           run=RunInfo(command=f"sewerplan scenario run {Path(result.scenario.source).name}"
                                       if result.scenario.source else "sewerplan scenario run",
                                       project=str(result.scenario.source or "")),
                           descriptions=_scenario_sheets(result))
    write_csv_atomic(result.by_year_town, paths["town"])
    write_csv_atomic(result.by_year_district, paths["district"])
    write_csv_atomic(result.capacity, paths["capacity"])
    write_csv_atomic(buildings, paths["buildings"])
    write_csv_atomic(result.household_mix, paths["household_mix"])
    write_json_atomic(paths["summary"], result.summary, default=_json_default)
    capacity_chart(result.capacity, paths["chart"], title=f"{result.name}: capacity needed by year")
    return paths


def write_comparison(by_year: pd.DataFrame, summary: pd.DataFrame, out, force: bool = False, inputs=(),
                     synthetic: bool = False) -> Path:
    """Write a comparison: .xlsx (two sheets with Korean + English headers and, for synthetic
    scenarios, the synthetic-data banner) or .csv (summary; by-year beside it as ``*.by_year.csv``)."""
    from ..fileio import check_outputs, write_csv_atomic

    out = Path(out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise InputFileError(f"--out must end in .xlsx or .csv, not '{out.suffix}' / 결과 파일은 .xlsx 또는 .csv")
    if out.suffix.lower() == ".csv":
        side = out.with_name(out.stem + ".by_year.csv")
        check_outputs([out, side], inputs=inputs, force=force)
        write_csv_atomic(summary, out)
        write_csv_atomic(by_year, side)
        return out
    check_outputs([out], inputs=inputs, force=force)
    from .workbook import write_frames_workbook

    return write_frames_workbook(out, {"비교 요약 (summary)": summary, "연도별 비교 (by year)": by_year},
                                 synthetic=synthetic)
