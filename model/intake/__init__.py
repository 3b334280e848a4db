"""Reading and joining a city's data (repository folder ``model/intake/``).

- :mod:`.inventory`: the building-table contract, readers and validation;
- :mod:`.billing`: water bills; :mod:`.matching`: the meter-to-building join;
- :mod:`.household_composition`: household-size mix per building;
- :mod:`.prepare`: register + bills -> training table with a match report;
- :mod:`.screening`: the documented rule that flags implausible observations;
- :mod:`.household_trend`: the census household-size trend (feeds ML and scenarios).

Imports :mod:`sewerplan.model.design` and the shared top level only.
"""

from .. import _lazy_exports

_EXPORTS = {
    "CANONICAL_COLUMNS": "inventory", "load_buildings": "inventory", "read_table": "inventory",
    "validate_buildings": "inventory",
    "read_billing": "billing", "meter_day_averages": "billing",
    "match_meters": "matching", "normalise_pnu": "matching", "lot_address_key": "matching",
    "read_household_mix": "household_composition", "join_household_mix": "household_composition",
    "prepare_training_table": "prepare", "write_prepared": "prepare", "PREPARE_FILES": "prepare",
    "SCREENING_RULE": "screening", "screen_observations": "screening",
    "default_household_trend": "household_trend", "household_mix": "household_trend",
    "HH_SHARE_COLUMNS": "household_trend",
}
__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
