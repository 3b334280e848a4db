"""Safe file writing: every output is checked, written atomically, and never over an input.

The rules every command follows (docs/architecture.md, "Untrusted input"):

- :func:`check_outputs` is the one check every written file passes before the first byte is
  written: never over an input, an existing output only with ``--force``, no ``.py`` file that
  would shadow a standard or installed module, and not a file Excel holds open.
- :func:`atomic_path` writes through a temporary file beside the target and moves it into place
  only on success; a file held open by Excel (``PermissionError``) or a full disk ends in one
  readable error and leaves the old file untouched.
- :func:`output_run` locks an output folder against a second concurrent run, removes the
  temporary files of runs that were killed, and marks the folder incomplete until the run ends.
- Text from inputs is written as text: :func:`csv_safe_text` neutralises spreadsheet formulas in
  CSV cells (OWASP "CSV injection"), :func:`xlsx_text` makes an openpyxl cell of type string,
  and :func:`write_json_atomic` never writes ``NaN`` or ``Infinity``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from .errors import InputFileError, OutputBusyError, OutputExistsError, OutputFileError, OutputInUseError

__all__ = [
    "file_sha256",
    "EXCEL_MAX_ROWS", "INCOMPLETE_MARKER", "LOCK_NAME",
    "atomic_path", "check_output_path", "check_outputs", "check_excel_rows", "csv_safe_text",
    "output_run", "write_bytes_atomic", "write_text_atomic", "write_csv_atomic", "write_json_atomic",
    "json_ready", "write_csv_engine", "xlsx_text", "xlsx_value", "control_characters", "shown",
]

#: characters no workbook, HWPX or PDF text can carry (XML 1.0): C0 controls but tab, newline and carriage
#: return; lone surrogates; U+FFFE and U+FFFF (issue 23 finding 6)
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LAYOUT = re.compile("[\t\n\r\x7f-\x9f]")


def file_sha256(path) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MiB blocks."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def control_characters(text: str, layout: bool = False) -> list[str]:
    """The characters of ``text`` an output cannot carry, as ``U+0001`` codes (none: ``[]``).

    ``layout=True`` lets tab, newline and carriage return pass (long texts); without it they are
    refused too, as are DEL and the C1 controls (a name has no line breaks).
    """
    found = set(UNWRITABLE.findall(text)) | (set() if layout else set(_LAYOUT.findall(text)))
    return [f"U+{ord(c):04X}" for c in sorted(found)]


def shown(text: str) -> str:
    """``text`` for a message on a terminal: control characters written as ``\\x1b`` (never sent raw,
    so a value cannot move the cursor or retitle the window)."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


CSV_CHUNK_ROWS = 200_000  # rows formatted and written at a time [rows]
CSV_ENGINE_ROWS = 20_000  # from this many rows a plain CSV is written by DuckDB (write_csv_engine) [rows]
EXCEL_MAX_ROWS = 1_048_576  # rows of one worksheet, Excel 2007 and later [rows]
LOCK_NAME = ".sewerplan.lock"
INCOMPLETE_MARKER = "_INCOMPLETE_RUN.txt"
_TMP_TAG = ".sewerplan-"  # temporary files: .NAME.sewerplan-XXXX.tmp
# Modules a ``NAME.py`` beside a workbook must not shadow (besides the standard library).
_PROTECTED_MODULES = frozenset({
    "sewerplan", "xlwings", "numpy", "pandas", "openpyxl", "xlsxwriter", "sklearn", "skops", "scipy",
    "yaml", "typer", "rich", "jinja2", "weasyprint", "matplotlib", "duckdb", "pyarrow", "pywintypes", "win32com",
})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------------------
# the one check for every written file
# --------------------------------------------------------------------------------------


