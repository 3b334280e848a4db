"""The tree-array cache: a fitted model's numbers as plain arrays, scored with numpy (issue 25).

Importing scikit-learn and skops and unpacking a ``.skops`` archive takes seconds, the wait
before the first worksheet answer. So at training time :func:`export_arrays` writes the fitted
pipeline's numbers beside the model file (``MODEL.arrays.npz`` for ``MODEL.skops``), and
:func:`load_cached` rebuilds the model from them with numpy alone. The ``.skops`` stays the
audited source of truth; the arrays are a derived cache, used only when

- the model card names it (``card["array_cache"]``: file, format, its SHA-256 and the SHA-256 of
  the ``.skops`` it was made with) and both hashes match the files on disk;
- the ``.skops`` file's own metadata holds the same arrays hash and the card's digest (the same
  binding :func:`~sewerplan.model.ml.persistence.load_model` checks): a card edited after
  training, or a cache whose hash was edited into the card, is refused;
- the installed scikit-learn is the one the card names (as for the ``.skops``).

Otherwise (or with ``SEWERPLAN_ARRAY_CACHE=0``) the model is loaded from the ``.skops`` and a
log line says why. Models saved before the cache existed have no ``array_cache`` in their card
and load from the ``.skops`` as before.

What is reproduced, exactly (tests/test_array_cache.py compares with scikit-learn, missing values
and unknown categories included):

- the gradient-boosting members (``hgb_log``, ``hgb_poisson``): the ordinal encoding of the two
  categorical features (outer ``OrdinalEncoder`` and the one inside HistGradientBoosting, composed
  into one table), the median imputation with missing indicators, and every tree: numeric splits
  ``x <= threshold``, categorical splits by bitset, NaN and unknown categories sent by
  ``missing_go_to_left``; leaf values added tree by tree in scikit-learn's order, then the inverse
  link (exp for Poisson);
- the ridge member: constant fill + one-hot (infrequent categories grouped, unknown ones all zero),
  median imputation with indicators, standard scaling, and ``X @ coef + intercept`` on the same
  dense matrix scikit-learn builds.

A pipeline of another shape (e.g. one whose column transformer returns a sparse matrix) gets no
cache and always loads from the ``.skops``.

The trees are scored all at once (QuickScorer, Lucchese et al. 2015): every split's "goes right"
removes its left subtree's leaves from a per-tree bit mask, and a row's leaf is the lowest bit
left. Per feature the masks are precomputed for each position of a value among the feature's
sorted thresholds, so scoring is one ``searchsorted`` and one table lookup per feature.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
from pathlib import Path

import numpy as np

__all__ = ["ARRAYS_FORMAT", "CACHE_ENV", "arrays_path_for", "cache_enabled", "export_arrays", "arrays_bytes",
           "load_cached", "members_from_arrays"]

ARRAYS_FORMAT = "sewerplan-tree-arrays/1"
CACHE_ENV = "SEWERPLAN_ARRAY_CACHE"  # "0" / "no" / "off": always load the .skops
MAX_LEAVES = 16  # leaves per tree the uint16 leaf masks hold (the learners use max_leaf_nodes=15)
QUIET = "[info] "  # prefix of the reasons that are expected (no cache, another scikit-learn): logged at INFO
N_CODES = 256  # categorical codes of HistGradientBoosting (uint8); the missing bin is N_CODES
log = logging.getLogger("sewerplan.model.ml")


class Unsupported(ValueError):
    """A fitted pipeline this cache does not reproduce: the model loads from its ``.skops`` only."""


def arrays_path_for(model_path) -> Path:
    """``X.skops`` -> ``X.arrays.npz`` (same folder)."""
    p = Path(model_path)
    return p.with_name(p.stem + ".arrays.npz")


def cache_enabled() -> bool:
    return os.environ.get(CACHE_ENV, "1").strip().lower() not in ("0", "no", "false", "off")


# --------------------------------------------------------------------------------------------
# Export (training side: scikit-learn is loaded)
# --------------------------------------------------------------------------------------------


def export_arrays(estimator, learner: str) -> dict | None:
    """The fitted estimator(s) of a model as named arrays, or None when the pipeline is not reproduced."""
    from .learners import BLEND, CANDIDATES

    members = list(zip(CANDIDATES, estimator)) if learner == BLEND else [(learner, estimator)]
    out: dict = {"format": np.array(ARRAYS_FORMAT), "members": np.array([name for name, _ in members])}
    try:
        for i, (name, est) in enumerate(members):
            part = _export_hgb(est) if name.startswith("hgb") else _export_ridge(est)
            out.update({f"m{i}.{k}": v for k, v in part.items()})
    except (Unsupported, AttributeError, KeyError, IndexError, TypeError) as exc:
        # another scikit-learn's internals (the lowest admitted one) or another pipeline: the .skops only
        log.info("no tree-array cache for this model: %s: %s", type(exc).__name__, exc)
        return None
    return out


def arrays_bytes(arrays: dict) -> bytes:
    """The ``.npz`` bytes of the arrays (no pickled objects)."""
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _transformers(est, names: tuple) -> dict:
    from sklearn.pipeline import Pipeline

    if not isinstance(est, Pipeline) or [s for s, _ in est.steps] != ["features", "learner"]:
        raise Unsupported("not a features + learner pipeline")
    ct = est.named_steps["features"]
    if getattr(ct, "sparse_output_", False) or ct.remainder != "drop":
        raise Unsupported("sparse or remainder columns")
    found = {name: (tr, list(cols)) for name, tr, cols in ct.transformers_ if name in names}
    if list(found) != list(names) or [n for n, *_ in ct.transformers_ if n != "remainder"] != list(names):
        raise Unsupported("unexpected column transformers")
    return found


def _str_categories(values) -> tuple[np.ndarray, bool]:
    """Categories as a unicode array, and whether NaN was one of them (anything else: unsupported)."""
    strs, has_nan = [], False
    for v in values:
        if isinstance(v, str):
            strs.append(v)
        elif isinstance(v, float) and v != v:
            has_nan = True
        else:
            raise Unsupported(f"category {v!r} is not a text")
    return np.array(strs, dtype=str), has_nan


def _export_imputer(imp, prefix: str) -> dict:
    if imp.strategy != "median" or imp.indicator_ is None or not (isinstance(imp.missing_values, float)
                                                                  and np.isnan(imp.missing_values)):
        raise Unsupported("numeric imputer is not median + indicator")
    stats = np.asarray(imp.statistics_, dtype=float)
    keep = np.ones(len(stats), dtype=bool) if imp.keep_empty_features else ~np.isnan(stats)
    return {f"{prefix}statistics": stats, f"{prefix}keep": keep,
            f"{prefix}indicator": np.asarray(imp.indicator_.features_, dtype=np.int64)}


def _export_hgb(est) -> dict:
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OrdinalEncoder

    parts = _transformers(est, ("cat", "num"))
    (enc, cat_cols), (imp, num_cols) = parts["cat"], parts["num"]
    hgb = est.named_steps["learner"]
    if not isinstance(enc, OrdinalEncoder) or not isinstance(imp, SimpleImputer):
        raise Unsupported("hgb preprocessing")
    if hgb.n_trees_per_iteration_ != 1 or hgb._preprocessor is None:
        raise Unsupported("hgb without categorical preprocessing")
    inner = hgb._preprocessor.named_transformers_["encoder"]
    out = {"kind": np.array("hgb"), "cat_columns": np.array(cat_cols, dtype=str),
           "num_columns": np.array(num_cols, dtype=str), **_export_imputer(imp, "")}
    for i in range(len(cat_cols)):
        cats, _ = _str_categories(enc.categories_[i])
        inner_cats = np.asarray(inner.categories_[i], dtype=float)
        codes = np.array([_index_or_nan(inner_cats, float(k)) for k in range(len(cats))], dtype=float)
        out[f"cat{i}.values"], out[f"cat{i}.codes"] = cats, codes
    out.update(_export_trees(hgb))
    return out


def _index_or_nan(values: np.ndarray, v: float) -> float:
    hit = np.flatnonzero(values == v)
    return float(hit[0]) if len(hit) else float("nan")


def _export_trees(hgb) -> dict:
    link = type(hgb._loss.link).__name__
    if link not in ("IdentityLink", "LogLink"):
        raise Unsupported(f"link {link}")
    known, f_idx_map = hgb._bin_mapper.make_known_categories_bitsets()
    fields = ("value", "feature_idx", "num_threshold", "missing_go_to_left", "left", "right", "is_leaf",
              "is_categorical", "bitset_idx")
    nodes = {f: [] for f in fields}
    sizes, bitsets, bitset_sizes = [], [], []
    for (pred,) in hgb._predictors:
        for f in fields:
            nodes[f].append(np.asarray(pred.nodes[f]))
        sizes.append(len(pred.nodes))
        bitsets.append(np.asarray(pred.raw_left_cat_bitsets, dtype=np.uint32).reshape(-1, 8))
        bitset_sizes.append(len(bitsets[-1]))
    out = {f"tree.{f}": np.concatenate(v) for f, v in nodes.items()}
    out.update({"tree.sizes": np.array(sizes, dtype=np.int64), "tree.bitsets": np.concatenate(bitsets),
                "tree.bitset_sizes": np.array(bitset_sizes, dtype=np.int64),
                "known_cat_bitsets": np.asarray(known, dtype=np.uint32), "f_idx_map": np.asarray(f_idx_map, dtype=np.uint32),
                "baseline": np.asarray(hgb._baseline_prediction, dtype=float).reshape(-1),
                "link": np.array("log" if link == "LogLink" else "identity")})
    return out


def _export_ridge(est) -> dict:
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import Pipeline

    parts = _transformers(est, ("cat", "num"))
    (cat_pipe, cat_cols), (num_pipe, num_cols) = parts["cat"], parts["num"]
    ridge = est.named_steps["learner"]
    if not (isinstance(cat_pipe, Pipeline) and isinstance(num_pipe, Pipeline) and isinstance(ridge, RidgeCV)):
        raise Unsupported("ridge preprocessing")
    fill, ohe = cat_pipe.named_steps["fill"], cat_pipe.named_steps["onehot"]
    imp, scaler = num_pipe.named_steps["impute"], num_pipe.named_steps["scale"]
    if fill.strategy != "constant" or ohe.drop is not None or ohe.handle_unknown != "ignore" \
            or not (scaler.with_mean and scaler.with_std) or np.ndim(ridge.coef_) != 1:
        raise Unsupported("ridge steps")
    out = {"kind": np.array("ridge"), "cat_columns": np.array(cat_cols, dtype=str),
           "num_columns": np.array(num_cols, dtype=str), "fill": np.array(str(fill.fill_value)),
           **_export_imputer(imp, ""), "mean": np.asarray(scaler.mean_, dtype=float),
           "scale": np.asarray(scaler.scale_, dtype=float), "coef": np.asarray(ridge.coef_, dtype=float),
           "intercept": np.asarray(ridge.intercept_, dtype=float).reshape(-1)}
    out.update(_onehot_columns(cat_pipe, ohe, cat_cols))
    return out


def _onehot_columns(cat_pipe, ohe, cat_cols) -> dict:
    """Per categorical feature: its known categories and the one-hot column each one sets."""
    import pandas as pd

    names = list(ohe.get_feature_names_out(cat_cols))
    out = {"onehot_width": np.array(len(names), dtype=np.int64)}
    for i, col in enumerate(cat_cols):
        cats, _ = _str_categories(ohe.categories_[i])
        frame = pd.DataFrame({c: [str(ohe.categories_[j][0]) for _ in cats] for j, c in enumerate(cat_cols)})
        frame[col] = list(cats)
        dense = np.asarray(cat_pipe.transform(frame).todense() if hasattr(cat_pipe.transform(frame), "todense")
                           else cat_pipe.transform(frame))
        block = [k for k, n in enumerate(names) if n.startswith(f"{col}_")]
        where = [int(block[0] + np.flatnonzero(r[block])[0]) if r[block].any() else -1 for r in dense]
        out[f"cat{i}.values"], out[f"cat{i}.columns"] = cats, np.array(where, dtype=np.int64)
    return out


# --------------------------------------------------------------------------------------------
# Scoring (prediction side: numpy and pandas only)
# --------------------------------------------------------------------------------------------


def by_category(values, func, dtype=float) -> np.ndarray:
    """``func`` applied to each distinct value of a column (NaN and None count as one missing value)."""
    import pandas as pd

    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    return np.array([func(u) for u in uniques], dtype=dtype)[codes] if len(codes) else np.array([], dtype=dtype)


def _codes(values, table: dict, missing: float) -> np.ndarray:
    """Map a column of categories with ``table`` (text -> number); NaN/None/unknown -> ``missing``."""
    return by_category(values, lambda v: table.get(v, missing) if isinstance(v, str) else missing)


def _numeric(X, columns, statistics, keep, indicator) -> tuple[np.ndarray, np.ndarray]:
    """(imputed kept columns, missing indicators as 0/1), as SimpleImputer(add_indicator=True) gives."""
    raw = X[list(columns)].to_numpy(dtype=float)
    if np.isinf(raw).any():
        raise ValueError("Input X contains infinity or a value too large for dtype('float64').")
    missing = np.isnan(raw)
    filled = np.where(missing, statistics, raw)[:, keep]
    return filled, missing[:, indicator].astype(float)


class _HGBMember:
    """One HistGradientBoosting pipeline rebuilt from arrays; ``predict(features) -> flow or ln ratio``."""

    def __init__(self, a: dict):
        self.cat_columns = list(a["cat_columns"])
        self.num_columns = list(a["num_columns"])
        self.imputer = (a["statistics"], a["keep"], a["indicator"])
        self.cat_tables = [dict(zip(a[f"cat{i}.values"].tolist(), a[f"cat{i}.codes"].tolist()))
                           for i in range(len(self.cat_columns))]
        self.baseline = float(a["baseline"][0])
        self.log_link = str(a["link"]) == "log"
        self.forest = _Forest(a)

    def matrix(self, X) -> np.ndarray:
        cats = [_codes(X[c].to_numpy(dtype=object), t, np.nan) for c, t in zip(self.cat_columns, self.cat_tables)]
        filled, ind = _numeric(X, self.num_columns, *self.imputer)
        return np.column_stack([*cats, filled, ind])

    def predict(self, X) -> np.ndarray:
        raw = self.forest.raw(self.matrix(X), self.baseline)
        return np.exp(raw) if self.log_link else raw


class _RidgeMember:
    """The ridge pipeline rebuilt from arrays."""

    def __init__(self, a: dict):
        self.cat_columns = list(a["cat_columns"])
        self.num_columns = list(a["num_columns"])
        self.fill = str(a["fill"])
        self.imputer = (a["statistics"], a["keep"], a["indicator"])
        self.width = int(a["onehot_width"])
        self.cat_tables = [dict(zip(a[f"cat{i}.values"].tolist(), a[f"cat{i}.columns"].tolist()))
                           for i in range(len(self.cat_columns))]
        self.mean, self.scale = a["mean"], a["scale"]
        self.coef, self.intercept = a["coef"], a["intercept"]

    def predict(self, X) -> np.ndarray:
        filled, ind = _numeric(X, self.num_columns, *self.imputer)
        num = np.hstack([filled, ind])
        num -= self.mean
        num /= self.scale
        onehot = np.zeros((len(X), self.width))
        for c, table in zip(self.cat_columns, self.cat_tables):
            col = by_category(X[c].to_numpy(dtype=object), lambda v: _onehot_index(v, table, self.fill), np.int64)
            hit = np.flatnonzero(col >= 0)
            onehot[hit, col[hit]] = 1.0
        return np.hstack([onehot, num]) @ self.coef + self.intercept


def _onehot_index(v, table: dict, fill: str) -> int:
    """One-hot column of a category; NaN is filled with ``fill`` first; unknown (or None) -> -1 (all zero)."""
    if isinstance(v, str):
        return table.get(v, -1)
    if isinstance(v, float) and v != v:
        return table.get(fill, -1)
    return -1


class _Forest:
    """All trees of one boosted model as QuickScorer tables (see the module notes)."""

    def __init__(self, a: dict):
        sizes = a["tree.sizes"]
        self.n_trees = len(sizes)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        bit_starts = np.concatenate([[0], np.cumsum(a["tree.bitset_sizes"])[:-1]])
        leaf_rank, lo, hi, tree_of = _leaf_ranges(a, starts, sizes)
        self.leaf_values = _leaf_value_table(a, leaf_rank, tree_of, self.n_trees)
        full = np.uint16(0xFFFF)
        bits = np.uint16(1) << np.arange(MAX_LEAVES, dtype=np.uint16)
        cum = np.concatenate([[0], np.cumsum(bits, dtype=np.uint32)]).astype(np.uint32)
        left_bits = (cum[hi] - cum[lo]).astype(np.uint16)  # leaves of the left subtree
        false_mask = full & ~left_bits  # AND-ed in when the row goes right
        internal = ~a["tree.is_leaf"].astype(bool)
        self.features = []  # (feature, kind, thresholds or None, table)
        feat = a["tree.feature_idx"].astype(np.int64)
        categorical = a["tree.is_categorical"].astype(bool)
        for j in np.unique(feat[internal]):
            rows = np.flatnonzero(internal & (feat == j))
            if categorical[rows].any():
                table = _categorical_table(a, rows, tree_of, false_mask, bit_starts, self.n_trees)
                self.features.append((int(j), None, table))
            else:
                thresholds, table = _numeric_table(a, rows, tree_of, false_mask, self.n_trees)
                self.features.append((int(j), thresholds, table))

    def positions(self, Z: np.ndarray) -> np.ndarray:
        """Per row and split feature: the value's position among the feature's thresholds (NaN last)."""
        pos = np.empty((len(Z), len(self.features)), dtype=np.int16)
        for k, (j, thresholds, _) in enumerate(self.features):
            z = Z[:, j]
            nan = np.isnan(z)
            if thresholds is None:  # categorical code 0..255, missing N_CODES
                pos[:, k] = np.where(nan, N_CODES, z)
            else:
                pos[:, k] = np.where(nan, len(thresholds) + 1, np.searchsorted(thresholds, z, side="left"))
        return pos

    def raw(self, Z: np.ndarray, baseline: float, chunk: int = 1024) -> np.ndarray:
        """Raw predictions (baseline + leaf values, added tree by tree as scikit-learn adds them).

        Rows with the same positions on every split feature land in the same leaves, so each distinct
        position vector is scored once (a table of 10,000 buildings of a few dozen kinds scores a few dozen).
        """
        pos = self.positions(Z)
        inverse = None
        if len(pos) > chunk:
            inverse, first = _distinct_rows(pos)
            pos = pos[first]
        out = np.empty(len(pos))
        for s in range(0, len(pos), chunk):
            out[s:s + chunk] = self._raw_chunk(pos[s:s + chunk], baseline)
        return out if inverse is None else out[inverse]

    def _raw_chunk(self, pos: np.ndarray, baseline: float) -> np.ndarray:
        n = len(pos)
        mask = np.full((n, self.n_trees), 0xFFFF, dtype=np.uint16)
        for k, (_, _, table) in enumerate(self.features):
            mask &= table[pos[:, k]]
        leaf = _LOWEST_BIT[mask]
        acc = np.empty((n, self.n_trees + 1))
        acc[:, 0] = 0.0 + baseline
        acc[:, 1:] = self.leaf_values[np.arange(self.n_trees)[None, :], leaf]
        return np.add.accumulate(acc, axis=1)[:, -1]


def _distinct_rows(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row -> distinct-row number, first row of each distinct row) of a matrix of positions (0..511).

    Hash-based: four 9-bit positions at a time are packed beside the running row number and factorized.
    """
    import pandas as pd

    code = np.zeros(len(pos), dtype=np.int64)
    for start in range(0, pos.shape[1], 4):
        block = pos[:, start:start + 4].astype(np.int64)
        packed = np.zeros(len(pos), dtype=np.int64)
        for k in range(block.shape[1]):
            packed |= block[:, k] << (9 * k)
        code, _ = pd.factorize((code << 36) | packed)
    first = np.empty(int(code.max()) + 1, dtype=np.int64)
    first[code[::-1]] = np.arange(len(code) - 1, -1, -1)
    return code, first


