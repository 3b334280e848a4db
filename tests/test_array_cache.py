"""The tree-array cache (issue 25): the numpy twin of a model equals scikit-learn, and a cache that
does not match its hashes is refused (the model then loads from the .skops)."""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sewerplan.model.errors import ModelLoadError
from sewerplan.model.ml import arrays, persistence
from sewerplan.model.ml.card import card_path_for
from sewerplan.model.ml.features import build_features
from sewerplan.model.ml.persistence import default_model_path, load_model, save_model
from sewerplan.model.ml.train import train_model

from test_ml_train import make_town

COLUMNS = ["ml_m3_per_day", "ml_lower_m3_per_day", "ml_upper_m3_per_day"]


def _from_cache(model) -> bool:
    members = model.estimator if isinstance(model.estimator, list) else [model.estimator]
    return all(type(m).__module__ == arrays.__name__ for m in members)


def _skops_model(path, monkeypatch):
    with monkeypatch.context() as m:
        m.setenv(arrays.CACHE_ENV, "0")
        model = load_model(path)
    assert not _from_cache(model)
    return model


def _with_gaps(table: pd.DataFrame) -> pd.DataFrame:
    """The table with missing values, an unknown use and extreme sizes in some rows."""
    t = table.copy().reset_index(drop=True)
    for i, col in enumerate(["households", "approval_year", "floor_area_m2", "dwelling_units", "floors_above"]):
        if col in t.columns:
            t[col] = pd.to_numeric(t[col], errors="coerce").astype(float)
            t.loc[i::7, col] = np.nan
    t.loc[3::11, "main_use"] = "우주정거장"  # not a use the model knows
    t.loc[5::13, "floor_area_m2"] = 5e6
    if "category" in t.columns:
        t.loc[2::17, "category"] = np.nan
    return t


def _assert_same(cached, reference, table):
    a, b = cached.predict(table), reference.predict(table)
    for c in COLUMNS:
        np.testing.assert_array_equal(a[c].to_numpy(), b[c].to_numpy(), err_msg=c)
    assert (a["ml_model_note"] == b["ml_model_note"]).all() and (a["ml_model_id"] == b["ml_model_id"]).all()


