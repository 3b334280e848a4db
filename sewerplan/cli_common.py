"""Shared pieces of the command line: error reporting and parameter overrides."""

from __future__ import annotations

import contextlib
import sys

import typer
from rich.console import Console

from sewerplan.model.errors import SewerplanError

console = Console(stderr=True)
out_console = Console()

__all__ = ["console", "out_console", "user_errors"]


@contextlib.contextmanager
def user_errors():
    """Turn sewerplan's own errors into a readable message and exit code 2 (no traceback)."""
    try:
        yield
    except SewerplanError as exc:
        console.print("[bold red]오류 (error):[/]", end=" ")
        console.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(code=2) from None
    except KeyboardInterrupt:  # pragma: no cover
        console.print("중단됨 (interrupted)")
        sys.exit(130)
