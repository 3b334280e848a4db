"""The report's words: one message catalogue per language (``ko.yaml``, ``en.yaml``).

Each catalogue is a YAML mapping, nested for readability; a sentence's key is its path
joined with dots (``council.summary.saving``). Sentences name their values in braces
(``{town}``, ``{saving}``); a value is always passed already formatted (number with
separators, money with its unit), so a placeholder is a bare name, never ``{x:.1f}``.
Both catalogues hold the same keys with the same placeholders (``tests/test_report_catalog.py``).

``text(lang, key, **values)`` fills one sentence. The code that builds a briefing chooses
*which* key to use from computed results; the catalogue holds *how* it is said.

Korean particles after a value are written as a pair right after its placeholder
(``"{capacity}을/를"``, ``"{amount}이/가"``, ``"{plant}으로/로"``); :func:`text` keeps the form that
fits how the filled value is read (``"15,760 m³/일을"``, ``"288억원이"``, ``"78%로"``;
:mod:`sewerplan.reporting.particles`).
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources

import yaml

from sewerplan.model.errors import SewerplanError

__all__ = ["CATALOG_LANGS", "CatalogError", "keys", "placeholders", "text"]

CATALOG_LANGS = ("ko", "en")


class CatalogError(SewerplanError, LookupError):
    """A report sentence that is missing, malformed or not given all its values."""


def _file(lang: str) -> str:
    if lang not in CATALOG_LANGS:
        raise CatalogError(f"no report text catalogue for language {lang!r} (have {', '.join(CATALOG_LANGS)}) "
                           "/ 보고서 문구 언어 오류")
    return f"{lang}.yaml"


def _flatten(node: dict, prefix: str, fname: str, out: dict) -> dict:
    """Nested mapping -> {dotted key: sentence}; every leaf must be a string."""
    for name, value in node.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            _flatten(value, key + ".", fname, out)
        elif isinstance(value, str):
            out[key] = value
        else:
            raise CatalogError(f"{fname}: key '{key}' holds {type(value).__name__} {value!r}, "
                               "expected a sentence (text) / 문구가 문자열이 아닙니다")
    return out


def _fields(sentence: str, fname: str, key: str) -> frozenset[str]:
    """The placeholder names of one sentence; only bare names like ``{flow}`` are allowed."""
    try:
        parts = list(string.Formatter().parse(sentence))
    except ValueError as exc:
        raise CatalogError(f"{fname}: key '{key}': malformed braces in {sentence!r} ({exc}) / 중괄호 오류") from exc
    names = set()
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise CatalogError(f"{fname}: key '{key}': placeholder {{{field}{'!' + conversion if conversion else ''}"
                               f"{':' + spec if spec else ''}}} must be a bare name like {{flow}} / 자리표시자 오류")
        names.add(field)
    return frozenset(names)


@lru_cache(maxsize=None)
def _catalog(lang: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Load one catalogue once: {key: (sentence, placeholder names)}."""
    fname = _file(lang)
    raw = yaml.safe_load(resources.files(__name__).joinpath(fname).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise CatalogError(f"{fname}: expected a mapping of keys to sentences / 문구 파일 형식 오류")
    return {k: (s, _fields(s, fname, k)) for k, s in _flatten(raw, "", fname, {}).items()}


def _entry(lang: str, key: str) -> tuple[str, frozenset[str]]:
    cat = _catalog(lang)
    if key not in cat:
        raise CatalogError(f"{_file(lang)}: no sentence with key '{key}' / 보고서 문구 '{key}'가 없습니다")
    return cat[key]


def keys(lang: str) -> list[str]:
    """Every key of a language's catalogue, in file order."""
    return list(_catalog(lang))


def placeholders(lang: str, key: str) -> frozenset[str]:
    """Placeholder names of one sentence."""
    return _entry(lang, key)[1]


def text(lang: str, key: str, **values) -> str:
    """The sentence ``key`` in ``lang`` with its placeholders filled from ``values``.

    Values the sentence does not use are ignored (another language, or the sentence chosen
    instead of this one, may use them); a placeholder without a value is an error.

    Raises
    ------
    CatalogError
        Unknown language or key, or a placeholder with no value.
    """
    sentence, names = _entry(lang, key)
    missing = sorted(names - values.keys())
    if missing:
        raise CatalogError(f"{_file(lang)}: key '{key}' needs value(s) {', '.join(missing)} / "
                           f"보고서 문구 '{key}'에 필요한 값이 없습니다: {', '.join(missing)}")
    return _fill(sentence, values)


def _fill(sentence: str, values: dict) -> str:
    """``sentence.format(**values)``, with a particle pair after a placeholder resolved by the value's reading."""
    from ..particles import resolve

    out, previous = [], None
    for literal, field, _spec, _conversion in string.Formatter().parse(sentence):
        out.append(resolve(previous, literal) if previous is not None else literal)
        previous = None
        if field is not None:
            previous = str(values[field])
            out.append(previous)
    return "".join(out)
