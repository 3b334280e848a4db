"""``sewerplan unitloads``: the city's own unit loads from its bills, ready for an ordinance revision."""

from __future__ import annotations

import datetime as _dt
import time
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from sewerplan.cli.common import console, out_console, user_errors

__all__ = ["register", "unitloads", "UNITLOADS_FILES"]

UNITLOADS_FILES = {
    "workbook": "local_unit_loads.xlsx",
    "rows": "local_unit_loads.csv",
    "buildings": "local_unit_loads_buildings.csv",
    "section": "local_unit_loads.json",
    "pdf": "local_unit_loads.pdf",
    "planned": "planned_town_local_loads.csv",
    "results": "results.json",
}


class Lang(str, Enum):
    ko = "ko"
    en = "en"


def _targets(out: Path, planned: bool, results: bool, pdf: bool, inputs, force: bool) -> dict[str, Path]:
    """Every file this run writes, checked before anything is written (inputs never, existing only with --force)."""
    from sewerplan.model.fileio import check_output_path

    skip = {k for k, on in (("planned", planned), ("results", results), ("pdf", pdf)) if not on}
    paths = {k: out / v for k, v in UNITLOADS_FILES.items() if k not in skip}
    for p in paths.values():
        check_output_path(p, inputs=inputs, force=force)
    return paths


def _print_table(table) -> None:
    from rich.table import Table

    t = Table(title="지역 원단위 일최대 (local unit loads, day max): 지역 local, 고시 notice, 비 ratio, 동 buildings",
              title_justify="left")
    for h in ("용도", "단위", "지역", "95% 구간", "고시", "비", "동", "적용"):
        t.add_column(h, justify="left" if h in ("용도", "단위", "적용") else "right", no_wrap=h != "용도")
    for _, r in table.rows.iterrows():
        d = 0 if r["ministry_l_per_unit_day"] >= 50 else 2
        label = r["main_use"] if r["basis"] == "dwelling" else f"{r['main_use']} {r['moe_code']}"
        t.add_row(label, r["unit"], f"{r['day_max_l_per_unit_day']:,.{d}f}",
                  f"{r['day_max_ci_low']:,.{d}f}-{r['day_max_ci_high']:,.{d}f}", f"{r['ministry_l_per_unit_day']:,.{d}f}",
                  f"{r['ratio_to_ministry']:.2f}", str(r["n_buildings"]),
                  "지역값" if r["status"] == "local" else "고시값*")
    out_console.print(t)
    for ko, _ in table.statements():
        out_console.print(f"  - {ko}", highlight=False)


