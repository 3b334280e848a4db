"""The ``sewerplan`` command line (typer). Each area adds its commands from its own module."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="sewerplan",
    help="Building-by-building sewage forecasts for new towns / 신도시 건축물별 오수발생량 예측.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

# Area modules, each exposing ``register(app)``. Listed explicitly so a reader sees every command's home.
AREA_MODULES = ["cli_estimate", "cli_ml", "cli_recipe", "cli_report", "cli_excel", "cli_scenario"]

for _name in AREA_MODULES:
    try:
        _module = importlib.import_module(f"sewerplan.{_name}")
    except ModuleNotFoundError as exc:  # area not built yet during development
        if exc.name != f"sewerplan.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
