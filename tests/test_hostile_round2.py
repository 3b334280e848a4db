"""Hostile and careless input, round two (issue 23; the server's findings are in test_hostile_server.py).

Each test holds one attack of the second red-team pass as its docstring (the reproduction) and
asserts the safe behaviour. Findings: 2 user text in CSS, 3 small cells on public papers, 4
monitor on address-only bills, 5 glob characters in file names, 6 control characters in names,
7 free text in rejected register rows, 8 absurd numbers in every numeric column, 9 integer keys,
10 newlines inside quoted CSV cells, 11 weak pseudonym keys, 14 HTML instead of PDF, 15 CP949
project files.
"""

from __future__ import annotations

import html.parser
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.outputs.results import example_bundle

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[1] / "sewerplan" / "sample_data" / "sample_buildings.csv"
HOSTILE_TOWN = "새빛</style><script>alert(document.domain)</script><style>"
HOSTILE_DISTRICTS = ["A</style><script>alert(1)</script>", "B\"; } body { display: none } \\", "=HYPERLINK(\"x\")",
                     "D {{ 7*7 }} & <b>"]


def _one_line_error(result) -> str:
    """The CLI said one readable error line (no traceback) and exited non-zero."""
    assert result.exit_code in (1, 2), (result.exit_code, result.output)
    assert "Traceback" not in result.output and result.output.count("오류 (error)") == 1, result.output
    return result.output


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def _start_tags(page: str) -> list[str]:
    p = _Tags()
    p.feed(page)
    return p.tags


def _hostile_bundle():
    b = example_bundle(district_names=list(HOSTILE_DISTRICTS))
    b.metadata.town_name = HOSTILE_TOWN
    b.metadata.data_source = "출처 </style><img src=x onerror=alert(2)>"
    return b


# --------------------------------------------------------------------------------------
# finding 2: user text in the standalone HTML's CSS
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["council", "hearing"])
def test_standalone_html_never_runs_a_script_from_a_town_name(kind):
    """Attack: metadata.town_name = "새빛</style><script>alert(document.domain)</script><style>" was written
    raw into the page's <style> block by reporting/render._css_string; opening the file ran it."""
    from sewerplan.reporting.render import render_standalone_html

    page = render_standalone_html(kind, _hostile_bundle(), "ko")
    tags = _start_tags(page)
    assert "script" not in tags and "img" not in tags, [t for t in tags if t in ("script", "img")]
    head = page[:page.index("</head>")]
    assert head.count("</style>") == 1  # the page's own style block, closed once (charts have their own)
    style = head[head.index("<style>") + len("<style>"):head.index("</style>")]
    assert "<" not in style  # nothing in the CSS can open or close an element
    assert "새빛&lt;/style&gt;&lt;script&gt;" in page  # printed as text in the body


