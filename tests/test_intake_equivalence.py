"""The DuckDB intake (issue 17) gives release 0.2's results on the sample town.

Reference: ``tests/reference_v02`` (a frozen copy of 0.2's pandas intake). The training table
must match bit for bit on ids and text, within 1e-9 on flows; the rejected register and
billing rows, their reasons, the flagged months, the meter-building links, the unmatched
meters and the match counts must be the same. Release 0.2 wrote raw customer numbers; the
reference's are given the same keyed pseudonyms (and its rejected billing rows the same column
rule) before comparing, so the comparison also checks that nothing raw slips through.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import reference_v02
from sewerplan.model.intake.prepare import prepare_training_table
from sewerplan.model.intake.privacy import PseudonymKey, protect_billing, pseudonymise

SAMPLE = Path(__file__).resolve().parents[1] / "sewerplan" / "sample_data"
REGISTER = SAMPLE / "synthetic_existing_register.csv"
BILLING = SAMPLE / "synthetic_existing_billing.csv.gz"


KEY = PseudonymKey(b"equivalence-test-key-0123456789", "test key")


def _pseudonymised(old: dict) -> dict:
    """The 0.2 reference with customer numbers as the keyed pseudonyms of today's outputs."""
    for name, table in old.items():
        if isinstance(table, pd.DataFrame) and "customer_id" in table.columns:
            old[name] = table.assign(customer_id=pseudonymise(table["customer_id"], KEY))
    old["rejected_billing"] = protect_billing(pd.DataFrame({"customer_id": []}), old["rejected_billing"], KEY)[1]
    return old


@pytest.fixture(scope="module")
def both():
    new = prepare_training_table(REGISTER, BILLING, pseudonym_key=KEY)
    return new, _pseudonymised(reference_v02.prepare(REGISTER, BILLING))


def assert_same_table(new: pd.DataFrame, old: pd.DataFrame, rtol: float = 1e-9) -> None:
    """Same columns and rows; text and ids identical, numbers within ``rtol``."""
    assert list(new.columns) == list(old.columns)
    assert len(new) == len(old)
    for col in old.columns:
        a, b = new[col].reset_index(drop=True), old[col].reset_index(drop=True)
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            a, b = a.astype(float).to_numpy(), b.astype(float).to_numpy()
            assert np.array_equal(np.isnan(a), np.isnan(b)), col
            assert np.allclose(a, b, rtol=rtol, atol=0, equal_nan=True), col
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), col


def test_training_table_is_the_same(both):
    new, old = both
    table = new.training_table[list(old["training_table"].columns)]
    assert table["building_id"].tolist() == old["training_table"]["building_id"].tolist()  # bit for bit, in order
    assert table["observed_m3_per_day"].notna().sum() > 2000  # the sample joins, so the check compares flows
    assert_same_table(table, old["training_table"])


@pytest.mark.parametrize("name", ["rejected_register", "rejected_billing", "flagged_months", "buildings_without_meters"])
def test_set_aside_rows_and_reasons_are_the_same(both, name):
    new, old = both
    assert len(old[name]) > 0
    assert_same_table(getattr(new, name), old[name])


def test_links_unmatched_meters_and_counts_are_the_same(both):
    new, old = both
    key = ["customer_id", "building_id"]
    assert_same_table(new.links.sort_values(key).reset_index(drop=True), old["links"].sort_values(key).reset_index(drop=True))
    assert_same_table(new.unmatched_meters, old["unmatched_meters"])
    assert_same_table(new.meters, old["meters"])
    counts = dict(old["counts"])
    for k in ("sewage_m3_per_day_all_meters", "sewage_m3_per_day_matched", "sewage_m3_per_day_unmatched"):
        assert new.report["match"].pop(k) == pytest.approx(counts.pop(k), rel=1e-9)
    assert new.report["match"] == counts
