"""Button macros of the template workbook (classic xlwings ``RunPython``, Windows).

The workbook's VBA is xlwings' own quickstart module: ``SampleCall`` runs
``import <workbook name>; <workbook name>.main()``. The template builder writes a
``<workbook name>.py`` beside the workbook that forwards to :func:`main` here (for a
workbook named ``sewerplan.xlsm`` the package's own ``sewerplan.main`` does). :func:`main`
finds which button was clicked (``Application.Caller``) and runs the matching report.

The PDFs are rendered by :mod:`sewerplan.reporting` from the results bundle (JSON) that
``sewerplan`` writes for the town; its path is the ``ResultsBundle`` cell on the methods
sheet (relative paths are taken from the workbook's folder). No domain logic here.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["main", "council_pdf", "hearing_pdf", "report_pdf", "BUTTONS"]

# button caption keyword -> report kind
BUTTONS = {"의회": "council", "council": "council", "공청회": "hearing", "hearing": "hearing"}
BUNDLE_NAME = "ResultsBundle"  # defined name of the cell holding the bundle path


def _book():
    import xlwings as xw

    return xw.Book.caller()


def _bundle_path(book) -> Path:
    from xlwings import XlwingsError

    try:
        value = book.names[BUNDLE_NAME].refers_to_range.value
    except Exception:  # noqa: BLE001 - name missing in an edited workbook
        value = None
    if not value:
        raise XlwingsError(
            f"'{BUNDLE_NAME}' 셀(방법 설명 시트)에 결과 묶음(JSON) 경로를 넣으세요. / Put the results bundle "
            f"(JSON) path in the '{BUNDLE_NAME}' cell of the methods sheet."
        )
    path = Path(str(value))
    if not path.is_absolute():
        path = Path(book.fullname).parent / path
    return path


def report_pdf(kind: str, bundle_path, out=None, lang: str = "ko") -> Path:
    """Render the council or hearing PDF from a results bundle; return the file written.

    Without Pango (stock Windows) that is the self-contained HTML briefing beside the PDF's
    name (``.html``), which Edge prints to the same A4 pages.
    """
    from sewerplan.model.outputs.results import ResultsBundle
    from sewerplan.reporting.render import write_report

    bundle_path = Path(bundle_path)
    bundle = ResultsBundle.from_json(bundle_path)
    out = Path(out) if out else bundle_path.with_name(f"{kind}_{lang}.pdf")
    return write_report(kind, bundle, out, lang=lang, force=True)


def _run(kind: str) -> Path | None:
    """Write the report of the clicked button and say where it is, or why not, in a message box."""
    from sewerplan.model.errors import SewerplanError

    book = _book()
    try:
        written = report_pdf(kind, _bundle_path(book))
    except (SewerplanError, OSError) as exc:  # a bad bundle, a PDF held open in another program ...
        _alert(book, f"보고서를 만들지 못했습니다 / The report was not written:\n{exc}")
        return None
    if written.suffix.lower() == ".html":  # no Pango on this PC: the HTML briefing, printable from Edge
        from sewerplan.reporting.render import pdf_unavailable_message, weasyprint_problem

        _alert(book, pdf_unavailable_message(weasyprint_problem() or "", written))
    else:
        _alert(book, f"PDF를 만들었습니다 / PDF written:\n{written}")
    return written


def _alert(book, message: str) -> None:
    try:
        book.app.alert(message, title="sewerplan")
    except Exception:  # noqa: BLE001 - alert is a courtesy; the message is also logged by xlwings
        print(message)


def council_pdf() -> Path:
    """의회 보고 자료 PDF / council briefing PDF."""
    return _run("council")


def hearing_pdf() -> Path:
    """공청회 설명 자료 PDF / public-hearing handout PDF."""
    return _run("hearing")


def kind_for_caption(caption: str) -> str:
    from xlwings import XlwingsError

    for key, kind in BUTTONS.items():
        if key in (caption or "").lower():
            return kind
    raise XlwingsError(f"알 수 없는 단추 / unknown button: {caption!r}")


def main() -> Path:
    """Entry point of ``SampleCall``: run the report of the clicked button."""
    book = _book()
    caller = book.app.api.Caller  # name of the clicked form button, e.g. "Button 1"
    caption = book.sheets.active.api.Buttons(caller).Caption
    return _run(kind_for_caption(caption))
