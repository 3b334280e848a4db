"""Join water meters to buildings and report what matched (요금 부과자료 - 건축물대장 연계).

Join rule (documented in ``docs/manual.ko.md``)
-----------------------------------------------
1. **Parcel id first.** A meter with a 19-digit PNU (시군구 5 + 법정동 5 + 대지구분 1 +
   본번 4 + 부번 4) that some building in the register carries is joined to that parcel.
2. **Else the normalised lot address.** 시군구 + 법정동(읍·면·리) + [산] + 본번-부번, after
   dropping the province, "번지"/"호", extra spaces and leading zeros: "경기도 가온시 나래동
   0123-0004", "가온시 나래동 123-4번지" and "가온시 나래동 123번지 4호" are the same key.
   Road-name addresses (도로명주소) are not parsed; give the lot address or the PNU.
3. **Many meters -> one building:** meters on a parcel are added.
4. **One meter -> several buildings on its parcel** (an apartment complex's bulk meter,
   a factory with an ancillary warehouse): the meter's volume is split
   - a 가정용 (household) meter over the parcel's residential buildings by households;
   - any other meter over the parcel's non-residential buildings by floor area;
   - when the parcel has no building of that kind, over all its buildings by floor area.
   Shares of each meter add to 1, so no volume is created or lost.
5. Meters that match no building and buildings without a meter are **kept and reported**
   (counts in the match report, rows in CSV files). A building without a meter gets no
   observed value (blank, not zero).

Engine (issue 17): the keys, the join and the split run as SQL in DuckDB (:mod:`.engine`) over
the distinct addresses, meters and buildings; :func:`lot_address_key` is the Python form of the
same address rule (:func:`lot_address_key_sql`), kept for single values and as its test.
"""

from __future__ import annotations

import re
from ..design.uses import category_of
from .engine import connect, sql_text

__all__ = [
    "normalise_pnu",
    "lot_address_key",
    "match_meters",
    "MatchResult",
    "SPLIT_RULES",
    "lot_address_key_sql",
    "pnu_key_sql",
]

SPLIT_RULES = {
    "single_building": "the parcel has one building / 필지에 건축물 1동",
    "household_share": "가정용 meter split over the parcel's residential buildings by households / 세대수 비율 배분",
    "floor_area_share_nonresidential": "non-household meter split over the parcel's non-residential buildings "
                                       "by floor area / 비주거 건축물 연면적 비율 배분",
    "floor_area_share": "split over all buildings of the parcel by floor area / 전체 건축물 연면적 비율 배분",
}

UNMATCHED_REASONS = {
    "no_key": "no usable parcel id or lot address / 필지고유번호·지번주소 없음",
    "address_unreadable": "address has no 시군구 + 동/리 + 지번 (a road-name address?) / 지번주소를 해석할 수 없음",
    "not_in_register": "parcel id and address not found in the building register / 건축물대장에 없는 필지",
}

def normalise_pnu(value) -> str:
    """The 19 digits of a PNU, or "" when it does not have 19 digits."""
    digits = re.sub(r"\D", "", "" if value is None else str(value))
    return digits if len(digits) == 19 else ""


def lot_address_key(address) -> str:
    """Normalised lot-address key '시군구|법정동|산|본번|부번', or "" when unreadable.

    >>> lot_address_key("경기도 가온시 나래동 0123-0004")
    '가온시|나래동||123|4'
    >>> lot_address_key("가온시 나래동 123번지 4호")
    '가온시|나래동||123|4'
    """
    if address is None:
        return ""
    t = str(address).strip()
    if not t or t.lower() == "nan":
        return ""
    t = re.sub(r"[(),]", " ", t)
    t = re.sub(r"(동|리|가|읍|면)(산?\d)", r"\1 \2", t)  # '나래동123' -> '나래동 123'
    t = re.sub(r"^산(\d)", r"산 \1", t)
    t = t.replace("번지", " ").replace("번 ", " ")
    tokens = t.split()
    # sigungu: the last token ending in 시/군/구 before the first lot number
    first_num = next((i for i, tok in enumerate(tokens) if re.match(r"^(산\s*)?\d", tok) or tok == "산"), None)
    if first_num is None or first_num == 0:
        return ""
    head = tokens[:first_num]
    sig_idx = max((i for i, tok in enumerate(head) if re.search(r"(시|군|구)$", tok)), default=None)
    if sig_idx is None:
        return ""
    dong_tokens = head[sig_idx + 1:]
    if not dong_tokens or not re.search(r"(동|리|가|읍|면|\d가)$", dong_tokens[-1]):
        return ""
    rest = " ".join(tokens[first_num:])
    rest = re.sub(r"호\b", " ", rest)
    m = re.match(r"^(산)?\s*(\d+)(?:\s*-\s*(\d+)|\s+(\d+)(?:\s|$))?", rest)
    if not m:
        return ""
    san = "산" if m.group(1) else ""
    bun = int(m.group(2))
    ji = int(m.group(3) or m.group(4) or 0)
    return f"{head[sig_idx]}|{' '.join(dong_tokens)}|{san}|{bun}|{ji}"


