"""``sewerplan scenario``: run, compare and start planning scenarios (model in ``model/scenario*.py``)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table

from sewerplan.cli.common import console, out_console, user_errors

scenario_app = typer.Typer(
    name="scenario",
    help="Planning scenarios: land-use mix, phasing, household trends, plant sizing / 계획 시나리오.",
    no_args_is_help=True,
)


def _fmt(v, digits=0):
    if v is None or (isinstance(v, float) and v != v):
        return "-"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return str(v)


@scenario_app.command("run")
def run(
    file: Path = typer.Argument(..., help="Scenario file (.yaml or .xlsx) / 시나리오 파일"),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder / 결과 폴더"),
    force: bool = typer.Option(False, "--force", help="Replace existing results in OUT / 기존 결과 덮어쓰기"),
    model: Optional[Path] = typer.Option(None, "--model", help="ML model file (.skops); default settings.model or the bundled model / ML 모델"),
    no_ml: bool = typer.Option(False, "--no-ml", help="Design methods only / ML 제외"),
    simulations: Optional[int] = typer.Option(None, "--simulations", min=100, max=200_000, help="Monte Carlo draws, 100-200000 (default 4000) / 모의 횟수"),
) -> None:
    """Run a scenario per year of build-out; write xlsx, CSVs, JSON summary and a chart.

    연도별 배수구역·도시 전체 오수량(일평균·일최대·시간최대, ML P50/P90)과 필요 처리용량을 계산합니다.
    """
    from sewerplan.model.fileio import output_run
    from sewerplan.model.planning.scenario import load_scenario
    from sewerplan.model.outputs.scenario_outputs import write_scenario_outputs
    from sewerplan.model.planning.scenario_run import run_scenario

    with user_errors():
        _check_scenario_out(out, force, [file, model])
        scenario = load_scenario(file)
        with output_run(out, "scenario run"):
            result = run_scenario(scenario, model=False if no_ml else model, n_simulations=simulations)
            paths = write_scenario_outputs(result, out, force=force, inputs=[file, model])
    s = result.summary
    for note in result.notes:
        if note.startswith("ML not run"):
            console.print(f"[yellow]참고 (note):[/] {note}", highlight=False)
    t = Table(title=f"{result.name}: 필요 처리용량 (capacity needed) [m3/d]", show_lines=False)
    cols = ["year", "pilot_formula_capacity_m3_per_day", "master_plan_capacity_m3_per_day",
            "unit_load_capacity_m3_per_day", "ml_capacity_p50_m3_per_day", "ml_capacity_p90_m3_per_day",
            "probability_exceeded", "utilisation_p50"]
    heads = ["연도 year", "기존 방식 pilot", "기본계획 master plan", "원단위 unit load", "ML P50", "ML P90",
             "P(초과 exceed)", "가동률 utilisation"]
    cap = result.capacity
    present = [(c, h) for c, h in zip(cols, heads) if c in cap.columns]
    for _, h in present:
        t.add_column(h, justify="right")
    for _, r in cap.iterrows():
        t.add_row(*[str(int(r[c])) if c == "year" else (_fmt(r[c], 2) if c in ("probability_exceeded", "utilisation_p50") else _fmt(r[c]))
                    for c, _ in present])
    out_console.print(t)
    if s.get("year_exceeded"):
        out_console.print(f"처리장 {_fmt(s['plant_capacity_m3_per_day'])} m3/d 초과 연도 (year plant exceeded): {s['year_exceeded']}")
    out_console.print(f"{len(result.by_year_town)} years / {len(result.by_year_town)}개 연도, {s['buildings']} "
                      f"buildings expanded from the block plan / 블록 계획에서 만든 건축물 {s['buildings']}동, "
                      f"{result.elapsed_seconds:.1f} s. 결과 (outputs): {paths['workbook'].parent}")


def _check_scenario_out(out: Path, force: bool, inputs) -> None:
    """Every file ``scenario run`` writes into OUT passes the output check before the run starts."""
    from sewerplan.model.errors import InputFileError
    from sewerplan.model.fileio import check_outputs
    from sewerplan.model.outputs.scenario_outputs import OUTPUT_FILES

    if out.exists() and not out.is_dir():
        raise InputFileError(f"--out {out} is a file, not a folder / --out 은 폴더여야 합니다.")
    check_outputs([out / v for v in OUTPUT_FILES.values()], inputs=inputs, force=force)


@scenario_app.command("compare")
def compare(
    files: List[Path] = typer.Argument(..., help="Two or more scenario files / 비교할 시나리오 파일"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Comparison .xlsx or .csv / 비교 결과 파일"),
    capacity: Optional[float] = typer.Option(None, "--capacity", help="Plant capacity to compare with [m3/d]; default the first scenario's / 처리장 용량"),
    confidence: Optional[float] = typer.Option(None, "--confidence", help="Confidence for capacity needed, e.g. 0.9 / 신뢰수준"),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists / 덮어쓰기"),
    model: Optional[Path] = typer.Option(None, "--model", help="ML model file for every scenario / ML 모델"),
    no_ml: bool = typer.Option(False, "--no-ml", help="Design methods only / ML 제외"),
) -> None:
    """Compare scenarios side by side and against a plant capacity.

    시나리오별 필요 처리용량, 처리장 초과 연도와 확률, 과대·과소 설계 비용을 비교합니다.
    """
    from sewerplan.model.fileio import check_outputs, output_run
    from sewerplan.model.ml.persistence import load_model
    from sewerplan.model.planning.scenario import load_scenario
    from sewerplan.model.outputs.scenario_outputs import write_comparison
    from sewerplan.model.planning.scenario_run import compare_scenarios, run_scenario

    with user_errors(), contextlib.ExitStack() as run:
        if out is not None:
            side = [out.with_name(out.stem + ".by_year.csv")] if out.suffix.lower() == ".csv" else []
            check_outputs([out, *side], inputs=[*files, model], force=force)
            run.enter_context(output_run(out.parent, "scenario compare", mark_incomplete=False))
        scenarios = [load_scenario(f) for f in files]
        shared_model = False if no_ml else (load_model(model) if model else None)
        results = [run_scenario(s, model=shared_model) for s in scenarios]
        by_year, summary = compare_scenarios(results, plant_capacity_m3_per_day=capacity, confidence=confidence)
        if out is not None:
            write_comparison(by_year, summary, out, force=force, inputs=[*files, model],
                             synthetic=any(bool(s.settings.synthetic) for s in scenarios))
    t = Table(title="시나리오 비교 (scenario comparison), 최종 연도 (end year) [m3/d]")
    fields = [("scenario", "시나리오"), ("households", "세대 households"),
              ("pilot_formula_capacity_m3_per_day", "기존 방식 용량"), ("ml_capacity_p50_m3_per_day", "ML P50 용량"),
              ("ml_capacity_at_confidence_m3_per_day", "ML 신뢰수준 용량"), ("year_exceeded_ml_p50", "초과 연도 P50"),
              ("probability_exceeded_by_end", "P(초과)"), ("plant_expected_expansion_krw", "기대 증설비 (억원)")]
    fields = [(c, h) for c, h in fields if c in summary.columns]
    for _, h in fields:
        t.add_column(h, justify="right")
    for _, r in summary.iterrows():
        row = []
        for c, _ in fields:
            v = r[c]
            if c == "probability_exceeded_by_end":
                row.append(_fmt(float(v), 2))
            elif c == "plant_expected_expansion_krw":
                row.append(_fmt(float(v) / 1e8, 1))
            elif c == "year_exceeded_ml_p50":
                row.append("-" if v is None or v != v else str(int(v)))
            else:
                row.append(_fmt(v) if not isinstance(v, str) else v)
        t.add_row(*row)
    out_console.print(t)
    if out is not None:
        out_console.print(f"결과 (output): {out}")


@scenario_app.command("template")
def template(
    out: Path = typer.Option(..., "--out", "-o", help="New scenario file (.xlsx or .yaml) / 새 시나리오 파일"),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists / 덮어쓰기"),
) -> None:
    """Write the sample new town's scenario as a file to fill in (Excel or YAML).

    표본 신도시 시나리오를 엑셀/YAML 양식으로 저장합니다 (시트마다 표 하나).
    """
    from sewerplan.model.errors import InputFileError
    from sewerplan.model.planning.scenario import load_scenario, sample_scenario_path, write_scenario_workbook, write_scenario_yaml

    with user_errors():
        s = load_scenario(sample_scenario_path("base"))
        suffix = out.suffix.lower()
        if suffix == ".xlsx":
            write_scenario_workbook(s, out, force=force)
        elif suffix in (".yaml", ".yml"):
            write_scenario_yaml(s, out, force=force)
        else:
            raise InputFileError(f"--out must end in .xlsx or .yaml, not '{out.suffix}' / .xlsx 또는 .yaml 로 저장하세요.")
    out_console.print(f"시나리오 양식 (scenario template): {out}")


def register(app: typer.Typer) -> None:
    """Add the ``scenario`` command group to the sewerplan app."""
    app.add_typer(scenario_app, name="scenario")
