"""Council briefing, optional section: a planning scenario's capacity needed by year.

``scenario_section(section, lang, money)`` turns a ``ScenarioSection`` of the results bundle into
plain data: title, lead sentences, a years-as-columns table, a note and the chart. With the
money figures it reads the one timeline (``money["timeline"]``): before the plant opens there is
no plant to be full or exceeded, so utilisation and exceedance are shown from the opening year
on ("미가동" before it), and the note says where the sewage of those years goes.
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ScenarioSection

from . import charts
from .catalog import text
from .figures import Figures
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


def _confidence(sc: ScenarioSection, lang: str, figs: Figures | None = None) -> str:
    """The scenario's confidence in plain words: '10번 중 9번(90%)' (a named figure when ``figs`` is given)."""
    return figs.level("scenario.confidence", sc.confidence) if figs is not None else level_words(lang, sc.confidence)


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


def _operating(timeline, year) -> bool:
    return timeline is None or timeline.operating(year)


def _table(sc: ScenarioSection, sel: list, lang: str, timeline=None) -> list[dict]:
    """Rows of the table [m3/d]: ML P50/P90 (and the chosen confidence), the three baselines, P(exceeded),
    utilisation of the plant at the ML P50 [-] (from the opening year on)."""
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
        closed = text(lang, "scenario.not_open")
        table.append({"label": text(lang, "scenario.row.p_exceeded"), "cls": "prob",
                      "cells": [prob(r.probability_exceeded) if _operating(timeline, r.year) else "–" for r in sel]})
        table.append({"label": text(lang, "scenario.row.utilisation"), "cls": "prob",
                      "cells": [closed if not _operating(timeline, r.year) else
                                "–" if r.utilisation_p50 is None else pct(r.utilisation_p50) for r in sel]})
    return table


def _need_sentence(sc: ScenarioSection, lang: str, figs: Figures | None = None) -> str:
    """Capacity needed in the final year by each method."""
    f, last = Fmt(lang), sc.capacity_by_year[-1]
    values = {"year": last.year, "pilot_formula": f.flow(last.pilot_formula_m3_per_day)}
    if not _has_ml(sc):
        return text(lang, "scenario.lead.need", **values)
    return text(lang, "scenario.lead.need_ml", **values, p50=f.flow(last.ml_p50_m3_per_day),
                confidence=_confidence(sc, lang, figs), at_confidence=f.flow(last.ml_at_confidence_m3_per_day))


def _exceeded_sentences(sc: ScenarioSection, lang: str, figs: Figures, timeline=None) -> list[str]:
    """When each method first exceeds the plant once it runs, and the chance it is exceeded by the final year."""
    rows = [r for r in sc.capacity_by_year if _operating(timeline, r.year)] or sc.capacity_by_year[-1:]
    plant, last, ml = sc.plant_capacity_m3_per_day, sc.capacity_by_year[-1], _has_ml(sc)

    def when(values):
        year = _first_year(rows, values, plant)
        return text(lang, "scenario.when.year", year=year) if year else text(lang, "scenario.when.never")

    opening = text(lang, "scenario.when.opening", year=timeline.opening_year) \
        if timeline is not None and timeline.opening_year is not None else text(lang, "scenario.when.no_opening")
    values = {"plant": Fmt(lang).flow(plant), "opening": opening,
              "pilot_formula": when([r.pilot_formula_m3_per_day for r in rows])}
    if not ml:
        return [text(lang, "scenario.lead.exceeded", **values)]
    out = [text(lang, "scenario.lead.exceeded_ml", **values, confidence=_confidence(sc, lang, figs),
                p50=when([r.ml_p50_m3_per_day for r in rows]),
                at_confidence=when([r.ml_at_confidence_m3_per_day for r in rows]))]
    if last.probability_exceeded_by_year is not None:
        out.append(text(lang, "scenario.lead.probability", year=last.year,
                        probability=figs.prob("scenario.probability_exceeded_by_year",
                                              last.probability_exceeded_by_year)))
    review = _first_year(rows, [r.utilisation_p50 for r in rows], sc.review_trigger - 1e-9)
    if review is not None:
        out.append(text(lang, "scenario.lead.review", year=review,
                        trigger=figs.share("scenario.review_trigger", sc.review_trigger)))
    return out


def _lead(sc: ScenarioSection, lang: str, figs: Figures, timeline=None) -> str:
    sentences = [_need_sentence(sc, lang, figs)]
    if sc.plant_capacity_m3_per_day is not None:
        sentences += _exceeded_sentences(sc, lang, figs, timeline)
    return " ".join(sentences)


def _interim_note(sc: ScenarioSection, lang: str, timeline) -> list[str]:
    """Why the first years show no utilisation, and where their sewage goes (the one timeline)."""
    if timeline is None or timeline.opening_year is None:
        return []
    before = [r.year for r in sc.capacity_by_year if not timeline.operating(r.year)]
    if not before:
        return []
    values = {"opening": timeline.opening_year, "years": _years(lang, before[0], before[-1])}
    if timeline.interim:
        return [text(lang, "scenario.note.interim", **values, interim=timeline.interim)]
    return [text(lang, "scenario.note.interim_missing", **values)]


def _years(lang: str, start: int, end: int) -> str:
    if start == end:
        return text(lang, "common.schedule.year", year=start)
    return text(lang, "common.schedule.years", start=start, end=end)


def _note(sc: ScenarioSection, lang: str, figs: Figures, timeline=None) -> str:
    """How capacity needed is computed, what the band is, the years before opening, why it differs from section 3."""
    sims = thousands(sc.n_simulations) if sc.n_simulations else ""
    middle = (text(lang, "scenario.note.band", simulations=sims) if _has_ml(sc)
              else text(lang, "scenario.note.no_ml"))
    return " ".join([
        text(lang, "scenario.note.formula", trigger=figs.share("scenario.review_trigger", sc.review_trigger),
             unit=text(lang, "unit.flow")),
        middle, *_interim_note(sc, lang, timeline),
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


def scenario_section(sc: ScenarioSection, lang: str, money: dict | None = None) -> dict:
    """Strings, table and chart of the scenario section (``ScenarioSection`` -> plain data).

    ``money``: the money figures of the briefing (their registry and the one timeline); without
    them, a timeline that never closes the plant.
    """
    last = sc.capacity_by_year[-1]
    sel = _shown_rows(sc.capacity_by_year)
    figs = money["figs"] if money is not None else Figures(lang)
    timeline = money.get("timeline") if money is not None else None
    return {
        "title": text(lang, "scenario.title", name=korean_text(sc.name) if lang == "ko" else sc.name),
        "name": sc.name,
        "description": korean_text(sc.description) if lang == "ko" else sc.description,
        "lead": _lead(sc, lang, figs, timeline),
        "note": _note(sc, lang, figs, timeline),
        "years": [str(r.year) for r in sel],
        "table": _table(sc, sel, lang, timeline),
        "chart": _chart(sc, lang),
        "synthetic": sc.synthetic,
        "numbers": {"final_year": last.year, "final_p90_m3_per_day": last.ml_p90_m3_per_day,
                    "final_p50_m3_per_day": last.ml_p50_m3_per_day,
                    "final_pilot_formula_m3_per_day": last.pilot_formula_m3_per_day},
    }
