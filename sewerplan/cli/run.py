"""``sewerplan run``, ``sewerplan init`` and ``sewerplan monitor``: a city's own project, end to end.

``run`` reads a project file (:mod:`sewerplan.recipe.project`) and runs the pipeline
(:mod:`sewerplan.recipe.pipeline`), the same one ``sewerplan demo`` runs on the bundled sample;
``init`` writes a commented starter project file; ``monitor`` compares the new town's first bills
with a run's forecast (:mod:`sewerplan.recipe.monitor`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from sewerplan.cli.common import out_console, user_errors

__all__ = ["run", "init", "monitor", "register"]


def run(
    project: Path = typer.Argument(..., help="Project file (.yaml; sewerplan init writes one) / 프로젝트 파일"),
    out: Path = typer.Option(Path("sewerplan-output"), "--out", help="Output folder / 출력 폴더"),
    force: bool = typer.Option(False, "--force", help="Replace existing outputs / 기존 출력 덮어쓰기"),
    no_reports: bool = typer.Option(False, "--no-reports", help="Skip the briefings / 보고서 생략"),
    allow_html: bool = typer.Option(False, "--allow-html", help="Where no PDF can be made (no Pango), the HTML "
                                                               "briefings are enough: exit 0 / HTML로 충분함"),
):
    """Run a city's project: prepare, train, compare, forecast, scenario, workbook, results.json, briefings.

    프로젝트 파일의 자료로 전체 과정(자료 연계 -> 학습 -> 검증 -> 신도시 예측 -> 시나리오 -> 보고서)을 실행합니다.
    """
    from sewerplan.cli.recipe import _progress, finish_run
    from sewerplan.recipe.pipeline import run_project
    from sewerplan.recipe.project import load_project

    with user_errors():
        start = time.perf_counter()
        checked = load_project(project)
        with _progress() as bar:
            task = bar.add_task("run", total=7)

            def step(i, n, msg):
                bar.update(task, description=msg, completed=i, total=n)

            result = run_project(checked, out, force=force, progress=step, reports=not no_reports)
        finish_run(result, start, checked.formats, allow_html)


def init(
    project: Path = typer.Argument(..., help="Project file to write (.yaml) / 만들 프로젝트 파일"),
    force: bool = typer.Option(False, "--force", help="Replace an existing file / 기존 파일 덮어쓰기"),
):
    """Write a commented starter project file (Korean comments) to fill in.

    주석이 달린 프로젝트 파일 초안을 만듭니다. 경로와 이름을 채운 뒤 sewerplan run 으로 실행하세요.
    """
    from sewerplan.recipe.project import write_starter

    with user_errors():
        path = write_starter(project, force=force)
        out_console.print(f"Project file / 프로젝트 파일: {path}")
        out_console.print(f"Fill in names and paths, then / 이름과 경로를 채운 뒤: sewerplan run {path} --out 결과폴더",
                          markup=False, highlight=False)


def monitor(
    results: Path = typer.Option(..., "--results", help="results.json of a finished run / 실행 결과 파일"),
    billing: Path = typer.Option(..., "--billing", help="The new town's first bills / 신도시 첫 요금 부과자료"),
    out: Path = typer.Option(Path("sewerplan-monitoring"), "--out", help="Output folder / 출력 폴더"),
    buildings: Optional[Path] = typer.Option(None, "--buildings",
                                             help="Forecast buildings (default planned_town_buildings.csv beside "
                                                  "results.json) / 예측 건축물 표"),
    key_file: Optional[Path] = typer.Option(None, "--key-file", help="Pseudonym key file / 가명처리 키 파일"),
    lang: str = typer.Option("ko", "--lang", help="ko or en / 보고서 언어"),
    force: bool = typer.Option(False, "--force", help="Replace existing outputs / 기존 출력 덮어쓰기"),
):
    """After occupancy: compare the first bills with the forecast by district and month; flag districts.

    입주 후 첫 요금 자료를 예측 건축물에 연계해 구역·월별로 비교하고, 예측 구간을 벗어난 구역을 표시합니다.
    """
    from sewerplan.recipe.monitor import run_monitor

    with user_errors():
        if lang not in ("ko", "en"):
            raise typer.BadParameter(f"--lang must be ko or en, not {lang!r}")
        done = run_monitor(results, billing, out, buildings=buildings, key_file=key_file, lang=lang, force=force)
        out_console.print(_district_table(done.result.districts))
        out_console.print(f"Outputs / 결과: {done.out_dir}")


def _district_table(d) -> Table:
    t = Table(title="Observed vs forecast, compared buildings [m3/d] / 실측과 예측 (비교 건축물, 하루 평균)")
    for c in ("district 구역", "occupied 입주", "observed 실측", "forecast 예측", "interval 구간", "status 판정"):
        t.add_column(c, justify="left" if c.startswith(("district", "status")) else "right")
    for _, r in d.iterrows():
        t.add_row(Text(str(r["district"])), f"{int(r['buildings_occupied'])} ({r['share_occupied']:.0%})",
                  f"{r['observed_m3_per_day']:,.0f}", f"{r['forecast_m3_per_day']:,.0f}",
                  f"{r['forecast_lower_m3_per_day']:,.0f}-{r['forecast_upper_m3_per_day']:,.0f}",
                  Text(("! " if r["flagged"] else "") + str(r["status"])))
    return t


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("init")(init)
    app.command("monitor")(monitor)
