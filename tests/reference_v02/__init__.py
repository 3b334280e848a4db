"""Frozen copy of release 0.2's pandas intake (register validation, billing, matching).

Kept only as the reference the DuckDB intake of issue 17 is checked against
(``tests/test_intake_equivalence.py``, ``benchmarks/bench_scale.py``): the new intake must give
the same training table (ids bit for bit, flows within 1e-9) and the same rejected rows on the
sample town. Not part of the package; do not change it except to follow renamed imports.
"""


def prepare(register, billing, misread_ratio: float = 4.0):
    """Release 0.2's ``prepare_training_table`` core: dict of the tables it wrote."""
    from reference_v02.billing import meter_day_averages, read_billing, screen_meter_months
    from reference_v02.inventory import load_buildings
    from reference_v02.matching import match_meters

    buildings, rejected_register = load_buildings(register, skip_invalid=True)
    records, rejected_billing = read_billing(billing)
    kept, flagged = screen_meter_months(records, misread_ratio=misread_ratio)
    meters = meter_day_averages(kept)
    result = match_meters(buildings, meters)
    return {"training_table": result.buildings.rename(columns={"source_row": "register_row"}),
            "rejected_register": rejected_register, "rejected_billing": rejected_billing,
            "flagged_months": flagged, "meters": meters, "links": result.links,
            "unmatched_meters": result.unmatched_meters,
            "buildings_without_meters": result.buildings_without_meters, "counts": result.counts}