def _sample_buildings():
    from sewerplan.model.intake.inventory import load_buildings

    path = Path(str(resources.files("sewerplan").joinpath("sample_data", "sample_buildings.csv")))
    return load_buildings(path)[0]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A freshly trained small blend model (the three learners) saved with its cache."""
    town = make_town(n=240, n_districts=8, seed=3)
    model = train_model(town, learner="blend", max_iter=15, n_splits=3, newest_cohort=None, synthetic=True,
                        trained_on="generated test town")
    path = save_model(model, tmp_path_factory.mktemp("small") / "small.skops")
    return path, town


def test_bundled_model_ships_its_cache_and_it_equals_scikit_learn(monkeypatch):
    path = default_model_path()
    card = json.loads(card_path_for(path).read_text(encoding="utf-8"))
    assert card["array_cache"]["file"] == "default_model.arrays.npz" and arrays.arrays_path_for(path).is_file()
    cached = load_model()
    assert _from_cache(cached), "the shipped cache was refused"
    reference = _skops_model(path, monkeypatch)
    table = _sample_buildings()
    _assert_same(cached, reference, table)
    _assert_same(cached, reference, _with_gaps(table))


def test_fresh_model_cache_equals_scikit_learn_member_by_member(small, monkeypatch):
    path, town = small
    cached, reference = load_model(path), _skops_model(path, monkeypatch)
    assert _from_cache(cached) and cached.learner == "blend"
    gaps = _with_gaps(town)
    _assert_same(cached, reference, gaps)
    _assert_same(cached, reference, pd.concat([gaps] * 5, ignore_index=True))  # > 1,024 rows: scored once per kind
    X = build_features(gaps)
    for mine, theirs in zip(cached.estimator, reference.estimator):
        np.testing.assert_array_equal(mine.predict(X), theirs.predict(X))


def _copy(path: Path, to: Path) -> Path:
    to.mkdir()
    for p in (path, card_path_for(path), arrays.arrays_path_for(path)):
        shutil.copy2(p, to / p.name)
    return to / path.name


def _rewrite_arrays(path: Path, change) -> None:
    with np.load(arrays.arrays_path_for(path), allow_pickle=False) as z:
        data = {k: z[k].copy() for k in z.files}
    change(data)
    buf = io.BytesIO()
    np.savez(buf, **data)
    arrays.arrays_path_for(path).write_bytes(buf.getvalue())


def test_a_cache_changed_by_one_byte_is_refused_and_the_skops_answers(small, tmp_path, caplog, monkeypatch):
    path, town = small
    copy = _copy(path, tmp_path / "m")
    raw = bytearray(arrays.arrays_path_for(copy).read_bytes())
    raw[len(raw) // 2] ^= 0x01
    arrays.arrays_path_for(copy).write_bytes(bytes(raw))
    with caplog.at_level(logging.WARNING, logger="sewerplan.model.ml"):
        model = load_model(copy)
    assert not _from_cache(model) and "changed after training" in caplog.text
    _assert_same(model, _skops_model(path, monkeypatch), town)


def test_a_changed_threshold_is_refused_even_with_the_cards_hash_updated(small, tmp_path, caplog):
    path, _ = small
    copy = _copy(path, tmp_path / "m")
    _rewrite_arrays(copy, lambda d: d["m0.tree.num_threshold"].__setitem__(0, d["m0.tree.num_threshold"][0] + 1.0))
    with caplog.at_level(logging.WARNING, logger="sewerplan.model.ml"):
        assert not _from_cache(load_model(copy))  # the card's hash no longer matches the file
    card_file = card_path_for(copy)
    card = json.loads(card_file.read_text(encoding="utf-8"))
    card["array_cache"]["sha256"] = arrays._sha256(arrays.arrays_path_for(copy))
    card_file.write_text(json.dumps(card), encoding="utf-8")
    # the card now matches the cache, but not the digest inside the .skops: neither is used
    with pytest.raises(ModelLoadError, match="changed after the model was trained"):
        load_model(copy)


def test_a_card_naming_another_skops_is_refused_and_the_skops_answers(small, tmp_path, caplog):
    path, town = small
    copy = _copy(path, tmp_path / "m")
    card_file = card_path_for(copy)
    card = json.loads(card_file.read_text(encoding="utf-8"))
    card["array_cache"]["skops_sha256"] = "0" * 64
    card_file.write_text(json.dumps(card), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="sewerplan.model.ml"):
        model = load_model(copy)
    assert not _from_cache(model) and "SHA-256 differs" in caplog.text
    assert np.isfinite(model.predict(town)["ml_m3_per_day"]).all()


def test_missing_cache_switch_and_old_cards_load_from_the_skops(small, tmp_path, monkeypatch):
    path, town = small
    copy = _copy(path, tmp_path / "m")
    arrays.arrays_path_for(copy).unlink()
    assert not _from_cache(load_model(copy))
    assert not _from_cache(_skops_model(path, monkeypatch))
    # a model saved without a cache (as before issue 25): no array_cache in the card, loads as before
    old = _skops_model(path, monkeypatch)
    with pytest.raises(ValueError, match="SEWERPLAN_ARRAY_CACHE=0"):
        save_model(load_model(path), tmp_path / "again.skops")  # never array members inside a .skops
    monkeypatch.setattr(persistence, "export_arrays", lambda *a, **k: None)
    target = save_model(old, tmp_path / "old" / "old.skops")
    assert "array_cache" not in json.loads(card_path_for(target).read_text(encoding="utf-8"))
    assert not arrays.arrays_path_for(target).exists() and not _from_cache(load_model(target))


def test_stored_census_trend_is_the_fit():
    from sewerplan.model.intake import household_trend as ht

    stored, fitted = ht.stored_trend(), ht.fit_household_trend()
    assert stored is not None, "model/data/kr_household_trend_coefficients.json missing or stale"
    np.testing.assert_allclose(stored.intercepts + stored.slopes, fitted.intercepts + fitted.slopes, rtol=1e-9)
    assert stored.fitted_years == fitted.fitted_years


FIRST_ANSWER = """
import sys
from sewerplan.xl_addin import functions
rows = [["관리건축물대장PK", "배수구역", "주용도코드명", "연면적(㎡)", "세대수(세대)", "사용승인일"],
        ["B1", "1생활권", "아파트", 3236.25, 36, "20281231"], ["B2", "1생활권", "업무시설", 900, None, None]]
out = functions.SEWER_ML(rows)
assert len(out) == 3 and all(v > 0 for v in out[1]), out
print(" ".join(sorted(sys.modules)))
"""


def test_first_worksheet_answer_imports_no_scikit_learn_skops_scipy_or_matplotlib():
    proc = subprocess.run([sys.executable, "-c", FIRST_ANSWER], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    mods = set(proc.stdout.split())
    assert "pandas" in mods and "sewerplan.model.ml.arrays" in mods
    assert not {m for m in mods if m.split(".")[0] in ("sklearn", "skops", "scipy", "matplotlib")}