# Address rule of :func:`lot_address_key` as regular expressions over the whole text (RE2):
_NOT_LOT = r"(?:[^\s0-9산]\S*|산[^\s0-9]\S*)"  # a token that does not start a lot number
_LOT = r"(?:산|산?[0-9]\S*)"  # a token that does: '123-4', '산12', '산'
_SPLIT_HEAD = rf"^((?:{_NOT_LOT} )*{_NOT_LOT}) ({_LOT}(?: .*)?)$"
_SIG_DONG = r"(?:.* |^)(\S*[시군구]) ((?:\S+ )*\S*[동리가읍면])$"
_LOT_NUMBER = r"^(산)?\s*([0-9]+)(?:\s*-\s*([0-9]+)|\s+([0-9]+)(?:\s|$))?"


def lot_address_key_sql(table: str, column: str) -> str:
    """SQL: ``(address, key)`` for the distinct values of ``table.column``, key as :func:`lot_address_key`.

    Each regular expression runs once per distinct address, all its groups taken at once (issue 25).
    """
    t = "translate(trim(CAST(address AS VARCHAR)), '０１２３４５６７８９', '0123456789')"
    steps = (f"regexp_replace(regexp_replace(translate({t}, '(),', '   '), "
             f"'(동|리|가|읍|면)(산?[0-9])', '\\1 \\2', 'g'), '^산([0-9])', '산 \\1')")
    steps = f"trim(regexp_replace(replace(replace({steps}, '번지', ' '), '번 ', ' '), '[\\s\\x{{3000}}\\x{{00a0}}]+', ' ', 'g'))"
    return f"""
    WITH a0 AS (SELECT DISTINCT {column} AS address FROM {table} WHERE {column} IS NOT NULL),
    a1 AS (SELECT address, {steps} AS t FROM a0),
    a2 AS (SELECT address, regexp_extract(t, '{_SPLIT_HEAD}', ['head', 'rest']) AS s FROM a1 WHERE lower(t) <> 'nan'),
    a2b AS (SELECT address, s.head AS head,
                   regexp_replace(s.rest, '호([^\\p{{L}}\\p{{N}}_]|$)', ' \\1', 'g') AS rest FROM a2),
    a3a AS (SELECT address, regexp_extract(head, '{_SIG_DONG}', ['sig', 'dong']) AS h,
                   regexp_extract(rest, '{_LOT_NUMBER}', ['san', 'bun', 'ji1', 'ji2']) AS n FROM a2b WHERE head <> ''),
    a3 AS (SELECT address, h.sig AS sig, h.dong AS dong, n.san AS san, n.bun AS bun, n.ji1 || n.ji2 AS ji FROM a3a)
    SELECT address, CASE WHEN sig <> '' AND bun <> '' THEN sig || '|' || dong || '|' || san || '|' ||
           {_no_leading_zeros('bun')} || '|' || {_no_leading_zeros('ji')} ELSE '' END AS key FROM a3"""


def _no_leading_zeros(col: str) -> str:
    return f"(CASE WHEN ltrim({col}, '0') = '' THEN '0' ELSE ltrim({col}, '0') END)"


def pnu_key_sql(expr: str) -> str:
    """SQL: the 19 digits of a PNU, or '' (:func:`normalise_pnu`)."""
    digits = f"regexp_replace(coalesce(CAST({expr} AS VARCHAR), ''), '[^0-9]', '', 'g')"
    return f"(CASE WHEN length({digits}) = 19 THEN {digits} ELSE '' END)"


