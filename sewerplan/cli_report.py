"""``sewerplan report council|hearing``: PDF briefings from a results bundle."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path

import typer

from sewerplan.cli_common import console, user_errors
from sewerplan.model.errors import InputFileError

__all__ = ["register", "report"]


class ReportKind(str, Enum):
    council = "council"
    hearing = "hearing"


class Lang(str, Enum):
    ko = "ko"
    en = "en"


def report(
    kind: ReportKind = typer.Argument(..., help="council (의회 예산 보고) or hearing (주민설명회 안내문)"),
    results: Path = typer.Option(..., "--results", "-r", help="Results bundle JSON from `sewerplan demo` / 결과 파일"),
    out: Path = typer.Option(..., "--out", "-o", help="Output PDF / 출력 PDF 파일"),
    lang: Lang = typer.Option(Lang.ko, "--lang", help="ko (한국어) or en (English)"),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists / 기존 파일 덮어쓰기"),
) -> None:
    """Render a PDF/A-3 briefing with the input data attached.

    결과 파일로 의회 보고서 또는 주민설명회 안내문 PDF를 만듭니다. Where PDF output is not
    possible (no Pango, e.g. stock Windows), writes OUT.html to print from Edge and says how to
    get the PDF.
    """
    with user_errors():
        from sewerplan.model.outputs.results import ResultsBundle
        from sewerplan.reporting import write_report

        if out.suffix.lower() != ".pdf":
            raise InputFileError(f"--out must end in .pdf, not '{out.name}' / 출력 파일은 .pdf 여야 합니다")
        bundle = ResultsBundle.from_json(results)
        t0 = time.perf_counter()
        path = write_report(kind.value, bundle, out, lang.value, force=force)
        if path.suffix.lower() == ".html":  # no Pango on this PC: the self-contained HTML briefing
            from sewerplan.reporting.render import pdf_unavailable_message, weasyprint_problem

            console.print(pdf_unavailable_message(weasyprint_problem() or "", path), markup=False, highlight=False)
            return
        console.print(f"{kind.value} report written / 보고서 저장: {path} ({time.perf_counter() - t0:.1f} s)")


def register(app: typer.Typer) -> None:
    app.command("report", help="PDF briefings: council budget or public hearing / PDF 보고서")(report)
