"""The out-of-core intake engine: DuckDB with a memory limit and a spill folder (issue 17).

Billing extracts run to hundreds of millions of meter-months for a province or the country, far
more than pandas holds in memory. The billing read, month parsing, screening, meter averages
and the meter-building join therefore run as SQL in an embedded DuckDB database
(:mod:`.billing`, :mod:`.matching`); pandas stays the in-memory face of the model layer and
only ever holds tables of meter or building size.

Settings (each also from an environment variable, so the Excel add-in and the CLI agree):

=====================  ==========================  ===========================================
setting                environment variable        default
=====================  ==========================  ===========================================
memory limit           ``SEWERPLAN_MEMORY_LIMIT``  ``2GB``: DuckDB spills to disk above it
threads                ``SEWERPLAN_THREADS``       every core
spill folder           ``SEWERPLAN_SPILL_DIR``     a fresh folder under the system temp folder,
                                                   removed when the run ends
=====================  ==========================  ===========================================

Input tables become DuckDB tables of trimmed text with the file's own header; the file row of
a record is ``__row__ + 1 + row_offset`` (header = row 1; ``row_offset`` counts title rows above
the header of a workbook), so every message can name file, row, column and value. ``__row__``
(:data:`ROW`, 1 = the first record) is numbered by the reader itself: the ``rowid`` of a table filled
by DuckDB 2.0's parallel CSV reader is not always the order of the file (issue 25: a rejected-rows
file named the wrong rows in one run of three).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputFileError
from .tables import DELIMITER_NAMES, csv_layout, detect_encoding, file_kind, open_bytes, read_xlsx_text

__all__ = ["EngineSettings", "connect", "load_text_table", "sql_text", "sql_name", "TRIM_CHARS", "ROW"]

ROW = "__row__"  # the record number column of every table load_text_table makes (1 = first record)

DEFAULT_MEMORY_LIMIT = "2GB"  # leaves room for the pandas tables of a large town within 4 GiB
TRIM_CHARS = " \t\n\r\v\f\u00a0\u3000\ufeff"  # what str.strip() removes in Korean office files


@dataclass(frozen=True)
class EngineSettings:
    """Memory limit (DuckDB size text, e.g. '3GB'), threads (None = all cores), spill folder."""

    memory_limit: str | None = None
    threads: int | None = None
    spill_dir: str | Path | None = None

    def resolved(self) -> "EngineSettings":
        """The settings with the environment and the defaults filled in."""
        threads = self.threads or (int(os.environ["SEWERPLAN_THREADS"]) if os.environ.get("SEWERPLAN_THREADS") else None)
        return EngineSettings(self.memory_limit or os.environ.get("SEWERPLAN_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT,
                              threads, self.spill_dir or os.environ.get("SEWERPLAN_SPILL_DIR") or None)


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_name(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


@contextlib.contextmanager
def connect(settings: EngineSettings | None = None):
    """A DuckDB connection with the memory limit, threads and spill folder; closed (and spill removed) after."""
    import duckdb

    s = (settings or EngineSettings()).resolved()
    own_spill = s.spill_dir is None
    spill = Path(tempfile.mkdtemp(prefix="sewerplan-spill-")) if own_spill else Path(s.spill_dir)
    spill.mkdir(parents=True, exist_ok=True)
    config = {"memory_limit": s.memory_limit, "temp_directory": str(spill), "preserve_insertion_order": True}
    if s.threads:
        config["threads"] = int(s.threads)
    con = duckdb.connect(":memory:", config=config)
    try:
        yield con
    finally:
        con.close()
        if own_spill:
            shutil.rmtree(spill, ignore_errors=True)


_ROW_NUMBER = f"row_number() OVER () AS {ROW}"  # in the reader's order (an order-preserving streaming window)


def _trimmed(column: str, cast: bool = False) -> str:
    """SQL: the column as text with surrounding white space removed, NULL as ''."""
    col = f"CAST({sql_name(column)} AS VARCHAR)" if cast else sql_name(column)
    chars = sql_text(TRIM_CHARS)
    # trim(x, chars) is slow per row; only cells that start or end with white space need it. The test is
    # the first character's code point and a byte comparison per character at the end (left()/right()
    # on UTF-8 text cost more: 10.2 s against 7.8 s for 10M bills).
    starts = f"ascii({col}) IN ({', '.join(str(ord(c)) for c in TRIM_CHARS)})"
    ends = " OR ".join(f"suffix({col}, {sql_text(c)})" for c in TRIM_CHARS)
    return f"coalesce(CASE WHEN {starts} OR {ends} THEN trim({col}, {chars}) ELSE {col} END, '')"


def load_text_table(con, name: str, path_or_df, sheet=None, known_headers=(), source: str | None = None,
                    default_source: str = "table") -> tuple[list[str], str, int]:
    """Create table ``name`` of trimmed text from a file or DataFrame; ``(header, source, row_offset)``.

    CSV and .csv.gz are read by DuckDB itself (a CP949 file is first transcoded into the spill
    folder), Parquet files or folders of them (Hive partitions kept as columns) likewise; a
    workbook or a DataFrame goes through pandas.
    """
    import pandas as pd

    if isinstance(path_or_df, pd.DataFrame):
        return _load_frame(con, name, path_or_df, source or default_source, 0)
    path = Path(path_or_df)
    source = source or str(path)
    if not path.exists():
        raise InputFileError(f"File not found: {path} / 파일이 없습니다: {path}")
    kind = "parquet" if path.is_dir() else file_kind(path)
    if kind == "xlsx":
        df = read_xlsx_text(path, sheet=sheet, known_headers=known_headers, source=source)
        return _load_frame(con, name, df, source, int(df.attrs.get("row_offset", 0)))
    if kind == "parquet":
        return _load_parquet(con, name, path, source), source, 0
    return _load_csv(con, name, path, source), source, 0


def _load_frame(con, name: str, df, source: str, row_offset: int) -> tuple[list[str], str, int]:
    """A pandas DataFrame (every cell text, NaN/None blank) as table ``name``."""
    from .tables import check_header

    header = [str(c).strip() for c in df.columns]
    check_header(header, source)
    frame = df.copy()
    frame.columns = header
    for c in header:
        col = frame[c]
        frame[c] = col.where(col.notna(), "").astype(str) if col.dtype == object else col.astype(str).where(col.notna(), "")
    view = f"__frame_{name}"
    con.register(view, frame)
    try:
        cols = ", ".join(f"{_trimmed(c)} AS {sql_name(c)}" for c in header)
        con.execute(f"CREATE OR REPLACE TABLE {sql_name(name)} AS SELECT {_ROW_NUMBER}, {cols} FROM {sql_name(view)}")
    finally:
        con.unregister(view)
    return header, source, row_offset


def _load_csv(con, name: str, path: Path, source: str) -> list[str]:
    """A CSV file as table ``name``: sniffed delimiter, UTF-8 read directly, CP949 transcoded first."""
    import duckdb

    encoding, delimiter, header = csv_layout(path, source)
    read_path = _transcoded(con, path, source) if encoding == "cp949" else _literal(con, path, source)
    try:
        _create_from_csv(con, name, read_path, delimiter, header)
    except duckdb.Error as exc:
        if "quoted new lines" in str(exc):  # a line break inside a quoted cell (RFC 4180): read it serially
            try:
                _create_from_csv(con, name, read_path, delimiter, header, parallel=False)
            except duckdb.Error as serial_exc:
                raise _csv_error(serial_exc, source, delimiter) from serial_exc
        elif isinstance(exc, duckdb.InvalidInputException) and "unicode" in str(exc).lower():
            detect_encoding(path, source)  # raises naming the row when the file mixes encodings
            try:
                _create_from_csv(con, name, _transcoded(con, path, source), delimiter, header)
            except duckdb.Error as again:
                raise _csv_error(again, source, delimiter) from again
        else:
            raise _csv_error(exc, source, delimiter) from exc
    return header


#: characters DuckDB reads as a file pattern ('data*.csv' would also read data_secret.csv)
GLOB_CHARACTERS = frozenset("*?[]{}")


def _literal(con, path: Path, source: str) -> Path:
    """``path`` itself, or, when its name holds a glob character, an alias of that one file in the spill
    folder (a hard link, else a symbolic link, else a copy): DuckDB expands patterns in every path it is
    given and has no escape, so a file named ``t[ab].csv`` would be read as ``ta.csv``."""
    import os
    import shutil

    if not GLOB_CHARACTERS & set(str(path)):
        return path
    spill = Path(con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0])
    spill.mkdir(parents=True, exist_ok=True)
    alias = spill / f"literal-{abs(hash(str(path.resolve())))}{''.join(path.suffixes[-2:])}"
    if alias.exists():
        return alias
    for make in (os.link, os.symlink, shutil.copyfile):
        try:
            make(path.resolve(), alias)
            return alias
        except OSError:
            continue
    raise InputFileError(f"{source}: the file name holds one of {''.join(sorted(GLOB_CHARACTERS))}, which the table "
                         "reader takes as a pattern; rename the file / 파일 이름에서 * ? [ ] {{ }} 를 빼 주세요")


def _create_from_csv(con, name: str, path: Path, delimiter: str, header: list[str], parallel: bool = True) -> None:
    """Table ``name`` from a CSV file read as text. DuckDB's parallel scanner cannot pad short rows and
    follow a line break inside a quoted cell at once; such a file is read again with ``parallel=False``."""
    columns = "{" + ", ".join(f"{sql_text(h)}: 'VARCHAR'" for h in header) + "}"
    cols = ", ".join(f"{_trimmed(h)} AS {sql_name(h)}" for h in header)
    con.execute(
        f"CREATE OR REPLACE TABLE {sql_name(name)} AS SELECT {_ROW_NUMBER}, {cols} FROM read_csv({sql_text(str(path))}, "
        f"delim={sql_text(delimiter)}, header=true, quote='\"', escape='\"', auto_detect=false, "
        f"columns={columns}, null_padding=true, compression='auto'{'' if parallel else ', parallel=false'})")


def _csv_error(exc, source: str, delimiter: str) -> InputFileError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputFileError(f"{source}: cannot read the table as {DELIMITER_NAMES[delimiter]}-separated text "
                          f"({first}) / 표를 읽을 수 없습니다.")


def _transcoded(con, path: Path, source: str) -> Path:
    """A UTF-8 copy of a CP949 file in the spill folder (streamed, bounded memory)."""
    spill = con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
    target = Path(spill) / f"utf8-{abs(hash(str(path)))}.csv"
    if target.exists():
        return target
    try:
        with open_bytes(path) as raw, open(target, "w", encoding="utf-8", newline="") as out:
            text = (line.decode("cp949") for line in raw)
            for line in text:
                out.write(line)
    except UnicodeDecodeError as exc:
        detect_encoding(path, source)
        raise InputFileError(f"{source}: cannot read the text as CP949 ({exc}) / 글자 인코딩 오류") from exc
    return target


def _load_parquet(con, name: str, path: Path, source: str) -> list[str]:
    """A Parquet file, or a folder of them (Hive partitions ``key=value`` kept as columns), as text."""
    if path.is_dir() and GLOB_CHARACTERS & set(str(path)):  # a folder is read as a pattern by design
        raise InputFileError(f"{source}: the folder name holds one of {''.join(sorted(GLOB_CHARACTERS))}, which the "
                             "Parquet reader takes as a pattern; rename the folder / 폴더 이름에서 * ? [ ] {{ }} 를 "
                             "빼 주세요")
    pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(_literal(con, path, source))
    scan = f"read_parquet({sql_text(pattern)}, hive_partitioning=true, union_by_name=true)"
    try:
        header = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
        cols = ", ".join(f"{_trimmed(h, cast=True)} AS {sql_name(h)}" for h in header)
        con.execute(f"CREATE OR REPLACE TABLE {sql_name(name)} AS SELECT {_ROW_NUMBER}, {cols} FROM {scan}")
    except Exception as exc:  # duckdb.IOException, InvalidInputError ...
        raise InputFileError(f"{source}: cannot read the Parquet data ({str(exc).splitlines()[0]}) / "
                             "Parquet 자료를 읽을 수 없습니다.") from exc
    return header
