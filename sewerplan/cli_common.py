"""Shared pieces of the command line: error reporting and parameter overrides."""

from __future__ import annotations

import contextlib
import sys

import typer
from rich.console import Console

from sewerplan.model.errors import SewerplanError

console = Console(stderr=True)
out_console = Console()

__all__ = ["console", "out_console", "user_errors", "require_extra"]

#: optional extras of the package: what each command needs beyond the base install
EXTRAS = {"excel": ("xlwings",), "server": ("xlwings", "fastapi", "uvicorn")}


def require_extra(extra: str) -> None:
    """Stop with a one-line message naming the extra to install when one of its modules is missing."""
    import importlib.util

    missing = [m for m in EXTRAS[extra] if importlib.util.find_spec(m) is None]
    if missing:
        console.print(
            f"이 명령에는 sewerplan[{extra}] 추가 구성요소가 필요합니다({', '.join(missing)} 없음). "
            f"설치: pip install \"sewerplan[{extra}]\" / This command needs the '{extra}' extra "
            f"(missing: {', '.join(missing)}): pip install \"sewerplan[{extra}]\"",
            markup=False, highlight=False,
        )
        raise typer.Exit(code=2)


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
