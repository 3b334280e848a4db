"""``sewerplan kit build|check`` (the offline install kit) and ``sewerplan manual`` (the manuals as HTML)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import List, Optional

import typer

from sewerplan.cli.common import console, out_console, user_errors

__all__ = ["register"]

kit_app = typer.Typer(
    help="Offline install kit for office PCs on separated networks / 망분리 PC용 오프라인 설치 꾸러미.",
    no_args_is_help=True,
)


def _pythons(values: Optional[List[str]]) -> tuple:
    from sewerplan.kit.resolve import TARGET_PYTHONS

    chosen = tuple(dict.fromkeys(v.strip() for item in values or [] for v in item.split(",") if v.strip()))
    bad = [v for v in chosen if v not in ("3.11", "3.12", "3.13", "3.14")]
    if bad:
        raise typer.BadParameter(f"--python {', '.join(bad)}: sewerplan runs on 3.11-3.13 / 지원 버전이 아닙니다")
    return chosen or TARGET_PYTHONS


@kit_app.command("build")
def build(
    out: Path = typer.Option(Path("sewerplan-kit"), "--out", help="Kit folder to create (new or empty) / 만들 꾸러미 폴더"),
    python: Optional[List[str]] = typer.Option(None, "--python",
                                               help="Python version(s) of the office PCs (default 3.11, 3.12, 3.13) / "
                                                    "업무 PC의 Python 버전"),
    linux: bool = typer.Option(False, "--linux", help="Also a Linux x86_64 wheelhouse (wheels-linux/) / 리눅스용 휠도"),
    extras: str = typer.Option("excel", "--extras", help="sewerplan extras (excel; excel,server) / 추가 구성요소"),
    wheel: Optional[Path] = typer.Option(None, "--wheel", help="A sewerplan wheel to carry (default: built here) / "
                                                                "넣을 sewerplan 휠"),
    python_installer: Optional[Path] = typer.Option(None, "--python-installer",
                                                    help="python-3.x.y-amd64.exe to put into the kit / "
                                                         "꾸러미에 넣을 Python 설치 파일"),
):
    """Build the offline kit: Windows wheels for each Python, workbooks, add-in, manual, install.bat.

    인터넷이 되는 PC에서 실행합니다. 업무망 PC에는 꾸러미 폴더만 옮기면 됩니다(인터넷 불필요).
    """
    from sewerplan.kit.build import KitOptions, build_kit

    with user_errors():
        start = time.perf_counter()
        opts = KitOptions(out=out, pythons=_pythons(python), linux=linux, wheel=wheel,
                          extras=tuple(e.strip() for e in extras.split(",") if e.strip()),
                          python_installer=python_installer,
                          progress=lambda msg: console.print(f"  {msg}", markup=False, highlight=False))
        m = build_kit(opts)
        for key, t in m["targets"].items():
            out_console.print(f"  {key}: {t['wheels']} wheels / 휠, {t['bytes'] / 1e6:.1f} MB", markup=False)
        out_console.print(f"Kit / 꾸러미: {out} ({m['wheel_count']} wheel files / 휠 파일, "
                          f"{m['wheels_bytes'] / 1e6:.1f} MB of wheels, {m['kit_bytes'] / 1e6:.1f} MB in all / 전체; "
                          f"{time.perf_counter() - start:.0f} s)", markup=False, highlight=False)
        out_console.print("Next / 다음: copy the folder to the office PC, read '설치 안내.html', run install.bat / "
                          "폴더를 업무망 PC로 옮기고 '설치 안내.html' 대로 install.bat 을 실행하세요.",
                          markup=False, highlight=False)


@kit_app.command("check")
def check(
    kit: Path = typer.Argument(..., help="Kit folder / 꾸러미 폴더"),
    python: Optional[List[str]] = typer.Option(None, "--python", help="Python version(s) to check / 확인할 버전"),
    linux: bool = typer.Option(False, "--linux", help="Check wheels-linux/ instead / 리눅스 휠 확인"),
    no_pip: bool = typer.Option(False, "--no-pip", help="Only the marker-aware resolver, not pip's dry run"),
):
    """Check, offline, that the kit installs on each Python (no index is contacted).

    꾸러미의 휠만으로 각 Python 버전에 설치되는지 인터넷 없이 확인합니다.
    """
    from sewerplan.kit.build import check_kit

    with user_errors():
        pythons = _pythons(python)
        problems = check_kit(kit, pythons, "linux_x86_64" if linux else "win_amd64", use_pip=not no_pip)
        for p in problems:
            console.print(f"  {p}", markup=False, highlight=False)
        where = "Linux x86_64" if linux else "Windows x64"
        if problems:
            out_console.print(f"Kit does not install offline / 설치할 수 없습니다: {len(problems)} problem(s) / 문제",
                              markup=False)
            raise typer.Exit(1)
        out_console.print(f"OK / 확인: {kit} installs offline on {where}, Python {', '.join(pythons)} / "
                          f"인터넷 없이 설치됩니다", markup=False, highlight=False)


def manual(
    out: Path = typer.Option(Path("sewerplan-manual"), "--out", help="Folder for the HTML manuals / 설명서 폴더"),
):
    """Write the manuals (Korean and English) as HTML files that open offline in any browser.

    사용 설명서·엑셀 설명서 등을 인터넷 없이 열리는 HTML 파일로 만듭니다.
    """
    from sewerplan.kit.manual import write_manuals

    with user_errors():
        files = write_manuals(out)
        out_console.print(f"Manual / 설명서: {out / 'manual.ko.html'} ({len(files)} files / 파일)",
                          markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(kit_app, name="kit")
    app.command("manual")(manual)
