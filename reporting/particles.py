"""Korean particles (조사) chosen by how the word before them is read aloud.

A particle after a number depends on the *reading* of what ends the phrase, not on its letters:
"15,760 m³를" (세제곱미터를), "288억원을" (원을), "78%가" (퍼센트가), "2031년에", "하루 15,760톤을".
:func:`particle` picks one form of a pair (을/를, 이/가, 은/는, 와/과, 으로/로) by the final
syllable of that reading; :func:`resolve` does it for every pair written after a placeholder of
a catalogue sentence (``"{capacity}을/를 권고합니다"``), so a sentence is right whatever value fills it.

Rules (표준 문법): 을·이·은·과·으로 after a final consonant (받침), 를·가·는·와·로 after a vowel;
으로/로 takes 로 after a vowel *and* after ㄹ (서울로, 1일로).
"""

from __future__ import annotations

import re

__all__ = ["PAIRS", "UNIT_READINGS", "reading", "has_final_consonant", "particle", "attach", "resolve",
           "expected_particle"]

#: a pair as written in the catalogue -> (form after a final consonant, form after a vowel)
PAIRS = {"을/를": ("을", "를"), "이/가": ("이", "가"), "은/는": ("은", "는"), "와/과": ("과", "와"),
         "과/와": ("과", "와"), "으로/로": ("으로", "로")}

#: units as printed -> how they are read (the last syllable decides the particle); longest match first
UNIT_READINGS = {
    "m³/일": "세제곱미터 매일", "m³/년": "세제곱미터 매년", "m³/월": "세제곱미터 매월", "m³": "세제곱미터",
    "m²": "제곱미터", "㎥": "세제곱미터", "t/일": "톤 매일", "t": "톤", "%": "퍼센트", "%p": "퍼센트포인트",
    "L": "리터", "km": "킬로미터",
}

_DIGITS = "영일이삼사오육칠팔구"
_GROUPS = ("", "만", "억", "조", "경")
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # index of ㄹ among the final consonants
_PAREN_TAIL = re.compile(r"\s*\([^()]*\)\s*$")
_NUMBER_TAIL = re.compile(r"(\d[\d,]*)(?:\.(\d+))?$")


def _number_reading(number: str, decimals: str | None) -> str:
    """The last spoken word of a number ('15,760' -> '십', '3' -> '삼', '2.5' -> '오', '30,000' -> '만')."""
    if decimals:
        return _DIGITS[int(decimals[-1])]
    n = int(number.replace(",", ""))
    if n == 0:
        return "영"
    group = 0
    while n % 10_000 == 0:
        n, group = n // 10_000, group + 1
    if group:
        return _GROUPS[min(group, len(_GROUPS) - 1)]
    if n % 10:
        return _DIGITS[n % 10]
    return "십" if n % 100 else "백" if n % 1000 else "천"


def reading(text: str) -> str:
    """How the end of ``text`` is read aloud (enough of it to choose a particle)."""
    s = _PAREN_TAIL.sub("", text.rstrip()) or text.rstrip()
    for unit in sorted(UNIT_READINGS, key=len, reverse=True):
        if s.endswith(unit):
            return UNIT_READINGS[unit]
    m = _NUMBER_TAIL.search(s)
    if m:
        return _number_reading(m.group(1), m.group(2))
    return s


def _final_index(syllable: str) -> int | None:
    """Index of the final consonant of a Hangul syllable (0 = none); None when it is not Hangul."""
    code = ord(syllable)
    if not _HANGUL_FIRST <= code <= _HANGUL_LAST:
        return None
    return (code - _HANGUL_FIRST) % 28


def has_final_consonant(text: str) -> tuple[bool, bool]:
    """(ends in a final consonant, that consonant is ㄹ) for the reading of ``text``.

    A reading that does not end in Hangul (a Latin name, a symbol) counts as ending in a vowel.
    """
    r = reading(text).rstrip()
    idx = _final_index(r[-1]) if r else None
    if idx is None:
        return False, False
    return idx != 0, idx == _RIEUL


def particle(text: str, pair: str) -> str:
    """The form of ``pair`` ('을/를', '이/가', '은/는', '와/과', '으로/로') that fits after ``text``."""
    after_consonant, after_vowel = PAIRS[pair]
    final, rieul = has_final_consonant(text)
    if pair == "으로/로":
        return after_vowel if (not final or rieul) else after_consonant
    return after_consonant if final else after_vowel


def attach(text: str, pair: str) -> str:
    """``text`` followed by the fitting particle: attach('288억원', '을/를') -> '288억원을'."""
    return text + particle(text, pair)


_PAIR_AT_START = re.compile("^(" + "|".join(re.escape(p) for p in sorted(PAIRS, key=len, reverse=True)) + ")")


def resolve(value: str, literal_after: str) -> str:
    """``literal_after`` with a leading particle pair replaced by the form that fits after ``value``."""
    m = _PAIR_AT_START.match(literal_after)
    if not m:
        return literal_after
    return particle(value, m.group(1)) + literal_after[m.end():]


def expected_particle(text: str, found: str) -> str:
    """The particle that should stand where ``found`` stands after ``text`` (for the style check)."""
    for pair, forms in PAIRS.items():
        if found in forms or (pair == "으로/로" and found in ("으로", "로")):
            return particle(text, pair)
    return found
