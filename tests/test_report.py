"""PDF briefings: content, fonts, strictness, PDF/A-3 attachments, CLI."""

import io
import json
import re

import pypdf
import pytest
import typer
from typer.testing import CliRunner

from sewerplan.model.outputs.results import ResultsBundle, ResultsBundleError, example_bundle
from sewerplan.reporting import ReportRenderError, build_context, render_html, render_pdf_bytes
from sewerplan.reporting import filters
from sewerplan.reporting import render as render_mod

HOSTILE = ["<script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}B&C", "$x$ 지구"]


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def bundle():
    return example_bundle()


@pytest.fixture(scope="module")
def council_ko(example_pdf):
    return example_pdf("council", "ko")  # render_pdf_bytes("council", example_bundle(), "ko"), shared (conftest.py)


@pytest.fixture(scope="module")
def hearing_ko(example_pdf):
    return example_pdf("hearing", "ko")


def test_council_has_key_korean_phrases_and_model_numbers(bundle, council_ko):
    text = _flat(_text(council_ko))
    for phrase in ["의결요청", "사업개요", "원인자부담금", "처리용량대안비교", "재원조달", "위험요인과대응", "예상질의·답변",
                   "가정과출처", "예측모델설명서", "합성표본자료", "보정구역8개기준"]:
        assert phrase in text, phrase
    n = build_context("council", bundle, "ko")["numbers"]
    for shown in [
        filters.thousands(n["recommended_capacity_m3_per_day"]),
        filters.thousands(n["pilot_formula_capacity_m3_per_day"]),
        filters.eok(n["expected_expansion_krw"]),
        filters.eok(n["capex_recommended_krw"]),
        filters.krw(n["fee_household_krw_per_month"][4]),
        filters.eok(n["causer_charge_krw"]),
        filters.thousands(bundle.existing_total.observed_m3_per_day),
    ]:
        assert _flat(shown) in text, shown


def test_hearing_has_plain_korean_answers_and_bill(bundle, hearing_ko):
    text = _flat(_text(hearing_ko))
    for phrase in ["우리집하수도요금에는", "냄새와소음", "자주묻는질문", "큰비가오면", "1~2인가구", "공장"]:
        assert phrase in text, phrase
    n = build_context("hearing", bundle, "ko")["numbers"]
    assert _flat(filters.krw(n["lead_fee_4p_krw_per_month"])) in text
    assert _flat(filters.krw(n["plant_fee_4p_krw_per_month"])) in text


def test_page_counts_within_bounds(council_ko, hearing_ko):
    # the page budgets of docs/reports.md (the demo's briefings: tests/test_report_style.py): the council
    # briefing at most 6 pages, the hearing handout its four fixed pages
    assert 2 <= len(pypdf.PdfReader(io.BytesIO(council_ko)).pages) <= 6
    assert len(pypdf.PdfReader(io.BytesIO(hearing_ko)).pages) == 4


def test_fonts_embedded(council_ko):
    reader = pypdf.PdfReader(io.BytesIO(council_ko))
    embedded = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for f in fonts.values():
            f = f.get_object()
            for desc in [f.get("/FontDescriptor")] + [d.get_object().get("/FontDescriptor") for d in f.get("/DescendantFonts", [])]:
                if desc is not None:
                    desc = desc.get_object()
                    if any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        embedded.add(str(desc["/FontName"]))
    assert any("NanumSquare" in name for name in embedded), embedded
    assert any("NanumSquareB" in name or "Bold" in name for name in embedded), embedded


def test_pdfa3_with_results_and_inputs_attached(bundle, council_ko):
    reader = pypdf.PdfReader(io.BytesIO(council_ko))
    att = reader.attachments
    assert list(att) == ["results.json"]  # the public bundle; no file of a folder (the example has none)
    attached = json.loads(att["results.json"][0])
    assert attached["capacity"]["upper_m3_per_day"] == bundle.capacity.upper_m3_per_day
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp


def test_hostile_district_names_printed_literally():
    b = example_bundle(district_names=HOSTILE)
    html = render_html("council", b, "ko")
    assert "<script>" not in html and "&lt;script&gt;" in html
    text = _text(render_pdf_bytes("hearing", b, "ko", attach=False))  # hearing does not list districts
    ctext = _flat(_text(render_pdf_bytes("council", b, "ko", attach=False)))
    assert _flat("<script>alert(1)</script>") in ctext
    assert _flat("{{ 7*7 }}") in ctext and "49지구" not in ctext
    assert _flat("{% raw %}B&C") in ctext
    assert _flat("$x$ 지구") in ctext
    assert text


def test_english_variant_renders(example_pdf):
    pdf = example_pdf("council", "en")
    text = _flat(_text(pdf))
    assert "Decisionasked" in text and "Funding" in text and "Syntheticsampledata" in text
    assert 2 <= len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 6  # the same budgets as the Korean papers
    h = example_pdf("hearing", "en")
    assert "Whatdoesitmeanformybill" in _flat(_text(h))
    assert len(pypdf.PdfReader(io.BytesIO(h)).pages) == 4


