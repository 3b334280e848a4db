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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sewerplan.model.design.uses import category_of

__all__ = [
    "normalise_pnu",
    "lot_address_key",
    "match_meters",
    "MatchResult",
    "SPLIT_RULES",
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


def _building_parcels(buildings: pd.DataFrame) -> tuple[pd.Series, dict, dict]:
    pnu = buildings["pnu"].map(normalise_pnu) if "pnu" in buildings.columns else pd.Series("", index=buildings.index)
    addr = (buildings["address"].map(lot_address_key) if "address" in buildings.columns
            else pd.Series("", index=buildings.index))
    parcel = pd.Series(np.where(pnu != "", pnu, np.where(addr != "", "ADDR:" + addr, "")), index=buildings.index)
    by_pnu, by_addr = {}, {}
    for p, a, par in zip(pnu, addr, parcel):
        if p:
            by_pnu.setdefault(p, par)
        if a:
            by_addr.setdefault(a, par)
    return parcel, by_pnu, by_addr


@dataclass
class _ParcelIndex:
    """The buildings of each parcel and what meters are split by (index = row of the building table)."""

    by_pnu: dict  # PNU -> parcel key
    by_addr: dict  # lot-address key -> parcel key
    groups: dict  # parcel key -> building rows
    area: pd.Series  # floor area [m2], blank = 0
    households: pd.Series  # [households], blank = 0
    residential: pd.Series  # bool


def match_meters(buildings: pd.DataFrame, meters: pd.DataFrame) -> MatchResult:
    """Join meters (:func:`~sewerplan.model.intake.billing.meter_day_averages`) to buildings.

    Parameters
    ----------
    buildings : DataFrame
        Canonical building table (needs ``building_id``, ``floor_area_m2``, ``main_use`` or
        ``category``, ``households``, and ``pnu`` and/or ``address``).
    meters : DataFrame
        One row per meter with ``customer_id``, ``pnu``, ``address``, ``use_class``,
        ``sewage_m3_per_day``, ``water_m3_per_day``, ``months_billed``, ``short_record``.

    Returns
    -------
    MatchResult
    """
    b, parcels = _index_parcels(buildings)
    links, unmatched = _link_meters(meters, b, parcels)
    out, without = _observed_per_building(b, links)
    unmatched_meters, um = _unmatched_meter_table(meters, unmatched)
    links = links.drop(columns=["_row"])
    counts = _match_counts(meters, links, out, without, unmatched_meters, um)
    return MatchResult(out, links, unmatched_meters, without, counts)


def _index_parcels(buildings: pd.DataFrame) -> tuple[pd.DataFrame, _ParcelIndex]:
    """(copy of the buildings with ``category`` and ``_parcel``, the parcel index)."""
    b = buildings.copy().reset_index(drop=True)
    if "category" not in b.columns:
        b["category"] = b["main_use"].map(category_of)
    parcel, by_pnu, by_addr = _building_parcels(b)
    b["_parcel"] = parcel
    groups = {k: v for k, v in b[b["_parcel"] != ""].groupby("_parcel").groups.items()}
    area = b["floor_area_m2"].astype(float).clip(lower=0).fillna(0.0)
    hh = b["households"].astype(float).fillna(0.0) if "households" in b.columns else pd.Series(0.0, index=b.index)
    return b, _ParcelIndex(by_pnu, by_addr, groups, area, hh, b["category"].eq("residential"))


def _link_meters(meters: pd.DataFrame, b: pd.DataFrame, parcels: _ParcelIndex) -> tuple[pd.DataFrame, list]:
    """(one row per meter-building pair with its share, [(customer_id, reason, address key)] of unmatched meters)."""
    link_rows, unmatched = [], []
    for m in meters.itertuples(index=False):
        par, method, m_pnu, m_addr = _find_parcel(m, parcels)
        if par is None:
            unmatched.append((m.customer_id, _unmatched_reason(m, m_pnu, m_addr), m_addr))
            continue
        chosen, shares, rule = _split_meter(list(parcels.groups[par]), m.use_class, parcels)
        for i, s in zip(chosen, shares):
            link_rows.append((m.customer_id, b.at[i, "building_id"], i, float(s), rule, method,
                              float(m.sewage_m3_per_day) * s, float(m.water_m3_per_day) * s,
                              int(m.months_billed), bool(m.short_record)))
    links = pd.DataFrame(link_rows, columns=["customer_id", "building_id", "_row", "share", "split_rule",
                                             "match_method", "sewage_m3_per_day", "water_m3_per_day",
                                             "months_billed", "short_record"])
    return links, unmatched


def _find_parcel(m, parcels: _ParcelIndex):
    """(parcel key or None, "pnu" / "address" / "", meter PNU, meter lot-address key): PNU first, then address."""
    m_pnu = normalise_pnu(getattr(m, "pnu", ""))
    m_addr = lot_address_key(getattr(m, "address", ""))
    if m_pnu and m_pnu in parcels.by_pnu:
        return parcels.by_pnu[m_pnu], "pnu", m_pnu, m_addr
    if m_addr and m_addr in parcels.by_addr:
        return parcels.by_addr[m_addr], "address", m_pnu, m_addr
    return None, "", m_pnu, m_addr


def _unmatched_reason(m, m_pnu: str, m_addr: str) -> str:
    """Key of :data:`UNMATCHED_REASONS` for a meter that matched no parcel."""
    if not m_pnu and not str(getattr(m, "address", "") or "").strip():
        return "no_key"
    if not m_pnu and not m_addr:
        return "address_unreadable"
    return "not_in_register"


def _split_meter(idx: list, use_class: str, parcels: _ParcelIndex) -> tuple[list, np.ndarray, str]:
    """(buildings, shares summing to 1, rule of :data:`SPLIT_RULES`) for a meter on a parcel's buildings."""
    if len(idx) == 1:
        chosen, weights, rule = idx, np.array([1.0]), "single_building"
    else:
        chosen, weights, rule = _split_weights(idx, use_class, parcels)
        if weights.sum() <= 0:
            weights = np.ones(len(chosen))
    return chosen, weights / weights.sum(), rule


def _split_weights(idx: list, use_class: str, parcels: _ParcelIndex) -> tuple[list, np.ndarray, str]:
    """Several buildings: a 가정용 meter over the residential ones by households (else floor area),
    another meter over the non-residential ones by floor area, else over all by floor area."""
    res = [i for i in idx if parcels.residential[i]]
    non = [i for i in idx if not parcels.residential[i]]
    if use_class == "가정용" and res:
        weights = parcels.households[res].to_numpy()
        if weights.sum() <= 0:
            weights = parcels.area[res].to_numpy()
        return res, weights, "household_share"
    if use_class != "가정용" and non:
        return non, parcels.area[non].to_numpy(), "floor_area_share_nonresidential"
    return idx, parcels.area[idx].to_numpy(), "floor_area_share"


def _observed_per_building(b: pd.DataFrame, links: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(buildings with their meters' share-weighted sewage and water added up, buildings without a meter)."""
    agg = links.groupby("_row").agg(
        observed_m3_per_day=("sewage_m3_per_day", "sum"), observed_water_m3_per_day=("water_m3_per_day", "sum"),
        n_meters=("customer_id", "nunique"), billing_months=("months_billed", "min"),
        short_record=("short_record", "any"),
        meter_match=("match_method", lambda s: "+".join(sorted(set(s)))))
    out = b.drop(columns=["observed_m3_per_day"], errors="ignore")
    out = out.join(agg)
    out["n_meters"] = out["n_meters"].fillna(0).astype(int)
    out["short_record"] = out["short_record"].astype("boolean").fillna(False).astype(bool)
    out["meter_match"] = out["meter_match"].fillna("")
    without = out[out["n_meters"] == 0].drop(columns=["_parcel"]).copy()
    without["reason"] = np.where(
        out.loc[without.index, "_parcel"] == "",
        "building has no PNU or readable lot address / 건축물에 필지고유번호·지번주소 없음",
        "no meter matched this parcel (not billed yet, billed under another parcel, or vacant) / "
        "연계된 계량기 없음(미부과, 다른 필지로 부과, 공실 등)")
    return out.drop(columns=["_parcel"]), without


def _unmatched_meter_table(meters: pd.DataFrame, unmatched: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(unmatched meters with ``unmatched_reason``, their reason keys)."""
    um = pd.DataFrame(unmatched, columns=["customer_id", "reason", "address_key"])
    unmatched_meters = meters.merge(um, on="customer_id", how="inner")
    unmatched_meters["unmatched_reason"] = unmatched_meters["reason"].map(UNMATCHED_REASONS)
    return unmatched_meters.drop(columns=["reason"]), um


def _match_counts(meters, links, out, without, unmatched_meters, um) -> dict:
    """The numbers of the match report: meters and volume matched, split rules used, buildings covered."""
    per_meter = links.groupby("customer_id").agg(n=("building_id", "size"), method=("match_method", "first"))
    per_building_meters = out["n_meters"]
    total = float(meters["sewage_m3_per_day"].sum()) if len(meters) else 0.0
    unmatched_volume = float(unmatched_meters["sewage_m3_per_day"].sum()) if len(unmatched_meters) else 0.0
    return {
        "meters_total": int(len(meters)),
        "meters_matched": int(len(per_meter)),
        "meters_matched_by_pnu": int((per_meter["method"] == "pnu").sum()),
        "meters_matched_by_address": int((per_meter["method"] == "address").sum()),
        "meters_unmatched": int(len(unmatched_meters)),
        "meters_unmatched_by_reason": {k: int((um["reason"] == k).sum()) for k in UNMATCHED_REASONS},
        "meters_split_over_several_buildings": int((per_meter["n"] > 1).sum()),
        "buildings_total": int(len(out)),
        "buildings_with_meters": int((per_building_meters > 0).sum()),
        "buildings_with_several_meters": int((per_building_meters > 1).sum()),
        "buildings_without_meters": int(len(without)),
        "buildings_short_record": int(out["short_record"].sum()),
        "split_rules_used": {k: int((links.drop_duplicates("customer_id")["split_rule"] == k).sum())
                             for k in SPLIT_RULES},
        "sewage_m3_per_day_all_meters": round(total, 3),
        "sewage_m3_per_day_matched": round(total - unmatched_volume, 3),
        "sewage_m3_per_day_unmatched": round(unmatched_volume, 3),
        "matched_volume_share": round((total - unmatched_volume) / total, 4) if total > 0 else None,
    }
