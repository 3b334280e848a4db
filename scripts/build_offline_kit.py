"""Offline install kit for PCs on a separated network (망분리): every wheel for Windows.

Run on a PC with internet access (any OS); carry the folder (or its .zip) to the office PC and
run ``install.bat`` there. The kit holds:

- ``wheels/``: sewerplan and every dependency for ``win_amd64`` and the chosen Python
  (default 3.11), plus the Windows-only wheels pip's resolver skips when it runs elsewhere
  (their markers are evaluated for the machine building the kit): ``pywin32`` (xlwings) and
  ``colorama`` (click);
- ``sewerplan.xlsm`` (the template workbook), for Excel 2016/2019 ``sewerplan_legacy.xlsm``, and
  ``sewerplan_addin.xlam`` (the add-in route, docs/excel.ko.md);
- ``install.bat``: a virtual environment in ``%LOCALAPPDATA%\\sewerplan\\venv``, ``pip install
  --no-index --find-links wheels``, the xlwings add-in;
- ``README.ko.txt`` for the IT department; ``manifest.json``: wheel list, sizes, SHA-256, total.

    .venv/bin/python scripts/build_offline_kit.py --out sewerplan-kit          # download all
    .venv/bin/python scripts/build_offline_kit.py --resolve-only               # check, no wheels

``--resolve-only`` asks pip which wheels the kit needs (``pip install --dry-run --report``,
which reads the index's metadata files, not the wheels) and checks each is a Windows or pure
wheel; CI runs it (tests/test_offline_kit.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM = "win_amd64"
EXTRAS = ("excel",)
#: Windows-only dependencies (environment markers) that pip skips when resolving on Linux/macOS
WINDOWS_ONLY = ("pywin32", "colorama")


def project_requirements(extras=EXTRAS) -> list[str]:
    """The dependencies of sewerplan and the chosen extras, from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    return sorted(set(reqs)) + list(WINDOWS_ONLY)


def _target_args(python: str) -> list[str]:
    abi = "cp" + python.replace(".", "")
    return ["--only-binary=:all:", "--platform", PLATFORM, "--python-version", python,
            "--implementation", "cp", "--abi", abi, "--abi", "abi3", "--abi", "none"]


def resolve(python: str = "3.11", extras=EXTRAS) -> list[dict]:
    """Which wheels the kit needs: ``[{name, version, wheel}]``, resolved by pip for Windows.

    Reads the package index's metadata only (``pip install --dry-run --report``); raises
    ``RuntimeError`` with pip's message when a dependency has no Windows wheel for ``python``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
               "--report", str(report), "--target", str(Path(tmp) / "t"), *_target_args(python),
               *project_requirements(extras)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"pip could not resolve the kit for {PLATFORM}, Python {python}:\n{proc.stderr[-3000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    return [{"name": item["metadata"]["name"], "version": item["metadata"]["version"],
             "wheel": item["download_info"]["url"].rsplit("/", 1)[-1].split("#")[0]} for item in data["install"]]


def check_wheels(items: list[dict], python: str = "3.11") -> list[str]:
    """Problems with a resolution: a wheel that does not install on Windows x64 with ``python``."""
    abi = "cp" + python.replace(".", "")
    problems = []
    for it in items:
        tags = it["wheel"][:-4].split("-")[-3:] if it["wheel"].endswith(".whl") else []
        if not tags:
            problems.append(f"{it['name']}: not a wheel ({it['wheel']})")
            continue
        py, ab, plat = tags
        if plat != "any" and PLATFORM not in plat.split("."):
            problems.append(f"{it['name']}: wheel for {plat}, not {PLATFORM}")
        if ab not in ("none", "abi3", abi):
            problems.append(f"{it['name']}: wheel for ABI {ab}, not {abi}")
    names = {re.sub(r"[-_.]+", "-", it["name"]).lower() for it in items}
    problems += [f"{w}: missing (Windows-only dependency)" for w in WINDOWS_ONLY if w not in names]
    return problems


def download(out: Path, python: str, extras=EXTRAS) -> None:
    """Every wheel into ``out/wheels``: sewerplan built here, the dependencies from the index."""
    wheels = out / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "-d", str(wheels), *_target_args(python),
                    *project_requirements(extras)], check=True)


def write_templates(out: Path) -> list[str]:
    """The template workbook in both layouts (dynamic arrays; Excel 2016/2019) and the .xlam add-in."""
    from sewerplan.xl_addin.addin import build_addin
    from sewerplan.xl_addin.template import build_template

    build_template(out / "sewerplan.xlsm", force=True)
    build_template(out / "sewerplan_legacy.xlsm", force=True, dynamic_arrays=False)
    build_addin(out / "sewerplan_addin.xlam", force=True)
    return ["sewerplan.xlsm", "sewerplan_legacy.xlsm", "sewerplan_legacy.py", "sewerplan_addin.xlam"]


INSTALL_BAT = r"""@echo off
rem sewerplan offline install (no internet needed). Run from this folder.
chcp 65001 > nul
setlocal
set "HERE=%~dp0"
set "VENV=%LOCALAPPDATA%\sewerplan\venv"
where py > nul 2>&1 && (py -{python} -m venv "%VENV%") || (python -m venv "%VENV%")
if errorlevel 1 (echo Python {python} 64-bit 이 필요합니다 / Python {python} 64-bit is needed& exit /b 1)
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%HERE%wheels" "sewerplan[{extras}]" pywin32 colorama
if errorlevel 1 (echo 설치 실패 / install failed& exit /b 1)
"%VENV%\Scripts\xlwings.exe" addin install
echo.
echo 설치 완료 / installed: "%VENV%\Scripts\sewerplan.exe" --version
"%VENV%\Scripts\sewerplan.exe" --version
echo 엑셀 xlwings 탭 ^> Interpreter 에 "%VENV%\Scripts\pythonw.exe" 를 넣으세요 / set it as the xlwings Interpreter.
"""

README_KO = """sewerplan 오프라인 설치 꾸러미 (망분리 PC용) / offline install kit

