"""Reading numbers from text, the same way in pandas and in DuckDB SQL, and plausibility bounds.

Rules (issue 16; documented in ``docs/manual.ko.md`` and ``docs/architecture.md``):

* ``1234.5``, ``1,234.5`` (comma thousands in groups of three), ``-5``, ``1e3`` are numbers.
* A decimal comma (``1.234,5``, ``12,5``) is refused, not read as 1.2345 or 125.
* ``inf``, ``Infinity``, ``NaN`` and numbers too large for a float (``1e400``) are refused as
  "not a finite number", never carried on as infinite totals or read as blank.
* Numbers that are finite but physically impossible are refused by the bounds below.

=========================  ================  ===============================================
bound                      value             why
=========================  ================  ===============================================
floor area                 <= 3,000,000 m2   the largest buildings in the world have about
                                             1.7 million m2 of floor area
households per floor area  <= 0.1 /m2        at least 10 m2 per household (Korean minimum
                                             housing standard: 14 m2 for one person)
observed sewage            <= 1,000 L/m2/d   1 m3 per m2 of floor every day; bathhouses, the
                                             wettest use in the MOE table, are far below
billed water, one bill     <= 10,000,000 m3  a month at 330,000 m3/d, more than any single
                                             customer of a Korean utility
households on one meter    <= 100,000        larger than any apartment complex
=========================  ================  ===============================================
"""

from __future__ import annotations

__all__ = ["BOUNDS", "NUMBER_PROBLEMS", "parse_number_text", "sql_number", "sql_number_problem"]

BOUNDS = {
    "floor_area_m2": 3_000_000.0,  # [m2]
    "households_per_m2": 0.1,  # [households/m2]
    "observed_l_per_m2_day": 1_000.0,  # [L/(m2 d)]
    "billed_m3": 10_000_000.0,  # [m3 per bill]
    "households_on_meter": 100_000.0,  # [households]
    # building-table columns without a bound of their own before issue 23 (1e308 in 방수 printed "inf m3/d"):
    # far above any real building, so only typing and unit errors are refused
    "households": 100_000.0,  # [households] (the largest Korean complexes: ~10,000)
    "dwelling_units": 100_000.0,  # [units]
    "families": 100_000.0,  # [households]
    "floors_above": 200.0,  # [floors] (the tallest building: 163)
    "floors_below": 50.0,  # [floors]
    "rooms_per_dwelling": 50.0,  # [rooms]
    "occupants": 1_000_000.0,  # [persons] (a stadium: ~100,000)
    "observed_m3_per_day": 1_000_000.0,  # [m3/d] (Korea's largest plant treats ~2,000,000 m3/d for millions)
}

NUMBER_PROBLEMS = {
    "not_number": "not a number / 숫자가 아닙니다",
    "decimal_comma": "decimal comma is not read; write the number with a point, e.g. 1234.5 / "
                     "소수점은 마침표(.)로 쓰세요 (예: 1234.5)",
    "not_finite": "not a finite number (inf, NaN or too large) / 유한한 숫자가 아닙니다",
}

_GROUPED = r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?"
_PLAIN = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
_NON_FINITE_WORDS = r"[+-]?(inf|infinity|nan)"


def parse_number_text(text):
    """(numbers, problem) of a Series of stripped text: NaN where blank or bad; problem is a key of
    :data:`NUMBER_PROBLEMS` or '' (blank or fine).

    The fast path is one ``pd.to_numeric`` over the column; only the rows it cannot read (or reads
    as infinite) are looked at again, with vectorised regular expressions.
    """
    import pandas as pd

    codes, uniques = pd.factorize(text.astype(str))
    if len(uniques) < len(text):  # a column that repeats its values is read once per distinct value
        num, problem = _parse_distinct(pd.Series(uniques, dtype=object))
        return (pd.Series(num.to_numpy()[codes], index=text.index),
                pd.Series(problem.to_numpy()[codes], index=text.index, dtype=object))
    return _parse_distinct(text)


def _parse_distinct(text):
    """:func:`parse_number_text` on the text itself."""
    import numpy as np
    import pandas as pd

    t = text.astype(str)
    blank = t.eq("")
    with np.errstate(over="ignore", invalid="ignore"):
        num = pd.to_numeric(t.where(~blank, None), errors="coerce").astype(float)
    problem = pd.Series("", index=text.index, dtype=object)
    odd = (num.isna() & ~blank) | np.isinf(num)
    if odd.any():
        sub = t[odd]
        grouped = sub.str.fullmatch(_GROUPED)
        regrouped = pd.to_numeric(sub[grouped].str.replace(",", "", regex=False), errors="coerce")
        num.loc[regrouped.index] = regrouped.astype(float)
        comma = ~grouped & sub.str.fullmatch(r"[+-]?[\d.,]+") & sub.str.contains(",", regex=False)
        infinite = (np.isinf(num[odd]) | sub.str.fullmatch(_NON_FINITE_WORDS, case=False)
                    | (sub.str.fullmatch(_PLAIN) & num[odd].isna()))  # 1e400: beyond a float
        problem[odd] = np.select([grouped & ~infinite, infinite, comma], ["", "not_finite", "decimal_comma"],
                                 default="not_number")
        num[odd] = num[odd].where(grouped & ~infinite)
    return num, problem


def sql_number(expr: str) -> str:
    """SQL: the number in text ``expr`` (NULL where blank, bad or not finite)."""
    x = _sql_cast(expr)
    return f"(CASE WHEN isfinite({x}) THEN {x} END)"


def _sql_cast(expr: str) -> str:
    # fast path: a plain cast (no per-row regular expression) unless the text has a comma or underscore
    return (f"(CASE WHEN NOT contains({expr}, ',') AND NOT contains({expr}, '_') THEN TRY_CAST({expr} AS DOUBLE) "
            f"WHEN regexp_full_match({expr}, '{_GROUPED}') THEN TRY_CAST(replace({expr}, ',', '') AS DOUBLE) END)")


def sql_number_problem(expr: str) -> str:
    """SQL: a key of :data:`NUMBER_PROBLEMS` for text ``expr``, or '' when blank or a finite number."""
    x = _sql_cast(expr)
    return (f"(CASE WHEN {expr} = '' THEN '' WHEN isfinite({x}) THEN '' "
            f"WHEN {x} IS NULL AND contains({expr}, ',') AND regexp_full_match({expr}, '[+-]?[0-9.,]+') "
            f"THEN 'decimal_comma' WHEN {x} IS NULL AND NOT regexp_full_match({expr}, '{_PLAIN}') THEN 'not_number' "
            "ELSE 'not_finite' END)")
