"""Safe file writing: outputs are written atomically and inputs are never overwritten."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import InputFileError

__all__ = ["atomic_path", "check_output_path", "write_bytes_atomic", "write_text_atomic", "write_csv_atomic"]


def check_output_path(out, inputs=(), force=False) -> Path:
    """Refuse to write over an input file, or over an existing output without ``force``."""
    out = Path(out)
    for src in inputs:
        if src is not None and out.resolve() == Path(src).resolve():
            raise InputFileError(
                f"Output {out} is the input file; sewerplan never overwrites input data. "
                f"Choose another --out / 출력 파일이 입력 파일과 같습니다. 다른 --out 을 지정하세요."
            )
    if out.exists() and not force:
        raise InputFileError(
            f"Output {out} already exists. Use --force to replace it / "
            f"출력 파일 {out} 이(가) 이미 있습니다. 바꾸려면 --force 를 쓰세요."
        )
    if not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    return out


@contextlib.contextmanager
def atomic_path(target):
    """Yield a temporary path beside ``target``; move it into place only on success.

    A crash or an exception leaves any existing ``target`` untouched and removes the
    temporary file.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(target, data: bytes) -> Path:
    """Write bytes to ``target`` atomically."""
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(data)
    return Path(target)


def write_text_atomic(target, text: str, encoding: str = "utf-8") -> Path:
    """Write text to ``target`` atomically."""
    return write_bytes_atomic(target, text.encode(encoding))


def write_csv_atomic(df, target, **kwargs) -> Path:
    """Write a DataFrame as UTF-8 CSV (with BOM so Excel opens Korean text correctly)."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("encoding", "utf-8-sig")
    kwargs.setdefault("float_format", "%.10g")  # full precision without binary noise
    with atomic_path(target) as tmp:
        df.to_csv(tmp, **kwargs)
    return Path(target)
