"""Parquet partitions of a national run: ``ROOT/TABLE/town=NAME/part-0.parquet`` (issue 17).

The per-town CSV or xlsx files are for people; the partitions are for the next program: DuckDB,
Arrow, pandas, Spark or Dask read the whole country as one table (``read_parquet('ROOT/TABLE/**/
*.parquet', hive_partitioning=true)``) with ``town`` as a column. Each partition is written
atomically (:func:`~sewerplan.model.fileio.atomic_path`) through DuckDB, so no extra Parquet
library is needed.
"""

from __future__ import annotations

from pathlib import Path

from ..fileio import atomic_path
from ..intake.engine import sql_text
from ..intake.towns import PARTITION_KEY

__all__ = ["partition_path", "write_partition"]


def partition_path(root, table: str, town: str) -> Path:
    """Where a town's part of ``table`` goes."""
    return Path(root) / table / f"{PARTITION_KEY}={town}" / "part-0.parquet"


def write_partition(con, df, root, table: str, town: str) -> Path:
    """Write ``df`` as the town's partition of ``table`` under ``root`` (Parquet, zstd); its path.

    Text columns stay text, numbers stay numbers; an empty table still writes its columns.
    """
    target = partition_path(root, table, town)
    frame = df.copy()
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].where(frame[col].isna(), frame[col].astype(str))
    con.register("partition_df", frame)
    try:
        with atomic_path(target) as tmp:
            con.execute(f"COPY (SELECT * FROM partition_df) TO {sql_text(str(tmp))} (FORMAT parquet, COMPRESSION zstd)")
    finally:
        con.unregister("partition_df")
    return target
