"""Optional part of the results bundle: the city's own unit loads and what they change.

``ResultsBundle.local_loads`` (:class:`LocalLoadsSection`) carries the per-use table (local
value, the notice's, the ratio, buildings behind it, local or fallback) and, for the planned
town, the unit-load design flows (building sewage + infiltration once; not the master-plan
method of the baselines) and causer charge by the notice's values and by the city's. The
council briefing prints a block from it when present; bundles without it stay valid.

Units: unit loads [L/(m2 d)] or [L/(person d)] as the row's ``unit`` says, day-max; flows
[m3/d]; money [KRW].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import ResultsBundleError

__all__ = ["LocalLoadRow", "LocalLoadsFlows", "LocalLoadsSection", "local_loads_section"]


@dataclass
class LocalLoadRow:
    """One use: the city's day-max value beside the notice's [L/(unit d)]."""

    use: str
    unit: str
    ministry_l_per_unit_day: float
    adopted_l_per_unit_day: float
    n_buildings: int
    fallback: bool  # True: fewer buildings than the minimum, the notice's value is kept
    local_l_per_unit_day: float | None = None  # day-max equivalent of the median (None if no building)
    ci_low_l_per_unit_day: float | None = None
    ci_high_l_per_unit_day: float | None = None
    moe_code: str = ""


@dataclass
class LocalLoadsFlows:
    """A planned town's flows and causer charge by one set of unit loads."""

    sewage_day_max_m3_per_day: float  # buildings, no infiltration (what the causer charge is levied on)
    day_average_m3_per_day: float  # unit-load design flows (building sewage + infiltration once)
    day_max_m3_per_day: float
    hour_max_m3_per_day: float
    plant_capacity_m3_per_day: float
    causer_charge_krw: float


@dataclass
class LocalLoadsSection:
    """The city's unit loads and, optionally, what they change for the planned town."""

    rows: list[LocalLoadRow]
    min_buildings: int
    period: str  # e.g. "2023-01 ~ 2024-12 (24개월)"
    rules: list[str] = field(default_factory=list)  # the rules in words (Korean)
    rules_en: list[str] = field(default_factory=list)
    notice: LocalLoadsFlows | None = None
    local: LocalLoadsFlows | None = None
    causer_price_krw_per_m3_per_day: float = 0.0
    synthetic: bool = False
    source: str = ""  # the training table the values came from

    def validate(self, source: str = "results bundle", path: str = "local_loads") -> None:
        """Rows present, fallback rows keep the notice's value, local rows have enough buildings,
        both flow sets present together, and charge = building sewage x price."""
        if not self.rows:
            raise ResultsBundleError("no rows / 원단위 행이 없습니다", source, f"{path}.rows")
        for i, r in enumerate(self.rows):
            _check_row(r, self.min_buildings, source, f"{path}.rows[{i}]")
        if (self.notice is None) != (self.local is None):
            missing = "notice" if self.notice is None else "local"
            raise ResultsBundleError("notice and local flows go together / 고시·지역 유량은 함께 있어야 합니다",
                                     source, f"{path}.{missing}")
        for key in ("notice", "local"):
            f = getattr(self, key)
            if f is None:
                continue
            expected = f.sewage_day_max_m3_per_day * self.causer_price_krw_per_m3_per_day
            if not math.isclose(f.causer_charge_krw, expected, rel_tol=1e-6, abs_tol=1.0):
                raise ResultsBundleError(f"{f.causer_charge_krw} is not sewage x price = {expected}", source,
                                         f"{path}.{key}.causer_charge_krw")


def _check_row(r: LocalLoadRow, min_buildings: int, source: str, where: str) -> None:
    if r.fallback:
        if not math.isclose(r.adopted_l_per_unit_day, r.ministry_l_per_unit_day, rel_tol=1e-9, abs_tol=1e-12):
            raise ResultsBundleError(f"fallback row must keep the notice's value {r.ministry_l_per_unit_day}, "
                                     f"not {r.adopted_l_per_unit_day} / 고시값 적용 행", source,
                                     f"{where}.adopted_l_per_unit_day")
        return
    if r.n_buildings < min_buildings:
        raise ResultsBundleError(f"{r.n_buildings} buildings < minimum {min_buildings} but not marked fallback",
                                 source, f"{where}.n_buildings")
    if r.local_l_per_unit_day is None or not math.isclose(r.adopted_l_per_unit_day, r.local_l_per_unit_day,
                                                          rel_tol=1e-9):
        raise ResultsBundleError("a local row adopts its local value / 지역 산정 행은 지역값을 채택", source,
                                 f"{where}.adopted_l_per_unit_day")
    lo, hi = r.ci_low_l_per_unit_day, r.ci_high_l_per_unit_day
    if lo is not None and hi is not None and not lo <= r.local_l_per_unit_day <= hi:
        raise ResultsBundleError(f"interval {lo}..{hi} does not contain the value {r.local_l_per_unit_day}",
                                 source, f"{where}.local_l_per_unit_day")


def _finite(v):
    return None if v is None or not math.isfinite(float(v)) else float(v)


def local_loads_section(table, changes: dict | None = None) -> LocalLoadsSection:
    """The bundle section from a :class:`~sewerplan.model.planning.local_loads.LocalLoadTable`
    and, optionally, :func:`~sewerplan.model.planning.local_loads.what_it_changes`."""
    rows = [LocalLoadRow(
        use=str(r["use"]), unit=str(r["unit"]), ministry_l_per_unit_day=float(r["ministry_l_per_unit_day"]),
        adopted_l_per_unit_day=float(r["adopted_l_per_unit_day"]), n_buildings=int(r["n_buildings"]),
        fallback=r["status"] != "local", local_l_per_unit_day=_finite(r["day_max_l_per_unit_day"]),
        ci_low_l_per_unit_day=_finite(r["day_max_ci_low"]), ci_high_l_per_unit_day=_finite(r["day_max_ci_high"]),
        moe_code=str(r["moe_code"]),
    ) for _, r in table.rows.iterrows()]
    statements = table.statements()
    section = LocalLoadsSection(rows=rows, min_buildings=int(table.rules.min_buildings),
                                period=statements[0][0].split(": ", 1)[-1], rules=[ko for ko, _ in statements],
                                rules_en=[en for _, en in statements], synthetic=bool(table.synthetic),
                                source=str(table.source))
    if changes is not None:
        keys = ("sewage_day_max_m3_per_day", "day_average_m3_per_day", "day_max_m3_per_day", "hour_max_m3_per_day",
                "plant_capacity_m3_per_day", "causer_charge_krw")
        section.notice = LocalLoadsFlows(**{k: float(changes["notice"][k]) for k in keys})
        section.local = LocalLoadsFlows(**{k: float(changes["local"][k]) for k in keys})
        section.causer_price_krw_per_m3_per_day = float(changes["price_krw_per_m3_per_day"])
    section.validate("local unit loads")
    return section
