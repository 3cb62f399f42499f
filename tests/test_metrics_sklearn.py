"Every metric function mtl_bio scores with, cross-checked against scikit-learn (and SciPy's Pearson r) on random data, including NaN-masked rows and classes without a positive row."
import numpy as np, pytest
from scipy.stats import pearsonr
from sklearn import metrics as skm
from mtl_bio.metrics import (onehot_labels, f1_per_class, macro_f1, micro_f1, average_precision, mean_ap, macro_roc_auc,
                             regression_metrics, mean_r2, apply_thresholds)

SEEDS = range(5)

def _labels(seed, n=300, c=6, missing=0.15):
    "0/1 targets (rows x classes) with NaN-masked rows, an empty class and a full one; scores and calls that mean something"
    rng = np.random.default_rng(seed)
    y = (rng.random((n, c)) < rng.uniform(0.05, 0.5, c)).astype(np.float32)
    y[:, 0] = 0; y[:, 1] = 1   # no positive row; no negative row
    scores = np.clip(y*0.3 + rng.random((n, c))*0.7, 0, 1).astype(np.float32)
    y[rng.random(n) < missing] = np.nan
    return y, scores, apply_thresholds(scores, np.full(c, 0.5))

def _known(y, *o):
    keep = ~np.isnan(y).any(1)
    return (y[keep],) + tuple(x[keep] for x in o)

@pytest.mark.parametrize('seed', SEEDS)
def test_f1_scores_are_sklearns_over_the_labelled_rows(seed):
    y, _, pred = _labels(seed)
    yk, pk = _known(y, pred)
    f1, prec, rec, sup = f1_per_class(y, pred)
    np.testing.assert_allclose(f1, skm.f1_score(yk, pk, average=None, zero_division=0), atol=1e-6)
    np.testing.assert_allclose(prec, skm.precision_score(yk, pk, average=None, zero_division=0), atol=1e-6)
    np.testing.assert_allclose(rec, skm.recall_score(yk, pk, average=None, zero_division=0), atol=1e-6)
    np.testing.assert_array_equal(sup, yk.sum(0))
    with_pos = np.flatnonzero(yk.sum(0) > 0)   # macro F1 averages the classes that have a positive row
    assert macro_f1(y, pred) == pytest.approx(skm.f1_score(yk, pk, labels=with_pos, average='macro', zero_division=0), abs=1e-6)
    assert micro_f1(y, pred) == pytest.approx(skm.f1_score(yk, pk, average='micro', zero_division=0), abs=1e-6)

@pytest.mark.parametrize('seed', SEEDS)
def test_multiclass_f1_through_onehot_labels_is_sklearns(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, 200); y[rng.random(200) < 0.1] = -1   # -1: no label
    pred = np.where(rng.random(200) < 0.6, y.clip(0), rng.integers(0, 4, 200))
    ok = y >= 0
    got = macro_f1(onehot_labels(y, 4), onehot_labels(pred, 4))
    assert got == pytest.approx(skm.f1_score(y[ok], pred[ok], labels=np.unique(y[ok]), average='macro'), abs=1e-6)
    assert micro_f1(onehot_labels(y, 4), onehot_labels(pred, 4)) == pytest.approx(skm.accuracy_score(y[ok], pred[ok]), abs=1e-6)   # one label per row: micro F1 is accuracy

@pytest.mark.parametrize('seed', SEEDS)
def test_ranking_scores_are_sklearns(seed):
    y, scores, _ = _labels(seed)
    yk, sk = _known(y, scores)
    ap = average_precision(y, scores)
    assert np.isnan(ap[0])   # no positive row: no AP
    for c in range(1, y.shape[1]): assert ap[c] == pytest.approx(skm.average_precision_score(yk[:, c], sk[:, c]), abs=1e-6)
    assert mean_ap(y, scores) == pytest.approx(np.mean(ap[1:]), abs=1e-6)
    both = [c for c in range(y.shape[1]) if 0 < yk[:, c].sum() < len(yk)]   # ROC-AUC needs both kinds of row
    assert macro_roc_auc(y, scores) == pytest.approx(skm.roc_auc_score(yk[:, both], sk[:, both], average='macro'), abs=1e-6)

@pytest.mark.parametrize('seed', SEEDS)
def test_regression_metrics_are_sklearns_per_target(seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(150, 3)); pred = y*0.7 + rng.normal(scale=0.5, size=y.shape)
    y[rng.random((150, 3)) < 0.2] = np.nan   # each target masked on its own rows
    per = regression_metrics(y, pred)
    for j, m in enumerate(per):
        ok = ~np.isnan(y[:, j]); a, b = y[ok, j], pred[ok, j]
        assert m['n'] == ok.sum()
        assert m['mse'] == pytest.approx(skm.mean_squared_error(a, b))
        assert m['mae'] == pytest.approx(skm.mean_absolute_error(a, b))
        assert m['r2'] == pytest.approx(skm.r2_score(a, b))
        assert m['pearson'] == pytest.approx(pearsonr(a, b)[0])
    assert mean_r2(y, pred) == pytest.approx(np.mean([m['r2'] for m in per]))

def test_degenerate_inputs_give_nan_not_a_number_that_means_nothing():
    assert np.isnan(macro_f1(np.zeros((5, 2)), np.zeros((5, 2))))   # no positive anywhere
    assert np.isnan(regression_metrics(np.array([1., np.nan]), np.array([1., 2.]))[0]['r2'])   # one known row
    assert np.isnan(regression_metrics(np.ones(4), np.arange(4.))[0]['r2'])   # a constant target
