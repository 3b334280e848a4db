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
* Numbers: a decimal comma, ``inf``/``NaN`` and a bill above 10,000,000 m3 are rejected with
  the row, column and value (:mod:`.numbers`), never read as another number or as 0.
* Billing months are calendar months (days = days in the month) unless the file has a
  days column (사용일수).
* Observed day-average sewage of a meter [m3/d] =
  sum of billed water over its usable months [m3] / sum of their days [d] x return ratio [-]
  (default 0.85, ``DesignParameters.return_ratio``). Averaging over the months available
  (rather than requiring 24) keeps new buildings; a meter with fewer than 12 usable months
  is flagged ``short_record`` because a part year over- or under-states the annual mean.

Engine (issue 17): every step runs as SQL in DuckDB (:mod:`.engine`) straight over the file,
with a memory limit and a spill folder, so a national extract needs no more memory than a
town's. :func:`billing_tables`, :func:`screen_tables` and :func:`meter_table` build the tables
in an open connection; :func:`read_billing`, :func:`screen_meter_months` and
:func:`meter_day_averages` are the same steps with pandas tables in and out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputFileError
from ..design.parameters import DEFAULT_PARAMETERS, DesignParameters
from .engine import ROW, EngineSettings, connect, load_text_table, sql_name, sql_text
from .numbers import BOUNDS, NUMBER_PROBLEMS, sql_number, sql_number_problem
from .tables import canonical_header_map

