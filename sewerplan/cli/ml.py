"""``sewerplan train``, ``sewerplan predict`` and ``sewerplan benchmark nyc-ll84``: the ML flow."""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:
    import pandas as pd

from sewerplan.cli.common import console, out_console, user_errors
from sewerplan.model.errors import InputFileError, InventoryValidationError
from sewerplan.model.fileio import file_sha256

benchmark_app = typer.Typer(help="Benchmarks on public data / 공개 자료 벤치마크", no_args_is_help=True)




def _read_csv(path: Path, what: str) -> pd.DataFrame:
    import pandas as pd

    if not path.is_file():
        raise InputFileError(f"{what} file not found: {path} / {what} 파일이 없습니다: {path}")
    try:
        return pd.read_csv(path, encoding="utf-8-sig")
    except UnicodeDecodeError:
        return pd.read_csv(path, encoding="cp949")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(f"{path}: not a readable CSV ({exc}) / CSV 파일을 읽을 수 없습니다") from exc


def _location_choice(value: str) -> str:
    from sewerplan.model.ml.train import LOCATION_CHOICES

    v = value.strip().lower()
    if v not in LOCATION_CHOICES:
        raise InputFileError(f"--location must be one of {', '.join(LOCATION_CHOICES)}, not '{value}' "
                             f"/ --location 값은 {', '.join(LOCATION_CHOICES)} 중 하나")
    return v


def _attach_billing(buildings: pd.DataFrame, billing_path: Path) -> pd.DataFrame:
    from sewerplan.model.ml.features import observed_from_billing

    bill = _read_csv(billing_path, "billing")
    if "building_id" not in bill.columns:
        raise InventoryValidationError(
            ["column 'building_id' is missing: join the bills to buildings first (one row per building "
             "and month: building_id, billing_month, billed_m3; or building_id, observed_m3_per_day) / "
             "요금 자료에 building_id 열이 없습니다"], str(billing_path))
    if "observed_m3_per_day" in bill.columns:
        obs = bill[["building_id", "observed_m3_per_day"]]
    else:
        missing = [c for c in ("billing_month", "billed_m3") if c not in bill.columns]
        if missing:
            raise InventoryValidationError(
                [f"column '{c}' is missing / 열 '{c}' 이(가) 없습니다" for c in missing], str(billing_path))
        obs = observed_from_billing(bill)
    obs = obs.assign(building_id=obs["building_id"].astype(str))
    out = buildings.drop(columns=[c for c in ("observed_m3_per_day",) if c in buildings.columns])
    return out.merge(obs, on="building_id", how="left")


