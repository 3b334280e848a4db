"""Turning Excel cell values into model inputs and model outputs back into cells.

xlwings hands a worksheet function either one value (a single cell) or a list of rows
(a range, read with ``ndim=2``). These helpers accept both, plus NumPy arrays and pandas
objects for direct Python calls, and:

- read numbers (text that is a number such as ``"1,200"`` is accepted; other text is an
  error naming the argument and the cell),
- treat blank cells (``None``, ``""``) as missing: an error for required arguments, the
  default for optional ones,
- line arguments up row by row (one cell broadcasts against a column),
- ignore blank rows at the end of the ranges (a range selected longer than the data gives
  empty cells there instead of an error),
- return one number for single-cell calls and a list of rows (spilled) for ranges.

No domain logic: defaults, ranges and formulas come from :mod:`sewerplan.model`.
"""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass

import numpy as np

from . import messages

__all__ = ["Cells", "read_numbers", "read_years", "read_texts", "line_up", "to_excel"]

BLANK = ""  # what an ignored trailing row shows in the spilled result
#: largest magnitude a number argument may have [any unit]: 1e12 m2, m3/d, persons or households
#: is beyond any town; money arguments [KRW] pass their own limit. Larger values are typing
#: errors and would overflow to inf in the formulas.
MAX_MAGNITUDE = 1e12


@dataclass
class Cells:
    """One argument after reading: a 2-D array, NaN / None where the cell was blank."""

    name: str
    values: np.ndarray  # 2-D, float for numbers, object for text
    scalar: bool  # the user passed one value (not a range)

    @property
    def shape(self):
        return self.values.shape

    @property
    def blank(self) -> np.ndarray:
        if self.values.dtype == object:
            return np.vectorize(lambda v: v is None, otypes=[bool])(self.values) if self.values.size else np.zeros(self.shape, bool)
        return np.isnan(self.values)


def _grid(value) -> tuple[np.ndarray, bool]:
    """Any cell value(s) -> (2-D object array, was_scalar)."""
    try:  # pandas objects without importing pandas here
        value = value.to_numpy()
    except AttributeError:
        pass
    if isinstance(value, np.ndarray):
        arr = value
        scalar = arr.ndim == 0
    elif isinstance(value, (list, tuple)):
        if len(value) == 0:
            return np.empty((0, 1), dtype=object), False
        try:  # all-number rectangular ranges become a float array in C (fast for 100,000 rows)
            arr = np.array(value)
        except ValueError:  # ragged rows
            arr = np.empty(0)
        if arr.dtype.kind not in "fiu" or arr.ndim > 2:  # text, blanks, mixed or ragged: keep values as they came
            if isinstance(value[0], (list, tuple, np.ndarray)):
                width = len(value[0])
                if any(len(row) != width for row in value):  # ragged: pad rows with blanks
                    width = max(len(row) for row in value)
                    value = [list(row) + [None] * (width - len(row)) for row in value]
            arr = np.array(value, dtype=object)
        scalar = False
    else:
        return np.array([[value]], dtype=object), True
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(-1, 1)  # a list of values is a column
    elif arr.ndim > 2:
        arr = arr.reshape(arr.shape[0], -1)
    return arr, scalar


def _is_blank(v) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    if isinstance(v, float):
        return np.isnan(v)
    return False


def _to_float(v) -> float:
    """One cell -> float; NaN for blank; ValueError for text that is not a number."""
    if _is_blank(v):
        return np.nan
    if isinstance(v, (bool, np.bool_)):
        raise ValueError("boolean")
    out = float(v.strip().replace(",", "")) if isinstance(v, str) else float(v)
    if not np.isfinite(out):
        raise ValueError("not finite")
    return out


