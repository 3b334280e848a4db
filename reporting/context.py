"""Plain data contexts for the two briefings (numbers, strings, lists; no HTML).

``council_context(bundle, lang)`` and ``hearing_context(bundle, lang)`` run the money model
once (``reporting.money``), print every amount and probability through a registry of named
fields (``reporting.figures``), assemble the report from one builder per section
(``reporting.council``, ``reporting.hearing``, ``reporting.scenario_section``). Sentences and
labels come from the message catalogues (``reporting/catalog/<lang>.yaml``); the builders choose
which sentence to use, the templates only lay them out. Raw numbers are kept under ``numbers``
so tests can compare what is printed with what the model computed. Every context is checked
before it is returned (``reporting.consistency``): a sentence that contradicts its numbers stops
the render with the rule it breaks.
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ResultsBundle

from . import council, council_plan, hearing
from .catalog import CATALOG_LANGS, text
from .consistency import check_context
from .figures import Figures
from .formatting import Fmt, korean_text, method_labels, town_names
from .local_loads import council_block
from .money import FinanceOptions, money_figures
from .scenario_section import scenario_section

__all__ = ["FinanceOptions", "council_context", "hearing_context", "LANGS"]

LANGS = CATALOG_LANGS


def _check_lang(lang):
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r} / 언어는 ko 또는 en 이어야 합니다")


def _base(bundle: ResultsBundle, lang: str, kind: str) -> dict:
    """What both briefings print around their sections: names, date, source line, banner, labels."""
    _check_lang(lang)
    town, existing, muni = town_names(bundle, lang)
    m = bundle.metadata
    return {
        "lang": lang,
        "kind": kind,
        "town": town,
        "existing_town": existing,
        "municipality": muni,
        "created": Fmt(lang).date(m.created),
        "synthetic": m.synthetic,
        "data_source": korean_text(m.data_source) if lang == "ko" else (m.data_source_en or m.data_source),
        "model_id": m.model_card.model_id,
        "version": m.sewerplan_version,
        "banner": text(lang, "common.banner"),
        "kind_name": text(lang, f"common.kind.{kind}"),
        "source_line": text(lang, "common.source_line"),
        "methods": method_labels(lang),
        "flow_unit": text(lang, "unit.flow"),
    }


def council_context(bundle: ResultsBundle, lang: str = "ko", options: FinanceOptions | None = None) -> dict:
    """Context for the council budget briefing (at most 6 A4 pages, docs/reports.md 'Page budgets'), checked."""
    ctx, money = council_context_unchecked(bundle, lang, options)
    check_context(ctx, money, lang)  # every render: the sentences against their numbers (reporting/consistency.py)
    return ctx


def council_context_unchecked(bundle: ResultsBundle, lang: str = "ko",
                              options: FinanceOptions | None = None) -> tuple[dict, dict]:
    """(context, money figures) of the council briefing before the consistency check (tests mutate them)."""
    ctx = _base(bundle, lang, "council")
    money = money_figures(bundle, options or FinanceOptions())
    money["figs"] = Figures(lang)
    sec = council.section_numbers(bundle)
    ctx["sec"] = sec
    ctx.update(council.summary_section(bundle, money, lang, sec))
    ctx.update(council_plan.overview_section(bundle, money, lang))  # 사업 개요
    ctx.update(council.published_existing_section(bundle, lang))  # small districts merged (issue 23)
    ctx.update(council.planned_town_section(bundle, money, lang))
    ctx.update(council.capacity_section(bundle, money, lang))  # alternatives, with phasing
    ctx["scenario"] = scenario_section(bundle.scenario, lang, money) if bundle.scenario is not None else None
    ctx.update(council.funding_section(money, lang))
    ctx.update(council_plan.investment_section(bundle, money, lang))  # with the schedule's years
    ctx["local_loads"] = council_block(bundle.local_loads, lang)  # optional block after funding (issue 18)
    ctx.update(council_plan.schedule_section(bundle, lang))  # optional
    ctx.update(council_plan.risks_section(bundle, money, lang))
    ctx.update(council_plan.qa_section(bundle, money, lang))
    ctx.update(council.assumptions_section(bundle, money, lang))
    ctx.update(council.model_card_section(bundle, money, lang))  # appendix
    ctx["numbers"] = council.council_numbers(bundle, money)
    return ctx, money


def hearing_context(bundle: ResultsBundle, lang: str = "ko", options: FinanceOptions | None = None) -> dict:
    """Context for the public-hearing handout (4 pages, plain language, large type), checked."""
    ctx, money = hearing_context_unchecked(bundle, lang, options)
    check_context(ctx, money, lang)  # every render: the sentences against their numbers (reporting/consistency.py)
    return ctx


def hearing_context_unchecked(bundle: ResultsBundle, lang: str = "ko",
                              options: FinanceOptions | None = None) -> tuple[dict, dict]:
    """(context, money figures) of the hearing handout before the consistency check (tests mutate them)."""
    ctx = _base(bundle, lang, "hearing")
    money = money_figures(bundle, options or FinanceOptions())
    money["figs"] = Figures(lang)
    ctx.update(hearing.what_section(bundle, money, lang))
    ctx.update(hearing.where_section(bundle, money, lang))  # the city's texts, when given
    ctx.update(hearing.existing_section(bundle, lang))
    ctx.update(hearing.schedule_section(bundle, money, lang))  # when given, with the interim
    ctx.update(hearing.pays_section(bundle, money, lang))
    ctx.update(hearing.bill_section(money, lang))
    ctx.update(hearing.odour_section(money, lang))
    ctx.update(hearing.reuse_section(bundle, money, lang))  # only when the sizing avoids money
    ctx.update(hearing.opinion_section(bundle, lang))  # when given
    ctx.update(hearing.qa_section(bundle, money, lang))
    ctx.update(hearing.contact_section(bundle, lang))
    ctx["numbers"] = hearing.hearing_numbers(bundle, money)
    return ctx, money