def train(
    buildings: Path = typer.Option(..., "--buildings", "-b", help="Building table with observed_m3_per_day (or use --billing) / 건축물 목록"),
    out: Path = typer.Option(..., "--out", "-o", help="Model file to write, MODEL.skops (card: MODEL.card.json, tree-array cache: MODEL.arrays.npz) / 모델 파일"),
    billing: Optional[Path] = typer.Option(None, "--billing", help="Bills joined to buildings: building_id, billing_month, billed_m3 [m3/month] / 건물별 상수도 부과자료"),
    coverage: float = typer.Option(0.90, help="Interval coverage [-] / 예측구간 포함확률"),
    learner: str = typer.Option("auto", help="auto | hgb_log | ridge_log | hgb_poisson | blend"),
    district_column: Optional[str] = typer.Option(None, help="Column to use as district / 배수구역 열 이름"),
    region: str = typer.Option("KR", help="Region of the training data (KR = Korea) / 학습 자료 지역"),
    synthetic: bool = typer.Option(False, "--synthetic", help="Training data are synthetic / 합성 자료"),
    trained_on: Optional[str] = typer.Option(None, help="Plain description for the model card / 학습 자료 설명"),
    seed: int = typer.Option(0, help="Random seed"),
    max_iter: int = typer.Option(250, "--max-iter", min=1, help="Boosting rounds of the gradient-boosting learners (fewer = faster, for tests) / 부스팅 반복 수"),
    location: str = typer.Option("auto", "--location", help="Use latitude/longitude as features: auto (when most rows have them) | yes | no / 위치 변수 사용"),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Drop invalid building rows and go on / 오류 행 제외"),
    newest_years: str = typer.Option("15,10,5", "--newest-years", help="Newest-cohort check: origins this many years before the newest approval year / 최근 준공 검증 기준 연수"),
    newest_min: int = typer.Option(30, "--newest-min", help="Buildings after an origin needed for its check; none: intervals widened / 검증 최소 동수"),
    force: bool = typer.Option(False, "--force", help="Replace MODEL if it exists / 덮어쓰기"),
) -> None:
    """Train the per-building ML model on observed sewage and save it with its card.

    관측 오수량(상수도 사용량 x 오수전환율)으로 건축물별 ML 모델을 학습하고 저장합니다.
    """
    from sewerplan.model.fileio import check_outputs, output_run
    from sewerplan.model.intake.inventory import load_buildings
    from sewerplan.model.ml.train import train_model
    from sewerplan.model.ml.arrays import arrays_path_for
    from sewerplan.model.ml.card import card_path_for
    from sewerplan.model.ml.persistence import save_model

    with user_errors(), contextlib.ExitStack() as run:
        if out.suffix.lower() != ".skops":
            raise InputFileError(f"--out must end in .skops, not '{out.suffix}' / 모델 파일은 .skops")
        check_outputs([out, card_path_for(out), arrays_path_for(out)], inputs=[buildings, billing], force=force)
        rule = _newest_rule(newest_years, newest_min)
        run.enter_context(output_run(out.parent, "train", mark_incomplete=False))
        t0 = time.perf_counter()
        valid, rejected = load_buildings(buildings, district_column=district_column, skip_invalid=skip_invalid)
        sha = file_sha256(buildings)
        if billing is not None:
            valid = _attach_billing(valid, billing)
            sha = hashlib.sha256((sha + file_sha256(billing)).encode()).hexdigest()
        if len(rejected):
            console.print(f"[yellow]{len(rejected):,} invalid row(s) skipped / 오류 행 {len(rejected):,}개 제외[/]")
        with console.status(f"{len(valid):,}동 학습 중 (training, grouped CV)..."):
            model = train_model(
                valid, coverage=coverage, learner=learner, seed=seed, max_iter=max_iter, region=region, synthetic=synthetic,
                location=_location_choice(location), newest_cohort=rule,
                trained_on=trained_on or f"{buildings.name}: {len(valid)} buildings", data_sha256=sha,
            )
        save_model(model, out, force=force)
        _print_card_summary(model.card, out, time.perf_counter() - t0)


def _print_newest(nw: dict) -> None:
    """The newest-cohort check in a few lines (Korean / English)."""
    if not nw.get("used"):
        return
    lv = nw["level_factor"]
    if not nw["checked"]:
        console.print(f"[yellow]newest-cohort check: too few recent buildings to check; intervals of new buildings "
                      f"widened by {lv['sd_log']:.2f} (ln) / 최근 준공 건물이 적어 새 건물 검증을 하지 못했고 "
                      "예측 범위를 넓혔습니다[/]")
        return
    checks = ", ".join(f"after {c['origin']:.0f}: {c['n_buildings']:,}" for c in nw["checks"])
    out_console.print(f"  newest-cohort check / 최근 준공 검증 ({checks} buildings / 동), forecast by models of the older "
                      "ones / 최근 준공 건물을 그 전 건물로 학습한 모델로 예측:", highlight=False)
    for name, m in nw["errors"].items():
        out_console.print(f"    {name:<16} total ratio / 합계 비율 {m['total_ratio']:.3f}  WAPE {m['wape']:.3f}  "
                          f"district median APE / 구역 오차 중앙값 {m['district_median_ape']:.3f}", highlight=False)
    out_console.print(f"  new buildings (approval year >= {nw['new_from_year']:.0f} or none): level factor "
                      f"{lv['factor']:.3f} (checks {lv['raw']:.3f}, sd {lv['sd_log']:.3f} ln) / 최근 준공 건물 "
                      f"{nw['checked_buildings']:,}동으로 검증·보정", highlight=False)


