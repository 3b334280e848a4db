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

__all__ = ["Fmt", "svg_uri", "town_names", "in_lang", "method_labels", "prob", "korean_text", "english_text", "level_words",
           "param_unit", "param_value", "has_hangul", "has_latin", "plant_origin"]

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

    def tons(self, x):
        """[m3] as residents say it: '15,760톤' / '15,760 t' (1 m³ of sewage = 1 tonne)."""
        return f"{thousands(x)}{'' if self.lang == 'ko' else ' '}{text(self.lang, 'unit.tons')}"

    def signed_tons(self, x):
        """[m3/d] signed, the pilot report's form: '+7,864톤' / '+7,864 t/d'."""
        return f"{x:+,.0f}톤" if self.lang == "ko" else f"{x:+,.0f} t/d"

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


def has_hangul(s: str) -> bool:
    return any("가" <= ch <= "힣" for ch in s)


def has_latin(s: str) -> bool:
    return any("a" <= ch.lower() <= "z" for ch in s)


def english_text(s: str) -> str:
    """The English part of a bilingual 'EN / KO' input text (the English briefing prints only that); else as is."""
    parts = [p.strip() for p in s.split(" / ")]
    english = [p for p in parts if not has_hangul(p)]
    return " / ".join(english) if english and len(english) < len(parts) else s


def korean_text(s: str) -> str:
    """The Korean part of a bilingual input text: 'KO / EN' -> 'KO'; '새빛지구 기본안 (base plan)' -> '새빛지구 기본안'.

    Texts from older results bundles and input files carry both languages; the Korean briefings
    print only the Korean half. A text without Hangul is returned as it is.
    """
    if not has_hangul(s):
        return s
    parts = [p.strip() for p in s.split(" / ")]
    ko = next((p for p in parts if has_hangul(p)), s)
    while True:  # drop trailing brackets that hold no Hangul: '(base plan)', '(synthetic)'
        head, sep, tail = ko.rstrip().rpartition(" (")
        if not sep or not tail.endswith(")") or has_hangul(tail) or not head:
            return ko.strip()
        ko = head


def plant_origin(capacity, lang: str) -> str:
    """Where the compared plant's capacity comes from, in the reader's language ('' when not known)."""
    if lang != "ko":
        return capacity.plant_origin
    if capacity.plant_origin_ko:
        return capacity.plant_origin_ko
    return korean_text(capacity.plant_origin) if has_hangul(capacity.plant_origin) else ""


def level_words(lang: str, level: float) -> str:
    """A probability level in plain words: 0.9 -> '10번 중 9번(90%)', 0.78 -> '10번 중 약 8번(78%)'."""
    count = round(level * 10)
    key = "common.level.exact" if abs(level * 10 - count) < 0.05 else "common.level.about"
    words = text(lang, key, count=count)
    return f"{words}({pct(level)})" if lang == "ko" else f"{words} ({pct(level)})"


#: parameter units as the Korean briefings print them; '-' shares and rates are printed in percent
_UNIT_KO = {
    "persons/household": "인/세대", "households": "세대", "persons": "명", "L/(person d)": "L/인·일", "L/(m2 d)": "L/m²·일", "-": "–", "KRW": "원",
    "KRW/(m3/d)": "원/(m³/일)", "KRW/m3": "원/m³", "m3/yr": "m³/년", "m3/d": "m³/일", "m3/month": "m³/월",
    "yr": "년", "year": "년", "-/yr": "%/년", "- (share of construction)": "% (공사비 대비)",
    "- (share of construction + design)": "% (공사비·설계비 대비)", "- (share of the public part)": "% (공공 부담 중)",
    "- (share of capacity)": "% (용량 대비)",
}
_UNIT_EN = {"m3/d": "m³/d", "m3/yr": "m³/yr", "KRW/m3": "KRW/m³", "KRW/(m3/d)": "KRW/(m³/d)", "m3/month": "m³/month",
            "L/(m2 d)": "L/(m² d)"}


def _percent_unit(unit: str) -> bool:
    return unit == "-/yr" or unit.startswith("- (")


def param_unit(lang: str, unit: str) -> str:
    """A parameter's unit as printed: 'persons/household' -> '인/세대', '-/yr' -> '%/년' (ko)."""
    return _UNIT_KO.get(unit, unit) if lang == "ko" else _UNIT_EN.get(unit, unit)


def param_value(lang: str, value, unit: str) -> str:
    """A parameter's value as printed; in Korean a share or rate [-] in percent (0.025 '-/yr' -> '2.5')."""
    if isinstance(value, str):
        return value
    if lang == "ko" and _percent_unit(unit):
        return f"{round(value * 100, 3):g}"
    return thousands(value) if abs(value) >= 100 else f"{value:g}"