_LOWEST_BIT = np.zeros(1 << MAX_LEAVES, dtype=np.uint8)
for _b in range(MAX_LEAVES - 1, -1, -1):
    _LOWEST_BIT[(np.arange(1 << MAX_LEAVES) >> _b) & 1 == 1] = _b
del _b


def _leaf_ranges(a: dict, starts, sizes):
    """Per node: its leaf's left-to-right rank in its tree (leaves), its left subtree's leaf range [lo, hi),
    its tree.

    scikit-learn stores each tree's nodes in pre-order (a node, its whole left subtree, then its right
    subtree), so leaves in index order run left to right and the left subtree of node i is the index
    range [left, right). A file that does not have this layout is refused.
    """
    n = int(np.sum(sizes))
    tree_of = np.repeat(np.arange(len(sizes)), sizes)
    local = np.arange(n) - np.repeat(starts, sizes)
    is_leaf = a["tree.is_leaf"].astype(bool)
    left, right = a["tree.left"].astype(np.int64), a["tree.right"].astype(np.int64)
    internal = ~is_leaf
    if not (np.all(left[internal] == local[internal] + 1) and np.all(right[internal] > left[internal])
            and np.all(right[internal] < np.repeat(sizes, sizes)[internal]) and np.all(is_leaf[np.cumsum(sizes) - 1])):
        raise Unsupported("tree nodes not in pre-order")
    leaves_before = np.cumsum(is_leaf) - is_leaf  # leaves before each node, whole forest
    first_leaf_of_tree = np.repeat(leaves_before[starts], sizes)
    leaf_rank = np.where(is_leaf, leaves_before - first_leaf_of_tree, -1)
    if leaf_rank.max() >= MAX_LEAVES:
        raise Unsupported(f"a tree with more than {MAX_LEAVES} leaves")
    base = np.repeat(starts, sizes)
    lo = np.where(internal, leaves_before[np.minimum(base + left, n - 1)] - first_leaf_of_tree, 0)
    hi = np.where(internal, leaves_before[np.minimum(base + right, n - 1)] - first_leaf_of_tree, 0)
    return leaf_rank, lo, hi, tree_of


