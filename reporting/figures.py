"""Every amount and probability a briefing's sentences print, generated from a named result field.

A sentence never receives a number typed into it: the section builders ask :class:`Figures`
for the phrase of a named field (``figs.money("budget.project.total_krw", p.total_krw)``), and
the registry remembers what was printed under which name. The consistency check
(:mod:`.consistency`) then finds every amount (억원, 원) and probability (%) in the briefing's
prose and refuses one that no named field printed, and checks the sentences' claims against
the fields (the avoided amount is the difference against the recommended plant, "위험은 작습니다"
only below the stated threshold, ...).

Names are dotted paths of the money figures (``reporting.money.money_figures``): ``budget.*`` (the
recommended plant), ``lead.*`` (the city's plan against the need), ``compare.*`` (the recommended
plant against the city's plan), ``pilot.*``, ``timeline.*``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .filters import pct, thousands
from .formatting import Fmt

__all__ = ["Figure", "Figures", "prob_words"]


def prob_words(lang: str, p) -> str:
    """A probability [-] in prose: '99% 이상' / '1% 미만' in Korean ('over 99%' / 'under 1%'), else '38%'."""
    if p is None:
        return "–"
    if 0 < p < 0.005:
        return "1% 미만" if lang == "ko" else "under 1%"
    if 0.995 < p < 1:
        return "99% 이상" if lang == "ko" else "over 99%"
    return pct(p)


@dataclass(frozen=True)
class Figure:
    """One printed figure: the field it came from, its raw value, its kind and the text printed."""

    name: str
    value: float
    kind: str  # money (억원 / KRW bn), won (원), prob, share (%), flow, tons, year, number
    text: str
    payer: str = ""  # whose money: developer, city, national, provincial, public, mixed ("" when not money)


class Figures:
    """The registry of a briefing's printed figures (one per context)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.fmt = Fmt(lang)
        self.items: dict[str, Figure] = {}

    def _add(self, name: str, value, kind: str, text: str, payer: str = "") -> str:
        self.items[name] = Figure(name, float(value) if value is not None else float("nan"), kind, text, payer)
        return text

    def money(self, name: str, value: float, digits: int = 0, payer: str = "") -> str:
        """[KRW] -> '49억원' / 'KRW 4.9 bn', recorded under ``name``."""
        return self._add(name, value, "money", self.fmt.money(value, digits), payer)

    def money_range(self, name: str, low: float, high: float, digits: int = 0) -> str:
        self._add(name + ".low", low, "money", self.fmt.money(low, digits))
        self._add(name + ".high", high, "money", self.fmt.money(high, digits))
        return self._add(name, high, "money_range", self.fmt.money_range(low, high, digits))

    def won(self, name: str, value: float, payer: str = "") -> str:
        """[KRW] -> '2,377원' / 'KRW 2,377'."""
        return self._add(name, value, "won", self.fmt.won(value), payer)

    def won_range(self, name: str, low: float, high: float) -> str:
        return self._add(name, high, "won_range", self.fmt.won_range(low, high))

    def prob(self, name: str, value: float) -> str:
        """A probability [-] in prose words ('38%', '99% 이상')."""
        return self._add(name, value, "prob", prob_words(self.lang, value))

    def share(self, name: str, value: float, digits: int = 0) -> str:
        """A share or rate [-] in percent ('50%', '2.5%' with ``digits`` = None for the rate form)."""
        return self._add(name, value, "share", self.fmt.rate(value) if digits is None else pct(value, digits))

    def level(self, name: str, value: float) -> str:
        """A probability level in plain words ('10번 중 약 8번(78%)')."""
        from .formatting import level_words

        return self._add(name, value, "share", level_words(self.lang, value))

    def flow(self, name: str, value: float) -> str:
        return self._add(name, value, "flow", self.fmt.flow(value))

    def tons(self, name: str, value: float) -> str:
        return self._add(name, value, "tons", self.fmt.tons(value))

    def number(self, name: str, value: float, digits: int = 0) -> str:
        return self._add(name, value, "number", thousands(value, digits))

    def quote(self, name: str, words: str) -> str:
        """A source's own words holding figures (a reference project's caveat), printed as the data table has them."""
        return self._add(name, None, "quote", words)

    def year(self, name: str, value: int) -> str:
        return self._add(name, value, "year", str(int(value)))

    def texts(self, kinds: tuple[str, ...] | None = None) -> set[str]:
        """Every text printed (of ``kinds``)."""
        return {f.text for f in self.items.values() if kinds is None or f.kind in kinds}

    def get(self, name: str) -> Figure | None:
        return self.items.get(name)

    def named(self, prefix: str) -> list[Figure]:
        """The figures whose name starts with ``prefix``."""
        return [f for n, f in self.items.items() if n.startswith(prefix)]
