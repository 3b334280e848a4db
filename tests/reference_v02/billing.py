"""Water-billing import and observed sewage per meter (상수도 요금 부과자료).

A municipality's billing extract has one row per meter (수용가) and billing month. This
module reads it (CSV in UTF-8 or CP949, .csv.gz, or xlsx; Korean or English headers),
checks every row, screens misread months and turns each meter's bills into an observed
day-average sewage flow.

Rules (also in ``docs/manual.ko.md``)
-------------------------------------
* Rows that cannot be used are **rejected, never dropped silently**: blank or non-numeric
  volume, negative volume (refund / correction rows), an unreadable month, no customer
  number, no address and no parcel id, an unknown use class. Each rejected row keeps its
  file row number and the reason.
* A meter-month is **flagged as a suspected misreading** and left out of the average when
  it is more than ``misread_ratio`` (default 4) times the meter's median month and at least
  ``misread_min_m3`` (10 m3) above it; flagged months are written out, not hidden.
* Billing months are calendar months (days = days in the month) unless the file has a
  days column (사용일수).
* Observed day-average sewage of a meter [m3/d] =
  sum of billed water over its usable months [m3] / sum of their days [d] x return ratio [-]
  (default 0.85, ``DesignParameters.return_ratio``). Averaging over the months available
  (rather than requiring 24) keeps new buildings; a meter with fewer than 12 usable months
  is flagged ``short_record`` because a part year over- or under-states the annual mean.
"""

from __future__ import annotations

import calendar
import re

import numpy as np
import pandas as pd

from sewerplan.model.errors import InputFileError
from sewerplan.model.design.parameters import DEFAULT_PARAMETERS, DesignParameters
from reference_v02.inventory import map_headers, read_input

__all__ = [
    "BILLING_HEADER_ALIASES",
    "USE_CLASSES",
    "USE_CLASS_ALIASES",
    "MIN_MONTHS_FULL_YEAR",
    "read_billing",
    "parse_billing_month",
    "screen_meter_months",
    "meter_day_averages",
]

USE_CLASSES = ("가정용", "일반용", "욕탕용", "공업용", "공공용")
USE_CLASS_ALIASES = {
    "가정용": "가정용", "가정": "가정용", "주택용": "가정용", "household": "가정용", "domestic": "가정용",
    "residential": "가정용",
    "일반용": "일반용", "일반": "일반용", "영업용": "일반용", "general": "일반용", "commercial": "일반용",
    "욕탕용": "욕탕용", "욕탕": "욕탕용", "대중탕용": "욕탕용", "bathhouse": "욕탕용", "bath": "욕탕용",
    "공업용": "공업용", "공업": "공업용", "산업용": "공업용", "industrial": "공업용",
    "공공용": "공공용", "공공": "공공용", "관공서용": "공공용", "public": "공공용",
}
MIN_MONTHS_FULL_YEAR = 12

# canonical -> accepted headers (compared without spaces, case-insensitive)
BILLING_HEADER_ALIASES: dict[str, list[str]] = {
    "customer_id": ["customer_id", "customer_no", "customer number", "수용가번호", "고객번호", "수용가 번호",
                    "수전번호", "계량기번호"],
    "address": ["address", "수용가주소", "주소", "설치주소", "지번주소", "급수주소", "대지위치"],
    "pnu": ["pnu", "parcel_id", "PNU", "필지고유번호(PNU)", "필지고유번호", "필지번호"],
    "use_class": ["use_class", "use", "업종", "급수업종", "용도", "사용용도", "업종구분"],
    "meter_size_mm": ["meter_size_mm", "meter_size", "구경(mm)", "구경", "계량기구경"],
    "households": ["households", "households_on_meter", "가구수", "세대수", "가구수(세대)"],
    "billing_month": ["billing_month", "month", "부과년월", "사용년월", "청구년월", "년월", "부과월"],
    "billed_m3": ["billed_m3", "volume_m3", "billed volume", "사용량(㎥)", "사용량(m3)", "사용량(톤)", "사용량",
                  "부과량", "부과량(㎥)"],
    "days": ["days", "billing_days", "사용일수", "일수"],
}
_REQUIRED = ("customer_id", "billing_month", "billed_m3", "use_class")


