"""``sewerplan prepare``, ``sewerplan demo`` and ``sewerplan sample``: the municipality recipe.

``demo`` is ``sewerplan run`` (:mod:`sewerplan.cli.run`) on the bundled sample project; both print
the run with :func:`print_run`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from sewerplan.cli.common import console, out_console, user_errors
from sewerplan.model.errors import InputFileError
from sewerplan.model.fileio import check_outputs, output_run

sample_app = typer.Typer(help="Synthetic sample town / 합성 예시 도시 자료", no_args_is_help=True)


def _progress():
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=console, transient=False)


def _require_files(*files: tuple) -> None:
    """Raise a one-line error for the first ``(path, what)`` given but not found."""
    for p, what in files:
        if p is not None and not p.is_file():
            raise InputFileError(f"{what} file not found: {p} / 파일이 없습니다: {p}")


def _prepare_with_progress(register, billing, out, district_column, household_mix, force, key_file=None):
    """Join billing to the register with a progress bar and write the outputs; ``(prepared, paths)``."""
    from sewerplan.model.intake.prepare import prepare_training_table, write_prepared
    from sewerplan.model.intake.privacy import load_key

    key = load_key(key_file)
    with _progress() as bar:
        n_steps = 4 if household_mix is None else 5
        task = bar.add_task("prepare", total=n_steps)

        def step(msg):
            bar.update(task, description=msg, advance=1)

        prepared = prepare_training_table(register, billing, district_column=district_column, progress=step,
                                          household_mix=household_mix, pseudonym_key=key)
        paths = write_prepared(prepared, out, force=force, inputs=(register, billing, household_mix))
        bar.update(task, description="done / 완료", completed=n_steps)
    return prepared, paths


def _check_prepare_out(out: Path, force: bool, inputs) -> None:
    """Every file ``prepare`` writes into OUT passes the output check before the join starts."""
    from sewerplan.model.intake.prepare import HOUSEHOLD_MIX_FILES, PREPARE_FILES

    names = [*PREPARE_FILES.values(), *(HOUSEHOLD_MIX_FILES.values() if inputs[-1] is not None else [])]
    check_outputs([Path(out) / n for n in names], inputs=inputs, force=force)


def _match_report_rows(r: dict, paths: dict) -> list[tuple[str, str]]:
    """(label, value) rows of the match report: register, billing, meters, buildings."""
    m = r["match"]
    return [
        ("register rows / 건축물대장 행", f"{r['register']['rows_read']:,} (rejected 제외 {r['register']['rows_rejected']:,})"),
        ("billing rows / 요금 행", f"{r['billing']['rows_read']:,} (rejected 제외 {r['billing']['rows_rejected']:,}, "
                                 f"misread months 검침오류 의심 {r['billing']['meter_months_flagged_misread']:,})"),
        ("meters matched / 연계 계량기", f"{m['meters_matched']:,} of {m['meters_total']:,} (PNU {m['meters_matched_by_pnu']:,}, "
                                      f"address 주소 {m['meters_matched_by_address']:,})"),
        ("meters unmatched / 미연계 계량기", f"{m['meters_unmatched']:,} -> {paths['unmatched_meters'].name}"),
        ("buildings with observed / 관측값 있는 건축물", f"{r['training_rows_with_observed']:,} of {m['buildings_total']:,}"),
        ("buildings without meters / 계량기 없는 건축물", f"{m['buildings_without_meters']:,} -> {paths['buildings_without_meters'].name}"),
        ("short records (<12 months) / 12개월 미만", f"{m['buildings_short_record']:,}"),
        ("matched volume share / 연계 수량 비율", f"{(m['matched_volume_share'] or 0) * 100:.1f}%"),
        *_privacy_rows(r.get("privacy")),
    ]


def _privacy_rows(pv: dict | None) -> list[tuple[str, str]]:
    """(label, value) rows on pseudonyms and dropped columns (intake.privacy)."""
    if not pv:
        return []
    dropped = (pv["billing_columns_dropped"] + pv.get("register_columns_dropped", [])
               + [c for c in pv.get("register_columns_not_read", []) if c not in pv.get("register_columns_dropped", [])])
    return [("customer numbers / 고객번호", f"pseudonymised 가명처리 (key 키: {pv['key_source']}, id {pv['key_id']})"),
            ("columns dropped / 삭제한 열", ", ".join(dropped) if dropped else "none / 없음")]


def _household_mix_rows(hm: dict | None, paths: dict) -> list[tuple[str, str]]:
    """(label, value) rows on the household-composition file, none without one."""
    if hm is None:
        return []
    return [
        ("household mix rows / 가구원수 구성 행", f"{hm['rows_read']:,} (rejected 제외 {hm['rows_rejected']:,} -> "
                                              f"{paths['rejected_household_mix'].name})"),
        ("household mix matched / 구성 연계", f"{hm['rows_matched']:,} (unmatched 미연계 "
                                           f"{hm['rows_unmatched'] + hm['rows_matching_only_nonresidential']:,} -> "
                                           f"{paths['unmatched_household_mix'].name})"),
        ("residential without mix / 구성 없는 주거 건축물",
         f"{hm['residential_buildings_without_mix']:,} of {hm['residential_buildings']:,} "
         "(filled from census trend by the model / 추세로 보완)"),
    ]


def prepare(
    register: Path = typer.Option(..., "--register", help="Building register title section (CSV/xlsx) / 건축물대장 표제부"),
    billing: Path = typer.Option(..., "--billing", help="Water-billing extract (CSV/.csv.gz/xlsx) / 상수도 요금 부과자료"),
    out: Path = typer.Option(Path("sewerplan-prepared"), "--out", help="Output folder / 출력 폴더"),
    district_column: Optional[str] = typer.Option(None, "--district-column",
                                                  help="Register column to use as district / 배수구역 열 이름"),
    household_mix: Optional[Path] = typer.Option(
        None, "--household-mix",
        help="Household-size composition per building (counts or shares of 1..5+ person households; "
             "Statistics Korea / 주민등록) / 건축물별 가구원수 구성"),
    key_file: Optional[Path] = typer.Option(
        None, "--key-file", help="Pseudonym key file for customer numbers (default: SEWERPLAN_PSEUDONYM_KEY, else a "
                                 "one-off key) / 고객번호 가명처리 키 파일"),
    force: bool = typer.Option(False, "--force", help="Replace existing outputs / 기존 출력 덮어쓰기"),
):
    """Join billing to buildings: training table with observed sewage + match report.

    요금 부과자료를 건축물대장에 연계해 건축물별 관측 오수량(학습 자료)과 연계 보고서를 만듭니다.
    """
    with user_errors():
        if register.is_dir() or billing.is_dir():
            _prepare_towns(register, billing, out, district_column, household_mix, force, key_file)
            return
        _require_files((register, "register / 건축물대장"), (billing, "billing / 요금 부과자료"),
                       (household_mix, "household composition / 가구원수 구성"), (key_file, "pseudonym key / 가명처리 키"))
        _check_prepare_out(out, force, (register, billing, household_mix))
        with output_run(out, "prepare"):
            prepared, paths = _prepare_with_progress(register, billing, out, district_column, household_mix, force,
                                                     key_file)
        t = Table(title="Match report / 연계 결과", show_header=False)
        for k, v in _match_report_rows(prepared.report, paths) + _household_mix_rows(
                prepared.report.get("household_mix"), paths):
            t.add_row(k, v)
        out_console.print(t)
        out_console.print(f"Training table / 학습 자료: {paths['training_table']}")
        out_console.print(f"Match report / 연계 보고서: {paths['match_report']}")


PARTITIONED_TABLES = ("training_table", "links", "rejected_register", "rejected_billing", "flagged_months",
                      "unmatched_meters", "buildings_without_meters")


def _prepare_towns(registers: Path, billings: Path, out: Path, district_column, household_mix, force,
                   key_file=None) -> None:
    """National run: REGISTER and BILLING are folders (or partitioned datasets) of towns, joined town by town.

    One pseudonym key serves every town, so a customer number has one pseudonym across the run.

    Writes OUT/TOWN/ (the files of a one-town run), OUT/parquet/TABLE/town=TOWN/part-0.parquet
    and OUT/national_summary.json.
    """
    from sewerplan.cli.towns import run_towns
    from sewerplan.model.intake.prepare import PREPARE_FILES, prepare_training_table, write_prepared
    from sewerplan.model.intake.privacy import load_key
    from sewerplan.model.intake.towns import paired_towns
    from sewerplan.model.outputs.partitions import partition_path, write_partition

    if not (registers.is_dir() and billings.is_dir()):
        raise InputFileError("for a national run give folders for both --register and --billing / "
                             "전국 실행에는 --register 와 --billing 모두 폴더여야 합니다.")
    if household_mix is not None:
        raise InputFileError("--household-mix is for a one-town run; join it per town / "
                             "--household-mix 는 도시 하나씩 실행할 때 씁니다.")
    towns, unpaired = paired_towns(registers, billings)
    key = load_key(key_file)
    for what, names in unpaired.items():
        if names:
            console.print(f"[yellow]{what.replace('_', ' ')}: {', '.join(names)} (skipped / 제외)[/]")

    def files_of(name):
        return ([out / name / f for f in PREPARE_FILES.values()]
                + [partition_path(out / "parquet", t, name) for t in PARTITIONED_TABLES])

    def one_town(name, reg, bill, con):
        prepared = prepare_training_table(reg, bill, district_column=district_column, pseudonym_key=key)
        write_prepared(prepared, out / name, force=True, inputs=(reg, bill))
        for t in PARTITIONED_TABLES:
            write_partition(con, getattr(prepared, t), out / "parquet", t, name)
        return {k: prepared.report[k] for k in ("register", "billing", "match", "training_rows_with_observed")}

    run_towns("prepare", towns, out, files_of, one_town, force=force)


def demo(
    out: Path = typer.Option(Path("sewerplan-output"), "--out", help="Output folder / 출력 폴더"),
    force: bool = typer.Option(False, "--force", help="Replace existing outputs / 기존 출력 덮어쓰기"),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed of the ML training / 학습 난수 시드"),
    learner: Optional[str] = typer.Option(None, "--learner", help="auto, hgb_log, ridge_log, hgb_poisson or blend"),
    no_reports: bool = typer.Option(False, "--no-reports", help="Skip the PDF briefings / PDF 생략"),
    allow_html: bool = typer.Option(False, "--allow-html", help="Where no PDF can be made (no Pango), the HTML "
                                                               "briefings are enough: exit 0 / HTML로 충분함"),
):
    """Run the whole recipe on the bundled synthetic sample town (sewerplan run on its project file).

    번들된 합성 예시 도시의 프로젝트 파일로 전체 과정(자료 연계 -> 학습 -> 검증 -> 신도시 예측 -> 보고서)을 실행합니다.
    """
    from sewerplan.recipe.demo import run_demo

    with user_errors():
        start = time.perf_counter()
        with _progress() as bar:
            task = bar.add_task("demo", total=7)

            def step(i, n, msg):
                bar.update(task, description=msg, completed=i, total=n)

            result = run_demo(out, force=force, progress=step, learner=learner, reports=not no_reports, seed=seed)
        finish_run(result, start, allow_html=allow_html)


def _evidence(iv: dict) -> str:
    """What the probabilities rest on: calibration districts and the newest-cohort check."""
    words = f"보정 구역 {iv['n_calibration_districts']}개"
    if "newest_buildings" in iv:
        words += (f", 최근 준공 건물 {iv['newest_buildings']:,}동" if iv["newest_checked"] else
                  f"; 최근 준공 건물 {iv['newest_buildings']:,}동은 검증에 모자라 범위를 넓힘")
    return words + " 기준"


def print_run(result, start: float) -> None:
    """The run's headline: synthetic label, comparison table, capacities and decisions, warnings, folder."""
    s = result.summary
    if s["synthetic"]:
        out_console.print("[bold yellow]합성 예시 자료입니다 / SYNTHETIC sample data, not a real town[/]")
    out_console.print(f"{s['names']['town']} / {s['names']['existing_town']}", markup=False, highlight=False)
    out_console.print(_comparison_table(s))
    newest = _newest_line(s["interval"])
    if newest:
        out_console.print(newest, markup=False, highlight=False)
    for line in _capacity_lines(s):
        out_console.print(line, markup=False, highlight=False)
    for w in result.warnings:
        console.print("[yellow]warning / 주의:[/]", end=" ")
        console.print(w, markup=False, highlight=False)
    papers = [p.name for k, p in result.paths.items() if k.startswith(("council_", "hearing_"))]
    if papers:
        out_console.print(f"Briefings / 보고서: {', '.join(papers)}", markup=False, highlight=False)
    out_console.print(f"Outputs / 결과: {result.out_dir}  ({time.perf_counter() - start:.1f} s)")