만든 날: {created}   대상: Windows x64, Python {python}   휠 {count}개, {size_mb:.0f} MB

정보화 담당 부서 안내
1. 이 폴더를 업무망 PC로 옮깁니다(USB, 자료 전송 시스템).
2. Python {python} 64비트(python.org 설치본, "Add to PATH")가 설치되어 있어야 합니다.
3. install.bat 을 실행합니다. 인터넷 없이 wheels 폴더의 파일만으로 설치합니다
   (pip install --no-index --find-links wheels). 관리자 권한은 필요 없습니다(사용자 폴더에 설치).
4. 엑셀: xlwings 추가 기능이 설치됩니다. 엑셀 [xlwings] 탭 > Interpreter 에
   %LOCALAPPDATA%\\sewerplan\\venv\\Scripts\\pythonw.exe 를 넣습니다.
5. 통합 문서: sewerplan.xlsm (엑셀 2021/2024/Microsoft 365),
   sewerplan_legacy.xlsm (엑셀 2016/2019, 동적 배열 없음; sewerplan_legacy.py 를 같은 폴더에 두세요).
   [xlwings] 탭 > Import Functions 는 "VBA 프로젝트 개체 모델에 안전하게 액세스할 수 있음" 설정이
   필요합니다. 허용되지 않는 PC는 sewerplan_addin.xlam 을 쓰세요: 한 PC에서 열어 매크로
   ImportPythonUDFsToAddin 을 한 번 실행하고 저장한 뒤 각 PC에 배포합니다(docs/excel.ko.md).
6. PDF 보고서: Pango(GTK 런타임)가 없으면 HTML 보고서가 만들어집니다(Edge로 인쇄 > PDF).
   PDF를 바로 만들려면 GTK3 런타임을 설치하고 WEASYPRINT_DLL_DIRECTORIES 에 그 bin 폴더를 지정합니다.

파일 목록과 SHA-256: manifest.json
"""


def write_manifest(out: Path, python: str) -> dict:
    """manifest.json: every wheel with size and SHA-256, the count and the total size."""
    import datetime as dt

    wheels = sorted((out / "wheels").glob("*.whl"))
    entries = [{"file": w.name, "bytes": w.stat().st_size, "sha256": hashlib.sha256(w.read_bytes()).hexdigest()}
               for w in wheels]
    total = sum(e["bytes"] for e in entries)
    manifest = {"created": dt.date.today().isoformat(), "platform": PLATFORM, "python": python,
                "wheel_count": len(entries), "wheels_bytes": total,
                "kit_bytes": sum(p.stat().st_size for p in out.rglob("*") if p.is_file()), "wheels": entries}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def build(out: Path, python: str, extras=EXTRAS) -> dict:
    """The whole kit in ``out`` (replaced); returns the manifest."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    download(out, python, extras)
    write_templates(out)
    (out / "install.bat").write_text(INSTALL_BAT.format(python=python, extras=",".join(extras)).replace("\n", "\r\n"),
                                     encoding="utf-8")
    manifest = write_manifest(out, python)
    readme = README_KO.format(created=manifest["created"], python=python, count=manifest["wheel_count"],
                              size_mb=manifest["wheels_bytes"] / 1e6)
    (out / "README.ko.txt").write_text(readme.replace("\n", "\r\n"), encoding="utf-8-sig")
    return write_manifest(out, python)  # again: the kit size now includes README and manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path("sewerplan-kit"), help="kit folder (replaced)")
    ap.add_argument("--python", default="3.11", help="Python version on the office PCs (default 3.11)")
    ap.add_argument("--extras", default=",".join(EXTRAS),
                    help="sewerplan extras to include (default excel; excel,server for the Office.js server)")
    ap.add_argument("--resolve-only", action="store_true", help="check the resolution; download nothing")
    args = ap.parse_args(argv)
    extras = tuple(e.strip() for e in args.extras.split(",") if e.strip())
    if args.resolve_only:
        items = resolve(args.python, extras)
        problems = check_wheels(items, args.python)
        for it in items:
            print(f"{it['name']}=={it['version']}  {it['wheel']}")
        print(f"{len(items)} wheels for {PLATFORM}, Python {args.python}; problems: {problems or 'none'}")
        return 1 if problems else 0
    m = build(args.out, args.python, extras)
    print(f"kit {args.out}: {m['wheel_count']} wheels, {m['wheels_bytes'] / 1e6:.1f} MB of wheels, "
          f"{m['kit_bytes'] / 1e6:.1f} MB in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
