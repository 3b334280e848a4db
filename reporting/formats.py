"""Output formats of the briefings: PDF/A-3b (``render``) and HWPX for 한글 (``hwpx``).

``write_briefing`` writes one file in one format; ``write_briefings`` writes the same
briefing in several formats next to each other (``formats=("pdf", "hwpx")``), for callers
such as a run configuration that lists the formats it wants.
"""

from __future__ import annotations

from pathlib import Path

from sewerplan.model.errors import InputFileError
from sewerplan.model.outputs.results import ResultsBundle

from .context import FinanceOptions

__all__ = ["REPORT_FORMATS", "format_for_path", "rendered_html", "write_briefing", "write_briefings"]

REPORT_FORMATS = {"pdf": ".pdf", "hwpx": ".hwpx"}  # format -> file suffix


def format_for_path(out, fmt: str | None = None) -> str:
    """The format of an output file: ``fmt`` if given (the suffix must agree), else from the suffix.

    Raises :class:`InputFileError` naming the file when the two disagree or the suffix is unknown.
    """
    suffix = Path(out).suffix.lower()
    if fmt is not None:
        if fmt not in REPORT_FORMATS:
            raise InputFileError(f"report format must be one of {sorted(REPORT_FORMATS)}, not '{fmt}' / "
                                 "보고서 형식은 pdf 또는 hwpx 입니다")
        if suffix != REPORT_FORMATS[fmt]:
            raise InputFileError(f"--out must end in {REPORT_FORMATS[fmt]} for --format {fmt}, not '{Path(out).name}' / "
                                 f"{fmt} 형식의 출력 파일은 {REPORT_FORMATS[fmt]} 여야 합니다")
        return fmt
    for name, ext in REPORT_FORMATS.items():
        if suffix == ext:
            return name
    raise InputFileError(f"--out must end in .pdf or .hwpx, not '{Path(out).name}' / "
                         "출력 파일은 .pdf 또는 .hwpx 여야 합니다")


def rendered_html(kind: str, bundle: ResultsBundle, lang: str = "ko",
                  options: FinanceOptions | None = None) -> tuple[str, dict]:
    """The briefing's HTML and the PNG twins of its charts (``charts.collect_png``): one render (the
    context, the money figures and every chart) shared by the PDF and the HWPX of the same briefing."""
    from . import charts
    from .render import render_html

    with charts.collect_png() as pngs:
        html = render_html(kind, bundle, lang, options)
    return html, pngs


def write_briefing(kind: str, bundle: ResultsBundle, out, fmt: str | None = None, lang: str = "ko",
                   options: FinanceOptions | None = None, *, force: bool = False,
                   rendered: tuple[str, dict] | None = None) -> Path:
    """Write one briefing file; the format is ``fmt`` or the suffix of ``out``.

    ``rendered``: :func:`rendered_html` of the same arguments, when the caller writes several formats."""
    fmt = format_for_path(out, fmt)
    if fmt == "hwpx":
        from .hwpx import write_hwpx

        return write_hwpx(kind, bundle, out, lang, options, force=force, rendered=rendered)
    from .render import write_report

    return write_report(kind, bundle, out, lang, options, force=force,
                        html=rendered[0] if rendered is not None else None)


def write_briefings(kind: str, bundle: ResultsBundle, out_stem, formats=("pdf",), lang: str = "ko",
                    options: FinanceOptions | None = None, *, force: bool = False) -> dict[str, Path]:
    """Write the same briefing once per format as ``out_stem`` + suffix; {format: path} (one HTML render)."""
    stem = Path(out_stem)
    formats = list(dict.fromkeys(formats))
    rendered = rendered_html(kind, bundle, lang, options) if "hwpx" in formats and len(formats) > 1 else None
    return {fmt: write_briefing(kind, bundle, stem.with_name(stem.name + REPORT_FORMATS.get(fmt, "")), fmt, lang,
                                options, force=force, rendered=rendered)
            for fmt in formats}
