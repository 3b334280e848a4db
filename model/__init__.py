"""sewerplan.model: the estimation core (repository folder ``model/``).

Five rooms, imported one way only (a room never imports a room to its right)::

    design  <-  intake  <-  ml  <-  planning  <-  outputs

- :mod:`.design`: the standards: the pilot's population formula, MOE unit loads, peaking,
  plant capacity, parameters with their sources, building uses, per-building estimates.
- :mod:`.intake`: reading and joining a city's data: building table, billing, matching,
  household composition, screening, the census household trend.
- :mod:`.ml`: features, training, intervals, the model card, safe persistence, the NYC benchmark.
- :mod:`.planning`: build-out scenarios and money.
- :mod:`.outputs`: the results bundle and the workbooks and files a run writes.

Beside them, at this level, only what every room uses: :mod:`.units`, :mod:`.errors`,
:mod:`.fileio`. Everything works in one unit system: flows [m3/d], areas [m2], persons,
households and money [KRW]. See ``docs/architecture.md``.

The names below are the public API. The ML, planning and output parts import scikit-learn
or openpyxl; they load on first use so that ``sewerplan --help``, the design methods and the
Excel functions start quickly. Module paths of release 0.1 (``sewerplan.model.ml_train`` ...)
still import, with a DeprecationWarning, until release 0.3; the money modules of release 0.2
(``sewerplan.model.planning.finance``, ``.costs`` ...) until release 0.4 (:data:`MOVED_MODULES`).
"""

import importlib
import importlib.abc
import importlib.util
import sys
import warnings


