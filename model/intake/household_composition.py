"""Household-size composition per building (가구원수별 가구 구성): import and join.

Statistics Korea's register-based census (등록센서스) or the resident registration
(주민등록) office can give, per building (or per parcel), the number of households by
household size. The ML model uses the resulting shares ``hh_share_1`` .. ``hh_share_5plus``
as features; this module reads such a file and joins it to the building table.

File format (CSV in UTF-8 or CP949, .csv.gz or xlsx; Korean or English headers)
-------------------------------------------------------------------------------
One row per building (or parcel):

* a key: ``관리건축물대장PK`` / ``building_id`` (preferred), or ``필지고유번호`` / ``pnu``
  (19 digits), or a lot address ``대지위치`` / ``address`` (시군구 + 동/리 + 지번);
* either **counts** of households ``1인가구``, ``2인가구``, ``3인가구``, ``4인가구``,
  ``5인이상가구`` (English ``hh_1`` .. ``hh_5plus``) or **shares** ``1인가구비율`` ..
  ``5인이상가구비율`` (``hh_share_1`` .. ``hh_share_5plus``; fractions summing to 1 or
  percentages summing to 100).

Example (counts)::

    관리건축물대장PK,대지위치,1인가구,2인가구,3인가구,4인가구,5인이상가구
    41990-100001,경기도 가온시 가온동 132번지,14,17,12,9,4

Rules
-----
* Rows that cannot be used are rejected with file row, column, value and reason (never
  dropped silently): no key, a count that is not a number >= 0, a share outside [0, 1]
  (or [0, 100]), shares that do not sum to 1 (+-0.02) or 100 (+-2), no household at all,
  a suppressed cell (``X`` / ``*``: small counts masked for privacy), a key given twice.
  ``-`` means zero (Korean statistical tables' convention).
* Join: building id first, then PNU, then normalised lot address. A parcel row (PNU or
  address) applies its shares to **every residential building of that parcel** (a complex
  of towers on one lot gets the lot's mix). Only residential buildings (category
  ``residential``) receive shares; rows matching only non-residential buildings are counted.
* A residential building with no matching row keeps NaN shares (the ML model fills them
  from the census trend, see :mod:`sewerplan.model.ml.features`) and is counted in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputFileError
from .inventory import Problem, map_headers, read_input
from .numbers import BOUNDS, NUMBER_PROBLEMS
from .matching import lot_address_key, normalise_pnu

__all__ = [
    "HH_SHARE_COLUMNS",
    "HOUSEHOLD_MIX_HEADER_ALIASES",
    "read_household_mix",
    "join_household_mix",
]

HH_SHARE_COLUMNS = ["hh_share_1", "hh_share_2", "hh_share_3", "hh_share_4", "hh_share_5plus"]
_SIZES = ["1", "2", "3", "4", "5plus"]


def _size_aliases(k: str) -> tuple[list[str], list[str]]:
    n = "5" if k == "5plus" else k
    if k == "5plus":
        ko = ["5인이상가구", "5인이상 가구", "5인 이상 가구", "5인이상", "5인이상가구수", "5인이상가구(가구)"]
        en = ["hh_5plus", "households_5plus", "hh_count_5plus", "5+"]
    else:
        ko = [f"{n}인가구", f"{n}인 가구", f"{n}인가구수", f"{n}인", f"{n}인가구(가구)"]
        en = [f"hh_{n}", f"households_{n}", f"hh_count_{n}"]
    counts = ko + en
    share_ko = [a + s for a in ko[:3] for s in ("비율", " 비율", "비율(%)", "구성비", "구성비(%)")]
    shares = share_ko + [f"hh_share_{k}", f"share_{k}", f"share_{k}_person"]
    return counts, shares


HOUSEHOLD_MIX_HEADER_ALIASES: dict[str, list[str]] = {
    "building_id": ["building_id", "관리건축물대장PK", "건축물대장PK", "mgmBldrgstPk", "건물관리번호", "건물ID"],
    "pnu": ["pnu", "PNU", "필지고유번호", "필지고유번호(PNU)", "필지번호", "parcel_id"],
    "address": ["address", "대지위치", "주소", "지번주소", "소재지"],
}
for _k in _SIZES:
    _c, _s = _size_aliases(_k)
    HOUSEHOLD_MIX_HEADER_ALIASES[f"hh_{_k}"] = _c
    HOUSEHOLD_MIX_HEADER_ALIASES[f"hh_share_{_k}"] = _s


_COUNT_COLS = [f"hh_{k}" for k in _SIZES]
_MASKED = {"x", "*", "…", "..."}


class _MixProblems:
    """Problems per row of a household-composition table (row position -> [Problem, ...])."""

    def __init__(self, df: pd.DataFrame, original: dict[str, str], source: str):
        self.df, self.original, self.source = df, original, source
        self.rows = np.arange(len(df)) + 2  # header is row 1
        self.by_row: dict[int, list[Problem]] = {}

    def flag(self, i: int, canon: str, msg: str) -> None:
        """Record ``msg`` for the cell of row position ``i`` in column ``canon``."""
        df = self.df
        col = self.original.get(canon, canon)
        value = df.iat[i, df.columns.get_loc(canon)] if canon in df.columns else ""
        self.by_row.setdefault(i, []).append(Problem(self.source, int(self.rows[i]), col, value, msg))


@dataclass
class _MixKeys:
    """The keys of each composition row ("" where absent): building id, PNU as given and as 19 digits, lot address."""

    building_id: pd.Series
    pnu_raw: pd.Series
    pnu: pd.Series
    address_key: pd.Series


def read_household_mix(path_or_df, source: str | None = None, sheet=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and check a household-composition file.

    Returns
    -------
    records : DataFrame
        One row per usable input row: ``building_id``, ``pnu`` (19 digits or ""),
        ``address_key`` (normalised lot address or ""), ``households`` (total counted, NaN
        when shares were given), ``hh_share_1`` .. ``hh_share_5plus`` [-] (sum 1),
        ``source_row`` (file row, header = 1).
    rejected : DataFrame
        Unusable rows as given, with ``source_row`` and ``rejected_reason`` (file, row,
        column, value and what is wrong).

    Raises
    ------
    InputFileError
        Unreadable file, no key column, or neither all five count nor all five share columns.
    """
    raw, source = read_input(path_or_df, sheet=sheet, source=source, default_source="household composition table",
                             known_headers=[a for al in HOUSEHOLD_MIX_HEADER_ALIASES.values() for a in al])
    df, original = map_headers(raw, HOUSEHOLD_MIX_HEADER_ALIASES, source=source)
    _check_key_column(df, raw, source)
    mode, value_cols = _value_columns(df, raw, source)
    found = _MixProblems(df, original, source)
    keys = _row_keys(df)
    _check_keys(df, keys, found)
    vals = _parse_values(df, mode, value_cols, found)
    total = vals.sum(axis=1)
    shares = _shares(vals, total, mode, value_cols, found)
    _check_repeated_keys(keys, found)
    return _mix_records(raw, keys, total if mode == "counts" else np.nan, shares, found)


