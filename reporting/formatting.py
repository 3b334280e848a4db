"""Language-dependent number formats and small helpers shared by the briefing sections.

Sentences and labels live in the message catalogues (``reporting/catalog``); this module
only writes numbers the way each audience reads them (억원 vs KRW bn, dates).
"""

from __future__ import annotations

import base64
import datetime as _dt

from sewerplan.model.outputs.results import ResultsBundle

from .catalog import text
from .filters import eok, eok_range, krw, pct, thousands

__all__ = ["Fmt", "svg_uri", "town_names", "in_lang", "method_labels", "prob"]

METHOD_KEYS = ("pilot_formula", "master_plan", "unit_load", "ml", "observed", "ml_p50", "recommended")


def prob(p) -> str:
    """A probability [-] as printed: '<1%' / '>99%' rather than a misleading 0% / 100%."""
    if p is None:
        return "–"
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 < p < 1:
        return ">99%"
    return pct(p)


class Fmt:
    """Language-dependent number formatting (units written the way each audience reads them)."""

    def __init__(self, lang: str):
        self.lang = lang

    def money(self, x, digits=0):
        """[KRW] -> '49억원' / 'KRW 4.9 bn'."""
        if self.lang == "ko":
            return eok(x, digits)
        return f"KRW {thousands(x / 1e9, max(digits, 1))} bn"

    def money_range(self, lo, hi, digits=0):
        """[KRW] -> '49–86억원' / 'KRW 4.9–8.6 bn' (``digits`` decimals of 억원)."""
        if self.lang == "ko":
            return eok_range(lo, hi, digits)
        return f"KRW {thousands(lo / 1e9, max(digits, 1))}–{thousands(hi / 1e9, max(digits, 1))} bn"

    def won(self, x):
        """[KRW] -> '2,377원' / 'KRW 2,377'."""
        return krw(x) if self.lang == "ko" else f"KRW {thousands(x)}"

    def won_range(self, lo, hi):
        """[KRW] -> '2,069–3,808원' / 'KRW 2,069–3,808'."""
        text_ = f"{thousands(lo)}–{thousands(hi)}"
        return f"{text_}원" if self.lang == "ko" else f"KRW {text_}"

    def rate(self, x):
        """[-] -> '2.5%' (as many decimals as the rate has, up to 2)."""
        return f"{round(x * 100, 2):g}%"

    def flow(self, x):
        """[m3/d] -> '10,540 m³/일' / '10,540 m³/d'."""
        return f"{thousands(x)} {text(self.lang, 'unit.flow')}"

    def num(self, x, digits=0):
        return thousands(x, digits)

    def pct(self, x, digits=0):
        return pct(x, digits)

    def date(self, iso):
        """ISO date -> '2025년 1월 15일' / '15 January 2025'."""
        d = _dt.date.fromisoformat(iso)
        return f"{d.year}년 {d.month}월 {d.day}일" if self.lang == "ko" else d.strftime("%d %B %Y")


def svg_uri(svg: str) -> str:
    """SVG source -> a data: URI (the only kind of image the strict renderer loads)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def in_lang(lang: str, default, ko):
    """A value from the model or the results bundle in the reader's language: its Korean form if given, else
    the default (English) one."""
    return ko if lang == "ko" and ko else default


def town_names(bundle: ResultsBundle, lang: str) -> tuple[str, str, str]:
    """(planned town, existing town, municipality) as the reader's language names them."""
    m = bundle.metadata
    if lang == "en":
        return (m.town_name_en or m.town_name), (m.existing_town_name_en or m.existing_town_name), m.municipality
    return m.town_name, m.existing_town_name, m.municipality


def method_labels(lang: str) -> dict[str, str]:
    """Display names of the sizing methods, by method key."""
    return {k: text(lang, f"common.methods.{k}") for k in METHOD_KEYS}