def test_missing_field_gives_clear_error(tmp_path, bundle):
    d = bundle.to_dict()
    del d["planned"][1]["ml_upper"]["day_max_m3_per_day"]
    p = tmp_path / "r.json"
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ResultsBundleError, match=r"r\.json.*planned\[1\]\.ml_upper\.day_max_m3_per_day.*missing"):
        ResultsBundle.from_json(p)


def test_wrong_type_and_unordered_interval_are_errors(bundle):
    d = bundle.to_dict()
    d["capacity"]["p50_m3_per_day"] = "lots"
    with pytest.raises(ResultsBundleError, match=r"capacity\.p50_m3_per_day.*finite number"):
        ResultsBundle.from_dict(d)
    d = bundle.to_dict()
    d["planned_total"]["ml_lower"]["day_max_m3_per_day"] = 1e9
    with pytest.raises(ResultsBundleError, match="not ordered"):
        ResultsBundle.from_dict(d)


def test_bundle_json_round_trip(tmp_path, bundle):
    p = bundle.to_json(tmp_path / "b.json")
    assert ResultsBundle.from_json(p) == bundle


def test_strict_undefined_fails(bundle):
    ctx = build_context("hearing", bundle, "ko")
    del ctx["odour"]
    with pytest.raises(ReportRenderError, match="odour"):
        render_html("hearing", bundle, "ko", context=ctx)


def test_network_and_outside_files_blocked(tmp_path):
    from weasyprint.urls import FatalURLFetchingError

    root = render_mod.templates_dir()
    fetch = render_mod._make_fetcher(root)
    for url in ["http://example.com/x.css", "https://example.com/f.ttf", (tmp_path / "x.css").as_uri()]:
        with pytest.raises(FatalURLFetchingError, match="blocked"):
            fetch.fetch(url) if hasattr(fetch, "fetch") else fetch(url)


def test_remote_image_in_template_fails_render(monkeypatch, bundle):
    monkeypatch.setattr(render_mod, "render_html", lambda *a, **k: '<html><body><img src="http://example.com/a.png"></body></html>')
    with pytest.raises(ReportRenderError, match="blocked"):
        render_pdf_bytes("hearing", bundle, "ko", attach=False)


def test_weasyprint_error_log_fails_render(monkeypatch, bundle):
    import logging

    import weasyprint

    real = weasyprint.HTML.write_pdf

    def noisy(self, *a, **k):
        logging.getLogger("weasyprint").error("Failed to load font 'X'")
        return real(self, *a, **k)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", noisy)
    monkeypatch.setattr(render_mod, "render_html", lambda *a, **k: "<html><body><p>x</p></body></html>")
    with pytest.raises(ReportRenderError, match="Failed to load font"):
        render_pdf_bytes("hearing", bundle, "ko", attach=False)


def test_cli_report_writes_refuses_overwrite_and_reports_missing(tmp_path, bundle):
    from sewerplan.cli import report as cli_report

    app = typer.Typer()
    cli_report.register(app)

    @app.command("noop")
    def _noop():  # a second command so typer keeps the "report" sub-command name
        pass

    res_path = bundle.to_json(tmp_path / "results.json")
    out = tmp_path / "h.pdf"
    runner = CliRunner()
    r = runner.invoke(app, ["report", "hearing", "--results", str(res_path), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")
    r = runner.invoke(app, ["report", "hearing", "--results", str(res_path), "--out", str(out)])
    assert r.exit_code == 2 and "--force" in r.output
    r = runner.invoke(app, ["report", "council", "--results", str(tmp_path / "nope.json"), "--out", str(tmp_path / "c.pdf")])
    assert r.exit_code == 2 and "nope.json" in r.output


def test_filters():
    assert filters.thousands(1234567.8) == "1,234,568"
    assert filters.eok(4_927_806_729) == "49억원"
    assert filters.eok(4_927_806_729, 1) == "49.3억원"
    assert filters.krw(2376.6) == "2,377원"
    assert filters.pct(0.184) == "18%"
    assert filters.signed_thousands(-1234) == "−1,234"
    assert filters.thousands(float("nan")) == "–"


def test_chart_axes_print_thousands_separators():
    """Every figure in the papers has separators, the axes too (an axis read '10000' before)."""
    from sewerplan.reporting import charts

    svg = charts.existing_town_chart(["가온동", "나래동"], {"observed": [12_000, 3_000], "ml": [11_000, 2_500]},
                                     labels={"observed": "요금자료 기준", "ml": "예측"}, ylabel="m³/일")
    cap = charts.capacity_chart(["기존 방식", "예측"], [10_570, 15_760], ylabel="m³/일")
    for picture in (svg, cap):
        assert "10,000" in picture and "10000" not in picture