def _print_card_summary(card: dict, out: Path, seconds: float) -> None:
    cv = card["cross_validation"]
    m = cv["chosen"]
    out_console.print(
        f"model / 모델 {card['model_id']} ({card['learner']}) -> {out} ({seconds:.1f} s)\n"
        f"  rows used / 학습 건축물 {card['rows']['used']:,}, screened out / 선별 제외 {card['rows']['screened_out']:,}; "
        f"CV / 교차검증 {cv['scheme']}, {cv['folds']} folds / 묶음, {cv['districts']} districts / 구역\n"
        f"  building WAPE / 건축물 오차율 {m['wape']:.3f}, sum bias / 합계 편향 {m['sum_bias']:+.3f}, district-total "
        f"median APE / 구역 합계 오차 중앙값 {m['district_median_ape']:.3f}, "
        f"{card['intervals']['nominal_coverage']:.0%} interval coverage / 구간 적중률 "
        f"{m.get('interval_coverage', float('nan')):.3f}\n"
        f"  location features (latitude/longitude) / 위치 변수: "
        f"{'yes / 사용' if card.get('location', {}).get('used') else 'no / 미사용'}",
        highlight=False,
    )
    for name, c in cv["candidates"].items():
        out_console.print(f"    candidate / 후보 {name:<12} WAPE {c['wape']:.3f}  district median APE / 구역 오차 중앙값 "
                          f"{c['district_median_ape']:.3f}", highlight=False)
    _print_newest(card.get("newest_cohort") or {})
    if card.get("prediction_note"):
        console.print(f"[yellow]{card['prediction_note']}[/]")


PREDICTION_COLUMNS = ["ml_m3_per_day", "ml_lower_m3_per_day", "ml_upper_m3_per_day", "ml_model_note",
                      "ml_household_mix_year"]


def model_json_path(out: Path) -> Path:
    """OUT.model.json: the model's id, note and interval, written once beside the predictions."""
    return out.with_name(out.stem + ".model.json")


def predict(
    input: Path = typer.Argument(..., help="Building table (canonical or register headers), or a folder of towns / "
                                           "건축물 목록 또는 도시별 폴더"),
    out: Path = typer.Option(..., "--out", "-o", help="Output CSV (a folder for a folder of towns) / 결과 CSV"),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="MODEL.skops (default: model shipped with sewerplan) / 모델 파일"),
    district_column: Optional[str] = typer.Option(None, help="Column to use as district / 배수구역 열 이름"),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="Worksheet of an xlsx input: name or number (0 = first) / 시트"),
    with_inputs: bool = typer.Option(False, "--with-inputs", help="Also write every input column (as read and "
                                     "checked) beside the predictions / 입력 열도 함께 저장"),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Set bad rows aside in OUT.rejected.csv / 오류 행 따로 저장"),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists / 덮어쓰기"),
) -> None:
    """Predict day-average sewage per building with interval, plus district totals.

    건축물별 일평균 오수량(예측구간 포함)과 배수구역 합계를 예측합니다.
    Writes OUT (building_id, prediction, interval, the row's own note), OUT.districts.csv and
    OUT.model.json (the model's id, note and interval, once rather than on every row).
    """

    from sewerplan.model.fileio import check_outputs, output_run, write_csv_atomic
    from sewerplan.model.intake.inventory import load_buildings
    from sewerplan.model.ml.persistence import load_model

    with user_errors(), contextlib.ExitStack() as run:
        if input.is_dir():
            _predict_towns(input, out, model, district_column, skip_invalid, force, with_inputs)
            return
        if out.suffix.lower() != ".csv":
            raise InputFileError(f"--out must end in .csv, not '{out.suffix}' / 결과 파일은 .csv")
        dist_out = out.with_name(out.stem + ".districts.csv")
        rp = out.with_name(out.stem + ".rejected.csv")
        check_outputs([out, dist_out, rp, model_json_path(out)], inputs=[input, model], force=force)
        run.enter_context(output_run(out.parent, "predict", mark_incomplete=False))
        m = load_model(model)
        valid, rejected = load_buildings(input, district_column=district_column, skip_invalid=skip_invalid, sheet=sheet)
        result, pred, districts = _predict_table(m, valid, with_inputs)
        if len(rejected):
            write_csv_atomic(rejected, rp)
            console.print(f"[yellow]{len(rejected):,} row(s) rejected / 제외된 행 -> {rp}[/]")
        write_csv_atomic(result, out)
        write_csv_atomic(districts, dist_out)
        _write_model_json(m, out, input, len(valid))
        out_console.print(
            f"{len(valid):,} buildings / 건축물 {len(valid):,}동, model / 모델 {m.model_id} -> {out}, {dist_out}\n"
            f"  total / 합계 {pred['ml_m3_per_day'].sum():,.0f} m3/d day-average / 일평균 "
            f"({m.coverage:.0%} interval per building / 건축물별 {m.coverage:.0%} 구간)", highlight=False)
        _print_prediction_warnings(m, pred)


