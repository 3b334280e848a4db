"""The building inventory contract: one canonical table, importers and validation.

A municipality's building table arrives as CSV (UTF-8, or CP949/EUC-KR as Korean public
data often is) or xlsx, with headers as the building register exports them (대지위치,
주용도코드명, 연면적(㎡), 세대수(세대), 사용승인일 ...), as the public API names them
(mgmBldrgstPk, mainPurpsCdNm, totArea, hhldCnt, useAprDay ...) or with sewerplan's own
canonical names. :func:`load_buildings` maps them to the canonical columns of
``docs/architecture.md``, checks every value and either returns the table or raises
:class:`~sewerplan.model.errors.InventoryValidationError` listing every problem with
file, row, column and value. With ``skip_invalid=True`` the bad rows are returned
separately, each with its reasons, and nothing is dropped silently.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError, InventoryValidationError, UnknownBuildingUse
from ..units import excel_serial_to_year
from .numbers import BOUNDS, NUMBER_PROBLEMS, parse_number_text
from .tables import canonical_header_map, check_header, file_kind, read_xlsx_text
from ..design.unit_loads import lookup_use
from ..design.uses import HOUSING_MULTI, category_of
from ..design.uses import main_use as _main_use

__all__ = [
    "CANONICAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "NUMERIC_COLUMNS",
    "HH_SHARE_COLUMNS",
    "HEADER_ALIASES",
    "Problem",
    "read_table",
    "map_headers",
    "read_input",
    "text_cells",
    "validate_buildings",
    "load_buildings",
    "district_from_address",
]

HH_SHARE_COLUMNS = ["hh_share_1", "hh_share_2", "hh_share_3", "hh_share_4", "hh_share_5plus"]
REQUIRED_COLUMNS = ["building_id", "district", "main_use", "floor_area_m2"]
NUMERIC_COLUMNS = [
    "floor_area_m2", "households", "dwelling_units", "families", "floors_above", "floors_below",
    "rooms_per_dwelling", "occupants", "observed_m3_per_day", "latitude", "longitude", *HH_SHARE_COLUMNS,
]
CANONICAL_COLUMNS = [
    "building_id", "district", "main_use", "moe_code", "floor_area_m2", "households",
    "dwelling_units", "floors_above", "approval_year", *HH_SHARE_COLUMNS,
    "observed_m3_per_day", "rural", "rooms_per_dwelling", "occupants",
    "latitude", "longitude", "address", "pnu", "building_name",
]

# canonical name -> accepted headers (compared without spaces, case-insensitive)
HEADER_ALIASES: dict[str, list[str]] = {
    "building_id": ["building_id", "관리건축물대장PK", "mgmBldrgstPk", "건축물ID", "건물ID", "건물번호", "계획건축물ID"],
    "district": ["district", "배수구역", "처리구역", "계획구역", "지구", "구역"],
    "main_use": ["main_use", "주용도코드명", "mainPurpsCdNm", "주용도"],
    "main_use_code": ["main_use_code", "주용도코드", "mainPurpsCd"],
    "moe_code": ["moe_code", "MOE코드", "환경부용도코드", "오수용도코드"],
    "floor_area_m2": ["floor_area_m2", "연면적(㎡)", "연면적(m2)", "연면적(m²)", "연면적", "totArea"],
    "households": ["households", "세대수(세대)", "세대수", "hhldCnt"],
    "dwelling_units": ["dwelling_units", "호수(호)", "호수", "hoCnt"],
    "families": ["families", "가구수(가구)", "가구수", "fmlyCnt"],
    "floors_above": ["floors_above", "지상층수", "grndFlrCnt"],
    "floors_below": ["floors_below", "지하층수", "ugrndFlrCnt"],
    "approval_year": ["approval_year", "사용승인일", "useAprDay", "사용승인연도", "준공연도", "완공연도"],
    "address": ["address", "대지위치", "platPlc"],
    "road_address": ["road_address", "도로명대지위치", "newPlatPlc"],
    "building_name": ["building_name", "건물명", "bldNm"],
    "pnu": ["pnu", "PNU", "필지고유번호"],
    "sigungu_code": ["sigungu_code", "시군구코드", "sigunguCd"],
    "bjdong_code": ["bjdong_code", "법정동코드", "bjdongCd"],
    "plat_gb_code": ["plat_gb_code", "대지구분코드", "platGbCd"],
    "bun": ["bun", "번", "본번"],
    "ji": ["ji", "지", "부번"],
    "rooms_per_dwelling": ["rooms_per_dwelling", "방수", "세대당방수"],
    "occupants": ["occupants", "이용인원", "인원"],
    "rural": ["rural", "읍면지역", "읍면여부"],
    "latitude": ["latitude", "위도", "lat"],
    "longitude": ["longitude", "경도", "lon", "lng"],
    "observed_m3_per_day": ["observed_m3_per_day", "관측오수량(㎥/일)", "관측오수량"],
    "hh_share_1": ["hh_share_1", "1인가구비율"],
    "hh_share_2": ["hh_share_2", "2인가구비율"],
    "hh_share_3": ["hh_share_3", "3인가구비율"],
    "hh_share_4": ["hh_share_4", "4인가구비율"],
    "hh_share_5plus": ["hh_share_5plus", "5인이상가구비율"],
}

_KOREAN_LABEL = {  # how a column is named back to the user in messages
    "building_id": "건축물 ID", "district": "배수구역", "main_use": "주용도", "moe_code": "환경부 용도코드",
    "floor_area_m2": "연면적(㎡)", "households": "세대수", "dwelling_units": "호수",
    "approval_year": "사용승인일", "observed_m3_per_day": "관측오수량(㎥/일)",
}

_COORDINATE_RANGE = {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0)}
_YEAR_MIN = 1900
_YEAR_MAX_AHEAD = 30  # planned towns: completion up to 30 years ahead
_TRUE = {"1", "true", "yes", "y", "t", "예", "읍", "면", "읍면", "o"}


def _norm_header(h) -> str:
    return re.sub(r"\s+", "", str(h)).lower()


_ALIAS_LOOKUP_RAW = [a for aliases in HEADER_ALIASES.values() for a in aliases]


@dataclass(frozen=True)
class Problem:
    """One bad value: where it is, what it is and what is wrong."""

    file: str
    row: int  # row number as the user sees it in the file (header = row 1)
    column: str  # the header as written in the user's file
    value: str
    message: str

    def __str__(self) -> str:
        from ..fileio import shown

        return f"{self.file}, row {self.row}, column '{self.column}', value '{shown(self.value)}': {self.message}"


def read_table(path, sheet=None, known_headers=None) -> pd.DataFrame:
    """Read a CSV (UTF-8 or CP949/EUC-KR, optionally gzipped; comma, tab, semicolon or bar
    separated), xlsx or Parquet file as text, every cell a string (:mod:`.tables`).

    ``sheet`` picks a worksheet (name or 0-based number); ``known_headers`` are the headers that
    identify the data sheet and header row of a workbook (default: the building-table headers).
    A workbook's title rows above the header are counted in ``df.attrs["row_offset"]``.

    Raises
    ------
    InputFileError
        File missing, unsupported format, undecodable, mixed encodings, duplicate headers or empty.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"File not found: {path} / 파일이 없습니다: {path}")
    kind = "parquet" if path.is_dir() else file_kind(path)
    try:
        if kind == "xlsx":
            known = known_headers if known_headers is not None else list(_ALIAS_LOOKUP_RAW)
            df = read_xlsx_text(path, sheet=sheet, known_headers=known)
        else:
            df = _read_with_engine(path)
    except pd.errors.EmptyDataError as exc:
        raise InputFileError(f"{path}: the file is empty / 빈 파일입니다.") from exc
    except (ValueError, OSError) as exc:
        if isinstance(exc, InputFileError):
            raise
        raise InputFileError(f"{path}: cannot read the table ({exc}) / 표를 읽을 수 없습니다.") from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _read_with_engine(path: Path) -> pd.DataFrame:
    """A CSV or Parquet file (or a folder of Parquet files, Hive partitions as columns) as stripped
    text, through DuckDB: a parallel read, every cell trimmed there (:func:`~.engine.load_text_table`)."""
    from .engine import ROW, connect, load_text_table

    with connect() as con:
        load_text_table(con, "t", path)
        df = con.execute(f"SELECT * EXCLUDE ({ROW}) FROM t ORDER BY {ROW}").df()  # the file's order
    df.attrs["text_cells"] = True
    return df


