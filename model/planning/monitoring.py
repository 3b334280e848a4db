"""After occupancy: did the forecast hold? (``sewerplan monitor``, 입주 후 점검)

The new town's first water bills are joined to the forecast buildings and compared with the ML
forecast, district by district:

* **Join.** A bill row carrying a building id (관리건축물대장PK / ``building_id``) that the
  forecast has goes to that building; the others go through the register join of
  :func:`sewerplan.model.intake.matching.match_meters` (PNU, then lot address, meters split by
  households or floor area). Customer numbers are pseudonymised as they are read
  (:mod:`sewerplan.model.intake.privacy`).
* **Observed sewage** of a building in a month [m3/d] = billed water [m3] / days x return ratio
  (the ratio the forecast used), as for the training data.
* **Occupancy.** A building is occupied from its first month with water billed. Its first
  :data:`SETTLING_MONTHS` months are move-in months (residents arrive over weeks) and are left out
  of the comparison; from then on the building is *compared*.
* **By district and month** (:func:`monthly_table`): buildings forecast, occupied and compared
  (share of the district occupied so far), observed and forecast sewage of the compared buildings,
  and the forecast interval.
* **By district** (:func:`district_table`): each compared building's mean day-average over its
  compared months (the quantity the model predicts), summed, against the ML day-average of the
  same buildings and its interval. The interval is the district-total interval of the forecast
  (its relative bounds, ``ml_lower / ml`` and ``ml_upper / ml``), which was calibrated on whole
  districts: for a district only partly occupied it is narrower than the truth, so a flag early
  in occupancy is a signal to look, not a verdict. ``status``: below / within / above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputFileError

__all__ = ["SETTLING_MONTHS", "BUILDING_ID_HEADERS", "MonitorResult", "first_bills", "monthly_table",
           "district_table", "monitor"]

SETTLING_MONTHS = 2  # move-in months left out of the comparison [months]
BUILDING_ID_HEADERS = ["building_id", "관리건축물대장PK", "관리건축물대장 PK", "건축물ID", "건축물 ID", "mgmBldrgstPk",
                       "계획건축물ID"]


@dataclass
class MonitorResult:
    """The monitoring tables and counts."""

    buildings: pd.DataFrame  # per forecast building: first month, months compared, observed, forecast [m3/d]
    monthly: pd.DataFrame  # per district and billing month
    districts: pd.DataFrame  # per district, with status and flag
    counts: dict


def _building_ids(path, records: pd.DataFrame) -> pd.Series:
    """The building id of each usable bill row ('' when the file has no id column)."""
    from ..intake.inventory import map_headers, read_input

    raw, _ = read_input(path, source=None, default_source="billing table")
    df, original = map_headers(raw, {"building_id": BUILDING_ID_HEADERS})
    if "building_id" not in original:
        return pd.Series("", index=records.index)
    ids = df["building_id"].astype(str).str.strip().to_numpy()
    return pd.Series(ids[records["source_row"].to_numpy() - 2], index=records.index)


def first_bills(path, buildings: pd.DataFrame, return_ratio: float, key=None) -> tuple[pd.DataFrame, dict]:
    """Bills of the new town per building and month: ``building_id``, ``billing_month``, ``observed_m3_per_day``.

    Returns the table and the join counts (rows read, rejected, matched by id, by register join, unmatched).
    """
    from ..intake.billing import read_billing
    from ..intake.privacy import load_key, pseudonymise

    records, rejected = read_billing(path)
    if records.empty:
        raise InputFileError(f"{path}: no usable bill rows ({len(rejected)} rejected) / 쓸 수 있는 요금 행이 없습니다")
    records["building_id"] = _building_ids(path, records)
    records["customer_id"] = pseudonymise(records["customer_id"], key or load_key())
    records["sewage_m3_per_day"] = records["billed_m3"] / records["days"] * return_ratio
    by_id = records["building_id"].isin(set(buildings["building_id"].astype(str)))
    linked = [records.loc[by_id, ["building_id", "billing_month", "sewage_m3_per_day"]]]
    joined, unmatched = _register_join(records[~by_id], buildings)
    linked.append(joined)
    linked = [t for t in linked if len(t)]
    if not linked:
        raise InputFileError(
            f"{path}: none of the {len(records):,} bill rows matched a forecast building, by building id "
            f"({', '.join(BUILDING_ID_HEADERS[:2])}) or by lot address / PNU; add the building id column or check that the addresses are lot addresses of the new town / "
            "예측 건축물과 연결된 요금 행이 없습니다: 관리건축물대장PK 열을 넣거나 주소(지번)를 확인하세요")
    table = pd.concat(linked, ignore_index=True).groupby(["building_id", "billing_month"], as_index=False)[
        "sewage_m3_per_day"].sum().rename(columns={"sewage_m3_per_day": "observed_m3_per_day"})
    counts = {"rows_read": int(len(records) + len(rejected)), "rows_rejected": int(len(rejected)),
              "rows_matched_by_building_id": int(by_id.sum()), "rows_matched_by_register_join": int(len(joined)),
              "rows_unmatched": int(unmatched), "buildings_billed": int(table["building_id"].nunique())}
    return table, counts


def _register_join(records: pd.DataFrame, buildings: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Bill rows without a known building id, joined by PNU / lot address; (rows per building, rows unmatched)."""
    from ..intake.billing import meter_day_averages
    from ..intake.matching import match_meters

    empty = pd.DataFrame(columns=["building_id", "billing_month", "sewage_m3_per_day"])
    if records.empty:
        return empty, 0
    meters = meter_day_averages(records)
    links = match_meters(buildings.reset_index(drop=True), meters).links
    if links.empty:
        return empty, len(records)
    # the bill rows' own (blank or unknown) building id gives way to the one the join found
    rows = records.drop(columns=["building_id"], errors="ignore").merge(
        links[["customer_id", "building_id", "share"]], on="customer_id", how="inner")
    rows["sewage_m3_per_day"] = rows["sewage_m3_per_day"] * rows["share"]
    return rows[["building_id", "billing_month", "sewage_m3_per_day"]], int((~records["customer_id"].isin(
        links["customer_id"])).sum())