def unitloads(
    training: Path = typer.Option(..., "--training", help="training_table.csv from `sewerplan prepare` / 학습 자료"),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder / 출력 폴더"),
    planned: Optional[Path] = typer.Option(None, "--planned", help="Planned town building table: what the local "
                                           "loads change / 계획 신도시 건축물 목록 (영향 산정)"),
    results: Optional[Path] = typer.Option(None, "--results", help="Results bundle to add the section to (written "
                                           "as OUT/results.json) / 결과 파일에 지역 원단위 추가"),
    min_buildings: int = typer.Option(30, help="Minimum buildings per use; fewer -> the notice's value / 최소 건축물 수"),
    confidence: float = typer.Option(0.95, help="Confidence of the median's interval [-] / 신뢰수준"),
    vacancy_share: float = typer.Option(0.10, help="Vacant below this share of the use median [-] / 공실 판정 비율"),
    occupancy_threshold: float = typer.Option(0.5, help="With an occupancy column: vacant below [-] / 입주율 기준"),
    include_part_year: bool = typer.Option(False, "--include-part-year", help="Use buildings with < 12 months "
                                           "of bills / 12개월 미만 자료도 사용"),
    causer_price: Optional[float] = typer.Option(None, help="Causer-charge price [KRW/(m3/d)], default the median "
                                                 "of published prices / 원인자부담금 단가"),
    municipality: str = typer.Option("", help="City name printed on the annex / 지자체명"),
    lang: Lang = typer.Option(Lang.ko, "--lang", help="PDF language: ko or en"),
    no_pdf: bool = typer.Option(False, "--no-pdf", help="Skip the one-page PDF / PDF 생략"),
    synthetic: bool = typer.Option(False, "--synthetic", help="Label outputs as synthetic sample data / 합성 자료"),
    force: bool = typer.Option(False, "--force", help="Replace existing outputs / 기존 출력 덮어쓰기"),
) -> None:
    """Per-use unit loads from the city's bills beside the MOE notice: 별표 xlsx, one-page PDF, bundle section.

    요금 자료로 용도별 오수발생량(지역 원단위)을 산정해 환경부 고시값과 비교하고, 조례 별표 형식
    xlsx·1쪽 PDF와 (계획 신도시가 있으면) 원인자부담금·계획 유량 변화를 만듭니다.
    """
    with user_errors():
        from sewerplan.model.design.parameters import DesignParameters
        from sewerplan.model.planning.local_loads import LocalLoadRules, local_unit_loads, read_training_table

        rules = LocalLoadRules(min_buildings=min_buildings, confidence=confidence,
                               vacancy_share_of_median=vacancy_share, occupancy_threshold=occupancy_threshold,
                               full_year_only=not include_part_year)
        inputs = [p for p in (training, planned, results) if p is not None]
        paths = _targets(out, planned is not None, results is not None, not no_pdf, inputs, force)
        t0 = time.perf_counter()
        with console.status("학습 자료 읽는 중 (reading the training table)..."):
            data = read_training_table(training)
        params = DesignParameters(**({"return_ratio": data.return_ratio} if data.return_ratio else {}))
        table = local_unit_loads(data.table, rules, params, period=data.period, synthetic=synthetic or data.synthetic,
                                 source=Path(training).name)
        changes = _changes(planned, table, params, causer_price) if planned is not None else None
        _write(paths, table, changes, results, municipality, lang.value)
        _print_table(table)
        console.print(f"지역 원단위 저장 (written) -> {out} ({time.perf_counter() - t0:.1f} s)")


def _changes(planned: Path, table, params, causer_price):
    from sewerplan.model.intake.inventory import load_buildings
    from sewerplan.model.planning.local_loads import what_it_changes

    plan, _ = load_buildings(planned)
    return what_it_changes(plan, table, params, causer_price), plan


def _write(paths: dict, table, changes, results, municipality: str, lang: str) -> None:
    """Workbook, CSVs, bundle section (and bundle), then the PDF."""
    import dataclasses
    import json

    from sewerplan.model.fileio import write_csv_atomic, write_text_atomic
    from sewerplan.model.outputs.local_loads_section import local_loads_section
    from sewerplan.model.outputs.local_loads_workbook import write_local_loads_workbook
    from sewerplan.model.outputs.results import ResultsBundle
    from sewerplan.model.planning.local_loads import apply_local_loads

    flows = changes[0] if changes else None
    write_local_loads_workbook(paths["workbook"], table, flows, municipality)
    write_csv_atomic(table.rows, paths["rows"])
    write_csv_atomic(table.buildings, paths["buildings"])
    if changes:
        write_csv_atomic(apply_local_loads(changes[1], table, table.params), paths["planned"])
    section = local_loads_section(table, flows)
    write_text_atomic(paths["section"], json.dumps(dataclasses.asdict(section), ensure_ascii=False, indent=2))
    if results is not None:
        bundle = ResultsBundle.from_json(results)
        _rebase_attachments(bundle, paths["results"].parent)
        bundle.local_loads = section
        bundle.validate(str(results))
        bundle.to_json(paths["results"])
    if "pdf" in paths:
        from sewerplan import __version__
        from sewerplan.reporting.local_loads import render_local_loads_pdf, rows_csv_bytes

        render_local_loads_pdf(section, paths["pdf"], lang, force=True, table_csv=rows_csv_bytes(table.rows),
                               municipality=municipality, created=_dt.date.today().isoformat(), version=__version__)


def _rebase_attachments(bundle, new_dir: Path) -> None:
    """Relative attachment paths of a bundle copied to another folder still point at the same files."""
    import os

    for a in bundle.attachments:
        if a.path and not Path(a.path).is_absolute() and bundle.base_dir:
            a.path = os.path.relpath(Path(bundle.base_dir) / a.path, Path(new_dir).resolve())


def register(app: typer.Typer) -> None:
    app.command("unitloads", help="City's own unit loads for an ordinance revision / 조례 개정용 지역 원단위")(unitloads)
