"""``sewerplan estimate`` and ``sewerplan uses``: the design methods on a building table."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer

from sewerplan.cli.common import console, out_console, user_errors
from sewerplan.model.errors import InputFileError
from sewerplan.model.fileio import check_outputs, output_run, write_csv_atomic

TOWN_FORMAT_HELP = ("With a folder of towns as INPUT: csv or xlsx per town (plus Parquet partitions) / "
                    "도시별 결과 형식")
SHEET_HELP = ("Worksheet of an xlsx input: name or number (0 = first); default the first sheet with "
              "known column names / xlsx 시트 이름 또는 번호")
BUILDING_OUTPUT_COLUMNS = [
    "building_id", "district", "main_use", "category", "moe_code_used", "floor_area_m2", "households",
    "persons_estimated", "pilot_formula_m3_per_day", "master_plan_m3_per_day", "unit_load_m3_per_day",
]


def rejected_path(out: Path) -> Path:
    return out.with_name(out.stem + ".rejected.csv")


def districts_path(out: Path) -> Path:
    return out.with_name(out.stem + ".districts.csv")


def output_files(out: Path) -> list[Path]:
    """Every file ``estimate`` may write: OUT, OUT.districts.csv (CSV only), OUT.rejected.csv."""
    return [out, *([districts_path(out)] if out.suffix.lower() == ".csv" else []), rejected_path(out)]


def estimate(
    input: Path = typer.Argument(..., help="Building table (CSV UTF-8/CP949, xlsx, Parquet), or a folder of towns "
                                           "/ 건축물 목록 파일 또는 도시별 폴더"),
    out: Path = typer.Option(..., "--out", "-o", help="Output .csv or .xlsx (a folder for a folder of towns) / "
                                                      "결과 파일 (.csv 또는 .xlsx), 도시별 실행은 폴더"),
    district_column: Optional[str] = typer.Option(None, help="Column to use as district / 배수구역 열 이름"),
    sheet: Optional[str] = typer.Option(None, "--sheet", help=SHEET_HELP),
    town_format: str = typer.Option("csv", "--town-format", help=TOWN_FORMAT_HELP),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Set bad rows aside in OUT.rejected.csv and go on / 오류 행은 따로 저장하고 계속"),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists / 기존 결과 파일 덮어쓰기"),
    synthetic: bool = typer.Option(False, "--synthetic", help="Label outputs as synthetic sample data / 합성 자료 표시"),
    persons_per_household: Optional[float] = typer.Option(None, help="[persons/household], default 2.6"),
    per_capita_l_per_day: Optional[float] = typer.Option(None, help="[L/(person d)], default 300"),
    design_factor: Optional[float] = typer.Option(None, help="[-], default 1.1"),
    infiltration_ratio: Optional[float] = typer.Option(None, help="[-], default 0.10"),
    day_average_to_day_max: Optional[float] = typer.Option(None, help="[-], default 0.75"),
    hourly_max_factor: Optional[float] = typer.Option(None, help="[-], default 1.5"),
    housing_l_per_person_day: Optional[float] = typer.Option(None, help="MOE housing [L/(person d)], default 200"),
) -> None:
    """Per-building pilot-formula, master-plan and MOE unit-load flows plus district totals.

    건축물별 기존 방식·환경부 원단위 오수량과 배수구역 합계를 계산합니다.
    """
    from sewerplan.model.design.parameters import DesignParameters

    with user_errors():
        if input.is_dir():
            params = DesignParameters().replace(**_overrides(persons_per_household, per_capita_l_per_day, design_factor,
                                                             infiltration_ratio, day_average_to_day_max,
                                                             hourly_max_factor, housing_l_per_person_day))
            _estimate_towns(input, out, district_column, skip_invalid, synthetic, params, town_format, force)
            return
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise InputFileError(f"--out must end in .csv or .xlsx, not '{out.suffix}' / 결과 파일은 .csv 또는 .xlsx")
        check_outputs(output_files(out), inputs=[input], force=force)
        params = DesignParameters().replace(**_overrides(persons_per_household, per_capita_l_per_day, design_factor,
                                                         infiltration_ratio, day_average_to_day_max,
                                                         hourly_max_factor, housing_l_per_person_day))
        with output_run(out.parent, "estimate", mark_incomplete=False):
            _estimate(input, out, district_column, skip_invalid, synthetic, params, sheet)


def _overrides(persons_per_household, per_capita_l_per_day, design_factor, infiltration_ratio,
               day_average_to_day_max, hourly_max_factor, housing_l_per_person_day) -> dict:
    """The design parameters given on the command line (the others keep their defaults)."""
    given = dict(persons_per_household=persons_per_household, per_capita_l_per_day=per_capita_l_per_day,
                 design_factor=design_factor, infiltration_ratio=infiltration_ratio,
                 day_average_to_day_max=day_average_to_day_max, hourly_max_factor=hourly_max_factor,
                 housing_l_per_person_day=housing_l_per_person_day)
    return {k: v for k, v in given.items() if v is not None}


def _estimate_towns(folder: Path, out: Path, district_column, skip_invalid: bool, synthetic: bool, params,
                    town_format: str, force: bool) -> None:
    """National run: every town of FOLDER (files or ``town=NAME`` partitions) estimated on its own.

    Writes OUT/TOWN.csv (+ .districts.csv) or OUT/TOWN.xlsx, OUT/TOWN.rejected.csv where rows
    were set aside, Parquet partitions OUT/parquet/{buildings,districts}/town=TOWN and
    OUT/national_summary.json.
    """
    from sewerplan.cli.towns import run_towns
    from sewerplan.model.design.estimate import district_summary, estimate_buildings, town_total
    from sewerplan.model.intake.inventory import load_buildings
    from sewerplan.model.intake.towns import towns_in
    from sewerplan.model.outputs.partitions import partition_path, write_partition
    from sewerplan.model.outputs.workbook import write_results_workbook

    if town_format not in ("csv", "xlsx"):
        raise InputFileError(f"--town-format must be csv or xlsx, not '{town_format}' / csv 또는 xlsx")
    towns = [(t.name, t.path) for t in towns_in(folder)]

    def files_of(name):
        return [*output_files(out / f"{name}.{town_format}"),
                *(partition_path(out / "parquet", t, name) for t in ("buildings", "districts"))]

    def one_town(name, path, con):
        valid, rejected = load_buildings(path, district_column=district_column, skip_invalid=skip_invalid)
        est = estimate_buildings(valid, params)
        districts = town_total(district_summary(est, params))
        buildings = est[[c for c in BUILDING_OUTPUT_COLUMNS if c in est.columns]]
        target = out / f"{name}.{town_format}"
        if len(rejected):
            write_csv_atomic(rejected, rejected_path(target))
        if town_format == "csv":
            write_csv_atomic(buildings, target)
            write_csv_atomic(districts, districts_path(target))
        else:
            write_results_workbook(target, buildings, districts, params, synthetic=synthetic,
                                   notes=[f"제외된 행 (rejected rows): {len(rejected):,}"], source=str(path))
        write_partition(con, buildings, out / "parquet", "buildings", name)
        write_partition(con, districts, out / "parquet", "districts", name)
        total = districts.iloc[-1]
        return {"buildings": int(len(valid)), "rejected": int(len(rejected)),
                "pilot_formula_day_max_m3_per_day": float(total["pilot_formula_day_max_m3_per_day"]),
                "master_plan_day_max_m3_per_day": float(total["master_plan_day_max_m3_per_day"]),
                "unit_load_day_max_m3_per_day": float(total["unit_load_day_max_m3_per_day"])}

    run_towns("estimate", towns, out, files_of, one_town, force=force)


def _estimate(input: Path, out: Path, district_column, skip_invalid: bool, synthetic: bool, params,
              sheet=None) -> None:
    """Read, estimate and write (the outputs already checked, the folder locked)."""
    from sewerplan.model.design.estimate import district_summary, estimate_buildings, town_total
    from sewerplan.model.intake.inventory import load_buildings
    from sewerplan.model.outputs.workbook import write_results_workbook

    t0 = time.perf_counter()
    with console.status("건축물 목록 읽는 중 (reading buildings)..."):
        valid, rejected = load_buildings(input, district_column=district_column, skip_invalid=skip_invalid,
                                         sheet=sheet)
    with console.status(f"{len(valid):,}동 계산 중 (estimating)..."):
        est = estimate_buildings(valid, params)
        districts = town_total(district_summary(est, params))
    buildings = est[[c for c in BUILDING_OUTPUT_COLUMNS if c in est.columns]]
    if len(rejected):
        rp = rejected_path(out)
        write_csv_atomic(rejected, rp)
        console.print(
            f"[yellow]{len(rejected):,} row(s) rejected / 제외된 행 {len(rejected):,}개 -> {rp}[/]"
        )
    if out.suffix.lower() == ".csv":
        write_csv_atomic(buildings, out)
        write_csv_atomic(districts, districts_path(out))
    else:
        notes = [f"제외된 행 (rejected rows): {len(rejected):,}"]
        write_results_workbook(out, buildings, districts, params, synthetic=synthetic, notes=notes, source=str(input))
    dt = time.perf_counter() - t0
    total = districts.iloc[-1]
    out_console.print(
        f"{len(valid):,} buildings in {len(districts) - 1} districts / 건축물 {len(valid):,}동, 배수구역 "
        f"{len(districts) - 1}개 ({dt:.1f} s) -> {out}\n"
        f"  day max / 일최대: pilot formula 기존 방식 {total['pilot_formula_day_max_m3_per_day']:,.0f} m3/d "
        f"(its x1.1 only / ×1.1만), master plan 기본계획 {total['master_plan_day_max_m3_per_day']:,.0f}, "
        f"MOE unit load 환경부 원단위 {total['unit_load_day_max_m3_per_day']:,.0f} m3/d "
        f"(infiltration once / 침입수 한 번)", markup=False, highlight=False,
    )


def uses(query: Optional[str] = typer.Argument(None, help="Part of a name or code / 검색어")) -> None:
    """List the building uses and MOE codes the tool knows / 사용 가능한 용도·코드 목록."""
    from sewerplan.model.design.unit_loads import unit_load_table
    from sewerplan.model.design.uses import CATEGORY_LABELS_KO, MAIN_USES

    if query is None or any(query in u for u in MAIN_USES):
        out_console.print("[bold]건축법 주용도 (Building Act main uses)[/]")
        for u in MAIN_USES.values():
            if query is None or query in u.name:
                out_console.print(f"  {u.name:<14} {CATEGORY_LABELS_KO[u.category]:<6} 기본 코드 (default) "
                                  f"{u.default_moe_code}  ({u.english})")
    t = unit_load_table()
    if query:
        t = t[t["code"].str.contains(query, regex=False) | t["name"].str.contains(query, regex=False)
              | t["major"].str.contains(query, regex=False)]
    out_console.print("[bold]환경부 원단위 (MOE unit loads)[/]")
    for _, r in t.iterrows():
        unit = "L/㎡·일" if r["basis"] == "m2" else "L/인·일"
        out_console.print(f"  {r['code']}  {r['name']:<30} {r['litres_per_unit_day']:>6g} {unit}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate)
    app.command("uses")(uses)
