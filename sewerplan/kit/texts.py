"""What the kit says to the people who install it: install.bat, the Python check, the one-page
설치 안내, README.ko.txt for the IT department, and the files beside them (workbooks, add-in, manual).

``check_python.py`` runs under whatever Python the office PC has (2.7 or any 3.x, so it uses no
f-strings): it names the Python it found (version, bits, path) and, when the kit has no wheels
for it, says which installer to run. ``install.bat`` finds a Python (the ``py`` launcher's
3.13/3.12/3.11 first, then ``python`` on PATH), runs the check, and installs offline.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

__all__ = ["CHECK_PYTHON", "install_bat", "readme", "install_guide_html", "install_guide_pdf", "write_kit_files",
           "INSTALL_GUIDE"]

INSTALL_GUIDE = "설치 안내.html"
MANUAL_DIR = "설명서"
VENV = r"%LOCALAPPDATA%\sewerplan\venv"
INSTALLER_EXAMPLE = "python-3.12.10-amd64.exe"  # python.org's "Windows installer (64-bit)" naming

CHECK_PYTHON = r'''# -*- coding: utf-8 -*-
"""sewerplan kit: is this Python one the kit has wheels for? (runs on Python 2.7 and 3.x)"""
import os
import struct
import sys

SUPPORTED = sys.argv[1].split(",") if len(sys.argv) > 1 else []
INSTALLER = sys.argv[2] if len(sys.argv) > 2 else ""


def verdict(version_info, bits, executable, supported, installer):
    """(ok, lines to print)."""
    found = "%d.%d.%d" % tuple(version_info[:3])
    short = "%d.%d" % tuple(version_info[:2])
    lines = ["찾은 Python / Python found: %s, %d비트(bit), %s" % (found, bits, executable)]
    if short in supported and bits == 64:
        return True, lines + ["이 Python 으로 설치합니다 / installing with this Python."]
    want = ", ".join(supported)
    why = ("32비트입니다 / it is 32-bit" if bits != 64 and short in supported
           else "이 꾸러미에는 Python %s 용 휠이 없습니다 / the kit has no wheels for Python %s" % (short, short))
    run = (installer and "꾸러미 안의 %s 를 실행하세요 / run %s from this kit" % (installer, installer)) or (
        "python.org 의 Windows installer (64-bit) 를 설치하세요, 예: python-3.12.10-amd64.exe / "
        "install python.org's Windows installer (64-bit), e.g. python-3.12.10-amd64.exe")
    return False, lines + [
        "설치할 수 없습니다: %s." % why,
        "필요한 것 / needed: Python %s, 64비트(64-bit)." % want,
        run + ' ("Add python.exe to PATH" 체크). 그 다음 install.bat 을 다시 실행하세요 / then run install.bat again.']


if __name__ == "__main__":
    ok, lines = verdict(sys.version_info, struct.calcsize("P") * 8, sys.executable, SUPPORTED, INSTALLER)
    out = "\n".join(lines) + "\n"
    try:
        sys.stdout.write(out)
    except UnicodeEncodeError:  # an old console code page: print what it can
        sys.stdout.write(out.encode("ascii", "replace").decode("ascii"))
    sys.exit(0 if ok else 1)
'''

INSTALL_BAT = r"""@echo off
rem sewerplan offline install (no internet needed). Run from this folder: double-click install.bat.
chcp 65001 > nul
setlocal
set "HERE=%~dp0"
set "VENV={venv}"
set "PY="
{launcher}
if not defined PY (where python > nul 2>&1 && set "PY=python")
if not defined PY (
  echo Python 을 찾지 못했습니다 / no Python found.
  echo 필요한 것 / needed: Python {versions}, 64-bit. {installer_hint}
  echo 설치 화면에서 "Add python.exe to PATH" 를 체크한 뒤 install.bat 을 다시 실행하세요.
  exit /b 1
)
%PY% "%HERE%check_python.py" {versions_csv} "{installer}"
if errorlevel 1 (
  echo.
  echo 위 안내대로 Python 을 설치한 뒤 다시 실행하세요. 아무 안내도 없으면 PATH 의 python 이 Microsoft Store
  echo 바로 가기입니다: python.org 설치본을 설치하세요 / see above; no message = the Microsoft Store alias.
  exit /b 1
)
%PY% -m venv "%VENV%"
if errorlevel 1 (echo 가상 환경을 만들지 못했습니다: %VENV% / could not create the virtual environment& exit /b 1)
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%HERE%wheels" "sewerplan[{extras}]=={version}"
if errorlevel 1 (
  echo 설치 실패 / install failed: 위 pip 메시지를 정보화 담당 부서에 보여 주세요 / show the pip message above to IT.
  exit /b 1
)
"%VENV%\Scripts\xlwings.exe" addin install
echo.
"%VENV%\Scripts\sewerplan.exe" --version
echo 설치 완료 / installed. 다음 / next: "{guide}" 4-7단계 (엑셀 신뢰 설정, Import Functions).
echo 엑셀 [xlwings] 탭 ^> Interpreter: "%VENV%\Scripts\pythonw.exe"
"""

README_KO = """sewerplan {version} 오프라인 설치 꾸러미 (망분리 PC용) / offline install kit

