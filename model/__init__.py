"""sewerplan.model: the estimation core (repository folder ``model/``).

Everything here works in one unit system: flows [m3/d], areas [m2], persons,
households and money [KRW]. See ``docs/architecture.md``.
"""

from .capacity import plant_capacity
from .conventional import design_flows, domestic_day_max, infiltration
from .errors import (
    InputFileError,
    InventoryValidationError,
    ModelLoadError,
    ParameterError,
    SewerplanError,
    UnknownBuildingUse,
)
from .estimate import district_summary, estimate_buildings, town_total
from .inventory import CANONICAL_COLUMNS, load_buildings, read_table, validate_buildings
from .parameters import DEFAULT_PARAMETERS, DesignParameters, parameter_table
from .peaking import babbitt, gifft_max_day, harmon, korean_hourly, peaking_factor, ten_states
from .unit_loads import lookup_use, persons_per_dwelling, unit_load_flow, unit_load_table
from .uses import CATEGORIES, category_of, default_moe_code

# The ML and scenario parts import scikit-learn (about a second); they load on first use so
# that `sewerplan --help`, the design methods and the Excel functions start quickly.
_LAZY = {
    "TrainedModel": "ml_train", "grouped_cv_predictions": "ml_train", "train_model": "ml_train",
    "ALLOWED_TYPES": "persistence", "default_model_path": "persistence", "load_model": "persistence",
    "save_model": "persistence",
    "SCREENING_RULE": "screening", "screen_observations": "screening",
    "default_household_trend": "household_trend", "household_mix": "household_trend",
    "Scenario": "scenario", "expand_scenario": "scenario", "load_scenario": "scenario",
    "sample_scenario_path": "scenario",
    "ScenarioResult": "scenario_run", "capacity_by_year": "scenario_run", "capacity_needed": "scenario_run",
    "capacity_needed_by_year": "scenario_run", "compare_scenarios": "scenario_run", "run_scenario": "scenario_run",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "ALLOWED_TYPES",
    "Scenario",
    "ScenarioResult",
    "capacity_by_year",
    "capacity_needed",
    "capacity_needed_by_year",
    "compare_scenarios",
    "expand_scenario",
    "default_household_trend",
    "household_mix",
    "load_scenario",
    "run_scenario",
    "sample_scenario_path",
    "SCREENING_RULE",
    "TrainedModel",
    "default_model_path",
    "grouped_cv_predictions",
    "load_model",
    "save_model",
    "screen_observations",
    "train_model",
    "CANONICAL_COLUMNS",
    "CATEGORIES",
    "DEFAULT_PARAMETERS",
    "DesignParameters",
    "InputFileError",
    "InventoryValidationError",
    "ModelLoadError",
    "ParameterError",
    "SewerplanError",
    "UnknownBuildingUse",
    "babbitt",
    "category_of",
    "default_moe_code",
    "design_flows",
    "district_summary",
    "domestic_day_max",
    "estimate_buildings",
    "gifft_max_day",
    "harmon",
    "infiltration",
    "korean_hourly",
    "load_buildings",
    "lookup_use",
    "parameter_table",
    "peaking_factor",
    "persons_per_dwelling",
    "plant_capacity",
    "read_table",
    "ten_states",
    "town_total",
    "unit_load_flow",
    "unit_load_table",
    "validate_buildings",
]
