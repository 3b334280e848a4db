"""Every money input of the council paper, in one dataclass with names, units and sources.

:class:`MoneyInputs` is what ``sewerplan report`` options, the run configuration's ``finance:``
block and the results bundle's ``finance.inputs`` set. A field left ``None`` takes its default
(:data:`MONEY_INPUTS`), or, where no trustworthy default exists, stays unset: the reports then
say "입력 필요" and show what it would change, never a silent constant.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from ...errors import ParameterError

__all__ = ["MoneyInputs", "InputSpec", "MONEY_INPUTS", "USER_INPUT", "USER_INPUT_KO", "money_input_table",
           "FINANCE_DEFAULTS", "check_positive", "two_sided_z"]

#: Default finance parameters: value, unit and source. Override by passing arguments.
FINANCE_DEFAULTS: dict[str, dict] = {
    "discount_rate": {
        "value": 0.045,
        "unit": "-/yr",
        "label_ko": "사회적 할인율",
        "source": "KDI PIMAC, 예비타당성조사 수행 총괄지침 (2017-): social discount rate 4.5% real "
        "(secondary: the widely reported figure, not checked against the guideline's text)",
    },
    "asset_life_years": {
        "value": 30.0,
        "unit": "yr",
        "label_ko": "자산 내용연수 (분석기간)",
        "source": "KDI PIMAC preliminary feasibility guideline: 30-year analysis period after "
        "construction; civil works last 40+ yr, equipment 15-20 yr, so 30 yr is a blend "
        "(secondary: not checked against the guideline's text)",
    },
    "interval_level": {
        "value": 0.9,
        "unit": "-",
        "label_ko": "예측구간 수준",
        "source": "Nominal coverage of the ML interval in the results bundle (model card)",
    },
}


def default_value(name: str):
    """The plain value of a finance default (:data:`FINANCE_DEFAULTS`)."""
    return FINANCE_DEFAULTS[name]["value"]


def check_positive(name, value, allow_zero=False):
    """Raise :class:`ParameterError` naming ``name`` unless every value is finite and > 0 (>= 0)."""
    import numpy as np

    arr = np.asarray(value, dtype=float)
    bad = ~np.isfinite(arr) | ((arr < 0) if allow_zero else (arr <= 0))
    if np.any(bad):
        raise ParameterError(name, value, ">= 0" if allow_zero else "> 0")


def two_sided_z(level: float) -> float:
    """Two-sided standard-normal quantile [-] for a central interval of ``level``."""
    from scipy.special import ndtri  # = scipy.stats.norm.ppf, bit for bit, without importing scipy.stats (1-2 s)

    if not 0 < level < 1:
        raise ParameterError("level", level, "(0, 1)")
    return float(ndtri(0.5 + level / 2.0))

USER_INPUT = "user input, no default"
USER_INPUT_KO = "시 입력값 (기본값 없음)"


@dataclass(frozen=True)
class InputSpec:
    """One money input: unit, labels, allowed range, default and source (or USER_INPUT + guidance)."""

    unit: str
    label_ko: str
    label_en: str
    low: float
    high: float
    source: str
    default: object = None  # None: USER_INPUT, or computed from the run's data (``computed``)
    computed: str = ""  # how the default is made from the run's data / shipped tables
    high_open: bool = False
    source_ko: str = ""  # the source in Korean, as the Korean briefings print it


def _spec(unit, label_ko, label_en, low, high, source, default=None, computed="", high_open=False, source_ko=""):
    return InputSpec(unit, label_ko, label_en, low, high, source, default, computed, high_open, source_ko)


_SUBSIDY_GUIDANCE = ("observed: 시 about 50% national (Paldang area 70%), 군 about 70% "
                     "(kr_sewerage_subsidy_shares.csv); the statutory table was not found")
_SUBSIDY_GUIDANCE_KO = ("관찰 사례: 시 국비 약 50%(팔당 지역 70%), 군 약 70%, 파주 적성 2016년 국 43·도 9·시 48%; "
                        "법정 보조율 표(보조금법 시행령 별표1)는 확인하지 못함")

#: the inputs that name a choice, with the valid keys (the tables: funding.FUNDING_STRUCTURES,
#: costs.PLANT_TYPES, funding.CAUSER_BASES)
CHOICES = {
    "funding_structure": ("developer_pays_all", "causer_and_subsidy", "city_funded"),
    "plant_type": ("expansion", "new_surface", "new_underground"),
    "causer_basis": ("unit_loads", "measured_need"),
}

#: name -> spec, in the order the reports and ``sewerplan report --help`` list them.
MONEY_INPUTS: dict[str, InputSpec] = {
    "funding_structure": _spec("-", "재원 구조", "funding structure", 0, 0,
                               "developer_pays_all (default for a new town: Sewerage Act art. 61(2), Decree art. 35(2)2), "
                               "causer_and_subsidy or city_funded (planning.money.funding)", "developer_pays_all",
                               source_ko="사업시행자 전액 부담(신도시 기본값: 하수도법 제61조제2항, 시행령 제35조제2항제2호), "
                                         "원인자부담금 + 국비·도비 보조, 시 재정사업 중 하나"),
    "plant_type": _spec("-", "시설 형식", "plant type", 0, 0,
                        "expansion, new_surface or new_underground: one cost curve per type on 19 Korean projects, each "
                        "counted once", "expansion",
                        source_ko="지상 증설, 지상 신설, 지하 신설 중 하나: 국내 사례 19건(한 사업은 한 번만)의 형식별 비용곡선"),
    "causer_basis": _spec("-", "원인자부담금 기준 유량", "causer-charge basis", 0, 0,
                          "unit_loads (the ordinance's MOE unit loads) or measured_need (the need from water bills), "
                          "day-max without groundwater", "unit_loads",
                          source_ko="조례 원단위(환경부 고시) 또는 요금자료로 잰 필요량, 일최대·지하수 제외"),
    "hydraulic_margin": _spec("- (share of capacity)", "설계 여유", "hydraulic margin", 0, 1,
                              "a shortfall up to this share of capacity is met by operation, not a new train; plants ran "
                              "at up to 114.2% of capacity while expansions were built (Jeju 2024, news)",
                              0.10, high_open=True,
                              source_ko="용량의 이 비율까지의 부족은 운영으로 감당(새 계열 없음); 증설 기간 처리장이 용량의 "
                                        "최대 114.2%로 운영된 사례(제주, 2024년 보도)보다 낮게 잡음"),
    "price_year": _spec("year", "가격 기준연도", "price year", 2000, 2025, "the latest year of the construction "
                        "cost index shipped (KICT 건설공사비지수, 2025-09 figure; secondary)",
                        computed="latest year of kr_construction_cost_index.csv",
                        source_ko="함께 제공하는 건설공사비지수(한국건설기술연구원, 2025년 9월 값; 2차 자료)의 최근 연도"),
    "cost_curve": _spec("-", "비용곡선", "cost curve", 0, 0, "model/data/treatment_cost_curve.json; default the "
                        "plant type's curve", computed="the plant type's curve",
                        source_ko="국내 하수처리장 사례로 맞춘 시설 형식별 비용곡선 (함께 제공하는 곡선 파일)"),
    "construction_cost_krw": _spec("KRW", "공사비 (시 산정)", "construction cost (the city's estimate)", 0, 1e15,
                                   "default: the cost curve at the price year, with its spread as the range",
                                   computed="cost curve",
                                   source_ko="기본값: 기준연도 가격의 비용곡선, 사례 간 편차를 범위로 표시"),
    "design_supervision_rate": _spec("- (share of construction)", "설계·감리비율", "design and supervision", 0, 1,
                                     f"{USER_INPUT}; the engineering fee standard (엔지니어링사업대가의 기준, plant "
                                     "rate table) was not retrieved", high_open=True,
                                     source_ko=f"{USER_INPUT_KO}; 엔지니어링사업대가의 기준(처리시설 요율표)은 확인하지 못함"),
    "land_cost_krw": _spec("KRW", "용지비", "land", 0, 1e15, f"{USER_INPUT}; 0 when the site is already owned",
                     source_ko=f"{USER_INPUT_KO}; 이미 가진 부지면 0"),
    "contingency_rate": _spec("- (share of construction + design)", "예비비율", "contingency", 0, 1,
                              f"{USER_INPUT}; no published rate found", high_open=True,
                              source_ko=f"{USER_INPUT_KO}; 공표된 비율을 찾지 못함"),
    "national_share": _spec("- (share of the public part)", "국비 보조율", "national subsidy share", 0, 1,
                            f"{USER_INPUT}; {_SUBSIDY_GUIDANCE}", source_ko=f"{USER_INPUT_KO}; {_SUBSIDY_GUIDANCE_KO}"),
    "provincial_share": _spec("- (share of the public part)", "도비 분담률", "provincial share", 0, 1,
                              f"{USER_INPUT}; {_SUBSIDY_GUIDANCE}", source_ko=f"{USER_INPUT_KO}; {_SUBSIDY_GUIDANCE_KO}"),
    "causer_price_krw_per_m3_per_day": _spec("KRW/(m3/d)", "원인자부담금 단가", "causer charge unit price", 0, 1e9,
                                             "the city's ordinance price; default the median of each municipality's "
                                             "latest published price (kr_causer_charge_unit_prices.csv)",
                                             computed="median of published prices",
                                             source_ko="시 조례 단가; 기본값은 지자체별 최근 공표 단가의 중앙값 "
                                                       "(함께 제공하는 공표 단가 표)"),
    "om_krw_per_m3": _spec("KRW/m3", "운영비 단가", "O&M unit cost", 0, 1e5,
                           "national plant O&M 116.8 KRW/m3 treated (2009, plants >= 500 m3/d; 105.2 contracted-out, "
                           "140.2 city-run; MOE survey via news, kr_treatment_om_unit_costs.csv) x construction cost "
                           "index to the price year (a proxy)", computed="116.8 (2009) x index",
                           source_ko="전국 처리장 운영비 1 m³당 116.8원 (2009년, 500 m³/일 이상; 위탁 105.2원, 직영 140.2원; "
                                     "환경부 조사 보도) × 건설공사비지수로 기준연도 환산 (대용 지수)"),
    "om_fixed_share": _spec("-", "운영비 고정비 비율", "fixed share of O&M", 0, 1,
                            f"{USER_INPUT}; without it the O&M effect of size is given as bounds (0 and 1)",
                            source_ko=f"{USER_INPUT_KO}; 없으면 규모에 따른 운영비 차이를 범위(0과 1)로 표시"),
    "billed_sewage_m3_per_year": _spec("m3/yr", "연간 하수도 사용료 부과량", "billed sewage volume per year", 0, 1e12,
                                       "the city's billed volume of the sewage fee (billed water use); default the existing "
                                       "town's billed water + the new town's at build-out (sewage / return ratio)",
                                       computed="existing + new town billed water",
                                       source_ko="시의 하수도 사용료 부과량(요금은 상수도 사용량에 매김); 기본값은 기존 시가지 "
                                                 "상수도 부과량 + 신도시 입주 완료 후 상수도 사용량(지하수 뺀 오수량 ÷ 오수 전환율)"),
    "financing_rate": _spec("-/yr", "자금조달 금리", "financing rate", 0, 1,
                            "지역개발기금 상하수도 융자이율 2.5% (전북, 2016; jjan.kr, secondary); observed 2.5-4.88% "
                            "(kr_discount_and_financing_rates.csv); no figure after 2016 found: set the city's rate",
                            0.025, high_open=True,
                            source_ko="지역개발기금 상하수도 융자이율 2.5% (전북, 2016년; 언론 보도, 2차 자료); 관찰 범위 "
                                      "2.5–4.88%; 2016년 이후 값을 찾지 못해 시의 금리로 바꾸십시오"),
    "social_discount_rate": _spec("-/yr", "사회적 할인율", "social discount rate", 0, 1,
                                  FINANCE_DEFAULTS["discount_rate"]["source"], 0.045, high_open=True,
                                  source_ko="한국개발연구원 공공투자관리센터 「예비타당성조사 수행 총괄지침」(2017년~): "
                                            "사회적 할인율 실질 4.5% (2차 자료: 널리 보도된 값, 지침 원문 미확인)"),
    "asset_life_years": _spec("yr", "분석기간·상환기간", "analysis and recovery period", 1, 100,
                              FINANCE_DEFAULTS["asset_life_years"]["source"], 30.0,
                              source_ko="예비타당성조사 지침: 준공 후 분석기간 30년; 토목 40년 이상, 설비 15–20년이라 "
                                        "30년은 그 사이 값 (2차 자료, 지침 원문 미확인)"),
    "phase1_capacity_m3_per_day": _spec("m3/d", "1단계 용량", "phase-1 capacity", 0, 1e9,
                                        "default the ML P50 capacity (results bundle)", computed="ML P50",
                                        source_ko="기본값: 요금자료 예측의 중앙값 (결과 파일)"),
    "second_train_lead_years": _spec("yr", "2단계 착공 선행기간", "second-train lead time", 0, 20,
                                     "the shortest duration of the pilot report's four reference expansions "
                                     "(파주 운정 2018-2021; kr_expansion_seed_projects.csv)", 3.0,
                                     source_ko="시범사업 보고서의 증설 사례 4건 중 가장 짧은 기간 (파주 운정 2018–2021년)"),
}


@dataclass(frozen=True)
class MoneyInputs:
    """The money inputs [units in :data:`MONEY_INPUTS`]; ``None`` = default or not given.

    Shares ``national_share`` and ``provincial_share`` are of the public part (the total project
    cost less what the developer pays, :mod:`.funding`); the city pays the rest of it.
    """

    funding_structure: str | None = None
    plant_type: str | None = None
    causer_basis: str | None = None
    hydraulic_margin: float | None = None
    price_year: int | None = None
    cost_curve: str | None = None
    construction_cost_krw: float | None = None
    design_supervision_rate: float | None = None
    land_cost_krw: float | None = None
    contingency_rate: float | None = None
    national_share: float | None = None
    provincial_share: float | None = None
    causer_price_krw_per_m3_per_day: float | None = None
    om_krw_per_m3: float | None = None
    om_fixed_share: float | None = None
    billed_sewage_m3_per_year: float | None = None
    financing_rate: float | None = None
    social_discount_rate: float | None = None
    asset_life_years: float | None = None
    phase1_capacity_m3_per_day: float | None = None
    second_train_lead_years: float | None = None

    def __post_init__(self):
        for f in dataclasses.fields(self):
            _check(f.name, getattr(self, f.name))
        shares = [v for v in (self.national_share, self.provincial_share) if v is not None]
        if sum(shares) > 1 + 1e-9:
            raise ParameterError("national_share + provincial_share", round(sum(shares), 6), "<= 1 (of the public part)")

    def value(self, name: str):
        """The input if given, else its plain default (None for USER_INPUT and computed defaults)."""
        v = getattr(self, name)
        return MONEY_INPUTS[name].default if v is None else v

    def given(self) -> dict:
        """The inputs that were set {name: value}."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if getattr(self, f.name) is not None}

    def merged(self, other: "MoneyInputs | None") -> "MoneyInputs":
        """These inputs with every input ``other`` sets replaced (e.g. report options over the bundle's)."""
        return self if other is None else dataclasses.replace(self, **other.given())

    @classmethod
    def from_mapping(cls, data: dict, source: str = "finance") -> "MoneyInputs":
        """From a plain mapping (project file, bundle); unknown names are refused with the valid ones."""
        unknown = sorted(set(data) - set(MONEY_INPUTS))
        if unknown:
            raise ParameterError(f"{source}.{unknown[0]}", data[unknown[0]], f"one of {list(MONEY_INPUTS)}")
        return cls(**{k: v for k, v in data.items() if v is not None})


