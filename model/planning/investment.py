"""Yearly investment plan (연차별 투자계획): the total project cost spread over the schedule's years.

A council budget paper shows how much is spent in which year and who pays it. From the project
cost build-up (:class:`~.costs.ProjectCost`), who pays (:class:`~.funding.FundingSplit`) and the
design and construction years of the city's schedule:

* construction and contingency are spread evenly over the construction years;
* design and supervision evenly over the design years (the construction years when no design
  years are given);
* land in the first design year (the first construction year without design years);
* each year is funded in the proportions of the whole split (causer charge, national,
  provincial, city), so the years add up to the split.

All amounts [KRW] at the price year's prices (no escalation): the plan shows the shape of the
spending, the city replaces it with its own when it has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .costs import ProjectCost
from .funding import FundingSplit

__all__ = ["InvestmentYear", "yearly_investment"]

PAYERS = ("causer", "national", "provincial", "city")


@dataclass
class InvestmentYear:
    """One year of the plan [KRW at the price year]."""

    year: int
    total_krw: float
    causer_krw: float
    national_krw: float | None  # None: the share was not entered
    provincial_krw: float | None
    city_krw: float


def _spread(amount: float | None, years: list[int], plan: dict[int, float]) -> None:
    """Add ``amount`` [KRW] to ``plan`` in equal parts over ``years`` (nothing for None or no years)."""
    if amount and years:
        for y in years:
            plan[y] = plan.get(y, 0.0) + amount / len(years)


def yearly_investment(project: ProjectCost, funding: FundingSplit, construction: tuple[int, int],
                      design: tuple[int, int] | None = None) -> list[InvestmentYear]:
    """The yearly investment plan over the design and construction years (see module docstring).

    Parameters
    ----------
    project : ProjectCost
        The cost build-up [KRW]; items not entered (None) are not in the plan, as not in the total.
    funding : FundingSplit
        Who pays the total [KRW].
    construction, design : (int, int)
        First and last calendar year of construction and of design (inclusive).

    Returns
    -------
    list of InvestmentYear
        One per year with spending, in year order; the totals add up to ``project.total_krw``.
    """
    build = list(range(construction[0], construction[1] + 1))
    plan_years = list(range(design[0], design[1] + 1)) if design else build
    plan: dict[int, float] = {}
    _spread((project.construction_krw or 0.0) + (project.contingency_krw or 0.0), build, plan)
    _spread(project.design_supervision_krw, plan_years, plan)
    _spread(project.land_krw, plan_years[:1], plan)
    total = funding.total_krw or 1.0
    shares = {"causer": funding.causer_applied_krw / total, "national": _share(funding.national_krw, total),
              "provincial": _share(funding.provincial_krw, total), "city": funding.city_krw / total}
    return [InvestmentYear(year=y, total_krw=v, **{f"{p}_krw": None if shares[p] is None else v * shares[p]
                                                   for p in PAYERS})
            for y, v in sorted(plan.items())]


def _share(amount: float | None, total: float) -> float | None:
    return None if amount is None else amount / total