def _predict_table(m, valid, with_inputs: bool = False):
    """(the rows to write, the predictions, district totals): the model runs once.

    The rows: ``building_id``, the prediction and its interval, ``ml_model_note`` holding only what
    is particular to the row (location, household-mix fill; the model's own note, the same on every
    row, goes to OUT.model.json once: issue 25, it was most of a national file), the census-trend year of
    a filled household mix (``ml_household_mix_year``; blank: the row's own mix or not housing), and
    ``screen_flag``/``screen_reason`` when the table has observed flows. ``with_inputs``: every
    checked input column in front, as before issue 25.
    """
    import pandas as pd

    from sewerplan.model.intake.screening import screen_observations

    pred = m.predict(valid)
    own, fill_year = _row_notes(pred["ml_model_note"], m.note)
    rows = pred[PREDICTION_COLUMNS[:3]].assign(ml_model_note=own, ml_household_mix_year=fill_year)
    front = valid if with_inputs else valid[["building_id"]]
    parts = [front, rows]
    if "observed_m3_per_day" in valid.columns and valid["observed_m3_per_day"].notna().any():
        parts.append(screen_observations(valid)[["screen_flag", "screen_reason"]])
    return pd.concat(parts, axis=1), pred, m.predict_district_totals(valid, pred=pred)


_HOUSEHOLD_FILL = re.compile(r"household mix from census trend for (\d{4}) / ")


def _row_notes(notes, model_note: str):
    """(each row's note without the model's own note, the census-trend year its household mix was filled
    from): one pass per distinct note. The fill note (about 100 bytes on most homes of a register)
    becomes a year column, explained once in OUT.model.json."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(notes.astype(object).fillna(""))
    own, years = [], []
    for u in uniques.tolist():
        parts = [] if u == model_note else u.split(" | ")
        if model_note and parts[:1] == [model_note]:
            parts = parts[1:]
        year = next((float(m.group(1)) for m in map(_HOUSEHOLD_FILL.match, parts) if m), np.nan)
        own.append(" | ".join(x for x in parts if not _HOUSEHOLD_FILL.match(x)))
        years.append(year)
    own_notes = pd.Series(np.array(own + [""], dtype=object)[codes], index=notes.index, dtype=object)
    return own_notes, pd.Series(np.array(years + [np.nan])[codes], index=notes.index)


def _write_model_json(m, out: Path, source, n_buildings: int) -> Path:
    """OUT.model.json: what every row of OUT shares (model id, note, interval coverage, the columns)."""
    from sewerplan.model.fileio import write_json_atomic

    return write_json_atomic(model_json_path(out), {
        "predictions": out.name, "input": str(source), "buildings": int(n_buildings),
        "ml_model_id": m.model_id, "ml_model_note": m.note, "coverage": m.coverage,
        "columns": {"ml_m3_per_day": "predicted day-average sewage [m3/d] / 일평균 오수량 예측",
                    "ml_lower_m3_per_day": f"lower end of the {m.coverage:.0%} interval [m3/d] / 예측구간 하한",
                    "ml_upper_m3_per_day": f"upper end of the {m.coverage:.0%} interval [m3/d] / 예측구간 상한",
                    "ml_model_note": "what applies to this row only (location); the model's note above applies "
                                     "to every row / 행별 참고 (모델 공통 참고는 위)",
                    "ml_household_mix_year": "the household-size mix of this home was filled from the census trend "
                                             "of this year (blank: its own mix, or not housing) / 가구원수 구성을 이 "
                                             "연도 인구총조사 추세로 보완"},
    })


def _print_prediction_warnings(m, pred) -> None:
    """The model's synthetic-data note and, with location features, buildings outside the training area."""
    if m.note:
        console.print(f"[yellow]WARNING / 주의: {m.note}[/]")
    if m.uses_location:
        notes = pred["ml_model_note"].astype(str)
        far = int(notes.str.contains("outside the training area", regex=False).sum())
        none = int(notes.str.contains("no coordinates", regex=False).sum())
        if far or none:
            console.print(f"[yellow]location / 위치: {far:,} building(s) outside the training area "
                          f"(edge effect, not extrapolated / 학습 지역 밖), {none:,} without coordinates "
                          f"(좌표 없음); see ml_model_note[/]")