def _leaf_value_table(a, leaf_rank, tree_of, n_trees) -> np.ndarray:
    table = np.zeros((n_trees, MAX_LEAVES))
    leaves = np.flatnonzero(leaf_rank >= 0)
    table[tree_of[leaves], leaf_rank[leaves]] = a["tree.value"][leaves]
    return table


def _numeric_table(a, rows, tree_of, false_mask, n_trees):
    """Sorted thresholds of one feature and the mask table per position (count of thresholds < x; NaN last)."""
    thr = a["tree.num_threshold"][rows]
    thresholds = np.unique(thr)
    rank = np.searchsorted(thresholds, thr)
    per_rank = np.full((len(thresholds), n_trees), 0xFFFF, dtype=np.uint16)
    np.bitwise_and.at(per_rank, (rank, tree_of[rows]), false_mask[rows])
    table = np.full((len(thresholds) + 2, n_trees), 0xFFFF, dtype=np.uint16)
    table[1:len(thresholds) + 1] = np.bitwise_and.accumulate(per_rank, axis=0)
    right_on_nan = rows[~a["tree.missing_go_to_left"][rows].astype(bool)]
    np.bitwise_and.at(table[len(thresholds) + 1], tree_of[right_on_nan], false_mask[right_on_nan])
    return thresholds, table