def _newest_line(iv: dict) -> str:
    """The newest-cohort check in one line: how the forecast of the newest buildings compared, and what it changed."""
    if "newest_buildings" not in iv:
        return ""
    if not iv["newest_checked"]:
        return (f"Newest buildings / 최근 준공 건물: too few to check, new-building ranges widened (upper "
                f"+{iv['newest_upper_widening']:.0%}) / 검증에 모자라 새 건물의 예측 범위를 넓힘")
    first, last = iv["newest_years"]
    base = iv["newest_per_type_total_ratio"]
    return (f"Newest buildings / 최근 준공 건물 {iv['newest_buildings']:,}동 ({first}-{last}): forecast by models of "
            f"the older ones {iv['newest_total_ratio']:.2f}x observed (WAPE {iv['newest_wape']:.2f}; per-type median "
            f"{base:.2f}x) -> new buildings x{iv['newest_level_factor']:.2f}, upper +{iv['newest_upper_widening']:.0%}"
            if base is not None else
            f"Newest buildings / 최근 준공 건물 {iv['newest_buildings']:,}동 ({first}-{last}): forecast "
            f"{iv['newest_total_ratio']:.2f}x observed -> new buildings x{iv['newest_level_factor']:.2f}")


_COMPARED = (("pilot_formula", "pilot formula 기존 방식"), ("master_plan", "master plan 기본계획"),
             ("unit_load", "MOE 환경부 원단위"), ("ml", "ML"))