def _norm(h) -> str:
    return re.sub(r"\s+", "", str(h)).lower()


def parse_billing_month(text) -> str | None:
    """'202301', '2023-01', '2023.1', '2023/01', '2023년 1월', '2023-01-01 00:00:00' -> '202301'."""
    t = str(text).strip()
    if t.endswith(".0") and t[:-2].isdigit():  # 202301.0 from a spreadsheet
        t = t[:-2]
    m = re.fullmatch(r"(\d{4})\s*(?:[-./]|년)?\s*(\d{1,2})\s*(?:월)?(?:[-./]\d{1,2})?(?:[ T].*)?", t)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        return None
    return f"{year}{month:02d}"


def _to_number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.str.replace(",", "", regex=False).str.strip(), errors="coerce")


class _RowReasons:
    """Why each row of a billing table is unusable: index -> ["column 'value': message", ...]."""

    def __init__(self, df: pd.DataFrame, original: dict[str, str]):
        self.df, self.original = df, original
        self.rows = pd.Series(np.arange(len(df)) + 2, index=df.index)  # header is row 1
        self.reasons: dict = {}

    def flag(self, mask, canon: str, msg: str) -> None:
        """Record ``msg`` for every row in ``mask``."""
        col = self.original.get(canon, canon)
        for idx in self.df.index[mask.fillna(False) if hasattr(mask, "fillna") else mask]:
            value = self.df.at[idx, canon] if canon in self.df.columns else ""
            self.reasons.setdefault(idx, []).append(f"{col} '{value}': {msg}")


