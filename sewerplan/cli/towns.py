"""National runs on the command line: one pass per town with a progress bar (issue 17).

``sewerplan prepare``, ``estimate`` and ``predict`` call :func:`run_towns` when their input is a
folder of towns or a partitioned dataset (:mod:`sewerplan.model.intake.towns`). Every file the
run will write is checked before the first town starts; each town's result is written as soon
as it is done (per-town CSV or xlsx, plus Parquet partitions under ``OUT/parquet``), so memory
is bounded by the largest town and a failure leaves the finished towns in place.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from sewerplan.cli.common import console, out_console
from sewerplan.model.fileio import check_outputs, output_run, write_json_atomic

__all__ = ["run_towns", "SUMMARY_NAME"]

SUMMARY_NAME = "national_summary.json"


def run_towns(command: str, towns: list, out: Path, files_of, one_town, inputs=(), force: bool = False) -> dict:
    """Run ``one_town(name, *paths, con) -> summary dict`` for each town; write the national summary.

    ``towns``: ``[(name, path, ...)]``; ``files_of(name)``: the files written for a town (checked
    up front with :func:`check_outputs`). Returns ``{town: summary}``.
    """
    from sewerplan.model.intake.engine import connect

    out = Path(out)
    planned = [f for t in towns for f in files_of(t[0])] + [out / SUMMARY_NAME]
    check_outputs(planned, inputs=[p for t in towns for p in t[1:]] + list(inputs), force=force)
    summary, t0 = {}, time.perf_counter()
    with output_run(out, command), connect() as con, Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TimeRemainingColumn(), console=console, transient=False) as bar:
        task = bar.add_task(command, total=len(towns))
        for town in towns:
            bar.update(task, description=f"{command}: {town[0]}")
            summary[town[0]] = one_town(*town, con=con)
            bar.advance(task)
        write_json_atomic(out / SUMMARY_NAME, {"command": command, "towns": summary,
                                               "seconds": round(time.perf_counter() - t0, 1)})
    out_console.print(f"{len(towns):,} towns / 도시 {len(towns):,}곳 ({time.perf_counter() - t0:.1f} s) -> {out} "
                      f"(per town files, Parquet partitions in / 도시별 파일, Parquet: {out / 'parquet'}, {SUMMARY_NAME})")
    return summary