def check_outputs(paths, inputs=(), force: bool = False) -> list[Path]:
    """Check every file a command will write, before it writes the first one.

    Refuses (with :class:`InputFileError`) a path that is an input, an existing output without
    ``force``, a folder, or a ``.py`` name that would shadow a Python module; an existing output
    that another program holds open raises :class:`OutputInUseError`. Creates missing folders.
    """
    paths = [Path(p) for p in paths]
    inputs = [Path(s) for s in inputs if s is not None]
    for p in paths:
        _refuse_input(p, inputs)
        _refuse_module_shadow(p)
        if p.is_dir():
            raise InputFileError(f"Output {p} is a folder, not a file / 출력 {p} 은(는) 폴더입니다.")
        _refuse_special_file(p)
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise OutputExistsError(
            f"Output {existing[0]} already exists. Use --force to replace it / "
            f"출력 파일 {existing[0]} 이(가) 이미 있습니다. 바꾸려면 --force 를 쓰세요."
        )
    for p in existing:
        _refuse_if_in_use(p)
    for p in paths:
        p.parent.mkdir(parents=True, exist_ok=True)
    return paths


def check_output_path(out, inputs=(), force=False) -> Path:
    """:func:`check_outputs` for one file."""
    return check_outputs([out], inputs=inputs, force=force)[0]


def _same_file(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        if a.exists() and b.exists():
            return os.path.samefile(a, b)  # hard links, symlinks, case-insensitive file systems
    return os.path.normcase(str(a.resolve())) == os.path.normcase(str(b.resolve()))


def _refuse_input(out: Path, inputs) -> None:
    for src in inputs:
        if _same_file(out, src):
            raise InputFileError(
                f"Output {out} is the input file {src}; sewerplan never overwrites input data. "
                f"Choose another --out / 출력 파일이 입력 파일과 같습니다. 다른 --out 을 지정하세요."
            )


def _refuse_special_file(out: Path) -> None:
    """A device, pipe or socket (/dev/null, NUL) is never an output: the atomic move would replace it."""
    if out.exists() and not out.is_dir() and not out.is_file():
        raise InputFileError(f"Output {out} is a device or pipe, not a file; name a file / "
                             f"출력 {out} 은(는) 장치나 파이프입니다. 파일 이름을 지정하세요.")


def _refuse_module_shadow(out: Path) -> None:
    stem = out.stem
    if out.suffix.lower() == ".py" and (stem in sys.stdlib_module_names or stem in _PROTECTED_MODULES):
        raise InputFileError(
            f"{out.name} would shadow the Python module '{stem}'; choose another name / "
            f"{out.name} 은(는) 파이썬 모듈 '{stem}' 과 이름이 같아 쓸 수 없습니다. 다른 이름을 쓰세요."
        )


def _refuse_if_in_use(path: Path) -> None:
    """Excel on Windows holds its files open: opening for writing fails with PermissionError."""
    try:
        with open(path, "r+b"):
            pass
    except PermissionError:
        raise OutputInUseError(path) from None


def check_excel_rows(n_rows: int, sheet: str, path) -> None:
    """Refuse a worksheet longer than Excel's 1,048,576 rows (header rows included)."""
    if n_rows > EXCEL_MAX_ROWS:
        raise OutputFileError(
            f"{path}: sheet '{sheet}' would have {n_rows:,} rows, more than Excel's {EXCEL_MAX_ROWS:,}; "
            f"nothing was written. Write .csv instead (--out X.csv) / 시트 행 수 {n_rows:,}개가 엑셀 한도 "
            f"{EXCEL_MAX_ROWS:,}행을 넘어 저장하지 않았습니다. .csv 로 저장하세요."
        )


# --------------------------------------------------------------------------------------
# atomic writing
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_path(target):
    """Yield a temporary path beside ``target``; move it into place only on success.

    A crash or an exception leaves any existing ``target`` untouched and removes the temporary
    file. A target held open by Excel raises :class:`OutputInUseError`, a full disk
    :class:`OutputFileError`.
    """
    target = Path(target)
    _refuse_special_file(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}{_TMP_TAG}", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        _replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            raise OutputFileError(
                f"Disk full while writing {target}; free some space and run again (the old file is untouched) / "
                f"디스크 공간이 부족해 {target} 을(를) 쓰지 못했습니다. 공간을 확보하고 다시 실행하세요."
            ) from None
        raise