def read_numbers(func: str, arg: str, value, hint: str, *, outside: str,
                 low: float | None = None, high: float | None = None, low_open: bool = False,
                 limit: float = MAX_MAGNITUDE) -> Cells:
    """Read a number argument; NaN marks blanks. Text, infinite, out-of-range or absurd
    (``abs(x) > limit``) numbers raise, naming the cell.

    ``hint`` (what to enter) and ``outside`` (the allowed range) are keys of
    :data:`messages.CATALOGUE`.
    """
    arr, scalar = _grid(value)
    out = _as_floats(func, arg, arr, hint)
    bad = np.zeros(out.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        if low is not None:
            bad |= (out <= low) if low_open else (out < low)
        if high is not None:
            bad |= out > high
        absurd = np.abs(out) > limit
    if bad.any():
        pos = [(r, c, out.shape) for r, c in zip(*np.nonzero(bad))]
        raise messages.out_of_range(func, arg, pos, out[bad][0], outside)
    if absurd.any():  # finite but absurd (1e308 households): would overflow to inf downstream
        pos = [(r, c, out.shape) for r, c in zip(*np.nonzero(absurd))]
        raise messages.out_of_range(func, arg, pos, out[absurd][0], "range.absurd", limit=limit)
    return Cells(arg, out, scalar)


def read_years(func: str, arg: str, value, hint: str, *, outside: str, low: float, high: float) -> Cells:
    """Read a year argument: a number, a date cell (classic xlwings gives ``datetime``) or an
    Excel date serial (Excel on the web sends dates as numbers, e.g. 47118 = 2028-12-31)."""
    import datetime as dt

    from sewerplan.model.units import EXCEL_SERIAL_RANGE, excel_serial_to_year

    arr, scalar = _grid(value)
    if arr.dtype == object:
        arr = np.array([[v.year if isinstance(v, (dt.date, dt.datetime)) else v for v in row] for row in arr],
                       dtype=object).reshape(arr.shape)
    years = _as_floats(func, arg, arr, hint)
    with np.errstate(invalid="ignore"):
        serial = (years >= EXCEL_SERIAL_RANGE[0]) & (years <= EXCEL_SERIAL_RANGE[1])
    if serial.any():
        years = np.where(serial, excel_serial_to_year(years), years)
    checked = read_numbers(func, arg, years, hint, outside=outside, low=low, high=high)
    return Cells(arg, checked.values, scalar)


def _as_floats(func: str, arg: str, arr: np.ndarray, hint: str) -> np.ndarray:
    """Cells -> float array (NaN for blanks); the first cell that is not a number raises."""
    if arr.dtype != object and arr.dtype.kind in "fiu":
        out = arr.astype(float)
        if not np.isinf(out).any():
            return out
    try:  # fast path: numbers and None only
        if any(isinstance(v, (str, bool, np.bool_)) for v in arr.flat):
            raise TypeError
        out = arr.astype(float)
        if np.isinf(out).any():
            raise TypeError
        return out
    except (TypeError, ValueError):
        pass
    out = np.empty(arr.shape, dtype=float)
    for (r, c), v in np.ndenumerate(arr):
        try:
            out[r, c] = _to_float(v)
        except (TypeError, ValueError):
            raise messages.not_a_number(func, arg, (r, c, arr.shape), v, hint) from None
    return out


def read_texts(func: str, arg: str, value) -> Cells:
    """Read a text argument (use names, codes, method names); None marks blanks."""
    arr, scalar = _grid(value)
    out = np.empty(arr.shape, dtype=object)
    for (r, c), v in np.ndenumerate(arr):
        if _is_blank(v):
            out[r, c] = None
        elif isinstance(v, float) and v.is_integer():
            out[r, c] = str(int(v))
        else:
            out[r, c] = str(v).strip()
    return Cells(arg, out, scalar)


@dataclass
class LinedUp:
    arrays: dict  # name -> broadcast 2-D array
    shape: tuple
    keep: np.ndarray  # bool 2-D: False for ignored trailing blank rows
    scalar: bool


def line_up(func: str, required: list[Cells], optional: list[Cells] = (),
            hints: dict | None = None) -> LinedUp:
    """Broadcast the arguments, find trailing blank rows, check required blanks.

    ``hints`` maps an argument name to the catalogue key of what to enter when it is blank
    (default ``enter.value``).
    """
    hints = hints or {}
    every = list(required) + list(optional)
    try:
        shape = np.broadcast_shapes(*(c.shape for c in every))
    except ValueError:
        raise messages.shape_mismatch(func, {c.name: c.shape for c in every}) from None
    arrays = {c.name: np.broadcast_to(c.values, shape) for c in every}
    blanks = {c.name: np.broadcast_to(c.blank, shape) for c in every}
    # Trailing rows (or columns, for a row range) where every required range is blank
    # are padding from a range selected longer than the data.
    ranged = [c for c in required if c.values.size > 1]
    keep = np.ones(shape, dtype=bool)
    if ranged:
        all_blank = np.logical_and.reduce([blanks[c.name] for c in ranged])
        if shape[1] == 1 or shape[0] > 1:
            rows_blank = all_blank.all(axis=1)
            last = len(rows_blank) - np.argmax(~rows_blank[::-1]) if (~rows_blank).any() else 0
            keep[last:, :] = False
        else:  # a single row: trailing columns
            cols_blank = all_blank.all(axis=0)
            last = len(cols_blank) - np.argmax(~cols_blank[::-1]) if (~cols_blank).any() else 0
            keep[:, last:] = False
    for c in required:
        missing = blanks[c.name] & keep
        if missing.any():
            pos = [(r, col, shape) for r, col in zip(*np.nonzero(missing))]
            raise messages.blank(func, c.name, pos, hints.get(c.name, "enter.value"))
    if not keep.any():
        c = required[0]
        raise messages.blank(func, c.name, [(0, 0, shape)], hints.get(c.name, "enter.value"))
    scalar = all(c.scalar for c in every)
    return LinedUp(arrays, shape, keep, scalar)


def fill_blank(values: np.ndarray, default: float) -> np.ndarray:
    """Blank optional cells (NaN) take the default."""
    return np.where(np.isnan(values), default, values)


def to_excel(result, lined: LinedUp, func: str = ""):
    """Model output -> one number (single-cell call) or a list of rows (spilled range).

    A result that is not finite (an overflow from extreme inputs) raises, naming the cell:
    Excel would show it as an error value, and JSON (Office.js) cannot carry it.
    """
    out = np.asarray(result, dtype=float)
    out = np.broadcast_to(out, lined.shape)
    bad = ~np.isfinite(out) & lined.keep
    if bad.any():
        pos = [(r, c, out.shape) for r, c in zip(*np.nonzero(bad))]
        raise messages.user_error(func or "sewerplan", "result_not_finite", where=messages.where(pos))
    if lined.scalar or lined.shape == (1, 1):  # one cell in, one number out
        return float(out[0, 0])
    with _gc_paused():
        if lined.keep.all():
            if out.shape[1] == 1:  # one column: much faster than tolist() of a 2-D view
                return [[v] for v in out[:, 0].tolist()]
            return np.ascontiguousarray(out).tolist()
        obj = out.astype(object)
        obj[~lined.keep] = BLANK
        return obj.tolist()


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while building a large result.

    A spilled column of 100,000 rows is 100,000 new lists; with the caller's input (another
    100,000 lists) alive, the collector's repeated full passes made this 5-10x slower
    (measured: 100 ms vs 17 ms for SEWER_CONVENTIONAL). Lists of numbers and text cannot form
    reference cycles, so nothing is left for the collector to find.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
