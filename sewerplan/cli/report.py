"""``sewerplan report council|hearing``: PDF or HWPX (한글) briefings from a results bundle."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path

import typer

from sewerplan.cli.common import console, user_errors

__all__ = ["register", "report", "money_options", "html_instead_of_pdf"]


class ReportKind(str, Enum):
    council = "council"
    hearing = "hearing"


class ReportFormat(str, Enum):
    pdf = "pdf"
    hwpx = "hwpx"


class Lang(str, Enum):
    ko = "ko"
    en = "en"


def _money(name: str, flag: str):
    """A ``sewerplan report`` option for one money input, its unit and source in the help."""
    from sewerplan.model.planning.money.inputs import MONEY_INPUTS, USER_INPUT

    spec = MONEY_INPUTS[name]
    default = spec.default if spec.default is not None else (spec.computed or USER_INPUT)
    return typer.Option(None, flag, rich_help_panel="Money / 재원·요금 (override results.json finance.inputs)",
                        help=f"{spec.label_ko} / {spec.label_en} [{spec.unit}]; default: {default}")


def money_options(values: dict):
    """The money inputs set on the command line (``None`` = keep the bundle's or the default)."""
    from sewerplan.model.planning.money.inputs import MoneyInputs

    return MoneyInputs(**{k: v for k, v in values.items() if v is not None})


_NOT_MONEY = ("kind", "results", "out", "fmt", "lang", "force", "allow_html")


def report(
    kind: ReportKind = typer.Argument(..., help="council (의회 예산 보고) or hearing (주민설명회 안내문)"),
    results: Path = typer.Option(..., "--results", "-r", help="Results bundle JSON from `sewerplan demo` / 결과 파일"),
    out: Path = typer.Option(..., "--out", "-o", help="Output .pdf or .hwpx file / 출력 파일 (.pdf 또는 .hwpx)"),
    fmt: ReportFormat | None = typer.Option(
        None, "--format", "-f", help="pdf or hwpx (한글 문서); default: from the --out suffix / 출력 형식"),
    lang: Lang = typer.Option(Lang.ko, "--lang", help="ko (한국어) or en (English)"),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists / 기존 파일 덮어쓰기"),
    allow_html: bool = typer.Option(False, "--allow-html",
                                    help="Where no PDF can be made (no Pango), the HTML briefing is enough: exit 0 / "
                                         "PDF를 만들 수 없으면 HTML로 충분함"),
    price_year: int = _money("price_year", "--price-year"),
    construction_cost_krw: float = _money("construction_cost_krw", "--construction-cost"),
    design_supervision_rate: float = _money("design_supervision_rate", "--design-supervision-rate"),
    land_cost_krw: float = _money("land_cost_krw", "--land-cost"),
    contingency_rate: float = _money("contingency_rate", "--contingency-rate"),
    national_share: float = _money("national_share", "--national-share"),
    provincial_share: float = _money("provincial_share", "--provincial-share"),
    causer_price_krw_per_m3_per_day: float = _money("causer_price_krw_per_m3_per_day", "--causer-price"),
    om_krw_per_m3: float = _money("om_krw_per_m3", "--om-cost"),
    om_fixed_share: float = _money("om_fixed_share", "--om-fixed-share"),
    billed_sewage_m3_per_year: float = _money("billed_sewage_m3_per_year", "--billed-sewage"),
    financing_rate: float = _money("financing_rate", "--financing-rate"),
    social_discount_rate: float = _money("social_discount_rate", "--discount-rate"),
    asset_life_years: float = _money("asset_life_years", "--analysis-years"),
    phase1_capacity_m3_per_day: float = _money("phase1_capacity_m3_per_day", "--phase1-capacity"),
    second_train_lead_years: float = _money("second_train_lead_years", "--second-train-lead"),
    cost_curve: str = _money("cost_curve", "--cost-curve"),
    funding_structure: str = _money("funding_structure", "--funding-structure"),
    plant_type: str = _money("plant_type", "--plant-type"),
    causer_basis: str = _money("causer_basis", "--causer-basis"),
    hydraulic_margin: float = _money("hydraulic_margin", "--hydraulic-margin"),
) -> None:
    """Render a briefing: PDF/A-3 with the input data attached, or HWPX to edit in 한글.

    결과 파일로 의회 보고서 또는 주민설명회 안내문을 PDF 또는 한글(HWPX) 문서로 만듭니다. Where PDF
    output is not possible (no Pango, e.g. stock Windows), writes OUT.html to print from Edge, says how
    to get the PDF and exits with code 2 (0 with --allow-html).
    """
    money = {k: v for k, v in locals().items() if k not in _NOT_MONEY}
    with user_errors():
        from sewerplan.model.outputs.results import ResultsBundle
        from sewerplan.reporting.formats import format_for_path, write_briefing

        options = money_options(money)
        fmt_name = format_for_path(out, fmt.value if fmt else None)
        bundle = ResultsBundle.from_json(results)
        t0 = time.perf_counter()
        path = write_briefing(kind.value, bundle, out, fmt_name, lang.value, options, force=force)
        if path.suffix.lower() == ".html":  # no Pango on this PC: the self-contained HTML briefing
            html_instead_of_pdf([path], allow_html)
            return
        console.print(f"{kind.value} report written / 보고서 저장: {path} ({time.perf_counter() - t0:.1f} s)")


def html_instead_of_pdf(written, allowed: bool) -> None:
    """The briefings were written as HTML because no PDF can be made here: one line; with ``allowed`` a
    note (exit 0), else an error (exit 2), so a script that asked for a PDF does not carry on without one."""
    from sewerplan.reporting.render import ReportRenderError, pdf_unavailable_message, weasyprint_problem

    where = ", ".join(str(p) for p in written)
    line = pdf_unavailable_message(weasyprint_problem() or "no PDF engine", where)
    if not allowed:
        raise ReportRenderError(f"{line} (--allow-html, or report.formats: [html] in the project file, accepts the "
                                "HTML / HTML로 충분하면 --allow-html)")
    console.print(line, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("report", help="Briefings (PDF or HWPX): council budget or public hearing / 보고서 (PDF·한글)")(report)
