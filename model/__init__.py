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
from .ml_train import TrainedModel, grouped_cv_predictions, train_model
from .persistence import ALLOWED_TYPES, default_model_path, load_model, save_model
from .screening import SCREENING_RULE, screen_observations
from .household_trend import default_household_trend, household_mix
from .scenario import Scenario, expand_scenario, load_scenario, sample_scenario_path
from .scenario_run import (
    ScenarioResult,
    capacity_by_year,
    capacity_needed,
    capacity_needed_by_year,
    compare_scenarios,
    run_scenario,
)
from .parameters import DEFAULT_PARAMETERS, DesignParameters, parameter_table
from .peaking import babbitt, gifft_max_day, harmon, korean_hourly, peaking_factor, ten_states
from .unit_loads import lookup_use, persons_per_dwelling, unit_load_flow, unit_load_table
from .uses import CATEGORIES, category_of, default_moe_code

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