def _check_key_column(df: pd.DataFrame, raw: pd.DataFrame, source: str) -> None:
    """Raise when there is no building id, PNU or address column."""
    if not any(c in df.columns for c in ("building_id", "pnu", "address")):
        raise InputFileError(
            f"{source}: the household composition file needs a building key: 관리건축물대장PK (building_id), "
            f"필지고유번호 (pnu) or 대지위치 (address). Columns found: {list(raw.columns)} / "
            "가구원수 구성 자료에 건축물 식별 열(관리건축물대장PK, 필지고유번호 또는 대지위치)이 필요합니다."
        )


def _value_columns(df: pd.DataFrame, raw: pd.DataFrame, source: str) -> tuple[str, list[str]]:
    """("counts", the five count columns) or ("shares", the five share columns); raise when neither is complete."""
    share_cols = [f"hh_share_{k}" for k in _SIZES]
    if all(c in df.columns for c in _COUNT_COLS):
        return "counts", _COUNT_COLS
    if all(c in df.columns for c in share_cols):
        return "shares", share_cols
    raise InputFileError(
        f"{source}: need five columns of household counts 1인가구, 2인가구, 3인가구, 4인가구, 5인이상가구 "
        f"(hh_1 .. hh_5plus) or of shares 1인가구비율 .. 5인이상가구비율 (hh_share_1 .. hh_share_5plus). "
        f"Columns found: {list(raw.columns)} / 가구원수별 가구수(1인가구~5인이상가구) 또는 비율 열 5개가 필요합니다."
    )