def _comparison_table(s: dict) -> Table:
    """Observed vs each method per held-out district [m3/d], signed error observed - method in t/d."""
    t = Table(title=Text("Existing town, held-out districts: day-average sewage [m3/d]; 오차 = observed 실측 - "
                         "method 추정 [t/d] / 기존 시가지 (교차검증)"))
    t.add_column("district 구역")
    for c in ("observed 실측", *(label for _, label in _COMPARED)):
        t.add_column(c, justify="right")
    for r in s["existing_town_districts"]:
        t.add_row(Text(str(r["district"])), f"{r['observed']:,.0f}",
                  *(f"{r[m]:,.0f}\n오차: {r[m + '_error_t_per_day']:+,.0f}t" for m, _ in _COMPARED))
    return t


def _prob(p: float) -> str:
    """'<1%' / '>99%' rather than a misleading 0% / 100%."""
    return "<1%" if 0 < p < 0.005 else (">99%" if 0.995 < p < 1 else f"{p:.0%}")


def _capacity_lines(s: dict) -> list[str]:
    """Plant capacity by method [m3/d] (= design day-max), the recommendation, and the decision per baseline."""
    c, iv = s["capacity_m3_per_day"], s["interval"]
    lines = [f"Planned town / 계획 신도시: {s['planned_town']['buildings']:,} buildings, "
             f"{s['planned_town']['districts']} districts. Capacity = design day-max / 처리용량 = 계획 일최대: "
             f"pilot formula 기존 방식 {c['pilot_formula']:,.0f}, master plan 기본계획 {c['master_plan']:,.0f}, "
             f"MOE 원단위 {c['unit_load']:,.0f}, ML P50 {c['ml_p50']:,.0f}; recommended 권고 (ML upper 상한) "
             f"{c['recommended']:,.0f} m3/d"]
    for d in s["decision"]:
        cost = (f"expected expansion 증설비 기대값 {d['expected_expansion_krw'] / 1e8:,.0f}억원"
                + (f" from 부터 {d['expansion_year']}" if d["expansion_year"] else "")
                if d["direction"] != "over" else f"stranded 유휴 시설비 {d['stranded_capital_krw'] / 1e8:,.0f}억원")
        lines.append(f"  {d['method']}: {d['gap_m3_per_day']:+,.0f} t/d vs ML P50 -> {d['direction']}; "
                     f"P(too small 부족) {_prob(d['probability_too_small'])}, P(too large 과대) "
                     f"{_prob(d['probability_too_large'])} ({_evidence(iv)}, "
                     f"level {iv['level_attained']:.0%}); {cost}")
    sc = s.get("scenario")
    if sc and sc["plant_capacity_m3_per_day"]:
        ml_year = sc["year_exceeded"].get("ml_p50")
        lines.append(f"Plant 처리장 {sc['plant_capacity_m3_per_day']:,.0f} m3/d ({c['plant_origin']}): ML P50 need "
                     f"{sc['ml_p50_capacity_m3_per_day']:,.0f} m3/d in {sc['final_year']}"
                     + (f", exceeded from {ml_year}" if ml_year else ", not exceeded"))
    return lines


