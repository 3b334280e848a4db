"""Where the worksheet functions find the ML model, and loading it once.

The model path is taken from, in this order:

1. the environment variable ``SEWERPLAN_MODEL`` (a path to a ``.skops`` file made by
   ``sewerplan train``; its ``.card.json`` must sit beside it);
2. the key ``SEWERPLAN_MODEL`` in the user's xlwings config file
   (``%USERPROFILE%\\.xlwings\\xlwings.conf``, lines ``"KEY","value"``, the file the xlwings
   add-in's settings write to), or in ``xlwings.conf`` shipped beside this module;
3. otherwise the model bundled with sewerplan (``sewerplan.model.ml.persistence.load_model()``).

The model is loaded on first use (lazily) and kept for the life of the Python process;
when the configured path changes, the next call loads the new one.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import locale
import os
import re
import threading
from pathlib import Path

from sewerplan.model.errors import ModelLoadError

from . import messages

__all__ = ["ENV_VAR", "SCENARIO_DIR_ENV", "DATA_DIR_ENV", "configured_model_path", "get_model", "reset", "card_rows",
           "model_path_text", "scenario_folder", "restrict_scenarios", "data_folder", "restrict_data", "on_server"]

ENV_VAR = "SEWERPLAN_MODEL"
#: folder the scenario_file argument of the worksheet functions is read from (relative names),
#: and, on the server, the only folder it may name
SCENARIO_DIR_ENV = "SEWERPLAN_SCENARIO_DIR"
_scenarios: contextvars.ContextVar = contextvars.ContextVar("sewerplan_scenario_folder", default=None)
#: folder the training_file argument (SEWER_LOCAL_UNITLOADS) is read from; on the server the only one
DATA_DIR_ENV = "SEWERPLAN_DATA_DIR"
_data: contextvars.ContextVar = contextvars.ContextVar("sewerplan_data_folder", default=None)
_lock = threading.Lock()
_cache: dict = {}


_QUOTED = re.compile(r'"[^"]*"')


def _decode_conf(path: Path, raw: bytes) -> str:
    """The text of an ``xlwings.conf`` file, decoded as xlwings reads it.

    xlwings' settings dialog (VBA) writes the file in the Windows ANSI code page, CP949 on
    Korean Windows, and xlwings reads it with ``open(path)`` (the locale's encoding). A file
    with a UTF-8 byte-order mark or valid UTF-8 is UTF-8; anything else is read in the
    locale's encoding, then CP949. A file none of them decodes raises (never ignored).
    """
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    tried = []
    for enc in ("utf-8", locale.getpreferredencoding(False), "cp949"):
        if not enc or codecs.lookup(enc).name in tried:
            continue
        tried.append(codecs.lookup(enc).name)
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ModelLoadError(str(messages.text("conf_unreadable", path=str(path), detail="encodings " + ", ".join(tried))))


def _read_conf(path: Path) -> dict:
    """``"KEY","value"`` lines of an xlwings config file -> {KEY: value}; {} when there is no file.

    Keys are compared case-insensitively (stored upper-case), as xlwings does; a file that
    exists but cannot be read raises :class:`~sewerplan.model.errors.ModelLoadError`.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ModelLoadError(str(messages.text("conf_unreadable", path=str(path), detail=str(exc)))) from None
    out = {}
    for line in _decode_conf(path, raw).splitlines():
        values = _QUOTED.findall(line.strip())
        if len(values) >= 2:
            key, value = values[0].strip('"'), values[1].strip('"')
        else:  # unquoted KEY,value (hand-written)
            key, _, value = (p.strip().strip('"') for p in line.partition(","))
        if key:
            out[key.strip().upper()] = value.strip()
    return out


def _conf_files() -> list[Path]:
    return [Path.home() / ".xlwings" / "xlwings.conf", Path(__file__).with_name("xlwings.conf")]


def configured_model_path() -> str | None:
    """The configured model path, or None for the bundled default."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return os.path.expandvars(os.path.expanduser(value))
    for conf in _conf_files():
        value = _read_conf(conf).get(ENV_VAR.upper(), "").strip()
        if value:
            return os.path.expandvars(os.path.expanduser(value))
    return None


@contextlib.contextmanager
def restrict_scenarios(folder):
    """Server calls: inside this block ``scenario_file`` may only name files inside ``folder``
    (``None``: the bundled samples only). Used by :mod:`sewerplan.xl_addin.server` around each
    call (a context variable: other threads and Excel on the user's own PC are not affected)."""
    token = _scenarios.set((Path(folder).resolve() if folder else None, True))
    try:
        yield
    finally:
        _scenarios.reset(token)


@contextlib.contextmanager
def restrict_data(folder):
    """Server calls: inside this block ``training_file`` may only name files inside ``folder``
    (``None``: no file at all), as :func:`restrict_scenarios` does for scenario files."""
    token = _data.set((Path(folder).resolve() if folder else None, True))
    try:
        yield
    finally:
        _data.reset(token)


def data_folder() -> tuple[Path | None, bool]:
    """(folder, restricted) for ``training_file``: on the server its data folder and True; in Excel on
    the user's own PC ``SEWERPLAN_DATA_DIR`` (relative names only) and False."""
    restricted = _data.get()
    if restricted is not None:
        return restricted
    value = os.environ.get(DATA_DIR_ENV, "").strip()
    return (Path(value).resolve() if value else None), False


def on_server() -> bool:
    """True inside a server call (paths outside the configured folders are refused, details logged)."""
    return bool(scenario_folder()[1] or data_folder()[1])


def scenario_folder() -> tuple[Path | None, bool]:
    """(folder, restricted): the scenario folder and whether paths outside it are refused.

    In Excel on the user's own PC (classic xlwings) any path is the user's own file; the
    folder from ``SEWERPLAN_SCENARIO_DIR`` only resolves relative names there.
    """
    restricted = _scenarios.get()
    if restricted is not None:
        return restricted
    value = os.environ.get(SCENARIO_DIR_ENV, "").strip()
    return (Path(value).resolve() if value else None), False


def get_model():
    """The ML model for the configured path, loaded once (thread-safe)."""
    path = configured_model_path()
    model = _cache.get(path)
    if model is not None:
        return model
    with _lock:
        model = _cache.get(path)
        if model is None:
            from sewerplan.model.ml.persistence import load_model

            model = load_model(path)
            _cache.clear()  # keep only the model in use
            _cache[path] = model
    return model


def reset() -> None:
    """Forget the loaded model (tests, or after retraining into the same file)."""
    with _lock:
        _cache.clear()


def model_path_text() -> str:
    """The model file as the card sheet shows it: the path on the user's own PC, only the file name
    over the server (the server's folders are not the caller's business)."""
    path = configured_model_path()
    if path:
        return Path(path).name if on_server() else path
    default = messages.text("bundled_model")
    return f"{default.en} / {default.ko}"  # English first, as this cell has always read


def _fmt(v) -> str | float:
    if isinstance(v, bool):
        return messages.cell_label("yes" if v else "no")
    if isinstance(v, (int, float)):
        return float(v)
    return "" if v is None else str(v)


def card_rows(card: dict, path_text: str = "") -> list[list]:
    """Model card -> two-column rows (항목 / item, 값 / value) for the worksheet."""
    cv = card.get("cross_validation", {}) or {}
    chosen = cv.get("chosen", {}) or {}
    label = messages.cell_label
    rows = [
        [label("card.item"), label("card.value")],
        [label("card.model_id"), card.get("model_id", "")],
        [label("card.created"), card.get("created", "")],
        [label("card.trained_on"), card.get("trained_on", "")],
        [label("card.region"), card.get("region", "")],
        [label("card.synthetic"), card.get("synthetic", "")],
        [label("card.training_data_sha256"), card.get("training_data_sha256", "")],
        [label("card.rows_used"), (card.get("rows") or {}).get("used", "")],
        [label("card.learner"), card.get("learner", "")],
        [label("card.cross_validation"), f"{cv.get('scheme', '')}, {cv.get('folds', '')} folds"],
    ]
    for key, value in chosen.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            rows.append([f"{label('card.cv_metric')} {key}", float(value)])
    intervals = card.get("intervals", {}) or {}
    rows.append([label("card.interval_coverage"), intervals.get("nominal_coverage", "")])
    rows.append([label("card.code_revision"), card.get("code_revision", "")])
    rows.append([label("card.model_file"), path_text])
    note = card.get("prediction_note", "")
    if note:
        rows.append([label("card.note"), note])
    return [[_fmt(a), _fmt(b)] for a, b in rows]