def _row_keys(df: pd.DataFrame) -> _MixKeys:
    """Building id, PNU (19 digits or "") and normalised lot address of every row."""
    blank = pd.Series("", index=df.index)
    pnu_raw = df["pnu"] if "pnu" in df.columns else blank
    return _MixKeys(
        building_id=df["building_id"] if "building_id" in df.columns else blank,
        pnu_raw=pnu_raw,
        pnu=pnu_raw.map(normalise_pnu),
        address_key=df["address"].map(lot_address_key) if "address" in df.columns else blank,
    )


def _check_keys(df: pd.DataFrame, keys: _MixKeys, found: _MixProblems) -> None:
    """A row needs a building id, a 19-digit PNU or a readable lot address; say which one is wrong."""
    for i in range(len(df)):
        if keys.building_id.iat[i] != "" or keys.pnu.iat[i] != "" or keys.address_key.iat[i] != "":
            continue
        if keys.pnu_raw.iat[i] != "":
            found.flag(i, "pnu", "parcel id must have 19 digits / 필지고유번호는 19자리여야 합니다")
        elif "address" in df.columns and df["address"].iat[i] != "":
            found.flag(i, "address", "lot address not readable (시군구 + 동/리 + 지번 needed) / 지번주소를 해석할 수 없습니다")
        else:
            found.flag(i, "building_id" if "building_id" in df.columns else ("pnu" if "pnu" in df.columns else "address"),
                       "no building id, parcel id or address / 건축물 식별값이 없습니다")


def _parse_values(df: pd.DataFrame, mode: str, value_cols: list[str], found: _MixProblems) -> np.ndarray:
    """The five counts or shares of every row (rows x 5; NaN where a cell has a problem)."""
    vals = np.full((len(df), 5), np.nan)
    for j, c in enumerate(value_cols):
        column = df[c]
        for i in range(len(df)):
            vals[i, j], problem = _parse_mix_cell(column.iat[i], mode)
            if problem:
                found.flag(i, c, problem)
    return vals


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def _parse_mix_cell(text: str, mode: str) -> tuple[float, str | None]:
    """(value, problem) of one count or share cell ('1,234', '25%' read; '-' = 0; blank = 0 for counts).

    A blank share, a suppressed cell (X, *), a non-number and a negative or infinite value are problems.
    """
    t = text.rstrip("%").strip()
    if "," in t:
        if not _THOUSANDS.fullmatch(t):
            return np.nan, NUMBER_PROBLEMS["decimal_comma"]
        t = t.replace(",", "")
    if t in ("-", ""):
        if t == "" and mode == "shares":
            return np.nan, "share is blank / 비율이 비어 있습니다"
        return 0.0, None
    if t.lower() in _MASKED:
        return np.nan, ("value suppressed (masked small count); the mix cannot be computed / "
                        "비공개(X) 값이 있어 구성비를 계산할 수 없습니다")
    try:
        v = float(t)
    except ValueError:
        return np.nan, "not a number / 숫자가 아닙니다"
    if not np.isfinite(v):
        return np.nan, NUMBER_PROBLEMS["not_finite"]
    if v < 0:
        return np.nan, "must be a number >= 0 / 0 이상의 숫자여야 합니다"
    if mode == "counts" and v > BOUNDS["households_on_meter"]:
        return np.nan, (f"implausible: more than {BOUNDS['households_on_meter']:,.0f} households in one row / "
                        "비현실적인 가구수입니다")
    return v, None


def _shares(vals: np.ndarray, total: np.ndarray, mode: str, value_cols: list[str], found: _MixProblems) -> np.ndarray:
    """Shares [-] of each row without problems: counts / their total, or shares / their sum (1 or 100)."""
    shares = np.full_like(vals, np.nan)
    for i in range(len(vals)):
        if i in found.by_row:
            continue
        problem = _total_problem(total[i], mode)
        if problem:
            found.flag(i, value_cols[0], problem)
            continue
        shares[i] = vals[i] / total[i]
    return shares