def _check(name: str, value) -> None:
    if value is None:
        return
    spec = MONEY_INPUTS[name]
    if name == "cost_curve":
        if not isinstance(value, str) or not value:
            raise ParameterError(name, value, "a shipped curve name")
        return
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise ParameterError(name, value, f"one of {', '.join(CHOICES[name])}")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ParameterError(name, value, f"a number [{spec.unit}]")
    if name == "price_year" and value != int(value):
        raise ParameterError(name, value, "a whole year")
    top_ok = value < spec.high if spec.high_open else value <= spec.high
    if not (spec.low <= value and top_ok):
        raise ParameterError(name, value, f"{spec.low:g} to {spec.high:g}{' (excl.)' if spec.high_open else ''} "
                                          f"[{spec.unit}]")


def money_input_table() -> list[dict]:
    """Every money input: name, unit, default (or how it is computed, or USER_INPUT), source."""
    from .prices import latest_price_year

    def default(n, s):
        if n == "price_year":
            return f"{latest_price_year()} ({s.computed})"
        return s.default if s.default is not None else (s.computed or USER_INPUT)
    return [{"name": n, "label_ko": s.label_ko, "label_en": s.label_en, "unit": s.unit, "default": default(n, s),
             "source": s.source} for n, s in MONEY_INPUTS.items()]
