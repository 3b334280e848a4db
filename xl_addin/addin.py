"""The ``.xlam`` add-in route: the SEWER_* functions on many PCs without per-workbook imports.

The per-workbook route (template workbook, xlwings tab > Import Functions) needs "Trust access
to the VBA project object model" on every PC, which many locked-down PCs forbid. The add-in
route needs it once, on one PC of the IT department:

1. ``sewerplan excel addin --out sewerplan_addin.xlam`` writes xlwings' custom add-in
   (``xlwings quickstart --addin``: its VBA project unchanged) with its own config sheet
   ``myaddin.conf`` filled in: ``UDF Modules`` = ``sewerplan.xl_addin.functions``, the UDF
   server, and the interpreter of the offline kit (``%LOCALAPPDATA%\\sewerplan\\venv``);
2. on that PC: open it, run the macro ``ImportPythonUDFsToAddin`` once (it writes the
   SEWER_* wrappers into the add-in's own VBA), save;
3. distribute the saved ``.xlam`` (``xlwings addin install --file sewerplan_addin.xlam`` or a
   copy into Excel's XLSTART folder, from a trusted location): every workbook on those PCs
   has the functions, with no trust setting and no import there.

The config sheet is named after the add-in's VBA constant ``PROJECT_NAME`` ("myaddin"), which
only Excel's VBA editor can change; xlwings reads ``myaddin.conf`` in the add-in.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["build_addin", "ADDIN_CONF", "CONF_SHEET"]

CONF_SHEET = "myaddin.conf"  # PROJECT_NAME of xlwings' quickstart add-in + ".conf"
INACTIVE_CONF_SHEET = "_myaddin.conf"  # as shipped: the leading underscore switches it off
KIT_INTERPRETER = r"%LOCALAPPDATA%\sewerplan\venv\Scripts\pythonw.exe"  # scripts/build_offline_kit.py
ADDIN_CONF = [
    ("Interpreter_Win", KIT_INTERPRETER),
    ("UDF Modules", "sewerplan.xl_addin.functions"),
    ("Use UDF Server", True),  # one Python process: the ML model loads once
    ("Show Console", False),
    ("Debug UDFs", False),
]


def _quickstart_addin() -> Path:
    import xlwings

    return Path(xlwings.__file__).with_name("quickstart_addin.xlam")


def _conf_sheet_data() -> str:
    rows = []
    for i, (key, value) in enumerate(ADDIN_CONF, start=1):
        if isinstance(value, bool):
            cell = f'<c r="B{i}" t="b"><v>{int(value)}</v></c>'
        else:
            cell = f'<c r="B{i}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        rows.append(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{escape(key)}</t></is></c>{cell}</row>')
    return "<sheetData>" + "".join(rows) + "</sheetData>"


def _edit(name: str, data: bytes) -> bytes:
    """The two parts that change: the sheet's name (active) and its rows."""
    if name == "xl/workbook.xml":
        text = data.decode("utf-8")
        if f'name="{INACTIVE_CONF_SHEET}"' not in text:
            raise ValueError(f"xlwings' quickstart add-in has no sheet {INACTIVE_CONF_SHEET}; this xlwings is not supported")
        return text.replace(f'name="{INACTIVE_CONF_SHEET}"', f'name="{CONF_SHEET}"').encode("utf-8")
    if name == "xl/worksheets/sheet1.xml":
        text = data.decode("utf-8")
        start, end = text.index("<sheetData>"), text.index("</sheetData>") + len("</sheetData>")
        text = text[:start] + _conf_sheet_data() + text[end:]
        return text.replace('<dimension ref="A1:B13" />', f'<dimension ref="A1:B{len(ADDIN_CONF)}" />').encode("utf-8")
    return data


def build_addin(out, force: bool = False) -> Path:
    """Write the sewerplan ``.xlam`` (see the module doc); refuses to replace a file unless ``force``."""
    from sewerplan.model.fileio import atomic_path

    out = Path(out)
    if out.suffix.lower() != ".xlam":
        raise ValueError(f"the add-in must be an .xlam file, got {out.name} / 파일 확장자는 .xlam 이어야 합니다")
    if out.exists() and not force:
        raise FileExistsError(f"{out} exists; use --force to overwrite / 파일이 이미 있습니다 (--force 로 덮어쓰기)")
    with zipfile.ZipFile(_quickstart_addin()) as src, atomic_path(out) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                dst.writestr(item, _edit(item.filename, src.read(item.filename)))
    return out
