"""Issue 24: every workbook the demo writes is a Korean workbook an official can print.

Each workbook of ``sewerplan demo`` (the shared ``full_demo`` run) is converted to PDF with
LibreOffice headless, as an official's PC would print it. Checked: every page is A4 landscape;
each sheet takes at most :func:`sheet_style.page_budget` pages for its rows (the footer names the
sheet on every page, so pages are counted per sheet from the PDF's own text); the first sheet is
the 표지 naming the file and the run; no header row of any table holds a snake_case name; values
are Korean (no English method directions), probabilities are % and money 억원.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sewerplan.model.outputs.sheet_style import (COVER_SHEET, FIRST_DATA_ROW, HEADER_ROWS, NOTES_SHEET, is_snake_case,
                                                 page_budget)

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ("sewerplan_results.xlsx", "scenario/scenario_results.xlsx")
A4_LANDSCAPE = (841.89, 595.28)  # points


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice or pdftotext is missing: .ci/run installs libreoffice-calc-nogui and poppler-utils")
        pytest.skip("LibreOffice or pdftotext not installed (apt-get install libreoffice-calc-nogui poppler-utils)")
    return exe


@pytest.fixture(scope="module")
def printed(full_demo, tmp_path_factory):
    """{workbook: (pdf path, [(sheet name, page width, page height)] per page)} via LibreOffice headless."""
    exe, out = _soffice(), tmp_path_factory.mktemp("print")
    fonts = out / "fonts.conf"  # the bundled Hangul font, so LibreOffice lays Korean out as an office PC would
    fonts.write_text(f'<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                     f'<dir>{ROOT / "templates" / "fonts"}</dir><cachedir>{out / "fc"}</cachedir></fontconfig>',
                     encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts), "HOME": str(out)}
    sources = [full_demo.out_dir / w for w in WORKBOOKS]
    subprocess.run([exe, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(out), *map(str, sources)],
                   check=True, capture_output=True, env=env, timeout=300)
    from pypdf import PdfReader

    result = {}
    for w, src in zip(WORKBOOKS, sources):
        pdf = out / (src.stem + ".pdf")
        names = load_workbook(src, read_only=True).sheetnames
        pages = []
        for i, page in enumerate(PdfReader(pdf).pages, start=1):
            text = subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                                  capture_output=True, check=True).stdout.decode("utf-8")
            lines = [ln for ln in text.splitlines() if ln.strip()]
            footer = re.sub(r"\s+", "", lines[-1]) if lines else ""  # the footer: file, sheet name, page / pages
            named = [n for n in names if re.sub(r"\s+", "", n) in footer]
            pages.append((max(named, key=len) if named else "", float(page.mediabox.width),
                          float(page.mediabox.height)))
        result[w] = (pdf, pages)
    return result


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_every_page_is_a4_landscape_and_every_sheet_within_its_page_budget(printed, full_demo, workbook):
    _, pages = printed[workbook]
    assert pages and all((round(w), round(h)) == (842, 595) for _, w, h in pages), pages[:3]
    wb = load_workbook(full_demo.out_dir / workbook)
    counted = {name: sum(1 for sheet, _, _ in pages if sheet == name) for name in wb.sheetnames}
    assert sum(counted.values()) == len(pages), (counted, [p[0] for p in pages][:5])  # every page named by its sheet
    for name in wb.sheetnames:
        rows = wb[name].max_row - (FIRST_DATA_ROW - 1)
        assert 1 <= counted[name] <= page_budget(max(rows, 1)), (name, counted[name], rows)
    # the buildings table (about 1,000 rows): printed in tens of pages, not hundreds
    assert counted["건축물별 결과"] <= page_budget(1100)


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_cover_names_the_file_and_the_run(full_demo, workbook):
    wb = load_workbook(full_demo.out_dir / workbook, read_only=True)
    assert wb.sheetnames[0] == COVER_SHEET and wb.sheetnames[-1] == NOTES_SHEET
    cover = "\n".join(str(v) for row in wb[COVER_SHEET].iter_rows(values_only=True) for v in row if v is not None)
    assert Path(workbook).name in cover and "sewerplan" in cover and "합성" in cover
    assert "만든 명령" in cover and "만든 때" in cover
    for name in wb.sheetnames[1:-1]:
        assert name in cover


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_headers_are_korean_with_units_and_no_snake_case(full_demo, workbook):
    wb = load_workbook(full_demo.out_dir / workbook, read_only=True)
    for ws in wb.worksheets:
        if ws.title in (COVER_SHEET, "방법 및 출처"):
            continue
        rows = list(ws.iter_rows(min_row=HEADER_ROWS[0], max_row=HEADER_ROWS[1], values_only=True))
        korean, units, english = rows
        assert all(h for h in korean), (ws.title, korean)
        assert not [h for h in korean if is_snake_case(h)], (ws.title, korean)
        assert not [h for h in english if is_snake_case(h)], (ws.title, english)
        assert all(re.search("[가-힣]", h) or h.isupper() for h in korean), (ws.title, korean)


def test_results_values_are_korean_percent_and_eok(full_demo):
    wb = load_workbook(full_demo.out_dir / "sewerplan_results.xlsx")
    ws = wb["처리용량 권고"]
    heads = [c.value for c in ws[HEADER_ROWS[0]]]
    units = [c.value for c in ws[HEADER_ROWS[0] + 1]]
    rows = [[c for c in r] for r in ws.iter_rows(min_row=FIRST_DATA_ROW)]
    direction = heads.index("판정")
    assert {r[direction].value for r in rows if r[direction].value} <= {"작음 (부족 위험)", "예측 구간 안", "큼 (과대 위험)"}
    p_small = heads.index("용량 부족 확률")
    assert units[p_small] == "%" and rows[0][p_small].number_format == "0.0%"
    cost = heads.index("추후 증설 기대 비용")
    assert units[cost] == "억원" and rows[0][cost].number_format == "#,##0"
    # the pilot formula's expected expansion cost in 억원 = the bundle's KRW / 10^8 (the same as the briefing)
    import json

    bundle = json.loads((full_demo.out_dir / "results.json").read_text(encoding="utf-8"))
    pilot = next(r for r in bundle["decision"]["rows"] if r["method"] == "pilot_formula")
    assert rows[0][cost].value == pytest.approx(pilot["expected_expansion_krw"] / 1e8)
    match = wb["연계 보고서"]
    cells = [str(c.value) for row in match.iter_rows(min_row=FIRST_DATA_ROW) for c in row if c.value is not None]
    assert not [c for c in cells if c.startswith("{")]  # no JSON in a cell
    assert "연계된 수량 비율" in cells
