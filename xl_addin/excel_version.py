"""Which Excel is this: with dynamic arrays (Excel 2021, 2024, Microsoft 365) or without
(Excel 2016, 2019, which many office PCs still run).

Without dynamic arrays a formula cannot spill: the worksheet functions then return through
xlwings' resizing array formulas (``expand="table"``: xlwings writes the result over as many
cells as it needs), and ``sewerplan excel template --layout legacy`` writes a workbook without
``UNIQUE``, ``ANCHORARRAY`` or spills.

Detection, first answer wins:

1. ``SEWERPLAN_DYNAMIC_ARRAYS`` = ``1`` / ``0`` (IT departments can pin it);
2. a running Excel (Windows): ``WorksheetFunction.Unique`` exists only with dynamic arrays,
   the check xlwings itself uses;
3. the Office installation in the Windows registry: Click-to-Run ``ProductReleaseIds``
   (``O365...``, ``...2021...``, ``...2024...`` have them; ``...2016...``, ``...2019...`` do not)
   and an MSI Office 16 (no Click-to-Run: Excel 2016) has none;
4. unknown (not Windows, no Office found): ``None``.
"""

from __future__ import annotations

import os
import sys

__all__ = ["ENV_VAR", "dynamic_arrays", "dynamic_arrays_from_release", "SUPPORTED"]

ENV_VAR = "SEWERPLAN_DYNAMIC_ARRAYS"
#: Excel versions and what sewerplan does there (docs/excel.ko.md states the same)
SUPPORTED = {
    "Microsoft 365 / Excel 2021 / Excel 2024 (Windows)": "dynamic arrays: spilled results (template layout 'dynamic')",
    "Excel 2016 / Excel 2019 (Windows)": "no dynamic arrays: xlwings-resized results (template layout 'legacy')",
    "Excel on the web, Mac, Windows (Office.js add-in)": "dynamic arrays: sewerplan excel serve",
}


def dynamic_arrays_from_release(release_ids: str | None, click_to_run: bool, version: str | None = None) -> bool | None:
    """Dynamic arrays from the registry facts of an Office installation (pure; see the module doc).

    ``release_ids`` is Click-to-Run's ``ProductReleaseIds`` (e.g. ``"O365ProPlusRetail"``,
    ``"ProPlus2019Volume"``), ``version`` the Excel version (``"16.0"``).
    """
    ids = (release_ids or "").lower()
    if click_to_run and ids:
        if any(k in ids for k in ("o365", "2021", "2024", "m365")):
            return True
        if any(k in ids for k in ("2016", "2019")):
            return False
        return None
    if not click_to_run and version and version.split(".")[0] == "16":
        return False  # MSI-installed Office 16: Excel 2016 (2019 and later are Click-to-Run only)
    if version and version.split(".")[0].isdigit() and int(version.split(".")[0]) < 16:
        return False  # Excel 2013 and older
    return None


def _from_env() -> bool | None:
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return None


def _from_running_excel() -> bool | None:  # pragma: no cover - needs Excel on Windows
    try:
        import xlwings as xw

        app = xw.apps.active
        if app is None:
            return None
    except Exception:  # noqa: BLE001 - no Excel running, or not Windows
        return None
    try:
        app.api.WorksheetFunction.Unique("x")
        return True
    except Exception:  # noqa: BLE001 - AttributeError or com_error: no UNIQUE, no dynamic arrays
        return False


def _registry_value(key: str, name: str) -> str | None:  # pragma: no cover - Windows registry
    import winreg

    for root in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(root, key) as k:
                return str(winreg.QueryValueEx(k, name)[0])
        except OSError:
            continue
    return None


def _from_registry() -> bool | None:  # pragma: no cover - Windows registry
    c2r = r"SOFTWARE\Microsoft\Office\ClickToRun\Configuration"
    release = _registry_value(c2r, "ProductReleaseIds")
    cur = _registry_value(r"SOFTWARE\Classes\Excel.Application\CurVer", "") or ""
    version = cur.rsplit(".", 1)[-1] + ".0" if cur else None
    return dynamic_arrays_from_release(release, release is not None, version)


def dynamic_arrays() -> bool | None:
    """Whether this PC's Excel has dynamic arrays; ``None`` when it cannot be told."""
    found = _from_env()
    if found is None and sys.platform == "win32":  # pragma: no cover - Windows only
        found = _from_running_excel()
        if found is None:
            found = _from_registry()
    return found