def sample_generate(
    out: Path = typer.Option(..., "--out", help="Output folder / 출력 폴더"),
    seed: int = typer.Option(20240601, "--seed", help="Random seed / 난수 시드"),
    scale: float = typer.Option(1.0, "--scale", help="Town size multiplier (0-5] / 규모 배율"),
    force: bool = typer.Option(False, "--force", help="Replace existing files / 덮어쓰기"),
):
    """Write a synthetic sample town (register, billing, planned town) / 합성 예시 도시 자료 생성."""
    from sewerplan.recipe.sample_town import write_sample_town

    with user_errors():
        try:
            paths = write_sample_town(out, seed=seed, scale=scale, overwrite=force)
        except FileExistsError as exc:
            raise InputFileError(str(exc)) from None
        except ValueError as exc:
            raise InputFileError(str(exc)) from None
        for p in paths.values():
            out_console.print(f"{p}  {p.stat().st_size:,} bytes / 바이트", markup=False, highlight=False)
        out_console.print("[yellow]synthetic / 합성 자료[/]")


def register(app: typer.Typer) -> None:
    app.command("prepare")(prepare)
    app.command("demo")(demo)
    sample_app.command("generate")(sample_generate)
    app.add_typer(sample_app, name="sample")


def finish_run(result, start: float, formats=("pdf",), allow_html: bool = False) -> None:
    """:func:`print_run`, then, when ``formats`` asked for PDF briefings and they were written as HTML (no
    Pango here), one line and exit code 2, unless ``allow_html`` or ``formats`` also asks for HTML (issue 23
    finding 14; the PDF warning is said once, on that line)."""
    import dataclasses

    html = [] if "pdf" not in formats else [
        Path(p) for k, p in result.paths.items() if k.endswith("_pdf") and Path(p).suffix.lower() == ".html"]
    if html:
        result = dataclasses.replace(result, warnings=[w for w in result.warnings
                                                       if "cannot write the PDF here" not in w])
    print_run(result, start)
    if html:
        from sewerplan.cli.report import html_instead_of_pdf

        html_instead_of_pdf(html, allow_html or "html" in formats)
