"""HWPX (한글) briefings: a valid OWPML package with the PDF's text, tables and charts.

The PDF is the reference: its text (pdftotext, or pypdf where poppler is missing) must
contain every paragraph and every table cell of the HWPX, and every figure the PDF prints
(outside the charts and the page numbers) must be in the HWPX. Validation uses
python-hwpx's checks: the package structure and the header/section XML against the
bundled OWPML schema (KS X 6101).
"""

import base64
import io
import re
import shutil
import subprocess
import warnings
import zipfile

import lxml.html
import pypdf
import pytest
import typer
from lxml import etree
from typer.testing import CliRunner

from sewerplan.model.outputs.results import example_bundle
from sewerplan.reporting import ReportRenderError, render_html, write_briefings
from sewerplan.reporting import charts
from sewerplan.reporting.hwpx import (
    FONT_FACE,
    FONT_SUBSTITUTE,
    Para,
    Picture,
    Table,
    briefing_to_hwpx,
    html_blocks,
    render_hwpx_bytes,
)

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"
HH = "{http://www.hancom.co.kr/hwpml/2011/head}"
NUMBER = re.compile(r"\d[\d,.]*")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _unbullet(text: str) -> str:
    """Drop list markers at line starts (drawn by the PDF's CSS, typed in an HWPX cell)."""
    return re.sub(r"(?m)^• ", "", text)


def _pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode("utf-8")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages)


def _open(data: bytes):
    from hwpx import HwpxDocument

    return HwpxDocument.open(data)


def _tables(data: bytes) -> list[list[list[str]]]:
    """Every table of the HWPX: rows of cell texts (lines joined by a newline)."""
    section = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("Contents/section0.xml"))
    out = []
    for tbl in section.iter(f"{HP}tbl"):
        rows = [["\n".join("".join(t.text or "" for t in p.iter(f"{HP}t")) for p in tc.iter(f"{HP}p"))
                 for tc in tr.iter(f"{HP}tc")] for tr in tbl.iter(f"{HP}tr")]
        out.append(rows)
    return out


def _chart_words(html: str) -> set[str]:
    """Number tokens printed inside the SVG charts (text in the PDF, pixels in the HWPX)."""
    words = set()
    for img in lxml.html.document_fromstring(html).iter("img"):
        svg = base64.b64decode(img.get("src").partition(",")[2])
        for el in etree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"):
            words.update(NUMBER.findall("".join(el.itertext())))
    return words


@pytest.fixture(scope="module")
def bundle():
    return example_bundle(scenario=True)


@pytest.fixture(scope="module")
def docs(bundle, example_pdf):
    """{kind: (hwpx bytes, pdf bytes, html)} for both briefings in Korean (the PDF shared: conftest.py)."""
    out = {}
    for kind in ("council", "hearing"):
        out[kind] = (render_hwpx_bytes(kind, bundle, "ko"), example_pdf(kind, "ko", scenario=True),
                     render_html(kind, bundle, "ko"))
    return out


@pytest.mark.parametrize("kind", ["council", "hearing"])
def test_hwpx_is_a_valid_owpml_package(docs, kind):
    from hwpx import validate_package
    from hwpx.tools.validator import validate_document

    data = docs[kind][0]
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist()[0] == "mimetype" and archive.read("mimetype") == b"application/hwp+zip"
    package = validate_package(data)
    assert not [i for i in package.issues if i.level == "error"], package.issues
    report = validate_document(data)  # header + section against the full OWPML schema, warnings included
    assert set(report.validated_parts) == {"Contents/header.xml", "Contents/section0.xml"}
    assert report.issues == (), report.issues
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # only the library's stable API is used
        doc = _open(data)
        assert doc.parts.metadata.title and doc.parts.metadata.creator == "sewerplan"


