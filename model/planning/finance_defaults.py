"""Defaults of the finance comparison, each with its unit and source.

Kept apart from :mod:`.finance` so the money inputs (and the CLI's help, which lists them) load
without pandas.
"""

from __future__ import annotations

__all__ = ["FINANCE_DEFAULTS"]

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
