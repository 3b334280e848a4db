"""Public-hearing handout: one function per section, each returning its part of the context.

Plain language for residents; sentences come from the catalogue (``catalog.text``), chosen by the
direction of the city's plan against the need (``money["lead"]``). The money is the council
paper's (``money.money_figures``), told the same way: who pays the plant, the running cost, the
fee base of everyone connected (the new town included), and every amount a named field
(``money["figs"]``).
"""

from __future__ import annotations

from sewerplan.model.outputs.results import ResultsBundle

from sewerplan.model.outputs.briefing_section import SCHEDULE_STEPS

from .catalog import placeholders, text
from .filters import thousands
from .council_money import years_text
from .formatting import Fmt, town_names

__all__ = ["what_section", "where_section", "existing_section", "schedule_section", "pays_section", "bill_section",
           "odour_section", "reuse_section", "opinion_section", "qa_section", "contact_section", "hearing_numbers",
           "avoided_krw", "avoided_by_payer"]

EXISTING_VALUES = ("observed_m3_per_day", "pilot_formula_m3_per_day", "ml_m3_per_day")


def _baseline_sentence(money: dict, lang: str) -> str:
    """The city's plan against the need, worded by its computed direction."""
    from .council import lead_key

    lead, figs = money["lead"], money["figs"]
    values = {"baseline": figs.tons("lead.capacity_m3_per_day", lead.capacity_m3_per_day),
              "gap": figs.tons("lead.gap_m3_per_day", abs(lead.gap_m3_per_day)),
              "p_small": figs.prob("lead.probability_too_small", lead.probability_too_small),
              "p_large": figs.prob("lead.probability_too_large", lead.probability_too_large)}
    key = f"hearing.what.baseline.{lead_key(money)}"
    return text(lang, key, **{k: values[k] for k in placeholders(lang, key)})