def _predict_towns(folder: Path, out: Path, model, district_column, skip_invalid: bool, force: bool,
                   with_inputs: bool = False) -> None:
    """National run: the model loaded once, every town of FOLDER predicted on its own.

    Writes OUT/TOWN.csv, OUT/TOWN.districts.csv, OUT/TOWN.model.json (OUT/TOWN.rejected.csv where
    rows were set aside), Parquet partitions OUT/parquet/{predictions,districts}/town=TOWN and
    OUT/national_summary.json.
    """
    from sewerplan.cli.towns import run_towns
    from sewerplan.model.fileio import write_csv_atomic
    from sewerplan.model.intake.inventory import load_buildings
    from sewerplan.model.intake.towns import towns_in
    from sewerplan.model.ml.persistence import load_model
    from sewerplan.model.outputs.partitions import partition_path, write_partition

    towns = [(t.name, t.path) for t in towns_in(folder)]
    m = load_model(model)

    def files_of(name):
        return [out / f"{name}.csv", out / f"{name}.districts.csv", out / f"{name}.rejected.csv",
                model_json_path(out / f"{name}.csv"),
                *(partition_path(out / "parquet", t, name) for t in ("predictions", "districts"))]

    def one_town(name, path, con):
        valid, rejected = load_buildings(path, district_column=district_column, skip_invalid=skip_invalid)
        result, pred, districts = _predict_table(m, valid, with_inputs)
        if len(rejected):
            write_csv_atomic(rejected, out / f"{name}.rejected.csv")
        write_csv_atomic(result, out / f"{name}.csv")
        write_csv_atomic(districts, out / f"{name}.districts.csv")
        _write_model_json(m, out / f"{name}.csv", path, len(valid))
        write_partition(con, result, out / "parquet", "predictions", name)
        write_partition(con, districts, out / "parquet", "districts", name)
        return {"buildings": int(len(valid)), "rejected": int(len(rejected)),
                "ml_m3_per_day": float(pred["ml_m3_per_day"].sum()), "model_id": m.model_id}

    run_towns("predict", towns, out, files_of, one_town, inputs=[model] if model else (), force=force)
    if m.note:
        console.print(f"[yellow]WARNING / 주의: {m.note}[/]")


def _newest_rule(years: str, min_buildings: int):
    """The newest-cohort rule from ``--newest-years 15,10,5`` and ``--newest-min``."""
    from sewerplan.model.ml.newest import CohortRule

    try:
        ks = tuple(int(x) for x in years.replace(" ", "").split(",") if x)
    except ValueError:
        raise InputFileError(f"--newest-years takes whole numbers separated by commas (e.g. 15,10,5), not "
                             f"'{years}' / --newest-years 는 15,10,5 처럼 씁니다") from None
    return CohortRule(years=ks, min_buildings=min_buildings)