class MatchResult:
    """Outcome of :func:`match_meters`.

    Attributes
    ----------
    buildings : DataFrame
        The building table with ``observed_m3_per_day`` [m3/d, day-average sewage],
        ``observed_water_m3_per_day`` [m3/d], ``n_meters``, ``billing_months`` (fewest
        months among its meters), ``short_record`` and ``meter_match`` (pnu / address / "").
    links : DataFrame
        One row per meter-building pair: ``customer_id``, ``building_id``, ``share``,
        ``split_rule``, ``match_method``, ``sewage_m3_per_day`` (the building's part).
    unmatched_meters : DataFrame
        Meters that match no building, with ``unmatched_reason``.
    buildings_without_meters : DataFrame
        Buildings no meter was joined to.
    counts : dict
        The numbers of the match report.
    """

    def __init__(self, buildings, links, unmatched_meters, buildings_without_meters, counts):
        self.buildings = buildings
        self.links = links
        self.unmatched_meters = unmatched_meters
        self.buildings_without_meters = buildings_without_meters
        self.counts = counts


def match_meters(buildings, meters, con=None) -> MatchResult:
    """Join meters (:func:`~sewerplan.model.intake.billing.meter_day_averages`) to buildings.

    Parameters
    ----------
    buildings : DataFrame
        Canonical building table (needs ``building_id``, ``floor_area_m2``, ``main_use`` or
        ``category``, ``households``, and ``pnu`` and/or ``address``).
    meters : DataFrame or None
        One row per meter with ``customer_id``, ``pnu``, ``address``, ``use_class``,
        ``sewage_m3_per_day``, ``water_m3_per_day``, ``months_billed``, ``short_record``;
        None = the ``meters`` table of ``con`` (:func:`~.billing.meter_table`).
    con : DuckDB connection, optional
        The intake run's connection (:func:`~.engine.connect`); a new one when not given.

    Returns
    -------
    MatchResult
    """
    if con is None:
        with connect() as own:
            return match_meters(buildings, meters, own)
    if meters is not None:
        con.register("meters_df", meters)
        con.execute("CREATE OR REPLACE TABLE meters AS SELECT * FROM meters_df")
        con.unregister("meters_df")
    b = _building_table(con, buildings)
    _link_tables(con)
    links = con.execute("SELECT customer_id, building_id, _row, share, split_rule, match_method, sewage_m3_per_day, "
                        "water_m3_per_day, months_billed, short_record FROM links ORDER BY _m, _row").df()
    out, without = _observed_per_building(con, b)
    unmatched_meters = _unmatched_meter_table(con)
    counts_meters = con.execute("SELECT count(*), coalesce(sum(sewage_m3_per_day), 0) FROM meters").fetchall()[0]
    for table in ("links", "meter_parcel", "bld"):
        con.execute(f"DROP TABLE {table}")
    links = links.drop(columns=["_row"])
    counts = _match_counts(counts_meters, links, out, without, unmatched_meters)
    return MatchResult(out, links, unmatched_meters, without, counts)


def _building_table(con, buildings):
    """(copy of the buildings with ``category``; table ``bld`` with parcel keys, split weights and ``_row``)."""
    import pandas as pd

    b = buildings.copy().reset_index(drop=True)
    if "category" not in b.columns:
        b["category"] = b["main_use"].map(category_of)
    blank = pd.Series("", index=b.index)
    keys = pd.DataFrame({
        "_row": b.index.to_numpy(), "building_id": b["building_id"].astype(str),
        "pnu": b["pnu"] if "pnu" in b.columns else blank, "address": b["address"] if "address" in b.columns else blank,
        "residential": b["category"].eq("residential"),
        "area": pd.to_numeric(b["floor_area_m2"], errors="coerce").clip(lower=0).fillna(0.0),
        "hh": (pd.to_numeric(b["households"], errors="coerce").fillna(0.0) if "households" in b.columns else 0.0)})
    con.register("bld_df", keys)
    con.execute(f"""CREATE OR REPLACE TABLE bld AS
        WITH k AS ({lot_address_key_sql('bld_df', 'address')}),
        b AS (SELECT d.*, {pnu_key_sql('d.pnu')} AS pnu_key, coalesce(k.key, '') AS addr_key
              FROM bld_df d LEFT JOIN k USING (address))
        SELECT *, CASE WHEN pnu_key <> '' THEN pnu_key WHEN addr_key <> '' THEN 'ADDR:' || addr_key ELSE '' END AS parcel
        FROM b ORDER BY _row""")
    con.unregister("bld_df")
    return b