def _replace(tmp, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except PermissionError:
        raise OutputInUseError(target) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(target, data: bytes) -> Path:
    """Write bytes to ``target`` atomically."""
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(data)
    return Path(target)


def write_text_atomic(target, text: str, encoding: str = "utf-8") -> Path:
    """Write text to ``target`` atomically."""
    return write_bytes_atomic(target, text.encode(encoding))


def write_json_atomic(target, obj, **kwargs) -> Path:
    """Write ``obj`` as UTF-8 JSON atomically; NaN and infinities become ``null``, never bare tokens."""
    kwargs.setdefault("ensure_ascii", False)
    kwargs.setdefault("indent", 2)
    text = json.dumps(json_ready(obj, kwargs.pop("default", str)), allow_nan=False, **kwargs) + "\n"
    return write_text_atomic(target, text)


def json_ready(obj, default=str):
    """``obj`` as :func:`write_json_atomic` writes it: plain Python types, non-finite floats as None."""
    return _finite(obj, default)


def _finite(o, default):
    """``o`` with numpy scalars as Python numbers and every non-finite float as None."""
    if isinstance(o, dict):
        return {str(k) if not isinstance(k, (str, int, float, bool)) and k is not None else k: _finite(v, default)
                for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_finite(v, default) for v in o]
    if hasattr(o, "tolist") and not isinstance(o, (str, bytes)):  # numpy scalars and arrays
        return _finite(o.tolist(), default)
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if o is None or isinstance(o, (str, int, bool)):
        return o
    return _finite(default(o), default)


def write_csv_atomic(df, target, **kwargs) -> Path:
    """Write a DataFrame as UTF-8 CSV (with BOM so Excel opens Korean text correctly).

    Text cells and headers that a spreadsheet would run as a formula are neutralised
    (:func:`csv_safe_text`). Large tables are written in chunks of :data:`CSV_CHUNK_ROWS` rows,
    so the text of a national table is never all in memory at once (same file).
    """
    plain = not kwargs
    kwargs.setdefault("index", False)
    kwargs.setdefault("encoding", "utf-8-sig")
    kwargs.setdefault("float_format", "%.10g")  # full precision without binary noise
    with atomic_path(target) as tmp:
        if plain and len(df) >= CSV_ENGINE_ROWS and write_csv_engine(df, tmp):
            pass  # a large table: formatted, guarded and written by DuckDB (the same text)
        elif len(df) <= CSV_CHUNK_ROWS:
            _csv_ready(df, kwargs).to_csv(tmp, **kwargs)
        else:
            header = kwargs.pop("header", True)
            with open(tmp, "w", encoding=kwargs.pop("encoding"), newline="") as fh:
                for start in range(0, len(df), CSV_CHUNK_ROWS):
                    chunk = _csv_ready(df.iloc[start:start + CSV_CHUNK_ROWS], kwargs)
                    chunk.to_csv(fh, header=header if start == 0 else False, **kwargs)
    return Path(target)


def _engine_column(col, c: str) -> str | None:
    """SQL writing column ``c`` (pandas ``col``) as :func:`write_csv_atomic`'s pandas path writes it;
    None when it cannot (another dtype, an object column not all text)."""
    import numpy as np
    import pandas as pd

    if col.dtype == bool:
        return f"CASE WHEN {c} THEN 'True' ELSE 'False' END"
    if col.dtype.kind in "iu":
        return c
    if col.dtype in (np.float64, np.float32):
        return f"printf('%.10g', {c})"  # NaN arrives as NULL: an empty cell, as pandas writes it
    if col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
        starts = ", ".join(str(ord(ch)) for ch in _FORMULA_START)
        # csv_safe_text as SQL: a cell that starts like a formula and is not a finite number gets "'"
        return (f"CASE WHEN ascii({c}) IN ({starts}) AND NOT coalesce(isfinite(TRY_CAST({c} AS DOUBLE)), false) "
                f"THEN chr(39) || {c} ELSE nullif({c}, '') END")
    return None


def write_csv_engine(df, path) -> bool:
    """Write ``df`` to ``path`` as :func:`write_csv_atomic` does (BOM, formulas neutralised, floats as
    ``%.10g``, NaN blank, ``True``/``False``) with DuckDB's parallel CSV writer (issue 25: pandas
    formats and guards every cell in Python). Returns False, writing nothing, for a table it cannot
    take (a column of mixed or other types, a single column, duplicate headers): pandas writes those.

    One difference, on the safe side: a cell starting like a formula whose digits are not ASCII
    (``-١٢``) is neutralised here, where Python's ``float`` reads it as a number.
    """
    import shutil

    import duckdb

    if df.shape[1] < 2 or df.columns.duplicated().any():
        return False
    exprs = [_engine_column(df.iloc[:, i], f"_c{i}") for i in range(df.shape[1])]
    if any(e is None for e in exprs):
        return False
    frame = df.set_axis([f"_c{i}" for i in range(df.shape[1])], axis=1)
    names = [str(csv_safe_text(str(n))).replace('"', '""') for n in df.columns]
    select = ", ".join(f'{e} AS "{n}"' for e, n in zip(exprs, names))
    body = Path(str(path) + ".body")
    threads = os.environ.get("SEWERPLAN_THREADS")
    con = duckdb.connect(":memory:", config={"preserve_insertion_order": True,
                                             **({"threads": int(threads)} if threads else {})})
    try:
        con.register("frame", frame)
        con.execute(f"COPY (SELECT {select} FROM frame) TO '{str(body).replace(chr(39), chr(39) * 2)}' "
                    "(FORMAT csv, HEADER)")
        with open(path, "wb") as out, open(body, "rb") as src:
            out.write(b"\xef\xbb\xbf")  # UTF-8 BOM, as pandas' utf-8-sig: Excel reads Korean text right
            shutil.copyfileobj(src, out, 1 << 20)
    finally:
        con.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(body)
    return True


def _csv_ready(df, kwargs: dict):
    """The frame as it is written: formulas neutralised, floats formatted (default format only)."""
    df = _csv_safe_frame(df)
    if kwargs.get("float_format") == "%.10g" and "na_rep" not in kwargs:
        df = _formatted_floats(df, kwargs["float_format"])
    return df


# --------------------------------------------------------------------------------------
# text as text: CSV and xlsx
# --------------------------------------------------------------------------------------


def csv_safe_text(value):
    """Neutralise a CSV cell that a spreadsheet would run as a formula (OWASP CSV injection).

    Text starting with ``= + - @``, tab or carriage return gets a leading apostrophe, so Excel and
    LibreOffice show it as text; plain numbers written as text (``-5``, ``+82``) and anything that
    is not text are returned unchanged.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    with contextlib.suppress(ValueError):
        if math.isfinite(float(value)):
            return value
    return "'" + value


def _formatted_floats(df, fmt: str):
    """Float columns as the text ``to_csv(float_format=fmt)`` writes (NaN blank), formatted in one
    pass per column: pandas formats every float through several Python calls (issue 17)."""
    cols = [c for c in df.columns if str(df[c].dtype) in ("float64", "float32")]
    if not cols or df.columns.duplicated().any():
        return df
    out = df.copy()
    for c in cols:
        values = out[c].to_numpy()
        text = [fmt % v for v in values.tolist()]
        out[c] = [t if v == v else "" for t, v in zip(text, values.tolist())]
    return out


def _csv_safe_frame(df):
    text_cols = [c for c in df.columns if df[c].dtype == object or str(df[c].dtype) in ("string", "str")]
    renamed = {c: csv_safe_text(c) for c in df.columns if isinstance(c, str) and csv_safe_text(c) != c}
    if not text_cols and not renamed:
        return df
    out = df.copy()
    for c in text_cols:
        col = out[c]
        risky = _starts_like_formula(col) if col.dtype == object else None
        if risky is None:
            out[c] = col.map(csv_safe_text)
        elif risky.any():  # only the cells that start like a formula are looked at one by one
            out.loc[risky, c] = col[risky].map(csv_safe_text)
    return out.rename(columns=renamed)


def _starts_like_formula(col):
    """Boolean mask of the text cells that start like a formula, tested once per distinct value."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(col)
    risky = np.fromiter((isinstance(u, str) and u.startswith(_FORMULA_START) for u in uniques), bool, len(uniques))
    return np.append(risky, False)[codes]  # code -1 (missing) -> the appended False


def xlsx_text(ws, value):
    """An openpyxl cell holding ``value`` as text (data type ``s``), never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=UNWRITABLE.sub("\ufffd", str(value)))  # inputs refuse them; never crash here
    cell.data_type = "s"
    return cell


def xlsx_value(ws, value):
    """``value`` for ``ws.append``: text becomes a text cell (:func:`xlsx_text`), the rest stays."""
    return xlsx_text(ws, value) if isinstance(value, str) else value


# --------------------------------------------------------------------------------------
# runs: folder lock, stale temporary files, the incomplete-run marker
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def output_run(folder, command: str = "sewerplan", mark_incomplete: bool = True):
    """Lock ``folder`` for one run, clean the temp files of killed runs, mark it incomplete until done.

    A second run into the same folder raises :class:`OutputBusyError` while the first holds the
    lock (an operating-system lock, released when a killed run's process ends). With
    ``mark_incomplete`` the folder holds :data:`INCOMPLETE_MARKER` from the start of the run until
    it succeeds; a run that failed before writing anything removes it again.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with _folder_lock(folder):
        _remove_stale_temp_files(folder, deep=mark_incomplete)
        marker = folder / INCOMPLETE_MARKER
        started = time.time()
        if mark_incomplete:
            write_text_atomic(marker, _marker_text(command))
        try:
            yield folder
        except BaseException:
            if mark_incomplete and not _written_since(folder, started, skip=marker):
                marker.unlink(missing_ok=True)
            raise
        if mark_incomplete:
            marker.unlink(missing_ok=True)


def _marker_text(command: str) -> str:
    when = time.strftime("%Y-%m-%d %H:%M:%S")
    return (f"이 폴더의 sewerplan 실행({command}, {when} 시작)이 끝나지 않았습니다. 이 폴더의 결과를 쓰지 말고 "
            f"--force 로 다시 실행하세요.\nThe sewerplan run ({command}, started {when}) writing into this folder "
            f"did not finish. Do not use these outputs; run it again with --force.\n")


def _written_since(folder: Path, since: float, skip: Path) -> bool:
    for p in [*folder.glob("*"), *folder.glob("*/*")]:
        with contextlib.suppress(OSError):
            if p != skip and p.is_file() and p.stat().st_mtime >= since - 1:
                return True
    return False


def _remove_stale_temp_files(folder: Path, deep: bool) -> list[Path]:
    """Temp files of sewerplan runs in ``folder`` (``deep``: and one level below); under the lock all are stale."""
    stale = [*folder.glob(f".*{_TMP_TAG}*.tmp"), *(folder.glob(f"*/.*{_TMP_TAG}*.tmp") if deep else [])]
    for p in stale:
        with contextlib.suppress(OSError):
            p.unlink()
    return stale


@contextlib.contextmanager
def _folder_lock(folder: Path):
    lock = folder / LOCK_NAME
    fh = _locked_handle(lock, folder)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()  # POSIX: remove while still locked; Windows: fails here, done below
        fh.close()
        with contextlib.suppress(OSError):
            lock.unlink()


def _locked_handle(lock: Path, folder: Path):
    """An open handle on ``lock`` that holds the OS lock (the file checked to be still in place)."""
    for _ in range(5):
        fh = open(lock, "a+b")
        try:
            _os_lock(fh)
        except OSError:
            fh.close()
            raise OutputBusyError(
                f"Another sewerplan run is writing into {folder} now; wait for it to finish or choose another "
                f"--out / 다른 sewerplan 실행이 {folder} 에 쓰는 중입니다. 끝난 뒤 다시 실행하거나 다른 --out 을 쓰세요."
            ) from None
        with contextlib.suppress(OSError):
            if os.fstat(fh.fileno()).st_ino == os.stat(lock).st_ino:
                return fh
        fh.close()  # the previous holder removed the file between our open and lock: try again
    raise OutputBusyError(f"Could not lock {folder}; try again / {folder} 을(를) 잠그지 못했습니다.")


def _os_lock(fh) -> None:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
