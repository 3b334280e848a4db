"""Council briefing, optional section: a planning scenario's capacity needed by year.

``scenario_section(section, lang)`` turns a ``ScenarioSection`` of the results bundle into
plain data: title, lead sentences, a years-as-columns table, a note and the chart.
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ScenarioSection

from . import charts
from .catalog import text
from .filters import pct, thousands
from .formatting import Fmt, korean_text, level_words, method_labels, prob, svg_uri

__all__ = ["MAX_SCENARIO_COLUMNS", "scenario_section"]

MAX_SCENARIO_COLUMNS = 11  # years shown in the table; longer runs show every k-th year and the last


def _first_year(rows, values, limit):
    """The first year whose value exceeds ``limit`` (None: never)."""
    for r, v in zip(rows, values):
        if v is not None and v > limit:
            return r.year
    return None


def _confidence(sc: ScenarioSection, lang: str) -> str:
    """The scenario's confidence in plain words: '10번 중 9번(90%)'."""
    return level_words(lang, sc.confidence)


def _has_ml(sc: ScenarioSection) -> bool:
    return sc.ml_available and sc.capacity_by_year[-1].ml_p50_m3_per_day is not None


def _shown_rows(rows: list) -> list:
    """The years that fit the table: all, or every k-th year and the last."""
    shown = list(range(len(rows)))
    if len(rows) > MAX_SCENARIO_COLUMNS:
        step = -(-len(rows) // (MAX_SCENARIO_COLUMNS - 1))
        shown = sorted(set(range(0, len(rows), step)) | {len(rows) - 1})
    return [rows[i] for i in shown]


def _table_line(label: str, values, cls: str = "") -> dict:
    return {"label": label, "cls": cls, "cells": ["–" if v is None else thousands(v) for v in values]}


def _table(sc: ScenarioSection, sel: list, lang: str) -> list[dict]:
    """Rows of the table [m3/d]: ML P50/P90 (and the chosen confidence), the three baselines, P(exceeded),
    utilisation of the plant at the ML P50 [-]."""
    ml = _has_ml(sc)
    at_conf_is_p90 = abs(sc.confidence - 0.9) < 1e-9
    methods = method_labels(lang)
    table = []
    if ml:
        table.append(_table_line(text(lang, "scenario.row.p50"), [r.ml_p50_m3_per_day for r in sel]))
        table.append(_table_line(text(lang, "scenario.row.p90"), [r.ml_p90_m3_per_day for r in sel],
                                 "rec" if at_conf_is_p90 else ""))
        if not at_conf_is_p90:
            table.append(_table_line(text(lang, "scenario.row.at_confidence", confidence=_confidence(sc, lang)),
                                     [r.ml_at_confidence_m3_per_day for r in sel], "rec"))
    for m in ("pilot_formula", "master_plan", "unit_load"):
        table.append(_table_line(methods[m], [getattr(r, f"{m}_m3_per_day") for r in sel]))
    if ml and sc.plant_capacity_m3_per_day is not None:
        table.append({"label": text(lang, "scenario.row.p_exceeded"), "cls": "prob",
                      "cells": [prob(r.probability_exceeded) for r in sel]})
        table.append({"label": text(lang, "scenario.row.utilisation"), "cls": "prob",
                      "cells": ["–" if r.utilisation_p50 is None else pct(r.utilisation_p50) for r in sel]})
    return table


def _need_sentence(sc: ScenarioSection, lang: str) -> str:
    """Capacity needed in the final year by each method."""
    f, last = Fmt(lang), sc.capacity_by_year[-1]
    values = {"year": last.year, "pilot_formula": f.flow(last.pilot_formula_m3_per_day)}
    if not _has_ml(sc):
        return text(lang, "scenario.lead.need", **values)
    return text(lang, "scenario.lead.need_ml", **values, p50=f.flow(last.ml_p50_m3_per_day),
                confidence=_confidence(sc, lang), at_confidence=f.flow(last.ml_at_confidence_m3_per_day))


def _exceeded_sentences(sc: ScenarioSection, lang: str) -> list[str]:
    """When each method first exceeds the plant, and the chance it is exceeded by the final year."""
    rows, plant, last, ml = sc.capacity_by_year, sc.plant_capacity_m3_per_day, sc.capacity_by_year[-1], _has_ml(sc)

    def when(values):
        year = _first_year(rows, values, plant)
        return text(lang, "scenario.when.year", year=year) if year else text(lang, "scenario.when.never")

    values = {"plant": Fmt(lang).flow(plant), "pilot_formula": when([r.pilot_formula_m3_per_day for r in rows])}
    if not ml:
        return [text(lang, "scenario.lead.exceeded", **values)]
    out = [text(lang, "scenario.lead.exceeded_ml", **values, confidence=_confidence(sc, lang),
                p50=when([r.ml_p50_m3_per_day for r in rows]),
                at_confidence=when([r.ml_at_confidence_m3_per_day for r in rows]))]
    if last.probability_exceeded_by_year is not None:
        out.append(text(lang, "scenario.lead.probability", year=last.year,
                        probability=prob(last.probability_exceeded_by_year)))
    review = _first_year(rows, [r.utilisation_p50 for r in rows], sc.review_trigger - 1e-9)
    if review is not None:
        out.append(text(lang, "scenario.lead.review", year=review, trigger=pct(sc.review_trigger)))
    return out


def _lead(sc: ScenarioSection, lang: str) -> str:
    sentences = [_need_sentence(sc, lang)]
    if sc.plant_capacity_m3_per_day is not None:
        sentences += _exceeded_sentences(sc, lang)
    return " ".join(sentences)


def _note(sc: ScenarioSection, lang: str) -> str:
    """How capacity needed is computed, what the band is, and why it can differ from section 3."""
    sims = thousands(sc.n_simulations) if sc.n_simulations else ""
    middle = (text(lang, "scenario.note.band", simulations=sims) if _has_ml(sc)
              else text(lang, "scenario.note.no_ml"))
    return " ".join([
        text(lang, "scenario.note.formula", trigger=pct(sc.review_trigger), unit=text(lang, "unit.flow")),
        middle,
        text(lang, "scenario.note.differs"),
    ])


def _chart(sc: ScenarioSection, lang: str) -> str:
    """Capacity needed by year with the ML P10-P90 band and the plant line, as a data: URI."""
    rows, ml, methods = sc.capacity_by_year, _has_ml(sc), method_labels(lang)
    labels = {m: methods[m] for m in ("pilot_formula", "master_plan", "unit_load")} | {
        k: text(lang, f"scenario.chart.{k}") for k in ("p50", "p90", "band", "plant")}

    def ml_series(field):
        return [getattr(r, field) for r in rows] if ml else None

    svg = charts.scenario_chart(
        [r.year for r in rows], {m: [getattr(r, f"{m}_m3_per_day") for r in rows]
                                 for m in ("pilot_formula", "master_plan", "unit_load")},
        ml_series("ml_p10_m3_per_day"), ml_series("ml_p50_m3_per_day"), ml_series("ml_p90_m3_per_day"),
        sc.plant_capacity_m3_per_day, labels=labels,
        ylabel=text(lang, "scenario.chart.ylabel", unit=text(lang, "unit.flow")),
    )
    return svg_uri(svg)


def scenario_section(sc: ScenarioSection, lang: str) -> dict:
    """Strings, table and chart of the scenario section (``ScenarioSection`` -> plain data)."""
    last = sc.capacity_by_year[-1]
    sel = _shown_rows(sc.capacity_by_year)
    return {
        "title": text(lang, "scenario.title", name=korean_text(sc.name) if lang == "ko" else sc.name),
        "name": sc.name,
        "description": korean_text(sc.description) if lang == "ko" else sc.description,
        "lead": _lead(sc, lang),
        "note": _note(sc, lang),
        "years": [str(r.year) for r in sel],
        "table": _table(sc, sel, lang),
        "chart": _chart(sc, lang),
        "synthetic": sc.synthetic,
        "numbers": {"final_year": last.year, "final_p90_m3_per_day": last.ml_p90_m3_per_day,
                    "final_p50_m3_per_day": last.ml_p50_m3_per_day,
                    "final_pilot_formula_m3_per_day": last.pilot_formula_m3_per_day},
    }
