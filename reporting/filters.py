"""Small pure formatting filters for the reports (numbers -> display strings).

All take plain numbers and return ``str``; no HTML. Registered as jinja filters by
``reporting.render`` and used by the context builders.
"""

from __future__ import annotations

import math

from sewerplan.model.units import KRW_PER_100M

__all__ = ["thousands", "eok", "eok_range", "krw", "m3d", "pct", "signed_thousands", "FILTERS"]

_DASH = "–"


def _bad(x) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def thousands(x, digits: int = 0) -> str:
    """1234567.8 -> '1,234,568' (``digits`` decimals); None/NaN -> '–'."""
    if _bad(x):
        return _DASH
    return f"{x:,.{digits}f}"


def signed_thousands(x, digits: int = 0) -> str:
    """Thousands with an explicit sign: +1,234 / −1,234 / 0."""
    if _bad(x):
        return _DASH
    s = thousands(abs(x), digits)
    if round(x, digits) == 0:
        return s
    return ("+" if x > 0 else "−") + s


def eok(krw_amount, digits: int = 0, unit: str = "억원") -> str:
    """KRW -> 100-million-KRW string: 4_927_806_729 -> '49억원' ('49.3억원' with digits=1)."""
    if _bad(krw_amount):
        return _DASH
    return f"{thousands(krw_amount / KRW_PER_100M, digits)}{unit}"


def eok_range(low, high, digits: int = 0, unit: str = "억원") -> str:
    """'49–86억원'."""
    return f"{thousands(low / KRW_PER_100M, digits)}{_DASH}{thousands(high / KRW_PER_100M, digits)}{unit}"


def krw(x, digits: int = 0, unit: str = "원") -> str:
    """2376.6 -> '2,377원'."""
    if _bad(x):
        return _DASH
    return f"{thousands(x, digits)}{unit}"


def m3d(x, digits: int = 0) -> str:
    """Flow with unit: 10540 -> '10,540 m³/일'."""
    if _bad(x):
        return _DASH
    return f"{thousands(x, digits)} m³/일"


def pct(x, digits: int = 0) -> str:
    """Share [-] -> percent: 0.184 -> '18%'."""
    if _bad(x):
        return _DASH
    return f"{x * 100:.{digits}f}%"


FILTERS = {
    "thousands": thousands,
    "signed_thousands": signed_thousands,
    "eok": eok,
    "eok_range": eok_range,
    "krw": krw,
    "m3d": m3d,
    "pct": pct,
}
