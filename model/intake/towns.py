"""National runs: a folder of towns, or a partitioned Parquet dataset, read town by town (issue 17).

A ministry or provincial agency has every town's register and bills. ``sewerplan prepare``,
``estimate`` and ``predict`` accept a folder instead of a file and run the same per-town
pipeline once per town, so memory is bounded by the largest town, not the country:

* **a folder of files**, one per town: ``registers/가온시.csv``, ``registers/나래군.xlsx`` ...
  (the town is the file name without its extension);
* **a partitioned dataset** (Hive layout, as DuckDB, Spark or Arrow write it):
  ``billing/town=가온시/part-0.parquet`` ... (the town is the value of the ``town=`` folder; any
  files of one partition are read together).

For ``prepare`` the register and billing folders are paired by town; a town with only one of
the two is reported, not silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputFileError
from .tables import CSV_SUFFIXES, PARQUET_SUFFIXES, XLSX_SUFFIXES

__all__ = ["Town", "towns_in", "paired_towns", "PARTITION_KEY"]

PARTITION_KEY = "town"
_SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES + PARQUET_SUFFIXES


@dataclass(frozen=True)
class Town:
    """One town of a national run: its name and its input (a file, or a partition folder)."""

    name: str
    path: Path


def _stem(path: Path) -> str:
    name = path.name
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def _check_town_name(name: str, path: Path) -> None:
    """A town name becomes an output folder name: refuse one that could leave the output folder."""
    bad = (name.strip() in ("", ".", "..") or any(c in name for c in '/\\:*?"<>|') or
           any(ord(c) < 32 for c in name) or name.split(".")[0].upper() in _WINDOWS_RESERVED)
    if bad:
        raise InputFileError(f"{path}: '{name}' cannot be a town name (it names the output folder) / "
                             f"도시 이름으로 쓸 수 없습니다: '{name}'")


def towns_in(folder) -> list[Town]:
    """The towns of a folder (files by name, or ``town=NAME`` partitions), sorted by name.

    Raises
    ------
    InputFileError
        When the folder holds no town file or partition, or two files name the same town.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(f"{folder} is not a folder / 폴더가 아닙니다: {folder}")
    found: dict[str, Path] = {}
    for p in sorted(folder.iterdir()):
        if p.name.startswith((".", "_")):
            continue
        if p.is_dir() and p.name.startswith(f"{PARTITION_KEY}="):
            name = p.name.split("=", 1)[1]
        elif p.is_file() and p.name.lower().endswith(_SUFFIXES):
            name = _stem(p)
        else:
            continue
        _check_town_name(name, p)
        if name in found:
            raise InputFileError(f"{folder}: town '{name}' is given twice ({found[name].name}, {p.name}) / "
                                 f"같은 도시가 두 번 있습니다: {name}")
        found[name] = p
    if not found:
        raise InputFileError(
            f"{folder}: no town files (.csv, .csv.gz, .xlsx, .parquet) and no '{PARTITION_KEY}=NAME' partitions / "
            "도시별 파일이나 town=이름 폴더가 없습니다.")
    return [Town(n, found[n]) for n in sorted(found)]


def paired_towns(registers, billings) -> tuple[list[tuple[str, Path, Path]], dict[str, list[str]]]:
    """``([(town, register, billing)], {"register_only": [...], "billing_only": [...]})``."""
    reg = {t.name: t.path for t in towns_in(registers)}
    bill = {t.name: t.path for t in towns_in(billings)}
    both = sorted(set(reg) & set(bill))
    if not both:
        raise InputFileError(f"no town has both a register in {registers} and bills in {billings} / "
                             "건축물대장과 요금 자료가 모두 있는 도시가 없습니다.")
    unpaired = {"register_only": sorted(set(reg) - set(bill)), "billing_only": sorted(set(bill) - set(reg))}
    return [(t, reg[t], bill[t]) for t in both], unpaired
