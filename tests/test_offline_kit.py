"""Issue 14.8: the offline install kit for separated networks.

CI checks the resolution for Windows x64 / Python 3.11 with pip's dry run (the index's metadata
files only, no wheels); the full download is `scripts/build_offline_kit.py --out DIR`.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build_offline_kit", ROOT / "scripts" / "build_offline_kit.py")
kit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kit)


def test_requirements_come_from_pyproject_plus_windows_only_wheels():
    reqs = kit.project_requirements()
    assert any(r.startswith("scikit-learn") for r in reqs) and any(r.startswith("xlwings") for r in reqs)
    assert reqs[-2:] == ["pywin32", "colorama"]


def test_check_wheels_flags_linux_wheels_wrong_abi_and_missing_windows_only():
    items = [{"name": "numpy", "version": "2", "wheel": "numpy-2-cp311-cp311-manylinux_2_17_x86_64.whl"},
             {"name": "pandas", "version": "2", "wheel": "pandas-2-cp312-cp312-win_amd64.whl"},
             {"name": "rich", "version": "14", "wheel": "rich-14-py3-none-any.whl"}]
    problems = "\n".join(kit.check_wheels(items, "3.11"))
    assert "numpy: wheel for manylinux" in problems and "pandas: wheel for ABI cp312" in problems
    assert "pywin32: missing" in problems and "colorama: missing" in problems and "rich" not in problems


def test_resolution_for_windows_python_311_without_downloading():
    try:
        items = kit.resolve("3.11")
    except RuntimeError as exc:
        if "connection" in str(exc).lower() or "network" in str(exc).lower():
            pytest.skip(f"package index not reachable: {str(exc)[-200:]}")
        raise
    assert kit.check_wheels(items, "3.11") == []
    names = {it["name"].lower().replace("_", "-") for it in items}
    assert {"scikit-learn", "weasyprint", "xlwings", "pywin32", "colorama", "numpy"} <= names
    assert len(items) >= 40


def test_manifest_and_install_script(tmp_path):
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "a-1-py3-none-any.whl").write_bytes(b"x" * 1000)
    m = kit.write_manifest(tmp_path, "3.11")
    assert m["wheel_count"] == 1 and m["wheels_bytes"] == 1000 and len(m["wheels"][0]["sha256"]) == 64
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["platform"] == "win_amd64"
    bat = kit.INSTALL_BAT.format(python="3.11", extras="excel")
    assert '--no-index --find-links "%HERE%wheels"' in bat and "xlwings.exe\" addin install" in bat
