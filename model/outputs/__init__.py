"""What a run writes (repository folder ``model/outputs/``).

- :mod:`.results`: the results bundle (``results.json``), the reports' only input, split by what
  each part assembles (:mod:`.bundle`, :mod:`.bundle_parts`, :mod:`.bundle_json`,
  :mod:`.decision_section`, :mod:`.scenario_section`, :mod:`.finance_section`,
  :mod:`.briefing_section`, :mod:`.local_loads_section`, :mod:`.example`);
- :mod:`.workbook`: the results workbook (xlsx);
- :mod:`.scenario_outputs`: a scenario run's workbook, CSVs, summary and chart.

The top room of the model: it may import every other room; none imports it.
"""

from .. import _lazy_exports

_EXPORTS = {
    "ResultsBundle": "bundle", "scenario_section_from_result": "scenario_section", "example_bundle": "example",
    "decision_for": "decision_section",
    "write_results_workbook": "workbook", "column_label": "workbook",
    "write_scenario_outputs": "scenario_outputs", "write_comparison": "scenario_outputs",
    "capacity_chart": "scenario_outputs",
}
__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
