"""`sewerplan excel ...`: the template workbook and the Office.js server."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from sewerplan.cli.common import require_extra

__all__ = ["register"]

excel_app = typer.Typer(
    help="Excel add-in: template workbook and Office.js server / 엑셀 추가 기능: 서식 통합 문서와 Office.js 서버.",
    no_args_is_help=True,
)


class Layout(str, Enum):
    auto = "auto"
    dynamic = "dynamic"
    legacy = "legacy"


@excel_app.command("template")
def template(
    out: Path = typer.Option(Path("sewerplan.xlsm"), "--out", help="Workbook to write (.xlsm) / 만들 통합 문서"),
    force: bool = typer.Option(False, "--force", help="Overwrite / 덮어쓰기"),
    layout: Layout = typer.Option(
        Layout.auto, "--layout",
        help="dynamic: Excel 2021/2024/365 (spilled results); legacy: Excel 2016/2019 (no dynamic arrays); "
             "auto: this PC's Excel, else dynamic / 엑셀 버전에 맞는 배치"),
):
    """Write the template workbook (sample town, formulas, buttons) / 서식 통합 문서를 만듭니다."""
    require_extra("excel")
    from sewerplan.xl_addin.excel_version import dynamic_arrays
    from sewerplan.xl_addin.template import build_template

    dynamic = {"dynamic": True, "legacy": False}.get(layout.value)
    if dynamic is None:
        found = dynamic_arrays()
        dynamic = found is not False
        why = "detected" if found is not None else "Excel not found on this PC; default"
        why_ko = "이 PC의 엑셀에서 확인" if found is not None else "이 PC에서 엑셀을 찾지 못해 기본값"
        typer.echo(f"layout / 배치: {'dynamic' if dynamic else 'legacy'} ({why}; --layout to choose / {why_ko}, "
                   "--layout 으로 선택)")
    try:
        path = build_template(out, force=force, dynamic_arrays=dynamic)
    except (OSError, ValueError) as exc:  # the output checks' errors, one line each
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Workbook / 통합 문서: {path}")
    if path.stem != "sewerplan":
        typer.echo(f"Module / 모듈: {path.with_suffix('.py')} (keep it beside the workbook / 통합 문서 옆에 두세요)")
    typer.echo("Next / 다음: xlwings addin install (Excel closed / 엑셀을 닫고); open the workbook / 통합 문서를 열고; "
               "xlwings tab > Import Functions / xlwings 탭 > Import Functions 한 번.")


@excel_app.command("addin")
def addin(
    out: Path = typer.Option(Path("sewerplan_addin.xlam"), "--out", help="Add-in to write (.xlam) / 만들 추가 기능"),
    force: bool = typer.Option(False, "--force", help="Overwrite / 덮어쓰기"),
):
    """Write the .xlam add-in for distribution to many PCs (docs/excel.ko.md) / 배포용 .xlam 추가 기능."""
    require_extra("excel")
    from sewerplan.xl_addin.addin import build_addin

    try:
        path = build_addin(out, force=force)
    except (FileExistsError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Add-in / 추가 기능: {path}")
    typer.echo("Next, once on one PC: open it, run the macro ImportPythonUDFsToAddin, save; then distribute it "
               "(xlwings addin install --file). / 다음: 한 PC에서 열어 ImportPythonUDFsToAddin 매크로를 한 번 "
               "실행하고 저장한 뒤 배포합니다(xlwings addin install --file).")


@excel_app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind / 바인드 주소"),
    port: int = typer.Option(8000, help="Port / 포트"),
    base_url: str = typer.Option(None, help="Public HTTPS address for the manifest / 매니페스트에 쓸 공개 HTTPS 주소"),
    certfile: Path = typer.Option(None, help="TLS certificate (PEM) / 인증서"),
    keyfile: Path = typer.Option(None, help="TLS private key (PEM) / 개인 키"),
    new_token: bool = typer.Option(False, "--new-token", help="Print a random access token and exit / 토큰 생성"),
    scenario_dir: Path = typer.Option(
        None, "--scenario-dir",
        help="Folder of the scenario files worksheet calls may name (default SEWERPLAN_SCENARIO_DIR; none: "
             "only the bundled sample) / 시나리오 파일 폴더"),
    data_dir: Path = typer.Option(
        None, "--data-dir",
        help="Folder of the training tables SEWER_LOCAL_UNITLOADS may name (default SEWERPLAN_DATA_DIR; none: no "
             "file) / 학습 자료 폴더"),
):
    """Serve the worksheet functions to Office.js (needs the server extra) / Office.js 서버를 실행합니다."""
    from sewerplan.xl_addin import server

    if new_token:
        typer.echo(server.new_token())
        return
    require_extra("server")
    import uvicorn
    try:
        app = server.create_app(base_url=base_url, scenario_dir=scenario_dir, data_dir=data_dir)
    except RuntimeError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    uvicorn.run(app, host=host, port=port, ssl_certfile=str(certfile) if certfile else None,
                ssl_keyfile=str(keyfile) if keyfile else None, **server.uvicorn_options(app.state.limits))


def register(app: typer.Typer) -> None:
    app.add_typer(excel_app, name="excel")