def read_billing(path_or_df, source: str | None = None, sheet=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and check a billing extract.

    Parameters
    ----------
    path_or_df : path or DataFrame
        The billing file (.csv, .csv.gz, .xlsx) or a DataFrame of strings.
    source : str, optional
        Name used in messages (default: the file name).

    Returns
    -------
    records : DataFrame
        One row per usable meter-month: ``customer_id``, ``address``, ``pnu`` (19 digits or
        ""), ``use_class`` (one of :data:`USE_CLASSES`), ``meter_size_mm``, ``households``
        [households], ``billing_month`` ('YYYYMM'), ``billed_m3`` [m3], ``days`` [d],
        ``source_row`` (row number in the file, header = 1).
    rejected : DataFrame
        The unusable rows as given, with ``source_row`` and ``rejected_reason``.

    Raises
    ------
    InputFileError
        When the file cannot be read or a required column is missing.
    """
    raw, source = read_input(path_or_df, sheet=sheet, source=source, default_source="billing table")
    df, original = map_headers(raw, BILLING_HEADER_ALIASES)
    _check_billing_columns(df, raw, source)
    found = _RowReasons(df, original)
    found.flag(df["customer_id"] == "", "customer_id", "customer number is blank / 수용가번호가 비어 있습니다")
    months = _parse_billing_months(df, found)
    volume = _parse_volume(df, found)
    use = _parse_use_class(df, found)
    address, pnu = _parcel_keys(df, found)
    households = _parse_households(df, found)
    size = _to_number(df["meter_size_mm"]) if "meter_size_mm" in df.columns else pd.Series(np.nan, index=df.index)
    days = _billing_days(df, months, found)
    columns = {
        "customer_id": df["customer_id"], "address": address, "pnu": pnu, "use_class": use,
        "meter_size_mm": size, "households": households.fillna(0.0), "billing_month": months,
        "billed_m3": volume, "days": days.astype(float), "source_row": found.rows,
    }
    return _split_usable_rejected(columns, raw, found)


def _check_billing_columns(df: pd.DataFrame, raw: pd.DataFrame, source: str) -> None:
    """Raise when a required column is missing, or when there is neither an address nor a PNU column."""
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        wanted = {c: BILLING_HEADER_ALIASES[c][:4] for c in missing}
        raise InputFileError(
            f"{source}: required billing column(s) missing: {wanted}. Columns found: {list(raw.columns)} / "
            f"요금 부과자료에 필수 열이 없습니다: {missing}"
        )
    if "address" not in df.columns and "pnu" not in df.columns:
        raise InputFileError(
            f"{source}: the billing file needs an address column (수용가주소) or a parcel id column "
            f"(필지고유번호/PNU) to join meters to buildings. Columns found: {list(raw.columns)} / "
            "주소 또는 필지고유번호(PNU) 열이 필요합니다."
        )


def _parse_billing_months(df: pd.DataFrame, found: _RowReasons) -> pd.Series:
    """Billing month as 'YYYYMM' (None where unreadable, flagged)."""
    months = df["billing_month"].map(parse_billing_month)
    found.flag(months.isna(), "billing_month", "not a billing month (e.g. 202301 or 2023-01) / 부과년월 형식이 아닙니다")
    return months


def _parse_volume(df: pd.DataFrame, found: _RowReasons) -> pd.Series:
    """Billed volume [m3]: blank (missing reading), non-numeric and negative (refund) rows are flagged."""
    text = df["billed_m3"]
    volume = _to_number(text)
    found.flag(text == "", "billed_m3", "billed volume is blank (missing reading) / 사용량이 비어 있습니다(검침 누락)")
    found.flag((text != "") & volume.isna(), "billed_m3", "not a number / 숫자가 아닙니다")
    found.flag(volume < 0, "billed_m3", "negative volume (refund or correction row); not used / "
               "음수 사용량(정정·환급)은 쓰지 않습니다")
    return volume


def _parse_use_class(df: pd.DataFrame, found: _RowReasons) -> pd.Series:
    """Use class (업종) as one of :data:`USE_CLASSES` (NaN where unknown, flagged)."""
    use = df["use_class"].map(lambda u: USE_CLASS_ALIASES.get(_norm(u), USE_CLASS_ALIASES.get(str(u).strip())))
    found.flag(use.isna(), "use_class", f"unknown use class; expected one of {', '.join(USE_CLASSES)} / 알 수 없는 업종입니다")
    return use


def _parcel_keys(df: pd.DataFrame, found: _RowReasons) -> tuple[pd.Series, pd.Series]:
    """(address, PNU digits): a PNU without 19 digits is dropped (flagged when there is no address too).

    A row with neither an address nor a PNU cannot be joined and is flagged.
    """
    address = df["address"] if "address" in df.columns else pd.Series("", index=df.index)
    pnu = df["pnu"].str.replace(r"\D", "", regex=True) if "pnu" in df.columns else pd.Series("", index=df.index)
    bad_pnu = (pnu != "") & (pnu.str.len() != 19)
    found.flag(bad_pnu & (address == ""), "pnu", "parcel id must have 19 digits / 필지고유번호는 19자리여야 합니다")
    pnu = pnu.where(~bad_pnu, "")
    found.flag((address == "") & (pnu == "") & ~bad_pnu, "address",
               "no address and no parcel id; the meter cannot be joined / 주소와 필지고유번호가 모두 없습니다")
    return address, pnu


def _parse_households(df: pd.DataFrame, found: _RowReasons) -> pd.Series:
    """Households on the meter [households] (NaN where blank); must be a number >= 0."""
    if "households" not in df.columns:
        return pd.Series(np.nan, index=df.index)
    households = _to_number(df["households"])
    found.flag((df["households"] != "") & (households.isna() | (households < 0)), "households",
               "households must be a number >= 0 / 가구수는 0 이상의 숫자여야 합니다")
    return households


def _billing_days(df: pd.DataFrame, months: pd.Series, found: _RowReasons) -> pd.Series:
    """Billing days [d]: the days column (1-62) where given, else the days of the calendar month."""
    if "days" in df.columns:
        days = _to_number(df["days"])
        found.flag((df["days"] != "") & (days.isna() | (days <= 0) | (days > 62)), "days",
                   "billing days must be 1-62 / 사용일수는 1~62일이어야 합니다")
    else:
        days = pd.Series(np.nan, index=df.index)
    cal_days = months.map(lambda m: calendar.monthrange(int(m[:4]), int(m[4:]))[1] if m else np.nan)
    return days.where(days.notna() & (days > 0), cal_days)


def _split_usable_rejected(columns: dict, raw: pd.DataFrame, found: _RowReasons):
    """(usable meter-months from ``columns``, rejected rows as given with ``source_row`` and reasons)."""
    bad = pd.Series(found.df.index.isin(list(found.reasons)), index=found.df.index)
    records = pd.DataFrame(columns)[~bad].reset_index(drop=True)
    rejected = raw.loc[bad].copy()
    rejected.insert(0, "source_row", found.rows[bad])
    rejected["rejected_reason"] = [" | ".join(found.reasons[i]) for i in rejected.index]
    return records, rejected.reset_index(drop=True)


def screen_meter_months(records: pd.DataFrame, misread_ratio: float = 4.0,
                        misread_min_m3: float = 10.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flag suspected misread months: volume > ratio x the meter's median month and > median + min.

    Returns ``(kept, flagged)``; ``flagged`` has ``meter_median_m3`` and ``flag_reason``.
    """
    med = records.groupby("customer_id")["billed_m3"].transform("median")
    mask = (records["billed_m3"] > misread_ratio * med) & (records["billed_m3"] - med >= misread_min_m3) & (med > 0)
    flagged = records[mask].copy()
    flagged["meter_median_m3"] = med[mask]
    flagged["flag_reason"] = (
        f"more than {misread_ratio:g} x the meter's median month (suspected misreading); left out of "
        f"the average / 계량기 월 중앙값의 {misread_ratio:g}배 초과(검침 오류 의심), 평균에서 제외"
    )
    return records[~mask].reset_index(drop=True), flagged.reset_index(drop=True)


def meter_day_averages(records: pd.DataFrame, return_ratio: float | None = None,
                       params: DesignParameters = DEFAULT_PARAMETERS) -> pd.DataFrame:
    """Observed day-average water and sewage per meter.

    Parameters
    ----------
    records : DataFrame
        Usable meter-months (:func:`read_billing`, after :func:`screen_meter_months`).
    return_ratio : float, optional
        Sewage / water [-]; default ``params.return_ratio`` (0.85).

    Returns
    -------
    DataFrame, one row per meter: ``customer_id``, ``address``, ``pnu``, ``use_class``,
    ``households``, ``meter_size_mm``, ``months_billed``, ``first_month``, ``last_month``,
    ``billed_m3_total`` [m3], ``days_total`` [d], ``water_m3_per_day`` [m3/d],
    ``sewage_m3_per_day`` [m3/d], ``short_record`` (< 12 months).

    Notes
    -----
    sewage [m3/d] = sum(billed m3) / sum(days) x return ratio. Several rows for the same
    meter and month (re-issued bills) are added together.
    """
    r = params.return_ratio if return_ratio is None else float(return_ratio)
    if len(records) == 0:
        return pd.DataFrame(columns=["customer_id", "address", "pnu", "use_class", "households", "meter_size_mm",
                                     "months_billed", "first_month", "last_month", "billed_m3_total",
                                     "days_total", "water_m3_per_day", "sewage_m3_per_day", "short_record"])
    monthly = records.groupby(["customer_id", "billing_month"], sort=False).agg(
        billed_m3=("billed_m3", "sum"), days=("days", "first")).reset_index()
    per = monthly.groupby("customer_id", sort=False).agg(
        months_billed=("billing_month", "nunique"), first_month=("billing_month", "min"),
        last_month=("billing_month", "max"), billed_m3_total=("billed_m3", "sum"), days_total=("days", "sum"))
    attrs = records.groupby("customer_id", sort=False).agg(
        address=("address", "first"), pnu=("pnu", lambda s: next((v for v in s if v), "")),
        use_class=("use_class", "first"), households=("households", "max"),
        meter_size_mm=("meter_size_mm", "first"))
    out = attrs.join(per).reset_index()
    out["water_m3_per_day"] = out["billed_m3_total"] / out["days_total"]
    out["sewage_m3_per_day"] = out["water_m3_per_day"] * r
    out["short_record"] = out["months_billed"] < MIN_MONTHS_FULL_YEAR
    return out
