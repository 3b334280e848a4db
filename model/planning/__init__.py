"""Planning (repository folder ``model/planning/``): build-out scenarios and money.

- :mod:`.scenario`: the scenario format (YAML / xlsx) and its expansion into buildings;
- :mod:`.scenario_run`: per-year runs, P10/P50/P90 capacity, exceedance, comparisons;
- :mod:`.money`: the money room (cost, who pays, fees, budget, the sizing decision; its own
  sub-package with one direction of imports);
- :mod:`.local_loads`, :mod:`.monitoring`: the city's own unit loads, the first bills after occupancy.

Imports design, intake, ml and the top level; never :mod:`~sewerplan.model.outputs`.
"""

from .. import _lazy_exports

_EXPORTS = {
    "Scenario": "scenario", "load_scenario": "scenario", "expand_scenario": "scenario",
    "sample_scenario_path": "scenario",
    "ScenarioResult": "scenario_run", "run_scenario": "scenario_run", "capacity_by_year": "scenario_run",
    "capacity_needed": "scenario_run", "capacity_needed_by_year": "scenario_run",
    "compare_scenarios": "scenario_run", "sizing_costs": "scenario_run",
    "FINANCE_DEFAULTS": "money.inputs", "sizing_savings": "money.sizing", "cost_curve": "money.costs",
}
__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