def _total_problem(total: float, mode: str) -> str | None:
    """Counts must total > 0; shares must sum to 1 (+-0.02) or 100 (+-2)."""
    if not np.isfinite(total):
        return NUMBER_PROBLEMS["not_finite"]
    if mode == "counts":
        return "no household counted (all counts 0) / 가구수 합계가 0입니다" if total <= 0 else None
    if abs(total - 1.0) <= 0.02 or abs(total - 100.0) <= 2.0:
        return None
    return f"shares sum to {total:g}, not 1 (or 100%) / 비율 합계가 1(100%)이 아닙니다"


def _check_repeated_keys(keys: _MixKeys, found: _MixProblems) -> None:
    """A building or parcel given again (by its first key: id, else PNU, else address): later rows are rejected."""
    bid, pnu, addr = keys.building_id, keys.pnu, keys.address_key
    key = np.where(bid != "", "ID:" + bid, np.where(pnu != "", "PNU:" + pnu, np.where(addr != "", "ADDR:" + addr, "")))
    seen: dict[str, int] = {}
    for i, k in enumerate(key):
        if not k or i in found.by_row:
            continue
        if k in seen:
            col = "building_id" if k.startswith("ID:") else ("pnu" if k.startswith("PNU:") else "address")
            found.flag(i, col, f"same building/parcel as row {found.rows[seen[k]]}; only the first row is used / 중복 행")
        else:
            seen[k] = i


def _mix_records(raw: pd.DataFrame, keys: _MixKeys, households, shares: np.ndarray, found: _MixProblems):
    """(usable rows: keys, ``households``, shares and ``source_row``; rejected rows as given with reasons)."""
    rows = found.rows
    bad = np.array([i in found.by_row for i in range(len(rows))], dtype=bool)
    records = pd.DataFrame({"building_id": keys.building_id.to_numpy(), "pnu": keys.pnu.to_numpy(),
                            "address_key": keys.address_key.to_numpy(), "households": households})
    for j, c in enumerate(HH_SHARE_COLUMNS):
        records[c] = shares[:, j]
    records["source_row"] = rows
    records = records[~bad].reset_index(drop=True)
    rejected = raw.loc[bad].copy()
    rejected.insert(0, "source_row", rows[bad])
    rejected["rejected_reason"] = [" | ".join(str(p) for p in found.by_row[i]) for i in np.flatnonzero(bad)]
    return records, rejected.reset_index(drop=True)


@dataclass
class _JoinTally:
    """What the join did so far: rows matched by each key, rows set aside and why, buildings given a mix."""

    assigned: np.ndarray  # bool per building
    n_by: dict = field(default_factory=lambda: {"building_id": 0, "pnu": 0, "address": 0})
    n_nonres: int = 0
    unmatched: list = field(default_factory=list)  # record positions
    reasons: list = field(default_factory=list)

    def set_aside(self, r: int, reason: str) -> None:
        self.unmatched.append(r)
        self.reasons.append(reason)


