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

import os
import threading
from pathlib import Path

__all__ = ["ENV_VAR", "configured_model_path", "get_model", "reset", "card_rows", "model_path_text"]

ENV_VAR = "SEWERPLAN_MODEL"
_lock = threading.Lock()
_cache: dict = {}


def _read_conf(path: Path) -> dict:
    out = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return out
    for line in text.splitlines():
        parts = [p.strip().strip('"') for p in line.split(",", 1)]
        if len(parts) == 2 and parts[0]:
            out[parts[0]] = parts[1]
    return out


def _conf_files() -> list[Path]:
    return [Path.home() / ".xlwings" / "xlwings.conf", Path(__file__).with_name("xlwings.conf")]


def configured_model_path() -> str | None:
    """The configured model path, or None for the bundled default."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return os.path.expandvars(os.path.expanduser(value))
    for conf in _conf_files():
        value = _read_conf(conf).get(ENV_VAR, "").strip()
        if value:
            return os.path.expandvars(os.path.expanduser(value))
    return None


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
    path = configured_model_path()
    return path if path else "bundled default / 기본 내장 모델"


def _fmt(v) -> str | float:
    if isinstance(v, bool):
        return "예 (yes)" if v else "아니오 (no)"
    if isinstance(v, (int, float)):
        return float(v)
    return "" if v is None else str(v)


def card_rows(card: dict, path_text: str = "") -> list[list]:
    """Model card -> two-column rows (항목 / item, 값 / value) for the worksheet."""
    cv = card.get("cross_validation", {}) or {}
    chosen = cv.get("chosen", {}) or {}
    rows = [
        ["항목 (item)", "값 (value)"],
        ["모델 ID (model id)", card.get("model_id", "")],
        ["작성일 (created)", card.get("created", "")],
        ["학습 자료 (trained on)", card.get("trained_on", "")],
        ["지역 (region)", card.get("region", "")],
        ["합성 자료 여부 (synthetic)", card.get("synthetic", "")],
        ["학습 자료 해시 (training data sha256)", card.get("training_data_sha256", "")],
        ["사용 행 수 (rows used)", (card.get("rows") or {}).get("used", "")],
        ["학습 방법 (learner)", card.get("learner", "")],
        ["교차검증 (cross-validation)", f"{cv.get('scheme', '')}, {cv.get('folds', '')} folds"],
    ]
    for key, value in chosen.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            rows.append([f"검증 지표 (CV metric) {key}", float(value)])
    intervals = card.get("intervals", {}) or {}
    rows.append(["예측구간 포함확률 (interval coverage)", intervals.get("nominal_coverage", "")])
    rows.append(["코드 버전 (code revision)", card.get("code_revision", "")])
    rows.append(["모델 파일 (model file)", path_text])
    note = card.get("prediction_note", "")
    if note:
        rows.append(["주의 (note)", note])
    return [[_fmt(a), _fmt(b)] for a, b in rows]
