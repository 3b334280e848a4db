"""Issue 15: the Korean briefings read as Korean offices write them.

Rendered text (pdftotext, pypdf where poppler is missing) of both Korean briefings, for the demo's
results bundle (the shared ``full_demo`` run: the bundled sample project with its ``briefing:`` texts; the city's
plan above the need) and for the same bundle with the city's plan moved to the other side (the reversed direction):

* no ASCII letters outside an allow-list, kept short on purpose: the units m³/m² and L (litres, as
  Korean standards print them), the program's name ``sewerplan`` (the source line cites the
  version that made the numbers), the model id (the model card's key) and the names the inputs
  give (towns, districts: the city may name them in Latin letters);
* every number with a unit followed by a particle has the particle that fits how the unit is read,
  and no catalogue pair ('을/를') is left unresolved;
* no statistical jargon (ML, P50/P90, 곡선 산포, 실측 for billing-based sewage ...), no '-' glued to a
  label, a running head on one line;
* the sections a budget paper and a hearing handout carry are present, city texts left out
  cleanly when not given, and the page budgets of docs/reports.md hold.
"""

import dataclasses
import html
import io
import re
import shutil
import subprocess

import pypdf
import pytest

from sewerplan.model.outputs.results import ResultsBundle, example_bundle
from sewerplan.reporting import build_context, render_html, render_pdf_bytes
from sewerplan.reporting.particles import PAIRS, attach, particle

UNITS = ("m³/일", "m³/년", "m³/월", "m³", "톤", "억원", "원", "%", "년", "명", "세대", "동", "개", "건")
PARTICLES = ("으로", "을", "를", "이", "가", "은", "는", "와", "과", "로")
NUMBER_UNIT_PARTICLE = re.compile(r"(\d[\d,.]*\s?(?:" + "|".join(re.escape(u) for u in UNITS) + r"))("
                                  + "|".join(PARTICLES) + r")(?=[\s,.)·:;]|$)")
JARGON = ("ML", "P50", "P90", "P10", "곡선 산포", "실측 기반", "실측 대비", "예측구간", "분할 등각", "로그정규", "중앙값 (P50)",
          "korea_real", "wape", "n_buildings", "×0.", "x0.")
COUNCIL_SECTIONS = ("사업 개요", "기존 시가지 검증", "신도시 구역별 예측", "처리용량 대안 비교", "계획 시나리오",
                    "총사업비와 재원 조달", "연차별 투자계획", "추진 일정", "위험 요인과 대응", "예상 질의·답변", "가정과 출처",
                    "부록: 예측 모델 설명서", "의결 요청", "위치", "처리 공정", "방류 수역", "요금자료 기준 오수량")
HEARING_SECTIONS = ("무엇을, 왜 짓나요?", "어디에, 어떻게 짓나요?", "언제 짓나요?", "누가 내나요?", "우리 집 하수도요금에는?",
                    "냄새와 소음", "의견을 보내 주세요", "자주 묻는 질문", "원인자부담금", "가온천")
#: page budgets (docs/reports.md, 'Page budgets'): the council briefing at most 6 pages in either language, the hearing
#: handout four fixed pages (one per group of residents' questions), the same in both languages
COUNCIL_PAGES, HEARING_PAGES = 6, 4
UNRESOLVED_PAIR = re.compile(r"(?:을/를|이/가|은/는|와/과|과/와|으로/로)")