def test_hostile_names_in_every_format_are_text(tmp_path):
    """Attack: hostile town and district names rendered into PDF, HTML, HWPX, xlsx and CSV: each format
    must carry them as literal text (no script, no formula, no broken XML)."""
    import pypdf
    from lxml import etree
    from openpyxl import load_workbook

    from sewerplan.model.fileio import write_csv_atomic
    from sewerplan.model.outputs.workbook import write_results_workbook
    from sewerplan.reporting.hwpx import render_hwpx_bytes
    from sewerplan.reporting.render import render_pdf_bytes

    b = _hostile_bundle()
    pdf = pypdf.PdfReader(io.BytesIO(render_pdf_bytes("council", b, "ko", attach=False)))
    text = "".join("".join(p.extract_text().split()) for p in pdf.pages)
    assert "".join(HOSTILE_DISTRICTS[0].split()) in text and "alert(document.domain)" in text
    with zipfile.ZipFile(io.BytesIO(render_hwpx_bytes("council", b, "ko"))) as z:
        xml = {n: z.read(n) for n in z.namelist() if n.endswith(".xml")}
    for name, data in xml.items():
        etree.fromstring(data)  # well-formed
    body = b"".join(xml.values()).decode("utf-8")
    assert "&lt;/style&gt;&lt;script&gt;" in body and "<script" not in body
    districts = pd.DataFrame({"district": HOSTILE_DISTRICTS, "n": [1, 2, 3, 4]})
    write_results_workbook(tmp_path / "r.xlsx", districts, districts, notes=[HOSTILE_TOWN], source=HOSTILE_TOWN)
    wb = load_workbook(tmp_path / "r.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in cells)
    assert {HOSTILE_TOWN, *HOSTILE_DISTRICTS} <= {c.value for c in cells}
    write_csv_atomic(districts, tmp_path / "r.csv")
    back = pd.read_csv(tmp_path / "r.csv", dtype=str, encoding="utf-8-sig")
    assert list(back["district"]) == [HOSTILE_DISTRICTS[0], HOSTILE_DISTRICTS[1], "'" + HOSTILE_DISTRICTS[2],
                                      HOSTILE_DISTRICTS[3]]


# --------------------------------------------------------------------------------------
# finding 3: what a public paper carries
# --------------------------------------------------------------------------------------


def _small_district_bundle():
    import dataclasses

    b = example_bundle()
    b.existing[4] = dataclasses.replace(b.existing[4], district="외딴마을", n_buildings=3, observed_m3_per_day=1.1)
    b.metadata.min_public_cell_buildings = 10
    return b


@pytest.mark.parametrize("kind", ["council", "hearing"])
def test_public_papers_attach_and_print_no_small_district(kind):
    """Attack: with a 3-building district and min_public_cell_buildings: 10 the hearing text merged it, but
    the results.json attached to public_hearing.pdf listed it (3 buildings, 1.1 m3/d) and the council PDF
    printed it in its table."""
    import json

    import pypdf

    from sewerplan.reporting.render import render_pdf_bytes

    bundle = _small_district_bundle()
    reader = pypdf.PdfReader(io.BytesIO(render_pdf_bytes(kind, bundle, "ko")))
    text = "".join("".join(p.extract_text().split()) for p in reader.pages)
    assert "외딴마을" not in text
    attached = json.loads(reader.attachments["results.json"][0])
    assert "외딴마을" not in json.dumps(attached, ensure_ascii=False)
    assert min(d["n_buildings"] for d in attached["existing"]) >= 10
    assert all(d["observed_m3_per_day"] != 1.1 for d in attached["existing"])
    for key in ("n_buildings", "observed_m3_per_day"):  # nothing lost, only merged
        assert sum(d[key] for d in attached["existing"]) == pytest.approx(sum(getattr(r, key) for r in bundle.existing))


def test_a_hand_edited_bundle_cannot_attach_the_rejected_register_rows(tmp_path):
    """Attack: a hand-edited results.json attached training/rejected_register_rows.csv (holding a name and a
    phone number) to a public PDF."""
    import json

    run = tmp_path / "run"
    (run / "training").mkdir(parents=True)
    (run / "training" / "rejected_register_rows.csv").write_text("source_row,비고\n5,소유자 홍길동 010-1234-5678\n",
                                                                 encoding="utf-8")
    data = example_bundle().to_dict()
    data["attachments"] = [{"name": "rows.csv", "description": "", "path": "training/rejected_register_rows.csv",
                            "content_base64": ""}]
    (run / "results.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for kind in ("hearing", "council"):
        r = runner.invoke(app, ["report", kind, "--results", str(run / "results.json"), "--out",
                                str(tmp_path / f"{kind}.pdf")])
        assert "rejected_register_rows.csv" in _one_line_error(r) and "public run output" in r.output
        assert not (tmp_path / f"{kind}.pdf").exists()


def test_public_papers_attach_the_public_run_outputs_beside_the_bundle(tmp_path):
    """The fixed list of run outputs is attached from the bundle's folder; nothing else in it is."""
    import pypdf

    from sewerplan.model.outputs.results import ResultsBundle
    from sewerplan.reporting.render import render_pdf_bytes

    (tmp_path / "public_existing_town_comparison.csv").write_text("district,n_buildings\nA,40\n", encoding="utf-8")
    (tmp_path / "existing_town_comparison.csv").write_text("district,n_buildings\n외딴마을,3\n", encoding="utf-8")
    example_bundle().to_json(tmp_path / "results.json")
    reader = pypdf.PdfReader(io.BytesIO(render_pdf_bytes("hearing", ResultsBundle.from_json(tmp_path / "results.json"))))
    assert sorted(reader.attachments) == ["public_existing_town_comparison.csv", "results.json"]


# --------------------------------------------------------------------------------------
# finding 7: free text in rejected register rows
# --------------------------------------------------------------------------------------

OWNER = "소유자 홍길동 010-9876-5432"


def test_rejected_register_rows_drop_free_text_columns(tmp_path):
    """Attack: a register's free-text column (비고 holding "소유자 홍길동 010-…") was copied into
    training/rejected_register_rows.csv (and estimate's OUT.rejected.csv)."""
    from sewerplan.model.intake.inventory import load_buildings

    df = pd.read_csv(SAMPLE, dtype=str, encoding="utf-8").head(30)
    df["비고"] = ""
    df.loc[3, "비고"] = OWNER
    df.loc[3, "연면적(㎡)"] = "-5"  # the row with the note is rejected
    src = tmp_path / "register.csv"
    df.to_csv(src, index=False, encoding="utf-8")
    _, rejected = load_buildings(src, skip_invalid=True)
    assert "비고" not in rejected.columns and rejected.attrs["columns_dropped"] == ["비고"]
    assert list(rejected.columns[:2]) == ["source_row", "관리건축물대장PK"] and "연면적(㎡)" in rejected.columns
    r = runner.invoke(app, ["estimate", str(src), "--out", str(tmp_path / "o.csv"), "--skip-invalid"])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "o.rejected.csv").read_text(encoding="utf-8-sig")
    assert "홍길동" not in text and "010-9876" not in text and "-5" in text


# --------------------------------------------------------------------------------------
# the privacy run (issue 23 "Done when"): a 3-building district and a free-text register column
# --------------------------------------------------------------------------------------

SMALL_DISTRICT = "외딴마을"
PERSON, PHONE = "홍길동", "010-9876-5432"
PUBLIC_OUTPUTS = ("council_briefing.pdf", "council_briefing.hwpx", "council_briefing.html", "public_hearing.pdf",
                  "public_hearing.hwpx", "public_hearing.html", "public_existing_town_comparison.csv")


@pytest.fixture(scope="module")
def privacy_run(tmp_path_factory):
    """One run of the sample town where three buildings form their own district (외딴마을) and the
    register has a 비고 column naming an owner with a phone number (on a rejected row and on valid ones)."""
    import re
    import shutil

    import yaml

    from sewerplan.recipe.sample_town import sample_file

    base = tmp_path_factory.mktemp("privacy")
    data = base / "project" / "data"
    data.mkdir(parents=True)
    reg = pd.read_csv(sample_file("register"), dtype=str, keep_default_na=False, encoding="utf-8")
    reg["배수구역"] = [re.search(r"(\S+[동면읍])\s", a + " ").group(1) for a in reg["대지위치"]]
    reg.loc[reg["관리건축물대장PK"].isin(["41990-100001", "41990-100002", "41990-100003"]), "배수구역"] = SMALL_DISTRICT
    reg["비고"] = ""
    reg.loc[reg["연면적(㎡)"] == "", "비고"] = f"소유자 {PERSON} {PHONE}"  # a row the intake rejects
    reg.loc[reg.index[:40], "비고"] = f"관리인 {PERSON} 연락처 {PHONE}"  # and valid rows
    assert (reg["연면적(㎡)"] == "").any()
    reg.to_csv(data / "register.csv", index=False, encoding="utf-8")
    for key, name in (("billing", "billing.csv.gz"), ("planned", "planned.csv"), ("household_mix", "mix.csv")):
        shutil.copy(sample_file(key), data / name)
    project = {
        "sewerplan_project": 1, "synthetic": True, "data_folders": ["data"],
        "names": {"municipality": "가온시", "town": "가온시 새빛지구", "existing_town": "가온시 기존 시가지"},
        "existing_town": {"register": "data/register.csv", "billing": "data/billing.csv.gz",
                          "household_mix": "data/mix.csv"},
        "planned_town": {"buildings": "data/planned.csv"},
        "plant": {"capacity_m3_per_day": 10600, "status": "planned"},
        "model": {"train": True, "learner": "ridge_log"},
        "report": {"language": "ko", "formats": ["pdf", "hwpx", "html"]},
        "privacy": {"min_public_cell_buildings": 10},
    }
    path = base / "project" / "project.yaml"
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    out = base / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _texts(path: Path):
    """(where, text) of a file: a PDF's page text and each attachment, each member of a zip (xlsx, hwpx,
    skops), or the file itself."""
    import pypdf

    raw = path.read_bytes()
    if raw.startswith(b"%PDF"):
        reader = pypdf.PdfReader(io.BytesIO(raw))
        yield str(path), "".join(p.extract_text() for p in reader.pages)
        for name, contents in reader.attachments.items():
            for data in contents:
                yield f"{path} attachment {name}", data.decode("utf-8", "ignore")
    elif raw.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            for name in z.namelist():
                yield f"{path}!{name}", z.read(name).decode("utf-8", "ignore")
    else:
        yield str(path), raw.decode("utf-8", "ignore")


def test_privacy_run_publishes_no_small_district_and_writes_no_name_or_phone(privacy_run):
    """Done when: a project with a 3-building district and a free-text register column; every output file
    (PDF attachments and HWPX contents included) grepped for the small district, the name and the phone."""
    import re

    out = privacy_run
    full = pd.read_csv(out / "existing_town_comparison.csv")
    assert full.set_index("district").loc[SMALL_DISTRICT, "n_buildings"] <= 3  # the attack is really there
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= set(PUBLIC_OUTPUTS)
    seen = []
    for path in files:
        for where, text in _texts(path):
            flat = re.sub(r"\s+", "", text)
            seen.append(where)
            assert PERSON not in flat and PHONE not in flat and "9876-5432" not in flat, where
            if path.name in PUBLIC_OUTPUTS:
                assert SMALL_DISTRICT not in flat, where
    assert any("attachment results.json" in w for w in seen) and any(".hwpx!Contents/" in w for w in seen)
    report = (out / "training" / "match_report.json").read_text(encoding="utf-8")
    assert '"비고"' in report  # the dropped column is listed


# --------------------------------------------------------------------------------------
# finding 4: monitor on the bills a utility actually sends (address only, no building id)
# --------------------------------------------------------------------------------------


def _address_only_bills(forecast: pd.DataFrame, path: Path, n: int) -> None:
    """Six months of bills for the first ``n`` forecast buildings: customer number, address, use, month,
    volume (the forecast x 1.0), a name column; no building id, as a water utility's extract."""
    rows = []
    for i, b in forecast.head(n).iterrows():
        for k in range(6):
            rows.append({"수용가번호": f"N{700000 + i}", "수용가명": PERSON, "수용가주소": b["address"], "업종": "가정용",
                         "부과년월": 203001 + k, "사용량(㎥)": round(b["ml_m3_per_day"] / 0.85 * 30, 2)})
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")


def test_monitor_works_on_address_only_bills(privacy_run, tmp_path):
    """Attack (careless, ordinary): `sewerplan monitor` on address-only bills failed with "unexpected error
    (KeyError: ['building_id'] not in index)"; with no bill matching, "KeyError 'forecast_m3_per_day'"."""
    out = privacy_run
    forecast = pd.read_csv(out / "planned_town_buildings.csv", dtype={"building_id": str})
    forecast["address"] = [f"경기도 가온시 새빛동 {100 + i}번지" for i in range(len(forecast))]  # lot addresses
    buildings = tmp_path / "forecast.csv"
    forecast.to_csv(buildings, index=False, encoding="utf-8")
    first = forecast["district"].iloc[0]
    n = int((forecast["district"] == first).sum())
    _address_only_bills(forecast, tmp_path / "bills.csv", n)
    r = runner.invoke(app, ["monitor", "--results", str(out / "results.json"), "--billing", str(tmp_path / "bills.csv"),
                            "--buildings", str(buildings), "--out", str(tmp_path / "mon")])
    assert r.exit_code == 0, r.output
    d = pd.read_csv(tmp_path / "mon" / "monitoring_districts.csv").set_index("district")
    assert d.loc[first, "buildings_compared"] == n and d.loc[first, "status"] == "within"
    assert d.loc[first, "observed_to_forecast"] == pytest.approx(1.0, abs=0.03)  # 30-day months, Jan-Jun
    nowhere = forecast.assign(address=[f"경기도 다른시 먼동 {i}번지" for i in range(len(forecast))])
    _address_only_bills(nowhere, tmp_path / "elsewhere.csv", 5)
    r = runner.invoke(app, ["monitor", "--results", str(out / "results.json"), "--billing",
                            str(tmp_path / "elsewhere.csv"), "--buildings", str(buildings), "--out", str(tmp_path / "m2")])
    assert "none of the 30 bill rows matched" in _one_line_error(r)


# --------------------------------------------------------------------------------------
# finding 5: glob characters in file names
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, other", [("data*.csv", "data_secret.csv"), ("t[ab].csv", "ta.csv"),
                                         ("b?.csv.gz", "bx.csv.gz")])