def join_household_mix(buildings: pd.DataFrame, records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Put ``hh_share_*`` on the residential buildings that a composition row matches.

    Parameters
    ----------
    buildings : DataFrame
        Canonical building table (``building_id``, ``category``; ``pnu`` / ``address`` used
        for parcel rows).
    records : DataFrame
        From :func:`read_household_mix`.

    Returns
    -------
    buildings : DataFrame
        Copy with ``hh_share_1`` .. ``hh_share_5plus`` (NaN where no composition) and
        ``household_mix_match`` (building_id / pnu / address / "").
    unmatched : DataFrame
        Composition rows that matched no residential building, with ``unmatched_reason``.
    counts : dict
        The numbers of the report.
    """
    b = _with_empty_mix(buildings)
    resid = (b["category"].astype(str) == "residential").to_numpy() if "category" in b.columns else np.ones(len(b), bool)
    tally = _assign_mix(b, records, resid, _building_key_index(b))
    um = records.iloc[tally.unmatched].copy()
    um["unmatched_reason"] = tally.reasons
    return b, um.reset_index(drop=True), _mix_counts(b, resid, tally, um)


def _with_empty_mix(buildings: pd.DataFrame) -> pd.DataFrame:
    """Copy of the buildings with numeric ``hh_share_*`` columns (NaN where absent) and blank ``household_mix_match``."""
    b = buildings.copy()
    for c in HH_SHARE_COLUMNS:
        if c not in b.columns:
            b[c] = np.nan
        b[c] = pd.to_numeric(b[c], errors="coerce").astype(float)
    b["household_mix_match"] = ""
    return b


def _building_key_index(b: pd.DataFrame) -> tuple[dict, dict, dict]:
    """(building id -> row, PNU -> rows, lot-address key -> rows) of the building table."""
    ids = b["building_id"].astype(str).to_numpy()
    bpnu = b["pnu"].map(normalise_pnu).to_numpy() if "pnu" in b.columns else np.full(len(b), "")
    baddr = b["address"].map(lot_address_key).to_numpy() if "address" in b.columns else np.full(len(b), "")
    by_id = {v: i for i, v in enumerate(ids)}
    by_pnu: dict[str, list[int]] = {}
    by_addr: dict[str, list[int]] = {}
    for i, (p, a) in enumerate(zip(bpnu, baddr)):
        if p:
            by_pnu.setdefault(p, []).append(i)
        if a:
            by_addr.setdefault(a, []).append(i)
    return by_id, by_pnu, by_addr


def _mix_targets(rec, index: tuple[dict, dict, dict]) -> tuple[list[int], str]:
    """(building rows, "building_id" / "pnu" / "address") a record matches: id first, then PNU, then address."""
    by_id, by_pnu, by_addr = index
    if rec["building_id"] and rec["building_id"] in by_id:
        return [by_id[rec["building_id"]]], "building_id"
    if rec["pnu"] and rec["pnu"] in by_pnu:
        return by_pnu[rec["pnu"]], "pnu"
    if rec["address_key"] and rec["address_key"] in by_addr:
        return by_addr[rec["address_key"]], "address"
    return [], ""


def _assign_mix(b: pd.DataFrame, records: pd.DataFrame, resid: np.ndarray, index) -> _JoinTally:
    """Write each record's shares on its residential buildings (in place); a parcel row skips buildings
    that already have a mix. Building-id rows go first, so they win over a parcel row for the same building."""
    shares = b[HH_SHARE_COLUMNS].to_numpy(dtype=float, copy=True)  # written back once (per-cell .iloc writes
    match = b["household_mix_match"].to_numpy(dtype=object, copy=True)  # were most of the time of a join)
    record_shares = records[HH_SHARE_COLUMNS].to_numpy(dtype=float)
    keys = records[["building_id", "pnu", "address_key"]].to_dict("records")
    tally = _JoinTally(assigned=np.zeros(len(b), dtype=bool))
    order = sorted(range(len(records)), key=lambda r: keys[r]["building_id"] == "")
    for r in order:
        targets, how = _mix_targets(keys[r], index)
        if not targets:
            tally.set_aside(r, "building id, parcel id and address not found in the building table / 건축물대장에 없음")
            continue
        res_targets = [i for i in targets if resid[i] and not (how != "building_id" and tally.assigned[i])]
        if not res_targets:
            tally.n_nonres += 1
            tally.set_aside(r, "matches only non-residential (or already assigned) buildings; not used / "
                               "주거용이 아닌 건축물에만 연계되어 쓰지 않음")
            continue
        tally.n_by[how] += 1
        shares[res_targets] = record_shares[r]
        match[res_targets] = how
        tally.assigned[res_targets] = True
    b[HH_SHARE_COLUMNS] = shares
    b["household_mix_match"] = match
    return tally


def _mix_counts(b: pd.DataFrame, resid: np.ndarray, tally: _JoinTally, um: pd.DataFrame) -> dict:
    """The numbers of the household-mix report."""
    has = b[HH_SHARE_COLUMNS].notna().all(axis=1).to_numpy()
    n_by = tally.n_by
    return {
        "rows_matched": int(sum(n_by.values())),
        "rows_matched_by_building_id": n_by["building_id"],
        "rows_matched_by_pnu": n_by["pnu"],
        "rows_matched_by_address": n_by["address"],
        "rows_unmatched": int(len(um) - tally.n_nonres),
        "rows_matching_only_nonresidential": int(tally.n_nonres),
        "residential_buildings": int(resid.sum()),
        "residential_buildings_with_mix": int((has & resid).sum()),
        "residential_buildings_without_mix": int((~has & resid).sum()),
    }
