"""Public-hearing handout: one function per section, each returning its part of the context.

Plain language for residents; sentences come from the catalogue (``catalog.text``), chosen by the
direction of the old population-only formula against the need (``money["lead"]``).
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ResultsBundle

from sewerplan.model.outputs.briefing_section import SCHEDULE_STEPS

from .catalog import placeholders, text
from .filters import pct, thousands
from .council_money import years_text
from .formatting import Fmt, prob, town_names

__all__ = ["what_section", "where_section", "existing_section", "schedule_section", "pays_section", "bill_section",
           "odour_section", "reuse_section", "opinion_section", "qa_section", "contact_section", "hearing_numbers",
           "avoided_krw"]

EXISTING_VALUES = ("observed_m3_per_day", "pilot_formula_m3_per_day", "ml_m3_per_day")



def _baseline_sentence(money: dict, lang: str) -> str:
    """The old population-only formula against the need, worded by its computed direction."""
    lead, f = money["lead"], Fmt(lang)
    values = {"baseline": f.tons(lead.capacity_m3_per_day), "gap": f.tons(abs(lead.gap_m3_per_day)),
              "p_small": prob(lead.probability_too_small), "p_large": prob(lead.probability_too_large)}
    key = f"hearing.what.baseline.{lead.direction}"
    return text(lang, key, **{k: values[k] for k in placeholders(lang, key)})


def what_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Title and 'what is being built, and why': capacity, expected flows [m3/d, said in tonnes], how it was checked."""
    town, existing, _ = town_names(bundle, lang)
    ml, f = bundle.planned_total.ml, Fmt(lang)
    what = [
        text(lang, "hearing.what.capacity", town=town, capacity=f.tons(bundle.recommended_capacity_m3_per_day)),
        text(lang, "hearing.what.expected", day_average=f.tons(ml.day_average_m3_per_day),
             day_max=f.tons(ml.day_max_m3_per_day)),
        text(lang, "hearing.what.checked", existing_town=existing),
        _baseline_sentence(money, lang),
    ]
    return {"title": text(lang, "hearing.title", town=town), "what": what}


def existing_section(bundle: ResultsBundle, lang: str) -> dict:
    """'What we found in the existing town': observed vs the old formula vs ML by district [m3/d].

    A public page: no value covers fewer than ``metadata.min_public_cell_buildings`` buildings;
    small districts are merged into one row named by their number, not their names (or all values
    left out) and the page says so (:func:`sewerplan.model.outputs.public_bundle.public_existing`).
    """
    from sewerplan.model.outputs.public_bundle import public_existing

    labels = {k: text(lang, f"hearing.existing.{k}")
              for k in ("district", "buildings", "observed", "pilot_formula", "ml", "unit")}
    if not bundle.existing:  # no existing-town check in this bundle: no section
        return {"existing_heading": "", "existing_labels": labels, "existing_rows": [], "existing_notes": [],
                "existing_merged": 0}
    existing = town_names(bundle, lang)[1]
    minimum = bundle.metadata.min_public_cell_buildings
    published = public_existing(bundle, lambda n: text(lang, "hearing.existing.other", n=n))
    rows = [{"district": r.district, "buildings": thousands(r.n_buildings),
             "values": [thousands(getattr(r, k)) for k in EXISTING_VALUES]} for r in published.rows]
    notes = [text(lang, "hearing.existing.rule", min=minimum)]
    if published.suppressed:
        notes.insert(0, text(lang, "hearing.existing.suppressed", min=minimum))
    elif published.n_merged:
        notes.insert(0, text(lang, "hearing.existing.merged", min=minimum, n=published.n_merged))
    return {"existing_heading": text(lang, "hearing.existing.heading", existing_town=existing),
            "existing_labels": labels, "existing_rows": rows, "existing_notes": notes,
            "existing_merged": published.n_merged}


def bill_section(money: dict, lang: str) -> dict:
    """'What does it mean for my bill?': the direction's amount and the recommended plant, per household [KRW/month].

    under: the city's part of the expected expansion cost; over: of the stranded capital; about
    right: the plant's city share and running cost. Every amount is >= 0 (no 'saving').
    """
    f, fee, direction, b = Fmt(lang), money["lead_fee"], money["lead"].direction, money["budget"]
    plant = b.fee
    labels = [text(lang, "hearing.bill.household", size=h["size"], m3_per_month=f.tons(round(h["m3_per_month"])))
              for h in fee.households] + [text(lang, "hearing.bill.pilot")]
    lead_values = [h["krw_per_month"] for h in fee.households] + [fee.pilot_example["krw_per_month"]]
    plant_values = [h["krw_per_month"] for h in plant.households] + [plant.pilot_example["krw_per_month"]]
    lead = text(lang, f"hearing.bill.lead.{direction}", amount=f.money(money["lead_amount"]),
                price_year=b.price_year, fee_4p=f.won(fee.household(4)), fee_pilot=f.won(fee.pilot_example["krw_per_month"]))
    notes = [] if direction == "about_right" else [
        text(lang, "hearing.bill.plant", fee_4p=f.won(plant.household(4)),
             range=f.won_range(b.fee_low.household(4), b.fee_high.household(4)))]
    notes.append(text(lang, "hearing.bill.note", price_year=b.price_year, rate=f.rate(b.financing_rate),
                      years=f"{money['asset_life_years']:g}", billed=f.tons(b.billed_m3_per_year),
                      krw_per_m3=thousands(fee.krw_per_m3)))
    return {
        "bill_lead": lead,
        "bill_column": text(lang, f"hearing.bill.column.{direction}"),
        "bill_column_plant": text(lang, "hearing.bill.column_plant") if direction != "about_right" else "",
        "bill_note": " ".join(notes),
        "bill_labels": labels,
        "bill_unit": text(lang, "hearing.bill.unit"),
        "bill_rows": [{"label": lab, "value": f.won(v), "plant": f.won(pv) if direction != "about_right" else ""}
                      for lab, v, pv in zip(labels, lead_values, plant_values)],
    }