def test_a_named_file_is_read_as_that_file_only(tmp_path, name, other):
    """Attack: DuckDB expanded glob characters in file names: `estimate "data*.csv"` silently merged
    data_secret.csv; `t[ab].csv` read ta.csv."""
    import gzip

    table = pd.read_csv(SAMPLE, dtype=str, encoding="utf-8")

    def write(path, rows):
        text = rows.to_csv(index=False)
        path.write_bytes(gzip.compress(text.encode()) if path.suffix == ".gz" else text.encode())

    write(tmp_path / name, table.head(4))
    write(tmp_path / other, table.iloc[100:107])
    r = runner.invoke(app, ["estimate", str(tmp_path / name), "--out", str(tmp_path / "o.csv")])
    assert r.exit_code == 0, r.output
    ids = pd.read_csv(tmp_path / "o.csv", dtype=str, encoding="utf-8-sig")["building_id"]
    assert list(ids) == list(table["관리건축물대장PK"].head(4))


# --------------------------------------------------------------------------------------
# finding 6: control characters in names; finding 9: integer keys; finding 15: CP949 project files
# --------------------------------------------------------------------------------------


def _project_file(tmp_path: Path, edit=None, encoding="utf-8") -> Path:
    """The bundled sample project copied next to its data, with ``edit`` applied to its YAML data."""
    import shutil

    import yaml

    from sewerplan.recipe.project import SAMPLE_PROJECT

    sample = SAMPLE.parent
    for f in ("synthetic_existing_register.csv", "synthetic_existing_billing.csv.gz",
              "synthetic_existing_household_mix.csv", "synthetic_planned_town.csv"):
        shutil.copy(sample / f, tmp_path / f)
    (tmp_path / "scenarios").mkdir(exist_ok=True)
    shutil.copy(sample / "scenarios" / "sample_town_base.yaml", tmp_path / "scenarios" / "sample_town_base.yaml")
    data = yaml.safe_load((sample / SAMPLE_PROJECT).read_text(encoding="utf-8"))
    if edit:
        edit(data)
    p = tmp_path / "project.yaml"
    p.write_bytes(yaml.safe_dump(data, allow_unicode=True).encode(encoding))
    return p