def _in_bitset(bitsets: np.ndarray, row: int, codes: np.ndarray) -> np.ndarray:
    words = bitsets[row][codes // 32]
    return ((words >> (codes % 32).astype(np.uint32)) & 1).astype(bool)


def _categorical_table(a, rows, tree_of, false_mask, bit_starts, n_trees) -> np.ndarray:
    """Mask table per categorical code 0..255, and the missing code N_CODES, for one feature.

    A split sends code c right when c is not in its left bitset and is a known category (an unknown
    one follows ``missing_go_to_left``), as scikit-learn's predictor does.
    """
    if not a["tree.is_categorical"][rows].all():
        raise Unsupported("a feature with both categorical and numeric splits")
    codes = np.arange(N_CODES)
    known = _in_bitset(a["known_cat_bitsets"], int(a["f_idx_map"][int(a["tree.feature_idx"][rows[0]])]), codes)
    words = a["tree.bitsets"][bit_starts[tree_of[rows]] + a["tree.bitset_idx"][rows]][:, codes // 32]
    left = ((words >> (codes % 32).astype(np.uint32)) & 1).astype(bool)
    miss_left = a["tree.missing_go_to_left"][rows].astype(bool)
    goes_right = ~left & (known[None, :] | ~miss_left[:, None])
    node, code = np.nonzero(goes_right)
    trees, masks = tree_of[rows], false_mask[rows]
    table = np.full((N_CODES + 1, n_trees), 0xFFFF, dtype=np.uint16)
    np.bitwise_and.at(table, (code, trees[node]), masks[node])
    np.bitwise_and.at(table[N_CODES], trees[~miss_left], masks[~miss_left])
    return table


def members_from_arrays(arrays: dict) -> list:
    """The member predictors (one per learner of the model) rebuilt from the exported arrays."""
    if str(arrays.get("format")) != ARRAYS_FORMAT:
        raise Unsupported(f"arrays format {arrays.get('format')!r}")
    out = []
    for i in range(len(arrays["members"])):
        prefix = f"m{i}."
        part = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
        out.append(_HGBMember(part) if str(part["kind"]) == "hgb" else _RidgeMember(part))
    return out


# --------------------------------------------------------------------------------------------
# Loading with the hash checks
# --------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def skops_meta(path: Path) -> dict:
    """The metadata JSON inside a sewerplan ``.skops`` file, read with zipfile + json (no skops)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        text = z.read("schema.json").decode("utf-8")
    # "meta" is the last key of the payload dict (save_model), after the estimator's large schema:
    # decode only its node instead of the whole file
    at = text.rfind('"meta": {')
    node, _ = json.JSONDecoder().raw_decode(text, at + len('"meta": '))
    if node.get("__class__") != "str" or node.get("__module__") != "builtins":
        raise ValueError("no metadata string")
    return json.loads(json.loads(node["content"]))


def cache_problem(path: Path, card: dict) -> tuple[str | None, dict | None]:
    """(why the cache beside ``path`` cannot be used or None, the ``.skops`` metadata when it can)."""
    from importlib.metadata import PackageNotFoundError, version

    from .persistence import card_digest

    entry = card.get("array_cache")
    if not isinstance(entry, dict):
        return QUIET + "the model card names no array cache (a model saved before it existed)", None
    cache = path.with_name(str(entry.get("file", "")))
    if entry.get("format") != ARRAYS_FORMAT or cache != arrays_path_for(path) or not cache.is_file():
        return QUIET + f"array cache {cache.name} missing or of another format", None
    try:
        installed = version("scikit-learn")
    except PackageNotFoundError:
        installed = None
    if (card.get("libraries") or {}).get("scikit-learn") != installed:
        return QUIET + "the model was saved with another scikit-learn (the .skops rules apply)", None
    if _sha256(path) != entry.get("skops_sha256"):
        return f"{path.name} is not the file the card's array cache was made from (SHA-256 differs)", None
    if _sha256(cache) != entry.get("sha256"):
        return f"{cache.name} was changed after training (SHA-256 differs from the card)", None
    try:
        meta = skops_meta(path)
    except (OSError, KeyError, TypeError, ValueError) as exc:
        return f"metadata of {path.name} unreadable: {exc}", None
    if meta.get("arrays_sha256") != entry.get("sha256") or meta.get("card_sha256") != card_digest(card):
        return f"the card or the array cache does not match the hashes stored in {path.name}", None
    return None, meta


def load_cached(path: Path, card: dict):
    """The model rebuilt from its array cache, or None (with a log line saying why) to load the ``.skops``."""
    if not cache_enabled():
        return None
    why, meta = cache_problem(path, card)
    arrays = None
    if why is None:
        try:
            with np.load(arrays_path_for(path), allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
            members = members_from_arrays(arrays)
        except (OSError, KeyError, ValueError, IndexError) as exc:
            why = f"array cache unreadable: {str(exc)[:200]}"
    if why is not None:  # a hash that does not match is worth a warning; a cache that is simply not there is not
        quiet = why.startswith(QUIET)
        (log.info if quiet else log.warning)("model %s loads from the .skops: %s", path.name, why.removeprefix(QUIET))
        return None
    return meta, (members if meta["learner"] == "blend" else members[0])
