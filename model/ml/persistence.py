"""Safe saving and loading of ML models: skops with a pinned allow-list, never pickle.

A model is two files side by side:

- ``MODEL.skops``: a skops archive holding ``{"format", "estimator", "meta"}`` where
  ``meta`` is a JSON string (learner, ratio correction, interval bounds, library versions);
- ``MODEL.card.json``: the model card (:mod:`sewerplan.model.ml.card`).

Loading refuses (with :class:`~sewerplan.model.errors.ModelLoadError` telling the user to
retrain with ``sewerplan train``):

- a file that contains any type outside :data:`ALLOWED_TYPES` (every type named in the
  archive's schema is checked, not only those skops itself distrusts);
- a model saved with another scikit-learn version (card or inner metadata);
- a missing or mismatching card, or a card edited after training: the SHA-256 of the card is
  stored inside the archive (``meta["card_sha256"]``), so the facts that drive warnings
  (``synthetic``, ``prediction_note``, region, intervals ...) cannot be changed beside the model;
- an archive whose zip directory announces more than :data:`MAX_ARCHIVE_BYTES` unpacked or
  :data:`MAX_ARCHIVE_ENTRIES` entries (a zip bomb), checked before anything is read.

The one exception to the version rule is the model bundled with the package: when the
installed scikit-learn differs from the one it was saved with, it is rebuilt from the bundled
sample and cached per user (:mod:`sewerplan.model.ml.bundled`), so the bundled model works
with every scikit-learn the package admits.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from importlib import resources
from pathlib import Path

from ..errors import ModelLoadError
from .arrays import ARRAYS_FORMAT, arrays_bytes, arrays_path_for, export_arrays
from .card import card_path_for, library_versions, read_card, write_card

__all__ = ["ALLOWED_TYPES", "FORMAT", "save_model", "load_model", "default_model_path", "types_in_file"]

FORMAT = "sewerplan-ml/4"  # 2: per-category back-transform correction; 3: the card's SHA-256 inside;
# 4: the new-building calibration of the newest-cohort check (meta["newest"])
READABLE_FORMATS = ("sewerplan-ml/3", FORMAT)  # a format-3 file loads as a model without the check
DEFAULT_MODEL_FILE = "default_model.skops"
MAX_ARCHIVE_BYTES = 500_000_000  # [bytes] unpacked, all entries of a model archive
MAX_ARCHIVE_ENTRIES = 50_000  # entries of a model archive
MAX_CARD_BYTES = 5_000_000  # [bytes] of a model card

# Reviewed list: every type the sewerplan ML pipelines (ml_train.make_estimator) put in a file.
ALLOWED_TYPES = frozenset(
    {
        "builtins.dict", "builtins.list", "builtins.tuple", "builtins.str", "builtins.int",
        "builtins.float", "builtins.bool", "builtins.NoneType", "builtins.slice",
        "functools.partial",
        "numpy.dtype", "numpy.ndarray", "numpy.float64", "numpy.float32", "numpy.int64",
        "numpy.int32", "numpy.uint8", "numpy.uint32", "numpy.uint64", "numpy.bool_",
        "numpy.random._generator.Generator", "numpy.random._pcg64.PCG64",
        "numpy.random.mtrand.RandomState",
        "sklearn._loss._loss.CyHalfPoissonLoss", "sklearn._loss._loss.CyHalfSquaredError",
        "sklearn._loss.link.IdentityLink", "sklearn._loss.link.Interval", "sklearn._loss.link.LogLink",
        "sklearn._loss.loss.HalfPoissonLoss", "sklearn._loss.loss.HalfSquaredError",
        "sklearn.compose._column_transformer.ColumnTransformer",
        # scikit-learn 1.5-1.6 keep a ColumnTransformer's remainder columns in this list subclass
        "sklearn.compose._column_transformer._RemainderColsList",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.impute._base.MissingIndicator", "sklearn.impute._base.SimpleImputer",
        "sklearn.linear_model._ridge.RidgeCV", "sklearn.linear_model._ridge.Ridge",
        "sklearn.pipeline.Pipeline",
        "sklearn.preprocessing._data.StandardScaler",
        "sklearn.preprocessing._encoders.OneHotEncoder", "sklearn.preprocessing._encoders.OrdinalEncoder",
        "sklearn.preprocessing._function_transformer.FunctionTransformer",
        "sklearn.utils.validation.check_array",
    }
)

_RETRAIN = (
    "Retrain the model with `sewerplan train --buildings FILE --out MODEL.skops` / "
    "`sewerplan train` 으로 모델을 다시 학습하세요."
)


def default_model_path() -> Path:
    """Path of the model shipped with the package (``sewerplan/model/data/default_model.skops``)."""
    return Path(str(resources.files("sewerplan.model").joinpath("data", DEFAULT_MODEL_FILE)))


def save_model(model, path, force: bool = False) -> Path:
    """Save a :class:`~sewerplan.model.ml.train.TrainedModel` as skops + card JSON (atomic).

    Refuses to replace an existing file unless ``force``.
    """
    import skops.io as sio

    from ..fileio import atomic_path, check_output_path

    if type(model.estimator if not isinstance(model.estimator, list) else model.estimator[0]).__module__ \
            == export_arrays.__module__:
        raise ValueError("a model loaded from its tree-array cache cannot be saved as a .skops: load it with "
                         "SEWERPLAN_ARRAY_CACHE=0 to save it again")
    path = check_output_path(path, force=force)
    card_path = card_path_for(path)
    if card_path.exists() and not force:
        check_output_path(card_path, force=False)
    arrays = _export_cache(model, path, force)
    meta = {
        "format": FORMAT,
        "model_id": model.model_id,
        "learner": model.learner,
        "correction": model.correction,
        "coverage": model.coverage,
        "intervals": model.intervals,
        "district_intervals": model.district_intervals,
        "location": model.location,
        "household_fill": bool(model.household_fill),
        "newest": model.newest,
        "year_bounds": model.year_bounds,
        "libraries": library_versions(),
        "card_sha256": card_digest(model.card),
    }
    if arrays is not None:
        meta["arrays_sha256"] = model.card["array_cache"]["sha256"]
    payload = {"format": FORMAT, "estimator": model.estimator, "meta": json.dumps(meta, default=float)}
    with atomic_path(path) as tmp:
        sio.dump(payload, tmp)
    written = [path, card_path]
    if arrays is not None:  # the cache names the .skops it was made with (a hash the card digest leaves out)
        from ..fileio import file_sha256

        model.card["array_cache"]["skops_sha256"] = file_sha256(path)
        cache_path = arrays_path_for(path)
        with atomic_path(cache_path) as tmp:
            Path(tmp).write_bytes(arrays)
        written.append(cache_path)
    write_card(model.card, card_path)
    for p in written:  # temp files are created 0600; a model is meant to be shared
        os.chmod(p, 0o644)
    return path


def _export_cache(model, path: Path, force: bool) -> bytes | None:
    """The tree-array cache's bytes (:mod:`.arrays`), recorded in the card; None when not reproduced."""
    from ..fileio import check_output_path

    model.card.pop("array_cache", None)
    exported = export_arrays(model.estimator, model.learner)
    if exported is None:
        return None
    cache_path = arrays_path_for(path)
    if cache_path.exists() and not force:
        check_output_path(cache_path, force=False)
    data = arrays_bytes(exported)
    model.card["array_cache"] = {
        "file": cache_path.name, "format": ARRAYS_FORMAT, "sha256": hashlib.sha256(data).hexdigest(),
        "skops_sha256": None,
        "what": "the fitted trees and linear model as plain arrays, scored with numpy for a fast first answer; "
                "derived from the .skops (the source of truth) and used only while both hashes match / "
                "빠른 첫 예측을 위한 모델 수치 사본(원본은 .skops, 해시가 맞을 때만 사용)",
    }
    return data