def text_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as stripped text, with empty cells (NaN / None) as ''.

    One pass per column. Text that says ``NaN`` stays text (and is then refused as "not a
    finite number" where a number is expected), so a bad value is never reported as blank.
    """
    if df.attrs.get("text_cells"):
        return df
    out = {}
    for col in df.columns:
        s = df[col]
        if isinstance(s, pd.DataFrame):  # a header used twice in a DataFrame
            raise InputFileError(f"header '{col}' is used twice; keep one / 열 제목 '{col}'이(가) 두 번 나옵니다.")
        out[col] = _stripped_text(s)
    result = pd.DataFrame(out, index=df.index, columns=df.columns)
    result.attrs.update(df.attrs, text_cells=True)
    return result


def _stripped_text(s: pd.Series) -> pd.Series:
    """One column as stripped text ('' for empty cells), each distinct value converted once.

    Only a column of one kind of value (all text, all floats or all integers) is converted per
    distinct value: in a mixed column 1, 1.0 and True are one key to a hash table but three texts.
    """
    if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "floating", "integer", "empty"):
        return s.astype(object).where(s.notna(), "").astype(str).str.strip()
    codes, uniques = pd.factorize(s)  # empty cells (None, NaN) get code -1: the '' appended last
    text = np.append(pd.Series(uniques, dtype=object).astype(str).str.strip().to_numpy(dtype=object), "")
    return pd.Series(text[codes], index=s.index, dtype=object)


def read_input(path_or_df, sheet=None, source: str | None = None, default_source: str = "table",
               known_headers=None):
    """(table as stripped text, name for messages) from a file path or a DataFrame.

    A path is read with :func:`read_table` and named by its path; a DataFrame (e.g. cells
    from Excel) is copied and named ``source`` or ``default_source``.
    """
    if isinstance(path_or_df, pd.DataFrame):
        raw, name = path_or_df.copy(), source or default_source
    else:
        raw, name = read_table(path_or_df, sheet=sheet, known_headers=known_headers), source or str(path_or_df)
    return text_cells(raw), name


def map_headers(df: pd.DataFrame, aliases: dict[str, list[str]] | None = None,
                source: str = "table") -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename known headers to canonical names; return the table and canonical -> original header.

    ``aliases`` maps canonical name -> accepted headers (compared without spaces,
    case-insensitive); default the building-table headers (:data:`HEADER_ALIASES`). Unknown
    columns are kept as they are (passed through to outputs). Two columns meaning the same are
    refused (:func:`~.tables.canonical_header_map`).
    """
    original = canonical_header_map(list(df.columns), HEADER_ALIASES if aliases is None else aliases, source)
    return df.rename(columns={v: k for k, v in original.items()}), original


# :func:`district_from_address` over a whole column: the first token after the first that is a
# 동/읍/면 (optionally with N가) and does not start with a digit.
_DISTRICT_IN_ADDRESS = r"^\s*\S+(?:\s+\S+)*?\s+((?!\d)\S+(?:동|읍|면)(?:\d+가)?)(?=\s|$)"
_DISTRICT_WORD = re.compile(r"(?!\d)\S+(?:동|읍|면)(?:\d+가)?")


def _district_token(address: str) -> str:
    """:data:`_DISTRICT_IN_ADDRESS` without the regular expression's backtracking over the whole text:
    the first token after the first that is a 동/읍/면 (optionally with N가) not starting with a digit."""
    return next((tok for tok in address.split()[1:] if _DISTRICT_WORD.fullmatch(tok)), "")


_DISTRICT_TOKEN = re.compile(r"(\S+?(?:동|읍|면|가))(?:\d+가)?(?:\s|$)")


def district_from_address(address) -> str:
    """The 법정동/읍/면 name in a lot address, e.g. '경기도 시흥시 정왕동 1234-5' -> '정왕동'."""
    if address is None or str(address).strip() == "":
        return ""
    tokens = str(address).split()
    for tok in tokens[1:]:  # skip the province
        if re.fullmatch(r"\S+(동|읍|면)(\d+가)?", tok) and not re.fullmatch(r"\d+.*", tok):
            return tok
    return ""


def _digits(text: pd.Series) -> pd.Series:
    """The digits of each cell (regular expression only on the cells with something else)."""
    other = ~text.str.isdecimal()
    if other.any():
        text = text.copy()
        text[other] = text[other].str.replace(r"\D", "", regex=True)
    return text


def _pnu_from_parts(df: pd.DataFrame) -> pd.Series:
    # the cells are stripped text already (text_cells); digits only where something else is there
    # each part once per distinct value (a register repeats its codes and lot numbers)
    sig = _on_distinct(df["sigungu_code"], lambda u: u.str.zfill(5))
    bjd = _on_distinct(df["bjdong_code"], lambda u: u.str.zfill(5))
    gb = df.get("plat_gb_code", pd.Series("0", index=df.index))
    land = np.where(gb == "1", "2", "1")  # register 0 = 대지 -> PNU 1, 1 = 산 -> PNU 2
    bun, ji = (_on_distinct(df[c], lambda u: _digits(u).str.zfill(4)) for c in ("bun", "ji"))
    return sig + bjd + pd.Series(land, index=df.index) + bun + ji


def _on_distinct(values: pd.Series, fn) -> pd.Series:
    """``fn`` (Series -> Series of the same length) applied to the distinct values only, spread back."""
    codes, uniques = pd.factorize(values)
    mapped = fn(pd.Series(uniques, dtype=object)).to_numpy(dtype=object)
    return pd.Series(np.append(mapped, np.nan)[codes], index=values.index, dtype=object)


@dataclass
class _Findings:
    """The problems found in a building table so far, and which rows they reject.

    ``df`` is the mapped table (canonical headers), ``original`` maps canonical name ->
    the user's header, ``rows`` the file row of each index (header = row 1).
    """

    df: pd.DataFrame
    original: dict[str, str]
    source: str
    rows: pd.Series = field(init=False)
    bad: pd.Series = field(init=False)
    problems: list[Problem] = field(default_factory=list)
    reasons: dict = field(default_factory=dict)  # index -> ["column: message", ...]
    row_offset: int = 0  # title rows above the header of a workbook

    def __post_init__(self):
        self.rows = pd.Series(np.arange(len(self.df)) + 2 + self.row_offset, index=self.df.index)  # header is row 1
        self.bad = pd.Series(False, index=self.df.index)

    def flag(self, mask, canon: str, message) -> None:
        """Record ``message`` (text, or a function of the cell value) for every row in ``mask``."""
        mask = mask.fillna(False) if hasattr(mask, "fillna") else mask
        col = self.original.get(canon, canon)
        for idx in self.df.index[mask]:
            value = self.df.at[idx, canon] if canon in self.df.columns else ""
            msg = message(value) if callable(message) else message
            self.problems.append(Problem(self.source, int(self.rows[idx]), col, str(value), msg))
            self.reasons.setdefault(idx, []).append(f"{col}: {msg}")
        self.bad = self.bad | mask


def validate_buildings(
    raw: pd.DataFrame,
    source: str = "input",
    district_column: str | None = None,
    today: _dt.date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Map headers, convert types and check every value.

    Parameters
    ----------
    raw : DataFrame
        The user's table, every cell as text (see :func:`read_table`).
    source : str
        File name used in messages.
    district_column : str, optional
        The user's column to use as district; default a column named like ``district``
        (배수구역, 처리구역 ...), else the 법정동 of the lot address (대지위치).
    today : date, optional
        Reference date for the latest possible approval year (default: today).

    Returns
    -------
    valid : DataFrame
        Canonical table of the good rows (plus ``category``, ``source_row`` and any
        passed-through columns).
    rejected : DataFrame
        The bad rows as given, with ``source_row`` and ``rejected_reason``.
    problems : list of Problem
        Every problem found, in row order.
    """
    today = today or _dt.date.today()
    raw = text_cells(_rename_reserved_columns(raw))
    raw, df, original = _map_building_headers(raw, source, district_column)
    _derive_district(df, original, source)
    _check_required_columns(df, raw, source)
    found = _Findings(df, original, source, row_offset=int(raw.attrs.get("row_offset", 0)))
    _check_required_values(found)
    _check_text_characters(found)
    numeric = _parse_numbers(found)
    _check_plausibility(numeric, found)
    _check_household_shares(numeric, found)
    use_errors = _check_uses(found)
    _check_multi_unit_housing(numeric, use_errors, found)
    if "approval_year" in df.columns:
        numeric["approval_year"] = _parse_approval_year(found, today)
    _check_duplicate_ids(found)
    out = _canonical_table(df, numeric, use_errors, found.rows)
    return _split_valid_rejected(out, raw, found)


def _rename_reserved_columns(raw: pd.DataFrame) -> pd.DataFrame:
    """Strip the headers; a user's ``source_row`` / ``rejected_reason`` / ``category`` becomes ``input_*``.

    sewerplan writes those three columns itself.
    """
    raw = raw.copy(deep=False)  # new headers, the same cells (a national register is not copied for that)
    raw.columns = [str(c).strip() for c in raw.columns]
    check_header(list(raw.columns), "table")
    for reserved in ("source_row", "rejected_reason", "category"):
        if reserved in raw.columns:
            raw = raw.rename(columns={reserved: f"input_{reserved}"})
    return raw


def _map_building_headers(raw: pd.DataFrame, source: str, district_column: str | None):
    """(raw, mapped table, canonical -> user header), with ``district_column`` as the district.

    The chosen district column appears as ``__district__`` in the returned raw table.
    """
    if district_column is not None:
        if district_column not in raw.columns:
            raise InputFileError(
                f"{source}: no column '{district_column}' for --district-column; columns are "
                f"{list(raw.columns)} / 배수구역 열 '{district_column}'이(가) 없습니다."
            )
        raw = raw.rename(columns={district_column: "__district__"})
    df, original = map_headers(raw, source=source)
    if district_column is not None:
        df = df.drop(columns=["district"], errors="ignore").rename(columns={"__district__": "district"})
        original["district"] = district_column
    return raw, df, original


def _derive_district(df: pd.DataFrame, original: dict, source: str) -> None:
    """Without a district column, use the 법정동/읍/면 of the lot address (adds ``district`` in place)."""
    if "district" in df.columns:
        return
    if "address" not in df.columns:
        raise InputFileError(
            f"{source}: no district column (district / 배수구역) and no lot address (대지위치) to "
            f"derive one. Name the column with --district-column / 배수구역 열이 없습니다."
        )
    df["district"] = _on_distinct(df["address"], lambda u: pd.Series([_district_token(a) for a in u.tolist()]))
    original["district"] = original["address"]


def _check_required_columns(df: pd.DataFrame, raw: pd.DataFrame, source: str) -> None:
    """Raise when the id, main use or floor area column is missing."""
    missing = [c for c in ("building_id", "main_use", "floor_area_m2") if c not in df.columns]
    if missing:
        wanted = {c: HEADER_ALIASES[c][:3] for c in missing}
        raise InputFileError(
            f"{source}: required column(s) missing: {wanted}. Columns found: {list(raw.columns)} / "
            f"필수 열이 없습니다: {', '.join(_KOREAN_LABEL.get(c, c) for c in missing)}"
        )


def _check_required_values(found: _Findings) -> None:
    """Id, district, main use and floor area must not be blank (a derived district: the address must have a 동)."""
    df = found.df
    derived_district = found.original.get("district") == found.original.get("address")
    for canon in REQUIRED_COLUMNS:
        if canon == "district" and derived_district:
            found.flag(df["district"] == "", "address", "no 동/읍/면 in the address to use as district; add a "
                       "district column (배수구역) or use --district-column / 주소에서 배수구역(동·읍·면)을 찾을 수 없습니다")
            continue
        found.flag(df[canon] == "", canon, "required value is blank / 필수 값이 비어 있습니다")


def _parse_numbers(found: _Findings) -> dict[str, pd.Series]:
    """Every numeric column present, as numbers (NaN where blank or bad), each checked."""
    return {canon: _parse_number_column(found, canon) for canon in NUMERIC_COLUMNS if canon in found.df.columns}


def _parse_number_column(found: _Findings, canon: str) -> pd.Series:
    """One numeric column ('1,234.5' allowed; decimal commas, inf and NaN refused): a number, > 0 and
    plausible for floor area, in range for coordinates, else >= 0."""
    num, problem = parse_number_text(found.df[canon])
    problem = problem.astype("category")  # compared with each problem key below: codes, not a million strings
    for key in ("decimal_comma", "not_finite"):
        found.flag(problem.eq(key), canon, NUMBER_PROBLEMS[key])
    non_numeric = problem.eq("not_number")
    if canon == "floor_area_m2":
        found.flag(non_numeric, canon, "not a number; give the floor area in m2 / 숫자가 아닙니다 (㎡)")
        found.flag(num <= 0, canon, "floor area must be greater than 0 m2 / 연면적은 0보다 커야 합니다")
        found.flag(num > BOUNDS["floor_area_m2"], canon,
                   f"implausible floor area: more than {BOUNDS['floor_area_m2']:,.0f} m2 / 비현실적으로 큰 연면적입니다")
    elif canon in _COORDINATE_RANGE:
        low, high = _COORDINATE_RANGE[canon]
        found.flag(non_numeric, canon, "not a number (decimal degrees) / 숫자가 아닙니다 (십진 도)")
        found.flag((num < low) | (num > high), canon,
                   f"must be between {low} and {high} degrees / {low}~{high}도 사이여야 합니다")
    else:
        found.flag(non_numeric, canon, "not a number / 숫자가 아닙니다")
        found.flag(num < 0, canon, "must not be negative / 음수일 수 없습니다")
        if canon in BOUNDS:
            found.flag(num > BOUNDS[canon], canon, f"implausible: more than {BOUNDS[canon]:,.0f}; check the unit and "
                                                   "the digits / 비현실적으로 큰 값입니다")
    return num


#: text columns that name things in every output (reports, workbooks): no control characters
TEXT_COLUMNS = ("building_id", "district", "main_use", "moe_code", "address", "building_name", "pnu")


def _check_text_characters(found: _Findings) -> None:
    """A name with a control character (a stray \\x01 from an export) cannot be written to a workbook,
    HWPX or PDF: the row is refused naming the character (issue 23 finding 6)."""
    from ..fileio import UNWRITABLE, control_characters

    for canon in TEXT_COLUMNS:
        if canon in found.df.columns:
            values = found.df[canon].astype(str)
            if not UNWRITABLE.search("\n".join(values.unique().tolist())):  # one scan; '\n' is writable
                continue
            bad = values.str.contains(UNWRITABLE, regex=True)
            found.flag(bad, canon, lambda v: f"holds the control character {', '.join(control_characters(str(v)))}, "
                                             "which reports and workbooks cannot carry; remove it / 제어 문자가 "
                                             "들어 있습니다")


def _check_plausibility(numeric: dict[str, pd.Series], found: _Findings) -> None:
    """Physical bounds (:data:`~.numbers.BOUNDS`): households per m2 of floor area, observed L/m2/d."""
    area = numeric.get("floor_area_m2")
    if area is None:
        return
    per_m2 = BOUNDS["households_per_m2"]
    if "households" in numeric:
        found.flag(numeric["households"] > per_m2 * area, "households",
                   f"implausible: more than one household per {1 / per_m2:g} m2 of floor area / "
                   "연면적에 비해 세대수가 너무 많습니다")
    if "observed_m3_per_day" in numeric:
        limit = BOUNDS["observed_l_per_m2_day"]
        found.flag(numeric["observed_m3_per_day"] * 1000.0 > limit * area, "observed_m3_per_day",
                   f"implausible: more than {limit:,.0f} L per m2 of floor area a day / "
                   "연면적에 비해 관측오수량이 너무 큽니다")


def _check_household_shares(numeric: dict[str, pd.Series], found: _Findings) -> None:
    """Household-size shares: each at most 1, and where any is given they add up to 1 (+-0.02)."""
    present = [c for c in HH_SHARE_COLUMNS if c in numeric]
    for canon in present:
        found.flag(numeric[canon] > 1, canon, "a share must be between 0 and 1 / 비율은 0~1 사이여야 합니다")
    if present:
        shares = pd.DataFrame({c: numeric[c] for c in present})
        any_given = shares.notna().any(axis=1)
        total = shares.fillna(0).sum(axis=1)
        off = any_given & ((total - 1).abs() > 0.02)
        found.flag(off, present[0], "household-size shares must add up to 1 / 가구원수 비율 합이 1이어야 합니다")


def _lookup_errors(values: pd.Series, lookup) -> dict:
    """{value: message} for the distinct non-blank values that ``lookup`` rejects."""
    errors = {}
    for v in values[values != ""].unique():
        try:
            lookup(v)
        except UnknownBuildingUse as exc:
            errors[v] = exc.message
    return errors


def _check_uses(found: _Findings) -> dict:
    """Main use and MOE code must be known; returns {unknown main use: message}."""
    df = found.df
    use_errors = _lookup_errors(df["main_use"], _main_use)
    found.flag(df["main_use"].isin(list(use_errors)), "main_use", lambda v: use_errors[v])
    if "moe_code" in df.columns:
        code_errors = _lookup_errors(df["moe_code"], lookup_use)
        found.flag(df["moe_code"].isin(list(code_errors)), "moe_code", lambda v: code_errors[v])
    return use_errors


def _check_multi_unit_housing(numeric: dict[str, pd.Series], use_errors: dict, found: _Findings) -> None:
    """Multi-unit housing is counted by dwellings: households, dwelling units or families must be > 0."""
    df = found.df
    multi = _per_distinct(df["main_use"], lambda u: u not in use_errors and u != ""
                          and _main_use(u).default_moe_code == HOUSING_MULTI).astype(bool)
    if "moe_code" in df.columns:
        multi &= df["moe_code"].isin(["", HOUSING_MULTI])
    counts = [numeric[c].fillna(0) for c in ("households", "dwelling_units", "families") if c in numeric]
    has_count = sum(counts) > 0 if counts else pd.Series(False, index=df.index)
    found.flag(multi & ~has_count, "households" if "households" in df.columns else "main_use",
               "multi-unit housing needs households (세대수) or dwelling units (호수) greater than 0 / "
               "공동주택은 세대수 또는 호수가 있어야 합니다")


def _parse_approval_year(found: _Findings, today: _dt.date) -> pd.Series:
    """Approval year [year] from the 사용승인일 text; must be a date or year in 1900..today + 30."""
    text = found.df["approval_year"]
    years = _years_from_text(text)
    unparsable = (text != "") & years.isna()
    found.flag(unparsable, "approval_year", "not a date or year (e.g. 20190501 or 2019) / 날짜·연도 형식이 아닙니다")
    latest = today.year + _YEAR_MAX_AHEAD
    impossible = years.notna() & ((years < _YEAR_MIN) | (years > latest))
    found.flag(impossible, "approval_year", f"impossible year; expected {_YEAR_MIN}-{latest} / 불가능한 연도입니다")
    return years


_YEAR_RE = r"^(\d{4})(?:[-./]?\d{1,2}(?:[-./]?\d{1,2})?)?(?:[ T].*)?$"
_SERIAL_RE = r"^\d{5,6}(?:\.\d*)?$"  # five or six digits: not a year nor yyyymmdd, an Excel date serial


def _years_from_text(text: pd.Series) -> pd.Series:
    """Year [year] of each text (NaN where none): '20190501', '2019-05-01', '2019.05', '2019', '2019.0',
    or an Excel date serial ('47118' -> 2028, as Excel on the web and unformatted xlsx cells give dates).

    Parsed once per distinct text (a register repeats its approval dates)."""
    codes, uniques = pd.factorize(text)
    years = _years_of_distinct(pd.Series(uniques, dtype=object).fillna(""))
    return pd.Series(np.append(years.to_numpy(), np.nan)[codes], index=text.index)


def _years_of_distinct(text: pd.Series) -> pd.Series:
    """:func:`_years_from_text` on distinct texts (one regular-expression pass each)."""
    years = pd.to_numeric(text.str.extract(_YEAR_RE, expand=False), errors="coerce").astype(float)
    serial = text.str.match(_SERIAL_RE)
    if serial.any():
        serial_years = pd.Series(excel_serial_to_year(text[serial].astype(float).to_numpy()), index=text[serial].index)
        years[serial] = serial_years.where(serial_years.notna(), years[serial])
    rest = years.isna() & text.ne("")
    if rest.any():  # '2019.0' from a spreadsheet, or a plain number: its whole part
        num = pd.to_numeric(text[rest], errors="coerce")
        years[rest] = np.floor(num.where(np.isfinite(num))).where(num.abs() < 1e6)
    return years


def _check_duplicate_ids(found: _Findings) -> None:
    """A building id used again rejects the later rows, naming the first row."""
    ids = found.df["building_id"]
    dup = ids.duplicated(keep="first") & (ids != "")
    if not dup.any():
        return
    firsts = ids[~ids.duplicated(keep="first") & ids.isin(ids[dup].unique())]
    first_row = dict(zip(firsts.to_numpy(), found.rows[firsts.index].to_numpy()))
    found.flag(dup, "building_id", lambda v: f"duplicate id; first used in row {first_row[v]} / 중복된 ID입니다")


def _per_distinct(values: pd.Series, fn) -> pd.Series:
    """``values.map(fn)`` computed once per distinct value (registers repeat uses and addresses)."""
    uniques = values.unique()
    return values.map(dict(zip(uniques, map(fn, uniques))))


def _canonical_table(df: pd.DataFrame, numeric: dict, use_errors: dict, rows: pd.Series) -> pd.DataFrame:
    """All rows in canonical columns: names, parsed numbers, households, rural flag, pass-through and PNU."""
    out = pd.DataFrame(index=df.index)
    out["building_id"] = df["building_id"]
    out["district"] = df["district"]
    out["main_use"] = _per_distinct(df["main_use"], lambda u: _main_use(u).name if u not in use_errors and u != "" else u)
    out["moe_code"] = df["moe_code"].str.upper() if "moe_code" in df.columns else ""
    for canon in NUMERIC_COLUMNS + ["approval_year"]:
        if canon in numeric:
            out[canon] = numeric[canon]
    for canon in ("households", "dwelling_units"):
        if canon not in out.columns:
            out[canon] = np.nan
    _households_from_families(out)
    out["rural"] = df["rural"].str.lower().isin(_TRUE) if "rural" in df.columns else False
    for canon in ("address", "building_name", "road_address", "main_use_code"):
        if canon in df.columns:
            out[canon] = df[canon]
    if "pnu" in df.columns:
        out["pnu"] = df["pnu"].str.replace(r"\D", "", regex=True)
    elif {"sigungu_code", "bjdong_code", "bun", "ji"} <= set(df.columns):
        out["pnu"] = _pnu_from_parts(df)
    out["source_row"] = rows
    return out


def _households_from_families(out: pd.DataFrame) -> None:
    """다가구주택 registers count families (가구), not households (세대): use them when households are 0.

    Blank households become 0 (in place).
    """
    if "families" in out.columns:
        use_fam = (out["households"].fillna(0) <= 0) & (out["families"].fillna(0) > 0)
        out.loc[use_fam, "households"] = out.loc[use_fam, "families"]
    out["households"] = out["households"].fillna(0.0)


def _split_valid_rejected(out: pd.DataFrame, raw: pd.DataFrame, found: _Findings):
    """(valid canonical rows with ``category``, rejected rows with reasons, problems by row).

    Rejected rows keep the columns the intake reads, under the user's headers, and nothing else:
    free-text columns (``비고`` holding an owner's name and phone number) are dropped and their
    headers listed in ``rejected.attrs["columns_dropped"]`` (issue 23; :mod:`.privacy`).
    """
    bad = found.bad
    valid = out.drop(index=bad[bad].index)  # one copy of the good rows (not a mask copy and another)
    valid["category"] = _per_distinct(valid["main_use"], category_of)
    read = [c for c in raw.columns if c in set(found.original.values()) or c == "__district__"]
    rejected = raw.loc[bad[bad].index, read].rename(columns={"__district__": found.original.get("district")})
    rejected.insert(0, "source_row", found.rows[bad])
    rejected["rejected_reason"] = [" | ".join(found.reasons.get(i, [])) for i in rejected.index]
    found.problems.sort(key=lambda p: p.row)
    rejected = rejected.reset_index(drop=True)
    rejected.attrs["columns_dropped"] = [str(c) for c in raw.columns if c not in read]
    return valid.reset_index(drop=True), rejected, found.problems


def load_buildings(path_or_df, district_column=None, skip_invalid=False, sheet=None, source=None):
    """Read, map and validate a building table.

    Parameters
    ----------
    path_or_df : path or DataFrame
        CSV/xlsx file, or a DataFrame (e.g. from Excel) with any supported headers.
    district_column : str, optional
        Column to use as district.
    skip_invalid : bool
        False (default): raise on any problem, listing all of them. True: return the
        bad rows separately with their reasons.

    Returns
    -------
    (valid, rejected) : tuple of DataFrame

    Raises
    ------
    InventoryValidationError
        When a value is bad and ``skip_invalid`` is False, or when no row is valid.
    """
    raw, source = read_input(path_or_df, sheet=sheet, source=source)
    if len(raw) == 0:
        raise InputFileError(f"{source}: the table has no rows / 표에 행이 없습니다.")
    valid, rejected, problems = validate_buildings(raw, source=source, district_column=district_column)
    if problems and not skip_invalid:
        raise InventoryValidationError(problems, source)
    if len(valid) == 0:
        raise InventoryValidationError(problems, source)
    return valid, rejected
