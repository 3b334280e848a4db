"""``sewerplan monitor``: the new town's first bills against the forecast of a run (입주 후 점검).

Reads the run's ``results.json`` (names, interval, return ratio) and the forecast buildings
beside it (``planned_town_buildings.csv``), compares the first bills by district and month
(:mod:`sewerplan.model.planning.monitoring`) and writes, into one output folder (locked, marked
incomplete until done): the district and month tables (CSV), a workbook and a one-page PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sewerplan.model.errors import InputFileError
from sewerplan.model.fileio import check_outputs, output_run, write_csv_atomic, write_json_atomic

__all__ = ["MONITOR_FILES", "MonitorRun", "run_monitor", "forecast_ratios"]

MONITOR_FILES = {
    "districts": "monitoring_districts.csv",
    "monthly": "monitoring_by_month.csv",
    "buildings": "monitoring_buildings.csv",
    "workbook": "monitoring.xlsx",
    "summary": "monitoring_summary.json",
    "report": "monitoring.pdf",
}
FORECAST_FILE = "planned_town_buildings.csv"


@dataclass
class MonitorRun:
    """Paths written and the monitoring result."""

    out_dir: Path
    paths: dict
    result: object  # planning.monitoring.MonitorResult


def forecast_ratios(bundle) -> tuple[float, float]:
    """Relative bounds of the district-total interval [-]: ML lower / P50 and upper / P50 (day average)."""
    t = bundle.planned_total
    mid = t.ml.day_average_m3_per_day
    if mid <= 0:
        raise InputFileError("results bundle: planned_total.ml is 0; nothing to compare / 예측값이 0입니다")
    return t.ml_lower.day_average_m3_per_day / mid, t.ml_upper.day_average_m3_per_day / mid


def _return_ratio(bundle) -> float:
    for p in bundle.metadata.parameters:
        if p.name == "return_ratio":
            return float(p.value)
    from sewerplan.model.design.parameters import DEFAULT_PARAMETERS

    return DEFAULT_PARAMETERS.return_ratio


def _read_forecast(path: Path) -> pd.DataFrame:
    """The run's forecast buildings (ids and keys as text)."""
    if not path.is_file():
        raise InputFileError(f"forecast buildings not found: {path}; give --buildings or the folder of a run / "
                             f"예측 건축물 파일이 없습니다")
    text_cols = {c: str for c in ("building_id", "district", "address", "pnu", "main_use")}
    df = pd.read_csv(path, dtype=text_cols, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    missing = [c for c in ("building_id", "district", "ml_m3_per_day") if c not in df.columns]
    if missing:
        raise InputFileError(f"{path}: column {missing[0]!r} missing; not a forecast of sewerplan run / 열이 없습니다")
    df["building_id"] = df["building_id"].str.lstrip("'")  # CSV-injection guard of the writer
    return df


def _names(bundle) -> dict:
    m = bundle.metadata
    return {"town": m.town_name, "municipality": m.municipality, "created": m.created, "synthetic": m.synthetic,
            "version": m.sewerplan_version, "data_source": m.data_source, "return_ratio": _return_ratio(bundle)}


def run_monitor(results, billing, out_dir, buildings=None, key_file=None, lang: str = "ko",
                force: bool = False, report: bool = True) -> MonitorRun:
    """Compare the first bills with the forecast of ``results`` and write the monitoring outputs.

    Parameters
    ----------
    results : path
        ``results.json`` of a finished ``sewerplan run``.
    billing : path
        The new town's first bills (billing format; optional building id column).
    buildings : path, optional
        Forecast buildings; default ``planned_town_buildings.csv`` beside ``results``.
    key_file : path, optional
        Pseudonym key (default the environment variable, else a one-off key).
    """
    from sewerplan.model.intake.privacy import load_key
    from sewerplan.model.outputs.results import ResultsBundle
    from sewerplan.model.planning.monitoring import monitor

    results, billing, out = Path(results), Path(billing), Path(out_dir)
    bundle = ResultsBundle.from_json(results)
    forecast_path = Path(buildings) if buildings else results.parent / FORECAST_FILE
    if not billing.is_file():
        raise InputFileError(f"--billing file not found: {billing} / 요금 파일이 없습니다")
    targets = [out / v for v in MONITOR_FILES.values()]
    check_outputs(targets, inputs=[results, billing, forecast_path], force=force)
    forecast = _read_forecast(forecast_path)
    key = load_key(key_file)
    with output_run(out, "monitor"):
        result = monitor(billing, forecast, forecast_ratios(bundle), _return_ratio(bundle), key)
        paths = _write(result, bundle, out, lang, report, (results, billing, forecast_path))
    return MonitorRun(out, paths, result)


def _write(result, bundle, out: Path, lang: str, report: bool, inputs) -> dict:
    from sewerplan.model.outputs.workbook import write_frames_workbook

    paths = {
        "districts": write_csv_atomic(result.districts, out / MONITOR_FILES["districts"]),
        "monthly": write_csv_atomic(result.monthly, out / MONITOR_FILES["monthly"]),
        "buildings": write_csv_atomic(result.buildings, out / MONITOR_FILES["buildings"]),
        "workbook": write_frames_workbook(out / MONITOR_FILES["workbook"],
                                          {"구역별 (districts)": result.districts, "월별 (by month)": result.monthly,
                                           "건축물별 (buildings)": result.buildings},
                                          synthetic=bundle.metadata.synthetic),
        "summary": write_json_atomic(out / MONITOR_FILES["summary"], {"town": bundle.metadata.town_name,
                                                                      **result.counts}),
    }
    if report:
        from sewerplan.reporting.monitoring import write_monitoring_report

        paths["report"] = write_monitoring_report(result, _names(bundle), out / MONITOR_FILES["report"], lang,
                                                  force=True, inputs=inputs)
    return paths