def what_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """Title and 'what is being built, and why': capacity, expected flows [m3/d, said in tonnes], how it was checked.

    The day-average said here is the inflow the running cost is computed on (groundwater once).
    """
    town, existing, _ = town_names(bundle, lang)
    figs, b = money["figs"], money["budget"]
    what = [
        text(lang, "hearing.what.capacity", town=town, capacity=figs.tons("budget.project.capacity_m3_per_day",
                                                                          bundle.recommended_capacity_m3_per_day)),
        text(lang, "hearing.what.expected", day_average=figs.tons("budget.om.inflow_m3_per_day", b.om.inflow_m3_per_day),
             day_max=figs.tons("planned.ml.day_max", bundle.planned_total.ml.day_max_m3_per_day)),
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


def _bill_lead(money: dict, lang: str) -> str:
    """The recommended plant's effect on a household's bill, and the risk of the city's plan beside it."""
    from .council_money import fee_kind

    figs, b, lead, c = money["figs"], money["budget"], money["lead"], money["compare"]
    out = [text(lang, f"hearing.bill.lead.{fee_kind(money)}", billed=figs.tons("budget.billed_m3_per_year",
                                                                              b.billed_m3_per_year),
                krw_per_m3=figs.won("budget.fee.krw_per_m3", b.fee.krw_per_m3),
                fee_4p=figs.won("budget.fee.household_4", b.fee.household(4)))]
    if lead.direction != "over" and lead.expected_expansion_krw > 0.5:
        fee = money["lead_fee"]
        out.append(text(lang, "hearing.bill.risk.expansion",
                        amount=figs.money("lead.expected_expansion_krw", lead.expected_expansion_krw, payer="public"),
                        price_year=b.price_year, fee_4p=figs.won("lead_fee.household_4", fee.household(4)),
                        p_expansion=figs.prob("lead.probability_expansion", lead.probability_expansion)))
    elif c.get("relation") == "smaller":
        from .council_money import payer_words

        out.append(text(lang, "hearing.bill.risk.larger", price_year=b.price_year,
                        amount=figs.money("compare.larger_plant_extra_krw", c["total_krw"], payer=c["payer"]),
                        payer=payer_words(money, lang, "compare.larger_plant_extra_krw", c["by_payer"])))
    return " ".join(out)


def bill_section(money: dict, lang: str) -> dict:
    """'What does it mean for my bill?': the city's plan and the recommended plant side by side [KRW/month].

    Both columns are the same computation (the plant's city capital at the financing rate plus its
    running cost, over the fee base), so a larger plant never shows a smaller fee; the risk of the
    city's plan (its expected expansion) is said in the lead sentence.
    """
    f, b, lead = Fmt(lang), money["budget"], money["lead"]
    other = money["compare"].get("lead_budget") or b
    lead_fee = b.plant_fee(other.funding.city_krw, other.om.annual_krw)
    plant = b.fee
    labels = [text(lang, "hearing.bill.household", size=h["size"], m3_per_month=f.tons(round(h["m3_per_month"])))
              for h in plant.households] + [text(lang, "hearing.bill.pilot")]
    lead_values = [h["krw_per_month"] for h in lead_fee.households] + [lead_fee.pilot_example["krw_per_month"]]
    plant_values = [h["krw_per_month"] for h in plant.households] + [plant.pilot_example["krw_per_month"]]
    rows = [{"label": lab, "value": f.won(v), "plant": f.won(pv), "raw": (v, pv)}
            for lab, v, pv in zip(labels, lead_values, plant_values)]
    rows.append({"label": text(lang, "hearing.bill.per_ton"), "value": f.won(lead_fee.krw_per_m3),
                 "plant": f.won(plant.krw_per_m3), "raw": (lead_fee.krw_per_m3, plant.krw_per_m3)})
    figs = money["figs"]
    note = text(lang, "hearing.bill.note", price_year=b.price_year,
                rate=figs.share("budget.financing_rate", b.financing_rate, None),
                years=f"{money['asset_life_years']:g}", billed=figs.tons("budget.billed_m3_per_year",
                                                                          b.billed_m3_per_year))
    return {
        "bill_lead": _bill_lead(money, lang),
        "bill_column": text(lang, "hearing.bill.column.lead", capacity=f.tons(lead.capacity_m3_per_day)),
        "bill_column_plant": text(lang, "hearing.bill.column.plant", capacity=f.tons(b.project.capacity_m3_per_day)),
        "bill_note": note,
        "bill_labels": labels,
        "bill_unit": text(lang, "hearing.bill.unit"),
        "bill_rows": rows,
        "bill_capacities": (lead.capacity_m3_per_day, b.project.capacity_m3_per_day),
    }


def odour_section(money: dict, lang: str) -> dict:
    """'Odour and noise': what a plant that is too small, about right or too big means for neighbours."""
    direction = money["lead"].direction
    return {"odour": [text(lang, f"hearing.odour.{direction}.first"), text(lang, f"hearing.odour.{direction}.second"),
                      text(lang, "hearing.odour.land_kept")]}


def avoided_by_payer(money: dict) -> dict:
    """{payer: KRW} that building the recommended plant instead of the city's plan leaves unspent (all 0 unless
    the city's plan is the larger plant): the difference against the recommended plant, by whose money it is."""
    c = money["compare"]
    if c.get("relation") != "smaller":
        return {}
    return {p: v for p, v in c["by_payer"].items() if v > 0.5}


def avoided_krw(money: dict) -> float:
    """What building the recommended plant instead of the city's plan leaves unspent [KRW at the price year]."""
    return float(sum(avoided_by_payer(money).values()))


def _savings_use(bundle: ResultsBundle, money: dict) -> dict:
    """Where the avoided money goes: the underground premium of the site plan first (when the project says
    so and the avoided money covers it), the city's remaining part to the residents' question; never twice."""
    premium, avoided = money["site_premium_krw"], avoided_krw(money)
    b = bundle.briefing
    site = bool(b is not None and b.site_plan and b.site_plan_from_savings and premium > 0 and avoided >= premium)
    city = avoided_by_payer(money).get("city", 0.0)
    city_left = max(city - (premium if site else 0.0), 0.0) if site else city
    return {"site": site, "premium": premium, "avoided": avoided, "city_left": city_left}


def where_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """'Where and how': the site, the process, where treated water goes and the plan for the site (the city's texts).

    What the site plan costs is told under 'who pays' (:func:`_site_plan_cost`).
    """
    b = bundle.briefing
    if b is None:
        return {"where": []}
    lines = [text(lang, f"hearing.where.{k}", **{k: getattr(b, k)}) for k in ("site", "process", "receiving_water")
             if getattr(b, k)]
    if b.site_plan:
        lines.append(b.site_plan)
    return {"where": lines}


def schedule_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """'When': the city's schedule as plain lines ('2029–2031년: 공사'), and where the sewage goes before opening."""
    b, timeline, interim = bundle.briefing, money["timeline"], money["interim"]
    steps = sorted(b.schedule, key=lambda s: SCHEDULE_STEPS.index(s.step)) if b is not None else []
    lines = [text(lang, "hearing.schedule.item", when=years_text(lang, s.start, s.end),
                  step=text(lang, f"common.schedule.{s.step}")) for s in steps]
    if timeline is not None and interim["years"]:
        when = years_text(lang, interim["years"][0], interim["years"][-1])
        lines.append(text(lang, "hearing.schedule.interim", when=when, interim=timeline.interim) if timeline.interim
                     else text(lang, "hearing.schedule.interim_missing", when=when))
    return {"hearing_schedule": lines}


def pays_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """'Who pays': the plant by the funding structure, what building underground adds (and whether the money the
    sizing avoids pays for it), and the yearly running cost, as the council paper says it."""
    from .council_money import structure_values

    figs, b = money["figs"], money["budget"]
    key = f"hearing.pays.{b.structure}"
    values = {**structure_values(money, lang), "price_year": b.price_year}
    lines = [text(lang, key, **{k: values[k] for k in placeholders(lang, key)})]
    if b.funding.missing:
        lines.append(text(lang, "hearing.pays.shares_missing"))
    lines += _site_plan_cost(bundle, money, lang)
    lines.append(text(lang, "hearing.pays.om", om=figs.money("budget.om.annual_krw", b.om.annual_krw, 1)))
    return {"pays": lines}


def _site_plan_cost(bundle: ResultsBundle, money: dict, lang: str) -> list[str]:
    """What building underground adds to the total, and whether the money the sizing avoids pays for it."""
    b, use, figs = bundle.briefing, _savings_use(bundle, money), money["figs"]
    if b is None or not b.site_plan or use["premium"] <= 0:
        return []
    premium = figs.money("site_plan.premium_krw", use["premium"])
    if not use["site"]:
        return [text(lang, "hearing.where.underground", premium=premium, price_year=money["price_year"])]
    from .council_money import payer_words

    return [text(lang, "hearing.where.from_savings", premium=premium, price_year=money["price_year"],
                 amount=figs.money("avoided.total_krw", use["avoided"], payer=money["compare"]["payer"]),
                 payer=payer_words(money, lang, "avoided.total_krw", money["compare"]["by_payer"]))]


def reuse_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """The pilot's question to residents: how to reuse the city's money the sizing avoids (only when the city's
    own part is left after the site plan; the developer's money is not the residents' to spend)."""
    use = _savings_use(bundle, money)
    if use["city_left"] <= 0.5:
        return {"reuse": None}
    given = bundle.briefing.reuse_options if bundle.briefing is not None else []
    options = given or [text(lang, f"hearing.reuse.option.{k}") for k in ("fee", "pipes", "park")]
    amount = money["figs"].money("avoided.city_left_krw", use["city_left"], payer="city")
    return {"reuse": {"question": text(lang, "hearing.reuse.question", amount=amount, price_year=money["price_year"]),
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
    from .population import population_sentence

    tot = bundle.planned_total
    values = {"households": thousands(tot.households), "population": thousands(tot.population)}
    if not tot.households:
        return text(lang, "hearing.qa.population.a", **values)
    return text(lang, "hearing.qa.population.a_per_household", households=values["households"],
                reconciled=population_sentence(bundle, lang))


def _small_households_answer(bundle: ResultsBundle, money: dict, lang: str) -> str:
    share = _small_household_share(bundle)
    if share is None or not bundle.households_by_size_year:
        return text(lang, "hearing.qa.small_households.a")
    return text(lang, "hearing.qa.small_households.a_share", year=bundle.households_by_size_year,
                share=money["figs"].share("households.small_share", share))


def qa_section(bundle: ResultsBundle, money: dict, lang: str) -> dict:
    """'Questions people asked', with the town's own numbers in the answers."""
    answers = {"population": _population_answer(bundle, lang),
               "small_households": _small_households_answer(bundle, money, lang)}
    topics = ("uses", "population", "small_households", "rain", "use")
    return {"qa": [{"q": text(lang, f"hearing.qa.{t}.q"), "a": answers.get(t) or text(lang, f"hearing.qa.{t}.a")}
                   for t in topics]}


def contact_section(bundle: ResultsBundle, lang: str) -> dict:
    """Who to ask: the municipality's sewerage department."""
    municipality = town_names(bundle, lang)[2] or text(lang, "hearing.contact_fallback")
    return {"contact": text(lang, "hearing.contact", municipality=municipality)}


def hearing_numbers(bundle: ResultsBundle, money: dict) -> dict:
    """Raw numbers behind the printed ones (tests compare the two)."""
    fee, b = money["lead_fee"], money["budget"]
    return {
        "recommended_capacity_m3_per_day": bundle.recommended_capacity_m3_per_day,
        "direction": money["lead"].direction,
        "lead_method": money["lead"].method,
        "lead_amount_krw": money["lead_amount"],
        "lead_fee_4p_krw_per_month": fee.household(4),
        "lead_fee_pilot_krw_per_month": fee.pilot_example["krw_per_month"],
        "plant_fee_4p_krw_per_month": b.fee.household(4),
        "plant_fee_krw_per_m3": b.fee.krw_per_m3,
        "om_inflow_m3_per_day": b.om.inflow_m3_per_day,
        "om_annual_krw": b.om.annual_krw,
        "billed_m3_per_year": b.billed_m3_per_year,
        "total_krw": b.project.total_krw,
        "funding_structure": b.structure,
        "price_year": money["price_year"],
    }
