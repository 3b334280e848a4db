"""The newest-cohort check in the briefings: what every probability rests on, and what the check found.

The sentences are chosen from the bundle's record (``metadata.model_card.newest_check``,
:class:`~sewerplan.model.outputs.results.NewestCheck`): checked or too small, the forecast
above, below or close to what the newest buildings used. A bundle without the record (a model
trained without the check) prints the districts alone and no paragraph.
"""

from __future__ import annotations

from sewerplan.model.outputs.results import NewestCheck, ResultsBundle

from .catalog import text
from .filters import pct, thousands

__all__ = ["SAME_WITHIN", "evidence_phrase", "newest_paragraph", "newest_card_line"]

SAME_WITHIN = 0.02  # a forecast within 2% of what the buildings used is "close", not "too high / too low"


def _check(bundle: ResultsBundle) -> NewestCheck | None:
    return bundle.metadata.model_card.newest_check


def evidence_phrase(nc: NewestCheck | None, lang: str, n_districts: int) -> str:
    """'보정 구역 8개, 최근 준공 건물 386동' (or the too-small / districts-only form) [catalogue words].

    ``nc``: the bundle's ``metadata.model_card.newest_check`` (the money figures carry it as ``newest``).
    """
    if nc is None:
        return text(lang, "council.evidence.districts", n=n_districts)
    key = "council.evidence.newest" if nc.checked else "council.evidence.too_small"
    return text(lang, key, n=n_districts, m=thousands(nc.n_buildings))


def _direction(ratio: float) -> str:
    """'over' / 'under' / 'same' for a forecast / observed ratio [-]."""
    if abs(ratio - 1.0) < SAME_WITHIN:
        return "same"
    return "over" if ratio > 1.0 else "under"


def _base_words(lang: str, ratio: float | None) -> str:
    if ratio is None:
        return "–"
    way = _direction(ratio)
    return text(lang, f"council.newest.base_{way}", diff=pct(abs(ratio - 1.0)))


def _found(lang: str, nc: NewestCheck) -> str:
    """The first sentence: how the forecast of the newest buildings compared with what they used."""
    way = _direction(nc.total_ratio)
    values = {"n": thousands(nc.n_buildings), "first": nc.first_year, "last": nc.last_year,
              "diff": pct(abs(nc.total_ratio - 1.0)), "wape": pct(nc.wape),
              "base": _base_words(lang, nc.per_type_total_ratio)}
    if way == "same":
        return text(lang, "council.newest.same", **values)
    return text(lang, "council.newest.checked", direction=text(lang, f"council.newest.{way}"), **values)


def newest_paragraph(bundle: ResultsBundle, lang: str) -> str:
    """The check in two sentences for the evidence section ('' for a bundle without it)."""
    nc = _check(bundle)
    if nc is None:
        return ""
    widen = pct(nc.upper_widening)
    if not nc.checked:
        return text(lang, "council.newest.too_small", n=thousands(nc.n_buildings), min=nc.min_buildings, widen=widen)
    applied = text(lang, "council.newest.applied", factor=f"{nc.level_factor:.2f}", widen=widen)
    return f"{_found(lang, nc)} {applied}"


def newest_card_line(bundle: ResultsBundle, lang: str) -> dict | None:
    """(label, sentence) for the model-card appendix (None without the check)."""
    nc = _check(bundle)
    if nc is None:
        return None
    return {"label": text(lang, "council.newest.card"), "text": newest_paragraph(bundle, lang)}
