"""Render the first page of each briefing to PNG under docs/ (for the README).

Uses the synthetic example bundle, WeasyPrint for the PDF and ``pdftoppm`` (Debian
package poppler-utils) for the PNG:

    .venv/bin/python scripts/render_report_previews.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sewerplan.model.results import example_bundle
from sewerplan.reporting import render_pdf_bytes

DOCS = Path(__file__).resolve().parents[1] / "docs"
REPORTS = [("council", "ko"), ("hearing", "ko")]
DPI = 70


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: apt-get install poppler-utils / pdftoppm 이 필요합니다", file=sys.stderr)
        return 1
    bundle = example_bundle()
    with tempfile.TemporaryDirectory() as tmp:
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