def _months_since(first: pd.Series, month: pd.Series) -> pd.Series:
    """Whole months from ``first`` to ``month`` ('YYYYMM' texts): 0 in the first month."""
    f, m = first.astype(int), month.astype(int)
    return (m // 100 - f // 100) * 12 + (m % 100 - f % 100)


def _with_occupancy(bills: pd.DataFrame, settling: int) -> pd.DataFrame:
    """Bills with each building's first billed month and whether the month is compared (after move-in)."""
    billed = bills[bills["observed_m3_per_day"] > 0]
    first = billed.groupby("building_id")["billing_month"].min().rename("first_month")
    out = bills.join(first, on="building_id").dropna(subset=["first_month"])
    out["compared"] = _months_since(out["first_month"], out["billing_month"]) >= settling
    return out


def monthly_table(bills: pd.DataFrame, forecast: pd.DataFrame, ratios: tuple[float, float],
                  settling: int = SETTLING_MONTHS) -> pd.DataFrame:
    """Per district and billing month: occupancy, observed vs forecast of the compared buildings [m3/d]."""
    occ = _with_occupancy(bills, settling).join(forecast.set_index("building_id")[["district", "ml_m3_per_day"]],
                                                on="building_id")
    first = occ.groupby("building_id")[["first_month", "district"]].first()
    n_district = forecast.groupby("district").size()
    rows = []
    for month in sorted(occ["billing_month"].unique()):
        now = occ[(occ["billing_month"] == month) & occ["compared"]]
        for district, n in n_district.items():
            occupied = int(((first["district"] == district) & (first["first_month"] <= month)).sum())
            d = now[now["district"] == district]
            rows.append({"district": district, "billing_month": month, "buildings_forecast": int(n),
                         "buildings_occupied": occupied, "share_occupied": occupied / n if n else np.nan,
                         "buildings_compared": int(len(d)), "observed_m3_per_day": float(d["observed_m3_per_day"].sum()),
                         "forecast_m3_per_day": float(d["ml_m3_per_day"].sum())})
    out = pd.DataFrame(rows, columns=["district", "billing_month", "buildings_forecast", "buildings_occupied",
                                      "share_occupied", "buildings_compared", "observed_m3_per_day",
                                      "forecast_m3_per_day"])
    return _with_interval(out, ratios)


def _with_interval(df: pd.DataFrame, ratios: tuple[float, float]) -> pd.DataFrame:
    """Forecast interval [m3/d], observed / forecast [-] and status (below / within / above / no data)."""
    lo, hi = ratios
    df["forecast_lower_m3_per_day"] = df["forecast_m3_per_day"] * lo
    df["forecast_upper_m3_per_day"] = df["forecast_m3_per_day"] * hi
    has = df["forecast_m3_per_day"] > 0
    df["observed_to_forecast"] = np.where(has, df["observed_m3_per_day"] / df["forecast_m3_per_day"].where(has, 1),
                                          np.nan)
    df["status"] = np.select(
        [~has, df["observed_m3_per_day"] > df["forecast_upper_m3_per_day"],
         df["observed_m3_per_day"] < df["forecast_lower_m3_per_day"]], ["no data", "above", "below"], "within")
    return df


def district_table(bills: pd.DataFrame, forecast: pd.DataFrame, ratios: tuple[float, float],
                   settling: int = SETTLING_MONTHS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per building, per district): mean observed day-average over compared months vs ML of the same buildings."""
    occ = _with_occupancy(bills, settling)
    compared = occ[occ["compared"]].groupby("building_id").agg(
        months_compared=("billing_month", "size"), observed_m3_per_day=("observed_m3_per_day", "mean"))
    first = occ.groupby("building_id")["first_month"].first()
    per_bldg = forecast[["building_id", "district", "main_use", "ml_m3_per_day"]].set_index("building_id")
    per_bldg = per_bldg.join(first).join(compared).reset_index()
    per_bldg["months_compared"] = per_bldg["months_compared"].fillna(0).astype(int)
    used = per_bldg[per_bldg["months_compared"] > 0]
    g = used.groupby("district")
    d = pd.DataFrame({"buildings_forecast": per_bldg.groupby("district").size()})
    d["buildings_occupied"] = per_bldg.dropna(subset=["first_month"]).groupby("district").size()
    d["buildings_compared"] = g.size()
    d["observed_m3_per_day"] = g["observed_m3_per_day"].sum()
    d["forecast_m3_per_day"] = g["ml_m3_per_day"].sum()
    d = d.fillna(0).reset_index()
    d["share_occupied"] = d["buildings_occupied"] / d["buildings_forecast"]
    d = _with_interval(d, ratios)
    d["flagged"] = d["status"].isin(["above", "below"])
    return per_bldg, d


def monitor(bills_path, forecast: pd.DataFrame, ratios: tuple[float, float], return_ratio: float, key=None,
            settling: int = SETTLING_MONTHS) -> MonitorResult:
    """Join the first bills to the forecast buildings and compare by district and month (see module doc).

    Parameters
    ----------
    bills_path : path
        The new town's first bills (billing format, optional building id column).
    forecast : DataFrame
        Forecast buildings (``planned_town_buildings.csv`` of the run): ``building_id``,
        ``district``, ``ml_m3_per_day`` [m3/d] and the address / PNU columns for the register join.
    ratios : (float, float)
        Relative bounds of the district-total interval (lower / P50, upper / P50) [-].
    return_ratio : float
        Sewage / billed water [-], as the forecast used.
    """
    if not 0 < ratios[0] <= 1 <= ratios[1]:
        raise InputFileError(f"forecast interval ratios {ratios} are not lower <= 1 <= upper / 예측 구간 오류")
    bills, counts = first_bills(bills_path, forecast, return_ratio, key)
    monthly = monthly_table(bills, forecast, ratios, settling)
    buildings, districts = district_table(bills, forecast, ratios, settling)
    counts.update({"settling_months": settling, "interval_ratios": [round(r, 4) for r in ratios],
                   "districts_flagged": int(districts["flagged"].sum())})
    return MonitorResult(buildings, monthly, districts, counts)
