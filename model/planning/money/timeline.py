"""One timeline for the schedule, the phasing, the utilisation and the expansion years.

A council paper's schedule says when the plant is designed, built and opened; its phasing says
when a second train would start; its scenario table says how full the plant is each year; its
decision says when an expansion is forced. They must tell one story, so all of them read the same
:class:`Timeline`:

- the plant opens in ``opening_year`` (the schedule's operation year; else the year after
  construction ends); before it there is no plant to be full, exceeded or expanded;
- money is spent from ``spend_year`` (the first construction year; else the first year of need);
- the sewage of the years before opening goes where ``interim`` says (an existing plant, temporary
  capacity), with ``interim_capacity_m3_per_day`` when the city gives it; when it does not, the
  papers say that it is not decided.

Years are calendar years; capacities [m3/d].
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import ParameterError

__all__ = ["Timeline", "timeline_from"]


@dataclass(frozen=True)
class Timeline:
    """The plant's years (module docstring). ``None``: not given."""

    first_need_year: int | None = None  # the first year the new town sends sewage (the scenario's first year)
    design: tuple[int, int] | None = None
    construction: tuple[int, int] | None = None
    opening_year: int | None = None
    interim: str = ""  # where the sewage goes before opening (the city's words)
    interim_capacity_m3_per_day: float | None = None
    last_year: int | None = None  # the last year of the need by year (the scenario's)

    @property
    def spend_year(self) -> int | None:
        """The year capital is first spent (construction start), else the first year of need."""
        if self.construction is not None:
            return self.construction[0]
        if self.opening_year is not None:
            return self.opening_year - 1
        return self.first_need_year

    def operating(self, year: int) -> bool:
        """True when the plant runs in ``year`` (always, when no opening year is known)."""
        return self.opening_year is None or int(year) >= self.opening_year

    def interim_years(self, years) -> list[int]:
        """The years of ``years`` before the plant opens."""
        return [int(y) for y in years if not self.operating(y)]

    def not_before_opening(self, year: int | None) -> int | None:
        """``year``, moved to the opening year when it falls before it (None stays None)."""
        if year is None or self.opening_year is None:
            return year
        return max(int(year), self.opening_year)


def timeline_from(steps: dict | None = None, need_years=None, *, interim: str = "",
                  interim_capacity_m3_per_day: float | None = None) -> Timeline:
    """The timeline from the schedule's steps ``{step: (start, end)}`` and the years of need.

    Parameters
    ----------
    steps : dict, optional
        ``design``, ``construction``, ``operation`` (and other steps, ignored) as (start, end) years.
    need_years : sequence of int, optional
        The years of the need by year (scenario); the first is when sewage starts.
    interim, interim_capacity_m3_per_day
        Where the sewage goes before opening and its capacity [m3/d] (the city's input).

    Raises
    ------
    ParameterError
        When the plant would open before its construction ends.
    """
    steps = steps or {}
    years = sorted(int(y) for y in (need_years or []))
    construction, design = steps.get("construction"), steps.get("design")
    operation = steps.get("operation")
    opening = operation[0] if operation else (construction[1] + 1 if construction else None)
    if construction and opening is not None and opening <= construction[1]:
        raise ParameterError("briefing.schedule.operation", opening,
                             f"after construction ends ({construction[1]}): a plant opens when it is built")
    if interim_capacity_m3_per_day is not None and not interim_capacity_m3_per_day >= 0:
        raise ParameterError("interim_capacity_m3_per_day", interim_capacity_m3_per_day, ">= 0 m3/d")
    return Timeline(first_need_year=years[0] if years else None, design=tuple(design) if design else None,
                    construction=tuple(construction) if construction else None, opening_year=opening,
                    interim=interim or "", interim_capacity_m3_per_day=interim_capacity_m3_per_day,
                    last_year=years[-1] if years else None)