def odour_section(money: dict, lang: str) -> dict:
    """'Odour and noise': what a plant that is too small, about right or too big means for neighbours."""
    direction = money["lead"].direction
    return {"odour": [text(lang, f"hearing.odour.{direction}.first"), text(lang, f"hearing.odour.{direction}.second"),
                      text(lang, "hearing.odour.land_kept")]}


def where_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """'Where and how': the site, the process, where treated water goes and the plan for the site (the city's texts).

    The site plan is said to be paid from the money the sizing avoids only when the project says so
    *and* the computed direction leaves such money (:func:`avoided_krw` > 0).
    """
    b = bundle.briefing
    if b is None:
        return {"where": []}
    lines = [text(lang, f"hearing.where.{k}", **{k: getattr(b, k)}) for k in ("site", "process", "receiving_water")
             if getattr(b, k)]
    if b.site_plan:
        lines.append(b.site_plan)
        avoided = avoided_krw(money)
        if b.site_plan_from_savings and avoided > 0:
            lines.append(text(lang, "hearing.where.from_savings", amount=Fmt(lang).money(avoided),
                              price_year=money["price_year"]))
    return {"where": lines}


def schedule_section(bundle: ResultsBundle, lang: str) -> dict:
    """'When': the city's schedule as plain lines ('2029–2031년: 공사')."""
    b = bundle.briefing
    steps = sorted(b.schedule, key=lambda s: SCHEDULE_STEPS.index(s.step)) if b is not None else []
    return {"hearing_schedule": [text(lang, "hearing.schedule.item", when=years_text(lang, s.start, s.end),
                                      step=text(lang, f"common.schedule.{s.step}")) for s in steps]}


def pays_section(money: dict, lang: str) -> dict:
    """'Who pays': the total cost by payer [KRW] and the yearly running cost, in plain words."""
    f, b = Fmt(lang), money["budget"]
    s, unset = b.funding, text(lang, "common.undecided")
    lines = [text(lang, "hearing.pays.lead", total=f.money(b.project.total_krw), price_year=b.price_year,
                  causer=f.money(s.causer_applied_krw), city=f.money(s.city_krw),
                  national=f.money(s.national_krw) if s.national_krw is not None else unset,
                  provincial=f.money(s.provincial_krw) if s.provincial_krw is not None else unset)]
    if s.national_krw is None and s.provincial_krw is None:
        lines.append(text(lang, "hearing.pays.shares_missing"))
    lines.append(text(lang, "hearing.pays.om", om=f.money(b.om.annual_krw, 1)))
    return {"pays": lines}


def avoided_krw(money: dict) -> float:
    """What building the recommended plant instead of the lead baseline's leaves unspent [KRW at the price year].

    Only when the baseline is above the need ('over') and its plant costs more than the recommended
    one; otherwise 0 (nothing is avoided that could be reused).
    """
    lead, per_method = money["lead"], money["per_method"]
    if lead.direction != "over" or lead.method not in per_method:
        return 0.0
    return max(per_method[lead.method].project.total_krw - money["budget"].project.total_krw, 0.0)


def reuse_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """The pilot's question to residents, how to reuse what the sizing avoids (only when something is avoided)."""
    avoided = avoided_krw(money)
    if avoided <= 0:
        return {"reuse": None}
    given = bundle.briefing.reuse_options if bundle.briefing is not None else []
    options = given or [text(lang, f"hearing.reuse.option.{k}") for k in ("fee", "pipes", "park")]
    return {"reuse": {"question": text(lang, "hearing.reuse.question", amount=Fmt(lang).money(avoided),
                                       price_year=money["price_year"]),
                      "options": options, "answer": text(lang, "hearing.reuse.answer")}}


def opinion_section(bundle: ResultsBundle, lang: str) -> dict:
    """How and by when residents send opinions (the city's deadline and address; nothing when neither is given)."""
    b = bundle.briefing
    if b is None or not (b.opinion_deadline or b.opinion_to):
        return {"opinion": ""}
    deadline = Fmt(lang).date(b.opinion_deadline) if b.opinion_deadline else ""
    municipality = town_names(bundle, lang)[2] or text(lang, "hearing.contact_fallback")
    key = "both" if deadline and b.opinion_to else "deadline" if deadline else "to"
    values = {"deadline": deadline, "to": b.opinion_to, "municipality": municipality}
    return {"opinion": text(lang, f"hearing.opinion.{key}", **{k: values[k] for k in placeholders(lang, f"hearing.opinion.{key}")})}


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
    if share is None or not bundle.households_by_size_year:
        return text(lang, "hearing.qa.small_households.a")
    return text(lang, "hearing.qa.small_households.a_share", share=pct(share), year=bundle.households_by_size_year)


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
    fee = money["lead_fee"]
    return {
        "recommended_capacity_m3_per_day": bundle.recommended_capacity_m3_per_day,
        "direction": money["lead"].direction,
        "lead_amount_krw": money["lead_amount"],
        "lead_fee_4p_krw_per_month": fee.household(4),
        "lead_fee_pilot_krw_per_month": fee.pilot_example["krw_per_month"],
        "plant_fee_4p_krw_per_month": money["budget"].fee.household(4),
        "price_year": money["price_year"],
    }
