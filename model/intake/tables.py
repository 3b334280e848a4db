"""Reading a city's table files as text: encodings, delimiters, headers, sheets.

Every reader of the intake room starts here (CSV and Parquet are then read by DuckDB,
:mod:`.engine`; workbooks by pandas), so a file is understood the same way everywhere:

* **Encoding.** UTF-8 (with or without BOM), else CP949/EUC-KR as Korean public data often is.
  A file that mixes the two (rows appended from another program) is refused naming the first
  row in the other encoding; a row that is neither is refused naming its row.
* **Delimiter.** Comma, tab, semicolon or bar, sniffed from the header line (issue 14 item 7:
  a tab- or semicolon-separated file is no longer read as one column).
* **Headers.** A header used twice, or blank, is refused naming it (never "the first one wins").
* **Workbooks.** ``sheet`` picks a sheet by name or number; without it the first sheet whose
  header row has known column names is read (so data on the second sheet is found), and title
  rows above the header are skipped: the header is the first of the top 30 rows with at least
  two filled cells and at least half as many as the widest of them.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

from ..errors import InputFileError

__all__ = [
    "CSV_SUFFIXES", "XLSX_SUFFIXES", "PARQUET_SUFFIXES", "DELIMITERS", "DELIMITER_NAMES",
    "open_bytes", "detect_encoding", "sniff_delimiter", "csv_layout", "check_header",
    "read_xlsx_text", "file_kind", "canonical_header_map",
]

CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
DELIMITERS = (",", "\t", ";", "|")
DELIMITER_NAMES = {",": "comma / 쉼표", "\t": "tab / 탭", ";": "semicolon / 세미콜론", "|": "bar / 세로선"}
HEADER_SCAN_ROWS = 30  # rows looked at to find the header under title rows [rows]
_HEAD_BYTES = 1 << 16


def file_kind(path) -> str:
    """'csv', 'xlsx' or 'parquet' from the file name; raise for anything else."""
    name = Path(path).name.lower()
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    if name.endswith(XLSX_SUFFIXES):
        return "xlsx"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    raise InputFileError(
        f"{path}: unsupported file type '{Path(path).suffix}'; use .csv, .csv.gz, .tsv, .xlsx or .parquet / "
        "지원하지 않는 형식입니다 (.csv, .csv.gz, .xlsx, .parquet)."
    )


def open_bytes(path):
    """The file as a binary stream, gunzipped when its name ends in .gz."""
    path = Path(path)
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _line_encoding(line: bytes) -> str:
    """'ascii', 'utf-8', 'cp949' or '' (neither) for one line of bytes."""
    if line.isascii():
        return "ascii"
    for enc in ("utf-8", "cp949"):
        try:
            line.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    return ""


def detect_encoding(path, source: str | None = None) -> str:
    """'utf-8-sig' or 'cp949' for a text file; raise naming the row when it mixes encodings.

    Reads the file line by line only until the first line that is not ASCII decides, unless
    UTF-8 fails later; then every line is classified to find the row to name.
    """
    source = source or str(path)
    first: dict[str, int] = {}
    try:
        with open_bytes(path) as fh:
            for row, line in enumerate(fh, start=1):
                enc = _line_encoding(line.removeprefix(b"\xef\xbb\xbf") if row == 1 else line)
                if enc == "ascii":
                    continue
                if enc == "":
                    raise InputFileError(
                        f"{source}, row {row}: the text is neither UTF-8 nor CP949 (EUC-KR); save the file as "
                        f"UTF-8 CSV / {row}행의 글자 인코딩을 읽을 수 없습니다. UTF-8 CSV로 저장하세요.")
                first.setdefault(enc, row)
                if len(first) == 2:
                    a, b = sorted(first, key=first.get)
                    raise InputFileError(
                        f"{source}, row {first[b]}: this row is {b.upper()} but row {first[a]} is {a.upper()}; the "
                        f"file mixes text encodings. Save it again as one UTF-8 CSV / {first[b]}행과 {first[a]}행의 "
                        "글자 인코딩이 다릅니다(혼합). UTF-8 CSV 하나로 다시 저장하세요.")
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise InputFileError(f"{source}: cannot read the file ({exc}) / 파일을 읽을 수 없습니다.") from exc
    return "cp949" if "cp949" in first else "utf-8-sig"


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: the one of :data:`DELIMITERS` found most often outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the earlier (comma first)
    return best if counts[best] > 0 else ","


def csv_layout(path, source: str | None = None, encoding: str | None = None) -> tuple[str, str, list[str]]:
    """(encoding, delimiter, header) of a CSV file; the header checked by :func:`check_header`."""
    source = source or str(path)
    try:
        with open_bytes(path) as fh:
            head = fh.read(_HEAD_BYTES)
    except (OSError, EOFError) as exc:
        raise InputFileError(f"{source}: cannot read the file ({exc}) / 파일을 읽을 수 없습니다.") from exc
    if not head.strip():
        raise InputFileError(f"{source}: the file is empty / 빈 파일입니다.")
    if encoding is None:
        encoding = "utf-8-sig" if _decodes(head, "utf-8-sig") else detect_encoding(path, source)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = sniff_delimiter(first_line)
    header = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    header = [h.strip() for h in header]
    check_header(header, source)
    return encoding, delimiter, header


def _decodes(head: bytes, encoding: str) -> bool:
    """True when ``head`` decodes (a multi-byte character cut at the end of the block is allowed)."""
    try:
        head.decode(encoding)
        return True
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"


def check_header(header: list[str], source: str) -> None:
    """Refuse a blank header cell between named ones, or a header used twice, naming it."""
    seen: dict[str, int] = {}
    named = [i for i, h in enumerate(header) if h]
    for i, h in enumerate(header, start=1):
        if not h:
            if named and i - 1 < named[-1]:
                raise InputFileError(
                    f"{source}: column {i} has no header; name every column / {i}번째 열의 제목이 비어 있습니다.")
            continue
        if h in seen:
            raise InputFileError(
                f"{source}: header '{h}' is used twice (columns {seen[h]} and {i}); rename or remove one so it is "
                f"clear which to read / 열 제목 '{h}'이(가) 두 번 나옵니다({seen[h]}, {i}번째 열).")
        seen[h] = i


def canonical_header_map(header, aliases: dict[str, list[str]], source: str) -> dict[str, str]:
    """canonical name -> the user's header, for the headers named in ``aliases`` (canonical ->
    accepted headers, compared without spaces, case-insensitive).

    Two columns that mean the same (e.g. ``연면적`` and ``연면적(㎡)``) are refused naming both,
    rather than silently reading the first.
    """
    lookup = {"".join(str(a).split()).lower(): canon for canon, al in aliases.items() for a in al}
    original: dict[str, str] = {}
    for h in header:
        canon = lookup.get("".join(str(h).split()).lower())
        if canon is None:
            continue
        if canon in original:
            raise InputFileError(
                f"{source}: columns '{original[canon]}' and '{h}' both give {canon}; keep one of them / "
                f"열 '{original[canon]}'과(와) '{h}'이(가) 같은 항목({canon})입니다. 하나만 남기세요.")
        original[canon] = h
    return original


def read_xlsx_text(path, sheet=None, known_headers=(), source: str | None = None):
    """A worksheet as a DataFrame of strings, its header found under any title rows.

    ``sheet``: name or 0-based number; None = the first sheet whose header row has at least two
    of ``known_headers`` (compared without spaces, case-insensitive), else the first sheet.
    """
    import pandas as pd

    source = source or str(path)
    try:
        sheets = pd.read_excel(path, sheet_name=None if sheet is None else _sheet_key(sheet), header=None,
                               dtype=str, keep_default_na=False, engine="openpyxl", nrows=None)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputFileError(f"{source}: not a readable xlsx workbook ({exc}) / xlsx 통합문서를 읽을 수 없습니다.") from exc
    except ValueError as exc:
        raise InputFileError(f"{source}: {exc} / 시트를 찾을 수 없습니다.") from exc
    if not isinstance(sheets, dict):
        sheets = {sheet: sheets}
    name, grid, top = _choose_sheet(sheets, known_headers)
    header = [str(h).strip() for h in grid.iloc[top].tolist()]
    while header and not header[-1]:
        header.pop()
    check_header(header, f"{source} [{name}]")
    body = grid.iloc[top + 1:, :len(header)].reset_index(drop=True)
    body.columns = header
    body.attrs["row_offset"] = top  # title rows above the header: file row = position + 2 + row_offset
    return body


def _sheet_key(sheet):
    """A sheet given on the command line: a number means its position (0 = first)."""
    return int(sheet) if isinstance(sheet, str) and sheet.isdigit() else sheet


def _choose_sheet(sheets: dict, known_headers) -> tuple:
    """(sheet name, its cells, header row position) of the sheet to read."""
    known = {"".join(str(h).split()).lower() for h in known_headers}
    fallback = None
    for name, grid in sheets.items():
        if grid.shape[0] == 0:
            continue
        top = _header_row(grid)
        if fallback is None:
            fallback = (name, grid, top)
        cells = {"".join(str(c).split()).lower() for c in grid.iloc[top].tolist()}
        if len(cells & known) >= 2 or not known:
            return name, grid, top
    if fallback is None:
        raise InputFileError("the workbook has no rows on any sheet / 통합문서에 행이 없습니다.")
    return fallback


def _header_row(grid) -> int:
    """Position of the header row: first of the top rows with >= 2 filled cells and >= half the widest."""
    top = grid.head(HEADER_SCAN_ROWS)
    filled = top.ne("").sum(axis=1).to_numpy()
    widest = int(filled.max()) if len(filled) else 0
    for i, n in enumerate(filled):
        if n >= 2 and n * 2 >= widest:
            return i
    return 0
