"""National runs (issue 17): a folder of towns or a partitioned Parquet dataset, town by town."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.errors import InputFileError
from sewerplan.model.intake.towns import paired_towns, towns_in

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[1] / "sewerplan" / "sample_data"
REGISTER = SAMPLE / "synthetic_existing_register.csv"
BILLING = SAMPLE / "synthetic_existing_billing.csv.gz"


@pytest.fixture(scope="module")
def country(tmp_path_factory) -> Path:
    """Two towns: 가온시 as CSV files, 나래군 as Hive partitions (Parquet); the same sample data."""
    root = tmp_path_factory.mktemp("country")
    (root / "reg").mkdir()
    (root / "bill" / "town=나래군").mkdir(parents=True)
    shutil.copy(REGISTER, root / "reg" / "가온시.csv")
    shutil.copy(BILLING, root / "bill" / "가온시.csv.gz")
    (root / "reg" / "town=나래군").mkdir()
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{REGISTER}', all_varchar=true)) TO "
                f"'{root / 'reg' / 'town=나래군' / 'part-0.parquet'}' (FORMAT parquet)")
    con.execute(f"COPY (SELECT * FROM read_csv('{BILLING}', all_varchar=true)) TO "
                f"'{root / 'bill' / 'town=나래군' / 'part-0.parquet'}' (FORMAT parquet)")
    return root


def test_towns_are_found_by_file_name_and_partition(country):
    assert [t.name for t in towns_in(country / "reg")] == ["가온시", "나래군"]
    towns, unpaired = paired_towns(country / "reg", country / "bill")
    assert [t[0] for t in towns] == ["가온시", "나래군"] and unpaired == {"register_only": [], "billing_only": []}


def test_a_folder_without_towns_is_one_clear_error(tmp_path):
    with pytest.raises(InputFileError, match="no town files"):
        towns_in(tmp_path)


def test_national_prepare_gives_each_town_what_a_one_town_run_gives(country, tmp_path):
    out = tmp_path / "national"
    r = runner.invoke(app, ["prepare", "--register", str(country / "reg"), "--billing", str(country / "bill"),
                            "--out", str(out)])
    assert r.exit_code == 0, r.output
    one = tmp_path / "one"
    assert runner.invoke(app, ["prepare", "--register", str(REGISTER), "--billing", str(BILLING),
                               "--out", str(one)]).exit_code == 0
    expected = pd.read_csv(one / "training_table.csv", dtype=str)
    for town in ("가온시", "나래군"):  # CSV files and Parquet partitions give the same table
        got = pd.read_csv(out / town / "training_table.csv", dtype=str)
        pd.testing.assert_frame_equal(got, expected)
    parts = duckdb.connect().execute(
        f"SELECT town, count(*) FROM read_parquet('{out}/parquet/training_table/**/*.parquet', "
        "hive_partitioning=true) GROUP BY town ORDER BY town").fetchall()
    assert parts == [("가온시", len(expected)), ("나래군", len(expected))]
    summary = json.loads((out / "national_summary.json").read_text(encoding="utf-8"))
    assert set(summary["towns"]) == {"가온시", "나래군"}


def test_national_estimate_and_predict_write_per_town_files_and_partitions(country, tmp_path):
    est = tmp_path / "est"
    r = runner.invoke(app, ["estimate", str(country / "reg"), "--out", str(est), "--skip-invalid"])
    assert r.exit_code == 0, r.output
    a, b = (pd.read_csv(est / f"{t}.csv") for t in ("가온시", "나래군"))
    pd.testing.assert_frame_equal(a, b)
    pred = tmp_path / "pred"
    r = runner.invoke(app, ["predict", str(country / "reg"), "--out", str(pred), "--skip-invalid"])
    assert r.exit_code == 0, r.output
    n = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{pred}/parquet/predictions/**/*.parquet')"
                                 ).fetchall()[0][0]
    assert n == 2 * len(pd.read_csv(pred / "가온시.csv"))
    # a second run into the same folder is refused without --force (checked before the first town)
    r = runner.invoke(app, ["estimate", str(country / "reg"), "--out", str(est), "--skip-invalid"])
    assert r.exit_code == 2


@pytest.mark.parametrize("folder_name", ["town=..", "town=.", "town=NUL", "town=a:b"])
def test_a_partition_named_to_leave_the_output_folder_is_refused(tmp_path, folder_name):
    from sewerplan.model.intake.towns import towns_in

    (tmp_path / "regs" / folder_name).mkdir(parents=True)
    (tmp_path / "regs" / "town=가온시").mkdir()
    with pytest.raises(InputFileError, match="town name"):
        towns_in(tmp_path / "regs")
