"""Unit conversions at the edges.

Inside sewerplan every quantity is held in one system:

- flows in m3/d (cubic metres per day),
- areas in m2,
- people in persons, households in households,
- money in KRW.

Importers, the Excel add-in and the reports convert to and from other units with the
functions below and nowhere else. Each function is vectorised: it accepts a scalar,
a NumPy array or a pandas Series and returns the same kind.
"""

from __future__ import annotations

LITRES_PER_M3 = 1000.0
M2_PER_FT2 = 0.09290304  # exact, international foot
M3_PER_KGAL = 3.785411784  # US kilogallon (exact by definition of the US gallon)
M3_PER_US_GALLON = 0.003785411784
M2_PER_PYEONG = 400.0 / 121.0  # 1 pyeong = 400/121 m2 (about 3.3058 m2)
DAYS_PER_YEAR = 365.0
DAYS_PER_MONTH = 365.0 / 12.0  # average month, used to turn monthly bills into m3/d
HOURS_PER_DAY = 24.0
KRW_PER_100M = 1.0e8  # 억원
KRW_PER_MILLION = 1.0e6  # 백만원

__all__ = [
    "LITRES_PER_M3",
    "M2_PER_FT2",
    "M3_PER_KGAL",
    "M2_PER_PYEONG",
    "DAYS_PER_YEAR",
    "DAYS_PER_MONTH",
    "KRW_PER_100M",
    "KRW_PER_MILLION",
    "EXCEL_SERIAL_RANGE",
    "excel_serial_to_year",
    "litres_per_day_to_m3_per_day",
    "m3_per_day_to_litres_per_day",
    "m3_per_day_to_tonnes_per_day",
    "m3_per_day_to_litres_per_second",
    "ft2_to_m2",
    "pyeong_to_m2",
    "kgal_per_year_to_m3_per_day",
    "m3_per_month_to_m3_per_day",
    "m3_per_day_to_m3_per_month",
    "krw_to_100m_krw",
    "hundred_million_krw_to_krw",
]


def litres_per_day_to_m3_per_day(litres_per_day):
    """[L/d] -> [m3/d]."""
    return litres_per_day / LITRES_PER_M3


def m3_per_day_to_litres_per_day(m3_per_day):
    """[m3/d] -> [L/d]."""
    return m3_per_day * LITRES_PER_M3


def m3_per_day_to_tonnes_per_day(m3_per_day):
    """[m3/d] -> [t/d], the unit Korean reports use for sewage (1 m3 of sewage ~ 1 t)."""
    return m3_per_day * 1.0


def m3_per_day_to_litres_per_second(m3_per_day):
    """[m3/d] -> [L/s], the unit pipe hydraulics use."""
    return m3_per_day * LITRES_PER_M3 / (HOURS_PER_DAY * 3600.0)


def ft2_to_m2(ft2):
    """[ft2] -> [m2]."""
    return ft2 * M2_PER_FT2


def pyeong_to_m2(pyeong):
    """[pyeong] -> [m2] (1 pyeong = 400/121 m2)."""
    return pyeong * M2_PER_PYEONG


def kgal_per_year_to_m3_per_day(kgal_per_year):
    """[1000 US gal/yr] -> [m3/d] over a 365-day year."""
    return kgal_per_year * M3_PER_KGAL / DAYS_PER_YEAR


def m3_per_month_to_m3_per_day(m3_per_month):
    """[m3/month] -> [m3/d] with the average month of 365/12 days."""
    return m3_per_month / DAYS_PER_MONTH


def m3_per_day_to_m3_per_month(m3_per_day):
    """[m3/d] -> [m3/month] with the average month of 365/12 days."""
    return m3_per_day * DAYS_PER_MONTH


def krw_to_100m_krw(krw):
    """[KRW] -> [100M KRW] (억원), the unit council budgets are read in."""
    return krw / KRW_PER_100M


def hundred_million_krw_to_krw(hundred_million_krw):
    """[100M KRW] (억원) -> [KRW]."""
    return hundred_million_krw * KRW_PER_100M


# Excel date serials (the 1900 date system, as Excel on Windows and Excel on the web send dates):
# day 1 = 1900-01-01, day 60 is Excel's fictitious 1900-02-29, so days from 61 on count from
# 1899-12-30. A year or a date read at an edge may arrive as a serial: five-digit numbers are
# taken as serials (4-digit numbers are years, 8-digit ones yyyymmdd).
EXCEL_SERIAL_RANGE = (10000, 109573)  # serials taken as dates: 1927-05-18 .. 2199-12-31


def excel_serial_to_year(serial):
    """Year [year] of an Excel date serial [days since 1899-12-30]; NaN outside :data:`EXCEL_SERIAL_RANGE`.

    ``excel_serial_to_year(47118)`` -> 2028.0 (2028-12-31). Vectorised like the other converters.
    """
    import numpy as np

    arr = np.asarray(serial, dtype=float)
    ok = (arr >= EXCEL_SERIAL_RANGE[0]) & (arr <= EXCEL_SERIAL_RANGE[1])
    days = np.where(ok, np.floor(arr), 0).astype("int64")
    dates = np.datetime64("1899-12-30") + days.astype("timedelta64[D]")
    years = dates.astype("datetime64[Y]").astype("int64") + 1970
    out = np.where(ok, years.astype(float), np.nan)
    return float(out) if np.ndim(serial) == 0 else out

