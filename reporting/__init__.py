"""Briefings for the council and the public hearing, as PDF and as HWPX (한글).

Build a plain context (``context``), format with pure filters (``filters``), draw charts
as SVG (``charts``), render strictly to PDF/A-3b (``render``) or convert the same HTML to
an editable HWPX document (``hwpx``); ``formats`` picks one by name or file suffix.
"""

from .context import LANGS, FinanceOptions, council_context, hearing_context
from .formats import REPORT_FORMATS, write_briefing, write_briefings
from .render import (
    REPORT_KINDS,
    ReportRenderError,
    build_context,
    render_html,
    render_pdf_bytes,
    write_report,
)

__all__ = [
    "LANGS",
    "FinanceOptions",
    "council_context",
    "hearing_context",
    "REPORT_KINDS",
    "ReportRenderError",
    "build_context",
    "render_html",
    "render_pdf_bytes",
    "write_report",
    "REPORT_FORMATS",
    "write_briefing",
    "write_briefings",
]
