"""Typed construction of the results bundle from plain JSON, with the field path in every error.

Everything read from a file is checked here (docs/architecture.md, "Untrusted input"): types,
finite numbers, no negative value outside the signed fields, no number beyond what is
plausible, and a dataclass that checks its own values (MoneyInputs) reports the field path.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing

from ..errors import ParameterError, ResultsBundleError

__all__ = ["build", "refuse_constant", "SIGNED_FIELDS", "MAX_NUMBER", "MAX_FLOW_M3_PER_DAY", "MAX_WHOLE_NUMBER"]

# fields that carry a sign (everything else in the bundle is >= 0)
SIGNED_FIELDS = ("gap_m3_per_day",)
MAX_NUMBER = 1e15  # any number in a bundle; KRW amounts stay below it (Korea's budget ~ 6.6e14 KRW)
MAX_FLOW_M3_PER_DAY = 1e9  # [m3/d] every flow field (all of Korea's sewage ~ 2e7 m3/d)
MAX_WHOLE_NUMBER = 10**9  # years, counts, simulations

_MISSING = object()


def refuse_constant(name: str):
    """``NaN``, ``Infinity`` and ``-Infinity`` are not JSON; a bundle holding them is refused."""
    raise ValueError(f"{name} is not a number JSON allows")


def build(tp, value, path: str, source: str):
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ResultsBundleError(f"expected an object, got {type(value).__name__}", source, path or "<top>")
        hints = typing.get_type_hints(tp)
        kwargs = {}
        known = set()
        for f in dataclasses.fields(tp):
            if f.name in ("base_dir", "source_path"):
                continue
            known.add(f.name)
            sub = f"{path}.{f.name}" if path else f.name
            raw = value.get(f.name, _MISSING)
            if raw is _MISSING:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise ResultsBundleError("missing required field / 필수 필드 누락", source, sub)
                continue
            kwargs[f.name] = build(hints[f.name], raw, sub, source)
        unknown = set(value) - known
        if unknown:
            raise ResultsBundleError(
                f"unknown field(s) {sorted(unknown)}; valid: {sorted(known)}", source, path or "<top>"
            )
        try:
            return tp(**kwargs)
        except ParameterError as exc:  # a dataclass that checks its own values (MoneyInputs)
            raise ResultsBundleError(exc.allowed and f"{exc.value!r} outside {exc.allowed}", source,
                                     f"{path}.{exc.name}" if path else str(exc.name)) from None
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise ResultsBundleError(f"expected a list, got {type(value).__name__}", source, path)
        return [build(item_tp, v, f"{path}[{i}]", source) for i, v in enumerate(value)]
    if origin is dict:
        _, val_tp = typing.get_args(tp)
        if not isinstance(value, dict):
            raise ResultsBundleError(f"expected an object, got {type(value).__name__}", source, path)
        return {_writable_text(str(k), path, source): build(val_tp, v, f"{path}.{k}", source) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            raise TypeError("only optional (X | None) unions are used in the bundle schema")
        return None if value is None else build(args[0], value, path, source)
    if tp is bool:
        if not isinstance(value, bool):
            raise ResultsBundleError(f"expected true/false, got {value!r}", source, path)
        return value
    if tp is int:
        return _whole_number(value, path, source)
    if tp is float:
        return _bounded_number(value, path, source)
    if tp is str:
        if not isinstance(value, str):
            raise ResultsBundleError(f"expected text, got {value!r}", source, path)
        return _writable_text(value, path, source)
    raise TypeError(f"unsupported type in schema: {tp!r}")


def _writable_text(value: str, path: str, source: str) -> str:
    """Text the reports can write: no control character (tab and line breaks allowed; issue 23 finding 6)."""
    from ..fileio import control_characters, shown

    bad = control_characters(value, layout=True)
    if bad:
        raise ResultsBundleError(f"'{shown(value)[:80]}' holds the control character {', '.join(bad)}; remove it / "
                                 "제어 문자가 들어 있습니다", source, path)
    return value


def _whole_number(value, path: str, source: str) -> int:
    ok = not isinstance(value, bool) and isinstance(value, (int, float))
    if not ok or isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ResultsBundleError(f"expected a whole number, got {_short(value)}", source, path)
    if abs(value) > MAX_WHOLE_NUMBER:
        raise ResultsBundleError(f"{_short(value)} is beyond {MAX_WHOLE_NUMBER:,}", source, path)
    return int(value)


def _bounded_number(value, path: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ResultsBundleError(f"expected a finite number, got {_short(value)}", source, path)
    try:
        x = float(value)
    except OverflowError:  # an integer with hundreds of digits
        x = math.inf
    if not math.isfinite(x):
        raise ResultsBundleError(f"expected a finite number, got {_short(value)}", source, path)
    signed = path.endswith(SIGNED_FIELDS) or path.endswith("metrics") or ".metrics." in path
    if x < 0 and not signed:
        raise ResultsBundleError(f"expected a number >= 0, got {_short(value)}", source, path)
    limit = MAX_FLOW_M3_PER_DAY if "m3_per_day" in path else MAX_NUMBER
    if abs(x) > limit:
        raise ResultsBundleError(f"{_short(value)} is beyond the plausible {limit:g}", source, path)
    return x


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."



_refuse_constant = refuse_constant  # release 0.2 names
_build = build