def _benchmark_inputs(train: Path, test: Optional[Path], split: str, year: Optional[int]):
    """(TRAIN frame, TEST frame, what TEST is) for ``--split files`` or ``--split newest --year``."""
    from sewerplan.model.ml.nyc_ll84 import SPLITS, year_split

    if split not in SPLITS:
        raise InputFileError(f"--split must be one of {', '.join(SPLITS)}, not '{split}' / --split 은 files 또는 newest")
    tr = _read_csv(train, "TRAIN")
    if split == "files":
        if test is None:
            raise InputFileError("--test is needed with --split files (or use --split newest --year YYYY) "
                                 "/ --test 파일이 필요합니다")
        return tr, _read_csv(test, "TEST"), f"TEST = {test.name}"
    if year is None or test is not None:
        raise InputFileError("--split newest takes --year YYYY and no --test: TRAIN's buildings completed up to "
                             "YYYY train the model, the later ones are forecast / --split newest 는 --year 와 함께, "
                             "--test 없이 씁니다")
    old, new = year_split(tr, year)
    return old, new, f"year split of {train.name}: train year_built <= {year} ({len(old):,}), forecast > {year} ({len(new):,})"


def _print_benchmark(metrics: dict, coverage: float, dt: float, out: Path, what: str) -> None:
    mm = metrics["methods"]
    out_console.print(f"{what}\n{metrics['n_scored']:,} properties scored / 평가 {metrics['n_scored']:,}건, "
                      f"{metrics['n_screened_out']} screened out / 선별 제외 ({dt:.1f} s) -> {out}", highlight=False)
    for k in ("design_standard_m3_per_day", "unit_calibrated_m3_per_day", "ml_m3_per_day"):
        out_console.print(f"  {k:<28} total ratio / 합계 비율 {mm[k]['total_ratio']:.3f}  WAPE {mm[k]['wape']:.3f}  "
                          f"district median APE / 구역 오차 중앙값 {mm[k]['district_median_ape']:.3f} "
                          f"({mm[k]['n_districts']} districts / 구역)", highlight=False)
    out_console.print(f"  ML {coverage:.0%} interval coverage / 구간 적중률 {mm['ml_interval_coverage']:.3f}; learner / "
                      f"학습기 {metrics['learner']}", highlight=False)
    nw = metrics.get("newest_cohort_check")
    if nw and nw["checked"]:
        lv = nw["level"]
        per = ", ".join(f"{k} y: {v:.3f}" for k, v in lv["per_check"].items())
        out_console.print(f"  newest-cohort check inside TRAIN / 학습 자료 안의 최근 준공 검증: {nw['n_buildings']:,} "
                          f"buildings completed / 동 {nw['first_year']:.0f}-{nw['last_year']:.0f}; level factor / 보정 계수 "
                          f"{lv['factor']:.3f} (checks {per}; sd {lv['sd_log']:.3f} ln)", highlight=False)
    elif nw:
        out_console.print(f"  newest-cohort check / 최근 준공 검증: too small / 건물 수 부족 ({nw['n_buildings']} buildings); "
                          f"intervals widened by / 예측 범위 확대 {nw['level']['sd_log']:.2f} (ln)", highlight=False)
    mapped = sum(v[2] for f in metrics["unmapped_types"].values() for v in f.values())
    if mapped:
        out_console.print(f"  {mapped:,} rows of property types outside the NYC table mapped by keyword or to the "
                          "fallback use / 표에 없는 용도는 키워드 또는 기본 용도로 대응 (metrics.json: unmapped_types)",
                          highlight=False)