만든 날: {created}   대상: Windows x64, Python {versions} (64비트)
휠: Python 별 {per_python}; 폴더 전체 {wheel_count}개, {wheels_mb:.0f} MB

먼저 읽을 것: {guide} (한 쪽, 인쇄해서 옆에 두세요). 설명서: {manual_dir}\\manual.ko.html, {manual_dir}\\excel.ko.html

정보화 담당 부서 안내
1. 이 폴더를 업무망 PC로 옮깁니다(USB, 자료 전송 시스템). 받은 파일이 차단되어 있으면 폴더의 파일 속성에서
   [차단 해제]를 체크합니다.
2. Python {versions} 중 하나(64비트, python.org 설치본, "Add python.exe to PATH")가 있어야 합니다.
   {installer_line}
3. install.bat 을 실행합니다. 찾은 Python 의 버전과 비트 수를 먼저 보여 주고, 맞지 않으면 어느 설치 파일을
   실행할지 알려 줍니다. 인터넷 없이 wheels 폴더의 파일만으로 {venv} 에 설치합니다
   (pip install --no-index --find-links wheels). 관리자 권한은 필요 없습니다.
4. 엑셀: xlwings 추가 기능(xlwings {xlwings}, sewerplan_addin.xlam 과 같은 버전)이 설치됩니다. 엑셀 [xlwings] 탭 >
   Interpreter 에 {venv}\\Scripts\\pythonw.exe 를 넣습니다.
5. 통합 문서: sewerplan.xlsm (엑셀 2021/2024/Microsoft 365), sewerplan_legacy.xlsm (엑셀 2016/2019;
   sewerplan_legacy.py 를 같은 폴더에). [xlwings] 탭 > Import Functions 는 "VBA 프로젝트 개체 모델에 안전하게
   액세스할 수 있음" 설정이 필요합니다. 허용되지 않는 PC는 sewerplan_addin.xlam 을 씁니다: 한 PC에서 열어 매크로
   ImportPythonUDFsToAddin 을 한 번 실행하고 저장한 뒤 각 PC에 배포합니다({manual_dir}\\excel.ko.html 9장).
6. PDF 보고서: Pango(GTK 런타임)가 없으면 HTML 보고서와 한글(HWPX) 파일이 만들어집니다(HTML 은 Edge 로
   인쇄 > PDF). PDF 를 바로 만들려면 {manual_dir}\\reports.html 의 "PDF on Windows".