@pytest.mark.parametrize("key, value", [
    ("names.town", "새빛\x01지구"), ("names.existing_town", "기존\x1b[2J시가지"), ("names.municipality", "가온\n시"),
    ("planned_town.districts", ["1생활권", "2생활\x00권"]), ("plant.name", "물재생\x7f센터"),
    ("briefing.site", "하천변\x0b용지"),
])
def test_control_characters_in_names_are_refused_when_the_project_is_loaded(tmp_path, key, value):
    """Attack: control characters in a town or district name crashed a run at step 6 after two minutes
    (openpyxl IllegalCharacterError; `report … .hwpx` "unexpected error (ValueError)")."""
    section, name = key.split(".")

    def edit(d):
        d.setdefault(section, {})[name] = value

    p = _project_file(tmp_path, edit)
    r = runner.invoke(app, ["run", str(p), "--out", str(tmp_path / "out"), "--no-reports"])
    msg = " ".join(_one_line_error(r).split())
    assert key in msg and "control character U+00" in msg and "\x1b" not in msg and "\x00" not in msg
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_briefing_texts_may_hold_line_breaks(tmp_path):
    """A long briefing text keeps its line breaks (only names refuse them)."""
    from sewerplan.recipe.project import load_project

    p = _project_file(tmp_path, lambda d: d["briefing"].update(site_plan="처리시설은 지하에,\n지상에는 공원을."))
    assert "\n" in load_project(p).briefing.site_plan


