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
