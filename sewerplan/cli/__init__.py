"""The ``sewerplan`` command line (typer): one module per command group, each adding its commands."""

from __future__ import annotations

from typing import Optional

import typer

from sewerplan import __version__
from sewerplan.cli import estimate, excel, key, kit, ml, recipe, report, run, scenario, unitloads

app = typer.Typer(
    name="sewerplan",
    help="Building-by-building sewage forecasts for new towns / 신도시 건축물별 오수발생량 예측.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    # Plain help text: units are written in square brackets ([m3/d], [persons/household]),
    # which rich markup would take for style tags and drop. Inherited by every sub-command.
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"sewerplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Optional[bool] = typer.Option(None, "--version", "-V", callback=_print_version, is_eager=True,
                                           help="Print the version and exit / 버전 표시"),
) -> None:
    """Building-by-building sewage forecasts for new towns / 신도시 건축물별 오수발생량 예측."""

# One module per area, each exposing ``register(app)``:
#   estimate, uses                 design methods on a building table (estimate)
#   train, predict, benchmark      the ML model (ml)
#   prepare, demo, sample          municipality recipe and the synthetic sample town (recipe)
#   run, init, monitor             a city's project file end to end; after occupancy (run)
#   report                         PDF briefings (report)
#   excel                          template workbook and Office.js server (excel)
#   scenario                       planning scenarios (scenario)
#   unitloads                      the city's own unit loads for an ordinance revision (unitloads)
#   key new                        a pseudonym key file for billing data (key)
#   kit, manual                    the offline install kit; the manuals as HTML (kit)
for _area in (estimate, ml, recipe, run, report, excel, scenario, unitloads, key, kit):
    _area.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
