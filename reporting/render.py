"""Strict rendering of the briefings: jinja2 -> HTML -> WeasyPrint PDF/A-3b.

Strict means:

- jinja2 with autoescape on and ``StrictUndefined`` (a missing value is an error, and a
  district called ``<script>`` or ``{{ x }}`` is printed literally);
- no network: the URL fetcher serves only ``data:`` URIs and ``file://`` URLs inside the
  installed ``sewerplan.templates`` package, and stops the render on anything else;
- any WeasyPrint ERROR log line (missing font, broken image, bad CSS) fails the render;
- PDF/A-3b with the results bundle and its input files attached.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2

from sewerplan.model.errors import SewerplanError
from sewerplan.model.fileio import check_output_path, write_bytes_atomic
from sewerplan.model.outputs.results import ResultsBundle

from .context import FinanceOptions, council_context, hearing_context
from .filters import FILTERS

__all__ = [
    "REPORT_KINDS",
    "ReportRenderError",
    "build_context",
    "render_html",
    "render_pdf_bytes",
    "write_report",
    "templates_dir",
]

REPORT_KINDS = {"council": ("council.html", council_context), "hearing": ("hearing.html", hearing_context)}


class ReportRenderError(SewerplanError, RuntimeError):
    """The PDF could not be rendered cleanly (WeasyPrint error, blocked URL, template error)."""


@contextmanager
def _templates_path():
    with resources.as_file(resources.files("sewerplan.templates")) as p:
        yield Path(p).resolve()


def templates_dir() -> Path:
    """Directory of the installed templates (a real directory for normal installs)."""
    return Path(str(resources.files("sewerplan.templates"))).resolve()


def _jinja_env(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        autoescape=True,  # every template here is HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def build_context(kind: str, bundle: ResultsBundle, lang: str = "ko", options: FinanceOptions | None = None) -> dict:
    """The plain data context of a report (see ``reporting.context``)."""
    if kind not in REPORT_KINDS:
        raise ValueError(f"report kind must be one of {sorted(REPORT_KINDS)}, got {kind!r} / 보고서 종류 오류")
    return REPORT_KINDS[kind][1](bundle, lang, options)


def render_html(kind: str, bundle: ResultsBundle, lang: str = "ko", options: FinanceOptions | None = None,
                context: dict | None = None) -> str:
    """Render the report's HTML (strict jinja)."""
    ctx = context if context is not None else build_context(kind, bundle, lang, options)
    with _templates_path() as root:
        try:
            return _jinja_env(root).get_template(REPORT_KINDS[kind][0]).render(**ctx)
        except jinja2.UndefinedError as exc:
            raise ReportRenderError(
                f"template {REPORT_KINDS[kind][0]} uses a value the context does not provide: {exc} / "
                "보고서 양식에 필요한 값이 없습니다"
            ) from exc


# ------------------------------------------------------------------------------------------
# WeasyPrint plumbing
# ------------------------------------------------------------------------------------------


def _make_fetcher(root: Path):
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    def check(url: str) -> Path | None:
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return None
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(root) and path.is_file():
                return path
        raise FatalURLFetchingError(
            f"blocked resource {url!r}: reports may only load data: URIs and files inside {root} / "
            "외부 자원은 불러올 수 없습니다"
        )

    base = getattr(weasyprint, "URLFetcher", None)
    if base is not None:  # WeasyPrint >= 66

        class PackageOnlyFetcher(base):
            def fetch(self, url, headers=None):
                check(url)
                return super().fetch(url, headers)

        return PackageOnlyFetcher(allowed_protocols=("file", "data"))

    def fetcher(url, timeout=10, ssl_context=None):  # older WeasyPrint: function fetchers
        check(url)
        return weasyprint.default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)

    return fetcher


class _ErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


_RENDER_LOCK = threading.Lock()  # the WeasyPrint logger is process-wide


def _attachments(bundle: ResultsBundle, extra_files=()):
    from weasyprint import Attachment

    items = [(
        "results.json",
        "sewerplan results bundle used for this briefing / 이 보고서에 쓰인 결과 파일",
        json.dumps(bundle.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"),
    )]
    items += bundle.attachment_files()
    for p in extra_files:
        p = Path(p)
        items.append((p.name, "input file / 입력 파일", p.read_bytes()))
    return [
        Attachment(file_obj=io.BytesIO(data), name=name, description=desc, relationship="Data")
        for name, desc, data in items
    ]


def render_pdf_bytes(kind: str, bundle: ResultsBundle, lang: str = "ko", options: FinanceOptions | None = None,
                     *, attach: bool = True, extra_attachments=()) -> bytes:
    """Render a briefing to PDF/A-3b bytes; raise :class:`ReportRenderError` on any error."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    html = render_html(kind, bundle, lang, options)
    with _templates_path() as root, _RENDER_LOCK:
        collector = _ErrorCollector()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        try:
            doc = weasyprint.HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=_make_fetcher(root))
            pdf = doc.write_pdf(
                pdf_variant="pdf/a-3b",
                attachments=_attachments(bundle, extra_attachments) if attach else None,
                uncompressed_pdf=False,
            )
        except FatalURLFetchingError as exc:
            raise ReportRenderError(str(exc)) from exc
        finally:
            logger.removeHandler(collector)
    if collector.messages:
        raise ReportRenderError(
            f"WeasyPrint reported {len(collector.messages)} error(s) rendering the {kind} report / "
            f"PDF 생성 오류 {len(collector.messages)}건:\n  " + "\n  ".join(collector.messages[:20])
        )
    return pdf


def write_report(kind: str, bundle: ResultsBundle, out, lang: str = "ko", options: FinanceOptions | None = None,
                 *, force: bool = False, extra_attachments=()) -> Path:
    """Render and write a briefing atomically (temp file + os.replace).

    Refuses to overwrite an existing file unless ``force``.
    """
    out = check_output_path(out, inputs=[bundle.source_path] if bundle.base_dir else [], force=force)
    pdf = render_pdf_bytes(kind, bundle, lang, options, extra_attachments=extra_attachments)
    write_bytes_atomic(out, pdf)
    return out
