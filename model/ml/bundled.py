"""The model bundled with sewerplan, on any scikit-learn the package admits.

A skops model only loads with the scikit-learn it was saved with (see
:mod:`~sewerplan.model.ml.persistence`). The bundled model is the one trained on the bundled
**synthetic** sample town (``sewerplan/sample_data``), deterministically (seed 0), so when the
installed scikit-learn differs from the one the shipped file was saved with, it is rebuilt
here from the same sample with the same procedure (about 20 s of CPU, once), saved in a
per-user cache folder and labelled as rebuilt in its card. Models users train themselves
are never rebuilt: they are refused with a "retrain" message.

Cache folder: ``SEWERPLAN_CACHE_DIR`` if set, else ``%LOCALAPPDATA%\\sewerplan\\Cache`` on
Windows, ``$XDG_CACHE_HOME/sewerplan`` or ``~/.cache/sewerplan`` elsewhere. The cached file
name carries the scikit-learn version and the shipped file's hash, so a new release or
another scikit-learn gets its own file.
"""

from __future__ import annotations

import hashlib
import os
import sys
from importlib import resources
from pathlib import Path

from ..fileio import file_sha256

__all__ = ["SAMPLE_FILES", "CACHE_ENV", "train_bundled_model", "cache_dir", "rebuilt_model_path",
           "bundled_model_path", "saved_sklearn_version"]

SEED = 0
CACHE_ENV = "SEWERPLAN_CACHE_DIR"
#: the bundled sample the shipped model is trained on (register, billing, household mix)
SAMPLE_FILES = ("synthetic_existing_register.csv", "synthetic_existing_billing.csv.gz",
                "synthetic_existing_household_mix.csv")


def _sample_path(name: str) -> Path:
    return Path(str(resources.files("sewerplan").joinpath("sample_data", name)))




def train_bundled_model():
    """Train the bundled model on the bundled synthetic sample town (deterministic, seed 0).

    The training table is built as ``sewerplan prepare`` builds it; the card's data hash is
    the SHA-256 of the three files' hashes. ``scripts/train_default_model.py`` writes the
    shipped file with this function.
    """
    from ..intake.prepare import prepare_training_table
    from .train import train_model

    register, billing, mix = (_sample_path(n) for n in SAMPLE_FILES)
    prep = prepare_training_table(register, billing, synthetic=True, household_mix=mix)
    table = prep.training_table
    months = prep.report["billing"]["months"]
    sha = hashlib.sha256((file_sha256(register) + file_sha256(billing) + file_sha256(mix)).encode()).hexdigest()
    trained_on = (
        f"SYNTHETIC sample town bundled with sewerplan (not a real town): existing town of 가온시, "
        f"{len(table)} buildings in {table['district'].nunique()} districts, billing {months[0]}-{months[-1]}; "
        f"{register.name} + {billing.name} + {mix.name}, joined by sewerplan prepare / 합성 예시 자료로 학습"
    )
    return train_model(table, coverage=0.90, seed=SEED, region="KR", synthetic=True,
                       data_sha256=sha, trained_on=trained_on)


def cache_dir() -> Path:
    """The per-user cache folder of sewerplan (not created here)."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "sewerplan" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sewerplan"


def saved_sklearn_version(card: dict) -> str | None:
    """The scikit-learn version a model card says its file was saved with."""
    return (card.get("libraries") or {}).get("scikit-learn")


def rebuilt_model_path(shipped: Path) -> Path:
    """Where the rebuild of ``shipped`` for the installed scikit-learn is cached."""
    import sklearn

    digest = file_sha256(shipped)[:12]
    return cache_dir() / f"default_model-sklearn{sklearn.__version__}-{digest}.skops"


def bundled_model_path(shipped: Path, shipped_card: dict) -> Path:
    """The bundled model file to load with the installed scikit-learn.

    The shipped file when its scikit-learn matches; otherwise the cached rebuild, made now
    if it is missing (:func:`rebuild`).
    """
    import sklearn

    if saved_sklearn_version(shipped_card) == sklearn.__version__:
        return shipped
    cached = rebuilt_model_path(shipped)
    from .card import card_path_for

    if not (cached.is_file() and card_path_for(cached).is_file()):
        rebuild(cached, shipped_card)
    return cached


def rebuild(target: Path, shipped_card: dict) -> Path:
    """Train the bundled model with the installed scikit-learn, label its card, save to ``target``."""
    import sklearn

    from .persistence import save_model

    model = train_bundled_model()
    was = saved_sklearn_version(shipped_card)
    model.card["rebuilt"] = {
        "reason": f"shipped model saved with scikit-learn {was}; this installation has {sklearn.__version__}",
        "shipped_model_id": shipped_card.get("model_id"),
        "shipped_scikit_learn": was,
        "note": "rebuilt from the bundled synthetic sample with the shipped procedure (seed 0) / "
                f"설치된 scikit-learn {sklearn.__version__} 으로 번들 합성 표본에서 다시 학습한 기본 모델",
    }
    model.card["trained_on"] = f"{model.card.get('trained_on', '')} [rebuilt for scikit-learn {sklearn.__version__}]"
    target.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, target, force=True)
    return target
