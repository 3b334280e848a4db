"""Issue 24: the offline install kit is a command of the installed package (``sewerplan kit build``).

Offline tests check the pieces: the marker-aware resolver on a wheelhouse made here, the Python
check that install.bat runs, install.bat itself, the one-page 설치 안내, the manuals as HTML and
the repacked sewerplan wheel. The ``network`` test builds the real kit once from the package
index and resolves it offline for Windows x64 on Python 3.11, 3.12 and 3.13 with two independent
checks (``make test-network``; .ci/run runs it in its own step).
"""

from __future__ import annotations

import io
import json
import runpy
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from sewerplan.kit import texts
from sewerplan.kit.build import check_kit, installed_wheel, kit_requirements
from sewerplan.kit.resolve import TARGET_PYTHONS, Target, resolve_wheelhouse, target


def _wheel(folder: Path, filename: str, requires=(), requires_python: str = "") -> Path:
    name, version = filename.split("-")[:2]
    meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    meta += [f"Requires-Python: {requires_python}"] if requires_python else []
    meta += [f"Requires-Dist: {r}" for r in requires]
    path = folder / filename
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{name}-{version}.dist-info/METADATA", "\n".join(meta) + "\n")
    return path


@pytest.fixture
def wheelhouse(tmp_path):
    _wheel(tmp_path, "app-1.0-py3-none-any.whl", ["fast>=2", "xl>=1; extra == 'excel'"])
    _wheel(tmp_path, "xl-1.5-py3-none-any.whl", ["winonly>=300; platform_system == 'Windows'"])
    _wheel(tmp_path, "winonly-311-cp312-cp312-win_amd64.whl")
    _wheel(tmp_path, "fast-2.0-cp312-cp312-win_amd64.whl", requires_python=">=3.12")
    _wheel(tmp_path, "fast-2.0-cp313-cp313-win_amd64.whl", requires_python=">=3.12")
    _wheel(tmp_path, "fast-2.1-cp312-cp312-manylinux_2_17_x86_64.whl")
    return tmp_path


def test_resolver_uses_the_targets_markers_tags_and_python(wheelhouse):
    win = resolve_wheelhouse(wheelhouse, ["app[excel]"], target("windows", "3.12"))
    assert win.ok and set(win.chosen) == {"app", "xl", "winonly", "fast"}
    assert win.chosen["fast"].name == "fast-2.0-cp312-cp312-win_amd64.whl"
    assert win.marker_only() == ["winonly"]  # pip on this (Linux) machine would skip it
    linux = resolve_wheelhouse(wheelhouse, ["app[excel]"], target("linux", "3.12"))
    assert linux.ok and "winonly" not in linux.chosen and linux.chosen["fast"].name.endswith("manylinux_2_17_x86_64.whl")
    no_extra = resolve_wheelhouse(wheelhouse, ["app"], target("windows", "3.12"))
    assert set(no_extra.chosen) == {"app", "fast"}
    older = resolve_wheelhouse(wheelhouse, ["app[excel]"], target("windows", "3.11"))  # no cp311 wheels
    assert not older.ok and any(m.startswith("fast>=2") for m in older.missing)
    assert not resolve_wheelhouse(wheelhouse, ["fast>=3"], target("windows", "3.13")).ok


def test_requirements_pin_xlwings_to_the_version_that_makes_the_xlam():
    reqs = kit_requirements(("excel",))
    assert f"xlwings=={metadata.version('xlwings')}" in reqs
    assert any(r.startswith("scikit-learn") for r in reqs) and any(r.startswith("python-hwpx") for r in reqs)
    assert not [r for r in reqs if "extra" in r]


