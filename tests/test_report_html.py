"""Issue 14.2: the briefing without Pango (stock Windows): a self-contained HTML file that a
browser prints to the same A4 pages, written automatically, with a message how to get the PDF.

The Pango failure is simulated the way it happens on Windows: ``import weasyprint`` raises
OSError ("cannot load library 'libgobject-2.0-0'"). The HTML is printed by a real headless
Chromium (Debian's ``chromium``; ``.ci/run`` installs it), skipped only when none is installed.
"""

from __future__ import annotations

import importlib.abc
import io
import re
import shutil
import subprocess
import sys

import pypdf
import pytest
from typer.testing import CliRunner

from sewerplan.model.outputs.results import example_bundle
from sewerplan.reporting import render

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer"]


class _NoPango(importlib.abc.MetaPathFinder):
    """``import weasyprint`` fails as on Windows without the GTK runtime."""

    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError("cannot load library 'libgobject-2.0-0': error 0x7e")
        return None


@pytest.fixture()
def no_pango(monkeypatch):
    for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_NoPango(), *sys.meta_path])


@pytest.fixture(scope="module")
def bundle():
    return example_bundle()


def test_without_pango_report_writes_self_contained_html_and_says_how_to_get_pdf(tmp_path, bundle, no_pango):
    assert "libgobject" in render.weasyprint_problem()
    written = render.write_report("council", bundle, tmp_path / "council.pdf")
    assert written == tmp_path / "council.html" and not (tmp_path / "council.pdf").exists()
    page = written.read_text(encoding="utf-8")
    assert "의회 보고" in page and "<svg" in page and "data:font/woff2;base64," in page
    # self-contained: no stylesheet link, no font file, no image or script fetched from anywhere
    assert '<link rel="stylesheet"' not in page and 'url("fonts/' not in page
    assert not re.search(r'(src|href)="(?!data:|#)', page)
    assert "@page" in page and "size: A4" in page and "counter(pages)" in page
    msg = render.pdf_unavailable_message(render.weasyprint_problem(), written)
    assert "WEASYPRINT_DLL_DIRECTORIES" in msg and "GTK" in msg and str(written) in msg and "Edge" in msg


def test_without_pango_cli_report_writes_html_and_exits_0_only_with_allow_html(tmp_path, bundle, no_pango):
    from sewerplan.cli import app

    results = tmp_path / "results.json"
    bundle.to_json(results)
    args = ["report", "hearing", "--results", str(results), "--out", str(tmp_path / "h.pdf")]
    assert CliRunner().invoke(app, args).exit_code == 2  # a PDF was asked for (issue 23 finding 14)
    res = CliRunner().invoke(app, [*args, "--allow-html", "--force"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "h.html").is_file() and not (tmp_path / "h.pdf").exists()
    assert "WEASYPRINT_DLL_DIRECTORIES" in res.output and "Traceback" not in res.output


def test_html_fallback_can_be_refused(tmp_path, bundle, no_pango):
    with pytest.raises(render.ReportRenderError, match="WEASYPRINT_DLL_DIRECTORIES"):
        render.write_report("council", bundle, tmp_path / "c.pdf", html_fallback=False)


def _print_to_pdf(html_path, pdf_path, tmp_path) -> bytes:
    profile = tmp_path / f"profile-{pdf_path.stem}"
    subprocess.run([BROWSER, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
                    html_path.as_uri()], check=True, capture_output=True, timeout=120)
    return pdf_path.read_bytes()


@pytest.mark.skipif(BROWSER is None, reason="no Chromium installed (apt-get install chromium)")
@pytest.mark.parametrize("kind, phrase", [("council", "하수처리시설용량"), ("hearing", "처리장,이렇게계획합니다")])
def test_html_briefing_prints_to_the_same_a4_pages_in_chromium(tmp_path, bundle, kind, phrase, example_pdf):
    html_path = tmp_path / f"{kind}.html"
    html_path.write_text(render.render_standalone_html(kind, bundle, "ko"), encoding="utf-8")
    reader = pypdf.PdfReader(io.BytesIO(_print_to_pdf(html_path, tmp_path / f"{kind}.pdf", tmp_path)))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert phrase in text and "합성표본자료" in text  # Korean text and the synthetic-data label
    assert f"1/{len(reader.pages)}" in text  # page numbers from the print CSS
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4 portrait
    fonts = {str(f.get("/BaseFont", "")) for p in reader.pages
             for f in (p.get("/Resources", {}).get("/Font", {}) or {}).values() for f in [f.get_object()]}
    assert any("NanumSquare" in f for f in fonts), fonts  # the embedded font, not a system fallback
    if render.weasyprint_problem() is None:  # the same number of pages as the PDF
        pdf = example_pdf(kind, "ko")  # render_pdf_bytes of the same example bundle, shared (conftest.py)
        assert len(reader.pages) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    else:
        assert 1 <= len(reader.pages) <= 5