@pytest.mark.parametrize("kind", ["council", "hearing"])
def test_every_hwpx_paragraph_and_table_cell_is_in_the_pdf(docs, kind):
    data, pdf, _ = docs[kind]
    pdf_flat = _flat(_pdf_text(pdf))
    body = [_unbullet(piece) for piece in re.split(r"[\t\n]", _open(data).text.plain()) if piece.strip()]
    assert len(body) > 30
    missing = [line for line in body if _flat(line) not in pdf_flat]
    assert not missing, missing[:5]
    cells = [_unbullet(line) for t in _tables(data) for row in t for cell in row for line in cell.split("\n") if line]
    assert len(cells) >= 12
    assert not [c for c in cells if _flat(c) not in pdf_flat]


@pytest.mark.parametrize("kind", ["council", "hearing"])
def test_every_figure_of_the_pdf_is_in_the_hwpx(docs, bundle, kind):
    data, pdf, html = docs[kind]
    hwpx_words = set(NUMBER.findall(_open(data).text.plain()))
    pdf_text = re.sub(r"(?m)^\d+ / \d+$", " ", _pdf_text(pdf))  # page numbers "2 / 4", a line each
    pdf_words = set(NUMBER.findall(pdf_text)) - _chart_words(html)
    assert pdf_words - hwpx_words == set()
    # the headline figures from the bundle: the capacity asked for and the size of the city's plan
    c = bundle.capacity
    recommended = c.recommended_m3_per_day or c.upper_m3_per_day
    for figure in (f"{recommended:,.0f}", f"{getattr(c, f'{c.city_plan_method}_m3_per_day'):,.0f}"):
        assert figure in _flat(_open(data).text.plain())


def test_tables_rows_and_charts_match_the_html(docs):
    data, _, html = docs["council"]
    page = lxml.html.document_fromstring(html)
    html_tables = list(page.iter("table"))
    tables = _tables(data)
    assert [len(t) for t in tables] == [len(list(t.iter("tr"))) for t in html_tables]
    for t_html, t_hwpx in zip(html_tables, tables):
        for tr, row in zip(t_html.iter("tr"), t_hwpx):
            assert [_flat("".join(c.itertext())) for c in tr if c.tag in ("td", "th")] == [
                _flat(_unbullet(c)) for c in row]
    section = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("Contents/section0.xml"))
    n_charts = len(list(page.iter("img")))
    assert n_charts >= 2 and len(list(section.iter(f"{HP}pic"))) == n_charts  # every chart as a picture
    pngs = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("BinData/")]
    assert len(pngs) == n_charts and all(zipfile.ZipFile(io.BytesIO(data)).read(n)[:4] == b"\x89PNG" for n in pngs)


def test_korean_font_set(docs):
    header = etree.fromstring(zipfile.ZipFile(io.BytesIO(docs["hearing"][0])).read("Contents/header.xml"))
    fonts = list(header.iter(f"{HH}font"))
    langs = {ff.get("lang") for ff in header.iter(f"{HH}fontface")}
    assert langs == {"HANGUL", "LATIN", "HANJA", "JAPANESE", "OTHER", "SYMBOL", "USER"}
    assert {f.get("face") for f in fonts} == {FONT_FACE}
    assert {s.get("face") for s in header.iter(f"{HH}substFont")} == {FONT_SUBSTITUTE}


def test_reader_keeps_unknown_content_spans_and_drops_pdf_only():
    with charts.collect_png() as pngs:
        svg = charts.bill_chart(["1인", "2인"], [1000, 2000], xlabel="원/월")
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    html = f"""<html><body class="hearing"><h1>새 제목</h1><h3>소제목</h3><aside>새 상자 글</aside>
    <ol><li>첫째</li><li>둘째</li></ol><p class="note pdf-only">PDF 첨부 안내</p>
    <table><tr><th colspan="2">병합 머리</th></tr><tr><td rowspan="2">세로</td><td class="n">1</td></tr>
    <tr><td class="n">2</td></tr></table><div class="chart"><img src="{uri}" alt="그림"></div></body></html>"""
    b = html_blocks(html, pngs)
    paras = [("".join(r.text for r in p.runs), p.role) for p in b.blocks if isinstance(p, Para)]
    assert paras == [("새 제목", "title"), ("소제목", "subheading"), ("새 상자 글", "body"),
                     ("첫째", "bullet"), ("둘째", "bullet")]
    (table,) = [t for t in b.blocks if isinstance(t, Table)]
    assert table.rows[0][0].colspan == 2 and table.rows[1][0].rowspan == 2
    (pic,) = [p for p in b.blocks if isinstance(p, Picture)]
    assert pic.png[:4] == b"\x89PNG" and pic.width_frac == 0.9
    from hwpx.tools.validator import validate_document

    data = briefing_to_hwpx(b)
    assert validate_document(data).issues == ()
    assert _tables(data) == [[["병합 머리"], ["세로", "1"], ["2"]]]


