"""``sewerplan key new``: a pseudonym key file made right (issue 23 finding 11).

The key of the customer-number pseudonyms (:mod:`sewerplan.model.intake.privacy`) must be hard to
guess: whoever has it can recompute every pseudonym from a list of customer numbers. This writes
64 hex digits of 32 random bytes from the operating system's generator into a new file readable by
its owner only (mode 0600 on Linux and macOS; on Windows keep it under your own profile folder,
which only you and the administrators can read). An existing key file is never replaced without
``--force``: a new key changes every pseudonym, so this year's extract no longer links with last
year's.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import typer

from sewerplan.cli.common import console, user_errors

__all__ = ["register", "key_new", "write_key_file"]

key_app = typer.Typer(help="Pseudonym key for billing data / 요금 자료 가명처리 키", no_args_is_help=True)


def write_key_file(out, force: bool = False) -> Path:
    """Write a new key to ``out`` (owner-only permissions, never over an existing file without ``force``)."""
    from sewerplan.model.fileio import check_output_path
    from sewerplan.model.intake.privacy import new_key_text

    out = check_output_path(out, force=force)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(new_key_text())
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return out


@key_app.command("new")
def key_new(
    out: Path = typer.Option(..., "--out", "-o", help="Key file to write, outside every output folder / 키 파일"),
    force: bool = typer.Option(False, "--force", help="Replace an existing key (every pseudonym changes) / 덮어쓰기"),
) -> None:
    """Write a new random pseudonym key file (64 hex digits, readable by you only) / 새 가명처리 키 파일을 만듭니다."""
    with user_errors():
        path = write_key_file(out, force=force)
    console.print(f"key written / 키 저장: {path} (owner-only / 소유자만 읽기). Use it with privacy.key_file in the "
                  "project file or --key-file; keep it outside every output folder and back it up / 프로젝트 파일의 "
                  "privacy.key_file 또는 --key-file 로 쓰고, 결과 폴더 밖에 보관·백업하세요.",
                  markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(key_app, name="key")