__all__ = [
    "BILLING_HEADER_ALIASES",
    "USE_CLASSES",
    "USE_CLASS_ALIASES",
    "MIN_MONTHS_FULL_YEAR",
    "read_billing",
    "parse_billing_month",
    "screen_meter_months",
    "meter_day_averages",
    "billing_tables",
    "screen_tables",
    "meter_table",
    "RECORD_COLUMNS",
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
#: Columns of a usable meter-month (``read_billing`` records, ``flagged_meter_months.csv``).
RECORD_COLUMNS = ["customer_id", "address", "pnu", "use_class", "meter_size_mm", "households", "billing_month",
                  "billed_m3", "days", "source_row"]
_MONTH_RE = r"(\d{4})\s*(?:[-./]|년)?\s*(\d{1,2})\s*(?:월)?(?:[-./]\d{1,2})?(?:[ T].*)?"


def _norm(h) -> str:
    return re.sub(r"\s+", "", str(h)).lower()


def parse_billing_month(text) -> str | None:
    """'202301', '2023-01', '2023.1', '2023/01', '2023년 1월', '2023-01-01 00:00:00' -> '202301'.

    The Python form of the rule :func:`billing_tables` applies in SQL.
    """
    t = str(text).strip()
    if t.endswith(".0") and t[:-2].isdigit():  # 202301.0 from a spreadsheet
        t = t[:-2]
    m = re.fullmatch(_MONTH_RE, t)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not (1900 <= year <= 2200 and 1 <= month <= 12):
        return None
    return f"{year}{month:02d}"


@dataclass
class BillingCounts:
    """Rows read and rejected by :func:`billing_tables`."""

    rows_read: int
    rows_rejected: int


def billing_tables(con, billing, source: str | None = None, sheet=None) -> BillingCounts:
    """Read and check a billing extract into tables ``bill`` (every row, with ``reason``) and
    ``bill_rejected`` (the unusable rows as given, with ``source_row`` and ``rejected_reason``).

    ``bill`` has :data:`RECORD_COLUMNS` plus ``reason`` ('' for a usable meter-month).

    Raises
    ------
    InputFileError
        When the file cannot be read or a required column is missing.
    """
    header, source, offset = load_text_table(con, "bill_raw", billing, sheet=sheet, source=source,
                                             known_headers=[a for al in BILLING_HEADER_ALIASES.values() for a in al],
                                             default_source="billing table")
    original = canonical_header_map(header, BILLING_HEADER_ALIASES, source)
    _check_billing_columns(original, header, source)
    con.execute(f"CREATE OR REPLACE TEMP VIEW bill_text AS SELECT {ROW} + {1 + offset} AS source_row, "
                + ", ".join(f"{sql_name(original[c]) if c in original else sql_text('')} AS {c}"
                            for c in BILLING_HEADER_ALIASES) + " FROM bill_raw")
    con.execute(_parsed_sql(original))
    con.execute("CREATE OR REPLACE TABLE bill_rejected AS SELECT b.source_row, r.* EXCLUDE (source_row), "
                f"b.reason AS rejected_reason FROM (SELECT {ROW} + {1 + offset} AS source_row, * EXCLUDE ({ROW}) FROM "
                "bill_raw) r JOIN bill b USING (source_row) WHERE b.reason <> '' ORDER BY b.source_row")
    rows_read, rejected = con.execute("SELECT count(*), count(*) FILTER (WHERE reason <> '') FROM bill").fetchall()[0]
    con.execute("DROP VIEW bill_text")
    con.execute("DROP TABLE bill_raw")  # the text is no longer needed: free the memory for the next steps
    return BillingCounts(int(rows_read), int(rejected))


def _check_billing_columns(original: dict, header: list, source: str) -> None:
    """Raise when a required column is missing, or when there is neither an address nor a PNU column."""
    missing = [c for c in _REQUIRED if c not in original]
    if missing:
        wanted = {c: BILLING_HEADER_ALIASES[c][:4] for c in missing}
        raise InputFileError(
            f"{source}: required billing column(s) missing: {wanted}. Columns found: {header} / "
            f"요금 부과자료에 필수 열이 없습니다: {missing}"
        )
    if "address" not in original and "pnu" not in original:
        raise InputFileError(
            f"{source}: the billing file needs an address column (수용가주소) or a parcel id column "
            f"(필지고유번호/PNU) to join meters to buildings. Columns found: {header} / "
            "주소 또는 필지고유번호(PNU) 열이 필요합니다."
        )


def _use_class_sql(expr: str) -> str:
    """SQL: the use class of :data:`USE_CLASSES` for the text (spaces removed, lower case), else NULL."""
    cases = " ".join(f"WHEN {sql_text(k)} THEN {sql_text(v)}" for k, v in USE_CLASS_ALIASES.items())
    return f"(CASE lower(regexp_replace({expr}, '\\s+', '', 'g')) {cases} END)"


def _month_sql(expr: str) -> tuple[str, str]:
    """SQL: (month 'YYYYMM' or NULL, calendar days of it) for the month text; see :func:`parse_billing_month`."""
    t = f"(CASE WHEN regexp_full_match({expr}, '[0-9]+\\.0') THEN left({expr}, length({expr}) - 2) ELSE {expr} END)"
    six = f"(length({expr}) = 6 AND ltrim({expr}, '0123456789') = '')"
    # fast path for 'YYYYMM' (no regular expression per row), else the full rule
    y = (f"(CASE WHEN {six} THEN TRY_CAST(left({expr}, 4) AS INTEGER) "
         f"ELSE TRY_CAST(regexp_extract({t}, '^{_MONTH_RE}$', 1) AS INTEGER) END)")
    m = (f"(CASE WHEN {six} THEN TRY_CAST(right({expr}, 2) AS INTEGER) "
         f"ELSE TRY_CAST(regexp_extract({t}, '^{_MONTH_RE}$', 2) AS INTEGER) END)")
    ok = f"({y} BETWEEN 1900 AND 2200 AND {m} BETWEEN 1 AND 12)"
    month = f"(CASE WHEN {ok} THEN printf('%04d%02d', {y}, {m}) END)"
    cal = f"(CASE WHEN {ok} THEN CAST(dayofmonth(last_day(make_date({y}, {m}, 1))) AS DOUBLE) END)"
    return month, cal


def _flag(cond: str, column: str, value: str, message: str) -> str:
    """SQL: the reason text of one check (NULL when it passes); ``column`` is the user's header."""
    return f"CASE WHEN {cond} THEN {sql_text(column + ' ')} || '''' || {value} || ''': ' || {sql_text(message)} END"


def _parsed_sql(original: dict) -> str:
    """SQL creating ``bill``: the parsed columns of every row and the reasons it cannot be used."""
    month, cal = _month_sql("bm")  # once per distinct month text and use text (a town bills ~24 months)
    col = {c: original.get(c, c) for c in BILLING_HEADER_ALIASES}
    digits = "pnu_digits"  # once per distinct PNU text (below), not per row
    bad_pnu = "pnu_bad"
    hh_bad = ("(households <> '' AND (hh IS NULL OR hh < 0))" if "households" in original else "false")
    days_bad = ("(days <> '' AND (d IS NULL OR d <= 0 OR d > 62))" if "days" in original else "false")
    checks = [
        _flag("customer_id = ''", col["customer_id"], "customer_id", "customer number is blank / 수용가번호가 비어 있습니다"),
        _flag("month IS NULL", col["billing_month"], "billing_month",
              "not a billing month (e.g. 202301 or 2023-01) / 부과년월 형식이 아닙니다"),
        _flag("billed_m3 = ''", col["billed_m3"], "billed_m3",
              "billed volume is blank (missing reading) / 사용량이 비어 있습니다(검침 누락)"),
        *(_flag(f"vol_problem = '{k}'", col["billed_m3"], "billed_m3", msg) for k, msg in NUMBER_PROBLEMS.items()),
        _flag("vol < 0", col["billed_m3"], "billed_m3",
              "negative volume (refund or correction row); not used / 음수 사용량(정정·환급)은 쓰지 않습니다"),
        _flag(f"vol > {BOUNDS['billed_m3']:.0f}", col["billed_m3"], "billed_m3",
              f"implausible: more than {BOUNDS['billed_m3']:,.0f} m3 in one bill / 비현실적으로 큰 사용량입니다"),
        _flag("use IS NULL", col["use_class"], "use_class",
              f"unknown use class; expected one of {', '.join(USE_CLASSES)} / 알 수 없는 업종입니다"),
        _flag(f"{bad_pnu} AND address = ''", col["pnu"], "pnu",
              "parcel id must have 19 digits / 필지고유번호는 19자리여야 합니다"),
        _flag(f"address = '' AND {digits} = '' AND NOT {bad_pnu}", col["address"], "address",
              "no address and no parcel id; the meter cannot be joined / 주소와 필지고유번호가 모두 없습니다"),
        _flag(hh_bad, col["households"], "households", "households must be a number >= 0 / 가구수는 0 이상의 숫자여야 합니다"),
        _flag(f"hh > {BOUNDS['households_on_meter']:.0f}", col["households"], "households",
              f"implausible: more than {BOUNDS['households_on_meter']:,.0f} households on one meter / "
              "비현실적인 가구수입니다"),
        _flag(days_bad, col["days"], "days", "billing days must be 1-62 / 사용일수는 1~62일이어야 합니다"),
    ]
    return f"""
CREATE OR REPLACE TABLE bill AS
WITH months AS (SELECT bm, {month} AS month, {cal} AS cal_days FROM (SELECT DISTINCT billing_month AS bm FROM bill_text)),
uses AS (SELECT uc, {_use_class_sql('uc')} AS use FROM (SELECT DISTINCT use_class AS uc FROM bill_text)),
pnus AS (SELECT pn, d AS pnu_digits, (d <> '' AND length(d) <> 19) AS pnu_bad
         FROM (SELECT pn, regexp_replace(pn, '[^0-9]', '', 'g') AS d FROM (SELECT DISTINCT pnu AS pn FROM bill_text))),
p AS (
  SELECT t.*, m.month, m.cal_days, {sql_number('billed_m3')} AS vol,
         {sql_number_problem('billed_m3')} AS vol_problem, u.use, n.pnu_digits, n.pnu_bad,
         {sql_number('households')} AS hh, {sql_number('days')} AS d, {sql_number('meter_size_mm')} AS size
  FROM bill_text t LEFT JOIN months m ON t.billing_month = m.bm LEFT JOIN uses u ON t.use_class = u.uc
  LEFT JOIN pnus n ON t.pnu = n.pn)
SELECT customer_id, address,
       CASE WHEN {bad_pnu} THEN '' ELSE {digits} END AS pnu,
       use AS use_class, size AS meter_size_mm, coalesce(hh, 0.0) AS households, month AS billing_month,
       vol AS billed_m3, CASE WHEN d IS NOT NULL AND d > 0 THEN d ELSE cal_days END AS days,
       source_row, concat_ws(' | ', {', '.join(checks)}) AS reason
FROM p"""  # no ORDER BY: every later step orders by source_row itself


def screen_tables(con, misread_ratio: float = 4.0, misread_min_m3: float = 10.0, records: str = "bill") -> int:
    """Flag suspected misread months of the usable rows of ``records``; creates ``bill_flagged`` (with
    ``meter_median_m3`` and ``flag_reason``) and ``bill_kept`` (a view: the usable rows not flagged);
    returns the flagged count.

    A month is flagged when its volume is > ``misread_ratio`` x the meter's median month and at
    least ``misread_min_m3`` [m3] above it (and the median is > 0).

    Only the medians (one row per meter) and the flagged months are stored, and ``records`` gets a
    ``misread`` column: the usable rows are not copied into a third table of the extract's size
    (issue 25); ``bill_kept`` reads ``records``.
    """
    reason = (f"more than {misread_ratio:g} x the meter's median month (suspected misreading); left out of "
              f"the average / 계량기 월 중앙값의 {misread_ratio:g}배 초과(검침 오류 의심), 평균에서 제외")
    con.execute(f"""CREATE OR REPLACE TABLE bill_median AS SELECT customer_id, median(billed_m3) AS meter_median_m3
        FROM {records} WHERE reason = '' GROUP BY customer_id""")
    cols = ", ".join(RECORD_COLUMNS)
    con.execute(f"""CREATE OR REPLACE TABLE bill_flagged AS SELECT {cols}, meter_median_m3, {sql_text(reason)} AS flag_reason
        FROM {records} u JOIN bill_median m USING (customer_id)
        WHERE u.reason = '' AND u.billed_m3 > {float(misread_ratio)!r} * m.meter_median_m3
          AND u.billed_m3 - m.meter_median_m3 >= {float(misread_min_m3)!r} AND m.meter_median_m3 > 0
        ORDER BY source_row""")
    # the flag set in place (a few rows), so bill_kept is a plain filter, not a join, each time it is read
    con.execute(f"ALTER TABLE {records} ADD COLUMN IF NOT EXISTS misread BOOLEAN DEFAULT false")
    con.execute(f"UPDATE {records} SET misread = false WHERE misread")  # screened again: no flag of the last run
    con.execute(f"UPDATE {records} SET misread = true WHERE source_row IN (SELECT source_row FROM bill_flagged)")
    con.execute(f"CREATE OR REPLACE TEMP VIEW bill_kept AS SELECT {cols} FROM {records} WHERE reason = '' AND NOT misread")
    con.execute("DROP TABLE bill_median")
    return int(con.execute("SELECT count(*) FROM bill_flagged").fetchall()[0][0])


def meter_table(con, return_ratio: float, kept: str = "bill_kept") -> None:
    """Create ``meters``: observed day-average water and sewage per meter from the usable months.

    sewage [m3/d] = sum(billed m3) / sum(days) x return ratio; several rows of one meter and
    month (re-issued bills) are added together (the days counted once). Meters in the order
    they first appear in the file.
    """
    con.execute(f"""CREATE OR REPLACE TABLE meters AS
        WITH monthly AS (
          SELECT customer_id, billing_month, sum(billed_m3) AS billed, arg_min(days, source_row) AS days
          FROM {kept} GROUP BY customer_id, billing_month),
        per AS (
          SELECT customer_id, count(*) AS months_billed, min(billing_month) AS first_month,
                 max(billing_month) AS last_month, sum(billed) AS billed_m3_total, sum(days) AS days_total
          FROM monthly GROUP BY customer_id),
        attrs AS (
          SELECT customer_id, min(source_row) AS first_row, arg_min(address, source_row) AS address,
                 coalesce(arg_min(pnu, source_row) FILTER (WHERE pnu <> ''), '') AS pnu,
                 arg_min(use_class, source_row) AS use_class, max(households) AS households,
                 arg_min(meter_size_mm, source_row) FILTER (WHERE meter_size_mm IS NOT NULL) AS meter_size_mm
          FROM {kept} GROUP BY customer_id)
        SELECT a.customer_id, a.address, a.pnu, a.use_class, a.households, a.meter_size_mm, p.months_billed,
               p.first_month, p.last_month, p.billed_m3_total, p.days_total,
               p.billed_m3_total / p.days_total AS water_m3_per_day,
               p.billed_m3_total / p.days_total * {float(return_ratio)!r} AS sewage_m3_per_day,
               p.months_billed < {MIN_MONTHS_FULL_YEAR} AS short_record
        FROM attrs a JOIN per p USING (customer_id) ORDER BY a.first_row""")


# --------------------------------------------------------------------------------------
# the same steps with pandas tables in and out
# --------------------------------------------------------------------------------------


def read_billing(path_or_df, source: str | None = None, sheet=None, settings: EngineSettings | None = None):
    """Read and check a billing extract.

    Parameters
    ----------
    path_or_df : path or DataFrame
        The billing file (.csv, .csv.gz, .tsv, .xlsx, .parquet) or a DataFrame of strings.
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
    with connect(settings) as con:
        billing_tables(con, path_or_df, source=source, sheet=sheet)
        records = con.execute(f"SELECT {', '.join(RECORD_COLUMNS)} FROM bill WHERE reason = '' "
                              "ORDER BY source_row").df()
        rejected = con.execute("SELECT * FROM bill_rejected").df()
    return records, rejected


def _records_table(con, records) -> None:
    """Register a pandas table of usable meter-months as ``bill`` (every row usable)."""
    con.register("records_df", records[RECORD_COLUMNS])
    con.execute("CREATE OR REPLACE TABLE bill AS SELECT *, '' AS reason FROM records_df")
    con.unregister("records_df")


def screen_meter_months(records, misread_ratio: float = 4.0, misread_min_m3: float = 10.0):
    """Flag suspected misread months: volume > ratio x the meter's median month and > median + min.

    Returns ``(kept, flagged)``; ``flagged`` has ``meter_median_m3`` and ``flag_reason``.
    """
    with connect() as con:
        _records_table(con, records)
        screen_tables(con, misread_ratio, misread_min_m3)
        kept = con.execute("SELECT * FROM bill_kept ORDER BY source_row").df()
        flagged = con.execute("SELECT * FROM bill_flagged").df()
    return kept, flagged


def meter_day_averages(records, return_ratio: float | None = None,
                       params: DesignParameters = DEFAULT_PARAMETERS):
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
    """
    r = params.return_ratio if return_ratio is None else float(return_ratio)
    with connect() as con:
        _records_table(con, records)
        meter_table(con, r, kept="bill")
        return con.execute("SELECT * FROM meters").df()