def _link_tables(con) -> None:
    """Tables ``meter_parcel`` (each meter's parcel, method and keys) and ``links`` (meter-building pairs)."""
    con.execute(f"""CREATE OR REPLACE TABLE meter_parcel AS
        WITH m AS (SELECT rowid AS _m, *, {pnu_key_sql('pnu')} AS m_pnu FROM meters),
        k AS ({lot_address_key_sql('meters', 'address')}),
        by_pnu AS (SELECT pnu_key, arg_min(parcel, _row) AS parcel FROM bld WHERE pnu_key <> '' GROUP BY pnu_key),
        by_addr AS (SELECT addr_key, arg_min(parcel, _row) AS parcel FROM bld WHERE addr_key <> '' GROUP BY addr_key)
        SELECT m._m, m.customer_id, m.m_pnu, coalesce(k.key, '') AS m_addr, coalesce(p.parcel, a.parcel) AS parcel,
               CASE WHEN p.parcel IS NOT NULL THEN 'pnu' WHEN a.parcel IS NOT NULL THEN 'address' ELSE '' END AS method,
               CASE WHEN m.m_pnu = '' AND trim(coalesce(CAST(m.address AS VARCHAR), '')) = '' THEN 'no_key'
                    WHEN m.m_pnu = '' AND coalesce(k.key, '') = '' THEN 'address_unreadable'
                    ELSE 'not_in_register' END AS reason
        FROM m LEFT JOIN k ON k.address = m.address
        LEFT JOIN by_pnu p ON m.m_pnu <> '' AND p.pnu_key = m.m_pnu
        LEFT JOIN by_addr a ON (p.parcel IS NULL) AND coalesce(k.key, '') <> '' AND a.addr_key = k.key""")
    con.execute("""CREATE OR REPLACE TABLE links AS
        WITH ps AS (SELECT parcel, count(*) AS n, count(*) FILTER (WHERE residential) AS n_res,
                           count(*) FILTER (WHERE NOT residential) AS n_non,
                           coalesce(sum(hh) FILTER (WHERE residential), 0) AS hh_res FROM bld WHERE parcel <> ''
                    GROUP BY parcel),
        mr AS (SELECT mp.parcel, mp.method, m.*, ps.hh_res,
                      CASE WHEN ps.n = 1 THEN 'single_building'
                           WHEN coalesce(m.use_class, '') = '가정용' AND ps.n_res > 0 THEN 'household_share'
                           WHEN coalesce(m.use_class, '') <> '가정용' AND ps.n_non > 0
                                THEN 'floor_area_share_nonresidential'
                           ELSE 'floor_area_share' END AS split_rule
               FROM meter_parcel mp JOIN (SELECT rowid AS _m, * FROM meters) m USING (_m) JOIN ps USING (parcel)),
        w AS (SELECT mr.*, b._row, b.building_id,
                     CASE mr.split_rule WHEN 'single_building' THEN 1.0
                          WHEN 'household_share' THEN (CASE WHEN mr.hh_res > 0 THEN b.hh ELSE b.area END)
                          ELSE b.area END AS weight
              FROM mr JOIN bld b ON b.parcel = mr.parcel
              WHERE (mr.split_rule <> 'household_share' OR b.residential)
                AND (mr.split_rule <> 'floor_area_share_nonresidential' OR NOT b.residential)),
        w2 AS (SELECT *, CASE WHEN sum(weight) OVER (PARTITION BY _m) <= 0 THEN 1.0 ELSE weight END AS w FROM w)
        SELECT _m, customer_id, building_id, _row, w / sum(w) OVER (PARTITION BY _m) AS share, split_rule,
               method AS match_method, CAST(sewage_m3_per_day AS DOUBLE) * (w / sum(w) OVER (PARTITION BY _m))
               AS sewage_m3_per_day, CAST(water_m3_per_day AS DOUBLE) * (w / sum(w) OVER (PARTITION BY _m))
               AS water_m3_per_day, CAST(months_billed AS BIGINT) AS months_billed,
               CAST(short_record AS BOOLEAN) AS short_record
        FROM w2""")