def _lazy_exports(package: str, table: dict):
    """``__getattr__`` / ``__dir__`` for a package whose names load on first use (PEP 562).

    ``table`` maps a public name to the module (relative to ``package``) that defines it.
    """

    def __getattr__(name):
        if name in table:
            value = getattr(importlib.import_module(f".{table[name]}", package), name)
            setattr(sys.modules[package], name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__


from .errors import (  # noqa: E402
    InputFileError,
    InventoryValidationError,
    ModelLoadError,
    ParameterError,
    SewerplanError,
    UnknownBuildingUse,
)

# Every room loads on first use (issue 17: ``sewerplan --help`` imports no pandas).
_LAZY = {
    "plant_capacity": "design.capacity",
    "master_plan_day_max": "design.baselines", "pilot_formula_day_max": "design.baselines",
    "design_flows": "design.conventional", "domestic_day_max": "design.conventional",
    "infiltration": "design.conventional",
    "district_summary": "design.estimate", "estimate_buildings": "design.estimate", "town_total": "design.estimate",
    "DEFAULT_PARAMETERS": "design.parameters", "DesignParameters": "design.parameters",
    "parameter_table": "design.parameters",
    "babbitt": "design.peaking", "gifft_max_day": "design.peaking", "harmon": "design.peaking",
    "korean_hourly": "design.peaking", "peaking_factor": "design.peaking", "ten_states": "design.peaking",
    "lookup_use": "design.unit_loads", "persons_per_dwelling": "design.unit_loads",
    "unit_load_flow": "design.unit_loads", "unit_load_table": "design.unit_loads",
    "CATEGORIES": "design.uses", "category_of": "design.uses", "default_moe_code": "design.uses",
    "CANONICAL_COLUMNS": "intake.inventory", "load_buildings": "intake.inventory", "read_table": "intake.inventory",
    "validate_buildings": "intake.inventory",
    "TrainedModel": "ml.train", "grouped_cv_predictions": "ml.train", "train_model": "ml.train",
    "ALLOWED_TYPES": "ml.persistence", "default_model_path": "ml.persistence", "load_model": "ml.persistence",
    "save_model": "ml.persistence",
    "SCREENING_RULE": "intake.screening", "screen_observations": "intake.screening",
    "default_household_trend": "intake.household_trend", "household_mix": "intake.household_trend",
    "Scenario": "planning.scenario", "expand_scenario": "planning.scenario", "load_scenario": "planning.scenario",
    "sample_scenario_path": "planning.scenario",
    "ScenarioResult": "planning.scenario_run", "capacity_by_year": "planning.scenario_run",
    "capacity_needed": "planning.scenario_run", "capacity_needed_by_year": "planning.scenario_run",
    "compare_scenarios": "planning.scenario_run", "run_scenario": "planning.scenario_run",
}

#: Module paths of release 0.1 -> where the module lives now (deprecated aliases, removed in 0.3).
MOVED_MODULES = {
    "conventional": "sewerplan.model.design.conventional",
    "unit_loads": "sewerplan.model.design.unit_loads",
    "peaking": "sewerplan.model.design.peaking",
    "capacity": "sewerplan.model.design.capacity",
    "parameters": "sewerplan.model.design.parameters",
    "uses": "sewerplan.model.design.uses",
    "estimate": "sewerplan.model.design.estimate",
    "inventory": "sewerplan.model.intake.inventory",
    "billing": "sewerplan.model.intake.billing",
    "matching": "sewerplan.model.intake.matching",
    "household_composition": "sewerplan.model.intake.household_composition",
    "prepare": "sewerplan.model.intake.prepare",
    "screening": "sewerplan.model.intake.screening",
    "household_trend": "sewerplan.model.intake.household_trend",
    "ml_features": "sewerplan.model.ml.features",
    "ml_train": "sewerplan.model.ml.train",
    "ml_intervals": "sewerplan.model.ml.intervals",
    "model_card": "sewerplan.model.ml.card",
    "persistence": "sewerplan.model.ml.persistence",
    "nyc_ll84": "sewerplan.model.ml.nyc_ll84",
    "scenario": "sewerplan.model.planning.scenario",
    "scenario_run": "sewerplan.model.planning.scenario_run",
    "finance": "sewerplan.model.planning.money",
    "results": "sewerplan.model.outputs.results",
    "workbook": "sewerplan.model.outputs.workbook",
    "demo": "sewerplan.recipe.demo",
    "sample_town": "sewerplan.recipe.sample_town",
    # release 0.2 -> 0.3: the money modules became one sub-package (issue 22); planning.finance's parts
    # went to money.costs, .funding, .fees and .sizing, and the package names them all
    "planning.finance": "sewerplan.model.planning.money",
    "planning.finance_defaults": "sewerplan.model.planning.money.inputs",
    "planning.money_inputs": "sewerplan.model.planning.money.inputs",
    "planning.costs": "sewerplan.model.planning.money.costs",
    "planning.funding": "sewerplan.model.planning.money.funding",
    "planning.fees": "sewerplan.model.planning.money.fees",
    "planning.phasing": "sewerplan.model.planning.money.phasing",
    "planning.investment": "sewerplan.model.planning.money.investment",
    "planning.budget": "sewerplan.model.planning.money.budget",
    "planning.decision": "sewerplan.model.planning.money.decision",
}


def _moved(old: str):
    new = MOVED_MODULES[old]
    removed = "0.4" if old.startswith("planning.") else "0.3"
    warnings.warn(f"sewerplan.model.{old} moved to {new}; the old path is removed in sewerplan {removed}",
                  DeprecationWarning, stacklevel=3)
    return importlib.import_module(new)


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Lets ``import sewerplan.model.<old path>`` find the module at its new place."""

    def find_spec(self, fullname, path=None, target=None):
        prefix = __name__ + "."
        if fullname.startswith(prefix) and fullname[len(prefix):] in MOVED_MODULES:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return _moved(spec.name[len(__name__) + 1:])

    def exec_module(self, module):
        pass


if not any(isinstance(f, _MovedModuleFinder) for f in sys.meta_path):
    sys.meta_path.append(_MovedModuleFinder())

_lazy_getattr, __dir__ = _lazy_exports(__name__, _LAZY)


def __getattr__(name):
    if name in MOVED_MODULES:
        return _moved(name)
    return _lazy_getattr(name)


__all__ = [
    "ALLOWED_TYPES",
    "CANONICAL_COLUMNS",
    "CATEGORIES",
    "DEFAULT_PARAMETERS",
    "DesignParameters",
    "InputFileError",
    "InventoryValidationError",
    "ModelLoadError",
    "ParameterError",
    "SCREENING_RULE",
    "Scenario",
    "ScenarioResult",
    "SewerplanError",
    "TrainedModel",
    "UnknownBuildingUse",
    "babbitt",
    "capacity_by_year",
    "capacity_needed",
    "capacity_needed_by_year",
    "category_of",
    "compare_scenarios",
    "default_household_trend",
    "default_model_path",
    "default_moe_code",
    "design_flows",
    "district_summary",
    "domestic_day_max",
    "estimate_buildings",
    "expand_scenario",
    "gifft_max_day",
    "grouped_cv_predictions",
    "harmon",
    "household_mix",
    "infiltration",
    "korean_hourly",
    "load_buildings",
    "load_model",
    "load_scenario",
    "lookup_use",
    "parameter_table",
    "peaking_factor",
    "persons_per_dwelling",
    "plant_capacity",
    "pilot_formula_day_max",
    "master_plan_day_max",
    "read_table",
    "run_scenario",
    "sample_scenario_path",
    "save_model",
    "screen_observations",
    "ten_states",
    "town_total",
    "train_model",
    "unit_load_flow",
    "unit_load_table",
    "validate_buildings",
]