def _text(pdf: bytes) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode("utf-8")
    # pages end in a form feed, as pdftotext writes them (the running-head check splits on it)
    return "".join(p.extract_text() + "\f" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _has(text: str, phrase: str) -> bool:
    """``phrase`` in ``text`` whatever the line breaks (Korean text wraps inside words: '어\n디에')."""
    return re.sub(r"\s+", "", phrase) in re.sub(r"\s+", "", text)


def _pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def demo_bundle(full_demo):
    """The results bundle of the shared demo run (tests/conftest.py), with the sample project's briefing texts."""
    from sewerplan.recipe.demo import DEMO_FILES

    bundle = ResultsBundle.from_json(full_demo.out_dir / DEMO_FILES["results_json"])
    assert bundle.briefing is not None and bundle.briefing.site  # carried from the project file
    return bundle


def _city_plan_at(bundle: ResultsBundle, capacity: float) -> ResultsBundle:
    """The same bundle with the city's plan at ``capacity`` [m3/d], as a reviewer edits it."""
    data = bundle.to_dict()
    data["capacity"][f"{bundle.capacity.city_plan_method}_m3_per_day"] = round(capacity, -1)
    return ResultsBundle.from_dict(data)


def _reversed(bundle: ResultsBundle) -> ResultsBundle:
    """The city's plan on the other side: inside the need's interval (at its median) when the demo's plan is above
    it, as the sample project's is ('over'), else far above it."""
    cap = bundle.capacity
    over = getattr(cap, f"{cap.city_plan_method}_m3_per_day") > cap.upper_m3_per_day
    return _city_plan_at(bundle, cap.p50_m3_per_day if over else cap.upper_m3_per_day * 1.8)


@pytest.fixture(scope="module")
def rendered(full_demo, demo_bundle):
    """{(case, kind, lang): pdf bytes} for the demo and the reversed bundles: the demo's Korean
    papers as ``sewerplan demo`` wrote them, the English ones and the reversed bundle's rendered here."""
    out = {("demo", "council", "ko"): full_demo.paths["council_pdf"].read_bytes(),
           ("demo", "hearing", "ko"): full_demo.paths["hearing_pdf"].read_bytes()}
    for case, bundle in (("demo", demo_bundle), ("reversed", _reversed(demo_bundle))):
        for kind in ("council", "hearing"):
            for lang in ("ko", "en"):
                if (case, kind, lang) not in out:
                    out[case, kind, lang] = render_pdf_bytes(kind, bundle, lang, attach=False)
    return out


@pytest.fixture(scope="module")
def example_pdfs(example_pdf):
    """{(kind, lang): pdf bytes} of ``example_bundle()``: a bundle without the city's texts (shared: conftest.py)."""
    return {(kind, lang): example_pdf(kind, lang) for kind in ("council", "hearing") for lang in ("ko", "en")}


def _allowed_words(bundle: ResultsBundle) -> set[str]:
    """ASCII words a Korean briefing may print: the program, the model id and the names the inputs give."""
    m = bundle.metadata
    names = [m.town_name, m.existing_town_name, m.municipality, *(d.district for d in bundle.planned),
             *(d.district for d in bundle.existing)]
    words = {w for n in names for w in re.findall(r"[A-Za-z][A-Za-z0-9_\-]*", n)}
    return words | {"sewerplan", m.model_card.model_id}


def _foreign_words(text: str, allowed: set[str]) -> list[str]:
    """ASCII words outside the allow-list, each with a little context."""
    for word in sorted(allowed, key=len, reverse=True):
        text = text.replace(word, " ")
    text = re.sub(r"m[³²]", " ", text)  # m³, m²
    text = re.sub(r"(?<=[\d\s(])L(?![A-Za-z])", " ", text)  # litres: '300 L', 'L/인·일'
    return [text[max(m.start() - 25, 0):m.end() + 25] for m in re.finditer(r"[A-Za-z]+", text)]


@pytest.mark.parametrize("case", ["demo", "reversed"])
@pytest.mark.parametrize("kind", ["council", "hearing"])
def test_korean_briefings_hold_no_english_words(demo_bundle, rendered, case, kind):
    text = _text(rendered[case, kind, "ko"])
    assert _foreign_words(text, _allowed_words(demo_bundle)) == []
    assert [j for j in JARGON if _has(text, j)] == []
    assert _has(text, "합성 표본 자료 — 실제 도시의 예측이 아닙니다") and "synthetic" not in text.lower()


def test_the_style_check_finds_english_and_jargon():
    allowed = {"sewerplan"}
    words = _foreign_words("세대당 인구 2.6 persons/household", allowed)
    assert len(words) == 2 and "persons" in words[0]
    assert _foreign_words("하루 15,760 m³/일 · 300 L/인·일 · 오차: +269톤 · sewerplan 0.1", allowed) == []
    assert len(_foreign_words("오차: +269t · wape = 0.418 · Lake", allowed)) == 3  # 't', 'wape', a word starting with L
    assert [j for j in JARGON if j in "ML 중앙값 (P50) 14,080"] == ["ML", "P50", "중앙값 (P50)"]


def test_the_style_check_finds_wrong_particles_glued_minus_and_a_wrapped_head():
    wrong = _wrong_particles("하루 15,760 m³을 권고합니다. 약 288억원가 듭니다. 78%이 됩니다. 3,290 m³/일를 넘고")
    assert wrong == [("15,760 m³", "을"), ("288억원", "가"), ("78%", "이"), ("3,290 m³/일", "를")]
    assert _wrong_particles("하루 15,760 m³를 권고합니다. 약 288억원이 듭니다. 78%가 됩니다. 3,290 m³/일을 넘고") == []
    assert _unresolved("약 {amount}을/를".replace("{amount}", "81억원")) == ["을/를"]
    assert _glued_minus("0  2000\n -나래동  가온동") and not _glued_minus("기준 − 추정, -2,086톤, 2027–2028년")
    assert not _one_line_head("의회 보고 · 2026년 11월 30\n일\n본문\f", "의회 보고", "2026년 11월 30일")
    assert _one_line_head("합성 표본 자료      의회 보고 · 2026년 11월 30일\n본문\f", "의회 보고", "2026년 11월 30일")


@pytest.mark.parametrize("case", ["demo", "reversed"])
@pytest.mark.parametrize("kind", ["council", "hearing"])
def test_every_number_with_a_unit_has_a_fitting_particle(rendered, case, kind):
    text = _text(rendered[case, kind, "ko"])
    assert len(NUMBER_UNIT_PARTICLE.findall(_joined(text))) >= 3  # the check has something to check
    assert _wrong_particles(text) == []
    assert _unresolved(text) == []


def _joined(text: str) -> str:
    """Korean wraps inside words: join the lines."""
    return re.sub(r"\n\s*", "", text)


def _wrong_particles(text: str) -> list[tuple[str, str]]:
    """(number with unit, particle) pairs whose particle does not fit the unit's reading."""
    return [(value, p) for value, p in NUMBER_UNIT_PARTICLE.findall(_joined(text)) if p != _fitting(value, p)]


def _unresolved(text: str) -> list[str]:
    """Catalogue particle pairs printed as they are ('81억원을/를')."""
    return UNRESOLVED_PAIR.findall(_joined(text))


def _fitting(value: str, found: str) -> str:
    pair = next(pair for pair, forms in PAIRS.items() if found in forms)
    return particle(value, pair)


@pytest.mark.parametrize(("word", "pair", "expected"), [
    ("15,760 m³", "을/를", "15,760 m³를"),  # 세제곱미터를
    ("15,760 m³/일", "을/를", "15,760 m³/일을"),  # ... 일을
    ("하루 15,760톤", "을/를", "하루 15,760톤을"),
    ("288억원", "이/가", "288억원이"),
    ("78%", "이/가", "78%가"),  # 퍼센트가
    ("10,570 m³/일", "으로/로", "10,570 m³/일로"),  # ㄹ takes 로
    ("81억원", "으로/로", "81억원으로"),
    ("2.5%", "으로/로", "2.5%로"),
    ("가온천", "으로/로", "가온천으로"),
    ("가온시청 하수도과 (우편·방문)", "으로/로", "가온시청 하수도과 (우편·방문)로"),  # read without the brackets
    ("100,000", "이/가", "100,000이"),  # 십만
    ("3", "와/과", "3과"),  # 삼
    ("2031년", "은/는", "2031년은"),
    ("10번 중 9번(90%)", "이/가", "10번 중 9번(90%)이"),
])
def test_particles_follow_the_reading(word, pair, expected):
    assert attach(word, pair) == expected


def test_catalogue_particles_resolve_by_the_value():
    from sewerplan.reporting.catalog import text

    assert "4,000억원을 덜 씁니다" in text("ko", "council.decision.reason.smaller", baseline="x", avoided="4,000억원",
                                       payer="시비")
    assert "32억원이 더 들지만" in text("ko", "council.decision.reason.larger", baseline="x", flow="", extra="32억원",
                                  payer="", expansion="", reduced="3억원")
    assert "3 m³/일로 필요량" in text("ko", "council.summary.lead.over", baseline="3 m³/일", need="", gap="", p_large="",
                                 method="", evidence="", stranded="", price_year="")
    assert "1% 미만(보정 구역 8개 기준)으로 10% 미만" in text(
        "ko", "council.summary.lead.about_right_small", method="", baseline="", lower="", upper="", p_small="1% 미만",
        threshold="10%", evidence="보정 구역 8개")
    assert "가온천으로 흘려" in text("ko", "hearing.where.receiving_water", receiving_water="가온천")
    assert "새내로 흘려" in text("ko", "hearing.where.receiving_water", receiving_water="새내")


@pytest.mark.parametrize("case", ["demo", "reversed"])
def test_council_briefing_carries_a_budget_papers_sections(rendered, case):
    text = _text(rendered[case, "council", "ko"])
    assert [s for s in COUNCIL_SECTIONS if not _has(text, s)] == []
    assert all(_has(text, w) for w in ("국비", "도비", "시비", "지방재정 투자심사", "단계 건설"))


@pytest.mark.parametrize("case", ["demo", "reversed"])
def test_hearing_handout_carries_what_residents_ask(rendered, case):
    text = _text(rendered[case, "hearing", "ko"])
    assert [s for s in HEARING_SECTIONS if not _has(text, s)] == []
    assert _has(text, "2027년 1월 29일까지") and _has(text, "가온시청 하수도과")


def test_the_savings_question_follows_the_computed_direction(demo_bundle, rendered):
    """Issue 22: money avoided only when the city's plan is the larger plant, and residents are asked only about the
    city's own part of it (in the demo the developer pays all, so the site plan is paid from the developer's part)."""
    direction = {case: build_context("hearing", b, "ko")["numbers"]["direction"]
                 for case, b in (("demo", demo_bundle), ("reversed", _reversed(demo_bundle)))}
    inside = [case for case, d in direction.items() if d == "about_right"]
    assert inside, direction  # the demo or its reversed edit is inside the need's interval
    under = _text(rendered[inside[0], "hearing", "ko"])
    assert not _has(under, "주민 여러분께 묻습니다") and not _has(under, "덜 드는")  # nothing avoided: no question
    far = _city_plan_at(demo_bundle, demo_bundle.capacity.upper_m3_per_day * 1.8)  # enough avoided for the site plan
    ctx = build_context("hearing", far, "ko")
    assert ctx["numbers"]["direction"] == "over" and ctx["reuse"] is None  # the developer's money, not the city's
    over = html.unescape(re.sub(r"<[^>]+>", " ", render_html("hearing", far, "ko")))  # the handout's text
    assert not _has(over, "어디에 쓰면 좋을까요")
    assert _has(over, "덜 드는 약") and _has(over, "사업시행자 부담")  # the site plan, paid from the developer's part
    shared = ResultsBundle.from_dict(far.to_dict())  # the city pays part: residents are asked
    shared.finance.inputs = dataclasses.replace(shared.finance.inputs, funding_structure="city_funded")
    ctx = build_context("hearing", shared, "ko")
    assert ctx["reuse"] is not None and "시가 낼 돈" in ctx["reuse"]["question"]


def test_missing_city_texts_are_left_out_cleanly(example_pdfs):
    for kind in ("council", "hearing"):  # example_bundle(): no briefing part
        text = _text(example_pdfs[kind, "ko"])
        for absent in ("위치", "방류 수역", "추진 일정", "연차별 투자계획", "언제 짓나요", "의견을 보내 주세요",
                       "어디에, 어떻게", "None", "○○", "{", "}"):
            assert not _has(text, absent), (kind, absent)
    partial = example_bundle(briefing=True)
    partial.briefing = dataclasses.replace(partial.briefing, process="", opinion_to="")
    ctx = build_context("hearing", partial, "ko")
    assert not any("처리 방식" in line for line in ctx["where"]) and "까지" in ctx["opinion"]


@pytest.mark.parametrize("case", ["demo", "reversed"])
def test_no_minus_glued_to_a_label_and_a_one_line_running_head(demo_bundle, rendered, case):
    created = build_context("council", demo_bundle, "ko")["created"]
    for kind, head in (("council", "의회 보고"), ("hearing", "주민 설명회 자료")):
        text = _text(rendered[case, kind, "ko"])
        assert not _glued_minus(text)
        assert _one_line_head(text, head, created)


def _glued_minus(text: str) -> bool:
    """A minus or hyphen glued to the front of a Korean label (the chart axis once read '-나래동')."""
    return re.search(r"(?:^|\s)[-−][가-힣]", text) is not None


def _one_line_head(text: str, head: str, created: str) -> bool:
    """Every page's first line holds the whole running head '의회 보고 · 2026년 11월 30일' (not wrapped)."""
    pages = text.split("\f")[:-1]
    return bool(pages) and all(f"{head} · {created}" in page.strip().splitlines()[0] for page in pages)


def test_page_budgets(rendered, example_pdfs):
    for case in ("demo", "reversed"):
        pages = {(kind, lang): _pages(rendered[case, kind, lang]) for kind in ("council", "hearing")
                 for lang in ("ko", "en")}
        assert pages["council", "ko"] <= COUNCIL_PAGES and pages["council", "en"] <= COUNCIL_PAGES, pages
        assert pages["hearing", "ko"] == pages["hearing", "en"] <= HEARING_PAGES, pages
    for kind, budget in (("council", COUNCIL_PAGES), ("hearing", HEARING_PAGES)):  # without the city's texts too
        for lang in ("ko", "en"):
            assert _pages(example_pdfs[kind, lang]) <= budget, (kind, lang)