def _observed_per_building(con, b):
    """(buildings with their meters' share-weighted sewage and water added up, buildings without a meter)."""
    import numpy as np

    agg = con.execute("""SELECT _row, sum(sewage_m3_per_day) AS observed_m3_per_day,
            sum(water_m3_per_day) AS observed_water_m3_per_day, count(DISTINCT customer_id) AS n_meters,
            min(months_billed) AS billing_months, bool_or(short_record) AS short_record,
            string_agg(DISTINCT match_method, '+' ORDER BY match_method) AS meter_match
        FROM links GROUP BY _row""").df().set_index("_row")
    parcel = con.execute("SELECT parcel FROM bld ORDER BY _row").df()["parcel"]
    out = b.drop(columns=["observed_m3_per_day"], errors="ignore").join(agg)
    out["billing_months"] = out["billing_months"].astype(float)
    out["n_meters"] = out["n_meters"].fillna(0).astype(int)
    out["short_record"] = out["short_record"].astype("boolean").fillna(False).astype(bool)
    out["meter_match"] = out["meter_match"].fillna("").astype(object)
    without = out[out["n_meters"] == 0].copy()
    without["reason"] = np.where(
        parcel.loc[without.index].to_numpy() == "",
        "building has no PNU or readable lot address / 건축물에 필지고유번호·지번주소 없음",
        "no meter matched this parcel (not billed yet, billed under another parcel, or vacant) / "
        "연계된 계량기 없음(미부과, 다른 필지로 부과, 공실 등)")
    return out, without


def _unmatched_meter_table(con):
    """Unmatched meters with ``address_key`` and ``unmatched_reason`` (in the order of the meters)."""
    reasons = " ".join(f"WHEN {sql_text(k)} THEN {sql_text(v)}" for k, v in UNMATCHED_REASONS.items())
    return con.execute(f"""SELECT m.*, mp.m_addr AS address_key, CASE mp.reason {reasons} END AS unmatched_reason,
            mp.reason AS _reason FROM (SELECT rowid AS _m, * FROM meters) m JOIN meter_parcel mp USING (_m)
        WHERE mp.parcel IS NULL ORDER BY _m""").df().drop(columns=["_m"])


def _match_counts(meters_total: tuple, links, out, without, unmatched_meters) -> dict:
    """The numbers of the match report: meters and volume matched, split rules used, buildings covered."""
    per_meter = links.groupby("customer_id", sort=False).agg(n=("building_id", "size"), method=("match_method", "first"))
    n_meters, total = meters_total  # meters and their sewage [m3/d]
    total = float(total)
    unmatched_volume = float(unmatched_meters["sewage_m3_per_day"].sum()) if len(unmatched_meters) else 0.0
    um = unmatched_meters.pop("_reason")
    first_rule = links.drop_duplicates("customer_id")["split_rule"]
    return {
        "meters_total": int(n_meters),
        "meters_matched": int(len(per_meter)),
        "meters_matched_by_pnu": int((per_meter["method"] == "pnu").sum()),
        "meters_matched_by_address": int((per_meter["method"] == "address").sum()),
        "meters_unmatched": int(len(unmatched_meters)),
        "meters_unmatched_by_reason": {k: int((um == k).sum()) for k in UNMATCHED_REASONS},
        "meters_split_over_several_buildings": int((per_meter["n"] > 1).sum()),
        "buildings_total": int(len(out)),
        "buildings_with_meters": int((out["n_meters"] > 0).sum()),
        "buildings_with_several_meters": int((out["n_meters"] > 1).sum()),
        "buildings_without_meters": int(len(without)),
        "buildings_short_record": int(out["short_record"].sum()),
        "split_rules_used": {k: int((first_rule == k).sum()) for k in SPLIT_RULES},
        "sewage_m3_per_day_all_meters": round(total, 3),
        "sewage_m3_per_day_matched": round(total - unmatched_volume, 3),
        "sewage_m3_per_day_unmatched": round(unmatched_volume, 3),
        "matched_volume_share": round((total - unmatched_volume) / total, 4) if total > 0 else None,
    }
