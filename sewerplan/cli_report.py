"""``sewerplan report council|hearing``: PDF or HWPX (한글) briefings from a results bundle."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path

import typer

from sewerplan.cli_common import console, user_errors

__all__ = ["register", "report"]


class ReportKind(str, Enum):
    council = "council"
    hearing = "hearing"


class ReportFormat(str, Enum):
    pdf = "pdf"
    hwpx = "hwpx"


class Lang(str, Enum):
    ko = "ko"
    en = "en"


def report(
    kind: ReportKind = typer.Argument(..., help="council (의회 예산 보고) or hearing (주민설명회 안내문)"),
    results: Path = typer.Option(..., "--results", "-r", help="Results bundle JSON from `sewerplan demo` / 결과 파일"),
    out: Path = typer.Option(..., "--out", "-o", help="Output .pdf or .hwpx file / 출력 파일 (.pdf 또는 .hwpx)"),
    fmt: ReportFormat | None = typer.Option(
        None, "--format", "-f", help="pdf or hwpx (한글 문서); default: from the --out suffix / 출력 형식"),
    lang: Lang = typer.Option(Lang.ko, "--lang", help="ko (한국어) or en (English)"),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists / 기존 파일 덮어쓰기"),
) -> None:
    """Render a briefing: PDF/A-3 with the input data attached, or HWPX to edit in 한글.

    결과 파일로 의회 보고서 또는 주민설명회 안내문을 PDF 또는 한글(HWPX) 문서로 만듭니다. Where PDF
    output is not possible (no Pango, e.g. stock Windows), writes OUT.html to print from Edge and
    says how to get the PDF.
    """
    with user_errors():
        from sewerplan.model.outputs.results import ResultsBundle
        from sewerplan.reporting.formats import format_for_path, write_briefing

        fmt_name = format_for_path(out, fmt.value if fmt else None)
        bundle = ResultsBundle.from_json(results)
        t0 = time.perf_counter()
        path = write_briefing(kind.value, bundle, out, fmt_name, lang.value, force=force)
        if path.suffix.lower() == ".html":  # no Pango on this PC: the self-contained HTML briefing
            from sewerplan.reporting.render import pdf_unavailable_message, weasyprint_problem

            console.print(pdf_unavailable_message(weasyprint_problem() or "", path), markup=False, highlight=False)
            return
        console.print(f"{kind.value} report written / 보고서 저장: {path} ({time.perf_counter() - t0:.1f} s)")


def register(app: typer.Typer) -> None:
    app.command("report", help="Briefings (PDF or HWPX): council budget or public hearing / 보고서 (PDF·한글)")(report)
