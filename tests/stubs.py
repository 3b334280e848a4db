"""Test doubles shared by the scenario, report and Excel tests."""

import numpy as np
import pandas as pd


class StubModel:
    """Deterministic stand-in for ``TrainedModel``: half the MOE design flow.

    With ``mix_sensitive`` the flow falls as the 1-person share rises (missing shares count as
    0.3), so household-trend tests have something to react to.
    """

    coverage = 0.9
    note = ""
    district_intervals = {"log_ratio_bounds": [-0.25, 0.20], "n_districts": 8}

    def __init__(self, model_id="stub", mix_sensitive=False):
        self.model_id = model_id
        self.mix_sensitive = mix_sensitive

    def predict(self, df):
        p = 0.5 * df["unit_load_m3_per_day"].to_numpy(float)
        if self.mix_sensitive:
            p = p * (1.15 - 0.5 * df["hh_share_1"].fillna(0.3).to_numpy(float))
        return pd.DataFrame({"ml_m3_per_day": p, "ml_lower_m3_per_day": p * np.exp(-0.6),
                             "ml_upper_m3_per_day": p * np.exp(0.5), "ml_model_id": self.model_id,
                             "ml_model_note": self.note}, index=df.index)
