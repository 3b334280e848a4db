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

Printed, the plan must add up: :func:`controlled_round` rounds every cell to the printed unit so
that each year's payers add up to the year's total and the years add up to each payer's total
and the grand total (each cell is its exact value rounded up or down; totals are rounded to the
nearest unit where that keeps the table consistent).
"""

from __future__ import annotations

from dataclasses import dataclass

import math

from .costs import ProjectCost
from .funding import FundingSplit

__all__ = ["InvestmentYear", "yearly_investment", "controlled_round"]

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


def _max_flow(cap: list[list[float]], s: int, t: int) -> tuple[float, list[list[float]]]:
    """Edmonds-Karp on a small dense graph: (flow value, flow matrix)."""
    n = len(cap)
    flow = [[0.0] * n for _ in range(n)]
    total = 0.0
    while True:
        parent, queue = [-1] * n, [s]
        parent[s] = s
        for u in queue:
            for v in range(n):
                if parent[v] < 0 and cap[u][v] - flow[u][v] > 1e-9:
                    parent[v] = u
                    queue.append(v)
        if parent[t] < 0:
            return total, flow
        push, v = math.inf, t
        while v != s:
            push, v = min(push, cap[parent[v]][v] - flow[parent[v]][v]), parent[v]
        v = t
        while v != s:
            flow[parent[v]][v] += push
            flow[v][parent[v]] -= push
            v = parent[v]
        total += push


def _bounded_rounding(frac: list[list[float]], row_b, col_b, grand_b) -> list[list[int]] | None:
    """0/1 cells (only where ``frac`` > 0) whose row, column and grand sums fall in the given [low, high]
    bounds, as a feasible circulation with lower bounds; None when there is none."""
    nr, nc = len(frac), len(frac[0])
    src, snk, ss, tt = nr + nc, nr + nc + 1, nr + nc + 2, nr + nc + 3
    n = nr + nc + 4
    cap, excess = [[0.0] * n for _ in range(n)], [0.0] * n

    def edge(u, v, low, high):
        cap[u][v] += high - low
        excess[v] += low
        excess[u] -= low
    for i, (lo, hi) in enumerate(row_b):
        edge(src, i, lo, hi)
    for j, (lo, hi) in enumerate(col_b):
        edge(nr + j, snk, lo, hi)
    edge(snk, src, *grand_b)
    for i in range(nr):
        for j in range(nc):
            if frac[i][j] > 1e-9:
                edge(i, nr + j, 0, 1)
    need = 0.0
    for v in range(n - 2):
        if excess[v] > 0:
            cap[ss][v], need = excess[v], need + excess[v]
        elif excess[v] < 0:
            cap[v][tt] = -excess[v]
    value, flow = _max_flow(cap, ss, tt)
    if value < need - 1e-6:
        return None
    return [[int(round(flow[i][nr + j])) for j in range(nc)] for i in range(nr)]


def controlled_round(table: list[list[float]], unit: float) -> tuple[list[list[int]], list[int], list[int], int]:
    """Round a table [KRW] to whole units of ``unit`` [KRW] so that it adds up when printed.

    Returns (cells, row totals, column totals, grand total) in units. Every cell is its exact value
    rounded down or up, rows and columns add up to their totals, and the grand total and each
    column total are the nearest whole unit (as printed elsewhere in the paper) whenever the table
    allows it; otherwise each is rounded down or up (a controlled rounding, found as a feasible
    flow; one always exists with free totals).
    """
    exact = [[v / unit for v in row] for row in table]
    if not exact or not exact[0]:
        return [], [], [], 0
    floors = [[math.floor(v + 1e-9) for v in r] for r in exact]
    frac = [[v - f for v, f in zip(r, fr)] for r, fr in zip(exact, floors)]

    def bounds(values, floor_sums, fixed):
        out = []
        for v, f in zip(values, floor_sums):
            lo, hi = math.floor(v + 1e-9) - f, math.ceil(v - 1e-9) - f
            out.append((round(v) - f,) * 2 if fixed else (lo, hi))
        return out
    rows, cols = [sum(r) for r in exact], [sum(c) for c in zip(*exact)]
    rfl, cfl = [sum(r) for r in floors], [sum(c) for c in zip(*floors)]
    grand, gfl = sum(rows), sum(rfl)
    for fix_cols, fix_grand in ((True, True), (False, True), (False, False)):
        gb = (round(grand) - gfl,) * 2 if fix_grand else (math.floor(grand + 1e-9) - gfl, math.ceil(grand - 1e-9) - gfl)
        ups = _bounded_rounding(frac, bounds(rows, rfl, False), bounds(cols, cfl, fix_cols), gb)
        if ups is not None:
            cells = [[f + u for f, u in zip(fr, ur)] for fr, ur in zip(floors, ups)]
            return cells, [sum(r) for r in cells], [sum(c) for c in zip(*cells)], sum(map(sum, cells))
    raise ArithmeticError("no controlled rounding found")  # cannot happen for a table of finite numbers
