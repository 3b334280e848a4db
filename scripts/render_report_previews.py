"""Render the first page of each briefing to PNG under docs/ (for the README).

Renders what ``make demo`` produces: the demo's results bundle on the bundled synthetic
sample town (run into a temporary folder), or a given ``results.json``. WeasyPrint makes
the PDF and ``pdftoppm`` (Debian package poppler-utils) the PNG:

    .venv/bin/python scripts/render_report_previews.py [path/to/results.json]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sewerplan.model.outputs.results import ResultsBundle
from sewerplan.reporting import render_pdf_bytes

DOCS = Path(__file__).resolve().parents[1] / "docs"
REPORTS = [("council", "ko"), ("hearing", "ko")]
DPI = 70


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: apt-get install poppler-utils / pdftoppm 이 필요합니다", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        if len(sys.argv) > 1:
            bundle = ResultsBundle.from_json(sys.argv[1])
        else:
            from sewerplan.recipe.demo import run_demo

            result = run_demo(Path(tmp) / "demo", reports=False)
            bundle = ResultsBundle.from_json(result.paths["results_json"])
        for kind, lang in REPORTS:
            pdf = Path(tmp) / f"{kind}.pdf"
            pdf.write_bytes(render_pdf_bytes(kind, bundle, lang, attach=False))
            stem = DOCS / f"report-{kind}"
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                check=True,
            )
            print(f"wrote {stem}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
