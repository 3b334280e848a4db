"""The sentence checker: every briefing's words against its own numbers, on every render.

:func:`check_context` runs at the end of ``council_context`` and ``hearing_context`` (so every
PDF, HWPX and HTML render passes it, not only the tests) and raises
:class:`ReportConsistencyError` naming each rule a sentence breaks. The rules (issue 22):

1. **named** -- every amount (억원, 원 / KRW) and probability (%) in the prose is the printed text of
   a named result field (:mod:`.figures`); a number typed into a sentence is refused.
2. **small risk** -- "위험은 작습니다" ("the sizing risk is small") only when the city's plan's
   probability of being too small is below the stated threshold (``money["small_risk"]``).
3. **avoided** -- an amount said to be avoided (피합니다, 덜 드는 ...) is the difference between the
   city's plan and the recommended plant (a field named ``avoided.*``, recomputed here from the two
   plants' budgets), and positive.
4. **whose money** -- a sentence that avoids or offers an amount names whose money it is.
5. **covers** -- an amount offered to pay for the site plan (충당, 마련) covers what building
   underground adds.
6. **offered once** -- no amount is offered twice, the offers together stay within what is avoided,
   and residents are offered only the city's own part.
7. **like with like** -- in a fee table of plants, a larger plant never shows a smaller fee.
8. **words** -- a probability in Korean prose reads "99% 이상" / "1% 미만", never ">99%" / "<1%".
9. **one timeline** -- no expansion or second train starts before the plant opens, and no
   utilisation is shown for a year before it opens.
10. **adds up** -- the yearly investment plan's rows and columns add up to the totals it prints,
    and its total is the total printed elsewhere.
"""

from __future__ import annotations

import re

from sewerplan.model.errors import SewerplanError

__all__ = ["ReportConsistencyError", "check_context", "find_failures", "prose", "RULES"]

RULES = ("named", "small_risk", "avoided", "whose_money", "covers", "offered_once", "like_with_like", "words",
         "one_timeline", "adds_up")


class ReportConsistencyError(SewerplanError, ValueError):
    """A briefing whose sentences contradict its numbers; the message lists every rule broken."""

    def __init__(self, failures: list[str]):
        self.failures = list(failures)
        super().__init__("briefing sentences contradict their numbers / 보고서 문장이 숫자와 맞지 않습니다: "
                         + " | ".join(self.failures))


_MONEY = {"ko": re.compile(r"\d[\d,]*(?:\.\d+)?(?:–\d[\d,]*(?:\.\d+)?)?억원|\d[\d,]*(?:\.\d+)?(?:–\d[\d,]*)?원"),
          "en": re.compile(r"KRW [\d,]+(?:\.\d+)?(?:–[\d,]+(?:\.\d+)?)?(?: bn)?")}
_PERCENT = re.compile(r"[<>]?\d+(?:\.\d+)?%")
_SMALL_RISK = {"ko": ("위험은 작",), "en": ("risk is small",)}
_AVOID = {"ko": ("피합니다", "피할 ", "덜 드", "덜 듭", "덜 씁", "아낄", "아낍"),
          "en": ("avoid", "spends less", "costs less", "less than the city", "saves")}
_OFFER = {"ko": ("충당", "마련", "어디에 쓰"), "en": ("paid from", "pays for", "money be used for")}
_RESIDENTS = {"ko": ("어디에 쓰",), "en": ("money be used for",)}
_PAYERS = {"ko": ("사업시행자", "시가", "시비", "시의", "시 부담", "국비", "도비", "공공"),
           "en": ("developer", "city", "national", "provincial", "public")}
_SITE = {"ko": ("지하",), "en": ("underground",)}
_NOT_OPEN = {"ko": "미가동", "en": "not open"}


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text or "") if s.strip()]


def prose(ctx: dict) -> list[tuple[str, str]]:
    """(where, sentence) for every sentence of a briefing's prose (the checked part; tables are checked apart)."""
    parts: list[tuple[str, str]] = []

    def add(where, value):
        if isinstance(value, str):
            parts.extend((where, s) for s in _sentences(value))
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                add(f"{where}[{i}]", v)
    if ctx.get("kind") == "council":
        for key in ("summary", "decision", "risks", "phasing_text", "decision_note", "capacity_note"):
            add(key, ctx.get(key))
        add("council_qa", [q["a"] for q in ctx.get("council_qa", [])])
        funding = ctx.get("funding") or {}
        add("funding.pay_notes", funding.get("pay_notes"))
        add("funding.fee_notes", funding.get("fee_notes"))
        add("funding.references", funding.get("references"))
        if ctx.get("scenario"):
            add("scenario.lead", ctx["scenario"]["lead"])
            add("scenario.note", ctx["scenario"]["note"])
    else:
        for key in ("what", "where", "pays", "bill_lead", "bill_note", "odour", "hearing_schedule"):
            add(key, ctx.get(key))
        add("qa", [q["a"] for q in ctx.get("qa", [])])
        if ctx.get("reuse"):
            add("reuse.question", ctx["reuse"]["question"])
    return parts


