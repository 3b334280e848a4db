"""The standards (repository folder ``model/design/``): formulas a reviewer can audit.

- :mod:`.baselines`: the pilot formula (households x persons x L/person/day x factor, residential
  rows only) and the master-plan method (domestic + factory + infiltration once);
- :mod:`.conventional`: the population formula's domestic term and the design flows (day-average,
  day-max, hour-max); :mod:`.unit_loads`: the MOE notice's unit loads by building use;
- :mod:`.peaking`: peaking factors; :mod:`.capacity`: plant capacity (= design day-max) and
  utilisation as a review figure;
- :mod:`.parameters`: every default with unit, range and source; :mod:`.uses`: Building Act
  main uses and the pilot's four categories;
- :mod:`.estimate`: the methods applied to a building table, summed by district.

Imports only the shared top level (:mod:`sewerplan.model.units`, ``errors``).
"""

from .baselines import BASELINES, MasterPlanFigures, master_plan_day_max, pilot_formula_day_max
from .capacity import plant_capacity, review_year, utilisation_of
from .conventional import design_flows, domestic_day_max, infiltration
from .estimate import METHOD_COLUMNS, district_summary, estimate_buildings, master_plan_terms, town_total
from .parameters import DEFAULT_PARAMETERS, DesignParameters, parameter_table
from .peaking import babbitt, gifft_max_day, harmon, korean_hourly, peaking_factor, ten_states
from .unit_loads import lookup_use, persons_per_dwelling, rooms_from_area, unit_load_flow, unit_load_table
from .uses import CATEGORIES, MAIN_USES, category_of, default_moe_code, main_use, normalised_uses

__all__ = [
    "BASELINES", "CATEGORIES", "DEFAULT_PARAMETERS", "MasterPlanFigures", "master_plan_day_max",
    "master_plan_terms", "pilot_formula_day_max", "review_year", "utilisation_of", "DesignParameters", "MAIN_USES", "METHOD_COLUMNS",
    "babbitt", "category_of", "default_moe_code", "design_flows", "district_summary", "domestic_day_max",
    "estimate_buildings", "gifft_max_day", "harmon", "infiltration", "korean_hourly", "lookup_use", "main_use",
    "normalised_uses", "parameter_table", "peaking_factor", "persons_per_dwelling", "plant_capacity",
    "rooms_from_area", "ten_states", "town_total", "unit_load_flow", "unit_load_table",
]
