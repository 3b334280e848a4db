"""The ``sewerplan`` command line (typer). Each area adds its commands from its own module."""

from __future__ import annotations

import typer

from sewerplan import cli_estimate, cli_excel, cli_ml, cli_recipe, cli_report, cli_scenario, cli_unitloads

app = typer.Typer(
    name="sewerplan",
    help="Building-by-building sewage forecasts for new towns / 신도시 건축물별 오수발생량 예측.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

# One module per area, each exposing ``register(app)``:
#   estimate, uses                 design methods on a building table (cli_estimate)
#   train, predict, benchmark      the ML model (cli_ml)
#   prepare, demo, sample          municipality recipe and the synthetic sample town (cli_recipe)
#   report                         PDF briefings (cli_report)
#   excel                          template workbook and Office.js server (cli_excel)
#   scenario                       planning scenarios (cli_scenario)
#   unitloads                      the city's own unit loads for an ordinance revision (cli_unitloads)
for _area in (cli_estimate, cli_ml, cli_recipe, cli_report, cli_excel, cli_scenario, cli_unitloads):
    _area.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
