"""The ML flow per building (repository folder ``model/ml/``).

- :mod:`.features`: features from the plan or register only; :mod:`.train`: learners, grouped
  cross-validation and the choice rule; :mod:`.intervals`: conformal intervals;
- :mod:`.card`: the model card; :mod:`.persistence`: skops files with a pinned allow-list;
- :mod:`.nyc_ll84`: the public real-data benchmark.

Imports :mod:`~sewerplan.model.design`, :mod:`~sewerplan.model.intake` and the top level.
scikit-learn loads only when a name here is first used.
"""

from .. import _lazy_exports

_EXPORTS = {
    "TrainedModel": "train", "train_model": "train", "grouped_cv_predictions": "train",
    "build_features": "features", "conformal_bounds": "intervals",
    "build_card": "card", "read_card": "card",
    "ALLOWED_TYPES": "persistence", "load_model": "persistence", "save_model": "persistence",
    "default_model_path": "persistence",
    "run_nyc_benchmark": "nyc_ll84",
}
__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
