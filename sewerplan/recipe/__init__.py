"""Application code beside the command line (repository folder ``sewerplan/recipe/``).

- :mod:`.demo`: the municipality recipe run end to end (prepare, train, compare, forecast,
  scenario, workbook, results bundle, briefings);
- :mod:`.sample_town`: the generator of the bundled **synthetic** sample town.

Not domain code: it orchestrates :mod:`sewerplan.model` and :mod:`sewerplan.reporting`.
"""