def nyc_ll84(
    train: Path = typer.Option(..., "--train", help="LL84-layout training CSV (with water use) / 학습 자료"),
    test: Optional[Path] = typer.Option(None, "--test", help="LL84-layout CSV to predict (water columns optional) / 평가 자료"),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder / 결과 폴더"),
    split: str = typer.Option("files", "--split", help="files: --train and --test; newest: one file split by --year / 나누는 방법"),
    year: Optional[int] = typer.Option(None, "--year", help="With --split newest: train year_built <= YEAR, forecast > YEAR / 기준 연도"),
    coverage: float = typer.Option(0.90, help="Interval coverage [-]"),
    seed: int = typer.Option(0, help="Random seed"),
    max_iter: int = typer.Option(250, "--max-iter", min=1, help="Boosting rounds of the gradient-boosting learners (fewer = faster, for tests)"),
    location: str = typer.Option("auto", "--location", help="ML uses latitude/longitude: auto | yes | no"),
    newest_years: str = typer.Option("15,10,5", "--newest-years", help="Newest-cohort check: origins this many years before TRAIN's newest year / 최근 준공 검증 기준 연수"),
    newest_min: int = typer.Option(30, "--newest-min", help="Buildings after an origin needed for its check / 검증 최소 동수"),
    force: bool = typer.Option(False, "--force", help="Replace existing outputs / 덮어쓰기"),
) -> None:
    """Compare design standard, per-type median and ML on a public benchmarking file (NYC LL84 layout).

    공개 건물 에너지·물 사용 공시 자료(뉴욕 LL84 형식)로 설계기준·유형별 중앙값·ML을 비교합니다.
    The ML model is trained as `sewerplan run` trains it (newest-cohort check included).
    Writes DIR/predictions.csv, DIR/model_card.json and, when TEST has water use,
    DIR/metrics.json and DIR/districts.csv; rows without a floor area go to DIR/rejected_rows.csv.
    """
    from sewerplan.model.fileio import check_outputs, output_run, write_csv_atomic, write_json_atomic
    from sewerplan.model.ml.nyc_ll84 import run_nyc_benchmark

    with user_errors(), contextlib.ExitStack() as run:
        if out.exists() and not out.is_dir():
            raise InputFileError(f"--out {out} is a file, not a folder / --out 은 폴더여야 합니다")
        names = ("predictions.csv", "metrics.json", "districts.csv", "model_card.json", "rejected_rows.csv")
        files = {k: out / k for k in names}
        check_outputs(files.values(), inputs=[p for p in (train, test) if p is not None], force=force)
        rule = _newest_rule(newest_years, newest_min)
        run.enter_context(output_run(out, "benchmark nyc-ll84"))
        t0 = time.perf_counter()
        tr, te, what = _benchmark_inputs(train, test, split, year)
        with console.status("학습·예측 중 (training and predicting)..."):
            res = run_nyc_benchmark(tr, te, coverage=coverage, seed=seed, max_iter=max_iter,
                                    location=_location_choice(location), train_label=train.name,
                                    train_sha256=file_sha256(train), newest=rule)
        write_csv_atomic(res.predictions, files["predictions.csv"])
        write_json_atomic(files["model_card.json"], res.model.card)
        if len(res.rejected):
            write_csv_atomic(res.rejected, files["rejected_rows.csv"])
        dt = time.perf_counter() - t0
        if res.metrics is None:
            out_console.print(f"{len(res.predictions):,} properties predicted / 예측 {len(res.predictions):,}건 "
                              f"({dt:.1f} s) -> {files['predictions.csv']} (TEST has no water use: no metrics / "
                              "실측이 없어 지표 없음)")
            return
        res.metrics.update(seconds=round(dt, 1), split=what)
        write_json_atomic(files["metrics.json"], res.metrics)
        write_csv_atomic(res.districts, files["districts.csv"])
        _print_benchmark(res.metrics, coverage, dt, out, what)
        if len(res.rejected):
            out_console.print(f"  {len(res.rejected):,} rows set aside (no floor area) / 연면적 없는 행 제외 -> "
                              f"{files['rejected_rows.csv']}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("train")(train)
    app.command("predict")(predict)
    benchmark_app.command("nyc-ll84")(nyc_ll84)
    app.add_typer(benchmark_app, name="benchmark")
