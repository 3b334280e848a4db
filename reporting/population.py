"""One population figure, with the methods' different people per household reconciled in one sentence.

The pilot formula counts 2.6 persons per household (the run's ``persons_per_household``), the
census trend behind the ML household mix about 2 (``households_by_size``), and the MOE notice
counts persons from rooms (its housing term at 200 L per person). They disagree; the papers say
so once, in the same words, and say that the capacity is forecast from water use, not people.
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ResultsBundle

from .catalog import text
from .filters import thousands

__all__ = ["population_sentence", "population_figures"]

MOE_HOUSING_M3_PER_PERSON_DAY = 0.200  # MOE notice: housing 200 L per person per day (동 지역)


def population_figures(bundle: ResultsBundle) -> dict:
    """{pph, pilot, mix, mix_population, moe} [persons/household, persons]; a figure the bundle lacks is None."""
    tot = bundle.planned_total
    hh = tot.households
    out = {"pph": tot.population / hh if hh else None, "pilot": tot.population if hh else None, "mix": None,
           "mix_population": None, "moe": None}
    mix = bundle.households_by_size
    counted = sum(mix.values()) if mix else 0
    if counted and hh:
        size = sum((5 if k == "5+" else int(k)) * v for k, v in mix.items()) / counted
        out.update(mix=size, mix_population=size * hh)
    base = next((b for b in bundle.baselines if b.method == "unit_load"), None)
    housing = next((t.value for t in base.terms if t.name == "housing"), None) if base else None
    if housing:
        out["moe"] = housing / MOE_HOUSING_M3_PER_PERSON_DAY
    return out


def population_sentence(bundle: ResultsBundle, lang: str) -> str:
    """The reconciled population sentence ('' when the town has no households)."""
    f = population_figures(bundle)
    if f["pph"] is None:
        return ""
    if f["mix"] is None or f["moe"] is None:
        return text(lang, "council.planned.population_pilot", pph=f"{f['pph']:.2f}", pilot=thousands(f["pilot"]))
    return text(lang, "council.planned.population", pph=f"{f['pph']:.2f}", pilot=thousands(f["pilot"]),
                mix=f"{f['mix']:.2f}", mix_population=thousands(round(f["mix_population"], -2)),
                moe=thousands(round(f["moe"], -2)))