@pytest.mark.parametrize("version, bits, ok, words", [
    ((3, 12, 7), 64, True, ["3.12.7", "64"]),
    ((3, 10, 11), 64, False, ["3.10.11", "Python 3.10 용 휠이 없습니다", "3.11, 3.12, 3.13", "python-3.12"]),
    ((3, 12, 1), 32, False, ["32비트", "64비트"]),
    ((2, 7, 18), 32, False, ["2.7.18", "Windows installer (64-bit)"]),
])
def test_install_bat_names_the_python_it_found_and_what_to_install(tmp_path, version, bits, ok, words):
    check = tmp_path / "check_python.py"
    check.write_text(texts.CHECK_PYTHON, encoding="utf-8")
    verdict = runpy.run_path(str(check), run_name="check")["verdict"]
    good, lines = verdict(version, bits, r"C:\Python\python.exe", list(TARGET_PYTHONS), "")
    text = "\n".join(lines)
    assert good is ok and all(w in text for w in words), text
    _, lines = verdict((3, 9, 0), 64, "python", list(TARGET_PYTHONS), "python-3.12.10-amd64.exe")
    assert "꾸러미 안의 python-3.12.10-amd64.exe" in "\n".join(lines)
    compile(texts.CHECK_PYTHON, "check_python.py", "exec")  # no syntax newer than Python 3.0 needs


def test_install_bat_finds_a_supported_python_checks_it_and_installs_offline():
    bat = texts.install_bat(TARGET_PYTHONS, ("excel",), "0.1.0")
    lines = bat.splitlines()
    assert [ln for ln in lines if ln.startswith("if not defined PY (py -")] == [
        f'if not defined PY (py -{v} -c "import sys" > nul 2>&1 && set "PY=py -{v}")' for v in ("3.13", "3.12", "3.11")]
    assert '%PY% "%HERE%check_python.py" 3.11,3.12,3.13' in bat
    assert bat.index("check_python.py") < bat.index("-m venv") < bat.index("--no-index")
    assert '--no-index --find-links "%HERE%wheels" "sewerplan[excel]==0.1.0"' in bat
    assert "Python 을 찾지 못했습니다" in bat and "설치 실패" in bat and "xlwings.exe\" addin install" in bat


def test_install_guide_is_one_printed_page_with_every_step():
    html = texts.install_guide_html(TARGET_PYTHONS, "python-3.12.10-amd64.exe")
    for step in ("Python 설치", "Add python.exe to PATH", "install.bat", "보안 센터", "VBA 프로젝트 개체 모델",
                 "신뢰할 수 있는 위치", "xlwings</b> 탭", "Import Functions", "Interpreter", "리본", "python-3.12.10-amd64.exe"):
        assert step in html, step
    from sewerplan.reporting.render import weasyprint_problem

    if weasyprint_problem() is None:
        import logging

        from pypdf import PdfReader

        class Notdef(logging.Handler):
            seen: list = []

            def emit(self, record):
                self.seen.append(record.getMessage())

        handler = Notdef()
        logging.getLogger("weasyprint").addHandler(handler)
        try:
            pdf = texts.install_guide_pdf(html)
        finally:
            logging.getLogger("weasyprint").removeHandler(handler)
        assert not [m for m in handler.seen if "notdef" in m], handler.seen[:3]  # every Hangul glyph drawn
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_the_manuals_ship_in_the_package_and_render_as_html(tmp_path):
    from sewerplan.kit.manual import write_manuals

    files = {p.name: p.read_text(encoding="utf-8") for p in write_manuals(tmp_path, ["manual.ko", "excel.ko"])}
    ko = files["manual.ko.html"]
    assert "Windows" in ko and "설치" in ko and "<table>" in ko and 'src="data:image/png;base64,' in ko
    assert 'href="excel.ko.html' in files["manual.ko.html"] or 'href="excel.ko.html' in files["excel.ko.html"]
    assert ".md\"" not in ko


