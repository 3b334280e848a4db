"""Money: the one place that runs the finance model for both briefings.

``money_figures(bundle, options)`` returns raw numbers [KRW, m3/d, -], including the sizing
decision computed from the bundle's capacities (:func:`~sewerplan.model.outputs.results.decision_for`);
the section builders format them. No saving is computed: every amount is an expected cost >= 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from sewerplan.model.outputs.results import METHODS, ResultsBundle, decision_for
from sewerplan.model.planning import finance

__all__ = ["FinanceOptions", "money_figures"]


@dataclass(frozen=True)
class FinanceOptions:
    """Money-model choices for a briefing (defaults and sources in ``finance.FINANCE_DEFAULTS``)."""

    curve: object = None  # CostCurve, a curve name or a unit cost [KRW/(m3/d)]; None = korea_2001_2025
    discount_rate: float | None = None  # [-/yr], default 0.045
    asset_life_years: float | None = None  # [yr], default 30
    causer_charge_krw_per_m3_per_day: float | None = None  # default: median of published prices
    return_ratio: float | None = None  # sewage / billed water, default 0.85


def _fee(capex_krw: float, billed_m3_per_day: float, opts: FinanceOptions):
    """Fee impact of recovering ``capex_krw`` [KRW] from billed water [m3/d]."""
    return finance.fee_impact(capex_krw, billed_m3_per_day, discount_rate=opts.discount_rate,
                              asset_life_years=opts.asset_life_years)


def _billed_volume(bundle: ResultsBundle, opts: FinanceOptions) -> float:
    """Fees are billed on metered water, so the fee base is the town's water use behind its sewage [m3/d]."""
    return bundle.billed_volume_m3_per_day or float(
        finance.billed_volume_from_sewage(bundle.planned_total.ml.day_average_m3_per_day, opts.return_ratio)
    )


def _per_method(bundle: ResultsBundle, curve, level: float, billed: float, opts: FinanceOptions) -> dict:
    """Capacity [m3/d], capex [KRW] with its curve band, and fee impact for each method and the recommendation."""
    c = bundle.capacity
    methods = [(m, getattr(c, f"{m}_m3_per_day")) for m in METHODS]
    methods += [("ml_p50", c.p50_m3_per_day), ("recommended", bundle.recommended_capacity_m3_per_day)]
    per_method = {}
    for key, cap in methods:
        if not cap:
            continue
        capex = float(curve.cost(cap))
        per_method[key] = {"capacity": cap, "capex": capex, "capex_band": curve.cost_interval(cap, level),
                           "fee": _fee(capex, billed, opts)}
    return per_method


def _lead_fee(decision, per_method: dict, billed: float, opts: FinanceOptions):
    """The amount [KRW] the lead baseline's direction puts on the fee, and its fee impact.

    under: the expected expansion cost; over: the stranded capital; about right: the
    recommended plant's capex. Every amount is >= 0.
    """
    lead = decision.row(decision.lead_method)
    amount = {"under": lead.expected_expansion_krw, "over": lead.stranded_capital_krw,
              "about_right": per_method["recommended"]["capex"]}[lead.direction]
    return lead, amount, _fee(amount, billed, opts)


def _causer_charge(bundle: ResultsBundle, opts: FinanceOptions) -> dict:
    """The developer's causer charge [KRW] at the chosen price and over the published price range."""
    default = finance.default_causer_charge_unit_price()
    price = opts.causer_charge_krw_per_m3_per_day or default["krw_per_m3_per_day"]
    # By law the charge uses the MOE building-use unit loads (the unit-load method's day-max).
    flow = bundle.planned_total.unit_load.day_max_m3_per_day
    return {
        "causer_charge": float(finance.causer_charge(flow, price)),
        "causer_charge_low": float(finance.causer_charge(flow, default["min_krw_per_m3_per_day"])),
        "causer_charge_high": float(finance.causer_charge(flow, default["max_krw_per_m3_per_day"])),
        "causer_charge_flow": flow,
        "causer_charge_price": price,
        "causer_charge_default": default,
    }


def money_figures(bundle: ResultsBundle, opts: FinanceOptions) -> dict:
    """The decision, per-method costs, fees, causer charge and the remainder to fund, as raw numbers."""
    level = bundle.capacity.interval_level
    curve = finance._resolve_curve(opts.curve)
    billed = _billed_volume(bundle, opts)
    decision = decision_for(bundle, curve=curve, billed_m3_per_day=billed, discount_rate=opts.discount_rate,
                            asset_life_years=opts.asset_life_years)
    per_method = _per_method(bundle, curve, level, billed, opts)
    lead, lead_amount, lead_fee = _lead_fee(decision, per_method, billed, opts)
    charge = _causer_charge(bundle, opts)
    remainder = max(per_method["recommended"]["capex"] - charge["causer_charge"], 0.0)
    return {
        "curve": curve,
        "level": level,
        "decision": decision,
        "lead": lead,
        "lead_amount": lead_amount,
        "lead_fee": lead_fee,
        "billed_m3_per_day": billed,
        "per_method": per_method,
        **charge,
        "remainder": remainder,
        "remainder_fee": _fee(remainder, billed, opts),
        "tariff": finance.tariff_reference(),
        "discount_rate": lead_fee.discount_rate,
        "asset_life_years": lead_fee.asset_life_years,
    }