def test_a_bundle_with_a_control_character_is_refused_naming_the_field(tmp_path):
    """Attack: a results.json whose town name holds \\x01 crashed `report … .hwpx` with "unexpected error
    (ValueError)"."""
    import json

    data = example_bundle().to_dict()
    data["metadata"]["town_name"] = "새빛\x01지구"
    data["planned"][1]["district"] = "A-2\x02"
    p = tmp_path / "results.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for out in ("c.hwpx", "c.pdf"):
        r = runner.invoke(app, ["report", "council", "--results", str(p), "--out", str(tmp_path / out)])
        assert "metadata.town_name" in " ".join(_one_line_error(r).split()) and "U+0001" in r.output
        assert not (tmp_path / out).exists()


def test_a_register_name_with_a_control_character_is_a_rejected_row(tmp_path):
    """Attack: a district 1생활\\x01권 in the building table crashed estimate's workbook (IllegalCharacterError)."""
    df = pd.read_csv(SAMPLE, dtype=str, encoding="utf-8").head(20)
    df.loc[0, "배수구역"] = "1생활\x01권"
    df.loc[1, "건물명"] = "빌\x1b]0;pwned\x07딩"
    src = tmp_path / "t.csv"
    df.to_csv(src, index=False, encoding="utf-8")
    r = runner.invoke(app, ["estimate", str(src), "--out", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 2 and "U+0001" in r.output and "\x1b" not in r.output and "\\x1b" in r.output
    r = runner.invoke(app, ["estimate", str(src), "--out", str(tmp_path / "o.xlsx"), "--skip-invalid"])
    assert r.exit_code == 0, r.output
    from sewerplan.model.outputs.sheet_style import FIRST_DATA_ROW
    from sewerplan.model.outputs.workbook import SHEET_BUILDINGS

    rows = pd.read_excel(tmp_path / "o.xlsx", sheet_name=SHEET_BUILDINGS, header=None, skiprows=FIRST_DATA_ROW - 1)
    assert len(rows) >= 18 - 2  # the buildings sheet (after the 표지) below its three header rows


@pytest.mark.parametrize("edit, key", [
    (lambda d: d["model"].update(seed=99999999999999999999), "model.seed"),
    (lambda d: d["model"].update(seed=-1), "model.seed"),
    (lambda d: d["plant"].update(capacity_m3_per_day=10**30), "plant.capacity_m3_per_day"),
    (lambda d: d["finance"].update(national_share=float("inf")), "finance.national_share"),
])
def test_integer_and_number_keys_are_bounded_at_load(tmp_path, edit, key):
    """Attack: model: {seed: 99999999999999999999} was accepted and failed at step 2 with "unexpected error
    (InvalidParameterError)"."""
    from sewerplan.recipe.project import ProjectFileError, load_project

    with pytest.raises(ProjectFileError, match=key.replace(".", r"\.")):
        load_project(_project_file(tmp_path, edit))


def test_a_five_thousand_digit_version_is_one_line_naming_the_key(tmp_path):
    """Attack: a 5,000-digit `sewerplan_project:` gave a raw ValueError."""
    p = _project_file(tmp_path)
    p.write_text(p.read_text(encoding="utf-8").replace("sewerplan_project: 1", "sewerplan_project: " + "9" * 5000),
                 encoding="utf-8")
    r = runner.invoke(app, ["run", str(p), "--out", str(tmp_path / "out")])
    msg = " ".join(_one_line_error(r).split())
    assert "sewerplan_project" in msg and "digits" in msg and len(msg) < 600


def test_a_cp949_project_file_is_read(tmp_path):
    """Attack (careless): a CP949-saved project file (Notepad's default on Korean Windows) stopped with a
    UTF-8 decode error and no advice."""
    from sewerplan.recipe.project import load_project

    p = _project_file(tmp_path, encoding="cp949")
    with pytest.raises(UnicodeDecodeError):
        p.read_bytes().decode("utf-8")
    assert load_project(p).town == "가온시 새빛지구 (합성 예시)"
    p.write_bytes(b"sewerplan_project: 1\nnames:\n  town: \xff\xfe\xff\n")
    r = runner.invoke(app, ["run", str(p), "--out", str(tmp_path / "out")])
    assert "UTF-8로 저장하세요" in " ".join(_one_line_error(r).split())


# --------------------------------------------------------------------------------------
# finding 8: every numeric column finite and plausible
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["방수", "세대수", "호수", "가구수", "지상층수", "지하층수", "이용인원", "관측오수량",
                                    "연면적(㎡)", "위도", "1인가구비율"])
def test_every_numeric_column_refuses_absurd_numbers(tmp_path, header):
    """Attack: 1e308 in the 방수 column passed and printed "MOE unit load inf m3/d"."""
    from sewerplan.model.errors import InventoryValidationError
    from sewerplan.model.intake.inventory import load_buildings

    text = (f"building_id,district,main_use,연면적(㎡),{header}\n" if header != "연면적(㎡)"
            else "building_id,district,main_use,연면적(㎡)\n")
    filler = "" if header == "연면적(㎡)" else ",1"
    good = f"B1,D1,아파트,1000{filler}\n"
    bad = "B2,D1,아파트,1e308\n" if header == "연면적(㎡)" else "B2,D1,아파트,1000,1e308\n"
    p = tmp_path / "t.csv"
    p.write_text(text + good + bad, encoding="utf-8")
    with pytest.raises(InventoryValidationError) as err:
        load_buildings(p)
    assert f"row 3, column '{header}', value '1e308'" in str(err.value)


def test_huge_rooms_per_dwelling_no_longer_prints_an_infinite_unit_load(tmp_path):
    """The reproduction as the user met it: estimate on a table with 방수 1e308."""
    df = pd.read_csv(SAMPLE, dtype=str, encoding="utf-8").head(10)
    df["방수"] = "3"
    df.loc[2, "방수"] = "1e308"
    src = tmp_path / "t.csv"
    df.to_csv(src, index=False, encoding="utf-8")
    r = runner.invoke(app, ["estimate", str(src), "--out", str(tmp_path / "o.csv")])
    assert r.exit_code == 2 and "inf" not in r.output.replace("information", "") and "방수" in r.output


# --------------------------------------------------------------------------------------
# finding 10: a line break inside a quoted CSV cell
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_a_quoted_cell_with_a_line_break_is_read(tmp_path, encoding):
    """Attack (careless): a valid RFC 4180 CSV with a newline inside a quoted cell ("가온\\n빌딩") was refused
    ("CSV Error on Line: N")."""
    from sewerplan.model.errors import InventoryValidationError
    from sewerplan.model.intake.billing import read_billing
    from sewerplan.model.intake.inventory import load_buildings

    p = tmp_path / "t.csv"
    p.write_bytes(("building_id,district,main_use,floor_area_m2,households,building_name\n"
                   'B1,D1,업무시설,1000,0,"가온\n빌딩"\nB2,D1,업무시설,500,0,"a, ""b"""\n').encode(encoding))
    valid, _ = load_buildings(p)
    assert list(valid["building_name"]) == ["가온\n빌딩", 'a, "b"'] and list(valid["floor_area_m2"]) == [1000, 500]
    p.write_bytes(p.read_bytes() + "B3,D1,업무시설,-1,0,x\n".encode(encoding))
    with pytest.raises(InventoryValidationError, match="row 4"):  # rows as a spreadsheet counts them
        load_buildings(p)
    bills = tmp_path / "b.csv"
    bills.write_bytes('수용가번호,수용가주소,업종,부과년월,사용량(㎥)\n1,"가온시 나래동\n1",가정용,202301,10\n'
                      "2,가온시 나래동 2,가정용,202301,7\n".encode(encoding))
    records, rejected = read_billing(bills)
    assert list(records["billed_m3"]) == [10.0, 7.0] and len(rejected) == 0


# --------------------------------------------------------------------------------------
# finding 11: weak pseudonym keys; sewerplan key new
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["a" * 16, "abcdefghijklmnop", "0123456789abcdef0123", "password12345678",
                                  "abab" * 8])