파일 목록과 SHA-256: manifest.json
"""


def _launcher(versions) -> str:
    return "\n".join(f'if not defined PY (py -{v} -c "import sys" > nul 2>&1 && set "PY=py -{v}")'
                     for v in sorted(versions, reverse=True))


def install_bat(versions, extras, version: str, installer: str = "") -> str:
    """install.bat (CRLF line ends are added when written)."""
    hint = (f"꾸러미 안의 {installer} 를 실행하세요 / run {installer} from this kit." if installer else
            f"python.org 의 Windows installer (64-bit) 를 설치하세요 (예: {INSTALLER_EXAMPLE}).")
    return INSTALL_BAT.format(venv=VENV, launcher=_launcher(versions), versions=", ".join(versions),
                              versions_csv=",".join(versions), installer=installer, installer_hint=hint,
                              extras=",".join(extras), version=version, guide=INSTALL_GUIDE)


_STEPS = [
    ("Python 설치", "꾸러미의 {installer} (없으면 python.org 의 <b>Windows installer (64-bit)</b>, Python {versions})를 "
     "실행합니다. 첫 화면 아래의 <b>Add python.exe to PATH</b> 를 체크하고 <b>Install Now</b>. 관리자 권한이 없으면 "
     "<b>Use admin privileges when installing py.exe</b> 체크를 풉니다."),
    ("꾸러미 복사", "꾸러미 폴더를 <code>C:\\sewerplan-kit</code> 처럼 짧은 경로에 복사합니다. 메일·인터넷으로 받은 "
     "파일이면 폴더의 파일 속성에서 <b>차단 해제</b>를 체크합니다."),
    ("install.bat 실행", "<code>install.bat</code> 을 두 번 누릅니다. 맨 위에 찾은 Python 의 버전과 비트 수가 나오고, "
     "맞지 않으면 어느 설치 파일을 실행할지 알려 줍니다. 끝에 <b>설치 완료</b> 와 sewerplan 버전이 나오면 됩니다 "
     "(인터넷 필요 없음, 관리자 권한 필요 없음)."),
    ("엑셀 신뢰 설정 (한 번)", "엑셀 <b>파일 &gt; 옵션 &gt; 보안 센터 &gt; 보안 센터 설정</b>: <b>매크로 설정</b>에서 "
     "<b>VBA 프로젝트 개체 모델에 안전하게 액세스할 수 있음</b> 체크; <b>신뢰할 수 있는 위치</b>에 통합 문서를 둘 폴더 "
     "(예: <code>C:\\sewerplan</code>)를 추가합니다. 허용되지 않는 PC는 7단계의 .xlam 을 씁니다."),
    ("추가 기능과 리본", "install.bat 이 xlwings 추가 기능을 설치합니다. 엑셀을 열면 리본 <b>맨 오른쪽</b>에 "
     "<b>xlwings</b> 탭이 생깁니다. <b>xlwings 탭 &gt; Interpreter</b> 칸에 "
     "<code>{venv}\\Scripts\\pythonw.exe</code> 를 넣습니다."),
    ("통합 문서 열기", "<code>sewerplan.xlsm</code> (엑셀 2016/2019 는 <code>sewerplan_legacy.xlsm</code>)을 4단계의 "
     "폴더에 복사해 열고, <b>xlwings 탭 &gt; Import Functions</b> 를 한 번 누릅니다. <code>=SEWER_...</code> "
     "함수가 계산되고 함수 마법사(fx)에 한국어 도움말이 나옵니다."),
    ("여러 PC 배포 (선택)", "VBA 개체 모델 접근을 막은 PC: 한 PC에서 <code>sewerplan_addin.xlam</code> 을 열어 "
     "매크로 <b>ImportPythonUDFsToAddin</b> 을 한 번 실행·저장한 뒤 배포합니다. 엑셀 <b>추가 기능</b> 목록에 "
     "sewerplan_addin 이 보이면 됩니다. 자세한 내용: {manual_dir}\\excel.ko.html."),
]


def install_guide_html(versions, installer: str = "") -> str:
    """The one-page 설치 안내: each step an official clicks, Python installer to ribbon."""
    fill = {"installer": html.escape(installer) if installer else "Python 설치 파일", "versions": ", ".join(versions),
            "venv": VENV, "manual_dir": MANUAL_DIR}
    items = "".join(f"<li><b>{html.escape(title)}</b>: {text.format(**fill)}</li>" for title, text in _STEPS)
    return ("<!DOCTYPE html><html lang=\"ko\"><head><meta charset=\"utf-8\"><title>sewerplan 설치 안내</title><style>"
            "@page { size: A4; margin: 14mm 15mm; } body { font-family: 'Malgun Gothic', '맑은 고딕', NanumSquare, "
            "sans-serif; font-size: 10.5pt; line-height: 1.5; } h1 { font-size: 16pt; color: #0d3b73; margin: 0 0 4pt; } "
            "li { margin-bottom: 6pt; } code { font-size: 9.5pt; } .note { font-size: 9pt; color: #444; }"
            "</style></head><body><h1>sewerplan 설치 안내 (망분리 PC)</h1>"
            f"<p class=\"note\">이 쪽을 인쇄해 두고 차례대로 하세요. 필요한 것: Windows 10/11 64비트, 엑셀 2016 이상, "
            f"Python {', '.join(versions)} 중 하나 (64비트). 인터넷은 필요 없습니다.</p><ol>{items}</ol>"
            f"<p class=\"note\">문제가 생기면: install.bat 의 메시지를 그대로 정보화 담당 부서에 보여 주세요. 설명서: "
            f"{MANUAL_DIR}\\manual.ko.html (사용 설명서, Windows 설치 장), {MANUAL_DIR}\\excel.ko.html (엑셀).</p>"
            "</body></html>")


def _crlf(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.write_text(text.replace("\r\n", "\n").replace("\n", "\r\n"), encoding=encoding)


def write_kit_files(out: Path, opts, version: str) -> None:
    """Everything but the wheels: workbooks, add-in, manual, install.bat, check, guide, README."""
    from sewerplan.xl_addin.addin import build_addin
    from sewerplan.xl_addin.template import build_template

    from .manual import write_manuals

    build_template(out / "sewerplan.xlsm", force=True)
    build_template(out / "sewerplan_legacy.xlsm", force=True, dynamic_arrays=False)
    build_addin(out / "sewerplan_addin.xlam", force=True)
    write_manuals(out / MANUAL_DIR)
    installer = ""
    if opts.python_installer:
        installer = shutil.copy2(opts.python_installer, out / Path(opts.python_installer).name).name
    (out / "check_python.py").write_text(CHECK_PYTHON, encoding="utf-8")
    _crlf(out / "install.bat", install_bat(opts.pythons, opts.extras, version, installer))
    (out / INSTALL_GUIDE).write_text(install_guide_html(opts.pythons, installer), encoding="utf-8")
    _write_guide_pdf(out)
    _crlf(out / "README.ko.txt", readme(out, opts, version, installer), encoding="utf-8-sig")


def install_guide_pdf(page: str) -> bytes:
    """The 설치 안내 as PDF bytes with the bundled NanumSquare (the HTML names Malgun Gothic, which an office
    PC has and this machine may not)."""
    import weasyprint

    from sewerplan.reporting.render import templates_dir

    fonts = templates_dir() / "fonts"
    css = "".join(f"@font-face {{ font-family: NanumSquare; font-weight: {w}; src: url('{(fonts / f).as_uri()}'); }}"
                  for w, f in (("normal", "NanumSquareR.ttf"), ("bold", "NanumSquareB.ttf")))
    return weasyprint.HTML(string=page.replace("<style>", "<style>" + css, 1)).write_pdf()


def _write_guide_pdf(out: Path) -> None:
    """The 설치 안내 as a PDF too, where WeasyPrint runs (the HTML prints the same in Edge)."""
    from sewerplan.reporting.render import weasyprint_problem

    if weasyprint_problem() is None:
        pdf = install_guide_pdf((out / INSTALL_GUIDE).read_text(encoding="utf-8"))
        (out / INSTALL_GUIDE.replace(".html", ".pdf")).write_bytes(pdf)


def readme(out: Path, opts, version: str, installer: str) -> str:
    import datetime as dt
    from importlib import metadata

    from .resolve import Target, resolve_wheelhouse

    per = []
    for py in opts.pythons:
        res = resolve_wheelhouse(out / "wheels", [f"sewerplan[{','.join(opts.extras)}]=={version}"],
                                 Target("win_amd64", py))
        per.append(f"{py}: {len(res.chosen)}개 {sum(p.stat().st_size for p in res.chosen.values()) / 1e6:.0f} MB")
    wheels = list(out.glob("wheels*/*.whl"))
    return README_KO.format(
        version=version, created=dt.date.today().isoformat(), versions=", ".join(opts.pythons),
        per_python="; ".join(per), wheel_count=len(wheels), wheels_mb=sum(w.stat().st_size for w in wheels) / 1e6,
        guide=INSTALL_GUIDE, manual_dir=MANUAL_DIR, venv=VENV, xlwings=metadata.version("xlwings"),
        installer_line=(f"이 꾸러미에 Python 설치 파일이 있습니다: {installer}" if installer else
                        f"없으면 python.org 의 Windows installer (64-bit) 를 받아 함께 옮기세요 (예: {INSTALLER_EXAMPLE})."))
