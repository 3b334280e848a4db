"""Excel money functions (issue 12): each money input settable from a worksheet, checked by hand."""

import math

import pytest
from xlwings import XlwingsError

from sewerplan.xl_addin import functions as fx


def col(*values):
    return [[v] for v in values]


def _shipped_curve():
    import json
    from importlib import resources

    text = resources.files("sewerplan.model").joinpath("data", "treatment_cost_curve.json").read_text(encoding="utf-8")
    c = json.loads(text)["curves"]["korea_real"]  # the surface-expansion curve at 2025 prices (issue 22 refit)
    return c["coefficient_krw"], c["exponent"]


A, B = _shipped_curve()


def test_project_cost_builds_up_at_the_price_year():
    construction = A * 15760 ** B
    assert fx.SEWER_PROJECT_COST(15760) == pytest.approx(construction, rel=1e-6)
    assert fx.SEWER_PROJECT_COST(15760, 0.08, 5e9, 0.1) == pytest.approx(construction * 1.08 * 1.1 + 5e9, rel=1e-6)
    at_2020 = fx.SEWER_PROJECT_COST(15760, price_year=2020)
    assert at_2020 == pytest.approx(construction * 100 / 131.66, rel=1e-6)
    low, high = fx.SEWER_PROJECT_COST(15760, bound="하한"), fx.SEWER_PROJECT_COST(15760, bound="high")
    assert low < construction < high and math.sqrt(low * high) == pytest.approx(construction, rel=1e-6)
    out = fx.SEWER_PROJECT_COST(col(1000, 20000), col(None, 0.1))
    assert out[1][0] == pytest.approx(A * 20000 ** B * 1.1, rel=1e-6)
    with pytest.raises(XlwingsError, match="price_year"):
        fx.SEWER_PROJECT_COST(1000, price_year=1999)
    with pytest.raises(XlwingsError, match="bound"):
        fx.SEWER_PROJECT_COST(1000, bound="middle")


def test_causer_charge_funding_and_om():
    assert fx.SEWER_CAUSER_CHARGE(27391) == pytest.approx(27391 * 1_447_000)
    assert fx.SEWER_CAUSER_CHARGE(col(100, 200), 2e6) == [[2e8], [4e8]]
    total, causer = 600e8, 400e8
    parts = {p: fx.SEWER_FUNDING(total, causer, 0.5, 0.1, p) for p in ("국비", "도비", "시비", "원인자")}
    assert parts == pytest.approx({"국비": 100e8, "도비": 20e8, "시비": 80e8, "원인자": 400e8})
    assert fx.SEWER_FUNDING(300e8, 400e8) == 0 and fx.SEWER_FUNDING(300e8, 400e8, part="causer") == 300e8
    with pytest.raises(XlwingsError, match="1"):
        fx.SEWER_FUNDING(total, causer, 0.8, 0.3)
    unit_2025 = 116.8 * 131.66 / (85.16 / 121.80 * 100)
    assert fx.SEWER_OM_COST(12000) == pytest.approx(unit_2025 * 12000 * 365)
    assert fx.SEWER_OM_COST(12000, 250) == pytest.approx(250 * 12000 * 365)


def test_money_functions_have_help_with_units():
    for name in ("SEWER_PROJECT_COST", "SEWER_CAUSER_CHARGE", "SEWER_FUNDING", "SEWER_OM_COST", "SEWER_FEE_IMPACT"):
        f = fx.UDFS[name]
        assert "[" in f.__doc__ and all("[" in d or "/" in d for d in f.__sewerplan_args__.values()), name
        assert all(len(d) <= 255 for d in f.__sewerplan_args__.values()), name  # classic xlwings cuts at 255
