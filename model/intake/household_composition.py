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


import numpy as np
import pandas as pd

from ..errors import InputFileError
from .inventory import Problem, map_headers, read_input
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
    raw, source = read_input(path_or_df, sheet=sheet, source=source, default_source="household composition table")
    df, original = map_headers(raw, HOUSEHOLD_MIX_HEADER_ALIASES)
    if not any(c in df.columns for c in ("building_id", "pnu", "address")):
        raise InputFileError(
            f"{source}: the household composition file needs a building key: 관리건축물대장PK (building_id), "
            f"필지고유번호 (pnu) or 대지위치 (address). Columns found: {list(raw.columns)} / "
            "가구원수 구성 자료에 건축물 식별 열(관리건축물대장PK, 필지고유번호 또는 대지위치)이 필요합니다."
        )
    share_cols = [f"hh_share_{k}" for k in _SIZES]
    if all(c in df.columns for c in _COUNT_COLS):
        mode, value_cols = "counts", _COUNT_COLS
    elif all(c in df.columns for c in share_cols):
        mode, value_cols = "shares", share_cols
    else:
        raise InputFileError(
            f"{source}: need five columns of household counts 1인가구, 2인가구, 3인가구, 4인가구, 5인이상가구 "
            f"(hh_1 .. hh_5plus) or of shares 1인가구비율 .. 5인이상가구비율 (hh_share_1 .. hh_share_5plus). "
            f"Columns found: {list(raw.columns)} / 가구원수별 가구수(1인가구~5인이상가구) 또는 비율 열 5개가 필요합니다."
        )
    rows = np.arange(len(df)) + 2
    problems: dict[int, list[Problem]] = {}

    def flag(i, canon, msg):
        col = original.get(canon, canon)
        problems.setdefault(i, []).append(Problem(source, int(rows[i]), col, df.iat[i, df.columns.get_loc(canon)]
                                                  if canon in df.columns else "", msg))

    bid = df["building_id"] if "building_id" in df.columns else pd.Series("", index=df.index)
    pnu_raw = df["pnu"] if "pnu" in df.columns else pd.Series("", index=df.index)
    pnu = pnu_raw.map(normalise_pnu)
    addr = df["address"].map(lot_address_key) if "address" in df.columns else pd.Series("", index=df.index)
    vals = np.full((len(df), 5), np.nan)
    for i in range(len(df)):
        if bid.iat[i] == "" and pnu.iat[i] == "" and addr.iat[i] == "":
            if pnu_raw.iat[i] != "":
                flag(i, "pnu", "parcel id must have 19 digits / 필지고유번호는 19자리여야 합니다")
            elif "address" in df.columns and df["address"].iat[i] != "":
                flag(i, "address", "lot address not readable (시군구 + 동/리 + 지번 needed) / 지번주소를 해석할 수 없습니다")
            else:
                flag(i, "building_id" if "building_id" in df.columns else ("pnu" if "pnu" in df.columns else "address"),
                     "no building id, parcel id or address / 건축물 식별값이 없습니다")
        for j, c in enumerate(value_cols):
            t = df[c].iat[i].replace(",", "").rstrip("%").strip()
            if t in ("-", ""):
                if t == "" and mode == "shares":
                    flag(i, c, "share is blank / 비율이 비어 있습니다")
                    continue
                vals[i, j] = 0.0
                continue
            if t.lower() in _MASKED:
                flag(i, c, "value suppressed (masked small count); the mix cannot be computed / "
                           "비공개(X) 값이 있어 구성비를 계산할 수 없습니다")
                continue
            try:
                v = float(t)
            except ValueError:
                flag(i, c, "not a number / 숫자가 아닙니다")
                continue
            if not np.isfinite(v) or v < 0:
                flag(i, c, "must be a number >= 0 / 0 이상의 숫자여야 합니다")
                continue
            vals[i, j] = v
    total = vals.sum(axis=1)
    shares = np.full_like(vals, np.nan)
    for i in range(len(df)):
        if i in problems:
            continue
        t = total[i]
        if mode == "counts":
            if t <= 0:
                flag(i, value_cols[0], "no household counted (all counts 0) / 가구수 합계가 0입니다")
                continue
            shares[i] = vals[i] / t
        else:
            if abs(t - 1.0) <= 0.02:
                shares[i] = vals[i] / t
            elif abs(t - 100.0) <= 2.0:
                shares[i] = vals[i] / t
            else:
                flag(i, value_cols[0], f"shares sum to {t:g}, not 1 (or 100%) / 비율 합계가 1(100%)이 아닙니다")
    # a key given twice: the later rows are rejected
    key = np.where(bid != "", "ID:" + bid, np.where(pnu != "", "PNU:" + pnu, np.where(addr != "", "ADDR:" + addr, "")))
    seen: dict[str, int] = {}
    for i, k in enumerate(key):
        if not k or i in problems:
            continue
        if k in seen:
            col = "building_id" if k.startswith("ID:") else ("pnu" if k.startswith("PNU:") else "address")
            flag(i, col, f"same building/parcel as row {rows[seen[k]]}; only the first row is used / 중복 행")
        else:
            seen[k] = i
    bad = np.array([i in problems for i in range(len(df))], dtype=bool)
    records = pd.DataFrame({"building_id": bid.to_numpy(), "pnu": pnu.to_numpy(), "address_key": addr.to_numpy(),
                            "households": total if mode == "counts" else np.nan})
    for j, c in enumerate(HH_SHARE_COLUMNS):
        records[c] = shares[:, j]
    records["source_row"] = rows
    records = records[~bad].reset_index(drop=True)
    rejected = raw.loc[bad].copy()
    rejected.insert(0, "source_row", rows[bad])
    rejected["rejected_reason"] = [" | ".join(str(p) for p in problems[i]) for i in np.flatnonzero(bad)]
    return records, rejected.reset_index(drop=True)


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
    b = buildings.copy()
    for c in HH_SHARE_COLUMNS:
        if c not in b.columns:
            b[c] = np.nan
        b[c] = pd.to_numeric(b[c], errors="coerce").astype(float)
    b["household_mix_match"] = ""
    resid = (b["category"].astype(str) == "residential").to_numpy() if "category" in b.columns else np.ones(len(b), bool)
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
    share_pos = [b.columns.get_loc(c) for c in HH_SHARE_COLUMNS]
    match_pos = b.columns.get_loc("household_mix_match")
    assigned = np.zeros(len(b), dtype=bool)
    unmatched, reasons = [], []
    n_by = {"building_id": 0, "pnu": 0, "address": 0}
    n_nonres = 0
    # building-id rows first, so they win over a parcel row covering the same building
    order = sorted(range(len(records)), key=lambda r: records["building_id"].iat[r] == "")
    for r in order:
        rec = records.iloc[r]
        targets, how = [], ""
        if rec["building_id"] and rec["building_id"] in by_id:
            targets, how = [by_id[rec["building_id"]]], "building_id"
        elif rec["pnu"] and rec["pnu"] in by_pnu:
            targets, how = by_pnu[rec["pnu"]], "pnu"
        elif rec["address_key"] and rec["address_key"] in by_addr:
            targets, how = by_addr[rec["address_key"]], "address"
        if not targets:
            unmatched.append(r)
            reasons.append("building id, parcel id and address not found in the building table / 건축물대장에 없음")
            continue
        res_targets = [i for i in targets if resid[i] and not (how != "building_id" and assigned[i])]
        if not res_targets:
            n_nonres += 1
            unmatched.append(r)
            reasons.append("matches only non-residential (or already assigned) buildings; not used / "
                           "주거용이 아닌 건축물에만 연계되어 쓰지 않음")
            continue
        n_by[how] += 1
        s = rec[HH_SHARE_COLUMNS].to_numpy(dtype=float)
        for i in res_targets:
            b.iloc[i, share_pos] = s
            b.iat[i, match_pos] = how
            assigned[i] = True
    has = b[HH_SHARE_COLUMNS].notna().all(axis=1).to_numpy()
    um = records.iloc[unmatched].copy()
    um["unmatched_reason"] = reasons
    counts = {
        "rows_matched": int(sum(n_by.values())),
        "rows_matched_by_building_id": n_by["building_id"],
        "rows_matched_by_pnu": n_by["pnu"],
        "rows_matched_by_address": n_by["address"],
        "rows_unmatched": int(len(um) - n_nonres),
        "rows_matching_only_nonresidential": int(n_nonres),
        "residential_buildings": int(resid.sum()),
        "residential_buildings_with_mix": int((has & resid).sum()),
        "residential_buildings_without_mix": int((~has & resid).sum()),
    }
    return b, um.reset_index(drop=True), counts
