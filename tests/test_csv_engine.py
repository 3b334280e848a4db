"""Large CSV outputs are written by DuckDB (issue 25); the file must read exactly as the pandas path writes it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sewerplan.model import fileio

HOSTILE = ["x", "", "=1+2", None, "a,b", 'q"q', "l\nm", " s", "-5", "+82", "@SUM(A1)", "\tx", "-inf", "한글 주소",
           "-1_000", "-", np.nan, "\t5", "'", '"', ",", "=HYPERLINK(\"http://x\")", "+", "-1e400", "1e-5"]


def _table(n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "=name": rng.choice(np.array(HOSTILE, dtype=object), n),
        "flow_m3_per_day": np.where(rng.random(n) < 0.1, np.nan, rng.lognormal(0, 5, n) * rng.choice([-1, 1], n)),
        "share": rng.random(n).astype(np.float32),
        "short_record": rng.random(n) < 0.5,
        "months": rng.integers(-10**12, 10**12, n),
        "same": "같은 값",
        "edge": np.where(rng.random(n) < 0.5, np.inf, -0.0),
    })


def test_engine_writes_the_same_bytes_as_pandas(tmp_path):
    df = _table()
    fileio.write_csv_atomic(df, tmp_path / "pandas.csv")  # below CSV_ENGINE_ROWS: the pandas path
    assert fileio.write_csv_engine(df, tmp_path / "engine.csv")
    assert (tmp_path / "engine.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
    text = (tmp_path / "engine.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("'=name,") and "\n'=1+2," in text and "\n-5," in text  # formulas neutralised, numbers not


def test_engine_quotes_a_carriage_return_and_reads_back(tmp_path):
    df = pd.DataFrame({"a": ["cr\rin", "\r5", "ok"], "b": [1.5, np.nan, 2.0]})
    assert fileio.write_csv_engine(df, tmp_path / "e.csv")
    back = pd.read_csv(tmp_path / "e.csv", encoding="utf-8-sig", keep_default_na=False)
    assert back["a"].tolist() == ["cr\rin", "\r5", "ok"] and back["b"].tolist() == ["1.5", "", "2"]


def test_engine_declines_what_it_cannot_write_the_same(tmp_path):
    assert not fileio.write_csv_engine(pd.DataFrame({"a": ["x", 1], "b": [1, 2]}), tmp_path / "mixed.csv")
    assert not fileio.write_csv_engine(pd.DataFrame({"a": ["x"]}), tmp_path / "one.csv")
    assert not (tmp_path / "mixed.csv").exists() and not (tmp_path / "one.csv").exists()


def test_large_table_goes_through_the_engine_atomically(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "CSV_ENGINE_ROWS", 100)
    df = _table(500)
    fileio.write_csv_atomic(df, tmp_path / "big.csv")
    monkeypatch.setattr(fileio, "CSV_ENGINE_ROWS", 10**9)
    fileio.write_csv_atomic(df, tmp_path / "small.csv")
    assert (tmp_path / "big.csv").read_bytes() == (tmp_path / "small.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv", "small.csv"]  # no temporary left behind
