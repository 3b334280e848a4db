"""The standards (repository folder ``model/design/``): formulas a reviewer can audit.

- :mod:`.conventional`: the population formula (households x persons x L/person/day x factor)
  and its design flows; :mod:`.unit_loads`: the MOE notice's unit loads by building use;
- :mod:`.peaking`: peaking factors; :mod:`.capacity`: treatment plant capacity;
- :mod:`.parameters`: every default with unit, range and source; :mod:`.uses`: Building Act
  main uses and the pilot's four categories;
- :mod:`.estimate`: the methods applied to a building table, summed by district.

Imports only the shared top level (:mod:`sewerplan.model.units`, ``errors``).
"""

from .capacity import plant_capacity
from .conventional import design_flows, domestic_day_max, infiltration
from .estimate import METHOD_COLUMNS, district_summary, estimate_buildings, town_total
from .parameters import DEFAULT_PARAMETERS, DesignParameters, parameter_table
from .peaking import babbitt, gifft_max_day, harmon, korean_hourly, peaking_factor, ten_states
from .unit_loads import lookup_use, persons_per_dwelling, rooms_from_area, unit_load_flow, unit_load_table
from .uses import CATEGORIES, MAIN_USES, category_of, default_moe_code, main_use, normalised_uses

__all__ = [
    "CATEGORIES", "DEFAULT_PARAMETERS", "DesignParameters", "MAIN_USES", "METHOD_COLUMNS",
    "babbitt", "category_of", "default_moe_code", "design_flows", "district_summary", "domestic_day_max",
    "estimate_buildings", "gifft_max_day", "harmon", "infiltration", "korean_hourly", "lookup_use", "main_use",
    "normalised_uses", "parameter_table", "peaking_factor", "persons_per_dwelling", "plant_capacity",
    "rooms_from_area", "ten_states", "town_total", "unit_load_flow", "unit_load_table",
]
