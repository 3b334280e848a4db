"""PDF briefings for the council and the public hearing.

Build a plain context (``context``), format with pure filters (``filters``), draw charts
as SVG (``charts``), and render strictly to PDF/A-3b (``render``).
"""

from .context import LANGS, FinanceOptions, council_context, hearing_context
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
]
