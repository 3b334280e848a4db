"""Public-hearing handout: one function per section, each returning its part of the context.

Plain language for residents; sentences come from the catalogue (``catalog.text``).
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ResultsBundle

from .catalog import text
from .filters import pct, thousands
from .formatting import Fmt, town_names

__all__ = ["what_section", "bill_section", "odour_section", "qa_section", "contact_section", "hearing_numbers"]

ODOUR_KEYS = ("right_size", "fewer_machines", "land_kept")


def what_section(bundle: ResultsBundle, lang: str) -> dict:
    """Title and 'what is being built, and why': capacity, expected flows [m3/d], how it was checked."""
    town, existing, _ = town_names(bundle, lang)
    ml = bundle.planned_total.ml
    what = [
        text(lang, "hearing.what.capacity", town=town, capacity_m3=thousands(bundle.recommended_capacity_m3_per_day)),
        text(lang, "hearing.what.expected", day_average_m3=thousands(ml.day_average_m3_per_day),
             day_max_m3=thousands(ml.day_max_m3_per_day)),
        text(lang, "hearing.what.checked", existing_town=existing),
        text(lang, "hearing.what.conventional", conventional_m3=thousands(bundle.capacity.conventional_m3_per_day)),
    ]
    return {"title": text(lang, "hearing.title", town=town), "what": what}


def bill_section(money: dict, lang: str) -> dict:
    """'What does it mean for my bill?': the saving as a monthly fee per household [KRW/month]."""
    f, fee = Fmt(lang), money["saving_fee"]
    hh4, pilot = fee.households[3]["krw_per_month"], fee.pilot_example["krw_per_month"]
    labels = [text(lang, "hearing.bill.household", size=h["size"], m3_per_month=f"{h['m3_per_month']:.0f}")
              for h in fee.households] + [text(lang, "hearing.bill.pilot")]
    values = [h["krw_per_month"] for h in fee.households] + [pilot]
    return {
        "bill_lead": text(lang, "hearing.bill.lead", saving=f.money(money["savings"].capex_saving_krw),
                          fee_4p=f.won(hh4), fee_pilot=f.won(pilot)),
        "bill_note": text(lang, "hearing.bill.note", years=f"{money['asset_life_years']:g}",
                          rate=f"{money['discount_rate'] * 100:g}", krw_per_m3=thousands(fee.krw_per_m3)),
        "bill_labels": labels,
        "bill_unit": text(lang, "hearing.bill.unit"),
        "bill_rows": [{"label": lab, "value": f.won(v)} for lab, v in zip(labels, values)],
    }


def odour_section(lang: str) -> dict:
    """'Odour and noise': why a plant of the right size smells and hums less."""
    return {"odour": [text(lang, f"hearing.odour.{k}") for k in ODOUR_KEYS]}


def _small_household_share(bundle: ResultsBundle) -> float | None:
    """Share of 1- and 2-person households in the new town [-] (None: mix not given)."""
    hbs = bundle.households_by_size
    total = sum(hbs.values()) if hbs else 0
    return (hbs.get("1", 0) + hbs.get("2", 0)) / total if total else None


def _population_answer(bundle: ResultsBundle, lang: str) -> str:
    tot = bundle.planned_total
    values = {"households": thousands(tot.households), "population": thousands(tot.population)}
    persons_per_hh = tot.population / tot.households if tot.households else None
    if not persons_per_hh:
        return text(lang, "hearing.qa.population.a", **values)
    return text(lang, "hearing.qa.population.a_per_household", **values, per_household=f"{persons_per_hh:.2f}")


def _small_households_answer(bundle: ResultsBundle, lang: str) -> str:
    share = _small_household_share(bundle)
    if share is None:
        return text(lang, "hearing.qa.small_households.a")
    return text(lang, "hearing.qa.small_households.a_share", share=pct(share))


def qa_section(bundle: ResultsBundle, lang: str) -> dict:
    """'Questions people asked', with the town's own numbers in the answers."""
    answers = {"population": _population_answer(bundle, lang),
               "small_households": _small_households_answer(bundle, lang)}
    topics = ("uses", "population", "small_households", "rain", "use")
    return {"qa": [{"q": text(lang, f"hearing.qa.{t}.q"), "a": answers.get(t) or text(lang, f"hearing.qa.{t}.a")}
                   for t in topics]}


def contact_section(bundle: ResultsBundle, lang: str) -> dict:
    """Who to ask: the municipality's sewerage department."""
    municipality = town_names(bundle, lang)[2] or text(lang, "hearing.contact_fallback")
    return {"contact": text(lang, "hearing.contact", municipality=municipality)}


def hearing_numbers(bundle: ResultsBundle, money: dict) -> dict:
    """Raw numbers behind the printed ones (tests compare the two)."""
    fee = money["saving_fee"]
    return {
        "recommended_capacity_m3_per_day": bundle.recommended_capacity_m3_per_day,
        "capex_saving_krw": money["savings"].capex_saving_krw,
        "saving_fee_4p_krw_per_month": fee.households[3]["krw_per_month"],
        "saving_fee_pilot_krw_per_month": fee.pilot_example["krw_per_month"],
    }