def _parse_amount(token: str, lang: str) -> float | None:
    """[KRW] of a printed money token ('13억원' -> 1.3e9, 'KRW 1.3 bn' -> 1.3e9; the high end of a range)."""
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", token)
    if not numbers:
        return None
    value = float(numbers[-1].replace(",", ""))
    if lang == "ko":
        return value * 1e8 if token.endswith("억원") else value
    return value * 1e9 if token.endswith("bn") else value


def _strip_named(sentence: str, named: list[str]) -> str:
    for t in named:
        sentence = sentence.replace(t, " ")
    return sentence


def _unnamed(parts, figs, lang) -> list[str]:
    named = sorted((t for t in figs.texts() if t and t != "–"), key=len, reverse=True)
    out = []
    for where, s in parts:
        rest = _strip_named(s, named)
        tokens = _MONEY[lang].findall(rest) + _PERCENT.findall(rest)
        if tokens:
            out.append(f"named: {where} prints {', '.join(repr(t) for t in tokens)} from no named result field: {s!r}")
    return out


def _small_risk(parts, money, lang) -> list[str]:
    lead, threshold = money["lead"], money["small_risk"]
    if lead is None or lead.probability_too_small < threshold:
        return []
    return [f"small_risk: {where} says the sizing risk is small beside P(too small) "
            f"{lead.probability_too_small:.0%} >= {threshold:.0%}: {s!r}"
            for where, s in parts if any(w in s for w in _SMALL_RISK[lang])]


def _difference(money) -> float:
    """The city's plan's total less the recommended plant's [KRW], recomputed from the two budgets."""
    lead, per = money["lead"], money["per_method"]
    if lead is None or lead.method not in per:
        return 0.0
    return per[lead.method].project.total_krw - money["budget"].project.total_krw


def _avoided(parts, money, lang) -> list[str]:
    figs, out = money["figs"], []
    avoided = {f.text for f in figs.named("avoided.")}
    beside = avoided | {f.text for f in figs.named("site_plan.")}  # what an avoided amount may be said to pay for
    diff = _difference(money)
    for where, s in parts:
        if not any(w in s for w in _AVOID[lang]):
            continue
        tokens = _MONEY[lang].findall(s)
        if not tokens:
            continue
        if diff <= 0.5:
            out.append(f"avoided: {where} says money is avoided, but the recommended plant costs no less than the "
                       f"city's plan: {s!r}")
        bad = [t for t in tokens if not any(t in a or a in t for a in beside)]
        if not any(a in s for a in avoided):
            bad = bad or tokens
        if bad and diff > 0.5:
            out.append(f"avoided: {where} calls {', '.join(map(repr, bad))} avoided, but the difference against the "
                       f"recommended plant is {figs.fmt.money(diff)}: {s!r}")
        if not any(p in s for p in _PAYERS[lang]):
            out.append(f"whose_money: {where} avoids an amount without saying whose money it is: {s!r}")
    return out


def _offers(parts, money, lang) -> list[str]:
    out, offered = [], []
    diff, premium = _difference(money), money.get("site_premium_krw", 0.0)
    city = max(money["compare"].get("by_payer", {}).get("city", 0.0), 0.0) if money["compare"].get(
        "relation") == "smaller" else 0.0
    for where, s in parts:
        if not any(w in s for w in _OFFER[lang]):
            continue
        amounts = [_parse_amount(t, lang) for t in _MONEY[lang].findall(s)]
        amounts = [a for a in amounts if a is not None]
        if not amounts:
            continue
        if not any(p in s for p in _PAYERS[lang]):
            out.append(f"whose_money: {where} offers an amount without saying whose money it is: {s!r}")
        if any(w in s for w in _SITE[lang]) and premium > 0 and max(amounts) < premium * (1 - 1e-6) - 0.5e8:
            out.append(f"covers: {where} pays for building underground (about {money['figs'].fmt.money(premium)}) "
                       f"with {money['figs'].fmt.money(max(amounts))}: {s!r}")
        offer = min(amounts)
        if any(w in s for w in _RESIDENTS[lang]) and offer > city + 0.5e8:
            out.append(f"offered_once: {where} offers residents {money['figs'].fmt.money(offer)}, but the city's own "
                       f"part of what is avoided is {money['figs'].fmt.money(city)}: {s!r}")
        offered.append((where, offer, s))
    values = [round(v / 1e8) for _, v, _ in offered]
    if len(values) != len(set(values)):
        out.append(f"offered_once: the same amount is offered twice: {[s for _, _, s in offered]!r}")
    if offered and sum(v for _, v, _ in offered) > max(diff, 0.0) + 0.5e8 * len(offered):
        out.append(f"offered_once: {len(offered)} offers add up to more than the "
                   f"{money['figs'].fmt.money(max(diff, 0.0))} avoided: {[s for _, _, s in offered]!r}")
    return out