def test_a_guessable_pseudonym_key_is_refused_with_advice(tmp_path, weak):
    """Attack (careless): a key file of sixteen `a` was accepted."""
    from sewerplan.model.errors import InputFileError
    from sewerplan.model.intake.privacy import load_key

    (tmp_path / "weak.key").write_text(weak + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="sewerplan key new"):
        load_key(tmp_path / "weak.key")
    with pytest.raises(InputFileError, match="guess"):
        load_key(environ={"SEWERPLAN_PSEUDONYM_KEY": weak})


def test_key_new_writes_a_strong_owner_only_key_and_never_replaces_one(tmp_path):
    """`sewerplan key new` writes 64 random hex digits readable by the owner only; an existing key stays
    unless --force (a new key changes every pseudonym)."""
    import os
    import stat

    from sewerplan.model.intake.privacy import load_key

    out = tmp_path / "keys" / "pseudonym.key"
    r = runner.invoke(app, ["key", "new", "--out", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="ascii").strip()
    assert len(text) == 64 and int(text, 16) >= 0
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert load_key(out).source == "key file pseudonym.key"
    r = runner.invoke(app, ["key", "new", "--out", str(out)])
    assert "--force" in _one_line_error(r) and out.read_text(encoding="ascii").strip() == text
    assert runner.invoke(app, ["key", "new", "--out", str(out), "--force"]).exit_code == 0
    assert out.read_text(encoding="ascii").strip() != text


# --------------------------------------------------------------------------------------
# finding 14: HTML written instead of the requested PDF
# --------------------------------------------------------------------------------------


@pytest.fixture()
def no_pango(monkeypatch):
    """`import weasyprint` fails as on Windows without the GTK runtime."""
    import importlib.abc
    import sys

    class NoPango(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "weasyprint" or name.startswith("weasyprint."):
                raise OSError("cannot load library 'libgobject-2.0-0': error 0x7e")
            return None

    for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [NoPango(), *sys.meta_path])


def test_report_that_writes_html_instead_of_pdf_exits_non_zero(tmp_path, no_pango):
    """Attack (careless): the CLI exited 0 when it wrote .html instead of the requested .pdf (no Pango)."""
    example_bundle().to_json(tmp_path / "results.json")
    args = ["report", "council", "--results", str(tmp_path / "results.json"), "--out", str(tmp_path / "c.pdf")]
    r = runner.invoke(app, args)
    msg = " ".join(_one_line_error(r).split())
    assert r.exit_code == 2 and "cannot write the PDF here" in msg and "c.html" in msg and "--allow-html" in msg
    assert (tmp_path / "c.html").is_file() and not (tmp_path / "c.pdf").exists()
    r = runner.invoke(app, [*args, "--force", "--allow-html"])
    assert r.exit_code == 0 and "cannot write the PDF here" in " ".join(r.output.split())


@pytest.mark.parametrize("formats, flags, code", [(["pdf"], [], 2), (["pdf"], ["--allow-html"], 0),
                                                   (["pdf", "html"], [], 0)])
def test_run_that_writes_html_instead_of_pdf_exits_non_zero(tmp_path, monkeypatch, formats, flags, code):
    """The same for `sewerplan run`: non-zero unless --allow-html or the project file asks for HTML."""
    from sewerplan.cli import recipe as cli_recipe
    from sewerplan.recipe import pipeline
    from sewerplan.reporting import render

    out = tmp_path / "out"
    done = pipeline.RunResult(out, {"council_pdf": out / "council_briefing.html",
                                    "hearing_pdf": out / "public_hearing.html"}, {})
    monkeypatch.setattr(pipeline, "run_project", lambda *a, **k: done)
    monkeypatch.setattr(cli_recipe, "print_run", lambda *a, **k: None)
    monkeypatch.setattr(render, "weasyprint_problem", lambda: "OSError: cannot load library 'libgobject-2.0-0'")
    p = _project_file(tmp_path, lambda d: d["report"].update(formats=formats))
    r = runner.invoke(app, ["run", str(p), "--out", str(out), *flags])
    assert r.exit_code == code, r.output
    if code:
        assert "public_hearing.html" in "".join(_one_line_error(r).split())  # the terminal may wrap a long path
