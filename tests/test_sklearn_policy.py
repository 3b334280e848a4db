"""Issue 14.1: the bundled model works on every scikit-learn the package admits.

CI runs this file twice: in the project venv (the highest admitted scikit-learn) and in a
separate venv with the lowest admitted one (``.ci/run``), where the shipped file's version
really differs and the rebuild path runs for real. The simulations below make the versions
differ in any venv by editing a copy of the shipped card.
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from sewerplan.model.errors import ModelLoadError
from sewerplan.model.ml import bundled, persistence
from sewerplan.model.ml.card import card_path_for

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv(bundled.CACHE_ENV, str(d))
    return d


def _sample_buildings():
    from sewerplan.model.intake.inventory import load_buildings

    path = Path(str(resources.files("sewerplan").joinpath("sample_data", "sample_buildings.csv")))
    return load_buildings(path)[0]


def _copy_shipped(dst: Path, sklearn_version: str) -> Path:
    """A copy of the shipped model whose card says it was saved with ``sklearn_version``."""
    src = persistence.default_model_path()
    dst.mkdir(parents=True, exist_ok=True)
    target = dst / src.name
    shutil.copy2(src, target)
    card = json.loads(card_path_for(src).read_text(encoding="utf-8"))
    card["libraries"]["scikit-learn"] = sklearn_version
    card_path_for(target).write_text(json.dumps(card), encoding="utf-8")
    return target


def test_bundled_model_loads_and_predicts_on_installed_sklearn(cache):
    import sklearn

    model = persistence.load_model()
    pred = model.predict(_sample_buildings())
    assert len(pred) > 0 and np.isfinite(pred["ml_m3_per_day"]).all() and (pred["ml_m3_per_day"] >= 0).all()
    assert model.card["synthetic"] is True
    shipped = json.loads(card_path_for(persistence.default_model_path()).read_text(encoding="utf-8"))
    if bundled.saved_sklearn_version(shipped) != sklearn.__version__:  # the lowest-version CI venv
        assert "rebuilt" in model.card and sklearn.__version__ in model.card["rebuilt"]["reason"]
        assert list(cache.glob(f"default_model-sklearn{sklearn.__version__}-*.skops"))
    else:
        assert "rebuilt" not in model.card and not cache.exists()


def test_bundled_model_rebuilt_labelled_and_cached_when_versions_differ(tmp_path, cache, monkeypatch):
    import sklearn

    fake_shipped = _copy_shipped(tmp_path / "pkg", "1.4.2")
    monkeypatch.setattr(persistence, "default_model_path", lambda: fake_shipped)
    model = persistence.load_model()
    assert model.card["rebuilt"]["shipped_scikit_learn"] == "1.4.2"
    assert f"rebuilt for scikit-learn {sklearn.__version__}" in model.card["trained_on"]
    assert model.card["synthetic"] is True and "SYNTHETIC" in model.card["prediction_note"]
    cached = list(cache.glob("default_model-sklearn*.skops"))
    assert len(cached) == 1 and card_path_for(cached[0]).is_file()

    shipped_card = json.loads(card_path_for(_real_default()).read_text(encoding="utf-8"))
    if bundled.saved_sklearn_version(shipped_card) == sklearn.__version__:
        # same scikit-learn as the shipped file: the rebuild is the shipped model (deterministic)
        assert model.model_id == shipped_card["model_id"]
        shipped_model = persistence.load_model(_real_default())
        frame = _sample_buildings()
        np.testing.assert_allclose(model.predict(frame)["ml_m3_per_day"],
                                   shipped_model.predict(frame)["ml_m3_per_day"], rtol=1e-9)

    # second load: from the cache, no training
    monkeypatch.setattr(bundled, "train_bundled_model", lambda: pytest.fail("retrained instead of using the cache"))
    again = persistence.load_model()
    assert again.model_id == model.model_id


def _real_default() -> Path:
    return Path(str(resources.files("sewerplan.model").joinpath("data", persistence.DEFAULT_MODEL_FILE)))


def test_users_model_from_another_sklearn_is_refused_with_retrain_message(tmp_path, cache):
    own = _copy_shipped(tmp_path / "mine", "1.4.2")  # not the bundled file: a user's model
    with pytest.raises(ModelLoadError) as err:
        persistence.load_model(own)
    msg = str(err.value)
    assert "1.4.2" in msg and "sewerplan train" in msg and "다시 학습" in msg
    assert not cache.exists()  # never rebuilt


def test_ci_checks_the_lowest_admitted_sklearn():
    spec = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    low = re.search(r'"scikit-learn>=([0-9.]+),<([0-9.]+)"', spec).group(1)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    pinned = re.search(r'SKLEARN_LOWEST="([0-9.]+)"', ci).group(1)
    assert [int(p) for p in pinned.split(".")] == [int(p) for p in (low + ".0.0").split(".")[:3]]
    assert '"scikit-learn==${SKLEARN_LOWEST}"' in ci and "tests/test_sklearn_policy.py" in ci