def _fee_tables(ctx, money) -> list[str]:
    out = []
    if ctx.get("kind") == "council":
        rows = sorted(ctx.get("capacity_rows", []), key=lambda r: r["capacity_m3_per_day"])
        for small, big in zip(rows, rows[1:]):
            if big["krw_per_m3_value"] + 0.5 < small["krw_per_m3_value"]:
                out.append(f"like_with_like: the {big['method']} plant ({big['capacity']}) shows a smaller fee "
                           f"({big['krw_per_m3']}) than the {small['method']} plant ({small['capacity']}, "
                           f"{small['krw_per_m3']})")
    elif ctx.get("bill_rows"):
        lead_cap, plant_cap = ctx["bill_capacities"]
        for r in ctx["bill_rows"]:
            a, b = r["raw"]
            if (lead_cap > plant_cap and a + 0.5 < b) or (plant_cap > lead_cap and b + 0.5 < a):
                out.append(f"like_with_like: the bill table's larger plant shows the smaller fee in row "
                           f"{r['label']!r} ({r['value']} vs {r['plant']})")
    return out


def _words(parts, lang) -> list[str]:
    if lang != "ko":
        return []
    return [f"words: {where} prints {t!r} in prose (say '99% 이상' / '1% 미만'): {s!r}"
            for where, s in parts for t in re.findall(r"[<>]\d+%", s)]


def _timeline(ctx, money, lang) -> list[str]:
    timeline, out = money.get("timeline"), []
    if timeline is None or timeline.opening_year is None:
        return out
    opening = timeline.opening_year
    ph = money["budget"].phasing
    if ph is not None and ph.expected_second_train_year is not None and round(ph.expected_second_train_year) < opening:
        out.append(f"one_timeline: the second train starts in {round(ph.expected_second_train_year)}, before the plant "
                   f"opens in {opening}")
    for r in money["decision"].rows:
        if r.expansion_year is not None and r.expansion_year < opening:
            out.append(f"one_timeline: the {r.method} plant is expanded in {r.expansion_year}, before it opens in "
                       f"{opening}")
    sc = ctx.get("scenario")
    if sc:
        row = next((t for t in sc["table"] if t["label"] == _utilisation_label(lang)), None)
        for year, cell in zip(sc["years"], row["cells"] if row else []):
            if int(year) < opening and cell != _NOT_OPEN[lang]:
                out.append(f"one_timeline: utilisation {cell} shown for {year}, before the plant opens in {opening}")
    return out


def _utilisation_label(lang: str) -> str:
    from .catalog import text

    return text(lang, "scenario.row.utilisation")


def _investment(ctx, money) -> list[str]:
    inv, out = ctx.get("investment"), []
    if not inv:
        return out
    rows = [r["values"] for r in inv["rows"]]
    body, total = rows[:-1], rows[-1]
    for r in rows:
        if r[0] != sum(r[1:]):
            out.append(f"adds_up: an investment-plan row prints {r[0]} beside payers adding up to {sum(r[1:])}")
    for j, t in enumerate(total):
        if t != sum(r[j] for r in body):
            out.append(f"adds_up: the investment plan's column {j} adds up to {sum(r[j] for r in body)}, "
                       f"its total row prints {t}")
    printed = round(money["budget"].project.total_krw / 1e8)
    if total[0] != printed:
        out.append(f"adds_up: the investment plan totals {total[0]} (1e8 KRW), the paper prints {printed}")
    return out


def find_failures(ctx: dict, money: dict, lang: str) -> list[str]:
    """Every rule the briefing ``ctx`` breaks against its ``money`` figures (module docstring)."""
    parts = prose(ctx)
    return (_unnamed(parts, money["figs"], lang) + _small_risk(parts, money, lang) + _avoided(parts, money, lang)
            + _offers(parts, money, lang) + _fee_tables(ctx, money) + _words(parts, lang)
            + _timeline(ctx, money, lang) + _investment(ctx, money))


def check_context(ctx: dict, money: dict, lang: str) -> None:
    """Raise :class:`ReportConsistencyError` when the briefing breaks any rule; return None when it keeps all."""
    failures = find_failures(ctx, money, lang)
    if failures:
        raise ReportConsistencyError(failures)
