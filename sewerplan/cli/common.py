"""Shared pieces of the command line: error reporting and parameter overrides."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import zipfile

import typer
from rich.console import Console

from sewerplan.model.errors import SewerplanError

console = Console(stderr=True)
out_console = Console()

__all__ = ["console", "out_console", "user_errors", "error_line", "require_extra"]

DEBUG_VARIABLE = "SEWERPLAN_DEBUG"  # set to 1 to see the Python traceback of an unexpected error

#: optional extras of the package: what each command needs beyond the base install
EXTRAS = {"excel": ("xlwings",), "server": ("xlwings", "fastapi", "uvicorn")}


def require_extra(extra: str) -> None:
    """Stop with a one-line message naming the extra to install when one of its modules is missing."""
    import importlib.util

    missing = [m for m in EXTRAS[extra] if importlib.util.find_spec(m) is None]
    if missing:
        kit = f'pip install --no-index --find-links KIT\\wheels "sewerplan[{extra}]"'
        console.print(
            f"이 명령에는 sewerplan[{extra}] 추가 구성요소가 필요합니다({', '.join(missing)} 없음). "
            f"설치: 오프라인 설치 꾸러미(sewerplan kit build --extras {extra})의 휠로 {kit} / This command needs the "
            f"'{extra}' extra (missing: {', '.join(missing)}): from the offline kit's wheels, {kit}",
            markup=False, highlight=False,
        )
        raise typer.Exit(code=2)


@contextlib.contextmanager
def user_errors():
    """Turn every error into one readable line and a non-zero exit, never a traceback.

    sewerplan's own errors and broken input (a file that is not what its name says, another text
    encoding, a full disk, a file Excel holds open) exit with code 2; anything unexpected exits
    with code 1 and says how to see the details (``SEWERPLAN_DEBUG=1``).
    """
    try:
        yield
    except (typer.Exit, typer.Abort, typer.BadParameter, SystemExit):
        raise
    except KeyboardInterrupt:  # pragma: no cover
        console.print("중단됨 (interrupted)")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one place every error becomes a message
        if os.environ.get(DEBUG_VARIABLE) and not isinstance(exc, SewerplanError):
            raise
        line, code = error_line(exc)
        # soft_wrap: one line whatever the terminal's width (a long path must not fold the message)
        console.print("[bold red]오류 (error):[/]", end=" ", soft_wrap=True)
        console.print(line, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=code) from None


def error_line(exc: BaseException) -> tuple[str, int]:
    """(message, exit code) for an error: what went wrong and what to do, Korean and English."""
    if isinstance(exc, SewerplanError):
        return str(exc), 2
    if isinstance(exc, zipfile.BadZipFile):
        return (f"a file is not a valid .xlsx / .skops (zip) file ({exc}); is it a CSV or another file renamed? "
                f"Save it again from Excel as .xlsx or give the .csv / 엑셀(.xlsx)·모델 파일 형식이 아닙니다. "
                f"엑셀에서 .xlsx 로 다시 저장하거나 .csv 를 쓰세요."), 2
    if isinstance(exc, UnicodeDecodeError):
        return (f"a text file is in an encoding sewerplan cannot read ({exc.encoding}: byte {exc.object[exc.start:exc.start + 1]!r} "
                f"at position {exc.start}); save it as UTF-8 (Excel: 'CSV UTF-8') / 파일 인코딩을 읽을 수 없습니다. "
                f"UTF-8(엑셀의 'CSV UTF-8')로 저장하세요."), 2
    if isinstance(exc, OSError):
        return _os_error_line(exc), 2
    if isinstance(exc, (MemoryError, RecursionError, OverflowError)):
        return (f"an input is too large or too deeply nested to process ({type(exc).__name__}: {exc}) / "
                f"입력이 너무 크거나 너무 깊게 중첩되어 처리할 수 없습니다."), 2
    return (f"unexpected error ({type(exc).__name__}: {exc}); run again with {DEBUG_VARIABLE}=1 for the details "
            f"and report it / 예기치 않은 오류입니다. {DEBUG_VARIABLE}=1 로 다시 실행해 자세한 내용을 알려 주세요."), 1


def _os_error_line(exc: OSError) -> str:
    name = exc.filename or ""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"disk full writing {name}; free some space and run again / 디스크 공간이 부족합니다: {name}"
    if isinstance(exc, PermissionError):
        return (f"permission denied: {name}; if the file is open in Excel, close it in Excel and run again / "
                f"권한이 없습니다: {name}. 엑셀에서 열려 있으면 닫고 다시 실행하세요.")
    if isinstance(exc, FileNotFoundError):
        return f"file or folder not found: {name} / 파일 또는 폴더가 없습니다: {name}"
    return f"cannot read or write {name}: {exc.strerror or exc} / 파일을 읽거나 쓸 수 없습니다: {name}"