def card_digest(card: dict) -> str:
    """SHA-256 of a model card as JSON (keys sorted), the same for the card in memory and read back."""
    from ..fileio import json_ready
    from .card import _json_default

    normal = json_ready(card, _json_default)
    if isinstance(normal, dict) and isinstance(normal.get("array_cache"), dict):
        # the .skops hash is written into the card after the .skops (which holds this digest)
        normal = {**normal, "array_cache": {k: v for k, v in normal["array_cache"].items() if k != "skops_sha256"}}
    text = json.dumps(normal, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_checked_card(card_path: Path, path: Path) -> dict:
    """The card beside ``path``: a JSON object with the fields warnings depend on, else ModelLoadError."""
    try:
        if card_path.stat().st_size > MAX_CARD_BYTES:
            raise ValueError(f"larger than {MAX_CARD_BYTES:,} bytes")
        card = read_card(card_path)
    except (OSError, ValueError, RecursionError) as exc:
        raise ModelLoadError(f"Model card {card_path} cannot be read: {str(exc)[:200]}. {_RETRAIN}") from None
    fields = {"model_id": str, "synthetic": bool, "prediction_note": str, "libraries": dict}
    bad = [k for k, t in fields.items() if not isinstance(card, dict) or not isinstance(card.get(k), t)]
    if bad:
        raise ModelLoadError(f"Model card {card_path} is malformed (field {bad[0]!r} missing or of the wrong type); "
                             f"it does not belong to {path.name} / 모델 카드 형식이 올바르지 않습니다. {_RETRAIN}")
    return card


MAX_LEVEL_FACTOR = 5.0  # a new-building level factor outside [1/5, 5] is not a calibration but a broken file


def _finite_bounds(b) -> bool:
    import math

    return isinstance(b, list) and len(b) == 2 and all(isinstance(x, (int, float)) and math.isfinite(x) for x in b) \
        and b[0] <= b[1]


def _check_newest(newest, path: Path) -> None:
    """The new-building calibration drives every forecast of a new town: finite and plausible, or refused."""
    if newest is None:
        return
    import math

    try:
        factor = float(newest["level"]["factor"])
        ok = (math.isfinite(factor) and 1 / MAX_LEVEL_FACTOR <= factor <= MAX_LEVEL_FACTOR
              and _finite_bounds(newest["district_log_ratio_bounds"])
              and _finite_bounds(newest["intervals"]["pooled"])
              and all(_finite_bounds(v) for v in newest["intervals"]["by_group"].values()))
    except (KeyError, TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise ModelLoadError(f"{path}: the new-building calibration in the model file is not a valid set of finite "
                             f"numbers (level factor within 1/{MAX_LEVEL_FACTOR:g}..{MAX_LEVEL_FACTOR:g}). "
                             f"/ 모델 파일의 신축 건물 보정값이 올바르지 않습니다. {_RETRAIN}")


def _check_card_binding(meta: dict, card: dict, path: Path, card_path: Path) -> None:
    """The card must be the one written with the model (its SHA-256 is stored inside the archive)."""
    if meta.get("card_sha256") != card_digest(card):
        raise ModelLoadError(
            f"Model card {card_path} was changed after the model was trained (its SHA-256 does not match the one "
            f"stored in {path.name}); the card's facts (synthetic data, region, intervals) cannot be edited / "
            f"모델 카드가 학습 후 수정되었습니다(모델 파일에 저장된 해시와 다름). {_RETRAIN}"
        )


def check_archive(path) -> None:
    """Refuse a zip bomb: sizes and entry count from the zip directory, before any entry is read."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ModelLoadError(f"{path} is not a sewerplan model file (skops archive): {exc}. {_RETRAIN}") from None
    unpacked = sum(i.file_size for i in infos)
    if len(infos) > MAX_ARCHIVE_ENTRIES or unpacked > MAX_ARCHIVE_BYTES:
        raise ModelLoadError(
            f"Model {path} would unpack to {unpacked:,} bytes in {len(infos):,} entries (limits {MAX_ARCHIVE_BYTES:,} "
            f"bytes, {MAX_ARCHIVE_ENTRIES:,} entries); not loaded / 모델 파일의 압축 해제 크기가 한도를 넘어 불러오지 "
            f"않았습니다. {_RETRAIN}"
        )


def types_in_file(path) -> set[str]:
    """Every ``module.Class`` named in a skops archive's schema."""
    found: set[str] = set()

    def walk(o):
        if isinstance(o, dict):
            if "__module__" in o and "__class__" in o:
                found.add(f"{o['__module__']}.{o['__class__']}")
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    try:
        with zipfile.ZipFile(path) as z:
            walk(json.loads(z.read("schema.json")))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise ModelLoadError(
            f"{path} is not a sewerplan model file (skops archive): {exc}. "
            f"/ {path} 은(는) sewerplan 모델 파일이 아닙니다. {_RETRAIN}"
        ) from exc
    return found


def _check_versions(where: str, saved: dict, path) -> None:
    import sklearn

    got = (saved or {}).get("scikit-learn")
    if got != sklearn.__version__:
        raise ModelLoadError(
            f"Model {path} was saved with scikit-learn {got} ({where}); this installation has "
            f"scikit-learn {sklearn.__version__}. Models are only loaded with the version they were "
            f"made with: retrain it here, or use it where scikit-learn {got} is installed. "
            f"/ 이 모델은 scikit-learn {got} 으로 저장되었고 현재 버전은 "
            f"{sklearn.__version__} 입니다. {_RETRAIN}"
        )


def _is_bundled(path: Path) -> bool:
    try:
        return path.resolve() == default_model_path().resolve()
    except OSError:
        return False


def _bundled_for_this_installation(path: Path, card_path: Path) -> Path:
    """The shipped model, or its rebuild for the installed scikit-learn (see :mod:`.bundled`)."""
    from .bundled import bundled_model_path

    try:
        return bundled_model_path(path, read_card(card_path))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"The bundled model {path} cannot be prepared: {exc}. {_RETRAIN}") from exc


def _compiled_type_names() -> frozenset[str]:
    """Names the installed scikit-learn gives the reviewed compiled loss classes.

    Some builds (scikit-learn 1.5 wheels with a newer Cython) report ``_loss.CyHalfPoissonLoss``
    instead of ``sklearn._loss._loss.CyHalfPoissonLoss``; skops records that name. The names
    are taken from the classes themselves, so only these reviewed classes are admitted.
    """
    from sklearn._loss import _loss

    classes = (_loss.CyHalfPoissonLoss, _loss.CyHalfSquaredError)
    return frozenset(f"{cls.__module__}.{cls.__qualname__}" for cls in classes)


def _skops_io():
    """``skops.io``, imported without walking every scikit-learn module (issue 17: start fast).

    On import, skops lists every scikit-learn estimator (``all_estimators()`` imports all of
    scikit-learn, datasets and test helpers included: most of a second) only to build its own
    default trust list. sewerplan never relies on that list: every type in a model file is
    checked against :data:`ALLOWED_TYPES` and trusted explicitly. So the listing is skipped.
    """
    import sys

    if "skops.io" in sys.modules:
        return sys.modules["skops.io"]
    import sklearn.utils

    listing = sklearn.utils.all_estimators
    sklearn.utils.all_estimators = lambda *args, **kwargs: []
    try:
        import skops.io as sio
    finally:
        sklearn.utils.all_estimators = listing
    return sio


def load_model(path=None):
    """Load a model saved by :func:`save_model`; ``None`` loads the bundled default model.

    Raises
    ------
    ModelLoadError
        Missing file or card, types outside :data:`ALLOWED_TYPES`, another scikit-learn
        version, or a card that does not belong to the file. The message says to retrain.
    """
    path = default_model_path() if path is None else Path(path)
    if not path.is_file():
        raise ModelLoadError(f"Model file not found: {path} / 모델 파일이 없습니다: {path}. {_RETRAIN}")
    card_path = card_path_for(path)
    if not card_path.is_file():
        raise ModelLoadError(
            f"Model card {card_path} is missing beside {path}; a model is only used with its card. "
            f"/ 모델 카드 {card_path} 가 없습니다. {_RETRAIN}"
        )
    cached = _from_array_cache(path, card_path)
    if cached is not None:
        return cached
    sio = _skops_io()
    if _is_bundled(path):
        path = _bundled_for_this_installation(path, card_path)
        card_path = card_path_for(path)
    card = _read_checked_card(card_path, path)
    _check_versions("model card", card.get("libraries"), path)
    check_archive(path)

    # Every type the schema names must be on the allow-list; exactly those are trusted, and skops
    # refuses to load any other type it meets (so a type this walk missed cannot load either).
    allowed = ALLOWED_TYPES | _compiled_type_names()
    named = types_in_file(path)
    outside = named - allowed
    if outside:
        raise ModelLoadError(
            f"Model {path} contains types outside sewerplan's allow-list and was not loaded: "
            f"{sorted(outside)}. Only models made by `sewerplan train` can be used. "
            f"/ 허용되지 않은 형식이 들어 있어 모델을 불러오지 않았습니다. {_RETRAIN}"
        )
    try:
        payload = sio.load(path, trusted=sorted(named))
    except Exception as exc:  # noqa: BLE001 - any failure inside skops is a load failure
        raise ModelLoadError(f"Model {path} could not be loaded: {exc}. {_RETRAIN}") from exc
    if not isinstance(payload, dict) or payload.get("format") not in READABLE_FORMATS or not isinstance(payload.get("meta"), str):
        raise ModelLoadError(f"{path} is not a {FORMAT} model file (made by an older sewerplan?). {_RETRAIN}")
    meta = json.loads(payload["meta"])
    _check_versions("file metadata", meta.get("libraries"), path)
    if meta.get("model_id") != card.get("model_id"):
        raise ModelLoadError(
            f"Card {card_path} (model {card.get('model_id')}) does not belong to {path} "
            f"(model {meta.get('model_id')}). / 모델 카드와 모델 파일이 맞지 않습니다. {_RETRAIN}"
        )
    _check_card_binding(meta, card, path, card_path)
    _check_newest(meta.get("newest"), path)
    return _trained_model(payload["estimator"], meta, card)


def _trained_model(estimator, meta: dict, card: dict):
    from .train import TrainedModel

    return TrainedModel(
        estimator=estimator, learner=meta["learner"], correction={k: float(v) for k, v in meta["correction"].items()},
        coverage=float(meta["coverage"]), intervals=meta["intervals"],
        district_intervals=meta["district_intervals"], card=card, location=meta.get("location"),
        household_fill=bool(meta.get("household_fill", False)), newest=meta.get("newest"),
        year_bounds=meta.get("year_bounds"),
    )


def _from_array_cache(path: Path, card_path: Path):
    """The model from its tree-array cache (:mod:`.arrays`: no scikit-learn, no skops), or None."""
    from .arrays import cache_enabled, load_cached

    if not cache_enabled():
        return None
    card = _read_checked_card(card_path, path)
    got = load_cached(path, card)
    if got is None:
        return None
    meta, estimator = got
    if meta.get("format") not in READABLE_FORMATS or meta.get("model_id") != card.get("model_id"):
        return None
    _check_newest(meta.get("newest"), path)
    return _trained_model(estimator, meta, card)