def test_a_sewerplan_installed_from_a_wheel_is_repacked_for_the_kit(tmp_path):
    site = tmp_path / "site"
    (site / "sewerplan").mkdir(parents=True)
    (site / "sewerplan" / "__init__.py").write_text('__version__ = "9.9"\n', encoding="utf-8")
    info = site / "sewerplan-9.9.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sewerplan\nVersion: 9.9\n", encoding="utf-8")
    (info / "RECORD").write_text("sewerplan/__init__.py,,\nsewerplan-9.9.dist-info/METADATA,,\n"
                                 "sewerplan-9.9.dist-info/RECORD,,\n../../bin/sewerplan,,\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    wheel = installed_wheel(tmp_path / "out", metadata.Distribution.at(info))
    names = zipfile.ZipFile(wheel).namelist()
    assert wheel.name == "sewerplan-9.9-py3-none-any.whl"
    assert set(names) == {"sewerplan/__init__.py", "sewerplan-9.9.dist-info/METADATA", "sewerplan-9.9.dist-info/RECORD"}
    record = zipfile.ZipFile(wheel).read("sewerplan-9.9.dist-info/RECORD").decode()
    assert "sewerplan/__init__.py,sha256=" in record


# ---------------------------------------------------------------- the real kit (package index)


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    from sewerplan.kit.build import KitOptions, build_kit

    out = tmp_path_factory.mktemp("kit") / "sewerplan-kit"
    return out, build_kit(KitOptions(out=out))


@pytest.mark.network
def test_kit_resolves_offline_on_every_windows_python(kit):
    out, manifest = kit
    assert check_kit(out, TARGET_PYTHONS) == []  # the marker-aware resolver and pip --no-index, per Python
    for py in TARGET_PYTHONS:
        res = resolve_wheelhouse(out / "wheels", ["sewerplan[excel]"], Target("win_amd64", py))
        assert {"pywin32", "colorama", "xlwings", "numpy", "weasyprint", "python-hwpx"} <= set(res.chosen)
        assert manifest["targets"][f"win_amd64-py{py}"]["wheels"] == len(res.chosen)
    xl = [p.name for p in (out / "wheels").glob("xlwings-*.whl")]  # one per Python: xlwings has binary wheels
    assert xl and all(n.startswith(f"xlwings-{metadata.version('xlwings')}-") for n in xl)  # = the .xlam's xlwings


@pytest.mark.network
def test_kit_carries_the_manual_guide_workbooks_and_a_manifest(kit):
    out, manifest = kit
    for name in ("install.bat", "check_python.py", texts.INSTALL_GUIDE, "README.ko.txt", "sewerplan.xlsm",
                 "sewerplan_legacy.xlsm", "sewerplan_addin.xlam", "설명서/manual.ko.html", "설명서/excel.ko.html"):
        assert (out / name).is_file(), name
    assert b"\r\n" in (out / "install.bat").read_bytes()
    readme = (out / "README.ko.txt").read_text(encoding="utf-8-sig")
    assert "설명서\\manual.ko.html" in readme and "docs/" not in readme
    listed = {f["file"] for f in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    assert "install.bat" in listed and manifest["wheel_count"] == len(list((out / "wheels").glob("*.whl")))


@pytest.mark.network
def test_the_kit_figures_the_readme_states_are_the_built_kits(kit):
    """README and docs/excel.*.md state the kit's size: the wheels per Python and the whole folder."""
    import re

    _, manifest = kit
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    per = re.search(r"\((\d+) wheels, about (\d+) MB per Python; (\d+) wheel files, about (\d+) MB in\s+all", readme)
    assert per, "README should state the kit's wheels per Python and in all"
    count, mb, files, total_mb = map(int, per.groups())
    for key, built in manifest["targets"].items():
        assert built["wheels"] == count, (key, built)
        assert built["bytes"] / 1e6 == pytest.approx(mb, rel=0.10), (key, built)
    assert manifest["wheel_count"] == files and manifest["wheels_bytes"] / 1e6 == pytest.approx(total_mb, rel=0.10)