def test_svg_that_is_not_a_chart_is_an_error():
    uri = "data:image/svg+xml;base64," + base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    with pytest.raises(ReportRenderError, match="PNG"):
        html_blocks(f'<html><body class="council"><img src="{uri}"></body></html>', {})


def test_english_hwpx_and_both_formats_written(tmp_path, bundle):
    paths = write_briefings("hearing", bundle, tmp_path / "hearing_en", formats=("pdf", "hwpx"), lang="en")
    assert sorted(paths) == ["hwpx", "pdf"] and paths["pdf"].read_bytes().startswith(b"%PDF")
    text = _open(paths["hwpx"].read_bytes()).text.plain()
    assert "What does it mean for my bill?" in text


def test_cli_report_hwpx(tmp_path, bundle):
    from sewerplan.cli import report as cli_report

    app = typer.Typer()
    cli_report.register(app)

    @app.command("noop")
    def _noop():  # a second command so typer keeps the "report" sub-command name
        pass

    res = bundle.to_json(tmp_path / "results.json")
    out = tmp_path / "council.hwpx"
    runner = CliRunner()
    r = runner.invoke(app, ["report", "council", "--results", str(res), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "의결 요청" in _open(out.read_bytes()).text.plain()
    r = runner.invoke(app, ["report", "council", "--results", str(res), "--out", str(out)])
    assert r.exit_code == 2 and "--force" in r.output
    r = runner.invoke(app, ["report", "council", "-r", str(res), "--format", "hwpx", "--out", str(tmp_path / "c.pdf")])
    assert r.exit_code == 2 and "c.pdf" in r.output and ".hwpx" in r.output
    r = runner.invoke(app, ["report", "council", "-r", str(res), "--out", str(tmp_path / "c.docx")])
    assert r.exit_code == 2 and "c.docx" in r.output


# ---------------------------------------------------------------- issue 24: 한글 in every run


def _part(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


@pytest.mark.parametrize("kind", ["council", "hearing"])
def test_preview_text_version_part_and_the_producer_named_honestly(docs, kind):
    data = docs[kind][0]
    preview = _part(data, "Preview/PrvText.txt").decode("utf-8")
    body = [p for p in _open(data).text.plain().split("\n") if p.strip()]
    assert 200 <= len(preview) <= 1024 and preview.startswith(body[0].strip())  # the start of the text, as 한글 shows
    assert "\r\n" in preview and "<hp:" not in preview  # lines of text, CRLF, no markup
    manifest = etree.fromstring(_part(data, "Contents/content.hpf"))
    hrefs = {i.get("href") for i in manifest.iter("{http://www.idpf.org/2007/opf/}item")}
    assert "version.xml" in hrefs
    version = etree.fromstring(_part(data, "version.xml"))
    assert version.get("application").startswith("sewerplan ") and "python-hwpx" in version.get("application")
    assert "Hancom" not in version.get("application") and version.get("tagetApplication") == "WORDPROCESSOR"


def test_tables_repeat_their_header_rows_and_store_row_heights(docs):
    section = etree.fromstring(_part(docs["council"][0], "Contents/section0.xml"))
    for tbl in section.iter(f"{HP}tbl"):
        heights = [int(tc.find(f"{HP}cellSz").get("height")) for tc in tbl.iter(f"{HP}tc")]
        assert min(heights) >= 8 * 100 * 1.45  # at least one line of the table's type, never the 1 mm default
        assert int(tbl.find(f"{HP}sz").get("height")) >= max(heights)  # the table as tall as its rows
        head = [tc.get("header") for tc in tbl.find(f"{HP}tr").iter(f"{HP}tc")]
        if tbl.get("repeatHeader") == "1":
            assert set(head) == {"1"}
    assert sum(t.get("repeatHeader") == "1" for t in section.iter(f"{HP}tbl")) >= 8


def test_the_demo_writes_hwpx_beside_the_pdfs(full_demo):
    from hwpx import validate_package
    from hwpx.tools.validator import validate_document

    for stem in ("council_briefing", "public_hearing"):
        pdf, hwpx = full_demo.out_dir / f"{stem}.pdf", full_demo.out_dir / f"{stem}.hwpx"
        assert hwpx.is_file() and (pdf.is_file() or pdf.with_suffix(".html").is_file())
        data = hwpx.read_bytes()
        assert not [i for i in validate_package(data).issues if i.level == "error"]
        assert validate_document(data).issues == ()
    assert {"council_hwpx", "hearing_hwpx"} <= set(full_demo.paths)


_RHWP_CHECK = r"""
import json, sys, rhwp
out = {}
for path in sys.argv[1:]:
    doc = rhwp.parse(path)
    ok, differences = doc.verify_hwpx_roundtrip()
    pngs = doc.render_all_png()
    out[path] = {"pages": doc.page_count, "roundtrip": ok, "differences": differences[:5],
                 "text": doc.extract_text(), "png_sizes": [len(p) for p in pngs]}
print(json.dumps(out, ensure_ascii=False))
"""


def test_a_second_reader_lays_out_every_page(full_demo, tmp_path):
    """rhwp (an independent Rust HWP/HWPX parser and renderer) opens both papers, keeps them through its own
    HWPX round trip, lays out and draws every page, and reads the headline figures from them."""
    import ctypes.util
    import json
    import os
    import sys

    import importlib.util

    if importlib.util.find_spec("rhwp") is None:  # never imported here: it needs the LD_PRELOAD below
        pytest.skip("rhwp-python (test extra, Linux) not installed")
    env = dict(os.environ)
    freetype = ctypes.util.find_library("freetype")  # rhwp-python 0.8's wheel bundles a FreeType without
    if freetype is None:  # FT_Palette_Data_Get; the system's is loaded first (LD_PRELOAD) so the module imports
        if os.environ.get("CI"):
            pytest.fail("the system FreeType is missing: .ci/run installs libfreetype6")
        pytest.skip("no system FreeType (apt-get install libfreetype6) for rhwp")
    env["LD_PRELOAD"] = freetype
    fonts = tmp_path / "fonts.conf"
    fonts.write_text(f'<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                     f'<dir>{ROOT / "templates" / "fonts"}</dir><cachedir>{tmp_path / "fc"}</cachedir></fontconfig>',
                     encoding="utf-8")
    env["FONTCONFIG_FILE"] = str(fonts)
    files = [str(full_demo.out_dir / f"{s}.hwpx") for s in ("council_briefing", "public_hearing")]
    proc = subprocess.run([sys.executable, "-c", _RHWP_CHECK, *files], capture_output=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    seen = json.loads(proc.stdout.decode("utf-8").strip().splitlines()[-1])
    summary = full_demo.summary["capacity_m3_per_day"]
    council, hearing = seen[files[0]], seen[files[1]]
    for doc in (council, hearing):
        assert doc["roundtrip"], doc["differences"]
        assert len(doc["png_sizes"]) == doc["pages"] and min(doc["png_sizes"]) > 5000  # every page drawn
    assert 4 <= council["pages"] <= 10 and 2 <= hearing["pages"] <= 6
    assert f"{summary['recommended']:,.0f}" in council["text"] and f"{summary['pilot_formula']:,.0f}" in council["text"]
    assert f"{summary['recommended']:,.0f}" in hearing["text"]
